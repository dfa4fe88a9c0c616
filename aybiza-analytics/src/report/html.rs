//! The report as one self-contained HTML page: inline CSS and inline SVG, no
//! scripts, fonts or other files, so it opens offline and can be mailed as is.
//!
//! The page is a header, a tenant index, the overall scope and one section per
//! tenant. Every scope shows KPI cards and then the topics in [`TOPICS`]; a new
//! analysis adds one entry there with its render function.

use std::fmt::Write as _;

use chrono::{Datelike, NaiveDate};

use super::charts::{self, Bar, HeatCell, Heatmap, LineChart, LinePoint};
use super::format::{count, decimal, duration, escape, instant, percent};
use super::{LabeledCount, Rate, Report, ScopeMetrics, TenantReport, TimezoneSource};

/// Most rows a table of labeled counts lists; the rest are summed in a final row.
const MAX_TABLE_ROWS: usize = 25;
/// Most bars a bar chart shows.
const MAX_BARS: usize = 12;

const WEEKDAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
const WEEKDAY_NAMES: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

/// One topic of a scope: a titled section rendered from the scope's metrics.
struct Topic {
    /// Section heading.
    title: &'static str,
    /// Whether the topic is left out when the scope has no calls.
    needs_calls: bool,
    /// Renders the section body.
    render: fn(&ScopeMetrics) -> String,
}

/// The topics of every scope, in page order.
const TOPICS: &[Topic] = &[
    Topic {
        title: "Calls",
        needs_calls: true,
        render: calls_topic,
    },
    Topic {
        title: "Volume",
        needs_calls: true,
        render: volume_topic,
    },
    Topic {
        title: "Customers and conversations",
        needs_calls: true,
        render: customers_topic,
    },
    Topic {
        title: "Journeys and metrics",
        needs_calls: false,
        render: activity_topic,
    },
];

/// Renders the report as a complete HTML document.
pub fn render_html(report: &Report) -> String {
    let mut page = String::with_capacity(64 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Analysis report · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&period_text(report))
    );
    page.push_str(&header(report));
    page.push_str("<main>\n");
    page.push_str(&tenant_index(report));
    page.push_str(&overall_section(report));
    page.push_str(&super::sentiment::render(report.sentiment.as_ref()));
    for (index, tenant) in report.tenants.iter().enumerate() {
        page.push_str(&tenant_section(index, tenant));
    }
    page.push_str(&super::journeys::render(report));
    if let Some(section) = &report.forecast {
        page.push_str(&super::forecast::render(section));
    }
    page.push_str(&definitions());
    page.push_str("</main>\n</body>\n</html>\n");
    page
}

fn period_text(report: &Report) -> String {
    match (report.period.start, report.period.end) {
        (None, None) => "all records".to_owned(),
        (Some(start), None) => format!("from {}", instant(start)),
        (None, Some(end)) => format!("until {}", instant(end)),
        (Some(start), Some(end)) => format!("{} – {}", instant(start), instant(end)),
    }
}

fn header(report: &Report) -> String {
    let overall = &report.overall.metrics;
    let calls_span = match (report.period.first_call_at, report.period.last_call_at) {
        (Some(first), Some(last)) => format!(
            "Calls from {} to {}.",
            escape(&instant(first)),
            escape(&instant(last))
        ),
        _ => "No calls in this period.".to_owned(),
    };
    format!(
        "<header class=\"page-header\">\n<div class=\"wrap\">\n<h1>Contact-center analysis report</h1>\n\
         <p class=\"period\">Period: <strong>{period}</strong>. {calls_span}</p>\n\
         <dl class=\"totals\">{tenants}{calls}{customers}{utterances}</dl>\n\
         <p class=\"generated\">Generated {generated} by aybiza-analytics {version}.</p>\n</div>\n</header>\n",
        period = escape(&period_text(report)),
        tenants = total("Tenants", count(report.overall.tenants)),
        calls = total("Calls", count(overall.calls.total)),
        customers = total("Customers", count(overall.customers.customers)),
        utterances = total("Utterances", count(overall.conversation.utterances)),
        generated = escape(&instant(report.generated_at)),
        version = env!("CARGO_PKG_VERSION"),
    )
}

