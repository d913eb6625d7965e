//! The scenario persona catalogue through the public API: every persona serialises to exactly the
//! PROTOCOL §3.1 shapes (locked by a committed snapshot), validates, round-trips through JSON export
//! and import, and `PERSONAS.md` matches the code.
//!
//! Snapshots are rewritten only when `UPDATE_SNAPSHOTS=1` is set; otherwise a difference fails with the
//! first differing line. The fixture key is fixed and synthetic. These tests must never reach the
//! network or print identity data except in a failing assertion.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use mock_iamsmart::identity::address::{Address, AddressUse, check_shape};
use mock_iamsmart::identity::email::is_reserved_example_domain;
use mock_iamsmart::identity::pdf::check_structure;
use mock_iamsmart::identity::{CivilDate, EmeField, PersonaProfile, ProfileField, is_valid_hkid};
use mock_iamsmart::persona::{self, CATALOGUE};
use mock_iamsmart::{SandboxConfig, Secret};
use serde_json::{Value, json};

/// The snapshot's fixed inputs.
const SNAPSHOT_PSEUDONYM_KEY: &str = "catalogue-snapshot-key";
const SNAPSHOT_CLIENT_ID: &str = "0123456789abcdef0123456789abcdef";

fn snapshot_date() -> CivilDate {
    CivilDate::new(2026, 1, 15).expect("a real date")
}

fn config(pseudonym_key: &str) -> SandboxConfig {
    SandboxConfig::new(
        SNAPSHOT_CLIENT_ID,
        Secret::new("snapshot-client-secret"),
        "unused-by-these-tests",
        Secret::new(pseudonym_key),
    )
}

pub(crate) fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compares `actual` with the committed file, or rewrites the file when `UPDATE_SNAPSHOTS=1`.
pub(crate) fn check_snapshot(path: &Path, actual: &str) -> Result<(), String> {
    if std::env::var("UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)
                .map_err(|error| format!("creating {}: {error}", dir.display()))?;
        }
        return std::fs::write(path, actual)
            .map_err(|error| format!("writing {}: {error}", path.display()));
    }
    let expected = std::fs::read_to_string(path).map_err(|error| {
        format!(
            "reading {}: {error} (create it with `UPDATE_SNAPSHOTS=1 cargo test -p mock-iamsmart`)",
            path.display()
        )
    })?;
    if expected != actual {
        let line = expected
            .lines()
            .zip(actual.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| expected.lines().count().min(actual.lines().count()));
        return Err(format!(
            "{} is out of date: first difference at line {}. If the change is intended, run \
             `UPDATE_SNAPSHOTS=1 cargo test -p mock-iamsmart` and commit the file.",
            path.display(),
            line + 1
        ));
    }
    Ok(())
}

/// `value` with every object's keys in sorted order, so the snapshot's text does not depend on whether
/// some other crate in a build turns on serde_json's `preserve_order`.
fn canonical(value: Value) -> Value {
    match value {
        Value::Object(object) => {
            let mut entries: Vec<(String, Value)> = object.into_iter().collect();
            entries.sort_by(|(a, _), (b, _)| a.cmp(b));
            Value::Object(
                entries
                    .into_iter()
                    .map(|(key, value)| (key, canonical(value)))
                    .collect(),
            )
        }
        Value::Array(items) => Value::Array(items.into_iter().map(canonical).collect()),
        other => other,
    }
}

/// Every persona with its account facts and both field groups, in catalogue order.
fn catalogue_json(config: &SandboxConfig, today: CivilDate) -> Value {
    let mut entries = Vec::new();
    for persona in persona::personas(config) {
        let profile =
            persona::profile_on(config, &persona.id, today).expect("every persona has a profile");
        entries.push(json!({
            "persona": persona,
            "profileFields": profile.profile_fields(),
            "eMEFields": profile.eme_fields(),
        }));
    }
    json!({
        "pseudonymKey": SNAPSHOT_PSEUDONYM_KEY,
        "date": today.compact(),
        "personas": entries,
    })
}

