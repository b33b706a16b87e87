//! Deriving the current state of records from their operations.
//!
//! The laws, checked by the `prop_merge_*` property tests:
//!
//! 1. **A state is a function of a set.** [`OpSet`] is a set of operations keyed by id;
//!    merging two sets is their union, which is commutative, associative and
//!    idempotent. The view of a record depends only on which operations are in the
//!    set, never on the order they arrived in or on duplicates.
//! 2. **Nothing is dropped.** A field holds every value not superseded by an edit that
//!    saw it (a multi-value register): concurrent edits of one field by different
//!    devices stay side by side as a conflict until an edit whose `base` names them
//!    all resolves it. An operation the rules refuse (an edit of a locked record, a
//!    workflow step that does not apply) is listed in `refused` with its reason. Every
//!    earlier value stays in the log ([`field_history`]).
//! 3. **Deterministic tie-breaks.** Where order matters (workflow steps, locking,
//!    evidence detach), operations are taken in hybrid-logical-clock order, then by id.
//!    Conflict candidates are sorted the same way.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::hlc::Hlc;
use crate::protocol::{Decision, OpBody, Operation, RecordId, RecordKind, Transition};

/// The prefix of score fields: the score of indicator `2.1` is the field `score:2.1`.
pub const SCORE_FIELD_PREFIX: &str = "score:";

/// A set of operations, keyed by id.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpSet {
    ops: BTreeMap<String, Operation>,
}

/// What inserting an operation did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New,
    /// The same operation was already there.
    Duplicate,
    /// Another operation with the same id but different content was there. The one
    /// whose canonical JSON sorts first is kept, so every replica keeps the same.
    IdClash,
}

impl OpSet {
    pub fn new() -> OpSet {
        OpSet::default()
    }

    pub fn len(&self) -> usize {
        self.ops.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }

    pub fn get(&self, id: &str) -> Option<&Operation> {
        self.ops.get(id)
    }

    pub fn iter(&self) -> impl Iterator<Item = &Operation> {
        self.ops.values()
    }

    pub fn insert(&mut self, op: Operation) -> Inserted {
        match self.ops.get(&op.id) {
            None => {
                self.ops.insert(op.id.clone(), op);
                Inserted::New
            }
            Some(existing) if *existing == op => Inserted::Duplicate,
            Some(existing) => {
                if canonical(&op) < canonical(existing) {
                    self.ops.insert(op.id.clone(), op);
                }
                Inserted::IdClash
            }
        }
    }

    /// The union of two sets.
    pub fn merge(&mut self, other: &OpSet) {
        for op in other.ops.values() {
            self.insert(op.clone());
        }
    }

    /// The view of every record.
    pub fn views(&self) -> BTreeMap<RecordId, RecordView> {
        let mut by_record: BTreeMap<&RecordId, Vec<&Operation>> = BTreeMap::new();
        for op in self.ops.values() {
            by_record.entry(&op.record).or_default().push(op);
        }
        by_record.into_iter().map(|(id, ops)| (id.clone(), view(id, ops))).collect()
    }
}

impl FromIterator<Operation> for OpSet {
    fn from_iter<I: IntoIterator<Item = Operation>>(iter: I) -> OpSet {
        let mut set = OpSet::new();
        for op in iter {
            set.insert(op);
        }
        set
    }
}

fn canonical(op: &Operation) -> String {
    serde_json::to_string(op).unwrap_or_default()
}

/// Where an evaluation is in the review workflow.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Status {
    /// Nháp
    #[default]
    Draft,
    /// Đã gửi duyệt
    Submitted,
    /// Bị trả lại
    Returned,
    /// Đã duyệt
    Approved,
    /// Đã công nhận (locked)
    Recognised,
}

impl Status {
    pub fn title(self) -> &'static str {
        match self {
            Status::Draft => "nháp",
            Status::Submitted => "đã gửi duyệt",
            Status::Returned => "bị trả lại",
            Status::Approved => "đã duyệt",
            Status::Recognised => "đã công nhận",
        }
    }

    /// The status after `transition`, or `None` when it does not apply from here.
    pub fn after(self, transition: &Transition) -> Option<Status> {
        match (self, transition) {
            (Status::Draft | Status::Returned, Transition::Submit) => Some(Status::Submitted),
            (Status::Submitted | Status::Approved, Transition::Return { .. }) => Some(Status::Returned),
            (Status::Submitted, Transition::Approve) => Some(Status::Approved),
            (Status::Approved, Transition::Recognise { .. }) => Some(Status::Recognised),
            (Status::Recognised, Transition::Reopen { .. }) => Some(Status::Returned),
            _ => None,
        }
    }
}

