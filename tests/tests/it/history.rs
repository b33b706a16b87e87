//! Issue 16, a record's history (`GET /records/{kind}/{id}/history`) through the API:
//! every step of a review with who (name and role), when (the server's time and the
//! device's) and from which device; old and new values of a corrected score; a refused
//! change with its Vietnamese reason, kept once however often it is sent and bounded per
//! record; pages; and the scope — a record outside it is 404, as one that does not exist.

use std::sync::Arc;

use axum::http::StatusCode;
use hoctap_server::auth;
use hoctap_server::store::{MemoryStore, Store};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{Decision, FieldEdit, OpBody, Operation, RecordId, RecordKind, Transition};
use hoctap_shared::scoring::Answer;
use serde_json::{json, Value};

use crate::auth::{backends, code_of, str_of, World, PASSWORD};
use crate::authority::{answers, SET};

/// A signed-in account on a named device.
struct Officer {
    token: String,
    device: &'static str,
}

/// Invites `name` to `role` on `unit` and accepts on the device `device` ("Ghi nhớ đăng
/// nhập trên máy này"), so the server knows the device's name.
fn officer(world: &World, role: Role, unit: &str, name: &str, username: &str, device: &'static str) -> Officer {
    let request = CreateInvitation { role, unit: unit.to_string(), display_name: name.to_string(), valid_hours: None };
    let invitation = auth::create_invitation(&world.state, &request, None).expect("invitation").token;
    let body = json!({"username": username, "password": PASSWORD,
        "device": {"id": device, "label": format!("Điện thoại của {name}")}});
    let (status, reply) = world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
    assert_eq!(status, StatusCode::CREATED, "{reply}");
    Officer { token: str_of(&reply["token"]), device }
}

/// Operations stamped by one device's clock, a second apart and a minute behind the
/// server's, so every step sorts after the last.
struct Ops {
    next: u64,
}

impl Ops {
    fn op(&mut self, world: &World, who: &Officer, record: &RecordId, unit: &str, body: OpBody) -> Operation {
        use hoctap_server::clock::Clock;
        self.next += 1;
        let wall_ms = world.clock.now_ms() - 60_000 + self.next as i64;
        Operation {
            id: format!("op-{}-{}", who.device, self.next),
            device: who.device.to_string(),
            hlc: Hlc { wall_ms, counter: 0, device: who.device.to_string() },
            record: record.clone(),
            unit: unit.to_string(),
            body,
        }
    }
}

fn set(fields: &[(&str, Value)]) -> OpBody {
    OpBody::SetFields {
        fields: fields
            .iter()
            .map(|(f, v)| FieldEdit { field: f.to_string(), value: v.clone(), base: vec![] })
            .collect(),
    }
}

fn step(transition: Transition) -> OpBody {
    OpBody::Transition { transition }
}

/// Pushes `ops` as `who`; returns the push's answer.
#[track_caller]
fn push(world: &World, who: &Officer, ops: &[Operation]) -> Value {
    let body = json!({"protocol": 1, "device": who.device, "ops": ops});
    let (status, reply) = world.call("POST", "/sync/push", Some(&who.token), Some(body));
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

#[track_caller]
fn accepted(world: &World, who: &Officer, ops: &[Operation]) {
    let reply = push(world, who, ops);
    assert_eq!(reply["accepted"].as_array().map(Vec::len), Some(ops.len()), "{reply}");
}

/// The history as `who` reads it.
#[track_caller]
fn history(world: &World, who: &Officer, record: &RecordId, query: &str) -> (StatusCode, Value) {
    let kind = serde_json::to_value(record.kind).expect("json");
    let uri = format!("/records/{}/{}/history{query}", kind.as_str().unwrap_or_default(), record.id);
    world.call("GET", &uri, Some(&who.token), None)
}

/// Each event in a line: who (role), device, what — for the expectations below.
fn lines(history: &Value) -> Vec<String> {
    let events = history["events"].as_array().cloned().unwrap_or_default();
    events
        .iter()
        .map(|e| {
            let who =
                format!("{} ({})", e["who"]["name"].as_str().unwrap_or("?"), e["who"]["role"].as_str().unwrap_or("?"));
            let changes: Vec<String> = e["changes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| match c["what"].as_str() {
                    Some("field") => format!("{} {} -> {}", c["field"], c["old"], c["new"]),
                    Some("score") => format!("score {} {} -> {}", c["indicator"], c["old"], c["new"]),
                    Some("evidence") => format!("evidence {} {}", c["indicator"], c["attached"]),
                    Some("transition") => format!(
                        "{} {}->{}",
                        c["transition"]["action"].as_str().unwrap_or("?"),
                        c["from"].as_str().unwrap_or("-"),
                        c["to"].as_str().unwrap_or("-")
                    ),
                    _ => c.to_string(),
                })
                .collect();
            let refused = e["refused"]["code"].as_str().map(|c| format!(" REFUSED {c}")).unwrap_or_default();
            format!("{who} @{}: {}{refused}", e["device_label"].as_str().unwrap_or("?"), changes.join("; "))
        })
        .collect()
}

