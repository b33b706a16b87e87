//! A calendar date without a clock: criteria sets, decisions and unit validity need
//! days, never instants, and `shared` must not read the time (callers pass it in).

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A valid Gregorian date. Ordered chronologically; serialized as ISO `YYYY-MM-DD`;
/// displayed the Vietnamese way, `dd/mm/yyyy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

impl Date {
    /// Returns `None` when the day does not exist (30/02, 31/04, month 13 …).
    pub const fn new(year: i32, month: u8, day: u8) -> Option<Date> {
        if month < 1 || month > 12 || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date { year, month, day })
    }

    /// Parses ISO `YYYY-MM-DD` (the form used in data files and on the wire).
    pub fn parse_iso(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '-');
        let year = parts.next()?;
        let month = parts.next()?;
        let day = parts.next()?;
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return None;
        }
        Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
    }

    /// Parses a date as officers write it, `dd/mm/yyyy` (also `d/m/yyyy`): the inverse
    /// of how it is displayed.
    pub fn parse_vi(text: &str) -> Option<Date> {
        let mut parts = text.trim().splitn(3, '/');
        let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
        let digits = |s: &str, max: usize| !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(day, 2) || !digits(month, 2) || year.len() != 4 || !digits(year, 4) {
            return None;
        }
        Date::new(year.parse().ok()?, month.parse().ok()?, day.parse().ok()?)
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

    /// ISO form, `2025-07-01`.
    pub fn iso(self) -> String {
        format!("{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }

    /// The calendar day in Vietnam (UTC+7, no daylight saving) at `unix_ms`
    /// milliseconds after 1970-01-01T00:00Z.
    pub fn in_vietnam(unix_ms: i64) -> Date {
        const DAY_MS: i64 = 86_400_000;
        let days = (unix_ms + 7 * 3_600_000).div_euclid(DAY_MS);
        // Howard Hinnant's civil_from_days.
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }

    /// Days since 1970-01-01 (Howard Hinnant's days_from_civil).
    fn days(self) -> i64 {
        let (m, d) = (i64::from(self.month), i64::from(self.day));
        let y = i64::from(self.year) - i64::from(m <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// Days from `earlier` to this day: 1 from the 20th to the 21st, negative before.
    pub fn days_since(self, earlier: Date) -> i64 {
        self.days() - earlier.days()
    }

    /// The day before, used for "valid until the eve of the reform".
    pub fn pred(self) -> Date {
        if self.day > 1 {
            return Date { day: self.day - 1, ..self };
        }
        let (year, month) = if self.month == 1 { (self.year - 1, 12) } else { (self.year, self.month - 1) };
        Date { year, month, day: days_in_month(year, month) }
    }

    /// The day after.
    pub fn succ(self) -> Date {
        if self.day < days_in_month(self.year, self.month) {
            return Date { day: self.day + 1, ..self };
        }
        if self.month == 12 {
            return Date { year: self.year + 1, month: 1, day: 1 };
        }
        Date { month: self.month + 1, day: 1, ..self }
    }
}

const fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        _ => 28,
    }
}

impl fmt::Display for Date {
    /// Vietnamese convention: `dd/mm/yyyy`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}/{:02}/{:04}", self.day, self.month, self.year)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.iso())
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Date, D::Error> {
        let text = String::deserialize(deserializer)?;
        Date::parse_iso(&text)
            .ok_or_else(|| serde::de::Error::custom(format!("ngày không hợp lệ: {text:?} (cần dạng YYYY-MM-DD)")))
    }
}

/// The wire form is the ISO string, not the struct's fields.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Date {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::ObjectBuilder::new()
            .schema_type(utoipa::openapi::Type::String)
            .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Date)))
            .description(Some("A calendar date, ISO `YYYY-MM-DD`."))
            .examples(["2025-07-01"])
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Date {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Date")
    }
}

#[cfg(test)]
mod tests {
    use super::Date;

    #[test]
    fn parses_and_rejects() {
        assert_eq!(Date::parse_iso("2025-07-01").map(|d| d.to_string()), Some("01/07/2025".to_string()));
        assert_eq!(Date::parse_iso("2024-02-29").map(|d| d.iso()), Some("2024-02-29".to_string()));
        assert!(Date::parse_iso("2025-02-29").is_none());
        assert!(Date::parse_iso("2025-13-01").is_none());
        assert!(Date::parse_iso("25-07-01").is_none());
        assert_eq!(Date::parse_vi("15/11/2026").map(|d| d.iso()), Some("2026-11-15".to_string()));
        assert_eq!(Date::parse_vi(" 1/2/2026 ").map(|d| d.iso()), Some("2026-02-01".to_string()));
        assert!(Date::parse_vi("31/02/2026").is_none());
        assert!(Date::parse_vi("2026-11-15").is_none());
        assert!(Date::parse_vi("+1/2/2026").is_none());
        assert_eq!(Date::parse_iso("2025-07-01").map(|d| d.pred().iso()), Some("2025-06-30".to_string()));
        assert_eq!(Date::parse_iso("2025-01-01").map(|d| d.pred().iso()), Some("2024-12-31".to_string()));
        for day in ["2024-02-28", "2024-02-29", "2025-02-28", "2025-06-30", "2025-12-31", "2026-03-15"] {
            let date = Date::parse_iso(day).expect("date");
            assert_eq!(date.succ().pred(), date, "{day}");
            assert!(date.succ() > date, "{day}");
        }
        assert_eq!(Date::parse_iso("2025-12-31").map(|d| d.succ().iso()), Some("2026-01-01".to_string()));
    }

    #[test]
    fn the_day_in_vietnam() {
        // 2025-11-15T16:59:59Z is 23:59:59 in Hà Nội; one second later it is the 16th.
        assert_eq!(Date::in_vietnam(1_763_225_999_000).iso(), "2025-11-15");
        assert_eq!(Date::in_vietnam(1_763_226_000_000).iso(), "2025-11-16");
        assert_eq!(Date::in_vietnam(0).iso(), "1970-01-01");
        assert_eq!(Date::in_vietnam(951_782_400_000).iso(), "2000-02-29");
        assert_eq!(Date::in_vietnam(-7 * 3_600_000 - 1).iso(), "1969-12-31");
    }
}
