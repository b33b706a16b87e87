//! Closing a hamlet: merging it into another hamlet of its commune, or archiving it
//! (see [`hoctap_shared::hamlets`] for what moves and what stays). The moves are
//! ordinary operations pushed through [`crate::sync::push`] as the signed-in account,
//! so every authority check applies to each and the hamlets' devices receive them by
//! sync; the hamlet's record is closed only when every record that had to move has.

use hoctap_shared::accounts::{Account, Action};
use hoctap_shared::date::Date;
use hoctap_shared::hamlets::{
    count, moves, CloseHamlet, HamletChoice, HamletClosed, NotMoved, CLOSED_ON_FIELD, MERGED_INTO_FIELD,
};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind, MAX_OPS_PER_PUSH, MOVED_FROM_FIELD};
use hoctap_shared::units::{OrgUnit, UnitKind, REFORM_DATE};

use crate::{ApiError, AppState};

/// How far ahead a decision may take effect.
const MAX_DAYS_AHEAD: i64 = 366;

fn refuse(problem: impl Into<String>) -> ApiError {
    ApiError::HamletNotClosable { problem: problem.into() }
}

/// Closes `hamlet` as `request` asks, as `account` (see the module's documentation).
pub async fn close(
    state: &AppState,
    account: &Account,
    hamlet: &str,
    request: &CloseHamlet,
) -> Result<HamletClosed, ApiError> {
    let not_found = || ApiError::NotFound { what: "thôn".to_string() };
    let unit = state.unit(hamlet)?.filter(|u| u.kind == UnitKind::Hamlet).ok_or_else(not_found)?;
    if !state.account_may(account, Action::Read, hamlet)? {
        return Err(not_found());
    }
    let commune = unit.parent.clone().ok_or_else(not_found)?;
    if !state.account_may(account, Action::Write, &commune)? {
        return Err(ApiError::Forbidden { action: Action::Write, unit: commune });
    }
    if unit.valid_to.is_some() {
        return Err(refuse(format!("{} đã sáp nhập hoặc giải thể rồi", unit.full_name())));
    }
    let now_ms = state.clock.now_ms();
    let today = Date::in_vietnam(now_ms);
    let latest = Date::in_vietnam(now_ms.saturating_add(MAX_DAYS_AHEAD * 86_400_000));
    if request.on < REFORM_DATE || request.on > latest {
        return Err(refuse(format!(
            "Ngày có hiệu lực phải từ 01/07/2025 đến {latest} (hôm nay là {today}); đã nhập {}",
            request.on
        )));
    }
    let into = match &request.merged_into {
        None => None,
        Some(id) => Some(successor(state, account, &unit, &commune, id)?),
    };
    let mut candidates = Vec::new();
    for other in crate::reports::stored_children(state, &commune)? {
        if other.kind == UnitKind::Hamlet
            && other.valid_to.is_none()
            && other.id != unit.id
            && state.account_may(account, Action::Write, &other.id)?
        {
            candidates.push(HamletChoice { name: other.full_name(), unit: other.id });
        }
    }
    candidates.sort_by_key(|c| hoctap_shared::text::fold(&c.name));

    let part = crate::hierarchy::part_of(state, hamlet)?;
    let views: Vec<RecordView> =
        crate::figures::part_views(state, &part)?.into_iter().filter(|v| v.unit == hamlet).collect();
    let (moving, kept) = moves(&views, request.on);
    let mut answer = HamletClosed {
        hamlet: unit.full_name(),
        merged_into: into.as_ref().map(OrgUnit::full_name),
        on: request.on,
        dry_run: request.dry_run,
        closed: false,
        moved: count(moving.iter().map(|v| &v.record)),
        kept,
        refused: Vec::new(),
        candidates,
    };
    let Some(into) = into else {
        // A dry run says what would have to move; archiving it is refused below.
        if !moving.is_empty() && !request.dry_run {
            return Err(refuse(format!(
                "{} còn {}: hãy sáp nhập vào thôn khác, hoặc chuyển đi hay đánh dấu rời sổ từng hồ sơ trước khi giải thể",
                unit.full_name(),
                answer.moved.words()
            )));
        }
        if !request.dry_run {
            close_record(state, &unit, &commune, request.on, None, now_ms).await?;
            answer.closed = true;
        }
        return Ok(answer);
    };
    if request.dry_run {
        return Ok(answer);
    }

    // The moves, stamped after each record's last operation on a device id of their own.
    let device = format!("sapnhap.{}", crate::auth::new_id()?);
    let mut hlc = Hlc::zero(&device);
    let mut made = 0usize;
    let mut moved = Vec::new();
    for batch in moving.chunks(MAX_OPS_PER_PUSH) {
        let mut ops = Vec::with_capacity(batch.len());
        for view in batch {
            made += 1;
            hlc = hlc.receive(&view.last, state.clock.now_ms());
            ops.push(Operation {
                id: format!("{device}-{made:06}"),
                device: device.clone(),
                hlc: hlc.clone(),
                record: view.record.clone(),
                unit: into.id.clone(),
                body: OpBody::SetFields {
                    fields: vec![FieldEdit {
                        field: MOVED_FROM_FIELD.to_string(),
                        value: hamlet.into(),
                        base: Vec::new(),
                    }],
                },
            });
        }
        let response = crate::sync::push(state, &ops, crate::sync::Pusher::Account(account.clone())).await?;
        for (view, op) in batch.iter().zip(&ops) {
            match response.rejected.iter().find(|r| r.op == op.id) {
                Some(rejection) => {
                    answer.refused.push(NotMoved { name: name(view), message: rejection.message.clone() })
                }
                None => moved.push(view.record.clone()),
            }
        }
    }
    answer.moved = count(&moved);
    if answer.refused.is_empty() {
        close_record(state, &unit, &commune, request.on, Some(&into.id), now_ms).await?;
        answer.closed = true;
    }
    Ok(answer)
}

