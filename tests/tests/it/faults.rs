//! The fault suite (issue 6): what the sync server does when the world misbehaves, each
//! case ending with the same check — every operation the server acknowledged (accepted,
//! or recognised as a duplicate) is in the log exactly once.
//!
//! Here: a full disk, injected as the write error sled gives (507 `storage_full` with a
//! Vietnamese message, nothing half stored, the same batch accepted once space returns,
//! also when only the flush failed), and, where this machine lets the test mount one, a
//! real small tmpfs under the real binary; replayed and out-of-order batches; devices
//! whose clocks are a day ahead or behind, and one a century ahead; and a pull while a
//! push is between applying and flushing its batch.
//!
//! Two faults live beside their own helpers and run in the same test command:
//! SIGKILL during ingest, repeated over several kill/restart rounds, in `durability.rs`;
//! truncated, mutated and random request bodies in `fuzz.rs`.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use axum::Router;
use hoctap_server::store::{Rows, SledStore, Store, StoreError, Write};
use hoctap_server::{app, auth, AppState};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::OpSet;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, PushRequest, RecordId, RecordKind, Transition};
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

use crate::sync::{catalog, COMMUNE};

/// The moment the simulated devices think it is, when their clocks are right.
const T0: i64 = 1_795_420_800_000;
const DAY_MS: i64 = 86_400_000;
const FULL_MESSAGE: &str = "Máy chủ đã hết dung lượng lưu trữ; thao tác chưa được lưu, thiết bị sẽ gửi lại sau.";
/// The keyspaces a push writes: a refused push must leave them byte for byte as they were.
const LOG_KEYSPACES: [&str; 7] = ["log", "op_ids", "record_ops", "scope", "views", "units", "meta"];

// ---------------------------------------------------------------------------------------
// A store that can be made to fail like a full disk.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    None,
    /// Every write and flush fails before reaching the disk.
    DiskFull,
    /// Writes land in memory; making them durable fails.
    FlushFails,
}

/// A real sled store with a switch. Failures are `StoreError::io` of kind
/// `StorageFull`, classified exactly like the error sled returns on `ENOSPC`.
///
/// After a failed flush it keeps the [`Store`] invariant the way `SledStore` does:
/// every call fails until the fault is gone, and the next call first makes the pending
/// writes durable, so nothing is answered from writes that might be lost.
struct FaultyStore {
    inner: SledStore,
    fault: Mutex<Fault>,
    unflushed: AtomicBool,
    /// Holds every flush while closed: a push caught between applying and flushing.
    gate: Gate,
}

/// A gate a flush waits at while it is closed.
#[derive(Default)]
struct Gate {
    closed: Mutex<bool>,
    opened: std::sync::Condvar,
    /// Whether a flush reached the gate since it was closed.
    reached: AtomicBool,
}

impl Gate {
    fn close(&self) {
        *self.closed.lock().expect("gate") = true;
        self.reached.store(false, Ordering::SeqCst);
    }

    fn open(&self) {
        *self.closed.lock().expect("gate") = false;
        self.opened.notify_all();
    }

    fn pass(&self) {
        self.reached.store(true, Ordering::SeqCst);
        let mut closed = self.closed.lock().expect("gate");
        while *closed {
            closed = self.opened.wait(closed).expect("gate");
        }
    }
}

impl FaultyStore {
    fn new() -> FaultyStore {
        FaultyStore {
            inner: SledStore::temporary().expect("sled"),
            fault: Mutex::new(Fault::None),
            unflushed: AtomicBool::new(false),
            gate: Gate::default(),
        }
    }

    fn set(&self, fault: Fault) {
        *self.fault.lock().expect("fault switch") = fault;
    }

    fn fault(&self) -> Fault {
        *self.fault.lock().expect("fault switch")
    }

    fn full() -> StoreError {
        StoreError::io(std::io::Error::from(std::io::ErrorKind::StorageFull))
    }

    /// Recovers from an earlier failed flush before answering anything.
    fn ready(&self) -> Result<(), StoreError> {
        if self.unflushed.load(Ordering::SeqCst) {
            if self.fault() != Fault::None {
                return Err(FaultyStore::full());
            }
            self.inner.flush()?;
            self.unflushed.store(false, Ordering::SeqCst);
        }
        Ok(())
    }

    fn write(&self) -> Result<(), StoreError> {
        self.ready()?;
        match self.fault() {
            Fault::DiskFull => Err(FaultyStore::full()),
            Fault::None | Fault::FlushFails => Ok(()),
        }
    }

    fn snapshot(&self) -> Vec<Rows> {
        LOG_KEYSPACES.iter().map(|k| self.inner.scan(k, b"", None, usize::MAX).expect("scan")).collect()
    }
}

