//! Personal names as Hong Kong writes them: the English name in HKID style (`CHAN, Tai Man`: surname in
//! capitals, a comma, then the given names in Hong Kong Government Cantonese Romanisation) and the
//! Chinese name from real common surname and given-name characters, each with its Chinese Commercial
//! Code (中文電碼), the four digits printed under a Chinese name on the HKID card.
//!
//! The name tables pair characters with their romanisation by hand; the commercial codes were taken from
//! Unicode's Unihan database (kTaiwanTelegraph, falling back to kMainlandTelegraph). Every name here is
//! synthetic: a combination of common parts, never a list of real people. This module must never log a
//! name.

use super::codes::Gender;
use super::seed::Draw;

/// A person's names: always an English name, a Chinese name when they have one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName {
    /// `SURNAME, Given Names`.
    pub english: String,
    pub chinese: Option<String>,
}

/// What kind of name a persona gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameStyle {
    /// A common surname and a two-character given name.
    Common,
    /// A given name in the style of people born before about 1960.
    Elderly,
    /// The names of the first six personas, kept from before the full generator: an index into the first
    /// eight surnames and into [`LEGACY_GIVEN_NAMES`].
    Legacy { surname: usize, given: usize },
    /// A two-character surname such as 歐陽 (AU YEUNG).
    CompoundSurname,
    /// A one-character given name such as 李明 (LEE, Ming).
    SingleCharacterGiven,
    /// An English name of more than 80 characters, with a short Chinese name.
    VeryLongEnglish,
    /// A long transliterated Chinese name with middle dots.
    VeryLongChinese,
    /// A resident with no Chinese name at all.
    NonChinese,
    /// A Chinese name with a character outside the Basic Multilingual Plane (CJK Extension B).
    SupplementaryPlane,
}

/// Common Hong Kong surnames (the first eight are the legacy personas' surnames, in their old order).
const SURNAMES: [(&str, &str); 40] = [
    ("陳", "CHAN"),
    ("黃", "WONG"),
    ("李", "LEE"),
    ("張", "CHEUNG"),
    ("劉", "LAU"),
    ("吳", "NG"),
    ("何", "HO"),
    ("林", "LAM"),
    ("王", "WONG"),
    ("梁", "LEUNG"),
    ("鄭", "CHENG"),
    ("周", "CHOW"),
    ("謝", "TSE"),
    ("郭", "KWOK"),
    ("馬", "MA"),
    ("羅", "LAW"),
    ("楊", "YEUNG"),
    ("朱", "CHU"),
    ("胡", "WU"),
    ("許", "HUI"),
    ("曾", "TSANG"),
    ("蔡", "CHOI"),
    ("葉", "YIP"),
    ("余", "YU"),
    ("盧", "LO"),
    ("潘", "POON"),
    ("彭", "PANG"),
    ("袁", "YUEN"),
    ("蘇", "SO"),
    ("譚", "TAM"),
    ("麥", "MAK"),
    ("鄧", "TANG"),
    ("馮", "FUNG"),
    ("區", "AU"),
    ("莫", "MOK"),
    ("鍾", "CHUNG"),
    ("廖", "LIU"),
    ("簡", "KAN"),
    ("伍", "NG"),
    ("關", "KWAN"),
];

/// How many surnames the legacy personas draw from.
pub const LEGACY_SURNAME_COUNT: usize = 8;

const COMPOUND_SURNAMES: [(&str, &str); 4] = [
    ("歐陽", "AU YEUNG"),
    ("司徒", "SZETO"),
    ("上官", "SHEUNG KOON"),
    ("司馬", "SZE MA"),
];

/// The legacy personas' given names, in their old order, with the gender each name implies.
pub const LEGACY_GIVEN_NAMES: [(&str, &str, Gender); 8] = [
    ("大文", "Tai Man", Gender::Male),
    ("小明", "Siu Ming", Gender::Male),
    ("嘉欣", "Ka Yan", Gender::Female),
    ("詠儀", "Wing Yee", Gender::Female),
    ("志強", "Chi Keung", Gender::Male),
    ("美玲", "Mei Ling", Gender::Female),
    ("浩賢", "Ho Yin", Gender::Male),
    ("曉彤", "Hiu Tung", Gender::Female),
];

