//! Live pattern detection: rules over the streaming transcript, in the spirit of Contact Lens
//! categories and CCAI phrase matchers.
//!
//! A [`RuleSet`] (JSON or TOML, see `docs/rules.md`) compiles into [`LiveRules`], shared by
//! every call; each call keeps a small [`CallRuleState`]. The host feeds each utterance to
//! [`LiveRules::on_utterance`] and, when the call ends, calls [`LiveRules::end_call`]; both
//! return the rules that fired ([`RuleHit`]). A rule fires at most once per call.
//!
//! # Semantics
//!
//! Every leaf condition (phrases, sentiment, silence, interruption) is, at any point of the call,
//! *matched* (it held on some utterance), *open* (it has not held yet but still could), or
//! *closed* (it can no longer hold). Combinators use three-valued logic: `all_of` is matched when
//! every part is, closed when one part is; `any_of` the reverse; `not` swaps matched and closed.
//! A rule fires as soon as its condition is matched. So `not` only fires once the inner
//! condition is known never to hold: at [`LiveRules::end_call`], or as soon as a `first_secs`
//! window has passed (an utterance starts after it). `last_secs` windows are decided at
//! `end_call` only (utterances ending in the last N seconds before `call_end_ms`), so rules that
//! depend on them fire from `end_call`.
//!
//! Phrases are matched on normalized words (case and punctuation ignored, apostrophes dropped).
//! A phrase may span two consecutive utterances (sequence numbers `n` and `n + 1`) of the same
//! speaker, as happens when speech recognition splits one sentence; it never spans two speakers.
//! Its hit then names the earlier utterance in `start_seq`.
//!
//! # Swapping rules while calls are live
//!
//! [`SharedRules`] holds the current [`LiveRules`] and swaps it atomically. A call's state
//! remembers which compiled set it was last used with; the first utterance seen with another
//! set carries over the state (fired or not, leaf progress) of every rule whose id and
//! condition are unchanged, and starts new or changed rules fresh from that utterance on (their
//! time windows still use the call's clock). The cross-utterance phrase tail is kept.

mod replay;
mod spec;
#[cfg(test)]
mod tests;
mod text;

use std::hash::{Hash, Hasher};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use crate::model::Speaker;

pub use replay::{RuleReplay, TranscriptUtterance, call_end_ms, live_utterance, replay_call};
pub use spec::{
    Condition, InterruptionCondition, PhraseCondition, Rule, RuleError, RuleFormat, RuleSet,
    SentimentCondition, SilenceCondition, SpeakerFilter, Window,
};
use text::{PhraseMatcher, PhrasePattern, Words};

/// The default rule set's TOML source (escalation, churn, confusion, complaints, agent compliance, silence).
pub const DEFAULT_RULES_TOML: &str = include_str!("../../../rules/default.toml");

/// One utterance as the live path sees it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LiveUtterance<'a> {
    /// Who spoke.
    pub speaker: Speaker,
    /// What was said.
    pub text: &'a str,
    /// Position in the call, from 0.
    pub seq: u32,
    /// Start, in milliseconds since the call started.
    pub start_ms: u64,
    /// End, in milliseconds since the call started.
    pub end_ms: u64,
    /// Sentiment score in [-1, 1], when scored; sentiment conditions ignore unscored utterances.
    pub sentiment: Option<f64>,
    /// Silence before the utterance in milliseconds, when measured.
    pub silence_ms: Option<u64>,
    /// How many times the speaker interrupted the other party in this utterance.
    pub interruptions: u32,
}

/// A rule that fired.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleHit {
    /// The rule's id.
    pub rule_id: String,
    /// Call time (ms) when the rule was decided: the utterance's end, or `call_end_ms` at the end of the call.
    pub at_ms: u64,
    /// The utterance of the most recent evidence (a matched leaf), when there is one; a rule made
    /// only of `not` conditions has none.
    pub seq: Option<u32>,
    /// Who said it.
    pub speaker: Option<Speaker>,
    /// When the evidence is a phrase: the phrase as written in the rule.
    pub phrase: Option<String>,
    /// When the phrase spans two utterances, the earlier one (`char_start` is in it); otherwise `seq`.
    pub start_seq: Option<u32>,
    /// Character offset where the phrase starts (in the `start_seq` utterance).
    pub char_start: Option<usize>,
    /// Character offset where the phrase ends, exclusive (in the `seq` utterance).
    pub char_end: Option<usize>,
}

