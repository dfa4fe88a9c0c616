//! The `LlmClient` class: Claude on AWS Bedrock behind the core's LLM layer
//! (redaction, retries, timeouts, schema validation, per-tenant costs).

use aybiza_analytics::Error;
use aybiza_analytics::llm::bedrock::BedrockClientSettings;
use aybiza_analytics::llm::deepen::{DeepenOptions, GroupBrief, deepen_groups};
use aybiza_analytics::llm::summarize::executive_summary;
use aybiza_analytics::llm::{LlmClient, LlmRequest};
use pyo3::prelude::*;
use serde_json::{Value, json};

use crate::convert::{dict_to_json, from_json, list_to_json, to_py};
use crate::runtime::run;

/// A dict argument that may be `None` (then `{}`).
fn optional_dict(name: &str, value: Option<&Bound<'_, PyAny>>) -> PyResult<Value> {
    match value {
        Some(value) if !value.is_none() => dict_to_json(name, value),
        _ => Ok(json!({})),
    }
}

/// A model client (Python class `LlmClient`); build one with `LlmClient.bedrock(settings)`.
#[pyclass(name = "LlmClient", module = "aybiza_analytics", frozen)]
pub struct PyLlmClient {
    inner: LlmClient,
}

impl PyLlmClient {
    /// The core client (for functions that take an `LlmClient` argument).
    pub(crate) fn core(&self) -> &LlmClient {
        &self.inner
    }
}

#[pymethods]
impl PyLlmClient {
    /// Connects to Bedrock: credentials and region from the AWS chain, with the overrides in `settings`.
    #[staticmethod]
    #[pyo3(signature = (settings=None))]
    fn bedrock(py: Python<'_>, settings: Option<&Bound<'_, PyAny>>) -> PyResult<Self> {
        let settings: BedrockClientSettings =
            from_json("settings", optional_dict("settings", settings)?)?;
        let inner = run(
            py,
            async move { settings.connect().await.map_err(Error::from) },
        )?;
        Ok(Self { inner })
    }

    /// Sends one request (`system`, `user`, optional `json_schema`, `max_tokens`, `temperature`, `tier`).
    #[pyo3(signature = (request, tenant="default"))]
    fn complete<'py>(
        &self,
        py: Python<'py>,
        request: &Bound<'_, PyAny>,
        tenant: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let request: LlmRequest = from_json("request", dict_to_json("request", request)?)?;
        let client = self.inner.clone();
        let tenant = tenant.to_owned();
        let response = run(py, async move {
            client
                .complete(&tenant, &request)
                .await
                .map_err(Error::from)
        })?;
        to_py(py, &response)
    }

    /// Asks the model about each pattern group; failed groups are listed in `failures`.
    #[pyo3(signature = (groups, tenant="default", options=None))]
    fn deepen<'py>(
        &self,
        py: Python<'py>,
        groups: &Bound<'_, PyAny>,
        tenant: &str,
        options: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let groups: Vec<GroupBrief> = from_json("groups", list_to_json("groups", groups)?)?;
        let options: DeepenOptions = from_json("options", optional_dict("options", options)?)?;
        let client = self.inner.clone();
        let tenant = tenant.to_owned();
        let result = run(py, async move {
            Ok::<_, Error>(deepen_groups(&client, &tenant, &groups, &options).await)
        })?;
        to_py(py, &result)
    }

    /// An executive summary of `key_figures` (any JSON-shaped dict) from the large model.
    #[pyo3(signature = (key_figures, tenant="default"))]
    fn summarize<'py>(
        &self,
        py: Python<'py>,
        key_figures: &Bound<'_, PyAny>,
        tenant: &str,
    ) -> PyResult<Bound<'py, PyAny>> {
        let figures = dict_to_json("key_figures", key_figures)?;
        let client = self.inner.clone();
        let tenant = tenant.to_owned();
        let result = run(py, async move {
            executive_summary(&client, &tenant, &figures)
                .await
                .map_err(Error::from)
        })?;
        to_py(py, &result)
    }

    /// Tokens and dollars per tenant so far: `{tenant: {total, by_model}}`.
    fn costs<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_py(py, &self.inner.ledger().snapshot())
    }
}