const MALE_GIVEN_NAMES: [(&str, &str); 24] = [
    ("家俊", "Ka Chun"),
    ("志偉", "Chi Wai"),
    ("俊傑", "Chun Kit"),
    ("國華", "Kwok Wah"),
    ("建明", "Kin Ming"),
    ("子朗", "Tsz Long"),
    ("卓軒", "Cheuk Hin"),
    ("天佑", "Tin Yau"),
    ("永康", "Wing Hong"),
    ("偉傑", "Wai Kit"),
    ("嘉樂", "Ka Lok"),
    ("子健", "Tsz Kin"),
    ("俊輝", "Chun Fai"),
    ("德華", "Tak Wah"),
    ("耀明", "Yiu Ming"),
    ("海峰", "Hoi Fung"),
    ("文傑", "Man Kit"),
    ("志豪", "Chi Ho"),
    ("家豪", "Ka Ho"),
    ("晉軒", "Chun Hin"),
    ("大文", "Tai Man"),
    ("小明", "Siu Ming"),
    ("志強", "Chi Keung"),
    ("浩賢", "Ho Yin"),
];

const FEMALE_GIVEN_NAMES: [(&str, &str); 24] = [
    ("慧敏", "Wai Man"),
    ("芷晴", "Tsz Ching"),
    ("詩雅", "Sze Nga"),
    ("淑芬", "Shuk Fan"),
    ("美婷", "Mei Ting"),
    ("嘉琪", "Ka Kei"),
    ("麗華", "Lai Wah"),
    ("碧珊", "Pik Shan"),
    ("秀英", "Sau Ying"),
    ("佩儀", "Pui Yee"),
    ("曉晴", "Hiu Ching"),
    ("穎欣", "Wing Yan"),
    ("思敏", "Sze Man"),
    ("凱琳", "Hoi Lam"),
    ("心怡", "Sum Yi"),
    ("婉婷", "Yuen Ting"),
    ("雪儀", "Suet Yee"),
    ("家慧", "Ka Wai"),
    ("靜雯", "Ching Man"),
    ("樂怡", "Lok Yi"),
    ("嘉欣", "Ka Yan"),
    ("詠儀", "Wing Yee"),
    ("美玲", "Mei Ling"),
    ("曉彤", "Hiu Tung"),
];

const ELDERLY_MALE_GIVEN_NAMES: [(&str, &str); 8] = [
    ("錦全", "Kam Chuen"),
    ("炳坤", "Ping Kwan"),
    ("福來", "Fuk Loi"),
    ("德勝", "Tak Shing"),
    ("潤生", "Yun Sang"),
    ("金水", "Kam Shui"),
    ("炳南", "Ping Nam"),
    ("樹榮", "Shu Wing"),
];

const ELDERLY_FEMALE_GIVEN_NAMES: [(&str, &str); 8] = [
    ("金好", "Kam Ho"),
    ("玉蘭", "Yuk Lan"),
    ("少芳", "Siu Fong"),
    ("瑞英", "Sui Ying"),
    ("月嬌", "Yuet Kiu"),
    ("銀娣", "Ngan Tai"),
    ("桂芳", "Kwai Fong"),
    ("亞妹", "Ah Mui"),
];

const MALE_SINGLE_GIVEN_NAMES: [(&str, &str); 2] = [("明", "Ming"), ("文", "Man")];
const FEMALE_SINGLE_GIVEN_NAMES: [(&str, &str); 2] = [("欣", "Yan"), ("敏", "Man")];

/// Names of residents without a Chinese name (many nationalities live in Hong Kong).
const NON_CHINESE_NAMES: [(&str, Gender); 8] = [
    ("SHARMA, Priya", Gender::Female),
    ("GURUNG, Bishal", Gender::Male),
    ("SANTOS, Maria Cristina", Gender::Female),
    ("KHAN, Imran Ali", Gender::Male),
    ("DUBOIS, Claire Marie", Gender::Female),
    ("MUELLER, Jonas Felix", Gender::Male),
    ("NGUYEN, Thi Lan", Gender::Female),
    ("OKAFOR, Chinedu", Gender::Male),
];

/// English names of more than 80 characters, each with the short Chinese name its bearer chose.
const VERY_LONG_ENGLISH_NAMES: [(&str, &str, Gender); 2] = [
    (
        "VAN DER WESTHUIZEN-FERNANDES DE ALBUQUERQUE, Maximilian Alexander Christopher Jonathan",
        "溫德輝",
        Gender::Male,
    ),
    (
        "FERNANDES DE ALBUQUERQUE-VAN DER WESTHUIZEN, Isabella Alexandra Christina Josephine",
        "施美蓮",
        Gender::Female,
    ),
];

