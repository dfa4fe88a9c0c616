//! English number words shared by the spoken-digit and date detectors, and a
//! reader for ASCII words at byte offsets.

use super::text::{word_char_at, word_char_before};

fn lookup(table: &[(&str, u32)], word: &[u8]) -> Option<u32> {
    table
        .iter()
        .find(|(w, _)| w.as_bytes().eq_ignore_ascii_case(word))
        .map(|&(_, v)| v)
}

/// "one" … "nine".
pub(crate) fn unit(word: &[u8]) -> Option<u32> {
    const UNITS: &[(&str, u32)] = &[
        ("one", 1),
        ("two", 2),
        ("three", 3),
        ("four", 4),
        ("five", 5),
        ("six", 6),
        ("seven", 7),
        ("eight", 8),
        ("nine", 9),
    ];
    lookup(UNITS, word)
}

/// "ten" … "nineteen".
pub(crate) fn teen(word: &[u8]) -> Option<u32> {
    const TEENS: &[(&str, u32)] = &[
        ("ten", 10),
        ("eleven", 11),
        ("twelve", 12),
        ("thirteen", 13),
        ("fourteen", 14),
        ("fifteen", 15),
        ("sixteen", 16),
        ("seventeen", 17),
        ("eighteen", 18),
        ("nineteen", 19),
    ];
    lookup(TEENS, word)
}

/// "twenty" … "ninety" (and the common misspelling "fourty").
pub(crate) fn tens(word: &[u8]) -> Option<u32> {
    const TENS: &[(&str, u32)] = &[
        ("twenty", 20),
        ("thirty", 30),
        ("forty", 40),
        ("fourty", 40),
        ("fifty", 50),
        ("sixty", 60),
        ("seventy", 70),
        ("eighty", 80),
        ("ninety", 90),
    ];
    lookup(TENS, word)
}

/// "first" … "nineteenth", "twentieth", "thirtieth".
pub(crate) fn ordinal(word: &[u8]) -> Option<u32> {
    const ORDINALS: &[(&str, u32)] = &[
        ("first", 1),
        ("second", 2),
        ("third", 3),
        ("fourth", 4),
        ("fifth", 5),
        ("sixth", 6),
        ("seventh", 7),
        ("eighth", 8),
        ("ninth", 9),
        ("tenth", 10),
        ("eleventh", 11),
        ("twelfth", 12),
        ("thirteenth", 13),
        ("fourteenth", 14),
        ("fifteenth", 15),
        ("sixteenth", 16),
        ("seventeenth", 17),
        ("eighteenth", 18),
        ("nineteenth", 19),
        ("twentieth", 20),
        ("thirtieth", 30),
    ];
    lookup(ORDINALS, word)
}

/// The ASCII-letter word starting exactly at `at`, bounded on both sides by
/// something other than a letter or digit; returns its end.
pub(crate) fn word_at(text: &str, at: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    if at >= bytes.len() || !bytes[at].is_ascii_alphabetic() || word_char_before(text, at) {
        return None;
    }
    let mut end = at;
    while end < bytes.len() && bytes[end].is_ascii_alphabetic() {
        end += 1;
    }
    (!word_char_at(text, end)).then_some(end)
}

/// The word after the one ending at `end`, across one or two spaces or a
/// single hyphen; returns its start and end.
pub(crate) fn next_word(text: &str, end: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let start = match bytes.get(end..) {
        Some([b'-', ..]) => end + 1,
        Some([b' ', b' ', ..]) => end + 2,
        Some([b' ', ..]) => end + 1,
        _ => return None,
    };
    word_at(text, start).map(|e| (start, e))
}

/// A number from 1 to 99 said in words ("seven", "twelve", "forty-five",
/// "thirty one") starting at `at`; returns the value and its end.
pub(crate) fn small_number(text: &str, at: usize) -> Option<(u32, usize)> {
    let end = word_at(text, at)?;
    let word = &text.as_bytes()[at..end];
    if let Some(v) = unit(word).or_else(|| teen(word)) {
        return Some((v, end));
    }
    let t = tens(word)?;
    match next_word(text, end) {
        Some((s, e)) => match unit(&text.as_bytes()[s..e]) {
            Some(u) => Some((t + u, e)),
            None => Some((t, end)),
        },
        None => Some((t, end)),
    }
}
