//! Every example prints what its `expected.txt` holds. The Python and Node versions are held to
//! the same files by `bindings-python/tests/test_examples.py` and
//! `bindings-node/__test__/examples.test.js`, so the three languages give the same results.

use std::path::Path;
use std::process::Command;

/// The examples: one directory each, with `main.rs`, `<name>.py`, `<name>.js` and `expected.txt`.
const EXAMPLES: [(&str, &str); 5] = [
    ("call_outcomes", env!("CARGO_BIN_EXE_call_outcomes")),
    ("forecast_staffing", env!("CARGO_BIN_EXE_forecast_staffing")),
    ("journeys", env!("CARGO_BIN_EXE_journeys")),
    ("live_call", env!("CARGO_BIN_EXE_live_call")),
    ("store_insights", env!("CARGO_BIN_EXE_store_insights")),
];

/// Runs an example's binary and compares its standard output with `<example>/expected.txt`.
fn assert_prints_expected(example: &str) {
    let (_, binary) = EXAMPLES
        .iter()
        .find(|(name, _)| *name == example)
        .expect("a listed example");
    let output = Command::new(binary)
        .output()
        .unwrap_or_else(|e| panic!("{example} did not start: {e}"));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{example} failed: {stderr}");
    let printed = String::from_utf8(output.stdout).expect("UTF-8 output");
    let expected_path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(example)
        .join("expected.txt");
    let expected = std::fs::read_to_string(&expected_path)
        .unwrap_or_else(|e| panic!("{}: {e}", expected_path.display()));
    assert_eq!(printed, expected, "{example} printed something else");
}

#[test]
fn call_outcomes() {
    assert_prints_expected("call_outcomes");
}

#[test]
fn forecast_staffing() {
    assert_prints_expected("forecast_staffing");
}

#[test]
fn journeys() {
    assert_prints_expected("journeys");
}

#[test]
fn live_call() {
    assert_prints_expected("live_call");
}

#[test]
fn store_insights() {
    assert_prints_expected("store_insights");
}

/// Every directory with an `expected.txt` is a listed example with all three languages.
#[test]
fn every_example_is_listed_in_three_languages() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut found: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|dir| dir.join("expected.txt").is_file())
        .map(|dir| dir.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    found.sort();
    let listed: Vec<&str> = EXAMPLES.iter().map(|(name, _)| *name).collect();
    assert_eq!(found, listed);
    for name in listed {
        for file in [
            "main.rs".to_string(),
            format!("{name}.py"),
            format!("{name}.js"),
        ] {
            assert!(root.join(name).join(&file).is_file(), "{name}/{file}");
        }
    }
}
