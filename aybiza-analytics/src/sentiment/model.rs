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

use super::features::{DENSE_FEATURES, FEATURE_VERSION, family_norm, for_each_hashed};
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
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LinearModel {
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

    /// The model outputs for a tokenized text and its dense features.
    pub(crate) fn predict(
        &self,
        text: &str,
        tokens: &[Token],
        dense: &[f32; DENSE_FEATURES],
    ) -> [f32; OUTPUTS] {
        let mut out = self.bias;
        for (row, &value) in self.dense.iter().zip(dense) {
            for (o, w) in out.iter_mut().zip(row) {
                *o += w * value;
            }
        }
        let hashed = self.hashed_sum(text, tokens);
        for (o, h) in out.iter_mut().zip(hashed) {
            *o += h;
        }
        out
    }
}

impl LinearModel {
    /// Sums of the bucket weights per family, each divided by its [`family_norm`].
    fn hashed_sum(&self, text: &str, tokens: &[Token]) -> [f32; OUTPUTS] {
        let mut sums = [[0i64; OUTPUTS]; 2];
        let mut occurrences = [0u32; 2];
        for_each_hashed(text, tokens, self.bucket_bits, |family, bucket| {
            let family = family as usize;
            occurrences[family] += 1;
            let weights = &self.buckets[bucket as usize];
            for (s, &w) in sums[family].iter_mut().zip(weights) {
                *s += i64::from(w);
            }
        });
        let mut out = [0f32; OUTPUTS];
        for (sum, &n) in sums.iter().zip(&occurrences) {
            if n > 0 {
                let norm = family_norm(n);
                for ((o, &s), scale) in out.iter_mut().zip(sum).zip(self.bucket_scale) {
                    *o += s as f32 / norm * scale;
                }
            }
        }
        out
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
