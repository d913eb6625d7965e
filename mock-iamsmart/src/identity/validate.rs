//! The rules a profile must obey, applied to generated personas (in tests) and to the personas
//! developers create or import (through [`crate::identity::PersonaProfile::from_json`]): HKID check
//! digits, name formats, phone numbering, reserved e-mail domains, the structured address shapes, code
//! tables, dates, the address proof, and that fields do not contradict each other.
//!
//! Errors name the field by its JSON path and say which rule failed; they never quote the value, so an
//! error can be shown or logged without leaking identity data. This module must never log.

use serde::{Deserialize, Serialize};

use super::address::AddressUse;
use super::address_proof::check_doc_file;
use super::codes::NameVerification;
use super::email::check_email;
use super::hkid::IdNumberError;
use super::names::{check_chinese_name, check_english_name};
use super::phone::LineKind;
use super::profile::PersonaProfile;

/// What kind of rule a field broke, for callers that react differently (a form highlights a field; an
/// import lists problems).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldProblem {
    /// The import is not a JSON object.
    NotJson,
    /// A key that is neither a profile field nor an e-ME field.
    UnknownField,
    /// The value does not have the field's JSON shape (wrong type, unknown keys, bad code letter).
    WrongShape,
    /// An address that is not exactly one of the allowed address shapes.
    AddressShape,
    /// The right shape, but text that breaks the field's format rules.
    Malformed,
    /// An HKID number whose check digit does not match.
    CheckDigitMismatch,
    /// A number outside what is allowed (phone numbering plans, file size).
    OutOfRange,
    /// An e-mail address on a domain that is not reserved for examples.
    DomainNotReserved,
    /// Fields that contradict each other.
    Inconsistent,
}

/// One broken rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    /// JSON path of the field, such as `idNo.CheckDigit` or `residentialAddress.EngPremisesAddress.Region`
    /// (empty for the document as a whole).
    pub field: String,
    pub problem: FieldProblem,
    /// What the rule is, in English, without the offending value.
    pub message: String,
}

impl FieldError {
    pub fn new(
        field: impl Into<String>,
        problem: FieldProblem,
        message: impl Into<String>,
    ) -> Self {
        Self {
            field: field.into(),
            problem,
            message: message.into(),
        }
    }
}

