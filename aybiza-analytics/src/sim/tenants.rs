//! Simulated tenants: their names, time zones, vocabulary (plans, fees, devices) and agent pools.

use chrono::FixedOffset;
use rand::Rng;

use super::AgentTruth;
use super::random::{SimRng, uniform};
use super::scenarios::Scenario;
use crate::model::Tenant;

/// A plan a tenant sells, with its monthly price.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Plan {
    pub name: &'static str,
    pub monthly_price: f64,
}

/// A fee that can appear on a bill, and why it is charged.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fee {
    pub name: &'static str,
    pub reason: &'static str,
    pub amount: f64,
}

/// Everything about a tenant that shapes its data.
#[derive(Debug, Clone)]
pub(crate) struct TenantProfile {
    pub id: String,
    pub name: String,
    /// IANA zone without daylight-saving time, so `utc_offset` is exact all year.
    pub timezone: &'static str,
    pub utc_offset: FixedOffset,
    /// What the customer receives ("internet", "power", "mobile data", ...).
    pub service: &'static str,
    /// The customer's equipment ("router", "phone", ...).
    pub device: &'static str,
    /// What customers say they already tried when the service is down.
    pub self_fix: &'static [&'static str],
    pub app: &'static str,
    pub plans: &'static [Plan],
    pub fees: &'static [Fee],
    pub currency: &'static str,
    pub competitors: &'static [&'static str],
    pub areas: &'static [&'static str],
    /// What bigger plans give more of ("speed", "data", ...).
    pub upgrade_feature: &'static str,
    pub chat_share: f64,
    pub bot_share: f64,
    /// Relative weights of the scenarios that arrive on their own (repeat calls come from earlier calls).
    pub scenario_mix: &'static [(Scenario, f64)],
    pub supervisors: &'static [&'static str],
    /// Typical ASR latency in milliseconds under light load.
    pub asr_base_ms: f64,
}

/// A member of a tenant's agent pool.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub truth: AgentTruth,
    /// Mean pitch of the agent's voice in Hz.
    pub pitch_hz: f64,
}

const NORTHWIND_PLANS: &[Plan] = &[
    Plan {
        name: "Fiber 100",
        monthly_price: 45.0,
    },
    Plan {
        name: "Fiber 300",
        monthly_price: 65.0,
    },
    Plan {
        name: "Fiber 1 Gig",
        monthly_price: 85.0,
    },
    Plan {
        name: "Fiber 2 Gig",
        monthly_price: 110.0,
    },
];
const HELIO_PLANS: &[Plan] = &[
    Plan {
        name: "Flex Home",
        monthly_price: 120.0,
    },
    Plan {
        name: "Fixed Rate 12",
        monthly_price: 145.0,
    },
    Plan {
        name: "Green Saver",
        monthly_price: 160.0,
    },
    Plan {
        name: "Solar Share",
        monthly_price: 185.0,
    },
];
const MERIDIAN_PLANS: &[Plan] = &[
    Plan {
        name: "Lite 5GB",
        monthly_price: 15.0,
    },
    Plan {
        name: "Plus 30GB",
        monthly_price: 28.0,
    },
    Plan {
        name: "Unlimited",
        monthly_price: 45.0,
    },
    Plan {
        name: "Unlimited Max",
        monthly_price: 60.0,
    },
];
const LUMEN_PLANS: &[Plan] = &[
    Plan {
        name: "Lumen Basic",
        monthly_price: 199.0,
    },
    Plan {
        name: "Lumen Plus",
        monthly_price: 349.0,
    },
    Plan {
        name: "Lumen Premium",
        monthly_price: 599.0,
    },
];
const SAFFRON_PLANS: &[Plan] = &[
    Plan {
        name: "Basic 50",
        monthly_price: 499.0,
    },
    Plan {
        name: "Speed 150",
        monthly_price: 799.0,
    },
    Plan {
        name: "Turbo 300",
        monthly_price: 1099.0,
    },
    Plan {
        name: "Giga 1000",
        monthly_price: 1999.0,
    },
];
const MIRAGE_PLANS: &[Plan] = &[
    Plan {
        name: "Flexi 10GB",
        monthly_price: 99.0,
    },
    Plan {
        name: "Smart 50GB",
        monthly_price: 199.0,
    },
    Plan {
        name: "Unlimited Gold",
        monthly_price: 349.0,
    },
];

