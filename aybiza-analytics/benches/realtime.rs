//! Real-time path: per-utterance latency (median and p99), memory per live call,
//! and throughput with 10 000 concurrent calls on 2 threads, each without live
//! rules and with 50 rules loaded (`benches/support/fifty_rules.rs`, also used by
//! the `rules` bench).
//!
//! `nice -n 10 cargo bench -p aybiza-analytics --bench realtime`
//!
//! Criterion measures the mean/median of `CallSession::on_utterance`; the p99,
//! the allocations, the memory (after 20, 100 and 1 000 utterances) and the
//! throughput figures are measured by hand after it and printed as
//! `realtime: ...` lines. A counting global allocator
//! (`benches/support/counting_alloc.rs`) tracks live heap bytes and allocation
//! counts (its two relaxed atomic adds per allocation are included in every
//! timing).

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use aybiza_analytics::model::{Call, CallChannel, Direction, Speaker, VoiceFeatures};
use aybiza_analytics::patterns::live::{LiveRules, SharedRules};
use aybiza_analytics::realtime::{CallSession, LiveCallTracker, LiveInput, RealtimeConfig};
use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer};
use criterion::{Criterion, criterion_group};

#[path = "support/fifty_rules.rs"]
mod fifty_rules;
use fifty_rules::fifty_rules;

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::{Counting, allocations, live_bytes};

#[global_allocator]
static GLOBAL: Counting = Counting;

/// A 20-turn support call (about 60 characters per turn).
const SCRIPT: [(Speaker, &str); 20] = [
    (
        Speaker::Agent,
        "Thank you for calling, my name is Sam, how can I help you today?",
    ),
    (
        Speaker::Customer,
        "Hi, I was charged twice for my subscription this month.",
    ),
    (
        Speaker::Agent,
        "I'm sorry to hear that, let me pull up your account.",
    ),
    (
        Speaker::Customer,
        "Sure, the account is under my email address.",
    ),
    (
        Speaker::Agent,
        "Thanks, I can see two charges on the third of the month.",
    ),
    (
        Speaker::Customer,
        "Right, I was charged twice and I need one refunded.",
    ),
    (
        Speaker::Agent,
        "I understand, I'll need to put you on a brief hold.",
    ),
    (
        Speaker::Customer,
        "Okay, but please be quick, I've been waiting a while.",
    ),
    (
        Speaker::Agent,
        "Thank you for holding, I've processed a refund for the duplicate.",
    ),
    (
        Speaker::Customer,
        "How long will it take to show up on my card?",
    ),
    (
        Speaker::Agent,
        "It usually takes three to five business days.",
    ),
    (
        Speaker::Customer,
        "That's a long time, I really needed that money this week.",
    ),
    (
        Speaker::Agent,
        "I completely understand, I've added a note to expedite it.",
    ),
    (
        Speaker::Customer,
        "Alright, will this happen again next month?",
    ),
    (
        Speaker::Agent,
        "No, I've fixed the billing setting that caused the double charge.",
    ),
    (Speaker::Customer, "Great, thank you, that's a relief."),
    (
        Speaker::Agent,
        "Is there anything else I can help you with today?",
    ),
    (
        Speaker::Customer,
        "No, that's everything, thanks for sorting it out.",
    ),
    (Speaker::Agent, "You're welcome, have a wonderful day."),
    (Speaker::Customer, "You too, bye."),
];

fn voice(turn: usize) -> VoiceFeatures {
    let k = (turn % 7) as f64 - 3.0;
    VoiceFeatures {
        energy: Some(0.45 + 0.03 * k),
        pitch_mean_hz: Some(170.0 + 6.0 * k),
        pitch_variance: Some(350.0 + 40.0 * k),
        speaking_rate_wpm: Some(145.0 + 5.0 * k),
        volume_db: Some(-22.0 + 0.8 * k),
        silence_before_ms: Some(400 + 100 * (turn as u64 % 5)),
        interruption: turn % 11 == 5,
    }
}

/// The script's turns with voice features, precomputed.
fn turns() -> Vec<(Speaker, &'static str, VoiceFeatures)> {
    SCRIPT
        .iter()
        .enumerate()
        .map(|(i, &(speaker, text))| (speaker, text, voice(i)))
        .collect()
}

