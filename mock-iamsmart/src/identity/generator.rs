//! Turns a persona's seed and its [`Recipe`] (what its scenario needs: an age, a kind of name, where it
//! lives, which fields it lacks) into a complete [`PersonaProfile`] that obeys local rules.
//!
//! Each facet draws from its own stream of the seed, so a persona's name does not change when its
//! address rules do, and removing a field never reshuffles the rest. Ages are pinned, not birth dates:
//! the birth year follows "today" (which the caller passes in, from the sandbox clock) so that a minor
//! stays a minor however long a sandbox lives; the date moves only on the persona's birthday. This
//! module must never read a clock or ambient randomness, and never log what it makes.

use super::address::{self, Address, BuildingKind, HongKongPremises};
use super::address_proof::{Bill, PROVIDERS};
use super::codes::{EducationLevel, Gender, MaritalStatus, NameVerification, Prefix};
use super::date::{CivilDate, days_in_month, is_leap_year};
use super::email;
use super::hkid::{IdNumber, SINGLE_LETTER_PREFIXES, TWO_LETTER_PREFIXES, hkid_check_digit};
use super::names::{self, NameStyle, PersonName};
use super::phone;
use super::profile::{ChineseName, EmeField, EnglishName, PersonaProfile};
use super::seed::{Draw, IdentitySeed};

/// How old a persona is on the day its profile is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgeSpec {
    /// Some age in this range (inclusive), chosen by the seed.
    Between(u8, u8),
    /// Exactly this age.
    Exactly(u8),
    /// One year short of this age, with the birthday tomorrow (or the day after, when tomorrow is a
    /// 29 February that the birth year did not have).
    TurnsTomorrow(u8),
    /// This age, with the birthday today (yesterday, when today is a 29 February the birth year did
    /// not have).
    TurnedToday(u8),
    /// Born on 29 February, aged about this range.
    LeapDayBetween(u8, u8),
}

impl AgeSpec {
    /// Whether the persona is under 18, so its requests need a guardian's approval.
    pub const fn is_minor(self) -> bool {
        match self {
            AgeSpec::Between(_, high) | AgeSpec::LeapDayBetween(_, high) => high < 18,
            AgeSpec::Exactly(age) | AgeSpec::TurnedToday(age) => age < 18,
            AgeSpec::TurnsTomorrow(age) => age <= 18,
        }
    }
}

/// Which identity document the persona holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdSpec {
    /// An HKID with a one-letter prefix.
    Hkid,
    /// An HKID with a two-letter prefix.
    HkidTwoLetters,
    /// An HKID whose check digit is this character (`0`–`9` or `A`).
    HkidCheckDigit(char),
    /// A Consular Corps Identity Card instead of an HKID [I].
    Ccic,
}

/// Which language a Hong Kong address is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AddressLanguage {
    Seeded,
    English,
    Chinese,
}

/// Where the persona lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Residence {
    HongKong(Option<BuildingKind>, AddressLanguage),
    /// In Shenzhen: a mainland free-format address and a +86 mobile.
    Shenzhen,
    /// Outside Hong Kong and the mainland: a free-format English address and a foreign mobile.
    Overseas,
}

/// What the postal address is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PostalSpec {
    /// Usually the residential address, sometimes a post office box or another address.
    Seeded,
    SameAsResidential,
    PostBox,
    /// A Hong Kong address in another district.
    OtherDistrict,
}

/// How old the address proof e-bill is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillAge {
    /// Issued last month.
    Recent,
    /// Issued this many months ago.
    MonthsOld(u8),
}

/// Everything a scenario fixes about a persona; the seed fills in the rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Recipe {
    pub age: AgeSpec,
    /// `None`: chosen by the seed (or implied by the name style).
    pub gender: Option<Gender>,
    pub name: NameStyle,
    /// Whether a Chinese name, when there is one, was read from the HKID chip.
    pub chinese_name_verified: bool,
    pub id: IdSpec,
    pub residence: Residence,
    pub postal: PostalSpec,
    pub bill: BillAge,
    pub prefix: Option<Prefix>,
    pub marital_status: Option<MaritalStatus>,
    pub education: Option<EducationLevel>,
    /// e-ME fields the persona never filled in.
    pub omit: &'static [EmeField],
}

