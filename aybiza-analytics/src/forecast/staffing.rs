//! Agents required per interval from forecast call volume: Erlang C, and Erlang A when callers
//! hang up after a while.
//!
//! Traffic in Erlangs is `A = calls · handle time / interval length`. With `N` agents:
//!
//! - Erlang B by the recursion `B(0) = 1`, `B(n) = A·B(n−1) / (n + A·B(n−1))`, which never
//!   forms a factorial or a power and is stable for any traffic (`O(N)` steps).
//! - Erlang C (callers wait as long as needed; needs `N > A`): probability of waiting
//!   `C = N·B / (N − A·(1 − B))`; service level (share answered within `t`)
//!   `1 − C·exp(−(N − A)·t / AHT)`; average speed of answer `C·AHT / (N − A)`; occupancy `A / N`.
//! - Erlang A (M/M/N+M: callers abandon after an exponential patience with mean `P`): the
//!   birth–death chain with arrival rate `λ` and departure rate `min(k, N)·μ + max(k − N, 0)·θ`
//!   (`μ = 1/AHT`, `θ = 1/P`), its stationary distribution summed relative to state `N`
//!   (`Σ_{k≤N} π_k / π_N = 1/B`); the waiting time of an arrival that finds `j` callers queued
//!   is a pure-death chain (rates `N·μ + i·θ` ahead of it, `θ` for its own patience), solved by
//!   uniformization for the share answered within `t`.
//!
//! [`staffing_plan`] turns a forecast into one [`IntervalStaffing`] per interval.

use serde::{Deserialize, Serialize};

use crate::Error;

/// Most agents any interval may need before the inputs are taken as absurd.
pub const MAX_AGENTS: u32 = 1_000_000;

/// Why a staffing computation was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum StaffingError {
    /// An input is outside its domain.
    #[error("{name} must be {expected}, got {value}")]
    InvalidInput {
        /// Which input.
        name: &'static str,
        /// Its value.
        value: f64,
        /// What it must be.
        expected: &'static str,
    },
    /// An Erlang A evaluation would take more than [`MAX_ERLANG_A_STEPS`] steps (a very long
    /// answer time with impatient callers, or a very long queue).
    #[error(
        "Erlang A here would take {steps:.3e} steps, over the limit of {MAX_ERLANG_A_STEPS}; \
         shorten answer_within_secs or use Erlang C"
    )]
    TooMuchWork {
        /// Queue states × uniformized jumps it would take.
        steps: f64,
    },
    /// The Erlang A queue does not settle within [`MAX_QUEUE_STATES`] waiting callers (callers
    /// so patient, and agents so few, that the queue grows without practical bound).
    #[error(
        "the Erlang A queue does not settle within {MAX_QUEUE_STATES} waiting callers at \
         {agents} agents; add agents or use Erlang C"
    )]
    QueueTooLong {
        /// The agent count evaluated.
        agents: u32,
    },
    /// Meeting the target would take more than [`MAX_AGENTS`] agents.
    #[error("the target needs more than {MAX_AGENTS} agents at {traffic} Erlangs")]
    TooManyAgents {
        /// Offered traffic in Erlangs.
        traffic: f64,
    },
}

impl From<StaffingError> for Error {
    fn from(error: StaffingError) -> Self {
        Error::InvalidArgument(error.to_string())
    }
}

fn check(
    name: &'static str,
    value: f64,
    ok: bool,
    expected: &'static str,
) -> Result<(), StaffingError> {
    if ok && value.is_finite() {
        Ok(())
    } else {
        Err(StaffingError::InvalidInput {
            name,
            value,
            expected,
        })
    }
}

/// What an interval must achieve.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ServiceTarget {
    /// Share of calls to answer within [`Self::answer_within_secs`], in (0, 1), e.g. 0.8.
    pub service_level: f64,
    /// The answer-time threshold in seconds, e.g. 20.
    pub answer_within_secs: f64,
    /// Highest acceptable occupancy (share of agent time busy), in (0, 1]; 1 for no limit.
    pub max_occupancy: f64,
}

impl Default for ServiceTarget {
    /// 80% of calls answered within 20 seconds, no occupancy limit.
    fn default() -> Self {
        Self {
            service_level: 0.8,
            answer_within_secs: 20.0,
            max_occupancy: 1.0,
        }
    }
}

