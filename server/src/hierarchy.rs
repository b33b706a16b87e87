//! Where a unit lies in the hierarchy, as the log and the figures need it: the part a
//! unit's records are kept in. (The walks up the hierarchy that `AppState` and the
//! lineage of the reform do are to join it here.)

use crate::store::StoreError;
use crate::AppState;

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
    let mut current = unit.to_string();
    for _ in 0..16 {
        if current.starts_with("hamlet:") || current.starts_with("commune:") {
            return Ok(current);
        }
        match state.parent_of(&current)? {
            Some(parent) => current = parent,
            None => break,
        }
    }
    Ok(unit.to_string())
}
