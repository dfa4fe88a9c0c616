//! Insights: `generateInsights` for one tenant and period of a store, the `InsightScheduler`
//! class for cron-scheduled runs and the `LiveInsights` class for a stream of ended calls.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use aybiza_analytics::Error;
use aybiza_analytics::insights::{
    InsightGenerator, InsightOptions, InsightSchedule, LiveInsightOptions, SchedulerState,
    StatisticalInsights,
};
use aybiza_analytics::journey::json::journey_event;
use aybiza_analytics::model::Call;
use chrono::{SecondsFormat, Utc};
use napi::bindgen_prelude::{PromiseRaw, Unknown};
use napi::{Env, ValueType};
use napi_derive::napi;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::{self, Checked};
use crate::store::Store;
use crate::{errors, promise};

/// Insights for a tenant's calls and journeys of `[start, end)`, highest impact first (`kind`,
/// `category`, `segment`, `title`, `description`, `impact`, `evidence`): queues, channels and
/// agents that differ from the rest and, with both ends given, changes against the period of
/// equal length before; the metrics include each call's customer sentiment, scored from its
/// utterances, and the conversion and churn of the journeys that began in the period (by the
/// channel they began in). `options` holds `InsightOptions` fields (`false_discovery_rate`,
/// `min_calls`, `min_relative_change`, `min_sentiment_change`, `max_insights`, `segment_by`,
/// `journey`: `JourneyConfig` fields); an unknown field or a value out of range rejects with
/// code `InvalidArgument`.
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<Record<string, unknown>>>"
)]
pub fn generate_insights<'env>(
    env: &'env Env,
    store: &Store,
    tenant: String,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let range = convert::time_range(start, end)?;
    let options = convert::options_or_default::<InsightOptions>("options", options)?;
    let store = store.shared();
    promise::spawn(env, async move {
        let generator = StatisticalInsights { options: options? };
        let insights = generator.generate(store.as_ref(), &tenant, range?).await?;
        Ok(serde_json::to_value(insights)?)
    })
}

/// Watches streams of ended calls and journey events, of any number of tenants, for metrics
/// (escalation, transfer, resolution and abandonment rates, handle time, satisfaction, customer
/// sentiment; the shares of journey events that are conversion and churn actions) whose last
/// hour differs from the 24 hours before, overall and per queue and channel.
#[napi]
pub struct LiveInsights {
    detector: Mutex<aybiza_analytics::insights::LiveInsights>,
}

