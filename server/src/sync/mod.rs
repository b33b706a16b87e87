//! The append-only operation log and its indexes, over any [`Store`].
//!
//! A push appends each new operation under the next sequence number, indexes it by op
//! id (so a retried batch changes nothing), by record (to derive the record's view),
//! and under every unit from the operation's own up to its province (so a device
//! pulls its scope with one prefix scan), and refreshes the touched records' views —
//! all in one atomic batch, flushed before the push is acknowledged. Nothing in the
//! log is ever rewritten or removed.
//!
//! The log's keyspaces and their encodings are [`crate::store::log`]'s; the parts'
//! index is [`crate::store::parts`]'s. For a record's history (see
//! [`history`]), a push from an account also notes who sent each accepted operation and
//! when, and keeps the operations it refused with why ([`crate::store::history`]).

use std::collections::{BTreeMap, BTreeSet};

use hoctap_shared::merge::{self, RecordView};
use hoctap_shared::protocol::{
    OpBody, Operation, PullResponse, PushResponse, RecordId, RecordKind, Rejection, MOVED_FROM_FIELD, PROTOCOL_VERSION,
};
use hoctap_shared::units::{MergeKind, OrgUnit, Predecessor, UnitKind};

use hoctap_shared::accounts::Account;

use crate::store::history::{self as kept, Origin, StoredRefusal};
use crate::store::{log, StoreError, Write};
use crate::{ApiError, AppState};

mod authority;
pub mod history;

/// The highest sequence number in the log (0 when empty).
pub fn last_seq(state: &AppState) -> Result<u64, StoreError> {
    log::last_seq(state.store.as_ref())
}

/// The last sequence number known to be durable. A push applies its batch, then
/// flushes it; in between, its operations are readable but would not survive a crash,
/// and their sequence numbers would then be given to other operations. A device that
/// had pulled them would hold a cursor past operations it never saw. So pulls stop at
/// this mark, which a push moves only once its flush returned.
#[derive(Debug)]
pub struct Durable(std::sync::atomic::AtomicU64);

/// Not read from the store yet.
const UNKNOWN: u64 = u64::MAX;

impl Default for Durable {
    fn default() -> Durable {
        Durable(std::sync::atomic::AtomicU64::new(UNKNOWN))
    }
}

impl Durable {
    /// The mark; the first call takes the store's last sequence number (everything in a
    /// store before the first push of this process is on disk).
    pub fn get(&self, state: &AppState) -> Result<u64, StoreError> {
        use std::sync::atomic::Ordering;
        let known = self.0.load(Ordering::Acquire);
        if known != UNKNOWN {
            return Ok(known);
        }
        let stored = last_seq(state)?;
        // A push that started meanwhile set it first, from the same durable state.
        Ok(match self.0.compare_exchange(UNKNOWN, stored, Ordering::AcqRel, Ordering::Acquire) {
            Ok(_) => stored,
            Err(current) => current,
        })
    }

    /// Moves the mark up to `seq` once everything up to it is on disk.
    fn reached(&self, seq: u64) {
        self.0.fetch_max(seq, std::sync::atomic::Ordering::AcqRel);
    }
}

/// Every operation of one record, in log order.
pub fn record_ops(state: &AppState, record: &RecordId) -> Result<Vec<Operation>, StoreError> {
    log::record_ops_before(state.store.as_ref(), record, u64::MAX)
}

/// Whether `op` moves its record into `unit`'s scope from a unit outside it (its
/// `moved_from` names a unit not under `unit`).
fn moved_in(state: &AppState, unit: &str, op: &Operation) -> Result<bool, StoreError> {
    let OpBody::SetFields { fields } = &op.body else { return Ok(false) };
    let Some(from) = fields.iter().find(|f| f.field == MOVED_FROM_FIELD).and_then(|f| f.value.as_str()) else {
        return Ok(false);
    };
    Ok(!unit_chain(state, from, &BTreeMap::new())?.is_some_and(|chain| chain.iter().any(|u| u == unit)))
}

