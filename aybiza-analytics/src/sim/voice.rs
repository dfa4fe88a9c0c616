//! Timing and voice features: turns become utterances whose durations follow word counts and
//! speaking rates, with silences, holds and interruptions, and acoustic features set by mood.

use super::conversation::Turn;
use super::random::{SimRng, lognormal_factor, normal, uniform};
use super::scenarios::Mood;
use crate::model::{Speaker, Utterance, VoiceFeatures};
use rand::Rng;

/// The base pitch of each voice on a call.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Voices {
    pub customer_pitch_hz: f64,
    pub agent_pitch_hz: f64,
    pub second_agent_pitch_hz: f64,
}

/// How a speaker in a mood sounds.
struct Delivery {
    energy: f64,
    /// Relative rise of mean pitch over the speaker's base.
    pitch_rise: f64,
    pitch_variance: f64,
    rate_wpm: f64,
    volume_db: f64,
    /// Natural silence before speaking, in milliseconds.
    gap_ms: (f64, f64),
    /// Chance of starting before the other party has finished.
    interrupt_p: f64,
}

fn delivery(speaker: Speaker, mood: Mood) -> Delivery {
    match (speaker, mood) {
        (Speaker::Bot, _) => Delivery {
            energy: 0.42,
            pitch_rise: 0.0,
            pitch_variance: 60.0,
            rate_wpm: 160.0,
            volume_db: -20.0,
            gap_ms: (250.0, 600.0),
            interrupt_p: 0.0,
        },
        (Speaker::Agent, _) => Delivery {
            energy: 0.40,
            pitch_rise: 0.0,
            pitch_variance: 300.0,
            rate_wpm: 155.0,
            volume_db: -21.0,
            gap_ms: (300.0, 1300.0),
            interrupt_p: 0.01,
        },
        (_, Mood::Calm) => Delivery {
            energy: 0.34,
            pitch_rise: 0.0,
            pitch_variance: 260.0,
            rate_wpm: 148.0,
            volume_db: -23.0,
            gap_ms: (350.0, 1100.0),
            interrupt_p: 0.0,
        },
        (_, Mood::Happy) => Delivery {
            energy: 0.52,
            pitch_rise: 0.06,
            pitch_variance: 480.0,
            rate_wpm: 162.0,
            volume_db: -19.0,
            gap_ms: (250.0, 800.0),
            interrupt_p: 0.02,
        },
        (_, Mood::Neutral) => Delivery {
            energy: 0.40,
            pitch_rise: 0.02,
            pitch_variance: 330.0,
            rate_wpm: 152.0,
            volume_db: -22.0,
            gap_ms: (300.0, 1000.0),
            interrupt_p: 0.02,
        },
        (_, Mood::Confused) => Delivery {
            energy: 0.27,
            pitch_rise: 0.0,
            pitch_variance: 300.0,
            rate_wpm: 110.0,
            volume_db: -26.0,
            gap_ms: (1500.0, 4500.0),
            interrupt_p: 0.0,
        },
        (_, Mood::Frustrated) => Delivery {
            energy: 0.62,
            pitch_rise: 0.10,
            pitch_variance: 720.0,
            rate_wpm: 170.0,
            volume_db: -16.0,
            gap_ms: (150.0, 700.0),
            interrupt_p: 0.12,
        },
        (_, Mood::Angry) => Delivery {
            energy: 0.82,
            pitch_rise: 0.20,
            pitch_variance: 1150.0,
            rate_wpm: 186.0,
            volume_db: -11.0,
            gap_ms: (60.0, 400.0),
            interrupt_p: 0.35,
        },
    }
}

fn round_to(value: f64, places: i32) -> f64 {
    let scale = 10f64.powi(places);
    (value * scale).round() / scale
}

/// Lays the turns out in time and measures their voices (chat turns get typing times and no voice).
pub(crate) fn render(
    tenant: &str,
    call_id: &str,
    turns: Vec<Turn>,
    chat: bool,
    voices: &Voices,
    rng: &mut SimRng,
) -> Vec<Utterance> {
    let mut out = Vec::with_capacity(turns.len());
    let mut prev_start = 0u64;
    let mut prev_end = 0u64;
    let mut prev_duration = 0u64;
    let mut prev_speaker: Option<Speaker> = None;
    for (seq, turn) in turns.into_iter().enumerate() {
        let words = turn.text.split_whitespace().count().max(1) as f64;
        let style = delivery(turn.speaker, turn.mood);
        let (start, duration, voice) = if chat {
            let duration = match turn.speaker {
                Speaker::Bot => uniform(rng, 600.0, 1500.0),
                Speaker::Agent => words * 60_000.0 / uniform(rng, 60.0, 95.0),
                Speaker::Customer => words * 60_000.0 / uniform(rng, 25.0, 45.0),
            } as u64;
            let gap = turn
                .pause_before_ms
                .unwrap_or_else(|| uniform(rng, 1500.0, 8000.0) as u64);
            (prev_end + gap, duration, None)
        } else {
            let rate = (style.rate_wpm * lognormal_factor(rng, 0.07)).clamp(60.0, 320.0);
            let duration = (words * 60_000.0 / rate + uniform(rng, 150.0, 400.0)) as u64;
            let interrupts = turn.pause_before_ms.is_none()
                && prev_speaker.is_some_and(|p| p != turn.speaker)
                && prev_duration > 1_200
                && rng.random_bool(style.interrupt_p);
            let (start, silence) = if interrupts {
                let into = (prev_duration as f64 * uniform(rng, 0.45, 0.85)) as u64;
                (prev_start + into, 0)
            } else {
                let gap = turn
                    .pause_before_ms
                    .unwrap_or_else(|| uniform(rng, style.gap_ms.0, style.gap_ms.1) as u64);
                (prev_end + gap, gap)
            };
            let base_pitch = match turn.speaker {
                Speaker::Customer => voices.customer_pitch_hz,
                Speaker::Agent if turn.second_agent => voices.second_agent_pitch_hz,
                Speaker::Agent => voices.agent_pitch_hz,
                Speaker::Bot => 190.0,
            };
            let voice = VoiceFeatures {
                energy: Some(round_to(
                    (style.energy + normal(rng, 0.0, 0.05)).clamp(0.02, 0.99),
                    3,
                )),
                pitch_mean_hz: Some(round_to(
                    base_pitch * (1.0 + style.pitch_rise) * (1.0 + normal(rng, 0.0, 0.03)),
                    1,
                )),
                pitch_variance: Some(round_to(
                    style.pitch_variance * lognormal_factor(rng, 0.2),
                    1,
                )),
                speaking_rate_wpm: Some(round_to(rate, 1)),
                volume_db: Some(round_to(
                    (style.volume_db + normal(rng, 0.0, 1.5)).clamp(-60.0, -3.0),
                    1,
                )),
                silence_before_ms: Some(silence),
                interruption: interrupts,
            };
            (start, duration, Some(voice))
        };
        let end = start + duration;
        out.push(Utterance {
            tenant: tenant.to_owned(),
            call_id: call_id.to_owned(),
            seq: seq as u32,
            speaker: turn.speaker,
            text: turn.text,
            start_ms: start,
            end_ms: end,
            voice,
        });
        prev_start = start;
        prev_end = prev_end.max(end);
        prev_duration = duration;
        prev_speaker = Some(turn.speaker);
    }
    out
}
