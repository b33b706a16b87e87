//! The operation log behind push and pull, against both stores: idempotent pushes,
//! refusals with reasons, hamlets registered through sync, scoped and paged pulls that
//! resume from a cursor, and views that equal the merge of the record's operations.

use std::sync::{Arc, OnceLock};

use hoctap_server::store::{MemoryStore, SledStore, Store};
use hoctap_server::sync::{self, last_seq, pull, push, record_ops, record_view};
use hoctap_server::{AppState, Catalog};
use hoctap_shared::date::Date;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge;
use hoctap_shared::protocol::{Decision, FieldEdit, OpBody, Operation, RecordId, RecordKind, Transition};
use serde_json::json;

pub fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

/// Both backends, so every test here runs twice.
pub fn stores() -> Vec<(&'static str, Arc<dyn Store>)> {
    vec![
        ("sled", Arc::new(SledStore::temporary().expect("sled")) as Arc<dyn Store>),
        ("memory", Arc::new(MemoryStore::default()) as Arc<dyn Store>),
    ]
}

pub const COMMUNE: &str = "commune:00004:2025";
pub const OTHER_COMMUNE: &str = "commune:00008:2025";

/// Mints operations for one device, with a ticking clock.
pub struct Device {
    pub name: String,
    hlc: Hlc,
    made: u32,
}

impl Device {
    pub fn new(name: &str) -> Device {
        Device { name: name.to_string(), hlc: Hlc::zero(name), made: 0 }
    }

    pub fn op(&mut self, unit: &str, record: RecordId, body: OpBody) -> Operation {
        self.made += 1;
        // One advancing clock for every simulated device: an approver acts after it has
        // seen the submission, as it would after a pull.
        static NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1_795_420_800_000);
        let now = NOW.fetch_add(1_000, std::sync::atomic::Ordering::SeqCst);
        self.hlc = self.hlc.tick(now);
        Operation {
            id: format!("{}-{:04}", self.name, self.made),
            device: self.name.clone(),
            hlc: self.hlc.clone(),
            record,
            unit: unit.to_string(),
            body,
        }
    }

    pub fn register_hamlet(&mut self, id: &str, name: &str) -> Operation {
        let fields = vec![
            FieldEdit { field: "name".into(), value: json!(name), base: vec![] },
            FieldEdit { field: "unit_type".into(), value: json!("Tổ dân phố"), base: vec![] },
        ];
        self.op(COMMUNE, RecordId { kind: RecordKind::Hamlet, id: id.into() }, OpBody::SetFields { fields })
    }

    pub fn set(&mut self, unit: &str, record: &RecordId, field: &str, value: serde_json::Value) -> Operation {
        self.op(
            unit,
            record.clone(),
            OpBody::SetFields { fields: vec![FieldEdit { field: field.into(), value, base: vec![] }] },
        )
    }
}

pub fn household(id: &str) -> RecordId {
    RecordId { kind: RecordKind::Household, id: id.into() }
}

pub fn evaluation(id: &str) -> RecordId {
    RecordId { kind: RecordKind::Evaluation, id: id.into() }
}

fn state(store: Arc<dyn Store>) -> AppState {
    AppState::new(store, catalog())
}

