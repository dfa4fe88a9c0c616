//! Per-utterance time of the live rule engine with 50 rules loaded, then (printed as `rules: ...`
//! lines) its heap allocations per utterance and the memory of one call's state.
//!
//! `cargo bench -p aybiza-analytics --bench rules`

use std::hint::black_box;

use aybiza_analytics::Speaker;
use aybiza_analytics::patterns::live::{CallRuleState, LiveRules, LiveUtterance};
use criterion::{Criterion, criterion_group};

#[path = "support/fifty_rules.rs"]
mod fifty_rules;
use fifty_rules::fifty_rules;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, allocations, live_bytes};

#[global_allocator]
static GLOBAL: Counting = Counting;

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

/// Utterance `seq` of the bench call: the lines in turn, agent and customer alternating, 4 s each.
fn utterance(seq: u32, silence_ms: Option<u64>) -> LiveUtterance<'static> {
    LiveUtterance {
        speaker: if seq % 2 == 0 {
            Speaker::Agent
        } else {
            Speaker::Customer
        },
        text: LINES[seq as usize % LINES.len()],
        seq,
        start_ms: u64::from(seq) * 4_000,
        end_ms: u64::from(seq) * 4_000 + 3_500,
        sentiment: Some(-0.4),
        silence_ms,
        interruptions: 0,
    }
}

/// Runs `calls` calls of 40 utterances (each then ended); returns the allocations per utterance.
fn allocations_per_utterance(rules: &LiveRules, calls: u32) -> f64 {
    let before = allocations();
    for _ in 0..calls {
        let mut state = rules.new_call();
        for seq in 0..40 {
            black_box(rules.on_utterance(&mut state, &utterance(seq, Some(400))));
        }
        black_box(rules.end_call(&mut state, 170_000));
    }
    (allocations() - before) as f64 / f64::from(calls * 40)
}

/// One call's state after `length` utterances.
fn state_after(rules: &LiveRules, length: u32) -> CallRuleState {
    let mut state = rules.new_call();
    for seq in 0..length {
        rules.on_utterance(&mut state, &utterance(seq, None));
    }
    state
}

fn bench(c: &mut Criterion) {
    let rules = fifty_rules();
    let mut state = rules.new_call();
    let mut seq = 0u32;
    c.bench_function("on_utterance, 50 rules", |b| {
        b.iter(|| {
            let hits = rules.on_utterance(&mut state, black_box(&utterance(seq, Some(400))));
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
}

criterion_group!(benches, bench);

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let rules = fifty_rules();
    println!(
        "rules: heap allocations per utterance with 50 rules (calls of 40 utterances, new call state and hits included): {:.3}",
        allocations_per_utterance(&rules, 10_000)
    );
    for length in [40, 1_000] {
        let before = live_bytes();
        let state = state_after(&rules, length);
        let heap = live_bytes() - before;
        println!(
            "rules: state of one call after {length} utterances with 50 rules: {} bytes (memory_bytes; its own heap {heap} bytes + {} inline)",
            state.memory_bytes(),
            std::mem::size_of::<CallRuleState>()
        );
    }
}
