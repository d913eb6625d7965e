//! Telephone numbers in the e-ME shape `{"CountryCode": "852", "SubscriberNumber": "91234567"}`
//! (PROTOCOL §3.1), with the numbering rules the generator obeys and validation enforces.
//!
//! Hong Kong: eight digits; mobile numbers start with 5, 6, 7 or 9 (the generator keeps to 5, 6 and 9,
//! whose blocks are all assigned), fixed lines with 2 or 3, and nothing starts with 999 (the emergency
//! number). Mainland China: eleven-digit mobiles starting 13–19. Other countries: 4–14 digits (E.164
//! allows 15 with the country code). This module must never log a number.

use serde::{Deserialize, Serialize};

use super::seed::Draw;
use super::validate::FieldProblem;

pub const HONG_KONG: &str = "852";
pub const MAINLAND_CHINA: &str = "86";

/// One phone number as e-ME sends it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct PhoneNumber {
    #[serde(rename = "CountryCode")]
    pub country_code: String,
    #[serde(rename = "SubscriberNumber")]
    pub subscriber_number: String,
}

/// Which numbering rules apply: `mobileNumber` is a mobile line, home and office numbers fixed lines.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineKind {
    Mobile,
    Fixed,
}

impl PhoneNumber {
    pub fn new(country_code: &str, subscriber_number: impl Into<String>) -> Self {
        Self {
            country_code: country_code.to_owned(),
            subscriber_number: subscriber_number.into(),
        }
    }

    /// Checks the number against the numbering rules for `kind`; the error says which rule failed:
    /// [`FieldProblem::Malformed`] for a number that is not digits, [`FieldProblem::OutOfRange`] for one
    /// outside the numbering plan.
    pub fn check(&self, kind: LineKind) -> Result<(), (FieldProblem, &'static str)> {
        self.check_format()
            .map_err(|message| (FieldProblem::Malformed, message))?;
        self.check_range(kind)
            .map_err(|message| (FieldProblem::OutOfRange, message))
    }

    fn check_format(&self) -> Result<(), &'static str> {
        let code = self.country_code.as_str();
        let number = self.subscriber_number.as_str();
        if code.is_empty()
            || code.len() > 3
            || code.starts_with('0')
            || !code.bytes().all(|byte| byte.is_ascii_digit())
        {
            return Err("CountryCode must be one to three digits without a leading 0 or +");
        }
        if number.is_empty() || !number.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err("SubscriberNumber must be digits only");
        }
        Ok(())
    }

    fn check_range(&self, kind: LineKind) -> Result<(), &'static str> {
        let code = self.country_code.as_str();
        let number = self.subscriber_number.as_str();
        let Some(&first) = number.as_bytes().first() else {
            return Err("SubscriberNumber must not be empty");
        };
        match (code, kind) {
            (HONG_KONG, _) if number.len() != 8 => Err("a Hong Kong number has eight digits"),
            (HONG_KONG, _) if number.starts_with("999") => {
                Err("a Hong Kong number cannot start with 999")
            }
            (HONG_KONG, LineKind::Mobile) if !matches!(first, b'5' | b'6' | b'7' | b'9') => {
                Err("a Hong Kong mobile number starts with 5, 6, 7 or 9")
            }
            (HONG_KONG, LineKind::Fixed) if !matches!(first, b'2' | b'3') => {
                Err("a Hong Kong fixed-line number starts with 2 or 3")
            }
            (MAINLAND_CHINA, LineKind::Mobile)
                if number.len() != 11
                    || first != b'1'
                    || !matches!(number.as_bytes()[1], b'3'..=b'9') =>
            {
                Err("a mainland mobile number has eleven digits and starts with 13-19")
            }
            (MAINLAND_CHINA, LineKind::Fixed) if !(10..=12).contains(&number.len()) => {
                Err("a mainland fixed-line number has 10-12 digits with its area code")
            }
            _ if !(4..=14).contains(&number.len()) => Err("SubscriberNumber must have 4-14 digits"),
            _ => Ok(()),
        }
    }

    /// `+852 9123 4567`, for consent screens.
    pub fn display(&self) -> String {
        let number = &self.subscriber_number;
        let hong_kong_digits = self.country_code == HONG_KONG
            && number.len() == 8
            && number.bytes().all(|byte| byte.is_ascii_digit());
        if hong_kong_digits {
            format!("+852 {} {}", &number[..4], &number[4..])
        } else {
            format!("+{} {}", self.country_code, number)
        }
    }
}

/// A Hong Kong mobile number starting with 5, 6 or 9 (never 999).
pub fn hong_kong_mobile(draw: &mut Draw) -> PhoneNumber {
    let first = *draw.pick(&['5', '6', '9']).unwrap_or(&'9');
    let mut rest = draw.digits(7);
    if first == '9' && rest.starts_with("99") {
        // 999 is the emergency number; 98 is an ordinary mobile block.
        rest.replace_range(0..1, "8");
    }
    PhoneNumber::new(HONG_KONG, format!("{first}{rest}"))
}

/// A Hong Kong fixed-line number: homes mostly on 2, offices on 2 or 3.
pub fn hong_kong_fixed(draw: &mut Draw) -> PhoneNumber {
    let first = *draw.pick(&['2', '2', '3']).unwrap_or(&'2');
    PhoneNumber::new(HONG_KONG, format!("{first}{}", draw.digits(7)))
}

