//! Behaviour of the default sentiment analyzer through the public API.

use std::path::PathBuf;

use aybiza_analytics::Error;
use aybiza_analytics::sentiment::training::{is_held_out, lexicon_fingerprint};
use aybiza_analytics::sentiment::{
    HybridSentimentAnalyzer, PARALLEL_BATCH, Sentiment, SentimentAnalyzer, SentimentConfig,
    SentimentLabel, aggregate, text_weight,
};
use proptest::prelude::*;

const SHIPPED_WEIGHTS: &[u8] = include_bytes!("../src/sentiment/weights.bin");

fn analyzer() -> HybridSentimentAnalyzer {
    HybridSentimentAnalyzer::new().expect("the shipped weights load")
}

fn analyze(text: &str) -> Sentiment {
    analyzer().analyze(text).expect("valid text")
}

fn assert_bounded(s: &Sentiment) {
    assert!((-1.0..=1.0).contains(&s.score), "{s:?}");
    assert_eq!(s.label, SentimentLabel::from_score(s.score), "{s:?}");
    let e = &s.emotions;
    for value in [
        s.intensity,
        s.urgency,
        e.frustrated,
        e.angry,
        e.confused,
        e.satisfied,
        e.happy,
    ] {
        assert!((0.0..=1.0).contains(&value), "{s:?}");
    }
}

#[test]
fn shipped_weights_verify_and_match_the_lexicon() {
    let info = analyzer().training_info();
    assert!(info.examples > 9_000, "{info:?}");
    assert_eq!(
        info.lexicon_fingerprint,
        lexicon_fingerprint(),
        "lexicon.txt changed since weights.bin was trained: retrain (docs/sentiment.md)"
    );
    assert!(SHIPPED_WEIGHTS.len() < 2 * 1024 * 1024);
}

#[test]
fn corrupt_weights_are_rejected() {
    let config = SentimentConfig::default();
    assert!(HybridSentimentAnalyzer::from_weights(SHIPPED_WEIGHTS, config).is_ok());
    let mut flipped = SHIPPED_WEIGHTS.to_vec();
    let middle = flipped.len() / 2;
    flipped[middle] ^= 0x40;
    let error = HybridSentimentAnalyzer::from_weights(&flipped, config).unwrap_err();
    assert!(error.to_string().contains("checksum"), "{error}");
    let truncated = &SHIPPED_WEIGHTS[..SHIPPED_WEIGHTS.len() - 100];
    assert!(HybridSentimentAnalyzer::from_weights(truncated, config).is_err());
    let mut magic = SHIPPED_WEIGHTS.to_vec();
    magic[0] = b'X';
    assert!(HybridSentimentAnalyzer::from_weights(&magic, config).is_err());
    assert!(HybridSentimentAnalyzer::from_weights(&[], config).is_err());
}

#[test]
fn empty_and_oversized_text_are_invalid_arguments() {
    let analyzer = analyzer();
    assert!(matches!(
        analyzer.analyze(""),
        Err(Error::InvalidArgument(_))
    ));
    assert!(matches!(
        analyzer.analyze("  \n\t "),
        Err(Error::InvalidArgument(_))
    ));
    let small =
        HybridSentimentAnalyzer::with_config(SentimentConfig { max_text_bytes: 10 }).unwrap();
    assert!(small.analyze("short").is_ok());
    assert!(matches!(
        small.analyze("this is longer than ten bytes"),
        Err(Error::InvalidArgument(_))
    ));
    assert!(HybridSentimentAnalyzer::with_config(SentimentConfig { max_text_bytes: 0 }).is_err());
    match analyzer.analyze_batch(&["fine", "ok", ""]) {
        Err(Error::InvalidArgument(message)) => assert_eq!(message, "texts[2]: text is empty"),
        other => panic!("expected the bad index, got {other:?}"),
    }
}

