//! The request envelope (signed headers, replay protection) and the response envelope (PROTOCOL §1.1,
//! §1.2, §11).
//!
//! Checks run in this order, and the first failure answers:
//! 1. the five parameters `clientID`, `signatureMethod`, `timestamp`, `nonce`, `signature` are present
//!    (`D20001 parameter {name} missing`) and non-empty (`D20002`);
//! 2. `clientID` is this sandbox's client (`D99992` authorisation failed);
//! 3. `signatureMethod` is `HmacSHA256` (`D20005`);
//! 4. `timestamp` is decimal epoch milliseconds and `nonce` is 1–36 printable ASCII characters
//!    (`D20003 invalid parameter {name}`);
//! 5. the signature verifies (`D20006`);
//! 6. `timestamp` is within ±5 minutes of real time (`D20003 invalid parameter timestamp`: the protocol
//!    publishes no code for clock skew, and a skewed timestamp is an invalid parameter rather than a
//!    replay);
//! 7. `timestamp` is not earlier than the last accepted request's (`D20004` duplicated request);
//! 8. the nonce was not used before (`D20004`).
//!
//! Only a request that passes all of these records its nonce and timestamp, so a request with a bad
//! signature never burns a nonce or moves the timestamp. The signature is checked before the replay
//! checks so an unauthenticated caller learns nothing about the sandbox's replay state.
//!
//! Strict mode accepts what real clients send (§11): the raw body as signed, the signature URL-encoded
//! with either uppercase or lowercase escapes, any Content-Type. Lenient mode also accepts an
//! unencoded signature, a signature over only the `content` string, the five parameters as JSON body
//! fields, and, for getKey, a signature over an empty body or `{}` whatever was sent.
//!
//! This module must never log or echo header values, signatures or bodies.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::api::{ApiRequest, ApiResponse, Route};
use crate::codes::{DCode, ProtocolError};
use crate::config::{ProtocolMode, SandboxConfig};
use crate::crypto::{self, SIGNATURE_METHOD};
use crate::host::{self, Host};
use crate::store;

/// How far a request timestamp may be from real time, either way.
pub const TIMESTAMP_WINDOW_MS: i64 = 5 * 60_000;
/// The longest nonce the protocol allows.
pub const MAX_NONCE_LENGTH: usize = 36;
/// How long a used nonce is remembered. A timestamp is acceptable for at most two windows (from five
/// minutes in the future to five in the past), and older replays already fail the monotonic timestamp
/// check. The expiry is on the sandbox clock, so a big jump forward in time travel can let the host
/// purge nonces early; the monotonic check still stops every replay older than the newest request.
const NONCE_MEMORY_MS: i64 = 2 * TIMESTAMP_WINDOW_MS;

const CLIENT_ID: &str = "clientID";
const SIGNATURE_METHOD_PARAM: &str = "signatureMethod";
const TIMESTAMP: &str = "timestamp";
const NONCE: &str = "nonce";
const SIGNATURE: &str = "signature";
const ENVELOPE_PARAMETERS: [&str; 5] = [
    CLIENT_ID,
    SIGNATURE_METHOD_PARAM,
    TIMESTAMP,
    NONCE,
    SIGNATURE,
];

/// The response envelope: `{"txID","code","message","content"}`, with `content` left out on errors
/// (PROTOCOL §11.6).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponseEnvelope {
    #[serde(rename = "txID")]
    pub tx_id: String,
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content: Option<Value>,
}

/// The five envelope parameters as received.
struct EnvelopeParameters {
    client_id: String,
    signature_method: String,
    timestamp: String,
    nonce: String,
    signature: String,
    /// Whether any of them came from the JSON body (lenient mode only).
    from_body: bool,
}

