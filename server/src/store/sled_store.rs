//! The sled implementation of [`Store`]: one sled tree holding every keyspace (keys
//! prefixed by the keyspace name), so a batch across keyspaces is one atomic sled batch.
//!
//! After any sled failure (typically a full disk) the database is closed and reopened
//! from disk before the next call is answered. Sled keeps a failed batch half applied
//! in memory and, after an I/O error, refuses every later write until it is reopened;
//! answering from that memory would report as already stored (a "duplicate") an
//! operation that was never durable and vanishes on restart. Reopening goes back to
//! exactly what is on disk, and lets the server carry on by itself once space returns.

use std::path::{Path, PathBuf};
use std::sync::{RwLock, RwLockReadGuard};

use super::{full_key, Rows, Store, StoreError, Write};

#[derive(Debug)]
pub struct SledStore {
    /// The data directory; `None` for a temporary store, which cannot be reopened.
    dir: Option<PathBuf>,
    state: RwLock<State>,
}

#[derive(Debug)]
enum State {
    Open {
        db: sled::Db,
        tree: sled::Tree,
    },
    /// A call failed and the database was closed; the next call reopens it. `full`
    /// remembers whether the failure was a full disk, for a store that cannot reopen.
    Failed {
        full: bool,
    },
}

/// Opens sled's directory.
///
/// Sled 0.34 writes a snapshot while opening, to `snap.<lsn>.generating`, and renames it
/// once complete. A write that fails (a full disk) leaves that file behind, and every
/// later open takes it for the newest snapshot and refuses the directory as corrupt
/// (spacejam/sled#1527): the server would not start again even after space returns.
/// Such a file never was a snapshot — the previous one and the log hold everything —
/// so on that refusal the unfinished files are removed and the open tried once more.
fn open_db(dir: &Path) -> Result<sled::Db, StoreError> {
    match configured(dir).open() {
        Err(error @ sled::Error::Corruption { .. }) => {
            let unfinished = unfinished_snapshots(dir);
            if unfinished.is_empty() {
                return Err(error.into());
            }
            for path in unfinished {
                tracing::warn!(file = %path.display(), "removing a snapshot sled never finished writing");
                std::fs::remove_file(&path).map_err(StoreError::io)?;
            }
            Ok(configured(dir).open()?)
        }
        result => Ok(result?),
    }
}

/// Below this much free space a storage failure is taken for a full disk.
const NEARLY_FULL_BYTES: u64 = 1024 * 1024;

/// Sled's page cache is held to [`CACHE_BYTES`] (sled's default is 1 GiB, the whole
/// memory budget of a province's server).
pub const CACHE_BYTES: u64 = 256 * 1024 * 1024;

fn configured(dir: &Path) -> sled::Config {
    sled::Config::new().path(dir).cache_capacity(CACHE_BYTES)
}

fn unfinished_snapshots(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    let mut found: Vec<PathBuf> = entries
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with("snap.") && name.ends_with(".generating"))
        })
        .collect();
    found.sort();
    found
}

fn open_tree(db: sled::Db) -> Result<State, StoreError> {
    let tree = db.open_tree("hoctap")?;
    Ok(State::Open { db, tree })
}

impl SledStore {
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        let state = open_tree(open_db(dir)?)?;
        Ok(SledStore { dir: Some(dir.to_path_buf()), state: RwLock::new(state) })
    }

    /// A store that lives in a temporary directory removed on drop, for tests.
    pub fn temporary() -> Result<SledStore, StoreError> {
        let state = open_tree(sled::Config::new().temporary(true).open()?)?;
        Ok(SledStore { dir: None, state: RwLock::new(state) })
    }

    /// Runs `call` on the open database, reopening it first if an earlier call failed.
    /// A failure closes the database, so nothing is ever answered from memory that may
    /// differ from the disk.
    fn with<T>(&self, call: impl FnOnce(&sled::Db, &sled::Tree) -> sled::Result<T>) -> Result<T, StoreError> {
        let result = {
            let state = self.healthy()?;
            let State::Open { db, tree } = &*state else {
                return Err(StoreError::Poisoned);
            };
            call(db, tree)
        };
        result.map_err(|error| {
            let error = self.classify(StoreError::from(error));
            self.close(matches!(error, StoreError::Full(_)));
            error
        })
    }

    /// A read guard on an open database, reopening it after a failure.
    fn healthy(&self) -> Result<RwLockReadGuard<'_, State>, StoreError> {
        loop {
            {
                let state = self.state.read().map_err(|_| StoreError::Poisoned)?;
                if matches!(*state, State::Open { .. }) {
                    return Ok(state);
                }
            }
            let mut state = self.state.write().map_err(|_| StoreError::Poisoned)?;
            // Another caller may have reopened it meanwhile.
            if let State::Failed { full } = *state {
                let Some(dir) = &self.dir else {
                    let kind = if full { std::io::ErrorKind::StorageFull } else { std::io::ErrorKind::Other };
                    return Err(StoreError::io(std::io::Error::new(kind, "a temporary store cannot be reopened")));
                };
                match open_db(dir).and_then(open_tree) {
                    Ok(open) => {
                        tracing::warn!(dir = %dir.display(), "data directory reopened after a storage failure");
                        *state = open;
                    }
                    Err(error) => {
                        let error = self.classify(error);
                        *state = State::Failed { full: matches!(error, StoreError::Full(_)) };
                        return Err(error);
                    }
                }
            }
        }
    }

    /// A failure on a disk with (almost) no space left is a full disk whatever sled made
    /// of it: a write cut short by `ENOSPC` can surface later as a short read or a
    /// damaged segment while reopening. The client is told to retry (507), not that
    /// data is damaged; once space returns the store reopens from disk as usual.
    fn classify(&self, error: StoreError) -> StoreError {
        let nearly_full = |dir: &Path| fs2::available_space(dir).is_ok_and(|free| free < NEARLY_FULL_BYTES);
        match (&error, &self.dir) {
            (StoreError::Sled(_), Some(dir)) if nearly_full(dir) => {
                tracing::warn!(%error, "a storage failure on a full disk, answered as the disk being full");
                StoreError::io(std::io::Error::new(std::io::ErrorKind::StorageFull, error.to_string()))
            }
            _ => error,
        }
    }

    /// Drops the database (what is only in memory is forgotten; sled does not write
    /// after an I/O error), so that the next call reopens it from disk.
    fn close(&self, full: bool) {
        if let Ok(mut state) = self.state.write() {
            if matches!(*state, State::Open { .. }) {
                *state = State::Failed { full };
            }
        }
    }
}

