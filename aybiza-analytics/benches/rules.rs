//! Per-utterance time of the live rule engine with 50 rules loaded.
//!
//! `cargo bench -p aybiza-analytics --bench rules`

use std::hint::black_box;

use aybiza_analytics::Speaker;
use aybiza_analytics::patterns::live::LiveUtterance;
use criterion::{Criterion, criterion_group, criterion_main};

#[path = "support/fifty_rules.rs"]
mod fifty_rules;
use fifty_rules::fifty_rules;

/// Typical contact-center utterances, alternating customer and agent.
const LINES: &[&str] = &[
    "Thank you for calling Acme, my name is Dana. How can I help you today?",
    "Hi, I was charged twice for my bill this month and I need that money back.",
    "I'm sorry about that. Let me pull up your billing history.",
    "I've been on hold for almost an hour, this is ridiculous.",
    "I do see two payments of forty dollars posted on the third.",
    "Okay, so can you refund one of them or do I have to cancel my account?",
    "I've issued a refund for the duplicate; you should see it in five business days.",
    "Fine. Thank you.",
];

fn bench(c: &mut Criterion) {
    let rules = fifty_rules();
    let mut state = rules.new_call();
    let mut seq = 0u32;
    c.bench_function("on_utterance, 50 rules", |b| {
        b.iter(|| {
            let text = LINES[seq as usize % LINES.len()];
            let utterance = LiveUtterance {
                speaker: if seq % 2 == 0 {
                    Speaker::Agent
                } else {
                    Speaker::Customer
                },
                text,
                seq,
                start_ms: u64::from(seq) * 4_000,
                end_ms: u64::from(seq) * 4_000 + 3_500,
                sentiment: Some(-0.4),
                silence_ms: Some(400),
                interruptions: 0,
            };
            let hits = rules.on_utterance(&mut state, black_box(&utterance));
            seq += 1;
            // A new call every 40 utterances, so rules keep firing as in live traffic.
            if seq == 40 {
                black_box(rules.end_call(&mut state, 170_000));
                state = rules.new_call();
                seq = 0;
            }
            black_box(hits)
        })
    });
    eprintln!(
        "state of one call after 40 utterances with 50 rules: {} bytes",
        {
            let mut s = rules.new_call();
            for (i, line) in LINES.iter().cycle().take(40).enumerate() {
                rules.on_utterance(
                    &mut s,
                    &LiveUtterance {
                        speaker: if i % 2 == 0 {
                            Speaker::Agent
                        } else {
                            Speaker::Customer
                        },
                        text: line,
                        seq: i as u32,
                        start_ms: i as u64 * 4_000,
                        end_ms: i as u64 * 4_000 + 3_500,
                        sentiment: Some(-0.4),
                        silence_ms: None,
                        interruptions: 0,
                    },
                );
            }
            s.memory_bytes()
        }
    );
}

criterion_group!(benches, bench);
criterion_main!(benches);
