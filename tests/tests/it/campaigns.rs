//! Citizens' self-assessment campaigns, the officers' side (issue 18): a hamlet opens
//! one for a year and a Learning Citizen set, the commune sees its hamlets' campaigns,
//! every problem of a request is listed, and a campaign outside the caller's scope is
//! as missing.

use std::sync::Arc;

use axum::http::StatusCode;
use hoctap_server::store::MemoryStore;
use hoctap_shared::accounts::Role;
use hoctap_shared::protocol::{FieldEdit, OpBody, RecordId, RecordKind};
use serde_json::{json, Value};

use crate::auth::{code_of, op, push_body, World};

#[test]
fn a_hamlet_opens_lists_and_closes_a_campaign_in_its_scope_only() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let u = world.units.clone();
    let (hamlet_a, _) = world.account(Role::Collaborator, &u.a, "thon.an");
    let (hamlet_b, _) = world.account(Role::Collaborator, &u.b, "thon.binh");
    let (commune, _) = world.account(Role::CommuneOfficer, &u.c, "xa.cuu.an");
    let (admin, _) = world.account(Role::ProvinceAdmin, &u.p, "tinh");
    // 1 January 2026 on the world's clock.
    let body = json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-31", "max_answers": 300});

    let (status, campaign) =
        world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&hamlet_a), Some(body.clone()));
    assert_eq!(status, StatusCode::CREATED, "{campaign}");
    assert_eq!((campaign["set"].as_str(), campaign["set_version"].as_str()), (Some("cdht-324-2023"), Some("2023.1")));
    assert_eq!(campaign["unit"], u.a.as_str());
    let id = campaign["id"].as_str().expect("id").to_string();
    assert_eq!(id.len(), 32, "a 128-bit secret");

    // Another hamlet's officer can neither open one there nor see or close this one.
    let (status, _) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&hamlet_b), Some(body.clone()));
    assert_eq!(status, StatusCode::FORBIDDEN);
    let (status, list) = world.call("GET", &format!("/units/{}/campaigns", u.b), Some(&hamlet_b), None);
    assert_eq!((status, list), (StatusCode::OK, json!([])));
    let (status, reply) = world.call("POST", &format!("/campaigns/{id}/close"), Some(&hamlet_b), None);
    assert_eq!((status, reply["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (status, _) = world.call("POST", "/campaigns/khong-co/close", Some(&hamlet_a), None);
    assert_eq!(status, StatusCode::NOT_FOUND);

    // The commune sees its hamlets' campaigns.
    let (status, list) = world.call("GET", &format!("/units/{}/campaigns", u.c), Some(&commune), None);
    assert_eq!(status, StatusCode::OK);
    assert_eq!(list.as_array().map(Vec::len), Some(1));
    assert_eq!(list[0]["campaign"]["id"], id.as_str());
    assert_eq!(list[0]["place"], "Thôn An");

    // Every problem of a request, in Vietnamese.
    let bad = json!({"year": 2031, "set": "gdht-448-2016", "valid_until": "2025-12-31", "max_answers": 0});
    let (status, reply) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&hamlet_a), Some(bad));
    assert_eq!((status, reply["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_campaign")));
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    for part in ["Năm đánh giá", "Công dân học tập", "Hạn nhận", "Số câu trả lời"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    // QĐ 244 closed on 24 October 2023: not for 2026.
    let closed = json!({"year": 2026, "set": "cdht-244-2022", "valid_until": "2026-01-31", "max_answers": 10});
    let (status, _) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&hamlet_a), Some(closed));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    // A province is not where citizens answer.
    let (status, reply) = world.call("POST", &format!("/units/{}/campaigns", u.p), Some(&admin), Some(body));
    assert_eq!((status, reply["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_unit_kind")));

    // Closing, twice.
    let (status, closed) = world.call("POST", &format!("/campaigns/{id}/close"), Some(&hamlet_a), None);
    assert_eq!(status, StatusCode::OK);
    let at = closed["closed_at_ms"].as_i64().expect("closed");
    world.clock.advance(60_000);
    let (_, again) = world.call("POST", &format!("/campaigns/{id}/close"), Some(&commune), None);
    assert_eq!(again["closed_at_ms"].as_i64(), Some(at), "closing again changes nothing");
}

