//! What the request inspector may see of an API request and its answer: the request body with its `content`
//! decrypted, and the response `content` before encryption — both with every secret, token, code and piece of
//! personal data masked, and bounded in size.
//!
//! The guest is the only place that ever sees decrypted content, so the masking happens here, before anything
//! leaves the sandbox. Masking is by key (a field whose name says secret, token, code, name, address, identity
//! number … is masked with everything under it) and by value (anything shaped like an HKID number is masked
//! wherever it appears). Masked values keep their type's shape and length so a developer can still see that a
//! field was sent. This module must never return a masked value's original text, log anything, or fail a
//! request: when content cannot be decrypted or parsed the inspection says so instead.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::host::Host;

/// The most bytes each inspected JSON document may take. Larger documents are shortened (long strings cut, long
/// arrays elided) and, if still too large, replaced by a note giving their size.
pub const MAX_INSPECTED_BYTES: usize = 4096;
/// Strings longer than this are cut when a document is shortened.
const SHORTENED_STRING_CHARS: usize = 120;
/// Arrays longer than this are elided when a document is shortened.
const SHORTENED_ARRAY_ITEMS: usize = 10;
/// How deep masking follows nested values; anything deeper is masked whole.
const MAX_DEPTH: usize = 16;

/// The masked, decrypted JSON of one request and its response, as compact JSON text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inspection {
    /// The request body with `content` decrypted; `None` when the body was empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request: Option<String>,
    /// The response `content` before encryption; `None` when the answer carried none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<String>,
}

/// Field names (lower-cased, without `_` or `-`) whose values are masked, with everything under them.
const MASKED_KEYS: [&str; 14] = [
    "code",
    "authcode",
    "pin",
    "key",
    "secretkey",
    "openid",
    "cek",
    "iv",
    "otp",
    "gender",
    "dob",
    "idno",
    "hkid",
    "clientsecret",
];

/// Parts of field names that mark a value as secret or personal.
const MASKED_KEY_PARTS: [&str; 13] = [
    "secret",
    "token",
    "password",
    "passcode",
    "signature",
    "privatekey",
    "name",
    "address",
    "phone",
    "mobile",
    "email",
    "birth",
    "identification",
];

fn is_masked_key(key: &str) -> bool {
    let normal: String = key
        .chars()
        .filter(|c| *c != '_' && *c != '-')
        .flat_map(char::to_lowercase)
        .collect();
    MASKED_KEYS.contains(&normal.as_str())
        || MASKED_KEY_PARTS.iter().any(|part| normal.contains(part))
}

/// Whether `text` looks like an HKID number: one or two letters, six digits and a check digit, with or without
/// brackets.
fn looks_like_hkid(text: &str) -> bool {
    let compact: String = text
        .chars()
        .filter(|c| !matches!(c, '(' | ')' | ' '))
        .collect();
    let bytes = compact.as_bytes();
    let letters = bytes.iter().take_while(|b| b.is_ascii_alphabetic()).count();
    if !(1..=2).contains(&letters) || bytes.len() != letters + 7 {
        return false;
    }
    let (digits, check) = bytes[letters..].split_at(6);
    digits.iter().all(u8::is_ascii_digit)
        && check
            .first()
            .is_some_and(|c| c.is_ascii_digit() || *c == b'A' || *c == b'a')
}

fn masked_text(length: usize) -> Value {
    Value::String(format!("«masked, {length} characters»"))
}

/// Masks every leaf under a masked key, keeping the structure.
fn mask_all(value: &Value, depth: usize) -> Value {
    match value {
        Value::String(text) => masked_text(text.chars().count()),
        Value::Number(number) => masked_text(number.to_string().len()),
        Value::Array(items) if depth < MAX_DEPTH => {
            Value::Array(items.iter().map(|item| mask_all(item, depth + 1)).collect())
        }
        Value::Object(fields) if depth < MAX_DEPTH => Value::Object(
            fields
                .iter()
                .map(|(key, item)| (key.clone(), mask_all(item, depth + 1)))
                .collect(),
        ),
        Value::Array(_) | Value::Object(_) => Value::String("«masked»".to_owned()),
        Value::Null | Value::Bool(_) => value.clone(),
    }
}

/// Masks secret and personal fields of `value`.
pub fn mask(value: &Value) -> Value {
    mask_at(value, 0)
}

