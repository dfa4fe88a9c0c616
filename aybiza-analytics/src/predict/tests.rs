//! Tests of the prediction module: metrics, tables, models, files, and outcome prediction on simulated calls.

use std::sync::OnceLock;

use chrono::{DateTime, TimeDelta, Utc};

use super::PredictError;
use super::calls::{CallFeatureExtractor, CallFeatureOptions, FeatureSet};
use super::customer::{CustomerFeatureExtractor, CustomerFeatureOptions, CustomerKey};
use super::evaluate::{
    classifier_importance, cross_validate_classifier, evaluate_classifier, evaluate_regressor,
    shuffled_folds, stratified_folds,
};
use super::metrics::{classification_metrics, regression_metrics};
use super::model::{Classifier, FORMAT_VERSION, ForestParams, Regressor};
use super::outcome::{OutcomeModels, is_served};
use super::propensity::{self, CustomerSnapshot, PropensityLabels};
use super::table::{Cell, Column, CsvFrame, Schema, Table};
use crate::Error;
use crate::model::{Call, CallOutcome, JourneyEvent, Record};
use crate::patterns::TranscribedCall;
use crate::sentiment::{Emotions, Sentiment, SentimentAnalyzer, SentimentLabel};
use crate::sim::{JourneyKind, JourneyOutcome, SimConfig, SimOutput, simulate};

fn predict_error(result: crate::Result<impl std::fmt::Debug>) -> PredictError {
    match result {
        Err(Error::Predict(e)) => *e
            .downcast::<PredictError>()
            .expect("the boxed error is a PredictError"),
        other => panic!("expected a prediction error, got {other:?}"),
    }
}

/// Few trees keep the unoptimised test build quick.
fn params() -> ForestParams {
    ForestParams {
        trees: 40,
        seed: 7,
        max_samples_per_tree: Some(1024),
        ..ForestParams::default()
    }
}

fn xor_table(rows: usize) -> (Table, Vec<String>) {
    let schema = Schema::new(vec![
        Column::numeric("a"),
        Column::numeric("b"),
        Column::categorical("colour"),
    ])
    .unwrap();
    let mut cells = Vec::new();
    let mut labels = Vec::new();
    for i in 0..rows {
        let a = (i * 7 % 13) as f64 / 13.0;
        let b = (i * 5 % 11) as f64 / 11.0;
        let colour = ["red", "green", "blue"][i % 3];
        let label = a + b > 1.0 || colour == "blue";
        cells.push(vec![
            if i % 17 == 0 {
                Cell::Missing
            } else {
                Cell::Number(a)
            },
            Cell::Number(b),
            Cell::Category(colour.into()),
        ]);
        labels.push(if label { "yes" } else { "no" }.to_owned());
    }
    (Table::new(schema, cells).unwrap(), labels)
}

#[test]
fn auc_brier_and_f1_match_hand_computation() {
    // Scores 0.1, 0.4, 0.35, 0.8 for truth 0, 0, 1, 1: 3 of 4 positive-negative pairs ordered → AUC 0.75.
    let truth = [0, 0, 1, 1];
    let proba: Vec<Vec<f64>> = [0.1, 0.4, 0.35, 0.8]
        .iter()
        .map(|&p| vec![1.0 - p, p])
        .collect();
    let m = classification_metrics(&truth, &proba, 2);
    assert!((m.roc_auc.unwrap() - 0.75).abs() < 1e-12);
    let brier = (0.01 + 0.16 + 0.65f64.powi(2) + 0.04) / 4.0;
    assert!((m.brier - brier).abs() < 1e-12);
    // Predicted 0, 0, 0, 1: tp 1, fn 1, fp 0 → F1 2/3; accuracy 3/4.
    assert!((m.f1 - 2.0 / 3.0).abs() < 1e-12);
    assert!((m.accuracy - 0.75).abs() < 1e-12);
    assert_eq!(m.reliability.iter().map(|b| b.count).sum::<usize>(), 4);
    // Ties count half.
    let tied: Vec<Vec<f64>> = vec![vec![0.5, 0.5]; 4];
    assert_eq!(classification_metrics(&truth, &tied, 2).roc_auc, Some(0.5));
    let r = regression_metrics(&[1.0, 2.0, 3.0], &[1.0, 2.0, 4.0]);
    assert!((r.mae - 1.0 / 3.0).abs() < 1e-12);
    assert!((r.r2 - 0.5).abs() < 1e-12);
}

