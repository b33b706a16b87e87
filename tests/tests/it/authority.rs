//! Issue 14, the server is the authority: every operation is decided from what the
//! server has accepted, never from what a device claims. A generated matrix — every
//! role × every operation kind × where the record lies × which unit the operation names
//! — with the expected answer of each cell as data, and nothing stored changed on a
//! refusal; a property test of devices with clocks a year wrong around a recognition;
//! and a regression test for each case the issue lists.

use std::collections::BTreeMap;
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, OnceLock};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::clock::ManualClock;
use hoctap_server::store::{MemoryStore, Store};
use hoctap_server::sync::{self, Pusher};
use hoctap_server::{app, auth, AppState, Catalog};
use hoctap_shared::accounts::{Account, CreateInvitation, Role};
use hoctap_shared::criteria::{Measure, ShareScoring};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::number::Points;
use hoctap_shared::protocol::{
    Decision, FieldEdit, OpBody, Operation, PushCounted, PushRequest, PushResponse, RecordId, RecordKind, Transition,
};
use hoctap_shared::scoring::Answer;
use hoctap_shared::units::{OrgUnit, UnitKind, REFORM_DATE};
use http_body_util::BodyExt;
use proptest::prelude::*;
use serde_json::{json, Value};
use tower::ServiceExt;

/// 1 January 2026, the server's clock.
const NOW: i64 = 1_767_225_600_000;
const HOUR_MS: i64 = 60 * 60 * 1000;
const YEAR_MS: i64 = 365 * 24 * HOUR_MS;
/// The Learning Citizen set every evaluation here uses.
pub(crate) const SET: &str = "cdht-244-2022";
/// A stored evidence file (a JPEG's first bytes are enough for the sniffer).
const PHOTO: &[u8] = &[0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3, 4];

fn catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG.get_or_init(|| Arc::new(Catalog::load_shipped().expect("shipped catalogue loads"))).clone()
}

/// Where a record lies, relative to the caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    /// Hamlet A: the collaborator's own hamlet, a hamlet of the commune roles' commune.
    OwnHamlet,
    /// Hamlet B, the other hamlet of commune C.
    OtherHamlet,
    /// A hamlet of commune C2, in the same province.
    OtherCommune,
    /// A hamlet of another province.
    OtherProvince,
}

/// Which unit the operation names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Naming {
    /// The unit the record belongs to on the server.
    RecordsUnit,
    /// The caller's own unit (the issue's attack: another hamlet's record labelled with
    /// one's own hamlet).
    CallersUnit,
}

const PLACES: [Place; 4] = [Place::OwnHamlet, Place::OtherHamlet, Place::OtherCommune, Place::OtherProvince];
const NAMINGS: [Naming; 2] = [Naming::RecordsUnit, Naming::CallersUnit];

/// Every kind of operation a device sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    SetFields,
    SetScore,
    Attach,
    Detach,
    /// A field edit whose base names both values of a conflict.
    Resolve,
    /// A field edit saying which unit the record leaves (`moved_from`): a move when it
    /// names another unit.
    Move,
    Submit,
    Return,
    Approve,
    Recognise,
    Reopen,
}

