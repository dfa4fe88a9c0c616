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

/// One word of a [`Words`]: where it sits in the normalized text and in the original one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WordSpan {
    /// Byte offset in [`Words::joined`] where the word starts.
    pub start: u32,
    /// Character offset in the original text where the word starts.
    pub char_start: u32,
    /// Character offset in the original text where the word ends (exclusive).
    pub char_end: u32,
}

/// Words of one or more texts: the normalized form and each word's span. The buffers are meant
/// to be reused ([`Words::clear`], then [`Words::push_text`] or [`Words::extend_from`]), so that
/// normalizing an utterance allocates nothing once they have grown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Words {
    /// `" w1 w2 … "`: lower-case words between single spaces, with a leading and a trailing space.
    pub joined: String,
    /// Each word, in order.
    pub spans: Vec<WordSpan>,
}

impl Default for Words {
    fn default() -> Self {
        Words {
            joined: " ".to_owned(),
            spans: Vec::new(),
        }
    }
}

/// Offsets are kept as `u32`; texts beyond 4 GiB saturate (utterances are far shorter).
fn offset(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

impl Words {
    /// Normalizes `text`.
    pub fn of(text: &str) -> Words {
        let mut words = Words::default();
        words.push_text(text);
        words
    }

    /// Removes every word, keeping the buffers.
    pub fn clear(&mut self) {
        self.joined.clear();
        self.joined.push(' ');
        self.spans.clear();
    }

    /// Appends the words of `text`; their character offsets are counted from `text`'s start.
    pub fn push_text(&mut self, text: &str) {
        let mut open: Option<(usize, usize)> = None;
        let mut last_char = 0;
        for (index, ch) in text.chars().enumerate() {
            if ch.is_alphanumeric() {
                if open.is_none() {
                    open = Some((self.joined.len(), index));
                }
                self.joined.extend(ch.to_lowercase());
                last_char = index + 1;
            } else if open.is_some() && (ch == '\'' || ch == '\u{2019}') {
                // Inside a word: dropped ("don't" is "dont"); a trailing one closes nothing.
            } else if let Some((start, char_start)) = open.take() {
                self.close_word(start, char_start, last_char);
            }
        }
        if let Some((start, char_start)) = open {
            self.close_word(start, char_start, last_char);
        }
    }

    fn close_word(&mut self, start: usize, char_start: usize, char_end: usize) {
        self.spans.push(WordSpan {
            start: offset(start),
            char_start: offset(char_start),
            char_end: offset(char_end),
        });
        self.joined.push(' ');
    }

    /// Appends `other`'s words from word `from` on (nothing when it has fewer), keeping their
    /// character offsets.
    pub fn extend_from(&mut self, other: &Words, from: usize) {
        let Some(first) = other.spans.get(from) else {
            return;
        };
        let cut = first.start as usize;
        let base = self.joined.len();
        self.joined.push_str(&other.joined[cut..]);
        self.spans
            .extend(other.spans[from..].iter().map(|span| WordSpan {
                start: offset(span.start as usize - cut + base),
                ..*span
            }));
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Heap bytes held by the buffers (their capacity).
    pub fn heap_bytes(&self) -> usize {
        self.joined.capacity() + self.spans.capacity() * std::mem::size_of::<WordSpan>()
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

/// Buffers [`PhraseMatcher::find`] fills, kept from one utterance to the next.
#[derive(Debug, Clone, Default)]
pub struct MatchBuffers {
    /// (segment, start word) of every segment occurrence, in the automaton's order.
    found: Vec<(usize, usize)>,
    /// The same, sorted, for look-ups.
    sorted: Vec<(usize, usize)>,
    /// (next segment of the phrase, word) states of the current phrase known to have no
    /// completion, so that a phrase with wildcards is searched in time linear in its states
    /// rather than exponential in its wildcards.
    dead_ends: rustc_hash::FxHashSet<(usize, usize)>,
    /// The matches of the last search.
    pub matches: Vec<PhraseMatch>,
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

    /// Every match in `words` that ends after word `min_end` (so matches lying entirely in a
    /// carried-over tail of `min_end` words are skipped), at most one per phrase and start word,
    /// into `buffers.matches` (cleared first).
    pub fn find(&self, words: &Words, min_end: usize, buffers: &mut MatchBuffers) {
        buffers.found.clear();
        buffers.matches.clear();
        let Some(automaton) = &self.automaton else {
            return;
        };
        // (segment, start word) of every segment occurrence.
        for m in automaton.find_overlapping_iter(&words.joined) {
            // The needle's leading space is at m.start(); its first word starts one byte later.
            let at = offset(m.start() + 1);
            if let Ok(word) = words.spans.binary_search_by_key(&at, |span| span.start) {
                buffers.found.push((m.pattern().as_usize(), word));
            }
        }
        if buffers.found.is_empty() {
            return;
        }
        let MatchBuffers {
            found,
            sorted,
            dead_ends,
            matches,
        } = buffers;
        sorted.clear();
        sorted.extend_from_slice(found);
        sorted.sort_unstable();
        for (phrase, (segments, gaps)) in self.phrases.iter().enumerate() {
            dead_ends.clear();
            for &(segment, start) in found.iter() {
                if segment != segments[0] {
                    continue;
                }
                let search = Completion {
                    matcher: self,
                    found: sorted,
                    segments,
                    gaps,
                };
                if let Some(end) = search.extend(dead_ends, 1, start + self.segment_words[segment])
                    && end > min_end
                {
                    matches.push(PhraseMatch { phrase, start, end });
                }
            }
        }
    }
}

/// The search for the rest of one phrase after its first segment.
struct Completion<'a> {
    matcher: &'a PhraseMatcher,
    /// Sorted (segment, start word) occurrences.
    found: &'a [(usize, usize)],
    segments: &'a [usize],
    gaps: &'a [Gap],
}

impl Completion<'_> {
    /// The end word of the earliest-ending completion of `segments[next..]` from word `at`;
    /// records the states found to have none in `dead_ends`.
    fn extend(
        &self,
        dead_ends: &mut rustc_hash::FxHashSet<(usize, usize)>,
        next: usize,
        at: usize,
    ) -> Option<usize> {
        if next == self.segments.len() {
            return Some(at);
        }
        if dead_ends.contains(&(next, at)) {
            return None;
        }
        let gap = self.gaps[next - 1];
        let segment = self.segments[next];
        for start in at + gap.min..=at + gap.max {
            if self.found.binary_search(&(segment, start)).is_ok()
                && let Some(end) = self.extend(
                    dead_ends,
                    next + 1,
                    start + self.matcher.segment_words[segment],
                )
            {
                return Some(end);
            }
        }
        dead_ends.insert((next, at));
        None
    }
}
