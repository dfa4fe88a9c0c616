//! LLM-deepened pattern analysis: for each group found by local discovery, ask
//! the model for common issues, FAQs, friction points, resolution patterns,
//! automation ideas, training gaps and product suggestions, each with a
//! confidence score (the design's pattern-analysis prompt, with a JSON schema).
//!
//! Groups are analysed in parallel, bounded by the [`LlmClient`]'s concurrency
//! limit. A group whose analysis fails is listed in
//! [`DeepenResult::failures`]; the others are unaffected, and the local
//! findings never depend on this step.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{LlmClient, LlmError, LlmRequest, LlmUsage, ModelTier};

/// What the model is told about one group of similar calls.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct GroupBrief {
    /// The group's id in the local findings.
    pub group_id: String,
    /// Its label (most distinctive terms).
    pub label: String,
    /// Calls in the group.
    pub size: usize,
    /// Most distinctive terms, most distinctive first.
    pub top_terms: Vec<String>,
    /// Share of all calls in the period (0–1).
    pub share_of_calls: Option<f64>,
    /// Share of the group's calls that were escalated (0–1).
    pub escalation_rate: Option<f64>,
    /// Share of the group's calls that were resolved (0–1).
    pub resolution_rate: Option<f64>,
    /// Mean sentiment of the group's calls (−1 to 1).
    pub average_sentiment: Option<f64>,
    /// A few representative transcripts, one string per call (e.g. "Customer: …\nAgent: …").
    pub samples: Vec<String>,
}

/// One finding with the model's confidence in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// The finding, in a sentence.
    pub text: String,
    /// Confidence from 0 to 1.
    pub confidence: f64,
}

/// What the model found in one group, by category.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct GroupInsights {
    /// Common customer issues or complaints.
    pub common_issues: Vec<Finding>,
    /// Frequently asked questions.
    pub faqs: Vec<Finding>,
    /// Process bottlenecks or friction points.
    pub friction_points: Vec<Finding>,
    /// Successful resolution patterns.
    pub resolution_patterns: Vec<Finding>,
    /// Opportunities for automation.
    pub automation_ideas: Vec<Finding>,
    /// Training gaps for agents.
    pub training_gaps: Vec<Finding>,
    /// Product or service improvement suggestions.
    pub product_suggestions: Vec<Finding>,
}

/// The categories of [`GroupInsights`], in prompt order, with their descriptions.
const CATEGORIES: [(&str, &str); 7] = [
    ("common_issues", "Common customer issues or complaints"),
    ("faqs", "Frequently asked questions"),
    ("friction_points", "Process bottlenecks or friction points"),
    ("resolution_patterns", "Successful resolution patterns"),
    ("automation_ideas", "Opportunities for automation"),
    ("training_gaps", "Training gaps for agents"),
    (
        "product_suggestions",
        "Product/service improvement suggestions",
    ),
];

/// A group the model analysed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DeepenedGroup {
    /// The group's id.
    pub group_id: String,
    /// The group's label.
    pub label: String,
    /// The model that answered.
    pub model: String,
    /// What it found.
    pub insights: GroupInsights,
    /// Tokens and cost of this group's analysis.
    pub usage: LlmUsage,
}

/// A group whose analysis failed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupFailure {
    /// The group's id.
    pub group_id: String,
    /// The group's label.
    pub label: String,
    /// The kind of failure ([`LlmError::kind`] of the root cause, or `task`).
    pub kind: String,
    /// What went wrong.
    pub message: String,
}

/// The outcome of [`deepen_groups`]: per-group insights and per-group failures,
/// in the order of the input.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DeepenResult {
    /// Groups analysed.
    pub groups: Vec<DeepenedGroup>,
    /// Groups whose analysis failed.
    pub failures: Vec<GroupFailure>,
    /// Tokens and cost of the successful analyses (failed ones are in the client's ledger).
    pub usage: LlmUsage,
}

/// Settings of [`deepen_groups`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeepenOptions {
    /// Groups with more calls than this go to the large model (the design's 50).
    pub large_group_threshold: usize,
    /// Most sample transcripts per group in the prompt.
    pub max_samples: usize,
    /// Longest sample transcript, in characters (longer ones are cut).
    pub max_sample_chars: usize,
    /// Most findings per category.
    pub max_findings: usize,
    /// Most tokens the model may generate per group.
    pub max_tokens: u32,
    /// Sampling temperature.
    pub temperature: f32,
}

impl Default for DeepenOptions {
    fn default() -> Self {
        Self {
            large_group_threshold: 50,
            max_samples: 8,
            max_sample_chars: 2000,
            max_findings: 6,
            max_tokens: 2048,
            temperature: 0.2,
        }
    }
}

impl DeepenOptions {
    /// The tier for a group of `size` calls.
    pub fn tier_for(&self, size: usize) -> ModelTier {
        if size > self.large_group_threshold {
            ModelTier::Large
        } else {
            ModelTier::Small
        }
    }
}

/// The JSON schema of the answer for one group.
pub fn insights_schema(max_findings: usize) -> Value {
    let finding = json!({
        "type": "object",
        "required": ["text", "confidence"],
        "properties": {
            "text": {"type": "string", "minLength": 1},
            "confidence": {"type": "number", "minimum": 0, "maximum": 1}
        }
    });
    let list = json!({"type": "array", "maxItems": max_findings, "items": finding});
    let properties: serde_json::Map<String, Value> = CATEGORIES
        .iter()
        .map(|(name, _)| ((*name).to_owned(), list.clone()))
        .collect();
    json!({
        "type": "object",
        "required": CATEGORIES.iter().map(|(name, _)| *name).collect::<Vec<_>>(),
        "additionalProperties": false,
        "properties": properties
    })
}

