//! [`ScopedStore`]: a store as one principal may see it.

use std::collections::BTreeMap;
use std::sync::Arc;

use async_trait::async_trait;
use chrono::Utc;

use super::{AuditAction, AuditEvent, AuditLog, Principal};
use crate::model::{Call, JourneyEvent, MetricSample, Record, Tenant, TimeRange, Utterance};
use crate::privacy::Redactor;
use crate::store::{Store, WriteCounts};
use crate::{Error, Result};

/// A [`Store`] as one [`Principal`] may use it: reads and writes outside the principal's role or
/// tenants fail with [`Error::Forbidden`], a viewer's reads come back with personal data
/// masked, the tenant list holds only the principal's tenants, and every access, allowed or
/// denied, is recorded in the audit log before the call returns.
pub struct ScopedStore {
    inner: Arc<dyn Store>,
    principal: Principal,
    audit: Arc<dyn AuditLog>,
    redactor: Redactor,
}

/// What one access asks for, as its audit event names it.
#[derive(Clone, Copy)]
struct Access<'a> {
    action: AuditAction,
    tenant: Option<&'a str>,
    range: Option<TimeRange>,
    call_id: Option<&'a str>,
}

impl<'a> Access<'a> {
    fn of_tenant(action: AuditAction, tenant: &'a str) -> Self {
        Self {
            action,
            tenant: Some(tenant),
            range: None,
            call_id: None,
        }
    }

    fn in_range(action: AuditAction, tenant: &'a str, range: TimeRange) -> Self {
        Self {
            range: Some(range),
            ..Self::of_tenant(action, tenant)
        }
    }
}

impl ScopedStore {
    /// `inner` as `principal` may use it, with every access recorded in `audit`. An empty id, no
    /// tenants or an empty tenant name is an [`Error::InvalidArgument`].
    pub fn new(
        inner: Arc<dyn Store>,
        principal: Principal,
        audit: Arc<dyn AuditLog>,
    ) -> Result<Self> {
        if principal.id.trim().is_empty() {
            return Err(Error::InvalidArgument("a principal needs an id".into()));
        }
        if principal.tenants.is_empty() || principal.tenants.iter().any(|t| t.trim().is_empty()) {
            return Err(Error::InvalidArgument(format!(
                "principal '{}' needs at least one tenant, and no empty tenant name (\"*\" for every tenant)",
                principal.id
            )));
        }
        Ok(Self {
            inner,
            principal,
            audit,
            redactor: Redactor::new(),
        })
    }

    /// The principal this store acts for.
    pub fn principal(&self) -> &Principal {
        &self.principal
    }

    fn masks(&self) -> bool {
        !self.principal.role.sees_personal_data()
    }

    fn event(&self, access: Access<'_>, records: usize, reason: Option<String>) -> AuditEvent {
        AuditEvent {
            at: Utc::now(),
            principal: self.principal.id.clone(),
            role: self.principal.role,
            action: access.action,
            tenant: access.tenant.map(str::to_owned),
            range: access.range,
            call_id: access.call_id.map(str::to_owned),
            allowed: reason.is_none(),
            records,
            redacted: reason.is_none() && self.masks() && access.action.returns_personal_data(),
            reason,
        }
    }

    /// Records a denial and returns it as the error.
    fn deny(&self, access: Access<'_>, reason: String) -> Error {
        match self
            .audit
            .record(&self.event(access, 0, Some(reason.clone())))
        {
            Ok(()) => Error::Forbidden(reason),
            Err(error) => error,
        }
    }

    /// Checks that the principal may read `access.tenant` (any tenant when `None`).
    fn check_read(&self, access: Access<'_>) -> Result<()> {
        let principal = &self.principal;
        if !principal.role.can_read() {
            return Err(self.deny(
                access,
                format!(
                    "'{}' has the {} role, which may not read records",
                    principal.id,
                    principal.role.as_str()
                ),
            ));
        }
        match access.tenant {
            Some(tenant) if !principal.covers(tenant) => Err(self.deny(
                access,
                format!("'{}' may not access tenant '{tenant}'", principal.id),
            )),
            _ => Ok(()),
        }
    }

    /// Records an allowed access that returned or wrote `records` records.
    fn allow(&self, access: Access<'_>, records: usize) -> Result<()> {
        self.audit.record(&self.event(access, records, None))
    }

    /// Reads with `read` after the checks (so a denied read never reaches the inner store),
    /// masks what a viewer may not see, and records it.
    async fn read<T, F, Fut>(
        &self,
        access: Access<'_>,
        read: F,
        mask: fn(&Redactor, &mut T),
    ) -> Result<Vec<T>>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<Vec<T>>>,
    {
        self.check_read(access)?;
        let mut rows = read().await?;
        if self.masks() {
            for row in &mut rows {
                mask(&self.redactor, row);
            }
        }
        self.allow(access, rows.len())?;
        Ok(rows)
    }
}

fn mask_call(redactor: &Redactor, call: &mut Call) {
    for tag in &mut call.tags {
        *tag = redactor.redact(tag).text;
    }
    mask_attributes(redactor, &mut call.attributes);
}

