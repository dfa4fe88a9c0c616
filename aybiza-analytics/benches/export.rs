//! Analytics tables: building them from a simulated tenant (with and without sentiment scoring
//! and redaction), writing them as CSV and Parquet, and encoding them as the bodies of Power BI
//! "post rows" requests.
//!
//! Run with `cargo bench -p aybiza-analytics --bench export`. Throughput is in utterances:
//! scoring and redacting them is most of the work.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};

use aybiza_analytics::export::powerbi::{MAX_ROWS_PER_REQUEST, rows_body};
use aybiza_analytics::export::{Table, TableFormat, TableOptions, analytics_tables, write_table};
use aybiza_analytics::model::Record;
use aybiza_analytics::sim::{SimConfig, simulate};

fn export(c: &mut Criterion) {
    let records = simulate(&SimConfig {
        tenants: 1,
        days: 2,
        calls_per_day: 400,
        anomaly_days: 0,
        seed: 7,
        ..SimConfig::default()
    })
    .expect("valid simulation config")
    .records;
    let (mut calls, mut utterances, mut events, mut metrics) = (vec![], vec![], vec![], vec![]);
    for record in records {
        match record {
            Record::Call(r) => calls.push(r),
            Record::Utterance(r) => utterances.push(r),
            Record::JourneyEvent(r) => events.push(r),
            Record::Metric(r) => metrics.push(r),
            Record::Tenant(_) => {}
        }
    }
    let build = |options: &TableOptions| {
        analytics_tables(&calls, &utterances, &events, &metrics, options).expect("tables")
    };

    let mut group = c.benchmark_group("export");
    group.sample_size(10);
    group.throughput(Throughput::Elements(utterances.len() as u64));
    let full = TableOptions::default();
    group.bench_function("tables", |b| b.iter(|| build(&full)));
    let bare = TableOptions {
        redact: false,
        sentiment: false,
        ..TableOptions::default()
    };
    group.bench_function("tables_without_sentiment_or_redaction", |b| {
        b.iter(|| build(&bare))
    });

    let tables = build(&full);
    let write_all = |format: TableFormat, tables: &[Table]| {
        let mut bytes = Vec::new();
        for table in tables {
            write_table(table, format, &mut bytes).expect("write");
        }
        bytes.len()
    };
    group.bench_function("write_csv", |b| {
        b.iter(|| write_all(TableFormat::Csv, &tables))
    });
    group.bench_function("write_parquet", |b| {
        b.iter(|| write_all(TableFormat::Parquet, &tables))
    });
    group.bench_function("power_bi_rows_bodies", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for table in &tables {
                for start in (0..table.rows()).step_by(MAX_ROWS_PER_REQUEST) {
                    let end = (start + MAX_ROWS_PER_REQUEST).min(table.rows());
                    bytes += rows_body(table, start..end).expect("body").0.len();
                }
            }
            bytes
        })
    });
    group.finish();
}

criterion_group!(benches, export);
criterion_main!(benches);
