//! The office app's addresses, in the hash of `office.html` as in the main app:
//! `#can-bo` is the staff page of the signed-in account's unit, `#can-bo/<unit id>` that
//! of another unit in its scope (a province administrator's commune); `#nhap-so` is the
//! register import of the account's commune, `#nhap-so/<commune id>` that of a commune
//! a province administrator chose; `#sap-nhap` the lineage screen; `#thiet-bi` the
//! account's own devices; `#thon/<hamlet unit id>` merging or archiving a hamlet;
//! `#co-quan` the province's report recipients and recognising authorities;
//! `#bo-tieu-chi-tinh` the province's own criteria sets and their editor;
//! `#tu-danh-gia` the citizens' self-assessment campaigns and their queues;
//! `#quyet-dinh/<year>` the recognition decisions of the account's unit for that year,
//! `#quyet-dinh/<year>?so=<number, percent-encoded>&ngay=<yyyy-mm-dd>` one of them (see
//! [`crate::page::decision_href`]); the report screens keep the
//! main app's addresses (`#bao-cao/2026`, `#ke-hoach`, `#so-ket`), so a report link is
//! the same hash on `office.html`. Anything else opens the account's own staff page.

use hoctap_shared::date::Date;

use crate::page::{decision_hash, year_of, Route};
use crate::reports::decode_component;

/// A screen of the office app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OfficeRoute {
    /// The staff page ("Cán bộ") of a unit; `None` for the account's own.
    Staff(Option<String>),
    /// How the account's unit came out of the old ones, and where their hamlets count
    /// ("Sáp nhập"); a province's districts before 1 July 2025.
    Lineage,
    /// The register import ("Nhập sổ từ Excel") of a commune; `None` for the account's own.
    Import(Option<String>),
    /// The signed-in account's own devices, each of which can be signed out.
    Devices,
    /// Merging or archiving a hamlet (its unit id).
    Hamlet(String),
    /// The report recipients and recognising authorities of the account's province.
    Authorities,
    /// The criteria sets the account's province published, and the editor.
    ProvinceCriteria,
    /// The citizens' self-assessment campaigns of the account's unit and what came in
    /// ("Tự đánh giá của người dân").
    SelfAssessment,
    /// The recognition decisions of the account's unit in a report year ("Quyết định");
    /// `None` for this year.
    Decisions(Option<i32>),
    /// One recognition decision, by the report year that lists it, its number and date.
    Decision { year: i32, number: String, date: Date },
    /// A report screen of the main app's addresses (`#bao-cao`, `#bao-cao/<year>`,
    /// `#bao-cao/<year>/ban/<n>`, `#ke-hoach`, `#so-ket`), which lives here.
    Report(Route),
}

impl OfficeRoute {
    /// The route a hash names.
    pub fn parse(hash: &str) -> OfficeRoute {
        let path = hash.trim_start_matches('#').trim();
        if let Some(rest) = path.strip_prefix("quyet-dinh").filter(|r| r.is_empty() || r.starts_with('/')) {
            return decision_route(rest.trim_start_matches('/'));
        }
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["can-bo", unit] => OfficeRoute::Staff(Some(decode(unit))),
            ["sap-nhap"] => OfficeRoute::Lineage,
            ["thiet-bi"] => OfficeRoute::Devices,
            ["co-quan"] => OfficeRoute::Authorities,
            ["bo-tieu-chi-tinh"] => OfficeRoute::ProvinceCriteria,
            ["tu-danh-gia"] => OfficeRoute::SelfAssessment,
            ["nhap-so"] => OfficeRoute::Import(None),
            ["nhap-so", unit] => OfficeRoute::Import(Some(decode(unit))),
            ["thon", unit] => OfficeRoute::Hamlet(decode(unit)),
            _ => match Route::parse(path) {
                route @ (Route::AnnualReport(_) | Route::ReportVersion { .. } | Route::Plan | Route::YearsReview) => {
                    OfficeRoute::Report(route)
                }
                _ => OfficeRoute::Staff(None),
            },
        }
    }

    /// The hash of this route (without `#`).
    pub fn hash(&self) -> String {
        match self {
            OfficeRoute::Staff(None) => "can-bo".to_string(),
            OfficeRoute::Staff(Some(unit)) => format!("can-bo/{unit}"),
            OfficeRoute::Lineage => "sap-nhap".to_string(),
            OfficeRoute::Devices => "thiet-bi".to_string(),
            OfficeRoute::Authorities => "co-quan".to_string(),
            OfficeRoute::ProvinceCriteria => "bo-tieu-chi-tinh".to_string(),
            OfficeRoute::SelfAssessment => "tu-danh-gia".to_string(),
            OfficeRoute::Import(None) => "nhap-so".to_string(),
            OfficeRoute::Import(Some(unit)) => format!("nhap-so/{unit}"),
            OfficeRoute::Hamlet(unit) => format!("thon/{unit}"),
            OfficeRoute::Decisions(None) => "quyet-dinh".to_string(),
            OfficeRoute::Decisions(Some(year)) => format!("quyet-dinh/{year}"),
            OfficeRoute::Decision { year, number, date } => decision_hash(*year, number, *date),
            OfficeRoute::Report(route) => route.hash(),
        }
    }

    /// A link to this route, for `href` on the office page.
    pub fn href(&self) -> String {
        format!("#{}", self.hash())
    }
}

