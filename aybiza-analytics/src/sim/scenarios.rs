//! Call scenarios, customer moods, escalation triggers, and the parts every call shares
//! (bot front door, agent greeting, identity check, escalation to a supervisor, closing).
//! The scenario bodies are in `scripts.rs`.

use serde::{Deserialize, Serialize};

use super::conversation::Conversation;
use super::random::pick_weighted;
use super::scripts;
use super::volume::AnomalyKind;
use crate::model::{CallOutcome, Speaker};

/// The script a simulated call followed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scenario {
    /// A disputed bill: charged twice, an unexpected fee, a statement that does not match, a missing refund.
    BillingDispute,
    /// The service is down, dropping out or slow (including the calls of a planted outage storm).
    ServiceOutage,
    /// The customer cannot log in; sometimes the bot handles it alone.
    PasswordReset,
    /// The customer wants to cancel; the agent tries to retain them.
    Cancellation,
    /// A plan upgrade, asked for by the customer or offered on an outbound call.
    Upgrade,
    /// A confused customer who needs slow step-by-step help.
    ConfusedCustomer,
    /// An angry customer who demands a supervisor.
    Escalation,
    /// The same customer calling again, within days, about an issue an earlier call left open.
    RepeatCaller,
    /// A simple request resolved in a minute or two.
    QuickResolution,
    /// An app, device or web problem needing troubleshooting.
    TechnicalIssue,
}

impl Scenario {
    /// Every scenario, in a stable order.
    pub const ALL: [Scenario; 10] = [
        Scenario::BillingDispute,
        Scenario::ServiceOutage,
        Scenario::PasswordReset,
        Scenario::Cancellation,
        Scenario::Upgrade,
        Scenario::ConfusedCustomer,
        Scenario::Escalation,
        Scenario::RepeatCaller,
        Scenario::QuickResolution,
        Scenario::TechnicalIssue,
    ];

    /// The snake_case name used in JSON and in the `sim.scenario` call attribute.
    pub fn as_str(self) -> &'static str {
        match self {
            Scenario::BillingDispute => "billing_dispute",
            Scenario::ServiceOutage => "service_outage",
            Scenario::PasswordReset => "password_reset",
            Scenario::Cancellation => "cancellation",
            Scenario::Upgrade => "upgrade",
            Scenario::ConfusedCustomer => "confused_customer",
            Scenario::Escalation => "escalation",
            Scenario::RepeatCaller => "repeat_caller",
            Scenario::QuickResolution => "quick_resolution",
            Scenario::TechnicalIssue => "technical_issue",
        }
    }
}

/// How a speaker feels during a turn; it drives word choice, timing and voice features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mood {
    /// Relaxed and even.
    Calm,
    /// Pleased.
    Happy,
    /// Matter-of-fact.
    Neutral,
    /// Unsure, slow, with long silences.
    Confused,
    /// Annoyed: faster, louder.
    Frustrated,
    /// Shouting: loud, fast, pitch swinging, interrupting.
    Angry,
}

/// Phrases that mark an escalation. An escalated call's customer says one or more of them
/// (always at least one supervisor demand, the first five); no other call contains any.
pub const ESCALATION_TRIGGERS: &[&str] = &[
    "I want to speak to your manager",
    "let me talk to a supervisor",
    "put your supervisor on the phone",
    "get me someone who can actually help",
    "I want this escalated",
    "this is ridiculous",
    "this is unacceptable",
    "I'm sick and tired of this",
    "you people are useless",
    "I've been on hold forever",
    "I'm going to file a complaint",
    "I'll take my business elsewhere",
];
const DEMAND_COUNT: usize = 5;

