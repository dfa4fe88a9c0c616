//! Model prices and the per-tenant cost ledger.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

use super::{CLAUDE_3_7_SONNET, CLAUDE_3_HAIKU, LlmUsage};

/// Price of one model, in US dollars per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ModelPrice {
    /// Dollars per million prompt tokens.
    pub input_per_million: f64,
    /// Dollars per million generated tokens.
    pub output_per_million: f64,
}

impl ModelPrice {
    /// The cost of `input_tokens` and `output_tokens` at this price.
    pub fn cost(&self, input_tokens: u64, output_tokens: u64) -> f64 {
        (input_tokens as f64 * self.input_per_million
            + output_tokens as f64 * self.output_per_million)
            / 1_000_000.0
    }
}

/// Prices by model id.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PriceTable {
    /// Price per model id.
    pub models: BTreeMap<String, ModelPrice>,
}

impl Default for PriceTable {
    /// On-demand Bedrock prices (us-east-1, 2025) of the two routed Claude models:
    /// 3.7 Sonnet $3 / $15 and 3 Haiku $0.25 / $1.25 per million input / output tokens.
    fn default() -> Self {
        let mut models = BTreeMap::new();
        models.insert(
            CLAUDE_3_7_SONNET.to_owned(),
            ModelPrice {
                input_per_million: 3.0,
                output_per_million: 15.0,
            },
        );
        models.insert(
            CLAUDE_3_HAIKU.to_owned(),
            ModelPrice {
                input_per_million: 0.25,
                output_per_million: 1.25,
            },
        );
        Self { models }
    }
}

impl PriceTable {
    /// Usage of `input_tokens` and `output_tokens` on `model`, with its cost when the model has a price.
    pub fn usage(&self, model: &str, input_tokens: u64, output_tokens: u64) -> LlmUsage {
        LlmUsage {
            input_tokens,
            output_tokens,
            cost_usd: self
                .models
                .get(model)
                .map(|price| price.cost(input_tokens, output_tokens)),
        }
    }
}

/// What one model cost a tenant.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ModelCost {
    /// Answers received (every attempt that got one, valid or not).
    pub calls: u64,
    /// Prompt tokens.
    pub input_tokens: u64,
    /// Generated tokens.
    pub output_tokens: u64,
    /// Dollars for the priced answers.
    pub cost_usd: f64,
    /// Answers from a model without a price (not in `cost_usd`).
    pub unpriced_calls: u64,
}

impl ModelCost {
    fn add(&mut self, usage: &LlmUsage) {
        self.calls += 1;
        self.input_tokens += usage.input_tokens;
        self.output_tokens += usage.output_tokens;
        match usage.cost_usd {
            Some(cost) => self.cost_usd += cost,
            None => self.unpriced_calls += 1,
        }
    }
}

/// What LLM calls cost one tenant, in total and per model.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct TenantCost {
    /// Sum over models.
    pub total: ModelCost,
    /// Per model id.
    pub by_model: BTreeMap<String, ModelCost>,
}

/// Token use and cost per tenant, shared by every call of an [`super::LlmClient`].
#[derive(Debug, Default)]
pub struct CostLedger {
    tenants: Mutex<HashMap<String, TenantCost>>,
}

impl CostLedger {
    /// Adds one answer of `model` for `tenant`.
    pub fn record(&self, tenant: &str, model: &str, usage: &LlmUsage) {
        let mut tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        let entry = tenants.entry(tenant.to_owned()).or_default();
        entry.total.add(usage);
        entry
            .by_model
            .entry(model.to_owned())
            .or_default()
            .add(usage);
    }

    /// What `tenant` has spent so far (zero if it made no call).
    pub fn tenant(&self, tenant: &str) -> TenantCost {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        tenants.get(tenant).cloned().unwrap_or_default()
    }

    /// Every tenant's spend, by tenant id.
    pub fn snapshot(&self) -> BTreeMap<String, TenantCost> {
        let tenants = self.tenants.lock().unwrap_or_else(|p| p.into_inner());
        tenants
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_the_routed_models_and_leaves_unknown_ones_unpriced() {
        let prices = PriceTable::default();
        let sonnet = prices.usage(CLAUDE_3_7_SONNET, 1_000_000, 100_000);
        assert!((sonnet.cost_usd.unwrap() - 4.5).abs() < 1e-12);
        let haiku = prices.usage(CLAUDE_3_HAIKU, 2000, 400);
        assert!((haiku.cost_usd.unwrap() - 0.001).abs() < 1e-12);
        assert_eq!(prices.usage("other-model", 10, 10).cost_usd, None);
    }

    #[test]
    fn ledger_sums_per_tenant_and_model() {
        let prices = PriceTable::default();
        let ledger = CostLedger::default();
        ledger.record(
            "t1",
            CLAUDE_3_HAIKU,
            &prices.usage(CLAUDE_3_HAIKU, 2000, 400),
        );
        ledger.record(
            "t1",
            CLAUDE_3_HAIKU,
            &prices.usage(CLAUDE_3_HAIKU, 2000, 400),
        );
        ledger.record("t1", "local", &prices.usage("local", 5, 5));
        ledger.record(
            "t2",
            CLAUDE_3_7_SONNET,
            &prices.usage(CLAUDE_3_7_SONNET, 1000, 0),
        );
        let t1 = ledger.tenant("t1");
        assert_eq!(
            (
                t1.total.calls,
                t1.total.input_tokens,
                t1.total.output_tokens
            ),
            (3, 4005, 805)
        );
        assert!((t1.total.cost_usd - 0.002).abs() < 1e-12);
        assert_eq!(t1.total.unpriced_calls, 1);
        assert_eq!(t1.by_model[CLAUDE_3_HAIKU].calls, 2);
        assert!((ledger.tenant("t2").total.cost_usd - 0.003).abs() < 1e-12);
        assert_eq!(ledger.tenant("nobody"), TenantCost::default());
        assert_eq!(ledger.snapshot().len(), 2);
    }
}
