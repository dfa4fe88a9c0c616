//! `aybiza patterns`: batch pattern discovery for one tenant and period.

use std::path::PathBuf;
use std::process::ExitCode;

use aybiza_analytics::Result;
use aybiza_analytics::patterns::analyze::{
    PatternAnalysis, PatternAnalysisOptions, analyze_call_patterns,
};
use aybiza_analytics::patterns::discovery::PatternFindings;

use crate::llm_args::LlmArgs;
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
    /// Deepen each group with a language model (`--llm bedrock`).
    #[command(flatten)]
    llm: LlmArgs,
    #[command(flatten)]
    access: crate::input::AccessArgs,
}

/// Runs discovery and prints a summary or writes the JSON findings.
pub async fn run(args: Args) -> Result<ExitCode> {
    let stores = crate::input::Stores::new(&args.access)?;
    let store = stores.existing(&args.store)?;
    let range = args.time.range()?;
    let llm = args.llm.client().await?;
    let analysis = analyze_call_patterns(
        &*store,
        &args.tenant,
        range,
        &PatternAnalysisOptions::default(),
        llm.as_ref(),
    )
    .await?;
    let findings = &analysis.findings;
    match &args.output {
        Some(path) => {
            std::fs::write(path, serde_json::to_vec_pretty(&analysis)?)?;
            println!(
                "{} calls, {} groups, {} noise: {}",
                findings.calls,
                findings.groups.len(),
                findings.noise.len(),
                path.display()
            );
        }
        None => print!("{}{}", summary(findings), llm_summary(&analysis)),
    }
    Ok(ExitCode::SUCCESS)
}

/// The model's insights per group, its failures and its cost; empty when no model was asked.
fn llm_summary(analysis: &PatternAnalysis) -> String {
    use std::fmt::Write;
    let Some(usage) = analysis.llm_usage else {
        return String::new();
    };
    let mut out = String::from("\nmodel insights:\n");
    for group in &analysis.findings.groups {
        let Some(insights) = &group.llm_insights else {
            continue;
        };
        let model = insights["model"].as_str().unwrap_or("?");
        let _ = writeln!(out, "  {} ({model}):", group.label);
        for category in [
            "common_issues",
            "faqs",
            "friction_points",
            "resolution_patterns",
            "automation_ideas",
            "training_gaps",
            "product_suggestions",
        ] {
            for finding in insights[category].as_array().into_iter().flatten() {
                let _ = writeln!(
                    out,
                    "    {}: {} ({:.2})",
                    category.replace('_', " "),
                    finding["text"].as_str().unwrap_or_default(),
                    finding["confidence"].as_f64().unwrap_or_default()
                );
            }
        }
    }
    for failure in &analysis.llm_failures {
        let _ = writeln!(
            out,
            "  {}: model analysis failed ({}): {}",
            failure.label, failure.kind, failure.message
        );
    }
    let cost = usage
        .cost_usd
        .map(|c| format!("${c:.4}"))
        .unwrap_or_else(|| "cost unknown".into());
    let _ = writeln!(
        out,
        "  tokens: {} in, {} out, {cost}",
        usage.input_tokens, usage.output_tokens
    );
    out
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
