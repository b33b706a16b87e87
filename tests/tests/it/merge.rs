//! The merge laws (`prop_merge_*`), a scenario of several offline devices syncing
//! through a server with random delivery order and duplicates, and the rules a
//! reviewer relies on: conflicts keep both values, a resolution supersedes them, a
//! recognised record is locked until reopened, nothing is ever dropped.

use std::collections::BTreeSet;

use hoctap_shared::date::Date;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::{field_history, view, OpSet, Status};
use hoctap_shared::protocol::{Decision, FieldEdit, OpBody, Operation, RecordId, RecordKind, Transition};
use hoctap_shared::scoring::Answer;
use proptest::prelude::*;
use serde_json::json;

/// A tiny deterministic generator, so each proptest seed is one reproducible story.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// A device with its own clock and its own copy of the operations it has seen.
struct Device {
    name: String,
    hlc: Hlc,
    seen: OpSet,
    made: u32,
}

const RECORDS: [(RecordKind, &str); 3] =
    [(RecordKind::Household, "ho-1"), (RecordKind::Household, "ho-2"), (RecordKind::Evaluation, "dg-1")];
const FIELDS: [&str; 3] = ["ten_chu_ho", "so_thanh_vien", "dia_chi"];

impl Device {
    fn new(name: &str) -> Device {
        Device { name: name.to_string(), hlc: Hlc::zero(name), seen: OpSet::new(), made: 0 }
    }

    fn op(&mut self, now: i64, record: RecordId, body: OpBody) -> Operation {
        self.hlc = self.hlc.tick(now);
        self.made += 1;
        let op = Operation {
            id: format!("{}-{}", self.name, self.made),
            device: self.name.clone(),
            hlc: self.hlc.clone(),
            record,
            unit: "hamlet:thon-1".to_string(),
            body,
        };
        self.seen.insert(op.clone());
        op
    }

    /// The ops of the candidates this device currently sees for a field: what an edit
    /// is based on (a conflict it saw is resolved by the edit).
    fn base(&self, record: &RecordId, field: &str) -> Vec<String> {
        let ops: Vec<&Operation> = self.seen.iter().filter(|o| &o.record == record).collect();
        view(record, ops)
            .fields
            .get(field)
            .map(|f| f.candidates.iter().map(|c| c.op.clone()).collect())
            .unwrap_or_default()
    }

    fn act(&mut self, rng: &mut Rng, now: i64) -> Operation {
        let (kind, id) = RECORDS[rng.below(RECORDS.len() as u64) as usize];
        let record = RecordId { kind, id: id.to_string() };
        let choice = if kind == RecordKind::Evaluation { rng.below(4) } else { 0 };
        match choice {
            0 => {
                let field = FIELDS[rng.below(FIELDS.len() as u64) as usize];
                let base = self.base(&record, field);
                let value = json!(format!("{}-{}", self.name, rng.below(3)));
                self.op(
                    now,
                    record,
                    OpBody::SetFields { fields: vec![FieldEdit { field: field.to_string(), value, base }] },
                )
            }
            1 => {
                let base = self.base(&record, "score:1.1");
                let answer = Answer::Points(hoctap_shared::number::Points::from_whole(rng.below(11) as i64));
                self.op(now, record, OpBody::SetScore { indicator: "1.1".to_string(), answer, base })
            }
            2 => {
                let transition = match rng.below(5) {
                    0 => Transition::Submit,
                    1 => Transition::Return { comment: "Bổ sung minh chứng".to_string() },
                    2 => Transition::Approve,
                    3 => Transition::Recognise { decision: decision() },
                    _ => Transition::Reopen { reason: "Sửa sai sót".to_string() },
                };
                self.op(now, record, OpBody::Transition { transition })
            }
            _ => {
                let sha256 = format!("{:064x}", rng.below(3));
                let body = if rng.below(3) == 0 {
                    OpBody::DetachEvidence { indicator: "1.1".to_string(), sha256 }
                } else {
                    OpBody::AttachEvidence {
                        indicator: "1.1".to_string(),
                        sha256,
                        media_type: "image/jpeg".to_string(),
                        size: 1000,
                        name: None,
                    }
                };
                self.op(now, record, body)
            }
        }
    }

    fn pull(&mut self, server: &OpSet, now: i64) {
        self.seen.merge(server);
        if let Some(latest) = server.iter().map(|o| &o.hlc).max() {
            self.hlc = self.hlc.receive(latest, now);
        }
    }
}

