//! The sled implementation of [`Store`]: one sled tree per keyspace, in a data
//! directory on local disk.

use std::path::Path;

use super::{Store, StoreError};

#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
}

impl SledStore {
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        Ok(SledStore { db: sled::open(dir)? })
    }

    /// A store that lives in memory only, for tests.
    pub fn temporary() -> Result<SledStore, StoreError> {
        Ok(SledStore { db: sled::Config::new().temporary(true).open()? })
    }
}

impl Store for SledStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.db.open_tree(keyspace)?.get(key)?.map(|v| v.to_vec()))
    }

    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.db.open_tree(keyspace)?.insert(key, value)?;
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
