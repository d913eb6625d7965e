//! The profile and e-ME form-filling operations (PROTOCOL §3): `account/eme/initiateRequest`,
//! `account/profile/initiateRequest` (each with its `account/auth/…` alias), the synchronous
//! `profiles`, and anonymous form filling (`anonymous/eme/initiateRequest` and `getResult`).
//!
//! The mock reads these bodies field by field (`mock_iamsmart::form_filling`), so their decrypted
//! shapes are typed here; the released values are typed with the mock's own field types
//! (`IdNumber`, `PhoneNumber`, `Address`, …), so a change to a field's wire shape changes the document.
//! This module only describes; it never serves or calls anything.

use mock_iamsmart::{
    CallbackContentType,
    client::SignedHeaders,
    identity::{
        Address, EducationLevel, EmeField, Gender, IdNumber, MaritalStatus, NameVerification,
        PhoneNumber, Prefix, ProfileField,
        address_proof::{AddressDocFile, AddressDocInfo},
        date::CivilDate,
        profile::{ChineseName, EnglishName},
    },
};
use serde::Serialize;
use utoipa::{OpenApi, ToSchema};

use crate::{EncryptedBody, EncryptedEnvelope};

/// The decrypted `content` of `account/eme/initiateRequest` (and its alias `account/auth/eme/…`).
/// The mock checks, in order: `businessID`, `accessToken` (`D20009`), `openID` (`D20010`), a
/// suspended user (`D10001`), `source` (`D20007`), `redirectURI` (`D20008`), `state`, the form
/// fields, the field lists (`D20001` both absent, `D20002` both empty, `D20003` an unknown name), the
/// scopes (`D20015`), `callbackContentType`, and a reused `businessID` (`D20011`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-onboarding-0001", "accessToken": "5d41402abc4b2a76b9719d911017c592",
    "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "source": "PC_Browser",
    "redirectURI": "http://localhost:3000/callback", "state": "form-1",
    "formName": "Open an account", "formNum": "DB-001", "formDesc": "Demo Bank account opening",
    "eMEFields": ["emailAddress", "mobileNumber", "residentialAddress"], "profileFields": ["enName", "idNo"]}))]
pub struct FormFillingInitiateRequest {
    /// At most 36 printable characters, unique per client for 30 days (else `D20011`).
    #[serde(rename = "businessID")]
    pub business_id: String,
    /// The login's access token (`D20009` when unknown, expired or another client's).
    #[serde(rename = "accessToken")]
    pub access_token: String,
    /// The login's openID, as issued (URL-encoded) or decoded (`D20010` when it is not the token's user).
    #[serde(rename = "openID")]
    pub open_id: String,
    /// A `source` of PROTOCOL §7 (`D20007` otherwise). `PC_Browser` pushes the request to the phone
    /// (`authByQR: true`).
    pub source: String,
    /// One of the sandbox's redirect URIs, exactly (`D20008` otherwise); the callback goes here unless a
    /// callback URL is registered.
    #[serde(rename = "redirectURI")]
    pub redirect_uri: String,
    /// At most 36 characters of `[A-Za-z0-9_-]`, echoed in the callback.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// At most 255 characters, shown on the phone.
    #[serde(rename = "formName")]
    pub form_name: String,
    /// At most 20 characters.
    #[serde(rename = "formNum", skip_serializing_if = "Option::is_none")]
    pub form_num: Option<String>,
    /// At most 255 characters.
    #[serde(rename = "formDesc", skip_serializing_if = "Option::is_none")]
    pub form_desc: Option<String>,
    /// The e-ME fields asked for (scope `eidapi_formFilling`).
    #[serde(rename = "eMEFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<EmeField>>)]
    pub eme_fields: Option<Vec<String>>,
    /// The HKID fields asked for as well (scope `eidapi_profiles`).
    #[serde(rename = "profileFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ProfileField>>)]
    pub profile_fields: Option<Vec<String>>,
    /// How the result callback is framed: `application/json` (the default) or `multipart/form-data`.
    #[serde(
        rename = "callbackContentType",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_content_type: Option<CallbackContentType>,
    /// Sandbox only: the virtual phone's language, `en-US`, `zh-HK` (the default) or `zh-CN`; ignored
    /// when unknown.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `account/profile/initiateRequest` (and its alias
/// `account/auth/profile/…`): HKID fields only, scope `eidapi_profiles`. Checked like
/// [`FormFillingInitiateRequest`]; `profileFields` absent is `D20001`, empty `D20002`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-profile-0001", "accessToken": "5d41402abc4b2a76b9719d911017c592",
    "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5", "source": "iOS_Safari",
    "redirectURI": "http://localhost:3000/callback", "profileFields": ["idNo", "birthDate"]}))]
