//! Digit sequences as a speech recogniser writes them: "four one one one …",
//! "five five five, one two three, four five six seven", "double five",
//! "oh"/"zero", numerals mixed with words ("4 1 1 1 one one …"), and the
//! two-digit groups people say in phone numbers ("forty five sixty seven",
//! "one eight hundred").
//!
//! Grammar (case-insensitive, tokens separated by spaces):
//!
//! ```text
//! run       := item (separator* item)*
//! item      := digit | numeral | pair | digit "hundred"
//!            | ("double" | "triple") (digit | one-digit numeral)
//! digit     := zero | oh | o | nought | one | two | three | four | five | six | seven
//!            | eight | nine | niner
//! pair      := ten … nineteen | (twenty … ninety) [["-"] digit other than zero]
//! separator := "," | "-" | "dash" | "hyphen" | "and" | "then" | uh | um | umm | er | erm | ah | hmm
//! ```
//!
//! At most three separators may follow each other; anything else ends the run. A
//! run is classified by its digits (see [`classify`]); runs made only of
//! numerals are left to the written-number detector.

use super::checks::{card_valid, nanp_valid, ssn_valid};
use super::text::{SSN_CUES, cue_near, word_char_at, word_char_before};
use super::words::{teen, tens, unit};
use super::{Candidate, PiiKind};

/// Fewest digits a run needs to be reported as [`PiiKind::SpokenDigits`].
pub(crate) const MIN_SPOKEN_DIGITS: usize = 4;
/// Fewest single-digit words ("five", "double five") a run needs to be reported
/// as [`PiiKind::SpokenDigits`]; years said in pairs ("nineteen eighty five")
/// have none and are not reported.
pub(crate) const MIN_SPOKEN_WORDS: usize = 2;
/// Most consecutive separators inside a run (", um, " is three).
const MAX_SEPARATORS: u32 = 3;

/// What a word means inside a digit sequence.
enum Word {
    /// A single digit (ASCII).
    Digit(u8),
    /// Two digits said as one word ("twelve"); `open` when it is a bare tens word
    /// ("forty") that a following digit may complete.
    Pair([u8; 2], bool),
    /// "hundred", which appends "00" to the digit just said.
    Hundred,
    /// "double" (2) or "triple" (3).
    Repeat(usize),
    /// A pause word or "dash".
    Separator,
}

fn classify_word(word: &[u8]) -> Option<Word> {
    const SEPARATORS: &[&str] = &[
        "dash", "hyphen", "uh", "um", "umm", "er", "erm", "ah", "hmm", "and", "then",
    ];
    let is = |w: &str| w.as_bytes().eq_ignore_ascii_case(word);
    // Zero is said many ways, and radio speech says "niner".
    if ["zero", "oh", "o", "nought"].iter().any(|w| is(w)) {
        return Some(Word::Digit(b'0'));
    }
    if let Some(d) = unit(word).or_else(|| is("niner").then_some(9)) {
        return Some(Word::Digit(b'0' + d as u8));
    }
    if let Some(n) = teen(word) {
        return Some(Word::Pair([b'1', b'0' + (n - 10) as u8], false));
    }
    if let Some(n) = tens(word) {
        return Some(Word::Pair([b'0' + (n / 10) as u8, b'0'], true));
    }
    if is("hundred") {
        return Some(Word::Hundred);
    }
    if is("double") {
        return Some(Word::Repeat(2));
    }
    if is("triple") {
        return Some(Word::Repeat(3));
    }
    SEPARATORS.iter().any(|w| is(w)).then_some(Word::Separator)
}

/// How an item was said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ItemKind {
    /// Written digits ("4111").
    Numeral,
    /// One spoken digit, or a "double"/"triple" of one.
    Digit,
    /// A spoken pair or hundred ("forty five", "eight hundred").
    Compound,
}

/// One item of a run: `start..end` in the text, `digits_from..digits_to` in the digit buffer.
#[derive(Debug, Clone, Copy)]
struct Item {
    start: usize,
    end: usize,
    digits_from: usize,
    digits_to: usize,
    kind: ItemKind,
}