#[test]
fn csv_columns_are_typed_and_blanks_are_missing() {
    let csv = "x,kind,y\n1.5,a,0\n,b,1\nNA,a,0\n2,,1\n";
    let mut frame = CsvFrame::read(csv.as_bytes()).unwrap();
    let target = frame.take_column("y").unwrap();
    assert_eq!(target, ["0", "1", "0", "1"]);
    let table = frame.into_table().unwrap();
    assert_eq!(
        table.schema().columns,
        [Column::numeric("x"), Column::categorical("kind")]
    );
    assert_eq!(table.rows()[1][0], Cell::Missing);
    assert_eq!(table.rows()[2][0], Cell::Missing);
    assert_eq!(table.rows()[3][1], Cell::Missing);
    assert_eq!(
        predict_error(CsvFrame::read(csv.as_bytes()).unwrap().take_column("nope")),
        PredictError::UnknownColumn("nope".into())
    );
}

#[test]
fn stratified_folds_spread_each_class_evenly() {
    let labels: Vec<&str> = (0..103)
        .map(|i| if i % 4 == 0 { "a" } else { "b" })
        .collect();
    let folds = stratified_folds(&labels, 5, 3).unwrap();
    for fold in 0..5 {
        let a = (0..103)
            .filter(|&i| folds[i] == fold && labels[i] == "a")
            .count();
        assert!((5..=6).contains(&a), "fold {fold} has {a} of class a");
    }
    let shuffled = shuffled_folds(10, 3, 0).unwrap();
    let mut sizes = [0; 3];
    for f in shuffled {
        sizes[f] += 1;
    }
    sizes.sort();
    assert_eq!(sizes, [3, 3, 4]);
    assert!(matches!(
        predict_error(stratified_folds(&labels, 1, 0)),
        PredictError::InvalidParameter(_)
    ));
}

#[test]
fn classifier_learns_a_mixed_table_and_survives_a_file_round_trip() {
    let (table, labels) = xor_table(600);
    let folds = stratified_folds(&labels, 3, 1).unwrap();
    let report = cross_validate_classifier(&table, &labels, &folds, &params(), 2).unwrap();
    let auc = report.pooled.roc_auc.unwrap();
    assert!(
        report.mean_accuracy > 0.78 && auc > 0.85,
        "accuracy {}, AUC {auc}",
        report.mean_accuracy
    );
    // Every column decides some labels, so shuffling any of them costs AUC on the folds.
    let mut columns: Vec<&str> = report
        .importance
        .iter()
        .map(|f| f.column.as_str())
        .collect();
    columns.sort_unstable();
    assert_eq!(columns, ["a", "b", "colour"]);
    assert!(
        report.importance.iter().all(|f| f.importance > 0.0),
        "{:?}",
        report.importance
    );
    assert!(
        report
            .importance
            .windows(2)
            .all(|w| w[0].importance >= w[1].importance)
    );

    let model = Classifier::fit(&table, &labels, &params()).unwrap();
    assert_eq!(model.classes(), ["no", "yes"]);
    assert!(model.feature_names().contains(&"a is missing".to_owned()));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.json");
    model.save(&path).unwrap();
    let loaded = Classifier::load(&path).unwrap();
    assert_eq!(loaded, model);
    assert_eq!(
        loaded.predict_proba(&table).unwrap(),
        model.predict_proba(&table).unwrap()
    );
    let importance = classifier_importance(&model, &table, &labels, 1, 5).unwrap();
    assert_eq!(importance.len(), 3);

    // A regressor file is refused as a classifier, and an unknown version is refused.
    let targets: Vec<f64> = (0..table.len()).map(|i| i as f64).collect();
    let regressor = Regressor::fit(&table, &targets, &params()).unwrap();
    assert_eq!(
        predict_error(Classifier::from_json(&regressor.to_json().unwrap())),
        PredictError::WrongModelKind {
            expected: "classifier".into(),
            found: "regressor".into()
        }
    );
    let newer = model.to_json().unwrap().replacen(
        &format!("\"format_version\":{FORMAT_VERSION}"),
        "\"format_version\":99",
        1,
    );
    assert_eq!(
        predict_error(Classifier::from_json(&newer)),
        PredictError::UnsupportedFormat {
            found: 99,
            supported: FORMAT_VERSION
        }
    );
    assert!(matches!(
        predict_error(Classifier::from_json("{not json")),
        PredictError::CorruptModel(_)
    ));
}

