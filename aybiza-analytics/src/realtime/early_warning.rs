//! The escalation risk as an early warning, measured on labelled calls.
//!
//! [`replay`] feeds a labelled call to a fresh [`CallSession`] utterance by utterance and keeps
//! what the session showed after each one — the [`RiskFeatures`] of its state — up to, and not
//! including, the utterance where the customer explicitly asks to escalate. Since the features
//! do not depend on the risk weights, one replay can be scored under any [`RiskWeights`]
//! ([`RiskTrace::risk`] is exactly the session's risk under those weights).
//!
//! [`evaluate`] turns the traces into what a contact-center team asks of a warning: per-call
//! ROC AUC of the peak risk before the request, and per threshold the recall of escalated calls
//! (warned before the request), the false-alarm rate on calls that did not escalate (warned at
//! any point of the call) and the median lead time, in utterances and seconds, from the warning
//! to the request. [`at_false_alarm_rate`] gives the same figures at the threshold that yields
//! a chosen false-alarm rate, to compare two sets of weights on equal terms.
//!
//! The fitting of the weights to such traces is in [`super::risk_fit`]; labelled calls from the
//! simulator come from [`simulated_calls`]. `docs/realtime.md` has the figures and commands.

use std::collections::HashMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::fusion::RiskFeatures;
use super::{CallSession, LiveInput, RealtimeConfig, RealtimeError, RiskWeights};
use crate::model::{Record, Speaker, Utterance};
use crate::sentiment::SentimentAnalyzer;
use crate::sim::{ESCALATION_TRIGGERS, Scenario, SimOutput};

/// A call with its label.
#[derive(Debug, Clone, Copy)]
pub struct LabelledCall<'a> {
    /// The call's utterances in order.
    pub utterances: &'a [Utterance],
    /// For a call that escalated, the index in `utterances` of the customer's explicit request
    /// to escalate; `None` for a call that did not.
    pub request: Option<usize>,
}

/// What the session showed after one utterance.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RiskStep {
    /// Index of the utterance in the call.
    pub index: usize,
    /// When the utterance ended (and the update was shown), in ms from the start of the call.
    pub end_ms: u64,
    /// The features of the call's state after it.
    pub features: RiskFeatures,
}

/// Where an escalated call's explicit request is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestPoint {
    /// Index of the request utterance in the call.
    pub index: usize,
    /// When it started, in ms from the start of the call.
    pub start_ms: u64,
}

/// One replayed call: a step per utterance before the request (every utterance of a call that
/// did not escalate). A step at or after the request (only in a trace not made by [`replay`])
/// counts as warning 0 utterances ahead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskTrace {
    /// The steps in order.
    pub steps: Vec<RiskStep>,
    /// The explicit request of an escalated call; `None` when the call did not escalate.
    pub request: Option<RequestPoint>,
}

impl RiskTrace {
    /// Whether the call escalated.
    pub fn escalated(&self) -> bool {
        self.request.is_some()
    }

    /// The risk after each step under `weights`.
    pub fn risk(&self, weights: &RiskWeights) -> impl Iterator<Item = f64> + '_ {
        let weights = *weights;
        self.steps.iter().map(move |s| s.features.risk(&weights))
    }

    /// The highest risk over the steps; the risk of a call that has said nothing (all features
    /// 0) when there are none.
    pub fn peak_risk(&self, weights: &RiskWeights) -> f64 {
        self.risk(weights)
            .fold(RiskFeatures::default().risk(weights), f64::max)
    }

    /// The first step whose risk makes `fires` true.
    fn first_warning(
        &self,
        weights: &RiskWeights,
        fires: impl Fn(f64) -> bool,
    ) -> Option<&RiskStep> {
        self.steps.iter().find(|s| fires(s.features.risk(weights)))
    }
}