impl Recipe {
    /// An adult Hong Kong resident with every field filled in.
    pub const ADULT: Recipe = Recipe {
        age: AgeSpec::Between(25, 60),
        gender: None,
        name: NameStyle::Common,
        chinese_name_verified: true,
        id: IdSpec::Hkid,
        residence: Residence::HongKong(None, AddressLanguage::Seeded),
        postal: PostalSpec::Seeded,
        bill: BillAge::Recent,
        prefix: None,
        marital_status: None,
        education: None,
        omit: &[],
    };
}

/// The persona's names and gender, drawn from the `name` and `gender` facets only, so listing
/// personas stays cheap.
pub fn person_name(seed: &IdentitySeed, recipe: &Recipe) -> (PersonName, Gender) {
    let gender = names::implied_gender(recipe.name)
        .or(recipe.gender)
        .unwrap_or_else(|| {
            *seed
                .draw("gender")
                .pick(&Gender::ALL)
                .unwrap_or(&Gender::Female)
        });
    let name = names::generate(&mut seed.draw("name"), recipe.name, gender);
    (name, gender)
}

/// A complete profile for the persona on `today`. `hkid_serial` (below 1 000 000) is the six-digit
/// number of its identity card; the catalogue hands out distinct serials so no two personas share one.
pub fn generate(
    seed: &IdentitySeed,
    recipe: &Recipe,
    hkid_serial: u32,
    today: CivilDate,
) -> PersonaProfile {
    let (name, gender) = person_name(seed, recipe);
    let birth_date = birth_date(&mut seed.draw("birth"), recipe.age, today);
    let age = birth_date.age_on(today);
    let id_no = id_number(&mut seed.draw("hkid"), recipe.id, hkid_serial % 1_000_000);

    let mut residence_draw = seed.draw("address");
    let mut postal_draw = seed.draw("postal");
    let (residential, hong_kong, country_code) = match recipe.residence {
        Residence::HongKong(kind, language) => {
            let premises = address::hong_kong_premises(&mut residence_draw, kind, None);
            let in_chinese = match language {
                AddressLanguage::English => false,
                AddressLanguage::Chinese => true,
                AddressLanguage::Seeded => residence_draw.chance(50),
            };
            let wire = if in_chinese {
                Address::ChiPremises(premises.chinese.clone())
            } else {
                Address::EngPremises(premises.english.clone())
            };
            (wire, Some((premises, in_chinese)), phone::HONG_KONG)
        }
        Residence::Shenzhen => (
            address::shenzhen(&mut residence_draw),
            None,
            phone::MAINLAND_CHINA,
        ),
        Residence::Overseas => {
            let (address, country_code) = address::overseas(&mut residence_draw);
            (address, None, country_code)
        }
    };
    let (postal, postal_english_lines) = postal_address(
        &mut postal_draw,
        recipe.postal,
        &residential,
        hong_kong.as_ref(),
    );

    let mobile = match recipe.residence {
        Residence::HongKong(..) => phone::hong_kong_mobile(&mut seed.draw("mobile")),
        Residence::Shenzhen => phone::mainland_mobile(&mut seed.draw("mobile")),
        Residence::Overseas => phone::overseas_mobile(&mut seed.draw("mobile"), country_code),
    };
    let home = match recipe.residence {
        Residence::Shenzhen => phone::shenzhen_fixed(&mut seed.draw("home")),
        _ => phone::hong_kong_fixed(&mut seed.draw("home")),
    };
    let office = phone::hong_kong_fixed(&mut seed.draw("office"));

    let mut codes = seed.draw("codes");
    let marital_status = recipe
        .marital_status
        .unwrap_or_else(|| marital_status_for(&mut codes, age));
    let education = recipe
        .education
        .unwrap_or_else(|| education_for(&mut codes, age));
    let prefix = recipe
        .prefix
        .unwrap_or_else(|| prefix_for(&mut codes, gender, age, marital_status, education));

    let mut profile = PersonaProfile {
        id_no,
        en_name: Some(EnglishName {
            unstructured_name: name.english.clone(),
        }),
        ch_name: name
            .chinese
            .clone()
            .map(|chinese_name| ChineseName { chinese_name }),
        ch_name_verified: name.chinese.as_ref().map(|_| {
            if recipe.chinese_name_verified {
                NameVerification::Verified
            } else {
                NameVerification::Unverified
            }
        }),
        birth_date: Some(birth_date),
        gender: Some(gender),
        prefix: Some(prefix),
        marital_status: Some(marital_status),
        home_tel_number: Some(home),
        office_tel_number: Some(office),
        mobile_number: Some(mobile),
        email_address: Some(email::generate(&mut seed.draw("email"), &name)),
        residential_address: Some(residential),
        postal_address: Some(postal),
        education_level: Some(education),
        address_doc_info: None,
        address_doc_file: None,
    };
    if let Some((premises, _)) = &hong_kong {
        let bill = bill(
            &mut seed.draw("bill"),
            recipe.bill,
            today,
            &name,
            premises,
            postal_english_lines,
        );
        let (info, file) = bill.to_fields();
        profile.address_doc_info = Some(info);
        profile.address_doc_file = Some(file);
    }
    for field in recipe.omit {
        profile.remove(*field);
    }
    profile
}

