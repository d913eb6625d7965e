//! The curated catalogue of scenario personas: each named for what it lets a relying party test, with
//! the account facts (user type, status, standing answer) and the [`Recipe`] its synthetic profile is
//! generated from. `PERSONAS.md` is generated from this table, and a test keeps the two in step.
//!
//! The first six entries are the original cast; their ids, account facts and order must never change,
//! because pages, tests and relying parties' CI depend on them. This module holds descriptions only:
//! no identity data is written here, and none may be logged.

use crate::identity::address::BuildingKind;
use crate::identity::codes::{EducationLevel, Gender, MaritalStatus, NameVerification, Prefix};
use crate::identity::generator::{
    AddressLanguage, AgeSpec, BillAge, IdSpec, PostalSpec, Recipe, Residence,
};
use crate::identity::names::NameStyle;
use crate::identity::profile::EmeField;
use crate::login::Lang;

use super::{CertificateLifecycle, PersonaStatus, StandingAnswer, UserType};

/// One scenario persona.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scenario {
    pub id: &'static str,
    /// What the persona lets a relying party test, in one sentence.
    pub tests: &'static str,
    /// What is notable in its data, for the catalogue table.
    pub notable: &'static str,
    pub user_type: UserType,
    pub status: PersonaStatus,
    pub answers: StandingAnswer,
    /// The slot of one of the original six personas, whose names keep their original derivation.
    pub legacy_slot: Option<usize>,
    pub recipe: Recipe,
    /// The state of the persona's signing certificate (meaningful for iAM Smart+ users only).
    pub certificate: CertificateLifecycle,
}

impl Scenario {
    /// Whether the persona is a minor whose requests need a guardian's approval.
    pub const fn needs_guardian(&self) -> bool {
        self.recipe.age.is_minor()
    }
}

/// An ordinary active iAM Smart user who answers on the virtual phone.
const fn user(
    id: &'static str,
    tests: &'static str,
    notable: &'static str,
    recipe: Recipe,
) -> Scenario {
    Scenario {
        id,
        tests,
        notable,
        user_type: UserType::Default,
        status: PersonaStatus::Active,
        answers: StandingAnswer::Manual,
        legacy_slot: None,
        recipe,
        certificate: CertificateLifecycle::Valid,
    }
}

/// An iAM Smart+ user whose signing certificate is in `certificate`'s state.
const fn signer(
    id: &'static str,
    tests: &'static str,
    notable: &'static str,
    certificate: CertificateLifecycle,
) -> Scenario {
    Scenario {
        id,
        tests,
        notable,
        user_type: UserType::Sign,
        status: PersonaStatus::Active,
        answers: StandingAnswer::Manual,
        legacy_slot: None,
        recipe: Recipe::ADULT,
        certificate,
    }
}

/// A user who never filled in one e-ME field.
const fn missing(id: &'static str, tests: &'static str, omit: &'static [EmeField]) -> Scenario {
    user(
        id,
        tests,
        "every other field present",
        Recipe {
            omit,
            ..Recipe::ADULT
        },
    )
}

/// One of the original six personas.
const fn original(
    slot: usize,
    id: &'static str,
    tests: &'static str,
    notable: &'static str,
    user_type: UserType,
    status: PersonaStatus,
    answers: StandingAnswer,
) -> Scenario {
    Scenario {
        id,
        tests,
        notable,
        user_type,
        status,
        answers,
        legacy_slot: Some(slot),
        recipe: Recipe::ADULT,
        certificate: CertificateLifecycle::Valid,
    }
}

const MINOR_OMITS: &[EmeField] = &[
    EmeField::OfficeTelNumber,
    EmeField::AddressDocInfo,
    EmeField::AddressDocFile,
];
const ELDERLY_OMITS: &[EmeField] = &[EmeField::OfficeTelNumber, EmeField::EmailAddress];

