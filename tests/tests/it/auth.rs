//! Accounts, roles and scopes through the API, on both store backends: login, logout,
//! expiry and revocation on a manual clock; invitations that expire and work once;
//! slowed failed logins; the password rules; the first administrator from the command
//! line; and the permission matrix — every role against every resource and scope, where
//! a refused request must leave the store exactly as it was.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::auth;
use hoctap_server::clock::{Clock, ManualClock};
use hoctap_server::store::accounts::{self as stored_accounts, KEYSPACES};
use hoctap_server::store::{MemoryStore, Rows, SledStore, Store, StoreError};
use hoctap_server::{app, cli, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, PushRequest, RecordId, RecordKind, Transition};
use hoctap_shared::units::{OrgUnit, UnitKind, REFORM_DATE};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

const HOUR_MS: i64 = 60 * 60 * 1000;
pub(crate) const PASSWORD: &str = "mat-khau-du-dai";

/// Every keyspace outside authentication's that the server writes, for snapshots.
const STORED: [&str; 20] = [
    "units",
    "log",
    "op_ids",
    "record_ops",
    "scope",
    "views",
    "meta",
    "evidence",
    "evidence_meta",
    "evidence_records",
    "evidence_units",
    "part_records",
    "parts",
    "figures",
    "figures_names",
    "unit_plans",
    "narratives",
    "submissions",
    "assignments",
    "district_of",
];

pub(crate) fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

pub(crate) fn backends() -> Vec<(&'static str, Arc<dyn Store>)> {
    vec![
        ("sled", Arc::new(SledStore::temporary().expect("temporary sled"))),
        ("memory", Arc::new(MemoryStore::default())),
    ]
}

/// The units every test uses: province P with communes C and C2, hamlets A and B in C;
/// another province Q with commune CQ and hamlet HQ.
#[derive(Debug, Clone)]
pub(crate) struct Units {
    pub(crate) p: String,
    pub(crate) c: String,
    pub(crate) c2: String,
    pub(crate) a: String,
    pub(crate) b: String,
    pub(crate) q: String,
    pub(crate) cq: String,
    pub(crate) hq: String,
}

/// An app over one store, on a manual clock, driven synchronously so that `check` can
/// carry `#[track_caller]`.
pub(crate) struct World {
    pub(crate) backend: &'static str,
    runtime: tokio::runtime::Runtime,
    router: Router,
    pub(crate) state: AppState,
    pub(crate) clock: Arc<ManualClock>,
    pub(crate) units: Units,
}

impl World {
    pub(crate) fn new(backend: &'static str, store: Arc<dyn Store>) -> World {
        World::configured(backend, store, auth::AuthConfig::default())
    }

    /// [`World::new`] with its own session and invitation lifetimes.
    pub(crate) fn configured(backend: &'static str, store: Arc<dyn Store>, config: auth::AuthConfig) -> World {
        let catalog = catalog();
        let communes_of = |province: &str| -> Vec<String> {
            catalog.units.children(province).filter(|u| u.kind == UnitKind::Commune).map(|u| u.id.clone()).collect()
        };
        let p = "province:01:2025".to_string();
        let q = catalog
            .units
            .units
            .values()
            .find(|u| u.kind == UnitKind::Province && u.valid_to.is_none() && u.id != p)
            .map(|u| u.id.clone())
            .expect("a second province");
        let [c, c2] = [0, 1].map(|i| communes_of(&p)[i].clone());
        let cq = communes_of(&q)[0].clone();
        for (id, commune, name) in [("test-a", &c, "An"), ("test-b", &c, "Bình"), ("test-q", &cq, "Quý")] {
            let hamlet = OrgUnit::hamlet(id, commune, "Thôn", name, REFORM_DATE);
            store.put("units", hamlet.id.as_bytes(), &serde_json::to_vec(&hamlet).expect("json")).expect("put unit");
        }
        let units =
            Units { p, c, c2, a: "hamlet:test-a".into(), b: "hamlet:test-b".into(), q, cq, hq: "hamlet:test-q".into() };
        let clock = Arc::new(ManualClock::at(1_767_225_600_000)); // 1 January 2026
        let state = AppState { clock: clock.clone(), auth: config, ..AppState::new(store, catalog) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        World { backend, runtime, router: app(state.clone(), None), state, clock, units }
    }

    pub(crate) fn call(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> (StatusCode, Value) {
        self.call_raw(method, uri, token, body.map(|b| b.to_string()))
    }

    /// [`World::call`] with the body as text, for bodies no `Value` can hold (a key
    /// given twice).
    pub(crate) fn call_raw(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<String>,
    ) -> (StatusCode, Value) {
        self.call_bytes(method, uri, token, body.map(String::into_bytes))
    }

    /// [`World::call`] with the body as bytes (a photo).
    pub(crate) fn call_bytes(
        &self,
        method: &str,
        uri: &str,
        token: Option<&str>,
        body: Option<Vec<u8>>,
    ) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{uri}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let body = body.map_or_else(Body::empty, Body::from);
        let request = request.body(body).expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let text = content_type.starts_with("text/plain");
            let workbook =
                content_type.starts_with("application/vnd.openxmlformats") || content_type.starts_with("image/");
            let bytes = response.into_body().collect().await.expect("body").to_bytes();
            let json = if bytes.is_empty() || workbook {
                // A workbook's bytes are not read here; its status is what is checked.
                Value::Null
            } else if text {
                // A criteria file served as text.
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            } else {
                serde_json::from_slice(&bytes)
                    .unwrap_or_else(|_| panic!("{uri}: not JSON: {}", String::from_utf8_lossy(&bytes)))
            };
            (status, json)
        })
    }

    /// An invitation made the way the command line makes one (no inviting account).
    pub(crate) fn invite(&self, role: Role, unit: &str, valid_hours: Option<u32>) -> String {
        let request = CreateInvitation {
            role,
            unit: unit.to_string(),
            display_name: format!("Người {}", role.key()),
            valid_hours,
        };
        auth::create_invitation(&self.state, &request, None).expect("invitation").token
    }

    /// Accepts an invitation; returns (session token, account id).
    #[track_caller]
    pub(crate) fn accept(&self, invitation: &str, username: &str) -> (String, String) {
        let body = json!({"username": username, "password": PASSWORD});
        let (status, body) = self.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
        assert_eq!(status, StatusCode::CREATED, "{}: {body}", self.backend);
        (str_of(&body["token"]), str_of(&body["account"]["id"]))
    }

    /// An account with a live session: (session token, account id).
    #[track_caller]
    pub(crate) fn account(&self, role: Role, unit: &str, username: &str) -> (String, String) {
        let invitation = self.invite(role, unit, None);
        self.accept(&invitation, username)
    }

    pub(crate) fn login(&self, username: &str, password: &str) -> (StatusCode, Value) {
        self.call("POST", "/auth/login", None, Some(json!({"username": username, "password": password})))
    }

    /// Everything authentication, the unit registry and the operation log keep, to
    /// compare before and after a refused request.
    pub(crate) fn snapshot(&self) -> Vec<Rows> {
        KEYSPACES
            .iter()
            .chain(STORED.iter())
            .map(|keyspace| self.state.store.scan(keyspace, b"", None, usize::MAX).expect("scan"))
            .collect()
    }
}

pub(crate) fn str_of(value: &Value) -> String {
    value.as_str().unwrap_or_else(|| panic!("not a string: {value}")).to_string()
}

pub(crate) fn code_of(body: &Value) -> &str {
    body["error"]["code"].as_str().unwrap_or_default()
}