const NORTHWIND_FEES: &[Fee] = &[
    Fee {
        name: "late payment fee",
        reason: "a payment arrives after the due date",
        amount: 10.0,
    },
    Fee {
        name: "router rental fee",
        reason: "you're using one of our routers instead of your own",
        amount: 12.0,
    },
    Fee {
        name: "paper bill fee",
        reason: "we mail you a printed statement",
        amount: 2.5,
    },
    Fee {
        name: "installation fee",
        reason: "a technician visits to set up the line",
        amount: 49.0,
    },
];
const HELIO_FEES: &[Fee] = &[
    Fee {
        name: "late payment fee",
        reason: "the bill is paid after the due date",
        amount: 15.0,
    },
    Fee {
        name: "meter reading fee",
        reason: "we can't read the smart meter remotely and send someone out",
        amount: 22.0,
    },
    Fee {
        name: "network charge",
        reason: "the grid operator passes on its costs",
        amount: 31.0,
    },
    Fee {
        name: "paper bill fee",
        reason: "we post you a printed bill",
        amount: 2.2,
    },
];
const MERIDIAN_FEES: &[Fee] = &[
    Fee {
        name: "roaming charge",
        reason: "your phone uses a network overseas",
        amount: 18.0,
    },
    Fee {
        name: "data overage fee",
        reason: "you go over your monthly data",
        amount: 10.0,
    },
    Fee {
        name: "SIM replacement fee",
        reason: "a new SIM card is issued",
        amount: 5.0,
    },
    Fee {
        name: "late payment fee",
        reason: "the bill is paid after the due date",
        amount: 8.0,
    },
];
const LUMEN_FEES: &[Fee] = &[
    Fee {
        name: "decoder rental fee",
        reason: "you rent the set-top box from us",
        amount: 59.0,
    },
    Fee {
        name: "pay-per-view charge",
        reason: "a movie or event is bought on the box",
        amount: 45.0,
    },
    Fee {
        name: "late payment fee",
        reason: "the debit order bounces or is late",
        amount: 75.0,
    },
];
const SAFFRON_FEES: &[Fee] = &[
    Fee {
        name: "installation charge",
        reason: "a new connection is set up",
        amount: 1000.0,
    },
    Fee {
        name: "late payment fee",
        reason: "the bill is paid after the due date",
        amount: 100.0,
    },
    Fee {
        name: "static IP charge",
        reason: "a fixed IP address is added to the plan",
        amount: 200.0,
    },
    Fee {
        name: "router rental",
        reason: "you use our router",
        amount: 99.0,
    },
];
const MIRAGE_FEES: &[Fee] = &[
    Fee {
        name: "international call charge",
        reason: "calls are made to numbers abroad",
        amount: 35.0,
    },
    Fee {
        name: "roaming charge",
        reason: "your phone uses a network overseas",
        amount: 60.0,
    },
    Fee {
        name: "late payment fee",
        reason: "the bill is paid after the due date",
        amount: 25.0,
    },
];

const TELCO_MIX: &[(Scenario, f64)] = &[
    (Scenario::BillingDispute, 0.20),
    (Scenario::ServiceOutage, 0.10),
    (Scenario::PasswordReset, 0.09),
    (Scenario::Cancellation, 0.08),
    (Scenario::Upgrade, 0.08),
    (Scenario::ConfusedCustomer, 0.07),
    (Scenario::Escalation, 0.05),
    (Scenario::QuickResolution, 0.20),
    (Scenario::TechnicalIssue, 0.13),
];
const UTILITY_MIX: &[(Scenario, f64)] = &[
    (Scenario::BillingDispute, 0.28),
    (Scenario::ServiceOutage, 0.12),
    (Scenario::PasswordReset, 0.07),
    (Scenario::Cancellation, 0.07),
    (Scenario::Upgrade, 0.05),
    (Scenario::ConfusedCustomer, 0.09),
    (Scenario::Escalation, 0.06),
    (Scenario::QuickResolution, 0.20),
    (Scenario::TechnicalIssue, 0.06),
];
const MOBILE_MIX: &[(Scenario, f64)] = &[
    (Scenario::BillingDispute, 0.18),
    (Scenario::ServiceOutage, 0.07),
    (Scenario::PasswordReset, 0.12),
    (Scenario::Cancellation, 0.09),
    (Scenario::Upgrade, 0.12),
    (Scenario::ConfusedCustomer, 0.06),
    (Scenario::Escalation, 0.04),
    (Scenario::QuickResolution, 0.20),
    (Scenario::TechnicalIssue, 0.12),
];

