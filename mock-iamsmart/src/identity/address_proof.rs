//! The address proof e-ME can attach: `addressDocInfo` (the metadata of a utility e-bill: provider
//! names in English, Traditional and Simplified Chinese, the account holder's names, the service and
//! postal address lines, when the bill was last retrieved) and `addressDocFile` (the bill itself as a
//! Base64 PDF, its SHA-256 in hex, and the bill date). PROTOCOL §3.1 names the contents; the key names
//! inside both objects are inferred [I].
//!
//! The providers are invented and every bill is stamped as a sandbox specimen, so a generated bill can
//! never pass for a real company's document. This module must never log a bill or its contents.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::date::CivilDate;
use super::pdf::{self, TextLine};
use super::validate::FieldProblem;
use crate::crypto::base64_encode;

/// Largest document accepted: the API answers 413 above 5 MB (PROTOCOL §8).
pub const MAX_DOC_FILE_BYTES: usize = 5 * 1024 * 1024;

/// `addressDocInfo` [I: key names].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressDocInfo {
    pub provider_name_en: String,
    pub provider_name_tc: String,
    pub provider_name_sc: String,
    /// The account holder as the bill names them, in English.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub user_name_en: Option<String>,
    /// The account holder's Chinese name, when the bill carries one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub user_name_tc: Option<String>,
    pub service_address_line1: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub service_address_line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub service_address_line3: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub postal_address_line1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub postal_address_line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(nullable = false))]
    pub postal_address_line3: Option<String>,
    /// When the user last fetched the bill into e-ME (`YYYYMMDD`).
    pub last_retrieval_date: CivilDate,
}

/// `addressDocFile`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddressDocFile {
    /// The PDF, standard Base64.
    pub doc_file: String,
    /// Lowercase hex SHA-256 of the PDF bytes.
    pub doc_hash: String,
    /// The date printed on the bill (`YYYYMMDD`).
    pub bill_date: CivilDate,
}

/// An invented utility company.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Provider {
    pub name_en: &'static str,
    pub name_tc: &'static str,
    pub name_sc: &'static str,
    /// What the bill is for, in English.
    pub service: &'static str,
    /// A plausible monthly amount range in Hong Kong dollars.
    pub typical_amount: (u32, u32),
}

/// The providers whose e-bills personas hold.
pub const PROVIDERS: [Provider; 3] = [
    Provider {
        name_en: "Victoria Harbour Power Company",
        name_tc: "維港電力公司",
        name_sc: "维港电力公司",
        service: "Electricity",
        typical_amount: (180, 1400),
    },
    Provider {
        name_en: "Lion Rock Gas Company",
        name_tc: "獅子山煤氣公司",
        name_sc: "狮子山煤气公司",
        service: "Town gas",
        typical_amount: (90, 600),
    },
    Provider {
        name_en: "Pearl Delta Broadband",
        name_tc: "珠三角寬頻",
        name_sc: "珠三角宽频",
        service: "Home broadband",
        typical_amount: (98, 268),
    },
];

/// Everything a bill shows, before it becomes a PDF.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bill {
    pub provider: Provider,
    pub holder_name_en: String,
    pub holder_name_tc: Option<String>,
    /// English lines of the service address (one to three).
    pub service_address: Vec<String>,
    /// English lines of the postal address, when it differs.
    pub postal_address: Vec<String>,
    pub account_number: String,
    pub bill_date: CivilDate,
    pub retrieved_on: CivilDate,
    /// Amount due in Hong Kong cents.
    pub amount_cents: u64,
}

