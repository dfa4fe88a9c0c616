use super::*;
use crate::MemoryStore;
use crate::export::{TableFormat, write_table, write_tables};
use crate::model::Record;
use crate::sim::{SimConfig, simulate};

fn call(json: &str) -> Call {
    serde_json::from_str(json).unwrap()
}

fn utterance(call_id: &str, seq: u32, speaker: &str, text: &str, start_ms: u64) -> Utterance {
    serde_json::from_value(serde_json::json!({
        "tenant": "t1", "call_id": call_id, "seq": seq, "speaker": speaker, "text": text,
        "start_ms": start_ms, "end_ms": start_ms + 4_000,
    }))
    .unwrap()
}

/// One call of 40 s whose customer starts angry and ends pleased, with a card number said
/// aloud, and an utterance of a call that has no record.
fn one_call() -> (Vec<Call>, Vec<Utterance>) {
    let calls = vec![call(
        r#"{"id":"c1","tenant":"t1","customer_id":"cu1","channel":"voice","direction":"inbound",
            "started_at":"2026-03-09T10:00:00Z","ended_at":"2026-03-09T10:00:40Z","queue":"billing",
            "outcome":"resolved","escalated":false,"transferred":false,"satisfaction":4.0,
            "tags":["refund"],"attributes":{"contact":"mail me at jo@example.com","plan":"gold"}}"#,
    )];
    let utterances = vec![
        utterance(
            "c1",
            0,
            "customer",
            "This is terrible, I was charged twice and I am furious!",
            0,
        ),
        utterance(
            "c1",
            1,
            "agent",
            "I am sorry about that, let me look.",
            6_000,
        ),
        utterance(
            "c1",
            2,
            "customer",
            "My card is 4111 1111 1111 1111.",
            12_000,
        ),
        utterance(
            "c1",
            3,
            "customer",
            "Thank you so much, that fixed it, great service!",
            34_000,
        ),
        utterance("c9", 0, "customer", "hello?", 0),
    ];
    (calls, utterances)
}

fn floats<'a>(table: &'a Table, name: &str) -> &'a [Option<f64>] {
    match &table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .values
    {
        ColumnValues::Float(v) => v,
        other => panic!("{name} is not a float column: {other:?}"),
    }
}

fn texts<'a>(table: &'a Table, name: &str) -> &'a [Option<String>] {
    match &table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .values
    {
        ColumnValues::Text(v) => v,
        other => panic!("{name} is not a text column: {other:?}"),
    }
}

fn integers<'a>(table: &'a Table, name: &str) -> &'a [Option<i64>] {
    match &table
        .column(name)
        .unwrap_or_else(|| panic!("no column {name}"))
        .values
    {
        ColumnValues::Integer(v) => v,
        other => panic!("{name} is not an integer column: {other:?}"),
    }
}