#[test]
fn sessions_expire_log_out_and_are_revoked() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let (first, _) = world.account(Role::ProvinceAdmin, &world.units.p, "qt.hanoi");
        let (status, me) = world.call("GET", "/auth/me", Some(&first), None);
        assert_eq!(
            (status, me["username"].as_str(), me["role"].as_str()),
            (StatusCode::OK, Some("qt.hanoi"), Some("province_admin"))
        );
        assert!(me.get("password_hash").is_none(), "{me}");

        // Usernames are typed on phones: capitals and spaces around are forgiven.
        let (status, login) = world.login(" QT.Hanoi ", PASSWORD);
        assert_eq!(status, StatusCode::OK, "{backend}: {login}");
        let second = str_of(&login["token"]);
        assert_eq!(login["expires_at_ms"], world.clock.now_ms() + 12 * HOUR_MS);

        // Logging out ends only the session it was made with.
        assert_eq!(world.call("POST", "/auth/logout", Some(&first), None).0, StatusCode::NO_CONTENT);
        let (status, body) = world.call("GET", "/auth/me", Some(&first), None);
        assert_eq!((status, code_of(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{backend}");
        assert_eq!(world.call("GET", "/auth/me", Some(&second), None).0, StatusCode::OK);

        // Twelve hours, to the millisecond.
        world.clock.advance(12 * HOUR_MS - 1);
        assert_eq!(world.call("GET", "/auth/me", Some(&second), None).0, StatusCode::OK);
        world.clock.advance(1);
        assert_eq!(world.call("GET", "/auth/me", Some(&second), None).0, StatusCode::UNAUTHORIZED);

        // An administrator ends every session of an officer, who cannot sign in again
        // until restored (issue 14's own test is `issue_14_a_revoked_account_…`).
        let (admin, _) = world.account(Role::ProvinceAdmin, &world.units.p, "qt.hanoi.2");
        let (officer, officer_id) = world.account(Role::CommuneOfficer, &world.units.c, "cb.xa");
        let (status, _) = world.login("cb.xa", PASSWORD);
        assert_eq!(status, StatusCode::OK);
        let (status, body) = world.call("POST", &format!("/accounts/{officer_id}/revoke"), Some(&admin), None);
        assert_eq!((status, &body), (StatusCode::OK, &json!({"revoked": 2})), "{backend}");
        assert_eq!(world.call("GET", "/auth/me", Some(&officer), None).0, StatusCode::UNAUTHORIZED);
        assert_eq!(world.login("cb.xa", PASSWORD).0, StatusCode::FORBIDDEN);
        let (status, _) = world.call("POST", "/accounts/khong-co/revoke", Some(&admin), None);
        assert_eq!(status, StatusCode::NOT_FOUND);

        // No token, a malformed one, another scheme, an unknown one.
        let unknown = "ab".repeat(32);
        for header in [None, Some("zz"), Some(unknown.as_str())] {
            let (status, body) = world.call("GET", "/auth/me", header, None);
            assert_eq!((status, code_of(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{header:?}");
            assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("đăng nhập")), "{body}");
        }
        let request = Request::builder()
            .uri("/api/v1/auth/me")
            .header("authorization", format!("Basic {admin}"))
            .body(Body::empty())
            .expect("request");
        let response = world.runtime.block_on(world.router.clone().oneshot(request)).expect("infallible");
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers().get("www-authenticate").and_then(|v| v.to_str().ok()), Some("Bearer"));
    }
}

#[test]
fn every_protected_route_refuses_an_anonymous_caller() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let p = &world.units.p;
    for (method, uri) in [
        ("GET", "/auth/me".to_string()),
        ("POST", "/auth/logout".to_string()),
        ("POST", "/invitations".to_string()),
        ("GET", "/accounts".to_string()),
        ("POST", "/accounts/x/revoke".to_string()),
        ("GET", format!("/units/{p}/accounts")),
        ("GET", format!("/units/{p}/permissions")),
    ] {
        let (status, body) = world.call(method, &uri, None, Some(json!({})));
        assert_eq!((status, code_of(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{method} {uri}");
    }
    // Reference data stays public.
    assert_eq!(world.call("GET", &format!("/units/{p}"), None, None).0, StatusCode::OK);
}

#[test]
fn invitations_expire_and_work_once() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let invitation = world.invite(Role::CommuneOfficer, &world.units.c, None);
        let (status, preview) = world.call("GET", &format!("/invitations/{invitation}"), None, None);
        assert_eq!(status, StatusCode::OK, "{backend}: {preview}");
        assert_eq!(preview["role"], "commune_officer");
        assert_eq!(preview["unit"], world.units.c.as_str());
        assert_eq!(preview["display_name"], "Người commune_officer");
        assert_eq!(preview["expires_at_ms"], world.clock.now_ms() + 72 * HOUR_MS);
        assert!(preview["unit_name"].as_str().is_some_and(|name| !name.is_empty()), "{preview}");

        // A refused password or a taken username leaves the invitation usable.
        let accept = |username: &str, password: &str| {
            let body = json!({"username": username, "password": password});
            world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body))
        };
        let (status, body) = accept("cb.moi", "ngan");
        assert_eq!((status, code_of(&body)), (StatusCode::UNPROCESSABLE_ENTITY, "credentials_refused"), "{body}");
        world.account(Role::Viewer, &world.units.c, "da.co");
        let (status, body) = accept("da.co", PASSWORD);
        assert_eq!((status, code_of(&body)), (StatusCode::CONFLICT, "username_taken"), "{body}");
        let (status, body) = accept("cb.moi", PASSWORD);
        assert_eq!(status, StatusCode::CREATED, "{backend}: {body}");
        assert_eq!(body["account"]["role"], "commune_officer");
        assert_eq!(world.call("GET", "/auth/me", Some(&str_of(&body["token"])), None).0, StatusCode::OK);

        // Used: gone for good, whatever the username.
        let (status, body) = accept("cb.khac", PASSWORD);
        assert_eq!((status, code_of(&body)), (StatusCode::NOT_FOUND, "invitation_not_found"));
        assert_eq!(world.call("GET", &format!("/invitations/{invitation}"), None, None).0, StatusCode::NOT_FOUND);

        // Expired: 410 from the first millisecond after its hour.
        let short = world.invite(Role::Viewer, &world.units.p, Some(1));
        world.clock.advance(HOUR_MS - 1);
        assert_eq!(world.call("GET", &format!("/invitations/{short}"), None, None).0, StatusCode::OK);
        world.clock.advance(1);
        let (status, body) = world.call("GET", &format!("/invitations/{short}"), None, None);
        assert_eq!((status, code_of(&body)), (StatusCode::GONE, "invitation_expired"));
        let body = json!({"username": "xem.het.han", "password": PASSWORD});
        assert_eq!(world.call("POST", &format!("/invitations/{short}/accept"), None, Some(body)).0, StatusCode::GONE);

        for unknown in ["ab".repeat(32), "khong-phai-token".to_string()] {
            assert_eq!(world.call("GET", &format!("/invitations/{unknown}"), None, None).0, StatusCode::NOT_FOUND);
        }
        let (status, body) = world.call("POST", &format!("/invitations/{short}/accept"), None, None);
        assert_eq!((status, code_of(&body)), (StatusCode::BAD_REQUEST, "bad_request"));
    }
}

#[test]
fn failed_logins_are_slowed_and_a_success_resets_the_count() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        world.account(Role::Collaborator, &world.units.a, "ctv.an");
        let attempt = |password: &str| {
            let (status, body) = world.login("ctv.an", password);
            (status.as_u16(), body["error"]["message"].as_str().unwrap_or_default().to_string())
        };
        for _ in 0..3 {
            assert_eq!(attempt("sai-mat-khau-1").0, 401, "{backend}");
        }
        // Refused before the password is even checked, with the wait in seconds.
        let (status, message) = attempt(PASSWORD);
        assert_eq!(status, 429);
        assert!(message.contains("chờ 1 giây"), "{message}");
        world.clock.advance(1_000);
        assert_eq!(attempt("sai-mat-khau-2").0, 401);
        let (status, message) = attempt(PASSWORD);
        assert_eq!((status, message.contains("chờ 2 giây")), (429, true), "{message}");
        world.clock.advance(1_999);
        assert_eq!(attempt(PASSWORD).0, 429);
        world.clock.advance(1);
        assert_eq!(attempt(PASSWORD).0, 200);
        // The count starts over: two failures are not slowed.
        assert_eq!(attempt("sai").0, 401);
        assert_eq!(attempt("sai").0, 401);
        assert_eq!(attempt(PASSWORD).0, 200);

        // Unknown usernames are slowed the same way, so the answers tell nothing.
        let statuses: Vec<u16> = (0..4).map(|_| world.login("khong.co.ai", PASSWORD).0.as_u16()).collect();
        assert_eq!(statuses, [401, 401, 401, 429]);

        // The ceiling is fifteen minutes.
        for _ in 0..20 {
            world.clock.advance(15 * 60 * 1000);
            assert_eq!(world.login("khong.co.ai", PASSWORD).0, StatusCode::UNAUTHORIZED);
        }
        let (_, body) = world.login("khong.co.ai", PASSWORD);
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("chờ 900 giây")), "{body}");

        let (status, body) = world.call("POST", "/auth/login", None, None);
        assert_eq!((status, code_of(&body)), (StatusCode::BAD_REQUEST, "bad_request"));
    }
}