/// The `index`-th tenant. Six distinct companies; further indexes reuse them under numbered names.
pub(crate) fn profile(index: usize) -> TenantProfile {
    let round = index / 6;
    let (id, name, timezone, offset_minutes) = match index % 6 {
        0 => ("northwind", "Northwind Fiber", "America/Phoenix", -7 * 60),
        1 => ("helio", "Helio Energy", "Australia/Brisbane", 10 * 60),
        2 => ("meridian", "Meridian Mobile", "Asia/Singapore", 8 * 60),
        3 => ("lumen", "Lumen TV", "Africa/Johannesburg", 2 * 60),
        4 => ("saffron", "Saffron Broadband", "Asia/Kolkata", 5 * 60 + 30),
        _ => ("mirage", "Mirage Mobile", "Asia/Dubai", 4 * 60),
    };
    let (id, name) = if round == 0 {
        (id.to_owned(), name.to_owned())
    } else {
        (
            format!("{id}-{}", round + 1),
            format!("{name} {}", round + 1),
        )
    };
    let utc_offset = FixedOffset::east_opt(offset_minutes * 60).expect("offsets are within a day");
    let base = TenantProfile {
        id,
        name,
        timezone,
        utc_offset,
        service: "internet",
        device: "router",
        self_fix: &[
            "I already restarted the router",
            "I've unplugged the modem twice",
        ],
        app: "the app",
        plans: NORTHWIND_PLANS,
        fees: NORTHWIND_FEES,
        currency: "$",
        competitors: &["Apex Broadband", "Cirrus Net"],
        areas: &[
            "Mesa",
            "north Tempe",
            "Chandler Heights",
            "the east side of town",
        ],
        upgrade_feature: "speed",
        chat_share: 0.14,
        bot_share: 0.45,
        scenario_mix: TELCO_MIX,
        supervisors: &["Dana", "Marcus", "Ellen"],
        asr_base_ms: 210.0,
    };
    match index % 6 {
        0 => TenantProfile {
            app: "the Northwind app",
            ..base
        },
        1 => TenantProfile {
            service: "power",
            device: "smart meter",
            self_fix: &[
                "I already checked the breaker box",
                "the neighbours are out too",
            ],
            app: "the Helio app",
            plans: HELIO_PLANS,
            fees: HELIO_FEES,
            competitors: &["Blue Gum Energy", "Coastline Power"],
            areas: &["Paddington", "West End", "Chermside", "Carindale"],
            upgrade_feature: "solar credits",
            chat_share: 0.10,
            bot_share: 0.55,
            scenario_mix: UTILITY_MIX,
            supervisors: &["Bronwyn", "Liam", "Priya"],
            asr_base_ms: 240.0,
            ..base
        },
        2 => TenantProfile {
            service: "mobile data",
            device: "phone",
            self_fix: &[
                "I already restarted my phone",
                "I've toggled airplane mode on and off",
            ],
            app: "the Meridian app",
            plans: MERIDIAN_PLANS,
            fees: MERIDIAN_FEES,
            currency: "S$",
            competitors: &["Lion Telco", "Straits Mobile"],
            areas: &["Tampines", "Jurong East", "Bishan", "Woodlands"],
            upgrade_feature: "data",
            chat_share: 0.25,
            bot_share: 0.60,
            scenario_mix: MOBILE_MIX,
            supervisors: &["Wei Ling", "Arjun", "Siti"],
            asr_base_ms: 190.0,
            ..base
        },
        3 => TenantProfile {
            service: "TV signal",
            device: "decoder",
            self_fix: &[
                "I already rebooted the decoder",
                "I've checked all the cables",
            ],
            app: "the Lumen app",
            plans: LUMEN_PLANS,
            fees: LUMEN_FEES,
            currency: "R",
            competitors: &["Savanna Stream", "Kudu TV"],
            areas: &["Sandton", "Soweto", "Randburg", "Midrand"],
            upgrade_feature: "channels",
            chat_share: 0.12,
            bot_share: 0.35,
            scenario_mix: TELCO_MIX,
            supervisors: &["Thandi", "Pieter", "Naledi"],
            asr_base_ms: 230.0,
            ..base
        },
        4 => TenantProfile {
            self_fix: &[
                "I already restarted the router",
                "I've checked the fibre cable",
            ],
            app: "the Saffron app",
            plans: SAFFRON_PLANS,
            fees: SAFFRON_FEES,
            currency: "₹",
            competitors: &["Peacock Net", "Monsoon Fiber"],
            areas: &["Salt Lake", "New Town", "Behala", "Howrah"],
            chat_share: 0.20,
            bot_share: 0.50,
            supervisors: &["Anjali", "Rohan", "Meera"],
            asr_base_ms: 250.0,
            ..base
        },
        _ => TenantProfile {
            service: "mobile data",
            device: "phone",
            self_fix: &[
                "I already restarted my phone",
                "I took the SIM out and put it back",
            ],
            app: "the Mirage app",
            plans: MIRAGE_PLANS,
            fees: MIRAGE_FEES,
            currency: "AED ",
            competitors: &["Dune Telecom", "Gulf Connect"],
            areas: &["Deira", "Jumeirah", "Al Barsha", "Dubai Marina"],
            upgrade_feature: "data",
            chat_share: 0.22,
            bot_share: 0.50,
            scenario_mix: MOBILE_MIX,
            supervisors: &["Fatima", "Omar", "Grace"],
            asr_base_ms: 200.0,
            ..base
        },
    }
}