/// A hamlet's officer scores and submits; the commune returns it, the officer corrects
/// a score and submits again; the commune approves, recognises and reopens it. Also a
/// change the server refuses while it is recognised.
struct Review {
    world: World,
    lan: Officer,
    binh: Officer,
    evaluation: RecordId,
    /// The server's clock at each step, in order.
    times: Vec<i64>,
}

fn review(backend: &'static str, store: Arc<dyn Store>) -> Review {
    use hoctap_server::clock::Clock;
    let world = World::new(backend, store);
    let a = world.units.a.clone();
    let c = world.units.c.clone();
    let lan = officer(&world, Role::Collaborator, &a, "Nguyễn Thị Lan", "lan.an", "may-lan");
    let binh = officer(&world, Role::CommuneApprover, &c, "Trần Văn Bình", "binh.xa", "may-binh");
    let mut ops = Ops { next: 0 };
    let person = RecordId { kind: RecordKind::Person, id: "nguoi-hoa".to_string() };
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: "danh-gia-hoa".to_string() };
    let mut times = Vec::new();
    let mut at = |world: &World| {
        world.clock.advance(3_600_000);
        times.push(world.clock.now_ms());
    };

    at(&world);
    let mut first = vec![
        ops.op(&world, &lan, &person, &a, set(&[("name", json!("Đỗ Thị Hoa")), ("birth_year", json!(1990))])),
        ops.op(
            &world,
            &lan,
            &evaluation,
            &a,
            set(&[
                ("set", json!(SET)),
                ("year", json!(2026)),
                ("subject", serde_json::to_value(&person).expect("json")),
            ]),
        ),
    ];
    for (indicator, answer) in answers(true) {
        first.push(ops.op(&world, &lan, &evaluation, &a, OpBody::SetScore { indicator, answer, base: vec![] }));
    }
    first.push(ops.op(&world, &lan, &evaluation, &a, step(Transition::Submit)));
    accepted(&world, &lan, &first);
    let first_score = first.iter().find(|op| matches!(op.body, OpBody::SetScore { .. })).expect("a score").clone();

    at(&world);
    let comment = "Thiếu ảnh minh chứng; chỉ số 1.1 cần chấm lại.".to_string();
    accepted(&world, &binh, &[ops.op(&world, &binh, &evaluation, &a, step(Transition::Return { comment }))]);

    at(&world);
    let OpBody::SetScore { indicator, .. } = &first_score.body else { unreachable!() };
    let corrected = OpBody::SetScore {
        indicator: indicator.clone(),
        answer: serde_json::from_value::<Answer>(json!(9)).expect("answer"),
        base: vec![first_score.id.clone()],
    };
    accepted(
        &world,
        &lan,
        &[
            ops.op(&world, &lan, &evaluation, &a, corrected),
            ops.op(&world, &lan, &evaluation, &a, step(Transition::Submit)),
        ],
    );

    at(&world);
    let decision = Decision {
        number: "15/QĐ-UBND".into(),
        date: hoctap_shared::date::Date::parse_iso("2026-11-20").expect("date"),
        authority: "Ủy ban nhân dân xã".into(),
        override_reason: None,
        proposer: None,
    };
    accepted(
        &world,
        &binh,
        &[
            ops.op(&world, &binh, &evaluation, &a, step(Transition::Approve)),
            ops.op(&world, &binh, &evaluation, &a, step(Transition::Recognise { decision })),
        ],
    );

    // Locked: the officer's late change is refused, and kept in the history with why.
    at(&world);
    let late = ops.op(&world, &lan, &evaluation, &a, set(&[("context", json!({"area": "remote"}))]));
    let reply = push(&world, &lan, std::slice::from_ref(&late));
    assert_eq!(reply["rejected"][0]["code"], "record_locked", "{reply}");
    // Sent again (the answer was lost): still one refusal.
    world.clock.advance(1_000);
    push(&world, &lan, std::slice::from_ref(&late));

    at(&world);
    let reason = "Sai năm sinh của người được công nhận; cần sửa rồi xét lại.".to_string();
    accepted(&world, &binh, &[ops.op(&world, &binh, &evaluation, &a, step(Transition::Reopen { reason }))]);
    Review { world, lan, binh, evaluation, times }
}