/// A hamlet's register: household `ho-1` headed by Nguyễn Văn An with Nguyễn Thị Hoa
/// (1985), pushed by the hamlet's officer.
fn register(world: &World, officer: &str) {
    let unit = world.units.a.clone();
    let person = RecordId { kind: RecordKind::Person, id: "nguoi-hoa".into() };
    let household = RecordId { kind: RecordKind::Household, id: "ho-1".into() };
    let edit = |field: &str, value: Value| FieldEdit { field: field.into(), value, base: vec![] };
    for (id, record, fields) in [
        ("reg-1", household, vec![edit("ten_chu_ho", json!("Nguyễn Văn An"))]),
        (
            "reg-2",
            person,
            vec![
                edit("name", json!("Nguyễn Thị Hoa")),
                edit("birth_year", json!(1985)),
                edit("household", json!("ho-1")),
            ],
        ),
    ] {
        let push = push_body(&unit, op(&unit, id, record, OpBody::SetFields { fields }));
        let (status, reply) = world.call("POST", "/sync/push", Some(officer), Some(push));
        assert_eq!((status, reply["rejected"].as_array().map(Vec::len)), (StatusCode::OK, Some(0)), "{reply}");
    }
}

/// The hamlet's officer for the hamlet's report, a commune officer for the commune's.
fn officer_or_commune(world: &World, unit: &str, officer: &str) -> String {
    if unit == world.units.a {
        return officer.to_string();
    }
    world.account(Role::CommuneOfficer, unit, "xa.cuu.an").0
}

fn answer(id: &str, name: &str, year: i32, group: &str, extra: Value) -> Value {
    let mut answer = json!({
        "name": name, "birth_year": year, "household_head": "Nguyễn Văn An", "subject_group": group,
        "scores": {"1.1": 8}, "consent": true,
    });
    if let (Some(answer), Some(extra)) = (answer.as_object_mut(), extra.as_object()) {
        answer.extend(extra.clone());
    }
    json!({"id": id, "answer": answer})
}

