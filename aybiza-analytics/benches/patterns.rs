//! Pattern discovery at scale: grouping and full-discovery times, and scores against the simulator's truth.
//!
//! `cargo bench -p aybiza-analytics --bench patterns` (sizes from `PATTERNS_CALLS`, default `10000,100000`).

use std::time::Instant;

use aybiza_analytics::patterns::discovery::{DiscoveryOptions, discover, group_calls};
use aybiza_analytics::patterns::evaluate::{score, score_findings, simulated_calls};
use aybiza_analytics::patterns::vectorize::VectorizeOptions;
use aybiza_analytics::sim::{SimConfig, simulate};

fn main() {
    let sizes = std::env::var("PATTERNS_CALLS").unwrap_or_else(|_| "10000,100000".into());
    for size in sizes
        .split(',')
        .filter_map(|s| s.trim().parse::<usize>().ok())
    {
        let calls_per_day = 500;
        let output = simulate(&SimConfig {
            seed: 11,
            tenants: 1,
            days: (size / calls_per_day).max(1) as u32,
            calls_per_day,
            customers_per_tenant: (size / 3).max(100),
            journeys_per_day: 0,
            anomaly_days: 0,
            ..SimConfig::default()
        })
        .expect("valid config");
        let tenant = output.truth.calls[0].tenant.clone();
        let (calls, scenarios) = simulated_calls(&output, &tenant);
        let planted = &output.truth.escalation_triggers;
        println!("{} calls", calls.len());
        for semantic_weight in [0.0, 0.5] {
            let options = DiscoveryOptions {
                vectorize: VectorizeOptions {
                    semantic_weight,
                    ..VectorizeOptions::default()
                },
                ..DiscoveryOptions::default()
            };
            let started = Instant::now();
            let (_, clustering) = group_calls(&calls, &options).expect("grouping");
            let grouped = started.elapsed();
            let measured = score(
                &clustering.assignments,
                clustering.groups,
                &scenarios,
                &[],
                planted,
            )
            .expect("score");
            println!(
                "  semantic_weight {semantic_weight}: grouped in {:.2} s, {} groups, ARI {:.3} (noise {:.1}%, ARI with noise as singletons {:.3})",
                grouped.as_secs_f64(),
                clustering.groups,
                measured.ari_grouped,
                100.0 * measured.noise_share,
                measured.ari_all
            );
        }
        let started = Instant::now();
        let findings = discover(&calls, &[], &DiscoveryOptions::default()).expect("discovery");
        let total = started.elapsed();
        let measured = score_findings(&findings, &calls, &scenarios, planted).expect("score");
        println!(
            "  full discovery in {:.2} s ({:?}); trigger recall {:.2}, precision {:.2}",
            total.as_secs_f64(),
            findings.timings,
            measured.trigger_recall,
            measured.trigger_precision
        );
        for group in &findings.groups {
            println!(
                "    group {:>2} {:>5} calls  {}",
                group.id, group.size, group.label
            );
        }
        for trigger in &findings.escalation_triggers.triggers {
            println!(
                "    trigger {:<40} lift {:>6.1}  {}/{}  p {:.1e}",
                trigger.phrase,
                trigger.lift,
                trigger.target_support,
                trigger.support,
                trigger.p_value
            );
        }
    }
}