#[tokio::test]
async fn pushing_the_same_batch_twice_changes_nothing() {
    for (name, store) in stores() {
        let state = state(store);
        let mut device = Device::new("may-a");
        let batch = vec![
            device.register_hamlet("to-1", "Tổ dân phố số 1"),
            device.set("hamlet:to-1", &household("ho-1"), "ten_chu_ho", json!("Nguyễn Văn Ánh")),
            device.set("hamlet:to-1", &household("ho-1"), "so_thanh_vien", json!(4)),
        ];
        let first = push(&state, &batch, hoctap_server::sync::Pusher::Replay).await.expect("push");
        assert_eq!(first.accepted.len(), 3, "{name}: {first:?}");
        let seq = last_seq(&state).expect("seq");
        let again = push(&state, &batch, hoctap_server::sync::Pusher::Replay).await.expect("push again");
        assert!(again.accepted.is_empty() && again.rejected.is_empty(), "{name}: {again:?}");
        assert_eq!(again.duplicates.len(), 3);
        assert_eq!(last_seq(&state).expect("seq"), seq, "{name}: a retried batch must not append");
        // The same id with other content is refused, not stored.
        let mut forged = batch[2].clone();
        forged.body = OpBody::SetFields {
            fields: vec![FieldEdit { field: "so_thanh_vien".into(), value: json!(9), base: vec![] }],
        };
        let clash = push(&state, &[forged], hoctap_server::sync::Pusher::Replay).await.expect("push");
        assert_eq!(clash.rejected[0].code, "op_id_reused", "{name}");
        let view = record_view(&state, &household("ho-1")).expect("view").expect("stored view");
        assert_eq!(view.value("so_thanh_vien"), Some(&json!(4)));
    }
}

#[tokio::test]
async fn refusals_carry_a_reason_and_store_nothing() {
    for (name, store) in stores() {
        let state = state(store);
        let mut device = Device::new("may-b");
        let unknown_unit = device.set("hamlet:khong-co", &household("ho-9"), "x", json!(1));
        let hamlet_under_province = device.op(
            "province:01:2025",
            RecordId { kind: RecordKind::Hamlet, id: "t".into() },
            OpBody::SetFields {
                fields: vec![FieldEdit { field: "name".into(), value: json!("Thôn 1"), base: vec![] }],
            },
        );
        let invalid = device.op(COMMUNE, household("ho-2"), OpBody::Transition { transition: Transition::Submit });
        let response =
            push(&state, &[unknown_unit, hamlet_under_province, invalid], hoctap_server::sync::Pusher::Replay)
                .await
                .expect("push");
        let codes: Vec<&str> = response.rejected.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["unknown_unit", "invalid_operation", "invalid_operation"], "{name}");
        assert!(response.rejected.iter().all(|r| !r.message.is_empty()));
        assert_eq!(last_seq(&state).expect("seq"), 0, "{name}: nothing was appended");
    }
}

#[tokio::test]
async fn a_recognised_record_is_locked_until_reopened() {
    for (name, store) in stores() {
        let state = state(store);
        let mut officer = Device::new("may-thon");
        let mut approver = Device::new("may-xa");
        let eval = evaluation("dg-1");
        let step = |t: Transition| OpBody::Transition { transition: t };
        let decision = Decision {
            number: "15/QĐ-UBND".into(),
            date: Date::new(2026, 11, 20).expect("date"),
            authority: "UBND phường Ba Đình".into(),
            override_reason: None,
            proposer: None,
        };
        let mut ops = vec![
            officer.set(COMMUNE, &eval, "year", json!(2026)),
            officer.op(COMMUNE, eval.clone(), step(Transition::Submit)),
        ];
        ops.push(approver.op(COMMUNE, eval.clone(), step(Transition::Approve)));
        ops.push(approver.op(COMMUNE, eval.clone(), step(Transition::Recognise { decision })));
        assert_eq!(
            push(&state, &ops, hoctap_server::sync::Pusher::Replay).await.expect("push").accepted.len(),
            4,
            "{name}"
        );
        let seq = last_seq(&state).expect("seq");

        let late = officer.set(COMMUNE, &eval, "year", json!(2025));
        let refused =
            push(&state, std::slice::from_ref(&late), hoctap_server::sync::Pusher::Replay).await.expect("push");
        assert_eq!(refused.rejected[0].code, "record_locked", "{name}");
        assert!(refused.rejected[0].message.contains("khóa"));
        assert_eq!(last_seq(&state).expect("seq"), seq);

        let reopen = approver.op(COMMUNE, eval.clone(), step(Transition::Reopen { reason: "Sai năm đánh giá".into() }));
        let fix = officer.set(COMMUNE, &eval, "year", json!(2025));
        let response = push(&state, &[reopen, fix], hoctap_server::sync::Pusher::Replay).await.expect("push");
        assert_eq!(response.accepted.len(), 2, "{name}: {response:?}");
        let view = record_view(&state, &eval).expect("view").expect("view");
        assert_eq!(view.status, merge::Status::Returned);
        assert_eq!(view.comment.as_deref(), Some("Sai năm đánh giá"));
    }
}

