//! Customer journeys: attribution, journey maps and funnels, cohorts, BG/NBD
//! and Gamma-Gamma lifetime value, and the live `JourneyTracker` class.
//!
//! Arguments are read by `aybiza_analytics::journey::json`, which the Python
//! bindings share, so both languages accept the same shapes and report the
//! same errors. Work over whole data sets runs off the JS thread and returns a
//! Promise; the tracker and the per-customer LTV formulas are synchronous.

use aybiza_analytics::journey::json;
use aybiza_analytics::journey::ltv::{BgNbd, CustomerRfm, GammaGamma};
use aybiza_analytics::journey::map;
use aybiza_analytics::journey::tracker::LiveJourneyTracker;
use aybiza_analytics::{Error, JourneyTracker as _};
use napi::bindgen_prelude::{FunctionRef, PromiseRaw, Unknown, spawn_blocking};
use napi::{Env, ValueType};
use napi_derive::napi;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::convert::{self, Checked};
use crate::store::Store;
use crate::{errors, promise};

/// Runs `work` on its checked input on a blocking thread and returns a Promise of its result's JSON.
fn blocking<'env, I, T, F>(
    env: &'env Env,
    input: Checked<I>,
    work: F,
) -> napi::Result<PromiseRaw<'env, Value>>
where
    I: Send + 'static,
    T: Serialize,
    F: FnOnce(I) -> aybiza_analytics::Result<T> + Send + 'static,
{
    promise::spawn(env, async move {
        let input = input?;
        spawn_blocking(move || Ok(serde_json::to_value(work(input)?)?))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    })
}

/// The path of a file argument.
fn file_path(value: Unknown) -> napi::Result<Checked<std::path::PathBuf>> {
    Ok(convert::string_arg("path", value)?.map(std::path::PathBuf::from))
}

/// Every attribution model (first/last touch, linear, time decay, position
/// based, Markov, Shapley) on aggregated paths. Rejects with code
/// `InvalidArgument` for a missing, unknown or mistyped field, a negative
/// count or a Markov order outside 1..3.
#[napi(catch_unwind, ts_return_type = "Promise<AttributionReport>")]
pub fn attribution<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<PathInput>")] paths: Unknown,
    #[napi(ts_arg_type = "AttributionOptions | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let paths = convert::array_json("paths", paths)?;
    let options = convert::optional_object_json("options", options)?;
    let input = paths.and_then(|paths| Ok((paths, options?)));
    blocking(env, input, |(paths, options)| {
        json::attribution(paths, options)
    })
}

/// `attribution` with default options on the aggregated paths of a CSV file
/// (header row; a name ending `.gz` is decompressed).
#[napi(catch_unwind, ts_return_type = "Promise<AttributionReport>")]
pub fn attribution_csv<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown,
    #[napi(ts_arg_type = "PathColumns | null")] columns: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let path = file_path(path)?;
    let columns = convert::optional_object_json("columns", columns)?;
    let input = path.and_then(|path| Ok((path, columns?)));
    blocking(env, input, |(path, columns)| {
        json::attribution_csv(&path, columns)
    })
}

/// The journeys of journey events (any order, any customers): each customer's
/// events cut at a conversion or churn action of `config` and when the next
/// event comes more than `inactivity_secs` later; ordered by customer, then
/// start. Rejects with code `InvalidArgument` for a bad event (`events[i]: …`)
/// or an unknown config field.
#[napi(catch_unwind, ts_return_type = "Promise<Journey[]>")]
pub fn journeys<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<JourneyEventInput>")] events: Unknown,
    #[napi(ts_arg_type = "JourneyConfig | null")] config: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let events = convert::array_json("events", events)?;
    let config = convert::optional_object_json("config", config)?;
    let input = events.and_then(|events| Ok((events, config?)));
    blocking(env, input, |(events, config)| {
        json::journeys(events, config)
    })
}

/// The channel paths of the journeys `journeys` cuts from `events`, one row
/// per distinct path with its conversions, their summed value and its nulls:
/// the input of `attribution`. Rejects with code `InvalidArgument` for a bad
/// event, a blank channel or an unknown config field.
#[napi(catch_unwind, ts_return_type = "Promise<ChannelPath[]>")]
pub fn journey_paths<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<JourneyEventInput>")] events: Unknown,
    #[napi(ts_arg_type = "JourneyConfig | null")] config: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let events = convert::array_json("events", events)?;
    let config = convert::optional_object_json("config", config)?;
    let input = events.and_then(|events| Ok((events, config?)));
    blocking(env, input, |(events, config)| {
        json::journey_paths(events, config)
    })
}

