//! Transcripts to vectors: TF-IDF over word unigrams and bigrams (customer turns weighted), sketched
//! to a few dense dimensions, beside an IDF-weighted mean of static word vectors ([`super::embed`]).

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::TranscribedCall;
use super::embed::{WordVectors, normalize};
use crate::model::Speaker;
use crate::{Error, Result};

/// How transcripts become vectors.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VectorizeOptions {
    /// Weight of a customer turn's words (agent turns weigh 1, bot turns half).
    pub customer_weight: f32,
    /// A term must appear in at least this many calls to count.
    pub min_calls_per_term: usize,
    /// A term in more than this share of calls is too common to tell groups apart and is dropped.
    pub max_call_share_per_term: f64,
    /// Dense dimensions the TF-IDF vector is sketched to (signed feature hashing, which keeps cosines on average).
    pub tfidf_dims: usize,
    /// Dimensions of the word vectors used (the leading principal components of the shipped table; 0 turns
    /// semantic features off).
    pub semantic_dims: usize,
    /// Share of the squared length given to the semantic part (0 = TF-IDF only, 1 = semantic only).
    pub semantic_weight: f32,
}

impl Default for VectorizeOptions {
    fn default() -> Self {
        Self {
            customer_weight: 2.0,
            min_calls_per_term: 2,
            max_call_share_per_term: 0.5,
            tfidf_dims: 96,
            semantic_dims: 96,
            semantic_weight: 0.5,
        }
    }
}

impl VectorizeOptions {
    /// Checks the options; an out-of-range value is an [`Error::InvalidArgument`].
    pub fn validate(&self) -> Result<()> {
        let fail = |m: &str| Err(Error::InvalidArgument(format!("vectorize options: {m}")));
        if !(self.customer_weight.is_finite() && self.customer_weight > 0.0) {
            return fail("customer_weight must be a positive number");
        }
        if !(self.max_call_share_per_term > 0.0 && self.max_call_share_per_term <= 1.0) {
            return fail("max_call_share_per_term must be in (0, 1]");
        }
        if !(0.0..=1.0).contains(&self.semantic_weight) {
            return fail("semantic_weight must be in [0, 1]");
        }
        if self.tfidf_dims == 0 && self.semantic_dims == 0 {
            return fail("tfidf_dims and semantic_dims cannot both be 0");
        }
        if self.tfidf_dims > 4096 || self.semantic_dims > WordVectors::shipped().dims() {
            return fail("tfidf_dims at most 4096, semantic_dims at most the table's dimensions");
        }
        Ok(())
    }
}

/// Vectorized calls: one dense unit-length row per call, and the sparse TF-IDF terms kept for labels.
#[derive(Debug, Clone)]
pub struct CallVectors {
    /// Row length.
    pub dims: usize,
    /// Row-major features, `calls x dims`.
    pub features: Vec<f32>,
    /// Per call, its kept terms with their weighted term counts.
    pub terms: Vec<Vec<(u32, f32)>>,
    /// Text of each term id.
    pub vocabulary: Vec<String>,
    /// Inverse document frequency of each term id.
    pub idf: Vec<f32>,
}

impl CallVectors {
    /// The feature row of call `index`.
    pub fn row(&self, index: usize) -> &[f32] {
        &self.features[index * self.dims..(index + 1) * self.dims]
    }
}

/// Words too common to describe a topic.
const STOPWORDS: &[&str] = &[
    "a", "about", "after", "again", "all", "am", "an", "and", "any", "are", "as", "at", "be",
    "been", "before", "being", "but", "by", "can", "could", "did", "do", "does", "doing", "don't",
    "for", "from", "get", "got", "had", "has", "have", "having", "he", "her", "here", "him", "his",
    "how", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "into", "is", "it", "it's", "its",
    "just", "let", "let's", "me", "my", "no", "not", "now", "of", "oh", "ok", "okay", "on", "one",
    "or", "our", "out", "please", "so", "some", "that", "that's", "the", "their", "them", "then",
    "there", "these", "they", "this", "to", "too", "um", "uh", "up", "us", "very", "was", "we",
    "we'll", "we're", "were", "what", "when", "where", "which", "who", "why", "will", "with",
    "would", "yeah", "yes", "you", "you're", "your", "well", "right", "sure", "thanks", "thank",
    "hi", "hello", "there's", "can't", "i'll", "see", "go", "like", "know", "want", "need",
    "going", "really", "also", "should", "may", "might", "just", "still", "only", "more", "much",
];

/// Lowercase words of a text: letters, digits and inner apostrophes; pure numbers dropped.
pub fn words(text: &str) -> impl Iterator<Item = String> + '_ {
    text.split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '’'))
        .map(|w| w.trim_matches(|c| c == '\'' || c == '’'))
        .filter(|w| !w.is_empty() && !w.chars().all(|c| c.is_ascii_digit()))
        .map(|w| w.to_lowercase().replace('’', "'"))
}

/// Whether a lowercase word is a stopword.
pub fn is_stopword(word: &str) -> bool {
    STOPWORDS.contains(&word)
}

fn speaker_weight(speaker: Speaker, options: &VectorizeOptions) -> f32 {
    match speaker {
        Speaker::Customer => options.customer_weight,
        Speaker::Agent => 1.0,
        Speaker::Bot => 0.5,
    }
}

