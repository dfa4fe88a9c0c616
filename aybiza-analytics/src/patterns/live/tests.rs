use super::*;
use crate::model::Speaker;

fn utt(seq: u32, speaker: Speaker, text: &str, start_ms: u64) -> LiveUtterance<'_> {
    LiveUtterance {
        speaker,
        text,
        seq,
        start_ms,
        end_ms: start_ms + 2_000,
        sentiment: None,
        silence_ms: None,
        interruptions: 0,
    }
}

fn rules(toml: &str) -> LiveRules {
    LiveRules::from_toml(toml).unwrap_or_else(|e| panic!("{e}"))
}

fn ids(hits: &[RuleHit]) -> Vec<&str> {
    hits.iter().map(|h| h.rule_id.as_str()).collect()
}

const CANCEL: &str = r#"
[[rules]]
id = "cancel"
when = { phrases = { speaker = "customer", any = ["cancel * account", "close ** account"] } }
"#;

#[test]
fn phrases_ignore_case_punctuation_and_apostrophes() {
    let r = rules(
        r#"[[rules]]
id = "x"
when = { phrases = { any = ["I don't understand"] } }"#,
    );
    let mut state = r.new_call();
    let hits = r.on_utterance(
        &mut state,
        &utt(0, Speaker::Customer, "Sorry... I DONT, understand!", 0),
    );
    assert_eq!(ids(&hits), ["x"]);
    assert_eq!(hits[0].char_start, Some(9));
    assert_eq!(hits[0].char_end, Some(27));
    assert_eq!(hits[0].phrase.as_deref(), Some("I don't understand"));
    assert_eq!(hits[0].seq, Some(0));
    assert_eq!(hits[0].start_seq, Some(0));
    assert_eq!(hits[0].speaker, Some(Speaker::Customer));
}

#[test]
fn phrases_match_whole_words_only() {
    let r = rules(
        r#"[[rules]]
id = "x"
when = { phrases = { any = ["cancel"] } }"#,
    );
    let mut state = r.new_call();
    assert!(
        r.on_utterance(
            &mut state,
            &utt(0, Speaker::Customer, "it was cancelled", 0)
        )
        .is_empty()
    );
    assert_eq!(
        ids(&r.on_utterance(&mut state, &utt(1, Speaker::Customer, "cancel it", 0))),
        ["x"]
    );
}

#[test]
fn single_star_is_exactly_one_word_and_double_star_up_to_three() {
    let r = rules(CANCEL);
    let cases = [
        ("please cancel my account", true),
        ("please cancel account", false),
        ("cancel my old account", false),
        ("close account now", true),
        ("close my whole family account", true),
        ("close my whole big family account", false),
    ];
    for (text, expected) in cases {
        let mut state = r.new_call();
        let hits = r.on_utterance(&mut state, &utt(0, Speaker::Customer, text, 0));
        assert_eq!(!hits.is_empty(), expected, "{text}");
    }
}

#[test]
fn a_rule_fires_once_per_call() {
    let r = rules(CANCEL);
    let mut state = r.new_call();
    let first = r.on_utterance(
        &mut state,
        &utt(0, Speaker::Customer, "cancel my account", 0),
    );
    let again = r.on_utterance(
        &mut state,
        &utt(2, Speaker::Customer, "cancel my account", 5_000),
    );
    assert_eq!(first.len(), 1);
    assert!(again.is_empty());
}

#[test]
fn speaker_filter_applies() {
    let r = rules(CANCEL);
    let mut state = r.new_call();
    assert!(
        r.on_utterance(
            &mut state,
            &utt(0, Speaker::Agent, "I can cancel your account", 0)
        )
        .is_empty()
    );
    let r = rules(
        r#"[[rules]]
id = "staff"
when = { phrases = { speaker = "agent_or_bot", any = ["recorded"] } }"#,
    );
    let mut state = r.new_call();
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Customer, "recorded", 0))
            .is_empty()
    );
    assert_eq!(
        ids(&r.on_utterance(&mut state, &utt(1, Speaker::Bot, "recorded", 0))),
        ["staff"]
    );
}

