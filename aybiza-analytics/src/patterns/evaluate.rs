//! Scoring pattern discovery against the simulator's ground truth ([`crate::sim::SimTruth`]).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::TranscribedCall;
use super::analyses::PhraseFinding;
use super::cluster::adjusted_rand_index;
use super::discovery::PatternFindings;
use super::vectorize::words;
use crate::Result;
use crate::model::Record;
use crate::sim::{Scenario, SimOutput};

/// How discovery compares with what the simulator planted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DiscoveryScore {
    /// Adjusted Rand index of the groups against the scenarios, over the calls kept in groups.
    pub ari_grouped: f64,
    /// Adjusted Rand index with every noise call as its own singleton group.
    pub ari_all: f64,
    /// Share of calls left as noise.
    pub noise_share: f64,
    /// Share of planted trigger phrases that some reported phrase lies inside.
    pub trigger_recall: f64,
    /// Share of reported phrases that lie inside some planted trigger.
    pub trigger_precision: f64,
}

/// The calls (with transcripts) of one tenant of a simulation, and each call's scenario.
pub fn simulated_calls(output: &SimOutput, tenant: &str) -> (Vec<TranscribedCall>, Vec<Scenario>) {
    let mut calls = Vec::new();
    let mut utterances = Vec::new();
    for record in &output.records {
        match record {
            Record::Call(call) if call.tenant == tenant => calls.push(call.clone()),
            Record::Utterance(u) if u.tenant == tenant => utterances.push(u.clone()),
            _ => {}
        }
    }
    let scenario: FxHashMap<&str, Scenario> = output
        .truth
        .calls
        .iter()
        .filter(|t| t.tenant == tenant)
        .map(|t| (t.call_id.as_str(), t.scenario))
        .collect();
    let joined = TranscribedCall::join(calls, utterances);
    let scenarios = joined
        .iter()
        .map(|c| scenario[c.call.id.as_str()])
        .collect();
    (joined, scenarios)
}

/// Scores the groups and escalation triggers of `findings` on `calls` against the truth.
pub fn score_findings(
    findings: &PatternFindings,
    calls: &[TranscribedCall],
    scenarios: &[Scenario],
    planted: &[String],
) -> Result<DiscoveryScore> {
    let group_of: FxHashMap<&str, usize> = findings
        .groups
        .iter()
        .flat_map(|g| g.call_ids.iter().map(move |id| (id.as_str(), g.id)))
        .collect();
    let assignments: Vec<Option<usize>> = calls
        .iter()
        .map(|c| group_of.get(c.call.id.as_str()).copied())
        .collect();
    score(
        &assignments,
        findings.groups.len(),
        scenarios,
        &findings.escalation_triggers.triggers,
        planted,
    )
}

/// Scores a grouping (per call, its group or `None` for noise) and reported trigger phrases against the truth.
pub fn score(
    assignments: &[Option<usize>],
    groups: usize,
    scenarios: &[Scenario],
    triggers: &[PhraseFinding],
    planted: &[String],
) -> Result<DiscoveryScore> {
    let kept: Vec<usize> = (0..scenarios.len())
        .filter(|&i| assignments[i].is_some())
        .collect();
    let kept_groups: Vec<usize> = kept
        .iter()
        .map(|&i| assignments[i].unwrap_or_default())
        .collect();
    let truth: Vec<Scenario> = kept.iter().map(|&i| scenarios[i]).collect();
    let ari_grouped = adjusted_rand_index(&kept_groups, &truth)?;
    let with_noise: Vec<usize> = assignments
        .iter()
        .enumerate()
        .map(|(i, a)| a.unwrap_or(groups + i))
        .collect();
    let ari_all = adjusted_rand_index(&with_noise, scenarios)?;
    let planted: Vec<String> = planted
        .iter()
        .map(|t| format!(" {} ", words(t).collect::<Vec<_>>().join(" ")))
        .collect();
    let inside = |phrase: &str, trigger: &str| trigger.contains(&format!(" {phrase} "));
    let recalled = planted
        .iter()
        .filter(|t| triggers.iter().any(|f| inside(&f.phrase, t)))
        .count();
    let precise = triggers
        .iter()
        .filter(|f| planted.iter().any(|t| inside(&f.phrase, t)))
        .count();
    Ok(DiscoveryScore {
        ari_grouped,
        ari_all,
        noise_share: 1.0 - kept.len() as f64 / scenarios.len().max(1) as f64,
        trigger_recall: recalled as f64 / planted.len().max(1) as f64,
        trigger_precision: precise as f64 / triggers.len().max(1) as f64,
    })
}
