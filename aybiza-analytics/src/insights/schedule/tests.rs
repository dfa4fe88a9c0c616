use std::sync::Arc;

use chrono::TimeZone;

use super::*;
use crate::access::{MemoryAuditLog, Principal, Role, ScopedStore};
use crate::model::{Call, CallChannel, CallOutcome, Direction, Record};
use crate::store::MemoryStore;

fn at(y: i32, mo: u32, d: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, 0, 0).unwrap()
}

fn range(start: DateTime<Utc>, end: DateTime<Utc>) -> TimeRange {
    TimeRange::new(start, end).unwrap()
}

fn scheduler(schedules: Vec<InsightSchedule>, start: DateTime<Utc>) -> InsightScheduler {
    InsightScheduler::new(schedules, start, SchedulerState::default()).unwrap()
}

/// The window of the run `schedule` has due at `due`.
fn window_at(schedule: InsightSchedule, due: DateTime<Utc>) -> TimeRange {
    let s = scheduler(vec![schedule], due - TimeDelta::days(30));
    s.schedules[0].window(due).unwrap()
}

#[test]
fn windows_cover_the_day_week_or_time_since_the_previous_run() {
    let due = at(2026, 3, 3, 6);
    assert_eq!(
        window_at(InsightSchedule::daily(), due),
        range(at(2026, 3, 2, 0), at(2026, 3, 3, 0))
    );
    let since = InsightSchedule::new("d", "0 6 * * *", RunWindow::SincePreviousRun);
    assert_eq!(
        window_at(since, due),
        range(at(2026, 3, 2, 6), at(2026, 3, 3, 6))
    );
    // Mondays at 09:00: the Monday-to-Monday week before.
    let monday = at(2026, 3, 9, 9);
    assert_eq!(
        window_at(InsightSchedule::weekly(), monday),
        range(at(2026, 3, 2, 0), at(2026, 3, 9, 0))
    );
    // A weekly run on a Wednesday still reports the last whole week.
    let mid_week = InsightSchedule::new("w", "0 9 * * WED", RunWindow::PreviousWeek);
    assert_eq!(
        window_at(mid_week, at(2026, 3, 11, 9)),
        range(at(2026, 3, 2, 0), at(2026, 3, 9, 0))
    );
    // Twice a day since the previous run: twelve hours.
    let twice = InsightSchedule::new("t", "0 6,18 * * *", RunWindow::SincePreviousRun);
    assert_eq!(
        window_at(twice, at(2026, 3, 3, 18)),
        range(at(2026, 3, 3, 6), at(2026, 3, 3, 18))
    );
}

#[test]
fn time_zones_move_the_due_times_and_the_days_across_daylight_saving() {
    let mut berlin = InsightSchedule::daily();
    berlin.timezone = "Europe/Berlin".into();
    let s = scheduler(vec![berlin.clone()], at(2026, 3, 28, 12));
    // 06:00 in Berlin on 29 March (summer time from 02:00) is 04:00 UTC.
    assert_eq!(s.next_due().unwrap(), at(2026, 3, 29, 4));
    // The day before (28 March, winter time) runs from 23:00 UTC to 23:00 UTC.
    assert_eq!(
        window_at(berlin.clone(), at(2026, 3, 29, 4)),
        range(at(2026, 3, 27, 23), at(2026, 3, 28, 23))
    );
    // 29 March itself is 23 hours long.
    assert_eq!(
        window_at(berlin, at(2026, 3, 30, 4)),
        range(at(2026, 3, 28, 23), at(2026, 3, 29, 22))
    );
}

