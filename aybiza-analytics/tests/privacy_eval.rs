//! Precision and recall of the PII redactor on seeded, generated, labelled
//! call-center sentences (see `support/pii_corpus.rs`). Run with
//! `cargo test -p aybiza-analytics --test privacy_eval -- --nocapture` to see
//! the tables that `docs/privacy.md` quotes.

#[path = "support/pii_corpus.rs"]
mod pii_corpus;

use std::collections::BTreeMap;

use aybiza_analytics::{PiiEntity, PiiKind, Redactor};
use pii_corpus::{Gold, Sample, corpus, stress_corpus};

const SEED: u64 = 0x5EED_0001;
/// Corpora generated per evaluation, from seeds `SEED..SEED + SEEDS`.
const SEEDS: u64 = 10;
const POSITIVES: usize = 480;
const NEGATIVES: usize = 320;
const STRESS: usize = 1600;

#[derive(Debug, Default, Clone, Copy)]
struct Counts {
    /// Labelled entities.
    gold: usize,
    /// Found with the right kind and exactly the labelled span.
    exact: usize,
    /// Found entities matching no label.
    spurious: usize,
    /// Labelled entities whose letters and digits were all replaced, by one
    /// entity or several, whatever the label.
    covered: usize,
}

impl Counts {
    fn precision(self) -> f64 {
        let predicted = self.exact + self.spurious;
        if predicted == 0 {
            1.0
        } else {
            self.exact as f64 / predicted as f64
        }
    }

    fn recall(self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.exact as f64 / self.gold as f64
        }
    }

    fn coverage(self) -> f64 {
        if self.gold == 0 {
            1.0
        } else {
            self.covered as f64 / self.gold as f64
        }
    }
}

#[derive(Default)]
struct Evaluation {
    per_kind: BTreeMap<PiiKind, Counts>,
    per_family: BTreeMap<&'static str, Counts>,
    errors: Vec<String>,
}

fn same(g: &Gold, e: &PiiEntity) -> bool {
    g.kind == e.kind && g.start == e.start && g.end == e.end
}

fn evaluate(samples: &[Sample]) -> Evaluation {
    let redactor = Redactor::new();
    let mut eval = Evaluation::default();
    for &k in &PiiKind::ALL {
        eval.per_kind.insert(k, Counts::default());
    }
    for sample in samples {
        let found = redactor.find(&sample.text);
        let family = eval.per_family.entry(sample.family).or_default();
        for g in &sample.gold {
            let kind = eval.per_kind.get_mut(&g.kind).expect("every kind");
            kind.gold += 1;
            family.gold += 1;
            if found.iter().any(|e| same(g, e)) {
                kind.exact += 1;
                family.exact += 1;
            } else {
                eval.errors.push(format!(
                    "MISSED {:?} {:?} in [{}] {:?}; found {:?}",
                    g.kind,
                    &sample.text[g.start..g.end],
                    sample.family,
                    sample.text,
                    found
                        .iter()
                        .map(|e| (e.kind, &sample.text[e.start..e.end]))
                        .collect::<Vec<_>>()
                ));
            }
            let redacted = |at: usize| found.iter().any(|e| e.start <= at && at < e.end);
            let secret =
                (g.start..g.end).filter(|&at| sample.text.as_bytes()[at].is_ascii_alphanumeric());
            if secret.clone().all(redacted) {
                kind.covered += 1;
                family.covered += 1;
            }
        }
        for e in &found {
            if !sample.gold.iter().any(|g| same(g, e)) {
                eval.per_kind.get_mut(&e.kind).expect("every kind").spurious += 1;
                family.spurious += 1;
                eval.errors.push(format!(
                    "SPURIOUS {:?} {:?} in [{}] {:?}",
                    e.kind,
                    &sample.text[e.start..e.end],
                    sample.family,
                    sample.text
                ));
            }
        }
    }
    eval
}

fn print_kind_table(eval: &Evaluation) {
    println!(
        "| kind | labelled | found exactly | spurious | precision | recall | redacted (any label) |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (kind, c) in &eval.per_kind {
        println!(
            "| {} | {} | {} | {} | {:.3} | {:.3} | {:.3} |",
            kind.as_str(),
            c.gold,
            c.exact,
            c.spurious,
            c.precision(),
            c.recall(),
            c.coverage()
        );
    }
}

