//! Calendar dates as the protocol writes them (`YYYYMMDD`, PROTOCOL §3.1), with the little civil-date
//! arithmetic the identity generator needs: Hong Kong dates from epoch milliseconds, ages, leap years.
//!
//! Pure arithmetic on the proleptic Gregorian calendar. This module must never read a clock: "today"
//! always arrives as an argument, so a persona is the same on every replay of a flow.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Hong Kong time is UTC+8 all year (no daylight saving since 1979).
const HONG_KONG_OFFSET_MS: i64 = 8 * 60 * 60 * 1000;
const MS_PER_DAY: i64 = 24 * 60 * 60 * 1000;

/// The earliest and latest years a date may carry. Nobody alive was born before 1900, and the cap keeps
/// every year four digits wide, which is what `YYYYMMDD` can hold.
pub const MIN_YEAR: i32 = 1900;
pub const MAX_YEAR: i32 = 9999;

/// A day in the Gregorian calendar, always valid once constructed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CivilDate {
    year: i32,
    month: u8,
    day: u8,
}

impl CivilDate {
    /// The date, if it exists and its year is within [`MIN_YEAR`]..=[`MAX_YEAR`].
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) || !(1..=12).contains(&month) {
            return None;
        }
        if day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u8 {
        self.month
    }

    pub fn day(self) -> u8 {
        self.day
    }

    /// Parses the wire form `YYYYMMDD` (exactly eight ASCII digits).
    pub fn parse_compact(text: &str) -> Option<Self> {
        if text.len() != 8 || !text.bytes().all(|byte| byte.is_ascii_digit()) {
            return None;
        }
        let year = text.get(0..4)?.parse().ok()?;
        let month = text.get(4..6)?.parse().ok()?;
        let day = text.get(6..8)?.parse().ok()?;
        Self::new(year, month, day)
    }

    /// The wire form `YYYYMMDD`.
    pub fn compact(self) -> String {
        format!("{:04}{:02}{:02}", self.year, self.month, self.day)
    }

    /// The calendar date in Hong Kong at `epoch_ms`, clamped to the supported years.
    pub fn from_epoch_ms_hong_kong(epoch_ms: i64) -> Self {
        let local_ms = epoch_ms.saturating_add(HONG_KONG_OFFSET_MS);
        Self::from_days_since_epoch(local_ms.div_euclid(MS_PER_DAY))
    }

    /// Days since 1970-01-01 (negative before it).
    pub fn days_since_epoch(self) -> i64 {
        // Howard Hinnant's days_from_civil: exact for every Gregorian date.
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5
            + i64::from(self.day)
            - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    /// The date `days` after 1970-01-01, clamped to the supported years.
    pub fn from_days_since_epoch(days: i64) -> Self {
        let first = Self::FIRST.days_since_epoch();
        let last = Self::LAST.days_since_epoch();
        let days = days.clamp(first, last);
        // Howard Hinnant's civil_from_days.
        let shifted = days + 719_468;
        let era = shifted.div_euclid(146_097);
        let day_of_era = shifted - era * 146_097;
        let year_of_era =
            (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let month_index = (5 * day_of_year + 2) / 153;
        let day = day_of_year - (153 * month_index + 2) / 5 + 1;
        let month = if month_index < 10 {
            month_index + 3
        } else {
            month_index - 9
        };
        let year = year_of_era + era * 400 + i64::from(month <= 2);
        // The clamp above keeps every component in range, so the fallbacks are never taken.
        Self {
            year: i32::try_from(year).unwrap_or(MIN_YEAR),
            month: u8::try_from(month).unwrap_or(1),
            day: u8::try_from(day).unwrap_or(1),
        }
    }

    /// The date `days` later (or earlier, when negative), clamped to the supported years.
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch().saturating_add(days))
    }

    /// The same day of the month `months` later (or earlier), moved back to the month's last day when
    /// it has fewer days (31 March minus one month is 28 or 29 February).
    pub fn add_months(self, months: i32) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + i64::from(months);
        let year = i32::try_from(index.div_euclid(12)).unwrap_or(MIN_YEAR);
        let month = u8::try_from(index.rem_euclid(12) + 1).unwrap_or(1);
        if !(MIN_YEAR..=MAX_YEAR).contains(&year) {
            return if year < MIN_YEAR {
                Self::FIRST
            } else {
                Self::LAST
            };
        }
        let day = self.day.min(days_in_month(year, month));
        Self { year, month, day }
    }

    /// Whole years of age on `today` for someone born on `self`; someone born on 29 February has a
    /// birthday on 1 March in common years. Negative when `today` is before the birth date.
    pub fn age_on(self, today: CivilDate) -> i32 {
        let mut age = today.year - self.year;
        if (today.month, today.day) < (self.month, self.day) {
            age -= 1;
        }
        age
    }

    /// 1900-01-01, the earliest supported date.
    pub const FIRST: CivilDate = CivilDate {
        year: MIN_YEAR,
        month: 1,
        day: 1,
    };
    /// 9999-12-31, the latest supported date.
    pub const LAST: CivilDate = CivilDate {
        year: MAX_YEAR,
        month: 12,
        day: 31,
    };
}

