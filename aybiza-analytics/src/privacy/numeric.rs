//! Written numbers: runs of ASCII digits joined by short separators ("chains"),
//! classified as payment cards, SSNs, phone numbers or numeric dates of birth.

use super::checks::{card_valid, date_valid, expand_two_digit_year, nanp_valid, ssn_valid};
use super::text::{DOB_CUES, PHONE_CUES, SSN_CUES, cue_near, word_char_at, word_char_before};
use super::{Candidate, PiiKind};

/// Most digits any numeric entity has (a 19-digit card).
const MAX_DIGITS: usize = 19;
/// Longest separator between two digit groups (" - ", ") ").
const MAX_GAP: usize = 3;

/// One run of ASCII digits, `start..end` in bytes.
#[derive(Debug, Clone, Copy)]
struct Group {
    start: usize,
    end: usize,
}

impl Group {
    fn len(self) -> usize {
        self.end - self.start
    }
}

fn is_gap_byte(b: u8) -> bool {
    matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')')
}

/// Finds written numeric entities and appends them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let mut groups: Vec<Group> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b.is_ascii_alphanumeric() && (!b.is_ascii_digit() || word_char_before(text, i)) {
            // Skip the whole word so digits glued to letters ("A123") never start a chain.
            while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
                i += 1;
            }
            continue;
        }
        if !b.is_ascii_digit() {
            i += 1;
            continue;
        }
        groups.clear();
        let mut at = i;
        loop {
            let start = at;
            while at < bytes.len() && bytes[at].is_ascii_digit() {
                at += 1;
            }
            if word_char_at(text, at) {
                // "14th", "4567x": the run is part of a word and ends the chain.
                break;
            }
            groups.push(Group { start, end: at });
            let mut gap_end = at;
            while gap_end < bytes.len() && gap_end - at < MAX_GAP && is_gap_byte(bytes[gap_end]) {
                gap_end += 1;
            }
            if gap_end == at || gap_end >= bytes.len() || !bytes[gap_end].is_ascii_digit() {
                break;
            }
            at = gap_end;
        }
        let resume = groups.last().map_or(at, |g| g.end).max(i + 1);
        classify_chain(text, &groups, !continues_code(bytes, i), out);
        i = resume;
        // Skip the rest of a word the chain stopped in front of.
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
    }
}

/// Whether the chain starting at `start` continues a code whose previous group
/// mixes letters and digits ("FR76 3000 6000 …", "X265 6205 …"): such a chain is
/// the tail of an IBAN or reference and never starts a card.
fn continues_code(bytes: &[u8], start: usize) -> bool {
    if start < 2 || !matches!(bytes[start - 1], b' ' | b'-') {
        return false;
    }
    let end = start - 1;
    let mut from = end;
    while from > 0 && bytes[from - 1].is_ascii_alphanumeric() {
        from -= 1;
    }
    let token = &bytes[from..end];
    token.iter().any(u8::is_ascii_digit) && token.iter().any(u8::is_ascii_alphabetic)
}

/// Splits a chain into entities: from each anchor (the chain start or the end
/// of the previous entity) the longest matching run of groups wins; cards are
/// only looked for at anchors, so a card is never cut out of the middle of a
/// longer number such as a parcel tracking number. `anchored_start` is false
/// when the chain continues an alphanumeric code.
fn classify_chain(text: &str, groups: &[Group], anchored_start: bool, out: &mut Vec<Candidate>) {
    let mut i = 0;
    let mut anchored = anchored_start;
    while i < groups.len() {
        let mut found = None;
        let mut digits = 0;
        let mut j = i;
        while j < groups.len() && digits + groups[j].len() <= MAX_DIGITS {
            digits += groups[j].len();
            j += 1;
        }
        while j > i {
            if let Some(c) = classify(text, groups, i, j, anchored) {
                found = Some((c, j));
                break;
            }
            j -= 1;
        }
        match found {
            Some((c, next)) => {
                out.push(c);
                i = next;
                anchored = true;
            }
            None => {
                i += 1;
                anchored = false;
            }
        }
    }
}

fn gap<'a>(text: &'a str, groups: &[Group], k: usize) -> &'a str {
    &text[groups[k - 1].end..groups[k].start]
}

/// Copies the digits of `groups` into `buf`; returns how many there are.
fn collect_digits(text: &str, groups: &[Group], buf: &mut [u8; MAX_DIGITS]) -> usize {
    let mut n = 0;
    for g in groups {
        let run = &text.as_bytes()[g.start..g.end];
        buf[n..n + run.len()].copy_from_slice(run);
        n += run.len();
    }
    n
}

fn classify(text: &str, all: &[Group], i: usize, j: usize, anchored: bool) -> Option<Candidate> {
    let groups = &all[i..j];
    let mut buf = [0u8; MAX_DIGITS];
    let n = collect_digits(text, groups, &mut buf);
    let digits = &buf[..n];
    let gaps: Vec<&str> = (i + 1..j).map(|k| gap(text, all, k)).collect();
    let start = groups[0].start;
    let end = groups[groups.len() - 1].end;
    let span = |kind, start| Some(Candidate { kind, start, end });

    if anchored && card_grouping(groups, &gaps) && card_valid(digits) {
        return span(PiiKind::Card, start);
    }
    if n == 9 && ssn_valid(digits) {
        let sizes_ok = groups.len() == 3 && groups[0].len() == 3 && groups[1].len() == 2;
        if sizes_ok && (gaps.iter().all(|g| *g == "-") || gaps.iter().all(|g| *g == " - ")) {
            return span(PiiKind::Ssn, start);
        }
        let spaced = sizes_ok && gaps.iter().all(|g| *g == " ");
        if (spaced || groups.len() == 1) && cue_near(text, start, end, SSN_CUES) {
            return span(PiiKind::Ssn, start);
        }
    }
    // The '+' or '(' just before the chain belongs to a phone number at its start.
    let before = |at: usize| (at > 0).then(|| text.as_bytes()[at - 1]);
    let plus = i == 0 && before(start) == Some(b'+') && !word_char_before(text, start - 1);
    let paren = i == 0 && before(start) == Some(b'(');
    if let Some(phone_start) = phone(text, groups, &gaps, digits, plus, paren) {
        return span(PiiKind::Phone, phone_start);
    }
    if numeric_date(text, groups, &gaps) && cue_near(text, start, end, DOB_CUES) {
        return span(PiiKind::Dob, start);
    }
    None
}

