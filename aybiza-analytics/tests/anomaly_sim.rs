//! Anomaly detection scored against the simulator's planted anomalies.
//!
//! Seven weeks of two tenants with eight planted anomalies each (outage storms, billing spikes,
//! telephony drops during business hours). Call volume per 15 minutes and every system metric
//! go through streaming detectors; a detected interval counts as correct when it overlaps a
//! planted anomaly of its tenant (precision), a planted anomaly as found when a detected
//! interval overlaps it (recall). The detectors need three weeks of history (the weekly cycle
//! three times, so that the warm-up can be cleaned of incidents against the median week)
//! before they score anything, so anomalies planted in the first three weeks are not counted.
//! Customers whose problem an incident left unsolved call again over the next days (the
//! truth's `repeat_of`), really raising volume and queues then; precision is reported both
//! strictly and counting detections in those two days as correct.

use aybiza_analytics::forecast::RegularSeries;
use aybiza_analytics::forecast::anomaly::{
    DetectorOptions, MetricMonitor, MonitorOptions, Transform, detect_anomalies,
};
use aybiza_analytics::forecast::outlier::{OutlierMethod, OutlierOptions, outlying_cycles};
use aybiza_analytics::model::Record;
use std::sync::OnceLock;

use aybiza_analytics::sim::{PlantedAnomaly, SimConfig, SimOutput, simulate};
use chrono::{DateTime, TimeDelta, Utc};

const SLOT: TimeDelta = TimeDelta::minutes(15);
const WARM_UP_SLOTS: usize = 3 * 672;
/// One forecast per day.
const REFIT_EVERY: usize = 96;

/// A detected interval of one tenant.
#[derive(Debug, Clone)]
struct Detected {
    tenant: String,
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

struct Score {
    /// Share of detected intervals overlapping a planted anomaly.
    precision: f64,
    /// The same, counting as correct also intervals in the two days after a planted anomaly:
    /// customers whose problem was not solved call again (`repeat_of` in the truth), so the
    /// volume and the queues really are raised then.
    precision_with_aftermath: f64,
    recall: f64,
    detected: usize,
    planted: usize,
}

/// How long after a planted anomaly its repeat calls keep volume and queues raised.
const AFTERMATH: TimeDelta = TimeDelta::days(2);

fn overlaps(d: &Detected, a: &PlantedAnomaly, after: TimeDelta) -> bool {
    d.tenant == a.tenant && d.start < a.end + after && a.start < d.end
}

fn score(detected: &[Detected], all: &[PlantedAnomaly], planted: &[&PlantedAnomaly]) -> Score {
    let correct_within = |after: TimeDelta| {
        detected
            .iter()
            .filter(|d| all.iter().any(|a| overlaps(d, a, after)))
            .count()
    };
    let correct = correct_within(TimeDelta::zero());
    let found = planted
        .iter()
        .filter(|a| detected.iter().any(|d| overlaps(d, a, TimeDelta::zero())))
        .count();
    Score {
        precision: correct as f64 / detected.len().max(1) as f64,
        precision_with_aftermath: correct_within(AFTERMATH) as f64 / detected.len().max(1) as f64,
        recall: found as f64 / planted.len().max(1) as f64,
        detected: detected.len(),
        planted: planted.len(),
    }
}

/// The simulation both tests score against, and the anomalies planted after the warm-up.
fn simulation() -> &'static (SimConfig, SimOutput) {
    static SIMULATION: OnceLock<(SimConfig, SimOutput)> = OnceLock::new();
    SIMULATION.get_or_init(|| {
        let config = SimConfig {
            seed: 11,
            days: 49,
            anomaly_days: 8,
            journeys_per_day: 0,
            ..SimConfig::default()
        };
        let output = simulate(&config).unwrap();
        (config, output)
    })
}

fn planted_after_warm_up() -> Vec<&'static PlantedAnomaly> {
    let (config, output) = simulation();
    let scoring_from = config.start + SLOT * WARM_UP_SLOTS as i32;
    let planted: Vec<&PlantedAnomaly> = output
        .truth
        .anomalies
        .iter()
        .filter(|a| a.start >= scoring_from)
        .collect();
    assert!(
        planted.len() >= 8,
        "{} anomalies after the warm-up",
        planted.len()
    );
    planted
}

fn report(name: &str, s: &Score) {
    eprintln!(
        "{name}: precision {:.2} ({:.2} counting the aftermath) of {} intervals, recall {:.2} of {} planted",
        s.precision, s.precision_with_aftermath, s.detected, s.recall, s.planted
    );
}

