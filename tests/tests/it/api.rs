//! The HTTP API through `app()` without a port: reference data, scoring, and clear
//! JSON errors with Vietnamese messages for every bad request; answers gzip'd and
//! gzip'd request bodies inflated (with the body limit on the inflated bytes); and the
//! built web app, sent precompressed.

use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{header, HeaderMap, Request, StatusCode};
use hoctap_server::store::{MemoryStore, SledStore, Store};
use hoctap_server::{app, AppState, Catalog};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;

fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

/// Sends the request to a fresh app over each store backend, checks both answer the
/// same, and returns the answer.
async fn call(method: &str, uri: &str, body: impl Into<Body>) -> (StatusCode, Value) {
    let body: Body = body.into();
    let bytes = body.collect().await.expect("request body").to_bytes();
    let stores: [Arc<dyn Store>; 2] =
        [Arc::new(SledStore::temporary().expect("temporary store")), Arc::new(MemoryStore::default())];
    let mut answers = Vec::new();
    for store in stores {
        let router = app(AppState::new(store, catalog()), None);
        let request = Request::builder().method(method).uri(uri).body(Body::from(bytes.clone())).expect("request");
        let response = router.oneshot(request).await.expect("infallible");
        let status = response.status();
        let reply = response.into_body().collect().await.expect("body").to_bytes();
        let json: Value = serde_json::from_slice(&reply)
            .unwrap_or_else(|_| panic!("{uri}: not JSON: {}", String::from_utf8_lossy(&reply)));
        answers.push((status, json));
    }
    assert_eq!(answers[0], answers[1], "{method} {uri}: sled and the in-memory store answer differently");
    answers.remove(0)
}

#[tokio::test]
async fn health_reports_schema_and_sets() {
    let (status, body) = call("GET", "/api/v1/health", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["status"], "ok");
    assert_eq!(body["criteria_sets"], 8);
}

#[tokio::test]
async fn criteria_are_listed_and_shown() {
    let (status, body) = call("GET", "/api/v1/criteria", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    // Every version: the eight sets in use and the seven earlier versions kept for the
    // evaluations made with them.
    let sets = body.as_array().expect("a list");
    assert_eq!(sets.len(), 15);
    assert_eq!(sets.iter().filter(|s| s["current"] == true).count(), 8);
    let (status, body) = call("GET", "/api/v1/criteria/cdht-244-2022", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["legal_basis"]["number"], "244/QĐ-KHVN");
    assert_eq!(body["version"], "2022.2", "the newest version without ?version=");
    let (status, body) = call("GET", "/api/v1/criteria/dvht-tt22-2020?version=2020.1", Body::empty()).await;
    assert_eq!((status, body["version"].as_str()), (StatusCode::OK, Some("2020.1")));
    assert_eq!(body["criteria"][2]["indicators"].as_array().map(Vec::len), Some(2), "3.1 and 3.2 out of 15");
    let (status, _) = call("GET", "/api/v1/criteria/dvht-tt22-2020?version=1999.1", Body::empty()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, body) = call("GET", "/api/v1/criteria/khong-co", Body::empty()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "unknown_criteria_set");
}

#[tokio::test]
async fn scoring_returns_outcome_or_a_clear_error() {
    let ok = r#"{"set":"cdht-324-2023","context":{"subject_group":"nguoi_dan"},"scores":{"1.1":8,"1.2":8,"1.3":8,"1.4":8,"2.1":8,"2.2":8,"2.3":8,"2.4":8,"3.1":8,"3.2":8}}"#;
    let (status, body) = call("POST", "/api/v1/evaluations/score", ok).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["total"], 80);
    assert_eq!(body["recognised"], true);

    let bad = r#"{"set":"cdht-244-2022","scores":{"1.1":-1}}"#;
    let (status, body) = call("POST", "/api/v1/evaluations/score", bad).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body["error"]["code"], "invalid_evaluation");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("Chỉ số 1.1")), "{body}");
    assert!(body["error"]["message_en"].is_string());
}

