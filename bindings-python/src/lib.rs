//! Python bindings for aybiza-analytics: the `aybiza_analytics` package's native module.
//!
//! Layout: [`errors`] holds the exception hierarchy, [`convert`] the
//! Python/JSON/time conversions, [`runtime`] the shared tokio runtime,
//! [`ingest`] the ingestion result classes and `parse_jsonl`, [`store`]
//! the `Store` class (queries and reports), [`report`] the report helpers and
//! `render_report_html`, [`sim`] the simulator, and [`privacy`] the
//! `Redactor` class, [`journey`] attribution, journey maps, cohorts, LTV and the
//! `JourneyTracker` class, [`sentiment`] the `SentimentAnalyzer` class,
//! [`realtime`] the `CallTracker` class and `RealtimeError`, [`predict`] outcome
//! and customer propensity models, [`llm`] the `LlmClient` class (Bedrock), [`forecast`] forecasting,
//! anomaly detection (`AnomalyMonitor`) and staffing, [`rules`] the `LiveRules` class, [`export`]
//! the analytics tables, [`insights`] `generate_insights` and the `InsightScheduler` and
//! `LiveInsights` classes, [`access`] the audit log (`Store.scoped` is in [`store`]). A new function goes in the file of its area and is
//! registered in [`native`] below; its stub goes in
//! `python/aybiza_analytics/__init__.pyi`.

mod access;
mod convert;
mod errors;
mod export;
mod forecast;
mod fork_safe;
mod ingest;
mod insights;
mod journey;
mod llm;
mod patterns;
mod predict;
mod privacy;
mod realtime;
mod report;
mod rules;
mod runtime;
mod sentiment;
mod sim;
mod store;

use pyo3::prelude::*;

/// The native module `aybiza_analytics._native`, re-exported by the `aybiza_analytics` package.
#[pymodule]
#[pyo3(name = "_native")]
fn native(module: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(module)?;
    module.add_class::<store::PyStore>()?;
    module.add_class::<ingest::PyIngestReport>()?;
    module.add_class::<ingest::PyWriteCounts>()?;
    module.add_class::<ingest::PyRecordError>()?;
    module.add_class::<privacy::PyRedactor>()?;
    module.add_class::<journey::PyJourneyTracker>()?;
    module.add_class::<sentiment::PySentimentAnalyzer>()?;
    realtime::register(module)?;
    module.add_class::<predict::PyOutcomeModels>()?;
    module.add_class::<predict::PyCustomerModels>()?;
    module.add_class::<predict::PyClassifier>()?;
    module.add_class::<predict::PyRegressor>()?;
    module.add_function(wrap_pyfunction!(predict::classify_csv, module)?)?;
    module.add_function(wrap_pyfunction!(predict::classify_csv_bytes, module)?)?;
    module.add_function(wrap_pyfunction!(predict::regress_csv, module)?)?;
    module.add_function(wrap_pyfunction!(predict::regress_csv_bytes, module)?)?;
    module.add_function(wrap_pyfunction!(predict::call_features, module)?)?;
    module.add_function(wrap_pyfunction!(predict::customer_features, module)?)?;
    module.add_class::<llm::PyLlmClient>()?;
    module.add_class::<forecast::PyAnomalyMonitor>()?;
    module.add_function(wrap_pyfunction!(forecast::forecast, module)?)?;
    module.add_function(wrap_pyfunction!(forecast::detect_anomalies, module)?)?;
    module.add_function(wrap_pyfunction!(forecast::staffing, module)?)?;
    module.add_class::<rules::PyLiveRules>()?;
    module.add_class::<rules::PyLiveRuleCall>()?;
    module.add_function(wrap_pyfunction!(ingest::parse_jsonl, module)?)?;
    module.add_function(wrap_pyfunction!(journey::attribution, module)?)?;
    module.add_function(wrap_pyfunction!(journey::attribution_csv, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journeys, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journey_paths, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journey_map, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journey_map_csv, module)?)?;
    module.add_function(wrap_pyfunction!(journey::funnel, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journey_segments, module)?)?;
    module.add_function(wrap_pyfunction!(journey::journey_segments_csv, module)?)?;
    module.add_function(wrap_pyfunction!(journey::cohorts, module)?)?;
    module.add_function(wrap_pyfunction!(journey::fit_bg_nbd, module)?)?;
    module.add_function(wrap_pyfunction!(journey::fit_gamma_gamma, module)?)?;
    module.add_function(wrap_pyfunction!(journey::bg_nbd_probability_alive, module)?)?;
    module.add_function(wrap_pyfunction!(
        journey::bg_nbd_expected_transactions,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(
        journey::gamma_gamma_expected_spend,
        module
    )?)?;
    module.add_function(wrap_pyfunction!(sim::simulate, module)?)?;
    module.add_function(wrap_pyfunction!(sim::simulate_jsonl, module)?)?;
    module.add_function(wrap_pyfunction!(report::render_report_html, module)?)?;
    module.add_function(wrap_pyfunction!(patterns::discover_patterns, module)?)?;
    module.add_function(wrap_pyfunction!(patterns::analyze_call_patterns, module)?)?;
    module.add_function(wrap_pyfunction!(insights::generate_insights, module)?)?;
    module.add_class::<insights::PyInsightScheduler>()?;
    module.add_class::<insights::PyLiveInsights>()?;
    module.add_function(wrap_pyfunction!(export::tenant_tables, module)?)?;
    module.add_function(wrap_pyfunction!(export::export_tables, module)?)?;
    module.add_function(wrap_pyfunction!(export::push_power_bi, module)?)?;
    module.add_function(wrap_pyfunction!(access::read_audit_log, module)?)?;
    module.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
