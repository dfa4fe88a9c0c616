//! The report's sentiment section: how customers felt, per utterance and per call, how that
//! relates to escalation and resolution, which emotions dominate, and which live rules fire.
//!
//! Customer utterances are scored with the default [`HybridSentimentAnalyzer`]; agent and bot
//! utterances are not scored (the section is about the customer). A call's score is the
//! word-weighted mean of its customer utterances ([`crate::sentiment::aggregate`]). The default
//! live rules ([`LiveRules::default_rules`]) replay every call, with the customer scores.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use super::Rate;
use super::charts::{self, Bar};
use super::format::{count, decimal, escape, percent};
use crate::Result;
use crate::insights::CallSentiments;
use crate::model::{Call, CallOutcome, Speaker, Utterance};
use crate::patterns::live::{LiveRules, call_end_ms, live_utterance};
use crate::sentiment::{
    HybridSentimentAnalyzer, Sentiment, SentimentAnalyzer, aggregate, customer_quarters,
    text_weight,
};

/// Number of equal-width histogram bins over [-1, 1].
pub const HISTOGRAM_BINS: usize = 10;
/// A call's dominant emotion must reach this level; below it the call counts as `none`.
pub const DOMINANT_EMOTION_MIN: f64 = 0.2;
/// Sample journeys drawn: one per kind.
const SAMPLE_KINDS: [&str; 4] = ["largest rise", "largest fall", "escalated", "resolved"];

/// Call sentiment bands: label and score range `[low, high)` (the last includes 1).
pub const BANDS: [(&str, f64, f64); 5] = [
    ("very negative", -1.0, -0.5),
    ("negative", -0.5, -0.05),
    ("neutral", -0.05, 0.05),
    ("positive", 0.05, 0.5),
    ("very positive", 0.5, 1.0),
];
const EMOTIONS: [&str; 5] = ["frustrated", "angry", "confused", "satisfied", "happy"];

/// The sentiment section of the report, over every tenant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentSection {
    /// Customer utterances scored (empty texts are skipped).
    pub customer_utterances: u64,
    /// Calls with at least one scored customer utterance.
    pub calls_scored: u64,
    /// Mean customer-utterance score.
    pub mean_utterance_score: Option<f64>,
    /// Mean call score.
    pub mean_call_score: Option<f64>,
    /// Customer utterances per score bin, `HISTOGRAM_BINS` equal bins from -1 to 1.
    pub utterance_histogram: Vec<u64>,
    /// Calls per score bin, same bins.
    pub call_histogram: Vec<u64>,
    /// Per call-sentiment band: calls, escalations and resolutions.
    pub bands: Vec<SentimentBand>,
    /// Pearson correlation of call score with being resolved (1) or not (0), over calls with an outcome.
    pub resolution_correlation: Option<f64>,
    /// Share of scored calls whose strongest emotion is each of the five (or `none`).
    pub dominant_emotions: Vec<EmotionShare>,
    /// A few calls' sentiment by quarter of the call.
    pub sample_journeys: Vec<SampleJourney>,
    /// Calls per default rule that fired, most first.
    pub rule_hits: Vec<RuleHitCount>,
}

/// Calls of one call-sentiment band.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentimentBand {
    /// Band name.
    pub label: String,
    /// Lowest score in the band.
    pub low: f64,
    /// Upper bound of the band (exclusive, except 1).
    pub high: f64,
    /// Escalated calls among the band's calls.
    pub escalated: Rate,
    /// Resolved calls among the band's calls with a known outcome.
    pub resolved: Rate,
}

/// Calls whose dominant emotion is `emotion`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EmotionShare {
    /// `frustrated`, `angry`, `confused`, `satisfied`, `happy` or `none`.
    pub emotion: String,
    /// Those calls among the scored calls.
    pub calls: Rate,
}

/// One call's sentiment journey.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleJourney {
    /// Why this call was picked (`largest rise`, `largest fall`, `escalated`, `resolved`).
    pub why: String,
    /// Tenant of the call.
    pub tenant: String,
    /// The call.
    pub call_id: String,
    /// How it ended.
    pub outcome: Option<CallOutcome>,
    /// Mean customer score in each quarter of the call's duration (`None` when the customer said nothing then).
    pub quarters: [Option<f64>; 4],
}

