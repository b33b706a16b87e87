//! Storage behind a trait, so that a deployment that outgrows one machine can swap
//! sled for an existing distributed database without touching handlers. This module
//! is the only one that imports sled.
//!
//! The model is deliberately small: named keyspaces of ordered byte keys, point reads,
//! prefix scans in key order, insert-if-absent, and atomic batches that are durable
//! once [`Store::flush`] returns. Everything above (the operation log, accounts,
//! evidence) is built on these.

pub mod accounts;
pub mod authorities;
pub mod campaigns;
pub mod codec;
pub mod criteria;
pub mod evidence;
pub mod history;
pub mod log;
mod memory;
pub mod parts;
pub mod plain;
pub mod reports;
mod sled_store;
pub mod units;

pub use memory::MemoryStore;
pub use sled_store::{replay_plain, SledStore};

/// Storage failures. Details are logged by the caller; clients only see that storage
/// failed, or that it is full.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The disk is full (`ENOSPC`, or a quota reached): the write that failed is not
    /// acknowledged, and the same request succeeds once space returns. Told apart from
    /// other failures so the client hears that it should retry later, not that data is
    /// damaged.
    #[error("storage full: {0}")]
    Full(#[source] sled::Error),
    #[error("sled: {0}")]
    Sled(#[source] sled::Error),
    #[error("data directory was written by a newer hoctap (schema {found}, this build reads up to {supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("corrupt value under key {key:?}")]
    Corrupt { key: String },
    #[error("the in-memory store's lock was poisoned by a panic")]
    Poisoned,
}

impl From<sled::Error> for StoreError {
    fn from(error: sled::Error) -> StoreError {
        match &error {
            sled::Error::Io(io) if is_full(io.kind()) => StoreError::Full(error),
            _ => StoreError::Sled(error),
        }
    }
}

/// Whether an I/O error means that there is no space left to write.
fn is_full(kind: std::io::ErrorKind) -> bool {
    matches!(kind, std::io::ErrorKind::StorageFull | std::io::ErrorKind::QuotaExceeded)
}

impl StoreError {
    /// An I/O failure as the store reports it, classified the same way (a full disk is
    /// [`StoreError::Full`]). Lets a test inject the failure a full disk gives without
    /// naming sled, which only this module may import.
    pub fn io(error: std::io::Error) -> StoreError {
        sled::Error::Io(error).into()
    }
}

/// Key-value pairs returned by a scan, in key order.
pub type Rows = Vec<(Vec<u8>, Vec<u8>)>;

/// One write in an atomic batch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    Put { keyspace: &'static str, key: Vec<u8>, value: Vec<u8> },
    Remove { keyspace: &'static str, key: Vec<u8> },
}

/// A durable, ordered key-value store with named keyspaces.
///
/// **Invariant:** after a call fails, a store answers nothing from writes that may not
/// be durable: before answering again it goes back to what is on disk (sled reopens
/// its directory) or makes those writes durable. Otherwise a retried push could be told
/// "already stored" about operations that are lost on the next restart.
pub trait Store: Send + Sync + 'static {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError>;
    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError>;
    /// Stores `value` only when `key` is absent; `false` when it was already there
    /// (the existing value is kept). The basis of idempotent appends and uploads.
    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError>;
    /// Entries whose key starts with `prefix` and sorts after `after` (when given), in
    /// key order, at most `limit`.
    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError>;
    /// Applies every write or none.
    fn apply(&self, batch: &[Write]) -> Result<(), StoreError>;
    /// Makes every write so far durable.
    fn flush(&self) -> Result<(), StoreError>;
}

/// Calls `visit` with every entry of `keyspace` under `prefix`, in key order, reading
/// in pages so a large keyspace is never held in memory at once. `visit` may fail with
/// the caller's own error type.
pub fn for_each<E: From<StoreError>>(
    store: &dyn Store,
    keyspace: &str,
    prefix: &[u8],
    mut visit: impl FnMut(&[u8], &[u8]) -> Result<(), E>,
) -> Result<(), E> {
    let mut after: Option<Vec<u8>> = None;
    loop {
        let rows = store.scan(keyspace, prefix, after.as_deref(), 1000)?;
        let Some((last, _)) = rows.last() else { return Ok(()) };
        after = Some(last.clone());
        for (key, value) in &rows {
            visit(key, value)?;
        }
    }
}

/// The storage schema this build writes: 1, every value JSON; 2, operations and views
/// in the binary encodings of [`codec`] (values of version 1 are still read as they
/// are, so a version-1 directory is upgraded by recording the new number).
pub const SCHEMA_VERSION: u32 = 2;