pub struct ProfileInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    pub source: String,
    #[serde(rename = "redirectURI")]
    pub redirect_uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "profileFields")]
    #[schema(value_type = Vec<ProfileField>)]
    pub profile_fields: Vec<String>,
    #[serde(
        rename = "callbackContentType",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_content_type: Option<CallbackContentType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of `POST /api/v1/profiles`: the fields at once, without asking the user.
/// Either list may be `[]` (PROTOCOL §11.8), not both (`D20002`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "accessToken": "5d41402abc4b2a76b9719d911017c592", "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5",
    "profileFields": ["enName", "gender"], "eMEFields": []}))]
pub struct ProfilesRequest {
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
    #[serde(rename = "profileFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ProfileField>>)]
    pub profile_fields: Option<Vec<String>>,
    #[serde(rename = "eMEFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<EmeField>>)]
    pub eme_fields: Option<Vec<String>>,
}

/// The decrypted `content` of `anonymous/eme/initiateRequest`: no login; any user answers once a
/// browser shows the ticket with `getQR?…&ticketID=`. Scope `eidapi_formFilling` (and
/// `eidapi_profiles` for HKID fields) granted to the client.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({
    "businessID": "db-anon-0001", "source": "PC_Browser", "redirectURI": "http://localhost:3000/callback",
    "state": "anon-state", "formName": "Remote onboarding",
    "eMEFields": ["emailAddress", "residentialAddress"], "profileFields": ["enName"]}))]
pub struct AnonymousFormFillingInitiateRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    pub source: String,
    /// Optional here (the browser's getQR names where the code goes), but must be registered when given.
    #[serde(rename = "redirectURI", skip_serializing_if = "Option::is_none")]
    pub redirect_uri: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    #[serde(rename = "formName")]
    pub form_name: String,
    #[serde(rename = "formNum", skip_serializing_if = "Option::is_none")]
    pub form_num: Option<String>,
    #[serde(rename = "formDesc", skip_serializing_if = "Option::is_none")]
    pub form_desc: Option<String>,
    #[serde(rename = "eMEFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<EmeField>>)]
    pub eme_fields: Option<Vec<String>>,
    #[serde(rename = "profileFields", skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<Vec<ProfileField>>)]
    pub profile_fields: Option<Vec<String>>,
    #[serde(
        rename = "callbackContentType",
        skip_serializing_if = "Option::is_none"
    )]
    pub callback_content_type: Option<CallbackContentType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
}

/// The decrypted `content` of an anonymous `getResult` (form filling, hash or PDF signing): the
/// request's `businessID` with the token the browser's code was exchanged for.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"businessID": "db-anon-0001", "accessToken": "5d41402abc4b2a76b9719d911017c592",
    "openID": "Zm9vYmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5"}))]
pub struct AnonymousResultRequest {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "openID")]
    pub open_id: String,
}

/// What an authenticated data or signing request's `content` decrypts to.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"authByQR": true, "ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}))]
pub struct InitiateAnswer {
    /// `true` when `source` is `PC_Browser`: the request was pushed to the phone the user logged in
    /// with; `false` on mobile, where the RP opens the app by its link with the ticket.
    #[serde(rename = "authByQR")]
    pub auth_by_qr: bool,
    /// The ticket the user answers; the app link is `hk.gov.iamsmart.testapp://eme?ticketID=…` (or
    /// `profile`, `sign`).
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
}

/// What an anonymous request's `content` decrypts to: the ticket to show with `getQR?…&ticketID=`.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"ticketID": "a1b2c3d4e5f60718293a4b5c6d7e8f90"}))]
pub struct AnonymousInitiateAnswer {
    #[serde(rename = "ticketID")]
    pub ticket_id: String,
}

/// Released `profileFields`, each in its PROTOCOL §3.1 shape; a field the user did not release, or
/// the persona does not have, is absent (never `null` or `""`).
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"idNo": {"Identification": "A123456", "CheckDigit": "3"},
    "enName": {"UnstructuredName": "CHAN, Tai Man"}, "birthDate": "19800101", "gender": "M"}))]
