//! The report's customer-journeys section, per tenant with journey events: a
//! sankey of the main paths, the funnel of the most common converting path,
//! drop-off points, the attribution models side by side and a retention
//! heatmap of cohorts by first activity.
//!
//! Journeys are cut from the tenant's events by [`report_journey_config`]
//! (see [`crate::journey::split`]); activities are the events' actions,
//! attribution works on their channels.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::charts::{self, Bar};
use super::format::{count, escape, percent, truncate};
use super::{Rate, Report};
use crate::Result;
use crate::journey::attribution::{AttributionOptions, AttributionReport, PathData, attribute};
use crate::journey::cohort::{CohortBuilder, CohortTable, Period};
use crate::journey::map::{DurationStats, Edge, FunnelStep, Variant, funnel, journey_map};
use crate::journey::split::{JourneySlice, journey_log, split_journeys};
use crate::journey::tracker::{JourneyConfig, JourneyEnd};
use crate::model::JourneyEvent;

/// Step positions the sankey follows from each journey's start.
pub const SANKEY_STEPS: usize = 6;
/// Activities drawn per sankey step; rarer ones share one `(other)` node.
pub const SANKEY_NODES_PER_STEP: usize = 6;
/// Longest funnel, in stages.
const MAX_FUNNEL_STAGES: usize = 8;
/// Paths and drop-off points listed.
const MAX_LISTED: usize = 10;
/// Most edges of the directly-follows graph kept and drawn.
const MAX_GRAPH_EDGES: usize = 24;
/// Label of the sankey node gathering a step's rarer activities.
pub const OTHER_NODE: &str = "(other)";

/// How the report cuts journeys: conversion actions `purchase` and `upgrade_plan`, churn
/// actions `cancel` and `cancel_subscription`, and 30 days of inactivity (the defaults of
/// [`JourneyConfig`] plus the simulator's upgrade and cancellation actions).
pub fn report_journey_config() -> JourneyConfig {
    JourneyConfig {
        conversion_actions: vec!["purchase".into(), "upgrade_plan".into()],
        churn_actions: vec!["cancel".into(), "cancel_subscription".into()],
        ..JourneyConfig::default()
    }
}

/// The journey analysis of one tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantJourneys {
    /// Tenant id.
    pub tenant_id: String,
    /// Journey events in the period (repeated event ids counted once).
    pub events: u64,
    /// Journeys cut from them.
    pub journeys: u64,
    /// Journeys that ended in a conversion action.
    pub converted: Rate,
    /// Journeys that ended in a churn action.
    pub churned: Rate,
    /// Journey durations (first to last event), in seconds.
    pub durations: DurationStats,
    /// Flows of journeys through their first [`SANKEY_STEPS`] steps.
    pub sankey: Sankey,
    /// The most common paths (activities in order), most frequent first.
    pub top_paths: Vec<Variant>,
    /// The directly-follows graph's most frequent edges (an activity and the next one in the
    /// same journey), most first; drawn as a network.
    #[serde(default)]
    pub graph: Vec<Edge>,
    /// The funnel over the stages of the most common converting path (of the most common
    /// path when none converted); a journey reaches a stage after reaching the earlier ones.
    pub funnel: Vec<FunnelStep>,
    /// Where journeys that did not convert stopped: their last activity, most first.
    pub drop_offs: Vec<DropOff>,
    /// Every attribution model over the journeys' channel paths; `None` when it could not run.
    pub attribution: Option<AttributionReport>,
    /// Why `attribution` is absent.
    pub attribution_note: Option<String>,
    /// Customers by the period of their first event, followed period by period; `None` when
    /// it could not be built.
    pub retention: Option<CohortTable>,
    /// Why `retention` is absent (e.g. an event dated decades before the others).
    pub retention_note: Option<String>,
}

/// A sankey diagram's data: nodes per step position and flows between consecutive steps.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Sankey {
    /// Nodes ordered by step, then by journeys (most first, `(other)` last).
    pub nodes: Vec<SankeyNode>,
    /// Flows from a node of one step to a node of the next, by node index.
    pub links: Vec<SankeyLink>,
}

/// One activity at one step position.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SankeyNode {
    /// Step position, from 0 (the journey's first event).
    pub step: usize,
    /// The activity, or `(other)`.
    pub label: String,
    /// Journeys whose event at this step is this activity.
    pub journeys: u64,
    /// Of those, journeys that have no later event.
    pub exits: u64,
}

/// Journeys going from one node to a node of the next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SankeyLink {
    /// Index of the source node.
    pub source: usize,
    /// Index of the target node.
    pub target: usize,
    /// Journeys taking this flow.
    pub journeys: u64,
}

/// A point where journeys that did not convert stopped.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DropOff {
    /// The last activity of those journeys.
    pub activity: String,
    /// How many stopped there.
    pub journeys: u64,
    /// `journeys` among all journeys that did not convert.
    pub share: f64,
}