impl ServiceTarget {
    fn validate(&self) -> Result<(), StaffingError> {
        let level = self.service_level;
        check(
            "service level",
            level,
            level > 0.0 && level < 1.0,
            "in (0, 1)",
        )?;
        let within = self.answer_within_secs;
        check("answer time", within, within >= 0.0, "at least 0 seconds")?;
        let occupancy = self.max_occupancy;
        check(
            "max occupancy",
            occupancy,
            occupancy > 0.0 && occupancy <= 1.0,
            "in (0, 1]",
        )
    }
}

/// The queue's behaviour with a given number of agents.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct QueueMetrics {
    /// Agents on the phones.
    pub agents: u32,
    /// Offered traffic in Erlangs.
    pub traffic_erlangs: f64,
    /// Share of agent time spent handling calls (carried traffic / agents).
    pub occupancy: f64,
    /// Probability that a caller has to wait.
    pub probability_of_waiting: f64,
    /// Share of all offered calls answered within the target time.
    pub service_level: f64,
    /// Average speed of answer in seconds: Erlang C's mean wait of all callers; Erlang A's mean
    /// time in queue of all callers (those who hang up count until they do).
    pub average_speed_of_answer_secs: f64,
    /// Probability that a caller hangs up before being answered (0 under Erlang C).
    pub probability_of_abandoning: f64,
}

/// Erlang B: the probability that all `agents` are busy (blocking in a loss system), by the
/// stable recursion.
pub fn erlang_b(traffic: f64, agents: u32) -> f64 {
    let mut b = 1.0;
    for n in 1..=agents {
        b = traffic * b / (n as f64 + traffic * b);
    }
    b
}

/// Erlang C from Erlang B at the same number of agents: the probability of waiting (1 when
/// `agents <= traffic`, where the queue grows without bound).
fn erlang_c_from_b(traffic: f64, agents: u32, b: f64) -> f64 {
    let n = agents as f64;
    if n <= traffic {
        return 1.0;
    }
    n * b / (n - traffic * (1.0 - b))
}

/// Erlang C: the probability that a caller waits, with `agents` agents and `traffic` Erlangs.
pub fn erlang_c(traffic: f64, agents: u32) -> f64 {
    erlang_c_from_b(traffic, agents, erlang_b(traffic, agents))
}

/// Erlang C metrics for `agents` agents, `traffic` Erlangs, handle time `aht_secs`.
/// The queue with no calls: nobody waits, every (absent) call is answered at once.
fn idle_queue(agents: u32) -> QueueMetrics {
    QueueMetrics {
        agents,
        traffic_erlangs: 0.0,
        occupancy: 0.0,
        probability_of_waiting: 0.0,
        service_level: 1.0,
        average_speed_of_answer_secs: 0.0,
        probability_of_abandoning: 0.0,
    }
}

fn erlang_c_metrics(traffic: f64, agents: u32, b: f64, aht_secs: f64, within: f64) -> QueueMetrics {
    let n = agents as f64;
    let c = erlang_c_from_b(traffic, agents, b);
    let (service_level, asa) = if n > traffic {
        (
            1.0 - c * (-(n - traffic) * within / aht_secs).exp(),
            c * aht_secs / (n - traffic),
        )
    } else {
        (0.0, f64::INFINITY)
    };
    QueueMetrics {
        agents,
        traffic_erlangs: traffic,
        occupancy: if n > 0.0 { (traffic / n).min(1.0) } else { 1.0 },
        probability_of_waiting: c,
        service_level,
        average_speed_of_answer_secs: asa,
        probability_of_abandoning: 0.0,
    }
}

/// Erlang C metrics for a given number of agents: `calls` arriving over `interval_secs`, each
/// handled in `aht_secs` on average.
pub fn erlang_c_metrics_for(
    calls: f64,
    interval_secs: f64,
    aht_secs: f64,
    agents: u32,
    answer_within_secs: f64,
) -> Result<QueueMetrics, StaffingError> {
    let traffic = traffic(calls, interval_secs, aht_secs)?;
    check(
        "answer time",
        answer_within_secs,
        answer_within_secs >= 0.0,
        "at least 0 seconds",
    )?;
    Ok(erlang_c_metrics(
        traffic,
        agents,
        erlang_b(traffic, agents),
        aht_secs,
        answer_within_secs,
    ))
}

