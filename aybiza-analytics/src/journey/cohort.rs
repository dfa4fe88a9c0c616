//! Cohorts: customers grouped by the period of their first activity (or by any
//! label), followed period by period — retention, value (LTV progression) and
//! activity per active customer — and the RFM summaries that the BG/NBD model
//! of [`super::ltv`] is fitted on.

use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};

use super::ltv::CustomerRfm;
use crate::{Error, Result};

/// Length of a cohort period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Calendar days (UTC).
    Day,
    /// ISO weeks, Monday to Sunday (UTC).
    Week,
    /// Calendar months (UTC).
    Month,
}

impl Period {
    /// The first day of the period that contains `date`.
    pub fn start_of(self, date: NaiveDate) -> NaiveDate {
        match self {
            Period::Day => date,
            Period::Week => date - Duration::days(i64::from(date.weekday().num_days_from_monday())),
            Period::Month => date.with_day(1).expect("day 1 exists"),
        }
    }

    /// Whole periods from the period of `from` to the period of `to` (0 for the same period).
    pub fn between(self, from: NaiveDate, to: NaiveDate) -> i64 {
        let (from, to) = (self.start_of(from), self.start_of(to));
        match self {
            Period::Day => (to - from).num_days(),
            Period::Week => (to - from).num_days() / 7,
            Period::Month => {
                i64::from(to.year() - from.year()) * 12 + i64::from(to.month())
                    - i64::from(from.month())
            }
        }
    }
}

/// One cohort followed over the periods after its start.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cohort {
    /// The cohort's label: the first day of its start period, or the label it was given.
    pub label: String,
    /// Customers in the cohort.
    pub size: u64,
    /// Customers active in each period since their own first period (index 0 is that period).
    pub active: Vec<u64>,
    /// `active[k] / size`.
    pub retention: Vec<f64>,
    /// Value in each period since the start.
    pub value: Vec<f64>,
    /// Cumulative value per customer of the cohort (the LTV progression).
    pub cumulative_value_per_customer: Vec<f64>,
    /// Activities per active customer in each period (behaviour change over time).
    pub activities_per_active: Vec<f64>,
}

/// The most periods a customer may be followed over in a [`CohortBuilder::build`] table
/// (27 years of days).
pub const MAX_COHORT_PERIODS: usize = 10_000;

/// Cohorts side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CohortTable {
    /// The period length.
    pub period: Period,
    /// Cohorts in label order.
    pub cohorts: Vec<Cohort>,
}

/// Collects customers' activities and builds cohorts from them.
#[derive(Debug, Clone, Default)]
pub struct CohortBuilder {
    customers: FxHashMap<String, CustomerLog>,
    labels: FxHashMap<String, String>,
}

#[derive(Debug, Clone, Default)]
struct CustomerLog {
    activities: Vec<(DateTime<Utc>, f64)>,
}

