//! A seeded generator of labelled call-center sentences, with and without PII,
//! for measuring the redactor's precision and recall.
//!
//! Every positive sentence records the exact byte span and kind of each entity
//! it contains; near-miss sentences contain numbers that look like PII but are
//! not (Luhn failures, tracking numbers, 9-digit account numbers without SSN
//! context, prices, times, non-birth dates, versions, bad IBAN checksums,
//! invalid SSN areas, counting words).

use aybiza_analytics::PiiKind;
use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A labelled entity: kind and byte span in the sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gold {
    /// What the entity is.
    pub kind: PiiKind,
    /// Byte offset of its start.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
}

/// One generated sentence.
#[derive(Debug, Clone)]
pub struct Sample {
    /// The sentence.
    pub text: String,
    /// The entities it contains (none for a near-miss sentence).
    pub gold: Vec<Gold>,
    /// Which generator made it, for failure reports.
    pub family: &'static str,
}

/// Builds a sentence and its labels together.
struct Builder {
    text: String,
    gold: Vec<Gold>,
}

impl Builder {
    fn new() -> Self {
        Self {
            text: String::new(),
            gold: Vec::new(),
        }
    }

    fn say(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    fn pii(&mut self, kind: PiiKind, s: &str) -> &mut Self {
        let start = self.text.len();
        self.text.push_str(s);
        self.gold.push(Gold {
            kind,
            start,
            end: self.text.len(),
        });
        self
    }

    fn done(&mut self, family: &'static str) -> Sample {
        Sample {
            text: std::mem::take(&mut self.text),
            gold: std::mem::take(&mut self.gold),
            family,
        }
    }
}

fn digits(rng: &mut ChaCha8Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

fn luhn_check_digit(payload: &str) -> char {
    let sum: u32 = payload
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let mut v = u32::from(b - b'0');
            if i % 2 == 0 {
                v *= 2;
                if v > 9 {
                    v -= 9;
                }
            }
            v
        })
        .sum();
    char::from(b'0' + ((10 - sum % 10) % 10) as u8)
}

/// A Luhn-valid card number of a real network, and its usual grouping.
fn card(rng: &mut ChaCha8Rng) -> (String, &'static [usize]) {
    let (prefix, len, groups): (String, usize, &'static [usize]) = match rng.random_range(0..7) {
        0 | 1 => ("4".into(), 16, &[4, 4, 4, 4]),
        2 => (rng.random_range(51..=55).to_string(), 16, &[4, 4, 4, 4]),
        3 => (rng.random_range(2221..=2720).to_string(), 16, &[4, 4, 4, 4]),
        4 => (
            ["34", "37"].choose(rng).unwrap().to_string(),
            15,
            &[4, 6, 5],
        ),
        5 => (
            ["6011", "65"].choose(rng).unwrap().to_string(),
            16,
            &[4, 4, 4, 4],
        ),
        _ => (rng.random_range(3528..=3589).to_string(), 16, &[4, 4, 4, 4]),
    };
    let payload = format!("{prefix}{}", digits(rng, len - 1 - prefix.len()));
    let check = luhn_check_digit(&payload);
    (format!("{payload}{check}"), groups)
}

fn group(number: &str, sizes: &[usize], sep: &str) -> String {
    let mut out = String::new();
    let mut at = 0;
    for (i, &n) in sizes.iter().enumerate() {
        if i > 0 {
            out.push_str(sep);
        }
        out.push_str(&number[at..at + n]);
        at += n;
    }
    out
}

fn ssn(rng: &mut ChaCha8Rng) -> String {
    let area = loop {
        let a = rng.random_range(1..900);
        if a != 666 {
            break a;
        }
    };
    format!(
        "{area:03}{:02}{:04}",
        rng.random_range(1..100),
        rng.random_range(1..10000)
    )
}

/// A NANP number: area and exchange start with 2–9.
fn nanp(rng: &mut ChaCha8Rng) -> String {
    format!(
        "{}{}{}{}{}",
        rng.random_range(2..10),
        digits(rng, 2),
        rng.random_range(2..10),
        digits(rng, 2),
        digits(rng, 4)
    )
}