#[test]
fn phrases_span_two_consecutive_utterances_of_one_speaker() {
    let r = rules(CANCEL);
    let mut state = r.new_call();
    assert!(
        r.on_utterance(
            &mut state,
            &utt(0, Speaker::Customer, "I want to cancel my", 0)
        )
        .is_empty()
    );
    let hits = r.on_utterance(
        &mut state,
        &utt(1, Speaker::Customer, "account, please.", 2_000),
    );
    assert_eq!(ids(&hits), ["cancel"]);
    assert_eq!(hits[0].start_seq, Some(0));
    assert_eq!(hits[0].seq, Some(1));
    assert_eq!(hits[0].char_start, Some(10));
    assert_eq!(hits[0].char_end, Some(7));
}

#[test]
fn phrases_do_not_span_speakers_or_gaps_in_sequence() {
    let r = rules(CANCEL);
    let mut state = r.new_call();
    r.on_utterance(
        &mut state,
        &utt(0, Speaker::Customer, "I want to cancel my", 0),
    );
    assert!(
        r.on_utterance(&mut state, &utt(1, Speaker::Agent, "account", 2_000))
            .is_empty()
    );
    assert!(
        r.on_utterance(&mut state, &utt(2, Speaker::Customer, "account", 4_000))
            .is_empty()
    );

    let mut state = r.new_call();
    r.on_utterance(
        &mut state,
        &utt(0, Speaker::Customer, "I want to cancel my", 0),
    );
    assert!(
        r.on_utterance(&mut state, &utt(2, Speaker::Customer, "account", 4_000))
            .is_empty()
    );
}

#[test]
fn a_match_inside_the_previous_utterance_is_not_reported_twice() {
    let r = rules(
        r#"[[rules]]
id = "a"
when = { phrases = { any = ["cancel my account"] } }
[[rules]]
id = "b"
when = { all_of = [{ phrases = { any = ["cancel my account"] } }, { phrases = { any = ["today"] } }] }"#,
    );
    let mut state = r.new_call();
    assert_eq!(
        ids(&r.on_utterance(
            &mut state,
            &utt(0, Speaker::Customer, "cancel my account", 0)
        )),
        ["a"]
    );
    let hits = r.on_utterance(&mut state, &utt(1, Speaker::Customer, "today", 2_000));
    assert_eq!(ids(&hits), ["b"]);
    assert_eq!(hits[0].phrase.as_deref(), Some("today"));
}

#[test]
fn sentiment_below_above_and_consecutive() {
    let r = rules(
        r#"[[rules]]
id = "low"
when = { sentiment = { speaker = "customer", below = -0.5, consecutive = 2 } }
[[rules]]
id = "band"
when = { sentiment = { above = 0.2, below = 0.6 } }"#,
    );
    let mut state = r.new_call();
    let mut said = |seq, speaker, score: Option<f64>| {
        let mut u = utt(seq, speaker, "words", u64::from(seq) * 1000);
        u.sentiment = score;
        ids(&r.on_utterance(&mut state, &u)).join(",")
    };
    assert_eq!(said(0, Speaker::Customer, Some(-0.7)), "");
    assert_eq!(
        said(1, Speaker::Customer, Some(-0.1)),
        "",
        "the run is broken"
    );
    assert_eq!(said(2, Speaker::Customer, Some(-0.8)), "");
    assert_eq!(
        said(3, Speaker::Agent, Some(0.9)),
        "",
        "other speakers neither count nor break the run"
    );
    assert_eq!(
        said(4, Speaker::Customer, None),
        "",
        "unscored utterances are skipped"
    );
    assert_eq!(
        said(5, Speaker::Customer, Some(f64::NAN)),
        "",
        "NaN counts as unscored"
    );
    assert_eq!(said(6, Speaker::Customer, Some(-0.9)), "low");
    assert_eq!(said(7, Speaker::Agent, Some(0.6)), "", "bounds are strict");
    assert_eq!(said(8, Speaker::Agent, Some(0.4)), "band");
}

