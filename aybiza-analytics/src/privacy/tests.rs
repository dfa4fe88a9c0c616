use super::*;

fn found(text: &str) -> Vec<(PiiKind, &str)> {
    Redactor::new()
        .find(text)
        .into_iter()
        .map(|e| (e.kind, &text[e.start..e.end]))
        .collect()
}

fn one(text: &str, kind: PiiKind, span: &str) {
    assert_eq!(found(text), vec![(kind, span)], "in {text:?}");
}

fn none(text: &str) {
    assert_eq!(found(text), vec![], "in {text:?}");
}

#[test]
fn cards_in_common_layouts() {
    one(
        "my card number is 4111 1111 1111 1111.",
        PiiKind::Card,
        "4111 1111 1111 1111",
    );
    one(
        "card 4111-1111-1111-1111 please",
        PiiKind::Card,
        "4111-1111-1111-1111",
    );
    one("amex 3782 822463 10005", PiiKind::Card, "3782 822463 10005");
    one("it's 5555555555554444", PiiKind::Card, "5555555555554444");
    one(
        "card 4111 1111 1111 1111 123",
        PiiKind::Card,
        "4111 1111 1111 1111",
    );
    one(
        "card 4111.1111.1111.1111.",
        PiiKind::Card,
        "4111.1111.1111.1111",
    );
    none("version 4111.1111111.11111");
    none("order 4111 1111 1111 1112");
    none("tracking 9400 1000 0000 0000 0000 00");
    none("ref A4111111111111111");
}

#[test]
fn ssn_rules_and_context() {
    one("it is 123-45-6789", PiiKind::Ssn, "123-45-6789");
    one("my social is 123 45 6789", PiiKind::Ssn, "123 45 6789");
    one("SSN: 123456789", PiiKind::Ssn, "123456789");
    none("account 123 45 6789");
    none("account 123456789");
    none("it is 666-45-6789");
    none("it is 912-45-6789");
    none("it is 123-00-6789");
    none("it is 123-45-0000");
    none("my social is 000 45 6789");
}

#[test]
fn phones() {
    one("call (555) 123-4567 now", PiiKind::Phone, "(555) 123-4567");
    one("call 555-123-4567", PiiKind::Phone, "555-123-4567");
    one("call 555.123.4567", PiiKind::Phone, "555.123.4567");
    one("call +1 555 123 4567", PiiKind::Phone, "+1 555 123 4567");
    one(
        "call +1 (555) 123-4567",
        PiiKind::Phone,
        "+1 (555) 123-4567",
    );
    one("call 1-800-555-0199", PiiKind::Phone, "1-800-555-0199");
    one(
        "london +44 20 7946 0958.",
        PiiKind::Phone,
        "+44 20 7946 0958",
    );
    one("reach me at 5551234567", PiiKind::Phone, "5551234567");
    one("e164 +442079460958", PiiKind::Phone, "+442079460958");
    one(
        "call the front desk at 555-1234.",
        PiiKind::Phone,
        "555-1234",
    );
    none("part 555-1234 is out");
    none("account 5551234567");
    none("version 1.2.3 costs $12.99 at 10:30");
    none("call 155-123-4567");
}

#[test]
fn emails() {
    one(
        "write to John.Smith+billing@mail.example.co.uk.",
        PiiKind::Email,
        "John.Smith+billing@mail.example.co.uk",
    );
    one("(a_b@c.io)", PiiKind::Email, "a_b@c.io");
    one(
        "it's john dot smith at gmail dot com",
        PiiKind::Email,
        "john dot smith at gmail dot com",
    );
    one(
        "send to k_lee at example.org.",
        PiiKind::Email,
        "k_lee at example.org",
    );
    one(
        "reach me at maria underscore g at mail dot example dot co dot uk",
        PiiKind::Email,
        "maria underscore g at mail dot example dot co dot uk",
    );
    none("look at google dot com for it");
    none("we met at the office");
    none("ping me @ the office");
    none("user@localhost");
    none("x@y.c0m");
}

#[test]
fn ibans() {
    one(
        "IBAN DE89 3704 0044 0532 0130 00 thanks",
        PiiKind::Iban,
        "DE89 3704 0044 0532 0130 00",
    );
    one(
        "GB82WEST12345698765432",
        PiiKind::Iban,
        "GB82WEST12345698765432",
    );
    one(
        "fr14 2004 1010 0505 0001 3m02 606",
        PiiKind::Iban,
        "fr14 2004 1010 0505 0001 3m02 606",
    );
    none("IBAN DE88 3704 0044 0532 0130 00");
    none("IBAN DE89 3704 0044 0532 0130 0");
}