#[test]
fn regressor_round_trip_gives_identical_predictions() {
    let (table, _) = xor_table(300);
    let targets: Vec<f64> = table
        .rows()
        .iter()
        .map(|r| match (&r[1], &r[2]) {
            (Cell::Number(b), Cell::Category(c)) => 3.0 * b + (c == "red") as u8 as f64,
            _ => 0.0,
        })
        .collect();
    let model = Regressor::fit(&table, &targets, &params()).unwrap();
    let metrics = evaluate_regressor(&model, &table, &targets).unwrap();
    assert!(metrics.r2 > 0.9, "r2 {}", metrics.r2);
    let loaded = Regressor::from_json(&model.to_json().unwrap()).unwrap();
    assert_eq!(
        loaded.predict(&table).unwrap(),
        model.predict(&table).unwrap()
    );
}

#[test]
fn bad_inputs_are_typed_errors() {
    let schema = Schema::new(vec![Column::numeric("x"), Column::categorical("c")]).unwrap();
    let nan = Table::new(
        schema.clone(),
        vec![vec![Cell::Number(f64::NAN), Cell::Missing]],
    );
    assert_eq!(
        predict_error(nan),
        PredictError::NonFinite {
            row: 0,
            column: "x".into(),
            value: "NaN".into()
        }
    );
    assert!(matches!(
        predict_error(Table::new(
            schema.clone(),
            vec![vec![Cell::Category("a".into()), Cell::Missing]]
        )),
        PredictError::BadCell { .. }
    ));
    let empty = Table::new(schema.clone(), Vec::new()).unwrap();
    assert_eq!(
        predict_error(Classifier::fit(&empty, &[] as &[&str], &params())),
        PredictError::EmptyData("train on")
    );
    let one = Table::new(
        schema.clone(),
        vec![
            vec![Cell::Number(1.0), Cell::Category("a".into())],
            vec![Cell::Number(2.0), Cell::Category("b".into())],
        ],
    )
    .unwrap();
    assert_eq!(
        predict_error(Classifier::fit(&one, &["x", "x"], &params())),
        PredictError::SingleClass { class: "x".into() }
    );
    assert_eq!(
        predict_error(Classifier::fit(&one, &["x"], &params())),
        PredictError::LabelCount { rows: 2, labels: 1 }
    );
    assert!(matches!(
        predict_error(Regressor::fit(&one, &[1.0, f64::INFINITY], &params())),
        PredictError::NonFinite { row: 1, .. }
    ));
    assert!(matches!(
        predict_error(Classifier::fit(
            &one,
            &["x", "y"],
            &ForestParams {
                trees: 0,
                ..params()
            }
        )),
        PredictError::InvalidParameter(_)
    ));
    let duplicate = Schema::new(vec![Column::numeric("x"), Column::categorical("x")]);
    assert!(matches!(
        predict_error(duplicate),
        PredictError::InvalidParameter(_)
    ));
}

