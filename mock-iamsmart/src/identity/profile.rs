//! A persona's full profile: the six `profileFields` and eleven `eMEFields` of PROTOCOL §3.1, each in
//! its exact wire shape, any of them possibly absent. [`PersonaProfile`] serialises to one flat JSON
//! object keyed by the wire field names — the same object developers import and export — and hands the
//! flows the requested fields with [`PersonaProfile::select`].
//!
//! Missing data is an absent key, never `null` or `""`. This module must never log a profile.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::address::{self, Address, AddressUse};
use super::address_proof::{AddressDocFile, AddressDocInfo};
use super::codes::{EducationLevel, Gender, MaritalStatus, NameVerification, Prefix};
use super::date::CivilDate;
use super::hkid::IdNumber;
use super::names;
use super::phone::PhoneNumber;
use super::validate::{FieldError, FieldProblem, validate_profile};

/// A field of `profileFields` (from the HKID).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProfileField {
    IdNo,
    EnName,
    ChName,
    ChNameVerified,
    BirthDate,
    Gender,
}

impl ProfileField {
    pub const ALL: [ProfileField; 6] = [
        ProfileField::IdNo,
        ProfileField::EnName,
        ProfileField::ChName,
        ProfileField::ChNameVerified,
        ProfileField::BirthDate,
        ProfileField::Gender,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::IdNo => "idNo",
            ProfileField::EnName => "enName",
            ProfileField::ChName => "chName",
            ProfileField::ChNameVerified => "chNameVerified",
            ProfileField::BirthDate => "birthDate",
            ProfileField::Gender => "gender",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == name)
    }
}

/// A field of `eMEFields` (stored by the user in e-ME).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EmeField {
    Prefix,
    MaritalStatus,
    HomeTelNumber,
    OfficeTelNumber,
    MobileNumber,
    EmailAddress,
    ResidentialAddress,
    PostalAddress,
    EducationLevel,
    AddressDocInfo,
    AddressDocFile,
}

impl EmeField {
    pub const ALL: [EmeField; 11] = [
        EmeField::Prefix,
        EmeField::MaritalStatus,
        EmeField::HomeTelNumber,
        EmeField::OfficeTelNumber,
        EmeField::MobileNumber,
        EmeField::EmailAddress,
        EmeField::ResidentialAddress,
        EmeField::PostalAddress,
        EmeField::EducationLevel,
        EmeField::AddressDocInfo,
        EmeField::AddressDocFile,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            EmeField::Prefix => "prefix",
            EmeField::MaritalStatus => "maritalStatus",
            EmeField::HomeTelNumber => "homeTelNumber",
            EmeField::OfficeTelNumber => "officeTelNumber",
            EmeField::MobileNumber => "mobileNumber",
            EmeField::EmailAddress => "emailAddress",
            EmeField::ResidentialAddress => "residentialAddress",
            EmeField::PostalAddress => "postalAddress",
            EmeField::EducationLevel => "educationLevel",
            EmeField::AddressDocInfo => "addressDocInfo",
            EmeField::AddressDocFile => "addressDocFile",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|field| field.as_str() == name)
    }
}

/// `enName`: `{"UnstructuredName": "CHAN, Tai Man"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnglishName {
    #[serde(rename = "UnstructuredName")]
    pub unstructured_name: String,
}

/// `chName`: `{"ChineseName": "陳大文"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChineseName {
    #[serde(rename = "ChineseName")]
    pub chinese_name: String,
}

/// Everything iAM Smart can release about one persona, in wire shapes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PersonaProfile {
    // profileFields
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_no: Option<IdNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub en_name: Option<EnglishName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ch_name: Option<ChineseName>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ch_name_verified: Option<NameVerification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<CivilDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    // eMEFields
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<Prefix>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<MaritalStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub home_tel_number: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub office_tel_number: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mobile_number: Option<PhoneNumber>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residential_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education_level: Option<EducationLevel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_doc_info: Option<AddressDocInfo>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_doc_file: Option<AddressDocFile>,
}