/// A mainland Chinese mobile number in a common block (130–139, 150–159, 180–189).
pub fn mainland_mobile(draw: &mut Draw) -> PhoneNumber {
    let second = *draw.pick(&['3', '5', '8']).unwrap_or(&'3');
    PhoneNumber::new(MAINLAND_CHINA, format!("1{second}{}", draw.digits(9)))
}

/// A Shenzhen fixed line: area code 755 and eight digits.
pub fn shenzhen_fixed(draw: &mut Draw) -> PhoneNumber {
    let first = *draw.pick(&['2', '3', '8']).unwrap_or(&'2');
    PhoneNumber::new(MAINLAND_CHINA, format!("755{first}{}", draw.digits(7)))
}

/// A mobile number in a range its regulator reserves for fiction where there is one: Ofcom's
/// 07700 900xxx drama range (UK), the 555-01xx range (North America), ACMA's 0491 570 006–159
/// (Australia); elsewhere a plain ten-digit number.
pub fn overseas_mobile(draw: &mut Draw, calling_code: &str) -> PhoneNumber {
    let number = match calling_code {
        "44" => format!("7700900{:03}", draw.between(0, 999)),
        "1" => {
            let area = *draw.pick(&["416", "604", "647", "778"]).unwrap_or(&"416");
            format!("{area}55501{:02}", draw.between(0, 99))
        }
        "61" => format!("491570{:03}", draw.between(6, 159)),
        _ => draw.digits(10),
    };
    PhoneNumber::new(calling_code, number)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::seed::IdentitySeed;

    #[test]
    fn generated_numbers_follow_the_numbering_rules() {
        for seed in 0..=255u8 {
            let mut draw = IdentitySeed::new([seed; 32]).draw("phone");
            let mobile = hong_kong_mobile(&mut draw);
            assert_eq!(mobile.check(LineKind::Mobile), Ok(()), "{mobile:?}");
            assert!(matches!(
                mobile.subscriber_number.as_bytes()[0],
                b'5' | b'6' | b'9'
            ));
            assert!(!mobile.subscriber_number.starts_with("999"));
            let fixed = hong_kong_fixed(&mut draw);
            assert_eq!(fixed.check(LineKind::Fixed), Ok(()), "{fixed:?}");
            let mainland = mainland_mobile(&mut draw);
            assert_eq!(mainland.check(LineKind::Mobile), Ok(()), "{mainland:?}");
            let shenzhen = shenzhen_fixed(&mut draw);
            assert_eq!(shenzhen.check(LineKind::Fixed), Ok(()), "{shenzhen:?}");
            for calling_code in ["1", "44", "61"] {
                let abroad = overseas_mobile(&mut draw, calling_code);
                assert_eq!(abroad.check(LineKind::Mobile), Ok(()), "{abroad:?}");
            }
        }
    }

    #[test]
    fn numbers_outside_the_ranges_are_rejected_with_the_rule() {
        let check = |code: &str, number: &str, kind| PhoneNumber::new(code, number).check(kind);
        assert_eq!(check("852", "91234567", LineKind::Mobile), Ok(()));
        assert_eq!(check("852", "71234567", LineKind::Mobile), Ok(()));
        assert!(check("852", "21234567", LineKind::Mobile).is_err());
        assert!(check("852", "41234567", LineKind::Mobile).is_err());
        assert!(check("852", "9123456", LineKind::Mobile).is_err());
        assert!(check("852", "99912345", LineKind::Mobile).is_err());
        assert!(check("852", "91234567", LineKind::Fixed).is_err());
        assert_eq!(check("852", "31234567", LineKind::Fixed), Ok(()));
        assert_eq!(check("86", "13812345678", LineKind::Mobile), Ok(()));
        assert!(check("86", "12812345678", LineKind::Mobile).is_err());
        assert!(check("86", "1381234567", LineKind::Mobile).is_err());
        assert_eq!(check("86", "75512345678", LineKind::Fixed), Ok(()));
        assert_eq!(check("44", "7700900123", LineKind::Mobile), Ok(()));
        assert!(check("+852", "91234567", LineKind::Mobile).is_err());
        assert!(check("852", "9123-4567", LineKind::Mobile).is_err());
        assert_eq!(
            check("852", "9123-4567", LineKind::Mobile).map_err(|(problem, _)| problem),
            Err(FieldProblem::Malformed)
        );
        assert_eq!(
            check("852", "41234567", LineKind::Mobile).map_err(|(problem, _)| problem),
            Err(FieldProblem::OutOfRange)
        );
        assert!(check("", "91234567", LineKind::Mobile).is_err());
        assert!(check("852", "", LineKind::Mobile).is_err());
    }

    #[test]
    fn the_wire_shape_and_display_form() {
        let number = PhoneNumber::new("852", "91234567");
        assert_eq!(
            serde_json::to_value(&number).expect("serialises"),
            serde_json::json!({"CountryCode": "852", "SubscriberNumber": "91234567"})
        );
        assert_eq!(number.display(), "+852 9123 4567");
        assert_eq!(
            PhoneNumber::new("86", "13812345678").display(),
            "+86 13812345678"
        );
    }
}