#[test]
fn dates_of_birth_need_a_cue() {
    one("I was born on 03/14/1985.", PiiKind::Dob, "03/14/1985");
    one("DOB 1985-03-14", PiiKind::Dob, "1985-03-14");
    one(
        "date of birth: March 14th, 1985",
        PiiKind::Dob,
        "March 14th, 1985",
    );
    one("born 14 March 1985", PiiKind::Dob, "14 March 1985");
    one(
        "my birthday is the 14th of March 1985",
        PiiKind::Dob,
        "14th of March 1985",
    );
    one("born 31.12.1990", PiiKind::Dob, "31.12.1990");
    one(
        "born on March sixteenth, nineteen seventy-four",
        PiiKind::Dob,
        "March sixteenth, nineteen seventy-four",
    );
    one(
        "DOB the twenty-first of May two thousand and three",
        PiiKind::Dob,
        "twenty-first of May two thousand and three",
    );
    one("my birthday is March 27th.", PiiKind::Dob, "March 27th");
    one(
        "born May 5, nineteen oh five",
        PiiKind::Dob,
        "May 5, nineteen oh five",
    );
    none("born in March one year later");
    none("appointment on 03/14/2024");
    none("shipped March 14th 2024");
    none("born on 02/30/1985");
    none("may 5 1985 was my wedding");
}

#[test]
fn spoken_digits() {
    one(
        "my card is four one one one one one one one one one one one one one one one",
        PiiKind::Card,
        "four one one one one one one one one one one one one one one one",
    );
    one(
        "it's five five five, one two three, four five six seven thanks",
        PiiKind::Phone,
        "five five five, one two three, four five six seven",
    );
    one(
        "double five five one two three four five six seven",
        PiiKind::Phone,
        "double five five one two three four five six seven",
    );
    one(
        "4 1 1 1 one one one one one one one one one one one one",
        PiiKind::Card,
        "4 1 1 1 one one one one one one one one one one one one",
    );
    one(
        "my social is one two three, four five, six seven eight nine",
        PiiKind::Ssn,
        "one two three, four five, six seven eight nine",
    );
    one(
        "my pin is one two three four",
        PiiKind::SpokenDigits,
        "one two three four",
    );
    one(
        "zip nine oh two one oh",
        PiiKind::SpokenDigits,
        "nine oh two one oh",
    );
    one(
        "five five five one two three four five six seven one more time",
        PiiKind::Phone,
        "five five five one two three four five six seven",
    );
    one(
        "five five five, one two three, forty five sixty-seven",
        PiiKind::Phone,
        "five five five, one two three, forty five sixty-seven",
    );
    one(
        "call one eight hundred five five five oh one nine nine",
        PiiKind::Phone,
        "one eight hundred five five five oh one nine nine",
    );
    none("back in twenty twenty three, or nineteen eighty five");
    none("I paid twenty five dollars, two hundred in total");
    none("oh no, one or two of them");
    none("one two three go");
    none("I have 2 kids and one dog");
}

#[test]
fn redact_replaces_with_placeholders_and_keeps_original_offsets() {
    let text = "Señor, mail josé@example.com — SSN 123-45-6789 🙂";
    let out = Redactor::new().redact(text);
    assert_eq!(out.text, "Señor, mail [EMAIL] — SSN [SSN] 🙂");
    let spans: Vec<&str> = out.entities.iter().map(|e| &text[e.start..e.end]).collect();
    assert_eq!(spans, ["josé@example.com", "123-45-6789"]);
    let chars: Vec<char> = text.chars().collect();
    for e in &out.entities {
        let by_char: String = chars[e.char_start..e.char_end].iter().collect();
        assert_eq!(by_char, &text[e.start..e.end]);
    }
}

#[test]
fn kinds_can_be_switched_off() {
    let text = "card 4111111111111111 mail a@b.com";
    let only_email = Redactor::with_kinds([PiiKind::Email]);
    assert_eq!(
        only_email.redact(text).text,
        "card 4111111111111111 mail [EMAIL]"
    );
    assert_eq!(only_email.kinds(), vec![PiiKind::Email]);
    assert!(Redactor::with_kinds([]).find(text).is_empty());
}

#[test]
fn transcript_redaction_counts_per_kind() {
    use crate::model::Speaker;
    let utterance = |seq, text: &str| Utterance {
        tenant: "t".into(),
        call_id: "c".into(),
        seq,
        speaker: Speaker::Customer,
        text: text.into(),
        start_ms: 0,
        end_ms: 1,
        voice: None,
    };
    let mut transcript = vec![
        utterance(0, "hi, my email is a@b.com"),
        utterance(1, "and my card is 4111 1111 1111 1111"),
        utterance(2, "nothing here"),
    ];
    let counts = Redactor::new().redact_transcript(&mut transcript);
    assert_eq!(counts.get(&PiiKind::Email), Some(&1));
    assert_eq!(counts.get(&PiiKind::Card), Some(&1));
    assert_eq!(transcript[1].text, "and my card is [CARD]");
    assert_eq!(transcript[2].text, "nothing here");
}
