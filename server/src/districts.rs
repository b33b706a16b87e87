//! Districts before the 2025 reform. The public data list the old provinces and
//! communes but no district, so an administrator registers each district once: its
//! code, name, type, old province and old communes. From then on the old communes count
//! under the district, the district under its province, and the district's results
//! from before July 2025 are reported as they were recorded (reports of old units
//! follow the recorded hierarchy).
//!
//! Stored ([`crate::store::units`]): the district itself as a registered unit (an
//! `OrgUnit` of kind `District`, like hamlets registered through sync), and each old
//! commune's district, which [`AppState::parent_of`] reads for old communes.

use std::collections::{BTreeMap, BTreeSet};

use hoctap_shared::report::{DistrictRequest, DistrictView, NamedUnit};
use hoctap_shared::units::{OrgUnit, UnitKind};

use crate::store::{units, StoreError};
use crate::{ApiError, AppState};

/// The types a district had.
pub const DISTRICT_TYPES: [&str; 4] = ["Huyện", "Quận", "Thị xã", "Thành phố"];

/// The unit id of the district with `code`.
pub fn id_of(code: &str) -> String {
    format!("district:{code}:old")
}

/// The district an old commune was registered in, if any.
pub fn district_of(state: &AppState, commune: &str) -> Result<Option<String>, StoreError> {
    crate::store::units::district_of(state.store.as_ref(), commune)
}

/// Whether `unit` is a unit of the catalogue before the reform, of `kind`.
fn old_unit<'a>(state: &'a AppState, unit: &str, kind: UnitKind) -> Option<&'a OrgUnit> {
    state.catalog.units.get(unit).filter(|u| u.kind == kind && u.valid_to.is_some())
}

/// Registers the district `code`, or replaces what was registered under it: communes
/// left out of the new list no longer count under it. Every problem with the request
/// is listed at once.
pub fn register(state: &AppState, code: &str, request: &DistrictRequest) -> Result<DistrictView, ApiError> {
    let id = id_of(code);
    let name = request.name.trim();
    let mut problems = Vec::new();
    if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit())) {
        problems.push(format!("mã huyện phải gồm 3 chữ số (nhận {code:?})"));
    }
    if name.is_empty() || name.chars().count() > 100 {
        problems.push("tên huyện phải có từ 1 đến 100 ký tự".to_string());
    }
    if !DISTRICT_TYPES.contains(&request.unit_type.as_str()) {
        problems.push(format!(
            "loại đơn vị phải là một trong: {} (nhận {:?})",
            DISTRICT_TYPES.join(", "),
            request.unit_type
        ));
    }
    let province = old_unit(state, &request.province, UnitKind::Province);
    if province.is_none() {
        problems.push(format!("{:?} không phải là một tỉnh trước ngày 01/7/2025", request.province));
    }
    if request.communes.is_empty() {
        problems.push("huyện phải có ít nhất một xã".to_string());
    }
    let mut seen = BTreeSet::new();
    for commune in &request.communes {
        if !seen.insert(commune.as_str()) {
            problems.push(format!("xã {commune} được kê hai lần"));
            continue;
        }
        let Some(old) = old_unit(state, commune, UnitKind::Commune) else {
            problems.push(format!("{commune:?} không phải là một xã trước ngày 01/7/2025"));
            continue;
        };
        if let (Some(parent), Some(_)) = (&old.parent, province) {
            if *parent != request.province {
                problems.push(format!(
                    "{} thuộc {}, không thuộc {}",
                    old.full_name(),
                    name_of(state, parent),
                    name_of(state, &request.province)
                ));
            }
        }
        if let Some(other) = district_of(state, commune)?.filter(|d| *d != id) {
            problems.push(format!("{} đã thuộc {}", old.full_name(), name_of(state, &other)));
        }
    }
    if !problems.is_empty() {
        return Err(ApiError::BadDistrict { problems });
    }
    let valid_to = province.and_then(|p| p.valid_to);
    let unit = OrgUnit {
        id: id.clone(),
        kind: UnitKind::District,
        unit_type: request.unit_type.clone(),
        code: Some(code.to_string()),
        name: name.to_string(),
        parent: Some(request.province.clone()),
        valid_from: None,
        valid_to,
        predecessors: Vec::new(),
    };
    let mut writes = vec![units::put(&unit)];
    for earlier in members(state, &id)? {
        if !request.communes.contains(&earlier) {
            writes.push(units::remove_district_of(&earlier));
        }
    }
    writes.extend(request.communes.iter().map(|commune| units::put_district_of(commune, &id)));
    state.store.apply(&writes)?;
    state.store.flush()?;
    // The hierarchy changed: which unit covers which part is worked out again.
    state.figures.forget_hierarchy();
    Ok(view_of(state, &unit, &request.communes))
}

/// The old communes registered in `district`, by id.
pub fn members(state: &AppState, district: &str) -> Result<Vec<String>, StoreError> {
    Ok(all_members(state)?.remove(district).unwrap_or_default())
}

/// Every district's old communes, by district.
fn all_members(state: &AppState) -> Result<BTreeMap<String, Vec<String>>, StoreError> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    units::for_each_district_of(state.store.as_ref(), |commune, district| {
        out.entry(district).or_default().push(commune);
        Ok(())
    })?;
    Ok(out)
}

fn name_of(state: &AppState, id: &str) -> String {
    crate::reports::name_of(state, id)
}

fn named(state: &AppState, id: &str) -> NamedUnit {
    NamedUnit { unit: id.to_string(), name: name_of(state, id) }
}

fn view_of(state: &AppState, unit: &OrgUnit, communes: &[String]) -> DistrictView {
    let mut communes: Vec<NamedUnit> = communes.iter().map(|c| named(state, c)).collect();
    communes.sort_by(|a, b| (&a.name, &a.unit).cmp(&(&b.name, &b.unit)));
    DistrictView {
        unit: unit.id.clone(),
        code: unit.code.clone().unwrap_or_default(),
        name: unit.full_name(),
        province: named(state, unit.parent.as_deref().unwrap_or_default()),
        communes,
    }
}

/// The districts registered in `province`, by name.
pub fn list(state: &AppState, province: &str) -> Result<Vec<DistrictView>, StoreError> {
    lists(state, &[province], &crate::reports::stored_children_by_parent(state)?)
}

/// The districts registered in each of `provinces`, in that order, each province's by
/// name; `stored` is [`crate::reports::stored_children_by_parent`], which the caller
/// has read for other needs too.
pub fn lists(
    state: &AppState,
    provinces: &[&str],
    stored: &BTreeMap<String, Vec<OrgUnit>>,
) -> Result<Vec<DistrictView>, StoreError> {
    let members = all_members(state)?;
    let mut out = Vec::new();
    for province in provinces {
        let mut own: Vec<DistrictView> = stored
            .get(*province)
            .into_iter()
            .flatten()
            .filter(|u| u.kind == UnitKind::District)
            .map(|u| view_of(state, u, members.get(&u.id).map_or(&[][..], Vec::as_slice)))
            .collect();
        own.sort_by(|a, b| (&a.name, &a.unit).cmp(&(&b.name, &b.unit)));
        out.extend(own);
    }
    Ok(out)
}
