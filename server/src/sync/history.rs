//! A record's history as the server answers it (`GET /records/{kind}/{id}/history`):
//! the record's operations read from the log in log order, each with who sent it and
//! when the server took it, and the refusals kept for the record, put together by
//! [`hoctap_shared::history::events`]. Names and roles are read from the accounts as
//! they are now; a linked record (a person's household) is named only to a reader who
//! may read it.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use hoctap_shared::criteria;
use hoctap_shared::history::{self, Actor, OpOfRecord, OpOrigin, RecordHistory, Refused};
use hoctap_shared::protocol::RecordId;

use crate::store::history::{self as kept, Origin};
use crate::{ApiError, AppState};

/// One page of `record`'s history (see [`history::page`]). The caller has checked that
/// the record exists and may be read.
pub fn record_history(
    state: &AppState,
    record: &RecordId,
    before: Option<usize>,
    limit: usize,
    may_read: &dyn Fn(&str) -> bool,
) -> Result<RecordHistory, ApiError> {
    let mut actors: BTreeMap<String, Option<Actor>> = BTreeMap::new();
    let mut known = |origin: Option<Origin>| -> Result<history::Origin, ApiError> {
        let Some(origin) = origin else { return Ok(history::Origin::default()) };
        let who = actor(state, &mut actors, &origin.account)?;
        Ok(history::Origin { who, device_label: origin.device_label, server_ms: Some(origin.at_ms) })
    };
    let mut logged = Vec::new();
    for op in super::record_ops(state, record)? {
        let origin = known(kept::origin(state.store.as_ref(), &op.id)?)?;
        logged.push((op, origin));
    }
    let mut refused = Vec::new();
    for stored in kept::refusals(state.store.as_ref(), record)? {
        refused.push(Refused {
            op: stored.op_id,
            device: stored.device,
            device_ms: stored.device_ms,
            body: stored.op.map(|op| op.body),
            origin: known(Some(stored.origin))?,
            code: stored.code,
            message: stored.message,
        });
    }
    let sets = state.criteria()?;
    let set = |id: &str| criteria::newest(&sets).find(|s| s.id == id).map(|set| set.name.clone());
    // A linked record by its name, only for a reader who may see it.
    let linked = |record: &RecordId| {
        let view = super::record_view(state, record).ok()??;
        may_read(&view.unit).then(|| hoctap_shared::consolidation::subject_name(&view)).flatten()
    };
    let unit = |id: &str| state.unit(id).ok().flatten().map(|unit| unit.full_name());
    let names = history::Names { set: &set, record: &linked, unit: &unit };
    Ok(history::page(record, history::events(record, &logged, &refused, &names), before, limit))
}

/// Who sent each of `asked` and when the server took it: only operations that are their
/// record's, of records that exist and that `may_read` lets the caller read. The caller
/// has bounded `asked` ([`history::MAX_ORIGINS`]).
pub fn origins(
    state: &AppState,
    asked: &[OpOfRecord],
    may_read: &dyn Fn(&str) -> bool,
) -> Result<Vec<OpOrigin>, ApiError> {
    let mut by_record: BTreeMap<&RecordId, BTreeSet<&str>> = BTreeMap::new();
    for ask in asked {
        by_record.entry(&ask.record).or_default().insert(ask.op.as_str());
    }
    let mut actors: BTreeMap<String, Option<Actor>> = BTreeMap::new();
    let mut found = Vec::new();
    for (record, ops) in by_record {
        let Some(view) = super::record_view(state, record)? else { continue };
        if !may_read(&view.unit) {
            continue;
        }
        for op in super::record_ops(state, record)?.into_iter().filter(|op| ops.contains(op.id.as_str())) {
            let Some(origin) = kept::origin(state.store.as_ref(), &op.id)? else { continue };
            let who = actor(state, &mut actors, &origin.account)?;
            found.push(OpOrigin { op: op.id, who, server_ms: origin.at_ms });
        }
    }
    Ok(found)
}

/// The account `id` as history names it (as it is now; `None` once deleted), read once
/// per request through `seen`.
fn actor(state: &AppState, seen: &mut BTreeMap<String, Option<Actor>>, id: &str) -> Result<Option<Actor>, ApiError> {
    if let Some(actor) = seen.get(id) {
        return Ok(actor.clone());
    }
    let actor = crate::auth::account(state, id)?.map(|account| Actor {
        account: account.id,
        name: account.display_name,
        role: account.role,
    });
    seen.insert(id.to_string(), actor.clone());
    Ok(actor)
}
