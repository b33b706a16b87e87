//! Annual reports through the API over the sample data (Xã Cửu An with its history, a
//! split ward): the report's contents as a golden file; a 2024 report of the merged
//! commune equal to the sum of its predecessors' as recorded; submitted versions frozen
//! while the data move on, on time or late by the day in Vietnam; the province's view of
//! its communes' reports; plans entered, imported and inherited; the assignment of a
//! split ward's groups; the five-year review; the exports served as files; and a backup
//! that keeps plans, narratives, submitted versions and assignments.

use std::collections::BTreeMap;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::auth;
use hoctap_server::clock::ManualClock;
use hoctap_server::sample::{self, CUU_AN, OLD_CUU_AN, OLD_NGOC_HA, OLD_TU_AN};
use hoctap_server::store::MemoryStore;
use hoctap_server::{app, AppState};
use hoctap_shared::accounts::{CreateInvitation, Role};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::sync::catalog;

const PASSWORD: &str = "mat-khau-du-dai";
/// 14 November 2026, 09:00 in Vietnam: before the commune's deadline (20/11, from the
/// Cửu An plan).
const NOV_14: i64 = 1_794_628_800_000;
const DAY_MS: i64 = 86_400_000;

struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    state: AppState,
    clock: Arc<ManualClock>,
}

impl World {
    fn with_sample() -> World {
        let clock = Arc::new(ManualClock::at(NOV_14));
        let state = AppState { clock: clock.clone(), ..AppState::new(Arc::new(MemoryStore::default()), catalog()) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let ops = sample::operations(&state.catalog);
        for batch in ops.chunks(1_000) {
            let response = runtime
                .block_on(hoctap_server::sync::push(&state, batch, hoctap_server::sync::Pusher::Replay))
                .expect("push");
            assert!(response.rejected.is_empty(), "{:?}", response.rejected.first());
        }
        World { runtime, router: app(state.clone(), None), state, clock }
    }

    fn account(&self, role: Role, unit: &str, username: &str) -> String {
        let request =
            CreateInvitation { role, unit: unit.to_string(), display_name: username.to_string(), valid_hours: None };
        let token = auth::create_invitation(&self.state, &request, None).expect("invitation").token;
        let (status, body) = self.call(
            "POST",
            &format!("/invitations/{token}/accept"),
            None,
            Some(json!({"username": username, "password": PASSWORD}).to_string()),
        );
        assert_eq!(status, StatusCode::CREATED, "{body}");
        body["token"].as_str().expect("token").to_string()
    }

    fn raw(&self, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, String, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{uri}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(body.map_or_else(Body::empty, Body::from)).expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let content_type =
                response.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
            let bytes = response.into_body().collect().await.expect("body").to_bytes().to_vec();
            (status, content_type, bytes)
        })
    }

    fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<String>) -> (StatusCode, Value) {
        let (status, _, bytes) = self.raw(method, uri, token, body);
        let value = if bytes.is_empty() { Value::Null } else { serde_json::from_slice(&bytes).expect("JSON") };
        (status, value)
    }

    #[track_caller]
    fn ok(&self, method: &str, uri: &str, token: &str, body: Option<Value>) -> Value {
        let (status, value) = self.call(method, uri, Some(token), body.map(|b| b.to_string()));
        assert_eq!(status, StatusCode::OK, "{method} {uri}: {value}");
        value
    }
}

