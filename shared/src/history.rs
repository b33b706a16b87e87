//! A record's history (lịch sử hồ sơ): every operation of the log on the record and
//! every one the server refused, in the order the server took them, each with who
//! (display name and role), when (the server's time and the device's), from which
//! device, and what it changed — a field or a score with its old and new values, an
//! evidence file attached or detached, a workflow step with the states before and after.
//!
//! Derived by [`events`] from the record's operations in log order and the refusals
//! the server keeps; nothing of it is stored as history. Old values are those the edit
//! saw (its `base`), so a history read twice, or on another server restored from a
//! backup, says the same. Each change also comes in Vietnamese words ([`change_words`]:
//! the register's labels, choices by their names, a set by its name, a linked record by
//! its name), so every client says it the same way and none has to carry the words.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::accounts::Role;
use crate::archive::LeftReason;
use crate::criteria::AREAS;
use crate::date::Date;
use crate::merge::{self, Status, SCORE_FIELD_PREFIX};
use crate::protocol::{OpBody, Operation, RecordId, RecordKind, Transition};
use crate::scoring::Answer;

/// The most events one page of a history carries.
pub const MAX_PAGE: usize = 500;
/// The events a page carries when the caller does not say.
pub const DEFAULT_PAGE: usize = 100;

/// One page of a record's history: the events before `before` (all of them, the latest
/// page, when it is not given), oldest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordHistory {
    pub record: RecordId,
    /// Events in the whole history.
    pub total: usize,
    /// Pass as `before` for the page of earlier events; absent on the first page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub earlier: Option<usize>,
    pub events: Vec<HistoryEvent>,
}

/// One operation on the record: accepted into the log, or refused by the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEvent {
    /// Its place in the history, 0 the first.
    pub position: usize,
    /// The operation's id.
    pub op: String,
    /// When the server accepted (or refused) it, ms since the epoch; absent for
    /// operations the server took before it noted this, and for those it replayed
    /// itself (a restore, sample data).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_ms: Option<i64>,
    /// When the device says it was done (its clock), ms since the epoch.
    pub device_ms: i64,
    /// The device's id, and the name it was signed in under ("Chrome trên Android")
    /// when the server knows it.
    pub device: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_label: Option<String>,
    /// The account that sent it, when the server knows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<Actor>,
    /// What it changed (what it tried to change, when refused); empty when a refused
    /// operation was too large to keep.
    pub changes: Vec<Change>,
    /// Each change in Vietnamese, in the same order ([`change_words`]).
    pub words: Vec<String>,
    /// Why the server refused it; or, for an operation of the log, why the merge
    /// rules leave it without effect (an edit stamped after a recognition).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<HistoryRefusal>,
}

/// The most operations one [`OriginsRequest`] may ask about.
pub const MAX_ORIGINS: usize = 1000;

/// Asking who sent some operations and when the server took them (the review table's
/// "Người gửi" and "Ngày gửi"): each operation names its record, so that the server
/// answers only for records the caller may read and operations that are the record's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginsRequest {
    /// At most [`MAX_ORIGINS`].
    pub ops: Vec<OpOfRecord>,
}

/// An operation's id and the record it is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpOfRecord {
    pub record: RecordId,
    pub op: String,
}

/// What the server knows of the operations asked about; an operation it cannot tell
/// of (unknown, not the record's, a record outside the scope, or accepted before the
/// server kept origins) is left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OriginsResponse {
    pub origins: Vec<OpOrigin>,
}

/// Who sent an operation and when the server took it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpOrigin {
    pub op: String,
    /// The account, when it still exists.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub who: Option<Actor>,
    /// When the server accepted it (ms since the epoch).
    pub server_ms: i64,
}

/// Who did something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Actor {
    pub account: String,
    /// The name people know the officer by.
    pub name: String,
    pub role: Role,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryRefusal {
    /// The stable code of the push's rejection (`record_locked`, `forbidden` …).
    pub code: String,
    /// Vietnamese.
    pub message: String,
}

