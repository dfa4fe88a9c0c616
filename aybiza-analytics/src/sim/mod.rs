//! A seeded simulator of contact-center data, with the ground truth of what it planted.
//!
//! [`simulate`] produces, for several tenants, everything the analyzers read:
//! tenants, calls with transcripts (utterance timing and voice features
//! included), multi-channel customer journeys and system metric samples. The
//! [`SimTruth`] beside the records says what really happened — each call's
//! scenario, the anomalies and incidents planted in volume and metrics, the
//! escalation trigger phrases put into transcripts, repeat-call links and
//! journey outcomes — so analyzers can be scored against it.
//!
//! The same [`SimConfig`] (seed included) always yields the same output.
//!
//! How the data is shaped:
//! - Volume: calls arrive per 15-minute slot as Poisson counts around a
//!   forecast with intraday seasonality (morning ramp, lunch dip, near-zero at
//!   night, in the tenant's local time) and weekly seasonality (weekends far
//!   lower), a slight trend and day-to-day noise. Planted anomalies multiply
//!   or cut the volume for a few business hours ([`AnomalyKind`]).
//! - Calls: scenario scripts ([`Scenario`]) with many alternative phrasings
//!   per turn and slots (amounts, dates, plans, names) filled per call; an
//!   unresolved call is often followed by the same customer calling again
//!   about the same issue within days.
//! - Speech: utterance durations follow word counts and speaking rates;
//!   silences, holds and interruptions and voice features move with the
//!   speaker's [`Mood`].
//! - Journeys: plausible paths over web, app, chat, e-mail and voice ending in
//!   conversion, churn or abandonment, or cut by the end of the window while
//!   still open ([`JourneyOutcome`]). Each customer has a
//!   hidden appetite for a bigger plan: customers with more of it upgrade more
//!   often and, in the days before an upsell journey, use features and look at
//!   plans and pricing (events that are part of the journey).
//! - Metrics: `asr_latency_ms`, `error_rate`, `queue_depth` and `active_calls`
//!   every 15 minutes per tenant, consistent with the simulated calls, with
//!   incidents during the planted outages.
//!
//! Tenants use time zones without daylight-saving time, so local hours are
//! exact for any window.

mod calls;
mod conversation;
mod journeys;
mod metrics;
mod random;
mod scenarios;
mod scripts;
mod tenants;
mod voice;
mod volume;

#[cfg(test)]
mod tests;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::model::Record;
use crate::{Error, Result};

pub use journeys::{JourneyKind, JourneyOutcome};
pub use scenarios::{ESCALATION_TRIGGERS, Mood, Scenario};
pub use volume::AnomalyKind;

/// Largest number of tenants one simulation accepts.
pub const MAX_TENANTS: usize = 1_000;
/// Longest window one simulation accepts, in days.
pub const MAX_DAYS: u32 = 3_660;
/// Most customers per tenant one simulation accepts.
pub const MAX_CUSTOMERS_PER_TENANT: usize = 10_000_000;
/// Most agents per tenant one simulation accepts.
pub const MAX_AGENTS_PER_TENANT: usize = 100_000;

/// What to simulate. Every count is per tenant.
///
/// In JSON (and in the Python and Node bindings) every field may be left out
/// and takes its [`Default`] value; an unknown field is an error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SimConfig {
    /// Seed of every random choice; the same config always gives the same output.
    pub seed: u64,
    /// Number of tenants (1 to [`MAX_TENANTS`]).
    pub tenants: usize,
    /// Start of the simulated window.
    pub start: DateTime<Utc>,
    /// Length of the window in days (1 to [`MAX_DAYS`]).
    pub days: u32,
    /// Average number of calls per tenant per day over a week (weekdays get more, weekends fewer).
    pub calls_per_day: usize,
    /// Size of each tenant's customer base that calls come from (at most [`MAX_CUSTOMERS_PER_TENANT`]).
    pub customers_per_tenant: usize,
    /// Size of each tenant's agent pool (at most [`MAX_AGENTS_PER_TENANT`]).
    pub agents_per_tenant: usize,
    /// Average number of customer journeys started per tenant per day.
    pub journeys_per_day: usize,
    /// Number of anomalies (outage storms, volume spikes, volume drops) planted per tenant, each on its own day.
    pub anomaly_days: usize,
}