const DIGIT_WORDS: [&str; 10] = [
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
];

/// Speaks digits the way callers do: groups with pauses, "oh" or "zero",
/// "double"/"triple", sometimes the first group as numerals.
fn speak(rng: &mut ChaCha8Rng, number: &str, sizes: &[usize]) -> String {
    let oh = rng.random_bool(0.5);
    let doubles = rng.random_bool(0.4);
    let pause = *[", ", " ", " ", ", ", " - ", ", um, ", " dash ", ", uh "]
        .choose(rng)
        .unwrap();
    let numerals_first = sizes.len() > 1 && rng.random_bool(0.15);
    let mut parts = Vec::new();
    let mut at = 0;
    for (gi, &n) in sizes.iter().enumerate() {
        let chunk = &number.as_bytes()[at..at + n];
        at += n;
        let mut words: Vec<String> = Vec::new();
        if gi == 0 && numerals_first {
            let spaced = rng.random_bool(0.5);
            let s: Vec<String> = chunk.iter().map(|&b| char::from(b).to_string()).collect();
            parts.push(if spaced { s.join(" ") } else { s.concat() });
            continue;
        }
        let mut i = 0;
        while i < chunk.len() {
            let d = usize::from(chunk[i] - b'0');
            let word = if d == 0 && oh { "oh" } else { DIGIT_WORDS[d] };
            let run = chunk[i..].iter().take_while(|&&b| b == chunk[i]).count();
            if doubles && run >= 3 && rng.random_bool(0.5) {
                words.push(format!("triple {word}"));
                i += 3;
            } else if doubles && run >= 2 {
                words.push(format!("double {word}"));
                i += 2;
            } else {
                words.push(word.to_string());
                i += 1;
            }
        }
        parts.push(words.join(" "));
    }
    parts.join(pause)
}

fn spoken_number(rng: &mut ChaCha8Rng, n: usize) -> String {
    let number = digits(rng, n);
    speak(rng, &number, &[n])
}

/// Country, BBAN length, and how many leading BBAN characters are letters.
const IBAN_COUNTRIES: &[(&str, usize, usize)] = &[
    ("DE", 18, 0),
    ("GB", 18, 4),
    ("FR", 23, 0),
    ("NL", 14, 4),
    ("ES", 20, 0),
    ("IT", 23, 1),
    ("CH", 17, 0),
    ("BE", 12, 0),
    ("AT", 16, 0),
    ("PL", 24, 0),
    ("IE", 18, 4),
];

fn iban_mod97(rearranged: &str) -> u32 {
    rearranged.bytes().fold(0, |r, c| match c {
        b'0'..=b'9' => (r * 10 + u32::from(c - b'0')) % 97,
        _ => (r * 100 + u32::from(c - b'A') + 10) % 97,
    })
}

/// A compact IBAN with valid check digits.
fn iban(rng: &mut ChaCha8Rng) -> String {
    let &(country, len, letters) = IBAN_COUNTRIES.choose(rng).unwrap();
    let mut bban: String = (0..letters)
        .map(|_| char::from(b'A' + rng.random_range(0..26u8)))
        .collect();
    bban.push_str(&digits(rng, len - letters));
    let check = 98 - iban_mod97(&format!("{bban}{country}00"));
    format!("{country}{check:02}{bban}")
}

fn iban_grouped(compact: &str) -> String {
    compact
        .as_bytes()
        .chunks(4)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect::<Vec<_>>()
        .join(" ")
}

const MONTHS: [&str; 12] = [
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
];

