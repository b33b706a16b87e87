//! Leaving the register (rời sổ) and deleting a draft evaluation (xóa phiếu nháp)
//! without erasing anything: both are fields of the record, so the log keeps every step
//! and setting the field to `null` undoes it.
//!
//! - `left` on a person or household: `{ "reason": "moved_away" | "deceased" |
//!   "duplicate", "on": "YYYY-MM-DD", "note": "…", "duplicate_of": "<id>" }`. A subject
//!   that moved away or died on a day of year Y leaves the denominators of year Y and
//!   later; earlier years keep it (and a title it held then). A duplicate is never a
//!   subject of its own: it leaves every year's denominators, and its evaluations count
//!   as the evaluations of the record it duplicates ([`kept_subject`]).
//! - `deleted` on an evaluation: `{ "on": "YYYY-MM-DD", "reason": "…" }`. A deleted
//!   evaluation is never counted; starting the same evaluation again clears the field.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::merge::RecordView;
use crate::protocol::{is_valid_id, RecordId, RecordKind};

/// The field that says a subject left the register.
pub const LEFT_FIELD: &str = "left";
/// The field that says an evaluation was deleted.
pub const DELETED_FIELD: &str = "deleted";
/// How many `duplicate_of` links are followed: a longer chain, or one that comes back
/// on itself, is broken and each of its records counts as itself.
pub const MAX_DUPLICATE_CHAIN: usize = 8;
/// The longest note or reason kept, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// Why a subject left the register.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LeftReason {
    /// Chuyển đi nơi khác
    MovedAway,
    /// Đã mất
    Deceased,
    /// Trùng với hồ sơ khác
    Duplicate,
}

impl LeftReason {
    pub const ALL: [LeftReason; 3] = [LeftReason::MovedAway, LeftReason::Deceased, LeftReason::Duplicate];

    /// The choice as the officer reads it.
    pub fn title(self) -> &'static str {
        match self {
            LeftReason::MovedAway => "Chuyển đi nơi khác",
            LeftReason::Deceased => "Đã mất",
            LeftReason::Duplicate => "Trùng với hồ sơ khác",
        }
    }

    /// The wire name (`moved_away`, …).
    pub fn code(self) -> &'static str {
        match self {
            LeftReason::MovedAway => "moved_away",
            LeftReason::Deceased => "deceased",
            LeftReason::Duplicate => "duplicate",
        }
    }
}

/// A subject's leaving the register: the value of its `left` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Left {
    pub reason: LeftReason,
    pub on: Date,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The id of the record kept (of the same kind), for a duplicate.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

impl Left {
    /// The field's value, as the derived encoding writes it (without serde, as
    /// [`left_of`] reads it).
    pub fn to_json(&self) -> serde_json::Value {
        let mut out = serde_json::Map::new();
        out.insert("reason".into(), self.reason.code().into());
        out.insert("on".into(), self.on.iso().into());
        if !self.note.is_empty() {
            out.insert("note".into(), self.note.clone().into());
        }
        if let Some(kept) = &self.duplicate_of {
            out.insert("duplicate_of".into(), kept.clone().into());
        }
        out.into()
    }

    /// How the register and the record's page say it: `Đã chuyển đi từ 12/03/2026`.
    pub fn summary(&self) -> String {
        match self.reason {
            LeftReason::MovedAway => format!("Đã chuyển đi từ {}", self.on),
            LeftReason::Deceased => format!("Đã mất {}", self.on),
            LeftReason::Duplicate => format!("Trùng với hồ sơ khác, từ {}", self.on),
        }
    }
}

/// An evaluation's deletion: the value of its `deleted` field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Deleted {
    pub on: Date,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
}

/// The subject's `left` field, when it holds one agreed value. Read field by field
/// rather than through serde (the server has checked the shape; the web app is
/// smaller without the derived decoder).
pub fn left_of(view: &RecordView) -> Option<Left> {
    let value = view.value(LEFT_FIELD)?;
    let text = |key: &str| value.get(key).and_then(serde_json::Value::as_str);
    let reason = text("reason")?;
    Some(Left {
        reason: LeftReason::ALL.into_iter().find(|r| r.code() == reason)?,
        on: Date::parse_iso(text("on")?)?,
        note: text("note").unwrap_or_default().to_string(),
        duplicate_of: text("duplicate_of").map(str::to_string),
    })
}

