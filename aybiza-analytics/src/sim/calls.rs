//! Calls: who calls about what, routing, follow-up calls from the same customer, slot values,
//! and the call record built around the scripted and timed transcript.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap};

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use rand::Rng;

use super::conversation::{Conversation, Slots};
use super::random::{SimRng, normal, pick, pick_weighted, uniform};
use super::scenarios::{self, Ending, Mood, Scenario, ScriptCtx};
use super::tenants::{Agent, TenantProfile, customer_name};
use super::voice::{self, Voices};
use super::volume::{AnomalyKind, Arrival, local_hour};
use super::{CallTruth, PlantedAnomaly, SimConfig};
use crate::model::{Call, CallChannel, CallOutcome, Direction, Utterance};

/// The calls of one tenant with their transcripts, and the truth about each.
pub(crate) struct GeneratedCalls {
    pub calls: Vec<(Call, Vec<Utterance>)>,
    pub truth: Vec<CallTruth>,
}

/// A call the customer will make later about the same issue.
#[derive(Debug, Clone)]
struct FollowUpCall {
    customer: usize,
    scenario: Scenario,
    base_scenario: Scenario,
    issue: &'static str,
    previous_call: String,
    previous_at: DateTime<Utc>,
    previous_ticket: String,
    /// How many calls about this issue came before this one.
    count: u32,
    /// Whether it is a retry after hanging up in the queue (same scenario) rather than a repeat call.
    retry: bool,
}

/// Scenarios whose open issues bring the customer back.
fn brings_repeat(scenario: Scenario) -> bool {
    matches!(
        scenario,
        Scenario::BillingDispute
            | Scenario::ServiceOutage
            | Scenario::TechnicalIssue
            | Scenario::PasswordReset
            | Scenario::Escalation
            | Scenario::RepeatCaller
    )
}

fn opening_mood(rng: &mut SimRng, scenario: Scenario, anomaly: Option<AnomalyKind>) -> Mood {
    use Mood::*;
    let weights: &[(Mood, f64)] = match (scenario, anomaly) {
        (Scenario::BillingDispute, Some(AnomalyKind::VolumeSpike)) => {
            &[(Frustrated, 0.6), (Angry, 0.1), (Neutral, 0.3)]
        }
        (Scenario::BillingDispute, _) => &[(Neutral, 0.5), (Frustrated, 0.4), (Calm, 0.1)],
        (Scenario::ServiceOutage, _) => &[(Frustrated, 0.6), (Neutral, 0.35), (Angry, 0.05)],
        (Scenario::PasswordReset, _) => &[(Neutral, 0.6), (Calm, 0.25), (Frustrated, 0.15)],
        (Scenario::Cancellation, _) => &[(Neutral, 0.6), (Frustrated, 0.3), (Calm, 0.1)],
        (Scenario::Upgrade, _) => &[(Happy, 0.4), (Calm, 0.4), (Neutral, 0.2)],
        (Scenario::ConfusedCustomer, _) => &[(Confused, 1.0)],
        (Scenario::Escalation, _) => &[(Angry, 1.0)],
        (Scenario::RepeatCaller, _) => &[(Frustrated, 0.75), (Angry, 0.15), (Neutral, 0.1)],
        (Scenario::QuickResolution, _) => &[(Calm, 0.5), (Happy, 0.3), (Neutral, 0.2)],
        (Scenario::TechnicalIssue, _) => &[(Neutral, 0.5), (Frustrated, 0.4), (Calm, 0.1)],
    };
    pick_weighted(rng, weights)
}

/// A retry after a hang-up starts a notch more annoyed.
fn more_annoyed(mood: Mood) -> Mood {
    match mood {
        Mood::Calm | Mood::Happy => Mood::Neutral,
        Mood::Neutral => Mood::Frustrated,
        Mood::Frustrated | Mood::Angry => Mood::Angry,
        Mood::Confused => Mood::Confused,
    }
}

