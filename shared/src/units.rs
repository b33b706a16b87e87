//! The versioned administrative hierarchy: province → commune → hamlet since 1 July
//! 2025, with the former provinces, districts and communes kept for history. A code is
//! only meaningful with its validity dates (new communes reuse old codes for other
//! territory), so a unit's id carries its era, and predecessor links record the 2025
//! mergers, `full` or `partial`.
//!
//! The public lists are parsed from text passed in; `shared` reads no files.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::text::fold;

/// The day the two-tier local government took effect.
pub const REFORM_DATE: Date = match Date::new(2025, 7, 1) {
    Some(date) => date,
    None => panic!("valid date"),
};

/// The official code in a unit's id, shown on paper and screen instead of the id:
/// `commune:23629:2025` → `23629`. Hamlets and other units minted at run time have
/// none (`hamlet:cuu-an-thon-1` → `None`).
pub fn official_code(id: &str) -> Option<&str> {
    let mut parts = id.split(':');
    let kind = parts.next()?;
    let code = parts.next()?;
    let official = matches!(kind, "province" | "district" | "commune")
        && !code.is_empty()
        && code.bytes().all(|b| b.is_ascii_digit());
    official.then_some(code)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum UnitKind {
    /// Tỉnh, thành phố trực thuộc trung ương
    Province,
    /// Huyện, quận, thị xã, thành phố thuộc tỉnh (abolished 1 July 2025)
    District,
    /// Xã, phường, thị trấn, đặc khu
    Commune,
    /// Thôn, ấp, bản, tổ dân phố (no national code; ids are minted)
    Hamlet,
}

impl UnitKind {
    fn key(self) -> &'static str {
        match self {
            UnitKind::Province => "province",
            UnitKind::District => "district",
            UnitKind::Commune => "commune",
            UnitKind::Hamlet => "hamlet",
        }
    }
}

/// How a predecessor went into its successor on 1 July 2025.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum MergeKind {
    /// The whole old unit went into this one.
    Full,
    /// Only part of it did; its hamlets must be assigned explicitly.
    Partial,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Predecessor {
    pub unit: String,
    pub kind: MergeKind,
}

/// An administrative unit for the time it was valid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OrgUnit {
    /// `commune:00004:2025` for a unit valid from the reform, `commune:00013:old` for
    /// one that ended with it, `hamlet:<minted>` for hamlets.
    pub id: String,
    pub kind: UnitKind,
    /// The official type: Tỉnh, Thành phố, Xã, Phường, Đặc khu, Thị trấn, Thôn, Tổ dân phố …
    pub unit_type: String,
    /// The official code, where one exists.
    pub code: Option<String>,
    /// The name without its type (`Ba Đình`).
    pub name: String,
    pub parent: Option<String>,
    /// `None` when not known (units older than the data).
    pub valid_from: Option<Date>,
    /// `None` while still valid.
    pub valid_to: Option<Date>,
    pub predecessors: Vec<Predecessor>,
}

impl OrgUnit {
    /// The full name as written in documents: `Phường Ba Đình`.
    pub fn full_name(&self) -> String {
        format!("{} {}", self.unit_type, self.name)
    }

    pub fn valid_on(&self, day: Date) -> bool {
        self.valid_from.is_none_or(|from| from <= day) && self.valid_to.is_none_or(|to| day <= to)
    }

    /// A hamlet under `commune`. The caller mints `minted_id` (hamlets have no
    /// national code) and says from when it is valid.
    pub fn hamlet(minted_id: &str, commune: &str, unit_type: &str, name: &str, valid_from: Date) -> OrgUnit {
        OrgUnit {
            id: format!("hamlet:{minted_id}"),
            kind: UnitKind::Hamlet,
            unit_type: unit_type.to_string(),
            code: None,
            name: name.to_string(),
            parent: Some(commune.to_string()),
            valid_from: Some(valid_from),
            valid_to: None,
            predecessors: Vec::new(),
        }
    }
}

/// The id of a unit with an official code in one era.
pub fn unit_id(kind: UnitKind, code: &str, current: bool) -> String {
    format!("{}:{code}:{}", kind.key(), if current { "2025" } else { "old" })
}

/// All units, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub units: BTreeMap<String, OrgUnit>,
}

impl Registry {
    pub fn get(&self, id: &str) -> Option<&OrgUnit> {
        self.units.get(id)
    }

    pub fn insert(&mut self, unit: OrgUnit) {
        self.units.insert(unit.id.clone(), unit);
    }