/// The issues of each scenario that arrives on its own, with weights.
pub(crate) fn issues(scenario: Scenario) -> &'static [(&'static str, f64)] {
    match scenario {
        Scenario::BillingDispute => &[
            ("charged_twice", 0.35),
            ("unexpected_fee", 0.25),
            ("statement_mismatch", 0.25),
            ("refund_missing", 0.15),
        ],
        Scenario::ServiceOutage => &[
            ("no_service", 0.5),
            ("intermittent", 0.3),
            ("slow_service", 0.2),
        ],
        Scenario::PasswordReset => &[
            ("forgot_password", 0.5),
            ("locked_out", 0.3),
            ("reset_email_missing", 0.2),
        ],
        Scenario::Cancellation => &[
            ("too_expensive", 0.35),
            ("switching_provider", 0.25),
            ("moving", 0.2),
            ("unreliable_service", 0.2),
        ],
        Scenario::Upgrade => &[("more_capacity", 0.6), ("plan_change", 0.4)],
        Scenario::ConfusedCustomer => &[
            ("website_navigation", 0.4),
            ("letter_confusion", 0.3),
            ("app_setup", 0.3),
        ],
        Scenario::Escalation => &[
            ("billing_complaint", 0.4),
            ("outage_complaint", 0.3),
            ("missed_technician", 0.15),
            ("broken_promise", 0.15),
        ],
        Scenario::QuickResolution => &[
            ("balance", 0.25),
            ("due_date", 0.2),
            ("payment_confirmation", 0.25),
            ("address_change", 0.15),
            ("paperless", 0.15),
        ],
        Scenario::TechnicalIssue => &[
            ("app_crash", 0.35),
            ("device_offline", 0.35),
            ("email_not_received", 0.15),
            ("payment_page_error", 0.15),
        ],
        // Repeat calls carry the issue of the call they follow up.
        Scenario::RepeatCaller => &[],
    }
}

/// The queue (skill) that handles an issue.
pub(crate) fn queue(scenario: Scenario, issue: &str) -> &'static str {
    match scenario {
        Scenario::BillingDispute => "billing",
        Scenario::ServiceOutage | Scenario::TechnicalIssue => "tech_support",
        Scenario::PasswordReset => "account_access",
        Scenario::Cancellation => "retention",
        Scenario::Upgrade => "sales",
        Scenario::ConfusedCustomer | Scenario::QuickResolution => "general",
        Scenario::Escalation | Scenario::RepeatCaller => match issue {
            "billing_complaint" | "broken_promise" | "charged_twice" | "unexpected_fee"
            | "statement_mismatch" | "refund_missing" => "billing",
            "forgot_password" | "locked_out" | "reset_email_missing" => "account_access",
            _ => "tech_support",
        },
    }
}

/// How a repeat caller refers to the issue they called about before.
pub(crate) fn issue_reference(issue: &str) -> &'static [&'static str] {
    match issue {
        "charged_twice" => &[
            "the double charge",
            "being billed twice",
            "the duplicate payment",
        ],
        "unexpected_fee" => &["the {fee_name}", "that fee on my bill", "the extra charge"],
        "statement_mismatch" => &[
            "my bill being wrong",
            "the mistake on my statement",
            "my bill",
        ],
        "refund_missing" => &["my refund", "the refund I'm owed", "the money you owe me"],
        "no_service" | "major_outage" | "outage_complaint" => &[
            "my {service} being down",
            "the outage",
            "having no {service}",
        ],
        "intermittent" => &[
            "my {service} dropping out",
            "the connection problems",
            "my {service} cutting out",
        ],
        "slow_service" => &["my slow {service}", "the speed problem"],
        "forgot_password" | "locked_out" | "reset_email_missing" => &[
            "getting into my account",
            "my login problem",
            "being locked out",
        ],
        "app_crash" => &["{app} crashing", "the app problem"],
        "device_offline" => &["my {device}", "the {device} being offline"],
        "email_not_received" => &["not getting your emails", "my e-bills"],
        "payment_page_error" => &["the payment page error", "not being able to pay online"],
        "missed_technician" => &[
            "the technician appointment",
            "the visit that never happened",
        ],
        "broken_promise" => &["the credit I was promised", "the callback I was promised"],
        _ => &["my bill", "my account"],
    }
}

/// A short description of the call's topic, as a bot summarises it for the agent.
pub(crate) fn topic(scenario: Scenario) -> &'static str {
    match scenario {
        Scenario::BillingDispute => "a billing question",
        Scenario::ServiceOutage => "a service problem",
        Scenario::PasswordReset => "trouble logging in",
        Scenario::Cancellation => "your account",
        Scenario::Upgrade => "changing your plan",
        Scenario::ConfusedCustomer => "your account",
        Scenario::Escalation => "a complaint",
        Scenario::RepeatCaller => "an existing case",
        Scenario::QuickResolution => "an account question",
        Scenario::TechnicalIssue => "a technical problem",
    }
}

