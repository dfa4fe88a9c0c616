//! [`HybridSentimentAnalyzer`]: the lexicon-and-rules pass combined with the
//! learned linear model shipped in `weights.bin`.

use std::cell::RefCell;
use std::sync::{Arc, OnceLock};

use super::features::dense_features;
use super::lexicon::Lexicon;
use super::model::{FIRST_CLASS, GramMemo, LinearModel, OUTPUTS, REGRESSION, TrainingInfo};
use super::rules::RuleAnalysis;
use super::tokenize::{Token, tokenize};
use super::{Sentiment, SentimentAnalyzer, SentimentLabel, rules};
use crate::{Error, Result};

/// The weights trained by `examples/train_sentiment.rs` (see `docs/sentiment.md`).
const EMBEDDED_WEIGHTS: &[u8] = include_bytes!("weights.bin");

thread_local! {
    /// Buffers reused by every analysis on this thread.
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// What one thread's analyses reuse: the token buffer and the memo of word gram sums.
#[derive(Debug, Default)]
struct Scratch {
    tokens: Vec<Token>,
    grams: GramMemo,
}

/// Limits of [`HybridSentimentAnalyzer`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SentimentConfig {
    /// Longest accepted text, in bytes of UTF-8; longer text is an [`Error::InvalidArgument`].
    pub max_text_bytes: usize,
}

impl Default for SentimentConfig {
    fn default() -> Self {
        SentimentConfig {
            max_text_bytes: 16 * 1024,
        }
    }
}

/// The default offline analyzer: lexicon rules (negation, intensifiers, contrast,
/// emphasis, emoji, contact-center idioms) feeding a learned linear model over
/// hashed word and character n-grams. Needs no download; cheap to clone.
#[derive(Debug, Clone)]
pub struct HybridSentimentAnalyzer {
    model: Arc<LinearModel>,
    lexicon: &'static Lexicon,
    config: SentimentConfig,
}

impl HybridSentimentAnalyzer {
    /// The analyzer with the weights shipped inside the crate and default limits.
    pub fn new() -> Result<Self> {
        Self::with_config(SentimentConfig::default())
    }

    /// The analyzer with the shipped weights and the given limits.
    pub fn with_config(config: SentimentConfig) -> Result<Self> {
        static EMBEDDED: OnceLock<std::result::Result<Arc<LinearModel>, String>> = OnceLock::new();
        let model = EMBEDDED
            .get_or_init(|| {
                LinearModel::from_bytes(EMBEDDED_WEIGHTS)
                    .map(Arc::new)
                    .map_err(|e| match e {
                        Error::InvalidArgument(message) => message,
                        other => other.to_string(),
                    })
            })
            .clone()
            .map_err(Error::InvalidArgument)?;
        Self::build(model, config)
    }

    /// The analyzer with weights from a file written by
    /// [`super::training::train`]; the checksum and versions are verified.
    pub fn from_weights(bytes: &[u8], config: SentimentConfig) -> Result<Self> {
        Self::build(Arc::new(LinearModel::from_bytes(bytes)?), config)
    }

    fn build(model: Arc<LinearModel>, config: SentimentConfig) -> Result<Self> {
        if config.max_text_bytes == 0 {
            return Err(Error::InvalidArgument(
                "max_text_bytes must be positive".into(),
            ));
        }
        Ok(HybridSentimentAnalyzer {
            model,
            lexicon: Lexicon::builtin()?,
            config,
        })
    }

    /// Tokenizes `text` into the scratch tokens, runs the rules and the model.
    fn run(&self, text: &str, scratch: &mut Scratch) -> ([f32; OUTPUTS], RuleAnalysis) {
        let tokens = &mut scratch.tokens;
        let shape = tokenize(text, tokens);
        let analysis = rules::analyze(self.lexicon, tokens);
        let dense = dense_features(&analysis, shape);
        let outputs = self.model.predict(text, tokens, &dense, &mut scratch.grams);
        (outputs, analysis)
    }

    /// What the loaded weights file records about its training.
    pub fn training_info(&self) -> TrainingInfo {
        self.model.info
    }

