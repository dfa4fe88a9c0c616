use std::sync::Arc;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};

use super::*;
use crate::insights::test_draws::Draws;
use crate::journey::tracker::JourneyEnd;
use crate::model::{CallChannel, Direction, Record};
use crate::sentiment::{aggregate, text_weight};
use crate::store::MemoryStore;

/// How the calls of a test are drawn.
#[derive(Clone, Copy)]
struct Profile {
    calls_per_day: usize,
    escalation: f64,
    resolution: f64,
}

/// The insights of the calls of `range` (and of `previous`), with no journey events.
fn calls_insights(
    calls: &[Call],
    range: TimeRange,
    previous: Option<(TimeRange, &[Call])>,
    sentiments: &CallSentiments,
    options: &InsightOptions,
) -> Result<Vec<Insight>> {
    let records = PeriodRecords {
        range,
        calls,
        previous,
        sentiments,
        journey_events: &[],
    };
    insights_from_records(&records, options)
}

/// The segment insights of `calls` with the default options and no customer sentiment (the
/// tests of the call metrics leave it out).
fn segments_of(calls: &[Call], range: TimeRange) -> Vec<Insight> {
    calls_insights(
        calls,
        range,
        None,
        &CallSentiments::default(),
        &InsightOptions::default(),
    )
    .unwrap()
}

const PLAIN: Profile = Profile {
    calls_per_day: 120,
    escalation: 0.1,
    resolution: 0.8,
};

fn week_from(day: u32) -> TimeRange {
    let start = Utc.with_ymd_and_hms(2026, 3, day, 0, 0, 0).unwrap();
    TimeRange::new(start, start + TimeDelta::days(7)).unwrap()
}

/// A week of calls from `start` spread over queues `billing`, `tech` and `sales` and five
/// agents; `profile_of(queue)` says how each queue's calls are drawn.
fn week(start: DateTime<Utc>, seed: u64, profile_of: impl Fn(&str) -> Profile) -> Vec<Call> {
    let mut draws = Draws(seed);
    let mut calls = Vec::new();
    for day in 0..7 {
        for queue in ["billing", "tech", "sales"] {
            let profile = profile_of(queue);
            // Daily counts vary by up to ±4 calls a queue, as real ones do (more than that).
            let count = profile.calls_per_day / 3 + (draws.uniform() * 9.0) as usize - 4;
            for i in 0..count {
                let started_at = start
                    + TimeDelta::days(day)
                    + TimeDelta::seconds((draws.uniform() * 86_000.0) as i64);
                let resolved = draws.uniform() < profile.resolution;
                calls.push(Call {
                    id: format!("{seed}-{day}-{queue}-{i}"),
                    tenant: "t".into(),
                    customer_id: format!("c{i}"),
                    agent_id: Some(format!("a{}", (draws.uniform() * 5.0) as u32)),
                    channel: CallChannel::Voice,
                    direction: Direction::Inbound,
                    started_at,
                    ended_at: Some(
                        started_at + TimeDelta::seconds(200 + (draws.uniform() * 400.0) as i64),
                    ),
                    queue: Some(queue.into()),
                    outcome: Some(if resolved {
                        CallOutcome::Resolved
                    } else {
                        CallOutcome::Unresolved
                    }),
                    escalated: draws.uniform() < profile.escalation,
                    transferred: draws.uniform() < 0.05,
                    satisfaction: (draws.uniform() < 0.3)
                        .then(|| 1.0 + (draws.uniform() * 5.0).floor().min(4.0)),
                    tags: Vec::new(),
                    attributes: Default::default(),
                });
            }
        }
    }
    calls
}

#[test]
fn a_queue_that_escalates_more_is_the_top_insight() {
    let range = week_from(9);
    let calls = week(range.start, 1, |queue| Profile {
        escalation: if queue == "billing" { 0.3 } else { 0.1 },
        ..PLAIN
    });
    let insights = segments_of(&calls, range);
    let top = &insights[0];
    assert_eq!(top.kind, InsightKind::SegmentOutlier);
    assert_eq!(top.category, "escalation_rate");
    assert_eq!(
        top.segment,
        Some(Segment {
            dimension: SegmentDimension::Queue,
            value: "billing".into()
        })
    );
    assert!((top.evidence["value"] - 0.3).abs() < 0.05, "{top:?}");
    assert!(top.evidence["q_value"] <= 0.05);
    // Billing's excess escalations are about a fifth of its third of the calls.
    assert!((top.impact - 0.2 * 280.0 / 840.0).abs() < 0.03, "{top:?}");
    assert!(
        top.title.starts_with("Queue billing: escalation rate"),
        "{}",
        top.title
    );
    // Without the previous period nothing is compared over time.
    assert!(
        insights
            .iter()
            .all(|i| i.kind == InsightKind::SegmentOutlier)
    );
}