/// A transliterated Chinese name with middle dots, and its English name.
const VERY_LONG_CHINESE_NAME: (&str, &str, Gender) = (
    "費爾南德斯·亞歷山大·尼古拉斯",
    "FERNANDES, Alexander Nicholas",
    Gender::Male,
);

/// A given name whose second character, 𤥁 (U+24941, Cantonese *ming*, a jade-radical character in
/// HKSCS), lies outside the Basic Multilingual Plane.
const SUPPLEMENTARY_GIVEN_NAME: (&str, &str) = ("嘉𤥁", "Ka Ming");

/// Chinese Commercial Codes of every character the tables above use, sorted by character.
const CHINESE_COMMERCIAL_CODES: [(char, &str); 150] = [
    ('上', "0006"),
    ('亞', "0068"),
    ('伍', "0124"),
    ('佑', "0147"),
    ('何', "0149"),
    ('余', "0151"),
    ('佩', "0160"),
    ('來', "0171"),
    ('俊', "0193"),
    ('偉', "0251"),
    ('健', "0256"),
    ('傑', "0267"),
    ('儀', "0308"),
    ('全', "0356"),
    ('凱', "0418"),
    ('劉', "0491"),
    ('勝', "0524"),
    ('區', "0575"),
    ('卓', "0587"),
    ('南', "0589"),
    ('古', "0657"),
    ('司', "0674"),
    ('吳', "0702"),
    ('周', "0719"),
    ('嘉', "0857"),
    ('國', "0948"),
    ('坤', "0981"),
    ('大', "1129"),
    ('天', "1131"),
    ('好', "1170"),
    ('妹', "1188"),
    ('娣', "1229"),
    ('婉', "1238"),
    ('婷', "1250"),
    ('嬌', "1293"),
    ('子', "1311"),
    ('官', "1351"),
    ('家', "1367"),
    ('小', "1420"),
    ('少', "1421"),
    ('尼', "1441"),
    ('山', "1472"),
    ('峰', "1496"),
    ('康', "1660"),
    ('廖', "1675"),
    ('建', "1696"),
    ('張', "1728"),
    ('強', "1730"),
    ('彤', "1749"),
    ('彭', "1756"),
    ('徒', "1778"),
    ('德', "1795"),
    ('心', "1800"),
    ('志', "1807"),
    ('思', "1835"),
    ('怡', "1837"),
    ('慧', "1979"),
    ('拉', "2139"),
    ('敏', "2404"),
    ('文', "2429"),
    ('斯', "2448"),
    ('施', "2457"),
    ('明', "2494"),
    ('晉', "2516"),
    ('晴', "2532"),
    ('曉', "2556"),
    ('曾', "2582"),
    ('月', "2588"),
    ('朗', "2597"),
    ('朱', "2612"),
    ('李', "2621"),
    ('林', "2651"),
    ('桂', "2710"),
    ('梁', "2733"),
    ('楊', "2799"),
    ('榮', "2837"),
    ('樂', "2867"),
    ('樹', "2885"),
    ('欣', "2946"),
    ('歐', "2962"),
    ('歷', "2980"),
    ('水', "3055"),
    ('永', "3057"),
    ('浩', "3185"),
    ('海', "3189"),
    ('淑', "3219"),
    ('溫', "3306"),
    ('潘', "3382"),
    ('潤', "3387"),
    ('炳', "3521"),
    ('爾', "3643"),
    ('玉', "3768"),
    ('王', "3769"),
    ('玲', "3781"),
    ('珊', "3790"),
    ('琪', "3825"),
    ('琳', "3829"),
    ('瑞', "3843"),
    ('生', "3932"),
    ('盧', "4151"),
    ('碧', "4310"),
    ('福', "4395"),
    ('秀', "4423"),
    ('穎', "4481"),
    ('簡', "4675"),
    ('羅', "5012"),
    ('美', "5019"),
    ('耀', "5069"),
    ('胡', "5170"),
    ('芬', "5358"),
    ('芳', "5364"),
    ('芷', "5365"),
    ('英', "5391"),
    ('莫', "5459"),
    ('華', "5478"),
    ('葉', "5509"),
    ('蓮', "5571"),
    ('蔡', "5591"),
    ('蘇', "5685"),
    ('蘭', "5695"),
    ('袁', "5913"),
    ('許', "6079"),
    ('詠', "6102"),
    ('詩', "6108"),
    ('謝', "6200"),
    ('譚', "6223"),
    ('豪', "6275"),
    ('費', "6316"),
    ('賢', "6343"),
    ('軒', "6513"),
    ('輝', "6540"),
    ('郭', "6753"),
    ('鄧', "6772"),
    ('鄭', "6774"),
    ('金', "6855"),
    ('銀', "6892"),
    ('錦', "6930"),
    ('鍾', "6945"),
    ('關', "7070"),
    ('陳', "7115"),
    ('陽', "7122"),
    ('雅', "7161"),
    ('雪', "7185"),
    ('雯', "7186"),
    ('靜', "7234"),
    ('馬', "7456"),
    ('馮', "7458"),
    ('麗', "7787"),
    ('麥', "7796"),
    ('黃', "7806"),
];

