use chrono::TimeZone;

use super::*;
use crate::insights::test_draws::Draws;
use crate::model::{CallChannel, CallOutcome, Direction};

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 3, 2, 0, 0, 0).unwrap()
}

/// An ended call of `tenant` in `queue`, ending `minute` minutes after [`start`].
fn call(tenant: &str, queue: &str, minute: f64, abandoned: bool, id: usize) -> Call {
    let ended_at = start() + TimeDelta::milliseconds((minute * 60_000.0) as i64);
    Call {
        id: format!("{tenant}-{id}"),
        tenant: tenant.into(),
        customer_id: format!("c{id}"),
        agent_id: Some("a1".into()),
        channel: CallChannel::Voice,
        direction: Direction::Inbound,
        started_at: ended_at - TimeDelta::seconds(240),
        ended_at: Some(ended_at),
        queue: Some(queue.into()),
        outcome: Some(if abandoned {
            CallOutcome::Abandoned
        } else {
            CallOutcome::Resolved
        }),
        escalated: false,
        transferred: false,
        satisfaction: None,
        tags: Vec::new(),
        attributes: Default::default(),
    }
}

/// Two calls a minute for `minutes` minutes in queues `billing` and `tech` in turn; a call is
/// abandoned with the probability `abandonment(minute, queue)` gives.
fn stream(
    tenant: &str,
    minutes: usize,
    seed: u64,
    abandonment: impl Fn(f64, &str) -> f64,
) -> Vec<Call> {
    let mut draws = Draws(seed);
    (0..minutes * 2)
        .map(|i| {
            let minute = i as f64 / 2.0 + draws.uniform() * 0.4;
            let queue = if i % 2 == 0 { "billing" } else { "tech" };
            let abandoned = draws.uniform() < abandonment(minute, queue);
            call(tenant, queue, minute, abandoned, i)
        })
        .collect()
}

fn replay(detector: &mut LiveInsights, calls: &[Call]) -> Vec<LiveInsight> {
    calls
        .iter()
        .flat_map(|call| detector.observe(call).unwrap())
        .collect()
}

/// The events about the abandonment rate of all the tenant's calls.
fn overall_abandonment(events: &[LiveInsight]) -> Vec<&LiveInsight> {
    events
        .iter()
        .filter(|e| e.insight.segment.is_none() && e.insight.category == "abandonment_rate")
        .collect()
}

fn raised(events: &[LiveInsight]) -> Vec<&LiveInsight> {
    events
        .iter()
        .filter(|e| e.state == LiveInsightState::Raised)
        .collect()
}

const DAY: usize = 24 * 60;

/// The raise and the clear of an incident planted from `DAY + 30` to `DAY + 150` minutes:
/// asserts that `events` are those two, the raise within `raise_minutes` of the start and the
/// clear after the end, and returns the raise.
fn one_episode<'a>(
    events: &[&'a LiveInsight],
    raise_minutes: std::ops::Range<i64>,
) -> &'a LiveInsight {
    assert_eq!(events.len(), 2, "raised once and cleared once: {events:#?}");
    let (up, down) = (events[0], events[1]);
    assert_eq!(up.state, LiveInsightState::Raised);
    let minutes_in = (up.at - start()).num_minutes() - DAY as i64 - 30;
    assert!(
        raise_minutes.contains(&minutes_in),
        "raised {minutes_in} min in"
    );
    assert_eq!(down.state, LiveInsightState::Cleared);
    assert!(down.at > start() + TimeDelta::minutes(DAY as i64 + 150));
    up
}