#[test]
fn a_model_refuses_a_table_of_another_schema() {
    let (table, labels) = xor_table(60);
    let model = Classifier::fit(&table, &labels, &params()).unwrap();
    let renamed = Schema::new(vec![
        Column::numeric("a"),
        Column::numeric("b2"),
        Column::categorical("colour"),
    ])
    .unwrap();
    let other = Table::new(renamed, table.rows().to_vec()).unwrap();
    assert_eq!(
        predict_error(model.predict(&other)),
        PredictError::SchemaMismatch {
            expected: "column \"b\" (Numeric) at position 1".into(),
            found: "column \"b2\" (Numeric)".into()
        }
    );
    let shorter = Table::new(
        Schema::new(vec![Column::numeric("a"), Column::numeric("b")]).unwrap(),
        vec![vec![Cell::Number(0.0), Cell::Number(1.0)]],
    )
    .unwrap();
    assert!(matches!(
        predict_error(model.predict_proba(&shorter)),
        PredictError::SchemaMismatch { .. }
    ));
}

// ---- Simulated calls -------------------------------------------------------------------------

fn simulation() -> &'static (SimOutput, Vec<TranscribedCall>) {
    static SIM: OnceLock<(SimOutput, Vec<TranscribedCall>)> = OnceLock::new();
    SIM.get_or_init(|| {
        let output = simulate(&SimConfig {
            tenants: 1,
            days: 14,
            anomaly_days: 1,
            ..SimConfig::default()
        })
        .unwrap();
        let mut calls = Vec::new();
        let mut utterances = Vec::new();
        for record in &output.records {
            match record {
                Record::Call(c) => calls.push(c.clone()),
                Record::Utterance(u) => utterances.push(u.clone()),
                _ => {}
            }
        }
        let joined = TranscribedCall::join(calls, utterances);
        (output, joined)
    })
}

/// Rows of calls that started before / from day 10 of the window.
fn time_split(
    calls: &[TranscribedCall],
    keep: impl Fn(&TranscribedCall) -> bool,
) -> (Vec<usize>, Vec<usize>) {
    let cut = SimConfig::default().start + TimeDelta::days(10);
    (0..calls.len())
        .filter(|&i| keep(&calls[i]))
        .partition(|&i| calls[i].call.started_at < cut)
}

fn bool_labels(rows: &[usize], f: impl Fn(usize) -> bool) -> Vec<&'static str> {
    rows.iter()
        .map(|&i| if f(i) { "true" } else { "false" })
        .collect()
}

#[test]
fn escalation_and_resolution_are_predicted_on_held_out_calls() {
    let (_, calls) = simulation();
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    let table = extractor.extract(calls, FeatureSet::Full).unwrap();
    let (train, test) = time_split(calls, is_served);
    // Floors sit a little under the measured values (escalation AUC 0.91, Brier 0.69 of the
    // prevalence baseline; resolution AUC 0.68, Brier 0.93 of it). Resolution depends on the agent's
    // hidden skill and a random draw that shows mostly in the words of the closing turns, which only
    // the sentiment features (absent here) read.
    for (name, label, auc_floor, brier_ratio) in [
        (
            "escalation",
            &(|i: usize| calls[i].call.escalated) as &dyn Fn(usize) -> bool,
            0.85,
            0.8,
        ),
        (
            "resolution",
            &|i: usize| calls[i].call.outcome == Some(CallOutcome::Resolved),
            0.65,
            0.97,
        ),
    ] {
        let model = Classifier::fit(
            &table.select(&train),
            &bool_labels(&train, label),
            &params(),
        )
        .unwrap();
        let m =
            evaluate_classifier(&model, &table.select(&test), &bool_labels(&test, label)).unwrap();
        let prevalence = test.iter().filter(|&&i| label(i)).count() as f64 / test.len() as f64;
        let baseline_brier = prevalence * (1.0 - prevalence);
        eprintln!(
            "{name}: {} held-out calls, prevalence {prevalence:.3}, accuracy {:.4} (majority {:.4}), AUC {:.4}, F1 {:.4}, Brier {:.4} (baseline {baseline_brier:.4})",
            m.rows,
            m.accuracy,
            m.majority_accuracy,
            m.roc_auc.unwrap(),
            m.f1,
            m.brier
        );
        assert!(m.roc_auc.unwrap() > auc_floor, "{name} AUC {:?}", m.roc_auc);
        assert!(
            m.brier < brier_ratio * baseline_brier,
            "{name} Brier {} vs {baseline_brier}",
            m.brier
        );
    }
}