pub struct ProfileFieldValues {
    #[serde(rename = "idNo", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub id_no: Option<IdNumber>,
    #[serde(rename = "enName", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub en_name: Option<EnglishName>,
    #[serde(rename = "chName", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub ch_name: Option<ChineseName>,
    #[serde(rename = "chNameVerified", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub ch_name_verified: Option<NameVerification>,
    #[serde(rename = "birthDate", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub birth_date: Option<CivilDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub gender: Option<Gender>,
}

/// Released `eMEFields`, each in its PROTOCOL §3.1 shape; absent when not released.
#[derive(Serialize, ToSchema)]
#[schema(example = json!({"emailAddress": "tai.man.chan@example.com",
    "mobileNumber": {"CountryCode": "852", "SubscriberNumber": "91234567"},
    "residentialAddress": {"FreeFormatAddress": {"LanguageCode": "en", "AddressLine1": "FLAT A, 12/F", "AddressLine2": "1 EXAMPLE ROAD", "AddressLine3": "KOWLOON"}}}))]
pub struct EmeFieldValues {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub prefix: Option<Prefix>,
    #[serde(rename = "maritalStatus", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub marital_status: Option<MaritalStatus>,
    #[serde(rename = "homeTelNumber", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub home_tel_number: Option<PhoneNumber>,
    #[serde(rename = "officeTelNumber", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub office_tel_number: Option<PhoneNumber>,
    #[serde(rename = "mobileNumber", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub mobile_number: Option<PhoneNumber>,
    /// On a reserved example domain in the sandbox.
    #[serde(rename = "emailAddress", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub email_address: Option<String>,
    #[serde(rename = "residentialAddress", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub residential_address: Option<Address>,
    /// May also be a `PostBoxAddress`.
    #[serde(rename = "postalAddress", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub postal_address: Option<Address>,
    #[serde(rename = "educationLevel", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub education_level: Option<EducationLevel>,
    #[serde(rename = "addressDocInfo", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub address_doc_info: Option<AddressDocInfo>,
    #[serde(rename = "addressDocFile", skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub address_doc_file: Option<AddressDocFile>,
}

/// What `profiles`' `content` decrypts to.
#[derive(Serialize, ToSchema)]
pub struct ReleasedFields {
    #[serde(rename = "profileFields")]
    pub profile_fields: ProfileFieldValues,
    #[serde(rename = "eMEFields")]
    pub eme_fields: EmeFieldValues,
}

/// The result of a form-filling request: the decrypted `content` of its callback and of
/// `anonymous/eme/getResult`. The user may release fewer fields than were asked for.
#[derive(Serialize, ToSchema)]
pub struct FormFillingResult {
    #[serde(rename = "businessID")]
    pub business_id: String,
    /// The request's `state`, when it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    #[serde(rename = "profileFields")]
    pub profile_fields: ProfileFieldValues,
    #[serde(rename = "eMEFields")]
    pub eme_fields: EmeFieldValues,
}

/// The result of a profile request: the decrypted `content` of its callback.
#[derive(Serialize, ToSchema)]
pub struct ProfileResult {
    #[serde(rename = "businessID")]
    pub business_id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(nullable = false)]
    pub state: Option<String>,
    #[serde(rename = "profileFields")]
    pub profile_fields: ProfileFieldValues,
}

/// Examples, shared by the path annotations and the test that runs them through the mock.
pub mod examples {
    use serde_json::{Value, json};

    pub fn started() -> Value {
        json!({"txID": "c7a1d3e5f9b2", "code": "D00000", "message": "SUCCESS",
            "content": "AAAADGZha2UtaXYtMTIzNHRoZSBjaXBoZXJ0ZXh0IGFuZCB0YWc="})
    }

    pub fn token_invalid() -> Value {
        json!({"txID": "c7a1d3e5f9b3", "code": "D20009", "message": "accessToken not exist or expired"})
    }

    pub fn duplicated_business_id() -> Value {
        json!({"txID": "c7a1d3e5f9b4", "code": "D20011", "message": "duplicated businessID"})
    }

    pub fn scope_mismatch() -> Value {
        json!({"txID": "c7a1d3e5f9b5", "code": "D20015", "message": "scope mismatch: eidapi_formFilling not granted"})
    }

