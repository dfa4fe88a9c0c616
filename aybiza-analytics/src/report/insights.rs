//! The report's insights section: a tenant's last week of calls against the week before, the
//! queues, channels and agents that differed that week, and a timeline of the live insights
//! its calls raise when replayed as they ended ([`crate::insights`]).

use std::collections::HashMap;
use std::fmt::Write as _;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::charts::{Timeline, TimelineRow, TimelineSpan, timeline};
use super::format::escape;
use super::journeys::report_journey_config;
use crate::Result;
use crate::insights::{
    CallSentiments, Insight, InsightOptions, LiveInsightOptions, LiveInsightState, LiveInsights,
    LiveRecord, PeriodRecords, Segment, insights_from_records,
};
use crate::model::{Call, JourneyEvent, TimeRange};

/// The options of the report's insights: the defaults, with journeys cut as the journeys
/// section cuts them.
pub fn report_insight_options() -> InsightOptions {
    InsightOptions {
        journey: report_journey_config(),
        ..InsightOptions::default()
    }
}

/// The insights of one tenant's last week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightsSection {
    /// Start of the week analysed (midnight UTC, inclusive).
    pub start: DateTime<Utc>,
    /// End of the week (midnight UTC after the latest call, exclusive).
    pub end: DateTime<Utc>,
    /// The insights, highest impact first.
    pub insights: Vec<Insight>,
    /// The live insights of all the tenant's calls, replayed as they ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub live: Option<LiveTimeline>,
}

impl InsightsSection {
    /// The section for `calls` (ordered by start time, as [`crate::Store::calls`] returns
    /// them), their customers' `sentiments` and the tenant's `journey_events` (journeys cut as
    /// the journeys section cuts them, [`report_journey_config`]): the seven days up to the
    /// midnight after the latest call, against the seven days before; `None` without calls.
    pub fn compute(
        calls: &[Call],
        sentiments: &CallSentiments,
        journey_events: &[JourneyEvent],
    ) -> Result<Option<Self>> {
        let Some(last) = calls.last() else {
            return Ok(None);
        };
        let midnight = |t: DateTime<Utc>| t.date_naive().and_time(chrono::NaiveTime::MIN).and_utc();
        let end = midnight(last.started_at) + TimeDelta::days(1);
        let week = TimeRange::new(end - TimeDelta::days(7), end)?;
        let before = TimeRange::new(week.start - TimeDelta::days(7), week.start)?;
        let from = |t: DateTime<Utc>| calls.partition_point(|c| c.started_at < t);
        let (previous, current) = (
            &calls[from(before.start)..from(week.start)],
            &calls[from(week.start)..],
        );
        let records = PeriodRecords {
            range: week,
            calls: current,
            previous: Some((before, previous)),
            sentiments,
            journey_events,
        };
        let insights = insights_from_records(&records, &report_insight_options())?;
        Ok(Some(Self {
            start: week.start,
            end: week.end,
            insights,
            live: LiveTimeline::replay(calls, sentiments, journey_events)?,
        }))
    }

    /// The section as HTML: one row per insight with its impact bar and the test behind it.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<h3>Insights</h3>\n<p class=\"note\">The week of {} to {} against the week before, and the queues, channels and agents that differed from the rest that week (journeys: those that began in the week, by the channel they began in); significance tests with a 5% false discovery rate, highest impact first.</p>\n",
            self.start.format("%Y-%m-%d"),
            (self.end - TimeDelta::days(1)).format("%Y-%m-%d"),
        );
        let live = self
            .live
            .as_ref()
            .map(LiveTimeline::to_html)
            .unwrap_or_default();
        if self.insights.is_empty() {
            html.push_str("<p>Nothing differed beyond chance.</p>\n");
            html.push_str(&live);
            return html;
        }
        html.push_str("<table>\n<tr><th>impact</th><th>finding</th><th>evidence</th></tr>\n");
        for insight in &self.insights {
            let width = (insight.impact * 100.0).round();
            html.push_str(&format!(
                "<tr><td><svg width=\"100\" height=\"10\" role=\"img\" aria-label=\"{:.3}\"><rect width=\"{width}\" height=\"10\" fill=\"#4a7bd0\"/></svg> {:.3}</td><td>{}</td><td class=\"note\">{}</td></tr>\n",
                insight.impact,
                insight.impact,
                escape(&insight.title),
                escape(&insight.description),
            ));
        }
        html.push_str("</table>\n");
        html.push_str(&live);
        html
    }
}

/// The live insights of a tenant's calls and journey events replayed as they happened
/// ([`LiveInsights`], default options): what a live deployment would have raised and when.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveTimeline {
    /// From the first to the last time of the replayed records (a call's end).
    pub span: TimeRange,
    /// Every insight raised, in the order raised.
    pub episodes: Vec<LiveEpisode>,
}

