//! A voice pipeline's view of one call: every utterance goes through the live tracker as it
//! is transcribed, and the agent's screen shows the sentiment, the escalation risk and the
//! recommendations it returns; live rules report through a subscription; PII is redacted
//! before a transcript line is shown or logged.
//!
//! ```sh
//! cargo run -p aybiza-examples --bin live_call
//! ```
//!
//! `live_call.py` and `live_call.js` beside this file do the same in Python and Node and print
//! the same lines (`expected.txt`).

use std::error::Error;
use std::path::Path;
use std::sync::Arc;

use aybiza_analytics::model::{Call, CallOutcome};
use aybiza_analytics::patterns::live::LiveRules;
use aybiza_analytics::privacy::Redactor;
use aybiza_analytics::realtime::{LiveCallTracker, RealtimeConfig, UtteranceInput};
use aybiza_analytics::sentiment::HybridSentimentAnalyzer;
use chrono::{DateTime, Utc};
use serde::Deserialize;

/// The scripted call in `examples/data/live_call.json`.
#[derive(Deserialize)]
struct ScriptedCall {
    call: Call,
    utterances: Vec<UtteranceInput>,
    outcome: CallOutcome,
    ended_at: DateTime<Utc>,
}

fn main() -> Result<(), Box<dyn Error>> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("data");
    let script: ScriptedCall =
        serde_json::from_str(&std::fs::read_to_string(data.join("live_call.json"))?)?;
    let rules = LiveRules::from_toml(&std::fs::read_to_string(data.join("live_rules.toml"))?)?;

    let rule_count = rules.len();
    let analyzer = Arc::new(HybridSentimentAnalyzer::new()?);
    let tracker = LiveCallTracker::new(analyzer, RealtimeConfig::default())?;
    let tracker = tracker.with_rules(rules);
    // Subscribers see every update; this one reports the live rules that fire.
    tracker.subscribe(|notice| {
        for hit in &notice.update.rule_hits {
            match &hit.phrase {
                Some(phrase) => println!("    ! {} at {} ms: \"{phrase}\"", hit.rule_id, hit.at_ms),
                None => println!("    ! {} at {} ms", hit.rule_id, hit.at_ms),
            }
        }
    });

    let call = &script.call;
    let (tenant, call_id) = (call.tenant.clone(), call.id.clone());
    println!(
        "{call_id} ({tenant}, queue {}): {} live rules",
        call.queue.as_deref().unwrap_or("-"),
        rule_count
    );
    tracker.start_call(script.call)?;

    let redactor = Redactor::new();
    for utterance in &script.utterances {
        let shown = redactor.redact(&utterance.text).text;
        println!(
            "[{}] {}: {shown}",
            utterance.seq,
            utterance.speaker.as_str()
        );
        let update = tracker.on_utterance(&tenant, &call_id, &utterance.as_live())?;
        let advice = &update.recommendations;
        println!(
            "    {} {:+.3} | risk {:.3} {} | tone {}, pacing {}, empathy {} | next {}",
            update.point.label.as_str(),
            update.point.fused_score,
            update.state.escalation_risk,
            advice.escalation_warning.as_str(),
            advice.tone.as_str(),
            advice.pacing.as_str(),
            advice.empathy.as_str(),
            advice.next_best_action.as_str(),
        );
    }

    let summary = tracker.end_call(
        &tenant,
        &call_id,
        Some(script.outcome),
        Some(script.ended_at),
    )?;
    println!(
        "ended {}: satisfaction {:.3}, peak risk {:.3}, {} repetitions, {} topic changes",
        script.outcome.as_str(),
        summary.state.satisfaction,
        summary.state.peak_escalation_risk,
        summary.state.context.repetitions,
        summary.state.context.topic_changes,
    );
    let quarters: Vec<String> = summary
        .quarters
        .iter()
        .map(|q| q.customer.map_or("n/a".into(), |s| format!("{s:+.3}")))
        .collect();
    println!("customer sentiment by quarter: {}", quarters.join(" "));
    println!("rules fired: {}", summary.rules_fired.join(", "));
    Ok(())
}