#[test]
fn new_credentials_follow_the_rules() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let invitation = world.invite(Role::Viewer, &world.units.c, None);
    let cases: [(&str, &str, &[&str]); 6] = [
        ("lan.nguyen", "ngắn", &["password_too_short"]),
        ("lan.nguyen", "LAN.NGUYEN", &["password_is_username"]),
        ("Lan Nguyen", PASSWORD, &["username_characters"]),
        ("ab", PASSWORD, &["username_length"]),
        ("nguyễn", "nguyễn", &["username_characters", "password_too_short", "password_is_username"]),
        ("lan.nguyen", "đủ mười ký tự", &[]),
    ];
    for (username, password, expected) in cases {
        let body = json!({"username": username, "password": password});
        let (status, body) = world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
        if expected.is_empty() {
            assert_eq!(status, StatusCode::CREATED, "{username:?}: {body}");
        } else {
            assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{username:?}: {body}");
            assert_eq!(body["error"]["problems"], json!(expected), "{username:?} / {password:?}");
        }
    }
    // Vietnamese passwords log in as they were set.
    assert_eq!(world.login("lan.nguyen", "đủ mười ký tự").0, StatusCode::OK);
}

#[test]
fn roles_fit_their_units() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    let (admin, _) = world.account(Role::ProvinceAdmin, &world.units.p, "qt.hanoi");
    let u = world.units.clone();
    let cases = [
        (Role::Collaborator, &u.a, 201),
        (Role::Collaborator, &u.c, 422),
        (Role::CommuneOfficer, &u.c, 201),
        (Role::CommuneApprover, &u.a, 422),
        (Role::ProvinceAdmin, &u.p, 201),
        (Role::ProvinceAdmin, &u.c, 422),
        (Role::Viewer, &u.a, 201),
        (Role::Viewer, &u.p, 201),
    ];
    for (role, unit, expected) in cases {
        let body = json!({"role": role, "unit": unit, "display_name": "Nguyễn Văn An"});
        let (status, body) = world.call("POST", "/invitations", Some(&admin), Some(body));
        assert_eq!(status.as_u16(), expected, "{role:?} on {unit}: {body}");
        if expected == 422 {
            assert_eq!(code_of(&body), "role_does_not_fit_unit");
        } else {
            assert!(str_of(&body["link"]).starts_with("/#moi/"), "{body}");
        }
    }
    for body in [
        json!({"role": "viewer", "unit": u.p, "display_name": "  "}),
        json!({"role": "viewer", "unit": u.p, "display_name": "An", "valid_hours": 0}),
        json!({"role": "viewer", "unit": u.p, "display_name": "An", "valid_hours": 721}),
        json!({"role": "chief", "unit": u.p, "display_name": "An"}),
    ] {
        let (status, reply) = world.call("POST", "/invitations", Some(&admin), Some(body.clone()));
        assert_eq!(status, StatusCode::BAD_REQUEST, "{body}: {reply}");
    }
}

#[test]
fn the_first_administrator_comes_from_the_command_line() {
    let world = World::new("memory", Arc::new(MemoryStore::default()));
    assert!(!auth::has_accounts(world.state.store.as_ref()).expect("scan"));
    let mut state = world.state.clone();
    state.auth.public_url = "http://hoctap.example.vn/".to_string();
    let request = |role: &str, unit: &str| cli::AdminInvite {
        role: role.to_string(),
        unit: unit.to_string(),
        display_name: "Trần Thị Quản Trị".to_string(),
        valid_hours: 72,
    };
    let report = cli::admin_invite(&state, &request("province_admin", &world.units.p));
    assert_eq!(report.code, 0, "{}", report.stderr);
    assert!(report.stdout.contains("Quản trị tỉnh — Thành phố Hà Nội"), "{}", report.stdout);
    let link = report
        .stdout
        .lines()
        .find_map(|line| line.strip_prefix("http://hoctap.example.vn/#moi/"))
        .expect("a link in the output")
        .to_string();
    let (token, _) = world.accept(&link, "qt.hanoi");
    assert!(auth::has_accounts(world.state.store.as_ref()).expect("scan"));
    let (status, me) = world.call("GET", "/auth/me", Some(&token), None);
    assert_eq!((status, me["role"].as_str()), (StatusCode::OK, Some("province_admin")));

    let refused = cli::admin_invite(&state, &request("admin", &world.units.p));
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("province_admin"), "{}", refused.stderr);
    let refused = cli::admin_invite(&state, &request("province_admin", &world.units.c));
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("Quản trị tỉnh phải gắn với một tỉnh"), "{}", refused.stderr);
    let refused = cli::admin_invite(&state, &request("province_admin", "province:99:2025"));
    assert_eq!(refused.code, 2);
}

/// What the matrix calls, each on a target unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Resource {
    /// `GET /units/{u}/accounts` (read).
    UnitAccounts,
    /// `GET /units/{u}/permissions`: the expectation is the actions granted, `RWVA`.
    Permissions,
    /// `POST /invitations` for a viewer on the unit (administer; a write).
    Invite,
    /// `POST /accounts/{id}/revoke` for the account scoped to the unit (administer; a write).
    Revoke,
    /// `POST /sync/push` of an edit of a household in the unit (write).
    Push,
    /// `POST /sync/push` of a return of a submitted evaluation in the unit (review).
    ReviewStep,
    /// `GET /records/household/{id}` of the unit's household (read).
    Record,
    /// `GET /consolidation/{u}?year=2026` (read).
    Consolidation,
    /// `POST /records/origins` about an operation on the unit's household, which a
    /// province administrator sent: `200:1` when told who sent it, `200:0` when left
    /// out (outside the scope answers as an unknown operation would).
    Origins,
    /// `GET /units/{u}/criteria`: the province's published criteria sets (read).
    ProvinceCriteria,
    /// `GET /units/{u}/criteria/gdht-448-2016/source`: a set's file to start from (read).
    CriteriaSource,
    /// `POST /units/{u}/criteria`: publish a province's set (administer, a province only:
    /// 422 `wrong_unit_kind` below it).
    CriteriaPublish,
    /// `GET /units/{u}/criteria/gdht-448-2016/template.xlsx`: a set as a sheet (read).
    CriteriaTemplate,
    /// `POST /units/{u}/criteria/from-xlsx` with no workbook (administer, a province only:
    /// 422 `import_unreadable` there, `wrong_unit_kind` below it).
    CriteriaFromSheet,
    /// `POST /units/{u}/campaigns`: open a self-assessment campaign (write, a hamlet or a
    /// commune: 422 `wrong_unit_kind` at a province).
    CampaignOpen,
    /// `GET /campaigns/{id}/answers` of a campaign of the unit (read; outside the scope
    /// as missing).
    CampaignQueue,
    /// `GET /units/{u}/lineage/overview`: the lineage screen's one request (read; a
    /// province's communes and districts only as far as the caller may read them).
    LineageOverview,
}

/// Where the target lies relative to the caller's own unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Own,
    /// Under the caller's unit (a hamlet of its commune, of its province).
    Below,
    /// Beside it: the other hamlet of the same commune, another commune of the same
    /// province, another province.
    Sibling,
    /// Deep inside another province.
    Outside,
}

const SCOPES: [Scope; 4] = [Scope::Own, Scope::Below, Scope::Sibling, Scope::Outside];

