//! Multi-touch attribution: heuristic models, exact Markov-chain removal
//! effects and Shapley values.
//!
//! Input is a set of paths (the channels a journey touched, in order) with the
//! conversions, conversion value and non-converting journeys ("nulls") that
//! followed each path, as in ChannelAttribution's `Data` format.
//!
//! The Markov model follows ChannelAttribution's definition — states are the
//! sliding windows of `order` channels over a path, repeated consecutive states
//! are merged, `(start)` leads into the first state and the last state leads to
//! `(conversion)` or `(null)` — but computes the removal effects exactly from
//! the absorbing chain instead of by Monte-Carlo simulation. Removing a channel
//! sends every state that contains it to `(null)`; its removal effect is
//! `1 - P(conversion without it) / P(conversion)`, and credit is the removal
//! effects normalised to the total conversions (and value).

use std::collections::HashMap;

use rustc_hash::FxHashMap;

use serde::{Deserialize, Serialize};

use super::tracker::JourneyConfig;
use crate::model::JourneyEvent;
use crate::{Error, Result};

/// One aggregated path: the channels in order and what followed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PathRow {
    /// Channel indices (into [`PathData::channels`]) in touch order; never empty.
    pub touches: Vec<u32>,
    /// Journeys on this path that converted.
    pub conversions: f64,
    /// Total conversion value of those journeys.
    pub value: f64,
    /// Journeys on this path that did not convert.
    pub nulls: f64,
}

/// Whether an event ends its journey, and how.
#[derive(Clone, Copy)]
enum Terminal {
    No,
    Conversion,
    Churn,
}

/// The columns of an aggregated paths CSV, as ChannelAttribution names them by default.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PathColumns {
    /// Column with the path, channels joined by `separator`.
    pub path: String,
    /// Separator between channels (whitespace around it is ignored).
    pub separator: String,
    /// Column with the converting journeys.
    pub conversions: String,
    /// Column with the conversion value, if any.
    pub value: Option<String>,
    /// Column with the non-converting journeys, if any.
    pub nulls: Option<String>,
}

impl Default for PathColumns {
    fn default() -> Self {
        Self {
            path: "path".into(),
            separator: " > ".into(),
            conversions: "total_conversions".into(),
            value: Some("total_conversion_value".into()),
            nulls: Some("total_null".into()),
        }
    }
}

/// Most distinct channels a [`PathData`] holds (a Markov state packs three channel ids in 64 bits).
pub const MAX_CHANNELS: usize = (1 << 21) - 2;

/// Paths over a shared channel dictionary.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PathData {
    /// Channel names, in order of first appearance.
    pub channels: Vec<String>,
    /// The paths.
    pub paths: Vec<PathRow>,
    #[serde(skip)]
    index: FxHashMap<String, u32>,
}