#[napi]
impl LiveInsights {
    /// A detector with these options (`window_minutes`, `baseline_hours`, `bucket_minutes`,
    /// `min_calls`, `raise_p_value`, `clear_p_value`, `min_relative_change`,
    /// `min_sentiment_change`, `segment_by`, `conversion_actions`, `churn_actions`).
    /// Throws with code `InvalidArgument` for an option out of range or unknown.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "Record<string, unknown> | null")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        let detector = convert::options_or_default::<LiveInsightOptions>("options", options)?
            .and_then(aybiza_analytics::insights::LiveInsights::new)
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            detector: Mutex::new(detector),
        })
    }

    /// Adds an ended call (a call record, with or without `type: 'call'`), and its customer
    /// sentiment in [-1, 1] if known (watched like the other metrics), and returns the insights
    /// it raised or cleared, usually none: `state` (`raised` or `cleared`), `tenant`, `at`,
    /// `window`, `baseline` and the insight's fields (`kind` is `live_change`). Throws with
    /// code `InvalidArgument` for a call that has not ended, ended before its tenant's
    /// baseline, or ends more than a day from now, or a sentiment outside [-1, 1]; such a call
    /// changes nothing.
    #[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn observe(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Call | (Call & { type: 'call' })")] call: Unknown,
        customer_sentiment: Option<f64>,
    ) -> napi::Result<Value> {
        convert::object_json("call", call)?
            .and_then(Call::from_json)
            .and_then(|call| {
                self.detector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .observe_with_sentiment(&call, customer_sentiment)
            })
            .and_then(|events| Ok(serde_json::to_value(events)?))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Adds a journey event (as `Store.journeyEvents` returns it, with or without
    /// `type: 'journey_event'`) to the shares of the tenant's journey events that are
    /// conversion and churn actions (`conversion_action_rate`, `churn_action_rate`, overall and
    /// per channel), and returns the insights it raised or cleared, as `observe` does. Throws
    /// with code `InvalidArgument` for an event with no tenant, before its tenant's baseline or
    /// more than a day from now; such an event changes nothing.
    #[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn observe_journey_event(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "JourneyEventInput")] event: Unknown,
    ) -> napi::Result<Value> {
        convert::object_json("event", event)?
            .and_then(journey_event)
            .and_then(|event| {
                self.detector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .observe_journey_event(&event)
            })
            .and_then(|events| Ok(serde_json::to_value(events)?))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Replays stored records as they happened: `calls` (as `Store.calls` returns them) and
    /// `journeyEvents` (as `Store.journeyEvents` returns them), sorted by time (a call's end),
    /// with the calls' `customerSentiments` (call id to score; ids are unique within a tenant,
    /// so give them for one tenant's calls at a time). Returns every insight raised or cleared,
    /// in order. Unlike `observe`, history dated ahead of the system clock is replayed as it
    /// stands; calls that have not ended are skipped. Throws with code `InvalidArgument`,
    /// naming it, for a record that does not parse, before any is counted.
    #[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn replay(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Array<Call | (Call & { type: 'call' })> | null")] calls: Option<
            Unknown,
        >,
        #[napi(ts_arg_type = "Array<JourneyEventInput> | null")] journey_events: Option<Unknown>,
        #[napi(ts_arg_type = "Record<string, number> | null")] customer_sentiments: Option<Unknown>,
    ) -> napi::Result<Value> {
        // Each argument as JSON of its type, or empty when absent.
        fn parsed<T: DeserializeOwned + Default>(
            name: &str,
            value: Option<Unknown>,
            json: fn(&str, Unknown) -> napi::Result<Checked<Value>>,
        ) -> napi::Result<Checked<T>> {
            Ok(match value {
                Some(value) => json(name, value)?.and_then(|json| {
                    serde_path_to_error::deserialize(json)
                        .map_err(|e| Error::InvalidArgument(format!("{name}: {e}")))
                }),
                None => Ok(T::default()),
            })
        }
        let calls: Checked<Vec<Value>> = parsed("calls", calls, convert::array_json)?;
        let journey_events: Checked<Vec<Value>> =
            parsed("journeyEvents", journey_events, convert::array_json)?;
        let sentiments: Checked<HashMap<String, f64>> = parsed(
            "customerSentiments",
            customer_sentiments,
            convert::object_json,
        )?;
        calls
            .and_then(|calls| {
                self.detector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .replay_json(calls, journey_events?, &sentiments?)
            })
            .and_then(|events| Ok(serde_json::to_value(events)?))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Moves every tenant's clock to `now` (`null` for now) and returns the raised insights it
    /// clears: those whose window or baseline has thinned under half of `min_calls`, or whose
    /// difference is gone. Call it every few minutes, so that an insight of a tenant whose calls
    /// (journey events) stop does not stay raised.
    #[napi(catch_unwind, ts_return_type = "Array<Record<string, unknown>>")]
    pub fn expire(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "TimeBound")] now: Option<Unknown>,
    ) -> napi::Result<Value> {
        convert::instant("now", now)?
            .map(|now| {
                self.detector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .expire(now.unwrap_or_else(Utc::now))
            })
            .and_then(|events| Ok(serde_json::to_value(events)?))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// The options in use.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn options(&self, env: &Env) -> napi::Result<Value> {
        let detector = self.detector.lock().unwrap_or_else(PoisonError::into_inner);
        serde_json::to_value(detector.options()).map_err(|e| errors::to_napi(env, &e.into()))
    }
}

/// Runs statistical insights on cron schedules: ask `nextDue()`, call `runDue(store)` at or
/// after it (from a timer or job runner), and keep `state` to resume after a restart.
#[napi]
pub struct InsightScheduler {
    /// The scheduler `runDue` works on, one run at a time.
    running: Arc<tokio::sync::Mutex<Scheduler>>,
    /// A copy as of the last finished `runDue`, which `nextDue` and `state` read without
    /// waiting for a run in progress.
    finished: Arc<Mutex<Scheduler>>,
}