/// Cards are written with one repeated separator: a space, a dash or " - " in
/// any grouping, or a dot in the printed groupings (4-4-4-4, 4-6-5, …) only, so
/// that version numbers never qualify.
fn card_grouping(groups: &[Group], gaps: &[&str]) -> bool {
    let Some(first) = gaps.first() else {
        return true;
    };
    if !gaps.iter().all(|g| g == first) {
        return false;
    }
    match *first {
        " " | "-" | " - " => true,
        "." => {
            let sizes: Vec<usize> = groups.iter().map(|g| g.len()).collect();
            matches!(
                sizes.as_slice(),
                [4, 4, 4, 4] | [4, 4, 4, 4, 3] | [4, 6, 5] | [4, 6, 4]
            )
        }
        _ => false,
    }
}

/// Recognises a phone number in `groups`; returns its start (including a
/// leading '+' or '(') when it is one.
fn phone(
    text: &str,
    groups: &[Group],
    gaps: &[&str],
    digits: &[u8],
    plus: bool,
    paren: bool,
) -> Option<usize> {
    let start = groups[0].start;
    let plus_start = start - usize::from(plus);
    // NANP, optionally after a "1" or "+1" country code.
    let (local, local_gaps, country) =
        if groups.len() == 4 && groups[0].len() == 1 && digits[0] == b'1' {
            (&groups[1..], &gaps[1..], Some(gaps[0]))
        } else {
            (groups, gaps, None)
        };
    if local.len() == 3
        && local[0].len() == 3
        && local[1].len() == 3
        && local[2].len() == 4
        && nanp_valid(&digits[digits.len() - 10..])
    {
        let (area_gap, line_gap) = (local_gaps[0], local_gaps[1]);
        let plain_sep = |g: &str| matches!(g, "-" | " " | ".");
        let opened = match country {
            None => paren,
            Some(g) => g.ends_with('('),
        };
        let area_in_parens = opened && area_gap.starts_with(')');
        let formatted = if area_in_parens {
            matches!(area_gap, ")" | ") " | ")-") && plain_sep(line_gap)
        } else {
            plain_sep(area_gap)
                && plain_sep(line_gap)
                && ((area_gap == ".") == (line_gap == "."))
                && country.is_none_or(plain_sep)
        };
        let country_ok = country.is_none_or(|g| matches!(g, " " | "-" | "." | " (" | "("));
        if formatted && country_ok {
            let first = if area_in_parens && country.is_none() {
                start - 1
            } else {
                plus_start
            };
            return Some(first);
        }
    }
    // Unformatted NANP: ten digits, or eleven with the "1", needs a phone cue
    // (or a '+') because account numbers look the same.
    if groups.len() == 1 {
        let nanp = match digits.len() {
            10 => nanp_valid(digits),
            11 => digits[0] == b'1' && nanp_valid(&digits[1..]),
            _ => false,
        };
        if nanp && (plus || cue_near(text, start, groups[0].end, PHONE_CUES)) {
            return Some(plus_start);
        }
    }
    // A seven-digit local number ("555-1234") needs a phone cue.
    if groups.len() == 2
        && groups[0].len() == 3
        && groups[1].len() == 4
        && matches!(gaps[0], "-" | ".")
        && (b'2'..=b'9').contains(&digits[0])
        && !plus
        && cue_near(text, start, groups[1].end, PHONE_CUES)
    {
        return Some(start);
    }
    // International E.164: '+', a country code not starting with 0, 8–15 digits.
    if plus
        && digits[0] != b'0'
        && (8..=15).contains(&digits.len())
        && gaps.iter().all(|g| !g.contains('/'))
    {
        return Some(plus_start);
    }
    None
}

fn number(text: &str, g: Group) -> u32 {
    text.as_bytes()[g.start..g.end]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

/// Whether three groups form a valid numeric date: month/day/year, day/month/year
/// (when the first number cannot be a month) or year-month-day.
fn numeric_date(text: &str, groups: &[Group], gaps: &[&str]) -> bool {
    if groups.len() != 3 || !matches!(gaps[0], "/" | "-" | ".") || gaps[0] != gaps[1] {
        return false;
    }
    let [a, b, c] = [groups[0], groups[1], groups[2]];
    let (na, nb, nc) = (number(text, a), number(text, b), number(text, c));
    if a.len() == 4 && b.len() <= 2 && c.len() <= 2 {
        return date_valid(na, nb, nc);
    }
    if a.len() > 2 || b.len() > 2 || !(c.len() == 2 || c.len() == 4) {
        return false;
    }
    let year = if c.len() == 2 {
        expand_two_digit_year(nc)
    } else {
        nc
    };
    date_valid(year, na, nb) || (na > 12 && date_valid(year, nb, na))
}