impl PathData {
    /// An empty set of paths.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a path given as channel names. Names are trimmed; empty names are an error,
    /// as are negative or non-finite counts. A path with no touches is an error when
    /// it carries conversions (they could not be attributed); one with no journeys at all is skipped.
    pub fn push<'a>(
        &mut self,
        channels: impl IntoIterator<Item = &'a str>,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<()> {
        let row = self.paths.len() + 1;
        for (name, number) in [
            ("conversions", conversions),
            ("value", value),
            ("nulls", nulls),
        ] {
            if !number.is_finite() || number < 0.0 {
                return Err(Error::InvalidArgument(format!(
                    "path {row}: {name} must be a finite number >= 0, got {number}"
                )));
            }
        }
        let mut touches = Vec::new();
        for name in channels {
            let name = name.trim();
            if name.is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "path {row}: a channel name is empty"
                )));
            }
            touches.push(self.intern(name)?);
        }
        if touches.is_empty() {
            if conversions > 0.0 || nulls > 0.0 {
                return Err(Error::InvalidArgument(format!(
                    "path {row}: the path has no channels but has journeys"
                )));
            }
            return Ok(());
        }
        self.paths.push(PathRow {
            touches,
            conversions,
            value,
            nulls,
        });
        Ok(())
    }

    /// Adds a path written as channel names joined by `separator` (e.g. `"a > b > c"` with `" > "`;
    /// whitespace around names is ignored, so `">"` splits it too).
    pub fn push_joined(
        &mut self,
        path: &str,
        separator: &str,
        conversions: f64,
        value: f64,
        nulls: f64,
    ) -> Result<()> {
        let separator = match separator.trim() {
            "" => separator,
            trimmed => trimmed,
        };
        if separator.is_empty() {
            return Err(Error::InvalidArgument("the path separator is empty".into()));
        }
        let channels = path.split(separator).filter(|_| !path.trim().is_empty());
        self.push(channels, conversions, value, nulls)
    }

    /// Reads aggregated paths from CSV (header row). `columns.value` and `columns.nulls` may be
    /// absent (`None`): value then counts as 0 and every journey as converting. Bad numbers are
    /// errors naming the row and column.
    pub fn read_csv(reader: impl std::io::Read, columns: &PathColumns) -> Result<Self> {
        let mut csv = csv::ReaderBuilder::new()
            .has_headers(true)
            .from_reader(reader);
        let headers = csv.byte_headers().map_err(super::map::csv_error)?.clone();
        let find = |name: &str| {
            headers
                .iter()
                .position(|h| h == name.as_bytes())
                .ok_or_else(|| {
                    Error::InvalidArgument(format!("the paths file has no column `{name}`"))
                })
        };
        let path = find(&columns.path)?;
        let conversions = find(&columns.conversions)?;
        let value = columns.value.as_deref().map(find).transpose()?;
        let nulls = columns.nulls.as_deref().map(find).transpose()?;
        let mut data = Self::new();
        let mut record = csv::StringRecord::new();
        let mut row = 1;
        while csv
            .read_record(&mut record)
            .map_err(super::map::csv_error)?
        {
            row += 1;
            let number = |index: Option<usize>, name: Option<&str>| -> Result<f64> {
                let Some(index) = index else { return Ok(0.0) };
                let text = record.get(index).unwrap_or_default().trim();
                text.parse::<f64>().map_err(|_| {
                    Error::InvalidArgument(format!(
                        "row {row}, column `{}`: `{text}` is not a number",
                        name.unwrap_or_default()
                    ))
                })
            };
            let converted = number(Some(conversions), Some(&columns.conversions))?;
            let worth = number(value, columns.value.as_deref())?;
            let lost = number(nulls, columns.nulls.as_deref())?;
            let text = record.get(path).unwrap_or_default();
            data.push_joined(text, &columns.separator, converted, worth, lost)
                .map_err(|e| Error::InvalidArgument(format!("row {row}: {e}")))?;
        }
        Ok(data)
    }

    /// Aggregated channel paths of journeys: each customer's events (in time order) are cut into
    /// journeys at conversion and churn actions and after `config.inactivity_secs` without
    /// events; a journey ending in a conversion action counts one conversion worth the sum of its
    /// events' values, any other journey one null. Events may come in any order; a repeated
    /// event id (same tenant) counts once, the first in input order. Channel names are free-form
    /// (there is no list of known channels); a blank channel is an error naming the event.
    pub fn from_journey_events(events: &[JourneyEvent], config: &JourneyConfig) -> Result<Self> {
        // One sequential pass interns customers and channels and classifies actions; the sort
        // and the walk in journey order then touch only these small arrays.
        let mut data = Self::new();
        let mut customers: FxHashMap<&str, u32> = FxHashMap::default();
        let mut keys: Vec<(u32, i64, u32)> = Vec::with_capacity(events.len());
        let mut touches: Vec<(u32, f64, Terminal)> = Vec::with_capacity(events.len());
        let mut seen: rustc_hash::FxHashSet<(&str, &str)> = Default::default();
        for e in events {
            if !seen.insert((e.tenant.as_str(), e.id.as_str())) {
                continue;
            }
            if e.channel.trim().is_empty() {
                return Err(Error::InvalidArgument(format!(
                    "journey event {}: the channel is empty",
                    e.id
                )));
            }
            let next = customers.len() as u32;
            let customer = *customers.entry(e.customer_id.as_str()).or_insert(next);
            keys.push((
                customer,
                e.timestamp.timestamp_micros(),
                touches.len() as u32,
            ));
            let terminal = if config.conversion_actions.contains(&e.action) {
                Terminal::Conversion
            } else if config.churn_actions.contains(&e.action) {
                Terminal::Churn
            } else {
                Terminal::No
            };
            touches.push((data.intern(&e.channel)?, e.value.unwrap_or(0.0), terminal));
        }
        keys.sort_unstable();
        let mut grouped: FxHashMap<Vec<u32>, (f64, f64, f64)> = FxHashMap::default();
        let mut path: Vec<u32> = Vec::new();
        let mut value = 0.0;
        let window = config
            .inactivity_window()
            .num_microseconds()
            .unwrap_or(i64::MAX);
        let mut flush = |path: &mut Vec<u32>, value: &mut f64, converted: bool| {
            if !path.is_empty() {
                let entry = grouped.entry(std::mem::take(path)).or_default();
                if converted {
                    entry.0 += 1.0;
                    entry.1 += *value;
                } else {
                    entry.2 += 1.0;
                }
            }
            *value = 0.0;
        };
        let mut previous: Option<(u32, i64)> = None;
        for &(customer, at, i) in &keys {
            if let Some((previous_customer, previous_at)) = previous
                && (previous_customer != customer || at - previous_at > window)
            {
                flush(&mut path, &mut value, false);
            }
            previous = Some((customer, at));
            let (channel, worth, terminal) = touches[i as usize];
            path.push(channel);
            value += worth;
            match terminal {
                Terminal::Conversion => flush(&mut path, &mut value, true),
                Terminal::Churn => flush(&mut path, &mut value, false),
                Terminal::No => {}
            }
        }
        flush(&mut path, &mut value, false);
        let mut rows: Vec<(Vec<u32>, (f64, f64, f64))> = grouped.into_iter().collect();
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        for (touches, (conversions, value, nulls)) in rows {
            data.paths.push(PathRow {
                touches,
                conversions,
                value,
                nulls,
            });
        }
        Ok(data)
    }

    fn intern(&mut self, name: &str) -> Result<u32> {
        if let Some(&id) = self.index.get(name) {
            return Ok(id);
        }
        if self.channels.len() >= MAX_CHANNELS {
            return Err(Error::InvalidArgument(format!(
                "more than {MAX_CHANNELS} distinct channels"
            )));
        }
        let id = self.channels.len() as u32;
        self.channels.push(name.to_owned());
        self.index.insert(name.to_owned(), id);
        Ok(id)
    }

    /// Total conversions over all paths.
    pub fn total_conversions(&self) -> f64 {
        self.paths.iter().map(|p| p.conversions).sum()
    }

    /// Total conversion value over all paths.
    pub fn total_value(&self) -> f64 {
        self.paths.iter().map(|p| p.value).sum()
    }
}

