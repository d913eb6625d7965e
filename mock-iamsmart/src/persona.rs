//! The sandbox's synthetic users ("personas") and their per-client pseudonyms (`openID`).
//!
//! Personas are derived, not stored: the same pseudonym key always yields the same people, names and
//! dates, so a sandbox can be rebuilt from its configuration alone. This minimal set (an iAM Smart
//! user, an iAM Smart+ user, a suspended account, and three auto-responders for headless tests that
//! always approve, always reject or never answer) stands in until the full generator arrives. Persona
//! data is synthetic but is still never logged, so the habit holds.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use crate::config::SandboxConfig;
use crate::crypto::{base64_encode, hmac_sha256_digest, url_encode};

/// Persona id of the ordinary iAM Smart user.
pub const IAMSMART_USER: &str = "iamsmart-user";
/// Persona id of the iAM Smart+ user, who can sign.
pub const IAMSMART_PLUS_USER: &str = "iamsmart-plus-user";
/// Persona id of the suspended account, whose approvals fail with `D10001`.
pub const SUSPENDED_USER: &str = "suspended-user";
/// Persona id of the auto-responder that approves every request (an iAM Smart+ user).
pub const AUTO_APPROVE: &str = "auto-approve";
/// Persona id of the auto-responder that rejects every request (`D40001`).
pub const AUTO_REJECT: &str = "auto-reject";
/// Persona id of the auto-responder that never answers, so requests time out (`D40003`).
pub const NO_ANSWER: &str = "no-answer";

/// `userType` on the wire (PROTOCOL §2.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UserType {
    /// iAM Smart.
    #[serde(rename = "default")]
    Default,
    /// iAM Smart+, able to sign.
    #[serde(rename = "sign")]
    Sign,
}

impl UserType {
    pub fn as_str(self) -> &'static str {
        match self {
            UserType::Default => "default",
            UserType::Sign => "sign",
        }
    }
}

/// Whether the persona's account can be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonaStatus {
    Active,
    Suspended,
}

/// How a persona answers a login when the sandbox's auto-responder speaks for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StandingAnswer {
    /// An ordinary user: answers on the virtual phone; as the auto-responder, approves.
    Manual,
    AlwaysApprove,
    AlwaysReject,
    NeverAnswer,
}

/// A synthetic iAM Smart user of this sandbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persona {
    pub id: String,
    /// The English name in HKID style, for example `CHAN, Tai Man`.
    pub display_name: String,
    pub user_type: UserType,
    pub status: PersonaStatus,
    /// What the persona answers when it is the sandbox's auto-responder.
    pub answers: StandingAnswer,
    /// When the account's profile last changed (epoch ms), reported as `lastModifiedDate`.
    pub last_modified_ms: i64,
}

const SURNAMES: [&str; 8] = ["CHAN", "WONG", "LEE", "CHEUNG", "LAU", "NG", "HO", "LAM"];
const GIVEN_NAMES: [&str; 8] = [
    "Tai Man",
    "Siu Ming",
    "Ka Yan",
    "Wing Yee",
    "Chi Keung",
    "Mei Ling",
    "Ho Yin",
    "Hiu Tung",
];
/// 2021-01-01T00:00:00Z; profile dates fall in the three years after it.
const PROFILE_DATES_START_MS: i64 = 1_609_459_200_000;
const PROFILE_DATES_SPAN_MS: u64 = 3 * 365 * 24 * 60 * 60 * 1000;

/// The fixed cast: id, account type, status and standing answer.
const CAST: [(&str, UserType, PersonaStatus, StandingAnswer); 6] = [
    (
        IAMSMART_USER,
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::Manual,
    ),
    (
        IAMSMART_PLUS_USER,
        UserType::Sign,
        PersonaStatus::Active,
        StandingAnswer::Manual,
    ),
    (
        SUSPENDED_USER,
        UserType::Default,
        PersonaStatus::Suspended,
        StandingAnswer::Manual,
    ),
    (
        AUTO_APPROVE,
        UserType::Sign,
        PersonaStatus::Active,
        StandingAnswer::AlwaysApprove,
    ),
    (
        AUTO_REJECT,
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::AlwaysReject,
    ),
    (
        NO_ANSWER,
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::NeverAnswer,
    ),
];