/// One live insight from its raise to its clear.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LiveEpisode {
    /// When it was raised.
    pub raised_at: DateTime<Utc>,
    /// When it was cleared; `None` when still raised after the last call.
    pub cleared_at: Option<DateTime<Utc>>,
    /// The metric.
    pub category: String,
    /// The segment; `None` for all the tenant's calls.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub segment: Option<Segment>,
    /// The raise's title.
    pub title: String,
    /// The raise's impact.
    pub impact: f64,
}

impl LiveTimeline {
    /// Replays the ended `calls`, with their customers' `sentiments`, and the `journey_events`
    /// of one tenant as they happened ([`LiveInsights::replay`]); `None` without ended calls
    /// or journey events.
    pub fn replay(
        calls: &[Call],
        sentiments: &CallSentiments,
        journey_events: &[JourneyEvent],
    ) -> Result<Option<Self>> {
        let ended = calls.iter().filter_map(|call| call.ended_at);
        let times = ended.chain(journey_events.iter().map(|event| event.timestamp));
        let (Some(first), Some(last)) = (times.clone().min(), times.max()) else {
            return Ok(None);
        };
        let mut records: Vec<LiveRecord<'_>> = calls
            .iter()
            .map(|call| LiveRecord::Call(call, sentiments.get(&call.id)))
            .chain(journey_events.iter().map(LiveRecord::JourneyEvent))
            .collect();
        let mut detector = LiveInsights::new(LiveInsightOptions::default())?;
        let mut episodes: Vec<LiveEpisode> = Vec::new();
        let mut open: HashMap<(Option<Segment>, String), usize> = HashMap::new();
        for event in detector.replay(&mut records)? {
            let key = (
                event.insight.segment.clone(),
                event.insight.category.clone(),
            );
            match event.state {
                LiveInsightState::Raised => {
                    open.insert(key, episodes.len());
                    episodes.push(LiveEpisode {
                        raised_at: event.at,
                        cleared_at: None,
                        category: event.insight.category,
                        segment: event.insight.segment,
                        title: event.insight.title,
                        impact: event.insight.impact,
                    });
                }
                LiveInsightState::Cleared => {
                    if let Some(index) = open.remove(&key) {
                        episodes[index].cleared_at = Some(event.at);
                    }
                }
            }
        }
        Ok(Some(Self {
            span: TimeRange::new(first, last)?,
            episodes,
        }))
    }