#[test]
fn a_large_batch_is_scored_in_order_on_several_threads() {
    let words = [
        "great", "awful", "fine", "refund", "hold", "thanks", "broken", "ok",
    ];
    let texts: Vec<String> = (0..PARALLEL_BATCH * 2 + 7)
        .map(|i| format!("the {} was {} today", words[i % 8], words[(i / 8) % 8]))
        .collect();
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let analyzer = analyzer();
    let batch = analyzer.analyze_batch(&refs).unwrap();
    let one_by_one: Vec<_> = refs.iter().map(|t| analyzer.analyze(t).unwrap()).collect();
    assert_eq!(batch, one_by_one);
    let mut with_bad = refs.clone();
    with_bad[PARALLEL_BATCH + 3] = " ";
    assert!(matches!(
        analyzer.analyze_batch(&with_bad),
        Err(Error::InvalidArgument(message)) if message.starts_with(&format!("texts[{}]", PARALLEL_BATCH + 3))
    ));
}

#[test]
fn polarity_of_plain_contact_center_utterances() {
    let negative = [
        "I've been on hold for an hour.",
        "I want to cancel my account.",
        "You charged me twice this month.",
        "The agent was rude and useless.",
        "This is ridiculous, the app still doesn't work!",
    ];
    for text in negative {
        assert_eq!(analyze(text).label, SentimentLabel::Negative, "{text}");
    }
    let positive = [
        "Thank you so much!",
        "That fixed it, great job.",
        "The agent was very helpful.",
    ];
    for text in positive {
        assert_eq!(analyze(text).label, SentimentLabel::Positive, "{text}");
    }
}

#[test]
fn no_problems_and_not_bad_are_not_negative() {
    for text in [
        "No problems at all.",
        "Not bad.",
        "It's not bad at all",
        "No worries",
        "no problem",
    ] {
        assert_ne!(analyze(text).label, SentimentLabel::Negative, "{text}");
    }
}

#[test]
fn negation_intensifiers_and_contrast_move_the_score() {
    assert!(analyze("the service was not good").score < analyze("the service was good").score);
    assert!(
        analyze("the service was extremely good").score
            > analyze("the service was slightly good").score
    );
    let but_bad = analyze("The agent was friendly but the problem is still not fixed").score;
    let but_good = analyze("The problem is still not fixed but the agent was friendly").score;
    assert!(but_bad < but_good);
    assert!(analyze("This is TERRIBLE!!!").intensity > analyze("this is terrible").intensity);
}

#[test]
fn emotions_and_urgency() {
    let angry = analyze("This is ridiculous and unacceptable!");
    assert!(angry.emotions.angry > 0.5 && angry.emotions.angry > angry.emotions.happy);
    let waiting = analyze("I'm still waiting, again, and it's still not working");
    assert!(waiting.emotions.frustrated > 0.6);
    let lost = analyze("I don't understand, what do you mean?");
    assert!(lost.emotions.confused > 0.6);
    let done = analyze("Perfect, that fixed it, thank you so much!");
    assert!(done.emotions.satisfied > 0.5 && done.emotions.happy > 0.5);
    assert!(analyze("I need this fixed right now, it's urgent").urgency > 0.7);
    assert!(analyze("Send it whenever you can").urgency < 0.3);
}

#[test]
fn a_long_repeated_utterance_does_not_drift_to_the_extremes() {
    let once = analyze("The agent was good but slow.").score;
    let long = analyze(&"The agent was good but slow. ".repeat(300)).score;
    assert!(long.abs() < 0.9, "{long}");
    assert!((long - once).abs() < 0.25, "{once} vs {long}");
}

#[test]
fn results_are_deterministic_and_bounded() {
    let texts = [
        "I LOVE this!!! 😍😍",
        "worst. service. ever. 😡",
        "meh",
        "12345",
        "???",
        "Très bien, merci beaucoup",
        "no",
        ":-( :-( :-(",
        "ok",
    ];
    let first = analyzer();
    let second = HybridSentimentAnalyzer::new().unwrap();
    for text in texts {
        let a = first.analyze(text).unwrap();
        assert_eq!(a, second.analyze(text).unwrap(), "{text}");
        assert_eq!(a, first.analyze(text).unwrap(), "{text}");
        assert_bounded(&a);
    }
    let batch = first.analyze_batch(&texts).unwrap();
    assert_eq!(batch.len(), texts.len());
}

