//! Features of the learned model: word unigrams and bigrams (marked as distinct
//! features inside a negation scope) and character 4-grams within words, all
//! hashed into a fixed number of buckets on the fly, plus a few dense features
//! taken from the lexicon-and-rules pass.

use super::rules::{FLAG_IDIOM_REST, FLAG_IDIOM_START, FLAG_NEGATED, RuleAnalysis};
use super::tokenize::{SHAPE_HASHTAG, SHAPE_MENTION, SHAPE_URL, Token, TokenKind};

/// Number of dense (lexicon and text-shape) features, see [`dense_features`].
pub(crate) const DENSE_FEATURES: usize = 30;

/// Version of the feature definition; the weights file records it and must match.
pub(crate) const FEATURE_VERSION: u32 = 8;

/// Texts of at most this many words count as short in [`dense_features`].
const SHORT_TEXT_WORDS: u32 = 15;

/// Occurrences up to which a family is scaled like an L2 norm (1/sqrt(n)); beyond, like a mean.
const NORM_KNEE: u32 = 256;

/// The divisor of a family's summed weights, given how many feature occurrences it has:
/// sqrt(n) for short texts (the L2 norm when no feature repeats), n / sqrt(256) beyond
/// 256 occurrences, so that the hashed part of a long text is a mean and cannot drift
/// to the extremes as the text grows. Continuous at the knee.
#[inline]
pub(crate) fn family_norm(occurrences: u32) -> f32 {
    if occurrences <= NORM_KNEE {
        (occurrences.max(1) as f32).sqrt()
    } else {
        occurrences as f32 / (NORM_KNEE as f32).sqrt()
    }
}

/// The two hashed feature families; each is normalised on its own by [`family_norm`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Family {
    /// Word unigrams and bigrams.
    Word = 0,
    /// Character 4-grams within words.
    Char = 1,
}

const UNIGRAM_SALT: u64 = 0x5be0_cd19_137e_2179;
const NEGATED_SALT: u64 = 0x1f83_d9ab_fb41_bd6b;
const IDIOM_SALT: u64 = 0x6a09_e667_f3bc_c908;
const BIGRAM_SALT: u64 = 0x9b05_688c_2b3e_6c1f;
const CHAR4_SALT: u64 = 0xa54f_f53a_5f1d_36f1;
const CHAR4_NEGATED_SALT: u64 = 0x3c6e_f372_fe94_f82b;

/// The bucket of a feature key among 2^`bits`: multiply-shift (Fibonacci) hashing, whose
/// top bits mix every bit of the key.
#[inline]
pub(crate) fn bucket_of(key: u64, bits: u32) -> u32 {
    (key.wrapping_mul(0x9e37_79b9_7f4a_7c15) >> (64 - bits)) as u32
}

/// The dense features: lexicon polarity and its parts, evidence, coverage,
/// negation, punctuation, capitals, contrast and "no sentiment word at all";
/// then the text's shape (`shape` holds the tokenizer's `SHAPE_*` bits):
/// handles, hashtags, URLs, emoticons/emoji, length, and the main lexicon
/// features again for "social" texts (any of those marks or an elongated word)
/// and for short ones, so the model can weigh the lexicon differently there.
pub(crate) fn dense_features(rules: &RuleAnalysis, shape: u8) -> [f32; DENSE_FEATURES] {
    let flag = |on: bool| if on { 1.0 } else { 0.0 };
    let social = flag(shape != 0 || rules.symbols > 0 || rules.elongated_words > 0);
    let short = flag(rules.words <= SHORT_TEXT_WORDS);
    [
        rules.score,
        rules.mean,
        rules.shrunk,
        rules.shrunk * rules.shrunk.abs(),
        rules.score.max(0.0),
        (-rules.score).max(0.0),
        rules.positive,
        rules.negative,
        rules.evidence,
        rules.coverage,
        rules.negated_share,
        rules.exclamations.min(3) as f32 / 3.0,
        rules.questions.min(3) as f32 / 3.0,
        rules.caps_ratio,
        flag(rules.has_contrast),
        flag(rules.sentiment_terms == 0),
        social,
        flag(shape & SHAPE_MENTION != 0),
        flag(shape & SHAPE_HASHTAG != 0),
        flag(shape & SHAPE_URL != 0),
        flag(rules.symbols > 0),
        rules.words.min(64) as f32 / 64.0,
        social * rules.score,
        social * rules.mean,
        social * rules.shrunk,
        social * rules.positive,
        social * rules.negative,
        social * rules.evidence,
        short * rules.score,
        short * rules.mean,
    ]
}