/// Checks every present field of `profile`; absent fields are always fine.
pub fn validate_profile(profile: &PersonaProfile) -> Result<(), Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut push = |field: String, problem, message: &str| {
        errors.push(FieldError::new(field, problem, message));
    };

    if let Some(id_no) = &profile.id_no {
        match id_no.check() {
            Ok(_) => {}
            Err(IdNumberError::Malformed) => push(
                "idNo.Identification".into(),
                FieldProblem::Malformed,
                "is neither an HKID number (one or two capital letters and six digits) nor a CCIC number",
            ),
            Err(IdNumberError::MalformedCheckDigit) => push(
                "idNo.CheckDigit".into(),
                FieldProblem::Malformed,
                "must be one character, 0-9 or A",
            ),
            Err(IdNumberError::CheckDigitMismatch) => push(
                "idNo.CheckDigit".into(),
                FieldProblem::CheckDigitMismatch,
                "does not match the number (weighted mod-11 rule)",
            ),
        }
    }
    if let Some(name) = &profile.en_name
        && let Err(message) = check_english_name(&name.unstructured_name)
    {
        push(
            "enName.UnstructuredName".into(),
            FieldProblem::Malformed,
            message,
        );
    }
    if let Some(name) = &profile.ch_name
        && let Err(message) = check_chinese_name(&name.chinese_name)
    {
        push(
            "chName.ChineseName".into(),
            FieldProblem::Malformed,
            message,
        );
    }
    if profile.ch_name_verified == Some(NameVerification::Verified) && profile.ch_name.is_none() {
        push(
            "chNameVerified".into(),
            FieldProblem::Inconsistent,
            "says the Chinese name was verified, but there is no chName",
        );
    }
    for (field, number, kind) in [
        ("homeTelNumber", &profile.home_tel_number, LineKind::Fixed),
        (
            "officeTelNumber",
            &profile.office_tel_number,
            LineKind::Fixed,
        ),
        ("mobileNumber", &profile.mobile_number, LineKind::Mobile),
    ] {
        if let Some(Err((problem, message))) = number.as_ref().map(|number| number.check(kind)) {
            push(field.into(), problem, message);
        }
    }
    if let Some(Err((problem, message))) = profile.email_address.as_deref().map(check_email) {
        push("emailAddress".into(), problem, message);
    }
    for (field, address, usage) in [
        (
            "residentialAddress",
            &profile.residential_address,
            AddressUse::Residential,
        ),
        ("postalAddress", &profile.postal_address, AddressUse::Postal),
    ] {
        for (path, problem, message) in address.iter().flat_map(|address| address.check(usage)) {
            push(format!("{field}.{path}"), problem, message);
        }
    }
    if let Some(info) = &profile.address_doc_info {
        for (field, text) in [
            ("providerNameEn", info.provider_name_en.as_str()),
            ("providerNameTc", info.provider_name_tc.as_str()),
            ("providerNameSc", info.provider_name_sc.as_str()),
            ("serviceAddressLine1", info.service_address_line1.as_str()),
        ] {
            if text.trim().is_empty() {
                push(
                    format!("addressDocInfo.{field}"),
                    FieldProblem::Malformed,
                    "must not be empty",
                );
            }
        }
        if let Some(Err(message)) = info.user_name_en.as_deref().map(check_english_name) {
            push(
                "addressDocInfo.userNameEn".into(),
                FieldProblem::Malformed,
                message,
            );
        }
    }
    if let Some(file) = &profile.address_doc_file {
        for (field, problem, message) in check_doc_file(file) {
            push(format!("addressDocFile.{field}"), problem, message);
        }
    }
    if let (Some(info), Some(file)) = (&profile.address_doc_info, &profile.address_doc_file)
        && info.last_retrieval_date < file.bill_date
    {
        push(
            "addressDocInfo.lastRetrievalDate".into(),
            FieldProblem::Inconsistent,
            "is before the bill date of addressDocFile",
        );
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::address::{Address, FreeFormatAddress, PostBoxAddress};
    use crate::identity::hkid::IdNumber;
    use crate::identity::phone::PhoneNumber;
    use crate::identity::profile::{ChineseName, EnglishName};

    fn problems(profile: &PersonaProfile) -> Vec<(String, FieldProblem)> {
        validate_profile(profile)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| (error.field, error.problem))
            .collect()
    }

    #[test]
    fn an_empty_profile_is_valid() {
        assert_eq!(validate_profile(&PersonaProfile::default()), Ok(()));
    }

    #[test]
    fn each_rule_reports_its_field() {
        let profile = PersonaProfile {
            id_no: Some(IdNumber {
                identification: "A12345".into(),
                check_digit: "3".into(),
            }),
            en_name: Some(EnglishName {
                unstructured_name: "chan, tai man".into(),
            }),
            ch_name: Some(ChineseName {
                chinese_name: "陳 大文".into(),
            }),
            mobile_number: Some(PhoneNumber::new("852", "21234567")),
            home_tel_number: Some(PhoneNumber::new("852", "2123456x")),
            email_address: Some("a@example.co".into()),
            residential_address: Some(Address::PostBox(PostBoxAddress::default())),
            postal_address: Some(Address::FreeFormat(FreeFormatAddress::default())),
            ..PersonaProfile::default()
        };
        let found = problems(&profile);
        let expect = [
            ("idNo.Identification", FieldProblem::Malformed),
            ("enName.UnstructuredName", FieldProblem::Malformed),
            ("chName.ChineseName", FieldProblem::Malformed),
            ("homeTelNumber", FieldProblem::Malformed),
            ("mobileNumber", FieldProblem::OutOfRange),
            ("emailAddress", FieldProblem::DomainNotReserved),
            (
                "residentialAddress.PostBoxAddress",
                FieldProblem::AddressShape,
            ),
            (
                "postalAddress.FreeFormatAddress.LanguageCode",
                FieldProblem::Malformed,
            ),
            (
                "postalAddress.FreeFormatAddress.AddressLine1",
                FieldProblem::Malformed,
            ),
        ];
        for (field, problem) in expect {
            assert!(
                found.contains(&(field.to_owned(), problem)),
                "{field} {problem:?} not in {found:?}"
            );
        }
    }

    #[test]
    fn a_verified_chinese_name_needs_a_chinese_name() {
        let profile = PersonaProfile {
            ch_name_verified: Some(NameVerification::Verified),
            ..PersonaProfile::default()
        };
        assert_eq!(
            problems(&profile),
            [("chNameVerified".to_owned(), FieldProblem::Inconsistent)]
        );
        let unverified = PersonaProfile {
            ch_name_verified: Some(NameVerification::Unverified),
            ..PersonaProfile::default()
        };
        assert_eq!(validate_profile(&unverified), Ok(()));
    }

    #[test]
    fn field_errors_serialise_for_the_console() {
        let error = FieldError::new("idNo.CheckDigit", FieldProblem::CheckDigitMismatch, "wrong");
        assert_eq!(
            serde_json::to_value(&error).expect("json"),
            serde_json::json!({"field": "idNo.CheckDigit", "problem": "check_digit_mismatch", "message": "wrong"})
        );
    }
}
