//! The device's copy of its unit's records: every known operation grouped by record,
//! each record's view derived by the shared merge (the same code as the server), and
//! where each record stands in the trip to the server — saved on the device, being
//! sent, confirmed, returned, in conflict, or refused. Pure: storage and sync feed it
//! operations; screens read it. Tested natively.

use std::collections::{BTreeMap, BTreeSet};

use hoctap_shared::archive::is_deleted;
use hoctap_shared::consolidation::{evaluation_facts, evaluation_of, preferred_evaluation, subject_name};
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::merge::{self, RecordView, Status};
use hoctap_shared::protocol::{evaluation_id, FieldEdit, Operation, RecordId, RecordKind, Rejection};
use hoctap_shared::scoring::{self, Outcome};
use hoctap_shared::text;

/// Where a record stands between this device and the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum RecordState {
    /// Every operation is on the server.
    Confirmed,
    /// The commune returned it for correction.
    Returned,
    /// Being pushed now.
    Sent,
    /// Changes wait on this device.
    Saved,
    /// Two devices changed the same field; someone must choose.
    Conflict,
    /// The server refused one of its operations.
    Refused,
}

impl RecordState {
    /// Vietnamese words for the state.
    pub fn title(self) -> &'static str {
        match self {
            RecordState::Confirmed => "Đã lên máy chủ",
            RecordState::Returned => "Bị trả lại",
            RecordState::Sent => "Đang gửi",
            RecordState::Saved => "Lưu trên máy, chờ gửi",
            RecordState::Conflict => "Có xung đột",
            RecordState::Refused => "Bị từ chối",
        }
    }

    /// A stable key (CSS class, `data-state` for tests).
    pub fn key(self) -> &'static str {
        match self {
            RecordState::Confirmed => "confirmed",
            RecordState::Returned => "returned",
            RecordState::Sent => "sent",
            RecordState::Saved => "saved",
            RecordState::Conflict => "conflict",
            RecordState::Refused => "refused",
        }
    }
}

/// The device's records.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Replica {
    ops: BTreeMap<RecordId, BTreeMap<String, Operation>>,
    views: BTreeMap<RecordId, RecordView>,
    outbox: BTreeSet<String>,
    in_flight: BTreeSet<String>,
    refused: BTreeMap<String, Rejection>,
    /// Evaluations by the subject they evaluate, kept as views change: a register of a
    /// thousand people looks each one's evaluations up without scanning them all.
    by_subject: BTreeMap<RecordId, BTreeSet<RecordId>>,
    subject_of: BTreeMap<RecordId, RecordId>,
    /// Bumped on every change, so screens can memoise on it.
    pub version: u64,
}

impl Replica {
    /// A replica of `ops`, of which `outbox` are not yet confirmed and `refused` were
    /// refused by the server.
    pub fn new(ops: Vec<Operation>, outbox: impl IntoIterator<Item = String>, refused: Vec<Rejection>) -> Replica {
        let mut replica = Replica {
            outbox: outbox.into_iter().collect(),
            refused: refused.into_iter().map(|r| (r.op.clone(), r)).collect(),
            ..Replica::default()
        };
        replica.insert(ops);
        replica
    }

    /// Adds operations (own or pulled) and derives again the views they touch.
    pub fn insert(&mut self, ops: impl IntoIterator<Item = Operation>) {
        let mut touched = BTreeSet::new();
        for op in ops {
            touched.insert(op.record.clone());
            self.ops.entry(op.record.clone()).or_default().insert(op.id.clone(), op);
        }
        for record in touched {
            if let Some(ops) = self.ops.get(&record) {
                let view = merge::view(&record, ops.values());
                self.index(&view);
                self.views.insert(record.clone(), view);
            }
        }
        self.version += 1;
    }