    /// The timeline as HTML: a chart with one row per metric and segment raised, and the most
    /// impactful episodes.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<h3>Live insights</h3>\n<p class=\"note\">The calls and journey events of {} to {} replayed as they happened through the live insight detector (default options: the last hour against the 24 hours before, per tenant, queue and channel): {} insights raised.</p>\n",
            self.span.start.format("%Y-%m-%d"),
            self.span.end.format("%Y-%m-%d"),
            self.episodes.len()
        );
        if self.episodes.is_empty() {
            return html;
        }
        let hours = |t: DateTime<Utc>| (t - self.span.start).num_seconds() as f64 / 3600.0;
        let mut rows: Vec<TimelineRow> = Vec::new();
        for episode in &self.episodes {
            let label = match &episode.segment {
                Some(segment) => format!(
                    "{} {}: {}",
                    segment.dimension.as_str(),
                    segment.value,
                    episode.category.replace('_', " ")
                ),
                None => format!("all calls: {}", episode.category.replace('_', " ")),
            };
            let end = episode.cleared_at.unwrap_or(self.span.end);
            let span = TimelineSpan {
                start: hours(episode.raised_at),
                end: hours(end),
                tooltip: format!(
                    "{} ({} to {})",
                    episode.title,
                    episode.raised_at.format("%Y-%m-%d %H:%M"),
                    end.format("%Y-%m-%d %H:%M")
                ),
            };
            match rows.iter_mut().find(|row| row.label == label) {
                Some(row) => row.spans.push(span),
                None => rows.push(TimelineRow {
                    label,
                    spans: vec![span],
                }),
            }
        }
        let days = (self.span.end - self.span.start).num_days();
        let step = if days > 21 { 7 } else { 1 };
        let first_midnight = self
            .span
            .start
            .date_naive()
            .and_time(NaiveTime::MIN)
            .and_utc()
            + TimeDelta::days(1);
        let ticks: Vec<(f64, String)> = (0..=days / step)
            .map(|i| first_midnight + TimeDelta::days(i * step))
            .filter(|t| *t <= self.span.end)
            .map(|t| (hours(t), t.format("%b %d").to_string()))
            .collect();
        html.push_str(&timeline(&Timeline {
            title: "Live insights raised, from raise to clear",
            x_axis: "time (UTC)",
            x_max: hours(self.span.end),
            x_ticks: &ticks,
            rows: &rows,
        }));
        let mut top: Vec<&LiveEpisode> = self.episodes.iter().collect();
        top.sort_by(|a, b| b.impact.total_cmp(&a.impact));
        html.push_str("<table>\n<tr><th>raised</th><th>cleared</th><th>insight</th></tr>\n");
        for episode in top.into_iter().take(8) {
            let _ = writeln!(
                html,
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                episode.raised_at.format("%Y-%m-%d %H:%M"),
                episode.cleared_at.map_or_else(
                    || "still raised".to_owned(),
                    |t| t.format("%Y-%m-%d %H:%M").to_string()
                ),
                escape(&episode.title)
            );
        }
        html.push_str("</table>\n");
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::insights::{InsightGenerator, StatisticalInsights};
    use crate::model::Record;
    use crate::sim::{SimConfig, simulate};
    use crate::store::{MemoryStore, Store};

    fn config(days: u32, calls_per_day: usize, anomaly_days: usize) -> SimConfig {
        SimConfig {
            tenants: 1,
            days,
            calls_per_day,
            journeys_per_day: 0,
            anomaly_days,
            ..SimConfig::default()
        }
    }

    /// The calls of one simulated tenant, in start order.
    fn simulated_calls(days: u32, calls_per_day: usize, anomaly_days: usize) -> Vec<Call> {
        simulate(&config(days, calls_per_day, anomaly_days))
            .unwrap()
            .records
            .into_iter()
            .filter_map(|r| match r {
                Record::Call(call) => Some(call),
                _ => None,
            })
            .collect()
    }

    #[tokio::test]
    async fn the_last_week_is_compared_with_the_one_before_as_the_generator_does() {
        let store = MemoryStore::new();
        let with_journeys = SimConfig {
            journeys_per_day: 40,
            ..config(21, 80, 0)
        };
        store
            .put(simulate(&with_journeys).unwrap().records)
            .await
            .unwrap();
        let tenant = &store.tenant_ids().await.unwrap()[0];
        let calls = store.calls(tenant, TimeRange::all()).await.unwrap();
        // In the last week, 60 journeys from a partner channel, four in five of which upgrade.
        let first = calls.last().unwrap().started_at - TimeDelta::days(5);
        let mut planted = Vec::new();
        for i in 0..60 {
            let actions: &[&str] = if i % 5 == 0 {
                &["view_plans"]
            } else {
                &["view_plans", "upgrade_plan"]
            };
            for (step, action) in actions.iter().enumerate() {
                planted.push(Record::JourneyEvent(JourneyEvent {
                    id: format!("partner-{i}-{step}"),
                    tenant: tenant.clone(),
                    customer_id: format!("partner-customer-{i}"),
                    channel: "partner".into(),
                    action: (*action).into(),
                    timestamp: first + TimeDelta::minutes(90 * i + 30 * step as i64),
                    value: None,
                    sentiment: None,
                    attributes: Default::default(),
                }));
            }
        }
        store.put(planted).await.unwrap();
        let utterances = store.utterances(tenant, TimeRange::all()).await.unwrap();
        let analyzer = crate::sentiment::HybridSentimentAnalyzer::new().unwrap();
        let sentiments = CallSentiments::score(&utterances, &analyzer);
        let events = store
            .journey_events(tenant, TimeRange::all())
            .await
            .unwrap();
        assert!(!events.is_empty());
        let section = InsightsSection::compute(&calls, &sentiments, &events)
            .unwrap()
            .unwrap();
        let week = TimeRange::new(section.start, section.end).unwrap();
        let generator = StatisticalInsights {
            options: report_insight_options(),
        };
        let generated = generator.generate(&store, tenant, week).await.unwrap();
        assert_eq!(section.insights, generated);
        assert!(
            generated.iter().any(|insight| {
                insight.category == "journey_conversion_rate"
                    && insight
                        .segment
                        .as_ref()
                        .is_some_and(|s| s.value == "partner")
            }),
            "the journeys are compared too: {generated:#?}"
        );
        assert!(
            generated
                .iter()
                .any(|insight| insight.category == "customer_sentiment"),
            "the simulator's queues differ in how their customers feel: {generated:#?}"
        );
    }

    #[test]
    fn the_last_week_is_compared_with_the_one_before_and_renders_without_script() {
        let calls = simulated_calls(21, 80, 0);
        let no_sentiment = CallSentiments::default();
        let section = InsightsSection::compute(&calls, &no_sentiment, &[])
            .unwrap()
            .unwrap();
        let last = calls.last().unwrap().started_at;
        assert!(section.start <= last && last < section.end);
        assert_eq!(section.end - section.start, TimeDelta::days(7));
        assert_eq!(section.end.time(), chrono::NaiveTime::MIN);
        // The same as the generator on that week and the one before.
        let week = TimeRange::new(section.start, section.end).unwrap();
        let before = week.previous().unwrap();
        let within = |range: TimeRange| -> Vec<Call> {
            calls
                .iter()
                .filter(|c| range.contains(c.started_at))
                .cloned()
                .collect()
        };
        let (current, previous) = (within(week), within(before));
        let records = PeriodRecords {
            range: week,
            calls: &current,
            previous: Some((before, &previous)),
            sentiments: &no_sentiment,
            journey_events: &[],
        };
        let expected = insights_from_records(&records, &report_insight_options()).unwrap();
        assert!(!expected.is_empty(), "the simulator's queues differ");
        assert_eq!(section.insights, expected);
        let html = section.to_html();
        assert!(html.contains("<h3>Insights</h3>") && html.contains(&escape(&expected[0].title)));
        assert!(!html.contains("<script"));
        let json = serde_json::to_string(&section).unwrap();
        assert_eq!(
            serde_json::from_str::<InsightsSection>(&json).unwrap(),
            section
        );
        assert_eq!(
            InsightsSection::compute(&[], &no_sentiment, &[]).unwrap(),
            None
        );
    }

    #[test]
    fn the_live_insights_of_planted_incidents_are_on_a_timeline() {
        let calls = simulated_calls(10, 500, 2);
        let timeline = LiveTimeline::replay(&calls, &CallSentiments::default(), &[])
            .unwrap()
            .unwrap();
        assert!(
            !timeline.episodes.is_empty(),
            "the planted incidents raise insights"
        );
        // As many episodes as the detector raises, each within the replayed span.
        let mut ended: Vec<&Call> = calls.iter().filter(|c| c.ended_at.is_some()).collect();
        ended.sort_by(|a, b| (a.ended_at, &a.id).cmp(&(b.ended_at, &b.id)));
        let mut detector = LiveInsights::new(LiveInsightOptions::default()).unwrap();
        let raised = ended
            .into_iter()
            .flat_map(|call| detector.observe(call).unwrap())
            .filter(|e| e.state == LiveInsightState::Raised)
            .count();
        assert_eq!(timeline.episodes.len(), raised);
        for episode in &timeline.episodes {
            assert!(timeline.span.start <= episode.raised_at);
            assert!(episode.raised_at <= timeline.span.end);
            assert!(episode.cleared_at.is_none_or(|t| t >= episode.raised_at));
        }
        let html = timeline.to_html();
        assert!(html.contains("<h3>Live insights</h3>") && html.contains("<figure"));
        assert!(html.contains(&escape(&timeline.episodes[0].title)));
        assert!(!html.contains("<script"));
        assert_eq!(
            LiveTimeline::replay(&[], &CallSentiments::default(), &[]).unwrap(),
            None
        );
    }

    #[test]
    fn a_burst_of_cancellations_is_on_the_timeline() {
        // Two journey events a minute for 28 hours, one in fifty a cancellation, then two
        // hours in which three in ten are.
        let start = DateTime::parse_from_rfc3339("2026-03-02T00:00:00Z")
            .unwrap()
            .to_utc();
        let burst = 2 * 24 * 60..2 * 26 * 60;
        let events: Vec<JourneyEvent> = (0..2 * 28 * 60)
            .map(|i: i64| JourneyEvent {
                id: format!("e{i}"),
                tenant: "t".into(),
                customer_id: format!("c{i}"),
                channel: "web".into(),
                action: if i % 50 == 7 || (burst.contains(&i) && i % 10 < 3) {
                    "cancel".into()
                } else {
                    "view_page".into()
                },
                timestamp: start + TimeDelta::seconds(30 * i),
                value: None,
                sentiment: None,
                attributes: Default::default(),
            })
            .collect();
        let timeline = LiveTimeline::replay(&[], &CallSentiments::default(), &events)
            .unwrap()
            .unwrap();
        assert_eq!(timeline.span.start, start);
        let churn: Vec<_> = timeline
            .episodes
            .iter()
            .filter(|e| e.category == "churn_action_rate")
            .collect();
        // All events and channel web, each raised once in the burst and cleared after it.
        assert_eq!(churn.len(), 2, "{:#?}", timeline.episodes);
        for episode in churn {
            let minutes_in = (episode.raised_at - start).num_minutes() - 24 * 60;
            assert!((0..60).contains(&minutes_in), "{minutes_in}");
            assert!(
                episode
                    .cleared_at
                    .is_some_and(|t| t > start + TimeDelta::hours(26))
            );
        }
    }
}
