//! Specialised analyses over grouped calls: escalation triggers, successful resolutions, customer
//! confusion, repeat callers, automation opportunities and FAQs. Each returns structured findings with
//! the counts, lifts and p-values that support them.

use rustc_hash::{FxHashMap, FxHashSet};
use serde::{Deserialize, Serialize};

use super::TranscribedCall;
use super::embed::{WordVectors, dot};
use super::vectorize::words;
use crate::model::{CallOutcome, Speaker};

/// What the analyses read besides the calls.
#[derive(Debug, Clone, Copy)]
pub struct AnalysisInput<'a> {
    /// The calls.
    pub calls: &'a [TranscribedCall],
    /// Per call, its group (`None` for noise).
    pub groups: &'a [Option<usize>],
    /// Label of each group.
    pub labels: &'a [String],
    /// Per call, per utterance, the sentiment score of customer utterances (`None` for other speakers).
    pub customer_sentiment: &'a [Vec<Option<f64>>],
}

/// Thresholds of the analyses.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AnalysisOptions {
    /// A phrase must occur in at least this many calls (or turns) to be tested.
    pub min_phrase_support: usize,
    /// Family-wise significance level; each test is held to it divided by the number of tests (Bonferroni).
    pub significance: f64,
    /// Smallest lift reported for a phrase.
    pub min_lift: f64,
    /// Most phrases reported per list.
    pub max_phrases: usize,
    /// A drop of the customer's sentiment score by at least this much between two customer turns marks
    /// the agent turns between them as preceding rising frustration.
    pub frustration_drop: f64,
    /// A customer silence of at least this many milliseconds after a long agent turn counts as confusion.
    pub long_silence_ms: u64,
    /// Days within which a customer's next call counts as a repeat.
    pub repeat_window_days: f64,
    /// Most FAQs reported.
    pub max_faqs: usize,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            min_phrase_support: 5,
            significance: 0.01,
            min_lift: 2.0,
            max_phrases: 25,
            frustration_drop: 0.3,
            long_silence_ms: 3_000,
            repeat_window_days: 7.0,
            max_faqs: 15,
        }
    }
}

/// A phrase over-represented in a target set (escalated calls, turns before frustration, resolved calls).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PhraseFinding {
    /// The phrase, lowercase.
    pub phrase: String,
    /// Units (calls or turns) containing it.
    pub support: usize,
    /// Target units containing it.
    pub target_support: usize,
    /// Share of the units containing it that are targets (confidence of phrase ⇒ target).
    pub confidence: f64,
    /// Confidence divided by the base rate of targets.
    pub lift: f64,
    /// One-sided Fisher exact test p-value of the over-representation (before the Bonferroni correction).
    pub p_value: f64,
    /// A few calls that contain it.
    pub example_call_ids: Vec<String>,
}

/// Summary of a distribution of durations in seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Distribution {
    /// Number of values.
    pub count: usize,
    /// Mean.
    pub mean: f64,
    /// 25th percentile.
    pub p25: f64,
    /// Median.
    pub median: f64,
    /// 75th percentile.
    pub p75: f64,
    /// 90th percentile.
    pub p90: f64,
}

impl Distribution {
    /// Summarises values; `None` when there are none.
    pub fn of(mut values: Vec<f64>) -> Option<Self> {
        if values.is_empty() {
            return None;
        }
        values.sort_by(f64::total_cmp);
        let at = |q: f64| {
            let position = q * (values.len() - 1) as f64;
            let (low, high) = (position.floor() as usize, position.ceil() as usize);
            values[low] + (values[high] - values[low]) * (position - low as f64)
        };
        Some(Self {
            count: values.len(),
            mean: values.iter().sum::<f64>() / values.len() as f64,
            p25: at(0.25),
            median: at(0.5),
            p75: at(0.75),
            p90: at(0.9),
        })
    }
}

