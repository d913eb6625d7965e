//! The user's consent to a data request, field by field: what the phone shows (each requested field
//! with the persona's value, whether it may be unticked, the form's name, number and description),
//! which subsets the user may approve, and the values released in PROTOCOL §3.1 shapes.
//!
//! Which fields are optional is the sandbox's decision, since the protocol does not publish one:
//! - every `profileFields` entry is mandatory: it comes from the HKID and the user shares the set or
//!   declines the request;
//! - of the `eMEFields`, `emailAddress`, `mobileNumber` and `residentialAddress` are mandatory
//!   (the contact details a form cannot do without), and the other eight — `prefix`,
//!   `maritalStatus`, `homeTelNumber`, `officeTelNumber`, `postalAddress`, `educationLevel`,
//!   `addressDocInfo`, `addressDocFile` — may be unticked.
//!
//! A field the persona does not have is shown without a value and simply left out of the result.
//! This module never logs values.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::codes::ProtocolError;
use crate::config::SandboxConfig;
use crate::identity::date::CivilDate;
use crate::identity::profile::{EmeField, PersonaProfile, ProfileField};
use crate::login::TicketStatus;
use crate::persona;
use crate::request::{DataRequest, FormInfo};

/// Released fields keyed by wire name, each value in its §3.1 shape.
pub type FieldValues = Map<String, Value>;

/// The e-ME fields a user may untick on the consent screen.
pub const OPTIONAL_EME_FIELDS: [EmeField; 8] = [
    EmeField::Prefix,
    EmeField::MaritalStatus,
    EmeField::HomeTelNumber,
    EmeField::OfficeTelNumber,
    EmeField::PostalAddress,
    EmeField::EducationLevel,
    EmeField::AddressDocInfo,
    EmeField::AddressDocFile,
];

/// Which list a field was requested in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldGroup {
    /// `profileFields`.
    Profile,
    /// `eMEFields`.
    Eme,
}

/// One requested field on the consent screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestedField {
    /// The wire name, for example `emailAddress`.
    pub name: String,
    pub group: FieldGroup,
    /// Whether the user may untick it.
    pub optional: bool,
    /// The persona's value in its §3.1 shape; `None` when the persona has no such data or no persona
    /// is chosen yet.
    pub value: Option<Value>,
}

/// Everything the phone shows about a ticket before the user answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketDetails {
    pub status: TicketStatus,
    /// The relying party's `businessID` for data requests.
    pub business_id: Option<String>,
    /// The persona whose values are shown: the logged-in user of an authenticated request, or the
    /// persona the phone asked about for an anonymous one.
    pub persona_id: Option<String>,
    /// The form being filled, for e-ME requests.
    pub form: Option<FormInfo>,
    /// The requested fields, profile fields first, each in request order. Empty for logins.
    pub fields: Vec<RequestedField>,
    /// What a signing request asks the user to sign, for the phone's signing screen (boxed: most
    /// tickets are not signing requests).
    #[serde(default)]
    pub signing: Option<Box<crate::signing_api::SigningView>>,
    /// The step-up re-authentication the request needs before it can be approved (a signing
    /// request with `stepupAuthMethod`, or a step-up request), and how far the persona shown has
    /// got with it.
    /// Boxed, as `signing`: most tickets need no step-up.
    #[serde(default)]
    pub step_up: Option<Box<crate::step_up::StepUpStatus>>,
    /// What a bulk-signing request asks the user to sign (boxed, as `signing`).
    #[serde(default)]
    pub bulk_signing: Option<Box<crate::bulk_signing::BulkSigningView>>,
}

/// Whether the user may untick this field.
pub fn is_optional(group: FieldGroup, name: &str) -> bool {
    group == FieldGroup::Eme
        && EmeField::from_name(name).is_some_and(|field| OPTIONAL_EME_FIELDS.contains(&field))
}

fn profile_fields(names: &[String]) -> Vec<ProfileField> {
    names
        .iter()
        .filter_map(|name| ProfileField::from_name(name))
        .collect()
}

fn eme_fields(names: &[String]) -> Vec<EmeField> {
    names
        .iter()
        .filter_map(|name| EmeField::from_name(name))
        .collect()
}

/// The requested fields with the values of `profile` (when a persona is known).
pub(crate) fn requested_fields(
    request: &DataRequest,
    profile: Option<&PersonaProfile>,
) -> Vec<RequestedField> {
    let values = profile.map(|profile| {
        profile.select(
            &profile_fields(&request.profile_fields),
            &eme_fields(&request.eme_fields),
        )
    });
    let value_of = |name: &str| values.as_ref().and_then(|values| values.get(name).cloned());
    let profile = request
        .profile_fields
        .iter()
        .map(|name| (FieldGroup::Profile, name));
    let eme = request
        .eme_fields
        .iter()
        .map(|name| (FieldGroup::Eme, name));
    profile
        .chain(eme)
        .map(|(group, name)| RequestedField {
            name: name.clone(),
            group,
            optional: is_optional(group, name),
            value: value_of(name),
        })
        .collect()
}