/// One change an operation makes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = HistoryChange))]
pub enum Change {
    /// A field set: `old` the values the edit replaced (those the officer saw; several
    /// when it resolved a conflict, none for a new field).
    Field { field: String, old: Vec<serde_json::Value>, new: serde_json::Value },
    /// An indicator scored, with the same `old` as a field.
    Score { indicator: String, old: Vec<serde_json::Value>, new: serde_json::Value },
    /// An evidence file attached (or detached) to an indicator.
    Evidence {
        indicator: String,
        sha256: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        attached: bool,
    },
    /// A workflow step, with the record's state before and after it (absent for a step
    /// that took no effect).
    Transition {
        transition: Transition,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        from: Option<Status>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        to: Option<Status>,
    },
}

/// Who sent an operation, from where and when the server took it, as far as the server
/// knows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Origin {
    pub who: Option<Actor>,
    pub device_label: Option<String>,
    pub server_ms: Option<i64>,
}

/// An operation the server refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub op: String,
    pub device: String,
    pub device_ms: i64,
    /// What it would have done; `None` when it was too large to keep.
    pub body: Option<OpBody>,
    pub origin: Origin,
    pub code: String,
    pub message: String,
}

/// The history of `record`: `logged` its operations in log order with their origins,
/// `refused` the refusals the server kept (any order). Refusals go among the logged
/// operations by the server's time: after every operation accepted at or before it.
pub fn events(
    record: &RecordId,
    logged: &[(Operation, Origin)],
    refused: &[Refused],
    names: &Names,
) -> Vec<HistoryEvent> {
    let view = merge::view(record, logged.iter().map(|(op, _)| op));
    // The state before and after each workflow step the merge applied.
    let mut steps: BTreeMap<&str, (Status, Status)> = BTreeMap::new();
    let mut status = Status::Draft;
    for entry in &view.history {
        steps.insert(entry.op.as_str(), (status, entry.status));
        status = entry.status;
    }
    let without_effect: BTreeMap<&str, &merge::Refused> = view.refused.iter().map(|r| (r.op.as_str(), r)).collect();
    // Every value each operation wrote, by field, for the old values of later edits.
    let mut written: BTreeMap<(&str, String), serde_json::Value> = BTreeMap::new();
    for (op, _) in logged {
        for (field, value) in values(&op.body) {
            written.insert((op.id.as_str(), field), value);
        }
    }
    let changes = |body: &OpBody| -> Vec<Change> {
        let old = |field: &str, base: &[String]| -> Vec<serde_json::Value> {
            let mut old: Vec<serde_json::Value> = Vec::new();
            for id in base {
                if let Some(value) = written.get(&(id.as_str(), field.to_string())) {
                    if !old.contains(value) {
                        old.push(value.clone());
                    }
                }
            }
            old
        };
        match body {
            OpBody::SetFields { fields } => fields
                .iter()
                .map(|f| Change::Field { field: f.field.clone(), old: old(&f.field, &f.base), new: f.value.clone() })
                .collect(),
            OpBody::SetScore { indicator, answer, base } => vec![Change::Score {
                indicator: indicator.clone(),
                old: old(&format!("{SCORE_FIELD_PREFIX}{indicator}"), base),
                new: serde_json::to_value(answer).unwrap_or(serde_json::Value::Null),
            }],
            OpBody::AttachEvidence { indicator, sha256, name, .. } => vec![Change::Evidence {
                indicator: indicator.clone(),
                sha256: sha256.clone(),
                name: name.clone(),
                attached: true,
            }],
            OpBody::DetachEvidence { indicator, sha256 } => {
                // The name it was attached under, when the log has it.
                let name = logged.iter().rev().find_map(|(op, _)| match &op.body {
                    OpBody::AttachEvidence { indicator: i, sha256: s, name, .. } if i == indicator && s == sha256 => {
                        name.clone()
                    }
                    _ => None,
                });
                vec![Change::Evidence { indicator: indicator.clone(), sha256: sha256.clone(), name, attached: false }]
            }
            OpBody::Transition { transition } => {
                vec![Change::Transition { transition: transition.clone(), from: None, to: None }]
            }
        }
    };

    let mut pending: Vec<&Refused> = refused.iter().collect();
    pending.sort_by(|a, b| (a.origin.server_ms, &a.op).cmp(&(b.origin.server_ms, &b.op)));
    let mut pending = pending.into_iter().peekable();
    let mut out: Vec<HistoryEvent> = Vec::with_capacity(logged.len() + refused.len());
    let refusal_event = |r: &Refused| HistoryEvent {
        position: 0,
        op: r.op.clone(),
        server_ms: r.origin.server_ms,
        device_ms: r.device_ms,
        device: r.device.clone(),
        device_label: r.origin.device_label.clone(),
        who: r.origin.who.clone(),
        changes: r.body.as_ref().map(&changes).unwrap_or_default(),
        words: Vec::new(),
        refused: Some(HistoryRefusal { code: r.code.clone(), message: r.message.clone() }),
    };
    for (op, origin) in logged {
        if let Some(at) = origin.server_ms {
            while let Some(r) = pending.next_if(|r| r.origin.server_ms.is_none_or(|t| t < at)) {
                out.push(refusal_event(r));
            }
        }
        let mut changes = changes(&op.body);
        for change in &mut changes {
            if let Change::Transition { from, to, .. } = change {
                if let Some((before, after)) = steps.get(op.id.as_str()) {
                    (*from, *to) = (Some(*before), Some(*after));
                }
            }
        }
        out.push(HistoryEvent {
            position: 0,
            op: op.id.clone(),
            server_ms: origin.server_ms,
            device_ms: op.hlc.wall_ms,
            device: op.device.clone(),
            device_label: origin.device_label.clone(),
            who: origin.who.clone(),
            changes,
            words: Vec::new(),
            refused: without_effect
                .get(op.id.as_str())
                .map(|r| HistoryRefusal { code: r.code.clone(), message: r.message.clone() }),
        });
    }
    out.extend(pending.map(refusal_event));
    for (position, event) in out.iter_mut().enumerate() {
        event.position = position;
        event.words = event.changes.iter().map(|c| change_words(record.kind, c, names)).collect();
    }
    out
}

