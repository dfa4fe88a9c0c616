//! Property tests: the redactor never panics on any UTF-8 input, its offsets
//! are always char boundaries in the original text, entities are sorted and
//! disjoint, and known entities planted in noise are found.

use aybiza_analytics::{PiiKind, Redactor};
use proptest::prelude::*;

/// Checks every invariant of `find` and `redact` on one input.
fn check_invariants(text: &str) -> Result<(), TestCaseError> {
    let redactor = Redactor::new();
    let found = redactor.find(text);
    let mut previous_end = 0;
    for e in &found {
        prop_assert!(e.start < e.end, "empty entity {e:?}");
        prop_assert!(e.start >= previous_end, "overlap or disorder at {e:?}");
        prop_assert!(text.is_char_boundary(e.start) && text.is_char_boundary(e.end));
        prop_assert_eq!(text[..e.start].chars().count(), e.char_start);
        prop_assert_eq!(text[..e.end].chars().count(), e.char_end);
        previous_end = e.end;
    }
    let redacted = redactor.redact(text);
    prop_assert_eq!(&redacted.entities, &found);
    let mut rebuilt = String::new();
    let mut at = 0;
    for e in &found {
        rebuilt.push_str(&text[at..e.start]);
        rebuilt.push_str(e.kind.placeholder());
        at = e.end;
    }
    rebuilt.push_str(&text[at..]);
    prop_assert_eq!(redacted.text, rebuilt);
    Ok(())
}

/// Fragments that drive every detector deep into its grammar.
fn pii_fragment() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "4111",
        "1111",
        "1",
        "5",
        "555",
        "123",
        "4567",
        "12",
        "1985",
        "0",
        "99",
        "378282246310005",
        " ",
        " ",
        " ",
        "-",
        ".",
        "(",
        ")",
        "+",
        "/",
        ",",
        ":",
        "@",
        "_",
        "'",
        "\n",
        "\t",
        "one",
        "oh",
        "o",
        "five",
        "nine",
        "double",
        "triple",
        "twenty",
        "forty",
        "nineteen",
        "hundred",
        "thousand",
        "and",
        "um",
        "dash",
        "at",
        "dot",
        "com",
        "gmail",
        "born",
        "social",
        "ssn",
        "birthday",
        "DOB",
        "call",
        "March",
        "14th",
        "sixteenth",
        "of",
        "DE89",
        "GB82",
        "WEST",
        "3704",
        "0044",
        "é",
        "ü",
        "🙂",
        "\u{301}",
        "\u{200b}",
        "٣",
        "日本",
        "ß",
        "İ",
        "x",
        "A",
    ])
}

/// Words that are no number, month, cue or joiner ("bcd", "xkqz").
fn noise_words() -> impl Strategy<Value = String> {
    prop::collection::vec("[bcdfghjklmnpqrvwxz]{2,7}", 0..6).prop_map(|w| w.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn arbitrary_text_never_panics_and_offsets_are_char_boundaries(text in any::<String>()) {
        check_invariants(&text)?;
    }

    #[test]
    fn pii_shaped_text_never_panics(parts in prop::collection::vec(pii_fragment(), 0..60)) {
        check_invariants(&parts.concat())?;
    }

    #[test]
    fn only_requested_kinds_are_reported(
        parts in prop::collection::vec(pii_fragment(), 0..40),
        mask in 0u8..128,
    ) {
        let kinds: Vec<PiiKind> = PiiKind::ALL
            .into_iter()
            .enumerate()
            .filter(|(i, _)| mask & (1 << i) != 0)
            .map(|(_, k)| k)
            .collect();
        let redactor = Redactor::with_kinds(kinds.iter().copied());
        for e in redactor.find(&parts.concat()) {
            prop_assert!(kinds.contains(&e.kind));
        }
    }

    #[test]
    fn planted_entities_are_found(
        before in noise_words(),
        after in noise_words(),
        which in 0usize..5,
        digits in "[0-9]{14}",
    ) {
        // A Visa number with a computed Luhn check digit.
        let payload = format!("4{digits}");
        let sum: u32 = payload.bytes().rev().enumerate().map(|(i, b)| {
            let v = u32::from(b - b'0') * if i % 2 == 0 { 2 } else { 1 };
            if v > 9 { v - 9 } else { v }
        }).sum();
        let card = format!("{payload}{}", (10 - sum % 10) % 10);
        let (kind, entity) = match which {
            0 => (PiiKind::Card, card),
            1 => (PiiKind::Card, format!("{} {} {} {}", &card[..4], &card[4..8], &card[8..12], &card[12..])),
            2 => (PiiKind::Email, format!("x{}@example.com", &digits[..4])),
            3 => (PiiKind::Phone, format!("({}) {}-{}", 200 + u32::from(digits.as_bytes()[0] - b'0'), &digits[1..4], &digits[4..8])),
            _ => (PiiKind::Iban, "DE89 3704 0044 0532 0130 00".to_string()),
        };
        let prefix = if before.is_empty() { String::new() } else { format!("{before} ") };
        let text = format!("{prefix}{entity} {after}");
        let found = Redactor::new().find(&text);
        prop_assert!(
            found.iter().any(|e| e.kind == kind && e.start == prefix.len() && e.end == prefix.len() + entity.len()),
            "{:?} not found in {:?}: {:?}", kind, text, found
        );
    }
}
