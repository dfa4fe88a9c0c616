//! The `aybiza` command end to end: simulate, ingest (with a rejected line), report, export,
//! and the one-line errors and exit codes the README promises.

use std::path::Path;
use std::process::{Command, Output};

fn aybiza(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aybiza"))
        .args(args)
        .output()
        .expect("run aybiza")
}

fn text(path: &Path) -> String {
    std::fs::read_to_string(path).expect("read output file")
}

#[test]
fn simulate_ingest_report_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();

    let simulated = aybiza(&[
        "simulate",
        "--days",
        "2",
        "--calls-per-day",
        "30",
        "--output",
        &path("s.jsonl"),
        "--truth",
        &path("t.json"),
    ]);
    assert!(simulated.status.success(), "{simulated:?}");
    let lines = text(&dir.path().join("s.jsonl")).lines().count();
    let calls = text(&dir.path().join("s.jsonl"))
        .lines()
        .filter(|l| l.contains(r#""type":"call""#))
        .count();
    assert!(calls > 0);

    // Append one bad line: the rest is stored, the exit status is 3, the error names the line.
    let mut input = text(&dir.path().join("s.jsonl"));
    input.push_str("{\"type\":\"call\",\"id\":\"bad\"}\n");
    std::fs::write(dir.path().join("in.jsonl"), input).unwrap();
    let ingested = aybiza(&[
        "ingest",
        "--store",
        &path("s.db"),
        "--input",
        &path("in.jsonl"),
        "--rejects",
        &path("rejects.jsonl"),
    ]);
    assert_eq!(ingested.status.code(), Some(3), "{ingested:?}");
    let stdout = String::from_utf8_lossy(&ingested.stdout);
    assert!(stdout.contains(&format!("{lines} inserted")), "{stdout}");
    assert!(String::from_utf8_lossy(&ingested.stderr).contains(&format!("line {}", lines + 1)));
    assert!(text(&dir.path().join("rejects.jsonl")).contains(r#""record_id":"bad""#));

    let reported = aybiza(&[
        "report",
        "--store",
        &path("s.db"),
        "--output",
        &path("report"),
    ]);
    assert!(reported.status.success(), "{reported:?}");
    let report: serde_json::Value =
        serde_json::from_str(&text(&dir.path().join("report/report.json"))).unwrap();
    assert_eq!(report["overall"]["metrics"]["calls"]["total"], calls);
    assert!(text(&dir.path().join("report/report.html")).starts_with("<!DOCTYPE html>"));

    let tenants = report["tenants"].as_array().unwrap();
    let tenant = tenants[0]["tenant_id"].as_str().unwrap();
    let exported = aybiza(&[
        "export",
        "--store",
        &path("s.db"),
        "--tenant",
        tenant,
        "--output",
        &path("e.jsonl"),
    ]);
    assert!(exported.status.success(), "{exported:?}");
    assert!(text(&dir.path().join("e.jsonl")).lines().count() > 0);
}

#[test]
fn errors_are_one_line_with_a_non_zero_exit() {
    let missing = aybiza(&[
        "ingest",
        "--store",
        "/nonexistent-dir/x.db",
        "--input",
        "/nonexistent.jsonl",
    ]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(
        stderr.starts_with("error: ") && stderr.trim_end().lines().count() == 1,
        "{stderr}"
    );
    let usage = aybiza(&["report"]);
    assert_eq!(usage.status.code(), Some(2), "{usage:?}");
    let bad_range = aybiza(&["simulate", "--output", "/dev/null", "--tenants", "0"]);
    assert_eq!(bad_range.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_range.stderr).contains("tenants"));
}

#[test]
fn journey_map_compares_segments() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("log.csv");
    std::fs::write(
        &log,
        "case_id,activity,timestamp,source\n\
         a,visit,2026-01-05 09:00:00,ads\n\
         a,buy,2026-01-05 10:00:00,ads\n\
         b,visit,2026-01-05 09:00:00,ads\n\
         c,visit,2026-01-05 09:00:00,email\n\
         c,pricing,2026-01-05 09:10:00,email\n",
    )
    .unwrap();
    let out = dir.path().join("segments.json");
    let run = aybiza(&[
        "journey-map",
        "--input",
        &log.to_string_lossy(),
        "--segment-column",
        "source",
        "--conversion-activity",
        "buy",
        "--funnel",
        "visit,buy",
        "--output",
        &out.to_string_lossy(),
    ]);
    assert!(run.status.success(), "{run:?}");
    let json: serde_json::Value = serde_json::from_str(&text(&out)).unwrap();
    let segments = json["segments"].as_array().unwrap();
    assert_eq!(segments[0]["segment"], "ads");
    assert_eq!(segments[0]["conversion_rate"], 0.5);
    assert_eq!(segments[0]["funnel"][1]["cases"], 1);
    assert_eq!(segments[1]["segment"], "email");
    assert_eq!(segments[1]["drop_offs"][0]["activity"], "pricing");
}

#[test]
fn sentiment_and_redact_csv_and_json_lines() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    std::fs::write(
        dir.path().join("in.csv"),
        "id,text\n1,\"Thank you so much, that fixed it!\"\n2,\"This is unacceptable, I want to cancel.\"\n3,\n",
    )
    .unwrap();
    let scored = aybiza(&[
        "sentiment",
        "--input",
        &path("in.csv"),
        "--output",
        &path("out.csv"),
    ]);
    assert!(scored.status.success(), "{scored:?}");
    let out = text(&dir.path().join("out.csv"));
    let mut lines = out.lines();
    assert_eq!(
        lines.next(),
        Some("id,text,score,label,intensity,frustrated,angry,confused,satisfied,happy,urgency")
    );
    let positive: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert!(
        positive[0] == "1" && positive.contains(&"positive"),
        "{positive:?}"
    );
    assert!(lines.next().unwrap().contains(",negative,"));
    assert_eq!(
        lines.next(),
        Some("3,,,,,,,,,,"),
        "empty text, empty columns"
    );

    let jsonl = "{\"text\":\"I'm so frustrated, nobody helps me\",\"n\":1}\n\n{\"text\":\"great service\"}\n";
    std::fs::write(dir.path().join("in.jsonl"), jsonl).unwrap();
    let scored = aybiza(&[
        "sentiment",
        "--input",
        &path("in.jsonl"),
        "--output",
        &path("out.jsonl"),
    ]);
    assert!(scored.status.success(), "{scored:?}");
    let rows: Vec<serde_json::Value> = text(&dir.path().join("out.jsonl"))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["n"], 1);
    assert_eq!(rows[0]["label"], "negative");
    assert!(rows[0]["frustrated"].as_f64().unwrap() > 0.0);
    assert_eq!(rows[1]["label"], "positive");

    // An input that already has a `label` column needs a prefix for the added columns.
    std::fs::write(dir.path().join("labelled.csv"), "label,text\npos,lovely\n").unwrap();
    let clash = aybiza(&["sentiment", "--input", &path("labelled.csv")]);
    assert!(String::from_utf8_lossy(&clash.stderr).contains("already has a column `label`"));
    let prefixed = aybiza(&[
        "sentiment",
        "--input",
        &path("labelled.csv"),
        "--column-prefix",
        "sentiment_",
    ]);
    let stdout = String::from_utf8_lossy(&prefixed.stdout);
    assert!(
        stdout.starts_with("label,text,sentiment_score,sentiment_label,"),
        "{stdout}"
    );

    std::fs::write(
        dir.path().join("pii.csv"),
        "note\n\"card 4111 1111 1111 1111, mail me at jo@example.com\"\nnothing here\n",
    )
    .unwrap();
    let redacted = aybiza(&[
        "redact",
        "--input",
        &path("pii.csv"),
        "--text-column",
        "note",
        "--output",
        &path("pii-out.csv"),
    ]);
    assert!(redacted.status.success(), "{redacted:?}");
    let mut reader = csv::Reader::from_path(dir.path().join("pii-out.csv")).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["note", "pii_entities"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(&rows[0][0], "card [CARD], mail me at [EMAIL]");
    let entities: serde_json::Value = serde_json::from_str(&rows[0][1]).unwrap();
    assert_eq!(entities[0]["kind"], "card");
    assert_eq!(entities[0]["char_start"], 5);
    assert_eq!(entities[1]["kind"], "email");
    assert_eq!(&rows[1][0], "nothing here");
    assert_eq!(&rows[1][1], "[]");
}

#[test]
fn text_commands_name_the_bad_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    std::fs::write(
        dir.path().join("bad.jsonl"),
        "{\"text\":\"fine\"}\n{\"text\": 3}\n",
    )
    .unwrap();
    let failed = aybiza(&["sentiment", "--input", &path("bad.jsonl")]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("line 2") && stderr.contains("not a string"),
        "{stderr}"
    );

    std::fs::write(dir.path().join("bad.csv"), "text\nok\n\"a\",\"b\"\n").unwrap();
    let failed = aybiza(&["redact", "--input", &path("bad.csv")]);
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains("line 3") && stderr.contains("2 fields"),
        "{stderr}"
    );

    let failed = aybiza(&[
        "redact",
        "--input",
        &path("bad.csv"),
        "--text-column",
        "body",
    ]);
    assert!(String::from_utf8_lossy(&failed.stderr).contains("no column `body`"));

    // Writing over the input would empty it before it is read.
    let before = std::fs::read(dir.path().join("bad.csv")).unwrap();
    let failed = aybiza(&[
        "redact",
        "--input",
        &path("bad.csv"),
        "--output",
        &path("bad.csv"),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&failed.stderr).contains("is the input file"));
    assert_eq!(std::fs::read(dir.path().join("bad.csv")).unwrap(), before);
}