/// The journey map (variants, edges, start and end activities, case
/// durations) of `{case, activity, timestamp}` events.
#[napi(catch_unwind, ts_return_type = "Promise<JourneyMap>")]
pub fn journey_map<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<CaseEvent>")] events: Unknown,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let events = convert::array_json("events", events)?;
    blocking(env, events, |events| {
        json::event_log(events).map(|log| map::journey_map(&log))
    })
}

/// The journey map of a CSV event log (a name ending `.gz` is decompressed).
#[napi(catch_unwind, ts_return_type = "Promise<JourneyMap>")]
pub fn journey_map_csv<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown,
    #[napi(ts_arg_type = "LogColumns | null")] columns: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let path = file_path(path)?;
    let columns = convert::optional_object_json("columns", columns)?;
    let input = path.and_then(|path| Ok((path, columns?)));
    blocking(env, input, |(path, columns)| {
        json::event_log_csv(&path, columns).map(|log| map::journey_map(&log))
    })
}

/// The journey-map metrics (variants, conversion rate, durations, drop-offs,
/// funnel) side by side per segment of `{case, activity, timestamp, segment}`
/// events; a case belongs to the segment of its earliest event.
#[napi(catch_unwind, ts_return_type = "Promise<SegmentComparison>")]
pub fn journey_segments<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<SegmentEvent>")] events: Unknown,
    #[napi(ts_arg_type = "SegmentOptions | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let events = convert::array_json("events", events)?;
    let options = convert::optional_object_json("options", options)?;
    let input = events.and_then(|events| Ok((events, options?)));
    blocking(env, input, |(events, options)| {
        json::segments(events, options)
    })
}

/// `journeySegments` of a CSV event log (a name ending `.gz` is
/// decompressed), segments read from `segmentColumn`.
#[napi(catch_unwind, ts_return_type = "Promise<SegmentComparison>")]
pub fn journey_segments_csv<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown,
    #[napi(ts_arg_type = "string")] segment_column: Unknown,
    #[napi(ts_arg_type = "LogColumns | null")] columns: Option<Unknown>,
    #[napi(ts_arg_type = "SegmentOptions | null")] options: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let path = file_path(path)?;
    let segment_column = convert::string_arg("segmentColumn", segment_column)?;
    let columns = convert::optional_object_json("columns", columns)?;
    let options = convert::optional_object_json("options", options)?;
    let input = path.and_then(|path| Ok((path, segment_column?, columns?, options?)));
    blocking(env, input, |(path, segment_column, columns, options)| {
        json::segments_csv(&path, &segment_column, columns, options)
    })
}

/// How many cases reach each of `stages` in order.
#[napi(catch_unwind, ts_return_type = "Promise<FunnelStep[]>")]
pub fn funnel<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<CaseEvent>")] events: Unknown,
    #[napi(ts_arg_type = "ReadonlyArray<string>")] stages: Unknown,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let events = convert::array_json("events", events)?;
    let stages = convert::string_array("stages", stages)?;
    let input = events.and_then(|events| Ok((events, stages?)));
    blocking(env, input, |(events, stages)| {
        let log = json::event_log(events)?;
        let stages: Vec<&str> = stages.iter().map(String::as_str).collect();
        map::funnel(&log, &stages)
    })
}

/// The cohort table of `{customer, timestamp, value?}` activities by `period`
/// (`day`, `week` or default `month`), followed up to `until` (default: the latest activity).
#[napi(catch_unwind, ts_return_type = "Promise<CohortTable>")]
pub fn cohorts<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<Activity>")] activities: Unknown,
    #[napi(ts_arg_type = "'day' | 'week' | 'month' | null")] period: Option<Unknown>,
    #[napi(ts_arg_type = "Date | string | null")] until: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let activities = convert::array_json("activities", activities)?;
    let period = match period {
        Some(period) => convert::string_arg("period", period)?,
        None => Ok("month".to_owned()),
    };
    let until = convert::instant("until", until)?;
    let input = activities.and_then(|activities| Ok((activities, period?, until?)));
    blocking(env, input, |(activities, period, until)| {
        json::cohorts(activities, &period, until)
    })
}