/// Two weeks of calls drawn from one process: every difference is chance, and the false
/// discovery rate keeps them out (a run of 10 seeds may show one by chance at 5%).
#[test]
fn calls_from_one_process_give_no_insights() {
    let (before, range) = (week_from(2), week_from(9));
    let runs_with_insights = (0..10u64)
        .filter(|seed| {
            let previous = week(before.start, 100 + seed, |_| PLAIN);
            let calls = week(range.start, 200 + seed, |_| PLAIN);
            let options = InsightOptions::default();
            !calls_insights(
                &calls,
                range,
                Some((before, &previous)),
                &CallSentiments::default(),
                &options,
            )
            .unwrap()
            .is_empty()
        })
        .count();
    assert!(runs_with_insights <= 2, "{runs_with_insights} of 10 runs");
}

#[test]
fn changes_against_the_previous_period_are_reported() {
    let (before, range) = (week_from(2), week_from(9));
    let previous = week(before.start, 3, |_| PLAIN);
    let calls = week(range.start, 4, |_| Profile {
        calls_per_day: 150,
        resolution: 0.65,
        ..PLAIN
    });
    let insights = calls_insights(
        &calls,
        range,
        Some((before, &previous)),
        &CallSentiments::default(),
        &InsightOptions::default(),
    )
    .unwrap();
    let find = |category: &str| {
        insights
            .iter()
            .find(|i| i.category == category && i.kind == InsightKind::PeriodChange)
            .unwrap_or_else(|| panic!("no {category} change in {insights:#?}"))
    };
    let volume = find("volume");
    let per_day = |calls: &[Call]| calls.len() as f64 / 7.0;
    assert_eq!(volume.evidence["value"], per_day(&calls));
    assert_eq!(volume.evidence["reference"], per_day(&previous));
    assert_eq!(volume.evidence["calls"], 7.0, "seven daily bins");
    let (value, reference) = (volume.evidence["value"], volume.evidence["reference"]);
    assert!((volume.impact - (value - reference) / value).abs() < 1e-12);
    assert!(
        volume.title.starts_with("Volume rose from 1") && volume.title.ends_with(" calls a day"),
        "{}",
        volume.title
    );
    let resolution = find("resolution_rate");
    assert!(resolution.title.starts_with("Resolution rate fell from 8"));
    assert!((resolution.evidence["value"] - 0.65).abs() < 0.04);
    // Unchanged metrics stay out.
    assert!(insights.iter().all(|i| i.category != "escalation_rate"));
    // Highest impact first.
    assert!(insights.windows(2).all(|w| w[0].impact >= w[1].impact));
}

/// From none to some is a change of any size: 6% of billing's calls escalated, none elsewhere.
#[test]
fn a_rate_against_a_reference_of_zero_is_reported() {
    let range = week_from(9);
    let calls = week(range.start, 8, |queue| Profile {
        escalation: if queue == "billing" { 0.06 } else { 0.0 },
        ..PLAIN
    });
    let insights = segments_of(&calls, range);
    let billing = insights
        .iter()
        .find(|i| i.category == "escalation_rate")
        .unwrap_or_else(|| panic!("{insights:#?}"));
    assert_eq!(billing.segment.as_ref().unwrap().value, "billing");
    assert_eq!(billing.evidence["reference"], 0.0);
    assert!(!billing.evidence.contains_key("relative_change"));
}

