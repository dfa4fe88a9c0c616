//! Conversation context: repetitions, topic changes, resolution and escalation
//! cues, time on the call, hold and silence time, interruptions.
//!
//! Each turn becomes a set of at most [`MAX_TOKENS`] content words (lower-cased,
//! stop words removed, kept as 32-bit FNV-1a hashes in a sorted fixed array, so
//! nothing is allocated).
//!
//! * **Repetition**: a customer turn with at least `min_content_words` content words
//!   whose Jaccard similarity |A∩B| / |A∪B| with one of the customer's last
//!   [`RECENT_CUSTOMER_TURNS`] turns is at least `repetition_similarity` (default 0.6).
//! * **Topic change**: a customer turn (not the customer's first, not a repetition) with at least `min_content_words` content
//!   words whose overlap coefficient |A∩U| / min(|A|, |U|) with the union U of the
//!   previous two turns (either speaker, at least `min_content_words` words) is below
//!   `topic_change_overlap` (default 0.1).
//! * **Resolution cue**: an agent or bot turn with a resolution word (resolved, fixed,
//!   processed, refunded, credited, reset, updated, sorted, completed, done, replaced,
//!   reactivated) not preceded by a negation (not, no, never, or a word ending in n't).
//! * **Escalation request**: a customer turn naming a supervisor, manager, escalate,
//!   complaint or lawyer (not cancelling, which is a churn intent).
//! * **Gaps**: the gap before a turn is `silence_before_ms` when the pipeline measured it,
//!   otherwise start_ms minus the previous turn's end (0 on overlap). A gap of at least
//!   `hold_min_ms` (20 s) counts as hold time, else one of at least `silence_min_ms` (1.5 s)
//!   as silence time. Time on the call is the latest end offset seen.

use serde::{Deserialize, Serialize};

use super::RealtimeConfig;
use crate::model::Speaker;

/// Most content words kept per turn; later ones are ignored.
pub const MAX_TOKENS: usize = 24;
/// Customer turns a new customer turn is compared with for repetitions.
pub const RECENT_CUSTOMER_TURNS: usize = 4;
/// Longest word kept whole when lower-casing (longer words are hashed on their first bytes).
const MAX_WORD_BYTES: usize = 24;

/// Words that carry no topic.
const STOP_WORDS: &[&str] = &[
    "a", "about", "all", "am", "an", "and", "any", "are", "as", "at", "be", "been", "but", "by",
    "can", "could", "did", "do", "does", "for", "from", "get", "got", "had", "has", "have", "he",
    "her", "here", "hi", "him", "his", "how", "i", "i'd", "i'll", "i'm", "i've", "if", "in", "is",
    "it", "it's", "just", "know", "like", "me", "my", "no", "not", "now", "of", "ok", "okay", "on",
    "one", "or", "our", "please", "really", "so", "some", "that", "that's", "the", "their", "them",
    "then", "there", "there's", "they", "this", "to", "uh", "um", "up", "us", "very", "was", "we",
    "we're", "well", "were", "what", "what's", "when", "where", "which", "who", "why", "will",
    "with", "would", "yes", "you", "you're", "your",
];

const fn fnv1a(bytes: &[u8]) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u32;
        hash = hash.wrapping_mul(0x0100_0193);
        i += 1;
    }
    hash
}

const RESOLUTION_CUES: [u32; 12] = [
    fnv1a(b"resolved"),
    fnv1a(b"fixed"),
    fnv1a(b"processed"),
    fnv1a(b"refunded"),
    fnv1a(b"credited"),
    fnv1a(b"reset"),
    fnv1a(b"updated"),
    fnv1a(b"sorted"),
    fnv1a(b"completed"),
    fnv1a(b"done"),
    fnv1a(b"replaced"),
    fnv1a(b"reactivated"),
];

