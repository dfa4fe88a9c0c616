//! Assembling utterances from alternative phrasings: slot filling, tidying, and the list of turns.
//!
//! A phrasing is a sequence of parts, each a list of alternatives (an empty
//! alternative drops the part). Parts are joined with spaces, except before
//! punctuation, `{slot}` placeholders are filled from the call's [`Slots`], and
//! the result is capitalised and punctuated.

use rand::Rng;

use super::random::{SimRng, pick};
use super::scenarios::Mood;
use crate::model::Speaker;

/// The values for `{name}` placeholders of one call.
#[derive(Debug, Clone, Default)]
pub(crate) struct Slots {
    values: Vec<(&'static str, String)>,
}

impl Slots {
    /// Sets (or replaces) a slot.
    pub(crate) fn set(&mut self, key: &'static str, value: impl Into<String>) {
        let value = value.into();
        match self.values.iter_mut().find(|(k, _)| *k == key) {
            Some(entry) => entry.1 = value,
            None => self.values.push((key, value)),
        }
    }

    fn get(&self, key: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str())
    }

    /// Replaces every known `{name}` in `text`; unknown placeholders are left as they are.
    pub(crate) fn fill(&self, text: &str) -> String {
        let mut out = String::with_capacity(text.len() + 16);
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            match after.find('}') {
                Some(close) => {
                    let key = &after[..close];
                    match self.get(key) {
                        Some(value) => out.push_str(value),
                        None => {
                            out.push('{');
                            out.push_str(key);
                            out.push('}');
                        }
                    }
                    rest = &after[close + 1..];
                }
                None => {
                    out.push_str(&rest[open..]);
                    rest = "";
                }
            }
        }
        out.push_str(rest);
        out
    }
}

/// One turn of a scripted conversation, before timing.
#[derive(Debug, Clone)]
pub(crate) struct Turn {
    pub speaker: Speaker,
    pub mood: Mood,
    pub text: String,
    /// A fixed silence before the turn (hold music, queue wait), overriding the natural gap.
    pub pause_before_ms: Option<u64>,
    /// Whether the turn is spoken by a second agent (a supervisor or the team taking a transfer).
    pub second_agent: bool,
}

/// A conversation being scripted.
pub(crate) struct Conversation<'a> {
    pub rng: &'a mut SimRng,
    pub slots: Slots,
    pub turns: Vec<Turn>,
    /// Whether the contact is a text chat (customer turns are typed, often in lower case).
    pub chat: bool,
    pending_pause_ms: Option<u64>,
    second_agent: bool,
}

impl<'a> Conversation<'a> {
    pub(crate) fn new(rng: &'a mut SimRng, slots: Slots, chat: bool) -> Self {
        Self {
            rng,
            slots,
            turns: Vec::new(),
            chat,
            pending_pause_ms: None,
            second_agent: false,
        }
    }

    /// Composes one utterance from alternative parts and appends it.
    pub(crate) fn say(&mut self, speaker: Speaker, mood: Mood, parts: &[&[&str]]) {
        let raw = compose(self.rng, parts);
        let text = self.slots.fill(&raw);
        self.push(speaker, mood, text);
    }

    /// Appends an already composed utterance.
    pub(crate) fn push(&mut self, speaker: Speaker, mood: Mood, text: String) {
        let mut text = tidy(&text);
        if self.chat && speaker == Speaker::Customer && self.rng.random_bool(0.35) {
            text = casual(&text);
        }
        self.turns.push(Turn {
            speaker,
            mood,
            text,
            pause_before_ms: self.pending_pause_ms.take(),
            second_agent: speaker == Speaker::Agent && self.second_agent,
        });
    }

    /// The customer speaks.
    pub(crate) fn customer(&mut self, mood: Mood, parts: &[&[&str]]) {
        self.say(Speaker::Customer, mood, parts);
    }

    /// The agent speaks (agents stay calm).
    pub(crate) fn agent(&mut self, parts: &[&[&str]]) {
        self.say(Speaker::Agent, Mood::Calm, parts);
    }

    /// The bot speaks one of `alternatives`.
    pub(crate) fn bot(&mut self, alternatives: &[&str]) {
        self.say(Speaker::Bot, Mood::Calm, &[alternatives]);
    }

