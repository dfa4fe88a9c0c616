//! The forecast section: per tenant, hourly call volume of the last two weeks and the next
//! week's forecast with 80% and 95% bands, the agents that forecast needs (Erlang C, 80% of
//! calls answered within 20 s, the tenant's own average handle time), and the anomalies flagged
//! in call volume (against its forecast band) and in system metrics.

use std::fmt::Write as _;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::format::{count, decimal, escape, instant};
use crate::forecast::anomaly::{
    DetectorOptions, Direction, MetricMonitor, MonitorOptions, Transform, detect_anomalies,
};
use crate::forecast::staffing::{QueueModel, ServiceTarget, staffing_plan};
use crate::forecast::{AutoForecaster, ForecastOptions, Forecaster, RegularSeries};
use crate::model::{Call, MetricSample};

/// One hour, the forecast's step.
const STEP: TimeDelta = TimeDelta::hours(1);
/// Steps forecast: one week of hours.
const HORIZON: usize = 168;
/// Hours of history drawn before the forecast.
const SHOWN_HISTORY: usize = 336;
/// Anomaly probability at which an hour of call volume is flagged.
const VOLUME_THRESHOLD: f64 = 0.999;

/// The forecast section of every tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastSection {
    /// One entry per tenant, in the report's tenant order.
    pub tenants: Vec<TenantForecast>,
}

/// One tenant's forecast, staffing and anomalies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TenantForecast {
    /// Tenant id.
    pub tenant_id: String,
    /// Why there is no forecast (too little history), when there is none.
    pub note: Option<String>,
    /// Start of the first hour of `history`.
    pub history_start: Option<DateTime<Utc>>,
    /// Calls per hour over the last (up to) two weeks.
    pub history: Vec<f64>,
    /// The forecast, when there was enough history.
    pub forecast: Option<HourlyForecast>,
    /// Mean handle time of the tenant's ended calls, in seconds.
    pub aht_secs: Option<f64>,
    /// Agents required per forecast day.
    pub staffing: Vec<DailyStaffing>,
    /// Anomalies flagged in call volume and system metrics, in time order.
    pub anomalies: Vec<FlaggedAnomaly>,
}

/// Calls per hour for the week after the history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HourlyForecast {
    /// Start of the first forecast hour.
    pub start: DateTime<Utc>,
    /// The model used.
    pub model: String,
    /// Point forecast per hour.
    pub point: Vec<f64>,
    /// 80% interval, lower bounds.
    pub lower_80: Vec<f64>,
    /// 80% interval, upper bounds.
    pub upper_80: Vec<f64>,
    /// 95% interval, lower bounds.
    pub lower_95: Vec<f64>,
    /// 95% interval, upper bounds.
    pub upper_95: Vec<f64>,
}

/// The staffing of one forecast day (UTC), from its hours.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DailyStaffing {
    /// Start of the day's first forecast hour.
    pub start: DateTime<Utc>,
    /// Calls forecast over the day.
    pub calls: f64,
    /// Most calls forecast in one hour.
    pub peak_calls_per_hour: f64,
    /// Most agents required in one hour.
    pub peak_agents: u32,
    /// Agent-hours required (sum over the hours).
    pub agent_hours: u32,
    /// Mean occupancy over the staffed hours.
    pub mean_occupancy: Option<f64>,
    /// Longest expected wait (average speed of answer) of any hour, in seconds.
    pub max_expected_wait_secs: f64,
}

/// An interval flagged as anomalous.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FlaggedAnomaly {
    /// `call volume`, or `metric (source)`.
    pub series: String,
    /// Start of the first flagged interval.
    pub start: DateTime<Utc>,
    /// End of the last flagged interval.
    pub end: DateTime<Utc>,
    /// Highest anomaly probability.
    pub peak_probability: f64,
    /// Above or below the band.
    pub direction: Direction,
}

