//! The per-call state of the live rules, packed for many concurrent calls: one bit per rule
//! (fired) and per leaf (matched, or held for `last_secs` leaves); a `u32` slot only for the
//! leaves that need one (the count of sentiment runs longer than one and of interruptions, the
//! time a `last_secs` leaf last held); evidence only for the matched leaves of rules that have
//! not fired yet; and the previous utterance's last words. What depends on the rule set alone
//! (rule fingerprints, where each rule's leaves and slots sit) is a [`StateLayout`] shared by
//! every call of the set.

use std::sync::Arc;

use super::text::Words;
use crate::model::Speaker;

/// What a matched leaf saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Evidence {
    pub(super) seq: u32,
    pub(super) speaker: Speaker,
    /// Phrase index and its `(start_seq, char_start, char_end)`.
    pub(super) phrase: Option<(u32, u32, u32, u32)>,
}

/// Where one rule's state sits in a call's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct RuleLayout {
    /// Hash of the rule's id and condition: a swapped-in set keeps the state of equal rules.
    pub(super) fingerprint: u64,
    /// Its leaves, `first_leaf..first_leaf + leaves` in the set's leaf order.
    pub(super) first_leaf: u32,
    pub(super) leaves: u32,
    /// Index of its first phrase in the set's phrase order (a rule's phrases are consecutive).
    pub(super) first_phrase: u32,
    /// Its slots, `first_slot..first_slot + slots`.
    pub(super) first_slot: u32,
    pub(super) slots: u32,
}

/// The shape of a call's state for one compiled rule set, shared by all its calls.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct StateLayout {
    pub(super) rules: Vec<RuleLayout>,
    pub(super) leaves: usize,
    pub(super) slots: usize,
}

impl StateLayout {
    /// Bit index of a rule's fired flag.
    fn fired_bit(&self, rule: usize) -> usize {
        rule
    }

    /// Bit index of a leaf's matched (or held) flag.
    fn leaf_bit(&self, leaf: usize) -> usize {
        self.rules.len() + leaf
    }

    fn words(&self) -> usize {
        (self.rules.len() + self.leaves).div_ceil(64)
    }
}

/// Evidence kept for a matched (or, with a `last_secs` window, held) leaf (24 bytes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LeafRecord {
    leaf: u32,
    seq: u32,
    /// Phrase index, `u32::MAX` when the evidence is not a phrase.
    phrase: u32,
    char_start: u32,
    char_end: u32,
    speaker: Speaker,
    /// The phrase started in the utterance before `seq`.
    spans_previous: bool,
}

impl LeafRecord {
    fn new(leaf: usize, evidence: &Evidence) -> LeafRecord {
        let mut record = LeafRecord {
            leaf: leaf as u32,
            seq: 0,
            phrase: u32::MAX,
            char_start: 0,
            char_end: 0,
            speaker: evidence.speaker,
            spans_previous: false,
        };
        record.set_evidence(evidence);
        record
    }

    fn set_evidence(&mut self, evidence: &Evidence) {
        self.seq = evidence.seq;
        self.speaker = evidence.speaker;
        self.spans_previous = false;
        match evidence.phrase {
            Some((phrase, start_seq, char_start, char_end)) => {
                self.phrase = phrase;
                self.char_start = char_start;
                self.char_end = char_end;
                self.spans_previous = start_seq != evidence.seq;
            }
            None => self.phrase = u32::MAX,
        }
    }

    fn evidence(&self) -> Evidence {
        Evidence {
            seq: self.seq,
            speaker: self.speaker,
            phrase: (self.phrase != u32::MAX).then(|| {
                let start_seq = if self.spans_previous {
                    self.seq.saturating_sub(1)
                } else {
                    self.seq
                };
                (self.phrase, start_seq, self.char_start, self.char_end)
            }),
        }
    }
}