/// How many calls a rule fired on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHitCount {
    /// The rule.
    pub rule_id: String,
    /// Its description.
    pub description: String,
    /// Calls it fired on, among all calls.
    pub calls: Rate,
}

/// Accumulates the section tenant by tenant.
pub(super) struct SentimentTally {
    analyzer: HybridSentimentAnalyzer,
    rules: LiveRules,
    utterances: u64,
    utterance_sum: f64,
    utterance_histogram: [u64; HISTOGRAM_BINS],
    calls: u64,
    all_calls: u64,
    call_sum: f64,
    call_histogram: [u64; HISTOGRAM_BINS],
    band_calls: [u64; 5],
    band_escalated: [u64; 5],
    band_with_outcome: [u64; 5],
    band_resolved: [u64; 5],
    /// n, Σx, Σy, Σx², Σy², Σxy of (call score, resolved).
    correlation: [f64; 6],
    emotions: [u64; 6],
    rule_calls: Vec<u64>,
    /// Candidates: (why, key for "largest", journey); the best of each kind is kept.
    samples: Vec<(f64, SampleJourney)>,
    /// Time spent in [`SentimentTally::add_tenant`], logged by `finish`.
    elapsed: std::time::Duration,
}

impl SentimentTally {
    pub(super) fn new() -> Result<Self> {
        let rules = LiveRules::default_rules();
        Ok(SentimentTally {
            analyzer: HybridSentimentAnalyzer::new()?,
            rule_calls: vec![0; rules.len()],
            rules,
            utterances: 0,
            utterance_sum: 0.0,
            utterance_histogram: [0; HISTOGRAM_BINS],
            calls: 0,
            all_calls: 0,
            call_sum: 0.0,
            call_histogram: [0; HISTOGRAM_BINS],
            band_calls: [0; 5],
            band_escalated: [0; 5],
            band_with_outcome: [0; 5],
            band_resolved: [0; 5],
            correlation: [0.0; 6],
            emotions: [0; 6],
            samples: Vec::new(),
            elapsed: std::time::Duration::ZERO,
        })
    }

    /// Adds one tenant's calls and their utterances (ordered by call, as the store returns them);
    /// returns each call's customer sentiment, for the insights.
    pub(super) fn add_tenant(
        &mut self,
        tenant: &str,
        calls: &[Call],
        utterances: &[Utterance],
    ) -> CallSentiments {
        let mut sentiments = CallSentiments::default();
        let started = std::time::Instant::now();
        let mut ranges: rustc_hash::FxHashMap<&str, (usize, usize)> = Default::default();
        let mut start = 0;
        for (i, u) in utterances.iter().enumerate() {
            if i + 1 == utterances.len() || utterances[i + 1].call_id != u.call_id {
                ranges.insert(&u.call_id, (start, i + 1));
                start = i + 1;
            }
        }
        let mut scores: Vec<Option<Sentiment>> = Vec::new();
        for call in calls {
            self.all_calls += 1;
            let transcript = ranges
                .get(call.id.as_str())
                .map_or(&[][..], |&(a, b)| &utterances[a..b]);
            scores.clear();
            scores.extend(transcript.iter().map(|u| {
                (u.speaker == Speaker::Customer)
                    .then(|| self.analyzer.analyze(&u.text).ok())
                    .flatten()
            }));
            self.add_rules(call, transcript, &scores);
            if let Some(score) = self.add_call(tenant, call, transcript, &scores) {
                sentiments.insert(call.id.as_str(), score);
            }
        }
        self.elapsed += started.elapsed();
        sentiments
    }

    fn add_rules(&mut self, call: &Call, transcript: &[Utterance], scores: &[Option<Sentiment>]) {
        let end_ms = call_end_ms(call, transcript);
        let hits = self.rules.match_call(
            transcript
                .iter()
                .zip(scores)
                .map(|(u, s)| live_utterance(u, s.as_ref().map(|s| s.score))),
            end_ms,
        );
        for hit in hits {
            if let Some(index) = self
                .rules
                .rule_set()
                .rules
                .iter()
                .position(|r| r.id == hit.rule_id)
            {
                self.rule_calls[index] += 1;
            }
        }
    }

