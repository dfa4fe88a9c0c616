//! Properties of the simulated data and its ground truth.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

use chrono::{Datelike, TimeDelta, Timelike};

use super::*;
use crate::model::ingest::{IngestLimits, parse_jsonl, validate};
use crate::model::{Call, CallChannel, Direction, Speaker, Utterance};

/// Four weeks, two tenants, a modest volume: big enough for the statistics, quick in debug builds.
fn config() -> SimConfig {
    SimConfig {
        calls_per_day: 150,
        journeys_per_day: 25,
        customers_per_tenant: 1_500,
        ..SimConfig::default()
    }
}

fn output() -> &'static SimOutput {
    static OUTPUT: OnceLock<SimOutput> = OnceLock::new();
    OUTPUT.get_or_init(|| simulate(&config()).expect("valid config"))
}

fn calls(out: &SimOutput) -> Vec<&Call> {
    out.records
        .iter()
        .filter_map(|r| match r {
            Record::Call(c) => Some(c),
            _ => None,
        })
        .collect()
}

fn transcripts(out: &SimOutput) -> HashMap<&str, Vec<&Utterance>> {
    let mut map: HashMap<&str, Vec<&Utterance>> = HashMap::new();
    for record in &out.records {
        if let Record::Utterance(u) = record {
            map.entry(u.call_id.as_str()).or_default().push(u);
        }
    }
    map
}

fn truth_by_call(out: &SimOutput) -> HashMap<&str, &CallTruth> {
    out.truth
        .calls
        .iter()
        .map(|t| (t.call_id.as_str(), t))
        .collect()
}

#[test]
fn same_seed_gives_identical_output() {
    let small = SimConfig {
        days: 7,
        calls_per_day: 80,
        anomaly_days: 2,
        ..config()
    };
    let a = simulate(&small).unwrap();
    let b = simulate(&small).unwrap();
    assert_eq!(a, b);
    let mut bytes_a = Vec::new();
    let mut bytes_b = Vec::new();
    write_jsonl(&a.records, &mut bytes_a).unwrap();
    write_jsonl(&b.records, &mut bytes_b).unwrap();
    assert_eq!(bytes_a, bytes_b);
}

#[test]
fn different_seeds_differ() {
    let small = SimConfig {
        days: 7,
        calls_per_day: 80,
        anomaly_days: 2,
        ..config()
    };
    let a = simulate(&small).unwrap();
    let b = simulate(&SimConfig { seed: 43, ..small }).unwrap();
    assert_ne!(a.records, b.records);
    assert_ne!(a.truth.anomalies, b.truth.anomalies);
}

#[test]
fn every_record_is_valid_and_round_trips_through_jsonl() {
    let out = output();
    let limits = IngestLimits::default();
    for record in &out.records {
        if let Err((field, message)) = validate(record, &limits) {
            panic!(
                "invalid {} {}: {field}: {message}",
                record.kind().as_str(),
                record.key()
            );
        }
    }
    let mut bytes = Vec::new();
    write_jsonl(&out.records, &mut bytes).unwrap();
    let parsed = parse_jsonl(std::str::from_utf8(&bytes).unwrap(), &limits);
    assert!(parsed.rejected.is_empty(), "{:?}", parsed.rejected.first());
    assert_eq!(parsed.records, out.records);
}

#[test]
fn every_kind_of_record_is_produced_per_tenant() {
    let out = output();
    let mut kinds: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for record in &out.records {
        kinds
            .entry(record.tenant())
            .or_default()
            .insert(record.kind().as_str());
    }
    assert_eq!(kinds.len(), 2);
    for (tenant, kinds) in kinds {
        assert_eq!(kinds.len(), 5, "{tenant}: {kinds:?}");
    }
    for record in &out.records {
        if let Record::Tenant(t) = record {
            assert!(!t.name.is_empty() && t.timezone.is_some());
        }
    }
}

