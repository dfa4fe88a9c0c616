//! System metric samples every 15 minutes, consistent with the simulated calls, with incidents
//! during the planted anomalies.
//!
//! - `active_calls` (source `acd`): mean concurrent calls over the interval, from the calls themselves.
//! - `queue_depth` (source `acd`): callers waiting, when the load exceeds the staffing planned from the forecast.
//! - `asr_latency_ms` (source `asr`): speech-recognition latency, rising with load; 3–4x during outage storms.
//! - `error_rate` (source `telephony`): share of failed call legs; high during outage storms and volume drops.

use chrono::TimeDelta;

use super::random::{SimRng, lognormal_factor, poisson, uniform};
use super::tenants::TenantProfile;
use super::volume::{AnomalyKind, SLOT, expected_calls};
use super::{PlantedAnomaly, SimConfig};
use crate::model::{Call, MetricSample, Utterance};

/// Average handling time assumed when a tenant has no calls to measure it from.
const DEFAULT_HANDLE_SECS: f64 = 420.0;

fn round_to(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// Samples of every metric for every 15-minute interval of the window, in time order.
pub(crate) fn generate(
    config: &SimConfig,
    profile: &TenantProfile,
    anomalies: &[PlantedAnomaly],
    calls: &[(Call, Vec<Utterance>)],
    rng: &mut SimRng,
) -> Vec<MetricSample> {
    let end = config.end();
    let slot_ms = SLOT.num_milliseconds();
    let total_ms = (end - config.start).num_milliseconds();
    let slot_count = ((total_ms + slot_ms - 1) / slot_ms) as usize;

    // Seconds of calls in progress per slot, and the mean handling time.
    let mut busy_secs = vec![0.0f64; slot_count];
    let mut handled = (0.0f64, 0usize);
    for (call, _) in calls {
        let Some(ended) = call.ended_at else { continue };
        let from = (call.started_at - config.start).num_milliseconds().max(0);
        let to = ((ended - config.start).num_milliseconds()).min(total_ms);
        if call.agent_id.is_some() {
            handled.0 += (ended - call.started_at).num_milliseconds() as f64 / 1000.0;
            handled.1 += 1;
        }
        let mut slot = (from / slot_ms) as usize;
        while slot < slot_count && (slot as i64) * slot_ms < to {
            let slot_start = slot as i64 * slot_ms;
            let overlap = to.min(slot_start + slot_ms) - from.max(slot_start);
            busy_secs[slot] += overlap.max(0) as f64 / 1000.0;
            slot += 1;
        }
    }
    let handle_secs = if handled.1 > 0 {
        handled.0 / handled.1 as f64
    } else {
        DEFAULT_HANDLE_SECS
    };

    let mut samples = Vec::with_capacity(slot_count * 4);
    for (slot, busy) in busy_secs.into_iter().enumerate() {
        let at = config.start + TimeDelta::milliseconds(slot as i64 * slot_ms);
        let length = SLOT.min(end - at);
        let length_secs = length.num_milliseconds() as f64 / 1000.0;
        let forecast_load = expected_calls(config, profile, at, length) * handle_secs / length_secs;
        let staffed = (forecast_load * 1.15 + 1.0).ceil();
        let load = busy / length_secs;
        let utilisation = load / staffed;
        let incident = anomalies
            .iter()
            .find(|a| a.start <= at && at < a.end)
            .map(|a| a.kind);

        let queue_depth =
            ((load - 0.92 * staffed).max(0.0) * 1.6 + poisson(rng, 0.05 * load) as f64).round();
        let mut asr_latency =
            profile.asr_base_ms * (1.0 + 0.25 * utilisation.min(2.0)) * lognormal_factor(rng, 0.08);
        let error_rate = match incident {
            Some(AnomalyKind::OutageStorm) => {
                asr_latency *= uniform(rng, 2.8, 4.0);
                uniform(rng, 0.08, 0.2)
            }
            Some(AnomalyKind::VolumeDrop) => uniform(rng, 0.25, 0.45),
            _ => (0.004 * lognormal_factor(rng, 0.35) + 0.002 * utilisation.min(2.0)).min(0.05),
        };

        let sample = |metric: &str, source: &str, value: f64| MetricSample {
            tenant: profile.id.clone(),
            metric: metric.to_owned(),
            source: source.to_owned(),
            timestamp: at,
            value,
        };
        samples.push(sample("active_calls", "acd", round_to(load, 2)));
        samples.push(sample("asr_latency_ms", "asr", round_to(asr_latency, 1)));
        samples.push(sample("error_rate", "telephony", round_to(error_rate, 4)));
        samples.push(sample("queue_depth", "acd", queue_depth));
    }
    samples
}
