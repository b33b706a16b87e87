//! Issue 15, requirement 3: registers imported from Excel and exported in the same
//! layout. The diagnostics of files under `tests/data/import/` as golden previews
//! (`check`), and the API through `app()`: the preview names the problems, confirming
//! creates the records as operations in the log, importing twice creates nothing, a
//! corrected file updates only what changed, the template has its lists, an export
//! imports back unchanged, and only the commune's writers may do any of it.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use calamine::{Data, Reader, Xlsx};
use hoctap_server::clock::ManualClock;
use hoctap_server::store::{MemoryStore, Store};
use hoctap_server::{app, auth, registers, sync, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::import::{self, Hamlet, ImportJob, JobState, Preview};
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, PullResponse, PushRequest, RecordId, RecordKind};
use hoctap_shared::units::{OrgUnit, REFORM_DATE};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::golden::{assert_golden, data};

/// 1 January 2026, 08:00 in Vietnam.
const NOW: i64 = 1_767_229_200_000;
const COMMUNE: &str = hoctap_server::sample::CUU_AN;
const OTHER_COMMUNE: &str = "commune:00004:2025";

fn hamlets() -> Vec<Hamlet> {
    [("hamlet:t1", "Thôn", "1"), ("hamlet:t2", "Thôn", "2"), ("hamlet:dc", "Làng", "Đê Chơ")]
        .into_iter()
        .map(|(unit, kind, name)| Hamlet { unit: unit.into(), full_name: format!("{kind} {name}"), name: name.into() })
        .collect()
}

/// A preview as text, one line per count, problem and duplicate.
fn render(preview: &Preview) -> String {
    let counts = |c: &import::Counts| format!("create {}, update {}, unchanged {}", c.create, c.update, c.unchanged);
    let mut out = format!(
        "rows: {}, skipped: {}\nhouseholds: {}\npeople: {}\n",
        preview.rows,
        preview.skipped_rows,
        counts(&preview.households),
        counts(&preview.people)
    );
    if !preview.ignored_columns.is_empty() {
        out += &format!("ignored columns: {}\n", preview.ignored_columns.join(", "));
    }
    for p in &preview.problems {
        out += &format!("problem row {}, {}, {}: {}\n", p.row, p.column, p.code, p.message);
    }
    for d in &preview.duplicates {
        let year = d.birth_year.map(|y| y.to_string()).unwrap_or_default();
        let skipped = if d.skipped { " (skipped)" } else { "" };
        out += &format!("duplicate row {}: {}, {year}, hộ {}: {}{skipped}\n", d.row, d.name, d.household, d.matches);
    }
    out
}

/// Reads `tests/data/import/<file>` as the server does and checks it against the
/// golden preview `<file>.preview`, with no stored records, in 2026.
#[track_caller]
fn check(file: &str) {
    let bytes = std::fs::read(data(&format!("import/{file}"))).expect("data file");
    let rows = registers::read_rows(&bytes).expect("readable");
    let hamlets = hamlets();
    let ctx = import::Context { commune: COMMUNE, hamlets: &hamlets, stored: &[], year: 2026 };
    let plan = import::plan(&rows, &ctx).expect("a register");
    assert_eq!(plan.preview.problems_total, plan.preview.problems.len());
    assert_golden(&format!("import/{file}.preview"), &render(&plan.preview));
}

/// A file refused as a whole, with its stable code.
#[track_caller]
fn check_refused(file: &str, code: &str) {
    let bytes = std::fs::read(data(&format!("import/{file}"))).expect("data file");
    let hamlets = hamlets();
    let ctx = import::Context { commune: COMMUNE, hamlets: &hamlets, stored: &[], year: 2026 };
    let error = match registers::read_rows(&bytes) {
        Err(hoctap_server::ApiError::Domain(error)) => error,
        Err(other) => panic!("{file}: {other}"),
        Ok(rows) => import::plan(&rows, &ctx).expect_err("refused"),
    };
    assert_eq!(error.code(), code, "{file}: {error}");
}

#[test]
fn every_problem_is_named_by_row_and_column() {
    check("problems.csv");
}

#[test]
fn a_good_file_with_other_headers_dates_and_semicolons_imports_whole() {
    check("good.csv");
}