/// Issue 17: an evaluation of QĐ 324 names its subject group; the server refuses one
/// that does not, in Vietnamese, and still scores QĐ 244 (no groups) as before.
#[tokio::test]
async fn issue_17_a_set_with_subject_groups_needs_the_group() {
    let scores = r#""scores":{"1.1":8,"1.2":8,"1.3":8,"1.4":8,"2.1":8,"2.2":8,"2.3":8,"2.4":8,"3.1":8,"3.2":8}"#;
    let without = format!(r#"{{"set":"cdht-324-2023",{scores}}}"#);
    let (status, body) = call("POST", "/api/v1/evaluations/score", without).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "missing_subject_group");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(message.starts_with("Cần chọn nhóm đối tượng") && message.contains("Người lao động"), "{message}");
    let old = format!(r#"{{"set":"cdht-244-2022",{scores}}}"#);
    let (status, body) = call("POST", "/api/v1/evaluations/score", old).await;
    assert_eq!((status, &body["recognised"]), (StatusCode::OK, &serde_json::json!(true)), "{body}");
}

#[tokio::test]
async fn malformed_and_oversized_bodies_get_json_errors() {
    let (status, body) = call("POST", "/api/v1/evaluations/score", "{\"set\": 12").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "bad_request");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("JSON không hợp lệ")));

    let (status, body) = call("POST", "/api/v1/criteria/check", vec![0xff, 0xfe, 0x00]).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{body}");

    let huge = vec![b' '; hoctap_server::MAX_BODY_BYTES + 1];
    let router = app(AppState::new(Arc::new(SledStore::temporary().expect("store")), catalog()), None);
    let request =
        Request::builder().method("POST").uri("/api/v1/evaluations/score").body(Body::from(huge)).expect("request");
    let response = router.oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);

    let (status, body) = call("GET", "/api/v1/no-such-thing", Body::empty()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(body["error"]["code"], "not_found");
}

#[tokio::test]
async fn criteria_check_returns_every_diagnostic() {
    let text = std::fs::read_to_string(crate::golden::data("criteria/many-problems.toml")).expect("fixture");
    let (status, body) = call("POST", "/api/v1/criteria/check", text).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["valid"], false);
    assert!(body["diagnostics"].as_array().is_some_and(|d| d.len() >= 10), "{body}");
}

#[tokio::test]
async fn units_and_plans_are_served() {
    let (status, body) = call("GET", "/api/v1/units/province:01:2025", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["full_name"], "Thành phố Hà Nội");
    assert!(body["children"].as_array().is_some_and(|c| c.len() > 100));
    let (status, body) = call("GET", "/api/v1/plans/cuu-an", Body::empty()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["unit"]["name"], "Xã Cửu An");
}

#[tokio::test]
async fn a_province_set_is_loaded_without_code_changes() {
    let mut catalog = Catalog::load_shipped().expect("shipped");
    let example =
        std::fs::read_to_string(crate::golden::root().join("docs/examples/criteria-example.toml")).expect("example");
    // An amended shipped set: same id, new version, a lower pass mark.
    let amended = hoctap_shared::criteria::shipped::FILES
        .iter()
        .find(|(name, _)| name.starts_with("gdht-448"))
        .map(|(_, text)| *text)
        .expect("the family set")
        .replacen("version = \"2016.2\"", "version = \"2022.1\"", 1)
        .replacen("pass_mark = 80", "pass_mark = 75", 1);
    let broken = example.replace("pass_mark = 16", "pass_mark = 160");
    let report = catalog.add_local_sets(&[
        ("b-amended.toml".into(), amended),
        ("a-example.toml".into(), example),
        ("c-broken.toml".into(), broken),
    ]);
    let summary: Vec<String> = report
        .iter()
        .map(|r| match r {
            hoctap_server::catalog::LocalSet::Loaded { file, id, version, replaces } => {
                format!("{file}: {id} {version} replaces={replaces}")
            }
            hoctap_server::catalog::LocalSet::Refused { file, diagnostics } => {
                format!("{file}: refused, {} diagnostics", diagnostics.len())
            }
        })
        .collect();
    assert_eq!(
        summary,
        [
            "a-example.toml: vi-du-gdht 1.0 replaces=false",
            "b-amended.toml: gdht-448-2016 2022.1 replaces=true",
            "c-broken.toml: refused, 1 diagnostics",
        ]
    );
    let router = app(AppState::new(Arc::new(SledStore::temporary().expect("store")), Arc::new(catalog)), None);
    let evaluation = std::fs::read_to_string(crate::golden::root().join("docs/examples/evaluation-example.json"))
        .expect("evaluation");
    let request = Request::builder()
        .method("POST")
        .uri("/api/v1/evaluations/score")
        .body(Body::from(evaluation))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    assert_eq!(response.status(), StatusCode::OK);
    let request = Request::builder().uri("/api/v1/criteria/gdht-448-2016").body(Body::empty()).expect("request");
    let body = router.oneshot(request).await.expect("infallible").into_body().collect().await.expect("body").to_bytes();
    let set: Value = serde_json::from_slice(&body).expect("json");
    assert_eq!(set["version"], "2022.1");
    assert_eq!(set["rule"]["pass_mark"], 75);
}

