//! The HTTP side of a Power BI push: sign-in, finding or creating the dataset, keeping its
//! tables' schemas in step with ours, and posting the rows in batches with retries.

use std::fmt;
use std::time::{Duration, Instant};

use reqwest::header::{CONTENT_TYPE, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::{
    PowerBiError, PowerBiPush, PushMode, PushOptions, PushedTable, rows_body, table_schema,
};
use crate::export::{Table, TableOptions, tenant_tables};
use crate::model::TimeRange;
use crate::retry::{Jitter, RetryPolicy};
use crate::store::Store;
use crate::{Error, Result};

/// Power BI's REST API for the signed-in user's organisation.
pub const DEFAULT_API_URL: &str = "https://api.powerbi.com/v1.0/myorg";
/// Microsoft Entra ID's sign-in endpoint (the public cloud).
pub const DEFAULT_LOGIN_URL: &str = "https://login.microsoftonline.com";
/// The scope a client-credentials token is asked for.
const POWER_BI_SCOPE: &str = "https://analysis.windows.net/powerbi/api/.default";
/// A cached token is renewed this long before it expires.
const TOKEN_MARGIN: Duration = Duration::from_secs(120);

/// How the client signs in to Power BI.
#[derive(Clone)]
pub enum PowerBiAuth {
    /// A bearer token the host obtained itself (MSAL, or `az account get-access-token
    /// --resource https://analysis.windows.net/powerbi/api`) with the `Dataset.ReadWrite.All`
    /// scope. It is used as is; the host renews it.
    AccessToken(String),
    /// A service principal's client-credentials grant against Microsoft Entra ID. The token is
    /// fetched on first use and renewed before it expires. A service principal has no
    /// "My workspace", so [`PowerBiConfig::workspace`] is required.
    ClientCredentials {
        /// The Entra ID tenant (directory) id.
        tenant_id: String,
        /// The application (client) id.
        client_id: String,
        /// The client secret.
        client_secret: String,
    },
}

impl fmt::Debug for PowerBiAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PowerBiAuth::AccessToken(_) => f.write_str("AccessToken(..)"),
            PowerBiAuth::ClientCredentials {
                tenant_id,
                client_id,
                ..
            } => f
                .debug_struct("ClientCredentials")
                .field("tenant_id", tenant_id)
                .field("client_id", client_id)
                .finish_non_exhaustive(),
        }
    }
}

/// Where and how to reach Power BI.
#[derive(Debug, Clone)]
pub struct PowerBiConfig {
    /// How to sign in.
    pub auth: PowerBiAuth,
    /// The workspace (group) id; `None` for the user's "My workspace".
    pub workspace: Option<String>,
    /// The REST API's base URL ([`DEFAULT_API_URL`]; another for a sovereign cloud or a test server).
    pub api_url: String,
    /// The sign-in endpoint's base URL ([`DEFAULT_LOGIN_URL`]).
    pub login_url: String,
    /// Timeout of each HTTP request.
    pub timeout: Duration,
    /// Retries of throttled (429), failed (5xx) and unsent requests. A request whose answer was
    /// lost after it was sent is retried only when repeating it is harmless (not "post rows",
    /// which would add the rows twice, nor "create dataset").
    pub retry: RetryPolicy,
    /// The longest `Retry-After` a throttled request waits for; a longer one fails the push.
    pub max_retry_after: Duration,
}

impl PowerBiConfig {
    /// Power BI's public cloud with `auth`: 60-second requests, 5 attempts with backoff from
    /// 1 s to 30 s, waits of up to 2 minutes when throttled.
    pub fn new(auth: PowerBiAuth) -> Self {
        Self {
            auth,
            workspace: None,
            api_url: DEFAULT_API_URL.into(),
            login_url: DEFAULT_LOGIN_URL.into(),
            timeout: Duration::from_secs(60),
            retry: RetryPolicy {
                max_attempts: 5,
                initial_backoff: Duration::from_secs(1),
                max_backoff: Duration::from_secs(30),
            },
            max_retry_after: Duration::from_secs(120),
        }
    }
}

