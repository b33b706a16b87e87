//! The only code that touches browser storage. The device keeps, in an IndexedDB
//! database named `hoctap`, the operations an officer made that the server has not yet
//! confirmed (`outbox`, keyed by op id) and the device's own facts (`meta`: its id, its
//! last hybrid-logical-clock reading, the schema version of what is stored).
//!
//! Every failure is a [`StorageError`] with a Vietnamese message for the officer; nothing
//! here panics, because a lost write must be seen, not crash the page.

mod error;
mod migrate;

use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::Operation;
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};

pub use error::StorageError;
pub use migrate::{migrate_outbox_record, SCHEMA_VERSION};

/// The database the app uses; tests open others by name.
pub const DB_NAME: &str = "hoctap";

const OUTBOX: &str = "outbox";
const META: &str = "meta";
const META_SCHEMA: &str = "schema";
const META_DEVICE: &str = "device";
const META_CLOCK: &str = "clock";

/// How much the browser lets this site store, in bytes.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub usage: f64,
    pub quota: f64,
}

/// An open IndexedDB database in the current schema.
#[derive(Debug)]
pub struct Storage {
    db: Rexie,
}

impl Storage {
    /// Opens the app's database, creating it or migrating it from an older schema.
    pub async fn open() -> Result<Storage, StorageError> {
        Storage::open_named(DB_NAME).await
    }

    /// Opens the database `name` (tests use their own), creating the object stores when
    /// new and rewriting stored records from an older schema to the current one.
    pub async fn open_named(name: &str) -> Result<Storage, StorageError> {
        let db = Rexie::builder(name)
            .version(SCHEMA_VERSION)
            .add_object_store(ObjectStore::new(OUTBOX).key_path("id"))
            .add_object_store(ObjectStore::new(META))
            .build()
            .await
            .map_err(StorageError::open)?;
        let storage = Storage { db };
        storage.migrate().await?;
        Ok(storage)
    }

    /// Closes the connection (as a page reload would).
    pub fn close(self) {
        self.db.close();
    }

    /// Brings every stored record to [`SCHEMA_VERSION`] in one transaction. A database
    /// without a recorded schema was written by version 1, the first.
    async fn migrate(&self) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[OUTBOX, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        let stored = meta.get(JsValue::from_str(META_SCHEMA)).await.map_err(StorageError::read)?;
        let from = match stored.as_ref().and_then(JsValue::as_f64) {
            Some(v) if v >= 1.0 && v.fract() == 0.0 && v <= f64::from(u32::MAX) => v as u32,
            Some(_) => return Err(StorageError::Corrupt("phiên bản lược đồ không hợp lệ".to_string())),
            None => 1,
        };
        if from > SCHEMA_VERSION {
            return Err(StorageError::NewerSchema { found: from, supported: SCHEMA_VERSION });
        }
        if from < SCHEMA_VERSION {
            let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
            for value in outbox.get_all(None, None).await.map_err(StorageError::read)? {
                let record: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?;
                let record = migrate_outbox_record(from, record)?;
                outbox.put(&to_js(&record)?, None).await.map_err(StorageError::write)?;
            }
        }
        if stored.is_none() || from < SCHEMA_VERSION {
            meta.put(&JsValue::from(SCHEMA_VERSION), Some(&JsValue::from_str(META_SCHEMA)))
                .await
                .map_err(StorageError::write)?;
        }
        finish(tx).await
    }