fn total(label: &str, value: String) -> String {
    format!("<div><dt>{label}</dt><dd>{value}</dd></div>")
}

fn tenant_anchor(index: usize) -> String {
    format!("tenant-{index}")
}

fn tenant_index(report: &Report) -> String {
    let mut nav = String::from(
        "<nav class=\"index\" aria-label=\"Report sections\">\n<a href=\"#overall\">All tenants</a>",
    );
    for (index, tenant) in report.tenants.iter().enumerate() {
        let _ = write!(
            nav,
            "<a href=\"#{}\">{} <span class=\"muted\">{}</span></a>",
            tenant_anchor(index),
            escape(tenant.display_name()),
            count(tenant.metrics.calls.total)
        );
    }
    nav.push_str("<a href=\"#definitions\">Definitions</a>\n</nav>\n");
    nav
}

fn overall_section(report: &Report) -> String {
    let overall = &report.overall;
    let mut section = format!(
        "<section class=\"scope\" id=\"overall\">\n<h2>All tenants</h2>\n<p class=\"note\">{} of {} tenants had calls in this period. \
         Hour, weekday and daily views of all tenants together are in UTC.</p>\n",
        count(overall.tenants_with_calls),
        count(overall.tenants)
    );
    if report.tenants.is_empty() {
        section.push_str("<p class=\"empty\">The store holds no tenants.</p>\n</section>\n");
        return section;
    }
    section.push_str(&scope_body(
        &overall.metrics,
        Some(comparison_topic(&report.tenants)),
    ));
    section.push_str("</section>\n");
    section
}

fn tenant_section(index: usize, tenant: &TenantReport) -> String {
    let id_note = if tenant.name.is_some() {
        format!(
            " <span class=\"tenant-id\">{}</span>",
            escape(&tenant.tenant_id)
        )
    } else {
        String::new()
    };
    format!(
        "<section class=\"scope\" id=\"{anchor}\">\n<h2>{name}{id_note}</h2>\n<p class=\"note\">{zone}</p>\n{body}</section>\n",
        anchor = tenant_anchor(index),
        name = escape(tenant.display_name()),
        zone = timezone_note(&tenant.metrics),
        body = scope_body(&tenant.metrics, None)
            + &tenant
                .insights
                .as_ref()
                .map(|i| i.to_html())
                .unwrap_or_default()
            + &tenant
                .agents
                .as_ref()
                .map(|a| a.to_html())
                .unwrap_or_default()
            + &tenant
                .patterns
                .as_ref()
                .map(|p| p.to_html())
                .unwrap_or_default(),
    )
}

fn timezone_note(metrics: &ScopeMetrics) -> String {
    let zone = &metrics.volume.timezone;
    match zone.source {
        TimezoneSource::Tenant => format!(
            "Hour, weekday and daily views are in the tenant's time zone, <strong>{}</strong>.",
            escape(&zone.name)
        ),
        TimezoneSource::UtcDefault => {
            "Hour, weekday and daily views are in <strong>UTC</strong>: the tenant has no time zone on record.".to_owned()
        }
        TimezoneSource::UtcFallback => format!(
            "Hour, weekday and daily views are in <strong>UTC</strong>: the tenant's time zone “{}” is not a known IANA name.",
            escape(zone.unrecognized.as_deref().unwrap_or(""))
        ),
        TimezoneSource::UtcOverall => {
            "Hour, weekday and daily views are in <strong>UTC</strong>.".to_owned()
        }
    }
}