/// Everything needed to build a [`PowerBiClient`], as one JSON-friendly object (the CLI and
/// the bindings take it; durations in seconds). Sign-in is either `access_token` or the three
/// of `tenant_id`, `client_id` and `client_secret`. With none of them, the environment gives
/// them: `POWERBI_ACCESS_TOKEN`, else `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and
/// `AZURE_CLIENT_SECRET` (the names the Azure SDKs read).
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PowerBiSettings {
    /// A bearer token ([`PowerBiAuth::AccessToken`]).
    pub access_token: Option<String>,
    /// The Entra ID tenant of a service principal ([`PowerBiAuth::ClientCredentials`]).
    pub tenant_id: Option<String>,
    /// The service principal's application id.
    pub client_id: Option<String>,
    /// The service principal's secret.
    pub client_secret: Option<String>,
    /// The workspace (group) id; "My workspace" when unset.
    pub workspace: Option<String>,
    /// The REST API's base URL ([`DEFAULT_API_URL`] when unset).
    pub api_url: Option<String>,
    /// The sign-in endpoint's base URL ([`DEFAULT_LOGIN_URL`] when unset).
    pub login_url: Option<String>,
    /// Seconds allowed per request.
    pub timeout_seconds: f64,
    /// Attempts per request, the first included.
    pub max_attempts: u32,
    /// Upper bound of the first backoff, in seconds.
    pub initial_backoff_seconds: f64,
    /// Upper bound of any backoff, in seconds.
    pub max_backoff_seconds: f64,
    /// The longest `Retry-After` waited for, in seconds.
    pub max_retry_after_seconds: f64,
}

impl Default for PowerBiSettings {
    fn default() -> Self {
        let config = PowerBiConfig::new(PowerBiAuth::AccessToken(String::new()));
        Self {
            access_token: None,
            tenant_id: None,
            client_id: None,
            client_secret: None,
            workspace: None,
            api_url: None,
            login_url: None,
            timeout_seconds: config.timeout.as_secs_f64(),
            max_attempts: config.retry.max_attempts,
            initial_backoff_seconds: config.retry.initial_backoff.as_secs_f64(),
            max_backoff_seconds: config.retry.max_backoff.as_secs_f64(),
            max_retry_after_seconds: config.max_retry_after.as_secs_f64(),
        }
    }
}

impl fmt::Debug for PowerBiSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hidden = |secret: &Option<String>| secret.as_ref().map(|_| "..");
        f.debug_struct("PowerBiSettings")
            .field("access_token", &hidden(&self.access_token))
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &hidden(&self.client_secret))
            .field("workspace", &self.workspace)
            .field("api_url", &self.api_url)
            .field("login_url", &self.login_url)
            .finish_non_exhaustive()
    }
}

impl PowerBiSettings {
    /// The configuration these settings describe, with the sign-in from the environment when
    /// the settings give none. Refuses half-given credentials and negative durations.
    pub fn config(&self) -> Result<PowerBiConfig> {
        let auth = match (
            &self.access_token,
            &self.tenant_id,
            &self.client_id,
            &self.client_secret,
        ) {
            (Some(token), None, None, None) => PowerBiAuth::AccessToken(token.clone()),
            (None, Some(tenant_id), Some(client_id), Some(client_secret)) => {
                PowerBiAuth::ClientCredentials {
                    tenant_id: tenant_id.clone(),
                    client_id: client_id.clone(),
                    client_secret: client_secret.clone(),
                }
            }
            (None, None, None, None) => auth_from_env()?,
            _ => {
                return Err(Error::InvalidArgument(
                    "Power BI: give either access_token or all of tenant_id, client_id and client_secret"
                        .into(),
                ));
            }
        };
        let seconds = |name: &str, value: f64| {
            Duration::try_from_secs_f64(value).map_err(|_| {
                Error::InvalidArgument(format!(
                    "Power BI: {name} must be a non-negative number of seconds, not {value}"
                ))
            })
        };
        let mut config = PowerBiConfig::new(auth);
        config.workspace = self.workspace.clone();
        if let Some(url) = &self.api_url {
            config.api_url = url.clone();
        }
        if let Some(url) = &self.login_url {
            config.login_url = url.clone();
        }
        config.timeout = seconds("timeout_seconds", self.timeout_seconds)?;
        config.retry = RetryPolicy {
            max_attempts: self.max_attempts,
            initial_backoff: seconds("initial_backoff_seconds", self.initial_backoff_seconds)?,
            max_backoff: seconds("max_backoff_seconds", self.max_backoff_seconds)?,
        };
        config.max_retry_after = seconds("max_retry_after_seconds", self.max_retry_after_seconds)?;
        Ok(config)
    }