#[test]
fn invalid_configs_are_rejected_with_typed_errors() {
    for bad in [
        SimConfig {
            tenants: 0,
            ..SimConfig::default()
        },
        SimConfig {
            days: 0,
            ..SimConfig::default()
        },
        SimConfig {
            anomaly_days: 29,
            ..SimConfig::default()
        },
        SimConfig {
            customers_per_tenant: 0,
            ..SimConfig::default()
        },
        SimConfig {
            agents_per_tenant: 0,
            ..SimConfig::default()
        },
        SimConfig {
            customers_per_tenant: 1_000_000_000_000,
            ..SimConfig::default()
        },
        SimConfig {
            agents_per_tenant: 1_000_000_000_000,
            ..SimConfig::default()
        },
        SimConfig {
            calls_per_day: usize::MAX / 4,
            ..SimConfig::default()
        },
        SimConfig {
            start: chrono::DateTime::<Utc>::MAX_UTC - TimeDelta::days(2),
            ..SimConfig::default()
        },
        SimConfig {
            start: chrono::DateTime::<Utc>::MIN_UTC + TimeDelta::days(2),
            ..SimConfig::default()
        },
    ] {
        assert!(
            matches!(simulate(&bad), Err(Error::InvalidArgument(_))),
            "{bad:?}"
        );
    }
    // A one-day window that starts in the evening has no full business day for an anomaly.
    let evening = SimConfig {
        days: 1,
        anomaly_days: 1,
        start: Utc.with_ymd_and_hms(2026, 1, 5, 22, 0, 0).unwrap(),
        ..SimConfig::default()
    };
    assert!(matches!(simulate(&evening), Err(Error::InvalidArgument(_))));
}

