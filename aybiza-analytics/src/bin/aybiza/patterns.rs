//! `aybiza patterns`: batch pattern discovery for one tenant and period.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::patterns::discovery::{DiscoveryOptions, PatternFindings, discover_patterns};
use aybiza_analytics::{Result, SqliteStore};

use crate::time_args::TimeArgs;

/// Arguments of `aybiza patterns`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The store file (SQLite) to read.
    #[arg(long)]
    store: PathBuf,
    /// The tenant whose calls are analysed.
    #[arg(long)]
    tenant: String,
    #[command(flatten)]
    time: TimeArgs,
    /// Write the findings as JSON to this file instead of printing a summary.
    #[arg(long)]
    output: Option<PathBuf>,
}

/// Runs discovery and prints a summary or writes the JSON findings.
pub async fn run(args: Args) -> Result<ExitCode> {
    if !args.store.exists() {
        return Err(aybiza_analytics::Error::InvalidArgument(format!(
            "store {} does not exist",
            args.store.display()
        )));
    }
    let store = SqliteStore::open(&args.store)?;
    let findings = discover_patterns(
        &store,
        &args.tenant,
        args.time.range()?,
        &DiscoveryOptions::default(),
    )
    .await?;
    match &args.output {
        Some(path) => {
            std::fs::write(path, serde_json::to_vec_pretty(&findings)?)?;
            println!(
                "{} calls, {} groups, {} noise: {}",
                findings.calls,
                findings.groups.len(),
                findings.noise.len(),
                path.display()
            );
        }
        None => print!("{}", summary(&findings)),
    }
    Ok(ExitCode::SUCCESS)
}

fn summary(f: &PatternFindings) -> String {
    use std::fmt::Write;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} calls in {} groups ({} left as noise)\n",
        f.calls,
        f.groups.len(),
        f.noise.len()
    );
    let _ = writeln!(out, "groups:");
    for g in &f.groups {
        let trend = g
            .trend_points
            .map(|t| format!(", {t:+.1} pts"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "  {:>5} calls {:>5.1}%{trend}  {}  (escalated {:.0}%, resolved {:.0}%, sentiment {})",
            g.size,
            100.0 * g.share,
            g.label,
            100.0 * g.escalation_rate,
            100.0 * g.resolution_rate,
            g.average_sentiment
                .map(|s| format!("{s:+.2}"))
                .unwrap_or_else(|| "n/a".into())
        );
    }
    let e = &f.escalation_triggers;
    let _ = writeln!(
        out,
        "\nescalation triggers ({} of {} calls escalated):",
        e.escalated, e.calls
    );
    for t in &e.triggers {
        let _ = writeln!(
            out,
            "  \"{}\": lift {:.1}, {} of {} calls escalated, p = {:.1e}",
            t.phrase, t.lift, t.target_support, t.support, t.p_value
        );
    }
    if let Some(d) = &e.time_to_escalation_secs {
        let _ = writeln!(
            out,
            "  time to first trigger: median {:.0} s (p25 {:.0}, p75 {:.0}, p90 {:.0})",
            d.median, d.p25, d.p75, d.p90
        );
    }
    let r = &f.repeat_callers;
    let _ = writeln!(
        out,
        "\nrepeat callers: {} calls ({:.1}%) from {} customers within {} days; {:.0}% same reason, {:.0}% after an unresolved call",
        r.repeat_calls,
        100.0 * r.share,
        r.customers,
        r.window_days,
        100.0 * r.same_reason_share,
        100.0 * r.previous_unresolved_share
    );
    let c = &f.confusion;
    let _ = writeln!(
        out,
        "confusion: {} calls ({:.1}%): {} repeated questions, {} \"don't understand\" turns, {} long silences",
        c.calls_with_confusion,
        100.0 * c.share,
        c.repeated_questions,
        c.confusion_statements,
        c.long_silences
    );
    let _ = writeln!(out, "\nautomation candidates:");
    for a in &f.automation_candidates {
        let _ = writeln!(
            out,
            "  {} ({} calls, {:.0}% resolved without escalation, median {:.0} s, cv {:.2})",
            a.label,
            a.calls,
            100.0 * a.resolved_without_escalation,
            a.median_duration_secs,
            a.duration_cv
        );
    }
    let _ = writeln!(out, "\nFAQs:");
    for q in f.faqs.iter().take(10) {
        let _ = writeln!(out, "  {} (asked {} times)", q.question, q.asked);
    }
    out
}
