//! Outcome and customer prediction: `classifyCsv` and `classifyTable` (the
//! `aybiza classify` report), `regressCsv` and `regressTable` (the `aybiza
//! regress` report), the `OutcomeModels` class (train on a store's
//! calls, predict, evaluate, save and load), `callFeatures`, the
//! `CustomerModels` class (churn and upsell propensity on a customer snapshot),
//! `customerFeatures`, and the `Classifier` and `Regressor` classes (forests on
//! any table: fit, predict, save and load).
//!
//! Arguments are read by `aybiza_analytics::predict::json`, which the Python
//! bindings share, so both languages accept the same settings and return the
//! same shapes. Work that reads a store or trains runs off the JS thread and
//! returns a Promise.

use std::path::PathBuf;
use std::sync::Arc;

use aybiza_analytics::Error;
use aybiza_analytics::predict::json;
use aybiza_analytics::predict::table::CsvFrame;
use aybiza_analytics::predict::{
    Classifier as ForestClassifier, CustomerModels as Customers, OutcomeModels as Models,
    Regressor as ForestRegressor,
};
use chrono::{DateTime, Utc};
use napi::bindgen_prelude::{Buffer, PromiseRaw, ToNapiValue, Unknown, spawn_blocking};
use napi::{Env, ValueType};
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
    cross_validation(
        env,
        path,
        target,
        folds,
        settings,
        |path, target, folds, settings| json::classify_csv(&path, target, folds, settings),
    )
}

/// `classifyCsv` of a table: an array of row objects or an object of column
/// arrays, with the same column typing as a CSV file (a column whose present
/// values are all numbers is numeric, any other categorical; `null`,
/// `undefined` and `NaN` are missing). Rejects with code `InvalidArgument` for
/// a malformed table or a bad setting and `Predict` as `classifyCsv` does.
#[napi(catch_unwind, ts_return_type = "Promise<ClassifyReport>")]
pub fn classify_table<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "TableInput")] table: Unknown,
    #[napi(ts_arg_type = "string")] target: Unknown,
    #[napi(ts_arg_type = "number | null")] folds: Option<u32>,
    #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let frame = convert::table_frame("table", table)?;
    cross_validation(env, frame, target, folds, settings, json::classify_frame)
}

/// Cross-validates a random-forest regressor on any CSV (`.gz` decompressed)
/// over `folds` shuffled folds (default 5) and resolves to the `aybiza regress`
/// report. Rejects with code `InvalidArgument` for a bad setting and `Predict`
/// for data a forest cannot learn from (a target that is not a number in every
/// row, a missing target column, fewer rows than folds).
#[napi(catch_unwind, ts_return_type = "Promise<RegressReport>")]
pub fn regress_csv<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "string")] path: Unknown,
    #[napi(ts_arg_type = "string")] target: Unknown,
    #[napi(ts_arg_type = "number | null")] folds: Option<u32>,
    #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let path = convert::string_arg("path", path)?.map(PathBuf::from);
    cross_validation(
        env,
        path,
        target,
        folds,
        settings,
        |path, target, folds, settings| json::regress_csv(&path, target, folds, settings),
    )
}

/// `regressCsv` of a table, read as `classifyTable` reads it.
#[napi(catch_unwind, ts_return_type = "Promise<RegressReport>")]
pub fn regress_table<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "TableInput")] table: Unknown,
    #[napi(ts_arg_type = "string")] target: Unknown,
    #[napi(ts_arg_type = "number | null")] folds: Option<u32>,
    #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let frame = convert::table_frame("table", table)?;
    cross_validation(env, frame, target, folds, settings, json::regress_frame)
}