    /// Files an evaluation under its subject (again, when the subject changed).
    fn index(&mut self, view: &RecordView) {
        if view.record.kind != RecordKind::Evaluation {
            return;
        }
        if let Some(old) = self.subject_of.remove(&view.record) {
            if let Some(evaluations) = self.by_subject.get_mut(&old) {
                evaluations.remove(&view.record);
            }
        }
        if let Some(subject) = evaluation_facts(view).and_then(|f| f.subject) {
            self.by_subject.entry(subject.clone()).or_default().insert(view.record.clone());
            self.subject_of.insert(view.record.clone(), subject);
        }
    }

    /// Records operations saved here and waiting to be sent.
    pub fn add_local(&mut self, ops: Vec<Operation>) {
        self.outbox.extend(ops.iter().map(|op| op.id.clone()));
        self.insert(ops);
    }

    /// Marks operations as being pushed (`true`) or no longer (`false`).
    pub fn set_in_flight(&mut self, ids: &[String], flying: bool) {
        for id in ids {
            if flying {
                self.in_flight.insert(id.clone());
            } else {
                self.in_flight.remove(id);
            }
        }
        self.version += 1;
    }

    /// Applies a push answer: confirmed ops leave the outbox, refused ones too, kept
    /// with the reason.
    pub fn settle(&mut self, confirmed: &[String], refused: &[Rejection]) {
        for id in confirmed {
            self.outbox.remove(id);
            self.in_flight.remove(id);
        }
        for rejection in refused {
            self.outbox.remove(&rejection.op);
            self.in_flight.remove(&rejection.op);
            self.refused.insert(rejection.op.clone(), rejection.clone());
        }
        self.version += 1;
    }

    /// Forgets the unsent operations (after the officer explicitly chose to).
    pub fn discard_outbox(&mut self) {
        let gone = std::mem::take(&mut self.outbox);
        let mut touched = BTreeSet::new();
        for ops in self.ops.values_mut() {
            ops.retain(|id, op| {
                let keep = !gone.contains(id);
                if !keep {
                    touched.insert(op.record.clone());
                }
                keep
            });
        }
        for record in touched {
            match self.ops.get(&record) {
                Some(ops) if !ops.is_empty() => {
                    let view = merge::view(&record, ops.values());
                    self.index(&view);
                    self.views.insert(record.clone(), view);
                }
                _ => {
                    self.ops.remove(&record);
                    self.views.remove(&record);
                }
            }
        }
        self.version += 1;
    }

    pub fn view(&self, record: &RecordId) -> Option<&RecordView> {
        self.views.get(record)
    }

    /// The operations of `record`, in no particular order.
    pub fn ops_of(&self, record: &RecordId) -> impl Iterator<Item = &Operation> {
        self.ops.get(record).into_iter().flat_map(|ops| ops.values())
    }

    /// Every record of `kind`.
    pub fn records(&self, kind: RecordKind) -> impl Iterator<Item = &RecordView> {
        self.views.values().filter(move |v| v.record.kind == kind)
    }

    /// How many operations wait to be sent.
    pub fn waiting(&self) -> usize {
        self.outbox.len()
    }

    /// Operations the server refused, with why.
    pub fn refusals(&self) -> impl Iterator<Item = &Rejection> {
        self.refused.values()
    }

    /// Where `record` stands.
    pub fn state(&self, record: &RecordId) -> RecordState {
        let Some(ops) = self.ops.get(record) else { return RecordState::Confirmed };
        let view = self.views.get(record);
        if ops.keys().any(|id| self.refused.contains_key(id)) {
            RecordState::Refused
        } else if view.is_some_and(|v| v.conflicts().next().is_some()) {
            RecordState::Conflict
        } else if ops.keys().any(|id| self.outbox.contains(id) && !self.in_flight.contains(id)) {
            RecordState::Saved
        } else if ops.keys().any(|id| self.in_flight.contains(id)) {
            RecordState::Sent
        } else if view.is_some_and(|v| v.status == Status::Returned) {
            RecordState::Returned
        } else {
            RecordState::Confirmed
        }
    }