/// Receives the hashed features of a text from [`for_each_hashed`], as 64-bit keys
/// (a sink maps them to buckets with [`bucket_of`]).
pub(crate) trait FeatureSink {
    /// One occurrence of a word-family feature (a unigram, bigram, idiom, `!` or `?`).
    fn word_feature(&mut self, key: u64);
    /// The character-family features of one word: every key [`char_gram_keys`] gives for
    /// `word` and `salt`. `word_key` identifies the pair (the lowercased word's hash and
    /// the salt), so a sink may remember the result per key: equal keys have equal grams.
    fn word_grams(&mut self, word: &str, salt: u64, word_key: u64);
}

/// Hands every hashed feature of the tokenized `text` to `sink`, once per occurrence.
pub(crate) fn for_each_hashed(text: &str, tokens: &[Token], sink: &mut impl FeatureSink) {
    let mut previous: Option<u64> = None;
    // A lexicon idiom ("not bad", "on hold for an hour") is one feature, not its words.
    let mut idiom: Option<u64> = None;
    for token in tokens {
        let unit = match token.kind {
            TokenKind::Word | TokenKind::Emoticon | TokenKind::Emoji => token.squeezed_two,
            TokenKind::Exclamation | TokenKind::Question => token.hash,
            TokenKind::ClauseBreak | TokenKind::SentenceEnd => continue,
        };
        if token.flags & FLAG_IDIOM_REST != 0 {
            idiom = Some(idiom.unwrap_or(IDIOM_SALT).rotate_left(23) ^ token.hash);
            continue;
        }
        if let Some(whole) = idiom.take() {
            sink.word_feature(whole);
            previous = Some(whole);
        }
        if token.flags & FLAG_IDIOM_START != 0 {
            idiom = Some(IDIOM_SALT.rotate_left(23) ^ token.hash);
            continue;
        }
        // Inside a negation scope, words and their character grams become distinct features.
        let negated = token.flags & FLAG_NEGATED != 0;
        let salt = if negated { NEGATED_SALT } else { UNIGRAM_SALT };
        sink.word_feature(unit ^ salt);
        if let Some(before) = previous {
            sink.word_feature(before.rotate_left(17) ^ unit ^ BIGRAM_SALT);
        }
        previous = Some(unit);
        if token.kind == TokenKind::Word {
            let salt = if negated {
                CHAR4_NEGATED_SALT
            } else {
                CHAR4_SALT
            };
            // `hash` is of the lowercased word, which alone decides its grams.
            sink.word_grams(
                &text[token.start as usize..token.end as usize],
                salt,
                token.hash ^ salt,
            );
        }
    }
    if let Some(whole) = idiom {
        sink.word_feature(whole);
    }
}

/// Calls `key` with the hash of each character 4-gram of one word padded with a space
/// on each side (lowercased, typographic apostrophes folded), salted by `salt`.
#[inline]
pub(crate) fn char_gram_keys(word: &str, salt: u64, mut key: impl FnMut(u64)) {
    let mut grams = CharGrams {
        salt,
        window: u64::from(b' '),
        seen: 1,
    };
    if word.is_ascii() {
        for &b in word.as_bytes() {
            let lower = if b == b'`' {
                b'\''
            } else {
                b.to_ascii_lowercase()
            };
            grams.push(u64::from(lower), &mut key);
        }
    } else {
        for c in word.chars().flat_map(char::to_lowercase) {
            let c = if matches!(c, '\u{2019}' | '\u{2018}' | '`') {
                '\''
            } else {
                c
            };
            // Code points beyond 16 bits are folded into 16 (they are rare inside words).
            let c = c as u64;
            grams.push((c ^ (c >> 16)) & 0xffff, &mut key);
        }
    }
    grams.push(u64::from(b' '), &mut key);
}

/// The last four characters, 16 bits each, packed into one key.
struct CharGrams {
    salt: u64,
    window: u64,
    seen: usize,
}

impl CharGrams {
    #[inline]
    fn push(&mut self, c: u64, key: &mut impl FnMut(u64)) {
        self.window = self.window << 16 | c;
        self.seen += 1;
        if self.seen >= 4 {
            // `bucket_of` multiplies, which mixes every bit of the packed key into the bucket.
            key(self.window ^ self.salt);
        }
    }
}