    /// The direct children of `id`, sorted by id.
    pub fn children<'a>(&'a self, id: &'a str) -> impl Iterator<Item = &'a OrgUnit> + 'a {
        self.units.values().filter(move |u| u.parent.as_deref() == Some(id))
    }

    /// The unit that carried `code` on `day` (codes are reused, so the day matters).
    pub fn by_code(&self, kind: UnitKind, code: &str, day: Date) -> Option<&OrgUnit> {
        self.units.values().find(|u| u.kind == kind && u.code.as_deref() == Some(code) && u.valid_on(day))
    }

    /// `id` and its ancestors, nearest first.
    pub fn ancestors(&self, id: &str) -> Vec<&OrgUnit> {
        let mut chain = Vec::new();
        let mut current = self.get(id);
        while let Some(unit) = current {
            if chain.len() > self.units.len() {
                break;
            }
            chain.push(unit);
            current = unit.parent.as_deref().and_then(|p| self.get(p));
        }
        chain
    }

    /// Every unit's parent, the shape [`crate::indicators::roll_up`] takes.
    pub fn parents(&self) -> BTreeMap<String, Option<String>> {
        self.units.iter().map(|(id, u)| (id.clone(), u.parent.clone())).collect()
    }

    /// The units that went into `id`, with how.
    pub fn successors_of<'a, 'b>(
        &'a self,
        old: &'b str,
    ) -> impl Iterator<Item = (&'a OrgUnit, MergeKind)> + use<'a, 'b> {
        self.units
            .values()
            .flat_map(move |u| u.predecessors.iter().filter(move |p| p.unit == old).map(move |p| (u, p.kind)))
    }
}

/// How records kept under the units before 1 July 2025 are counted under the units
/// after it: an old commune merged whole into one new commune counts there with
/// everything below it; the hamlets of an old commune split between new ones count
/// where the administrator assigned them (`assignments`, old unit → new commune), and
/// are left out, and listed, until then. Old provinces need nothing: their communes
/// are moved one by one.
#[derive(Debug, Clone, Copy)]
pub struct Lineage<'a> {
    pub registry: &'a Registry,
    pub assignments: &'a BTreeMap<String, String>,
}

impl<'r> Lineage<'r> {
    /// The one new commune an old commune went into whole, if it did.
    pub fn whole_successor(&self, old: &str) -> Option<&'r str> {
        let mut successors = self.registry.successors_of(old);
        match (successors.next(), successors.next()) {
            (Some((unit, MergeKind::Full)), None) => Some(unit.id.as_str()),
            _ => None,
        }
    }

    /// Whether an old unit was split between new ones (its hamlets need assigning).
    pub fn is_split(&self, old: &str) -> bool {
        self.registry.successors_of(old).any(|(_, kind)| kind == MergeKind::Partial)
    }

    /// The parent `unit` counts under today, given the parent it was recorded under.
    pub fn parent(&self, unit: &str, recorded_parent: Option<String>) -> Option<String> {
        if let Some(assigned) = self.assignments.get(unit) {
            return Some(assigned.clone());
        }
        let old = self.registry.get(unit).is_some_and(|u| u.valid_to.is_some() && u.kind == UnitKind::Commune);
        if old {
            if let Some(successor) = self.whole_successor(unit) {
                return Some(successor.to_string());
            }
        }
        recorded_parent
    }
}

/// The most units in a chain from a unit to the top (a hamlet, a commune, a district,
/// a province are four): a longer one, which only a cycle in stored data could make, is
/// cut there.
pub const MAX_CHAIN: usize = 16;

/// `unit` and every unit above it by `parent_of`, nearest first, at most [`MAX_CHAIN`]:
/// the one walk up the hierarchy, whichever parents a caller counts by (as recorded,
/// through the lineage of the reform, with units being registered).
pub fn chain<E>(unit: &str, mut parent_of: impl FnMut(&str) -> Result<Option<String>, E>) -> Result<Vec<String>, E> {
    let mut chain = vec![unit.to_string()];
    while chain.len() < MAX_CHAIN {
        let Some(parent) = chain.last().map(|last| parent_of(last)).transpose()?.flatten() else { break };
        chain.push(parent);
    }
    Ok(chain)
}

/// Unit type words that prefix old names in the merge list (`Phường Trúc Bạch`).
const TYPE_PREFIXES: &[&str] = &["Thị trấn", "Thành phố", "Đặc khu", "Phường", "Tỉnh", "Xã"];

fn split_type(full: &str) -> (&str, &str) {
    for prefix in TYPE_PREFIXES {
        if let Some(rest) = full.strip_prefix(prefix).and_then(|r| r.strip_prefix(' ')) {
            return (prefix, rest.trim());
        }
    }
    ("", full.trim())
}