#[test]
fn rules_replays_simulated_calls() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let simulated = aybiza(&[
        "simulate",
        "--days",
        "2",
        "--calls-per-day",
        "40",
        "--output",
        &path("s.jsonl"),
        "--truth",
        &path("t.json"),
    ]);
    assert!(simulated.status.success(), "{simulated:?}");
    let replayed = aybiza(&["rules", "--input", &path("s.jsonl")]);
    assert!(replayed.status.success(), "{replayed:?}");
    let stdout = String::from_utf8_lossy(&replayed.stdout);
    let first: serde_json::Value = serde_json::from_str(stdout.lines().next().unwrap()).unwrap();
    assert!(first["hits"][0]["rule_id"].is_string());
    assert!(String::from_utf8_lossy(&replayed.stderr).contains("escalation_request"));

    std::fs::write(
        dir.path().join("r.toml"),
        "[[rules]]\nid = \"hello\"\nwhen = { phrases = { any = [\"* hello\"] } }\n",
    )
    .unwrap();
    let failed = aybiza(&[
        "rules",
        "--input",
        &path("s.jsonl"),
        "--rules",
        &path("r.toml"),
    ]);
    assert_eq!(failed.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(stderr.contains("rules[0].when.phrases.any[0]"), "{stderr}");
}

