//! [`CallSummary`]: what remains of a live call once it ends, and how it is stored.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::fusion::CallState;
use super::journey::Journey;
use super::session::CallSession;
use crate::model::{Call, CallOutcome, Record, Speaker};
use crate::patterns::live::RuleHit;

/// Why a call left the tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// The host ended it.
    Ended,
    /// It had no utterance for longer than the idle timeout.
    Idle,
}

impl EndReason {
    /// The snake_case name used in JSON and in stored attributes.
    pub fn as_str(self) -> &'static str {
        match self {
            EndReason::Ended => "ended",
            EndReason::Idle => "idle",
        }
    }
}

/// Mean fused sentiment per speaker in one quarter of the call (by utterance midpoint), as Contact Lens reports it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QuarterSentiment {
    /// 1 to 4.
    pub quarter: u8,
    /// Mean fused score of the customer's utterances; `None` if the customer did not speak.
    pub customer: Option<f64>,
    /// Mean fused score of the agent's and bot's utterances; `None` if they did not speak.
    pub agent: Option<f64>,
    /// Customer utterances in the quarter.
    pub customer_utterances: u32,
    /// Agent and bot utterances in the quarter.
    pub agent_utterances: u32,
}

/// One journey point of an ended call: one utterance, or in a long call the mean of one
/// speaker's utterances in one time bucket (see [`CallSummary::journey_bucket_ms`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct JourneyPoint {
    /// Sequence number of the (first) utterance.
    pub seq: u32,
    /// Who spoke.
    pub speaker: Speaker,
    /// (Mean) utterance midpoint in milliseconds from the start of the call.
    pub at_ms: u64,
    /// (Mean) fused score in [−1, 1] (stored as f32 while live).
    pub fused_score: f64,
    /// How many utterances the point stands for (1 unless the journey was downsampled).
    pub utterances: u32,
}

/// The summary of an ended call, handed to the store by [`super::LiveCallTracker::flush_ended`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallSummary {
    /// The call record, with `ended_at` (and `outcome`, when given) filled in.
    pub call: Call,
    /// Why the call ended.
    pub reason: EndReason,
    /// The final fused state.
    pub state: CallState,
    /// The sentiment journey over the whole call, at most `max_journey_points` points: every
    /// accepted utterance's point, or, in a call with more utterances, per speaker the mean of
    /// the utterances in each time bucket of `journey_bucket_ms`.
    pub journey: Vec<JourneyPoint>,
    /// 0 when every journey point is one utterance; otherwise the width of the time buckets
    /// (milliseconds) the journey was downsampled to.
    pub journey_bucket_ms: u64,
    /// The call split into quarters: exact when `journey_bucket_ms` is 0; otherwise the points
    /// of the (at most one per speaker) buckets a quarter boundary cuts go to the quarter of
    /// their mean midpoint.
    pub quarters: [QuarterSentiment; 4],
    /// Live rules that fired when the call ended (`last_secs` windows, `not` conditions);
    /// the hits during the call came with the updates.
    #[serde(default)]
    pub rule_hits: Vec<RuleHit>,
    /// Ids of every live rule that fired during the call (updates and end), in order.
    #[serde(default)]
    pub rules_fired: Vec<String>,
}

/// The journey as the summary reports it.
fn journey_points(journey: &Journey) -> Vec<JourneyPoint> {
    journey
        .points()
        .iter()
        .map(|p| JourneyPoint {
            seq: p.seq,
            speaker: p.speaker,
            at_ms: u64::from(p.at_ms),
            fused_score: f64::from(p.fused_score),
            utterances: u32::from(p.utterances),
        })
        .collect()
}

/// Quarters by (mean) utterance midpoint over `[0, duration_ms]`, points weighted by their utterances.
fn quarters(points: &[JourneyPoint], duration_ms: u64) -> [QuarterSentiment; 4] {
    let duration = duration_ms.max(1);
    let mut sums = [[0.0f64; 2]; 4];
    let mut counts = [[0u32; 2]; 4];
    for p in points {
        let q = ((p.at_ms.min(duration) as u128 * 4 / u128::from(duration)) as usize).min(3);
        let side = usize::from(p.speaker != Speaker::Customer);
        sums[q][side] += p.fused_score * f64::from(p.utterances);
        counts[q][side] += p.utterances;
    }
    std::array::from_fn(|q| {
        let mean =
            |side: usize| (counts[q][side] > 0).then(|| sums[q][side] / f64::from(counts[q][side]));
        QuarterSentiment {
            quarter: q as u8 + 1,
            customer: mean(0),
            agent: mean(1),
            customer_utterances: counts[q][0],
            agent_utterances: counts[q][1],
        }
    })
}

impl CallSummary {
    /// Summarizes `session`; `ended_at` defaults to the start plus the latest utterance end.
    /// Ends the session's live rules at `ended_at` (as an offset from the start, at least the
    /// latest utterance end) and keeps the hits that fire then.
    pub fn new(
        mut call: Call,
        session: &mut CallSession,
        reason: EndReason,
        outcome: Option<CallOutcome>,
        ended_at: Option<DateTime<Utc>>,
    ) -> Self {
        let state = session.state();
        let duration_ms = state.context.time_on_call_ms;
        let offset = Duration::milliseconds(i64::try_from(duration_ms).unwrap_or(i64::MAX / 2));
        let default_end = call
            .started_at
            .checked_add_signed(offset)
            .unwrap_or(call.started_at);
        let end = ended_at.unwrap_or(default_end).max(call.started_at);
        call.ended_at = Some(end);
        let call_end_ms = u64::try_from((end - call.started_at).num_milliseconds())
            .unwrap_or(0)
            .max(duration_ms);
        let rule_hits = session.end_rules(call_end_ms);
        if outcome.is_some() {
            call.outcome = outcome;
        }
        let journey = journey_points(session.journey());
        let quarters = quarters(&journey, duration_ms);
        CallSummary {
            call,
            reason,
            state,
            journey,
            journey_bucket_ms: session.journey().bucket_ms(),
            quarters,
            rule_hits,
            rules_fired: session.rules_fired().to_vec(),
        }
    }