#[test]
fn duration_and_satisfaction_beat_the_mean() {
    let (_, calls) = simulation();
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    let context = extractor.extract(calls, FeatureSet::Context).unwrap();
    let full = extractor.extract(calls, FeatureSet::Full).unwrap();
    let (train, test) = time_split(calls, |c| c.call.duration_secs().is_some());
    let duration = |rows: &[usize]| -> Vec<f64> {
        rows.iter()
            .map(|&i| calls[i].call.duration_secs().unwrap())
            .collect()
    };
    let model = Regressor::fit(&context.select(&train), &duration(&train), &params()).unwrap();
    let m = evaluate_regressor(&model, &context.select(&test), &duration(&test)).unwrap();
    eprintln!(
        "duration: MAE {:.1} s (mean baseline {:.1}), R² {:.3}",
        m.mae, m.mean_baseline_mae, m.r2
    );
    assert!(m.r2 > 0.1 && m.mae < m.mean_baseline_mae, "{m:?}");

    let (train, test) = time_split(calls, |c| c.call.satisfaction.is_some());
    let score = |rows: &[usize]| -> Vec<f64> {
        rows.iter()
            .map(|&i| calls[i].call.satisfaction.unwrap())
            .collect()
    };
    let model = Regressor::fit(&full.select(&train), &score(&train), &params()).unwrap();
    let m = evaluate_regressor(&model, &full.select(&test), &score(&test)).unwrap();
    eprintln!(
        "satisfaction: MAE {:.3} (mean baseline {:.3}), R² {:.3}",
        m.mae, m.mean_baseline_mae, m.r2
    );
    assert!(m.r2 > 0.2 && m.mae < 0.9 * m.mean_baseline_mae, "{m:?}");
}

/// Scores a customer's "not" as negative, anything else as mildly positive.
struct NotCounter;

impl SentimentAnalyzer for NotCounter {
    fn analyze(&self, text: &str) -> crate::Result<Sentiment> {
        let score = if text.contains("not") { -0.5 } else { 0.2 };
        Ok(Sentiment {
            score,
            label: SentimentLabel::from_score(score),
            intensity: score.abs(),
            emotions: Emotions::default(),
            urgency: 0.0,
        })
    }
}

#[test]
fn outcome_models_round_trip_and_check_the_sentiment_setting() {
    let (_, calls) = simulation();
    let calls = &calls[..1500];
    let plain = CallFeatureExtractor::new(CallFeatureOptions::default());
    let analyzer = NotCounter;
    let with_sentiment =
        CallFeatureExtractor::new(CallFeatureOptions::default()).with_sentiment(&analyzer);
    assert_eq!(
        with_sentiment.schema(FeatureSet::Full).columns.len(),
        plain.schema(FeatureSet::Full).columns.len() + 5
    );
    let models = OutcomeModels::train(calls, &with_sentiment, &params()).unwrap();
    assert!(models.satisfaction.is_some());
    let predictions = models.predict(calls, &with_sentiment).unwrap();
    assert_eq!(predictions.len(), calls.len());
    assert!(
        predictions
            .iter()
            .all(|p| (0.0..=1.0).contains(&p.escalation_probability))
    );
    let loaded = OutcomeModels::from_json(&models.to_json().unwrap()).unwrap();
    assert_eq!(loaded.predict(calls, &with_sentiment).unwrap(), predictions);
    assert!(matches!(
        predict_error(models.predict(calls, &plain)),
        PredictError::SchemaMismatch { .. }
    ));
}

