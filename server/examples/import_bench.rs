//! Benchmark (not a test): a commune's register of 30,000 people (7,500 households of
//! four, in 25 hamlets) imported from an XLSX workbook through the real router, auth
//! included, on a sled data directory on local disk: the preview, then the confirmed
//! import as a job followed to its end, then the same file again (nothing to write).
//! Prints each phase's time and the rows per second; `scripts/bench.sh` runs it in
//! release mode and `docs/benchmarks.md` records the results. The goal is ≤ 60 s for
//! the 30,000 rows.
//!
//! `--rows N` changes the number of people (a multiple of four).

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::documents::registers::registers_xlsx;
use hoctap_server::store::{SledStore, Store};
use hoctap_server::{app, auth, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::import::{ExportCell, Hamlet, ImportJob, JobState, Preview};
use hoctap_shared::units::{OrgUnit, REFORM_DATE};
use http_body_util::BodyExt;
use serde_json::json;
use tower::ServiceExt;

const COMMUNE: &str = "commune:23629:2025";
const HAMLETS: usize = 25;

const FAMILY: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"];
const MIDDLE: &[&str] = &["Văn", "Thị", "Đức", "Minh", "Ngọc", "Hữu", "Thanh", "Quốc"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hà", "Hùng", "Lan", "Mai", "Nam", "Oanh", "Phúc", "Quang", "Sơn", "Tâm", "Uyên",
    "Vinh", "Xuân", "Yến",
];

fn name(i: usize) -> String {
    format!("{} {} {}", FAMILY[i % FAMILY.len()], MIDDLE[(i / 12) % MIDDLE.len()], GIVEN[(i / 96) % GIVEN.len()])
}

fn workbook(hamlets: &[Hamlet], people: usize) -> Vec<u8> {
    let text = |s: &str| ExportCell::Text(s.to_string());
    let mut rows = Vec::with_capacity(people);
    for h in 0..people / 4 {
        let hamlet = &hamlets[h % hamlets.len()];
        let head = name(h);
        for p in 0..4 {
            let person = if p == 0 { head.clone() } else { name(h * 7 + p * 1_000_003) };
            rows.push(vec![
                ExportCell::Number(rows.len() as i64 + 1),
                text(&hamlet.full_name),
                text(&format!("H{h:05}")),
                text(&head),
                text(&format!("Xóm {}, số nhà {}", h % 9 + 1, h % 200 + 1)),
                text(&person),
                ExportCell::Number([1960, 1965, 1990, 2012][p] + (h % 7) as i64),
                text(["Nam", "Nữ", "Nam", "Nữ"][p]),
                text(["Chủ hộ", "Vợ/Chồng", "Con", "Cháu"][p]),
                text(["Cơ bản", "Chưa có", "Thành thạo", "Chưa có"][p]),
                text(["Không", "Không", "Không", "Có"][p]),
            ]);
        }
    }
    registers_xlsx(hamlets, &rows).expect("workbook")
}

async fn call(router: &Router, method: &str, uri: &str, token: &str, body: Vec<u8>) -> (StatusCode, serde_json::Value) {
    let request = Request::builder()
        .method(method)
        .uri(format!("/api/v1{uri}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(body))
        .expect("request");
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    (status, serde_json::from_slice(&bytes).unwrap_or_default())
}

/// Preview and confirm `file`, follow the job to its end; the two phases' times.
async fn import(router: &Router, token: &str, file: &[u8]) -> (Preview, ImportJob, Duration, Duration) {
    let started = Instant::now();
    let (status, body) =
        call(router, "POST", &format!("/units/{COMMUNE}/registers/import/preview"), token, file.to_vec()).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let preview: Preview = serde_json::from_value(body).expect("preview");
    let previewed = started.elapsed();
    let started = Instant::now();
    let uri = format!("/units/{COMMUNE}/registers/import?sha256={}", preview.file_sha256);
    let (status, body) = call(router, "POST", &uri, token, file.to_vec()).await;
    assert_eq!(status, StatusCode::ACCEPTED, "{body}");
    let mut job: ImportJob = serde_json::from_value(body).expect("job");
    while job.state == JobState::Running {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let (status, body) =
            call(router, "GET", &format!("/units/{COMMUNE}/registers/import/{}", job.job), token, vec![]).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        job = serde_json::from_value(body).expect("job");
    }
    assert_eq!(job.state, JobState::Done, "{job:?}");
    (preview, job, previewed, started.elapsed())
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let people = args
        .iter()
        .position(|a| a == "--rows")
        .and_then(|i| args.get(i + 1))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(30_000)
        / 4
        * 4;
    let catalog = Arc::new(Catalog::load_shipped().expect("catalogue"));
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Arc::new(SledStore::open(dir.path()).expect("sled"));
    let mut hamlets = Vec::new();
    for h in 0..HAMLETS {
        let unit = OrgUnit::hamlet(&format!("bench-{h:02}"), COMMUNE, "Thôn", &format!("{}", h + 1), REFORM_DATE);
        store.put("units", unit.id.as_bytes(), &serde_json::to_vec(&unit).expect("json")).expect("unit");
        hamlets.push(Hamlet { unit: unit.id.clone(), full_name: unit.full_name(), name: unit.name.clone() });
    }
    let state = AppState::new(store, catalog);
    let router = app(state.clone(), None);
    let request = CreateInvitation {
        role: Role::CommuneOfficer,
        unit: COMMUNE.into(),
        display_name: "Bench".into(),
        valid_hours: None,
    };
    let invitation = auth::create_invitation(&state, &request, None).expect("invitation").token;
    let accept = Request::post(format!("/api/v1/invitations/{invitation}/accept"))
        .body(Body::from(json!({"username": "bench.user", "password": "mat-khau-du-dai"}).to_string()))
        .expect("request");
    let reply = router.clone().oneshot(accept).await.expect("accept").into_body().collect().await.expect("body");
    let token = serde_json::from_slice::<serde_json::Value>(&reply.to_bytes()).expect("json")["token"]
        .as_str()
        .expect("token")
        .to_string();

    let file = workbook(&hamlets, people);
    println!("{people} rows, {} households, XLSX of {} KB", people / 4, file.len() / 1024);
    let (preview, job, previewed, imported) = import(&router, &token, &file).await;
    assert!(preview.problems.is_empty(), "{:?}", &preview.problems[..preview.problems.len().min(5)]);
    assert_eq!(job.created, people + people / 4, "{job:?}");
    let total = previewed + imported;
    println!(
        "first import: preview {:.1} s, import {:.1} s, total {:.1} s = {:.0} rows/s ({} records created)",
        previewed.as_secs_f64(),
        imported.as_secs_f64(),
        total.as_secs_f64(),
        people as f64 / total.as_secs_f64(),
        job.created
    );
    let (_, again, previewed, imported) = import(&router, &token, &file).await;
    assert_eq!((again.created, again.updated), (0, 0), "{again:?}");
    println!(
        "same file again: preview {:.1} s, import {:.1} s ({} records unchanged)",
        previewed.as_secs_f64(),
        imported.as_secs_f64(),
        again.unchanged
    );
}
