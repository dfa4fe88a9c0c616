//! The Python exception hierarchy and the mapping from the core [`Error`] to it.

use aybiza_analytics::Error;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    aybiza_analytics,
    AybizaError,
    PyException,
    "Base class of every error raised by aybiza_analytics."
);
create_exception!(
    aybiza_analytics,
    InvalidRecordError,
    AybizaError,
    "A record broke the data model."
);
create_exception!(
    aybiza_analytics,
    InvalidArgumentError,
    AybizaError,
    "An argument was outside its documented domain (a malformed date, a range that ends before it starts, ...)."
);
create_exception!(
    aybiza_analytics,
    StoreError,
    AybizaError,
    "The store failed: SQLite error, corrupt stored record, or a file written by a newer schema."
);

create_exception!(
    aybiza_analytics,
    PredictError,
    AybizaError,
    "A prediction model could not be trained, loaded or applied: a feature schema that does not match the model's, a single class, a corrupt or unsupported model file, ..."
);

create_exception!(
    aybiza_analytics,
    LlmError,
    AybizaError,
    "A call to a large language model failed (throttled, timed out, rejected, or an invalid answer)."
);

create_exception!(
    aybiza_analytics,
    AccessDeniedError,
    AybizaError,
    "A scoped store's principal may not do what was asked (its role or tenants do not allow it); the attempt is in the audit log."
);

create_exception!(
    aybiza_analytics,
    PowerBiError,
    AybizaError,
    "A push to Power BI was refused (sign-in, throttling, a missing table, ...) or got no answer; the message says what had been pushed before."
);

/// Converts a core error into the Python exception of its kind, keeping the core's message.
pub fn to_py_err(error: Error) -> PyErr {
    let message = error.to_string();
    match error {
        Error::InvalidRecord(_) => InvalidRecordError::new_err(message),
        Error::InvalidArgument(_) => InvalidArgumentError::new_err(message),
        Error::Sqlite(_) | Error::CorruptRecord(_) | Error::UnsupportedSchema { .. } => {
            StoreError::new_err(message)
        }
        Error::Predict(_) => PredictError::new_err(message),
        Error::Llm(_) => LlmError::new_err(message),
        Error::Forbidden(_) => AccessDeniedError::new_err(message),
        Error::PowerBi(failure) => Python::attach(|py| {
            let error = PowerBiError::new_err(message);
            // The message lists the same; an empty list stands in if the list cannot be built.
            let pushed = crate::convert::to_py(py, &failure.pushed)
                .unwrap_or_else(|_| pyo3::types::PyList::empty(py).into_any());
            let _ = error.value(py).setattr("pushed", pushed);
            error
        }),
        Error::Io(_) | Error::Json(_) | Error::Task(_) => AybizaError::new_err(message),
    }
}

/// An [`InvalidArgumentError`] with `message`.
pub fn invalid_argument(message: impl Into<String>) -> PyErr {
    InvalidArgumentError::new_err(message.into())
}

/// Adds the exception classes to the module.
pub fn register(module: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = module.py();
    module.add("AybizaError", py.get_type::<AybizaError>())?;
    module.add("InvalidRecordError", py.get_type::<InvalidRecordError>())?;
    module.add(
        "InvalidArgumentError",
        py.get_type::<InvalidArgumentError>(),
    )?;
    module.add("StoreError", py.get_type::<StoreError>())?;
    module.add("PredictError", py.get_type::<PredictError>())?;
    module.add("LlmError", py.get_type::<LlmError>())?;
    module.add("AccessDeniedError", py.get_type::<AccessDeniedError>())?;
    module.add("PowerBiError", py.get_type::<PowerBiError>())?;
    Ok(())
}
