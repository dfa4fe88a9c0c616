//! Accumulators that turn a scope's records into [`ScopeMetrics`].
//!
//! Records are fed one at a time, so one tally can span several tenants
//! (the overall scope) without holding their records.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{Datelike, NaiveDate, Timelike};
use chrono_tz::Tz;

use super::{
    ActivityMetrics, CallMetrics, ConversationMetrics, CustomerMetrics, DailyCount, HandleTime,
    LabeledCount, Rate, ReportTimezone, Satisfaction, ScopeMetrics, VolumeMetrics,
};
use crate::model::{Call, CallOutcome, Direction, JourneyEvent, MetricSample, Speaker, Utterance};

/// Running counts for one scope.
pub(super) struct ScopeTally {
    tz: Tz,
    calls: u64,
    outcomes: [u64; CallOutcome::ALL.len()],
    without_outcome: u64,
    queues: HashMap<String, u64>,
    without_queue: u64,
    channels: HashMap<&'static str, u64>,
    inbound: u64,
    outbound: u64,
    durations_secs: Vec<f64>,
    escalated: u64,
    transferred: u64,
    satisfaction_sum: f64,
    surveyed: u64,
    /// Calls per customer, keyed by tenant then customer id.
    calls_per_customer: HashMap<String, HashMap<String, u64>>,
    utterances: u64,
    /// Utterances by speaker: agent, customer, bot.
    speakers: [u64; 3],
    /// Ids of calls with at least one utterance, keyed by tenant.
    transcribed_calls: HashMap<String, HashSet<String>>,
    weekday_hour: [[u64; 24]; 7],
    days: BTreeMap<NaiveDate, u64>,
    journey_events: u64,
    journey_channels: HashMap<String, u64>,
    metric_samples: u64,
    metric_names: HashMap<String, u64>,
}

impl ScopeTally {
    /// An empty tally whose local-time views use `tz`.
    pub(super) fn new(tz: Tz) -> Self {
        Self {
            tz,
            calls: 0,
            outcomes: [0; CallOutcome::ALL.len()],
            without_outcome: 0,
            queues: HashMap::new(),
            without_queue: 0,
            channels: HashMap::new(),
            inbound: 0,
            outbound: 0,
            durations_secs: Vec::new(),
            escalated: 0,
            transferred: 0,
            satisfaction_sum: 0.0,
            surveyed: 0,
            calls_per_customer: HashMap::new(),
            utterances: 0,
            speakers: [0; 3],
            transcribed_calls: HashMap::new(),
            weekday_hour: [[0; 24]; 7],
            days: BTreeMap::new(),
            journey_events: 0,
            journey_channels: HashMap::new(),
            metric_samples: 0,
            metric_names: HashMap::new(),
        }
    }

    pub(super) fn add_call(&mut self, call: &Call) {
        self.calls += 1;
        match call.outcome {
            Some(outcome) => self.outcomes[outcome_index(outcome)] += 1,
            None => self.without_outcome += 1,
        }
        match &call.queue {
            Some(queue) => increment(&mut self.queues, queue),
            None => self.without_queue += 1,
        }
        *self.channels.entry(call.channel.as_str()).or_default() += 1;
        match call.direction {
            Direction::Inbound => self.inbound += 1,
            Direction::Outbound => self.outbound += 1,
        }
        // Ingestion rejects calls that end before they start; records written with
        // `Store::put` skip that check, so a negative duration is left out here.
        if let Some(secs) = call.duration_secs().filter(|secs| *secs >= 0.0) {
            self.durations_secs.push(secs);
        }
        self.escalated += u64::from(call.escalated);
        self.transferred += u64::from(call.transferred);
        if let Some(score) = call.satisfaction.filter(|s| s.is_finite()) {
            self.satisfaction_sum += score;
            self.surveyed += 1;
        }
        let customers = match self.calls_per_customer.get_mut(&call.tenant) {
            Some(customers) => customers,
            None => self
                .calls_per_customer
                .entry(call.tenant.clone())
                .or_default(),
        };
        increment(customers, &call.customer_id);

        let local = call.started_at.with_timezone(&self.tz);
        let weekday = local.weekday().num_days_from_monday() as usize;
        self.weekday_hour[weekday][local.hour() as usize] += 1;
        *self.days.entry(local.date_naive()).or_default() += 1;
    }

    pub(super) fn add_utterance(&mut self, utterance: &Utterance) {
        self.utterances += 1;
        let speaker = match utterance.speaker {
            Speaker::Agent => 0,
            Speaker::Customer => 1,
            Speaker::Bot => 2,
        };
        self.speakers[speaker] += 1;
        let calls = match self.transcribed_calls.get_mut(&utterance.tenant) {
            Some(calls) => calls,
            None => self
                .transcribed_calls
                .entry(utterance.tenant.clone())
                .or_default(),
        };
        if !calls.contains(&utterance.call_id) {
            calls.insert(utterance.call_id.clone());
        }
    }

    pub(super) fn add_journey_event(&mut self, event: &JourneyEvent) {
        self.journey_events += 1;
        increment(&mut self.journey_channels, &event.channel);
    }

    pub(super) fn add_metric_sample(&mut self, sample: &MetricSample) {
        self.metric_samples += 1;
        increment(&mut self.metric_names, &sample.metric);
    }