/// Maximum-likelihood BG/NBD fit to `{frequency, recency, age, monetary_value}` customers.
#[napi(catch_unwind, ts_return_type = "Promise<BgNbdParams>")]
pub fn fit_bg_nbd<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<CustomerRfm>")] customers: Unknown,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let customers = convert::array_json("customers", customers)?;
    blocking(env, customers, |customers| {
        BgNbd::fit(&json::customers(customers)?)
    })
}

/// Maximum-likelihood Gamma-Gamma spend fit to customers with repeat transactions.
#[napi(catch_unwind, ts_return_type = "Promise<GammaGammaParams>")]
pub fn fit_gamma_gamma<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ReadonlyArray<CustomerRfm>")] customers: Unknown,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let customers = convert::array_json("customers", customers)?;
    blocking(env, customers, |customers| {
        GammaGamma::fit(&json::customers(customers)?)
    })
}

/// Fitted parameters and one customer from their objects.
fn params_and_customer<T: DeserializeOwned + aybiza_analytics::journey::ltv::ModelParams>(
    params: Unknown,
    customer: Unknown,
) -> napi::Result<Checked<(T, CustomerRfm)>> {
    let params = convert::object_json("params", params)?;
    let customer = convert::object_json("customer", customer)?;
    Ok(params.and_then(|params| Ok((json::params(params)?, json::customer(customer?)?))))
}

/// Probability that `customer` is still active under fitted BG/NBD `params`.
#[napi(catch_unwind)]
pub fn bg_nbd_probability_alive(
    env: &Env,
    #[napi(ts_arg_type = "BgNbdParams")] params: Unknown,
    #[napi(ts_arg_type = "CustomerRfm")] customer: Unknown,
) -> napi::Result<f64> {
    let (params, customer): (BgNbd, _) =
        params_and_customer(params, customer)?.map_err(|e| errors::to_napi(env, &e))?;
    Ok(params.probability_alive(&customer))
}

/// Expected transactions of `customer` in the next `t` time units under fitted BG/NBD `params`.
#[napi(catch_unwind)]
pub fn bg_nbd_expected_transactions(
    env: &Env,
    #[napi(ts_arg_type = "BgNbdParams")] params: Unknown,
    #[napi(ts_arg_type = "CustomerRfm")] customer: Unknown,
    t: f64,
) -> napi::Result<f64> {
    let checked = params_and_customer::<BgNbd>(params, customer)?.and_then(|pair| {
        if t.is_finite() && t >= 0.0 {
            Ok(pair)
        } else {
            Err(Error::InvalidArgument(format!(
                "t must be a finite number >= 0, got {t}"
            )))
        }
    });
    let (params, customer) = checked.map_err(|e| errors::to_napi(env, &e))?;
    Ok(params.expected_transactions(&customer, t))
}

/// Expected mean spend per transaction of `customer` under fitted Gamma-Gamma `params`.
#[napi(catch_unwind)]
pub fn gamma_gamma_expected_spend(
    env: &Env,
    #[napi(ts_arg_type = "GammaGammaParams")] params: Unknown,
    #[napi(ts_arg_type = "CustomerRfm")] customer: Unknown,
) -> napi::Result<f64> {
    let (params, customer): (GammaGamma, _) =
        params_and_customer(params, customer)?.map_err(|e| errors::to_napi(env, &e))?;
    Ok(params.expected_spend(&customer))
}

/// The retention callback: called with a journey update, its result ignored.
type RetentionCallback = FunctionRef<Value, Unknown<'static>>;

/// The retention callback argument, when given; not a function is `InvalidArgument`.
fn retention_callback(hook: Option<Unknown>) -> napi::Result<Checked<Option<RetentionCallback>>> {
    Ok(match hook {
        None => Ok(None),
        Some(hook) if hook.get_type()? == ValueType::Function => {
            // SAFETY: the value was just checked to be a function.
            Ok(Some(unsafe { hook.cast::<RetentionCallback>() }?))
        }
        Some(_) => Err(Error::InvalidArgument(
            "onRetentionRisk must be a function".into(),
        )),
    })
}

/// Follows customers' journeys event by event: stage, abandonment risk, next
/// best action, satisfaction trend and bottlenecks, compared with a transition
/// model learned from past journeys.
#[napi]
pub struct JourneyTracker {
    tracker: LiveJourneyTracker,
    on_retention_risk: Option<RetentionCallback>,
}