/// GETs `path` with `Accept-Encoding: accept` (none when `None`) and returns the status,
/// the headers and the bytes as sent (not decoded).
fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(bytes).expect("gzip");
    encoder.finish().expect("gzip")
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut out = Vec::new();
    flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).expect("gunzip");
    out
}

async fn send(request: Request<Body>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let router = app(AppState::new(Arc::new(MemoryStore::default()), catalog()), None);
    let response = router.oneshot(request).await.expect("infallible");
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.expect("body").to_bytes().to_vec())
}

/// A client that accepts gzip gets the API's larger answers gzip'd (the same JSON once
/// inflated); one that does not, or a small answer, gets them as they are.
#[tokio::test]
async fn api_answers_are_gzipped_for_clients_that_accept_it() {
    let plain = Request::builder().uri("/api/v1/criteria").body(Body::empty()).expect("request");
    let (status, headers, plain) = send(plain).await;
    assert_eq!(status, StatusCode::OK);
    assert!(headers.get(header::CONTENT_ENCODING).is_none());
    assert!(plain.len() > 1024, "the list is large enough to compress: {} B", plain.len());

    let zipped = Request::builder()
        .uri("/api/v1/criteria")
        .header(header::ACCEPT_ENCODING, "gzip, deflate, br")
        .body(Body::empty())
        .expect("request");
    let (status, headers, zipped) = send(zipped).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers.get(header::CONTENT_ENCODING).map(|v| v.as_bytes()), Some(&b"gzip"[..]));
    assert!(zipped.len() * 3 < plain.len(), "{} B gzip'd of {} B", zipped.len(), plain.len());
    assert_eq!(gunzip(&zipped), plain);

    let small = Request::builder()
        .uri("/api/v1/health")
        .header(header::ACCEPT_ENCODING, "gzip")
        .body(Body::empty())
        .expect("request");
    let (_, headers, _) = send(small).await;
    assert!(headers.get(header::CONTENT_ENCODING).is_none(), "a tiny answer is not worth compressing");
}

/// A gzip'd request body is read as the JSON inside it; broken gzip, an encoding the
/// server does not take, and a body that inflates past the limit get JSON errors.
#[tokio::test]
async fn gzipped_request_bodies_are_inflated_within_the_body_limit() {
    let body = r#"{"set":"cdht-324-2023","context":{"subject_group":"nguoi_dan"},"scores":{"1.1":8,"1.2":8,"1.3":8,"1.4":8,"2.1":8,"2.2":8,"2.3":8,"2.4":8,"3.1":8,"3.2":8}}"#;
    let post = |bytes: Vec<u8>, encoding: &str| {
        Request::builder()
            .method("POST")
            .uri("/api/v1/evaluations/score")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::CONTENT_ENCODING, encoding)
            .body(Body::from(bytes))
            .expect("request")
    };
    let (status, _, reply) = send(post(gzip(body.as_bytes()), "gzip")).await;
    assert_eq!(status, StatusCode::OK, "{}", String::from_utf8_lossy(&reply));
    let reply: Value = serde_json::from_slice(&reply).expect("JSON");
    assert_eq!(reply["total"], 80);

    let (status, _, reply) = send(post(body.as_bytes().to_vec(), "gzip")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "not gzip at all");
    let reply: Value = serde_json::from_slice(&reply).expect("a JSON error");
    assert_eq!(reply["error"]["code"], "bad_request");

    let (status, _, reply) = send(post(body.as_bytes().to_vec(), "br")).await;
    assert_eq!(status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let reply: Value = serde_json::from_slice(&reply).expect("a JSON error");
    assert_eq!(reply["error"]["code"], "unsupported_media_type");
    assert!(reply["error"]["message"].as_str().is_some_and(|m| m.contains("không được hỗ trợ")));

    // A few kilobytes that inflate past the limit are refused as too large, not read.
    let bomb = gzip(&vec![b' '; hoctap_server::MAX_BODY_BYTES + 1]);
    assert!(bomb.len() < 100_000, "{} B", bomb.len());
    let (status, _, reply) = send(post(bomb, "gzip")).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    let reply: Value = serde_json::from_slice(&reply).expect("a JSON error");
    assert_eq!(reply["error"]["code"], "body_too_large");
}