/// The primary row of a ratio as `numerator/denominator status`.
fn row(report: &Value, indicator: &str) -> String {
    let row = report["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["indicator"] == indicator && r["primary"] == true)
        .expect("row");
    format!("{}/{} {}", row["numerator"], row["denominator"], row["status"].as_str().unwrap_or_default())
}

/// The report in a few lines a reader can check: every primary row, the models, the
/// children, the sources and the deadline.
fn summary(report: &Value) -> String {
    let mut out = format!(
        "{} {} — hạn {} ({})\n",
        report["name"].as_str().unwrap_or_default(),
        report["year"],
        report["deadline"].as_str().unwrap_or("—"),
        report["deadline_to"].as_str().unwrap_or("—")
    );
    out.push_str(&format!("kế hoạch: {}\n", report["plans"]));
    for r in report["rows"].as_array().expect("rows") {
        out.push_str(&format!(
            "{}{}:{} {}/{} = {} | 2025 {} 2030 {} ({}) | kỳ vọng {} thiếu {} | {}\n",
            if r["primary"] == true { "" } else { "  " },
            r["indicator"].as_str().unwrap_or_default(),
            r["reading"].as_str().unwrap_or_default(),
            r["numerator"],
            r["denominator"],
            r["percent"],
            r["target_2025"],
            r["target_2030"],
            r["target_plan"].as_str().unwrap_or("—"),
            r["expected"],
            r["gap"],
            r["status"].as_str().unwrap_or_default()
        ));
    }
    for m in report["models"].as_array().expect("models") {
        out.push_str(&format!("{}: {}\n", m["title"].as_str().unwrap_or_default(), m["counts"]));
    }
    for c in report["children"].as_array().expect("children") {
        out.push_str(&format!(
            "└ {}: {} đánh giá, {}\n",
            c["name"].as_str().unwrap_or_default(),
            c["evaluated"],
            c["recognised"]
        ));
    }
    for s in report["sources"].as_array().expect("sources") {
        out.push_str(&format!(
            "nguồn: {} — {}\n",
            s["name"].as_str().unwrap_or_default(),
            s["how"].as_str().unwrap_or_default()
        ));
    }
    out.push_str(&format!("công nhận: {}\n", report["recognised"].as_array().map_or(0, Vec::len)));
    out
}

#[test]
fn the_annual_report_of_a_commune_is_golden_and_its_history_adds_up() {
    let world = World::with_sample();
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-cuu-an");
    let page = world.ok("GET", &format!("/reports/{CUU_AN}/2026"), &officer, None);
    crate::golden::assert_golden("reports/cuu-an-2026.summary.txt", &summary(&page["report"]));
    assert_eq!(page["versions"], json!([]));
    // The day comes from the old Cửu An plan (20/11); the recipient from the province, not
    // the town of An Khê, abolished on 1 July 2025.
    assert_eq!(page["report"]["deadline"], "2026-11-20");

    // 2024, before the merger: the commune of today counts its predecessors' records.
    let merged = world.ok("GET", &format!("/reports/{CUU_AN}/2024"), &officer, None)["report"].clone();
    crate::golden::assert_golden("reports/cuu-an-2024-merged.summary.txt", &summary(&merged));
    let sources: Vec<&str> =
        merged["sources"].as_array().expect("sources").iter().filter_map(|s| s["unit"].as_str()).collect();
    assert_eq!(
        sources,
        [OLD_TU_AN, OLD_CUU_AN]
            .iter()
            .copied()
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect::<Vec<_>>()
    );
    // … and equals the sum of the old communes' own reports, as recorded.
    let old = |unit: &str| world.ok("GET", &format!("/reports/{unit}/2024"), &officer, None)["report"].clone();
    let (cuu_an, tu_an) = (old(OLD_CUU_AN), old(OLD_TU_AN));
    for indicator in ["households_learning_family", "citizens_cdht", "adults_cdht_in_learning_groups"] {
        let sum = |r: &Value, field: &str| {
            r["rows"].as_array().expect("rows").iter().find(|x| x["indicator"] == indicator).expect("row")[field]
                .as_u64()
                .expect("count")
        };
        for field in ["numerator", "denominator"] {
            assert_eq!(sum(&merged, field), sum(&cuu_an, field) + sum(&tu_an, field), "{indicator} {field}");
        }
        assert!(sum(&merged, "denominator") > 0, "{indicator} has data in 2024");
    }
    assert_eq!(cuu_an["sources"], json!([]), "an old unit is reported as recorded");
    assert_eq!(cuu_an["name"], "Xã Cửu An");
}

#[test]
fn a_submitted_report_is_frozen_and_resubmitting_keeps_the_old_version() {
    let world = World::with_sample();
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    let base = format!("/reports/{CUU_AN}/2026");
    let narrative = json!({"achievements": "Hoàn thành đánh giá ở cả ba thôn.", "difficulties": "Sóng yếu.",
                           "proposals": "", "commendations": "Chi hội Thôn 1"});
    let page = world.ok("PUT", &format!("{base}/narrative"), &officer, Some(narrative.clone()));
    assert_eq!(page["report"]["narrative"], narrative);
    let first = world.ok("POST", &format!("{base}/submit"), &officer, None);
    assert_eq!((first["version"].as_u64(), first["on_time"].as_bool()), (Some(1), Some(true)));
    assert_eq!(first["submitted_on"], "2026-11-14");

    // The data move on: a new household recognised in 2026, the narrative rewritten.
    let before = row(&first["report"], "households_learning_family");
    let mut device = crate::sync::Device::new("may-moi");
    let household = crate::sync::household("ho-moi");
    let ops = vec![device.set("hamlet:cuu-an-thon-1", &household, "ten_chu_ho", json!("Lê Văn Mới"))];
    let response = world
        .runtime
        .block_on(hoctap_server::sync::push(&world.state, &ops, hoctap_server::sync::Pusher::Replay))
        .expect("push");
    assert_eq!(response.accepted.len(), 1);
    world.ok("PUT", &format!("{base}/narrative"), &officer, Some(json!({"achievements": "Đã sửa."})));
    let live = world.ok("GET", &base, &officer, None);
    assert_ne!(row(&live["report"], "households_learning_family"), before, "the live report sees the new household");

    // Version 1 is as it was submitted.
    let frozen = world.ok("GET", &format!("{base}/versions/1"), &officer, None);
    assert_eq!(frozen, first);

    // Resubmitting after the deadline makes version 2, late; version 1 stays.
    world.clock.advance(7 * DAY_MS);
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-sau");
    let second = world.ok("POST", &format!("{base}/submit"), &officer, None);
    assert_eq!((second["version"].as_u64(), second["on_time"].as_bool()), (Some(2), Some(false)));
    assert_eq!(second["report"]["narrative"]["achievements"], "Đã sửa.");
    assert_eq!(world.ok("GET", &format!("{base}/versions/1"), &officer, None), first);
    let versions = world.ok("GET", &base, &officer, None)["versions"].clone();
    assert_eq!(versions.as_array().map(Vec::len), Some(2));
    let (status, body) = world.call("GET", &format!("{base}/versions/3"), Some(&officer), None);
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));

    // A viewer may read but not submit.
    let viewer = world.account(Role::Viewer, CUU_AN, "nguoi-xem");
    let (status, body) = world.call("POST", &format!("{base}/submit"), Some(&viewer), None);
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
}