    /// The records that persist the summary: the call record, carrying the
    /// summary in `attributes` under `realtime.*` (sentiment, satisfaction,
    /// escalation risk and peak, dominant emotion, repetitions, escalation requests, topic changes,
    /// hold and silence time, utterances, end reason, the customer's
    /// quarter scores as a JSON array, the number of live rules that fired and their ids as a
    /// JSON array). The journey points are not stored.
    pub fn to_records(&self) -> Vec<Record> {
        let mut call = self.call.clone();
        let s = &self.state;
        let c = &s.context;
        let quarters: Vec<Option<f64>> = self
            .quarters
            .iter()
            .map(|q| q.customer.map(|v| (v * 1e4).round() / 1e4))
            .collect();
        let entries = [
            ("sentiment", format!("{:.4}", s.current_sentiment)),
            ("satisfaction", format!("{:.4}", s.satisfaction)),
            ("escalation_risk", format!("{:.4}", s.escalation_risk)),
            (
                "peak_escalation_risk",
                format!("{:.4}", s.peak_escalation_risk),
            ),
            (
                "dominant_emotion",
                serde_json::to_value(s.dominant_emotion)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default(),
            ),
            ("repetitions", c.repetitions.to_string()),
            ("escalation_requests", c.escalation_requests.to_string()),
            ("topic_changes", c.topic_changes.to_string()),
            ("hold_ms", c.hold_ms.to_string()),
            ("silence_ms", c.silence_ms.to_string()),
            ("utterances", s.utterances.to_string()),
            ("end_reason", self.reason.as_str().to_owned()),
            (
                "customer_quarters",
                serde_json::to_string(&quarters).unwrap_or_default(),
            ),
            ("rule_hits", self.rules_fired.len().to_string()),
            (
                "rules_fired",
                serde_json::to_string(&self.rules_fired).unwrap_or_default(),
            ),
        ];
        for (key, value) in entries {
            call.attributes.insert(format!("realtime.{key}"), value);
        }
        vec![Record::Call(call)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quarters_split_by_midpoint_and_speaker() {
        let p = |seq, speaker, at_ms, fused_score| JourneyPoint {
            seq,
            speaker,
            at_ms,
            fused_score,
            utterances: 1,
        };
        let points = [
            p(0, Speaker::Agent, 1_000, 0.2),
            p(1, Speaker::Customer, 2_000, -0.4),
            p(2, Speaker::Customer, 4_000, -0.2),
            p(3, Speaker::Customer, 39_000, 0.6),
            p(4, Speaker::Bot, 40_000, 0.0),
        ];
        let q = quarters(&points, 40_000);
        assert_eq!(q[0].customer, Some(-0.30000000000000004));
        assert_eq!(
            (q[0].agent, q[0].customer_utterances, q[0].agent_utterances),
            (Some(0.2), 2, 1)
        );
        assert_eq!((q[1].customer, q[2].customer), (None, None));
        assert_eq!(
            (q[3].customer, q[3].agent, q[3].quarter),
            (Some(0.6), Some(0.0), 4)
        );
        // A call with no duration puts everything in the last quarter rather than dividing by zero.
        let q = quarters(&points[..1], 0);
        assert_eq!(q[3].agent_utterances, 1);
    }

    #[test]
    fn quarters_of_a_downsampled_journey_stay_close_to_the_exact_ones() {
        // 1,000 alternating utterances 4 s apart (66 minutes); the customer's score drifts down
        // then recovers, with a wobble; the agent's stays mildly positive.
        let (mut exact, mut journey) = (Vec::new(), Journey::default());
        for i in 0..1_000u32 {
            let speaker = if i % 2 == 0 {
                Speaker::Agent
            } else {
                Speaker::Customer
            };
            let t = f64::from(i) / 1_000.0;
            let score = match speaker {
                Speaker::Customer => {
                    -0.8 * (std::f64::consts::PI * t).sin() + 0.2 * (f64::from(i) * 0.7).sin()
                }
                _ => 0.3 + 0.1 * (f64::from(i) * 0.3).cos(),
            };
            let at_ms = u64::from(i) * 4_000 + 1_750;
            exact.push(JourneyPoint {
                seq: i,
                speaker,
                at_ms,
                fused_score: f64::from(score as f32),
                utterances: 1,
            });
            journey.push(i, speaker, at_ms, score, 64);
        }
        let duration = 999 * 4_000 + 3_500;
        let points = journey_points(&journey);
        assert_eq!((points.len(), journey.bucket_ms()), (62, 131_072));
        let (want, got) = (quarters(&exact, duration), quarters(&points, duration));
        for (w, g) in want.iter().zip(&got) {
            for (a, b) in [(w.customer, g.customer), (w.agent, g.agent)] {
                let (a, b) = (a.unwrap(), b.unwrap());
                assert!((a - b).abs() < 0.02, "quarter {}: {a} vs {b}", w.quarter);
            }
            // Only the utterances of boundary buckets (at most one per speaker and boundary) move.
            let moved = w.customer_utterances.abs_diff(g.customer_utterances);
            assert!(
                moved <= 2 * journey.bucket_ms() as u32 / 8_000 + 1,
                "{moved}"
            );
        }
    }
}
