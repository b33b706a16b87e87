//! An in-memory implementation of [`Store`] with the same ordering and atomicity as
//! sled, so the API tests can run against both and a second backend is proven possible.
//! Nothing is durable: `flush` is a no-op.

use std::collections::BTreeMap;
use std::sync::Mutex;

use super::{full_key, Rows, Store, StoreError, Write};

type Map = BTreeMap<Vec<u8>, Vec<u8>>;

#[derive(Debug, Default)]
pub struct MemoryStore {
    map: Mutex<Map>,
}

impl MemoryStore {
    fn lock(&self) -> Result<std::sync::MutexGuard<'_, Map>, StoreError> {
        self.map.lock().map_err(|_| StoreError::Poisoned)
    }
}

impl Store for MemoryStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.lock()?.get(&full_key(keyspace, key)).cloned())
    }

    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.lock()?.insert(full_key(keyspace, key), value.to_vec());
        Ok(())
    }

    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.lock()?.remove(&full_key(keyspace, key));
        Ok(())
    }

    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        let mut map = self.lock()?;
        let full = full_key(keyspace, key);
        if map.contains_key(&full) {
            return Ok(false);
        }
        map.insert(full, value.to_vec());
        Ok(true)
    }

    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        let map = self.lock()?;
        let space = full_key(keyspace, b"").len();
        let start = full_key(keyspace, prefix);
        let after = after.map(|a| full_key(keyspace, a));
        Ok(map
            .range(start.clone()..)
            .take_while(|(k, _)| k.starts_with(&start))
            .filter(|(k, _)| after.as_ref().is_none_or(|a| *k > a))
            .take(limit)
            .map(|(k, v)| (k[space..].to_vec(), v.clone()))
            .collect())
    }

    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        let mut map = self.lock()?;
        for write in batch {
            match write {
                Write::Put { keyspace, key, value } => {
                    map.insert(full_key(keyspace, key), value.clone());
                }
                Write::Remove { keyspace, key } => {
                    map.remove(&full_key(keyspace, key));
                }
            }
        }
        Ok(())
    }

    fn flush(&self) -> Result<(), StoreError> {
        Ok(())
    }
}
