//! Report tests on small hand-built data sets with known answers.

use std::collections::BTreeMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, NaiveDate, Utc};

use super::*;
use crate::model::{
    Call, CallChannel, CallOutcome, Direction, JourneyEvent, MetricSample, Record, Speaker, Tenant,
    Utterance,
};
use crate::store::MemoryStore;

fn at(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .expect("test timestamp")
        .with_timezone(&Utc)
}

fn call(tenant: &str, id: &str, customer: &str, start: &str, secs: Option<i64>) -> Call {
    let started_at = at(start);
    Call {
        id: id.to_owned(),
        tenant: tenant.to_owned(),
        customer_id: customer.to_owned(),
        agent_id: None,
        channel: CallChannel::Voice,
        direction: Direction::Inbound,
        started_at,
        ended_at: secs.map(|s| started_at + Duration::seconds(s)),
        queue: None,
        outcome: None,
        escalated: false,
        transferred: false,
        satisfaction: None,
        tags: Vec::new(),
        attributes: BTreeMap::new(),
    }
}

fn utterance(tenant: &str, call_id: &str, seq: u32, speaker: Speaker) -> Record {
    Record::Utterance(Utterance {
        tenant: tenant.to_owned(),
        call_id: call_id.to_owned(),
        seq,
        speaker,
        text: "hello".to_owned(),
        start_ms: u64::from(seq) * 1_000,
        end_ms: u64::from(seq) * 1_000 + 900,
        voice: None,
    })
}

fn journey(tenant: &str, id: &str, channel: &str, when: &str) -> Record {
    Record::JourneyEvent(JourneyEvent {
        id: id.to_owned(),
        tenant: tenant.to_owned(),
        customer_id: "u1".to_owned(),
        channel: channel.to_owned(),
        action: "visit".to_owned(),
        timestamp: at(when),
        value: None,
        sentiment: None,
        attributes: BTreeMap::new(),
    })
}

fn sample(tenant: &str, metric: &str, when: &str) -> Record {
    Record::Metric(MetricSample {
        tenant: tenant.to_owned(),
        metric: metric.to_owned(),
        source: "asr".to_owned(),
        timestamp: at(when),
        value: 1.0,
    })
}

fn january() -> TimeRange {
    TimeRange::new(at("2026-01-01T00:00:00Z"), at("2026-02-01T00:00:00Z")).expect("range")
}

/// Two tenants: `acme` in New York (UTC−5 in January) with four calls in January
/// and one in February, and `beta` without a tenant record with one call.
async fn known_store() -> MemoryStore {
    let mut c1 = call("acme", "c1", "u1", "2026-01-05T14:00:00Z", Some(300));
    c1.queue = Some("billing".into());
    c1.outcome = Some(CallOutcome::Resolved);
    c1.satisfaction = Some(5.0);
    let mut c2 = call("acme", "c2", "u1", "2026-01-05T15:30:00Z", Some(600));
    c2.queue = Some("billing".into());
    c2.outcome = Some(CallOutcome::Unresolved);
    c2.escalated = true;
    c2.satisfaction = Some(2.0);
    // Tuesday 22:00 in New York, Wednesday 03:00 UTC.
    let mut c3 = call("acme", "c3", "u2", "2026-01-07T03:00:00Z", Some(120));
    c3.channel = CallChannel::Chat;
    c3.direction = Direction::Outbound;
    c3.queue = Some("support".into());
    c3.outcome = Some(CallOutcome::Abandoned);
    c3.transferred = true;
    let c4 = call("acme", "c4", "u3", "2026-01-07T16:00:00Z", None);
    let mut february = call("acme", "c5", "u1", "2026-02-10T12:00:00Z", Some(50));
    february.outcome = Some(CallOutcome::Resolved);
    let mut b1 = call("beta", "b1", "u1", "2026-01-06T10:00:00Z", Some(60));
    b1.queue = Some("billing".into());
    b1.outcome = Some(CallOutcome::Resolved);

    let store = MemoryStore::new();
    store
        .put(vec![
            Record::Tenant(Tenant {
                id: "acme".into(),
                name: "Acme Corp".into(),
                timezone: Some("America/New_York".into()),
            }),
            Record::Call(c1),
            Record::Call(c2),
            Record::Call(c3),
            Record::Call(c4),
            Record::Call(february),
            Record::Call(b1),
            utterance("acme", "c1", 0, Speaker::Bot),
            utterance("acme", "c1", 1, Speaker::Customer),
            utterance("acme", "c1", 2, Speaker::Agent),
            utterance("acme", "c2", 0, Speaker::Agent),
            utterance("acme", "c2", 1, Speaker::Customer),
            utterance("acme", "c5", 0, Speaker::Agent),
            journey("acme", "j1", "web", "2026-01-04T10:00:00Z"),
            journey("acme", "j2", "web", "2026-01-05T10:00:00Z"),
            journey("acme", "j3", "voice", "2026-01-05T14:00:00Z"),
            journey("acme", "j4", "web", "2026-02-05T10:00:00Z"),
            sample("acme", "asr_latency_ms", "2026-01-05T14:00:00Z"),
            sample("acme", "asr_latency_ms", "2026-01-05T14:01:00Z"),
            sample("acme", "asr_latency_ms", "2026-01-05T14:02:00Z"),
            sample("acme", "queue_depth", "2026-01-05T14:00:00Z"),
        ])
        .await
        .expect("put");
    store
}

