//! Customer propensity models: churn and upsell, trained together on a customer snapshot.
//!
//! A snapshot at `as_of` holds every customer with a call or journey event before it, their
//! features from that history only ([`super::customer`]), and two labels taken from what each
//! customer did in the `horizon_days` from `as_of`: *churned* when one of the churn actions
//! happened, *upgraded* when one of the upsell actions did. Each propensity is the
//! positive-class probability of a [`Classifier`] trained on those labels; a propensity whose
//! labels have fewer than [`MIN_POSITIVE_CUSTOMERS`] positives (or negatives) is not trained.

use std::collections::HashSet;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::PredictError;
use super::customer::{CustomerFeatureExtractor, CustomerFeatureOptions, CustomerKey};
use super::evaluate::evaluate_classifier;
use super::metrics::ClassificationMetrics;
use super::model::{Classifier, ForestParams, envelope, open_envelope};
use super::table::Table;
use crate::Result;
use crate::model::{Call, JourneyEvent};

/// Fewest positive (and negative) customers for which a propensity model is trained.
pub const MIN_POSITIVE_CUSTOMERS: usize = 5;

/// What counts as churn and as an upsell, and how far after the snapshot to look.
///
/// In JSON (and in the bindings) every field may be left out and takes its default.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PropensityLabels {
    /// Journey-event actions that mean the customer left (`cancel`, `cancel_subscription`).
    pub churn_actions: Vec<String>,
    /// Journey-event actions that mean the customer bought more (`upgrade`, `upgrade_plan`).
    pub upsell_actions: Vec<String>,
    /// Days after the snapshot in which an action counts (30).
    pub horizon_days: u32,
}

impl Default for PropensityLabels {
    fn default() -> Self {
        Self {
            churn_actions: vec!["cancel".into(), "cancel_subscription".into()],
            upsell_actions: vec!["upgrade".into(), "upgrade_plan".into()],
            horizon_days: 30,
        }
    }
}

impl PropensityLabels {
    /// Checks that the labels can be taken: some actions of each kind and a horizon of 1 to 3,660 days.
    pub fn validate(&self) -> Result<()> {
        let invalid = |message: String| Err(PredictError::InvalidParameter(message).into());
        if self.horizon_days == 0 || self.horizon_days > 3_660 {
            return invalid(format!(
                "horizon_days must be between 1 and 3660, got {}",
                self.horizon_days
            ));
        }
        if self.churn_actions.is_empty() || self.upsell_actions.is_empty() {
            return invalid("churn_actions and upsell_actions must each name an action".into());
        }
        Ok(())
    }

    /// The exclusive end of the label window of a snapshot at `as_of`.
    pub fn horizon_end(&self, as_of: DateTime<Utc>) -> DateTime<Utc> {
        as_of
            .checked_add_signed(TimeDelta::days(self.horizon_days as i64))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

/// Customers, their features and their labels at one instant.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerSnapshot {
    /// When the snapshot is taken.
    pub as_of: DateTime<Utc>,
    /// Every customer with a call or journey event before `as_of`, sorted.
    pub customers: Vec<CustomerKey>,
    /// One row of customer features per customer.
    pub table: Table,
    /// Whether each customer took a churn action in the horizon.
    pub churned: Vec<bool>,
    /// Whether each customer took an upsell action in the horizon.
    pub upgraded: Vec<bool>,
}

impl CustomerSnapshot {
    /// Takes the snapshot: features from the calls and events before `as_of`, labels from the
    /// events in `[as_of, as_of + horizon)`. Later calls and events are ignored.
    pub fn take(
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
        labels: &PropensityLabels,
        features: &CustomerFeatureOptions,
    ) -> Result<Self> {
        labels.validate()?;
        let customers = CustomerFeatureExtractor::customers_before(calls, events, as_of);
        let table = CustomerFeatureExtractor::new(features.clone())
            .extract(&customers, calls, events, as_of)?;
        let end = labels.horizon_end(as_of);
        let acted = |actions: &[String]| -> Vec<bool> {
            let who: HashSet<(&str, &str)> = events
                .iter()
                .filter(|e| e.timestamp >= as_of && e.timestamp < end)
                .filter(|e| actions.contains(&e.action))
                .map(|e| (e.tenant.as_str(), e.customer_id.as_str()))
                .collect();
            customers
                .iter()
                .map(|c| who.contains(&(c.tenant.as_str(), c.customer_id.as_str())))
                .collect()
        };
        Ok(Self {
            as_of,
            churned: acted(&labels.churn_actions),
            upgraded: acted(&labels.upsell_actions),
            customers,
            table,
        })
    }
}

/// `"true"`/`"false"` labels of `flags`.
pub fn bool_labels(flags: &[bool]) -> Vec<&'static str> {
    flags
        .iter()
        .map(|&f| if f { "true" } else { "false" })
        .collect()
}

/// The churn and upsell propensity models, with the label and feature settings they were trained with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerModels {
    /// What counted as churn and upsell, and the horizon (used again by [`CustomerModels::evaluate`]).
    pub labels: PropensityLabels,
    /// The customer-feature settings (used again when predicting).
    pub features: CustomerFeatureOptions,
    /// Probability of a churn action in the horizon (classes `"false"`, `"true"`), when trained.
    pub churn: Option<Classifier>,
    /// Probability of an upsell action in the horizon (classes `"false"`, `"true"`), when trained.
    pub upsell: Option<Classifier>,
}

