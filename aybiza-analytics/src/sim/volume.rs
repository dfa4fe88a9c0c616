//! Call volume: the seasonal forecast, Poisson arrivals around it, and the planted anomalies.

use chrono::{DateTime, Datelike, NaiveDate, NaiveTime, TimeDelta, Timelike, Utc, Weekday};
use rand::Rng;
use rand::seq::SliceRandom;
use serde::{Deserialize, Serialize};

use super::random::{SimRng, lognormal_factor, poisson, uniform};
use super::tenants::TenantProfile;
use super::{PlantedAnomaly, SimConfig};
use crate::{Error, Result};

/// The length of one volume and metric slot.
pub(crate) const SLOT: TimeDelta = TimeDelta::minutes(15);

/// The kind of a planted anomaly.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AnomalyKind {
    /// A service outage: a surge of outage calls, longer queues and more abandonment,
    /// with an incident in `asr_latency_ms`, `error_rate` and `queue_depth`.
    OutageStorm,
    /// A surge of billing calls after a billing run charged customers twice; `queue_depth` rises.
    VolumeSpike,
    /// A telephony fault that stops most calls getting through; `error_rate` rises, `active_calls` falls.
    VolumeDrop,
}

impl AnomalyKind {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            AnomalyKind::OutageStorm => "outage_storm",
            AnomalyKind::VolumeSpike => "volume_spike",
            AnomalyKind::VolumeDrop => "volume_drop",
        }
    }
}

/// Relative call volume per local hour on a weekday: quiet night, morning ramp, lunch dip, evening tail.
const WEEKDAY_HOURS: [f64; 24] = [
    0.35, 0.2, 0.15, 0.15, 0.25, 0.6, 1.5, 3.6, 6.6, 8.6, 9.1, 8.7, 6.2, 7.0, 8.3, 8.1, 7.2, 5.4,
    3.4, 2.4, 1.7, 1.2, 0.8, 0.5,
];
/// Relative call volume per local hour on a weekend day: later and flatter.
const WEEKEND_HOURS: [f64; 24] = [
    0.45, 0.25, 0.2, 0.15, 0.2, 0.3, 0.6, 1.2, 2.6, 4.3, 5.6, 6.1, 5.7, 5.5, 5.3, 4.9, 4.3, 3.6,
    2.8, 2.2, 1.6, 1.2, 0.9, 0.6,
];
/// Relative daily volume, Monday first: Monday backlog, Friday easing, weekends far lower.
const WEEKDAY_FACTORS: [f64; 7] = [1.24, 1.13, 1.08, 1.06, 0.99, 0.31, 0.19];

/// Relative daily volume of `weekday`, normalised so a week averages 1.
pub(crate) fn day_factor(weekday: Weekday) -> f64 {
    let total: f64 = WEEKDAY_FACTORS.iter().sum();
    WEEKDAY_FACTORS[weekday.num_days_from_monday() as usize] * 7.0 / total
}

/// Share of a day's volume falling in the local hour `hour` (fractional; linearly interpolated).
pub(crate) fn hour_share(hour: f64, weekend: bool) -> f64 {
    let profile = if weekend {
        &WEEKEND_HOURS
    } else {
        &WEEKDAY_HOURS
    };
    let total: f64 = profile.iter().sum();
    let base = hour.floor() as usize % 24;
    let frac = hour - hour.floor();
    (profile[base] * (1.0 - frac) + profile[(base + 1) % 24] * frac) / total
}

/// Local fractional hour and weekday of an instant.
pub(crate) fn local_hour(profile: &TenantProfile, at: DateTime<Utc>) -> (f64, Weekday) {
    let local = at.with_timezone(&profile.utc_offset);
    (
        local.hour() as f64 + local.minute() as f64 / 60.0 + local.second() as f64 / 3600.0,
        local.weekday(),
    )
}

/// Whether a weekday is a weekend day.
pub(crate) fn is_weekend(weekday: Weekday) -> bool {
    matches!(weekday, Weekday::Sat | Weekday::Sun)
}

/// The forecast number of calls arriving in `[at, at + length)`: seasonality and trend, without noise or anomalies.
pub(crate) fn expected_calls(
    config: &SimConfig,
    profile: &TenantProfile,
    at: DateTime<Utc>,
    length: TimeDelta,
) -> f64 {
    let hours = length.num_milliseconds() as f64 / 3_600_000.0;
    let (hour, weekday) = local_hour(profile, at + length / 2);
    let elapsed_days = (at - config.start).num_milliseconds() as f64 / 86_400_000.0;
    let trend = 1.0 + 0.003 * (elapsed_days - config.days as f64 / 2.0);
    config.calls_per_day as f64
        * day_factor(weekday)
        * hour_share(hour, is_weekend(weekday))
        * hours
        * trend
}

/// One call arrival.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Arrival {
    pub at: DateTime<Utc>,
    /// Index (into the tenant's anomalies) of the surge that generated this extra call.
    pub surge: Option<usize>,
    /// Whether the arrival fell inside any anomaly's interval (surge or drop).
    pub disturbed: bool,
}