    /// The limits in force.
    pub fn config(&self) -> SentimentConfig {
        self.config
    }
}

impl SentimentAnalyzer for HybridSentimentAnalyzer {
    fn analyze(&self, text: &str) -> Result<Sentiment> {
        self.check(text)?;
        Ok(self.score(text))
    }

    /// Scores many texts, in order. Every text is checked first, so that a bad one fails
    /// the batch (`texts[i]: …` names it) before any work; a batch of at least
    /// [`PARALLEL_BATCH`] texts is then split over the machine's cores.
    fn analyze_batch(&self, texts: &[&str]) -> Result<Vec<Sentiment>> {
        for (index, text) in texts.iter().enumerate() {
            self.check(text).map_err(|error| match error {
                Error::InvalidArgument(message) => {
                    Error::InvalidArgument(format!("texts[{index}]: {message}"))
                }
                other => other,
            })?;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, usize::from)
            .min(texts.len() / (PARALLEL_BATCH / 2));
        if threads <= 1 {
            return Ok(texts.iter().map(|text| self.score(text)).collect());
        }
        let chunk = texts.len().div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = texts
                .chunks(chunk)
                .map(|part| scope.spawn(move || part.iter().map(|text| self.score(text)).collect()))
                .collect();
            let mut scored = Vec::with_capacity(texts.len());
            for part in parts {
                let part: Vec<Sentiment> = part
                    .join()
                    .map_err(|_| Error::Task("a sentiment scoring thread panicked".into()))?;
                scored.extend(part);
            }
            Ok(scored)
        })
    }
}

/// Batches of at least this many texts are scored on several threads (each thread
/// takes at least half of it).
pub const PARALLEL_BATCH: usize = 2048;

impl HybridSentimentAnalyzer {
    /// Refuses empty or whitespace-only text and text over the configured limit.
    fn check(&self, text: &str) -> Result<()> {
        if is_blank(text) {
            return Err(Error::InvalidArgument("text is empty".into()));
        }
        if text.len() > self.config.max_text_bytes {
            return Err(Error::InvalidArgument(format!(
                "text is {} bytes, over the limit of {}",
                text.len(),
                self.config.max_text_bytes
            )));
        }
        Ok(())
    }

    /// Scores a text that passed [`Self::check`].
    fn score(&self, text: &str) -> Sentiment {
        let (outputs, analysis) = SCRATCH.with(|scratch| match scratch.try_borrow_mut() {
            Ok(mut scratch) => self.run(text, &mut scratch),
            // Only reachable through re-entrancy, which never happens; stay correct anyway.
            Err(_) => self.run(text, &mut Scratch::default()),
        });
        let classes = &outputs[FIRST_CLASS..FIRST_CLASS + 3];
        let best = (0..3).fold(
            0,
            |best, i| if classes[i] > classes[best] { i } else { best },
        );
        let label = [
            SentimentLabel::Negative,
            SentimentLabel::Neutral,
            SentimentLabel::Positive,
        ][best];
        let polarity = outputs[REGRESSION].clamp(-1.0, 1.0);
        let score = agree_with_label(polarity, label);
        Sentiment {
            score: f64::from(score),
            label,
            intensity: f64::from(rules::intensity(&analysis, score)),
            emotions: rules::emotions(&analysis, score),
            urgency: f64::from(rules::urgency(&analysis)),
        }
    }
}

/// Whether `text` is empty or only whitespace; O(1) for the usual text that starts with a visible ASCII character.
#[inline]
fn is_blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
        _ => text.trim().is_empty(),
    }
}

/// Moves the regression score the least needed for `SentimentLabel::from_score` to give `label`.
fn agree_with_label(score: f32, label: SentimentLabel) -> f32 {
    let band = SentimentLabel::NEUTRAL_BAND as f32;
    let inside = band - 1e-4;
    match label {
        SentimentLabel::Positive => score.max(band),
        SentimentLabel::Negative => score.min(-band),
        SentimentLabel::Neutral => score.clamp(-inside, inside),
    }
}