    pub fn nothing_requested() -> Value {
        json!({"txID": "c7a1d3e5f9b6", "code": "D20002", "message": "empty parameter eMEFields"})
    }

    pub fn unknown_field() -> Value {
        json!({"txID": "c7a1d3e5f9b7", "code": "D20003", "message": "invalid parameter profileFields"})
    }

    pub fn redirect_not_registered() -> Value {
        json!({"txID": "c7a1d3e5f9b8", "code": "D20008", "message": "invalid e-service URL"})
    }

    pub fn not_answered() -> Value {
        json!({"txID": "c7a1d3e5f9b9", "code": "D20003",
            "message": "invalid parameter businessID: the request has not been answered"})
    }

    pub fn form_filling_rejected() -> Value {
        json!({"txID": "c7a1d3e5f9ba", "code": "D60001", "message": "form filling rejected"})
    }

    pub fn cek_expired() -> Value {
        json!({"txID": "c7a1d3e5f9bb", "code": "D30002", "message": "CEK not exist or expired"})
    }
}

/// `POST /api/v1/account/eme/initiateRequest`: asks the logged-in user to release e-ME (and HKID)
/// fields to fill in a form.
///
/// Scopes `eidapi_formFilling` (and `eidapi_profiles` when `profileFields` is not empty), granted to the
/// client and to the login's token. The user consents on the phone, field by field; the result is POSTed
/// to the registered callback URL, or the request's `redirectURI` without one (the `formFillingResult`
/// webhook): `D00000` with a `FormFillingResult`, or `D60000` cancelled, `D60001` rejected, `D60002`
/// failed, `D60003` timed out, with only `businessID` and `state`.
#[utoipa::path(
    post, path = "/api/v1/account/eme/initiateRequest", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `FormFillingInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `InitiateAnswer`; errors carry no content: `D20001`/`D20002`/`D20003` a missing, empty or invalid field, `D20007` source, `D20008` redirect URI, `D20009` token, `D20010` openID, `D10001` suspended user, `D20011` reused `businessID`, `D20015` scope, `D30002` no CEK, `D30004` undecryptable body.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the user (content encrypted)", value = json!(examples::started()))),
                ("D20002" = (summary = "Neither list asks for a field", value = json!(examples::nothing_requested()))),
                ("D20009" = (summary = "The access token is unknown or has expired", value = json!(examples::token_invalid()))),
                ("D20011" = (summary = "The businessID was used before", value = json!(examples::duplicated_business_id()))),
                ("D20015" = (summary = "A scope is not granted", value = json!(examples::scope_mismatch()))),
                ("D30002" = (summary = "Call getKey again and retry", value = json!(examples::cek_expired()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn eme_request() {}

/// `POST /api/v1/account/auth/eme/initiateRequest`: the same API as `account/eme/initiateRequest`,
/// at the path one Java client uses (PROTOCOL §3); served identically.
#[utoipa::path(
    post, path = "/api/v1/account/auth/eme/initiateRequest", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `FormFillingInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "As `account/eme/initiateRequest`: `content` decrypts to `InitiateAnswer`; errors carry no content.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the user (content encrypted)", value = json!(examples::started()))),
                ("D20011" = (summary = "The businessID was used before", value = json!(examples::duplicated_business_id()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn eme_request_alias() {}

/// `POST /api/v1/account/profile/initiateRequest`: asks the logged-in user to release HKID fields.
///
/// Scope `eidapi_profiles`. The result is POSTed like form filling's (the `profileResult` webhook):
/// `D00000` with a `ProfileResult`, or `D50001` rejected or cancelled, `D50002` failed, `D50003` timed out.
#[utoipa::path(
    post, path = "/api/v1/account/profile/initiateRequest", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `ProfileInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `InitiateAnswer`; errors as for `account/eme/initiateRequest` (`D20001`/`D20002` when `profileFields` is absent or empty).",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the user (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "An unknown field name", value = json!(examples::unknown_field()))),
                ("D20009" = (summary = "The access token is unknown or has expired", value = json!(examples::token_invalid()))),
                ("D20011" = (summary = "The businessID was used before", value = json!(examples::duplicated_business_id()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn profile_request() {}

/// `POST /api/v1/account/auth/profile/initiateRequest`: the same API as
/// `account/profile/initiateRequest`, at its alias path; served identically.
#[utoipa::path(
    post, path = "/api/v1/account/auth/profile/initiateRequest", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `ProfileInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "As `account/profile/initiateRequest`: `content` decrypts to `InitiateAnswer`.",
            body = EncryptedEnvelope,
            examples(("success" = (summary = "A ticket for the user (content encrypted)", value = json!(examples::started()))))),
        crate::HostAnswers,
    )
)]
pub fn profile_request_alias() {}