/// What precedes escalations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EscalationAnalysis {
    /// Calls analysed.
    pub calls: usize,
    /// Escalated calls among them.
    pub escalated: usize,
    /// Customer phrases over-represented in escalated calls, most significant first.
    pub triggers: Vec<PhraseFinding>,
    /// Agent phrases over-represented in the agent turns just before the customer's sentiment drops
    /// (turns as units, drops as targets).
    pub frustrating_agent_phrases: Vec<PhraseFinding>,
    /// Seconds from the start of an escalated call to the customer's first trigger phrase.
    pub time_to_escalation_secs: Option<Distribution>,
}

/// What resolved calls of a group have that unresolved ones lack.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResolutionFinding {
    /// The group's index.
    pub group: usize,
    /// The group's label.
    pub label: String,
    /// Resolved calls of the group.
    pub resolved: usize,
    /// Other calls of the group (unresolved, follow-up, abandoned).
    pub unresolved: usize,
    /// Mean duration of resolved calls, seconds.
    pub resolved_mean_duration_secs: Option<f64>,
    /// Mean duration of the others, seconds.
    pub unresolved_mean_duration_secs: Option<f64>,
    /// Agent phrases over-represented in resolved calls.
    pub agent_phrases: Vec<PhraseFinding>,
}

/// Confusion signals of one call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CallConfusion {
    /// The call.
    pub call_id: String,
    /// Customer questions repeating an earlier question of the same call.
    pub repeated_questions: usize,
    /// Customer turns saying they do not understand.
    pub confusion_statements: usize,
    /// Long customer silences right after long agent explanations.
    pub long_silences: usize,
}

/// Customer confusion across calls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConfusionAnalysis {
    /// Calls with at least one confusion signal.
    pub calls_with_confusion: usize,
    /// Their share of all calls.
    pub share: f64,
    /// Totals of each signal.
    pub repeated_questions: usize,
    /// Total "I don't understand"-type turns.
    pub confusion_statements: usize,
    /// Total long silences after agent explanations.
    pub long_silences: usize,
    /// Share of confused calls per group, highest first.
    pub by_group: Vec<GroupRate>,
    /// The most confused calls (up to 20), most signals first.
    pub top_calls: Vec<CallConfusion>,
}

/// A rate within one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupRate {
    /// The group's index.
    pub group: usize,
    /// The group's label.
    pub label: String,
    /// Calls of the group.
    pub calls: usize,
    /// The rate.
    pub rate: f64,
}

/// One call that repeats an earlier call of the same customer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatCall {
    /// The customer.
    pub customer_id: String,
    /// The repeat call.
    pub call_id: String,
    /// The customer's previous call.
    pub previous_call_id: String,
    /// Hours between the two starts.
    pub hours_between: f64,
    /// The previous call's group label (the reason carried over), if grouped.
    pub previous_reason: Option<String>,
    /// This call's group label, if grouped.
    pub reason: Option<String>,
    /// The previous call's outcome.
    pub previous_outcome: Option<CallOutcome>,
}

/// Customers calling again within the window.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RepeatCallerAnalysis {
    /// The window, days.
    pub window_days: f64,
    /// Repeat calls.
    pub repeat_calls: usize,
    /// Their share of all calls.
    pub share: f64,
    /// Distinct customers who called again.
    pub customers: usize,
    /// Share of repeats in the same group as the previous call (the same reason carried over).
    pub same_reason_share: f64,
    /// Share of the previous calls that were not resolved.
    pub previous_unresolved_share: f64,
    /// Per group, the share of its calls followed by a repeat, highest first.
    pub by_previous_reason: Vec<GroupRate>,
    /// Every repeat call, in time order.
    pub calls: Vec<RepeatCall>,
}

/// A group whose calls look automatable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AutomationCandidate {
    /// The group's index.
    pub group: usize,
    /// The group's label.
    pub label: String,
    /// Calls of the group.
    pub calls: usize,
    /// Share of all calls.
    pub share: f64,
    /// Share resolved without escalation.
    pub resolved_without_escalation: f64,
    /// Median duration, seconds.
    pub median_duration_secs: f64,
    /// Coefficient of variation of the duration.
    pub duration_cv: f64,
    /// `share × resolved_without_escalation × (1 − min(cv, 1))`: higher is a better candidate.
    pub score: f64,
}

