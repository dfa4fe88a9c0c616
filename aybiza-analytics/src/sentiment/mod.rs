//! Text sentiment and emotions: the [`SentimentAnalyzer`] seam.
//!
//! Every other part of the library (the live call tracker, pattern discovery,
//! journeys, insights) reads sentiment through this trait, so an analyzer can
//! be swapped without touching them.

mod lexicon;
mod tokenize;

use serde::{Deserialize, Serialize};

use crate::Result;

/// Three-way polarity of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SentimentLabel {
    /// Score at or below `-NEUTRAL_BAND`.
    Negative,
    /// Score strictly inside the neutral band.
    Neutral,
    /// Score at or above `NEUTRAL_BAND`.
    Positive,
}

impl SentimentLabel {
    /// Half-width of the neutral band around zero, the convention of VADER and of Hutto & Gilbert (2014).
    pub const NEUTRAL_BAND: f64 = 0.05;

    /// The label of a score in [-1, 1].
    pub fn from_score(score: f64) -> Self {
        if score >= Self::NEUTRAL_BAND {
            SentimentLabel::Positive
        } else if score <= -Self::NEUTRAL_BAND {
            SentimentLabel::Negative
        } else {
            SentimentLabel::Neutral
        }
    }
}

/// Emotion strengths, each in [0, 1].
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Emotions {
    /// Frustration (waiting, repeating, things not working).
    pub frustrated: f64,
    /// Anger (hostility, threats, insults).
    pub angry: f64,
    /// Confusion (not understanding, asking again).
    pub confused: f64,
    /// Satisfaction (the issue is handled).
    pub satisfied: f64,
    /// Happiness (delight, gratitude).
    pub happy: f64,
}

/// The sentiment of one text.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sentiment {
    /// Polarity in [-1, 1].
    pub score: f64,
    /// The label of `score`.
    pub label: SentimentLabel,
    /// How strongly the sentiment is expressed, in [0, 1], whatever its sign.
    pub intensity: f64,
    /// Emotion strengths.
    pub emotions: Emotions,
    /// How urgent the speaker sounds, in [0, 1].
    pub urgency: f64,
}

/// Scores the sentiment of texts; synchronous, for the real-time path.
pub trait SentimentAnalyzer: Send + Sync {
    /// Scores one text. Empty or oversized text is an [`crate::Error::InvalidArgument`].
    fn analyze(&self, text: &str) -> Result<Sentiment>;

    /// Scores many texts; the default calls [`SentimentAnalyzer::analyze`] on each.
    fn analyze_batch(&self, texts: &[&str]) -> Result<Vec<Sentiment>> {
        texts.iter().map(|text| self.analyze(text)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_follow_the_neutral_band() {
        assert_eq!(SentimentLabel::from_score(0.05), SentimentLabel::Positive);
        assert_eq!(SentimentLabel::from_score(0.049), SentimentLabel::Neutral);
        assert_eq!(SentimentLabel::from_score(-0.049), SentimentLabel::Neutral);
        assert_eq!(SentimentLabel::from_score(-0.05), SentimentLabel::Negative);
    }
}