#[test]
fn small_differences_and_small_segments_stay_out() {
    let range = week_from(9);
    let calls = week(range.start, 5, |queue| Profile {
        escalation: if queue == "billing" { 0.3 } else { 0.1 },
        ..PLAIN
    });
    let strict = InsightOptions {
        min_relative_change: 5.0,
        ..InsightOptions::default()
    };
    assert!(
        calls_insights(&calls, range, None, &CallSentiments::default(), &strict)
            .unwrap()
            .is_empty()
    );
    let large_segments_only = InsightOptions {
        min_calls: 1000,
        ..InsightOptions::default()
    };
    assert!(
        calls_insights(
            &calls,
            range,
            None,
            &CallSentiments::default(),
            &large_segments_only
        )
        .unwrap()
        .is_empty()
    );
    let one = InsightOptions {
        max_insights: 1,
        ..InsightOptions::default()
    };
    assert_eq!(
        calls_insights(&calls, range, None, &CallSentiments::default(), &one)
            .unwrap()
            .len(),
        1
    );
}

#[test]
fn bad_options_are_refused() {
    let range = week_from(9);
    for options in [
        InsightOptions {
            false_discovery_rate: 0.0,
            ..InsightOptions::default()
        },
        InsightOptions {
            false_discovery_rate: f64::NAN,
            ..InsightOptions::default()
        },
        InsightOptions {
            min_calls: 1,
            ..InsightOptions::default()
        },
        InsightOptions {
            min_relative_change: -0.1,
            ..InsightOptions::default()
        },
        InsightOptions {
            min_sentiment_change: f64::INFINITY,
            ..InsightOptions::default()
        },
    ] {
        assert!(matches!(
            calls_insights(&[], range, None, &CallSentiments::default(), &options),
            Err(Error::InvalidArgument(_))
        ));
    }
    let unknown = serde_json::from_str::<InsightOptions>(r#"{"fdr": 0.1}"#);
    assert!(unknown.unwrap_err().to_string().contains("unknown field"));
    let partial: InsightOptions = serde_json::from_str(r#"{"max_insights": 3}"#).unwrap();
    assert_eq!(partial.min_calls, 30);
    assert!(
        calls_insights(
            &[],
            range,
            None,
            &CallSentiments::default(),
            &InsightOptions::default()
        )
        .unwrap()
        .is_empty()
    );
}

#[tokio::test]
async fn the_generator_reads_the_range_and_the_period_before_it() {
    let (before, range) = (week_from(2), week_from(9));
    let mut calls = week(before.start, 6, |_| PLAIN);
    calls.extend(week(range.start, 7, |_| Profile {
        calls_per_day: 180,
        ..PLAIN
    }));
    let store = MemoryStore::new();
    store
        .put(calls.into_iter().map(Record::Call).collect())
        .await
        .unwrap();
    let generator = StatisticalInsights::default();
    let insights = generator.generate(&store, "t", range).await.unwrap();
    assert_eq!(insights[0].category, "volume", "{insights:#?}");
    assert!((insights[0].evidence["reference"] - 120.0).abs() < 3.0);
    // Unbounded: no previous period, so no changes over time.
    let all = generator
        .generate(&store, "t", TimeRange::all())
        .await
        .unwrap();
    assert!(all.iter().all(|i| i.kind == InsightKind::SegmentOutlier));
    assert!(generator.generate(&store, "", range).await.is_err());
    assert!(
        generator
            .generate(&store, "other", range)
            .await
            .unwrap()
            .is_empty()
    );
}

#[test]
fn tests_agree_with_reference_values() {
    // scipy.stats.ttest_ind([1, 2, 3, 4, 5], [2, 4, 6, 8, 10], equal_var=False)
    let (t, p) = welch_test(
        Sample::of([1.0, 2.0, 3.0, 4.0, 5.0].into_iter()),
        Sample::of([2.0, 4.0, 6.0, 8.0, 10.0].into_iter()),
    )
    .unwrap();
    assert!((t + 1.897_366_596_101_027_5).abs() < 1e-9);
    assert!((p - 0.107_531_194_930_627_28).abs() < 1e-6, "{p}");
    // 30 of 100 against 15 of 100: pooled z = 0.15 / sqrt(0.225 · 0.775 · 0.02) = 2.5400.
    let ones = |k: usize, n: usize| Sample::of((0..n).map(|i| if i < k { 1.0 } else { 0.0 }));
    let (z, p) = two_proportion_test(ones(30, 100), ones(15, 100)).unwrap();
    assert!((z - 2.540_002_540_003_81).abs() < 1e-9, "{z}");
    assert!((p - 0.011_085_166_380_602_64).abs() < 1e-9, "{p}");
    assert_eq!(two_proportion_test(ones(0, 50), ones(0, 50)), None);
    // R: p.adjust(c(0.01, 0.04, 0.001, 0.5), "BH") = 0.02 0.05333 0.004 0.5
    let q = benjamini_hochberg(&[0.01, 0.04, 0.001, 0.5]);
    let expected = [0.02, 0.04 * 4.0 / 3.0, 0.004, 0.5];
    assert!(
        q.iter().zip(expected).all(|(a, b)| (a - b).abs() < 1e-12),
        "{q:?}"
    );
}

/// Customer sentiment per call: `score_of(queue)` plus noise of ±0.1, for every call.
fn sentiments_of(calls: &[Call], seed: u64, score_of: impl Fn(&str) -> f64) -> CallSentiments {
    let mut draws = Draws(seed);
    let mut sentiments = CallSentiments::default();
    for call in calls {
        let queue = call.queue.as_deref().unwrap_or_default();
        sentiments.insert(
            call.id.as_str(),
            score_of(queue) + 0.2 * (draws.uniform() - 0.5),
        );
    }
    sentiments
}

#[test]
fn customer_sentiment_is_compared_on_its_scale() {
    let (before, range) = (week_from(2), week_from(9));
    let previous = week(before.start, 11, |_| PLAIN);
    let calls = week(range.start, 12, |_| PLAIN);
    // Billing's customers turn negative this week; the others' stay.
    let mut sentiments = sentiments_of(&previous, 13, |_| 0.05);
    sentiments.extend(sentiments_of(&calls, 14, |queue| {
        if queue == "billing" { -0.3 } else { 0.05 }
    }));
    // Both weeks with the default options and the given sentiments.
    let compared = |sentiments: &CallSentiments| {
        let previous = Some((before, previous.as_slice()));
        calls_insights(
            &calls,
            range,
            previous,
            sentiments,
            &InsightOptions::default(),
        )
        .unwrap()
    };
    let insights = compared(&sentiments);
    let about = |kind: InsightKind, queue: Option<&str>| {
        insights
            .iter()
            .find(|i| {
                i.category == "customer_sentiment"
                    && i.kind == kind
                    && i.segment.as_ref().map(|s| s.value.as_str()) == queue
            })
            .cloned()
    };

    let billing = about(InsightKind::SegmentOutlier, Some("billing"))
        .unwrap_or_else(|| panic!("{insights:#?}"));
    assert!(
        billing
            .title
            .starts_with("Queue billing: customer sentiment -0.3"),
        "{}",
        billing.title
    );
    assert!(
        billing.title.ends_with("lower than elsewhere (+0.05)"),
        "{}",
        billing.title
    );
    // The difference on the scale (about 0.35), weighed by billing's third of the calls.
    let difference = billing.evidence["reference"] - billing.evidence["value"];
    assert!((difference - 0.35).abs() < 0.03, "{billing:?}");
    assert!(
        (billing.impact - difference / 3.0).abs() < 0.02,
        "{billing:?}"
    );
    // A reference near 0 makes no relative change.
    assert!(!billing.evidence.contains_key("relative_change"));

    let period = about(InsightKind::PeriodChange, None).unwrap_or_else(|| panic!("{insights:#?}"));
    assert!(
        period
            .title
            .starts_with("Customer sentiment fell from +0.05 to -0.0"),
        "{}",
        period.title
    );
    // A queue 0.05 below the rest is significant with 280 calls against 560, but under the
    // `min_sentiment_change` of 0.1.
    let dip = sentiments_of(&calls, 15, |queue| if queue == "tech" { 0.0 } else { 0.05 });
    let small = calls_insights(&calls, range, None, &dip, &InsightOptions::default()).unwrap();
    assert!(
        small.iter().all(|i| i.category != "customer_sentiment"),
        "{small:#?}"
    );
    let tiny_change_counts = InsightOptions {
        min_sentiment_change: 0.01,
        ..InsightOptions::default()
    };
    let reported = calls_insights(&calls, range, None, &dip, &tiny_change_counts).unwrap();
    assert!(
        reported.iter().any(|i| i.category == "customer_sentiment"
            && i.segment.as_ref().is_some_and(|s| s.value == "tech")),
        "{reported:#?}"
    );
    // Scores outside [-1, 1] (or NaN) are left out: billing's calls then compare as before.
    let mut spoiled = sentiments.clone();
    for (i, call) in calls
        .iter()
        .filter(|c| c.queue.as_deref() == Some("billing"))
        .enumerate()
    {
        if i % 2 == 0 {
            spoiled.insert(call.id.as_str(), if i % 4 == 0 { 5.0 } else { f64::NAN });
        }
    }
    let with_spoiled = compared(&spoiled);
    let counted = with_spoiled
        .iter()
        .find(|i| i.category == "customer_sentiment" && i.segment == billing.segment)
        .unwrap_or_else(|| panic!("{with_spoiled:#?}"));
    assert_eq!(
        counted.evidence["calls"],
        (billing.evidence["calls"] / 2.0).floor()
    );
    assert!((counted.evidence["value"] - billing.evidence["value"]).abs() < 0.02);
    // Without sentiments, no customer sentiment insight.
    let without = compared(&CallSentiments::default());
    assert!(without.iter().all(|i| i.category != "customer_sentiment"));
}

#[test]
fn a_calls_sentiment_is_its_customers_words_weighed() {
    let utterance = |call: &str, seq: u32, speaker: Speaker, text: &str| Utterance {
        tenant: "t".into(),
        call_id: call.into(),
        seq,
        speaker,
        text: text.into(),
        start_ms: u64::from(seq) * 1_000,
        end_ms: u64::from(seq) * 1_000 + 900,
        voice: None,
    };
    let complaint = "This is terrible, I have been on hold for an hour and I want to cancel";
    let utterances = [
        utterance(
            "c1",
            0,
            Speaker::Agent,
            "I am so happy to help, wonderful to hear from you",
        ),
        utterance("c1", 1, Speaker::Customer, complaint),
        utterance("c1", 2, Speaker::Customer, "ok thanks"),
        utterance("c1", 3, Speaker::Customer, "   "),
        utterance("c2", 0, Speaker::Bot, "Great, thank you!"),
    ];
    let analyzer = HybridSentimentAnalyzer::new().unwrap();
    let sentiments = CallSentiments::score(&utterances, &analyzer);
    let score = |text: &str| analyzer.analyze(text).unwrap();
    let (complained, thanked) = (score(complaint), score("ok thanks"));
    let expected = aggregate([
        (&complained, text_weight(complaint)),
        (&thanked, text_weight("ok thanks")),
    ])
    .unwrap()
    .score;
    assert_eq!(sentiments.get("c1"), Some(expected));
    assert!(
        expected < 0.0,
        "the long complaint outweighs the thanks: {expected}"
    );
    // The blank utterance is refused by the analyzer and left out; a call where only the bot
    // or the agent spoke has no customer sentiment.
    assert_eq!(sentiments.get("c2"), None);
    assert_eq!(sentiments.len(), 1);
}

/// `count` journeys of customers `{channel}-{week}-{i}` that begin on the channel, spread over
/// the week from `start` (one every 40 minutes), each visiting and viewing pricing an hour
/// apart; those `converts(i)` picks purchase an hour after that.
fn journeys(
    start: DateTime<Utc>,
    channel: &str,
    count: usize,
    converts: impl Fn(usize) -> bool,
) -> Vec<JourneyEvent> {
    let mut events = Vec::new();
    for i in 0..count {
        let customer = format!("{channel}-{}-{i}", start.date_naive());
        let begins = start + TimeDelta::minutes(40 * i as i64);
        let mut actions = vec!["visit_site", "view_pricing"];
        if converts(i) {
            actions.push("purchase");
        }
        for (step, action) in actions.into_iter().enumerate() {
            events.push(JourneyEvent {
                id: format!("{customer}-{step}"),
                tenant: "t".into(),
                customer_id: customer.clone(),
                channel: if step == 0 {
                    channel.into()
                } else {
                    "web".into()
                },
                action: action.into(),
                timestamp: begins + TimeDelta::hours(step as i64),
                value: None,
                sentiment: None,
                attributes: BTreeMap::new(),
            });
        }
    }
    events
}

/// The insights of `events` for `range` and the week before, without calls.
fn journey_insights(
    events: &[JourneyEvent],
    range: TimeRange,
    options: &InsightOptions,
) -> Vec<Insight> {
    let records = PeriodRecords {
        range,
        calls: &[],
        previous: Some((range.previous().unwrap(), &[])),
        sentiments: &CallSentiments::default(),
        journey_events: events,
    };
    insights_from_records(&records, options).unwrap()
}

#[test]
fn journeys_are_compared_by_the_channel_they_began_in_and_with_the_week_before() {
    let range = week_from(8);
    let before = range.previous().unwrap();
    // Three in ten journeys convert, except e-mail's this week (fewer, so that e-mail is the
    // side of the two channels that is compared): one in twenty.
    let mut events = journeys(before.start, "web", 100, |i| i % 10 < 3);
    events.extend(journeys(before.start, "email", 100, |i| i % 10 < 3));
    events.extend(journeys(range.start, "web", 100, |i| i % 10 < 3));
    events.extend(journeys(range.start, "email", 80, |i| i % 20 == 0));
    let insights = journey_insights(&events, range, &InsightOptions::default());
    let email = insights
        .iter()
        .find(|i| {
            i.category == "journey_conversion_rate"
                && i.segment.as_ref().is_some_and(|s| s.value == "email")
        })
        .unwrap_or_else(|| panic!("{insights:#?}"));
    assert_eq!(
        email.title,
        "Channel email: journey conversion rate 5.0%, lower than elsewhere (30.0%)"
    );
    assert!(
        email
            .description
            .contains("over 80 journeys that began in channel email")
    );
    assert_eq!(email.evidence["journeys"], 80.0);
    assert_eq!(email.evidence["reference_journeys"], 100.0);
    assert!(!email.evidence.contains_key("calls"));
    // 25 points below the rest, over 80 of the week's 180 journeys.
    assert!(
        (email.impact - 0.25 * 80.0 / 180.0).abs() < 1e-9,
        "{}",
        email.impact
    );
    let change = insights
        .iter()
        .find(|i| i.category == "journey_conversion_rate" && i.segment.is_none())
        .unwrap_or_else(|| panic!("{insights:#?}"));
    assert_eq!(
        change.title,
        "Journey conversion rate fell from 30.0% to 18.9%"
    );
    // Nothing else differs: no churn, and converted journeys took 3 touchpoints and 2 hours.
    assert!(
        insights
            .iter()
            .all(|i| i.category == "journey_conversion_rate"),
        "{insights:#?}"
    );
    // The same insights from events in any order.
    let mut shuffled = events.clone();
    shuffled.reverse();
    assert_eq!(
        journey_insights(&shuffled, range, &InsightOptions::default()),
        insights
    );
    // Without the channel among the segment dimensions, only the change is left.
    let no_channels = InsightOptions {
        segment_by: vec![SegmentDimension::Queue],
        ..InsightOptions::default()
    };
    assert_eq!(
        journey_insights(&events, range, &no_channels),
        vec![change.clone()]
    );
}

#[test]
fn a_journey_counts_in_the_period_it_began_in_with_what_was_known_when_that_ended() {
    let range = week_from(8);
    let config = JourneyConfig::default();
    // Begins 90 minutes before the week ends and converts 30 minutes after.
    let mut events = journeys(range.end - TimeDelta::minutes(90), "app", 1, |_| true);
    events.extend(journeys(range.start, "web", 2, |i| i == 0));
    events.sort_by_key(|e| e.timestamp);
    let begun = journeys::begun_journeys(&events, &config, range);
    assert_eq!(begun.len(), 3);
    let converted: Vec<_> = begun
        .iter()
        .filter(|j| j.end == Some(JourneyEnd::Converted))
        .collect();
    assert_eq!(converted.len(), 1);
    assert_eq!(converted[0].entry_channel, "web");
    assert_eq!(converted[0].touchpoints, 3);
    assert_eq!(converted[0].seconds, 7200.0);
    let late_journey = begun.iter().find(|j| j.entry_channel == "app").unwrap();
    assert_eq!((late_journey.end, late_journey.touchpoints), (None, 2));
    // In the next week it does not count: it began before.
    let next = TimeRange::new(range.end, range.end + TimeDelta::days(7)).unwrap();
    assert!(journeys::begun_journeys(&events, &config, next).is_empty());
}

#[test]
fn journey_options_are_checked_and_take_defaults() {
    let mut options = InsightOptions::default();
    options.journey.inactivity_secs = 0;
    assert!(matches!(options.validate(), Err(Error::InvalidArgument(_))));
    let partial: InsightOptions =
        serde_json::from_str(r#"{"journey": {"conversion_actions": ["upgrade_plan"]}}"#).unwrap();
    assert_eq!(partial.journey.conversion_actions, ["upgrade_plan"]);
    assert_eq!(partial.journey.churn_actions, ["cancel"]);
    let unknown = serde_json::from_str::<InsightOptions>(r#"{"journey": {"conversion": []}}"#);
    assert!(unknown.unwrap_err().to_string().contains("unknown field"));
}

#[test]
fn only_the_inactivity_window_before_a_period_shapes_its_journeys() {
    let range = week_from(8);
    let config = JourneyConfig::default();
    let window = config.inactivity_window();
    // Each customer's event of the week is on a channel named after the customer.
    let event = |customer: &str, action: &str, at: DateTime<Utc>| JourneyEvent {
        id: format!("{customer}-{}", at.timestamp()),
        tenant: "t".into(),
        customer_id: customer.into(),
        channel: customer.into(),
        action: action.into(),
        timestamp: at,
        value: None,
        sentiment: None,
        attributes: BTreeMap::new(),
    };
    let events = vec![
        // Before the window: the week's event begins a journey.
        event(
            "lapsed",
            "visit_site",
            range.start - window - TimeDelta::seconds(1),
        ),
        // Exactly the window before: the week's event continues that journey.
        event("held", "visit_site", range.start - window),
        // A purchase inside the window ended its journey: the week's event begins another.
        event("bought", "purchase", range.start - TimeDelta::days(1)),
        event("lapsed", "visit_site", range.start),
        event("held", "visit_site", range.start),
        event("bought", "visit_site", range.start),
    ];
    let begun = journeys::begun_journeys(&events, &config, range);
    let mut channels: Vec<_> = begun.iter().map(|j| j.entry_channel).collect();
    channels.sort_unstable();
    assert_eq!(channels, ["bought", "lapsed"]);
    assert_eq!(
        journeys::reach_before(range.start, &config),
        range.start - window
    );
    assert_eq!(
        journeys::reach_before(DateTime::<Utc>::MIN_UTC, &config),
        DateTime::<Utc>::MIN_UTC
    );
}

#[tokio::test]
async fn the_generator_reads_journey_events_from_the_window_before_the_period_before() {
    use crate::access::{AuditAction, MemoryAuditLog, Principal, Role, ScopedStore};
    let (before, range) = (week_from(16), week_from(23));
    // Journeys every week from the start of February: five weeks before the period before.
    let mut events = Vec::new();
    for weeks_back in 1..=7 {
        let start = range.start - TimeDelta::days(7 * weeks_back);
        events.extend(journeys(start, "web", 60, |i| i % 10 < 3));
    }
    events.extend(journeys(range.start, "web", 60, |i| i % 20 == 0));
    let store = Arc::new(MemoryStore::new());
    store
        .put(events.into_iter().map(Record::JourneyEvent).collect())
        .await
        .unwrap();
    let audit = Arc::new(MemoryAuditLog::new());
    let principal = Principal::new("analyst", Role::Analyst, ["t"]);
    let scoped = ScopedStore::new(store.clone(), principal, audit.clone()).unwrap();
    let generator = StatisticalInsights::default();
    let insights = generator.generate(&scoped, "t", range).await.unwrap();
    let reads: Vec<_> = audit
        .events()
        .into_iter()
        .filter(|event| event.action == AuditAction::JourneyEvents)
        .collect();
    assert_eq!(reads.len(), 1);
    let window = generator.options.journey.inactivity_window();
    assert_eq!(
        reads[0].range,
        Some(TimeRange::new(before.start - window, range.end).unwrap())
    );
    // Everything stored gives the same insights, among them the week's fall in conversion.
    let all = store.journey_events("t", TimeRange::all()).await.unwrap();
    assert!(reads[0].records < all.len());
    assert_eq!(journey_insights(&all, range, &generator.options), insights);
    assert!(
        insights
            .iter()
            .any(|i| i.category == "journey_conversion_rate" && i.segment.is_none()),
        "{insights:#?}"
    );
}