impl Store for FaultyStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.ready()?;
        self.inner.get(keyspace, key)
    }

    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.write()?;
        self.inner.put(keyspace, key, value)
    }

    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.write()?;
        self.inner.remove(keyspace, key)
    }

    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.write()?;
        self.inner.insert_new(keyspace, key, value)
    }

    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        self.ready()?;
        self.inner.scan(keyspace, prefix, after, limit)
    }

    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        self.write()?;
        self.inner.apply(batch)
    }

    fn flush(&self) -> Result<(), StoreError> {
        self.gate.pass();
        self.ready()?;
        match self.fault() {
            Fault::None => self.inner.flush(),
            Fault::DiskFull | Fault::FlushFails => {
                self.unflushed.store(true, Ordering::SeqCst);
                Err(FaultyStore::full())
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The app over a store, signed in as a commune approver (who may write and review).

struct Server {
    router: Router,
    state: AppState,
    token: String,
}

async fn call(router: &Router, method: &str, uri: &str, token: Option<&str>, body: Vec<u8>) -> (StatusCode, Value) {
    let mut request = Request::builder().method(method).uri(uri).header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    let response = router.clone().oneshot(request.body(Body::from(body)).expect("request")).await.expect("infallible");
    let status = response.status();
    let bytes = response.into_body().collect().await.expect("body").to_bytes();
    let json = serde_json::from_slice(&bytes).unwrap_or(Value::String(String::from_utf8_lossy(&bytes).into_owned()));
    (status, json)
}

impl Server {
    async fn over(store: Arc<dyn Store>) -> Server {
        let state = AppState::new(store, catalog());
        let router = app(state.clone(), None);
        let request = CreateInvitation {
            role: Role::CommuneApprover,
            unit: COMMUNE.into(),
            display_name: "Cán bộ xã".into(),
            valid_hours: None,
        };
        let invitation = auth::create_invitation(&state, &request, None).expect("invitation").token;
        let body = json!({"username": "can.bo.xa", "password": "mat-khau-kiem-thu"}).to_string().into_bytes();
        let (status, reply) =
            call(&router, "POST", &format!("/api/v1/invitations/{invitation}/accept"), None, body).await;
        assert_eq!(status, StatusCode::CREATED, "{reply}");
        let token = reply["token"].as_str().expect("token").to_string();
        Server { router, state, token }
    }

    async fn fresh() -> Server {
        Server::over(Arc::new(SledStore::temporary().expect("sled"))).await
    }

    async fn push(&self, ops: &[Operation]) -> (StatusCode, Value) {
        let request = PushRequest { protocol: 1, device: "may-kiem-thu".into(), ops: ops.to_vec() };
        let body = serde_json::to_vec(&request).expect("json");
        call(&self.router, "POST", "/api/v1/sync/push", Some(&self.token), body).await
    }

    /// Pushes a batch the server must take whole (accepted or duplicates); returns the
    /// acknowledged ids.
    async fn push_ok(&self, ops: &[Operation]) -> Pushed {
        let (status, reply) = self.push(ops).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        let pushed = Pushed::from(&reply);
        assert!(pushed.rejected.is_empty(), "{reply}");
        assert_eq!(pushed.acknowledged(), ids(ops), "every operation is answered for: {reply}");
        pushed
    }

    /// Every operation in the log, pulled page by page from the start.
    async fn pull_all(&self) -> Vec<Operation> {
        let mut ops = Vec::new();
        let mut cursor = 0;
        loop {
            let uri = format!("/api/v1/sync/pull?after={cursor}&limit=7");
            let (status, page) = call(&self.router, "GET", &uri, Some(&self.token), Vec::new()).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            ops.extend(serde_json::from_value::<Vec<Operation>>(page["ops"].clone()).expect("ops"));
            cursor = page["cursor"].as_u64().expect("cursor");
            if page["more"] != json!(true) {
                return ops;
            }
        }
    }

    async fn view(&self, record: &RecordId) -> Value {
        let kind = serde_json::to_value(record.kind).expect("kind");
        let uri = format!("/api/v1/records/{}/{}", kind.as_str().expect("kind name"), record.id);
        let (status, view) = call(&self.router, "GET", &uri, Some(&self.token), Vec::new()).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        view
    }

    /// Every stored operation is there once, every acknowledged one is among them, the
    /// sequence counter matches the log, and each record's stored view is the merge of
    /// what was pulled.
    async fn check_kept(&self, acknowledged: &BTreeSet<String>) {
        let stored = self.pull_all().await;
        check_exactly_once(&stored, acknowledged);
        let last_seq = hoctap_server::sync::last_seq(&self.state).expect("last seq");
        assert_eq!(last_seq, stored.len() as u64, "the sequence counter matches the log");
        for (record, merged) in stored.into_iter().collect::<OpSet>().views() {
            assert_eq!(self.view(&record).await, serde_json::to_value(merged).expect("json"), "{record}");
        }
    }
}

/// What a push answered.
#[derive(Debug, Default)]
struct Pushed {
    accepted: BTreeSet<String>,
    duplicates: BTreeSet<String>,
    rejected: BTreeMap<String, (String, String)>,
}

impl Pushed {
    fn from(reply: &Value) -> Pushed {
        let ids = |key: &str| -> BTreeSet<String> {
            reply[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect()
        };
        let rejected = reply["rejected"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| {
                let text = |k: &str| r[k].as_str().unwrap_or_default().to_string();
                (text("op"), (text("code"), text("message")))
            })
            .collect();
        Pushed { accepted: ids("accepted"), duplicates: ids("duplicates"), rejected }
    }

    fn acknowledged(&self) -> BTreeSet<String> {
        self.accepted.union(&self.duplicates).cloned().collect()
    }
}

fn ids(ops: &[Operation]) -> BTreeSet<String> {
    ops.iter().map(|o| o.id.clone()).collect()
}

#[track_caller]
fn check_exactly_once(stored: &[Operation], acknowledged: &BTreeSet<String>) {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for op in stored {
        *counts.entry(op.id.as_str()).or_default() += 1;
    }
    let twice: Vec<_> = counts.iter().filter(|(_, n)| **n > 1).map(|(id, _)| *id).collect();
    assert!(twice.is_empty(), "stored more than once: {twice:?}");
    let lost: Vec<_> = acknowledged.iter().filter(|id| !counts.contains_key(id.as_str())).collect();
    assert!(lost.is_empty(), "acknowledged but missing from the log: {lost:?}");
}

#[track_caller]
fn check_full_disk_error(status: StatusCode, reply: &Value) {
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{reply}");
    assert_eq!(reply["error"]["code"], "storage_full", "{reply}");
    assert_eq!(reply["error"]["message"], FULL_MESSAGE, "{reply}");
    assert!(reply["error"]["message_en"].as_str().is_some_and(|m| m.contains("storage")), "{reply}");
}

// ---------------------------------------------------------------------------------------
// Devices with their own clocks.

struct Device {
    name: String,
    hlc: Hlc,
    /// How wrong the device's clock is, in milliseconds.
    skew_ms: i64,
    made: u32,
}

impl Device {
    fn new(name: &str, skew_ms: i64) -> Device {
        Device { name: name.to_string(), hlc: Hlc::zero(name), skew_ms, made: 0 }
    }

    /// An operation made `at` ms after T0 by the true clock.
    fn op(&mut self, at: i64, record: &RecordId, body: OpBody) -> Operation {
        self.made += 1;
        self.hlc = self.hlc.tick(T0 + at + self.skew_ms);
        Operation {
            id: format!("{}-{:03}", self.name, self.made),
            device: self.name.clone(),
            hlc: self.hlc.clone(),
            record: record.clone(),
            unit: COMMUNE.into(),
            body,
        }
    }

    fn edit(&mut self, at: i64, record: &RecordId, fields: &[(&str, Value)], base: &[&Operation]) -> Operation {
        let base: Vec<String> = base.iter().map(|o| o.id.clone()).collect();
        let fields = fields
            .iter()
            .map(|(field, value)| FieldEdit { field: (*field).into(), value: value.clone(), base: base.clone() })
            .collect();
        self.op(at, record, OpBody::SetFields { fields })
    }

    fn step(&mut self, at: i64, record: &RecordId, transition: Transition) -> Operation {
        self.op(at, record, OpBody::Transition { transition })
    }

    /// An evaluation of 2026 with every indicator at full marks, so the server lets it
    /// be approved.
    fn scored(&mut self, at: i64, record: &RecordId) -> Vec<Operation> {
        let set = crate::authority::SET;
        let mut ops = vec![self.edit(at, record, &[("set", json!(set)), ("year", json!(2026))], &[])];
        for (indicator, answer) in crate::authority::answers(true) {
            ops.push(self.op(at, record, OpBody::SetScore { indicator, answer, base: vec![] }));
        }
        ops
    }

    /// What a pull does to the device's clock: later operations sort after these.
    fn saw(&mut self, at: i64, ops: &[Operation]) {
        for op in ops {
            self.hlc = self.hlc.receive(&op.hlc, T0 + at + self.skew_ms);
        }
    }
}

fn household(id: &str) -> RecordId {
    RecordId { kind: RecordKind::Household, id: id.into() }
}

fn evaluation(id: &str) -> RecordId {
    RecordId { kind: RecordKind::Evaluation, id: id.into() }
}

/// `n` edits of households, each its own record, as one device's outbox.
fn outbox(device: &mut Device, from: usize, n: usize) -> Vec<Operation> {
    (from..from + n)
        .map(|i| {
            device.edit(i as i64, &household(&format!("ho-{i}")), &[("ten_chu_ho", json!(format!("Hộ {i}")))], &[])
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// A full disk.

#[tokio::test]
async fn a_full_disk_refuses_the_batch_clearly_and_takes_it_once_space_returns() {
    let store = Arc::new(FaultyStore::new());
    let server = Server::over(store.clone()).await;
    let mut device = Device::new("may-day", 0);
    let mut acknowledged = server.push_ok(&outbox(&mut device, 0, 5)).await.acknowledged();

    store.set(Fault::DiskFull);
    let before = store.snapshot();
    let batch = outbox(&mut device, 5, 5);
    for _ in 0..2 {
        let (status, reply) = server.push(&batch).await;
        check_full_disk_error(status, &reply);
    }
    assert!(store.snapshot() == before, "a refused push stored nothing, not even part of the batch");
    // What was acknowledged before the disk filled is still served.
    check_exactly_once(&server.pull_all().await, &acknowledged);

    store.set(Fault::None);
    let pushed = server.push_ok(&batch).await;
    assert_eq!(pushed.accepted, ids(&batch), "refused earlier, so new now");
    acknowledged.extend(pushed.acknowledged());
    server.check_kept(&acknowledged).await;
}

#[tokio::test]
async fn a_failed_flush_is_not_acknowledged_and_the_retry_is_kept_once() {
    let store = Arc::new(FaultyStore::new());
    let server = Server::over(store.clone()).await;
    let mut device = Device::new("may-flush", 0);
    let mut acknowledged = server.push_ok(&outbox(&mut device, 0, 4)).await.acknowledged();

    // The batch is applied but cannot be made durable: the device is told to retry.
    store.set(Fault::FlushFails);
    let batch = outbox(&mut device, 4, 6);
    let (status, reply) = server.push(&batch).await;
    check_full_disk_error(status, &reply);
    // Retrying while the disk is still full is refused too, never answered "already
    // stored" from writes that might not survive a restart.
    let (status, reply) = server.push(&batch).await;
    check_full_disk_error(status, &reply);

    store.set(Fault::None);
    let pushed = server.push_ok(&batch).await;
    println!("retry after a failed flush: {} accepted, {} duplicates", pushed.accepted.len(), pushed.duplicates.len());
    acknowledged.extend(pushed.acknowledged());
    assert!(server.push_ok(&batch).await.accepted.is_empty(), "a third push changes nothing");
    server.check_kept(&acknowledged).await;
}

/// Operations applied but not yet flushed are not pulled: had the server crashed
/// there, their sequence numbers would go to other operations, and a device holding a
/// cursor past them would never see those.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pull_never_returns_operations_that_are_not_yet_durable() {
    let store = Arc::new(FaultyStore::new());
    let state = AppState::new(store.clone(), catalog());
    let mut device = Device::new("may-cho", 0);
    let first = outbox(&mut device, 0, 3);
    hoctap_server::sync::push(&state, &first, hoctap_server::sync::Pusher::Replay).await.expect("push");

    store.gate.close();
    let second = outbox(&mut device, 3, 4);
    let pushing = {
        let (state, batch) = (state.clone(), second.clone());
        tokio::spawn(
            async move { hoctap_server::sync::push(&state, &batch, hoctap_server::sync::Pusher::Replay).await },
        )
    };
    while !store.gate.reached.load(Ordering::SeqCst) {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    // Applied (the log holds it) but not durable: a pull stops before it.
    assert_eq!(hoctap_server::sync::last_seq(&state).expect("seq"), 7);
    let page = hoctap_server::sync::pull(&state, COMMUNE, 0, 1000, None).expect("pull");
    assert_eq!(ids(&page.ops), ids(&first));
    assert_eq!((page.cursor, page.more), (3, false));

    store.gate.open();
    let answer = pushing.await.expect("push task").expect("push");
    assert_eq!(answer.accepted.len(), 4);
    let page = hoctap_server::sync::pull(&state, COMMUNE, page.cursor, 1000, None).expect("pull");
    assert_eq!(ids(&page.ops), ids(&second), "once flushed, the batch is pulled from the same cursor");
}

// ---------------------------------------------------------------------------------------
// A real small filesystem under the real binary (when this machine lets us mount one).

/// A tmpfs mounted for the test, unmounted on drop.
struct Tmpfs(PathBuf);

impl Tmpfs {
    fn mount(dir: &Path, size: &str) -> Result<Tmpfs, String> {
        std::fs::create_dir_all(dir).map_err(|e| e.to_string())?;
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "hoctap-faults"])
            .arg(dir)
            .output()
            .map_err(|e| format!("mount: {e}"))?;
        if !output.status.success() {
            return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
        }
        Ok(Tmpfs(dir.to_path_buf()))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let binary = exe.parent().and_then(Path::parent).expect("target dir").join("hoctap");
    assert!(binary.is_file(), "{} is missing: run `cargo build -p hoctap-server` first", binary.display());
    binary
}

/// `hoctap serve` on a free port, killed on drop.
struct RealServer {
    child: Child,
    addr: String,
}

impl RealServer {
    fn start(data_dir: &Path) -> RealServer {
        let mut child = Command::new(binary())
            .args(["serve", "--bind", "127.0.0.1:0", "--frontend", "/nonexistent", "--data-dir"])
            .arg(data_dir)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "hoctap=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hoctap serve");
        let stdout = child.stdout.take().expect("stdout");
        let (found, address) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            // Read to the end so the server never blocks on a full pipe.
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                // A failed request's cause, shown with the test's output when it fails.
                if line.contains("ERROR") || line.contains("storage failure") {
                    println!("server: {line}");
                }
                if let Some(at) = line.find("http://127.0.0.1:") {
                    let addr: String = line[at + "http://".len()..].chars().take_while(|c| *c != '/').collect();
                    let _ = found.send(addr);
                }
            }
        });
        let addr = address.recv_timeout(Duration::from_secs(60)).expect("the server said where it listens");
        RealServer { child, addr }
    }

    /// One request on its own connection (the server answers with a length, never chunked).
    fn http(&self, method: &str, path: &str, token: Option<&str>, body: &[u8]) -> (u16, Value) {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let head = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body)).expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("answer");
        let text = String::from_utf8_lossy(&raw);
        let (head, payload) = text.split_once("\r\n\r\n").expect("header end");
        assert!(!head.to_ascii_lowercase().contains("chunked"), "unexpected chunked answer: {head}");
        let status = head.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
        (status, serde_json::from_str(payload).unwrap_or(Value::Null))
    }

    fn push(&self, token: &str, ops: &[Operation]) -> (u16, Value) {
        let request = PushRequest { protocol: 1, device: "may-that".into(), ops: ops.to_vec() };
        self.http("POST", "/api/v1/sync/push", Some(token), &serde_json::to_vec(&request).expect("json"))
    }

    fn pull_all(&self, token: &str) -> Vec<Operation> {
        let mut ops = Vec::new();
        let mut cursor = 0;
        loop {
            let (status, page) =
                self.http("GET", &format!("/api/v1/sync/pull?after={cursor}&limit=1000"), Some(token), b"");
            assert_eq!(status, 200, "{page}");
            ops.extend(serde_json::from_value::<Vec<Operation>>(page["ops"].clone()).expect("ops"));
            cursor = page["cursor"].as_u64().expect("cursor");
            if page["more"] != json!(true) {
                return ops;
            }
        }
    }
}

