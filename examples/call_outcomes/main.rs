//! Outcome prediction with a training pipeline: random forests for resolution, escalation,
//! handle time and satisfaction are trained on three simulated weeks of calls, scored on the
//! fourth week they never saw, saved and loaded back, and used to predict new calls.
//!
//! ```sh
//! cargo run -p aybiza-examples --bin call_outcomes
//! ```
//!
//! `call_outcomes.py` and `call_outcomes.js` beside this file do the same in Python and Node
//! and print the same lines (`expected.txt`): a seed makes training reproducible in every
//! process and language.

use std::error::Error;

use aybiza_analytics::predict::OutcomeModels;
use aybiza_analytics::predict::json::{
    evaluate_outcome_models, predict_outcomes, train_outcome_models,
};
use aybiza_analytics::sim::{SimConfig, simulate};
use aybiza_analytics::{MemoryStore, Store, TimeRange};
use chrono::{DateTime, TimeZone, Utc};
use serde_json::json;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn Error>> {
    let store = MemoryStore::new();
    let simulated = simulate(&SimConfig {
        seed: 7,
        tenants: 1,
        ..SimConfig::default()
    })?;
    store.put(simulated.records).await?;
    let tenant = store.tenant_ids().await?.remove(0);

    // Train on the weeks before 2026-01-26 (forests of 50 trees, seeded), score on the week after.
    let split = Utc
        .with_ymd_and_hms(2026, 1, 26, 0, 0, 0)
        .single()
        .ok_or("a date")?;
    let before = TimeRange::new(DateTime::<Utc>::MIN_UTC, split)?;
    let after = TimeRange::new(split, DateTime::<Utc>::MAX_UTC)?;
    let settings = json!({"trees": 50, "seed": 7});
    let models = train_outcome_models(&store, &tenant, before, Some(settings)).await?;
    let trained_on = store.calls(&tenant, before).await?.len();
    println!("{tenant}: trained on {trained_on} calls before 2026-01-26");

    let scores = evaluate_outcome_models(&models, &store, &tenant, after).await?;
    println!("scored on the {} calls after:", scores.calls);
    for (name, metrics) in [
        ("resolution", &scores.resolution),
        ("escalation", &scores.escalation),
    ] {
        println!(
            "  {name:<12}  accuracy {:.3} (majority class {:.3})  ROC AUC {:.3}  Brier {:.3}",
            metrics.accuracy,
            metrics.majority_accuracy,
            metrics.roc_auc.unwrap_or(f64::NAN),
            metrics.brier,
        );
    }
    let regressions = [
        ("duration", Some(&scores.duration)),
        ("satisfaction", scores.satisfaction.as_ref()),
    ];
    for (name, metrics) in regressions {
        match metrics {
            Some(m) => println!(
                "  {name:<12}  MAE {:.3} (the mean alone: {:.3})  R2 {:.3}",
                m.mae, m.mean_baseline_mae, m.r2
            ),
            None => println!("  {name:<12}  no model or no surveyed calls"),
        }
    }

    // The versioned model file, and the same predictions from the models read back.
    let saved = models.to_json()?;
    let loaded = OutcomeModels::from_json(&saved)?;
    let day = TimeRange::new(
        Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0)
            .single()
            .ok_or("a date")?,
        DateTime::<Utc>::MAX_UTC,
    )?;
    let predicted = predict_outcomes(&models, &store, &tenant, day).await?;
    let reloaded = predict_outcomes(&loaded, &store, &tenant, day).await?;
    println!(
        "saved: {} bytes; the models read back predict the same: {}",
        saved.len(),
        predicted == reloaded
    );
    println!("the first five calls of 2026-02-01:");
    println!("  call                    resolved  escalated  duration  satisfaction");
    for p in predicted.iter().take(5) {
        let satisfaction = p
            .expected_satisfaction
            .map_or("-".to_string(), |s| format!("{s:.2}"));
        println!(
            "  {:<22}  {:>8.2}  {:>9.2}  {:>6.0} s  {:>12}",
            p.call_id,
            p.resolution_probability,
            p.escalation_probability,
            p.expected_duration_secs,
            satisfaction
        );
    }
    Ok(())
}