/// Every role against every resource in every scope. "-" marks a scope a hamlet does
/// not have (nothing lies below it). Invitations and revocations here concern a viewer:
/// a commune official may invite and manage the viewers of its own commune, not of its
/// hamlets (the whole rule is `staff::matrix_…`).
const MATRIX: &[(Role, Resource, [&str; 4])] = &[
    //                                              own      below    sibling  outside
    (Role::Collaborator, Resource::UnitAccounts, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::Permissions, ["RW..", "-", "....", "...."]),
    (Role::Collaborator, Resource::Invite, ["403", "-", "403", "403"]),
    (Role::Collaborator, Resource::Revoke, ["403", "-", "403", "403"]),
    (Role::Collaborator, Resource::Push, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::ReviewStep, ["403", "-", "403", "403"]),
    (Role::Collaborator, Resource::Record, ["200", "-", "404", "404"]),
    (Role::Collaborator, Resource::Consolidation, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::Origins, ["200:1", "-", "200:0", "200:0"]),
    (Role::Collaborator, Resource::ProvinceCriteria, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::CriteriaSource, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::CriteriaPublish, ["403", "-", "403", "403"]),
    (Role::Collaborator, Resource::CriteriaTemplate, ["200", "-", "403", "403"]),
    (Role::Collaborator, Resource::CriteriaFromSheet, ["403", "-", "403", "403"]),
    (Role::Collaborator, Resource::CampaignOpen, ["201", "-", "403", "403"]),
    (Role::Collaborator, Resource::CampaignQueue, ["200", "-", "404", "404"]),
    (Role::Collaborator, Resource::LineageOverview, ["200", "-", "403", "403"]),
    (Role::CommuneOfficer, Resource::UnitAccounts, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::Permissions, ["RW..", "RW..", "....", "...."]),
    (Role::CommuneOfficer, Resource::Invite, ["201", "403", "403", "403"]),
    (Role::CommuneOfficer, Resource::Revoke, ["200", "403", "404", "404"]),
    (Role::CommuneOfficer, Resource::Push, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::ReviewStep, ["403", "403", "403", "403"]),
    (Role::CommuneOfficer, Resource::Record, ["200", "200", "404", "404"]),
    (Role::CommuneOfficer, Resource::Consolidation, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::Origins, ["200:1", "200:1", "200:0", "200:0"]),
    (Role::CommuneOfficer, Resource::ProvinceCriteria, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::CriteriaSource, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::CriteriaPublish, ["403", "403", "403", "403"]),
    (Role::CommuneOfficer, Resource::CriteriaTemplate, ["200", "200", "403", "403"]),
    (Role::CommuneOfficer, Resource::CriteriaFromSheet, ["403", "403", "403", "403"]),
    (Role::CommuneOfficer, Resource::CampaignOpen, ["201", "201", "403", "403"]),
    (Role::CommuneOfficer, Resource::CampaignQueue, ["200", "200", "404", "404"]),
    (Role::CommuneOfficer, Resource::LineageOverview, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::UnitAccounts, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::Permissions, ["RWV.", "RWV.", "....", "...."]),
    (Role::CommuneApprover, Resource::Invite, ["201", "403", "403", "403"]),
    (Role::CommuneApprover, Resource::Revoke, ["200", "403", "404", "404"]),
    (Role::CommuneApprover, Resource::Push, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::ReviewStep, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::Record, ["200", "200", "404", "404"]),
    (Role::CommuneApprover, Resource::Consolidation, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::Origins, ["200:1", "200:1", "200:0", "200:0"]),
    (Role::CommuneApprover, Resource::ProvinceCriteria, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::CriteriaSource, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::CriteriaPublish, ["403", "403", "403", "403"]),
    (Role::CommuneApprover, Resource::CriteriaTemplate, ["200", "200", "403", "403"]),
    (Role::CommuneApprover, Resource::CriteriaFromSheet, ["403", "403", "403", "403"]),
    (Role::CommuneApprover, Resource::CampaignOpen, ["201", "201", "403", "403"]),
    (Role::CommuneApprover, Resource::CampaignQueue, ["200", "200", "404", "404"]),
    (Role::CommuneApprover, Resource::LineageOverview, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::UnitAccounts, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::Permissions, ["RWVA", "RWVA", "....", "...."]),
    (Role::ProvinceAdmin, Resource::Invite, ["201", "201", "403", "403"]),
    (Role::ProvinceAdmin, Resource::Revoke, ["200", "200", "404", "404"]),
    (Role::ProvinceAdmin, Resource::Push, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::ReviewStep, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::Record, ["200", "200", "404", "404"]),
    (Role::ProvinceAdmin, Resource::Consolidation, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::Origins, ["200:1", "200:1", "200:0", "200:0"]),
    (Role::ProvinceAdmin, Resource::ProvinceCriteria, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CriteriaSource, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CriteriaPublish, ["201", "422", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CriteriaTemplate, ["200", "200", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CriteriaFromSheet, ["422", "422", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CampaignOpen, ["422", "201", "403", "403"]),
    (Role::ProvinceAdmin, Resource::CampaignQueue, ["200", "200", "404", "404"]),
    (Role::ProvinceAdmin, Resource::LineageOverview, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::UnitAccounts, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::Permissions, ["R...", "R...", "....", "...."]),
    (Role::Viewer, Resource::Invite, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::Revoke, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::Push, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::ReviewStep, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::Record, ["200", "200", "404", "404"]),
    (Role::Viewer, Resource::Consolidation, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::Origins, ["200:1", "200:1", "200:0", "200:0"]),
    (Role::Viewer, Resource::ProvinceCriteria, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::CriteriaSource, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::CriteriaPublish, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::CriteriaTemplate, ["200", "200", "403", "403"]),
    (Role::Viewer, Resource::CriteriaFromSheet, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::CampaignOpen, ["403", "403", "403", "403"]),
    (Role::Viewer, Resource::CampaignQueue, ["200", "200", "404", "404"]),
    (Role::Viewer, Resource::LineageOverview, ["200", "200", "403", "403"]),
];

/// The caller of each role: its unit, and the target unit of each scope.
fn seat(units: &Units, role: Role) -> (&str, [Option<&str>; 4]) {
    let u = units;
    match role {
        Role::Collaborator => (&u.a, [Some(&u.a), None, Some(&u.b), Some(&u.hq)]),
        Role::CommuneOfficer | Role::CommuneApprover | Role::Viewer => {
            (&u.c, [Some(&u.c), Some(&u.a), Some(&u.c2), Some(&u.cq)])
        }
        Role::ProvinceAdmin => (&u.p, [Some(&u.p), Some(&u.a), Some(&u.q), Some(&u.hq)]),
    }
}

struct Matrix<'w> {
    world: &'w World,
    /// The caller of each role, by `Role::ALL` order.
    callers: Vec<(Role, String)>,
    /// A viewer account in each target unit, to be revoked: (unit, account id, token).
    targets: Vec<(String, String, String)>,
}

impl Matrix<'_> {
    #[track_caller]
    fn check(&self, role: Role, resource: Resource, scope: Scope, unit: &str, expect: &str) {
        let world = self.world;
        let token = self.callers.iter().find(|(r, _)| *r == role).map(|(_, t)| t.as_str());
        let target =
            || self.targets.iter().find(|(u, _, _)| u == unit).map(|(_, id, _)| id.clone()).expect("a target account");
        let (method, uri, body) = match resource {
            Resource::UnitAccounts => ("GET", format!("/units/{unit}/accounts"), None),
            Resource::Permissions => ("GET", format!("/units/{unit}/permissions"), None),
            Resource::Invite => (
                "POST",
                "/invitations".to_string(),
                Some(json!({"role": "viewer", "unit": unit, "display_name": "Người xem"})),
            ),
            Resource::Revoke => ("POST", format!("/accounts/{}/revoke", target()), None),
            Resource::Push => {
                ("POST", "/sync/push".to_string(), Some(push_body(unit, household_edit(unit, role, scope))))
            }
            Resource::ReviewStep => {
                ("POST", "/sync/push".to_string(), Some(push_body(unit, return_step(unit, role, scope))))
            }
            Resource::Record => ("GET", format!("/records/household/{}", household_id(unit)), None),
            Resource::Consolidation => ("GET", format!("/consolidation/{unit}?year=2026"), None),
            Resource::Origins => {
                let record = json!({"kind": "household", "id": household_id(unit)});
                (
                    "POST",
                    "/records/origins".to_string(),
                    Some(json!({"ops": [{"record": record, "op": origin_op(unit)}]})),
                )
            }
            Resource::ProvinceCriteria => ("GET", format!("/units/{unit}/criteria"), None),
            Resource::CriteriaSource => ("GET", format!("/units/{unit}/criteria/gdht-448-2016/source"), None),
            Resource::CriteriaPublish => ("POST", format!("/units/{unit}/criteria"), Some(Value::String(matrix_set()))),
            Resource::CriteriaTemplate => ("GET", format!("/units/{unit}/criteria/gdht-448-2016/template.xlsx"), None),
            Resource::CriteriaFromSheet => {
                ("POST", format!("/units/{unit}/criteria/from-xlsx"), Some(Value::String(String::new())))
            }
            Resource::CampaignOpen => (
                "POST",
                format!("/units/{unit}/campaigns"),
                Some(json!({"year": 2026, "set": "cdht-324-2023", "valid_until": "2026-01-31", "max_answers": 10})),
            ),
            Resource::CampaignQueue => ("GET", format!("/campaigns/{}/answers", campaign_id(unit)), None),
            Resource::LineageOverview => ("GET", format!("/units/{unit}/lineage/overview"), None),
        };
        let before = world.snapshot();
        let (status, reply) = match body {
            Some(Value::String(text)) => world.call_raw(method, &uri, token, Some(text)),
            body => world.call(method, &uri, token, body),
        };
        let context = format!("{}: {role:?} {resource:?} {scope:?} ({unit}): {reply}", world.backend);
        if resource == Resource::Permissions {
            assert_eq!(status, StatusCode::OK, "{context}");
            let granted: Vec<&str> =
                reply["actions"].as_array().expect("actions").iter().filter_map(Value::as_str).collect();
            let letters: String = [("read", 'R'), ("write", 'W'), ("review", 'V'), ("administer", 'A')]
                .into_iter()
                .map(|(action, letter)| if granted.contains(&action) { letter } else { '.' })
                .collect();
            assert_eq!(letters, expect, "{context}");
            return;
        }
        if resource == Resource::Origins {
            let told = reply["origins"].as_array().map_or(0, Vec::len);
            assert_eq!(format!("{}:{told}", status.as_str()), expect, "{context}");
            return;
        }
        assert_eq!(status.as_str(), expect, "{context}");
        if status == StatusCode::NOT_FOUND {
            // Out of scope is answered like "does not exist": nothing tells them apart.
            assert_eq!(code_of(&reply), "not_found", "{context}");
        } else if status.is_client_error() {
            // A commune official may invite someone on its hamlet, only not a viewer.
            let code = if resource == Resource::Invite
                && scope == Scope::Below
                && matches!(role, Role::CommuneOfficer | Role::CommuneApprover)
            {
                "role_not_invitable"
            } else if matches!(
                resource,
                Resource::CriteriaPublish | Resource::CriteriaFromSheet | Resource::CampaignOpen
            ) && status == StatusCode::UNPROCESSABLE_ENTITY
            {
                if scope == Scope::Own && resource == Resource::CriteriaFromSheet {
                    "import_unreadable"
                } else {
                    "wrong_unit_kind"
                }
            } else {
                "forbidden"
            };
            assert_eq!(code_of(&reply), code, "{context}");
            assert!(reply["error"]["message"].as_str().is_some_and(|m| m.contains("không")), "{context}");
        }
        if status.is_client_error() {
            assert!(world.snapshot() == before, "{context}: a refused request changed the store");
        }
    }
}

#[test]
fn matrix_every_role_against_every_resource_and_scope() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let callers: Vec<(Role, String)> = Role::ALL
            .into_iter()
            .map(|role| {
                let (unit, _) = seat(&u, role);
                (role, world.account(role, unit, &format!("goi.{}", role.key().replace('_', "-"))).0)
            })
            .collect();
        let targets = [&u.p, &u.c, &u.c2, &u.a, &u.b, &u.q, &u.cq, &u.hq]
            .into_iter()
            .enumerate()
            .map(|(i, unit)| {
                let (token, id) = world.account(Role::Viewer, unit, &format!("dich.{i}"));
                (unit.clone(), id, token)
            })
            .collect();
        // A household and a submitted evaluation in every target unit, for the record,
        // push and review rows.
        for unit in [&u.p, &u.c, &u.c2, &u.a, &u.b, &u.q, &u.cq, &u.hq] {
            let ops = seed_records(unit);
            let response = world
                .runtime
                .block_on(hoctap_server::sync::push(&world.state, &ops, hoctap_server::sync::Pusher::Replay))
                .expect("seed");
            assert_eq!(response.accepted.len(), ops.len(), "{backend}: seeding {unit}: {response:?}");
        }
        // A self-assessment campaign in every target unit, for the queue rows.
        for unit in [&u.p, &u.c, &u.c2, &u.a, &u.b, &u.q, &u.cq, &u.hq] {
            let campaign = hoctap_shared::selfassess::Campaign {
                id: campaign_id(unit),
                unit: unit.clone(),
                year: 2026,
                set: "cdht-324-2023".into(),
                set_version: "2023.1".into(),
                valid_until: hoctap_shared::date::Date::new(2026, 1, 31).expect("date"),
                max_answers: 10,
                opened_by: "seed".into(),
                opened_at_ms: 0,
                closed_at_ms: None,
            };
            assert!(hoctap_server::store::campaigns::open(world.state.store.as_ref(), &campaign).expect("seed"));
        }
        // An operation on each household sent by its province's administrator, so that
        // the server keeps who sent it (a replay keeps no origin).
        for (province, units) in [(&u.p, vec![&u.p, &u.c, &u.c2, &u.a, &u.b]), (&u.q, vec![&u.q, &u.cq, &u.hq])] {
            let (token, _) = world.account(Role::ProvinceAdmin, province, &format!("goc.{}", units.len()));
            for unit in units {
                let household = RecordId { kind: RecordKind::Household, id: household_id(unit) };
                let body = OpBody::SetFields {
                    fields: vec![FieldEdit { field: "so_thanh_vien".into(), value: json!(5), base: vec![] }],
                };
                let push = push_body(unit, op(unit, &origin_op(unit), household, body));
                let (status, reply) = world.call("POST", "/sync/push", Some(&token), Some(push));
                assert_eq!(status, StatusCode::OK, "{backend}: {reply}");
                assert_eq!(reply["accepted"].as_array().map(Vec::len), Some(1), "{backend}: {reply}");
            }
        }
        let matrix = Matrix { world: &world, callers, targets };
        let mut checked = 0;
        for (role, resource, expected) in MATRIX {
            let (_, targets) = seat(&u, *role);
            for ((scope, target), expect) in SCOPES.into_iter().zip(targets).zip(expected) {
                match target {
                    Some(unit) => {
                        matrix.check(*role, *resource, scope, unit, expect);
                        checked += 1;
                    }
                    None => assert_eq!(*expect, "-", "{role:?} {resource:?} {scope:?}"),
                }
            }
        }
        assert_eq!(checked, Role::ALL.len() * 17 * SCOPES.len() - 17, "every role × resource × scope");

        // Listing accounts is administration of one's own unit: the administrator of P
        // sees P's accounts and none of Q's; nobody else may list.
        for (role, token) in &matrix.callers {
            let before = world.snapshot();
            let (status, body) = world.call("GET", "/accounts", Some(token), None);
            if *role == Role::ProvinceAdmin {
                assert_eq!(status, StatusCode::OK, "{backend}: {body}");
                let units: Vec<&str> =
                    body.as_array().expect("list").iter().filter_map(|a| a["unit"].as_str()).collect();
                assert!(units.iter().all(|unit| world.state.unit_covers(&u.p, unit).expect("covers")), "{units:?}");
                assert!(units.contains(&u.a.as_str()) && !units.contains(&u.q.as_str()), "{units:?}");
            } else {
                assert_eq!((status, code_of(&body)), (StatusCode::FORBIDDEN, "forbidden"), "{role:?}");
                assert!(world.snapshot() == before);
            }
        }

        // Refused revocations left their targets' sessions working (hamlet B's viewer,
        // whom hamlet A's collaborator tried to revoke); granted ones ended them.
        for (unit, _, token) in &matrix.targets {
            let (status, _) = world.call("GET", "/auth/me", Some(token), None);
            let revoked = [&u.p, &u.a, &u.c].contains(&unit);
            assert_eq!(status.is_success(), !revoked, "{backend}: the viewer of {unit}");
        }
    }
}