/// The Chinese Commercial Code of a character the generator uses; `None` for characters outside its
/// tables (and for characters that have none, such as those outside the Basic Multilingual Plane).
pub fn chinese_commercial_code(character: char) -> Option<&'static str> {
    CHINESE_COMMERCIAL_CODES
        .binary_search_by_key(&character, |(c, _)| *c)
        .ok()
        .and_then(|index| CHINESE_COMMERCIAL_CODES.get(index))
        .map(|(_, code)| *code)
}

/// A name for `gender` in `style`. The gender of [`NameStyle::Legacy`], [`NameStyle::NonChinese`] and
/// the long-name styles comes from the name itself: see [`implied_gender`].
pub fn generate(draw: &mut Draw, style: NameStyle, gender: Gender) -> PersonName {
    let common = |draw: &mut Draw, surnames: &[(&str, &str)], given: &[(&str, &str)]| {
        let (surname_zh, surname_en) = draw.pick(surnames).copied().unwrap_or(("陳", "CHAN"));
        let (given_zh, given_en) = draw.pick(given).copied().unwrap_or(("大文", "Tai Man"));
        PersonName {
            english: format!("{surname_en}, {given_en}"),
            chinese: Some(format!("{surname_zh}{given_zh}")),
        }
    };
    let given_names: &[(&str, &str)] = match gender {
        Gender::Male => &MALE_GIVEN_NAMES,
        Gender::Female => &FEMALE_GIVEN_NAMES,
    };
    match style {
        NameStyle::Common => common(draw, &SURNAMES, given_names),
        NameStyle::Elderly => {
            let elderly: &[(&str, &str)] = match gender {
                Gender::Male => &ELDERLY_MALE_GIVEN_NAMES,
                Gender::Female => &ELDERLY_FEMALE_GIVEN_NAMES,
            };
            common(draw, &SURNAMES, elderly)
        }
        NameStyle::Legacy { surname, given } => {
            let (surname_zh, surname_en) = SURNAMES[surname % LEGACY_SURNAME_COUNT];
            let (given_zh, given_en, _) = LEGACY_GIVEN_NAMES[given % LEGACY_GIVEN_NAMES.len()];
            PersonName {
                english: format!("{surname_en}, {given_en}"),
                chinese: Some(format!("{surname_zh}{given_zh}")),
            }
        }
        NameStyle::CompoundSurname => common(draw, &COMPOUND_SURNAMES, given_names),
        NameStyle::SingleCharacterGiven => {
            let single: &[(&str, &str)] = match gender {
                Gender::Male => &MALE_SINGLE_GIVEN_NAMES,
                Gender::Female => &FEMALE_SINGLE_GIVEN_NAMES,
            };
            common(draw, &SURNAMES, single)
        }
        NameStyle::VeryLongEnglish => {
            let (english, chinese, _) = VERY_LONG_ENGLISH_NAMES[draw.index(2)];
            PersonName {
                english: english.to_owned(),
                chinese: Some(chinese.to_owned()),
            }
        }
        NameStyle::VeryLongChinese => PersonName {
            english: VERY_LONG_CHINESE_NAME.1.to_owned(),
            chinese: Some(VERY_LONG_CHINESE_NAME.0.to_owned()),
        },
        NameStyle::NonChinese => {
            let candidates: Vec<&str> = NON_CHINESE_NAMES
                .iter()
                .filter(|(_, name_gender)| *name_gender == gender)
                .map(|(name, _)| *name)
                .collect();
            PersonName {
                english: draw
                    .pick(&candidates)
                    .copied()
                    .unwrap_or("SHARMA, Priya")
                    .to_owned(),
                chinese: None,
            }
        }
        NameStyle::SupplementaryPlane => common(draw, &SURNAMES, &[SUPPLEMENTARY_GIVEN_NAME]),
    }
}

