//! Closing a hamlet (thôn, tổ dân phố): merging it into another hamlet of the same
//! commune (sáp nhập thôn), or archiving it when it no longer exists (giải thể). As for
//! the communes of the 2025 reform, the closed hamlet stays a unit with its history:
//! its unit gets the last day it existed, the hamlet it went into names it as a
//! predecessor, and what was recognised under it stays there, so its reports of the
//! years before read as they did. What the hamlet's officers still work on moves: its
//! households, people and clans (those still on the register) and the evaluations not
//! yet recognised of the year of the merger and later go to the hamlet it merged into,
//! each as an ordinary move in the log.
//!
//! On the hamlet's record (kind `hamlet`) two fields say it, set only by the server
//! after its checks: `closed_on` (`YYYY-MM-DD`, the day the decision takes effect; the
//! unit's last day is the day before) and `merged_into` (the unit id of the hamlet it
//! went into, absent for an archived hamlet).

use serde::{Deserialize, Serialize};

use crate::archive::{is_deleted, LEFT_FIELD};
use crate::date::Date;
use crate::merge::{RecordView, Status};
use crate::protocol::{RecordId, RecordKind};

/// The field of a hamlet's record: the day the hamlet stopped existing as itself.
pub const CLOSED_ON_FIELD: &str = "closed_on";
/// The field of a hamlet's record: the unit id of the hamlet it merged into.
pub const MERGED_INTO_FIELD: &str = "merged_into";

/// What a commune asks: close the hamlet from `on`, merging it into `merged_into` when
/// given. With `dry_run` nothing is written and the answer says what would move.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CloseHamlet {
    /// The day the decision takes effect (`YYYY-MM-DD`).
    pub on: Date,
    /// The unit id (`hamlet:…`) of a current hamlet of the same commune.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    #[serde(default)]
    pub dry_run: bool,
}

/// How many records of each kind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordCounts {
    pub households: usize,
    pub people: usize,
    pub clans: usize,
    pub evaluations: usize,
}

impl RecordCounts {
    pub fn total(&self) -> usize {
        self.households + self.people + self.clans + self.evaluations
    }

    /// "3 hộ, 12 người, 1 dòng họ, 4 phiếu đánh giá"; "không có hồ sơ nào" when empty.
    pub fn words(&self) -> String {
        let parts: Vec<String> = [
            (self.households, "hộ"),
            (self.people, "người"),
            (self.clans, "dòng họ"),
            (self.evaluations, "phiếu đánh giá"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        if parts.is_empty() {
            "không có hồ sơ nào".to_string()
        } else {
            parts.join(", ")
        }
    }

    fn add(&mut self, kind: RecordKind) {
        match kind {
            RecordKind::Household => self.households += 1,
            RecordKind::Person => self.people += 1,
            RecordKind::Clan => self.clans += 1,
            RecordKind::Evaluation => self.evaluations += 1,
            RecordKind::Unit | RecordKind::Hamlet => {}
        }
    }
}

/// A record the server refused to move, with the reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NotMoved {
    /// The record's name as the register shows it.
    pub name: String,
    pub message: String,
}

/// A hamlet the closed one may merge into.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HamletChoice {
    /// The unit id, `hamlet:…`.
    pub unit: String,
    /// The full name, `Thôn Bình`.
    pub name: String,
}

/// The answer: what moved (or would move), what stays as the hamlet's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HamletClosed {
    /// The closed hamlet's full name (`Thôn Đông Hạ`).
    pub hamlet: String,
    /// The full name of the hamlet it merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<String>,
    pub on: Date,
    pub dry_run: bool,
    /// The hamlet is closed now (not with `dry_run`, nor while a record was refused).
    pub closed: bool,
    /// Moved to the hamlet it merged into (with `dry_run`: would be).
    pub moved: RecordCounts,
    /// Staying with the closed hamlet as its history (recognised, earlier years, left
    /// the register, deleted).
    pub kept: RecordCounts,
    /// Refused by the server's rules, each with its reason (the hamlet is not closed
    /// while any is left: move or settle them, then close it again).
    pub refused: Vec<NotMoved>,
    /// The current hamlets of the commune it may merge into, by name.
    pub candidates: Vec<HamletChoice>,
}

