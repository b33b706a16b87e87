//! What the annual reports keep besides the log, as stored (JSON values; none of it is
//! derived from the log, so a backup copies it as it is):
//!
//! - `unit_plans`: unit → the [`Plan`] the unit entered or imported;
//! - `narratives`: unit, zero byte, year (four digits) → the [`Narrative`];
//! - `submissions`: unit, zero byte, year, zero byte, version (u32, big-endian) → the
//!   frozen [`Submission`], never overwritten;
//! - `assignments`: old hamlet or old commune → the new commune it counts under.

use std::collections::BTreeMap;

use hoctap_shared::annual::{Narrative, Submission};
use hoctap_shared::plans::Plan;

use super::{for_each, Store, StoreError, Write};

pub const UNIT_PLANS: &str = "unit_plans";
pub const NARRATIVES: &str = "narratives";
pub const SUBMISSIONS: &str = "submissions";
pub const ASSIGNMENTS: &str = "assignments";

use super::from_json as decode;

fn encode<T: serde::Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).unwrap_or_default()
}

/// Every explicit assignment of an old unit to a new commune.
pub fn assignments(store: &dyn Store) -> Result<BTreeMap<String, String>, StoreError> {
    let mut out = BTreeMap::new();
    for_each(store, ASSIGNMENTS, b"", |key, value| {
        out.insert(String::from_utf8_lossy(key).into_owned(), String::from_utf8_lossy(value).into_owned());
        Ok::<(), StoreError>(())
    })?;
    Ok(out)
}

/// Assigns `old` to the new commune `to`, durably.
pub fn assign(store: &dyn Store, old: &str, to: &str) -> Result<(), StoreError> {
    store.put(ASSIGNMENTS, old.as_bytes(), to.as_bytes())?;
    store.flush()
}

/// The plan `unit` entered or imported, if any.
pub fn plan(store: &dyn Store, unit: &str) -> Result<Option<Plan>, StoreError> {
    store.get(UNIT_PLANS, unit.as_bytes())?.map(|bytes| decode(&bytes, UNIT_PLANS, unit.as_bytes())).transpose()
}

/// Stores `unit`'s plan, durably.
pub fn put_plan(store: &dyn Store, unit: &str, plan: &Plan) -> Result<(), StoreError> {
    store.put(UNIT_PLANS, unit.as_bytes(), &encode(plan))?;
    store.flush()
}

fn narrative_key(unit: &str, year: i32) -> String {
    format!("{unit}\0{year:04}")
}

/// The narrative saved for a unit and year, if any.
pub fn narrative(store: &dyn Store, unit: &str, year: i32) -> Result<Option<Narrative>, StoreError> {
    let key = narrative_key(unit, year);
    store.get(NARRATIVES, key.as_bytes())?.map(|bytes| decode(&bytes, NARRATIVES, key.as_bytes())).transpose()
}

/// Stores a unit's narrative for a year, durably.
pub fn put_narrative(store: &dyn Store, unit: &str, year: i32, narrative: &Narrative) -> Result<(), StoreError> {
    store.put(NARRATIVES, narrative_key(unit, year).as_bytes(), &encode(narrative))?;
    store.flush()
}

fn submission_prefix(unit: &str, year: i32) -> Vec<u8> {
    format!("{unit}\0{year:04}\0").into_bytes()
}

/// Every submitted version of a unit's report for a year, oldest first.
pub fn submissions(store: &dyn Store, unit: &str, year: i32) -> Result<Vec<Submission>, StoreError> {
    let mut out = Vec::new();
    for_each(store, SUBMISSIONS, &submission_prefix(unit, year), |key, bytes| {
        out.push(decode(bytes, SUBMISSIONS, key)?);
        Ok::<(), StoreError>(())
    })?;
    Ok(out)
}

/// Stores `submission` under its unit, year and version, durably. The caller holds the
/// lock that makes its version the next one.
pub fn put_submission(store: &dyn Store, submission: &Submission) -> Result<(), StoreError> {
    let mut key = submission_prefix(&submission.report.unit, submission.report.year);
    key.extend_from_slice(&submission.version.to_be_bytes());
    store.apply(&[Write::Put { keyspace: SUBMISSIONS, key, value: encode(submission) }])?;
    store.flush()
}