/// Context the scenario scripts need about the call.
#[derive(Debug, Clone)]
pub(crate) struct ScriptCtx {
    pub scenario: Scenario,
    pub issue: &'static str,
    /// For repeat calls, the scenario of the first call about the issue.
    pub base_scenario: Scenario,
    pub outbound: bool,
    pub has_bot: bool,
    pub abandoned: bool,
    /// Whether the bot resolves the call alone (password resets only).
    pub bot_only: bool,
    /// The agent's hidden skill in [0, 1].
    pub skill: f64,
    pub opening_mood: Mood,
    /// The anomaly in force when the call arrived, if any.
    pub anomaly: Option<AnomalyKind>,
    /// Whether the call escalates to a supervisor (decided up front for escalation and repeat calls).
    pub escalate: bool,
}

/// How a scripted call ended.
#[derive(Debug, Clone)]
pub(crate) struct Ending {
    pub outcome: CallOutcome,
    pub escalated: bool,
    pub transferred: bool,
    pub triggers: Vec<&'static str>,
    pub tags: Vec<&'static str>,
    pub closing_mood: Mood,
    /// Whether a human agent took part.
    pub agent_handled: bool,
    /// Time between the last utterance and hang-up (a caller waiting in queue before giving up).
    pub trailing_ms: u64,
}

impl Ending {
    pub(crate) fn new(outcome: CallOutcome, closing_mood: Mood) -> Self {
        Self {
            outcome,
            escalated: false,
            transferred: false,
            triggers: Vec::new(),
            tags: Vec::new(),
            closing_mood,
            agent_handled: true,
            trailing_ms: 0,
        }
    }

    pub(crate) fn tag(mut self, tag: &'static str) -> Self {
        self.tags.push(tag);
        self
    }
}

/// The three ways a piece of work can end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Resolution {
    Resolved,
    FollowUp,
    Unresolved,
}

impl Resolution {
    pub(crate) fn outcome(self) -> CallOutcome {
        match self {
            Resolution::Resolved => CallOutcome::Resolved,
            Resolution::FollowUp => CallOutcome::FollowUp,
            Resolution::Unresolved => CallOutcome::Unresolved,
        }
    }
}

/// Draws a resolution: base probabilities of resolving and of a follow-up, shifted by the agent's skill.
pub(crate) fn resolve(
    c: &mut Conversation,
    ctx: &ScriptCtx,
    resolved: f64,
    follow_up: f64,
) -> Resolution {
    let resolved_p = (resolved + (ctx.skill - 0.55) * 0.4).clamp(0.02, 0.97);
    let follow_share = if resolved < 1.0 {
        follow_up / (1.0 - resolved)
    } else {
        0.0
    };
    let follow_p = (1.0 - resolved_p) * follow_share.clamp(0.0, 1.0);
    pick_weighted(
        c.rng,
        &[
            (Resolution::Resolved, resolved_p),
            (Resolution::FollowUp, follow_p),
            (
                Resolution::Unresolved,
                (1.0 - resolved_p - follow_p).max(0.0),
            ),
        ],
    )
}

/// Runs a whole call: the bot front door (if any), the agent greeting, the scenario body.
pub(crate) fn run(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    if ctx.outbound {
        return scripts::outbound_offer(c, ctx);
    }
    if ctx.has_bot {
        bot_front_door(c, ctx);
        if ctx.abandoned {
            return abandon_in_queue(c, ctx);
        }
        if ctx.bot_only {
            return scripts::bot_password_reset(c, ctx);
        }
        c.bot(&[
            "Thanks. Let me connect you to someone who can help with that.",
            "Got it. Please hold while I transfer you to an agent.",
            "Okay, I'm connecting you with a specialist. Your estimated wait is {wait} minutes.",
            "One moment while I find an available agent.",
            "I understand. Transferring you now.",
        ]);
        if matches!(
            ctx.anomaly,
            Some(AnomalyKind::OutageStorm | AnomalyKind::VolumeSpike)
        ) {
            c.hold(120, 900);
        } else {
            c.hold(10, 150);
        }
    } else if !c.chat {
        c.hold(1, 12);
    }
    greet(c, ctx);
    match ctx.scenario {
        Scenario::BillingDispute => scripts::billing_dispute(c, ctx),
        Scenario::ServiceOutage => scripts::service_outage(c, ctx),
        Scenario::PasswordReset => scripts::password_reset(c, ctx),
        Scenario::Cancellation => scripts::cancellation(c, ctx),
        Scenario::Upgrade => scripts::upgrade(c, ctx),
        Scenario::ConfusedCustomer => scripts::confused_customer(c, ctx),
        Scenario::Escalation => scripts::escalation(c, ctx),
        Scenario::RepeatCaller => scripts::repeat_caller(c, ctx),
        Scenario::QuickResolution => scripts::quick_resolution(c, ctx),
        Scenario::TechnicalIssue => scripts::technical_issue(c, ctx),
    }
}

