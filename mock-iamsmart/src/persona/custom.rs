//! Personas a developer creates, edits or imports in their own sandbox, and the persona set that says
//! whether the sandbox offers the catalogue, its own personas, or both.
//!
//! A custom persona carries its account facts (user type, status, standing answer) and a full
//! [`PersonaProfile`] written by the developer; it travels inside the [`crate::SandboxConfig`], so the
//! phone, the API and automation all see the same cast. A custom persona whose id is a catalogue id
//! replaces that catalogue entry (same openID), which is how a developer edits a catalogue persona.
//! Everything a developer sends is checked here with the generator's own rules
//! ([`crate::identity::validate_profile`]); errors name fields by JSON path and never quote values.
//! This module does no I/O and must never log persona data.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::identity::date::CivilDate;
use crate::identity::profile::PersonaProfile;
use crate::identity::validate::{FieldError, FieldProblem};

use super::{PersonaStatus, StandingAnswer, UserType};

/// At most this many custom personas per sandbox: they travel with every request's configuration.
pub const MAX_CUSTOM_PERSONAS: usize = 50;
/// At most this many bytes of JSON for one custom persona (an address-proof PDF included), so a
/// sandbox's configuration stays small enough to read on every request.
pub const MAX_CUSTOM_PERSONA_BYTES: usize = 128 * 1024;
/// At most this many bytes of JSON for all custom personas of a sandbox together.
pub const MAX_CUSTOM_PERSONAS_TOTAL_BYTES: usize = 512 * 1024;
/// Persona ids are 1 to this many characters.
pub const MAX_PERSONA_ID_CHARS: usize = 64;
/// A scenario description is at most this many characters.
pub const MAX_SCENARIO_CHARS: usize = 300;

/// Which personas a sandbox offers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonaSet {
    /// The curated catalogue only; custom personas are kept but not offered.
    Catalogue,
    /// The catalogue, with custom personas replacing catalogue entries of the same id and the others
    /// added after it. A sandbox without custom personas offers exactly the catalogue.
    #[default]
    CatalogueAndCustom,
    /// Only the developer's own personas.
    CustomOnly,
}

impl PersonaSet {
    pub const ALL: [PersonaSet; 3] = [
        PersonaSet::Catalogue,
        PersonaSet::CatalogueAndCustom,
        PersonaSet::CustomOnly,
    ];

    /// The name used in configuration and forms.
    pub fn as_str(self) -> &'static str {
        match self {
            PersonaSet::Catalogue => "catalogue",
            PersonaSet::CatalogueAndCustom => "catalogue_and_custom",
            PersonaSet::CustomOnly => "custom_only",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|set| set.as_str() == name)
    }

    pub fn offers_catalogue(self) -> bool {
        self != PersonaSet::CustomOnly
    }

    pub fn offers_custom(self) -> bool {
        self != PersonaSet::Catalogue
    }
}

/// A persona written by the developer. Its JSON form (camelCase keys, the profile in PROTOCOL §3.1
/// shapes) is both what the sandbox stores and what the console imports and exports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CustomPersona {
    pub id: String,
    pub user_type: UserType,
    pub status: PersonaStatus,
    /// What the persona answers as the sandbox's auto-responder.
    pub answers: StandingAnswer,
    /// What the persona lets a relying party test, in the developer's words.
    #[serde(default)]
    pub scenario: String,
    /// When the persona was last saved (epoch ms), reported as `lastModifiedDate`.
    pub last_modified_date: i64,
    pub profile: PersonaProfile,
}

impl CustomPersona {
    /// The name the phone lists: the English name, else the Chinese name, else the id.
    pub fn display_name(&self) -> String {
        self.profile
            .english_name()
            .or_else(|| self.profile.chinese_name())
            .unwrap_or(&self.id)
            .to_owned()
    }

    /// Whether the persona was a minor (11–17) on the day it was last saved, so its requests need a
    /// guardian's approval. Custom profiles have fixed birth dates, so the day of saving is the one
    /// date the developer looked at.
    pub fn needs_guardian(&self) -> bool {
        let saved = CivilDate::from_epoch_ms_hong_kong(self.last_modified_date);
        self.profile
            .age_on(saved)
            .is_some_and(|age| (11..=17).contains(&age))
    }