/// Call volume per 15 minutes, judged on the square-root scale.
#[test]
fn planted_anomalies_are_found_in_call_volume() {
    let (config, output) = simulation();
    let planted = planted_after_warm_up();
    let volume_options = DetectorOptions {
        periods: Some(vec![96, 672]),
        transform: Transform::Sqrt,
        threshold: 0.999,
        refit_every: REFIT_EVERY,
        warm_up: WARM_UP_SLOTS,
        max_history: 4 * 672,
        calibration_windows: 8,
        ..DetectorOptions::default()
    };
    let tenants = output.records.iter().filter_map(|r| match r {
        Record::Tenant(t) => Some(t.id.clone()),
        _ => None,
    });
    let mut detected = Vec::new();
    for tenant in tenants {
        let starts = output.records.iter().filter_map(|r| match r {
            Record::Call(c) if c.tenant == tenant => Some(c.started_at),
            _ => None,
        });
        let volume = RegularSeries::count_events(starts, config.start, config.end(), SLOT).unwrap();
        for run in detect_anomalies(&volume.values, &volume_options, 1, 3).unwrap() {
            detected.push(Detected {
                tenant: tenant.clone(),
                start: volume.timestamp(run.start).unwrap(),
                end: volume.timestamp(run.end).unwrap(),
            });
        }
    }
    let volume = score(&detected, &output.truth.anomalies, &planted);
    report("call volume", &volume);
    assert!(volume.recall >= 0.9, "recall {}", volume.recall);
    assert!(volume.precision >= 0.7, "precision {}", volume.precision);
    assert!(volume.precision_with_aftermath >= 0.9);
}

/// Call volume per 15 minutes cut into its seven weeks, each week compared with the others by
/// augurs-outlier (on the square-root scale, minus the median week): every planted anomaly
/// counts, none needs a warm-up.
#[test]
fn planted_anomalies_are_outlying_stretches_of_their_week() {
    let (config, output) = simulation();
    let planted: Vec<&PlantedAnomaly> = output.truth.anomalies.iter().collect();
    let tenants: Vec<String> = output
        .records
        .iter()
        .filter_map(|r| match r {
            Record::Tenant(t) => Some(t.id.clone()),
            _ => None,
        })
        .collect();
    let options = OutlierOptions {
        method: OutlierMethod::Mad,
        sensitivity: 0.2,
        transform: Transform::Sqrt,
    };
    let mut detected = Vec::new();
    for tenant in &tenants {
        let starts = output.records.iter().filter_map(|r| match r {
            Record::Call(c) if &c.tenant == tenant => Some(c.started_at),
            _ => None,
        });
        let volume = RegularSeries::count_events(starts, config.start, config.end(), SLOT).unwrap();
        for run in outlying_cycles(&volume.values, 672, &options, 1, 3).unwrap() {
            detected.push(Detected {
                tenant: tenant.clone(),
                start: volume.timestamp(run.start).unwrap(),
                end: volume.timestamp(run.end).unwrap(),
            });
        }
    }
    let weekly = score(&detected, &output.truth.anomalies, &planted);
    report("weekly outliers (MAD)", &weekly);
    assert!(weekly.recall >= 0.75, "recall {}", weekly.recall);
    assert!(weekly.precision >= 0.8, "precision {}", weekly.precision);
}

/// System metrics: alerts of any metric, merged per tenant when at most 30 minutes apart.
#[test]
fn planted_anomalies_raise_metric_alerts() {
    let (_, output) = simulation();
    let planted = planted_after_warm_up();
    let defaults = MonitorOptions::default();
    let options = MonitorOptions {
        detector: DetectorOptions {
            refit_every: REFIT_EVERY,
            ..defaults.detector.clone()
        },
        ..defaults
    };
    let mut monitor = MetricMonitor::new(options).unwrap();
    let mut alerts: Vec<(String, DateTime<Utc>)> = Vec::new();
    for record in &output.records {
        if let Record::Metric(sample) = record
            && let Some(alert) = monitor.observe(sample).unwrap()
        {
            alerts.push((alert.tenant, alert.timestamp));
        }
    }
    alerts.sort();
    let mut detected: Vec<Detected> = Vec::new();
    for (tenant, at) in alerts {
        match detected.last_mut() {
            Some(last) if last.tenant == tenant && at <= last.end + SLOT * 2 => {
                last.end = last.end.max(at + SLOT);
            }
            _ => detected.push(Detected {
                tenant,
                start: at,
                end: at + SLOT,
            }),
        }
    }
    let metrics = score(&detected, &output.truth.anomalies, &planted);
    report("system metrics", &metrics);
    assert!(metrics.recall >= 0.9, "recall {}", metrics.recall);
    assert!(metrics.precision >= 0.6, "precision {}", metrics.precision);
    assert!(metrics.precision_with_aftermath >= 0.9);
}