/// A memory store with two tenants, 40 calls a day each from 1 to 20 March 2026; tenant `b`'s
/// calls in the second week escalate far more often.
async fn store() -> MemoryStore {
    let store = MemoryStore::new();
    let mut records = Vec::new();
    for tenant in ["a", "b"] {
        for day in 0..20 {
            for i in 0..40u32 {
                let started_at = at(2026, 3, 1, 0)
                    + TimeDelta::days(day)
                    + TimeDelta::minutes(i64::from(i) * 36);
                let bad_week = tenant == "b" && (7..14).contains(&day);
                records.push(Record::Call(Call {
                    id: format!("{tenant}-{day}-{i}"),
                    tenant: tenant.into(),
                    customer_id: format!("c{i}"),
                    agent_id: Some(format!("agent{}", i % 4)),
                    channel: CallChannel::Voice,
                    direction: Direction::Inbound,
                    started_at,
                    ended_at: Some(started_at + TimeDelta::seconds(180 + i64::from(i % 7) * 30)),
                    queue: Some(if i % 2 == 0 { "billing" } else { "tech" }.into()),
                    outcome: Some(CallOutcome::Resolved),
                    escalated: i % if bad_week { 2 } else { 10 } == 0,
                    transferred: false,
                    satisfaction: None,
                    tags: Vec::new(),
                    attributes: Default::default(),
                }));
            }
        }
    }
    store.put(records).await.unwrap();
    store
}