impl Default for SimConfig {
    /// Two tenants, four weeks from Monday 2026-01-05 00:00 UTC, 300 calls a day each, three anomalies each.
    fn default() -> Self {
        Self {
            seed: 42,
            tenants: 2,
            start: Utc.with_ymd_and_hms(2026, 1, 5, 0, 0, 0).unwrap(),
            days: 28,
            calls_per_day: 300,
            customers_per_tenant: 3_000,
            agents_per_tenant: 24,
            journeys_per_day: 40,
            anomaly_days: 3,
        }
    }
}

impl SimConfig {
    /// Checks that the config describes a simulation that can be run.
    pub fn validate(&self) -> Result<()> {
        let invalid = |message: String| Err(Error::InvalidArgument(message));
        if self.tenants == 0 || self.tenants > MAX_TENANTS {
            return invalid(format!(
                "tenants must be between 1 and {MAX_TENANTS}, got {}",
                self.tenants
            ));
        }
        if self.days == 0 || self.days > MAX_DAYS {
            return invalid(format!(
                "days must be between 1 and {MAX_DAYS}, got {}",
                self.days
            ));
        }
        if self.calls_per_day > 0 && self.customers_per_tenant == 0 {
            return invalid(
                "customers_per_tenant must be at least 1 when calls are simulated".into(),
            );
        }
        if self.calls_per_day > 0 && self.agents_per_tenant == 0 {
            return invalid("agents_per_tenant must be at least 1 when calls are simulated".into());
        }
        if self.customers_per_tenant > MAX_CUSTOMERS_PER_TENANT {
            return invalid(format!(
                "customers_per_tenant must be at most {MAX_CUSTOMERS_PER_TENANT}, got {}",
                self.customers_per_tenant
            ));
        }
        if self.agents_per_tenant > MAX_AGENTS_PER_TENANT {
            return invalid(format!(
                "agents_per_tenant must be at most {MAX_AGENTS_PER_TENANT}, got {}",
                self.agents_per_tenant
            ));
        }
        if self.anomaly_days > self.days as usize {
            return invalid(format!(
                "anomaly_days ({}) cannot exceed days ({}): each anomaly gets its own day",
                self.anomaly_days, self.days
            ));
        }
        let volume = self.tenants as u128
            * self.days as u128
            * (self.calls_per_day as u128 + self.journeys_per_day as u128);
        if volume > 50_000_000 {
            return invalid(format!(
                "tenants x days x (calls_per_day + journeys_per_day) is {volume}, over the limit of 50000000"
            ));
        }
        if self
            .start
            .checked_add_signed(TimeDelta::days(self.days as i64 + 30))
            .is_none()
            || self.start.checked_sub_signed(TimeDelta::days(30)).is_none()
        {
            return invalid(format!(
                "a window of {} days from {} is out of range",
                self.days, self.start
            ));
        }
        Ok(())
    }

    /// The exclusive end of the simulated window.
    pub fn end(&self) -> DateTime<Utc> {
        self.start + TimeDelta::days(self.days as i64)
    }
}

/// The simulated records and the ground truth behind them.
#[derive(Debug, Clone, PartialEq)]
pub struct SimOutput {
    /// Every record: per tenant its tenant record, calls (each followed by its utterances) in start order,
    /// journey events in time order, then metric samples in time order. All pass ingest validation.
    pub records: Vec<Record>,
    /// What the simulator planted.
    pub truth: SimTruth,
}

/// The ground truth of a simulation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimTruth {
    /// One entry per simulated call, in the order of the records.
    pub calls: Vec<CallTruth>,
    /// Every planted anomaly, per tenant in time order.
    pub anomalies: Vec<PlantedAnomaly>,
    /// The catalogue of escalation trigger phrases; escalated calls contain some of them, other calls none.
    pub escalation_triggers: Vec<String>,
    /// One entry per simulated customer journey.
    pub journeys: Vec<JourneyTruth>,
    /// Every agent with the hidden skill that shaped their calls' outcomes.
    pub agents: Vec<AgentTruth>,
}