/// KPI cards, the scope's own `lead` section if any, and every topic of one scope.
fn scope_body(metrics: &ScopeMetrics, lead: Option<String>) -> String {
    let has_calls = metrics.calls.total > 0;
    let mut body = if has_calls {
        kpi_cards(metrics)
    } else {
        "<p class=\"empty\">No calls in this period.</p>\n".to_owned()
    };
    body.push_str(&lead.unwrap_or_default());
    for topic in TOPICS.iter().filter(|t| has_calls || !t.needs_calls) {
        let _ = write!(
            body,
            "<section class=\"topic\">\n<h3>{}</h3>\n{}</section>\n",
            topic.title,
            (topic.render)(metrics)
        );
    }
    body
}

fn kpi_cards(metrics: &ScopeMetrics) -> String {
    let calls = &metrics.calls;
    let direction = |label: &str| {
        calls
            .by_direction
            .iter()
            .find(|d| d.label == label)
            .map_or(0, |d| d.count)
    };
    let cards = [
        card(
            "Calls",
            count(calls.total),
            format!(
                "{} inbound · {} outbound",
                count(direction("inbound")),
                count(direction("outbound"))
            ),
        ),
        card(
            "Average handle time",
            duration(calls.handle_time.mean_secs),
            format!(
                "median {} · {} ended calls",
                duration(calls.handle_time.median_secs),
                count(calls.handle_time.calls)
            ),
        ),
        rate_card("Resolution rate", &calls.resolution_rate, "with an outcome"),
        rate_card("Escalation rate", &calls.escalation_rate, "calls"),
        rate_card("Transfer rate", &calls.transfer_rate, "calls"),
        rate_card(
            "Abandonment rate",
            &calls.abandonment_rate,
            "with an outcome",
        ),
        card(
            "Satisfaction",
            calls
                .satisfaction
                .mean
                .map_or_else(|| "–".to_owned(), |m| format!("{m:.2} / 5")),
            format!("{} surveyed calls", count(calls.satisfaction.surveyed)),
        ),
        card(
            "Customers",
            count(metrics.customers.customers),
            format!(
                "{} repeat callers ({})",
                count(metrics.customers.repeat_callers.count),
                percent(&metrics.customers.repeat_callers)
            ),
        ),
    ];
    format!("<div class=\"cards\">{}</div>\n", cards.concat())
}

fn card(label: &str, value: String, detail: String) -> String {
    format!(
        "<div class=\"card\"><div class=\"card-label\">{label}</div><div class=\"card-value\">{value}</div><div class=\"card-detail\">{detail}</div></div>"
    )
}

fn rate_card(label: &str, rate: &Rate, denominator: &str) -> String {
    card(
        label,
        percent(rate),
        format!("{} of {} {denominator}", count(rate.count), count(rate.of)),
    )
}

/// Per-tenant comparison table and calls-per-tenant chart, for the overall scope.
fn comparison_topic(tenants: &[TenantReport]) -> String {
    let mut rows = String::new();
    for (index, tenant) in tenants.iter().enumerate() {
        let m = &tenant.metrics;
        let _ = write!(
            rows,
            "<tr><td><a href=\"#{}\">{}</a></td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            tenant_anchor(index),
            escape(tenant.display_name()),
            escape(&m.volume.timezone.name),
            count(m.calls.total),
            count(m.customers.customers),
            duration(m.calls.handle_time.mean_secs),
            percent(&m.calls.resolution_rate),
            percent(&m.calls.escalation_rate),
            percent(&m.calls.transfer_rate),
            percent(&m.calls.abandonment_rate),
            decimal(m.calls.satisfaction.mean, 2),
        );
    }
    let mut topic = format!(
        "<section class=\"topic\">\n<h3>Tenants</h3>\n<div class=\"table-wrap\"><table>\
         <thead><tr><th scope=\"col\">Tenant</th><th scope=\"col\">Time zone</th><th scope=\"col\" class=\"num\">Calls</th>\
         <th scope=\"col\" class=\"num\">Customers</th><th scope=\"col\" class=\"num\">Avg handle</th>\
         <th scope=\"col\" class=\"num\">Resolution</th><th scope=\"col\" class=\"num\">Escalation</th>\
         <th scope=\"col\" class=\"num\">Transfer</th><th scope=\"col\" class=\"num\">Abandonment</th>\
         <th scope=\"col\" class=\"num\">Satisfaction</th></tr></thead><tbody>{rows}</tbody></table></div>\n"
    );
    if tenants.len() > 1 {
        let mut ranked: Vec<&TenantReport> = tenants.iter().collect();
        ranked.sort_by_key(|t| std::cmp::Reverse(t.metrics.calls.total));
        let bars: Vec<Bar> = ranked
            .iter()
            .take(MAX_BARS)
            .map(|t| Bar {
                label: t.display_name().to_owned(),
                count: t.metrics.calls.total,
            })
            .collect();
        topic.push_str(&charts::bar_chart(
            &top_title("Calls per tenant", tenants.len()),
            "Calls",
            "calls",
            &bars,
        ));
    }
    topic.push_str("</section>\n");
    topic
}