/// Which of a hamlet's records move when it closes on `on`, and which stay as its
/// history: subjects still on the register move; evaluations move unless recognised,
/// deleted, or of a year before the merger's. `views` are the records whose unit is the
/// hamlet.
pub fn moves(views: &[RecordView], on: Date) -> (Vec<&RecordView>, RecordCounts) {
    let mut moving = Vec::new();
    let mut kept = RecordCounts::default();
    for view in views {
        let goes = match view.record.kind {
            RecordKind::Household | RecordKind::Person | RecordKind::Clan => {
                view.value(LEFT_FIELD).is_none_or(serde_json::Value::is_null)
            }
            RecordKind::Evaluation => {
                let year = view.value("year").and_then(serde_json::Value::as_i64).unwrap_or(i64::MIN);
                view.status != Status::Recognised && !is_deleted(view) && year >= i64::from(on.year())
            }
            RecordKind::Unit | RecordKind::Hamlet => false,
        };
        if goes {
            moving.push(view);
        } else {
            kept.add(view.record.kind);
        }
    }
    // Subjects before their evaluations, households before their members: what a device
    // receives first is what the next refers to.
    moving.sort_by_key(|view| {
        let rank = match view.record.kind {
            RecordKind::Clan => 0,
            RecordKind::Household => 1,
            RecordKind::Person => 2,
            _ => 3,
        };
        (rank, view.record.id.clone())
    });
    (moving, kept)
}

/// Counts records by kind.
pub fn count<'a>(records: impl IntoIterator<Item = &'a RecordId>) -> RecordCounts {
    let mut counts = RecordCounts::default();
    for record in records {
        counts.add(record.kind);
    }
    counts
}

/// The day a hamlet's record says it closed, if it did.
pub fn closed_on(view: &RecordView) -> Option<Date> {
    view.value(CLOSED_ON_FIELD).and_then(serde_json::Value::as_str).and_then(Date::parse_iso)
}

/// The unit id of the hamlet a hamlet's record says it merged into.
pub fn merged_into(view: &RecordView) -> Option<&str> {
    view.value(MERGED_INTO_FIELD).and_then(serde_json::Value::as_str)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hlc::Hlc;
    use crate::merge::view;
    use crate::protocol::{FieldEdit, OpBody, Operation};

    fn record(kind: RecordKind, id: &str, fields: &[(&str, serde_json::Value)]) -> RecordView {
        let record = RecordId { kind, id: id.to_string() };
        let op = Operation {
            id: format!("op-{id}"),
            device: "d".to_string(),
            hlc: Hlc::zero("d").tick(1_700_000_000_000),
            record: record.clone(),
            unit: "hamlet:a".to_string(),
            body: OpBody::SetFields {
                fields: fields
                    .iter()
                    .map(|(f, v)| FieldEdit { field: f.to_string(), value: v.clone(), base: vec![] })
                    .collect(),
            },
        };
        view(&record, &[op])
    }

    #[test]
    fn subjects_on_the_register_and_open_evaluations_of_the_year_move_the_rest_stays() {
        let on = Date::new(2026, 12, 1).expect("date");
        let left = serde_json::json!({ "reason": "deceased", "on": "2026-03-01" });
        let views = vec![
            record(RecordKind::Person, "p2", &[("name", "Bình".into())]),
            record(RecordKind::Person, "p1", &[("name", "An".into()), (LEFT_FIELD, left)]),
            record(RecordKind::Household, "h1", &[("ten_chu_ho", "Ba".into())]),
            record(RecordKind::Clan, "c1", &[("name", "Họ Nguyễn".into())]),
            record(RecordKind::Evaluation, "e2026", &[("year", 2026.into())]),
            record(RecordKind::Evaluation, "e2025", &[("year", 2025.into())]),
            record(
                RecordKind::Evaluation,
                "e-deleted",
                &[("year", 2026.into()), ("deleted", serde_json::json!({ "on": "2026-05-01" }))],
            ),
        ];
        let (moving, kept) = moves(&views, on);
        let ids: Vec<&str> = moving.iter().map(|v| v.record.id.as_str()).collect();
        assert_eq!(ids, ["c1", "h1", "p2", "e2026"]);
        assert_eq!(kept, RecordCounts { households: 0, people: 1, clans: 0, evaluations: 2 });
        assert_eq!(count(moving.iter().map(|v| &v.record)).total(), 4);
        assert_eq!(kept.words(), "1 người, 2 phiếu đánh giá");
        assert_eq!(RecordCounts::default().words(), "không có hồ sơ nào");
    }
}