/// Conversions and value credited to each channel by one model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Credit {
    /// The model's name (`first_touch`, `markov_1`, …).
    pub model: String,
    /// Conversions per channel, in [`PathData::channels`] order.
    pub conversions: Vec<f64>,
    /// Conversion value per channel.
    pub value: Vec<f64>,
}

/// Which heuristic rule splits a path's credit among its touches.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "model")]
pub enum Heuristic {
    /// All credit to the first touch.
    FirstTouch,
    /// All credit to the last touch.
    LastTouch,
    /// Equal credit to every touch (a channel touched twice gets two shares).
    Linear,
    /// Credit halves every `half_life` touches going back from the last one.
    TimeDecay {
        /// Touches over which a touch's weight halves; > 0.
        half_life: f64,
    },
    /// U-shaped: 40% to the first touch, 40% to the last, 20% split over the rest
    /// (50/50 for two touches, all for one).
    PositionBased,
}

impl Heuristic {
    /// The model name used in results.
    pub fn name(&self) -> &'static str {
        match self {
            Heuristic::FirstTouch => "first_touch",
            Heuristic::LastTouch => "last_touch",
            Heuristic::Linear => "linear",
            Heuristic::TimeDecay { .. } => "time_decay",
            Heuristic::PositionBased => "position_based",
        }
    }

    /// Fills `weights` (one per touch, summing to 1) for a path of `n >= 1` touches.
    fn weights(&self, n: usize, weights: &mut Vec<f64>) {
        weights.clear();
        weights.resize(n, 0.0);
        match *self {
            Heuristic::FirstTouch => weights[0] = 1.0,
            Heuristic::LastTouch => weights[n - 1] = 1.0,
            Heuristic::Linear => weights.fill(1.0 / n as f64),
            Heuristic::TimeDecay { half_life } => {
                for (i, w) in weights.iter_mut().enumerate() {
                    *w = 0.5f64.powf((n - 1 - i) as f64 / half_life);
                }
                let total: f64 = weights.iter().sum();
                weights.iter_mut().for_each(|w| *w /= total);
            }
            Heuristic::PositionBased => match n {
                1 => weights[0] = 1.0,
                2 => weights.fill(0.5),
                _ => {
                    weights[0] = 0.4;
                    weights[n - 1] = 0.4;
                    let middle = 0.2 / (n - 2) as f64;
                    weights[1..n - 1].fill(middle);
                }
            },
        }
    }
}

/// Credits conversions and value by a heuristic rule.
pub fn heuristic(data: &PathData, rule: Heuristic) -> Result<Credit> {
    if let Heuristic::TimeDecay { half_life } = rule
        && !(half_life.is_finite() && half_life > 0.0)
    {
        return Err(Error::InvalidArgument(format!(
            "time-decay half-life must be a positive number, got {half_life}"
        )));
    }
    let mut conversions = vec![0.0; data.channels.len()];
    let mut value = vec![0.0; data.channels.len()];
    let mut weights = Vec::new();
    for path in &data.paths {
        if path.conversions == 0.0 && path.value == 0.0 {
            continue;
        }
        rule.weights(path.touches.len(), &mut weights);
        for (&channel, &w) in path.touches.iter().zip(&weights) {
            conversions[channel as usize] += w * path.conversions;
            value[channel as usize] += w * path.value;
        }
    }
    Ok(Credit {
        model: rule.name().to_owned(),
        conversions,
        value,
    })
}