    /// Adds one call; returns its customer sentiment, when the customer said something scored.
    fn add_call(
        &mut self,
        tenant: &str,
        call: &Call,
        transcript: &[Utterance],
        scores: &[Option<Sentiment>],
    ) -> Option<f64> {
        let scored: Vec<(&Sentiment, f64)> = transcript
            .iter()
            .zip(scores)
            .filter_map(|(u, s)| s.as_ref().map(|s| (s, text_weight(&u.text))))
            .collect();
        for (s, _) in &scored {
            self.utterances += 1;
            self.utterance_sum += s.score;
            self.utterance_histogram[bin(s.score)] += 1;
        }
        let Ok(overall) = aggregate(scored.iter().copied()) else {
            return None;
        };
        self.calls += 1;
        self.call_sum += overall.score;
        self.call_histogram[bin(overall.score)] += 1;
        let band = band(overall.score);
        self.band_calls[band] += 1;
        self.band_escalated[band] += u64::from(call.escalated);
        if let Some(outcome) = call.outcome {
            let resolved = outcome == CallOutcome::Resolved;
            self.band_with_outcome[band] += 1;
            self.band_resolved[band] += u64::from(resolved);
            let (x, y) = (overall.score, f64::from(u8::from(resolved)));
            for (sum, value) in self
                .correlation
                .iter_mut()
                .zip([1.0, x, y, x * x, y * y, x * y])
            {
                *sum += value;
            }
        }
        let e = &overall.emotions;
        let levels = [e.frustrated, e.angry, e.confused, e.satisfied, e.happy];
        let (strongest, level) =
            levels.iter().enumerate().fold(
                (0, f64::MIN),
                |best, (i, &v)| if v > best.1 { (i, v) } else { best },
            );
        self.emotions[if level >= DOMINANT_EMOTION_MIN {
            strongest
        } else {
            5
        }] += 1;

        let quarters = customer_quarters(
            transcript.iter().zip(scores.iter().map(Option::as_ref)),
            call_end_ms(call, transcript),
        );
        if let [Some(first), _, _, Some(last)] = quarters {
            let journey = |why: &str| SampleJourney {
                why: why.to_owned(),
                tenant: tenant.to_owned(),
                call_id: call.id.clone(),
                outcome: call.outcome,
                quarters,
            };
            self.offer(last - first, journey("largest rise"));
            self.offer(first - last, journey("largest fall"));
            if call.escalated {
                self.offer(0.0, journey("escalated"));
            } else if call.outcome == Some(CallOutcome::Resolved) {
                self.offer(0.0, journey("resolved"));
            }
        }
        Some(overall.score)
    }

    /// Keeps `journey` if it beats the kept one of its kind (ties keep the earlier call).
    fn offer(&mut self, key: f64, journey: SampleJourney) {
        match self.samples.iter().position(|(_, j)| j.why == journey.why) {
            Some(kept) if key > self.samples[kept].0 => self.samples[kept] = (key, journey),
            Some(_) => {}
            None => self.samples.push((key, journey)),
        }
    }