#[test]
fn files_that_are_not_registers_are_refused_whole() {
    check_refused("no-header.csv", "import_no_header");
    check_refused("missing-column.csv", "import_missing_columns");
    check_refused("not-a-register.bin", "import_unreadable");
    let mut many = String::from("Thôn,Họ và tên\n");
    for i in 0..=import::MAX_ROWS {
        many += &format!("Thôn 1,Người {i}\n");
    }
    let rows = registers::read_rows(many.as_bytes()).expect("read");
    let hamlets = hamlets();
    let ctx = import::Context { commune: COMMUNE, hamlets: &hamlets, stored: &[], year: 2026 };
    assert_eq!(import::plan(&rows, &ctx).expect_err("too many").code(), "import_too_many_rows");
}

fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    state: AppState,
    tokens: BTreeMap<&'static str, String>,
}

impl World {
    fn new() -> World {
        let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
        for (id, commune, kind, name) in [
            ("t1", COMMUNE, "Thôn", "1"),
            ("t2", COMMUNE, "Thôn", "2"),
            ("dc", COMMUNE, "Làng", "Đê Chơ"),
            ("x1", OTHER_COMMUNE, "Tổ dân phố", "1"),
        ] {
            let hamlet = OrgUnit::hamlet(id, commune, kind, name, REFORM_DATE);
            store.put("units", hamlet.id.as_bytes(), &serde_json::to_vec(&hamlet).expect("json")).expect("unit");
        }
        let state = AppState { clock: Arc::new(ManualClock::at(NOW)), ..AppState::new(store, catalog()) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let mut world = World { runtime, router: app(state.clone(), None), state, tokens: BTreeMap::new() };
        for (who, role, unit) in [
            ("officer", Role::CommuneOfficer, COMMUNE),
            ("collaborator", Role::Collaborator, "hamlet:t1"),
            ("viewer", Role::Viewer, COMMUNE),
            ("other", Role::CommuneOfficer, OTHER_COMMUNE),
        ] {
            let request =
                CreateInvitation { role, unit: unit.to_string(), display_name: who.to_string(), valid_hours: None };
            let token = auth::create_invitation(&world.state, &request, None).expect("invitation").token;
            let body = json!({"username": format!("nhap.{who}"), "password": "mat-khau-du-dai"}).to_string();
            let (status, reply) = world.call("POST", &format!("/invitations/{token}/accept"), None, body.into_bytes());
            assert_eq!(status, StatusCode::CREATED);
            let reply: Value = serde_json::from_slice(&reply).expect("json");
            world.tokens.insert(who, reply["token"].as_str().expect("token").to_string());
        }
        world
    }

    fn call(&self, method: &str, uri: &str, who: Option<&str>, body: Vec<u8>) -> (StatusCode, Vec<u8>) {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{uri}"));
        if let Some(who) = who {
            request = request.header("authorization", format!("Bearer {}", self.tokens[who]));
        }
        let request = request.body(Body::from(body)).expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            (status, response.into_body().collect().await.expect("body").to_bytes().to_vec())
        })
    }

    fn json(&self, method: &str, uri: &str, who: &str, body: Vec<u8>) -> (StatusCode, Value) {
        let (status, bytes) = self.call(method, uri, Some(who), body);
        (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
    }

    fn preview(&self, file: &[u8]) -> Preview {
        let (status, body) =
            self.json("POST", &format!("/units/{COMMUNE}/registers/import/preview"), "officer", file.to_vec());
        assert_eq!(status, StatusCode::OK, "{body}");
        serde_json::from_value(body).expect("a preview")
    }

    /// Previews, confirms and waits for the job to finish.
    fn import(&self, file: &[u8]) -> (Preview, ImportJob) {
        let preview = self.preview(file);
        let uri = format!("/units/{COMMUNE}/registers/import?sha256={}", preview.file_sha256);
        let (status, body) = self.json("POST", &uri, "officer", file.to_vec());
        assert_eq!(status, StatusCode::ACCEPTED, "{body}");
        let mut job: ImportJob = serde_json::from_value(body).expect("a job");
        for _ in 0..500 {
            if job.state != JobState::Running {
                break;
            }
            self.runtime.block_on(async { tokio::time::sleep(std::time::Duration::from_millis(10)).await });
            let uri = format!("/units/{COMMUNE}/registers/import/{}", job.job);
            let (status, body) = self.json("GET", &uri, "officer", Vec::new());
            assert_eq!(status, StatusCode::OK, "{body}");
            job = serde_json::from_value(body).expect("a job");
        }
        assert_eq!(job.state, JobState::Done, "{job:?}");
        assert_eq!(job.done_rows, job.total_rows);
        (preview, job)
    }

    /// Every operation the officer's devices would pull.
    fn pulled(&self) -> Vec<Operation> {
        let mut ops = Vec::new();
        let mut after = 0;
        loop {
            let (status, body) = self.json("GET", &format!("/sync/pull?after={after}&limit=1000"), "officer", vec![]);
            assert_eq!(status, StatusCode::OK);
            let page: PullResponse = serde_json::from_value(body).expect("a page");
            ops.extend(page.ops);
            after = page.cursor;
            if !page.more {
                return ops;
            }
        }
    }

    fn view(&self, kind: RecordKind, id: &str) -> hoctap_shared::merge::RecordView {
        let record = RecordId { kind, id: id.to_string() };
        sync::record_view(&self.state, &record).expect("read").expect("stored")
    }
}

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "STT,Thôn/Tổ dân phố,Mã hộ,Họ tên chủ hộ,Địa chỉ,Họ và tên,Năm sinh,Giới tính,Quan hệ với chủ hộ,Kỹ năng số,Đang đi học\n",
    );
    for row in rows {
        text += row;
        text.push('\n');
    }
    text.into_bytes()
}