/// A body field as text, for lenient clients that put envelope parameters in the JSON body; a
/// timestamp may arrive as a number there.
fn body_field_text(body: &Map<String, Value>, name: &str) -> Option<String> {
    match body.get(name)? {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn extract_parameters(
    request: &ApiRequest,
    body_object: Option<&Map<String, Value>>,
) -> Result<EnvelopeParameters, ProtocolError> {
    let mut from_body = false;
    let mut fetch = |name: &str| -> Result<String, ProtocolError> {
        let value = match request.header(name) {
            Some(value) => value.to_owned(),
            None => {
                let from_json = body_object.and_then(|body| body_field_text(body, name));
                from_body |= from_json.is_some();
                from_json.ok_or_else(|| ProtocolError::missing(name))?
            }
        };
        if value.is_empty() {
            return Err(ProtocolError::empty(name));
        }
        Ok(value)
    };
    // Fetching in protocol order makes the first absent parameter the one reported.
    let client_id = fetch(CLIENT_ID)?;
    let signature_method = fetch(SIGNATURE_METHOD_PARAM)?;
    let timestamp = fetch(TIMESTAMP)?;
    let nonce = fetch(NONCE)?;
    let signature = fetch(SIGNATURE)?;
    Ok(EnvelopeParameters {
        client_id,
        signature_method,
        timestamp,
        nonce,
        signature,
        from_body,
    })
}

/// Epoch milliseconds as sent: 1 to 19 ASCII digits, no sign or spaces.
fn parse_timestamp(text: &str) -> Result<i64, ProtocolError> {
    if text.is_empty() || text.len() > 19 || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ProtocolError::invalid(TIMESTAMP));
    }
    text.parse().map_err(|_| ProtocolError::invalid(TIMESTAMP))
}

fn check_nonce_shape(nonce: &str) -> Result<(), ProtocolError> {
    if nonce.len() > MAX_NONCE_LENGTH || !nonce.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ProtocolError::invalid(NONCE));
    }
    Ok(())
}

/// The bodies a signature may cover in this mode, best first.
fn body_candidates(
    mode: ProtocolMode,
    route: Route,
    raw_body: &[u8],
    body_object: Option<&Map<String, Value>>,
    from_body: bool,
) -> Vec<Vec<u8>> {
    let mut candidates = vec![raw_body.to_vec()];
    if mode == ProtocolMode::Lenient {
        if let Some(Value::String(content)) = body_object.and_then(|body| body.get("content")) {
            candidates.push(content.as_bytes().to_vec());
        }
        if from_body && let Some(body) = body_object {
            // A client that puts the signature in the body cannot have signed the body as sent; the
            // best guess is the body without the envelope fields (serde_json writes keys sorted).
            let mut rest = body.clone();
            for name in ENVELOPE_PARAMETERS {
                rest.remove(name);
            }
            if let Ok(bytes) = serde_json::to_vec(&Value::Object(rest)) {
                candidates.push(bytes);
            }
        }
        if route == Route::GetKey {
            candidates.push(Vec::new());
            candidates.push(b"{}".to_vec());
        }
    }
    candidates
}

/// Decodes the signature parameter to raw MAC bytes, or `None` when it is not acceptable in this mode.
fn decode_signature(mode: ProtocolMode, signature: &str) -> Option<Vec<u8>> {
    // Strict clients URL-encode the Base64 signature (§11.1), so `+`, `/` and `=` must arrive escaped.
    // Base64 of an HMAC-SHA256 always ends in `=`, so an unencoded signature can never look encoded.
    let is_url_encoded = signature
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'%');
    if mode == ProtocolMode::Strict && !is_url_encoded {
        return None;
    }
    let decoded = percent_decode_str(signature).decode_utf8().ok()?;
    crypto::base64_decode(&decoded).ok()
}

fn verify_signature(
    config: &SandboxConfig,
    route: Route,
    request: &ApiRequest,
    parameters: &EnvelopeParameters,
    body_object: Option<&Map<String, Value>>,
) -> Result<(), ProtocolError> {
    let failed = || ProtocolError::new(DCode::SignatureVerificationFailed);
    let mac = decode_signature(config.protocol_mode, &parameters.signature).ok_or_else(failed)?;
    let prefix = crypto::signing_mac_prefix(
        config.client_secret.expose(),
        &parameters.client_id,
        &parameters.signature_method,
        &parameters.timestamp,
        &parameters.nonce,
    );
    let candidates = body_candidates(
        config.protocol_mode,
        route,
        &request.body,
        body_object,
        parameters.from_body,
    );
    if candidates
        .iter()
        .any(|body| crypto::verify_mac(&prefix, body, &mac))
    {
        Ok(())
    } else {
        Err(failed())
    }
}