fn birth_date(draw: &mut Draw, age: AgeSpec, today: CivilDate) -> CivilDate {
    // A birthday that exists every year, so the age is exact.
    let month = draw.between(1, 12) as u8;
    let day = draw.between(1, u32::from(days_in_month(2001, month))) as u8;
    let born = |years: u8, month: u8, day: u8| {
        let mut year = today.year() - i32::from(years);
        if (month, day) > (today.month(), today.day()) {
            year -= 1;
        }
        CivilDate::new(year, month, day).unwrap_or(CivilDate::FIRST)
    };
    match age {
        AgeSpec::Between(low, high) => {
            let years = draw.between(u32::from(low), u32::from(high)) as u8;
            born(years, month, day)
        }
        AgeSpec::Exactly(years) => born(years, month, day),
        AgeSpec::TurnsTomorrow(years) => {
            let tomorrow = today.add_days(1);
            let year = tomorrow.year() - i32::from(years);
            CivilDate::new(year, tomorrow.month(), tomorrow.day())
                .or_else(|| CivilDate::new(year, 3, 1))
                .unwrap_or(CivilDate::FIRST)
        }
        AgeSpec::TurnedToday(years) => {
            let year = today.year() - i32::from(years);
            CivilDate::new(year, today.month(), today.day())
                .or_else(|| CivilDate::new(year, 2, 28))
                .unwrap_or(CivilDate::FIRST)
        }
        AgeSpec::LeapDayBetween(low, high) => {
            let leap_years: Vec<i32> = (today.year() - i32::from(high)
                ..=today.year() - i32::from(low))
                .filter(|year| is_leap_year(*year))
                .collect();
            let year = draw
                .pick(&leap_years)
                .copied()
                .unwrap_or(today.year() - i32::from(low));
            CivilDate::new(year, 2, 29).unwrap_or(CivilDate::FIRST)
        }
    }
}

