//! PII detection and redaction: the `Redactor` class.
//!
//! Entities have the Rust shape: `start`/`end` are UTF-8 byte offsets and
//! `char_start`/`char_end` count Unicode scalar values, exactly as in Rust
//! and Python. JS strings index UTF-16 code units, so the two differ after a
//! character outside the Basic Multilingual Plane (most emoji); the README
//! shows how to convert.

use aybiza_analytics::{Error, PiiKind};
use napi::Env;
use napi::bindgen_prelude::{PromiseRaw, Unknown, spawn_blocking};
use napi_derive::napi;
use serde_json::Value;

use crate::convert::{self, Checked};
use crate::{errors, promise};

/// The kind named `name` (its snake_case JSON name).
fn pii_kind(name: &str) -> Checked<PiiKind> {
    PiiKind::ALL
        .into_iter()
        .find(|kind| kind.as_str() == name)
        .ok_or_else(|| {
            let known: Vec<&str> = PiiKind::ALL.iter().map(|kind| kind.as_str()).collect();
            Error::InvalidArgument(format!(
                "unknown PII kind {name:?}; the kinds are {}",
                known.join(", ")
            ))
        })
}

/// Finds and redacts personal data in text: payment cards, US Social Security
/// numbers, phone numbers, e-mail addresses, IBANs, dates of birth and digits
/// read aloud.
///
/// Entity offsets are those of the Rust library: `start`/`end` in UTF-8 bytes,
/// `char_start`/`char_end` in Unicode scalar values (not UTF-16 code units;
/// see the README to convert when the text holds emoji).
#[napi]
pub struct Redactor {
    inner: aybiza_analytics::Redactor,
}

#[napi]
impl Redactor {
    /// A redactor for the named kinds; `null` or `undefined` means every kind,
    /// an empty array none. Throws an `Error` with code `InvalidArgument` for
    /// an unknown kind.
    #[napi(constructor, catch_unwind)]
    pub fn new(
        env: &Env,
        #[napi(ts_arg_type = "ReadonlyArray<PiiKind> | null")] kinds: Option<Unknown>,
    ) -> napi::Result<Self> {
        let inner = convert::optional_string_array("kinds", kinds)?
            .and_then(|names| match names {
                None => Ok(aybiza_analytics::Redactor::new()),
                Some(names) => Ok(aybiza_analytics::Redactor::with_kinds(
                    names
                        .iter()
                        .map(|name| pii_kind(name))
                        .collect::<Checked<Vec<_>>>()?,
                )),
            })
            .map_err(|error| errors::to_napi(env, &error))?;
        Ok(Self { inner })
    }

    /// The kinds looked for, in the order `card, ssn, phone, email, iban, dob, spoken_digits`.
    #[napi(getter, ts_return_type = "PiiKind[]")]
    pub fn kinds(&self) -> Vec<&'static str> {
        self.inner
            .kinds()
            .into_iter()
            .map(PiiKind::as_str)
            .collect()
    }

    /// The entities in `text`, sorted by offset and non-overlapping.
    #[napi(catch_unwind, ts_return_type = "PiiEntity[]")]
    pub fn find(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] text: Unknown,
    ) -> napi::Result<Value> {
        let found = convert::string_arg("text", text)?
            .and_then(|text| Ok(serde_json::to_value(self.inner.find(&text))?));
        found.map_err(|error| errors::to_napi(env, &error))
    }

    /// `{text, entities}`: `text` with every entity replaced by its kind's
    /// placeholder (`[CARD]`, `[EMAIL]`, ...), and the entities with offsets
    /// into the original text.
    #[napi(catch_unwind, ts_return_type = "Redacted")]
    pub fn redact(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] text: Unknown,
    ) -> napi::Result<Value> {
        let redacted = convert::string_arg("text", text)?
            .and_then(|text| Ok(serde_json::to_value(self.inner.redact(&text))?));
        redacted.map_err(|error| errors::to_napi(env, &error))
    }

    /// `redact` for every text, in order, off the JS thread.
    #[napi(catch_unwind, ts_return_type = "Promise<Redacted[]>")]
    pub fn redact_batch<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "ReadonlyArray<string>")] texts: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let texts = convert::string_array("texts", texts)?;
        let redactor = self.inner;
        promise::spawn(env, async move {
            let texts = texts?;
            spawn_blocking(move || {
                let redacted: Vec<_> = texts.iter().map(|text| redactor.redact(text)).collect();
                Ok(serde_json::to_value(redacted)?)
            })
            .await
            .map_err(|e| Error::Task(e.to_string()))?
        })
    }
}