/// A frequently asked question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Faq {
    /// The most common wording.
    pub question: String,
    /// Times asked (similar wordings included).
    pub asked: usize,
    /// Calls it was asked in.
    pub calls: usize,
    /// Label of the group it is asked in most.
    pub group_label: Option<String>,
    /// The answer most typical of the agent turns that followed (nearest their semantic centre).
    pub typical_answer: Option<String>,
}

// ---------------------------------------------------------------------------------------------------------

/// One-sided Fisher exact test: the probability of at least `a` targets among `n` drawn units when
/// `k` of `total` units are targets.
pub fn fisher_greater(a: usize, n: usize, k: usize, total: usize) -> f64 {
    let ln_choose = |n: usize, r: usize| {
        libm::lgamma(n as f64 + 1.0)
            - libm::lgamma(r as f64 + 1.0)
            - libm::lgamma((n - r) as f64 + 1.0)
    };
    let denominator = ln_choose(total, n);
    let upper = n.min(k);
    let mut p = 0.0;
    for x in a..=upper {
        if n - x > total - k {
            continue;
        }
        let term = (ln_choose(k, x) + ln_choose(total - k, n - x) - denominator).exp();
        p += term;
        if term < p * 1e-12 {
            break;
        }
    }
    p.min(1.0)
}

/// Phrases (word n-grams) of units, for lift tests: interned so that millions of n-grams stay cheap.
struct PhraseIndex {
    /// n-gram key → (id, units containing it, target units containing it, first unit's call).
    stats: FxHashMap<u64, (usize, usize, usize)>,
    texts: Vec<(String, Vec<usize>)>,
}

impl PhraseIndex {
    fn new() -> Self {
        Self {
            stats: FxHashMap::default(),
            texts: Vec::new(),
        }
    }

    /// Adds one unit (its text), target or not, belonging to call `call`.
    fn add(
        &mut self,
        text: &str,
        lengths: std::ops::RangeInclusive<usize>,
        target: bool,
        call: usize,
    ) {
        let tokens: Vec<String> = words(text).collect();
        let mut seen = FxHashSet::default();
        for length in lengths {
            for window in tokens.windows(length) {
                let key = hash_words(window);
                if !seen.insert(key) {
                    continue;
                }
                let next = self.texts.len();
                let entry = self.stats.entry(key).or_insert_with(|| (next, 0, 0));
                if entry.0 == next {
                    self.texts.push((window.join(" "), Vec::new()));
                }
                entry.1 += 1;
                if target {
                    entry.2 += 1;
                    let examples = &mut self.texts[entry.0].1;
                    if examples.len() < 3 && examples.last() != Some(&call) {
                        examples.push(call);
                    }
                }
            }
        }
    }

    /// Over-represented phrases, most significant first, with sub- and super-phrases of a kept phrase skipped.
    fn findings(
        &self,
        units: usize,
        targets: usize,
        options: &AnalysisOptions,
        calls: &[TranscribedCall],
        informative: impl Fn(&str) -> bool,
    ) -> Vec<PhraseFinding> {
        if units == 0 || targets == 0 {
            return Vec::new();
        }
        let base = targets as f64 / units as f64;
        let candidates: Vec<(usize, usize, usize)> = self
            .stats
            .values()
            .filter(|&&(_, support, hits)| {
                support >= options.min_phrase_support
                    && hits > 0
                    && (hits as f64 / support as f64) / base >= options.min_lift
            })
            .copied()
            .collect();
        let threshold = options.significance / self.stats.len().max(1) as f64;
        let mut scored: Vec<PhraseFinding> = candidates
            .into_iter()
            .filter_map(|(id, support, hits)| {
                let (phrase, examples) = &self.texts[id];
                if !informative(phrase) {
                    return None;
                }
                let p_value = fisher_greater(hits, support, targets, units);
                (p_value <= threshold).then(|| PhraseFinding {
                    phrase: phrase.clone(),
                    support,
                    target_support: hits,
                    confidence: hits as f64 / support as f64,
                    lift: (hits as f64 / support as f64) / base,
                    p_value,
                    example_call_ids: examples.iter().map(|&c| calls[c].call.id.clone()).collect(),
                })
            })
            .collect();
        // Most significant first; among equals the longer phrase, so that its fragments are skipped below.
        let length = |p: &PhraseFinding| p.phrase.split(' ').count();
        scored.sort_by(|a, b| {
            a.p_value
                .total_cmp(&b.p_value)
                .then(b.target_support.cmp(&a.target_support))
                .then(length(b).cmp(&length(a)))
                .then(a.phrase.cmp(&b.phrase))
        });
        let mut kept: Vec<PhraseFinding> = Vec::new();
        for finding in scored {
            if kept.len() == options.max_phrases {
                break;
            }
            // A fragment of a kept phrase: contained in it, or found in exactly the same units and sharing a word.
            let overlaps = kept.iter().any(|k| {
                contains_phrase(&k.phrase, &finding.phrase)
                    || contains_phrase(&finding.phrase, &k.phrase)
                    || (k.support == finding.support
                        && k.target_support == finding.target_support
                        && finding
                            .phrase
                            .split(' ')
                            .any(|w| k.phrase.split(' ').any(|x| x == w)))
            });
            if !overlaps {
                kept.push(finding);
            }
        }
        kept
    }
}

