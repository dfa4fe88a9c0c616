//! The real-time call tracker: the `CallTracker` class.
//!
//! Subscribers are JS functions called synchronously by `onUtterance`, on the
//! JS thread, after the update is computed; an exception a subscriber throws is
//! caught and kept in `subscriberErrors`, and never reaches `onUtterance`'s caller.
//! Refused utterances and call operations throw an `Error` whose `code` is
//! `RealtimeError` and whose `kind` names the reason (`empty_text`,
//! `text_too_long`, `invalid_voice_feature`, `invalid_timing`, `out_of_order`,
//! `unknown_call`, `call_ended`, `already_live`, `invalid_call`, `invalid_config`, `sentiment`).

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::Arc;

use aybiza_analytics::Error;
use aybiza_analytics::model::{Call, CallOutcome};
use aybiza_analytics::patterns::live;
use aybiza_analytics::realtime::{LiveCallTracker, RealtimeConfig, RealtimeError, UtteranceInput};
use aybiza_analytics::sentiment::HybridSentimentAnalyzer;
use napi::bindgen_prelude::JsObjectValue;
use napi::bindgen_prelude::{Either, FunctionRef, JsError, PromiseRaw, Unknown};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::rules::LiveRules;
use crate::store::Store;
use crate::{convert, errors, promise};

/// Subscriber errors kept for `subscriberErrors` (the oldest are dropped).
const MAX_KEPT_ERRORS: usize = 100;

/// A subscriber: called with `{tenant, call_id, update}`, its result ignored.
type Subscriber = FunctionRef<Value, Unknown<'static>>;

/// A JS `Error` with code `RealtimeError` and the variant's `kind`.
fn realtime_error(env: &Env, error: &RealtimeError) -> napi::Error {
    let js = JsError::from(napi::Error::new("RealtimeError", error.to_string())).into_unknown(*env);
    if let Ok(mut object) = js.coerce_to_object()
        && let Err(set) = object.set_named_property("kind", error.kind())
    {
        return set;
    }
    napi::Error::from(js)
}

/// Live rules from a `LiveRules` object or rule-set text (JSON when it starts with `{`, else TOML).
fn rules_arg(
    rules: Option<Either<&LiveRules, String>>,
) -> aybiza_analytics::Result<Option<live::LiveRules>> {
    match rules {
        None => Ok(None),
        Some(Either::A(compiled)) => Ok(Some(live::LiveRules::clone(&compiled.inner))),
        Some(Either::B(text)) => {
            let parsed = if text.trim_start().starts_with('{') {
                live::LiveRules::from_json(&text)
            } else {
                live::LiveRules::from_toml(&text)
            };
            Ok(Some(parsed?))
        }
    }
}

/// Tracks live calls utterance by utterance: sentiment, voice stress, context,
/// escalation risk and agent recommendations after every utterance.
#[napi]
pub struct CallTracker {
    tracker: Arc<LiveCallTracker>,
    subscribers: RefCell<Vec<(u32, Rc<Subscriber>)>>,
    next_subscription: Cell<u32>,
    subscriber_errors: RefCell<Vec<String>>,
}