    /// A client with [`PowerBiSettings::config`].
    pub fn connect(&self) -> Result<PowerBiClient> {
        PowerBiClient::new(self.config()?)
    }
}

/// The sign-in the environment gives (see [`PowerBiSettings`]).
fn auth_from_env() -> Result<PowerBiAuth> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(token) = var("POWERBI_ACCESS_TOKEN") {
        return Ok(PowerBiAuth::AccessToken(token));
    }
    match (
        var("AZURE_TENANT_ID"),
        var("AZURE_CLIENT_ID"),
        var("AZURE_CLIENT_SECRET"),
    ) {
        (Some(tenant_id), Some(client_id), Some(client_secret)) => {
            Ok(PowerBiAuth::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            })
        }
        _ => Err(Error::InvalidArgument(
            "Power BI: no sign-in given; set POWERBI_ACCESS_TOKEN, or AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET"
                .into(),
        )),
    }
}

/// A token and when to renew it.
struct CachedToken {
    value: String,
    renew_at: Instant,
}

/// A client of Power BI's push-dataset API.
///
/// ```no_run
/// use aybiza_analytics::export::TableOptions;
/// use aybiza_analytics::export::powerbi::{PowerBiAuth, PowerBiClient, PowerBiConfig, PushOptions};
/// use aybiza_analytics::{SqliteStore, TimeRange};
///
/// # async fn run() -> aybiza_analytics::Result<()> {
/// let mut config = PowerBiConfig::new(PowerBiAuth::ClientCredentials {
///     tenant_id: std::env::var("AZURE_TENANT_ID").unwrap_or_default(),
///     client_id: std::env::var("AZURE_CLIENT_ID").unwrap_or_default(),
///     client_secret: std::env::var("AZURE_CLIENT_SECRET").unwrap_or_default(),
/// });
/// config.workspace = Some("f089354e-8366-4e18-aea3-4cb4a3a50b48".into());
/// let client = PowerBiClient::new(config)?;
/// let store = SqliteStore::open("out/sample.db")?;
/// let push = client
///     .push_tenant(&store, "northwind", TimeRange::all(), &TableOptions::default(),
///                  "Northwind calls", &PushOptions::default())
///     .await?;
/// println!("dataset {}: {:?}", push.dataset_id, push.tables);
/// # Ok(()) }
/// ```
pub struct PowerBiClient {
    http: reqwest::Client,
    config: PowerBiConfig,
    /// The API's base URL with the workspace's path, without a trailing slash.
    base: String,
    token: tokio::sync::Mutex<Option<CachedToken>>,
    jitter: Jitter,
}

impl fmt::Debug for PowerBiClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PowerBiClient")
            .field("config", &self.config)
            .finish_non_exhaustive()
    }
}