#[test]
fn history_shows_each_step_with_who_when_and_device() {
    for (backend, store) in backends() {
        let Review { world, lan, binh, evaluation, times } = review(backend, store);
        let (status, page) = history(&world, &binh, &evaluation, "");
        assert_eq!(status, StatusCode::OK, "{backend}: {page}");
        let lan_says = "Nguyễn Thị Lan (collaborator) @Điện thoại của Nguyễn Thị Lan";
        let binh_says = "Trần Văn Bình (commune_approver) @Điện thoại của Trần Văn Bình";
        let expected_tail = [
            format!("{lan_says}: submit draft->submitted"),
            format!("{binh_says}: return submitted->returned"),
            format!("{lan_says}: score \"1.1\" [10] -> 9"),
            format!("{lan_says}: submit returned->submitted"),
            format!("{binh_says}: approve submitted->approved"),
            format!("{binh_says}: recognise approved->recognised"),
            format!("{lan_says}: \"context\" [] -> {{\"area\":\"remote\"}} REFUSED record_locked"),
            format!("{binh_says}: reopen recognised->returned"),
        ];
        let all = lines(&page);
        let tail = &all[all.len() - expected_tail.len()..];
        assert_eq!(tail, expected_tail, "{backend}: {all:#?}");
        // The first event set the evaluation's fields; every score of the first push
        // came before the first submission.
        assert!(all[0].starts_with(lan_says), "{all:#?}");
        assert!(all.iter().filter(|l| l.contains("score \"")).count() > 5, "{all:#?}");

        // When: the server's time of each push, beside the device's clock.
        let events = page["events"].as_array().expect("events");
        let server: Vec<i64> = events.iter().filter_map(|e| e["server_ms"].as_i64()).collect();
        assert_eq!(server.len(), events.len(), "every event has the server's time");
        let mut distinct = server.clone();
        distinct.dedup();
        assert_eq!(distinct, times, "{backend}: one time per push, in order");
        assert!(events
            .iter()
            .all(|e| e["device_ms"].as_i64().is_some_and(|d| d < e["server_ms"].as_i64().unwrap_or(0))));
        assert!(events.iter().all(|e| e["device"] == "may-lan" || e["device"] == "may-binh"));
        let refused = events.iter().find(|e| e["refused"].is_object()).expect("the refusal");
        assert!(str_of(&refused["refused"]["message"]).contains("đã được công nhận"), "{refused}");
        assert_eq!(events.iter().filter(|e| e["refused"].is_object()).count(), 1, "a retried batch is kept once");
        assert_eq!(page["total"], events.len());
        assert!(page.get("earlier").is_none());

        // The reopening's reason, on the step; every change also in words.
        let reopen = events.last().expect("events");
        assert_eq!(
            reopen["changes"][0]["transition"]["reason"],
            "Sai năm sinh của người được công nhận; cần sửa rồi xét lại."
        );
        let words: Vec<&str> =
            events.iter().flat_map(|e| e["words"].as_array().expect("words")).filter_map(Value::as_str).collect();
        for expected in [
            "Bộ tiêu chí: Bộ tiêu chí đánh giá, công nhận “Công dân học tập”",
            "Đối tượng: Đỗ Thị Hoa",
            "Bối cảnh đánh giá: Vùng sâu, vùng xa",
            "Năm đánh giá: 2026",
            "Điểm chỉ số 1.1: 10",
            "Gửi xét duyệt (nháp → đã gửi duyệt)",
            "Trả lại để sửa: Thiếu ảnh minh chứng; chỉ số 1.1 cần chấm lại. (đã gửi duyệt → bị trả lại)",
            "Điểm chỉ số 1.1: 10 → 9",
            "Công nhận: Quyết định số 15/QĐ-UBND ngày 20/11/2026 của Ủy ban nhân dân xã (đã duyệt → đã công nhận)",
            "Mở lại: Sai năm sinh của người được công nhận; cần sửa rồi xét lại. (đã công nhận → bị trả lại)",
        ] {
            assert!(words.iter().any(|w| w.starts_with(expected)), "{backend}: {expected:?} in {words:#?}");
        }
        assert!(events.iter().all(|e| e["words"].as_array().map(Vec::len) == e["changes"].as_array().map(Vec::len)));
        // The officer reads the same history of its own hamlet's record.
        let (status, own) = history(&world, &lan, &evaluation, "");
        assert_eq!((status, own), (StatusCode::OK, page.clone()));
    }
}