/// The stored view of a record, if it has any operation.
pub fn record_view(state: &AppState, record: &RecordId) -> Result<Option<RecordView>, StoreError> {
    log::view(state.store.as_ref(), record)
}

/// The unit and every unit above it, nearest first; `None` if the unit is unknown.
fn unit_chain(
    state: &AppState,
    unit: &str,
    pending: &BTreeMap<String, OrgUnit>,
) -> Result<Option<Vec<String>>, StoreError> {
    let known = |id: &str| -> Result<bool, StoreError> {
        Ok(state.catalog.units.get(id).is_some()
            || pending.contains_key(id)
            || crate::store::units::exists(state.store.as_ref(), id)?)
    };
    if !known(unit)? {
        return Ok(None);
    }
    let chain = crate::hierarchy::chain(unit, |u| match pending.get(u) {
        Some(hamlet) => Ok(hamlet.parent.clone()),
        None => state.parent_of(u),
    })?;
    Ok(Some(chain))
}

/// An evaluation naming a set another province published: a province's set serves
/// its own units only (the national ones serve everyone). `chain` is the operation's
/// unit and its ancestors.
fn other_provinces_set(state: &AppState, op: &Operation, chain: &[String]) -> Result<Option<String>, StoreError> {
    let OpBody::SetFields { fields } = &op.body else { return Ok(None) };
    let Some(id) = fields.iter().find(|f| f.field == "set").and_then(|f| f.value.as_str()) else { return Ok(None) };
    let Some(owner) = state.criteria_province(id)? else { return Ok(None) };
    if chain.contains(&owner) {
        return Ok(None);
    }
    let shown: String = id.chars().take(40).collect();
    Ok(Some(format!("Bộ tiêu chí {shown:?} là bộ riêng của một tỉnh khác, không dùng được ở đơn vị này")))
}

/// A hamlet registered through sync: a `hamlet` record under a commune, whose fields
/// give its name and type. Its unit id is `hamlet:<record id>`.
fn hamlet_unit(op: &Operation, view: &RecordView) -> Option<OrgUnit> {
    if op.record.kind != RecordKind::Hamlet {
        return None;
    }
    let name = view.value("name")?.as_str()?.to_string();
    let unit_type = view.value("unit_type").and_then(|v| v.as_str()).unwrap_or("Thôn").to_string();
    Some(OrgUnit {
        id: format!("hamlet:{}", op.record.id),
        kind: UnitKind::Hamlet,
        unit_type,
        code: None,
        name,
        // Where the record is, not where the operation says: an older operation naming
        // another commune does not move the hamlet.
        parent: Some(view.unit.clone()),
        valid_from: None,
        // Closed (merged or archived) from `closed_on`: its last day is the day before.
        valid_to: hoctap_shared::hamlets::closed_on(view).map(|on| on.pred()),
        // Kept from the stored unit by the caller: other hamlets' records name them.
        predecessors: Vec::new(),
    })
}

fn reject(response: &mut PushResponse, op: &Operation, code: &str, message: impl Into<String>) {
    response.rejected.push(Rejection { op: op.id.clone(), code: code.to_string(), message: message.into() });
}

/// Who pushes a batch, which decides the rules it is held to.
#[derive(Debug, Clone)]
pub enum Pusher {
    /// A signed-in account. Each operation is checked against what the server has
    /// accepted before it, never against what the device claims: the account must may
    /// act on the unit the record belongs to now as well as on the unit the operation
    /// names (a move needs both ends); a recognised record takes no content change
    /// whatever the operation's clock; a workflow step must apply to the record's state
    /// and come after its last step; the clock must lie between 2000 and the server's
    /// clock plus [`crate::config::Config::max_clock_ahead_ms`]; an approval needs a
    /// complete evaluation and a recognition one the criteria set recognises (or a
    /// written override reason).
    Account(Account),
    /// Operations the server accepted before (a restore replays its log) or makes
    /// itself (sample data, generated provinces): replayed under the merge's own rules
    /// only, so a restore keeps exactly what was acknowledged.
    Replay,
}