/// The result of the Markov model of one order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MarkovAttribution {
    /// Conversions and value credited per channel.
    pub credit: Credit,
    /// Removal effect on conversions per channel, in [0, 1].
    pub removal_effects: Vec<f64>,
    /// Removal effect on conversion value per channel, in [0, 1].
    pub value_removal_effects: Vec<f64>,
    /// Probability that a journey entering the chain converts.
    pub conversion_probability: f64,
    /// Number of transient states of the chain.
    pub states: usize,
}

/// Largest Markov order accepted.
pub const MAX_MARKOV_ORDER: usize = 3;

/// Chains whose states and edges times channels reach this solve their removal effects on
/// several threads (below it, all the solves together take a few milliseconds).
const PARALLEL_REMOVAL_WORK: usize = 1_000_000;

/// The data-driven model: exact removal effects of the absorbing Markov chain of `order` (1 to 3).
pub fn markov(data: &PathData, order: usize) -> Result<MarkovAttribution> {
    if !(1..=MAX_MARKOV_ORDER).contains(&order) {
        return Err(Error::InvalidArgument(format!(
            "Markov order must be between 1 and {MAX_MARKOV_ORDER}, got {order}"
        )));
    }
    let chain = Chain::build(data, order);
    let channels = data.channels.len();
    let [full_conversions, full_value] = chain.absorb(None);
    let mut removal_effects = vec![0.0; channels];
    let mut value_removal_effects = vec![0.0; channels];
    if full_conversions > 0.0 || full_value > 0.0 {
        for (channel, [conversions, value]) in chain.removals(channels)?.into_iter().enumerate() {
            if full_conversions > 0.0 {
                removal_effects[channel] = (1.0 - conversions / full_conversions).clamp(0.0, 1.0);
            }
            if full_value > 0.0 {
                value_removal_effects[channel] = (1.0 - value / full_value).clamp(0.0, 1.0);
            }
        }
    }
    let credit = Credit {
        model: format!("markov_{order}"),
        conversions: normalise(&removal_effects, data.total_conversions()),
        value: normalise(&value_removal_effects, data.total_value()),
    };
    Ok(MarkovAttribution {
        credit,
        removal_effects,
        value_removal_effects,
        conversion_probability: full_conversions,
        states: chain.states.len(),
    })
}

/// Shares `total` in proportion to `weights` (all zero: nothing is credited).
fn normalise(weights: &[f64], total: f64) -> Vec<f64> {
    let sum: f64 = weights.iter().sum();
    if sum > 0.0 {
        weights.iter().map(|w| w / sum * total).collect()
    } else {
        vec![0.0; weights.len()]
    }
}

/// The absorbing chain: transient states are windows of up to `order` channels.
struct Chain {
    /// Channels of each transient state.
    states: Vec<Vec<u32>>,
    /// Transitions from `(start)`: (state, probability).
    start: Vec<(u32, f64)>,
    /// Transitions between transient states, per state: (state, probability).
    next: Vec<Vec<(u32, f64)>>,
    /// Probability of moving to `(conversion)` from each state.
    conversion_reward: Vec<f64>,
    /// Probability of converting from each state times the mean value of conversions from it.
    value_reward: Vec<f64>,
    /// The order of the Gauss–Seidel sweeps: every state after the states it leads to, but for
    /// the edges that close a cycle. A chain without cycles is then solved by the first sweep
    /// (a second sees nothing change); with cycles, whole sweeps repeat until every state has
    /// converged.
    sweep: Vec<u32>,
}