/// The fields released when the user approves: all requested ones when `chosen` is `None`, else
/// exactly `chosen`, which must be a subset of the request that keeps every mandatory field
/// (`D20003 invalid parameter fields` otherwise). Returned in request order.
pub(crate) fn approved_fields(
    request: &DataRequest,
    chosen: Option<&[String]>,
) -> Result<Vec<String>, ProtocolError> {
    let requested: Vec<(FieldGroup, &String)> = request
        .profile_fields
        .iter()
        .map(|name| (FieldGroup::Profile, name))
        .chain(
            request
                .eme_fields
                .iter()
                .map(|name| (FieldGroup::Eme, name)),
        )
        .collect();
    let Some(chosen) = chosen else {
        return Ok(requested
            .into_iter()
            .map(|(_, name)| name.clone())
            .collect());
    };
    if let Some(stranger) = chosen
        .iter()
        .find(|name| !requested.iter().any(|(_, requested)| requested == name))
    {
        return Err(ProtocolError::with_message(
            crate::codes::DCode::InvalidParameter,
            format!(
                "invalid parameter fields: {} was not requested",
                shown_name(stranger)
            ),
        ));
    }
    if let Some((_, mandatory)) = requested
        .iter()
        .find(|(group, name)| !is_optional(*group, name) && !chosen.contains(name))
    {
        return Err(ProtocolError::with_message(
            crate::codes::DCode::InvalidParameter,
            format!("invalid parameter fields: {mandatory} is mandatory and cannot be unticked"),
        ));
    }
    Ok(requested
        .into_iter()
        .filter(|(_, name)| chosen.contains(name))
        .map(|(_, name)| name.clone())
        .collect())
}

/// A field name as it may appear in a message: known names only, so a client's text is never echoed.
fn shown_name(name: &str) -> &str {
    if ProfileField::from_name(name).is_some() || EmeField::from_name(name).is_some() {
        name
    } else {
        "a field"
    }
}

/// The released values: `{"profileFields": {...}, "eMEFields": {...}}` with only the approved fields
/// the persona has, in §3.1 shapes. `D20003 invalid parameter personaID` if the persona is gone.
pub(crate) fn released_values(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
    released: &[String],
) -> Result<(FieldValues, FieldValues), ProtocolError> {
    let profile = persona::require_profile(config, persona_id, today)?;
    let profile_values = profile.select(&profile_fields(released), &[]);
    let eme_values = profile.select(&[], &eme_fields(released));
    Ok((profile_values, eme_values))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::request::CallbackContentType;

    fn request(profile: &[&str], eme: &[&str]) -> DataRequest {
        DataRequest {
            business_id: "b".into(),
            persona_id: None,
            profile_fields: profile.iter().map(|s| s.to_string()).collect(),
            eme_fields: eme.iter().map(|s| s.to_string()).collect(),
            form: None,
            callback_content_type: CallbackContentType::Json,
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn profile_fields_and_core_contact_fields_are_mandatory_and_the_rest_optional() {
        for field in ProfileField::ALL {
            assert!(!is_optional(FieldGroup::Profile, field.as_str()));
        }
        let mandatory: Vec<&str> = EmeField::ALL
            .iter()
            .filter(|field| !is_optional(FieldGroup::Eme, field.as_str()))
            .map(|field| field.as_str())
            .collect();
        assert_eq!(
            mandatory,
            ["mobileNumber", "emailAddress", "residentialAddress"]
        );
    }

    #[test]
    fn without_a_choice_every_requested_field_is_approved_in_request_order() {
        let request = request(&["enName", "idNo"], &["postalAddress", "emailAddress"]);
        assert_eq!(
            approved_fields(&request, None),
            Ok(names(&["enName", "idNo", "postalAddress", "emailAddress"]))
        );
    }

    #[test]
    fn the_user_may_untick_optional_fields_but_not_mandatory_or_unrequested_ones() {
        let request = request(&["idNo"], &["emailAddress", "prefix", "educationLevel"]);
        let chosen = names(&["educationLevel", "idNo", "emailAddress"]);
        assert_eq!(
            approved_fields(&request, Some(&chosen)),
            Ok(names(&["idNo", "emailAddress", "educationLevel"]))
        );
        let without_mandatory = names(&["idNo", "prefix"]);
        let error = approved_fields(&request, Some(&without_mandatory)).expect_err("mandatory");
        assert_eq!(
            error.message,
            "invalid parameter fields: emailAddress is mandatory and cannot be unticked"
        );
        let stranger = names(&["idNo", "emailAddress", "gender"]);
        let error = approved_fields(&request, Some(&stranger)).expect_err("not requested");
        assert_eq!(
            error.message,
            "invalid parameter fields: gender was not requested"
        );
        let junk = names(&["idNo", "emailAddress", "<script>"]);
        let error = approved_fields(&request, Some(&junk)).expect_err("junk");
        assert!(!error.message.contains("<script>"));
    }

    #[test]
    fn requested_fields_carry_the_persona_values_and_leave_missing_ones_empty() {
        let config = crate::testkit::config();
        let profile = persona::profile(&config, persona::IAMSMART_USER).expect("persona");
        let request = request(&["enName"], &["emailAddress", "officeTelNumber"]);
        let fields = requested_fields(&request, Some(&profile));
        assert_eq!(fields.len(), 3);
        assert_eq!(fields[0].group, FieldGroup::Profile);
        assert_eq!(
            fields[0].value,
            profile
                .en_name
                .as_ref()
                .map(|name| serde_json::json!({"UnstructuredName": name.unstructured_name}))
        );
        assert_eq!(
            fields[1].value.as_ref().and_then(Value::as_str),
            profile.email_address.as_deref()
        );
        assert!(fields[2].optional);
        let without_persona = requested_fields(&request, None);
        assert!(without_persona.iter().all(|field| field.value.is_none()));
    }
}
