//! Storage behind a trait, so that a deployment that outgrows one machine can swap
//! sled for an existing distributed database without touching handlers. This module
//! is the only one that imports sled.

mod sled_store;

pub use sled_store::SledStore;

/// Storage failures. Details are logged by the caller; clients only see that storage
/// failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("sled: {0}")]
    Sled(#[from] sled::Error),
    #[error("data directory was written by a newer hoctap (schema {found}, this build reads up to {supported})")]
    SchemaTooNew { found: u32, supported: u32 },
    #[error("corrupt value under key {key:?}")]
    Corrupt { key: String },
}

/// A durable key-value store with named keyspaces.
pub trait Store: Send + Sync + 'static {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError>;
    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError>;
    /// Makes every write so far durable.
    fn flush(&self) -> Result<(), StoreError>;
}

/// The storage schema this build writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Records the schema version in a new store, and refuses a store written by a newer
/// build (which could hold data this one would misread).
pub fn check_schema(store: &dyn Store) -> Result<u32, StoreError> {
    match store.get("meta", b"schema_version")? {
        None => {
            store.put("meta", b"schema_version", &SCHEMA_VERSION.to_be_bytes())?;
            store.flush()?;
            Ok(SCHEMA_VERSION)
        }
        Some(bytes) => {
            let found = u32::from_be_bytes(
                bytes
                    .as_slice()
                    .try_into()
                    .map_err(|_| StoreError::Corrupt { key: "meta/schema_version".to_string() })?,
            );
            if found > SCHEMA_VERSION {
                return Err(StoreError::SchemaTooNew { found, supported: SCHEMA_VERSION });
            }
            Ok(found)
        }
    }
}
