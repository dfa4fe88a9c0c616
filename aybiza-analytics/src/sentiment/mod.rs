//! Text sentiment and emotions: the [`SentimentAnalyzer`] seam and its default
//! offline implementation, [`HybridSentimentAnalyzer`].
//!
//! The live call tracker, live-rule replay and the call-outcome features take
//! any analyzer through this trait; batch pattern discovery and the report use
//! the default directly. How the default analyzer works, how it
//! was trained and how it compares with VADER is in `docs/sentiment.md`.
//!
//! ```
//! use aybiza_analytics::sentiment::{HybridSentimentAnalyzer, SentimentAnalyzer, SentimentLabel};
//!
//! let analyzer = HybridSentimentAnalyzer::new().unwrap();
//! let s = analyzer.analyze("I've been on hold for an hour and I want to cancel my account!").unwrap();
//! assert_eq!(s.label, SentimentLabel::Negative);
//! assert!(s.emotions.frustrated > 0.5);
//! ```

mod analyzer;
mod features;
mod lexicon;
mod model;
mod rules;
mod tokenize;
pub mod training;

pub use analyzer::{HybridSentimentAnalyzer, PARALLEL_BATCH, SentimentConfig};
pub use model::TrainingInfo;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::{Speaker, Utterance};

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

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        }
    }

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

/// The weight of a text when utterance scores are averaged over a call: its word count (at least 1).
pub fn text_weight(text: &str) -> f64 {
    text.split_whitespace().count().max(1) as f64
}

/// The customer's sentiment in each quarter of a call lasting `call_ms`, as Contact Lens splits
/// a call: the [`text_weight`]-weighted mean score of the customer's scored utterances whose
/// midpoint falls in the quarter (`None` where the customer said nothing that was scored).
pub fn customer_quarters<'a>(
    utterances: impl IntoIterator<Item = (&'a Utterance, Option<&'a Sentiment>)>,
    call_ms: u64,
) -> [Option<f64>; 4] {
    let call_ms = u128::from(call_ms.max(1));
    let mut sums = [(0.0, 0.0); 4];
    for (utterance, sentiment) in utterances {
        let (Some(sentiment), Speaker::Customer) = (sentiment, utterance.speaker) else {
            continue;
        };
        let midpoint = utterance.start_ms / 2 + utterance.end_ms / 2;
        let quarter = ((u128::from(midpoint) * 4 / call_ms) as usize).min(3);
        let weight = text_weight(&utterance.text);
        sums[quarter].0 += weight * sentiment.score;
        sums[quarter].1 += weight;
    }
    sums.map(|(sum, weight)| (weight > 0.0).then(|| sum / weight))
}

/// A call's customer sentiment: the [`text_weight`]-weighted mean score of the customer's
/// scored utterances (`None` where the customer said nothing that was scored).
pub fn customer_score<'a>(
    utterances: impl IntoIterator<Item = (&'a Utterance, Option<&'a Sentiment>)>,
) -> Option<f64> {
    let customer = utterances
        .into_iter()
        .filter(|(utterance, _)| utterance.speaker == Speaker::Customer)
        .filter_map(|(utterance, sentiment)| Some((sentiment?, text_weight(&utterance.text))));
    aggregate(customer).ok().map(|overall| overall.score)
}

/// The sentiment of a whole call from its utterances' sentiments and weights
/// (for example [`text_weight`] or the utterance duration).
///
/// Score, intensity and emotions are weighted means, so a long call does not
/// drift to the extremes the way a sum would; urgency is the maximum, since one
/// urgent moment makes the call urgent. The label follows the mean score.
/// No utterances, or a negative, non-finite or all-zero weight, is an
/// [`crate::Error::InvalidArgument`].
pub fn aggregate<'a>(
    utterances: impl IntoIterator<Item = (&'a Sentiment, f64)>,
) -> Result<Sentiment> {
    let mut total = 0.0;
    let mut score = 0.0;
    let mut intensity = 0.0;
    let mut urgency: f64 = 0.0;
    let mut emotions = [0.0; 5];
    for (sentiment, weight) in utterances {
        if !weight.is_finite() || weight < 0.0 {
            return Err(crate::Error::InvalidArgument(format!(
                "utterance weight {weight} is not a finite non-negative number"
            )));
        }
        total += weight;
        score += weight * sentiment.score;
        intensity += weight * sentiment.intensity;
        urgency = urgency.max(sentiment.urgency);
        let e = &sentiment.emotions;
        for (sum, value) in
            emotions
                .iter_mut()
                .zip([e.frustrated, e.angry, e.confused, e.satisfied, e.happy])
        {
            *sum += weight * value;
        }
    }
    if total <= 0.0 {
        return Err(crate::Error::InvalidArgument(
            "no utterance with a positive weight to aggregate".into(),
        ));
    }
    let score = (score / total).clamp(-1.0, 1.0);
    let [frustrated, angry, confused, satisfied, happy] =
        emotions.map(|sum| (sum / total).clamp(0.0, 1.0));
    Ok(Sentiment {
        score,
        label: SentimentLabel::from_score(score),
        intensity: (intensity / total).clamp(0.0, 1.0),
        emotions: Emotions {
            frustrated,
            angry,
            confused,
            satisfied,
            happy,
        },
        urgency,
    })
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