impl CohortBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records one activity (a call, a purchase, a visit) of `customer`, with its value (0 for none).
    pub fn push(&mut self, customer: &str, at: DateTime<Utc>, value: f64) -> Result<()> {
        if !value.is_finite() {
            return Err(Error::InvalidArgument(format!(
                "activity value of customer {customer} is not finite ({value})"
            )));
        }
        match self.customers.get_mut(customer) {
            Some(log) => log.activities.push((at, value)),
            None => {
                let activities = vec![(at, value)];
                self.customers
                    .insert(customer.to_owned(), CustomerLog { activities });
            }
        }
        Ok(())
    }

    /// Puts `customer` in the cohort `label` instead of the cohort of its first period.
    pub fn assign(&mut self, customer: &str, label: &str) {
        self.labels.insert(customer.to_owned(), label.to_owned());
    }

    /// Builds the cohort table; each customer is followed from its own first period up to `until`.
    /// Fails when that spans more than [`MAX_COHORT_PERIODS`] periods (a mistyped timestamp,
    /// most likely), which would take memory in proportion.
    pub fn build(&self, period: Period, until: DateTime<Utc>) -> Result<CohortTable> {
        struct Accumulator {
            size: u64,
            active: Vec<u64>,
            value: Vec<f64>,
            activities: Vec<u64>,
        }
        let mut by_label: BTreeMap<String, Accumulator> = BTreeMap::new();
        let last_day = until.date_naive();
        for (customer, log) in &self.customers {
            let Some(first) = log.activities.iter().map(|(t, _)| *t).min() else {
                continue;
            };
            let first_day = first.date_naive();
            let label = self
                .labels
                .get(customer)
                .cloned()
                .unwrap_or_else(|| period.start_of(first_day).to_string());
            let horizon = period.between(first_day, last_day).max(0) as usize + 1;
            if horizon > MAX_COHORT_PERIODS {
                return Err(Error::InvalidArgument(format!(
                    "customer {customer} is followed over {horizon} periods from {first_day} to \
                     {last_day}, over the limit of {MAX_COHORT_PERIODS}"
                )));
            }
            let slot = by_label.entry(label).or_insert_with(|| Accumulator {
                size: 0,
                active: Vec::new(),
                value: Vec::new(),
                activities: Vec::new(),
            });
            slot.size += 1;
            if slot.active.len() < horizon {
                slot.active.resize(horizon, 0);
                slot.value.resize(horizon, 0.0);
                slot.activities.resize(horizon, 0);
            }
            let mut seen = vec![false; horizon];
            for &(at, value) in &log.activities {
                let k = period.between(first_day, at.date_naive());
                if k < 0 || k as usize >= horizon {
                    continue;
                }
                let k = k as usize;
                if !seen[k] {
                    seen[k] = true;
                    slot.active[k] += 1;
                }
                slot.value[k] += value;
                slot.activities[k] += 1;
            }
        }
        let cohorts = by_label
            .into_iter()
            .map(|(label, acc)| {
                let size = acc.size as f64;
                let mut running = 0.0;
                Cohort {
                    label,
                    size: acc.size,
                    retention: acc.active.iter().map(|&a| a as f64 / size).collect(),
                    cumulative_value_per_customer: acc
                        .value
                        .iter()
                        .map(|v| {
                            running += v;
                            running / size
                        })
                        .collect(),
                    activities_per_active: acc
                        .activities
                        .iter()
                        .zip(&acc.active)
                        .map(|(&n, &a)| if a == 0 { 0.0 } else { n as f64 / a as f64 })
                        .collect(),
                    active: acc.active,
                    value: acc.value,
                }
            })
            .collect();
        Ok(CohortTable { period, cohorts })
    }

    /// RFM summaries for BG/NBD, as the `lifetimes` package computes them: transactions on the
    /// same day count once; `frequency` is the number of later transaction days, `recency` the
    /// time from the first to the last, `age` the time from the first to `until`, all in units of
    /// `unit_days` days; `monetary_value` is the mean value of the later transaction days.
    /// Customers whose first transaction is after `until` are left out.
    pub fn rfm(&self, until: DateTime<Utc>, unit_days: f64) -> Result<Vec<(String, CustomerRfm)>> {
        if !(unit_days.is_finite() && unit_days > 0.0) {
            return Err(Error::InvalidArgument(format!(
                "the RFM time unit must be a positive number of days, got {unit_days}"
            )));
        }
        let end = until.date_naive();
        let mut summaries = Vec::new();
        for (customer, log) in &self.customers {
            let mut days: BTreeMap<NaiveDate, f64> = BTreeMap::new();
            for &(at, value) in &log.activities {
                if at.date_naive() <= end {
                    *days.entry(at.date_naive()).or_default() += value;
                }
            }
            let Some((&first, _)) = days.iter().next() else {
                continue;
            };
            let (&last, _) = days.iter().next_back().expect("not empty");
            let repeat: Vec<f64> = days.values().skip(1).copied().collect();
            let units = |from: NaiveDate, to: NaiveDate| (to - from).num_days() as f64 / unit_days;
            summaries.push((
                customer.clone(),
                CustomerRfm {
                    frequency: repeat.len() as f64,
                    recency: units(first, last),
                    age: units(first, end).max(f64::MIN_POSITIVE),
                    monetary_value: if repeat.is_empty() {
                        0.0
                    } else {
                        repeat.iter().sum::<f64>() / repeat.len() as f64
                    },
                },
            ));
        }
        summaries.sort_by(|a, b| a.0.cmp(&b.0));
        Ok(summaries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 12, 0, 0).unwrap()
    }

    #[test]
    fn a_span_over_the_period_limit_is_refused() {
        let mut b = CohortBuilder::default();
        b.push("a", at(1500, 1, 1), 0.0).unwrap();
        let message = b
            .build(Period::Day, at(2026, 1, 1))
            .unwrap_err()
            .to_string();
        assert!(message.contains("over the limit of 10000"), "{message}");
        assert!(b.build(Period::Month, at(2026, 1, 1)).is_ok());
    }

    #[test]
    fn monthly_cohorts_track_retention_value_and_activity() {
        let mut b = CohortBuilder::new();
        // January cohort: a (active Jan, Feb), b (Jan only); February cohort: c (Feb, Feb, Mar).
        b.push("a", at(2026, 1, 3), 10.0).unwrap();
        b.push("a", at(2026, 2, 9), 5.0).unwrap();
        b.push("b", at(2026, 1, 20), 20.0).unwrap();
        b.push("c", at(2026, 2, 1), 0.0).unwrap();
        b.push("c", at(2026, 2, 2), 4.0).unwrap();
        b.push("c", at(2026, 3, 30), 6.0).unwrap();
        let table = b.build(Period::Month, at(2026, 3, 31)).unwrap();
        let jan = &table.cohorts[0];
        assert_eq!(jan.label, "2026-01-01");
        assert_eq!((jan.size, jan.active.clone()), (2, vec![2, 1, 0]));
        assert_eq!(jan.retention, vec![1.0, 0.5, 0.0]);
        assert_eq!(jan.cumulative_value_per_customer, vec![15.0, 17.5, 17.5]);
        let feb = &table.cohorts[1];
        assert_eq!((feb.size, feb.active.clone()), (1, vec![1, 1]));
        assert_eq!(feb.activities_per_active, vec![2.0, 1.0]);
    }

    #[test]
    fn weeks_start_on_monday_and_labels_override() {
        // 2026-01-05 is a Monday.
        assert_eq!(
            Period::Week
                .start_of(NaiveDate::from_ymd_opt(2026, 1, 11).unwrap())
                .to_string(),
            "2026-01-05"
        );
        assert_eq!(
            Period::Week.between(
                NaiveDate::from_ymd_opt(2026, 1, 11).unwrap(),
                NaiveDate::from_ymd_opt(2026, 1, 12).unwrap()
            ),
            1
        );
        let mut b = CohortBuilder::new();
        b.push("a", at(2026, 1, 5), 1.0).unwrap();
        b.push("b", at(2026, 3, 5), 1.0).unwrap();
        b.assign("a", "gold");
        b.assign("b", "gold");
        let table = b.build(Period::Week, at(2026, 3, 6)).unwrap();
        assert_eq!(table.cohorts.len(), 1);
        assert_eq!(table.cohorts[0].size, 2);
        assert!(b.push("a", at(2026, 1, 6), f64::NAN).is_err());
    }

    #[test]
    fn rfm_counts_repeat_days_like_lifetimes() {
        let mut b = CohortBuilder::new();
        b.push("a", at(2026, 1, 1), 10.0).unwrap();
        b.push("a", at(2026, 1, 1), 5.0).unwrap(); // same day: one transaction
        b.push("a", at(2026, 1, 8), 20.0).unwrap();
        b.push("a", at(2026, 1, 15), 30.0).unwrap();
        b.push("b", at(2026, 1, 10), 7.0).unwrap();
        let rfm = b.rfm(at(2026, 1, 29), 7.0).unwrap();
        let a = rfm[0].1;
        assert_eq!(
            (a.frequency, a.recency, a.age, a.monetary_value),
            (2.0, 2.0, 4.0, 25.0)
        );
        let b_rfm = rfm[1].1;
        assert_eq!(
            (b_rfm.frequency, b_rfm.recency, b_rfm.monetary_value),
            (0.0, 0.0, 0.0)
        );
        assert!(b.rfm(at(2026, 1, 29), 0.0).is_err());
    }
}
