//! Text sentiment: the `SentimentAnalyzer` class.

use aybiza_analytics::Error;
use aybiza_analytics::sentiment::{
    HybridSentimentAnalyzer, SentimentAnalyzer as _, SentimentConfig,
};
use napi::bindgen_prelude::{Array, Object, PromiseRaw, Uint8ArraySlice, Unknown, spawn_blocking};
use napi::{Env, JsValue, ValueType};
use napi_derive::napi;
use serde_json::Value;

use crate::convert::Checked;
use crate::{errors, promise};

/// The text of `value`: a string, or a `Buffer`/`Uint8Array` holding UTF-8.
fn text_arg(name: &str, value: &Unknown) -> napi::Result<Checked<String>> {
    let value_type = value.get_type()?;
    if value_type == ValueType::String {
        // SAFETY: the value was just checked to be a string.
        return Ok(Ok(unsafe { value.cast::<String>() }?));
    }
    if value_type == ValueType::Object && value.is_typedarray()? {
        // SAFETY: the value is a typed array; the cast checks that its elements are bytes.
        if let Ok(bytes) = unsafe { value.cast::<Uint8ArraySlice>() } {
            return Ok(String::from_utf8(bytes.to_vec()).map_err(|e| {
                Error::InvalidArgument(format!(
                    "{name} is not valid UTF-8 (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ))
            }));
        }
    }
    Ok(Err(Error::InvalidArgument(format!(
        "{name} must be a string, a Buffer or a Uint8Array, got {}",
        type_label(value_type)
    ))))
}

/// A JS type's name as `typeof` would print it (`null` for null).
fn type_label(value_type: ValueType) -> &'static str {
    match value_type {
        ValueType::Undefined => "undefined",
        ValueType::Null => "null",
        ValueType::Boolean => "boolean",
        ValueType::Number => "number",
        ValueType::String => "string",
        ValueType::Symbol => "symbol",
        ValueType::Object => "object",
        ValueType::Function => "function",
        ValueType::External => "external",
        ValueType::BigInt => "bigint",
        ValueType::Unknown => "unknown value",
    }
}

/// The texts of an array of strings / Buffers.
fn text_array(value: Unknown) -> napi::Result<Checked<Vec<String>>> {
    let value_type = value.get_type()?;
    if value_type != ValueType::Object || !value.is_array()? {
        return Ok(Err(Error::InvalidArgument(format!(
            "texts must be an array of strings or Buffers, got {}",
            type_label(value_type)
        ))));
    }
    // SAFETY: the value was just checked to be an array.
    let array = unsafe { value.cast::<Array>() }?;
    let mut texts = Vec::with_capacity(array.len() as usize);
    for index in 0..array.len() {
        let name = format!("texts[{index}]");
        let text = match array.get::<Unknown>(index)? {
            Some(item) => text_arg(&name, &item)?,
            None => Err(Error::InvalidArgument(format!(
                "{name} must be a string, a Buffer or a Uint8Array, got undefined"
            ))),
        };
        match text {
            Ok(text) => texts.push(text),
            Err(error) => return Ok(Err(error)),
        }
    }
    Ok(Ok(texts))
}

/// The configuration from the optional `{ maxTextBytes }` options object.
fn config_arg(options: Option<Unknown>) -> napi::Result<Checked<SentimentConfig>> {
    let mut config = SentimentConfig::default();
    let Some(options) = options else {
        return Ok(Ok(config));
    };
    match options.get_type()? {
        ValueType::Undefined | ValueType::Null => return Ok(Ok(config)),
        ValueType::Object if !options.is_array()? => {}
        other => {
            return Ok(Err(Error::InvalidArgument(format!(
                "options must be an object, got {}",
                type_label(other)
            ))));
        }
    }
    // SAFETY: the value was just checked to be a plain object.
    let object = unsafe { options.cast::<Object>() }?;
    if let Some(limit) = object.get::<Unknown>("maxTextBytes")? {
        match limit.get_type()? {
            ValueType::Undefined | ValueType::Null => {}
            ValueType::Number => {
                // SAFETY: the value was just checked to be a number.
                let limit = unsafe { limit.cast::<f64>() }?;
                if !(limit.is_finite() && limit >= 1.0 && limit.fract() == 0.0) {
                    return Ok(Err(Error::InvalidArgument(format!(
                        "options.maxTextBytes must be a positive integer, got {limit}"
                    ))));
                }
                config.max_text_bytes = limit as usize;
            }
            other => {
                return Ok(Err(Error::InvalidArgument(format!(
                    "options.maxTextBytes must be a number, got {}",
                    type_label(other)
                ))));
            }
        }
    }
    Ok(Ok(config))
}

/// Scores the sentiment, emotions and urgency of text offline, with the
/// lexicon, rules and learned weights shipped in the library (see
/// `docs/sentiment.md`).
#[napi]
pub struct SentimentAnalyzer {
    inner: HybridSentimentAnalyzer,
}

#[napi]
impl SentimentAnalyzer {
    /// The analyzer with the shipped weights; `options.maxTextBytes` (default
    /// 16384) is the longest accepted text in bytes of UTF-8. Throws an
    /// `Error` with code `InvalidArgument` for a bad option.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "{ maxTextBytes?: number } | null")] options: Option<Unknown>,
    ) -> napi::Result<Self> {
        config_arg(options)?
            .and_then(HybridSentimentAnalyzer::with_config)
            .map(|inner| Self { inner })
            .map_err(|error| errors::to_napi(env, &error))
    }

    /// The longest accepted text, in bytes of UTF-8.
    #[napi(getter)]
    pub fn max_text_bytes(&self) -> u32 {
        u32::try_from(self.inner.config().max_text_bytes).unwrap_or(u32::MAX)
    }

    /// `{score, label, intensity, emotions, urgency}` of one text (a string,
    /// or a `Buffer`/`Uint8Array` of UTF-8). Throws an `Error` with code
    /// `InvalidArgument` for empty or whitespace-only text, text over
    /// `maxTextBytes`, bytes that are not UTF-8, or a value of another type.
    #[napi(catch_unwind, ts_return_type = "Sentiment")]
    pub fn analyze(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string | Uint8Array")] text: Unknown,
    ) -> napi::Result<Value> {
        let scored = text_arg("text", &text)?
            .and_then(|text| Ok(serde_json::to_value(self.inner.analyze(&text)?)?));
        scored.map_err(|error| errors::to_napi(env, &error))
    }

    /// `analyze` for every text, in order, off the JS thread. Rejects with
    /// code `InvalidArgument` naming the index of the first bad text.
    #[napi(catch_unwind, ts_return_type = "Promise<Sentiment[]>")]
    pub fn analyze_batch<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "ReadonlyArray<string | Uint8Array>")] texts: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let texts = text_array(texts)?;
        let analyzer = self.inner.clone();
        promise::spawn(env, async move {
            let texts = texts?;
            spawn_blocking(move || {
                let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
                Ok(serde_json::to_value(analyzer.analyze_batch(&texts)?)?)
            })
            .await
            .map_err(|e| Error::Task(e.to_string()))?
        })
    }
}