/// Vectorizes calls. An empty slice gives empty vectors; invalid options are an [`Error::InvalidArgument`].
pub fn vectorize(calls: &[TranscribedCall], options: &VectorizeOptions) -> Result<CallVectors> {
    options.validate()?;
    let table = WordVectors::shipped();
    // Intern words, then count terms (unigram id, or (first, second) bigram) per call.
    let mut word_ids: FxHashMap<String, u32> = FxHashMap::default();
    let mut word_text: Vec<String> = Vec::new();
    let mut term_ids: FxHashMap<u64, u32> = FxHashMap::default();
    let mut term_keys: Vec<u64> = Vec::new();
    let mut counts: Vec<FxHashMap<u32, f32>> = Vec::with_capacity(calls.len());
    // Per call, the content words with their weights (for the semantic vector).
    let mut content: Vec<FxHashMap<u32, f32>> = Vec::with_capacity(calls.len());
    for call in calls {
        let mut terms: FxHashMap<u32, f32> = FxHashMap::default();
        let mut words_of_call: FxHashMap<u32, f32> = FxHashMap::default();
        for utterance in &call.utterances {
            let weight = speaker_weight(utterance.speaker, options);
            let mut previous: Option<u32> = None;
            for word in words(&utterance.text) {
                if is_stopword(&word) {
                    continue;
                }
                let next = word_ids.len() as u32;
                let id = *word_ids.entry(word).or_insert_with_key(|w| {
                    word_text.push(w.clone());
                    next
                });
                *words_of_call.entry(id).or_default() += weight;
                let mut count = |key: u64| {
                    let next = term_ids.len() as u32;
                    let term = *term_ids.entry(key).or_insert_with(|| {
                        term_keys.push(key);
                        next
                    });
                    *terms.entry(term).or_default() += weight;
                };
                count(u64::from(id) << 32 | u64::from(u32::MAX));
                if let Some(first) = previous {
                    count(u64::from(first) << 32 | u64::from(id));
                }
                previous = Some(id);
            }
        }
        counts.push(terms);
        content.push(words_of_call);
    }

    let n = calls.len();
    let mut df = vec![0u32; term_keys.len()];
    for terms in &counts {
        for &term in terms.keys() {
            df[term as usize] += 1;
        }
    }
    let max_df = (options.max_call_share_per_term * n as f64).max(1.0);
    let keep: Vec<bool> = df
        .iter()
        .map(|&d| d as usize >= options.min_calls_per_term && (d as f64) <= max_df)
        .collect();
    // Renumber kept terms densely.
    let mut kept_id = vec![u32::MAX; term_keys.len()];
    let mut vocabulary = Vec::new();
    let mut idf = Vec::new();
    for (term, &key) in term_keys.iter().enumerate() {
        if keep[term] {
            kept_id[term] = vocabulary.len() as u32;
            let first = &word_text[(key >> 32) as usize];
            let second = (key & 0xffff_ffff) as u32;
            vocabulary.push(if second == u32::MAX {
                first.clone()
            } else {
                format!("{first} {}", word_text[second as usize])
            });
            idf.push(((1.0 + n as f32) / (1.0 + df[term] as f32)).ln() + 1.0);
        }
    }
    // IDF of each word as a unigram, for weighting word vectors.
    let mut word_idf = vec![0.0f32; word_text.len()];
    for (term, &key) in term_keys.iter().enumerate() {
        if key & 0xffff_ffff == u64::from(u32::MAX) {
            word_idf[(key >> 32) as usize] =
                ((1.0 + n as f32) / (1.0 + df[term] as f32)).ln() + 1.0;
        }
    }
    let word_position: Vec<Option<u32>> = if options.semantic_dims > 0 {
        word_text.iter().map(|w| table.lookup(w)).collect()
    } else {
        Vec::new()
    };

    let dims = options.tfidf_dims + options.semantic_dims;
    let tfidf_share = (1.0 - options.semantic_weight).sqrt();
    let semantic_share = options.semantic_weight.sqrt();
    let mut features = vec![0.0f32; n * dims];
    let mut terms_out = Vec::with_capacity(n);
    let mut semantic = vec![0.0f32; table.dims()];
    for (index, (terms, words_of_call)) in counts.iter().zip(&content).enumerate() {
        let row = &mut features[index * dims..(index + 1) * dims];
        let mut kept: Vec<(u32, f32)> = terms
            .iter()
            .filter_map(|(&term, &count)| {
                let id = kept_id[term as usize];
                (id != u32::MAX).then_some((id, count))
            })
            .collect();
        kept.sort_unstable_by_key(|&(id, _)| id);
        if options.tfidf_dims > 0 {
            let sketch = &mut row[..options.tfidf_dims];
            for &(id, count) in &kept {
                let value = (1.0 + count.ln()) * idf[id as usize];
                let mut hash = splitmix(u64::from(id));
                for _ in 0..2 {
                    hash = splitmix(hash);
                    let slot = (hash % options.tfidf_dims as u64) as usize;
                    let sign = if hash >> 63 == 0 { 1.0 } else { -1.0 };
                    sketch[slot] += sign * value;
                }
            }
            normalize(sketch);
            sketch.iter_mut().for_each(|v| *v *= tfidf_share);
        }
        if options.semantic_dims > 0 {
            semantic.iter_mut().for_each(|v| *v = 0.0);
            for (&word, &weight) in words_of_call {
                if let Some(position) = word_position[word as usize] {
                    let w = (1.0 + weight.ln()) * word_idf[word as usize];
                    table.accumulate(position, w, &mut semantic);
                }
            }
            let part = &mut row[options.tfidf_dims..];
            part.copy_from_slice(&semantic[..options.semantic_dims]);
            normalize(part);
            part.iter_mut().for_each(|v| *v *= semantic_share);
        }
        normalize(row);
        terms_out.push(kept);
    }
    Ok(CallVectors {
        dims,
        features,
        terms: terms_out,
        vocabulary,
        idf,
    })
}

/// SplitMix64: a fast, well-mixed hash of a 64-bit key.
fn splitmix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}