fn contains_phrase(haystack: &str, needle: &str) -> bool {
    format!(" {haystack} ").contains(&format!(" {needle} "))
}

fn hash_words(window: &[String]) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut hasher = rustc_hash::FxHasher::default();
    window.hash(&mut hasher);
    hasher.finish()
}

/// A phrase with at least one word that is not a stopword.
fn has_content(phrase: &str) -> bool {
    phrase.split(' ').any(|w| !super::vectorize::is_stopword(w))
}

// ---------------------------------------------------------------------------------------------------------

/// Escalation triggers, agent turns before frustration, and time to escalation.
pub fn escalation(input: &AnalysisInput<'_>, options: &AnalysisOptions) -> EscalationAnalysis {
    let calls = input.calls;
    let escalated = calls.iter().filter(|c| c.call.escalated).count();
    let mut customer_phrases = PhraseIndex::new();
    let mut agent_phrases = PhraseIndex::new();
    let mut agent_turns = 0;
    let mut frustrating_turns = 0;
    for (index, call) in calls.iter().enumerate() {
        let text: String = call
            .utterances
            .iter()
            .filter(|u| u.speaker == Speaker::Customer)
            .map(|u| u.text.as_str())
            .collect::<Vec<_>>()
            .join(" | ");
        customer_phrases.add(&text, 2..=4, call.call.escalated, index);
        // Agent turns, each marked by whether the customer's sentiment dropped across it.
        let sentiment = &input.customer_sentiment[index];
        let mut last_customer: Option<f64> = None;
        let mut pending: Vec<usize> = Vec::new();
        for (position, utterance) in call.utterances.iter().enumerate() {
            match utterance.speaker {
                Speaker::Agent => pending.push(position),
                Speaker::Customer => {
                    if let Some(score) = sentiment.get(position).copied().flatten() {
                        let dropped = last_customer
                            .is_some_and(|last| score - last <= -options.frustration_drop);
                        if last_customer.is_some() {
                            for &turn in &pending {
                                agent_phrases.add(
                                    &call.utterances[turn].text,
                                    2..=3,
                                    dropped,
                                    index,
                                );
                                agent_turns += 1;
                                frustrating_turns += usize::from(dropped);
                            }
                        }
                        last_customer = Some(score);
                    }
                    pending.clear();
                }
                Speaker::Bot => {}
            }
        }
    }
    let triggers = customer_phrases.findings(calls.len(), escalated, options, calls, has_content);
    let frustrating_agent_phrases =
        agent_phrases.findings(agent_turns, frustrating_turns, options, calls, has_content);
    let times: Vec<f64> = calls
        .iter()
        .filter(|c| c.call.escalated)
        .filter_map(|call| {
            call.utterances
                .iter()
                .filter(|u| u.speaker == Speaker::Customer)
                .find(|u| {
                    let text = words(&u.text).collect::<Vec<_>>().join(" ");
                    triggers.iter().any(|t| contains_phrase(&text, &t.phrase))
                })
                .map(|u| u.start_ms as f64 / 1000.0)
        })
        .collect();
    EscalationAnalysis {
        calls: calls.len(),
        escalated,
        triggers,
        frustrating_agent_phrases,
        time_to_escalation_secs: Distribution::of(times),
    }
}

