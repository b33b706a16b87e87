//! The criteria sets each province published (`province_criteria`: province id \0 set
//! id \0 version → [`PublishedSet`] JSON). A published version is immutable: a change
//! is a new version. Not derived from the log, so a backup copies it as it is.
//!
//! Publishing bumps [`Generation`], so that whatever caches the sets a province can
//! score with (the catalogue's lookup) knows to read them again.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::{for_each, Store, StoreError};

/// Province \0 set id \0 version → [`PublishedSet`].
pub const PROVINCE_CRITERIA: &str = "province_criteria";

/// One published version of a province's set: the file as published (checked by the
/// loader) and who published it when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedSet {
    pub toml: String,
    pub published_at_ms: i64,
    /// The publishing account's id (names are looked up when shown).
    pub published_by: String,
}

/// Counts publications since the server started; a cache of the sets keeps the value
/// it was filled at and refills when it changed.
#[derive(Debug, Default)]
pub struct Generation(AtomicU64);

impl Generation {
    pub fn current(&self) -> u64 {
        self.0.load(Ordering::Acquire)
    }

    fn bump(&self) {
        self.0.fetch_add(1, Ordering::AcqRel);
    }
}

fn key(province: &str, id: &str, version: &str) -> Vec<u8> {
    [province.as_bytes(), b"\0", id.as_bytes(), b"\0", version.as_bytes()].concat()
}

/// Every version `province` published, in publish order (time, then id and version).
/// Each entry carries its set id and version as stored in the key.
pub fn published(store: &dyn Store, province: &str) -> Result<Vec<(String, String, PublishedSet)>, StoreError> {
    let prefix = [province.as_bytes(), b"\0"].concat();
    let mut out = Vec::new();
    for_each(store, PROVINCE_CRITERIA, &prefix, |key, value| {
        let rest = String::from_utf8_lossy(&key[prefix.len()..]).into_owned();
        let corrupt = || StoreError::Corrupt { key: format!("{PROVINCE_CRITERIA}/{province}/{rest}") };
        let (id, version) = rest.split_once('\0').ok_or_else(corrupt)?;
        let entry: PublishedSet = serde_json::from_slice(value).map_err(|_| corrupt())?;
        out.push((id.to_string(), version.to_string(), entry));
        Ok::<(), StoreError>(())
    })?;
    out.sort_by(|a, b| (a.2.published_at_ms, &a.0, &a.1).cmp(&(b.2.published_at_ms, &b.0, &b.1)));
    Ok(out)
}

/// Every version every province published: (province, set id, version, entry).
pub fn every_province(store: &dyn Store) -> Result<Vec<(String, String, String, PublishedSet)>, StoreError> {
    let mut out = Vec::new();
    for_each(store, PROVINCE_CRITERIA, b"", |key, value| {
        let text = String::from_utf8_lossy(key).into_owned();
        let corrupt = || StoreError::Corrupt { key: format!("{PROVINCE_CRITERIA}/{text}") };
        let mut parts = text.splitn(3, '\0');
        let (Some(province), Some(id), Some(version)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(corrupt());
        };
        let entry: PublishedSet = serde_json::from_slice(value).map_err(|_| corrupt())?;
        out.push((province.to_string(), id.to_string(), version.to_string(), entry));
        Ok::<(), StoreError>(())
    })?;
    Ok(out)
}

/// One published version, if there is one.
pub fn get(store: &dyn Store, province: &str, id: &str, version: &str) -> Result<Option<PublishedSet>, StoreError> {
    let Some(bytes) = store.get(PROVINCE_CRITERIA, &key(province, id, version))? else { return Ok(None) };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| StoreError::Corrupt { key: format!("{PROVINCE_CRITERIA}/{province}/{id}/{version}") })
}

/// Stores a new version durably; `false` when this (id, version) was already published
/// (the stored one is kept: published versions never change).
pub fn publish(
    store: &dyn Store,
    generation: &Generation,
    province: &str,
    id: &str,
    version: &str,
    entry: &PublishedSet,
) -> Result<bool, StoreError> {
    let bytes = serde_json::to_vec(entry).map_err(|_| StoreError::Corrupt { key: PROVINCE_CRITERIA.to_string() })?;
    if !store.insert_new(PROVINCE_CRITERIA, &key(province, id, version), &bytes)? {
        return Ok(false);
    }
    store.flush()?;
    generation.bump();
    Ok(true)
}