impl Bill {
    /// The bill as `addressDocInfo` and `addressDocFile`.
    pub fn to_fields(&self) -> (AddressDocInfo, AddressDocFile) {
        let line = |lines: &[String], index: usize| lines.get(index).cloned();
        let info = AddressDocInfo {
            provider_name_en: self.provider.name_en.to_owned(),
            provider_name_tc: self.provider.name_tc.to_owned(),
            provider_name_sc: self.provider.name_sc.to_owned(),
            user_name_en: Some(self.holder_name_en.clone()),
            user_name_tc: self.holder_name_tc.clone(),
            service_address_line1: line(&self.service_address, 0).unwrap_or_default(),
            service_address_line2: line(&self.service_address, 1),
            service_address_line3: line(&self.service_address, 2),
            postal_address_line1: line(&self.postal_address, 0),
            postal_address_line2: line(&self.postal_address, 1),
            postal_address_line3: line(&self.postal_address, 2),
            last_retrieval_date: self.retrieved_on,
        };
        let document = self.to_pdf();
        let file = AddressDocFile {
            doc_file: base64_encode(&document),
            doc_hash: hex::encode(Sha256::digest(&document)),
            bill_date: self.bill_date,
        };
        (info, file)
    }

    /// The bill as a one-page PDF (English only: the standard PDF fonts have no Chinese glyphs).
    pub fn to_pdf(&self) -> Vec<u8> {
        let period_start = self.bill_date.add_months(-1);
        let due = self.bill_date.add_days(21);
        let mut lines = vec![
            TextLine::new(self.provider.name_en, 18, true),
            TextLine::new(
                format!("{} bill - e-statement", self.provider.service),
                12,
                false,
            ),
            TextLine::new(
                "SPECIMEN - synthetic document from the iAM Smart Sandbox. Not a real bill.",
                9,
                true,
            )
            .after_gap(6),
            TextLine::new(
                format!("Account holder: {}", self.holder_name_en),
                11,
                false,
            )
            .after_gap(18),
            TextLine::new(
                format!("Account number: {}", self.account_number),
                11,
                false,
            ),
            TextLine::new("Service address:", 11, true).after_gap(12),
        ];
        lines.extend(
            self.service_address
                .iter()
                .map(|line| TextLine::new(line.clone(), 11, false)),
        );
        if !self.postal_address.is_empty() {
            lines.push(TextLine::new("Postal address:", 11, true).after_gap(8));
            lines.extend(
                self.postal_address
                    .iter()
                    .map(|line| TextLine::new(line.clone(), 11, false)),
            );
        }
        lines.extend([
            TextLine::new(format!("Bill date: {}", self.bill_date), 11, false).after_gap(12),
            TextLine::new(
                format!(
                    "Billing period: {period_start} to {}",
                    self.bill_date.add_days(-1)
                ),
                11,
                false,
            ),
            TextLine::new(
                format!(
                    "Amount due: HK$ {}.{:02}",
                    self.amount_cents / 100,
                    self.amount_cents % 100
                ),
                12,
                true,
            )
            .after_gap(6),
            TextLine::new(format!("Payment due by: {due}"), 11, false),
        ]);
        pdf::single_page(
            &format!("{} e-statement {}", self.provider.name_en, self.bill_date),
            &lines,
        )
    }
}