    /// The refusals of `record`'s operations.
    pub fn refusals_of(&self, record: &RecordId) -> Vec<&Rejection> {
        self.ops_of(record).filter_map(|op| self.refused.get(&op.id)).collect()
    }

    /// Records with a field in conflict.
    pub fn conflicts(&self) -> impl Iterator<Item = &RecordView> {
        self.views.values().filter(|v| v.conflicts().next().is_some())
    }

    /// The evaluations of `subject` (not deleted ones), latest year first.
    pub fn evaluations_of(&self, subject: &RecordId) -> Vec<&RecordView> {
        let mut found: Vec<(&RecordView, i32)> = self
            .by_subject
            .get(subject)
            .into_iter()
            .flatten()
            .filter_map(|record| {
                let view = self.views.get(record).filter(|v| !is_deleted(v))?;
                let facts = evaluation_facts(view)?;
                (facts.subject.as_ref() == Some(subject)).then_some((view, facts.year))
            })
            .collect();
        found.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| b.0.last.cmp(&a.0.last)));
        found.into_iter().map(|(v, _)| v).collect()
    }

    /// Evaluations waiting for the commune: submitted or approved, oldest first.
    pub fn review_queue(&self) -> Vec<&RecordView> {
        let mut queue: Vec<&RecordView> = self
            .records(RecordKind::Evaluation)
            .filter(|v| matches!(v.status, Status::Submitted | Status::Approved) && !is_deleted(v))
            .collect();
        queue.sort_by(|a, b| a.last.cmp(&b.last));
        queue
    }
}

/// An edit of `field` to `value`, based on the values the device holds for it.
pub fn edit(view: Option<&RecordView>, field: &str, value: serde_json::Value) -> FieldEdit {
    let base = view.and_then(|v| v.fields.get(field)).map(|f| f.candidates.iter().map(|c| c.op.clone()).collect());
    FieldEdit { field: field.to_string(), value, base: base.unwrap_or_default() }
}

/// What "Bắt đầu đánh giá" does for a subject, a criteria set and a year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    /// Opens the evaluation the device knows (the one that counts, if there are several).
    Open(RecordId),
    /// Writes a new evaluation under the id every device computes for the three, so two
    /// devices starting it offline write one record.
    Create(RecordId),
}

/// One evaluation per subject, set and year: the existing one, else a new one.
pub fn start_evaluation(replica: &Replica, subject: &RecordId, set: &str, year: i32) -> Start {
    let existing = replica
        .evaluations_of(subject)
        .into_iter()
        .filter(|v| evaluation_facts(v).is_some_and(|f| f.set == set && f.year == year));
    match preferred_evaluation(existing) {
        Some(view) => Start::Open(view.record.clone()),
        None => Start::Create(RecordId { kind: RecordKind::Evaluation, id: evaluation_id(subject, set, year) }),
    }
}

/// The name a record is known by: a person's or clan's `name`, the household head's
/// name, a unit's or hamlet's name.
pub fn display_name(view: &RecordView) -> String {
    match subject_name(view) {
        Some(name) if !name.trim().is_empty() && view.record.kind == RecordKind::Hamlet => hamlet_title(view, name),
        Some(name) if !name.trim().is_empty() => name,
        _ if ["name", "ten_chu_ho"].iter().any(|f| view.fields.get(*f).is_some_and(|f| f.is_conflict())) => {
            "(tên đang có xung đột)".to_string()
        }
        _ => "(chưa có tên)".to_string(),
    }
}

