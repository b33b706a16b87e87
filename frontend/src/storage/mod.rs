//! The only code that touches browser storage. The device keeps, in an IndexedDB
//! database named `hoctap`:
//! - `ops`: every operation the device knows (its own and those pulled from the
//!   server), keyed by op id — the local replica records are derived from;
//! - `outbox`: the operations made here that the server has not yet confirmed (each
//!   is also in `ops`), removed only when a push answer confirms or refuses them;
//! - `evidence`: files attached as evidence, by SHA-256, with whether they are uploaded;
//!   those fetched from the server to be shown are listed in `meta` least recently shown
//!   first, and the first are removed past a bound (see [`crate::evidence`]);
//! - `meta`: the device's own facts (its id, its last hybrid-logical-clock reading, the
//!   schema version, the signed-in session, the pull cursor, `own_since`, refused
//!   operations), the last figures and report pages fetched (shown offline) and report
//!   narratives typed but not yet saved on the server;
//! - `drafts`: what an officer typed in a form and has not saved yet ([`Draft`]), keyed
//!   by the account and the form's address. Drafts stay on the device: sync never reads
//!   them and nothing counts them.
//!
//! Every operation this device made after `own_since` (a wall-clock instant in ms,
//! absent for 0) is in `ops`, so a pull may leave them out: whatever drops the device's
//! own operations from `ops` (signing in as another account, discarding the outbox, the
//! upgrade from schema 1, which kept only the outbox) moves it to the device's clock.
//!
//! A sync page writes a thousand records: every request of a transaction is made at once
//! and then waited for (`together`), rather than one after another.
//!
//! Every failure is a [`StorageError`] with a Vietnamese message for the officer; nothing
//! here panics, because a lost write must be seen, not crash the page.

mod error;
mod migrate;

use crate::evidence::{self, Kept};
use crate::js_text;
use hoctap_shared::accounts::LoginResponse;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{Operation, Rejection};
use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::Serialize;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::task::Poll;
use wasm_bindgen::{JsCast, JsValue};

pub use error::StorageError;
pub use migrate::{migrate_outbox_record, SCHEMA_VERSION};

/// The database the app uses; tests open others by name.
pub const DB_NAME: &str = "hoctap";

const OUTBOX: &str = "outbox";
const OPS: &str = "ops";
const EVIDENCE: &str = "evidence";
const META: &str = "meta";
const DRAFTS: &str = "drafts";
const META_SCHEMA: &str = "schema";
const META_DEVICE: &str = "device";
const META_CLOCK: &str = "clock";
const META_SESSION: &str = "session";
const META_CURSOR: &str = "cursor";
const META_OWN_SINCE: &str = "own_since";
const META_REFUSED: &str = "refused";
const META_OUTBOX_OWNER: &str = "outbox_owner";
const META_CONSOLIDATION: &str = "consolidation";
const META_REPLICA_ACCOUNT: &str = "replica_account";
const META_PAGES: &str = "pages";
const META_DRAFTS: &str = "narrative_drafts";
const META_KEPT: &str = "evidence_kept";
const META_PROVINCE_SETS: &str = "province_sets";

/// How many server pages (reports, plans, reviews) are kept to show offline.
const PAGES_KEPT: usize = 8;

