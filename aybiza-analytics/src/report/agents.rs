//! The report's agent performance: one row per agent of a tenant's calls, from the analytics
//! `agents` table, with each rate shaded by how far it is from the tenant's.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::Rate;
use super::format::{count, decimal, duration, escape, percent};
use crate::export::{ColumnValues, Table, TableKind, TableOptions, analytics_tables};
use crate::model::Call;
use crate::{Error, Result};

/// Agents shown in the HTML table; the JSON has every agent.
const SHOWN: usize = 30;
/// Fewer calls than this and an agent's rates are left unshaded: too few to tell from chance.
const MIN_CALLS_TO_SHADE: u64 = 20;
/// A difference from the tenant's rate of this much (15 points) gets the darkest shade.
const FULL_SHADE: f64 = 0.15;

/// The agents of a tenant's calls, most calls first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentsSection {
    /// One entry per agent.
    pub agents: Vec<AgentPerformance>,
    /// The tenant's rates over the calls with an agent, the reference of the shading.
    pub overall: AgentPerformance,
}

/// What one agent's calls (or all agents' calls) add up to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentPerformance {
    /// The agent (`*` for the tenant's line).
    pub agent_id: String,
    /// Calls handled.
    pub calls: u64,
    /// Resolved calls among those with an outcome.
    pub resolution: Rate,
    /// Escalated calls among all.
    pub escalation: Rate,
    /// Transferred calls among all.
    pub transfer: Rate,
    /// Mean duration of the ended calls, in seconds.
    pub mean_duration_s: Option<f64>,
    /// Mean satisfaction of the rated calls.
    pub mean_satisfaction: Option<f64>,
}

impl AgentsSection {
    /// The agents of `calls` (of one tenant); `None` when no call names an agent.
    pub fn compute(calls: &[Call]) -> Result<Option<Self>> {
        let options = TableOptions {
            tables: vec![TableKind::Agents],
            redact: false,
            sentiment: false,
        };
        let tables = analytics_tables(calls, &[], &[], &[], &options)?;
        let Some(table) = tables.first().filter(|t| t.rows() > 0) else {
            return Ok(None);
        };
        let columns = AgentColumns::of(table)?;
        let mut agents: Vec<AgentPerformance> =
            (0..table.rows()).map(|row| columns.agent(row)).collect();
        agents.sort_by(|a, b| b.calls.cmp(&a.calls).then(a.agent_id.cmp(&b.agent_id)));
        let overall = overall(&agents, calls);
        Ok(Some(Self { agents, overall }))
    }

    /// The section as HTML: a table of the busiest agents, rates shaded against the tenant's.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<h3>Agents</h3>\n<p class=\"note\">{} agents, busiest first. A rate is shaded green where it is better than the tenant's (in the first row) and red where worse, darker the further off, up to {} points; agents with fewer than {MIN_CALLS_TO_SHADE} calls are not shaded. Every agent is in the analytics table <code>agents</code>.</p>\n",
            count(self.agents.len() as u64),
            (FULL_SHADE * 100.0).round(),
        );
        html.push_str("<div class=\"table-wrap\"><table>\n<tr><th>agent</th><th>calls</th><th>resolution</th><th>escalation</th><th>transfer</th><th>mean handle time</th><th>mean satisfaction</th></tr>\n");
        // The tenant's line first (its own reference, so unshaded), then the busiest agents.
        let shown = self.agents.iter().take(SHOWN).map(|agent| (agent, false));
        for (agent, is_tenant) in std::iter::once((&self.overall, true)).chain(shown) {
            let reference =
                (!is_tenant && agent.calls >= MIN_CALLS_TO_SHADE).then_some(&self.overall);
            let cell = |rate: fn(&AgentPerformance) -> &Rate, higher_is_better: bool| {
                let style = reference
                    .and_then(|overall| shade(rate(agent), rate(overall), higher_is_better))
                    .map(|color| format!(" style=\"background:{color}\""))
                    .unwrap_or_default();
                format!("<td{style}>{}</td>", percent(rate(agent)))
            };
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td>{}{}{}<td>{}</td><td>{}</td></tr>",
                if is_tenant {
                    "<strong>all agents</strong>".to_owned()
                } else {
                    escape(&agent.agent_id)
                },
                count(agent.calls),
                cell(|a| &a.resolution, true),
                cell(|a| &a.escalation, false),
                cell(|a| &a.transfer, false),
                duration(agent.mean_duration_s),
                decimal(agent.mean_satisfaction, 2),
            );
        }
        html.push_str("</table></div>\n");
        if self.agents.len() > SHOWN {
            let _ = writeln!(
                html,
                "<p class=\"note\">{} more agents are in the JSON report and the <code>agents</code> table.</p>",
                count((self.agents.len() - SHOWN) as u64)
            );
        }
        html
    }
}

/// The colour of a rate `difference` from the tenant's, or `None` when either is undefined.
fn shade(rate: &Rate, overall: &Rate, higher_is_better: bool) -> Option<String> {
    let difference = rate.value? - overall.value?;
    let better = (difference > 0.0) == higher_is_better;
    let alpha = (difference.abs() / FULL_SHADE).min(1.0) * 0.45;
    if alpha < 0.02 {
        return None;
    }
    let (r, g, b) = if better { (46, 160, 67) } else { (215, 58, 73) };
    Some(format!("rgba({r},{g},{b},{alpha:.2})"))
}