/// The gender a name style fixes by itself, if any.
pub fn implied_gender(style: NameStyle) -> Option<Gender> {
    match style {
        NameStyle::Legacy { given, .. } => {
            Some(LEGACY_GIVEN_NAMES[given % LEGACY_GIVEN_NAMES.len()].2)
        }
        NameStyle::VeryLongChinese => Some(VERY_LONG_CHINESE_NAME.2),
        NameStyle::SupplementaryPlane => Some(Gender::Male),
        _ => None,
    }
}

/// Longest English or Chinese name the sandbox accepts [I: the real limits are not published].
pub const MAX_ENGLISH_NAME_CHARS: usize = 120;
pub const MAX_CHINESE_NAME_CHARS: usize = 30;

/// Checks an English name in HKID style: `SURNAME, Given Names` with the surname in capitals, or a
/// single capitalised name for people who have only one. Letters, spaces, hyphens, apostrophes and
/// full stops only; no doubled or edge spaces.
pub fn check_english_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("must not be empty");
    }
    if name.chars().count() > MAX_ENGLISH_NAME_CHARS {
        return Err("is longer than 120 characters");
    }
    if name.starts_with(' ') || name.ends_with(' ') || name.contains("  ") {
        return Err("has leading, trailing or doubled spaces");
    }
    let allowed = |c: char| c.is_ascii_alphabetic() || matches!(c, ' ' | '-' | '\'' | '.');
    let (surname, given) = match name.split_once(", ") {
        Some((surname, given)) => (surname, Some(given)),
        None => (name, None),
    };
    if surname.is_empty() || !surname.chars().all(allowed) {
        return Err("must start with the surname in Latin letters");
    }
    if surname.chars().any(|c| c.is_ascii_lowercase()) {
        return Err("must write the surname in capitals (SURNAME, Given Names)");
    }
    if let Some(given) = given
        && (given.is_empty() || !given.chars().all(allowed))
    {
        return Err("must have given names in Latin letters after \", \"");
    }
    Ok(())
}

/// Whether `c` is a CJK unified or compatibility ideograph (any plane).
pub fn is_cjk_ideograph(c: char) -> bool {
    matches!(u32::from(c),
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F | 0x30000..=0x3134F)
}

/// Middle dots that separate the parts of a transliterated Chinese name.
fn is_name_separator(c: char) -> bool {
    matches!(c, '·' | '‧' | '・')
}