/// Who sent each step and when the server took it (the review table's "Người gửi" and
/// "Ngày gửi"), for operations of records the caller may read, each on its own record.
#[test]
fn origins_tell_who_sent_each_step_within_the_scope() {
    let Review { world, lan, binh, evaluation, .. } = review("memory", Arc::new(MemoryStore::default()));
    let (_, page) = history(&world, &binh, &evaluation, "");
    let events = page["events"].as_array().expect("events").clone();
    let logged: Vec<&Value> = events.iter().filter(|e| !e["refused"].is_object()).collect();
    let person = RecordId { kind: RecordKind::Person, id: "nguoi-hoa".to_string() };
    let person_op = "op-may-lan-1";
    let mut asked: Vec<Value> = logged.iter().map(|e| json!({"record": evaluation, "op": e["op"]})).collect();
    // Unknown, and an operation of another record named under this one: left out.
    asked.push(json!({"record": evaluation, "op": "khong-co"}));
    asked.push(json!({"record": evaluation, "op": person_op}));
    let ask = |who: &Officer, ops: &[Value]| {
        world.call("POST", "/records/origins", Some(&who.token), Some(json!({"ops": ops})))
    };

    let (status, reply) = ask(&binh, &asked);
    assert_eq!(status, StatusCode::OK, "{reply}");
    let origins = reply["origins"].as_array().expect("origins");
    assert_eq!(origins.len(), logged.len(), "{reply}");
    for (origin, event) in origins.iter().zip(&logged) {
        assert_eq!(origin["op"], event["op"]);
        assert_eq!(origin["who"], event["who"]);
        assert_eq!(origin["server_ms"], event["server_ms"]);
    }
    let submit = logged.iter().rev().find(|e| e["changes"][0]["transition"]["action"] == "submit").expect("a submit");
    let said = origins.iter().find(|o| o["op"] == submit["op"]).expect("the submit's origin");
    assert_eq!(
        (said["who"]["name"].as_str(), said["who"]["role"].as_str()),
        (Some("Nguyễn Thị Lan"), Some("collaborator"))
    );
    // The person's operation, on its own record.
    let (_, reply) = ask(&lan, &[json!({"record": person, "op": person_op})]);
    assert_eq!(reply["origins"][0]["op"], person_op, "{reply}");

    // Outside the scope: nothing, as for an unknown record.
    let other = officer(&world, Role::Collaborator, &world.units.b.clone(), "Lê Thị Bé", "be.binh", "may-be");
    let (status, reply) = ask(&other, &asked);
    assert_eq!((status, reply), (StatusCode::OK, json!({"origins": []})));
    // Bounded, and a session is needed.
    let many: Vec<Value> = (0..1001).map(|i| json!({"record": evaluation, "op": format!("op-{i}")})).collect();
    let (status, body) = ask(&binh, &many);
    assert_eq!((status, code_of(&body)), (StatusCode::BAD_REQUEST, "bad_request"), "{body}");
    let (status, _) = world.call("POST", "/records/origins", None, Some(json!({"ops": []})));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}

#[test]
fn history_comes_in_pages_latest_first() {
    let Review { world, binh, evaluation, .. } = review("memory", Arc::new(MemoryStore::default()));
    let (_, all) = history(&world, &binh, &evaluation, "");
    let total = all["total"].as_u64().expect("total") as usize;
    let (status, last) = history(&world, &binh, &evaluation, "?limit=3");
    assert_eq!(status, StatusCode::OK);
    assert_eq!(last["events"], json!(all["events"].as_array().expect("events")[total - 3..]));
    assert_eq!(last["earlier"], total - 3);
    let (_, before) = history(&world, &binh, &evaluation, &format!("?limit=3&before={}", total - 3));
    assert_eq!(before["events"], json!(all["events"].as_array().expect("events")[total - 6..total - 3]));
    let (_, first) = history(&world, &binh, &evaluation, "?limit=3&before=2");
    assert_eq!(first["events"].as_array().map(Vec::len), Some(2));
    assert!(first.get("earlier").is_none(), "{first}");
    let (status, body) = history(&world, &binh, &evaluation, "?limit=abc");
    assert_eq!((status, code_of(&body)), (StatusCode::BAD_REQUEST, "bad_request"), "{body}");
}

