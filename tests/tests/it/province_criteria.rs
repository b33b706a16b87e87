//! A province's own criteria sets through the API (issue 17, requirement 5): its
//! administrator publishes a version adapted from a shipped set; every unit of the
//! province reads the list (with an ETag); the text of a set is served to start from;
//! every refusal has its code; another province's administrator cannot publish; and a
//! backup keeps the published sets.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::auth;
use hoctap_server::clock::ManualClock;
use hoctap_server::sample::{self, CUU_AN};
use hoctap_server::store::MemoryStore;
use hoctap_server::{app, AppState};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::criteria;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::sync::catalog;

const GIA_LAI: &str = "province:52:2025";
const HA_NOI: &str = "province:01:2025";
/// 14 November 2026, 09:00 in Vietnam.
const NOW: i64 = 1_794_628_800_000;

struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    state: AppState,
    clock: Arc<ManualClock>,
}

struct Reply {
    status: StatusCode,
    etag: Option<String>,
    content_type: String,
    text: String,
}

impl Reply {
    fn json(&self) -> Value {
        if self.text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&self.text).expect("JSON")
        }
    }

    fn code(&self) -> String {
        self.json()["error"]["code"].as_str().unwrap_or_default().to_string()
    }
}

impl World {
    fn new(state: AppState, clock: Arc<ManualClock>) -> World {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        World { runtime, router: app(state.clone(), None), state, clock }
    }

    fn with_sample() -> World {
        let clock = Arc::new(ManualClock::at(NOW));
        let state = AppState { clock: clock.clone(), ..AppState::new(Arc::new(MemoryStore::default()), catalog()) };
        let world = World::new(state, clock);
        let ops = sample::operations(&world.state.catalog);
        for batch in ops.chunks(1_000) {
            let response = world
                .runtime
                .block_on(hoctap_server::sync::push(&world.state, batch, hoctap_server::sync::Pusher::Replay))
                .expect("push");
            assert!(response.rejected.is_empty(), "{:?}", response.rejected.first());
        }
        world
    }

    fn account(&self, role: Role, unit: &str, username: &str, display_name: &str) -> String {
        let request = CreateInvitation {
            role,
            unit: unit.to_string(),
            display_name: display_name.to_string(),
            valid_hours: None,
        };
        let token = auth::create_invitation(&self.state, &request, None).expect("invitation").token;
        let body = json!({"username": username, "password": "mat-khau-du-dai"}).to_string();
        let reply = self.call("POST", &format!("/invitations/{token}/accept"), None, Some(body), None);
        assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
        reply.json()["token"].as_str().expect("token").to_string()
    }

    fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
        if_none_match: Option<&str>,
    ) -> Reply {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{uri}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        if let Some(tag) = if_none_match {
            request = request.header("if-none-match", tag);
        }
        if body.is_some() {
            request = request.header("content-type", "text/plain; charset=utf-8");
        }
        let request = request.body(body.map_or_else(Body::empty, Body::from)).expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let header = |name: &str| response.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
            let etag = header("etag");
            let content_type = header("content-type").unwrap_or_default();
            let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
            Reply { status, etag, content_type, text: String::from_utf8(bytes).expect("UTF-8") }
        })
    }

    fn publish(&self, token: &str, province: &str, text: &str) -> Reply {
        self.call("POST", &format!("/units/{province}/criteria"), Some(token), Some(text.to_string()), None)
    }
}

/// The shipped Gia đình học tập set adapted by a province: its own id, a version, an
/// effective date and one indicator reworded with its points moved.
fn adapted(version: &str) -> criteria::CriteriaSet {
    let mut set = criteria::shipped::get("gdht-448-2016").expect("shipped");
    set.id = "gdht-gia-lai".to_string();
    set.version = version.to_string();
    set.name = "Bộ tiêu chí “Gia đình học tập” của tỉnh Gia Lai".to_string();
    set.effective_from = hoctap_shared::date::Date::parse_iso("2027-01-01").expect("date");
    set.criteria[0].indicators[0].text = "Trẻ em trong độ tuổi đi học đều được đến trường.".to_string();
    set
}