async fn report_of(store: &MemoryStore, range: TimeRange) -> Report {
    build_report(store, range, &ReportOptions::default(), &|_| {})
        .await
        .expect("report")
}

fn labeled(pairs: &[(&str, u64)]) -> Vec<LabeledCount> {
    pairs
        .iter()
        .map(|(label, count)| LabeledCount {
            label: (*label).to_owned(),
            count: *count,
        })
        .collect()
}

fn daily(pairs: &[(&str, u64)]) -> Vec<DailyCount> {
    pairs
        .iter()
        .map(|(date, calls)| DailyCount {
            date: date.parse::<NaiveDate>().expect("date"),
            calls: *calls,
        })
        .collect()
}

#[tokio::test]
async fn tenant_metrics_match_the_known_data_set() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    assert_eq!(report.tenants.len(), 2);
    let acme = &report.tenants[0];
    assert_eq!(acme.tenant_id, "acme");
    assert_eq!(acme.display_name(), "Acme Corp");
    let calls = &acme.metrics.calls;
    assert_eq!(calls.total, 4);
    assert_eq!(
        calls.by_outcome,
        labeled(&[
            ("resolved", 1),
            ("unresolved", 1),
            ("abandoned", 1),
            ("follow_up", 0)
        ])
    );
    assert_eq!(calls.without_outcome, 1);
    assert_eq!(calls.by_queue, labeled(&[("billing", 2), ("support", 1)]));
    assert_eq!(calls.without_queue, 1);
    assert_eq!(calls.by_channel, labeled(&[("voice", 3), ("chat", 1)]));
    assert_eq!(
        calls.by_direction,
        labeled(&[("inbound", 3), ("outbound", 1)])
    );
    assert_eq!(
        calls.handle_time,
        HandleTime {
            calls: 3,
            mean_secs: Some(340.0),
            median_secs: Some(300.0)
        }
    );
    assert_eq!(calls.resolution_rate, Rate::new(1, 3));
    assert_eq!(calls.resolution_rate.value, Some(1.0 / 3.0));
    assert_eq!(calls.abandonment_rate, Rate::new(1, 3));
    assert_eq!(calls.escalation_rate.value, Some(0.25));
    assert_eq!(calls.transfer_rate, Rate::new(1, 4));
    assert_eq!(
        calls.satisfaction,
        Satisfaction {
            surveyed: 2,
            mean: Some(3.5)
        }
    );

    let customers = &acme.metrics.customers;
    assert_eq!(customers.customers, 3);
    assert_eq!(customers.repeat_callers, Rate::new(1, 3));

    let conversation = &acme.metrics.conversation;
    assert_eq!(
        conversation.utterances, 5,
        "the February call's utterance is out of range"
    );
    assert_eq!(
        conversation.by_speaker,
        labeled(&[("agent", 2), ("customer", 2), ("bot", 1)])
    );
    assert_eq!(conversation.calls_with_transcript, 2);
    assert_eq!(conversation.mean_turns_per_call, Some(2.5));

    let activity = &acme.metrics.activity;
    assert_eq!(activity.journey_events, 3);
    assert_eq!(
        activity.journey_events_by_channel,
        labeled(&[("web", 2), ("voice", 1)])
    );
    assert_eq!(activity.metric_samples, 4);
    assert_eq!(
        activity.metric_samples_by_metric,
        labeled(&[("asr_latency_ms", 3), ("queue_depth", 1)])
    );
}