fn bot_front_door(c: &mut Conversation, ctx: &ScriptCtx) {
    if c.chat {
        c.bot(&[
            "Hi! I'm the {company} virtual assistant. What can I help you with?",
            "Welcome to {company} chat. Tell me briefly what you need help with.",
            "Hello! You're chatting with {company}'s assistant. What brings you here today?",
        ]);
    } else {
        c.bot(&[
            "Thank you for calling {company}. This call may be recorded for quality purposes. In a few words, tell me what you're calling about.",
            "Welcome to {company}. Please briefly describe the reason for your call.",
            "Hi, you've reached {company}. I'm a virtual assistant. How can I help you today?",
            "Thanks for calling {company}. Calls are recorded for training. What can I help you with?",
        ]);
    }
    let reasons: &[&str] = match ctx.scenario {
        Scenario::BillingDispute => &[
            "billing",
            "a problem with my bill",
            "question about a charge",
            "billing dispute",
            "I need to talk about a charge on my account",
            "wrong amount on my bill",
            "refund",
        ],
        Scenario::ServiceOutage => &[
            "my {service} is down",
            "outage",
            "no {service}",
            "report a fault",
            "my {service} isn't working",
            "technical problem",
        ],
        Scenario::PasswordReset => &[
            "password reset",
            "I can't log in",
            "locked out",
            "reset my password",
            "login problem",
        ],
        Scenario::Cancellation => &[
            "cancel",
            "cancel my service",
            "I want to cancel",
            "close my account",
            "cancellation",
        ],
        Scenario::Upgrade => &[
            "upgrade",
            "change my plan",
            "new plan",
            "sales",
            "I want to upgrade",
        ],
        Scenario::ConfusedCustomer => &[
            "I'm not sure",
            "hello? I need some help",
            "I got a letter",
            "I don't know what to say",
            "help with the website",
        ],
        Scenario::Escalation => &[
            "representative",
            "agent",
            "speak to a person",
            "complaint",
            "a real person please",
            "operator",
        ],
        Scenario::RepeatCaller => &[
            "I'm calling back about an existing problem",
            "follow up",
            "existing ticket",
            "agent",
            "representative",
        ],
        Scenario::QuickResolution => &[
            "balance",
            "when is my bill due",
            "payment",
            "change my address",
            "paperless billing",
            "account question",
        ],
        Scenario::TechnicalIssue => &[
            "technical support",
            "the app isn't working",
            "my {device} isn't working",
            "error message",
            "tech support",
        ],
    };
    let lead: &[&str] = if c.chat {
        &["", "hi", "hello"]
    } else {
        &["", "um,", "yeah,", "uh"]
    };
    c.customer(ctx.opening_mood, &[lead, reasons]);
    if ctx.anomaly == Some(AnomalyKind::OutageStorm) {
        c.bot(&[
            "We're aware of a service interruption in some areas and our teams are working to restore it. You can get updates in {app}.",
            "We're currently experiencing an outage in parts of our network. For updates, check {app}.",
        ]);
    }
}

fn abandon_in_queue(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    c.bot(&[
        "All of our agents are currently helping other customers. Your estimated wait time is {wait} minutes.",
        "We're experiencing higher than normal call volumes. Please stay on the line.",
        "Thank you for your patience. Your call will be answered in the order it was received.",
    ]);
    let mut ending = Ending::new(CallOutcome::Abandoned, ctx.opening_mood);
    ending.agent_handled = false;
    ending.trailing_ms = c.rng_range_ms(15, 420);
    ending
}

