//! Evidence files as stored (see [`crate::evidence`] for who may read and attach them):
//!
//! - `evidence`: SHA-256 (hex) → the file's bytes, written once;
//! - `evidence_meta`: SHA-256 → [`EvidenceMeta`] as JSON;
//! - `evidence_records`: SHA-256, zero byte, record → the [`RecordId`] as JSON: every
//!   record an accepted operation attached the file to, written with the operation;
//! - `evidence_uploads`: SHA-256, zero byte, account id → ∅: who sent the bytes;
//! - `meta/evidence_records_indexed`: set once `evidence_records` holds every
//!   attachment of the stored views.
//!
//! `evidence_units`, which older builds wrote, is no longer read.

use hoctap_shared::protocol::RecordId;
use serde::{Deserialize, Serialize};

use super::{Store, StoreError, Write};

pub const EVIDENCE: &str = "evidence";
pub const EVIDENCE_META: &str = "evidence_meta";
/// Which records refer to which files.
pub const EVIDENCE_RECORDS: &str = "evidence_records";
/// Which accounts uploaded which files.
pub const EVIDENCE_UPLOADS: &str = "evidence_uploads";
const INDEXED: &[u8] = b"evidence_records_indexed";

/// What is known of a stored file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceMeta {
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
}

fn keyed(sha256: &str, tail: &str) -> Vec<u8> {
    super::joined(sha256, tail.as_bytes())
}

/// Stores a file's bytes (once) and what is known of it, and that `uploader` sent it,
/// durably. Whether the bytes were new.
pub fn put_file(store: &dyn Store, meta: &EvidenceMeta, bytes: &[u8], uploader: &str) -> Result<bool, StoreError> {
    let created = store.insert_new(EVIDENCE, meta.sha256.as_bytes(), bytes)?;
    store.apply(&[
        Write::Put {
            keyspace: EVIDENCE_META,
            key: meta.sha256.as_bytes().to_vec(),
            value: serde_json::to_vec(meta).unwrap_or_default(),
        },
        Write::Put { keyspace: EVIDENCE_UPLOADS, key: keyed(&meta.sha256, uploader), value: Vec::new() },
    ])?;
    store.flush()?;
    Ok(created)
}

/// Notes that `account` holds the file.
pub fn put_upload(store: &dyn Store, sha256: &str, account: &str) -> Result<(), StoreError> {
    store.put(EVIDENCE_UPLOADS, &keyed(sha256, account), &[])
}

/// Whether `account` sent (or was given) the file.
pub fn uploaded_by(store: &dyn Store, sha256: &str, account: &str) -> Result<bool, StoreError> {
    Ok(store.get(EVIDENCE_UPLOADS, &keyed(sha256, account))?.is_some())
}

/// The write that notes that `record` refers to a file.
pub fn grant(sha256: &str, record: &RecordId) -> Write {
    Write::Put {
        keyspace: EVIDENCE_RECORDS,
        key: keyed(sha256, &record.to_string()),
        value: serde_json::to_vec(record).unwrap_or_default(),
    }
}

/// The records that referred to the file, at most `limit`.
pub fn referring(store: &dyn Store, sha256: &str, limit: usize) -> Result<Vec<RecordId>, StoreError> {
    store
        .scan(EVIDENCE_RECORDS, &keyed(sha256, ""), None, limit)?
        .into_iter()
        .map(|(key, value)| super::from_json(&value, EVIDENCE_RECORDS, &key))
        .collect()
}

/// Whether the attachments of the stored views were indexed.
pub fn indexed(store: &dyn Store) -> Result<bool, StoreError> {
    super::log::marked(store, INDEXED)
}

/// The write that notes the attachments as indexed.
pub fn put_indexed() -> Write {
    super::log::put_mark(INDEXED)
}

/// What is known of a stored file.
pub fn meta(store: &dyn Store, sha256: &str) -> Result<Option<EvidenceMeta>, StoreError> {
    store
        .get(EVIDENCE_META, sha256.as_bytes())?
        .map(|bytes| super::from_json(&bytes, EVIDENCE_META, sha256.as_bytes()))
        .transpose()
}

/// A stored file's bytes.
pub fn bytes(store: &dyn Store, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
    store.get(EVIDENCE, sha256.as_bytes())
}
