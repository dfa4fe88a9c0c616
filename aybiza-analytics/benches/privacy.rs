//! `Redactor::redact` on typical call-center utterances.

use std::hint::black_box;

use aybiza_analytics::Redactor;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};

/// Typical utterances: most have no PII; some carry one entity, written or spoken.
const UTTERANCES: &[(&str, &str)] = &[
    (
        "clean",
        "Thanks for calling, I can see the charge from last Tuesday and I'll get that reversed for you right away.",
    ),
    (
        "clean_numbers",
        "The total was $1,249.99 on invoice 48213 and I called at 10:30 about version 2.4.1.",
    ),
    (
        "card_written",
        "Sure, my card number is 4111 1111 1111 1111 and it expires 05/27.",
    ),
    (
        "phone_spoken",
        "You can reach me at five five five, one two three, four five six seven, any time after six.",
    ),
    (
        "email_and_phone",
        "My email is maria.garcia@example.com and my cell is (555) 123-4567.",
    ),
    (
        "dob_and_ssn",
        "I was born on March 14th, 1985 and my social is 123-45-6789.",
    ),
];

fn bench_redact(c: &mut Criterion) {
    let redactor = Redactor::new();
    let mut group = c.benchmark_group("redact");
    for (name, text) in UTTERANCES {
        group.bench_function(*name, |b| b.iter(|| redactor.redact(black_box(text))));
    }
    group.finish();

    // Long inputs: a stored transcript, and adversarial text made only of the
    // tokens the scanners work hardest on, to show the cost stays linear.
    let transcript: String = UTTERANCES
        .iter()
        .map(|(_, t)| *t)
        .cycle()
        .take(60)
        .collect::<Vec<_>>()
        .join(" ");
    let adversarial = "1 one 1-2 (3) +4 @ at dot com born 12/ DE89 4111 ".repeat(200);
    let mut long = c.benchmark_group("redact_long");
    for (name, text) in [("transcript", &transcript), ("adversarial", &adversarial)] {
        long.throughput(Throughput::Bytes(text.len() as u64));
        long.bench_function(name, |b| b.iter(|| redactor.redact(black_box(text))));
    }
    long.finish();
}

criterion_group!(benches, bench_redact);
criterion_main!(benches);
