//! Evidence files (minh chứng): content-addressed by SHA-256, so the same photo stored
//! twice is one file and a retried upload after a broken connection never makes a
//! second copy. Size is limited and the type is read from the content (JPEG, PNG,
//! WebP, PDF), never from the name.
//!
//! Keyspaces: `evidence` (hash → bytes, written once), `evidence_meta` (hash → JSON
//! [`EvidenceMeta`]), `evidence_units` (hash, unit → ∅: the units whose records use the
//! file or whose officer uploaded it, which decide who may download it).

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

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

fn unit_key(sha256: &str, unit: &str) -> Vec<u8> {
    let mut key = sha256.as_bytes().to_vec();
    key.push(0);
    key.extend_from_slice(unit.as_bytes());
    key
}

/// Stores `bytes` under `claimed` (the hash the device computed, so a truncated upload
/// is caught), recording `unit` as one that may read it.
pub fn put(state: &AppState, claimed: &str, bytes: &[u8], unit: &str) -> Result<Stored, ApiError> {
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
        Write::Put { keyspace: "evidence_units", key: unit_key(&sha256, unit), value: Vec::new() },
    ])?;
    state.store.flush()?;
    Ok(Stored { meta, created })
}

/// The writes that let `unit` read a file its records use (added with each
/// `attach_evidence` operation).
pub fn grant(sha256: &str, unit: &str) -> Write {
    Write::Put { keyspace: "evidence_units", key: unit_key(sha256, unit), value: Vec::new() }
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

/// The units that may read the file.
pub fn units(state: &AppState, sha256: &str) -> Result<Vec<String>, StoreError> {
    let mut prefix = sha256.as_bytes().to_vec();
    prefix.push(0);
    Ok(state
        .store
        .scan("evidence_units", &prefix, None, 1000)?
        .into_iter()
        .map(|(key, _)| String::from_utf8_lossy(&key[prefix.len()..]).into_owned())
        .collect())
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