#[test]
fn a_call_row_joins_its_utterances_and_their_sentiment() {
    let (calls, utterances) = one_call();
    let tables = analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap();
    let kinds: Vec<TableKind> = tables.iter().map(|t| t.kind).collect();
    assert_eq!(kinds, TableKind::ALL);
    let calls_table = &tables[0];
    assert_eq!(calls_table.rows(), 1);
    assert_eq!(integers(calls_table, "utterances"), [Some(4)]);
    assert_eq!(integers(calls_table, "customer_utterances"), [Some(3)]);
    assert_eq!(floats(calls_table, "duration_s"), [Some(40.0)]);
    // Quarters by utterance midpoint: 2 s and 14 s fall in the first (0–10 s) and second, 36 s in the last.
    let q1 = floats(calls_table, "customer_sentiment_q1")[0].unwrap();
    let q4 = floats(calls_table, "customer_sentiment_q4")[0].unwrap();
    assert!(q1 < -0.3 && q4 > 0.3, "q1 {q1}, q4 {q4}");
    assert_eq!(floats(calls_table, "customer_sentiment_q3"), [None]);
    let customer = floats(calls_table, "customer_sentiment")[0].unwrap();
    assert!((-1.0..=1.0).contains(&customer));

    // The call's sentiment is the word-weighted mean of its utterances' scores.
    let utterances_table = &tables[1];
    assert_eq!(utterances_table.rows(), 5);
    let scores = floats(utterances_table, "sentiment");
    let weights: Vec<f64> = utterances[..4]
        .iter()
        .map(|u| text_weight(&u.text))
        .collect();
    let expected = scores[..4]
        .iter()
        .zip(&weights)
        .map(|(s, w)| s.unwrap() * w)
        .sum::<f64>()
        / weights.iter().sum::<f64>();
    // Both are rounded to four decimals.
    assert!((floats(calls_table, "sentiment")[0].unwrap() - expected).abs() < 1e-4);
    for score in scores.iter().flatten() {
        assert_eq!(*score, (score * 1e4).round() / 1e4);
    }
    assert_eq!(
        texts(utterances_table, "sentiment_label")[0].as_deref(),
        Some("negative")
    );
    assert_eq!(texts(calls_table, "attr_plan"), [Some("gold".to_owned())]);
    // Every column of a table has a value per row.
    for table in &tables {
        for column in &table.columns {
            assert_eq!(column.values.len(), table.rows(), "{}", column.name);
        }
    }
}

#[test]
fn pii_is_redacted_by_default_and_kept_on_request() {
    let (calls, utterances) = one_call();
    let tables = analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap();
    assert_eq!(
        texts(&tables[1], "text")[2].as_deref(),
        Some("My card is [CARD].")
    );
    assert_eq!(
        integers(&tables[1], "pii_redacted")[..3],
        [Some(0), Some(0), Some(1)]
    );
    assert_eq!(
        texts(&tables[0], "attr_contact")[0].as_deref(),
        Some("mail me at [EMAIL]")
    );

    let kept = TableOptions {
        redact: false,
        sentiment: false,
        ..TableOptions::default()
    };
    let tables = analytics_tables(&calls, &utterances, &[], &[], &kept).unwrap();
    assert_eq!(
        texts(&tables[1], "text")[2],
        Some(utterances[2].text.clone())
    );
    assert!(tables[1].column("pii_redacted").is_none());
    for table in &tables[..2] {
        assert!(table.column("sentiment").is_none());
        assert!(table.column("happy").is_none());
    }
}

#[test]
fn bad_options_and_impossible_offsets_are_typed_errors() {
    let (calls, mut utterances) = one_call();
    let twice = TableOptions {
        tables: vec![TableKind::Calls, TableKind::Calls],
        ..TableOptions::default()
    };
    let error = analytics_tables(&calls, &utterances, &[], &[], &twice).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(m) if m.contains("twice")));
    assert!("call".parse::<TableKind>().is_err());
    assert_eq!(
        "journey_events".parse::<TableKind>().unwrap(),
        TableKind::JourneyEvents
    );
    assert!("xlsx".parse::<TableFormat>().is_err());

    utterances[1].end_ms = u64::MAX;
    let error =
        analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap_err();
    assert!(matches!(error, Error::InvalidArgument(m) if m.contains("utterance 1 of call c1")));
}

