//! Measures the live escalation risk as an early warning on simulated calls, fits its weights
//! and compares them with the hand-set ones on calls never used for fitting.
//!
//! ```text
//! cargo run -p aybiza-analytics --example fit_escalation_risk
//! ```
//!
//! The calls come from the simulator (`sim`), whose truth says which calls escalated; a call's
//! explicit request is its customer's first supervisor demand. Each call is replayed utterance
//! by utterance through a `CallSession` up to (not including) that request, so every figure is
//! about a warning *before* the customer asks (`realtime::early_warning`).
//!
//! * Training calls: seed 7, tenants 0–2 (northwind, helio, meridian), 14 days × 300 calls a day.
//! * Held-out calls: seed 8, tenants 3–5 (lumen, saffron, mirage), 14 days × 300 calls a day:
//!   other random draws and other tenants' scenario mixes, phrasings and voices.
//! * The label (escalates within N utterances, or at all) and the L2 penalty are chosen on the
//!   training seed alone (fit on tenants 0–1, validate on tenant 2); the chosen fit is then
//!   refitted on all training calls and scored once on the held-out calls.
//! * The test slice: the calls `tests/escalation_risk.rs` scores (seed 8, lumen, 2 days × 150
//!   calls), with the figures its floors come from.
//!
//! Everything printed is deterministic (same simulator seeds, sums in a fixed order, no
//! timings). `--days N` scales the training and held-out sets (default 14).

use std::error::Error;
use std::ops::Range;
use std::sync::Arc;

use aybiza_analytics::Record;
use aybiza_analytics::realtime::early_warning::{
    self, EarlyWarning, RiskTrace, SimulatedCall, WarningFigures, at_false_alarm_rate,
};
use aybiza_analytics::realtime::risk_fit::{FitOptions, fit};
use aybiza_analytics::realtime::{RealtimeConfig, RiskWeights};
use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer};
use aybiza_analytics::sim::{Scenario, SimConfig, simulate};

/// Which calls a stratum keeps.
type Keep = Box<dyn Fn(&SimulatedCall) -> bool>;

/// The warning thresholds of the recommendations: watch and warning.
const THRESHOLDS: [f64; 2] = [0.4, 0.6];

/// The calls of the tenants at `tenants` (indexes) of a simulation.
fn sim_calls(
    config: &SimConfig,
    tenants: Range<usize>,
) -> Result<Vec<SimulatedCall>, Box<dyn Error>> {
    let config = SimConfig {
        tenants: tenants.end,
        journeys_per_day: 0,
        ..config.clone()
    };
    let output = simulate(&config)?;
    let ids: Vec<&str> = output
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Tenant(t) => Some(t.id.as_str()),
            _ => None,
        })
        .collect();
    Ok(early_warning::simulated_calls(&output, &ids[tenants]))
}

fn replay_all(
    calls: &[SimulatedCall],
    analyzer: &Arc<dyn SentimentAnalyzer>,
) -> Result<Vec<RiskTrace>, Box<dyn Error>> {
    let config = Arc::new(RealtimeConfig::default());
    calls
        .iter()
        .map(|c| Ok(early_warning::replay(&c.labelled(), analyzer, &config)?))
        .collect()
}

fn lead(figures: &WarningFigures) -> String {
    match (figures.median_lead_utterances, figures.median_lead_secs) {
        (Some(u), Some(s)) => format!("{u:.1} utt / {s:.1} s"),
        _ => "-".into(),
    }
}

fn print_report(name: &str, report: &EarlyWarning) {
    let auc = report.roc_auc.map_or("-".into(), |a| format!("{a:.3}"));
    print!("  {name:<20} AUC {auc}");
    for f in &report.thresholds {
        print!(
            " | at {:.1}: recall {:.3}, false alarms {:.4}, lead {}",
            f.threshold,
            f.recall,
            f.false_alarm_rate,
            lead(f)
        );
    }
    println!();
}

fn print_matched(name: &str, f: &WarningFigures) {
    println!(
        "  {name:<20} risk > {:.4}: recall {:.3}, false alarms {:.4}, lead {}",
        f.threshold,
        f.recall,
        f.false_alarm_rate,
        lead(f)
    );
}

/// The traces of the calls `keep` accepts.
fn select(
    traces: &[RiskTrace],
    calls: &[SimulatedCall],
    keep: impl Fn(&SimulatedCall) -> bool,
) -> Vec<RiskTrace> {
    traces
        .iter()
        .zip(calls)
        .filter(|(_, c)| keep(c))
        .map(|(t, _)| t.clone())
        .collect()
}

