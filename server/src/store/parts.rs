//! The index of records by part, and the figures kept per part, as stored (see
//! [`crate::figures`] for what a part is). All of it is derived from the log:
//!
//! - `part_records`: part, zero byte, record → ∅: every record ever written in the part;
//! - `parts`: part → the sequence number of its last operation (u64, big-endian): the
//!   part's version;
//! - `figures`: part, zero byte, year (i32, big-endian) → the part's counted figures
//!   with the version and the rules they were counted with, as JSON (a cache, rebuilt
//!   whenever stale or unreadable);
//! - `figures_names`: the same key → the list of subjects recognised in the part, kept
//!   apart so that summing a province's parts decodes only their counts;
//! - `meta/parts_indexed`: set once a data directory written before parts existed has
//!   been indexed.

use std::collections::{BTreeMap, BTreeSet};

use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{for_each, Store, StoreError, Write};

pub const PART_RECORDS: &str = "part_records";
pub const PARTS: &str = "parts";
pub const FIGURES: &str = "figures";
pub const FIGURES_NAMES: &str = "figures_names";
const INDEXED: &[u8] = b"parts_indexed";

use super::joined as key;

fn year_key(part: &str, year: i32) -> Vec<u8> {
    key(part, &year.to_be_bytes())
}

/// The writes a push adds for its accepted operations: each record (`part`, `record`)
/// under its part, and each touched part's new version.
pub fn index_writes(records: &BTreeSet<(String, String)>, versions: &BTreeMap<String, u64>) -> Vec<Write> {
    let mut writes: Vec<Write> = records.iter().map(|(part, record)| put_record(part, record)).collect();
    writes.extend(versions.iter().map(|(part, seq)| Write::Put {
        keyspace: PARTS,
        key: part.as_bytes().to_vec(),
        value: seq.to_be_bytes().to_vec(),
    }));
    writes
}

/// The write that files `record` under `part`.
pub fn put_record(part: &str, record: &str) -> Write {
    Write::Put { keyspace: PART_RECORDS, key: key(part, record.as_bytes()), value: Vec::new() }
}

/// Every part and its version.
pub fn versions(store: &dyn Store) -> Result<BTreeMap<String, u64>, StoreError> {
    let mut parts = BTreeMap::new();
    for_each(store, PARTS, b"", |part, version| {
        let version =
            version.try_into().map(u64::from_be_bytes).map_err(|_| StoreError::Corrupt { key: "parts".into() })?;
        parts.insert(String::from_utf8_lossy(part).into_owned(), version);
        Ok::<(), StoreError>(())
    })?;
    Ok(parts)
}

/// Every record ever filed under `part` (as `RecordId`'s text), in order.
pub fn for_each_record(
    store: &dyn Store,
    part: &str,
    mut each: impl FnMut(&str) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    let prefix = key(part, b"");
    for_each(store, PART_RECORDS, &prefix, |k, _| each(&String::from_utf8_lossy(&k[prefix.len()..])))
}

/// Whether the records of a data directory written before parts existed were indexed.
pub fn indexed(store: &dyn Store) -> Result<bool, StoreError> {
    super::log::marked(store, INDEXED)
}

/// The write that notes the records as indexed.
pub fn put_indexed() -> Write {
    super::log::put_mark(INDEXED)
}

/// A part's kept counts for `year` (`None` when absent or unreadable: a cache is
/// counted again).
pub fn kept_counts<T: DeserializeOwned>(store: &dyn Store, part: &str, year: i32) -> Result<Option<T>, StoreError> {
    Ok(store.get(FIGURES, &year_key(part, year))?.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
}

/// A part's kept list of recognised subjects for `year`, as [`kept_counts`].
pub fn kept_names<T: DeserializeOwned>(store: &dyn Store, part: &str, year: i32) -> Result<Option<T>, StoreError> {
    Ok(store.get(FIGURES_NAMES, &year_key(part, year))?.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
}

/// The writes that keep a part's counts and names for `year`.
pub fn put_kept<C: Serialize, N: Serialize>(part: &str, year: i32, counts: &C, names: &N) -> [Write; 2] {
    let key = year_key(part, year);
    [
        Write::Put { keyspace: FIGURES, key: key.clone(), value: serde_json::to_vec(counts).unwrap_or_default() },
        Write::Put { keyspace: FIGURES_NAMES, key, value: serde_json::to_vec(names).unwrap_or_default() },
    ]
}

/// Forgets every part's kept figures (they are counted again when asked for).
pub fn forget_kept(store: &dyn Store) -> Result<(), StoreError> {
    for keyspace in [FIGURES, FIGURES_NAMES] {
        loop {
            let keys: Vec<Write> = store
                .scan(keyspace, b"", None, 1000)?
                .into_iter()
                .map(|(key, _)| Write::Remove { keyspace, key })
                .collect();
            if keys.is_empty() {
                break;
            }
            store.apply(&keys)?;
        }
    }
    store.flush()
}