impl Drop for RealServer {
    fn drop(&mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }
}

/// Large enough edits that each batch needs fresh pages on disk.
fn bulky(device: &mut Device, batch: usize) -> Vec<Operation> {
    (0..10)
        .map(|i| {
            let note = format!("{batch}-{i} {}", "ghi chú ".repeat(300));
            device.edit(i, &household(&format!("ho-{}", batch * 10 + i as usize)), &[("ghi_chu", json!(note))], &[])
        })
        .collect()
}

#[test]
fn a_real_full_filesystem_gives_507_and_the_server_recovers_when_space_returns() {
    let work = tempfile::tempdir().expect("tempdir");
    let mount = work.path().join("mnt");
    let _tmpfs = match Tmpfs::mount(&mount, "8m") {
        Ok(tmpfs) => tmpfs,
        Err(why) => {
            // The injected faults above always run; this one needs a mountable tmpfs.
            println!("skipped the real full filesystem: cannot mount a tmpfs here ({why})");
            return;
        }
    };
    let data = mount.join("data");
    let output = Command::new(binary())
        .args(["admin", "invite", "--unit", COMMUNE, "--role", "commune_officer", "--data-dir"])
        .arg(&data)
        .env("NO_COLOR", "1")
        .output()
        .expect("hoctap admin invite");
    let out = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{out}{}", String::from_utf8_lossy(&output.stderr));
    let invitation: String =
        out.split("/#moi/").nth(1).expect("an invitation link").chars().take_while(char::is_ascii_hexdigit).collect();
    let server = RealServer::start(&data);
    let body = json!({"username": "can.bo.xa", "password": "mat-khau-kiem-thu"}).to_string();
    let (status, reply) =
        server.http("POST", &format!("/api/v1/invitations/{invitation}/accept"), None, body.as_bytes());
    assert_eq!(status, 201, "{reply}");
    let token = reply["token"].as_str().expect("token").to_string();

    let mut device = DiskDevice { device: Device::new("may-that", 0), batches: 0, acknowledged: BTreeSet::new() };
    let filler = mount.join("filler");
    let first = device.next();
    assert_eq!(device.push(&server, &token, &first), 200);

    // Full, then space returns: the server carries on by itself, without a restart.
    fill(&filler);
    let refused = device.push_until_refused(&server, &token);
    std::fs::remove_file(&filler).expect("free space");
    device.retry_until_taken(&server, &token, &refused);
    check_exactly_once(&server.pull_all(&token), &device.acknowledged);

    // Full again, and the server is killed before space returns: it starts again (sled
    // may have left an unfinished snapshot behind) and takes the refused batch.
    fill(&filler);
    let refused = device.push_until_refused(&server, &token);
    drop(server); // SIGKILL
    std::fs::remove_file(&filler).expect("free space");
    let server = RealServer::start(&data);
    device.retry_until_taken(&server, &token, &refused);
    check_exactly_once(&server.pull_all(&token), &device.acknowledged);

    // And what it acknowledged was durable.
    drop(server);
    let server = RealServer::start(&data);
    check_exactly_once(&server.pull_all(&token), &device.acknowledged);
}