/// The Vietnamese verb of a workflow step (`duyệt`, `công nhận` …), for messages.
pub fn transition_title(transition: &Transition) -> &'static str {
    match transition {
        Transition::Submit => "gửi duyệt",
        Transition::Return { .. } => "trả lại",
        Transition::Approve => "duyệt",
        Transition::Recognise { .. } => "công nhận",
        Transition::Reopen { .. } => "mở lại",
    }
}

/// The derived state of one record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub record: RecordId,
    /// The unit of the latest operation.
    pub unit: String,
    pub fields: BTreeMap<String, FieldView>,
    /// Evidence attached, by indicator, sorted by hash.
    pub evidence: BTreeMap<String, Vec<EvidenceRef>>,
    pub status: Status,
    /// The comment of the latest return or reopening, while the record is returned.
    pub comment: Option<String>,
    pub decision: Option<Decision>,
    /// Workflow steps that were applied, in order.
    pub history: Vec<HistoryEntry>,
    /// Operations the rules refused, with why. They stay in the log.
    pub refused: Vec<Refused>,
    /// The latest timestamp among the record's operations.
    pub last: Hlc,
}

impl RecordView {
    /// The value of a field when it has exactly one.
    pub fn value(&self, field: &str) -> Option<&serde_json::Value> {
        self.fields.get(field).and_then(|f| f.value.as_ref())
    }

    /// Fields whose concurrent values wait for a reviewer.
    pub fn conflicts(&self) -> impl Iterator<Item = (&String, &FieldView)> {
        self.fields.iter().filter(|(_, f)| f.is_conflict())
    }

    pub fn is_locked(&self) -> bool {
        self.status == Status::Recognised
    }
}

/// A field: its value, or the competing values of a conflict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldView {
    /// `Some` when all current candidates agree.
    pub value: Option<serde_json::Value>,
    /// Every current (not superseded) edit, in timestamp order. More than one distinct
    /// value is a conflict; resolve it with an edit whose `base` lists all their ops.
    pub candidates: Vec<Candidate>,
}

