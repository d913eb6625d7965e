//! `POST /api/v1/auth/getToken` (PROTOCOL §2.2, §11.7): exchanges a single-use authorisation code for
//! an access token, and keeps the token for later flows (profiles, form filling, signing).
//!
//! The body is `{"content": …}` encrypted with the current CEK; the decrypted JSON needs `code` and
//! `grantType` = `authorization_code`, and extra fields such as `isDirectLoginV2` are ignored. A CEK
//! that is missing or expired answers `D30002`, content that does not decrypt `D30004`, and a code that
//! is unknown, used or expired `D40004`. This module must never log codes, tokens or openIDs.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::cek;
use crate::codes::{DCode, ProtocolError};
use crate::config::SandboxConfig;
use crate::crypto::{self, IV_LENGTH};
use crate::host::{self, Host};
use crate::login;
use crate::persona::{self, UserType};
use crate::store;

/// The only grant type the protocol defines.
pub const GRANT_TYPE: &str = "authorization_code";
/// The token type the protocol reports.
pub const TOKEN_TYPE: &str = "Bearer";

/// The decrypted `content` of a getToken response; all eight fields are always present (§11.7).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TokenContent {
    #[serde(rename = "accessToken")]
    pub access_token: String,
    #[serde(rename = "tokenType")]
    pub token_type: String,
    /// Real epoch ms of issue.
    #[serde(rename = "issueAt")]
    pub issue_at: i64,
    /// Lifetime in ms.
    #[serde(rename = "expiresIn")]
    pub expires_in: i64,
    /// The URL-encoded per-client pseudonym of the user.
    #[serde(rename = "openID")]
    pub open_id: String,
    #[serde(rename = "lastModifiedDate")]
    pub last_modified_date: i64,
    #[serde(rename = "userType")]
    pub user_type: UserType,
    /// Granted scopes, space-delimited.
    pub scope: String,
}

/// A stored access token, for the flows that require one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccessTokenRecord {
    pub client_id: String,
    pub persona_id: String,
    /// The openID as issued (URL-encoded).
    pub open_id: String,
    pub scope: Vec<String>,
    pub user_type: UserType,
    /// Sandbox-clock expiry.
    pub expires_at_ms: i64,
}

/// Looks up an access token for a later flow: `D20009` when it is unknown, expired on the sandbox clock
/// or issued to another client.
pub fn find_access_token(
    host: &mut dyn Host,
    config: &SandboxConfig,
    access_token: &str,
) -> Result<AccessTokenRecord, ProtocolError> {
    let record: Option<AccessTokenRecord> = store::get(host, &store::token_key(access_token))?;
    match record {
        Some(record)
            if record.client_id == config.client_id
                && host.sandbox_now_ms() < record.expires_at_ms =>
        {
            Ok(record)
        }
        _ => Err(ProtocolError::new(DCode::AccessTokenInvalid)),
    }
}

/// A required string field of the decrypted request.
fn string_field<'a>(
    request: &'a serde_json::Map<String, Value>,
    name: &str,
) -> Result<&'a str, ProtocolError> {
    match request.get(name) {
        None | Some(Value::Null) => Err(ProtocolError::missing(name)),
        Some(Value::String(text)) if text.is_empty() => Err(ProtocolError::empty(name)),
        Some(Value::String(text)) => Ok(text),
        Some(_) => Err(ProtocolError::invalid(name)),
    }
}

/// Reads `{"content": …}` from a raw body and decrypts it with `cek`.
pub(crate) fn decrypt_request_body(
    cek: &[u8; crypto::CEK_LENGTH],
    body: &[u8],
) -> Result<serde_json::Map<String, Value>, ProtocolError> {
    let envelope: Value =
        serde_json::from_slice(body).map_err(|_| ProtocolError::invalid("body"))?;
    let content = match envelope.get("content") {
        None | Some(Value::Null) => return Err(ProtocolError::missing("content")),
        Some(Value::String(content)) if content.is_empty() => {
            return Err(ProtocolError::empty("content"));
        }
        Some(Value::String(content)) => content,
        Some(_) => return Err(ProtocolError::invalid("content")),
    };
    let plaintext = crypto::decrypt_content(cek, content).map_err(|error| {
        ProtocolError::with_message(error.d_code(), format!("decryption error: {error}"))
    })?;
    match serde_json::from_slice::<Value>(&plaintext) {
        Ok(Value::Object(fields)) => Ok(fields),
        _ => Err(ProtocolError::invalid("content")),
    }
}

/// Encrypts a response `content` value with `cek` and a fresh IV.
pub(crate) fn encrypt_response_content(
    host: &mut dyn Host,
    cek: &[u8; crypto::CEK_LENGTH],
    content: &impl Serialize,
) -> Result<Value, ProtocolError> {
    let plaintext =
        serde_json::to_vec(content).map_err(|_| ProtocolError::new(DCode::EncryptionFailed))?;
    let iv = host::random_array::<IV_LENGTH>(host);
    let sealed = crypto::encrypt_content(cek, &iv, &plaintext)
        .map_err(|error| ProtocolError::new(error.d_code()))?;
    Ok(Value::String(sealed))
}