/// Writes to `path` until the filesystem is full.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).expect("filler");
    let chunk = vec![0u8; 64 * 1024];
    let error = loop {
        if let Err(error) = file.write_all(&chunk).and_then(|()| file.flush()) {
            break error;
        }
    };
    assert_eq!(error.kind(), std::io::ErrorKind::StorageFull, "{error}");
}

/// A device pushing to the real server, and what the server acknowledged to it.
struct DiskDevice {
    device: Device,
    batches: usize,
    acknowledged: BTreeSet<String>,
}

impl DiskDevice {
    fn next(&mut self) -> Vec<Operation> {
        self.batches += 1;
        bulky(&mut self.device, self.batches)
    }

    /// Pushes; on 200 every operation must be answered for, and is acknowledged.
    fn push(&mut self, server: &RealServer, token: &str, ops: &[Operation]) -> u16 {
        let (status, reply) = server.push(token, ops);
        if status == 200 {
            let pushed = Pushed::from(&reply);
            assert!(pushed.rejected.is_empty(), "{reply}");
            assert_eq!(pushed.acknowledged(), ids(ops), "{reply}");
            self.acknowledged.extend(pushed.acknowledged());
        } else {
            check_full_disk_error(StatusCode::from_u16(status).expect("status"), &reply);
        }
        status
    }

