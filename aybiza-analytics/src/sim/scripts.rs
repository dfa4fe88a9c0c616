//! The body of each scenario: what the customer says, how the agent responds, and how it ends.
//!
//! Every turn offers several phrasings and most are built from independent
//! parts (opener, reason, tail), so two calls about the same thing rarely
//! read alike.

use super::conversation::Conversation;
use super::scenarios::{
    Ending, Mood, Resolution, ScriptCtx, closing, escalate, openers, resolve, verify,
};
use super::volume::AnomalyKind;
use crate::model::CallOutcome;

/// After [`escalate`]: the supervisor's resolution and the end of the call.
fn supervisor_ending(c: &mut Conversation, ctx: &ScriptCtx, triggers: Vec<&'static str>) -> Ending {
    let resolution = resolve(c, ctx, 0.4, 0.4);
    let mood = match resolution {
        Resolution::Resolved => {
            c.agent(&[
                &["I've gone through everything and", "Okay, here's what I've done:", "Right,"],
                &[
                    "I've applied a {credit} credit and corrected the account.",
                    "I've fixed it myself and added a {credit} credit for the trouble.",
                    "I've processed it personally; you'll see it within {refund_days} days, plus a {credit} credit.",
                    "I've booked a priority visit for tomorrow morning and added a {credit} credit.",
                ],
            ]);
            c.customer(
                Mood::Neutral,
                &[&[
                    "Thank you. That's all I wanted.",
                    "Okay. Finally.",
                    "Fine, thank you for actually helping.",
                    "Alright. Thanks.",
                ]],
            );
            closing(c, Mood::Neutral);
            Mood::Neutral
        }
        Resolution::FollowUp => {
            c.agent(&[
                &[
                    "I'm going to follow up on this personally.",
                    "I'm taking ownership of this case.",
                ],
                &[
                    "My reference is {ticket} and I'll call you {eta}.",
                    "You'll hear from me {eta}; the reference is {ticket}.",
                ],
            ]);
            c.customer(
                Mood::Frustrated,
                &[&[
                    "I'll hold you to that.",
                    "Okay. I'm expecting that call.",
                    "Fine. Don't forget.",
                ]],
            );
            closing(c, Mood::Frustrated);
            Mood::Frustrated
        }
        Resolution::Unresolved => {
            c.agent(&[&[
                "I'm sorry, but there's nothing more I can do today beyond what's been offered.",
                "I understand, but our policy doesn't allow me to go further than that.",
                "Unfortunately that's the best I can offer at this point.",
            ]]);
            c.customer(
                Mood::Angry,
                &[&[
                    "Unbelievable.",
                    "Then we're done here.",
                    "Forget it.",
                    "Wow. Okay. Goodbye.",
                ]],
            );
            Mood::Angry
        }
    };
    let mut ending = Ending::new(resolution.outcome(), mood).tag("escalated");
    ending.escalated = true;
    ending.transferred = c.chance(0.6);
    ending.triggers = triggers;
    ending
}

/// Escalates mid-call and finishes with the supervisor.
fn escalate_and_end(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let triggers = escalate(c);
    supervisor_ending(c, ctx, triggers)
}

struct DisputeLines {
    reasons: &'static [&'static str],
    tails: &'static [&'static str],
    finding: &'static [&'static str],
    objection: &'static [&'static str],
    resolved: &'static [&'static str],
    follow_up: &'static [&'static str],
    unresolved: &'static [&'static str],
}