#[test]
fn silence_and_interruptions() {
    let r = rules(
        r#"[[rules]]
id = "quiet"
when = { silence = { at_least_ms = 8000 } }
[[rules]]
id = "rude"
when = { interruption = { speaker = "customer", at_least = 3 } }"#,
    );
    let mut state = r.new_call();
    let mut u = utt(0, Speaker::Customer, "hello?", 0);
    u.silence_ms = Some(7_999);
    u.interruptions = 2;
    assert!(r.on_utterance(&mut state, &u).is_empty());
    let mut u = utt(1, Speaker::Agent, "sorry", 10_000);
    u.silence_ms = Some(8_000);
    u.interruptions = 5;
    assert_eq!(ids(&r.on_utterance(&mut state, &u)), ["quiet"]);
    let mut u = utt(2, Speaker::Customer, "wait", 12_000);
    u.interruptions = 1;
    assert_eq!(ids(&r.on_utterance(&mut state, &u)), ["rude"]);
}

#[test]
fn first_seconds_window_and_not_fire_once_the_window_has_passed() {
    let r = rules(
        r#"[[rules]]
id = "greeted"
when = { phrases = { speaker = "agent", any = ["thanks for calling"], within = { first_secs = 30 } } }
[[rules]]
id = "no_greeting"
when = { not = { phrases = { speaker = "agent", any = ["thanks for calling"], within = { first_secs = 30 } } } }"#,
    );
    let mut state = r.new_call();
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Customer, "hello", 0))
            .is_empty()
    );
    let late = r.on_utterance(
        &mut state,
        &utt(1, Speaker::Agent, "thanks for calling", 31_000),
    );
    assert_eq!(
        ids(&late),
        ["no_greeting"],
        "decided by the first utterance after the window"
    );
    assert_eq!(late[0].seq, None, "a `not` has no evidence");

    let mut state = r.new_call();
    assert_eq!(
        ids(&r.on_utterance(
            &mut state,
            &utt(0, Speaker::Agent, "Thanks for calling!", 1_000)
        )),
        ["greeted"]
    );
    assert!(
        r.on_utterance(&mut state, &utt(1, Speaker::Customer, "hi", 40_000))
            .is_empty()
    );
    assert!(r.end_call(&mut state, 60_000).is_empty());
}

#[test]
fn last_seconds_window_is_decided_at_the_end_of_the_call() {
    let r = rules(
        r#"[[rules]]
id = "thanked_at_end"
when = { phrases = { speaker = "customer", any = ["thank you"], within = { last_secs = 20 } } }"#,
    );
    let mut state = r.new_call();
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Customer, "thank you", 0))
            .is_empty()
    );
    assert!(r.end_call(&mut state, 100_000).is_empty(), "said too early");

    let mut state = r.new_call();
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Customer, "thank you", 0))
            .is_empty()
    );
    assert!(
        r.on_utterance(
            &mut state,
            &utt(1, Speaker::Customer, "ok thank you", 85_000)
        )
        .is_empty()
    );
    let hits = r.end_call(&mut state, 100_000);
    assert_eq!(ids(&hits), ["thanked_at_end"]);
    assert_eq!(hits[0].seq, Some(1), "the latest evidence in the window");
    assert_eq!(hits[0].at_ms, 100_000);
    assert_eq!(hits[0].char_start, Some(3));
    assert!(
        r.end_call(&mut state, 100_000).is_empty(),
        "end_call is idempotent"
    );
    assert!(
        r.on_utterance(&mut state, &utt(2, Speaker::Customer, "thank you", 99_000))
            .is_empty(),
        "an ended call ignores utterances"
    );
    assert!(state.is_ended());
}

#[test]
fn combinators_use_three_valued_logic() {
    let r = rules(
        r#"[[rules]]
id = "all"
when = { all_of = [{ phrases = { any = ["refund"] } }, { phrases = { any = ["today"] } }] }
[[rules]]
id = "any"
when = { any_of = [{ phrases = { any = ["refund"] } }, { phrases = { any = ["today"] } }] }
[[rules]]
id = "not_resolved"
when = { all_of = [{ phrases = { any = ["refund"] } }, { not = { phrases = { any = ["approved"] } } }] }"#,
    );
    let mut state = r.new_call();
    assert_eq!(
        ids(&r.on_utterance(&mut state, &utt(0, Speaker::Customer, "refund", 0))),
        ["any"]
    );
    assert_eq!(
        ids(&r.on_utterance(&mut state, &utt(1, Speaker::Agent, "today", 2_000))),
        ["all"]
    );
    let hits = r.end_call(&mut state, 10_000);
    assert_eq!(
        ids(&hits),
        ["not_resolved"],
        "`not` is only known at the end"
    );
    assert_eq!(hits[0].seq, Some(0), "evidence from the positive part");

    let mut state = r.new_call();
    r.on_utterance(&mut state, &utt(0, Speaker::Customer, "refund", 0));
    r.on_utterance(&mut state, &utt(1, Speaker::Agent, "approved", 2_000));
    assert!(r.end_call(&mut state, 10_000).is_empty());
}