/// What a matched leaf saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Evidence {
    seq: u32,
    speaker: Speaker,
    /// Phrase index and its `(start_seq, char_start, char_end)`.
    phrase: Option<(u32, u32, u32, u32)>,
}

/// Progress of one leaf in one call, packed (28 bytes) since a call holds one per leaf of every rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LeafState {
    /// Consecutive passing utterances (sentiment) or interruptions so far.
    count: u32,
    /// For `last_secs` leaves: end (ms, saturated) of the latest utterance on which the leaf held.
    last_held_ms: u32,
    /// Evidence: utterance, phrase index (`u32::MAX` when none) and character span.
    seq: u32,
    phrase: u32,
    char_start: u32,
    char_end: u32,
    speaker: Speaker,
    /// [`MATCHED`], [`HAS_EVIDENCE`], [`SPANS_PREVIOUS`], [`HELD`].
    flags: u8,
}

const MATCHED: u8 = 1;
const HAS_EVIDENCE: u8 = 2;
const SPANS_PREVIOUS: u8 = 4;
const HELD: u8 = 8;

impl Default for LeafState {
    fn default() -> Self {
        LeafState {
            count: 0,
            last_held_ms: 0,
            seq: 0,
            phrase: u32::MAX,
            char_start: 0,
            char_end: 0,
            speaker: Speaker::Customer,
            flags: 0,
        }
    }
}

impl LeafState {
    fn matched(&self) -> bool {
        self.flags & MATCHED != 0
    }

    fn last_held_ms(&self) -> Option<u64> {
        (self.flags & HELD != 0).then_some(u64::from(self.last_held_ms))
    }

    fn set_evidence(&mut self, evidence: &Evidence) {
        self.flags |= HAS_EVIDENCE;
        self.flags &= !SPANS_PREVIOUS;
        self.seq = evidence.seq;
        self.speaker = evidence.speaker;
        match evidence.phrase {
            Some((phrase, start_seq, char_start, char_end)) => {
                self.phrase = phrase;
                self.char_start = char_start;
                self.char_end = char_end;
                if start_seq != evidence.seq {
                    self.flags |= SPANS_PREVIOUS;
                }
            }
            None => self.phrase = u32::MAX,
        }
    }

    fn evidence(&self) -> Option<Evidence> {
        (self.flags & HAS_EVIDENCE != 0).then(|| Evidence {
            seq: self.seq,
            speaker: self.speaker,
            phrase: (self.phrase != u32::MAX).then(|| {
                let start_seq = if self.flags & SPANS_PREVIOUS != 0 {
                    self.seq.saturating_sub(1)
                } else {
                    self.seq
                };
                (self.phrase, start_seq, self.char_start, self.char_end)
            }),
        })
    }
}

/// A rule's slot in a call's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RuleSlot {
    fingerprint: u64,
    leaves: u32,
    fired: bool,
}

/// The state of one call: which rules fired, progress of each leaf, and the previous utterance's
/// last words for phrases that span two utterances. Create with [`LiveRules::new_call`].
#[derive(Debug, Clone, PartialEq)]
pub struct CallRuleState {
    generation: u64,
    rules: Vec<RuleSlot>,
    leaves: Vec<LeafState>,
    tail: Option<Tail>,
    /// Latest utterance start seen: the call's clock for `first_secs` windows.
    clock_ms: u64,
    ended: bool,
}

impl CallRuleState {
    /// Whether [`LiveRules::end_call`] has run; later utterances are ignored.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Approximate heap and inline size of this state, in bytes.
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + self.rules.capacity() * std::mem::size_of::<RuleSlot>()
            + self.leaves.capacity() * std::mem::size_of::<LeafState>()
            + self.tail.as_ref().map_or(0, |t| {
                t.words.joined.capacity()
                    + t.words.starts.capacity() * std::mem::size_of::<usize>()
                    + t.words.chars.capacity() * std::mem::size_of::<(usize, usize)>()
            })
    }
}

/// The last words of the previous utterance.
#[derive(Debug, Clone, PartialEq)]
struct Tail {
    seq: u32,
    speaker: Speaker,
    start_ms: u64,
    words: Words,
}

#[derive(Debug, Clone)]
enum Node {
    Leaf(usize),
    All(Vec<Node>),
    Any(Vec<Node>),
    Not(Box<Node>),
}