/// What the words of a change need from outside: the name of a criteria set by its id,
/// of a record a field links to (when the reader may see it), of a unit by its id.
pub struct Names<'a> {
    pub set: &'a dyn Fn(&str) -> Option<String>,
    pub record: &'a dyn Fn(&RecordId) -> Option<String>,
    pub unit: &'a dyn Fn(&str) -> Option<String>,
}

impl std::fmt::Debug for Names<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Names")
    }
}

impl Names<'_> {
    /// Names nothing: ids and codes stand for themselves.
    pub const NONE: Names<'static> = Names { set: &|_| None, record: &|_| None, unit: &|_| None };
}

/// A change in words: "Họ và tên: Nguyễn Văn A → Nguyễn Văn Ánh", "Điểm chỉ số 1.1:
/// 10 → 8,5", "Thêm minh chứng “lop.jpg” (chỉ số 1.2)", "Mở lại: … (đã công nhận → bị
/// trả lại)". A value replaced by several (a conflict resolved) lists them with " / ".
pub fn change_words(kind: RecordKind, change: &Change, names: &Names) -> String {
    let old_new = |old: &[serde_json::Value], new: String, words: &dyn Fn(&serde_json::Value) -> String| {
        if old.is_empty() {
            new
        } else {
            format!("{} → {new}", old.iter().map(words).collect::<Vec<_>>().join(" / "))
        }
    };
    match change {
        Change::Field { field, old, new } => {
            let words = |value: &serde_json::Value| value_words(field, value, names);
            format!("{}: {}", field_label(kind, field), old_new(old, words(new), &words))
        }
        Change::Score { indicator, old, new } => {
            format!("Điểm chỉ số {indicator}: {}", old_new(old, score_words(new), &score_words))
        }
        Change::Evidence { indicator, name, attached, .. } => format!(
            "{} minh chứng “{}” (chỉ số {indicator})",
            if *attached { "Thêm" } else { "Gỡ" },
            name.as_deref().unwrap_or("tệp")
        ),
        Change::Transition { transition, from, to } => match (from, to) {
            (Some(from), Some(to)) => format!("{} ({} → {})", step_words(transition), from.title(), to.title()),
            _ => step_words(transition),
        },
    }
}