/// The forecast section entry of one tenant from its calls and metric samples (in time order).
pub(super) fn tenant_forecast(
    tenant_id: &str,
    calls: &[Call],
    samples: &[MetricSample],
) -> TenantForecast {
    let mut out = TenantForecast {
        tenant_id: tenant_id.to_owned(),
        note: None,
        history_start: None,
        history: Vec::new(),
        forecast: None,
        aht_secs: None,
        staffing: Vec::new(),
        anomalies: metric_anomalies(samples),
    };
    let (Some(first), Some(last)) = (calls.first(), calls.last()) else {
        out.note = Some("No calls in this period.".into());
        return out;
    };
    let start = first.started_at.duration_trunc_hour();
    let end = last.started_at.duration_trunc_hour() + STEP;
    let volume =
        match RegularSeries::count_events(calls.iter().map(|c| c.started_at), start, end, STEP) {
            Ok(volume) => volume,
            Err(e) => {
                out.note = Some(format!(
                    "Call volume could not be put on an hourly grid: {e}."
                ));
                return out;
            }
        };
    let shown_from = volume.values.len().saturating_sub(SHOWN_HISTORY);
    out.history_start = volume.timestamp(shown_from);
    out.history = volume.values[shown_from..].to_vec();

    let periods = if volume.values.len() >= 2 * 168 {
        vec![24, 168]
    } else if volume.values.len() >= 2 * 24 {
        vec![24]
    } else {
        out.note = Some(format!(
            "{} hours of calls; a forecast needs at least two days.",
            volume.values.len()
        ));
        return out;
    };
    let forecaster = AutoForecaster::new(ForecastOptions {
        periods: Some(periods.clone()),
        lower_bound: Some(0.0),
        ..ForecastOptions::default()
    });
    let forecast = forecaster.and_then(|f| f.forecast(&volume.values, HORIZON, &[0.8, 0.95]));
    let forecast = match forecast {
        Ok(forecast) => forecast,
        Err(e) => {
            out.note = Some(format!("No forecast: {e}."));
            return out;
        }
    };
    let band = |level: f64| {
        forecast
            .interval(level)
            .map(|i| (i.lower.clone(), i.upper.clone()))
            .unwrap_or_default()
    };
    let ((lower_80, upper_80), (lower_95, upper_95)) = (band(0.8), band(0.95));
    let forecast_start = end;
    out.forecast = Some(HourlyForecast {
        start: forecast_start,
        model: forecast.model.clone(),
        point: forecast.point.clone(),
        lower_80,
        upper_80,
        lower_95,
        upper_95,
    });

    let handled: Vec<f64> = calls
        .iter()
        .filter_map(|c| {
            c.ended_at
                .map(|e| (e - c.started_at).num_milliseconds() as f64 / 1e3)
        })
        .filter(|secs| *secs > 0.0)
        .collect();
    if !handled.is_empty() {
        let aht = handled.iter().sum::<f64>() / handled.len() as f64;
        out.aht_secs = Some(aht);
        match staffing_plan(
            &forecast.point,
            STEP.num_seconds() as f64,
            aht,
            &ServiceTarget::default(),
            QueueModel::ErlangC,
        ) {
            Ok(plan) => {
                out.staffing = plan
                    .chunks(24)
                    .enumerate()
                    .map(|(day, hours)| DailyStaffing {
                        start: forecast_start + TimeDelta::days(day as i64),
                        calls: hours.iter().map(|h| h.calls).sum(),
                        peak_calls_per_hour: hours.iter().map(|h| h.calls).fold(0.0, f64::max),
                        peak_agents: hours.iter().map(|h| h.metrics.agents).max().unwrap_or(0),
                        agent_hours: hours.iter().map(|h| h.metrics.agents).sum(),
                        mean_occupancy: {
                            let staffed: Vec<f64> = hours
                                .iter()
                                .filter(|h| h.metrics.agents > 0)
                                .map(|h| h.metrics.occupancy)
                                .collect();
                            (!staffed.is_empty())
                                .then(|| staffed.iter().sum::<f64>() / staffed.len() as f64)
                        },
                        max_expected_wait_secs: hours
                            .iter()
                            .map(|h| h.metrics.average_speed_of_answer_secs)
                            .fold(0.0, f64::max),
                    })
                    .collect();
            }
            Err(e) => out.note = Some(format!("No staffing: {e}.")),
        }
    }

    let longest = *periods.last().unwrap_or(&24);
    let detector = DetectorOptions {
        periods: Some(periods),
        transform: Transform::Sqrt,
        threshold: VOLUME_THRESHOLD,
        refit_every: 24,
        warm_up: 2 * longest,
        max_history: 4 * longest,
        calibration_windows: 8,
        ..DetectorOptions::default()
    };
    if let Ok(runs) = detect_anomalies(&volume.values, &detector, 1, 2) {
        for run in runs {
            if let (Some(start), Some(end)) =
                (volume.timestamp(run.start), volume.timestamp(run.end))
            {
                out.anomalies.push(FlaggedAnomaly {
                    series: "call volume".into(),
                    start,
                    end,
                    peak_probability: run.peak_probability,
                    direction: run.direction,
                });
            }
        }
    }
    out.anomalies
        .sort_by(|a, b| a.start.cmp(&b.start).then(a.series.cmp(&b.series)));
    out
}

