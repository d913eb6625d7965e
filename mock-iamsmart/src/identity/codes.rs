//! The one-letter and short code tables of the profile and e-ME fields: `gender`, `prefix`,
//! `maritalStatus`, `educationLevel` and `chNameVerified` (PROTOCOL §3.1), each with its labels in
//! English, Traditional and Simplified Chinese for consent screens.
//!
//! PROTOCOL.md fixes only `gender` (`M`/`F`) and says `maritalStatus` and `educationLevel` are one
//! letter; every other code below is inferred [I] and documented as such in PERSONAS.md. This module
//! holds tables only and must never hold identity data.

use serde::{Deserialize, Serialize};

use crate::login::Lang;

/// Picks the label for `lang` from an English, Traditional Chinese, Simplified Chinese triple.
fn pick(lang: Lang, labels: [&'static str; 3]) -> &'static str {
    match lang {
        Lang::EnUs => labels[0],
        Lang::ZhHk => labels[1],
        Lang::ZhCn => labels[2],
    }
}

/// `gender` on the wire: `M` or `F` [S].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Gender {
    #[serde(rename = "M")]
    Male,
    #[serde(rename = "F")]
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    pub fn code(self) -> &'static str {
        match self {
            Gender::Male => "M",
            Gender::Female => "F",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Gender::Male => pick(lang, ["Male", "男", "男"]),
            Gender::Female => pick(lang, ["Female", "女", "女"]),
        }
    }
}

/// `prefix` (title) on the wire [I]: the usual English titles, spelt as people write them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Prefix {
    Mr,
    Mrs,
    Ms,
    Miss,
    Dr,
}

impl Prefix {
    pub const ALL: [Prefix; 5] = [
        Prefix::Mr,
        Prefix::Mrs,
        Prefix::Ms,
        Prefix::Miss,
        Prefix::Dr,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Prefix::Mr => "Mr",
            Prefix::Mrs => "Mrs",
            Prefix::Ms => "Ms",
            Prefix::Miss => "Miss",
            Prefix::Dr => "Dr",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Prefix::Mr => pick(lang, ["Mr", "先生", "先生"]),
            Prefix::Mrs => pick(lang, ["Mrs", "太太", "太太"]),
            Prefix::Ms => pick(lang, ["Ms", "女士", "女士"]),
            Prefix::Miss => pick(lang, ["Miss", "小姐", "小姐"]),
            Prefix::Dr => pick(lang, ["Dr", "博士／醫生", "博士／医生"]),
        }
    }
}

/// `maritalStatus` on the wire: one letter [I for the letters].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MaritalStatus {
    #[serde(rename = "S")]
    Single,
    #[serde(rename = "M")]
    Married,
    #[serde(rename = "P")]
    Separated,
    #[serde(rename = "D")]
    Divorced,
    #[serde(rename = "W")]
    Widowed,
}

impl MaritalStatus {
    pub const ALL: [MaritalStatus; 5] = [
        MaritalStatus::Single,
        MaritalStatus::Married,
        MaritalStatus::Separated,
        MaritalStatus::Divorced,
        MaritalStatus::Widowed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            MaritalStatus::Single => "S",
            MaritalStatus::Married => "M",
            MaritalStatus::Separated => "P",
            MaritalStatus::Divorced => "D",
            MaritalStatus::Widowed => "W",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            MaritalStatus::Single => pick(lang, ["Single", "未婚", "未婚"]),
            MaritalStatus::Married => pick(lang, ["Married", "已婚", "已婚"]),
            MaritalStatus::Separated => pick(lang, ["Separated", "分居", "分居"]),
            MaritalStatus::Divorced => pick(lang, ["Divorced", "離婚", "离婚"]),
            MaritalStatus::Widowed => pick(lang, ["Widowed", "喪偶", "丧偶"]),
        }
    }
}