#[tokio::test]
async fn overall_metrics_combine_tenants() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    assert_eq!(report.overall.tenants, 2);
    assert_eq!(report.overall.tenants_with_calls, 2);
    let overall = &report.overall.metrics;
    assert_eq!(overall.calls.total, 5);
    assert_eq!(
        overall.calls.by_queue,
        labeled(&[("billing", 3), ("support", 1)])
    );
    assert_eq!(overall.calls.resolution_rate, Rate::new(2, 4));
    assert_eq!(
        overall.calls.handle_time,
        HandleTime {
            calls: 4,
            mean_secs: Some(270.0),
            median_secs: Some(210.0)
        }
    );
    // `u1` of acme and `u1` of beta are different customers.
    assert_eq!(overall.customers.customers, 4);
    assert_eq!(overall.customers.repeat_callers, Rate::new(1, 4));
    assert_eq!(overall.volume.timezone.source, TimezoneSource::UtcOverall);
    assert_eq!(
        overall.volume.daily,
        daily(&[("2026-01-05", 2), ("2026-01-06", 1), ("2026-01-07", 2)])
    );
    assert_eq!(report.period.start, Some(at("2026-01-01T00:00:00Z")));
    assert_eq!(report.period.end, Some(at("2026-02-01T00:00:00Z")));
    assert_eq!(
        report.period.first_call_at,
        Some(at("2026-01-05T14:00:00Z"))
    );
    assert_eq!(report.period.last_call_at, Some(at("2026-01-07T16:00:00Z")));
    assert_eq!(report.format_version, REPORT_FORMAT_VERSION);
}

#[tokio::test]
async fn local_time_views_follow_the_tenant_time_zone() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    let acme = &report.tenants[0].metrics.volume;
    assert_eq!(
        acme.timezone,
        ReportTimezone {
            name: "America/New_York".into(),
            source: TimezoneSource::Tenant,
            unrecognized: None
        }
    );
    // 14:00, 15:30, 03:00 (next day) and 16:00 UTC are 09, 10, 22 and 11 in New York.
    let mut hours = [0; 24];
    for hour in [9, 10, 22, 11] {
        hours[hour] = 1;
    }
    assert_eq!(acme.by_hour, hours);
    assert_eq!(acme.by_weekday, [2, 1, 1, 0, 0, 0, 0]);
    assert_eq!(acme.by_weekday_hour[1][22], 1, "Tuesday 22:00 local");
    assert_eq!(acme.by_weekday_hour[2][3], 0, "not Wednesday 03:00 UTC");
    assert_eq!(
        acme.daily,
        daily(&[("2026-01-05", 2), ("2026-01-06", 1), ("2026-01-07", 1)])
    );
    assert!(acme.daily_gaps_filled);

    // The same calls in the overall scope are counted in UTC.
    let overall = &report.overall.metrics.volume;
    assert_eq!(overall.by_weekday_hour[2][3], 1, "Wednesday 03:00 UTC");
    assert_eq!(overall.by_hour[14], 1);

    let beta = &report.tenants[1].metrics.volume;
    assert_eq!(beta.timezone.source, TimezoneSource::UtcDefault);
    assert_eq!(beta.by_hour[10], 1);
}

#[tokio::test]
async fn unknown_time_zone_falls_back_to_utc_and_says_so() {
    let store = MemoryStore::new();
    store
        .put(vec![
            Record::Tenant(Tenant {
                id: "t".into(),
                name: "T".into(),
                timezone: Some("Mars/Olympus_Mons".into()),
            }),
            Record::Call(call("t", "c", "u", "2026-01-05T23:30:00Z", Some(10))),
        ])
        .await
        .expect("put");
    let report = report_of(&store, TimeRange::all()).await;
    let volume = &report.tenants[0].metrics.volume;
    assert_eq!(volume.timezone.source, TimezoneSource::UtcFallback);
    assert_eq!(volume.timezone.name, "UTC");
    assert_eq!(
        volume.timezone.unrecognized.as_deref(),
        Some("Mars/Olympus_Mons")
    );
    assert_eq!(volume.by_hour[23], 1);
    assert!(render_html(&report).contains("“Mars/Olympus_Mons” is not a known IANA name"));
}

#[tokio::test]
async fn daily_series_fills_gaps_up_to_the_limit() {
    let store = MemoryStore::new();
    store
        .put(vec![
            Record::Call(call("t", "a", "u", "2026-01-01T12:00:00Z", None)),
            Record::Call(call("t", "b", "u", "2026-01-04T12:00:00Z", None)),
        ])
        .await
        .expect("put");
    let filled = report_of(&store, TimeRange::all()).await;
    assert_eq!(
        filled.tenants[0].metrics.volume.daily,
        daily(&[
            ("2026-01-01", 1),
            ("2026-01-02", 0),
            ("2026-01-03", 0),
            ("2026-01-04", 1)
        ])
    );
    let options = ReportOptions {
        max_daily_points: 3,
        ..ReportOptions::default()
    };
    let sparse = build_report(&store, TimeRange::all(), &options, &|_| {})
        .await
        .expect("report");
    let volume = &sparse.tenants[0].metrics.volume;
    assert!(!volume.daily_gaps_filled);
    assert_eq!(volume.daily, daily(&[("2026-01-01", 1), ("2026-01-04", 1)]));
    assert!(render_html(&sparse).contains("only days with calls are plotted"));
}