fn summarize(name: &str, calls: &[SimulatedCall], traces: &[RiskTrace]) {
    let escalated = traces.iter().filter(|t| t.escalated()).count();
    let steps: usize = traces.iter().map(|t| t.steps.len()).sum();
    let phrase = calls
        .iter()
        .filter(|c| c.request.is_some() && c.trigger_before_request)
        .count();
    println!(
        "{name}: {} calls, {escalated} escalated ({:.1} %), {steps} utterances replayed; \
         {phrase} of the escalated calls have a planted trigger phrase before the request",
        traces.len(),
        100.0 * escalated as f64 / traces.len() as f64
    );
}

/// Weights that score one feature alone (the resolution feature negated).
fn only(feature: usize) -> RiskWeights {
    let mut w = RiskWeights::ZERO;
    let slot = match feature {
        0 => &mut w.negative_sentiment,
        1 => &mut w.anger,
        2 => &mut w.frustration,
        3 => &mut w.voice_stress,
        4 => &mut w.repetition,
        5 => &mut w.hold,
        6 => &mut w.escalation_request,
        _ => &mut w.resolution,
    };
    *slot = if feature == 7 { -1.0 } else { 1.0 };
    w
}

fn rounded(w: &RiskWeights) -> RiskWeights {
    let r = |x: f64| (x * 1000.0).round() / 1000.0;
    RiskWeights {
        intercept: r(w.intercept),
        negative_sentiment: r(w.negative_sentiment),
        anger: r(w.anger),
        frustration: r(w.frustration),
        voice_stress: r(w.voice_stress),
        repetition: r(w.repetition),
        hold: r(w.hold),
        escalation_request: r(w.escalation_request),
        resolution: r(w.resolution),
    }
}