/// What really happened on one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallTruth {
    /// Owning tenant.
    pub tenant: String,
    /// The call's id.
    pub call_id: String,
    /// The caller.
    pub customer_id: String,
    /// When the call started.
    pub started_at: DateTime<Utc>,
    /// The script the call followed.
    pub scenario: Scenario,
    /// The specific issue within the scenario (e.g. `charged_twice`); repeat calls keep the original issue.
    pub issue: String,
    /// For a repeat call, the customer's previous call about the same issue.
    pub repeat_of: Option<String>,
    /// The planted anomaly that generated this call (extra calls of an outage storm or volume spike).
    pub anomaly_id: Option<String>,
    /// The trigger phrases (from [`ESCALATION_TRIGGERS`]) the customer said; empty unless escalated.
    pub escalation_triggers: Vec<String>,
    /// The customer's mood when stating the issue.
    pub opening_mood: Mood,
    /// The customer's mood at the end of the call.
    pub closing_mood: Mood,
}

/// An anomaly planted in one tenant's call volume (and, for some kinds, its metrics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlantedAnomaly {
    /// Stable id, also stored in the `sim.anomaly` attribute of the calls it generated.
    pub id: String,
    /// Owning tenant.
    pub tenant: String,
    /// What kind of disturbance it is.
    pub kind: AnomalyKind,
    /// Start of the disturbed interval (on a 15-minute boundary).
    pub start: DateTime<Utc>,
    /// Exclusive end of the disturbed interval.
    pub end: DateTime<Utc>,
    /// Multiplier applied to the expected call volume inside the interval (above 1 for surges, below for drops).
    pub volume_factor: f64,
    /// Metrics that show an incident over the same interval.
    pub affected_metrics: Vec<String>,
    /// Human-readable description.
    pub description: String,
}

/// What really happened in one customer journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyTruth {
    /// Owning tenant.
    pub tenant: String,
    /// Id of the journey (not present in the records; events are linked by customer and time).
    pub journey_id: String,
    /// The customer (or prospect) travelling it.
    pub customer_id: String,
    /// Why the journey started.
    pub kind: JourneyKind,
    /// How it ended.
    pub outcome: JourneyOutcome,
    /// Value of the converting event, for conversions.
    pub value: Option<f64>,
    /// The journey's event ids in time order.
    pub event_ids: Vec<String>,
    /// The journey's path as `channel:action` steps, in time order.
    pub path: Vec<String>,
}

/// One agent of a tenant's pool.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgentTruth {
    /// Owning tenant.
    pub tenant: String,
    /// The agent's id, as in [`crate::model::Call::agent_id`].
    pub agent_id: String,
    /// The name the agent uses on calls.
    pub name: String,
    /// Hidden skill in [0, 1]; higher skill resolves more calls on the first contact.
    pub skill: f64,
}

/// Runs a simulation. Fails with [`Error::InvalidArgument`] when the config is invalid (see [`SimConfig::validate`]).
pub fn simulate(config: &SimConfig) -> Result<SimOutput> {
    config.validate()?;
    let mut records = Vec::new();
    let mut truth = SimTruth {
        calls: Vec::new(),
        anomalies: Vec::new(),
        escalation_triggers: ESCALATION_TRIGGERS
            .iter()
            .map(|t| (*t).to_owned())
            .collect(),
        journeys: Vec::new(),
        agents: Vec::new(),
    };
    for index in 0..config.tenants {
        let stream = |component: u64| random::stream(config.seed, &[index as u64, component]);
        let profile = tenants::profile(index);
        records.push(Record::Tenant(profile.tenant_record()));

        let agents = tenants::agents(&profile, config.agents_per_tenant, &mut stream(1));
        let anomalies = volume::plant_anomalies(config, &profile, &mut stream(2))?;
        let arrivals = volume::arrivals(config, &profile, &anomalies, &mut stream(3));
        let generated = calls::generate(
            config,
            &profile,
            &agents,
            &anomalies,
            &arrivals,
            &mut stream(4),
        );
        let samples = metrics::generate(
            config,
            &profile,
            &anomalies,
            &generated.calls,
            &mut stream(5),
        );
        let journeys = journeys::generate(config, &profile, &mut stream(6), &mut stream(7));

        for (call, utterances) in generated.calls {
            records.push(Record::Call(call));
            records.extend(utterances.into_iter().map(Record::Utterance));
        }
        records.extend(journeys.events.into_iter().map(Record::JourneyEvent));
        records.extend(samples.into_iter().map(Record::Metric));
        truth.calls.extend(generated.truth);
        truth.anomalies.extend(anomalies);
        truth.journeys.extend(journeys.truth);
        truth
            .agents
            .extend(agents.into_iter().map(|agent| agent.truth));
    }
    Ok(SimOutput { records, truth })
}

pub use crate::export::write_jsonl;
