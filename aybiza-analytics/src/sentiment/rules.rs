//! The lexicon-and-rules scorer: valences from the lexicon, adjusted by
//! intensity modifiers, negation scope, contrast words, capitals, elongation
//! and exclamation marks, normalised so that length does not push the score
//! to the extremes. Also collects emotion and urgency cues.

use super::Emotions;
use super::lexicon::{
    ANGRY, CONFUSED, EMOTION_COUNT, FRUSTRATED, HAPPY, Lexicon, Match, SATISFIED,
};
use super::tokenize::{
    FLAG_ALL_CAPS, FLAG_CONTRACTED_NEGATION, FLAG_ELONGATED, FLAG_HAS_LETTER, Token, TokenKind,
};

/// Set by [`analyze`] on every token inside a negation scope.
pub(crate) const FLAG_NEGATED: u8 = 16;
/// Set by [`analyze`] on the first token of a multi-word lexicon idiom with a valence.
pub(crate) const FLAG_IDIOM_START: u8 = 32;
/// Set by [`analyze`] on the other tokens of such an idiom.
pub(crate) const FLAG_IDIOM_REST: u8 = 64;

/// How many words after a negator it reaches (a clause end stops it sooner).
const NEGATION_SCOPE_WORDS: u32 = 3;
/// A negated positive term keeps this share of its strength, reversed ("not good").
const NEGATED_POSITIVE_FACTOR: f32 = -0.55;
/// A negated negative term keeps this share of its strength, reversed ("not terrible").
const NEGATED_NEGATIVE_FACTOR: f32 = -0.4;
/// Extra strength of a capitalised word in mixed-case text.
const CAPS_BOOST: f32 = 0.3;
/// Extra strength of an elongated word ("sooo goood").
const ELONGATION_BOOST: f32 = 0.15;
/// Extra strength per exclamation mark, up to [`MAX_EXCLAMATIONS`].
const EXCLAMATION_BOOST: f32 = 0.06;
/// Exclamation marks beyond this add nothing.
const MAX_EXCLAMATIONS: u32 = 4;
/// Number of units a modifier reaches forward.
const MODIFIER_REACH: u32 = 2;
/// Words per "chunk" when cue sums are normalised for length.
const CUE_CHUNK_WORDS: f32 = 25.0;

/// What the rule pass finds in one text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct RuleAnalysis {
    /// Lexicon polarity in (-1, 1).
    pub score: f32,
    /// Weighted mean valence / 4, before any squashing.
    pub mean: f32,
    /// Weighted valence sum / 4 shrunk towards zero by one pseudo-term: Σ / (4 (W + 1)).
    pub shrunk: f32,
    /// Weighted mean strength of the positive terms, in [0, ~1.5].
    pub positive: f32,
    /// Weighted mean strength of the negative terms, in [0, ~1.5].
    pub negative: f32,
    /// Weight of evidence: 0 with no sentiment term, towards 1 with many.
    pub evidence: f32,
    /// Share of lexical units that carry sentiment.
    pub coverage: f32,
    /// Share of sentiment terms inside a negation scope.
    pub negated_share: f32,
    /// Exclamation marks (capped at [`MAX_EXCLAMATIONS`]).
    pub exclamations: u32,
    /// Question marks.
    pub questions: u32,
    /// Share of words written in capitals.
    pub caps_ratio: f32,
    /// A contrast or concession word was seen.
    pub has_contrast: bool,
    /// Strongest single term, in [0, 1] (absolute valence / 4 after adjustments, capped).
    pub peak: f32,
    /// Emotion cue sums in lexicon slot order (before normalisation).
    pub emotion_cues: [f32; EMOTION_COUNT],
    /// Urgency cue sum (before normalisation).
    pub urgency_cues: f32,
    /// Words in the text.
    pub words: u32,
    /// Number of sentiment terms found.
    pub sentiment_terms: u32,
    /// Emoticons and emoji.
    pub symbols: u32,
    /// Elongated words ("soooo").
    pub elongated_words: u32,
}