fn id_number(draw: &mut Draw, spec: IdSpec, serial: u32) -> Option<IdNumber> {
    match spec {
        IdSpec::Hkid => {
            let letter = draw.pick(&SINGLE_LETTER_PREFIXES).copied().unwrap_or('A');
            IdNumber::hkid(&letter.to_string(), serial)
        }
        IdSpec::HkidTwoLetters => {
            let letters = draw.pick(&TWO_LETTER_PREFIXES).copied().unwrap_or("XA");
            IdNumber::hkid(letters, serial)
        }
        IdSpec::HkidCheckDigit(wanted) => {
            // Every check digit is reachable by choosing the letter (a unit test proves it); start the
            // search at a seeded letter so different keys get different letters.
            let start = draw.index(SINGLE_LETTER_PREFIXES.len());
            (0..SINGLE_LETTER_PREFIXES.len())
                .map(|step| SINGLE_LETTER_PREFIXES[(start + step) % SINGLE_LETTER_PREFIXES.len()])
                .map(|letter| letter.to_string())
                .find(|letter| hkid_check_digit(&format!("{letter}{serial:06}")) == Some(wanted))
                .and_then(|letter| IdNumber::hkid(&letter, serial))
        }
        IdSpec::Ccic => IdNumber::ccic(draw.between(1, 9) * 1_000_000 + serial),
    }
}

/// The postal address, and its English lines when the e-bill should print it (a different address).
fn postal_address(
    draw: &mut Draw,
    spec: PostalSpec,
    residential: &Address,
    hong_kong: Option<&(HongKongPremises, bool)>,
) -> (Address, Vec<String>) {
    let spec = match (spec, hong_kong) {
        // Someone who lives outside Hong Kong gets post at home unless the scenario says otherwise.
        (PostalSpec::Seeded, None) => PostalSpec::SameAsResidential,
        (PostalSpec::Seeded, Some(_)) => match draw.below(100) {
            0..60 => PostalSpec::SameAsResidential,
            60..75 => PostalSpec::PostBox,
            _ => PostalSpec::OtherDistrict,
        },
        (spec, _) => spec,
    };
    let in_chinese = hong_kong.is_some_and(|(_, in_chinese)| *in_chinese);
    match spec {
        PostalSpec::PostBox => {
            let (address, english_lines) = address::post_box(draw, in_chinese);
            (address, english_lines)
        }
        PostalSpec::OtherDistrict => {
            let avoid = hong_kong.and_then(|(premises, _)| {
                premises
                    .english
                    .district
                    .as_ref()
                    .and_then(|district| district.dc_district.clone())
            });
            let other = address::hong_kong_premises(draw, None, avoid.as_deref());
            let lines = other.english.lines();
            let wire = if in_chinese {
                Address::ChiPremises(other.chinese)
            } else {
                Address::EngPremises(other.english)
            };
            (wire, lines)
        }
        PostalSpec::SameAsResidential | PostalSpec::Seeded => (residential.clone(), Vec::new()),
    }
}

fn bill(
    draw: &mut Draw,
    age: BillAge,
    today: CivilDate,
    name: &PersonName,
    premises: &HongKongPremises,
    postal_lines: Vec<String>,
) -> Bill {
    let provider = *draw.pick(&PROVIDERS).unwrap_or(&PROVIDERS[0]);
    let months_back = match age {
        BillAge::Recent => 1,
        BillAge::MonthsOld(months) => i32::from(months.max(1)),
    };
    let month = today.add_months(-months_back);
    let bill_date =
        CivilDate::new(month.year(), month.month(), draw.between(1, 28) as u8).unwrap_or(month);
    let retrieved_on = bill_date
        .add_days(i64::from(draw.between(1, 10)))
        .min(today);
    let (low, high) = provider.typical_amount;
    let amount_cents = u64::from(draw.between(low * 100, high * 100));
    let account_number = format!("{}-{}-{}", draw.digits(4), draw.digits(6), draw.digits(1));
    Bill {
        provider,
        holder_name_en: name.english.clone(),
        holder_name_tc: name.chinese.clone(),
        service_address: premises.english.lines(),
        postal_address: postal_lines,
        account_number,
        bill_date,
        retrieved_on: retrieved_on.max(bill_date),
        amount_cents,
    }
}