impl PowerBiClient {
    /// A client for `config`. Refuses an empty token or credentials, a client-credentials
    /// sign-in without a workspace, a retry policy of no attempts, and URLs that are not http(s).
    pub fn new(config: PowerBiConfig) -> Result<Self> {
        let invalid = |message: &str| Err(Error::InvalidArgument(format!("Power BI: {message}")));
        match &config.auth {
            PowerBiAuth::AccessToken(token) if token.trim().is_empty() => {
                return invalid("the access token is empty");
            }
            PowerBiAuth::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            } => {
                if [tenant_id, client_id, client_secret]
                    .iter()
                    .any(|s| s.trim().is_empty())
                {
                    return invalid(
                        "client credentials need a tenant id, a client id and a secret",
                    );
                }
                if config.workspace.is_none() {
                    return invalid(
                        "a service principal has no \"My workspace\": give the workspace id",
                    );
                }
            }
            PowerBiAuth::AccessToken(_) => {}
        }
        if config.retry.max_attempts == 0 {
            return invalid("retry.max_attempts must be at least 1");
        }
        for url in [&config.api_url, &config.login_url] {
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return invalid(&format!("'{url}' is not an http(s) URL"));
            }
        }
        let mut base = config.api_url.trim_end_matches('/').to_string();
        if let Some(workspace) = &config.workspace {
            if workspace.trim().is_empty() {
                return invalid("the workspace id is empty");
            }
            base = format!("{base}/groups/{}", path_segment(workspace));
        }
        let http = reqwest::Client::builder()
            .timeout(config.timeout)
            .build()
            .map_err(|e| Error::InvalidArgument(format!("Power BI: HTTP client: {e}")))?;
        Ok(Self {
            http,
            config,
            base,
            token: tokio::sync::Mutex::new(None),
            jitter: Jitter::new(),
        })
    }

    /// Reads `tenant`'s analytics tables in `range` from `store` (as [`tenant_tables`] does,
    /// PII redacted unless `table_options` says otherwise) and pushes them to the dataset
    /// called `dataset` ([`PowerBiClient::push_tables`]).
    pub async fn push_tenant(
        &self,
        store: &dyn Store,
        tenant: &str,
        range: TimeRange,
        table_options: &TableOptions,
        dataset: &str,
        options: &PushOptions,
    ) -> Result<PowerBiPush> {
        options.validate()?;
        let tables = tenant_tables(store, tenant, range, table_options).await?;
        self.push_tables(dataset, &tables, options).await
    }

    /// Pushes `tables` to the push dataset called `dataset` in the configured workspace.
    ///
    /// - No such dataset: it is created in push mode with the tables' schemas and
    ///   `options.retention`.
    /// - One: it must be a push dataset with a table of each name. With [`PushMode::Append`]
    ///   its schemas are kept (Power BI refuses rows with a column it lacks, such as a new
    ///   `attr_<key>`: push those with [`PushMode::Replace`] or to a new dataset); with
    ///   [`PushMode::Replace`] each table's rows are deleted and its schema set to ours.
    /// - Rows follow table by table, `options.rows_per_request` per request.
    ///
    /// Everything that can be checked here (options, names, column limits, the tables' shape)
    /// is checked before the first request. A failure is an [`Error::PowerBi`] that lists the
    /// rows Power BI had accepted.
    pub async fn push_tables(
        &self,
        dataset: &str,
        tables: &[Table],
        options: &PushOptions,
    ) -> Result<PowerBiPush> {
        options.validate()?;
        if dataset.trim().is_empty() {
            return Err(Error::InvalidArgument(
                "Power BI: the dataset name is empty".into(),
            ));
        }
        for (i, table) in tables.iter().enumerate() {
            if tables[..i].iter().any(|t| t.kind == table.kind) {
                return Err(Error::InvalidArgument(format!(
                    "Power BI: table '{}' is given twice",
                    table.kind.as_str()
                )));
            }
        }
        let schemas = tables
            .iter()
            .map(table_schema)
            .collect::<Result<Vec<_>>>()?;
        let mut pushed: Vec<PushedTable> = Vec::new();
        self.push_checked(dataset, tables, &schemas, options, &mut pushed)
            .await
            .map_err(|mut error| {
                error.pushed = pushed.into_iter().filter(|p| p.rows > 0).collect();
                Error::PowerBi(error)
            })
    }

    /// [`PowerBiClient::push_tables`] once its arguments are checked; `pushed` keeps what
    /// Power BI accepted, table by table, for the error of a failure.
    async fn push_checked(
        &self,
        dataset: &str,
        tables: &[Table],
        schemas: &[Value],
        options: &PushOptions,
        pushed: &mut Vec<PushedTable>,
    ) -> Result<PowerBiPush, PowerBiError> {
        let (dataset_id, created) = match self.find_dataset(dataset).await? {
            Some(id) => {
                self.check_tables(dataset, &id, schemas).await?;
                (id, false)
            }
            None => (self.create_dataset(dataset, schemas, options).await?, true),
        };
        let tables_url = format!(
            "{}/datasets/{}/tables",
            self.base,
            path_segment(&dataset_id)
        );
        for (table, schema) in tables.iter().zip(schemas) {
            let name = table.kind.as_str();
            let rows_url = format!("{tables_url}/{name}/rows");
            if options.mode == PushMode::Replace && !created {
                let operation = format!("delete the rows of table '{name}'");
                self.send(&operation, Method::DELETE, &rows_url, None, true)
                    .await?;
                let operation = format!("update the schema of table '{name}'");
                let body = serde_json::to_vec(schema)
                    .map_err(|e| PowerBiError::new(&operation, None, e.to_string()))?;
                let url = format!("{tables_url}/{name}");
                self.send(&operation, Method::PUT, &url, Some(body), true)
                    .await?;
            }
            pushed.push(PushedTable {
                table: table.kind,
                rows: 0,
                requests: 0,
                truncated_values: 0,
            });
            let operation = format!("post rows to table '{name}'");
            let mut start = 0;
            while start < table.rows() {
                let end = (start + options.rows_per_request).min(table.rows());
                let (body, truncated) = rows_body(table, start..end)
                    .map_err(|e| PowerBiError::new(&operation, None, e.to_string()))?;
                self.send(&operation, Method::POST, &rows_url, Some(body), false)
                    .await?;
                let progress = pushed.last_mut().expect("pushed just above");
                progress.rows += end - start;
                progress.requests += 1;
                progress.truncated_values += truncated;
                start = end;
            }
        }
        Ok(PowerBiPush {
            dataset_id,
            created,
            tables: std::mem::take(pushed),
        })
    }

    /// The id of the dataset called `name`, if there is one. Several of that name are refused
    /// (Power BI allows it; pushing to an arbitrary one would not do).
    async fn find_dataset(&self, name: &str) -> Result<Option<String>, PowerBiError> {
        let operation = "list the workspace's datasets";
        let url = format!("{}/datasets", self.base);
        let answer = self.send_json(operation, Method::GET, &url).await?;
        let matching: Vec<&Value> = list(&answer)
            .iter()
            .filter(|d| d["name"].as_str() == Some(name))
            .collect();
        match matching.as_slice() {
            [] => Ok(None),
            [dataset] => {
                let id = dataset["id"].as_str().ok_or_else(|| {
                    PowerBiError::new(operation, None, "a dataset without an id".into())
                })?;
                if dataset["addRowsAPIEnabled"].as_bool() == Some(false) {
                    return Err(PowerBiError::new(
                        operation,
                        None,
                        format!("dataset '{name}' ({id}) is not a push dataset"),
                    ));
                }
                Ok(Some(id.to_string()))
            }
            several => Err(PowerBiError::new(
                operation,
                None,
                format!(
                    "{} datasets are called '{name}'; rename or delete all but one",
                    several.len()
                ),
            )),
        }
    }

    /// Checks that dataset `id` has a table of each schema's name.
    async fn check_tables(
        &self,
        name: &str,
        id: &str,
        schemas: &[Value],
    ) -> Result<(), PowerBiError> {
        let url = format!("{}/datasets/{}/tables", self.base, path_segment(id));
        let operation = format!("list the tables of dataset '{name}'");
        let answer = self.send_json(&operation, Method::GET, &url).await?;
        let existing: Vec<&str> = list(&answer)
            .iter()
            .filter_map(|t| t["name"].as_str())
            .collect();
        match schemas
            .iter()
            .filter_map(|s| s["name"].as_str())
            .find(|table| !existing.contains(table))
        {
            Some(missing) => Err(PowerBiError::new(
                &operation,
                None,
                format!(
                    "dataset '{name}' has no table '{missing}' (it has {}); push to a new dataset name",
                    existing.join(", ")
                ),
            )),
            None => Ok(()),
        }
    }

    /// Creates a push dataset called `name` with these tables; returns its id.
    async fn create_dataset(
        &self,
        name: &str,
        schemas: &[Value],
        options: &PushOptions,
    ) -> Result<String, PowerBiError> {
        let operation = format!("create dataset '{name}'");
        let url = format!(
            "{}/datasets?defaultRetentionPolicy={}",
            self.base,
            options.retention.as_query()
        );
        let body = json!({ "name": name, "defaultMode": "Push", "tables": schemas });
        let body = serde_json::to_vec(&body)
            .map_err(|e| PowerBiError::new(&operation, None, e.to_string()))?;
        let answer = self
            .send(&operation, Method::POST, &url, Some(body), false)
            .await?;
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        answer["id"].as_str().map(str::to_string).ok_or_else(|| {
            PowerBiError::new(
                &operation,
                None,
                format!("the answer has no dataset id {MAY_BE_APPLIED}"),
            )
        })
    }

    /// Sends a body-less request and parses the answer as JSON.
    async fn send_json(
        &self,
        operation: &str,
        method: Method,
        url: &str,
    ) -> Result<Value, PowerBiError> {
        let answer = self.send(operation, method, url, None, true).await?;
        serde_json::from_slice(&answer)
            .map_err(|e| PowerBiError::new(operation, None, format!("the answer is not JSON: {e}")))
    }

    /// Sends one API request with retries and returns the answer's body (empty when a success
    /// came without a readable body). `idempotent` says whether a request that may have
    /// reached Power BI can be sent again.
    async fn send(
        &self,
        operation: &str,
        method: Method,
        url: &str,
        body: Option<Vec<u8>>,
        idempotent: bool,
    ) -> Result<Vec<u8>, PowerBiError> {
        let mut renewed_token = false;
        let mut attempt = 1;
        loop {
            let token = self.token().await?;
            let mut request = self.http.request(method.clone(), url).bearer_auth(&token);
            if let Some(body) = &body {
                request = request
                    .header(CONTENT_TYPE, "application/json")
                    .body(body.clone());
            }
            let failure = match Failure::read(request.send().await, idempotent).await {
                Ok(body) => return Ok(body),
                Err(failure) => failure,
            };
            if let Failure::Answer { status, .. } = &failure
                && *status == StatusCode::UNAUTHORIZED
                && !renewed_token
                && matches!(self.config.auth, PowerBiAuth::ClientCredentials { .. })
            {
                // The cached token may have been revoked or have expired early: sign in again,
                // once.
                renewed_token = true;
                *self.token.lock().await = None;
                continue;
            }
            match self.retry_wait(operation, &failure, idempotent, attempt)? {
                None => return Err(failure.into_error(operation, idempotent)),
                Some(wait) => {
                    tracing::warn!(
                        operation,
                        attempt,
                        ?wait,
                        "Power BI request failed; retrying"
                    );
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// How long to wait before sending again after `failure`, or `None` not to (a refusal that
    /// will repeat, attempts used up, or a repeat that could apply a request twice). A
    /// `Retry-After` over the allowed wait is an error.
    fn retry_wait(
        &self,
        operation: &str,
        failure: &Failure,
        idempotent: bool,
        attempt: u32,
    ) -> Result<Option<Duration>, PowerBiError> {
        let retry = &self.config.retry;
        let may_retry = match failure {
            Failure::Answer { status, .. } => retryable(*status, idempotent),
            Failure::Unsent(_) => true,
            Failure::Lost(_) => idempotent,
        };
        if !may_retry || attempt >= retry.max_attempts {
            return Ok(None);
        }
        if let Failure::Answer {
            status,
            retry_after: Some(wait),
            message,
            ..
        } = failure
        {
            if *wait > self.config.max_retry_after {
                return Err(PowerBiError::new(
                    operation,
                    Some(status.as_u16()),
                    format!(
                        "{message} (Power BI asks to wait {} s, more than the {} s allowed)",
                        wait.as_secs(),
                        self.config.max_retry_after.as_secs()
                    ),
                ));
            }
            return Ok(Some(*wait));
        }
        Ok(Some(self.jitter.wait(retry.backoff_cap(attempt - 1))))
    }

    /// The bearer token: the configured one, or a client-credentials token (cached, renewed
    /// before it expires). The sign-in is retried as an idempotent request.
    async fn token(&self) -> Result<String, PowerBiError> {
        let (tenant_id, client_id, client_secret) = match &self.config.auth {
            PowerBiAuth::AccessToken(token) => return Ok(token.clone()),
            PowerBiAuth::ClientCredentials {
                tenant_id,
                client_id,
                client_secret,
            } => (tenant_id, client_id, client_secret),
        };
        let mut cached = self.token.lock().await;
        if let Some(token) = cached.as_ref().filter(|t| Instant::now() < t.renew_at) {
            return Ok(token.value.clone());
        }
        let operation = "sign in to Microsoft Entra ID";
        let url = format!(
            "{}/{}/oauth2/v2.0/token",
            self.config.login_url.trim_end_matches('/'),
            path_segment(tenant_id)
        );
        let form = [
            ("grant_type", "client_credentials"),
            ("client_id", client_id.as_str()),
            ("client_secret", client_secret.as_str()),
            ("scope", POWER_BI_SCOPE),
        ];
        let mut attempt = 1;
        let answer = loop {
            let sent = self.http.post(&url).form(&form).send().await;
            let failure = match Failure::read(sent, true).await {
                Ok(body) => break body,
                Err(failure) => failure,
            };
            match self.retry_wait(operation, &failure, true, attempt)? {
                Some(wait) => {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
                None => match failure {
                    Failure::Answer { status, body, .. } => {
                        let answer: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                        let message = answer["error_description"]
                            .as_str()
                            .or(answer["error"].as_str())
                            .map_or_else(|| error_message(&body), str::to_string);
                        return Err(PowerBiError::new(operation, Some(status.as_u16()), message));
                    }
                    other => return Err(other.into_error(operation, true)),
                },
            }
        };
        let answer: Value = serde_json::from_slice(&answer).unwrap_or(Value::Null);
        let value = answer["access_token"].as_str().ok_or_else(|| {
            PowerBiError::new(operation, None, "no access_token in the answer".into())
        })?;
        // Entra ID's tokens live about an hour; a day bounds a nonsensical `expires_in`.
        let lifetime = answer["expires_in"].as_u64().unwrap_or(3600).min(86_400);
        let token = CachedToken {
            value: value.to_string(),
            renew_at: Instant::now() + Duration::from_secs(lifetime).saturating_sub(TOKEN_MARGIN),
        };
        let value = token.value.clone();
        *cached = Some(token);
        Ok(value)
    }
}

/// Appended to the message of a request that may have been applied although it failed.
const MAY_BE_APPLIED: &str =
    "(no answer came, so the request may have been applied; it is not counted as pushed)";

/// How one HTTP request failed.
enum Failure {
    /// A status other than 2xx.
    Answer {
        /// The status.
        status: StatusCode,
        /// The `Retry-After` header, in seconds.
        retry_after: Option<Duration>,
        /// Power BI's message ([`error_message`]).
        message: String,
        /// The body as sent.
        body: Vec<u8>,
    },
    /// No connection was made: nothing was sent.
    Unsent(reqwest::Error),
    /// The request may have been sent, and no status came back (timeout, reset).
    Lost(reqwest::Error),
}

impl Failure {
    /// Reads the answer of a sent request: the body of a 2xx answer, or how it failed. A 2xx
    /// whose body is cut short is a success with an empty body for a request that must not be
    /// repeated (Power BI has applied it), and an answer lost for one that may be.
    async fn read(
        sent: reqwest::Result<reqwest::Response>,
        idempotent: bool,
    ) -> Result<Vec<u8>, Failure> {
        let response = match sent {
            Ok(response) => response,
            Err(error) if error.is_connect() => return Err(Failure::Unsent(error)),
            Err(error) => return Err(Failure::Lost(error)),
        };
        let status = response.status();
        let retry_after = retry_after(&response);
        match response.bytes().await {
            Ok(body) if status.is_success() => Ok(body.to_vec()),
            Err(error) if status.is_success() && idempotent => Err(Failure::Lost(error)),
            Err(error) if status.is_success() => {
                tracing::warn!(%error, "Power BI's answer to a successful request was cut short");
                Ok(Vec::new())
            }
            Ok(body) => Err(Failure::Answer {
                status,
                retry_after,
                message: error_message(&body),
                body: body.to_vec(),
            }),
            Err(error) => Err(Failure::Answer {
                status,
                retry_after,
                message: format!("(the answer could not be read: {error})"),
                body: Vec::new(),
            }),
        }
    }

    /// The error of a request that failed so.
    fn into_error(self, operation: &str, idempotent: bool) -> PowerBiError {
        let (status, mut message) = match self {
            Failure::Answer {
                status, message, ..
            } => (Some(status.as_u16()), message),
            Failure::Unsent(error) => {
                return PowerBiError::new(operation, None, transport_message(&error));
            }
            Failure::Lost(error) => (None, transport_message(&error)),
        };
        let maybe_applied = match status {
            None => true,
            Some(status) => matches!(status, 500 | 502 | 504),
        };
        if maybe_applied && !idempotent {
            message = format!("{message} {MAY_BE_APPLIED}");
        }
        PowerBiError::new(operation, status, message)
    }
}

impl PowerBiError {
    fn new(operation: &str, status: Option<u16>, message: String) -> Self {
        Self {
            operation: operation.to_string(),
            status,
            message,
            pushed: Vec::new(),
        }
    }
}

/// Whether a request answered with `status` is worth sending again. Throttling (429) and
/// "unavailable" (503) mean Power BI did not take the request. A 500, 502 or 504 may come after
/// Power BI applied it, so only an idempotent request is sent again. Other 4xx will repeat.
fn retryable(status: StatusCode, idempotent: bool) -> bool {
    match status.as_u16() {
        429 | 503 => true,
        500 | 502 | 504 => idempotent,
        _ => false,
    }
}

/// The `Retry-After` header in seconds (Power BI sends seconds, not dates).
fn retry_after(response: &reqwest::Response) -> Option<Duration> {
    let seconds: u64 = response
        .headers()
        .get(RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim()
        .parse()
        .ok()?;
    Some(Duration::from_secs(seconds))
}

/// Power BI's `{"error": {"code", "message"}}`, or the start of the body.
fn error_message(body: &[u8]) -> String {
    let answer: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let error = &answer["error"];
    match (error["code"].as_str(), error["message"].as_str()) {
        (Some(code), Some(message)) => format!("{code}: {message}"),
        (Some(code), None) => code.to_string(),
        (None, Some(message)) => message.to_string(),
        (None, None) => {
            let text = String::from_utf8_lossy(body);
            let text = text.trim();
            match text.char_indices().nth(300) {
                Some((end, _)) => format!("{}…", &text[..end]),
                None if text.is_empty() => "(no message)".into(),
                None => text.to_string(),
            }
        }
    }
}

/// A transport error with its causes (reqwest's own message is terse).
fn transport_message(error: &reqwest::Error) -> String {
    let mut message = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// The items of a `{"value": [...]}` answer.
fn list(answer: &Value) -> &[Value] {
    answer["value"].as_array().map_or(&[], Vec::as_slice)
}

/// `text` percent-encoded as one URL path segment.
fn path_segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}
