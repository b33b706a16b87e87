//! The request decoders driven with random bytes and with mutations of valid payloads
//! (truncated, bytes flipped, bytes inserted): every answer is a 2xx or a 4xx with a
//! JSON error carrying a stable code and a Vietnamese message — never a 5xx or a
//! panic — and a refused request leaves the store exactly as it was.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::store::{MemoryStore, Rows, Store};
use hoctap_server::{app, auth, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

struct Target {
    router: Router,
    state: AppState,
    runtime: tokio::runtime::Runtime,
    officer: String,
    admin: String,
    invitation: String,
}

fn target() -> &'static Target {
    static TARGET: std::sync::OnceLock<Target> = std::sync::OnceLock::new();
    TARGET.get_or_init(|| {
        let catalog = Arc::new(Catalog::load_shipped().expect("catalogue"));
        let state = AppState::new(Arc::new(MemoryStore::default()), catalog);
        let router = app(state.clone(), None);
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let account = |role: Role, unit: &str, username: &str| {
            let request =
                CreateInvitation { role, unit: unit.into(), display_name: username.into(), valid_hours: None };
            let invitation = auth::create_invitation(&state, &request, None).expect("invitation").token;
            let body = json!({"username": username, "password": "mat-khau-du-dai"}).to_string();
            let (status, reply) = runtime.block_on(call(
                &router,
                "POST",
                &format!("/api/v1/invitations/{invitation}/accept"),
                None,
                body.into_bytes(),
            ));
            assert_eq!(status, StatusCode::CREATED, "{reply}");
            reply["token"].as_str().expect("token").to_string()
        };
        let officer = account(Role::CommuneApprover, "commune:00004:2025", "can.bo.xa");
        let admin = account(Role::ProvinceAdmin, "province:01:2025", "quan.tri");
        let request = CreateInvitation {
            role: Role::Viewer,
            unit: "commune:00004:2025".into(),
            display_name: "Người xem".into(),
            valid_hours: None,
        };
        let invitation = auth::create_invitation(&state, &request, None).expect("invitation").token;
        Target { router, state, runtime, officer, admin, invitation }
    })
}

async fn call(router: &Router, method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri);
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).expect("request")).await.expect("infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, json)
}

fn snapshot(store: &dyn Store) -> Vec<Rows> {
    [
        "log",
        "views",
        "scope",
        "accounts",
        "usernames",
        "invitations",
        "invitation_claims",
        "evidence",
        "evidence_meta",
        "units",
        "meta",
    ]
    .iter()
    .map(|k| store.scan(k, b"", None, usize::MAX).expect("scan"))
    .collect()
}

/// The endpoints that read a body, with a valid payload to mutate.
fn endpoints(t: &Target) -> Vec<(&'static str, String, Option<String>, Vec<u8>)> {
    let push = std::fs::read(crate::golden::data("wire/v1/push-request.json")).expect("fixture");
    let score = json!({"set": "cdht-244-2022", "context": {"area": "disadvantaged"}, "scores": {"1.1": 8, "1.2": true, "3.1": {"numerator": 9, "denominator": 10}}});
    vec![
        ("POST", "/api/v1/evaluations/score".into(), None, score.to_string().into_bytes()),
        (
            "POST",
            "/api/v1/criteria/check".into(),
            None,
            hoctap_shared::criteria::shipped::FILES[0].1.as_bytes().to_vec(),
        ),
        (
            "POST",
            "/api/v1/auth/login".into(),
            None,
            br#"{"username":"can.bo.xa","password":"sai-mat-khau-roi"}"#.to_vec(),
        ),
        (
            "POST",
            "/api/v1/invitations".into(),
            Some(t.admin.clone()),
            br#"{"role":"viewer","unit":"commune:00004:2025","display_name":"A"}"#.to_vec(),
        ),
        (
            "POST",
            format!("/api/v1/invitations/{}/accept", t.invitation),
            None,
            br#"{"username":"x","password":"y"}"#.to_vec(),
        ),
        ("POST", "/api/v1/sync/push".into(), Some(t.officer.clone()), push),
        ("PUT", format!("/api/v1/evidence/{}", "0".repeat(64)), Some(t.officer.clone()), b"%PDF-1.7\n".to_vec()),
    ]
}

fn mutate(valid: &[u8], ops: &[(u8, u16, u8)]) -> Vec<u8> {
    let mut bytes = valid.to_vec();
    for (kind, at, byte) in ops {
        if bytes.is_empty() {
            break;
        }
        let at = *at as usize % bytes.len();
        match kind % 4 {
            0 => bytes[at] = *byte,
            1 => bytes.insert(at, *byte),
            2 => {
                bytes.remove(at);
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

#[track_caller]
fn check(method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) {
    let t = target();
    let before = snapshot(t.state.store.as_ref());
    let (status, reply) = t.runtime.block_on(call(&t.router, method, uri, token, body));
    assert!(!status.is_server_error(), "{method} {uri}: {status} {reply}");
    if status.is_client_error() {
        let code = reply["error"]["code"].as_str().unwrap_or_default();
        assert!(
            !code.is_empty() && code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
            "{method} {uri}: {status} {reply}"
        );
        assert!(reply["error"]["message"].as_str().is_some_and(|m| !m.is_empty()), "{method} {uri}: {reply}");
        assert!(reply["error"]["message_en"].as_str().is_some_and(|m| !m.is_empty()), "{method} {uri}: {reply}");
        // Failed logins count towards slowing the next ones; nothing else may change.
        if !uri.ends_with("/auth/login") {
            assert!(snapshot(t.state.store.as_ref()) == before, "{method} {uri}: a refused request changed the store");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn prop_random_bytes_get_json_errors(endpoint in 0usize..7, body in prop::collection::vec(any::<u8>(), 0..600)) {
        let t = target();
        let (method, uri, token, _) = endpoints(t).swap_remove(endpoint);
        check(method, &uri, token.as_deref(), body);
    }

    #[test]
    fn prop_mutated_payloads_get_json_errors(endpoint in 0usize..7, ops in prop::collection::vec((any::<u8>(), any::<u16>(), any::<u8>()), 1..6)) {
        let t = target();
        let (method, uri, token, valid) = endpoints(t).swap_remove(endpoint);
        check(method, &uri, token.as_deref(), mutate(&valid, &ops));
    }
}

#[test]
fn bad_query_strings_and_paths_get_json_errors() {
    let t = target();
    let officer = Some(t.officer.as_str());
    for (uri, token) in [
        ("/api/v1/sync/pull?after=-1", officer),
        ("/api/v1/sync/pull?after=abc&limit=x", officer),
        ("/api/v1/consolidation/commune:00004:2025", officer),
        ("/api/v1/consolidation/commune:00004:2025?year=hai-nghin", officer),
        ("/api/v1/records/khong-co/1", officer),
        ("/api/v1/evidence/not-a-hash", officer),
        ("/api/v1/units/%FF%FE", None),
    ] {
        check("GET", uri, token, Vec::new());
    }
}