/// A workflow step as a record's history says it.
pub fn step_words(transition: &Transition) -> String {
    match transition {
        Transition::Submit => "Gửi xét duyệt".to_string(),
        Transition::Return { comment } => format!("Trả lại để sửa: {comment}"),
        Transition::Approve => "Duyệt".to_string(),
        Transition::Recognise { decision } => {
            let mut words = format!(
                "Công nhận: Quyết định số {} ngày {} của {}",
                decision.number, decision.date, decision.authority
            );
            if let Some(reason) = decision.override_reason.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                words.push_str(&format!(" — Công nhận ngoại lệ: {reason}"));
            }
            words
        }
        Transition::Reopen { reason } => format!("Mở lại: {reason}"),
    }
}

/// The label of a field of a record of `kind`, as the register's form shows it.
pub fn field_label(kind: RecordKind, field: &str) -> String {
    if let Some(code) = field.strip_prefix(SCORE_FIELD_PREFIX) {
        return format!("Điểm chỉ số {code}");
    }
    let label = match (kind, field) {
        (RecordKind::Person, "name") => "Họ và tên",
        (RecordKind::Clan, "name") => "Tên dòng họ (chi, nhánh)",
        (RecordKind::Unit, "name") => "Tên đơn vị",
        (RecordKind::Hamlet, "name") => "Tên (không cần ghi chữ “Thôn”)",
        (_, "birth_year") => "Năm sinh",
        (_, "gender") => "Giới tính",
        (_, "household") => "Hộ gia đình",
        (_, "relation") => "Quan hệ với chủ hộ",
        (_, "member_of") => "Đơn vị công tác",
        (_, "digital_skill") => "Kỹ năng số",
        (_, "learner") => "Đang đi học",
        (_, "subject_group") => "Nhóm đối tượng",
        (_, "ten_chu_ho") => "Tên chủ hộ",
        (_, "ma_ho") => "Mã hộ",
        (_, "dia_chi") => "Địa chỉ",
        (_, "clan") => "Dòng họ",
        (_, "truong_ho") => "Trưởng họ",
        (_, "loai") => "Loại đơn vị",
        (_, "unit_type") => "Loại (thôn, tổ dân phố…)",
        (_, "set") => "Bộ tiêu chí",
        (_, "set_version") => "Phiên bản bộ tiêu chí",
        (_, "year") => "Năm đánh giá",
        (_, "subject") => "Đối tượng",
        (_, "context") => "Bối cảnh đánh giá",
        (_, "deleted") => "Xóa phiếu",
        (_, "left") => "Rời sổ",
        (_, "moved_from") => "Chuyển đơn vị",
        _ => field,
    };
    label.to_string()
}

/// The names of coded values, as the register's form offers them.
const CHOICES: &[(&str, &str)] = &[
    ("nam", "Nam"),
    ("nu", "Nữ"),
    ("chu_ho", "Chủ hộ"),
    ("vo_chong", "Vợ/Chồng"),
    ("con", "Con"),
    ("con_dau_re", "Con dâu/Con rể"),
    ("bo_me", "Bố/Mẹ"),
    ("ong_ba", "Ông/Bà"),
    ("chau", "Cháu"),
    ("anh_chi_em", "Anh/Chị/Em"),
    ("none", "Chưa có"),
    ("basic", "Cơ bản"),
    ("proficient", "Thành thạo"),
    ("co_quan", "Cơ quan, tổ chức"),
    ("truong_hoc", "Trường học, cơ sở giáo dục"),
    ("doanh_nghiep", "Doanh nghiệp"),
    ("khac", "Khác"),
    ("nguoi_dan", "Người dân trong xã"),
    ("nguoi_lao_dong", "Người lao động"),
    ("can_bo", "Cán bộ, công nhân viên, doanh nhân"),
    ("hoc_sinh", "Học sinh, sinh viên, học viên"),
];