/// The journey analysis of a tenant's events; `None` when there are none.
pub fn tenant_journeys(tenant_id: &str, events: &[JourneyEvent]) -> Result<Option<TenantJourneys>> {
    if events.is_empty() {
        return Ok(None);
    }
    let config = report_journey_config();
    let journeys = split_journeys(events, &config);
    let log = journey_log(events, &journeys, |e| e.action.as_str());
    let map = journey_map(&log);
    let total = journeys.len() as u64;
    let converted = journeys.iter().filter(|j| j.converted()).count() as u64;
    let churned = journeys
        .iter()
        .filter(|j| j.end == Some(JourneyEnd::Churned))
        .count() as u64;

    let stages = funnel_stages(&map.variants, &config);
    let stage_refs: Vec<&str> = stages.iter().map(String::as_str).collect();
    let funnel = if stage_refs.is_empty() {
        Vec::new()
    } else {
        funnel(&log, &stage_refs)?
    };

    let (retention, retention_note) = match retention(events) {
        Ok(table) => (Some(table), None),
        Err(error) => (None, Some(error.to_string())),
    };
    let (attribution, attribution_note) = match PathData::from_journey_events(events, &config)
        .and_then(|data| {
            if data.total_conversions() == 0.0 {
                Err(crate::Error::InvalidArgument(
                    "no journey ended in a conversion action".into(),
                ))
            } else {
                attribute(&data, &AttributionOptions::default())
            }
        }) {
        Ok(report) => (Some(report), None),
        Err(error) => (None, Some(error.to_string())),
    };

    Ok(Some(TenantJourneys {
        tenant_id: tenant_id.to_owned(),
        events: log.len() as u64,
        journeys: total,
        converted: Rate::new(converted, total),
        churned: Rate::new(churned, total),
        durations: map.durations,
        sankey: sankey(events, &journeys),
        top_paths: map.variants.iter().take(MAX_LISTED).cloned().collect(),
        graph: map.edges.iter().take(MAX_GRAPH_EDGES).cloned().collect(),
        funnel,
        drop_offs: drop_offs(events, &journeys),
        attribution,
        attribution_note,
        retention,
        retention_note,
    }))
}

/// The distinct activities, in order, of the most common path ending in a conversion action
/// (of the most common path when none does); the first stages and the last when longer than
/// [`MAX_FUNNEL_STAGES`].
fn funnel_stages(variants: &[Variant], config: &JourneyConfig) -> Vec<String> {
    let chosen = variants
        .iter()
        .find(|v| {
            v.path
                .last()
                .is_some_and(|a| config.conversion_actions.contains(a))
        })
        .or_else(|| variants.first());
    let Some(variant) = chosen else {
        return Vec::new();
    };
    let mut stages: Vec<String> = Vec::new();
    for activity in &variant.path {
        if !stages.contains(activity) {
            stages.push(activity.clone());
        }
    }
    if stages.len() > MAX_FUNNEL_STAGES {
        let last = stages.pop().expect("longer than the maximum");
        stages.truncate(MAX_FUNNEL_STAGES - 1);
        stages.push(last);
    }
    stages
}

fn sankey(events: &[JourneyEvent], journeys: &[JourneySlice]) -> Sankey {
    // Activity counts per step, to pick each step's most frequent ones.
    let mut per_step: Vec<FxHashMap<&str, u64>> = vec![FxHashMap::default(); SANKEY_STEPS];
    for journey in journeys {
        for (step, &i) in journey.events.iter().take(SANKEY_STEPS).enumerate() {
            *per_step[step].entry(events[i].action.as_str()).or_default() += 1;
        }
    }
    let mut nodes = Vec::new();
    let mut index: Vec<FxHashMap<&str, usize>> = Vec::with_capacity(SANKEY_STEPS);
    let mut other: Vec<Option<usize>> = Vec::with_capacity(SANKEY_STEPS);
    for (step, counts) in per_step.iter().enumerate() {
        let mut ranked: Vec<(&str, u64)> = counts.iter().map(|(a, n)| (*a, *n)).collect();
        ranked.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        let mut step_index = FxHashMap::default();
        for &(activity, _) in ranked.iter().take(SANKEY_NODES_PER_STEP) {
            step_index.insert(activity, nodes.len());
            nodes.push(SankeyNode {
                step,
                label: activity.to_owned(),
                journeys: 0,
                exits: 0,
            });
        }
        let other_node = (ranked.len() > SANKEY_NODES_PER_STEP).then(|| {
            nodes.push(SankeyNode {
                step,
                label: OTHER_NODE.to_owned(),
                journeys: 0,
                exits: 0,
            });
            nodes.len() - 1
        });
        index.push(step_index);
        other.push(other_node);
    }
    let mut links: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for journey in journeys {
        let mut previous: Option<usize> = None;
        for (step, &i) in journey.events.iter().take(SANKEY_STEPS).enumerate() {
            let node = index[step]
                .get(events[i].action.as_str())
                .copied()
                .or(other[step])
                .expect("every activity of a step has a node");
            nodes[node].journeys += 1;
            if step + 1 == journey.events.len() {
                nodes[node].exits += 1;
            }
            if let Some(source) = previous {
                *links.entry((source, node)).or_default() += 1;
            }
            previous = Some(node);
        }
    }
    Sankey {
        nodes,
        links: links
            .into_iter()
            .map(|((source, target), journeys)| SankeyLink {
                source,
                target,
                journeys,
            })
            .collect(),
    }
}

fn drop_offs(events: &[JourneyEvent], journeys: &[JourneySlice]) -> Vec<DropOff> {
    let mut last: FxHashMap<&str, u64> = FxHashMap::default();
    let mut lost = 0u64;
    for journey in journeys.iter().filter(|j| !j.converted()) {
        let &i = journey.events.last().expect("journeys have events");
        *last.entry(events[i].action.as_str()).or_default() += 1;
        lost += 1;
    }
    let mut drops: Vec<DropOff> = last
        .into_iter()
        .map(|(activity, journeys)| DropOff {
            activity: activity.to_owned(),
            journeys,
            share: journeys as f64 / lost as f64,
        })
        .collect();
    drops.sort_by(|a, b| {
        b.journeys
            .cmp(&a.journeys)
            .then_with(|| a.activity.cmp(&b.activity))
    });
    drops.truncate(MAX_LISTED);
    drops
}

