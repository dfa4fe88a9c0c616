//! The built-in lexicon (`lexicon.txt`): word and phrase valences, intensity
//! modifiers, negators, contrast words, emotion and urgency cues.
//!
//! Terms are tokenized with the same tokenizer as the analysed text, so a term
//! matches exactly the token sequence it would produce (phrases, emoticons and
//! emoji alike), and look-ups are by precomputed hash with no allocation.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use super::tokenize::{FLAG_CONTRACTED_NEGATION, Token, TokenKind, tokenize};
use crate::{Error, Result};

/// The lexicon source shipped with the crate.
const BUILTIN_SOURCE: &str = include_str!("lexicon.txt");

/// Number of emotions tracked, in the order of [`EMOTION_SECTIONS`].
pub(crate) const EMOTION_COUNT: usize = 5;
/// Section names of the emotion cues; the index is the emotion's slot.
pub(crate) const EMOTION_SECTIONS: [&str; EMOTION_COUNT] =
    ["frustrated", "angry", "confused", "satisfied", "happy"];
/// Slot of frustration in emotion arrays.
pub(crate) const FRUSTRATED: usize = 0;
/// Slot of anger in emotion arrays.
pub(crate) const ANGRY: usize = 1;
/// Slot of confusion in emotion arrays.
pub(crate) const CONFUSED: usize = 2;
/// Slot of satisfaction in emotion arrays.
pub(crate) const SATISFIED: usize = 3;
/// Slot of happiness in emotion arrays.
pub(crate) const HAPPY: usize = 4;

/// Everything the lexicon knows about one word or phrase.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Entry {
    /// Polarity on a -4..4 scale.
    pub valence: Option<f32>,
    /// Relative intensity change applied to the next sentiment term.
    pub modifier: Option<f32>,
    /// Flips the polarity of what follows in its clause.
    pub negator: bool,
    /// > 0: the clause after weighs more; < 0: the clause containing it weighs less.
    pub contrast: Option<f32>,
    /// Emotion cue strengths, in [`EMOTION_SECTIONS`] order.
    pub emotions: [f32; EMOTION_COUNT],
    /// Urgency cue strength.
    pub urgency: f32,
    /// Whether the term spans several tokens (a set phrase or idiom).
    pub is_phrase: bool,
}

/// A pass-through hasher for keys that are already well-mixed 64-bit hashes.
#[derive(Default)]
pub(crate) struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    fn write_u64(&mut self, value: u64) {
        // The map takes its bucket from the low bits and a tag from the top ones: mix both.
        self.0 = (value ^ (value >> 32)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
}

type PrehashedMap<V> = HashMap<u64, V, BuildHasherDefault<PrehashedHasher>>;

/// A phrase after its first two tokens: the hashes of the tokens after the second, and its entry.
#[derive(Debug)]
struct Phrase {
    rest: Box<[u64]>,
    entry: u32,
}

/// The key of a phrase's first two tokens, from their hashes.
#[inline]
fn pair_key(first: u64, second: u64) -> u64 {
    first.rotate_left(23).wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ second
}

/// A filter over hashes: one bit per value of a mixed hash's top `bits` bits. A clear bit
/// means the hash is certainly not in the set, which settles most look-ups of ordinary words
/// (and word pairs) without touching a map. Kept small, so that it stays in the L1 cache.
#[derive(Debug, Default)]
struct HashFilter {
    bits: u32,
    words: Box<[u64]>,
}

impl HashFilter {
    /// An empty filter of 2^`bits` bits (`bits` at least 6).
    fn new(bits: u32) -> Self {
        HashFilter {
            bits,
            words: vec![0; 1 << (bits - 6)].into_boxed_slice(),
        }
    }

    #[inline]
    fn bit(&self, hash: u64) -> usize {
        ((hash ^ (hash >> 29)).wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - self.bits)) as usize
    }

    fn insert(&mut self, hash: u64) {
        let bit = self.bit(hash);
        self.words[bit >> 6] |= 1 << (bit & 63);
    }

    #[inline]
    fn may_contain(&self, hash: u64) -> bool {
        let bit = self.bit(hash);
        self.words[bit >> 6] & (1 << (bit & 63)) != 0
    }
}

/// The parsed lexicon.
#[derive(Debug, Default)]
pub(crate) struct Lexicon {
    entries: Vec<Entry>,
    /// Single-token terms by the token's hash.
    singles: PrehashedMap<u32>,
    single_filter: HashFilter,
    /// Phrases by the [`pair_key`] of their first two tokens, longest first.
    phrases: PrehashedMap<Vec<Phrase>>,
    phrase_filter: HashFilter,
}

/// A lexicon match: the entry and how many tokens it spans.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Match<'a> {
    /// The matched entry.
    pub entry: &'a Entry,
    /// Number of tokens covered.
    pub length: usize,
}

