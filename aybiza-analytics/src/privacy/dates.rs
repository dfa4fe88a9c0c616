//! Dates of birth written with a month name ("March 14th 1985", "14 March 1985",
//! "the 14th of March, 1985", "March sixteenth, nineteen seventy-four",
//! "March 14th"), reported only near a birth cue. The day and the year may be
//! digits or words; the year may be left out.

use super::checks::date_valid;
use super::text::{DOB_CUES, cue_near, word_char_at, word_char_before};
use super::words::{next_word, ordinal, small_number, teen, tens, unit, word_at};
use super::{Candidate, PiiKind};

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("february", 2),
    ("feb", 2),
    ("march", 3),
    ("mar", 3),
    ("april", 4),
    ("apr", 4),
    ("may", 5),
    ("june", 6),
    ("jun", 6),
    ("july", 7),
    ("jul", 7),
    ("august", 8),
    ("aug", 8),
    ("september", 9),
    ("sept", 9),
    ("sep", 9),
    ("october", 10),
    ("oct", 10),
    ("november", 11),
    ("nov", 11),
    ("december", 12),
    ("dec", 12),
];

fn month_number(word: &[u8]) -> Option<u32> {
    MONTHS
        .iter()
        .find(|(name, _)| name.as_bytes().eq_ignore_ascii_case(word))
        .map(|&(_, m)| m)
}

/// Finds month-name dates of birth and appends them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphabetic() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphabetic() {
            i += 1;
        }
        if word_char_before(text, start) || word_char_at(text, i) {
            continue;
        }
        let Some(month) = month_number(&bytes[start..i]) else {
            continue;
        };
        let found = month_first(text, start, i, month).or_else(|| day_first(text, start, i, month));
        if let Some((s, e)) = found.filter(|&(s, e)| cue_near(text, s, e, DOB_CUES)) {
            out.push(Candidate {
                kind: PiiKind::Dob,
                start: s,
                end: e,
            });
            i = e;
        }
    }
}

/// Skips spaces (at most two) forward from `at`.
fn skip_spaces(bytes: &[u8], mut at: usize) -> usize {
    let from = at;
    while at < bytes.len() && bytes[at] == b' ' && at - from < 2 {
        at += 1;
    }
    at
}

/// A day (1–31) at `at`: digits with an optional ordinal suffix ("14", "14th"),
/// or words ("fourteenth", "twenty-first", "thirty one"); returns (day, end).
fn day_at(text: &str, at: usize) -> Option<(u32, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        return spoken_day(text, at).filter(|&(day, _)| (1..=31).contains(&day));
    }
    let mut end = at;
    let mut day = 0u32;
    while end < bytes.len() && bytes[end].is_ascii_digit() && end - at < 2 {
        day = day * 10 + u32::from(bytes[end] - b'0');
        end += 1;
    }
    if end == at || word_char_before(text, at) {
        return None;
    }
    if end + 2 <= bytes.len() {
        let suffix = &bytes[end..end + 2];
        if [b"st", b"nd", b"rd", b"th"]
            .iter()
            .any(|s| suffix.eq_ignore_ascii_case(*s))
        {
            end += 2;
        }
    }
    (!word_char_at(text, end) && (1..=31).contains(&day)).then_some((day, end))
}

/// A day said in words: an ordinal, or "twenty"/"thirty" and an ordinal.
/// Cardinals ("March one") are not days: "born in March one year" is no date.
fn spoken_day(text: &str, at: usize) -> Option<(u32, usize)> {
    let end = word_at(text, at)?;
    let word = &text.as_bytes()[at..end];
    if let Some(day) = ordinal(word) {
        return Some((day, end));
    }
    let t = tens(word).filter(|&t| t <= 30)?;
    let (s, e) = next_word(text, end)?;
    let u = ordinal(&text.as_bytes()[s..e]).filter(|&u| u < 10)?;
    Some((t + u, e))
}

/// A year at `at`: four digits, or words ("nineteen eighty-five", "nineteen oh
/// five", "two thousand and three", "twenty twelve"); returns (year, end).
fn year_at(text: &str, at: usize) -> Option<(u32, usize)> {
    let bytes = text.as_bytes();
    if bytes.get(at).is_some_and(u8::is_ascii_alphabetic) {
        return spoken_year(text, at);
    }
    let digits = bytes.get(at..at + 4)?;
    if !digits.iter().all(u8::is_ascii_digit)
        || word_char_at(text, at + 4)
        || word_char_before(text, at)
    {
        return None;
    }
    let year = digits
        .iter()
        .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'));
    Some((year, at + 4))
}