/// Simulates one tenant for `days` days into `dir/s.db`; returns the tenant's id.
fn simulated_store(dir: &Path, days: &str) -> String {
    let path = |name: &str| dir.join(name).to_string_lossy().into_owned();
    let simulated = aybiza(&[
        "simulate",
        "--tenants",
        "1",
        "--days",
        days,
        "--calls-per-day",
        "80",
        "--output",
        &path("s.jsonl"),
    ]);
    assert!(simulated.status.success(), "{simulated:?}");
    let ingested = aybiza(&[
        "ingest",
        "--store",
        &path("s.db"),
        "--input",
        &path("s.jsonl"),
    ]);
    assert!(ingested.status.success(), "{ingested:?}");
    text(&dir.join("s.jsonl"))
        .lines()
        .find(|l| l.contains(r#""type":"tenant""#))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .unwrap()
}

#[test]
fn patterns_prints_a_summary_and_writes_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tenant = simulated_store(dir.path(), "2");

    let printed = aybiza(&["patterns", "--store", &path("s.db"), "--tenant", &tenant]);
    assert!(printed.status.success(), "{printed:?}");
    let stdout = String::from_utf8_lossy(&printed.stdout);
    assert!(
        stdout.contains("groups:") && stdout.contains("escalation triggers"),
        "{stdout}"
    );

    let written = aybiza(&[
        "patterns",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--from",
        "2026-01-05",
        "--to",
        "2026-01-07",
        "--output",
        &path("f.json"),
    ]);
    assert!(written.status.success(), "{written:?}");
    let findings: serde_json::Value =
        serde_json::from_str(&text(&dir.path().join("f.json"))).unwrap();
    let groups = findings["groups"].as_array().unwrap();
    assert!(!groups.is_empty());
    assert!(groups[0]["label"].as_str().is_some_and(|l| !l.is_empty()));
    let grouped: usize = groups
        .iter()
        .map(|g| g["call_ids"].as_array().unwrap().len())
        .sum();
    assert_eq!(
        grouped + findings["noise"].as_array().unwrap().len(),
        findings["calls"].as_u64().unwrap() as usize
    );
    for list in [
        "escalation_triggers",
        "successful_resolutions",
        "confusion",
        "repeat_callers",
        "automation_candidates",
        "faqs",
    ] {
        assert!(!findings[list].is_null(), "{list} missing");
    }

    let missing = aybiza(&["patterns", "--store", &path("nope.db"), "--tenant", &tenant]);
    assert_eq!(missing.status.code(), Some(1));

    let store = path("s.db");
    let region_alone = aybiza(&[
        "patterns",
        "--store",
        &store,
        "--tenant",
        &tenant,
        "--llm-region",
        "eu-west-1",
    ]);
    assert_eq!(region_alone.status.code(), Some(2), "{region_alone:?}");
    #[cfg(not(feature = "bedrock"))]
    {
        let llm = aybiza(&[
            "patterns", "--store", &store, "--tenant", &tenant, "--llm", "bedrock",
        ]);
        assert_eq!(llm.status.code(), Some(1));
        let stderr = String::from_utf8_lossy(&llm.stderr);
        assert!(
            stderr.contains("built without the `bedrock` feature"),
            "{stderr}"
        );
    }
}

#[test]
fn scheduled_runs_are_written_once_and_resume_from_their_state() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tenant = simulated_store(dir.path(), "14");
    std::fs::write(
        dir.path().join("schedules.toml"),
        r#"
[[schedule]]
name = "daily"
cron = "0 6 * * *"
window = "previous_day"

[[schedule]]
name = "weekly"
cron = "0 9 * * MON"
window = "previous_week"
options = { max_insights = 3 }
"#,
    )
    .unwrap();
    let schedule = |now: &str| {
        aybiza(&[
            "schedule",
            "--store",
            &path("s.db"),
            "--output",
            &path("runs"),
            "--config",
            &path("schedules.toml"),
            "--since",
            "2026-01-05",
            "--now",
            now,
            "--max-catch-up",
            "30",
        ])
    };
    let first = schedule("2026-01-13T07:00:00Z");
    assert!(first.status.success(), "{first:?}");
    let runs = dir.path().join("runs");
    let daily: Vec<String> = std::fs::read_dir(runs.join("daily").join(&tenant))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(daily.len(), 9, "{daily:?}"); // 5 to 13 January
    let weekly = runs
        .join("weekly")
        .join(&tenant)
        .join("2026-01-12T090000Z.json");
    let run: serde_json::Value = serde_json::from_str(&text(&weekly)).unwrap();
    assert_eq!(run["range"]["start"], "2026-01-05T00:00:00Z");
    assert_eq!(run["range"]["end"], "2026-01-12T00:00:00Z");
    let insights = run["insights"].as_array().unwrap();
    assert!(!insights.is_empty() && insights.len() <= 3, "{run}");
    let state: serde_json::Value =
        serde_json::from_str(&text(&runs.join("schedule-state.json"))).unwrap();
    assert_eq!(state["last_due"]["daily"], "2026-01-13T06:00:00Z");

    // Run again at the same time: nothing is due, nothing runs.
    let again = schedule("2026-01-13T07:00:00Z");
    assert!(again.status.success(), "{again:?}");
    let stdout = String::from_utf8_lossy(&again.stdout);
    assert!(!stdout.contains("insights:"), "{stdout}");
    assert!(
        stdout.contains("next run due at 2026-01-14 06:00:00 UTC"),
        "{stdout}"
    );

    std::fs::write(
        dir.path().join("schedules.toml"),
        "[[schedule]]\nname = \"x\"\ncron = \"99 * * * *\"\n",
    )
    .unwrap();
    let bad = schedule("2026-01-13T07:00:00Z");
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("invalid cron expression"));
}