impl Lexicon {
    /// The lexicon shipped with the crate, parsed once.
    pub(crate) fn builtin() -> Result<&'static Lexicon> {
        static BUILTIN: OnceLock<std::result::Result<Lexicon, String>> = OnceLock::new();
        BUILTIN
            .get_or_init(|| Lexicon::parse(BUILTIN_SOURCE).map_err(|e| e.to_string()))
            .as_ref()
            .map_err(|message| {
                Error::InvalidArgument(format!("built-in sentiment lexicon: {message}"))
            })
    }

    /// The text of the built-in lexicon.
    pub(crate) fn builtin_source() -> &'static str {
        BUILTIN_SOURCE
    }

    /// Parses lexicon text (see the header of `lexicon.txt` for the format).
    pub(crate) fn parse(source: &str) -> Result<Lexicon> {
        let mut keyed: HashMap<Vec<u64>, Entry> = HashMap::new();
        let mut seen: HashMap<(String, Vec<u64>), usize> = HashMap::new();
        let mut section = String::new();
        let mut tokens = Vec::new();
        for (index, raw) in source.lines().enumerate() {
            let line_number = index + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
                section = name.to_string();
                continue;
            }
            let bad = |message: &str| {
                Error::InvalidArgument(format!("lexicon line {line_number}: {message}"))
            };
            let (term, value) = line
                .rsplit_once(char::is_whitespace)
                .ok_or_else(|| bad("expected TERM VALUE"))?;
            let term = term.trim();
            let value: f32 = value
                .parse()
                .map_err(|_| bad("the value is not a number"))?;
            if !value.is_finite() {
                return Err(bad("the value is not finite"));
            }
            tokenize(term, &mut tokens);
            if tokens.is_empty() || tokens.iter().any(|t| !t.kind.is_lexical()) {
                return Err(bad("the term must be words, an emoticon or emoji"));
            }
            let key: Vec<u64> = tokens.iter().map(|t| t.hash).collect();
            if let Some(first) = seen.insert((section.clone(), key.clone()), line_number) {
                return Err(bad(&format!(
                    "`{term}` repeats line {first} of section [{section}]"
                )));
            }
            let entry = keyed.entry(key).or_default();
            entry.is_phrase = tokens.len() > 1;
            match section.as_str() {
                "valence" => entry.valence = Some(value),
                "modifier" => entry.modifier = Some(value),
                "negator" => entry.negator = true,
                "contrast" => entry.contrast = Some(value),
                "urgency" => entry.urgency = value,
                other => match EMOTION_SECTIONS.iter().position(|name| *name == other) {
                    Some(slot) => entry.emotions[slot] = value,
                    None => return Err(bad(&format!("unknown section [{other}]"))),
                },
            }
        }
        inherit_cues(&mut keyed);
        // About 2,200 single terms and 400 phrase openings: 4 KiB and 1 KiB filters pass
        // some 6 % and 5 % of the words and pairs that are no term.
        let mut lexicon = Lexicon {
            single_filter: HashFilter::new(15),
            phrase_filter: HashFilter::new(13),
            ..Lexicon::default()
        };
        let mut keyed: Vec<(Vec<u64>, Entry)> = keyed.into_iter().collect();
        // Deterministic layout, longest phrases first within each first token.
        keyed.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.0.cmp(&b.0)));
        for (key, entry) in keyed {
            let id = lexicon.entries.len() as u32;
            lexicon.entries.push(entry);
            if let [single] = key[..] {
                lexicon.singles.insert(single, id);
                lexicon.single_filter.insert(single);
            } else {
                let pair = pair_key(key[0], key[1]);
                lexicon.phrase_filter.insert(pair);
                lexicon.phrases.entry(pair).or_default().push(Phrase {
                    rest: key[2..].to_vec().into_boxed_slice(),
                    entry: id,
                });
            }
        }
        Ok(lexicon)
    }

    /// Number of distinct terms.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    /// The entry of the single-token term with this hash.
    #[inline(always)]
    fn single(&self, hash: u64) -> Option<&Entry> {
        if !self.single_filter.may_contain(hash) {
            return None;
        }
        self.singles
            .get(&hash)
            .map(|&id| &self.entries[id as usize])
    }

    /// Whether the token is a negation on its own ("not", "never", "don't").
    pub(crate) fn is_negator(&self, token: &Token) -> bool {
        token.has(FLAG_CONTRACTED_NEGATION) || self.single(token.hash).is_some_and(|e| e.negator)
    }

    /// The longest term starting at `tokens[at]`, if any.
    ///
    /// Phrases match token hashes exactly and never cross punctuation; a single
    /// word also matches through its squeezed and suffix-stripped forms.
    pub(crate) fn match_at(&self, tokens: &[Token], at: usize) -> Option<Match<'_>> {
        let first = tokens.get(at)?;
        if let Some(second) = tokens.get(at + 1).filter(|t| t.kind.is_lexical()) {
            let pair = pair_key(first.hash, second.hash);
            if self.phrase_filter.may_contain(pair)
                && let Some(phrases) = self.phrases.get(&pair)
            {
                for phrase in phrases {
                    let end = at + 2 + phrase.rest.len();
                    if end <= tokens.len()
                        && tokens[at + 2..end]
                            .iter()
                            .zip(phrase.rest.iter())
                            .all(|(token, &hash)| token.kind.is_lexical() && token.hash == hash)
                    {
                        return Some(Match {
                            entry: &self.entries[phrase.entry as usize],
                            length: end - at,
                        });
                    }
                }
            }
        }
        let entry = self.single(first.hash).or_else(|| {
            if first.kind != TokenKind::Word {
                return None;
            }
            let squeezed = [first.squeezed_two, first.squeezed_one];
            squeezed
                .into_iter()
                .filter(|&h| h != first.hash)
                .chain(first.stems.into_iter().filter(|&h| h != 0))
                .find_map(|h| self.single(h))
        })?;
        Some(Match { entry, length: 1 })
    }
}