#[napi]
impl JourneyTracker {
    /// A tracker configured by `config` (defaults for missing fields) whose
    /// model is learned from `history`: `{case, activity, timestamp}` events,
    /// one case per past journey. `onRetentionRisk` is called synchronously by
    /// `track` with each update whose risk crosses `retention_risk_threshold`.
    /// Throws an `Error` with code `InvalidArgument` for a bad config or event,
    /// or a callback that is not a function.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "JourneyConfig | null")] config: Option<Unknown>,
        #[napi(ts_arg_type = "ReadonlyArray<CaseEvent> | null")] history: Option<Unknown>,
        #[napi(ts_arg_type = "((update: JourneyUpdate) => unknown) | null")]
        on_retention_risk: Option<Unknown>,
    ) -> napi::Result<Self> {
        let config = convert::optional_object_json("config", config)?;
        let history = match history {
            Some(history) => convert::array_json("history", history)?,
            None => Ok(Value::Array(Vec::new())),
        };
        let callback = retention_callback(on_retention_risk)?;
        let built = config.and_then(|config| {
            let callback = callback?;
            Ok((json::tracker(config, history?)?, callback))
        });
        let (tracker, on_retention_risk) = built.map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            tracker,
            on_retention_risk,
        })
    }

    /// A tracker whose model is learned from the past journeys of `tenant` in
    /// `[start, end)` held by `store`: its journey events, cut into journeys at
    /// `config`'s conversion and churn actions and after its inactivity window.
    /// Rejects with code `InvalidArgument` when the tenant has no journey
    /// events there or the config is bad.
    #[napi(catch_unwind, ts_return_type = "Promise<JourneyTracker>")]
    pub fn from_store<'env>(
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "JourneyConfig | null")] config: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
        #[napi(ts_arg_type = "((update: JourneyUpdate) => unknown) | null")]
        on_retention_risk: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, JourneyTracker>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let config = convert::optional_object_json("config", config)?;
        let range = convert::time_range(start, end)?;
        let callback = retention_callback(on_retention_risk)?;
        let shared = store.shared();
        let work = async move {
            let (tenant, range) = (tenant?, range?);
            let config = json::tracker_config(config?)?;
            let callback = callback?;
            let tracker =
                LiveJourneyTracker::from_store(shared.as_ref(), &tenant, range, config).await?;
            Ok((tracker, callback))
        };
        env.spawn_future_with_callback(
            async move { Ok(work.await) },
            |env, built: aybiza_analytics::Result<_>| {
                let (tracker, on_retention_risk) = built.map_err(|e| errors::to_napi(env, &e))?;
                Ok(JourneyTracker {
                    tracker,
                    on_retention_risk,
                })
            },
        )
    }

    /// Appends a journey event (`id`, `customer_id`, `action`, `timestamp`;
    /// `tenant`, `channel`, `value`, `sentiment`, `attributes` optional) to its
    /// customer's journey and returns the journey's new state. When
    /// `retention_triggered`, the callback is called first with the update; an
    /// exception it throws propagates (the event stays tracked).
    #[napi(catch_unwind, ts_return_type = "JourneyUpdate")]
    pub fn track(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "JourneyEventInput")] event: Unknown,
    ) -> napi::Result<Value> {
        let update = convert::object_json("event", event)?
            .and_then(json::journey_event)
            .and_then(|event| self.tracker.track(&event))
            .and_then(|update| Ok((update.retention_triggered, serde_json::to_value(update)?)))
            .map_err(|e| errors::to_napi(env, &e))?;
        let (triggered, update) = update;
        if triggered && let Some(hook) = &self.on_retention_risk {
            hook.borrow_back(env)?.call(update.clone())?;
        }
        Ok(update)
    }

    /// Number of open journeys.
    #[napi]
    pub fn open_journeys(&self) -> u32 {
        u32::try_from(self.tracker.open_journeys()).unwrap_or(u32::MAX)
    }

    /// Closes, as abandoned, journeys idle for longer than the inactivity
    /// window before `now`; returns their customers, sorted.
    #[napi(catch_unwind)]
    pub fn evict_idle(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "Date | string")] now: Unknown,
    ) -> napi::Result<Vec<String>> {
        let now = convert::instant("now", Some(now))?
            .and_then(|now| {
                now.ok_or_else(|| {
                    Error::InvalidArgument("now must be a Date or an RFC 3339 string".into())
                })
            })
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(self.tracker.evict_idle(now))
    }
}