impl fmt::Display for CivilDate {
    /// ISO 8601 (`2024-02-29`), for documents people read; the wire uses [`CivilDate::compact`].
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for CivilDate {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.compact())
    }
}

impl<'de> Deserialize<'de> for CivilDate {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse_compact(&text).ok_or_else(|| {
            serde::de::Error::custom("expected a real calendar date written YYYYMMDD")
        })
    }
}

/// Whether `year` has a 29 February.
pub fn is_leap_year(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// How many days `month` (1–12) has in `year`; 0 for a month that does not exist.
pub fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap_year(year) => 29,
        2 => 28,
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(year: i32, month: u8, day: u8) -> CivilDate {
        CivilDate::new(year, month, day).expect("a real date")
    }

    #[test]
    fn only_real_dates_in_range_can_be_built() {
        assert!(CivilDate::new(2024, 2, 29).is_some());
        assert!(CivilDate::new(2023, 2, 29).is_none());
        assert!(
            CivilDate::new(1900, 2, 29).is_none(),
            "1900 was not a leap year"
        );
        assert!(CivilDate::new(2000, 2, 29).is_some(), "2000 was");
        assert!(CivilDate::new(2024, 13, 1).is_none());
        assert!(CivilDate::new(2024, 4, 31).is_none());
        assert!(CivilDate::new(1899, 12, 31).is_none());
    }

    #[test]
    fn the_compact_form_round_trips_and_rejects_anything_else() {
        let day = date(1987, 6, 5);
        assert_eq!(day.compact(), "19870605");
        assert_eq!(CivilDate::parse_compact("19870605"), Some(day));
        for bad in [
            "1987065",
            "1987-06-05",
            "19870631",
            "+9870605",
            "１９８７０６０５",
            "",
        ] {
            assert_eq!(CivilDate::parse_compact(bad), None, "{bad}");
        }
        assert_eq!(day.to_string(), "1987-06-05");
    }

    #[test]
    fn epoch_days_match_known_dates() {
        assert_eq!(date(1970, 1, 1).days_since_epoch(), 0);
        // 2000-03-01 is day 11 017 (python3: date(2000,3,1) - date(1970,1,1)).
        assert_eq!(date(2000, 3, 1).days_since_epoch(), 11_017);
        assert_eq!(date(1900, 1, 1).days_since_epoch(), -25_567);
        for days in [-25_567, -1, 0, 59, 11_016, 19_782, 20_000] {
            assert_eq!(
                CivilDate::from_days_since_epoch(days).days_since_epoch(),
                days
            );
        }
    }

    #[test]
    fn hong_kong_dates_turn_over_at_midnight_local_time() {
        // 2024-01-31T15:59:59.999Z is 23:59:59.999 in Hong Kong; one millisecond later it is 1 February.
        let before = 1_706_716_799_999;
        assert_eq!(
            CivilDate::from_epoch_ms_hong_kong(before),
            date(2024, 1, 31)
        );
        assert_eq!(
            CivilDate::from_epoch_ms_hong_kong(before + 1),
            date(2024, 2, 1)
        );
        assert_eq!(
            CivilDate::from_epoch_ms_hong_kong(i64::MIN),
            CivilDate::FIRST
        );
        assert_eq!(
            CivilDate::from_epoch_ms_hong_kong(i64::MAX),
            CivilDate::LAST
        );
    }

    #[test]
    fn ages_change_on_the_birthday_and_leap_day_births_age_on_the_first_of_march() {
        let born = date(2008, 5, 20);
        assert_eq!(born.age_on(date(2026, 5, 19)), 17);
        assert_eq!(born.age_on(date(2026, 5, 20)), 18);
        let leap = date(2004, 2, 29);
        assert_eq!(leap.age_on(date(2022, 2, 28)), 17);
        assert_eq!(leap.age_on(date(2022, 3, 1)), 18);
        assert_eq!(leap.age_on(date(2024, 2, 29)), 20);
    }

    #[test]
    fn month_arithmetic_keeps_the_day_or_the_end_of_the_month() {
        assert_eq!(date(2024, 3, 31).add_months(-1), date(2024, 2, 29));
        assert_eq!(date(2023, 3, 31).add_months(-1), date(2023, 2, 28));
        assert_eq!(date(2024, 1, 15).add_months(-6), date(2023, 7, 15));
        assert_eq!(date(2024, 12, 1).add_months(1), date(2025, 1, 1));
        assert_eq!(date(1900, 1, 1).add_months(-1), CivilDate::FIRST);
        assert_eq!(date(2024, 2, 28).add_days(1), date(2024, 2, 29));
    }

    #[test]
    fn dates_serialise_in_the_compact_wire_form() {
        let json = serde_json::to_string(&date(2024, 2, 29)).expect("serialises");
        assert_eq!(json, "\"20240229\"");
        let back: CivilDate = serde_json::from_str(&json).expect("parses");
        assert_eq!(back, date(2024, 2, 29));
        assert!(serde_json::from_str::<CivilDate>("\"20230229\"").is_err());
    }
}