/// `#quyet-dinh/…` after its first `/`: a year, then maybe `?so=…&ngay=…`. A year
/// without a readable number and date is that year's list; anything else this year's.
fn decision_route(rest: &str) -> OfficeRoute {
    let (year, query) = rest.split_once('?').unwrap_or((rest, ""));
    let Some(year) = year_of(year.trim_end_matches('/')) else { return OfficeRoute::Decisions(None) };
    let (mut number, mut date) = (None, None);
    for pair in query.split('&').take(8) {
        match pair.split_once('=') {
            Some(("so", value)) => number = decode_component(value).filter(|n| !n.trim().is_empty()),
            Some(("ngay", value)) => date = Date::parse_iso(value),
            _ => {}
        }
    }
    match (number, date) {
        (Some(number), Some(date)) => OfficeRoute::Decision { year, number, date },
        _ => OfficeRoute::Decisions(Some(year)),
    }
}

/// A unit id as typed or linked: browsers may percent-encode the `:` of
/// `commune:23629:2025` in an address; ids never contain `%` themselves.
fn decode(segment: &str) -> String {
    segment.replace("%3A", ":").replace("%3a", ":")
}

#[cfg(test)]
mod tests {
    use super::OfficeRoute;
    use crate::page::Route;

    #[test]
    fn staff_addresses() {
        for route in [
            OfficeRoute::Staff(None),
            OfficeRoute::Staff(Some("commune:23629:2025".to_string())),
            OfficeRoute::Import(None),
            OfficeRoute::Import(Some("commune:23629:2025".to_string())),
            OfficeRoute::Lineage,
            OfficeRoute::Devices,
            OfficeRoute::Authorities,
            OfficeRoute::ProvinceCriteria,
            OfficeRoute::SelfAssessment,
            OfficeRoute::Hamlet("hamlet:q-a".to_string()),
            OfficeRoute::Report(Route::AnnualReport(None)),
            OfficeRoute::Report(Route::AnnualReport(Some(2026))),
            OfficeRoute::Report(Route::ReportVersion { year: 2026, version: 2 }),
            OfficeRoute::Report(Route::Plan),
            OfficeRoute::Report(Route::YearsReview),
            OfficeRoute::Decisions(None),
            OfficeRoute::Decisions(Some(2026)),
            OfficeRoute::Decision {
                year: 2026,
                number: "15/QĐ-UBND".to_string(),
                date: hoctap_shared::date::Date::new(2026, 11, 3).expect("a date"),
            },
        ] {
            assert_eq!(OfficeRoute::parse(&route.href()), route);
        }
        assert_eq!(OfficeRoute::parse(""), OfficeRoute::Staff(None));
        assert_eq!(OfficeRoute::parse("#khac/1/2"), OfficeRoute::Staff(None));
        assert_eq!(
            OfficeRoute::parse("#can-bo/commune%3A23629%3A2025"),
            OfficeRoute::Staff(Some("commune:23629:2025".to_string()))
        );
        assert_eq!(OfficeRoute::parse("#nhap-so"), OfficeRoute::Import(None));
        assert_eq!(OfficeRoute::Import(None).href(), "#nhap-so");
    }

    #[test]
    fn decision_addresses() {
        let day = hoctap_shared::date::Date::new(2026, 11, 3).expect("a date");
        let one = |number: &str| OfficeRoute::Decision { year: 2026, number: number.to_string(), date: day };
        assert_eq!(OfficeRoute::parse("#quyet-dinh"), OfficeRoute::Decisions(None));
        assert_eq!(OfficeRoute::parse("#quyet-dinh/2026"), OfficeRoute::Decisions(Some(2026)));
        assert_eq!(OfficeRoute::parse("#quyet-dinh/2026?so=15%2FQ%C4%90-UBND&ngay=2026-11-03"), one("15/QĐ-UBND"));
        // Typed by hand: the slash and the letters as they are, the fields in any order.
        assert_eq!(OfficeRoute::parse("#quyet-dinh/2026?ngay=2026-11-03&so=15/QĐ-UBND"), one("15/QĐ-UBND"));
        // Without a number or a real date: the year's list; without a year: this year's.
        for list in [
            "#quyet-dinh/2026?so=15",
            "#quyet-dinh/2026?so=&ngay=2026-11-03",
            "#quyet-dinh/2026?so=%zz&ngay=2026-11-03",
            "#quyet-dinh/2026?so=1&ngay=2026-02-30",
        ] {
            assert_eq!(OfficeRoute::parse(list), OfficeRoute::Decisions(Some(2026)), "{list}");
        }
        for other in ["#quyet-dinh/20266", "#quyet-dinh/x?so=1&ngay=2026-11-03"] {
            assert_eq!(OfficeRoute::parse(other), OfficeRoute::Decisions(None), "{other}");
        }
        assert_eq!(OfficeRoute::parse("#quyet-dinhx"), OfficeRoute::Staff(None));
    }
}
