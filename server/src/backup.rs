//! Backup and restore. A backup is a text file of JSON lines: a header, every operation
//! of the log in sequence order, then the entries of the keyspaces the log does not
//! derive (accounts, sessions, invitations, evidence files, units registered by hand,
//! plans entered for units, report narratives, submitted reports, hamlet assignments,
//! districts' communes, who sent each operation and the refused ones, each province's
//! report recipients and recognising authorities, each province's published criteria
//! sets),
//! and a closing line with the counts, so a truncated file is detected.
//!
//! Restore fills an empty data directory: the plain entries first (so evidence and
//! units exist), then the operations replayed through the same [`crate::sync::push`]
//! that accepted them, which rebuilds every index and view. Replaying the same
//! operations in the same order yields the same derived state, byte for byte.

use std::io::{BufRead, Write as IoWrite};

use hoctap_shared::protocol::{Operation, PROTOCOL_VERSION};
use serde::{Deserialize, Serialize};

use crate::hex::{from_hex, to_hex};
use crate::store::{accounts, plain};
use crate::{sync, ApiError, AppState};

const FORMAT: &str = "hoctap-backup";
const VERSION: u32 = 1;
const REPLAY_BATCH: usize = 500;

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    protocol: u32,
    created_ms: i64,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
enum Line {
    Op { op: Box<Operation> },
    Entry { keyspace: String, key: String, value: String },
    End { ops: u64, entries: u64 },
}

/// What a backup or a restore covered.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub ops: u64,
    pub entries: u64,
}

fn io(err: std::io::Error) -> ApiError {
    ApiError::Backup { line: 0, detail: format!("lỗi đọc/ghi tệp: {err}") }
}

fn line_json<T: Serialize>(out: &mut dyn IoWrite, value: &T) -> Result<(), ApiError> {
    serde_json::to_writer(&mut *out, value).map_err(|e| io(e.into()))?;
    out.write_all(b"\n").map_err(io)
}

/// Writes a backup of everything in the store to `out`.
pub fn write_backup(state: &AppState, out: &mut dyn IoWrite) -> Result<Summary, ApiError> {
    let header = Header {
        format: FORMAT.to_string(),
        version: VERSION,
        protocol: PROTOCOL_VERSION,
        created_ms: state.clock.now_ms(),
    };
    line_json(out, &header)?;
    let mut summary = Summary::default();
    crate::store::log::for_each_op(state.store.as_ref(), |op| {
        summary.ops += 1;
        line_json(out, &Line::Op { op: Box::new(op) })
    })?;
    plain::for_each_entry(state.store.as_ref(), |keyspace, key, value| {
        summary.entries += 1;
        line_json(out, &Line::Entry { keyspace: keyspace.to_string(), key: to_hex(key), value: to_hex(value) })
    })?;
    line_json(out, &Line::End { ops: summary.ops, entries: summary.entries })?;
    out.flush().map_err(io)?;
    Ok(summary)
}