impl FieldView {
    pub fn is_conflict(&self) -> bool {
        self.value.is_none() && self.candidates.len() > 1
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub op: String,
    pub device: String,
    pub hlc: Hlc,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EvidenceRef {
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    pub name: Option<String>,
    pub op: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HistoryEntry {
    pub op: String,
    pub device: String,
    pub hlc: Hlc,
    pub transition: Transition,
    pub status: Status,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Refused {
    pub op: String,
    /// Stable: `record_locked`, `invalid_transition`, `invalid_operation`.
    pub code: String,
    /// Vietnamese.
    pub message: String,
}

/// Checks what an operation says about itself, before any state is involved: ids and
/// names present, workflow and scores only on evaluations, comments and decision
/// numbers not empty. `Err` carries a Vietnamese message.
pub fn validate(op: &Operation) -> Result<(), String> {
    if op.id.trim().is_empty() || op.device.trim().is_empty() || op.record.id.trim().is_empty() {
        return Err("thao tác thiếu mã thao tác, mã thiết bị hoặc mã hồ sơ".to_string());
    }
    if op.hlc.device != op.device {
        return Err("dấu thời gian không thuộc thiết bị gửi".to_string());
    }
    if op.unit.trim().is_empty() {
        return Err("thao tác thiếu đơn vị của hồ sơ".to_string());
    }
    let evaluation_only = |what: &str| {
        if op.record.kind == RecordKind::Evaluation {
            Ok(())
        } else {
            Err(format!("{what} chỉ áp dụng cho phiếu đánh giá"))
        }
    };
    match &op.body {
        OpBody::SetFields { fields } => {
            if fields.is_empty() {
                return Err("thao tác sửa không có trường nào".to_string());
            }
            let mut seen = BTreeSet::new();
            for edit in fields {
                if edit.field.trim().is_empty() || edit.field.starts_with(SCORE_FIELD_PREFIX) {
                    return Err(format!("tên trường {:?} không hợp lệ", edit.field));
                }
                if !seen.insert(&edit.field) {
                    return Err(format!("trường {:?} được sửa hai lần trong một thao tác", edit.field));
                }
            }
            Ok(())
        }
        OpBody::SetScore { indicator, .. } => {
            if indicator.trim().is_empty() {
                return Err("thiếu mã chỉ số".to_string());
            }
            evaluation_only("chấm điểm")
        }
        OpBody::AttachEvidence { indicator, sha256, .. } | OpBody::DetachEvidence { indicator, sha256 } => {
            if indicator.trim().is_empty() {
                return Err("thiếu mã chỉ số của minh chứng".to_string());
            }
            if sha256.len() != 64 || !sha256.chars().all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()) {
                return Err("mã SHA-256 của minh chứng không hợp lệ".to_string());
            }
            evaluation_only("minh chứng")
        }
        OpBody::Transition { transition } => {
            match transition {
                Transition::Return { comment } if comment.trim().is_empty() => {
                    return Err("trả lại hồ sơ cần ghi rõ nội dung cần sửa".to_string())
                }
                Transition::Reopen { reason } if reason.trim().is_empty() => {
                    return Err("mở lại hồ sơ cần ghi rõ lý do".to_string())
                }
                Transition::Recognise { decision }
                    if decision.number.trim().is_empty() || decision.authority.trim().is_empty() =>
                {
                    return Err("quyết định công nhận cần số quyết định và cơ quan ban hành".to_string())
                }
                Transition::Recognise { decision }
                    if decision.override_reason.as_ref().is_some_and(|reason| reason.trim().is_empty()) =>
                {
                    return Err("công nhận ngoại lệ cần ghi rõ lý do".to_string())
                }
                _ => {}
            }
            evaluation_only("quy trình duyệt")
        }
    }
}

/// One field edit, as the merge sees it.
struct Edit<'a> {
    op: &'a Operation,
    value: serde_json::Value,
    base: &'a [String],
}

/// The view of one record from its operations (in any order, duplicates allowed).
pub fn view<'a>(record: &RecordId, ops: impl IntoIterator<Item = &'a Operation>) -> RecordView {
    // Dedupe by id, then take everything in (hlc, id) order.
    let mut unique: BTreeMap<&str, &Operation> = BTreeMap::new();
    for op in ops {
        match unique.get(op.id.as_str()) {
            Some(existing) if canonical(existing) <= canonical(op) => {}
            _ => {
                unique.insert(op.id.as_str(), op);
            }
        }
    }
    let mut ordered: Vec<&Operation> = unique.into_values().collect();
    ordered.sort_by(|a, b| (&a.hlc, &a.id).cmp(&(&b.hlc, &b.id)));

    let mut refused = Vec::new();
    let mut history = Vec::new();
    let mut status = Status::Draft;
    let mut comment = None;
    let mut decision = None;
    let mut edits: BTreeMap<String, Vec<Edit>> = BTreeMap::new();
    let mut attached: BTreeMap<(String, String), &Operation> = BTreeMap::new();

    // One pass in timestamp order: workflow steps move the status; edits made while
    // the record is recognised are refused; the rest are collected per field.
    for op in &ordered {
        if let Err(message) = validate(op) {
            refused.push(Refused { op: op.id.clone(), code: "invalid_operation".to_string(), message });
            continue;
        }
        if let OpBody::Transition { transition } = &op.body {
            match status.after(transition) {
                Some(next) => {
                    status = next;
                    match transition {
                        Transition::Return { comment: c } | Transition::Reopen { reason: c } => {
                            comment = Some(c.clone())
                        }
                        Transition::Submit => comment = None,
                        Transition::Recognise { decision: d } => decision = Some(d.clone()),
                        Transition::Approve => {}
                    }
                    history.push(HistoryEntry {
                        op: op.id.clone(),
                        device: op.device.clone(),
                        hlc: op.hlc.clone(),
                        transition: transition.clone(),
                        status: next,
                    });
                }
                None => refused.push(Refused {
                    op: op.id.clone(),
                    code: "invalid_transition".to_string(),
                    message: format!(
                        "Không thể {} khi hồ sơ đang ở trạng thái {}",
                        transition_title(transition),
                        status.title()
                    ),
                }),
            }
            continue;
        }
        if status == Status::Recognised {
            refused.push(Refused {
                op: op.id.clone(),
                code: "record_locked".to_string(),
                message: "Hồ sơ đã được công nhận nên bị khóa; cần lãnh đạo mở lại trước khi sửa".to_string(),
            });
            continue;
        }
        match &op.body {
            OpBody::SetFields { fields } => {
                for edit in fields {
                    edits.entry(edit.field.clone()).or_default().push(Edit {
                        op,
                        value: edit.value.clone(),
                        base: &edit.base,
                    });
                }
            }
            OpBody::SetScore { indicator, answer, base } => {
                let value = serde_json::to_value(answer).unwrap_or(serde_json::Value::Null);
                edits.entry(format!("{SCORE_FIELD_PREFIX}{indicator}")).or_default().push(Edit { op, value, base });
            }
            OpBody::AttachEvidence { indicator, sha256, .. } => {
                attached.insert((indicator.clone(), sha256.clone()), op);
            }
            OpBody::DetachEvidence { indicator, sha256 } => {
                // Removes the attachment made before it; a later attach adds it again.
                attached.remove(&(indicator.clone(), sha256.clone()));
            }
            OpBody::Transition { .. } => {}
        }
    }

    let fields = edits.into_iter().map(|(name, edits)| (name, field_view(&edits))).collect();
    let mut evidence: BTreeMap<String, Vec<EvidenceRef>> = BTreeMap::new();
    for ((indicator, _), op) in attached {
        if let OpBody::AttachEvidence { sha256, media_type, size, name, .. } = &op.body {
            evidence.entry(indicator).or_default().push(EvidenceRef {
                sha256: sha256.clone(),
                media_type: media_type.clone(),
                size: *size,
                name: name.clone(),
                op: op.id.clone(),
            });
        }
    }
    let last = ordered.last().map(|op| op.hlc.clone()).unwrap_or_else(|| Hlc::zero(""));
    let unit = ordered.last().map(|op| op.unit.clone()).unwrap_or_default();
    RecordView { record: record.clone(), unit, fields, evidence, status, comment, decision, history, refused, last }
}

/// The current values of one field: every edit no other edit of the field supersedes.
fn field_view(edits: &[Edit]) -> FieldView {
    let superseded: BTreeSet<&str> = edits.iter().flat_map(|e| e.base.iter().map(String::as_str)).collect();
    let candidates: Vec<Candidate> = edits
        .iter()
        .filter(|e| !superseded.contains(e.op.id.as_str()))
        .map(|e| Candidate {
            op: e.op.id.clone(),
            device: e.op.device.clone(),
            hlc: e.op.hlc.clone(),
            value: e.value.clone(),
        })
        .collect();
    let distinct: BTreeSet<String> = candidates.iter().map(|c| c.value.to_string()).collect();
    let value = match distinct.len() {
        1 => candidates.first().map(|c| c.value.clone()),
        _ => None,
    };
    FieldView { value, candidates }
}

/// Every value a field ever had, in timestamp order: nothing is lost, even after a
/// conflict is resolved or a value overwritten.
pub fn field_history<'a>(ops: impl IntoIterator<Item = &'a Operation>, field: &str) -> Vec<Candidate> {
    let mut seen = BTreeSet::new();
    let mut history: Vec<Candidate> = Vec::new();
    for op in ops {
        if !seen.insert(op.id.clone()) {
            continue;
        }
        let value = match &op.body {
            OpBody::SetFields { fields } => fields.iter().find(|f| f.field == field).map(|f| f.value.clone()),
            OpBody::SetScore { indicator, answer, .. } if field == format!("{SCORE_FIELD_PREFIX}{indicator}") => {
                serde_json::to_value(answer).ok()
            }
            _ => None,
        };
        if let Some(value) = value {
            history.push(Candidate { op: op.id.clone(), device: op.device.clone(), hlc: op.hlc.clone(), value });
        }
    }
    history.sort_by(|a, b| (&a.hlc, &a.op).cmp(&(&b.hlc, &b.op)));
    history
}