fn ordinal(day: u32) -> String {
    let suffix = match (day % 10, day % 100) {
        (1, 11) | (2, 12) | (3, 13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{day}{suffix}")
}

/// A date in one of the formats people use, for the given year range.
fn date(rng: &mut ChaCha8Rng, years: std::ops::RangeInclusive<u32>) -> String {
    let (y, m, d) = (
        rng.random_range(years),
        rng.random_range(1..=12u32),
        rng.random_range(1..=28u32),
    );
    let month = MONTHS[m as usize - 1];
    match rng.random_range(0..11) {
        0 => format!("{m:02}/{d:02}/{y}"),
        8 => format!("{m:02}-{d:02}-{y}"),
        9 if d > 12 => format!("{d}/{m}/{y}"),
        10 => format!("{} {d} {y}", &month[..3]),
        1 => format!("{m}/{d}/{y}"),
        2 => format!("{y}-{m:02}-{d:02}"),
        3 => format!("{month} {} {y}", ordinal(d)),
        4 => format!("{month} {d}, {y}"),
        5 => format!("{d} {month} {y}"),
        6 => format!("{} of {month}, {y}", ordinal(d)),
        _ => format!("{}. {d}, {y}", &month[..3]),
    }
}

fn pick<'a>(rng: &mut ChaCha8Rng, options: &[&'a str]) -> &'a str {
    options.choose(rng).unwrap()
}

const OPENERS: &[&str] = &[
    "",
    "",
    "Sure, ",
    "Okay so ",
    "Yes, ",
    "Um, ",
    "Right, ",
    "Alright, ",
];
const CLOSERS: &[&str] = &[
    "",
    ".",
    ".",
    " please.",
    ", thanks.",
    "?",
    " if that helps.",
];

fn card_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let (number, sizes) = card(rng);
    let lead = pick(
        rng,
        &[
            "my card number is ",
            "the card is ",
            "it's ",
            "charge it to ",
            "use my visa, ",
            "the long number on the front is ",
            "card number ",
            "you can put it on ",
        ],
    );
    let opener = pick(rng, OPENERS);
    b.say(opener).say(lead);
    let spoken = rng.random_bool(0.35);
    let shown = if spoken {
        speak(rng, &number, sizes)
    } else {
        match rng.random_range(0..4) {
            0 => number.clone(),
            1 => group(&number, sizes, "-"),
            _ => group(&number, sizes, " "),
        }
    };
    b.pii(PiiKind::Card, &shown);
    match rng.random_range(0..5) {
        0 => {
            // A spoken expiry is four digits read aloud, which the redactor
            // documents as [NUMBER].
            let month = rng.random_range(1..=12u32);
            let month = if month < 10 {
                format!("oh {}", DIGIT_WORDS[month as usize])
            } else {
                format!("one {}", DIGIT_WORDS[month as usize - 10])
            };
            let year = DIGIT_WORDS[rng.random_range(5..10)];
            b.say(", expiry ")
                .pii(PiiKind::SpokenDigits, &format!("{month} twenty {year}"))
                .say(".");
        }
        1 => {
            b.say(&format!(
                " and it expires {:02}/{}.",
                rng.random_range(1..=12),
                rng.random_range(26..32)
            ));
        }
        _ => {
            b.say(pick(rng, &["", ".", " please."]));
        }
    }
}

fn ssn_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let number = ssn(rng);
    let style = rng.random_range(0..5);
    let lead = if style == 0 && rng.random_bool(0.5) {
        // Dashed SSNs are recognised without a cue.
        pick(rng, &["it's ", "the number is ", "that would be "])
    } else {
        pick(
            rng,
            &[
                "my social is ",
                "my social security number is ",
                "SSN ",
                "the SSN on file is ",
                "social: ",
                "for verification my social is ",
            ],
        )
    };
    b.say(pick(rng, OPENERS)).say(lead);
    let shown = match style {
        0 => group(&number, &[3, 2, 4], "-"),
        1 => group(&number, &[3, 2, 4], " "),
        2 => number.clone(),
        _ => speak(rng, &number, &[3, 2, 4]),
    };
    b.pii(PiiKind::Ssn, &shown);
    b.say(pick(rng, CLOSERS));
}

