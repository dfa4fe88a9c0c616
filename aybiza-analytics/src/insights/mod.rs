//! Insights with impact scores: the [`InsightGenerator`] seam.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::TimeRange;
use crate::store::Store;

/// One insight about a tenant's calls, ranked by impact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Insight {
    /// Area the insight is about (`volume`, `sentiment`, `resolution`, …).
    pub category: String,
    /// One-line headline.
    pub title: String,
    /// What was found and why it matters.
    pub description: String,
    /// Estimated impact in [0, 1], for ranking.
    pub impact: f64,
    /// The numbers behind the insight, by name.
    pub evidence: BTreeMap<String, f64>,
}

/// Generates insights from a tenant's stored data.
#[async_trait]
pub trait InsightGenerator: Send + Sync {
    /// Insights for `tenant` over `range`, highest impact first.
    async fn generate(
        &self,
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
    ) -> Result<Vec<Insight>>;
}