#[tokio::test]
async fn pulls_are_scoped_paged_and_resumable() {
    for (name, store) in stores() {
        let state = state(store);
        let mut device = Device::new("may-c");
        let mut ops =
            vec![device.register_hamlet("to-a", "Tổ dân phố A"), device.register_hamlet("to-b", "Tổ dân phố B")];
        for i in 0..12 {
            ops.push(device.set("hamlet:to-a", &household(&format!("a-{i}")), "ten_chu_ho", json!(format!("Hộ A{i}"))));
            ops.push(device.set("hamlet:to-b", &household(&format!("b-{i}")), "ten_chu_ho", json!(format!("Hộ B{i}"))));
        }
        // Another commune's data must never reach these devices.
        ops.push(device.set(OTHER_COMMUNE, &household("khac"), "ten_chu_ho", json!("Hộ khác")));
        assert_eq!(
            push(&state, &ops, hoctap_server::sync::Pusher::Replay).await.expect("push").accepted.len(),
            ops.len(),
            "{name}"
        );

        // Hamlet A's device pulls in pages of 5, resuming from each cursor.
        let mut seen = Vec::new();
        let mut cursor = 0;
        let mut pages = 0;
        loop {
            let page = pull(&state, "hamlet:to-a", cursor, 5, None).expect("pull");
            seen.extend(page.ops.iter().map(|o| o.id.clone()));
            cursor = page.cursor;
            pages += 1;
            if !page.more {
                break;
            }
        }
        assert_eq!(seen.len(), 12, "{name}");
        assert_eq!(pages, 3);
        assert!(
            pull(&state, "hamlet:to-a", cursor, 5, None).expect("pull").ops.is_empty(),
            "nothing after the last cursor"
        );
        // The commune sees both hamlets and their registrations, not the other commune.
        let commune = pull(&state, COMMUNE, 0, 1000, None).expect("pull");
        assert_eq!(commune.ops.len(), 26, "{name}");
        assert!(commune.ops.iter().all(|o| o.unit != OTHER_COMMUNE));
        // The province sees everything of both communes.
        assert_eq!(pull(&state, "province:01:2025", 0, 1000, None).expect("pull").ops.len(), 27);
        // A cursor from a broken connection resumes without duplicates.
        let first = pull(&state, COMMUNE, 0, 10, None).expect("pull");
        let rest = pull(&state, COMMUNE, first.cursor, 1000, None).expect("pull");
        let mut ids: Vec<String> = first.ops.iter().chain(&rest.ops).map(|o| o.id.clone()).collect();
        ids.dedup();
        assert_eq!(ids.len(), 26);
    }
}

