//! Customer journeys across channels: the [`JourneyTracker`] seam, multi-touch
//! attribution and lifetime value.

pub mod attribution;
pub mod cohort;
pub mod json;
pub mod ltv;
pub mod map;
mod optimize;
pub mod tracker;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::model::JourneyEvent;

/// What a tracker knows about a journey right after one of its events.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JourneyUpdate {
    /// The customer whose journey this is.
    pub customer_id: String,
    /// The journey's stage after the event, when stages are configured.
    pub stage: Option<String>,
    /// Touchpoints in the journey so far.
    pub touchpoints: usize,
    /// Probability in [0, 1] that the journey ends without conversion.
    pub abandonment_risk: f64,
    /// The action most likely to move the journey forward, when one is known.
    pub next_best_action: Option<String>,
    /// Slope of the touchpoints' sentiment per touchpoint over the latest ones, when at least two have one.
    pub satisfaction_trend: Option<f64>,
    /// The step just taken, when it took far longer than in past journeys.
    pub bottleneck: Option<tracker::Bottleneck>,
    /// Seconds from the journey's first touchpoint to this one.
    pub duration_secs: f64,
    /// How the journey ended, when this event ended it.
    pub ended: Option<tracker::JourneyEnd>,
    /// How the customer's previous journey ended, when this event opened a new one after inactivity.
    pub previous_ended: Option<tracker::JourneyEnd>,
    /// Whether the risk crossed the retention threshold (and the hook, if any, was called).
    pub retention_triggered: bool,
    /// Whether this event id was already tracked in the journey (nothing changed).
    pub duplicate: bool,
}

/// Follows customers' journeys event by event.
pub trait JourneyTracker: Send + Sync {
    /// Appends `event` to its customer's journey and returns the journey's new state.
    fn track(&self, event: &JourneyEvent) -> Result<JourneyUpdate>;
}
