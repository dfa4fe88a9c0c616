//! Multi-channel customer journeys (web, app, chat, e-mail, voice) that end in conversion,
//! churn or abandonment.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveTime, TimeDelta, Utc};
use rand::Rng;
use serde::{Deserialize, Serialize};

use super::random::{SimRng, pick, pick_weighted, poisson, uniform};
use super::tenants::TenantProfile;
use super::volume::{day_factor, hour_share, is_weekend};
use super::{JourneyTruth, SimConfig};
use crate::model::JourneyEvent;

/// Why a journey started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JourneyKind {
    /// A prospect discovering the tenant and perhaps buying.
    Acquisition,
    /// An existing customer looking at a bigger plan.
    Upsell,
    /// An unhappy existing customer who may leave.
    Retention,
}

/// How a journey ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JourneyOutcome {
    /// A purchase, upgrade or accepted retention offer; the last event carries the value.
    Converted,
    /// The customer cancelled.
    Churned,
    /// The journey stopped without a purchase or cancellation.
    Abandoned,
    /// The simulated window ended before the journey did: its later events are not in the data.
    Open,
}

/// The journeys of one tenant: their events in time order and the truth about each.
pub(crate) struct GeneratedJourneys {
    pub events: Vec<JourneyEvent>,
    pub truth: Vec<JourneyTruth>,
}

struct Step {
    channel: &'static str,
    action: &'static str,
    /// Time since the previous step.
    after: TimeDelta,
    value: Option<f64>,
    sentiment: Option<f64>,
    attributes: Vec<(&'static str, String)>,
}

/// A laid-out journey waiting for its ids.
struct Draft {
    start: DateTime<Utc>,
    kind: JourneyKind,
    customer_id: String,
    steps: Vec<Step>,
    outcome: JourneyOutcome,
    value: Option<f64>,
}

/// A journey being laid out step by step.
struct Path<'r> {
    rng: &'r mut SimRng,
    steps: Vec<Step>,
}

impl Path<'_> {
    fn step(
        &mut self,
        channel: &'static str,
        action: &'static str,
        after_minutes: (f64, f64),
    ) -> &mut Step {
        let minutes = uniform(self.rng, after_minutes.0, after_minutes.1);
        self.steps.push(Step {
            channel,
            action,
            after: TimeDelta::milliseconds((minutes * 60_000.0) as i64),
            value: None,
            sentiment: None,
            attributes: Vec::new(),
        });
        self.steps.last_mut().expect("just pushed")
    }

    fn felt(
        &mut self,
        channel: &'static str,
        action: &'static str,
        after: (f64, f64),
        mood: (f64, f64),
    ) {
        let sentiment = (uniform(self.rng, mood.0, mood.1) * 100.0).round() / 100.0;
        self.step(channel, action, after).sentiment = Some(sentiment.clamp(-1.0, 1.0));
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p.clamp(0.0, 1.0))
    }
}

const MINUTES: f64 = 1.0;
const HOURS: f64 = 60.0;
const DAYS: f64 = 24.0 * 60.0;
const CAMPAIGNS: &[&str] = &[
    "winter_promo",
    "new_plans",
    "loyalty",
    "trial_nurture",
    "referral",
];

