//! Insights: `generate_insights` for one tenant and period of a store, the `InsightScheduler`
//! class for cron-scheduled runs and the `LiveInsights` class for a stream of ended calls.

use std::collections::HashMap;
use std::sync::MutexGuard;

use aybiza_analytics::insights::{
    InsightGenerator, InsightOptions, InsightSchedule, InsightScheduler, LiveInsightOptions,
    LiveInsights, SchedulerState, StatisticalInsights,
};
use aybiza_analytics::journey::json::journey_event;
use aybiza_analytics::model::Call;
use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use serde_json::Value;

use crate::convert::{
    dict_to_json, from_json, list_to_json, options_or_default, time_bound, time_range, to_py,
};
use crate::errors::to_py_err;
use crate::fork_safe::ForkSafeMutex;
use crate::runtime::run;
use crate::store::PyStore;

/// Insights for a tenant's calls and journeys of `[start, end)`, highest impact first, as a list of dicts
/// (`kind`, `category`, `segment`, `title`, `description`, `impact`, `evidence`). With both ends
/// given the period is also compared with the one of equal length before it. `options` is a dict
/// of `InsightOptions` fields; `None` for defaults.
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, options=None))]
pub fn generate_insights<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let range = time_range(start, end)?;
    let options: InsightOptions = options_or_default("options", options)?;
    let store = store.shared();
    let generator = StatisticalInsights { options };
    let insights = run(py, async move {
        generator.generate(store.as_ref(), &tenant, range).await
    })?;
    to_py(py, &insights)
}

/// Watches streams of ended calls and journey events for metrics whose last hour differs from
/// the day before: `observe(call)` and `observe_journey_event(event)` return the insights the
/// record raised or cleared.
#[pyclass(name = "LiveInsights", module = "aybiza_analytics", frozen)]
pub struct PyLiveInsights {
    detector: ForkSafeMutex<LiveInsights>,
}

/// The live detector's name in errors.
const LIVE_INSIGHTS: &str = "LiveInsights";

impl PyLiveInsights {
    /// The detector, locked. A poisoned lock is taken as it is: the worst a call that
    /// panicked leaves behind is one record partly counted.
    fn detector(&self, py: Python<'_>) -> PyResult<MutexGuard<'_, LiveInsights>> {
        self.detector.lock_as_left(py, LIVE_INSIGHTS)
    }
}

#[pymethods]
impl PyLiveInsights {
    /// A detector with these options (a dict of `LiveInsightOptions` fields; `None` for the
    /// defaults).
    #[new]
    #[pyo3(signature = (options=None))]
    fn new(options: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let options: LiveInsightOptions = options_or_default("options", options)?;
        let detector = LiveInsights::new(options).map_err(to_py_err)?;
        Ok(Self {
            detector: ForkSafeMutex::new(detector),
        })
    }

    /// Adds an ended call (a call record dict, with or without `"type": "call"`), and its
    /// customer sentiment in [-1, 1] if known, and returns the insights it raised or cleared,
    /// as dicts (`state`, `tenant`, `at`, `window`, `baseline` and the insight's fields). A call
    /// that has not ended or ended before its tenant's baseline, or a sentiment outside
    /// [-1, 1], raises `InvalidArgumentError` and changes nothing.
    #[pyo3(signature = (call, customer_sentiment=None))]
    fn observe<'py>(
        &self,
        py: Python<'py>,
        call: &Bound<'py, PyAny>,
        customer_sentiment: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let call = Call::from_json(dict_to_json("call", call)?).map_err(to_py_err)?;
        let events = self
            .detector(py)?
            .observe_with_sentiment(&call, customer_sentiment)
            .map_err(to_py_err)?;
        to_py(py, &events)
    }