#[test]
fn live_insights_replay_the_stored_calls() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    simulated_store(dir.path(), "14");
    let replayed = aybiza(&[
        "live-insights",
        "--store",
        &path("s.db"),
        "--options",
        r#"{"raise_p_value": 0.001}"#,
        "--output",
        &path("live.jsonl"),
    ]);
    assert!(replayed.status.success(), "{replayed:?}");
    let summary = String::from_utf8_lossy(&replayed.stderr);
    assert!(summary.contains(" calls and "), "{summary}");
    // The simulator writes journey events too, replayed beside the calls.
    assert!(!summary.contains(" 0 journey events replayed"), "{summary}");
    let events: Vec<serde_json::Value> = text(&dir.path().join("live.jsonl"))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    // The simulator plants billing-run spikes and outage storms, which raise insights.
    assert!(events.iter().any(|e| e["state"] == "raised"), "{events:?}");
    for event in &events {
        assert_eq!(event["kind"], "live_change");
        assert!(
            event["title"]
                .as_str()
                .unwrap()
                .contains("in the last hour")
        );
    }
    let bad = aybiza(&[
        "live-insights",
        "--store",
        &path("s.db"),
        "--options",
        r#"{"window_minutes": 7}"#,
    ]);
    assert_eq!(bad.status.code(), Some(1), "{bad:?}");
    assert!(String::from_utf8_lossy(&bad.stderr).contains("window_minutes"));
}