/// Every scenario persona, in a stable order.
pub const CATALOGUE: [Scenario; 48] = [
    // The original cast.
    original(
        0,
        super::IAMSMART_USER,
        "An ordinary adult iAM Smart user with every profile and e-ME field filled in.",
        "adult; Hong Kong address; recent e-bill",
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::Manual,
    ),
    original(
        1,
        super::IAMSMART_PLUS_USER,
        "An iAM Smart+ user, who can sign as well as log in and fill forms.",
        "userType sign",
        UserType::Sign,
        PersonaStatus::Active,
        StandingAnswer::Manual,
    ),
    original(
        2,
        super::SUSPENDED_USER,
        "A suspended account: approving any request fails with D10001.",
        "status suspended",
        UserType::Default,
        PersonaStatus::Suspended,
        StandingAnswer::Manual,
    ),
    original(
        3,
        super::AUTO_APPROVE,
        "Headless CI: approves every request at once.",
        "auto-responder; userType sign",
        UserType::Sign,
        PersonaStatus::Active,
        StandingAnswer::AlwaysApprove,
    ),
    original(
        4,
        super::AUTO_REJECT,
        "Headless CI: rejects every request (D40001).",
        "auto-responder",
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::AlwaysReject,
    ),
    original(
        5,
        super::NO_ANSWER,
        "Headless CI: never answers, so requests time out (D40003).",
        "auto-responder",
        UserType::Default,
        PersonaStatus::Active,
        StandingAnswer::NeverAnswer,
    ),
    // Accounts.
    Scenario {
        id: "suspended-plus-user",
        tests: "A suspended iAM Smart+ account: no login, form filling or signing (D10001).",
        notable: "userType sign; status suspended",
        user_type: UserType::Sign,
        status: PersonaStatus::Suspended,
        answers: StandingAnswer::Manual,
        legacy_slot: None,
        recipe: Recipe::ADULT,
        certificate: CertificateLifecycle::Valid,
    },
    // Ages.
    user(
        "minor-needs-guardian",
        "A minor (12-16) whose requests need a guardian's approval.",
        "needs guardian; no office phone or e-bill",
        Recipe {
            age: AgeSpec::Between(12, 16),
            omit: MINOR_OMITS,
            ..Recipe::ADULT
        },
    ),
    user(
        "minor-aged-11",
        "The youngest age that can register (11), with a guardian's approval.",
        "age 11; educationLevel P; needs guardian",
        Recipe {
            age: AgeSpec::Exactly(11),
            omit: MINOR_OMITS,
            ..Recipe::ADULT
        },
    ),
    user(
        "minor-turns-18-tomorrow",
        "Aged 17 with the 18th birthday tomorrow: the last day a guardian is needed.",
        "age 17 on the sandbox date; needs guardian",
        Recipe {
            age: AgeSpec::TurnsTomorrow(18),
            omit: MINOR_OMITS,
            ..Recipe::ADULT
        },
    ),
    user(
        "adult-turned-18-today",
        "Turned 18 today: catches off-by-one errors in age checks.",
        "age 18, birthday on the sandbox date",
        Recipe {
            age: AgeSpec::TurnedToday(18),
            omit: &[EmeField::OfficeTelNumber],
            ..Recipe::ADULT
        },
    ),
    user(
        "elderly-user",
        "An elderly user (70-85) with an older-style name, a home phone and no e-mail.",
        "Chinese address; no office phone or e-mail",
        Recipe {
            age: AgeSpec::Between(70, 85),
            name: NameStyle::Elderly,
            residence: Residence::HongKong(None, AddressLanguage::Chinese),
            omit: ELDERLY_OMITS,
            ..Recipe::ADULT
        },
    ),
    user(
        "centenarian",
        "Born more than 100 years ago: catches two-digit years and narrow date ranges.",
        "age 100-103; birth year in the 1920s",
        Recipe {
            age: AgeSpec::Between(100, 103),
            name: NameStyle::Elderly,
            omit: ELDERLY_OMITS,
            ..Recipe::ADULT
        },
    ),
    user(
        "leap-day-birthday",
        "Born on 29 February.",
        "birthDate ends 0229",
        Recipe {
            age: AgeSpec::LeapDayBetween(30, 45),
            ..Recipe::ADULT
        },
    ),
    // Names.
    user(
        "very-long-english-name",
        "An English name of more than 80 characters, for field widths and truncation.",
        "enName longer than 80 characters",
        Recipe {
            name: NameStyle::VeryLongEnglish,
            ..Recipe::ADULT
        },
    ),
    user(
        "very-long-chinese-name",
        "A 16-character transliterated Chinese name with middle dots.",
        "chName with middle dots (·)",
        Recipe {
            name: NameStyle::VeryLongChinese,
            ..Recipe::ADULT
        },
    ),
    user(
        "no-chinese-name",
        "A resident with no Chinese name: chName and chNameVerified are absent.",
        "no chName, no chNameVerified",
        Recipe {
            name: NameStyle::NonChinese,
            residence: Residence::HongKong(None, AddressLanguage::English),
            ..Recipe::ADULT
        },
    ),
    user(
        "chinese-name-unverified",
        "A Chinese name the user typed in rather than one read from the HKID chip.",
        "chNameVerified N",
        Recipe {
            chinese_name_verified: false,
            ..Recipe::ADULT
        },
    ),
    user(
        "compound-surname",
        "A two-character surname (such as AU YEUNG 歐陽) that splits differently in each language.",
        "two-character surname",
        Recipe {
            name: NameStyle::CompoundSurname,
            ..Recipe::ADULT
        },
    ),
    user(
        "single-character-given-name",
        "A one-character given name (such as LEE, Ming 李明).",
        "two-character chName",
        Recipe {
            name: NameStyle::SingleCharacterGiven,
            ..Recipe::ADULT
        },
    ),
    user(
        "supplementary-character-name",
        "A Chinese name with a character outside the Basic Multilingual Plane (4 bytes in UTF-8).",
        "chName with U+24941 (a UTF-16 surrogate pair, no commercial code)",
        Recipe {
            name: NameStyle::SupplementaryPlane,
            ..Recipe::ADULT
        },
    ),
    // Identity documents.
    user(
        "hkid-two-letter-prefix",
        "An HKID number with a two-letter prefix.",
        "idNo like XA123456(8)",
        Recipe {
            id: IdSpec::HkidTwoLetters,
            ..Recipe::ADULT
        },
    ),
    user(
        "hkid-check-digit-a",
        "An HKID number whose check digit is A (ten).",
        "CheckDigit A",
        Recipe {
            id: IdSpec::HkidCheckDigit('A'),
            ..Recipe::ADULT
        },
    ),
    user(
        "hkid-check-digit-zero",
        "An HKID number whose check digit is 0.",
        "CheckDigit 0",
        Recipe {
            id: IdSpec::HkidCheckDigit('0'),
            ..Recipe::ADULT
        },
    ),
    user(
        "ccic-holder",
        "A consular officer holding a Consular Corps Identity Card instead of an HKID [I].",
        "idNo CC + 7 digits with an empty CheckDigit; no Chinese name",
        Recipe {
            id: IdSpec::Ccic,
            name: NameStyle::NonChinese,
            residence: Residence::HongKong(
                Some(BuildingKind::SingleBuilding),
                AddressLanguage::English,
            ),
            ..Recipe::ADULT
        },
    ),
    // Where people live.
    user(
        "gba-shenzhen-resident",
        "A Hong Kong resident who lives in Shenzhen, in the Greater Bay Area.",
        "FreeFormatAddress in zh-CN; +86 mobile and Shenzhen home phone; no Hong Kong e-bill",
        Recipe {
            residence: Residence::Shenzhen,
            ..Recipe::ADULT
        },
    ),
    user(
        "overseas-resident",
        "A Hong Kong resident who lives abroad.",
        "FreeFormatAddress in English; foreign mobile from a fiction range; no home phone or e-bill",
        Recipe {
            residence: Residence::Overseas,
            omit: &[EmeField::HomeTelNumber],
            ..Recipe::ADULT
        },
    ),
    user(
        "chinese-address-public-estate",
        "A Chinese address in a public housing estate: house, phase, floor and flat number.",
        "ChiPremisesAddress; postal address the same",
        Recipe {
            residence: Residence::HongKong(
                Some(BuildingKind::PublicEstate),
                AddressLanguage::Chinese,
            ),
            postal: PostalSpec::SameAsResidential,
            ..Recipe::ADULT
        },
    ),
    user(
        "english-address-private-estate",
        "An English address in a private estate: block, phase and lettered flat.",
        "EngPremisesAddress with EngBlock",
        Recipe {
            residence: Residence::HongKong(
                Some(BuildingKind::PrivateEstate),
                AddressLanguage::English,
            ),
            postal: PostalSpec::SameAsResidential,
            ..Recipe::ADULT
        },
    ),
    user(
        "english-address-single-building",
        "An English address of a single building on a street, with no estate.",
        "EngPremisesAddress without EngEstate",
        Recipe {
            residence: Residence::HongKong(
                Some(BuildingKind::SingleBuilding),
                AddressLanguage::English,
            ),
            postal: PostalSpec::SameAsResidential,
            ..Recipe::ADULT
        },
    ),
    user(
        "postal-po-box",
        "A postal address that is a post office box.",
        "postalAddress is a PostBoxAddress",
        Recipe {
            postal: PostalSpec::PostBox,
            ..Recipe::ADULT
        },
    ),
    user(
        "postal-other-district",
        "A postal address in another district from home; the e-bill prints both.",
        "postalAddress differs from residentialAddress",
        Recipe {
            postal: PostalSpec::OtherDistrict,
            ..Recipe::ADULT
        },
    ),
    user(
        "stale-address-proof",
        "An address proof e-bill six months old (services often want one from the last three).",
        "billDate six months before the sandbox date",
        Recipe {
            bill: BillAge::MonthsOld(6),
            ..Recipe::ADULT
        },
    ),
    // Each e-ME field missing in turn.
    missing(
        "missing-prefix",
        "Has not filled in prefix.",
        &[EmeField::Prefix],
    ),
    missing(
        "missing-marital-status",
        "Has not filled in maritalStatus.",
        &[EmeField::MaritalStatus],
    ),
    missing(
        "missing-home-tel-number",
        "Has not filled in homeTelNumber.",
        &[EmeField::HomeTelNumber],
    ),
    missing(
        "missing-office-tel-number",
        "Has not filled in officeTelNumber.",
        &[EmeField::OfficeTelNumber],
    ),
    missing(
        "missing-mobile-number",
        "Has not filled in mobileNumber.",
        &[EmeField::MobileNumber],
    ),
    missing(
        "missing-email-address",
        "Has not filled in emailAddress.",
        &[EmeField::EmailAddress],
    ),
    missing(
        "missing-residential-address",
        "Has not filled in residentialAddress.",
        &[EmeField::ResidentialAddress],
    ),
    missing(
        "missing-postal-address",
        "Has not filled in postalAddress.",
        &[EmeField::PostalAddress],
    ),
    missing(
        "missing-education-level",
        "Has not filled in educationLevel.",
        &[EmeField::EducationLevel],
    ),
    missing(
        "missing-address-doc-info",
        "Has no addressDocInfo (the e-bill's metadata) but does have the file.",
        &[EmeField::AddressDocInfo],
    ),
    missing(
        "missing-address-doc-file",
        "Has addressDocInfo but no addressDocFile (the e-bill itself).",
        &[EmeField::AddressDocFile],
    ),
    user(
        "no-e-me-data",
        "Has never set up e-ME: only the profile fields from the HKID exist.",
        "no e-ME fields at all",
        Recipe {
            omit: &EmeField::ALL,
            ..Recipe::ADULT
        },
    ),
    // Code tables.
    user(
        "doctor-prefix",
        "Prefix Dr with a postgraduate education level.",
        "prefix Dr; educationLevel G",
        Recipe {
            age: AgeSpec::Between(35, 60),
            prefix: Some(Prefix::Dr),
            education: Some(EducationLevel::Postgraduate),
            ..Recipe::ADULT
        },
    ),
    // Signing certificates (appended, so the serials of the personas above stay as they were).
    signer(
        "revoked-certificate-user",
        "An iAM Smart+ user whose signing certificate is revoked (on the CRL): signing fails (D70002).",
        "userType sign; certificate revoked (on the CRL)",
        CertificateLifecycle::Revoked,
    ),
    signer(
        "expired-certificate-user",
        "An iAM Smart+ user whose signing certificate has expired: signing fails (D70002).",
        "userType sign; certificate expired",
        CertificateLifecycle::Expired,
    ),
];