/// Appends a batch. Operations are taken in the order sent; each is accepted,
/// recognised as a duplicate, or rejected with a reason. Returns once the accepted
/// operations are durable. The route has refused a batch naming a unit outside the
/// account's scope already; everything that depends on the stored state is decided
/// here, under the log lock (see [`Pusher`]).
pub async fn push(state: &AppState, ops: &[Operation], pusher: Pusher) -> Result<PushResponse, ApiError> {
    push_from(state, ops, pusher, None).await
}

/// The device an account pushes from, as its session names it: the history says
/// "Chrome trên Android" for the operations made on it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceName {
    pub id: String,
    pub label: String,
}

/// [`push`], from the device `device` names.
pub async fn push_from(
    state: &AppState,
    ops: &[Operation],
    pusher: Pusher,
    device: Option<DeviceName>,
) -> Result<PushResponse, ApiError> {
    // The store's reads, writes and flush block: they run off the runtime's few worker
    // threads, which stay free to answer pulls and logins meanwhile. The log lock is
    // taken there too — one writer at a time, so sequence numbers are dense and the lock
    // check sees every earlier operation — and released as soon as the flush returns:
    // held across the runtime's scheduling, with two hundred devices waiting, it
    // stretched every push (measured: 118 instead of 175 pushes/s).
    let (state, ops) = (state.clone(), ops.to_vec());
    crate::blocking(move || {
        let _guard = state.log_lock.blocking_lock();
        push_locked(&state, &ops, &pusher, device.as_ref())
    })
    .await
}