#[test]
fn every_persona_serialises_to_the_committed_snapshot() -> Result<(), String> {
    let value = canonical(catalogue_json(
        &config(SNAPSHOT_PSEUDONYM_KEY),
        snapshot_date(),
    ));
    let text = serde_json::to_string_pretty(&value).map_err(|error| error.to_string())? + "\n";
    check_snapshot(&crate_dir().join("tests/snapshots/catalogue.json"), &text)
}

#[test]
fn personas_md_is_generated_from_the_catalogue() -> Result<(), String> {
    check_snapshot(
        &crate_dir().join("PERSONAS.md"),
        &persona::catalogue_markdown(),
    )
}

fn keys(value: &Value) -> BTreeSet<&str> {
    value
        .as_object()
        .map(|object| object.keys().map(String::as_str).collect())
        .unwrap_or_default()
}

fn set<'a>(items: &[&'a str]) -> BTreeSet<&'a str> {
    items.iter().copied().collect()
}

/// Checks one address value against the §3.1 rules: one allowed key, and only schema keys inside.
fn assert_address_shape(id: &str, field: &str, value: &Value, usage: AddressUse) {
    assert_eq!(check_shape(value, usage), Ok(()), "{id} {field}");
    let address: Address = serde_json::from_value(value.clone())
        .unwrap_or_else(|_| panic!("{id} {field} has keys outside the schema"));
    let inner = &value[address.key()];
    let allowed = match address {
        Address::EngPremises(_) => set(&[
            "Eng3dAddress",
            "EngBlock",
            "BuildingName",
            "EngEstate",
            "EngStreet",
            "EngDistrict",
            "Region",
        ]),
        Address::ChiPremises(_) => set(&[
            "Chi3dAddress",
            "ChiBlock",
            "BuildingName",
            "ChiEstate",
            "ChiStreet",
            "ChiDistrict",
            "Region",
        ]),
        Address::FreeFormat(_) => set(&[
            "LanguageCode",
            "AddressLine1",
            "AddressLine2",
            "AddressLine3",
        ]),
        Address::PostBox(_) => set(&["EngPostBox", "ChiPostBox"]),
    };
    assert!(
        keys(inner).is_subset(&allowed),
        "{id} {field}: {:?}",
        keys(inner)
    );
    if matches!(address, Address::EngPremises(_) | Address::ChiPremises(_)) {
        assert!(
            matches!(inner["Region"].as_str(), Some("HK" | "KLN" | "NT")),
            "{id} {field}"
        );
        let district = if inner.get("EngDistrict").is_some() {
            &inner["EngDistrict"]
        } else {
            &inner["ChiDistrict"]
        };
        assert_eq!(
            keys(district),
            set(&["DcDistrict", "Sub-district"]),
            "{id} {field}"
        );
    }
}