#[test]
fn insights_rank_what_differs_and_write_json() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tenant = simulated_store(dir.path(), "14");
    let store = path("s.db");

    let printed = aybiza(&["insights", "--store", &store, "--tenant", &tenant]);
    assert!(printed.status.success(), "{printed:?}");
    let stdout = String::from_utf8_lossy(&printed.stdout);
    // The simulator's queues differ (billing escalates more, general resolves more).
    assert!(stdout.contains("Queue "), "{stdout}");
    assert!(
        stdout.contains("q = ") || stdout.contains("q < "),
        "{stdout}"
    );

    let written = aybiza(&[
        "insights",
        "--store",
        &store,
        "--tenant",
        &tenant,
        "--from",
        "2026-01-12",
        "--to",
        "2026-01-19",
        "--max-insights",
        "5",
        "--output",
        &path("i.json"),
    ]);
    assert!(written.status.success(), "{written:?}");
    let insights: Vec<serde_json::Value> =
        serde_json::from_str(&text(&dir.path().join("i.json"))).unwrap();
    assert!(!insights.is_empty() && insights.len() <= 5);
    let impacts: Vec<f64> = insights
        .iter()
        .map(|i| i["impact"].as_f64().unwrap())
        .collect();
    assert!(impacts.windows(2).all(|w| w[0] >= w[1]), "{impacts:?}");
    for insight in &insights {
        assert!(insight["evidence"]["q_value"].as_f64().unwrap() <= 0.05);
        // A dimension with two values (voice and chat) is one comparison, reported once.
        assert_ne!(insight["segment"]["value"], "voice", "{insight}");
    }
    // Journeys are compared too, cut with the simulator's conversion and churn actions.
    let journeys = aybiza(&[
        "insights",
        "--store",
        &store,
        "--tenant",
        &tenant,
        "--from",
        "2026-01-12",
        "--to",
        "2026-01-19",
        "--conversion-action",
        "purchase,upgrade_plan",
        "--churn-action",
        "cancel_subscription",
        "--max-insights",
        "100",
        "--output",
        &path("j.json"),
    ]);
    assert!(journeys.status.success(), "{journeys:?}");
    let insights: Vec<serde_json::Value> =
        serde_json::from_str(&text(&dir.path().join("j.json"))).unwrap();
    assert!(
        insights
            .iter()
            .any(|i| i["category"].as_str().unwrap().starts_with("journey_")
                && i["evidence"]["journeys"].as_f64().unwrap() >= 30.0),
        "{insights:#?}"
    );

    let bad = aybiza(&[
        "insights",
        "--store",
        &store,
        "--tenant",
        &tenant,
        "--false-discovery-rate",
        "1.5",
    ]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("false_discovery_rate"));
    // The model flags are those of `patterns`: a region needs --llm.
    let region_alone = aybiza(&[
        "insights",
        "--store",
        &store,
        "--tenant",
        &tenant,
        "--llm-region",
        "eu-west-1",
    ]);
    assert_eq!(region_alone.status.code(), Some(2), "{region_alone:?}");
    #[cfg(not(feature = "bedrock"))]
    {
        let llm = aybiza(&[
            "insights", "--store", &store, "--tenant", &tenant, "--llm", "bedrock",
        ]);
        assert_eq!(llm.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&llm.stderr).contains("without the `bedrock` feature"));
    }
}