/// Generates every call of one tenant from its arrivals.
pub(crate) fn generate(
    config: &SimConfig,
    profile: &TenantProfile,
    agents: &[Agent],
    anomalies: &[PlantedAnomaly],
    arrivals: &[Arrival],
    rng: &mut SimRng,
) -> GeneratedCalls {
    let mut calls = Vec::with_capacity(arrivals.len());
    let mut truth = Vec::with_capacity(arrivals.len());
    let mut due: BinaryHeap<Reverse<(DateTime<Utc>, usize)>> = BinaryHeap::new();
    let mut follow_ups: Vec<Option<FollowUpCall>> = Vec::new();

    for (n, arrival) in arrivals.iter().enumerate() {
        let at = arrival.at;
        let call_id = format!("{}-call-{:06}", profile.id, n + 1);
        let surge = arrival.surge.map(|i| (i, anomalies[i].kind));
        let in_force = arrival
            .disturbed
            .then(|| {
                anomalies
                    .iter()
                    .find(|a| a.start <= at && at < a.end)
                    .map(|a| a.kind)
            })
            .flatten();

        // A surge call is about the anomaly; otherwise a follow-up that has come due takes this arrival.
        let follow_up = match surge {
            None => match due.peek() {
                Some(Reverse((when, _))) if *when <= at => {
                    let Reverse((_, slot)) = due.pop().expect("peeked");
                    follow_ups[slot].take()
                }
                _ => None,
            },
            Some(_) => None,
        };
        let customer_count = config.customers_per_tenant.max(1);
        let random_customer = |rng: &mut SimRng| {
            ((customer_count as f64 * rng.random::<f64>().powf(1.8)) as usize)
                .min(customer_count - 1)
        };
        let (scenario, base_scenario, issue, customer) = match (surge, &follow_up) {
            (Some((_, AnomalyKind::OutageStorm)), _) => (
                Scenario::ServiceOutage,
                Scenario::ServiceOutage,
                "major_outage",
                random_customer(rng),
            ),
            (Some((_, AnomalyKind::VolumeSpike)), _) => (
                Scenario::BillingDispute,
                Scenario::BillingDispute,
                "charged_twice",
                random_customer(rng),
            ),
            (_, Some(f)) => (f.scenario, f.base_scenario, f.issue, f.customer),
            _ => {
                let scenario = pick_weighted(rng, profile.scenario_mix);
                let issue = pick_weighted(rng, scenarios::issues(scenario));
                (scenario, scenario, issue, random_customer(rng))
            }
        };

        let outbound = scenario == Scenario::Upgrade && follow_up.is_none() && rng.random_bool(0.3);
        let issue = if outbound { "outbound_offer" } else { issue };
        let chat_share = if in_force == Some(AnomalyKind::OutageStorm) {
            profile.chat_share * 0.5
        } else {
            profile.chat_share
        };
        let chat = !outbound && rng.random_bool(chat_share);
        let surging = matches!(
            in_force,
            Some(AnomalyKind::OutageStorm | AnomalyKind::VolumeSpike)
        );
        let abandon_p = match (chat, surging) {
            (false, false) => 0.035,
            (false, true) => 0.22,
            (true, false) => 0.015,
            (true, true) => 0.08,
        };
        let abandoned = !outbound && rng.random_bool(abandon_p);
        let has_bot =
            !outbound && (abandoned || rng.random_bool(if chat { 0.5 } else { profile.bot_share }));
        let bot_only =
            scenario == Scenario::PasswordReset && has_bot && !abandoned && rng.random_bool(0.35);
        let agent = pick(rng, agents);
        let second_agent = pick(rng, agents);
        let mut mood = opening_mood(rng, scenario, surge.map(|(_, kind)| kind));
        if follow_up.as_ref().is_some_and(|f| f.retry) {
            mood = more_annoyed(mood);
        }
        if outbound {
            mood = Mood::Neutral;
        }
        let count = follow_up.as_ref().map_or(0, |f| f.count);
        let escalate = scenario == Scenario::RepeatCaller
            && rng.random_bool((0.14 + 0.08 * count as f64).min(0.6));
        let ctx = ScriptCtx {
            scenario,
            issue,
            base_scenario,
            outbound,
            has_bot,
            abandoned,
            bot_only,
            skill: agent.truth.skill,
            opening_mood: mood,
            anomaly: in_force,
            escalate,
        };

        let slots = fill_slots(
            profile,
            &ctx,
            SlotPeople {
                customer,
                agent: &agent.truth.name,
                second_agent: &second_agent.truth.name,
            },
            at,
            surge.map(|(i, _)| i),
            follow_up.as_ref(),
            rng,
        );
        let ticket = slots.fill("{ticket}");
        let mut conversation = Conversation::new(rng, slots, chat);
        let ending = scenarios::run(&mut conversation, &ctx);
        let turns = conversation.turns;

        let customer_pitch_hz = 95.0 + ((customer.wrapping_mul(2_246_822_519) >> 5) % 160) as f64;
        let voices = Voices {
            customer_pitch_hz,
            agent_pitch_hz: agent.pitch_hz,
            second_agent_pitch_hz: second_agent.pitch_hz,
        };
        let utterances = voice::render(&profile.id, &call_id, turns, chat, &voices, rng);
        let last_end = utterances.iter().map(|u| u.end_ms).max().unwrap_or(0);
        let wrap_up = rng.random_range(300..2_500);
        let ended_at =
            at + TimeDelta::milliseconds((last_end + ending.trailing_ms + wrap_up) as i64);

        let customer_id = profile.customer_id(customer);
        let repeat_of = follow_up.as_ref().map(|f| f.previous_call.clone());
        let anomaly_id = surge.map(|(i, _)| anomalies[i].id.clone());
        let mut attributes = BTreeMap::new();
        attributes.insert("sim.scenario".to_owned(), scenario.as_str().to_owned());
        attributes.insert("sim.issue".to_owned(), issue.to_owned());
        if let Some(previous) = &repeat_of {
            attributes.insert("sim.repeat_of".to_owned(), previous.clone());
        }
        if let Some(id) = &anomaly_id {
            attributes.insert("sim.anomaly".to_owned(), id.clone());
        }
        let satisfaction = survey(rng, &ending);
        let call = Call {
            id: call_id.clone(),
            tenant: profile.id.clone(),
            customer_id: customer_id.clone(),
            agent_id: ending.agent_handled.then(|| agent.truth.agent_id.clone()),
            channel: if chat {
                CallChannel::Chat
            } else {
                CallChannel::Voice
            },
            direction: if outbound {
                Direction::Outbound
            } else {
                Direction::Inbound
            },
            started_at: at,
            ended_at: Some(ended_at),
            queue: Some(scenarios::queue(base_scenario, issue).to_owned()),
            outcome: Some(ending.outcome),
            escalated: ending.escalated,
            transferred: ending.transferred,
            satisfaction,
            tags: ending.tags.iter().map(|t| (*t).to_owned()).collect(),
            attributes,
        };

        // Will this customer call again about the same thing?
        let (again_p, retry, delay) = if ending.outcome == CallOutcome::Abandoned {
            (0.55, true, TimeDelta::minutes(rng.random_range(3..120)))
        } else if brings_repeat(scenario) && count < 4 {
            let p = match ending.outcome {
                CallOutcome::Unresolved => 0.5,
                CallOutcome::FollowUp => 0.3,
                _ => 0.03,
            } * 0.75f64.powi(count as i32);
            (p, false, TimeDelta::minutes(rng.random_range(240..7_200)))
        } else {
            (0.0, false, TimeDelta::zero())
        };
        if again_p > 0.0 && rng.random_bool(again_p) {
            let next = FollowUpCall {
                customer,
                scenario: if retry {
                    scenario
                } else {
                    Scenario::RepeatCaller
                },
                base_scenario,
                issue,
                previous_call: call_id.clone(),
                previous_at: at,
                previous_ticket: ticket,
                count: if retry { count } else { count + 1 },
                retry,
            };
            due.push(Reverse((at + delay, follow_ups.len())));
            follow_ups.push(Some(next));
        }

        truth.push(CallTruth {
            tenant: profile.id.clone(),
            call_id,
            customer_id,
            started_at: at,
            scenario,
            issue: issue.to_owned(),
            repeat_of,
            anomaly_id,
            escalation_triggers: ending.triggers.iter().map(|t| (*t).to_owned()).collect(),
            opening_mood: mood,
            closing_mood: ending.closing_mood,
        });
        calls.push((call, utterances));
    }
    GeneratedCalls { calls, truth }
}