const FAMILY: &[&str] = &[
    "1,Thôn 1,H01,Nguyễn Văn An,Xóm Trên,Nguyễn Văn An,1970,Nam,Chủ hộ,Cơ bản,Không",
    "2,Thôn 1,H01,Nguyễn Văn An,Xóm Trên,Trần Thị Bình,1975,Nữ,Vợ/Chồng,Chưa có,Không",
    "3,Thôn 1,H01,Nguyễn Văn An,Xóm Trên,Nguyễn Minh Châu,2014,Nữ,Con,,Có",
    "4,Thôn 2,,Lê Văn Dũng,Xóm Dưới,Lê Văn Dũng,1980,Nam,Chủ hộ,Thành thạo,Không",
    "5,Thôn 2,,Lê Văn Dũng,Xóm Dưới,Lê Thị Em,2030,Nữ,Con,,",
];

#[test]
fn confirming_writes_operations_once_and_a_corrected_file_only_what_changed() {
    let world = World::new();
    let file = csv(FAMILY);
    let preview = world.preview(&file);
    assert_eq!(preview.problems.len(), 1, "{preview:?}");
    assert_eq!((preview.problems[0].row, preview.problems[0].code.as_str()), (6, "impossible_birth_year"));
    assert_eq!(preview.problems[0].column, "Năm sinh");
    assert_eq!((preview.households.create, preview.people.create), (2, 4));
    assert!(world.pulled().is_empty(), "a preview writes nothing");

    let (_, job) = world.import(&file);
    assert_eq!((job.created, job.updated, job.skipped, job.refused), (6, 0, 1, 0), "{job:?}");
    let ops = world.pulled();
    assert_eq!(ops.len(), 6, "one operation per record, pulled by the commune's devices");
    assert!(ops.iter().all(|op| op.device.starts_with("nhap.") && op.hlc.wall_ms == NOW));
    let person = ops.iter().find(|op| matches!(&op.body, OpBody::SetFields { fields } if fields.iter().any(|f| f.value == json!("Trần Thị Bình")))).expect("Bình");
    assert_eq!(person.unit, "hamlet:t1");
    let view = world.view(RecordKind::Person, &person.record.id);
    assert_eq!(view.value("birth_year"), Some(&json!(1975)));
    assert_eq!(view.value("gender"), Some(&json!("nu")));
    assert_eq!(view.value("relation"), Some(&json!("vo_chong")));
    assert_eq!(view.value("learner"), Some(&json!(false)));
    let household = view.value("household").and_then(Value::as_str).expect("household").to_string();
    let head = world.view(RecordKind::Household, &household);
    assert_eq!(head.value("ten_chu_ho"), Some(&json!("Nguyễn Văn An")));
    assert_eq!(head.value("ma_ho"), Some(&json!("H01")));

    // The same file again: nothing to write.
    let (preview, job) = world.import(&file);
    assert_eq!((preview.households.unchanged, preview.people.unchanged), (2, 4), "{preview:?}");
    assert_eq!((job.created, job.updated, job.unchanged), (0, 0, 6));
    assert_eq!(world.pulled().len(), 6);

    // A corrected file: the bad year fixed, the household's address and one person's
    // skill changed.
    let mut corrected: Vec<String> = FAMILY.iter().map(|r| r.to_string()).collect();
    corrected[4] = corrected[4].replace("2030", "2010");
    corrected[0] = corrected[0]
        .replace("Xóm Trên,Nguyễn Văn An,1970,Nam,Chủ hộ,Cơ bản", "Xóm Giữa,Nguyễn Văn An,1970,Nam,Chủ hộ,Thành thạo");
    for row in corrected.iter_mut().take(3) {
        *row = row.replace("Xóm Trên", "Xóm Giữa");
    }
    let rows: Vec<&str> = corrected.iter().map(String::as_str).collect();
    let (preview, job) = world.import(&csv(&rows));
    assert!(preview.problems.is_empty(), "{preview:?}");
    assert_eq!(preview.households, import::Counts { create: 0, update: 1, unchanged: 1 });
    assert_eq!(preview.people, import::Counts { create: 1, update: 1, unchanged: 3 });
    assert_eq!((job.created, job.updated), (1, 2));
    let new_ops = world.pulled().split_off(6);
    assert_eq!(new_ops.len(), 3);
    let edited: Vec<&str> = new_ops
        .iter()
        .flat_map(|op| match &op.body {
            OpBody::SetFields { fields } => fields.iter().map(|f| f.field.as_str()).collect::<Vec<_>>(),
            _ => Vec::new(),
        })
        .collect();
    assert!(edited.contains(&"dia_chi") && edited.contains(&"digital_skill"), "{edited:?}");
    assert!(!edited.contains(&"ten_chu_ho"), "unchanged fields are not written: {edited:?}");
    assert_eq!(world.view(RecordKind::Household, &household).value("dia_chi"), Some(&json!("Xóm Giữa")));
}