    /// Adds a journey event (a dict as `Store.journey_events` returns it, with or without
    /// `"type": "journey_event"`) to the shares of the tenant's journey events that are
    /// conversion and churn actions (`conversion_action_rate`, `churn_action_rate`, overall and
    /// per channel), and returns the insights it raised or cleared, as `observe` does. An event
    /// with no tenant, before its tenant's baseline or more than a day from now raises
    /// `InvalidArgumentError` and changes nothing.
    fn observe_journey_event<'py>(
        &self,
        py: Python<'py>,
        event: &Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let event = journey_event(dict_to_json("event", event)?).map_err(to_py_err)?;
        let events = self
            .detector(py)?
            .observe_journey_event(&event)
            .map_err(to_py_err)?;
        to_py(py, &events)
    }

    /// Replays stored records as they happened: `calls` (call dicts, as `Store.calls` returns
    /// them) and `journey_events` (as `Store.journey_events` returns them), sorted by time
    /// (a call's end), with the calls' `customer_sentiments` (a dict of call id to score;
    /// ids are unique within a tenant, so give them for one tenant's calls at a time). Returns
    /// every insight raised or cleared, in order. Unlike `observe`, history dated ahead of
    /// the system clock is replayed as it stands; calls that have not ended are skipped. A
    /// record that does not parse raises `InvalidArgumentError` naming it, before any is
    /// counted.
    #[pyo3(signature = (calls=None, journey_events=None, customer_sentiments=None))]
    fn replay<'py>(
        &self,
        py: Python<'py>,
        calls: Option<&Bound<'py, PyAny>>,
        journey_events: Option<&Bound<'py, PyAny>>,
        customer_sentiments: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let list = |name: &str, list: Option<&Bound<'py, PyAny>>| -> PyResult<Vec<Value>> {
            match list {
                Some(list) => from_json(name, list_to_json(name, list)?),
                None => Ok(Vec::new()),
            }
        };
        let (calls, journey_events) = (
            list("calls", calls)?,
            list("journey_events", journey_events)?,
        );
        let sentiments: HashMap<String, f64> = match customer_sentiments {
            Some(dict) => from_json(
                "customer_sentiments",
                dict_to_json("customer_sentiments", dict)?,
            )?,
            None => HashMap::new(),
        };
        let mut detector = self.detector(py)?;
        let detector: &mut LiveInsights = &mut detector;
        // Parsing the records and replaying them need no Python objects: other Python threads
        // run meanwhile (a month of a tenant's calls takes tens of milliseconds).
        let events = py
            .detach(|| detector.replay_json(calls, journey_events, &sentiments))
            .map_err(to_py_err)?;
        to_py(py, &events)
    }

    /// Moves every tenant's clock to `now` (a datetime or ISO-8601 str; `None` for now) and
    /// returns the raised insights it clears: those whose window or baseline has thinned under
    /// half of `min_calls`, or whose difference is gone. Call it every few minutes, so that an
    /// insight of a tenant whose calls (journey events) stop does not stay raised.
    #[pyo3(signature = (now=None))]
    fn expire<'py>(
        &self,
        py: Python<'py>,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = time_bound("now", now)?.unwrap_or_else(Utc::now);
        let events = self.detector(py)?.expire(now);
        to_py(py, &events)
    }

    /// The options in use, as a dict.
    #[getter]
    fn options<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.detector(py)?.options())
    }
}

/// The scheduler's name in errors.
const SCHEDULER: &str = "InsightScheduler";

/// Runs statistical insights on cron schedules: ask `next_due()`, call `run_due(store)` at or
/// after it, and keep `state` to resume after a restart.
#[pyclass(name = "InsightScheduler", module = "aybiza_analytics", frozen)]
pub struct PyInsightScheduler {
    scheduler: ForkSafeMutex<InsightScheduler>,
}

impl PyInsightScheduler {
    /// The scheduler, locked (a panic in an earlier run leaves its state as that run left it).
    fn scheduler(&self, py: Python<'_>) -> PyResult<MutexGuard<'_, InsightScheduler>> {
        self.scheduler.lock_as_left(py, SCHEDULER)
    }
}

#[pymethods]
impl PyInsightScheduler {
    /// A scheduler for `schedules` (dicts: `name`, `cron`, and optionally `timezone`,
    /// `window`, `tenants`, `options`; `None` for the daily and weekly defaults). Schedules in
    /// `state` (a dict from `state`) resume after their last run; others run from the first due
    /// time after `start` (a datetime or ISO-8601 str; `None` for now). `max_catch_up` (7 when
    /// `None`) bounds the missed due times a schedule runs after downtime.
    #[new]
    #[pyo3(signature = (schedules=None, start=None, state=None, max_catch_up=None))]
    fn new(
        schedules: Option<&Bound<'_, PyAny>>,
        start: Option<&Bound<'_, PyAny>>,
        state: Option<&Bound<'_, PyAny>>,
        max_catch_up: Option<usize>,
    ) -> PyResult<Self> {
        let schedules: Vec<InsightSchedule> = match schedules.filter(|s| !s.is_none()) {
            Some(list) => from_json("schedules", list_to_json("schedules", list)?)?,
            None => vec![InsightSchedule::daily(), InsightSchedule::weekly()],
        };
        let state: SchedulerState = options_or_default("state", state)?;
        let start = time_bound("start", start)?.unwrap_or_else(Utc::now);
        let scheduler = InsightScheduler::new(schedules, start, state)
            .map_err(to_py_err)?
            .with_max_catch_up(max_catch_up.unwrap_or(InsightScheduler::DEFAULT_MAX_CATCH_UP));
        Ok(Self {
            scheduler: ForkSafeMutex::new(scheduler),
        })
    }

    /// The earliest time a schedule is due, as a UTC datetime.
    fn next_due(&self, py: Python<'_>) -> PyResult<DateTime<Utc>> {
        self.scheduler(py)?.next_due().map_err(to_py_err)
    }

    /// Runs what is due at or before `now` (a datetime or ISO-8601 str; `None` for now) for
    /// each tenant, oldest first, and returns the runs as dicts (`schedule`, `tenant`,
    /// `due_at`, `range`, `insights`, and `error` when a tenant's run failed).
    #[pyo3(signature = (store, now=None))]
    fn run_due<'py>(
        &self,
        py: Python<'py>,
        store: &PyStore,
        now: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let now = time_bound("now", now)?.unwrap_or_else(Utc::now);
        let store = store.shared();
        // Locked without holding the GIL, since the run below releases it.
        let mut scheduler = self.scheduler(py)?;
        let scheduler: &mut InsightScheduler = &mut scheduler;
        let runs = run(py, async { scheduler.run_due(store.as_ref(), now).await })?;
        to_py(py, &runs)
    }

    /// The progress to persist (`{"last_due": {schedule: instant}}`); pass it back as `state`.
    #[getter]
    fn state<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, self.scheduler(py)?.state())
    }
}