/// Runs the rules over `tokens` (marking negated tokens with [`FLAG_NEGATED`]).
pub(crate) fn analyze(lexicon: &Lexicon, tokens: &mut [Token]) -> RuleAnalysis {
    let mut result = RuleAnalysis::default();
    let mut letter_words = 0u32;
    let mut caps_words = 0u32;
    for token in tokens.iter() {
        match token.kind {
            TokenKind::Word => {
                result.words += 1;
                if token.has(FLAG_HAS_LETTER) {
                    letter_words += 1;
                }
                if token.has(FLAG_ALL_CAPS) {
                    caps_words += 1;
                }
                if token.has(FLAG_ELONGATED) {
                    result.elongated_words += 1;
                }
            }
            TokenKind::Emoticon | TokenKind::Emoji => result.symbols += 1,
            TokenKind::Exclamation => result.exclamations += 1,
            TokenKind::Question => result.questions += 1,
            _ => {}
        }
    }
    result.caps_ratio = if letter_words > 0 {
        caps_words as f32 / letter_words as f32
    } else {
        0.0
    };
    let shouting = result.caps_ratio >= 0.8 && letter_words >= 2;

    let mut weighted_sum = 0f32;
    let mut weight_total = 0f32;
    let mut positive_mass = 0f32;
    let mut negative_mass = 0f32;
    let mut negated_terms = 0u32;
    let mut lexical_units = 0u32;
    let mut pending_modifier = 0f32;
    let mut modifier_age = 0u32;
    let mut negation_left = 0u32;
    // Weight of terms after the latest "but"-like word, and of terms inside an "although" clause.
    let mut contrast_weight = 1f32;
    let mut concession_weight = 1f32;

    // The match found when looking ahead from the previous unit, reused for this one.
    let mut lookahead: Option<(usize, Option<Match<'_>>)> = None;
    let mut at = 0usize;
    while at < tokens.len() {
        let token = tokens[at];
        if !token.kind.is_lexical() {
            negation_left = 0;
            pending_modifier = 0.0;
            concession_weight = 1.0;
            at += 1;
            continue;
        }
        lexical_units += 1;
        let found = match lookahead.take() {
            Some((position, found)) if position == at => found,
            _ => lexicon.match_at(tokens, at),
        };
        let length = found.map_or(1, |m| m.length);
        let negated = negation_left > 0;
        if negated {
            for t in &mut tokens[at..at + length] {
                t.flags |= FLAG_NEGATED;
            }
        } else if length > 1 && lexicon.is_negator(&token) {
            // An idiom led by a negation ("not bad", "no problems"): its other words are negated.
            for t in &mut tokens[at + 1..at + length] {
                t.flags |= FLAG_NEGATED;
            }
        }
        let unit_caps = tokens[at..at + length].iter().all(|t| t.has(FLAG_ALL_CAPS));
        let unit_elongated = tokens[at..at + length]
            .iter()
            .any(|t| t.has(FLAG_ELONGATED));
        let next = at + length;

        let Some(found) = found else {
            if token.has(FLAG_CONTRACTED_NEGATION) {
                negation_left = NEGATION_SCOPE_WORDS;
            } else {
                negation_left = negation_left.saturating_sub(1);
            }
            age_modifier(&mut pending_modifier, &mut modifier_age);
            at = next;
            continue;
        };
        let entry = found.entry;
        if length > 1 && entry.valence.is_some() {
            tokens[at].flags |= FLAG_IDIOM_START;
            for t in &mut tokens[at + 1..next] {
                t.flags |= FLAG_IDIOM_REST;
            }
        }

        if let Some(contrast) = entry.contrast {
            result.has_contrast = true;
            negation_left = 0;
            if contrast > 0.0 {
                // Everything so far weighs less, everything after weighs more.
                let before = 1.0 - 0.5 * contrast;
                weighted_sum *= before;
                weight_total *= before;
                positive_mass *= before;
                negative_mass *= before;
                contrast_weight = 1.0 + 0.5 * contrast;
            } else {
                concession_weight = 1.0 + 0.5 * contrast;
            }
        }

        let next_found = if tokens.get(next).is_some_and(|t| t.kind.is_lexical()) {
            lexicon.match_at(tokens, next)
        } else {
            None
        };
        lookahead = Some((next, next_found));
        let next_has_valence =
            next_found.is_some_and(|m| m.entry.valence.is_some() || m.entry.modifier.is_some());
        let acts_as_modifier =
            entry.modifier.is_some() && (next_has_valence || entry.valence.is_none());
        if acts_as_modifier {
            let strength = entry.modifier.unwrap_or(0.0);
            let caps = if unit_caps && !shouting {
                1.0 + CAPS_BOOST
            } else {
                1.0
            };
            pending_modifier += strength * caps;
            modifier_age = 0;
        } else if let Some(valence) = entry.valence {
            let mut adjusted = valence * (1.0 + pending_modifier).max(0.1);
            if unit_caps && !shouting {
                adjusted *= 1.0 + CAPS_BOOST;
            }
            if unit_elongated {
                adjusted *= 1.0 + ELONGATION_BOOST;
            }
            if negated && !entry.negator {
                adjusted *= if adjusted > 0.0 {
                    NEGATED_POSITIVE_FACTOR
                } else {
                    NEGATED_NEGATIVE_FACTOR
                };
                negated_terms += 1;
            }
            let weight = contrast_weight * concession_weight;
            weighted_sum += weight * adjusted;
            weight_total += weight;
            if adjusted > 0.0 {
                positive_mass += weight * adjusted;
            } else {
                negative_mass -= weight * adjusted;
            }
            result.sentiment_terms += 1;
            result.peak = result.peak.max((adjusted.abs() / 4.0).min(1.0));
            pending_modifier = 0.0;
        } else {
            age_modifier(&mut pending_modifier, &mut modifier_age);
        }

        for (slot, &cue) in entry.emotions.iter().enumerate() {
            if cue <= 0.0 {
                continue;
            }
            if !negated || entry.negator {
                result.emotion_cues[slot] += cue;
            } else if slot == SATISFIED || slot == HAPPY {
                // "not happy", "not satisfied": the opposite feeling, weaker.
                result.emotion_cues[FRUSTRATED] += 0.5 * cue;
            }
        }
        if entry.urgency > 0.0 && (!negated || entry.negator) {
            result.urgency_cues += entry.urgency;
        }

        if entry.negator || token.has(FLAG_CONTRACTED_NEGATION) {
            negation_left = NEGATION_SCOPE_WORDS;
        } else if entry.contrast.is_none() {
            negation_left = negation_left.saturating_sub(length as u32);
        }
        at = next;
    }

    let exclamations = result.exclamations.min(MAX_EXCLAMATIONS);
    result.exclamations = exclamations;
    if weight_total > 0.0 {
        let mean = weighted_sum / weight_total;
        result.mean = mean / 4.0;
        result.shrunk = weighted_sum / (4.0 * (weight_total + 1.0));
        result.evidence = 1.0 - (-weight_total / 1.5).exp();
        let emphasis =
            1.0 + EXCLAMATION_BOOST * exclamations as f32 + if shouting { 0.1 } else { 0.0 };
        let raw = mean / 4.0 * (0.55 + 0.45 * result.evidence) * emphasis;
        result.score = (2.0 * raw).tanh();
        result.positive = positive_mass / weight_total / 4.0;
        result.negative = negative_mass / weight_total / 4.0;
        result.negated_share = negated_terms as f32 / result.sentiment_terms.max(1) as f32;
    }
    result.coverage = result.sentiment_terms as f32 / lexical_units.max(1) as f32;
    result
}

fn age_modifier(pending: &mut f32, age: &mut u32) {
    if *pending != 0.0 {
        *age += 1;
        if *age >= MODIFIER_REACH {
            *pending = 0.0;
            *age = 0;
        }
    }
}

/// Squashes a non-negative cue sum into [0, 1), discounting long texts so a
/// cue's weight is per chunk of speech rather than per text.
fn squash(cues: f32, words: u32) -> f32 {
    if cues <= 0.0 {
        return 0.0;
    }
    let per_chunk = cues / (1.0 + words as f32 / CUE_CHUNK_WORDS).sqrt();
    (1.0 - (-per_chunk.max(0.0)).exp()).clamp(0.0, 1.0)
}

/// Emotion strengths from the cues and the final polarity `score` in [-1, 1].
pub(crate) fn emotions(analysis: &RuleAnalysis, score: f32) -> Emotions {
    let cues = &analysis.emotion_cues;
    let negative = (-score).max(0.0);
    let positive = score.max(0.0);
    let shouting = analysis.caps_ratio.min(1.0);
    let exclaiming = analysis.exclamations as f32 / MAX_EXCLAMATIONS as f32;
    let questions = analysis.questions.min(3) as f32;
    let frustrated = cues[FRUSTRATED] + 0.5 * negative;
    let angry = cues[ANGRY] + negative * (0.15 + 0.5 * shouting + 0.4 * exclaiming);
    let confused = cues[CONFUSED] + 0.15 * questions;
    let satisfied = cues[SATISFIED] + 0.5 * positive;
    let happy = cues[HAPPY] + positive * (0.4 + 0.3 * exclaiming);
    let words = analysis.words;
    Emotions {
        frustrated: f64::from(squash(frustrated, words)),
        angry: f64::from(squash(angry, words)),
        confused: f64::from(squash(confused, words)),
        satisfied: f64::from(squash(satisfied, words)),
        happy: f64::from(squash(happy, words)),
    }
}

/// Urgency in [0, 1] from the cues, exclamations and capitals.
pub(crate) fn urgency(analysis: &RuleAnalysis) -> f32 {
    let emphasis = if analysis.urgency_cues > 0.0 {
        0.1 * analysis.exclamations.min(3) as f32 + 0.3 * analysis.caps_ratio
    } else {
        0.0
    };
    squash(analysis.urgency_cues + emphasis, analysis.words)
}

/// Intensity in [0, 1]: how strongly the sentiment is expressed, whatever its sign.
pub(crate) fn intensity(analysis: &RuleAnalysis, score: f32) -> f32 {
    let emphasis = 1.0
        + EXCLAMATION_BOOST * analysis.exclamations as f32
        + 0.3 * analysis.caps_ratio * analysis.peak.min(1.0).ceil();
    let lexical = (analysis.peak * emphasis).min(1.0);
    (0.6 * score.abs() + 0.4 * lexical).clamp(0.0, 1.0)
}

#[cfg(test)]
mod tests {
    use super::super::tokenize::tokenize;
    use super::*;

    fn rules(text: &str) -> RuleAnalysis {
        let lexicon = Lexicon::builtin().expect("lexicon");
        let mut tokens = Vec::new();
        tokenize(text, &mut tokens);
        analyze(lexicon, &mut tokens)
    }

    fn score(text: &str) -> f32 {
        rules(text).score
    }

    #[test]
    fn plain_polarity() {
        assert!(score("The agent was helpful") > 0.3);
        assert!(score("The agent was rude") < -0.3);
        assert_eq!(score("I am calling about my account number"), 0.0);
    }

    #[test]
    fn negation_flips_and_weakens() {
        let good = score("the service was good");
        let not_good = score("the service was not good");
        assert!(not_good < 0.0 && not_good.abs() < good);
        assert!(score("this isn't helpful at all") < 0.0);
        assert!(score("the product never works") < score("the product works"));
        // The negation ends at the clause boundary.
        assert!(score("not today, but the agent was great") > 0.3);
    }

    #[test]
    fn no_problems_and_not_bad_are_not_negative() {
        assert!(score("no problems at all") > 0.0);
        assert!(score("that's not bad") > 0.0);
        assert!(score("not bad at all") > 0.0);
        assert!(score("no worries") > 0.0);
        assert!(score("it was not terrible") > score("it was terrible"));
    }

    #[test]
    fn intensifiers_strengthen_and_dampeners_weaken() {
        let good = score("the food was good");
        assert!(score("the food was very good") > good);
        assert!(score("the food was extremely good") > score("the food was very good"));
        assert!(score("the food was slightly good") < good);
        assert!(score("the food was kind of good") < good);
        assert!(score("it was kind of bad") > score("it was bad"));
    }

    #[test]
    fn the_clause_after_but_weighs_more() {
        assert!(score("the food was great but the service was terrible") < 0.0);
        assert!(score("the service was terrible but the food was great") > 0.0);
        assert!(
            score("although the agent was friendly, the problem is still there and it is awful")
                < 0.0
        );
        assert!(rules("ok but slow").has_contrast);
    }

    #[test]
    fn capitals_and_exclamations_add_emphasis() {
        assert!(score("this is GREAT") > score("this is great"));
        assert!(score("this is great!!!") > score("this is great"));
        assert!(score("this is TERRIBLE!!!") < score("this is terrible"));
        assert!(score("soooo goooood") > 0.3);
    }

    #[test]
    fn emoji_and_emoticons_carry_sentiment() {
        assert!(score("thanks 😀") > score("thanks"));
        assert!(score("my order 😡") < -0.3);
        assert!(score("see you tomorrow :)") > 0.3);
        assert!(score("see you tomorrow :(") < -0.3);
    }

    #[test]
    fn contact_center_idioms() {
        assert!(score("I've been on hold for an hour") < -0.4);
        assert!(score("I want to cancel my account") < -0.3);
        assert!(score("you charged twice for the same month") < -0.4);
        assert!(score("that fixed it") > 0.4);
        assert!(score("thank you so much") > 0.5);
        assert!(score("thank you so much") > score("thank you"));
    }

    #[test]
    fn repetition_does_not_drift_to_the_extremes() {
        let once = score("The agent was good.");
        let many = score(&"The agent was good. ".repeat(200));
        assert!(many < 0.9, "{many}");
        assert!((many - once).abs() < 0.25, "{once} vs {many}");
    }

    #[test]
    fn emotions_follow_cues() {
        let angry = rules("This is ridiculous and unacceptable!");
        let e = emotions(&angry, angry.score);
        assert!(e.angry > 0.6 && e.angry > e.happy);
        let waiting = rules("I'm still waiting, again, and it's still not working");
        assert!(emotions(&waiting, waiting.score).frustrated > 0.7);
        let lost = rules("I don't understand, what do you mean?");
        assert!(emotions(&lost, lost.score).confused > 0.7);
        let done = rules("Perfect, that fixed it, thank you so much!");
        let e = emotions(&done, done.score);
        assert!(e.satisfied > 0.6 && e.happy > 0.6 && e.angry < 0.1);
        let unhappy = rules("I am not happy");
        assert!(emotions(&unhappy, unhappy.score).happy < 0.3);
    }

    #[test]
    fn urgency_follows_cues() {
        assert!(urgency(&rules("I need this fixed right now, it's urgent!")) > 0.7);
        assert!(urgency(&rules("please send it asap")) > 0.5);
        assert!(urgency(&rules("no rush, whenever suits you")) < 0.6);
        assert_eq!(urgency(&rules("the weather is nice")), 0.0);
    }
}