#[test]
fn two_hours_of_abandoned_calls_are_raised_within_the_first_and_cleared_after() {
    // A day at 4% abandonment, then two hours at 30%, then back to 4%.
    let incident = |m: f64| (DAY as f64 + 30.0..DAY as f64 + 150.0).contains(&m);
    let calls = stream(
        "t",
        DAY + 8 * 60,
        7,
        |m, _| {
            if incident(m) { 0.3 } else { 0.04 }
        },
    );
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let events = replay(&mut detector, &calls);

    let up = one_episode(&overall_abandonment(&events), 0..45);
    assert_eq!(up.insight.kind, InsightKind::LiveChange);
    assert!(
        up.insight
            .title
            .starts_with("Abandonment rate up in the last hour")
    );
    let evidence = &up.insight.evidence;
    assert!(evidence["value"] > 0.12 && evidence["reference"] < 0.06);
    assert!(evidence["p_value"] < 1e-4 && evidence["calls"] >= 30.0);
    assert!(up.insight.impact > 0.05 && up.insight.impact <= 1.0);
    // The window is the hour of whole 5-minute buckets ending after the call; the baseline
    // the 24 hours before it.
    assert_eq!(up.window.end - up.window.start, TimeDelta::hours(1));
    assert!(up.window.start < up.at && up.at < up.window.end);
    assert_eq!(up.window.end.timestamp() % 300, 0);
    assert_eq!(up.baseline.end, up.window.start);
    assert_eq!(up.baseline.end - up.baseline.start, TimeDelta::hours(24));
    // Both queues' segments are raised too, each reaching about half the calls.
    for queue in ["billing", "tech"] {
        let segment = raised(&events)
            .into_iter()
            .find(|e| e.insight.segment.as_ref().is_some_and(|s| s.value == queue))
            .unwrap_or_else(|| panic!("queue {queue} not raised"));
        assert!(
            segment
                .insight
                .title
                .starts_with(&format!("Queue {queue}: abandonment rate up"))
        );
        assert!(segment.insight.impact < up.insight.impact);
    }
}

#[test]
fn the_hours_after_an_incident_are_not_raised_against_it() {
    // Three hours at 30% abandonment in the middle of the second day: without leaving the
    // incident out of the baseline, the normal hours after it would look 'down'.
    let incident = |m: f64| (DAY as f64 + 600.0..DAY as f64 + 780.0).contains(&m);
    let calls = stream(
        "t",
        3 * DAY,
        11,
        |m, _| {
            if incident(m) { 0.3 } else { 0.04 }
        },
    );
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let events = replay(&mut detector, &calls);
    let after_incident = start() + TimeDelta::minutes(DAY as i64 + 840);
    let late: Vec<_> = raised(&events)
        .into_iter()
        .filter(|e| e.at > after_incident)
        .map(|e| format!("{} {}", e.at, e.insight.title))
        .collect();
    assert!(late.is_empty(), "raised after the incident: {late:?}");
    assert!(
        raised(&events)
            .iter()
            .any(|e| e.insight.category == "abandonment_rate")
    );
}

#[test]
fn a_steady_stream_raises_almost_nothing() {
    // Three streams of ten days, two calls a minute at a steady 5%: every call tests the
    // tenant, two queues and a channel again, so chance raises are expected, but few at the
    // default p < 0.0001, and more at p < 0.001 (`--nocapture` prints both counts).
    let chance_raises = |raise_p_value: f64| {
        let mut total = 0;
        for seed in 1..=3 {
            let calls = stream("t", 10 * DAY, seed, |_, _| 0.05);
            let options = LiveInsightOptions {
                raise_p_value,
                ..LiveInsightOptions::default()
            };
            let mut detector = LiveInsights::new(options).unwrap();
            total += raised(&replay(&mut detector, &calls)).len();
        }
        eprintln!("p < {raise_p_value}: {total} chance raises over 30 days");
        total
    };
    let at_default = chance_raises(LiveInsightOptions::default().raise_p_value);
    assert!(at_default <= 3, "{at_default} chance raises over 30 days");
    assert!(chance_raises(0.001) > at_default);
}

#[test]
fn tenants_and_segments_are_watched_apart() {
    // Tenant a's billing queue goes bad; tenant b and a's tech queue stay steady.
    let bad = |m: f64, queue: &str| {
        if queue == "billing" && m > DAY as f64 + 30.0 {
            0.4
        } else {
            0.03
        }
    };
    let mut calls = stream("a", DAY + 120, 3, bad);
    calls.extend(stream("b", DAY + 120, 4, |_, _| 0.03));
    calls.sort_by_key(|c| c.ended_at);
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let events = replay(&mut detector, &calls);
    let raised = raised(&events);
    assert!(raised.iter().all(|e| e.tenant == "a"), "{raised:#?}");
    assert!(raised.iter().any(|e| {
        e.insight.segment
            == Some(Segment {
                dimension: SegmentDimension::Queue,
                value: "billing".into(),
            })
    }));
    assert!(!raised.iter().any(|e| {
        e.insight
            .segment
            .as_ref()
            .is_some_and(|s| s.value == "tech")
    }));
}

