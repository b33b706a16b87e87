//! Citizens' self-assessment campaigns, the officers' side (issue 18): a hamlet opens
//! one for a year and a Learning Citizen set, the commune sees its hamlets' campaigns,
//! every problem of a request is listed, and a campaign outside the caller's scope is
//! as missing.

use std::sync::Arc;

use axum::http::StatusCode;
use hoctap_server::store::MemoryStore;
use hoctap_shared::accounts::Role;
use serde_json::json;

use crate::auth::World;

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
    assert_eq!(list[0]["id"], id.as_str());

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