trait TruncHour {
    fn duration_trunc_hour(self) -> Self;
}

impl TruncHour for DateTime<Utc> {
    /// The start of the hour holding this instant.
    fn duration_trunc_hour(self) -> Self {
        let secs = self.timestamp().div_euclid(3600) * 3600;
        DateTime::from_timestamp(secs, 0).unwrap_or(self)
    }
}

/// Alerts of the default [`MetricMonitor`] over the samples, merged per series when at most
/// two intervals apart.
fn metric_anomalies(samples: &[MetricSample]) -> Vec<FlaggedAnomaly> {
    let options = MonitorOptions::default();
    let step = options.step;
    let Ok(mut monitor) = MetricMonitor::new(options) else {
        return Vec::new();
    };
    let mut out: Vec<FlaggedAnomaly> = Vec::new();
    for sample in samples {
        let Ok(Some(alert)) = monitor.observe(sample) else {
            continue;
        };
        let series = format!("{} ({})", alert.metric, alert.source);
        let open = out
            .iter_mut()
            .rev()
            .find(|a| a.series == series && alert.timestamp <= a.end + step * 2);
        match open {
            Some(anomaly) => {
                anomaly.end = anomaly.end.max(alert.timestamp + step);
                anomaly.peak_probability = anomaly.peak_probability.max(alert.verdict.probability);
            }
            None => out.push(FlaggedAnomaly {
                series,
                start: alert.timestamp,
                end: alert.timestamp + step,
                peak_probability: alert.verdict.probability,
                direction: alert.verdict.direction,
            }),
        }
    }
    out
}

/// Most anomalies listed per tenant (the latest).
const MAX_LISTED: usize = 20;

/// The HTML of the section.
pub(super) fn render(section: &ForecastSection) -> String {
    let mut html = String::from(
        "<section class=\"scope\" id=\"forecast\">\n<h2>Forecast, staffing and anomalies</h2>\n\
         <p class=\"note\">Calls per hour (UTC) for the last two weeks and the next week, with 80% \
         and 95% prediction intervals (calibrated on backtests of the history). Agents per hour by \
         Erlang C for 80% of calls answered within 20 seconds, with the tenant's mean handle time. \
         Anomalies: hours of call volume outside their forecast band (probability ≥ 0.999 on the \
         square-root scale) and system-metric alerts (probability ≥ 0.9999 for two samples).</p>\n",
    );
    for tenant in &section.tenants {
        let _ = write!(
            html,
            "<section class=\"topic\">\n<h3>{}</h3>\n",
            escape(&tenant.tenant_id)
        );
        if let Some(note) = &tenant.note {
            let _ = writeln!(html, "<p class=\"empty\">{}</p>", escape(note));
        }
        if let (Some(start), Some(forecast)) = (tenant.history_start, &tenant.forecast) {
            html.push_str(&chart(tenant, start, forecast));
            let _ = writeln!(
                html,
                "<p class=\"note\">Model: {}.</p>",
                escape(&forecast.model)
            );
        }
        if !tenant.staffing.is_empty() {
            html.push_str(&staffing_table(tenant));
        }
        html.push_str(&anomaly_table(tenant));
        html.push_str("</section>\n");
    }
    html.push_str("</section>\n");
    html
}

fn staffing_table(tenant: &TenantForecast) -> String {
    let mut rows = String::new();
    for day in &tenant.staffing {
        let _ = write!(
            rows,
            "<tr><th scope=\"row\">{}</th><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&day.start.format("%a %Y-%m-%d").to_string()),
            count(day.calls.round() as u64),
            decimal(Some(day.peak_calls_per_hour), 1),
            count(u64::from(day.peak_agents)),
            count(u64::from(day.agent_hours)),
            day.mean_occupancy
                .map_or_else(|| "–".to_owned(), |o| format!("{:.0}%", o * 100.0)),
            decimal(Some(day.max_expected_wait_secs), 1),
        );
    }
    format!(
        "<p class=\"note\">Staffing for the forecast (mean handle time {} s).</p>\n\
         <div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Day (UTC)</th>\
         <th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Peak calls/hour</th>\
         <th scope=\"col\" class=\"num\">Peak agents</th><th scope=\"col\" class=\"num\">Agent-hours</th>\
         <th scope=\"col\" class=\"num\">Mean occupancy</th><th scope=\"col\" class=\"num\">Longest expected wait (s)</th>\
         </tr></thead><tbody>{rows}</tbody></table></div>\n",
        decimal(tenant.aht_secs, 0)
    )
}

