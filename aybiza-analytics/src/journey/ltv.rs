//! Customer lifetime value: the BG/NBD repeat-purchase model with the Gamma–Gamma spend model,
//! fitted by maximum likelihood (Fader, Hardie & Lee 2005; Fader & Hardie 2013), as the
//! `lifetimes` package does.
//!
//! Each customer is summarised as RFM: `frequency` x (repeat transactions), `recency` t_x
//! (time of the last transaction since the first) and `age` T (time since the first), in any
//! one unit (weeks in the CDNOW example), plus the mean value of the repeat transactions.

use serde::{Deserialize, Serialize};

use super::optimize::{NelderMead, nelder_mead};
use crate::{Error, Result};

/// One customer's purchase history summary.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct CustomerRfm {
    /// Repeat transactions after the first (x >= 0).
    pub frequency: f64,
    /// Time of the last repeat transaction since the first transaction (0 <= t_x <= T).
    pub recency: f64,
    /// Time since the first transaction (T > 0).
    pub age: f64,
    /// Mean value of the repeat transactions (0 when there are none).
    pub monetary_value: f64,
}

/// Fitted BG/NBD parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BgNbd {
    /// Shape of the Gamma distribution of transaction rates.
    pub r: f64,
    /// Scale of the Gamma distribution of transaction rates.
    pub alpha: f64,
    /// First shape of the Beta distribution of drop-out probabilities.
    pub a: f64,
    /// Second shape of the Beta distribution of drop-out probabilities.
    pub b: f64,
    /// Log-likelihood of the data at these parameters.
    pub log_likelihood: f64,
}

/// Fitted Gamma–Gamma spend parameters.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct GammaGamma {
    /// Shape of the Gamma distribution of a transaction's value.
    pub p: f64,
    /// Shape of the Gamma distribution of the customers' scale.
    pub q: f64,
    /// Scale of the Gamma distribution of the customers' scale.
    pub v: f64,
    /// Log-likelihood of the data at these parameters.
    pub log_likelihood: f64,
}

fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

impl CustomerRfm {
    /// Fails unless the summary is one a customer can have: finite values >= 0, age > 0,
    /// recency <= age, and recency 0 without repeat transactions.
    pub fn check(&self) -> Result<()> {
        let c = self;
        let valid = [c.frequency, c.recency, c.age, c.monetary_value]
            .iter()
            .all(|v| v.is_finite() && *v >= 0.0)
            && c.age > 0.0
            && c.recency <= c.age
            && (c.frequency > 0.0 || c.recency == 0.0);
        if valid {
            Ok(())
        } else {
            Err(Error::InvalidArgument(format!(
                "needs finite frequency >= 0, 0 <= recency <= age, age > 0 (recency 0 without \
                 repeat purchases), got {c:?}"
            )))
        }
    }
}

fn check_customers(customers: &[CustomerRfm]) -> Result<()> {
    if customers.is_empty() {
        return Err(Error::InvalidArgument("no customers to fit".into()));
    }
    for (i, c) in customers.iter().enumerate() {
        c.check().map_err(|e| match e {
            Error::InvalidArgument(message) => {
                Error::InvalidArgument(format!("customer {}: {message}", i + 1))
            }
            other => other,
        })?;
    }
    Ok(())
}

/// Fitted model parameters that predictions can be made with.
pub trait ModelParams {
    /// Fails unless every parameter is in the domain the model's formulas need.
    fn check(&self) -> Result<()>;
}

/// Fails unless each named value is finite and positive.
fn positive(values: &[(&str, f64)]) -> Result<()> {
    match values.iter().find(|(_, v)| !(v.is_finite() && *v > 0.0)) {
        Some((name, v)) => Err(Error::InvalidArgument(format!(
            "{name} must be a finite number > 0, got {v}"
        ))),
        None => Ok(()),
    }
}

impl ModelParams for BgNbd {
    /// r, alpha, a and b finite and positive, and a != 1 (the expected transactions divide by a − 1).
    fn check(&self) -> Result<()> {
        positive(&[
            ("r", self.r),
            ("alpha", self.alpha),
            ("a", self.a),
            ("b", self.b),
        ])?;
        if self.a == 1.0 {
            return Err(Error::InvalidArgument(
                "a must not be exactly 1 (the expected transactions divide by a - 1)".into(),
            ));
        }
        Ok(())
    }
}