fn dispute_lines(issue: &str) -> DisputeLines {
    match issue {
        "charged_twice" => DisputeLines {
            reasons: &[
                "I was charged twice for my {plan} bill this month",
                "I see two charges of {amount} on my card from you",
                "it looks like you billed me twice",
                "there's a duplicate charge on my account",
                "my bank statement shows the same {amount} payment two times",
                "I got billed double for {month}",
                "you took my payment twice",
                "I've been charged {amount} twice on the same day",
                "there are two identical payments coming out of my account",
                "my autopay went through two times",
                "I got two {amount} debits from {company} on {date}",
                "I think I've been double charged",
            ],
            tails: &[
                "",
                ". Can you fix that?",
                "and I'd like one of them refunded",
                "and I need that money back",
                ". What happened?",
                "and it overdrew my account",
                ". Can you take a look?",
                ". I need it sorted out today",
                ", which I really can't afford right now",
            ],
            finding: &[
                "I do see two payments of {amount} posted on {date}.",
                "You're right, the payment was processed twice on {date}.",
                "I can see the duplicate transaction from {date}.",
                "Yes, it looks like the payment was retried and went through both times.",
                "I see it: {amount} on {date}, and again the same day.",
            ],
            objection: &[],
            resolved: &[
                "I've issued a refund for the duplicate {amount}; you should see it in {refund_days} business days.",
                "I've reversed the second charge, so it'll be back on your card within {refund_days} days.",
                "I've gone ahead and refunded the extra {amount}, and I'll email you a confirmation.",
                "The duplicate is refunded now. It can take {refund_days} days to show, depending on your bank.",
            ],
            follow_up: &[
                "I can't reverse it from here, but I've opened a refund request, reference {ticket}. Our payments team processes those within {refund_days} business days.",
                "I've raised it with our payments team under ticket {ticket}; someone will call you back within 48 hours.",
                "I've logged a dispute for the second charge, reference {ticket}. You'll get an email once it's approved.",
            ],
            unresolved: &[
                "On our side I only see one completed payment of {amount}; the other one may be a pending authorization from your bank.",
                "I'm only seeing a single charge on the account. The second one might be a hold your bank will release.",
                "Our records show one payment, so the second one isn't something I can refund from here.",
            ],
        },
        "unexpected_fee" => DisputeLines {
            reasons: &[
                "there's a {fee_name} of {fee} on my bill that I don't recognise",
                "what is this {fee} {fee_name}",
                "I got hit with a {fee_name} and nobody told me about it",
                "my bill has a new charge called {fee_name}",
                "why am I paying a {fee_name} now",
                "there's an extra {fee} on my statement and I don't know what it's for",
                "I was charged a {fee_name} and I don't think I should have been",
                "my bill is higher because of some {fee_name}",
                "can you explain the {fee_name} on my last bill",
            ],
            tails: &[
                "",
                "?",
                ". It wasn't there before",
                ". I want it taken off",
                ". Nobody mentioned any fees when I signed up",
            ],
            finding: &[
                "That {fee} is a {fee_name}; it's applied when {fee_reason}.",
                "The {fee_name} gets charged when {fee_reason}.",
                "I see it. That's our {fee_name}, which applies when {fee_reason}.",
            ],
            objection: &[
                "But nobody told me about that.",
                "Well, I didn't know that.",
                "That's never been on my bill before.",
                "Okay, but I don't think that applies to me.",
                "Hmm. That seems unfair.",
            ],
            resolved: &[
                "As a one-time courtesy I've waived the {fee_name}; you'll see a {fee} credit on your next bill.",
                "I've removed the fee and credited {fee} back to your account.",
                "I can take that off for you this time, so the {fee} is credited back.",
            ],
            follow_up: &[
                "I've sent a request to have the fee reviewed, reference {ticket}. You'll hear back within five business days.",
                "I've asked the billing team to review the {fee_name}; the ticket is {ticket}.",
            ],
            unresolved: &[
                "I'm sorry, I'm not able to waive that fee since it was applied correctly.",
                "Unfortunately the {fee_name} is part of the terms, so I can't remove it.",
            ],
        },
        "statement_mismatch" => DisputeLines {
            reasons: &[
                "my bill is {amount} but my plan is supposed to be {price}",
                "the amount on my statement doesn't match what I was quoted",
                "I was told I'd pay {price} a month and I'm being charged {amount}",
                "my bill went up and I didn't change anything",
                "my promotional discount isn't on my bill anymore",
                "the statement says {amount} but the app shows something different",
                "I think my bill is wrong this month",
                "why is my bill {amount} when it's normally {price}",
            ],
            tails: &[
                "",
                "?",
                ". Can you explain?",
                ". I'd like it corrected",
                ". What's going on?",
            ],
            finding: &[
                "I see, your promotional rate ended on {date}, which is why it went up.",
                "It looks like there's a prorated charge from when your plan changed.",
                "Part of that is a partial month from your previous plan.",
                "Your discount expired last cycle, so the full price for {plan} applied.",
            ],
            objection: &[
                "Nobody told me the discount would end.",
                "I never agreed to that.",
                "That's not what I was told when I signed up.",
                "So I'm just supposed to pay more now?",
            ],
            resolved: &[
                "I've applied a {credit} credit and reinstated the discount for another {months} months.",
                "I've corrected the bill; the new amount is {price} and the difference is credited back.",
                "I've adjusted the statement, and you'll get a corrected copy by email.",
            ],
            follow_up: &[
                "I've asked our billing team to correct the statement, reference {ticket}. The corrected bill will be emailed within a few days.",
                "I've opened a billing review, ticket {ticket}; they'll contact you once it's adjusted.",
            ],
            unresolved: &[
                "I'm afraid the charge is correct according to the plan terms.",
                "I've checked it and the amount is right for your plan, so I can't change it.",
            ],
        },
        _ => DisputeLines {
            reasons: &[
                "I was promised a refund of {amount} and I still haven't got it",
                "I'm still waiting on a refund",
                "where is my refund? It's been weeks",
                "someone told me I'd get {amount} back and nothing has arrived",
                "the credit you promised me isn't on my account",
                "I'm calling to check on the refund for my old plan",
                "my refund was supposed to arrive by {date}",
            ],
            tails: &[
                "",
                ". What's happening with it?",
                ". Can you check?",
                ". I really need that money",
            ],
            finding: &[
                "I can see the refund was approved on {date}.",
                "The refund of {amount} is showing as pending.",
                "It looks like the refund request was never submitted.",
            ],
            objection: &[],
            resolved: &[
                "I've pushed it through now; it was stuck in processing. You'll see it within {refund_days} business days.",
                "I've re-submitted the refund of {amount} and it's approved, so it should land in {refund_days} days.",
            ],
            follow_up: &[
                "I've chased it with our finance team, reference {ticket}. They'll email you when it's paid.",
                "I've escalated the refund to our payments team under {ticket}.",
            ],
            unresolved: &[
                "It was sent back to the original card on {date}, so you'd have to check with your bank.",
                "On our end the refund is complete, so I can't resend it.",
            ],
        },
    }
}

/// Billing disputes; during a planted volume spike, the double-charge storm.
pub(crate) fn billing_dispute(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let lines = dispute_lines(ctx.issue);
    c.customer(mood, &[openers(mood), lines.reasons, lines.tails]);
    if c.chance(0.7) {
        verify(c, mood);
    }
    c.agent(&[
        &[
            "I'm sorry about that.",
            "Okay, let me take a look.",
            "I understand.",
            "No problem.",
            "Thanks for letting us know.",
        ],
        &[
            "Let me pull up your billing history.",
            "I'm checking the payments on your account now.",
            "Give me a moment to look at the transactions.",
            "Let me see what happened there.",
            "I'll check the recent charges.",
        ],
    ]);
    c.hold(5, 60);
    if ctx.anomaly == Some(AnomalyKind::VolumeSpike) {
        c.agent(&[&[
            "We had a problem with our billing run this morning and some customers were charged twice; I'm very sorry.",
            "There was a system error in today's billing run that duplicated some payments, and yours is one of them.",
        ]]);
    }
    let resolution = resolve(c, ctx, 0.62, 0.26);
    if resolution != Resolution::Unresolved {
        c.agent(&[lines.finding]);
        if !lines.objection.is_empty() && c.chance(0.6) {
            c.customer(mood, &[lines.objection]);
            c.agent(&[
                &["I understand.", "I hear you.", "That's fair.", "I get it."],
                &[
                    "Let me see what I can do.",
                    "Let me check my options here.",
                    "",
                ],
            ]);
        }
    }
    match resolution {
        Resolution::Resolved => {
            c.agent(&[lines.resolved]);
            c.customer(
                Mood::Happy,
                &[
                    &[
                        "Great,",
                        "Oh good,",
                        "Perfect,",
                        "Okay,",
                        "Wonderful,",
                        "Oh, thank goodness,",
                    ],
                    &[
                        "thank you.",
                        "thanks for sorting that out.",
                        "that's all I needed.",
                        "that was quick.",
                        "I appreciate it.",
                    ],
                ],
            );
            closing(c, Mood::Happy);
            Ending::new(CallOutcome::Resolved, Mood::Happy).tag("refund")
        }
        Resolution::FollowUp => {
            c.agent(&[lines.follow_up]);
            c.customer(
                Mood::Neutral,
                &[
                    &["Okay.", "Fine.", "Alright.", "Hmm, okay."],
                    &[
                        "Please make sure it actually happens.",
                        "I'll wait then.",
                        "So I just wait?",
                        "",
                    ],
                ],
            );
            c.agent(&[&[
                "You'll also get an email with the details.",
                "I've noted everything on your account.",
                "If you don't hear back, just call with that reference.",
            ]]);
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::FollowUp, Mood::Neutral).tag("callback")
        }
        Resolution::Unresolved => {
            c.agent(&[lines.unresolved]);
            c.customer(
                Mood::Frustrated,
                &[
                    &["That doesn't help me.", "But", "Seriously?", "Okay, but"],
                    &[
                        "the money is gone from my account.",
                        "I can see it right there on my statement.",
                        "so what am I supposed to do?",
                        "that's not right.",
                    ],
                ],
            );
            if c.chance(0.3) {
                return escalate_and_end(c, ctx);
            }
            c.agent(&[&[
                "I'd recommend checking with your bank; if it's still there in a few days, please call us back.",
                "If nothing changes by your next statement, call us back and we'll take another look.",
                "I'm sorry I can't do more today. I've left a note on your account.",
            ]]);
            c.customer(
                Mood::Frustrated,
                &[&["Fine.", "Okay, whatever.", "Right.", "I guess."]],
            );
            closing(c, Mood::Frustrated);
            Ending::new(CallOutcome::Unresolved, Mood::Frustrated)
        }
    }
}