#[napi]
impl CallTracker {
    /// A tracker with `config` (`RealtimeConfig` fields; missing ones take their defaults),
    /// matching `rules` (a `LiveRules`, or JSON/TOML rule-set text) when given.
    /// Throws `RealtimeError` (kind `invalid_config`) or `InvalidArgument` for a bad config
    /// or bad rules.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "RealtimeConfig | null")] config: Option<Unknown>,
        rules: Option<Either<&LiveRules, String>>,
    ) -> napi::Result<Self> {
        let rules = rules_arg(rules).map_err(|e| errors::to_napi(env, &e))?;
        let config = convert::optional_object_json("config", config)?
            .and_then(|config| match config {
                Some(config) => convert::from_json::<RealtimeConfig>("config", config),
                None => Ok(RealtimeConfig::default()),
            })
            .and_then(|config| Ok((config, HybridSentimentAnalyzer::new()?)))
            .map_err(|e| errors::to_napi(env, &e))?;
        let (config, analyzer) = config;
        let mut tracker = LiveCallTracker::new(Arc::new(analyzer), config)
            .map_err(|e| realtime_error(env, &e))?;
        if let Some(rules) = rules {
            tracker = tracker.with_rules(rules);
        }
        Ok(Self {
            tracker: Arc::new(tracker),
            subscribers: RefCell::default(),
            next_subscription: Cell::new(1),
            subscriber_errors: RefCell::default(),
        })
    }

    /// Replaces the live rules (a `LiveRules`, JSON/TOML rule-set text, or null for none), also
    /// for calls in progress: each picks them up on its next utterance. Throws `InvalidArgument`
    /// for bad rules.
    #[napi(catch_unwind)]
    pub fn set_rules(
        &self,
        env: &Env,
        rules: Option<Either<&LiveRules, String>>,
    ) -> napi::Result<()> {
        match rules_arg(rules).map_err(|e| errors::to_napi(env, &e))? {
            Some(rules) => self.tracker.set_rules(rules),
            None => self.tracker.clear_rules(),
        }
        Ok(())
    }

    /// Ids of the live rules in force (empty when none are loaded).
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.tracker.rules().rule_ids()
    }

    /// Starts tracking a live call (a call record without `ended_at`).
    #[napi(catch_unwind)]
    pub fn start_call(
        &self,
        env: &Env,
        #[napi(
            ts_arg_type = "Omit<Call, 'escalated' | 'transferred'> & Partial<Pick<Call, 'escalated' | 'transferred'>>"
        )]
        call: Unknown,
    ) -> napi::Result<()> {
        let call: Call = convert::object_json("call", call)?
            .and_then(|call| convert::from_json("call", call))
            .map_err(|e| errors::to_napi(env, &e))?;
        self.tracker
            .start_call(call)
            .map_err(|e| realtime_error(env, &e))
    }

    /// Folds one utterance (`{seq, speaker, text, start_ms, end_ms, voice?}`) into a
    /// live call and returns the update; subscribers are called before it returns.
    #[napi(catch_unwind, ts_return_type = "RealtimeUpdate")]
    pub fn on_utterance(
        &self,
        env: &Env,
        tenant: String,
        call_id: String,
        #[napi(ts_arg_type = "UtteranceInput")] utterance: Unknown,
    ) -> napi::Result<Value> {
        let input: UtteranceInput = convert::object_json("utterance", utterance)?
            .and_then(|input| convert::from_json("utterance", input))
            .map_err(|e| errors::to_napi(env, &e))?;
        let update = self
            .tracker
            .on_utterance(&tenant, &call_id, &input.as_live())
            .map_err(|e| realtime_error(env, &e))?;
        let update =
            serde_json::to_value(update).map_err(|e| errors::to_napi(env, &Error::Json(e)))?;
        let subscribers: Vec<Rc<Subscriber>> = self
            .subscribers
            .borrow()
            .iter()
            .map(|(_, subscriber)| Rc::clone(subscriber))
            .collect();
        if !subscribers.is_empty() {
            let event = serde_json::json!({
                "tenant": tenant,
                "call_id": call_id,
                "update": update,
            });
            for subscriber in subscribers {
                let called = subscriber
                    .borrow_back(env)
                    .and_then(|function| function.call(event.clone()));
                if let Err(error) = called {
                    let mut kept = self.subscriber_errors.borrow_mut();
                    if kept.len() == MAX_KEPT_ERRORS {
                        kept.remove(0);
                    }
                    kept.push(error.reason.clone());
                }
            }
        }
        Ok(update)
    }

    /// The current state of a live call.
    #[napi(catch_unwind, ts_return_type = "CallState")]
    pub fn state(&self, env: &Env, tenant: String, call_id: String) -> napi::Result<Value> {
        let state = self
            .tracker
            .state(&tenant, &call_id)
            .map_err(|e| realtime_error(env, &e))?;
        serde_json::to_value(state).map_err(|e| errors::to_napi(env, &Error::Json(e)))
    }

    /// Ends a live call and returns its summary (also queued for `flushEnded` / `takeEnded`).
    /// `endedAt` defaults to the start plus the latest utterance end.
    #[napi(catch_unwind, ts_return_type = "CallSummary")]
    pub fn end_call(
        &self,
        env: &Env,
        tenant: String,
        call_id: String,
        #[napi(ts_arg_type = "CallOutcome | null")] outcome: Option<String>,
        #[napi(ts_arg_type = "Date | string | null")] ended_at: Option<Unknown>,
    ) -> napi::Result<Value> {
        let outcome: Option<CallOutcome> = outcome
            .map(|name| convert::from_json("outcome", Value::String(name)))
            .transpose()
            .map_err(|e| errors::to_napi(env, &e))?;
        let ended_at =
            convert::instant("endedAt", ended_at)?.map_err(|e| errors::to_napi(env, &e))?;
        let summary = self
            .tracker
            .end_call(&tenant, &call_id, outcome, ended_at)
            .map_err(|e| realtime_error(env, &e))?;
        serde_json::to_value(summary).map_err(|e| errors::to_napi(env, &Error::Json(e)))
    }

    /// Ends calls idle for longer than `idle_timeout_secs`; returns how many.
    #[napi]
    pub fn evict_idle(&self) -> u32 {
        u32::try_from(self.tracker.evict_idle(std::time::Instant::now())).unwrap_or(u32::MAX)
    }

    /// Hands over (and forgets) the summaries of ended and evicted calls.
    #[napi(catch_unwind, ts_return_type = "CallSummary[]")]
    pub fn take_ended(&self, env: &Env) -> napi::Result<Value> {
        serde_json::to_value(self.tracker.take_ended())
            .map_err(|e| errors::to_napi(env, &Error::Json(e)))
    }

    /// Writes the summaries of ended and evicted calls to `store`; resolves to `{calls, written}`.
    #[napi(catch_unwind, ts_return_type = "Promise<FlushReport>")]
    pub fn flush_ended<'env>(
        &self,
        env: &'env Env,
        store: &Store,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tracker = Arc::clone(&self.tracker);
        let store = store.shared();
        promise::spawn(env, async move {
            let report = tracker.flush_ended(store.as_ref()).await?;
            Ok(serde_json::to_value(report)?)
        })
    }

    /// Number of live calls.
    #[napi]
    pub fn live_calls(&self) -> u32 {
        u32::try_from(self.tracker.live_calls()).unwrap_or(u32::MAX)
    }

    /// Registers `callback`, called with `{tenant, call_id, update}` for every accepted
    /// utterance; returns the subscription id. Throws `InvalidArgument` if it is not a function.
    #[napi(catch_unwind)]
    pub fn subscribe(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "(event: RealtimeEvent) => unknown")] callback: Unknown,
    ) -> napi::Result<u32> {
        if callback.get_type()? != ValueType::Function {
            return Err(errors::to_napi(
                env,
                &Error::InvalidArgument("callback must be a function".into()),
            ));
        }
        // SAFETY: the value was just checked to be a function.
        let callback = unsafe { callback.cast::<Subscriber>() }?;
        let id = self.next_subscription.get();
        self.next_subscription.set(id.wrapping_add(1));
        self.subscribers.borrow_mut().push((id, Rc::new(callback)));
        Ok(id)
    }

    /// Removes a subscription; false if it was not registered.
    #[napi]
    pub fn unsubscribe(&self, subscription: u32) -> bool {
        let mut subscribers = self.subscribers.borrow_mut();
        let before = subscribers.len();
        subscribers.retain(|(id, _)| *id != subscription);
        subscribers.len() != before
    }

    /// Messages of the exceptions subscribers threw (the latest 100).
    #[napi(getter)]
    pub fn subscriber_errors(&self) -> Vec<String> {
        self.subscriber_errors.borrow().clone()
    }
}