#[test]
fn history_outside_the_scope_is_not_found() {
    let Review { world, binh, evaluation, .. } = review("memory", Arc::new(MemoryStore::default()));
    let (b, c, c2) = (world.units.b.clone(), world.units.c.clone(), world.units.c2.clone());
    let other_hamlet = officer(&world, Role::Collaborator, &b, "Lê Thị Bé", "be.binh", "may-be");
    let other_viewer = officer(&world, Role::Viewer, &c2, "Phạm Văn Xem", "xem.xa2", "may-xem2");
    let viewer = officer(&world, Role::Viewer, &c, "Hoàng Thị Xem", "xem.xa", "may-xem");
    let (_, expected) = history(&world, &binh, &evaluation, "");
    for who in [&other_hamlet, &other_viewer] {
        let (status, body) = history(&world, who, &evaluation, "");
        assert_eq!((status, code_of(&body)), (StatusCode::NOT_FOUND, "not_found"), "{body}");
    }
    // Exactly as a record that does not exist, or a kind that does not.
    let missing = RecordId { kind: RecordKind::Evaluation, id: "khong-co".to_string() };
    let (status, body) = history(&world, &binh, &missing, "");
    assert_eq!((status, code_of(&body)), (StatusCode::NOT_FOUND, "not_found"), "{body}");
    let (status, _) = world.call("GET", "/records/bogus/danh-gia-hoa/history", Some(&binh.token), None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = world.call("GET", "/records/evaluation/danh-gia-hoa/history", None, None);
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // The commune's viewer reads it, the same as the approver.
    let (status, seen) = history(&world, &viewer, &evaluation, "");
    assert_eq!((status, seen), (StatusCode::OK, expected));
}

#[test]
fn refusals_kept_per_record_are_bounded_and_the_device_resends_its_own_kind() {
    use hoctap_server::clock::Clock;
    let Review { world, lan, binh, evaluation, .. } = review("memory", Arc::new(MemoryStore::default()));
    let a = world.units.a.clone();
    // Recognised again, so the officer's edits are refused.
    let mut ops = Ops { next: 1_000 };
    let mut again = vec![ops.op(&world, &lan, &evaluation, &a, step(Transition::Submit))];
    accepted(&world, &lan, &again);
    let decision = Decision {
        number: "16/QĐ-UBND".into(),
        date: hoctap_shared::date::Date::parse_iso("2026-11-21").expect("date"),
        authority: "Ủy ban nhân dân xã".into(),
        override_reason: None,
        proposer: None,
    };
    again = vec![
        ops.op(&world, &binh, &evaluation, &a, step(Transition::Approve)),
        ops.op(&world, &binh, &evaluation, &a, step(Transition::Recognise { decision })),
    ];
    accepted(&world, &binh, &again);
    let (_, before) = history(&world, &binh, &evaluation, "?limit=500");
    let logged = before["total"].as_u64().expect("total") as usize - 1;

    for round in 0..2 {
        world.clock.advance(60_000);
        let edits: Vec<Operation> = (0..80)
            .map(|i| ops.op(&world, &lan, &evaluation, &a, set(&[("ghi_chu", json!(format!("lần {round}-{i}")))])))
            .collect();
        let reply = push(&world, &lan, &edits);
        assert_eq!(reply["rejected"].as_array().map(Vec::len), Some(80), "{reply}");
    }
    // A change stamped a week ahead waits on the device, which sends it again: not kept.
    let mut ahead = ops.op(&world, &lan, &evaluation, &a, set(&[("ghi_chu", json!("sau"))]));
    ahead.hlc.wall_ms = world.clock.now_ms() + 7 * 24 * 3_600_000;
    assert_eq!(push(&world, &lan, &[ahead])["rejected"][0]["code"], "clock_skew");

    let (_, after) = history(&world, &binh, &evaluation, "?limit=500");
    let events = after["events"].as_array().expect("events");
    let refused: Vec<&Value> = events.iter().filter(|e| e["refused"].is_object()).collect();
    assert_eq!(refused.len(), hoctap_server::store::history::MAX_REFUSALS_PER_RECORD);
    assert_eq!(events.len(), logged + refused.len());
    // The latest are kept: all of the second round.
    let kept: Vec<&str> = refused.iter().filter_map(|e| e["changes"][0]["new"].as_str()).collect();
    assert!(kept.contains(&"lần 1-79") && kept.contains(&"lần 1-0"), "{kept:?}");
    assert!(!kept.contains(&"lần 0-0"), "{kept:?}");
}

/// Each kind of change in words, as the app shows them.
#[test]
fn changes_read_in_vietnamese() {
    use hoctap_shared::history::{change_words, Change, Names};
    use hoctap_shared::merge::Status;
    let names = Names {
        set: &|id| (id == SET).then(|| "Công dân học tập".to_string()),
        record: &|r| (r.id == "ho-1").then(|| "Phạm Văn Ba".to_string()),
        unit: &|u| (u == "hamlet:a").then(|| "Thôn An".to_string()),
    };
    let field = |field: &str, old: Vec<Value>, new: Value| Change::Field { field: field.to_string(), old, new };
    let cases: Vec<(RecordKind, Change, &str)> = vec![
        (RecordKind::Person, field("name", vec![json!("Nguyễn Văn A"), json!("Nguyễn Văn Á")], json!("Nguyễn Văn Ánh")),
            "Họ và tên: Nguyễn Văn A / Nguyễn Văn Á → Nguyễn Văn Ánh"),
        (RecordKind::Person, field("digital_skill", vec![json!("none")], json!("basic")), "Kỹ năng số: Chưa có → Cơ bản"),
        (RecordKind::Person, field("learner", vec![], json!(false)), "Đang đi học: Không"),
        (RecordKind::Person, field("household", vec![], json!("ho-1")), "Hộ gia đình: Phạm Văn Ba"),
        (RecordKind::Person, field("household", vec![], json!("ho-khac")), "Hộ gia đình: (hồ sơ khác)"),
        (RecordKind::Person, field("moved_from", vec![], json!("hamlet:a")), "Chuyển đơn vị: Thôn An"),
        (RecordKind::Person, field("left", vec![], json!({"reason": "moved_away", "on": "2026-03-01", "note": "Vào Nam"})),
            "Rời sổ: Chuyển đi nơi khác ngày 01/03/2026: Vào Nam"),
        (RecordKind::Person, field("left", vec![json!({"reason": "deceased", "on": "2026-03-01"})], Value::Null),
            "Rời sổ: Đã mất ngày 01/03/2026 → (trống)"),
        (RecordKind::Evaluation, field("set", vec![], json!(SET)), "Bộ tiêu chí: Công dân học tập"),
        (RecordKind::Evaluation, field("deleted", vec![], json!({"on": "2026-05-01", "reason": "Nhầm người"})),
            "Xóa phiếu: ngày 01/05/2026: Nhầm người"),
        (RecordKind::Evaluation, Change::Score { indicator: "1.1".into(), old: vec![json!(10)], new: json!(8.5) },
            "Điểm chỉ số 1.1: 10 → 8,5"),
        (RecordKind::Evaluation, Change::Score { indicator: "1.2".into(), old: vec![], new: json!(true) },
            "Điểm chỉ số 1.2: Đạt"),
        (RecordKind::Evaluation,
            Change::Score { indicator: "3.1".into(), old: vec![], new: json!({"numerator": 9, "denominator": 10}) },
            "Điểm chỉ số 3.1: 9/10"),
        (RecordKind::Evaluation,
            Change::Evidence { indicator: "1.2".into(), sha256: "ab".into(), name: Some("lop.jpg".into()), attached: true },
            "Thêm minh chứng “lop.jpg” (chỉ số 1.2)"),
        (RecordKind::Evaluation,
            Change::Evidence { indicator: "1.2".into(), sha256: "ab".into(), name: None, attached: false },
            "Gỡ minh chứng “tệp” (chỉ số 1.2)"),
        (RecordKind::Evaluation,
            Change::Transition {
                transition: Transition::Recognise { decision: Decision {
                    number: "15/QĐ-UBND".into(),
                    date: hoctap_shared::date::Date::parse_iso("2026-11-20").expect("date"),
                    authority: "UBND xã".into(),
                    override_reason: Some("Gương sáng vượt khó".into()),
                    proposer: None,
                } },
                from: Some(Status::Approved),
                to: Some(Status::Recognised),
            },
            "Công nhận: Quyết định số 15/QĐ-UBND ngày 20/11/2026 của UBND xã — Công nhận ngoại lệ: Gương sáng vượt khó \
             (đã duyệt → đã công nhận)"),
        (RecordKind::Evaluation,
            Change::Transition { transition: Transition::Approve, from: None, to: None },
            "Duyệt"),
    ];
    for (kind, change, expected) in cases {
        assert_eq!(change_words(kind, &change, &names), expected);
    }
}