#[test]
fn stored_look_alikes_are_probable_duplicates_and_an_export_imports_back_unchanged() {
    let world = World::new();
    world.import(&csv(FAMILY));
    // A person typed in the app by hand, in a household of their own.
    let device = "may-tay";
    let mut hlc = Hlc::zero(device);
    let mut op = |n: u32, kind, id: &str, fields: &[(&str, Value)]| {
        hlc = hlc.tick(NOW - 60_000);
        Operation {
            id: format!("{device}-{n}"),
            device: device.to_string(),
            hlc: hlc.clone(),
            record: RecordId { kind, id: id.to_string() },
            unit: "hamlet:t2".to_string(),
            body: OpBody::SetFields {
                fields: fields
                    .iter()
                    .map(|(f, v)| FieldEdit { field: f.to_string(), value: v.clone(), base: vec![] })
                    .collect(),
            },
        }
    };
    let ops = vec![
        op(1, RecordKind::Household, "0193-ho", &[("ten_chu_ho", json!("Lê Văn Dũng")), ("dia_chi", json!("Thôn 2"))]),
        op(
            2,
            RecordKind::Person,
            "0193-nguoi",
            &[("name", json!("Lê Văn Dũng")), ("birth_year", json!(1980)), ("household", json!("0193-ho"))],
        ),
    ];
    let body = serde_json::to_vec(&PushRequest { protocol: 1, device: device.into(), ops }).expect("json");
    let (status, reply) = world.json("POST", "/sync/push", "officer", body);
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["accepted"].as_array().map(Vec::len), Some(2), "{reply}");

    let preview = world.preview(&csv(FAMILY));
    let duplicates: Vec<(usize, &str)> = preview.duplicates.iter().map(|d| (d.row, d.matches.as_str())).collect();
    assert_eq!(duplicates, [(5, "đã có trong sổ")], "{preview:?}");

    // The export holds the imported rows and the hand-typed ones, and imports back
    // unchanged.
    let (status, export) = world.call("GET", &format!("/units/{COMMUNE}/registers.xlsx"), Some("officer"), vec![]);
    assert_eq!(status, StatusCode::OK);
    let rows = registers::read_rows(&export).expect("readable");
    assert_eq!(rows[0].cells.iter().map(String::as_str).collect::<Vec<_>>(), import::Column::ALL.map(|c| c.header()));
    assert_eq!(rows.iter().filter(|r| r.cells.iter().any(|c| !c.is_empty())).count(), 1 + 4 + 1);
    let (preview, job) = world.import(&export);
    assert!(preview.problems.is_empty(), "{preview:?}");
    assert_eq!(preview.households, import::Counts { create: 0, update: 0, unchanged: 3 }, "{preview:?}");
    assert_eq!(preview.people, import::Counts { create: 0, update: 0, unchanged: 5 }, "{preview:?}");
    assert_eq!((job.created, job.updated), (0, 0));
}