/// Checks a Chinese name: ideographs only, optionally separated by single middle dots, at most 30
/// characters.
pub fn check_chinese_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() {
        return Err("must not be empty");
    }
    if name.chars().count() > MAX_CHINESE_NAME_CHARS {
        return Err("is longer than 30 characters");
    }
    let mut previous_was_separator = true;
    for c in name.chars() {
        if is_name_separator(c) {
            if previous_was_separator {
                return Err("has a middle dot at the start or two in a row");
            }
            previous_was_separator = true;
        } else if is_cjk_ideograph(c) {
            previous_was_separator = false;
        } else {
            return Err("must contain only Chinese characters (and middle dots between parts)");
        }
    }
    if previous_was_separator {
        return Err("ends with a middle dot");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::seed::IdentitySeed;

    fn all_tables() -> Vec<(&'static str, &'static str)> {
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        pairs.extend(SURNAMES);
        pairs.extend(COMPOUND_SURNAMES);
        pairs.extend(MALE_GIVEN_NAMES);
        pairs.extend(FEMALE_GIVEN_NAMES);
        pairs.extend(ELDERLY_MALE_GIVEN_NAMES);
        pairs.extend(ELDERLY_FEMALE_GIVEN_NAMES);
        pairs.extend(MALE_SINGLE_GIVEN_NAMES);
        pairs.extend(FEMALE_SINGLE_GIVEN_NAMES);
        pairs.extend(LEGACY_GIVEN_NAMES.iter().map(|(zh, en, _)| (*zh, *en)));
        pairs
    }

    #[test]
    fn every_table_character_has_a_commercial_code_and_each_syllable_one_character() {
        for (chinese, english) in all_tables() {
            for c in chinese.chars() {
                let code = chinese_commercial_code(c);
                assert!(code.is_some_and(|code| code.len() == 4), "{c} has no code");
            }
            // One romanised syllable per character, except SZETO, which writes 司徒 as one word.
            if english != "SZETO" {
                assert_eq!(
                    chinese.chars().count(),
                    english.split(' ').count(),
                    "{chinese} / {english}"
                );
            }
        }
    }

    #[test]
    fn commercial_codes_match_the_card_examples() {
        // 陳大文 is printed 7115 1129 2429 on the specimen cards.
        let codes: Vec<_> = "陳大文".chars().map(chinese_commercial_code).collect();
        assert_eq!(codes, [Some("7115"), Some("1129"), Some("2429")]);
        assert_eq!(chinese_commercial_code('𤥁'), None);
        assert!(
            CHINESE_COMMERCIAL_CODES
                .windows(2)
                .all(|pair| pair[0].0 < pair[1].0)
        );
    }

    #[test]
    fn generated_names_pass_their_own_checks_in_every_style() {
        let styles = [
            NameStyle::Common,
            NameStyle::Elderly,
            NameStyle::Legacy {
                surname: 3,
                given: 5,
            },
            NameStyle::CompoundSurname,
            NameStyle::SingleCharacterGiven,
            NameStyle::VeryLongEnglish,
            NameStyle::VeryLongChinese,
            NameStyle::NonChinese,
            NameStyle::SupplementaryPlane,
        ];
        for seed in 0..20u8 {
            for style in styles {
                for gender in Gender::ALL {
                    let mut draw = IdentitySeed::new([seed; 32]).draw("name");
                    let name = generate(&mut draw, style, gender);
                    assert_eq!(check_english_name(&name.english), Ok(()), "{style:?}");
                    if let Some(chinese) = &name.chinese {
                        assert_eq!(check_chinese_name(chinese), Ok(()), "{style:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_special_styles_produce_what_their_scenarios_need() {
        let mut draw = IdentitySeed::new([3; 32]).draw("name");
        let long = generate(&mut draw, NameStyle::VeryLongEnglish, Gender::Male);
        assert!(long.english.len() > 80);
        let no_chinese = generate(&mut draw, NameStyle::NonChinese, Gender::Female);
        assert_eq!(no_chinese.chinese, None);
        let supplementary = generate(&mut draw, NameStyle::SupplementaryPlane, Gender::Male);
        let chinese = supplementary.chinese.expect("has a Chinese name");
        assert!(chinese.chars().any(|c| u32::from(c) > 0xFFFF));
        assert_eq!(chinese.encode_utf16().count(), 4, "a surrogate pair");
        let legacy = generate(
            &mut draw,
            NameStyle::Legacy {
                surname: 0,
                given: 0,
            },
            Gender::Female,
        );
        assert_eq!(legacy.english, "CHAN, Tai Man");
        assert_eq!(legacy.chinese.as_deref(), Some("陳大文"));
        assert_eq!(
            implied_gender(NameStyle::Legacy {
                surname: 0,
                given: 2
            }),
            Some(Gender::Female)
        );
    }

    #[test]
    fn english_name_checks_follow_the_hkid_style() {
        for good in [
            "CHAN, Tai Man",
            "AU YEUNG, Ka Lok",
            "O'BRIEN, Sean",
            "SITI AMINAH",
        ] {
            assert_eq!(check_english_name(good), Ok(()), "{good}");
        }
        for bad in [
            "",
            "Chan, Tai Man",
            "CHAN,Tai Man",
            "CHAN, ",
            "CHAN,  Tai",
            " CHAN, Tai",
            "陳, Tai",
        ] {
            assert!(check_english_name(bad).is_err(), "{bad}");
        }
        assert!(check_english_name(&format!("CHAN, {}", "A".repeat(120))).is_err());
    }

    #[test]
    fn chinese_name_checks_allow_ideographs_and_middle_dots_only() {
        for good in ["陳大文", "歐陽嘉樂", "陳嘉𤥁", "費爾南德斯·亞歷山大"] {
            assert_eq!(check_chinese_name(good), Ok(()), "{good}");
        }
        for bad in ["", "陳 大文", "CHAN", "·陳", "陳·", "陳··文", "陳大文1"] {
            assert!(check_chinese_name(bad).is_err(), "{bad}");
        }
    }
}
