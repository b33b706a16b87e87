//! Evidence files (minh chứng): content-addressed by SHA-256, so the same photo stored
//! twice is one file and a retried upload after a broken connection never makes a
//! second copy. Size is limited and the type is read from the content (JPEG, PNG,
//! WebP, PDF), never from the name.
//!
//! A file is served only to an account that may read a record which has it attached
//! *now*: detached, or attached to a record that has since moved out of the caller's
//! scope, it is not served. Uploading grants nothing (the device keeps its own files).
//!
//! Keyspaces: `evidence` (hash → bytes, written once), `evidence_meta` (hash → JSON
//! [`EvidenceMeta`]), `evidence_records` (hash, record → JSON [`RecordId`]: every record
//! an accepted operation attached the file to, written with the operation; the record's
//! current view decides), `evidence_uploads` (hash, account id → ∅: who sent the
//! bytes, and so may attach them). `evidence_units`, which older builds wrote, is no
//! longer read.

use hoctap_shared::protocol::RecordId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

/// Which records refer to which files.
pub const EVIDENCE_RECORDS: &str = "evidence_records";

/// The most referring records looked at for one download. A file is attached to a few
/// records at most (the same photo for several indicators); a bound keeps a file
/// attached everywhere from making each download a scan of the province.
pub const MAX_REFERENCES_CHECKED: usize = 1_000;

/// Set in `meta` once `evidence_records` holds every attachment of the stored views
/// (data directories written before the index existed get it built at start).
const INDEXED: &[u8] = b"evidence_records_indexed";

/// The types accepted, by their signature.
pub const ACCEPTED_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceMeta {
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
}

/// What an upload did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Stored {
    #[serde(flatten)]
    pub meta: EvidenceMeta,
    /// `false` when the same content was already stored (a retry, or the same photo
    /// for another indicator).
    pub created: bool,
}

/// The media type read from the first bytes, if it is one hoctap accepts.
pub fn sniff(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        Some("image/png")
    } else if bytes.len() >= 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        Some("image/webp")
    } else if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else {
        None
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    crate::hex::to_hex(&Sha256::digest(bytes))
}

fn record_key(sha256: &str, record: &RecordId) -> Vec<u8> {
    let mut key = sha256.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(record.to_string().as_bytes());
    key
}

/// Which accounts uploaded which files: having sent the bytes proves an account holds
/// the file, so it may attach it (see [`may_attach`]).
pub const EVIDENCE_UPLOADS: &str = "evidence_uploads";

/// Stores `bytes` under `claimed` (the hash the device computed, so a truncated upload
/// is caught), and that `uploader` (an account id) sent them. Nobody may read it back
/// until an accepted operation attaches it.
pub fn put(state: &AppState, claimed: &str, bytes: &[u8], uploader: &str) -> Result<Stored, ApiError> {
    if bytes.len() > state.config.max_evidence_bytes {
        return Err(ApiError::EvidenceTooLarge { size: bytes.len(), max: state.config.max_evidence_bytes });
    }
    let Some(media_type) = sniff(bytes) else {
        return Err(ApiError::EvidenceTypeNotAllowed);
    };
    let sha256 = sha256_hex(bytes);
    if sha256 != claimed {
        return Err(ApiError::EvidenceHashMismatch { claimed: claimed.to_string(), actual: sha256 });
    }
    let meta = EvidenceMeta { sha256: sha256.clone(), media_type: media_type.to_string(), size: bytes.len() as u64 };
    let created = state.store.insert_new("evidence", sha256.as_bytes(), bytes)?;
    state.store.apply(&[
        Write::Put {
            keyspace: "evidence_meta",
            key: sha256.as_bytes().to_vec(),
            value: serde_json::to_vec(&meta).unwrap_or_default(),
        },
        Write::Put { keyspace: EVIDENCE_UPLOADS, key: upload_key(&sha256, uploader), value: Vec::new() },
    ])?;
    state.store.flush()?;
    Ok(Stored { meta, created })
}

/// Records that `account` holds the file (an officer accepting a citizen's answer takes
/// its photos as evidence), so it may attach it.
pub fn record_upload(state: &AppState, sha256: &str, account: &str) -> Result<(), StoreError> {
    state.store.put(EVIDENCE_UPLOADS, &upload_key(sha256, account), &[])
}

