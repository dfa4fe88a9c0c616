//! E-mail addresses, written or read aloud. Written: a local part, '@', and a domain of at least two
//! dot-separated labels ending in an alphabetic top-level label. Letters and
//! digits of any script are accepted (internationalised addresses).

use super::{Candidate, PiiKind};

fn is_local_char(c: char) -> bool {
    c.is_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_label_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// Finds e-mail addresses and appends them to `out`.
pub(crate) fn scan(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    for at in (0..bytes.len()).filter(|&i| bytes[i] == b'@') {
        let mut start = at;
        for (i, c) in text[..at].char_indices().rev() {
            if !is_local_char(c) {
                break;
            }
            start = i;
        }
        // A local part starts with a letter, digit or underscore and does not end with a dot.
        let local = &text[start..at];
        let Some(offset) = local.find(|c: char| c.is_alphanumeric() || c == '_') else {
            continue;
        };
        if local.ends_with('.') {
            continue;
        }
        if let Some(end) = domain_end(text, at + 1) {
            out.push(Candidate {
                kind: PiiKind::Email,
                start: start + offset,
                end,
            });
        }
    }
}

/// The end of a domain starting at `from`, if one is there.
fn domain_end(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    let mut labels = 0;
    loop {
        let rest = &text[at..];
        let len = rest.find(|c: char| !is_label_char(c)).unwrap_or(rest.len());
        let label = &rest[..len];
        if label.is_empty() || label.starts_with('-') || label.ends_with('-') {
            return None;
        }
        labels += 1;
        at += len;
        // Continue past a dot only when another label follows ("x.com." ends at "com").
        let after_dot = text[at..].strip_prefix('.').and_then(|r| r.chars().next());
        if after_dot.is_some_and(char::is_alphanumeric) {
            at += 1;
        } else {
            let tld_ok = label.chars().count() >= 2 && label.chars().all(char::is_alphabetic);
            return (labels >= 2 && tld_ok).then_some(at);
        }
    }
}

/// Words that join parts of a spoken address ("john dot smith", "k underscore lee").
const SPOKEN_JOINERS: &[&str] = &["dot", "underscore", "dash", "hyphen"];
/// Top-level domains a spoken address may end in.
const SPOKEN_TLDS: &[&str] = &[
    "com", "net", "org", "edu", "gov", "io", "co", "us", "uk", "ca", "de", "fr", "es", "it", "nl",
    "au", "in", "info", "biz", "me", "ai", "app", "dev",
];
/// Words before "at" that are never the local part of an address ("look at google dot com").
const NOT_LOCAL: &[&str] = &[
    "me", "us", "him", "her", "them", "it", "is", "look", "looking", "site", "website", "online",
    "home", "work", "email", "mail", "address", "there", "here", "m", "s", "re", "you", "be",
    "arrive", "arrived", "stay", "staying",
];

fn word_is(text: &str, w: (usize, usize), options: &[&str]) -> bool {
    let word = &text.as_bytes()[w.0..w.1];
    options
        .iter()
        .any(|o| o.as_bytes().eq_ignore_ascii_case(word))
}

/// Finds addresses read aloud ("john dot smith at gmail dot com",
/// "k_lee at example.org") and appends them to `out`.
pub(crate) fn scan_spoken(text: &str, out: &mut Vec<Candidate>) {
    let bytes = text.as_bytes();
    let has_at = bytes
        .windows(4)
        .any(|w| w[0] == b' ' && w[1..3].eq_ignore_ascii_case(b"at") && w[3] == b' ');
    if !has_at {
        return;
    }
    // ASCII letter-or-digit words, bounded by non-word chars.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if !bytes[i].is_ascii_alphanumeric() {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        let bounded =
            !super::text::word_char_before(text, start) && !super::text::word_char_at(text, i);
        if bounded {
            words.push((start, i));
        }
    }
    let gap = |a: usize, b: usize| &text[words[a].1..words[b].0];
    for k in 1..words.len().saturating_sub(1) {
        if !word_is(text, words[k], &["at"]) || gap(k - 1, k) != " " || gap(k, k + 1) != " " {
            continue;
        }
        // Domain: labels joined by " dot " or '.'.
        let mut last = k + 1;
        let mut labels = 1;
        loop {
            if last + 2 < words.len()
                && word_is(text, words[last + 1], &["dot"])
                && gap(last, last + 1) == " "
                && gap(last + 1, last + 2) == " "
            {
                last += 2;
            } else if last + 1 < words.len() && gap(last, last + 1) == "." {
                last += 1;
            } else {
                break;
            }
            labels += 1;
        }
        if labels < 2 || !word_is(text, words[last], SPOKEN_TLDS) {
            continue;
        }
        // Local part: words joined by a spoken joiner or by '.', '_', '-'.
        let mut first = k - 1;
        let mut parts = 1;
        loop {
            if first >= 2
                && word_is(text, words[first - 1], SPOKEN_JOINERS)
                && gap(first - 2, first - 1) == " "
                && gap(first - 1, first) == " "
            {
                first -= 2;
            } else if first >= 1 && matches!(gap(first - 1, first), "." | "_" | "-") {
                first -= 1;
            } else {
                break;
            }
            parts += 1;
        }
        if parts == 1 && word_is(text, words[first], NOT_LOCAL) {
            continue;
        }
        out.push(Candidate {
            kind: PiiKind::Email,
            start: words[first].0,
            end: words[last].1,
        });
    }
}