fn marital_status_for(draw: &mut Draw, age: i32) -> MaritalStatus {
    let roll = draw.below(100);
    match age {
        ..18 => MaritalStatus::Single,
        18..30 => {
            if roll < 75 {
                MaritalStatus::Single
            } else {
                MaritalStatus::Married
            }
        }
        30..65 => match roll {
            0..55 => MaritalStatus::Married,
            55..80 => MaritalStatus::Single,
            80..92 => MaritalStatus::Divorced,
            _ => MaritalStatus::Separated,
        },
        _ => match roll {
            0..55 => MaritalStatus::Married,
            55..88 => MaritalStatus::Widowed,
            88..95 => MaritalStatus::Divorced,
            _ => MaritalStatus::Single,
        },
    }
}

fn education_for(draw: &mut Draw, age: i32) -> EducationLevel {
    let roll = draw.below(100);
    match age {
        ..13 => EducationLevel::PrimaryOrBelow,
        13..19 => EducationLevel::Secondary,
        19..65 => match roll {
            0..5 => EducationLevel::PrimaryOrBelow,
            5..35 => EducationLevel::Secondary,
            35..55 => EducationLevel::PostSecondaryNonDegree,
            55..85 => EducationLevel::Degree,
            _ => EducationLevel::Postgraduate,
        },
        _ => match roll {
            0..40 => EducationLevel::PrimaryOrBelow,
            40..80 => EducationLevel::Secondary,
            80..92 => EducationLevel::Degree,
            _ => EducationLevel::PostSecondaryNonDegree,
        },
    }
}