impl TenantProfile {
    /// The tenant record for the output.
    pub(crate) fn tenant_record(&self) -> Tenant {
        Tenant {
            id: self.id.clone(),
            name: self.name.clone(),
            timezone: Some(self.timezone.to_owned()),
        }
    }

    /// A price formatted in the tenant's currency.
    pub(crate) fn money(&self, amount: f64) -> String {
        if amount >= 1000.0 || amount.fract() == 0.0 {
            format!("{}{amount:.0}", self.currency)
        } else {
            format!("{}{amount:.2}", self.currency)
        }
    }

    /// The plan of customer number `customer` (cheaper plans are more common).
    pub(crate) fn customer_plan(&self, customer: usize) -> usize {
        let spread = (customer.wrapping_mul(2_654_435_761) >> 7) % 10;
        match spread {
            0..=3 => 0,
            4..=6 => 1.min(self.plans.len() - 1),
            7..=8 => 2.min(self.plans.len() - 1),
            _ => self.plans.len() - 1,
        }
    }

    /// The hidden appetite in [0, 1) of customer number `customer` for a bigger plan: customers with
    /// more appetite upgrade more often and explore features, plans and pricing beforehand. Most
    /// customers have little (the square of a uniform draw, fixed per customer).
    pub(crate) fn customer_appetite(&self, customer: usize) -> f64 {
        let u = ((customer as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 40) as f64
            / (1u64 << 24) as f64;
        u * u
    }

    /// The id of customer number `customer`.
    pub(crate) fn customer_id(&self, customer: usize) -> String {
        format!("{}-cust-{customer:05}", self.id)
    }
}

const FIRST_NAMES: &[&str] = &[
    "James", "Maria", "Aisha", "Tom", "Mei", "Carlos", "Fatima", "Daniel", "Grace", "Sipho",
    "Priya", "Ahmed", "Olivia", "Raj", "Chloe", "Mateo", "Hannah", "Kenji", "Zanele", "Lucas",
    "Sofia", "Ibrahim", "Emily", "Arjun", "Nora", "Jack", "Leila", "Samuel", "Ana", "David",
    "Yuki", "Kwame", "Ruth", "Vikram", "Isla",
];
const LAST_NAMES: &[&str] = &[
    "Smith", "Garcia", "Khan", "Nguyen", "Patel", "Okafor", "Chen", "Dlamini", "Brown", "Rossi",
    "Tan", "Haddad", "Walker", "Silva", "Kumar", "Murphy", "Ito", "Mensah", "Cohen", "Lopez",
    "Naidoo", "Wilson",
];
const AGENT_NAMES: &[&str] = &[
    "Alex", "Jordan", "Sam", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Chris", "Pat",
    "Robin", "Kim", "Devon", "Ash", "Lee", "Quinn", "Sky", "Rowan", "Dani", "Jesse", "Avery",
    "Charlie", "Drew", "Kai",
];

/// The full name of customer number `customer` (stable across calls).
pub(crate) fn customer_name(customer: usize) -> (&'static str, &'static str) {
    (
        FIRST_NAMES[customer % FIRST_NAMES.len()],
        LAST_NAMES[(customer / FIRST_NAMES.len() + customer * 7) % LAST_NAMES.len()],
    )
}

/// A pool of `count` agents with hidden skills.
pub(crate) fn agents(profile: &TenantProfile, count: usize, rng: &mut SimRng) -> Vec<Agent> {
    (0..count)
        .map(|n| {
            let base = AGENT_NAMES[n % AGENT_NAMES.len()];
            let name = if n < AGENT_NAMES.len() {
                base.to_owned()
            } else {
                format!(
                    "{base} {}",
                    (b'A' + (n / AGENT_NAMES.len() % 26) as u8) as char
                )
            };
            let skill = (uniform(rng, 0.15, 0.95) * 100.0).round() / 100.0;
            let pitch_hz = if rng.random_bool(0.5) {
                uniform(rng, 100.0, 140.0)
            } else {
                uniform(rng, 170.0, 230.0)
            };
            Agent {
                truth: AgentTruth {
                    tenant: profile.id.clone(),
                    agent_id: format!("{}-agent-{:03}", profile.id, n + 1),
                    name,
                    skill,
                },
                pitch_hz,
            }
        })
        .collect()
}