/// The scenario with this id.
pub fn scenario(persona_id: &str) -> Option<(usize, &'static Scenario)> {
    CATALOGUE
        .iter()
        .enumerate()
        .find(|(_, scenario)| scenario.id == persona_id)
}

/// `PERSONAS.md`: the catalogue as a table, and the code tables and inferred shapes it relies on. A test
/// compares the committed file with this, so the documentation cannot drift from the code.
pub fn markdown() -> String {
    let mut out = String::new();
    out.push_str("# Scenario personas\n\n");
    out.push_str(
        "<!-- Generated by `mock_iamsmart::persona::catalogue_markdown()` from \
         `mock-iamsmart/src/persona/catalogue.rs`. Do not edit by hand: run \
         `UPDATE_SNAPSHOTS=1 cargo test -p mock-iamsmart` and commit the result. -->\n\n",
    );
    out.push_str(&format!(
        "Every sandbox has these {} personas. Their data is synthetic and derived from the sandbox's \
         pseudonym key: the same key always yields the same people, and another key yields other \
         people with the same scenarios. Ages are pinned to the sandbox's date (its clock, time \
         travel included), so a minor stays a minor; a birth date moves only on the birthday. \
         Estate and building names, utility companies and e-bills are invented; districts, areas \
         and streets are real. E-mail addresses use reserved example domains only.\n\n",
        CATALOGUE.len()
    ));
    out.push_str(
        "A sandbox can also have personas of its developer's own making: in the console, on the \
         sandbox's **Personas** page, start from a catalogue persona or from scratch, edit the \
         profile as JSON in the shapes of PROTOCOL §3.1 (checked with the generator's own rules: \
         HKID check digits, structured addresses, phone ranges, code tables), import and export the \
         whole set as JSON, choose which personas the sandbox offers, and reset to this catalogue. \
         A custom persona with a catalogue id replaces that entry.\n\n",
    );
    // The anchors let the portal's personas guide quote the table and the code tables from this file.
    out.push_str("<!-- ANCHOR: catalogue -->\n");
    out.push_str("| id | what it tests | user type | notable data |\n");
    out.push_str("|---|---|---|---|\n");
    for scenario in &CATALOGUE {
        let user_type = match scenario.user_type {
            UserType::Default => "iAM Smart",
            UserType::Sign => "iAM Smart+",
        };
        let mut notable = scenario.notable.to_owned();
        if scenario.status == PersonaStatus::Suspended && !notable.contains("suspended") {
            notable.push_str("; suspended");
        }
        if scenario.needs_guardian() && !notable.contains("guardian") {
            notable.push_str("; needs guardian");
        }
        out.push_str(&format!(
            "| `{}` | {} | {} | {} |\n",
            scenario.id, scenario.tests, user_type, notable
        ));
    }
    out.push_str("<!-- ANCHOR_END: catalogue -->\n");
    out.push_str(
        "\n## Code tables\n\nPROTOCOL.md fixes `gender` and says `maritalStatus` and `educationLevel` \
         are one letter. The letters and the other values below are the sandbox's choice, marked [I] \
         (inferred) until confirmed against the real service.\n\n<!-- ANCHOR: code_tables -->\n",
    );
    let languages = [Lang::EnUs, Lang::ZhHk, Lang::ZhCn];
    let mut table = |title: &str, rows: Vec<(&'static str, [&'static str; 3])>| {
        out.push_str(&format!(
            "\n### {title}\n\n| code | English | 繁體中文 | 简体中文 |\n|---|---|---|---|\n"
        ));
        for (code, labels) in rows {
            out.push_str(&format!(
                "| `{code}` | {} | {} | {} |\n",
                labels[0], labels[1], labels[2]
            ));
        }
    };
    table(
        "`gender` [S]",
        Gender::ALL
            .iter()
            .map(|value| (value.code(), languages.map(|lang| value.label(lang))))
            .collect(),
    );
    table(
        "`prefix` [I]",
        Prefix::ALL
            .iter()
            .map(|value| (value.code(), languages.map(|lang| value.label(lang))))
            .collect(),
    );
    table(
        "`maritalStatus` [I]",
        MaritalStatus::ALL
            .iter()
            .map(|value| (value.code(), languages.map(|lang| value.label(lang))))
            .collect(),
    );
    table(
        "`educationLevel` [I]",
        EducationLevel::ALL
            .iter()
            .map(|value| (value.code(), languages.map(|lang| value.label(lang))))
            .collect(),
    );
    table(
        "`chNameVerified` [I]",
        NameVerification::ALL
            .iter()
            .map(|value| (value.code(), languages.map(|lang| value.label(lang))))
            .collect(),
    );
    out.push_str(
        "\n## Inferred shapes [I]\n\n\
         - `addressDocInfo`: `providerNameEn`, `providerNameTc`, `providerNameSc`, `userNameEn`, \
         `userNameTc` (absent without a Chinese name), `serviceAddressLine1`..`3`, \
         `postalAddressLine1`..`3` (only when the postal address differs), `lastRetrievalDate` \
         (`YYYYMMDD`).\n\
         - `addressDocFile`: `docFile` (standard Base64 of a one-page PDF 1.4), `docHash` (lowercase \
         hex SHA-256 of the PDF bytes), `billDate` (`YYYYMMDD`).\n\
         - Premises floors are `Eng3dAddress.EngFloor.FloorNum` / `Chi3dAddress.ChiFloor.FloorNum`, \
         as a client that runs against the real test environment reads them (the .NET sample's DTO \
         says `Floor`). `Region` is `HK`, `KLN` or `NT` in both languages; districts carry \
         `DcDistrict` and `Sub-district`; phases carry `PhaseName` and `PhaseNo`.\n\
         - `FreeFormatAddress.LanguageCode` is a BCP 47 tag: `en`, `zh-HK` or `zh-CN`.\n\
         - `PostBoxAddress` holds exactly one of `EngPostBox` and `ChiPostBox`, each with `PoBoxNo`, \
         `PostOffice` and `PostOfficeRegion` (a region code).\n\
         - A CCIC holder's `idNo` is `CC` and seven digits with an empty `CheckDigit`.\n",
    );
    out.push_str("<!-- ANCHOR_END: code_tables -->\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_kebab_case_and_the_original_six_come_first() {
        let mut ids: Vec<&str> = CATALOGUE.iter().map(|scenario| scenario.id).collect();
        assert_eq!(
            ids[..6],
            [
                super::super::IAMSMART_USER,
                super::super::IAMSMART_PLUS_USER,
                super::super::SUSPENDED_USER,
                super::super::AUTO_APPROVE,
                super::super::AUTO_REJECT,
                super::super::NO_ANSWER
            ]
        );
        for id in &ids {
            assert!(
                id.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{id}"
            );
        }
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), CATALOGUE.len());
        assert!(CATALOGUE.len() >= 40);
    }

    #[test]
    fn every_e_me_field_has_a_persona_that_lacks_only_it() {
        for field in EmeField::ALL {
            assert!(
                CATALOGUE
                    .iter()
                    .any(|scenario| scenario.recipe.omit == [field]),
                "{field:?}"
            );
        }
    }

    #[test]
    fn minors_and_only_minors_need_a_guardian() {
        let minors: Vec<&str> = CATALOGUE
            .iter()
            .filter(|scenario| scenario.needs_guardian())
            .map(|scenario| scenario.id)
            .collect();
        assert_eq!(
            minors,
            [
                "minor-needs-guardian",
                "minor-aged-11",
                "minor-turns-18-tomorrow"
            ]
        );
        assert!(
            CATALOGUE
                .iter()
                .filter(|scenario| scenario.needs_guardian())
                .all(|scenario| scenario.user_type == UserType::Default),
            "iAM Smart+ is for adults"
        );
    }

    #[test]
    fn descriptions_fit_a_table_cell() {
        for scenario in &CATALOGUE {
            assert!(!scenario.tests.contains('|') && !scenario.notable.contains('|'));
            assert!(scenario.tests.len() <= 120, "{}", scenario.id);
        }
    }
}