const SYSTEM_PROMPT: &str = "You are an analyst of contact-center calls. You are given one group of \
similar calls found by clustering, with its figures and sample transcripts. Report only patterns the \
transcripts and figures support, each with a calibrated confidence between 0 and 1.";

fn percent(rate: f64) -> String {
    format!("{:.0}%", rate * 100.0)
}

/// The prompt for one group (before redaction, which [`LlmClient`] applies).
pub fn group_prompt(group: &GroupBrief, options: &DeepenOptions) -> String {
    let mut out = String::from("Analyze these call transcripts for patterns:\n\n");
    let _ = write!(out, "Group \"{}\": {} calls", group.label, group.size);
    if let Some(share) = group.share_of_calls {
        let _ = write!(out, " ({} of all calls)", percent(share));
    }
    out.push('\n');
    if !group.top_terms.is_empty() {
        let _ = writeln!(
            out,
            "Most distinctive terms: {}",
            group.top_terms.join(", ")
        );
    }
    let figures: Vec<String> = [
        group
            .escalation_rate
            .map(|r| format!("escalation rate {}", percent(r))),
        group
            .resolution_rate
            .map(|r| format!("resolution rate {}", percent(r))),
        group
            .average_sentiment
            .map(|s| format!("average sentiment {s:.2} (-1 to 1)")),
    ]
    .into_iter()
    .flatten()
    .collect();
    if !figures.is_empty() {
        let _ = writeln!(out, "Figures: {}", figures.join("; "));
    }
    let samples: Vec<&String> = group.samples.iter().take(options.max_samples).collect();
    let _ = writeln!(
        out,
        "\nSample transcripts ({} of {}):",
        samples.len(),
        group.size
    );
    for (i, sample) in samples.iter().enumerate() {
        let cut: String = sample.chars().take(options.max_sample_chars).collect();
        let ellipsis = if cut.len() < sample.len() {
            " […]"
        } else {
            ""
        };
        let _ = writeln!(out, "--- Call {} ---\n{}{}", i + 1, cut.trim(), ellipsis);
    }
    out.push_str("\nIdentify:\n");
    for (i, (_, description)) in CATEGORIES.iter().enumerate() {
        let _ = writeln!(out, "{}. {}", i + 1, description);
    }
    let names: Vec<&str> = CATEGORIES.iter().map(|(name, _)| *name).collect();
    let _ = write!(
        out,
        "\nReturn structured JSON with findings and confidence scores: an object with one list per item \
         above ({}), each entry {{\"text\": a finding in one sentence, \"confidence\": 0 to 1}}, at most {} \
         entries per list, an empty list where the calls show nothing.",
        names.join(", "),
        options.max_findings
    );
    out
}

/// Asks the model about each group (in parallel, bounded by `client`'s
/// concurrency limit), booking the cost under `tenant`. Never fails as a
/// whole: a group whose analysis fails is reported in
/// [`DeepenResult::failures`].
pub async fn deepen_groups(
    client: &LlmClient,
    tenant: &str,
    groups: &[GroupBrief],
    options: &DeepenOptions,
) -> DeepenResult {
    let schema = insights_schema(options.max_findings);
    let mut tasks = tokio::task::JoinSet::new();
    for (index, group) in groups.iter().enumerate() {
        let request = LlmRequest {
            system: SYSTEM_PROMPT.to_owned(),
            user: group_prompt(group, options),
            json_schema: Some(schema.clone()),
            max_tokens: options.max_tokens,
            temperature: options.temperature,
            tier: options.tier_for(group.size),
        };
        let client = client.clone();
        let tenant = tenant.to_owned();
        tasks.spawn(async move { (index, analyse(&client, &tenant, &request).await) });
    }
    let mut outcomes: Vec<Option<GroupOutcome>> = vec![None; groups.len()];
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok((index, outcome)) => outcomes[index] = Some(outcome),
            Err(error) => tracing::error!(%error, "a group analysis task failed"),
        }
    }
    let mut result = DeepenResult {
        usage: LlmUsage {
            cost_usd: Some(0.0),
            ..LlmUsage::default()
        },
        ..DeepenResult::default()
    };
    for (group, outcome) in groups.iter().zip(outcomes) {
        match outcome {
            Some(Ok((model, insights, usage))) => {
                result.usage = result.usage.plus(usage);
                result.groups.push(DeepenedGroup {
                    group_id: group.group_id.clone(),
                    label: group.label.clone(),
                    model,
                    insights,
                    usage,
                });
            }
            Some(Err((kind, message))) => result.failures.push(GroupFailure {
                group_id: group.group_id.clone(),
                label: group.label.clone(),
                kind,
                message,
            }),
            None => result.failures.push(GroupFailure {
                group_id: group.group_id.clone(),
                label: group.label.clone(),
                kind: "task".into(),
                message: "the analysis task was cancelled or panicked".into(),
            }),
        }
    }
    result
}

/// One group's analysis: (model, insights, usage), or (failure kind, message).
type GroupOutcome = Result<(String, GroupInsights, LlmUsage), (String, String)>;

async fn analyse(client: &LlmClient, tenant: &str, request: &LlmRequest) -> GroupOutcome {
    let failure = |error: LlmError| (error.root().kind().to_owned(), error.to_string());
    let response = client.complete(tenant, request).await.map_err(failure)?;
    let json = response.json.unwrap_or(Value::Null);
    // The schema was validated; decoding can only fail on a schema/struct mismatch.
    let insights: GroupInsights = serde_json::from_value(json).map_err(|e| {
        failure(LlmError::InvalidAnswer {
            model: response.model.clone(),
            attempts: 1,
            reason: e.to_string(),
        })
    })?;
    Ok((response.model, insights, response.usage))
}

#[cfg(test)]
mod tests;