/// Cohorts of customers by the period of their first event: days when the events span at
/// most 31 days, weeks up to 26 weeks, months beyond.
fn retention(events: &[JourneyEvent]) -> Result<CohortTable> {
    let mut builder = CohortBuilder::new();
    for event in events {
        builder.push(
            &event.customer_id,
            event.timestamp,
            event.value.unwrap_or(0.0),
        )?;
    }
    let first = events.iter().map(|e| e.timestamp).min().expect("non-empty");
    let last = events.iter().map(|e| e.timestamp).max().expect("non-empty");
    let days = (last - first).num_days();
    let period = if days <= 31 {
        Period::Day
    } else if days <= 26 * 7 {
        Period::Week
    } else {
        Period::Month
    };
    builder.build(period, last)
}

/// The journeys section of the page; empty when no tenant has journey events.
pub(super) fn render(report: &Report) -> String {
    if report.journeys.is_empty() {
        return String::new();
    }
    let mut section = String::from(
        "<section class=\"scope\" id=\"journeys\">\n<h2>Customer journeys</h2>\n<p class=\"note\">\
         A customer's events form a journey until a conversion (purchase, upgrade_plan) or churn action \
         (cancel, cancel_subscription), or 30 days without events. Activities are the events' actions; \
         attribution credits their channels.</p>\n",
    );
    for tenant in &report.journeys {
        let name = report
            .tenants
            .iter()
            .find(|t| t.tenant_id == tenant.tenant_id)
            .map_or(tenant.tenant_id.as_str(), |t| t.display_name());
        section.push_str(&tenant_topic(name, tenant));
    }
    section.push_str("</section>\n");
    section
}

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn tenant_topic(name: &str, tenant: &TenantJourneys) -> String {
    let mut topic = format!(
        "<section class=\"topic\">\n<h3>{}</h3>\n<p class=\"note\">{} journeys from {} events; {} converted, {} churned; \
         median duration {}, 90th percentile {}.</p>\n",
        escape(name),
        count(tenant.journeys),
        count(tenant.events),
        percent(&tenant.converted),
        percent(&tenant.churned),
        escape(&super::format::duration(Some(tenant.durations.p50))),
        escape(&super::format::duration(Some(tenant.durations.p90))),
    );
    topic.push_str(&sankey_svg(
        &format!("Main paths: the first {SANKEY_STEPS} steps of every journey"),
        &tenant.sankey,
    ));
    topic.push_str(&network_svg(
        "Journey network: which activity follows which (the most frequent transitions)",
        &tenant.graph,
    ));
    let funnel_bars: Vec<Bar> = tenant
        .funnel
        .iter()
        .map(|step| Bar {
            label: step.stage.clone(),
            count: step.cases,
        })
        .collect();
    let mut funnel_rows = String::new();
    for step in &tenant.funnel {
        let _ = write!(
            funnel_rows,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&step.stage),
            count(step.cases),
            pct(step.conversion_from_previous),
            percent(&Rate::new(step.cases, tenant.journeys)),
        );
    }
    let mut drop_rows = String::new();
    for drop in &tenant.drop_offs {
        let _ = write!(
            drop_rows,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&drop.activity),
            count(drop.journeys),
            pct(drop.share),
        );
    }
    let _ = write!(
        topic,
        "<div class=\"grid\">\n<div>{}<div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Stage</th>\
         <th scope=\"col\" class=\"num\">Journeys</th><th scope=\"col\" class=\"num\">Of previous</th>\
         <th scope=\"col\" class=\"num\">Of all</th></tr></thead><tbody>{funnel_rows}</tbody></table></div></div>\n\
         <div><h4>Drop-off points</h4><p class=\"note\">Last activity of the journeys that did not convert.</p>\
         <div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Activity</th><th scope=\"col\" class=\"num\">Journeys</th>\
         <th scope=\"col\" class=\"num\">Share</th></tr></thead><tbody>{drop_rows}</tbody></table></div></div>\n</div>\n",
        charts::bar_chart(
            "Funnel of the most common converting path",
            "Journeys",
            "journeys",
            &funnel_bars
        ),
    );
    let mut path_rows = String::new();
    for variant in &tenant.top_paths {
        let _ = write!(
            path_rows,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&variant.path.join(" → ")),
            count(variant.count),
            pct(variant.share),
        );
    }
    let _ = writeln!(
        topic,
        "<h4>Most common paths</h4><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Path</th>\
         <th scope=\"col\" class=\"num\">Journeys</th><th scope=\"col\" class=\"num\">Share</th></tr></thead>\
         <tbody>{path_rows}</tbody></table></div>"
    );
    topic.push_str(&attribution_table(tenant));
    match &tenant.retention {
        Some(table) => topic.push_str(&retention_svg(table)),
        None => {
            let _ = writeln!(
                topic,
                "<h4>Retention</h4><p class=\"empty\">Not computed: {}.</p>",
                escape(tenant.retention_note.as_deref().unwrap_or("no data"))
            );
        }
    }
    topic.push_str("</section>\n");
    topic
}

