//! The report's insights section: a tenant's last week of calls against the week before, and
//! the queues, channels and agents that differed that week ([`crate::insights`]).

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::format::escape;
use crate::Result;
use crate::insights::{Insight, InsightOptions, insights_from_calls};
use crate::model::{Call, TimeRange};

/// The insights of one tenant's last week.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InsightsSection {
    /// Start of the week analysed (midnight UTC, inclusive).
    pub start: DateTime<Utc>,
    /// End of the week (midnight UTC after the latest call, exclusive).
    pub end: DateTime<Utc>,
    /// The insights, highest impact first.
    pub insights: Vec<Insight>,
}

impl InsightsSection {
    /// The section for `calls` (ordered by start time, as [`crate::Store::calls`] returns
    /// them): the seven days up to the midnight after the latest call, against the seven days
    /// before; `None` without calls.
    pub fn compute(calls: &[Call]) -> Result<Option<Self>> {
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
        let insights = insights_from_calls(
            current,
            week,
            Some((before, previous)),
            &InsightOptions::default(),
        )?;
        Ok(Some(Self {
            start: week.start,
            end: week.end,
            insights,
        }))
    }

    /// The section as HTML: one row per insight with its impact bar and the test behind it.
    pub fn to_html(&self) -> String {
        let mut html = format!(
            "<h3>Insights</h3>\n<p class=\"note\">The week of {} to {} against the week before, and the queues, channels and agents that differed from the rest that week; significance tests with a 5% false discovery rate, highest impact first.</p>\n",
            self.start.format("%Y-%m-%d"),
            (self.end - TimeDelta::days(1)).format("%Y-%m-%d"),
        );
        if self.insights.is_empty() {
            html.push_str("<p>Nothing differed beyond chance.</p>\n");
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
        html
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Record;
    use crate::sim::{SimConfig, simulate};

    #[test]
    fn the_last_week_is_compared_with_the_one_before_and_renders_without_script() {
        let output = simulate(&SimConfig {
            tenants: 1,
            days: 21,
            calls_per_day: 80,
            journeys_per_day: 0,
            anomaly_days: 0,
            ..SimConfig::default()
        })
        .unwrap();
        let calls: Vec<Call> = output
            .records
            .into_iter()
            .filter_map(|r| match r {
                Record::Call(call) => Some(call),
                _ => None,
            })
            .collect();
        let section = InsightsSection::compute(&calls).unwrap().unwrap();
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
        let expected = insights_from_calls(
            &within(week),
            week,
            Some((before, &within(before))),
            &InsightOptions::default(),
        )
        .unwrap();
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
        assert_eq!(InsightsSection::compute(&[]).unwrap(), None);
    }
}
