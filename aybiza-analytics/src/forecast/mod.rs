//! Call-volume forecasting: the [`Forecaster`] seam.

use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// A prediction interval at one confidence level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ForecastInterval {
    /// Nominal coverage in (0, 1), e.g. 0.95.
    pub level: f64,
    /// Lower bound per step.
    pub lower: Vec<f64>,
    /// Upper bound per step.
    pub upper: Vec<f64>,
}

/// Point forecasts and intervals for the steps after the end of a series.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forecast {
    /// Point forecast per step.
    pub point: Vec<f64>,
    /// One interval per requested level, in the order requested.
    pub intervals: Vec<ForecastInterval>,
}

/// Forecasts a regularly spaced series.
pub trait Forecaster: Send + Sync {
    /// Fits to `history` and forecasts `horizon` steps with intervals at `levels` (each in (0, 1)).
    fn forecast(&self, history: &[f64], horizon: usize, levels: &[f64]) -> Result<Forecast>;
}

/// Checks the arguments every [`Forecaster`] shares: a finite history of at least `min_len`
/// values, a horizon from 1 to `max_horizon`, and levels strictly between 0 and 1.
pub fn check_forecast_args(
    history: &[f64],
    min_len: usize,
    horizon: usize,
    max_horizon: usize,
    levels: &[f64],
) -> Result<()> {
    if history.len() < min_len {
        return Err(Error::InvalidArgument(format!(
            "series has {} values; at least {min_len} are needed",
            history.len()
        )));
    }
    if let Some(i) = history.iter().position(|v| !v.is_finite()) {
        return Err(Error::InvalidArgument(format!(
            "series value {i} is not a finite number ({})",
            history[i]
        )));
    }
    if horizon == 0 || horizon > max_horizon {
        return Err(Error::InvalidArgument(format!(
            "horizon must be between 1 and {max_horizon}, got {horizon}"
        )));
    }
    if let Some(level) = levels.iter().find(|l| !(**l > 0.0 && **l < 1.0)) {
        return Err(Error::InvalidArgument(format!(
            "interval levels must be strictly between 0 and 1, got {level}"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_forecast_arguments_are_named() {
        let ok = [1.0; 10];
        assert!(check_forecast_args(&ok, 4, 3, 100, &[0.8, 0.95]).is_ok());
        let short = check_forecast_args(&ok[..2], 4, 3, 100, &[]).unwrap_err();
        assert!(short.to_string().contains("at least 4"));
        let nan = check_forecast_args(&[1.0, f64::NAN, 2.0, 3.0], 4, 3, 100, &[]).unwrap_err();
        assert!(nan.to_string().contains("value 1"));
        assert!(check_forecast_args(&ok, 4, 0, 100, &[]).is_err());
        assert!(check_forecast_args(&ok, 4, 101, 100, &[]).is_err());
        assert!(check_forecast_args(&ok, 4, 3, 100, &[95.0]).is_err());
    }
}