#[tokio::test]
async fn empty_store_gives_a_valid_report() {
    let report = report_of(&MemoryStore::new(), TimeRange::all()).await;
    assert!(report.tenants.is_empty());
    assert_eq!(report.overall.tenants, 0);
    let calls = &report.overall.metrics.calls;
    assert_eq!(calls.total, 0);
    assert_eq!(calls.resolution_rate.value, None);
    assert_eq!(calls.handle_time.mean_secs, None);
    assert_eq!(calls.handle_time.median_secs, None);
    assert_eq!(calls.satisfaction.mean, None);
    assert_eq!(
        report.overall.metrics.conversation.mean_turns_per_call,
        None
    );
    assert_eq!(report.period.start, None);
    assert_eq!(report.period.end, None);
    assert_eq!(report.period.first_call_at, None);

    let json = report.to_json_pretty().expect("json");
    assert!(!json.contains("NaN") && !json.contains("inf"));
    let back: Report = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, report);

    let page = render_html(&report);
    assert!(page.contains("The store holds no tenants."));
    assert!(page.contains("No calls in this period."));
    assert!(page.contains("all records"));
}

#[tokio::test]
async fn tenant_without_calls_is_reported_as_such() {
    let store = MemoryStore::new();
    store
        .put(vec![sample("quiet", "queue_depth", "2026-01-05T10:00:00Z")])
        .await
        .expect("put");
    let report = report_of(&store, TimeRange::all()).await;
    assert_eq!(report.overall.tenants, 1);
    assert_eq!(report.overall.tenants_with_calls, 0);
    let quiet = &report.tenants[0].metrics;
    assert_eq!(quiet.calls.total, 0);
    assert_eq!(quiet.calls.escalation_rate, Rate::new(0, 0));
    assert_eq!(quiet.calls.escalation_rate.value, None);
    assert_eq!(quiet.customers.repeat_callers.value, None);
    assert!(quiet.volume.daily.is_empty());
    assert_eq!(quiet.activity.metric_samples, 1);

    let json = report.to_json_pretty().expect("json");
    assert!(!json.contains("NaN"));
    assert_eq!(
        serde_json::from_str::<Report>(&json).expect("parse"),
        report
    );
    let page = render_html(&report);
    assert!(page.contains("No calls in this period."));
    assert!(page.contains("queue_depth"));
}

#[tokio::test]
async fn json_round_trips() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    let json = report.to_json_pretty().expect("json");
    let back: Report = serde_json::from_str(&json).expect("parse");
    assert_eq!(back, report);
    let value: serde_json::Value = serde_json::from_str(&json).expect("value");
    assert_eq!(value["tenants"][0]["metrics"]["calls"]["total"], 4);
    assert_eq!(
        value["tenants"][0]["metrics"]["volume"]["timezone"]["source"],
        "tenant"
    );
}

#[tokio::test]
async fn html_renders_any_counts_read_back_from_json() {
    let store = known_store().await;
    let mut report = report_of(&store, january()).await;
    let metrics = &mut report.tenants[0].metrics;
    metrics.volume.by_weekday_hour[0] = [u64::MAX; 24];
    metrics.calls.by_queue = (0..40)
        .map(|i| LabeledCount {
            label: format!("queue {i}"),
            count: u64::MAX,
        })
        .collect();
    let page = render_html(&report);
    assert!(page.contains("18,446,744,073,709,551,615"), "sums saturate");
}

#[tokio::test]
async fn html_is_self_contained() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    let page = render_html(&report);
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert!(page.trim_end().ends_with("</html>"));
    for external in [
        "http://", "https://", "<script", "<link", "@import", "url(", "src=",
    ] {
        assert!(!page.contains(external), "page contains {external}");
    }
    for (position, _) in page.match_indices("href=\"") {
        let target = &page[position + 6..];
        assert!(
            target.starts_with('#'),
            "non-local link: {}",
            &target[..40.min(target.len())]
        );
    }
    // One section per scope, with charts and tooltips.
    assert!(page.contains("id=\"overall\""));
    assert!(page.contains("id=\"tenant-0\"") && page.contains("id=\"tenant-1\""));
    assert!(page.contains("<svg") && page.contains("<title>"));
    assert!(page.contains("America/New_York"));
    assert!(page.contains("Acme Corp"));
    assert_eq!(page.matches("<svg").count(), page.matches("</svg>").count());
}