/// A phrase with a valence takes the emotion and urgency cues of its words that
/// agree with its polarity ("this is ridiculous" is angry like "ridiculous";
/// "not great" does not become happy), unless it names its own.
fn inherit_cues(keyed: &mut HashMap<Vec<u64>, Entry>) {
    let positive_emotion = |slot: usize| slot == SATISFIED || slot == HAPPY;
    let mut inherited: Vec<(Vec<u64>, [f32; EMOTION_COUNT], f32)> = Vec::new();
    for (key, entry) in keyed.iter() {
        let Some(valence) = entry.valence else {
            continue;
        };
        if key.len() < 2 {
            continue;
        }
        let mut emotions = entry.emotions;
        let mut urgency = entry.urgency;
        for word in key
            .iter()
            .filter_map(|hash| keyed.get(std::slice::from_ref(hash)))
        {
            for (slot, cue) in emotions.iter_mut().enumerate() {
                if entry.emotions[slot] == 0.0 && positive_emotion(slot) == (valence > 0.0) {
                    *cue = cue.max(word.emotions[slot]);
                }
            }
            if entry.urgency == 0.0 {
                urgency = urgency.max(word.urgency);
            }
        }
        inherited.push((key.clone(), emotions, urgency));
    }
    for (key, emotions, urgency) in inherited {
        if let Some(entry) = keyed.get_mut(&key) {
            entry.emotions = emotions;
            entry.urgency = urgency;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn match_text(text: &str) -> Option<(Entry, usize)> {
        let lexicon = Lexicon::builtin().expect("built-in lexicon parses");
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        lexicon.match_at(&tokens, 0).map(|m| (*m.entry, m.length))
    }

    #[test]
    fn builtin_lexicon_parses_with_thousands_of_terms() {
        let lexicon = Lexicon::builtin().expect("built-in lexicon parses");
        assert!(lexicon.len() > 2000, "only {} terms", lexicon.len());
    }

    #[test]
    fn longest_phrase_wins() {
        let (entry, length) = match_text("thank you so much").unwrap();
        assert_eq!(length, 4);
        assert!(entry.valence.unwrap() > 2.5);
        assert!(entry.emotions[HAPPY] > 0.0);
        let (_, length) = match_text("thank you kindly").unwrap();
        assert_eq!(length, 2);
    }

    #[test]
    fn inflections_and_elongations_fall_back_to_the_base_word() {
        assert_eq!(match_text("loooove").unwrap().0.valence, Some(3.1));
        assert_eq!(match_text("BEAUTIFULLY").unwrap().0.valence, Some(2.8));
        assert_eq!(match_text("disappointments").unwrap().0.valence, Some(-2.4));
    }

    #[test]
    fn phrases_inherit_agreeing_cues_of_their_words() {
        assert!(match_text("this is ridiculous").unwrap().0.emotions[ANGRY] > 0.5);
        assert_eq!(match_text("not great").unwrap().0.emotions[HAPPY], 0.0);
    }

    #[test]
    fn emoticons_and_emoji_match() {
        assert!(match_text(":-)").unwrap().0.valence.unwrap() > 1.0);
        assert!(match_text(":D").unwrap().0.valence.unwrap() > 1.0);
        assert!(match_text("😡").unwrap().0.emotions[ANGRY] > 0.5);
    }

    #[test]
    fn malformed_lexicons_are_rejected() {
        assert!(Lexicon::parse("[valence]\ngood\n").is_err());
        assert!(Lexicon::parse("[valence]\ngood x\n").is_err());
        assert!(Lexicon::parse("[valence]\ngood 1\ngood 2\n").is_err());
        assert!(Lexicon::parse("[nonsense]\ngood 1\n").is_err());
        assert!(Lexicon::parse("[valence]\n!! 1\n").is_err());
        assert!(Lexicon::parse("[valence]\ngood 1\n[modifier]\ngood 0.1\n").is_ok());
    }
}