/// Outages and degraded service; during a planted outage storm, the known major outage.
pub(crate) fn service_outage(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let reasons: &[&str] = match ctx.issue {
        "intermittent" => &[
            "my {service} keeps dropping out",
            "the {service} cuts out every few minutes",
            "my {service} goes on and off all day",
            "I keep losing {service}, it comes back and then it's gone again",
            "the connection has been really unstable since {since}",
            "my {service} has been patchy all week",
        ],
        "slow_service" => &[
            "my {service} has been really slow",
            "the {service} is crawling",
            "I'm paying for {plan} and I'm getting a fraction of it",
            "everything takes forever to load",
            "the {service} has been sluggish since {since}",
        ],
        "major_outage" => &[
            "is there a big outage? Nobody on my street has {service}",
            "I think the whole area is down",
            "I saw online that {company} is down, is that true",
            "my {service} has been down since {since}",
            "I've had no {service} since {since}",
            "everything stopped working {time_ago}",
            "is {company} having problems? My {service} just went off",
        ],
        _ => &[
            "my {service} has been down since {since}",
            "my {service} isn't working at all",
            "I've had no {service} since {since}",
            "nothing's working, the {service} is completely gone",
            "is there an outage in my area? I have no {service}",
            "I can't get any {service} at all",
            "everything stopped working {time_ago}",
            "my {service} just died",
        ],
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &[
                "",
                ". {self_fix}",
                ". I work from home and I need this fixed",
                ". Is something going on?",
                ". This is the second time this week",
                ". What's going on?",
                ". I have a meeting in an hour",
            ],
        ],
    );
    c.agent(&[
        &[
            "I'm sorry about that.",
            "Okay.",
            "That's frustrating, I'm sorry.",
            "",
        ],
        &[
            "Let me check for outages in your area.",
            "Let me run a check on your line.",
            "Let me see if there's anything reported near you.",
        ],
    ]);
    if c.chance(0.6) {
        c.agent(&[&[
            "Can you confirm the service address for me?",
            "What's the address where you have the service?",
        ]]);
        c.customer(
            mood,
            &[&["It's {address}.", "{address}.", "Sure, {address}."]],
        );
    }
    c.hold(5, 45);
    let known_outage = ctx.issue == "major_outage" || (ctx.issue == "no_service" && c.chance(0.45));
    if known_outage {
        c.agent(&[
            &[
                "There's a known outage affecting {area}.",
                "I can see a network fault in {area} right now.",
                "Yes, we have an outage in your area.",
                "We're aware of a major outage affecting {area} and surrounding areas.",
            ],
            &[
                "Our technicians are working on it",
                "The engineers are on it",
                "Crews have been dispatched",
            ],
            &[
                "and we expect it back {eta}.",
                "and the current estimate is {eta}.",
                ", with restoration expected {eta}.",
            ],
        ]);
        c.customer(
            Mood::Frustrated,
            &[
                &["Seriously?", "Okay.", "Ugh.", "Great.", "Wow."],
                &[
                    "Will I get a credit for this?",
                    "What am I supposed to do until then?",
                    "Can you at least text me when it's back?",
                    "This keeps happening.",
                    "",
                ],
            ],
        );
        c.agent(&[&[
            "I've added you to the outage notifications, so you'll get a text when it's restored.",
            "You'll get an SMS as soon as it's back up.",
            "I've noted your account so a credit for the outage is applied automatically.",
            "I understand. I've flagged your account for an outage credit.",
        ]]);
        if ctx.anomaly == Some(AnomalyKind::OutageStorm) && c.chance(0.07) {
            return escalate_and_end(c, ctx);
        }
        closing(c, Mood::Frustrated);
        return Ending::new(CallOutcome::FollowUp, Mood::Frustrated).tag("outage");
    }
    c.agent(&[
        &[
            "I don't see any outage in your area,",
            "There's nothing reported near you,",
            "Your area looks clear,",
        ],
        &[
            "so let's try a few things.",
            "so let's troubleshoot.",
            "so it may be something at your end.",
        ],
    ]);
    troubleshoot(c, mood, DEVICE_STEPS, DEVICE_RESULTS);
    match resolve(c, ctx, 0.55, 0.3) {
        Resolution::Resolved => {
            c.customer(
                Mood::Happy,
                &[&[
                    "Oh, it's back!",
                    "Okay, it's working now.",
                    "Yes, that fixed it.",
                    "Looks like it's back up.",
                ]],
            );
            c.agent(&[
                &["Great.", "Perfect.", "Glad to hear it."],
                &[
                    "If it happens again, give us a call.",
                    "It should stay stable now.",
                    "",
                ],
            ]);
            closing(c, Mood::Happy);
            Ending::new(CallOutcome::Resolved, Mood::Happy)
        }
        Resolution::FollowUp => {
            c.agent(&[&[
                "I'll book a technician to visit {tech_date}; your reference is {ticket}.",
                "I've raised a fault ticket, {ticket}, and a technician will contact you to arrange a visit.",
            ]]);
            c.customer(
                Mood::Neutral,
                &[&[
                    "Okay, thanks.",
                    "Fine, {tech_date} works.",
                    "Alright. Not ideal, but okay.",
                ]],
            );
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::FollowUp, Mood::Neutral).tag("technician")
        }
        Resolution::Unresolved => {
            c.agent(&[&[
                "I'm not able to see a fault from here. If it continues, call us back and we'll run more tests.",
                "Everything looks normal on our side, so I can't do much more right now.",
            ]]);
            c.customer(
                Mood::Frustrated,
                &[&[
                    "That's not very helpful.",
                    "So it's still broken.",
                    "Great, so nothing changes.",
                ]],
            );
            if c.chance(0.15) {
                return escalate_and_end(c, ctx);
            }
            closing(c, Mood::Frustrated);
            Ending::new(CallOutcome::Unresolved, Mood::Frustrated)
        }
    }
}

/// One troubleshooting instruction or question and how the customer answers it.
struct Step {
    ask: &'static str,
    /// Direct answers to a question; empty when the customer goes off to try the instruction.
    answers: &'static [&'static str],
}

const fn try_it(ask: &'static str) -> Step {
    Step { ask, answers: &[] }
}

