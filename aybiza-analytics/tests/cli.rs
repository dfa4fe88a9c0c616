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
fn patterns_prints_a_summary_and_writes_findings() {
    let dir = tempfile::tempdir().unwrap();
    let path = |name: &str| dir.path().join(name).to_string_lossy().into_owned();
    let simulated = aybiza(&[
        "simulate",
        "--tenants",
        "1",
        "--days",
        "2",
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
    let tenant = text(&dir.path().join("s.jsonl"))
        .lines()
        .find(|l| l.contains(r#""type":"tenant""#))
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .unwrap();

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
}
