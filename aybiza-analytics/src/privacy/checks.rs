//! Checksums and validity rules shared by the detectors: Luhn and issuer
//! prefixes for payment cards, SSN area/group/serial rules, NANP area codes,
//! IBAN lengths and mod-97, and calendar dates.

/// Whether `digits` (ASCII digits only) passes the Luhn (mod 10) check.
pub(crate) fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (i, &d) in digits.iter().rev().enumerate() {
        let mut v = u32::from(d - b'0');
        if i % 2 == 1 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    sum % 10 == 0
}

/// An issuer (IIN) prefix range: numbers whose first `prefix_len` digits fall in
/// `low..=high`, valid at the lengths set in the `lengths` bit mask (bit n = n digits).
struct IssuerRange {
    low: u32,
    high: u32,
    prefix_len: usize,
    lengths: u32,
}

const fn lengths(from: u32, to: u32) -> u32 {
    let mut mask = 0;
    let mut n = from;
    while n <= to {
        mask |= 1 << n;
        n += 1;
    }
    mask
}

/// Issuer prefixes of the major card networks.
#[rustfmt::skip]
const ISSUERS: &[IssuerRange] = &[
    // Visa
    IssuerRange { low: 4, high: 4, prefix_len: 1, lengths: (1 << 13) | (1 << 16) | (1 << 19) },
    // Mastercard (51–55 and the 2-series)
    IssuerRange { low: 51, high: 55, prefix_len: 2, lengths: 1 << 16 },
    IssuerRange { low: 2221, high: 2720, prefix_len: 4, lengths: 1 << 16 },
    // American Express
    IssuerRange { low: 34, high: 34, prefix_len: 2, lengths: 1 << 15 },
    IssuerRange { low: 37, high: 37, prefix_len: 2, lengths: 1 << 15 },
    // Discover
    IssuerRange { low: 6011, high: 6011, prefix_len: 4, lengths: lengths(16, 19) },
    IssuerRange { low: 644, high: 649, prefix_len: 3, lengths: lengths(16, 19) },
    IssuerRange { low: 65, high: 65, prefix_len: 2, lengths: lengths(16, 19) },
    // UnionPay (includes Discover's 622126–622925 co-branded range)
    IssuerRange { low: 62, high: 62, prefix_len: 2, lengths: lengths(16, 19) },
    // Diners Club
    IssuerRange { low: 300, high: 305, prefix_len: 3, lengths: lengths(14, 19) },
    IssuerRange { low: 3095, high: 3095, prefix_len: 4, lengths: lengths(14, 19) },
    IssuerRange { low: 36, high: 36, prefix_len: 2, lengths: lengths(14, 19) },
    IssuerRange { low: 38, high: 39, prefix_len: 2, lengths: lengths(16, 19) },
    // JCB
    IssuerRange { low: 3528, high: 3589, prefix_len: 4, lengths: lengths(16, 19) },
    // Maestro
    IssuerRange { low: 5018, high: 5018, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 5020, high: 5020, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 5038, high: 5038, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 5893, high: 5893, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 6304, high: 6304, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 6759, high: 6759, prefix_len: 4, lengths: lengths(13, 19) },
    IssuerRange { low: 6761, high: 6763, prefix_len: 4, lengths: lengths(13, 19) },
    // Mir
    IssuerRange { low: 2200, high: 2204, prefix_len: 4, lengths: lengths(16, 19) },
];

fn prefix_value(digits: &[u8], len: usize) -> u32 {
    digits[..len]
        .iter()
        .fold(0, |acc, &d| acc * 10 + u32::from(d - b'0'))
}

/// Whether `digits` is a plausible payment card number: 13–19 digits, a known
/// issuer prefix at a length that issuer uses, and a valid Luhn check digit.
pub(crate) fn card_valid(digits: &[u8]) -> bool {
    let n = digits.len();
    if !(13..=19).contains(&n) {
        return false;
    }
    let issuer_known = ISSUERS.iter().any(|r| {
        r.lengths & (1 << n) != 0 && (r.low..=r.high).contains(&prefix_value(digits, r.prefix_len))
    });
    issuer_known && luhn_valid(digits)
}

/// Whether nine ASCII digits form an SSN the Social Security Administration
/// could issue: area not 000, 666 or 900–999; group not 00; serial not 0000.
pub(crate) fn ssn_valid(digits: &[u8]) -> bool {
    if digits.len() != 9 {
        return false;
    }
    let area = prefix_value(digits, 3);
    let group = prefix_value(&digits[3..], 2);
    let serial = prefix_value(&digits[5..], 4);
    area != 0 && area != 666 && area < 900 && group != 0 && serial != 0
}

/// Whether ten ASCII digits are a NANP number: the area code starts with 2–9.
/// The exchange is not checked, so fictional numbers such as 555-123-4567 count.
pub(crate) fn nanp_valid(digits: &[u8]) -> bool {
    digits.len() == 10 && (b'2'..=b'9').contains(&digits[0])
}