/// Poisson arrivals per 15-minute slot around the forecast, with day-level noise and the anomalies applied.
pub(crate) fn arrivals(
    config: &SimConfig,
    profile: &TenantProfile,
    anomalies: &[PlantedAnomaly],
    rng: &mut SimRng,
) -> Vec<Arrival> {
    let end = config.end();
    let first_day = local_date(profile, config.start);
    let day_noise: Vec<f64> = (0..=config.days as usize + 1)
        .map(|_| lognormal_factor(rng, 0.07))
        .collect();
    let mut out = Vec::new();
    let mut slot_start = config.start;
    while slot_start < end {
        let length = SLOT.min(end - slot_start);
        let day = (local_date(profile, slot_start) - first_day)
            .num_days()
            .max(0) as usize;
        let lambda = expected_calls(config, profile, slot_start, length)
            * day_noise[day.min(day_noise.len() - 1)];
        let anomaly = anomalies
            .iter()
            .position(|a| a.start <= slot_start && slot_start < a.end);
        let (base_lambda, surge_lambda) = match anomaly.map(|i| &anomalies[i]) {
            Some(a) if a.kind == AnomalyKind::VolumeDrop => (lambda * a.volume_factor, 0.0),
            Some(a) => (lambda, lambda * (a.volume_factor - 1.0)),
            None => (lambda, 0.0),
        };
        let first = out.len();
        let length_ms = length.num_milliseconds();
        let arrive = |surge: Option<usize>, rng: &mut SimRng| Arrival {
            at: slot_start + TimeDelta::milliseconds(rng.random_range(0..length_ms)),
            surge,
            disturbed: anomaly.is_some(),
        };
        for _ in 0..poisson(rng, base_lambda) {
            let arrival = arrive(None, rng);
            out.push(arrival);
        }
        for _ in 0..poisson(rng, surge_lambda) {
            let arrival = arrive(anomaly, rng);
            out.push(arrival);
        }
        out[first..].sort_by_key(|a| a.at);
        slot_start += length;
    }
    out
}

fn round2(value: f64) -> f64 {
    (value * 100.0).round() / 100.0
}

fn local_date(profile: &TenantProfile, at: DateTime<Utc>) -> NaiveDate {
    at.with_timezone(&profile.utc_offset).date_naive()
}

/// Chooses distinct business days and hours for `config.anomaly_days` anomalies and describes them.
pub(crate) fn plant_anomalies(
    config: &SimConfig,
    profile: &TenantProfile,
    rng: &mut SimRng,
) -> Result<Vec<PlantedAnomaly>> {
    if config.anomaly_days == 0 {
        return Ok(Vec::new());
    }
    let end = config.end();
    let to_utc = |date: NaiveDate, hour: u32| -> DateTime<Utc> {
        let local = date.and_time(NaiveTime::from_hms_opt(hour, 0, 0).expect("valid hour"));
        (local - profile.utc_offset).and_utc()
    };
    // Days whose whole business day (08:00-20:00 local) lies in the window.
    let mut eligible = Vec::new();
    let mut date = local_date(profile, config.start);
    while date <= local_date(profile, end) {
        if to_utc(date, 8) >= config.start && to_utc(date, 20) <= end {
            eligible.push(date);
        }
        date = date.succ_opt().expect("dates within the validated range");
    }
    if eligible.len() < config.anomaly_days {
        return Err(Error::InvalidArgument(format!(
            "anomaly_days is {} but the window has only {} full local business days for tenant {}",
            config.anomaly_days,
            eligible.len(),
            profile.id
        )));
    }
    // Prefer weekdays after a first week of normal history, so the anomalies stand out against a baseline.
    let warmup = if eligible.len() >= 14 { 7 } else { 0 };
    eligible.shuffle(rng);
    eligible.sort_by_key(|d| {
        let early = (*d - local_date(profile, config.start)).num_days() < warmup;
        (is_weekend(d.weekday()), early)
    });
    let mut days: Vec<NaiveDate> = eligible.into_iter().take(config.anomaly_days).collect();
    days.sort();

    let kinds = [
        AnomalyKind::OutageStorm,
        AnomalyKind::VolumeSpike,
        AnomalyKind::VolumeDrop,
    ];
    let first_kind = rng.random_range(0..kinds.len());
    let mut anomalies = Vec::with_capacity(days.len());
    for (n, date) in days.into_iter().enumerate() {
        let kind = kinds[(first_kind + n) % kinds.len()];
        let (start_hour, hours, factor, affected, description) = match kind {
            AnomalyKind::OutageStorm => {
                let factor = round2(uniform(rng, 3.0, 4.5));
                // Calls generated by this storm name the same area (see `calls::fill_slots`).
                let area = profile.areas[n % profile.areas.len()];
                (
                    rng.random_range(9..=13),
                    rng.random_range(2..=4),
                    factor,
                    vec!["asr_latency_ms", "error_rate", "queue_depth"],
                    format!(
                        "{} outage in {area}: outage calls surge to {factor:.1}x the expected volume",
                        profile.service
                    ),
                )
            }
            AnomalyKind::VolumeSpike => {
                let factor = round2(uniform(rng, 2.0, 3.0));
                (
                    rng.random_range(10..=14),
                    rng.random_range(3..=5),
                    factor,
                    vec!["queue_depth"],
                    format!(
                        "billing run charged customers twice: billing calls push volume to {factor:.1}x"
                    ),
                )
            }
            AnomalyKind::VolumeDrop => {
                let factor = round2(uniform(rng, 0.1, 0.3));
                (
                    rng.random_range(9..=14),
                    rng.random_range(2..=3),
                    factor,
                    vec!["error_rate", "active_calls"],
                    format!(
                        "telephony carrier fault: only {:.0}% of calls get through",
                        factor * 100.0
                    ),
                )
            }
        };
        anomalies.push(PlantedAnomaly {
            id: format!("{}-anomaly-{}", profile.id, n + 1),
            tenant: profile.id.clone(),
            kind,
            start: to_utc(date, start_hour),
            end: to_utc(date, start_hour + hours),
            volume_factor: factor,
            affected_metrics: affected.into_iter().map(str::to_owned).collect(),
            description,
        });
    }
    Ok(anomalies)
}