fn decision() -> Decision {
    Decision {
        number: "15/QĐ-UBND".to_string(),
        date: Date::new(2026, 11, 20).expect("date"),
        authority: "UBND xã Cửu An".to_string(),
        override_reason: None,
        proposer: None,
    }
}

/// Delivers `ops` to `server` in a random order, with random duplicates.
fn deliver(server: &mut OpSet, ops: &[Operation], rng: &mut Rng) {
    let mut queue: Vec<&Operation> = ops.iter().collect();
    for _ in 0..rng.below(ops.len() as u64 + 1) {
        queue.push(&ops[rng.below(ops.len() as u64) as usize]);
    }
    for i in (1..queue.len()).rev() {
        queue.swap(i, rng.below(i as u64 + 1) as usize);
    }
    for op in queue {
        server.insert(op.clone());
    }
}

/// Every operation is accounted for in the views: a current candidate, superseded by
/// an edit that saw it, a workflow step applied, evidence (present or later detached),
/// or refused with a reason.
fn assert_nothing_dropped(set: &OpSet) {
    let views = set.views();
    let mut accounted: BTreeSet<String> = BTreeSet::new();
    for op in set.iter() {
        match &op.body {
            OpBody::SetFields { fields } => fields.iter().for_each(|f| accounted.extend(f.base.iter().cloned())),
            OpBody::SetScore { base, .. } => accounted.extend(base.iter().cloned()),
            OpBody::AttachEvidence { .. } | OpBody::DetachEvidence { .. } => {
                accounted.insert(op.id.clone());
            }
            OpBody::Transition { .. } => {}
        }
    }
    for view in views.values() {
        for field in view.fields.values() {
            accounted.extend(field.candidates.iter().map(|c| c.op.clone()));
        }
        accounted.extend(view.history.iter().map(|h| h.op.clone()));
        accounted.extend(view.refused.iter().map(|r| r.op.clone()));
    }
    for op in set.iter() {
        assert!(accounted.contains(&op.id), "operation {} was dropped: {op:?}", op.id);
    }
}

fn random_ops(seed: u64, count: usize) -> Vec<Operation> {
    let mut rng = Rng(seed | 1);
    let mut devices: Vec<Device> = ["may-a", "may-b", "may-c"].iter().map(|n| Device::new(n)).collect();
    let mut server = OpSet::new();
    let mut all = Vec::new();
    for step in 0..count {
        let now = 1_000 + step as i64 * 10 + rng.below(5) as i64;
        let d = rng.below(devices.len() as u64) as usize;
        let op = devices[d].act(&mut rng, now);
        all.push(op.clone());
        if rng.below(4) == 0 {
            let device = &mut devices[d];
            deliver(&mut server, &device.seen.iter().cloned().collect::<Vec<_>>(), &mut rng);
            device.pull(&server, now);
        }
    }
    all
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn prop_merge_order_and_duplicates_do_not_matter(seed in any::<u64>(), count in 1usize..60) {
        let ops = random_ops(seed, count);
        let reference: OpSet = ops.iter().cloned().collect();
        let mut rng = Rng(seed.rotate_left(17) | 1);
        let mut shuffled = OpSet::new();
        deliver(&mut shuffled, &ops, &mut rng);
        prop_assert_eq!(shuffled.views(), reference.views());
    }

    #[test]
    fn prop_merge_union_is_commutative_associative_idempotent(seed in any::<u64>(), count in 3usize..60) {
        let ops = random_ops(seed, count);
        let third = ops.len() / 3;
        let a: OpSet = ops[..third].iter().cloned().collect();
        let b: OpSet = ops[third..2 * third].iter().cloned().collect();
        let c: OpSet = ops[third / 2..].iter().cloned().collect();
        let union = |x: &OpSet, y: &OpSet| { let mut z = x.clone(); z.merge(y); z };
        prop_assert_eq!(union(&a, &b), union(&b, &a));
        prop_assert_eq!(union(&union(&a, &b), &c), union(&a, &union(&b, &c)));
        prop_assert_eq!(union(&a, &a), a.clone());
        prop_assert_eq!(union(&union(&a, &b), &c).views(), union(&c, &union(&b, &a)).views());
    }

    #[test]
    fn prop_merge_never_drops_an_operation(seed in any::<u64>(), count in 1usize..80) {
        let set: OpSet = random_ops(seed, count).into_iter().collect();
        assert_nothing_dropped(&set);
    }

    /// Several devices work offline, sync at random moments through a server that
    /// receives their batches out of order and more than once; after everyone syncs,
    /// all devices hold the server's state and no input is lost.
    #[test]
    fn prop_merge_scenario_devices_converge(seed in any::<u64>(), rounds in 1usize..6) {
        let mut rng = Rng(seed | 1);
        let mut devices: Vec<Device> = ["thon-a", "thon-b", "xa", "thon-c"].iter().map(|n| Device::new(n)).collect();
        let mut server = OpSet::new();
        let mut made = 0usize;
        let mut now = 10_000i64;
        for _ in 0..rounds {
            for device in devices.iter_mut() {
                for _ in 0..rng.below(8) {
                    // Clocks disagree by up to a day.
                    now += 1 + rng.below(1_000) as i64;
                    let skew = rng.below(86_400_000) as i64 - 43_200_000;
                    device.act(&mut rng, now + skew);
                    made += 1;
                }
            }
            for device in devices.iter_mut() {
                if rng.below(2) == 0 {
                    let batch: Vec<Operation> = device.seen.iter().cloned().collect();
                    deliver(&mut server, &batch, &mut rng);
                    device.pull(&server, now);
                }
            }
        }
        for device in devices.iter_mut() {
            let batch: Vec<Operation> = device.seen.iter().cloned().collect();
            deliver(&mut server, &batch, &mut rng);
        }
        for device in devices.iter_mut() {
            device.pull(&server, now);
        }
        prop_assert_eq!(server.len(), made, "the server holds every operation exactly once");
        let expected = server.views();
        for device in &devices {
            prop_assert_eq!(&device.seen.views(), &expected, "device {} differs", device.name);
        }
        assert_nothing_dropped(&server);
    }
}