fn anomaly_table(tenant: &TenantForecast) -> String {
    if tenant.anomalies.is_empty() {
        return "<p class=\"empty\">No anomalies flagged.</p>\n".into();
    }
    let skipped = tenant.anomalies.len().saturating_sub(MAX_LISTED);
    let mut rows = String::new();
    for anomaly in &tenant.anomalies[skipped..] {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{:.4}</td></tr>",
            escape(&anomaly.series),
            escape(&instant(anomaly.start)),
            escape(&instant(anomaly.end)),
            match anomaly.direction {
                Direction::Above => "above",
                Direction::Below => "below",
            },
            anomaly.peak_probability,
        );
    }
    let note = if skipped > 0 {
        format!(
            " The latest {MAX_LISTED} of {} are listed.",
            tenant.anomalies.len()
        )
    } else {
        String::new()
    };
    format!(
        "<p class=\"note\">Flagged anomalies.{note}</p>\n<div class=\"table-wrap\"><table><thead><tr>\
         <th scope=\"col\">Series</th><th scope=\"col\">From</th><th scope=\"col\">To</th>\
         <th scope=\"col\">Band side</th><th scope=\"col\" class=\"num\">Peak probability</th>\
         </tr></thead><tbody>{rows}</tbody></table></div>\n"
    )
}

/// History, forecast and bands as an inline SVG (presentation attributes only, no script).
fn chart(tenant: &TenantForecast, start: DateTime<Utc>, forecast: &HourlyForecast) -> String {
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 280.0;
    let (x0, x1, y0, y1) = (56.0, WIDTH - 16.0, HEIGHT - 40.0, 12.0);
    let history = &tenant.history;
    let total = (history.len() + forecast.point.len()).max(2) as f64 - 1.0;
    let top = history
        .iter()
        .chain(&forecast.upper_95)
        .copied()
        .fold(1.0, f64::max);
    let top = nice_top(top);
    let x_of = |i: usize| x0 + (x1 - x0) * i as f64 / total;
    let y_of = |v: f64| y0 - (y0 - y1) * v.clamp(0.0, top) / top;
    let offset = history.len();
    let title = format!(
        "{}: calls per hour, history and next-week forecast",
        tenant.tenant_id
    );
    let mut svg = format!(
        "<figure class=\"chart\"><figcaption>{t}</figcaption><svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"{WIDTH}\" height=\"{HEIGHT}\" role=\"img\" aria-label=\"{t}\">",
        t = escape(&title)
    );
    for k in 0..=4 {
        let value = top * f64::from(k) / 4.0;
        let y = y_of(value);
        let _ = write!(
            svg,
            "<line x1=\"{x0}\" y1=\"{y:.1}\" x2=\"{x1}\" y2=\"{y:.1}\" stroke=\"#e2e8f0\"/>\
             <text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"end\" fill=\"#475569\">{}</text>",
            x0 - 6.0,
            y + 4.0,
            count(value.round() as u64)
        );
    }
    // One tick per day, labelled every other day.
    let first_midnight = (24 - (start.timestamp().div_euclid(3600) % 24) as usize) % 24;
    for (n, i) in (first_midnight..=offset + forecast.point.len())
        .step_by(24)
        .enumerate()
    {
        // A label past chrono's last date (only in a hand-edited report) is left out.
        if n % 2 == 0
            && let Some(at) = start.checked_add_signed(TimeDelta::hours(i as i64))
        {
            let _ = write!(
                svg,
                "<text x=\"{:.1}\" y=\"{:.1}\" font-size=\"11\" text-anchor=\"middle\" fill=\"#475569\">{}</text>",
                x_of(i),
                y0 + 16.0,
                at.format("%d %b")
            );
        }
    }
    let band = |lower: &[f64], upper: &[f64]| {
        let mut d = String::new();
        for (k, v) in upper.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if k == 0 { "M" } else { " L" },
                x_of(offset + k),
                y_of(*v)
            );
        }
        for (k, v) in lower.iter().enumerate().rev() {
            let _ = write!(d, " L{:.1},{:.1}", x_of(offset + k), y_of(*v));
        }
        d.push_str(" Z");
        d
    };
    let _ = write!(
        svg,
        "<path d=\"{}\" fill=\"#dbeafe\"><title>95% interval</title></path>\
         <path d=\"{}\" fill=\"#93c5fd\"><title>80% interval</title></path>",
        band(&forecast.lower_95, &forecast.upper_95),
        band(&forecast.lower_80, &forecast.upper_80)
    );
    let line = |values: &[f64], from: usize| {
        let mut d = String::new();
        for (k, v) in values.iter().enumerate() {
            let _ = write!(
                d,
                "{}{:.1},{:.1}",
                if k == 0 { "M" } else { " L" },
                x_of(from + k),
                y_of(*v)
            );
        }
        d
    };
    let _ = write!(
        svg,
        "<path d=\"{}\" fill=\"none\" stroke=\"#0f172a\" stroke-width=\"1.2\"><title>Calls per hour</title></path>\
         <path d=\"{}\" fill=\"none\" stroke=\"#1d4ed8\" stroke-width=\"1.5\" stroke-dasharray=\"4 2\"><title>Forecast</title></path>\
         <line x1=\"{xf:.1}\" y1=\"{y1}\" x2=\"{xf:.1}\" y2=\"{y0}\" stroke=\"#475569\" stroke-dasharray=\"2 3\"/>",
        line(history, 0),
        line(&forecast.point, offset),
        xf = x_of(offset),
    );
    for anomaly in tenant
        .anomalies
        .iter()
        .filter(|a| a.series == "call volume")
    {
        let from = (anomaly.start - start).num_hours();
        let to = (anomaly.end - start).num_hours();
        for i in from.max(0)..to.min(offset as i64) {
            let i = i as usize;
            let _ = write!(
                svg,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"#dc2626\"><title>Anomalous hour: {} calls</title></circle>",
                x_of(i),
                y_of(history[i]),
                history[i]
            );
        }
    }
    let _ = writeln!(
        svg,
        "<line x1=\"{x0}\" y1=\"{y0}\" x2=\"{x1}\" y2=\"{y0}\" stroke=\"#94a3b8\"/>\
         <line x1=\"{x0}\" y1=\"{y1}\" x2=\"{x0}\" y2=\"{y0}\" stroke=\"#94a3b8\"/></svg></figure>"
    );
    svg
}