    pub(super) fn finish(self) -> SentimentSection {
        tracing::info!(
            utterances = self.utterances,
            calls = self.all_calls,
            elapsed_ms = self.elapsed.as_secs_f64() * 1000.0,
            "sentiment section computed"
        );
        let mean = |sum: f64, n: u64| (n > 0).then(|| sum / n as f64);
        let [n, sx, sy, sxx, syy, sxy] = self.correlation;
        let resolution_correlation = {
            let cov = n * sxy - sx * sy;
            let var = (n * sxx - sx * sx) * (n * syy - sy * sy);
            (n >= 2.0 && var > 0.0).then(|| cov / var.sqrt())
        };
        let mut rule_hits: Vec<RuleHitCount> = self
            .rules
            .rule_set()
            .rules
            .iter()
            .zip(&self.rule_calls)
            .map(|(rule, &n)| RuleHitCount {
                rule_id: rule.id.clone(),
                description: rule.description.clone(),
                calls: Rate::new(n, self.all_calls),
            })
            .collect();
        rule_hits.sort_by(|a, b| {
            b.calls
                .count
                .cmp(&a.calls.count)
                .then(a.rule_id.cmp(&b.rule_id))
        });
        let mut samples = self.samples;
        samples.sort_by_key(|(_, j)| {
            ["largest rise", "largest fall", "escalated", "resolved"]
                .iter()
                .position(|w| *w == j.why)
        });
        SentimentSection {
            customer_utterances: self.utterances,
            calls_scored: self.calls,
            mean_utterance_score: mean(self.utterance_sum, self.utterances),
            mean_call_score: mean(self.call_sum, self.calls),
            utterance_histogram: self.utterance_histogram.to_vec(),
            call_histogram: self.call_histogram.to_vec(),
            bands: BANDS
                .iter()
                .enumerate()
                .map(|(i, (label, low, high))| SentimentBand {
                    label: (*label).to_owned(),
                    low: *low,
                    high: *high,
                    escalated: Rate::new(self.band_escalated[i], self.band_calls[i]),
                    resolved: Rate::new(self.band_resolved[i], self.band_with_outcome[i]),
                })
                .collect(),
            resolution_correlation,
            dominant_emotions: EMOTIONS
                .iter()
                .chain(&["none"])
                .zip(self.emotions)
                .map(|(emotion, n)| EmotionShare {
                    emotion: (*emotion).to_owned(),
                    calls: Rate::new(n, self.calls),
                })
                .collect(),
            sample_journeys: samples.into_iter().map(|(_, j)| j).collect(),
            rule_hits,
        }
    }
}

/// The histogram bin of a score in [-1, 1].
fn bin(score: f64) -> usize {
    (((score.clamp(-1.0, 1.0) + 1.0) / 2.0 * HISTOGRAM_BINS as f64) as usize)
        .min(HISTOGRAM_BINS - 1)
}

/// The band of a call score.
fn band(score: f64) -> usize {
    BANDS
        .iter()
        .position(|(_, _, high)| score < *high)
        .unwrap_or(BANDS.len() - 1)
}

fn bin_label(index: usize) -> String {
    let width = 2.0 / HISTOGRAM_BINS as f64;
    format!("{:+.1}", -1.0 + width * (index as f64 + 0.5))
}

/// The section's HTML; empty when the report has no sentiment section.
pub(super) fn render(section: Option<&SentimentSection>) -> String {
    let Some(s) = section else {
        return String::new();
    };
    let mut html =
        String::from("<section class=\"scope\" id=\"sentiment\">\n<h2>Customer sentiment</h2>\n");
    let _ = writeln!(
        html,
        "<p class=\"note\">{} customer utterances in {} calls, scored offline (score in [-1, 1]); a call's score is the word-weighted mean of its customer utterances. \
         Mean utterance score {}, mean call score {}. Correlation of call score with resolution: r = {}.</p>",
        count(s.customer_utterances),
        count(s.calls_scored),
        decimal(s.mean_utterance_score, 2),
        decimal(s.mean_call_score, 2),
        decimal(s.resolution_correlation, 2),
    );
    if s.calls_scored == 0 {
        html.push_str("<p class=\"empty\">No customer utterances to score.</p>\n</section>\n");
        return html;
    }
    let columns = |counts: &[u64]| -> Vec<Bar> {
        counts
            .iter()
            .enumerate()
            .map(|(i, &n)| Bar {
                label: bin_label(i),
                count: n,
            })
            .collect()
    };
    html.push_str("<div class=\"grid\">\n<div>");
    html.push_str(&charts::column_chart(
        "Customer utterances by sentiment score",
        "Score (bin centre)",
        "Utterances",
        "utterances",
        &columns(&s.utterance_histogram),
    ));
    html.push_str("</div>\n<div>");
    html.push_str(&charts::column_chart(
        "Calls by call sentiment",
        "Score (bin centre)",
        "Calls",
        "calls",
        &columns(&s.call_histogram),
    ));
    html.push_str("</div>\n</div>\n");

    html.push_str(&journey_chart(&s.sample_journeys));

    html.push_str("<div class=\"grid\">\n<div>");
    let mut rows = String::new();
    for band in &s.bands {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&band.label),
            count(band.escalated.of),
            percent(&band.escalated),
            percent(&band.resolved),
        );
    }
    let _ = writeln!(
        html,
        "<h4>Escalation and resolution by call sentiment</h4><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Band</th>\
         <th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Escalated</th><th scope=\"col\" class=\"num\">Resolved</th></tr></thead>\
         <tbody>{rows}</tbody></table></div>"
    );
    html.push_str("</div>\n<div>");
    html.push_str(&charts::bar_chart(
        "Dominant emotion of the call",
        "Calls",
        "calls",
        &s.dominant_emotions
            .iter()
            .map(|e| Bar {
                label: e.emotion.clone(),
                count: e.calls.count,
            })
            .collect::<Vec<_>>(),
    ));
    html.push_str("</div>\n</div>\n");

    let mut rows = String::new();
    for rule in &s.rule_hits {
        let _ = write!(
            rows,
            "<tr><td>{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
            escape(&rule.rule_id),
            escape(&rule.description),
            count(rule.calls.count),
            percent(&rule.calls),
        );
    }
    let _ = write!(
        html,
        "<h4>Default live rules</h4><div class=\"table-wrap\"><table><thead><tr><th scope=\"col\">Rule</th><th scope=\"col\">Detects</th>\
         <th scope=\"col\" class=\"num\">Calls</th><th scope=\"col\" class=\"num\">Share</th></tr></thead><tbody>{rows}</tbody></table></div>\n</section>\n"
    );
    html
}