#[test]
fn tables_writes_one_file_per_table() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tenant = simulated_store(dir.path(), "2");
    let calls = text(&dir.path().join("s.jsonl"))
        .lines()
        .filter(|l| l.contains(r#""type":"call""#))
        .count();

    let written = aybiza(&[
        "tables",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--output",
        &path("bi"),
    ]);
    assert!(written.status.success(), "{written:?}");
    let stdout = String::from_utf8_lossy(&written.stdout);
    assert_eq!(stdout.lines().count(), 5, "{stdout}");
    assert!(
        stdout.contains(&format!("calls.csv: {calls} rows")),
        "{stdout}"
    );
    let calls_csv = text(&dir.path().join("bi/calls.csv"));
    assert_eq!(calls_csv.lines().count(), calls + 1);
    assert!(
        calls_csv
            .lines()
            .next()
            .unwrap()
            .contains(",customer_sentiment_q4,")
    );

    let only = aybiza(&[
        "tables",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--output",
        &path("pq"),
        "--format",
        "parquet",
        "--tables",
        "calls,metrics",
        "--no-sentiment",
    ]);
    #[cfg(feature = "parquet")]
    {
        assert!(only.status.success(), "{only:?}");
        let bytes = std::fs::read(dir.path().join("pq/calls.parquet")).unwrap();
        assert!(bytes.starts_with(b"PAR1") && bytes.ends_with(b"PAR1"));
        assert!(dir.path().join("pq/metrics.parquet").exists());
        assert!(!dir.path().join("pq/utterances.parquet").exists());
    }
    #[cfg(not(feature = "parquet"))]
    assert_eq!(only.status.code(), Some(2), "{only:?}");

    let unknown = aybiza(&[
        "tables",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--output",
        &path("x"),
        "--tables",
        "calls,queues",
    ]);
    assert_eq!(unknown.status.code(), Some(2), "{unknown:?}");
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("unknown table 'queues'"));

    // A store that does not exist is an error, not a new empty store reported on.
    for command in ["tables", "export"] {
        let missing = aybiza(&[
            command,
            "--store",
            &path("missing.db"),
            "--tenant",
            &tenant,
            "--output",
            &path("m"),
        ]);
        assert_eq!(missing.status.code(), Some(1), "{missing:?}");
        assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
        assert!(!dir.path().join("missing.db").exists());
    }
}