fn phone_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let n = nanp(rng);
    let (a, e, l) = (&n[..3], &n[3..6], &n[6..]);
    let lead = pick(
        rng,
        &[
            "you can reach me at ",
            "call me back on ",
            "my cell is ",
            "the best number is ",
            "text me at ",
            "my phone number is ",
            "it's ",
            "my number is ",
        ],
    );
    b.say(pick(rng, OPENERS)).say(lead);
    let shown = match rng.random_range(0..15) {
        0 => format!("({a}) {e}-{l}"),
        14 => format!("({a}){e}-{l}"),
        1 => format!("{a}-{e}-{l}"),
        2 => format!("{a}.{e}.{l}"),
        3 => format!("{a} {e} {l}"),
        4 => format!("+1 {a} {e} {l}"),
        5 => format!("1-{a}-{e}-{l}"),
        6 => format!("+1 ({a}) {e}-{l}"),
        7 => format!("+1{n}"),
        8 => format!("{a} {e}-{l}"),
        9 => international(rng),
        10 => international(rng),
        11 if lead != "it's " => n.clone(),
        _ => {
            let with_one = rng.random_bool(0.2);
            let number = if with_one { format!("1{n}") } else { n.clone() };
            let sizes: &[usize] = if with_one { &[1, 3, 3, 4] } else { &[3, 3, 4] };
            speak(rng, &number, sizes)
        }
    };
    b.pii(PiiKind::Phone, &shown);
    b.say(pick(rng, CLOSERS));
}

fn international(rng: &mut ChaCha8Rng) -> String {
    match rng.random_range(0..7) {
        0 => format!("+44 20 {} {}", digits(rng, 4), digits(rng, 4)),
        1 => format!("+44 7{} {}", digits(rng, 3), digits(rng, 6)),
        2 => format!("+49 30 {}", digits(rng, 7)),
        3 => format!(
            "+33 {} {} {} {} {}",
            rng.random_range(1..10),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2),
            digits(rng, 2)
        ),
        4 => format!("+61 2 {} {}", digits(rng, 4), digits(rng, 4)),
        5 => format!("+91 9{} {}", digits(rng, 4), digits(rng, 5)),
        _ => format!("+52-55-{}-{}", digits(rng, 4), digits(rng, 4)),
    }
}

fn email_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let first = pick(
        rng,
        &[
            "john", "maria", "wei", "fatima", "José", "olga", "sam", "priya",
        ],
    );
    let last = pick(
        rng,
        &[
            "smith", "garcia", "chen", "okafor", "müller", "nguyen", "patel",
        ],
    );
    let local = match rng.random_range(0..6) {
        0 => format!("{first}.{last}"),
        1 => format!("{first}{last}{}", rng.random_range(1..100)),
        2 => format!("{}.{last}", &first[..1]),
        3 => format!("{first}_{last}"),
        4 => format!("{first}+billing"),
        _ => format!("{}{}", first.to_uppercase(), last),
    };
    let domain_upper = rng.random_bool(0.1);
    let domain = pick(
        rng,
        &[
            "gmail.com",
            "yahoo.com",
            "outlook.com",
            "example.org",
            "mail.example.co.uk",
            "acme.io",
        ],
    );
    let lead = pick(
        rng,
        &[
            "my email is ",
            "send it to ",
            "you can email me at ",
            "the address on file is ",
            "it's ",
        ],
    );
    b.say(pick(rng, OPENERS)).say(lead);
    let domain = if domain_upper {
        domain.to_uppercase()
    } else {
        domain.to_string()
    };
    b.pii(PiiKind::Email, &format!("{local}@{domain}"));
    b.say(pick(rng, CLOSERS));
}

fn iban_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let compact = iban(rng);
    let shown = if rng.random_bool(0.6) {
        iban_grouped(&compact)
    } else {
        compact
    };
    let lead = pick(
        rng,
        &[
            "my IBAN is ",
            "please refund to ",
            "the account is ",
            "IBAN: ",
            "transfer it to ",
        ],
    );
    b.say(pick(rng, OPENERS))
        .say(lead)
        .pii(PiiKind::Iban, &shown);
    b.say(pick(rng, CLOSERS));
}