#[test]
fn every_persona_uses_exactly_the_protocol_shapes() {
    let config = config(SNAPSHOT_PSEUDONYM_KEY);
    let profile_names: BTreeSet<&str> = ProfileField::ALL
        .iter()
        .map(|field| field.as_str())
        .collect();
    let eme_names: BTreeSet<&str> = EmeField::ALL.iter().map(|field| field.as_str()).collect();
    for scenario in &CATALOGUE {
        let id = scenario.id;
        let profile = persona::profile_on(&config, id, snapshot_date()).expect("a profile");
        let profile_fields = profile.profile_fields();
        let eme_fields = profile.eme_fields();
        assert!(keys(&profile_fields).is_subset(&profile_names), "{id}");
        assert!(keys(&eme_fields).is_subset(&eme_names), "{id}");
        for (_, value) in profile_fields.as_object().into_iter().flatten() {
            assert!(
                !value.is_null() && value != "",
                "{id}: missing fields are absent, not empty"
            );
        }

        let id_no = &profile_fields["idNo"];
        assert_eq!(keys(id_no), set(&["Identification", "CheckDigit"]), "{id}");
        assert_eq!(
            keys(&profile_fields["enName"]),
            set(&["UnstructuredName"]),
            "{id}"
        );
        if let Some(chinese) = profile_fields.get("chName") {
            assert_eq!(keys(chinese), set(&["ChineseName"]), "{id}");
            assert!(
                matches!(profile_fields["chNameVerified"].as_str(), Some("Y" | "N")),
                "{id}"
            );
        }
        let birth = profile_fields["birthDate"].as_str().expect("a birthDate");
        assert!(
            birth.len() == 8 && CivilDate::parse_compact(birth).is_some(),
            "{id}"
        );
        assert!(
            matches!(profile_fields["gender"].as_str(), Some("M" | "F")),
            "{id}"
        );

        for phone in ["homeTelNumber", "officeTelNumber", "mobileNumber"] {
            if let Some(number) = eme_fields.get(phone) {
                assert_eq!(
                    keys(number),
                    set(&["CountryCode", "SubscriberNumber"]),
                    "{id} {phone}"
                );
            }
        }
        for (field, code) in [("maritalStatus", 1), ("educationLevel", 1)] {
            if let Some(value) = eme_fields.get(field) {
                assert_eq!(value.as_str().map(str::len), Some(code), "{id} {field}");
            }
        }
        if let Some(address) = eme_fields.get("residentialAddress") {
            assert_address_shape(id, "residentialAddress", address, AddressUse::Residential);
        }
        if let Some(address) = eme_fields.get("postalAddress") {
            assert_address_shape(id, "postalAddress", address, AddressUse::Postal);
        }
        if let Some(file) = eme_fields.get("addressDocFile") {
            assert_eq!(keys(file), set(&["docFile", "docHash", "billDate"]), "{id}");
            let bytes =
                mock_iamsmart::crypto::base64_decode(file["docFile"].as_str().expect("docFile"))
                    .expect("docFile is Base64");
            assert_eq!(
                check_structure(&bytes),
                Ok(()),
                "{id}: the e-bill is a well-formed PDF"
            );
        }
        if let Some(info) = eme_fields.get("addressDocInfo") {
            for key in [
                "providerNameEn",
                "providerNameTc",
                "providerNameSc",
                "serviceAddressLine1",
                "lastRetrievalDate",
            ] {
                assert!(info[key].is_string(), "{id} addressDocInfo.{key}");
            }
        }
    }
}

#[test]
fn every_persona_round_trips_through_export_and_import() {
    let config = config(SNAPSHOT_PSEUDONYM_KEY);
    for scenario in &CATALOGUE {
        let profile =
            persona::profile_on(&config, scenario.id, snapshot_date()).expect("a profile");
        assert_eq!(
            PersonaProfile::from_json(&profile.to_json()),
            Ok(profile),
            "{}",
            scenario.id
        );
    }
}

#[test]
fn generated_identities_follow_the_local_rules_for_any_key() {
    for key in ["catalogue-snapshot-key", "another-sandbox", "x"] {
        let config = config(key);
        let mut serials = BTreeSet::new();
        for scenario in &CATALOGUE {
            let profile =
                persona::profile_on(&config, scenario.id, snapshot_date()).expect("a profile");
            let id_no = profile.id_no.as_ref().expect("an idNo");
            if id_no.check_digit.is_empty() {
                assert_eq!(scenario.id, "ccic-holder");
            } else {
                assert!(
                    is_valid_hkid(&id_no.identification, &id_no.check_digit),
                    "{}",
                    scenario.id
                );
            }
            let serial = &id_no.identification[id_no.identification.len() - 6..];
            assert!(
                serials.insert(serial.to_owned()),
                "{} shares an identity number",
                scenario.id
            );
            if let Some(address) = &profile.email_address {
                let domain = address
                    .rsplit_once('@')
                    .map(|(_, domain)| domain)
                    .unwrap_or_default();
                assert!(is_reserved_example_domain(domain), "{}", scenario.id);
            }
        }
    }
}

#[test]
fn the_same_key_gives_the_same_people_and_another_key_other_people() {
    let first = catalogue_json(&config("key-one"), snapshot_date());
    assert_eq!(first, catalogue_json(&config("key-one"), snapshot_date()));
    let second = catalogue_json(&config("key-two"), snapshot_date());
    let names = |value: &Value| -> Vec<Value> {
        value["personas"]
            .as_array()
            .map(|entries| {
                entries
                    .iter()
                    .map(|entry| entry["profileFields"].clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    let (first, second) = (names(&first), names(&second));
    assert_eq!(first.len(), second.len());
    assert!(first.iter().zip(&second).all(|(one, two)| one != two));
}
