//! Settings an operator may change, with the defaults the issues set.

use std::collections::BTreeMap;

use hoctap_shared::units::UnitKind;

/// Server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The largest evidence file accepted (default 2 MB; photos are resized on the
    /// device before upload).
    pub max_evidence_bytes: usize,
    /// Annual report deadlines (day, month) per level that override the defaults
    /// (`hoctap_shared::annual::default_deadline`); a unit's own plan overrides both.
    pub deadlines: BTreeMap<UnitKind, (u8, u8)>,
    /// How far ahead of the server's clock an operation's clock may be (default 24
    /// hours); an operation stamped later, or before 2000, is refused as `clock_skew`.
    pub max_clock_ahead_ms: i64,
    /// Whether the server runs behind a reverse proxy that appends the client's address
    /// to `X-Forwarded-For` (default false: the connection's address is the client's).
    /// Citizens' requests are rate-limited per address.
    pub trust_proxy: bool,
}

/// Parses a deadline setting, `commune=15/11`: a level (`hamlet`, `commune`, `district`,
/// `province`) and a day of the year that exists in every year.
pub fn parse_deadline(text: &str) -> Result<(UnitKind, (u8, u8)), String> {
    let (level, day_month) = text
        .split_once('=')
        .ok_or_else(|| format!("hạn báo cáo {text:?}: cần dạng CẤP=NGÀY/THÁNG, ví dụ commune=15/11"))?;
    let level = match level.trim() {
        "hamlet" => UnitKind::Hamlet,
        "commune" => UnitKind::Commune,
        "district" => UnitKind::District,
        "province" => UnitKind::Province,
        other => return Err(format!("cấp {other:?} không có (hamlet, commune, district, province)")),
    };
    let (day, month) = day_month.trim().split_once('/').ok_or_else(|| format!("ngày {day_month:?}: cần NGÀY/THÁNG"))?;
    let (day, month): (u8, u8) = match (day.parse(), month.parse()) {
        (Ok(day), Ok(month)) => (day, month),
        _ => return Err(format!("ngày {day_month:?}: cần NGÀY/THÁNG bằng số")),
    };
    // 2025 is not a leap year: a deadline must exist every year, so 29/02 is refused.
    if hoctap_shared::date::Date::new(2025, month, day).is_none() {
        return Err(format!("ngày {day}/{month} không phải ngày có thật trong mọi năm"));
    }
    Ok((level, (day, month)))
}

impl Config {
    /// The annual report deadline (day, month) of a level.
    pub fn deadline(&self, level: UnitKind) -> (u8, u8) {
        self.deadlines.get(&level).copied().unwrap_or_else(|| hoctap_shared::annual::default_deadline(level))
    }
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_evidence_bytes: 2 * 1024 * 1024,
            deadlines: BTreeMap::new(),
            max_clock_ahead_ms: 24 * 60 * 60 * 1000,
            trust_proxy: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_parsed_with_clear_refusals() {
        assert_eq!(parse_deadline("commune=15/11"), Ok((UnitKind::Commune, (15, 11))));
        assert_eq!(parse_deadline(" province = 5/12 "), Ok((UnitKind::Province, (5, 12))));
        assert!(parse_deadline("xa=15/11").expect_err("refused").contains("cấp"));
        assert!(parse_deadline("commune=31/11").expect_err("refused").contains("không phải ngày có thật"));
        assert!(parse_deadline("commune=29/02").is_err());
        assert!(parse_deadline("commune").expect_err("refused").contains("CẤP=NGÀY/THÁNG"));
        let config = Config { deadlines: BTreeMap::from([(UnitKind::Commune, (10, 11))]), ..Config::default() };
        assert_eq!((config.deadline(UnitKind::Commune), config.deadline(UnitKind::Province)), ((10, 11), (15, 12)));
    }
}
