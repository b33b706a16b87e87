//! Benchmark (not a test): one push and one pull of 1,000 operations through the real
//! router, auth and JSON included, on a sled data directory on local disk. Prints the
//! median of several runs, and the bytes of the push's answer for 1,000 new operations
//! with ids as devices mint them, gzip'd as sent, listed (version 1) and counted
//! (`?ack=count`); `scripts/bench.sh` runs it in release mode and `docs/benchmarks.md`
//! records the results.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use hoctap_server::store::SledStore;
use hoctap_server::{app, auth, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, PushRequest, RecordId, RecordKind};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const OPS: usize = 1_000;
const RUNS: usize = 7;

fn ops(run: usize) -> Vec<Operation> {
    let mut clock = Hlc::zero("may-bench");
    (0..OPS)
        .map(|i| {
            clock = clock.tick(1_795_420_800_000 + i as i64);
            Operation {
                id: format!("bench-{run}-{i}"),
                device: "may-bench".into(),
                hlc: clock.clone(),
                record: RecordId { kind: RecordKind::Person, id: format!("p-{}", i % 250) },
                unit: "commune:00004:2025".into(),
                body: OpBody::SetFields {
                    fields: vec![
                        FieldEdit { field: "name".into(), value: json!(format!("Nguyễn Văn {i}")), base: vec![] },
                        FieldEdit { field: "birth_year".into(), value: json!(1950 + i % 60), base: vec![] },
                    ],
                },
            }
        })
        .collect()
}

/// An id as a device mints it: a random UUID v4.
fn uuid() -> String {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).expect("random bytes");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!("{}-{}-{}-{}-{}", &hex[0..8], &hex[8..12], &hex[12..16], &hex[16..20], &hex[20..])
}

/// A signed-in commune officer's token.
async fn sign_in(state: &AppState, router: &axum::Router) -> String {
    let request = CreateInvitation {
        role: Role::CommuneOfficer,
        unit: "commune:00004:2025".into(),
        display_name: "Bench".into(),
        valid_hours: None,
    };
    let invitation = auth::create_invitation(state, &request, None).expect("invitation").token;
    let accept = Request::post(format!("/api/v1/invitations/{invitation}/accept"))
        .body(Body::from(json!({"username": "bench.user", "password": "mat-khau-du-dai"}).to_string()))
        .expect("request");
    let reply =
        router.clone().oneshot(accept).await.expect("accept").into_body().collect().await.expect("body").to_bytes();
    serde_json::from_slice::<serde_json::Value>(&reply).expect("json")["token"].as_str().expect("token").to_string()
}

/// The bytes of the answer to a push of `ops` to `path`, gzip'd as the server sends it
/// to a client that accepts gzip.
async fn answer_bytes(router: &axum::Router, token: &str, path: &str, ops: Vec<Operation>) -> usize {
    let body = serde_json::to_vec(&PushRequest { protocol: 1, device: "may-bench".into(), ops }).expect("json");
    let push = Request::post(path)
        .header("authorization", format!("Bearer {token}"))
        .header("accept-encoding", "gzip")
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(push).await.expect("push");
    assert_eq!(response.status(), StatusCode::OK);
    let gzipped = response.headers().get("content-encoding").is_some_and(|v| v == "gzip");
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    // An answer under the compression threshold (1 KiB) goes as it is.
    assert!(gzipped || bytes.len() < 1024, "a large answer not gzip'd");
    bytes.len()
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let catalog = Arc::new(Catalog::load_shipped().expect("catalogue"));
    let (mut pushes, mut pulls) = (Vec::new(), Vec::new());
    for run in 0..RUNS {
        let dir = tempfile::tempdir().expect("tempdir");
        let state = AppState::new(Arc::new(SledStore::open(dir.path()).expect("sled")), catalog.clone());
        let router = app(state.clone(), None);
        let token = sign_in(&state, &router).await;

        let body =
            serde_json::to_vec(&PushRequest { protocol: 1, device: "may-bench".into(), ops: ops(run) }).expect("json");
        let started = Instant::now();
        let push = Request::post("/api/v1/sync/push")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::from(body))
            .expect("request");
        let response = router.clone().oneshot(push).await.expect("push");
        assert_eq!(response.status(), StatusCode::OK);
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        pushes.push(started.elapsed());
        let reply: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(reply["accepted"].as_array().map(Vec::len), Some(OPS));

        let started = Instant::now();
        let pull = Request::get("/api/v1/sync/pull?after=0&limit=1000")
            .header("authorization", format!("Bearer {token}"))
            .body(Body::empty())
            .expect("request");
        let response = router.clone().oneshot(pull).await.expect("pull");
        let bytes = response.into_body().collect().await.expect("body").to_bytes();
        pulls.push(started.elapsed());
        let page: serde_json::Value = serde_json::from_slice(&bytes).expect("json");
        assert_eq!(page["ops"].as_array().map(Vec::len), Some(OPS));
    }
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "push of {OPS} operations (durable): median {:.1} ms over {RUNS} runs (min {:.1}, max {:.1})",
        ms(median(pushes.clone())),
        ms(*pushes.iter().min().expect("runs")),
        ms(*pushes.iter().max().expect("runs"))
    );
    println!(
        "pull of {OPS} operations: median {:.1} ms over {RUNS} runs (min {:.1}, max {:.1})",
        ms(median(pulls.clone())),
        ms(*pulls.iter().min().expect("runs")),
        ms(*pulls.iter().max().expect("runs"))
    );

    // The answer's bytes: two batches of new operations with UUID ids, one answered
    // listed and one counted, then the first again (a retry: all duplicates), counted.
    let dir = tempfile::tempdir().expect("tempdir");
    let state = AppState::new(Arc::new(SledStore::open(dir.path()).expect("sled")), catalog);
    let router = app(state.clone(), None);
    let token = sign_in(&state, &router).await;
    let with_uuids = |run| ops(run).into_iter().map(|op| Operation { id: uuid(), ..op }).collect::<Vec<_>>();
    let (first, second) = (with_uuids(RUNS), with_uuids(RUNS + 1));
    let listed = answer_bytes(&router, &token, "/api/v1/sync/push", first.clone()).await;
    let counted = answer_bytes(&router, &token, "/api/v1/sync/push?ack=count", second).await;
    let retried = answer_bytes(&router, &token, "/api/v1/sync/push?ack=count", first).await;
    println!(
        "push answer for {OPS} new operations (UUID ids), gzip'd: listed {listed} B, counted (?ack=count) {counted} B; \
         the same batch again, counted (all duplicates): {retried} B"
    );
}