fn attribution_table(tenant: &TenantJourneys) -> String {
    let Some(attribution) = &tenant.attribution else {
        return format!(
            "<h4>Attribution</h4><p class=\"empty\">Not computed: {}.</p>\n",
            escape(tenant.attribution_note.as_deref().unwrap_or("no data"))
        );
    };
    let model_name = |model: &str| match model {
        "first_touch" => "First touch".to_owned(),
        "last_touch" => "Last touch".to_owned(),
        "linear" => "Linear".to_owned(),
        "time_decay" => "Time decay".to_owned(),
        "position_based" => "Position based".to_owned(),
        "shapley" => "Shapley".to_owned(),
        other => other.strip_prefix("markov_").map_or_else(
            || other.to_owned(),
            |order| format!("Markov (order {order})"),
        ),
    };
    let mut head = String::from("<th scope=\"col\">Channel</th>");
    for model in &attribution.models {
        let _ = write!(
            head,
            "<th scope=\"col\" class=\"num\">{}</th>",
            escape(&model_name(&model.model))
        );
    }
    head.push_str("<th scope=\"col\" class=\"num\">Removal effect</th>");
    let mut rows = String::new();
    for (c, channel) in attribution.channels.iter().enumerate() {
        let _ = write!(rows, "<tr><th scope=\"row\">{}</th>", escape(channel));
        // A report edited by hand may have lists shorter than its channels: blank cells then.
        for model in &attribution.models {
            match model.conversions.get(c) {
                Some(conversions) => {
                    let _ = write!(rows, "<td class=\"num\">{conversions:.1}</td>");
                }
                None => rows.push_str("<td class=\"num\">–</td>"),
            }
        }
        let removal = attribution
            .removal_effects
            .get(c)
            .map_or("–".into(), |&e| pct(e));
        let _ = write!(rows, "<td class=\"num\">{removal}</td></tr>");
    }
    format!(
        "<h4>Attribution</h4><p class=\"note\">Conversions credited to each channel by each model \
         (time decay: half-life 2 touches; position based: 40/20/40; Markov: exact removal effects, order 1).</p>\
         <div class=\"table-wrap\"><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>\n"
    )
}