impl Chain {
    fn build(data: &PathData, order: usize) -> Self {
        let mut ids: HashMap<u64, u32> = HashMap::new();
        let mut states: Vec<Vec<u32>> = Vec::new();
        let mut start: HashMap<u32, f64> = HashMap::new();
        let mut edges: Vec<HashMap<u32, f64>> = Vec::new();
        let mut converted = Vec::new();
        let mut converted_value = Vec::new();
        let mut out = Vec::new();
        let mut sequence = Vec::new();
        for path in &data.paths {
            let journeys = path.conversions + path.nulls;
            if journeys == 0.0 {
                continue;
            }
            // Sliding windows of `order` touches (one shorter window for a short path),
            // with repeated consecutive states merged.
            sequence.clear();
            let windows = path.touches.len().saturating_sub(order) + 1;
            for w in 0..windows {
                let window = &path.touches[w..(w + order).min(path.touches.len())];
                let id = *ids.entry(state_key(window)).or_insert_with(|| {
                    states.push(window.to_vec());
                    edges.push(HashMap::new());
                    converted.push(0.0);
                    converted_value.push(0.0);
                    out.push(0.0);
                    states.len() as u32 - 1
                });
                if sequence.last() != Some(&id) {
                    sequence.push(id);
                }
            }
            *start.entry(sequence[0]).or_default() += journeys;
            for pair in sequence.windows(2) {
                *edges[pair[0] as usize].entry(pair[1]).or_default() += journeys;
                out[pair[0] as usize] += journeys;
            }
            let last = *sequence.last().expect("a path has at least one state") as usize;
            converted[last] += path.conversions;
            converted_value[last] += path.value;
            out[last] += journeys;
        }
        let start_total: f64 = start.values().sum();
        let mut start: Vec<(u32, f64)> = start
            .into_iter()
            .map(|(s, w)| (s, w / start_total))
            .collect();
        start.sort_by_key(|&(s, _)| s);
        let next: Vec<Vec<(u32, f64)>> = edges
            .into_iter()
            .zip(&out)
            .map(|(targets, &total)| {
                let mut row: Vec<(u32, f64)> =
                    targets.into_iter().map(|(s, w)| (s, w / total)).collect();
                row.sort_by_key(|&(s, _)| s);
                row
            })
            .collect();
        let conversion_reward = converted.iter().zip(&out).map(|(c, o)| c / o).collect();
        // Mean value per conversion from a state, times the probability of converting there.
        let value_reward = converted_value
            .iter()
            .zip(&out)
            .map(|(v, o)| v / o)
            .collect();
        let sweep = successors_first(&next);
        Chain {
            states,
            start,
            next,
            conversion_reward,
            value_reward,
            sweep,
        }
    }

    /// [`Chain::absorb`] with each of the first `channels` channels removed, in channel order.
    /// The solves are independent: a large chain spreads them over the machine's cores
    /// (scoped threads; each channel's result is the same as on one thread).
    fn removals(&self, channels: usize) -> Result<Vec<[f64; 2]>> {
        let edges: usize = self.next.iter().map(Vec::len).sum();
        let work = (self.states.len() + edges).saturating_mul(channels);
        let threads = if work < PARALLEL_REMOVAL_WORK {
            1
        } else {
            std::thread::available_parallelism()
                .map_or(1, usize::from)
                .min(channels)
        };
        self.removals_on(channels, threads)
    }