fn calls_topic(metrics: &ScopeMetrics) -> String {
    let calls = &metrics.calls;
    let outcomes = humanized(&calls.by_outcome);
    let mut topic = String::from("<div class=\"grid\">\n<div>");
    topic.push_str(&charts::bar_chart(
        "Calls by outcome",
        "Calls",
        "calls",
        &bars(&outcomes, MAX_BARS),
    ));
    topic.push_str(&count_table(
        "Outcome",
        "Calls",
        &outcomes,
        calls.total,
        Some(("No outcome recorded", calls.without_outcome)),
    ));
    topic.push_str("</div>\n<div>");
    let channels = humanized(&calls.by_channel);
    let directions = humanized(&calls.by_direction);
    topic.push_str(&count_table(
        "Channel",
        "Calls",
        &channels,
        calls.total,
        None,
    ));
    topic.push_str(&count_table(
        "Direction",
        "Calls",
        &directions,
        calls.total,
        None,
    ));
    topic.push_str("</div>\n</div>\n");

    topic.push_str("<h4>Queues</h4>\n");
    if calls.by_queue.is_empty() {
        topic.push_str("<p class=\"empty\">No call was routed to a queue.</p>\n");
        return topic;
    }
    let _ = write!(
        topic,
        "<div class=\"grid\">\n<div>{}</div>\n<div>{}</div>\n</div>\n",
        charts::bar_chart(
            &top_title("Calls by queue", calls.by_queue.len()),
            "Calls",
            "calls",
            &bars(&calls.by_queue, MAX_BARS),
        ),
        count_table(
            "Queue",
            "Calls",
            &calls.by_queue,
            calls.total,
            Some(("No queue", calls.without_queue)),
        )
    );
    topic
}