#[derive(Debug, Clone)]
enum LeafKind {
    Phrases,
    Sentiment {
        below: Option<f64>,
        above: Option<f64>,
        consecutive: u32,
    },
    Silence {
        at_least_ms: u64,
    },
    Interruption {
        at_least: u32,
    },
}

#[derive(Debug, Clone)]
struct Leaf {
    kind: LeafKind,
    speaker: SpeakerFilter,
    within: Option<Window>,
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: String,
    fingerprint: u64,
    first_leaf: usize,
    leaves: usize,
    root: Node,
}

/// Three-valued truth of a condition so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Matched,
    Open,
    Closed,
}

static GENERATION: AtomicU64 = AtomicU64::new(1);

/// A compiled rule set, shared by every live call (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct LiveRules {
    generation: u64,
    set: RuleSet,
    rules: Vec<CompiledRule>,
    leaves: Vec<Leaf>,
    matcher: PhraseMatcher,
    /// Per phrase: the leaf it belongs to and its text as written.
    phrase_owner: Vec<(usize, String)>,
}

impl LiveRules {
    /// Compiles a validated rule set.
    pub fn new(set: RuleSet) -> Result<LiveRules, RuleError> {
        set.validate()?;
        let mut leaves = Vec::new();
        let mut patterns = Vec::new();
        let mut phrase_owner = Vec::new();
        let mut rules = Vec::with_capacity(set.rules.len());
        for rule in &set.rules {
            let first_leaf = leaves.len();
            let root = compile(&rule.when, &mut leaves, &mut patterns, &mut phrase_owner);
            rules.push(CompiledRule {
                id: rule.id.clone(),
                fingerprint: fingerprint(rule),
                first_leaf,
                leaves: leaves.len() - first_leaf,
                root,
            });
        }
        Ok(LiveRules {
            generation: GENERATION.fetch_add(1, Ordering::Relaxed),
            matcher: PhraseMatcher::new(&patterns),
            set,
            rules,
            leaves,
            phrase_owner,
        })
    }

    /// Parses, validates and compiles a JSON rule set.
    pub fn from_json(text: &str) -> Result<LiveRules, RuleError> {
        LiveRules::new(RuleSet::from_json(text)?)
    }

    /// Parses, validates and compiles a TOML rule set.
    pub fn from_toml(text: &str) -> Result<LiveRules, RuleError> {
        LiveRules::new(RuleSet::from_toml(text)?)
    }

    /// The shipped default rules ([`DEFAULT_RULES_TOML`]).
    pub fn default_rules() -> LiveRules {
        LiveRules::from_toml(DEFAULT_RULES_TOML).expect("the shipped default rules are valid")
    }

    /// The rule set this was compiled from.
    pub fn rule_set(&self) -> &RuleSet {
        &self.set
    }

    /// Number of rules.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// A fresh state for a new call.
    pub fn new_call(&self) -> CallRuleState {
        CallRuleState {
            generation: self.generation,
            rules: self.slots(),
            leaves: vec![LeafState::default(); self.leaves.len()],
            tail: None,
            clock_ms: 0,
            ended: false,
        }
    }

    fn slots(&self) -> Vec<RuleSlot> {
        self.rules
            .iter()
            .map(|rule| RuleSlot {
                fingerprint: rule.fingerprint,
                leaves: rule.leaves as u32,
                fired: false,
            })
            .collect()
    }

    /// Moves a state built with another compiled set onto this one (see the module docs).
    fn adopt(&self, state: &mut CallRuleState) {
        let mut old_start = Vec::with_capacity(state.rules.len());
        let mut offset = 0usize;
        for slot in &state.rules {
            old_start.push(offset);
            offset += slot.leaves as usize;
        }
        let mut leaves = vec![LeafState::default(); self.leaves.len()];
        let mut slots = self.slots();
        for (rule, slot) in self.rules.iter().zip(&mut slots) {
            if let Some(old) = state
                .rules
                .iter()
                .position(|s| s.fingerprint == rule.fingerprint)
            {
                slot.fired = state.rules[old].fired;
                let from = old_start[old];
                leaves[rule.first_leaf..rule.first_leaf + rule.leaves]
                    .copy_from_slice(&state.leaves[from..from + rule.leaves]);
            }
        }
        state.rules = slots;
        state.leaves = leaves;
        state.generation = self.generation;
    }