/// Per group, what resolved calls have that the others lack (groups with at least 10 resolved and 5 other calls).
pub fn resolutions(input: &AnalysisInput<'_>, options: &AnalysisOptions) -> Vec<ResolutionFinding> {
    let mut findings = Vec::new();
    for (group, label) in input.labels.iter().enumerate() {
        let members: Vec<usize> = (0..input.calls.len())
            .filter(|&i| input.groups[i] == Some(group))
            .collect();
        let resolved = |i: usize| input.calls[i].call.outcome == Some(CallOutcome::Resolved);
        let resolved_count = members.iter().filter(|&&i| resolved(i)).count();
        let others = members.len() - resolved_count;
        if resolved_count < 10 || others < 5 {
            continue;
        }
        let mut index = PhraseIndex::new();
        for &i in &members {
            let text: String = input.calls[i]
                .utterances
                .iter()
                .filter(|u| u.speaker == Speaker::Agent)
                .map(|u| u.text.as_str())
                .collect::<Vec<_>>()
                .join(" | ");
            index.add(&text, 2..=3, resolved(i), i);
        }
        let lenient = AnalysisOptions {
            min_lift: options.min_lift.min(1.2),
            max_phrases: options.max_phrases.min(8),
            ..options.clone()
        };
        let mean_duration = |want: bool| {
            let values: Vec<f64> = members
                .iter()
                .filter(|&&i| resolved(i) == want)
                .filter_map(|&i| input.calls[i].call.duration_secs())
                .collect();
            (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
        };
        findings.push(ResolutionFinding {
            group,
            label: label.clone(),
            resolved: resolved_count,
            unresolved: others,
            resolved_mean_duration_secs: mean_duration(true),
            unresolved_mean_duration_secs: mean_duration(false),
            agent_phrases: index.findings(
                members.len(),
                resolved_count,
                &lenient,
                input.calls,
                has_content,
            ),
        });
    }
    findings
}

const CONFUSION_PHRASES: &[&str] = &[
    "don't understand",
    "do not understand",
    "i'm confused",
    "i am confused",
    "confusing",
    "what do you mean",
    "not sure what",
    "i'm lost",
    "you lost me",
    "say that again",
    "repeat that",
    "i don't get",
    "i don't follow",
    "which one",
    "where do i",
    "i can't find",
];

/// Repeated questions, "I don't understand"-type turns and long silences after agent explanations.
pub fn confusion(input: &AnalysisInput<'_>, options: &AnalysisOptions) -> ConfusionAnalysis {
    let mut per_call = Vec::new();
    for call in input.calls {
        let mut questions: Vec<FxHashSet<String>> = Vec::new();
        let mut signals = CallConfusion {
            call_id: call.call.id.clone(),
            repeated_questions: 0,
            confusion_statements: 0,
            long_silences: 0,
        };
        let mut previous: Option<&crate::model::Utterance> = None;
        for utterance in &call.utterances {
            if utterance.speaker == Speaker::Customer {
                let lower = utterance.text.to_lowercase().replace('’', "'");
                if CONFUSION_PHRASES.iter().any(|p| lower.contains(p)) {
                    signals.confusion_statements += 1;
                }
                if lower.contains('?') {
                    let set: FxHashSet<String> = words(&lower).collect();
                    if set.len() >= 3 && questions.iter().any(|q| jaccard(q, &set) >= 0.6) {
                        signals.repeated_questions += 1;
                    }
                    questions.push(set);
                }
                if let Some(agent) = previous.filter(|p| p.speaker == Speaker::Agent)
                    && agent.text.split_whitespace().count() >= 15
                {
                    let silence = utterance
                        .voice
                        .as_ref()
                        .and_then(|v| v.silence_before_ms)
                        .unwrap_or_else(|| utterance.start_ms.saturating_sub(agent.end_ms));
                    if silence >= options.long_silence_ms {
                        signals.long_silences += 1;
                    }
                }
            }
            previous = Some(utterance);
        }
        per_call.push(signals);
    }
    let total = |f: fn(&CallConfusion) -> usize| per_call.iter().map(f).sum::<usize>();
    let confused =
        |c: &CallConfusion| c.repeated_questions + c.confusion_statements + c.long_silences > 0;
    let calls_with_confusion = per_call.iter().filter(|c| confused(c)).count();
    let by_group = group_rates(input, |i| confused(&per_call[i]));
    let repeated_questions = total(|c| c.repeated_questions);
    let confusion_statements = total(|c| c.confusion_statements);
    let long_silences = total(|c| c.long_silences);
    let mut top_calls: Vec<CallConfusion> = per_call.into_iter().filter(|c| confused(c)).collect();
    top_calls.sort_by_key(|c| {
        (
            std::cmp::Reverse(c.repeated_questions + c.confusion_statements + c.long_silences),
            c.call_id.clone(),
        )
    });
    top_calls.truncate(20);
    ConfusionAnalysis {
        calls_with_confusion,
        share: ratio(calls_with_confusion, input.calls.len()),
        repeated_questions,
        confusion_statements,
        long_silences,
        by_group,
        top_calls,
    }
}

fn jaccard(a: &FxHashSet<String>, b: &FxHashSet<String>) -> f64 {
    let shared = a.intersection(b).count();
    ratio(shared, a.len() + b.len() - shared)
}

fn ratio(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        part as f64 / whole as f64
    }
}