fn household() -> RecordId {
    RecordId { kind: RecordKind::Household, id: "ho-nguyen-van-a".to_string() }
}

fn evaluation() -> RecordId {
    RecordId { kind: RecordKind::Evaluation, id: "dg-2026-cdht-1".to_string() }
}

#[test]
fn concurrent_edits_of_one_field_are_a_conflict_until_resolved() {
    let mut a = Device::new("may-a");
    let mut b = Device::new("may-b");
    let name = |v: &str, base: Vec<String>| OpBody::SetFields {
        fields: vec![FieldEdit { field: "ten_chu_ho".into(), value: json!(v), base }],
    };
    let created = a.op(100, household(), name("Nguyễn Văn A", vec![]));
    b.seen.insert(created.clone());
    // Both edit offline, each based on what it saw.
    let from_a = a.op(200, household(), name("Nguyễn Văn Ánh", vec![created.id.clone()]));
    let from_b = b.op(210, household(), name("Nguyễn Văn An", vec![created.id.clone()]));
    // Different fields merge without conflict.
    let phone = b.op(
        220,
        household(),
        OpBody::SetFields {
            fields: vec![FieldEdit { field: "so_dien_thoai".into(), value: json!("0912 345 678"), base: vec![] }],
        },
    );
    let set: OpSet = [created.clone(), from_a.clone(), from_b.clone(), phone].into_iter().collect();
    let merged = &set.views()[&household()];
    let field = &merged.fields["ten_chu_ho"];
    assert!(field.is_conflict());
    let values: Vec<&serde_json::Value> = field.candidates.iter().map(|c| &c.value).collect();
    assert_eq!(values, [&json!("Nguyễn Văn Ánh"), &json!("Nguyễn Văn An")]);
    assert_eq!(merged.value("so_dien_thoai"), Some(&json!("0912 345 678")));

    // The reviewer chooses one value, naming both candidates.
    let mut reviewer = Device::new("may-xa");
    reviewer.seen.merge(&set);
    let base = reviewer.base(&household(), "ten_chu_ho");
    assert_eq!(base.len(), 2);
    let resolved = reviewer.op(300, household(), name("Nguyễn Văn Ánh", base));
    let mut set = set;
    set.insert(resolved);
    let merged = &set.views()[&household()];
    assert!(!merged.fields["ten_chu_ho"].is_conflict());
    assert_eq!(merged.value("ten_chu_ho"), Some(&json!("Nguyễn Văn Ánh")));
    // Every earlier value stays retrievable.
    let history: Vec<serde_json::Value> =
        field_history(set.iter(), "ten_chu_ho").into_iter().map(|c| c.value).collect();
    assert_eq!(
        history,
        [json!("Nguyễn Văn A"), json!("Nguyễn Văn Ánh"), json!("Nguyễn Văn An"), json!("Nguyễn Văn Ánh")]
    );
}

