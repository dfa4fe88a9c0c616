//! Customer journeys across channels: the [`JourneyTracker`] seam, multi-touch
//! attribution and lifetime value.

pub mod attribution;
pub mod ltv;
pub mod map;
mod optimize;

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
}

/// Follows customers' journeys event by event.
pub trait JourneyTracker: Send + Sync {
    /// Appends `event` to its customer's journey and returns the journey's new state.
    fn track(&self, event: &JourneyEvent) -> Result<JourneyUpdate>;
}