    /// Feeds one utterance of a live call; returns the rules that fired on it.
    /// After [`LiveRules::end_call`] the state is ended and utterances are ignored.
    pub fn on_utterance(
        &self,
        state: &mut CallRuleState,
        utterance: &LiveUtterance<'_>,
    ) -> Vec<RuleHit> {
        if state.ended {
            return Vec::new();
        }
        if state.generation != self.generation {
            self.adopt(state);
        }
        state.clock_ms = state.clock_ms.max(utterance.start_ms);
        let words = Words::of(utterance.text);

        // Phrase matches, over the previous utterance's tail when it is the same speaker's.
        let carried = state.tail.as_ref().filter(|tail| {
            tail.speaker == utterance.speaker && utterance.seq.checked_sub(1) == Some(tail.seq)
        });
        let tail_len = carried.map_or(0, |t| t.words.len());
        let joined;
        let searched = match carried {
            Some(tail) => {
                joined = tail.words.concat(&words);
                &joined
            }
            None => &words,
        };
        let mut phrase_hits: Vec<(usize, Evidence, u64)> = Vec::new();
        for found in self.matcher.find(searched, tail_len) {
            let (leaf, _) = self.phrase_owner[found.phrase];
            if phrase_hits.iter().any(|(l, _, _)| *l == leaf) {
                continue;
            }
            let (start_seq, start_ms) = match carried {
                Some(tail) if found.start < tail_len => (tail.seq, tail.start_ms),
                _ => (utterance.seq, utterance.start_ms),
            };
            let char_start = searched.chars[found.start].0 as u32;
            let char_end = searched.chars[found.end - 1].1 as u32;
            phrase_hits.push((
                leaf,
                Evidence {
                    seq: utterance.seq,
                    speaker: utterance.speaker,
                    phrase: Some((found.phrase as u32, start_seq, char_start, char_end)),
                },
                start_ms,
            ));
        }

        for (index, leaf) in self.leaves.iter().enumerate() {
            if !leaf.speaker.accepts(utterance.speaker) {
                continue;
            }
            let plain = Evidence {
                seq: utterance.seq,
                speaker: utterance.speaker,
                phrase: None,
            };
            let leaf_state = &mut state.leaves[index];
            let (held, evidence, start_ms) = match &leaf.kind {
                LeafKind::Phrases => match phrase_hits.iter().find(|(l, _, _)| *l == index) {
                    Some((_, evidence, start_ms)) => (true, *evidence, *start_ms),
                    None => (false, plain, utterance.start_ms),
                },
                LeafKind::Sentiment {
                    below,
                    above,
                    consecutive,
                } => {
                    let Some(score) = utterance.sentiment.filter(|s| s.is_finite()) else {
                        continue;
                    };
                    if !in_window(leaf.within, utterance.start_ms) {
                        continue;
                    }
                    let passes = below.is_none_or(|b| score < b) && above.is_none_or(|a| score > a);
                    leaf_state.count = if passes { leaf_state.count + 1 } else { 0 };
                    (leaf_state.count >= *consecutive, plain, utterance.start_ms)
                }
                LeafKind::Silence { at_least_ms } => (
                    utterance.silence_ms.is_some_and(|s| s >= *at_least_ms),
                    plain,
                    utterance.start_ms,
                ),
                LeafKind::Interruption { at_least } => {
                    if utterance.interruptions > 0 && in_window(leaf.within, utterance.start_ms) {
                        leaf_state.count = leaf_state.count.saturating_add(utterance.interruptions);
                    }
                    (leaf_state.count >= *at_least, plain, utterance.start_ms)
                }
            };
            if !held || !in_window(leaf.within, start_ms) {
                continue;
            }
            match leaf.within {
                Some(Window::LastSecs(_)) => {
                    leaf_state.last_held_ms = u32::try_from(utterance.end_ms).unwrap_or(u32::MAX);
                    leaf_state.flags |= HELD;
                    leaf_state.set_evidence(&evidence);
                }
                _ if !leaf_state.matched() => {
                    leaf_state.flags |= MATCHED;
                    leaf_state.set_evidence(&evidence);
                }
                _ => {}
            }
        }

        let hits = self.fire(state, utterance.end_ms, None);
        state.tail = Some(Tail {
            seq: utterance.seq,
            speaker: utterance.speaker,
            start_ms: utterance.start_ms,
            words: words.into_tail(self.matcher.max_words().saturating_sub(1)),
        });
        hits
    }