/// Per group, the share of its calls for which `flag` holds, highest first.
fn group_rates(input: &AnalysisInput<'_>, flag: impl Fn(usize) -> bool) -> Vec<GroupRate> {
    let mut counts = vec![(0usize, 0usize); input.labels.len()];
    for (i, group) in input.groups.iter().enumerate() {
        if let Some(g) = group {
            counts[*g].0 += 1;
            counts[*g].1 += usize::from(flag(i));
        }
    }
    let mut rates: Vec<GroupRate> = counts
        .into_iter()
        .enumerate()
        .filter(|(_, (calls, _))| *calls > 0)
        .map(|(group, (calls, hits))| GroupRate {
            group,
            label: input.labels[group].clone(),
            calls,
            rate: ratio(hits, calls),
        })
        .collect();
    rates.sort_by(|a, b| b.rate.total_cmp(&a.rate).then(a.group.cmp(&b.group)));
    rates
}

/// The same customer calling again within the window, with the reason (group) carried over.
pub fn repeat_callers(
    input: &AnalysisInput<'_>,
    options: &AnalysisOptions,
) -> RepeatCallerAnalysis {
    let calls = input.calls;
    let mut order: Vec<usize> = (0..calls.len()).collect();
    order.sort_by(|&a, &b| {
        (
            &calls[a].call.customer_id,
            calls[a].call.started_at,
            &calls[a].call.id,
        )
            .cmp(&(
                &calls[b].call.customer_id,
                calls[b].call.started_at,
                &calls[b].call.id,
            ))
    });
    let window_hours = options.repeat_window_days * 24.0;
    let label = |i: usize| input.groups[i].map(|g| input.labels[g].clone());
    let mut repeats = Vec::new();
    let mut followed = vec![false; calls.len()];
    for pair in order.windows(2) {
        let (previous, current) = (&calls[pair[0]].call, &calls[pair[1]].call);
        if previous.customer_id != current.customer_id {
            continue;
        }
        let hours = (current.started_at - previous.started_at).num_seconds() as f64 / 3600.0;
        if hours > window_hours {
            continue;
        }
        followed[pair[0]] = true;
        repeats.push(RepeatCall {
            customer_id: current.customer_id.clone(),
            call_id: current.id.clone(),
            previous_call_id: previous.id.clone(),
            hours_between: hours,
            previous_reason: label(pair[0]),
            reason: label(pair[1]),
            previous_outcome: previous.outcome,
        });
    }
    repeats.sort_by(|a, b| a.call_id.cmp(&b.call_id));
    let customers: FxHashSet<&str> = repeats.iter().map(|r| r.customer_id.as_str()).collect();
    let same = repeats
        .iter()
        .filter(|r| r.reason.is_some() && r.reason == r.previous_reason)
        .count();
    let unresolved = repeats
        .iter()
        .filter(|r| r.previous_outcome != Some(CallOutcome::Resolved))
        .count();
    RepeatCallerAnalysis {
        window_days: options.repeat_window_days,
        repeat_calls: repeats.len(),
        share: ratio(repeats.len(), calls.len()),
        customers: customers.len(),
        same_reason_share: ratio(same, repeats.len()),
        previous_unresolved_share: ratio(unresolved, repeats.len()),
        by_previous_reason: group_rates(input, |i| followed[i]),
        calls: repeats,
    }
}

