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
mod state;
#[cfg(test)]
mod tests;
mod text;

use std::cell::RefCell;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::model::Speaker;

pub use replay::{RuleReplay, TranscriptUtterance, call_end_ms, live_utterance, replay_call};
pub use spec::{
    Condition, InterruptionCondition, PhraseCondition, Rule, RuleError, RuleFormat, RuleSet,
    SentimentCondition, SilenceCondition, SpeakerFilter, Window,
};
pub use state::CallRuleState;
use state::{Evidence, RuleLayout, StateLayout};
use text::{MatchBuffers, PhraseMatcher, PhrasePattern, Words};

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
    /// The rule it belongs to.
    rule: usize,
    /// Its counting slot in a call's state, for the leaves that count: sentiment runs longer
    /// than one utterance, interruptions.
    counter: Option<u32>,
    /// For `last_secs` leaves: the slot holding the end (ms, saturated) of the latest utterance
    /// on which the leaf held.
    held_at: Option<u32>,
}

impl Leaf {
    fn last_secs(&self) -> bool {
        matches!(self.within, Some(Window::LastSecs(_)))
    }
}

#[derive(Debug, Clone)]
struct CompiledRule {
    id: String,
    root: Node,
}

/// Three-valued truth of a condition so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    Matched,
    Open,
    Closed,
}

/// Buffers of the per-utterance matching, reused on each thread so that an utterance allocates
/// only for the hits it returns (and when a text is longer than any before on the thread).
#[derive(Debug, Default)]
struct Scratch {
    /// The previous utterance's tail (when carried over) followed by this utterance's words.
    words: Words,
    matches: MatchBuffers,
    /// Per phrase leaf that matched: the leaf, its evidence and the start of the match.
    phrase_hits: Vec<(usize, Evidence, u64)>,
}