const fn question(ask: &'static str, answers: &'static [&'static str]) -> Step {
    Step { ask, answers }
}

const DEVICE_STEPS: &[Step] = &[
    try_it("Can you restart the {device} for me?"),
    try_it("Could you check that everything is connected to the {device}?"),
    try_it("I'm going to send a refresh signal to your {device} now."),
    question(
        "Can you tell me what lights you see on the {device}?",
        &[
            "One light is blinking orange.",
            "They're all green, I think.",
            "There's a red light on the left.",
            "None of them are on.",
        ],
    ),
    try_it("Let's do a reset of your connection from our side; it takes about a minute."),
];
const DEVICE_RESULTS: &[&str] = &[
    "Okay, done.",
    "Alright, it's restarting.",
    "It's doing something now.",
    "Hmm, I don't see any change yet.",
    "The lights are flashing.",
];

/// Rounds of distinct instructions with the customer's answers, and silences while the customer tries things.
fn troubleshoot(c: &mut Conversation, mood: Mood, steps: &[Step], results: &[&str]) {
    let rounds = (1 + c.rng_index(3)).min(steps.len());
    let first = c.rng_index(steps.len());
    for round in 0..rounds {
        let step = &steps[(first + round) % steps.len()];
        c.agent(&[&[step.ask]]);
        if step.answers.is_empty() {
            c.customer(
                mood,
                &[&[
                    "Okay, hold on.",
                    "Alright, doing it now.",
                    "Give me a second.",
                    "Okay, one moment.",
                    "Sure.",
                ]],
            );
            c.hold(10, 90);
            c.customer(mood, &[results]);
        } else {
            c.customer(mood, &[step.answers]);
        }
    }
}

/// Password resets with an agent.
pub(crate) fn password_reset(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let reasons: &[&str] = match ctx.issue {
        "locked_out" => &[
            "I got locked out after too many attempts",
            "my account is locked",
            "it says my account has been locked for security reasons",
            "I typed my password wrong a few times and now it won't let me in",
        ],
        "reset_email_missing" => &[
            "I never got the password reset email",
            "the reset link you sent isn't working",
            "I keep requesting a reset code but nothing arrives",
            "the link in the email says it's expired",
        ],
        _ => &[
            "I forgot my password",
            "I can't remember my password for {app}",
            "I need to reset my password",
            "I can't log into my account",
            "my password isn't working",
            "I changed my password last week and now I can't remember it",
        ],
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &[
                "",
                ". Can you help?",
                ". I need to pay my bill",
                ". I've tried everything",
                ". It's really annoying",
            ],
        ],
    );
    verify(c, mood);
    c.agent(&[&[
        "I've sent a reset link to {email_masked}.",
        "I'll send a one-time code to the number ending in {last4}.",
        "I've unlocked your account and sent a reset link to your email.",
        "I've triggered a fresh reset email to {email_masked}; it can take a minute.",
    ]]);
    c.hold(10, 60);
    match resolve(c, ctx, 0.85, 0.12) {
        Resolution::Resolved => {
            c.customer(
                Mood::Happy,
                &[
                    &[
                        "Okay, got it.",
                        "Let me check... yes, it's here.",
                        "Nothing yet. Oh wait, there it is.",
                    ],
                    &[
                        "I'm in, thanks!",
                        "That worked.",
                        "Okay, I've set a new one.",
                    ],
                ],
            );
            closing(c, Mood::Happy);
            Ending::new(CallOutcome::Resolved, Mood::Happy)
        }
        Resolution::FollowUp | Resolution::Unresolved => {
            c.customer(
                Mood::Frustrated,
                &[&[
                    "Still nothing.",
                    "It's not coming through.",
                    "The link says it's invalid.",
                ]],
            );
            c.agent(&[&[
                "I'm not able to verify your identity further over the phone, so I've emailed you a form; reference {ticket}.",
                "I've escalated this to our accounts team under {ticket}; they'll reset it manually within 24 hours.",
            ]]);
            c.customer(
                Mood::Neutral,
                &[&["Okay, I'll watch for it.", "Fine.", "Alright, thanks."]],
            );
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::FollowUp, Mood::Neutral)
        }
    }
}

/// A password reset handled by the bot alone: no agent, resolved.
pub(crate) fn bot_password_reset(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    c.bot(&[
        "I can help you reset your password. I'll send a one-time code to the mobile number ending in {last4}. Shall I continue?",
        "Sure. To reset your password, I'll text a verification code to the number ending in {last4}. Is that okay?",
    ]);
    c.customer(
        ctx.opening_mood,
        &[&["Yes.", "Yes please.", "Okay.", "Yeah, go ahead."]],
    );
    c.hold(5, 30);
    c.bot(&[
        "Please say or enter the six digit code.",
        "What's the code you received?",
    ]);
    c.customer(
        ctx.opening_mood,
        &[&["{code}.", "It's {code}.", "Uh, {code}."]],
    );
    c.bot(&[
        "Thank you. A password reset link has been sent to your email. Is there anything else?",
        "Verified. I've sent you a link to choose a new password. Anything else I can do?",
    ]);
    c.customer(Mood::Calm, &[&["No, thanks.", "No, that's all.", "Nope."]]);
    c.bot(&[
        "Thanks for calling {company}. Goodbye.",
        "Have a great day.",
    ]);
    let mut ending = Ending::new(CallOutcome::Resolved, Mood::Calm).tag("bot_handled");
    ending.agent_handled = false;
    ending
}

