//! IBANs: a country code, two check digits and the country's BBAN, compact or
//! in groups separated by single spaces, validated by length and mod 97.

use super::checks::{iban_checksum_valid, iban_length};
use super::text::{word_char_at, word_char_before};
use super::{Candidate, PiiKind};

/// The longest IBAN (Saint Lucia).
const MAX_IBAN: usize = 34;

/// Finds IBANs and appends them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    if bytes.len() < 4 {
        return;
    }
    let mut i = 0;
    while i + 4 <= bytes.len() {
        if let Some(end) = iban_at(text, i) {
            out.push(Candidate {
                kind: PiiKind::Iban,
                start: i,
                end,
            });
            i = end;
        } else {
            i += 1;
        }
    }
}

/// The end of an IBAN starting at byte `start`, if one does.
fn iban_at(text: &str, start: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let head = &bytes[start..start + 4];
    if !(head[0].is_ascii_alphabetic()
        && head[1].is_ascii_alphabetic()
        && head[2].is_ascii_digit()
        && head[3].is_ascii_digit())
        || word_char_before(text, start)
    {
        return None;
    }
    let country = [head[0].to_ascii_uppercase(), head[1].to_ascii_uppercase()];
    let want = iban_length(country)?;
    let mut compact = [0u8; MAX_IBAN];
    let mut n = 0;
    let mut at = start;
    while n < want && at < bytes.len() {
        let b = bytes[at];
        if b.is_ascii_alphanumeric() {
            compact[n] = b.to_ascii_uppercase();
            n += 1;
            at += 1;
        } else if b == b' ' && n >= 4 && bytes.get(at + 1).is_some_and(u8::is_ascii_alphanumeric) {
            at += 1;
        } else {
            break;
        }
    }
    (n == want && !word_char_at(text, at) && iban_checksum_valid(&compact[..n])).then_some(at)
}
