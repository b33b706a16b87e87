//! What the server refuses of a signed-in account's operation, decided from what it has
//! accepted before the operation and never from what the device claims: the record's
//! own unit (not only the one the operation names), its lock and workflow in the
//! server's order (not the operation's clock), a clock within bounds, a recognition
//! only of what the criteria set's rules recognise, and the register's `left` and
//! `deleted` fields only as [`hoctap_shared::archive`] describes them, and an
//! evaluation's content (fields, scores, evidence) only while it is a draft or returned:
//! what was sent for review stays as it was sent.
//!
//! Each check returns the rejection's stable code and a Vietnamese message; nothing of
//! a refused operation enters the log (the record's history keeps the refusal, see
//! [`crate::store::history`]).

use hoctap_shared::accounts::{Account, Action};
use hoctap_shared::archive::{self, DELETED_FIELD, LEFT_FIELD};
use hoctap_shared::authorities;
use hoctap_shared::consolidation::{criteria_of, evaluation_facts, evaluation_of};
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::date::Date;
use hoctap_shared::hamlets::{CLOSED_ON_FIELD, MERGED_INTO_FIELD};
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::{
    is_valid_id, OpBody, Operation, RecordId, RecordKind, Transition, MAX_RECORD_ID_CHARS, MOVED_FROM_FIELD,
};
use hoctap_shared::scoring;
use hoctap_shared::selfassess::{AnswerState, SelfAssessment, SELF_ASSESSMENT_FIELD};
use hoctap_shared::units::UnitKind;

use crate::hierarchy::predates_reform;
use crate::store::{campaigns, StoreError};
use crate::AppState;

