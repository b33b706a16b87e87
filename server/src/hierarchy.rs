//! Where a unit lies in the hierarchy, on the server: every walk up it is
//! [`hoctap_shared::units::chain`] (one walk, one bound), with the parents the caller
//! counts by (as recorded here, through the lineage of the reform in reports, with
//! units a push is registering in sync), and what follows from it: the part a unit's
//! records are kept in, the province a unit lies in, whether it predates the reform.

pub use hoctap_shared::units::chain;
use hoctap_shared::units::{OrgUnit, UnitKind};

use crate::store::StoreError;
use crate::AppState;

/// `unit` and every unit above it as recorded ([`AppState::parent_of`]).
pub fn ancestors(state: &AppState, unit: &str) -> Result<Vec<String>, StoreError> {
    chain(unit, |u| state.parent_of(u))
}

/// The part a unit's records are kept in, from the unit's chain (the unit first, then
/// its ancestors): the hamlet in it, else the commune, else the unit itself.
pub fn part_of_chain(chain: &[String]) -> &str {
    chain
        .iter()
        .find(|u| u.starts_with("hamlet:"))
        .or_else(|| chain.iter().find(|u| u.starts_with("commune:")))
        .or(chain.first())
        .map_or("", String::as_str)
}

/// The part of `unit`'s records, following its recorded parents.
pub fn part_of(state: &AppState, unit: &str) -> Result<String, StoreError> {
    // A hamlet or a commune is its own part: no need to read further up.
    if unit.starts_with("hamlet:") || unit.starts_with("commune:") {
        return Ok(unit.to_string());
    }
    Ok(part_of_chain(&ancestors(state, unit)?).to_string())
}

/// The province a unit lies in (itself for a province), by its recorded parents;
/// `None` above or outside any province.
pub fn province_of(state: &AppState, unit: &OrgUnit) -> Result<Option<OrgUnit>, StoreError> {
    if unit.kind == UnitKind::Province {
        return Ok(Some(unit.clone()));
    }
    for id in ancestors(state, &unit.id)?.iter().skip(1) {
        match state.unit(id)? {
            Some(u) if u.kind == UnitKind::Province => return Ok(Some(u)),
            Some(_) => {}
            None => return Ok(None),
        }
    }
    Ok(None)
}

/// Whether a unit, or one above it, ended with the 2025 reform.
pub fn predates_reform(state: &AppState, unit: &str) -> Result<bool, StoreError> {
    for id in ancestors(state, unit)? {
        if state.unit(&id)?.is_some_and(|u| u.valid_to.is_some()) {
            return Ok(true);
        }
    }
    Ok(false)
}