/// Words of a request to escalate. Cancelling is not one: it is a churn intent (the default
/// live rule `churn_intent`), and counting it made every cancellation call look escalating.
const ESCALATION_CUES: [u32; 5] = [
    fnv1a(b"supervisor"),
    fnv1a(b"manager"),
    fnv1a(b"escalate"),
    fnv1a(b"complaint"),
    fnv1a(b"lawyer"),
];

const NEGATIONS: [u32; 3] = [fnv1a(b"not"), fnv1a(b"no"), fnv1a(b"never")];

/// The content words of one turn as a sorted set of hashes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TokenSet {
    hashes: [u32; MAX_TOKENS],
    len: u8,
}

impl TokenSet {
    /// The hashes, sorted and distinct.
    pub fn as_slice(&self) -> &[u32] {
        &self.hashes[..usize::from(self.len)]
    }

    /// Number of distinct content words.
    pub fn len(&self) -> usize {
        usize::from(self.len)
    }

    /// Whether the turn had no content word.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    fn insert(&mut self, hash: u32) {
        let len = self.len();
        if len == MAX_TOKENS {
            return;
        }
        if let Err(at) = self.as_slice().binary_search(&hash) {
            self.hashes.copy_within(at..len, at + 1);
            self.hashes[at] = hash;
            self.len += 1;
        }
    }

    fn contains(&self, hash: u32) -> bool {
        self.as_slice().binary_search(&hash).is_ok()
    }

    /// |A∩B| by merging the two sorted arrays.
    fn intersection(&self, other: &TokenSet) -> usize {
        let (a, b) = (self.as_slice(), other.as_slice());
        let (mut i, mut j, mut n) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    n += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        n
    }

    /// Jaccard similarity |A∩B| / |A∪B| (0 when both are empty).
    pub fn jaccard(&self, other: &TokenSet) -> f64 {
        let inter = self.intersection(other);
        let union = self.len() + other.len() - inter;
        if union == 0 {
            0.0
        } else {
            inter as f64 / union as f64
        }
    }
}

/// What tokenizing one turn found.
#[derive(Debug, Clone, Copy, Default)]
struct Scan {
    words: TokenSet,
    resolution_cue: bool,
    escalation_cue: bool,
}

fn scan(text: &str) -> Scan {
    let mut out = Scan::default();
    let mut buffer = [0u8; MAX_WORD_BYTES];
    let mut negated = false;
    for word in text
        .split(|c: char| !(c.is_alphanumeric() || c == '\'' || c == '\u{2019}'))
        .filter(|w| !w.is_empty())
    {
        let mut len = 0;
        for c in word.chars().flat_map(char::to_lowercase) {
            let c = if c == '\u{2019}' { '\'' } else { c };
            let mut utf8 = [0u8; 4];
            let bytes = c.encode_utf8(&mut utf8).as_bytes();
            if len + bytes.len() > MAX_WORD_BYTES {
                break;
            }
            buffer[len..len + bytes.len()].copy_from_slice(bytes);
            len += bytes.len();
        }
        let lower = &buffer[..len];
        let hash = fnv1a(lower);
        if RESOLUTION_CUES.contains(&hash) && !negated {
            out.resolution_cue = true;
        }
        if ESCALATION_CUES.contains(&hash) {
            out.escalation_cue = true;
        }
        negated = NEGATIONS.contains(&hash) || lower.ends_with(b"n't");
        let stop = STOP_WORDS
            .binary_search_by(|w| w.as_bytes().cmp(lower))
            .is_ok();
        if lower.len() >= 2 && !stop {
            out.words.insert(hash);
        }
    }
    out
}

/// How the gap before a turn was classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapKind {
    /// Shorter than `silence_min_ms`.
    None,
    /// Silence: at least `silence_min_ms`, shorter than `hold_min_ms`.
    Silence,
    /// Hold: at least `hold_min_ms`.
    Hold,
}