fn dob_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let shown = date(rng, 1935..=2006);
    if rng.random_bool(0.2) {
        b.say(pick(rng, OPENERS)).pii(PiiKind::Dob, &shown);
        b.say(pick(
            rng,
            &[
                " is my date of birth.",
                ", that's my birthday.",
                " is the DOB on the account.",
            ],
        ));
        return;
    }
    let lead = pick(
        rng,
        &[
            "I was born on ",
            "my date of birth is ",
            "DOB: ",
            "my birthday is ",
            "date of birth ",
            "born ",
            "the birth date we have is ",
            "and my DOB is ",
        ],
    );
    b.say(pick(rng, OPENERS))
        .say(lead)
        .pii(PiiKind::Dob, &shown);
    b.say(pick(rng, CLOSERS));
}

fn spoken_digits_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let (lead, n) = match rng.random_range(0..5) {
        0 => ("my pin is ", rng.random_range(4..=6)),
        1 => ("the zip code is ", 5),
        2 => ("my account number is ", rng.random_range(6..=8)),
        3 => ("the last four are ", 4),
        _ => ("the member ID is ", rng.random_range(5..=8)),
    };
    let spoken = spoken_number(rng, n);
    b.say(pick(rng, OPENERS))
        .say(lead)
        .pii(PiiKind::SpokenDigits, &spoken);
    b.say(pick(rng, CLOSERS));
}

fn two_entities_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) {
    let email = format!(
        "{}@example.com",
        pick(rng, &["ana", "li.wei", "k_jones", "help.desk"])
    );
    let n = nanp(rng);
    b.say("My email is ")
        .pii(PiiKind::Email, &email)
        .say(pick(
            rng,
            &[" and my phone is ", ", and you can call me at ", "; cell "],
        ))
        .pii(
            PiiKind::Phone,
            &format!("({}) {}-{}", &n[..3], &n[3..6], &n[6..]),
        );
    if rng.random_bool(0.5) {
        let (card_number, sizes) = card(rng);
        b.say(", and the card is ")
            .pii(PiiKind::Card, &group(&card_number, sizes, " "));
    }
    b.say(".");
}

