//! The report's patterns section: groups of calls with labels and trends, escalation triggers, repeat
//! callers and automation candidates, from batch pattern discovery ([`crate::patterns::discovery`]).

use serde::{Deserialize, Serialize};

use super::charts::{TreemapTile, treemap};
use super::format::escape;

/// A group as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportGroup {
    /// Label from the group's most distinctive terms.
    pub label: String,
    /// Calls in it.
    pub size: usize,
    /// Share of the tenant's calls.
    pub share: f64,
    /// Change of share against the previous period, percentage points, when known.
    pub trend_points: Option<f64>,
    /// Share escalated.
    pub escalation_rate: f64,
    /// Share resolved.
    pub resolution_rate: f64,
    /// Mean customer sentiment in [-1, 1].
    pub average_sentiment: Option<f64>,
}

/// A trigger phrase as the report shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportTrigger {
    /// The phrase.
    pub phrase: String,
    /// Lift over the base escalation rate.
    pub lift: f64,
    /// Calls containing it.
    pub calls: usize,
    /// Of which escalated.
    pub escalated: usize,
    /// Fisher exact test p-value.
    pub p_value: f64,
}

/// The patterns section of one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatternsSection {
    /// Calls analysed.
    pub calls: usize,
    /// Calls left out of every group.
    pub noise: usize,
    /// Groups, largest first.
    pub groups: Vec<ReportGroup>,
    /// Escalation trigger phrases, most significant first.
    pub escalation_triggers: Vec<ReportTrigger>,
    /// Repeat calls within the window.
    pub repeat_calls: usize,
    /// Their share of calls.
    pub repeat_share: f64,
    /// Share of repeats about the same reason (group) as the previous call.
    pub repeat_same_reason_share: f64,
    /// Groups worth automating, best first: label, calls, share resolved without escalation, median seconds.
    pub automation_candidates: Vec<(String, usize, f64, f64)>,
}

impl PatternsSection {
    /// Runs discovery on a tenant's calls (`previous`: the period before, for trends; may be empty).
    #[cfg(feature = "patterns")]
    pub fn compute(
        calls: &[crate::patterns::TranscribedCall],
        previous: &[crate::patterns::TranscribedCall],
    ) -> crate::Result<Self> {
        use crate::patterns::discovery::{DiscoveryOptions, discover};
        let found = discover(calls, previous, &DiscoveryOptions::default())?;
        Ok(Self {
            calls: found.calls,
            noise: found.noise.len(),
            groups: found
                .groups
                .iter()
                .map(|g| ReportGroup {
                    label: g.label.clone(),
                    size: g.size,
                    share: g.share,
                    trend_points: g.trend_points,
                    escalation_rate: g.escalation_rate,
                    resolution_rate: g.resolution_rate,
                    average_sentiment: g.average_sentiment,
                })
                .collect(),
            escalation_triggers: found
                .escalation_triggers
                .triggers
                .iter()
                .map(|t| ReportTrigger {
                    phrase: t.phrase.clone(),
                    lift: t.lift,
                    calls: t.support,
                    escalated: t.target_support,
                    p_value: t.p_value,
                })
                .collect(),
            repeat_calls: found.repeat_callers.repeat_calls,
            repeat_share: found.repeat_callers.share,
            repeat_same_reason_share: found.repeat_callers.same_reason_share,
            automation_candidates: found
                .automation_candidates
                .iter()
                .map(|a| {
                    (
                        a.label.clone(),
                        a.calls,
                        a.resolved_without_escalation,
                        a.median_duration_secs,
                    )
                })
                .collect(),
        })
    }