#[test]
fn identical_concurrent_values_are_not_a_conflict() {
    let mut a = Device::new("may-a");
    let mut b = Device::new("may-b");
    let edit = |v: &str| OpBody::SetFields {
        fields: vec![FieldEdit { field: "dia_chi".into(), value: json!(v), base: vec![] }],
    };
    let set: OpSet = [a.op(1, household(), edit("Thôn 3")), b.op(2, household(), edit("Thôn 3"))].into_iter().collect();
    let merged = &set.views()[&household()];
    assert!(!merged.fields["dia_chi"].is_conflict());
    assert_eq!(merged.value("dia_chi"), Some(&json!("Thôn 3")));
}

#[test]
fn workflow_return_resubmit_recognise_lock_and_reopen() {
    let mut officer = Device::new("may-thon");
    let mut approver = Device::new("may-xa");
    let step = |t: Transition| OpBody::Transition { transition: t };
    let score = |p: i64| OpBody::SetScore {
        indicator: "1.1".into(),
        answer: Answer::Points(hoctap_shared::number::Points::from_whole(p)),
        base: vec![],
    };
    let mut set = OpSet::new();
    set.insert(officer.op(10, evaluation(), score(6)));
    set.insert(officer.op(20, evaluation(), step(Transition::Submit)));
    set.insert(approver.op(
        30,
        evaluation(),
        step(Transition::Return { comment: "Thiếu ảnh minh chứng chỉ số 1.1".into() }),
    ));
    let returned = &set.views()[&evaluation()];
    assert_eq!(returned.status, Status::Returned);
    assert_eq!(returned.comment.as_deref(), Some("Thiếu ảnh minh chứng chỉ số 1.1"));

    officer.seen.merge(&set);
    officer.hlc = officer.hlc.receive(&approver.hlc, 35);
    let base = officer.base(&evaluation(), "score:1.1");
    set.insert(officer.op(
        40,
        evaluation(),
        OpBody::SetScore {
            indicator: "1.1".into(),
            answer: Answer::Points(hoctap_shared::number::Points::from_whole(8)),
            base,
        },
    ));
    set.insert(officer.op(50, evaluation(), step(Transition::Submit)));
    set.insert(approver.op(60, evaluation(), step(Transition::Approve)));
    set.insert(approver.op(70, evaluation(), step(Transition::Recognise { decision: decision() })));
    // An approve that comes too late is refused, not dropped.
    set.insert(approver.op(75, evaluation(), step(Transition::Approve)));
    // An edit after recognition is refused with a clear reason.
    let late = officer.op(80, evaluation(), score(10));
    set.insert(late.clone());
    let locked = &set.views()[&evaluation()];
    assert_eq!(locked.status, Status::Recognised);
    assert_eq!(locked.decision.as_ref().map(|d| d.number.as_str()), Some("15/QĐ-UBND"));
    assert_eq!(locked.value("score:1.1"), Some(&json!(8)));
    let refused: Vec<(&str, &str)> = locked.refused.iter().map(|r| (r.op.as_str(), r.code.as_str())).collect();
    assert_eq!(refused, [("may-xa-4", "invalid_transition"), (late.id.as_str(), "record_locked")]);

    // Reopened by an approver: edits apply again.
    set.insert(approver.op(90, evaluation(), step(Transition::Reopen { reason: "Sai số điểm".into() })));
    let mut officer2 = Device::new("may-thon-2");
    officer2.seen.merge(&set);
    officer2.hlc = officer2.hlc.receive(&approver.hlc, 95);
    let base = officer2.base(&evaluation(), "score:1.1");
    set.insert(officer2.op(
        100,
        evaluation(),
        OpBody::SetScore {
            indicator: "1.1".into(),
            answer: Answer::Points(hoctap_shared::number::Points::from_whole(9)),
            base,
        },
    ));
    let reopened = &set.views()[&evaluation()];
    assert_eq!(reopened.status, Status::Returned);
    assert_eq!(reopened.value("score:1.1"), Some(&json!(9)));
}

#[test]
fn invalid_operations_are_refused_with_a_reason() {
    let mut device = Device::new("may-a");
    let bad = device.op(1, household(), OpBody::Transition { transition: Transition::Submit });
    let empty_comment =
        device.op(2, evaluation(), OpBody::Transition { transition: Transition::Return { comment: " ".into() } });
    let set: OpSet = [bad.clone(), empty_comment.clone()].into_iter().collect();
    let views = set.views();
    assert_eq!(views[&household()].refused[0].code, "invalid_operation");
    assert!(views[&household()].refused[0].message.contains("phiếu đánh giá"));
    assert!(views[&evaluation()].refused[0].message.contains("nội dung cần sửa"));
}