#[test]
fn a_province_publishes_its_set_and_every_unit_of_it_reads_the_list() {
    let world = World::with_sample();
    let admin = world.account(Role::ProvinceAdmin, GIA_LAI, "qt-gia-lai", "Trần Thị Quản Trị");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo", "Nguyễn Văn Cán");
    let approver = world.account(Role::CommuneApprover, CUU_AN, "lanh-dao", "Lê Lãnh Đạo");
    let other_admin = world.account(Role::ProvinceAdmin, HA_NOI, "qt-ha-noi", "Phạm Hà Nội");
    let list_uri = format!("/units/{CUU_AN}/criteria");

    // Nothing published yet.
    let empty = world.call("GET", &list_uri, Some(&officer), None, None);
    assert_eq!(empty.status, StatusCode::OK, "{}", empty.text);
    assert_eq!(empty.json()["sets"], json!([]));
    let empty_tag = empty.etag.clone().expect("an ETag");
    assert_eq!(empty.json()["etag"].as_str(), Some(empty_tag.as_str()));

    // The shipped text to start from, as text.
    let source =
        world.call("GET", &format!("/units/{GIA_LAI}/criteria/gdht-448-2016/source"), Some(&admin), None, None);
    assert_eq!(source.status, StatusCode::OK);
    assert!(source.content_type.starts_with("text/plain"), "{}", source.content_type);
    assert_eq!(criteria::parse(&source.text).set, criteria::shipped::get("gdht-448-2016"));
    let missing = world.call("GET", &format!("/units/{GIA_LAI}/criteria/khong-co/source"), Some(&admin), None, None);
    assert_eq!((missing.status, missing.code().as_str()), (StatusCode::NOT_FOUND, "not_found"));

    // Publish 2027.1.
    let set = adapted("2027.1");
    let text = criteria::to_toml(&set);
    let reply = world.publish(&admin, GIA_LAI, &text);
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert_eq!(reply.json(), json!({"id": "gdht-gia-lai", "version": "2027.1"}));

    // The commune's officer reads it, with the publisher's name and no account id.
    let list = world.call("GET", &list_uri, Some(&officer), None, None);
    assert_eq!(list.status, StatusCode::OK);
    let body = list.json();
    let sets = body["sets"].as_array().expect("sets");
    assert_eq!(sets.len(), 1);
    assert_eq!(sets[0]["set"], serde_json::to_value(&set).expect("JSON"));
    assert_eq!(sets[0]["published_at_ms"], NOW);
    assert_eq!(sets[0]["published_by"], "Trần Thị Quản Trị");
    assert!(!list.text.contains("qt-gia-lai") && !list.text.contains("account:"), "{}", list.text);
    let tag = list.etag.clone().expect("an ETag");
    assert_ne!(tag, empty_tag);

    // Unchanged: 304 with no body; a stale tag gets the list.
    let again = world.call("GET", &list_uri, Some(&officer), None, Some(&tag));
    assert_eq!((again.status, again.text.as_str(), again.etag.as_deref()), (StatusCode::NOT_MODIFIED, "", Some(&*tag)));
    let stale = world.call("GET", &list_uri, Some(&officer), None, Some(&empty_tag));
    assert_eq!(stale.status, StatusCode::OK);
    // The province and every unit of it answer the same list.
    let from_province = world.call("GET", &format!("/units/{GIA_LAI}/criteria"), Some(&admin), None, None);
    assert_eq!(from_province.json(), body);

    // Its source is served back as published.
    let own = world.call("GET", &format!("/units/{CUU_AN}/criteria/gdht-gia-lai/source"), Some(&officer), None, None);
    assert_eq!((own.status, own.text.as_str()), (StatusCode::OK, text.as_str()));

    // Refusals, none of which changes the list.
    let before = world.state.store.scan("province_criteria", b"", None, usize::MAX).expect("scan");
    let mut broken = set.clone();
    broken.version = "2027.2".to_string();
    if let criteria::Measure::Points { max } = &mut broken.criteria[0].indicators[0].measure {
        *max = hoctap_shared::number::Points::from_whole(15);
    }
    let reply = world.publish(&admin, GIA_LAI, &criteria::to_toml(&broken));
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_criteria_set"));
    let diagnostics = reply.json()["error"]["diagnostics"].clone();
    assert!(
        diagnostics.as_array().expect("diagnostics").iter().any(|d| d["code"] == "points-mismatch"
            && d["path"] == "criteria[0].points"
            && d["message"].as_str().is_some_and(|m| m.contains("35"))),
        "{diagnostics}"
    );
    let reply =
        world.publish(&admin, GIA_LAI, &criteria::to_toml(&criteria::shipped::get("gdht-448-2016").expect("shipped")));
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "criteria_id_shipped"));
    let reply = world.publish(&admin, GIA_LAI, &text);
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::CONFLICT, "criteria_version_exists"));
    for older in ["2026.9", "2027.0", "2027"] {
        let reply = world.publish(&admin, GIA_LAI, &criteria::to_toml(&adapted(older)));
        assert_eq!(
            (reply.status, reply.code().as_str()),
            (StatusCode::UNPROCESSABLE_ENTITY, "criteria_version_not_newer"),
            "{older}"
        );
        assert!(reply.json()["error"]["message"].as_str().is_some_and(|m| m.contains("không cao hơn")));
    }
    let reply = world.publish(&admin, GIA_LAI, "id = ");
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid_criteria_set"));
    let reply = world.call(
        "POST",
        &format!("/units/{GIA_LAI}/criteria"),
        Some(&admin),
        Some("x".repeat(1024 * 1024 + 1)),
        None,
    );
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::PAYLOAD_TOO_LARGE, "body_too_large"));
    let reply = world.publish(&admin, CUU_AN, &criteria::to_toml(&adapted("2027.5")));
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "wrong_unit_kind"));
    for token in [&officer, &approver] {
        let reply = world.publish(token, GIA_LAI, &criteria::to_toml(&adapted("2027.5")));
        assert_eq!((reply.status, reply.code().as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    }
    let reply = world.publish(&other_admin, GIA_LAI, &criteria::to_toml(&adapted("2027.5")));
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let reply = world.call("GET", &list_uri, Some(&other_admin), None, None);
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::FORBIDDEN, "forbidden"));
    let reply = world.call("GET", &list_uri, None, None, None);
    assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
    assert!(world.state.store.scan("province_criteria", b"", None, usize::MAX).expect("scan") == before);

    // A set's id is its province's alone (one list of sets serves every unit); another
    // province publishes under its own id, and Gia Lai's list is unchanged.
    let reply = world.publish(&other_admin, HA_NOI, &criteria::to_toml(&adapted("2027.1")));
    assert_eq!((reply.status, reply.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "criteria_id_taken"));
    let mut own = adapted("2027.1");
    own.id = "gdht-ha-noi".to_string();
    let reply = world.publish(&other_admin, HA_NOI, &criteria::to_toml(&own));
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    let unchanged = world.call("GET", &list_uri, Some(&officer), None, Some(&tag));
    assert_eq!(unchanged.status, StatusCode::NOT_MODIFIED);

    // 2027.10 is above 2027.9 (numeric parts), listed after 2027.1 in publish order.
    let generation = world.state.criteria_generation.current();
    world.clock.advance(60_000);
    let reply = world.publish(&admin, GIA_LAI, &criteria::to_toml(&adapted("2027.10")));
    assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.text);
    assert!(world.state.criteria_generation.current() > generation, "publishing bumps the generation");
    let versions: Vec<String> = world.call("GET", &list_uri, Some(&officer), None, None).json()["sets"]
        .as_array()
        .expect("sets")
        .iter()
        .map(|s| s["set"]["version"].as_str().unwrap_or_default().to_string())
        .collect();
    assert_eq!(versions, ["2027.1", "2027.10"]);
    let newest =
        world.call("GET", &format!("/units/{CUU_AN}/criteria/gdht-gia-lai/source"), Some(&officer), None, None);
    assert!(newest.text.contains("version = \"2027.10\""));
    let first = world.call(
        "GET",
        &format!("/units/{CUU_AN}/criteria/gdht-gia-lai/source?version=2027.1"),
        Some(&officer),
        None,
        None,
    );
    assert_eq!(first.text, text);

    // The store's view for the lead's lookup.
    let published = hoctap_server::store::criteria::published(world.state.store.as_ref(), GIA_LAI).expect("read");
    assert_eq!(published.len(), 2);
    assert_eq!((published[0].0.as_str(), published[0].1.as_str()), ("gdht-gia-lai", "2027.1"));

    // A backup keeps them; the restored server answers the same list.
    let mut backup = Vec::new();
    hoctap_server::backup::write_backup(&world.state, &mut backup).expect("backup");
    assert!(String::from_utf8_lossy(&backup).contains("\"keyspace\":\"province_criteria\""));
    let restored =
        AppState { clock: world.clock.clone(), ..AppState::new(Arc::new(MemoryStore::default()), catalog()) };
    world.runtime.block_on(hoctap_server::backup::restore(&restored, &mut backup.as_slice())).expect("restore");
    let again = World::new(restored, world.clock.clone());
    let listed = world.call("GET", &list_uri, Some(&officer), None, None);
    let relisted = again.call("GET", &list_uri, Some(&officer), None, None);
    assert_eq!(relisted.status, StatusCode::OK, "{}", relisted.text);
    assert_eq!((relisted.json(), relisted.etag), (listed.json(), listed.etag));
}

