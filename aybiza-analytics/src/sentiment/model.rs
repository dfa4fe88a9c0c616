//! The learned linear model and its versioned, checksummed weights file.
//!
//! File layout (all numbers little-endian):
//!
//! | bytes | field |
//! |---|---|
//! | 8 | magic `AYBZSENT` |
//! | 4 | format version (u32, = [`FORMAT_VERSION`]) |
//! | 4 | feature version (u32, must equal the code's) |
//! | 4 | bucket bits `b` (u32): 2^b hashed buckets |
//! | 4 | outputs (u32, = [`OUTPUTS`]) |
//! | 4 | dense features (u32) |
//! | 8 | FNV-1a hash of the lexicon the model was trained with (u64) |
//! | 4 | training examples (u32) |
//! | 4 + 4 | ridge penalties: regression, classes (f32) |
//! | 4 × outputs | bias (f32) |
//! | 4 × outputs × dense | dense weights, row per feature (f32) |
//! | 4 × outputs | bucket weight scale per output (f32) |
//! | 2 × outputs × 2^b | bucket weights, row per bucket (i16; weight = value × scale) |
//! | 8 | FNV-1a checksum of every byte before it (u64) |

use std::sync::atomic::{AtomicU64, Ordering};

use super::features::{
    DENSE_FEATURES, FEATURE_VERSION, FeatureSink, bucket_of, char_gram_keys, family_norm,
    for_each_hashed,
};
use super::tokenize::Token;
use crate::{Error, Result};

/// First bytes of a weights file.
pub const MAGIC: &[u8; 8] = b"AYBZSENT";
/// Version of the weights file layout written by this code.
pub const FORMAT_VERSION: u32 = 1;
/// Model outputs: the polarity regression, then one score per class (negative, neutral, positive).
pub const OUTPUTS: usize = 4;
/// Output slot of the polarity regression.
pub(crate) const REGRESSION: usize = 0;
/// Output slot of the first class score (negative; then neutral, positive).
pub(crate) const FIRST_CLASS: usize = 1;

const HEADER_BYTES: usize = 8 + 4 * 5 + 8 + 4 + 8;