/// `educationLevel` on the wire: one letter [I for the letters and the bands].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum EducationLevel {
    #[serde(rename = "P")]
    PrimaryOrBelow,
    #[serde(rename = "S")]
    Secondary,
    #[serde(rename = "N")]
    PostSecondaryNonDegree,
    #[serde(rename = "D")]
    Degree,
    #[serde(rename = "G")]
    Postgraduate,
}

impl EducationLevel {
    pub const ALL: [EducationLevel; 5] = [
        EducationLevel::PrimaryOrBelow,
        EducationLevel::Secondary,
        EducationLevel::PostSecondaryNonDegree,
        EducationLevel::Degree,
        EducationLevel::Postgraduate,
    ];

    pub fn code(self) -> &'static str {
        match self {
            EducationLevel::PrimaryOrBelow => "P",
            EducationLevel::Secondary => "S",
            EducationLevel::PostSecondaryNonDegree => "N",
            EducationLevel::Degree => "D",
            EducationLevel::Postgraduate => "G",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            EducationLevel::PrimaryOrBelow => {
                pick(lang, ["Primary or below", "小學或以下", "小学或以下"])
            }
            EducationLevel::Secondary => pick(lang, ["Secondary", "中學", "中学"]),
            EducationLevel::PostSecondaryNonDegree => pick(
                lang,
                [
                    "Post-secondary (non-degree)",
                    "專上教育（非學位）",
                    "专上教育（非学位）",
                ],
            ),
            EducationLevel::Degree => pick(
                lang,
                [
                    "Post-secondary (degree)",
                    "專上教育（學位）",
                    "专上教育（学位）",
                ],
            ),
            EducationLevel::Postgraduate => pick(lang, ["Postgraduate", "研究生", "研究生"]),
        }
    }
}

/// `chNameVerified` on the wire [I: `Y`/`N`]: whether the Chinese name was read from the HKID chip
/// rather than typed in by the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum NameVerification {
    #[serde(rename = "Y")]
    Verified,
    #[serde(rename = "N")]
    Unverified,
}

impl NameVerification {
    pub const ALL: [NameVerification; 2] =
        [NameVerification::Verified, NameVerification::Unverified];

    pub fn code(self) -> &'static str {
        match self {
            NameVerification::Verified => "Y",
            NameVerification::Unverified => "N",
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            NameVerification::Verified => pick(lang, ["Verified", "已核實", "已核实"]),
            NameVerification::Unverified => pick(lang, ["Not verified", "未核實", "未核实"]),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wire code of each value must be what serde writes, so the tables and JSON never disagree.
    fn assert_codes_match_serde<T: Serialize>(values: &[T], code: impl Fn(&T) -> &'static str) {
        for value in values {
            let json = serde_json::to_string(value).expect("serialises");
            assert_eq!(json, format!("\"{}\"", code(value)));
        }
    }

    #[test]
    fn codes_are_what_serde_puts_on_the_wire() {
        assert_codes_match_serde(&Gender::ALL, |value| value.code());
        assert_codes_match_serde(&Prefix::ALL, |value| value.code());
        assert_codes_match_serde(&MaritalStatus::ALL, |value| value.code());
        assert_codes_match_serde(&EducationLevel::ALL, |value| value.code());
        assert_codes_match_serde(&NameVerification::ALL, |value| value.code());
    }

    #[test]
    fn one_letter_fields_use_one_letter() {
        for status in MaritalStatus::ALL {
            assert_eq!(status.code().len(), 1);
        }
        for level in EducationLevel::ALL {
            assert_eq!(level.code().len(), 1);
        }
    }

    #[test]
    fn every_code_has_a_label_in_each_language() {
        for lang in [Lang::EnUs, Lang::ZhHk, Lang::ZhCn] {
            for level in EducationLevel::ALL {
                assert!(!level.label(lang).is_empty());
            }
            assert_eq!(MaritalStatus::Divorced.label(Lang::ZhCn), "离婚");
            assert_eq!(Prefix::Miss.label(Lang::ZhHk), "小姐");
        }
    }
}