#[test]
fn the_template_names_the_columns_and_lists_the_hamlets_and_codes() {
    let world = World::new();
    let (status, bytes) =
        world.call("GET", &format!("/units/{COMMUNE}/registers/template.xlsx"), Some("officer"), vec![]);
    assert_eq!(status, StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes.clone())).expect("xlsx");
    assert_eq!(workbook.sheet_names(), ["Danh sách", "Hướng dẫn", "Danh mục"]);
    let list = workbook.worksheet_range("Danh sách").expect("sheet");
    let headers: Vec<String> = list.rows().next().expect("header").iter().map(|c| c.to_string()).collect();
    assert_eq!(headers, import::Column::ALL.map(|c| c.header()));
    let lists = workbook.worksheet_range("Danh mục").expect("lists");
    let column = |header: &str| -> Vec<String> {
        let at = lists.rows().next().expect("header").iter().position(|c| *c == Data::String(header.into()));
        let at = at.unwrap_or_else(|| panic!("no list {header}"));
        lists.rows().skip(1).map(|r| r[at].to_string()).filter(|s| !s.is_empty()).collect()
    };
    assert_eq!(column("Thôn, tổ dân phố"), ["Làng Đê Chơ", "Thôn 1", "Thôn 2"], "the commune's hamlets by name");
    assert_eq!(column("Giới tính"), ["Nam", "Nữ"]);
    assert!(column("Quan hệ với chủ hộ").contains(&"Chủ hộ".to_string()));
    let help = workbook.worksheet_range("Hướng dẫn").expect("help");
    assert!(help.rows().any(|r| r.iter().any(|c| c.to_string().contains("Bắt buộc"))));
    // Drop-down lists on the hamlet and the four coded columns, and the header frozen.
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("zip");
    let mut sheet = String::new();
    archive.by_name("xl/worksheets/sheet1.xml").expect("sheet1").read_to_string(&mut sheet).expect("xml");
    assert_eq!(sheet.matches("<dataValidation ").count(), 5, "{sheet}");
    assert!(sheet.contains("Danh mục"));
    assert!(sheet.contains(r#"state="frozen""#));
}

#[test]
fn only_the_communes_writers_may_import_or_export() {
    let world = World::new();
    let file = csv(FAMILY);
    let preview = format!("/units/{COMMUNE}/registers/import/preview");
    for who in ["collaborator", "viewer", "other"] {
        for (method, uri) in [
            ("POST", preview.clone()),
            ("POST", format!("/units/{COMMUNE}/registers/import?sha256=00")),
            ("GET", format!("/units/{COMMUNE}/registers/template.xlsx")),
            ("GET", format!("/units/{COMMUNE}/registers.xlsx")),
            ("GET", format!("/units/{COMMUNE}/registers/import/abc")),
        ] {
            let (status, body) = world.json(method, &uri, who, file.clone());
            assert_eq!(status, StatusCode::FORBIDDEN, "{who} {method} {uri}: {body}");
            assert_eq!(body["error"]["code"], "forbidden");
        }
    }
    let (status, _) = world.call("POST", &preview, None, file.clone());
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    // A hamlet is not a commune; a file that is not the previewed one is refused.
    let (status, body) = world.json("POST", "/units/hamlet:t1/registers/import/preview", "officer", file.clone());
    assert_eq!(status, StatusCode::NOT_FOUND, "{body}");
    let uri = format!("/units/{COMMUNE}/registers/import?sha256={}", "0".repeat(64));
    let (status, body) = world.json("POST", &uri, "officer", file);
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::CONFLICT, Some("import_file_changed")));
    let (status, body) = world.json("POST", &preview, "officer", b"\x00\x01\x02 not a register".to_vec());
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::UNPROCESSABLE_ENTITY, Some("import_unreadable")));
    let (status, body) = world.json("POST", &preview, "officer", vec![b'a'; import::MAX_FILE_BYTES + 1]);
    assert_eq!((status, body["error"]["code"].as_str()), (StatusCode::PAYLOAD_TOO_LARGE, Some("body_too_large")));
    assert!(world.pulled().is_empty());
}