/// What a field's value looks like, for import errors that must not quote the value itself.
fn shape_hint(field: &str) -> &'static str {
    match field {
        "idNo" => r#"{"Identification": "A123456", "CheckDigit": "3"}"#,
        "enName" => r#"{"UnstructuredName": "CHAN, Tai Man"}"#,
        "chName" => r#"{"ChineseName": "陳大文"}"#,
        "chNameVerified" => r#""Y" or "N""#,
        "birthDate" | "lastRetrievalDate" | "billDate" => "a real date written YYYYMMDD",
        "gender" => r#""M" or "F""#,
        "prefix" => r#""Mr", "Mrs", "Ms", "Miss" or "Dr""#,
        "maritalStatus" => r#"one of "S", "M", "P", "D", "W""#,
        "educationLevel" => r#"one of "P", "S", "N", "D", "G""#,
        "homeTelNumber" | "officeTelNumber" | "mobileNumber" => {
            r#"{"CountryCode": "852", "SubscriberNumber": "91234567"}"#
        }
        "emailAddress" => "a string",
        "residentialAddress" | "postalAddress" => {
            "an object with one address shape holding only schema keys (see PROTOCOL §3.1)"
        }
        "addressDocInfo" => {
            "an object with providerNameEn/Tc/Sc, serviceAddressLine1 and lastRetrievalDate"
        }
        "addressDocFile" => "an object with docFile, docHash and billDate",
        _ => "the documented shape",
    }
}

fn wrong_shape(field: &str) -> FieldError {
    FieldError::new(
        field,
        FieldProblem::WrongShape,
        format!("must be {}", shape_hint(field)),
    )
}

/// Reads one field's value into its typed slot, or records why it could not.
fn read_field<T: serde::de::DeserializeOwned>(
    field: &str,
    value: Value,
    slot: &mut Option<T>,
    errors: &mut Vec<FieldError>,
) {
    match serde_json::from_value(value) {
        Ok(typed) => *slot = Some(typed),
        Err(_) => errors.push(wrong_shape(field)),
    }
}

impl PersonaProfile {
    /// The present fields among `profile_fields` and `eme_fields`, keyed by wire name: what a flow
    /// releases after consent. Absent fields are simply left out.
    pub fn select(
        &self,
        profile_fields: &[ProfileField],
        eme_fields: &[EmeField],
    ) -> Map<String, Value> {
        let Ok(Value::Object(all)) = serde_json::to_value(self) else {
            return Map::new();
        };
        let wanted: Vec<&str> = profile_fields
            .iter()
            .map(|field| field.as_str())
            .chain(eme_fields.iter().map(|field| field.as_str()))
            .collect();
        all.into_iter()
            .filter(|(name, _)| wanted.contains(&name.as_str()))
            .collect()
    }

    /// Every present profile field, as a JSON object in §3.1 shapes.
    pub fn profile_fields(&self) -> Value {
        Value::Object(self.select(&ProfileField::ALL, &[]))
    }

    /// Every present e-ME field, as a JSON object in §3.1 shapes.
    pub fn eme_fields(&self) -> Value {
        Value::Object(self.select(&[], &EmeField::ALL))
    }

    /// Whether the persona has this e-ME field.
    pub fn has(&self, field: EmeField) -> bool {
        match field {
            EmeField::Prefix => self.prefix.is_some(),
            EmeField::MaritalStatus => self.marital_status.is_some(),
            EmeField::HomeTelNumber => self.home_tel_number.is_some(),
            EmeField::OfficeTelNumber => self.office_tel_number.is_some(),
            EmeField::MobileNumber => self.mobile_number.is_some(),
            EmeField::EmailAddress => self.email_address.is_some(),
            EmeField::ResidentialAddress => self.residential_address.is_some(),
            EmeField::PostalAddress => self.postal_address.is_some(),
            EmeField::EducationLevel => self.education_level.is_some(),
            EmeField::AddressDocInfo => self.address_doc_info.is_some(),
            EmeField::AddressDocFile => self.address_doc_file.is_some(),
        }
    }

    /// Drops an e-ME field, as a user who never filled it in.
    pub fn remove(&mut self, field: EmeField) {
        match field {
            EmeField::Prefix => self.prefix = None,
            EmeField::MaritalStatus => self.marital_status = None,
            EmeField::HomeTelNumber => self.home_tel_number = None,
            EmeField::OfficeTelNumber => self.office_tel_number = None,
            EmeField::MobileNumber => self.mobile_number = None,
            EmeField::EmailAddress => self.email_address = None,
            EmeField::ResidentialAddress => self.residential_address = None,
            EmeField::PostalAddress => self.postal_address = None,
            EmeField::EducationLevel => self.education_level = None,
            EmeField::AddressDocInfo => self.address_doc_info = None,
            EmeField::AddressDocFile => self.address_doc_file = None,
        }
    }

    /// The English name, when present.
    pub fn english_name(&self) -> Option<&str> {
        self.en_name
            .as_ref()
            .map(|name| name.unstructured_name.as_str())
    }

    /// The Chinese name, when present.
    pub fn chinese_name(&self) -> Option<&str> {
        self.ch_name.as_ref().map(|name| name.chinese_name.as_str())
    }