/// Offered traffic in Erlangs, after checking the inputs.
fn traffic(calls: f64, interval_secs: f64, aht_secs: f64) -> Result<f64, StaffingError> {
    check("calls", calls, calls >= 0.0, "at least 0")?;
    check("interval", interval_secs, interval_secs > 0.0, "positive")?;
    check("handle time", aht_secs, aht_secs > 0.0, "positive")?;
    let traffic = calls * aht_secs / interval_secs;
    check("traffic", traffic, traffic.is_finite(), "finite")?;
    Ok(traffic)
}

/// The fewest agents meeting `target` under Erlang C for `calls` arriving over
/// `interval_secs` with average handle time `aht_secs`, and the queue's metrics with them.
/// No calls need no agents.
pub fn erlang_c_staffing(
    calls: f64,
    interval_secs: f64,
    aht_secs: f64,
    target: &ServiceTarget,
) -> Result<QueueMetrics, StaffingError> {
    target.validate()?;
    let traffic = traffic(calls, interval_secs, aht_secs)?;
    if traffic == 0.0 {
        return Ok(idle_queue(0));
    }
    let mut b = 1.0;
    for agents in 1..=MAX_AGENTS {
        b = traffic * b / (agents as f64 + traffic * b);
        if (agents as f64) <= traffic {
            continue;
        }
        let metrics = erlang_c_metrics(traffic, agents, b, aht_secs, target.answer_within_secs);
        if metrics.service_level >= target.service_level
            && metrics.occupancy <= target.max_occupancy
        {
            return Ok(metrics);
        }
    }
    Err(StaffingError::TooManyAgents { traffic })
}

/// Relative weight below which Erlang A's queue states are ignored.
const NEGLIGIBLE: f64 = 1e-16;
/// Most queue states Erlang A sums over.
pub const MAX_QUEUE_STATES: usize = 1_000_000;
/// Most (queue state × uniformized jump) steps one Erlang A service-level evaluation may take
/// (about a tenth of a second).
pub const MAX_ERLANG_A_STEPS: u64 = 100_000_000;

/// Erlang A metrics: `agents` agents, arrival rate `lambda` per second, service rate `mu` and
/// abandonment rate `theta` per second, Erlang B `b` at `agents`.
fn erlang_a_metrics(
    agents: u32,
    lambda: f64,
    mu: f64,
    theta: f64,
    b: f64,
    within: f64,
) -> Result<QueueMetrics, StaffingError> {
    let n = agents as f64;
    let traffic = lambda / mu;
    // Queue states relative to state N: t_j = Π_{i=1..j} λ / (Nμ + iθ), kept as logarithms and
    // summed relative to the largest so far (an overloaded queue's terms overflow f64). Once the
    // ratio of successive terms r is below 1 the rest is at most t_j · r / (1 − r): stop when
    // negligible.
    let mut log_weights = Vec::new();
    let mut log_term = 0.0;
    let mut scale = 0.0; // the sums below are relative to e^scale
    let mut with_n = 1.0; // state N and the queue states
    let mut settled = false;
    for j in 1..=MAX_QUEUE_STATES {
        log_term += (lambda / (n * mu + j as f64 * theta)).ln();
        log_weights.push(log_term);
        if log_term > scale {
            with_n *= (scale - log_term).exp();
            scale = log_term;
        }
        let term = (log_term - scale).exp();
        with_n += term;
        let ratio = lambda / (n * mu + (j + 1) as f64 * theta);
        if ratio < 1.0 && term * ratio / (1.0 - ratio) < NEGLIGIBLE * with_n {
            settled = true;
            break;
        }
    }
    // A truncated sum would leave out most of the probability mass.
    if !settled {
        return Err(StaffingError::QueueTooLong { agents });
    }
    let weight = |log: f64| (log - scale).exp();
    let state_n = weight(0.0);
    let below_n = if agents == 0 {
        0.0
    } else {
        (1.0 / b - 1.0) * state_n
    };
    // Total mass: states 0..N−1, state N, queue states.
    let total = below_n + with_n;
    let probability_of_waiting = with_n / total;
    let mean_queue: f64 = log_weights
        .iter()
        .enumerate()
        .map(|(j, &log)| (j + 1) as f64 * weight(log))
        .sum::<f64>()
        / total;
    let probability_of_abandoning = theta * mean_queue / lambda;
    // Mean busy agents: Σ min(k, N) π_k = carried traffic λ(1 − P(abandon)) / μ.
    let busy = traffic * (1.0 - probability_of_abandoning);
    // An arrival finding state N + j (j = 0 when all agents are just busy) waits behind j callers.
    let arrival_states: Vec<f64> = std::iter::once(state_n)
        .chain(log_weights.iter().map(|&log| weight(log)))
        .map(|w| w / total)
        .collect();
    let answered_late = answered_after(&arrival_states, n * mu, theta, within)?;
    let answered_in_time = (1.0 - probability_of_waiting)
        + (probability_of_waiting - probability_of_abandoning - answered_late).max(0.0);
    Ok(QueueMetrics {
        agents,
        traffic_erlangs: traffic,
        occupancy: if agents == 0 {
            1.0
        } else {
            (busy / n).min(1.0)
        },
        probability_of_waiting,
        service_level: answered_in_time.clamp(0.0, 1.0),
        average_speed_of_answer_secs: mean_queue / lambda,
        probability_of_abandoning,
    })
}