#[test]
fn a_province_sees_its_communes_reports_with_on_time_status() {
    let world = World::with_sample();
    let province = "province:52:2025";
    let admin = world.account(Role::ProvinceAdmin, province, "quan-tri-gia-lai");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    world.ok("POST", &format!("/reports/{CUU_AN}/2026/submit"), &officer, None);
    let statuses = world.ok("GET", &format!("/reports/{province}/2026/children"), &admin, None);
    let statuses = statuses.as_array().expect("list");
    let communes = world.state.catalog.units.children(province).count();
    assert_eq!(statuses.len(), communes);
    let of = |unit: &str| statuses.iter().find(|s| s["unit"] == unit).expect("listed")["status"].clone();
    assert_eq!(of(CUU_AN), "on_time");
    // Every other commune's deadline (15/11 by default) is still ahead on 14/11.
    assert!(statuses.iter().filter(|s| s["unit"] != CUU_AN).all(|s| s["status"] == "pending"));
    world.clock.advance(2 * DAY_MS);
    let admin = world.account(Role::ProvinceAdmin, province, "quan-tri-sau");
    let later = world.ok("GET", &format!("/reports/{province}/2026/children"), &admin, None);
    let missing = later.as_array().expect("list").iter().filter(|s| s["status"] == "missing").count();
    assert_eq!(missing, communes - 1);
    // The province's own report rolls its communes up; a commune officer cannot see it.
    let report = world.ok("GET", &format!("/reports/{province}/2026"), &admin, None)["report"].clone();
    assert_eq!(report["deadline"], "2026-12-15");
    assert!(report["children"].as_array().expect("children").iter().any(|c| c["unit"] == CUU_AN));
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-sau");
    let (status, _) = world.call("GET", &format!("/reports/{province}/2026"), Some(&officer), None);
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[test]
fn plans_are_inherited_entered_and_imported_with_diagnostics() {
    let world = World::with_sample();
    let approver = world.account(Role::CommuneApprover, CUU_AN, "duyet-cuu-an");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    let uri = format!("/units/{CUU_AN}/plan");
    let plan = world.ok("GET", &uri, &officer, None);
    assert_eq!(plan["own"], Value::Null);
    let target = |plan: &Value, indicator: &str| {
        plan["rows"].as_array().expect("rows").iter().find(|r| r["indicator"] == indicator).cloned().expect("row")
    };
    // Inherited from the old Cửu An's plan (a predecessor), then national.
    assert_eq!(target(&plan, "cdht_digital_skills")["plan"], "cuu-an");
    assert_eq!(target(&plan, "cdht_digital_skills")["inherited"], true);
    // The old plan's day stays; its recipient, a district body abolished on 1 July 2025,
    // gives way to the province's (issue 17).
    assert_eq!(
        plan["deadline"],
        json!({"day": 20, "month": 11, "to": "Sở Giáo dục và Đào tạo tỉnh Gia Lai; Hội Khuyến học tỉnh Gia Lai",
               "source": "plan"})
    );

    let own = json!({
        "id": "cuu-an-2025", "title": "Kế hoạch xây dựng xã hội học tập xã Cửu An 2025–2030", "kind": "local",
        "period_from": 2025, "period_to": 2030, "source": "nhập tay",
        "unit": {"level": "commune", "name": "Xã Cửu An", "parent": "Tỉnh Gia Lai"},
        "document": {"number": "12/KH-UBND", "date": "2025-08-01", "issuer": "Ủy ban nhân dân xã Cửu An"},
        "deadline": {"day": 15, "month": 11, "to": "Ủy ban nhân dân tỉnh Gia Lai"},
        "targets": [{"indicator": "cdht_digital_skills", "text": "Công dân học tập có kỹ năng số",
                     "target_2025": 70.0, "target_2030": 85.5, "responsible": "Hội Khuyến học xã"}]
    });
    let (status, _) = world.call("PUT", &uri, Some(&officer), Some(own.to_string()));
    assert_eq!(status, StatusCode::FORBIDDEN, "an officer does not set targets");
    let saved = world.ok("PUT", &uri, &approver, Some(own));
    assert_eq!(target(&saved, "cdht_digital_skills")["plan"], "cuu-an-2025");
    assert_eq!(target(&saved, "cdht_digital_skills")["inherited"], false);
    assert_eq!(target(&saved, "cdht_digital_proficient")["plan"], "cuu-an", "what the unit sets not, it inherits");
    assert_eq!(saved["deadline"]["day"], 15);
    // A plan made since the reform keeps the recipient it names.
    assert_eq!(saved["deadline"]["to"], "Ủy ban nhân dân tỉnh Gia Lai");
    let report = world.ok("GET", &format!("/reports/{CUU_AN}/2026"), &officer, None)["report"].clone();
    assert_eq!(report["deadline_to"], "Ủy ban nhân dân tỉnh Gia Lai");
    let row =
        report["rows"].as_array().expect("rows").iter().find(|r| r["indicator"] == "cdht_digital_skills").cloned();
    assert_eq!(
        row.map(|r| (r["target_2030"].clone(), r["target_plan"].clone())),
        Some((json!(85.5), json!("cuu-an-2025")))
    );

    // An imported file with errors is refused with every diagnostic and its line.
    let bad = "id = \"x\"\ntitle = \"X\"\nkind = \"local\"\nperiod_from = 2021\nperiod_to = 2030\nsource = \"s\"\n\
               [unit]\nlevel = \"commune\"\nname = \"Xã X\"\n[document]\nissuer = \"UBND\"\n\
               [[targets]]\nindicator = \"khong_co\"\ntext = \"Sai\"\ntarget_2025 = 120.0\n";
    let (status, body) = world.call("POST", &format!("{uri}/import"), Some(&approver), Some(bad.to_string()));
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_plan")));
    let codes: Vec<&str> = body["error"]["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"unknown-indicator") && codes.contains(&"threshold-out-of-scale"), "{codes:?}");
    // A shipped plan file imports as is.
    let file = std::fs::read_to_string(crate::golden::root().join("shared/data/plans/y-tich.toml")).expect("plan file");
    let (status, imported) = world.call("POST", &format!("{uri}/import"), Some(&approver), Some(file));
    assert_eq!(status, StatusCode::OK, "{imported}");
    assert_eq!(
        (imported["own"]["id"].as_str(), imported["own"]["unit"]["id"].as_str()),
        (Some("y-tich"), Some(CUU_AN))
    );
}

#[test]
fn a_split_wards_groups_count_once_assigned_and_the_report_says_so() {
    let world = World::with_sample();
    let ba_dinh = "commune:00004:2025";
    let approver = world.account(Role::CommuneApprover, ba_dinh, "duyet-ba-dinh");
    let report = world.ok("GET", &format!("/reports/{ba_dinh}/2024"), &approver, None)["report"].clone();
    let unassigned: Vec<&str> =
        report["unassigned"].as_array().expect("list").iter().filter_map(|u| u["unit"].as_str()).collect();
    assert_eq!(unassigned, ["hamlet:cu-ngoc-ha-tdp-1", "hamlet:cu-ngoc-ha-tdp-2"]);
    assert_eq!(row(&report, "households_learning_family"), "0/0 no_data");

    let lineage = world.ok("GET", &format!("/units/{ba_dinh}/lineage"), &approver, None);
    let ngoc_ha = lineage["predecessors"].as_array().expect("list").iter().find(|p| p["unit"] == OLD_NGOC_HA).cloned();
    let ngoc_ha = ngoc_ha.expect("Ngọc Hà is a predecessor");
    assert_eq!(ngoc_ha["kind"], "partial");
    assert_eq!(ngoc_ha["hamlets"][0]["assigned_to"], Value::Null);

    // Assigning to a commune the ward did not go into is refused; to Ba Đình it counts.
    let (status, body) = world.call(
        "PUT",
        "/lineage/assignments",
        Some(&approver),
        Some(json!({"unit": "hamlet:cu-ngoc-ha-tdp-1", "to": CUU_AN}).to_string()),
    );
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    let other_commune = "commune:00025:2025";
    let admin = world.account(Role::ProvinceAdmin, "province:01:2025", "quan-tri-ha-noi");
    let (status, body) = world.call(
        "PUT",
        "/lineage/assignments",
        Some(&admin),
        Some(json!({"unit": "hamlet:cu-ngoc-ha-tdp-1", "to": other_commune}).to_string()),
    );
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("bad_assignment")));
    let after = world.ok(
        "PUT",
        "/lineage/assignments",
        &approver,
        Some(json!({"unit": "hamlet:cu-ngoc-ha-tdp-1", "to": ba_dinh})),
    );
    assert_eq!(after["unit"], ba_dinh);
    let report = world.ok("GET", &format!("/reports/{ba_dinh}/2024"), &approver, None)["report"].clone();
    assert_eq!(report["unassigned"].as_array().map(Vec::len), Some(1));
    assert_ne!(row(&report, "households_learning_family"), "0/0 no_data");
    let how = report["sources"][0]["how"].as_str().unwrap_or_default().to_string();
    assert_eq!((report["sources"][0]["unit"].as_str(), how.as_str()), (Some(OLD_NGOC_HA), "một phần: Tổ dân phố 1"));
}