/// Builds the registry from `admin-units-2026.csv` (34 provinces, 3,321 communes) and
/// `admin-merges-2025-07-01.csv` (which old units went into which new one). Returns
/// every inconsistency found as a diagnostic, among them the codes on which the two
/// public lists disagree: such a row is matched by name within the lineage and kept.
pub fn load_admin(units_csv: &str, merges_csv: &str) -> (Registry, Vec<Diagnostic>) {
    let mut registry = Registry::default();
    let mut diagnostics = Vec::new();
    let end_of_old = REFORM_DATE.pred();

    let mut reader = csv::Reader::from_reader(units_csv.as_bytes());
    for (row, record) in reader.records().enumerate() {
        let line = row as u32 + 2;
        let record = match record {
            Ok(r) if r.len() == 6 => r,
            Ok(r) => {
                diagnostics.push(
                    Diagnostic::error("syntax", "admin-units", format!("dòng có {} cột, cần 6", r.len()))
                        .at_line(Some(line)),
                );
                continue;
            }
            Err(err) => {
                diagnostics.push(
                    Diagnostic::error("syntax", "admin-units", format!("dòng CSV không đọc được: {err}"))
                        .at_line(Some(line)),
                );
                continue;
            }
        };
        let (province_code, province_name, province_type) = (&record[0], &record[1], &record[2]);
        let (commune_code, commune_name, commune_type) = (&record[3], &record[4], &record[5]);
        let province_id = unit_id(UnitKind::Province, province_code, true);
        registry.units.entry(province_id.clone()).or_insert_with(|| OrgUnit {
            id: province_id.clone(),
            kind: UnitKind::Province,
            unit_type: province_type.to_string(),
            code: Some(province_code.to_string()),
            name: province_name.to_string(),
            parent: None,
            valid_from: Some(REFORM_DATE),
            valid_to: None,
            predecessors: Vec::new(),
        });
        let commune_id = unit_id(UnitKind::Commune, commune_code, true);
        if registry.units.contains_key(&commune_id) {
            diagnostics.push(
                Diagnostic::error("duplicate-code", "admin-units", format!("mã xã {commune_code} xuất hiện hai lần"))
                    .at_line(Some(line)),
            );
            continue;
        }
        registry.insert(OrgUnit {
            id: commune_id,
            kind: UnitKind::Commune,
            unit_type: commune_type.to_string(),
            code: Some(commune_code.to_string()),
            name: commune_name.to_string(),
            parent: Some(province_id),
            valid_from: Some(REFORM_DATE),
            valid_to: None,
            predecessors: Vec::new(),
        });
    }

    // Old provinces first, so old communes can find their province where it is certain.
    let mut old_provinces_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut reader = csv::Reader::from_reader(merges_csv.as_bytes());
    let rows: Vec<(u32, csv::StringRecord)> = reader
        .records()
        .enumerate()
        .filter_map(|(i, r)| r.ok().map(|r| (i as u32 + 2, r)))
        .filter(|(_, r)| r.len() == 6)
        .collect();
    for (line, record) in &rows {
        let (level, new_code, new_name, old_code, old_name, merge) =
            (&record[0], &record[1], &record[2], &record[3], &record[4], &record[5]);
        let kind = match level {
            "province" => UnitKind::Province,
            "commune" => UnitKind::Commune,
            other => {
                diagnostics.push(
                    Diagnostic::error("bad-value", "admin-merges", format!("cấp {other:?} không hợp lệ"))
                        .at_line(Some(*line)),
                );
                continue;
            }
        };
        let merge_kind = match merge {
            "full" => MergeKind::Full,
            "partial" => MergeKind::Partial,
            other => {
                diagnostics.push(
                    Diagnostic::error("bad-value", "admin-merges", format!("kiểu sáp nhập {other:?} không hợp lệ"))
                        .at_line(Some(*line)),
                );
                continue;
            }
        };
        let Some(new_id) = resolve_new(&registry, kind, new_code, new_name, *line, &mut diagnostics) else { continue };
        let old_id = unit_id(kind, old_code, false);
        let (old_type, old_bare) = split_type(old_name);
        registry.units.entry(old_id.clone()).or_insert_with(|| OrgUnit {
            id: old_id.clone(),
            kind,
            unit_type: old_type.to_string(),
            code: Some(old_code.to_string()),
            name: old_bare.to_string(),
            parent: None,
            valid_from: None,
            valid_to: Some(end_of_old),
            predecessors: Vec::new(),
        });
        if let Some(new_unit) = registry.units.get_mut(&new_id) {
            let link = Predecessor { unit: old_id.clone(), kind: merge_kind };
            if !new_unit.predecessors.contains(&link) {
                new_unit.predecessors.push(link);
                new_unit.predecessors.sort();
            }
        }
        if kind == UnitKind::Province {
            old_provinces_of.entry(new_id).or_default().push(old_id);
        }
    }

    // An old commune's old province is known for certain when every new unit it went
    // into lies in a new province formed from exactly one old province.
    let mut new_provinces_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for unit in registry.units.values().filter(|u| u.kind == UnitKind::Commune && u.valid_to.is_none()) {
        for predecessor in &unit.predecessors {
            if let Some(province) = &unit.parent {
                new_provinces_of.entry(predecessor.unit.clone()).or_default().push(province.clone());
            }
        }
    }
    for (old, provinces) in new_provinces_of {
        let mut candidates: Vec<&String> = provinces
            .iter()
            .filter_map(|province| old_provinces_of.get(province))
            .filter(|olds| olds.len() == 1)
            .map(|olds| &olds[0])
            .collect();
        candidates.sort();
        candidates.dedup();
        if let [only] = candidates.as_slice() {
            let parent = (*only).clone();
            if let Some(unit) = registry.units.get_mut(&old) {
                unit.parent = Some(parent);
            }
        }
    }
    (registry, diagnostics)
}

