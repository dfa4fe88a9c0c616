//! Opening input files (transparently gunzipping `*.gz`) and store files (scoped to the
//! principal of `--principal`, when given).

use std::fs::File;
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use aybiza_analytics::access::{JsonlAuditLog, Principal, Role, ScopedStore};
use aybiza_analytics::{Error, Result, SqliteStore, Store};

/// Opens `path` for reading (`-` is standard input); a name ending in `.gz` is decompressed.
pub fn open(path: &Path) -> Result<Box<dyn Read>> {
    if path.as_os_str() == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = File::open(path)
        .map_err(|e| Error::InvalidArgument(format!("cannot open {}: {e}", path.display())))?;
    let reader = BufReader::with_capacity(1 << 20, file);
    if path.extension().is_some_and(|e| e == "gz") {
        Ok(Box::new(flate2::read::MultiGzDecoder::new(reader)))
    } else {
        Ok(Box::new(reader))
    }
}

/// The flags that make a command act as a principal: its store is a [`ScopedStore`], which
/// allows only what the role and tenants allow, masks personal data for a viewer, and records
/// every access in the audit log (`docs/access.md`).
#[derive(Debug, Clone, clap::Args)]
pub struct AccessArgs {
    /// Act as this principal (its id in the audit log) instead of with full access to the store; needs --principal-role, --principal-tenants and --audit-log.
    #[arg(long, requires_all = ["principal_role", "principal_tenants", "audit_log"])]
    principal: Option<String>,
    /// The principal's role: viewer (personal data masked), analyst, ingest (writes only) or admin.
    #[arg(long, requires = "principal", value_parser = parse_role)]
    principal_role: Option<Role>,
    /// The tenants the principal may act on, comma-separated (`*` for every tenant).
    #[arg(long, requires = "principal", value_delimiter = ',')]
    principal_tenants: Vec<String>,
    /// The audit log to append the principal's accesses to (JSON Lines).
    #[arg(long, requires = "principal")]
    audit_log: Option<PathBuf>,
}

fn parse_role(text: &str) -> std::result::Result<Role, String> {
    text.parse().map_err(|e: Error| e.to_string())
}

/// Opens stores as [`AccessArgs`] say: as they are, or scoped to a principal.
pub struct Stores {
    /// The principal and its audit log; `None` for full access.
    scope: Option<(Principal, Arc<JsonlAuditLog>)>,
}

impl Stores {
    /// Opens the audit log of `--principal`, if given. Some of the flags without the others
    /// are refused (clap refuses them first; this keeps the check where access is decided).
    pub fn new(args: &AccessArgs) -> Result<Self> {
        let scope = match (
            &args.principal,
            args.principal_role,
            args.principal_tenants.is_empty(),
            &args.audit_log,
        ) {
            (None, None, true, None) => None,
            (Some(id), Some(role), false, Some(log)) => Some((
                Principal::new(id.clone(), role, args.principal_tenants.iter().cloned()),
                Arc::new(JsonlAuditLog::open(log)?),
            )),
            _ => {
                return Err(Error::InvalidArgument(
                    "--principal, --principal-role, --principal-tenants and --audit-log go together"
                        .into(),
                ));
            }
        };
        Ok(Self { scope })
    }

    /// Opens the store file at `path` for a command that reads it. A missing file is an error:
    /// opening it would create an empty store, and the command would report on nothing.
    pub fn existing(&self, path: &Path) -> Result<Arc<dyn Store>> {
        if !path.exists() {
            return Err(Error::InvalidArgument(format!(
                "store {} does not exist",
                path.display()
            )));
        }
        self.open(path)
    }

    /// Opens the store file at `path`, creating it if missing (for commands that write).
    pub fn open(&self, path: &Path) -> Result<Arc<dyn Store>> {
        self.scope(Arc::new(SqliteStore::open(path)?))
    }

    /// `store` as the principal may use it (a store the command built itself, say).
    pub fn scope(&self, store: Arc<dyn Store>) -> Result<Arc<dyn Store>> {
        match &self.scope {
            None => Ok(store),
            Some((principal, audit)) => Ok(Arc::new(ScopedStore::new(
                store,
                principal.clone(),
                audit.clone(),
            )?)),
        }
    }
}

/// Refuses an output path that names the input file itself: creating the output would empty
/// the input before it is read.
pub fn refuse_same_file(input: &Path, output: &Path) -> Result<()> {
    match (input.canonicalize(), output.canonicalize()) {
        (Ok(input), Ok(output)) if input == output => Err(Error::InvalidArgument(format!(
            "the output {} is the input file; write to another path",
            output.display()
        ))),
        _ => Ok(()),
    }
}

/// Opens where a command writes its rows: the file `output` (created, or emptied; never the
/// `input` file itself), or standard output for `None` or `-`; buffered either way.
pub fn create_output(input: &Path, output: Option<&Path>) -> Result<Box<dyn Write>> {
    match output {
        Some(path) if path.as_os_str() != "-" => {
            refuse_same_file(input, path)?;
            let file = File::create(path).map_err(|e| {
                Error::InvalidArgument(format!("cannot create {}: {e}", path.display()))
            })?;
            Ok(Box::new(BufWriter::new(file)))
        }
        _ => Ok(Box::new(BufWriter::new(std::io::stdout().lock()))),
    }
}
