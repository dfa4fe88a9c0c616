//! The rule file format ([`RuleSet`], [`Rule`], [`Condition`]), its parsers and its validation.

use serde::{Deserialize, Serialize};

use crate::model::Speaker;

/// A set of rules, as loaded from a JSON or TOML file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleSet {
    /// The rules, evaluated independently; ids must be unique.
    pub rules: Vec<Rule>,
}

/// One named rule (a "category" in Contact Lens terms): it fires at most once per call,
/// the first time its condition is known to hold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    /// Unique id reported in every hit (e.g. `escalation_request`).
    pub id: String,
    /// What the rule detects, for people reading hits.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// The condition that makes the rule fire.
    pub when: Condition,
}

/// A condition over the call so far: leaves look at utterances, combinators combine them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    /// Any of the phrases is said.
    Phrases(PhraseCondition),
    /// An utterance's sentiment score is below and/or above a threshold.
    Sentiment(SentimentCondition),
    /// An utterance starts after a silence of at least the given length.
    Silence(SilenceCondition),
    /// Utterances interrupt the other party at least a given number of times.
    Interruption(InterruptionCondition),
    /// Every sub-condition holds (each at some point of the call, not necessarily in the same utterance).
    AllOf(Vec<Condition>),
    /// At least one sub-condition holds.
    AnyOf(Vec<Condition>),
    /// The sub-condition is known never to hold in the call (see the module documentation).
    Not(Box<Condition>),
}

/// Whose utterances a leaf condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SpeakerFilter {
    /// Everyone.
    #[default]
    Any,
    /// The customer.
    Customer,
    /// A human agent.
    Agent,
    /// A bot.
    Bot,
    /// The contact center's side: an agent or a bot.
    AgentOrBot,
}

impl SpeakerFilter {
    /// Whether an utterance by `speaker` passes the filter.
    pub fn accepts(self, speaker: Speaker) -> bool {
        match self {
            SpeakerFilter::Any => true,
            SpeakerFilter::Customer => speaker == Speaker::Customer,
            SpeakerFilter::Agent => speaker == Speaker::Agent,
            SpeakerFilter::Bot => speaker == Speaker::Bot,
            SpeakerFilter::AgentOrBot => speaker != Speaker::Customer,
        }
    }
}

/// Where in the call a leaf condition looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Window {
    /// Utterances that start within the first N seconds of the call.
    FirstSecs(u32),
    /// Utterances that end within the last N seconds of the call; decided at the end of the call.
    LastSecs(u32),
}

/// Leaf: phrases said by a speaker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhraseCondition {
    /// Phrases, any of which matches. Words are compared case- and punctuation-insensitively;
    /// `*` stands for exactly one word and `**` for zero to three words.
    pub any: Vec<String>,
    /// Whose utterances count.
    #[serde(default)]
    pub speaker: SpeakerFilter,
    /// Where in the call; anywhere when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Window>,
}

/// Leaf: utterance sentiment beyond a threshold.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SentimentCondition {
    /// The score must be strictly below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// The score must be strictly above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// How many consecutive scored utterances of the speaker must pass (1 by default).
    #[serde(default = "one")]
    pub consecutive: u32,
    /// Whose utterances count.
    #[serde(default)]
    pub speaker: SpeakerFilter,
    /// Where in the call; anywhere when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Window>,
}

/// Leaf: a long silence before an utterance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SilenceCondition {
    /// Minimum silence before the utterance, in milliseconds.
    pub at_least_ms: u64,
    /// Whose utterances count (the one who breaks the silence).
    #[serde(default)]
    pub speaker: SpeakerFilter,
    /// Where in the call; anywhere when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Window>,
}

/// Leaf: interruptions counted over the call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InterruptionCondition {
    /// How many interruptions (summed over the speaker's utterances in the window) make it hold (1 by default).
    #[serde(default = "one")]
    pub at_least: u32,
    /// Who interrupts.
    #[serde(default)]
    pub speaker: SpeakerFilter,
    /// Where in the call; anywhere when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within: Option<Window>,
}

fn one() -> u32 {
    1
}

/// The syntax of a rule file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleFormat {
    /// JSON.
    Json,
    /// TOML.
    Toml,
}

impl std::fmt::Display for RuleFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            RuleFormat::Json => "JSON",
            RuleFormat::Toml => "TOML",
        })
    }
}

/// Why a rule set was rejected, with where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RuleError {
    /// The file does not parse, or does not have the rule set's shape.
    #[error(
        "{format} rule file, line {line}, column {column}{}: {message}",
        at_path(path)
    )]
    Syntax {
        /// The file's syntax.
        format: RuleFormat,
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// Path of the offending value (e.g. `rules[2].when.any_of[0]`), when known.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A rule parses but breaks a rule of the format (empty phrase list, bad wildcard, duplicate id…).
    #[error("rule {index} (`{id}`) at {path}: {message}")]
    Invalid {
        /// 0-based position of the rule in the set.
        index: usize,
        /// The rule's id.
        id: String,
        /// Path of the offending value inside the set (e.g. `rules[3].when.all_of[1].phrases.any[0]`).
        path: String,
        /// What is wrong.
        message: String,
    },
}

fn at_path(path: &str) -> String {
    if path.is_empty() || path == "." {
        String::new()
    } else {
        format!(" (at {path})")
    }
}