/// Resolves to the report of `cross_validate` on `input` (a path or a table),
/// computed off the JS thread; the arguments are checked as the functions above
/// document.
fn cross_validation<'env, I: Send + 'static>(
    env: &'env Env,
    input: convert::Checked<I>,
    target: Unknown,
    folds: Option<u32>,
    settings: Option<Unknown>,
    cross_validate: fn(I, &str, usize, Option<Value>) -> aybiza_analytics::Result<Value>,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let target = convert::string_arg("target", target)?;
    let settings = convert::optional_object_json("settings", settings)?;
    let folds = folds.unwrap_or(5) as usize;
    promise::spawn(env, async move {
        let (input, target, settings) = (input?, target?, settings?);
        spawn_blocking(move || cross_validate(input, &target, folds, settings))
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
        models_to_buffer(env, self.models.as_ref())
    }

    /// Models from bytes written by `toBytes` or `save` (a Buffer, Uint8Array
    /// or string). Throws with code `Predict` for a corrupt or unsupported model.
    #[napi(factory, catch_unwind)]
    pub fn from_bytes(
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array | string")] data: Unknown,
    ) -> napi::Result<Self> {
        Ok(Self {
            models: models_from_data(env, data)?,
        })
    }

    /// Writes the models to a file.
    #[napi(catch_unwind)]
    pub fn save(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<()> {
        save_models_at(env, self.models.as_ref(), path)
    }

    /// Reads models from a file written by `save`.
    #[napi(factory, catch_unwind)]
    pub fn load(env: &Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<Self> {
        Ok(Self {
            models: load_models_at(env, path)?,
        })
    }

    /// Whether a satisfaction model was trained (it needs enough surveyed calls).
    #[napi(getter)]
    pub fn has_satisfaction(&self) -> bool {
        self.models.satisfaction.is_some()
    }
}

/// Trains a model with `fit` on `table`, the column `target` and the forest
/// `settings` off the JS thread, and resolves to it wrapped by `wrap`.
fn fit_on_table<'env, M, C>(
    env: &'env Env,
    table: Unknown,
    target: Unknown,
    settings: Option<Unknown>,
    fit: fn(CsvFrame, &str, Option<Value>) -> aybiza_analytics::Result<M>,
    wrap: fn(Arc<M>) -> C,
) -> napi::Result<PromiseRaw<'env, C>>
where
    M: Send + 'static,
    C: ToNapiValue + 'static,
{
    let frame = convert::table_frame("table", table)?;
    let target = convert::string_arg("target", target)?;
    let settings = convert::optional_object_json("settings", settings)?;
    let work = async move {
        spawn_blocking(move || fit(frame?, &target?, settings?))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
    };
    env.spawn_future_with_callback(
        async move { Ok(work.await) },
        move |env, fitted: aybiza_analytics::Result<M>| {
            let model = fitted.map_err(|e| errors::to_napi(env, &e))?;
            Ok(wrap(Arc::new(model)))
        },
    )
}

/// Resolves to `predict` applied to `model` and `table` off the JS thread.
fn predict_on_table<'env, M, T>(
    env: &'env Env,
    table: Unknown,
    model: Arc<M>,
    predict: fn(&M, &CsvFrame) -> aybiza_analytics::Result<T>,
) -> napi::Result<PromiseRaw<'env, Value>>
where
    M: Send + Sync + 'static,
    T: serde::Serialize + Send + 'static,
{
    let frame = convert::table_frame("table", table)?;
    promise::spawn(env, async move {
        let frame = frame?;
        let predicted = spawn_blocking(move || predict(&model, &frame))
            .await
            .map_err(|e| Error::Task(e.to_string()))??;
        Ok(serde_json::to_value(predicted)?)
    })
}

/// `models` in the versioned JSON file format, as a Buffer.
fn models_to_buffer<M: json::SavedModels>(env: &Env, models: &M) -> napi::Result<Buffer> {
    let text = models.to_json().map_err(|e| errors::to_napi(env, &e))?;
    Ok(Buffer::from(text.into_bytes()))
}

/// Models from a Buffer, Uint8Array or string in the versioned JSON file format.
fn models_from_data<M: json::SavedModels>(env: &Env, data: Unknown) -> napi::Result<Arc<M>> {
    convert::jsonl_bytes(data)?
        .and_then(|bytes| json::models_from_bytes::<M>(&bytes))
        .map(Arc::new)
        .map_err(|e| errors::to_napi(env, &e))
}

/// Writes `models` to the file at `path`.
fn save_models_at<M: json::SavedModels>(env: &Env, models: &M, path: Unknown) -> napi::Result<()> {
    convert::string_arg("path", path)?
        .and_then(|path| json::save_models(models, &PathBuf::from(path)))
        .map_err(|e| errors::to_napi(env, &e))
}

/// Reads models from the file at `path`.
fn load_models_at<M: json::SavedModels>(env: &Env, path: Unknown) -> napi::Result<Arc<M>> {
    convert::string_arg("path", path)?
        .and_then(|path| json::load_models::<M>(&PathBuf::from(path)))
        .map(Arc::new)
        .map_err(|e| errors::to_napi(env, &e))
}

/// The snapshot instant `asOf`: a `Date` or an RFC 3339 string.
fn snapshot_instant(value: Unknown) -> napi::Result<convert::Checked<DateTime<Utc>>> {
    if matches!(value.get_type()?, ValueType::Null | ValueType::Undefined) {
        return Ok(Err(Error::InvalidArgument(
            "asOf must be a Date or an RFC 3339 string, got nothing".into(),
        )));
    }
    Ok(convert::instant("asOf", Some(value))?.and_then(|instant| {
        instant.ok_or_else(|| {
            Error::InvalidArgument("asOf must be a Date or an RFC 3339 string".into())
        })
    }))
}

/// The customer features of `tenant`'s customers at `asOf` (history before it
/// only), one object per customer (`customer_id` and each feature; `null` when missing).
#[napi(
    catch_unwind,
    ts_return_type = "Promise<Array<Record<string, number | string | null>>>"
)]
pub fn customer_features<'env>(
    env: &'env Env,
    store: &Store,
    #[napi(ts_arg_type = "string")] tenant: Unknown,
    #[napi(ts_arg_type = "Date | string")] as_of: Unknown,
) -> napi::Result<PromiseRaw<'env, Value>> {
    let tenant = convert::string_arg("tenant", tenant)?;
    let as_of = snapshot_instant(as_of)?;
    let shared = store.shared();
    promise::spawn(env, async move {
        let rows = json::customer_features(shared.as_ref(), &tenant?, as_of?).await?;
        Ok(Value::Array(rows))
    })
}