/// Handles a getToken whose envelope has already been verified.
pub(crate) fn get_token(
    host: &mut dyn Host,
    config: &SandboxConfig,
    body: &[u8],
) -> Result<Value, ProtocolError> {
    let cek = cek::current_cek(host)?;
    let request = decrypt_request_body(&cek, body)?;
    let code = string_field(&request, "code")?;
    let grant_type = string_field(&request, "grantType")?;
    if grant_type != GRANT_TYPE {
        return Err(ProtocolError::invalid("grantType"));
    }

    let code_record = login::redeem_code(host, config, code)?;
    // A persona that vanished from the configuration since approval makes the code unusable, which
    // is what an RP would see if the account were deleted in between.
    let persona = persona::find_persona(config, &code_record.persona_id)
        .ok_or_else(|| ProtocolError::new(DCode::AuthorisationCodeInvalid))?;

    let access_token = host::random_hex32(host);
    let open_id = persona::open_id(config, &persona.id);
    let expires_at_ms = host
        .sandbox_now_ms()
        .saturating_add(config.token_lifetime_ms);
    let record = AccessTokenRecord {
        client_id: config.client_id.clone(),
        persona_id: persona.id.clone(),
        open_id: open_id.clone(),
        scope: code_record.scope.clone(),
        user_type: persona.user_type,
        expires_at_ms,
    };
    store::put(
        host,
        &store::token_key(&access_token),
        &record,
        Some(expires_at_ms),
    )?;

    let content = TokenContent {
        access_token,
        token_type: TOKEN_TYPE.to_owned(),
        issue_at: host.real_now_ms(),
        expires_in: config.token_lifetime_ms,
        open_id,
        last_modified_date: persona.last_modified_ms,
        user_type: persona.user_type,
        scope: code_record.scope.join(" "),
    };
    encrypt_response_content(host, &cek, &content)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GET_TOKEN_PATH;
    use crate::client;
    use crate::persona::{IAMSMART_PLUS_USER, IAMSMART_USER};
    use crate::testkit::Rp;

    #[test]
    fn get_token_returns_all_eight_fields_for_an_approved_code() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth eidapi_profiles");
        let token = rp.get_token_content(&code);
        assert_eq!(token.access_token.len(), 32);
        assert!(token.access_token.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(token.token_type, "Bearer");
        assert_eq!(token.issue_at, rp.host.real_now_ms());
        assert_eq!(token.expires_in, 14_400_000);
        assert_eq!(token.open_id, persona::open_id(&rp.config, IAMSMART_USER));
        assert!(token.last_modified_date > 0);
        assert_eq!(token.user_type, UserType::Default);
        assert_eq!(token.scope, "eidapi_auth eidapi_profiles");
        let second_code = rp.login(IAMSMART_USER, "eidapi_auth");
        let raw: Value = rp.get_token_raw_json(&second_code);
        let keys: Vec<&str> = raw
            .as_object()
            .map(|fields| fields.keys().map(String::as_str).collect())
            .unwrap_or_default();
        assert_eq!(
            keys,
            [
                "accessToken",
                "expiresIn",
                "issueAt",
                "lastModifiedDate",
                "openID",
                "scope",
                "tokenType",
                "userType"
            ]
        );
    }

    #[test]
    fn an_iam_smart_plus_persona_gets_user_type_sign() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_PLUS_USER, "eidapi_auth eidapi_sign");
        let token = rp.get_token_content(&code);
        assert_eq!(token.user_type, UserType::Sign);
        assert_eq!(token.scope, "eidapi_auth eidapi_sign");
    }

    #[test]
    fn issued_tokens_are_stored_for_later_flows_and_expire_on_the_sandbox_clock() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        let token = rp.get_token_content(&code);
        let record =
            find_access_token(&mut rp.host, &rp.config, &token.access_token).expect("stored");
        assert_eq!(record.persona_id, IAMSMART_USER);
        assert_eq!(record.open_id, token.open_id);
        assert_eq!(record.scope, ["eidapi_auth"]);
        assert_eq!(
            find_access_token(&mut rp.host, &rp.config, "0".repeat(32).as_str())
                .map_err(|e| e.code),
            Err(DCode::AccessTokenInvalid)
        );
        rp.host.travel_ms(14_400_000);
        assert_eq!(
            find_access_token(&mut rp.host, &rp.config, &token.access_token).map_err(|e| e.code),
            Err(DCode::AccessTokenInvalid)
        );
    }

    #[test]
    fn get_token_rejects_a_reused_authorisation_code() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        assert_eq!(rp.get_token(&code).code, "D00000");
        let again = rp.get_token(&code);
        assert_eq!(again.code, "D40004");
        assert_eq!(again.content, None);
    }

    #[test]
    fn get_token_rejects_a_code_that_expired_on_the_sandbox_clock() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        rp.host.travel_ms(60_000);
        assert_eq!(rp.get_token(&code).code, "D40004");
    }

    #[test]
    fn get_token_rejects_an_unknown_code() {
        let mut rp = Rp::strict();
        rp.get_key();
        assert_eq!(
            rp.get_token("00000000000000000000000000000000").code,
            "D40004"
        );
    }

    #[test]
    fn get_token_without_a_cek_or_with_an_expired_one_is_d30002() {
        let mut rp = Rp::strict();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        let body = client::encrypted_body(
            &[1u8; 32],
            &[2u8; 12],
            br#"{"code":"x","grantType":"authorization_code"}"#,
        )
        .expect("encrypts");
        assert_eq!(rp.post(GET_TOKEN_PATH, &body).code, "D30002");
        rp.get_key();
        rp.host.travel_ms(86_400_000);
        assert_eq!(rp.get_token(&code).code, "D30002");
    }

    #[test]
    fn get_token_encrypted_with_a_stale_cek_is_a_decryption_error_and_keeps_the_code() {
        let mut rp = Rp::strict();
        let stale = rp.get_key();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        let plaintext = serde_json::json!({"code": code, "grantType": "authorization_code"});
        let body = client::encrypted_body(&stale, &[3u8; 12], plaintext.to_string().as_bytes())
            .expect("encrypts");
        let envelope = rp.post(GET_TOKEN_PATH, &body);
        assert_eq!(envelope.code, "D30004");
        assert_eq!(rp.get_token(&code).code, "D00000");
    }

    #[test]
    fn get_token_with_a_wrong_iv_length_is_d30004() {
        let mut rp = Rp::strict();
        let cek = rp.get_key();
        let good = client::encrypt_content(&cek, &[0u8; 12], b"{}").expect("encrypts");
        let mut framed = crypto::base64_decode(&good).expect("base64");
        framed[3] = 16;
        let body = serde_json::json!({"content": crypto::base64_encode(&framed)}).to_string();
        assert_eq!(rp.post(GET_TOKEN_PATH, body.as_bytes()).code, "D30004");
    }

    #[test]
    fn get_token_tolerates_is_direct_login_v2_and_checks_grant_type() {
        let mut rp = Rp::strict();
        rp.get_key();
        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        let with_extra = serde_json::json!({
            "code": code, "grantType": "authorization_code", "isDirectLoginV2": "true"
        });
        assert_eq!(
            rp.post_encrypted(GET_TOKEN_PATH, &with_extra).code,
            "D00000"
        );

        let code = rp.login(IAMSMART_USER, "eidapi_auth");
        let wrong_grant = serde_json::json!({"code": code, "grantType": "refresh_token"});
        let envelope = rp.post_encrypted(GET_TOKEN_PATH, &wrong_grant);
        assert_eq!(
            (envelope.code.as_str(), envelope.message.as_str()),
            ("D20003", "invalid parameter grantType")
        );
        let no_grant = serde_json::json!({"code": code});
        let envelope = rp.post_encrypted(GET_TOKEN_PATH, &no_grant);
        assert_eq!(envelope.message, "parameter grantType missing");
        let empty_code = serde_json::json!({"code": "", "grantType": "authorization_code"});
        assert_eq!(
            rp.post_encrypted(GET_TOKEN_PATH, &empty_code).code,
            "D20002"
        );
        let numeric_code = serde_json::json!({"code": 7, "grantType": "authorization_code"});
        assert_eq!(
            rp.post_encrypted(GET_TOKEN_PATH, &numeric_code).code,
            "D20003"
        );
    }

    #[test]
    fn get_token_bodies_that_are_not_an_encrypted_envelope_get_parameter_errors() {
        let mut rp = Rp::strict();
        rp.get_key();
        assert_eq!(
            rp.post(GET_TOKEN_PATH, b"").message,
            "invalid parameter body"
        );
        assert_eq!(
            rp.post(GET_TOKEN_PATH, br#"{"code":"abc"}"#).message,
            "parameter content missing"
        );
        assert_eq!(rp.post(GET_TOKEN_PATH, br#"{"content":""}"#).code, "D20002");
        assert_eq!(rp.post(GET_TOKEN_PATH, br#"{"content":42}"#).code, "D20003");
        assert_eq!(
            rp.post(GET_TOKEN_PATH, br#"{"content":"@@@"}"#).code,
            "D30004"
        );
        let cek = crate::cek::current_cek(&mut rp.host).expect("cek");
        let not_json = client::encrypted_body(&cek, &[4u8; 12], b"[1,2]").expect("encrypts");
        assert_eq!(
            rp.post(GET_TOKEN_PATH, &not_json).message,
            "invalid parameter content"
        );
    }
}