type Scheduler = aybiza_analytics::insights::InsightScheduler;

#[napi]
impl InsightScheduler {
    /// A scheduler for `schedules` (objects with `name`, `cron`, and optionally `timezone`,
    /// `window` — `since_previous_run`, `previous_day` or `previous_week` — `tenants` and
    /// `options`; `null` for the daily run at 06:00 UTC on the previous day and the weekly run on
    /// Mondays at 09:00 UTC on the previous week). Schedules in `state` (from `state`) resume
    /// after their last run; others run from the first due time after `start` (`null` for
    /// now). `maxCatchUp` (7 when `null`) bounds the missed due times a schedule runs after
    /// downtime. Throws with code `InvalidArgument` for a bad schedule.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "Array<Record<string, unknown>> | null")] schedules: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "Record<string, unknown> | null")] state: Option<Unknown>,
        max_catch_up: Option<u32>,
    ) -> napi::Result<Self> {
        let schedules = match schedules {
            Some(list) if list.get_type()? != ValueType::Null => {
                convert::array_json("schedules", list)?
                    .and_then(|json| convert::from_json::<Vec<InsightSchedule>>("schedules", json))
            }
            _ => Ok(vec![InsightSchedule::daily(), InsightSchedule::weekly()]),
        };
        let state = convert::options_or_default::<SchedulerState>("state", state)?;
        let start = convert::instant("start", start)?;
        let scheduler = schedules
            .and_then(|schedules| {
                let start = start?.unwrap_or_else(Utc::now);
                Scheduler::new(schedules, start, state?)
            })
            .map(|scheduler| {
                scheduler.with_max_catch_up(
                    max_catch_up.map_or(Scheduler::DEFAULT_MAX_CATCH_UP, |n| n as usize),
                )
            })
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            finished: Arc::new(Mutex::new(scheduler.clone())),
            running: Arc::new(tokio::sync::Mutex::new(scheduler)),
        })
    }

    /// The earliest time a schedule is due, as an ISO-8601 UTC string, as of the last finished
    /// `runDue`.
    #[napi(catch_unwind)]
    pub fn next_due(&self, env: &Env) -> napi::Result<String> {
        self.finished()
            .next_due()
            .map(|due| due.to_rfc3339_opts(SecondsFormat::Millis, true))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Runs what is due at or before `now` (`null` for now) for each tenant, oldest first:
    /// `schedule`, `tenant`, `due_at`, `range`, `insights`, and `error` when that tenant's run
    /// failed (the others go on). Rejects with code `Store` when the store's tenants cannot be
    /// read; the runs not done stay due.
    #[napi(
        catch_unwind,
        ts_return_type = "Promise<Array<Record<string, unknown>>>"
    )]
    pub fn run_due<'env>(
        &self,
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "TimeBound")] now: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let now = convert::instant("now", now)?;
        let store = store.shared();
        let (running, finished) = (Arc::clone(&self.running), Arc::clone(&self.finished));
        promise::spawn(env, async move {
            let now = now?.unwrap_or_else(Utc::now);
            let mut scheduler = running.lock().await;
            let runs = scheduler.run_due(store.as_ref(), now).await?;
            *finished.lock().unwrap_or_else(PoisonError::into_inner) = scheduler.clone();
            Ok(serde_json::to_value(runs)?)
        })
    }

    /// The progress to persist (`{last_due: {schedule: instant}}`) as of the last finished
    /// `runDue`; pass it back as `state`.
    #[napi(getter, ts_return_type = "Record<string, unknown>")]
    pub fn state(&self, env: &Env) -> napi::Result<Value> {
        serde_json::to_value(self.finished().state()).map_err(|e| errors::to_napi(env, &e.into()))
    }
}

impl InsightScheduler {
    /// The scheduler as of the last finished `runDue`.
    fn finished(&self) -> std::sync::MutexGuard<'_, Scheduler> {
        self.finished.lock().unwrap_or_else(PoisonError::into_inner)
    }
}