fn volume_topic(metrics: &ScopeMetrics) -> String {
    let volume = &metrics.volume;
    let mut topic = String::new();
    let daily = &volume.daily;
    if let (Some(first), Some(last)) = (daily.first(), daily.last()) {
        let x_of = |date: NaiveDate| (date - first.date).num_days() as f64;
        let points: Vec<LinePoint> = daily
            .iter()
            .map(|d| LinePoint {
                x: x_of(d.date),
                count: d.calls,
                tooltip: format!(
                    "{} {}: {} calls",
                    WEEKDAYS[d.date.weekday().num_days_from_monday() as usize],
                    d.date,
                    count(d.calls)
                ),
            })
            .collect();
        let long_span = (last.date - first.date).num_days() > 300;
        let tick_count = daily.len().min(7);
        let x_ticks: Vec<(f64, String)> = (0..tick_count)
            .map(|i| {
                let index = if tick_count > 1 {
                    i * (daily.len() - 1) / (tick_count - 1)
                } else {
                    0
                };
                let date = daily[index].date;
                let label = if long_span {
                    date.format("%Y-%m-%d").to_string()
                } else {
                    date.format("%d %b").to_string()
                };
                (x_of(date), label)
            })
            .collect();
        topic.push_str(&charts::line_chart(&LineChart {
            title: &format!("Calls per day ({})", volume.timezone.name),
            x_axis: &format!("Date ({})", volume.timezone.name),
            y_axis: "Calls",
            points: &points,
            x_ticks: &x_ticks,
        }));
        if !volume.daily_gaps_filled {
            topic.push_str(
                "<p class=\"note\">The period is too long to list every day; only days with calls are plotted.</p>\n",
            );
        }
    }

    let hours: Vec<String> = (0..24).map(|h| format!("{h:02}")).collect();
    let cells: Vec<Vec<HeatCell>> = volume
        .by_weekday_hour
        .iter()
        .enumerate()
        .map(|(day, row)| {
            row.iter()
                .enumerate()
                .map(|(hour, &n)| HeatCell {
                    count: n,
                    tooltip: format!(
                        "{} {hour:02}:00–{hour:02}:59: {} calls",
                        WEEKDAY_NAMES[day],
                        count(n)
                    ),
                })
                .collect()
        })
        .collect();
    topic.push_str(&charts::heatmap(&Heatmap {
        title: &format!("Calls by day of week and hour ({})", volume.timezone.name),
        x_axis: &format!("Hour of day ({})", volume.timezone.name),
        row_labels: &WEEKDAYS,
        column_labels: &hours,
        cells: &cells,
    }));
    let by_hour: Vec<Bar> = volume
        .by_hour
        .iter()
        .enumerate()
        .map(|(hour, &n)| Bar {
            label: format!("{hour:02}"),
            count: n,
        })
        .collect();
    topic.push_str(&charts::column_chart(
        &format!("Calls by hour of day ({})", volume.timezone.name),
        &format!("Hour of day ({})", volume.timezone.name),
        "Calls",
        "calls",
        &by_hour,
    ));
    topic
}

fn customers_topic(metrics: &ScopeMetrics) -> String {
    let customers = &metrics.customers;
    let conversation = &metrics.conversation;
    let speakers = humanized(&conversation.by_speaker);
    format!(
        "<div class=\"grid\">\n<div><table><tbody>\
         <tr><th scope=\"row\">Customers</th><td class=\"num\">{}</td></tr>\
         <tr><th scope=\"row\">Repeat callers (more than one call)</th><td class=\"num\">{} ({})</td></tr>\
         <tr><th scope=\"row\">Utterances</th><td class=\"num\">{}</td></tr>\
         <tr><th scope=\"row\">Calls with a transcript</th><td class=\"num\">{}</td></tr>\
         <tr><th scope=\"row\">Average turns per transcribed call</th><td class=\"num\">{}</td></tr>\
         </tbody></table></div>\n<div>{}</div>\n</div>\n",
        count(customers.customers),
        count(customers.repeat_callers.count),
        percent(&customers.repeat_callers),
        count(conversation.utterances),
        count(conversation.calls_with_transcript),
        decimal(conversation.mean_turns_per_call, 1),
        count_table(
            "Speaker",
            "Utterances",
            &speakers,
            conversation.utterances,
            None
        ),
    )
}

fn activity_topic(metrics: &ScopeMetrics) -> String {
    let activity = &metrics.activity;
    if activity.journey_events == 0 && activity.metric_samples == 0 {
        return "<p class=\"empty\">No journey events or metric samples in this period.</p>\n"
            .to_owned();
    }
    format!(
        "<div class=\"grid\">\n<div>{}</div>\n<div>{}</div>\n</div>\n",
        count_table(
            "Journey channel",
            "Journey events",
            &activity.journey_events_by_channel,
            activity.journey_events,
            None
        ),
        count_table(
            "Metric",
            "Metric samples",
            &activity.metric_samples_by_metric,
            activity.metric_samples,
            None
        ),
    )
}