    /// New batches until one is refused with 507 (a small write may still fit in a page
    /// sled had written before); then a retry of it, refused again rather than counted
    /// as "already stored".
    fn push_until_refused(&mut self, server: &RealServer, token: &str) -> Vec<Operation> {
        for _ in 0..20 {
            let ops = self.next();
            if self.push(server, token, &ops) != 200 {
                assert_eq!(self.push(server, token, &ops), 507, "retried while the disk is still full");
                return ops;
            }
        }
        panic!("a push on a full disk is refused with 507");
    }

    fn retry_until_taken(&mut self, server: &RealServer, token: &str, ops: &[Operation]) {
        for _ in 0..20 {
            if self.push(server, token, ops) == 200 {
                return;
            }
            std::thread::sleep(Duration::from_millis(100));
        }
        panic!("the server takes the batch once space returns");
    }
}

// ---------------------------------------------------------------------------------------
// Replayed and out-of-order batches.

#[tokio::test]
async fn a_replayed_batch_is_all_duplicates_and_changes_nothing() {
    let server = Server::fresh().await;
    let mut device = Device::new("may-lap", 0);
    let batch = outbox(&mut device, 0, 6);
    let first = server.push_ok(&batch).await;
    assert_eq!(first.accepted, ids(&batch));
    let log = server.pull_all().await;
    for _ in 0..2 {
        let again = server.push_ok(&batch).await;
        assert_eq!(again.duplicates, ids(&batch), "replays are recognised");
        assert_eq!(server.pull_all().await, log, "a replay appends nothing");
    }
    // A retry that overlaps what was stored takes only the new part.
    let more = outbox(&mut device, 6, 3);
    let overlap: Vec<Operation> = batch[3..].iter().chain(&more).cloned().collect();
    let pushed = server.push_ok(&overlap).await;
    assert_eq!((pushed.accepted, pushed.duplicates), (ids(&more), ids(&batch[3..])));
    server.check_kept(&ids(&overlap).union(&ids(&batch)).cloned().collect()).await;
}