fn greet(c: &mut Conversation, ctx: &ScriptCtx) {
    if c.chat {
        c.agent(&[
            &["Hi {customer_first}!", "Hello,", "Hi there,"],
            &[
                "you're chatting with {agent}.",
                "this is {agent} from {company}.",
                "my name is {agent}.",
            ],
            &[
                "How can I help today?",
                "What can I do for you?",
                "I'll be helping you today.",
            ],
        ]);
    } else if ctx.has_bot {
        c.agent(&[
            &[
                "Hi, thanks for holding.",
                "Hello, thanks for waiting.",
                "Hi there.",
                "Thanks for your patience.",
            ],
            &[
                "This is {agent}.",
                "My name is {agent}.",
                "You're speaking with {agent}.",
            ],
            &[
                "How can I help?",
                "I understand you're calling about {topic}?",
                "What can I do for you today?",
            ],
        ]);
    } else {
        c.agent(&[
            &[
                "Thanks for calling {company},",
                "{company}, good {daypart},",
                "Hi, thank you for calling {company}.",
                "Good {daypart}, and thanks for calling {company}.",
            ],
            &[
                "this is {agent}.",
                "my name is {agent}.",
                "{agent} speaking.",
            ],
            &[
                "How can I help you today?",
                "What can I do for you?",
                "How may I help?",
                "What can I help you with?",
            ],
        ]);
    }
}

/// Opening words before a customer states the issue, by mood.
pub(crate) fn openers(mood: Mood) -> &'static [&'static str] {
    match mood {
        Mood::Calm | Mood::Happy => &[
            "Hi,",
            "Hello,",
            "Hi there,",
            "Good {daypart},",
            "",
            "Hey,",
            "Hi, thanks.",
            "Oh hi,",
        ],
        Mood::Neutral => &[
            "Hi,",
            "Hello,",
            "Yeah, hi.",
            "",
            "Um, hi,",
            "So,",
            "Hi, yes,",
            "Hey,",
        ],
        Mood::Confused => &["Hello?", "Hi, um,", "Oh, hello.", "Yes, hello,", "Um,"],
        Mood::Frustrated | Mood::Angry => &[
            "",
            "Yeah,",
            "Hi. Look,",
            "Okay, so",
            "Hi,",
            "Yes.",
            "Right,",
        ],
    }
}

/// The agent checks the caller's identity.
pub(crate) fn verify(c: &mut Conversation, mood: Mood) {
    let prefix: &[&str] = &[
        "Sure, I can help with that.",
        "Okay.",
        "I can look into that for you.",
        "",
        "No problem.",
    ];
    match c.rng_index(5) {
        0 => {
            c.agent(&[
                prefix,
                &[
                    "Can I get your full name and account number?",
                    "Could I have your name and the account number, please?",
                ],
            ]);
            c.customer(
                mood,
                &[&[
                    "Yeah, it's {customer_name}, account {account}.",
                    "{customer_name}. Account number {account}.",
                    "Sure. {customer_name}, and the account is {account}.",
                    "Um, {customer_name}... the account number is {account}, I think.",
                ]],
            );
        }
        1 => {
            c.agent(&[
                prefix,
                &[
                    "Can you confirm the email address on the account?",
                    "What's the email address we have on file for you?",
                ],
            ]);
            c.customer(
                mood,
                &[&["It's {email}.", "{email}.", "Should be {email}."]],
            );
        }
        2 => {
            c.agent(&[
                prefix,
                &[
                    "Can I get the last four digits of the card on file?",
                    "For security, what are the last four digits of your card?",
                ],
            ]);
            c.customer(
                mood,
                &[&["{last4}.", "It's {last4}.", "Hang on... {last4}."]],
            );
        }
        3 => {
            c.agent(&[
                prefix,
                &[
                    "What's the phone number on the account?",
                    "Can you confirm the mobile number on the account?",
                ],
            ]);
            c.customer(
                mood,
                &[&["It's {phone}.", "{phone}.", "That'd be {phone}."]],
            );
        }
        _ => {
            c.agent(&[
                prefix,
                &[
                    "Can you confirm your date of birth for security?",
                    "For verification, what's your date of birth?",
                ],
            ]);
            c.customer(mood, &[&["{dob}.", "It's {dob}.", "Sure, {dob}."]]);
        }
    }
    c.agent(&[&[
        "Thank you, {customer_first}.",
        "Great, thanks. I've got your account up.",
        "Perfect, I can see it here.",
        "Thanks for confirming.",
        "Okay, got it.",
    ]]);
}

