//! Pattern analysis with optional LLM deepening: local discovery ([`discover_patterns`]) first, then,
//! when an [`LlmClient`] is given, one model analysis per group ([`deepen_groups`]) merged into the
//! group's `llm_insights`. The local findings never depend on the model: a group whose analysis fails
//! keeps its local figures and is listed in [`PatternAnalysis::llm_failures`].

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::discovery::{DiscoveryOptions, PatternFindings, PatternGroup, discover_patterns};
use crate::llm::LlmClient;
use crate::llm::LlmUsage;
use crate::llm::deepen::{
    DeepenOptions, DeepenedGroup, GroupBrief, GroupFailure, GroupInsights, deepen_groups,
};
use crate::model::{Speaker, TimeRange, Utterance};
use crate::{Result, Store};

/// Options of [`analyze_call_patterns`]. In JSON every field may be left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PatternAnalysisOptions {
    /// Local discovery.
    pub discovery: DiscoveryOptions,
    /// The model step (prompt sizes, model tiers).
    pub deepen: DeepenOptions,
    /// Most groups sent to the model, largest first (the others keep local findings only).
    pub max_llm_groups: usize,
}

impl Default for PatternAnalysisOptions {
    fn default() -> Self {
        Self {
            discovery: DiscoveryOptions::default(),
            deepen: DeepenOptions::default(),
            max_llm_groups: 16,
        }
    }
}

/// Local findings, deepened by a model when one was given.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternAnalysis {
    /// Everything local discovery found; groups the model analysed carry `llm_insights`.
    #[serde(flatten)]
    pub findings: PatternFindings,
    /// Groups whose model analysis failed (empty without a model).
    #[serde(default)]
    pub llm_failures: Vec<GroupFailure>,
    /// Tokens and cost of the successful model analyses; absent without a model.
    #[serde(default)]
    pub llm_usage: Option<LlmUsage>,
}

/// Runs [`discover_patterns`] on a tenant's calls of `range`; with `llm`, asks the model about the
/// largest `options.max_llm_groups` groups (in parallel, bounded by the client's concurrency limit; the
/// client redacts PII from every prompt unless configured otherwise) and attaches each answer to its group
/// as `llm_insights`: `{"model", "usage", "common_issues", "faqs", "friction_points",
/// "resolution_patterns", "automation_ideas", "training_gaps", "product_suggestions"}`, each category a
/// list of `{"text", "confidence"}`. Costs are booked under `tenant` in the client's ledger.
pub async fn analyze_call_patterns(
    store: &dyn Store,
    tenant: &str,
    range: TimeRange,
    options: &PatternAnalysisOptions,
    llm: Option<&LlmClient>,
) -> Result<PatternAnalysis> {
    let mut findings = discover_patterns(store, tenant, range, &options.discovery).await?;
    let Some(client) = llm else {
        return Ok(PatternAnalysis {
            findings,
            llm_failures: Vec::new(),
            llm_usage: None,
        });
    };
    let mut briefs = Vec::new();
    for group in findings
        .groups
        .iter()
        .filter(|g| g.size > 0)
        .take(options.max_llm_groups)
    {
        briefs.push(group_brief(store, tenant, group).await?);
    }
    let deepened = deepen_groups(client, tenant, &briefs, &options.deepen).await;
    for group in deepened.groups {
        let insights = insights_json(&group)?;
        if let Some(target) = findings
            .groups
            .iter_mut()
            .find(|g| g.id.to_string() == group.group_id)
        {
            target.llm_insights = Some(insights);
        }
    }
    Ok(PatternAnalysis {
        findings,
        llm_failures: deepened.failures,
        llm_usage: Some(deepened.usage),
    })
}

/// What the model is told about `group`: its figures and the transcripts of its representative calls.
async fn group_brief(store: &dyn Store, tenant: &str, group: &PatternGroup) -> Result<GroupBrief> {
    let mut samples = Vec::with_capacity(group.representative_call_ids.len());
    for call_id in &group.representative_call_ids {
        let utterances = store.transcript(tenant, call_id).await?;
        if !utterances.is_empty() {
            samples.push(transcript_text(&utterances));
        }
    }
    Ok(GroupBrief {
        group_id: group.id.to_string(),
        label: group.label.clone(),
        size: group.size,
        top_terms: group.top_terms.iter().map(|t| t.term.clone()).collect(),
        share_of_calls: Some(group.share),
        escalation_rate: Some(group.escalation_rate),
        resolution_rate: Some(group.resolution_rate),
        average_sentiment: group.average_sentiment,
        samples,
    })
}

/// A transcript as "Customer: …\nAgent: …" lines.
fn transcript_text(utterances: &[Utterance]) -> String {
    utterances
        .iter()
        .map(|u| {
            let speaker = match u.speaker {
                Speaker::Agent => "Agent",
                Speaker::Customer => "Customer",
                Speaker::Bot => "Bot",
            };
            format!("{speaker}: {}", u.text.trim())
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The insights of a group as stored in [`PatternGroup::llm_insights`].
#[derive(Serialize)]
struct StoredInsights<'a> {
    model: &'a str,
    usage: LlmUsage,
    #[serde(flatten)]
    insights: &'a GroupInsights,
}

fn insights_json(group: &DeepenedGroup) -> Result<Value> {
    Ok(serde_json::to_value(StoredInsights {
        model: &group.model,
        usage: group.usage,
        insights: &group.insights,
    })?)
}

#[cfg(test)]
mod tests;