#[test]
fn swapping_rules_keeps_unchanged_rules_and_starts_changed_ones_fresh() {
    let before = rules(
        r#"[[rules]]
id = "cancel"
when = { phrases = { any = ["cancel"] } }
[[rules]]
id = "both"
when = { all_of = [{ phrases = { any = ["refund"] } }, { phrases = { any = ["today"] } }] }
[[rules]]
id = "changed"
when = { phrases = { any = ["hello"] } }"#,
    );
    let shared = SharedRules::new(before);
    let mut state = shared.current().new_call();
    let current = shared.current();
    assert_eq!(
        ids(&current.on_utterance(&mut state, &utt(0, Speaker::Customer, "hello, cancel", 0))),
        ["cancel", "changed"]
    );
    current.on_utterance(&mut state, &utt(1, Speaker::Customer, "refund", 1_000));

    shared.swap(rules(
        r#"[[rules]]
id = "new"
when = { phrases = { any = ["today"] } }
[[rules]]
id = "changed"
when = { phrases = { any = ["hello", "hi"] } }
[[rules]]
id = "both"
when = { all_of = [{ phrases = { any = ["refund"] } }, { phrases = { any = ["today"] } }] }
[[rules]]
id = "cancel"
when = { phrases = { any = ["cancel"] } }"#,
    ));
    let current = shared.current();
    let hits = current.on_utterance(
        &mut state,
        &utt(2, Speaker::Customer, "hi, cancel today", 3_000),
    );
    // `cancel` already fired before the swap; `both` kept its `refund` progress; `changed` restarted.
    assert_eq!(ids(&hits), ["new", "changed", "both"]);
}

#[test]
fn phrases_with_many_wildcards_are_searched_without_backtracking_blowup() {
    // 20 "a" segments joined by `**`, then "b": over a long run of "a", a naive search tries
    // about 4^19 paths from every start word.
    let phrase = format!("{} ** b", vec!["a"; 20].join(" ** "));
    let r = rules(&format!(
        "[[rules]]\nid = \"deep\"\nwhen = {{ phrases = {{ any = [\"{phrase}\"] }} }}"
    ));
    let mut state = r.new_call();
    let many = "a ".repeat(200);
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Customer, &many, 0))
            .is_empty()
    );
    let then_b = format!("{}b", "a ".repeat(60));
    let hits = r.on_utterance(&mut state, &utt(1, Speaker::Customer, &then_b, 5_000));
    assert_eq!(ids(&hits), ["deep"]);
}

#[test]
fn a_swap_moves_kept_evidence_to_the_phrases_new_place() {
    let refund_without_thanks = r#"[[rules]]
id = "refund_without_thanks"
when = { all_of = [{ phrases = { any = ["refund"] } }, { not = { phrases = { any = ["thank you"] } } }] }"#;
    let greeting_first = format!(
        r#"[[rules]]
id = "greeting"
when = {{ phrases = {{ any = ["hello", "hi", "good morning"] }} }}
{refund_without_thanks}"#
    );
    let shared = SharedRules::new(rules(&greeting_first));
    let mut state = shared.current().new_call();
    // The `not` stays open until the call ends, so the rule waits with its "refund" evidence.
    let said = utt(0, Speaker::Customer, "I want a refund", 0);
    assert!(shared.current().on_utterance(&mut state, &said).is_empty());

    // Without the greeting, "refund" is the set's first phrase instead of its fourth.
    shared.swap(rules(refund_without_thanks));
    let hits = shared.current().end_call(&mut state, 10_000);
    assert_eq!(ids(&hits), ["refund_without_thanks"]);
    assert_eq!(hits[0].phrase.as_deref(), Some("refund"));
    assert_eq!((hits[0].char_start, hits[0].char_end), (Some(9), Some(15)));
}