    /// The persona as the JSON the console exports.
    pub fn to_json_value(&self) -> Value {
        serde_json::to_value(self).unwrap_or(Value::Null)
    }

    /// Reads one persona a developer wrote, imported or submitted through the console form, checking
    /// every rule and reporting every problem with its JSON path (`id`, `userType`,
    /// `profile.idNo.CheckDigit`, ...). `lastModifiedDate` may be left out; `saved_at_ms` is used then.
    pub fn from_json_value(value: Value, saved_at_ms: i64) -> Result<Self, Vec<FieldError>> {
        let Value::Object(object) = value else {
            return Err(vec![FieldError::new(
                "",
                FieldProblem::NotJson,
                "must be a JSON object with id, userType, status, answers, scenario and profile",
            )]);
        };
        let mut errors = Vec::new();
        let mut id = None;
        let mut user_type = Some(UserType::Default);
        let mut status = Some(PersonaStatus::Active);
        let mut answers = Some(StandingAnswer::Manual);
        let mut scenario = String::new();
        let mut last_modified_date = saved_at_ms;
        let mut profile = None;
        for (key, value) in object {
            match key.as_str() {
                "id" => match value.as_str().map(check_persona_id) {
                    Some(Ok(checked)) => id = Some(checked),
                    Some(Err(message)) => {
                        errors.push(FieldError::new("id", FieldProblem::Malformed, message));
                    }
                    None => errors.push(FieldError::new(
                        "id",
                        FieldProblem::WrongShape,
                        "must be a string",
                    )),
                },
                "userType" => {
                    user_type = read_code(&key, value, r#""default" or "sign""#, &mut errors);
                }
                "status" => {
                    status = read_code(&key, value, r#""active" or "suspended""#, &mut errors);
                }
                "answers" => {
                    answers = read_code(
                        &key,
                        value,
                        r#""manual", "always_approve", "always_reject" or "never_answer""#,
                        &mut errors,
                    );
                }
                "scenario" => match value {
                    Value::String(text) if text.chars().count() <= MAX_SCENARIO_CHARS => {
                        if text.chars().any(char::is_control) {
                            errors.push(FieldError::new(
                                "scenario",
                                FieldProblem::Malformed,
                                "must be one line of text",
                            ));
                        }
                        scenario = text.trim().to_owned();
                    }
                    Value::String(_) => errors.push(FieldError::new(
                        "scenario",
                        FieldProblem::OutOfRange,
                        "is longer than 300 characters",
                    )),
                    _ => errors.push(FieldError::new(
                        "scenario",
                        FieldProblem::WrongShape,
                        "must be a string",
                    )),
                },
                "lastModifiedDate" => match value.as_i64() {
                    Some(ms) if ms > 0 => last_modified_date = ms,
                    _ => errors.push(FieldError::new(
                        "lastModifiedDate",
                        FieldProblem::WrongShape,
                        "must be a positive number of milliseconds since 1970",
                    )),
                },
                "profile" => match PersonaProfile::from_json_value(value) {
                    Ok(read) => profile = Some(read),
                    Err(problems) => {
                        errors.extend(problems.into_iter().map(|problem| prefixed("profile", problem)));
                    }
                },
                _ => errors.push(FieldError::new(
                    key.chars().take(64).collect::<String>(),
                    FieldProblem::UnknownField,
                    "is not a persona key (id, userType, status, answers, scenario, lastModifiedDate, profile)",
                )),
            }
        }
        if id.is_none() && !errors.iter().any(|error| error.field == "id") {
            errors.push(FieldError::new("id", FieldProblem::Malformed, "is missing"));
        }
        if profile.is_none()
            && !errors
                .iter()
                .any(|error| error.field.starts_with("profile"))
        {
            errors.push(FieldError::new(
                "profile",
                FieldProblem::WrongShape,
                "is missing (an object keyed by profile and e-ME field names)",
            ));
        }
        match (id, user_type, status, answers, profile) {
            (Some(id), Some(user_type), Some(status), Some(answers), Some(profile))
                if errors.is_empty() =>
            {
                let persona = CustomPersona {
                    id,
                    user_type,
                    status,
                    answers,
                    scenario,
                    last_modified_date,
                    profile,
                };
                let size = serde_json::to_string(&persona).map_or(0, |json| json.len());
                if size > MAX_CUSTOM_PERSONA_BYTES {
                    return Err(vec![FieldError::new(
                        "",
                        FieldProblem::OutOfRange,
                        "is larger than 128 KB of JSON (use a smaller address-proof PDF)",
                    )]);
                }
                Ok(persona)
            }
            _ => Err(errors),
        }
    }
}

fn read_code<T: serde::de::DeserializeOwned>(
    key: &str,
    value: Value,
    allowed: &str,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match serde_json::from_value(value) {
        Ok(code) => Some(code),
        Err(_) => {
            errors.push(FieldError::new(
                key,
                FieldProblem::WrongShape,
                format!("must be {allowed}"),
            ));
            None
        }
    }
}

/// The error with its path placed under `prefix`.
fn prefixed(prefix: &str, error: FieldError) -> FieldError {
    let field = if error.field.is_empty() {
        prefix.to_owned()
    } else {
        format!("{prefix}.{}", error.field)
    };
    FieldError { field, ..error }
}

/// Checks a persona id: 1–64 characters of lowercase letters, digits and hyphens, starting with a
/// letter, so ids read well in URLs, forms and CI scripts.
pub fn check_persona_id(id: &str) -> Result<String, &'static str> {
    let id = id.trim();
    let well_formed = id.chars().count() <= MAX_PERSONA_ID_CHARS
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if well_formed {
        Ok(id.to_owned())
    } else {
        Err("must be 1 to 64 lowercase letters, digits and hyphens, starting with a letter")
    }
}

/// Reads a console import: one persona object, or an array of them. Every persona is checked; errors
/// name the persona by its position (`[2].profile.idNo.CheckDigit`) when there is an array. Two
/// personas with the same id are refused.
pub fn parse_import(text: &str, saved_at_ms: i64) -> Result<Vec<CustomPersona>, Vec<FieldError>> {
    let value: Value = serde_json::from_str(text).map_err(|_| {
        vec![FieldError::new(
            "",
            FieldProblem::NotJson,
            "is not valid JSON",
        )]
    })?;
    let (items, indexed) = match value {
        Value::Array(items) => (items, true),
        Value::Object(object) => (vec![Value::Object(object)], false),
        _ => {
            return Err(vec![FieldError::new(
                "",
                FieldProblem::NotJson,
                "must be a persona object or an array of them",
            )]);
        }
    };
    if items.len() > MAX_CUSTOM_PERSONAS {
        return Err(vec![FieldError::new(
            "",
            FieldProblem::OutOfRange,
            "holds more than 50 personas",
        )]);
    }
    let mut personas: Vec<CustomPersona> = Vec::new();
    let mut errors = Vec::new();
    for (index, item) in items.into_iter().enumerate() {
        let place = |error: FieldError| {
            if indexed {
                let field = if error.field.is_empty() {
                    format!("[{index}]")
                } else {
                    format!("[{index}].{}", error.field)
                };
                FieldError { field, ..error }
            } else {
                error
            }
        };
        match CustomPersona::from_json_value(item, saved_at_ms) {
            Ok(persona) if personas.iter().any(|seen| seen.id == persona.id) => {
                errors.push(place(FieldError::new(
                    "id",
                    FieldProblem::Inconsistent,
                    "is used by an earlier persona in this import",
                )));
            }
            Ok(persona) => personas.push(persona),
            Err(problems) => errors.extend(problems.into_iter().map(place)),
        }
    }
    if errors.is_empty() {
        Ok(personas)
    } else {
        Err(errors)
    }
}

/// The export of a sandbox's custom personas: a pretty-printed JSON array that [`parse_import`] reads
/// back unchanged.
pub fn export(personas: &[CustomPersona]) -> String {
    let values: Vec<Value> = personas.iter().map(CustomPersona::to_json_value).collect();
    serde_json::to_string_pretty(&values).unwrap_or_else(|_| "[]".to_owned())
}

/// Checks that a whole set of custom personas fits in a sandbox: the count, the total size and
/// unique ids.
pub fn check_set(personas: &[CustomPersona]) -> Result<(), FieldError> {
    if personas.len() > MAX_CUSTOM_PERSONAS {
        return Err(FieldError::new(
            "",
            FieldProblem::OutOfRange,
            "a sandbox holds at most 50 custom personas",
        ));
    }
    let total: usize = personas
        .iter()
        .map(|persona| serde_json::to_string(persona).map_or(0, |json| json.len()))
        .sum();
    if total > MAX_CUSTOM_PERSONAS_TOTAL_BYTES {
        return Err(FieldError::new(
            "",
            FieldProblem::OutOfRange,
            "a sandbox's custom personas hold at most 512 KB of JSON together",
        ));
    }
    for (index, persona) in personas.iter().enumerate() {
        if personas[..index].iter().any(|seen| seen.id == persona.id) {
            return Err(FieldError::new(
                "id",
                FieldProblem::Inconsistent,
                "two custom personas share an id",
            ));
        }
    }
    Ok(())
}

/// A form's flat fields as a persona object: text inputs for the simple fields, JSON for the
/// structured ones. Empty inputs leave the field out. Used by the console's persona form, so its
/// checks are exactly the import's. Keys: `id`, `userType`, `status`, `answers`, `scenario`, then the
/// wire names of the profile fields; `idNo` is written `A123456(3)`, phone numbers `+852 91234567`.
pub fn form_to_json(
    fields: &std::collections::BTreeMap<String, String>,
) -> Result<Value, Vec<FieldError>> {
    let mut persona = Map::new();
    let mut profile = Map::new();
    let mut errors = Vec::new();
    for (key, raw) in fields {
        let text = raw.trim();
        if text.is_empty() {
            continue;
        }
        match key.as_str() {
            "id" | "userType" | "status" | "answers" | "scenario" => {
                persona.insert(key.clone(), Value::String(text.to_owned()));
            }
            "idNo" => match split_hkid(text) {
                Some((identification, check_digit)) => {
                    profile.insert(
                        key.clone(),
                        serde_json::json!({"Identification": identification, "CheckDigit": check_digit}),
                    );
                }
                None => errors.push(FieldError::new(
                    "profile.idNo",
                    FieldProblem::WrongShape,
                    "must be written like A123456(3)",
                )),
            },
            "enName" => {
                profile.insert(key.clone(), serde_json::json!({"UnstructuredName": text}));
            }
            "chName" => {
                profile.insert(key.clone(), serde_json::json!({"ChineseName": text}));
            }
            "homeTelNumber" | "officeTelNumber" | "mobileNumber" => match split_phone(text) {
                Some((country_code, subscriber)) => {
                    profile.insert(
                        key.clone(),
                        serde_json::json!({"CountryCode": country_code, "SubscriberNumber": subscriber}),
                    );
                }
                None => errors.push(FieldError::new(
                    format!("profile.{key}"),
                    FieldProblem::WrongShape,
                    "must be written like +852 91234567",
                )),
            },
            "residentialAddress" | "postalAddress" | "addressDocInfo" | "addressDocFile" => {
                match serde_json::from_str::<Value>(text) {
                    Ok(value) => {
                        profile.insert(key.clone(), value);
                    }
                    Err(_) => errors.push(FieldError::new(
                        format!("profile.{key}"),
                        FieldProblem::NotJson,
                        "is not valid JSON",
                    )),
                }
            }
            "chNameVerified" | "birthDate" | "gender" | "prefix" | "maritalStatus"
            | "educationLevel" | "emailAddress" => {
                let text = if key == "birthDate" {
                    // A date input sends YYYY-MM-DD; the wire form is YYYYMMDD.
                    text.replace('-', "")
                } else {
                    text.to_owned()
                };
                profile.insert(key.clone(), Value::String(text));
            }
            _ => errors.push(FieldError::new(
                key.chars().take(64).collect::<String>(),
                FieldProblem::UnknownField,
                "is not a field of the persona form",
            )),
        }
    }
    persona.insert("profile".to_owned(), Value::Object(profile));
    if errors.is_empty() {
        Ok(Value::Object(persona))
    } else {
        Err(errors)
    }
}

/// The persona as the console form's flat fields: the inverse of [`form_to_json`].
pub fn to_form(persona: &CustomPersona) -> std::collections::BTreeMap<String, String> {
    let mut fields = std::collections::BTreeMap::new();
    fields.insert("id".to_owned(), persona.id.clone());
    for (key, value) in [
        ("userType", serde_json::to_value(persona.user_type)),
        ("status", serde_json::to_value(persona.status)),
        ("answers", serde_json::to_value(persona.answers)),
    ] {
        if let Ok(Value::String(text)) = value {
            fields.insert(key.to_owned(), text);
        }
    }
    fields.insert("scenario".to_owned(), persona.scenario.clone());
    let Ok(Value::Object(profile)) = serde_json::to_value(&persona.profile) else {
        return fields;
    };
    for (key, value) in profile {
        let text = match (key.as_str(), &value) {
            ("idNo", value) => format!(
                "{}({})",
                value["Identification"].as_str().unwrap_or_default(),
                value["CheckDigit"].as_str().unwrap_or_default()
            ),
            ("enName", value) => value["UnstructuredName"]
                .as_str()
                .unwrap_or_default()
                .to_owned(),
            ("chName", value) => value["ChineseName"].as_str().unwrap_or_default().to_owned(),
            ("homeTelNumber" | "officeTelNumber" | "mobileNumber", value) => format!(
                "+{} {}",
                value["CountryCode"].as_str().unwrap_or_default(),
                value["SubscriberNumber"].as_str().unwrap_or_default()
            ),
            (_, Value::String(text)) => text.clone(),
            (_, value) => serde_json::to_string_pretty(value).unwrap_or_default(),
        };
        fields.insert(key, text);
    }
    fields
}

/// `A123456(3)` → (`A123456`, `3`). Spaces are ignored.
fn split_hkid(text: &str) -> Option<(String, String)> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let (number, rest) = compact.split_once('(')?;
    let check_digit = rest.strip_suffix(')')?;
    (!number.is_empty() && !check_digit.is_empty())
        .then(|| (number.to_owned(), check_digit.to_owned()))
}