/// Replays `call` through a new [`CallSession`] with `analyzer` and `config`, keeping the
/// features after each utterance before the request. Fails on the first utterance the session
/// refuses.
pub fn replay(
    call: &LabelledCall<'_>,
    analyzer: &Arc<dyn SentimentAnalyzer>,
    config: &Arc<RealtimeConfig>,
) -> Result<RiskTrace, RealtimeError> {
    let cut = call.request.unwrap_or(call.utterances.len());
    let request = match call.request {
        Some(index) => {
            let utterance =
                call.utterances
                    .get(index)
                    .ok_or_else(|| RealtimeError::InvalidCall {
                        field: "request",
                        message: format!(
                            "utterance index {index} is past the call's {} utterances",
                            call.utterances.len()
                        ),
                    })?;
            Some(RequestPoint {
                index,
                start_ms: utterance.start_ms,
            })
        }
        None => None,
    };
    let mut session = CallSession::new(Arc::clone(analyzer), Arc::clone(config));
    let mut steps = Vec::with_capacity(cut);
    for (index, utterance) in call.utterances[..cut].iter().enumerate() {
        let update = session.on_utterance(&LiveInput::from_utterance(utterance))?;
        steps.push(RiskStep {
            index,
            end_ms: utterance.end_ms,
            features: RiskFeatures::of(&update.state),
        });
    }
    Ok(RiskTrace { steps, request })
}

/// The warning's figures at one threshold.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct WarningFigures {
    /// The threshold: the warning fires when the risk is at or above it (strictly above it for
    /// the figures of [`at_false_alarm_rate`]).
    pub threshold: f64,
    /// Share of escalated calls warned before the request.
    pub recall: f64,
    /// Share of calls that did not escalate warned at some point.
    pub false_alarm_rate: f64,
    /// Median number of utterances from the first warning to the request (1: the warning came
    /// on the utterance just before it), over the calls warned; `None` when none was.
    pub median_lead_utterances: Option<f64>,
    /// Median seconds from the end of the first warned utterance to the start of the request.
    pub median_lead_secs: Option<f64>,
}

/// The early-warning figures of a set of weights on a set of calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EarlyWarning {
    /// Calls scored.
    pub calls: usize,
    /// Of which escalated.
    pub escalated: usize,
    /// ROC AUC of the peak risk before the request (escalated calls) against the peak risk over
    /// the whole call (the others); `None` without both kinds of call.
    pub roc_auc: Option<f64>,
    /// The figures at each threshold asked for.
    pub thresholds: Vec<WarningFigures>,
}

