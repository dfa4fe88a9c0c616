//! Export: a tenant's data out of the process.
//!
//! - [`export_tenant`] writes the stored records in the JSON Lines ingest format, so a tenant
//!   moves between stores unchanged.
//! - [`analytics_tables`] and [`tenant_tables`] turn records into flat, typed tables with the
//!   analysis joined in (sentiment per utterance and per call, PII redacted by default), and
//!   [`write_table`] writes one as CSV, JSON Lines or Parquet: the files BI tools (Tableau,
//!   Power BI) and dataframes read directly. [`export_tables`] does both for a tenant of a
//!   store (`docs/export.md`).
//! - [`powerbi`] pushes the tables into a Power BI push dataset (the HTTP client is behind the
//!   `powerbi` feature).

mod format;
pub mod powerbi;
mod records;
mod tables;

pub use format::{TableFile, TableFormat, export_tables, write_table, write_tables};
pub use records::{ExportCounts, export_tenant, write_jsonl};
pub use tables::{
    Column, ColumnValues, Table, TableKind, TableOptions, analytics_tables, tenant_tables,
};