fn mask_at(value: &Value, depth: usize) -> Value {
    if depth >= MAX_DEPTH {
        return mask_all(value, MAX_DEPTH);
    }
    match value {
        Value::String(text) if looks_like_hkid(text) => masked_text(text.chars().count()),
        Value::Array(items) => {
            Value::Array(items.iter().map(|item| mask_at(item, depth + 1)).collect())
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, item)| {
                    let shown = if is_masked_key(key) {
                        mask_all(item, depth + 1)
                    } else {
                        mask_at(item, depth + 1)
                    };
                    (key.clone(), shown)
                })
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Cuts long strings and arrays, for a document over [`MAX_INSPECTED_BYTES`].
fn shorten(value: &Value) -> Value {
    match value {
        Value::String(text) if text.chars().count() > SHORTENED_STRING_CHARS => {
            let kept: String = text.chars().take(SHORTENED_STRING_CHARS).collect();
            Value::String(format!("{kept}… ({} characters)", text.chars().count()))
        }
        Value::Array(items) => {
            let mut kept: Vec<Value> = items
                .iter()
                .take(SHORTENED_ARRAY_ITEMS)
                .map(shorten)
                .collect();
            if items.len() > SHORTENED_ARRAY_ITEMS {
                kept.push(Value::String(format!(
                    "… {} more items",
                    items.len() - SHORTENED_ARRAY_ITEMS
                )));
            }
            Value::Array(kept)
        }
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, item)| (key.clone(), shorten(item)))
                .collect(),
        ),
        _ => value.clone(),
    }
}

/// Compact JSON of an already masked value, at most [`MAX_INSPECTED_BYTES`] long.
pub fn bounded_json(value: &Value) -> String {
    let text = value.to_string();
    if text.len() <= MAX_INSPECTED_BYTES {
        return text;
    }
    let shortened = shorten(value).to_string();
    if shortened.len() <= MAX_INSPECTED_BYTES {
        return shortened;
    }
    serde_json::json!({ "inspector": format!("{} bytes of JSON, too large to show", text.len()) })
        .to_string()
}

/// The inspector's view of a request body: JSON with secrets masked and, when `cek` is given, `content`
/// decrypted (or a note saying why it could not be).
pub(crate) fn request_json(
    body: &[u8],
    cek: Option<&[u8; crate::crypto::CEK_LENGTH]>,
) -> Option<String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return None;
    }
    let Ok(Value::Object(mut fields)) = serde_json::from_slice::<Value>(body) else {
        return Some(bounded_json(&serde_json::json!({
            "inspector": format!("{} bytes that are not a JSON object", body.len())
        })));
    };
    if let Some(Value::String(sealed)) = fields.get("content") {
        let shown = match cek {
            Some(cek) => match crate::crypto::decrypt_content(cek, sealed) {
                Ok(plain) => serde_json::from_slice::<Value>(&plain)
                    .unwrap_or_else(|_| Value::String("«decrypted, but not JSON»".to_owned())),
                Err(_) => Value::String(
                    "«encrypted; it does not decrypt with the current key»".to_owned(),
                ),
            },
            None => Value::String("«encrypted; there is no current key to decrypt it»".to_owned()),
        };
        fields.insert("content".to_owned(), shown);
    }
    Some(bounded_json(&mask(&Value::Object(fields))))
}

/// The inspector's view of a response's `content`: plain JSON as it is, an encrypted string decrypted with the
/// sandbox's current key; both masked.
pub(crate) fn response_json(host: &mut dyn Host, content: Option<&Value>) -> Option<String> {
    let shown = match content? {
        Value::String(sealed) => match crate::cek::peek_current_cek(host)
            .and_then(|cek| crate::crypto::decrypt_content(&cek, sealed).ok())
        {
            Some(plain) => serde_json::from_slice::<Value>(&plain)
                .unwrap_or_else(|_| Value::String("«decrypted, but not JSON»".to_owned())),
            None => Value::String("«encrypted»".to_owned()),
        },
        plain => plain.clone(),
    };
    Some(bounded_json(&mask(&shown)))
}

