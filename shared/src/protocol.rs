//! The sync protocol's wire types, version 1, and the first of version 2 (the counted
//! push answer, [`PushCounted`]). Devices stay offline for weeks, so every payload shape
//! a device may still hold is pinned as a fixture under `tests/data/wire/v1/` or `v2/`
//! and must keep decoding. A change that breaks a fixture needs a new protocol version,
//! not an edit.
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

/// The longest record id the server accepts; ids are 1 to this many characters of
/// `A-Z a-z 0-9 . _ : -`.
pub const MAX_RECORD_ID_CHARS: usize = 100;

/// Whether an id (of an operation, a device or a record) is one the server accepts:
/// 1 to [`MAX_RECORD_ID_CHARS`] characters of `A-Z a-z 0-9 . _ : -`, what devices mint.
/// Ids are keys of the log's indexes; anything else (a NUL byte would make one record's
/// keys a prefix of another's) is refused.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_RECORD_ID_CHARS
        && id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-'))
}

/// The id of the evaluation of `subject` under the criteria set `set` for `year`
/// (một phiếu cho mỗi đối tượng, bộ tiêu chí và năm). Every device computes the same id,
/// so two devices that start the same evaluation offline write one record: their
/// fields agree, and differing scores become that record's conflict.
///
/// The id reads `<set>:<year>:<subject kind>:<subject id>` (`cdht-244-2022:2026:person:
/// 0193…`); a set id holds no `:` so the parts are unambiguous. When that would not be
/// a valid record id (too long, or a character the server refuses), it is `x.` and 32
/// hex digits of two FNV-1a hashes of that text (a set id holds no `.`, so the two forms
/// never meet).
pub fn evaluation_id(subject: &RecordId, set: &str, year: i32) -> String {
    let readable = format!("{set}:{year}:{subject}");
    let set_ok = !set.is_empty() && set.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if set_ok && is_valid_id(&readable) {
        return readable;
    }
    let fnv = |bytes: &mut dyn Iterator<Item = u8>, basis: u64| {
        bytes.fold(basis, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    };
    let forward = fnv(&mut readable.bytes(), 0xcbf2_9ce4_8422_2325);
    let backward = fnv(&mut readable.bytes().rev(), 0x6c62_272e_07bb_0142);
    format!("x.{forward:016x}{backward:016x}")
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
    /// Who proposed it ("Theo đề nghị của …"), e.g. `Chi hội Khuyến học thôn Đông Hạ`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposer: Option<String>,
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

impl PushResponse {
    /// The same answer, counted: what a push with `?ack=count` is sent.
    pub fn counted(self) -> PushCounted {
        PushCounted {
            accepted: self.accepted.len() as u64,
            duplicates: self.duplicates,
            rejected: self.rejected,
            server_ms: self.server_ms,
        }
    }
}

/// The server's answer to a push with `?ack=count`, and the push answer of protocol
/// version 2: the operations newly stored are counted, not listed, since for a full
/// batch their ids are most of the answer's bytes. Every operation sent is exactly one
/// of: accepted (counted), a duplicate or rejected (both listed), so
/// `accepted + duplicates + rejected` is the number of operations sent. Sent only once
/// the accepted operations are durable.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PushCounted {
    /// How many operations were newly stored: those sent and listed in neither
    /// `duplicates` nor `rejected`.
    pub accepted: u64,
    /// Already stored earlier (a retried batch): nothing changed.
    pub duplicates: Vec<String>,
    /// Refused, each with why, as in a `PushResponse`.
    pub rejected: Vec<Rejection>,
    /// The server's clock when it answered (ms since the epoch), so a device can tell
    /// whether its own clock is right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_ms: Option<i64>,
}

impl PushCounted {
    /// What the answer says of each operation of `sent` (the ids of the batch, in the
    /// order sent): the ids it lists stay as listed, and the rest are the accepted ones —
    /// but only when their number is the count the server gave. When it is not, the
    /// answer cannot say which of them were stored, so none is called accepted: a device
    /// keeps them and sends them again, and the server answers a stored one as a
    /// duplicate. An operation is never taken as stored unless the answer accounts for
    /// it.
    pub fn per_op(self, sent: &[String]) -> PushResponse {
        let listed: std::collections::BTreeSet<&str> =
            self.duplicates.iter().map(String::as_str).chain(self.rejected.iter().map(|r| r.op.as_str())).collect();
        let unlisted: Vec<String> = sent.iter().filter(|id| !listed.contains(id.as_str())).cloned().collect();
        let answered = self.accepted.saturating_add((self.duplicates.len() + self.rejected.len()) as u64);
        let accounted = unlisted.len() as u64 == self.accepted && answered == sent.len() as u64;
        let accepted = if accounted { unlisted } else { Vec::new() };
        PushResponse { accepted, duplicates: self.duplicates, rejected: self.rejected, server_ms: self.server_ms }
    }
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

#[cfg(test)]
mod tests {
    use super::{evaluation_id, PushCounted, PushResponse, RecordId, RecordKind, Rejection, MAX_RECORD_ID_CHARS};

    fn ids(ids: &[&str]) -> Vec<String> {
        ids.iter().map(|id| id.to_string()).collect()
    }

    fn refused(op: &str, code: &str) -> Rejection {
        Rejection { op: op.to_string(), code: code.to_string(), message: "lý do".to_string() }
    }

    /// What a device makes of a counted answer to the batch `sent`.
    #[track_caller]
    fn check_per_op(sent: &[&str], answer: PushCounted, accepted: &[&str]) {
        let duplicates = answer.duplicates.clone();
        let rejected = answer.rejected.clone();
        let per_op = answer.per_op(&ids(sent));
        assert_eq!(per_op.accepted, ids(accepted));
        // The lists pass through as the server gave them.
        assert_eq!((per_op.duplicates, per_op.rejected), (duplicates, rejected));
    }

    #[test]
    fn a_counted_answer_is_the_listed_answer_less_the_accepted_ids() {
        let full = PushResponse {
            accepted: ids(&["a", "c"]),
            duplicates: ids(&["b"]),
            rejected: vec![refused("d", "record_locked")],
            server_ms: Some(7),
        };
        let counted = full.clone().counted();
        assert_eq!(counted.accepted, 2);
        // Read back against the batch sent, it says what the full answer says.
        assert_eq!(counted.per_op(&ids(&["a", "b", "c", "d"])), full);
    }

    #[test]
    fn what_is_sent_and_not_listed_was_accepted() {
        let answer = |accepted, duplicates: &[&str], rejected: Vec<Rejection>| PushCounted {
            accepted,
            duplicates: ids(duplicates),
            rejected,
            server_ms: Some(1),
        };
        // All new; a retried batch (all duplicates); a refusal; a mix.
        check_per_op(&["a", "b", "c"], answer(3, &[], vec![]), &["a", "b", "c"]);
        check_per_op(&["a", "b", "c"], answer(0, &["a", "b", "c"], vec![]), &[]);
        check_per_op(&["a", "b"], answer(1, &[], vec![refused("a", "clock_skew")]), &["b"]);
        check_per_op(&["a", "b", "c", "d"], answer(2, &["c"], vec![refused("a", "forbidden")]), &["b", "d"]);
        check_per_op(&[], answer(0, &[], vec![]), &[]);
    }

    #[test]
    fn an_answer_that_does_not_account_for_the_batch_confirms_nothing_unlisted() {
        let answer = |accepted, duplicates: &[&str]| PushCounted {
            accepted,
            duplicates: ids(duplicates),
            rejected: vec![],
            server_ms: None,
        };
        // Counts more or fewer than were sent and not listed: the unlisted stay unsent,
        // and what was listed is still settled as listed.
        check_per_op(&["a", "b", "c"], answer(1, &["a"]), &[]);
        check_per_op(&["a", "b", "c"], answer(3, &["a"]), &[]);
        check_per_op(&["a", "b"], answer(u64::MAX, &[]), &[]);
        // Lists an operation that was not sent: the answer is of another batch.
        check_per_op(&["a", "b"], answer(2, &["z"]), &[]);
        // The same operation sent twice in a batch: the second is a duplicate of the
        // first, so the count cannot name which; the duplicate settles it anyway.
        check_per_op(&["a", "a"], answer(1, &["a"]), &[]);
    }

    #[track_caller]
    fn check(kind: RecordKind, subject: &str, set: &str, year: i32, expect: &str) {
        let subject = RecordId { kind, id: subject.to_string() };
        let id = evaluation_id(&subject, set, year);
        assert_eq!(id, expect);
        // Always an id the server accepts, and the same on every call.
        assert!((1..=MAX_RECORD_ID_CHARS).contains(&id.len()), "{id}");
        assert!(id.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | ':' | '-')), "{id}");
        assert_eq!(evaluation_id(&subject, set, year), id);
    }

    #[test]
    fn an_evaluation_id_is_its_set_year_and_subject() {
        let uuid = "0193b4c2-8001-7000-8000-0000000000a1";
        check(
            RecordKind::Person,
            uuid,
            "cdht-244-2022",
            2026,
            "cdht-244-2022:2026:person:0193b4c2-8001-7000-8000-0000000000a1",
        );
        check(
            RecordKind::Household,
            uuid,
            "gdht-244-2022",
            2025,
            "gdht-244-2022:2025:household:0193b4c2-8001-7000-8000-0000000000a1",
        );
        check(RecordKind::Hamlet, "thon-1", "cdht-244-2022", 2026, "cdht-244-2022:2026:hamlet:thon-1");
        // Too long, or not an id the server accepts: a hash of the same text.
        check(RecordKind::Person, &"a".repeat(90), "cdht-244-2022", 2026, "x.b7ed68bef989683fb1d4243e093f3184");
        check(RecordKind::Person, "người", "cdht-244-2022", 2026, "x.19ac0679df35d75e1305d13a4e47f227");
        check(RecordKind::Person, uuid, "Bộ:1", 2026, "x.4d915c53504415145b8ec2f23003ec01");
    }

    #[test]
    fn evaluation_ids_differ_by_set_year_and_subject() {
        let p = |kind, id: &str| RecordId { kind, id: id.to_string() };
        let ids = [
            evaluation_id(&p(RecordKind::Person, "a"), "cdht-244-2022", 2026),
            evaluation_id(&p(RecordKind::Person, "a"), "cdht-244-2022", 2025),
            evaluation_id(&p(RecordKind::Person, "a"), "gdht-244-2022", 2026),
            evaluation_id(&p(RecordKind::Person, "b"), "cdht-244-2022", 2026),
            evaluation_id(&p(RecordKind::Household, "a"), "cdht-244-2022", 2026),
            evaluation_id(&p(RecordKind::Person, &"a".repeat(90)), "cdht-244-2022", 2026),
            evaluation_id(&p(RecordKind::Person, &"a".repeat(91)), "cdht-244-2022", 2026),
        ];
        let distinct: std::collections::BTreeSet<&String> = ids.iter().collect();
        assert_eq!(distinct.len(), ids.len(), "{ids:?}");
    }
}
