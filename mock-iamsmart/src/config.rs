//! The per-sandbox configuration the host loads from its database and passes with every call.
//!
//! Secrets (the client secret and the pseudonym key) live in [`Secret`], which never prints itself and
//! does not implement `Serialize`; the one deliberate way to put them on the wire to the guest is
//! [`SandboxConfig::to_guest_json`]. This module must never log or echo a secret.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::codes::{DCode, ProtocolError};
use crate::persona::{CustomPersona, PersonaSet};
use crate::scope::Scope;

/// A secret string: readable by the code that needs it, invisible to `Debug` and to serialisers.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The secret itself; call sites are easy to find by this name.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(<redacted>)")
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self::new(value)
    }
}

/// How forgiving the envelope checks are (PROTOCOL §1.1, §11).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProtocolMode {
    /// Accepts exactly what clients that work against the real ITE send.
    #[default]
    Strict,
    /// Also accepts the looser habits listed in §1.1 (unencoded signatures, signing only `content`,
    /// envelope parameters in the JSON body).
    Lenient,
}

pub const DEFAULT_CODE_LIFETIME_MS: i64 = 60_000;
pub const DEFAULT_TICKET_LIFETIME_MS: i64 = 18 * 60_000;
pub const DEFAULT_CEK_LIFETIME_MS: i64 = 24 * 60 * 60_000;
pub const DEFAULT_TOKEN_LIFETIME_MS: i64 = 4 * 60 * 60_000;

fn default_code_lifetime_ms() -> i64 {
    DEFAULT_CODE_LIFETIME_MS
}
fn default_ticket_lifetime_ms() -> i64 {
    DEFAULT_TICKET_LIFETIME_MS
}
fn default_cek_lifetime_ms() -> i64 {
    DEFAULT_CEK_LIFETIME_MS
}
fn default_token_lifetime_ms() -> i64 {
    DEFAULT_TOKEN_LIFETIME_MS
}
fn default_service_name() -> String {
    "Online service".to_owned()
}
fn default_granted_scopes() -> Vec<String> {
    // Login is the one scope every onboarded service has, so a configuration that names none still
    // lets the sandbox log users in.
    vec![Scope::Auth.as_str().to_owned()]
}

/// One sandbox: the relying party's credentials, allow-lists and lifetimes.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct SandboxConfig {
    pub client_id: String,
    pub client_secret: Secret,
    /// The RP's RSA-2048 encipherment public key: PEM (`PUBLIC KEY` or `RSA PUBLIC KEY`) or Base64 DER.
    pub rp_public_key: String,
    /// Redirect URIs the sandbox accepts, compared exactly.
    #[serde(default)]
    pub redirect_uris: Vec<String>,
    /// Scope names granted to this client (`eidapi_auth`, ...).
    #[serde(default = "default_granted_scopes")]
    pub granted_scopes: Vec<String>,
    #[serde(default)]
    pub protocol_mode: ProtocolMode,
    #[serde(default = "default_code_lifetime_ms")]
    pub code_lifetime_ms: i64,
    #[serde(default = "default_ticket_lifetime_ms")]
    pub ticket_lifetime_ms: i64,
    #[serde(default = "default_cek_lifetime_ms")]
    pub cek_lifetime_ms: i64,
    #[serde(default = "default_token_lifetime_ms")]
    pub token_lifetime_ms: i64,
    /// Keys the openID pseudonyms and seeds the personas' synthetic data.
    pub pseudonym_key: Secret,
    /// When set, getQR answers every login at once as this persona (headless automation): an
    /// ordinary persona or `auto-approve` approves, `auto-reject` rejects, `no-answer` leaves the
    /// ticket to time out.
    #[serde(default)]
    pub auto_responder: Option<String>,
    /// The online service's name as the virtual phone shows it to the user ("who is asking").
    #[serde(default = "default_service_name")]
    pub service_name: String,
    /// Which personas the sandbox offers: the catalogue, the developer's own, or both.
    #[serde(default)]
    pub persona_set: PersonaSet,
    /// The developer's own personas (checked by `persona::custom` before they are stored).
    #[serde(default)]
    pub custom_personas: Vec<CustomPersona>,
}