/// A round number at or above `max` for the top of the value axis.
fn nice_top(max: f64) -> f64 {
    let magnitude = 10f64.powf(max.log10().floor());
    [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|v| *v >= max)
        .unwrap_or(10.0 * magnitude)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Record;
    use crate::sim::{SimConfig, simulate};

    #[test]
    fn simulated_tenants_get_a_forecast_staffing_and_their_planted_anomalies() {
        let config = SimConfig {
            seed: 3,
            tenants: 1,
            days: 28,
            anomaly_days: 3,
            journeys_per_day: 0,
            ..SimConfig::default()
        };
        let output = simulate(&config).unwrap();
        let mut calls: Vec<Call> = output
            .records
            .iter()
            .filter_map(|r| match r {
                Record::Call(c) => Some(c.clone()),
                _ => None,
            })
            .collect();
        calls.sort_by_key(|c| c.started_at);
        let tenant = calls[0].tenant.clone();
        let entry = tenant_forecast(&tenant, &calls, &[]);
        assert_eq!(entry.note, None);
        let forecast = entry.forecast.as_ref().unwrap();
        assert_eq!(forecast.point.len(), HORIZON);
        assert_eq!(entry.history.len(), SHOWN_HISTORY);
        assert!(
            forecast
                .lower_95
                .iter()
                .zip(&forecast.upper_95)
                .all(|(l, u)| l <= u)
        );
        // Call counts: nothing below zero, though nights are near it.
        assert!(forecast.point.iter().any(|p| *p < 1.0));
        assert!(forecast.lower_95.iter().all(|l| *l >= 0.0));
        assert_eq!(entry.staffing.len(), 7);
        assert!(
            entry
                .staffing
                .iter()
                .all(|d| d.peak_agents > 0 && d.agent_hours >= d.peak_agents)
        );
        let planted: Vec<_> = output
            .truth
            .anomalies
            .iter()
            .filter(|a| a.start >= calls[0].started_at + TimeDelta::days(14))
            .collect();
        let found = planted
            .iter()
            .filter(|a| {
                entry
                    .anomalies
                    .iter()
                    .any(|d| d.start < a.end && a.start < d.end)
            })
            .count();
        assert!(
            found * 2 >= planted.len(),
            "{found} of {} planted found",
            planted.len()
        );

        let html = render(&ForecastSection {
            tenants: vec![entry.clone(), tenant_forecast("empty", &[], &[])],
        });
        assert!(
            html.contains("<svg") && html.contains("95% interval") && html.contains("Peak agents")
        );
        assert!(html.contains("No calls in this period."));
        assert!(!html.contains("<script"));
    }
}