#[test]
fn citizens_answer_from_the_link_and_the_hamlet_matches_or_discards_what_comes() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let u = world.units.clone();
    let (officer, _) = world.account(Role::Collaborator, &u.a, "thon.an");
    let (other, _) = world.account(Role::Collaborator, &u.b, "thon.binh");
    register(&world, &officer);
    let body = json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-31", "max_answers": 4});
    let (_, campaign) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&officer), Some(body));
    let token = campaign["id"].as_str().expect("id").to_string();

    // The link, without an account: who runs it, the consent, the set.
    let (status, shown) = world.call("GET", &format!("/c/{token}"), None, None);
    assert_eq!(status, StatusCode::OK, "{shown}");
    assert_eq!((shown["open"].as_bool(), shown["hamlets"][0]["id"].as_str()), (Some(true), Some(u.a.as_str())));
    assert!(shown["title"].as_str().is_some_and(|t| t.starts_with("Thôn An, ")), "{}", shown["title"]);
    assert!(shown["consent"].as_str().is_some_and(|t| t.contains("13/2023/NĐ-CP")));
    let group = shown["set"]["subject_groups"][0]["code"].as_str().expect("groups").to_string();
    let (status, _) = world.call("GET", "/c/0123456789abcdef0123456789abcdef", None, None);
    assert_eq!(status, StatusCode::NOT_FOUND);

    // A photo first, then the answer naming it; sending again is the same answer.
    let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
    photo.extend(std::iter::repeat_n(3u8, 20_000));
    let sha = hoctap_server::evidence::sha256_hex(&photo);
    let (status, reply) = world.call_bytes("PUT", &format!("/c/{token}/photos/{sha}"), None, Some(photo.clone()));
    assert_eq!(status, StatusCode::NO_CONTENT, "{reply}");
    let mut pdf = b"%PDF-1.4".to_vec();
    pdf.extend(std::iter::repeat_n(1u8, 100));
    let pdf_sha = hoctap_server::evidence::sha256_hex(&pdf);
    let (status, _) = world.call_bytes("PUT", &format!("/c/{token}/photos/{pdf_sha}"), None, Some(pdf));
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "photos only");
    let hoa = answer("phieu-hoa-0001", "nguyen thi hoa", 1985, &group, json!({"photos": {"1.1": sha}}));
    let (status, first) = world.call("POST", &format!("/c/{token}/answers"), None, Some(hoa.clone()));
    assert_eq!(status, StatusCode::CREATED, "{first}");
    let receipt = first["receipt"].as_str().expect("receipt").to_string();
    assert_eq!(receipt.len(), 8);
    let (status, again) = world.call("POST", &format!("/c/{token}/answers"), None, Some(hoa));
    assert_eq!((status, again), (StatusCode::OK, first.clone()), "exactly once");

    // Checked as an officer's input is, every problem listed.
    let bad = answer("phieu-xau-0001", " ", 1800, "khong-co", json!({"consent": false, "photos": {"1.1": "ab"}}));
    let (status, reply) = world.call("POST", &format!("/c/{token}/answers"), None, Some(bad));
    assert_eq!((status, code_of(&reply)), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_answer"), "{reply}");
    let message = reply["error"]["message"].as_str().unwrap_or_default();
    for part in ["đồng ý", "Họ và tên", "Năm sinh", "Ảnh của chỉ số 1.1"] {
        assert!(message.contains(part), "{part}: {message}");
    }
    let (status, _) = world.call("POST", &format!("/c/{token}/answers"), None, Some(json!({"id": "x", "answer": {}})));
    assert_eq!(status, StatusCode::BAD_REQUEST);

    // A duplicate and a new person.
    let twice = answer("phieu-hoa-0002", "Nguyễn Thị Hoa", 1985, &group, json!({}));
    let (status, _) = world.call("POST", &format!("/c/{token}/answers"), None, Some(twice));
    assert_eq!(status, StatusCode::CREATED);
    let new = answer("phieu-moi-0001", "Phạm Văn Mới", 2001, &group, json!({"household_head": ""}));
    let (status, _) = world.call("POST", &format!("/c/{token}/answers"), None, Some(new));
    assert_eq!(status, StatusCode::CREATED);

    // The citizen's receipt says only where it stands.
    let status_of = |receipt: &str| world.call("GET", &format!("/receipts/{receipt}"), None, None);
    let (status, shown) = status_of(&receipt.to_lowercase());
    assert_eq!((status, shown), (StatusCode::OK, json!({"status": "received"})));
    assert_eq!(status_of("0000-0000").0, StatusCode::NOT_FOUND);

    // The queue: the match, the duplicate, the new person. Not another hamlet's.
    let (status, _) = world.call("GET", &format!("/campaigns/{token}/answers"), Some(&other), None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, queue) = world.call("GET", &format!("/campaigns/{token}/answers"), Some(&officer), None);
    assert_eq!(status, StatusCode::OK, "{queue}");
    let ids: Vec<&str> = queue.as_array().expect("list").iter().filter_map(|a| a["id"].as_str()).collect();
    assert_eq!(ids, ["phieu-hoa-0001", "phieu-hoa-0002", "phieu-moi-0001"]);
    assert_eq!(queue[0]["candidates"][0]["person"]["id"], "nguoi-hoa");
    assert_eq!(queue[0]["candidates"][0]["strength"], "same");
    assert_eq!(queue[0]["candidates"][0]["name"], "Nguyễn Thị Hoa");
    assert_eq!(queue[1]["duplicate_of"].as_str(), Some(receipt.as_str()));
    assert_eq!(queue[2]["candidates"], json!([]));
    let (status, _) = world.call_bytes("GET", &format!("/campaigns/{token}/photos/{sha}"), Some(&officer), None);
    assert_eq!(status, StatusCode::OK);

    // Accepted as the registered person: her evaluation opens with the self-assessment
    // beside it and the photo as evidence; the officer's scores are not written.
    let accept = |answer: &str, person: Value| {
        world.call(
            "POST",
            &format!("/campaigns/{token}/answers/{answer}/accept"),
            Some(&officer),
            Some(json!({ "person": person })),
        )
    };
    let (status, accepted) = accept("phieu-hoa-0001", json!("nguoi-hoa"));
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let evaluation = accepted["evaluation"]["id"].as_str().expect("evaluation").to_string();
    assert_eq!(evaluation, "cdht-324-2023:2026:person:nguoi-hoa");
    let (status, record) = world.call("GET", &format!("/records/evaluation/{evaluation}"), Some(&officer), None);
    assert_eq!(status, StatusCode::OK, "{record}");
    let fields = &record["fields"];
    assert_eq!(fields["self_assessment"]["value"]["receipt"].as_str(), Some(receipt.as_str()), "{record}");
    assert_eq!(fields["self_assessment"]["value"]["scores"]["1.1"], json!(8));
    assert!(fields.get("score.1.1").is_none(), "the officer scores: {record}");
    assert_eq!(record["evidence"]["1.1"][0]["sha256"].as_str(), Some(sha.as_str()), "{record}");
    assert_eq!(status_of(&receipt).1, json!({"status": "reviewing"}));
    let (status, reply) = accept("phieu-hoa-0001", json!("nguoi-hoa"));
    assert_eq!((status, code_of(&reply)), (StatusCode::CONFLICT, "answer_not_waiting"));
    // The duplicate cannot take the same evaluation.
    let (status, reply) = accept("phieu-hoa-0002", json!("nguoi-hoa"));
    assert_eq!((status, code_of(&reply)), (StatusCode::CONFLICT, "answer_not_waiting"), "{reply}");

    // A device cannot make up or move a self-assessment.
    let forged = RecordId { kind: RecordKind::Evaluation, id: "cdht-324-2023:2026:person:khac".into() };
    let value = fields["self_assessment"]["value"].clone();
    let edit = FieldEdit { field: "self_assessment".into(), value, base: vec![] };
    let push = push_body(&u.a, op(&u.a, "forged-1", forged, OpBody::SetFields { fields: vec![edit] }));
    let (_, reply) = world.call("POST", "/sync/push", Some(&officer), Some(push));
    assert_eq!(reply["rejected"][0]["code"], "invalid_operation", "{reply}");

    // The duplicate is discarded with a reason; the new person is added.
    let (status, _) = world.call(
        "POST",
        &format!("/campaigns/{token}/answers/phieu-hoa-0002/discard"),
        Some(&officer),
        Some(json!({"reason": " "})),
    );
    assert_eq!(status, StatusCode::BAD_REQUEST, "a reason is needed");
    let (status, discarded) = world.call(
        "POST",
        &format!("/campaigns/{token}/answers/phieu-hoa-0002/discard"),
        Some(&officer),
        Some(json!({"reason": "Trùng phiếu"})),
    );
    assert_eq!((status, discarded["state"]["state"].as_str()), (StatusCode::OK, Some("discarded")), "{discarded}");
    let second = discarded["receipt"].as_str().expect("receipt").to_string();
    assert_eq!(status_of(&second).1, json!({"status": "discarded", "comment": "Trùng phiếu"}));
    let (status, accepted) = accept("phieu-moi-0001", Value::Null);
    assert_eq!(status, StatusCode::OK, "{accepted}");
    let person = accepted["person"]["id"].as_str().expect("person");
    let (_, record) = world.call("GET", &format!("/records/person/{person}"), Some(&officer), None);
    assert_eq!(record["fields"]["name"]["value"], "Phạm Văn Mới");
    assert_eq!(record["unit"].as_str(), Some(u.a.as_str()));

    // The reports count them, the hamlet's and the commune's.
    for unit in [&u.a, &u.c] {
        let (status, report) = world.call(
            "GET",
            &format!("/reports/{unit}/2026"),
            Some(&officer_or_commune(&world, unit, &officer)),
            None,
        );
        assert_eq!(status, StatusCode::OK, "{report}");
        assert_eq!(
            report["report"]["self_assessment"],
            json!({"self_assessed": 2, "matched": 2, "reviewed": 0, "recognised": 0}),
            "{unit}"
        );
    }

    // The list counts them; closed, the link says so and takes nothing more.
    let (_, list) = world.call("GET", &format!("/units/{}/campaigns", u.a), Some(&officer), None);
    assert_eq!(
        [&list[0]["answers"], &list[0]["waiting"], &list[0]["linked"], &list[0]["discarded"]],
        [&json!(3), &json!(0), &json!(2), &json!(1)]
    );
    world.call("POST", &format!("/campaigns/{token}/close"), Some(&officer), None);
    let (_, shown) = world.call("GET", &format!("/c/{token}"), None, None);
    assert_eq!((shown["open"].as_bool(), shown.get("set")), (Some(false), None));
    assert!(shown["closed_because"].as_str().is_some_and(|w| w.contains("đã kết thúc")));
    let late = answer("phieu-muon-001", "Lê Thị Muộn", 1990, &group, json!({}));
    let (status, reply) = world.call("POST", &format!("/c/{token}/answers"), None, Some(late));
    assert_eq!((status, code_of(&reply)), (StatusCode::GONE, "campaign_closed"));
}