/// The probability of being answered after waiting longer than `within`, for arrivals that find
/// `initial[j]` (already weighted by its probability) callers ahead of them in the queue.
///
/// The state is the number of callers ahead; with `i` ahead the caller moves up at rate
/// `service + i·θ` (an agent frees up or a caller ahead hangs up; from 0 ahead it is
/// answered) and hangs up at rate `θ`. Uniformization at rate `Λ` turns the chain into a
/// Poisson number of jumps of the embedded discrete chain; the mass still waiting at `within`
/// is then answered with probability `service / (service + θ)` per step ahead. Fails when that
/// takes more than [`MAX_ERLANG_A_STEPS`] steps.
fn answered_after(
    initial: &[f64],
    service: f64,
    theta: f64,
    within: f64,
) -> Result<f64, StaffingError> {
    let states = initial.len();
    let rate = |i: usize| service + i as f64 * theta + theta;
    let uniform = rate(states.saturating_sub(1)).max(f64::MIN_POSITIVE);
    let poisson_mean = uniform * within;
    // Poisson weights in log space: jumps k with probability e^{−m} m^k / k!.
    let max_jumps = (poisson_mean + 12.0 * poisson_mean.sqrt() + 30.0).ceil();
    let steps = max_jumps * states as f64;
    // NaN (from an infinite answer time) counts as too much as well.
    if steps.is_nan() || steps > MAX_ERLANG_A_STEPS as f64 {
        return Err(StaffingError::TooMuchWork { steps });
    }
    let max_jumps = max_jumps as usize;
    // Distribution over "callers ahead" among those still waiting, and the next jump's.
    let mut waiting = initial.to_vec();
    let mut next = vec![0.0; states];
    let mut still_waiting = vec![0.0; states];
    let mut log_weight = -poisson_mean;
    for k in 0..=max_jumps {
        if k > 0 {
            log_weight += poisson_mean.ln() - (k as f64).ln();
            // One jump of the embedded chain.
            next.fill(0.0);
            for (i, &mass) in waiting.iter().enumerate() {
                if mass == 0.0 {
                    continue;
                }
                if i > 0 {
                    next[i - 1] += mass * (service + i as f64 * theta) / uniform;
                }
                // Answered (from 0) and hang-ups leave; the rest stays put.
                next[i] += mass * (1.0 - rate(i) / uniform);
            }
            std::mem::swap(&mut waiting, &mut next);
        }
        let weight = log_weight.exp();
        for (total, mass) in still_waiting.iter_mut().zip(&waiting) {
            *total += weight * mass;
        }
    }
    // Of those still waiting with i ahead, the share eventually answered: each step ahead is
    // passed with probability (service + aθ) / (service + aθ + θ), then the answer itself.
    let answer_share = service / (service + theta);
    let mut eventually = 1.0;
    let mut answered = 0.0;
    for (i, mass) in still_waiting.iter().enumerate() {
        if i > 0 {
            let a = i as f64;
            eventually *= (service + a * theta) / (service + a * theta + theta);
        }
        answered += mass * eventually * answer_share;
    }
    Ok(answered)
}