#[tokio::test]
async fn simulated_tenant_tables_cover_every_record() {
    let sim = simulate(&SimConfig {
        tenants: 1,
        days: 2,
        calls_per_day: 25,
        anomaly_days: 0,
        ..SimConfig::default()
    })
    .unwrap();
    let store = MemoryStore::new();
    store.put(sim.records.clone()).await.unwrap();
    let tenant = &store.tenant_ids().await.unwrap()[0];
    // An utterance whose call has no record yet (a live call) has its row too.
    let mut pending = store.utterances(tenant, TimeRange::all()).await.unwrap()[0].clone();
    pending.call_id = "still-live".into();
    store.put(vec![Record::Utterance(pending)]).await.unwrap();
    let count = |kind: fn(&Record) -> bool| sim.records.iter().filter(|r| kind(r)).count();
    let tables = tenant_tables(&store, tenant, TimeRange::all(), &TableOptions::default())
        .await
        .unwrap();
    let rows: Vec<usize> = tables.iter().map(Table::rows).collect();
    let agents: BTreeSet<&str> = sim
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Call(call) => call.agent_id.as_deref(),
            _ => None,
        })
        .collect();
    assert_eq!(
        rows,
        [
            count(|r| matches!(r, Record::Call(_))),
            count(|r| matches!(r, Record::Utterance(_))) + 1,
            count(|r| matches!(r, Record::JourneyEvent(_))),
            count(|r| matches!(r, Record::Metric(_))),
            agents.len(),
        ]
    );
    let agent_calls: i64 = integers(&tables[4], "calls").iter().flatten().sum();
    let calls_with_agent = texts(&tables[0], "agent_id").iter().flatten().count();
    assert_eq!(agent_calls as usize, calls_with_agent);
    assert!(rows.iter().all(|&n| n > 0));
    let per_call: i64 = integers(&tables[0], "utterances").iter().flatten().sum();
    assert_eq!(per_call as usize, rows[1] - 1);
    assert!(
        tables[0]
            .columns
            .iter()
            .any(|c| c.name.starts_with("attr_sim."))
    );

    // Only the tables asked for are read and built.
    let metrics_only = TableOptions {
        tables: vec![TableKind::Metrics],
        ..TableOptions::default()
    };
    let tables = tenant_tables(&store, tenant, TimeRange::all(), &metrics_only)
        .await
        .unwrap();
    assert_eq!(tables.len(), 1);
    assert_eq!(tables[0].rows(), rows[3]);
}

#[test]
fn csv_and_json_lines_write_every_value() {
    let (calls, utterances) = one_call();
    let tables = analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap();
    let calls_table = &tables[0];

    let mut csv_bytes = Vec::new();
    write_table(calls_table, TableFormat::Csv, &mut csv_bytes).unwrap();
    let mut reader = csv::Reader::from_reader(&csv_bytes[..]);
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_owned)
        .collect();
    let names: Vec<&str> = calls_table
        .columns
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    assert_eq!(header, names);
    let row = reader.records().next().unwrap().unwrap();
    let field = |name: &str| row[names.iter().position(|n| *n == name).unwrap()].to_owned();
    assert_eq!(field("started_at"), "2026-03-09T10:00:00.000Z");
    assert_eq!(field("escalated"), "false");
    assert_eq!(field("agent_id"), "");
    let sentiment = floats(calls_table, "sentiment")[0].unwrap();
    assert_eq!(field("sentiment").parse::<f64>().unwrap(), sentiment);

    let mut lines = Vec::new();
    write_table(&tables[1], TableFormat::JsonLines, &mut lines).unwrap();
    let rows: Vec<serde_json::Value> = lines
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 5);
    // Keys keep the columns' order (a parsed `Value` would sort them: read the raw line).
    let first_line = std::str::from_utf8(lines.split(|&b| b == b'\n').next().unwrap()).unwrap();
    let positions: Vec<usize> = tables[1]
        .columns
        .iter()
        .map(|c| first_line.find(&format!("\"{}\":", c.name)).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{first_line}");
    assert_eq!(rows[2]["text"], "My card is [CARD].");
    assert_eq!(rows[2]["energy"], serde_json::Value::Null);
    assert_eq!(rows[2]["seq"], 2);
}