async fn get_file(router: axum::Router, path: &str, accept: Option<&str>) -> (StatusCode, HeaderMap, Vec<u8>) {
    let mut request = Request::builder().uri(path);
    if let Some(accept) = accept {
        request = request.header(header::ACCEPT_ENCODING, accept);
    }
    let response = router.oneshot(request.body(Body::empty()).expect("request")).await.expect("infallible");
    let (parts, body) = response.into_parts();
    (parts.status, parts.headers, body.collect().await.expect("body").to_bytes().to_vec())
}

/// The built web app goes out as the build wrote it (scripts/build-frontend.sh): the
/// `.br` or `.gz` sibling to a browser that accepts that encoding, with the original's
/// type; the file itself to one that accepts neither, or when there is no sibling.
#[tokio::test]
async fn the_web_app_is_sent_precompressed() {
    let dir = tempfile::tempdir().expect("temporary directory");
    // The siblings' bytes only need to differ from each other: the server never decodes
    // them, it picks one.
    let files: [(&str, &[u8]); 9] = [
        ("hoctap_frontend_bg.wasm", b"\0asm\x01\0\0\0 the module"),
        ("hoctap_frontend_bg.wasm.gz", b"the module, gzip"),
        ("hoctap_frontend_bg.wasm.br", b"the module, brotli"),
        ("index.html", b"<!doctype html><html lang=\"vi\"></html>"),
        ("index.html.gz", b"the page, gzip"),
        ("style.css", b"body { margin: 0 }"),
        // The office app, a page and a script of its own.
        ("office.html", b"<!doctype html><title>office</title>"),
        ("office.html.br", b"the office page, brotli"),
        ("hoctap_office.js.gz", b"the office script, gzip"),
    ];
    std::fs::write(dir.path().join("hoctap_office.js"), b"export default function init() {}").expect("write");
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let router = app(AppState::new(Arc::new(MemoryStore::default()), catalog()), Some(dir.path().to_path_buf()));

    let cases = [
        ("/hoctap_frontend_bg.wasm", Some("gzip"), Some("gzip"), "application/wasm", files[1].1),
        ("/hoctap_frontend_bg.wasm", None, None, "application/wasm", files[0].1),
        ("/hoctap_frontend_bg.wasm", Some("identity"), None, "application/wasm", files[0].1),
        // What Chromium sends: brotli wins when the build wrote it.
        ("/hoctap_frontend_bg.wasm", Some("gzip, deflate, br, zstd"), Some("br"), "application/wasm", files[2].1),
        // A deep link gets the page through the fallback, precompressed too.
        ("/ho-gia-dinh/123", Some("gzip, deflate, br"), Some("gzip"), "text/html", files[4].1),
        ("/", None, None, "text/html", files[3].1),
        ("/style.css", Some("gzip, br"), None, "text/css", files[5].1),
        ("/office.html", Some("gzip, deflate, br"), Some("br"), "text/html", files[7].1),
        ("/office.html", None, None, "text/html", files[6].1),
        ("/hoctap_office.js", Some("gzip, deflate, br"), Some("gzip"), "text/javascript", files[8].1),
    ];
    for (path, accept, encoding, mime, body) in cases {
        let (status, headers, bytes) = get_file(router.clone(), path, accept).await;
        let what = format!("GET {path} (Accept-Encoding: {accept:?})");
        assert_eq!(status, StatusCode::OK, "{what}");
        assert_eq!(headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()), encoding, "{what}");
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(content_type.starts_with(mime), "{what}: Content-Type {content_type}");
        assert_eq!(bytes, body, "{what}: body");
        if path.ends_with(".wasm") {
            let vary = headers.get(header::VARY).and_then(|v| v.to_str().ok());
            assert_eq!(vary, Some("accept-encoding"), "{what}: caches must keep one copy per encoding");
        }
    }
    // The page stays revalidated on every load, compressed or not.
    for page in ["/", "/office.html"] {
        let (_, headers, _) = get_file(router.clone(), page, Some("gzip, br")).await;
        assert_eq!(headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-cache"), "{page}");
    }
}

