//! The sandbox's synthetic users ("personas"), their per-client pseudonyms (`openID`) and their full
//! profiles.
//!
//! Personas are derived, not stored: the same pseudonym key always yields the same people, names and
//! dates, so a sandbox can be rebuilt from its configuration alone. The cast is the curated catalogue
//! of scenario personas in [`catalogue`] (documented in `PERSONAS.md`); [`Persona`] is the small
//! summary the virtual phone lists, and [`profile_on`] builds a persona's full [`PersonaProfile`] with
//! the identity generator. Persona data is synthetic but is still never logged, so the habit holds.

use percent_encoding::percent_decode_str;
use serde::{Deserialize, Serialize};

use crate::codes::ProtocolError;
use crate::config::SandboxConfig;
use crate::crypto::{base64_encode, hmac_sha256_digest, url_encode};
use crate::identity::date::CivilDate;
use crate::identity::generator::{self, Recipe};
use crate::identity::names::{LEGACY_GIVEN_NAMES, LEGACY_SURNAME_COUNT, NameStyle};
use crate::identity::profile::PersonaProfile;
use crate::identity::seed::IdentitySeed;

pub mod catalogue;
pub mod custom;

pub use catalogue::{CATALOGUE, Scenario, markdown as catalogue_markdown};
pub use custom::{CustomPersona, PersonaSet};

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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

/// The state of an iAM Smart+ persona's signing certificate, which the sandbox CA issues accordingly:
/// a valid certificate, one on the CRL, or one past its `notAfter`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateLifecycle {
    #[default]
    Valid,
    Revoked,
    Expired,
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
    /// What the persona lets a relying party test, in one English sentence.
    #[serde(default)]
    pub scenario: String,
    /// Whether the persona is a minor (11–17) whose requests need a guardian's approval.
    #[serde(default)]
    pub needs_guardian: bool,
    /// The state of the persona's signing certificate (iAM Smart+ users only).
    #[serde(default)]
    pub certificate: CertificateLifecycle,
}

/// 2021-01-01T00:00:00Z; profile dates fall in the three years after it.
const PROFILE_DATES_START_MS: i64 = 1_609_459_200_000;
const PROFILE_DATES_SPAN_MS: u64 = 3 * 365 * 24 * 60 * 60 * 1000;

/// Spreads the catalogue's identity-card serials over the six-digit space. It is odd and not a multiple
/// of 5, so it is coprime with 1 000 000 and no two catalogue positions ever share a serial.
const HKID_SERIAL_STRIDE: u64 = 387_403;

/// The date [`profile`] uses: the catalogue's documentation and snapshot date.
pub fn catalogue_reference_date() -> CivilDate {
    CivilDate::new(2026, 1, 1).unwrap_or(CivilDate::FIRST)
}

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

/// The seed of one persona's synthetic data.
fn identity_seed(config: &SandboxConfig, persona_id: &str) -> IdentitySeed {
    IdentitySeed::new(derive(config, "identity", persona_id))
}

/// The scenario's recipe, with the original personas' names resolved the way they always were: one
/// key-wide seed, offset by the persona's slot, so the cast is easy to tell apart on the phone.
fn recipe(config: &SandboxConfig, scenario: &Scenario) -> Recipe {
    let Some(slot) = scenario.legacy_slot else {
        return scenario.recipe;
    };
    let name_seed = first_u64(&derive(config, "names", ""));
    let surname_count = LEGACY_SURNAME_COUNT as u64;
    let given_count = LEGACY_GIVEN_NAMES.len() as u64;
    let surname_base = (name_seed % surname_count) as usize;
    let given_base = (name_seed / surname_count % given_count) as usize;
    Recipe {
        name: NameStyle::Legacy {
            surname: (surname_base + slot) % LEGACY_SURNAME_COUNT,
            given: (given_base + slot * 3) % LEGACY_GIVEN_NAMES.len(),
        },
        ..scenario.recipe
    }
}