/// [`push`] once the log lock is held.
fn push_locked(
    state: &AppState,
    ops: &[Operation],
    pusher: &Pusher,
    device: Option<&DeviceName>,
) -> Result<PushResponse, ApiError> {
    let now_ms = state.clock.now_ms();
    let mut response = PushResponse { server_ms: Some(now_ms), ..PushResponse::default() };
    // Read the mark before anything of this push is applied.
    state.durable.get(state)?;
    let mut seq = last_seq(state)?;
    let mut writes = Vec::new();
    let mut batch_ids: BTreeMap<&str, &Operation> = BTreeMap::new();
    // Each touched record's operations so far and the view they give, which is stored
    // as is once the batch is accepted.
    let mut touched: BTreeMap<RecordId, (Vec<Operation>, RecordView)> = BTreeMap::new();
    // The criteria sets evaluations are scored with (shipped and published).
    let sets = state.criteria()?;
    let mut new_units: BTreeMap<String, OrgUnit> = BTreeMap::new();
    // Each record under its part, and each touched part's new version (store::parts).
    let mut part_records: BTreeSet<(String, String)> = BTreeSet::new();
    let mut part_versions: BTreeMap<String, u64> = BTreeMap::new();
    // Parts a record left or entered through another part's operation.
    let mut moved: BTreeSet<String> = BTreeSet::new();

    for op in ops {
        if let Some(earlier) = batch_ids.get(op.id.as_str()) {
            if *earlier == op {
                response.duplicates.push(op.id.clone());
            } else {
                reject(&mut response, op, "op_id_reused", "Mã thao tác đã được dùng cho một thao tác khác");
            }
            continue;
        }
        if let Some(stored) = log::op_by_id(state.store.as_ref(), &op.id)? {
            if stored == *op {
                response.duplicates.push(op.id.clone());
            } else {
                reject(&mut response, op, "op_id_reused", "Mã thao tác đã được dùng cho một thao tác khác");
            }
            continue;
        }
        if let Err(message) = merge::validate(op) {
            reject(&mut response, op, "invalid_operation", message);
            continue;
        }
        let Some(chain) = unit_chain(state, &op.unit, &new_units)? else {
            reject(&mut response, op, "unknown_unit", format!("Không có đơn vị {:?}", op.unit));
            continue;
        };
        if op.record.kind == RecordKind::Hamlet && !op.unit.starts_with("commune:") {
            reject(&mut response, op, "invalid_operation", "Thôn, tổ dân phố phải thuộc một xã, phường");
            continue;
        }
        if let Some(message) = other_provinces_set(state, op, &chain)? {
            reject(&mut response, op, "invalid_operation", message);
            continue;
        }
        if let Pusher::Account(account) = pusher {
            // The record as the server holds it before this operation.
            let stored;
            let before = match touched.get(&op.record) {
                Some((_, view)) => Some(view),
                None => {
                    stored = record_view(state, &op.record)?;
                    stored.as_ref()
                }
            };
            let known = |record: &RecordId| match touched.get(record) {
                Some((_, view)) => Ok(Some(view.clone())),
                None => record_view(state, record),
            };
            if let Some((code, message)) = authority::refusal(state, &sets, account, op, before, now_ms, &known)? {
                reject(&mut response, op, code, message);
                continue;
            }
        }
        if let OpBody::AttachEvidence { sha256, .. } = &op.body {
            if crate::evidence::meta(state, sha256)?.is_none() {
                reject(
                    &mut response,
                    op,
                    "evidence_missing",
                    "Tệp minh chứng chưa được tải lên máy chủ; thiết bị sẽ gửi lại thao tác này sau khi tải tệp",
                );
                continue;
            }
        }
        // The record as it stands with this operation: refuse what the rules refuse
        // rather than store it (the device shows the reason to the officer). The
        // record's operations so far are taken out of `touched`, not copied, and put
        // back as they were when the operation is refused.
        let (mut with_op, held) = match touched.remove(&op.record) {
            Some((ops, view)) => (ops, Some(view)),
            None => (record_ops(state, &op.record)?, None),
        };
        let refused = if matches!(pusher, Pusher::Account(_)) && with_op.len() >= MAX_OPS_PER_RECORD {
            Some((
                "invalid_operation",
                format!("Hồ sơ này đã có {MAX_OPS_PER_RECORD} thay đổi, không nhận thêm; hãy báo quản trị tỉnh"),
            ))
        } else {
            None
        };
        // The record's unit before (its latest operation's, as in its view).
        let unit_before = with_op.iter().max_by(|a, b| (&a.hlc, &a.id).cmp(&(&b.hlc, &b.id))).map(|o| o.unit.clone());
        with_op.push(op.clone());
        let after = merge::view(&op.record, &with_op);
        let refused = refused
            .or_else(|| after.refused.iter().find(|r| r.op == op.id).map(|r| (r.code.as_str(), r.message.clone())))
            .or_else(|| match (pusher, &op.body) {
                (Pusher::Account(_), OpBody::Transition { transition }) => {
                    authority::against_rules(&sets, &after, transition)
                }
                _ => None,
            });
        if let Some((code, message)) = refused {
            reject(&mut response, op, code, message);
            with_op.pop();
            if let Some(view) = held {
                touched.insert(op.record.clone(), (with_op, view));
            }
            continue;
        }

        seq += 1;
        log::append(&mut writes, seq, op, &chain);
        let part = crate::hierarchy::part_of_chain(&chain).to_string();
        // A record counts in the part of its view's unit. When that is not this
        // operation's (the record moved, or an older operation arrived late from where
        // it was), the parts it leaves and enters are counted again too.
        for unit in unit_before.iter().chain([&after.unit]) {
            if *unit != op.unit {
                let other = crate::hierarchy::part_of(state, unit)?;
                if other != part {
                    part_versions.insert(other.clone(), seq);
                    moved.insert(other);
                }
            }
        }
        part_records.insert((part.clone(), op.record.to_string()));
        part_versions.insert(part, seq);
        if let OpBody::AttachEvidence { sha256, .. } = &op.body {
            writes.push(crate::evidence::grant(sha256, &op.record));
        }
        if let Pusher::Account(account) = pusher {
            writes.push(kept::origin_write(&op.id, &origin(account, device, op, now_ms)));
        }
        if let Some(mut hamlet) = hamlet_unit(op, &after) {
            let stored = |id: &str, pending: &BTreeMap<String, OrgUnit>| -> Result<Option<OrgUnit>, StoreError> {
                match pending.get(id) {
                    Some(unit) => Ok(Some(unit.clone())),
                    None => state.unit(id),
                }
            };
            hamlet.predecessors = stored(&hamlet.id, &new_units)?.map(|u| u.predecessors).unwrap_or_default();
            // A hamlet merged into another is the other's predecessor, as the communes of
            // the 2025 reform are their successors'.
            if let Some(into) = hoctap_shared::hamlets::merged_into(&after) {
                if let Some(mut successor) = stored(into, &new_units)?.filter(|u| u.kind == UnitKind::Hamlet) {
                    let link = Predecessor { unit: hamlet.id.clone(), kind: MergeKind::Full };
                    if !successor.predecessors.contains(&link) {
                        successor.predecessors.push(link);
                        successor.predecessors.sort();
                        new_units.insert(successor.id.clone(), successor);
                    }
                }
            }
            new_units.insert(hamlet.id.clone(), hamlet);
        }
        batch_ids.insert(&op.id, op);
        touched.insert(op.record.clone(), (with_op, after));
        response.accepted.push(op.id.clone());
    }

    let refusals = match pusher {
        Pusher::Account(account) => refusal_writes(state, account, device, ops, &response, &touched, now_ms)?,
        Pusher::Replay => Vec::new(),
    };
    if response.accepted.is_empty() {
        if !refusals.is_empty() {
            state.store.apply(&refusals)?;
        }
        // "Already stored" is an acknowledgement too: make sure it is on disk.
        if !response.duplicates.is_empty() || !refusals.is_empty() {
            state.store.flush()?;
            // Everything applied so far is on disk now, an earlier push's unflushed
            // batch included (a store recovering from a failed flush).
            state.durable.reached(seq);
        }
        return Ok(response);
    }
    for (record, (_, view)) in &touched {
        writes.push(log::put_view(record, view));
    }
    writes.extend(new_units.values().map(crate::store::units::put));
    writes.extend(crate::store::parts::index_writes(&part_records, &part_versions));
    writes.extend(refusals);
    writes.push(log::put_last_seq(seq));
    state.store.apply(&writes)?;
    if !new_units.is_empty() {
        // A hamlet registered or renamed: the figures' memory of the hierarchy is stale.
        state.figures.forget_hierarchy();
    }
    for part in &moved {
        state.figures.reread(part, seq);
    }
    state.figures.pushed();
    state.store.flush()?;
    state.durable.reached(seq);
    Ok(response)
}

