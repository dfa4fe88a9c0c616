//! Scores a CSV of texts with the default sentiment analyzer.
//!
//! ```text
//! cargo run --release -p aybiza-analytics --example score_sentiment < texts.csv > scores.csv
//! ```
//!
//! Reads CSV with a header from standard input; the column `text` is scored and
//! every input column is copied through. Adds `held_out` (1 when the row's
//! `domain` and `id` fall in the fixed held-out split of the reference data,
//! else 0; empty without those columns), `score`, `predicted_label`, `intensity`,
//! `frustrated`, `angry`, `confused`, `satisfied`, `happy` and `urgency`.
//! Texts are scored first, all in one timed loop of `analyze` calls on one thread,
//! then again through `analyze_batch` (which splits a large batch over the cores);
//! the times of those loops alone are printed to standard error as one JSON line, e.g.
//! `{"texts": 11848, "seconds": 0.05, "texts_per_second": 236960, "batch_texts": 11848,
//! "batch_threads": 2, "batch_texts_per_second": 450000}`.
//! `--repeat N` runs each timed loop N times in the process and reports the
//! fastest, like the evaluation script does for VADER.

use std::error::Error;
use std::io;
use std::time::Instant;

use aybiza_analytics::sentiment::training::is_held_out;
use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer, SentimentLabel};

fn main() -> Result<(), Box<dyn Error>> {
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        match flag.as_str() {
            "--repeat" => {
                repeat = args
                    .next()
                    .ok_or("--repeat needs a value")?
                    .parse::<usize>()?
                    .max(1)
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let mut reader = csv::Reader::from_reader(io::stdin().lock());
    let headers = reader.headers()?.clone();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let text_column = column("text").ok_or("the input has no `text` column")?;
    let key_columns = column("domain").zip(column("id"));
    let records: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>()?;

    let analyzer = HybridSentimentAnalyzer::new()?;
    let texts: Vec<&str> = records
        .iter()
        .map(|r| r.get(text_column).unwrap_or(""))
        .collect();
    let mut seconds = f64::INFINITY;
    let mut scored = Vec::new();
    for _ in 0..repeat {
        let started = Instant::now();
        scored = texts.iter().map(|text| analyzer.analyze(text)).collect();
        seconds = seconds.min(started.elapsed().as_secs_f64());
    }
    // The same texts through `analyze_batch`, which splits a large batch over the cores
    // (texts the analyzer refuses are left out, as a batch fails on any of them).
    let valid: Vec<&str> = texts
        .iter()
        .zip(&scored)
        .filter_map(|(text, result)| result.is_ok().then_some(*text))
        .collect();
    let mut batch_seconds = f64::INFINITY;
    for _ in 0..repeat {
        let started = Instant::now();
        analyzer.analyze_batch(&valid)?;
        batch_seconds = batch_seconds.min(started.elapsed().as_secs_f64());
    }

    let mut writer = csv::Writer::from_writer(io::stdout().lock());
    let extra = [
        "held_out",
        "score",
        "predicted_label",
        "intensity",
        "frustrated",
        "angry",
        "confused",
        "satisfied",
        "happy",
        "urgency",
    ];
    writer.write_record(headers.iter().chain(extra))?;
    for (record, result) in records.iter().zip(&scored) {
        let held_out = match key_columns {
            Some((d, i)) => {
                if is_held_out(record.get(d).unwrap_or(""), record.get(i).unwrap_or("")) {
                    "1"
                } else {
                    "0"
                }
            }
            None => "",
        };
        let mut row: Vec<String> = record.iter().map(str::to_string).collect();
        row.push(held_out.to_string());
        match result {
            Ok(s) => {
                let label = match s.label {
                    SentimentLabel::Negative => "negative",
                    SentimentLabel::Neutral => "neutral",
                    SentimentLabel::Positive => "positive",
                };
                let e = &s.emotions;
                row.push(format!("{:.6}", s.score));
                row.push(label.to_string());
                for value in [
                    s.intensity,
                    e.frustrated,
                    e.angry,
                    e.confused,
                    e.satisfied,
                    e.happy,
                    s.urgency,
                ] {
                    row.push(format!("{value:.6}"));
                }
            }
            // Rejected text (empty or over the limit) keeps its row with empty scores.
            Err(_) => row.extend(std::iter::repeat_n(String::new(), extra.len() - 1)),
        }
        writer.write_record(&row)?;
    }
    writer.flush()?;
    let count = texts.len();
    eprintln!(
        "{{\"texts\": {count}, \"seconds\": {seconds:.6}, \"texts_per_second\": {:.1}, \
         \"batch_texts\": {}, \"batch_threads\": {}, \"batch_texts_per_second\": {:.1}}}",
        count as f64 / seconds.max(1e-12),
        valid.len(),
        std::thread::available_parallelism().map_or(1, usize::from),
        valid.len() as f64 / batch_seconds.max(1e-12),
    );
    Ok(())
}