#[test]
fn refused_calls_are_typed_errors_and_change_nothing() {
    let calls = stream("t", DAY + 90, 5, |m, _| {
        if m > DAY as f64 + 20.0 { 0.35 } else { 0.04 }
    });
    let (head, tail) = calls.split_at(calls.len() - 200);
    let mut clean = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let mut refused = clean.clone();
    replay(&mut clean, head);
    replay(&mut refused, head);

    let mut live = call("t", "billing", (DAY + 60) as f64, false, 999_999);
    live.ended_at = None;
    let late = call("t", "billing", -200.0, true, 999_998);
    let mut nameless = call("", "billing", (DAY + 60) as f64, true, 999_997);
    nameless.tenant.clear();
    let mut future = call("t", "billing", 0.0, false, 999_995);
    future.ended_at = Some(Utc::now() + TimeDelta::days(3));
    for bad in [&live, &late, &nameless, &future] {
        let error = refused.observe(bad).unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    }
    let fine = call("t", "billing", (DAY + 60) as f64, false, 999_994);
    for score in [f64::NAN, 1.5, -1.01, f64::INFINITY] {
        let error = refused
            .observe_with_sentiment(&fine, Some(score))
            .unwrap_err();
        assert!(error.to_string().contains("customer sentiment"), "{error}");
    }
    assert!(
        refused
            .observe(&late)
            .unwrap_err()
            .to_string()
            .contains("before the baseline")
    );
    // The refused calls left no trace: both detectors raise the same from here on.
    assert_eq!(replay(&mut clean, tail), replay(&mut refused, tail));
    // A call late by less than the baseline is counted.
    let mut slightly_late = call("t", "tech", DAY as f64, true, 999_996);
    slightly_late.ended_at = Some(start() + TimeDelta::minutes(DAY as i64 - 30));
    assert!(clean.observe(&slightly_late).is_ok());
}

