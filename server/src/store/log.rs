//! The operation log as stored: its keyspaces and their encodings, read and written
//! only through this module (schema 2: the keys of schema 1, the values in the encodings
//! of [`codec`]).
//!
//! - `log`: sequence number (u64, big-endian) → the [`Operation`] ([`codec::encode_op`];
//!   earlier builds wrote JSON, read as it is); the source of truth, never rewritten or
//!   removed.
//! - `op_ids`: op id → sequence number (a retried operation is found again).
//! - `record_ops`: record, zero byte, sequence number → ∅ (old entries hold the op id,
//!   which nothing reads): a record's operations in log order.
//! - `scope`: unit, zero byte, sequence number → ∅, for every unit from the operation's
//!   own up to its province: a pull, or a part's recent records, is one prefix scan.
//! - `views`: record → its [`RecordView`] ([`codec::encode_view`], or JSON from earlier
//!   builds); derived from the log (a cache of `merge::view`).
//! - `meta/last_seq`: the highest sequence number.

use std::collections::BTreeSet;

use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{Operation, RecordId};

use super::{codec, for_each, Store, StoreError, Write};

pub const LOG: &str = "log";
pub const OP_IDS: &str = "op_ids";
pub const RECORD_OPS: &str = "record_ops";
pub const SCOPE: &str = "scope";
pub const VIEWS: &str = "views";
/// Small settings of the store (`last_seq`, the marks of one-time indexing).
pub const META: &str = "meta";
const LAST_SEQ: &[u8] = b"last_seq";

fn seq_bytes(seq: u64) -> [u8; 8] {
    seq.to_be_bytes()
}

fn seq_from(bytes: &[u8]) -> Result<u64, StoreError> {
    bytes.try_into().map(u64::from_be_bytes).map_err(|_| StoreError::Corrupt { key: "sequence number".to_string() })
}

fn keyed(prefix: &str, seq: u64) -> Vec<u8> {
    super::joined(prefix, &seq_bytes(seq))
}

fn prefix_of(name: &str) -> Vec<u8> {
    super::joined(name, b"")
}

/// The highest sequence number in the log (0 when empty).
pub fn last_seq(store: &dyn Store) -> Result<u64, StoreError> {
    store.get(META, LAST_SEQ)?.map_or(Ok(0), |b| seq_from(&b))
}

/// The operation stored under `seq`.
pub fn op_at(store: &dyn Store, seq: u64) -> Result<Option<Operation>, StoreError> {
    store.get(LOG, &seq_bytes(seq))?.map(|bytes| codec::decode_op(&bytes)).transpose()
}

/// The stored operation with the id `op_id`, if any.
pub fn op_by_id(store: &dyn Store, op_id: &str) -> Result<Option<Operation>, StoreError> {
    let Some(seq) = store.get(OP_IDS, op_id.as_bytes())? else { return Ok(None) };
    match op_at(store, seq_from(&seq)?)? {
        Some(op) => Ok(Some(op)),
        None => Err(StoreError::Corrupt { key: format!("log for op {op_id}") }),
    }
}

/// The operations of one record logged before `before` (all: `u64::MAX`), in log order.
pub fn record_ops_before(store: &dyn Store, record: &RecordId, before: u64) -> Result<Vec<Operation>, StoreError> {
    let prefix = prefix_of(&record.to_string());
    let mut ops = Vec::new();
    for_each(store, RECORD_OPS, &prefix, |key, _| {
        let seq = seq_from(&key[prefix.len()..])?;
        if seq < before {
            ops.extend(op_at(store, seq)?);
        }
        Ok::<(), StoreError>(())
    })?;
    Ok(ops)
}

/// The stored view of a record, if it has any operation.
pub fn view(store: &dyn Store, record: &RecordId) -> Result<Option<RecordView>, StoreError> {
    view_named(store, &record.to_string())
}

/// The stored view of the record whose `RecordId` reads `record`.
pub fn view_named(store: &dyn Store, record: &str) -> Result<Option<RecordView>, StoreError> {
    store.get(VIEWS, record.as_bytes())?.map(|b| codec::decode_view(&b)).transpose()
}

/// Every stored view with its record's text, in record order (for indexing a data
/// directory once).
pub fn for_each_view(
    store: &dyn Store,
    mut each: impl FnMut(&str, RecordView) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for_each(store, VIEWS, b"", |key, bytes| each(&String::from_utf8_lossy(key), codec::decode_view(bytes)?))
}

/// Every logged operation, in log order.
pub fn for_each_op<E: From<StoreError>>(
    store: &dyn Store,
    mut each: impl FnMut(Operation) -> Result<(), E>,
) -> Result<(), E> {
    for_each(store, LOG, b"", |_, bytes| each(codec::decode_op(bytes)?))
}

/// The sequence numbers of the operations filed under `unit` after `after`, in log
/// order, at most `limit`.
pub fn scope_after(store: &dyn Store, unit: &str, after: u64, limit: usize) -> Result<Vec<u64>, StoreError> {
    let prefix = prefix_of(unit);
    let rows = store.scan(SCOPE, &prefix, Some(&keyed(unit, after)), limit)?;
    rows.iter().map(|(key, _)| seq_from(&key[prefix.len()..])).collect()
}

/// The records of the operations under `unit` after `after`, or `None` if there are
/// more than `limit` such operations (the caller then rereads everything instead).
pub fn records_since(
    store: &dyn Store,
    unit: &str,
    after: u64,
    limit: usize,
) -> Result<Option<BTreeSet<RecordId>>, StoreError> {
    let seqs = scope_after(store, unit, after, limit + 1)?;
    if seqs.len() > limit {
        return Ok(None);
    }
    let mut records = BTreeSet::new();
    for seq in seqs {
        records.extend(op_at(store, seq)?.map(|op| op.record));
    }
    Ok(Some(records))
}

/// The writes that append `op` under `seq`, filed under every unit of `chain` (the
/// operation's unit and those above it).
pub fn append(writes: &mut Vec<Write>, seq: u64, op: &Operation, chain: &[String]) {
    writes.push(Write::Put { keyspace: LOG, key: seq_bytes(seq).to_vec(), value: codec::encode_op(op) });
    writes.push(Write::Put { keyspace: OP_IDS, key: op.id.as_bytes().to_vec(), value: seq_bytes(seq).to_vec() });
    writes.push(Write::Put { keyspace: RECORD_OPS, key: keyed(&op.record.to_string(), seq), value: Vec::new() });
    for unit in chain {
        writes.push(Write::Put { keyspace: SCOPE, key: keyed(unit, seq), value: Vec::new() });
    }
}

/// The write that stores a record's view.
pub fn put_view(record: &RecordId, view: &RecordView) -> Write {
    Write::Put { keyspace: VIEWS, key: record.to_string().into_bytes(), value: codec::encode_view(view) }
}

/// The write that moves the log's highest sequence number to `seq`.
pub fn put_last_seq(seq: u64) -> Write {
    Write::Put { keyspace: META, key: LAST_SEQ.to_vec(), value: seq_bytes(seq).to_vec() }
}

/// Whether a one-time job of this data directory (`mark`) was done.
pub fn marked(store: &dyn Store, mark: &[u8]) -> Result<bool, StoreError> {
    Ok(store.get(META, mark)?.is_some())
}

/// The write that notes a one-time job (`mark`) as done.
pub fn put_mark(mark: &[u8]) -> Write {
    Write::Put { keyspace: META, key: mark.to_vec(), value: vec![1] }
}
