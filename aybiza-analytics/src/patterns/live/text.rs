//! Word normalization and wildcard phrase matching over an Aho-Corasick automaton.
//!
//! Text is cut into words (runs of letters and digits; apostrophes inside a word are dropped,
//! so `don't` is `dont`), lower-cased, and joined with single spaces between a leading and a
//! trailing space. A phrase is a list of literal word runs ("segments") separated by wildcards;
//! the automaton finds every segment (`" cancel my "` only matches whole words), and a phrase
//! matches where its segments follow each other with the gaps its wildcards allow.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Most words a `**` wildcard skips.
pub const MAX_DOUBLE_STAR_WORDS: usize = 3;

/// Words of a text: the normalized form and each word's character span in the original.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Words {
    /// `" w1 w2 … "`: lower-case words between single spaces, with a leading and a trailing space.
    pub joined: String,
    /// Byte offset in `joined` where each word starts.
    pub starts: Vec<usize>,
    /// Each word's `[start, end)` character offsets in the original text.
    pub chars: Vec<(usize, usize)>,
}

impl Words {
    /// Normalizes `text`.
    pub fn of(text: &str) -> Words {
        let mut words = Words {
            joined: String::with_capacity(text.len() + 2),
            ..Words::default()
        };
        words.joined.push(' ');
        let mut open: Option<usize> = None;
        let mut last_char = 0;
        for (index, ch) in text.chars().enumerate() {
            if ch.is_alphanumeric() {
                if open.is_none() {
                    open = Some(index);
                    words.starts.push(words.joined.len());
                }
                words.joined.extend(ch.to_lowercase());
                last_char = index + 1;
            } else if open.is_some() && (ch == '\'' || ch == '\u{2019}') {
                // Inside a word: dropped ("don't" is "dont"); a trailing one closes nothing.
            } else if let Some(start) = open.take() {
                words.chars.push((start, last_char));
                words.joined.push(' ');
            }
        }
        if let Some(start) = open {
            words.chars.push((start, last_char));
            words.joined.push(' ');
        }
        words
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// The last `n` words (or all of them).
    pub fn into_tail(self, n: usize) -> Words {
        let skip = self.len().saturating_sub(n);
        if skip == 0 {
            return self;
        }
        if skip == self.len() {
            return Words::of("");
        }
        let cut = self.starts[skip] - 1;
        Words {
            joined: self.joined[cut..].to_owned(),
            starts: self.starts[skip..].iter().map(|s| s - cut).collect(),
            chars: self.chars[skip..].to_vec(),
        }
    }

    /// `self` followed by `next`.
    pub fn concat(&self, next: &Words) -> Words {
        let shift = self.joined.len() - 1;
        let mut joined = self.joined.clone();
        joined.push_str(&next.joined[1..]);
        let mut starts = self.starts.clone();
        starts.extend(next.starts.iter().map(|s| s + shift));
        let mut chars = self.chars.clone();
        chars.extend_from_slice(&next.chars);
        Words {
            joined,
            starts,
            chars,
        }
    }
}

/// A gap between two segments of a phrase: how many words it may skip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Gap {
    min: usize,
    max: usize,
}

/// A parsed phrase: literal word runs and the gaps between them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhrasePattern {
    /// Literal runs, each as its words joined by single spaces.
    segments: Vec<String>,
    /// `gaps[i]` lies between `segments[i]` and `segments[i + 1]`.
    gaps: Vec<Gap>,
}

impl PhrasePattern {
    /// Parses a phrase; the error says what is wrong with it.
    pub fn parse(phrase: &str) -> Result<PhrasePattern, String> {
        let mut segments: Vec<Vec<String>> = vec![Vec::new()];
        let mut gaps = Vec::new();
        for token in phrase.split_whitespace() {
            let gap = match token {
                "*" => Some(Gap { min: 1, max: 1 }),
                "**" => Some(Gap {
                    min: 0,
                    max: MAX_DOUBLE_STAR_WORDS,
                }),
                _ if token.contains('*') => {
                    return Err(format!(
                        "`{token}`: a wildcard (`*` or `**`) must stand alone between spaces"
                    ));
                }
                _ => None,
            };
            match gap {
                Some(gap) => {
                    if segments.last().is_some_and(Vec::is_empty) {
                        return Err(
                            "a phrase cannot start with a wildcard or hold two in a row".into()
                        );
                    }
                    gaps.push(gap);
                    segments.push(Vec::new());
                }
                None => {
                    let words = Words::of(token);
                    let current = segments.last_mut().expect("always one segment");
                    current.extend(words.joined.split_whitespace().map(str::to_owned));
                }
            }
        }
        if segments.len() == 1 && segments[0].is_empty() {
            return Err("the phrase has no words".into());
        }
        if segments.last().is_some_and(Vec::is_empty) {
            return Err("a phrase cannot end with a wildcard".into());
        }
        if segments.iter().any(Vec::is_empty) {
            return Err("a wildcard must sit between words".into());
        }
        Ok(PhrasePattern {
            segments: segments.into_iter().map(|words| words.join(" ")).collect(),
            gaps,
        })
    }