/// A 1–5 survey answer, given by about a third of the customers who reached someone.
fn survey(rng: &mut SimRng, ending: &Ending) -> Option<f64> {
    if ending.outcome == CallOutcome::Abandoned {
        return None;
    }
    let respond_p = if ending.escalated || ending.closing_mood == Mood::Angry {
        0.45
    } else {
        0.3
    };
    if !rng.random_bool(respond_p) {
        return None;
    }
    let mut mean = match ending.closing_mood {
        Mood::Happy => 4.6,
        Mood::Calm => 4.3,
        Mood::Neutral => 3.5,
        Mood::Confused => 3.2,
        Mood::Frustrated => 2.2,
        Mood::Angry => 1.3,
    };
    mean += match ending.outcome {
        CallOutcome::Resolved => 0.2,
        CallOutcome::Unresolved => -0.4,
        _ => 0.0,
    };
    if ending.escalated {
        mean -= 0.3;
    }
    Some((mean + normal(rng, 0.0, 0.6)).round().clamp(1.0, 5.0))
}

/// The people on a call, for slot values.
struct SlotPeople<'a> {
    customer: usize,
    agent: &'a str,
    second_agent: &'a str,
}

const STREETS: &[&str] = &[
    "Maple Street",
    "Oak Avenue",
    "Hill Road",
    "Station Road",
    "Park Lane",
    "River Drive",
    "Church Street",
    "Garden Way",
    "Harbour View",
    "Cedar Close",
    "Mill Lane",
    "Victoria Road",
];