fn main() -> Result<(), Box<dyn Error>> {
    let mut days = 14u32;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--days" => days = args.next().ok_or("--days needs a value")?.parse()?,
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    let analyzer: Arc<dyn SentimentAnalyzer> = Arc::new(HybridSentimentAnalyzer::new()?);
    let sets = SimConfig {
        days,
        anomaly_days: 1.min(days as usize),
        ..SimConfig::default()
    };
    let train_calls = sim_calls(
        &SimConfig {
            seed: 7,
            ..sets.clone()
        },
        0..3,
    )?;
    let held_calls = sim_calls(&SimConfig { seed: 8, ..sets }, 3..6)?;
    let train = replay_all(&train_calls, &analyzer)?;
    let held = replay_all(&held_calls, &analyzer)?;
    summarize("training", &train_calls, &train);
    summarize("held-out", &held_calls, &held);

    // Choose the label and penalty on the training seed: fit on tenants 0-1, validate on 2.
    let hand = RiskWeights::HAND_SET;
    let validation_tenant = train_calls
        .last()
        .map(|c| c.tenant.clone())
        .unwrap_or_default();
    let is_validation = |c: &SimulatedCall| c.tenant == validation_tenant;
    let fit_part = select(&train, &train_calls, |c| !is_validation(c));
    let validation = select(&train, &train_calls, is_validation);
    println!(
        "\nChoosing the label and L2 penalty: fit on the other training tenants, validate on {validation_tenant}"
    );
    print_report(
        "hand-set",
        &early_warning::evaluate(&validation, &hand, &THRESHOLDS),
    );
    let mut best: Option<(f64, FitOptions)> = None;
    for horizon in [None, Some(2), Some(4), Some(8)] {
        for l2 in [0.01, 0.1, 0.3, 1.0] {
            let options = FitOptions {
                horizon,
                l2,
                ..FitOptions::default()
            };
            let fitted = fit(&fit_part, &hand, &options)?;
            let report = early_warning::evaluate(&validation, &fitted.weights, &THRESHOLDS);
            let label = horizon.map_or("at all".into(), |h| format!("within {h}"));
            print_report(&format!("{label}, l2 {l2}"), &report);
            let auc = report.roc_auc.unwrap_or(0.0);
            if best.as_ref().is_none_or(|(b, _)| auc > *b) {
                best = Some((auc, options));
            }
        }
    }
    let (_, options) = best.ok_or("nothing fitted")?;
    let fitted = fit(&train, &hand, &options)?;
    let weights = rounded(&fitted.weights);
    println!(
        "\nChosen: label {}, l2 {}. Fitted on all {} training calls ({} utterances, {} positive; {} sweeps, converged: {}):",
        options
            .horizon
            .map_or("escalates at all".into(), |h| format!(
                "escalates within {h} utterances"
            )),
        options.l2,
        fitted.calls,
        fitted.examples,
        fitted.positives,
        fitted.sweeps,
        fitted.converged
    );
    println!("  intercept {:.3}", weights.intercept);
    for (name, value) in weights.named() {
        println!("  {name} {value:.3}");
    }
    println!(
        "  the shipped defaults (RiskWeights::FITTED) are these: {}",
        weights == RiskWeights::FITTED
    );

    println!("\nHeld-out calls:");
    let hand_report = early_warning::evaluate(&held, &hand, &THRESHOLDS);
    let fitted_report = early_warning::evaluate(&held, &weights, &THRESHOLDS);
    print_report("hand-set", &hand_report);
    print_report("fitted", &fitted_report);
    println!("At equal false-alarm rates (the hand-set's at 0.4 and 0.6, then 1, 5 and 10 %):");
    let rates = hand_report
        .thresholds
        .iter()
        .map(|f| f.false_alarm_rate)
        .chain([0.01, 0.05, 0.10]);
    for rate in rates {
        println!(" false-alarm rate {:.4}:", rate);
        print_matched("hand-set", &at_false_alarm_rate(&held, &hand, rate));
        print_matched("fitted", &at_false_alarm_rate(&held, &weights, rate));
    }
    println!(
        "Lead of the first warning before the request, in utterances (held-out escalated calls):"
    );
    for (name, w) in [("hand-set", &hand), ("fitted", &weights)] {
        for threshold in THRESHOLDS {
            let mut counts = [0usize; 6];
            for trace in &held {
                let Some(request) = trace.request else {
                    continue;
                };
                if let Some((step, _)) = trace
                    .steps
                    .iter()
                    .zip(trace.risk(w))
                    .find(|(_, r)| *r >= threshold)
                {
                    counts[(request.index - step.index).min(5)] += 1;
                }
            }
            println!(
                "  {name:<10} at {threshold:.1}: 1: {}, 2: {}, 3: {}, 4: {}, 5 or more: {}",
                counts[1], counts[2], counts[3], counts[4], counts[5]
            );
        }
    }

    println!("\nHow easy are the simulator's escalations? (held-out calls)");
    let strata: [(&str, Keep); 3] = [
        (
            "escalated calls without a planted trigger phrase before the request, and all the others",
            Box::new(|c| c.request.is_none() || !c.trigger_before_request),
        ),
        (
            "repeat callers only (escalation decided by a coin flip)",
            Box::new(|c| c.scenario == Scenario::RepeatCaller),
        ),
        (
            "escalation-scenario calls (angry from the start) and the calls that did not escalate",
            Box::new(|c| c.request.is_none() || c.scenario == Scenario::Escalation),
        ),
    ];
    for (name, keep) in strata {
        let traces = select(&held, &held_calls, keep);
        let escalated = traces.iter().filter(|t| t.escalated()).count();
        println!(" {name}: {} calls, {escalated} escalated", traces.len());
        print_report(
            "hand-set",
            &early_warning::evaluate(&traces, &hand, &THRESHOLDS),
        );
        print_report(
            "fitted",
            &early_warning::evaluate(&traces, &weights, &THRESHOLDS),
        );
    }
    println!(" one feature alone (its peak before the request), AUC:");
    for (i, (name, _)) in hand.named().into_iter().enumerate() {
        let auc = early_warning::evaluate(&held, &only(i), &[]).roc_auc;
        println!(
            "  {name:<20} {}",
            auc.map_or("-".into(), |a| format!("{a:.3}"))
        );
    }

    let slice_config = SimConfig {
        seed: 8,
        days: 2,
        calls_per_day: 150,
        anomaly_days: 0,
        ..SimConfig::default()
    };
    let slice_calls = sim_calls(&slice_config, 3..4)?;
    let slice = replay_all(&slice_calls, &analyzer)?;
    println!();
    summarize(
        "test slice (tests/escalation_risk.rs)",
        &slice_calls,
        &slice,
    );
    print_report(
        "hand-set",
        &early_warning::evaluate(&slice, &hand, &THRESHOLDS),
    );
    print_report(
        "shipped defaults",
        &early_warning::evaluate(&slice, &RiskWeights::default(), &THRESHOLDS),
    );
    Ok(())
}
