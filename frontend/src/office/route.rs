//! The office app's addresses, in the hash of `office.html` as in the main app:
//! `#can-bo` is the staff page of the signed-in account's unit, `#can-bo/<unit id>` that
//! of another unit in its scope (a province administrator's commune); `#nhap-so` is the
//! register import of the account's commune, `#nhap-so/<commune id>` that of a commune
//! a province administrator chose; `#sap-nhap` the lineage screen; `#thiet-bi` the
//! account's own devices; `#thon/<hamlet unit id>` merging or archiving a hamlet; the report screens keep the
//! main app's addresses (`#bao-cao/2026`, `#ke-hoach`, `#so-ket`), so a report link is
//! the same hash on `office.html`. Anything else opens the account's own staff page.

use crate::page::Route;

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
    /// A report screen of the main app's addresses (`#bao-cao`, `#bao-cao/<year>`,
    /// `#bao-cao/<year>/ban/<n>`, `#ke-hoach`, `#so-ket`), which lives here.
    Report(Route),
}

impl OfficeRoute {
    /// The route a hash names.
    pub fn parse(hash: &str) -> OfficeRoute {
        let path = hash.trim_start_matches('#').trim();
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        match parts.as_slice() {
            ["can-bo", unit] => OfficeRoute::Staff(Some(decode(unit))),
            ["sap-nhap"] => OfficeRoute::Lineage,
            ["thiet-bi"] => OfficeRoute::Devices,
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
            OfficeRoute::Import(None) => "nhap-so".to_string(),
            OfficeRoute::Import(Some(unit)) => format!("nhap-so/{unit}"),
            OfficeRoute::Hamlet(unit) => format!("thon/{unit}"),
            OfficeRoute::Report(route) => route.hash(),
        }
    }

    /// A link to this route, for `href` on the office page.
    pub fn href(&self) -> String {
        format!("#{}", self.hash())
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
            OfficeRoute::Hamlet("hamlet:q-a".to_string()),
            OfficeRoute::Report(Route::AnnualReport(None)),
            OfficeRoute::Report(Route::AnnualReport(Some(2026))),
            OfficeRoute::Report(Route::ReportVersion { year: 2026, version: 2 }),
            OfficeRoute::Report(Route::Plan),
            OfficeRoute::Report(Route::YearsReview),
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
}