/// The write that records that `record` refers to a file (added with each accepted
/// `attach_evidence` operation, in the same batch).
pub fn grant(sha256: &str, record: &RecordId) -> Write {
    Write::Put {
        keyspace: EVIDENCE_RECORDS,
        key: record_key(sha256, record),
        value: serde_json::to_vec(record).unwrap_or_default(),
    }
}

fn upload_key(sha256: &str, account: &str) -> Vec<u8> {
    let mut key = sha256.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(account.as_bytes());
    key
}

/// Whether an account may attach the file to a record: it uploaded the file (it holds
/// the bytes), or may read it already, or no record refers to it yet. A hash learned
/// elsewhere is not a way to read another unit's file by attaching it.
pub fn may_attach(
    state: &AppState,
    sha256: &str,
    account: &str,
    may_read: impl Fn(&str) -> Result<bool, StoreError>,
) -> Result<bool, StoreError> {
    if state.store.get(EVIDENCE_UPLOADS, &upload_key(sha256, account))?.is_some() {
        return Ok(true);
    }
    let mut prefix = sha256.as_bytes().to_vec();
    prefix.push(0);
    if state.store.scan(EVIDENCE_RECORDS, &prefix, None, 1)?.is_empty() {
        return Ok(true);
    }
    readable(state, sha256, may_read)
}

/// Whether a reader may download the file: a record in a unit it may read
/// (`may_read`) has the file attached now (by the record's stored view, so neither a
/// detach nor a move out of scope leaves a way in). At most
/// [`MAX_REFERENCES_CHECKED`] records are looked at.
pub fn readable(
    state: &AppState,
    sha256: &str,
    may_read: impl Fn(&str) -> Result<bool, StoreError>,
) -> Result<bool, StoreError> {
    let mut prefix = sha256.as_bytes().to_vec();
    prefix.push(0);
    for (key, value) in state.store.scan(EVIDENCE_RECORDS, &prefix, None, MAX_REFERENCES_CHECKED)? {
        let record: RecordId = serde_json::from_slice(&value).map_err(|_| StoreError::Corrupt {
            key: format!("{EVIDENCE_RECORDS}/{}", String::from_utf8_lossy(&key)),
        })?;
        let Some(view) = crate::sync::record_view(state, &record)? else { continue };
        let attached = view.evidence.values().flatten().any(|file| file.sha256 == sha256);
        if attached && may_read(&view.unit)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Builds `evidence_records` from the stored views, once, for a data directory written
/// before the index existed; returns how many attachments were indexed (0 when it was
/// already done). Views hold every attachment in force, which is all a download needs.
pub fn ensure_index(state: &AppState) -> Result<usize, StoreError> {
    if crate::store::log::marked(state.store.as_ref(), INDEXED)? {
        return Ok(0);
    }
    let mut writes = Vec::new();
    let mut indexed = 0;
    crate::store::log::for_each_view(state.store.as_ref(), |_, view| {
        for file in view.evidence.values().flatten() {
            writes.push(grant(&file.sha256, &view.record));
            indexed += 1;
        }
        if writes.len() >= 10_000 {
            state.store.apply(&std::mem::take(&mut writes))?;
        }
        Ok(())
    })?;
    writes.push(crate::store::log::put_mark(INDEXED));
    state.store.apply(&writes)?;
    state.store.flush()?;
    Ok(indexed)
}

pub fn meta(state: &AppState, sha256: &str) -> Result<Option<EvidenceMeta>, StoreError> {
    match state.store.get("evidence_meta", sha256.as_bytes())? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| StoreError::Corrupt { key: format!("evidence_meta/{sha256}") }),
        None => Ok(None),
    }
}

pub fn bytes(state: &AppState, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
    state.store.get("evidence", sha256.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::sniff;

    #[test]
    fn types_are_read_from_content() {
        assert_eq!(sniff(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0]), Some("image/jpeg"));
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some("image/png"));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some("image/webp"));
        assert_eq!(sniff(b"%PDF-1.7\n"), Some("application/pdf"));
        assert_eq!(sniff(b"MZ\x90\0 an .exe renamed to .jpg"), None);
        assert_eq!(sniff(b"<svg xmlns=..."), None);
        assert_eq!(sniff(b""), None);
    }
}
