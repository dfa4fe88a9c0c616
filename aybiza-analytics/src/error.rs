//! The crate-wide error type.

use crate::model::ingest::RecordError;

/// Everything that can go wrong in this crate.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An input record broke the data model; names the line, record and field.
    #[error("invalid record: {0}")]
    InvalidRecord(#[from] RecordError),
    /// A caller passed an argument outside its documented domain.
    #[error("invalid argument: {0}")]
    InvalidArgument(String),
    /// The embedded SQLite store failed.
    #[error("storage error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored row could not be decoded (the file was written by an incompatible version or edited by hand).
    #[error("corrupt stored record: {0}")]
    CorruptRecord(String),
    /// The store file was written by a newer, incompatible schema.
    #[error("store schema version {found} is not supported (this build reads up to {supported})")]
    UnsupportedSchema {
        /// Version found in the file.
        found: i64,
        /// Highest version this build understands.
        supported: i64,
    },
    /// Reading or writing a file failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// JSON encoding or decoding failed.
    #[error("JSON error: {0}")]
    Json(#[from] serde_json::Error),
    /// Training, evaluating, saving or applying a prediction model failed.
    /// (Present whatever the features, so that matches on `Error` compile with and without `predict`.)
    #[error("prediction: {0}")]
    Predict(Box<dyn std::error::Error + Send + Sync>),
    /// A call to a large language model failed.
    #[error("LLM: {0}")]
    Llm(#[from] crate::llm::LlmError),
    /// A push to Power BI failed; says what had been pushed before the failure.
    /// (Present whatever the features, so that matches on `Error` compile with and without `powerbi`.)
    #[error("Power BI: {0}")]
    PowerBi(#[from] crate::export::powerbi::PowerBiError),
    /// The principal of an [`crate::access::ScopedStore`] may not do what was asked (its role
    /// or its tenants do not allow it); the attempt is in the audit log.
    #[error("access denied: {0}")]
    Forbidden(String),
    /// A background task was cancelled or panicked.
    #[error("background task failed: {0}")]
    Task(String),
}

/// Result alias using [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(feature = "predict")]
impl From<crate::predict::PredictError> for Error {
    fn from(error: crate::predict::PredictError) -> Self {
        Error::Predict(Box::new(error))
    }
}