#[cfg(feature = "parquet")]
#[test]
fn parquet_reads_back_with_types_and_values() {
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Float64Type, Int64Type, TimestampMillisecondType};
    use arrow_schema::{DataType, TimeUnit};
    use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
    use std::fs::File;

    let (calls, utterances) = one_call();
    let tables = analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let paths = write_tables(&tables, TableFormat::Parquet, directory.path()).unwrap();
    let names: Vec<String> = std::fs::read_dir(directory.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(
        names,
        [
            "agents.parquet",
            "calls.parquet",
            "journey_events.parquet",
            "metrics.parquet",
            "utterances.parquet"
        ]
    );

    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&paths[0]).unwrap())
        .unwrap()
        .build()
        .unwrap();
    let batches: Vec<_> = reader.map(|b| b.unwrap()).collect();
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
    let batch = &batches[0];
    let schema = batch.schema();
    let started = schema.field_with_name("started_at").unwrap();
    assert_eq!(
        started.data_type(),
        &DataType::Timestamp(TimeUnit::Millisecond, Some("UTC".into()))
    );
    let column = |name: &str| batch.column(schema.index_of(name).unwrap());
    assert_eq!(
        column("started_at")
            .as_primitive::<TimestampMillisecondType>()
            .value(0),
        calls[0].started_at.timestamp_millis()
    );
    assert_eq!(column("utterances").as_primitive::<Int64Type>().value(0), 4);
    assert_eq!(
        column("sentiment").as_primitive::<Float64Type>().value(0),
        floats(&tables[0], "sentiment")[0].unwrap()
    );
    assert!(column("agent_id").is_null(0));
    assert_eq!(column("queue").as_string::<i32>().value(0), "billing");

    // Empty tables still carry their schema.
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(&paths[3]).unwrap()).unwrap();
    assert!(reader.schema().field_with_name("value").is_ok());
}

#[test]
fn written_files_replace_old_ones_and_leave_nothing_partial() {
    let (calls, utterances) = one_call();
    let tables = analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap();
    let directory = tempfile::tempdir().unwrap();
    let target = directory.path().join("out");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("calls.csv"), "stale").unwrap();
    write_tables(&tables, TableFormat::Csv, &target).unwrap();
    let calls_csv = std::fs::read_to_string(target.join("calls.csv")).unwrap();
    assert!(calls_csv.starts_with("tenant,call_id,"));
    let mut names: Vec<String> = std::fs::read_dir(&target)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "agents.csv",
            "calls.csv",
            "journey_events.csv",
            "metrics.csv",
            "utterances.csv"
        ]
    );
}

#[test]
fn empty_tables_have_the_same_columns_as_full_ones() {
    let (calls, mut utterances) = one_call();
    let calls: Vec<Call> = calls
        .into_iter()
        .map(|mut c| {
            c.attributes.clear();
            c
        })
        .collect();
    utterances.truncate(4);
    let options = TableOptions::default();
    let full = analytics_tables(&calls, &utterances, &[], &[], &options).unwrap();
    let empty = analytics_tables(&[], &[], &[], &[], &options).unwrap();
    for (full, empty) in full.iter().zip(&empty) {
        assert_eq!(empty.rows(), 0);
        let names = |t: &Table| t.columns.iter().map(|c| c.name.clone()).collect::<Vec<_>>();
        assert_eq!(names(full), names(empty), "{:?}", full.kind);
    }
    assert!(empty[0].column("customer_sentiment_q4").is_some());
    assert!(empty[1].column("sentiment").is_some());
}