impl SandboxConfig {
    /// A configuration with the default lifetimes, strict mode, only `eidapi_auth` granted and no
    /// redirect URIs.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: Secret,
        rp_public_key: impl Into<String>,
        pseudonym_key: Secret,
    ) -> Self {
        Self {
            client_id: client_id.into(),
            client_secret,
            rp_public_key: rp_public_key.into(),
            redirect_uris: Vec::new(),
            granted_scopes: default_granted_scopes(),
            protocol_mode: ProtocolMode::Strict,
            code_lifetime_ms: DEFAULT_CODE_LIFETIME_MS,
            ticket_lifetime_ms: DEFAULT_TICKET_LIFETIME_MS,
            cek_lifetime_ms: DEFAULT_CEK_LIFETIME_MS,
            token_lifetime_ms: DEFAULT_TOKEN_LIFETIME_MS,
            pseudonym_key,
            auto_responder: None,
            service_name: default_service_name(),
            persona_set: PersonaSet::default(),
            custom_personas: Vec::new(),
        }
    }

    /// The configuration as JSON, secrets included, for passing into the guest. This is deliberately
    /// not `Serialize`: the name makes every place that ships secrets across a boundary easy to audit.
    pub fn to_guest_json(&self) -> String {
        serde_json::json!({
            "client_id": self.client_id,
            "client_secret": self.client_secret.expose(),
            "rp_public_key": self.rp_public_key,
            "redirect_uris": self.redirect_uris,
            "granted_scopes": self.granted_scopes,
            "protocol_mode": self.protocol_mode,
            "code_lifetime_ms": self.code_lifetime_ms,
            "ticket_lifetime_ms": self.ticket_lifetime_ms,
            "cek_lifetime_ms": self.cek_lifetime_ms,
            "token_lifetime_ms": self.token_lifetime_ms,
            "pseudonym_key": self.pseudonym_key.expose(),
            "auto_responder": self.auto_responder,
            "service_name": self.service_name,
            "persona_set": self.persona_set,
            "custom_personas": self.custom_personas,
        })
        .to_string()
    }

    /// Checks what the host is responsible for getting right. A failure is the sandbox's fault, not
    /// the client's, so it maps to `D20000` (unknown exception) rather than a parameter code.
    pub fn validate(&self) -> Result<(), ProtocolError> {
        let fault = |what: &str| {
            Err(ProtocolError::with_message(
                DCode::UnknownException,
                format!("sandbox misconfigured: {what}"),
            ))
        };
        if self.client_id.is_empty() {
            return fault("client_id is empty");
        }
        if self.client_secret.expose().is_empty() {
            return fault("client_secret is empty");
        }
        if self.pseudonym_key.expose().is_empty() {
            return fault("pseudonym_key is empty");
        }
        let lifetimes = [
            ("code_lifetime_ms", self.code_lifetime_ms),
            ("ticket_lifetime_ms", self.ticket_lifetime_ms),
            ("cek_lifetime_ms", self.cek_lifetime_ms),
            ("token_lifetime_ms", self.token_lifetime_ms),
        ];
        for (name, lifetime) in lifetimes {
            if lifetime <= 0 {
                return fault(&format!("{name} must be positive"));
            }
        }
        Ok(())
    }

    /// Whether the scope name is on this client's grant list.
    pub fn is_granted(&self, scope: Scope) -> bool {
        self.granted_scopes
            .iter()
            .any(|name| name == scope.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> SandboxConfig {
        SandboxConfig::new(
            "0123456789abcdef0123456789abcdef",
            Secret::new("very-secret-value"),
            "-----BEGIN PUBLIC KEY-----",
            Secret::new("pseudonym-secret"),
        )
    }

    #[test]
    fn secrets_do_not_appear_in_debug_output() {
        let text = format!("{:?}", sample());
        assert!(!text.contains("very-secret-value"));
        assert!(!text.contains("pseudonym-secret"));
        assert!(text.contains("<redacted>"));
    }

    #[test]
    fn deserialising_fills_in_the_documented_defaults() {
        let json =
            r#"{"client_id":"abc","client_secret":"s","rp_public_key":"k","pseudonym_key":"p"}"#;
        let config: SandboxConfig = serde_json::from_str(json).expect("minimal config parses");
        assert_eq!(config.protocol_mode, ProtocolMode::Strict);
        assert_eq!(config.code_lifetime_ms, 60_000);
        assert_eq!(config.ticket_lifetime_ms, 1_080_000);
        assert_eq!(config.cek_lifetime_ms, 86_400_000);
        assert_eq!(config.token_lifetime_ms, 14_400_000);
        assert_eq!(config.granted_scopes, ["eidapi_auth"]);
        assert_eq!(config.client_secret.expose(), "s");
        assert!(config.redirect_uris.is_empty());
        assert_eq!(config.auto_responder, None);
        assert_eq!(config.service_name, "Online service");
    }

    #[test]
    fn guest_json_round_trips_with_the_secrets() {
        let mut config = sample();
        config.protocol_mode = ProtocolMode::Lenient;
        config
            .redirect_uris
            .push("https://rp.example/callback".into());
        config.auto_responder = Some("iamsmart-user".into());
        config.service_name = "Demo Bank 示範銀行".into();
        config.persona_set = PersonaSet::CustomOnly;
        config.custom_personas = crate::persona::custom::parse_import(
            r#"[{"id": "own", "userType": "sign", "profile": {"gender": "F"}}]"#,
            1,
        )
        .expect("a valid persona");
        let back: SandboxConfig =
            serde_json::from_str(&config.to_guest_json()).expect("guest json parses");
        assert_eq!(back, config);
    }

    #[test]
    fn validation_rejects_non_positive_lifetimes_and_empty_secrets() {
        assert_eq!(sample().validate(), Ok(()));
        let mut config = sample();
        config.code_lifetime_ms = 0;
        let error = config.validate().expect_err("zero lifetime is a fault");
        assert_eq!(error.code, DCode::UnknownException);
        assert!(error.message.contains("code_lifetime_ms"));
        let mut config = sample();
        config.client_secret = Secret::new("");
        assert!(config.validate().is_err());
    }
}