    /// Adds `ops` to the outbox in one transaction, and moves the stored clock up to the
    /// latest of them, so the clock and the operations it stamped are saved together.
    /// An op id already in the outbox is kept once.
    pub async fn append_ops(&self, ops: &[Operation]) -> Result<(), StorageError> {
        if ops.is_empty() {
            return Ok(());
        }
        let tx = self.db.transaction(&[OUTBOX, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
        for op in ops {
            outbox.put(&to_js(op)?, None).await.map_err(StorageError::write)?;
        }
        let meta = tx.store(META).map_err(StorageError::write)?;
        let stored = meta.get(JsValue::from_str(META_CLOCK)).await.map_err(StorageError::read)?;
        let stored: Option<Hlc> = match stored {
            Some(value) => Some(serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?),
            None => None,
        };
        if let Some(latest) = ops.iter().map(|op| &op.hlc).max() {
            if stored.as_ref().is_none_or(|s| latest > s) {
                meta.put(&to_js(latest)?, Some(&JsValue::from_str(META_CLOCK))).await.map_err(StorageError::write)?;
            }
        }
        finish(tx).await
    }

    /// Every operation waiting to be confirmed, oldest first (by clock, then id).
    pub async fn outbox(&self) -> Result<Vec<Operation>, StorageError> {
        let tx = self.db.transaction(&[OUTBOX], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let values =
            tx.store(OUTBOX).map_err(StorageError::read)?.get_all(None, None).await.map_err(StorageError::read)?;
        let mut ops = Vec::with_capacity(values.len());
        for value in values {
            let record: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?;
            ops.push(serde_json::from_value::<Operation>(record).map_err(StorageError::corrupt)?);
        }
        ops.sort_by(|a, b| (&a.hlc, &a.id).cmp(&(&b.hlc, &b.id)));
        Ok(ops)
    }

    /// How many operations wait in the outbox.
    pub async fn outbox_len(&self) -> Result<u32, StorageError> {
        let tx = self.db.transaction(&[OUTBOX], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        tx.store(OUTBOX).map_err(StorageError::read)?.count(None).await.map_err(StorageError::read)
    }

    /// This device's id and its last clock reading. The id is minted the first time
    /// and kept; the clock starts at zero.
    pub async fn device(&self) -> Result<(String, Hlc), StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        let device = match meta.get(JsValue::from_str(META_DEVICE)).await.map_err(StorageError::read)? {
            Some(value) => value.as_string().ok_or_else(|| StorageError::Corrupt("mã thiết bị".to_string()))?,
            None => {
                let id = new_id()?;
                meta.put(&JsValue::from_str(&id), Some(&JsValue::from_str(META_DEVICE)))
                    .await
                    .map_err(StorageError::write)?;
                id
            }
        };
        let clock = match meta.get(JsValue::from_str(META_CLOCK)).await.map_err(StorageError::read)? {
            Some(value) => serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?,
            None => Hlc::zero(&device),
        };
        finish(tx).await?;
        Ok((device, clock))
    }

    /// Records the device's clock reading (after receiving remote operations).
    pub async fn save_clock(&self, hlc: &Hlc) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        meta.put(&to_js(hlc)?, Some(&JsValue::from_str(META_CLOCK))).await.map_err(StorageError::write)?;
        finish(tx).await
    }
}

/// Waits for `tx` to commit; an aborted transaction (quota, eviction) is an error.
async fn finish(tx: rexie::Transaction) -> Result<(), StorageError> {
    let result = tx.done().await.map_err(StorageError::write)?;
    if result.is_committed() {
        Ok(())
    } else {
        Err(StorageError::Aborted)
    }
}

/// A value as a plain JS object (JSON-compatible: objects, not `Map`s), as IndexedDB
/// stores it.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, StorageError> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(StorageError::corrupt)
}

/// A fresh random id in UUID v4 form, for devices, records and operations.
pub fn new_id() -> Result<String, StorageError> {
    let mut bytes = [0u8; 16];
    getrandom::fill(&mut bytes).map_err(|e| StorageError::NoRandomness(e.to_string()))?;
    Ok(uuid_v4(bytes))
}

/// Formats 16 random bytes as a version-4 UUID.
pub fn uuid_v4(mut bytes: [u8; 16]) -> String {
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..32])
}

/// The browser's estimate of this site's storage use and quota; `None` where the
/// browser does not offer it (old browsers, pages not served securely).
pub async fn estimate() -> Result<Option<Estimate>, StorageError> {
    let Some(manager) = storage_manager() else { return Ok(None) };
    let promise = manager.estimate().map_err(|e| StorageError::Browser(js_text(&e)))?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|e| StorageError::Browser(js_text(&e)))?;
    let estimate: web_sys::StorageEstimate = value.unchecked_into();
    Ok(match (estimate.get_usage(), estimate.get_quota()) {
        (Some(usage), Some(quota)) => Some(Estimate { usage, quota }),
        _ => None,
    })
}

/// Asks the browser not to evict this site's data under storage pressure; the answer
/// says whether it agreed (`None` where the browser cannot be asked).
pub async fn persist() -> Result<Option<bool>, StorageError> {
    let Some(manager) = storage_manager() else { return Ok(None) };
    let promise = manager.persist().map_err(|e| StorageError::Browser(js_text(&e)))?;
    let value = wasm_bindgen_futures::JsFuture::from(promise).await.map_err(|e| StorageError::Browser(js_text(&e)))?;
    Ok(value.as_bool())
}

/// `navigator.storage`, when the browser has it.
fn storage_manager() -> Option<web_sys::StorageManager> {
    let navigator = web_sys::window()?.navigator();
    let has = js_sys::Reflect::get(&navigator, &JsValue::from_str("storage")).ok()?;
    (!has.is_undefined() && !has.is_null()).then(|| navigator.storage())
}

/// A JS error as text, for the detail of a message.
fn js_text(value: &JsValue) -> String {
    value
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| value.as_string())
        .unwrap_or_else(|| format!("{value:?}"))
}
