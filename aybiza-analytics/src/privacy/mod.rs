//! PII detection and redaction for transcripts: payment cards, US Social
//! Security numbers, phone numbers, e-mail addresses, IBANs, dates of birth and
//! digit sequences read aloud.
//!
//! A [`Redactor`] finds entities with hand-written scanners (no regex engine,
//! nothing compiled per call) and replaces each with a typed placeholder such
//! as `[CARD]`. Offsets always refer to the text that was searched, never to
//! the redacted output. The rules and the measured precision and recall are in
//! `docs/privacy.md`.
//!
//! ```
//! use aybiza_analytics::privacy::{PiiKind, Redactor};
//!
//! let redactor = Redactor::new();
//! let out = redactor.redact("card 4111 1111 1111 1111, call me on (555) 123-4567");
//! assert_eq!(out.text, "card [CARD], call me on [PHONE]");
//! assert_eq!(out.entities[0].kind, PiiKind::Card);
//! assert_eq!((out.entities[0].start, out.entities[0].end), (5, 24));
//! ```

mod checks;
mod dates;
mod email;
mod iban;
mod numeric;
mod spoken;
mod text;
mod words;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::model::Utterance;

/// A kind of personal data the redactor finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// A payment card number: 13–19 digits, known issuer prefix, Luhn-valid; written or spoken.
    Card,
    /// A US Social Security number with a valid area, group and serial.
    Ssn,
    /// A phone number: NANP formats or international E.164 with a leading '+'; written or spoken.
    Phone,
    /// An e-mail address.
    Email,
    /// An IBAN with a valid length for its country and a valid mod-97 checksum.
    Iban,
    /// A date near a birth cue ("born", "date of birth", "DOB", "birthday").
    Dob,
    /// Four or more digits read aloud that are not a card, SSN or phone number
    /// (PINs, account numbers, ZIP codes spoken digit by digit).
    SpokenDigits,
}

impl PiiKind {
    /// Every kind, in a stable order.
    pub const ALL: [PiiKind; 7] = [
        PiiKind::Card,
        PiiKind::Ssn,
        PiiKind::Phone,
        PiiKind::Email,
        PiiKind::Iban,
        PiiKind::Dob,
        PiiKind::SpokenDigits,
    ];

    /// The placeholder that replaces an entity of this kind in redacted text.
    pub fn placeholder(self) -> &'static str {
        match self {
            PiiKind::Card => "[CARD]",
            PiiKind::Ssn => "[SSN]",
            PiiKind::Phone => "[PHONE]",
            PiiKind::Email => "[EMAIL]",
            PiiKind::Iban => "[IBAN]",
            PiiKind::Dob => "[DOB]",
            PiiKind::SpokenDigits => "[NUMBER]",
        }
    }

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            PiiKind::Card => "card",
            PiiKind::Ssn => "ssn",
            PiiKind::Phone => "phone",
            PiiKind::Email => "email",
            PiiKind::Iban => "iban",
            PiiKind::Dob => "dob",
            PiiKind::SpokenDigits => "spoken_digits",
        }
    }

    /// Which of two overlapping entities of equal length is kept (lower wins).
    fn precedence(self) -> u8 {
        match self {
            PiiKind::Card => 0,
            PiiKind::Iban => 1,
            PiiKind::Ssn => 2,
            PiiKind::Email => 3,
            PiiKind::Phone => 4,
            PiiKind::Dob => 5,
            PiiKind::SpokenDigits => 6,
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// One entity found in a text. It holds only offsets, never the personal data
/// itself; slice the searched text with `start..end` to read it.
///
/// `start..end` are byte offsets into the searched (original) text and always
/// fall on char boundaries; `char_start..char_end` are the same span counted in
/// Unicode scalar values, for callers (Python, JavaScript) that index by character.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PiiEntity {
    /// What was found.
    pub kind: PiiKind,
    /// Byte offset of the first byte.
    pub start: usize,
    /// Byte offset one past the last byte.
    pub end: usize,
    /// Char offset of the first char.
    pub char_start: usize,
    /// Char offset one past the last char.
    pub char_end: usize,
}

/// A redacted text and the entities that were replaced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redacted {
    /// The text with every entity replaced by its kind's placeholder.
    pub text: String,
    /// The replaced entities, sorted and non-overlapping, with offsets into the ORIGINAL text.
    pub entities: Vec<PiiEntity>,
}

/// A span found by one detector, before overlaps are resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Candidate {
    kind: PiiKind,
    start: usize,
    end: usize,
}