#[test]
fn a_campaign_takes_no_more_answers_than_allowed_nor_bursts_from_one_address() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let u = world.units.clone();
    let (officer, _) = world.account(Role::Collaborator, &u.a, "thon.an");
    let body = json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-02", "max_answers": 2});
    let (_, campaign) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&officer), Some(body));
    let token = campaign["id"].as_str().expect("id").to_string();
    let (_, shown) = world.call("GET", &format!("/c/{token}"), None, None);
    let group = shown["set"]["subject_groups"][0]["code"].as_str().expect("groups").to_string();
    for n in 0..2 {
        let (status, _) = world.call(
            "POST",
            &format!("/c/{token}/answers"),
            None,
            Some(answer(&format!("phieu-{n:04}"), &format!("Người {n}"), 1990, &group, json!({}))),
        );
        assert_eq!(status, StatusCode::CREATED);
    }
    let third = answer("phieu-0002", "Người 2", 1990, &group, json!({}));
    let (status, reply) = world.call("POST", &format!("/c/{token}/answers"), None, Some(third));
    assert_eq!((status, code_of(&reply)), (StatusCode::CONFLICT, "campaign_full"));
    let (_, shown) = world.call("GET", &format!("/c/{token}"), None, None);
    assert!(shown["closed_because"].as_str().is_some_and(|w| w.contains("đủ số phiếu")), "{shown}");

    // Past its last day (in Vietnam), even if not closed.
    let body = json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-02", "max_answers": 100});
    let (_, campaign) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&officer), Some(body));
    let token = campaign["id"].as_str().expect("id").to_string();
    world.clock.advance(2 * 24 * 60 * 60 * 1000);
    let late = answer("phieu-muon-001", "Lê Thị Muộn", 1990, &group, json!({}));
    let (status, reply) = world.call("POST", &format!("/c/{token}/answers"), None, Some(late));
    assert_eq!((status, code_of(&reply)), (StatusCode::GONE, "campaign_closed"), "{reply}");
    assert!(reply["error"]["message"].as_str().is_some_and(|m| m.contains("hết hạn")));

    // Receipt lookups from one address: a burst, then one every two seconds.
    let mut limited = None;
    for n in 0..40 {
        let (status, reply) = world.call("GET", "/receipts/0000-0000", None, None);
        if status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some((n, code_of(&reply).to_string()));
            break;
        }
    }
    assert_eq!(limited, Some((30, "too_many_requests".to_string())));
}