/// Operations minted for the matrix, one device per call, on one advancing clock.
pub(crate) fn op(unit: &str, id: &str, record: RecordId, body: OpBody) -> Operation {
    static NOW: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1_767_225_600_000);
    let now = NOW.fetch_add(1_000, std::sync::atomic::Ordering::SeqCst);
    let device = format!("may-{id}");
    Operation {
        id: id.to_string(),
        device: device.clone(),
        hlc: Hlc { wall_ms: now, counter: 0, device },
        record,
        unit: unit.to_string(),
        body,
    }
}

fn campaign_id(unit: &str) -> String {
    format!("dot-{}", unit.replace(':', "-"))
}

fn household_id(unit: &str) -> String {
    format!("ho-{}", unit.replace(':', "-"))
}

fn evaluation_id(unit: &str) -> String {
    format!("dg-{}", unit.replace(':', "-"))
}

/// A household and a submitted evaluation in `unit`.
fn seed_records(unit: &str) -> Vec<Operation> {
    let household = RecordId { kind: RecordKind::Household, id: household_id(unit) };
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: evaluation_id(unit) };
    let set = |field: &str, value: Value| OpBody::SetFields {
        fields: vec![FieldEdit { field: field.into(), value, base: vec![] }],
    };
    vec![
        op(unit, &format!("seed-h-{unit}"), household, set("ten_chu_ho", json!("Nguyễn Văn Ánh"))),
        op(unit, &format!("seed-e-{unit}"), evaluation.clone(), set("year", json!(2026))),
        op(unit, &format!("seed-s-{unit}"), evaluation, OpBody::Transition { transition: Transition::Submit }),
    ]
}

/// A province's own set to publish: the shipped family set under an id of its own.
fn matrix_set() -> String {
    let mut set = hoctap_shared::criteria::shipped::get("gdht-448-2016").expect("shipped");
    set.id = "gdht-ma-tran".to_string();
    set.version = "2027.1".to_string();
    hoctap_shared::criteria::to_toml(&set)
}