#[test]
fn call_aggregate_is_a_weighted_mean() {
    let texts = [
        "Hi, I'm calling about my bill.",
        "You charged me twice, this is unacceptable!",
        "Thanks, that fixed it.",
    ];
    let scored: Vec<Sentiment> = texts.iter().map(|t| analyze(t)).collect();
    let weights: Vec<f64> = texts.iter().map(|t| text_weight(t)).collect();
    let call = aggregate(scored.iter().zip(weights.iter().copied())).unwrap();
    let expected: f64 = scored
        .iter()
        .zip(&weights)
        .map(|(s, w)| s.score * w)
        .sum::<f64>()
        / weights.iter().sum::<f64>();
    assert!((call.score - expected).abs() < 1e-12);
    assert_bounded(&call);
    assert_eq!(
        call.urgency,
        scored.iter().map(|s| s.urgency).fold(0.0, f64::max)
    );
    // A long call of the same utterance keeps the utterance's score: a mean, not a sum.
    let one = analyze("The agent was great.");
    let long = aggregate(std::iter::repeat_n((&one, 5.0), 1000)).unwrap();
    assert!((long.score - one.score).abs() < 1e-9);
    assert!(aggregate(std::iter::empty()).is_err());
    assert!(aggregate([(&one, f64::NAN)]).is_err());
    assert!(aggregate([(&one, -1.0)]).is_err());
    assert!(aggregate([(&one, 0.0)]).is_err());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_text_is_scored_in_bounds_or_rejected(text in any::<String>()) {
        match analyzer().analyze(&text) {
            Ok(s) => assert_bounded(&s),
            Err(Error::InvalidArgument(_)) => prop_assert!(text.trim().is_empty()),
            Err(other) => prop_assert!(false, "unexpected error {other}"),
        }
    }

    #[test]
    fn emoticon_and_punctuation_soup_never_panics(text in "[:;=<>^()\\-_'’!?.,a-zA-Z0-9 😀😡👍🏽❤️\u{200d}\u{fe0f}&lt;]{1,80}") {
        if let Ok(s) = analyzer().analyze(&text) {
            assert_bounded(&s);
        }
    }
}

/// Macro-F1 and Pearson r on the held-out rows of the reference data, when it is beside the repository.
#[test]
fn held_out_accuracy_on_the_reference_data() {
    let path =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/data/sentiment_dev.csv");
    if !path.exists() {
        println!(
            "skipped: {} not found (it sits beside the repository in CI)",
            path.display()
        );
        return;
    }
    let analyzer = analyzer();
    let mut reader = csv::Reader::from_path(&path).expect("readable CSV");
    let mut gold = Vec::new();
    let mut predicted = Vec::new();
    let mut ratings = Vec::new();
    let mut scores = Vec::new();
    for record in reader.records() {
        let record = record.expect("valid CSV row");
        if !is_held_out(&record[0], &record[1]) {
            continue;
        }
        let s = analyzer.analyze(&record[4]).expect("valid text");
        gold.push(record[3].to_string());
        predicted.push(match s.label {
            SentimentLabel::Negative => "negative",
            SentimentLabel::Neutral => "neutral",
            SentimentLabel::Positive => "positive",
        });
        ratings.push(record[2].parse::<f64>().expect("numeric rating"));
        scores.push(s.score);
    }
    assert!(gold.len() > 2_000, "{} held-out rows", gold.len());
    let f1: f64 = ["negative", "neutral", "positive"]
        .iter()
        .map(|&c| {
            let tp = gold
                .iter()
                .zip(&predicted)
                .filter(|(g, p)| g.as_str() == c && **p == c)
                .count() as f64;
            let support = gold.iter().filter(|g| g.as_str() == c).count()
                + predicted.iter().filter(|p| **p == c).count();
            if tp == 0.0 {
                0.0
            } else {
                2.0 * tp / support as f64
            }
        })
        .sum::<f64>()
        / 3.0;
    let n = ratings.len() as f64;
    let (mr, ms) = (
        ratings.iter().sum::<f64>() / n,
        scores.iter().sum::<f64>() / n,
    );
    let cov: f64 = ratings
        .iter()
        .zip(&scores)
        .map(|(r, s)| (r - mr) * (s - ms))
        .sum();
    let vr: f64 = ratings.iter().map(|r| (r - mr).powi(2)).sum();
    let vs: f64 = scores.iter().map(|s| (s - ms).powi(2)).sum();
    let r = cov / (vr * vs).sqrt();
    println!(
        "held-out macro-F1 {f1:.3}, Pearson r {r:.3} on {} rows",
        gold.len()
    );
    assert!(f1 > 0.57, "macro-F1 {f1}");
    assert!(r > 0.68, "Pearson r {r}");
}