    /// The Chinese Commercial Code of each character of the Chinese name, as printed on the HKID card;
    /// `None` for a character outside the generator's tables.
    pub fn chinese_commercial_codes(&self) -> Option<Vec<Option<&'static str>>> {
        self.chinese_name()
            .map(|name| name.chars().map(names::chinese_commercial_code).collect())
    }

    /// Age in whole years on `today`, when the birth date is known.
    pub fn age_on(&self, today: CivilDate) -> Option<i32> {
        self.birth_date.map(|born| born.age_on(today))
    }

    /// The profile as pretty-printed JSON, for export.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    /// Reads a profile a developer wrote or exported, and checks it with [`validate_profile`]. Every
    /// problem found is reported, each with its field path, not only the first.
    pub fn from_json(text: &str) -> Result<Self, Vec<FieldError>> {
        let value: Value = serde_json::from_str(text).map_err(|_| {
            vec![FieldError::new(
                "",
                FieldProblem::NotJson,
                "is not valid JSON".to_owned(),
            )]
        })?;
        Self::from_json_value(value)
    }

    /// [`PersonaProfile::from_json`] for an already parsed value.
    pub fn from_json_value(value: Value) -> Result<Self, Vec<FieldError>> {
        let Value::Object(object) = value else {
            return Err(vec![FieldError::new(
                "",
                FieldProblem::NotJson,
                "must be a JSON object keyed by profile and e-ME field names".to_owned(),
            )]);
        };
        let mut profile = PersonaProfile::default();
        let mut errors = Vec::new();
        for (name, value) in object {
            let field = name.as_str();
            match field {
                "idNo" => read_field(field, value, &mut profile.id_no, &mut errors),
                "enName" => read_field(field, value, &mut profile.en_name, &mut errors),
                "chName" => read_field(field, value, &mut profile.ch_name, &mut errors),
                "chNameVerified" => {
                    read_field(field, value, &mut profile.ch_name_verified, &mut errors);
                }
                "birthDate" => read_field(field, value, &mut profile.birth_date, &mut errors),
                "gender" => read_field(field, value, &mut profile.gender, &mut errors),
                "prefix" => read_field(field, value, &mut profile.prefix, &mut errors),
                "maritalStatus" => {
                    read_field(field, value, &mut profile.marital_status, &mut errors);
                }
                "homeTelNumber" => {
                    read_field(field, value, &mut profile.home_tel_number, &mut errors);
                }
                "officeTelNumber" => {
                    read_field(field, value, &mut profile.office_tel_number, &mut errors);
                }
                "mobileNumber" => read_field(field, value, &mut profile.mobile_number, &mut errors),
                "emailAddress" => read_field(field, value, &mut profile.email_address, &mut errors),
                "residentialAddress" | "postalAddress" => {
                    let usage = if field == "residentialAddress" {
                        AddressUse::Residential
                    } else {
                        AddressUse::Postal
                    };
                    if let Err(message) = address::check_shape(&value, usage) {
                        errors.push(FieldError::new(field, FieldProblem::AddressShape, message));
                        continue;
                    }
                    let slot = if usage == AddressUse::Residential {
                        &mut profile.residential_address
                    } else {
                        &mut profile.postal_address
                    };
                    read_field(field, value, slot, &mut errors);
                }
                "educationLevel" => {
                    read_field(field, value, &mut profile.education_level, &mut errors);
                }
                "addressDocInfo" => {
                    read_field(field, value, &mut profile.address_doc_info, &mut errors);
                }
                "addressDocFile" => {
                    read_field(field, value, &mut profile.address_doc_file, &mut errors);
                }
                _ => errors.push(FieldError::new(
                    // The unknown key is the developer's own typo, not identity data, so it is named.
                    truncate(field, 64),
                    FieldProblem::UnknownField,
                    "is not a profile or e-ME field (PROTOCOL §3.1)".to_owned(),
                )),
            }
        }
        if let Err(mut problems) = validate_profile(&profile) {
            errors.append(&mut problems);
        }
        if errors.is_empty() {
            Ok(profile)
        } else {
            Err(errors)
        }
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    text.chars().take(max_chars).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> PersonaProfile {
        PersonaProfile {
            id_no: IdNumber::hkid("A", 123_456),
            en_name: Some(EnglishName {
                unstructured_name: "CHAN, Tai Man".into(),
            }),
            ch_name: Some(ChineseName {
                chinese_name: "陳大文".into(),
            }),
            ch_name_verified: Some(NameVerification::Verified),
            birth_date: CivilDate::new(1987, 6, 5),
            gender: Some(Gender::Male),
            prefix: Some(Prefix::Mr),
            mobile_number: Some(PhoneNumber::new("852", "91234567")),
            email_address: Some("taiman.chan@example.com".into()),
            ..PersonaProfile::default()
        }
    }

    #[test]
    fn field_names_are_the_wire_names() {
        for field in ProfileField::ALL {
            assert_eq!(ProfileField::from_name(field.as_str()), Some(field));
        }
        for field in EmeField::ALL {
            assert_eq!(EmeField::from_name(field.as_str()), Some(field));
        }
        assert_eq!(EmeField::from_name("idNo"), None);
    }

    #[test]
    fn the_two_field_groups_split_the_profile_and_leave_absent_fields_out() {
        let profile = sample();
        let profile_fields = profile.profile_fields();
        assert_eq!(
            profile_fields,
            serde_json::json!({
                "idNo": {"Identification": "A123456", "CheckDigit": "3"},
                "enName": {"UnstructuredName": "CHAN, Tai Man"},
                "chName": {"ChineseName": "陳大文"},
                "chNameVerified": "Y",
                "birthDate": "19870605",
                "gender": "M"
            })
        );
        assert_eq!(
            profile.eme_fields(),
            serde_json::json!({
                "prefix": "Mr",
                "mobileNumber": {"CountryCode": "852", "SubscriberNumber": "91234567"},
                "emailAddress": "taiman.chan@example.com"
            })
        );
        let chosen = profile.select(
            &[ProfileField::Gender],
            &[EmeField::MobileNumber, EmeField::PostalAddress],
        );
        assert_eq!(
            chosen.keys().collect::<Vec<_>>(),
            ["gender", "mobileNumber"]
        );
    }

    #[test]
    fn export_and_import_round_trip() {
        let profile = sample();
        assert_eq!(PersonaProfile::from_json(&profile.to_json()), Ok(profile));
    }

    #[test]
    fn import_reports_every_problem_with_its_field() {
        let text = r#"{
            "idNo": {"Identification": "A123456", "CheckDigit": "4"},
            "gender": "X",
            "emailAddress": "someone@gmail.com",
            "residentialAddress": {"EngPremisesAddress": {}, "FreeFormatAddress": {}},
            "favouriteColour": "green"
        }"#;
        let errors = PersonaProfile::from_json(text).expect_err("invalid");
        let mut found: Vec<(&str, FieldProblem)> = errors
            .iter()
            .map(|error| (error.field.as_str(), error.problem))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("emailAddress", FieldProblem::DomainNotReserved),
                ("favouriteColour", FieldProblem::UnknownField),
                ("gender", FieldProblem::WrongShape),
                ("idNo.CheckDigit", FieldProblem::CheckDigitMismatch),
                ("residentialAddress", FieldProblem::AddressShape),
            ]
        );
        for error in &errors {
            assert!(
                !error.message.contains("gmail"),
                "messages never quote values"
            );
        }
        assert_eq!(
            PersonaProfile::from_json("[1]").map_err(|errors| errors[0].problem),
            Err(FieldProblem::NotJson)
        );
        assert_eq!(
            PersonaProfile::from_json("{").map_err(|errors| errors[0].problem),
            Err(FieldProblem::NotJson)
        );
    }

    #[test]
    fn odd_values_in_any_field_are_reported_never_panicked_on() {
        let odd = [
            serde_json::json!(null),
            serde_json::json!(12),
            serde_json::json!("x"),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!({"Identification": "Ａ１２３４５６", "CheckDigit": "３"}),
            serde_json::json!({"CountryCode": "852", "SubscriberNumber": "ab陳def"}),
            serde_json::json!({"EngPremisesAddress": {"Region": 1}}),
            serde_json::json!({"PostBoxAddress": {"EngPostBox": {}, "ChiPostBox": {}}}),
            serde_json::json!({"docFile": "", "docHash": "", "billDate": "00000000"}),
            serde_json::json!("陳".repeat(400)),
        ];
        let names = ProfileField::ALL
            .iter()
            .map(|field| field.as_str())
            .chain(EmeField::ALL.iter().map(|field| field.as_str()));
        for name in names {
            for value in &odd {
                let mut object = Map::new();
                object.insert(name.to_owned(), value.clone());
                if let Err(errors) = PersonaProfile::from_json_value(Value::Object(object)) {
                    assert!(
                        errors.iter().all(|error| error.field.starts_with(name)),
                        "{name}"
                    );
                }
            }
        }
    }

    #[test]
    fn removing_a_field_leaves_the_others() {
        let mut profile = sample();
        assert!(profile.has(EmeField::MobileNumber));
        profile.remove(EmeField::MobileNumber);
        assert!(!profile.has(EmeField::MobileNumber));
        assert!(profile.has(EmeField::EmailAddress));
        assert_eq!(
            profile.chinese_commercial_codes(),
            Some(vec![Some("7115"), Some("1129"), Some("2429")])
        );
    }
}