#[test]
fn call_features_count_silence_interruptions_and_repetitions() {
    use crate::model::{Speaker, Utterance, VoiceFeatures};
    let (_, calls) = simulation();
    let mut call = calls[0].clone();
    let u =
        |seq: u32, speaker, text: &str, start_ms, end_ms, voice: Option<VoiceFeatures>| Utterance {
            tenant: call.call.tenant.clone(),
            call_id: call.call.id.clone(),
            seq,
            speaker,
            text: text.into(),
            start_ms,
            end_ms,
            voice,
        };
    call.utterances = vec![
        u(0, Speaker::Agent, "Hello, how can I help?", 0, 2_000, None),
        u(
            1,
            Speaker::Customer,
            "My internet connection keeps dropping",
            5_000,
            8_000,
            None,
        ),
        u(2, Speaker::Agent, "Let me check", 7_000, 9_000, None),
        u(
            3,
            Speaker::Customer,
            "my internet connection keeps dropping again",
            9_500,
            12_000,
            Some(VoiceFeatures {
                silence_before_ms: Some(9_000),
                interruption: true,
                ..VoiceFeatures::default()
            }),
        ),
        u(
            4,
            Speaker::Customer,
            "Separately, billing invoice shows duplicate charges",
            12_000,
            15_000,
            None,
        ),
    ];
    let extractor = CallFeatureExtractor::new(CallFeatureOptions::default());
    let table = extractor
        .extract(std::slice::from_ref(&call), FeatureSet::Full)
        .unwrap();
    let value = |name: &str| table.rows()[0][table.schema().index_of(name).unwrap()].clone();
    assert_eq!(value("turns"), Cell::Number(5.0));
    // Silences: 3 s gap before utterance 1, none before 2 (overlap), 9 s given for 3, 0 before 4.
    assert_eq!(value("silence_total_secs"), Cell::Number(12.0));
    assert_eq!(value("silence_max_secs"), Cell::Number(9.0));
    // Utterance 2 overlaps the customer; utterance 3 is flagged.
    assert_eq!(value("interruptions"), Cell::Number(2.0));
    assert_eq!(value("customer_repetitions"), Cell::Number(1.0));
    assert_eq!(value("topic_changes"), Cell::Number(1.0));
    // Customer talk 3 + 2.5 + 3 s of 8.5 + 2 + 2 s.
    assert_eq!(value("customer_talk_share"), Cell::Number(8.5 / 12.5));
}

/// The simulation's calls without transcripts and its journey events.
fn calls_and_events(
    output: &SimOutput,
    calls: &[TranscribedCall],
) -> (Vec<Call>, Vec<JourneyEvent>) {
    let events = output
        .records
        .iter()
        .filter_map(|r| match r {
            Record::JourneyEvent(e) => Some(e.clone()),
            _ => None,
        })
        .collect();
    (calls.iter().map(|c| c.call.clone()).collect(), events)
}

#[test]
fn a_recent_window_past_the_calendar_takes_all_history() {
    let (output, calls) = simulation();
    let as_of: DateTime<Utc> = SimConfig::default().start + TimeDelta::days(7);
    let (plain_calls, events) = calls_and_events(output, calls);
    let customers = CustomerFeatureExtractor::customers_before(&plain_calls, &events, as_of);
    let with_window = |recent_days| {
        CustomerFeatureExtractor::new(CustomerFeatureOptions {
            recent_days,
            ..CustomerFeatureOptions::default()
        })
        .extract(&customers, &plain_calls, &events, as_of)
        .unwrap()
    };
    // A century covers all the simulated history; u32::MAX days reach before chrono's calendar.
    assert_eq!(with_window(u32::MAX), with_window(36_500));
}

