//! Live pattern rules: the `LiveRules` class.
//!
//! Utterances and hits keep the Rust field names (`start_ms`, `rule_id`, `char_start`…), as
//! every JSON-shaped value of this package does.

use std::sync::Arc;

use aybiza_analytics::Error;
use aybiza_analytics::patterns::live::{self, TranscriptUtterance};
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::Value;

use crate::{convert, errors};

/// A compiled set of live pattern rules: phrases with wildcards, sentiment,
/// silence, interruption and call-position conditions (format in `docs/rules.md`).
#[napi]
pub struct LiveRules {
    pub(crate) inner: Arc<live::LiveRules>,
}

fn compiled(env: &Env, rules: Result<live::LiveRules, live::RuleError>) -> napi::Result<LiveRules> {
    rules
        .map(|rules| LiveRules {
            inner: Arc::new(rules),
        })
        .map_err(|error| errors::to_napi(env, &Error::from(error)))
}

#[napi]
impl LiveRules {
    /// Parses and compiles a JSON rule set. Throws an `Error` with code
    /// `InvalidArgument` naming the line or the rule path of a mistake.
    #[napi(factory, catch_unwind)]
    pub fn from_json(env: &Env, text: String) -> napi::Result<Self> {
        compiled(env, live::LiveRules::from_json(&text))
    }

    /// Parses and compiles a TOML rule set. Throws as `fromJson` does.
    #[napi(factory, catch_unwind)]
    pub fn from_toml(env: &Env, text: String) -> napi::Result<Self> {
        compiled(env, live::LiveRules::from_toml(&text))
    }

    /// The shipped default rules (escalation, churn, confusion, complaints, compliance, silence).
    #[napi(factory, js_name = "default")]
    pub fn default_rules() -> Self {
        LiveRules {
            inner: Arc::new(live::LiveRules::default_rules()),
        }
    }

    /// The rule ids, in order.
    #[napi(getter)]
    pub fn rule_ids(&self) -> Vec<String> {
        self.inner.rule_ids()
    }

    /// The rule set in its JSON form.
    #[napi(catch_unwind, ts_return_type = "Record<string, unknown>")]
    pub fn rule_set(&self, env: &Env) -> napi::Result<Value> {
        serde_json::to_value(self.inner.rule_set())
            .map_err(|error| errors::to_napi(env, &Error::from(error)))
    }

    /// Runs a call's utterances (`{speaker, text, seq, start_ms}` and optionally
    /// `end_ms`, `sentiment`, `silence_ms`, `interruptions`) through the rules, then
    /// ends the call at `callEndMs` (default: the latest utterance end).
    #[napi(catch_unwind, ts_return_type = "RuleHit[]")]
    pub fn match_transcript(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "ReadonlyArray<LiveUtterance>")] utterances: Unknown,
        call_end_ms: Option<i64>,
    ) -> napi::Result<Value> {
        let hits = convert::array_json("utterances", utterances)?
            .and_then(|json| convert::from_json::<Vec<TranscriptUtterance>>("utterances", json))
            .and_then(|utterances| {
                let end = match call_end_ms {
                    Some(ms) if ms < 0 => {
                        return Err(Error::InvalidArgument(format!(
                            "callEndMs must not be negative, got {ms}"
                        )));
                    }
                    other => other.map(|ms| ms as u64),
                };
                Ok(serde_json::to_value(
                    self.inner.match_transcript(&utterances, end),
                )?)
            });
        hits.map_err(|error| errors::to_napi(env, &error))
    }

    /// A matcher for one live call: feed it utterances as they come.
    #[napi]
    pub fn new_call(&self) -> LiveRuleCall {
        LiveRuleCall {
            state: self.inner.new_call(),
            rules: Arc::clone(&self.inner),
        }
    }

    /// Number of rules.
    #[napi(getter)]
    pub fn length(&self) -> u32 {
        self.inner.len() as u32
    }
}

/// One live call's rule state, from `LiveRules.newCall()`. Each rule fires at most once per call.
#[napi]
pub struct LiveRuleCall {
    rules: Arc<live::LiveRules>,
    state: live::CallRuleState,
}

#[napi]
impl LiveRuleCall {
    /// Feeds one utterance (as in `LiveRules.matchTranscript`); returns the rules that fired.
    /// Ignored after `endCall`.
    #[napi(catch_unwind, ts_return_type = "RuleHit[]")]
    pub fn on_utterance(
        &mut self,
        env: &Env,
        #[napi(ts_arg_type = "LiveUtterance")] utterance: Unknown,
    ) -> napi::Result<Value> {
        let hits = convert::object_json("utterance", utterance)?
            .and_then(|json| convert::from_json::<TranscriptUtterance>("utterance", json))
            .and_then(|utterance| {
                let hits = self
                    .rules
                    .on_utterance(&mut self.state, &utterance.as_live());
                Ok(serde_json::to_value(hits)?)
            });
        hits.map_err(|error| errors::to_napi(env, &error))
    }

    /// Ends the call at `callEndMs` (ms since its start): returns the rules decided by the end
    /// (`last_secs` windows, `not`). A second call returns nothing.
    #[napi(catch_unwind, ts_return_type = "RuleHit[]")]
    pub fn end_call(&mut self, env: &Env, call_end_ms: i64) -> napi::Result<Value> {
        let hits = if call_end_ms < 0 {
            Err(Error::InvalidArgument(format!(
                "callEndMs must not be negative, got {call_end_ms}"
            )))
        } else {
            let hits = self.rules.end_call(&mut self.state, call_end_ms as u64);
            serde_json::to_value(hits).map_err(Error::from)
        };
        hits.map_err(|error| errors::to_napi(env, &error))
    }

    /// Whether `endCall` has run.
    #[napi(getter)]
    pub fn is_ended(&self) -> bool {
        self.state.is_ended()
    }
}