#[test]
fn the_five_year_review_and_the_exports() {
    let world = World::with_sample();
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    let review = world.ok("GET", &format!("/reviews/{CUU_AN}?from=2021&to=2025"), &officer, None);
    let families = review["rows"]
        .as_array()
        .expect("rows")
        .iter()
        .find(|r| r["indicator"] == "households_learning_family")
        .cloned()
        .expect("row");
    let years: Vec<i64> =
        families["years"].as_array().expect("years").iter().filter_map(|y| y["year"].as_i64()).collect();
    assert_eq!(years, [2021, 2022, 2023, 2024, 2025]);
    assert!(families["years"][0]["denominator"].as_u64() > Some(0), "2021 is counted from the old communes");
    assert!(families["change"].is_number());
    let (status, _) = world.call("GET", &format!("/reviews/{CUU_AN}?from=2025&to=2021"), Some(&officer), None);
    assert_eq!(status, StatusCode::BAD_REQUEST);

    let base = format!("/reports/{CUU_AN}/2026");
    let (status, content_type, bytes) = world.raw("GET", &format!("{base}/report.xlsx"), Some(&officer), None);
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(bytes.starts_with(b"PK"), "an XLSX is a zip");
    let (status, content_type, bytes) = world.raw("GET", &format!("{base}/report.csv"), Some(&officer), None);
    assert_eq!((status, content_type.as_str()), (StatusCode::OK, "text/csv; charset=utf-8"));
    assert!(bytes.starts_with("\u{feff}".as_bytes()));
    let (status, _, page) = world.raw("GET", &format!("{base}/print"), Some(&officer), None);
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"));
    let decisions = world.ok("GET", &format!("{base}/decisions"), &officer, None);
    let number = decisions[0]["number"].as_str().expect("a decision").to_string();
    assert_eq!(number, "11/QĐ-UBND");
    let (status, _, page) =
        world.raw("GET", &format!("{base}/decisions/print?number=11%2FQ%C4%90-UBND"), Some(&officer), None);
    assert_eq!(status, StatusCode::OK);
    assert!(String::from_utf8_lossy(&page).contains("Số: 11/QĐ-UBND"));
    let (status, _, _) = world.raw("GET", &format!("{base}/decisions/print?number=99%2FQD"), Some(&officer), None);
    assert_eq!(status, StatusCode::NOT_FOUND);
    for path in ["recognised.xlsx", "recognised.csv"] {
        let (status, _, bytes) = world.raw("GET", &format!("{base}/{path}"), Some(&officer), None);
        assert_eq!(status, StatusCode::OK, "{path}");
        assert!(!bytes.is_empty());
    }
    for path in ["review.xlsx", "review.csv", "print"] {
        let (status, _, _) =
            world.raw("GET", &format!("/reviews/{CUU_AN}/{path}?from=2021&to=2025"), Some(&officer), None);
        assert_eq!(status, StatusCode::OK, "{path}");
    }
}

/// A backup restored into an empty store keeps what no operation derives: the plan
/// entered for a unit, the narrative, every submitted version and the assignments.
#[test]
fn a_backup_keeps_plans_narratives_submitted_reports_and_assignments() {
    let world = World::with_sample();
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    let base = format!("/reports/{CUU_AN}/2026");
    world.ok("PUT", &format!("{base}/narrative"), &officer, Some(json!({"achievements": "Đã đánh giá xong."})));
    let submitted = world.ok("POST", &format!("{base}/submit"), &officer, None);
    let plan = world.ok("GET", &format!("/units/{CUU_AN}/plan"), &officer, None);
    let approver = world.account(Role::CommuneApprover, "commune:00004:2025", "duyet-ba-dinh");
    let assignment = json!({"unit": "hamlet:cu-ngoc-ha-tdp-1", "to": "commune:00004:2025"});
    world.ok("PUT", "/lineage/assignments", &approver, Some(assignment));

    let mut backup = Vec::new();
    hoctap_server::backup::write_backup(&world.state, &mut backup).expect("backup");
    let restored =
        AppState { clock: world.clock.clone(), ..AppState::new(Arc::new(MemoryStore::default()), catalog()) };
    world.runtime.block_on(hoctap_server::backup::restore(&restored, &mut backup.as_slice())).expect("restore");
    for keyspace in hoctap_server::store::plain::KEYSPACES {
        let before = world.state.store.scan(keyspace, b"", None, usize::MAX).expect("scan");
        let after = restored.store.scan(keyspace, b"", None, usize::MAX).expect("scan");
        assert!(before == after, "{keyspace}: {} entries before, {} after", before.len(), after.len());
    }
    let again = World {
        runtime: tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime"),
        router: app(restored.clone(), None),
        state: restored,
        clock: world.clock.clone(),
    };
    let token = again.account(Role::CommuneOfficer, CUU_AN, "can-bo-2");
    assert_eq!(again.ok("GET", &format!("{base}/versions/1"), &token, None), submitted);
    assert_eq!(again.ok("GET", &base, &token, None)["report"]["narrative"]["achievements"], "Đã đánh giá xong.");
    assert_eq!(again.ok("GET", &format!("/units/{CUU_AN}/plan"), &token, None), plan);
}

