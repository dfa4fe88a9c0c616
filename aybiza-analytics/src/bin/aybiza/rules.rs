//! `aybiza rules`: replay stored calls through a live rule set and print the hits, for rule authors.

use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use aybiza_analytics::model::ingest::IngestLimits;
use aybiza_analytics::patterns::TranscribedCall;
use aybiza_analytics::patterns::live::{LiveRules, replay_call};
use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer};
use aybiza_analytics::{Error, MemoryStore, Result, Store};
use serde_json::json;

use crate::input;
use crate::time_args::TimeArgs;

/// Arguments of `aybiza rules`.
#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("source").required(true).args(["store", "input"])))]
pub struct Args {
    /// Rule set (`.toml` or `.json`); the shipped default rules when absent.
    #[arg(long)]
    rules: Option<PathBuf>,
    /// A store file (SQLite) to read calls from (with --tenant).
    #[arg(long, requires = "tenant")]
    store: Option<PathBuf>,
    /// The tenant whose calls to replay (every tenant of --input when absent).
    #[arg(long)]
    tenant: Option<String>,
    /// JSON Lines records in the ingest format (calls and utterances, `.gz` accepted), read into memory.
    #[arg(long, conflicts_with = "store")]
    input: Option<PathBuf>,
    /// Skip sentiment scoring (sentiment conditions then never hold).
    #[arg(long)]
    no_sentiment: bool,
    /// Where to write the hits (JSON Lines, one line per call with hits); standard output by default.
    #[arg(long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    time: TimeArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Replays every call, writes `{"tenant", "call_id", "hits": [...]}` per call with hits, and a
/// summary (calls, and calls per rule) on standard error.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let rules = Arc::new(load_rules(args.rules.as_deref())?);
    let range = args.time.range()?;
    let store: Arc<dyn Store> = match (&args.store, &args.input) {
        (Some(path), _) => stores.existing(path)?,
        (None, Some(path)) => {
            let mut bytes = Vec::new();
            input::open(path)?.read_to_end(&mut bytes)?;
            let store = MemoryStore::new();
            let report = store.ingest_jsonl(&bytes, &IngestLimits::default()).await?;
            if let Some(first) = report.rejected.first() {
                return Err(Error::InvalidRecord(first.clone()));
            }
            stores.scope(Arc::new(store))?
        }
        (None, None) => {
            return Err(Error::InvalidArgument(
                "pass --store (with --tenant) or --input".into(),
            ));
        }
    };
    let tenants = match &args.tenant {
        Some(tenant) => vec![tenant.clone()],
        None => store.tenant_ids().await?,
    };
    let analyzer = if args.no_sentiment {
        None
    } else {
        Some(HybridSentimentAnalyzer::new()?)
    };
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(std::io::BufWriter::new(std::fs::File::create(path)?)),
        None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
    };
    let ids: Vec<String> = rules
        .rule_set()
        .rules
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let mut per_rule = vec![0u64; ids.len()];
    let mut total_calls = 0u64;
    for tenant in tenants {
        let calls = TranscribedCall::join(
            store.calls(&tenant, range).await?,
            store.utterances(&tenant, range).await?,
        );
        for call in &calls {
            total_calls += 1;
            let hits = replay_call(
                &rules,
                analyzer.as_ref().map(|a| a as &dyn SentimentAnalyzer),
                call,
            );
            if hits.is_empty() {
                continue;
            }
            for hit in &hits {
                if let Some(index) = ids.iter().position(|id| *id == hit.rule_id) {
                    per_rule[index] += 1;
                }
            }
            serde_json::to_writer(
                &mut out,
                &json!({"tenant": tenant, "call_id": call.call.id, "hits": hits}),
            )?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    eprintln!("{total_calls} calls replayed through {} rules", ids.len());
    for (id, count) in ids.iter().zip(per_rule) {
        let share = if total_calls > 0 {
            100.0 * count as f64 / total_calls as f64
        } else {
            0.0
        };
        eprintln!("  {id}: {count} calls ({share:.1}%)");
    }
    Ok(ExitCode::SUCCESS)
}

/// Reads a rule file, by extension: `.json` is JSON, anything else TOML.
fn load_rules(path: Option<&std::path::Path>) -> Result<LiveRules> {
    let Some(path) = path else {
        return Ok(LiveRules::default_rules());
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::InvalidArgument(format!("cannot read {}: {e}", path.display())))?;
    let parsed = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        LiveRules::from_json(&text)
    } else {
        LiveRules::from_toml(&text)
    };
    parsed.map_err(|e| Error::InvalidArgument(format!("{}: {e}", path.display())))
}