#[tokio::test]
async fn batches_sent_in_reverse_give_the_same_records() {
    let mut device = Device::new("may-dao", 0);
    let (a, b) = (household("ho-a"), household("ho-b"));
    let a1 = device.edit(1, &a, &[("ten_chu_ho", json!("Nguyễn Văn An")), ("so_thanh_vien", json!(3))], &[]);
    let a2 = device.edit(2, &a, &[("ten_chu_ho", json!("Nguyễn Văn Anh"))], &[&a1]);
    let a3 = device.edit(3, &a, &[("so_thanh_vien", json!(4))], &[&a1]);
    let a4 = device.edit(4, &a, &[("dia_chi", json!("Thôn Đông"))], &[]);
    let a5 = device.edit(5, &a, &[("ten_chu_ho", json!("Nguyễn Văn Ánh"))], &[&a2]);
    let b1 = device.edit(6, &b, &[("ten_chu_ho", json!("Trần Thị Bình"))], &[]);
    let b2 = device.edit(7, &b, &[("ten_chu_ho", json!("Trần Thị Bính"))], &[&b1]);
    let ops = vec![a1, a2, a3, a4, a5, b1, b2];

    let in_order = Server::fresh().await;
    in_order.push_ok(&ops).await;
    // Split in batches of two, later batches first and each batch backwards: every
    // operation arrives before the ones it supersedes.
    let reversed = Server::fresh().await;
    for chunk in ops.chunks(2).rev() {
        let backwards: Vec<Operation> = chunk.iter().rev().cloned().collect();
        assert_eq!(reversed.push_ok(&backwards).await.accepted, ids(chunk));
    }
    for record in [&a, &b] {
        assert_eq!(reversed.view(record).await, in_order.view(record).await, "{record}");
    }
    let view = reversed.view(&a).await;
    assert_eq!(view["fields"]["ten_chu_ho"]["value"], json!("Nguyễn Văn Ánh"), "{view}");
    assert_eq!(view["fields"]["so_thanh_vien"]["value"], json!(4), "{view}");
    in_order.check_kept(&ids(&ops)).await;
    reversed.check_kept(&ids(&ops)).await;
}