/// A hamlet as people say it, with its type ("Thôn 1", "Tổ dân phố Đông"), unless the
/// name already starts with it ("Thôn Đông" stays as it is).
fn hamlet_title(view: &RecordView, name: String) -> String {
    let kind = view.value("unit_type").and_then(|v| v.as_str()).unwrap_or("Thôn");
    let title = if text::fold(&name).starts_with(&text::fold(kind)) { name } else { format!("{kind} {name}") };
    // A merged or archived hamlet is still named in its history, as such.
    match hoctap_shared::hamlets::closed_on(view) {
        Some(_) if hoctap_shared::hamlets::merged_into(view).is_some() => format!("{title} (đã sáp nhập)"),
        Some(_) => format!("{title} (đã giải thể)"),
        None => title,
    }
}

/// The name of a hamlet unit (`hamlet:<record id>`), when the device holds the hamlet's
/// record; `None` for other units.
pub fn unit_name(replica: &Replica, unit: &str) -> Option<String> {
    let id = unit.strip_prefix("hamlet:")?;
    replica.view(&RecordId { kind: RecordKind::Hamlet, id: id.to_string() }).map(display_name)
}

/// The people of each household (by the household's id), the head first, then by name: one
/// pass over the register, so a list of households shows its members without a search
/// per row.
pub fn members_by_household(replica: &Replica) -> BTreeMap<&str, Vec<&RecordView>> {
    // Each member with its sort key: not the head, then the folded name.
    type Keyed<'a> = (&'a RecordView, (bool, String));
    let mut members: BTreeMap<&str, Vec<Keyed>> = BTreeMap::new();
    for person in replica.records(RecordKind::Person) {
        if let Some(household) = person.value("household").and_then(|h| h.as_str()) {
            // The head first, then by name.
            let head = person.value("relation").and_then(|r| r.as_str()) != Some("chu_ho");
            members.entry(household).or_default().push((person, (head, text::fold(&display_name(person)))));
        }
    }
    members
        .into_iter()
        .map(|(household, mut people)| {
            people.sort_by(|a, b| a.1.cmp(&b.1));
            (household, people.into_iter().map(|(p, _)| p).collect())
        })
        .collect()
}

/// What tells a person apart from a namesake: birth year, household head, hamlet
/// ("sinh 1985 · hộ Nguyễn Văn An · Thôn 1"); empty parts are left out.
pub fn person_details(replica: &Replica, view: &RecordView) -> String {
    let mut parts = Vec::new();
    if let Some(year) = view.value("birth_year").and_then(|y| y.as_i64()) {
        parts.push(format!("sinh {year}"));
    }
    let household = view.value("household").and_then(|h| h.as_str());
    if let Some(head) =
        household.and_then(|id| replica.view(&RecordId { kind: RecordKind::Household, id: id.to_string() }))
    {
        parts.push(format!("hộ {}", display_name(head)));
    }
    parts.extend(unit_name(replica, &view.unit));
    parts.join(" · ")
}

/// A household as a search shows it: the head, the address, the hamlet and its members
/// ("Nguyễn Văn An · xóm Đông · Thôn 1 · 4 người: An, Bình, …").
pub fn household_details(replica: &Replica, view: &RecordView, members: &[&RecordView]) -> String {
    let mut parts = Vec::new();
    if let Some(address) = view.value("dia_chi").and_then(|a| a.as_str()).filter(|a| !a.trim().is_empty()) {
        parts.push(address.to_string());
    }
    parts.extend(unit_name(replica, &view.unit));
    if !members.is_empty() {
        let names: Vec<String> = members.iter().take(4).map(|m| display_name(m)).collect();
        let more = if members.len() > 4 { ", …" } else { "" };
        parts.push(format!("{} người: {}{more}", members.len(), names.join(", ")));
    }
    parts.join(" · ")
}

/// The outcome of an evaluation record under its set, when complete.
pub fn outcome(view: &RecordView, sets: &[CriteriaSet]) -> Option<Outcome> {
    let set = hoctap_shared::consolidation::criteria_of(view, sets)?;
    scoring::score(set, &evaluation_of(view, &set.id)).ok()
}