#[test]
fn options_outside_their_ranges_are_refused() {
    let with = |change: fn(&mut LiveInsightOptions)| {
        let mut options = LiveInsightOptions::default();
        change(&mut options);
        LiveInsights::new(options).map(|_| ())
    };
    let refused: [fn(&mut LiveInsightOptions); 9] = [
        |o| o.baseline_hours = 100_000_000,
        |o| o.bucket_minutes = 0,
        |o| o.window_minutes = 62,
        |o| o.window_minutes = 0,
        |o| o.baseline_hours = 0,
        |o| o.baseline_hours = 24 * 60,
        |o| o.min_calls = 1,
        |o| o.raise_p_value = 0.0,
        |o| o.clear_p_value = 0.00001,
    ];
    for change in refused {
        assert!(matches!(with(change), Err(Error::InvalidArgument(_))));
    }
    assert!(with(|o| o.min_relative_change = f64::NAN).is_err());
    assert!(with(|o| o.min_sentiment_change = -0.1).is_err());
    assert!(with(|o| o.bucket_minutes = 15).is_ok());
    let unknown = serde_json::from_str::<LiveInsightOptions>(r#"{"window": 30}"#);
    assert!(unknown.is_err());
    let partial: LiveInsightOptions = serde_json::from_str(r#"{"window_minutes": 30}"#).unwrap();
    assert_eq!(partial.baseline_hours, 24);
}

#[test]
fn the_likelihood_ratio_test_follows_the_exact_tail() {
    let sample = |n: f64, events: f64| Sample {
        n,
        sum: events,
        squares: events,
    };
    // 14 abandonments in 120 calls against 5% of a million: the exact one-sided binomial tail
    // is 2.77e-3 (the pooled z-test's is 4.0e-4).
    let (statistic, p_value) =
        likelihood_ratio_test(sample(120.0, 14.0), sample(1e6, 5e4)).unwrap();
    assert!((statistic - 2.72).abs() < 0.01, "{statistic}");
    assert!((p_value / 2.0 - 2.77e-3).abs() < 0.6e-3, "{p_value}");
    // Fewer than expected, with an empty cell: negative and finite.
    let (statistic, p_value) =
        likelihood_ratio_test(sample(50.0, 0.0), sample(1e3, 100.0)).unwrap();
    assert!(
        statistic < -2.0 && p_value > 0.0 && p_value < 0.05,
        "{statistic} {p_value}"
    );
    // No variation on either side: no test.
    assert_eq!(
        likelihood_ratio_test(sample(50.0, 0.0), sample(1e3, 0.0)),
        None
    );
}

#[test]
fn a_raised_metric_clears_when_its_difference_is_gone_even_with_fewer_calls() {
    // A day at 4%, an hour at 40%, then one call every 2.5 minutes at 4% (24 an hour: under
    // min_calls, over half of it).
    let mut draws = Draws(21);
    let mut calls: Vec<Call> = (0..(DAY + 60) * 2)
        .map(|i| {
            let minute = i as f64 / 2.0;
            let p = if minute >= DAY as f64 { 0.4 } else { 0.04 };
            call("t", "billing", minute, draws.uniform() < p, i)
        })
        .collect();
    calls.extend((0..72).map(|i| {
        let minute = (DAY + 60) as f64 + 2.5 * i as f64;
        call("t", "billing", minute, i % 25 == 0, 1_000_000 + i)
    }));
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let events = replay(&mut detector, &calls);
    let overall = overall_abandonment(&events);
    assert_eq!(overall.len(), 2, "{overall:#?}");
    let cleared = overall[1];
    assert_eq!(cleared.state, LiveInsightState::Cleared);
    let calls = cleared.insight.evidence["calls"];
    assert!(
        (15.0..30.0).contains(&calls),
        "cleared with {calls} calls in the window"
    );
}

#[test]
fn expire_clears_what_a_silent_tenant_raised_and_forgets_it() {
    let calls = stream("t", DAY + 90, 9, |m, _| {
        if m > DAY as f64 + 20.0 { 0.4 } else { 0.04 }
    });
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let still_raised = {
        let mut raised = std::collections::HashSet::new();
        for event in replay(&mut detector, &calls) {
            let key = (
                event.insight.segment.clone(),
                event.insight.category.clone(),
            );
            match event.state {
                LiveInsightState::Raised => raised.insert(key),
                LiveInsightState::Cleared => raised.remove(&key),
            };
        }
        raised
    };
    assert!(!still_raised.is_empty());
    let last = calls.last().and_then(|c| c.ended_at).unwrap();
    // Two silent hours: the window is empty, so every raised insight is cleared, once.
    let cleared = detector.expire(last + TimeDelta::hours(2));
    let keys: std::collections::HashSet<_> = cleared
        .iter()
        .map(|e| (e.insight.segment.clone(), e.insight.category.clone()))
        .collect();
    assert_eq!(keys, still_raised);
    assert_eq!(keys.len(), cleared.len());
    for event in &cleared {
        assert_eq!(event.state, LiveInsightState::Cleared);
        assert!(
            event.insight.title.contains("too few calls"),
            "{}",
            event.insight.title
        );
        assert!(event.insight.impact == 0.0);
    }
    assert!(detector.expire(last + TimeDelta::hours(3)).is_empty());
    // A day and more later the tenant is forgotten: a call of `last` is no longer late.
    assert!(detector.expire(last + TimeDelta::hours(30)).is_empty());
    assert!(detector.observe(&calls[calls.len() - 1]).is_ok());
}

#[test]
fn an_incident_longer_than_the_baseline_reports_no_nan() {
    let calls = stream("t", DAY + 30 * 60, 13, |m, _| {
        if m > DAY as f64 { 0.3 } else { 0.04 }
    });
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let events = replay(&mut detector, &calls);
    assert!(!raised(&events).is_empty());
    for event in &events {
        let insight = &event.insight;
        assert!(insight.impact.is_finite(), "{insight:?}");
        assert!(
            insight.evidence.values().all(|v| v.is_finite()),
            "{insight:?}"
        );
        assert!(!insight.title.contains("NaN"), "{}", insight.title);
    }
}

#[test]
fn a_queue_whose_customers_turn_negative_is_raised_and_cleared() {
    // A day at +0.05 (give or take 0.1), then two hours of billing's customers at -0.3.
    let incident = |m: f64| (DAY as f64 + 30.0..DAY as f64 + 150.0).contains(&m);
    let calls = stream("t", DAY + 8 * 60, 17, |_, _| 0.04);
    let mut draws = Draws(18);
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let mut events = Vec::new();
    for call in &calls {
        let minute = (call.ended_at.unwrap() - start()).num_milliseconds() as f64 / 60_000.0;
        let billing = call.queue.as_deref() == Some("billing");
        let mean = if billing && incident(minute) {
            -0.3
        } else {
            0.05
        };
        let sentiment = mean + 0.2 * (draws.uniform() - 0.5);
        events.extend(
            detector
                .observe_with_sentiment(call, Some(sentiment))
                .unwrap(),
        );
    }
    let about = |queue: &str| -> Vec<&LiveInsight> {
        events
            .iter()
            .filter(|e| {
                e.insight.category == "customer_sentiment"
                    && e.insight.segment.as_ref().is_some_and(|s| s.value == queue)
            })
            .collect()
    };
    let up = one_episode(&about("billing"), 0..30);
    assert!(
        up.insight
            .title
            .starts_with("Queue billing: customer sentiment down in the last hour"),
        "{}",
        up.insight.title
    );
    let evidence = &up.insight.evidence;
    assert!(
        evidence["reference"] > 0.03 && evidence["value"] < -0.05,
        "{evidence:?}"
    );
    assert!(!evidence.contains_key("relative_change"));
    // Tech's customers did not change; calls without a sentiment leave the metric alone.
    assert!(about("tech").is_empty(), "{:#?}", about("tech"));
    let mut without = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let plain = replay(&mut without, &calls);
    assert!(
        plain
            .iter()
            .all(|e| e.insight.category != "customer_sentiment")
    );
}

/// A journey event of `tenant` on `channel`, `minute` minutes after [`start`].
fn journey_event(
    tenant: &str,
    channel: &str,
    action: &str,
    minute: f64,
    id: usize,
) -> JourneyEvent {
    JourneyEvent {
        id: format!("{tenant}-e{id}"),
        tenant: tenant.into(),
        customer_id: format!("c{id}"),
        channel: channel.into(),
        action: action.into(),
        timestamp: start() + TimeDelta::milliseconds((minute * 60_000.0) as i64),
        value: None,
        sentiment: None,
        attributes: Default::default(),
    }
}

/// Two journey events a minute for `minutes` minutes on channels `web` and `app` in turn: a
/// purchase with probability 0.05, a cancellation with the probability `churn(minute,
/// channel)` gives, else a page view.
fn journey_stream(
    tenant: &str,
    minutes: usize,
    seed: u64,
    churn: impl Fn(f64, &str) -> f64,
) -> Vec<JourneyEvent> {
    let mut draws = Draws(seed);
    (0..minutes * 2)
        .map(|i| {
            let minute = i as f64 / 2.0 + draws.uniform() * 0.4;
            let channel = if i % 2 == 0 { "web" } else { "app" };
            let draw = draws.uniform();
            let action = if draw < 0.05 {
                "purchase"
            } else if draw < 0.05 + churn(minute, channel) {
                "cancel"
            } else {
                "view_page"
            };
            journey_event(tenant, channel, action, minute, i)
        })
        .collect()
}

fn replay_journeys(detector: &mut LiveInsights, events: &[JourneyEvent]) -> Vec<LiveInsight> {
    events
        .iter()
        .flat_map(|event| detector.observe_journey_event(event).unwrap())
        .collect()
}

#[test]
fn two_hours_of_cancellations_on_one_channel_are_raised_there_and_cleared_after() {
    // A day at 2% cancellations, then two hours at 20% on the web, then back to 2%.
    let incident = |m: f64| (DAY as f64 + 30.0..DAY as f64 + 150.0).contains(&m);
    let events = journey_stream("t", DAY + 8 * 60, 11, |m, channel| {
        if channel == "web" && incident(m) {
            0.2
        } else {
            0.02
        }
    });
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let insights = replay_journeys(&mut detector, &events);
    let of = |segment: Option<&str>| -> Vec<&LiveInsight> {
        insights
            .iter()
            .filter(|e| e.insight.segment.as_ref().map(|s| s.value.as_str()) == segment)
            .collect()
    };
    let web = of(Some("web"));
    let up = one_episode(&web, 0..45);
    assert_eq!(up.insight.category, "churn_action_rate");
    assert_eq!(
        up.insight.segment,
        Some(Segment {
            dimension: SegmentDimension::Channel,
            value: "web".into(),
        })
    );
    assert!(
        up.insight
            .title
            .starts_with("Channel web: churn action rate up in the last hour"),
        "{}",
        up.insight.title
    );
    assert!(
        up.insight
            .description
            .contains("journey events of the last hour"),
        "{}",
        up.insight.description
    );
    assert!(up.insight.evidence["events"] >= 30.0);
    assert!(up.insight.evidence["reference_events"] > 600.0);
    assert!(!up.insight.evidence.contains_key("calls"));
    // All events rise too, at half the rate; the app channel and conversions stay quiet.
    let overall = one_episode(&of(None), 0..60);
    assert_eq!(overall.insight.category, "churn_action_rate");
    assert!(of(Some("app")).is_empty(), "{:#?}", of(Some("app")));
}

#[test]
fn calls_and_journey_events_keep_their_own_clocks() {
    let calls = stream("t", 120, 3, |_, _| 0.04);
    let events = journey_stream("t", 120, 4, |_, _| 0.02);
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    // Journey events two days ahead of the calls (a batch import, say) make no call late.
    let ahead = journey_event("t", "web", "view_page", (2 * DAY) as f64, 999_999);
    detector.observe_journey_event(&ahead).unwrap();
    assert!(replay(&mut detector, &calls).is_empty());
    // But they do make the earlier journey events late.
    let error = detector.observe_journey_event(&events[0]).unwrap_err();
    assert!(
        error
            .to_string()
            .contains("before the baseline of the latest journey event of tenant t"),
        "{error}"
    );
}

#[test]
fn refused_journey_events_are_typed_errors_and_change_nothing() {
    let events = journey_stream("t", DAY + 90, 5, |m, _| {
        if m > DAY as f64 + 20.0 { 0.3 } else { 0.02 }
    });
    let (head, tail) = events.split_at(events.len() - 200);
    let mut clean = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    replay_journeys(&mut clean, head);
    let mut refused = clean.clone();
    let nameless = journey_event("", "web", "cancel", (DAY + 60) as f64, 999_999);
    let late = journey_event("t", "web", "cancel", -200.0, 999_998);
    let mut future = journey_event("t", "web", "cancel", 0.0, 999_997);
    future.timestamp = Utc::now() + TimeDelta::days(3);
    for bad in [&nameless, &late, &future] {
        let error = refused.observe_journey_event(bad).unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(_)), "{error}");
    }
    assert_eq!(
        replay_journeys(&mut clean, tail),
        replay_journeys(&mut refused, tail)
    );
    // An action both a conversion and a churn is refused in the options.
    let both = LiveInsightOptions {
        churn_actions: vec!["cancel".into(), "purchase".into()],
        ..LiveInsightOptions::default()
    };
    let error = LiveInsights::new(both).unwrap_err();
    assert!(error.to_string().contains("\"purchase\""), "{error}");
}