/// A campaign's link is its only key, and it opens nothing else: as a bearer token it is
/// no session, and put in the place of any other route's id it finds nothing. Every route
/// of the OpenAPI document is tried.
#[test]
fn the_campaign_link_grants_nothing_else() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let u = world.units.clone();
    let (officer, _) = world.account(Role::Collaborator, &u.a, "thon.an");
    register(&world, &officer);
    let body = json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-31", "max_answers": 10});
    let (_, campaign) = world.call("POST", &format!("/units/{}/campaigns", u.a), Some(&officer), Some(body));
    let token = campaign["id"].as_str().expect("id").to_string();
    let (_, shown) = world.call("GET", &format!("/c/{token}"), None, None);
    let group = shown["set"]["subject_groups"][0]["code"].as_str().expect("groups").to_string();
    let sent = answer("phieu-hoa-0001", "Nguyễn Thị Hoa", 1985, &group, json!({}));
    let (status, _) = world.call("POST", &format!("/c/{token}/answers"), None, Some(sent));
    assert_eq!(status, StatusCode::CREATED);

    let document: Value = serde_json::from_str(hoctap_server::openapi::document_json()).expect("json");
    let mut tried = 0;
    for (path, item) in document["paths"].as_object().expect("paths") {
        let path = path.strip_prefix("/api/v1").unwrap_or(path);
        // The campaign's own routes: what the link is for.
        if path.starts_with("/c/{token}") {
            continue;
        }
        for (method, operation) in item.as_object().expect("operations") {
            let uri = path
                .split('/')
                .map(|part| if part.starts_with('{') { token.as_str() } else { part })
                .collect::<Vec<_>>()
                .join("/");
            let secured = operation.get("security").is_some();
            let body = (method != "get").then(|| json!({}));
            let (status, reply) = world.call(&method.to_uppercase(), &uri, Some(&token), body.clone());
            let context = format!("{method} {uri}: {status} {reply}");
            if secured {
                assert_eq!((status, code_of(&reply)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{context}");
            } else {
                // A public route answers the link's bearer as it answers nobody.
                let (without, plain) = world.call(&method.to_uppercase(), &uri, None, body);
                assert_eq!((status, &reply), (without, &plain), "{context}");
                assert!(!status.is_success() || !path.contains('{'), "{context}: the token found something");
            }
            tried += 1;
        }
    }
    assert!(tried >= 77, "{tried} routes tried");
    // Nothing was read or changed through it: the answer still waits, unlinked.
    let (_, queue) = world.call("GET", &format!("/campaigns/{token}/answers"), Some(&officer), None);
    assert_eq!(queue[0]["state"]["state"], "received");
}
