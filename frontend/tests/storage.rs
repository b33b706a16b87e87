//! Browser tests of `storage/` in headless Chromium (wasm-bindgen-test): what the outbox
//! and the device's facts look like after a reload, since that is what IndexedDB is for.
//! Each test uses its own database, deleted first, so runs do not see each other.
#![cfg(target_arch = "wasm32")]

use hoctap_frontend::evidence::Kept;
use hoctap_frontend::storage::{self, Draft, EvidenceFile, Storage, SCHEMA_VERSION};
use hoctap_shared::accounts::{Account, LoginResponse, Role};
use hoctap_shared::date::Date;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{
    Decision, FieldEdit, OpBody, Operation, RecordId, RecordKind, Rejection, Transition, MAX_OPS_PER_PUSH,
    MAX_PULL_PAGE,
};
use hoctap_shared::scoring::Answer;
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A fresh, empty database for one test.
async fn fresh(name: &str) -> Storage {
    let _ = Rexie::delete(name).await;
    match Storage::open_named(name).await {
        Ok(storage) => storage,
        Err(err) => panic!("open {name}: {err}"),
    }
}

async fn reopen(storage: Storage, name: &str) -> Storage {
    storage.close();
    Storage::open_named(name).await.unwrap_or_else(|err| panic!("reopen {name}: {err}"))
}

fn op(id: &str, wall_ms: i64, body: OpBody) -> Operation {
    Operation {
        id: id.to_string(),
        device: "dev-1".to_string(),
        hlc: Hlc { wall_ms, counter: 0, device: "dev-1".to_string() },
        record: RecordId { kind: RecordKind::Evaluation, id: "ev-1".to_string() },
        unit: "hamlet:h1".to_string(),
        body,
    }
}

fn sample_ops() -> Vec<Operation> {
    let fields = vec![
        FieldEdit { field: "set".to_string(), value: serde_json::json!("cdht-244-2022"), base: vec![] },
        FieldEdit { field: "year".to_string(), value: serde_json::json!(2026), base: vec![] },
        FieldEdit {
            field: "context".to_string(),
            value: serde_json::json!({ "area": "remote", "tags": ["school"], "subject_group": null }),
            base: vec!["op-0".to_string()],
        },
    ];
    let points = serde_json::from_value::<Answer>(serde_json::json!(8.5)).unwrap_or(Answer::Met(false));
    vec![
        op("op-b", 1_795_420_801_000, OpBody::SetFields { fields }),
        op("op-a", 1_795_420_801_001, OpBody::SetScore { indicator: "1.1".to_string(), answer: points, base: vec![] }),
        op(
            "op-c",
            1_795_420_801_002,
            OpBody::SetScore {
                indicator: "2.1".to_string(),
                answer: Answer::Share { numerator: 899, denominator: 1000 },
                base: vec!["op-x".to_string()],
            },
        ),
        op(
            "op-d",
            1_795_420_801_003,
            OpBody::SetScore { indicator: "3.1".to_string(), answer: Answer::Met(true), base: vec![] },
        ),
    ]
}

#[wasm_bindgen_test]
async fn appended_ops_read_back_exactly_after_a_reload() {
    let name = "test-outbox-reload";
    let storage = fresh(name).await;
    let ops = sample_ops();
    storage.append_ops(&ops).await.unwrap_or_else(|err| panic!("append: {err}"));
    let storage = reopen(storage, name).await;
    // Oldest first by clock, whatever the ids' order.
    assert_eq!(storage.outbox().await.unwrap_or_else(|err| panic!("outbox: {err}")), ops);
    assert_eq!(storage.outbox_len().await.ok(), Some(4));
    // The clock moved up to the latest appended op.
    let (_, clock) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(clock, ops[3].hlc);
    storage.close();
}

#[wasm_bindgen_test]
async fn appending_the_same_op_twice_keeps_one() {
    let name = "test-outbox-twice";
    let storage = fresh(name).await;
    let ops = sample_ops();
    storage.append_ops(&ops[..2]).await.unwrap_or_else(|err| panic!("append: {err}"));
    storage.append_ops(&ops[1..2]).await.unwrap_or_else(|err| panic!("append again: {err}"));
    storage.append_ops(&[ops[1].clone(), ops[1].clone()]).await.unwrap_or_else(|err| panic!("append twice: {err}"));
    assert_eq!(storage.outbox().await.ok(), Some(ops[..2].to_vec()));
    storage.close();
}

