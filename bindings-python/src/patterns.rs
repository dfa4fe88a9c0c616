//! `discover_patterns`: batch pattern discovery for one tenant and period of a store.

use aybiza_analytics::patterns::discovery::{DiscoveryOptions, discover_patterns as discover};
use pyo3::prelude::*;

use crate::convert::{dict_to_json, from_json, time_range, to_py};
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
    let options: DiscoveryOptions = match options.filter(|o| !o.is_none()) {
        Some(o) => from_json("options", dict_to_json("options", o)?)?,
        None => DiscoveryOptions::default(),
    };
    let store = store.shared();
    let findings = run(py, async move {
        discover(store.as_ref(), &tenant, range, &options).await
    })?;
    to_py(py, &findings)
}