#[test]
fn expire_clears_a_journey_insight_when_the_events_stop() {
    let events = journey_stream("t", DAY + 90, 9, |m, _| {
        if m > DAY as f64 + 20.0 { 0.3 } else { 0.02 }
    });
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let insights = replay_journeys(&mut detector, &events);
    let raised_now = raised(&insights).len() * 2 - insights.len();
    assert!(raised_now > 0);
    let last = events.last().unwrap().timestamp;
    let cleared = detector.expire(last + TimeDelta::hours(2));
    assert_eq!(cleared.len(), raised_now);
    for event in &cleared {
        assert_eq!(event.state, LiveInsightState::Cleared);
        assert!(
            event.insight.title.contains("too few journey events"),
            "{}",
            event.insight.title
        );
        assert!(event.insight.evidence.contains_key("reference_events"));
    }
}

#[test]
fn a_replay_meets_stored_records_in_time_order_whatever_the_clock() {
    let mut calls = stream("t", DAY + 8 * 60, 7, |m, _| {
        if (DAY as f64 + 30.0..DAY as f64 + 150.0).contains(&m) {
            0.3
        } else {
            0.04
        }
    });
    let events = journey_stream("t", DAY + 8 * 60, 11, |_, _| 0.02);
    // Replayed in any order, they give what observing them as they happened gives.
    let mut live = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let mut records: Vec<LiveRecord<'_>> = calls
        .iter()
        .map(|call| LiveRecord::Call(call, None))
        .chain(events.iter().map(LiveRecord::JourneyEvent))
        .collect();
    let mut expected = Vec::new();
    records.sort_by_key(|record| match record {
        LiveRecord::Call(call, _) => (call.ended_at.unwrap(), 0),
        LiveRecord::JourneyEvent(event) => (event.timestamp, 1),
    });
    for record in &records {
        expected.extend(live.observe_record(record).unwrap());
    }
    assert!(!raised(&expected).is_empty());
    records.reverse();
    let mut replayed = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    assert_eq!(replayed.replay(&mut records).unwrap(), expected);

    // History dated ahead of the system clock is replayed, where a live stream refuses it.
    let told = |events: Vec<LiveInsight>| -> Vec<(LiveInsightState, String)> {
        events
            .into_iter()
            .map(|e| (e.state, e.insight.title))
            .collect()
    };
    let replay_calls = |calls: &[Call]| {
        let mut records: Vec<_> = calls
            .iter()
            .map(|call| LiveRecord::Call(call, None))
            .collect();
        let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
        told(detector.replay(&mut records).unwrap())
    };
    let now_dated = replay_calls(&calls);
    assert!(!now_dated.is_empty());
    // Whole days, so that every call keeps its place in the 5-minute buckets.
    let ahead = TimeDelta::days((Utc::now() - start()).num_days() + 400);
    for call in &mut calls {
        call.ended_at = call.ended_at.map(|at| at + ahead);
    }
    assert_eq!(replay_calls(&calls), now_dated);
    let error = LiveInsights::new(LiveInsightOptions::default())
        .unwrap()
        .observe(&calls[0])
        .unwrap_err();
    assert!(
        error.to_string().contains("more than a day from now"),
        "{error}"
    );
}