/// How many requests [`together`] keeps made and unanswered at once: a sync page's worth,
/// without holding a future per record when a whole store is rewritten.
const IN_FLIGHT: usize = 1_000;

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
            .add_object_store(ObjectStore::new(OPS).key_path("id"))
            .add_object_store(ObjectStore::new(EVIDENCE).key_path("sha256"))
            .add_object_store(ObjectStore::new(META))
            .add_object_store(ObjectStore::new(DRAFTS))
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
        let tx = self.db.transaction(&[OUTBOX, OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
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
        // Version 3 only added the `drafts` store, which the browser creates on upgrade.
        if from < 2 {
            let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
            let ops = tx.store(OPS).map_err(StorageError::write)?;
            for value in outbox.get_all(None, None).await.map_err(StorageError::read)? {
                let record: serde_json::Value = serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?;
                let record = migrate_outbox_record(from, record)?;
                outbox.put(&to_js(&record)?, None).await.map_err(StorageError::write)?;
                // Version 2 keeps every known operation in `ops`, the outbox's too.
                ops.put(&to_js(&record)?, None).await.map_err(StorageError::write)?;
            }
            // Schema 1 kept only the outbox: a device that already had an id may have
            // pushed operations it no longer holds, and must pull them again.
            if meta.get(JsValue::from_str(META_DEVICE)).await.map_err(StorageError::read)?.is_some() {
                mark_own_since(&meta).await?;
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
        let values = ops.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        let tx = self.db.transaction(&[OUTBOX, OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
        let known = tx.store(OPS).map_err(StorageError::write)?;
        together(values.iter().flat_map(|value| [outbox.put(value, None), known.put(value, None)]))
            .await
            .map_err(StorageError::write)?;
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
        self.read_ops(OUTBOX).await
    }

    /// Every operation the device knows, its own and pulled ones, oldest first.
    pub async fn all_ops(&self) -> Result<Vec<Operation>, StorageError> {
        self.read_ops(OPS).await
    }

    async fn read_ops(&self, store: &str) -> Result<Vec<Operation>, StorageError> {
        let tx = self.db.transaction(&[store], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let values =
            tx.store(store).map_err(StorageError::read)?.get_all(None, None).await.map_err(StorageError::read)?;
        // Read straight from the JS objects: integers come back as integers (safe
        // integers are read as such), so this decodes exactly what `to_js` wrote, without
        // building a `serde_json::Value` of each of an offline start's 100,000 operations.
        let mut ops = Vec::with_capacity(values.len());
        for value in values {
            ops.push(serde_wasm_bindgen::from_value::<Operation>(value).map_err(StorageError::corrupt)?);
        }
        ops.sort_by(|a, b| (&a.hlc, &a.id).cmp(&(&b.hlc, &b.id)));
        Ok(ops)
    }

    /// Keeps operations pulled from the server, with the clock moved past them and the
    /// cursor to pull from next, in one transaction: a page is stored whole or not at all.
    /// The clock never goes back: an officer's save during the pull may have moved it
    /// further than `clock`.
    pub async fn store_pulled(&self, ops: &[Operation], clock: &Hlc, cursor: u64) -> Result<(), StorageError> {
        let values = ops.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        let tx = self.db.transaction(&[OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let known = tx.store(OPS).map_err(StorageError::write)?;
        together(values.iter().map(|value| known.put(value, None))).await.map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        let stored: Option<Hlc> = get_meta(&meta, META_CLOCK).await?;
        if stored.as_ref().is_none_or(|s| clock > s) {
            meta.put(&to_js(clock)?, Some(&JsValue::from_str(META_CLOCK))).await.map_err(StorageError::write)?;
        }
        meta.put(&JsValue::from_f64(cursor as f64), Some(&JsValue::from_str(META_CURSOR)))
            .await
            .map_err(StorageError::write)?;
        finish(tx).await
    }

    /// Keeps `ops` in `ops` as they were sent, in place of the device's copies: one saved
    /// before the first login went out claimed for the account's unit, and the device
    /// does not pull its own operations back to learn it.
    pub async fn keep_sent(&self, ops: &[Operation]) -> Result<(), StorageError> {
        if ops.is_empty() {
            return Ok(());
        }
        let values = ops.iter().map(to_js).collect::<Result<Vec<_>, _>>()?;
        let tx = self.db.transaction(&[OPS], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let known = tx.store(OPS).map_err(StorageError::write)?;
        together(values.iter().map(|value| known.put(value, None))).await.map_err(StorageError::write)?;
        finish(tx).await
    }

    /// Removes from the outbox the operations a push answer confirmed (accepted or
    /// already stored), and moves the refused ones out with their reasons, in one
    /// transaction. Every one of them stays in `ops`.
    pub async fn settle(&self, confirmed: &[String], refused: &[Rejection]) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[OUTBOX, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
        together(confirmed.iter().chain(refused.iter().map(|r| &r.op)).map(|id| outbox.delete(JsValue::from_str(id))))
            .await
            .map_err(StorageError::write)?;
        if !refused.is_empty() {
            let meta = tx.store(META).map_err(StorageError::write)?;
            let mut all: Vec<Rejection> = get_meta(&meta, META_REFUSED).await?.unwrap_or_default();
            for rejection in refused {
                if !all.iter().any(|r| r.op == rejection.op) {
                    all.push(rejection.clone());
                }
            }
            meta.put(&to_js(&all)?, Some(&JsValue::from_str(META_REFUSED))).await.map_err(StorageError::write)?;
        }
        finish(tx).await
    }

    /// Replaces outbox operations stamped again (same ids, new timestamps; see
    /// [`crate::clock::restamp`]) in `outbox` and `ops`, and stores `clock` as the device's
    /// clock even when it is earlier than the stored one (a clock reset after it ran
    /// fast), in one transaction. An id no longer in the outbox (confirmed meanwhile) is
    /// left as it is.
    pub async fn restamp(&self, ops: &[Operation], clock: &Hlc) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[OUTBOX, OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
        let known = tx.store(OPS).map_err(StorageError::write)?;
        for op in ops {
            if outbox.get(JsValue::from_str(&op.id)).await.map_err(StorageError::read)?.is_none() {
                continue;
            }
            let value = to_js(op)?;
            outbox.put(&value, None).await.map_err(StorageError::write)?;
            known.put(&value, None).await.map_err(StorageError::write)?;
        }
        let meta = tx.store(META).map_err(StorageError::write)?;
        meta.put(&to_js(clock)?, Some(&JsValue::from_str(META_CLOCK))).await.map_err(StorageError::write)?;
        finish(tx).await
    }

    /// Operations the server refused, with its reasons.
    pub async fn refused(&self) -> Result<Vec<Rejection>, StorageError> {
        Ok(self.meta(META_REFUSED).await?.unwrap_or_default())
    }

    /// The signed-in session, if any.
    pub async fn session(&self) -> Result<Option<LoginResponse>, StorageError> {
        self.meta(META_SESSION).await
    }

    /// The account whose operations wait in the outbox (they are pushed only with its
    /// session).
    pub async fn outbox_owner(&self) -> Result<Option<String>, StorageError> {
        self.meta(META_OUTBOX_OWNER).await
    }

    /// Signs `session` in on this device. When it is another account than the previous
    /// one, what was pulled for the previous account is dropped (it is on the server)
    /// and pulling starts again, this device's own earlier operations included (see
    /// [`Storage::own_since`]); the outbox — work not yet on the server — is kept.
    pub async fn sign_in(&self, session: &LoginResponse) -> Result<(), StorageError> {
        let replica: Option<String> = self.meta(META_REPLICA_ACCOUNT).await?;
        let owner: Option<String> = self.meta(META_OUTBOX_OWNER).await?;
        let same_account = replica.as_deref().is_none_or(|r| r == session.account.id);
        let tx = self.db.transaction(&[OUTBOX, OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        meta.put(&to_js(session)?, Some(&JsValue::from_str(META_SESSION))).await.map_err(StorageError::write)?;
        meta.put(&JsValue::from_str(&session.account.id), Some(&JsValue::from_str(META_REPLICA_ACCOUNT)))
            .await
            .map_err(StorageError::write)?;
        if !same_account {
            // `ops` becomes the outbox's operations (each is in both): one clear instead
            // of a delete per pulled operation.
            let keep =
                tx.store(OUTBOX).map_err(StorageError::write)?.get_all(None, None).await.map_err(StorageError::read)?;
            let known = tx.store(OPS).map_err(StorageError::write)?;
            known.clear().await.map_err(StorageError::write)?;
            together(keep.iter().map(|value| known.put(value, None))).await.map_err(StorageError::write)?;
            mark_own_since(&meta).await?;
            meta.delete(JsValue::from_str(META_CURSOR)).await.map_err(StorageError::write)?;
            meta.delete(JsValue::from_str(META_CONSOLIDATION)).await.map_err(StorageError::write)?;
            meta.delete(JsValue::from_str(META_PAGES)).await.map_err(StorageError::write)?;
            // Another account may be of another province: its sets come with the next round.
            meta.delete(JsValue::from_str(META_PROVINCE_SETS)).await.map_err(StorageError::write)?;
        }
        if owner.is_none() || outbox_is_empty(&tx).await? {
            meta.put(&JsValue::from_str(&session.account.id), Some(&JsValue::from_str(META_OUTBOX_OWNER)))
                .await
                .map_err(StorageError::write)?;
        }
        finish(tx).await
    }

    /// Signs out: forgets the session, keeps everything else (unsynced work included).
    pub async fn sign_out(&self) -> Result<(), StorageError> {
        self.delete_meta(META_SESSION).await
    }

    /// Deletes the operations waiting in the outbox — only ever after the officer chose
    /// it, warned that they are not on the server. Returns how many were deleted.
    pub async fn discard_outbox(&self) -> Result<u32, StorageError> {
        let tx = self.db.transaction(&[OUTBOX, OPS, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let outbox = tx.store(OUTBOX).map_err(StorageError::write)?;
        let known = tx.store(OPS).map_err(StorageError::write)?;
        let keys = outbox.get_all_keys(None, None).await.map_err(StorageError::read)?;
        together(keys.iter().map(|key| known.delete(key.clone()))).await.map_err(StorageError::write)?;
        outbox.clear().await.map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        meta.delete(JsValue::from_str(META_OUTBOX_OWNER)).await.map_err(StorageError::write)?;
        // A push whose answer was lost may have stored some of them: they are pulled
        // back rather than left out as operations the device holds.
        mark_own_since(&meta).await?;
        finish(tx).await?;
        Ok(keys.len() as u32)
    }

    /// Where the next pull starts.
    pub async fn cursor(&self) -> Result<u64, StorageError> {
        let value: Option<f64> = self.meta(META_CURSOR).await?;
        Ok(value.map_or(0, |v| v as u64))
    }

    /// The instant (wall-clock ms) after which every operation this device made is in
    /// `ops`: a pull may leave those out. 0 for a device that never dropped any of its
    /// own operations.
    pub async fn own_since(&self) -> Result<u64, StorageError> {
        let value: Option<f64> = self.meta(META_OWN_SINCE).await?;
        Ok(value.map_or(0, |v| v as u64))
    }

    /// The criteria sets the account's province published, as the server last sent them
    /// (`GET /units/{unit}/criteria`, JSON text): scored with offline like the shipped
    /// ones. Replaced whole when the list changes; a published set is never withdrawn.
    pub async fn province_sets(&self) -> Result<Option<String>, StorageError> {
        self.meta(META_PROVINCE_SETS).await
    }

    pub async fn keep_province_sets(&self, json: &str) -> Result<(), StorageError> {
        self.put_meta(META_PROVINCE_SETS, json).await
    }

    /// The last consolidated figures fetched from the server, to show offline.
    pub async fn cached_consolidation(&self) -> Result<Option<serde_json::Value>, StorageError> {
        self.meta(META_CONSOLIDATION).await
    }

    pub async fn cache_consolidation(&self, value: &serde_json::Value) -> Result<(), StorageError> {
        self.put_meta(META_CONSOLIDATION, value).await
    }

    /// A page the server computed (a report, a plan, a review), as last fetched under
    /// `key` (the JSON text the server sent), to show when the server cannot be reached.
    pub async fn cached_page(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.text_entry(META_PAGES, key).await
    }

    /// Keeps `json` under `key`, newest first; only the last [`PAGES_KEPT`] are kept.
    pub async fn cache_page(&self, key: &str, json: &str) -> Result<(), StorageError> {
        self.put_text_entry(META_PAGES, key, Some(json), PAGES_KEPT).await
    }

    /// The narrative of a report (as JSON) typed on this device and not yet saved on the
    /// server.
    pub async fn narrative_draft(&self, key: &str) -> Result<Option<String>, StorageError> {
        self.text_entry(META_DRAFTS, key).await
    }

    /// Keeps (or, with `None`, forgets once it is saved) the unsaved narrative of `key`.
    pub async fn keep_narrative_draft(&self, key: &str, json: Option<&str>) -> Result<(), StorageError> {
        self.put_text_entry(META_DRAFTS, key, json, usize::MAX).await
    }

    /// Keeps `draft` in place of the account's earlier draft of the same form. A write
    /// made as the tab closes (from `pagehide`) commits in Chromium: the no-lost-input
    /// end-to-end test closes a tab right after the last key.
    pub async fn put_draft(&self, draft: &Draft) -> Result<(), StorageError> {
        let value = draft.to_js()?;
        let key = draft_key(&draft.account, &draft.form);
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let store = tx.store(DRAFTS).map_err(StorageError::write)?;
        store.put(&value, Some(&key)).await.map_err(StorageError::write)?;
        finish(tx).await
    }

    /// The account's draft of the form at `form`, if one is kept.
    pub async fn draft(&self, account: &str, form: &str) -> Result<Option<Draft>, StorageError> {
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let value = tx
            .store(DRAFTS)
            .map_err(StorageError::read)?
            .get(draft_key(account, form))
            .await
            .map_err(StorageError::read)?;
        value.map(|v| Draft::from_js(&v)).transpose()
    }

    /// Every draft the account keeps on this device, the latest first.
    pub async fn drafts(&self, account: &str) -> Result<Vec<Draft>, StorageError> {
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let values =
            tx.store(DRAFTS).map_err(StorageError::read)?.get_all(None, None).await.map_err(StorageError::read)?;
        let mut drafts: Vec<Draft> = Vec::new();
        for value in values {
            let draft = Draft::from_js(&value)?;
            if draft.account == account {
                // Put in place rather than sorted after: an officer has a few drafts, and
                // a sort compiled for one more type weighs kilobytes in the app.
                let at = drafts.iter().position(|d| d.saved_ms < draft.saved_ms).unwrap_or(drafts.len());
                drafts.insert(at, draft);
            }
        }
        Ok(drafts)
    }

    /// Forgets the account's draft of the form at `form` (saved, or thrown away).
    pub async fn delete_draft(&self, account: &str, form: &str) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[DRAFTS], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        tx.store(DRAFTS)
            .map_err(StorageError::write)?
            .delete(draft_key(account, form))
            .await
            .map_err(StorageError::write)?;
        finish(tx).await
    }

    /// The text under `key` in the list of texts kept under `meta`.
    async fn text_entry(&self, meta: &str, key: &str) -> Result<Option<String>, StorageError> {
        let entries: Vec<(String, String)> = self.meta(meta).await?.unwrap_or_default();
        Ok(entries.into_iter().find(|(k, _)| k == key).map(|(_, v)| v))
    }

    /// Puts (first) or removes the text under `key` in the list under `meta`, keeping at
    /// most `kept` entries.
    async fn put_text_entry(&self, meta: &str, key: &str, text: Option<&str>, kept: usize) -> Result<(), StorageError> {
        let mut entries: Vec<(String, String)> = self.meta(meta).await?.unwrap_or_default();
        entries.retain(|(k, _)| k != key);
        if let Some(text) = text {
            entries.insert(0, (key.to_string(), text.to_string()));
        }
        entries.truncate(kept);
        self.put_meta(meta, &entries).await
    }

    /// Keeps an evidence file (not yet uploaded) under its hash; the same file twice is
    /// kept once.
    pub async fn put_evidence(&self, file: &EvidenceFile) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[EVIDENCE], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let store = tx.store(EVIDENCE).map_err(StorageError::write)?;
        if store.get(JsValue::from_str(&file.sha256)).await.map_err(StorageError::read)?.is_none() {
            store.put(&file.to_js()?, None).await.map_err(StorageError::write)?;
        }
        finish(tx).await
    }

    /// The evidence file with this hash, if the device holds it.
    pub async fn evidence(&self, sha256: &str) -> Result<Option<EvidenceFile>, StorageError> {
        let tx = self.db.transaction(&[EVIDENCE], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let value = tx
            .store(EVIDENCE)
            .map_err(StorageError::read)?
            .get(JsValue::from_str(sha256))
            .await
            .map_err(StorageError::read)?;
        value.map(|v| EvidenceFile::from_js(&v)).transpose()
    }

    /// Evidence files not yet uploaded.
    pub async fn pending_evidence(&self) -> Result<Vec<EvidenceFile>, StorageError> {
        let tx = self.db.transaction(&[EVIDENCE], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        let values =
            tx.store(EVIDENCE).map_err(StorageError::read)?.get_all(None, None).await.map_err(StorageError::read)?;
        let mut files = Vec::new();
        for value in values {
            let file = EvidenceFile::from_js(&value)?;
            if !file.uploaded {
                files.push(file);
            }
        }
        Ok(files)
    }

    /// Records that the server holds this file.
    pub async fn mark_uploaded(&self, sha256: &str) -> Result<(), StorageError> {
        let Some(mut file) = self.evidence(sha256).await? else { return Ok(()) };
        file.uploaded = true;
        let tx = self.db.transaction(&[EVIDENCE], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        tx.store(EVIDENCE)
            .map_err(StorageError::write)?
            .put(&file.to_js()?, None)
            .await
            .map_err(StorageError::write)?;
        finish(tx).await
    }

    /// The evidence files fetched from the server to be shown, least recently shown first.
    pub async fn kept_evidence(&self) -> Result<Vec<Kept>, StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        read_kept(&tx.store(META).map_err(StorageError::read)?).await
    }

    /// Records that `shown` was shown now, keeping `file` (fetched from the server) with
    /// it, and removes the fetched files shown least recently until those left fit within
    /// `bound`, in one transaction. Without `file`, a file not listed (one made on this
    /// device) changes nothing and is never removed.
    pub async fn keep_shown(&self, file: Option<&EvidenceFile>, shown: Kept, bound: u64) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[EVIDENCE, META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let store = tx.store(EVIDENCE).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        let mut kept = read_kept(&meta).await?;
        if let Some(file) = file {
            store.put(&file.to_js()?, None).await.map_err(StorageError::write)?;
        }
        if evidence::touch(&mut kept, shown, file.is_some()) {
            let removed = evidence::evictions(&kept, bound);
            for gone in kept.drain(..removed) {
                store.delete(JsValue::from_str(&gone.sha256)).await.map_err(StorageError::write)?;
            }
            meta.put(&JsValue::from_str(&evidence::encode(&kept)), Some(&JsValue::from_str(META_KEPT)))
                .await
                .map_err(StorageError::write)?;
        }
        finish(tx).await
    }

    async fn meta<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<Option<T>, StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly).map_err(StorageError::read)?;
        get_meta(&tx.store(META).map_err(StorageError::read)?, key).await
    }

    async fn put_meta<T: Serialize + ?Sized>(&self, key: &str, value: &T) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        let meta = tx.store(META).map_err(StorageError::write)?;
        meta.put(&to_js(value)?, Some(&JsValue::from_str(key))).await.map_err(StorageError::write)?;
        finish(tx).await
    }

    async fn delete_meta(&self, key: &str) -> Result<(), StorageError> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite).map_err(StorageError::write)?;
        tx.store(META)
            .map_err(StorageError::write)?
            .delete(JsValue::from_str(key))
            .await
            .map_err(StorageError::write)?;
        finish(tx).await
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

/// Records in `meta` that this device's operations up to now may be missing from `ops`:
/// `own_since` moves to the device's clock (its stored reading, or the wall clock if
/// later), so every operation it makes from here on is after it and kept.
async fn mark_own_since(meta: &rexie::Store) -> Result<(), StorageError> {
    let clock: Option<Hlc> = get_meta(meta, META_CLOCK).await?;
    let wall = clock.map_or(0.0, |c| c.wall_ms.max(0) as f64);
    let since = wall.max(js_sys::Date::now().floor());
    meta.put(&JsValue::from_f64(since), Some(&JsValue::from_str(META_OWN_SINCE))).await.map_err(StorageError::write)?;
    Ok(())
}

/// Waits for every request of `requests`, made together: each is made by its future's
/// first poll, and IndexedDB answers a transaction's requests in the order they were
/// made, so they are made up to [`IN_FLIGHT`] ahead and waited for in order. Waiting for
/// each before making the next costs a trip through the event loop per record. The
/// first failure is returned (the browser's own, not the abort it causes in the rest).
async fn together<F, T>(requests: impl IntoIterator<Item = F>) -> Result<(), rexie::Error>
where
    F: Future<Output = Result<T, rexie::Error>>,
{
    let mut requests = requests.into_iter();
    let mut in_flight: VecDeque<Pin<Box<F>>> = VecDeque::new();
    std::future::poll_fn(move |cx| loop {
        while in_flight.len() < IN_FLIGHT {
            let Some(request) = requests.next() else { break };
            let mut request = Box::pin(request);
            match request.as_mut().poll(cx) {
                Poll::Ready(Ok(_)) => {}
                Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
                Poll::Pending => in_flight.push_back(request),
            }
        }
        let Some(first) = in_flight.front_mut() else { return Poll::Ready(Ok(())) };
        match first.as_mut().poll(cx) {
            Poll::Ready(Ok(_)) => {
                in_flight.pop_front();
            }
            Poll::Ready(Err(err)) => return Poll::Ready(Err(err)),
            Poll::Pending => return Poll::Pending,
        }
    })
    .await
}

/// The list of kept evidence in `meta` (text, see [`evidence::encode`]).
async fn read_kept(meta: &rexie::Store) -> Result<Vec<Kept>, StorageError> {
    let text = meta.get(JsValue::from_str(META_KEPT)).await.map_err(StorageError::read)?;
    Ok(evidence::decode(&text.and_then(|t| t.as_string()).unwrap_or_default()))
}

/// Whether the outbox of `tx` is empty.
async fn outbox_is_empty(tx: &rexie::Transaction) -> Result<bool, StorageError> {
    Ok(tx.store(OUTBOX).map_err(StorageError::read)?.count(None).await.map_err(StorageError::read)? == 0)
}

/// A value of the `meta` store, read as `T`.
async fn get_meta<T: serde::de::DeserializeOwned>(meta: &rexie::Store, key: &str) -> Result<Option<T>, StorageError> {
    match meta.get(JsValue::from_str(key)).await.map_err(StorageError::read)? {
        Some(value) => Ok(Some(serde_wasm_bindgen::from_value(value).map_err(StorageError::corrupt)?)),
        None => Ok(None),
    }
}

/// A draft's answers: text by key (a field's key, an indicator's code), as the form
/// holds them (see [`crate::draft`]).
pub type Answers = std::collections::BTreeMap<String, String>;

/// What an officer typed in one form and has not saved yet (bản nháp): the form's
/// answers that differ from what the device holds. Stored as a plain object whose
/// `answers` is an object of strings.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// The signed-in account that typed it; another account never sees it.
    pub account: String,
    /// The form's address (`#danh-gia/<id>`, `#ho-so/nguoi/<id>`, `#them/nguoi`): which
    /// record, or which kind of new record, the form edits.
    pub form: String,
    /// What the home screen calls it ("Phiếu đánh giá: Lê Văn Tâm, năm 2026").
    pub label: String,
    /// When it was written (ms since the epoch).
    pub saved_ms: f64,
    pub answers: Answers,
}

impl Draft {
    // By hand rather than through serde: a few lines instead of kilobytes of generic
    // code in the app.
    fn to_js(&self) -> Result<JsValue, StorageError> {
        let answers = js_sys::Object::new();
        for (key, text) in &self.answers {
            set_property(&answers, key, &JsValue::from_str(text))?;
        }
        let object = js_sys::Object::new();
        set_property(&object, "account", &JsValue::from_str(&self.account))?;
        set_property(&object, "form", &JsValue::from_str(&self.form))?;
        set_property(&object, "label", &JsValue::from_str(&self.label))?;
        set_property(&object, "saved_ms", &JsValue::from_f64(self.saved_ms))?;
        set_property(&object, "answers", &answers)?;
        Ok(object.into())
    }

    fn from_js(value: &JsValue) -> Result<Draft, StorageError> {
        let get = |key: &str| js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let text = |key: &str| get(key).as_string().ok_or_else(|| StorageError::Corrupt(format!("bản nháp: {key}")));
        let mut answers = Answers::new();
        let object = get("answers")
            .dyn_into::<js_sys::Object>()
            .map_err(|_| StorageError::Corrupt("bản nháp: câu trả lời".to_string()))?;
        for entry in js_sys::Object::entries(&object) {
            let entry: js_sys::Array = entry.unchecked_into();
            if let (Some(key), Some(text)) = (entry.get(0).as_string(), entry.get(1).as_string()) {
                answers.insert(key, text);
            }
        }
        Ok(Draft {
            account: text("account")?,
            form: text("form")?,
            label: text("label")?,
            saved_ms: get("saved_ms").as_f64().unwrap_or_default(),
            answers,
        })
    }
}

fn set_property(object: &js_sys::Object, key: &str, value: &JsValue) -> Result<(), StorageError> {
    js_sys::Reflect::set(object, &JsValue::from_str(key), value)
        .map(|_| ())
        .map_err(|e| StorageError::Browser(js_text(&e)))
}

/// A draft's key: the account and the form's address, as an IndexedDB array key.
fn draft_key(account: &str, form: &str) -> JsValue {
    js_sys::Array::of2(&JsValue::from_str(account), &JsValue::from_str(form)).into()
}

/// An evidence file kept on the device: its bytes (as a `Uint8Array` in IndexedDB),
/// what it is, and whether the server holds it yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceFile {
    pub sha256: String,
    pub media_type: String,
    pub name: Option<String>,
    pub bytes: Vec<u8>,
    pub uploaded: bool,
}

impl EvidenceFile {
    fn to_js(&self) -> Result<JsValue, StorageError> {
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            js_sys::Reflect::set(&object, &JsValue::from_str(key), value)
                .map(|_| ())
                .map_err(|e| StorageError::Browser(js_text(&e)))
        };
        set("sha256", &JsValue::from_str(&self.sha256))?;
        set("media_type", &JsValue::from_str(&self.media_type))?;
        set("name", &self.name.as_deref().map_or(JsValue::NULL, JsValue::from_str))?;
        set("bytes", &js_sys::Uint8Array::from(self.bytes.as_slice()).into())?;
        set("uploaded", &JsValue::from_bool(self.uploaded))?;
        Ok(object.into())
    }

    fn from_js(value: &JsValue) -> Result<EvidenceFile, StorageError> {
        let get = |key: &str| js_sys::Reflect::get(value, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED);
        let text = |key: &str| get(key).as_string().ok_or_else(|| StorageError::Corrupt(format!("minh chứng: {key}")));
        let bytes = get("bytes")
            .dyn_into::<js_sys::Uint8Array>()
            .map_err(|_| StorageError::Corrupt("minh chứng: nội dung".to_string()))?
            .to_vec();
        Ok(EvidenceFile {
            sha256: text("sha256")?,
            media_type: text("media_type")?,
            name: get("name").as_string(),
            bytes,
            uploaded: get("uploaded").as_bool().unwrap_or(false),
        })
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