/// Asserted floors: (kind, minimum precision, minimum recall).
const FLOORS: [(PiiKind, f64, f64); 7] = [
    (PiiKind::Card, 0.95, 0.99),
    (PiiKind::Ssn, 0.95, 0.99),
    (PiiKind::Phone, 0.95, 0.99),
    (PiiKind::Email, 0.95, 0.99),
    (PiiKind::Iban, 0.95, 0.98),
    (PiiKind::Dob, 0.95, 0.98),
    (PiiKind::SpokenDigits, 0.95, 0.98),
];

#[test]
fn precision_and_recall_meet_the_targets() {
    let samples: Vec<Sample> = (SEED..SEED + SEEDS)
        .flat_map(|seed| corpus(seed, POSITIVES, NEGATIVES))
        .collect();
    assert!(samples.len() >= 500);
    let eval = evaluate(&samples);
    for e in &eval.errors {
        println!("{e}");
    }
    println!(
        "\n{} sentences ({} with PII, {} near misses), seeds {SEED:#x}..{:#x}\n",
        samples.len(),
        POSITIVES as u64 * SEEDS,
        NEGATIVES as u64 * SEEDS,
        SEED + SEEDS
    );
    print_kind_table(&eval);
    println!("\n| near-miss family | sentences | spurious entities |\n|---|---:|---:|");
    for (family, c) in eval.per_family.iter().filter(|(_, c)| c.gold == 0) {
        let sentences = samples.iter().filter(|s| s.family == *family).count();
        println!("| {family} | {sentences} | {} |", c.spurious);
    }
    for (kind, min_precision, min_recall) in FLOORS {
        let c = eval.per_kind[&kind];
        assert!(c.gold >= 100, "{kind:?}: only {} labelled entities", c.gold);
        assert!(
            c.precision() >= min_precision,
            "{kind:?} precision {:.3} < {min_precision}",
            c.precision()
        );
        assert!(
            c.recall() >= min_recall,
            "{kind:?} recall {:.3} < {min_recall}",
            c.recall()
        );
    }
}

/// Forms beyond the brief's list and known traps: (family, minimum share of
/// labelled entities redacted under any label, most spurious entities per
/// sentence). The bounds are the measured behaviour, kept so that a change
/// that makes a limit worse fails; `docs/privacy.md` explains each.
const STRESS_BOUNDS: [(&str, f64, f64); 16] = [
    ("phone_spoken_pairs", 0.99, 0.0),
    ("phone_area_code_then", 0.99, 0.0),
    ("phone_seven_digits", 0.99, 0.0),
    ("phone_uk_national", 0.0, 0.0),
    ("email_spoken", 0.99, 0.0),
    ("dob_spoken_year", 0.99, 0.0),
    ("dob_no_year", 0.99, 0.0),
    ("card_dotted", 0.99, 0.0),
    ("card_spoken_with_and", 0.99, 0.0),
    ("ssn_spaced_dashes", 0.99, 0.0),
    ("near_counting", 0.0, 1.0),
    ("near_birthday_party", 0.0, 1.0),
    ("near_account_after_call", 0.0, 0.0),
    ("near_part_number_like_ssn", 0.0, 1.0),
    ("near_luhn_valid_id", 0.0, 1.0),
    ("spoken_ten_digit_account", 0.99, 1.0),
];