impl ModelParams for GammaGamma {
    /// p, q and v finite and positive, and q > 1 (otherwise the population's mean spend is infinite).
    fn check(&self) -> Result<()> {
        positive(&[("p", self.p), ("q", self.q), ("v", self.v)])?;
        if self.q <= 1.0 {
            return Err(Error::InvalidArgument(format!(
                "q must be > 1 for a finite mean spend, got {}",
                self.q
            )));
        }
        Ok(())
    }
}

/// Fails when the best negative log-likelihood found is not finite: the data overflow the
/// likelihood everywhere (e.g. a customer with an astronomically large frequency or value).
fn not_fitted_unless_finite(model: &str, negative_log_likelihood: f64) -> Result<()> {
    if negative_log_likelihood.is_finite() {
        Ok(())
    } else {
        Err(Error::InvalidArgument(format!(
            "{model} cannot be fitted: the likelihood is not finite at any parameters tried \
             (are some frequencies or values far out of range?)"
        )))
    }
}

impl BgNbd {
    /// Maximum-likelihood fit to customers' RFM summaries.
    pub fn fit(customers: &[CustomerRfm]) -> Result<Self> {
        check_customers(customers)?;
        if customers.iter().all(|c| c.frequency == 0.0) {
            return Err(Error::InvalidArgument(
                "no customer has a repeat transaction; BG/NBD cannot be fitted".into(),
            ));
        }
        let negative_ll = |log_params: &[f64]| {
            let [r, alpha, a, b] = [0, 1, 2, 3].map(|i| log_params[i].exp());
            -Self::log_likelihood_of(customers, r, alpha, a, b)
        };
        let (best, value) = nelder_mead(negative_ll, &[0.0; 4], NelderMead::default());
        not_fitted_unless_finite("BG/NBD", value)?;
        let [r, alpha, a, b] = [0, 1, 2, 3].map(|i| best[i].exp());
        Ok(Self {
            r,
            alpha,
            a,
            b,
            log_likelihood: -value,
        })
    }

    fn log_likelihood_of(customers: &[CustomerRfm], r: f64, alpha: f64, a: f64, b: f64) -> f64 {
        let constant = -ln_gamma(r) + r * alpha.ln() + ln_gamma(a + b) - ln_gamma(b);
        customers
            .iter()
            .map(|c| {
                let x = c.frequency;
                let a1 = ln_gamma(r + x) + constant + ln_gamma(b + x) - ln_gamma(a + b + x);
                let a3 = -(r + x) * (alpha + c.age).ln();
                let tail = if x > 0.0 {
                    let a4 = a.ln() - (b + x - 1.0).ln() - (r + x) * (alpha + c.recency).ln();
                    let high = a3.max(a4);
                    high + ((a3 - high).exp() + (a4 - high).exp()).ln()
                } else {
                    a3
                };
                a1 + tail
            })
            .sum()
    }

    /// Probability that a customer with this history is still active.
    pub fn probability_alive(&self, c: &CustomerRfm) -> f64 {
        if c.frequency == 0.0 {
            return 1.0;
        }
        let ratio = ((self.alpha + c.age) / (self.alpha + c.recency)).ln() * (self.r + c.frequency);
        1.0 / (1.0 + self.a / (self.b + c.frequency - 1.0) * ratio.exp())
    }

    /// Expected transactions in the next `t` time units for a customer with this history.
    pub fn expected_transactions(&self, c: &CustomerRfm, t: f64) -> f64 {
        let (r, alpha, a, b) = (self.r, self.alpha, self.a, self.b);
        let x = c.frequency;
        let z = t / (alpha + c.age + t);
        let hyp = hyp2f1(r + x, b + x, a + b + x - 1.0, z);
        let lead = (a + b + x - 1.0) / (a - 1.0);
        let body = 1.0 - ((alpha + c.age) / (alpha + c.age + t)).powf(r + x) * hyp;
        let alive_odds = if x > 0.0 {
            a / (b + x - 1.0) * ((alpha + c.age) / (alpha + c.recency)).powf(r + x)
        } else {
            0.0
        };
        lead * body / (1.0 + alive_odds)
    }
}