/// Erlang A metrics for a given number of agents: `calls` arriving over `interval_secs`,
/// handle time `aht_secs`, callers' mean patience `patience_secs`.
pub fn erlang_a_metrics_for(
    calls: f64,
    interval_secs: f64,
    aht_secs: f64,
    patience_secs: f64,
    agents: u32,
    answer_within_secs: f64,
) -> Result<QueueMetrics, StaffingError> {
    let traffic = traffic(calls, interval_secs, aht_secs)?;
    check("patience", patience_secs, patience_secs > 0.0, "positive")?;
    check(
        "answer time",
        answer_within_secs,
        answer_within_secs >= 0.0,
        "at least 0 seconds",
    )?;
    if traffic == 0.0 {
        return Ok(idle_queue(agents));
    }
    erlang_a_metrics(
        agents,
        calls / interval_secs,
        1.0 / aht_secs,
        1.0 / patience_secs,
        erlang_b(traffic, agents),
        answer_within_secs,
    )
}

/// The fewest agents meeting `target` under Erlang A (callers hang up after a mean patience of
/// `patience_secs`), and the queue's metrics with them.
pub fn erlang_a_staffing(
    calls: f64,
    interval_secs: f64,
    aht_secs: f64,
    patience_secs: f64,
    target: &ServiceTarget,
) -> Result<QueueMetrics, StaffingError> {
    target.validate()?;
    let traffic = traffic(calls, interval_secs, aht_secs)?;
    check("patience", patience_secs, patience_secs > 0.0, "positive")?;
    if traffic == 0.0 {
        return Ok(idle_queue(0));
    }
    let (lambda, mu, theta) = (calls / interval_secs, 1.0 / aht_secs, 1.0 / patience_secs);
    let with = |agents: u32| {
        erlang_a_metrics(
            agents,
            lambda,
            mu,
            theta,
            erlang_b(traffic, agents),
            target.answer_within_secs,
        )
    };
    let meets = |m: &QueueMetrics| {
        m.service_level >= target.service_level && m.occupancy <= target.max_occupancy
    };
    // N agents carry at most N Erlangs, so at least 1 − N/A of the callers hang up and at most
    // N/A are answered at all: fewer than `service_level · A` agents cannot meet the target.
    let floor = (target.service_level * traffic).ceil();
    if floor > MAX_AGENTS as f64 {
        return Err(StaffingError::TooManyAgents { traffic });
    }
    // A queue that does not settle within MAX_QUEUE_STATES waiting callers misses any target.
    let outcome = |agents: u32| match with(agents) {
        Ok(metrics) => Ok(meets(&metrics).then_some(metrics)),
        Err(StaffingError::QueueTooLong { .. }) => Ok(None),
        Err(other) => Err(other),
    };
    // Service level rises and occupancy falls with every agent added: from the floor, double
    // until the target is met, then bisect.
    let mut low = (floor as u32).saturating_sub(1); // fails (or is 0)
    let mut high = (floor as u32).max(1);
    let mut best = outcome(high)?;
    while best.is_none() {
        if high >= MAX_AGENTS {
            return Err(StaffingError::TooManyAgents { traffic });
        }
        low = high;
        high = high.saturating_mul(2).min(MAX_AGENTS);
        best = outcome(high)?;
    }
    while high - low > 1 {
        let middle = low + (high - low) / 2;
        match outcome(middle)? {
            Some(metrics) => {
                high = middle;
                best = Some(metrics);
            }
            None => low = middle,
        }
    }
    best.ok_or(StaffingError::TooManyAgents { traffic })
}

/// How callers behave while they wait.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "model")]
pub enum QueueModel {
    /// Erlang C: callers wait as long as it takes.
    ErlangC,
    /// Erlang A: callers hang up after an exponential patience with this mean, in seconds.
    ErlangA {
        /// Mean patience in seconds.
        patience_secs: f64,
    },
}

/// The staffing of one forecast interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct IntervalStaffing {
    /// Position of the interval in the forecast (0 first).
    pub interval: usize,
    /// Forecast calls in the interval (negative forecasts count as 0).
    pub calls: f64,
    /// The queue with the fewest agents that meet the target.
    pub metrics: QueueMetrics,
}