#[test]
fn an_id_reused_with_other_content_keeps_the_same_op_everywhere() {
    let mut device = Device::new("may-a");
    let one = device.op(
        1,
        household(),
        OpBody::SetFields { fields: vec![FieldEdit { field: "x".into(), value: json!(1), base: vec![] }] },
    );
    let mut other = one.clone();
    other.body = OpBody::SetFields { fields: vec![FieldEdit { field: "x".into(), value: json!(2), base: vec![] }] };
    let mut left = OpSet::new();
    left.insert(one.clone());
    left.insert(other.clone());
    let mut right = OpSet::new();
    right.insert(other);
    right.insert(one);
    assert_eq!(left, right);
    assert_eq!(left.len(), 1);
}

/// The random stories do exercise what the laws are about: conflicts, resolutions,
/// locked records and refused operations (otherwise the properties would be vacuous).
#[test]
fn generator_exercises_conflicts_locks_and_refusals() {
    let (mut conflicts, mut resolved, mut recognised, mut refused) = (0, 0, 0, 0);
    for seed in 1..40u64 {
        let set: OpSet = random_ops(seed * 7919, 60).into_iter().collect();
        for view in set.views().values() {
            conflicts += view.conflicts().count();
            recognised += usize::from(view.history.iter().any(|h| h.status == Status::Recognised));
            refused += view.refused.len();
        }
        resolved += set
            .iter()
            .filter(|op| match &op.body {
                OpBody::SetFields { fields } => fields.iter().any(|f| f.base.len() > 1),
                OpBody::SetScore { base, .. } => base.len() > 1,
                _ => false,
            })
            .count();
    }
    assert!(
        conflicts > 0 && resolved > 0 && recognised > 0 && refused > 0,
        "conflicts {conflicts}, resolutions {resolved}, recognised {recognised}, refused {refused}"
    );
}

/// Every wire payload a device may still hold decodes, and encodes back to the same
/// JSON (STYLE.md 8). A failure here means a new protocol version is needed.
#[test]
fn wire_fixtures_v1_keep_decoding() {
    use hoctap_shared::protocol::{PullResponse, PushRequest, PushResponse};
    fn round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(file: &str) -> T {
        wire_round_trip(&format!("v1/{file}"))
    }
    let push: PushRequest = round_trip("push-request.json");
    assert_eq!(push.protocol, 1);
    assert_eq!(push.ops.len(), 7);
    for op in &push.ops {
        hoctap_shared::merge::validate(op).unwrap_or_else(|err| panic!("{}: {err}", op.id));
    }
    let transitions: Vec<Transition> = round_trip("transitions.json");
    assert_eq!(transitions.len(), 5);
    let response: PushResponse = round_trip("push-response.json");
    assert_eq!(response.rejected[0].code, "record_locked");
    let pull: PullResponse = round_trip("pull-response.json");
    assert_eq!(pull.cursor, 42);
}

/// The payloads of protocol version 2 (and of version 1 asked with `?ack=count`) keep
/// decoding too.
#[test]
fn wire_fixtures_v2_keep_decoding() {
    use hoctap_shared::protocol::PushCounted;
    let response: PushCounted = wire_round_trip("v2/push-response.json");
    assert_eq!(response.accepted, 997);
    assert_eq!((response.duplicates.len(), response.rejected.len()), (1, 2));
    assert_eq!(response.rejected[1].code, "clock_skew");
}

/// A fixture of `tests/data/wire/`, decoded, checked to encode back to the same JSON.
#[track_caller]
fn wire_round_trip<T: serde::de::DeserializeOwned + serde::Serialize>(file: &str) -> T {
    let text = crate::golden::read(&crate::golden::data(&format!("wire/{file}")));
    let value: T = serde_json::from_str(&text).unwrap_or_else(|err| panic!("{file} no longer decodes: {err}"));
    let mut original: serde_json::Value = serde_json::from_str(&text).expect("fixture is JSON");
    let mut encoded = serde_json::to_value(&value).expect("encodes");
    // Fields a device may leave out (`base`) come back with their default.
    strip_empty_bases(&mut encoded);
    strip_empty_bases(&mut original);
    assert_eq!(encoded, original, "{file} does not round-trip");
    value
}

/// Drops `base` lists that are empty: a device may leave them out.
fn strip_empty_bases(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            if map.get("base").is_some_and(|b| b.as_array().is_some_and(Vec::is_empty)) {
                map.remove("base");
            }
            map.values_mut().for_each(strip_empty_bases);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_empty_bases),
        _ => {}
    }
}
