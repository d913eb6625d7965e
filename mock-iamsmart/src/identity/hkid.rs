//! Hong Kong Identity Card numbers: the check-digit rule, parsing and validation, and the `idNo` wire
//! shape `{"Identification": "A123456", "CheckDigit": "3"}` (PROTOCOL §3.1).
//!
//! The check digit is the standard weighted mod-11 rule: the number is read as nine symbols (a space
//! standing in front of a one-letter prefix), weighted 9 down to 2; letters count A=10 … Z=35 and the
//! space 36; the check digit makes the total (with weight 1) a multiple of 11, `A` standing for 10.
//! This module must never log or print a number it is given.

use serde::{Deserialize, Serialize};

/// One-letter prefixes found on cards in circulation; the generator draws from these. (I, O, Q and U
/// are not used; X alone is rare.) Validation accepts any letter.
pub const SINGLE_LETTER_PREFIXES: [char; 21] = [
    'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J', 'K', 'L', 'M', 'N', 'P', 'R', 'S', 'T', 'V', 'W',
    'Y', 'Z',
];

/// Two-letter prefixes the generator uses for the "two-letter prefix" scenario [I: the X-series was
/// issued to people without a Chinese name]. Validation accepts any two letters.
pub const TWO_LETTER_PREFIXES: [&str; 7] = ["XA", "XB", "XC", "XD", "XE", "XG", "XH"];

/// The `idNo` field: the number without its check digit, and the check digit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct IdNumber {
    #[serde(rename = "Identification")]
    pub identification: String,
    #[serde(rename = "CheckDigit")]
    pub check_digit: String,
}

/// What kind of document an `idNo` holds, judged from its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdNumberKind {
    /// A Hong Kong Identity Card number whose check digit is right.
    Hkid,
    /// A Consular Corps Identity Card number [I]: `CC` and seven digits, with an empty check digit.
    Ccic,
}

/// Why an `idNo` is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error(
        "is neither an HKID number (one or two capital letters and six digits) nor a CCIC number"
    )]
    Malformed,
    #[error("the check digit must be one character, 0-9 or A")]
    MalformedCheckDigit,
    #[error("the check digit does not match the number")]
    CheckDigitMismatch,
}

/// The value of a symbol in the check-digit sum: digits 0–9, letters A=10 … Z=35, space 36.
fn symbol_value(symbol: u8) -> Option<u32> {
    match symbol {
        b'0'..=b'9' => Some(u32::from(symbol - b'0')),
        b'A'..=b'Z' => Some(u32::from(symbol - b'A') + 10),
        b' ' => Some(36),
        _ => None,
    }
}

/// Whether `identification` looks like an HKID number without its check digit: one or two capital
/// letters, then six digits.
pub fn is_hkid_shape(identification: &str) -> bool {
    let bytes = identification.as_bytes();
    let letters = bytes
        .iter()
        .take_while(|byte| byte.is_ascii_uppercase())
        .count();
    (letters == 1 || letters == 2)
        && bytes.len() == letters + 6
        && bytes[letters..].iter().all(u8::is_ascii_digit)
}

/// The check digit (`0`–`9` or `A`) of an HKID number written without it, such as `A123456`; `None`
/// when the number is not shaped like one.
pub fn hkid_check_digit(identification: &str) -> Option<char> {
    if !is_hkid_shape(identification) {
        return None;
    }
    // A one-letter prefix is read as if a space stood before it, so both forms have nine symbols.
    let padded = if identification.len() == 7 {
        format!(" {identification}")
    } else {
        identification.to_owned()
    };
    let mut total = 0;
    for (symbol, weight) in padded.bytes().zip((2..=9).rev()) {
        total += symbol_value(symbol)? * weight;
    }
    match 11 - total % 11 {
        11 => Some('0'),
        10 => Some('A'),
        digit => char::from_digit(digit, 10),
    }
}

/// Whether `check_digit` is the right check digit for `identification`.
pub fn is_valid_hkid(identification: &str, check_digit: &str) -> bool {
    let mut chars = check_digit.chars();
    match (chars.next(), chars.next()) {
        (Some(given), None) => hkid_check_digit(identification) == Some(given),
        _ => false,
    }
}