/// Whether a subject left the register: its `left` field holds an agreed value other
/// than `null` (whose shape the server checked), without reading it.
pub fn has_left(view: &RecordView) -> bool {
    view.value(LEFT_FIELD).is_some_and(|v| !v.is_null())
}

/// Whether an evaluation was deleted (its `deleted` field holds an agreed value other
/// than `null`).
pub fn is_deleted(view: &RecordView) -> bool {
    view.value(DELETED_FIELD).is_some_and(|v| !v.is_null())
}

/// The subject whose evaluations and titles `subject`'s count as: the record kept at
/// the end of its `duplicate_of` chain, or `subject` itself when it is no duplicate,
/// or when its chain comes back on itself or is longer than [`MAX_DUPLICATE_CHAIN`]
/// (broken). A link to a record `view_of` does not know ends the chain there.
pub fn kept_subject<'a>(subject: &RecordId, view_of: &dyn Fn(&RecordId) -> Option<&'a RecordView>) -> RecordId {
    let mut chain = vec![subject.clone()];
    let mut current = subject.clone();
    for _ in 0..=MAX_DUPLICATE_CHAIN {
        let Some(next) = view_of(&current).and_then(duplicate_of) else { return current };
        if chain.contains(&next) || chain.len() > MAX_DUPLICATE_CHAIN {
            return subject.clone();
        }
        chain.push(next.clone());
        current = next;
    }
    subject.clone()
}

/// The record a subject says it duplicates.
fn duplicate_of(view: &RecordView) -> Option<RecordId> {
    let left = left_of(view)?;
    let id = left.duplicate_of.filter(|_| left.reason == LeftReason::Duplicate)?;
    Some(RecordId { kind: view.record.kind, id })
}

/// Whether a subject counts in the denominators of `year`: not once it moved away or
/// died (from that year on), and never as a duplicate of another record.
pub fn in_register<'a>(view: &RecordView, year: i32, view_of: &dyn Fn(&RecordId) -> Option<&'a RecordView>) -> bool {
    match left_of(view) {
        None => true,
        Some(left) if left.reason == LeftReason::Duplicate => kept_subject(&view.record, view_of) == view.record,
        Some(left) => year < left.on.year(),
    }
}

/// Why a `left` value written on `subject` is refused, judged with `latest` the last
/// day it may name and `view_of` the records known: a reason known, a real date from
/// 2000 to `latest`, a note of at most [`MAX_NOTE_CHARS`], and for a duplicate the kept
/// record, of the same kind, known, not the subject, and whose chain neither comes back
/// to the subject nor runs past [`MAX_DUPLICATE_CHAIN`]. `null` (back in the register)
/// is always accepted. `view_of` answers `None` for a record unknown or out of reach.
pub fn check_left(
    subject: &RecordId,
    value: &serde_json::Value,
    latest: Date,
    view_of: &mut dyn FnMut(&RecordId) -> Option<RecordView>,
) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    if !matches!(subject.kind, RecordKind::Person | RecordKind::Household) {
        return Err("Chỉ người dân và hộ gia đình mới rời sổ được".to_string());
    }
    let left: Left = serde_json::from_value(value.clone()).map_err(|_| {
        "Thông tin rời sổ không hợp lệ: cần lý do (moved_away, deceased hoặc duplicate) và ngày dạng YYYY-MM-DD"
            .to_string()
    })?;
    check_date(left.on, latest)?;
    if left.note.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("Ghi chú rời sổ dài quá {MAX_NOTE_CHARS} ký tự"));
    }
    let target = match (left.reason, left.duplicate_of) {
        (LeftReason::Duplicate, Some(id)) if is_valid_id(&id) => RecordId { kind: subject.kind, id },
        (LeftReason::Duplicate, _) => return Err("Hồ sơ trùng cần chỉ ra hồ sơ được giữ lại".to_string()),
        (_, Some(_)) => return Err("Chỉ hồ sơ trùng mới ghi hồ sơ được giữ lại".to_string()),
        (_, None) => return Ok(()),
    };
    if target == *subject {
        return Err("Hồ sơ không thể trùng với chính nó".to_string());
    }
    let mut current = target;
    for _ in 0..MAX_DUPLICATE_CHAIN {
        let Some(view) = view_of(&current) else {
            return Err("Không tìm thấy hồ sơ được giữ lại (hoặc hồ sơ ngoài phạm vi của tài khoản)".to_string());
        };
        match duplicate_of(&view) {
            None => return Ok(()),
            Some(next) if next == *subject => {
                return Err("Hồ sơ được giữ lại lại đang được ghi là trùng với hồ sơ này".to_string())
            }
            Some(next) => current = next,
        }
    }
    Err(format!("Chuỗi hồ sơ trùng dài quá {MAX_DUPLICATE_CHAIN} bước"))
}