/// A device that pulls with its own id gets only what others made after the moment it
/// keeps its own work from; the cursor still passes its own operations (a page they
/// thin is filled from further on), and what it made before that moment (dropped
/// locally at an account switch) comes back.
#[tokio::test]
async fn a_device_is_not_sent_back_what_it_made_itself() {
    for (name, store) in stores() {
        let state = state(store);
        let mut mine = Device::new("may-cua-toi");
        let mut theirs = Device::new("may-khac");
        let early = vec![mine.register_hamlet("to-a", "Tổ dân phố A")];
        let switched_at = early[0].hlc.wall_ms;
        let ops = vec![
            mine.set("hamlet:to-a", &household("ho-1"), "ten_chu_ho", json!("Lê Thị Hồng")),
            theirs.set("hamlet:to-a", &household("ho-2"), "ten_chu_ho", json!("Trần Văn Đức")),
            mine.set("hamlet:to-a", &household("ho-1"), "so_thanh_vien", json!(3)),
        ];
        push(&state, &early, hoctap_server::sync::Pusher::Replay).await.expect("push");
        push(&state, &ops, hoctap_server::sync::Pusher::Replay).await.expect("push");

        let own = sync::OwnOps { device: "may-cua-toi", since_ms: switched_at };
        let page = pull(&state, COMMUNE, 0, 1000, Some(own)).expect("pull");
        let ids: Vec<&str> = page.ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, vec![early[0].id.as_str(), ops[1].id.as_str()], "{name}");
        assert_eq!(page.cursor, last_seq(&state).expect("seq"), "{name}: the cursor passes the skipped ones");
        // From the beginning of time: everything of its own is skipped.
        let never = sync::OwnOps { device: "may-cua-toi", since_ms: 0 };
        let page = pull(&state, COMMUNE, 0, 1000, Some(never)).expect("pull");
        assert_eq!(page.ops.iter().map(|o| o.id.as_str()).collect::<Vec<_>>(), vec![ops[1].id.as_str()]);
        // A page thinned by its own operations is filled from further on.
        let page = pull(&state, COMMUNE, 1, 1, Some(never)).expect("pull");
        let ids: Vec<&str> = page.ops.iter().map(|o| o.id.as_str()).collect();
        assert_eq!(ids, vec![ops[1].id.as_str()], "{name}");
        assert!(page.more && page.cursor == 3, "{name}: {page:?}");
        let page = pull(&state, COMMUNE, 3, 1, Some(never)).expect("pull");
        assert!(page.ops.is_empty() && !page.more && page.cursor == 4, "{name}: only its own op was left: {page:?}");
        // Another device's id changes nothing.
        let other = sync::OwnOps { device: "may-la", since_ms: 0 };
        assert_eq!(pull(&state, COMMUNE, 0, 1000, Some(other)).expect("pull").ops.len(), 4, "{name}");
    }
}

#[tokio::test]
async fn stored_views_equal_the_merge_of_the_records_operations() {
    for (name, store) in stores() {
        let state = state(store);
        let mut a = Device::new("may-a");
        let mut b = Device::new("may-b");
        let record = household("ho-chung");
        let created = a.set(COMMUNE, &record, "ten_chu_ho", json!("Trần Thị B"));
        push(&state, std::slice::from_ref(&created), hoctap_server::sync::Pusher::Replay).await.expect("push");
        let edit_a = a.op(
            COMMUNE,
            record.clone(),
            OpBody::SetFields {
                fields: vec![FieldEdit {
                    field: "ten_chu_ho".into(),
                    value: json!("Trần Thị Bình"),
                    base: vec![created.id.clone()],
                }],
            },
        );
        let edit_b = b.op(
            COMMUNE,
            record.clone(),
            OpBody::SetFields {
                fields: vec![FieldEdit {
                    field: "ten_chu_ho".into(),
                    value: json!("Trần Thị Bích"),
                    base: vec![created.id.clone()],
                }],
            },
        );
        push(&state, &[edit_b], hoctap_server::sync::Pusher::Replay).await.expect("push");
        push(&state, &[edit_a], hoctap_server::sync::Pusher::Replay).await.expect("push");
        let ops = record_ops(&state, &record).expect("ops");
        let stored = record_view(&state, &record).expect("view").expect("view");
        assert_eq!(stored, merge::view(&record, &ops), "{name}");
        assert!(stored.fields["ten_chu_ho"].is_conflict(), "{name}: both values are kept");
    }
}

#[test]
fn review_rights_are_needed_for_every_step_but_submit() {
    let mut device = Device::new("x");
    let step = |d: &mut Device, t: Transition| d.op(COMMUNE, evaluation("e"), OpBody::Transition { transition: t });
    assert!(!sync::needs_review(&step(&mut device, Transition::Submit)));
    assert!(sync::needs_review(&step(&mut device, Transition::Approve)));
    assert!(sync::needs_review(&step(&mut device, Transition::Return { comment: "c".into() })));
}