/// The id of the operation a province administrator sent on the unit's household.
fn origin_op(unit: &str) -> String {
    format!("goc-{}", unit.replace(':', "-"))
}

fn household_edit(unit: &str, role: Role, scope: Scope) -> Operation {
    let household = RecordId { kind: RecordKind::Household, id: household_id(unit) };
    let body =
        OpBody::SetFields { fields: vec![FieldEdit { field: "so_thanh_vien".into(), value: json!(4), base: vec![] }] };
    op(unit, &format!("edit-{role:?}-{scope:?}"), household, body)
}

fn return_step(unit: &str, role: Role, scope: Scope) -> Operation {
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: evaluation_id(unit) };
    let body = OpBody::Transition { transition: Transition::Return { comment: "Bổ sung minh chứng".into() } };
    op(unit, &format!("return-{role:?}-{scope:?}"), evaluation, body)
}

pub(crate) fn push_body(unit: &str, op: Operation) -> Value {
    let _ = unit;
    serde_json::to_value(PushRequest { protocol: 1, device: op.device.clone(), ops: vec![op] }).expect("json")
}

impl World {
    fn get_bytes(&self, uri: &str, token: &str) -> (StatusCode, Option<String>, Vec<u8>) {
        let request = Request::builder()
            .uri(format!("/api/v1{uri}"))
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let media = response.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
            (status, media, response.into_body().collect().await.expect("body").to_bytes().to_vec())
        })
    }
}

/// A hamlet officer uploads a photo and scores offline; the commune returns the record
/// with a comment; the officer's next pull brings it back; evidence is served only in
/// scope; the commune's consolidation shows the figures beside the national targets.
#[test]
fn sync_evidence_review_and_consolidation_over_http() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let (officer, _) = world.account(Role::Collaborator, &u.a, "can.bo.thon.a");
        let (other_hamlet, _) = world.account(Role::Collaborator, &u.b, "can.bo.thon.b");
        let (approver, _) = world.account(Role::CommuneApprover, &u.c, "lanh.dao.xa");

        // Evidence: stored once, checked by content, size and hash.
        let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
        photo.extend(std::iter::repeat_n(7u8, 50_000));
        let sha = hoctap_server::evidence::sha256_hex(&photo);
        let (status, body) = world.call_bytes("PUT", &format!("/evidence/{sha}"), Some(&officer), Some(photo.clone()));
        assert_eq!((status, body["created"].as_bool()), (StatusCode::CREATED, Some(true)), "{backend}: {body}");
        let (status, body) = world.call_bytes("PUT", &format!("/evidence/{sha}"), Some(&officer), Some(photo.clone()));
        assert_eq!(
            (status, body["created"].as_bool()),
            (StatusCode::OK, Some(false)),
            "{backend}: a retry stores nothing twice"
        );
        let (status, body) =
            world.call_bytes("PUT", &format!("/evidence/{sha}"), Some(&officer), Some(photo[..1000].to_vec()));
        assert_eq!((status, code_of(&body)), (StatusCode::BAD_REQUEST, "evidence_hash_mismatch"), "{backend}");
        let exe = b"MZ\x90\x00 a program named photo.jpg".to_vec();
        let (status, body) = world.call_bytes(
            "PUT",
            &format!("/evidence/{}", hoctap_server::evidence::sha256_hex(&exe)),
            Some(&officer),
            Some(exe),
        );
        assert_eq!(
            (status, code_of(&body)),
            (StatusCode::UNSUPPORTED_MEDIA_TYPE, "evidence_type_not_allowed"),
            "{backend}"
        );
        let mut huge = vec![0xFF, 0xD8, 0xFF, 0xE0];
        huge.resize(2 * 1024 * 1024 + 10, 1);
        let (status, body) = world.call_bytes(
            "PUT",
            &format!("/evidence/{}", hoctap_server::evidence::sha256_hex(&huge)),
            Some(&officer),
            Some(huge),
        );
        assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE, "{backend}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));

        // The officer's offline work, pushed twice (a retry after a dropped answer).
        let eval = RecordId { kind: RecordKind::Evaluation, id: "dg-cdht-1".into() };
        let set = |field: &str, value: Value| OpBody::SetFields {
            fields: vec![FieldEdit { field: field.into(), value, base: vec![] }],
        };
        let ops = vec![
            op(&u.a, "thon-a-1", eval.clone(), set("set", json!("cdht-244-2022"))),
            op(&u.a, "thon-a-2", eval.clone(), set("year", json!(2026))),
            op(
                &u.a,
                "thon-a-3",
                eval.clone(),
                OpBody::SetScore {
                    indicator: "2.1".into(),
                    answer: hoctap_shared::scoring::Answer::Points(hoctap_shared::number::Points::from_whole(8)),
                    base: vec![],
                },
            ),
            op(
                &u.a,
                "thon-a-4",
                eval.clone(),
                OpBody::AttachEvidence {
                    indicator: "2.1".into(),
                    sha256: sha.clone(),
                    media_type: "image/jpeg".into(),
                    size: photo.len() as u64,
                    name: Some("chung-chi.jpg".into()),
                },
            ),
            op(&u.a, "thon-a-5", eval.clone(), OpBody::Transition { transition: Transition::Submit }),
        ];
        let body = serde_json::to_value(PushRequest { protocol: 1, device: "may-thon-a".into(), ops: ops.clone() })
            .expect("json");
        let (status, first) = world.call("POST", "/sync/push", Some(&officer), Some(body.clone()));
        assert_eq!(
            (status, first["accepted"].as_array().map(Vec::len)),
            (StatusCode::OK, Some(5)),
            "{backend}: {first}"
        );
        let (_, again) = world.call("POST", "/sync/push", Some(&officer), Some(body));
        assert_eq!(again["duplicates"].as_array().map(Vec::len), Some(5), "{backend}: {again}");

        // Evidence is served in scope only.
        let (status, media, bytes) = world.get_bytes(&format!("/evidence/{sha}"), &approver);
        assert_eq!((status, media.as_deref(), bytes == photo), (StatusCode::OK, Some("image/jpeg"), true), "{backend}");
        let (status, _, _) = world.get_bytes(&format!("/evidence/{sha}"), &other_hamlet);
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: hamlet B may not read hamlet A's evidence");

        // The commune returns it with a comment; the officer's next pull has it.
        let (_, cursor_reply) = world.call("GET", "/sync/pull?after=0", Some(&officer), None);
        let cursor = cursor_reply["cursor"].as_u64().expect("cursor");
        let comment = "Ảnh chứng chỉ bị mờ, chụp lại";
        let step = op(
            &u.a,
            "xa-1",
            eval.clone(),
            OpBody::Transition { transition: Transition::Return { comment: comment.into() } },
        );
        let body =
            serde_json::to_value(PushRequest { protocol: 1, device: "may-xa".into(), ops: vec![step] }).expect("json");
        let (status, reply) = world.call("POST", "/sync/push", Some(&approver), Some(body));
        assert_eq!(
            (status, reply["accepted"].as_array().map(Vec::len)),
            (StatusCode::OK, Some(1)),
            "{backend}: {reply}"
        );
        let (_, pulled) = world.call("GET", &format!("/sync/pull?after={cursor}"), Some(&officer), None);
        let ops = pulled["ops"].as_array().expect("ops");
        assert_eq!(ops.len(), 1, "{backend}: {pulled}");
        assert_eq!(ops[0]["body"]["transition"]["comment"], comment);
        let (_, view) = world.call("GET", "/records/evaluation/dg-cdht-1", Some(&officer), None);
        assert_eq!(
            (view["status"].as_str(), view["comment"].as_str()),
            (Some("returned"), Some(comment)),
            "{backend}: {view}"
        );
        // Hamlet B's device never receives hamlet A's operations.
        let (_, theirs) = world.call("GET", "/sync/pull?after=0", Some(&other_hamlet), None);
        assert!(theirs["ops"].as_array().expect("ops").iter().all(|o| o["unit"] != json!(u.a)), "{backend}");

        // Consolidation of the commune, beside the national targets.
        let (status, figures) = world.call("GET", &format!("/consolidation/{}?year=2026", u.c), Some(&approver), None);
        assert_eq!(status, StatusCode::OK, "{backend}: {figures}");
        let adults = figures["indicators"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["id"] == "adults_cdht_in_learning_groups")
            .expect("row");
        assert_eq!((adults["target_2025"].as_f64(), adults["target_2030"].as_f64()), (Some(40.0), Some(60.0)));
        assert_eq!(figures["models"]["learning_citizen"]["evaluated"], 1, "{backend}: {figures}");
        assert_eq!(figures["models"]["learning_citizen"]["by_result"]["incomplete"], 1);

        // A push from another protocol version is refused clearly.
        let (status, reply) =
            world.call("POST", "/sync/push", Some(&officer), Some(json!({"protocol": 9, "device": "x", "ops": []})));
        assert_eq!((status, code_of(&reply)), (StatusCode::BAD_REQUEST, "unsupported_protocol"), "{backend}");
    }
}