/// Districts before the reform, registered by the province administrator: the old
/// communes then count under their district, whose 2024 report is the sum of theirs as
/// recorded; the old province lists the district instead of those communes; a wrong
/// request is refused with every problem; a correction takes a commune back out.
#[test]
fn a_district_before_the_reform_is_registered_and_reports_its_communes_as_recorded() {
    const DISTRICT: &str = "district:623:old";
    const OLD_GIA_LAI: &str = "province:64:old";
    let world = World::with_sample();
    let admin = world.account(Role::ProvinceAdmin, "province:52:2025", "quan-tri-gia-lai");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-cuu-an");
    let request = |communes: &[&str]| {
        json!({"name": "An Khê", "unit_type": "Thị xã", "province": OLD_GIA_LAI, "communes": communes}).to_string()
    };

    // Only an administrator of the province registers districts.
    let (status, body) =
        world.call("PUT", "/lineage/districts/623", Some(&officer), Some(request(&[OLD_CUU_AN, OLD_TU_AN])));
    assert_eq!(status, StatusCode::FORBIDDEN, "{body}");
    // Every problem at once, in Vietnamese.
    let (status, body) = world.call(
        "PUT",
        "/lineage/districts/62",
        Some(&admin),
        Some(
            json!({"name": " ", "unit_type": "Tỉnh", "province": OLD_GIA_LAI,
                   "communes": [OLD_CUU_AN, OLD_CUU_AN, OLD_NGOC_HA, "commune:23629:2025"]})
            .to_string(),
        ),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["code"], "bad_district");
    let message = body["error"]["message"].as_str().expect("message");
    for expected in [
        "mã huyện phải gồm 3 chữ số",
        "tên huyện",
        "loại đơn vị phải là một trong: Huyện, Quận, Thị xã, Thành phố",
        "được kê hai lần",
        "Phường Ngọc Hà thuộc Thành phố Hà Nội, không thuộc Tỉnh Gia Lai",
        "\"commune:23629:2025\" không phải là một xã trước ngày 01/7/2025",
    ] {
        assert!(message.contains(expected), "{expected:?} missing from {message}");
    }

    let district = world.ok(
        "PUT",
        "/lineage/districts/623",
        &admin,
        Some(json!({
        "name": "An Khê", "unit_type": "Thị xã", "province": OLD_GIA_LAI, "communes": [OLD_CUU_AN, OLD_TU_AN]})),
    );
    assert_eq!(district["unit"], DISTRICT);
    assert_eq!(district["name"], "Thị xã An Khê");
    assert_eq!(district["province"]["name"], "Tỉnh Gia Lai");
    let names: Vec<&str> =
        district["communes"].as_array().expect("communes").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["Xã Cửu An", "Xã Tú An"]);
    assert_eq!(world.ok("GET", &format!("/lineage/districts?province={OLD_GIA_LAI}"), &admin, None), json!([district]));

    // The district's 2024 report adds up its communes' as recorded, under the district's deadline.
    let report = |unit: &str| world.ok("GET", &format!("/reports/{unit}/2024"), &admin, None)["report"].clone();
    let (whole, cuu_an, tu_an) = (report(DISTRICT), report(OLD_CUU_AN), report(OLD_TU_AN));
    assert_eq!(whole["name"], "Thị xã An Khê");
    assert_eq!(whole["deadline"], "2024-11-20");
    let count = |r: &Value, indicator: &str, field: &str| {
        r["rows"].as_array().expect("rows").iter().find(|x| x["indicator"] == indicator).expect("row")[field]
            .as_u64()
            .expect("count")
    };
    for indicator in ["households_learning_family", "citizens_cdht", "adults_cdht_in_learning_groups"] {
        for field in ["numerator", "denominator"] {
            let parts = count(&cuu_an, indicator, field) + count(&tu_an, indicator, field);
            assert_eq!(count(&whole, indicator, field), parts, "{indicator} {field}");
        }
        assert!(count(&whole, indicator, "denominator") > 0, "{indicator} has data in 2024");
    }
    let children: Vec<&str> =
        whole["children"].as_array().expect("children").iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(children, ["Xã Cửu An", "Xã Tú An"]);
    // The old province now counts them through the district, and lists the district.
    let province = report(OLD_GIA_LAI);
    assert_eq!(count(&province, "citizens_cdht", "denominator"), count(&whole, "citizens_cdht", "denominator"));
    let listed = world.ok("GET", &format!("/reports/{OLD_GIA_LAI}/2024/children"), &admin, None);
    let listed: Vec<&str> = listed.as_array().expect("children").iter().filter_map(|c| c["unit"].as_str()).collect();
    assert!(listed.contains(&DISTRICT) && !listed.contains(&OLD_CUU_AN), "{listed:?}");
    let listed = world.ok("GET", &format!("/reports/{DISTRICT}/2024/children"), &admin, None);
    assert_eq!(listed.as_array().map(Vec::len), Some(2), "{listed}");

    // Tú An is not in another district … and a correction takes it out of this one.
    let (status, body) = world.call(
        "PUT",
        "/lineage/districts/624",
        Some(&admin),
        Some(
            json!({"name": "Khác", "unit_type": "Huyện", "province": OLD_GIA_LAI, "communes": [OLD_TU_AN]}).to_string(),
        ),
    );
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert!(body["error"]["message"].as_str().is_some_and(|m| m.contains("Xã Tú An đã thuộc Thị xã An Khê")), "{body}");
    world.ok(
        "PUT",
        "/lineage/districts/623",
        &admin,
        Some(json!({
        "name": "An Khê", "unit_type": "Thị xã", "province": OLD_GIA_LAI, "communes": [OLD_CUU_AN]})),
    );
    let whole = report(DISTRICT);
    for field in ["numerator", "denominator"] {
        assert_eq!(count(&whole, "citizens_cdht", field), count(&cuu_an, "citizens_cdht", field), "{field}");
    }
    // The commune of today still counts both old communes through the lineage.
    let merged = world.ok("GET", &format!("/reports/{CUU_AN}/2024"), &officer, None)["report"].clone();
    assert_eq!(
        count(&merged, "citizens_cdht", "denominator"),
        count(&cuu_an, "citizens_cdht", "denominator") + count(&tu_an, "citizens_cdht", "denominator")
    );
}