#[test]
fn a_principal_reads_only_what_its_role_and_tenants_allow_and_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let tenant = simulated_store(dir.path(), "2");
    let audit = path("audit.jsonl");
    let export_as = |role: &str, tenants: &str, output: &str| {
        aybiza(&[
            "export",
            "--store",
            &path("s.db"),
            "--tenant",
            &tenant,
            "--output",
            &path(output),
            "--principal",
            "dana",
            "--principal-role",
            role,
            "--principal-tenants",
            tenants,
            "--audit-log",
            &audit,
        ])
    };

    let full = aybiza(&[
        "export",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--output",
        &path("full.jsonl"),
    ]);
    assert!(full.status.success(), "{full:?}");
    let analyst = export_as("analyst", &tenant, "analyst.jsonl");
    assert!(analyst.status.success(), "{analyst:?}");
    assert_eq!(
        text(&dir.path().join("analyst.jsonl")),
        text(&dir.path().join("full.jsonl"))
    );
    let viewer = export_as("viewer", &format!("other,{tenant}"), "viewer.jsonl");
    assert!(viewer.status.success(), "{viewer:?}");
    let masked = text(&dir.path().join("viewer.jsonl"));
    assert_eq!(
        masked.lines().count(),
        text(&dir.path().join("full.jsonl")).lines().count()
    );
    assert_ne!(
        masked,
        text(&dir.path().join("full.jsonl")),
        "the viewer's copy is masked"
    );
    assert!(masked.contains("[CARD]") || masked.contains("[PHONE]") || masked.contains("[EMAIL]"));

    let other = export_as("admin", "other", "other.jsonl");
    assert_eq!(other.status.code(), Some(1), "{other:?}");
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("access denied"),
        "{other:?}"
    );
    let ingest = export_as("ingest", "*", "ingest.jsonl");
    assert_eq!(ingest.status.code(), Some(1), "{ingest:?}");

    let events: Vec<serde_json::Value> = text(&dir.path().join("audit.jsonl"))
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let allowed: Vec<bool> = events
        .iter()
        .map(|e| e["allowed"].as_bool().unwrap())
        .collect();
    assert!(allowed.iter().filter(|a| **a).count() >= 2, "{events:?}");
    assert_eq!(allowed.iter().filter(|a| !**a).count(), 2, "{events:?}");
    assert!(events.iter().all(|e| e["principal"] == "dana"));

    // Writes too: an ingest principal stores its tenants' records and no other's.
    let ingest_as = |tenants: &str| {
        aybiza(&[
            "ingest",
            "--store",
            &path("copy.db"),
            "--input",
            &path("s.jsonl"),
            "--principal",
            "pipeline",
            "--principal-role",
            "ingest",
            "--principal-tenants",
            tenants,
            "--audit-log",
            &path("ingest-audit.jsonl"),
        ])
    };
    let refused = ingest_as("other");
    assert_eq!(refused.status.code(), Some(1), "{refused:?}");
    assert!(String::from_utf8_lossy(&refused.stderr).contains("access denied"));
    let stored = ingest_as(&tenant);
    assert!(stored.status.success(), "{stored:?}");
    let copy = aybiza(&[
        "export",
        "--store",
        &path("copy.db"),
        "--tenant",
        &tenant,
        "--output",
        &path("copy.jsonl"),
    ]);
    assert_eq!(
        text(&dir.path().join("copy.jsonl")),
        text(&dir.path().join("full.jsonl")),
        "{copy:?}"
    );

    // Every subcommand that opens a store goes through the scope: those given a tenant are
    // refused another one, and those that list the tenants see none of them; each access is
    // in the log. (`rules --input` scopes the store it builds from the file.)
    let log = path("every.jsonl");
    let scope = [
        "--principal",
        "eve",
        "--principal-role",
        "analyst",
        "--principal-tenants",
        "other",
        "--audit-log",
        log.as_str(),
    ];
    let store = path("s.db");
    let out = path("out");
    let records = path("s.jsonl");
    let commands: [Vec<&str>; 8] = [
        vec![
            "tables", "--store", &store, "--tenant", &tenant, "--output", &out,
        ],
        vec!["insights", "--store", &store, "--tenant", &tenant],
        vec!["patterns", "--store", &store, "--tenant", &tenant],
        vec!["live-insights", "--store", &store, "--tenant", &tenant],
        vec!["rules", "--store", &store, "--tenant", &tenant],
        vec!["rules", "--input", &records, "--tenant", &tenant],
        vec!["report", "--store", &store, "--output", &out],
        vec![
            "schedule",
            "--store",
            &store,
            "--output",
            &out,
            "--since",
            "2026-01-05T00:00:00Z",
            "--now",
            "2026-01-08T00:00:00Z",
        ],
    ];
    let logged = || text(Path::new(&log)).lines().count();
    for command in commands {
        let before = if Path::new(&log).exists() {
            logged()
        } else {
            0
        };
        let args: Vec<&str> = command.iter().copied().chain(scope).collect();
        let output = aybiza(&args);
        if command.contains(&"--tenant") {
            assert_eq!(output.status.code(), Some(1), "{command:?}: {output:?}");
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert!(stderr.contains("access denied"), "{command:?}: {stderr}");
        } else {
            assert!(output.status.success(), "{command:?}: {output:?}");
        }
        assert!(logged() > before, "{command:?} left no audit event");
    }

    // The principal's flags go together.
    let half = aybiza(&[
        "export",
        "--store",
        &path("s.db"),
        "--tenant",
        &tenant,
        "--principal-role",
        "viewer",
    ]);
    assert_eq!(half.status.code(), Some(2), "{half:?}");
    let bad_role = export_as("owner", &tenant, "x.jsonl");
    assert_eq!(bad_role.status.code(), Some(2), "{bad_role:?}");
}