/// A register's rows: the records of `kind` whose name matches `query` ignoring case and
/// diacritics ("nguyen van a" finds "Nguyễn Văn A"), sorted by name.
pub fn search<'a>(replica: &'a Replica, kind: RecordKind, query: &str) -> Vec<(&'a RecordView, String)> {
    let query = text::fold(query);
    let mut rows: Vec<(&RecordView, String, String)> = replica
        .records(kind)
        .map(|v| {
            let name = display_name(v);
            (v, text::fold(&name), name)
        })
        .filter(|(_, folded, _)| folded.contains(&query))
        .collect();
    rows.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.record.cmp(&b.0.record)));
    rows.into_iter().map(|(v, _, name)| (v, name)).collect()
}

#[cfg(test)]
mod tests {
    use hoctap_shared::hlc::Hlc;
    use hoctap_shared::protocol::{FieldEdit, OpBody, Transition};

    use super::*;

    fn rid(kind: RecordKind, id: &str) -> RecordId {
        RecordId { kind, id: id.to_string() }
    }

    fn op(id: &str, device: &str, ms: i64, record: RecordId, body: OpBody) -> Operation {
        Operation {
            id: id.to_string(),
            device: device.to_string(),
            hlc: Hlc { wall_ms: ms, counter: 0, device: device.to_string() },
            record,
            unit: "hamlet:h1".to_string(),
            body,
        }
    }

    fn name(id: &str, device: &str, ms: i64, record: RecordId, value: &str, base: &[&str]) -> Operation {
        let fields = vec![FieldEdit {
            field: "name".to_string(),
            value: serde_json::Value::from(value),
            base: base.iter().map(|s| s.to_string()).collect(),
        }];
        op(id, device, ms, record, OpBody::SetFields { fields })
    }

    #[test]
    fn a_record_moves_from_saved_to_sent_to_confirmed() {
        let person = rid(RecordKind::Person, "p1");
        let mut replica = Replica::default();
        replica.add_local(vec![name("o1", "d1", 1, person.clone(), "Nguyễn Văn A", &[])]);
        assert_eq!(replica.state(&person), RecordState::Saved);
        assert_eq!(replica.waiting(), 1);
        replica.set_in_flight(&["o1".to_string()], true);
        assert_eq!(replica.state(&person), RecordState::Sent);
        replica.settle(&["o1".to_string()], &[]);
        assert_eq!(replica.state(&person), RecordState::Confirmed);
        assert_eq!(replica.waiting(), 0);
    }

    #[test]
    fn a_refused_op_is_kept_and_marks_its_record() {
        let person = rid(RecordKind::Person, "p1");
        let mut replica = Replica::default();
        replica.add_local(vec![name("o1", "d1", 1, person.clone(), "A", &[])]);
        let rejection =
            Rejection { op: "o1".to_string(), code: "record_locked".to_string(), message: "khóa".to_string() };
        replica.settle(&[], std::slice::from_ref(&rejection));
        assert_eq!(replica.state(&person), RecordState::Refused);
        assert_eq!(replica.refusals_of(&person), vec![&rejection]);
        assert_eq!(replica.ops_of(&person).count(), 1);
    }

    #[test]
    fn concurrent_names_are_a_conflict_until_an_edit_names_both() {
        let household = rid(RecordKind::Person, "p1");
        let mut replica = Replica::default();
        replica.insert(vec![name("o0", "d1", 1, household.clone(), "A", &[])]);
        replica.insert(vec![name("o1", "d1", 2, household.clone(), "B", &["o0"])]);
        replica.insert(vec![name("o2", "d2", 3, household.clone(), "C", &["o0"])]);
        assert_eq!(replica.state(&household), RecordState::Conflict);
        assert_eq!(replica.conflicts().count(), 1);
        assert_eq!(display_name(replica.view(&household).expect("view")), "(tên đang có xung đột)");
        replica.add_local(vec![name("o3", "d1", 4, household.clone(), "B C", &["o1", "o2"])]);
        assert_eq!(replica.state(&household), RecordState::Saved);
        assert_eq!(replica.conflicts().count(), 0);
    }