    /// The section as HTML: a treemap of the groups (area: calls; shade: escalation rate) and
    /// a table with a share bar per group, drawn with inline SVG (no script).
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<h3>Call patterns</h3>\n<p class=\"note\">{} calls in {} groups, {} left as noise.</p>\n",
            self.calls,
            self.groups.len(),
            self.noise
        );
        let most_escalated = self
            .groups
            .iter()
            .map(|g| g.escalation_rate)
            .fold(0.0f64, f64::max);
        let tiles: Vec<TreemapTile> = self
            .groups
            .iter()
            .map(|g| TreemapTile {
                label: g.label.clone(),
                value: g.size as f64,
                shade: if most_escalated > 0.0 {
                    g.escalation_rate / most_escalated
                } else {
                    0.0
                },
                tooltip: format!(
                    "{}: {} calls ({:.1}%), {:.0}% escalated, {:.0}% resolved",
                    g.label,
                    g.size,
                    100.0 * g.share,
                    100.0 * g.escalation_rate,
                    100.0 * g.resolution_rate
                ),
            })
            .collect();
        html.push_str(&treemap(
            &format!(
                "Call groups: area by calls, darker by escalation rate (darkest {:.0}%)",
                100.0 * most_escalated
            ),
            &tiles,
        ));
        html.push_str("<table>\n<tr><th>group</th><th>calls</th><th>share</th><th>trend</th><th>escalated</th><th>resolved</th><th>sentiment</th></tr>\n");
        for g in &self.groups {
            let width = (g.share * 200.0).round();
            html.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td><svg width=\"200\" height=\"10\" role=\"img\" aria-label=\"{:.1}%\"><rect width=\"{width}\" height=\"10\" fill=\"#4a7bd0\"/></svg> {:.1}%</td><td>{}</td><td>{:.0}%</td><td>{:.0}%</td><td>{}</td></tr>\n",
                escape(&g.label),
                g.size,
                100.0 * g.share,
                100.0 * g.share,
                g.trend_points.map(|t| format!("{t:+.1} pts")).unwrap_or_else(|| "–".into()),
                100.0 * g.escalation_rate,
                100.0 * g.resolution_rate,
                g.average_sentiment.map(|s| format!("{s:+.2}")).unwrap_or_else(|| "–".into()),
            ));
        }
        html.push_str("</table>\n<h4>Escalation triggers</h4>\n<table>\n<tr><th>phrase</th><th>lift</th><th>escalated / calls</th><th>p</th></tr>\n");
        for t in &self.escalation_triggers {
            html.push_str(&format!(
                "<tr><td>“{}”</td><td>{:.1}</td><td>{} / {}</td><td>{:.1e}</td></tr>\n",
                escape(&t.phrase),
                t.lift,
                t.escalated,
                t.calls,
                t.p_value
            ));
        }
        html.push_str(&format!(
            "</table>\n<p>Repeat callers: {} calls ({:.1}%), {:.0}% about the same reason as the previous call.</p>\n<h4>Automation candidates</h4>\n<ul>\n",
            self.repeat_calls,
            100.0 * self.repeat_share,
            100.0 * self.repeat_same_reason_share
        ));
        for (label, calls, resolved, median) in &self.automation_candidates {
            html.push_str(&format!(
                "<li>{} — {calls} calls, {:.0}% resolved without escalation, median {:.0} s</li>\n",
                escape(label),
                100.0 * resolved,
                median
            ));
        }
        if self.automation_candidates.is_empty() {
            html.push_str("<li>none</li>\n");
        }
        html.push_str("</ul>\n");
        html
    }
}

#[cfg(all(test, feature = "patterns"))]
mod tests {
    use super::*;
    use crate::patterns::evaluate::simulated_calls;
    use crate::sim::{SimConfig, simulate};

    #[test]
    fn the_section_summarises_discovery_and_renders_without_script() {
        let output = simulate(&SimConfig {
            tenants: 1,
            days: 2,
            calls_per_day: 100,
            journeys_per_day: 0,
            anomaly_days: 0,
            ..SimConfig::default()
        })
        .unwrap();
        let tenant = output.truth.calls[0].tenant.clone();
        let (calls, _) = simulated_calls(&output, &tenant);
        let (previous, current) = calls.split_at(calls.len() / 3);
        let section = PatternsSection::compute(current, previous).unwrap();
        assert_eq!(section.calls, current.len());
        let grouped: usize = section.groups.iter().map(|g| g.size).sum();
        assert_eq!(grouped + section.noise, current.len());
        assert!(section.groups.iter().all(|g| g.trend_points.is_some()));
        let html = section.to_html();
        assert!(html.contains("Call patterns") && html.contains(&escape(&section.groups[0].label)));
        assert!(!html.contains("<script"));
        let json = serde_json::to_string(&section).unwrap();
        assert_eq!(
            serde_json::from_str::<PatternsSection>(&json).unwrap(),
            section
        );
    }
}