/// The current CEK for decrypting an inspected request, if there is one; never fails the request.
pub(crate) fn current_cek_for_inspection(
    host: &mut dyn Host,
    body: &[u8],
) -> Option<[u8; crate::crypto::CEK_LENGTH]> {
    // Only bodies that carry `content` need the key, so other requests read nothing more from storage.
    let carries_content = serde_json::from_slice::<Map<String, Value>>(body)
        .ok()
        .is_some_and(|fields| fields.get("content").is_some_and(Value::is_string));
    if !carries_content {
        return None;
    }
    crate::cek::peek_current_cek(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_codes_tokens_and_personal_data_are_masked_with_their_length() {
        let masked = mask(&json!({
            "code": "3b1f0c2a",
            "accessToken": "tok-123",
            "openID": "abcdef",
            "secretKey": "wrapped",
            "enName": {"UnstructuredName": "CHAN, Tai Man"},
            "residentialAddress": {"Building": "Block A"},
            "mobileNumber": {"CountryCode": "852", "SubscriberNumber": "91234567"},
            "ticketID": "7d3c",
            "expiresIn": 600000,
            "nested": [{"note": "A123456(3)"}],
        }));
        let text = masked.to_string();
        for secret in [
            "3b1f0c2a", "tok-123", "abcdef", "wrapped", "CHAN", "Block A", "91234567", "A123456",
        ] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
        assert_eq!(masked["code"], "«masked, 8 characters»");
        assert_eq!(
            masked["ticketID"], "7d3c",
            "identifiers that are not secret stay readable"
        );
        assert_eq!(masked["expiresIn"], 600000);
        assert_eq!(
            masked["mobileNumber"]["CountryCode"],
            "«masked, 3 characters»"
        );
    }

    #[test]
    fn hkid_numbers_are_recognised_with_or_without_brackets() {
        for hkid in ["A123456(3)", "AB9876543", "Z683365(A)", "c123456a"] {
            assert!(looks_like_hkid(hkid), "{hkid}");
        }
        for other in [
            "D00000",
            "A12345(3)",
            "ABC1234567",
            "1234567",
            "eidapi_auth",
        ] {
            assert!(!looks_like_hkid(other), "{other}");
        }
    }

    #[test]
    fn documents_are_bounded_by_shortening_then_by_a_note() {
        let long = json!({"pubKey": "x".repeat(10_000)});
        let shown = bounded_json(&long);
        assert!(shown.len() <= MAX_INSPECTED_BYTES);
        assert!(shown.contains("10000 characters"), "{shown}");
        let wide = Value::Array((0..5_000).map(|n| json!({ "k": n })).collect());
        let shown = bounded_json(&wide);
        assert!(
            shown.len() <= MAX_INSPECTED_BYTES && shown.contains("4990 more items"),
            "{shown}"
        );
        let huge = Value::Object(
            (0..5_000)
                .map(|n| (format!("field{n}"), json!(n)))
                .collect(),
        );
        assert!(bounded_json(&huge).contains("too large to show"));
    }

    #[test]
    fn deeply_nested_values_are_masked_whole_instead_of_recursing_without_end() {
        let mut value = json!("A123456(3)");
        for _ in 0..200 {
            value = json!([value]);
        }
        let text = mask(&value).to_string();
        assert!(!text.contains("A123456"));
    }

    #[test]
    fn request_bodies_show_decrypted_content_or_say_why_not() {
        let cek = [7u8; crate::crypto::CEK_LENGTH];
        let sealed = crate::crypto::encrypt_content(
            &cek,
            &[1u8; 12],
            br#"{"code":"c0de","grantType":"authorization_code"}"#,
        )
        .expect("encrypts");
        let body = json!({ "content": sealed }).to_string();
        let shown: Value =
            serde_json::from_str(&request_json(body.as_bytes(), Some(&cek)).expect("shown"))
                .expect("json");
        assert_eq!(shown["content"]["grantType"], "authorization_code");
        assert_eq!(shown["content"]["code"], "«masked, 4 characters»");
        let without_key = request_json(body.as_bytes(), None).expect("shown");
        assert!(without_key.contains("no current key"));
        let wrong_key =
            request_json(body.as_bytes(), Some(&[9u8; crate::crypto::CEK_LENGTH])).expect("shown");
        assert!(wrong_key.contains("does not decrypt"));
        assert_eq!(request_json(b"", None), None);
        assert!(request_json(b"not json", None).is_some_and(|note| note.contains("8 bytes")));
    }
}