/// Whether `identification` is shaped like a CCIC number [I]: `CC` and seven digits.
pub fn is_ccic_shape(identification: &str) -> bool {
    identification.len() == 9
        && identification.starts_with("CC")
        && identification
            .bytes()
            .skip(2)
            .all(|byte| byte.is_ascii_digit())
}

impl IdNumber {
    /// An HKID number from a prefix (one or two letters) and six digits, with its check digit.
    pub fn hkid(prefix: &str, digits: u32) -> Option<Self> {
        if digits >= 1_000_000 {
            return None;
        }
        let identification = format!("{prefix}{digits:06}");
        let check_digit = hkid_check_digit(&identification)?;
        Some(Self {
            identification,
            check_digit: check_digit.to_string(),
        })
    }

    /// A CCIC number [I]: `CC`, seven digits and no check digit.
    pub fn ccic(digits: u32) -> Option<Self> {
        (digits < 10_000_000).then(|| Self {
            identification: format!("CC{digits:07}"),
            check_digit: String::new(),
        })
    }

    /// Parses the printed form `A123456(3)` (or `A1234563`), for forms that take the number in one box.
    pub fn parse_printed(printed: &str) -> Option<Self> {
        let compact: String = printed
            .chars()
            .filter(|c| !matches!(c, '(' | ')' | ' '))
            .collect();
        let split = compact.len().checked_sub(1)?;
        let (identification, check_digit) = (compact.get(..split)?, compact.get(split..)?);
        is_valid_hkid(identification, check_digit).then(|| Self {
            identification: identification.to_owned(),
            check_digit: check_digit.to_owned(),
        })
    }

    /// The printed form, `A123456(3)` for an HKID and the bare number for a CCIC.
    pub fn printed(&self) -> String {
        if self.check_digit.is_empty() {
            self.identification.clone()
        } else {
            format!("{}({})", self.identification, self.check_digit)
        }
    }