/// Restores a backup into an empty store. Refuses a store that holds any operation or
/// account, a file of another format, a truncated file, and any operation the log
/// would not accept again.
pub async fn restore(state: &AppState, input: &mut dyn BufRead) -> Result<Summary, ApiError> {
    if sync::last_seq(state)? != 0 || accounts::has_accounts(state.store.as_ref())? {
        return Err(ApiError::DataDirNotEmpty);
    }
    let bad = |line: usize, detail: String| ApiError::Backup { line, detail };
    let mut lines = input.lines();
    let header: Header = match lines.next() {
        Some(Ok(text)) => {
            serde_json::from_str(&text).map_err(|e| bad(1, format!("dòng đầu không phải tiêu đề sao lưu: {e}")))?
        }
        Some(Err(err)) => return Err(io(err)),
        None => return Err(bad(1, "tệp rỗng".to_string())),
    };
    if header.format != FORMAT || header.version != VERSION {
        return Err(bad(1, format!("định dạng {:?} phiên bản {} không được hỗ trợ", header.format, header.version)));
    }
    let mut ops = Vec::new();
    let mut entries = Vec::new();
    let mut retired = 0;
    let mut end = None;
    for (index, text) in lines.enumerate() {
        let number = index + 2;
        let text = text.map_err(io)?;
        if end.is_some() {
            return Err(bad(number, "có dữ liệu sau dòng kết thúc".to_string()));
        }
        match serde_json::from_str::<Line>(&text).map_err(|e| bad(number, format!("dòng không hợp lệ: {e}")))? {
            Line::Op { op } => ops.push(*op),
            Line::Entry { keyspace, .. } if plain::is_retired(&keyspace) => retired += 1,
            Line::Entry { keyspace, key, value } => {
                if !plain::KEYSPACES.contains(&keyspace.as_str()) {
                    return Err(bad(number, format!("vùng dữ liệu {keyspace:?} không được sao lưu")));
                }
                let (Some(key), Some(value)) = (from_hex(&key), from_hex(&value)) else {
                    return Err(bad(number, "khóa hoặc giá trị không phải mã hex".to_string()));
                };
                let Some(entry) = plain::put_entry(&keyspace, key, value) else {
                    return Err(bad(number, format!("vùng dữ liệu {keyspace:?} không được sao lưu")));
                };
                entries.push(entry);
            }
            Line::End { ops: n_ops, entries: n_entries } => end = Some((n_ops, n_entries)),
        }
    }
    let summary = Summary { ops: ops.len() as u64, entries: entries.len() as u64 };
    match end {
        Some((n_ops, n_entries)) if n_ops == summary.ops && n_entries == summary.entries + retired => {}
        Some(_) => return Err(bad(0, "số dòng không khớp dòng kết thúc: tệp bị hỏng".to_string())),
        None => return Err(bad(0, "thiếu dòng kết thúc: tệp sao lưu bị cắt".to_string())),
    }
    for chunk in entries.chunks(1000) {
        state.store.apply(chunk)?;
    }
    for batch in ops.chunks(REPLAY_BATCH) {
        let response = sync::push(state, batch, sync::Pusher::Replay).await?;
        if let Some(rejected) = response.rejected.first() {
            return Err(bad(0, format!("thao tác {} không được nhận lại: {}", rejected.op, rejected.message)));
        }
        if !response.duplicates.is_empty() {
            return Err(bad(0, format!("thao tác {} xuất hiện hai lần trong bản sao lưu", response.duplicates[0])));
        }
    }
    state.store.flush()?;
    Ok(summary)
}

/// Copies everything `from` holds into the empty store of `to`, as a backup restored
/// there would, streaming: the plain entries in chunks, then the log's operations
/// replayed through [`sync::push`] in batches as they are read, so nothing is held
/// whole in memory. `hoctap reindex` rebuilds every index and view from the log this
/// way, in this build's encodings. Returns what was read and what was written (equal
/// when nothing was lost).
pub async fn copy(from: &AppState, to: &AppState) -> Result<(Summary, Summary), ApiError> {
    if sync::last_seq(to)? != 0 || accounts::has_accounts(to.store.as_ref())? {
        return Err(ApiError::DataDirNotEmpty);
    }
    let (mut read, mut written) = (Summary::default(), Summary::default());
    let mut chunk = Vec::with_capacity(1000);
    plain::for_each_entry(from.store.as_ref(), |keyspace, key, value| {
        read.entries += 1;
        if let Some(entry) = plain::put_entry(keyspace, key.to_vec(), value.to_vec()) {
            chunk.push(entry);
        }
        if chunk.len() == 1000 {
            to.store.apply(&std::mem::take(&mut chunk))?;
            written.entries += 1000;
        }
        Ok::<(), ApiError>(())
    })?;
    to.store.apply(&chunk)?;
    written.entries += chunk.len() as u64;
    let last = sync::last_seq(from)?;
    let mut seq = 1;
    while seq <= last {
        let end = last.min(seq + REPLAY_BATCH as u64 - 1);
        let mut batch = Vec::with_capacity(REPLAY_BATCH);
        for at in seq..=end {
            batch.extend(crate::store::log::op_at(from.store.as_ref(), at)?);
        }
        read.ops += batch.len() as u64;
        let response = sync::push(to, &batch, sync::Pusher::Replay).await?;
        if let Some(rejected) = response.rejected.first() {
            return Err(ApiError::Backup {
                line: 0,
                detail: format!("thao tác {} không được nhận lại: {}", rejected.op, rejected.message),
            });
        }
        written.ops += response.accepted.len() as u64;
        seq = end + 1;
    }
    to.store.flush()?;
    Ok((read, written))
}