/// The usual end of a call: anything else, goodbye.
pub(crate) fn closing(c: &mut Conversation, mood: Mood) {
    c.agent(&[&[
        "Is there anything else I can help you with today?",
        "Anything else I can do for you?",
        "Is there anything else you need from me?",
        "Was there anything else?",
        "Can I help with anything else today?",
    ]]);
    match mood {
        Mood::Happy | Mood::Calm => c.customer(
            mood,
            &[
                &[
                    "No, that's everything.",
                    "Nope, that's it.",
                    "No, I think that's all.",
                    "That's all.",
                    "No.",
                ],
                &[
                    "Thank you so much!",
                    "Thanks for your help.",
                    "You've been really helpful.",
                    "Thanks.",
                    "Have a good day.",
                    "Appreciate it.",
                ],
            ],
        ),
        Mood::Neutral | Mood::Confused => c.customer(
            mood,
            &[&[
                "No, that's it.",
                "I guess not.",
                "No, thanks.",
                "That's it for now.",
                "No.",
            ]],
        ),
        Mood::Frustrated | Mood::Angry => c.customer(
            mood,
            &[
                &["No.", "No, that's it.", "That's all."],
                &[
                    "I just hope this actually gets fixed.",
                    "I'd better not have to call again.",
                    "Frankly I'm not happy, but fine.",
                    "",
                    "Let's see if it works this time.",
                ],
            ],
        ),
    }
    c.agent(&[
        &[
            "Thank you for calling {company}.",
            "Thanks for contacting {company}.",
            "Thanks for your patience, {customer_first}.",
            "You're welcome.",
            "Alright, {customer_first}.",
        ],
        &[
            "Have a great day!",
            "Take care.",
            "Have a good one.",
            "Goodbye.",
            "Enjoy the rest of your {daypart}.",
        ],
    ]);
}

/// The customer demands a supervisor (saying trigger phrases), the agent brings one in, the supervisor takes over.
/// Returns the trigger phrases said.
pub(crate) fn escalate(c: &mut Conversation) -> Vec<&'static str> {
    let demand = *c.pick(&ESCALATION_TRIGGERS[..DEMAND_COUNT]);
    let outbursts = &ESCALATION_TRIGGERS[DEMAND_COUNT..];
    let first = c.rng_index(outbursts.len());
    let second = (first + 1 + c.rng_index(outbursts.len() - 1)) % outbursts.len();
    let outburst_count = *c.pick(&[0, 1, 1, 2]);
    let mut said = Vec::new();
    if outburst_count >= 1 {
        let outburst = outbursts[first];
        let frame = *c.pick(&[
            "{t}.",
            "Honestly, {t}!",
            "You know what, {t}.",
            "No. {t}.",
            "{t}. I've explained this three times already.",
            "Seriously, {t}.",
            "{t}, I've been at this for days.",
        ]);
        c.push(
            Speaker::Customer,
            Mood::Angry,
            frame.replace("{t}", outburst),
        );
        said.push(outburst);
        c.agent(&[
            &[
                "I completely understand your frustration.",
                "I'm sorry, I know this has been a hassle.",
                "I hear you, and I want to get this fixed.",
            ],
            &[
                "Let me see what else I can do.",
                "Let's see if there's another option.",
                "",
            ],
        ]);
    }
    let frame = *c.pick(&[
        "{t}.",
        "Look, {t}.",
        "No, {t}. Now.",
        "I'm done going around in circles. {t}.",
        "{t}, please.",
        "That's not good enough. {t}.",
    ]);
    let mut line = frame.replace("{t}", demand);
    if outburst_count == 2 {
        let outburst = outbursts[second];
        line = format!(
            "{line} {}",
            c.pick(&["Honestly, {t}.", "{t}.", "And {t}!"])
                .replace("{t}", outburst)
        );
        said.push(outburst);
    }
    c.push(Speaker::Customer, Mood::Angry, line);
    said.push(demand);
    c.agent(&[&[
        "I understand. Let me see if a supervisor is available.",
        "Okay. Please hold while I bring in my supervisor.",
        "I'm sorry. I'm going to transfer you to my supervisor now.",
        "Of course. One moment, I'll get a team lead on the line.",
    ]]);
    c.hold(30, 240);
    c.hand_over();
    c.agent(&[
        &[
            "Hi {customer_first}, this is {supervisor}, I'm one of the supervisors here.",
            "Hello, my name is {supervisor}, I'm the team lead.",
            "This is {supervisor}, I manage the team here.",
        ],
        &[
            "I've read through the notes.",
            "I'm sorry about the trouble today.",
            "I understand it's been a frustrating experience.",
            "Let's get this sorted.",
        ],
    ]);
    c.customer(
        Mood::Frustrated,
        &[&[
            "Finally. Somebody needs to fix this today.",
            "Thank you. I just want this sorted out.",
            "Good. I've been going around in circles.",
            "Okay. So what are you going to do about it?",
        ]],
    );
    said
}