    /// [`Chain::removals`] on `threads` threads (1: on this one).
    fn removals_on(&self, channels: usize, threads: usize) -> Result<Vec<[f64; 2]>> {
        if threads <= 1 {
            return Ok((0..channels as u32).map(|c| self.absorb(Some(c))).collect());
        }
        let chunk = channels.div_ceil(threads);
        std::thread::scope(|scope| {
            let parts: Vec<_> = (0..channels as u32)
                .step_by(chunk)
                .map(|first| {
                    let last = (first as usize + chunk).min(channels) as u32;
                    scope.spawn(move || {
                        (first..last)
                            .map(|c| self.absorb(Some(c)))
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            let mut out = Vec::with_capacity(channels);
            for part in parts {
                out.extend(
                    part.join()
                        .map_err(|_| Error::Task("a Markov attribution thread panicked".into()))?,
                );
            }
            Ok(out)
        })
    }

    /// Expected conversions and value collected on absorption when entering from `(start)`;
    /// states containing `removed` lead to `(null)`. Both are solved together by Gauss–Seidel
    /// sweeps (in [`Chain::sweep`] order) to machine precision.
    fn absorb(&self, removed: Option<u32>) -> [f64; 2] {
        let alive: Vec<bool> = self
            .states
            .iter()
            .map(|s| removed.is_none_or(|r| !s.contains(&r)))
            .collect();
        let reward = |s: usize| [self.conversion_reward[s], self.value_reward[s]];
        let mut x: Vec<[f64; 2]> = (0..self.states.len())
            .map(|s| if alive[s] { reward(s) } else { [0.0; 2] })
            .collect();
        for _ in 0..100_000 {
            let mut change = [0f64; 2];
            for &s in &self.sweep {
                let s = s as usize;
                if !alive[s] {
                    continue;
                }
                let mut self_loop = 0.0;
                let mut sum = reward(s);
                for &(t, p) in &self.next[s] {
                    if t as usize == s {
                        self_loop += p;
                    } else if alive[t as usize] {
                        let target = x[t as usize];
                        sum[0] += p * target[0];
                        sum[1] += p * target[1];
                    }
                }
                for k in 0..2 {
                    let updated = sum[k] / (1.0 - self_loop);
                    change[k] = change[k].max((updated - x[s][k]).abs());
                    x[s][k] = updated;
                }
            }
            let converged = (0..2)
                .all(|k| change[k] <= 1e-15 * x.iter().fold(1e-300f64, |m, v| m.max(v[k].abs())));
            if converged {
                break;
            }
        }
        let mut total = [0.0; 2];
        for &(s, p) in self.start.iter().filter(|(s, _)| alive[*s as usize]) {
            total[0] += p * x[s as usize][0];
            total[1] += p * x[s as usize][1];
        }
        total
    }
}

/// The states in depth-first post-order over `next` (iterative, so long chains cannot overflow
/// the stack): each state comes after the states its edges lead to, except along edges back
/// into a state still being visited (those close cycles).
fn successors_first(next: &[Vec<(u32, f64)>]) -> Vec<u32> {
    let mut order = Vec::with_capacity(next.len());
    let mut visited = vec![false; next.len()];
    // (state, index of its next edge to follow)
    let mut stack: Vec<(u32, usize)> = Vec::new();
    for root in 0..next.len() as u32 {
        if visited[root as usize] {
            continue;
        }
        visited[root as usize] = true;
        stack.push((root, 0));
        while let Some((state, edge)) = stack.last_mut() {
            match next[*state as usize].get(*edge) {
                Some(&(target, _)) => {
                    *edge += 1;
                    if !visited[target as usize] {
                        visited[target as usize] = true;
                        stack.push((target, 0));
                    }
                }
                None => {
                    order.push(*state);
                    stack.pop();
                }
            }
        }
    }
    order
}

/// Packs a window of at most [`MAX_MARKOV_ORDER`] channel ids (each below 2^21) into one key.
fn state_key(window: &[u32]) -> u64 {
    window
        .iter()
        .fold(0u64, |key, &channel| (key << 21) | (u64::from(channel) + 1))
}

/// Settings of [`attribute`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct AttributionOptions {
    /// Half-life of the time-decay model, in touches.
    pub time_decay_half_life: f64,
    /// Order of the Markov model (1 to 3).
    pub markov_order: usize,
}

impl Default for AttributionOptions {
    fn default() -> Self {
        Self {
            time_decay_half_life: 2.0,
            markov_order: 1,
        }
    }
}

/// Every model side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttributionReport {
    /// Channel names; every vector below is in this order.
    pub channels: Vec<String>,
    /// Credit per model: first touch, last touch, linear, time decay, position based, Markov, Shapley.
    pub models: Vec<Credit>,
    /// The Markov model's removal effects on conversions.
    pub removal_effects: Vec<f64>,
    /// The Markov model's removal effects on value.
    pub value_removal_effects: Vec<f64>,
    /// The Markov chain's conversion probability.
    pub conversion_probability: f64,
}

/// Runs every attribution model on `data`.
pub fn attribute(data: &PathData, options: &AttributionOptions) -> Result<AttributionReport> {
    let rules = [
        Heuristic::FirstTouch,
        Heuristic::LastTouch,
        Heuristic::Linear,
        Heuristic::TimeDecay {
            half_life: options.time_decay_half_life,
        },
        Heuristic::PositionBased,
    ];
    let mut models = rules
        .into_iter()
        .map(|rule| heuristic(data, rule))
        .collect::<Result<Vec<_>>>()?;
    let chain = markov(data, options.markov_order)?;
    models.push(chain.credit);
    models.push(shapley(data));
    Ok(AttributionReport {
        channels: data.channels.clone(),
        models,
        removal_effects: chain.removal_effects,
        value_removal_effects: chain.value_removal_effects,
        conversion_probability: chain.conversion_probability,
    })
}

/// Shapley values of the game in which a coalition of channels is worth the conversions
/// (and value) of the journeys that touched only channels in it. Exact for any number of
/// channels: each path's conversions are shared equally among its distinct channels.
pub fn shapley(data: &PathData) -> Credit {
    let mut conversions = vec![0.0; data.channels.len()];
    let mut value = vec![0.0; data.channels.len()];
    let mut distinct = Vec::new();
    for path in &data.paths {
        distinct.clear();
        distinct.extend_from_slice(&path.touches);
        distinct.sort_unstable();
        distinct.dedup();
        let share = 1.0 / distinct.len() as f64;
        for &channel in &distinct {
            conversions[channel as usize] += path.conversions * share;
            value[channel as usize] += path.value * share;
        }
    }
    Credit {
        model: "shapley".into(),
        conversions,
        value,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// a > b converts once; a alone fails once; b alone converts once and fails once.
    fn small() -> PathData {
        let mut data = PathData::new();
        data.push_joined("a > b", " > ", 1.0, 10.0, 0.0).unwrap();
        data.push_joined("a", " > ", 0.0, 0.0, 1.0).unwrap();
        data.push_joined("b", " > ", 1.0, 30.0, 1.0).unwrap();
        data
    }

    fn close(a: &[f64], b: &[f64]) -> bool {
        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() < 1e-12)
    }

    #[test]
    fn heuristics_split_credit_as_defined() {
        let data = small();
        assert_eq!(data.channels, vec!["a", "b"]);
        assert!(close(
            &heuristic(&data, Heuristic::FirstTouch).unwrap().conversions,
            &[1.0, 1.0]
        ));
        assert!(close(
            &heuristic(&data, Heuristic::LastTouch).unwrap().conversions,
            &[0.0, 2.0]
        ));
        assert!(close(
            &heuristic(&data, Heuristic::Linear).unwrap().conversions,
            &[0.5, 1.5]
        ));
        assert!(close(
            &heuristic(&data, Heuristic::Linear).unwrap().value,
            &[5.0, 35.0]
        ));
        // Half-life of one touch: weights 1/3 and 2/3 on a two-touch path.
        let decay = heuristic(&data, Heuristic::TimeDecay { half_life: 1.0 }).unwrap();
        assert!(close(&decay.conversions, &[1.0 / 3.0, 5.0 / 3.0]));
        let mut long = PathData::new();
        long.push_joined("a > b > c > d", ">", 1.0, 0.0, 0.0)
            .unwrap();
        let u = heuristic(&long, Heuristic::PositionBased).unwrap();
        assert!(close(&u.conversions, &[0.4, 0.1, 0.1, 0.4]));
        assert!(heuristic(&data, Heuristic::TimeDecay { half_life: 0.0 }).is_err());
    }

    #[test]
    fn markov_removal_effects_are_exact() {
        // P(conv) = 0.5·(0.5·2/3) + 0.5·(2/3) = 1/2; without a: 1/3 -> RE 1/3; without b: 0 -> RE 1.
        let result = markov(&small(), 1).unwrap();
        assert!((result.conversion_probability - 0.5).abs() < 1e-12);
        assert!(close(&result.removal_effects, &[1.0 / 3.0, 1.0]));
        assert!(close(&result.credit.conversions, &[0.5, 1.5]));
        assert_eq!(result.states, 2);
        assert!(markov(&small(), 0).is_err());
        assert!(markov(&small(), 4).is_err());
    }

    #[test]
    fn repeated_touches_and_loops_keep_probabilities_exact() {
        // Every path converts. States after merging: a, b, a and a, b. From a: 4 of 7 journeys move
        // to b and 3 convert; from b: 3 return to a and 1 converts. Without a nothing converts;
        // without b only a's direct conversions remain: RE_b = 1 - 3/7.
        let mut data = PathData::new();
        data.push_joined("a > a > b > a", " > ", 3.0, 3.0, 0.0)
            .unwrap();
        data.push_joined("a > b", " > ", 1.0, 1.0, 0.0).unwrap();
        let result = markov(&data, 1).unwrap();
        assert!((result.conversion_probability - 1.0).abs() < 1e-12);
        assert!(close(&result.removal_effects, &[1.0, 4.0 / 7.0]));
        let order2 = markov(&data, 2).unwrap();
        assert!((order2.conversion_probability - 1.0).abs() < 1e-12);
    }

    #[test]
    fn bad_paths_are_named() {
        let mut data = PathData::new();
        assert!(data.push_joined("", " > ", 1.0, 0.0, 0.0).is_err());
        data.push_joined("", " > ", 0.0, 0.0, 0.0).unwrap();
        assert!(data.paths.is_empty());
        assert!(data.push_joined("a >  > b", " > ", 1.0, 0.0, 0.0).is_err());
        let error = data
            .push_joined("a", " > ", f64::NAN, 0.0, 0.0)
            .unwrap_err();
        assert!(error.to_string().contains("conversions"));
        // Only nulls: no credit anywhere, no error.
        data.push_joined("a > b", " > ", 0.0, 0.0, 5.0).unwrap();
        let result = markov(&data, 1).unwrap();
        assert_eq!(result.credit.conversions, vec![0.0, 0.0]);
        assert_eq!(shapley(&data).conversions, vec![0.0, 0.0]);
    }

    #[test]
    fn journeys_become_paths_cut_at_terminal_actions_and_inactivity() {
        use chrono::{Duration, TimeZone, Utc};
        let t0 = Utc.with_ymd_and_hms(2026, 1, 5, 9, 0, 0).unwrap();
        let event = |id: &str,
                     customer: &str,
                     channel: &str,
                     action: &str,
                     hours: i64,
                     value: Option<f64>| JourneyEvent {
            id: id.into(),
            tenant: "t".into(),
            customer_id: customer.into(),
            channel: channel.into(),
            action: action.into(),
            timestamp: t0 + Duration::hours(hours),
            value,
            sentiment: None,
            attributes: Default::default(),
        };
        let events = vec![
            event("1", "a", "web", "visit", 0, None),
            event("3", "a", "voice", "purchase", 2, Some(50.0)),
            event("2", "a", "chat", "ask", 1, None),
            event("4", "a", "web", "visit", 3, None),
            event("5", "b", "web", "visit", 0, None),
            event("6", "b", "email", "open", 24 * 40, None),
        ];
        let data = PathData::from_journey_events(&events, &JourneyConfig::default()).unwrap();
        let named: Vec<(Vec<&str>, f64, f64, f64)> = data
            .paths
            .iter()
            .map(|p| {
                let names = p
                    .touches
                    .iter()
                    .map(|&c| data.channels[c as usize].as_str())
                    .collect();
                (names, p.conversions, p.value, p.nulls)
            })
            .collect();
        assert!(named.contains(&(vec!["web", "chat", "voice"], 1.0, 50.0, 0.0)));
        // a's visit after the purchase and b's two journeys split by 40 days of inactivity.
        assert!(named.contains(&(vec!["web"], 0.0, 0.0, 2.0)));
        assert!(named.contains(&(vec!["email"], 0.0, 0.0, 1.0)));
        assert_eq!(data.paths.len(), 3);

        // A repeated id counts once; a blank channel is an error naming the event.
        let mut repeated = events.clone();
        repeated.push(event("3", "a", "voice", "purchase", 2, Some(50.0)));
        assert_eq!(
            PathData::from_journey_events(&repeated, &JourneyConfig::default()).unwrap(),
            data
        );
        let mut blank = events;
        blank[2].channel = " ".into();
        let error = PathData::from_journey_events(&blank, &JourneyConfig::default()).unwrap_err();
        assert!(matches!(error, Error::InvalidArgument(m) if m.contains("journey event 2")));
    }

    #[test]
    fn shapley_shares_among_distinct_channels() {
        let credit = shapley(&small());
        assert!(close(&credit.conversions, &[0.5, 1.5]));
        assert!(close(&credit.value, &[5.0, 35.0]));
    }

    #[test]
    fn removals_on_several_threads_equal_those_on_one() {
        let mut data = PathData::new();
        let names: Vec<String> = (0..12).map(|c| format!("c{c}")).collect();
        // A deterministic spread of paths with repeats and cycles.
        for i in 0..400usize {
            let touches: Vec<&str> = (0..1 + i % 6)
                .map(|k| names[(i * 7 + k * k * 5 + k) % names.len()].as_str())
                .collect();
            let conversions = (i % 3) as f64;
            data.push(touches, conversions, conversions * 10.0, (i % 4) as f64)
                .unwrap();
        }
        for order in 1..=MAX_MARKOV_ORDER {
            let chain = Chain::build(&data, order);
            let one = chain.removals_on(names.len(), 1).unwrap();
            assert_eq!(one.len(), names.len());
            for threads in [2, 5, 12] {
                assert_eq!(chain.removals_on(names.len(), threads).unwrap(), one);
            }
        }
    }

    #[test]
    fn sweeps_visit_successors_first_and_every_state_once() {
        let edge = |to: u32| (to, 0.5);
        // 0 -> 1 -> 2, 0 -> 3 -> 2, and a cycle 4 -> 5 -> 4 leading to 2.
        let next = vec![
            vec![edge(1), edge(3)],
            vec![edge(2)],
            vec![],
            vec![edge(2)],
            vec![edge(5)],
            vec![edge(4), edge(2)],
        ];
        let order = successors_first(&next);
        let position = |s: u32| order.iter().position(|&o| o == s).expect("every state");
        let mut sorted = order.clone();
        sorted.sort_unstable();
        assert_eq!(sorted, vec![0, 1, 2, 3, 4, 5]);
        for (from, to) in [(0, 1), (0, 3), (1, 2), (3, 2), (5, 2), (4, 5)] {
            assert!(position(to) < position(from), "{to} before {from}");
        }
    }

    #[test]
    fn cyclic_chains_are_solved_exactly() {
        // a > b > a converts; b alone does not: the chain has the cycle a <-> b.
        let mut data = PathData::new();
        data.push(["a", "b", "a"], 2.0, 20.0, 0.0).unwrap();
        data.push(["b"], 0.0, 0.0, 2.0).unwrap();
        data.push(["a"], 1.0, 10.0, 1.0).unwrap();
        let chain = Chain::build(&data, 1);
        // By hand: a is left 6 times (to b 2, converting 3, null 1), b 4 times (to a 2, null 2);
        // the start is a in 4 journeys of 6, b in 2. So P_a = 3/6 + (2/6) P_b, P_b = (2/4) P_a:
        // P_a = 3/5, P_b = 3/10, and P = (4/6) P_a + (2/6) P_b = 1/2.
        let [conversions, _] = chain.absorb(None);
        assert!((conversions - 0.5).abs() < 1e-12, "{conversions}");
        // Without b, a's move to b is lost: P_a = 1/2, and b's starts are lost: P = (4/6) / 2.
        let [without_b, _] = chain.absorb(Some(1));
        assert!((without_b - 1.0 / 3.0).abs() < 1e-12, "{without_b}");
    }
}