/// The last words of the previous utterance.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Tail {
    pub(super) seq: u32,
    pub(super) speaker: Speaker,
    pub(super) start_ms: u64,
    pub(super) words: Words,
}

/// The state of one call: which rules fired, the progress of their conditions, and the previous
/// utterance's last words for phrases that span two utterances. Create with
/// [`super::LiveRules::new_call`]. [`CallRuleState::memory_bytes`] reports its size
/// (`docs/rules.md` has it measured with 50 rules).
#[derive(Debug, Clone, PartialEq)]
pub struct CallRuleState {
    layout: Arc<StateLayout>,
    bits: Box<[u64]>,
    slots: Box<[u32]>,
    /// Few per call: only matched or held leaves of rules that have not fired have one.
    records: Vec<LeafRecord>,
    pub(super) tail: Option<Tail>,
    /// Latest utterance start seen: the call's clock for `first_secs` windows.
    pub(super) clock_ms: u64,
    pub(super) ended: bool,
}

impl CallRuleState {
    pub(super) fn new(layout: &Arc<StateLayout>) -> CallRuleState {
        CallRuleState {
            bits: vec![0; layout.words()].into_boxed_slice(),
            slots: vec![0; layout.slots].into_boxed_slice(),
            layout: layout.clone(),
            records: Vec::new(),
            tail: None,
            clock_ms: 0,
            ended: false,
        }
    }

    /// Whether [`super::LiveRules::end_call`] has run; later utterances are ignored.
    pub fn is_ended(&self) -> bool {
        self.ended
    }

    /// Heap and inline size of this state, in bytes (the layout it shares with the other calls
    /// of its rule set not included).
    pub fn memory_bytes(&self) -> usize {
        std::mem::size_of::<Self>()
            + std::mem::size_of_val(&*self.bits)
            + std::mem::size_of_val(&*self.slots)
            + self.records.capacity() * std::mem::size_of::<LeafRecord>()
            + self.tail.as_ref().map_or(0, |t| t.words.heap_bytes())
    }

    /// Whether the state was built for (or moved onto) the set with this layout.
    pub(super) fn uses(&self, layout: &Arc<StateLayout>) -> bool {
        Arc::ptr_eq(&self.layout, layout)
    }

    fn bit(&self, index: usize) -> bool {
        self.bits[index / 64] & (1 << (index % 64)) != 0
    }

    fn set_bit(&mut self, index: usize) {
        self.bits[index / 64] |= 1 << (index % 64);
    }

    pub(super) fn fired(&self, rule: usize) -> bool {
        self.bit(self.layout.fired_bit(rule))
    }

    /// Whether the leaf matched (or, with a `last_secs` window, held at least once).
    pub(super) fn leaf_marked(&self, leaf: usize) -> bool {
        self.bit(self.layout.leaf_bit(leaf))
    }

    pub(super) fn slot(&self, slot: u32) -> u32 {
        self.slots[slot as usize]
    }

    pub(super) fn slot_mut(&mut self, slot: u32) -> &mut u32 {
        &mut self.slots[slot as usize]
    }

    fn record(&self, leaf: usize) -> Option<&LeafRecord> {
        self.records.iter().find(|r| r.leaf as usize == leaf)
    }

    /// The evidence of a marked leaf.
    pub(super) fn evidence(&self, leaf: usize) -> Option<Evidence> {
        self.record(leaf).map(LeafRecord::evidence)
    }

    /// Marks a leaf matched with its evidence (once: later calls change nothing).
    pub(super) fn mark_matched(&mut self, leaf: usize, evidence: &Evidence) {
        if self.leaf_marked(leaf) {
            return;
        }
        self.set_bit(self.layout.leaf_bit(leaf));
        self.push_record(LeafRecord::new(leaf, evidence));
    }