impl Store for SledStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.with(|_, tree| Ok(tree.get(full_key(keyspace, key))?.map(|v| v.to_vec())))
    }

    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.with(|_, tree| tree.insert(full_key(keyspace, key), value).map(drop))
    }

    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.with(|_, tree| tree.remove(full_key(keyspace, key)).map(drop))
    }

    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.with(|_, tree| {
            let swapped = tree.compare_and_swap(full_key(keyspace, key), None as Option<&[u8]>, Some(value))?;
            Ok(swapped.is_ok())
        })
    }

    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        self.with(|_, tree| {
            let space = full_key(keyspace, b"");
            let start = full_key(keyspace, prefix);
            let mut rows = Vec::new();
            let iter = match after {
                Some(after) => {
                    let mut from = full_key(keyspace, after);
                    // The smallest key greater than `after`.
                    from.push(0);
                    tree.range(from.max(start.clone())..)
                }
                None => tree.range(start.clone()..),
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
        })
    }

    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        let mut sled_batch = sled::Batch::default();
        for write in batch {
            match write {
                Write::Put { keyspace, key, value } => sled_batch.insert(full_key(keyspace, key), value.as_slice()),
                Write::Remove { keyspace, key } => sled_batch.remove(full_key(keyspace, key)),
            }
        }
        self.with(|_, tree| tree.apply_batch(sled_batch))
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.with(|db, _| db.flush().map(drop))
    }
}

/// The limit the benchmarks compare ingest with: `batches` written to a new plain sled
/// database in `dir` (no wrapper, no reopening), each batch flushed before the next,
/// with keys laid out as [`SledStore`] lays them out.
pub fn replay_plain(dir: &Path, batches: &[Vec<Write>]) -> Result<(), StoreError> {
    let db = configured(dir).open()?;
    let tree = db.open_tree("hoctap")?;
    for batch in batches {
        let mut plain = sled::Batch::default();
        for write in batch {
            match write {
                Write::Put { keyspace, key, value } => plain.insert(full_key(keyspace, key), value.as_slice()),
                Write::Remove { keyspace, key } => plain.remove(full_key(keyspace, key)),
            }
        }
        tree.apply_batch(plain)?;
        db.flush()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    //! Reopening after a failure, which a full disk triggers; the full disk itself is
    //! exercised in `tests/tests/it/faults.rs`.

    use super::{SledStore, State, Store};

    #[test]
    fn a_failed_store_reopens_with_what_was_flushed() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = SledStore::open(dir.path()).expect("open");
        store.put("a", b"durable", b"1").expect("put");
        store.flush().expect("flush");
        store.close(true);
        assert!(matches!(*store.state.read().expect("lock"), State::Failed { full: true }));
        assert_eq!(store.get("a", b"durable").expect("reopened"), Some(b"1".to_vec()));
        store.put("a", b"after", b"2").expect("put after reopening");
        store.flush().expect("flush");
        assert_eq!(store.scan("a", b"", None, 10).expect("scan").len(), 2);
    }

    #[test]
    fn a_snapshot_left_unfinished_by_a_full_disk_does_not_stop_the_store_opening() {
        let dir = tempfile::tempdir().expect("tempdir");
        {
            let store = SledStore::open(dir.path()).expect("open");
            store.put("a", b"k", b"v").expect("put");
            store.flush().expect("flush");
        }
        // What a snapshot write that ran out of space leaves behind (named to sort last).
        std::fs::write(dir.path().join("snap.FFFFFFFFFFFFFFFF.generating"), b"").expect("write");
        assert!(sled::open(dir.path()).is_err(), "sled alone refuses the directory");
        let store = SledStore::open(dir.path()).expect("opens after removing the unfinished snapshot");
        assert_eq!(store.get("a", b"k").expect("get"), Some(b"v".to_vec()));
        assert!(super::unfinished_snapshots(dir.path()).is_empty());
    }

    #[test]
    fn a_failed_temporary_store_keeps_failing_clearly() {
        let store = SledStore::temporary().expect("temporary");
        store.close(true);
        assert!(matches!(store.get("a", b"k"), Err(super::StoreError::Full(_))));
        store.close(false);
        assert!(matches!(store.get("a", b"k"), Err(super::StoreError::Full(_))), "still failed; kind kept");
    }
}