fn acquisition(
    path: &mut Path,
    profile: &TenantProfile,
    plan: usize,
) -> (JourneyOutcome, Option<f64>) {
    let entry = pick_weighted(
        path.rng,
        &[
            (("web", "visit_site"), 0.45),
            (("web", "click_ad"), 0.25),
            (("email", "click_campaign_email"), 0.2),
            (("app", "install_app"), 0.1),
        ],
    );
    let campaign = (*pick(path.rng, CAMPAIGNS)).to_owned();
    let first = path.step(entry.0, entry.1, (0.0, 0.0));
    if entry.0 == "email" {
        first.attributes.push(("campaign", campaign));
    }
    let surface = if entry.0 == "app" { "app" } else { "web" };
    path.step(surface, "view_product", (0.3 * MINUTES, 5.0 * MINUTES));
    if !path.chance(0.75) {
        return (JourneyOutcome::Abandoned, None);
    }
    path.step(surface, "view_pricing", (1.0 * MINUTES, 8.0 * MINUTES));
    let mut engagement = 0.0;
    if path.chance(0.4) {
        path.step("web", "compare_plans", (1.0 * MINUTES, 6.0 * MINUTES));
    }
    if path.chance(0.3) {
        path.felt(
            "chat",
            "chat_support",
            (1.0 * MINUTES, 10.0 * MINUTES),
            (-0.1, 0.7),
        );
        engagement += 1.0;
    }
    let mut checkout_gap = (2.0 * MINUTES, 60.0 * MINUTES);
    if path.chance(0.35) {
        path.step(surface, "start_trial", (2.0 * MINUTES, 20.0 * MINUTES));
        engagement += 1.0;
        if path.chance(0.6) {
            path.felt(
                "email",
                "open_trial_email",
                (1.0 * DAYS, 3.0 * DAYS),
                (0.0, 0.5),
            );
        }
        checkout_gap = (2.0 * DAYS, 10.0 * DAYS);
    }
    if path.chance(0.1) {
        path.felt("voice", "call_sales", (1.0 * HOURS, 2.0 * DAYS), (0.0, 0.8));
        engagement += 1.0;
    }
    if !path.chance(0.35 + 0.12 * engagement) {
        return (JourneyOutcome::Abandoned, None);
    }
    path.step(surface, "start_checkout", checkout_gap);
    let plan = profile.plans[plan];
    let annual = path.chance(0.4);
    let value = (plan.monthly_price * if annual { 12.0 } else { 1.0 } * 100.0).round() / 100.0;
    let purchase_gap = if path.chance(0.78) {
        (1.0 * MINUTES, 6.0 * MINUTES)
    } else {
        path.felt(
            "email",
            "cart_reminder_email",
            (1.0 * HOURS, 24.0 * HOURS),
            (-0.1, 0.3),
        );
        if !path.chance(0.35) {
            return (JourneyOutcome::Abandoned, None);
        }
        (10.0 * MINUTES, 2.0 * DAYS)
    };
    let purchase = path.step(surface, "purchase", purchase_gap);
    purchase.value = Some(value);
    purchase.attributes.push(("plan", plan.name.to_owned()));
    (JourneyOutcome::Converted, Some(value))
}

/// An existing customer looking at a bigger plan. Returns whether they upgrade; the last step is
/// then `upgrade_plan`, whose value and plan [`upgrade_value`] fills in once the customer is known.
fn upsell(path: &mut Path) -> bool {
    let surface = if path.chance(0.6) { "app" } else { "web" };
    path.step(
        surface,
        if surface == "app" {
            "login_app"
        } else {
            "login_web"
        },
        (0.0, 0.0),
    );
    path.step(surface, "view_plans", (1.0 * MINUTES, 5.0 * MINUTES));
    if path.chance(0.4) {
        path.step("web", "compare_plans", (1.0 * MINUTES, 8.0 * MINUTES));
    }
    let mut lift = 0.0;
    if path.chance(0.3) {
        path.felt(
            "chat",
            "chat_support",
            (1.0 * MINUTES, 15.0 * MINUTES),
            (0.0, 0.6),
        );
        lift += 0.15;
    }
    if path.chance(0.25) {
        let campaign = (*pick(path.rng, CAMPAIGNS)).to_owned();
        path.step("email", "open_upgrade_offer", (1.0 * DAYS, 3.0 * DAYS))
            .attributes
            .push(("campaign", campaign));
        lift += 0.1;
    }
    if !path.chance(0.35 + lift) {
        return false;
    }
    path.step(surface, "upgrade_plan", (2.0 * MINUTES, 30.0 * MINUTES));
    true
}