/// IBAN lengths by ISO 3166 country code (SWIFT IBAN registry).
#[rustfmt::skip]
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24), (b"AE", 23), (b"AL", 28), (b"AT", 20), (b"AZ", 28), (b"BA", 20),
    (b"BE", 16), (b"BG", 22), (b"BH", 22), (b"BR", 29), (b"BY", 28), (b"CH", 21),
    (b"CR", 22), (b"CY", 28), (b"CZ", 24), (b"DE", 22), (b"DK", 18), (b"DO", 28),
    (b"EE", 20), (b"EG", 29), (b"ES", 24), (b"FI", 18), (b"FO", 18), (b"FR", 27),
    (b"GB", 22), (b"GE", 22), (b"GI", 23), (b"GL", 18), (b"GR", 27), (b"GT", 28),
    (b"HR", 21), (b"HU", 28), (b"IE", 22), (b"IL", 23), (b"IQ", 23), (b"IS", 26),
    (b"IT", 27), (b"JO", 30), (b"KW", 30), (b"KZ", 20), (b"LB", 28), (b"LC", 32),
    (b"LI", 21), (b"LT", 20), (b"LU", 20), (b"LV", 21), (b"LY", 25), (b"MC", 27),
    (b"MD", 24), (b"ME", 22), (b"MK", 19), (b"MR", 27), (b"MT", 31), (b"MU", 30),
    (b"NL", 18), (b"NO", 15), (b"PK", 24), (b"PL", 28), (b"PS", 29), (b"PT", 25),
    (b"QA", 29), (b"RO", 24), (b"RS", 22), (b"SA", 24), (b"SC", 31), (b"SD", 18),
    (b"SE", 24), (b"SI", 19), (b"SK", 24), (b"SM", 27), (b"ST", 25), (b"SV", 28),
    (b"TL", 23), (b"TN", 24), (b"TR", 26), (b"UA", 29), (b"VA", 22), (b"VG", 24),
    (b"XK", 20),
];

/// The IBAN length used by a country (upper-case ISO code), if it issues IBANs.
pub(crate) fn iban_length(country: [u8; 2]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(code, _)| **code == country)
        .map(|&(_, len)| len)
}

/// Whether a compact upper-case IBAN (letters and digits, no spaces) passes
/// ISO 13616: check digits 02–98 and the whole number mod 97 equal to 1, with
/// the first four characters moved to the end and letters read as 10–35.
pub(crate) fn iban_checksum_valid(iban: &[u8]) -> bool {
    if iban.len() < 5 || !iban[2].is_ascii_digit() || !iban[3].is_ascii_digit() {
        return false;
    }
    let check = prefix_value(&iban[2..], 2);
    if !(2..=98).contains(&check) {
        return false;
    }
    let mut remainder = 0u32;
    for &c in iban[4..].iter().chain(&iban[..4]) {
        remainder = match c {
            b'0'..=b'9' => (remainder * 10 + u32::from(c - b'0')) % 97,
            b'A'..=b'Z' => (remainder * 100 + u32::from(c - b'A') + 10) % 97,
            _ => return false,
        };
    }
    remainder == 1
}

/// Whether `year-month-day` is a real calendar date between 1900 and 2100.
pub(crate) fn date_valid(year: u32, month: u32, day: u32) -> bool {
    if !(1900..=2100).contains(&year) || !(1..=12).contains(&month) || day == 0 {
        return false;
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    day <= days
}

/// Expands a two-digit year the way people mean it in a date of birth: 00–29
/// are 2000–2029, 30–99 are 1930–1999.
pub(crate) fn expand_two_digit_year(year: u32) -> u32 {
    if year < 30 { 2000 + year } else { 1900 + year }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn luhn_accepts_test_cards_and_rejects_single_digit_changes() {
        for card in [
            "4111111111111111",
            "5555555555554444",
            "378282246310005",
            "6011111111111117",
            "3530111333300000",
            "30569309025904",
            "2223003122003222",
        ] {
            assert!(card_valid(card.as_bytes()), "{card}");
            let mut changed = card.as_bytes().to_vec();
            changed[5] = if changed[5] == b'9' {
                b'0'
            } else {
                changed[5] + 1
            };
            assert!(!card_valid(&changed), "{card} with one digit changed");
        }
    }

    #[test]
    fn card_needs_a_known_issuer_and_length() {
        // Luhn-valid but issuer 9 is not a card network.
        assert!(luhn_valid(b"9111111111111110"));
        assert!(!card_valid(b"9111111111111110"));
        // Visa prefix at a length Visa does not issue.
        assert!(luhn_valid(b"41111111111111113"));
        assert!(!card_valid(b"41111111111111113"));
    }

    #[test]
    fn ssn_rules() {
        assert!(ssn_valid(b"123456789"));
        assert!(ssn_valid(b"899010001"));
        assert!(!ssn_valid(b"000123456"));
        assert!(!ssn_valid(b"666123456"));
        assert!(!ssn_valid(b"900123456"));
        assert!(!ssn_valid(b"999123456"));
        assert!(!ssn_valid(b"123006789"));
        assert!(!ssn_valid(b"123450000"));
        assert!(!ssn_valid(b"12345678"));
    }

    #[test]
    fn iban_examples() {
        assert!(iban_checksum_valid(b"DE89370400440532013000"));
        assert!(iban_checksum_valid(b"GB82WEST12345698765432"));
        assert!(iban_checksum_valid(b"FR1420041010050500013M02606"));
        assert!(iban_checksum_valid(b"NL91ABNA0417164300"));
        assert!(!iban_checksum_valid(b"DE88370400440532013000"));
        assert!(!iban_checksum_valid(b"GB82WEST12345698765433"));
        assert_eq!(iban_length(*b"DE"), Some(22));
        assert_eq!(iban_length(*b"US"), None);
    }

    #[test]
    fn dates() {
        assert!(date_valid(2000, 2, 29));
        assert!(!date_valid(1900, 2, 29));
        assert!(!date_valid(1985, 4, 31));
        assert!(!date_valid(1985, 13, 1));
        assert!(!date_valid(1850, 1, 1));
        assert_eq!(expand_two_digit_year(85), 1985);
        assert_eq!(expand_two_digit_year(5), 2005);
    }
}