    /// Checks the number: a well-formed HKID with the right check digit, or a CCIC number with an
    /// empty check digit.
    pub fn check(&self) -> Result<IdNumberKind, IdNumberError> {
        if is_ccic_shape(&self.identification) && self.check_digit.is_empty() {
            return Ok(IdNumberKind::Ccic);
        }
        if !is_hkid_shape(&self.identification) {
            return Err(IdNumberError::Malformed);
        }
        let mut chars = self.check_digit.chars();
        match (chars.next(), chars.next()) {
            (Some('0'..='9' | 'A'), None) => {}
            _ => return Err(IdNumberError::MalformedCheckDigit),
        }
        if is_valid_hkid(&self.identification, &self.check_digit) {
            Ok(IdNumberKind::Hkid)
        } else {
            Err(IdNumberError::CheckDigitMismatch)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Worked examples, by hand. Weights are 9 8 7 6 5 4 3 2 over (space or letter, letter, six digits);
    // letters A=10 … Z=35, space 36; check = 11 − (sum mod 11), 11 → 0, 10 → A.
    //
    // A123456:  36·9 + 10·8 + 1·7 + 2·6 + 3·5 + 4·4 + 5·3 + 6·2
    //         = 324 + 80 + 7 + 12 + 15 + 16 + 15 + 12 = 481;  481 = 11·43 + 8;  11 − 8 = 3.
    // G123456:  324 + 16·8 + 77 = 529 (the six digits always add 77);  529 = 11·48 + 1;  11 − 1 = 10 → A.
    // K123456:  324 + 20·8 + 77 = 561 = 11·51 + 0;  11 − 0 = 11 → 0.
    // XA123456: 33·9 + 10·8 + 77 = 297 + 80 + 77 = 454;  454 = 11·41 + 3;  11 − 3 = 8.
    // AB987654: 10·9 + 11·8 + 9·7 + 8·6 + 7·5 + 6·4 + 5·3 + 4·2
    //         = 90 + 88 + 63 + 48 + 35 + 24 + 15 + 8 = 371;  371 = 11·33 + 8;  11 − 8 = 3.
    const WORKED_EXAMPLES: [(&str, char); 5] = [
        ("A123456", '3'),
        ("G123456", 'A'),
        ("K123456", '0'),
        ("XA123456", '8'),
        ("AB987654", '3'),
    ];

    #[test]
    fn check_digits_match_the_worked_examples() {
        for (identification, expected) in WORKED_EXAMPLES {
            assert_eq!(
                hkid_check_digit(identification),
                Some(expected),
                "{identification}"
            );
            assert!(is_valid_hkid(identification, &expected.to_string()));
        }
    }

    #[test]
    fn a_wrong_check_digit_is_caught_for_every_alternative() {
        for (identification, expected) in WORKED_EXAMPLES {
            for other in "0123456789A".chars().filter(|c| *c != expected) {
                assert!(!is_valid_hkid(identification, &other.to_string()));
            }
        }
        assert!(!is_valid_hkid("A123456", "33"));
        assert!(!is_valid_hkid("A123456", ""));
    }

    #[test]
    fn malformed_numbers_have_no_check_digit() {
        for bad in [
            "",
            "A12345",
            "A1234567",
            "a123456",
            "ABC123456",
            "1234567",
            "A12345B",
            "Ａ123456",
        ] {
            assert_eq!(hkid_check_digit(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn every_check_digit_is_reachable_with_a_one_letter_prefix() {
        // The generator relies on this to build the "check digit A" and "check digit 0" personas.
        for wanted in "0123456789A".chars() {
            assert!(
                SINGLE_LETTER_PREFIXES
                    .iter()
                    .any(|letter| hkid_check_digit(&format!("{letter}123456")) == Some(wanted)),
                "{wanted}"
            );
        }
    }

    #[test]
    fn built_numbers_carry_their_check_digit_and_print_in_the_card_form() {
        let number = IdNumber::hkid("A", 123_456).expect("valid");
        assert_eq!(number.identification, "A123456");
        assert_eq!(number.check_digit, "3");
        assert_eq!(number.printed(), "A123456(3)");
        assert_eq!(number.check(), Ok(IdNumberKind::Hkid));
        assert_eq!(IdNumber::parse_printed("A123456(3)"), Some(number.clone()));
        assert_eq!(IdNumber::parse_printed("A1234563"), Some(number));
        assert_eq!(IdNumber::parse_printed("A123456(4)"), None);
        assert_eq!(IdNumber::hkid("A", 1_000_000), None);
        assert_eq!(
            IdNumber::hkid("XA", 7).map(|n| n.identification),
            Some("XA000007".into())
        );
    }

    #[test]
    fn the_wire_shape_is_identification_and_check_digit() {
        let number = IdNumber::hkid("A", 123_456).expect("valid");
        assert_eq!(
            serde_json::to_value(&number).expect("serialises"),
            serde_json::json!({"Identification": "A123456", "CheckDigit": "3"})
        );
        let extra = r#"{"Identification":"A123456","CheckDigit":"3","Extra":1}"#;
        assert!(serde_json::from_str::<IdNumber>(extra).is_err());
    }

    #[test]
    fn checking_tells_the_kinds_of_failure_apart() {
        let number = |identification: &str, check_digit: &str| IdNumber {
            identification: identification.into(),
            check_digit: check_digit.into(),
        };
        assert_eq!(
            number("A123456", "4").check(),
            Err(IdNumberError::CheckDigitMismatch)
        );
        assert_eq!(
            number("A123456", "B").check(),
            Err(IdNumberError::MalformedCheckDigit)
        );
        assert_eq!(
            number("A123456", "").check(),
            Err(IdNumberError::MalformedCheckDigit)
        );
        assert_eq!(number("123", "1").check(), Err(IdNumberError::Malformed));
        assert_eq!(number("CC1234567", "").check(), Ok(IdNumberKind::Ccic));
        assert_eq!(
            number("CC1234567", "1").check(),
            Err(IdNumberError::Malformed)
        );
        let ccic = IdNumber::ccic(1_234_567).expect("in range");
        assert_eq!(ccic.printed(), "CC1234567");
        assert_eq!(ccic.check(), Ok(IdNumberKind::Ccic));
    }
}
