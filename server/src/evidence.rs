//! Evidence files (minh chứng): content-addressed by SHA-256, so the same photo stored
//! twice is one file and a retried upload after a broken connection never makes a
//! second copy. Size is limited and the type is read from the content (JPEG, PNG,
//! WebP, PDF), never from the name.
//!
//! A file is served only to an account that may read a record which has it attached
//! *now*: detached, or attached to a record that has since moved out of the caller's
//! scope, it is not served. Uploading grants nothing (the device keeps its own files).
//!
//! Stored by [`crate::store::evidence`]: the bytes, what is known of each file, every
//! record an accepted operation attached a file to (the record's current view
//! decides), and who sent the bytes (and so may attach them).

use hoctap_shared::protocol::RecordId;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::evidence as stored;
pub use crate::store::evidence::EvidenceMeta;
use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

/// The most referring records looked at for one download. A file is attached to a few
/// records at most (the same photo for several indicators); a bound keeps a file
/// attached everywhere from making each download a scan of the province.
pub const MAX_REFERENCES_CHECKED: usize = 1_000;

/// The types accepted, by their signature.
pub const ACCEPTED_TYPES: [&str; 4] = ["image/jpeg", "image/png", "image/webp", "application/pdf"];

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
    let created = stored::put_file(state.store.as_ref(), &meta, bytes, uploader)?;
    Ok(Stored { meta, created })
}

/// Records that `account` holds the file (an officer accepting a citizen's answer takes
/// its photos as evidence), so it may attach it.
pub fn record_upload(state: &AppState, sha256: &str, account: &str) -> Result<(), StoreError> {
    stored::put_upload(state.store.as_ref(), sha256, account)
}

/// The write that records that `record` refers to a file (added with each accepted
/// `attach_evidence` operation, in the same batch).
pub fn grant(sha256: &str, record: &RecordId) -> Write {
    stored::grant(sha256, record)
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
    if stored::uploaded_by(state.store.as_ref(), sha256, account)? {
        return Ok(true);
    }
    if stored::referring(state.store.as_ref(), sha256, 1)?.is_empty() {
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
    for record in stored::referring(state.store.as_ref(), sha256, MAX_REFERENCES_CHECKED)? {
        let Some(view) = crate::store::log::view(state.store.as_ref(), &record)? else { continue };
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
    if stored::indexed(state.store.as_ref())? {
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
    writes.push(stored::put_indexed());
    state.store.apply(&writes)?;
    state.store.flush()?;
    Ok(indexed)
}

pub fn meta(state: &AppState, sha256: &str) -> Result<Option<EvidenceMeta>, StoreError> {
    stored::meta(state.store.as_ref(), sha256)
}

pub fn bytes(state: &AppState, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
    stored::bytes(state.store.as_ref(), sha256)
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