#[tokio::test]
async fn a_workflow_step_sent_before_the_step_it_follows_is_refused_with_a_reason() {
    // The server checks each step against what it holds when the step arrives, so a
    // step that overtakes its predecessor is refused (not stored, not lost: the device
    // keeps it and shows why) and taken when sent again after it.
    let server = Server::fresh().await;
    let mut device = Device::new("may-duyet", 0);
    let record = evaluation("dg-dao");
    let scored = device.scored(0, &record);
    let submit = device.step(1, &record, Transition::Submit);
    let approve = device.step(2, &record, Transition::Approve);

    let (status, reply) = server.push(std::slice::from_ref(&approve)).await;
    assert_eq!(status, StatusCode::OK, "{reply}");
    let early = Pushed::from(&reply);
    let (code, message) = early.rejected.get(&approve.id).expect("the early step is refused");
    assert_eq!(code, "invalid_transition");
    assert!(message.contains("Không thể duyệt"), "{message}");
    assert!(server.pull_all().await.is_empty(), "nothing stored");

    server.push_ok(&scored).await;
    server.push_ok(std::slice::from_ref(&submit)).await;
    server.push_ok(std::slice::from_ref(&approve)).await;
    let in_order = Server::fresh().await;
    let all: Vec<Operation> = scored.iter().cloned().chain([submit, approve]).collect();
    in_order.push_ok(&all).await;
    assert_eq!(server.view(&record).await, in_order.view(&record).await);
    assert_eq!(server.view(&record).await["status"], "approved");
    server.check_kept(&ids(&all)).await;
}

// ---------------------------------------------------------------------------------------
// Clocks a day wrong, and one a century ahead.