/// Issue 14, requirement 5: revoking an account shuts it until a province administrator
/// of its province restores it. The right password of a disabled account is told so;
/// a wrong one hears exactly what any wrong password hears. Every refusal leaves the
/// store as it was.
/// Issue 14: a revoked administrator kept a link it had made before and came back in
/// through it as a new account.
#[test]
fn issue_14_a_revoked_administrators_invitations_stop_working() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let (keeper, _) = world.account(Role::ProvinceAdmin, &u.p, "qt.giu");
        let (leaving, leaving_id) = world.account(Role::ProvinceAdmin, &u.p, "qt.roi");
        let body = json!({"role": "province_admin", "unit": u.p, "display_name": "Người mới", "valid_hours": 720});
        let (status, invitation) = world.call("POST", "/invitations", Some(&leaving), Some(body));
        assert_eq!(status, StatusCode::CREATED, "{backend}: {invitation}");
        let token = str_of(&invitation["token"]);
        assert_eq!(world.call("GET", &format!("/invitations/{token}"), None, None).0, StatusCode::OK);

        let (status, _) = world.call("POST", &format!("/accounts/{leaving_id}/revoke"), Some(&keeper), None);
        assert_eq!(status, StatusCode::OK, "{backend}");
        let before = world.snapshot();
        assert_eq!(world.call("GET", &format!("/invitations/{token}"), None, None).0, StatusCode::NOT_FOUND);
        let accept = json!({"username": "qt.quay.lai", "password": PASSWORD});
        let (status, body) = world.call("POST", &format!("/invitations/{token}/accept"), None, Some(accept.clone()));
        assert_eq!(status, StatusCode::NOT_FOUND, "{backend}: {body}");
        assert!(world.snapshot() == before, "{backend}: a refused acceptance changed the store");

        // Restored, its links work again (they were never used).
        let (status, _) = world.call("POST", &format!("/accounts/{leaving_id}/restore"), Some(&keeper), None);
        assert_eq!(status, StatusCode::OK, "{backend}");
        let (status, body) = world.call("POST", &format!("/invitations/{token}/accept"), None, Some(accept));
        assert_eq!(status, StatusCode::CREATED, "{backend}: {body}");
    }
}

#[test]
fn issue_14_a_revoked_account_cannot_sign_in_until_restored() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let (admin, _) = world.account(Role::ProvinceAdmin, &u.p, "qt.tinh");
        let (other_admin, _) = world.account(Role::ProvinceAdmin, &u.q, "qt.tinh.khac");
        let (approver, _) = world.account(Role::CommuneApprover, &u.c, "ld.xa");
        let (officer, officer_id) = world.account(Role::CommuneOfficer, &u.c, "cb.xa");
        let revoke = format!("/accounts/{officer_id}/revoke");
        let restore = format!("/accounts/{officer_id}/restore");

        // Revoking ends the session and disables the account, as the list shows.
        let (status, body) = world.call("POST", &revoke, Some(&admin), None);
        assert_eq!((status, &body), (StatusCode::OK, &json!({"revoked": 1})), "{backend}");
        assert_eq!(world.call("GET", "/auth/me", Some(&officer), None).0, StatusCode::UNAUTHORIZED);
        let (_, list) = world.call("GET", "/accounts", Some(&admin), None);
        let listed = |username: &str| {
            list.as_array().expect("list").iter().find(|a| a["username"] == username).cloned().expect("listed")
        };
        assert_eq!(listed("cb.xa")["disabled"], json!(true), "{backend}: {list}");
        assert_eq!(listed("ld.xa")["disabled"], json!(false), "{backend}: {list}");

        // The right password: refused with the reason, nothing stored.
        let before = world.snapshot();
        let (status, body) = world.login("cb.xa", PASSWORD);
        assert_eq!((status, code_of(&body)), (StatusCode::FORBIDDEN, "account_disabled"), "{backend}: {body}");
        assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("quản trị tỉnh để mở lại")), "{body}");
        assert!(world.snapshot() == before, "{backend}: a refused sign-in changed the store");
        // A wrong password: the very answer any wrong password gets.
        let (status, wrong) = world.login("cb.xa", "sai-mat-khau");
        let (_, unknown) = world.login("khong.ai.ca", "sai-mat-khau");
        assert_eq!((status, &wrong), (StatusCode::UNAUTHORIZED, &unknown), "{backend}");

        // Restoring: a non-administrator is refused, an administrator of another
        // province hears the account does not exist, like an unknown id.
        for (token, expected, code) in
            [(&approver, StatusCode::FORBIDDEN, "forbidden"), (&other_admin, StatusCode::NOT_FOUND, "not_found")]
        {
            let before = world.snapshot();
            let (status, body) = world.call("POST", &restore, Some(token), None);
            assert_eq!((status, code_of(&body)), (expected, code), "{backend}: {body}");
            assert!(world.snapshot() == before, "{backend}: a refused restore changed the store");
        }
        let (status, body) = world.call("POST", "/accounts/khong-co/restore", Some(&admin), None);
        assert_eq!((status, code_of(&body)), (StatusCode::NOT_FOUND, "not_found"), "{backend}");
        assert_eq!(world.login("cb.xa", PASSWORD).0, StatusCode::FORBIDDEN, "{backend}: still shut");

        let (status, body) = world.call("POST", &restore, Some(&admin), None);
        assert_eq!(status, StatusCode::OK, "{backend}: {body}");
        assert_eq!((body["username"].as_str(), body["disabled"].as_bool()), (Some("cb.xa"), Some(false)));
        let (status, body) = world.login("cb.xa", PASSWORD);
        assert_eq!(status, StatusCode::OK, "{backend}: {body}");
        assert_eq!(world.call("GET", "/auth/me", Some(&str_of(&body["token"])), None).0, StatusCode::OK);
        // Restoring again changes nothing.
        let before = world.snapshot();
        assert_eq!(world.call("POST", &restore, Some(&admin), None).0, StatusCode::OK);
        assert!(world.snapshot() == before, "{backend}");
    }
}

/// A session of an account that is disabled is refused, even one that was not revoked
/// (an account record stored disabled by an older build or a restore).
#[test]
fn issue_14_a_disabled_accounts_session_is_refused() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let (token, id) = world.account(Role::Viewer, &world.units.c, "xem.xa");
        assert_eq!(world.call("GET", "/auth/me", Some(&token), None).0, StatusCode::OK);
        let accounts = world.state.store.as_ref();
        let mut record: Value = serde_json::from_slice(
            &accounts.get(stored_accounts::ACCOUNTS, id.as_bytes()).expect("get").expect("stored"),
        )
        .expect("json");
        record["account"]["disabled"] = json!(true);
        accounts.put(stored_accounts::ACCOUNTS, id.as_bytes(), record.to_string().as_bytes()).expect("put");
        let (status, body) = world.call("GET", "/auth/me", Some(&token), None);
        assert_eq!((status, code_of(&body)), (StatusCode::UNAUTHORIZED, "unauthenticated"), "{backend}");
        // An account stored before the flag existed is not disabled.
        record["account"].as_object_mut().expect("object").remove("disabled");
        accounts.put(stored_accounts::ACCOUNTS, id.as_bytes(), record.to_string().as_bytes()).expect("put");
        assert_eq!(world.call("GET", "/auth/me", Some(&token), None).0, StatusCode::OK, "{backend}");
    }
}

/// A store that remembers whether anything was written since the last flush.
struct Journal {
    inner: MemoryStore,
    unflushed: std::sync::atomic::AtomicBool,
}

impl Journal {
    fn dirty(&self) {
        self.unflushed.store(true, std::sync::atomic::Ordering::SeqCst);
    }

    fn is_durable(&self) -> bool {
        !self.unflushed.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Store for Journal {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(keyspace, key)
    }
    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.dirty();
        self.inner.put(keyspace, key, value)
    }
    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.dirty();
        self.inner.remove(keyspace, key)
    }
    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.dirty();
        self.inner.insert_new(keyspace, key, value)
    }
    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        self.inner.scan(keyspace, prefix, after, limit)
    }
    fn apply(&self, batch: &[hoctap_server::store::Write]) -> Result<(), StoreError> {
        self.dirty();
        self.inner.apply(batch)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.unflushed.store(false, std::sync::atomic::Ordering::SeqCst);
        self.inner.flush()
    }
}