/// Bytes derived from the pseudonym key for one purpose and one persona. The NUL separators keep
/// different (purpose, id) pairs from ever hashing the same input.
fn derive(config: &SandboxConfig, purpose: &str, persona_id: &str) -> [u8; 32] {
    hmac_sha256_digest(
        config.pseudonym_key.expose().as_bytes(),
        &[purpose.as_bytes(), b"\0", persona_id.as_bytes()],
    )
}

fn first_u64(bytes: &[u8; 32]) -> u64 {
    let mut word = [0u8; 8];
    for (slot, byte) in word.iter_mut().zip(bytes) {
        *slot = *byte;
    }
    u64::from_be_bytes(word)
}

/// Every persona of this sandbox, in a stable order.
pub fn personas(config: &SandboxConfig) -> Vec<Persona> {
    let name_seed = first_u64(&derive(config, "names", ""));
    let surname_base = (name_seed % SURNAMES.len() as u64) as usize;
    let given_base = (name_seed / SURNAMES.len() as u64 % GIVEN_NAMES.len() as u64) as usize;
    CAST.iter()
        .enumerate()
        .map(|(index, (id, user_type, status, answers))| {
            // Offsetting one seed by the persona's index gives each persona a different surname, so
            // the cast is easy to tell apart on the virtual phone.
            let surname = SURNAMES[(surname_base + index) % SURNAMES.len()];
            let given = GIVEN_NAMES[(given_base + index * 3) % GIVEN_NAMES.len()];
            let date_offset =
                first_u64(&derive(config, "last-modified", id)) % PROFILE_DATES_SPAN_MS;
            Persona {
                id: (*id).to_owned(),
                display_name: format!("{surname}, {given}"),
                user_type: *user_type,
                status: *status,
                answers: *answers,
                // The span is far below i64::MAX, so the conversion cannot fail; 0 is never reached
                // because the start date is added.
                last_modified_ms: PROFILE_DATES_START_MS
                    + i64::try_from(date_offset).unwrap_or_default(),
            }
        })
        .collect()
}

/// The persona with this id.
pub fn find_persona(config: &SandboxConfig, persona_id: &str) -> Option<Persona> {
    personas(config)
        .into_iter()
        .find(|persona| persona.id == persona_id)
}

/// The persona's `openID` for this sandbox's client, as sent on the wire: URL-encoded
/// `Base64(HMAC-SHA256(pseudonym key, personaID ‖ NUL ‖ clientID))`.
///
/// The brief specifies `personaID ‖ clientID`; the NUL separator is added so that no two
/// (persona, client) pairs can concatenate to the same input.
pub fn open_id(config: &SandboxConfig, persona_id: &str) -> String {
    url_encode(&raw_open_id(config, persona_id))
}

/// The openID before URL-encoding.
fn raw_open_id(config: &SandboxConfig, persona_id: &str) -> String {
    let digest = hmac_sha256_digest(
        config.pseudonym_key.expose().as_bytes(),
        &[persona_id.as_bytes(), b"\0", config.client_id.as_bytes()],
    );
    base64_encode(&digest)
}

/// Undoes URL-encoding, so an openID compares equal whether the client sent it encoded (as issued) or
/// decoded (PROTOCOL §11.7).
pub fn normalise_open_id(presented: &str) -> String {
    percent_decode_str(presented)
        .decode_utf8_lossy()
        .into_owned()
}

/// Whether `presented` is this persona's openID, in either form.
pub fn open_id_matches(config: &SandboxConfig, persona_id: &str, presented: &str) -> bool {
    normalise_open_id(presented) == raw_open_id(config, persona_id)
}