/// Sentences that contain numbers which are not PII.
fn near_miss_sentence(rng: &mut ChaCha8Rng, b: &mut Builder) -> &'static str {
    match rng.random_range(0..16) {
        0 => {
            // A 16-digit order number that fails Luhn.
            let (valid, sizes) = card(rng);
            let last = valid.as_bytes()[valid.len() - 1] - b'0';
            let wrong = format!("{}{}", &valid[..valid.len() - 1], (last + 1) % 10);
            let shown = if rng.random_bool(0.5) {
                wrong
            } else {
                group(&wrong, sizes, " ")
            };
            b.say("my order number is ").say(&shown).say(".");
            "order_luhn_fail"
        }
        1 => {
            let shown = match rng.random_range(0..3) {
                0 => format!("1Z{}{}", rng.random_range(100..999), digits(rng, 13)),
                1 => group(
                    &format!("9400{}", digits(rng, 18)),
                    &[4, 4, 4, 4, 4, 2],
                    " ",
                ),
                _ => digits(rng, 12),
            };
            b.say("the tracking number is ")
                .say(&shown)
                .say(", it shipped yesterday.");
            "tracking"
        }
        2 => {
            let lead = pick(
                rng,
                &["my account number is ", "member ID ", "policy ", "invoice "],
            );
            let shown = if rng.random_bool(0.5) {
                ssn(rng)
            } else {
                group(&ssn(rng), &[3, 2, 4], " ")
            };
            b.say(lead).say(&shown).say(pick(rng, CLOSERS));
            "account_9_digits"
        }
        3 => {
            let shown = format!("{}{}", rng.random_range(2..10), digits(rng, 9));
            b.say(pick(
                rng,
                &["the account number is ", "policy number ", "confirmation "],
            ))
            .say(&shown)
            .say(".");
            "account_10_digits"
        }
        4 => {
            b.say(&format!(
                "the total was ${},{:03}.{:02} and the fee is {}.{:02} dollars.",
                rng.random_range(1..10),
                rng.random_range(0..1000),
                rng.random_range(0..100),
                rng.random_range(1..100),
                rng.random_range(0..100)
            ));
            "price"
        }
        5 => {
            b.say(&format!(
                "can you call back at {}:{:02} or maybe {}:{:02} pm?",
                rng.random_range(1..13),
                rng.random_range(0..60),
                rng.random_range(1..13),
                rng.random_range(0..60)
            ));
            "time"
        }
        6 => {
            let when = date(rng, 2019..=2026);
            let lead = pick(
                rng,
                &[
                    "my appointment is on ",
                    "the charge posted on ",
                    "it was delivered ",
                    "the renewal date is ",
                    "I called on ",
                ],
            );
            b.say(lead).say(&when).say(".");
            "date_not_dob"
        }
        7 => {
            b.say(&format!(
                "the app version is {}.{}.{} on firmware {}.{}.{}.{}",
                rng.random_range(1..20),
                rng.random_range(0..20),
                rng.random_range(0..2000),
                rng.random_range(1..10),
                rng.random_range(0..10),
                rng.random_range(0..100),
                rng.random_range(0..9999)
            ));
            "version"
        }
        8 => {
            let good = iban(rng);
            let check: u32 = good[2..4].parse().unwrap();
            let bad_check = if check >= 97 { check - 1 } else { check + 1 };
            let bad = format!("{}{bad_check:02}{}", &good[..2], &good[4..]);
            let shown = if rng.random_bool(0.5) {
                iban_grouped(&bad)
            } else {
                bad
            };
            b.say("the IBAN they gave me was ")
                .say(&shown)
                .say(", but it bounced.");
            "iban_bad_checksum"
        }
        9 => {
            let area = *[0, 666, 900, 950, 999].choose(rng).unwrap();
            let shown = format!(
                "{area:03}-{:02}-{:04}",
                rng.random_range(1..100),
                rng.random_range(1..10000)
            );
            b.say(pick(rng, &["my social is ", "the number is ", "SSN "]))
                .say(&shown)
                .say(".");
            "ssn_invalid_area"
        }
        10 => {
            b.say(pick(
                rng,
                &[
                    "oh, one more thing, I called two or three times",
                    "I have one or two questions, maybe three",
                    "it took five, maybe six days",
                    "one, two, three, it just restarts",
                    "we have two kids and one dog",
                    "Oh no, one of the charges is wrong",
                ],
            ));
            "counting_words"
        }
        11 => {
            b.say(&format!(
                "I'm in room {}, flight {} lands at gate {}, extension {}.",
                rng.random_range(100..2000),
                rng.random_range(100..9999),
                rng.random_range(1..80),
                rng.random_range(1000..9999)
            ));
            "small_numbers"
        }
        12 => {
            let n = format!("1{}", digits(rng, 9));
            b.say("case number ")
                .say(&format!("{}-{}-{}", &n[..3], &n[3..6], &n[6..]))
                .say(" was opened.");
            "case_number_area_1"
        }
        13 => {
            b.say(&format!(
                "the server at {}.{}.{}.{} returned error {}",
                rng.random_range(1..255),
                rng.random_range(0..255),
                rng.random_range(0..255),
                rng.random_range(1..255),
                rng.random_range(400..600)
            ));
            "ip_address"
        }
        14 => {
            b.say(&format!(
                "SKU {}-{}-{} is out of stock, about {} units back-ordered.",
                digits(rng, 3),
                digits(rng, 3),
                digits(rng, 3),
                rng.random_range(10..5000)
            ));
            "sku"
        }
        _ => {
            b.say(pick(
                rng,
                &[
                    "I was born in Ohio and moved here in 2015.",
                    "my birthday discount didn't apply to order 48213.",
                    "email support at the help desk, not me.",
                    "the café on 5th Street charged me €12.50 twice 🙁",
                    "naïve question: is the 30-day trial free?",
                ],
            ));
            "prose"
        }
    }
}