fn median(values: &mut [f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    Some(if values.len() % 2 == 1 {
        values[mid]
    } else {
        (values[mid - 1] + values[mid]) / 2.0
    })
}

fn figures(
    traces: &[RiskTrace],
    weights: &RiskWeights,
    threshold: f64,
    fires: impl Fn(f64) -> bool,
) -> WarningFigures {
    let (mut escalated, mut warned, mut others, mut false_alarms) =
        (0usize, 0usize, 0usize, 0usize);
    let mut lead_utterances = Vec::new();
    let mut lead_secs = Vec::new();
    for trace in traces {
        let first = trace.first_warning(weights, &fires);
        match (trace.request, first) {
            (Some(request), first) => {
                escalated += 1;
                if let Some(step) = first {
                    warned += 1;
                    lead_utterances.push(request.index.saturating_sub(step.index) as f64);
                    lead_secs.push(request.start_ms.saturating_sub(step.end_ms) as f64 / 1000.0);
                }
            }
            (None, first) => {
                others += 1;
                false_alarms += usize::from(first.is_some());
            }
        }
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    WarningFigures {
        threshold,
        recall: share(warned, escalated),
        false_alarm_rate: share(false_alarms, others),
        median_lead_utterances: median(&mut lead_utterances),
        median_lead_secs: median(&mut lead_secs),
    }
}

/// The early-warning figures of `weights` on `traces`, with a warning at each of `thresholds`
/// (risk at or above it).
pub fn evaluate(traces: &[RiskTrace], weights: &RiskWeights, thresholds: &[f64]) -> EarlyWarning {
    let mut scored: Vec<(f64, bool)> = traces
        .iter()
        .map(|t| (t.peak_risk(weights), t.escalated()))
        .collect();
    EarlyWarning {
        calls: traces.len(),
        escalated: traces.iter().filter(|t| t.escalated()).count(),
        roc_auc: crate::stats::roc_auc(&mut scored),
        thresholds: thresholds
            .iter()
            .map(|&t| figures(traces, weights, t, |risk| risk >= t))
            .collect(),
    }
}

/// The figures of `weights` with the warning threshold set as low as it can be while warning
/// at most a `rate` share of the calls that did not escalate: the warning fires when the risk
/// is strictly above the returned `threshold`, a peak risk of one of those calls.
pub fn at_false_alarm_rate(
    traces: &[RiskTrace],
    weights: &RiskWeights,
    rate: f64,
) -> WarningFigures {
    let mut peaks: Vec<f64> = traces
        .iter()
        .filter(|t| !t.escalated())
        .map(|t| t.peak_risk(weights))
        .collect();
    peaks.sort_by(|a, b| b.total_cmp(a));
    let allowed = (rate.clamp(0.0, 1.0) * peaks.len() as f64).floor() as usize;
    let threshold = peaks.get(allowed).copied().unwrap_or(f64::NEG_INFINITY);
    figures(traces, weights, threshold, |risk| risk > threshold)
}

/// A labelled call of a simulation.
#[derive(Debug, Clone, PartialEq)]
pub struct SimulatedCall {
    /// Owning tenant.
    pub tenant: String,
    /// The call's id.
    pub call_id: String,
    /// The script it followed.
    pub scenario: Scenario,
    /// Its utterances in order.
    pub utterances: Vec<Utterance>,
    /// Index of the customer's explicit request to escalate (the first customer utterance
    /// with one of the simulator's supervisor demands); `None` when the call did not escalate
    /// (or, which the simulator never does, escalated without a demand).
    pub request: Option<usize>,
    /// Whether a customer utterance before the request (anywhere, for a call that did not
    /// escalate) contains one of the simulator's other trigger phrases ("this is ridiculous",
    /// "I'm going to file a complaint", ...), which it plants in escalated calls only.
    pub trigger_before_request: bool,
}

impl SimulatedCall {
    /// The call as [`replay`] takes it.
    pub fn labelled(&self) -> LabelledCall<'_> {
        LabelledCall {
            utterances: &self.utterances,
            request: self.request,
        }
    }
}

/// The simulator's supervisor demands are the first five of [`ESCALATION_TRIGGERS`]; every
/// escalated call's customer says at least one (as `sim::ESCALATION_TRIGGERS` documents).
const SUPERVISOR_DEMANDS: usize = 5;

/// The calls of `output` whose tenant is in `tenants`, in the simulation's order, labelled
/// from its truth: a call escalated when the customer said trigger phrases, and its request is
/// the first customer utterance with a supervisor demand.
pub fn simulated_calls(output: &SimOutput, tenants: &[&str]) -> Vec<SimulatedCall> {
    let mut utterances: HashMap<&str, Vec<Utterance>> = HashMap::new();
    for record in &output.records {
        if let Record::Utterance(u) = record
            && tenants.contains(&u.tenant.as_str())
        {
            utterances.entry(&u.call_id).or_default().push(u.clone());
        }
    }
    let (demands, outbursts) = ESCALATION_TRIGGERS.split_at(SUPERVISOR_DEMANDS);
    let said = |u: &Utterance, phrases: &[&str]| {
        u.speaker == Speaker::Customer && {
            let text = u.text.to_lowercase();
            phrases.iter().any(|p| text.contains(&p.to_lowercase()))
        }
    };
    output
        .truth
        .calls
        .iter()
        .filter(|t| tenants.contains(&t.tenant.as_str()))
        .map(|t| {
            let mut utterances = utterances.remove(t.call_id.as_str()).unwrap_or_default();
            utterances.sort_by_key(|u| u.seq);
            let request = if t.escalation_triggers.is_empty() {
                None
            } else {
                utterances.iter().position(|u| said(u, demands))
            };
            let before = request.unwrap_or(utterances.len());
            let trigger_before_request = utterances[..before].iter().any(|u| said(u, outbursts));
            SimulatedCall {
                tenant: t.tenant.clone(),
                call_id: t.call_id.clone(),
                scenario: t.scenario,
                utterances,
                request,
                trigger_before_request,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Weights under which the risk is 1 / (1 + e^(10 − anger)).
    fn anger_only() -> RiskWeights {
        RiskWeights {
            intercept: -10.0,
            anger: 1.0,
            ..RiskWeights::ZERO
        }
    }

    /// A trace whose steps have these anger values, 4 s apart, with the request (if any) after them.
    fn trace(angers: &[f64], request_at: Option<usize>) -> RiskTrace {
        RiskTrace {
            steps: angers
                .iter()
                .enumerate()
                .map(|(index, &anger)| RiskStep {
                    index,
                    end_ms: index as u64 * 4000 + 3000,
                    features: RiskFeatures {
                        anger,
                        ..RiskFeatures::default()
                    },
                })
                .collect(),
            request: request_at.map(|index| RequestPoint {
                index,
                start_ms: index as u64 * 4000,
            }),
        }
    }

    /// The anger giving risk `p` under [`anger_only`].
    fn anger_for(p: f64) -> f64 {
        (p / (1.0 - p)).ln() + 10.0
    }

    #[test]
    fn recall_false_alarms_leads_and_auc_follow_the_definitions() {
        let high = anger_for(0.7);
        let mid = anger_for(0.5);
        let traces = [
            // Warned at 0.6 on step 1, the request is utterance 4: lead 3 utterances, 16 s − 7 s.
            trace(&[0.0, high, 0.0, 0.0], Some(4)),
            // Warned at 0.4 only, on step 2 of 3: lead 1 utterance, 12 s − 11 s.
            trace(&[0.0, 0.0, mid], Some(3)),
            // Never warned.
            trace(&[0.0], Some(1)),
            // A false alarm at 0.4 only.
            trace(&[mid, 0.0], None),
            trace(&[0.0, 0.0, 0.0], None),
        ];
        let report = evaluate(&traces, &anger_only(), &[0.4, 0.6]);
        assert_eq!((report.calls, report.escalated), (5, 3));
        let [watch, warning] = [report.thresholds[0], report.thresholds[1]];
        assert!((watch.recall - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(watch.false_alarm_rate, 0.5);
        assert_eq!(watch.median_lead_utterances, Some(2.0));
        assert_eq!(watch.median_lead_secs, Some(5.0));
        assert!((warning.recall - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(warning.false_alarm_rate, 0.0);
        assert_eq!(warning.median_lead_utterances, Some(3.0));
        assert_eq!(warning.median_lead_secs, Some(9.0));
        // Peaks: escalated 0.7, 0.5 and about 0; others 0.5 and about 0 (a tie with the third):
        // of the 6 pairs, 0.7 wins 2, 0.5 wins 1 and ties 1, the third ties 1: 4 of 6.
        assert!((report.roc_auc.unwrap() - 4.0 / 6.0).abs() < 1e-12);

        // With no false alarm allowed, the threshold is the others' highest peak (0.5), exclusive.
        let strict = at_false_alarm_rate(&traces, &anger_only(), 0.0);
        assert!((strict.threshold - 0.5).abs() < 1e-12);
        assert!((strict.recall - 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(strict.false_alarm_rate, 0.0);
        // Half of the others may be warned: the threshold drops to the other one's peak.
        let half = at_false_alarm_rate(&traces, &anger_only(), 0.5);
        assert_eq!(half.false_alarm_rate, 0.5);
        assert!((half.recall - 2.0 / 3.0).abs() < 1e-12);
        // All of them: the warning fires on every call's first step.
        let all = at_false_alarm_rate(&traces, &anger_only(), 1.0);
        assert_eq!((all.recall, all.false_alarm_rate), (1.0, 1.0));
        assert_eq!(all.median_lead_utterances, Some(3.0));
    }

    #[test]
    fn a_request_past_the_call_is_refused() {
        let analyzer: Arc<dyn SentimentAnalyzer> =
            Arc::new(crate::sentiment::HybridSentimentAnalyzer::new().unwrap());
        let config = Arc::new(RealtimeConfig::default());
        let call = LabelledCall {
            utterances: &[],
            request: Some(0),
        };
        assert!(matches!(
            replay(&call, &analyzer, &config),
            Err(RealtimeError::InvalidCall {
                field: "request",
                ..
            })
        ));
    }
}
