//! Errors of the real-time path.

/// Why an utterance or a call operation was refused. A refused utterance leaves
/// its call's state exactly as it was; no error touches another call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RealtimeError {
    /// The utterance text is empty or only whitespace.
    #[error("utterance text is empty")]
    EmptyText,
    /// The utterance text is longer than [`super::RealtimeConfig::max_text_bytes`].
    #[error("utterance text is {bytes} bytes, over the limit of {limit}")]
    TextTooLong {
        /// Length of the text in bytes of UTF-8.
        bytes: usize,
        /// The configured limit.
        limit: usize,
    },
    /// A voice feature is NaN, infinite or outside its physical range.
    #[error("voice feature `{field}` is {value}, which is not a valid measurement")]
    InvalidVoiceFeature {
        /// The feature's field name in [`crate::VoiceFeatures`].
        field: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The utterance ends before it starts.
    #[error("utterance ends at {end_ms} ms, before it starts at {start_ms} ms")]
    InvalidTiming {
        /// Start offset in milliseconds.
        start_ms: u64,
        /// End offset in milliseconds.
        end_ms: u64,
    },
    /// The sequence number is not greater than the last accepted one (a duplicate or a late utterance).
    #[error("utterance seq {seq} arrived after seq {last_seq}; sequence numbers must increase")]
    OutOfOrder {
        /// The last accepted sequence number.
        last_seq: u32,
        /// The refused one.
        seq: u32,
    },
    /// The tracker holds no live call with this id.
    #[error("no live call `{call_id}` for tenant `{tenant}`")]
    UnknownCall {
        /// Tenant id.
        tenant: String,
        /// Call id.
        call_id: String,
    },
    /// The call has already ended (or was evicted as idle).
    #[error("call `{call_id}` of tenant `{tenant}` has ended")]
    CallEnded {
        /// Tenant id.
        tenant: String,
        /// Call id.
        call_id: String,
    },
    /// `start_call` for a call that is already live.
    #[error("call `{call_id}` of tenant `{tenant}` is already live")]
    AlreadyLive {
        /// Tenant id.
        tenant: String,
        /// Call id.
        call_id: String,
    },
    /// The call record given to `start_call` is invalid.
    #[error("invalid call record: field `{field}`: {message}")]
    InvalidCall {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// A configuration value is outside its documented domain.
    #[error("invalid real-time configuration: {0}")]
    InvalidConfig(String),
    /// The sentiment analyzer refused the text for a reason other than the checks above.
    #[error("sentiment analysis failed: {0}")]
    Sentiment(String),
}

impl RealtimeError {
    /// The variant's snake_case name (`empty_text`, `out_of_order`, `unknown_call`, ...), for bindings and logs.
    pub fn kind(&self) -> &'static str {
        match self {
            RealtimeError::EmptyText => "empty_text",
            RealtimeError::TextTooLong { .. } => "text_too_long",
            RealtimeError::InvalidVoiceFeature { .. } => "invalid_voice_feature",
            RealtimeError::InvalidTiming { .. } => "invalid_timing",
            RealtimeError::OutOfOrder { .. } => "out_of_order",
            RealtimeError::UnknownCall { .. } => "unknown_call",
            RealtimeError::CallEnded { .. } => "call_ended",
            RealtimeError::AlreadyLive { .. } => "already_live",
            RealtimeError::InvalidCall { .. } => "invalid_call",
            RealtimeError::InvalidConfig(_) => "invalid_config",
            RealtimeError::Sentiment(_) => "sentiment",
        }
    }
}

impl From<RealtimeError> for crate::Error {
    fn from(error: RealtimeError) -> Self {
        crate::Error::InvalidArgument(error.to_string())
    }
}
