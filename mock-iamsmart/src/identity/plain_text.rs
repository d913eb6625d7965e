//! A released field's value as a person would write it on a form: `A123456(3)` for an `idNo`,
//! `1990-01-02` for a `birthDate`, `+852 91234567` for a phone number, an address as its lines joined
//! with commas (in the address's own language), an e-bill as its provider and date. Coded values
//! (`gender`, `maritalStatus`, …) stay codes; a screen that shows them labels them itself with the
//! codes' `label`.
//!
//! Used by the virtual phone's consent screen and, through `iamsmart-client`, by relying parties that
//! pre-fill a form. Never fails: a value in an unexpected shape reads as its text leaves.

use serde_json::Value;

use super::address::Address;

/// `value` of the field named `name` (its wire name) as one line of text.
pub fn plain_text(name: &str, value: &Value) -> String {
    match (name, value) {
        ("idNo", Value::Object(id)) => {
            format!(
                "{}({})",
                leaf_text(id.get("Identification")),
                leaf_text(id.get("CheckDigit"))
            )
        }
        ("enName", Value::Object(name)) => leaf_text(name.get("UnstructuredName")),
        ("chName", Value::Object(name)) => leaf_text(name.get("ChineseName")),
        ("birthDate", Value::String(date))
            if date.len() == 8 && date.bytes().all(|b| b.is_ascii_digit()) =>
        {
            format!("{}-{}-{}", &date[..4], &date[4..6], &date[6..])
        }
        ("homeTelNumber" | "officeTelNumber" | "mobileNumber", Value::Object(phone)) => format!(
            "+{} {}",
            leaf_text(phone.get("CountryCode")).trim_start_matches('+'),
            leaf_text(phone.get("SubscriberNumber"))
        ),
        ("residentialAddress" | "postalAddress", _) => {
            match serde_json::from_value::<Address>(value.clone()) {
                Ok(address) => address.lines().join(", "),
                Err(_) => leaves(value).join(", "),
            }
        }
        ("addressDocFile", Value::Object(file)) => {
            let bytes = file
                .get("docFile")
                .and_then(Value::as_str)
                .map_or(0, |base64| base64.len() / 4 * 3);
            format!(
                "PDF {} KB, {}",
                bytes.div_ceil(1024),
                leaf_text(file.get("billDate"))
            )
        }
        _ => leaves(value).join(", "),
    }
}

fn leaf_text(value: Option<&Value>) -> String {
    value
        .map(|value| leaves(value).join(" "))
        .unwrap_or_default()
}

/// Every text leaf of a JSON value, in document order, without the schema's language codes.
fn leaves(value: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect(None, value, &mut out);
    out
}

fn collect(key: Option<&str>, value: &Value, out: &mut Vec<String>) {
    match value {
        Value::String(text) if !text.is_empty() && key != Some("LanguageCode") => {
            out.push(text.clone());
        }
        Value::Number(number) => out.push(number.to_string()),
        Value::Bool(flag) => out.push(flag.to_string()),
        Value::Array(items) => items.iter().for_each(|item| collect(key, item, out)),
        Value::Object(map) => map
            .iter()
            .for_each(|(key, item)| collect(Some(key), item, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn values_read_as_a_person_writes_them() {
        let id = json!({"Identification": "A123456", "CheckDigit": "3"});
        assert_eq!(plain_text("idNo", &id), "A123456(3)");
        assert_eq!(plain_text("birthDate", &json!("19900102")), "1990-01-02");
        assert_eq!(plain_text("birthDate", &json!("1990")), "1990");
        let mobile = json!({"CountryCode": "852", "SubscriberNumber": "91234567"});
        assert_eq!(plain_text("mobileNumber", &mobile), "+852 91234567");
        let name = json!({"UnstructuredName": "CHAN, Tai Man"});
        assert_eq!(plain_text("enName", &name), "CHAN, Tai Man");
        assert_eq!(plain_text("gender", &json!("M")), "M");
        let address = json!({"FreeFormatAddress": {"LanguageCode": "ZH",
            "AddressLine1": "深圳市福田区", "AddressLine2": "福华路 1 号"}});
        assert_eq!(
            plain_text("residentialAddress", &address),
            "深圳市福田区, 福华路 1 号"
        );
        assert_eq!(
            plain_text("emailAddress", &json!({"odd": [1, true]})),
            "1, true"
        );
    }

    #[test]
    fn generated_addresses_read_as_their_lines() {
        use crate::identity::profile::EmeField;
        use crate::identity::{CivilDate, IdentitySeed, Recipe, generator};
        let today = CivilDate::from_epoch_ms_hong_kong(1_780_000_000_000);
        for byte in 0..16u8 {
            let profile = generator::generate(
                &IdentitySeed::new([byte; 32]),
                &Recipe::ADULT,
                123_456,
                today,
            );
            let fields = profile.select(
                &[],
                &[EmeField::ResidentialAddress, EmeField::PostalAddress],
            );
            for name in ["residentialAddress", "postalAddress"] {
                if let Some(address) = fields.get(name) {
                    let text = plain_text(name, address);
                    assert!(!text.is_empty() && !text.contains('{'), "{name}: {text}");
                }
            }
        }
    }
}