/// Why a `deleted` value is refused (`null`, the undo, is always accepted).
pub fn check_deleted(value: &serde_json::Value, latest: Date) -> Result<(), String> {
    if value.is_null() {
        return Ok(());
    }
    let deleted: Deleted = serde_json::from_value(value.clone())
        .map_err(|_| "Thông tin xóa phiếu không hợp lệ: cần ngày dạng YYYY-MM-DD và lý do".to_string())?;
    if deleted.reason.chars().count() > MAX_NOTE_CHARS {
        return Err(format!("Lý do xóa phiếu dài quá {MAX_NOTE_CHARS} ký tự"));
    }
    check_date(deleted.on, latest)
}

fn check_date(on: Date, latest: Date) -> Result<(), String> {
    if on.year() < 2000 || on > latest {
        return Err(format!("Ngày {on} không hợp lệ: cần từ năm 2000 đến hôm nay"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::hlc::Hlc;
    use crate::merge;
    use crate::protocol::{FieldEdit, OpBody, Operation};

    /// People written as `"<id>"` or `"<id> <left JSON>"`.
    fn people(lines: &[&str]) -> BTreeMap<RecordId, RecordView> {
        lines
            .iter()
            .enumerate()
            .map(|(i, line)| {
                let (id, left) = line.split_once(' ').unwrap_or((line, "null"));
                let record = RecordId { kind: RecordKind::Person, id: id.into() };
                let left: serde_json::Value = serde_json::from_str(left).expect("json");
                let op = Operation {
                    id: format!("o{i}"),
                    device: "d".into(),
                    hlc: Hlc { wall_ms: 1, counter: 0, device: "d".into() },
                    record: record.clone(),
                    unit: "hamlet:h".into(),
                    body: OpBody::SetFields {
                        fields: vec![FieldEdit { field: LEFT_FIELD.into(), value: left, base: vec![] }],
                    },
                };
                (record.clone(), merge::view(&record, &[op]))
            })
            .collect()
    }

    fn person(id: &str) -> RecordId {
        RecordId { kind: RecordKind::Person, id: id.into() }
    }

    /// Whether each person counts in 2025 and 2026, and whom they count as.
    #[track_caller]
    fn check(lines: &[&str], expect: &str) {
        let views = people(lines);
        let view_of = |r: &RecordId| views.get(r);
        let got: Vec<String> = views
            .values()
            .map(|v| {
                let years: Vec<i32> = [2025, 2026].into_iter().filter(|y| in_register(v, *y, &view_of)).collect();
                format!("{} {years:?} as {}", v.record.id, kept_subject(&v.record, &view_of).id)
            })
            .collect();
        assert_eq!(got.join("; "), expect);
    }

    #[test]
    fn moved_away_and_deceased_leave_from_their_year_on() {
        check(
            &[
                "a",
                r#"b {"reason":"deceased","on":"2026-03-12"}"#,
                r#"c {"reason":"moved_away","on":"2025-12-31","note":"vào Nam"}"#,
            ],
            "a [2025, 2026] as a; b [2025] as b; c [] as c",
        );
    }

    #[test]
    fn a_duplicate_never_counts_and_counts_as_the_record_kept() {
        check(
            &[r#"a {"reason":"duplicate","on":"2026-01-05","duplicate_of":"b"}"#, "b"],
            "a [] as b; b [2025, 2026] as b",
        );
        // Through a chain, and to a record not held here (another part's).
        check(
            &[
                r#"a {"reason":"duplicate","on":"2026-01-05","duplicate_of":"b"}"#,
                r#"b {"reason":"duplicate","on":"2026-01-05","duplicate_of":"z"}"#,
            ],
            "a [] as z; b [] as z",
        );
    }

    #[test]
    fn a_duplicate_cycle_is_broken_and_each_counts_as_itself() {
        check(
            &[
                r#"a {"reason":"duplicate","on":"2026-01-05","duplicate_of":"b"}"#,
                r#"b {"reason":"duplicate","on":"2026-01-05","duplicate_of":"a"}"#,
            ],
            "a [2025, 2026] as a; b [2025, 2026] as b",
        );
        let long: Vec<String> = (0..=MAX_DUPLICATE_CHAIN)
            .map(|i| format!(r#"p{i:02} {{"reason":"duplicate","on":"2026-01-05","duplicate_of":"p{:02}"}}"#, i + 1))
            .collect();
        let views = people(&long.iter().map(String::as_str).collect::<Vec<_>>());
        let view_of = |r: &RecordId| views.get(r);
        assert_eq!(kept_subject(&person("p00"), &view_of), person("p00"));
        assert_eq!(kept_subject(&person("p01"), &view_of), person("p09"));
    }

    #[test]
    fn left_is_read_and_written_as_serde_does() {
        for left in [
            Left {
                reason: LeftReason::Deceased,
                on: Date::new(2026, 3, 12).expect("date"),
                note: String::new(),
                duplicate_of: None,
            },
            Left {
                reason: LeftReason::Duplicate,
                on: Date::new(2026, 3, 12).expect("date"),
                note: "Nhập hai lần".into(),
                duplicate_of: Some("p1".into()),
            },
        ] {
            assert_eq!(left.to_json(), serde_json::to_value(&left).expect("json"));
            let views = people(&[&format!("a {}", left.to_json())]);
            assert_eq!(left_of(&views[&person("a")]), Some(left));
        }
    }

    #[test]
    fn left_values_are_checked() {
        let views = people(&["b", r#"c {"reason":"duplicate","on":"2026-01-05","duplicate_of":"a"}"#]);
        let mut view_of = |r: &RecordId| views.get(r).cloned();
        let today = Date::new(2026, 3, 20).expect("date");
        let mut check = |value: &str| {
            check_left(&person("a"), &serde_json::from_str(value).expect("json"), today, &mut view_of).err()
        };
        assert_eq!(check("null"), None);
        assert_eq!(check(r#"{"reason":"deceased","on":"2026-03-12"}"#), None);
        assert_eq!(check(r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"b"}"#), None);
        for bad in [
            r#"{"reason":"gone","on":"2026-03-12"}"#,
            r#"{"reason":"deceased","on":"2026-02-30"}"#,
            r#"{"reason":"deceased","on":"1999-12-31"}"#,
            r#"{"reason":"deceased","on":"2026-03-21"}"#,
            r#"{"reason":"deceased","on":"2026-03-12","extra":1}"#,
            r#"{"reason":"deceased","on":"2026-03-12","duplicate_of":"b"}"#,
            r#"{"reason":"duplicate","on":"2026-03-12"}"#,
            r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"a"}"#,
            r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"nobody"}"#,
            r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"c"}"#,
            r#""deceased""#,
        ] {
            assert!(check(bad).is_some(), "{bad} accepted");
        }
        let clan = RecordId { kind: RecordKind::Clan, id: "h".into() };
        let deceased = serde_json::json!({"reason":"deceased","on":"2026-03-12"});
        assert!(check_left(&clan, &deceased, today, &mut |_| None).is_err());
        assert_eq!(check_deleted(&serde_json::json!({"on":"2026-03-12","reason":"nhầm"}), today), Ok(()));
        assert!(check_deleted(&serde_json::json!({"on":"2026-03-12","reason":1}), today).is_err());
    }
}