#[test]
fn stress_families_outside_the_documented_formats() {
    let samples = stress_corpus(SEED, STRESS);
    let eval = evaluate(&samples);
    // Two examples of each family's errors.
    let mut shown: BTreeMap<&str, usize> = BTreeMap::new();
    for e in &eval.errors {
        let family = e.split(['[', ']']).nth(1).unwrap_or("");
        let n = shown.entry(family).or_default();
        if *n < 2 {
            println!("{e}");
            *n += 1;
        }
    }
    println!("\n{} stress sentences, seed {SEED:#x}\n", samples.len());
    println!("| family | sentences | labelled | found exactly | redacted (any label) | spurious |");
    println!("|---|---:|---:|---:|---:|---:|");
    for (family, c) in &eval.per_family {
        let sentences = samples.iter().filter(|s| s.family == *family).count();
        println!(
            "| {family} | {sentences} | {} | {} | {} | {} |",
            c.gold, c.exact, c.covered, c.spurious
        );
    }
    for (family, min_coverage, max_spurious_per_sentence) in STRESS_BOUNDS {
        let c = eval.per_family.get(family).copied().unwrap_or_default();
        let sentences = samples.iter().filter(|s| s.family == family).count();
        assert!(sentences >= 50, "{family}: only {sentences} sentences");
        assert!(
            c.coverage() >= min_coverage,
            "{family}: coverage {:.3} < {min_coverage}",
            c.coverage()
        );
        let spurious_rate = c.spurious as f64 / sentences as f64;
        assert!(
            spurious_rate <= max_spurious_per_sentence,
            "{family}: {spurious_rate:.3} spurious per sentence > {max_spurious_per_sentence}"
        );
    }
}

#[test]
fn the_corpus_has_every_family_and_is_reproducible() {
    let a = corpus(SEED, POSITIVES, NEGATIVES);
    let b = corpus(SEED, POSITIVES, NEGATIVES);
    assert!(
        a.iter()
            .zip(&b)
            .all(|(x, y)| x.text == y.text && x.gold == y.gold)
    );
    let families: std::collections::BTreeSet<&str> = a.iter().map(|s| s.family).collect();
    for family in [
        "card",
        "ssn",
        "phone",
        "email",
        "iban",
        "dob",
        "spoken_digits",
        "multi",
        "order_luhn_fail",
        "tracking",
        "account_9_digits",
        "account_10_digits",
        "price",
        "time",
        "date_not_dob",
        "version",
        "iban_bad_checksum",
        "ssn_invalid_area",
        "counting_words",
        "small_numbers",
        "case_number_area_1",
        "ip_address",
        "sku",
        "prose",
    ] {
        assert!(families.contains(family), "no {family} sentences");
    }
    for s in &a {
        for g in &s.gold {
            assert!(s.text.is_char_boundary(g.start) && s.text.is_char_boundary(g.end));
            assert!(!s.text[g.start..g.end].trim().is_empty());
        }
    }
}

/// One case of `tests/fixtures/redaction_cases.json`, shared with the Python and Node suites.
#[derive(Debug, serde::Deserialize)]
struct RedactionCase {
    name: String,
    /// The kinds to look for (snake_case names); `None` for every kind.
    kinds: Option<Vec<PiiKind>>,
    text: String,
    redacted: String,
    entities: Vec<FixtureEntity>,
}

/// An expected entity: the serde shape of [`PiiEntity`] plus the text it covers.
#[derive(Debug, serde::Deserialize)]
struct FixtureEntity {
    #[serde(flatten)]
    entity: PiiEntity,
    value: String,
}

#[test]
fn shared_redaction_cases() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/redaction_cases.json");
    let fixture: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(path).expect("fixture file"))
            .expect("fixture JSON");
    let cases: Vec<RedactionCase> =
        serde_json::from_value(fixture["cases"].clone()).expect("fixture cases");
    assert!(cases.len() >= 8, "only {} cases", cases.len());
    for case in &cases {
        let redactor = match &case.kinds {
            None => Redactor::new(),
            Some(kinds) => Redactor::with_kinds(kinds.iter().copied()),
        };
        let out = redactor.redact(&case.text);
        let expected: Vec<PiiEntity> = case.entities.iter().map(|e| e.entity).collect();
        assert_eq!(out.text, case.redacted, "{}: redacted text", case.name);
        assert_eq!(out.entities, expected, "{}: entities", case.name);
        assert_eq!(redactor.find(&case.text), expected, "{}: find", case.name);
        for e in &case.entities {
            let by_bytes = &case.text[e.entity.start..e.entity.end];
            let by_chars: String = case
                .text
                .chars()
                .skip(e.entity.char_start)
                .take(e.entity.char_end - e.entity.char_start)
                .collect();
            assert_eq!(by_bytes, e.value, "{}: byte offsets", case.name);
            assert_eq!(by_chars, e.value, "{}: char offsets", case.name);
        }
    }
}