    #[test]
    fn a_returned_evaluation_shows_returned_once_confirmed() {
        let evaluation = rid(RecordKind::Evaluation, "e1");
        let mut replica = Replica::default();
        let submit = op("o1", "d1", 1, evaluation.clone(), OpBody::Transition { transition: Transition::Submit });
        let give_back = OpBody::Transition { transition: Transition::Return { comment: "Thiếu ảnh".to_string() } };
        replica.insert(vec![submit, op("o2", "d2", 2, evaluation.clone(), give_back)]);
        assert_eq!(replica.state(&evaluation), RecordState::Returned);
        assert!(replica.review_queue().is_empty());
    }

    #[test]
    fn search_ignores_diacritics_and_case() {
        let mut replica = Replica::default();
        replica.insert(vec![
            name("o1", "d", 1, rid(RecordKind::Person, "p1"), "Nguyễn Văn A", &[]),
            name("o2", "d", 2, rid(RecordKind::Person, "p2"), "Trần Thị Bình", &[]),
            name("o3", "d", 3, rid(RecordKind::Clan, "c1"), "Họ Nguyễn", &[]),
        ]);
        let found: Vec<String> =
            search(&replica, RecordKind::Person, "nguyen van a").into_iter().map(|(_, n)| n).collect();
        assert_eq!(found, vec!["Nguyễn Văn A"]);
        let all: Vec<String> = search(&replica, RecordKind::Person, " ").into_iter().map(|(_, n)| n).collect();
        assert_eq!(all, vec!["Nguyễn Văn A", "Trần Thị Bình"]);
        assert_eq!(search(&replica, RecordKind::Person, "BINH").len(), 1);
    }

    #[test]
    fn discarding_the_outbox_keeps_what_the_server_has() {
        let person = rid(RecordKind::Person, "p1");
        let mut replica = Replica::default();
        replica.insert(vec![name("o1", "d1", 1, person.clone(), "A", &[])]);
        replica.add_local(vec![name("o2", "d1", 2, person.clone(), "B", &["o1"])]);
        replica.add_local(vec![name("o3", "d1", 3, rid(RecordKind::Person, "p2"), "C", &[])]);
        replica.discard_outbox();
        assert_eq!(replica.view(&person).and_then(|v| v.value("name")), Some(&serde_json::Value::from("A")));
        assert!(replica.view(&rid(RecordKind::Person, "p2")).is_none());
        assert_eq!(replica.waiting(), 0);
    }

    #[test]
    fn evaluations_are_found_by_subject_and_follow_a_changed_subject() {
        let (p1, p2) = (rid(RecordKind::Person, "p1"), rid(RecordKind::Person, "p2"));
        let evaluation = rid(RecordKind::Evaluation, "e1");
        let facts = |id: &str, ms: i64, subject: &RecordId, base: &[&str]| {
            let fields = vec![
                FieldEdit { field: "set".into(), value: "cdht-244-2022".into(), base: vec![] },
                FieldEdit { field: "year".into(), value: 2026.into(), base: vec![] },
                FieldEdit {
                    field: "subject".into(),
                    value: serde_json::to_value(subject).unwrap_or_default(),
                    base: base.iter().map(|s| s.to_string()).collect(),
                },
            ];
            op(id, "d", ms, evaluation.clone(), OpBody::SetFields { fields })
        };
        let mut replica = Replica::default();
        replica.insert(vec![facts("o1", 1, &p1, &[])]);
        assert_eq!(replica.evaluations_of(&p1).len(), 1);
        replica.insert(vec![facts("o2", 2, &p2, &["o1"])]);
        assert!(replica.evaluations_of(&p1).is_empty());
        assert_eq!(replica.evaluations_of(&p2).len(), 1);
    }