/// The six-digit identity-card serial of the catalogue entry at `index`: a key-wide base plus a
/// stride, so serials differ between sandboxes and never repeat within one.
fn hkid_serial(config: &SandboxConfig, index: usize) -> u32 {
    let base = first_u64(&derive(config, "hkid-serial", "")) % 1_000_000;
    let serial = (base + index as u64 * HKID_SERIAL_STRIDE) % 1_000_000;
    // Below 1 000 000, so it always fits.
    u32::try_from(serial).unwrap_or_default()
}

fn persona_at(config: &SandboxConfig, scenario: &Scenario) -> Persona {
    let (name, _) = generator::person_name(
        &identity_seed(config, scenario.id),
        &recipe(config, scenario),
    );
    let date_offset =
        first_u64(&derive(config, "last-modified", scenario.id)) % PROFILE_DATES_SPAN_MS;
    Persona {
        id: scenario.id.to_owned(),
        display_name: name.english,
        user_type: scenario.user_type,
        status: scenario.status,
        answers: scenario.answers,
        // The span is far below i64::MAX, so the conversion cannot fail; 0 is never reached because
        // the start date is added.
        last_modified_ms: PROFILE_DATES_START_MS + i64::try_from(date_offset).unwrap_or_default(),
        scenario: scenario.tests.to_owned(),
        needs_guardian: scenario.needs_guardian(),
        certificate: scenario.certificate,
    }
}

/// The summary of a developer's own persona.
fn custom_persona_at(custom: &CustomPersona) -> Persona {
    Persona {
        id: custom.id.clone(),
        display_name: custom.display_name(),
        user_type: custom.user_type,
        status: custom.status,
        answers: custom.answers,
        last_modified_ms: custom.last_modified_date,
        scenario: custom.scenario.clone(),
        needs_guardian: custom.needs_guardian(),
        // A developer's own iAM Smart+ persona gets a valid certificate.
        certificate: CertificateLifecycle::Valid,
    }
}

/// The developer's persona with this id, when the sandbox's persona set offers custom personas.
fn offered_custom<'a>(config: &'a SandboxConfig, persona_id: &str) -> Option<&'a CustomPersona> {
    config
        .persona_set
        .offers_custom()
        .then(|| {
            config
                .custom_personas
                .iter()
                .find(|custom| custom.id == persona_id)
        })
        .flatten()
}

/// The catalogue entry with this id, when the sandbox's persona set offers the catalogue.
fn offered_scenario(
    config: &SandboxConfig,
    persona_id: &str,
) -> Option<(usize, &'static Scenario)> {
    config
        .persona_set
        .offers_catalogue()
        .then(|| catalogue::scenario(persona_id))
        .flatten()
}

/// The ids of every persona the sandbox offers, in order: catalogue order (a custom persona with a
/// catalogue id takes that entry's place), then the other custom personas in the order they were
/// added. With the custom-only set, the custom personas alone.
pub fn offered_ids(config: &SandboxConfig) -> Vec<&str> {
    let mut ids: Vec<&str> = Vec::new();
    if config.persona_set.offers_catalogue() {
        ids.extend(CATALOGUE.iter().map(|scenario| scenario.id));
    }
    if config.persona_set.offers_custom() {
        for custom in &config.custom_personas {
            if !ids.contains(&custom.id.as_str()) {
                ids.push(&custom.id);
            }
        }
    }
    ids
}

/// Every persona of this sandbox, in the order of [`offered_ids`].
pub fn personas(config: &SandboxConfig) -> Vec<Persona> {
    offered_ids(config)
        .into_iter()
        .filter_map(|id| find_persona(config, id))
        .collect()
}

/// The persona with this id, among those the sandbox offers.
pub fn find_persona(config: &SandboxConfig, persona_id: &str) -> Option<Persona> {
    if let Some(custom) = offered_custom(config, persona_id) {
        return Some(custom_persona_at(custom));
    }
    offered_scenario(config, persona_id).map(|(_, scenario)| persona_at(config, scenario))
}