/// Authenticates a signed request and records its nonce and timestamp; see the module documentation
/// for the order of checks.
pub(crate) fn verify_request(
    host: &mut dyn Host,
    config: &SandboxConfig,
    request: &ApiRequest,
    route: Route,
) -> Result<(), ProtocolError> {
    let parsed_body = match config.protocol_mode {
        ProtocolMode::Lenient => serde_json::from_slice::<Value>(&request.body).ok(),
        ProtocolMode::Strict => None,
    };
    let body_object = parsed_body.as_ref().and_then(Value::as_object);
    let parameters = extract_parameters(request, body_object)?;

    if parameters.client_id != config.client_id {
        return Err(ProtocolError::new(DCode::AuthorisationFailed));
    }
    if parameters.signature_method != SIGNATURE_METHOD {
        return Err(ProtocolError::new(DCode::UnsupportedSignatureMethod));
    }
    let timestamp = parse_timestamp(&parameters.timestamp)?;
    check_nonce_shape(&parameters.nonce)?;
    verify_signature(config, route, request, &parameters, body_object)?;

    let real_now = host.real_now_ms();
    if timestamp.abs_diff(real_now) > TIMESTAMP_WINDOW_MS.unsigned_abs() {
        return Err(ProtocolError::invalid(TIMESTAMP));
    }
    let last_timestamp: Option<i64> = store::get(host, store::LAST_TIMESTAMP_KEY)?;
    if last_timestamp.is_some_and(|last| timestamp < last) {
        return Err(ProtocolError::with_message(
            DCode::DuplicatedRequest,
            "duplicated request: timestamp earlier than the previous request",
        ));
    }
    let nonce_key = store::nonce_key(&parameters.nonce);
    if host.kv_get(&nonce_key).is_some() {
        return Err(ProtocolError::with_message(
            DCode::DuplicatedRequest,
            "duplicated request: nonce already used",
        ));
    }

    let sandbox_now = host.sandbox_now_ms();
    store::put(
        host,
        &nonce_key,
        &timestamp,
        Some(sandbox_now.saturating_add(NONCE_MEMORY_MS)),
    )?;
    store::put(host, store::LAST_TIMESTAMP_KEY, &timestamp, None)?;
    Ok(())
}

fn json_response(envelope: &ResponseEnvelope) -> ApiResponse {
    // Serialising a struct of strings and JSON values cannot fail; the fallback keeps the guest from
    // panicking if it somehow did, and is still a valid envelope.
    let body = serde_json::to_vec(envelope).unwrap_or_else(|_| {
        br#"{"txID":"","code":"D99990","message":"unhandled request"}"#.to_vec()
    });
    ApiResponse {
        status: 200,
        headers: vec![("Content-Type".to_owned(), "application/json".to_owned())],
        body,
        callbacks: Vec::new(),
        inspection: None,
        continue_bulk_signing: None,
    }
}

/// A success envelope: `code` `D00000` and `message` `SUCCESS` exactly (§11.5).
pub(crate) fn success(host: &mut dyn Host, content: Option<Value>) -> ApiResponse {
    json_response(&ResponseEnvelope {
        tx_id: host::random_uuid(host),
        code: DCode::Success.code().to_owned(),
        message: DCode::Success.message().to_owned(),
        content,
    })
}

