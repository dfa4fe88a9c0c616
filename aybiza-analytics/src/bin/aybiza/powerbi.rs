//! `aybiza powerbi`: push a tenant's analytics tables into a Power BI push dataset. The
//! sign-in comes from the environment (`POWERBI_ACCESS_TOKEN`, or `AZURE_TENANT_ID`,
//! `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`), never from the command line.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::export::powerbi::{
    MAX_ROWS_PER_REQUEST, PowerBiSettings, PushMode, PushOptions, RetentionPolicy,
};

use crate::time_args::TimeArgs;

/// Arguments of `aybiza powerbi`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite).
    #[arg(long)]
    store: PathBuf,
    /// The tenant whose tables to push.
    #[arg(long)]
    tenant: String,
    /// The push dataset's name (created with the tables' schemas if the workspace has none of that name).
    #[arg(long)]
    dataset: String,
    /// The workspace (group) id; the signed-in user's "My workspace" without it.
    #[arg(long)]
    workspace: Option<String>,
    /// Delete the tables' rows before pushing, instead of appending.
    #[arg(long)]
    replace: bool,
    /// A dataset the push creates keeps only the newest 200,000 rows per table (Power BI's basicFIFO).
    #[arg(long)]
    fifo: bool,
    /// Rows per request (1 to 10,000).
    #[arg(long, default_value_t = MAX_ROWS_PER_REQUEST)]
    rows_per_request: usize,
    /// The REST API's base URL (another cloud, or a test server).
    #[arg(long)]
    api_url: Option<String>,
    /// The sign-in endpoint's base URL.
    #[arg(long)]
    login_url: Option<String>,
    #[command(flatten)]
    selection: crate::tables::Selection,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Pushes the tables and prints the outcome as JSON.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let table_options = args.selection.options();
    let push_options = PushOptions {
        mode: if args.replace {
            PushMode::Replace
        } else {
            PushMode::Append
        },
        retention: if args.fifo {
            RetentionPolicy::BasicFifo
        } else {
            RetentionPolicy::None
        },
        rows_per_request: args.rows_per_request,
    };
    push_options.validate()?;
    let client = PowerBiSettings {
        workspace: args.workspace,
        api_url: args.api_url,
        login_url: args.login_url,
        ..PowerBiSettings::default()
    }
    .connect()?;
    let range = args.time.range()?;
    let push = client
        .push_tenant(
            &*store,
            &args.tenant,
            range,
            &table_options,
            &args.dataset,
            &push_options,
        )
        .await?;
    println!("{}", serde_json::to_string_pretty(&push)?);
    Ok(ExitCode::SUCCESS)
}