/// Records the schema version in a new store, upgrades an older one (version 1 needs
/// no rewrite: see [`SCHEMA_VERSION`]), and refuses a store written by a newer build
/// (which could hold data this one would misread), before any of this build's values
/// are written. Called when a data directory is opened.
pub fn check_schema(store: &dyn Store) -> Result<u32, StoreError> {
    match stored_schema(store)? {
        Some(found) if found == SCHEMA_VERSION => Ok(found),
        None | Some(_) => {
            store.put("meta", b"schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            store.flush()?;
            Ok(SCHEMA_VERSION)
        }
    }
}

/// The schema version the store is read as, without writing anything: a store that
/// has not recorded one yet is read as this build's. Refuses a newer one, as
/// [`check_schema`] does. For `GET /health`, which must change nothing.
pub fn schema_version(store: &dyn Store) -> Result<u32, StoreError> {
    Ok(stored_schema(store)?.unwrap_or(SCHEMA_VERSION))
}

fn stored_schema(store: &dyn Store) -> Result<Option<u32>, StoreError> {
    let Some(bytes) = store.get("meta", b"schema_version")? else { return Ok(None) };
    let found = u32::from_be_bytes(
        bytes.as_slice().try_into().map_err(|_| StoreError::Corrupt { key: "meta/schema_version".to_string() })?,
    );
    if found > SCHEMA_VERSION {
        return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
    }
    Ok(Some(found))
}

/// The key of `key` in `keyspace` inside one flat ordered map: the keyspace name, a
/// zero byte, then the key. Both implementations use it, so they order keys alike.
fn full_key(keyspace: &str, key: &[u8]) -> Vec<u8> {
    joined(keyspace, key)
}

/// `head`, a zero byte, then `tail`: the shape of every composite key here (ids, units
/// and names hold no zero byte, so `head` and the zero byte are an exact prefix).
fn joined(head: &str, tail: &[u8]) -> Vec<u8> {
    let mut key = Vec::with_capacity(head.len() + 1 + tail.len());
    key.extend_from_slice(head.as_bytes());
    key.push(0);
    key.extend_from_slice(tail);
    key
}

/// A stored JSON value; one that does not decode is reported as corrupt, named by its
/// keyspace and key.
fn from_json<T: serde::de::DeserializeOwned>(bytes: &[u8], keyspace: &str, key: &[u8]) -> Result<T, StoreError> {
    serde_json::from_slice(bytes)
        .map_err(|_| StoreError::Corrupt { key: format!("{keyspace}/{}", String::from_utf8_lossy(key)) })
}

#[cfg(test)]
mod tests {
    //! The same contract checked against both implementations.

    use super::{MemoryStore, SledStore, Store, Write};

    fn contract(store: &dyn Store) {
        store.put("a", b"k1", b"v1").expect("put");
        store.put("b", b"k1", b"other keyspace").expect("put");
        assert_eq!(store.get("a", b"k1").expect("get"), Some(b"v1".to_vec()));
        assert!(!store.insert_new("a", b"k1", b"v2").expect("insert_new"));
        assert_eq!(store.get("a", b"k1").expect("get"), Some(b"v1".to_vec()));
        assert!(store.insert_new("a", b"k2", b"v2").expect("insert_new"));
        store
            .apply(&[
                Write::Put { keyspace: "a", key: b"k3".to_vec(), value: b"v3".to_vec() },
                Write::Remove { keyspace: "a", key: b"k2".to_vec() },
                Write::Put { keyspace: "a", key: b"j9".to_vec(), value: b"x".to_vec() },
            ])
            .expect("apply");
        let keys = |rows: super::Rows| {
            rows.into_iter().map(|(k, _)| String::from_utf8_lossy(&k).into_owned()).collect::<Vec<_>>()
        };
        assert_eq!(keys(store.scan("a", b"k", None, 10).expect("scan")), ["k1", "k3"]);
        assert_eq!(keys(store.scan("a", b"", None, 10).expect("scan")), ["j9", "k1", "k3"]);
        assert_eq!(keys(store.scan("a", b"", Some(b"j9"), 1).expect("scan")), ["k1"]);
        assert_eq!(keys(store.scan("a", b"k", Some(b"k3"), 10).expect("scan")), Vec::<String>::new());
        store.remove("a", b"k1").expect("remove");
        assert_eq!(store.get("a", b"k1").expect("get"), None);
        assert_eq!(store.get("b", b"k1").expect("get"), Some(b"other keyspace".to_vec()));
        store.flush().expect("flush");
    }

    #[test]
    fn sled_store_keeps_the_contract() {
        contract(&SledStore::temporary().expect("sled"));
    }

    #[test]
    fn memory_store_keeps_the_contract() {
        contract(&MemoryStore::default());
    }
}