/// Cancellation requests and the retention attempt.
pub(crate) fn cancellation(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let (reasons, elaboration, retain_p): (&[&str], &[&str], f64) = match ctx.issue {
        "too_expensive" => (
            &[
                "I want to cancel, it's just too expensive",
                "I'd like to cancel my {plan}, I can't afford it anymore",
                "my bill keeps going up so I want to cancel",
                "I'm calling to close my account, it costs too much",
            ],
            &[
                "It's just too much money every month.",
                "I'm paying {price} and that's too much for us right now.",
                "Money's tight at the moment.",
            ],
            0.55,
        ),
        "switching_provider" => (
            &[
                "I'm switching to {competitor} so I need to cancel",
                "I found a better deal with {competitor}",
                "I want to cancel, {competitor} is offering me a lot more for less",
                "I'd like to move my service over to {competitor}",
            ],
            &[
                "{competitor} is giving me twice as much for the same price.",
                "My friend switched to {competitor} and loves it.",
                "The deal at {competitor} is just better.",
            ],
            0.4,
        ),
        "moving" => (
            &[
                "I'm moving and I need to cancel my service",
                "I'm relocating overseas next month so I want to close my account",
                "I'm moving in with my partner and we don't need two accounts",
            ],
            &[
                "We're moving at the end of the month.",
                "I'm leaving the country.",
                "We're combining households.",
            ],
            0.15,
        ),
        _ => (
            &[
                "I want to cancel, the service has been terrible",
                "I've had enough problems, I'd like to cancel my account",
                "the {service} drops all the time so I'm cancelling",
            ],
            &[
                "I've had three outages this month.",
                "It just doesn't work reliably.",
                "I'm tired of it going down.",
            ],
            0.3,
        ),
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &[
                "",
                ". How do I do that?",
                ". I've already made up my mind",
                ". What's the process?",
                ". Can you do that today?",
            ],
        ],
    );
    let transferred = c.chance(0.45);
    if transferred {
        c.agent(&[&[
            "I can help with that. I'm going to transfer you to our accounts team who handle cancellations.",
            "Let me put you through to our retention team; they'll take care of that.",
        ]]);
        c.hold(20, 120);
        c.hand_over();
        c.agent(&[&[
            "Hi, this is {agent2}; I understand you'd like to cancel?",
            "Hello {customer_first}, {agent2} here. I've got the notes; you're looking to close the account?",
        ]]);
        c.customer(mood, &[&["Yes.", "That's right.", "Yes, please."]]);
    }
    verify(c, mood);
    if c.chance(0.5) {
        c.agent(&[&[
            "Can I ask what's prompting the decision?",
            "I'm sorry to hear that. May I ask why?",
            "Before I do that, can I ask what made you decide to leave?",
        ]]);
        c.customer(mood, &[elaboration]);
    }
    let offer: &[&str] = if ctx.issue == "moving" {
        &[
            "We also cover {area}, so I could move your service to the new address instead.",
            "If you're staying in the country, I can transfer the service to your new place at no charge.",
        ]
    } else {
        &[
            "I can offer you {discount} off for the next {months} months.",
            "What if I moved you to {cheaper_plan} at {cheaper_price} a month?",
            "I can apply a loyalty discount of {discount} for {months} months if you stay.",
            "Since you've been with us {tenure} years, I can waive next month's bill.",
        ]
    };
    c.agent(&[
        &["I understand.", "That makes sense.", "I hear you.", "Okay."],
        offer,
    ]);
    let retained = c.chance(retain_p + (ctx.skill - 0.55) * 0.3);
    if retained {
        c.customer(
            Mood::Happy,
            &[&[
                "Hm, okay, that actually works for me.",
                "Alright, if you can do that I'll stay.",
                "Fine, let's try that.",
                "Really? Okay, yes, let's do that.",
            ]],
        );
        c.agent(&[
            &["Great, I've applied that.", "Done."],
            &[
                "You'll see it on your next bill.",
                "I'll send you a confirmation email.",
                "",
            ],
        ]);
        closing(c, Mood::Happy);
        let mut ending = Ending::new(CallOutcome::Resolved, Mood::Happy).tag("retained");
        ending.transferred = transferred;
        return ending;
    }
    c.customer(
        mood,
        &[&[
            "No thanks, I've made up my mind.",
            "I appreciate it but please just cancel.",
            "That's still more than I want to pay.",
            "No, I'm done, sorry.",
        ]],
    );
    let mut ending = if c.chance(0.12) {
        c.agent(&[&["I've submitted the cancellation; it needs to be confirmed by our accounts team, reference {ticket}. You'll get an email within two days."]]);
        Ending::new(CallOutcome::FollowUp, Mood::Neutral).tag("cancellation_pending")
    } else {
        c.agent(&[
            &["Understood.", "No problem.", "Okay."],
            &[
                "I've processed the cancellation.",
                "Your account is now set to close.",
            ],
            &[
                "Your service will end on {end_date}.",
                "You'll receive a final bill by email.",
                "Please return the {device} within 30 days if it's ours.",
            ],
        ]);
        Ending::new(CallOutcome::Resolved, Mood::Neutral).tag("cancelled")
    };
    closing(c, Mood::Neutral);
    ending.transferred = transferred;
    ending
}

/// Upgrades the customer asked for.
pub(crate) fn upgrade(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let reasons: &[&str] = match ctx.issue {
        "plan_change" => &[
            "I'd like to change my plan",
            "can I move to {new_plan}",
            "I want to switch plans",
            "what would it cost to go up to {new_plan}",
        ],
        _ => &[
            "I'd like to upgrade my plan",
            "I need more {feature}",
            "my {plan} isn't enough anymore",
            "I'm interested in {new_plan}",
            "is there a plan with more {feature}",
            "I saw an ad for {new_plan}, can I switch to that",
            "we keep running out of {feature}, what are my options",
        ],
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &["", "?", ". What do you have?", ". What would that cost?"],
        ],
    );
    if c.chance(0.6) {
        verify(c, mood);
    }
    offer_upgrade(c);
    if c.chance(0.7) {
        c.customer(
            mood,
            &[&[
                "Is there a contract?",
                "When would it start?",
                "Will my bill change right away?",
                "Is there any installation needed?",
                "Can I go back if I don't like it?",
            ]],
        );
        c.agent(&[&[
            "There's no lock-in; you can change anytime.",
            "It starts right away and your next bill will be prorated.",
            "Nothing to install, it switches over remotely.",
            "It's a twelve-month term, but you can change plans within it.",
        ]]);
    }
    let accept_p = (0.6 + (ctx.skill - 0.55) * 0.3).clamp(0.05, 0.95);
    let roll = c.roll();
    if roll < accept_p {
        c.customer(
            Mood::Happy,
            &[&[
                "Okay, let's do it.",
                "Sounds good, sign me up.",
                "Great, please go ahead.",
                "Yes, I'll take it.",
            ]],
        );
        c.agent(&[
            &["Done!", "All set."],
            &[
                "You're now on {new_plan}.",
                "I've switched you to {new_plan}.",
            ],
            &["You'll get a confirmation email shortly.", "Enjoy!", ""],
        ]);
        closing(c, Mood::Happy);
        Ending::new(CallOutcome::Resolved, Mood::Happy).tag("upsell")
    } else if roll < accept_p + (1.0 - accept_p) * 0.65 {
        c.customer(
            Mood::Neutral,
            &[&[
                "Hmm, that's more than I wanted to spend. I'll stay where I am.",
                "Let me think about it; I'll stay on {plan} for now.",
                "No, that's too much for me.",
            ]],
        );
        c.agent(&[
            &["No problem.", "That's fine."],
            &[
                "You can upgrade anytime from {app}.",
                "The offer stays open if you change your mind.",
            ],
        ]);
        closing(c, Mood::Calm);
        Ending::new(CallOutcome::Resolved, Mood::Calm)
    } else {
        c.customer(
            mood,
            &[&[
                "Can you send me the details in writing?",
                "I need to talk to my partner first. Can you email me?",
            ]],
        );
        c.agent(&[&[
            "Of course. I'll email you the details and a quote; the reference is {ticket}.",
            "Sure, a quote is on its way to {email_masked}.",
        ]]);
        closing(c, Mood::Calm);
        Ending::new(CallOutcome::FollowUp, Mood::Calm).tag("quote_sent")
    }
}

fn offer_upgrade(c: &mut Conversation) {
    c.agent(&[
        &[
            "Sure!",
            "Absolutely.",
            "Good question.",
            "Happy to help with that.",
        ],
        &[
            "{new_plan} is {new_price} a month",
            "Our {new_plan} plan costs {new_price} per month",
            "You could move to {new_plan} for {new_price} a month",
        ],
        &[
            ", which is {price_diff} more than you pay now.",
            "and it includes a lot more {feature}.",
            ", and there's no setup fee.",
            ", so {price_diff} more than your {plan}.",
        ],
    ]);
}

