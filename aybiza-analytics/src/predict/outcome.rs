//! Call-outcome models trained together: resolution, escalation, duration and satisfaction.
//!
//! Which calls each model learns from, and from which features:
//! - resolution (`resolved` vs not): calls that reached service (outcome
//!   resolved, unresolved or follow-up; abandoned and unknown outcomes left
//!   out), full features;
//! - escalation: the same calls, full features;
//! - duration in seconds: every ended call, [`FeatureSet::Context`] only (the
//!   conversation features would give the duration away);
//! - satisfaction (1–5): calls with a survey answer, full features; trained
//!   only when at least [`MIN_SATISFACTION_ROWS`] calls have one.

use serde::{Deserialize, Serialize};

use super::PredictError;
use super::calls::{CallFeatureExtractor, FeatureSet};
use super::model::{Classifier, ForestParams, Regressor, envelope, open_envelope};
use super::table::Table;
use crate::Result;
use crate::model::CallOutcome;
use crate::patterns::TranscribedCall;

/// Fewest surveyed calls for which a satisfaction model is trained.
pub const MIN_SATISFACTION_ROWS: usize = 30;

/// The four call-outcome models.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomeModels {
    /// Probability that a served call is resolved (classes `"false"`, `"true"`).
    pub resolution: Classifier,
    /// Probability that a served call is escalated (classes `"false"`, `"true"`).
    pub escalation: Classifier,
    /// Expected duration in seconds from what is known at the start of the call.
    pub duration: Regressor,
    /// Expected satisfaction score, when enough surveyed calls were available.
    pub satisfaction: Option<Regressor>,
}

/// Predictions for one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OutcomePredictions {
    /// The call's id.
    pub call_id: String,
    /// Probability that the call is resolved.
    pub resolution_probability: f64,
    /// Probability that the call is escalated.
    pub escalation_probability: f64,
    /// Expected duration in seconds.
    pub expected_duration_secs: f64,
    /// Expected satisfaction score (1–5), when a satisfaction model exists.
    pub expected_satisfaction: Option<f64>,
}

/// Whether a call counts as served (its outcome is known and it was not abandoned).
pub fn is_served(call: &TranscribedCall) -> bool {
    matches!(
        call.call.outcome,
        Some(CallOutcome::Resolved | CallOutcome::Unresolved | CallOutcome::FollowUp)
    )
}

/// The rows of `table` at `indices`, with string labels `"true"`/`"false"`.
fn labelled(
    table: &Table,
    indices: &[usize],
    label: impl Fn(usize) -> bool,
) -> (Table, Vec<&'static str>) {
    let labels = indices
        .iter()
        .map(|&i| if label(i) { "true" } else { "false" })
        .collect();
    (table.select(indices), labels)
}

impl OutcomeModels {
    /// Trains all four models on `calls` (their predecessors in the batch feed the history features).
    pub fn train(
        calls: &[TranscribedCall],
        extractor: &CallFeatureExtractor<'_>,
        params: &ForestParams,
    ) -> Result<Self> {
        if calls.is_empty() {
            return Err(PredictError::EmptyData("train on").into());
        }
        let full = extractor.extract(calls, FeatureSet::Full)?;
        let context = extractor.extract(calls, FeatureSet::Context)?;
        let served: Vec<usize> = (0..calls.len()).filter(|&i| is_served(&calls[i])).collect();
        let (table, labels) = labelled(&full, &served, |i| {
            calls[i].call.outcome == Some(CallOutcome::Resolved)
        });
        let resolution = Classifier::fit(&table, &labels, params)?;
        let (table, labels) = labelled(&full, &served, |i| calls[i].call.escalated);
        let escalation = Classifier::fit(&table, &labels, params)?;
        let ended: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].call.duration_secs().is_some())
            .collect();
        let durations: Vec<f64> = ended
            .iter()
            .filter_map(|&i| calls[i].call.duration_secs())
            .collect();
        let duration = Regressor::fit(&context.select(&ended), &durations, params)?;
        let surveyed: Vec<usize> = (0..calls.len())
            .filter(|&i| calls[i].call.satisfaction.is_some())
            .collect();
        let satisfaction = if surveyed.len() >= MIN_SATISFACTION_ROWS {
            let scores: Vec<f64> = surveyed
                .iter()
                .filter_map(|&i| calls[i].call.satisfaction)
                .collect();
            Some(Regressor::fit(&full.select(&surveyed), &scores, params)?)
        } else {
            None
        };
        Ok(Self {
            resolution,
            escalation,
            duration,
            satisfaction,
        })
    }

    /// Predicts every call given. The extractor must produce the features the models were trained on
    /// (same sentiment setting), else [`PredictError::SchemaMismatch`].
    pub fn predict(
        &self,
        calls: &[TranscribedCall],
        extractor: &CallFeatureExtractor<'_>,
    ) -> Result<Vec<OutcomePredictions>> {
        let full = extractor.extract(calls, FeatureSet::Full)?;
        let context = extractor.extract(calls, FeatureSet::Context)?;
        let resolution = self.resolution.positive_probability(&full)?;
        let escalation = self.escalation.positive_probability(&full)?;
        let duration = self.duration.predict(&context)?;
        let satisfaction = match &self.satisfaction {
            Some(model) => Some(model.predict(&full)?),
            None => None,
        };
        Ok(calls
            .iter()
            .enumerate()
            .map(|(i, call)| OutcomePredictions {
                call_id: call.call.id.clone(),
                resolution_probability: resolution[i],
                escalation_probability: escalation[i],
                expected_duration_secs: duration[i],
                expected_satisfaction: satisfaction.as_ref().map(|s| s[i]),
            })
            .collect())
    }

    /// The models as JSON in the versioned file format (kind `outcome_models`).
    pub fn to_json(&self) -> Result<String> {
        envelope("outcome_models", self)
    }

    /// Reads models written by [`OutcomeModels::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        open_envelope(json, "outcome_models")
    }
}
