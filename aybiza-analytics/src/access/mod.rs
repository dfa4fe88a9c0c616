//! Access control and audit: who may read or write which tenants' data, with personal data
//! masked for those who may not see it, and a record of every access, allowed or denied.
//!
//! [`ScopedStore`] wraps any [`Store`] for one [`Principal`]. It is itself a `Store`, so every
//! analysis (reports, insights, patterns, exports) runs through it unchanged and sees only what
//! the principal may see. Each call is checked against the principal's [`Role`] and tenants,
//! and written to an [`AuditLog`] before any data is returned (`docs/access.md`).
//!
//! ```
//! use std::sync::Arc;
//! use aybiza_analytics::access::{MemoryAuditLog, Principal, Role, ScopedStore};
//! use aybiza_analytics::{Error, MemoryStore, Store, TimeRange};
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let audit = Arc::new(MemoryAuditLog::new());
//! let viewer = Principal::new("dana", Role::Viewer, ["northwind"]);
//! let store = ScopedStore::new(Arc::new(MemoryStore::new()), viewer, audit.clone())?;
//! assert!(store.calls("northwind", TimeRange::all()).await?.is_empty());
//! let denied = store.calls("helio", TimeRange::all()).await.unwrap_err();
//! assert!(matches!(denied, Error::Forbidden(_)));
//! assert_eq!(audit.events().len(), 2);
//! # Ok::<(), Error>(()) }).unwrap();
//! ```

mod audit;
mod scoped;

pub use audit::{AuditAction, AuditEvent, AuditLog, JsonlAuditLog, MemoryAuditLog, read_audit_log};
pub use scoped::ScopedStore;

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

#[cfg(doc)]
use crate::store::Store;

/// What a principal may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Reads its tenants' records with personal data masked: transcript text, call tags and
    /// call and journey-event attribute values go through the PII redactor.
    Viewer,
    /// Reads its tenants' records as stored, personal data included.
    Analyst,
    /// Writes records of its tenants (a speech pipeline, an importer); reads nothing.
    Ingest,
    /// Reads as an analyst and writes as an ingest principal.
    Admin,
}

impl Role {
    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Ingest => "ingest",
            Role::Admin => "admin",
        }
    }

    /// Whether the role may read records.
    pub fn can_read(self) -> bool {
        matches!(self, Role::Viewer | Role::Analyst | Role::Admin)
    }

    /// Whether the role reads personal data unmasked.
    pub fn sees_personal_data(self) -> bool {
        matches!(self, Role::Analyst | Role::Admin)
    }

    /// Whether the role may write records.
    pub fn can_write(self) -> bool {
        matches!(self, Role::Ingest | Role::Admin)
    }

    /// Every role, from least to most allowed.
    pub const ALL: [Role; 4] = [Role::Viewer, Role::Analyst, Role::Ingest, Role::Admin];
}

impl std::str::FromStr for Role {
    type Err = Error;

    /// Parses the snake_case name ([`Role::as_str`]).
    fn from_str(name: &str) -> Result<Self> {
        Role::ALL
            .into_iter()
            .find(|role| role.as_str() == name)
            .ok_or_else(|| {
                Error::InvalidArgument(format!(
                    "unknown role '{name}' (expected viewer, analyst, ingest or admin)"
                ))
            })
    }
}

/// Someone (a person or a service) acting on a store: an id for the audit log, a role, and the
/// tenants it may act on (`"*"` for every tenant).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Principal {
    /// Who this is, as the audit log names them.
    pub id: String,
    /// What they may do.
    pub role: Role,
    /// The tenants they may act on; the single entry `"*"` means every tenant.
    pub tenants: Vec<String>,
}

impl Principal {
    /// A principal with `role` over `tenants` (`["*"]` for every tenant).
    pub fn new<S: Into<String>>(
        id: impl Into<String>,
        role: Role,
        tenants: impl IntoIterator<Item = S>,
    ) -> Self {
        Self {
            id: id.into(),
            role,
            tenants: tenants.into_iter().map(Into::into).collect(),
        }
    }

    /// Whether the principal may act on `tenant`.
    pub fn covers(&self, tenant: &str) -> bool {
        self.tenants.iter().any(|t| t == "*" || t == tenant)
    }
}
