//! Trains the learned part of the default sentiment analyzer and writes the weights file.
//!
//! ```text
//! cargo run --release -p aybiza-analytics --example train_sentiment -- \
//!     --data ../shared/data/sentiment_dev.csv --out aybiza-analytics/src/sentiment/weights.bin
//! ```
//!
//! The CSV has the columns `domain,id,mean_rating,label,text` (ratings -4..4).
//! Rows for which `training::is_held_out(domain, id)` holds (a fixed 20 %) are
//! never trained on; the command ends by scoring them with the new weights.
//! `--cv K` instead runs K-fold cross-validation inside the training rows (for
//! choosing the penalties) and writes nothing.

use std::collections::BTreeMap;
use std::error::Error;
use std::time::Instant;

use aybiza_analytics::sentiment::training::{TrainingExample, TrainingOptions, is_held_out, train};
use aybiza_analytics::sentiment::{
    HybridSentimentAnalyzer, SentimentAnalyzer, SentimentConfig, SentimentLabel,
};

struct Row {
    domain: String,
    id: String,
    rating: f64,
    label: SentimentLabel,
    text: String,
}

fn parse_label(label: &str) -> Result<SentimentLabel, String> {
    match label {
        "positive" => Ok(SentimentLabel::Positive),
        "neutral" => Ok(SentimentLabel::Neutral),
        "negative" => Ok(SentimentLabel::Negative),
        other => Err(format!("unknown label {other:?}")),
    }
}

fn read_rows(path: &str) -> Result<Vec<Row>, Box<dyn Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record?;
        let field = |i: usize| {
            record
                .get(i)
                .ok_or_else(|| format!("row {}: missing column {i}", rows.len() + 1))
        };
        rows.push(Row {
            domain: field(0)?.to_string(),
            id: field(1)?.to_string(),
            rating: field(2)?.parse()?,
            label: parse_label(field(3)?)?,
            text: field(4)?.to_string(),
        });
    }
    Ok(rows)
}

fn macro_f1(pairs: &[(SentimentLabel, SentimentLabel)]) -> f64 {
    let classes = [
        SentimentLabel::Negative,
        SentimentLabel::Neutral,
        SentimentLabel::Positive,
    ];
    let f1 = |c: SentimentLabel| {
        let tp = pairs.iter().filter(|(g, p)| *g == c && *p == c).count() as f64;
        let predicted = pairs.iter().filter(|(_, p)| *p == c).count() as f64;
        let actual = pairs.iter().filter(|(g, _)| *g == c).count() as f64;
        if tp == 0.0 {
            0.0
        } else {
            2.0 * tp / (predicted + actual)
        }
    };
    classes.iter().map(|&c| f1(c)).sum::<f64>() / 3.0
}

fn pearson(xs: &[f64], ys: &[f64]) -> f64 {
    let n = xs.len() as f64;
    let (mx, my) = (xs.iter().sum::<f64>() / n, ys.iter().sum::<f64>() / n);
    let cov: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let vx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let vy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    cov / (vx * vy).sqrt()
}

fn examples_of<'a>(rows: &[&'a Row]) -> Vec<TrainingExample<'a>> {
    rows.iter()
        .map(|r| TrainingExample {
            text: &r.text,
            polarity: (r.rating / 4.0).clamp(-1.0, 1.0) as f32,
            label: r.label,
        })
        .collect()
}

/// Scores `rows` with `weights`, appending (row, score, label) to `out`.
fn score<'a>(
    weights: &[u8],
    rows: &[&'a Row],
    out: &mut Vec<(&'a Row, f64, SentimentLabel)>,
) -> Result<(), Box<dyn Error>> {
    let analyzer = HybridSentimentAnalyzer::from_weights(weights, SentimentConfig::default())?;
    for &row in rows {
        let sentiment = analyzer.analyze(&row.text)?;
        out.push((row, sentiment.score, sentiment.label));
    }
    Ok(())
}

/// Prints accuracy, macro-F1 and Pearson r per domain and overall.
fn print_table(results: &[(&Row, f64, SentimentLabel)]) {
    let mut by_domain: BTreeMap<&str, Vec<(&Row, f64, SentimentLabel)>> = BTreeMap::new();
    for &(row, score, label) in results {
        by_domain
            .entry(row.domain.as_str())
            .or_default()
            .push((row, score, label));
        by_domain
            .entry("overall")
            .or_default()
            .push((row, score, label));
    }
    println!(
        "{:<16} {:>5} {:>8} {:>8} {:>8}",
        "domain", "n", "accuracy", "macro-F1", "pearson"
    );
    for (domain, scored) in &by_domain {
        let pairs: Vec<_> = scored.iter().map(|(r, _, p)| (r.label, *p)).collect();
        let accuracy = pairs.iter().filter(|(g, p)| g == p).count() as f64 / pairs.len() as f64;
        let ratings: Vec<f64> = scored.iter().map(|(r, _, _)| r.rating).collect();
        let scores: Vec<f64> = scored.iter().map(|(_, s, _)| *s).collect();
        println!(
            "{domain:<16} {:>5} {accuracy:>8.3} {:>8.3} {:>8.3}",
            pairs.len(),
            macro_f1(&pairs),
            pearson(&ratings, &scores)
        );
    }
}

/// K-fold cross-validation inside the training rows only, for choosing settings without touching the held-out rows.
fn cross_validate(
    training: &[&Row],
    options: &TrainingOptions,
    folds: usize,
) -> Result<(), Box<dyn Error>> {
    let fold_of = |row: &Row| {
        let key = format!("fold/{}/{}", row.domain, row.id);
        let hash = key.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        });
        (hash % folds as u64) as usize
    };
    let mut results = Vec::new();
    for fold in 0..folds {
        let (test, train_rows): (Vec<&Row>, Vec<&Row>) =
            training.iter().partition(|r| fold_of(r) == fold);
        let weights = train(&examples_of(&train_rows), options)?;
        score(&weights, &test, &mut results)?;
    }
    println!("{folds}-fold cross-validation inside the training rows ({options:?}):");
    print_table(&results);
    Ok(())
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut data = None;
    let mut out = None;
    let mut options = TrainingOptions::default();
    let mut folds = 0usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--data" => data = Some(value()?),
            "--out" => out = Some(value()?),
            "--bucket-bits" => options.bucket_bits = value()?.parse()?,
            "--regression-penalty" => options.regression_penalty = value()?.parse()?,
            "--class-penalty" => options.class_penalty = value()?.parse()?,
            "--dense-penalty-ratio" => options.dense_penalty_ratio = value()?.parse()?,
            "--class-balance" => options.class_balance = value()?.parse()?,
            "--cv" => folds = value()?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let data = data.ok_or("--data PATH is required")?;
    let rows = read_rows(&data)?;
    let (held_out, training): (Vec<&Row>, Vec<&Row>) =
        rows.iter().partition(|r| is_held_out(&r.domain, &r.id));
    if folds >= 2 {
        return cross_validate(&training, &options, folds);
    }
    eprintln!(
        "training on {} rows, holding out {} ({options:?})",
        training.len(),
        held_out.len()
    );
    let started = Instant::now();
    let weights = train(&examples_of(&training), &options)?;
    eprintln!(
        "trained in {:.1} s, weights file {} bytes",
        started.elapsed().as_secs_f64(),
        weights.len()
    );
    if let Some(out) = &out {
        std::fs::write(out, &weights)?;
        eprintln!("wrote {out}");
    }
    let mut results = Vec::new();
    score(&weights, &held_out, &mut results)?;
    println!("held-out rows (never trained on):");
    print_table(&results);
    Ok(())
}