fn definitions() -> String {
    "<section class=\"scope\" id=\"definitions\">\n<h2>Definitions</h2>\n<dl class=\"definitions\">\
     <dt>Calls</dt><dd>Contacts on any channel that started in the period.</dd>\
     <dt>Handle time</dt><dd>From start to end of the calls that have an end time; the median of an even count is the mean of the two middle values.</dd>\
     <dt>Resolution and abandonment rates</dt><dd>Resolved (abandoned) calls among calls with a recorded outcome.</dd>\
     <dt>Escalation and transfer rates</dt><dd>Escalated (transferred) calls among all calls.</dd>\
     <dt>Satisfaction</dt><dd>Mean survey score on the 1–5 scale over the calls that have one.</dd>\
     <dt>Repeat callers</dt><dd>Customers with more than one call in the period.</dd>\
     <dt>Turns</dt><dd>Utterances per call, over calls with at least one utterance.</dd>\
     </dl>\n</section>\n"
        .to_owned()
}

/// A table of labeled counts with their share of `total`; long lists end in a row summing the rest.
fn count_table(
    label_header: &str,
    count_header: &str,
    rows: &[LabeledCount],
    total: u64,
    extra: Option<(&str, u64)>,
) -> String {
    let share = |n: u64| percent(&Rate::new(n, total));
    let mut body = String::new();
    for row in rows.iter().take(MAX_TABLE_ROWS) {
        let _ = write!(
            body,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&row.label),
            count(row.count),
            share(row.count)
        );
    }
    if rows.len() > MAX_TABLE_ROWS {
        let rest = &rows[MAX_TABLE_ROWS..];
        // Saturating: a report read back from JSON may hold any counts.
        let rest_count = rest
            .iter()
            .fold(0, |sum: u64, r| sum.saturating_add(r.count));
        let _ = write!(
            body,
            "<tr class=\"other\"><td>{} more (listed in report.json)</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            count(rest.len() as u64),
            count(rest_count),
            share(rest_count)
        );
    }
    if let Some((label, n)) = extra.filter(|(_, n)| *n > 0) {
        let _ = write!(
            body,
            "<tr class=\"other\"><td>{label}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            count(n),
            share(n)
        );
    }
    if body.is_empty() {
        return format!(
            "<p class=\"empty\">No {}.</p>\n",
            count_header.to_lowercase()
        );
    }
    format!(
        "<div class=\"table-wrap count-table\"><table><thead><tr><th scope=\"col\">{label_header}</th><th scope=\"col\" class=\"num\">{count_header}</th>\
         <th scope=\"col\" class=\"num\">Share</th></tr></thead><tbody>{body}</tbody></table></div>\n"
    )
}

fn bars(rows: &[LabeledCount], max: usize) -> Vec<Bar> {
    rows.iter()
        .take(max)
        .map(|r| Bar {
            label: r.label.clone(),
            count: r.count,
        })
        .collect()
}

/// A chart title that says when only the top entries are drawn.
fn top_title(title: &str, entries: usize) -> String {
    if entries > MAX_BARS {
        format!("{title} (top {MAX_BARS} of {entries})")
    } else {
        title.to_owned()
    }
}

/// Rows whose labels are snake_case enum names, relabeled as words.
fn humanized(rows: &[LabeledCount]) -> Vec<LabeledCount> {
    rows.iter()
        .map(|r| LabeledCount {
            label: humanize(&r.label),
            count: r.count,
        })
        .collect()
}