/// An error envelope with HTTP 200 and no `content` (§11.6).
pub(crate) fn failure(host: &mut dyn Host, error: &ProtocolError) -> ApiResponse {
    json_response(&ResponseEnvelope {
        tx_id: host::random_uuid(host),
        code: error.code.code().to_owned(),
        message: error.message.clone(),
        content: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::GET_KEY_PATH;
    use crate::client::{self, SignedHeaders};
    use crate::testkit::{CLIENT_ID as TEST_CLIENT_ID, CLIENT_SECRET, Rp};

    /// A getKey request signed over `signed_body` but carrying `sent_body`.
    fn get_key_request(rp: &mut Rp, signed_body: &[u8], sent_body: &[u8]) -> ApiRequest {
        let mut request = rp.signed_request(GET_KEY_PATH, signed_body);
        request.body = sent_body.to_vec();
        request
    }

    fn code_of(rp: &mut Rp, request: &ApiRequest) -> String {
        rp.send(request)
            .envelope()
            .map(|envelope| envelope.code)
            .unwrap_or_default()
    }

    fn set_header(request: &mut ApiRequest, name: &str, value: &str) {
        for (candidate, existing) in &mut request.headers {
            if candidate.eq_ignore_ascii_case(name) {
                *existing = value.to_owned();
            }
        }
    }

    #[test]
    fn the_server_accepts_a_signature_computed_independently_with_openssl() {
        // The headers and body of the openssl known answer in `crypto::tests`.
        let mut rp = Rp::strict();
        rp.host.set_real_now_ms(1_700_000_000_000);
        let request = ApiRequest {
            method: "POST".into(),
            path: GET_KEY_PATH.into(),
            headers: vec![
                ("clientID".into(), TEST_CLIENT_ID.into()),
                ("signatureMethod".into(), "HmacSHA256".into()),
                ("timestamp".into(), "1700000000000".into()),
                ("nonce".into(), "nonce-0123456789abcdef0123456789ab".into()),
                (
                    "signature".into(),
                    "FWWpK39N0HycZDR4vQ%2FZlGbSCBjfdzhurNLLh46AjGo%3D".into(),
                ),
            ],
            body: br#"{"content":"abc"}"#.to_vec(),
            ..ApiRequest::default()
        };
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn get_key_accepts_an_empty_body_signed_as_nothing_and_braces_signed_as_braces() {
        let mut rp = Rp::strict();
        let empty = get_key_request(&mut rp, b"", b"");
        assert_eq!(code_of(&mut rp, &empty), "D00000");
        let braces = get_key_request(&mut rp, b"{}", b"{}");
        assert_eq!(code_of(&mut rp, &braces), "D00000");
    }

    #[test]
    fn strict_mode_rejects_a_get_key_body_that_differs_from_what_was_signed() {
        let mut rp = Rp::strict();
        let request = get_key_request(&mut rp, b"", b"{}");
        assert_eq!(code_of(&mut rp, &request), "D20006");
        let request = get_key_request(&mut rp, b"{}", b"");
        assert_eq!(code_of(&mut rp, &request), "D20006");
    }

    #[test]
    fn lenient_mode_accepts_get_key_signed_over_nothing_or_braces_whatever_was_sent() {
        let mut rp = Rp::lenient();
        let request = get_key_request(&mut rp, b"", b"{}");
        assert_eq!(code_of(&mut rp, &request), "D00000");
        let request = get_key_request(&mut rp, b"{}", b"x=1");
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn header_names_are_case_insensitive_and_content_type_is_ignored() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"");
        for (name, _) in &mut request.headers {
            *name = name.to_ascii_uppercase();
        }
        request.headers.push((
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        ));
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn lowercase_percent_escapes_in_the_signature_are_accepted() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"{}");
        let signature = request.header("signature").unwrap_or_default().to_owned();
        let lowered = signature
            .replace("%2B", "%2b")
            .replace("%2F", "%2f")
            .replace("%3D", "%3d");
        assert_ne!(lowered, signature);
        set_header(&mut request, "signature", &lowered);
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn an_unencoded_signature_is_rejected_in_strict_mode_and_accepted_in_lenient_mode() {
        for (mut rp, expected) in [(Rp::strict(), "D20006"), (Rp::lenient(), "D00000")] {
            let mut request = rp.signed_request(GET_KEY_PATH, b"{}");
            let encoded = request.header("signature").unwrap_or_default().to_owned();
            let raw = normalise(&encoded);
            set_header(&mut request, "signature", &raw);
            assert_eq!(code_of(&mut rp, &request), expected);
        }
    }

    fn normalise(encoded: &str) -> String {
        percent_decode_str(encoded).decode_utf8_lossy().into_owned()
    }

    #[test]
    fn a_signature_over_only_the_content_string_is_accepted_only_in_lenient_mode() {
        let body = br#"{"content":"QUJD"}"#;
        for (mut rp, expected) in [(Rp::strict(), "D20006"), (Rp::lenient(), "D00000")] {
            let mut request = rp.signed_request(GET_KEY_PATH, b"QUJD");
            request.body = body.to_vec();
            assert_eq!(code_of(&mut rp, &request), expected);
        }
    }

    #[test]
    fn envelope_parameters_in_the_json_body_are_accepted_only_in_lenient_mode() {
        for (mut rp, expected) in [(Rp::strict(), "D20001"), (Rp::lenient(), "D00000")] {
            let timestamp = rp.host_real_now().to_string();
            let nonce = rp.next_nonce();
            let signed = SignedHeaders::sign(
                TEST_CLIENT_ID,
                CLIENT_SECRET,
                &timestamp,
                &nonce,
                br#"{"extra":1}"#,
            );
            let body = serde_json::json!({
                "extra": 1,
                "clientID": signed.client_id,
                "signatureMethod": signed.signature_method,
                "timestamp": timestamp.parse::<i64>().unwrap_or_default(),
                "nonce": signed.nonce,
                "signature": signed.signature,
            });
            let request = ApiRequest {
                method: "POST".into(),
                path: GET_KEY_PATH.into(),
                body: serde_json::to_vec(&body).expect("serialises"),
                ..ApiRequest::default()
            };
            assert_eq!(code_of(&mut rp, &request), expected);
        }
    }

    #[test]
    fn each_missing_parameter_is_named_in_a_d20001() {
        for name in ENVELOPE_PARAMETERS {
            let mut rp = Rp::strict();
            let mut request = rp.signed_request(GET_KEY_PATH, b"");
            request
                .headers
                .retain(|(candidate, _)| !candidate.eq_ignore_ascii_case(name));
            let envelope = rp.send(&request).envelope().expect("envelope");
            assert_eq!(envelope.code, "D20001");
            assert_eq!(envelope.message, format!("parameter {name} missing"));
            assert_eq!(envelope.content, None);
        }
    }

    #[test]
    fn an_empty_parameter_is_a_d20002() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"");
        set_header(&mut request, "nonce", "");
        let envelope = rp.send(&request).envelope().expect("envelope");
        assert_eq!(envelope.code, "D20002");
        assert_eq!(envelope.message, "empty parameter nonce");
    }

    #[test]
    fn an_unknown_client_is_an_authorisation_failure() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"");
        set_header(&mut request, "clientID", "ffffffffffffffffffffffffffffffff");
        assert_eq!(code_of(&mut rp, &request), "D99992");
    }

    #[test]
    fn a_signature_method_other_than_hmac_sha256_is_a_d20005() {
        let mut rp = Rp::strict();
        let timestamp = rp.host_real_now().to_string();
        let nonce = rp.next_nonce();
        let signature = client::signature(
            TEST_CLIENT_ID,
            CLIENT_SECRET,
            "HmacSHA1",
            &timestamp,
            &nonce,
            b"",
        );
        let request = ApiRequest {
            method: "POST".into(),
            path: GET_KEY_PATH.into(),
            headers: vec![
                ("clientID".into(), TEST_CLIENT_ID.into()),
                ("signatureMethod".into(), "HmacSHA1".into()),
                ("timestamp".into(), timestamp),
                ("nonce".into(), nonce),
                ("signature".into(), signature),
            ],
            ..ApiRequest::default()
        };
        assert_eq!(code_of(&mut rp, &request), "D20005");
    }

    #[test]
    fn a_tampered_body_or_wrong_secret_fails_signature_verification() {
        let mut rp = Rp::strict();
        let mut request = rp.signed_request(GET_KEY_PATH, b"{}");
        request.body = b"{ }".to_vec();
        assert_eq!(code_of(&mut rp, &request), "D20006");
        let mut request = rp.signed_request(GET_KEY_PATH, b"{}");
        set_header(&mut request, "signature", "not%2Fbase64%3D%3D%3D");
        assert_eq!(code_of(&mut rp, &request), "D20006");
        rp.config.client_secret = "another-secret".into();
        let request = rp.signed_request(GET_KEY_PATH, b"{}");
        rp.config.client_secret = CLIENT_SECRET.into();
        assert_eq!(code_of(&mut rp, &request), "D20006");
    }

    #[test]
    fn malformed_timestamps_and_nonces_are_invalid_parameters() {
        for (name, value) in [
            ("timestamp", "-1700000000000"),
            ("timestamp", "17e11"),
            ("timestamp", "99999999999999999999"),
            ("nonce", "n".repeat(37).as_str()),
            ("nonce", "has space"),
        ] {
            let mut rp = Rp::strict();
            let mut request = rp.signed_request(GET_KEY_PATH, b"");
            set_header(&mut request, name, value);
            let envelope = rp.send(&request).envelope().expect("envelope");
            assert_eq!(envelope.code, "D20003", "{name}={value}");
            assert_eq!(envelope.message, format!("invalid parameter {name}"));
        }
    }

    #[test]
    fn a_nonce_of_exactly_36_characters_is_accepted() {
        let mut rp = Rp::strict();
        let nonce = "n".repeat(36);
        let request = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, rp.host_real_now());
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn a_retry_with_the_same_nonce_and_timestamp_is_a_clean_d20004() {
        let mut rp = Rp::strict();
        let request = rp.signed_request(GET_KEY_PATH, b"");
        assert_eq!(code_of(&mut rp, &request), "D00000");
        let envelope = rp.send(&request).envelope().expect("envelope");
        assert_eq!(envelope.code, "D20004");
        assert!(envelope.message.contains("nonce"));
        assert_eq!(envelope.content, None);
    }

    #[test]
    fn a_timestamp_earlier_than_the_previous_request_is_a_d20004() {
        let mut rp = Rp::strict();
        let now = rp.host_real_now();
        let nonce = rp.next_nonce();
        let first = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, now);
        assert_eq!(code_of(&mut rp, &first), "D00000");
        let nonce = rp.next_nonce();
        let same_time = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, now);
        assert_eq!(code_of(&mut rp, &same_time), "D00000");
        let nonce = rp.next_nonce();
        let earlier = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, now - 1);
        let envelope = rp.send(&earlier).envelope().expect("envelope");
        assert_eq!(envelope.code, "D20004");
        assert!(envelope.message.contains("timestamp"));
    }

    #[test]
    fn timestamps_outside_five_minutes_of_real_time_are_invalid_even_after_time_travel() {
        let mut rp = Rp::strict();
        rp.host.travel_ms(7 * 24 * 60 * 60_000);
        let now = rp.host_real_now();
        for (offset, expected) in [
            (-TIMESTAMP_WINDOW_MS - 1, "D20003"),
            (TIMESTAMP_WINDOW_MS + 1, "D20003"),
            (-TIMESTAMP_WINDOW_MS, "D00000"),
            (TIMESTAMP_WINDOW_MS, "D00000"),
        ] {
            let mut fresh = Rp::strict();
            fresh.host.travel_ms(7 * 24 * 60 * 60_000);
            let nonce = fresh.next_nonce();
            let request = fresh.signed_request_with(GET_KEY_PATH, b"", &nonce, now + offset);
            assert_eq!(code_of(&mut fresh, &request), expected, "offset {offset}");
        }
        // A client on real time is fine although the sandbox clock is a week ahead.
        let request = rp.signed_request(GET_KEY_PATH, b"");
        assert_eq!(code_of(&mut rp, &request), "D00000");
    }

    #[test]
    fn a_request_with_a_bad_signature_neither_burns_its_nonce_nor_moves_the_timestamp() {
        let mut rp = Rp::strict();
        let now = rp.host_real_now();
        let nonce = rp.next_nonce();
        let good = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, now);
        let mut forged = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, now + 60_000);
        set_header(
            &mut forged,
            "signature",
            good.header("signature").unwrap_or_default(),
        );
        assert_eq!(code_of(&mut rp, &forged), "D20006");
        assert!(
            rp.host
                .entries()
                .keys()
                .all(|key| !key.starts_with("envelope/"))
        );
        assert_eq!(code_of(&mut rp, &good), "D00000");
    }

    #[test]
    fn used_nonces_are_stored_with_an_expiry_on_the_sandbox_clock() {
        let mut rp = Rp::strict();
        rp.host.travel_ms(1_000_000);
        let nonce = rp.next_nonce();
        let request = rp.signed_request_with(GET_KEY_PATH, b"", &nonce, rp.host_real_now());
        assert_eq!(code_of(&mut rp, &request), "D00000");
        let entry = rp
            .host
            .entries()
            .get(&store::nonce_key(&nonce))
            .cloned()
            .expect("nonce stored");
        let sandbox_now = crate::host::Host::sandbox_now_ms(&rp.host);
        assert_eq!(entry.expires_at_ms, Some(sandbox_now + NONCE_MEMORY_MS));
    }

    #[test]
    fn errors_omit_content_and_successes_say_success_exactly() {
        let mut rp = Rp::strict();
        let request = rp.signed_request(GET_KEY_PATH, b"");
        let response = rp.send(&request);
        let json: Value = serde_json::from_slice(&response.body).expect("json");
        assert_eq!(json["code"], "D00000");
        assert_eq!(json["message"], "SUCCESS");
        assert!(json["txID"].as_str().is_some_and(|id| id.len() == 36));
        assert_eq!(
            response.headers,
            [("Content-Type".to_owned(), "application/json".to_owned())]
        );
        let response = rp.send(&request);
        let json: Value = serde_json::from_slice(&response.body).expect("json");
        assert_eq!(json["code"], "D20004");
        let keys: Vec<&String> = json
            .as_object()
            .map(|o| o.keys().collect())
            .unwrap_or_default();
        assert_eq!(keys.len(), 3, "{keys:?}");
        assert!(json.get("content").is_none());
    }
}