/// Draws a sankey: one column of nodes per step, node heights and flow widths by journeys.
fn sankey_svg(title: &str, sankey: &Sankey) -> String {
    const WIDTH: f64 = 960.0;
    const HEIGHT: f64 = 420.0;
    const TOP: f64 = 24.0;
    const BOTTOM: f64 = 12.0;
    const LEFT: f64 = 8.0;
    const LABEL_ROOM: f64 = 150.0;
    const NODE_W: f64 = 12.0;
    const GAP: f64 = 10.0;
    // A report edited by hand may hold nodes past the drawn steps or links to no node: those
    // are left out of the drawing.
    let steps = sankey
        .nodes
        .iter()
        .map(|n| n.step + 1)
        .filter(|&s| s <= SANKEY_STEPS)
        .max()
        .unwrap_or(0);
    if steps == 0 {
        return String::new();
    }
    let drawn = |node: usize| sankey.nodes.get(node).is_some_and(|n| n.step < steps);
    let column_total = |step: usize| -> u64 {
        sankey
            .nodes
            .iter()
            .filter(|n| n.step == step)
            .map(|n| n.journeys)
            .sum()
    };
    let most_nodes = (0..steps)
        .map(|s| sankey.nodes.iter().filter(|n| n.step == s).count())
        .max()
        .unwrap_or(1);
    let largest = (0..steps).map(column_total).max().unwrap_or(0).max(1);
    let scale = (HEIGHT - TOP - BOTTOM - GAP * (most_nodes as f64 - 1.0)) / largest as f64;
    let column_x = |step: usize| {
        if steps == 1 {
            LEFT
        } else {
            LEFT + (WIDTH - LEFT - LABEL_ROOM - NODE_W) * step as f64 / (steps - 1) as f64
        }
    };
    // Node tops, stacked per column in node order.
    let mut tops = vec![0.0; sankey.nodes.len()];
    let mut next_top = vec![TOP; steps];
    for (i, node) in sankey.nodes.iter().enumerate() {
        if node.step < steps {
            tops[i] = next_top[node.step];
            next_top[node.step] += node.journeys as f64 * scale + GAP;
        }
    }
    let mut svg = format!(
        r#"<figure class="chart"><figcaption>{title}</figcaption><svg viewBox="0 0 {WIDTH:.0} {HEIGHT:.0}" width="{WIDTH:.0}" height="{HEIGHT:.0}" role="img" aria-label="{title}">"#,
        title = escape(title)
    );
    for step in 0..steps {
        let _ = write!(
            svg,
            r#"<text class="axis-title" x="{:.1}" y="14">Step {}</text>"#,
            column_x(step),
            step + 1
        );
    }
    // Flows leave a node top to bottom in target order and enter in source order.
    let mut out_offset = vec![0.0; sankey.nodes.len()];
    let mut in_offset = vec![0.0; sankey.nodes.len()];
    let mut links: Vec<&SankeyLink> = sankey
        .links
        .iter()
        .filter(|l| drawn(l.source) && drawn(l.target))
        .collect();
    links.sort_by(|a, b| {
        tops[a.source]
            .total_cmp(&tops[b.source])
            .then(tops[a.target].total_cmp(&tops[b.target]))
    });
    for link in links {
        let (source, target) = (&sankey.nodes[link.source], &sankey.nodes[link.target]);
        let width = link.journeys as f64 * scale;
        let x0 = column_x(source.step) + NODE_W;
        let x1 = column_x(target.step);
        let y0 = tops[link.source] + out_offset[link.source];
        let y1 = tops[link.target] + in_offset[link.target];
        out_offset[link.source] += width;
        in_offset[link.target] += width;
        let xm = (x0 + x1) / 2.0;
        let _ = write!(
            svg,
            r##"<path d="M{x0:.1},{y0:.1} C{xm:.1},{y0:.1} {xm:.1},{y1:.1} {x1:.1},{y1:.1} L{x1:.1},{:.1} C{xm:.1},{:.1} {xm:.1},{:.1} {x0:.1},{:.1} Z" fill="#93c5fd" fill-opacity="0.55"><title>{} → {}: {} journeys</title></path>"##,
            y1 + width,
            y1 + width,
            y0 + width,
            y0 + width,
            escape(&source.label),
            escape(&target.label),
            count(link.journeys),
        );
    }
    for (i, node) in sankey.nodes.iter().enumerate() {
        if node.step >= steps {
            continue;
        }
        let x = column_x(node.step);
        let height = (node.journeys as f64 * scale).max(1.0);
        let _ = write!(
            svg,
            r##"<g><title>Step {}: {} — {} journeys, {} end here</title><rect x="{x:.1}" y="{:.1}" width="{NODE_W}" height="{height:.1}" fill="#1d4ed8"/><text class="label" x="{:.1}" y="{:.1}">{} <tspan class="muted">{}</tspan></text></g>"##,
            node.step + 1,
            escape(&node.label),
            count(node.journeys),
            count(node.exits),
            tops[i],
            x + NODE_W + 4.0,
            tops[i] + height / 2.0 + 4.0,
            escape(&truncate(&node.label, 18)),
            count(node.journeys),
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Draws the directly-follows graph as a network: activities on a circle, each sized by the
/// journeys through it, in the order [`circle_slots`] gives (few crossings of busy
/// transitions); one arrow per transition, as wide as its share of the busiest. Repeats of an
/// activity (an edge to itself) are left out of the drawing.
fn network_svg(title: &str, edges: &[Edge]) -> String {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 520.0;
    const RADIUS: f64 = 170.0;
    let edges: Vec<&Edge> = edges.iter().filter(|e| e.from != e.to).collect();
    if edges.is_empty() {
        return String::new();
    }
    let mut nodes: Vec<(&str, u64)> = Vec::new();
    let mut links = Vec::with_capacity(edges.len());
    for edge in &edges {
        let (from, to) = (
            node_index(&mut nodes, &edge.from),
            node_index(&mut nodes, &edge.to),
        );
        links.push((from, to, *edge));
    }
    // A node's weight: the journeys through it on the drawn edges (the larger of in and out).
    let mut inbound = vec![0u64; nodes.len()];
    let mut outbound = vec![0u64; nodes.len()];
    for (from, to, edge) in &links {
        outbound[*from] += edge.count;
        inbound[*to] += edge.count;
    }
    for (i, node) in nodes.iter_mut().enumerate() {
        node.1 = inbound[i].max(outbound[i]);
    }
    let heaviest = nodes.iter().map(|n| n.1).max().unwrap_or(1).max(1) as f64;
    let busiest = edges.iter().map(|e| e.count).max().unwrap_or(1).max(1) as f64;
    let chords: Vec<(usize, usize, u64)> =
        links.iter().map(|(f, t, e)| (*f, *t, e.count)).collect();
    let slots = circle_slots(nodes.len(), &chords);
    let (cx, cy) = (WIDTH / 2.0, HEIGHT / 2.0);
    let angle = |i: usize| {
        -std::f64::consts::FRAC_PI_2 + std::f64::consts::TAU * slots[i] as f64 / nodes.len() as f64
    };
    let position = |i: usize| (cx + RADIUS * angle(i).cos(), cy + RADIUS * angle(i).sin());
    let node_radius = |i: usize| 5.0 + 13.0 * (nodes[i].1 as f64 / heaviest).sqrt();

    let mut svg = format!(
        r#"<figure class="chart"><figcaption>{title}</figcaption><svg viewBox="0 0 {WIDTH:.0} {HEIGHT:.0}" width="{WIDTH:.0}" height="{HEIGHT:.0}" role="img" aria-label="{title}">"#,
        title = escape(title)
    );
    for (from, to, edge) in &links {
        let ((x0, y0), (x1, y1)) = (position(*from), position(*to));
        let (dx, dy) = (x1 - x0, y1 - y0);
        let length = dx.hypot(dy).max(1.0);
        let (ux, uy) = (dx / length, dy / length);
        // Bend to the right of the direction, so that A→B and B→A do not overlap.
        let (qx, qy) = (
            (x0 + x1) / 2.0 - uy * length * 0.15,
            (y0 + y1) / 2.0 + ux * length * 0.15,
        );
        let start = toward((x0, y0), (qx, qy), node_radius(*from));
        let tip = toward((x1, y1), (qx, qy), node_radius(*to) + 1.0);
        let width = 0.75 + 5.0 * edge.count as f64 / busiest;
        // The arrowhead points along the curve's last tangent, from the control point.
        let (tx, ty) = (tip.0 - qx, tip.1 - qy);
        let tangent = tx.hypot(ty).max(1.0);
        let (ax, ay) = (tx / tangent, ty / tangent);
        let head = 7.0 + width;
        let (bx, by) = (tip.0 - ax * head, tip.1 - ay * head);
        let (px, py) = (-ay * head * 0.45, ax * head * 0.45);
        let _ = write!(
            svg,
            r##"<g><title>{} → {}: {} journeys, median {} between them</title><path d="M{:.1},{:.1} Q{qx:.1},{qy:.1} {bx:.1},{by:.1}" fill="none" stroke="#60a5fa" stroke-opacity="0.75" stroke-width="{width:.1}"/><polygon points="{:.1},{:.1} {:.1},{:.1} {:.1},{:.1}" fill="#3b82f6"/></g>"##,
            escape(&edge.from),
            escape(&edge.to),
            count(edge.count),
            escape(&super::format::duration(Some(edge.median_seconds))),
            start.0,
            start.1,
            tip.0,
            tip.1,
            bx + px,
            by + py,
            bx - px,
            by - py,
        );
    }
    for (i, (name, weight)) in nodes.iter().enumerate() {
        let (x, y) = position(i);
        let r = node_radius(i);
        let (cos, sin) = (angle(i).cos(), angle(i).sin());
        let anchor = if cos > 0.2 {
            "start"
        } else if cos < -0.2 {
            "end"
        } else {
            "middle"
        };
        let (lx, ly) = (x + (r + 6.0) * cos, y + (r + 6.0) * sin + 4.0 + 8.0 * sin);
        let _ = write!(
            svg,
            r##"<g><title>{}: {} journeys on these transitions</title><circle class="bar" cx="{x:.1}" cy="{y:.1}" r="{r:.1}"/><text class="label" x="{lx:.1}" y="{ly:.1}" text-anchor="{anchor}">{}</text></g>"##,
            escape(name),
            count(*weight),
            escape(&truncate(name, 18)),
        );
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Passes of [`circle_slots`]' search at most.
const MAX_ORDERING_PASSES: usize = 20;

/// The slot on the circle of each of `n` nodes, for drawing the chords `(from, to, journeys)`
/// with few crossings: starting from the nodes' order, two nodes swap slots whenever that
/// lowers [`crossing_weight`], pass after pass until no swap does (at most
/// [`MAX_ORDERING_PASSES`]). Node 0 (the busiest transition's start) stays on top.
fn circle_slots(n: usize, chords: &[(usize, usize, u64)]) -> Vec<usize> {
    let mut slots: Vec<usize> = (0..n).collect();
    let mut best = crossing_weight(&slots, chords);
    for _ in 0..MAX_ORDERING_PASSES {
        let mut improved = false;
        for a in 1..n {
            for b in a + 1..n {
                slots.swap(a, b);
                let weight = crossing_weight(&slots, chords);
                if weight < best {
                    best = weight;
                    improved = true;
                } else {
                    slots.swap(a, b);
                }
            }
        }
        if !improved || best == 0 {
            break;
        }
    }
    slots
}

/// How much the chords cross with the nodes in `slots`: the sum over pairs of chords whose ends
/// interleave around the circle (sharing no node) of the product of their journeys.
fn crossing_weight(slots: &[usize], chords: &[(usize, usize, u64)]) -> u128 {
    let mut total = 0u128;
    for (i, &(a, b, weight)) in chords.iter().enumerate() {
        let (low, high) = (slots[a].min(slots[b]), slots[a].max(slots[b]));
        let inside = |slot: usize| low < slot && slot < high;
        for &(c, d, other) in &chords[i + 1..] {
            let (c, d) = (slots[c], slots[d]);
            let shares_a_node = [c, d].iter().any(|s| *s == low || *s == high);
            if !shares_a_node && inside(c) != inside(d) {
                total += u128::from(weight) * u128::from(other);
            }
        }
    }
    total
}

/// The index of node `name`, added with no weight when new.
fn node_index<'a>(nodes: &mut Vec<(&'a str, u64)>, name: &'a str) -> usize {
    match nodes.iter().position(|(n, _)| *n == name) {
        Some(index) => index,
        None => {
            nodes.push((name, 0));
            nodes.len() - 1
        }
    }
}

/// The point `distance` from `from` toward `to`.
fn toward(from: (f64, f64), to: (f64, f64), distance: f64) -> (f64, f64) {
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    let length = dx.hypot(dy).max(f64::MIN_POSITIVE);
    (
        from.0 + dx / length * distance,
        from.1 + dy / length * distance,
    )
}

/// Draws the retention matrix: one row per cohort, one column per period since its start,
/// shaded by the share of the cohort active.
fn retention_svg(table: &CohortTable) -> String {
    const CELL_W: f64 = 44.0;
    const CELL_H: f64 = 22.0;
    const LEFT: f64 = 150.0;
    const TOP: f64 = 34.0;
    let unit = match table.period {
        Period::Day => "day",
        Period::Week => "week",
        Period::Month => "month",
    };
    let columns = table
        .cohorts
        .iter()
        .map(|c| c.retention.len())
        .max()
        .unwrap_or(0);
    if columns == 0 {
        return String::new();
    }
    let width = LEFT + CELL_W * columns as f64 + 8.0;
    let height = TOP + CELL_H * table.cohorts.len() as f64 + 8.0;
    let title = format!(
        "Retention: share of each cohort (customers by {unit} of first event) active {unit}s later"
    );
    let mut svg = format!(
        r#"<figure class="chart"><figcaption>{title}</figcaption><svg viewBox="0 0 {width:.0} {height:.0}" width="{width:.0}" height="{height:.0}" role="img" aria-label="{title}">"#,
        title = escape(&title)
    );
    let _ = write!(
        svg,
        r#"<text class="axis-title" x="{:.1}" y="12" text-anchor="middle">{unit}s since the cohort's first {unit}</text>"#,
        LEFT + CELL_W * columns as f64 / 2.0
    );
    for k in 0..columns {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">{k}</text>"#,
            LEFT + CELL_W * (k as f64 + 0.5),
            TOP - 6.0
        );
    }
    for (row, cohort) in table.cohorts.iter().enumerate() {
        let y = TOP + CELL_H * row as f64;
        let _ = write!(
            svg,
            r#"<text class="label" x="{:.1}" y="{:.1}" text-anchor="end">{} <tspan class="muted">({})</tspan></text>"#,
            LEFT - 6.0,
            y + CELL_H / 2.0 + 4.0,
            escape(&cohort.label),
            count(cohort.size)
        );
        for (k, (&share, &active)) in cohort.retention.iter().zip(&cohort.active).enumerate() {
            let x = LEFT + CELL_W * k as f64;
            let _ = write!(
                svg,
                r#"<g><title>{}: {} of {} active in {unit} {k} ({})</title><rect x="{x:.1}" y="{y:.1}" width="{:.1}" height="{:.1}" fill="{}"/><text class="{}" x="{:.1}" y="{:.1}" text-anchor="middle">{:.0}%</text></g>"#,
                escape(&cohort.label),
                count(active),
                count(cohort.size),
                pct(share),
                CELL_W - 2.0,
                CELL_H - 2.0,
                share_colour(share),
                if share > 0.5 {
                    "cell-dark"
                } else {
                    "cell-light"
                },
                x + (CELL_W - 2.0) / 2.0,
                y + CELL_H / 2.0 + 3.0,
                share * 100.0
            );
        }
    }
    svg.push_str("</svg></figure>");
    svg
}

/// Light to dark blue for a share in [0, 1].
fn share_colour(share: f64) -> String {
    let share = share.clamp(0.0, 1.0);
    let mix = |light: f64, dark: f64| (light + (dark - light) * share).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(239.0, 30.0),
        mix(246.0, 58.0),
        mix(255.0, 138.0)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone, Utc};

    fn event(id: usize, customer: &str, channel: &str, action: &str, hours: i64) -> JourneyEvent {
        JourneyEvent {
            id: format!("e{id}"),
            tenant: "t".into(),
            customer_id: customer.into(),
            channel: channel.into(),
            action: action.into(),
            timestamp: Utc.with_ymd_and_hms(2026, 1, 5, 8, 0, 0).unwrap() + Duration::hours(hours),
            value: (action == "purchase").then_some(10.0),
            sentiment: None,
            attributes: Default::default(),
        }
    }

    fn events() -> Vec<JourneyEvent> {
        let mut events = Vec::new();
        for c in 0..6 {
            let customer = format!("c{c}");
            let n = events.len();
            events.push(event(n, &customer, "web", "visit", 0));
            events.push(event(n + 1, &customer, "web", "pricing", 1));
            if c < 4 {
                events.push(event(n + 2, &customer, "email", "purchase", 2 + 24 * c));
            } else {
                events.push(event(n + 2, &customer, "voice", "call_support", 3));
            }
        }
        events
    }

    #[test]
    fn sections_add_up() {
        let summary = tenant_journeys("t", &events()).unwrap().unwrap();
        assert_eq!((summary.events, summary.journeys), (18, 6));
        assert_eq!(summary.converted.count, 4);
        assert_eq!(summary.top_paths[0].path, ["visit", "pricing", "purchase"]);
        let stages: Vec<(&str, u64)> = summary
            .funnel
            .iter()
            .map(|s| (s.stage.as_str(), s.cases))
            .collect();
        assert_eq!(stages, [("visit", 6), ("pricing", 6), ("purchase", 4)]);
        assert_eq!(summary.drop_offs.len(), 1);
        assert_eq!(
            (
                summary.drop_offs[0].activity.as_str(),
                summary.drop_offs[0].journeys
            ),
            ("call_support", 2)
        );
        // Sankey: 3 steps, flows conserve journeys.
        let nodes = &summary.sankey.nodes;
        assert_eq!(nodes.iter().filter(|n| n.step == 0).count(), 1);
        assert_eq!(nodes.iter().filter(|n| n.step == 2).count(), 2);
        let into_step_2: u64 = summary
            .sankey
            .links
            .iter()
            .filter(|l| nodes[l.target].step == 2)
            .map(|l| l.journeys)
            .sum();
        assert_eq!(into_step_2, 6);
        assert_eq!(nodes.iter().map(|n| n.exits).sum::<u64>(), 6);
        let attribution = summary.attribution.unwrap();
        let email = attribution
            .channels
            .iter()
            .position(|c| c == "email")
            .unwrap();
        assert_eq!(attribution.models[1].model, "last_touch");
        assert_eq!(attribution.models[1].conversions[email], 4.0);
        // Daily cohorts: all six customers start on day 0; three purchases come on later days.
        let retention = summary.retention.as_ref().unwrap();
        let cohort = &retention.cohorts[0];
        assert_eq!(retention.period, Period::Day);
        assert_eq!((cohort.size, cohort.active[0]), (6, 6));
        assert_eq!(cohort.active[1..], [1, 1, 1]);
    }

    #[test]
    fn a_stray_ancient_event_drops_retention_only() {
        let mut events = events();
        events[0].timestamp = "0001-01-01T00:00:00Z".parse().unwrap();
        let summary = tenant_journeys("t", &events).unwrap().unwrap();
        assert!(summary.retention.is_none());
        let note = summary.retention_note.as_deref().unwrap();
        assert!(note.contains("over the limit of 10000"), "{note}");
        assert!(tenant_topic("t", &summary).contains("Not computed: "));
    }

    #[test]
    fn a_hand_edited_section_with_bad_indexes_still_renders() {
        let mut summary = tenant_journeys("t", &events()).unwrap().unwrap();
        summary.sankey.links.push(SankeyLink {
            source: 1_000_000,
            target: 0,
            journeys: 1,
        });
        summary.sankey.nodes[0].step = 1 << 40;
        let attribution = summary.attribution.as_mut().unwrap();
        attribution.removal_effects.clear();
        attribution.models[0].conversions.clear();
        let topic = tenant_topic("t", &summary);
        assert!(topic.contains("<svg") && topic.contains("<td class=\"num\">–</td>"));
    }

    #[test]
    fn many_activities_share_an_other_node_and_no_conversion_is_explained() {
        let events: Vec<JourneyEvent> = (0..10)
            .map(|i| event(i, &format!("c{i}"), "web", &format!("action{i}"), 0))
            .collect();
        let summary = tenant_journeys("t", &events).unwrap().unwrap();
        let first_step: Vec<&str> = summary
            .sankey
            .nodes
            .iter()
            .map(|n| n.label.as_str())
            .collect();
        assert_eq!(first_step.len(), SANKEY_NODES_PER_STEP + 1);
        assert_eq!(first_step.last(), Some(&OTHER_NODE));
        assert_eq!(summary.sankey.nodes.last().unwrap().journeys, 4);
        assert!(summary.attribution.is_none());
        assert!(summary.attribution_note.unwrap().contains("conversion"));
        assert!(tenant_journeys("t", &[]).unwrap().is_none());
    }

    #[test]
    fn svg_escapes_labels_and_shows_every_node() {
        let mut events = events();
        events[0].action = "<b>".into();
        let summary = tenant_journeys("t", &events).unwrap().unwrap();
        let svg = sankey_svg("main", &summary.sankey);
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert_eq!(svg.matches("<rect").count(), summary.sankey.nodes.len());
        let heat = retention_svg(summary.retention.as_ref().unwrap());
        assert!(heat.contains("100%"));
    }

    #[test]
    fn the_network_draws_every_transition_but_repeats() {
        let mut events = events();
        events[0].action = "<b>".into();
        let summary = tenant_journeys("t", &events).unwrap().unwrap();
        // The kept edges are the map's most frequent ones.
        let map = journey_map(&journey_log(
            &events,
            &split_journeys(&events, &report_journey_config()),
            |e| e.action.as_str(),
        ));
        let expected: Vec<Edge> = map.edges.iter().take(MAX_GRAPH_EDGES).cloned().collect();
        assert_eq!(summary.graph, expected);
        let drawn: Vec<&Edge> = summary.graph.iter().filter(|e| e.from != e.to).collect();
        assert!(!drawn.is_empty());
        let svg = network_svg("net", &summary.graph);
        assert_eq!(svg.matches("<polygon").count(), drawn.len());
        let mut activities: Vec<&str> = drawn
            .iter()
            .flat_map(|e| [e.from.as_str(), e.to.as_str()])
            .collect();
        activities.sort_unstable();
        activities.dedup();
        assert_eq!(svg.matches("<circle").count(), activities.len());
        assert!(svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        assert!(!svg.contains("NaN"));
        // Only repeats: nothing to draw.
        let repeat = Edge {
            from: "a".into(),
            to: "a".into(),
            count: 3,
            median_seconds: 1.0,
        };
        assert_eq!(network_svg("net", &[repeat]), "");
    }

    /// In the order of first appearance, a→c and b→d cross; after the search no transition
    /// crosses another, node 0 is still on top and each node has a slot of its own.
    #[test]
    fn the_network_orders_activities_so_that_busy_transitions_do_not_cross() {
        let (a, b, c, d) = (0, 1, 2, 3);
        let chords = [(a, c, 50), (b, d, 40), (a, b, 5), (c, d, 5)];
        let first_seen: Vec<usize> = (0..4).collect();
        assert_eq!(crossing_weight(&first_seen, &chords), 50 * 40);
        let slots = circle_slots(4, &chords);
        assert_eq!(crossing_weight(&slots, &chords), 0);
        assert_eq!(slots[a], 0);
        let mut sorted = slots.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, first_seen);
        // A chord shares its ends with chords from the same node: no crossing.
        assert_eq!(
            crossing_weight(&first_seen, &[(a, c, 1), (a, b, 1), (c, a, 1)]),
            0
        );
        // K4 drawn on a circle must cross once: the search keeps the lightest crossing.
        let complete = [
            (a, b, 9),
            (b, c, 9),
            (c, d, 9),
            (d, a, 9),
            (a, c, 1),
            (b, d, 2),
        ];
        assert_eq!(crossing_weight(&circle_slots(4, &complete), &complete), 2);
    }
}