#[test]
fn the_summed_baseline_is_what_the_whole_ring_sums_to_after_every_call() {
    // An incident (so that windows are left out of later baselines) and calls up to four
    // hours late (so that some fall in a baseline already summed).
    let mut calls = stream("t", DAY + 6 * 60, 13, |m, _| {
        if (DAY as f64 + 60.0..DAY as f64 + 180.0).contains(&m) {
            0.35
        } else {
            0.04
        }
    });
    for (i, call) in calls.iter_mut().enumerate() {
        if i % 97 == 0 {
            call.ended_at = call.ended_at.map(|at| at - TimeDelta::minutes(240));
        }
    }
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let (window, total) = (
        detector.windows.window_buckets,
        detector.windows.total_buckets,
    );
    let mut checked = 0;
    for call in &calls {
        detector.observe(call).unwrap();
        let tenant = detector.calls.tenants.get_mut("t").unwrap();
        let newest = tenant.newest;
        for (_, series) in tenant.all_series_mut() {
            let mut whole = [Comparison::default(); CALL_METRICS];
            for ((&bucket, samples), &excluded) in series
                .buckets
                .iter()
                .zip(&series.samples)
                .zip(&series.excluded)
            {
                let age = newest.saturating_sub(bucket);
                for (comparison, sample) in whole.iter_mut().zip(samples) {
                    let side = match age {
                        age if (0..window).contains(&age) => &mut comparison.window,
                        age if (window..total).contains(&age) && !excluded => {
                            &mut comparison.baseline
                        }
                        _ => continue,
                    };
                    side.n += sample.n;
                    side.sum += sample.sum;
                    side.squares += sample.squares;
                }
            }
            let compared = series.compare(newest, window, total);
            for (a, b) in compared.iter().zip(&whole) {
                for (x, y) in [(a.window, b.window), (a.baseline, b.baseline)] {
                    assert_eq!((x.n, x.sum, x.squares), (y.n, y.sum, y.squares));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > calls.len());
    assert!(
        detector.calls.tenants["t"]
            .overall
            .as_ref()
            .unwrap()
            .excluded
            .contains(&true)
    );
}

#[test]
fn a_replay_of_json_records_is_the_replay_of_the_records() {
    let calls = stream("t", DAY + 4 * 60, 7, |m, _| {
        if m > DAY as f64 + 30.0 { 0.3 } else { 0.04 }
    });
    let events = journey_stream("t", DAY + 4 * 60, 11, |_, _| 0.02);
    let sentiments: std::collections::HashMap<String, f64> = calls
        .iter()
        .step_by(3)
        .map(|call| (call.id.clone(), -0.2))
        .collect();
    let mut records: Vec<LiveRecord<'_>> = calls
        .iter()
        .map(|call| LiveRecord::Call(call, sentiments.get(&call.id).copied()))
        .chain(events.iter().map(LiveRecord::JourneyEvent))
        .collect();
    let expected = LiveInsights::new(LiveInsightOptions::default())
        .unwrap()
        .replay(&mut records)
        .unwrap();
    assert!(!expected.is_empty());
    let call_values: Vec<_> = calls
        .iter()
        .map(|c| serde_json::to_value(c).unwrap())
        .collect();
    let event_values: Vec<_> = events
        .iter()
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let replayed = detector
        .replay_json(call_values.clone(), event_values.clone(), &sentiments)
        .unwrap();
    assert_eq!(replayed, expected);
    // A record that does not parse is named, and nothing is counted.
    let mut bad = call_values;
    bad[1] = serde_json::json!({"type": "tenant", "id": "t", "name": "T"});
    let mut untouched = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let error = untouched
        .replay_json(bad, event_values, &sentiments)
        .unwrap_err();
    assert!(error.to_string().contains("calls[1]: call:"), "{error}");
    assert!(untouched.calls.tenants.is_empty() && untouched.journeys.tenants.is_empty());
}

#[test]
fn a_channel_whose_conversions_stop_is_raised_when_it_has_the_volume() {
    // Four web events a minute, one in twenty a purchase; none for two hours from DAY + 30.
    // A share of 5% falling to none needs about 150 events in the hour to pass p < 0.0001.
    let incident = |minute: usize| (DAY + 30..DAY + 150).contains(&minute);
    let events: Vec<JourneyEvent> = (0..(DAY + 6 * 60) * 4)
        .map(|i| {
            let minute = i / 4;
            let action = if i % 20 == 3 && !incident(minute) {
                "purchase"
            } else {
                "view_page"
            };
            journey_event("t", "web", action, i as f64 / 4.0, i)
        })
        .collect();
    let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
    let insights = replay_journeys(&mut detector, &events);
    let web: Vec<&LiveInsight> = insights
        .iter()
        .filter(|e| e.insight.segment.is_some())
        .collect();
    let down = one_episode(&web, 0..60);
    assert_eq!(down.insight.category, "conversion_action_rate");
    assert!(
        down.insight
            .title
            .starts_with("Channel web: conversion action rate down in the last hour"),
        "{}",
        down.insight.title
    );
    assert!(
        insights
            .iter()
            .all(|e| e.insight.category == "conversion_action_rate")
    );
}