/// Colours of the journey lines, one per sample.
const LINE_COLOURS: [&str; SAMPLE_KINDS.len()] = ["#2563eb", "#dc2626", "#d97706", "#059669"];

/// A line per sample call over the four quarters, on a fixed [-1, 1] axis.
fn journey_chart(journeys: &[SampleJourney]) -> String {
    if journeys.is_empty() {
        return String::new();
    }
    const WIDTH: f64 = 720.0;
    const HEIGHT: f64 = 260.0;
    let (x0, x1, y0, y1) = (64.0, WIDTH - 24.0, HEIGHT - 48.0, 12.0);
    let x_of = |q: usize| x0 + (x1 - x0) * q as f64 / 3.0;
    let y_of = |v: f64| y0 - (y0 - y1) * (v.clamp(-1.0, 1.0) + 1.0) / 2.0;
    let title = "Sentiment journey of sample calls (customer score by quarter of the call)";
    let mut svg = format!(
        "<figure class=\"chart\"><figcaption>{title}</figcaption><svg viewBox=\"0 0 {WIDTH} {HEIGHT}\" width=\"{WIDTH}\" role=\"img\" aria-label=\"{title}\">"
    );
    for tick in [-1.0, -0.5, 0.0, 0.5, 1.0] {
        let y = y_of(tick);
        let _ = write!(
            svg,
            r#"<line class="gridline" x1="{x0:.1}" y1="{y:.1}" x2="{x1:.1}" y2="{y:.1}"/><text class="tick" x="{:.1}" y="{:.1}" text-anchor="end">{tick:+.1}</text>"#,
            x0 - 6.0,
            y + 4.0
        );
    }
    for q in 0..4 {
        let _ = write!(
            svg,
            r#"<text class="tick" x="{:.1}" y="{:.1}" text-anchor="middle">Q{}</text>"#,
            x_of(q),
            y0 + 16.0,
            q + 1
        );
    }
    let mut legend = String::from("<ul class=\"legend\">");
    for (journey, colour) in journeys.iter().zip(LINE_COLOURS) {
        let mut path = String::new();
        for (q, value) in journey.quarters.iter().enumerate() {
            if let Some(v) = value {
                let _ = write!(
                    path,
                    "{}{:.1},{:.1}",
                    if path.is_empty() { "M" } else { " L" },
                    x_of(q),
                    y_of(*v)
                );
            }
        }
        let _ = write!(
            svg,
            r#"<path class="line" style="stroke:{colour}" d="{path}"/>"#
        );
        for (q, value) in journey.quarters.iter().enumerate() {
            if let Some(v) = value {
                let _ = write!(
                    svg,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" style="fill:{colour}"><title>{} · Q{}: {v:+.2}</title></circle>"#,
                    x_of(q),
                    y_of(*v),
                    escape(&journey.call_id),
                    q + 1
                );
            }
        }
        let outcome = journey.outcome.map_or("no outcome", |o| o.as_str());
        let _ = write!(
            legend,
            "<li><span style=\"color:{colour}\">■</span> {}: {} ({}, {})</li>",
            escape(&journey.why),
            escape(&journey.call_id),
            escape(&journey.tenant),
            escape(outcome)
        );
    }
    legend.push_str("</ul>\n");
    let mid_y = (y0 + y1) / 2.0;
    let _ = write!(
        svg,
        r#"<line class="axis" x1="{x0:.1}" y1="{y0:.1}" x2="{x1:.1}" y2="{y0:.1}"/><line class="axis" x1="{x0:.1}" y1="{y1:.1}" x2="{x0:.1}" y2="{y0:.1}"/><text class="axis-title" x="16" y="{mid_y:.1}" text-anchor="middle" transform="rotate(-90 16 {mid_y:.1})">Score</text></svg></figure>"#
    );
    svg.push_str(&legend);
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TimeRange;
    use crate::report::{ReportOptions, build_report, render_html};
    use crate::sim::{SimConfig, simulate};
    use crate::store::{MemoryStore, Store};

    #[tokio::test]
    async fn the_section_summarises_simulated_calls() {
        let config = SimConfig {
            days: 3,
            calls_per_day: 120,
            anomaly_days: 0,
            ..SimConfig::default()
        };
        let output = simulate(&config).unwrap();
        let store = MemoryStore::new();
        store.put(output.records).await.unwrap();
        let report = build_report(&store, TimeRange::all(), &ReportOptions::default(), &|_| {})
            .await
            .unwrap();
        let s = report.sentiment.as_ref().unwrap();
        let calls = report.overall.metrics.calls.total;
        assert!(s.calls_scored > calls / 2, "{} of {calls}", s.calls_scored);
        assert_eq!(
            s.utterance_histogram.iter().sum::<u64>(),
            s.customer_utterances
        );
        assert_eq!(s.call_histogram.iter().sum::<u64>(), s.calls_scored);
        assert_eq!(
            s.bands.iter().map(|b| b.escalated.of).sum::<u64>(),
            s.calls_scored
        );
        assert_eq!(
            s.dominant_emotions
                .iter()
                .map(|e| e.calls.count)
                .sum::<u64>(),
            s.calls_scored
        );
        // Escalated calls are angrier: negative bands escalate more than positive ones.
        let escalation = |i: usize| s.bands[i].escalated.value.unwrap_or(0.0);
        assert!(escalation(0) + escalation(1) > escalation(3) + escalation(4));
        assert!(s.resolution_correlation.unwrap() > 0.0);
        // The simulator's escalated calls all carry a supervisor demand.
        let escalated = report.overall.metrics.calls.escalation_rate.count;
        let requests = s
            .rule_hits
            .iter()
            .find(|r| r.rule_id == "escalation_request")
            .unwrap();
        assert!(
            requests.calls.count >= escalated,
            "{} < {escalated}",
            requests.calls.count
        );
        assert!(!s.sample_journeys.is_empty());
        let page = render_html(&report);
        assert!(page.contains("Customer sentiment") && page.contains("escalation_request"));
        assert!(!page.contains("<script"));
        let json = report.to_json_pretty().unwrap();
        let back: crate::report::Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back.sentiment, report.sentiment);
    }

    #[test]
    fn bins_and_bands_cover_the_score_range() {
        assert_eq!(bin(-1.0), 0);
        assert_eq!(bin(1.0), HISTOGRAM_BINS - 1);
        assert_eq!(bin(0.0), HISTOGRAM_BINS / 2);
        assert_eq!(band(-1.0), 0);
        assert_eq!(band(0.0), 2);
        assert_eq!(band(-0.05), 2);
        assert_eq!(band(1.0), 4);
        assert_eq!(bin_label(0), "-0.9");
    }
}