/// Requirement 5's spreadsheet door: the template of a set lists its indicators, and a
/// filled one reads back into a criteria file with the loader's diagnostics.
#[test]
fn an_xlsx_template_reads_back_into_a_criteria_file() {
    let world = World::with_sample();
    let admin = world.account(Role::ProvinceAdmin, GIA_LAI, "qt-gia-lai", "Trần Thị Quản Trị");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo", "Nguyễn Văn Cán");
    let shipped = criteria::shipped::get("gdht-448-2016").expect("shipped");
    let from_xlsx = |token: &str, bytes: Vec<u8>| {
        let request = Request::builder()
            .method("POST")
            .uri(format!("/api/v1/units/{GIA_LAI}/criteria/from-xlsx"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(bytes))
            .expect("request");
        world.runtime.block_on(async {
            let response = world.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let bytes = response.into_body().collect().await.expect("body").to_bytes();
            (status, serde_json::from_slice::<Value>(&bytes).expect("JSON"))
        })
    };

    // The template, as a commune officer may read it too.
    let request = Request::builder()
        .uri(format!("/api/v1/units/{CUU_AN}/criteria/gdht-448-2016/template.xlsx"))
        .header("authorization", format!("Bearer {officer}"))
        .body(Body::empty())
        .expect("request");
    let (status, content_type, template) = world.runtime.block_on(async {
        let response = world.router.clone().oneshot(request).await.expect("infallible");
        let content_type = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
        (response.status(), content_type, response.into_body().collect().await.expect("body").to_bytes().to_vec())
    });
    assert_eq!(status, StatusCode::OK);
    assert_eq!(content_type.as_deref(), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    let (_, rows) = hoctap_server::criteria_sheet::read_xlsx(&template).expect("readable");
    assert_eq!(rows.len(), shipped.indicators().count());
    assert_eq!(rows[0].1[3], "1.1");
    assert_eq!(rows[0].1[6], "10");

    // Sent back unchanged: the same set, no diagnostic.
    let (status, body) = from_xlsx(&admin, template);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["diagnostics"], json!([]));
    assert_eq!(criteria::parse(body["toml"].as_str().expect("toml")).set, Some(shipped.clone()));

    // Filled with a wrong total: the file, and the loader's diagnostic on criterion 1.
    let mut filled = shipped.clone();
    filled.criteria[0].indicators[0].text = "Trẻ em đều được đến trường.".to_string();
    filled.criteria[0].indicators[0].measure =
        criteria::Measure::Points { max: hoctap_shared::number::Points::from_whole(15) };
    let bytes = hoctap_server::criteria_sheet::template_xlsx(&filled).expect("xlsx");
    let (status, body) = from_xlsx(&admin, bytes);
    assert_eq!(status, StatusCode::OK, "{body}");
    assert!(body["toml"].as_str().is_some_and(|t| t.contains("Trẻ em đều được đến trường.")));
    assert!(
        body["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .any(|d| d["code"] == "points-mismatch" && d["path"] == "criteria[0].points"),
        "{body}"
    );

    // Refusals.
    let (status, body) = from_xlsx(&admin, b"not a workbook".to_vec());
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("import_unreadable")));
    let (status, body) = from_xlsx(&officer, b"PK".to_vec());
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
}