/// `POST /api/v1/profiles`: the logged-in user's fields at once, without asking on the phone (the
/// synchronous form one client uses).
#[utoipa::path(
    post, path = "/api/v1/profiles", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `ProfilesRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `ReleasedFields` (both objects present, possibly empty). Errors: `D20002` nothing asked for, `D20003` an unknown field name, `D20009`, `D20010`, `D10001`, `D20015` (a list needs its scope on the token).",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "The fields (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "An unknown field name", value = json!(examples::unknown_field()))),
                ("D20015" = (summary = "A list's scope is not on the token", value = json!(examples::scope_mismatch()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn profiles() {}

/// `POST /api/v1/anonymous/eme/initiateRequest`: starts form filling without a login (remote account
/// onboarding).
///
/// The flow: this call → the browser opens `getQR?…&ticketID=` → the user consents in the app → the
/// browser returns to `redirectURI?code=…&state=…&businessID=…` (or `error_code=D60000`–`D60003`) →
/// `getToken` → `anonymous/eme/getResult`. No callback is POSTed.
#[utoipa::path(
    post, path = "/api/v1/anonymous/eme/initiateRequest", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousFormFillingInitiateRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `AnonymousInitiateAnswer`. Errors: `D20001`/`D20002`/`D20003` fields, `D20007` source, `D20008` a `redirectURI` that is not registered, `D20011` reused `businessID`, `D20015` the client lacks the scope.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "A ticket for the browser (content encrypted)", value = json!(examples::started()))),
                ("D20008" = (summary = "The redirect URI is not registered", value = json!(examples::redirect_not_registered()))),
                ("D20015" = (summary = "The client lacks eidapi_formFilling", value = json!(examples::scope_mismatch()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_eme_request() {}

/// `POST /api/v1/anonymous/eme/getResult`: the fields an anonymous form-filling request's user
/// released, for the token the browser's code was exchanged for.
#[utoipa::path(
    post, path = "/api/v1/anonymous/eme/getResult", tag = "formFilling",
    params(SignedHeaders),
    request_body(content = EncryptedBody, description = "`content` decrypts to `AnonymousResultRequest`.",
        content_type = "application/json"),
    responses(
        (status = 200, description = "`content` decrypts to `FormFillingResult`. Errors: `D20003` an unknown or not anonymous `businessID`, one answered by another user, or one not answered yet; `D60000`–`D60003` the request ended without approval; `D20009`, `D20010`.",
            body = EncryptedEnvelope,
            examples(
                ("success" = (summary = "The released fields (content encrypted)", value = json!(examples::started()))),
                ("D20003" = (summary = "Not answered yet", value = json!(examples::not_answered()))),
                ("D60001" = (summary = "The user rejected the request", value = json!(examples::form_filling_rejected()))),
            )),
        crate::HostAnswers,
    )
)]
pub fn anonymous_eme_result() {}

/// The form-filling operations and their schemas, merged into the document by `crate::document`.
#[derive(OpenApi)]
#[openapi(
    paths(
        eme_request, eme_request_alias, profile_request, profile_request_alias, profiles,
        anonymous_eme_request, anonymous_eme_result,
    ),
    components(schemas(
        FormFillingInitiateRequest, ProfileInitiateRequest, ProfilesRequest,
        AnonymousFormFillingInitiateRequest, AnonymousResultRequest, InitiateAnswer, AnonymousInitiateAnswer,
        ProfileFieldValues, EmeFieldValues, ReleasedFields, FormFillingResult, ProfileResult, ProfileField,
        EmeField, CallbackContentType, IdNumber, EnglishName, ChineseName, NameVerification, CivilDate, Gender,
        Prefix, MaritalStatus, EducationLevel, PhoneNumber, Address, AddressDocInfo, AddressDocFile,
    )),
    tags((name = "formFilling", description = "Profile and e-ME form filling, authenticated and anonymous")),
)]
pub(crate) struct FormFillingDoc;