/// The churn and upsell propensity models of a tenant's customers.
#[napi]
pub struct CustomerModels {
    models: Arc<Customers>,
}

#[napi]
impl CustomerModels {
    /// Trains both models on a snapshot of `tenant`'s customers at `asOf`:
    /// features from the calls and journey events before it, labels from the
    /// journey-event actions in the horizon after it. Rejects with code
    /// `InvalidArgument` when there is no history or a label field or setting
    /// is unknown, `Predict` when neither model can be trained.
    #[napi(catch_unwind, ts_return_type = "Promise<CustomerModels>")]
    pub fn train<'env>(
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown,
        #[napi(ts_arg_type = "PropensityLabels | null")] labels: Option<Unknown>,
        #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, CustomerModels>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let as_of = snapshot_instant(as_of)?;
        let labels = convert::optional_object_json("labels", labels)?;
        let settings = convert::optional_object_json("settings", settings)?;
        let shared = store.shared();
        let work = async move {
            json::train_customer_models(shared.as_ref(), &tenant?, as_of?, labels?, settings?).await
        };
        env.spawn_future_with_callback(
            async move { Ok(work.await) },
            |env, trained: aybiza_analytics::Result<Customers>| {
                let models = trained.map_err(|e| errors::to_napi(env, &e))?;
                Ok(CustomerModels {
                    models: Arc::new(models),
                })
            },
        )
    }

    /// Churn and upsell propensities of every customer of `tenant` with history before `asOf`.
    #[napi(catch_unwind, ts_return_type = "Promise<CustomerPredictions[]>")]
    pub fn predict<'env>(
        &self,
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let as_of = snapshot_instant(as_of)?;
        let (shared, models) = (store.shared(), Arc::clone(&self.models));
        promise::spawn(env, async move {
            let predictions =
                json::predict_customers(&models, shared.as_ref(), &tenant?, as_of?).await?;
            Ok(serde_json::to_value(predictions)?)
        })
    }

    /// Metrics of the models on a snapshot at `asOf`, labelled as in training.
    #[napi(catch_unwind, ts_return_type = "Promise<CustomerEvaluation>")]
    pub fn evaluate<'env>(
        &self,
        env: &'env Env,
        store: &Store,
        #[napi(ts_arg_type = "string")] tenant: Unknown,
        #[napi(ts_arg_type = "Date | string")] as_of: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        let tenant = convert::string_arg("tenant", tenant)?;
        let as_of = snapshot_instant(as_of)?;
        let (shared, models) = (store.shared(), Arc::clone(&self.models));
        promise::spawn(env, async move {
            let evaluation =
                json::evaluate_customer_models(&models, shared.as_ref(), &tenant?, as_of?).await?;
            Ok(serde_json::to_value(evaluation)?)
        })
    }

    /// The models in the versioned JSON file format, as a Buffer.
    #[napi(catch_unwind, ts_return_type = "Uint8Array")]
    pub fn to_bytes(&self, env: &Env) -> napi::Result<Buffer> {
        models_to_buffer(env, self.models.as_ref())
    }

    /// Models from bytes written by `toBytes` or `save` (a Buffer, Uint8Array
    /// or string). Throws with code `Predict` for a corrupt or unsupported model.
    #[napi(factory, catch_unwind)]
    pub fn from_bytes(
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array | string")] data: Unknown,
    ) -> napi::Result<Self> {
        Ok(Self {
            models: models_from_data(env, data)?,
        })
    }

    /// Writes the models to a file.
    #[napi(catch_unwind)]
    pub fn save(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<()> {
        save_models_at(env, self.models.as_ref(), path)
    }

    /// Reads models from a file written by `save`.
    #[napi(factory, catch_unwind)]
    pub fn load(env: &Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<Self> {
        Ok(Self {
            models: load_models_at(env, path)?,
        })
    }

    /// Whether a churn model was trained (it needs enough customers who churned and who did not).
    #[napi(getter)]
    pub fn has_churn(&self) -> bool {
        self.models.churn.is_some()
    }

    /// Whether an upsell model was trained (it needs enough customers who upgraded and who did not).
    #[napi(getter)]
    pub fn has_upsell(&self) -> bool {
        self.models.upsell.is_some()
    }

    /// The label settings the models were trained with.
    #[napi(getter, ts_return_type = "Required<PropensityLabels>")]
    pub fn labels(&self) -> napi::Result<Value> {
        serde_json::to_value(&self.models.labels)
            .map_err(|e| napi::Error::from_reason(e.to_string()))
    }
}

/// A random-forest classifier on any table (an array of row objects or an
/// object of column arrays, read as `classifyTable` reads it).
#[napi]
pub struct Classifier {
    model: Arc<ForestClassifier>,
}

#[napi]
impl Classifier {
    /// Trains on `table` with the column `target` as the class. Rejects with
    /// code `Predict` for a missing target column, a single class or an
    /// untrainable table, `InvalidArgument` for a bad setting.
    #[napi(catch_unwind, ts_return_type = "Promise<Classifier>")]
    pub fn fit<'env>(
        env: &'env Env,
        #[napi(ts_arg_type = "TableInput")] table: Unknown,
        #[napi(ts_arg_type = "string")] target: Unknown,
        #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Classifier>> {
        fit_on_table(
            env,
            table,
            target,
            settings,
            json::fit_classifier_frame,
            |model| Classifier { model },
        )
    }

    /// The class and the probability of each class for every row of `table`;
    /// its columns are found by name and typed as in training (others are
    /// ignored). Rejects with code `Predict` for a missing model column or a
    /// word in a numeric one.
    #[napi(catch_unwind, ts_return_type = "Promise<ClassPredictions>")]
    pub fn predict<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "TableInput")] table: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        predict_on_table(env, table, Arc::clone(&self.model), json::classify_rows)
    }

    /// The classes, sorted; for two, the second is the positive one.
    #[napi(getter)]
    pub fn classes(&self) -> Vec<String> {
        self.model.classes().to_vec()
    }

    /// The encoded feature columns the forest reads.
    #[napi(getter)]
    pub fn feature_names(&self) -> Vec<String> {
        self.model.feature_names().to_vec()
    }

    /// The model in the versioned JSON file format (kind `classifier`), as a Buffer.
    #[napi(catch_unwind, ts_return_type = "Uint8Array")]
    pub fn to_bytes(&self, env: &Env) -> napi::Result<Buffer> {
        models_to_buffer(env, self.model.as_ref())
    }

    /// A model from bytes written by `toBytes`, `save` or `aybiza classify
    /// --save-model` (a Buffer, Uint8Array or string). Throws with code
    /// `Predict` for a corrupt or unsupported file or another model kind.
    #[napi(factory, catch_unwind)]
    pub fn from_bytes(
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array | string")] data: Unknown,
    ) -> napi::Result<Self> {
        Ok(Self {
            model: models_from_data(env, data)?,
        })
    }

    /// Writes the model to a file.
    #[napi(catch_unwind)]
    pub fn save(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<()> {
        save_models_at(env, self.model.as_ref(), path)
    }

    /// Reads a model from a file written by `save`.
    #[napi(factory, catch_unwind)]
    pub fn load(env: &Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<Self> {
        Ok(Self {
            model: load_models_at(env, path)?,
        })
    }
}

/// A random-forest regressor on any table, read as `Classifier` reads it.
#[napi]
pub struct Regressor {
    model: Arc<ForestRegressor>,
}

#[napi]
impl Regressor {
    /// Trains on `table` with the numeric column `target` as the value to
    /// predict. Rejects with code `Predict` for a missing target column or a
    /// target cell that is not a number, `InvalidArgument` for a bad setting.
    #[napi(catch_unwind, ts_return_type = "Promise<Regressor>")]
    pub fn fit<'env>(
        env: &'env Env,
        #[napi(ts_arg_type = "TableInput")] table: Unknown,
        #[napi(ts_arg_type = "string")] target: Unknown,
        #[napi(ts_arg_type = "ForestSettings | null")] settings: Option<Unknown>,
    ) -> napi::Result<PromiseRaw<'env, Regressor>> {
        fit_on_table(
            env,
            table,
            target,
            settings,
            json::fit_regressor_frame,
            |model| Regressor { model },
        )
    }

    /// The predicted value of every row of `table` (columns as for
    /// `Classifier.predict`).
    #[napi(catch_unwind, ts_return_type = "Promise<number[]>")]
    pub fn predict<'env>(
        &self,
        env: &'env Env,
        #[napi(ts_arg_type = "TableInput")] table: Unknown,
    ) -> napi::Result<PromiseRaw<'env, Value>> {
        predict_on_table(env, table, Arc::clone(&self.model), json::regress_rows)
    }

    /// The encoded feature columns the forest reads.
    #[napi(getter)]
    pub fn feature_names(&self) -> Vec<String> {
        self.model.feature_names().to_vec()
    }

    /// The model in the versioned JSON file format (kind `regressor`), as a Buffer.
    #[napi(catch_unwind, ts_return_type = "Uint8Array")]
    pub fn to_bytes(&self, env: &Env) -> napi::Result<Buffer> {
        models_to_buffer(env, self.model.as_ref())
    }

    /// A model from bytes written by `toBytes` or `save`. Throws with code
    /// `Predict` for a corrupt or unsupported file or another model kind.
    #[napi(factory, catch_unwind)]
    pub fn from_bytes(
        env: &Env,
        #[napi(ts_arg_type = "Uint8Array | string")] data: Unknown,
    ) -> napi::Result<Self> {
        Ok(Self {
            model: models_from_data(env, data)?,
        })
    }

    /// Writes the model to a file.
    #[napi(catch_unwind)]
    pub fn save(
        &self,
        env: &Env,
        #[napi(ts_arg_type = "string")] path: Unknown,
    ) -> napi::Result<()> {
        save_models_at(env, self.model.as_ref(), path)
    }

    /// Reads a model from a file written by `save`.
    #[napi(factory, catch_unwind)]
    pub fn load(env: &Env, #[napi(ts_arg_type = "string")] path: Unknown) -> napi::Result<Self> {
        Ok(Self {
            model: load_models_at(env, path)?,
        })
    }
}