/// An outbound call offering an upgrade.
pub(crate) fn outbound_offer(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    c.hold(3, 15);
    c.agent(&[
        &[
            "Hi, is this {customer_first}?",
            "Hello, am I speaking with {customer_name}?",
            "Hi {customer_first},",
        ],
        &[
            "This is {agent} calling from {company}.",
            "My name is {agent}, I'm calling from {company}.",
        ],
    ]);
    c.customer(
        Mood::Neutral,
        &[&[
            "Yes, speaking.",
            "Uh, yes, who is this?",
            "Yeah. What's this about?",
            "Speaking. Is something wrong with my account?",
        ]],
    );
    c.agent(&[
        &["Nothing's wrong, I'm calling with an offer.", "I'm calling because you qualify for an upgrade.", "Do you have a couple of minutes?"],
        &[
            "Because you've been with us {tenure} years, we can move you to {new_plan} for just {price_diff} more a month.",
            "We can upgrade you to {new_plan} at a discounted {new_price} a month.",
        ],
    ]);
    let accept_p = (0.3 + (ctx.skill - 0.55) * 0.3).clamp(0.05, 0.9);
    let roll = c.roll();
    let ending = if roll < accept_p {
        c.customer(
            Mood::Happy,
            &[&[
                "Oh, that sounds good actually. Let's do it.",
                "Sure, why not.",
                "Okay, go ahead and switch me.",
            ]],
        );
        c.agent(&[&["Great, I've switched you to {new_plan}. You'll get a confirmation email."]]);
        Ending::new(CallOutcome::Resolved, Mood::Happy).tag("upsell")
    } else if roll < accept_p + 0.15 {
        c.customer(
            Mood::Neutral,
            &[&[
                "Can you send me something in writing?",
                "Email me the details and I'll have a look.",
            ]],
        );
        c.agent(&[&["Of course, I'll email that over today."]]);
        Ending::new(CallOutcome::FollowUp, Mood::Neutral).tag("quote_sent")
    } else {
        c.customer(
            Mood::Neutral,
            &[&[
                "No thanks, I'm happy with what I have.",
                "Not interested, thanks.",
                "I'm busy right now, sorry.",
                "Please don't call me about offers.",
            ]],
        );
        c.agent(&[&["No problem, thanks for your time."]]);
        Ending::new(CallOutcome::Resolved, Mood::Neutral)
    };
    c.agent(&[&[
        "Have a good {daypart}.",
        "Take care, {customer_first}.",
        "Bye now.",
    ]]);
    ending
}

/// A confused customer walked through something step by step.
pub(crate) fn confused_customer(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = Mood::Confused;
    let reasons: &[&str] = match ctx.issue {
        "letter_confusion" => &[
            "I got a letter from you and I don't understand what it means",
            "I received something in the mail about my {plan} and I'm not sure what I'm supposed to do",
            "there's a letter here that says my plan is changing? I don't understand",
            "my daughter said I should call about this letter I got",
        ],
        "app_setup" => &[
            "my grandson put {app} on my phone and now it's asking me for something",
            "I downloaded {app} but I don't know how to set it up",
            "the app wants a code and I don't know what code it means",
            "I'm trying to use {app} and I don't understand the screen",
        ],
        _ => &[
            "I'm trying to pay my bill on the website but I can't find where to click",
            "I'm on your website and I'm lost",
            "I don't know how to find my bill online",
            "the website is asking me to log in and I don't know what my username is",
        ],
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &[
                "",
                ". Can you help me?",
                ". I'm sorry, I'm not very good with these things",
            ],
        ],
    );
    if ctx.issue == "letter_confusion" {
        c.agent(&[&[
            "Of course. Can you read me the first line of the letter?",
            "No problem. What does it say at the top?",
        ]]);
        c.hold(8, 40);
        c.customer(
            mood,
            &[&[
                "Um... it says 'Important changes to your account'.",
                "It says... hold on... 'Your plan is changing'.",
                "There's a lot of small print. Something about prices?",
            ]],
        );
        c.agent(&[&[
            "That letter is just telling you that your {plan} price changes to {new_price} from {date}.",
            "It's a notice about a {fee_name}; you don't need to do anything.",
            "That's a reminder that your contract is ending; you'll stay on the same plan.",
        ]]);
        c.customer(
            mood,
            &[&[
                "So I don't need to do anything?",
                "Oh. So my bill is going up?",
                "I see... I think. So it's nothing bad?",
            ]],
        );
        c.agent(&[&[
            "That's right, nothing you need to do.",
            "Only slightly, and you can change plans anytime.",
            "Nothing bad at all.",
        ]]);
    } else {
        let rounds = 3 + c.rng_index(4);
        for _ in 0..rounds {
            c.agent(&[
                &[
                    "No problem, I'll walk you through it.",
                    "That's okay, we'll do it together.",
                    "Sure, let's take it step by step.",
                    "Okay.",
                    "Take your time.",
                ],
                &[
                    "Do you see a button that says {button} near the top of the screen?",
                    "Can you tap on the menu in the top corner, the three little lines?",
                    "Go to the top right and click where it says My Account.",
                    "Look for a blue button that says {button}.",
                    "Scroll down a little until you see {button}.",
                ],
            ]);
            if c.chance(0.4) {
                c.hold(5, 30);
            }
            c.customer(
                mood,
                &[&[
                    "Sorry, where is that?",
                    "I don't see that button.",
                    "Wait, which one? The blue one?",
                    "Could you say that again, slower?",
                    "I'm sorry, I'm not very good with computers.",
                    "Hold on, let me get my glasses.",
                    "Is it the one at the bottom?",
                    "Nothing happened when I pressed it.",
                    "Oh dear, now there's a different screen.",
                    "Hmm... I'm looking...",
                ]],
            );
        }
    }
    match resolve(c, ctx, 0.65, 0.2) {
        Resolution::Resolved => {
            c.customer(
                Mood::Happy,
                &[&[
                    "Oh! There it is. I see it now.",
                    "Okay, I think it went through.",
                    "Oh, that's much clearer now, thank you, dear.",
                    "I got it! Thank you for being so patient.",
                ]],
            );
            closing(c, Mood::Happy);
            Ending::new(CallOutcome::Resolved, Mood::Happy)
        }
        Resolution::FollowUp => {
            c.agent(&[&[
                "I'll post you a step-by-step guide, and you can call back anytime.",
                "I'll email you instructions with pictures, and we can try again together later.",
            ]]);
            c.customer(
                Mood::Neutral,
                &[&["That would be lovely, thank you.", "Okay, that might help."]],
            );
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::FollowUp, Mood::Neutral)
        }
        Resolution::Unresolved => {
            c.customer(
                Mood::Confused,
                &[&[
                    "I think I'll have my son help me with it later.",
                    "I'm sorry, this is too confusing. I'll try another day.",
                ]],
            );
            c.agent(&[&[
                "That's completely fine. Call us anytime.",
                "Of course, no problem at all.",
            ]]);
            Ending::new(CallOutcome::Unresolved, Mood::Confused)
        }
    }
}