#[test]
fn a_swap_keeps_the_counts_held_times_and_evidence_of_unchanged_rules() {
    let kept = r#"[[rules]]
id = "run"
when = { all_of = [{ phrases = { any = ["refund"] } }, { sentiment = { below = -0.3, consecutive = 2 } }] }
[[rules]]
id = "late"
when = { all_of = [
  { interruption = { at_least = 2 } },
  { phrases = { any = ["goodbye"], within = { last_secs = 30 } } },
] }
"#;
    let shared = SharedRules::new(rules(kept));
    let mut state = shared.current().new_call();
    let said = |seq, text, start_ms, sentiment, interruptions| LiveUtterance {
        sentiment: Some(sentiment),
        interruptions,
        ..utt(seq, Speaker::Customer, text, start_ms)
    };
    let current = shared.current();
    for utterance in [
        said(0, "refund please", 0, 0.5, 1),
        said(1, "okay goodbye", 50_000, -0.8, 1),
    ] {
        assert!(current.on_utterance(&mut state, &utterance).is_empty());
    }
    // A new rule before the old ones: every leaf and slot moves.
    shared.swap(rules(&format!(
        "[[rules]]\nid = \"new\"\nwhen = {{ sentiment = {{ above = 0.9, consecutive = 3 }} }}\n{kept}"
    )));
    let current = shared.current();
    // The second negative utterance in a row (the first was counted before the swap); the
    // evidence of `refund` (seq 0) was carried over, the sentiment's is seq 2.
    let hits = current.on_utterance(&mut state, &said(2, "hmm", 60_000, -0.8, 0));
    assert_eq!(ids(&hits), ["run"]);
    assert_eq!(hits[0].seq, Some(2));
    // `late`: two interruptions and a goodbye held at 52 s (both before the swap), within the
    // last 30 s of a call ending at 80 s.
    let hits = current.end_call(&mut state, 80_000);
    assert_eq!(ids(&hits), ["late"]);
    assert_eq!(
        (hits[0].seq, hits[0].phrase.as_deref()),
        (Some(1), Some("goodbye"))
    );
    assert!(state.memory_bytes() < 512, "{}", state.memory_bytes());
}