    /// The most words a match can span.
    pub fn max_words(&self) -> usize {
        self.segments
            .iter()
            .map(|s| s.split(' ').count())
            .sum::<usize>()
            + self.gaps.iter().map(|g| g.max).sum::<usize>()
    }
}

/// Where a phrase matched: word indices `[start, end)` in the searched [`Words`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhraseMatch {
    /// The phrase's index in the [`PhraseMatcher`].
    pub phrase: usize,
    /// First word.
    pub start: usize,
    /// One past the last word.
    pub end: usize,
}

/// Every phrase of a rule set, compiled into one automaton over their segments.
#[derive(Debug, Clone)]
pub struct PhraseMatcher {
    automaton: Option<AhoCorasick>,
    /// Per segment (automaton pattern): its word count.
    segment_words: Vec<usize>,
    /// Per phrase: its segment ids and gaps.
    phrases: Vec<(Vec<usize>, Vec<Gap>)>,
    /// Longest possible match, in words.
    max_words: usize,
}

impl PhraseMatcher {
    /// Compiles `patterns`; phrase `i` of the matcher is `patterns[i]`.
    pub fn new(patterns: &[PhrasePattern]) -> PhraseMatcher {
        let mut segment_ids: rustc_hash::FxHashMap<&str, usize> = Default::default();
        let mut needles: Vec<String> = Vec::new();
        let mut segment_words = Vec::new();
        let mut phrases = Vec::with_capacity(patterns.len());
        for pattern in patterns {
            let ids = pattern
                .segments
                .iter()
                .map(|segment| {
                    *segment_ids.entry(segment.as_str()).or_insert_with(|| {
                        needles.push(format!(" {segment} "));
                        segment_words.push(segment.split(' ').count());
                        needles.len() - 1
                    })
                })
                .collect();
            phrases.push((ids, pattern.gaps.clone()));
        }
        let automaton = (!needles.is_empty()).then(|| {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::Standard)
                .build(&needles)
                .expect("word patterns are far below the automaton's size limits")
        });
        PhraseMatcher {
            automaton,
            segment_words,
            phrases,
            max_words: patterns
                .iter()
                .map(PhrasePattern::max_words)
                .max()
                .unwrap_or(0),
        }
    }

    /// Longest possible match, in words.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// Every match in `words` that ends at or after word `min_end` (so matches already reported
    /// in a carried-over tail are skipped), at most one per phrase and start word.
    pub fn find(&self, words: &Words, min_end: usize) -> Vec<PhraseMatch> {
        let Some(automaton) = &self.automaton else {
            return Vec::new();
        };
        // (segment, start word) of every segment occurrence.
        let mut found: Vec<(usize, usize)> = Vec::new();
        for m in automaton.find_overlapping_iter(&words.joined) {
            // The needle's leading space is at m.start(); its first word starts one byte later.
            if let Ok(word) = words.starts.binary_search(&(m.start() + 1)) {
                found.push((m.pattern().as_usize(), word));
            }
        }
        if found.is_empty() {
            return Vec::new();
        }
        let mut matches = Vec::new();
        for (phrase, (segments, gaps)) in self.phrases.iter().enumerate() {
            for &(segment, start) in &found {
                if segment != segments[0] {
                    continue;
                }
                if let Some(end) = self.extend(
                    &found,
                    segments,
                    gaps,
                    1,
                    start + self.segment_words[segment],
                ) && end > min_end
                {
                    matches.push(PhraseMatch { phrase, start, end });
                }
            }
        }
        matches
    }

    /// The end word of the earliest-ending completion of `segments[next..]` from word `at`.
    fn extend(
        &self,
        found: &[(usize, usize)],
        segments: &[usize],
        gaps: &[Gap],
        next: usize,
        at: usize,
    ) -> Option<usize> {
        if next == segments.len() {
            return Some(at);
        }
        let gap = gaps[next - 1];
        let segment = segments[next];
        (at + gap.min..=at + gap.max)
            .filter(|start| found.contains(&(segment, *start)))
            .find_map(|start| {
                self.extend(
                    found,
                    segments,
                    gaps,
                    next + 1,
                    start + self.segment_words[segment],
                )
            })
    }
}