#[tokio::test]
async fn html_escapes_strings_from_data() {
    let mut named = call("evil", "e1", "<u>", "2026-01-05T10:00:00Z", Some(30));
    named.queue = Some("<img src=x onerror=alert(1)>".into());
    let mut bare = call("<script>", "s1", "u", "2026-01-05T10:00:00Z", Some(30));
    bare.queue = Some("a&b".into());
    let store = MemoryStore::new();
    store
        .put(vec![
            Record::Tenant(Tenant {
                id: "evil".into(),
                name: "<script>alert('x')</script>".into(),
                timezone: Some("<b>zone</b>".into()),
            }),
            Record::Call(named),
            Record::Call(bare),
            journey(
                "evil",
                "j",
                "\"><svg onload=alert(1)>",
                "2026-01-05T10:00:00Z",
            ),
            sample("<script>", "<i>metric</i>", "2026-01-05T10:00:00Z"),
        ])
        .await
        .expect("put");
    let report = report_of(&store, TimeRange::all()).await;
    assert_eq!(report.tenants[0].tenant_id, "<script>");
    let page = render_html(&report);
    for raw in [
        "<script",
        "<img",
        "<b>",
        "<i>",
        "<svg onload",
        "\"><svg",
        "a&b",
    ] {
        assert!(!page.contains(raw), "unescaped {raw}");
    }
    assert!(page.contains("&lt;script&gt;"));
    assert!(page.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(page.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("a&amp;b"));
    assert!(page.contains("&lt;b&gt;zone&lt;/b&gt;"));
    assert!(page.contains("&lt;i&gt;metric&lt;/i&gt;"));
}

#[tokio::test]
async fn progress_reports_each_tenant() {
    let store = known_store().await;
    let events = Mutex::new(Vec::new());
    let record = |p: ReportProgress| events.lock().expect("lock").push(p);
    build_report(&store, january(), &ReportOptions::default(), &record)
        .await
        .expect("report");
    let events = events.into_inner().expect("lock");
    assert_eq!(
        events,
        vec![
            ReportProgress::Started { tenants: 2 },
            ReportProgress::TenantStarted {
                index: 0,
                tenant: "acme".into()
            },
            ReportProgress::TenantFinished {
                index: 0,
                tenant: "acme".into(),
                calls: 4
            },
            ReportProgress::TenantStarted {
                index: 1,
                tenant: "beta".into()
            },
            ReportProgress::TenantFinished {
                index: 1,
                tenant: "beta".into(),
                calls: 1
            },
            ReportProgress::Finished,
        ]
    );
}

#[tokio::test]
async fn tenant_selection_limits_the_report() {
    let store = known_store().await;
    let options = ReportOptions {
        tenants: Some(vec!["beta".into(), "beta".into()]),
        ..ReportOptions::default()
    };
    let report = build_report(&store, january(), &options, &|_| {})
        .await
        .expect("report");
    assert_eq!(report.tenants.len(), 1);
    assert_eq!(report.tenants[0].tenant_id, "beta");
    assert_eq!(report.overall.metrics.calls.total, 1);

    let unknown = ReportOptions {
        tenants: Some(vec!["nobody".into()]),
        ..ReportOptions::default()
    };
    let err = build_report(&store, january(), &unknown, &|_| {})
        .await
        .expect_err("unknown tenant");
    assert!(
        matches!(err, Error::InvalidArgument(ref m) if m.contains("nobody")),
        "{err}"
    );
}

#[tokio::test]
async fn writes_json_and_html_into_a_new_directory() {
    let store = known_store().await;
    let report = report_of(&store, january()).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("nested").join("report");
    let paths = report.write_to_dir(&out).expect("write");
    assert_eq!(paths.json, out.join("report.json"));
    assert_eq!(paths.html, out.join("report.html"));
    let json = std::fs::read_to_string(&paths.json).expect("read json");
    assert_eq!(
        serde_json::from_str::<Report>(&json).expect("parse"),
        report
    );
    let html = std::fs::read_to_string(&paths.html).expect("read html");
    assert_eq!(html, render_html(&report));
}

#[test]
fn build_report_future_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let store = MemoryStore::new();
    let options = ReportOptions::default();
    let future = build_report(&store, TimeRange::all(), &options, &|_| {});
    assert_send(&future);
}