/// An angry customer who ends up with a supervisor.
pub(crate) fn escalation(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = Mood::Angry;
    let reasons: &[&str] = match ctx.issue {
        "outage_complaint" => &[
            "my {service} has been out for {outage_days} days",
            "I've had no {service} since {date} and nobody is doing anything",
            "this is the fourth outage this month",
        ],
        "missed_technician" => &[
            "your technician never showed up",
            "I took a day off work for the technician and nobody came",
            "I waited at home all day for your installer",
        ],
        "broken_promise" => &[
            "I was promised a credit and it never showed up",
            "the last agent told me this would be sorted and it wasn't",
            "I was told someone would call me back and nobody did",
        ],
        _ => &[
            "I've been charged {amount} for something I never ordered",
            "my bill is wrong for the third month in a row",
            "you charged me {fee} in fees I never agreed to",
            "my bill doubled and nobody can explain why",
        ],
    };
    c.customer(
        mood,
        &[
            &[
                "",
                "Yeah, hi.",
                "Hi. Look,",
                "Okay, listen.",
                "Finally, a person.",
            ],
            reasons,
            &[
                "",
                "and I'm fed up",
                "and nobody can give me a straight answer",
                ". I want it fixed today",
                ". I've called about this before",
            ],
        ],
    );
    c.agent(&[
        &[
            "I'm really sorry to hear that.",
            "I apologise for the trouble.",
            "I understand, let me see what I can do.",
        ],
        &["Let me pull up your account.", "Let me look into it.", ""],
    ]);
    if c.chance(0.5) {
        verify(c, Mood::Frustrated);
    }
    c.hold(5, 40);
    c.agent(&[&[
        "I can see the notes here. What I can do is open a ticket and have the team review it within five business days.",
        "The earliest I can get a technician out is {tech_date}.",
        "I can offer a {credit} credit for the trouble.",
        "I'm only able to submit a request; the billing team has to approve it.",
    ]]);
    escalate_and_end(c, ctx)
}

/// A customer calling again about an issue an earlier call left open.
pub(crate) fn repeat_caller(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    c.customer(
        mood,
        &[
            openers(mood),
            &[
                "I'm calling again about {issue_ref}",
                "this is my {nth} time calling about {issue_ref}",
                "I called {when} about {issue_ref} and it's still not fixed",
                "I spoke to someone {when} about {issue_ref} and nothing has changed",
                "I was told someone would get back to me about {issue_ref} and nobody did",
                "I'm following up on {issue_ref}, I called {when}",
                "I'm still having the same problem with {issue_ref}",
            ],
            &[
                "",
                ". The reference number was {prev_ticket}",
                ". I really don't want to explain it all again",
                ". Can you see the notes?",
            ],
        ],
    );
    if c.chance(0.5) {
        verify(c, mood);
    }
    c.agent(&[
        &[
            "I'm sorry you've had to call back.",
            "Thanks for your patience.",
            "I apologise that this is still going on.",
        ],
        &[
            "I can see the notes from your last call.",
            "I see the ticket {prev_ticket} here.",
            "Let me look at what was done last time.",
        ],
    ]);
    c.hold(10, 60);
    c.agent(&[&[
        "It looks like the request was never completed.",
        "I can see it's still open with the {team} team.",
        "The last agent logged it but it wasn't sent through.",
        "It's been sitting in the queue.",
    ]]);
    if ctx.escalate {
        c.customer(
            Mood::Angry,
            &[&[
                "So nothing has happened at all?",
                "You're kidding me.",
                "So I've been waiting for nothing?",
            ]],
        );
        return escalate_and_end(c, ctx);
    }
    match resolve(c, ctx, 0.55, 0.25) {
        Resolution::Resolved => {
            c.agent(&[&[
                "I've completed it myself now and I can confirm it's done.",
                "I've pushed it through as a priority and it's showing as completed.",
                "I've fixed it on my end; you'll get a confirmation email in a few minutes.",
            ]]);
            c.customer(
                Mood::Neutral,
                &[&[
                    "Thank you. Finally.",
                    "Okay, good. Thanks.",
                    "Great, I hope that's the end of it.",
                ]],
            );
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::Resolved, Mood::Neutral)
        }
        Resolution::FollowUp => {
            c.agent(&[&[
                "I've escalated the ticket to the {team} team as urgent; you'll hear back within 24 hours.",
                "I've flagged it as a priority with the {team} team, and I've set a reminder to call you {eta}.",
            ]]);
            c.customer(
                Mood::Frustrated,
                &[&[
                    "That's what they said last time.",
                    "Okay. I'll wait, but not for long.",
                    "Fine.",
                ]],
            );
            closing(c, Mood::Frustrated);
            Ending::new(CallOutcome::FollowUp, Mood::Frustrated).tag("callback")
        }
        Resolution::Unresolved => {
            c.agent(&[&[
                "Unfortunately I can't do more than what was done on your last call.",
                "I'm afraid there's nothing further I can do on this today.",
            ]]);
            c.customer(
                Mood::Frustrated,
                &[&[
                    "Great. Just great.",
                    "So I'm stuck with it.",
                    "Then why did I bother calling?",
                ]],
            );
            closing(c, Mood::Frustrated);
            Ending::new(CallOutcome::Unresolved, Mood::Frustrated)
        }
    }
}

/// A simple request done in a minute or two.
pub(crate) fn quick_resolution(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let (reasons, answers): (&[&str], &[&str]) = match ctx.issue {
        "balance" => (
            &[
                "what's my current balance",
                "I just want to check how much I owe",
                "can you tell me my balance",
                "how much is my bill this month",
            ],
            &[
                "Your current balance is {balance}, due on {due_date}.",
                "You owe {balance}, and it's due {due_date}.",
                "I see a balance of {balance}.",
            ],
        ),
        "due_date" => (
            &[
                "when is my bill due",
                "can you tell me my payment due date",
                "I want to know when my next payment comes out",
            ],
            &[
                "Your next bill of {balance} is due on {due_date}.",
                "It's due on {due_date}, and autopay will take it that morning.",
            ],
        ),
        "payment_confirmation" => (
            &[
                "I made a payment {paid_when}, I just want to make sure it went through",
                "did my payment go through",
                "I paid online {paid_when} and wanted to confirm you got it",
            ],
            &[
                "Yes, I can see your payment of {balance} received {paid_when}.",
                "It went through; {balance} was applied {paid_when}.",
            ],
        ),
        "address_change" => (
            &[
                "I need to update my mailing address",
                "I moved and want to change my billing address",
                "can I change the address on my account",
            ],
            &[],
        ),
        _ => (
            &[
                "can I switch to paperless billing",
                "I'd like to stop getting paper bills",
                "can you send my bills by email instead",
            ],
            &[
                "Done, you're on paperless billing now. Bills will go to {email_masked}.",
                "All set; from next month your bill comes by email.",
            ],
        ),
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &["", "?", ". Thanks", ". It should be quick"],
        ],
    );
    if c.chance(0.6) {
        verify(c, mood);
    }
    if answers.is_empty() {
        c.agent(&[&[
            "Sure, what's the new address?",
            "Of course. What's the new address?",
        ]]);
        c.customer(mood, &[&["It's {new_address}.", "{new_address}."]]);
        c.agent(&[&[
            "Got it, I've updated it to {new_address}.",
            "Done, your address is now {new_address}.",
        ]]);
    } else {
        c.agent(&[answers]);
    }
    c.customer(
        Mood::Happy,
        &[&[
            "Perfect, thanks!",
            "Great, that's all I needed.",
            "Awesome, thank you.",
            "Oh good, thanks.",
        ]],
    );
    closing(c, Mood::Happy);
    Ending::new(CallOutcome::Resolved, Mood::Happy)
}