/// Sets the value (a year of the price difference) and the new plan on an upgrade step of a
/// customer on plan `plan`; the top plan upgrades to a 25 % bigger bundle of itself.
fn upgrade_value(step: &mut Step, profile: &TenantProfile, plan: usize) -> f64 {
    let current = profile.plans[plan];
    let target = profile.plans.get(plan + 1).copied().unwrap_or(current);
    let monthly_gain = if target.name == current.name {
        current.monthly_price * 0.25
    } else {
        target.monthly_price - current.monthly_price
    };
    let value = (monthly_gain * 12.0 * 100.0).round() / 100.0;
    step.value = Some(value);
    step.attributes.push(("plan", target.name.to_owned()));
    value
}

/// Who takes upsell journeys: customers who upgrade are drawn in proportion to their appetite,
/// those who only look at plans uniformly.
struct UpsellCustomers {
    /// Running sums of the customers' appetites.
    cumulative: Vec<f64>,
}

impl UpsellCustomers {
    fn new(profile: &TenantProfile, customers: usize) -> Self {
        let mut total = 0.0;
        let cumulative = (0..customers)
            .map(|c| {
                total += profile.customer_appetite(c);
                total
            })
            .collect();
        Self { cumulative }
    }

    /// The customer of an upsell journey from a uniform customer number `draw`: the same customer
    /// when they do not upgrade, else the customer at the same quantile of the appetite weights.
    fn pick(&self, draw: usize, upgraded: bool) -> usize {
        let total = self.cumulative.last().copied().unwrap_or(0.0);
        if !upgraded || total <= 0.0 {
            return draw;
        }
        let quantile = (draw as f64 + 0.5) / self.cumulative.len() as f64 * total;
        self.cumulative
            .partition_point(|&sum| sum < quantile)
            .min(self.cumulative.len() - 1)
    }
}

/// An exploring action: channel, action and the range of its sentiment when it carries one.
type Exploring = (&'static str, &'static str, Option<(f64, f64)>);

/// Actions of a customer exploring what a bigger plan would give: features used, plans and prices
/// looked at, questions asked (with their mood range), and how often each comes up.
const EXPLORING: &[(Exploring, f64)] = &[
    (("app", "use_feature", None), 0.4),
    (("web", "view_pricing", None), 0.25),
    (("app", "view_plans", None), 0.15),
    (("chat", "ask_about_plans", Some((0.1, 0.8))), 0.2),
];

/// The days before an upsell journey: about `0.3 + 6 × appetite` exploring events spread over up
/// to three weeks before its first step, none earlier than `room` before it. Returns the steps in
/// time order (the first one's `after` is zero) and the time from the last of them to the
/// journey's first step (zero without any).
fn exploring_lead_in(rng: &mut SimRng, appetite: f64, room: TimeDelta) -> (Vec<Step>, TimeDelta) {
    let minutes = |m: f64| TimeDelta::milliseconds((m * 60_000.0) as i64);
    let count = poisson(rng, 0.3 + 6.0 * appetite);
    let mut before: Vec<f64> = (0..count)
        .map(|_| uniform(rng, 2.0 * HOURS, 21.0 * DAYS))
        .filter(|&m| minutes(m) < room)
        .collect();
    before.sort_by(|a, b| b.total_cmp(a));
    let mut steps = Vec::with_capacity(before.len());
    for (i, &m) in before.iter().enumerate() {
        let (channel, action, mood) = pick_weighted(rng, EXPLORING);
        let previous = if i == 0 { m } else { before[i - 1] };
        steps.push(Step {
            channel,
            action,
            after: minutes(previous - m),
            value: None,
            sentiment: mood.map(|(low, high)| (uniform(rng, low, high) * 100.0).round() / 100.0),
            attributes: Vec::new(),
        });
    }
    (
        steps,
        before.last().map_or(TimeDelta::zero(), |&m| minutes(m)),
    )
}