/// Issue 19, requirement 4: the lineage screen draws from one request. For a province,
/// `GET /units/{id}/lineage/overview` answers exactly what the screen asked for one
/// request at a time: the province's lineage, every commune of today's (each equal to
/// `GET /units/{commune}/lineage`), and the districts of each old province (equal to
/// `GET /lineage/districts`) — with an assignment and a district registered, so neither
/// part is empty. It is read as the per-unit reads are: a commune's officer gets its
/// commune's and is refused its province, another province's administrator is refused.
#[test]
fn issue_19_the_lineage_overview_answers_as_the_per_unit_reads() {
    let world = World::with_sample();
    let hanoi = world.account(Role::ProvinceAdmin, "province:01:2025", "quan-tri-ha-noi");
    let gia_lai = world.account(Role::ProvinceAdmin, "province:52:2025", "quan-tri-gia-lai");
    world.ok(
        "PUT",
        "/lineage/assignments",
        &hanoi,
        Some(json!({"unit": "hamlet:cu-ngoc-ha-tdp-1", "to": "commune:00004:2025"})),
    );
    world.ok(
        "PUT",
        "/lineage/districts/623",
        &gia_lai,
        Some(json!({
        "name": "An Khê", "unit_type": "Thị xã", "province": "province:64:old", "communes": [OLD_CUU_AN, OLD_TU_AN]})),
    );

    for (province, token) in [("province:01:2025", &hanoi), ("province:52:2025", &gia_lai)] {
        let overview = world.ok("GET", &format!("/units/{province}/lineage/overview"), token, None);
        assert_eq!(overview["lineage"], world.ok("GET", &format!("/units/{province}/lineage"), token, None));
        // The communes the screen listed from the catalogue, each as its own read answers.
        let unit = world.ok("GET", &format!("/units/{province}"), token, None);
        let communes: Vec<&str> = unit["children"]
            .as_array()
            .expect("children")
            .iter()
            .filter_map(|c| c["id"].as_str())
            .filter(|id| id.starts_with("commune:"))
            .collect();
        assert!(communes.len() > 100, "{province}: {} communes", communes.len());
        let listed: Vec<&str> =
            overview["communes"].as_array().expect("communes").iter().filter_map(|c| c["unit"].as_str()).collect();
        assert_eq!(listed, communes, "{province}");
        for view in overview["communes"].as_array().expect("communes") {
            let commune = view["unit"].as_str().expect("unit");
            assert_eq!(view, &world.ok("GET", &format!("/units/{commune}/lineage"), token, None), "{commune}");
        }
        // The districts of each old province, in the order of the province's predecessors.
        let mut districts = Vec::new();
        for old in overview["lineage"]["predecessors"].as_array().expect("predecessors") {
            let old = old["unit"].as_str().expect("unit");
            if old.starts_with("province:") {
                let listed = world.ok("GET", &format!("/lineage/districts?province={old}"), token, None);
                districts.extend(listed.as_array().expect("districts").iter().cloned());
            }
        }
        assert_eq!(overview["districts"], Value::Array(districts), "{province}");
    }
    // Neither part was empty: the assignment and the district are in them.
    let overview = world.ok("GET", "/units/province:01:2025/lineage/overview", &hanoi, None);
    let ba_dinh = overview["communes"].as_array().expect("communes").iter().find(|c| c["unit"] == "commune:00004:2025");
    assert!(ba_dinh.is_some_and(|c| c.to_string().contains("\"assigned_to\":\"commune:00004:2025\"")), "{ba_dinh:?}");
    let overview = world.ok("GET", "/units/province:52:2025/lineage/overview", &gia_lai, None);
    assert_eq!(overview["districts"][0]["unit"], "district:623:old", "{}", overview["districts"]);
    // The district registered under the old province is listed as a district, not as
    // one of the old province's hamlets.
    assert!(!overview["lineage"].to_string().contains("district:623:old"), "{}", overview["lineage"]);

    // A commune's officer: its commune's (nothing below it), not its province's.
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-cuu-an");
    let own = world.ok("GET", &format!("/units/{CUU_AN}/lineage/overview"), &officer, None);
    assert_eq!(own["lineage"], world.ok("GET", &format!("/units/{CUU_AN}/lineage"), &officer, None));
    assert_eq!((own["communes"].clone(), own["districts"].clone()), (json!([]), json!([])));
    for (token, unit) in
        [(&officer, "province:52:2025"), (&hanoi, "province:52:2025"), (&gia_lai, "commune:00004:2025")]
    {
        let (status, body) = world.call("GET", &format!("/units/{unit}/lineage/overview"), Some(token), None);
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")), "{unit}");
    }
}

/// A report of a unit of today from 2025 on is the sum of its parts' kept figures (a
/// province holds millions of records, which the report no longer reads at once): the
/// same as counting the records of today's units together, a province's own decisions
/// (Learning Communes) still listed, a commune's every recognised subject; and the years
/// before the reform, gathered without today's records, are the same as gathered with
/// them.
#[test]
fn a_report_of_today_by_parts_equals_counting_its_records() {
    use hoctap_server::reports;
    use hoctap_shared::criteria::Model;

    let world = World::with_sample();
    let state = &world.state;
    let province = reports::known_unit(state, "province:52:2025").expect("province");
    let commune = reports::known_unit(state, CUU_AN).expect("commune");
    let hamlet = reports::children(state, CUU_AN)
        .expect("children")
        .into_iter()
        .find(|u| u.kind == hoctap_shared::units::UnitKind::Hamlet)
        .expect("a hamlet of today");
    // A commune's and a hamlet's report from 2025 is their parts' sum too, every
    // subject still listed.
    for unit in [&province, &commune, &hamlet] {
        for year in [2025, 2026] {
            assert!(reports::by_parts(unit, year));
            let by_parts = reports::report_by_parts(state, unit, year).expect("by parts");
            let scope = reports::gather(state, unit.clone(), true).expect("gather");
            let mut whole = reports::report(state, &scope, year).expect("report");
            if unit.id == province.id {
                whole.recognised.retain(|r| r.model == Model::LearningCommune || r.unit == province.id);
            } else if unit.id == commune.id {
                assert!(!whole.recognised.is_empty(), "{year}");
            }
            assert_eq!(
                serde_json::to_value(&by_parts).expect("json"),
                serde_json::to_value(&whole).expect("json"),
                "{} {year}",
                unit.id
            );
            if unit.id != hamlet.id {
                assert!(by_parts.children.iter().any(|c| c.evaluated > 0), "{year}: {:?}", by_parts.children);
            }
        }
        assert!(!reports::by_parts(unit, 2024));
    }
    let commune = reports::known_unit(state, CUU_AN).expect("commune");
    for unit in [province, commune] {
        let all = reports::gather(state, unit.clone(), true).expect("gather");
        let historic = reports::gather(state, unit.clone(), false).expect("gather");
        for year in [2023, 2024] {
            assert_eq!(
                serde_json::to_value(reports::report(state, &historic, year).expect("report")).expect("json"),
                serde_json::to_value(reports::report(state, &all, year).expect("report")).expect("json"),
                "{} {year}",
                unit.id
            );
        }
    }
}