/// A thread's scratch buffers beyond this size (an unusually long text) are released after use.
const SCRATCH_KEEP_BYTES: usize = 64 * 1024;

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A compiled rule set, shared by every live call (it is `Send + Sync`).
#[derive(Debug, Clone)]
pub struct LiveRules {
    /// Also identifies the compiled set: a call's state points at the layout it was built for.
    layout: Arc<StateLayout>,
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
        let mut compiler = Compiler::default();
        let mut rules = Vec::with_capacity(set.rules.len());
        let mut layout = Vec::with_capacity(set.rules.len());
        for (index, rule) in set.rules.iter().enumerate() {
            let first_leaf = compiler.leaves.len();
            let first_slot = compiler.slots;
            let first_phrase = compiler.phrase_owner.len() as u32;
            compiler.rule = index;
            let root = compiler.compile(&rule.when);
            layout.push(RuleLayout {
                fingerprint: fingerprint(rule),
                first_leaf: first_leaf as u32,
                leaves: (compiler.leaves.len() - first_leaf) as u32,
                first_phrase,
                first_slot,
                slots: compiler.slots - first_slot,
            });
            rules.push(CompiledRule {
                id: rule.id.clone(),
                root,
            });
        }
        Ok(LiveRules {
            layout: Arc::new(StateLayout {
                rules: layout,
                leaves: compiler.leaves.len(),
                slots: compiler.slots as usize,
            }),
            matcher: PhraseMatcher::new(&compiler.patterns),
            set,
            rules,
            leaves: compiler.leaves,
            phrase_owner: compiler.phrase_owner,
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
        CallRuleState::new(&self.layout)
    }

    /// Feeds one utterance of a live call; returns the rules that fired on it.
    /// After [`LiveRules::end_call`] the state is ended and utterances are ignored.
    /// Allocates only for the hits it returns: the working buffers are reused per thread.
    pub fn on_utterance(
        &self,
        state: &mut CallRuleState,
        utterance: &LiveUtterance<'_>,
    ) -> Vec<RuleHit> {
        if state.ended {
            return Vec::new();
        }
        if !state.uses(&self.layout) {
            state.adopt(&self.layout);
        }
        state.clock_ms = state.clock_ms.max(utterance.start_ms);
        SCRATCH.with_borrow_mut(|scratch| {
            if !self.phrase_owner.is_empty() {
                let tail_len = self.match_phrases(state, utterance, scratch);
                state.set_tail(
                    utterance.seq,
                    utterance.speaker,
                    utterance.start_ms,
                    &scratch.words,
                    tail_len,
                    self.matcher.max_words().saturating_sub(1),
                );
            }
            self.update_leaves(state, utterance, &scratch.phrase_hits);
            if scratch.words.heap_bytes() > SCRATCH_KEEP_BYTES {
                *scratch = Scratch::default();
            }
        });
        self.fire(state, utterance.end_ms, None)
    }

    /// Finds the phrases said in `utterance`, over the previous utterance's tail when it is the
    /// same speaker's, into `scratch.phrase_hits` (at most one per leaf). Returns the number of
    /// tail words that precede the utterance's words in `scratch.words`.
    fn match_phrases(
        &self,
        state: &CallRuleState,
        utterance: &LiveUtterance<'_>,
        scratch: &mut Scratch,
    ) -> usize {
        let carried = state.tail.as_ref().filter(|tail| {
            tail.speaker == utterance.speaker && utterance.seq.checked_sub(1) == Some(tail.seq)
        });
        scratch.words.clear();
        if let Some(tail) = carried {
            scratch.words.extend_from(&tail.words, 0);
        }
        let tail_len = scratch.words.len();
        scratch.words.push_text(utterance.text);
        self.matcher
            .find(&scratch.words, tail_len, &mut scratch.matches);
        scratch.phrase_hits.clear();
        for found in &scratch.matches.matches {
            let (leaf, _) = self.phrase_owner[found.phrase];
            if scratch.phrase_hits.iter().any(|(l, _, _)| *l == leaf) {
                continue;
            }
            let (start_seq, start_ms) = match carried {
                Some(tail) if found.start < tail_len => (tail.seq, tail.start_ms),
                _ => (utterance.seq, utterance.start_ms),
            };
            let spans = &scratch.words.spans;
            scratch.phrase_hits.push((
                leaf,
                Evidence {
                    seq: utterance.seq,
                    speaker: utterance.speaker,
                    phrase: Some((
                        found.phrase as u32,
                        start_seq,
                        spans[found.start].char_start,
                        spans[found.end - 1].char_end,
                    )),
                },
                start_ms,
            ));
        }
        tail_len
    }

    /// Updates every leaf that `utterance` can still change (leaves of rules that fired, and
    /// leaves that already matched outside a `last_secs` window, cannot change what fires).
    fn update_leaves(
        &self,
        state: &mut CallRuleState,
        utterance: &LiveUtterance<'_>,
        phrase_hits: &[(usize, Evidence, u64)],
    ) {
        let plain = Evidence {
            seq: utterance.seq,
            speaker: utterance.speaker,
            phrase: None,
        };
        for (index, leaf) in self.leaves.iter().enumerate() {
            if !leaf.speaker.accepts(utterance.speaker)
                || state.fired(leaf.rule)
                || (!leaf.last_secs() && state.leaf_marked(index))
            {
                continue;
            }
            let (held, evidence, start_ms) = match &leaf.kind {
                LeafKind::Phrases => match phrase_hits.iter().find(|(l, _, _)| *l == index) {
                    Some((_, evidence, start_ms)) => (true, *evidence, *start_ms),
                    None => continue,
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
                    // Without a counter the run is 1 or 0, all that `consecutive = 1` needs.
                    let run = match leaf.counter {
                        Some(slot) => {
                            let count = state.slot_mut(slot);
                            *count = if passes { count.saturating_add(1) } else { 0 };
                            *count
                        }
                        None => u32::from(passes),
                    };
                    (run >= *consecutive, plain, utterance.start_ms)
                }
                LeafKind::Silence { at_least_ms } => (
                    utterance.silence_ms.is_some_and(|s| s >= *at_least_ms),
                    plain,
                    utterance.start_ms,
                ),
                LeafKind::Interruption { at_least } => {
                    let count = state.slot_mut(leaf.counter.expect("interruption leaves count"));
                    if utterance.interruptions > 0 && in_window(leaf.within, utterance.start_ms) {
                        *count = count.saturating_add(utterance.interruptions);
                    }
                    (*count >= *at_least, plain, utterance.start_ms)
                }
            };
            if !held || !in_window(leaf.within, start_ms) {
                continue;
            }
            if let Some(slot) = leaf.held_at {
                *state.slot_mut(slot) = u32::try_from(utterance.end_ms).unwrap_or(u32::MAX);
                state.mark_held(index, &evidence);
            } else {
                state.mark_matched(index, &evidence);
            }
        }
    }

    /// Ends the call at `call_end_ms` (ms since its start): decides `last_secs` windows, closes
    /// every open condition, and returns the rules that fire as a result. Idempotent: a second
    /// call returns nothing.
    pub fn end_call(&self, state: &mut CallRuleState, call_end_ms: u64) -> Vec<RuleHit> {
        if state.ended {
            return Vec::new();
        }
        if !state.uses(&self.layout) {
            state.adopt(&self.layout);
        }
        state.ended = true;
        state.tail = None;
        self.fire(state, call_end_ms, Some(call_end_ms))
    }

    /// Evaluates every rule that has not fired; `ended` is the call's end when it is over.
    fn fire(&self, state: &mut CallRuleState, at_ms: u64, ended: Option<u64>) -> Vec<RuleHit> {
        let mut hits = Vec::new();
        for (index, rule) in self.rules.iter().enumerate() {
            if state.fired(index) || self.eval(&rule.root, state, ended) != Truth::Matched {
                continue;
            }
            let evidence = self.evidence(&rule.root, state, ended);
            state.set_fired(index);
            hits.push(self.hit(rule, at_ms, evidence));
        }
        hits
    }

    fn leaf_truth(&self, index: usize, state: &CallRuleState, ended: Option<u64>) -> Truth {
        let leaf = &self.leaves[index];
        if let Some(Window::LastSecs(secs)) = leaf.within {
            return match ended {
                None => Truth::Open,
                Some(end) => {
                    let from = end.saturating_sub(u64::from(secs) * 1000);
                    let held_at = leaf.held_at.map_or(0, |slot| state.slot(slot));
                    if state.leaf_marked(index) && u64::from(held_at) > from {
                        Truth::Matched
                    } else {
                        Truth::Closed
                    }
                }
            };
        }
        if state.leaf_marked(index) {
            return Truth::Matched;
        }
        let window_passed = matches!(leaf.within, Some(Window::FirstSecs(secs)) if state.clock_ms >= u64::from(secs) * 1000);
        if ended.is_some() || window_passed {
            Truth::Closed
        } else {
            Truth::Open
        }
    }

    fn eval(&self, node: &Node, state: &CallRuleState, ended: Option<u64>) -> Truth {
        match node {
            Node::Leaf(index) => self.leaf_truth(*index, state, ended),
            Node::All(parts) => {
                let mut result = Truth::Matched;
                for part in parts {
                    match self.eval(part, state, ended) {
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
                    match self.eval(part, state, ended) {
                        Truth::Matched => return Truth::Matched,
                        Truth::Open => result = Truth::Open,
                        Truth::Closed => {}
                    }
                }
                result
            }
            Node::Not(inner) => match self.eval(inner, state, ended) {
                Truth::Matched => Truth::Closed,
                Truth::Open => Truth::Open,
                Truth::Closed => Truth::Matched,
            },
        }
    }

    /// The most recent evidence among the leaves that make a matched condition true.
    fn evidence(&self, node: &Node, state: &CallRuleState, ended: Option<u64>) -> Option<Evidence> {
        match node {
            Node::Leaf(index) => state.evidence(*index),
            Node::All(parts) | Node::Any(parts) => parts
                .iter()
                .filter(|part| self.eval(part, state, ended) == Truth::Matched)
                .filter_map(|part| self.evidence(part, state, ended))
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

/// Compiles conditions into leaves, phrase patterns and state slots, rule by rule.
#[derive(Default)]
struct Compiler {
    leaves: Vec<Leaf>,
    patterns: Vec<PhrasePattern>,
    phrase_owner: Vec<(usize, String)>,
    /// Slots handed out so far.
    slots: u32,
    /// The rule being compiled.
    rule: usize,
}

impl Compiler {
    fn leaf(
        &mut self,
        kind: LeafKind,
        speaker: SpeakerFilter,
        within: Option<Window>,
        counts: bool,
    ) -> Node {
        let mut slot = |needed: bool| {
            needed.then(|| {
                self.slots += 1;
                self.slots - 1
            })
        };
        let counter = slot(counts);
        let held_at = slot(matches!(within, Some(Window::LastSecs(_))));
        self.leaves.push(Leaf {
            kind,
            speaker,
            within,
            rule: self.rule,
            counter,
            held_at,
        });
        Node::Leaf(self.leaves.len() - 1)
    }

    fn compile(&mut self, condition: &Condition) -> Node {
        match condition {
            Condition::Phrases(c) => {
                let index = self.leaves.len();
                for phrase in &c.any {
                    self.patterns
                        .push(PhrasePattern::parse(phrase).expect("validated phrase"));
                    self.phrase_owner.push((index, phrase.clone()));
                }
                self.leaf(LeafKind::Phrases, c.speaker, c.within, false)
            }
            Condition::Sentiment(c) => self.leaf(
                LeafKind::Sentiment {
                    below: c.below,
                    above: c.above,
                    consecutive: c.consecutive,
                },
                c.speaker,
                c.within,
                c.consecutive > 1,
            ),
            Condition::Silence(c) => self.leaf(
                LeafKind::Silence {
                    at_least_ms: c.at_least_ms,
                },
                c.speaker,
                c.within,
                false,
            ),
            Condition::Interruption(c) => self.leaf(
                LeafKind::Interruption {
                    at_least: c.at_least,
                },
                c.speaker,
                c.within,
                true,
            ),
            Condition::AllOf(parts) => Node::All(parts.iter().map(|p| self.compile(p)).collect()),
            Condition::AnyOf(parts) => Node::Any(parts.iter().map(|p| self.compile(p)).collect()),
            Condition::Not(inner) => Node::Not(Box::new(self.compile(inner))),
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

    /// The rules in force now, for one utterance: unlike [`SharedRules::current`] it does not
    /// touch the shared reference count, which threads would otherwise contend on.
    pub(crate) fn load(&self) -> arc_swap::Guard<Arc<LiveRules>> {
        self.current.load()
    }

    /// Replaces the rules; calls pick them up on their next utterance.
    pub fn swap(&self, rules: LiveRules) {
        self.current.store(Arc::new(rules));
    }
}