/// Frequent groups of short, steady calls resolved without escalation.
pub fn automation(input: &AnalysisInput<'_>) -> Vec<AutomationCandidate> {
    let mut all_durations: Vec<f64> = input
        .calls
        .iter()
        .filter_map(|c| c.call.duration_secs())
        .collect();
    all_durations.sort_by(f64::total_cmp);
    let Some(overall_median) = Distribution::of(all_durations).map(|d| d.median) else {
        return Vec::new();
    };
    let mut candidates = Vec::new();
    for (group, label) in input.labels.iter().enumerate() {
        let members: Vec<&TranscribedCall> = (0..input.calls.len())
            .filter(|&i| input.groups[i] == Some(group))
            .map(|i| &input.calls[i])
            .collect();
        let share = ratio(members.len(), input.calls.len());
        let durations: Vec<f64> = members
            .iter()
            .filter_map(|c| c.call.duration_secs())
            .collect();
        let Some(distribution) = Distribution::of(durations.clone()) else {
            continue;
        };
        let variance = durations
            .iter()
            .map(|d| (d - distribution.mean).powi(2))
            .sum::<f64>()
            / durations.len() as f64;
        let cv = if distribution.mean > 0.0 {
            variance.sqrt() / distribution.mean
        } else {
            0.0
        };
        let resolved = members
            .iter()
            .filter(|c| c.call.outcome == Some(CallOutcome::Resolved) && !c.call.escalated)
            .count();
        let resolved_rate = ratio(resolved, members.len());
        if share >= 0.02
            && resolved_rate >= 0.8
            && cv <= 0.6
            && distribution.median <= overall_median
        {
            candidates.push(AutomationCandidate {
                group,
                label: label.clone(),
                calls: members.len(),
                share,
                resolved_without_escalation: resolved_rate,
                median_duration_secs: distribution.median,
                duration_cv: cv,
                score: share * resolved_rate * (1.0 - cv.min(1.0)),
            });
        }
    }
    candidates.sort_by(|a, b| b.score.total_cmp(&a.score));
    candidates
}

