//! The analysis report: `renderReportHtml`, and the helpers of `Store.report` and `Store.writeReport`.

use aybiza_analytics::report::{Report, ReportOptions, ReportPaths, render_html};
use napi::Env;
use napi::bindgen_prelude::Unknown;
use napi_derive::napi;
use serde_json::{Value, json};

use crate::{convert, errors};

/// Report options selecting `tenants` (every tenant when `None`).
pub fn report_options(tenants: Option<Vec<String>>) -> ReportOptions {
    ReportOptions {
        tenants,
        ..ReportOptions::default()
    }
}

/// `{json, html}`: the paths of a written report.
pub fn paths_json(paths: &ReportPaths) -> Value {
    json!({
        "json": paths.json.to_string_lossy(),
        "html": paths.html.to_string_lossy(),
    })
}

/// Renders a report (as `store.report()` resolves it, or parsed from
/// `report.json`) as a self-contained HTML page.
///
/// Throws an `Error` with code `InvalidArgument` when `report` is not a
/// report; the message names the missing or mistyped field.
#[napi(catch_unwind)]
pub fn render_report_html(
    env: &Env,
    #[napi(ts_arg_type = "Report")] report: Unknown,
) -> napi::Result<String> {
    convert::object_json("report", report)?
        .and_then(|value| convert::from_json::<Report>("report", value))
        .map(|report| render_html(&report))
        .map_err(|error| errors::to_napi(env, &error))
}