/// Agents required per interval for a volume forecast (`calls[i]` in interval `i`, each
/// `interval_secs` long), average handle time `aht_secs`, the target and the queue model.
pub fn staffing_plan(
    calls: &[f64],
    interval_secs: f64,
    aht_secs: f64,
    target: &ServiceTarget,
    model: QueueModel,
) -> Result<Vec<IntervalStaffing>, StaffingError> {
    calls
        .iter()
        .enumerate()
        .map(|(interval, &forecast)| {
            check("forecast calls", forecast, true, "finite")?;
            let calls = forecast.max(0.0);
            let metrics = match model {
                QueueModel::ErlangC => erlang_c_staffing(calls, interval_secs, aht_secs, target)?,
                QueueModel::ErlangA { patience_secs } => {
                    erlang_a_staffing(calls, interval_secs, aht_secs, patience_secs, target)?
                }
            };
            Ok(IntervalStaffing {
                interval,
                calls,
                metrics,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Erlang C by direct summation, `A^N/N! · N/(N−A) / (Σ_{k<N} A^k/k! + A^N/N! · N/(N−A))`.
    fn erlang_c_direct(traffic: f64, agents: u32) -> f64 {
        let mut term = 1.0; // A^k / k!
        let mut below = 0.0;
        for k in 0..agents {
            below += term;
            term *= traffic / (k + 1) as f64;
        }
        let top = term * agents as f64 / (agents as f64 - traffic);
        top / (below + top)
    }

    #[test]
    fn erlang_c_matches_direct_summation_and_published_tables() {
        // Published Erlang C table for 10 Erlangs, 11 to 15 agents.
        let published = [0.6821, 0.4494, 0.2853, 0.1741, 0.1020];
        for (agents, table) in (11..=15).zip(published) {
            let c = erlang_c(10.0, agents);
            assert!(
                (c - erlang_c_direct(10.0, agents)).abs() < 1e-12,
                "{agents}: {c}"
            );
            assert!((c - table).abs() < 5e-5, "{agents}: {c} vs {table}");
        }
        for (traffic, agents) in [(0.5, 1), (2.3, 4), (25.0, 30), (60.0, 75)] {
            let c = erlang_c(traffic, agents);
            assert!((c - erlang_c_direct(traffic, agents)).abs() < 1e-10);
        }
        assert_eq!(erlang_c(10.0, 10), 1.0);
        assert_eq!(erlang_b(3.0, 0), 1.0);
    }

    /// The textbook example: 100 calls in 30 minutes, 180 s handle time (10 Erlangs), 80% in
    /// 20 s. 13 agents answer 79.6% in time, so 14 are needed: 88.8%, ASA 7.8 s, occupancy 71.4%.
    #[test]
    fn textbook_example_needs_fourteen_agents() {
        let target = ServiceTarget::default();
        let staffing = erlang_c_staffing(100.0, 1800.0, 180.0, &target).unwrap();
        assert_eq!(staffing.agents, 14);
        assert!((staffing.traffic_erlangs - 10.0).abs() < 1e-12);
        assert!(
            (staffing.service_level - 0.8884).abs() < 1e-4,
            "{staffing:?}"
        );
        assert!((staffing.average_speed_of_answer_secs - 7.84).abs() < 0.01);
        assert!((staffing.occupancy - 10.0 / 14.0).abs() < 1e-12);
        assert!((staffing.probability_of_waiting - 0.1741).abs() < 1e-4);
        let thirteen = erlang_c_metrics_for(100.0, 1800.0, 180.0, 13, 20.0).unwrap();
        assert!((thirteen.service_level - 0.7956).abs() < 1e-4);
        // An occupancy cap of 70% forces a 15th agent.
        let capped = ServiceTarget {
            max_occupancy: 0.7,
            ..target
        };
        assert_eq!(
            erlang_c_staffing(100.0, 1800.0, 180.0, &capped)
                .unwrap()
                .agents,
            15
        );
    }

    #[test]
    fn large_traffic_is_stable() {
        // 20,000 Erlangs: the factorial form overflows; the recursion does not.
        let staffing =
            erlang_c_staffing(400_000.0, 3600.0, 180.0, &ServiceTarget::default()).unwrap();
        let agents = staffing.agents as f64;
        assert!(agents > 20_000.0 && agents < 20_200.0, "{staffing:?}");
        assert!(staffing.service_level >= 0.8 && staffing.service_level.is_finite());
        let fewer =
            erlang_c_metrics_for(400_000.0, 3600.0, 180.0, staffing.agents - 1, 20.0).unwrap();
        assert!(fewer.service_level < 0.8);
        assert!(erlang_b(1e6, 1_000_100).is_finite());
    }

    #[test]
    fn bad_inputs_and_empty_intervals() {
        let target = ServiceTarget::default();
        assert!(matches!(
            erlang_c_staffing(-1.0, 1800.0, 180.0, &target),
            Err(StaffingError::InvalidInput { name: "calls", .. })
        ));
        assert!(erlang_c_staffing(10.0, 0.0, 180.0, &target).is_err());
        assert!(erlang_c_staffing(10.0, 1800.0, f64::NAN, &target).is_err());
        let bad_target = ServiceTarget {
            service_level: 1.0,
            ..target
        };
        assert!(erlang_c_staffing(10.0, 1800.0, 180.0, &bad_target).is_err());
        assert!(erlang_a_staffing(10.0, 1800.0, 180.0, 0.0, &target).is_err());
        assert!(matches!(
            erlang_c_staffing(1e12, 1.0, 1e6, &target),
            Err(StaffingError::TooManyAgents { .. })
        ));
        let none = erlang_c_staffing(0.0, 1800.0, 180.0, &target).unwrap();
        assert_eq!(none.agents, 0);
        assert_eq!(none.average_speed_of_answer_secs, 0.0);
        assert_eq!((none.service_level, none.occupancy), (1.0, 0.0));
        let plan = staffing_plan(
            &[0.0, -2.0, 100.0],
            1800.0,
            180.0,
            &target,
            QueueModel::ErlangC,
        )
        .unwrap();
        assert_eq!(
            plan.iter().map(|p| p.metrics.agents).collect::<Vec<_>>(),
            vec![0, 0, 14]
        );
        assert!(staffing_plan(&[f64::NAN], 1800.0, 180.0, &target, QueueModel::ErlangC).is_err());
    }

    #[test]
    fn erlang_a_tends_to_erlang_c_with_endless_patience() {
        let a = erlang_a_metrics_for(100.0, 1800.0, 180.0, 1e9, 14, 20.0).unwrap();
        let c = erlang_c_metrics_for(100.0, 1800.0, 180.0, 14, 20.0).unwrap();
        assert!(
            (a.probability_of_waiting - c.probability_of_waiting).abs() < 1e-5,
            "{a:?}"
        );
        assert!(
            (a.service_level - c.service_level).abs() < 1e-4,
            "{a:?} {c:?}"
        );
        assert!((a.average_speed_of_answer_secs - c.average_speed_of_answer_secs).abs() < 1e-2);
        assert!(a.probability_of_abandoning < 1e-6);
    }

    #[test]
    fn erlang_a_staffs_an_overloaded_start_and_refuses_endless_work() {
        // From 1 agent at 10 Erlangs the queue weights overflow f64 unless kept in log scale.
        let target = ServiceTarget::default();
        let a = erlang_a_staffing(100.0, 1800.0, 180.0, 1e9, &target).unwrap();
        let c = erlang_c_staffing(100.0, 1800.0, 180.0, &target).unwrap();
        assert_eq!(a.agents, c.agents);
        assert!(a.service_level.is_finite() && a.probability_of_waiting.is_finite());
        let overloaded = erlang_a_metrics_for(100.0, 1800.0, 180.0, 1000.0, 1, 20.0).unwrap();
        assert!(overloaded.probability_of_waiting > 0.99, "{overloaded:?}");
        // With patience of 30 years one agent's queue never settles: an error, not a sum
        // truncated after a million callers (which gave an answer, and a wrong one).
        assert!(matches!(
            erlang_a_metrics_for(100.0, 1800.0, 180.0, 1e9, 1, 20.0),
            Err(StaffingError::QueueTooLong { agents: 1 })
        ));
        // Impatience of 1e-300 s would take ~1e300 uniformized jumps.
        assert!(matches!(
            erlang_a_metrics_for(10.0, 900.0, 300.0, 1e-300, 3, 20.0),
            Err(StaffingError::TooMuchWork { .. })
        ));
    }

    /// Patient callers and too few agents: the queue grows past any sum. A sum cut short used
    /// to staff 1 Erlang, and 100 Erlangs, with 1 agent; such agent counts miss the target, and
    /// patience that long is Erlang C's queue.
    #[test]
    fn erlang_a_with_very_patient_callers_staffs_as_erlang_c() {
        let target = ServiceTarget::default();
        for (calls, interval, aht) in [(100.0, 1800.0, 180.0), (1.0, 0.01, 1.0)] {
            let a = erlang_a_staffing(calls, interval, aht, 1e5, &target).unwrap();
            let c = erlang_c_staffing(calls, interval, aht, &target).unwrap();
            assert_eq!(
                a.agents, c.agents,
                "{calls} calls in {interval} s, AHT {aht} s"
            );
            assert!(a.service_level >= 0.8);
        }
        // 1 Erlang of millisecond calls with 28-hour patience: at 1 agent the queue holds some
        // 10⁵ callers, more than one evaluation may step through. An error, no longer 1 agent.
        assert!(matches!(
            erlang_a_staffing(1e3, 1.0, 1e-3, 1e5, &target),
            Err(StaffingError::TooMuchWork { .. })
        ));
    }

    /// Exponential variate with the given mean.
    fn exponential(state: &mut u64, mean: f64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let u = ((*state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        -mean * u.ln()
    }

    /// Erlang A against a simulation of the M/M/N+M queue: callers in arrival order take the
    /// first agent to free up, unless their patience runs out first (FIFO; callers who hang up
    /// never hold an agent).
    #[test]
    fn erlang_a_matches_a_queue_simulation() {
        let (calls, interval, aht, patience, agents, within) =
            (100.0, 1800.0, 180.0, 60.0, 10, 20.0);
        let model = erlang_a_metrics_for(calls, interval, aht, patience, agents, within).unwrap();
        let mut state = 2024u64;
        let mut free_at = vec![0.0f64; agents as usize];
        let (mut now, mut waited, mut abandoned, mut in_time, mut queue_time) = (0.0, 0, 0, 0, 0.0);
        let customers = 400_000;
        for _ in 0..customers {
            now += exponential(&mut state, interval / calls);
            let service = exponential(&mut state, aht);
            let patience = exponential(&mut state, patience);
            let (agent, &free) = free_at
                .iter()
                .enumerate()
                .min_by(|a, b| a.1.total_cmp(b.1))
                .unwrap();
            let wait = (free - now).max(0.0);
            if wait > 0.0 {
                waited += 1;
            }
            if wait > patience {
                abandoned += 1;
                queue_time += patience;
                continue;
            }
            queue_time += wait;
            if wait <= within {
                in_time += 1;
            }
            free_at[agent] = now + wait + service;
        }
        let share = |count: usize| count as f64 / customers as f64;
        assert!(
            (share(waited) - model.probability_of_waiting).abs() < 0.006,
            "{model:?} {}",
            share(waited)
        );
        assert!(
            (share(abandoned) - model.probability_of_abandoning).abs() < 0.005,
            "{model:?} {}",
            share(abandoned)
        );
        assert!(
            (share(in_time) - model.service_level).abs() < 0.006,
            "{model:?} {}",
            share(in_time)
        );
        let mean_queue = queue_time / customers as f64;
        assert!(
            (mean_queue - model.average_speed_of_answer_secs).abs() < 0.4,
            "{model:?} {mean_queue}"
        );
        // Callers who hang up relieve the queue: no more agents than Erlang C's 14.
        let staffed =
            erlang_a_staffing(calls, interval, aht, patience, &ServiceTarget::default()).unwrap();
        assert!(
            staffed.agents <= 14 && staffed.service_level >= 0.8,
            "{staffed:?}"
        );
        let one_fewer =
            erlang_a_metrics_for(calls, interval, aht, patience, staffed.agents - 1, within)
                .unwrap();
        assert!(one_fewer.service_level < 0.8);
    }
}