#[wasm_bindgen_test]
async fn the_device_id_is_minted_once_and_kept_across_reloads() {
    let name = "test-device";
    let storage = fresh(name).await;
    let (device, clock) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(device.len(), 36, "a UUID: {device}");
    assert_eq!(clock, Hlc::zero(&device));
    let (again, _) = storage.device().await.unwrap_or_else(|err| panic!("device again: {err}"));
    assert_eq!(again, device);

    let later = clock.tick(5_000).tick(5_000);
    storage.save_clock(&later).await.unwrap_or_else(|err| panic!("save clock: {err}"));
    let storage = reopen(storage, name).await;
    let (after_reload, clock) = storage.device().await.unwrap_or_else(|err| panic!("device after reload: {err}"));
    assert_eq!((after_reload, clock), (device, later));
    storage.close();
}

/// The database `name` with only the stores of schema 1 (`outbox`, `meta`), at IndexedDB
/// version `version`, written without the storage module.
async fn database_at(name: &str, version: u32) -> Rexie {
    Rexie::builder(name)
        .version(version)
        .add_object_store(ObjectStore::new("outbox").key_path("id"))
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap_or_else(|err| panic!("database at version {version}: {err}"))
}

#[wasm_bindgen_test]
async fn a_record_written_in_the_v1_shape_still_loads() {
    let name = "test-migrate-v1";
    let _ = Rexie::delete(name).await;
    // A database as version 1 of the app left it, written without this module: the
    // stores, the schema number and an outbox record as plain protocol-v1 JSON (the
    // example in docs/api.md).
    let db = database_at(name, 1).await;
    let record = serde_json::json!({
        "id": "0193b4c2-8001-7000-8000-000000000003",
        "device": "0193b4c2-7f1e-7a10-9c55-3f2d1e0a4b61",
        "hlc": { "wall_ms": 1795420801000_i64, "counter": 0, "device": "0193b4c2-7f1e-7a10-9c55-3f2d1e0a4b61" },
        "record": { "kind": "evaluation", "id": "0193b4c2-8001-7000-8000-0000000000e1" },
        "unit": "hamlet:0193a8e2-0000-7000-8000-000000000001",
        "body": { "type": "set_score", "indicator": "2.1", "answer": 8.5, "base": [] }
    });
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let value = serde::Serialize::serialize(&record, &serializer).unwrap_or_else(|err| panic!("to js: {err}"));
    let tx = db.transaction(&["outbox", "meta"], TransactionMode::ReadWrite).unwrap_or_else(|err| panic!("tx: {err}"));
    let outbox = tx.store("outbox").unwrap_or_else(|err| panic!("store: {err}"));
    outbox.put(&value, None).await.unwrap_or_else(|err| panic!("put: {err}"));
    let meta = tx.store("meta").unwrap_or_else(|err| panic!("store: {err}"));
    meta.put(&JsValue::from(1), Some(&JsValue::from_str("schema"))).await.unwrap_or_else(|err| panic!("put: {err}"));
    meta.put(&JsValue::from_str("0193b4c2-7f1e-7a10-9c55-3f2d1e0a4b61"), Some(&JsValue::from_str("device")))
        .await
        .unwrap_or_else(|err| panic!("put: {err}"));
    tx.done().await.unwrap_or_else(|err| panic!("commit: {err}"));
    db.close();

    let storage = Storage::open_named(name).await.unwrap_or_else(|err| panic!("open: {err}"));
    let expected: Operation = serde_json::from_value(record).unwrap_or_else(|err| panic!("decode: {err}"));
    assert_eq!(storage.outbox().await.ok(), Some(vec![expected.clone()]));
    // Version 2 keeps every known operation in `ops`: the outbox's were copied there.
    assert_eq!(storage.all_ops().await.ok(), Some(vec![expected]));
    let (device, _) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(device, "0193b4c2-7f1e-7a10-9c55-3f2d1e0a4b61");
    assert_eq!(SCHEMA_VERSION, 3);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_database_from_a_newer_version_is_refused_with_a_message() {
    let name = "test-newer-schema";
    let storage = fresh(name).await;
    storage.close();
    // Version 2 of the IndexedDB database, as a later app would leave it.
    let db = database_at(name, SCHEMA_VERSION + 1).await;
    db.close();
    match Storage::open_named(name).await {
        Ok(_) => panic!("a newer database opened"),
        Err(err) => {
            assert!(matches!(err, storage::StorageError::NewerDatabase(_)), "{err:?}");
            assert!(err.to_string().starts_with("Không lưu được vào bộ nhớ của trình duyệt: "), "{err}");
        }
    }
}

#[wasm_bindgen_test]
async fn estimate_and_persist_answer_in_chromium() {
    let estimate = storage::estimate().await.unwrap_or_else(|err| panic!("estimate: {err}"));
    let estimate = estimate.unwrap_or_else(|| panic!("Chromium offers navigator.storage.estimate()"));
    assert!(estimate.quota > 0.0 && estimate.usage >= 0.0, "{estimate:?}");
    let persisted = storage::persist().await.unwrap_or_else(|err| panic!("persist: {err}"));
    assert!(persisted.is_some());
}

#[wasm_bindgen_test]
async fn confirmed_ops_leave_the_outbox_and_refused_ones_are_kept_with_why() {
    let name = "hoctap-test-settle";
    let storage = fresh(name).await;
    let ops = sample_ops();
    storage.append_ops(&ops).await.unwrap_or_else(|err| panic!("append: {err}"));
    let refused = Rejection { op: ops[1].id.clone(), code: "record_locked".to_string(), message: "khóa".to_string() };
    storage.settle(&[ops[0].id.clone()], std::slice::from_ref(&refused)).await.unwrap_or_else(|err| panic!("{err}"));
    let storage = reopen(storage, name).await;
    let left: Vec<String> = storage.outbox().await.unwrap_or_default().into_iter().map(|op| op.id).collect();
    let expected: Vec<String> = ops[2..].iter().map(|op| op.id.clone()).collect();
    assert_eq!(left, expected);
    assert_eq!(storage.refused().await.ok(), Some(vec![refused]));
    assert_eq!(storage.all_ops().await.map(|o| o.len()).ok(), Some(ops.len()), "nothing is lost from ops");
    storage.close();
}

#[wasm_bindgen_test]
async fn a_pulled_page_is_stored_with_its_cursor_and_clock() {
    let name = "hoctap-test-pulled";
    let storage = fresh(name).await;
    let ops = sample_ops();
    let clock = Hlc { wall_ms: 9_000, counter: 2, device: "dev".to_string() };
    storage.store_pulled(&ops, &clock, 42).await.unwrap_or_else(|err| panic!("pulled: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.cursor().await.ok(), Some(42));
    assert_eq!(storage.outbox_len().await.ok(), Some(0), "pulled operations are not ours to send");
    assert_eq!(storage.all_ops().await.map(|o| o.len()).ok(), Some(ops.len()));
    let (_, stored) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(stored, clock);
    storage.close();
}

#[wasm_bindgen_test]
async fn evidence_is_kept_once_until_uploaded() {
    let name = "hoctap-test-evidence";
    let storage = fresh(name).await;
    let file = EvidenceFile {
        sha256: "ab".repeat(32),
        media_type: "image/jpeg".to_string(),
        name: Some("ảnh lớp học.jpg".to_string()),
        bytes: vec![0xff, 0xd8, 0xff, 0, 1, 2, 3],
        uploaded: false,
    };
    storage.put_evidence(&file).await.unwrap_or_else(|err| panic!("put: {err}"));
    storage.put_evidence(&file).await.unwrap_or_else(|err| panic!("put again: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.pending_evidence().await.ok(), Some(vec![file.clone()]));
    storage.mark_uploaded(&file.sha256).await.unwrap_or_else(|err| panic!("mark: {err}"));
    assert_eq!(storage.pending_evidence().await.ok(), Some(vec![]));
    assert_eq!(storage.evidence(&file.sha256).await.ok().flatten().map(|f| f.bytes), Some(file.bytes));
    storage.close();
}

#[wasm_bindgen_test]
async fn fetched_evidence_is_kept_within_the_bound_least_recently_shown_first() {
    let name = "hoctap-test-evidence-kept";
    let storage = fresh(name).await;
    let file = |tag: &str, uploaded: bool| EvidenceFile {
        sha256: tag.repeat(32),
        media_type: "image/jpeg".to_string(),
        name: None,
        bytes: vec![0xff; 100],
        uploaded,
    };
    let shown = |tag: &str, ms: u64| Kept { sha256: tag.repeat(32), size: 100, shown_ms: ms };
    // The device's own file, not sent: never listed, never removed.
    storage.put_evidence(&file("00", false)).await.unwrap_or_else(|err| panic!("put: {err}"));
    storage.keep_shown(None, shown("00", 1), 250).await.unwrap_or_else(|err| panic!("show own: {err}"));
    for (at, tag) in ["a1", "b2"].into_iter().enumerate() {
        storage
            .keep_shown(Some(&file(tag, true)), shown(tag, 10 + at as u64), 250)
            .await
            .unwrap_or_else(|err| panic!("keep {tag}: {err}"));
    }
    // a1 is shown again, so b2 is now the least recently shown and goes for c3.
    storage.keep_shown(None, shown("a1", 20), 250).await.unwrap_or_else(|err| panic!("show a1: {err}"));
    storage
        .keep_shown(Some(&file("c3", true)), shown("c3", 30), 250)
        .await
        .unwrap_or_else(|err| panic!("keep c3: {err}"));
    let storage = reopen(storage, name).await;
    let kept: Vec<String> =
        storage.kept_evidence().await.unwrap_or_default().into_iter().map(|k| k.sha256[..2].to_string()).collect();
    assert_eq!(kept, ["a1", "c3"]);
    let mut held = Vec::new();
    for tag in ["00", "a1", "b2", "c3"] {
        held.push(storage.evidence(&tag.repeat(32)).await.ok().flatten().is_some());
    }
    assert_eq!(held, [true, true, false, true], "the own unsent file stays; b2 went");
    storage.close();
}

#[wasm_bindgen_test]
async fn report_pages_are_kept_newest_first_and_drafts_until_saved() {
    let name = "hoctap-test-pages";
    let storage = fresh(name).await;
    for i in 0..10 {
        storage.cache_page(&format!("/reports/u/{i}"), &format!("{{\"n\":{i}}}")).await.expect("kept");
    }
    // Kept again: moves to the front instead of being kept twice.
    storage.cache_page("/reports/u/3", "{\"n\":33}").await.expect("kept");
    storage.keep_narrative_draft("u@2026", Some("{\"achievements\":\"Đạt\"}")).await.expect("kept");
    let storage = reopen(storage, name).await;
    assert_eq!(storage.cached_page("/reports/u/3").await.expect("read").as_deref(), Some("{\"n\":33}"));
    assert_eq!(storage.cached_page("/reports/u/9").await.expect("read").as_deref(), Some("{\"n\":9}"));
    // Eight are kept: the two oldest (0 and 1) are gone.
    assert_eq!(storage.cached_page("/reports/u/1").await.expect("read"), None);
    assert_eq!(storage.cached_page("/reports/u/2").await.expect("read").as_deref(), Some("{\"n\":2}"));
    assert_eq!(storage.narrative_draft("u@2026").await.expect("read").as_deref(), Some("{\"achievements\":\"Đạt\"}"));
    storage.keep_narrative_draft("u@2026", None).await.expect("forgotten");
    assert_eq!(storage.narrative_draft("u@2026").await.expect("read"), None);
    storage.close();
}

/// A session of `account` on the hamlet `h1`.
fn session(account: &str) -> LoginResponse {
    LoginResponse {
        token: format!("token-{account}"),
        expires_at_ms: 4_000_000_000_000,
        account: Account {
            id: account.to_string(),
            username: account.to_string(),
            display_name: "Nguyễn Thị Lan".to_string(),
            role: Role::Collaborator,
            unit: "hamlet:h1".to_string(),
            disabled: false,
        },
        session_id: String::new(),
    }
}

/// `count` scores made by `device` from `wall_ms` on, as a full page or batch carries
/// them.
fn scores(count: usize, device: &str, wall_ms: i64) -> Vec<Operation> {
    (0..count)
        .map(|i| Operation {
            id: format!("{device}-op-{i:05}"),
            device: device.to_string(),
            hlc: Hlc { wall_ms: wall_ms + i as i64, counter: 0, device: device.to_string() },
            record: RecordId { kind: RecordKind::Evaluation, id: format!("ev-{}", i / 12) },
            unit: "hamlet:h1".to_string(),
            body: OpBody::SetScore {
                indicator: format!("{}.1", i % 12 + 1),
                answer: Answer::Met(i % 2 == 0),
                base: vec![],
            },
        })
        .collect()
}

/// Oldest first, as the storage reads operations back.
fn in_order(mut ops: Vec<Operation>) -> Vec<Operation> {
    ops.sort_by(|a, b| (&a.hlc, &a.id).cmp(&(&b.hlc, &b.id)));
    ops
}

#[wasm_bindgen_test]
async fn a_full_page_is_stored_whole_and_a_full_batch_settles_whole() {
    let name = "hoctap-test-full-page";
    let storage = fresh(name).await;
    let pulled = scores(MAX_PULL_PAGE, "other", 1_795_420_800_000);
    let clock = Hlc { wall_ms: 1_795_420_900_000, counter: 0, device: "dev-1".to_string() };
    storage.store_pulled(&pulled, &clock, 1_000).await.unwrap_or_else(|err| panic!("pulled: {err}"));
    let own = scores(MAX_OPS_PER_PUSH, "dev-1", 1_795_420_900_001);
    storage.append_ops(&own).await.unwrap_or_else(|err| panic!("append: {err}"));
    assert_eq!(storage.outbox_len().await.ok(), Some(MAX_OPS_PER_PUSH as u32));
    let confirmed: Vec<String> = own.iter().map(|op| op.id.clone()).collect();
    storage.settle(&confirmed, &[]).await.unwrap_or_else(|err| panic!("settle: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.outbox_len().await.ok(), Some(0), "every confirmed op left the outbox");
    let all = storage.all_ops().await.unwrap_or_else(|err| panic!("all ops: {err}"));
    assert!(all == in_order([pulled, own].concat()), "{} ops read back", all.len());
    assert_eq!(storage.cursor().await.ok(), Some(1_000));
    storage.close();
}

#[wasm_bindgen_test]
async fn every_kind_of_operation_reads_back_exactly() {
    let name = "hoctap-test-every-kind";
    let storage = fresh(name).await;
    let answer = |json: serde_json::Value| serde_json::from_value::<Answer>(json).unwrap_or(Answer::Met(false));
    let decision = Decision {
        number: "15/QĐ-UBND".to_string(),
        date: Date::new(2026, 11, 20).unwrap_or_else(|| panic!("a real day")),
        authority: "Ủy ban nhân dân xã Cửu An".to_string(),
        override_reason: None,
        proposer: None,
    };
    let fields = vec![
        FieldEdit { field: "year".to_string(), value: serde_json::json!(2026), base: vec![] },
        FieldEdit { field: "debt".to_string(), value: serde_json::json!(-9_007_199_254_740_991_i64), base: vec![] },
        FieldEdit { field: "share".to_string(), value: serde_json::json!(0.25), base: vec!["op-0".to_string()] },
        FieldEdit {
            field: "context".to_string(),
            value: serde_json::json!({ "area": "remote", "tags": ["trường học"], "subject_group": null, "n": [1, 2.5] }),
            base: vec![],
        },
    ];
    let bodies = vec![
        OpBody::SetFields { fields },
        OpBody::SetScore { indicator: "1.1".to_string(), answer: answer(serde_json::json!(9)), base: vec![] },
        OpBody::SetScore { indicator: "1.2".to_string(), answer: answer(serde_json::json!(8.25)), base: vec![] },
        OpBody::SetScore {
            indicator: "2.1".to_string(),
            answer: Answer::Share { numerator: 899, denominator: 1000 },
            base: vec!["op-x".to_string(), "op-y".to_string()],
        },
        OpBody::AttachEvidence {
            indicator: "2.1".to_string(),
            sha256: "ab".repeat(32),
            media_type: "image/jpeg".to_string(),
            size: 4_194_304,
            name: Some("ảnh.jpg".to_string()),
        },
        OpBody::AttachEvidence {
            indicator: "2.2".to_string(),
            sha256: "cd".repeat(32),
            media_type: "application/pdf".to_string(),
            size: 0,
            name: None,
        },
        OpBody::DetachEvidence { indicator: "2.1".to_string(), sha256: "ab".repeat(32) },
        OpBody::Transition { transition: Transition::Submit },
        OpBody::Transition { transition: Transition::Return { comment: "Thiếu minh chứng".to_string() } },
        OpBody::Transition { transition: Transition::Approve },
        OpBody::Transition { transition: Transition::Recognise { decision } },
        OpBody::Transition { transition: Transition::Reopen { reason: "Sửa điểm".to_string() } },
    ];
    let ops: Vec<Operation> = bodies
        .into_iter()
        .enumerate()
        .map(|(i, body)| op(&format!("op-{i:02}"), 1_795_420_801_000 + i as i64, body))
        .collect();
    storage.append_ops(&ops).await.unwrap_or_else(|err| panic!("append: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.outbox().await.unwrap_or_else(|err| panic!("outbox: {err}")), ops);
    assert_eq!(storage.all_ops().await.unwrap_or_else(|err| panic!("all ops: {err}")), ops);
    storage.close();
}

#[wasm_bindgen_test]
async fn own_since_stays_zero_until_the_device_signs_in_as_another_account() {
    let name = "hoctap-test-own-since";
    let storage = fresh(name).await;
    assert_eq!(storage.own_since().await.ok(), Some(0), "a new device");
    storage.sign_in(&session("a")).await.unwrap_or_else(|err| panic!("sign in: {err}"));
    let own = scores(3, "dev-1", 1_795_420_801_000);
    storage.append_ops(&own).await.unwrap_or_else(|err| panic!("append: {err}"));
    storage.settle(&[own[0].id.clone()], &[]).await.unwrap_or_else(|err| panic!("settle: {err}"));
    let clock = Hlc { wall_ms: 1_795_420_900_000, counter: 4, device: "dev-1".to_string() };
    storage.store_pulled(&scores(2, "other", 1_795_420_800_000), &clock, 2).await.unwrap_or_else(|err| panic!("{err}"));
    // The same account again (a session renewed): nothing of this device's is dropped.
    storage.sign_in(&session("a")).await.unwrap_or_else(|err| panic!("sign in again: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.own_since().await.ok(), Some(0));
    assert_eq!(storage.all_ops().await.map(|ops| ops.len()).ok(), Some(5));

    let before = js_sys::Date::now() as u64;
    storage.sign_in(&session("b")).await.unwrap_or_else(|err| panic!("switch: {err}"));
    let storage = reopen(storage, name).await;
    let since = storage.own_since().await.unwrap_or_else(|err| panic!("own since: {err}"));
    assert!(since >= before && since >= clock.wall_ms as u64, "own_since {since}, before {before}");
    // Only the outbox is left in `ops`: the confirmed own op is pulled again, being
    // before `own_since`.
    let left: Vec<String> = storage.all_ops().await.unwrap_or_default().into_iter().map(|op| op.id).collect();
    assert_eq!(left, vec![own[1].id.clone(), own[2].id.clone()]);
    assert!(since > own[2].hlc.wall_ms as u64);
    assert_eq!(storage.cursor().await.ok(), Some(0));
    storage.close();
}

#[wasm_bindgen_test]
async fn own_since_follows_a_clock_ahead_of_the_wall_clock() {
    let name = "hoctap-test-own-since-ahead";
    let storage = fresh(name).await;
    storage.sign_in(&session("a")).await.unwrap_or_else(|err| panic!("sign in: {err}"));
    // An operation pulled from a device whose clock is decades ahead moved this one's.
    let ahead = Hlc { wall_ms: 4_000_000_000_000, counter: 0, device: "dev-1".to_string() };
    storage.store_pulled(&scores(1, "other", 4_000_000_000_000), &ahead, 1).await.unwrap_or_else(|err| panic!("{err}"));
    storage.sign_in(&session("b")).await.unwrap_or_else(|err| panic!("switch: {err}"));
    assert_eq!(storage.own_since().await.ok(), Some(4_000_000_000_000));
    storage.close();
}

#[wasm_bindgen_test]
async fn discarding_the_outbox_moves_own_since() {
    let name = "hoctap-test-own-since-discard";
    let storage = fresh(name).await;
    let own = scores(MAX_OPS_PER_PUSH + 5, "dev-1", 1_795_420_801_000);
    storage.append_ops(&own).await.unwrap_or_else(|err| panic!("append: {err}"));
    assert_eq!(storage.discard_outbox().await.ok(), Some(own.len() as u32));
    assert_eq!(storage.all_ops().await.map(|ops| ops.len()).ok(), Some(0));
    let since = storage.own_since().await.unwrap_or_else(|err| panic!("own since: {err}"));
    assert!(since >= own[own.len() - 1].hlc.wall_ms as u64, "{since}");
    storage.close();
}

#[wasm_bindgen_test]
async fn a_device_upgraded_from_schema_1_pulls_its_own_operations_again() {
    let name = "hoctap-test-own-since-v1";
    let _ = Rexie::delete(name).await;
    let db = database_at(name, 1).await;
    let tx = db.transaction(&["meta"], TransactionMode::ReadWrite).unwrap_or_else(|err| panic!("tx: {err}"));
    let meta = tx.store("meta").unwrap_or_else(|err| panic!("store: {err}"));
    meta.put(&JsValue::from(1), Some(&JsValue::from_str("schema"))).await.unwrap_or_else(|err| panic!("put: {err}"));
    meta.put(&JsValue::from_str("dev-1"), Some(&JsValue::from_str("device")))
        .await
        .unwrap_or_else(|err| panic!("{err}"));
    tx.done().await.unwrap_or_else(|err| panic!("commit: {err}"));
    db.close();
    let before = js_sys::Date::now() as u64;
    let storage = Storage::open_named(name).await.unwrap_or_else(|err| panic!("open: {err}"));
    assert!(storage.own_since().await.unwrap_or(0) >= before);
    storage.close();
}

#[wasm_bindgen_test]
async fn a_pull_never_moves_the_clock_back() {
    let name = "hoctap-test-clock-back";
    let storage = fresh(name).await;
    let own = scores(1, "dev-1", 1_795_420_801_000);
    storage.append_ops(&own).await.unwrap_or_else(|err| panic!("append: {err}"));
    // A round read the clock before the officer saved, and stores its page after.
    let older = Hlc { wall_ms: 1_795_420_800_000, counter: 9, device: "dev-1".to_string() };
    storage.store_pulled(&[], &older, 3).await.unwrap_or_else(|err| panic!("pulled: {err}"));
    let (_, clock) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(clock, own[0].hlc);
    assert_eq!(storage.cursor().await.ok(), Some(3));
    storage.close();
}

#[wasm_bindgen_test]
async fn issue_14_work_stamped_again_replaces_its_copies_and_the_clock_goes_back() {
    let name = "hoctap-test-restamp";
    let storage = fresh(name).await;
    // Saved on a phone a year fast: the stored clock is a year ahead.
    let year = 365 * 24 * 60 * 60 * 1000;
    let ops = scores(3, "dev-1", 1_795_420_801_000 + year);
    storage.append_ops(&ops).await.unwrap_or_else(|err| panic!("append: {err}"));
    // The first was confirmed meanwhile; the other two are stamped again from today.
    storage.settle(&[ops[0].id.clone()], &[]).await.unwrap_or_else(|err| panic!("settle: {err}"));
    let clock = Hlc { wall_ms: 1_795_420_801_000, counter: 2, device: "dev-1".to_string() };
    let again: Vec<Operation> = ops
        .iter()
        .zip(0..)
        .map(|(op, counter)| Operation { hlc: Hlc { counter, ..clock.clone() }, ..op.clone() })
        .collect();
    storage.restamp(&again, &clock).await.unwrap_or_else(|err| panic!("restamp: {err}"));
    let storage = reopen(storage, name).await;
    let outbox = storage.outbox().await.unwrap_or_else(|err| panic!("outbox: {err}"));
    assert_eq!(outbox, again[1..].to_vec(), "same ids, new stamps, in order");
    let known = storage.all_ops().await.unwrap_or_else(|err| panic!("ops: {err}"));
    assert_eq!(known.len(), ops.len(), "replaced, not added");
    assert!(known.contains(&ops[0]), "a confirmed operation keeps the stamp the server holds");
    assert!(known.contains(&again[2]));
    let (_, stored) = storage.device().await.unwrap_or_else(|err| panic!("device: {err}"));
    assert_eq!(stored, clock, "the clock is reset, though earlier than the one stored");
    storage.close();
}

#[wasm_bindgen_test]
async fn an_op_claimed_when_sent_is_kept_as_sent() {
    let name = "hoctap-test-keep-sent";
    let storage = fresh(name).await;
    let mut saved = scores(1, "dev-1", 1_795_420_801_000);
    saved[0].unit = String::new();
    storage.append_ops(&saved).await.unwrap_or_else(|err| panic!("append: {err}"));
    let mut sent = saved.clone();
    sent[0].unit = "hamlet:h1".to_string();
    storage.keep_sent(&sent).await.unwrap_or_else(|err| panic!("keep: {err}"));
    storage.settle(&[sent[0].id.clone()], &[]).await.unwrap_or_else(|err| panic!("settle: {err}"));
    assert_eq!(storage.all_ops().await.ok(), Some(sent));
    assert_eq!(storage.outbox_len().await.ok(), Some(0));
    storage.close();
}

fn draft(account: &str, form: &str, saved_ms: f64, answers: &[(&str, &str)]) -> Draft {
    Draft {
        account: account.to_string(),
        form: form.to_string(),
        label: format!("Phiếu đánh giá: Lê Văn Tâm ({form})"),
        saved_ms,
        answers: answers.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
    }
}

#[wasm_bindgen_test]
async fn issue_15_drafts_are_kept_per_account_and_form_until_deleted() {
    let name = "hoctap-test-drafts";
    let storage = fresh(name).await;
    let scores = [("1.1", "p8,5"), ("2.1", "m1"), ("@area", "remote"), ("@tags", "")];
    let first = draft("a", "#danh-gia/ev-1", 1_795_420_801_000.0, &scores);
    let person = draft("a", "#them/nguoi", 1_795_420_802_000.0, &[("name", "Trần Thị Hoa")]);
    let other = draft("b", "#danh-gia/ev-1", 1_795_420_803_000.0, &[("1.1", "p")]);
    for d in [&first, &person, &other] {
        storage.put_draft(d).await.unwrap_or_else(|err| panic!("put: {err}"));
    }
    let storage = reopen(storage, name).await;
    assert_eq!(storage.draft("a", "#danh-gia/ev-1").await.ok(), Some(Some(first.clone())));
    // Another account's draft of the same form is its own; none for a form never typed in.
    assert_eq!(storage.draft("b", "#danh-gia/ev-1").await.ok(), Some(Some(other.clone())));
    assert_eq!(storage.draft("a", "#danh-gia/ev-2").await.ok(), Some(None));
    // The account's drafts, the latest first; never another account's.
    assert_eq!(storage.drafts("a").await.ok(), Some(vec![person.clone(), first.clone()]));
    assert_eq!(storage.drafts("c").await.ok(), Some(vec![]));
    // Written again: replaced, not kept twice.
    let later = draft("a", "#danh-gia/ev-1", 1_795_420_809_000.0, &[("1.1", "p9")]);
    storage.put_draft(&later).await.unwrap_or_else(|err| panic!("put again: {err}"));
    assert_eq!(storage.drafts("a").await.ok(), Some(vec![later.clone(), person.clone()]));
    storage.delete_draft("a", "#danh-gia/ev-1").await.unwrap_or_else(|err| panic!("delete: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.draft("a", "#danh-gia/ev-1").await.ok(), Some(None));
    assert_eq!(storage.draft("b", "#danh-gia/ev-1").await.ok(), Some(Some(other)));
    assert_eq!(storage.drafts("a").await.ok(), Some(vec![person]));
    // Drafts are not operations: nothing waits to be sent.
    assert_eq!(storage.outbox_len().await.ok(), Some(0));
    storage.close();
}

#[wasm_bindgen_test]
async fn issue_15_a_schema_2_database_keeps_everything_and_gains_drafts() {
    let name = "hoctap-test-migrate-v2";
    let _ = Rexie::delete(name).await;
    // A database as version 2 of the app left it, written without the storage module.
    let db = Rexie::builder(name)
        .version(2)
        .add_object_store(ObjectStore::new("outbox").key_path("id"))
        .add_object_store(ObjectStore::new("ops").key_path("id"))
        .add_object_store(ObjectStore::new("evidence").key_path("sha256"))
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap_or_else(|err| panic!("database at version 2: {err}"));
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let to_js = |value: &serde_json::Value| {
        serde::Serialize::serialize(value, &serializer).unwrap_or_else(|err| panic!("to js: {err}"))
    };
    let ops = sample_ops();
    let (waiting, pulled) =
        (serde_json::to_value(&ops[0]).unwrap_or_default(), serde_json::to_value(&ops[1]).unwrap_or_default());
    let stores = ["outbox", "ops", "meta"];
    let tx = db.transaction(&stores, TransactionMode::ReadWrite).unwrap_or_else(|err| panic!("tx: {err}"));
    let store = |name: &str| tx.store(name).unwrap_or_else(|err| panic!("store {name}: {err}"));
    store("outbox").put(&to_js(&waiting), None).await.unwrap_or_else(|err| panic!("put: {err}"));
    store("ops").put(&to_js(&waiting), None).await.unwrap_or_else(|err| panic!("put: {err}"));
    store("ops").put(&to_js(&pulled), None).await.unwrap_or_else(|err| panic!("put: {err}"));
    let meta = store("meta");
    for (key, value) in [
        ("schema", JsValue::from(2)),
        ("device", JsValue::from_str("dev-1")),
        ("cursor", JsValue::from(42)),
        ("outbox_owner", JsValue::from_str("a")),
        ("session", to_js(&serde_json::to_value(session("a")).unwrap_or_default())),
    ] {
        meta.put(&value, Some(&JsValue::from_str(key))).await.unwrap_or_else(|err| panic!("put {key}: {err}"));
    }
    tx.done().await.unwrap_or_else(|err| panic!("commit: {err}"));
    db.close();

    let storage = Storage::open_named(name).await.unwrap_or_else(|err| panic!("open: {err}"));
    assert_eq!(storage.outbox().await.ok(), Some(vec![ops[0].clone()]));
    assert_eq!(storage.all_ops().await.ok(), Some(vec![ops[0].clone(), ops[1].clone()]));
    assert_eq!(storage.cursor().await.ok(), Some(42));
    assert_eq!(storage.session().await.ok().flatten().map(|s| s.account.id), Some("a".to_string()));
    assert_eq!(storage.outbox_owner().await.ok().flatten().as_deref(), Some("a"));
    assert_eq!(storage.device().await.ok().map(|(device, _)| device).as_deref(), Some("dev-1"));
    // Version 2 already held every own operation: nothing is to be pulled again.
    assert_eq!(storage.own_since().await.ok(), Some(0));
    assert_eq!(storage.drafts("a").await.ok(), Some(vec![]));
    let kept = draft("a", "#ho-so/nguoi/p-1", 1_795_420_801_000.0, &[("birth_year", "1985")]);
    storage.put_draft(&kept).await.unwrap_or_else(|err| panic!("put: {err}"));
    let storage = reopen(storage, name).await;
    assert_eq!(storage.drafts("a").await.ok(), Some(vec![kept]));
    assert_eq!(storage.outbox().await.ok(), Some(vec![ops[0].clone()]));
    storage.close();
    // The schema now recorded is this build's.
    let db = Rexie::builder(name)
        .version(SCHEMA_VERSION)
        .add_object_store(ObjectStore::new("meta"))
        .build()
        .await
        .unwrap_or_else(|err| panic!("open at {SCHEMA_VERSION}: {err}"));
    let tx = db.transaction(&["meta"], TransactionMode::ReadOnly).unwrap_or_else(|err| panic!("tx: {err}"));
    let schema = tx.store("meta").unwrap_or_else(|err| panic!("store: {err}")).get(JsValue::from_str("schema")).await;
    assert_eq!(schema.ok().flatten().and_then(|v| v.as_f64()), Some(f64::from(SCHEMA_VERSION)));
    db.close();
}