/// The run being built while scanning.
#[derive(Default)]
struct Run {
    items: Vec<Item>,
    digits: Vec<u8>,
    /// Separators since the last item.
    separators: u32,
    /// Whether the only separator since the last item is one '-'.
    hyphen_only: bool,
    /// Whether the last item is a bare tens word a digit may complete.
    open_tens: bool,
    /// A "double"/"triple" waiting for its digit: (count, start).
    repeat: Option<(usize, usize)>,
}

impl Run {
    fn push(&mut self, (start, end): (usize, usize), digits: &[u8], repeat: usize, kind: ItemKind) {
        let digits_from = self.digits.len();
        for _ in 0..repeat {
            self.digits.extend_from_slice(digits);
        }
        self.items.push(Item {
            start,
            end,
            digits_from,
            digits_to: self.digits.len(),
            kind,
        });
        self.separators = 0;
        self.hyphen_only = false;
        self.open_tens = false;
    }

    /// Adds one spoken digit: completes "double"/"triple" or a bare tens word
    /// ("forty-five"), or starts a new item.
    fn digit(&mut self, span: (usize, usize), digit: u8) {
        if let Some((count, from)) = self.repeat.take() {
            self.push((from, span.1), &[digit], count, ItemKind::Digit);
            return;
        }
        let adjacent = self.separators == 0 || (self.separators == 1 && self.hyphen_only);
        if self.open_tens && digit != b'0' && adjacent {
            if let (Some(last_digit), Some(item)) = (self.digits.last_mut(), self.items.last_mut())
            {
                *last_digit = digit;
                item.end = span.1;
            }
            self.separators = 0;
            self.open_tens = false;
            return;
        }
        self.push(span, &[digit], 1, ItemKind::Digit);
    }

    /// Adds written digits; a one-digit numeral completes "double"/"triple".
    fn numeral(
        &mut self,
        text: &str,
        out: &mut Vec<Candidate>,
        span: (usize, usize),
        digits: &[u8],
    ) {
        match self.repeat {
            Some((count, from)) if digits.len() == 1 => {
                self.repeat = None;
                self.push((from, span.1), digits, count, ItemKind::Digit);
            }
            Some(_) => {
                // "double 42" is no digit sequence: the run ends at "double".
                self.flush(text, out);
                self.push(span, digits, 1, ItemKind::Numeral);
            }
            None => self.push(span, digits, 1, ItemKind::Numeral),
        }
    }

    fn pair(
        &mut self,
        text: &str,
        out: &mut Vec<Candidate>,
        span: (usize, usize),
        digits: [u8; 2],
        open: bool,
    ) {
        if self.repeat.is_some() {
            self.flush(text, out);
        }
        self.push(span, &digits, 1, ItemKind::Compound);
        self.open_tens = open;
    }

    /// "hundred" right after a single spoken digit makes it three digits; anywhere else it ends the run.
    fn hundred(&mut self, text: &str, out: &mut Vec<Candidate>, end: usize) {
        let extends = self.separators == 0
            && self.repeat.is_none()
            && self
                .items
                .last()
                .is_some_and(|it| it.kind == ItemKind::Digit && it.digits_to - it.digits_from == 1);
        if !extends {
            self.flush(text, out);
            return;
        }
        self.digits.extend_from_slice(b"00");
        if let Some(item) = self.items.last_mut() {
            item.end = end;
            item.digits_to += 2;
            item.kind = ItemKind::Compound;
        }
    }

    fn separator(&mut self, text: &str, out: &mut Vec<Candidate>, hyphen: bool) {
        if self.items.is_empty() || self.repeat.is_some() {
            self.flush(text, out);
            return;
        }
        self.hyphen_only = self.separators == 0 && hyphen;
        self.separators += 1;
        if self.separators > MAX_SEPARATORS {
            self.flush(text, out);
        }
    }

