//! Outcome prediction: `classifyCsv` (the `aybiza classify` report), the
//! `OutcomeModels` class (train on a store's calls, predict, evaluate, save and
//! load) and `callFeatures`.
//!
//! Arguments are read by `aybiza_analytics::predict::json`, which the Python
//! bindings share, so both languages accept the same settings and return the
//! same shapes. Work that reads a store or trains runs off the JS thread and
//! returns a Promise.

use std::path::PathBuf;
use std::sync::Arc;

use aybiza_analytics::Error;
use aybiza_analytics::predict::OutcomeModels as Models;
use aybiza_analytics::predict::json;
use napi::Env;
use napi::bindgen_prelude::{Buffer, PromiseRaw, Unknown, spawn_blocking};
use napi_derive::napi;
use serde_json::Value;

use crate::convert;
use crate::errors;
use crate::promise;
use crate::store::Store;

/// Cross-validates a random forest on any CSV (`.gz` decompressed) with
/// `folds` stratified folds (default 5) and resolves to the `aybiza classify`
/// report. Rejects with code `InvalidArgument` for a bad setting and
/// `Predict` for data a forest cannot learn from (one class, a missing target column).
#[napi(catch_unwind, ts_return_type = "Promise<ClassifyReport>")]
pub fn classify_csv<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown,
    #[napi(ts_arg_type = "string")] target: Unknown,
    #[napi(ts_arg_type = "number | null")] folds: Option<u32>,
    #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let path = convert::string_arg("path", path)?.map(PathBuf::from);
    let target = convert::string_arg("target", target)?;
    let settings = convert::optional_object_json("settings", settings)?;
    let folds = folds.unwrap_or(5) as usize;
    promise::spawn(env, async move {
        let (path, target, settings) = (path?, target?, settings?);
        spawn_blocking(move || json::classify_csv(&path, &target, folds, settings))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    })
}

/// The call features (`'context'` or default `'full'`) of the calls of
/// `tenant` in `[start, end)`, one object per call (`call_id` and each
/// feature; `null` when missing).
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<Record<string, number | string | null>>>"
)]
pub fn call_features<'env>(
    env: &'env Env,
    store: &Store,
    #[napi(ts_arg_type = "string")] tenant: Unknown,
    #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
    #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    #[napi(ts_arg_type = "'context' | 'full' | null")] feature_set: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let tenant = convert::string_arg("tenant", tenant)?;
    let range = convert::time_range(start, end)?;
    let set = match feature_set {
        Some(set) => convert::string_arg("featureSet", set)?,
        None => Ok("full".to_owned()),
    };
    let shared = store.shared();
    promise::spawn(env, async move {
        let rows = json::call_features(shared.as_ref(), &tenant?, range?, &set?).await?;
        Ok(Value::Array(rows))
    })
}

/// The four call-outcome models: resolution, escalation, duration and satisfaction.
#[napi]
pub struct OutcomeModels {
    models: Arc<Models>,
}

#[napi]
impl OutcomeModels {
    /// Trains the models on the calls of `tenant` in `[start, end)` held by
    /// `store`. Rejects with code `InvalidArgument` when the tenant has no
    /// calls there or a setting is bad, `Predict` when a model cannot be trained.
    #[napi(catch_unwind, ts_return_type = "Promise<OutcomeModels>")]
    pub fn train<'env>(
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
        #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, OutcomeModels>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let range = convert::time_range(start, end)?;
        let settings = convert::optional_object_json("settings", settings)?;
        let shared = store.shared();
        let work = async move {
            json::train_outcome_models(shared.as_ref(), &tenant?, range?, settings?).await
        };
        env.spawn_future_with_callback(
            async move { Ok(work.await) },
            |env, trained: aybiza_analytics::Result<Models>| {
                let models = trained.map_err(|e| errors::to_napi(env, &e))?;
                Ok(OutcomeModels {
                    models: Arc::new(models),
                })
            },
        )
    }

    /// Predictions for every call of `tenant` in `[start, end)`.
    #[napi(catch_unwind, ts_return_type = "Promise<OutcomePredictions[]>")]
    pub fn predict<'env>(
        &self,
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let range = convert::time_range(start, end)?;
        let (shared, models) = (store.shared(), Arc::clone(&self.models));
        promise::spawn(env, async move {
            let predictions =
                json::predict_outcomes(&models, shared.as_ref(), &tenant?, range?).await?;
            Ok(serde_json::to_value(predictions)?)
        })
    }

    /// Metrics of the models on the calls of `tenant` in `[start, end)`.
    #[napi(catch_unwind, ts_return_type = "Promise<OutcomeEvaluation>")]
    pub fn evaluate<'env>(
        &self,
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "TimeBound")] start: Option<Unknown>,
        #[napi(ts_arg_type = "TimeBound")] end: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let range = convert::time_range(start, end)?;
        let (shared, models) = (store.shared(), Arc::clone(&self.models));
        promise::spawn(env, async move {
            let evaluation =
                json::evaluate_outcome_models(&models, shared.as_ref(), &tenant?, range?).await?;
            Ok(serde_json::to_value(evaluation)?)
        })
    }

    /// The models in the versioned JSON file format, as a Buffer.
    #[napi(catch_unwind, ts_return_type = "Uint8Array")]
    pub fn to_bytes(&self, env: &Env) -> napi::Result<Buffer> {
        let text = self
            .models
            .to_json()
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Buffer::from(text.into_bytes()))
    }

    /// Models from bytes written by `toBytes` or `save` (a Buffer, Uint8Array
    /// or string). Throws with code `Predict` for a corrupt or unsupported model.
    #[napi(factory, catch_unwind)]
    pub fn from_bytes(
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array | string")] data: Unknown,
    ) -> napi::Result<Self> {
        let models = convert::jsonl_bytes(data)?
            .and_then(|bytes| json::outcome_models_from_bytes(&bytes))
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            models: Arc::new(models),
        })
    }

    /// Writes the models to a file.
    #[napi(catch_unwind)]
    pub fn save(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<()> {
        convert::string_arg("path", path)?
            .and_then(|path| json::save_outcome_models(&self.models, &PathBuf::from(path)))
            .map_err(|e| errors::to_napi(env, &e))
    }

    /// Reads models from a file written by `save`.
    #[napi(factory, catch_unwind)]
    pub fn load(env: &Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<Self> {
        let models = convert::string_arg("path", path)?
            .and_then(|path| json::load_outcome_models(&PathBuf::from(path)))
            .map_err(|e| errors::to_napi(env, &e))?;
        Ok(Self {
            models: Arc::new(models),
        })
    }

    /// Whether a satisfaction model was trained (it needs enough surveyed calls).
    #[napi(getter)]
    pub fn has_satisfaction(&self) -> bool {
        self.models.satisfaction.is_some()
    }
}
