//! The sync protocol's wire types, version 1. Devices stay offline for weeks, so every
//! payload shape a device may still hold is pinned as a fixture under
//! `tests/data/wire/v1/` and must keep decoding. A change that breaks a fixture needs a
//! new protocol version, not an edit.
//!
//! A device records what an officer does as [`Operation`]s, pushes them in batches, and
//! pulls everyone else's operations in its scope after a cursor. The state of a record
//! is derived from its operations by [`crate::merge`], the same code on both sides.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::hlc::Hlc;
use crate::scoring::Answer;

/// The protocol version this build speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// The most operations one push may carry.
pub const MAX_OPS_PER_PUSH: usize = 1_000;

/// The most operations one pull page returns.
pub const MAX_PULL_PAGE: usize = 1_000;

/// What a record is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RecordKind {
    /// Người dân
    Person,
    /// Hộ gia đình
    Household,
    /// Dòng họ, chi họ
    Clan,
    /// Cơ quan, đơn vị, trường học
    Unit,
    /// Thôn, ấp, bản, tổ dân phố (registered by the commune; ids minted by devices)
    Hamlet,
    /// Phiếu đánh giá: one subject, one criteria set, one year
    Evaluation,
}

/// A record's identity: its kind and an id minted by the device that created it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordId {
    pub kind: RecordKind,
    pub id: String,
}

impl fmt::Display for RecordId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind =
            serde_json::to_value(self.kind).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
        write!(f, "{kind}:{}", self.id)
    }
}

/// One thing an officer did, recorded on a device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Operation {
    /// Globally unique, minted by the device (a UUID). Pushing the same id twice
    /// changes nothing.
    pub id: String,
    pub device: String,
    pub hlc: Hlc,
    pub record: RecordId,
    /// The unit the record belongs to (a hamlet, a commune …): decides who may see and
    /// change it.
    pub unit: String,
    pub body: OpBody,
}

/// What the operation does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum OpBody {
    /// Sets fields of a record (creating it if new). `base` lists, per field, the
    /// operations whose values the device saw as current when the officer edited: the
    /// version the edit was based on. Values the device had not seen stay alongside
    /// as a conflict.
    SetFields { fields: Vec<FieldEdit> },
    /// Scores one indicator of an evaluation (a field named `score:<code>`).
    SetScore { indicator: String, answer: Answer, base: Vec<String> },
    /// Attaches a stored evidence file (minh chứng) to an indicator.
    AttachEvidence { indicator: String, sha256: String, media_type: String, size: u64, name: Option<String> },
    /// Detaches evidence attached earlier.
    DetachEvidence { indicator: String, sha256: String },
    /// Moves an evaluation through the review workflow.
    Transition { transition: Transition },
}

/// The field that makes a `set_fields` a move: its value is the unit the record is
/// leaving, as the device saw it, and the operation names the unit it goes to. Any
/// other operation names the record's own unit.
pub const MOVED_FROM_FIELD: &str = "moved_from";

/// A new value for one field, and the operations it supersedes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldEdit {
    pub field: String,
    pub value: serde_json::Value,
    #[serde(default)]
    pub base: Vec<String>,
}

/// The review workflow: draft → submitted → returned (with a comment) or approved →
/// recognised; an approver may reopen a recognised record for correction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Transition {
    /// Gửi duyệt
    Submit,
    /// Trả lại để sửa, with what to correct
    Return { comment: String },
    /// Duyệt
    Approve,
    /// Công nhận: a formal decision
    Recognise { decision: Decision },
    /// Mở lại: an approver unlocks a recognised record
    Reopen { reason: String },
}

/// A recognition decision (quyết định công nhận).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = RecognitionDecision))]
pub struct Decision {
    /// Number and symbol, e.g. `15/QĐ-UBND`.
    pub number: String,
    pub date: Date,
    /// Who signed it, e.g. `Ủy ban nhân dân xã Cửu An`.
    pub authority: String,
    /// Why the title is granted although the criteria set's rules do not grant it
    /// (công nhận ngoại lệ). Without it the server recognises only an evaluation that
    /// its own scoring recognises; with it the reason is shown on the record, in its
    /// history and in the decision's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
}

/// A batch of operations from one device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushRequest {
    pub protocol: u32,
    pub device: String,
    pub ops: Vec<Operation>,
}

/// The server's answer to a push, sent only once the accepted operations are durable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushResponse {
    /// Newly stored.
    pub accepted: Vec<String>,
    /// Already stored earlier (a retried batch): nothing changed.
    pub duplicates: Vec<String>,
    /// Refused, each with why; the device keeps them and shows them to the officer,
    /// except `clock_skew`: those stay in the outbox, to be stamped again once the
    /// device's clock is right.
    pub rejected: Vec<Rejection>,
    /// The server's clock when it answered (ms since the epoch), so a device can tell
    /// whether its own clock is right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_ms: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rejection {
    pub op: String,
    /// Stable: `op_id_reused`, `invalid_operation`, `unknown_unit`, `forbidden`,
    /// `clock_skew`, `record_locked`, `invalid_transition`, `incomplete_evaluation`,
    /// `not_eligible`, `evidence_missing`.
    pub code: String,
    pub message: String,
}

/// One page of operations after a cursor.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PullResponse {
    pub protocol: u32,
    pub ops: Vec<Operation>,
    /// Pass back as `after` to get the next page; unchanged when nothing new.
    pub cursor: u64,
    /// Whether more pages follow.
    pub more: bool,
}