/// `+852 91234567` (or `852 9123 4567`) → (`852`, `91234567`).
fn split_phone(text: &str) -> Option<(String, String)> {
    let text = text.trim_start_matches('+');
    let (country_code, subscriber) = text.split_once(' ')?;
    let subscriber: String = subscriber.chars().filter(|c| !c.is_whitespace()).collect();
    (!country_code.is_empty() && !subscriber.is_empty())
        .then(|| (country_code.to_owned(), subscriber))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::persona::profile;
    use crate::testkit;

    fn sample() -> CustomPersona {
        let generated = profile(&testkit::config(), "iamsmart-user").expect("a catalogue profile");
        CustomPersona {
            id: "my-tester".into(),
            user_type: UserType::Sign,
            status: PersonaStatus::Active,
            answers: StandingAnswer::Manual,
            scenario: "Our own tester.".into(),
            last_modified_date: 1_700_000_000_000,
            profile: generated,
        }
    }

    fn fields_of(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|error| error.field.as_str()).collect()
    }

    #[test]
    fn an_export_imports_back_unchanged() {
        let personas = vec![sample()];
        assert_eq!(parse_import(&export(&personas), 1), Ok(personas));
    }

    #[test]
    fn a_single_object_imports_as_one_persona_and_takes_the_save_time() {
        let text = r#"{"id": "solo", "profile": {"gender": "F"}}"#;
        let personas = parse_import(text, 42).expect("valid");
        assert_eq!(personas.len(), 1);
        assert_eq!(personas[0].last_modified_date, 42);
        assert_eq!(personas[0].user_type, UserType::Default);
        assert_eq!(personas[0].answers, StandingAnswer::Manual);
        assert_eq!(personas[0].display_name(), "solo");
    }

    #[test]
    fn import_errors_name_the_persona_and_the_field_and_never_the_value() {
        let text = r#"[
            {"id": "good", "profile": {}},
            {"id": "Bad Id", "userType": "admin", "profile": {"idNo": {"Identification": "A123456", "CheckDigit": "4"}, "emailAddress": "x@gmail.com"}},
            {"id": "good", "profile": {}},
            {"profile": [], "colour": "red"}
        ]"#;
        let errors = parse_import(text, 1).expect_err("invalid");
        let fields = fields_of(&errors);
        for expected in [
            "[1].id",
            "[1].userType",
            "[1].profile.idNo.CheckDigit",
            "[1].profile.emailAddress",
            "[2].id",
            "[3].profile",
            "[3].colour",
            "[3].id",
        ] {
            assert!(fields.contains(&expected), "{expected} not in {fields:?}");
        }
        assert!(errors.iter().all(|error| !error.message.contains("gmail")));
        assert_eq!(
            parse_import("nope", 1).map_err(|errors| errors[0].problem),
            Err(FieldProblem::NotJson)
        );
        assert_eq!(
            parse_import("7", 1).map_err(|errors| errors[0].problem),
            Err(FieldProblem::NotJson)
        );
    }

    #[test]
    fn the_form_reads_simple_inputs_and_writes_them_back() {
        let persona = sample();
        let fields = to_form(&persona);
        assert!(fields["idNo"].ends_with(')'));
        assert!(fields["mobileNumber"].starts_with('+'));
        assert!(fields["residentialAddress"].starts_with('{'));
        let value = form_to_json(&fields).expect("the form parses");
        let back = CustomPersona::from_json_value(value, persona.last_modified_date)
            .expect("the form's persona is valid");
        assert_eq!(back, persona);
    }

    #[test]
    fn form_errors_point_at_the_form_inputs() {
        let mut fields = std::collections::BTreeMap::new();
        fields.insert("id".to_owned(), "form-user".to_owned());
        fields.insert("idNo".to_owned(), "A1234563".to_owned());
        fields.insert("mobileNumber".to_owned(), "91234567".to_owned());
        fields.insert("postalAddress".to_owned(), "{not json".to_owned());
        fields.insert("birthDate".to_owned(), "1990-02-30".to_owned());
        let errors = form_to_json(&fields).expect_err("bad inputs");
        assert_eq!(
            fields_of(&errors),
            [
                "profile.idNo",
                "profile.mobileNumber",
                "profile.postalAddress"
            ]
        );
        fields.remove("idNo");
        fields.remove("mobileNumber");
        fields.remove("postalAddress");
        let value = form_to_json(&fields).expect("parses");
        let errors = CustomPersona::from_json_value(value, 1).expect_err("no 30 February");
        assert_eq!(fields_of(&errors), ["profile.birthDate"]);
    }

    #[test]
    fn ids_are_checked() {
        for good in ["a", "my-tester-2", &"x".repeat(64)] {
            assert!(check_persona_id(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "2fast",
            "Upper",
            "with space",
            "under_score",
            &"x".repeat(65),
        ] {
            assert!(check_persona_id(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sets_are_bounded_and_ids_unique() {
        assert_eq!(check_set(&[sample()]), Ok(()));
        assert!(check_set(&[sample(), sample()]).is_err());
        let many: Vec<CustomPersona> = (0..=MAX_CUSTOM_PERSONAS)
            .map(|index| CustomPersona {
                id: format!("p-{index}"),
                ..sample()
            })
            .collect();
        assert!(check_set(&many).is_err());
    }

    #[test]
    fn a_minor_on_the_day_of_saving_needs_a_guardian() {
        let mut persona = sample();
        persona.profile.birth_date = CivilDate::new(2010, 1, 1);
        // 2023-11-14 in Hong Kong: aged 13.
        assert!(persona.needs_guardian());
        persona.profile.birth_date = CivilDate::new(1980, 1, 1);
        assert!(!persona.needs_guardian());
    }

    #[test]
    fn persona_sets_have_stable_names() {
        for set in PersonaSet::ALL {
            assert_eq!(PersonaSet::from_name(set.as_str()), Some(set));
            assert_eq!(
                serde_json::to_value(set).expect("json"),
                Value::String(set.as_str().to_owned())
            );
        }
        assert_eq!(PersonaSet::default(), PersonaSet::CatalogueAndCustom);
    }
}