fn prefix_for(
    draw: &mut Draw,
    gender: Gender,
    age: i32,
    marital_status: MaritalStatus,
    education: EducationLevel,
) -> Prefix {
    if age >= 30 && education == EducationLevel::Postgraduate && draw.chance(30) {
        return Prefix::Dr;
    }
    match (gender, marital_status) {
        (Gender::Male, _) => Prefix::Mr,
        (Gender::Female, MaritalStatus::Married) if draw.chance(70) => Prefix::Mrs,
        (Gender::Female, MaritalStatus::Single) if age < 30 => Prefix::Miss,
        (Gender::Female, _) => Prefix::Ms,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::identity::validate::validate_profile;

    fn today() -> CivilDate {
        CivilDate::new(2026, 3, 15).expect("a real date")
    }

    fn seed(byte: u8) -> IdentitySeed {
        IdentitySeed::new([byte; 32])
    }

    #[test]
    fn the_adult_recipe_fills_every_field_and_validates() {
        for byte in 0..40u8 {
            let profile = generate(&seed(byte), &Recipe::ADULT, 123_456, today());
            assert_eq!(validate_profile(&profile), Ok(()), "seed {byte}");
            for field in EmeField::ALL {
                assert!(profile.has(field), "{field:?} with seed {byte}");
            }
            let age = profile.age_on(today()).expect("a birth date");
            assert!((25..=60).contains(&age), "{age}");
        }
    }

    #[test]
    fn pinned_ages_hold_on_any_day() {
        let days = [
            CivilDate::new(2026, 1, 1),
            CivilDate::new(2026, 12, 31),
            CivilDate::new(2028, 2, 28),
            CivilDate::new(2028, 2, 29),
            CivilDate::new(2027, 2, 28),
        ];
        for today in days.into_iter().flatten() {
            let tomorrow = today.add_days(1);
            let recipe = |age| Recipe {
                age,
                ..Recipe::ADULT
            };
            for byte in 0..10u8 {
                let minor = generate(&seed(byte), &recipe(AgeSpec::Exactly(11)), 1, today);
                assert_eq!(minor.age_on(today), Some(11));
                let turning = generate(&seed(byte), &recipe(AgeSpec::TurnsTomorrow(18)), 1, today);
                assert_eq!(turning.age_on(today), Some(17), "{today}");
                assert_eq!(turning.age_on(tomorrow.add_days(1)), Some(18), "{today}");
                let turned = generate(&seed(byte), &recipe(AgeSpec::TurnedToday(18)), 1, today);
                assert_eq!(turned.age_on(today), Some(18), "{today}");
                assert_eq!(turned.age_on(today.add_days(-2)), Some(17), "{today}");
                let leap = generate(
                    &seed(byte),
                    &recipe(AgeSpec::LeapDayBetween(30, 40)),
                    1,
                    today,
                );
                let born = leap.birth_date.expect("a birth date");
                assert_eq!((born.month(), born.day()), (2, 29));
            }
        }
    }

    #[test]
    fn a_turning_birthday_falls_on_tomorrow_when_it_exists() {
        let today = CivilDate::new(2026, 5, 19).expect("a real date");
        let recipe = Recipe {
            age: AgeSpec::TurnsTomorrow(18),
            ..Recipe::ADULT
        };
        let profile = generate(&seed(1), &recipe, 1, today);
        assert_eq!(profile.birth_date, CivilDate::new(2008, 5, 20));
    }

    #[test]
    fn identity_documents_follow_the_spec() {
        let with = |id| Recipe {
            id,
            ..Recipe::ADULT
        };
        for byte in 0..20u8 {
            let two = generate(&seed(byte), &with(IdSpec::HkidTwoLetters), 4321, today());
            let id = two.id_no.expect("an id");
            assert_eq!(id.identification.len(), 8);
            assert!(id.identification.ends_with("004321"));
            for wanted in ['A', '0'] {
                let profile = generate(
                    &seed(byte),
                    &with(IdSpec::HkidCheckDigit(wanted)),
                    777,
                    today(),
                );
                assert_eq!(
                    profile.id_no.expect("an id").check_digit,
                    wanted.to_string()
                );
            }
            let ccic = generate(&seed(byte), &with(IdSpec::Ccic), 777, today());
            assert!(ccic.id_no.expect("an id").identification.starts_with("CC"));
        }
    }

    #[test]
    fn residences_shape_the_address_and_phones() {
        let shenzhen = generate(
            &seed(5),
            &Recipe {
                residence: Residence::Shenzhen,
                ..Recipe::ADULT
            },
            1,
            today(),
        );
        assert_eq!(validate_profile(&shenzhen), Ok(()));
        assert!(matches!(
            shenzhen.residential_address,
            Some(Address::FreeFormat(_))
        ));
        assert_eq!(shenzhen.mobile_number.expect("a mobile").country_code, "86");
        assert!(
            shenzhen.address_doc_file.is_none(),
            "no Hong Kong utility bill"
        );
        let overseas = generate(
            &seed(5),
            &Recipe {
                residence: Residence::Overseas,
                ..Recipe::ADULT
            },
            1,
            today(),
        );
        assert_eq!(validate_profile(&overseas), Ok(()));
        assert_ne!(
            overseas.mobile_number.expect("a mobile").country_code,
            "852"
        );
    }

    #[test]
    fn omitted_fields_are_absent_and_the_rest_unchanged() {
        let full = generate(&seed(9), &Recipe::ADULT, 1, today());
        let without = generate(
            &seed(9),
            &Recipe {
                omit: &[EmeField::MobileNumber],
                ..Recipe::ADULT
            },
            1,
            today(),
        );
        assert!(without.mobile_number.is_none());
        let mut expected = full;
        expected.remove(EmeField::MobileNumber);
        assert_eq!(without, expected);
    }

    #[test]
    fn stale_bills_are_months_old_and_retrieved_after_issue() {
        let recipe = Recipe {
            bill: BillAge::MonthsOld(6),
            residence: Residence::HongKong(None, AddressLanguage::English),
            ..Recipe::ADULT
        };
        let profile = generate(&seed(2), &recipe, 1, today());
        let file = profile.address_doc_file.expect("a bill");
        assert_eq!((file.bill_date.year(), file.bill_date.month()), (2025, 9));
        let info = profile.address_doc_info.expect("bill metadata");
        assert!(info.last_retrieval_date >= file.bill_date);
        assert!(info.last_retrieval_date <= today());
    }
}