#[test]
fn an_agent_row_sums_up_its_calls() {
    let mut calls = vec![
        call(
            r#"{"id":"a1","tenant":"t1","customer_id":"k1","agent_id":"ana","channel":"voice","direction":"inbound",
                "started_at":"2026-03-09T10:00:00Z","ended_at":"2026-03-09T10:02:00Z","outcome":"resolved",
                "escalated":false,"transferred":false,"satisfaction":5.0}"#,
        ),
        call(
            r#"{"id":"a2","tenant":"t1","customer_id":"k2","agent_id":"ana","channel":"chat","direction":"inbound",
                "started_at":"2026-03-10T09:00:00Z","ended_at":"2026-03-10T09:04:00Z","outcome":"abandoned",
                "escalated":true,"transferred":true}"#,
        ),
        call(
            r#"{"id":"a3","tenant":"t1","customer_id":"k3","agent_id":"ana","channel":"voice","direction":"inbound",
                "started_at":"2026-03-09T08:00:00Z"}"#,
        ),
        call(
            r#"{"id":"b1","tenant":"t1","customer_id":"k4","agent_id":"bo","channel":"voice","direction":"outbound",
                "started_at":"2026-03-09T11:00:00Z","ended_at":"2026-03-09T11:01:00Z","outcome":"resolved",
                "escalated":false,"transferred":false,"satisfaction":3.0}"#,
        ),
        call(
            r#"{"id":"n1","tenant":"t1","customer_id":"k5","channel":"voice","direction":"inbound",
                "started_at":"2026-03-09T12:00:00Z","outcome":"resolved"}"#,
        ),
        call(
            r#"{"id":"x1","tenant":"t2","customer_id":"k1","agent_id":"ana","channel":"voice","direction":"inbound",
                "started_at":"2026-03-09T12:00:00Z","outcome":"unresolved","escalated":true}"#,
        ),
    ];
    let (_, utterances) = one_call();
    calls[0].id = "c1".into(); // the angry-then-pleased transcript is ana's first call
    let options = TableOptions {
        tables: vec![TableKind::Agents],
        ..TableOptions::default()
    };
    let tables = analytics_tables(&calls, &utterances, &[], &[], &options).unwrap();
    let agents = &tables[0];
    assert_eq!(
        texts(agents, "tenant"),
        [Some("t1".into()), Some("t1".into()), Some("t2".into())]
    );
    assert_eq!(
        texts(agents, "agent_id"),
        [Some("ana".into()), Some("bo".into()), Some("ana".into())]
    );
    assert_eq!(integers(agents, "escalated_calls")[2], Some(1));
    let ana_and_bo = |values: &[Option<f64>]| values[..2].to_vec();
    assert_eq!(integers(agents, "calls")[..2], [Some(3), Some(1)]);
    assert_eq!(
        integers(agents, "calls_with_outcome")[..2],
        [Some(2), Some(1)]
    );
    assert_eq!(integers(agents, "resolved_calls")[..2], [Some(1), Some(1)]);
    assert_eq!(
        ana_and_bo(floats(agents, "resolution_rate")),
        [Some(0.5), Some(1.0)]
    );
    assert_eq!(
        ana_and_bo(floats(agents, "abandonment_rate")),
        [Some(0.5), Some(0.0)]
    );
    assert_eq!(
        ana_and_bo(floats(agents, "escalation_rate")),
        [Some(0.3333), Some(0.0)]
    );
    assert_eq!(
        ana_and_bo(floats(agents, "transfer_rate")),
        [Some(0.3333), Some(0.0)]
    );
    assert_eq!(
        ana_and_bo(floats(agents, "mean_duration_s")),
        [Some(180.0), Some(60.0)]
    );
    assert_eq!(integers(agents, "rated_calls")[..2], [Some(1), Some(1)]);
    assert_eq!(
        ana_and_bo(floats(agents, "mean_satisfaction")),
        [Some(5.0), Some(3.0)]
    );
    // The mean of the customer sentiment of ana's calls: only c1 has a transcript.
    let call_table =
        &analytics_tables(&calls, &utterances, &[], &[], &TableOptions::default()).unwrap()[0];
    let c1 = floats(call_table, "customer_sentiment")[0];
    assert!(c1.is_some());
    assert_eq!(floats(agents, "mean_customer_sentiment"), [c1, None, None]);
    let instants = |name: &str| match agents.column(name).map(|c| &c.values) {
        Some(ColumnValues::Timestamp(values)) => values.clone(),
        other => panic!("{name} is not a timestamp column: {other:?}"),
    };
    assert_eq!(instants("first_call_at")[0], Some(calls[2].started_at));
    assert_eq!(instants("last_call_at")[0], Some(calls[1].started_at));

    let without_sentiment = TableOptions {
        sentiment: false,
        ..options
    };
    let tables = analytics_tables(&calls, &utterances, &[], &[], &without_sentiment).unwrap();
    assert!(tables[0].column("mean_customer_sentiment").is_none());
}
