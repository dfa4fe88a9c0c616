//! Text formatting shared by the HTML page and its charts.

use chrono::{DateTime, Utc};

use super::Rate;

/// `text` with the five HTML-significant characters escaped, safe in element content and quoted attributes.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` cut to at most `max_chars` characters, ending in `…` when cut.
pub(super) fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// A count with thousands separators: `12,345`.
pub(super) fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A share as a percentage with one decimal (`42.5%`), or `–` when undefined.
pub(super) fn percent(rate: &Rate) -> String {
    rate.value
        .map_or_else(|| "–".to_owned(), |v| format!("{:.1}%", v * 100.0))
}

/// A number with `digits` decimals, or `–` when absent.
pub(super) fn decimal(value: Option<f64>, digits: usize) -> String {
    value.map_or_else(|| "–".to_owned(), |v| format!("{v:.digits$}"))
}

/// A duration in seconds as `1h 02m`, `4m 05s` or `42s`; `–` when absent.
pub(super) fn duration(secs: Option<f64>) -> String {
    let Some(secs) = secs else {
        return "–".to_owned();
    };
    let total = secs.round() as u64;
    let (hours, minutes, seconds) = (total / 3600, total / 60 % 60, total % 60);
    if hours > 0 {
        format!("{hours}h {minutes:02}m")
    } else if minutes > 0 {
        format!("{minutes}m {seconds:02}s")
    } else {
        format!("{seconds}s")
    }
}

/// An instant as `2026-01-05 09:00 UTC`.
pub(super) fn instant(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"<a href="x">Tom & 'Jerry'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn truncates_on_character_boundaries() {
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("ééééé", 3), "éé…");
    }

    #[test]
    fn formats_numbers() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1,000");
        assert_eq!(count(1_234_567), "1,234,567");
        assert_eq!(percent(&Rate::new(1, 3)), "33.3%");
        assert_eq!(percent(&Rate::new(0, 0)), "–");
        assert_eq!(duration(Some(42.4)), "42s");
        assert_eq!(duration(Some(245.0)), "4m 05s");
        assert_eq!(duration(Some(3_720.0)), "1h 02m");
        assert_eq!(duration(None), "–");
        assert_eq!(decimal(Some(4.256), 2), "4.26");
    }
}
