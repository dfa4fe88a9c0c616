//! `discover_patterns`: batch pattern discovery for one tenant and period of a store;
//! `analyze_call_patterns`: the same, deepened per group by an `LlmClient` when one is given.

use aybiza_analytics::patterns::analyze::{
    PatternAnalysisOptions, analyze_call_patterns as analyze,
};
use aybiza_analytics::patterns::discovery::{DiscoveryOptions, discover_patterns as discover};
use pyo3::prelude::*;

use crate::convert::{options_or_default, time_range, to_py};
use crate::llm::PyLlmClient;
use crate::runtime::run;
use crate::store::PyStore;

/// Groups a tenant's calls of `[start, end)` and runs the specialised analyses; returns the findings as a dict.
/// `options` is a dict of `DiscoveryOptions` fields (`vectorize`, `cluster`, `analyses`); `None` for defaults.
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, options=None))]
pub fn discover_patterns<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let range = time_range(start, end)?;
    let options: DiscoveryOptions = options_or_default("options", options)?;
    let store = store.shared();
    let findings = run(py, async move {
        discover(store.as_ref(), &tenant, range, &options).await
    })?;
    to_py(py, &findings)
}

/// Runs `discover_patterns`, then, with `llm_client`, asks the model about each group (largest first, at
/// most `max_llm_groups`) and attaches its answer as the group's `llm_insights`; groups whose analysis
/// failed are listed in `llm_failures`, the tokens and cost of the others in `llm_usage`.
/// `options` is a dict of `PatternAnalysisOptions` fields (`discovery`, `deepen`, `max_llm_groups`).
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, options=None, llm_client=None))]
pub fn analyze_call_patterns<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
    llm_client: Option<&PyLlmClient>,
) -> PyResult<Bound<'py, PyAny>> {
    let range = time_range(start, end)?;
    let options: PatternAnalysisOptions = options_or_default("options", options)?;
    let store = store.shared();
    let client = llm_client.map(|c| c.core().clone());
    let analysis = run(py, async move {
        analyze(store.as_ref(), &tenant, range, &options, client.as_ref()).await
    })?;
    to_py(py, &analysis)
}