/// Finds and redacts PII. Cheap to build, immutable, `Send + Sync`: build one
/// and share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redactor {
    kinds: u8,
}

impl Default for Redactor {
    fn default() -> Self {
        Self::new()
    }
}

impl Redactor {
    /// A redactor for every [`PiiKind`].
    pub fn new() -> Self {
        Self::with_kinds(PiiKind::ALL)
    }

    /// A redactor for the given kinds only (none at all if `kinds` is empty).
    pub fn with_kinds(kinds: impl IntoIterator<Item = PiiKind>) -> Self {
        Self {
            kinds: kinds.into_iter().fold(0, |acc, k| acc | k.bit()),
        }
    }

    /// Whether this redactor looks for `kind`.
    pub fn detects(&self, kind: PiiKind) -> bool {
        self.kinds & kind.bit() != 0
    }

    /// The kinds this redactor looks for, in [`PiiKind::ALL`] order.
    pub fn kinds(&self) -> Vec<PiiKind> {
        PiiKind::ALL
            .into_iter()
            .filter(|&k| self.detects(k))
            .collect()
    }

    /// The entities in `text`, sorted by offset and non-overlapping. Where
    /// detectors overlap the longest span wins (ties go to the more specific
    /// kind: card, IBAN, SSN, e-mail, phone, date of birth, spoken digits).
    pub fn find(&self, text: &str) -> Vec<PiiEntity> {
        let mut candidates = Vec::new();
        let wants_numbers = PiiKind::ALL
            .into_iter()
            .any(|k| k != PiiKind::Email && k != PiiKind::Iban && self.detects(k));
        if self.detects(PiiKind::Email) {
            if text.as_bytes().contains(&b'@') {
                email::scan(text, &mut candidates);
            }
            email::scan_spoken(text, &mut candidates);
        }
        if self.detects(PiiKind::Iban) {
            iban::scan(text, &mut candidates);
        }
        if wants_numbers {
            numeric::scan(text, &mut candidates);
            spoken::scan(text, &mut candidates);
        }
        if self.detects(PiiKind::Dob) {
            dates::scan(text, &mut candidates);
        }
        candidates.retain(|c| self.detects(c.kind));
        with_char_offsets(text, resolve_overlaps(candidates))
    }

    /// `text` with every entity replaced by its kind's placeholder.
    pub fn redact(&self, text: &str) -> Redacted {
        let entities = self.find(text);
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for e in &entities {
            out.push_str(&text[at..e.start]);
            out.push_str(e.kind.placeholder());
            at = e.end;
        }
        out.push_str(&text[at..]);
        Redacted {
            text: out,
            entities,
        }
    }

    /// Redacts an utterance's text in place; returns the entities, with offsets
    /// into the text as it was before.
    pub fn redact_utterance(&self, utterance: &mut Utterance) -> Vec<PiiEntity> {
        let redacted = self.redact(&utterance.text);
        if !redacted.entities.is_empty() {
            utterance.text = redacted.text;
        }
        redacted.entities
    }

    /// Redacts every utterance of a transcript (or any batch of stored
    /// utterances) in place; returns how many entities of each kind were replaced.
    pub fn redact_transcript(&self, utterances: &mut [Utterance]) -> BTreeMap<PiiKind, usize> {
        let mut counts = BTreeMap::new();
        for u in utterances {
            for e in self.redact_utterance(u) {
                *counts.entry(e.kind).or_insert(0) += 1;
            }
        }
        counts
    }
}

/// Keeps the longest candidates that do not overlap a longer (or equally long,
/// more specific) one; returns them sorted by start.
fn resolve_overlaps(mut candidates: Vec<Candidate>) -> Vec<Candidate> {
    candidates.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.end - c.start),
            c.kind.precedence(),
            c.start,
        )
    });
    let mut kept: BTreeMap<usize, Candidate> = BTreeMap::new();
    for c in candidates {
        if c.start >= c.end {
            continue;
        }
        let overlaps = kept
            .range(..c.end)
            .next_back()
            .is_some_and(|(_, k)| k.end > c.start);
        if !overlaps {
            kept.insert(c.start, c);
        }
    }
    kept.into_values().collect()
}

fn with_char_offsets(text: &str, spans: Vec<Candidate>) -> Vec<PiiEntity> {
    let mut chars = 0;
    let mut at = 0;
    spans
        .into_iter()
        .map(|c| {
            chars += text[at..c.start].chars().count();
            let char_start = chars;
            chars += text[c.start..c.end].chars().count();
            at = c.end;
            PiiEntity {
                kind: c.kind,
                start: c.start,
                end: c.end,
                char_start,
                char_end: chars,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