    #[test]
    fn starting_an_evaluation_opens_the_one_of_that_set_and_year() {
        let (p1, p2) = (rid(RecordKind::Person, "p1"), rid(RecordKind::Person, "p2"));
        let evaluation = |id: &str, ms: i64, subject: &RecordId, set: &str, year: i64| {
            let fields = vec![
                FieldEdit { field: "set".into(), value: set.into(), base: vec![] },
                FieldEdit { field: "year".into(), value: year.into(), base: vec![] },
                FieldEdit {
                    field: "subject".into(),
                    value: serde_json::to_value(subject).expect("json"),
                    base: vec![],
                },
            ];
            op(&format!("o{ms}"), "d", ms, rid(RecordKind::Evaluation, id), OpBody::SetFields { fields })
        };
        let new = |subject: &RecordId, set: &str, year: i32| {
            Start::Create(rid(RecordKind::Evaluation, &evaluation_id(subject, set, year)))
        };
        let mut replica = Replica::default();
        let set = "cdht-244-2022";
        // Nothing known: a new evaluation under the id of subject, set and year.
        assert_eq!(start_evaluation(&replica, &p1, set, 2026), new(&p1, set, 2026));
        assert_eq!(
            start_evaluation(&replica, &p1, set, 2026),
            Start::Create(rid(RecordKind::Evaluation, "cdht-244-2022:2026:person:p1"))
        );
        // Once started (with that id, or an older random one), it opens.
        let id = evaluation_id(&p1, set, 2026);
        replica.add_local(vec![evaluation(&id, 1, &p1, set, 2026)]);
        assert_eq!(start_evaluation(&replica, &p1, set, 2026), Start::Open(rid(RecordKind::Evaluation, &id)));
        replica.insert(vec![evaluation("old", 2, &p2, set, 2026)]);
        assert_eq!(start_evaluation(&replica, &p2, set, 2026), Start::Open(rid(RecordKind::Evaluation, "old")));
        // Another year, set or subject is another evaluation.
        assert_eq!(start_evaluation(&replica, &p1, set, 2025), new(&p1, set, 2025));
        assert_eq!(start_evaluation(&replica, &p1, "gdht-448-2016", 2026), new(&p1, "gdht-448-2016", 2026));
        // Duplicates made before: the most advanced opens.
        replica.insert(vec![
            evaluation("a-draft", 3, &p2, set, 2026),
            evaluation("b-sent", 4, &p2, set, 2026),
            op(
                "o5",
                "d",
                5,
                rid(RecordKind::Evaluation, "b-sent"),
                OpBody::Transition { transition: Transition::Submit },
            ),
        ]);
        assert_eq!(start_evaluation(&replica, &p2, set, 2026), Start::Open(rid(RecordKind::Evaluation, "b-sent")));
        // A deleted evaluation is not listed nor queued; starting it again writes its
        // record (which clears the deletion).
        let deleted = serde_json::json!({ "on": "2026-03-12" });
        let delete = FieldEdit { field: "deleted".into(), value: deleted, base: vec![] };
        replica.insert(vec![op(
            "o6",
            "d",
            6,
            rid(RecordKind::Evaluation, &id),
            OpBody::SetFields { fields: vec![delete] },
        )]);
        assert!(replica.evaluations_of(&p1).is_empty());
        assert_eq!(start_evaluation(&replica, &p1, set, 2026), new(&p1, set, 2026));
        let queued = replica.review_queue().len();
        replica.insert(vec![op(
            "o7",
            "d",
            7,
            rid(RecordKind::Evaluation, "b-sent"),
            OpBody::SetFields { fields: vec![delete_again()] },
        )]);
        assert_eq!(replica.review_queue().len(), queued - 1);
    }

    fn delete_again() -> FieldEdit {
        FieldEdit { field: "deleted".into(), value: serde_json::json!({ "on": "2026-03-12" }), base: vec![] }
    }
}
