//! A small Nelder–Mead minimiser for the maximum-likelihood fits of this module.

/// Settings of [`nelder_mead`].
#[derive(Debug, Clone, Copy)]
pub(crate) struct NelderMead {
    /// Initial simplex edge length along each axis.
    pub step: f64,
    /// Stop when the spread of function values over the simplex falls below this.
    pub tolerance: f64,
    /// Most iterations per start.
    pub max_iterations: usize,
    /// Restarts from the best point found (restarting shakes off a collapsed simplex).
    pub restarts: usize,
}

impl Default for NelderMead {
    fn default() -> Self {
        Self {
            step: 0.5,
            tolerance: 1e-12,
            max_iterations: 20_000,
            restarts: 4,
        }
    }
}

/// Minimises `f` from `start`; returns the best point and its value. Non-finite values of `f`
/// are treated as +infinity, so `f` may return NaN outside its domain.
pub(crate) fn nelder_mead(
    f: impl Fn(&[f64]) -> f64,
    start: &[f64],
    settings: NelderMead,
) -> (Vec<f64>, f64) {
    let eval = |x: &[f64]| {
        let v = f(x);
        if v.is_finite() { v } else { f64::INFINITY }
    };
    let n = start.len();
    let mut best = start.to_vec();
    let mut best_value = eval(&best);
    for _ in 0..=settings.restarts {
        let mut simplex: Vec<Vec<f64>> = (0..=n)
            .map(|i| {
                let mut point = best.clone();
                if i > 0 {
                    point[i - 1] += settings.step;
                }
                point
            })
            .collect();
        let mut values: Vec<f64> = simplex.iter().map(|p| eval(p)).collect();
        for _ in 0..settings.max_iterations {
            let mut order: Vec<usize> = (0..=n).collect();
            order.sort_by(|&a, &b| values[a].total_cmp(&values[b]));
            simplex = order.iter().map(|&i| simplex[i].clone()).collect();
            values = order.iter().map(|&i| values[i]).collect();
            // Nowhere finite: there is no slope to follow (the caller reports the infinite value).
            if values[0] == f64::INFINITY
                || (values[n] - values[0]).abs() <= settings.tolerance * (1.0 + values[0].abs())
            {
                break;
            }
            let centroid: Vec<f64> = (0..n)
                .map(|d| simplex[..n].iter().map(|p| p[d]).sum::<f64>() / n as f64)
                .collect();
            let toward = |t: f64| -> Vec<f64> {
                centroid
                    .iter()
                    .zip(&simplex[n])
                    .map(|(c, w)| c + t * (w - c))
                    .collect()
            };
            let reflected = toward(-1.0);
            let reflected_value = eval(&reflected);
            if reflected_value < values[0] {
                let expanded = toward(-2.0);
                let expanded_value = eval(&expanded);
                if expanded_value < reflected_value {
                    simplex[n] = expanded;
                    values[n] = expanded_value;
                } else {
                    simplex[n] = reflected;
                    values[n] = reflected_value;
                }
            } else if reflected_value < values[n - 1] {
                simplex[n] = reflected;
                values[n] = reflected_value;
            } else {
                let contracted = if reflected_value < values[n] {
                    toward(-0.5)
                } else {
                    toward(0.5)
                };
                let contracted_value = eval(&contracted);
                if contracted_value < values[n].min(reflected_value) {
                    simplex[n] = contracted;
                    values[n] = contracted_value;
                } else {
                    for i in 1..=n {
                        simplex[i] = simplex[0]
                            .iter()
                            .zip(&simplex[i])
                            .map(|(b, p)| b + 0.5 * (p - b))
                            .collect();
                        values[i] = eval(&simplex[i]);
                    }
                }
            }
        }
        let (i, &value) = values
            .iter()
            .enumerate()
            .min_by(|a, b| a.1.total_cmp(b.1))
            .expect("simplex is not empty");
        if value <= best_value {
            best_value = value;
            best = simplex[i].clone();
        }
    }
    (best, best_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let rosenbrock = |x: &[f64]| (1.0 - x[0]).powi(2) + 100.0 * (x[1] - x[0] * x[0]).powi(2);
        let (x, value) = nelder_mead(rosenbrock, &[-1.2, 1.0], NelderMead::default());
        assert!(value < 1e-10, "{value}");
        assert!(
            (x[0] - 1.0).abs() < 1e-4 && (x[1] - 1.0).abs() < 1e-4,
            "{x:?}"
        );
    }
}
