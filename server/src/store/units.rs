//! Units registered at run time, as stored: `units` (unit id → its [`OrgUnit`] as JSON:
//! hamlets registered through sync, districts registered by an administrator) and
//! `district_of` (old commune → the district it was registered in). The shipped
//! hierarchy is in the catalogue; `AppState::unit` and `AppState::parent_of` read both.
//! Both are backed up as they are.

use hoctap_shared::units::OrgUnit;

use super::{for_each as scan, Store, StoreError, Write};

pub const UNITS: &str = "units";
/// Old commune → district.
pub const DISTRICT_OF: &str = "district_of";

/// The unit registered under `id`.
pub fn get(store: &dyn Store, id: &str) -> Result<Option<OrgUnit>, StoreError> {
    store.get(UNITS, id.as_bytes())?.map(|bytes| super::from_json(&bytes, UNITS, id.as_bytes())).transpose()
}

/// Whether a unit is registered under `id`.
pub fn exists(store: &dyn Store, id: &str) -> Result<bool, StoreError> {
    Ok(store.get(UNITS, id.as_bytes())?.is_some())
}

/// The write that registers `unit` (or replaces it).
pub fn put(unit: &OrgUnit) -> Write {
    Write::Put {
        keyspace: UNITS,
        key: unit.id.as_bytes().to_vec(),
        value: serde_json::to_vec(unit).unwrap_or_default(),
    }
}

/// Every registered unit whose id starts with `prefix`, in id order.
pub fn for_each(
    store: &dyn Store,
    prefix: &str,
    mut each: impl FnMut(OrgUnit) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    scan(store, UNITS, prefix.as_bytes(), |key, bytes| each(super::from_json(bytes, UNITS, key)?))
}

/// The district an old commune was registered in, if any.
pub fn district_of(store: &dyn Store, commune: &str) -> Result<Option<String>, StoreError> {
    store
        .get(DISTRICT_OF, commune.as_bytes())?
        .map(|bytes| {
            String::from_utf8(bytes).map_err(|_| StoreError::Corrupt { key: format!("district_of/{commune}") })
        })
        .transpose()
}

/// Every (old commune, district) registered, by commune.
pub fn for_each_district_of(
    store: &dyn Store,
    mut each: impl FnMut(String, String) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    scan(store, DISTRICT_OF, b"", |key, value| {
        each(String::from_utf8_lossy(key).into_owned(), String::from_utf8_lossy(value).into_owned())
    })
}

/// The write that places an old commune in a district.
pub fn put_district_of(commune: &str, district: &str) -> Write {
    Write::Put { keyspace: DISTRICT_OF, key: commune.as_bytes().to_vec(), value: district.as_bytes().to_vec() }
}

/// The write that takes an old commune out of its district.
pub fn remove_district_of(commune: &str) -> Write {
    Write::Remove { keyspace: DISTRICT_OF, key: commune.as_bytes().to_vec() }
}