/// The context signals of one turn.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContextSignals {
    /// The customer repeated one of their recent turns.
    pub repetition: bool,
    /// Highest Jaccard similarity with the customer's recent turns (0 for other speakers).
    pub similarity: f64,
    /// The turn moved to a new topic.
    pub topic_change: bool,
    /// An agent or bot said the issue was resolved.
    pub resolution_cue: bool,
    /// The customer asked for a supervisor, a manager, to escalate, a complaint or a lawyer.
    pub escalation_request: bool,
    /// The gap before this turn in milliseconds.
    pub gap_ms: u64,
    /// How the gap was counted.
    pub gap_kind: GapKind,
}

/// The running conversation context of a call.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ContextState {
    /// Customer repetitions so far.
    pub repetitions: u32,
    /// Topic changes so far.
    pub topic_changes: u32,
    /// Resolution progress in [0, 1] (updated by [`super::fusion`]).
    pub resolution_progress: f64,
    /// Customer requests for a supervisor, a manager, to escalate, a complaint or a lawyer so far.
    pub escalation_requests: u32,
    /// Latest end offset seen, in milliseconds.
    pub time_on_call_ms: u64,
    /// Total hold time, in milliseconds.
    pub hold_ms: u64,
    /// Total silence time (gaps shorter than hold), in milliseconds.
    pub silence_ms: u64,
    /// Times the customer interrupted.
    pub customer_interruptions: u32,
    /// Times the agent or bot interrupted.
    pub agent_interruptions: u32,
    /// Customer turns so far.
    pub customer_turns: u32,
    /// Agent and bot turns so far.
    pub agent_turns: u32,
}

/// The conversation-context tracker of one call: fixed-size, no heap.
#[derive(Debug, Clone)]
pub struct ConversationContext {
    recent_customer: [TokenSet; RECENT_CUSTOMER_TURNS],
    recent_customer_len: u8,
    next_customer_slot: u8,
    previous_turns: [TokenSet; 2],
    last_end_ms: Option<u64>,
    state: ContextState,
}

impl Default for ConversationContext {
    fn default() -> Self {
        ConversationContext {
            recent_customer: [TokenSet::default(); RECENT_CUSTOMER_TURNS],
            recent_customer_len: 0,
            next_customer_slot: 0,
            previous_turns: [TokenSet::default(); 2],
            last_end_ms: None,
            state: ContextState {
                repetitions: 0,
                topic_changes: 0,
                resolution_progress: 0.0,
                escalation_requests: 0,
                time_on_call_ms: 0,
                hold_ms: 0,
                silence_ms: 0,
                customer_interruptions: 0,
                agent_interruptions: 0,
                customer_turns: 0,
                agent_turns: 0,
            },
        }
    }
}

impl ConversationContext {
    /// The running state.
    pub fn state(&self) -> &ContextState {
        &self.state
    }

    /// Sets the resolution progress (clamped to [0, 1]).
    pub fn set_resolution_progress(&mut self, progress: f64) {
        self.state.resolution_progress = progress.clamp(0.0, 1.0);
    }