/// The persona's full profile on `today` (the sandbox's date, in Hong Kong): every field in its
/// PROTOCOL §3.1 shape, with the fields its scenario lacks left out. Ages are pinned to `today`, so a
/// minor is a minor on any date; flows pass
/// `CivilDate::from_epoch_ms_hong_kong(host.sandbox_now_ms())`. A developer's own persona has the
/// profile they wrote, on any date.
pub fn profile_on(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
) -> Option<PersonaProfile> {
    if let Some(custom) = offered_custom(config, persona_id) {
        return Some(custom.profile.clone());
    }
    let (index, scenario) = offered_scenario(config, persona_id)?;
    Some(generated_profile(config, index, scenario, today))
}

fn generated_profile(
    config: &SandboxConfig,
    index: usize,
    scenario: &Scenario,
    today: CivilDate,
) -> PersonaProfile {
    generator::generate(
        &identity_seed(config, scenario.id),
        &recipe(config, scenario),
        hkid_serial(config, index),
        today,
    )
}

/// The catalogue persona's generated profile on `today`, whatever the sandbox's persona set: what the
/// console starts from when a developer customises a catalogue persona.
pub fn catalogue_profile_on(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
) -> Option<PersonaProfile> {
    let (index, scenario) = catalogue::scenario(persona_id)?;
    Some(generated_profile(config, index, scenario, today))
}

/// The persona's full profile on the catalogue's reference date ([`catalogue_reference_date`]), for
/// documentation, previews and snapshots. Flows use [`profile_on`] with the sandbox's date.
pub fn profile(config: &SandboxConfig, persona_id: &str) -> Option<PersonaProfile> {
    profile_on(config, persona_id, catalogue_reference_date())
}

