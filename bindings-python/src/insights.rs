//! `generate_insights`: statistical insights for one tenant and period of a store.

use aybiza_analytics::insights::{InsightGenerator, InsightOptions, StatisticalInsights};
use pyo3::prelude::*;

use crate::convert::{options_or_default, time_range, to_py};
use crate::runtime::run;
use crate::store::PyStore;

/// Insights for a tenant's calls of `[start, end)`, highest impact first, as a list of dicts
/// (`kind`, `category`, `segment`, `title`, `description`, `impact`, `evidence`). With both ends
/// given the period is also compared with the one of equal length before it. `options` is a dict
/// of `InsightOptions` fields; `None` for defaults.
#[pyfunction]
#[pyo3(signature = (store, tenant, start=None, end=None, options=None))]
pub fn generate_insights<'py>(
    py: Python<'py>,
    store: &PyStore,
    tenant: String,
    start: Option<&Bound<'py, PyAny>>,
    end: Option<&Bound<'py, PyAny>>,
    options: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyAny>> {
    let range = time_range(start, end)?;
    let options: InsightOptions = options_or_default("options", options)?;
    let store = store.shared();
    let generator = StatisticalInsights { options };
    let insights = run(py, async move {
        generator.generate(store.as_ref(), &tenant, range).await
    })?;
    to_py(py, &insights)
}