/// A campaign's link, `/c/<token>` (issue 18), opens the citizen's page, never the
/// officers' app, whatever the token; its service worker is `/c/sw.js` (scope `/c/`),
/// and the page's own files come from the root, precompressed like the app's.
#[tokio::test]
async fn a_campaign_link_opens_the_citizens_page() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::create_dir(dir.path().join("c")).expect("mkdir");
    let files: [(&str, &[u8]); 7] = [
        ("index.html", b"<!doctype html><title>officers</title>"),
        ("citizen.html", b"<!doctype html><title>citizen</title>"),
        ("citizen.html.br", b"the citizen's page, brotli"),
        ("hoctap_citizen_bg.wasm", b"\0asm\x01\0\0\0 the citizen's module"),
        ("hoctap_citizen_bg.wasm.br", b"the citizen's module, brotli"),
        ("citizen.css", b"main { margin: 0 }"),
        ("c/sw.js", b"self.addEventListener('fetch', () => {});"),
    ];
    for (name, bytes) in files {
        std::fs::write(dir.path().join(name), bytes).expect("write");
    }
    let router = app(AppState::new(Arc::new(MemoryStore::default()), catalog()), Some(dir.path().to_path_buf()));

    let token = "0123456789abcdef0123456789abcdef";
    let cases = [
        (format!("/c/{token}"), None, None, "text/html", files[1].1),
        (format!("/c/{token}"), Some("gzip, deflate, br"), Some("br"), "text/html", files[2].1),
        // Any token, even a wrong one: the page itself says the link is not right.
        ("/c/khong-dung".to_string(), None, None, "text/html", files[1].1),
        ("/c/".to_string(), None, None, "text/html", files[1].1),
        ("/c/sw.js".to_string(), None, None, "text/javascript", files[6].1),
        ("/hoctap_citizen_bg.wasm".to_string(), Some("gzip, br"), Some("br"), "application/wasm", files[4].1),
        ("/citizen.css".to_string(), None, None, "text/css", files[5].1),
        // The officers' app keeps its own deep links.
        ("/ho-gia-dinh/123".to_string(), None, None, "text/html", files[0].1),
    ];
    for (path, accept, encoding, mime, body) in cases {
        let (status, headers, bytes) = get_file(router.clone(), &path, accept).await;
        let what = format!("GET {path} (Accept-Encoding: {accept:?})");
        assert_eq!(status, StatusCode::OK, "{what}");
        assert_eq!(headers.get(header::CONTENT_ENCODING).and_then(|v| v.to_str().ok()), encoding, "{what}");
        let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
        assert!(content_type.starts_with(mime), "{what}: Content-Type {content_type}");
        assert_eq!(bytes, body, "{what}: body");
    }
    // The page and its worker are revalidated on every load.
    for path in [format!("/c/{token}"), "/c/sw.js".to_string()] {
        let (_, headers, _) = get_file(router.clone(), &path, None).await;
        assert_eq!(headers.get(header::CACHE_CONTROL).and_then(|v| v.to_str().ok()), Some("no-cache"), "{path}");
    }
}