/// Gauss's hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1, by its power series.
fn hyp2f1(a: f64, b: f64, c: f64, z: f64) -> f64 {
    let mut term = 1.0;
    let mut sum = 1.0;
    for n in 0..100_000 {
        let n = n as f64;
        term *= (a + n) * (b + n) / ((c + n) * (n + 1.0)) * z;
        sum += term;
        if term.abs() < 1e-15 * sum.abs() {
            break;
        }
    }
    sum
}

impl GammaGamma {
    /// Maximum-likelihood fit on the customers with repeat transactions and positive value.
    pub fn fit(customers: &[CustomerRfm]) -> Result<Self> {
        check_customers(customers)?;
        let buyers: Vec<(f64, f64)> = customers
            .iter()
            .filter(|c| c.frequency > 0.0 && c.monetary_value > 0.0)
            .map(|c| (c.frequency, c.monetary_value))
            .collect();
        if buyers.len() < 2 {
            return Err(Error::InvalidArgument(
                "Gamma-Gamma needs at least two customers with repeat transactions and value"
                    .into(),
            ));
        }
        let log_likelihood = |p: f64, q: f64, v: f64| -> f64 {
            buyers
                .iter()
                .map(|&(x, m)| {
                    ln_gamma(p * x + q) - ln_gamma(p * x) - ln_gamma(q)
                        + q * v.ln()
                        + (p * x - 1.0) * m.ln()
                        + p * x * x.ln()
                        - (p * x + q) * (v + m * x).ln()
                })
                .sum()
        };
        let negative_ll = |log_params: &[f64]| {
            -log_likelihood(
                log_params[0].exp(),
                log_params[1].exp(),
                log_params[2].exp(),
            )
        };
        let (best, value) = nelder_mead(negative_ll, &[0.0; 3], NelderMead::default());
        not_fitted_unless_finite("Gamma-Gamma", value)?;
        Ok(Self {
            p: best[0].exp(),
            q: best[1].exp(),
            v: best[2].exp(),
            log_likelihood: -value,
        })
    }

    /// Expected mean transaction value of a customer, shrinking their observed mean toward the population's.
    pub fn expected_spend(&self, c: &CustomerRfm) -> f64 {
        let (p, q, v) = (self.p, self.q, self.v);
        let x = c.frequency;
        let population = p * v / (q - 1.0);
        if x == 0.0 {
            return population;
        }
        let weight = p * x / (p * x + q - 1.0);
        (1.0 - weight) * population + weight * c.monetary_value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cdnow() -> Option<Vec<CustomerRfm>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/data/cdnow_summary.csv");
        let text = std::fs::read_to_string(&path).ok()?;
        Some(
            text.lines()
                .skip(1)
                .map(|line| {
                    let f: Vec<f64> = line.split(',').map(|v| v.parse().unwrap()).collect();
                    CustomerRfm {
                        frequency: f[1],
                        recency: f[2],
                        age: f[3],
                        monetary_value: f[4],
                    }
                })
                .collect(),
        )
    }

    #[test]
    fn bg_nbd_matches_fader_hardie_lee_on_cdnow() {
        let Some(customers) = cdnow() else {
            eprintln!("skipped: ../shared/data/cdnow_summary.csv is not beside the repository");
            return;
        };
        let fit = BgNbd::fit(&customers).unwrap();
        // Published: r 0.243, alpha 4.414, a 0.793, b 2.426, LL -9582.4.
        assert!((fit.r - 0.243).abs() < 5e-4, "{fit:?}");
        assert!((fit.alpha - 4.414).abs() < 5e-4, "{fit:?}");
        assert!((fit.a - 0.793).abs() < 5e-4, "{fit:?}");
        assert!((fit.b - 2.426).abs() < 5e-4, "{fit:?}");
        assert!((fit.log_likelihood + 9582.4).abs() < 0.05, "{fit:?}");

        let spend = GammaGamma::fit(&customers).unwrap();
        // Published: p 6.25, q 3.74, v 15.44.
        assert!((spend.p - 6.25).abs() < 0.005, "{spend:?}");
        assert!((spend.q - 3.74).abs() < 0.005, "{spend:?}");
        assert!((spend.v - 15.44).abs() < 0.01, "{spend:?}");
    }