    /// Marks a `last_secs` leaf held, with the evidence of the latest utterance it held on.
    pub(super) fn mark_held(&mut self, leaf: usize, evidence: &Evidence) {
        self.set_bit(self.layout.leaf_bit(leaf));
        match self.records.iter_mut().find(|r| r.leaf as usize == leaf) {
            Some(record) => record.set_evidence(evidence),
            None => self.push_record(LeafRecord::new(leaf, evidence)),
        }
    }

    /// Grows the records four at a time: a call holds few, and doubling would waste more.
    fn push_record(&mut self, record: LeafRecord) {
        if self.records.len() == self.records.capacity() {
            self.records.reserve_exact(4);
        }
        self.records.push(record);
    }

    /// Marks a rule fired and drops its evidence, which nothing reads any more.
    pub(super) fn set_fired(&mut self, rule: usize) {
        self.set_bit(self.layout.fired_bit(rule));
        let layout = self.layout.rules[rule];
        let leaves = layout.first_leaf..layout.first_leaf + layout.leaves;
        self.records.retain(|r| !leaves.contains(&r.leaf));
    }

    /// Keeps the last `keep` words of `words` from word `from` on as the tail of utterance `seq`,
    /// reusing the tail's buffers.
    pub(super) fn set_tail(
        &mut self,
        seq: u32,
        speaker: Speaker,
        start_ms: u64,
        words: &Words,
        from: usize,
        keep: usize,
    ) {
        let tail = self.tail.get_or_insert_with(|| Tail {
            seq,
            speaker,
            start_ms,
            words: Words::default(),
        });
        tail.seq = seq;
        tail.speaker = speaker;
        tail.start_ms = start_ms;
        tail.words.clear();
        let skip = (words.len() - from).saturating_sub(keep);
        tail.words.extend_from(words, from + skip);
    }

    /// Moves the state onto another compiled set (see the module docs of
    /// [`super`]): rules with an unchanged fingerprint keep their fired flag, leaf flags,
    /// slots and evidence; the others start fresh; removed rules are dropped.
    pub(super) fn adopt(&mut self, layout: &Arc<StateLayout>) {
        let old = std::mem::replace(&mut self.layout, layout.clone());
        let old_state = CallRuleState {
            layout: old,
            bits: std::mem::replace(&mut self.bits, vec![0; layout.words()].into_boxed_slice()),
            slots: std::mem::replace(&mut self.slots, vec![0; layout.slots].into_boxed_slice()),
            records: std::mem::take(&mut self.records),
            tail: None,
            clock_ms: 0,
            ended: false,
        };
        let old_rules = &old_state.layout.rules;
        for (index, rule) in layout.rules.iter().enumerate() {
            let Some(old_index) = old_rules
                .iter()
                .position(|r| r.fingerprint == rule.fingerprint)
            else {
                continue;
            };
            let from = old_rules[old_index];
            if old_state.fired(old_index) {
                self.set_bit(layout.fired_bit(index));
            }
            for k in 0..rule.leaves as usize {
                if old_state.leaf_marked(from.first_leaf as usize + k) {
                    self.set_bit(layout.leaf_bit(rule.first_leaf as usize + k));
                }
            }
            let slots = rule.slots as usize;
            self.slots[rule.first_slot as usize..][..slots]
                .copy_from_slice(&old_state.slots[from.first_slot as usize..][..slots]);
            let old_leaves = from.first_leaf..from.first_leaf + from.leaves;
            self.records.extend(
                old_state
                    .records
                    .iter()
                    .filter(|r| old_leaves.contains(&r.leaf))
                    .map(|r| LeafRecord {
                        leaf: r.leaf - from.first_leaf + rule.first_leaf,
                        // Equal fingerprints mean equal conditions, so the same phrases in the
                        // same order, only at another place in the set's phrase list.
                        phrase: if r.phrase == u32::MAX {
                            u32::MAX
                        } else {
                            r.phrase - from.first_phrase + rule.first_phrase
                        },
                        ..*r
                    }),
            );
        }
    }
}