/// A refusal: the stable code and the message the officer reads.
pub(super) type Refusal = (&'static str, String);

/// 2000-01-01T00:00Z: no operation of hoctap's can be older; a clock before it is a
/// phone that lost its date (many start at 1970).
pub const EARLIEST_CLOCK_MS: i64 = 946_684_800_000;

/// Why `account` may not have `op` accepted, given the record as the server holds it
/// (`before`, `None` for a new record), or `None` when nothing stands in the way.
/// `known` gives any other record as the server holds it (with this batch's operations).
pub(super) fn refusal(
    state: &AppState,
    sets: &[CriteriaSet],
    account: &Account,
    op: &Operation,
    before: Option<&RecordView>,
    now_ms: i64,
    known: &dyn Fn(&RecordId) -> Result<Option<RecordView>, StoreError>,
) -> Result<Option<Refusal>, StoreError> {
    if let Some(refusal) = clock(state, op, now_ms) {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = ids(op) {
        return Ok(Some(refusal));
    }
    let review = super::needs_review(op);
    let action = if review { Action::Review } else { Action::Write };
    // The route refused a batch naming a unit outside the scope; checked again here so
    // that this function alone states the rule.
    if !state.account_may(account, action, &op.unit)? {
        return Ok(Some((
            "forbidden",
            format!("Tài khoản không có quyền {} hồ sơ của {}", action.verb(), name(state, &op.unit)),
        )));
    }
    if let OpBody::AttachEvidence { sha256, .. } = &op.body {
        let may_read = |unit: &str| state.account_may(account, Action::Read, unit);
        if !crate::evidence::may_attach(state, sha256, &account.id, may_read)? {
            return Ok(Some((
                "forbidden",
                "Tệp minh chứng này thuộc hồ sơ ngoài phạm vi của tài khoản; hãy chụp hoặc tải tệp lên từ máy này"
                    .to_string(),
            )));
        }
    }
    if let Some(refusal) = score_bounds(sets, op, before) {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = archive_fields(state, account, op, now_ms, known)? {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = hamlet_fields(op) {
        return Ok(Some(refusal));
    }
    if let Some(refusal) = self_assessment_field(state, op, before)? {
        return Ok(Some(refusal));
    }
    if let OpBody::Transition { transition: Transition::Recognise { decision } } = &op.body {
        if let Some(problem) = authorities::decision_authority_problem(decision.date, &decision.authority) {
            return Ok(Some(("invalid_decision", problem)));
        }
    }
    let Some(before) = before else {
        // Nothing new is registered in a hamlet that no longer exists.
        return Ok(closed_hamlet(state, &op.unit)?.map(|message| ("invalid_operation", message)));
    };
    if before.unit != op.unit {
        return moving(state, account, op, before);
    }
    match &op.body {
        OpBody::Transition { transition } => Ok(workflow(before, op, transition).or_else(|| {
            (matches!(transition, Transition::Submit) && archive::is_deleted(before)).then(|| {
                (
                    "invalid_transition",
                    "Phiếu đã bị xóa; hãy mở lại phiếu (Bắt đầu đánh giá) trước khi gửi xét duyệt".to_string(),
                )
            })
        })),
        _ if before.status == Status::Recognised => Ok(Some((
            "record_locked",
            "Hồ sơ đã được công nhận nên bị khóa; cần lãnh đạo mở lại trước khi sửa".to_string(),
        ))),
        _ => Ok(draft_only(before, op)),
    }
}

/// The `left` and `deleted` fields of a `set_fields`, checked as
/// [`archive::check_left`] and [`archive::check_deleted`] say, with the server's today
/// plus the clock bound as the last day they may name; the record a duplicate names must
/// be one the account may read.
fn archive_fields(
    state: &AppState,
    account: &Account,
    op: &Operation,
    now_ms: i64,
    known: &dyn Fn(&RecordId) -> Result<Option<RecordView>, StoreError>,
) -> Result<Option<Refusal>, StoreError> {
    let OpBody::SetFields { fields } = &op.body else { return Ok(None) };
    let latest = Date::in_vietnam(now_ms.saturating_add(state.config.max_clock_ahead_ms));
    for edit in fields {
        let checked = match edit.field.as_str() {
            LEFT_FIELD => {
                let mut failed = None;
                let mut view_of = |record: &RecordId| {
                    let found = known(record).and_then(|view| match view {
                        Some(view) if state.account_may(account, Action::Read, &view.unit)? => Ok(Some(view)),
                        _ => Ok(None),
                    });
                    found.unwrap_or_else(|err| {
                        failed = Some(err);
                        None
                    })
                };
                let checked = archive::check_left(&op.record, &edit.value, latest, &mut view_of);
                if let Some(err) = failed {
                    return Err(err);
                }
                checked
            }
            DELETED_FIELD if op.record.kind != RecordKind::Evaluation => {
                Err("Chỉ phiếu đánh giá mới xóa được theo cách này".to_string())
            }
            DELETED_FIELD => archive::check_deleted(&edit.value, latest),
            _ => Ok(()),
        };
        if let Err(message) = checked {
            return Ok(Some(("invalid_operation", message)));
        }
    }
    Ok(None)
}

/// An evaluation's content — its fields (deleting it, or undoing that, included), scores
/// and evidence — changes only while it is a draft or returned for correction: what was
/// sent for review (submitted or approved) is frozen as it was sent, until the commune
/// returns it. Its workflow steps and moves are checked elsewhere; a recognised record
/// is locked before this.
fn draft_only(before: &RecordView, op: &Operation) -> Option<Refusal> {
    if before.record.kind != RecordKind::Evaluation || matches!(before.status, Status::Draft | Status::Returned) {
        return None;
    }
    let what = match &op.body {
        OpBody::SetFields { fields } if fields.iter().any(|f| f.field == DELETED_FIELD) => "xóa phiếu",
        OpBody::SetFields { .. } | OpBody::SetScore { .. } => "sửa phiếu",
        OpBody::AttachEvidence { .. } => "thêm minh chứng",
        OpBody::DetachEvidence { .. } => "gỡ minh chứng",
        OpBody::Transition { .. } => return None,
    };
    Some((
        "not_draft",
        format!(
            "Chỉ {what} được khi phiếu là bản nháp hoặc bị trả lại; phiếu đang ở trạng thái {}",
            before.status.title()
        ),
    ))
}

/// An operation naming another unit than the record's: a move, which needs the right
/// on both ends, says where the record is leaving from (so a device that has not seen
/// an earlier move cannot undo it), sorts after everything the record holds (so the
/// record does go where the operation says, and its operations are filed under the
/// units that hold it), and keeps history (a unit before 1 July 2025) where it was
/// recorded. Anything else naming another unit comes from a device that has not seen
/// where the record is now.
fn moving(
    state: &AppState,
    account: &Account,
    op: &Operation,
    before: &RecordView,
) -> Result<Option<Refusal>, StoreError> {
    if !state.account_may(account, Action::Write, &before.unit)? {
        // Where the record is now is none of the caller's business.
        return Ok(Some((
            "forbidden",
            "Hồ sơ này nằm ngoài phạm vi của tài khoản: không thể sửa hay chuyển nó".to_string(),
        )));
    }
    let declared = match &op.body {
        OpBody::SetFields { fields } => {
            fields.iter().find(|f| f.field == MOVED_FROM_FIELD).and_then(|f| f.value.as_str())
        }
        _ => None,
    };
    if declared != Some(before.unit.as_str()) || op.hlc <= before.last {
        return Ok(Some((
            "invalid_operation",
            format!(
                "Hồ sơ đang thuộc {}, không phải {}: hãy đồng bộ rồi thực hiện lại",
                name(state, &before.unit),
                name(state, &op.unit)
            ),
        )));
    }
    if before.status == Status::Recognised {
        return Ok(Some((
            "record_locked",
            "Hồ sơ đã được công nhận nên bị khóa; cần lãnh đạo mở lại trước khi chuyển".to_string(),
        )));
    }
    if let Some(message) = closed_hamlet(state, &op.unit)? {
        return Ok(Some(("invalid_operation", message)));
    }
    if predates_reform(state, &before.unit)? || predates_reform(state, &op.unit)? {
        return Ok(Some((
            "invalid_operation",
            "Hồ sơ của đơn vị trước ngày 01/7/2025 được giữ ở nơi đã ghi, không chuyển được".to_string(),
        )));
    }
    Ok(None)
}

/// A hamlet's `closed_on` and `merged_into` are the server's to set, after the checks
/// of closing a hamlet (`POST /units/{id}/close`), never a device's.
fn hamlet_fields(op: &Operation) -> Option<Refusal> {
    let OpBody::SetFields { fields } = &op.body else { return None };
    fields.iter().any(|f| [CLOSED_ON_FIELD, MERGED_INTO_FIELD].contains(&f.field.as_str())).then(|| {
        (
            "invalid_operation",
            "Sáp nhập hay giải thể thôn chỉ làm được bằng chức năng “Sáp nhập, giải thể thôn” khi có mạng".to_string(),
        )
    })
}

/// A citizen's self-assessment is linked to an evaluation only as the server wrote it
/// when an officer accepted the answer from the hamlet's queue: the field names an
/// answer the server linked to this very evaluation, and holds what the citizen sent.
/// A device can neither make one up nor move one to another evaluation.
fn self_assessment_field(
    state: &AppState,
    op: &Operation,
    before: Option<&RecordView>,
) -> Result<Option<Refusal>, StoreError> {
    let OpBody::SetFields { fields } = &op.body else { return Ok(None) };
    let Some(edit) = fields.iter().find(|f| f.field == SELF_ASSESSMENT_FIELD) else { return Ok(None) };
    // One self-assessment per evaluation: a second answer accepted for the same person at
    // the same moment is refused here, where pushes are taken one at a time.
    if before.and_then(|v| v.value(SELF_ASSESSMENT_FIELD)).is_some_and(|held| *held != edit.value) {
        return Ok(Some((
            "invalid_operation",
            "Người này đã có một phiếu tự đánh giá khác trong năm; hãy loại phiếu này (lý do: trùng phiếu)".to_string(),
        )));
    }
    let refused = || {
        Some((
            "invalid_operation",
            "Phiếu tự đánh giá của người dân chỉ được ghép từ hàng chờ “Tự đánh giá” của thôn".to_string(),
        ))
    };
    let Ok(link) = serde_json::from_value::<SelfAssessment>(edit.value.clone()) else { return Ok(refused()) };
    let Some(kept) = campaigns::answer(state.store.as_ref(), &link.campaign, &link.answer)? else {
        return Ok(refused());
    };
    let linked_here = op.record.kind == RecordKind::Evaluation
        && matches!(&kept.state, AnswerState::Linked { evaluation, .. } if *evaluation == op.record.id);
    Ok((!linked_here || SelfAssessment::of(&link.campaign, &link.answer, &kept) != link).then(refused).flatten())
}

/// Why nothing can be registered in or moved into `unit`: a hamlet that was merged or
/// archived.
fn closed_hamlet(state: &AppState, unit: &str) -> Result<Option<String>, StoreError> {
    let Some(hamlet) = state.unit(unit)?.filter(|u| u.kind == UnitKind::Hamlet && u.valid_to.is_some()) else {
        return Ok(None);
    };
    let since = hamlet.valid_to.map(|last| last.succ()).map(|d| d.to_string()).unwrap_or_default();
    Ok(Some(format!(
        "{} đã sáp nhập hoặc giải thể từ ngày {since}: hãy đồng bộ rồi chọn thôn hiện nay",
        hamlet.full_name()
    )))
}

/// Ids outside [`is_valid_id`] (what devices mint) would break the log's keys.
fn ids(op: &Operation) -> Option<Refusal> {
    if [op.id.as_str(), op.device.as_str(), op.record.id.as_str()].into_iter().all(is_valid_id) {
        return None;
    }
    Some((
        "invalid_operation",
        format!(
            "Mã thao tác, mã thiết bị hoặc mã hồ sơ không hợp lệ (chỉ gồm chữ không dấu, chữ số và . _ : -, tối đa \
             {MAX_RECORD_ID_CHARS} ký tự)"
        ),
    ))
}

/// A score for an indicator the evaluation's criteria set does not have, or past
/// [`scoring::MAX_SCORES`] score fields: every later push and report would carry it.
fn score_bounds(sets: &[CriteriaSet], op: &Operation, before: Option<&RecordView>) -> Option<Refusal> {
    let OpBody::SetScore { indicator, .. } = &op.body else {
        return None;
    };
    let field = format!("{}{indicator}", hoctap_shared::merge::SCORE_FIELD_PREFIX);
    let set = before.and_then(|view| criteria_of(view, sets));
    if let Some(set) = set {
        if set.indicator(indicator).is_none() {
            let shown: String = indicator.chars().take(20).collect();
            return Some(("invalid_operation", format!("Chỉ số {shown:?} không có trong bộ tiêu chí của phiếu")));
        }
    }
    let scored = before.map_or(0, |view| {
        view.fields.keys().filter(|f| f.starts_with(hoctap_shared::merge::SCORE_FIELD_PREFIX)).count()
    });
    if scored >= scoring::MAX_SCORES && !before.is_some_and(|view| view.fields.contains_key(&field)) {
        return Some((
            "invalid_operation",
            format!("Phiếu đánh giá đã có {} chỉ số được chấm, không nhận thêm", scoring::MAX_SCORES),
        ));
    }
    None
}

/// A clock more than the configured bound ahead of the server's, or before 2000.
fn clock(state: &AppState, op: &Operation, now_ms: i64) -> Option<Refusal> {
    let wall = op.hlc.wall_ms;
    if wall >= EARLIEST_CLOCK_MS && wall <= now_ms.saturating_add(state.config.max_clock_ahead_ms) {
        return None;
    }
    let device = if wall < EARLIEST_CLOCK_MS { "trước năm 2000".to_string() } else { vietnam_time(wall) };
    Some((
        "clock_skew",
        format!(
            "Ngày giờ của máy đang sai: thao tác được ghi lúc {device}, máy chủ đang là {}. Hãy chỉnh ngày giờ \
             của máy cho đúng rồi đồng bộ lại; dữ liệu vẫn được giữ trên máy.",
            vietnam_time(now_ms)
        ),
    ))
}

/// A workflow step in the server's order: it must apply to the state the server holds
/// and come after the record's last step (a device that saw that step stamps later, by
/// its hybrid logical clock, whatever its wall clock says).
fn workflow(before: &RecordView, op: &Operation, transition: &Transition) -> Option<Refusal> {
    if before.status.after(transition).is_none() {
        return Some((
            "invalid_transition",
            format!("Không thể {} khi hồ sơ đang ở trạng thái {}", title(transition), before.status.title()),
        ));
    }
    let last = before.history.last()?;
    if op.hlc > last.hlc {
        return None;
    }
    Some((
        "invalid_transition",
        format!(
            "Hồ sơ đã được {} lúc {} mà máy này chưa nhận; hãy đồng bộ để xem trạng thái mới rồi thực hiện lại",
            title(&last.transition),
            vietnam_time(last.hlc.wall_ms)
        ),
    ))
}

/// An approval needs a complete evaluation; a recognition one whose outcome, computed
/// here with the criteria set the evaluation names, grants the title — or an explicit
/// override reason. `view` is the record with the step applied.
pub(super) fn against_rules(sets: &[CriteriaSet], view: &RecordView, transition: &Transition) -> Option<Refusal> {
    let override_reason = match transition {
        Transition::Approve => None,
        Transition::Recognise { decision } => decision.override_reason.as_deref(),
        _ => return None,
    };
    let Some(facts) = evaluation_facts(view) else {
        return Some(("incomplete_evaluation", "Phiếu đánh giá chưa chọn bộ tiêu chí hoặc năm đánh giá".to_string()));
    };
    let Some(set) = facts.criteria(sets) else {
        return Some(("incomplete_evaluation", "Máy chủ không có bộ tiêu chí của phiếu này".to_string()));
    };
    let outcome = match scoring::score(set, &evaluation_of(view, &set.id)) {
        Ok(outcome) => outcome,
        Err(err) => {
            return Some((
                "incomplete_evaluation",
                format!("Phiếu đánh giá chưa đầy đủ hoặc có lỗi, chưa thể {}: {}", title(transition), problems(err)),
            ))
        }
    };
    if outcome.recognised || matches!(transition, Transition::Approve) || override_reason.is_some() {
        return None;
    }
    let reasons = outcome.reasons.iter().take(MAX_LISTED).cloned().collect::<Vec<_>>().join("; ");
    Some((
        "not_eligible",
        format!(
            "Theo bộ tiêu chí {}, phiếu này chưa đủ điều kiện công nhận ({reasons}). Muốn công nhận ngoại lệ, cần ghi rõ \
             lý do.",
            set.name
        ),
    ))
}

/// The most problems or reasons a refusal lists; the rest are counted.
const MAX_LISTED: usize = 5;

fn problems(err: hoctap_shared::Error) -> String {
    let total = err.problem_count();
    let all = match err {
        hoctap_shared::Error::InvalidEvaluation(all) => all,
        other => vec![other],
    };
    let mut listed: Vec<String> = all
        .iter()
        .filter(|e| !matches!(e, hoctap_shared::Error::MoreProblems { .. }))
        .take(MAX_LISTED)
        .map(ToString::to_string)
        .collect();
    if total > listed.len() {
        listed.push(format!("và {} lỗi khác", total - listed.len()));
    }
    listed.join("; ")
}

/// The verb of a step, as the merge says it.
fn title(transition: &Transition) -> &'static str {
    hoctap_shared::merge::transition_title(transition)
}

/// A unit's name as officers know it (`Thôn An`), or its id when unknown.
fn name(state: &AppState, unit: &str) -> String {
    state.unit(unit).ok().flatten().map_or_else(|| unit.to_string(), |u| u.full_name())
}

/// `dd/mm/yyyy HH:MM` in Vietnam (UTC+7); a clock beyond the year 9999 reads as its
/// last minute (a device may send any number).
fn vietnam_time(unix_ms: i64) -> String {
    let unix_ms = unix_ms.clamp(0, 253_402_300_799_000);
    let minutes = (unix_ms + 7 * 3_600_000).div_euclid(60_000).rem_euclid(24 * 60);
    format!("{} {:02}:{:02}", Date::in_vietnam(unix_ms), minutes / 60, minutes % 60)
}