/// The hamlet `id` that `unit` may merge into: a current hamlet of the same commune that
/// the account may write to.
fn successor(
    state: &AppState,
    account: &Account,
    unit: &OrgUnit,
    commune: &str,
    id: &str,
) -> Result<OrgUnit, ApiError> {
    let into = state
        .unit(id)?
        .filter(|u| u.kind == UnitKind::Hamlet && u.parent.as_deref() == Some(commune))
        .filter(|_| state.account_may(account, Action::Write, id).unwrap_or(false))
        .ok_or_else(|| refuse("Thôn nhận sáp nhập phải là một thôn hiện nay của cùng xã"))?;
    if into.id == unit.id {
        return Err(refuse("Không thể sáp nhập một thôn vào chính nó"));
    }
    if into.valid_to.is_some() {
        return Err(refuse(format!("{} đã sáp nhập hoặc giải thể; hãy chọn một thôn hiện nay", into.full_name())));
    }
    Ok(into)
}

/// Sets `closed_on` and `merged_into` on the hamlet's record: the server's own
/// operation, after the checks above.
async fn close_record(
    state: &AppState,
    unit: &OrgUnit,
    commune: &str,
    on: Date,
    into: Option<&str>,
    now_ms: i64,
) -> Result<(), ApiError> {
    let id = unit.id.strip_prefix("hamlet:").unwrap_or(&unit.id).to_string();
    let record = RecordId { kind: RecordKind::Hamlet, id };
    let view = crate::sync::record_view(state, &record)?;
    let last = view.as_ref().map(|v| v.last.clone());
    let device = format!("dongthon.{}", crate::auth::new_id()?);
    let zero = Hlc::zero(&device);
    let hlc = match &last {
        Some(last) => zero.receive(last, now_ms),
        None => zero.tick(now_ms),
    };
    let edit = |field: &str, value: serde_json::Value| FieldEdit { field: field.to_string(), value, base: Vec::new() };
    let mut fields = vec![
        edit(CLOSED_ON_FIELD, on.iso().into()),
        edit(MERGED_INTO_FIELD, into.map_or(serde_json::Value::Null, Into::into)),
    ];
    // A hamlet registered without a record of its own (set up by the server) gets one
    // that names it, so that its unit is read from the record from now on.
    if view.as_ref().and_then(|v| v.value("name")).is_none() {
        fields.push(edit("name", unit.name.clone().into()));
        fields.push(edit("unit_type", unit.unit_type.clone().into()));
    }
    let op = Operation {
        id: format!("{device}-000001"),
        device,
        hlc,
        record,
        unit: commune.to_string(),
        body: OpBody::SetFields { fields },
    };
    let response = crate::sync::push(state, std::slice::from_ref(&op), crate::sync::Pusher::Replay).await?;
    if let Some(rejection) = response.rejected.first() {
        return Err(refuse(rejection.message.clone()));
    }
    Ok(())
}

/// A record as the register names it.
fn name(view: &RecordView) -> String {
    let text = |field: &str| view.value(field).and_then(serde_json::Value::as_str).map(str::to_string);
    match view.record.kind {
        RecordKind::Household => text("ten_chu_ho").map(|n| format!("Hộ {n}")),
        RecordKind::Evaluation => {
            view.value("year").and_then(serde_json::Value::as_i64).map(|y| format!("Phiếu đánh giá năm {y}"))
        }
        _ => text("name"),
    }
    .unwrap_or_else(|| "(không tên)".to_string())
}