#[test]
fn churn_propensity_from_history_before_the_snapshot() {
    let (output, calls) = simulation();
    let as_of: DateTime<Utc> = SimConfig::default().start + TimeDelta::days(7);
    let (plain_calls, events) = calls_and_events(output, calls);
    let customers = CustomerFeatureExtractor::customers_before(&plain_calls, &events, as_of);
    let last_event: std::collections::HashMap<&str, DateTime<Utc>> = events
        .iter()
        .map(|e| (e.id.as_str(), e.timestamp))
        .collect();
    let churns_later = |customer: &CustomerKey| {
        output.truth.journeys.iter().any(|j| {
            j.customer_id == customer.customer_id
                && j.kind == JourneyKind::Retention
                && j.outcome == JourneyOutcome::Churned
                && j.event_ids
                    .last()
                    .is_some_and(|id| last_event[id.as_str()] >= as_of)
        })
    };
    let table = CustomerFeatureExtractor::default()
        .extract(&customers, &plain_calls, &events, as_of)
        .unwrap();
    let labels: Vec<&str> = customers
        .iter()
        .map(|c| if churns_later(c) { "true" } else { "false" })
        .collect();
    let positives = labels.iter().filter(|l| **l == "true").count();
    let folds = stratified_folds(&labels, 3, 11).unwrap();
    let report = cross_validate_classifier(&table, &labels, &folds, &params(), 0).unwrap();
    let auc = report.pooled.roc_auc.unwrap();
    eprintln!(
        "churn: {} customers, {positives} positive, pooled AUC {auc:.4}, Brier {:.4}",
        customers.len(),
        report.pooled.brier
    );
    // Measured 0.82 (0.84 before the simulator's upsell journeys gained their exploring lead-in,
    // which adds customers to the snapshot). Upsell: see the next test.
    assert!(auc > 0.78, "churn AUC {auc}");
}

/// Upsell labels from the snapshot (an `upgrade_plan` event in the 7 days after it), 3-fold
/// cross-validation over customers.
#[test]
fn upsell_propensity_on_held_out_customers() {
    let (output, calls) = simulation();
    let as_of: DateTime<Utc> = SimConfig::default().start + TimeDelta::days(7);
    let (plain_calls, events) = calls_and_events(output, calls);
    let labels = PropensityLabels {
        horizon_days: 7,
        ..PropensityLabels::default()
    };
    let snapshot = CustomerSnapshot::take(
        &plain_calls,
        &events,
        as_of,
        &labels,
        &CustomerFeatureOptions::default(),
    )
    .unwrap();
    let upgraded = propensity::bool_labels(&snapshot.upgraded);
    let positives = snapshot.upgraded.iter().filter(|&&u| u).count();
    let folds = stratified_folds(&upgraded, 3, 11).unwrap();
    let report =
        cross_validate_classifier(&snapshot.table, &upgraded, &folds, &params(), 0).unwrap();
    let auc = report.pooled.roc_auc.unwrap();
    let prevalence = positives as f64 / upgraded.len() as f64;
    eprintln!(
        "upsell: {} customers, {positives} positive, pooled AUC {auc:.4}, Brier {:.4} (baseline {:.4})",
        upgraded.len(),
        report.pooled.brier,
        prevalence * (1.0 - prevalence)
    );
    // Measured 0.76 (0.76–0.80 over fold and forest seeds 1–5). The simulator's customers have a
    // hidden appetite for a bigger plan that makes them upgrade and, in the weeks before, use
    // features and look at plans and pricing: the model reads only that history.
    assert!(auc > 0.7, "upsell AUC {auc}");
}

#[test]
fn new_rows_are_read_by_the_model_schema_not_their_own_values() {
    let training = CsvFrame::read("a,colour\n1,red\n2,blue\n".as_bytes())
        .unwrap()
        .into_table()
        .unwrap();
    // Column `a` all blank would type as categorical on its own; an extra column is left out.
    let new = CsvFrame::read("colour,id,a\nblue,x1,\ngreen,x2,NA\n".as_bytes()).unwrap();
    let table = new.to_table_as(training.schema()).unwrap();
    assert_eq!(table.schema(), training.schema());
    assert_eq!(
        table.rows(),
        [
            vec![Cell::Missing, Cell::Category("blue".into())],
            vec![Cell::Missing, Cell::Category("green".into())],
        ]
    );
    let word = CsvFrame::read("a,colour\nten,red\n".as_bytes()).unwrap();
    assert!(matches!(
        predict_error(word.to_table_as(training.schema())),
        PredictError::BadCell { row: 0, .. }
    ));
    let short = CsvFrame::read("colour\nred\n".as_bytes()).unwrap();
    assert_eq!(
        predict_error(short.to_table_as(training.schema())),
        PredictError::UnknownColumn("a".into())
    );
}