/// Who sent `op`, from which device, and when the server took it.
fn origin(account: &Account, device: Option<&DeviceName>, op: &Operation, now_ms: i64) -> Origin {
    Origin {
        account: account.id.clone(),
        device_label: device.filter(|d| d.id == op.device).map(|d| d.label.clone()),
        at_ms: now_ms,
    }
}

/// Rejections a record's history keeps: not those the device sends again by itself
/// (`clock_skew` once its clock is right, `evidence_missing` once the file is up), nor
/// an id reused by another operation.
fn kept_in_history(code: &str) -> bool {
    !matches!(code, "clock_skew" | "evidence_missing" | "op_id_reused")
}

/// The writes that keep this push's refusals in their records' histories: only for a
/// record the server holds and the account may read, so nobody fills another unit's
/// history with refusals.
fn refusal_writes(
    state: &AppState,
    account: &Account,
    device: Option<&DeviceName>,
    ops: &[Operation],
    response: &PushResponse,
    touched: &BTreeMap<RecordId, (Vec<Operation>, RecordView)>,
    now_ms: i64,
) -> Result<Vec<Write>, StoreError> {
    let mut sent: BTreeMap<&str, &Operation> = BTreeMap::new();
    for op in ops {
        sent.entry(op.id.as_str()).or_insert(op);
    }
    let mut by_record: BTreeMap<RecordId, Vec<StoredRefusal>> = BTreeMap::new();
    for rejection in response.rejected.iter().filter(|r| kept_in_history(&r.code)) {
        let Some(op) = sent.get(rejection.op.as_str()) else { continue };
        if !hoctap_shared::protocol::is_valid_id(&op.record.id) || !hoctap_shared::protocol::is_valid_id(&op.id) {
            continue;
        }
        let unit = match touched.get(&op.record) {
            Some((_, view)) => Some(view.unit.clone()),
            None => record_view(state, &op.record)?.map(|view| view.unit),
        };
        let Some(unit) = unit else { continue };
        if !state.account_may(account, hoctap_shared::accounts::Action::Read, &unit)? {
            continue;
        }
        let origin = origin(account, device, op, now_ms);
        by_record.entry(op.record.clone()).or_default().push(StoredRefusal::new(
            op,
            origin,
            &rejection.code,
            &rejection.message,
        ));
    }
    let mut writes = Vec::new();
    for (record, refusals) in by_record {
        writes.extend(kept::refusal_writes(state.store.as_ref(), &record, refusals)?);
    }
    Ok(writes)
}