/// `/consolidation` (the app's "Tổng hợp" screen), `/reports` (the annual report, its
/// print and spreadsheets) and the review of several years count a unit's year the same
/// way, before the reform as after: a commune of today in 2023 counts the records kept
/// under the old communes it was formed from (not the people registered again under
/// today's hamlets), in 2026 those of today's hamlets; and a province the same.
#[test]
fn the_consolidation_and_the_report_count_alike_in_every_year() {
    let world = World::with_sample();
    let admin = world.account(Role::ProvinceAdmin, "province:52:2025", "quan-tri-gia-lai");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo-cuu-an");
    let mut compared = 0;
    for (unit, token) in [(CUU_AN, &officer), ("province:52:2025", &admin)] {
        let review = world.ok("GET", &format!("/reviews/{unit}?from=2022&to=2026"), token, None);
        for year in [2023, 2024, 2025, 2026] {
            let figures = world.ok("GET", &format!("/consolidation/{unit}?year={year}"), token, None);
            let report = world.ok("GET", &format!("/reports/{unit}/{year}"), token, None)["report"].clone();
            let label = format!("{unit} {year}");
            for row in report["rows"].as_array().expect("rows") {
                let indicator = figures["indicators"]
                    .as_array()
                    .expect("indicators")
                    .iter()
                    .find(|i| i["id"] == row["indicator"])
                    .unwrap_or_else(|| panic!("{label}: {} missing", row["indicator"]));
                let reading = indicator["readings"]
                    .as_array()
                    .expect("readings")
                    .iter()
                    .find(|r| r["id"] == row["reading"])
                    .expect("reading");
                for field in ["numerator", "denominator"] {
                    assert_eq!(reading[field], row[field], "{label}: {} {} {field}", row["indicator"], row["reading"]);
                }
                compared += 1;
            }
            // The children the report lists are those the figures roll up, evaluated alike.
            let children: BTreeMap<&str, u64> = figures["children"]
                .as_array()
                .expect("children")
                .iter()
                .map(|c| {
                    let evaluated = c["models"]
                        .as_object()
                        .map_or(0, |models| models.values().map(|m| m["evaluated"].as_u64().unwrap_or(0)).sum());
                    (c["unit"].as_str().unwrap_or(""), evaluated)
                })
                .collect();
            let listed: BTreeMap<&str, u64> = report["children"]
                .as_array()
                .expect("children")
                .iter()
                .map(|c| (c["unit"].as_str().unwrap_or(""), c["evaluated"].as_u64().unwrap_or(0)))
                .collect();
            assert_eq!(children, listed, "{label}: children");
            // The review's year reads the same as the year's report.
            let reviewed = review["rows"].as_array().expect("review rows");
            let citizens = report["rows"]
                .as_array()
                .expect("rows")
                .iter()
                .find(|r| r["indicator"] == "citizens_cdht" && r["primary"] == true)
                .expect("citizens");
            let in_review = reviewed
                .iter()
                .find(|r| r["indicator"] == "citizens_cdht")
                .and_then(|r| r["years"].as_array())
                .and_then(|years| years.iter().find(|y| y["year"] == year))
                .unwrap_or_else(|| panic!("{label}: review {review}"));
            assert_eq!(in_review["numerator"], citizens["numerator"], "{label}: review");
            assert_eq!(in_review["denominator"], citizens["denominator"], "{label}: review");
        }
    }
    assert!(compared > 100, "{compared}");
    // Xã Cửu An in 2023 counts its old communes' people (the sample's old records).
    let figures = world.ok("GET", &format!("/consolidation/{CUU_AN}?year=2023"), &officer, None);
    let citizens = figures["indicators"].as_array().expect("indicators").iter().find(|i| i["id"] == "citizens_cdht");
    let reading = &citizens.expect("citizens")["readings"][0];
    assert!(reading["numerator"].as_u64() > Some(0), "{reading}");
}

/// Every document of a unit's year as text: the printed report, the XLSX read back, the
/// CSVs and every recognition decision printed, each with its name.
fn documents(world: &World, token: &str, unit: &str, year: i32, query: &str) -> Vec<(String, String)> {
    let base = format!("/reports/{unit}/{year}");
    let mut out = Vec::new();
    for path in ["print", "report.csv", "recognised.csv"] {
        let (status, _, bytes) = world.raw("GET", &format!("{base}/{path}{query}"), Some(token), None);
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push((path.to_string(), String::from_utf8(bytes).expect("UTF-8")));
    }
    for path in ["report.xlsx", "recognised.xlsx"] {
        let (status, _, bytes) = world.raw("GET", &format!("{base}/{path}{query}"), Some(token), None);
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push((path.to_string(), crate::exports::dump(&crate::exports::read_xlsx(&bytes))));
    }
    let decisions = world.ok("GET", &format!("{base}/decisions"), token, None);
    for d in decisions.as_array().expect("decisions") {
        let number = d["number"].as_str().expect("number");
        let encoded: String = number.bytes().map(|b| format!("%{b:02X}")).collect();
        let date = d["date"].as_str().expect("date");
        let path = format!("{base}/decisions/print?number={encoded}&date={date}");
        let (status, _, bytes) = world.raw("GET", &path, Some(token), None);
        assert_eq!(status, StatusCode::OK, "{path}");
        out.push((format!("quyết định {number}"), String::from_utf8(bytes).expect("UTF-8")));
    }
    out
}