/// Propensities of one customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerPredictions {
    /// The customer's id.
    pub customer_id: String,
    /// Probability of churning in the horizon, when a churn model exists.
    pub churn_probability: Option<f64>,
    /// Probability of upgrading in the horizon, when an upsell model exists.
    pub upsell_probability: Option<f64>,
}

/// How the propensity models score on a snapshot.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CustomerEvaluation {
    /// Customers in the snapshot.
    pub customers: usize,
    /// Customers who churned in the horizon.
    pub churned: usize,
    /// Customers who upgraded in the horizon.
    pub upgraded: usize,
    /// Churn metrics, when there is a churn model.
    pub churn: Option<ClassificationMetrics>,
    /// Upsell metrics, when there is an upsell model.
    pub upsell: Option<ClassificationMetrics>,
}

/// A classifier on `flags`, or `None` when either class has fewer than [`MIN_POSITIVE_CUSTOMERS`] rows.
fn fit_when_learnable(
    table: &Table,
    flags: &[bool],
    params: &ForestParams,
) -> Result<Option<Classifier>> {
    let positives = flags.iter().filter(|&&f| f).count();
    if positives < MIN_POSITIVE_CUSTOMERS || flags.len() - positives < MIN_POSITIVE_CUSTOMERS {
        return Ok(None);
    }
    Classifier::fit(table, &bool_labels(flags), params).map(Some)
}

impl CustomerModels {
    /// Trains both models on a snapshot at `as_of`. Fails with [`PredictError::TooFewPositives`]
    /// when neither label has enough positive and negative customers.
    pub fn train(
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
        labels: &PropensityLabels,
        features: &CustomerFeatureOptions,
        params: &ForestParams,
    ) -> Result<Self> {
        let snapshot = CustomerSnapshot::take(calls, events, as_of, labels, features)?;
        if snapshot.customers.is_empty() {
            return Err(PredictError::EmptyData("train on").into());
        }
        let churn = fit_when_learnable(&snapshot.table, &snapshot.churned, params)?;
        let upsell = fit_when_learnable(&snapshot.table, &snapshot.upgraded, params)?;
        if churn.is_none() && upsell.is_none() {
            let count = |flags: &[bool]| flags.iter().filter(|&&f| f).count();
            return Err(PredictError::TooFewPositives {
                churned: count(&snapshot.churned),
                upgraded: count(&snapshot.upgraded),
                customers: snapshot.customers.len(),
                needed: MIN_POSITIVE_CUSTOMERS,
            }
            .into());
        }
        Ok(Self {
            labels: labels.clone(),
            features: features.clone(),
            churn,
            upsell,
        })
    }

    /// Propensities of every customer with history before `as_of`, from that history.
    pub fn predict(
        &self,
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
    ) -> Result<Vec<CustomerPredictions>> {
        let customers = CustomerFeatureExtractor::customers_before(calls, events, as_of);
        let table = CustomerFeatureExtractor::new(self.features.clone())
            .extract(&customers, calls, events, as_of)?;
        let propensity = |model: &Option<Classifier>| -> Result<Option<Vec<f64>>> {
            model
                .as_ref()
                .map(|m| m.positive_probability(&table))
                .transpose()
        };
        let churn = propensity(&self.churn)?;
        let upsell = propensity(&self.upsell)?;
        Ok(customers
            .into_iter()
            .enumerate()
            .map(|(i, customer)| CustomerPredictions {
                customer_id: customer.customer_id,
                churn_probability: churn.as_ref().map(|p| p[i]),
                upsell_probability: upsell.as_ref().map(|p| p[i]),
            })
            .collect())
    }

    /// Scores the models on a snapshot at `as_of` with the labels they were trained with (the
    /// events must reach `as_of + horizon`, else late actions are missed).
    pub fn evaluate(
        &self,
        calls: &[Call],
        events: &[JourneyEvent],
        as_of: DateTime<Utc>,
    ) -> Result<CustomerEvaluation> {
        let snapshot = CustomerSnapshot::take(calls, events, as_of, &self.labels, &self.features)?;
        if snapshot.customers.is_empty() {
            return Err(PredictError::EmptyData("evaluate on").into());
        }
        let score = |model: &Option<Classifier>, flags: &[bool]| -> Result<_> {
            model
                .as_ref()
                .map(|m| evaluate_classifier(m, &snapshot.table, &bool_labels(flags)))
                .transpose()
        };
        let count = |flags: &[bool]| flags.iter().filter(|&&f| f).count();
        Ok(CustomerEvaluation {
            customers: snapshot.customers.len(),
            churned: count(&snapshot.churned),
            upgraded: count(&snapshot.upgraded),
            churn: score(&self.churn, &snapshot.churned)?,
            upsell: score(&self.upsell, &snapshot.upgraded)?,
        })
    }

    /// The models as JSON in the versioned file format (kind `customer_models`).
    pub fn to_json(&self) -> Result<String> {
        envelope("customer_models", self)
    }

    /// Reads models written by [`CustomerModels::to_json`].
    pub fn from_json(json: &str) -> Result<Self> {
        open_envelope(json, "customer_models")
    }
}