#[test]
fn bad_rule_files_are_typed_errors_with_locations() {
    let error = RuleSet::from_json("{\"rules\": [\n {\"id\": \"a\", \"when\": {\"phrase\": {}}}]}")
        .unwrap_err();
    match error {
        RuleError::Syntax {
            format, line, path, ..
        } => {
            assert_eq!(format, RuleFormat::Json);
            assert_eq!(line, 2);
            assert!(path.starts_with("rules[0].when"), "{path}");
        }
        other => panic!("{other:?}"),
    }
    let error = RuleSet::from_toml(
        "[[rules]]\nid = \"a\"\nwhen = { phrases = { any = [\"x\"], speaker = \"boss\" } }\n",
    )
    .unwrap_err();
    match &error {
        RuleError::Syntax {
            format,
            line,
            message,
            ..
        } => {
            assert_eq!(*format, RuleFormat::Toml);
            assert_eq!(*line, 3);
            assert!(message.contains("boss"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        RuleSet::from_toml("[[rules]\nid = 1"),
        Err(RuleError::Syntax { line: 1, .. })
    ));

    let invalid = |toml: &str| match RuleSet::from_toml(toml) {
        Err(RuleError::Invalid { path, message, .. }) => format!("{path}: {message}"),
        other => panic!("{other:?}"),
    };
    let wildcard = invalid(
        "[[rules]]\nid = \"a\"\nwhen = { any_of = [{ silence = { at_least_ms = 1 } }, { phrases = { any = [\"ok\", \"* account\"] } }] }",
    );
    assert!(
        wildcard.starts_with("rules[0].when.any_of[1].phrases.any[1]"),
        "{wildcard}"
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { phrases = { any = [\"cancel*\"] } }")
            .contains("stand alone")
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { phrases = { any = [\"cancel *\"] } }")
            .contains("end with")
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { phrases = { any = [\"?!\"] } }")
            .contains("no words")
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { phrases = { any = [] } }").contains("no phrases")
    );
    assert!(invalid("[[rules]]\nid = \"a\"\nwhen = { all_of = [] }").contains("empty"));
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { sentiment = { below = 2.0 } }")
            .contains("outside")
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { sentiment = { below = 0.1, above = 0.5 } }")
            .contains("less than")
    );
    assert!(
        invalid("[[rules]]\nid = \"a\"\nwhen = { sentiment = { speaker = \"customer\" } }")
            .contains("needs")
    );
    assert!(invalid("[[rules]]\nid = \"a\"\nwhen = { silence = { at_least_ms = 5, within = { first_secs = 0 } } }").contains("window"));
    let duplicate = "[[rules]]\nid = \"a\"\nwhen = { silence = { at_least_ms = 5 } }\n[[rules]]\nid = \"a\"\nwhen = { silence = { at_least_ms = 5 } }";
    assert!(invalid(duplicate).starts_with("rules[1].id"));
    let as_crate_error: crate::Error = RuleSet::from_json("[").unwrap_err().into();
    assert!(matches!(as_crate_error, crate::Error::InvalidArgument(_)));
}

#[test]
fn json_and_toml_describe_the_same_rules() {
    let json = r#"{"rules": [{"id": "cancel", "when": {"phrases": {"speaker": "customer", "any": ["cancel * account", "close ** account"]}}}]}"#;
    assert_eq!(
        RuleSet::from_json(json).unwrap(),
        RuleSet::from_toml(CANCEL).unwrap()
    );
    let default = LiveRules::default_rules();
    let round_trip = serde_json::to_string(default.rule_set()).unwrap();
    assert_eq!(
        RuleSet::from_json(&round_trip).unwrap(),
        *default.rule_set()
    );
}

#[test]
fn default_rules_catch_simulator_and_real_world_phrasings() {
    let r = LiveRules::default_rules();
    let cases = [
        ("I want to speak to your manager", "escalation_request"),
        ("let me talk to a supervisor", "escalation_request"),
        ("Put your supervisor on the phone.", "escalation_request"),
        ("get me someone who can actually help", "escalation_request"),
        (
            "I'm switching to Apex Broadband so I need to cancel",
            "churn_intent",
        ),
        (
            "I've had enough problems, I'd like to cancel my account",
            "churn_intent",
        ),
        (
            "the internet drops all the time so I'm cancelling",
            "churn_intent",
        ),
        (
            "I got a letter from you and I don't understand what it means",
            "confusion",
        ),
        ("I'm sorry, this is too confusing.", "confusion"),
        ("This is ridiculous!", "complaint"),
        ("I've been on hold for over an hour", "complaint"),
        ("I already called about this last week", "repeat_contact"),
    ];
    for (text, rule) in cases {
        let mut state = r.new_call();
        let hits = r.on_utterance(&mut state, &utt(0, Speaker::Customer, text, 1_000));
        assert!(ids(&hits).contains(&rule), "{text}: {:?}", ids(&hits));
    }
    let mut state = r.new_call();
    let opening = "Thank you for calling Acme. This call may be recorded for quality purposes.";
    assert!(
        r.on_utterance(&mut state, &utt(0, Speaker::Bot, opening, 0))
            .is_empty()
    );
    let mut closing = utt(1, Speaker::Customer, "Unbelievable. Forget it.", 100_000);
    closing.sentiment = Some(-0.6);
    r.on_utterance(&mut state, &closing);
    assert_eq!(ids(&r.end_call(&mut state, 110_000)), ["negative_ending"]);

    let mut state = r.new_call();
    r.on_utterance(&mut state, &utt(0, Speaker::Customer, "hello?", 0));
    let hits = r.on_utterance(&mut state, &utt(1, Speaker::Customer, "anyone?", 61_000));
    assert_eq!(
        ids(&hits),
        ["missing_greeting", "missing_recording_disclosure"]
    );
}

#[test]
fn batch_replay_implements_pattern_detector() {
    use crate::model::{Call, CallChannel, Direction, Utterance, VoiceFeatures};
    use crate::patterns::{PatternDetector, TranscribedCall};
    let call = |id: &str, lines: &[(Speaker, &str)]| {
        let started_at = chrono::DateTime::parse_from_rfc3339("2026-01-05T09:00:00Z")
            .unwrap()
            .to_utc();
        TranscribedCall {
            call: Call {
                id: id.into(),
                tenant: "t".into(),
                customer_id: "c".into(),
                agent_id: None,
                channel: CallChannel::Voice,
                direction: Direction::Inbound,
                started_at,
                ended_at: Some(started_at + chrono::Duration::seconds(120)),
                queue: None,
                outcome: None,
                escalated: false,
                transferred: false,
                satisfaction: None,
                tags: vec![],
                attributes: Default::default(),
            },
            utterances: lines
                .iter()
                .enumerate()
                .map(|(i, (speaker, text))| Utterance {
                    tenant: "t".into(),
                    call_id: id.into(),
                    seq: i as u32,
                    speaker: *speaker,
                    text: (*text).into(),
                    start_ms: i as u64 * 5_000,
                    end_ms: i as u64 * 5_000 + 4_000,
                    voice: Some(VoiceFeatures {
                        silence_before_ms: Some(if i == 1 { 31_000 } else { 300 }),
                        ..Default::default()
                    }),
                })
                .collect(),
        }
    };
    let calls = [
        call(
            "a",
            &[
                (
                    Speaker::Agent,
                    "Thanks for calling, this call may be recorded.",
                ),
                (Speaker::Customer, "I want to cancel."),
            ],
        ),
        call(
            "b",
            &[
                (Speaker::Agent, "Thanks for calling, calls are recorded."),
                (Speaker::Customer, "I need to cancel my plan"),
            ],
        ),
    ];
    let detector = RuleReplay::new(Arc::new(LiveRules::default_rules()), None);
    let findings = detector.detect(&calls).unwrap();
    let churn = findings
        .iter()
        .find(|f| f.label.starts_with("churn_intent"))
        .unwrap();
    assert_eq!(churn.call_ids, ["a", "b"]);
    assert_eq!(churn.strength, Some(1.0));
    assert!(findings.iter().any(|f| f.label.starts_with("long_silence")));
    assert!(
        !findings
            .iter()
            .any(|f| f.label.starts_with("missing_greeting"))
    );
    assert_eq!(call_end_ms(&calls[0].call, &calls[0].utterances), 120_000);
}

#[test]
fn state_stays_small() {
    let r = LiveRules::default_rules();
    let mut state = r.new_call();
    r.on_utterance(
        &mut state,
        &utt(0, Speaker::Customer, &"word ".repeat(500), 0),
    );
    assert!(state.memory_bytes() < 1_024, "{}", state.memory_bytes());
}

mod properties {
    use proptest::prelude::*;

    use super::*;

    proptest! {
        #[test]
        fn matching_never_panics(texts in proptest::collection::vec(any::<String>(), 1..6), speakers in proptest::collection::vec(0u8..3, 6)) {
            let r = LiveRules::default_rules();
            let mut state = r.new_call();
            for (i, text) in texts.iter().enumerate() {
                let speaker = [Speaker::Customer, Speaker::Agent, Speaker::Bot][speakers[i] as usize];
                let mut u = utt(i as u32, speaker, text, i as u64 * 1000);
                u.sentiment = Some(-0.9);
                for hit in r.on_utterance(&mut state, &u) {
                    if let (Some(start), Some(end)) = (hit.char_start, hit.char_end) {
                        if hit.start_seq == hit.seq {
                            prop_assert!(start < end && end <= text.chars().count());
                        }
                    }
                }
            }
            r.end_call(&mut state, 1_000_000);
        }

        #[test]
        fn arbitrary_phrases_parse_or_fail_cleanly(phrase in "\\PC{0,40}") {
            let _ = text::PhrasePattern::parse(&phrase);
        }
    }
}

#[test]
fn transcripts_as_data_match_like_live_calls() {
    let utterances: Vec<TranscriptUtterance> = serde_json::from_str(
        r#"[{"speaker": "customer", "text": "I want to cancel my", "seq": 0, "start_ms": 0},
            {"speaker": "customer", "text": "account", "seq": 1, "start_ms": 1500, "end_ms": 2000}]"#,
    )
    .unwrap();
    let hits = LiveRules::from_toml(CANCEL)
        .unwrap()
        .match_transcript(&utterances, None);
    assert_eq!(ids(&hits), ["cancel"]);
    assert_eq!((hits[0].start_seq, hits[0].seq), (Some(0), Some(1)));
    assert_eq!(
        LiveRules::default_rules().rule_ids()[0],
        "escalation_request"
    );
}