/// A push of `ops` (one device) as the holder of `token`: the ids accepted.
fn push(world: &World, token: &str, ops: Vec<hoctap_shared::protocol::Operation>) -> Value {
    let device = ops[0].device.clone();
    let body = json!({"protocol": 1, "device": device, "ops": ops}).to_string();
    let mut request = Request::builder()
        .method("POST")
        .uri("/api/v1/sync/push")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json");
    request = request.header("x-hoctap", "test");
    let request = request.body(Body::from(body)).expect("request");
    world.runtime.block_on(async {
        let response = world.router.clone().oneshot(request).await.expect("infallible");
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        serde_json::from_slice(&bytes).expect("JSON")
    })
}

/// Issue 17: an evaluation made with the province's published set is checked, approved,
/// recognised and counted with that set and version — by the one list of sets the
/// server resolves every evaluation in; a version never published is not; and another
/// province cannot publish under the same id.
#[test]
fn an_evaluation_with_the_provinces_set_is_scored_recognised_and_counted_by_its_version() {
    use hoctap_shared::protocol::{Decision, FieldEdit, OpBody, RecordId, RecordKind, Transition};
    use hoctap_shared::scoring::Answer;

    let world = World::with_sample();
    let admin = world.account(Role::ProvinceAdmin, GIA_LAI, "qt-gia-lai", "Trần Thị Quản Trị");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo", "Nguyễn Văn Cán");
    let approver = world.account(Role::CommuneApprover, CUU_AN, "lanh-dao", "Lê Lãnh Đạo");
    let other_admin = world.account(Role::ProvinceAdmin, HA_NOI, "qt-ha-noi", "Phạm Hà Nội");
    let set = adapted("2027.1");
    assert_eq!(world.publish(&admin, GIA_LAI, &criteria::to_toml(&set)).status, StatusCode::CREATED);
    let taken = world.publish(&other_admin, HA_NOI, &criteria::to_toml(&set));
    assert_eq!((taken.status, taken.code().as_str()), (StatusCode::UNPROCESSABLE_ENTITY, "criteria_id_taken"));

    let evaluation = |id: &str, version: &str| {
        let record = RecordId { kind: RecordKind::Evaluation, id: id.to_string() };
        let fields = [("set", json!(set.id)), ("set_version", json!(version)), ("year", json!(2026))]
            .into_iter()
            .map(|(field, value)| FieldEdit { field: field.into(), value, base: vec![] })
            .collect();
        let mut ops = vec![crate::auth::op(CUU_AN, &format!("{id}-f"), record.clone(), OpBody::SetFields { fields })];
        for (i, indicator) in set.indicators().enumerate() {
            let answer = match indicator.max_points() {
                Some(max) => Answer::Points(max),
                None => Answer::Met(true),
            };
            let body = OpBody::SetScore { indicator: indicator.code.clone(), answer, base: vec![] };
            ops.push(crate::auth::op(CUU_AN, &format!("{id}-s{i}"), record.clone(), body));
        }
        ops.push(crate::auth::op(
            CUU_AN,
            &format!("{id}-n"),
            record,
            OpBody::Transition { transition: Transition::Submit },
        ));
        ops
    };
    let step = |id: &str, n: &str, transition: Transition| {
        let record = RecordId { kind: RecordKind::Evaluation, id: id.to_string() };
        vec![crate::auth::op(CUU_AN, &format!("{id}-{n}"), record, OpBody::Transition { transition })]
    };
    let decision = Decision {
        number: "21/QĐ-UBND".into(),
        date: hoctap_shared::date::Date::new(2026, 11, 20).expect("date"),
        authority: "Ủy ban nhân dân xã Cửu An".into(),
        override_reason: None,
        proposer: None,
    };
    let accepted = |reply: &Value| reply["accepted"].as_array().map_or(0, Vec::len);

    let reply = push(&world, &officer, evaluation("dg-tinh", "2027.1"));
    assert_eq!(accepted(&reply), set.indicators().count() + 2, "{reply}");
    assert_eq!(accepted(&push(&world, &approver, step("dg-tinh", "a", Transition::Approve))), 1);
    let reply = push(&world, &approver, step("dg-tinh", "r", Transition::Recognise { decision: decision.clone() }));
    assert_eq!(accepted(&reply), 1, "{reply}");

    // A version the province never published cannot be approved.
    push(&world, &officer, evaluation("dg-khong-co", "2099.1"));
    let reply = push(&world, &approver, step("dg-khong-co", "a", Transition::Approve));
    assert_eq!(reply["rejected"][0]["code"], "incomplete_evaluation", "{reply}");

    // Another province's own set serves its units only.
    let mut theirs = set.clone();
    theirs.id = "gdht-ha-noi".to_string();
    assert_eq!(world.publish(&other_admin, HA_NOI, &criteria::to_toml(&theirs)).status, StatusCode::CREATED);
    let record = RecordId { kind: RecordKind::Evaluation, id: "dg-tinh-khac".to_string() };
    let fields = vec![FieldEdit { field: "set".into(), value: json!("gdht-ha-noi"), base: vec![] }];
    let reply =
        push(&world, &officer, vec![crate::auth::op(CUU_AN, "dg-tinh-khac-f", record, OpBody::SetFields { fields })]);
    assert_eq!(reply["rejected"][0]["code"], "invalid_operation", "{reply}");
    assert!(reply["rejected"][0]["message"].as_str().is_some_and(|m| m.contains("tỉnh khác")), "{reply}");

    let figures = world.call("GET", &format!("/consolidation/{CUU_AN}?year=2026"), Some(&officer), None, None);
    assert_eq!(figures.status, StatusCode::OK);
    assert!(figures.text.contains("\"gdht-gia-lai@2027.1\":1"), "{}", figures.text);
}