/// 64-bit FNV-1a over bytes: the weights checksum and the lexicon fingerprint.
pub(crate) fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |hash, &b| {
        (hash ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// What a weights file records about how it was trained.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TrainingInfo {
    /// Number of training examples.
    pub examples: u32,
    /// Ridge penalty of the polarity regression.
    pub regression_penalty: f32,
    /// Ridge penalty of the class scores.
    pub class_penalty: f32,
    /// FNV-1a hash of the lexicon text the dense features came from.
    pub lexicon_fingerprint: u64,
}

/// A linear model over hashed and dense features with [`OUTPUTS`] outputs.
#[derive(Debug)]
pub(crate) struct LinearModel {
    /// Unique per loaded model, so that a [`GramMemo`] never serves another model's sums.
    id: u64,
    pub bucket_bits: u32,
    pub bias: [f32; OUTPUTS],
    pub dense: [[f32; OUTPUTS]; DENSE_FEATURES],
    /// Bucket weights are stored as i16 multiples of this, per output.
    pub bucket_scale: [f32; OUTPUTS],
    /// Quantised bucket weights (half the cache footprint of f32, exact integer sums).
    pub buckets: Vec<[i16; OUTPUTS]>,
    pub info: TrainingInfo,
}

impl LinearModel {
    /// A model from float weights, quantising the bucket weights to i16 per output.
    pub(crate) fn quantized(
        bucket_bits: u32,
        bias: [f32; OUTPUTS],
        dense: [[f32; OUTPUTS]; DENSE_FEATURES],
        buckets: &[[f32; OUTPUTS]],
        info: TrainingInfo,
    ) -> LinearModel {
        let bucket_scale: [f32; OUTPUTS] = std::array::from_fn(|o| {
            let largest = buckets.iter().map(|row| row[o].abs()).fold(0f32, f32::max);
            if largest > 0.0 {
                largest / f32::from(i16::MAX)
            } else {
                1.0
            }
        });
        let buckets = buckets
            .iter()
            .map(|row| {
                std::array::from_fn(|o| {
                    (row[o] / bucket_scale[o]).round().clamp(-32767.0, 32767.0) as i16
                })
            })
            .collect();
        LinearModel {
            id: next_model_id(),
            bucket_bits,
            bias,
            dense,
            bucket_scale,
            buckets,
            info,
        }
    }

    /// The (dequantised) weights of one bucket.
    #[cfg(test)]
    pub(crate) fn bucket_weights(&self, bucket: usize) -> [f32; OUTPUTS] {
        std::array::from_fn(|o| f32::from(self.buckets[bucket][o]) * self.bucket_scale[o])
    }

    /// Serialises the model (see the module docs for the layout).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(
            HEADER_BYTES
                + 4 * OUTPUTS * (2 + DENSE_FEATURES)
                + 2 * OUTPUTS * self.buckets.len()
                + 8,
        );
        out.extend_from_slice(MAGIC);
        for value in [
            FORMAT_VERSION,
            FEATURE_VERSION,
            self.bucket_bits,
            OUTPUTS as u32,
            DENSE_FEATURES as u32,
        ] {
            out.extend_from_slice(&value.to_le_bytes());
        }
        out.extend_from_slice(&self.info.lexicon_fingerprint.to_le_bytes());
        out.extend_from_slice(&self.info.examples.to_le_bytes());
        out.extend_from_slice(&self.info.regression_penalty.to_le_bytes());
        out.extend_from_slice(&self.info.class_penalty.to_le_bytes());
        let rows = std::iter::once(&self.bias)
            .chain(self.dense.iter())
            .chain(std::iter::once(&self.bucket_scale));
        for row in rows {
            for value in row {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        for row in &self.buckets {
            for value in row {
                out.extend_from_slice(&value.to_le_bytes());
            }
        }
        let checksum = fnv1a(&out);
        out.extend_from_slice(&checksum.to_le_bytes());
        out
    }

    /// Parses and verifies a weights file.
    pub(crate) fn from_bytes(bytes: &[u8]) -> Result<LinearModel> {
        let bad = |message: String| Error::InvalidArgument(format!("sentiment weights: {message}"));
        if bytes.len() < HEADER_BYTES + 8 || &bytes[..8] != MAGIC {
            return Err(bad("not a weights file (bad magic or too short)".into()));
        }
        let (body, trailer) = bytes.split_at(bytes.len() - 8);
        let stored = u64::from_le_bytes(
            trailer
                .try_into()
                .map_err(|_| bad("truncated checksum".into()))?,
        );
        let computed = fnv1a(body);
        if stored != computed {
            return Err(bad(format!(
                "checksum mismatch (stored {stored:016x}, computed {computed:016x})"
            )));
        }
        let mut reader = Reader { bytes: body, at: 8 };
        let format = reader.u32()?;
        if format != FORMAT_VERSION {
            return Err(bad(format!(
                "format version {format}, this build reads {FORMAT_VERSION}"
            )));
        }
        let feature_version = reader.u32()?;
        if feature_version != FEATURE_VERSION {
            return Err(bad(format!(
                "feature version {feature_version}, this build computes {FEATURE_VERSION}"
            )));
        }
        let bucket_bits = reader.u32()?;
        if !(8..=24).contains(&bucket_bits) {
            return Err(bad(format!("bucket bits {bucket_bits} outside 8..=24")));
        }
        let outputs = reader.u32()? as usize;
        let dense = reader.u32()? as usize;
        if outputs != OUTPUTS || dense != DENSE_FEATURES {
            return Err(bad(format!(
                "shape {outputs} outputs x {dense} dense features, expected {OUTPUTS} x {DENSE_FEATURES}"
            )));
        }
        let lexicon_fingerprint = reader.u64()?;
        let examples = reader.u32()?;
        let regression_penalty = reader.f32()?;
        let class_penalty = reader.f32()?;
        let bias = reader.row()?;
        let mut dense_rows = [[0f32; OUTPUTS]; DENSE_FEATURES];
        for row in &mut dense_rows {
            *row = reader.row()?;
        }
        let bucket_scale = reader.row()?;
        let bucket_count = 1usize << bucket_bits;
        let expected = bucket_count * OUTPUTS * 2;
        if reader.remaining() != expected {
            return Err(bad(format!(
                "{} weight bytes, expected {expected}",
                reader.remaining()
            )));
        }
        let mut buckets = Vec::with_capacity(bucket_count);
        for _ in 0..bucket_count {
            let mut row = [0i16; OUTPUTS];
            for value in &mut row {
                *value = i16::from_le_bytes(reader.take::<2>()?);
            }
            buckets.push(row);
        }
        Ok(LinearModel {
            id: next_model_id(),
            bucket_bits,
            bias,
            dense: dense_rows,
            bucket_scale,
            buckets,
            info: TrainingInfo {
                examples,
                regression_penalty,
                class_penalty,
                lexicon_fingerprint,
            },
        })
    }

    /// The model outputs for a tokenized text and its dense features; `memo` remembers
    /// the character-gram sums of recent words (see [`GramMemo`]).
    pub(crate) fn predict(
        &self,
        text: &str,
        tokens: &[Token],
        dense: &[f32; DENSE_FEATURES],
        memo: &mut GramMemo,
    ) -> [f32; OUTPUTS] {
        let mut out = self.bias;
        for (row, &value) in self.dense.iter().zip(dense) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * value;
            }
        }
        memo.serve(self.id);
        let mut sums = BucketSums {
            model: self,
            memo,
            word: [0; OUTPUTS],
            word_count: 0,
            char: [0; OUTPUTS],
            char_count: 0,
        };
        for_each_hashed(text, tokens, &mut sums);
        // Each family's summed weights divided by its `family_norm`.
        for (sum, n) in [(sums.word, sums.word_count), (sums.char, sums.char_count)] {
            if n > 0 {
                let norm = family_norm(n);
                for ((o, &s), scale) in out.iter_mut().zip(&sum).zip(self.bucket_scale) {
                    *o += s as f32 / norm * scale;
                }
            }
        }
        out
    }

    /// The quantised weights of the bucket a feature key falls in.
    #[inline]
    fn weights_of(&self, key: u64) -> &[i16; OUTPUTS] {
        &self.buckets[bucket_of(key, self.bucket_bits) as usize]
    }
}