fn spoken_year(text: &str, at: usize) -> Option<(u32, usize)> {
    let bytes = text.as_bytes();
    let first_end = word_at(text, at)?;
    let first = &bytes[at..first_end];
    let (second_start, second_end) = next_word(text, first_end)?;
    let second = &bytes[second_start..second_end];
    if unit(first) == Some(2) && second.eq_ignore_ascii_case(b"thousand") {
        // "two thousand", "two thousand and three", "two thousand twelve".
        let mut at = second_end;
        if let Some((s, e)) = next_word(text, at) {
            if bytes[s..e].eq_ignore_ascii_case(b"and") {
                at = e;
            }
        }
        return match next_word(text, at).and_then(|(s, _)| small_number(text, s)) {
            Some((n, end)) => Some((2000 + n, end)),
            None => Some((2000, second_end)),
        };
    }
    let century = match (teen(first), tens(first)) {
        (Some(19), _) => 1900,
        (_, Some(20)) => 2000,
        _ => return None,
    };
    if second.eq_ignore_ascii_case(b"oh") || second.eq_ignore_ascii_case(b"o") {
        let (s, e) = next_word(text, second_end)?;
        let u = unit(&bytes[s..e])?;
        return Some((century + u, e));
    }
    if second.eq_ignore_ascii_case(b"hundred") {
        return Some((century, second_end));
    }
    // The rest is a two-digit number of ten or more ("eighty-five", "twelve").
    let (n, end) = small_number(text, second_start)?;
    (n >= 10).then_some((century + n, end))
}

/// Skips an optional comma and then spaces.
fn skip_comma(bytes: &[u8], at: usize) -> usize {
    let at = if bytes.get(at) == Some(&b',') {
        at + 1
    } else {
        at
    };
    skip_spaces(bytes, at)
}

/// The year after a day ending at `day_end`, if one follows; returns (year, end).
fn year_after(text: &str, day_end: usize) -> Option<(u32, usize)> {
    let year_start = skip_comma(text.as_bytes(), day_end);
    if year_start == day_end {
        return None;
    }
    year_at(text, year_start)
}

/// Whether `month`/`day` is a real day in some year (February 29 included).
fn day_of_month_valid(month: u32, day: u32) -> bool {
    date_valid(2000, month, day)
}

/// Completes a date from its month, day and optional year; returns its end.
fn finish(text: &str, month: u32, day: u32, day_end: usize) -> Option<usize> {
    match year_after(text, day_end) {
        Some((year, end)) => date_valid(year, month, day).then_some(end),
        None => day_of_month_valid(month, day).then_some(day_end),
    }
}

/// "March 14th 1985", "Mar. 14, 1985", "March sixteenth", "March 14th".
fn month_first(text: &str, start: usize, month_end: usize, month: u32) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut at = month_end;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
    }
    let day_start = skip_spaces(bytes, at);
    if day_start == at {
        return None;
    }
    let (day, day_end) = day_at(text, day_start)?;
    finish(text, month, day, day_end).map(|end| (start, end))
}

/// The start of the word ending at `end`, across one space or hyphen before it.
fn previous_word(text: &str, end: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    if end < 2 || !matches!(bytes[end - 1], b' ' | b'-') {
        return None;
    }
    let word_end = end - 1;
    let mut start = word_end;
    while start > 0 && bytes[start - 1].is_ascii_alphabetic() {
        start -= 1;
    }
    (start < word_end && word_at(text, start) == Some(word_end)).then_some((start, word_end))
}

/// "14 March 1985", "14th of March, 1985", "the sixteenth of March", "twenty-first of May".
fn day_first(text: &str, start: usize, month_end: usize, month: u32) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut before = start;
    if before >= 3 && bytes[before - 3..before].eq_ignore_ascii_case(b"of ") {
        before -= 3;
    }
    // Walk back over spaces to the day's last byte.
    let mut day_end = before;
    while day_end > 0 && bytes[day_end - 1] == b' ' && before - day_end < 2 {
        day_end -= 1;
    }
    if day_end == before {
        return None;
    }
    let mut word_start = day_end;
    while word_start > 0 && bytes[word_start - 1].is_ascii_alphabetic() {
        word_start -= 1;
    }
    let spoken =
        word_start < day_end && (word_start == 0 || !bytes[word_start - 1].is_ascii_digit());
    let day_start = if spoken {
        // A spoken day: one word, or "twenty"/"thirty" before it.
        match previous_word(text, word_start) {
            Some((s, e)) if tens(&bytes[s..e]).is_some() => s,
            _ => word_start,
        }
    } else {
        // Digits, maybe followed by an ordinal suffix.
        let mut digits_end = day_end;
        if digits_end >= 2
            && bytes[digits_end - 2..digits_end]
                .iter()
                .all(u8::is_ascii_alphabetic)
        {
            digits_end -= 2;
        }
        let mut day_start = digits_end;
        while day_start > 0 && bytes[day_start - 1].is_ascii_digit() && digits_end - day_start < 2 {
            day_start -= 1;
        }
        day_start
    };
    let (day, parsed_end) = day_at(text, day_start)?;
    if parsed_end != day_end {
        return None;
    }
    let mut at = month_end;
    if bytes.get(at) == Some(&b'.') {
        at += 1;
    }
    finish(text, month, day, at).map(|end| (day_start, end))
}