    #[test]
    fn parameters_and_customers_outside_their_domain_are_refused() {
        let fitted = BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        assert!(fitted.check().is_ok());
        for bad in [
            BgNbd { b: 0.0, ..fitted },
            BgNbd {
                r: f64::NAN,
                ..fitted
            },
            BgNbd { a: 1.0, ..fitted },
        ] {
            assert!(bad.check().is_err(), "{bad:?}");
        }
        let spend = GammaGamma {
            p: 6.25,
            q: 3.74,
            v: 15.44,
            log_likelihood: 0.0,
        };
        assert!(spend.check().is_ok());
        assert!(GammaGamma { q: 1.0, ..spend }.check().is_err());
        let customer = CustomerRfm {
            frequency: 2.0,
            recency: 30.0,
            age: 38.0,
            monetary_value: 22.0,
        };
        assert!(customer.check().is_ok());
        assert!(
            CustomerRfm {
                frequency: -3.0,
                ..customer
            }
            .check()
            .is_err()
        );
    }

    #[test]
    fn a_likelihood_overflowed_everywhere_is_an_error_not_a_fit() {
        let mut customers: Vec<CustomerRfm> = (1..20)
            .map(|i| CustomerRfm {
                frequency: f64::from(i % 4),
                recency: if i % 4 == 0 { 0.0 } else { f64::from(i) },
                age: 30.0,
                monetary_value: 10.0 + f64::from(i),
            })
            .collect();
        assert!(BgNbd::fit(&customers).is_ok() && GammaGamma::fit(&customers).is_ok());
        customers.push(CustomerRfm {
            frequency: 1e306,
            recency: 1.0,
            age: 2.0,
            monetary_value: 1e308,
        });
        for error in [
            BgNbd::fit(&customers).unwrap_err(),
            GammaGamma::fit(&customers).unwrap_err(),
        ] {
            assert!(
                error.to_string().contains("likelihood is not finite"),
                "{error}"
            );
        }
    }

    #[test]
    fn predictions_behave() {
        let model = BgNbd {
            r: 0.243,
            alpha: 4.414,
            a: 0.793,
            b: 2.426,
            log_likelihood: 0.0,
        };
        let active = CustomerRfm {
            frequency: 5.0,
            recency: 38.0,
            age: 39.0,
            monetary_value: 20.0,
        };
        let lapsed = CustomerRfm {
            recency: 5.0,
            ..active
        };
        // a/(b+x-1)·((α+T)/(α+t_x))^(r+x) = 0.1234·1.130, so P(alive) = 0.878.
        assert!((model.probability_alive(&active) - 0.878).abs() < 0.001);
        assert!(model.probability_alive(&lapsed) < 0.2);
        assert!(
            model.expected_transactions(&active, 39.0) > model.expected_transactions(&lapsed, 39.0)
        );
        // Fader & Hardie's worked example: x=2, t_x=30.43, T=38.86, 39 weeks ahead -> 1.226.
        let example = CustomerRfm {
            frequency: 2.0,
            recency: 30.43,
            age: 38.86,
            monetary_value: 0.0,
        };
        assert!((model.expected_transactions(&example, 39.0) - 1.226).abs() < 0.01);
    }

    #[test]
    fn bad_customers_are_rejected() {
        let bad = CustomerRfm {
            frequency: 1.0,
            recency: 10.0,
            age: 5.0,
            monetary_value: 1.0,
        };
        assert!(BgNbd::fit(&[bad]).is_err());
        assert!(BgNbd::fit(&[]).is_err());
        let none = CustomerRfm {
            frequency: 0.0,
            recency: 0.0,
            age: 5.0,
            monetary_value: 0.0,
        };
        assert!(BgNbd::fit(&[none, none]).is_err());
    }
}