/// App, device and web problems that need troubleshooting.
pub(crate) fn technical_issue(c: &mut Conversation, ctx: &ScriptCtx) -> Ending {
    let mood = ctx.opening_mood;
    let (reasons, steps, results): (&[&str], &[Step], &[&str]) = match ctx.issue {
        "app_crash" => (
            &[
                "{app} keeps crashing when I open it",
                "the app closes as soon as I log in",
                "the app just freezes on the loading screen",
                "I updated the app and now it won't open",
            ],
            &[
                try_it("Can you try closing the app completely and opening it again?"),
                try_it("Let's clear the app's cache; go to your phone's settings, then apps."),
                question(
                    "Which version of the app do you have? It's under Settings, About.",
                    &["It says 4.2.1.", "Um, 3.9 something.", "I can't find it."],
                ),
                try_it("Could you uninstall and reinstall the app for me?"),
            ],
            &[
                "Okay, it's open.",
                "It's loading...",
                "Same thing, it closed again.",
                "Alright, done.",
            ],
        ),
        "device_offline" => (
            &[
                "my {device} is blinking red",
                "I can't get the {device} to connect",
                "the {device} says it's offline",
                "my {device} stopped working after a power cut",
                "the light on my {device} has gone orange",
            ],
            DEVICE_STEPS,
            DEVICE_RESULTS,
        ),
        "email_not_received" => (
            &[
                "I'm not getting any emails from you",
                "I never receive my bills by email",
                "my e-statements stopped coming",
            ],
            &[
                try_it("Could you check your spam or junk folder?"),
                question(
                    "The email we have on file is {email_masked}. Is that right?",
                    &[
                        "Yes, that's me.",
                        "No, that's my old one. It should be {email}.",
                    ],
                ),
                try_it("I'll resend your latest bill now; can you check if it arrives?"),
            ],
            &[
                "Nothing yet.",
                "Let me refresh... okay.",
                "Hmm, I'm looking.",
                "Oh, there are a few in the junk folder.",
            ],
        ),
        _ => (
            &[
                "the app won't let me pay my bill, it just spins",
                "I get an error when I try to pay online",
                "the payment page keeps saying something went wrong",
                "my card keeps getting declined on your website but it works everywhere else",
            ],
            &[
                question(
                    "Which browser are you using?",
                    &[
                        "Chrome, I think.",
                        "Safari on my phone.",
                        "Whatever came with the computer.",
                    ],
                ),
                try_it("Could you try a different browser or clear your cookies?"),
                question(
                    "I can see the payment attempts failing on our side. Can you read me the error message?",
                    &[
                        "It says 'transaction could not be completed'.",
                        "Something like 'error 402'.",
                        "It just says try again later.",
                    ],
                ),
            ],
            &[
                "Okay, trying again.",
                "Same error.",
                "It's loading now.",
                "Alright, done.",
            ],
        ),
    };
    c.customer(
        mood,
        &[
            openers(mood),
            reasons,
            &[
                "",
                ". I've tried twice",
                ". Can you help?",
                ". It's been like this since {since}",
            ],
        ],
    );
    troubleshoot(c, mood, steps, results);
    let mut transferred = false;
    if c.chance(0.2) {
        transferred = true;
        c.agent(&[&[
            "I'm going to transfer you to our tier two technical team; they can dig deeper.",
            "Let me put you through to a technical specialist.",
        ]]);
        c.hold(20, 150);
        c.hand_over();
        c.agent(&[&[
            "Hi, this is {agent2} from technical support. I've read the notes.",
            "Hello, {agent2} here, tier two. Let me take a look.",
        ]]);
        troubleshoot(c, mood, steps, results);
    }
    let mut ending = match resolve(c, ctx, 0.6, 0.3) {
        Resolution::Resolved => {
            c.customer(
                Mood::Happy,
                &[&[
                    "Oh, that worked!",
                    "Okay, it's working now.",
                    "Yes! It's fixed.",
                    "Great, I can see it now.",
                ]],
            );
            closing(c, Mood::Happy);
            Ending::new(CallOutcome::Resolved, Mood::Happy)
        }
        Resolution::FollowUp => {
            if ctx.issue == "device_offline" {
                c.agent(&[&[
                    "I've booked a technician for {tech_date}; the reference is {ticket}.",
                    "A technician will come out {tech_date}, reference {ticket}.",
                ]]);
            } else {
                c.agent(&[&[
                    "I've raised a ticket with our technical team, reference {ticket}; we'll contact you within 48 hours.",
                    "I've passed this to our developers under {ticket}, and we'll email you when it's fixed.",
                ]]);
            }
            c.customer(
                Mood::Neutral,
                &[&["Okay, thanks.", "Alright.", "Fine, I'll wait for that."]],
            );
            closing(c, Mood::Neutral);
            Ending::new(CallOutcome::FollowUp, Mood::Neutral)
        }
        Resolution::Unresolved => {
            c.agent(&[&[
                "I'm not able to fix this remotely. Try again later and call us if it persists.",
                "I've tried everything I can from here, I'm afraid.",
            ]]);
            c.customer(
                Mood::Frustrated,
                &[&["So it's still broken.", "That's disappointing.", "Great."]],
            );
            if c.chance(0.12) {
                return escalate_and_end(c, ctx);
            }
            closing(c, Mood::Frustrated);
            Ending::new(CallOutcome::Unresolved, Mood::Frustrated)
        }
    };
    ending.transferred = transferred;
    ending
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_billing_issue_has_lines() {
        for issue in [
            "charged_twice",
            "unexpected_fee",
            "statement_mismatch",
            "refund_missing",
        ] {
            let lines = dispute_lines(issue);
            assert!(lines.reasons.len() >= 5, "{issue}");
            assert!(
                !lines.finding.is_empty()
                    && !lines.resolved.is_empty()
                    && !lines.follow_up.is_empty()
                    && !lines.unresolved.is_empty()
            );
        }
    }
}