/// The expected answer of each cell: `ok` accepted; `403` the whole push refused
/// (`forbidden`) because the operation names a unit outside the caller's rights;
/// `forbidden`, `invalid_operation`: that operation rejected with this code (the first
/// when the record lies outside the caller's scope, the second when the operation names
/// another unit than the record's without being a move). Columns:
/// own hamlet, other hamlet, other commune, other province, each naming the record's
/// unit then the caller's.
const MATRIX: &[(Role, Kind, [&str; 8])] = &[
    // Hamlet A's collaborator: writes in A only; the caller's unit is A.
    (Role::Collaborator, Kind::SetFields, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::SetScore, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Attach, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Detach, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Resolve, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Move, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Submit, ["ok", "ok", "403", "forbidden", "403", "forbidden", "403", "forbidden"]),
    (Role::Collaborator, Kind::Return, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Collaborator, Kind::Approve, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Collaborator, Kind::Recognise, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Collaborator, Kind::Reopen, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    // Commune C's officer: writes anywhere in C. Naming C for a hamlet's record is a
    // move, taken only as one (`moved_from`, both ends its own); anything else naming
    // another unit than the record's is refused, a workflow step included.
    (
        Role::CommuneOfficer,
        Kind::SetFields,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneOfficer,
        Kind::SetScore,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneOfficer,
        Kind::Attach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneOfficer,
        Kind::Detach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneOfficer,
        Kind::Resolve,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (Role::CommuneOfficer, Kind::Move, ["ok", "ok", "ok", "ok", "403", "forbidden", "403", "forbidden"]),
    (
        Role::CommuneOfficer,
        Kind::Submit,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (Role::CommuneOfficer, Kind::Return, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::CommuneOfficer, Kind::Approve, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::CommuneOfficer, Kind::Recognise, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::CommuneOfficer, Kind::Reopen, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    // Commune C's approver: as the officer, and reviews in C.
    (
        Role::CommuneApprover,
        Kind::SetFields,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::SetScore,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Attach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Detach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Resolve,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (Role::CommuneApprover, Kind::Move, ["ok", "ok", "ok", "ok", "403", "forbidden", "403", "forbidden"]),
    (
        Role::CommuneApprover,
        Kind::Submit,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Return,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Approve,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Recognise,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    (
        Role::CommuneApprover,
        Kind::Reopen,
        ["ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden", "403", "forbidden"],
    ),
    // Province P's administrator: everything in P; naming P moves a record to the
    // province's own records, as an explicit move only.
    (
        Role::ProvinceAdmin,
        Kind::SetFields,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::SetScore,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Attach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Detach,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Resolve,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (Role::ProvinceAdmin, Kind::Move, ["ok", "ok", "ok", "ok", "ok", "ok", "403", "forbidden"]),
    (
        Role::ProvinceAdmin,
        Kind::Submit,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Return,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Approve,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Recognise,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    (
        Role::ProvinceAdmin,
        Kind::Reopen,
        ["ok", "invalid_operation", "ok", "invalid_operation", "ok", "invalid_operation", "403", "forbidden"],
    ),
    // A viewer of commune C changes nothing anywhere.
    (Role::Viewer, Kind::SetFields, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::SetScore, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Attach, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Detach, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Resolve, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Move, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Submit, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Return, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Approve, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Recognise, ["403", "403", "403", "403", "403", "403", "403", "403"]),
    (Role::Viewer, Kind::Reopen, ["403", "403", "403", "403", "403", "403", "403", "403"]),
];

/// Province P with communes C (hamlets A, B) and C2 (hamlet A2); province Q with a
/// commune and hamlet HQ.
#[derive(Debug, Clone)]
struct Units {
    p: String,
    c: String,
    a: String,
    b: String,
    a2: String,
    hq: String,
}

impl Units {
    fn place(&self, place: Place) -> &str {
        match place {
            Place::OwnHamlet => &self.a,
            Place::OtherHamlet => &self.b,
            Place::OtherCommune => &self.a2,
            Place::OtherProvince => &self.hq,
        }
    }

    /// The unit each role's account is scoped to.
    fn seat(&self, role: Role) -> &str {
        match role {
            Role::Collaborator => &self.a,
            Role::CommuneOfficer | Role::CommuneApprover | Role::Viewer => &self.c,
            Role::ProvinceAdmin => &self.p,
        }
    }
}

/// An app over a memory store on a manual clock, with one account per role.
struct World {
    runtime: tokio::runtime::Runtime,
    router: Router,
    state: AppState,
    units: Units,
    tokens: BTreeMap<Role, String>,
    accounts: BTreeMap<Role, Account>,
    photo: String,
}

impl World {
    /// With a signed-in session per role (for the API), or only the accounts (pushed
    /// into the log directly, which skips hashing five passwords per case).
    fn new() -> World {
        World::build(true)
    }

    fn build(sessions: bool) -> World {
        let catalog = catalog();
        let store: Arc<dyn Store> = Arc::new(MemoryStore::default());
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
        let (c, c2, cq) = (communes_of(&p)[0].clone(), communes_of(&p)[1].clone(), communes_of(&q)[0].clone());
        for (id, commune, name) in [("q-a", &c, "An"), ("q-b", &c, "Bình"), ("q-a2", &c2, "Hai"), ("q-hq", &cq, "Quý")]
        {
            let hamlet = OrgUnit::hamlet(id, commune, "Thôn", name, REFORM_DATE);
            store.put("units", hamlet.id.as_bytes(), &serde_json::to_vec(&hamlet).expect("json")).expect("put unit");
        }
        let units = Units {
            p,
            c,
            a: "hamlet:q-a".into(),
            b: "hamlet:q-b".into(),
            a2: "hamlet:q-a2".into(),
            hq: "hamlet:q-hq".into(),
        };
        let state = AppState { clock: Arc::new(ManualClock::at(NOW)), ..AppState::new(store, catalog) };
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
        let photo = hoctap_server::evidence::put(&state, &hoctap_server::evidence::sha256_hex(PHOTO), PHOTO, "may-chu")
            .expect("photo stored")
            .meta
            .sha256;
        let mut world = World {
            runtime,
            router: app(state.clone(), None),
            state,
            units,
            tokens: BTreeMap::new(),
            accounts: BTreeMap::new(),
            photo,
        };
        for role in Role::ALL {
            let unit = world.units.seat(role).to_string();
            if !sessions {
                let account = json!({"id": role.key(), "username": role.key(), "display_name": role.title(),
                    "role": role, "unit": unit});
                world.accounts.insert(role, serde_json::from_value(account).expect("account"));
                continue;
            }
            let request = CreateInvitation { role, unit, display_name: role.title().to_string(), valid_hours: None };
            let invitation = auth::create_invitation(&world.state, &request, None).expect("invitation").token;
            let username = format!("q.{}", role.key().replace('_', "-"));
            let body = json!({"username": username, "password": "mat-khau-du-dai"});
            let (status, reply) = world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
            assert_eq!(status, StatusCode::CREATED, "{reply}");
            world.tokens.insert(role, reply["token"].as_str().expect("token").to_string());
            world.accounts.insert(role, serde_json::from_value(reply["account"].clone()).expect("account"));
        }
        world
    }

    fn call(&self, method: &str, uri: &str, token: Option<&str>, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = Request::builder().method(method).uri(format!("/api/v1{uri}"));
        if let Some(token) = token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        let request = request.body(body.map_or_else(Body::empty, |b| Body::from(b.to_string()))).expect("request");
        self.runtime.block_on(async {
            let response = self.router.clone().oneshot(request).await.expect("infallible");
            let status = response.status();
            let bytes = response.into_body().collect().await.expect("body").to_bytes();
            (status, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
        })
    }

    /// Pushes as the server itself (what a restore replays): the records' starting
    /// states, set up without the rules under test.
    #[track_caller]
    fn seed(&self, ops: &[Operation]) {
        let response = self.runtime.block_on(sync::push(&self.state, ops, Pusher::Replay)).expect("seed");
        assert_eq!(response.accepted.len(), ops.len(), "seeding: {response:?}");
    }

    /// Pushes as `role`'s account through the API.
    fn push(&self, role: Role, ops: Vec<Operation>) -> (StatusCode, Value) {
        let device = ops.first().map(|op| op.device.clone()).unwrap_or_default();
        let body = serde_json::to_value(PushRequest { protocol: 1, device, ops }).expect("json");
        self.call("POST", "/sync/push", Some(&self.tokens[&role]), Some(body))
    }

    /// Pushes as `role`'s account straight into the log (no HTTP), as the route does
    /// after its own check.
    fn push_as(&self, role: Role, ops: &[Operation]) -> PushResponse {
        let pusher = Pusher::Account(self.accounts[&role].clone());
        self.runtime.block_on(sync::push(&self.state, ops, pusher)).expect("push")
    }

    fn view(&self, record: &RecordId) -> RecordView {
        sync::record_view(&self.state, record).expect("read").expect("a stored view")
    }

    /// A digest of everything the server keeps that a request could change.
    fn digest(&self) -> u64 {
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        for keyspace in hoctap_server::store::accounts::KEYSPACES.iter().chain(STORED.iter()) {
            self.state.store.scan(keyspace, b"", None, usize::MAX).expect("scan").hash(&mut hasher);
        }
        hasher.finish()
    }

    /// The number of recognised Learning Citizens of commune C in 2026, as the figures
    /// count them.
    fn recognised_in_c(&self) -> usize {
        let figures = hoctap_server::figures::consolidation(&self.state, &self.units.c, 2026, true).expect("figures");
        figures.recognised.len()
    }
}

/// The keyspaces of the log, its indexes and views, units, figures and evidence.
const STORED: [&str; 16] = [
    "log",
    "op_ids",
    "record_ops",
    "scope",
    "views",
    "units",
    "meta",
    "part_records",
    "parts",
    "figures",
    "figures_names",
    "evidence",
    "evidence_meta",
    "evidence_units",
    "evidence_records",
    "evidence_uploads",
];

/// Operations on one advancing clock a little before the server's, each device its own.
fn op(device: &str, unit: &str, record: &RecordId, body: OpBody) -> Operation {
    static TICK: AtomicI64 = AtomicI64::new(NOW - 30 * 24 * HOUR_MS);
    let wall = TICK.fetch_add(1_000, Ordering::SeqCst);
    stamped(device, unit, record, body, wall)
}

fn stamped(device: &str, unit: &str, record: &RecordId, body: OpBody, wall_ms: i64) -> Operation {
    static ID: AtomicI64 = AtomicI64::new(0);
    let id = format!("op-{}", ID.fetch_add(1, Ordering::SeqCst));
    Operation {
        id,
        device: device.to_string(),
        hlc: Hlc { wall_ms, counter: 0, device: device.to_string() },
        record: record.clone(),
        unit: unit.to_string(),
        body,
    }
}

fn set(fields: &[(&str, Value)]) -> OpBody {
    OpBody::SetFields {
        fields: fields
            .iter()
            .map(|(f, v)| FieldEdit { field: f.to_string(), value: v.clone(), base: vec![] })
            .collect(),
    }
}

fn step(transition: Transition) -> OpBody {
    OpBody::Transition { transition }
}

fn decision(override_reason: Option<&str>) -> Decision {
    Decision {
        number: "12/QĐ-UBND".into(),
        date: hoctap_shared::date::Date::parse_iso("2026-01-01").expect("date"),
        authority: "Ủy ban nhân dân xã".into(),
        override_reason: override_reason.map(str::to_string),
        proposer: None,
    }
}

/// Every indicator of the set answered at full marks (`full`) or at nothing.
pub(crate) fn answers(full: bool) -> Vec<(String, Answer)> {
    let set = catalog().criteria_set(SET, None).expect("the set").clone();
    set.indicators()
        .map(|indicator| {
            let answer = match &indicator.measure {
                Measure::Points { max } => Answer::Points(if full { *max } else { Points::default() }),
                Measure::Met { .. } => Answer::Met(full),
                Measure::Share { scoring: ShareScoring::Points { .. } | ShareScoring::Levels { .. }, .. } => {
                    Answer::Share { numerator: u64::from(full), denominator: 1 }
                }
            };
            (indicator.code.clone(), answer)
        })
        .collect()
}

/// An evaluation of 2026 with every indicator scored, passing or failing.
fn scored_evaluation(device: &str, unit: &str, record: &RecordId, pass: bool) -> Vec<Operation> {
    let person = RecordId { kind: RecordKind::Person, id: format!("nguoi-{}", record.id) };
    let subject = serde_json::to_value(&person).expect("json");
    let mut ops = vec![
        op(device, unit, &person, set(&[("name", json!("Nguyễn Thị Hằng")), ("birth_year", json!(1980))])),
        op(device, unit, record, set(&[("set", json!(SET)), ("year", json!(2026)), ("subject", subject)])),
    ];
    for (indicator, answer) in answers(pass) {
        ops.push(op(device, unit, record, OpBody::SetScore { indicator, answer, base: vec![] }));
    }
    ops
}

/// The record of one cell, its starting state seeded, and the operation to send.
fn cell(world: &World, kind: Kind, id: &str, unit: &str, named: &str, device: &str) -> (RecordId, Operation) {
    let household = RecordId { kind: RecordKind::Household, id: id.to_string() };
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: id.to_string() };
    let seeder = "may-seed";
    let (record, seed): (RecordId, Vec<Operation>) = match kind {
        Kind::SetFields | Kind::Move => {
            (household.clone(), vec![op(seeder, unit, &household, set(&[("ten_chu_ho", json!("Lê Văn An"))]))])
        }
        Kind::Resolve => (
            household.clone(),
            vec![
                op("may-x", unit, &household, set(&[("dia_chi", json!("Xóm 1"))])),
                op("may-y", unit, &household, set(&[("dia_chi", json!("Xóm 2"))])),
            ],
        ),
        Kind::SetScore | Kind::Attach | Kind::Submit => {
            (evaluation.clone(), scored_evaluation(seeder, unit, &evaluation, true))
        }
        Kind::Detach => {
            let mut seed = scored_evaluation(seeder, unit, &evaluation, true);
            seed.push(op(seeder, unit, &evaluation, attach(&world.photo)));
            (evaluation.clone(), seed)
        }
        Kind::Return | Kind::Approve | Kind::Recognise | Kind::Reopen => {
            let mut seed = scored_evaluation(seeder, unit, &evaluation, true);
            seed.push(op(seeder, unit, &evaluation, step(Transition::Submit)));
            if matches!(kind, Kind::Recognise | Kind::Reopen) {
                seed.push(op(seeder, unit, &evaluation, step(Transition::Approve)));
            }
            if kind == Kind::Reopen {
                seed.push(op(seeder, unit, &evaluation, step(Transition::Recognise { decision: decision(None) })));
            }
            (evaluation.clone(), seed)
        }
    };
    world.seed(&seed);
    let body = match kind {
        Kind::SetFields => set(&[("so_thanh_vien", json!(4))]),
        Kind::Move => set(&[(hoctap_shared::protocol::MOVED_FROM_FIELD, json!(unit)), ("so_thanh_vien", json!(5))]),
        Kind::Resolve => OpBody::SetFields {
            fields: vec![FieldEdit {
                field: "dia_chi".into(),
                value: json!("Xóm 1"),
                base: seed.iter().map(|o| o.id.clone()).collect(),
            }],
        },
        Kind::SetScore => {
            let (indicator, answer) = answers(true).remove(0);
            OpBody::SetScore { base: score_ops(&seed, &indicator), indicator, answer }
        }
        Kind::Attach => attach(&world.photo),
        Kind::Detach => OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() },
        Kind::Submit => step(Transition::Submit),
        Kind::Return => step(Transition::Return { comment: "Bổ sung minh chứng".into() }),
        Kind::Approve => step(Transition::Approve),
        Kind::Recognise => step(Transition::Recognise { decision: decision(None) }),
        Kind::Reopen => step(Transition::Reopen { reason: "Sai năm sinh".into() }),
    };
    (record.clone(), op(device, named, &record, body))
}

/// The operations of `ops` that score `indicator` (the base of a new score).
fn score_ops(ops: &[Operation], indicator: &str) -> Vec<String> {
    ops.iter()
        .filter(|o| matches!(&o.body, OpBody::SetScore { indicator: i, .. } if i == indicator))
        .map(|o| o.id.clone())
        .collect()
}

fn attach(sha256: &str) -> OpBody {
    OpBody::AttachEvidence {
        indicator: "1.1".into(),
        sha256: sha256.to_string(),
        media_type: "image/jpeg".into(),
        size: PHOTO.len() as u64,
        name: Some("anh.jpg".into()),
    }
}

/// The answer to a push of one operation, in the matrix's words.
fn answer_of(status: StatusCode, reply: &Value) -> String {
    if status == StatusCode::FORBIDDEN {
        assert_eq!(reply["error"]["code"], "forbidden", "{reply}");
        return "403".to_string();
    }
    assert_eq!(status, StatusCode::OK, "{reply}");
    if let Some(rejected) = reply["rejected"].as_array().and_then(|r| r.first()) {
        let message = rejected["message"].as_str().unwrap_or_default();
        assert!(!message.is_empty() && !message.contains("hamlet:"), "a message for people: {message}");
        return rejected["code"].as_str().unwrap_or_default().to_string();
    }
    assert_eq!(reply["accepted"].as_array().map(Vec::len), Some(1), "{reply}");
    "ok".to_string()
}

#[test]
fn matrix_every_role_every_operation_every_place_and_naming() {
    let world = World::new();
    let u = world.units.clone();
    let kinds = [
        Kind::SetFields,
        Kind::SetScore,
        Kind::Attach,
        Kind::Detach,
        Kind::Resolve,
        Kind::Move,
        Kind::Submit,
        Kind::Return,
        Kind::Approve,
        Kind::Recognise,
        Kind::Reopen,
    ];
    assert_eq!(MATRIX.len(), Role::ALL.len() * kinds.len(), "a row for every role and kind");
    let mut mismatches = Vec::new();
    let mut checked = 0;
    for (role, kind, expected) in MATRIX {
        let device = format!("may-{}", role.key());
        let columns = PLACES.iter().flat_map(|place| NAMINGS.iter().map(move |naming| (*place, *naming)));
        for ((place, naming), expect) in columns.zip(expected) {
            let unit = u.place(place);
            let named = match naming {
                Naming::RecordsUnit => unit,
                Naming::CallersUnit => u.seat(*role),
            };
            let id = format!("{}-{kind:?}-{place:?}-{naming:?}", role.key());
            let (record, sent) = cell(&world, *kind, &id, unit, named, &device);
            let view_before = world.view(&record);
            let before = world.digest();
            let (status, reply) = world.push(*role, vec![sent]);
            let got = answer_of(status, &reply);
            checked += 1;
            if got != *expect {
                mismatches.push(format!("{role:?} {kind:?} {place:?} {naming:?}: expected {expect}, got {got}"));
            }
            if got == "ok" {
                continue;
            }
            // A refusal leaves everything as it was, and the record where it was.
            assert_eq!(world.digest(), before, "{role:?} {kind:?} {place:?} {naming:?}: a refusal changed the store");
            assert_eq!(world.view(&record), view_before);
        }
    }
    assert!(mismatches.is_empty(), "{} of {checked} cells differ:\n{}", mismatches.len(), mismatches.join("\n"));
    assert_eq!(checked, Role::ALL.len() * kinds.len() * 8);

    // Reads: each account pulls only operations of units it may read.
    for role in Role::ALL {
        let (status, page) = world.call("GET", "/sync/pull?limit=1000", Some(&world.tokens[&role]), None);
        assert_eq!(status, StatusCode::OK);
        let ops: Vec<Operation> = serde_json::from_value(page["ops"].clone()).expect("ops");
        assert!(!ops.is_empty(), "{role:?} pulls its own scope");
        for op in ops {
            let seat = u.seat(role);
            assert!(
                world.state.unit_covers(seat, &op.unit).expect("covers"),
                "{role:?} pulled {} of {}",
                op.id,
                op.unit
            );
        }
    }
}

/// Issue 14: another hamlet's record labelled with one's own hamlet moved into it, and
/// with an older clock its score was replaced while it stayed where it was.
#[test]
fn regression_14_another_hamlets_record_under_ones_own_hamlet() {
    let world = World::new();
    let u = world.units.clone();
    let record = RecordId { kind: RecordKind::Evaluation, id: "cua-thon-b".into() };
    let seed = scored_evaluation("may-b", &u.b, &record, true);
    world.seed(&seed);
    let before = world.digest();
    let (indicator, answer) = answers(false).remove(0);
    for wall in [NOW, NOW - 60 * 24 * HOUR_MS] {
        let body = OpBody::SetScore { indicator: indicator.clone(), answer, base: score_ops(&seed, &indicator) };
        let (status, reply) = world.push(Role::Collaborator, vec![stamped("may-a", &u.a, &record, body, wall)]);
        assert_eq!(answer_of(status, &reply), "forbidden", "{reply}");
        // Where the record is stays unsaid to someone who may not read it.
        let message = reply["rejected"][0]["message"].as_str().unwrap_or_default();
        assert!(message.contains("ngoài phạm vi") && !message.contains("Bình"), "{reply}");
    }
    assert_eq!(world.digest(), before);
    assert_eq!(world.view(&record).unit, u.b, "the record stays in hamlet B");
}

/// Issue 14: an edit of a recognised record with a clock earlier than the recognition
/// was accepted and changed what was recognised.
#[test]
fn regression_14_a_backdated_edit_of_a_recognised_record() {
    let world = World::new();
    let u = world.units.clone();
    let record = RecordId { kind: RecordKind::Evaluation, id: "da-cong-nhan".into() };
    let mut seed = scored_evaluation("may-a", &u.a, &record, true);
    seed.push(op("may-a", &u.a, &record, step(Transition::Submit)));
    seed.push(op("may-xa", &u.a, &record, step(Transition::Approve)));
    world.seed(&seed);
    let recognise = op("may-xa", &u.a, &record, step(Transition::Recognise { decision: decision(None) }));
    assert_eq!(
        world.push_as(Role::CommuneApprover, std::slice::from_ref(&recognise)).accepted,
        std::slice::from_ref(&recognise.id)
    );
    let recognised = world.view(&record);
    assert_eq!(recognised.status, Status::Recognised);
    let before = world.digest();
    let (indicator, answer) = answers(false).remove(0);
    let body = OpBody::SetScore { base: score_ops(&seed, &indicator), indicator, answer };
    for wall in [seed[1].hlc.wall_ms + 1, recognise.hlc.wall_ms + HOUR_MS] {
        let edit = stamped("may-a", &u.a, &record, body.clone(), wall);
        let response = world.push_as(Role::Collaborator, &[edit]);
        assert_eq!(response.rejected.len(), 1, "{response:?}");
        assert_eq!(response.rejected[0].code, "record_locked");
    }
    assert_eq!(world.digest(), before);
    assert_eq!(world.view(&record), recognised);
}

/// Issue 14: any timestamp was accepted, negative or in the year 9999; a submission
/// from a phone a year fast could not be approved until the approver's clock caught up.
#[test]
fn regression_14_clocks_out_of_bounds_and_reviews_in_the_servers_order() {
    let world = World::new();
    let u = world.units.clone();
    let record = RecordId { kind: RecordKind::Household, id: "ho-dong-ho".into() };
    let before = world.digest();
    for wall in [-1, 0, 946_684_799_999, NOW + 24 * HOUR_MS + 1, NOW + YEAR_MS, 253_402_300_799_000] {
        let edit = stamped("may-a", &u.a, &record, set(&[("ten_chu_ho", json!("Lò Văn Đông"))]), wall);
        let response = world.push_as(Role::Collaborator, &[edit]);
        assert_eq!(response.rejected.len(), 1, "{wall}: {response:?}");
        assert_eq!(response.rejected[0].code, "clock_skew");
        assert!(response.rejected[0].message.contains("Ngày giờ của máy đang sai"), "{response:?}");
        assert_eq!(response.server_ms, Some(NOW));
    }
    assert_eq!(world.digest(), before);
    // Within the bound: a day fast is accepted.
    let edit = stamped("may-a", &u.a, &record, set(&[("ten_chu_ho", json!("Lò Văn Đông"))]), NOW + 23 * HOUR_MS);
    assert_eq!(world.push_as(Role::Collaborator, &[edit]).rejected, []);

    // A submission 23 hours fast, an approver whose wall clock is a year slow but who
    // has pulled the submission (its clock receives it): approved, in the server's order.
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: "dong-ho-nhanh".into() };
    let scored = scored_evaluation("may-a", &u.a, &evaluation, true);
    assert_eq!(world.push_as(Role::Collaborator, &scored).rejected, []);
    let submit = stamped("may-a", &u.a, &evaluation, step(Transition::Submit), NOW + 23 * HOUR_MS);
    assert_eq!(world.push_as(Role::Collaborator, std::slice::from_ref(&submit)).rejected, []);
    let approver = Hlc::zero("may-xa").tick(NOW - YEAR_MS).receive(&submit.hlc, NOW - YEAR_MS).tick(NOW - YEAR_MS);
    let approve = Operation { hlc: approver, ..op("may-xa", &u.a, &evaluation, step(Transition::Approve)) };
    assert_eq!(world.push_as(Role::CommuneApprover, &[approve]).rejected, []);
    assert_eq!(world.view(&evaluation).status, Status::Approved);

    // A step stamped before the record's last step comes from a device that had not
    // seen it: refused with what happened, whatever its clock.
    let late = stamped("may-xa2", &u.a, &evaluation, step(Transition::Return { comment: "Xem lại".into() }), NOW);
    let response = world.push_as(Role::CommuneApprover, &[late]);
    assert_eq!(response.rejected.len(), 1, "{response:?}");
    assert_eq!(response.rejected[0].code, "invalid_transition");
    assert!(response.rejected[0].message.contains("hãy đồng bộ"), "{response:?}");
}

/// Issue 14: an approver could recognise an evaluation the engine scores as not
/// recognised, or one with no scores at all, and both counted as title holders.
#[test]
fn regression_14_recognition_only_of_what_the_rules_recognise() {
    let world = World::new();
    let u = world.units.clone();
    // No scores at all: approving is refused.
    let empty = RecordId { kind: RecordKind::Evaluation, id: "khong-diem".into() };
    world.seed(&[
        op("may-a", &u.a, &empty, set(&[("set", json!(SET)), ("year", json!(2026))])),
        op("may-a", &u.a, &empty, step(Transition::Submit)),
    ]);
    let response = world.push_as(Role::CommuneApprover, &[op("may-xa", &u.a, &empty, step(Transition::Approve))]);
    assert_eq!(response.rejected.first().map(|r| r.code.as_str()), Some("incomplete_evaluation"), "{response:?}");
    assert!(response.rejected[0].message.contains("chưa được chấm"), "{response:?}");

    // Scored and failing: approved, but recognition is refused with the rules' reasons.
    let failing = RecordId { kind: RecordKind::Evaluation, id: "khong-dat".into() };
    let mut seed = scored_evaluation("may-a", &u.a, &failing, false);
    seed.push(op("may-a", &u.a, &failing, step(Transition::Submit)));
    world.seed(&seed);
    assert_eq!(
        world.push_as(Role::CommuneApprover, &[op("may-xa", &u.a, &failing, step(Transition::Approve))]).rejected,
        []
    );
    // (Counting keeps the figures it counted: count before taking the digest.)
    let recognised_before = world.recognised_in_c();
    let before = world.digest();
    let plain = op("may-xa", &u.a, &failing, step(Transition::Recognise { decision: decision(None) }));
    let response = world.push_as(Role::CommuneApprover, &[plain]);
    assert_eq!(response.rejected.first().map(|r| r.code.as_str()), Some("not_eligible"), "{response:?}");
    assert!(response.rejected[0].message.contains("cần ghi rõ lý do"), "{response:?}");
    assert_eq!(world.digest(), before);
    // Issue 17: from 1 July 2025 no district body signs a decision.
    let reason = "Gia đình có hoàn cảnh đặc biệt, Hội đồng xét duyệt thống nhất";
    let district = Decision { authority: "Ủy ban nhân dân thị xã An Khê".into(), ..decision(Some(reason)) };
    let response = world.push_as(
        Role::CommuneApprover,
        &[op("may-xa", &u.a, &failing, step(Transition::Recognise { decision: district }))],
    );
    assert_eq!(response.rejected.first().map(|r| r.code.as_str()), Some("invalid_decision"), "{response:?}");
    assert!(response.rejected[0].message.contains("không còn cấp huyện"), "{response:?}");
    assert_eq!(world.digest(), before);
    // A blank reason is no reason.
    let blank = op("may-xa", &u.a, &failing, step(Transition::Recognise { decision: decision(Some("  ")) }));
    assert_eq!(world.push_as(Role::CommuneApprover, &[blank]).rejected.len(), 1);
    assert_eq!(world.digest(), before);
    // With a written reason: recognised, the reason on the record and in its history,
    // and counted.
    let overridden = op("may-xa", &u.a, &failing, step(Transition::Recognise { decision: decision(Some(reason)) }));
    assert_eq!(world.push_as(Role::CommuneApprover, &[overridden]).rejected, []);
    let view = world.view(&failing);
    assert_eq!(view.status, Status::Recognised);
    assert_eq!(view.decision.as_ref().and_then(|d| d.override_reason.as_deref()), Some(reason));
    assert!(view.history.iter().any(|h| matches!(&h.transition,
        Transition::Recognise { decision } if decision.override_reason.as_deref() == Some(reason))));
    assert_eq!(world.recognised_in_c(), recognised_before + 1);
    let listed = hoctap_server::figures::consolidation(&world.state, &u.c, 2026, true).expect("figures");
    assert!(listed
        .recognised
        .iter()
        .any(|r| r.decision.as_ref().and_then(|d| d.override_reason.as_deref()) == Some(reason)));
}

/// What a device may send around a recognition in the property test.
#[derive(Debug, Clone)]
enum Move {
    Score { pass: bool },
    Field,
    Attach,
    Detach,
    Submit,
    Return,
    Approve,
    Recognise,
}

fn moves() -> impl Strategy<Value = Move> {
    prop_oneof![
        any::<bool>().prop_map(|pass| Move::Score { pass }),
        Just(Move::Field),
        Just(Move::Attach),
        Just(Move::Detach),
        Just(Move::Submit),
        Just(Move::Return),
        Just(Move::Approve),
        Just(Move::Recognise),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// Devices with clocks up to a year wrong: edits that reach the server before the
    /// recognition are merged as always; once the recognition is accepted, whatever
    /// arrives — edits, evidence, workflow steps, with any clock — never changes the
    /// record's content or the count of title holders.
    #[test]
    fn prop_a_recognised_record_never_changes(
        early in prop::collection::vec((0usize..3, moves(), -YEAR_MS..YEAR_MS), 0..8),
        late in prop::collection::vec((0usize..3, moves(), -YEAR_MS..YEAR_MS), 1..16),
    ) {
        let world = World::build(false);
        let u = world.units.clone();
        let record = RecordId { kind: RecordKind::Evaluation, id: "thuoc-tinh".into() };
        let mut seed = scored_evaluation("may-a", &u.a, &record, true);
        seed.push(op("may-a", &u.a, &record, step(Transition::Submit)));
        seed.push(op("may-xa", &u.a, &record, step(Transition::Approve)));
        world.seed(&seed);
        let devices = [(Role::Collaborator, "may-a"), (Role::CommuneOfficer, "may-xa-cb"), (Role::CommuneApprover, "may-xa")];
        let (indicator, _) = answers(true).remove(0);
        let send = |(device, mv, skew): &(usize, Move, i64)| {
            let (role, device) = devices[*device];
            let body = match mv {
                Move::Score { pass } => {
                    // Based on what the device saw, as the app does.
                    let base = world.view(&record).fields.get(&format!("score:{indicator}"))
                        .map(|f| f.candidates.iter().map(|c| c.op.clone()).collect()).unwrap_or_default();
                    let answer = answers(*pass).remove(0).1;
                    OpBody::SetScore { indicator: indicator.clone(), answer, base }
                }
                Move::Field => set(&[("ghi_chu", json!(format!("sửa {skew}")))]),
                Move::Attach => attach(&world.photo),
                Move::Detach => OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() },
                Move::Submit => step(Transition::Submit),
                Move::Return => step(Transition::Return { comment: "Xem lại".into() }),
                Move::Approve => step(Transition::Approve),
                Move::Recognise => step(Transition::Recognise { decision: decision(None) }),
            };
            world.push_as(role, &[stamped(device, &u.a, &record, body, NOW + skew)])
        };
        // Before the recognition, only content: the record stays approved.
        for sent in early.iter().filter(|(_, mv, _)| !matches!(mv, Move::Submit | Move::Return | Move::Approve | Move::Recognise)) {
            send(sent);
        }
        prop_assert_eq!(world.view(&record).status, Status::Approved);
        // The approver's device has seen everything (its clock received it all).
        let last = world.view(&record).last;
        let stamp = Hlc::zero("may-xa").tick(NOW).receive(&last, NOW).tick(NOW);
        let recognise = Operation {
            hlc: stamp,
            ..op("may-xa", &u.a, &record, step(Transition::Recognise { decision: decision(Some("Xét đặc cách")) }))
        };
        let response = world.push_as(Role::CommuneApprover, &[recognise]);
        prop_assert_eq!(response.rejected, vec![]);
        let recognised = world.view(&record);
        prop_assert_eq!(recognised.status, Status::Recognised);
        prop_assert_eq!(world.recognised_in_c(), 1);
        for sent in &late {
            send(sent);
            let now = world.view(&record);
            prop_assert_eq!(&now.fields, &recognised.fields);
            prop_assert_eq!(&now.evidence, &recognised.evidence);
            prop_assert_eq!(now.status, Status::Recognised);
            prop_assert_eq!(&now.decision, &recognised.decision);
        }
        prop_assert_eq!(world.recognised_in_c(), 1);
    }
}

/// A file's hash learned elsewhere is no way to read another unit's file: attaching it
/// needs the bytes (an upload by the account) or the right to read it already.
#[test]
fn regression_14_attaching_a_file_of_another_hamlet_by_its_hash() {
    let world = World::new();
    let u = world.units.clone();
    let theirs = RecordId { kind: RecordKind::Evaluation, id: "anh-cua-thon-b".into() };
    let mut seed = scored_evaluation("may-b", &u.b, &theirs, true);
    seed.push(op("may-b", &u.b, &theirs, attach(&world.photo)));
    world.seed(&seed);
    let token = world.tokens[&Role::Collaborator].clone();
    let uri = format!("/evidence/{}", world.photo);
    assert_eq!(world.call("GET", &uri, Some(&token), None).0, StatusCode::NOT_FOUND);

    let mine = RecordId { kind: RecordKind::Evaluation, id: "anh-cua-thon-a".into() };
    world.seed(&scored_evaluation("may-a", &u.a, &mine, true));
    let before = world.digest();
    let (status, reply) = world.push(Role::Collaborator, vec![op("may-a", &u.a, &mine, attach(&world.photo))]);
    assert_eq!(answer_of(status, &reply), "forbidden", "{reply}");
    assert_eq!(world.digest(), before);
    assert_eq!(world.call("GET", &uri, Some(&token), None).0, StatusCode::NOT_FOUND);

    // The officer who holds the same photo uploads it, and may then attach it.
    let request = Request::builder()
        .method("PUT")
        .uri(format!("/api/v1{uri}"))
        .header("authorization", format!("Bearer {token}"))
        .body(Body::from(PHOTO.to_vec()))
        .expect("request");
    let uploaded = world.runtime.block_on(world.router.clone().oneshot(request)).expect("infallible").status();
    assert_eq!(uploaded, StatusCode::OK);
    let (status, reply) = world.push(Role::Collaborator, vec![op("may-a", &u.a, &mine, attach(&world.photo))]);
    assert_eq!(answer_of(status, &reply), "ok", "{reply}");
    assert_eq!(world.call("GET", &uri, Some(&token), None).0, StatusCode::OK);
}

/// A move is explicit, and a device that has not seen it cannot undo it or file the
/// record's data under the unit it left (the review of issue 14: an older operation
/// naming another unit did not move the record but was pulled by that unit).
#[test]
fn regression_14_moves_are_explicit_and_stale_devices_cannot_undo_them() {
    let world = World::new();
    let u = world.units.clone();
    let moved_from = hoctap_shared::protocol::MOVED_FROM_FIELD;
    let record = RecordId { kind: RecordKind::Household, id: "ho-chuyen-thon".into() };
    let created = op("may-a", &u.a, &record, set(&[("ten_chu_ho", json!("Đinh Văn Chuyển"))]));
    world.seed(std::slice::from_ref(&created));
    // Naming hamlet B without saying it is a move, or saying it leaves the wrong unit.
    for body in [set(&[("dia_chi", json!("Xóm 3"))]), set(&[(moved_from, json!(u.b)), ("dia_chi", json!("Xóm 3"))])] {
        let response = world.push_as(Role::CommuneOfficer, &[op("may-xa", &u.b, &record, body)]);
        assert_eq!(response.rejected.first().map(|r| r.code.as_str()), Some("invalid_operation"), "{response:?}");
    }
    assert_eq!(world.view(&record).unit, u.a);
    // The commune officer moves it, saying where from.
    let moving = op("may-xa", &u.b, &record, set(&[(moved_from, json!(u.a))]));
    assert_eq!(world.push_as(Role::CommuneOfficer, std::slice::from_ref(&moving)).rejected, []);
    assert_eq!(world.view(&record).unit, u.b);
    // A device that has not seen the move: an edit naming hamlet A, with an older or a
    // later clock, is refused: the record stays in B and nothing of it reaches A.
    let before = world.digest();
    for wall in [moving.hlc.wall_ms - 1, NOW] {
        let stale = stamped("may-xa-2", &u.a, &record, set(&[("dia_chi", json!("Xóm 1"))]), wall);
        let response = world.push_as(Role::CommuneOfficer, &[stale]);
        assert_eq!(response.rejected.first().map(|r| r.code.as_str()), Some("invalid_operation"), "{response:?}");
        assert!(response.rejected[0].message.contains("hãy đồng bộ"), "{response:?}");
    }
    // A move stamped before the record's last operation would not take effect.
    let late_move = stamped("may-xa-2", &u.a, &record, set(&[(moved_from, json!(u.b))]), moving.hlc.wall_ms - 1);
    assert_eq!(world.push_as(Role::CommuneOfficer, &[late_move]).rejected.len(), 1);
    assert_eq!(world.digest(), before);
    // Hamlet A's officer no longer reaches it; hamlet B's does.
    let edit = |unit: &str| op("may-thon", unit, &record, set(&[("so_thanh_vien", json!(3))]));
    assert_eq!(world.push_as(Role::Collaborator, &[edit(&u.a)]).rejected[0].code, "forbidden");
    let (status, page) = world.call("GET", "/sync/pull?limit=1000", Some(&world.tokens[&Role::Collaborator]), None);
    assert_eq!(status, StatusCode::OK);
    let pulled: Vec<Operation> = serde_json::from_value(page["ops"].clone()).expect("ops");
    assert!(pulled.iter().filter(|o| o.record == record).all(|o| o.id == created.id), "A sees only what it wrote");
}

/// Bad input through sync is refused early (the review of issue 14): ids that would
/// break the log's keys, clocks at the ends of the range, scores for indicators the
/// evaluation's set does not have.
#[test]
fn regression_14_bad_operations_through_sync_are_bounded() {
    let world = World::new();
    let u = world.units.clone();
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: "gioi-han".into() };
    world.seed(&scored_evaluation("may-a", &u.a, &evaluation, true));
    let before = world.digest();
    let refused = |op: Operation| {
        let response = world.push_as(Role::Collaborator, &[op]);
        assert_eq!(response.rejected.len(), 1, "{response:?}");
        response.rejected[0].code.clone()
    };
    for id in ["gioi-han\u{0}x", "có dấu", &"x".repeat(101)] {
        let record = RecordId { kind: RecordKind::Evaluation, id: id.to_string() };
        assert_eq!(refused(op("may-a", &u.a, &record, set(&[("year", json!(2026))]))), "invalid_operation");
    }
    assert_eq!(refused(op("may-a\u{0}", &u.a, &evaluation, set(&[("year", json!(2026))]))), "invalid_operation");
    for wall in [i64::MAX, i64::MIN] {
        assert_eq!(refused(stamped("may-a", &u.a, &evaluation, set(&[("year", json!(2026))]), wall)), "clock_skew");
    }
    let unknown = OpBody::SetScore { indicator: "99.9".into(), answer: Answer::Met(true), base: vec![] };
    assert_eq!(refused(op("may-a", &u.a, &evaluation, unknown)), "invalid_operation");
    assert_eq!(world.digest(), before);
}

/// A person of hamlet `unit` born in 1980 (an adult), by the seeding device.
fn adult(unit: &str, id: &str) -> (RecordId, Operation) {
    let person = RecordId { kind: RecordKind::Person, id: id.to_string() };
    let body = set(&[("name", json!(format!("Người {id}"))), ("birth_year", json!(1980))]);
    (person.clone(), op("may-seed", unit, &person, body))
}

/// An evaluation of `subject` for `year`, every indicator met, taken through `steps`.
fn evaluation(unit: &str, id: &str, subject: &RecordId, year: i64, steps: &[Transition]) -> Vec<Operation> {
    let record = RecordId { kind: RecordKind::Evaluation, id: id.to_string() };
    let subject = serde_json::to_value(subject).expect("json");
    let mut ops =
        vec![op("may-seed", unit, &record, set(&[("set", json!(SET)), ("year", json!(year)), ("subject", subject)]))];
    for (indicator, answer) in answers(true) {
        ops.push(op("may-seed", unit, &record, OpBody::SetScore { indicator, answer, base: vec![] }));
    }
    ops.extend(steps.iter().map(|t| op("may-seed", unit, &record, step(t.clone()))));
    ops
}

/// The code of each rejection of a push as `role` (`ok` when accepted), one per operation.
fn answers_to(world: &World, role: Role, ops: Vec<Operation>) -> Vec<String> {
    let ids: Vec<String> = ops.iter().map(|o| o.id.clone()).collect();
    let (status, reply) = world.push(role, ops);
    assert_eq!(status, StatusCode::OK, "{reply}");
    ids.iter()
        .map(|id| {
            let rejected = reply["rejected"].as_array().expect("rejected").iter().find(|r| r["op"] == id.as_str());
            rejected.map_or_else(
                || "ok".to_string(),
                |r| {
                    let message = r["message"].as_str().unwrap_or_default();
                    assert!(!message.is_empty() && !message.contains("person:"), "a message for people: {message}");
                    r["code"].as_str().unwrap_or_default().to_string()
                },
            )
        })
        .collect()
}

#[test]
fn issue_15_a_draft_evaluation_is_deleted_and_evidence_detached_only_before_review() {
    let world = World::new();
    let a = world.units.a.clone();
    let (person, seed) = adult(&a, "p-xoa");
    world.seed(&[seed]);
    let draft = RecordId { kind: RecordKind::Evaluation, id: "dg-nhap".into() };
    let sent = RecordId { kind: RecordKind::Evaluation, id: "dg-da-gui".into() };
    let mut seed = evaluation(&a, &draft.id, &person, 2026, &[]);
    seed.extend(evaluation(&a, &sent.id, &person, 2025, &[Transition::Submit]));
    seed.push(op("may-seed", &a, &sent, attach(&world.photo)));
    world.seed(&seed);
    let deleted = |on: &str| set(&[("deleted", json!({ "on": on, "reason": "Nhập nhầm" }))]);
    let before = world.digest();
    let refused = answers_to(
        &world,
        Role::Collaborator,
        vec![
            op("may-a", &a, &sent, deleted("2026-01-01")),
            op("may-a", &a, &sent, OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() }),
            op("may-a", &a, &draft, deleted("2026-02-30")),
            op("may-a", &a, &draft, deleted("2026-01-05")),
            op("may-a", &a, &person, deleted("2026-01-01")),
        ],
    );
    assert_eq!(refused, ["not_draft", "not_draft", "invalid_operation", "invalid_operation", "invalid_operation"]);
    assert_eq!(world.digest(), before, "nothing of a refused operation is stored");

    // A draft is deleted; it cannot be sent until it is reopened, with its scores.
    let steps = answers_to(
        &world,
        Role::Collaborator,
        vec![
            op("may-a", &a, &draft, deleted("2026-01-01")),
            op("may-a", &a, &draft, step(Transition::Submit)),
            op("may-a", &a, &draft, set(&[("deleted", Value::Null)])),
            op("may-a", &a, &draft, step(Transition::Submit)),
        ],
    );
    assert_eq!(steps, ["ok", "invalid_transition", "ok", "ok"]);
    assert_eq!(world.view(&draft).status, Status::Submitted);
    // Returned, its evidence can be detached again.
    let returned = answers_to(
        &world,
        Role::CommuneApprover,
        vec![op("may-c", &a, &sent, step(Transition::Return { comment: "Thiếu minh chứng".into() }))],
    );
    assert_eq!(returned, ["ok"]);
    let detach = OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() };
    assert_eq!(answers_to(&world, Role::Collaborator, vec![op("may-a", &a, &sent, detach)]), ["ok"]);
    assert!(world.view(&sent).evidence.values().all(Vec::is_empty));
}

#[test]
fn issue_16_evidence_is_removed_only_while_a_draft_or_returned() {
    let world = World::new();
    let a = world.units.a.clone();
    let (person, seed) = adult(&a, "p-minh-chung");
    world.seed(&[seed]);
    let record = |id: &str| RecordId { kind: RecordKind::Evaluation, id: id.into() };
    let recognise = Transition::Recognise { decision: decision(None) };
    let states = [
        ("dg-nhap", vec![]),
        ("dg-gui", vec![Transition::Submit]),
        ("dg-duyet", vec![Transition::Submit, Transition::Approve]),
        ("dg-cong-nhan", vec![Transition::Submit, Transition::Approve, recognise]),
        ("dg-tra", vec![Transition::Submit, Transition::Return { comment: "Ảnh mờ".into() }]),
    ];
    for (year, (id, steps)) in (2020..).zip(&states) {
        let mut seed = evaluation(&a, id, &person, year, &[]);
        seed.push(op("may-seed", &a, &record(id), attach(&world.photo)));
        seed.extend(steps.iter().map(|t| op("may-seed", &a, &record(id), step(t.clone()))));
        world.seed(&seed);
    }
    let detach = |id: &str| {
        op("may-a", &a, &record(id), OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() })
    };
    // Neither the hamlet's officer nor the commune's approver takes a file off what was
    // sent for review; a recognised record is locked before that.
    let sent = ["dg-gui", "dg-duyet", "dg-cong-nhan"];
    let before = world.digest();
    for role in [Role::Collaborator, Role::CommuneApprover] {
        let refused = answers_to(&world, role, sent.iter().map(|id| detach(id)).collect());
        assert_eq!(refused, ["not_draft", "not_draft", "record_locked"], "{role:?}");
    }
    assert_eq!(world.digest(), before, "nothing of a refused operation is stored");
    for id in sent {
        assert!(world.view(&record(id)).evidence.values().any(|files| !files.is_empty()), "{id} keeps its photo");
    }
    // A draft and a returned evaluation let the officer remove it.
    assert_eq!(answers_to(&world, Role::Collaborator, vec![detach("dg-nhap"), detach("dg-tra")]), ["ok", "ok"]);
    for id in ["dg-nhap", "dg-tra"] {
        assert!(world.view(&record(id)).evidence.values().all(Vec::is_empty), "{id} has no photo left");
    }
}

#[test]
fn issue_16_an_evaluation_sent_for_review_is_frozen_as_sent() {
    let world = World::new();
    let a = world.units.a.clone();
    let (person, seed) = adult(&a, "p-dong-bang");
    world.seed(&[seed]);
    let record = |id: &str| RecordId { kind: RecordKind::Evaluation, id: id.into() };
    let states = [
        ("dg-da-gui", vec![Transition::Submit]),
        ("dg-da-duyet", vec![Transition::Submit, Transition::Approve]),
        ("dg-bi-tra", vec![Transition::Submit, Transition::Return { comment: "Thiếu minh chứng".into() }]),
    ];
    for (year, (id, steps)) in (2023..).zip(&states) {
        let mut seed = evaluation(&a, id, &person, year, &[]);
        seed.push(op("may-seed", &a, &record(id), attach(&world.photo)));
        seed.extend(steps.iter().map(|t| op("may-seed", &a, &record(id), step(t.clone()))));
        world.seed(&seed);
    }
    // Every op body that changes an evaluation's content: a field, a score (to nothing,
    // from full marks), a file attached to another indicator, a file detached.
    let (indicator, answer) = answers(false).remove(0);
    let changes = |id: &str| {
        let scored = world.view(&record(id));
        let base: Vec<String> = scored
            .fields
            .get(&format!("{}{indicator}", hoctap_shared::merge::SCORE_FIELD_PREFIX))
            .map(|f| f.candidates.iter().map(|c| c.op.clone()).collect())
            .unwrap_or_default();
        let attach_other = match attach(&world.photo) {
            OpBody::AttachEvidence { sha256, media_type, size, name, .. } => {
                OpBody::AttachEvidence { indicator: "1.2".into(), sha256, media_type, size, name }
            }
            other => other,
        };
        vec![
            op("may-a", &a, &record(id), set(&[("ghi_chu", json!("Sửa sau khi gửi"))])),
            op("may-a", &a, &record(id), OpBody::SetScore { indicator: indicator.clone(), answer, base }),
            op("may-a", &a, &record(id), attach_other),
            op(
                "may-a",
                &a,
                &record(id),
                OpBody::DetachEvidence { indicator: "1.1".into(), sha256: world.photo.clone() },
            ),
        ]
    };
    let before = world.digest();
    for id in ["dg-da-gui", "dg-da-duyet"] {
        let sent = world.view(&record(id));
        for role in [Role::Collaborator, Role::CommuneOfficer, Role::CommuneApprover] {
            let (status, reply) = world.push(role, changes(id));
            assert_eq!(status, StatusCode::OK, "{reply}");
            let rejected = reply["rejected"].as_array().expect("rejected");
            assert_eq!(rejected.len(), 4, "{id} {role:?}: {reply}");
            for r in rejected {
                assert_eq!(r["code"], "not_draft", "{id} {role:?}: {r}");
                let message = r["message"].as_str().unwrap_or_default();
                assert!(message.contains("bản nháp hoặc bị trả lại"), "{message}");
                assert!(message.contains(sent.status.title()), "{message}");
            }
        }
        assert_eq!(world.view(&record(id)), sent, "{id} stays as it was sent");
    }
    assert_eq!(world.digest(), before, "nothing of a refused operation is stored");
    let first = world.push(Role::Collaborator, changes("dg-da-gui")).1;
    assert!(
        first["rejected"][0]["message"].as_str().unwrap_or_default().starts_with("Chỉ sửa phiếu được khi phiếu"),
        "{first}"
    );

    // Returned for correction, the same changes go through.
    let returned = answers_to(&world, Role::Collaborator, changes("dg-bi-tra"));
    assert_eq!(returned, ["ok", "ok", "ok", "ok"]);
    let view = world.view(&record("dg-bi-tra"));
    assert_eq!(view.value("ghi_chu"), Some(&json!("Sửa sau khi gửi")));
    assert!(view.evidence.get("1.1").is_none_or(Vec::is_empty), "{:?}", view.evidence);
    assert!(view.evidence.get("1.2").is_some_and(|files| !files.is_empty()), "{:?}", view.evidence);

    // The workflow goes on: the approver still approves, returns and recognises what is
    // frozen.
    let steps = answers_to(
        &world,
        Role::CommuneApprover,
        vec![
            op("may-c", &a, &record("dg-da-gui"), step(Transition::Approve)),
            op("may-c", &a, &record("dg-da-duyet"), step(Transition::Return { comment: "Xem lại".into() })),
        ],
    );
    assert_eq!(steps, ["ok", "ok"]);
}

#[test]
fn issue_15_leaving_the_register_is_checked_by_the_server() {
    let world = World::new();
    let (a, a2) = (world.units.a.clone(), world.units.a2.clone());
    let (kept, kept_op) = adult(&a, "p-giu");
    let (twin, twin_op) = adult(&a, "p-trung");
    let (far, far_op) = adult(&a2, "p-xa");
    let clan = RecordId { kind: RecordKind::Clan, id: "ho-le".into() };
    world.seed(&[kept_op, twin_op, far_op, op("may-seed", &a, &clan, set(&[("name", json!("Họ Lê"))]))]);
    let left = |value: Value| set(&[("left", value)]);
    let before = world.digest();
    let bad = [
        json!({ "reason": "gone", "on": "2026-01-01" }),
        json!({ "reason": "deceased", "on": "2026-02-30" }),
        json!({ "reason": "deceased", "on": "1999-12-31" }),
        // The server's today is 1 January 2026; its clock bound one day.
        json!({ "reason": "deceased", "on": "2026-01-03" }),
        json!({ "reason": "deceased", "on": "2026-01-01", "duplicate_of": "p-giu" }),
        json!({ "reason": "moved_away", "on": "2026-01-01", "note": "x".repeat(501) }),
        json!({ "reason": "duplicate", "on": "2026-01-01" }),
        json!({ "reason": "duplicate", "on": "2026-01-01", "duplicate_of": "p-trung" }),
        json!({ "reason": "duplicate", "on": "2026-01-01", "duplicate_of": "khong-co" }),
        // Another commune's person, whom hamlet A's collaborator may not read.
        json!({ "reason": "duplicate", "on": "2026-01-01", "duplicate_of": far.id }),
        json!("deceased"),
    ];
    let ops: Vec<Operation> = bad.iter().map(|value| op("may-a", &a, &twin, left(value.clone()))).collect();
    let mut expected = vec!["invalid_operation"; bad.len()];
    let mut ops = ops;
    ops.push(op("may-a", &a, &clan, left(json!({ "reason": "moved_away", "on": "2026-01-01" }))));
    expected.push("invalid_operation");
    assert_eq!(answers_to(&world, Role::Collaborator, ops), expected);
    assert_eq!(world.digest(), before, "nothing of a refused operation is stored");

    // A duplicate of a record kept; the kept record cannot then duplicate it back; both
    // come back with `null`.
    let duplicate =
        json!({ "reason": "duplicate", "on": "2026-01-02", "duplicate_of": kept.id, "note": "Nhập hai lần" });
    let cycle = json!({ "reason": "duplicate", "on": "2026-01-01", "duplicate_of": twin.id });
    let marked = op("may-a", &a, &twin, left(duplicate));
    let restore = OpBody::SetFields {
        fields: vec![FieldEdit { field: "left".into(), value: Value::Null, base: vec![marked.id.clone()] }],
    };
    let steps = answers_to(
        &world,
        Role::Collaborator,
        vec![
            marked,
            op("may-a", &a, &kept, left(cycle.clone())),
            op("may-a", &a, &twin, restore),
            op("may-a", &a, &kept, left(cycle)),
        ],
    );
    assert_eq!(steps, ["ok", "invalid_operation", "ok", "ok"]);
    let view = world.view(&twin);
    let left: Vec<&Value> = view.fields["left"].candidates.iter().map(|c| &c.value).collect();
    assert_eq!(left, [&Value::Null], "back in the register, the field holds null");
}

#[test]
fn issue_15_who_left_leaves_the_figures_from_that_year_on_in_consolidation_and_reports() {
    let world = World::new();
    let (a, c) = (world.units.a.clone(), world.units.c.clone());
    let recognise = [Transition::Submit, Transition::Approve, Transition::Recognise { decision: decision(None) }];
    let (p1, o1) = adult(&a, "p1");
    let (p2, o2) = adult(&a, "p2");
    let (p3, o3) = adult(&a, "p3");
    let (p4, o4) = adult(&a, "p4");
    let mut seed = vec![o1, o2, o3, o4];
    // p1 a Learning Citizen in 2025; p4 (the same person as p3, entered twice) in 2026,
    // while p3 has a draft of its own; p2 a draft of 2026.
    seed.extend(evaluation(&a, "dg-p1-2025", &p1, 2025, &recognise));
    seed.extend(evaluation(&a, "dg-p3-2026", &p3, 2026, &[]));
    seed.extend(evaluation(&a, "dg-p4-2026", &p4, 2026, &recognise));
    seed.extend(evaluation(&a, "dg-p2-2026", &p2, 2026, &[]));
    world.seed(&seed);

    let token = world.tokens[&Role::CommuneOfficer].clone();
    // Adults counted and Learning Citizens among them, evaluations counted and
    // recognised subjects, by /consolidation and by /reports.
    let figures = |year: i32| -> [String; 2] {
        let (status, view) = world.call("GET", &format!("/consolidation/{c}?year={year}"), Some(&token), None);
        assert_eq!(status, StatusCode::OK, "{view}");
        let adults = view["indicators"]
            .as_array()
            .expect("indicators")
            .iter()
            .find(|i| i["id"] == "adults_cdht_in_learning_groups")
            .expect("ratio")["readings"]
            .as_array()
            .expect("readings")
            .iter()
            .find(|r| r["id"] == "all_adults")
            .expect("reading")
            .clone();
        let cdht = &view["models"]["learning_citizen"];
        let named: Vec<&str> =
            view["recognised"].as_array().expect("list").iter().filter_map(|r| r["subject"]["id"].as_str()).collect();
        let consolidation = format!(
            "{}/{} evaluated {} recognised {} {named:?}",
            adults["numerator"], adults["denominator"], cdht["evaluated"], cdht["recognised"]
        );
        let (status, page) = world.call("GET", &format!("/reports/{c}/{year}"), Some(&token), None);
        assert_eq!(status, StatusCode::OK, "{page}");
        let row = page["report"]["rows"]
            .as_array()
            .expect("rows")
            .iter()
            .find(|r| r["indicator"] == "adults_cdht_in_learning_groups" && r["reading"] == "all_adults")
            .expect("row")
            .clone();
        let report = format!(
            "{}/{} recognised {}",
            row["numerator"],
            row["denominator"],
            page["report"]["recognised"].as_array().map_or(0, Vec::len)
        );
        [consolidation, report]
    };
    assert_eq!(figures(2025), ["1/4 evaluated 1 recognised 1 [\"p1\"]".to_string(), "1/4 recognised 1".to_string()]);
    assert_eq!(figures(2026), ["1/4 evaluated 3 recognised 1 [\"p4\"]".to_string(), "1/4 recognised 1".to_string()]);

    // p1 died on the server's today; p4 is p3 entered twice; p2's draft is deleted.
    let steps = answers_to(
        &world,
        Role::CommuneOfficer,
        vec![
            op("may-c", &a, &p1, set(&[("left", json!({ "reason": "deceased", "on": "2026-01-01" }))])),
            op(
                "may-c",
                &a,
                &p4,
                set(&[("left", json!({ "reason": "duplicate", "on": "2026-01-01", "duplicate_of": "p3" }))]),
            ),
            op(
                "may-c",
                &a,
                &RecordId { kind: RecordKind::Evaluation, id: "dg-p2-2026".into() },
                set(&[("deleted", json!({ "on": "2026-01-01" }))]),
            ),
        ],
    );
    assert_eq!(steps, ["ok", "ok", "ok"]);
    // 2025 keeps p1 and its title; p4 is nobody in any year. In 2026 p3 holds the title
    // its duplicate's evaluation earned, counted once beside p3's own draft.
    assert_eq!(figures(2025), ["1/3 evaluated 1 recognised 1 [\"p1\"]".to_string(), "1/3 recognised 1".to_string()]);
    assert_eq!(figures(2026), ["1/2 evaluated 1 recognised 1 [\"p3\"]".to_string(), "1/2 recognised 1".to_string()]);
}

/// A commune merges hamlet A into hamlet B (issue 15): what A's officers still work on
/// moves to B as ordinary moves, what was recognised stays as A's history, A's unit ends
/// the day before and B names it as a predecessor; nothing new goes into A afterwards;
/// only the commune may do it, only into a current hamlet of its own, and a hamlet that
/// still holds records is merged, not archived.
#[test]
fn issue_15_a_hamlet_merges_into_another_and_keeps_its_history() {
    let world = World::new();
    let (a, b, a2) = (world.units.a.clone(), world.units.b.clone(), world.units.a2.clone());
    let recognise = [Transition::Submit, Transition::Approve, Transition::Recognise { decision: decision(None) }];
    let household = RecordId { kind: RecordKind::Household, id: "ho-sap-nhap".into() };
    let (p1, o1) = adult(&a, "p-sn-1");
    let (p2, o2) = adult(&a, "p-sn-2");
    let mut seed = vec![op("may-seed", &a, &household, set(&[("ten_chu_ho", json!("Lò Văn Hải"))])), o1, o2];
    seed.push(op("may-seed", &a, &p2, set(&[("left", json!({"reason": "deceased", "on": "2025-11-02"}))])));
    seed.extend(evaluation(&a, "dg-sn-2025", &p1, 2025, &recognise));
    seed.extend(evaluation(&a, "dg-sn-2026", &p1, 2026, &[Transition::Submit]));
    world.seed(&seed);
    let close = |role: Role, hamlet: &str, body: Value| {
        world.call("POST", &format!("/units/{hamlet}/close"), Some(&world.tokens[&role]), Some(body))
    };
    let merge = |dry_run: bool| json!({"on": "2026-01-01", "merged_into": b, "dry_run": dry_run});

    // Who may: the commune's officials and the province's administrator, not a hamlet's
    // collaborator nor a viewer, nor anyone signed out.
    for role in [Role::Collaborator, Role::Viewer] {
        let (status, reply) = close(role, &a, merge(true));
        assert_eq!(status, StatusCode::FORBIDDEN, "{role:?}: {reply}");
    }
    let (status, _) = world.call("POST", &format!("/units/{a}/close"), None, Some(merge(true)));
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, reply) = close(Role::ProvinceAdmin, &a, merge(true));
    assert_eq!(status, StatusCode::OK, "{reply}");
    // What would move, with nothing written.
    let before = world.digest();
    let (status, reply) = close(Role::CommuneOfficer, &a, merge(true));
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!(reply["moved"], json!({"households": 1, "people": 1, "clans": 0, "evaluations": 1}), "{reply}");
    assert_eq!(reply["kept"], json!({"households": 0, "people": 1, "clans": 0, "evaluations": 1}), "{reply}");
    assert_eq!((reply["closed"].clone(), reply["merged_into"].clone()), (json!(false), json!("Thôn Bình")));
    assert_eq!(reply["candidates"], json!([{"unit": b, "name": "Thôn Bình"}]), "the commune's other hamlets");
    // A preview of archiving it says what would have to move first.
    let (status, reply) = close(Role::CommuneOfficer, &a, json!({"on": "2026-01-01", "dry_run": true}));
    assert_eq!((status, reply["moved"]["people"].clone()), (StatusCode::OK, json!(1)), "{reply}");
    assert_eq!(world.digest(), before, "a dry run writes nothing");
    // What is refused, each with a message for people.
    for (hamlet, body) in [
        (&a, json!({"on": "2026-01-01"})),
        (&a, json!({"on": "2026-01-01", "merged_into": a2})),
        (&a, json!({"on": "2026-01-01", "merged_into": a})),
        (&a, json!({"on": "2025-06-30", "merged_into": b})),
        (&a, json!({"on": "2027-06-01", "merged_into": b})),
    ] {
        let (status, reply) = close(Role::CommuneOfficer, hamlet, body.clone());
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {reply}");
        assert_eq!(reply["error"]["code"], "hamlet_not_closable", "{reply}");
        assert!(!reply["error"]["message"].as_str().unwrap_or_default().contains("hamlet:"), "{reply}");
    }
    assert_eq!(world.digest(), before);
    let (status, _) = close(Role::CommuneOfficer, "hamlet:khong-co", merge(true));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (status, _) = close(Role::CommuneOfficer, &world.units.hq, merge(true));
    assert_eq!(status, StatusCode::NOT_FOUND, "another province's hamlet is not there");

    // The merger.
    let (status, reply) = close(Role::CommuneApprover, &a, merge(false));
    assert_eq!(status, StatusCode::OK, "{reply}");
    assert_eq!((reply["closed"].clone(), reply["refused"].clone()), (json!(true), json!([])), "{reply}");
    let evaluation_2025 = RecordId { kind: RecordKind::Evaluation, id: "dg-sn-2025".into() };
    let evaluation_2026 = RecordId { kind: RecordKind::Evaluation, id: "dg-sn-2026".into() };
    for (record, unit) in [(&household, &b), (&p1, &b), (&evaluation_2026, &b), (&p2, &a), (&evaluation_2025, &a)] {
        assert_eq!(&world.view(record).unit, unit, "{record}");
    }
    // B's devices receive what moved with everything it held, each operation once.
    let pulled = sync::pull(&world.state, &b, 0, 1000, None).expect("pull").ops;
    let of_household: Vec<&Operation> = pulled.iter().filter(|o| o.record == household).collect();
    assert_eq!(of_household.len(), 2, "{of_household:?}");
    assert_eq!(of_household[0].id, seed[0].id, "the household's creation comes first");
    let mut ids: Vec<&str> = pulled.iter().map(|o| o.id.as_str()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), pulled.len(), "no operation twice");
    let unit = |id: &str| world.state.unit(id).expect("read").expect("unit");
    assert_eq!(unit(&a).valid_to.map(|d| d.iso()), Some("2025-12-31".to_string()));
    assert!(unit(&b).predecessors.iter().any(|p| p.unit == a), "{:?}", unit(&b));
    // A's history reads as before; B counts what moved from the merger on.
    let recognised = |unit: &str, year: i32| {
        hoctap_server::figures::consolidation(&world.state, unit, year, true).expect("figures").recognised.len()
    };
    assert_eq!((recognised(&a, 2025), recognised(&b, 2025)), (1, 0));
    // The decision's list tells namesakes apart by birth year.
    let listed = hoctap_server::figures::consolidation(&world.state, &a, 2025, true).expect("figures").recognised;
    assert_eq!(listed.first().and_then(|s| s.birth_year), Some(1980), "{listed:?}");
    // Once closed: not again, nothing new in A, and no device sets the fields itself.
    let (status, _) = close(Role::CommuneOfficer, &a, merge(false));
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let (_, created) = adult(&a, "p-sn-moi");
    let hamlet_record = RecordId { kind: RecordKind::Hamlet, id: "q-b".into() };
    let reopen = op("may-xa", &world.units.c, &hamlet_record, set(&[("closed_on", json!("2026-02-01"))]));
    assert_eq!(
        answers_to(&world, Role::CommuneOfficer, vec![created, reopen]),
        ["invalid_operation", "invalid_operation"]
    );
    // A renamed B keeps its predecessor.
    world.seed(&[op("may-xa", &world.units.c, &hamlet_record, set(&[("name", json!("Bình Hải"))]))]);
    assert!(unit(&b).predecessors.iter().any(|p| p.unit == a), "{:?}", unit(&b));
}