fn mask_utterance(redactor: &Redactor, utterance: &mut Utterance) {
    redactor.redact_utterance(utterance);
}

fn mask_event(redactor: &Redactor, event: &mut JourneyEvent) {
    mask_attributes(redactor, &mut event.attributes);
}

fn mask_attributes(redactor: &Redactor, attributes: &mut BTreeMap<String, String>) {
    for value in attributes.values_mut() {
        *value = redactor.redact(value).text;
    }
}

fn nothing_to_mask<T>(_: &Redactor, _: &mut T) {}

#[async_trait]
impl Store for ScopedStore {
    async fn put(&self, records: Vec<Record>) -> Result<WriteCounts> {
        let principal = &self.principal;
        let mut per_tenant: BTreeMap<String, usize> = BTreeMap::new();
        for record in &records {
            match per_tenant.get_mut(record.tenant()) {
                Some(count) => *count += 1,
                None => {
                    per_tenant.insert(record.tenant().to_owned(), 1);
                }
            }
        }
        // One event per tenant of the batch, allowed or denied; an empty batch records one event.
        let accesses: Vec<Access<'_>> = if per_tenant.is_empty() {
            vec![Access {
                action: AuditAction::Put,
                tenant: None,
                range: None,
                call_id: None,
            }]
        } else {
            per_tenant
                .keys()
                .map(|tenant| Access::of_tenant(AuditAction::Put, tenant))
                .collect()
        };
        let foreign: Vec<&str> = per_tenant
            .keys()
            .map(String::as_str)
            .filter(|tenant| !principal.covers(tenant))
            .collect();
        let denial = if !principal.role.can_write() {
            Some(format!(
                "'{}' has the {} role, which may not write records",
                principal.id,
                principal.role.as_str()
            ))
        } else if !foreign.is_empty() {
            Some(format!(
                "'{}' may not write to tenant '{}'",
                principal.id,
                foreign.join("', '")
            ))
        } else {
            None
        };
        if let Some(reason) = denial {
            for access in &accesses {
                self.audit
                    .record(&self.event(*access, 0, Some(reason.clone())))?;
            }
            return Err(Error::Forbidden(reason));
        }
        let written = self.inner.put(records).await?;
        for access in accesses {
            let count = access.tenant.map_or(0, |tenant| per_tenant[tenant]);
            self.allow(access, count)?;
        }
        Ok(written)
    }

    async fn tenant_ids(&self) -> Result<Vec<String>> {
        let access = Access {
            action: AuditAction::TenantIds,
            tenant: None,
            range: None,
            call_id: None,
        };
        self.check_read(access)?;
        let mut tenants = self.inner.tenant_ids().await?;
        tenants.retain(|tenant| self.principal.covers(tenant));
        self.allow(access, tenants.len())?;
        Ok(tenants)
    }

    async fn tenant(&self, tenant: &str) -> Result<Option<Tenant>> {
        let access = Access::of_tenant(AuditAction::Tenant, tenant);
        self.check_read(access)?;
        let record = self.inner.tenant(tenant).await?;
        self.allow(access, usize::from(record.is_some()))?;
        Ok(record)
    }

    async fn calls(&self, tenant: &str, range: TimeRange) -> Result<Vec<Call>> {
        let access = Access::in_range(AuditAction::Calls, tenant, range);
        self.read(access, || self.inner.calls(tenant, range), mask_call)
            .await
    }

    async fn utterances(&self, tenant: &str, range: TimeRange) -> Result<Vec<Utterance>> {
        let access = Access::in_range(AuditAction::Utterances, tenant, range);
        self.read(
            access,
            || self.inner.utterances(tenant, range),
            mask_utterance,
        )
        .await
    }

    async fn utterances_without_call(&self, tenant: &str) -> Result<Vec<Utterance>> {
        let access = Access::of_tenant(AuditAction::UtterancesWithoutCall, tenant);
        self.read(
            access,
            || self.inner.utterances_without_call(tenant),
            mask_utterance,
        )
        .await
    }

    async fn transcript(&self, tenant: &str, call_id: &str) -> Result<Vec<Utterance>> {
        let access = Access {
            call_id: Some(call_id),
            ..Access::of_tenant(AuditAction::Transcript, tenant)
        };
        self.read(
            access,
            || self.inner.transcript(tenant, call_id),
            mask_utterance,
        )
        .await
    }

    async fn journey_events(&self, tenant: &str, range: TimeRange) -> Result<Vec<JourneyEvent>> {
        let access = Access::in_range(AuditAction::JourneyEvents, tenant, range);
        self.read(
            access,
            || self.inner.journey_events(tenant, range),
            mask_event,
        )
        .await
    }

    async fn metrics(&self, tenant: &str, range: TimeRange) -> Result<Vec<MetricSample>> {
        let access = Access::in_range(AuditAction::Metrics, tenant, range);
        self.read(
            access,
            || self.inner.metrics(tenant, range),
            nothing_to_mask,
        )
        .await
    }
}

#[cfg(test)]
mod tests;