    /// The metrics; `max_daily_points` bounds the zero-filled daily series.
    pub(super) fn finish(self, timezone: ReportTimezone, max_daily_points: usize) -> ScopeMetrics {
        let with_outcome: u64 = self.outcomes.iter().sum();
        let outcome_count = |outcome: CallOutcome| self.outcomes[outcome_index(outcome)];
        let calls = CallMetrics {
            total: self.calls,
            by_outcome: CallOutcome::ALL
                .iter()
                .map(|&outcome| LabeledCount {
                    label: outcome.as_str().to_owned(),
                    count: outcome_count(outcome),
                })
                .collect(),
            without_outcome: self.without_outcome,
            by_queue: ranked(self.queues),
            without_queue: self.without_queue,
            by_channel: ranked(self.channels),
            by_direction: vec![
                LabeledCount {
                    label: "inbound".to_owned(),
                    count: self.inbound,
                },
                LabeledCount {
                    label: "outbound".to_owned(),
                    count: self.outbound,
                },
            ],
            handle_time: handle_time(self.durations_secs),
            resolution_rate: Rate::new(outcome_count(CallOutcome::Resolved), with_outcome),
            abandonment_rate: Rate::new(outcome_count(CallOutcome::Abandoned), with_outcome),
            escalation_rate: Rate::new(self.escalated, self.calls),
            transfer_rate: Rate::new(self.transferred, self.calls),
            satisfaction: Satisfaction {
                surveyed: self.surveyed,
                mean: (self.surveyed > 0).then(|| self.satisfaction_sum / self.surveyed as f64),
            },
        };

        let (customers, repeat) = self
            .calls_per_customer
            .values()
            .flat_map(HashMap::values)
            .fold((0, 0), |(all, repeat), &calls| {
                (all + 1, repeat + u64::from(calls > 1))
            });

        let calls_with_transcript: u64 = self
            .transcribed_calls
            .values()
            .map(|c| c.len() as u64)
            .sum();
        let conversation = ConversationMetrics {
            utterances: self.utterances,
            by_speaker: ["agent", "customer", "bot"]
                .iter()
                .zip(self.speakers)
                .map(|(label, count)| LabeledCount {
                    label: (*label).to_owned(),
                    count,
                })
                .collect(),
            calls_with_transcript,
            mean_turns_per_call: (calls_with_transcript > 0)
                .then(|| self.utterances as f64 / calls_with_transcript as f64),
        };

        let mut by_hour = [0; 24];
        let mut by_weekday = [0; 7];
        for (weekday, hours) in self.weekday_hour.iter().enumerate() {
            for (hour, &count) in hours.iter().enumerate() {
                by_hour[hour] += count;
                by_weekday[weekday] += count;
            }
        }
        let (daily, daily_gaps_filled) = daily_series(&self.days, max_daily_points);

        ScopeMetrics {
            calls,
            customers: CustomerMetrics {
                customers,
                repeat_callers: Rate::new(repeat, customers),
            },
            conversation,
            volume: VolumeMetrics {
                timezone,
                by_hour,
                by_weekday,
                by_weekday_hour: self.weekday_hour,
                daily,
                daily_gaps_filled,
            },
            activity: ActivityMetrics {
                journey_events: self.journey_events,
                journey_events_by_channel: ranked(self.journey_channels),
                metric_samples: self.metric_samples,
                metric_samples_by_metric: ranked(self.metric_names),
            },
        }
    }
}

fn outcome_index(outcome: CallOutcome) -> usize {
    match outcome {
        CallOutcome::Resolved => 0,
        CallOutcome::Unresolved => 1,
        CallOutcome::Abandoned => 2,
        CallOutcome::FollowUp => 3,
    }
}

/// Adds one to `key`'s count, allocating the key only the first time it is seen.
fn increment(counts: &mut HashMap<String, u64>, key: &str) {
    match counts.get_mut(key) {
        Some(count) => *count += 1,
        None => {
            counts.insert(key.to_owned(), 1);
        }
    }
}

/// Counts as labeled entries, most first, ties by label.
fn ranked<K: AsRef<str>>(counts: HashMap<K, u64>) -> Vec<LabeledCount> {
    let mut entries: Vec<LabeledCount> = counts
        .into_iter()
        .map(|(label, count)| LabeledCount {
            label: label.as_ref().to_owned(),
            count,
        })
        .collect();
    entries.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.label.cmp(&b.label)));
    entries
}

fn handle_time(mut durations: Vec<f64>) -> HandleTime {
    let calls = durations.len();
    if calls == 0 {
        return HandleTime {
            calls: 0,
            mean_secs: None,
            median_secs: None,
        };
    }
    durations.sort_by(f64::total_cmp);
    let middle = calls / 2;
    let median = if calls % 2 == 1 {
        durations[middle]
    } else {
        (durations[middle - 1] + durations[middle]) / 2.0
    };
    HandleTime {
        calls: calls as u64,
        mean_secs: Some(durations.iter().sum::<f64>() / calls as f64),
        median_secs: Some(median),
    }
}

/// Calls per date from the first to the last date with calls; days without calls are
/// listed as 0 unless the span exceeds `max_points`. Returns the series and whether it is gap-free.
fn daily_series(days: &BTreeMap<NaiveDate, u64>, max_points: usize) -> (Vec<DailyCount>, bool) {
    let (Some((&first, _)), Some((&last, _))) = (days.first_key_value(), days.last_key_value())
    else {
        return (Vec::new(), true);
    };
    let span = usize::try_from((last - first).num_days())
        .unwrap_or(usize::MAX)
        .saturating_add(1);
    if span <= max_points {
        let series = first
            .iter_days()
            .take(span)
            .map(|date| DailyCount {
                date,
                calls: days.get(&date).copied().unwrap_or(0),
            })
            .collect();
        (series, true)
    } else {
        let series = days
            .iter()
            .map(|(&date, &calls)| DailyCount { date, calls })
            .collect();
        (series, false)
    }
}