#[tokio::test]
async fn due_runs_cover_each_tenant_once_and_match_the_generator() {
    let store = store().await;
    let mut s = scheduler(
        vec![InsightSchedule::daily(), InsightSchedule::weekly()],
        at(2026, 3, 6, 12),
    )
    .with_max_catch_up(10);
    assert_eq!(s.next_due().unwrap(), at(2026, 3, 7, 6));
    // Up to Monday 16 March 10:00: daily runs on the 7th to the 16th, the weekly run on the 9th
    // and the 16th, for both tenants, oldest first.
    let runs = s.run_due(&store, at(2026, 3, 16, 10)).await.unwrap();
    assert_eq!(runs.len(), (10 + 2) * 2);
    assert!(runs.windows(2).all(|w| w[0].due_at <= w[1].due_at));
    let daily: Vec<&InsightRun> = runs
        .iter()
        .filter(|r| r.schedule == "daily" && r.tenant == "a")
        .collect();
    assert_eq!(daily.len(), 10);
    // Consecutive daily windows tile the days.
    assert!(daily.windows(2).all(|w| w[0].range.end == w[1].range.start));
    let weekly: Vec<&InsightRun> = runs.iter().filter(|r| r.schedule == "weekly").collect();
    assert_eq!(weekly[0].range, range(at(2026, 3, 2, 0), at(2026, 3, 9, 0)));
    // Each run's insights are the statistical generator's for its range.
    let b_week = weekly
        .iter()
        .find(|r| r.tenant == "b" && r.due_at == at(2026, 3, 16, 9))
        .unwrap();
    let expected = StatisticalInsights::default()
        .generate(&store, "b", b_week.range)
        .await
        .unwrap();
    assert_eq!(b_week.insights, expected);
    assert!(
        b_week
            .insights
            .iter()
            .any(|i| i.category == "escalation_rate" && i.segment.is_none()),
        "{:#?}",
        b_week.insights
    );
    assert!(runs.iter().all(|r| r.error.is_none()));

    // Nothing runs twice: the same time again gives nothing, and the state says how far.
    assert!(
        s.run_due(&store, at(2026, 3, 16, 10))
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(s.state().last_due["daily"], at(2026, 3, 16, 6));
    assert_eq!(s.state().last_due["weekly"], at(2026, 3, 16, 9));
    assert_eq!(s.next_due().unwrap(), at(2026, 3, 17, 6));
}

#[tokio::test]
async fn a_restarted_scheduler_resumes_from_its_saved_state_and_catches_up() {
    let store = store().await;
    let mut first = scheduler(vec![InsightSchedule::daily()], at(2026, 3, 1, 12));
    first.run_due(&store, at(2026, 3, 3, 7)).await.unwrap();
    let saved = serde_json::to_string(first.state()).unwrap();

    // Down for twelve days: only the latest seven missed runs are caught up.
    let state: SchedulerState = serde_json::from_str(&saved).unwrap();
    let mut resumed =
        InsightScheduler::new(vec![InsightSchedule::daily()], at(2026, 3, 18, 0), state).unwrap();
    assert_eq!(resumed.next_due().unwrap(), at(2026, 3, 4, 6));
    let runs = resumed.run_due(&store, at(2026, 3, 15, 7)).await.unwrap();
    let days: Vec<DateTime<Utc>> = runs
        .iter()
        .filter(|r| r.tenant == "a")
        .map(|r| r.due_at)
        .collect();
    let expected: Vec<DateTime<Utc>> = (9..=15).map(|d| at(2026, 3, d, 6)).collect();
    assert_eq!(days, expected);

    let mut one =
        scheduler(vec![InsightSchedule::daily()], at(2026, 3, 1, 12)).with_max_catch_up(1);
    let runs = one.run_due(&store, at(2026, 3, 15, 7)).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert!(runs.iter().all(|r| r.due_at == at(2026, 3, 15, 6)));
}

#[tokio::test]
async fn a_tenant_whose_run_fails_does_not_stop_the_others() {
    let inner: Arc<dyn Store> = Arc::new(store().await);
    let audit = Arc::new(MemoryAuditLog::default());
    let principal = Principal::new("scheduler", Role::Analyst, ["a"]);
    let scoped = ScopedStore::new(inner, principal, audit).unwrap();
    let mut schedule = InsightSchedule::daily();
    schedule.tenants = vec!["b".into(), "a".into()];
    let mut s = scheduler(vec![schedule], at(2026, 3, 9, 12));
    let runs = s.run_due(&scoped, at(2026, 3, 10, 7)).await.unwrap();
    assert_eq!(runs.len(), 2);
    assert_eq!(runs[0].tenant, "b");
    let error = runs[0].error.as_deref().unwrap_or_default();
    assert!(error.contains("may not access tenant 'b'"), "{error}");
    assert!(runs[0].insights.is_empty());
    assert_eq!(runs[1].tenant, "a");
    assert!(runs[1].error.is_none());
    assert_eq!(s.state().last_due["daily"], at(2026, 3, 10, 6));
}

#[test]
fn bad_schedules_are_refused() {
    let refused = |schedules: Vec<InsightSchedule>| {
        let result = InsightScheduler::new(schedules, at(2026, 3, 1, 0), SchedulerState::default());
        match result {
            Err(Error::InvalidArgument(message)) => message,
            other => panic!("accepted: {other:?}"),
        }
    };
    assert!(refused(vec![]).contains("no schedules"));
    assert!(refused(vec![InsightSchedule::daily(), InsightSchedule::daily()]).contains("two"));
    let bad_cron = InsightSchedule::new("x", "61 * * * *", RunWindow::SincePreviousRun);
    assert!(refused(vec![bad_cron]).contains("cron"));
    let never = InsightSchedule::new("x", "0 0 30 2 *", RunWindow::SincePreviousRun);
    assert!(refused(vec![never]).contains("no due time"));
    let mut zone = InsightSchedule::daily();
    zone.timezone = "Mars/Olympus".into();
    assert!(refused(vec![zone]).contains("time zone"));
    let mut options = InsightSchedule::daily();
    options.options.min_calls = 0;
    refused(vec![options]);
    let unnamed = InsightSchedule::new(" ", "0 6 * * *", RunWindow::PreviousDay);
    assert!(refused(vec![unnamed]).contains("name"));
    assert!(
        serde_json::from_str::<InsightSchedule>(r#"{"name": "d", "cron": "@daily", "every": 1}"#)
            .is_err()
    );
    let parsed: InsightSchedule =
        serde_json::from_str(r#"{"name": "d", "cron": "@daily", "window": "previous_day"}"#)
            .unwrap();
    assert_eq!(parsed.timezone, "UTC");
    assert_eq!(parsed.window, RunWindow::PreviousDay);
}

#[tokio::test]
async fn since_previous_run_windows_tile_time_across_a_daylight_saving_gap() {
    // 02:30 does not exist in New York on 8 March 2026: that run is due at 03:00 EDT.
    let store = store().await;
    let mut schedule = InsightSchedule::new("night", "30 2 * * *", RunWindow::SincePreviousRun);
    schedule.timezone = "America/New_York".into();
    schedule.tenants = vec!["a".into()];
    let mut s = scheduler(vec![schedule], at(2026, 3, 6, 0)).with_max_catch_up(10);
    let runs = s.run_due(&store, at(2026, 3, 11, 0)).await.unwrap();
    let due: Vec<DateTime<Utc>> = runs.iter().map(|r| r.due_at).collect();
    let at_min = |d, h, m| Utc.with_ymd_and_hms(2026, 3, d, h, m, 0).unwrap();
    assert_eq!(
        due,
        [
            at_min(6, 7, 30),
            at_min(7, 7, 30),
            at_min(8, 7, 0),
            at_min(9, 6, 30),
            at_min(10, 6, 30)
        ]
    );
    assert_eq!(runs[0].range.start, at_min(5, 7, 30));
    for pair in runs.windows(2) {
        assert_eq!(pair[0].range.end, pair[1].range.start);
        assert_eq!(pair[1].range.end, pair[1].due_at);
    }
}

#[tokio::test]
async fn a_failed_run_leaves_the_state_as_it_was() {
    // An ingest principal may not list tenants: the runs fail, and stay due.
    let inner: Arc<dyn Store> = Arc::new(store().await);
    let audit = Arc::new(MemoryAuditLog::default());
    let writer = Principal::new("loader", Role::Ingest, ["*"]);
    let scoped = ScopedStore::new(inner.clone(), writer, audit).unwrap();
    let mut s = scheduler(
        vec![InsightSchedule::daily(), InsightSchedule::weekly()],
        at(2026, 3, 6, 12),
    );
    let before = s.state().clone();
    let error = s.run_due(&scoped, at(2026, 3, 10, 7)).await.unwrap_err();
    assert!(matches!(error, Error::Forbidden(_)), "{error}");
    assert_eq!(s.state(), &before);
    let runs = s.run_due(inner.as_ref(), at(2026, 3, 10, 7)).await.unwrap();
    assert_eq!(runs.len(), (4 + 1) * 2);
}

#[tokio::test]
async fn a_long_downtime_costs_only_the_runs_caught_up() {
    // A schedule due every second, last run a year ago: only the latest three run.
    let store = store().await;
    let mut every_second = InsightSchedule::new("s", "* * * * * *", RunWindow::SincePreviousRun);
    every_second.tenants = vec!["a".into()];
    let now = at(2026, 3, 10, 12);
    let mut s = scheduler(vec![every_second], now - TimeDelta::days(365)).with_max_catch_up(3);
    let runs = s.run_due(&store, now).await.unwrap();
    let due: Vec<DateTime<Utc>> = runs.iter().map(|r| r.due_at).collect();
    let seconds = |n| now - TimeDelta::seconds(n);
    assert_eq!(due, [seconds(2), seconds(1), now]);
    assert_eq!(s.state().last_due["s"], now);
}

#[test]
fn state_of_schedules_not_configured_now_is_kept() {
    let mut state = SchedulerState::default();
    state.last_due.insert("retired".into(), at(2026, 1, 1, 0));
    state.last_due.insert("daily".into(), at(2026, 3, 1, 6));
    let s =
        InsightScheduler::new(vec![InsightSchedule::daily()], at(2026, 3, 5, 0), state).unwrap();
    assert_eq!(s.state().last_due["retired"], at(2026, 1, 1, 0));
    assert_eq!(s.next_due().unwrap(), at(2026, 3, 2, 6));
}