/// The tenant's line: the agents' counts summed, and the means over the calls with an agent.
fn overall(agents: &[AgentPerformance], calls: &[Call]) -> AgentPerformance {
    let sum = |rate: fn(&AgentPerformance) -> &Rate| {
        let (count, of) = agents
            .iter()
            .map(rate)
            .fold((0, 0), |(c, o), r| (c + r.count, o + r.of));
        Rate::new(count, of)
    };
    let with_agent = || calls.iter().filter(|c| c.agent_id.is_some());
    let mean = |values: Vec<f64>| {
        (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
    };
    AgentPerformance {
        agent_id: "*".into(),
        calls: agents.iter().map(|a| a.calls).sum(),
        resolution: sum(|a| &a.resolution),
        escalation: sum(|a| &a.escalation),
        transfer: sum(|a| &a.transfer),
        mean_duration_s: mean(with_agent().filter_map(Call::duration_secs).collect()),
        mean_satisfaction: mean(with_agent().filter_map(|c| c.satisfaction).collect()),
    }
}

/// The columns of the `agents` table that the report reads.
struct AgentColumns<'a> {
    agent_id: &'a [Option<String>],
    calls: &'a [Option<i64>],
    with_outcome: &'a [Option<i64>],
    resolved: &'a [Option<i64>],
    escalated: &'a [Option<i64>],
    transferred: &'a [Option<i64>],
    mean_duration_s: &'a [Option<f64>],
    mean_satisfaction: &'a [Option<f64>],
}

impl<'a> AgentColumns<'a> {
    fn of(table: &'a Table) -> Result<Self> {
        let missing =
            |name: &str| Error::InvalidArgument(format!("the agents table has no {name}"));
        let column = |name: &str| {
            table
                .column(name)
                .map(|c| &c.values)
                .ok_or_else(|| missing(name))
        };
        let text = |name: &str| match column(name)? {
            ColumnValues::Text(values) => Ok(values.as_slice()),
            _ => Err(missing(name)),
        };
        let integer = |name: &str| match column(name)? {
            ColumnValues::Integer(values) => Ok(values.as_slice()),
            _ => Err(missing(name)),
        };
        let float = |name: &str| match column(name)? {
            ColumnValues::Float(values) => Ok(values.as_slice()),
            _ => Err(missing(name)),
        };
        Ok(Self {
            agent_id: text("agent_id")?,
            calls: integer("calls")?,
            with_outcome: integer("calls_with_outcome")?,
            resolved: integer("resolved_calls")?,
            escalated: integer("escalated_calls")?,
            transferred: integer("transferred_calls")?,
            mean_duration_s: float("mean_duration_s")?,
            mean_satisfaction: float("mean_satisfaction")?,
        })
    }

    fn agent(&self, row: usize) -> AgentPerformance {
        let n = |values: &[Option<i64>]| values[row].unwrap_or(0).max(0) as u64;
        let calls = n(self.calls);
        AgentPerformance {
            agent_id: self.agent_id[row].clone().unwrap_or_default(),
            calls,
            resolution: Rate::new(n(self.resolved), n(self.with_outcome)),
            escalation: Rate::new(n(self.escalated), calls),
            transfer: Rate::new(n(self.transferred), calls),
            mean_duration_s: self.mean_duration_s[row],
            mean_satisfaction: self.mean_satisfaction[row],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(id: &str, agent: Option<&str>, outcome: &str, escalated: bool) -> Call {
        let mut value = serde_json::json!({
            "id": id, "tenant": "t", "customer_id": "k", "channel": "voice", "direction": "inbound",
            "started_at": "2026-03-09T10:00:00Z", "ended_at": "2026-03-09T10:03:00Z",
            "outcome": outcome, "escalated": escalated,
        });
        if let Some(agent) = agent {
            value["agent_id"] = agent.into();
        }
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn agents_come_busiest_first_against_the_tenants_line() {
        let mut calls: Vec<Call> = (0..30)
            .map(|i| call(&format!("a{i}"), Some("ann"), "resolved", i < 3))
            .collect();
        calls.extend((0..25).map(|i| call(&format!("b{i}"), Some("bob"), "unresolved", i < 10)));
        calls.push(call("c0", Some("cy"), "resolved", false));
        calls.push(call("n0", None, "resolved", true));
        let section = AgentsSection::compute(&calls).unwrap().unwrap();
        let ids: Vec<&str> = section.agents.iter().map(|a| a.agent_id.as_str()).collect();
        assert_eq!(ids, ["ann", "bob", "cy"]);
        assert_eq!(
            section.overall.calls, 56,
            "the call without an agent is left out"
        );
        assert_eq!(section.overall.escalation, Rate::new(13, 56));
        assert_eq!(section.agents[1].resolution, Rate::new(0, 25));
        assert_eq!(section.agents[0].mean_duration_s, Some(180.0));

        let html = section.to_html();
        // ann resolves more and escalates less than the tenant: green; bob the opposite: red;
        // cy has one call: unshaded.
        let row = |agent: &str| {
            html.lines()
                .find(|line| line.starts_with(&format!("<tr><td>{agent}</td>")))
                .unwrap()
                .to_owned()
        };
        assert!(row("ann").contains("rgba(46,160,67"), "{}", row("ann"));
        assert!(row("bob").contains("rgba(215,58,73"), "{}", row("bob"));
        assert!(!row("cy").contains("rgba("), "{}", row("cy"));
        assert!(html.contains("<strong>all agents</strong>"));
    }

    #[test]
    fn no_agent_no_section() {
        let calls = vec![call("n0", None, "resolved", false)];
        assert_eq!(AgentsSection::compute(&calls).unwrap(), None);
        assert_eq!(AgentsSection::compute(&[]).unwrap(), None);
    }
}