#[test]
fn json_configs_default_omitted_fields_and_refuse_unknown_ones() {
    let partial: SimConfig =
        serde_json::from_str(r#"{"seed": 7, "days": 3, "start": "2026-02-02T00:00:00+01:00"}"#)
            .unwrap();
    assert_eq!(
        partial,
        SimConfig {
            seed: 7,
            days: 3,
            start: Utc.with_ymd_and_hms(2026, 2, 1, 23, 0, 0).unwrap(),
            ..SimConfig::default()
        }
    );
    assert_eq!(
        serde_json::from_str::<SimConfig>("{}").unwrap(),
        SimConfig::default()
    );
    let typo = serde_json::from_str::<SimConfig>(r#"{"calls_a_day": 10}"#).unwrap_err();
    assert!(
        typo.to_string().contains("unknown field `calls_a_day`"),
        "{typo}"
    );
}

#[test]
fn volume_is_higher_on_weekdays_and_in_the_daytime() {
    let out = output();
    let cfg = config();
    for index in 0..cfg.tenants {
        let profile = tenants::profile(index);
        let mut weekday_calls = 0usize;
        let mut weekend_calls = 0usize;
        let mut day_calls = 0usize;
        let mut night_calls = 0usize;
        for call in calls(out).into_iter().filter(|c| c.tenant == profile.id) {
            let local = call.started_at.with_timezone(&profile.utc_offset);
            if volume::is_weekend(local.weekday()) {
                weekend_calls += 1;
            } else {
                weekday_calls += 1;
            }
            match local.hour() {
                9..=16 => day_calls += 1,
                0..=5 => night_calls += 1,
                _ => {}
            }
        }
        // Per day: 20 weekdays against 8 weekend days; per hour: 8 daytime hours against 6 night hours.
        let weekday_rate = weekday_calls as f64 / 20.0;
        let weekend_rate = weekend_calls as f64 / 8.0;
        assert!(
            weekday_rate > 2.5 * weekend_rate,
            "{}: {weekday_rate} vs {weekend_rate}",
            profile.id
        );
        let day_rate = day_calls as f64 / 8.0;
        let night_rate = night_calls as f64 / 6.0;
        assert!(
            day_rate > 15.0 * night_rate,
            "{}: {day_rate} vs {night_rate}",
            profile.id
        );
        // The average daily volume matches the configuration.
        let per_day = (weekday_calls + weekend_calls) as f64 / 28.0;
        assert!(
            (per_day / cfg.calls_per_day as f64 - 1.0).abs() < 0.25,
            "{}: {per_day}/day",
            profile.id
        );
    }
}

#[test]
fn planted_anomalies_move_volume_and_metrics() {
    let out = output();
    let cfg = config();
    assert_eq!(out.truth.anomalies.len(), cfg.tenants * cfg.anomaly_days);
    let all_calls = calls(out);
    for anomaly in &out.truth.anomalies {
        let profile = (0..cfg.tenants)
            .map(tenants::profile)
            .find(|p| p.id == anomaly.tenant)
            .unwrap();
        let in_window = |start: chrono::DateTime<Utc>, end: chrono::DateTime<Utc>| {
            all_calls
                .iter()
                .filter(|c| {
                    c.tenant == anomaly.tenant && c.started_at >= start && c.started_at < end
                })
                .count() as f64
        };
        let observed = in_window(anomaly.start, anomaly.end);
        let expected =
            volume::expected_calls(&cfg, &profile, anomaly.start, anomaly.end - anomaly.start);
        match anomaly.kind {
            AnomalyKind::OutageStorm | AnomalyKind::VolumeSpike => {
                assert!(
                    observed > 1.6 * expected,
                    "{}: {observed} vs {expected}",
                    anomaly.id
                );
                let generated = out
                    .truth
                    .calls
                    .iter()
                    .filter(|t| t.anomaly_id.as_deref() == Some(&anomaly.id))
                    .count();
                assert!(generated > 0, "{}", anomaly.id);
            }
            AnomalyKind::VolumeDrop => {
                assert!(
                    observed < 0.5 * expected,
                    "{}: {observed} vs {expected}",
                    anomaly.id
                );
            }
        }
        assert!(anomaly.start >= cfg.start && anomaly.end <= cfg.end());
        assert_eq!(anomaly.start.timestamp() % 900, 0);
    }

    // Incident metrics stand out against the same hours of the other weekdays.
    for anomaly in &out.truth.anomalies {
        let profile = (0..cfg.tenants)
            .map(tenants::profile)
            .find(|p| p.id == anomaly.tenant)
            .unwrap();
        let disturbed = |t: chrono::DateTime<Utc>| {
            out.truth
                .anomalies
                .iter()
                .any(|a| a.tenant == anomaly.tenant && a.start <= t && t < a.end)
        };
        let same_hours = |t: chrono::DateTime<Utc>| {
            let since = (t - anomaly.start).num_minutes().rem_euclid(24 * 60);
            since < (anomaly.end - anomaly.start).num_minutes()
        };
        for metric in &anomaly.affected_metrics {
            let mut inside = Vec::new();
            let mut baseline = Vec::new();
            for record in &out.records {
                if let Record::Metric(m) = record
                    && m.tenant == anomaly.tenant
                    && &m.metric == metric
                {
                    if m.timestamp >= anomaly.start && m.timestamp < anomaly.end {
                        inside.push(m.value);
                    } else if same_hours(m.timestamp)
                        && !disturbed(m.timestamp)
                        && !volume::is_weekend(
                            m.timestamp.with_timezone(&profile.utc_offset).weekday(),
                        )
                    {
                        baseline.push(m.value);
                    }
                }
            }
            let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
            let (inside, baseline) = (mean(&inside), mean(&baseline));
            if metric == "active_calls" {
                assert!(
                    inside < 0.5 * baseline,
                    "{} {metric}: {inside} vs {baseline}",
                    anomaly.id
                );
            } else {
                assert!(
                    inside > 2.5 * baseline,
                    "{} {metric}: {inside} vs {baseline}",
                    anomaly.id
                );
            }
        }
    }
}

#[test]
fn every_scenario_appears_and_fields_follow_it() {
    let out = output();
    let truth = truth_by_call(out);
    let mut counts: BTreeMap<Scenario, usize> = BTreeMap::new();
    let mut chat = 0;
    let mut outbound = 0;
    let mut bot_only = 0;
    for call in calls(out) {
        let t = truth[call.id.as_str()];
        *counts.entry(t.scenario).or_default() += 1;
        assert_eq!(call.attributes["sim.scenario"], t.scenario.as_str());
        assert_eq!(call.attributes["sim.issue"], t.issue);
        assert!(call.queue.is_some() && call.outcome.is_some());
        if call.channel == CallChannel::Chat {
            chat += 1;
        }
        if call.direction == Direction::Outbound {
            outbound += 1;
            assert_eq!(t.scenario, Scenario::Upgrade);
        }
        if call.agent_id.is_none() && call.outcome != Some(crate::model::CallOutcome::Abandoned) {
            bot_only += 1;
            assert_eq!(t.scenario, Scenario::PasswordReset);
        }
        if let Some(score) = call.satisfaction {
            assert!((1.0..=5.0).contains(&score) && score.fract() == 0.0);
        }
    }
    for scenario in Scenario::ALL {
        assert!(
            counts.get(&scenario).copied().unwrap_or(0) >= 10,
            "{scenario:?}: {counts:?}"
        );
    }
    let total = calls(out).len();
    assert!(
        chat > total / 20 && chat < total / 3,
        "chat {chat} of {total}"
    );
    assert!(outbound > 0 && bot_only > 0);
}

#[test]
fn outcomes_and_satisfaction_depend_on_what_happened() {
    let out = output();
    let truth = truth_by_call(out);
    let mean_satisfaction = |scenario: Scenario| {
        let scores: Vec<f64> = calls(out)
            .into_iter()
            .filter(|c| truth[c.id.as_str()].scenario == scenario)
            .filter_map(|c| c.satisfaction)
            .collect();
        scores.iter().sum::<f64>() / scores.len() as f64
    };
    assert!(
        mean_satisfaction(Scenario::QuickResolution)
            > mean_satisfaction(Scenario::Escalation) + 1.5
    );
    for call in calls(out) {
        let t = truth[call.id.as_str()];
        if t.scenario == Scenario::Escalation
            && call.outcome != Some(crate::model::CallOutcome::Abandoned)
        {
            assert!(call.escalated, "{}", call.id);
        }
    }
}

#[test]
fn repeat_callers_call_again_about_the_same_issue() {
    let out = output();
    let truth = truth_by_call(out);
    let mut repeats = 0;
    for t in &out.truth.calls {
        let Some(previous) = &t.repeat_of else {
            continue;
        };
        let before = truth[previous.as_str()];
        assert_eq!(before.customer_id, t.customer_id);
        assert_eq!(before.issue, t.issue);
        assert!(before.started_at < t.started_at);
        assert!(
            t.started_at - before.started_at < TimeDelta::days(8),
            "{} after {}",
            t.call_id,
            previous
        );
        if t.scenario == Scenario::RepeatCaller {
            repeats += 1;
        }
    }
    assert!(repeats >= 50, "only {repeats} repeat calls");
}

#[test]
fn escalated_calls_and_only_they_contain_trigger_phrases() {
    let out = output();
    let truth = truth_by_call(out);
    let utterances = transcripts(out);
    let mut escalated = 0;
    for call in calls(out) {
        let t = truth[call.id.as_str()];
        let customer_text = utterances
            .get(call.id.as_str())
            .map(|us| {
                us.iter()
                    .filter(|u| u.speaker == Speaker::Customer)
                    .map(|u| u.text.to_lowercase())
                    .collect::<Vec<_>>()
                    .join(" ")
            })
            .unwrap_or_default();
        if call.escalated {
            escalated += 1;
            assert!(!t.escalation_triggers.is_empty(), "{}", call.id);
            assert!(
                t.escalation_triggers
                    .iter()
                    .any(|p| ESCALATION_TRIGGERS[..5].contains(&p.as_str()))
            );
            for phrase in &t.escalation_triggers {
                assert!(
                    customer_text.contains(&phrase.to_lowercase()),
                    "{}: {phrase}",
                    call.id
                );
            }
        } else {
            assert!(t.escalation_triggers.is_empty());
            let all_text = utterances
                .get(call.id.as_str())
                .map(|us| {
                    us.iter()
                        .map(|u| u.text.to_lowercase())
                        .collect::<Vec<_>>()
                        .join(" ")
                })
                .unwrap_or_default();
            for phrase in ESCALATION_TRIGGERS {
                assert!(
                    !all_text.contains(&phrase.to_lowercase()),
                    "{} says {phrase} but is not escalated",
                    call.id
                );
            }
        }
    }
    assert!(escalated >= 100, "only {escalated} escalations");
}

#[test]
fn phrasing_varies_like_real_calls() {
    let out = output();
    let utterances = transcripts(out);
    let mut openings = Vec::new();
    for t in out
        .truth
        .calls
        .iter()
        .filter(|t| t.scenario == Scenario::BillingDispute)
    {
        let Some(us) = utterances.get(t.call_id.as_str()) else {
            continue;
        };
        // The customer's first words to a human agent (after any bot front door).
        let after_agent = us
            .iter()
            .skip_while(|u| u.speaker != Speaker::Agent)
            .find(|u| u.speaker == Speaker::Customer);
        if let Some(u) = after_agent {
            openings.push(u.text.as_str());
        }
    }
    let distinct: BTreeSet<&str> = openings.iter().copied().collect();
    assert!(openings.len() >= 300, "{}", openings.len());
    assert!(
        distinct.len() as f64 > 0.6 * openings.len() as f64,
        "{} distinct of {}",
        distinct.len(),
        openings.len()
    );

    // Whole transcripts of the same scenario almost never repeat.
    let full: Vec<String> = out
        .truth
        .calls
        .iter()
        .filter(|t| t.scenario == Scenario::TechnicalIssue)
        .filter_map(|t| utterances.get(t.call_id.as_str()))
        .map(|us| {
            us.iter()
                .map(|u| u.text.as_str())
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    let distinct_full: BTreeSet<&String> = full.iter().collect();
    assert!(distinct_full.len() as f64 > 0.95 * full.len() as f64);

    // No template placeholder survives.
    for us in utterances.values() {
        for u in us {
            assert!(!u.text.contains('{') && !u.text.contains('}'), "{}", u.text);
        }
    }
}

#[test]
fn timing_is_consistent_with_text_and_calls() {
    let out = output();
    let utterances = transcripts(out);
    let mut interruptions = 0;
    for call in calls(out) {
        let us = &utterances[call.id.as_str()];
        let last_end = us.iter().map(|u| u.end_ms).max().unwrap();
        let duration_ms = (call.ended_at.unwrap() - call.started_at).num_milliseconds() as u64;
        assert!(duration_ms >= last_end, "{}", call.id);
        for (i, u) in us.iter().enumerate() {
            assert_eq!(u.seq as usize, i);
            let words = u.text.split_whitespace().count() as f64;
            let seconds = (u.end_ms - u.start_ms) as f64 / 1000.0;
            match &u.voice {
                Some(v) => {
                    let rate = v.speaking_rate_wpm.unwrap();
                    let implied = words / seconds * 60.0;
                    assert!(
                        implied <= rate * 1.01 && implied > rate * 0.3,
                        "{}#{}: {implied} vs {rate}",
                        call.id,
                        u.seq
                    );
                    if v.interruption {
                        interruptions += 1;
                        assert!(u.start_ms < us[i - 1].end_ms && u.start_ms >= us[i - 1].start_ms);
                    }
                }
                None => assert_eq!(call.channel, CallChannel::Chat),
            }
            if i > 0 {
                assert!(u.start_ms >= us[i - 1].start_ms);
            }
        }
    }
    assert!(interruptions > 50, "{interruptions}");
}

#[test]
fn voice_features_follow_the_mood() {
    let out = output();
    let utterances = transcripts(out);
    let mut stats: HashMap<Mood, Vec<(f64, f64, u64)>> = HashMap::new();
    for t in &out.truth.calls {
        let Some(us) = utterances.get(t.call_id.as_str()) else {
            continue;
        };
        // The customer's first utterance to the agent carries the opening mood.
        if let Some(u) = us
            .iter()
            .skip_while(|u| u.speaker != Speaker::Agent)
            .find(|u| u.speaker == Speaker::Customer)
            && let Some(v) = &u.voice
        {
            stats.entry(t.opening_mood).or_default().push((
                v.energy.unwrap(),
                v.speaking_rate_wpm.unwrap(),
                v.silence_before_ms.unwrap(),
            ));
        }
    }
    let mean = |mood: Mood, field: fn(&(f64, f64, u64)) -> f64| {
        let v = &stats[&mood];
        v.iter().map(field).sum::<f64>() / v.len() as f64
    };
    assert!(mean(Mood::Angry, |s| s.0) > mean(Mood::Calm, |s| s.0) + 0.3);
    assert!(mean(Mood::Frustrated, |s| s.0) > mean(Mood::Neutral, |s| s.0) + 0.1);
    assert!(mean(Mood::Confused, |s| s.1) < mean(Mood::Neutral, |s| s.1) - 25.0);
    assert!(mean(Mood::Angry, |s| s.1) > mean(Mood::Calm, |s| s.1) + 20.0);
    assert!(mean(Mood::Confused, |s| s.2 as f64) > 2.0 * mean(Mood::Neutral, |s| s.2 as f64));
}

#[test]
fn journeys_are_plausible_and_match_their_truth() {
    let out = output();
    let events: HashMap<&str, &crate::model::JourneyEvent> = out
        .records
        .iter()
        .filter_map(|r| match r {
            Record::JourneyEvent(e) => Some((e.id.as_str(), e)),
            _ => None,
        })
        .collect();
    let mut outcomes: BTreeMap<&str, usize> = BTreeMap::new();
    let mut channels = BTreeSet::new();
    let mut covered = 0;
    for j in &out.truth.journeys {
        let name = match j.outcome {
            JourneyOutcome::Converted => "converted",
            JourneyOutcome::Churned => "churned",
            JourneyOutcome::Abandoned => "abandoned",
            JourneyOutcome::Open => "open",
        };
        *outcomes.entry(name).or_default() += 1;
        let steps: Vec<_> = j.event_ids.iter().map(|id| events[id.as_str()]).collect();
        covered += steps.len();
        assert!(steps.windows(2).all(|w| w[0].timestamp <= w[1].timestamp));
        assert!(steps.iter().all(|e| e.customer_id == j.customer_id));
        for (step, path) in steps.iter().zip(&j.path) {
            assert_eq!(format!("{}:{}", step.channel, step.action), *path);
            channels.insert(step.channel.as_str());
            assert!(step.timestamp >= config().start && step.timestamp < config().end());
        }
        let last = steps.last().unwrap();
        match j.outcome {
            JourneyOutcome::Converted => {
                assert!(j.value.unwrap() > 0.0);
                assert_eq!(last.value, j.value);
            }
            JourneyOutcome::Churned => assert_eq!(last.action, "cancel_subscription"),
            JourneyOutcome::Abandoned | JourneyOutcome::Open => {
                assert!(steps.iter().all(|e| e.value.is_none()))
            }
        }
    }
    assert_eq!(covered, events.len());
    // Journeys that outlast the window are cut at its end (open), the others ended in it.
    assert_eq!(outcomes.len(), 4, "{outcomes:?}");
    assert!(outcomes.values().all(|&n| n >= 20), "{outcomes:?}");
    assert_eq!(
        channels,
        BTreeSet::from(["app", "chat", "email", "voice", "web"])
    );
}

#[test]
fn metrics_are_sampled_every_fifteen_minutes_per_tenant() {
    let out = output();
    let cfg = config();
    let mut per_metric: BTreeMap<(&str, &str), Vec<chrono::DateTime<Utc>>> = BTreeMap::new();
    for record in &out.records {
        if let Record::Metric(m) = record {
            per_metric
                .entry((m.tenant.as_str(), m.metric.as_str()))
                .or_default()
                .push(m.timestamp);
            if m.metric == "error_rate" {
                assert!((0.0..=1.0).contains(&m.value));
            }
            assert!(m.value >= 0.0);
        }
    }
    assert_eq!(per_metric.len(), cfg.tenants * 4);
    for times in per_metric.values() {
        assert_eq!(times.len(), cfg.days as usize * 96);
        assert!(
            times
                .windows(2)
                .all(|w| w[1] - w[0] == TimeDelta::minutes(15))
        );
    }
}

#[test]
fn every_tenant_profile_and_odd_windows_give_valid_data() {
    // Seven tenants cover all six profiles plus a renamed reuse; the window starts off the quarter hour.
    let wide = SimConfig {
        tenants: 7,
        days: 3,
        calls_per_day: 60,
        journeys_per_day: 10,
        anomaly_days: 1,
        start: Utc.with_ymd_and_hms(2026, 3, 10, 13, 7, 30).unwrap(),
        ..SimConfig::default()
    };
    let out = simulate(&wide).unwrap();
    let limits = IngestLimits::default();
    let mut tenant_ids = BTreeSet::new();
    for record in &out.records {
        assert!(validate(record, &limits).is_ok(), "{record:?}");
        match record {
            Record::Tenant(t) => {
                assert!(tenant_ids.insert(t.id.clone()), "duplicate tenant {}", t.id)
            }
            Record::Utterance(u) => assert!(!u.text.contains('{'), "{}", u.text),
            Record::Call(c) => assert!(c.started_at >= wide.start && c.started_at < wide.end()),
            Record::JourneyEvent(e) => {
                assert!(e.timestamp >= wide.start && e.timestamp < wide.end())
            }
            Record::Metric(m) => assert!(m.timestamp >= wide.start && m.timestamp < wide.end()),
        }
    }
    assert_eq!(tenant_ids.len(), 7);
    assert_eq!(out.truth.anomalies.len(), 7);

    // No calls and no customers: tenants, journeys of prospects and metrics only.
    let quiet = SimConfig {
        calls_per_day: 0,
        customers_per_tenant: 0,
        agents_per_tenant: 0,
        days: 2,
        anomaly_days: 0,
        ..SimConfig::default()
    };
    let out = simulate(&quiet).unwrap();
    assert!(out.truth.calls.is_empty());
    assert!(
        out.records
            .iter()
            .all(|r| !matches!(r, Record::Call(_) | Record::Utterance(_)))
    );
    assert!(
        out.truth
            .journeys
            .iter()
            .all(|j| j.kind == JourneyKind::Acquisition)
    );
    assert!(out.records.iter().any(|r| matches!(r, Record::Metric(_))));
}

#[test]
fn write_jsonl_reports_io_errors() {
    struct Broken;
    impl std::io::Write for Broken {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(std::io::Error::other("disk full"))
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(std::io::Error::other("disk full"))
        }
    }
    let records = &output().records[..3];
    assert!(matches!(write_jsonl(records, Broken), Err(Error::Io(_))));
}