/// The persona an openID belongs to, in either form.
pub fn persona_for_open_id(config: &SandboxConfig, presented: &str) -> Option<Persona> {
    let wanted = normalise_open_id(presented);
    personas(config)
        .into_iter()
        .find(|persona| raw_open_id(config, &persona.id) == wanted)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn the_cast_has_a_basic_user_a_plus_user_a_suspended_account_and_three_auto_responders() {
        let cast = personas(&testkit::config());
        assert_eq!(cast.len(), 6);
        let answers: Vec<StandingAnswer> = cast.iter().map(|persona| persona.answers).collect();
        assert_eq!(
            answers[3..],
            [
                StandingAnswer::AlwaysApprove,
                StandingAnswer::AlwaysReject,
                StandingAnswer::NeverAnswer
            ]
        );
        let basic = find_persona(&testkit::config(), IAMSMART_USER).expect("basic");
        assert_eq!(
            (basic.user_type, basic.status),
            (UserType::Default, PersonaStatus::Active)
        );
        let plus = find_persona(&testkit::config(), IAMSMART_PLUS_USER).expect("plus");
        assert_eq!(plus.user_type, UserType::Sign);
        let suspended = find_persona(&testkit::config(), SUSPENDED_USER).expect("suspended");
        assert_eq!(suspended.status, PersonaStatus::Suspended);
        assert_eq!(find_persona(&testkit::config(), "nobody"), None);
    }

    #[test]
    fn personas_are_deterministic_per_key_and_differ_between_keys() {
        let config = testkit::config();
        assert_eq!(personas(&config), personas(&config));
        let mut other = testkit::config();
        other.pseudonym_key = "another-key".into();
        assert_ne!(personas(&config), personas(&other));
        for persona in personas(&config) {
            assert!(persona.last_modified_ms >= PROFILE_DATES_START_MS);
            assert!(persona.display_name.contains(", "));
        }
        let names: std::collections::BTreeSet<String> = personas(&config)
            .into_iter()
            .map(|persona| persona.display_name)
            .collect();
        assert_eq!(names.len(), 6);
    }

    #[test]
    fn open_ids_match_an_independently_computed_hmac() {
        // python3 -c "import hmac,hashlib,base64,urllib.parse;print(urllib.parse.quote(base64.b64encode(
        //   hmac.new(b'test-pseudonym-key', b'iamsmart-user\0' + b'0123456789abcdef0123456789abcdef',
        //   hashlib.sha256).digest()).decode(), safe=''))"
        assert_eq!(
            open_id(&testkit::config(), IAMSMART_USER),
            "OfG5yvirrLJRDwMOmSs2lxPSFk%2B5ZnXl7E%2FyluG5I2E%3D"
        );
    }

    #[test]
    fn open_ids_are_per_persona_and_per_client() {
        let config = testkit::config();
        let basic = open_id(&config, IAMSMART_USER);
        assert_ne!(basic, open_id(&config, IAMSMART_PLUS_USER));
        let mut other_client = testkit::config();
        other_client.client_id = "fedcba9876543210fedcba9876543210".into();
        assert_ne!(basic, open_id(&other_client, IAMSMART_USER));
        assert_eq!(basic, open_id(&config, IAMSMART_USER));
    }

    #[test]
    fn open_ids_are_accepted_back_encoded_or_decoded() {
        let config = testkit::config();
        let encoded = open_id(&config, IAMSMART_USER);
        let decoded = normalise_open_id(&encoded);
        assert_ne!(encoded, decoded);
        assert!(decoded.ends_with('='));
        assert!(open_id_matches(&config, IAMSMART_USER, &encoded));
        assert!(open_id_matches(&config, IAMSMART_USER, &decoded));
        assert!(!open_id_matches(&config, IAMSMART_PLUS_USER, &encoded));
        let found = persona_for_open_id(&config, &decoded).map(|persona| persona.id);
        assert_eq!(found.as_deref(), Some(IAMSMART_USER));
        assert_eq!(persona_for_open_id(&config, "not-an-open-id"), None);
    }

    #[test]
    fn user_types_use_the_wire_names() {
        assert_eq!(
            serde_json::to_string(&UserType::Sign).expect("serialises"),
            "\"sign\""
        );
        assert_eq!(UserType::Default.as_str(), "default");
    }
}
