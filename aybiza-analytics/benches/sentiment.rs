//! Per-sentence time of the default sentiment analyzer.
//!
//! `cargo bench -p aybiza-analytics --bench sentiment`

use std::hint::black_box;

use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer};
use criterion::{Criterion, criterion_group, criterion_main};

/// Typical contact-center utterances (about 60 characters on average).
const SENTENCES: &[&str] = &[
    "I've been on hold for an hour and nobody can tell me anything!",
    "Thank you so much, that fixed it.",
    "The agent was kind of helpful but the app still doesn't work.",
    "I was charged twice this month, this is unacceptable.",
    "Can you check the status of my order, it's urgent.",
    "What do you mean my account was closed? I don't understand.",
    "No problems at all, everything arrived on time :)",
    "I want to cancel my account right now.",
];

fn bench(c: &mut Criterion) {
    let analyzer = HybridSentimentAnalyzer::new().expect("embedded weights load");
    c.bench_function("analyze one sentence", |b| {
        let mut i = 0;
        b.iter(|| {
            i = (i + 1) % SENTENCES.len();
            black_box(
                analyzer
                    .analyze(black_box(SENTENCES[i]))
                    .expect("valid text"),
            )
        })
    });
    let long = "The agent was polite and the refund arrived, but it took three calls. ".repeat(20);
    c.bench_function("analyze a 1.4 kB text", |b| {
        b.iter(|| black_box(analyzer.analyze(black_box(&long)).expect("valid text")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