    /// Ends the call at `call_end_ms` (ms since its start): decides `last_secs` windows, closes
    /// every open condition, and returns the rules that fire as a result. Idempotent: a second
    /// call returns nothing.
    pub fn end_call(&self, state: &mut CallRuleState, call_end_ms: u64) -> Vec<RuleHit> {
        if state.ended {
            return Vec::new();
        }
        if state.generation != self.generation {
            self.adopt(state);
        }
        state.ended = true;
        state.tail = None;
        self.fire(state, call_end_ms, Some(call_end_ms))
    }

    /// Evaluates every rule that has not fired; `ended` is the call's end when it is over.
    fn fire(&self, state: &mut CallRuleState, at_ms: u64, ended: Option<u64>) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        for (rule, slot) in self.rules.iter().zip(state.rules.iter_mut()) {
            if slot.fired {
                continue;
            }
            let leaves = &state.leaves[rule.first_leaf..rule.first_leaf + rule.leaves];
            let truth = self.eval(&rule.root, rule.first_leaf, leaves, state.clock_ms, ended);
            if truth != Truth::Matched {
                continue;
            }
            slot.fired = true;
            let evidence =
                self.evidence(&rule.root, rule.first_leaf, leaves, state.clock_ms, ended);
            hits.push(self.hit(rule, at_ms, evidence));
        }
        hits
    }

    fn leaf_truth(
        &self,
        index: usize,
        leaf_state: &LeafState,
        clock_ms: u64,
        ended: Option<u64>,
    ) -> Truth {
        let leaf = &self.leaves[index];
        if let Some(Window::LastSecs(secs)) = leaf.within {
            return match ended {
                None => Truth::Open,
                Some(end) => {
                    let from = end.saturating_sub(u64::from(secs) * 1000);
                    if leaf_state.last_held_ms().is_some_and(|t| t > from) {
                        Truth::Matched
                    } else {
                        Truth::Closed
                    }
                }
            };
        }
        if leaf_state.matched() {
            return Truth::Matched;
        }
        let window_passed = matches!(leaf.within, Some(Window::FirstSecs(secs)) if clock_ms >= u64::from(secs) * 1000);
        if ended.is_some() || window_passed {
            Truth::Closed
        } else {
            Truth::Open
        }
    }

    fn eval(
        &self,
        node: &Node,
        first_leaf: usize,
        leaves: &[LeafState],
        clock_ms: u64,
        ended: Option<u64>,
    ) -> Truth {
        match node {
            Node::Leaf(index) => {
                self.leaf_truth(*index, &leaves[index - first_leaf], clock_ms, ended)
            }
            Node::All(parts) => {
                let mut result = Truth::Matched;
                for part in parts {
                    match self.eval(part, first_leaf, leaves, clock_ms, ended) {
                        Truth::Closed => return Truth::Closed,
                        Truth::Open => result = Truth::Open,
                        Truth::Matched => {}
                    }
                }
                result
            }
            Node::Any(parts) => {
                let mut result = Truth::Closed;
                for part in parts {
                    match self.eval(part, first_leaf, leaves, clock_ms, ended) {
                        Truth::Matched => return Truth::Matched,
                        Truth::Open => result = Truth::Open,
                        Truth::Closed => {}
                    }
                }
                result
            }
            Node::Not(inner) => match self.eval(inner, first_leaf, leaves, clock_ms, ended) {
                Truth::Matched => Truth::Closed,
                Truth::Open => Truth::Open,
                Truth::Closed => Truth::Matched,
            },
        }
    }

    /// The most recent evidence among the leaves that make a matched condition true.
    fn evidence(
        &self,
        node: &Node,
        first_leaf: usize,
        leaves: &[LeafState],
        clock_ms: u64,
        ended: Option<u64>,
    ) -> Option<Evidence> {
        match node {
            Node::Leaf(index) => leaves[index - first_leaf].evidence(),
            Node::All(parts) | Node::Any(parts) => parts
                .iter()
                .filter(|part| {
                    self.eval(part, first_leaf, leaves, clock_ms, ended) == Truth::Matched
                })
                .filter_map(|part| self.evidence(part, first_leaf, leaves, clock_ms, ended))
                .max_by_key(|e| e.seq),
            Node::Not(_) => None,
        }
    }

    fn hit(&self, rule: &CompiledRule, at_ms: u64, evidence: Option<Evidence>) -> RuleHit {
        let phrase = evidence.and_then(|e| e.phrase);
        RuleHit {
            rule_id: rule.id.clone(),
            at_ms,
            seq: evidence.map(|e| e.seq),
            speaker: evidence.map(|e| e.speaker),
            phrase: phrase.map(|(p, ..)| self.phrase_owner[p as usize].1.clone()),
            start_seq: phrase
                .map(|(_, start_seq, ..)| start_seq)
                .or(evidence.map(|e| e.seq)),
            char_start: phrase.map(|(_, _, start, _)| start as usize),
            char_end: phrase.map(|(_, _, _, end)| end as usize),
        }
    }

    /// Runs a whole call through a fresh state: every utterance, then [`LiveRules::end_call`].
    pub fn match_call<'a>(
        &self,
        utterances: impl IntoIterator<Item = LiveUtterance<'a>>,
        call_end_ms: u64,
    ) -> Vec<RuleHit> {
        let mut state = self.new_call();
        let mut hits = Vec::new();
        let mut last_end = 0;
        for utterance in utterances {
            last_end = last_end.max(utterance.end_ms);
            hits.extend(self.on_utterance(&mut state, &utterance));
        }
        hits.extend(self.end_call(&mut state, call_end_ms.max(last_end)));
        hits
    }
}