/// Issue 17: from 1 July 2025 no document names a district body. Xã Cửu An's plan
/// (2022) sends its report to "Ủy ban nhân dân thị xã An Khê"; its 2026 report — printed,
/// as XLSX and CSV — and its decisions name what its province set (or the defaults), the
/// proposer recorded with each decision, and no internal id.
#[test]
fn issue_17_cuu_an_2026_names_no_abolished_body_nor_any_internal_id() {
    let world = World::with_sample();
    let province = "province:52:2025";
    let admin = world.account(Role::ProvinceAdmin, province, "quan-tri-gia-lai");
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    let approver = world.account(Role::CommuneApprover, CUU_AN, "lanh-dao");

    // Read from the commune: the province's defaults, marked.
    let view = world.ok("GET", &format!("/units/{CUU_AN}/authorities"), &officer, None);
    assert_eq!((view["province"].as_str(), view["province_name"].as_str()), (Some(province), Some("Tỉnh Gia Lai")));
    let commune_row = view["recipients"].as_array().expect("rows").iter().find(|r| r["level"] == "commune").cloned();
    let commune_row = commune_row.expect("a commune row");
    assert_eq!(commune_row["to"], json!(["Sở Giáo dục và Đào tạo {tỉnh}", "Hội Khuyến học {tỉnh}"]));
    assert_eq!(
        (commune_row["configured"].as_bool(), commune_row["default_confirmed"].as_bool()),
        (Some(false), Some(false))
    );
    let page = world.ok("GET", &format!("/reports/{CUU_AN}/2026"), &officer, None);
    assert_eq!(page["report"]["deadline_to"], "Sở Giáo dục và Đào tạo tỉnh Gia Lai; Hội Khuyến học tỉnh Gia Lai");

    // Only the province's administrator writes, a province only, with every problem named.
    let update = json!({
        "recipients": [{"level": "commune", "to": ["Ủy ban nhân dân {tỉnh}", "Hội Khuyến học {tỉnh}"]}],
        "authorities": [{"model": "learning_commune", "level": "commune", "authority": "Ủy ban nhân dân {tỉnh}"}]
    });
    for token in [&officer, &approver] {
        let (status, body) =
            world.call("PUT", &format!("/units/{province}/authorities"), Some(token), Some(update.to_string()));
        assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    }
    let (status, body) =
        world.call("PUT", &format!("/units/{CUU_AN}/authorities"), Some(&admin), Some(update.to_string()));
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("wrong_unit_kind")));
    let bad = json!({"recipients": [{"level": "commune", "to": ["Ủy ban nhân dân thị xã An Khê"]},
                                    {"level": "district", "to": ["x"]}]});
    let (status, body) =
        world.call("PUT", &format!("/units/{province}/authorities"), Some(&admin), Some(bad.to_string()));
    assert_eq!(
        (status, body["error"]["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("invalid_authorities"))
    );
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("“Ủy ban nhân dân thị xã An Khê” là cơ quan cấp huyện, đã bỏ từ ngày 01/07/2025"),
        "{message}"
    );
    assert!(message.contains("cấp huyện đã bỏ từ ngày 01/07/2025, không có nơi nhận"), "{message}");
    let (status, body) =
        world.call("PUT", &format!("/units/{province}/authorities"), Some(&admin), Some(r#"{"recipient": []}"#.into()));
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::BAD_REQUEST, Some("bad_request")));
    let saved = world.ok("PUT", &format!("/units/{province}/authorities"), &admin, Some(update));
    assert_eq!(saved["updated_by"], "quan-tri-gia-lai");
    let mut read = world.ok("GET", &format!("/units/{CUU_AN}/authorities"), &officer, None);
    assert_eq!(read["commune_name"], "Xã Cửu An", "what fills {{xã}} for the commune asked about");
    read.as_object_mut().map(|o| o.remove("commune_name"));
    assert_eq!(read, saved);

    // Every 2026 document: the configured recipients, no district body, no id.
    let documents = documents(&world, &officer, CUU_AN, 2026, "");
    assert!(documents.len() > 5, "the sample recognises titles in 2026 under decisions");
    for (name, text) in &documents {
        for abolished in ["thị xã An Khê", "Ủy ban nhân dân thị xã", "huyện", "Huyện", "HUYỆN"] {
            assert!(!text.contains(abolished), "{name} names {abolished:?}");
        }
        let ids = crate::report_fixture::internal_ids(text);
        assert!(ids.is_empty(), "{name} shows internal ids: {ids:?}");
        assert!(!text.contains("class=\"dots\"></span>."), "{name} leaves a dotted line for the proposer");
    }
    let text = |name: &str| documents.iter().find(|(n, _)| n == name).map(|(_, t)| t.clone()).expect(name);
    assert!(text("print").contains("<li>- Ủy ban nhân dân tỉnh Gia Lai;</li><li>- Hội Khuyến học tỉnh Gia Lai;</li>"));
    assert!(text("print").contains("gửi Ủy ban nhân dân tỉnh Gia Lai và Hội Khuyến học tỉnh Gia Lai"));
    assert!(text("report.xlsx").contains("gửi Ủy ban nhân dân tỉnh Gia Lai; Hội Khuyến học tỉnh Gia Lai"));
    let decision = text("quyết định 11/QĐ-UBND");
    assert!(decision.contains("<li>- Ủy ban nhân dân tỉnh Gia Lai (để báo cáo);</li>"), "{decision}");
    assert!(decision.contains("<p>Theo đề nghị của Hội Khuyến học xã Cửu An.</p>"));

    // A backup keeps what the province set.
    let mut backup = Vec::new();
    hoctap_server::backup::write_backup(&world.state, &mut backup).expect("backup");
    assert!(String::from_utf8_lossy(&backup).contains("\"keyspace\":\"province_authorities\""));
}

/// Issue 17: what is downloaded or printed after a submission is the submitted version;
/// the draft says it is one, and past its deadline by how many days.
#[test]
fn issue_17_documents_after_submission_are_the_submitted_version() {
    let world = World::with_sample();
    let base = format!("/reports/{CUU_AN}/2026");
    // 7 December: 17 days past the deadline of 20 November, nothing submitted.
    world.clock.advance(23 * DAY_MS);
    let officer = world.account(Role::CommuneOfficer, CUU_AN, "can-bo");
    for (name, text) in documents(&world, &officer, CUU_AN, 2026, "") {
        if name == "print" || name == "report.xlsx" {
            assert!(text.contains("Bản nháp (chưa nộp) — đã quá hạn 17 ngày"), "{name}");
        }
    }
    let submitted = world.ok("POST", &format!("{base}/submit"), &officer, None);
    assert_eq!(submitted["version"], 1);
    for (name, text) in documents(&world, &officer, CUU_AN, 2026, "") {
        assert!(!text.contains("Bản nháp"), "{name} after the submission");
        if name == "print" {
            assert!(text.contains("Bản nộp lần 1, ngày 07/12/2026, quá hạn"), "{name}");
        }
        if name == "report.xlsx" {
            assert!(text.contains("Tình trạng: Bản nộp lần 1 ngày 07/12/2026, người nộp: can-bo, quá hạn"), "{name}");
        }
    }
    // The draft, asked for, still says it is one.
    let (_, _, page) = world.raw("GET", &format!("{base}/print?draft=true"), Some(&officer), None);
    assert!(String::from_utf8_lossy(&page).contains("Bản nháp (chưa nộp)"));
}