    /// Adds one turn. `silence_before_ms` and `interruption` come from the voice features when present.
    #[allow(clippy::too_many_arguments)]
    pub fn observe(
        &mut self,
        speaker: Speaker,
        text: &str,
        start_ms: u64,
        end_ms: u64,
        silence_before_ms: Option<u64>,
        interruption: bool,
        config: &RealtimeConfig,
    ) -> ContextSignals {
        let scan = scan(text);
        let min_words = config.min_content_words;
        let customer = speaker == Speaker::Customer;

        let mut similarity: f64 = 0.0;
        if customer && scan.words.len() >= min_words {
            let recent = &self.recent_customer[..usize::from(self.recent_customer_len)];
            for turn in recent.iter().filter(|t| t.len() >= min_words) {
                similarity = similarity.max(scan.words.jaccard(turn));
            }
        }
        let repetition = customer && similarity >= config.repetition_similarity && similarity > 0.0;

        let [older, newer] = &self.previous_turns;
        let union_len = older.len() + newer.len() - older.intersection(newer);
        let topic_change = customer
            && self.recent_customer_len > 0
            && !repetition
            && scan.words.len() >= min_words
            && union_len >= min_words
            && {
                let shared = scan
                    .words
                    .as_slice()
                    .iter()
                    .filter(|&&h| older.contains(h) || newer.contains(h))
                    .count();
                (shared as f64 / scan.words.len().min(union_len) as f64)
                    < config.topic_change_overlap
            };

        let gap_ms = silence_before_ms.unwrap_or_else(|| {
            self.last_end_ms
                .map_or(0, |last| start_ms.saturating_sub(last))
        });
        let gap_kind = if gap_ms >= config.hold_min_ms {
            GapKind::Hold
        } else if gap_ms >= config.silence_min_ms {
            GapKind::Silence
        } else {
            GapKind::None
        };

        let s = &mut self.state;
        match gap_kind {
            GapKind::Hold => s.hold_ms = s.hold_ms.saturating_add(gap_ms),
            GapKind::Silence => s.silence_ms = s.silence_ms.saturating_add(gap_ms),
            GapKind::None => {}
        }
        s.repetitions = s.repetitions.saturating_add(u32::from(repetition));
        s.topic_changes = s.topic_changes.saturating_add(u32::from(topic_change));
        s.time_on_call_ms = s.time_on_call_ms.max(end_ms);
        let escalation_request = customer && scan.escalation_cue;
        let resolution_cue = !customer && scan.resolution_cue;
        s.escalation_requests = s
            .escalation_requests
            .saturating_add(u32::from(escalation_request));
        if customer {
            s.customer_turns = s.customer_turns.saturating_add(1);
            s.customer_interruptions = s
                .customer_interruptions
                .saturating_add(u32::from(interruption));
            let slot = usize::from(self.next_customer_slot);
            self.recent_customer[slot] = scan.words;
            self.next_customer_slot = ((slot + 1) % RECENT_CUSTOMER_TURNS) as u8;
            self.recent_customer_len =
                (self.recent_customer_len + 1).min(RECENT_CUSTOMER_TURNS as u8);
        } else {
            s.agent_turns = s.agent_turns.saturating_add(1);
            s.agent_interruptions = s
                .agent_interruptions
                .saturating_add(u32::from(interruption));
        }
        self.previous_turns = [self.previous_turns[1], scan.words];
        self.last_end_ms = Some(self.last_end_ms.map_or(end_ms, |last| last.max(end_ms)));

        ContextSignals {
            repetition,
            similarity,
            topic_change,
            resolution_cue,
            escalation_request,
            gap_ms,
            gap_kind,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(
        ctx: &mut ConversationContext,
        speaker: Speaker,
        text: &str,
        start_ms: u64,
        end_ms: u64,
    ) -> ContextSignals {
        ctx.observe(
            speaker,
            text,
            start_ms,
            end_ms,
            None,
            false,
            &RealtimeConfig::default(),
        )
    }

    #[test]
    fn stop_words_are_sorted_for_binary_search() {
        assert!(STOP_WORDS.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn a_customer_saying_the_same_thing_again_is_a_repetition() {
        let mut ctx = ConversationContext::default();
        turn(
            &mut ctx,
            Speaker::Customer,
            "My internet connection keeps dropping every evening.",
            0,
            3000,
        );
        turn(
            &mut ctx,
            Speaker::Agent,
            "Let me check the line status for your address.",
            3500,
            6000,
        );
        let s = turn(
            &mut ctx,
            Speaker::Customer,
            "Like I said, my internet connection keeps dropping every evening!",
            6500,
            9000,
        );
        assert!(s.repetition, "similarity {}", s.similarity);
        let s = turn(
            &mut ctx,
            Speaker::Customer,
            "Could you send the invoice by email instead?",
            9500,
            11000,
        );
        assert!(!s.repetition);
        // The agent repeating the customer is not a customer repetition.
        let s = turn(
            &mut ctx,
            Speaker::Agent,
            "Your internet connection keeps dropping every evening.",
            11500,
            13000,
        );
        assert!(!s.repetition);
        assert_eq!(ctx.state().repetitions, 1);
    }

    #[test]
    fn topic_changes_need_content_and_no_overlap() {
        let mut ctx = ConversationContext::default();
        turn(
            &mut ctx,
            Speaker::Customer,
            "My internet connection keeps dropping every evening.",
            0,
            3000,
        );
        let s = turn(
            &mut ctx,
            Speaker::Agent,
            "I see the internet connection dropped yesterday evening.",
            3000,
            6000,
        );
        assert!(!s.topic_change);
        let s = turn(
            &mut ctx,
            Speaker::Customer,
            "Also, why was my credit card billed twice last month?",
            6000,
            9000,
        );
        assert!(s.topic_change);
        let s = turn(&mut ctx, Speaker::Customer, "Okay.", 9000, 9500);
        assert!(!s.topic_change, "too short to change topic");
        let s = turn(
            &mut ctx,
            Speaker::Agent,
            "Your router firmware needs an upgrade.",
            9500,
            12000,
        );
        assert!(!s.topic_change, "agents answer, customers change topics");
        assert_eq!(ctx.state().topic_changes, 1);
    }

    #[test]
    fn cues_respect_speaker_and_negation() {
        let mut ctx = ConversationContext::default();
        assert!(
            turn(
                &mut ctx,
                Speaker::Agent,
                "Great news, the refund is processed.",
                0,
                1000
            )
            .resolution_cue
        );
        assert!(
            !turn(
                &mut ctx,
                Speaker::Agent,
                "It is not fixed yet, sorry.",
                1000,
                2000
            )
            .resolution_cue
        );
        assert!(!turn(&mut ctx, Speaker::Agent, "That isn't resolved.", 2000, 3000).resolution_cue);
        assert!(!turn(&mut ctx, Speaker::Customer, "Is it fixed?", 3000, 4000).resolution_cue);
        assert!(
            turn(
                &mut ctx,
                Speaker::Customer,
                "Get me your SUPERVISOR now.",
                4000,
                5000
            )
            .escalation_request
        );
        assert!(
            !turn(&mut ctx, Speaker::Agent, "My manager agrees.", 5000, 6000).escalation_request
        );
        assert!(
            !turn(
                &mut ctx,
                Speaker::Customer,
                "I want to cancel my account.",
                6000,
                7000
            )
            .escalation_request
        );
        assert_eq!(ctx.state().escalation_requests, 1);
    }

    #[test]
    fn gaps_count_as_silence_or_hold_and_overlaps_as_none() {
        let mut ctx = ConversationContext::default();
        turn(&mut ctx, Speaker::Agent, "Hello.", 0, 1000);
        assert_eq!(
            turn(&mut ctx, Speaker::Customer, "Hi.", 1500, 2000).gap_kind,
            GapKind::None
        );
        assert_eq!(
            turn(&mut ctx, Speaker::Agent, "One moment.", 5000, 6000).gap_kind,
            GapKind::Silence
        );
        let s = turn(
            &mut ctx,
            Speaker::Agent,
            "Thanks for holding.",
            96_000,
            98_000,
        );
        assert_eq!((s.gap_kind, s.gap_ms), (GapKind::Hold, 90_000));
        assert_eq!(
            turn(&mut ctx, Speaker::Customer, "Sure.", 97_000, 99_000).gap_ms,
            0
        );
        let measured = ctx.observe(
            Speaker::Customer,
            "Yes.",
            99_500,
            100_000,
            Some(2_500),
            true,
            &RealtimeConfig::default(),
        );
        assert_eq!(measured.gap_kind, GapKind::Silence);
        let s = ctx.state();
        assert_eq!(
            (s.silence_ms, s.hold_ms, s.time_on_call_ms),
            (5_500, 90_000, 100_000)
        );
        assert_eq!(s.customer_interruptions, 1);
    }
}