/// Checks an `addressDocFile`: Base64 of a PDF under 5 MB whose SHA-256 is `docHash`.
pub fn check_doc_file(file: &AddressDocFile) -> Vec<(&'static str, FieldProblem, &'static str)> {
    let mut problems = Vec::new();
    match crate::crypto::base64_decode(&file.doc_file) {
        Err(_) => problems.push(("docFile", FieldProblem::Malformed, "is not standard Base64")),
        Ok(bytes) if bytes.len() > MAX_DOC_FILE_BYTES => {
            problems.push(("docFile", FieldProblem::OutOfRange, "is larger than 5 MB"));
        }
        Ok(bytes) => {
            let trimmed_end = bytes
                .iter()
                .rposition(|byte| !byte.is_ascii_whitespace())
                .map_or(0, |index| index + 1);
            if !bytes.starts_with(b"%PDF-") || !bytes[..trimmed_end].ends_with(b"%%EOF") {
                problems.push((
                    "docFile",
                    FieldProblem::Malformed,
                    "is not a PDF (no %PDF- header or %%EOF)",
                ));
            }
            let is_hex = file.doc_hash.len() == 64
                && file
                    .doc_hash
                    .bytes()
                    .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
            if !is_hex {
                problems.push((
                    "docHash",
                    FieldProblem::Malformed,
                    "must be 64 lowercase hex digits (SHA-256)",
                ));
            } else if hex::encode(Sha256::digest(&bytes)) != file.doc_hash {
                problems.push((
                    "docHash",
                    FieldProblem::Inconsistent,
                    "is not the SHA-256 of docFile",
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::base64_decode;

    fn bill() -> Bill {
        let day = |year, month, day| CivilDate::new(year, month, day).expect("a real date");
        Bill {
            provider: PROVIDERS[0],
            holder_name_en: "CHAN, Tai Man".into(),
            holder_name_tc: Some("陳大文".into()),
            service_address: vec![
                "FLAT A, 12/F, BLOCK 3".into(),
                "KAM FUNG GARDEN, 8 NATHAN ROAD".into(),
                "YAU MA TEI, KOWLOON".into(),
            ],
            postal_address: Vec::new(),
            account_number: "0123-456789-0".into(),
            bill_date: day(2025, 11, 3),
            retrieved_on: day(2025, 11, 10),
            amount_cents: 45_670,
        }
    }

    #[test]
    fn the_fields_carry_the_pdf_its_hash_and_the_bill_date() {
        let (info, file) = bill().to_fields();
        assert_eq!(info.provider_name_sc, "维港电力公司");
        assert_eq!(
            info.service_address_line3.as_deref(),
            Some("YAU MA TEI, KOWLOON")
        );
        assert_eq!(info.postal_address_line1, None);
        let bytes = base64_decode(&file.doc_file).expect("Base64");
        assert_eq!(pdf::check_structure(&bytes), Ok(()));
        assert_eq!(file.doc_hash, hex::encode(Sha256::digest(&bytes)));
        assert_eq!(file.bill_date.compact(), "20251103");
        assert_eq!(check_doc_file(&file), Vec::new());
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("Amount due: HK$ 456.70"));
        assert!(text.contains("SPECIMEN"));
        assert!(text.contains("Billing period: 2025-10-03 to 2025-11-02"));
    }

    #[test]
    fn the_wire_shapes_use_the_documented_keys() {
        let (info, file) = bill().to_fields();
        let info = serde_json::to_value(info).expect("json");
        let mut keys: Vec<&str> = info
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(
            keys,
            [
                "lastRetrievalDate",
                "providerNameEn",
                "providerNameSc",
                "providerNameTc",
                "serviceAddressLine1",
                "serviceAddressLine2",
                "serviceAddressLine3",
                "userNameEn",
                "userNameTc"
            ]
        );
        let file = serde_json::to_value(file).expect("json");
        let mut keys: Vec<&str> = file
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        keys.sort_unstable();
        assert_eq!(keys, ["billDate", "docFile", "docHash"]);
    }

    #[test]
    fn a_tampered_file_or_hash_is_reported() {
        let (_, mut file) = bill().to_fields();
        file.doc_hash = file.doc_hash.to_uppercase();
        assert_eq!(check_doc_file(&file)[0].0, "docHash");
        let (_, mut file) = bill().to_fields();
        file.doc_file = base64_encode(b"not a pdf");
        let problems = check_doc_file(&file);
        assert!(problems.iter().any(|(field, _, _)| *field == "docFile"));
        assert!(problems.iter().any(|(field, problem, _)| {
            *field == "docHash" && *problem == FieldProblem::Inconsistent
        }));
        file.doc_file = "***".into();
        assert_eq!(
            check_doc_file(&file),
            [("docFile", FieldProblem::Malformed, "is not standard Base64")]
        );
    }
}