/// A snake_case enum name as words: `follow_up` → `Follow up`.
fn humanize(name: &str) -> String {
    let words = name.replace('_', " ");
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

const STYLE: &str = r#"
:root { --ink: #0f172a; --muted: #475569; --line: #e2e8f0; --bg: #f8fafc; --accent: #1d4ed8; --bar: #2563eb; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
.wrap, main { max-width: 1120px; margin: 0 auto; padding: 0 24px; }
.page-header { background: #0f172a; color: #f8fafc; padding: 28px 0 20px; }
.page-header h1 { margin: 0 0 6px; font-size: 26px; font-weight: 650; }
.page-header .period { margin: 0; color: #cbd5e1; }
.page-header .period strong { color: #fff; }
.page-header .generated { margin: 12px 0 0; font-size: 13px; color: #94a3b8; }
.totals { display: flex; flex-wrap: wrap; gap: 12px 40px; margin: 18px 0 0; }
.totals dt { font-size: 12px; text-transform: uppercase; letter-spacing: .06em; color: #94a3b8; }
.totals dd { margin: 0; font-size: 26px; font-weight: 650; font-variant-numeric: tabular-nums; }
.index { display: flex; flex-wrap: wrap; gap: 8px; margin: 20px 0 4px; }
.index a { padding: 4px 12px; border: 1px solid var(--line); border-radius: 999px; background: #fff;
  color: var(--accent); text-decoration: none; font-size: 14px; }
.index a:hover, .index a:focus { border-color: var(--accent); }
.muted, .tenant-id { color: var(--muted); }
.tenant-id { font-size: 15px; font-weight: 400; font-family: ui-monospace, Menlo, Consolas, monospace; }
.scope { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 8px 24px 20px; margin: 20px 0; }
.scope h2 { font-size: 22px; margin: 16px 0 4px; }
.topic { border-top: 1px solid var(--line); margin-top: 20px; }
.topic h3 { font-size: 17px; margin: 16px 0 10px; }
.topic h4 { font-size: 15px; margin: 18px 0 8px; }
.note { color: var(--muted); margin: 4px 0 12px; font-size: 14px; }
.empty { color: var(--muted); font-style: italic; }
.cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 12px 0 4px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fdfdfe; }
.card-label { font-size: 13px; color: var(--muted); }
.card-value { font-size: 24px; font-weight: 650; font-variant-numeric: tabular-nums; }
.card-detail { font-size: 12.5px; color: var(--muted); }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 8px 28px; align-items: start; }
.table-wrap { overflow-x: auto; margin: 8px 0 12px; }
.count-table { max-width: 560px; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { font-size: 12.5px; color: var(--muted); font-weight: 600; border-bottom: 2px solid var(--line); }
tbody th { font-weight: 500; }
.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr.other td { color: var(--muted); font-style: italic; }
td a { color: var(--accent); }
.chart { margin: 8px 0 16px; }
.chart figcaption { font-weight: 600; font-size: 14px; margin-bottom: 4px; }
.chart svg { display: block; max-width: 100%; height: auto; }
.chart text { font-size: 12px; fill: #334155; }
.chart .axis-title { font-size: 12px; fill: var(--muted); }
.chart .value { fill: var(--ink); font-variant-numeric: tabular-nums; }
.chart .gridline { stroke: var(--line); stroke-width: 1; }
.chart .axis { stroke: #94a3b8; stroke-width: 1; }
.chart .bar { fill: var(--bar); }
.chart g:hover .bar { fill: #1e40af; }
.chart .line { fill: none; stroke: var(--bar); stroke-width: 2; stroke-linejoin: round; }
.chart .area { fill: #dbeafe; opacity: .6; }
.chart .dot { fill: var(--bar); }
.chart .cell-light { fill: #0f172a; font-size: 10px; }
.chart .cell-dark { fill: #fff; font-size: 10px; }
.definitions dt { font-weight: 600; margin-top: 8px; }
.definitions dd { margin: 0 0 0 0; color: var(--muted); }
@media (max-width: 600px) {
  .wrap, main { padding: 0 12px; } .scope { padding: 8px 14px 16px; }
  .cards { grid-template-columns: repeat(2, 1fr); } .card-value { font-size: 20px; }
}
@media print { body { background: #fff; } .index { display: none; } .scope { break-inside: avoid-page; border: none; } }
"#;