fn retention(
    path: &mut Path,
    profile: &TenantProfile,
    plan: usize,
) -> (JourneyOutcome, Option<f64>) {
    let entry = pick_weighted(
        path.rng,
        &[
            (("app", "view_bill"), 0.4),
            (("web", "view_bill"), 0.3),
            (("email", "open_bill_email"), 0.3),
        ],
    );
    path.step(entry.0, entry.1, (0.0, 0.0));
    let mut frustration = 0.0;
    if path.chance(0.7) {
        path.felt(
            "voice",
            "call_support",
            (10.0 * MINUTES, 2.0 * DAYS),
            (-0.7, -0.1),
        );
    }
    if path.chance(0.45) {
        path.felt(
            "email",
            "open_support_followup",
            (1.0 * HOURS, 48.0 * HOURS),
            (-0.3, 0.2),
        );
    }
    if path.chance(0.3) {
        path.felt(
            "voice",
            "call_support",
            (1.0 * DAYS, 4.0 * DAYS),
            (-0.9, -0.3),
        );
        frustration += 1.0;
    }
    if path.chance(0.35 + 0.15 * frustration) {
        path.felt(
            "chat",
            "chat_support",
            (10.0 * MINUTES, 1.0 * DAYS),
            (-0.8, 0.0),
        );
        frustration += 0.5;
    }
    if !path.chance(0.6 + 0.15 * frustration) {
        return (JourneyOutcome::Abandoned, None);
    }
    path.step(
        "web",
        "visit_cancellation_page",
        (10.0 * MINUTES, 3.0 * DAYS),
    );
    let price = profile.plans[plan].monthly_price;
    let offered = path.chance(0.6);
    if offered {
        let channel = if path.chance(0.5) { "email" } else { "chat" };
        path.felt(
            channel,
            "receive_retention_offer",
            (5.0 * MINUTES, 1.0 * DAYS),
            (-0.4, 0.3),
        );
        if path.chance(0.45 - 0.1 * frustration) {
            let value = (price * 12.0 * 0.8 * 100.0).round() / 100.0;
            let surface = if path.chance(0.5) { "web" } else { "app" };
            let accept = path.step(
                surface,
                "accept_retention_offer",
                (2.0 * MINUTES, 2.0 * DAYS),
            );
            accept.value = Some(value);
            return (JourneyOutcome::Converted, Some(value));
        }
    } else if !path.chance(0.75) {
        return (JourneyOutcome::Abandoned, None);
    }
    let channel = if path.chance(0.6) { "web" } else { "voice" };
    path.felt(
        channel,
        "cancel_subscription",
        (5.0 * MINUTES, 2.0 * DAYS),
        (-0.8, -0.2),
    );
    (JourneyOutcome::Churned, None)
}