fn ordinal_day(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

fn month_name(month: u32) -> &'static str {
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ][(month as usize + 11) % 12]
}

fn spoken_date(date: NaiveDate) -> String {
    format!("{} {}", month_name(date.month()), ordinal_day(date.day()))
}

fn weekday_name(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "Monday",
        Weekday::Tue => "Tuesday",
        Weekday::Wed => "Wednesday",
        Weekday::Thu => "Thursday",
        Weekday::Fri => "Friday",
        Weekday::Sat => "Saturday",
        Weekday::Sun => "Sunday",
    }
}

/// Every slot a script may use, filled for one call.
#[allow(clippy::too_many_arguments)]
fn fill_slots(
    profile: &TenantProfile,
    ctx: &ScriptCtx,
    people: SlotPeople<'_>,
    at: DateTime<Utc>,
    surge: Option<usize>,
    follow_up: Option<&FollowUpCall>,
    rng: &mut SimRng,
) -> Slots {
    let mut s = Slots::default();
    let local = at.with_timezone(&profile.utc_offset);
    let today = local.date_naive();
    let (hour, _) = local_hour(profile, at);
    let customer = people.customer;
    let (first, last) = customer_name(customer);

    s.set("company", profile.name.clone());
    s.set("agent", people.agent);
    s.set(
        "agent2",
        if people.second_agent == people.agent {
            "Jo"
        } else {
            people.second_agent
        },
    );
    s.set("supervisor", *pick(rng, profile.supervisors));
    s.set("customer_first", first);
    s.set("customer_name", format!("{first} {last}"));
    s.set(
        "email",
        format!(
            "{}.{}{}@example.com",
            first.to_lowercase(),
            last.to_lowercase(),
            customer % 97
        ),
    );
    s.set(
        "email_masked",
        format!("{}***@example.com", first[..1].to_lowercase()),
    );
    s.set(
        "account",
        format!("{:08}", (customer as u64 * 7_919 + 10_007) % 100_000_000),
    );
    s.set(
        "phone",
        format!("555-{:03}-{:04}", customer % 1000, (customer * 37) % 10_000),
    );
    s.set("last4", format!("{:04}", rng.random_range(0..10_000)));
    s.set("code", format!("{:06}", rng.random_range(0..1_000_000)));
    s.set(
        "dob",
        format!(
            "{} {}, {}",
            month_name(rng.random_range(1..=12)),
            ordinal_day(rng.random_range(1..=28)),
            rng.random_range(1940..=2004)
        ),
    );

    let plans = profile.plans;
    let plan_index = profile.customer_plan(customer);
    let plan = plans[plan_index];
    s.set("plan", plan.name);
    s.set("price", profile.money(plan.monthly_price));
    let (new_plan, new_price) = match plans.get(plan_index + 1) {
        Some(next) => (next.name.to_owned(), next.monthly_price),
        None => (
            format!("{} Plus", plan.name),
            (plan.monthly_price * 1.25).round(),
        ),
    };
    s.set("new_plan", new_plan);
    s.set("new_price", profile.money(new_price));
    s.set("price_diff", profile.money(new_price - plan.monthly_price));
    let (cheaper_plan, cheaper_price) = match plan_index.checked_sub(1).map(|i| plans[i]) {
        Some(lower) => (lower.name.to_owned(), lower.monthly_price),
        None => (
            format!("{} Saver", plan.name),
            (plan.monthly_price * 0.8).round(),
        ),
    };
    s.set("cheaper_plan", cheaper_plan);
    s.set("cheaper_price", profile.money(cheaper_price));
    let amount = (plan.monthly_price * uniform(rng, 1.0, 1.15) * 100.0).round() / 100.0;
    s.set("amount", profile.money(amount));
    s.set(
        "balance",
        profile.money((plan.monthly_price * uniform(rng, 0.9, 1.1) * 100.0).round() / 100.0),
    );
    let credit_share = *pick(rng, &[0.25, 0.5, 1.0]);
    s.set(
        "credit",
        profile.money((plan.monthly_price * credit_share).round()),
    );
    let fee = *pick(rng, profile.fees);
    s.set("fee_name", fee.name);
    s.set("fee_reason", fee.reason);
    s.set("fee", profile.money(fee.amount));
    s.set("discount", *pick(rng, &["20%", "25%", "30%", "half"]));
    s.set("months", *pick(rng, &["three", "six", "twelve"]));
    s.set("tenure", *pick(rng, &["two", "three", "five", "seven"]));
    s.set(
        "refund_days",
        *pick(
            rng,
            &["three to five", "five to seven", "seven to ten", "three"],
        ),
    );

    let days_ago = TimeDelta::days(rng.random_range(1..20));
    s.set("date", spoken_date(today - days_ago));
    s.set("month", month_name((today - TimeDelta::days(10)).month()));
    s.set("end_date", spoken_date(today + TimeDelta::days(30)));
    s.set(
        "due_date",
        spoken_date(today + TimeDelta::days(rng.random_range(3..25))),
    );
    let visit = rng.random_range(1..5i64);
    let visit_day = if visit == 1 {
        "tomorrow".to_owned()
    } else {
        weekday_name((today + TimeDelta::days(visit)).weekday()).to_owned()
    };
    s.set(
        "tech_date",
        format!(
            "{visit_day} {}",
            pick(
                rng,
                &[
                    "morning",
                    "afternoon",
                    "between 8 and 12",
                    "between 1 and 5"
                ]
            )
        ),
    );
    s.set(
        "paid_when",
        *pick(
            rng,
            &["yesterday", "this morning", "last night", "two days ago"],
        ),
    );
    s.set(
        "daypart",
        if hour < 12.0 {
            "morning"
        } else if hour < 17.0 {
            "afternoon"
        } else {
            "evening"
        },
    );

    s.set("service", profile.service);
    s.set("device", profile.device);
    s.set("app", profile.app);
    s.set("self_fix", *pick(rng, profile.self_fix));
    s.set("feature", profile.upgrade_feature);
    s.set("competitor", *pick(rng, profile.competitors));
    let area = match surge {
        Some(index) => profile.areas[index % profile.areas.len()],
        None => *pick(rng, profile.areas),
    };
    s.set("area", area);
    s.set(
        "address",
        format!("{} {}", rng.random_range(1..240), pick(rng, STREETS)),
    );
    s.set(
        "new_address",
        format!("{} {}", rng.random_range(1..240), pick(rng, STREETS)),
    );
    s.set(
        "eta",
        *pick(
            rng,
            &[
                "by 6 pm tonight",
                "within four hours",
                "by tomorrow morning",
                "later this afternoon",
                "in about two hours",
                "by end of day",
            ],
        ),
    );
    s.set(
        "time_ago",
        *pick(
            rng,
            &[
                "this morning",
                "last night",
                "about an hour ago",
                "yesterday",
                "two hours ago",
                "earlier today",
            ],
        ),
    );
    s.set(
        "since",
        *pick(
            rng,
            &[
                "this morning",
                "last night",
                "yesterday",
                "lunchtime",
                "about 8 am",
                "the weekend",
            ],
        ),
    );
    s.set("outage_days", *pick(rng, &["two", "three", "four", "five"]));
    s.set(
        "wait",
        if matches!(
            ctx.anomaly,
            Some(AnomalyKind::OutageStorm | AnomalyKind::VolumeSpike)
        ) {
            *pick(rng, &["twenty", "thirty", "forty-five"])
        } else {
            *pick(rng, &["two", "five", "ten", "fifteen"])
        },
    );
    s.set(
        "button",
        *pick(
            rng,
            &["Pay Bill", "Sign In", "Billing", "Continue", "My Account"],
        ),
    );
    s.set("topic", scenarios::topic(ctx.scenario));

    let queue = scenarios::queue(ctx.base_scenario, ctx.issue);
    let (prefix, team) = match queue {
        "billing" => ("BIL", "billing"),
        "tech_support" => ("TEC", "technical"),
        "account_access" => ("ACC", "accounts"),
        "retention" => ("RET", "accounts"),
        "sales" => ("SAL", "sales"),
        _ => ("GEN", "customer care"),
    };
    s.set(
        "ticket",
        format!("{prefix}-{:06}", rng.random_range(0..1_000_000)),
    );
    s.set("team", team);

    match follow_up {
        Some(previous) => {
            s.set("prev_ticket", previous.previous_ticket.clone());
            let previous_day = previous
                .previous_at
                .with_timezone(&profile.utc_offset)
                .date_naive();
            let when = match (today - previous_day).num_days() {
                0 => "earlier today".to_owned(),
                1 => "yesterday".to_owned(),
                2 => "two days ago".to_owned(),
                3..=6 => format!("on {}", weekday_name(previous_day.weekday())),
                _ => "last week".to_owned(),
            };
            s.set("when", when);
            let nth = ["second", "third", "fourth", "fifth", "sixth"];
            s.set(
                "nth",
                nth[(previous.count as usize)
                    .saturating_sub(1)
                    .min(nth.len() - 1)],
            );
        }
        None => {
            s.set(
                "prev_ticket",
                format!("{prefix}-{:06}", rng.random_range(0..1_000_000)),
            );
            s.set("when", "last week");
            s.set("nth", "second");
        }
    }
    let template = *pick(rng, scenarios::issue_reference(ctx.issue));
    let reference = s.fill(template);
    s.set("issue_ref", reference);
    s
}
