//! Schema versions of what the device stores, and how a record written by an older
//! version is brought to the current shape. Devices stay offline for weeks, so a record
//! written by any released version must still load after an update.
//!
//! Version 1 (the first): the `outbox` holds each operation as its protocol-v1 JSON
//! object, keyed by its `id`; `meta` holds `schema` (a number), `device` (a string) and
//! `clock` (an `Hlc` object).
//!
//! Version 2 adds the `ops` store (every known operation, keyed by `id`; the outbox's
//! operations are copied into it), the `evidence` store (files by `sha256`) and the
//! `meta` keys `session`, `cursor`, `refused`, `outbox_owner`, `replica_account` and
//! `consolidation`.
//!
//! Version 3 adds the `drafts` store (unsaved form answers, keyed by `[account, form]`).
//! Outbox records keep their version-1 shape.

use super::StorageError;

/// The schema this build writes; also the IndexedDB database version.
pub const SCHEMA_VERSION: u32 = 3;

/// An outbox record written under schema `from`, in the current schema's shape.
/// Each step upgrades by one version; a later version adds its step here.
pub fn migrate_outbox_record(from: u32, record: serde_json::Value) -> Result<serde_json::Value, StorageError> {
    if from == 0 || from > SCHEMA_VERSION {
        return Err(StorageError::NewerSchema { found: from, supported: SCHEMA_VERSION });
    }
    let mut record = record;
    for version in from..SCHEMA_VERSION {
        record = upgrade_step(version, record);
    }
    if !record.get("id").is_some_and(serde_json::Value::is_string) {
        return Err(StorageError::Corrupt("bản ghi trong hàng chờ không có mã thao tác".to_string()));
    }
    Ok(record)
}

/// A record of schema `from` in the shape of schema `from + 1`. Outbox records have
/// kept one shape so far (versions 2 and 3 only added stores), so no step changes them.
fn upgrade_step(_from: u32, record: serde_json::Value) -> serde_json::Value {
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_v1_record_is_already_current() {
        let record = serde_json::json!({ "id": "op-1", "device": "d", "body": { "type": "set_fields", "fields": [] } });
        assert_eq!(migrate_outbox_record(1, record.clone()).ok(), Some(record));
    }

    #[test]
    fn a_record_from_a_newer_schema_is_refused() {
        let err = migrate_outbox_record(SCHEMA_VERSION + 1, serde_json::json!({ "id": "x" }));
        assert!(matches!(err, Err(StorageError::NewerSchema { .. })));
    }

    #[test]
    fn a_record_without_an_id_is_corrupt() {
        assert!(matches!(migrate_outbox_record(1, serde_json::json!({})), Err(StorageError::Corrupt(_))));
    }
}