impl RuleSet {
    /// Parses and validates a JSON rule set.
    pub fn from_json(text: &str) -> Result<RuleSet, RuleError> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let set: RuleSet = serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            RuleError::Syntax {
                format: RuleFormat::Json,
                line: inner.line(),
                column: inner.column(),
                path,
                message: strip_position(&inner.to_string()),
            }
        })?;
        set.validate()?;
        Ok(set)
    }

    /// Parses and validates a TOML rule set (`[[rules]]` tables).
    pub fn from_toml(text: &str) -> Result<RuleSet, RuleError> {
        let deserializer = toml::Deserializer::parse(text).map_err(|e| toml_error(text, &e))?;
        let set: RuleSet = serde_path_to_error::deserialize(deserializer).map_err(|e| {
            let path = e.path().to_string();
            let mut error = toml_error(text, e.inner());
            if let RuleError::Syntax { path: p, .. } = &mut error {
                *p = path;
            }
            error
        })?;
        set.validate()?;
        Ok(set)
    }

    /// Checks what the types cannot: unique non-empty ids, well-formed phrases and thresholds,
    /// non-empty combinators.
    pub fn validate(&self) -> Result<(), RuleError> {
        let mut seen = std::collections::HashSet::new();
        for (index, rule) in self.rules.iter().enumerate() {
            let invalid = |path: String, message: String| RuleError::Invalid {
                index,
                id: rule.id.clone(),
                path,
                message,
            };
            if rule.id.trim().is_empty() {
                return Err(invalid(
                    format!("rules[{index}].id"),
                    "the id is empty".into(),
                ));
            }
            if !seen.insert(rule.id.as_str()) {
                return Err(invalid(
                    format!("rules[{index}].id"),
                    "another rule has the same id".into(),
                ));
            }
            check_condition(&rule.when, &format!("rules[{index}].when"))
                .map_err(|(path, message)| invalid(path, message))?;
        }
        Ok(())
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn toml_error(text: &str, error: &toml::de::Error) -> RuleError {
    let (line, column) = match error.span() {
        Some(span) => line_column(text, span.start),
        None => (1, 1),
    };
    RuleError::Syntax {
        format: RuleFormat::Toml,
        line,
        column,
        path: String::new(),
        message: error.message().trim().to_owned(),
    }
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

type Invalid = (String, String);

fn check_condition(condition: &Condition, path: &str) -> Result<(), Invalid> {
    match condition {
        Condition::Phrases(leaf) => {
            if leaf.any.is_empty() {
                return Err((format!("{path}.phrases.any"), "no phrases".into()));
            }
            for (i, phrase) in leaf.any.iter().enumerate() {
                super::text::PhrasePattern::parse(phrase)
                    .map_err(|message| (format!("{path}.phrases.any[{i}]"), message))?;
            }
            check_window(leaf.within, &format!("{path}.phrases"))
        }
        Condition::Sentiment(leaf) => {
            let at = format!("{path}.sentiment");
            for (name, bound) in [("below", leaf.below), ("above", leaf.above)] {
                if let Some(value) = bound
                    && !(-1.0..=1.0).contains(&value)
                {
                    return Err((
                        format!("{at}.{name}"),
                        format!("{value} is outside [-1, 1]"),
                    ));
                }
            }
            match (leaf.below, leaf.above) {
                (None, None) => return Err((at, "needs `below` or `above`".into())),
                (Some(below), Some(above)) if above >= below => {
                    return Err((
                        at,
                        format!("`above` ({above}) must be less than `below` ({below})"),
                    ));
                }
                _ => {}
            }
            if leaf.consecutive == 0 {
                return Err((format!("{at}.consecutive"), "must be at least 1".into()));
            }
            check_window(leaf.within, &at)
        }
        Condition::Silence(leaf) => {
            if leaf.at_least_ms == 0 {
                return Err((
                    format!("{path}.silence.at_least_ms"),
                    "must be positive".into(),
                ));
            }
            check_window(leaf.within, &format!("{path}.silence"))
        }
        Condition::Interruption(leaf) => {
            if leaf.at_least == 0 {
                return Err((
                    format!("{path}.interruption.at_least"),
                    "must be at least 1".into(),
                ));
            }
            check_window(leaf.within, &format!("{path}.interruption"))
        }
        Condition::AllOf(parts) | Condition::AnyOf(parts) => {
            let name = if matches!(condition, Condition::AllOf(_)) {
                "all_of"
            } else {
                "any_of"
            };
            if parts.is_empty() {
                return Err((format!("{path}.{name}"), "is empty".into()));
            }
            for (i, part) in parts.iter().enumerate() {
                check_condition(part, &format!("{path}.{name}[{i}]"))?;
            }
            Ok(())
        }
        Condition::Not(inner) => check_condition(inner, &format!("{path}.not")),
    }
}

fn check_window(window: Option<Window>, path: &str) -> Result<(), Invalid> {
    match window {
        Some(Window::FirstSecs(0) | Window::LastSecs(0)) => Err((
            format!("{path}.within"),
            "a window must be at least 1 second".into(),
        )),
        _ => Ok(()),
    }
}

/// Into the crate error: a rejected rule set is an invalid argument (its message keeps the location).
impl From<RuleError> for crate::Error {
    fn from(error: RuleError) -> Self {
        crate::Error::InvalidArgument(error.to_string())
    }
}