#[test]
fn classify_saves_a_model_and_predict_applies_it_to_new_rows() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let mut training = String::from("x,colour,label\n");
    for i in 0..60 {
        let x = i % 10;
        let colour = ["red", "blue", "green"][i % 3];
        let label = if x >= 5 { "yes" } else { "no" };
        training.push_str(&format!("{x},{colour},{label}\n"));
    }
    std::fs::write(dir.path().join("train.csv"), training).unwrap();
    let classified = aybiza(&[
        "classify",
        "--input",
        &path("train.csv"),
        "--target",
        "label",
        "--folds",
        "3",
        "--trees",
        "20",
        "--save-model",
        &path("model.json"),
    ]);
    assert!(classified.status.success(), "{classified:?}");

    // New rows: columns in another order, an id copied through, a missing colour.
    std::fs::write(
        dir.path().join("new.csv"),
        "id,colour,x\na,red,1\nb,,9\nc,green,7\n",
    )
    .unwrap();
    let predicted = aybiza(&[
        "predict",
        "--model",
        &path("model.json"),
        "--input",
        &path("new.csv"),
        "--output",
        &path("scored.csv"),
    ]);
    assert!(predicted.status.success(), "{predicted:?}");
    let scored = text(&dir.path().join("scored.csv"));
    let mut lines = scored.lines();
    assert_eq!(
        lines.next(),
        Some("id,colour,x,predicted,probability_no,probability_yes")
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    let classes: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[3])).collect();
    assert_eq!(classes, [("a", "no"), ("b", "yes"), ("c", "yes")]);
    for row in &rows {
        let no: f64 = row[4].parse().unwrap();
        let yes: f64 = row[5].parse().unwrap();
        assert!((no + yes - 1.0).abs() < 1e-9, "{row:?}");
        assert_eq!(row[3] == "yes", yes > no, "{row:?}");
    }

    // A missing model column, a word in a numeric column, a column the command would write.
    for (csv, expected) in [
        ("id,colour\na,red\n", "no column named \"x\""),
        ("colour,x\nred,high\n", "\"high\" in a numeric column"),
        (
            "colour,x,predicted\nred,1,no\n",
            "already has a column `predicted`",
        ),
    ] {
        std::fs::write(dir.path().join("bad.csv"), csv).unwrap();
        let failed = aybiza(&[
            "predict",
            "--model",
            &path("model.json"),
            "--input",
            &path("bad.csv"),
        ]);
        assert_eq!(failed.status.code(), Some(1), "{failed:?}");
        let stderr = String::from_utf8_lossy(&failed.stderr);
        assert!(stderr.contains(expected), "{stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn regress_cross_validates_saves_a_model_and_predict_applies_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    // Handle time grows with the number of holds, plus a minute on the phone channel. Each run
    // of 16 rows holds every pair of holds and channel, and each fold whole runs.
    let mut training = String::from("holds,channel,fold,seconds\n");
    for i in 0..80 {
        let holds = i % 8;
        let channel = ["phone", "chat"][(i / 8) % 2];
        let seconds = 120 + 60 * holds + if channel == "phone" { 60 } else { 0 };
        training.push_str(&format!("{holds},{channel},{},{seconds}\n", (i / 16) % 4));
    }
    std::fs::write(dir.path().join("train.csv"), training).unwrap();
    let regressed = aybiza(&[
        "regress",
        "--input",
        &path("train.csv"),
        "--target",
        "seconds",
        "--fold-column",
        "fold",
        "--trees",
        "30",
        "--feature-fraction",
        "1",
        "--save-model",
        &path("model.json"),
    ]);
    assert!(regressed.status.success(), "{regressed:?}");
    let report: serde_json::Value = serde_json::from_slice(&regressed.stdout).unwrap();
    assert_eq!(report["folds"].as_array().unwrap().len(), 4);
    // The fold column is not a feature.
    let columns: Vec<&str> = report["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert_eq!(columns, ["holds", "channel"]);
    assert!(report["mean_r2"].as_f64().unwrap() > 0.9, "{report}");

    std::fs::write(
        dir.path().join("new.csv"),
        "id,channel,holds\na,chat,0\nb,phone,7\n",
    )
    .unwrap();
    let predicted = aybiza(&[
        "predict",
        "--model",
        &path("model.json"),
        "--input",
        &path("new.csv"),
    ]);
    assert!(predicted.status.success(), "{predicted:?}");
    let scored = String::from_utf8(predicted.stdout).unwrap();
    let mut lines = scored.lines();
    assert_eq!(lines.next(), Some("id,channel,holds,predicted"));
    let values: Vec<f64> = lines
        .map(|l| l.rsplit(',').next().unwrap().parse().unwrap())
        .collect();
    assert!((values[0] - 120.0).abs() < 40.0, "{values:?}");
    assert!((values[1] - 600.0).abs() < 60.0, "{values:?}");

    // A target that is not a number, and a bad fold number, name the problem in one line.
    std::fs::write(
        dir.path().join("bad.csv"),
        "holds,fold,seconds\n1,0,short\n2,1,40\n",
    )
    .unwrap();
    let not_a_number = aybiza(&[
        "regress",
        "--input",
        &path("bad.csv"),
        "--target",
        "seconds",
    ]);
    assert_eq!(not_a_number.status.code(), Some(1), "{not_a_number:?}");
    assert!(String::from_utf8_lossy(&not_a_number.stderr).contains("not a number to learn"));
    std::fs::write(
        dir.path().join("bad.csv"),
        "holds,fold,seconds\n1,x,30\n2,1,40\n",
    )
    .unwrap();
    let bad_fold = aybiza(&[
        "regress",
        "--input",
        &path("bad.csv"),
        "--target",
        "seconds",
        "--fold-column",
        "fold",
    ]);
    assert_eq!(bad_fold.status.code(), Some(1), "{bad_fold:?}");
    assert!(String::from_utf8_lossy(&bad_fold.stderr).contains("line 2"));
}