/// Operations a pulling device already holds and need not be sent: those it made
/// itself (`Operation::device`) with a clock after `since_ms`. A device keeps every
/// operation it makes from the moment it last dropped its local copy (an account
/// switch), so it passes that moment; a device that never dropped it passes 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OwnOps<'a> {
    pub device: &'a str,
    pub since_ms: i64,
}

impl OwnOps<'_> {
    fn holds(&self, op: &Operation) -> bool {
        op.device == self.device && op.hlc.wall_ms > self.since_ms
    }
}

/// One page of the operations under `unit` (its own and everything below it) after
/// `after`, in log order, leaving out those the device already holds (`own`). The
/// cursor moves past what was left out, so a page may carry fewer operations than
/// `limit`, or none, with `more` still true.
pub fn pull(
    state: &AppState,
    unit: &str,
    after: u64,
    limit: usize,
    own: Option<OwnOps<'_>>,
) -> Result<PullResponse, StoreError> {
    let limit = limit.clamp(1, hoctap_shared::protocol::MAX_PULL_PAGE);
    let durable = state.durable.get(state)?;
    let mut ops = Vec::new();
    let mut cursor = after;
    let mut scanned = 0;
    loop {
        let wanted = limit - ops.len();
        let mut seqs = log::scope_after(state.store.as_ref(), unit, cursor, wanted + 1)?;
        // What lies past the durable mark is being flushed: the next pull gets it.
        seqs.retain(|seq| *seq <= durable);
        let more = seqs.len() > wanted;
        for seq in seqs.into_iter().take(wanted) {
            if let Some(op) = log::op_at(state.store.as_ref(), seq)? {
                // A record moving in from outside the unit comes with what it held: its
                // earlier operations are filed under the units it was in.
                if moved_in(state, unit, &op)? {
                    for earlier in log::record_ops_before(state.store.as_ref(), &op.record, seq)? {
                        if !own.is_some_and(|own| own.holds(&earlier)) {
                            ops.push(earlier);
                        }
                    }
                }
                if !own.is_some_and(|own| own.holds(&op)) {
                    ops.push(op);
                }
            }
            cursor = seq;
            scanned += 1;
        }
        // A page thinned by the device's own operations is filled from further on, up
        // to a bound, so a device that just pushed a thousand batches does not then
        // make a thousand round trips for nothing.
        if !more || ops.len() >= limit || scanned >= MAX_SCANNED_PER_PULL {
            return Ok(PullResponse { protocol: PROTOCOL_VERSION, ops, cursor, more });
        }
    }
}

/// The most operations one record takes from accounts. A record gets a few dozen in a
/// year; a device sending thousands is broken or hostile, and every later push and
/// report touching the record would read them all.
pub const MAX_OPS_PER_RECORD: usize = 10_000;

/// The most log entries one pull reads while leaving out the device's own operations.
const MAX_SCANNED_PER_PULL: usize = 10 * hoctap_shared::protocol::MAX_PULL_PAGE;

/// Whether an operation needs the reviewer's right (every workflow step but submit).
pub fn needs_review(op: &Operation) -> bool {
    matches!(&op.body, OpBody::Transition { transition } if !matches!(transition, hoctap_shared::protocol::Transition::Submit))
}