/// Finds the new unit a merge row names. When its code is not in the 2026 list (the two
/// public lists disagree on a few), falls back to a unique name match and says so.
fn resolve_new(
    registry: &Registry,
    kind: UnitKind,
    code: &str,
    full_name: &str,
    line: u32,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<String> {
    let id = unit_id(kind, code, true);
    let (unit_type, name) = split_type(full_name);
    if let Some(unit) = registry.get(&id) {
        // "Hoà" and "Hòa" are the same name in old and new tone placement; only a name
        // that differs once diacritics are set aside is worth a warning (once per code).
        let already =
            diagnostics.iter().any(|d| d.code == "code-disagreement" && d.message.starts_with(&format!("mã {code}:")));
        if kind == UnitKind::Commune && fold(&unit.name) != fold(name) && !already {
            diagnostics.push(
                Diagnostic::warning(
                    "code-disagreement",
                    "admin-merges",
                    format!(
                        "mã {code}: danh sách 2026 ghi {:?}, danh sách sáp nhập ghi {full_name:?}",
                        unit.full_name()
                    ),
                )
                .at_line(Some(line)),
            );
        }
        return Some(id);
    }
    let matches: Vec<&OrgUnit> = registry
        .units
        .values()
        .filter(|u| {
            u.kind == kind
                && u.valid_to.is_none()
                && u.name == name
                && (unit_type.is_empty() || u.unit_type == unit_type)
        })
        .collect();
    match matches.as_slice() {
        [unit] => {
            let said = format!("{full_name}: danh sách sáp nhập ghi mã {code},");
            if diagnostics.iter().any(|d| d.message.starts_with(&said)) {
                return Some(unit.id.clone());
            }
            diagnostics.push(
                Diagnostic::warning(
                    "code-disagreement",
                    "admin-merges",
                    format!(
                        "{full_name}: danh sách sáp nhập ghi mã {code}, danh sách 2026 ghi mã {}; dùng mã {}",
                        unit.code.as_deref().unwrap_or("?"),
                        unit.code.as_deref().unwrap_or("?")
                    ),
                )
                .at_line(Some(line)),
            );
            Some(unit.id.clone())
        }
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    "unknown-unit",
                    "admin-merges",
                    format!("{full_name} (mã {code}) không có trong danh sách 2026 và không xác định được theo tên"),
                )
                .at_line(Some(line)),
            );
            None
        }
    }
}

/// The shipped public lists (MIT; see `shared/data/admin/*.LICENSE`).
#[cfg(feature = "admin-data")]
pub mod shipped {
    pub const UNITS_CSV: &str = include_str!("../data/admin/admin-units-2026.csv");
    pub const MERGES_CSV: &str = include_str!("../data/admin/admin-merges-2025-07-01.csv");
    pub const UNITS_LICENSE: &str = include_str!("../data/admin/admin-units-2026.LICENSE");
    pub const MERGES_LICENSE: &str = include_str!("../data/admin/admin-merges-2025-07-01.LICENSE");

    /// The registry of the shipped lists, with its diagnostics.
    pub fn load() -> (super::Registry, Vec<crate::diagnostic::Diagnostic>) {
        super::load_admin(UNITS_CSV, MERGES_CSV)
    }
}