/// A fresh [`LinearModel::id`].
fn next_model_id() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// Adds `weights` to `sum`, output by output.
#[inline]
fn accumulate(sum: &mut [i64; OUTPUTS], weights: &[i16; OUTPUTS]) {
    for (s, &w) in sum.iter_mut().zip(weights) {
        *s += i64::from(w);
    }
}

/// The running integer sums of bucket weights per family while a text is scored.
struct BucketSums<'a> {
    model: &'a LinearModel,
    memo: &'a mut GramMemo,
    word: [i64; OUTPUTS],
    word_count: u32,
    char: [i64; OUTPUTS],
    char_count: u32,
}

impl FeatureSink for BucketSums<'_> {
    #[inline]
    fn word_feature(&mut self, key: u64) {
        accumulate(&mut self.word, self.model.weights_of(key));
        self.word_count += 1;
    }

    #[inline]
    fn word_grams(&mut self, word: &str, salt: u64, word_key: u64) {
        let model = self.model;
        if word.len() > GramMemo::LONGEST_WORD {
            char_gram_keys(word, salt, |key| {
                accumulate(&mut self.char, model.weights_of(key));
                self.char_count += 1;
            });
            return;
        }
        let entry = self.memo.entry(word_key);
        if entry.key != word_key || entry.grams == MemoEntry::EMPTY {
            let mut sums = [0i64; OUTPUTS];
            let mut grams = 0u32;
            char_gram_keys(word, salt, |key| {
                accumulate(&mut sums, model.weights_of(key));
                grams += 1;
            });
            // At most LONGEST_WORD + 2 grams of at most 32,767 each: the sums fit in i32.
            *entry = MemoEntry {
                key: word_key,
                sums: sums.map(|s| s as i32),
                grams,
            };
        }
        for (s, &w) in self.char.iter_mut().zip(&entry.sums) {
            *s += i64::from(w);
        }
        self.char_count += entry.grams;
    }
}

/// A per-thread, direct-mapped memo of each recent word's character-gram weight sums,
/// keyed by the lowercased word's hash and its negation salt. Most words of a text are
/// common words seen before, and their grams are the bulk of the features: a hit replaces
/// one table read per gram by one memo read. Entries belong to one model at a time.
#[derive(Debug, Default)]
pub(crate) struct GramMemo {
    model: u64,
    entries: Box<[MemoEntry]>,
}

#[derive(Debug, Clone, Copy)]
struct MemoEntry {
    key: u64,
    sums: [i32; OUTPUTS],
    grams: u32,
}

impl MemoEntry {
    /// `grams` of an entry that holds nothing.
    const EMPTY: u32 = u32::MAX;
}

impl GramMemo {
    /// log2 of the number of entries (16,384 entries of 32 bytes: 512 KiB per thread; 4,096
    /// entries held too little of a varied vocabulary, and scoring was 6 % slower).
    const BITS: u32 = 14;
    /// Longer words bypass the memo (and keep its i32 sums from overflowing).
    const LONGEST_WORD: usize = 64;

    /// Empties the memo unless it already serves the model `id`.
    fn serve(&mut self, id: u64) {
        if self.model != id || self.entries.is_empty() {
            let empty = MemoEntry {
                key: 0,
                sums: [0; OUTPUTS],
                grams: MemoEntry::EMPTY,
            };
            if self.entries.is_empty() {
                self.entries = vec![empty; 1 << Self::BITS].into_boxed_slice();
            } else {
                self.entries.fill(empty);
            }
            self.model = id;
        }
    }

    #[inline]
    fn entry(&mut self, key: u64) -> &mut MemoEntry {
        &mut self.entries[bucket_of(key, Self::BITS) as usize]
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N]> {
        let slice = self
            .bytes
            .get(self.at..self.at + N)
            .ok_or_else(|| Error::InvalidArgument("sentiment weights: truncated".into()))?;
        self.at += N;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
    fn u32(&mut self) -> Result<u32> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn u64(&mut self) -> Result<u64> {
        self.take::<8>().map(u64::from_le_bytes)
    }
    fn f32(&mut self) -> Result<f32> {
        let value = self.take::<4>().map(f32::from_le_bytes)?;
        if value.is_finite() {
            Ok(value)
        } else {
            Err(Error::InvalidArgument(
                "sentiment weights: non-finite weight".into(),
            ))
        }
    }
    fn row(&mut self) -> Result<[f32; OUTPUTS]> {
        let mut row = [0f32; OUTPUTS];
        for value in &mut row {
            *value = self.f32()?;
        }
        Ok(row)
    }
    fn remaining(&self) -> usize {
        self.bytes.len() - self.at
    }
}