    fn flush(&mut self, text: &str, out: &mut Vec<Candidate>) {
        if let Some(c) = classify(text, &self.items, &self.digits) {
            out.push(c);
        }
        self.items.clear();
        self.digits.clear();
        self.separators = 0;
        self.hyphen_only = false;
        self.open_tens = false;
        self.repeat = None;
    }
}

/// Finds spoken digit sequences and appends them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut run = Run::default();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() {
            let start = i;
            let numeral = b.is_ascii_digit();
            while i < bytes.len()
                && bytes[i].is_ascii_alphanumeric()
                && bytes[i].is_ascii_digit() == numeral
            {
                i += 1;
            }
            let span = (start, i);
            if word_char_before(text, start) || word_char_at(text, i) {
                run.flush(text, out);
                // Skip the rest of a mixed word such as "A12B".
                while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                    i += 1;
                }
                continue;
            }
            if numeral {
                run.numeral(text, out, span, &bytes[start..i]);
                continue;
            }
            match classify_word(&bytes[start..i]) {
                Some(Word::Digit(d)) => run.digit(span, d),
                Some(Word::Pair(digits, open)) => run.pair(text, out, span, digits, open),
                Some(Word::Hundred) => run.hundred(text, out, i),
                Some(Word::Repeat(count)) => {
                    if run.repeat.is_some() {
                        run.flush(text, out);
                    }
                    run.repeat = Some((count, start));
                }
                Some(Word::Separator) => run.separator(text, out, false),
                None => run.flush(text, out),
            }
            continue;
        }
        match b {
            b' ' | b'\t' | b'\n' | b'\r' => {}
            b',' => run.separator(text, out, false),
            b'-' => run.separator(text, out, true),
            _ => run.flush(text, out),
        }
        i += 1;
    }
    run.flush(text, out);
}

/// Classifies a finished run.
///
/// 1. The whole run, then the run with up to one item dropped at the front and
///    two at the back (fewest dropped first), is tested as a payment card
///    (13–19 digits, known issuer, Luhn), an SSN (9 valid digits with an SSN
///    cue nearby) and a NANP phone number (10 digits, or 11 starting with 1);
///    the first match wins.
/// 2. Otherwise a run of at least [`MIN_SPOKEN_DIGITS`] digits with at least
///    [`MIN_SPOKEN_WORDS`] single-digit words is a [`PiiKind::SpokenDigits`].
///
/// Runs without any spoken item are ignored (written numbers are found elsewhere).
fn classify(text: &str, items: &[Item], digits: &[u8]) -> Option<Candidate> {
    if items.iter().all(|it| it.kind == ItemKind::Numeral) {
        return None;
    }
    let digit_words = items.iter().filter(|it| it.kind == ItemKind::Digit).count();
    const TRIMS: [(usize, usize); 6] = [(0, 0), (0, 1), (1, 0), (0, 2), (1, 1), (1, 2)];
    for (front, back) in TRIMS {
        if front + back >= items.len() {
            continue;
        }
        let kept = &items[front..items.len() - back];
        let (first, last) = (kept[0], kept[kept.len() - 1]);
        let ds = &digits[first.digits_from..last.digits_to];
        let kind = if card_valid(ds) {
            Some(PiiKind::Card)
        } else if ssn_valid(ds) && cue_near(text, first.start, last.end, SSN_CUES) {
            Some(PiiKind::Ssn)
        } else if nanp_valid(ds) || (ds.len() == 11 && ds[0] == b'1' && nanp_valid(&ds[1..])) {
            Some(PiiKind::Phone)
        } else {
            None
        };
        if let Some(kind) = kind {
            return Some(Candidate {
                kind,
                start: first.start,
                end: last.end,
            });
        }
    }
    (digits.len() >= MIN_SPOKEN_DIGITS && digit_words >= MIN_SPOKEN_WORDS).then(|| Candidate {
        kind: PiiKind::SpokenDigits,
        start: items[0].start,
        end: items[items.len() - 1].end,
    })
}