/// A field's value in words.
fn value_words(field: &str, value: &serde_json::Value, names: &Names) -> String {
    use serde_json::Value;
    let linked = |kind: RecordKind, id: &str| {
        (names.record)(&RecordId { kind, id: id.to_string() }).unwrap_or_else(|| "(hồ sơ khác)".to_string())
    };
    match (field, value) {
        (_, Value::Null) => "(trống)".to_string(),
        (_, Value::Bool(true)) => "Có".to_string(),
        (_, Value::Bool(false)) => "Không".to_string(),
        ("set", Value::String(id)) => (names.set)(id).unwrap_or_else(|| id.clone()),
        ("household", Value::String(id)) => linked(RecordKind::Household, id),
        ("member_of", Value::String(id)) => linked(RecordKind::Unit, id),
        ("clan", Value::String(id)) => linked(RecordKind::Clan, id),
        ("moved_from", Value::String(unit)) => (names.unit)(unit).unwrap_or_else(|| "(đơn vị khác)".to_string()),
        ("subject", subject) => match serde_json::from_value::<RecordId>(subject.clone()) {
            Ok(record) => linked(record.kind, &record.id),
            Err(_) => "(hồ sơ khác)".to_string(),
        },
        ("left", left) => {
            let reason = left["reason"].as_str().and_then(|r| LeftReason::ALL.into_iter().find(|l| l.code() == r));
            let mut words = reason.map_or_else(|| "Rời sổ".to_string(), |r| r.title().to_string());
            if let Some(on) = left["on"].as_str().and_then(Date::parse_iso) {
                words.push_str(&format!(" ngày {on}"));
            }
            if let Some(note) = left["note"].as_str().filter(|n| !n.trim().is_empty()) {
                words.push_str(&format!(": {note}"));
            }
            words
        }
        // Only the area's name: tags and subject groups show as the data writes them.
        ("area", Value::String(area)) => {
            AREAS.iter().find(|(code, _)| code == area).map_or_else(|| area.clone(), |(_, name)| name.to_string())
        }
        ("context", Value::Object(map)) => map
            .iter()
            .map(|(key, v)| value_words(key, v, names))
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(", "),
        ("deleted", deleted) => {
            let on = deleted["on"].as_str().and_then(Date::parse_iso).map(|d| d.to_string()).unwrap_or_default();
            format!("ngày {on}: {}", deleted["reason"].as_str().unwrap_or_default())
        }
        ("gender" | "relation" | "digital_skill" | "loai" | "subject_group", Value::String(code)) => {
            CHOICES.iter().find(|(c, _)| c == code).map_or_else(|| code.clone(), |(_, label)| label.to_string())
        }
        (_, Value::String(text)) => text.clone(),
        (_, Value::Object(map)) => map
            .values()
            .map(|v| value_words("", v, names))
            .filter(|w| !w.is_empty() && w != "(trống)")
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::Array(items)) => items.iter().map(|v| value_words("", v, names)).collect::<Vec<_>>().join(", "),
        (_, number) => number.to_string(),
    }
}

/// A score in words: points with a decimal comma, Đạt / Chưa đạt, numerator/denominator.
fn score_words(value: &serde_json::Value) -> String {
    match serde_json::from_value::<Answer>(value.clone()) {
        Ok(Answer::Points(points)) => points.to_string(),
        Ok(Answer::Met(true)) => "Đạt".to_string(),
        Ok(Answer::Met(false)) => "Chưa đạt".to_string(),
        Ok(Answer::Share { numerator, denominator }) => format!("{numerator}/{denominator}"),
        Err(_) => value.to_string(),
    }
}

/// The values an operation writes, by field (`score:<code>` for a score).
fn values(body: &OpBody) -> Vec<(String, serde_json::Value)> {
    match body {
        OpBody::SetFields { fields } => fields.iter().map(|f| (f.field.clone(), f.value.clone())).collect(),
        OpBody::SetScore { indicator, answer, .. } => vec![(
            format!("{SCORE_FIELD_PREFIX}{indicator}"),
            serde_json::to_value(answer).unwrap_or(serde_json::Value::Null),
        )],
        _ => Vec::new(),
    }
}

/// The page of `events` that ends before `before` (the end when absent), at most
/// `limit` long (1 to [`MAX_PAGE`]).
pub fn page(record: &RecordId, mut events: Vec<HistoryEvent>, before: Option<usize>, limit: usize) -> RecordHistory {
    let total = events.len();
    let end = before.unwrap_or(total).min(total);
    let start = end.saturating_sub(limit.clamp(1, MAX_PAGE));
    events.truncate(end);
    let events = events.split_off(start);
    RecordHistory { record: record.clone(), total, earlier: (start > 0).then_some(start), events }
}
