//! What a record's history needs besides the log, and nothing else can tell: who had
//! each accepted operation stored, from which device and when the server took it
//! (`op_origins`: op id → [`Origin`]), and the operations the server refused, with why
//! (`refusals`: record, zero byte, op id → [`StoredRefusal`]; the latest
//! [`MAX_REFUSALS_PER_RECORD`] of each record). Neither is derived from the log, so a
//! backup copies both as they are, and a restore's replay writes neither.

use std::collections::BTreeMap;

use hoctap_shared::protocol::{Operation, RecordId};
use serde::{Deserialize, Serialize};

use super::{for_each, Store, StoreError, Write};

/// Op id → [`Origin`].
pub const OP_ORIGINS: &str = "op_origins";
/// Record, zero byte, op id → [`StoredRefusal`].
pub const REFUSALS: &str = "refusals";
/// The refusals kept per record: a device sending a thousand refused changes to one
/// record leaves its latest hundred.
pub const MAX_REFUSALS_PER_RECORD: usize = 100;
/// A refused operation is kept whole up to this size (its JSON); a larger one keeps
/// only who, when and why.
pub const MAX_KEPT_OP_BYTES: usize = 16 * 1024;

/// Who had an operation stored, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Origin {
    pub account: String,
    /// The name of the device the account signed in on, when the operation came from it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_label: Option<String>,
    pub at_ms: i64,
}

/// An operation the server refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredRefusal {
    pub op_id: String,
    pub device: String,
    pub device_ms: i64,
    /// The operation, when it was at most [`MAX_KEPT_OP_BYTES`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op: Option<Operation>,
    pub origin: Origin,
    pub code: String,
    pub message: String,
}

impl StoredRefusal {
    pub fn new(op: &Operation, origin: Origin, code: &str, message: &str) -> StoredRefusal {
        let small = serde_json::to_vec(op).is_ok_and(|json| json.len() <= MAX_KEPT_OP_BYTES);
        StoredRefusal {
            op_id: op.id.clone(),
            device: op.device.clone(),
            device_ms: op.hlc.wall_ms,
            op: small.then(|| op.clone()),
            origin,
            code: code.to_string(),
            message: message.to_string(),
        }
    }
}

fn json<T: Serialize>(value: &T) -> Vec<u8> {
    // Our own plain data types always serialize.
    serde_json::to_vec(value).unwrap_or_default()
}

/// Stores `origin` for the operation `op_id` (in the batch that appends it).
pub fn origin_write(op_id: &str, origin: &Origin) -> Write {
    Write::Put { keyspace: OP_ORIGINS, key: op_id.as_bytes().to_vec(), value: json(origin) }
}

/// The origin of `op_id`, when the server noted one.
pub fn origin(store: &dyn Store, op_id: &str) -> Result<Option<Origin>, StoreError> {
    store
        .get(OP_ORIGINS, op_id.as_bytes())?
        .map(|bytes| serde_json::from_slice(&bytes).map_err(|_| StoreError::Corrupt { key: format!("origin {op_id}") }))
        .transpose()
}

fn prefix(record: &RecordId) -> Vec<u8> {
    super::joined(&record.to_string(), b"")
}

/// The refusals kept for `record`, oldest first.
pub fn refusals(store: &dyn Store, record: &RecordId) -> Result<Vec<StoredRefusal>, StoreError> {
    let mut found = Vec::new();
    for_each(store, REFUSALS, &prefix(record), |_, bytes| {
        let refusal: StoredRefusal =
            serde_json::from_slice(bytes).map_err(|_| StoreError::Corrupt { key: format!("refusal of {record}") })?;
        found.push(refusal);
        Ok::<(), StoreError>(())
    })?;
    found.sort_by(|a, b| (a.origin.at_ms, &a.op_id).cmp(&(b.origin.at_ms, &b.op_id)));
    Ok(found)
}

/// The writes that keep `new` refusals of `record` beside those stored: an operation
/// refused again (a retried batch) keeps its first refusal, and past
/// [`MAX_REFUSALS_PER_RECORD`] the oldest are dropped.
pub fn refusal_writes(store: &dyn Store, record: &RecordId, new: Vec<StoredRefusal>) -> Result<Vec<Write>, StoreError> {
    let prefix = prefix(record);
    let stored = refusals(store, record)?;
    let mut kept: BTreeMap<String, (i64, bool)> =
        stored.iter().map(|r| (r.op_id.clone(), (r.origin.at_ms, true))).collect();
    let mut writes = Vec::new();
    let mut added = BTreeMap::new();
    for refusal in new {
        if kept.contains_key(&refusal.op_id) {
            continue;
        }
        kept.insert(refusal.op_id.clone(), (refusal.origin.at_ms, false));
        added.insert(refusal.op_id.clone(), refusal);
    }
    let mut by_age: Vec<(i64, String, bool)> = kept.into_iter().map(|(id, (at, stored))| (at, id, stored)).collect();
    by_age.sort();
    let excess = by_age.len().saturating_sub(MAX_REFUSALS_PER_RECORD);
    for (_, id, stored) in by_age.drain(..excess) {
        if stored {
            let mut key = prefix.clone();
            key.extend_from_slice(id.as_bytes());
            writes.push(Write::Remove { keyspace: REFUSALS, key });
        } else {
            added.remove(&id);
        }
    }
    for (id, refusal) in added {
        let mut key = prefix.clone();
        key.extend_from_slice(id.as_bytes());
        writes.push(Write::Put { keyspace: REFUSALS, key, value: json(&refusal) });
    }
    Ok(writes)
}