/// The persona's full profile for a flow, or `D20003` (invalid `personaID`) for an unknown persona.
pub fn require_profile(
    config: &SandboxConfig,
    persona_id: &str,
    today: CivilDate,
) -> Result<PersonaProfile, ProtocolError> {
    profile_on(config, persona_id, today).ok_or_else(|| ProtocolError::invalid("personaID"))
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
    // Only the matching persona's summary is built; the others cost one HMAC each.
    offered_ids(config)
        .into_iter()
        .find(|id| raw_open_id(config, id) == wanted)
        .and_then(|id| find_persona(config, id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit;

    #[test]
    fn the_cast_starts_with_the_original_six_and_their_account_facts() {
        let cast = personas(&testkit::config());
        assert_eq!(cast.len(), CATALOGUE.len());
        let first_six: Vec<(&str, UserType, PersonaStatus, StandingAnswer)> = cast[..6]
            .iter()
            .map(|persona| {
                (
                    persona.id.as_str(),
                    persona.user_type,
                    persona.status,
                    persona.answers,
                )
            })
            .collect();
        assert_eq!(
            first_six,
            [
                (
                    IAMSMART_USER,
                    UserType::Default,
                    PersonaStatus::Active,
                    StandingAnswer::Manual
                ),
                (
                    IAMSMART_PLUS_USER,
                    UserType::Sign,
                    PersonaStatus::Active,
                    StandingAnswer::Manual
                ),
                (
                    SUSPENDED_USER,
                    UserType::Default,
                    PersonaStatus::Suspended,
                    StandingAnswer::Manual
                ),
                (
                    AUTO_APPROVE,
                    UserType::Sign,
                    PersonaStatus::Active,
                    StandingAnswer::AlwaysApprove
                ),
                (
                    AUTO_REJECT,
                    UserType::Default,
                    PersonaStatus::Active,
                    StandingAnswer::AlwaysReject
                ),
                (
                    NO_ANSWER,
                    UserType::Default,
                    PersonaStatus::Active,
                    StandingAnswer::NeverAnswer
                ),
            ]
        );
        assert_eq!(find_persona(&testkit::config(), "nobody"), None);
        assert_eq!(
            find_persona(&testkit::config(), "minor-aged-11").map(|persona| persona.needs_guardian),
            Some(true)
        );
    }

    #[test]
    fn the_original_six_keep_their_names_and_profile_dates() {
        // Computed with the derivation the six had before the catalogue (python3, hmac over
        // b"names\0" and b"last-modified\0" + id with the fixture key), so nothing a relying party
        // saw for them has changed.
        let expected = [
            (IAMSMART_USER, "LAU, Mei Ling", 1_660_652_874_419),
            (IAMSMART_PLUS_USER, "NG, Tai Man", 1_668_685_671_223),
            (SUSPENDED_USER, "HO, Wing Yee", 1_629_467_457_666),
            (AUTO_APPROVE, "LAM, Ho Yin", 1_633_607_290_876),
            (AUTO_REJECT, "CHAN, Siu Ming", 1_651_992_748_660),
            (NO_ANSWER, "WONG, Chi Keung", 1_635_183_860_598),
        ];
        let config = testkit::config();
        for (id, name, last_modified_ms) in expected {
            let persona = find_persona(&config, id).expect("an original persona");
            assert_eq!(
                (persona.display_name.as_str(), persona.last_modified_ms),
                (name, last_modified_ms)
            );
            let profile = profile(&config, id).expect("a profile");
            assert_eq!(
                profile.english_name(),
                Some(name),
                "the profile agrees with the phone"
            );
        }
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
            assert!(!persona.scenario.is_empty());
        }
        let names: std::collections::BTreeSet<String> = personas(&config)[..6]
            .iter()
            .map(|persona| persona.display_name.clone())
            .collect();
        assert_eq!(names.len(), 6, "the original six are easy to tell apart");
    }

    #[test]
    fn profiles_are_deterministic_per_key_and_date_and_differ_between_keys() {
        let config = testkit::config();
        let mut other = testkit::config();
        other.pseudonym_key = "another-key".into();
        let today = CivilDate::new(2026, 7, 1).expect("a real date");
        for scenario in &CATALOGUE {
            let once = profile_on(&config, scenario.id, today);
            assert!(once.is_some(), "{}", scenario.id);
            assert_eq!(
                once,
                profile_on(&config, scenario.id, today),
                "{}",
                scenario.id
            );
            assert_ne!(
                once,
                profile_on(&other, scenario.id, today),
                "{}",
                scenario.id
            );
        }
        assert_eq!(profile(&config, "nobody"), None);
        assert!(require_profile(&config, "nobody", today).is_err());
    }

    #[test]
    fn every_profile_validates_and_no_two_share_an_identity_number() {
        for key in ["test-pseudonym-key", "another-key", "k"] {
            let mut config = testkit::config();
            config.pseudonym_key = key.into();
            let mut numbers = std::collections::BTreeSet::new();
            for scenario in &CATALOGUE {
                let profile = profile(&config, scenario.id).expect("a profile");
                assert_eq!(
                    crate::identity::validate_profile(&profile),
                    Ok(()),
                    "{} with key {key}",
                    scenario.id
                );
                let number = profile.id_no.expect("every persona has an idNo");
                assert!(
                    numbers.insert(
                        number.identification[number.identification.len() - 6..].to_owned()
                    )
                );
            }
        }
    }

    #[test]
    fn scenario_facts_show_in_the_profiles() {
        let config = testkit::config();
        let today = catalogue_reference_date();
        let get = |id: &str| profile(&config, id).expect("a profile");
        for scenario in CATALOGUE
            .iter()
            .filter(|scenario| scenario.needs_guardian())
        {
            let age = get(scenario.id).age_on(today).expect("an age");
            assert!((11..=17).contains(&age), "{} is {age}", scenario.id);
        }
        assert!(get("elderly-user").age_on(today).expect("an age") >= 70);
        assert!(get("no-chinese-name").ch_name.is_none());
        assert!(get("no-chinese-name").ch_name_verified.is_none());
        assert_eq!(
            get("hkid-check-digit-a").id_no.expect("id").check_digit,
            "A"
        );
        assert_eq!(
            get("hkid-check-digit-zero").id_no.expect("id").check_digit,
            "0"
        );
        assert_eq!(
            get("hkid-two-letter-prefix")
                .id_no
                .expect("id")
                .identification
                .len(),
            8
        );
        assert_eq!(
            get("gba-shenzhen-resident")
                .mobile_number
                .expect("mobile")
                .country_code,
            "86"
        );
        assert_eq!(get("no-e-me-data").eme_fields(), serde_json::json!({}));
        for field in crate::identity::EmeField::ALL {
            let id = format!("missing-{}", kebab(field.as_str()));
            let profile = get(&id);
            for other in crate::identity::EmeField::ALL {
                assert_eq!(profile.has(other), other != field, "{id} / {other:?}");
            }
        }
    }

    /// `homeTelNumber` → `home-tel-number`.
    fn kebab(camel: &str) -> String {
        let mut out = String::new();
        for c in camel.chars() {
            if c.is_ascii_uppercase() {
                out.push('-');
                out.push(c.to_ascii_lowercase());
            } else {
                out.push(c);
            }
        }
        out
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

    fn own_persona(id: &str) -> CustomPersona {
        custom::parse_import(
            &format!(
                r#"{{"id": "{id}", "userType": "sign", "answers": "always_reject", "scenario": "Ours.",
                    "profile": {{"enName": {{"UnstructuredName": "TSANG, Ka Yan"}}, "gender": "F"}}}}"#
            ),
            1_700_000_000_000,
        )
        .expect("valid")
        .remove(0)
    }

    #[test]
    fn custom_personas_join_the_catalogue_and_replace_entries_of_the_same_id() {
        let mut config = testkit::config();
        config.custom_personas = vec![own_persona("our-tester"), own_persona(IAMSMART_USER)];
        let cast = personas(&config);
        assert_eq!(cast.len(), CATALOGUE.len() + 1);
        assert_eq!(cast[0].id, IAMSMART_USER);
        assert_eq!(cast[0].display_name, "TSANG, Ka Yan");
        assert_eq!(cast[0].answers, StandingAnswer::AlwaysReject);
        assert_eq!(
            cast.last().map(|persona| persona.id.as_str()),
            Some("our-tester")
        );
        let today = catalogue_reference_date();
        let own = profile_on(&config, "our-tester", today).expect("a custom profile");
        assert_eq!(own.english_name(), Some("TSANG, Ka Yan"));
        assert_eq!(
            own.id_no, None,
            "a custom profile has only what the developer wrote"
        );
        let generated = catalogue_profile_on(&config, IAMSMART_USER, today).expect("generated");
        assert_ne!(profile_on(&config, IAMSMART_USER, today), Some(generated));
        let open_id = open_id(&config, "our-tester");
        assert_eq!(
            persona_for_open_id(&config, &open_id).map(|persona| persona.id),
            Some("our-tester".to_owned())
        );
    }

    #[test]
    fn the_persona_set_decides_which_personas_are_offered() {
        let mut config = testkit::config();
        config.custom_personas = vec![own_persona("our-tester")];
        config.persona_set = PersonaSet::Catalogue;
        assert_eq!(personas(&config).len(), CATALOGUE.len());
        assert_eq!(find_persona(&config, "our-tester"), None);
        config.persona_set = PersonaSet::CustomOnly;
        let ids: Vec<String> = personas(&config)
            .into_iter()
            .map(|persona| persona.id)
            .collect();
        assert_eq!(ids, ["our-tester"]);
        assert_eq!(find_persona(&config, IAMSMART_USER), None);
        let basic = open_id(&config, IAMSMART_USER);
        assert_eq!(persona_for_open_id(&config, &basic), None);
        assert!(require_profile(&config, IAMSMART_USER, catalogue_reference_date()).is_err());
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
