//! The sled implementation of [`Store`]: one sled tree holding every keyspace (keys
//! prefixed by the keyspace name), so a batch across keyspaces is one atomic sled batch.

use std::path::Path;

use super::{full_key, Rows, Store, StoreError, Write};

#[derive(Debug, Clone)]
pub struct SledStore {
    db: sled::Db,
    tree: sled::Tree,
}

impl SledStore {
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        let db = sled::open(dir)?;
        let tree = db.open_tree("hoctap")?;
        Ok(SledStore { db, tree })
    }

    /// A store that lives in a temporary directory removed on drop, for tests.
    pub fn temporary() -> Result<SledStore, StoreError> {
        let db = sled::Config::new().temporary(true).open()?;
        let tree = db.open_tree("hoctap")?;
        Ok(SledStore { db, tree })
    }
}

impl Store for SledStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.tree.get(full_key(keyspace, key))?.map(|v| v.to_vec()))
    }

    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.tree.insert(full_key(keyspace, key), value)?;
        Ok(())
    }

    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.tree.remove(full_key(keyspace, key))?;
        Ok(())
    }

    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        let swapped = self.tree.compare_and_swap(full_key(keyspace, key), None as Option<&[u8]>, Some(value))?;
        Ok(swapped.is_ok())
    }

    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        let space = full_key(keyspace, b"");
        let start = full_key(keyspace, prefix);
        let mut rows = Vec::new();
        let iter = match after {
            Some(after) => {
                let mut from = full_key(keyspace, after);
                // The smallest key greater than `after`.
                from.push(0);
                self.tree.range(from.max(start.clone())..)
            }
            None => self.tree.range(start.clone()..),
        };
        for item in iter {
            let (key, value) = item?;
            if !key.starts_with(&start) {
                break;
            }
            rows.push((key[space.len()..].to_vec(), value.to_vec()));
            if rows.len() >= limit {
                break;
            }
        }
        Ok(rows)
    }

    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        let mut sled_batch = sled::Batch::default();
        for write in batch {
            match write {
                Write::Put { keyspace, key, value } => sled_batch.insert(full_key(keyspace, key), value.as_slice()),
                Write::Remove { keyspace, key } => sled_batch.remove(full_key(keyspace, key)),
            }
        }
        self.tree.apply_batch(sled_batch)?;
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.db.flush()?;
        Ok(())
    }
}
