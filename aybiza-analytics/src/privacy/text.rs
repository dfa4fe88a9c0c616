//! Byte-level text helpers and context-word search.
//!
//! Every detector works on the UTF-8 bytes of the input but only ever starts or
//! ends a span at an ASCII byte (or just after one), so every offset it reports
//! is a char boundary.

/// The char ending at byte `at`, if any. `at` must be a char boundary.
pub(crate) fn char_before(text: &str, at: usize) -> Option<char> {
    text.get(..at).and_then(|s| s.chars().next_back())
}

/// The char starting at byte `at`, if any. `at` must be a char boundary.
pub(crate) fn char_at(text: &str, at: usize) -> Option<char> {
    text.get(at..).and_then(|s| s.chars().next())
}

/// Whether a letter or digit (in any script) touches byte `at` from the left.
pub(crate) fn word_char_before(text: &str, at: usize) -> bool {
    char_before(text, at).is_some_and(char::is_alphanumeric)
}

/// Whether a letter or digit (in any script) starts at byte `at`.
pub(crate) fn word_char_at(text: &str, at: usize) -> bool {
    char_at(text, at).is_some_and(char::is_alphanumeric)
}

/// A context cue: an ASCII word or phrase, matched case-insensitively at a word start.
pub(crate) struct Cue {
    /// The cue, lower case.
    pub(crate) text: &'static str,
    /// Whether the cue may be the start of a longer word ("birth" in "birthday").
    pub(crate) prefix: bool,
}

const fn cue(text: &'static str) -> Cue {
    Cue {
        text,
        prefix: false,
    }
}

const fn cue_prefix(text: &'static str) -> Cue {
    Cue { text, prefix: true }
}

/// Words that mark a nearby number as a Social Security number.
pub(crate) const SSN_CUES: &[Cue] = &[
    cue_prefix("social"),
    cue("ssn"),
    cue("ssns"),
    cue("s.s.n"),
    cue("ss#"),
    cue("ss #"),
];

/// Words that mark a nearby date as a date of birth.
pub(crate) const DOB_CUES: &[Cue] = &[
    cue("born"),
    cue_prefix("birth"),
    cue("dob"),
    cue("d.o.b"),
    cue("bday"),
    cue("b-day"),
];

/// Words that mark a nearby unformatted ten-digit number as a phone number.
pub(crate) const PHONE_CUES: &[Cue] = &[
    cue_prefix("phone"),
    cue_prefix("telephone"),
    cue("tel"),
    // "call me at …", "callback", but not "I called about account …".
    cue("call"),
    cue("callback"),
    cue_prefix("reach"),
    cue("cell"),
    cue("mobile"),
    cue_prefix("text"),
    cue("fax"),
    cue_prefix("dial"),
    cue_prefix("contact"),
    cue("my number"),
    cue("your number"),
    cue("best number"),
    cue("callback number"),
    cue("whatsapp"),
];

/// Bytes of look-behind searched for a context cue.
pub(crate) const CUE_WINDOW_BEFORE: usize = 64;
/// Bytes of look-ahead searched for a context cue.
pub(crate) const CUE_WINDOW_AFTER: usize = 40;

/// Whether one of `cues` occurs within the cue windows around `start..end`.
pub(crate) fn cue_near(text: &str, start: usize, end: usize, cues: &[Cue]) -> bool {
    let bytes = text.as_bytes();
    let lo = start.saturating_sub(CUE_WINDOW_BEFORE);
    let hi = end.saturating_add(CUE_WINDOW_AFTER).min(bytes.len());
    cues.iter()
        .any(|c| cue_in(bytes, lo, start, c) || cue_in(bytes, end, hi, c))
}

fn is_ascii_word(b: u8) -> bool {
    b.is_ascii_alphanumeric()
}

/// Whether `cue` starts at a word start inside `bytes[lo..hi]` (it may run past `hi`
/// only if it started before it, which the caller's windows never need).
fn cue_in(bytes: &[u8], lo: usize, hi: usize, cue: &Cue) -> bool {
    let needle = cue.text.as_bytes();
    if hi < lo || hi - lo < needle.len() {
        return false;
    }
    (lo..=hi - needle.len()).any(|at| {
        bytes[at..at + needle.len()].eq_ignore_ascii_case(needle)
            && (at == 0 || !is_ascii_word(bytes[at - 1]))
            && (cue.prefix
                || bytes
                    .get(at + needle.len())
                    .is_none_or(|&b| !is_ascii_word(b)))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cues_match_at_word_starts_only() {
        let text = "my Social is 123";
        assert!(cue_near(text, 13, 16, SSN_CUES));
        assert!(!cue_near("antisocial 123", 11, 14, SSN_CUES));
        assert!(cue_near("date of birth: x", 15, 16, DOB_CUES));
        assert!(cue_near("her birthday is x", 16, 17, DOB_CUES));
        assert!(!cue_near("dobson x", 7, 8, DOB_CUES));
        assert!(cue_near("x is my ssn", 0, 1, SSN_CUES));
    }

    #[test]
    fn char_neighbours_handle_multibyte_text() {
        let text = "é1";
        assert!(word_char_before(text, 2));
        assert!(word_char_at(text, 2));
        assert!(!word_char_before(text, 0));
        assert_eq!(char_before(text, 0), None);
    }
}