/// The questions customers ask most (similar wordings merged by word-vector similarity), with typical answers.
pub fn faqs(input: &AnalysisInput<'_>, options: &AnalysisOptions) -> Vec<Faq> {
    let table = WordVectors::shipped();
    // Normalised question → (count, calls, group counts, answers).
    struct Asked {
        text: String,
        count: usize,
        calls: FxHashSet<usize>,
        groups: FxHashMap<usize, usize>,
        answers: Vec<String>,
    }
    let mut asked: FxHashMap<String, Asked> = FxHashMap::default();
    for (index, call) in input.calls.iter().enumerate() {
        for (position, utterance) in call.utterances.iter().enumerate() {
            if utterance.speaker != Speaker::Customer {
                continue;
            }
            for question in questions(&utterance.text) {
                let key: String = words(question).collect::<Vec<_>>().join(" ");
                if key.split(' ').count() < 3 {
                    continue;
                }
                let entry = asked.entry(key).or_insert_with(|| Asked {
                    text: question.trim().to_owned(),
                    count: 0,
                    calls: FxHashSet::default(),
                    groups: FxHashMap::default(),
                    answers: Vec::new(),
                });
                entry.count += 1;
                entry.calls.insert(index);
                if let Some(g) = input.groups[index] {
                    *entry.groups.entry(g).or_default() += 1;
                }
                if entry.answers.len() < 50
                    && let Some(answer) = call.utterances[position + 1..]
                        .iter()
                        .find(|u| u.speaker != Speaker::Customer)
                {
                    entry.answers.push(answer.text.clone());
                }
            }
        }
    }
    let mut unique: Vec<Asked> = asked.into_values().collect();
    unique.sort_by(|a, b| b.count.cmp(&a.count).then(a.text.cmp(&b.text)));
    unique.truncate(5_000);
    // Leader clustering: each wording joins the first more frequent wording it is close enough to.
    let mut leaders: Vec<(Vec<f32>, Asked)> = Vec::new();
    for question in unique {
        let Some(vector) = table.embed_text(&question.text) else {
            continue;
        };
        match leaders.iter().position(|(v, _)| dot(v, &vector) >= 0.9) {
            Some(found) => {
                let leader = &mut leaders[found].1;
                leader.count += question.count;
                leader.calls.extend(question.calls);
                for (g, c) in question.groups {
                    *leader.groups.entry(g).or_default() += c;
                }
                let room = 50usize.saturating_sub(leader.answers.len());
                leader
                    .answers
                    .extend(question.answers.into_iter().take(room));
            }
            None if leaders.len() < 300 => leaders.push((vector, question)),
            None => {}
        }
    }
    leaders.sort_by(|a, b| b.1.count.cmp(&a.1.count).then(a.1.text.cmp(&b.1.text)));
    leaders
        .into_iter()
        .take(options.max_faqs)
        .filter(|(_, q)| q.count >= 2)
        .map(|(_, q)| {
            let group_label = q
                .groups
                .iter()
                .max_by_key(|&(g, c)| (*c, std::cmp::Reverse(*g)))
                .map(|(g, _)| input.labels[*g].clone());
            Faq {
                typical_answer: typical(&q.answers, table),
                question: q.text,
                asked: q.count,
                calls: q.calls.len(),
                group_label,
            }
        })
        .collect()
}

/// The sentences of a text that end with a question mark.
fn questions(text: &str) -> impl Iterator<Item = &str> {
    let mut start = 0;
    text.char_indices().filter_map(move |(i, c)| match c {
        '.' | '!' => {
            start = i + 1;
            None
        }
        '?' => {
            let question = &text[start..=i];
            start = i + 1;
            Some(question)
        }
        _ => None,
    })
}

/// The text nearest the mean of the texts' word vectors.
fn typical(texts: &[String], table: &WordVectors) -> Option<String> {
    let vectors: Vec<(usize, Vec<f32>)> = texts
        .iter()
        .enumerate()
        .filter_map(|(i, t)| table.embed_text(t).map(|v| (i, v)))
        .collect();
    let mut centre = vec![0.0; table.dims()];
    for (_, v) in &vectors {
        centre.iter_mut().zip(v).for_each(|(c, x)| *c += x);
    }
    vectors
        .iter()
        .max_by(|a, b| dot(&a.1, &centre).total_cmp(&dot(&b.1, &centre)))
        .map(|(i, _)| texts[*i].clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fisher_matches_known_values() {
        // scipy.stats.fisher_exact([[3, 1], [1, 3]], alternative="greater") -> p = 0.24285714285714288
        let p = fisher_greater(3, 4, 4, 8);
        assert!((p - 0.242_857_142_857_142_88).abs() < 1e-9, "{p}");
        assert!((fisher_greater(0, 4, 4, 8) - 1.0).abs() < 1e-9);
    }

    #[test]
    fn distribution_percentiles_interpolate() {
        let d = Distribution::of(vec![4.0, 1.0, 3.0, 2.0, 5.0]).unwrap();
        assert_eq!((d.count, d.median, d.p25, d.mean), (5, 3.0, 2.0, 3.0));
        assert!(Distribution::of(Vec::new()).is_none());
    }

    #[test]
    fn questions_are_split_out() {
        let found: Vec<&str> =
            questions("Hi. Where is my refund? It's late! Can you check?").collect();
        assert_eq!(found, vec![" Where is my refund?", " Can you check?"]);
    }
}