#[tokio::test]
async fn clocks_a_day_wrong_converge_whatever_the_push_order() {
    let mut right = Device::new("may-dung", 0);
    let mut ahead = Device::new("may-nhanh", DAY_MS);
    let mut behind = Device::new("may-cham", -DAY_MS);
    let home = household("ho-lech");
    let created = right.edit(0, &home, &[("ten_chu_ho", json!("Lê Văn Tám")), ("so_thanh_vien", json!(5))], &[]);
    ahead.saw(10, std::slice::from_ref(&created));
    behind.saw(10, std::slice::from_ref(&created));
    // Concurrent edits of one field by the fast and the slow device, and of others.
    let by_ahead = ahead.edit(20, &home, &[("ten_chu_ho", json!("Lê Văn Tâm"))], &[&created]);
    let by_behind = behind.edit(20, &home, &[("ten_chu_ho", json!("Lê Văn Tấm"))], &[&created]);
    let address = behind.edit(21, &home, &[("dia_chi", json!("Xóm 2"))], &[]);
    let members = right.edit(22, &home, &[("so_thanh_vien", json!(6))], &[&created]);
    // A review across the skew: scored and submitted by the fast device (a submission
    // leaves after the scores it sends, from the same outbox: once sent, the evaluation
    // is frozen), approved by the right one after it pulled the submission.
    let eval = evaluation("dg-lech");
    let scored = ahead.scored(25, &eval);
    let submit = ahead.step(30, &eval, Transition::Submit);
    right.saw(40, std::slice::from_ref(&submit));
    let approve = right.step(40, &eval, Transition::Approve);
    assert!(approve.hlc > submit.hlc, "the approval sorts after what it saw, though its clock is a day behind");

    let sent: Vec<Operation> = [by_ahead.clone()].into_iter().chain(scored).chain([submit]).collect();
    let outboxes = [vec![created, members], sent, vec![by_behind.clone(), address]];
    let all: Vec<Operation> = outboxes.iter().flatten().cloned().chain([approve.clone()]).collect();
    let mut views = Vec::new();
    for order in [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]] {
        let server = Server::fresh().await;
        for device in order {
            server.push_ok(&outboxes[device]).await;
        }
        server.push_ok(std::slice::from_ref(&approve)).await;
        server.check_kept(&ids(&all)).await;
        views.push((order, server.view(&home).await, server.view(&eval).await));
    }
    for (order, home_view, eval_view) in &views[1..] {
        assert_eq!(home_view, &views[0].1, "household differs when pushed in order {order:?}");
        assert_eq!(eval_view, &views[0].2, "evaluation differs when pushed in order {order:?}");
    }
    let (_, home_view, eval_view) = &views[0];
    // Neither skewed edit wins by its clock: both are kept for a reviewer.
    let candidates: BTreeSet<&str> = home_view["fields"]["ten_chu_ho"]["candidates"]
        .as_array()
        .expect("candidates")
        .iter()
        .filter_map(|c| c["value"].as_str())
        .collect();
    assert_eq!(candidates, BTreeSet::from(["Lê Văn Tâm", "Lê Văn Tấm"]), "{home_view}");
    assert_eq!(home_view["fields"]["so_thanh_vien"]["value"], json!(6));
    assert_eq!(eval_view["status"], "approved", "{eval_view}");

    // The slow device, once it has pulled everything, resolves the conflict: its edit
    // supersedes both though its clock is two days behind the fast one's.
    let server = Server::fresh().await;
    for outbox in &outboxes {
        server.push_ok(outbox).await;
    }
    behind.saw(50, &server.pull_all().await);
    let resolved = behind.edit(50, &home, &[("ten_chu_ho", json!("Lê Văn Tâm"))], &[&by_ahead, &by_behind]);
    assert!(resolved.hlc > by_ahead.hlc);
    server.push_ok(std::slice::from_ref(&resolved)).await;
    assert_eq!(server.view(&home).await["fields"]["ten_chu_ho"]["value"], json!("Lê Văn Tâm"));
    let mut acknowledged = ids(&all);
    acknowledged.remove(&approve.id);
    acknowledged.insert(resolved.id.clone());
    server.check_kept(&acknowledged).await;
}

#[tokio::test]
async fn a_clock_beyond_the_bound_is_refused_and_one_within_it_still_sorts_before_later_edits() {
    // Issue 14: the server refuses a timestamp more than 24 hours ahead of its clock
    // (or before 2000) and stores nothing of it; within the bound it stores what the
    // device said, and a device that pulled it still edits "after" it.
    const CENTURY_MS: i64 = 100 * 365 * DAY_MS;
    let server = Server::fresh().await;
    let mut right = Device::new("may-dung", 0);
    let home = household("ho-tuong-lai");
    let created = right.edit(0, &home, &[("ten_chu_ho", json!("Phạm Thị Hoa"))], &[]);
    server.push_ok(std::slice::from_ref(&created)).await;
    let now = hoctap_server::clock::Clock::now_ms(&hoctap_server::clock::SystemClock);
    for skew in [CENTURY_MS, 2 * DAY_MS, -now] {
        let mut broken = Device::new("may-hong", now - T0 + skew);
        let future = broken.edit(0, &home, &[("ten_chu_ho", json!("Phạm Thị Hòa"))], &[&created]);
        let (status, reply) = server.push(std::slice::from_ref(&future)).await;
        assert_eq!(status, StatusCode::OK, "{reply}");
        let (code, message) = Pushed::from(&reply).rejected.get(&future.id).cloned().expect("refused");
        assert_eq!(code, "clock_skew");
        assert!(message.contains("Hãy chỉnh ngày giờ"), "{message}");
    }
    assert_eq!(server.pull_all().await.len(), 1, "nothing of the refused operations stored");

    let mut fast = Device::new("may-nhanh", now - T0 + 20 * 60 * 60 * 1000);
    let future = fast.edit(1, &home, &[("ten_chu_ho", json!("Phạm Thị Hòa"))], &[&created]);
    server.push_ok(std::slice::from_ref(&future)).await;
    let view = server.view(&home).await;
    assert_eq!(view["last"]["wall_ms"], json!(future.hlc.wall_ms), "{view}");
    right.saw(2, &server.pull_all().await);
    let fixed = right.edit(2, &home, &[("ten_chu_ho", json!("Phạm Thị Hoa"))], &[&future]);
    assert!(fixed.hlc > future.hlc);
    server.push_ok(std::slice::from_ref(&fixed)).await;
    assert_eq!(server.view(&home).await["fields"]["ten_chu_ho"]["value"], json!("Phạm Thị Hoa"));
    server.check_kept(&ids(&[created, future, fixed])).await;
}