/// Generates journeys starting on each local day of the window, with daytime and weekday seasonality.
/// A journey that would run past the end of the window is cut there, as real data ends in the middle
/// of journeys: it keeps the events before the end and its outcome is [`JourneyOutcome::Open`].
/// Exploring lead-ins of upsell journeys draw from `lead_rng`, so the other journeys are the same
/// whatever the lead-ins are.
pub(crate) fn generate(
    config: &SimConfig,
    profile: &TenantProfile,
    rng: &mut SimRng,
    lead_rng: &mut SimRng,
) -> GeneratedJourneys {
    let end = config.end();
    let first_day = config.start.with_timezone(&profile.utc_offset).date_naive();
    let last_day = end.with_timezone(&profile.utc_offset).date_naive();
    let mut drafts: Vec<Draft> = Vec::new();
    let mut leads = 0usize;
    let upsell_customers = UpsellCustomers::new(profile, config.customers_per_tenant);
    let mut day = first_day;
    while day <= last_day {
        let weekday = chrono::Datelike::weekday(&day);
        let mean = config.journeys_per_day as f64 * (0.5 + 0.5 * day_factor(weekday));
        for _ in 0..poisson(rng, mean) {
            let hours: Vec<(u32, f64)> = (0..24)
                .map(|h| (h, hour_share(h as f64 + 0.5, is_weekend(weekday))))
                .collect();
            let hour = pick_weighted(rng, &hours);
            let time =
                NaiveTime::from_hms_opt(hour, rng.random_range(0..60), rng.random_range(0..60))
                    .expect("valid time");
            let mut start = (day.and_time(time) - profile.utc_offset).and_utc();

            let has_customers = config.customers_per_tenant > 0;
            let kind = if has_customers {
                pick_weighted(
                    rng,
                    &[
                        (JourneyKind::Acquisition, 0.5),
                        (JourneyKind::Upsell, 0.2),
                        (JourneyKind::Retention, 0.3),
                    ],
                )
            } else {
                JourneyKind::Acquisition
            };
            let (mut customer_id, plan, customer) = match kind {
                JourneyKind::Acquisition => {
                    leads += 1;
                    (
                        format!("{}-lead-{leads:05}", profile.id),
                        rng.random_range(0..profile.plans.len()),
                        0,
                    )
                }
                _ => {
                    let customer = rng.random_range(0..config.customers_per_tenant);
                    (
                        profile.customer_id(customer),
                        profile.customer_plan(customer),
                        customer,
                    )
                }
            };
            let mut path = Path {
                rng: &mut *rng,
                steps: Vec::new(),
            };
            let (outcome, value) = match kind {
                JourneyKind::Acquisition => acquisition(&mut path, profile, plan),
                JourneyKind::Retention => retention(&mut path, profile, plan),
                JourneyKind::Upsell => {
                    let upgraded = upsell(&mut path);
                    let customer = upsell_customers.pick(customer, upgraded);
                    customer_id = profile.customer_id(customer);
                    let (mut lead_in, gap) = exploring_lead_in(
                        lead_rng,
                        profile.customer_appetite(customer),
                        start - config.start,
                    );
                    // The drawn start is the login; the exploring events come before it.
                    start -= lead_in.iter().fold(gap, |lead, step| lead + step.after);
                    path.steps[0].after = gap;
                    lead_in.append(&mut path.steps);
                    path.steps = lead_in;
                    match path.steps.last_mut() {
                        Some(last) if upgraded => {
                            let plan = profile.customer_plan(customer);
                            let value = upgrade_value(last, profile, plan);
                            (JourneyOutcome::Converted, Some(value))
                        }
                        _ => (JourneyOutcome::Abandoned, None),
                    }
                }
            };
            let mut steps = path.steps;
            if start < config.start {
                continue;
            }
            let mut at = start;
            let within = steps
                .iter()
                .take_while(|step| {
                    at += step.after;
                    at < end
                })
                .count();
            if within == 0 {
                continue;
            }
            let (outcome, value) = if within < steps.len() {
                steps.truncate(within);
                (JourneyOutcome::Open, None)
            } else {
                (outcome, value)
            };
            drafts.push(Draft {
                start,
                kind,
                customer_id,
                steps,
                outcome,
                value,
            });
        }
        day = day.succ_opt().expect("dates within the validated range");
    }
    drafts.sort_by_key(|d| d.start);

    let mut events = Vec::new();
    let mut truth = Vec::with_capacity(drafts.len());
    for (n, draft) in drafts.into_iter().enumerate() {
        let Draft {
            start,
            kind,
            customer_id,
            steps,
            outcome,
            value,
        } = draft;
        let journey_id = format!("{}-journey-{:05}", profile.id, n + 1);
        let mut at = start;
        let mut event_ids = Vec::with_capacity(steps.len());
        let mut path = Vec::with_capacity(steps.len());
        for step in steps {
            at += step.after;
            let id = format!("{}-ev-{:07}", profile.id, events.len() + 1);
            event_ids.push(id.clone());
            path.push(format!("{}:{}", step.channel, step.action));
            events.push(JourneyEvent {
                id,
                tenant: profile.id.clone(),
                customer_id: customer_id.clone(),
                channel: step.channel.to_owned(),
                action: step.action.to_owned(),
                timestamp: at,
                value: step.value,
                sentiment: step.sentiment,
                attributes: step
                    .attributes
                    .into_iter()
                    .map(|(k, v)| (k.to_owned(), v))
                    .collect::<BTreeMap<_, _>>(),
            });
        }
        truth.push(JourneyTruth {
            tenant: profile.id.clone(),
            journey_id,
            customer_id,
            kind,
            outcome,
            value,
            event_ids,
            path,
        });
    }
    events.sort_by(|a, b| a.timestamp.cmp(&b.timestamp).then_with(|| a.id.cmp(&b.id)));
    GeneratedJourneys { events, truth }
}