fn in_window(window: Option<Window>, start_ms: u64) -> bool {
    match window {
        Some(Window::FirstSecs(secs)) => start_ms < u64::from(secs) * 1000,
        _ => true,
    }
}

fn fingerprint(rule: &Rule) -> u64 {
    let mut hasher = rustc_hash::FxHasher::default();
    rule.id.hash(&mut hasher);
    serde_json::to_string(&rule.when)
        .expect("a condition always serializes")
        .hash(&mut hasher);
    hasher.finish()
}

fn compile(
    condition: &Condition,
    leaves: &mut Vec<Leaf>,
    patterns: &mut Vec<PhrasePattern>,
    phrase_owner: &mut Vec<(usize, String)>,
) -> Node {
    let index = leaves.len();
    let mut leaf = |kind: LeafKind, speaker: SpeakerFilter, within: Option<Window>| {
        leaves.push(Leaf {
            kind,
            speaker,
            within,
        });
        Node::Leaf(leaves.len() - 1)
    };
    match condition {
        Condition::Phrases(c) => {
            for phrase in &c.any {
                patterns.push(PhrasePattern::parse(phrase).expect("validated phrase"));
                phrase_owner.push((index, phrase.clone()));
            }
            leaf(LeafKind::Phrases, c.speaker, c.within)
        }
        Condition::Sentiment(c) => leaf(
            LeafKind::Sentiment {
                below: c.below,
                above: c.above,
                consecutive: c.consecutive,
            },
            c.speaker,
            c.within,
        ),
        Condition::Silence(c) => leaf(
            LeafKind::Silence {
                at_least_ms: c.at_least_ms,
            },
            c.speaker,
            c.within,
        ),
        Condition::Interruption(c) => leaf(
            LeafKind::Interruption {
                at_least: c.at_least,
            },
            c.speaker,
            c.within,
        ),
        Condition::AllOf(parts) => Node::All(
            parts
                .iter()
                .map(|p| compile(p, leaves, patterns, phrase_owner))
                .collect(),
        ),
        Condition::AnyOf(parts) => Node::Any(
            parts
                .iter()
                .map(|p| compile(p, leaves, patterns, phrase_owner))
                .collect(),
        ),
        Condition::Not(inner) => {
            Node::Not(Box::new(compile(inner, leaves, patterns, phrase_owner)))
        }
    }
}

/// The current [`LiveRules`] for every call, swappable while calls are live (lock-free reads).
#[derive(Debug)]
pub struct SharedRules {
    current: arc_swap::ArcSwap<LiveRules>,
}

impl SharedRules {
    /// Starts with `rules`.
    pub fn new(rules: LiveRules) -> SharedRules {
        SharedRules {
            current: arc_swap::ArcSwap::from_pointee(rules),
        }
    }

    /// The rules in force now; hold the `Arc` for one utterance, not for the whole call.
    pub fn current(&self) -> Arc<LiveRules> {
        self.current.load_full()
    }

    /// Replaces the rules; calls pick them up on their next utterance.
    pub fn swap(&self, rules: LiveRules) {
        self.current.store(Arc::new(rules));
    }
}