/// Issue 19, requirement 1: asked with `?ack=count`, a push's answer counts what was
/// newly stored and lists only duplicates and refusals. Every operation sent is exactly
/// one of the three, the count is what the log gained, and each operation sent and not
/// listed is in the log — for a new batch, the same batch again (all duplicates), a
/// batch with a refusal, and a mix. Without `ack` the answer is version 1's; any other
/// `ack` is refused and stores nothing.
#[test]
fn issue_19_a_counted_push_answer_accounts_for_every_operation() {
    let world = World::new();
    let u = world.units.clone();
    let push = |ops: &[Operation], query: &str| {
        let body =
            serde_json::to_value(PushRequest { protocol: 1, device: "may-a".into(), ops: ops.to_vec() }).expect("json");
        world.call("POST", &format!("/sync/push{query}"), Some(&world.tokens[&Role::Collaborator]), Some(body))
    };
    let counted = |ops: &[Operation]| -> PushCounted {
        let before = sync::last_seq(&world.state).expect("seq");
        let (status, reply) = push(ops, "?ack=count");
        assert_eq!(status, StatusCode::OK, "{reply}");
        assert!(reply["accepted"].is_u64(), "a count, not a list: {reply}");
        let answer: PushCounted = serde_json::from_value(reply.clone()).expect("a counted answer");
        let gained = sync::last_seq(&world.state).expect("seq") - before;
        assert_eq!(answer.accepted, gained, "the count is what was newly stored: {reply}");
        assert_eq!(answer.accepted as usize + answer.duplicates.len() + answer.rejected.len(), ops.len(), "{reply}");
        let listed: Vec<&str> =
            answer.duplicates.iter().map(String::as_str).chain(answer.rejected.iter().map(|r| r.op.as_str())).collect();
        for op in ops.iter().filter(|op| !listed.contains(&op.id.as_str())) {
            let stored = sync::record_ops(&world.state, &op.record).expect("read");
            assert!(stored.contains(op), "{} is counted but not stored", op.id);
        }
        answer
    };
    let ids = |ops: &[Operation]| ops.iter().map(|op| op.id.clone()).collect::<Vec<_>>();
    let codes = |answer: &PushCounted| answer.rejected.iter().map(|r| r.code.clone()).collect::<Vec<_>>();

    // A new batch: all accepted, nothing listed.
    let evaluation = RecordId { kind: RecordKind::Evaluation, id: "dem-so".into() };
    let batch = scored_evaluation("may-a", &u.a, &evaluation, true);
    let answer = counted(&batch);
    assert_eq!((answer.accepted, answer.duplicates.len(), answer.rejected.len()), (batch.len() as u64, 0, 0));
    assert_eq!(answer.server_ms, Some(NOW));
    // The same batch again (a retry after a lost answer): all duplicates.
    let answer = counted(&batch);
    assert_eq!((answer.accepted, answer.duplicates.clone(), codes(&answer)), (0, ids(&batch), vec![]));

    // A batch with a refusal: a clock a year fast.
    let household = RecordId { kind: RecordKind::Household, id: "ho-dem-so".into() };
    let name = |n: &str| set(&[("ten_chu_ho", json!(n))]);
    let skewed = stamped("may-a", &u.a, &household, name("Lò Văn Nhanh"), NOW + YEAR_MS);
    let good = op("may-a", &u.a, &household, name("Lò Văn Đông"));
    let answer = counted(&[skewed.clone(), good.clone()]);
    assert_eq!((answer.accepted, answer.duplicates.len(), codes(&answer)), (1, 0, vec!["clock_skew".to_string()]));
    assert_eq!(answer.rejected[0].op, skewed.id);

    // A mix: new, a duplicate, an id reused for other content, a refusal, new.
    let reused = Operation { body: name("Người khác"), ..good.clone() };
    let (first, last) =
        (op("may-a", &u.a, &household, name("Lò Thị Tây")), op("may-a", &u.a, &household, name("Lò A")));
    let mix = [first.clone(), good.clone(), reused, skewed, last.clone()];
    let answer = counted(&mix);
    assert_eq!(answer.accepted, 2);
    assert_eq!(answer.duplicates, std::slice::from_ref(&good.id));
    assert_eq!(codes(&answer), ["op_id_reused", "clock_skew"]);
    // A device reads it back as the full answer would have said it.
    assert_eq!(answer.per_op(&ids(&mix)).accepted, [first.id, last.id]);

    // Without `ack`: version 1's answer, each accepted operation by id.
    let plain = op("may-a", &u.a, &household, name("Lò Văn Bắc"));
    let (status, reply) = push(std::slice::from_ref(&plain), "");
    assert_eq!((status, reply["accepted"].clone()), (StatusCode::OK, json!([plain.id])), "{reply}");
    serde_json::from_value::<PushResponse>(reply).expect("version 1's answer");

    // Any other `ack` is refused before anything is stored.
    let before = world.digest();
    let new = op("may-a", &u.a, &household, name("Lò Văn Nam"));
    for query in ["?ack=list", "?ack=", "?ack=COUNT", "?ack=count&ack=count"] {
        let (status, reply) = push(std::slice::from_ref(&new), query);
        assert_eq!(
            (status, reply["error"]["code"].as_str()),
            (StatusCode::BAD_REQUEST, Some("bad_request")),
            "{query}"
        );
    }
    assert_eq!(world.digest(), before);
}