/// Issue 14, requirement 5: a sign-in and an accepted invitation are on disk before
/// they are answered, so a crash right after the answer keeps the session.
#[test]
fn issue_14_a_session_is_durable_before_it_is_answered() {
    let journal = Arc::new(Journal { inner: MemoryStore::default(), unflushed: false.into() });
    let world = World::new("journal", journal.clone());
    let invitation = world.invite(Role::Collaborator, &world.units.a, None);
    journal.flush().expect("flush");
    let body = json!({"username": "ctv.an", "password": PASSWORD});
    let (status, _) = world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
    assert_eq!(status, StatusCode::CREATED);
    assert!(journal.is_durable(), "the accepted invitation's session was answered before it was flushed");
    let (status, _) = world.login("ctv.an", PASSWORD);
    assert_eq!(status, StatusCode::OK);
    assert!(journal.is_durable(), "the sign-in was answered before it was flushed");
}

/// Issue 14, requirement 5: `GET /health` changes nothing, even on a store that has not
/// recorded its schema yet.
#[test]
fn issue_14_health_changes_nothing() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        for _ in 0..2 {
            let before = world.snapshot();
            let (status, body) = world.call("GET", "/health", None, None);
            assert_eq!((status, body["status"].as_str()), (StatusCode::OK, Some("ok")), "{backend}: {body}");
            assert_eq!(body["schema_version"], json!(hoctap_server::store::SCHEMA_VERSION));
            assert!(world.snapshot() == before, "{backend}: health wrote to the store");
        }
    }
}

/// Issue 14, requirement 5: lookups authorise before they reveal whether a unit or a
/// record exists. An outsider gets the same answer for one that exists and one that
/// does not.
#[test]
fn issue_14_lookups_authorise_before_they_reveal() {
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let (outsider, _) = world.account(Role::Viewer, &u.cq, "xem.tinh.khac");
        let (insider, _) = world.account(Role::Viewer, &u.c, "xem.xa");
        let ops = seed_records(&u.a);
        world
            .runtime
            .block_on(hoctap_server::sync::push(&world.state, &ops, hoctap_server::sync::Pusher::Replay))
            .expect("seed");
        let household = household_id(&u.a);
        assert!(world.state.unit("province:01:old").expect("unit").is_some(), "an old province that exists");
        let answer = |token: &str, uri: &str| {
            let before = world.snapshot();
            let (status, body) = world.call("GET", uri, Some(token), None);
            assert!(world.snapshot() == before, "{backend}: GET {uri} changed the store");
            (status, code_of(&body).to_string())
        };
        let not_found = (StatusCode::NOT_FOUND, "not_found".to_string());
        let forbidden = (StatusCode::FORBIDDEN, "forbidden".to_string());
        for (uri, unknown, expected) in [
            // A record of hamlet A, and one that never was.
            (format!("/records/household/{household}"), "/records/household/khong-co".to_string(), &not_found),
            // An old province outside the caller's, and one that never was.
            (
                "/lineage/districts?province=province:01:old".to_string(),
                "/lineage/districts?province=province:99:old".to_string(),
                &forbidden,
            ),
            // A unit's plan, and a unit that never was.
            (format!("/units/{}/plan", u.c), "/units/commune:99999:2025/plan".to_string(), &forbidden),
            // The lineage screen's one request, for a unit and for one that never was.
            (
                format!("/units/{}/lineage/overview", u.p),
                "/units/province:99:2025/lineage/overview".to_string(),
                &forbidden,
            ),
        ] {
            assert_eq!(&answer(&outsider, &uri), expected, "{backend}: {uri}");
            assert_eq!(&answer(&outsider, &unknown), expected, "{backend}: {unknown}");
        }
        assert_eq!(answer(&insider, &format!("/records/household/{household}")).0, StatusCode::OK, "{backend}");
        assert_eq!(answer(&insider, "/records/household/khong-co"), not_found, "{backend}");
    }
}

/// Issue 14, requirement 1 (reads): an evidence file is served only while a record the
/// caller may read has it attached. Uploading grants nothing; a detach or a move out of
/// scope ends it; a file nobody may read and one never uploaded get the same 404. An
/// older data directory gets the index at start.
#[test]
fn issue_14_evidence_is_served_only_while_a_record_in_scope_has_it() {
    use hoctap_shared::protocol::OpBody::{AttachEvidence, DetachEvidence};
    for (backend, store) in backends() {
        let world = World::new(backend, store);
        let u = world.units.clone();
        let (officer_a, _) = world.account(Role::Collaborator, &u.a, "ctv.a");
        let (officer_b, _) = world.account(Role::Collaborator, &u.b, "ctv.b");
        let (approver, _) = world.account(Role::CommuneApprover, &u.c, "ld.xa");
        let mut photo = vec![0xFF, 0xD8, 0xFF, 0xE0];
        photo.extend(std::iter::repeat_n(9u8, 1_000));
        let sha = hoctap_server::evidence::sha256_hex(&photo);
        let uri = format!("/evidence/{sha}");
        assert_eq!(world.call_bytes("PUT", &uri, Some(&officer_a), Some(photo.clone())).0, StatusCode::CREATED);
        let reads = |who: &[&str]| -> Vec<u16> {
            who.iter()
                .map(|token| {
                    let before = world.snapshot();
                    let (status, _, bytes) = world.get_bytes(&uri, token);
                    assert!(world.snapshot() == before, "{backend}: a download changed the store");
                    if status == StatusCode::OK {
                        assert_eq!(bytes, photo);
                    } else {
                        let body: Value = serde_json::from_slice(&bytes).expect("json");
                        assert_eq!(code_of(&body), "not_found", "{backend}: {body}");
                    }
                    status.as_u16()
                })
                .collect()
        };
        let everyone = [officer_a.as_str(), officer_b.as_str(), approver.as_str()];
        // Uploaded, attached to nothing: not even its uploader reads it back, and the
        // answer is the one for a file that was never uploaded.
        assert_eq!(reads(&everyone), [404, 404, 404], "{backend}");
        let (_, _, never) = world.get_bytes(&format!("/evidence/{}", "0".repeat(64)), &officer_a);
        let never: Value = serde_json::from_slice(&never).expect("json");
        assert_eq!(code_of(&never), "not_found");

        let eval = RecordId { kind: RecordKind::Evaluation, id: "dg-minh-chung".into() };
        let attach = AttachEvidence {
            indicator: "2.1".into(),
            sha256: sha.clone(),
            media_type: "image/jpeg".into(),
            size: photo.len() as u64,
            name: None,
        };
        let push = |ops: Vec<Operation>| {
            let response = world
                .runtime
                .block_on(hoctap_server::sync::push(&world.state, &ops, hoctap_server::sync::Pusher::Replay))
                .expect("push");
            assert_eq!(response.accepted.len(), ops.len(), "{backend}: {response:?}");
        };
        push(vec![op(&u.a, "mc-1", eval.clone(), attach.clone())]);
        assert_eq!(reads(&everyone), [200, 404, 200], "{backend}: attached in hamlet A");

        push(vec![op(&u.a, "mc-2", eval.clone(), DetachEvidence { indicator: "2.1".into(), sha256: sha.clone() })]);
        assert_eq!(reads(&everyone), [404, 404, 404], "{backend}: detached");

        push(vec![op(&u.a, "mc-3", eval.clone(), attach.clone())]);
        assert_eq!(reads(&everyone), [200, 404, 200], "{backend}: attached again");
        // The record moves to hamlet B (its latest operation is B's).
        let edit =
            OpBody::SetFields { fields: vec![FieldEdit { field: "year".into(), value: json!(2026), base: vec![] }] };
        push(vec![op(&u.b, "mc-4", eval.clone(), edit)]);
        assert_eq!(reads(&everyone), [404, 200, 200], "{backend}: moved to hamlet B");

        // A data directory from before the index: built once at start.
        let store = world.state.store.as_ref();
        let index = store.scan(hoctap_server::store::evidence::EVIDENCE_RECORDS, b"", None, usize::MAX).expect("scan");
        for (key, _) in &index {
            store.remove(hoctap_server::store::evidence::EVIDENCE_RECORDS, key).expect("remove");
        }
        store.remove("meta", b"evidence_records_indexed").expect("remove");
        assert_eq!(reads(&everyone), [404, 404, 404], "{backend}: no index");
        assert_eq!(hoctap_server::evidence::ensure_index(&world.state).expect("index"), 1, "{backend}");
        assert_eq!(reads(&everyone), [404, 200, 200], "{backend}: indexed from the views");
        assert_eq!(hoctap_server::evidence::ensure_index(&world.state).expect("index"), 0, "{backend}: once");
    }
}