/// `positives` sentences with PII and `negatives` near-miss sentences, from `seed`.
pub fn corpus(seed: u64, positives: usize, negatives: usize) -> Vec<Sample> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = Builder::new();
    let mut out = Vec::with_capacity(positives + negatives);
    for i in 0..positives {
        let family = match i % 16 {
            0..=2 => {
                card_sentence(&mut rng, &mut b);
                "card"
            }
            3 | 4 => {
                ssn_sentence(&mut rng, &mut b);
                "ssn"
            }
            5..=7 => {
                phone_sentence(&mut rng, &mut b);
                "phone"
            }
            8 | 9 => {
                email_sentence(&mut rng, &mut b);
                "email"
            }
            10 => {
                iban_sentence(&mut rng, &mut b);
                "iban"
            }
            11 | 12 => {
                dob_sentence(&mut rng, &mut b);
                "dob"
            }
            13 | 14 => {
                spoken_digits_sentence(&mut rng, &mut b);
                "spoken_digits"
            }
            _ => {
                two_entities_sentence(&mut rng, &mut b);
                "multi"
            }
        };
        out.push(b.done(family));
    }
    for _ in 0..negatives {
        let family = near_miss_sentence(&mut rng, &mut b);
        out.push(b.done(family));
    }
    out
}