fn input<'a>(turns: &'a [(Speaker, &'a str, VoiceFeatures)], seq: u32) -> LiveInput<'a> {
    let (speaker, text, voice) = &turns[seq as usize % turns.len()];
    let start = u64::from(seq) * 4_000;
    LiveInput::new(seq, *speaker, text, start, start + 3_500).with_voice(voice)
}

fn call(id: usize) -> Call {
    Call {
        id: format!("call-{id:06}"),
        tenant: "bench".into(),
        customer_id: format!("cust-{id:06}"),
        agent_id: Some("agent-1".into()),
        channel: CallChannel::Voice,
        direction: Direction::Inbound,
        started_at: "2026-01-05T09:00:00Z".parse().expect("valid time"),
        ended_at: None,
        queue: Some("billing".into()),
        outcome: None,
        escalated: false,
        transferred: false,
        satisfaction: None,
        tags: Vec::new(),
        attributes: Default::default(),
    }
}

fn analyzer() -> Arc<dyn SentimentAnalyzer> {
    Arc::new(HybridSentimentAnalyzer::new().expect("embedded weights load"))
}

/// A fresh session, matching `rules` when given.
fn session(
    analyzer: &Arc<dyn SentimentAnalyzer>,
    config: &Arc<RealtimeConfig>,
    rules: Option<&Arc<SharedRules>>,
) -> CallSession {
    let session = CallSession::new(analyzer.clone(), config.clone());
    match rules {
        Some(rules) => session.with_rules(rules.clone()),
        None => session,
    }
}

/// `" with 50 rules"` or nothing, for labels.
fn label(rules: Option<&Arc<SharedRules>>) -> &'static str {
    if rules.is_some() { ", 50 rules" } else { "" }
}

fn criterion_latency(c: &mut Criterion) {
    let fifty = Arc::new(SharedRules::new(fifty_rules()));
    for rules in [None, Some(&fifty)] {
        criterion_case(c, rules);
    }
}

fn criterion_case(c: &mut Criterion, rules: Option<&Arc<SharedRules>>) {
    let turns = turns();
    let config = Arc::new(RealtimeConfig::default());
    let analyzer = analyzer();
    c.bench_function(
        &format!(
            "realtime on_utterance (20-turn call, voice features{})",
            label(rules)
        ),
        |b| {
            let mut session = session(&analyzer, &config, rules);
            let mut seq = 0u32;
            b.iter(|| {
                if seq as usize == turns.len() * 10 {
                    session = self::session(&analyzer, &config, rules);
                    seq = 0;
                }
                let update = session
                    .on_utterance(&input(&turns, seq))
                    .expect("valid utterance");
                seq += 1;
                black_box(update)
            })
        },
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(50).measurement_time(Duration::from_secs(5));
    targets = criterion_latency
}

/// Per-utterance latency percentiles over fresh 20-turn calls, timed one by one.
fn percentiles(rules: Option<&Arc<SharedRules>>) {
    let turns = turns();
    let config = Arc::new(RealtimeConfig::default());
    let analyzer = analyzer();
    let calls = 10_000;
    let mut durations = Vec::with_capacity(calls * turns.len());
    let mut hits = 0usize;
    let mut sessions: Vec<CallSession> = (0..64)
        .map(|_| session(&analyzer, &config, rules))
        .collect();
    let allocations_before = allocations();
    for call in 0..calls {
        let session = &mut sessions[call % 64];
        *session = self::session(&analyzer, &config, rules);
        for seq in 0..turns.len() as u32 {
            let input = input(&turns, seq);
            let start = Instant::now();
            let update = session.on_utterance(&input).expect("valid utterance");
            durations.push(start.elapsed());
            hits += update.rule_hits.len();
            black_box(update);
        }
        hits += session.end_rules(80_000).len();
    }
    let allocations = allocations() - allocations_before;
    durations.sort_unstable();
    let at = |q: f64| durations[((durations.len() - 1) as f64 * q) as usize].as_secs_f64() * 1e6;
    println!(
        "realtime{}: rule hits per call {:.2}",
        label(rules),
        hits as f64 / calls as f64
    );
    println!(
        "realtime{}: per-utterance latency over {} utterances: median {:.2} us, p90 {:.2} us, p99 {:.2} us, p99.9 {:.2} us, max {:.1} us",
        label(rules),
        durations.len(),
        at(0.5),
        at(0.9),
        at(0.99),
        at(0.999),
        at(1.0)
    );
    println!(
        "realtime{}: heap allocations per utterance (including journey growth, session creation and rule hits): {:.3}",
        label(rules),
        allocations as f64 / durations.len() as f64
    );
}

/// A tracker, matching `rules` when given.
fn tracker(rules: Option<&LiveRules>) -> LiveCallTracker {
    let tracker =
        LiveCallTracker::new(analyzer(), RealtimeConfig::default()).expect("valid config");
    match rules {
        Some(rules) => tracker.with_rules(rules.clone()),
        None => tracker,
    }
}

/// Live heap bytes per call with `calls` calls in a tracker: at start, then after each of
/// `lengths` utterances per call (the 20-turn script repeated, 4 s per turn).
fn memory(rules: Option<&LiveRules>, calls: usize, lengths: &[u32]) {
    let turns = turns();
    let tracker = tracker(rules);
    let label = if rules.is_some() { ", 50 rules" } else { "" };
    let before = live_bytes();
    for id in 0..calls {
        tracker.start_call(call(id)).expect("new call");
    }
    let per_call = |bytes: isize| (bytes - before) as f64 / calls as f64;
    println!(
        "realtime{label}: memory per live call in a tracker ({calls} calls): {:.0} bytes at start (CallSession itself {} bytes; includes the Call record, map entries, the journey and any rules state)",
        per_call(live_bytes()),
        std::mem::size_of::<CallSession>(),
    );
    let names: Vec<String> = (0..calls).map(|id| format!("call-{id:06}")).collect();
    let mut done = 0;
    for &length in lengths {
        let allocations_before = allocations();
        for name in &names {
            for seq in done..length {
                black_box(
                    tracker
                        .on_utterance("bench", name, &input(&turns, seq))
                        .expect("live call"),
                );
            }
        }
        let utterances = calls as f64 * f64::from(length - done);
        println!(
            "realtime{label}: memory per live call in a tracker ({calls} calls): {:.0} bytes after {length} utterances ({:.3} heap allocations per utterance since {done})",
            per_call(live_bytes()),
            (allocations() - allocations_before) as f64 / utterances,
        );
        done = length;
    }
    black_box(&tracker);
}

/// 10 000 concurrent calls on 2 threads, each call 20 utterances, through one tracker.
fn throughput(rules: Option<&LiveRules>) {
    let turns = Arc::new(turns());
    let calls = 10_000;
    let threads = 2;
    let tracker = Arc::new(tracker(rules));
    let start = Instant::now();
    let handles: Vec<_> = (0..threads)
        .map(|thread| {
            let tracker = tracker.clone();
            let turns = turns.clone();
            std::thread::spawn(move || {
                let ids: Vec<usize> = (thread..calls).step_by(threads).collect();
                let names: Vec<String> = ids.iter().map(|id| format!("call-{id:06}")).collect();
                for &id in &ids {
                    tracker.start_call(call(id)).expect("new call");
                }
                // Interleave: every call gets its next utterance before any gets the one after.
                for seq in 0..turns.len() as u32 {
                    for name in &names {
                        black_box(
                            tracker
                                .on_utterance("bench", name, &input(&turns, seq))
                                .expect("live call"),
                        );
                    }
                }
                for name in &names {
                    black_box(
                        tracker
                            .end_call("bench", name, None, None)
                            .expect("live call"),
                    );
                }
            })
        })
        .collect();
    for handle in handles {
        handle.join().expect("worker finished");
    }
    let elapsed = start.elapsed().as_secs_f64();
    let utterances = calls * turns.len();
    println!(
        "realtime{}: {calls} concurrent calls x {} utterances on {threads} threads: {:.2} s, {:.0} utterances/s, {:.0} calls/s (start + 20 utterances + end)",
        if rules.is_some() { ", 50 rules" } else { "" },
        turns.len(),
        elapsed,
        utterances as f64 / elapsed,
        calls as f64 / elapsed,
    );
    black_box(tracker.take_ended().len());
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    let fifty = fifty_rules();
    let shared = Arc::new(SharedRules::new(fifty.clone()));
    percentiles(None);
    percentiles(Some(&shared));
    for rules in [None, Some(&fifty)] {
        memory(rules, 10_000, &[20]);
        memory(rules, 1_000, &[20, 100, 1_000]);
    }
    throughput(None);
    throughput(Some(&fifty));
}