    /// A silence of `min_s` to `max_s` seconds before the next turn (hold, queue, looking something up).
    pub(crate) fn hold(&mut self, min_s: u64, max_s: u64) {
        let ms = self.rng_range_ms(min_s, max_s);
        self.pending_pause_ms = Some(self.pending_pause_ms.unwrap_or(0) + ms);
    }

    /// From now on agent turns are spoken by a second agent (supervisor or transfer target).
    pub(crate) fn hand_over(&mut self) {
        self.second_agent = true;
    }

    /// A biased coin.
    pub(crate) fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }

    /// One of `items`, uniformly.
    pub(crate) fn pick<'t, T>(&mut self, items: &'t [T]) -> &'t T {
        pick(self.rng, items)
    }

    /// A uniform draw in [0, 1).
    pub(crate) fn roll(&mut self) -> f64 {
        self.rng.random::<f64>()
    }

    /// A uniform index below `n` (which must be positive).
    pub(crate) fn rng_index(&mut self, n: usize) -> usize {
        self.rng.random_range(0..n)
    }

    /// A duration between `min_s` and `max_s` seconds, in milliseconds.
    pub(crate) fn rng_range_ms(&mut self, min_s: u64, max_s: u64) -> u64 {
        self.rng.random_range(min_s * 1000..=max_s * 1000)
    }
}

/// Picks one alternative per part and joins them.
fn compose(rng: &mut SimRng, parts: &[&[&str]]) -> String {
    let mut out = String::new();
    for part in parts {
        let piece = *pick(rng, part);
        if piece.is_empty() {
            continue;
        }
        let glued = piece.starts_with(['.', ',', '?', '!', ';', ':']);
        if !out.is_empty() && !glued {
            out.push(' ');
        }
        out.push_str(piece);
    }
    out
}

/// Trims, collapses spaces, capitalises sentence starts (a `.`, `?` or `!` followed by a space;
/// not an ellipsis, an e-mail address or a decimal) and ends the text with punctuation.
pub(crate) fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 1);
    let mut capitalise = true;
    let mut after_terminator = false;
    let mut last_space = true;
    let mut previous = ' ';
    for ch in text.trim().chars() {
        if ch == ' ' {
            if !last_space {
                out.push(' ');
            }
            if after_terminator {
                capitalise = true;
            }
            after_terminator = false;
            last_space = true;
            previous = ch;
            continue;
        }
        last_space = false;
        if capitalise && ch.is_alphabetic() {
            out.extend(ch.to_uppercase());
            capitalise = false;
        } else {
            out.push(ch);
            if ch.is_alphanumeric() {
                capitalise = false;
            }
        }
        after_terminator = matches!(ch, '?' | '!') || (ch == '.' && previous != '.');
        previous = ch;
    }
    if !out.ends_with(['.', '?', '!', '"', '\'']) {
        out.push('.');
    }
    out
}

/// How people type in chat: lower-case first letter, no final full stop.
fn casual(text: &str) -> String {
    let mut chars = text.chars();
    let mut out: String = match chars.next() {
        Some(first) if !text.starts_with("I ") && !text.starts_with("I'") => {
            first.to_lowercase().chain(chars).collect()
        }
        _ => text.to_owned(),
    };
    if out.ends_with('.') && !out.ends_with("..") {
        out.pop();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::random::stream;

    #[test]
    fn slots_fill_known_keys_and_keep_unknown_ones() {
        let mut slots = Slots::default();
        slots.set("amount", "$12.50");
        slots.set("amount", "$13.50");
        assert_eq!(
            slots.fill("a {amount} b {nope} c {"),
            "a $13.50 b {nope} c {"
        );
    }

    #[test]
    fn tidy_capitalises_and_punctuates() {
        assert_eq!(
            tidy("  hi there.  i was charged $12.50 twice "),
            "Hi there. I was charged $12.50 twice."
        );
        assert_eq!(tidy("is it down?"), "Is it down?");
        assert_eq!(
            tidy("it's yuki.ito47@example.com. thanks"),
            "It's yuki.ito47@example.com. Thanks."
        );
        assert_eq!(
            tidy("it says... hold on... 'changes'"),
            "It says... hold on... 'changes'"
        );
    }

    #[test]
    fn compose_glues_punctuation() {
        let mut rng = stream(3, &[]);
        let text = compose(&mut rng, &[&["hello"], &[""], &[", can you help"], &["?"]]);
        assert_eq!(text, "hello, can you help?");
    }
}