/// Sentences beyond the formats the brief lists, labelled as a person would
/// label them: spoken e-mail addresses and years, phone numbers said in pairs
/// or with "area code … then …", seven-digit and UK national numbers, dotted
/// cards, year-less birthdays, and traps the context rules fall into (a
/// birthday party's date, counting aloud, part numbers shaped like SSNs,
/// Luhn-valid transaction ids, spoken ten-digit account numbers). Some are
/// handled, some are known limits; the evaluation reports each family.
pub fn stress_corpus(seed: u64, count: usize) -> Vec<Sample> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut b = Builder::new();
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let rng = &mut rng;
        let family = match i % 16 {
            0 => {
                let n = nanp(rng);
                let (a, e, l) = (&n[..3], &n[3..6], &n[6..]);
                // Pairs: "forty five sixty seven".
                let pairs = |s: &str| -> String {
                    let tens = [
                        "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                        "ninety",
                    ];
                    let teens = [
                        "ten",
                        "eleven",
                        "twelve",
                        "thirteen",
                        "fourteen",
                        "fifteen",
                        "sixteen",
                        "seventeen",
                        "eighteen",
                        "nineteen",
                    ];
                    let (t, u) = (
                        usize::from(s.as_bytes()[0] - b'0'),
                        usize::from(s.as_bytes()[1] - b'0'),
                    );
                    match (t, u) {
                        (0, u) => format!("oh {}", DIGIT_WORDS[u]),
                        (1, u) => teens[u].to_string(),
                        (t, 0) => tens[t].to_string(),
                        (t, u) => format!("{}-{}", tens[t], DIGIT_WORDS[u]),
                    }
                };
                let shown = format!(
                    "{}, {}, {} {}",
                    speak(rng, a, &[3]),
                    speak(rng, e, &[3]),
                    pairs(&l[..2]),
                    pairs(&l[2..])
                );
                b.say("you can reach me at ")
                    .pii(PiiKind::Phone, &shown)
                    .say(".");
                "phone_spoken_pairs"
            }
            1 => {
                let n = nanp(rng);
                let shown = format!(
                    "{}, then {}",
                    speak(rng, &n[..3], &[3]),
                    speak(rng, &n[3..], &[3, 4])
                );
                b.say("area code ").pii(PiiKind::Phone, &shown).say(".");
                "phone_area_code_then"
            }
            2 => {
                let n = nanp(rng);
                b.say("call the front desk at ")
                    .pii(PiiKind::Phone, &format!("{}-{}", &n[3..6], &n[6..]))
                    .say(".");
                "phone_seven_digits"
            }
            3 => {
                let shown = format!("020 {} {}", digits(rng, 4), digits(rng, 4));
                b.say("my London number is ")
                    .pii(PiiKind::Phone, &shown)
                    .say(".");
                "phone_uk_national"
            }
            4 => {
                let first = pick(rng, &["john", "maria", "wei", "sam"]);
                let last = pick(rng, &["smith", "garcia", "chen", "patel"]);
                let dom = pick(rng, &["gmail dot com", "yahoo dot com", "outlook dot com"]);
                b.say("my email is ")
                    .pii(PiiKind::Email, &format!("{first} dot {last} at {dom}"))
                    .say(".");
                "email_spoken"
            }
            5 => {
                let year = rng.random_range(1940..2000u32);
                let tens = [
                    "", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty",
                    "ninety",
                ];
                let y2 = year % 100;
                let spoken_year = if y2 % 10 == 0 {
                    format!("nineteen {}", tens[(y2 / 10) as usize])
                } else {
                    format!(
                        "nineteen {}-{}",
                        tens[(y2 / 10) as usize],
                        DIGIT_WORDS[(y2 % 10) as usize]
                    )
                };
                let shown = format!(
                    "{} {}, {spoken_year}",
                    MONTHS[rng.random_range(0..12)],
                    ordinal(rng.random_range(1..=28))
                );
                b.say("I was born on ").pii(PiiKind::Dob, &shown).say(".");
                "dob_spoken_year"
            }
            6 => {
                let shown = format!(
                    "{} {}",
                    MONTHS[rng.random_range(0..12)],
                    ordinal(rng.random_range(1..=28))
                );
                b.say("my birthday is ").pii(PiiKind::Dob, &shown).say(".");
                "dob_no_year"
            }
            7 => {
                let (number, sizes) = card(rng);
                b.say("card ")
                    .pii(PiiKind::Card, &group(&number, sizes, "."))
                    .say(".");
                "card_dotted"
            }
            8 => {
                let (number, sizes) = card(rng);
                b.say("the card is ").pii(
                    PiiKind::Card,
                    &speak(rng, &number, sizes).replace(", ", " and "),
                );
                b.say(".");
                "card_spoken_with_and"
            }
            9 => {
                let number = ssn(rng);
                b.say("my social is ")
                    .pii(PiiKind::Ssn, &group(&number, &[3, 2, 4], " - "))
                    .say(".");
                "ssn_spaced_dashes"
            }
            10 => {
                b.say(pick(
                    rng,
                    &[
                        "I called one, two, three, four times already.",
                        "I tried two three four five different cards.",
                    ],
                ));
                "near_counting"
            }
            11 => {
                let when = date(rng, 2023..=2026);
                b.say("my son's birthday party is on ").say(&when).say(".");
                "near_birthday_party"
            }
            12 => {
                let shown = format!("{}{}", rng.random_range(2..10), digits(rng, 9));
                b.say("I called about account ")
                    .say(&shown)
                    .say(" last week.");
                "near_account_after_call"
            }
            13 => {
                b.say("part ")
                    .say(&group(&ssn(rng), &[3, 2, 4], "-"))
                    .say(" is back-ordered.");
                "near_part_number_like_ssn"
            }
            14 => {
                // A transaction id that happens to be Luhn-valid with a Visa prefix.
                let payload = format!("4{}", digits(rng, 14));
                let id = format!("{payload}{}", luhn_check_digit(&payload));
                b.say("transaction ID ").say(&id).say(" failed.");
                "near_luhn_valid_id"
            }
            _ => {
                let n = spoken_number(rng, 10);
                b.say("my account number is ")
                    .pii(PiiKind::SpokenDigits, &n)
                    .say(".");
                "spoken_ten_digit_account"
            }
        };
        out.push(b.done(family));
    }
    out
}
