//! Load test (not a test; issue 6, requirement 5): simulated devices pushing and
//! pulling concurrently against the real server over loopback, then a check that no
//! operation was lost or stored twice. `scripts/bench.sh` runs it at full size (200
//! devices for 60 s) and `docs/benchmarks.md` records the results.
//!
//! The server is set up as `hoctap serve` sets it up (a sled data directory, here a
//! fresh one in a temporary directory, the schema check, the shipped catalogue, the real
//! router with auth and JSON, `axum::serve` on 127.0.0.1:0) and runs on its own tokio
//! runtime (one worker per core, as `#[tokio::main]` gives `serve`); the devices run on
//! a second runtime in the same process and talk to it through a small HTTP/1.1
//! keep-alive client over TCP, one connection per device.
//!
//! Each device has its own commune officer account (an invitation accepted over HTTP),
//! spread over communes of one province, and registers a hamlet of its own. Then, until
//! the time is up, it loops: push a batch of 5 to 50 operations (new people and
//! households, edits of its people, new evaluations with their scores, rescoring), or
//! now and then re-push the previous batch (a retry: every op must come back as a
//! duplicate) or the previous batch with new operations; then pull its commune from its
//! cursor, page by page. Every request's latency is recorded (from writing the request
//! to reading the whole answer).
//!
//! Afterwards: each device drains its scope; what it saw must be exactly the operations
//! accepted in its commune, each delivered once, its own included; and a province
//! administrator pulls the whole log, in which every accepted operation must appear
//! exactly once and nothing else. Exits 1 on any error (a non-2xx answer, a transport
//! error or timeout, an unexpected push answer) or any lost or duplicated operation.
//!
//! `cargo run --release --locked -p hoctap-server --example load_test -- --devices 200
//! --seconds 60` (the defaults; also `LOAD_DEVICES`, `LOAD_SECONDS`). `--communes N`
//! (20) spreads the devices; `--think-ms N` (0: back to back) pauses each device
//! between rounds for N/2 to 3N/2 ms; `--seed N` changes the batches; `--store-timing`
//! wraps the store to time its calls and `--server-workers N` changes the server's
//! worker threads (one per core by default, as `hoctap serve`): diagnostics of where
//! the server's time goes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use hoctap_server::store::{self, Rows, SledStore, Store, StoreError, Write};
use hoctap_server::{app, auth, AppState, Catalog};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::criteria::Measure;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::number::Points;
use hoctap_shared::protocol::{
    FieldEdit, OpBody, Operation, PushRequest, PushResponse, RecordId, RecordKind, MAX_PULL_PAGE,
};
use hoctap_shared::scoring::Answer;
use hoctap_shared::units::UnitKind;
use serde::Deserialize;
use serde_json::{json, Value};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

/// The province whose communes the devices work in (Gia Lai, home of the sample data).
const PROVINCE_OF: &str = "commune:23629:2025";
const CRITERIA_SET: &str = "cdht-244-2022";
const PASSWORD: &str = "mat-khau-tai-thu-nghiem";
/// Any single request slower than this counts as an error (a device would give up).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(60);
/// Invitations accepted at once during set-up (each hashes a password with argon2id,
/// 19 MiB apiece).
const SETUP_CONCURRENCY: usize = 8;

#[derive(Debug, Clone)]
struct Options {
    devices: usize,
    seconds: u64,
    communes: usize,
    think_ms: u64,
    seed: u64,
    /// Worker threads of the server's runtime (0: one per core, as `hoctap serve`).
    server_workers: usize,
    /// Wrap the store to time its calls (a diagnostic; adds two clock reads per call).
    store_timing: bool,
}

fn options() -> Options {
    let env = |name: &str, default: u64| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let mut options = Options {
        devices: env("LOAD_DEVICES", 200) as usize,
        seconds: env("LOAD_SECONDS", 60),
        communes: env("LOAD_COMMUNES", 20) as usize,
        think_ms: env("LOAD_THINK_MS", 0),
        seed: env("LOAD_SEED", 0x5eed_1234_abcd),
        store_timing: false,
        server_workers: 0,
    };
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = |i: usize| -> u64 {
            args.get(i + 1).and_then(|v| v.parse().ok()).unwrap_or_else(|| {
                eprintln!("{} needs a number", args[i]);
                std::process::exit(2)
            })
        };
        match args[i].as_str() {
            "--devices" => options.devices = value(i) as usize,
            "--seconds" => options.seconds = value(i),
            "--communes" => options.communes = value(i) as usize,
            "--think-ms" => options.think_ms = value(i),
            "--seed" => options.seed = value(i),
            "--server-workers" => options.server_workers = value(i) as usize,
            "--store-timing" => {
                options.store_timing = true;
                i += 1;
                continue;
            }
            other => {
                eprintln!("unknown argument {other:?}; use --devices N --seconds N --communes N --think-ms N --seed N --store-timing --server-workers N");
                std::process::exit(2)
            }
        }
        i += 2;
    }
    options.devices = options.devices.max(1);
    options.communes = options.communes.clamp(1, options.devices);
    options
}

// ---------------------------------------------------------------------------------
// A minimal HTTP/1.1 keep-alive client.

#[derive(Debug)]
struct Conn {
    addr: SocketAddr,
    stream: Option<BufReader<TcpStream>>,
}

impl Conn {
    fn new(addr: SocketAddr) -> Conn {
        Conn { addr, stream: None }
    }

    /// One request; the status and the body. A transport error or a timeout drops the
    /// connection (the next request opens a new one).
    async fn request(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> Result<(u16, Vec<u8>), String> {
        match tokio::time::timeout(REQUEST_TIMEOUT, self.exchange(method, path, token, body)).await {
            Ok(Ok(answer)) => Ok(answer),
            Ok(Err(err)) => {
                self.stream = None;
                Err(format!("{method} {path}: {err}"))
            }
            Err(_) => {
                self.stream = None;
                Err(format!("{method} {path}: no answer within {} s", REQUEST_TIMEOUT.as_secs()))
            }
        }
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: &[u8],
    ) -> std::io::Result<(u16, Vec<u8>)> {
        if self.stream.is_none() {
            let stream = TcpStream::connect(self.addr).await?;
            stream.set_nodelay(true)?;
            self.stream = Some(BufReader::with_capacity(64 * 1024, stream));
        }
        let Some(stream) = self.stream.as_mut() else { unreachable!("connected above") };
        let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        )
        .into_bytes();
        request.extend_from_slice(body);
        stream.get_mut().write_all(&request).await?;

        let bad = |what: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, what.to_string());
        let mut line = String::new();
        if stream.read_line(&mut line).await? == 0 {
            return Err(std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "connection closed"));
        }
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| bad("no status"))?;
        let (mut length, mut chunked, mut close) = (None, false, false);
        loop {
            line.clear();
            if stream.read_line(&mut line).await? == 0 {
                return Err(bad("connection closed in the header"));
            }
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            let Some((name, value)) = header.split_once(':') else { continue };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim().to_ascii_lowercase());
            match name.as_str() {
                "content-length" => length = Some(value.parse::<usize>().map_err(|_| bad("content-length"))?),
                "transfer-encoding" => chunked = value.contains("chunked"),
                "connection" => close = value.contains("close"),
                _ => {}
            }
        }
        let mut payload = Vec::new();
        if chunked {
            loop {
                line.clear();
                stream.read_line(&mut line).await?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .map_err(|_| bad("chunk size"))?;
                if size == 0 {
                    line.clear();
                    stream.read_line(&mut line).await?;
                    break;
                }
                let start = payload.len();
                payload.resize(start + size, 0);
                stream.read_exact(&mut payload[start..]).await?;
                let mut crlf = [0u8; 2];
                stream.read_exact(&mut crlf).await?;
            }
        } else if let Some(length) = length {
            payload.resize(length, 0);
            stream.read_exact(&mut payload).await?;
        } else {
            stream.read_to_end(&mut payload).await?;
            close = true;
        }
        if close {
            self.stream = None;
        }
        Ok((status, payload))
    }
}

// ---------------------------------------------------------------------------------
// Measurements shared by the devices.

#[derive(Debug, Default)]
struct Progress {
    pushes: AtomicU64,
    pulls: AtomicU64,
    /// Sums of the latencies, in microseconds.
    push_micros: AtomicU64,
    pull_micros: AtomicU64,
    accepted: AtomicU64,
    errors: AtomicU64,
}

#[derive(Debug, Default)]
struct Stats {
    /// Latencies in microseconds.
    push: Vec<u64>,
    pull: Vec<u64>,
    errors: u64,
    /// Push answers that did not say what they should have (counted in `errors` too).
    unexpected: u64,
    rejected: u64,
    retries: u64,
    mixed_retries: u64,
    pulled_ops: u64,
    samples: Vec<String>,
}

impl Stats {
    fn error(&mut self, progress: &Progress, message: String) {
        self.errors += 1;
        progress.errors.fetch_add(1, Ordering::Relaxed);
        if self.samples.len() < 5 {
            self.samples.push(message);
        }
    }
}

#[derive(Debug, Deserialize)]
struct PulledOp {
    id: String,
    hlc: Hlc,
}

#[derive(Debug, Deserialize)]
struct Page {
    ops: Vec<PulledOp>,
    cursor: u64,
    more: bool,
}

// ---------------------------------------------------------------------------------
// A simulated device.

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

const FAMILY_NAMES: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Đinh", "Võ", "Huỳnh", "Rơ Châm", "Siu", "Đặng"];
const GIVEN_NAMES: &[&str] =
    &["Văn Hùng", "Thị Hằng", "Văn Lực", "Thị Mai", "Đức Anh", "Thị Ánh", "Văn Ơn", "Thị Hương", "H'Bia", "Minh Tâm"];
const SKILLS: &[&str] = &["none", "basic", "proficient"];

/// An indicator of the criteria set and an answer to give it.
#[derive(Debug, Clone)]
struct Indicator {
    code: String,
    measure: Measure,
}

fn answer(measure: &Measure, rng: &mut Rng) -> Answer {
    match measure {
        Measure::Points { max } => {
            if rng.below(2) == 0 {
                Answer::Points(*max)
            } else {
                Answer::Points(Points::ZERO)
            }
        }
        Measure::Met { .. } => Answer::Met(rng.below(4) != 0),
        Measure::Share { .. } => {
            let denominator = 1 + rng.below(12);
            Answer::Share { numerator: rng.below(denominator + 1), denominator }
        }
    }
}

#[derive(Debug)]
struct Person {
    id: String,
    /// The operation that last set `digital_skill` (the base of the next edit).
    skill_op: String,
}

#[derive(Debug)]
struct EvaluationRecord {
    id: String,
    /// Indicator index → the operation that last scored it.
    scored: BTreeMap<usize, String>,
}

/// What a push was, to check its answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PushKind {
    New,
    Retry,
    Mixed,
    /// Sent again after a transport error: each op may come back accepted or duplicate.
    Resend,
}

struct Device {
    index: usize,
    name: String,
    commune: String,
    hamlet: String,
    token: String,
    conn: Conn,
    rng: Rng,
    clock: Hlc,
    made: u64,
    households: Vec<String>,
    people: Vec<Person>,
    evaluations: Vec<EvaluationRecord>,
    indicators: Arc<Vec<Indicator>>,
    previous: Option<Vec<Operation>>,
    pending: Option<(PushKind, Vec<Operation>, usize)>,
    cursor: u64,
    /// Ids this device got back as accepted, in order.
    accepted: Vec<String>,
    accepted_set: HashSet<String>,
    /// Ids answered as duplicates.
    duplicates: Vec<String>,
    /// Ids accepted twice (must stay empty).
    accepted_twice: Vec<String>,
    /// Every id pulled, and how many were delivered a second time.
    seen: HashSet<String>,
    seen_twice: u64,
    stats: Stats,
}

impl Device {
    fn op(&mut self, record: RecordId, unit: &str, body: OpBody) -> Operation {
        self.made += 1;
        self.clock = self.clock.tick(now_ms());
        // UUID-shaped ids: a random head (keys land all over the index, as real UUIDs
        // do) and the device and counter (so they are unique by construction).
        let head = self.rng.next() as u32;
        let id = format!("{head:08x}-{:04x}-4000-8000-{:012x}", self.index, self.made);
        Operation { id, device: self.name.clone(), hlc: self.clock.clone(), record, unit: unit.to_string(), body }
    }

    fn fields(&mut self, record: RecordId, unit: &str, fields: Vec<(&str, Value, Vec<String>)>) -> Operation {
        let fields = fields
            .into_iter()
            .map(|(field, value, base)| FieldEdit { field: field.to_string(), value, base })
            .collect();
        self.op(record, unit, OpBody::SetFields { fields })
    }

    fn hamlet_registration(&mut self) -> Operation {
        let record = RecordId { kind: RecordKind::Hamlet, id: self.hamlet.trim_start_matches("hamlet:").to_string() };
        let commune = self.commune.clone();
        let number = self.index + 1;
        self.fields(
            record,
            &commune,
            vec![("name", json!(format!("Thử tải {number}")), vec![]), ("unit_type", json!("Thôn"), vec![])],
        )
    }

    /// A new batch of 5 to 50 operations.
    fn batch(&mut self) -> Vec<Operation> {
        let target = 5 + self.rng.below(46) as usize;
        let unit = self.hamlet.clone();
        let mut ops = Vec::with_capacity(target);
        while ops.len() < target {
            let roll = self.rng.below(100);
            if roll < 10 || self.households.is_empty() {
                let id = format!("{}-ho-{}", self.name, self.households.len());
                let family = FAMILY_NAMES[self.rng.below(FAMILY_NAMES.len() as u64) as usize];
                let given = GIVEN_NAMES[self.rng.below(GIVEN_NAMES.len() as u64) as usize];
                let number = self.households.len() + 1;
                ops.push(self.fields(
                    RecordId { kind: RecordKind::Household, id: id.clone() },
                    &unit,
                    vec![
                        ("ten_chu_ho", json!(format!("{family} {given}")), vec![]),
                        ("dia_chi", json!(format!("Số {number}, Thôn Thử tải {}", self.index + 1)), vec![]),
                    ],
                ));
                self.households.push(id);
            } else if roll < 45 || self.people.is_empty() {
                let id = format!("{}-nguoi-{}", self.name, self.people.len());
                let family = FAMILY_NAMES[self.rng.below(FAMILY_NAMES.len() as u64) as usize];
                let given = GIVEN_NAMES[self.rng.below(GIVEN_NAMES.len() as u64) as usize];
                let household = self.households[self.rng.below(self.households.len() as u64) as usize].clone();
                let skill = SKILLS[self.rng.below(SKILLS.len() as u64) as usize];
                let birth_year = 1950 + self.rng.below(60);
                let op = self.fields(
                    RecordId { kind: RecordKind::Person, id: id.clone() },
                    &unit,
                    vec![
                        ("name", json!(format!("{family} {given}")), vec![]),
                        ("birth_year", json!(birth_year), vec![]),
                        ("household", json!(household), vec![]),
                        ("digital_skill", json!(skill), vec![]),
                    ],
                );
                self.people.push(Person { id, skill_op: op.id.clone() });
                ops.push(op);
            } else if roll < 60 {
                // An edit of one of the device's people, based on what it last saw.
                let at = self.rng.below(self.people.len() as u64) as usize;
                let (id, base) = (self.people[at].id.clone(), self.people[at].skill_op.clone());
                let skill = SKILLS[self.rng.below(SKILLS.len() as u64) as usize];
                let op = self.fields(
                    RecordId { kind: RecordKind::Person, id },
                    &unit,
                    vec![("digital_skill", json!(skill), vec![base])],
                );
                self.people[at].skill_op = op.id.clone();
                ops.push(op);
            } else if roll < 85 || self.evaluations.is_empty() {
                // A new Learning Citizen evaluation of one of its people, with as many
                // scores as fit in the batch.
                let subject = &self.people[self.rng.below(self.people.len() as u64) as usize];
                let subject = json!({"kind": "person", "id": subject.id});
                let id = format!("{}-cdht-{}", self.name, self.evaluations.len());
                let record = RecordId { kind: RecordKind::Evaluation, id: id.clone() };
                ops.push(self.fields(
                    record.clone(),
                    &unit,
                    vec![
                        ("set", json!(CRITERIA_SET), vec![]),
                        ("subject", subject, vec![]),
                        ("year", json!(2026), vec![]),
                    ],
                ));
                let mut scored = BTreeMap::new();
                let indicators = self.indicators.clone();
                for (i, indicator) in indicators.iter().enumerate().take(target.saturating_sub(ops.len())) {
                    let answer = answer(&indicator.measure, &mut self.rng);
                    let op = self.op(
                        record.clone(),
                        &unit,
                        OpBody::SetScore { indicator: indicator.code.clone(), answer, base: vec![] },
                    );
                    scored.insert(i, op.id.clone());
                    ops.push(op);
                }
                self.evaluations.push(EvaluationRecord { id, scored });
            } else {
                // Rescoring one indicator of a recent evaluation.
                let recent = self.evaluations.len().saturating_sub(20);
                let at = recent + self.rng.below((self.evaluations.len() - recent) as u64) as usize;
                let i = self.rng.below(self.indicators.len() as u64) as usize;
                let indicator = self.indicators[i].clone();
                let base: Vec<String> = self.evaluations[at].scored.get(&i).cloned().into_iter().collect();
                let answer = answer(&indicator.measure, &mut self.rng);
                let record = RecordId { kind: RecordKind::Evaluation, id: self.evaluations[at].id.clone() };
                let op = self.op(record, &unit, OpBody::SetScore { indicator: indicator.code, answer, base });
                self.evaluations[at].scored.insert(i, op.id.clone());
                ops.push(op);
            }
        }
        ops
    }

    /// Pushes `ops` and checks the answer. `old` is how many at the front were pushed
    /// (and acknowledged) before. Returns false when the answer never came (the device
    /// keeps the batch and sends it again).
    async fn push(&mut self, kind: PushKind, ops: &[Operation], old: usize, progress: &Progress) -> bool {
        let body = serde_json::to_vec(&PushRequest { protocol: 1, device: self.name.clone(), ops: ops.to_vec() })
            .expect("push JSON");
        let started = Instant::now();
        let answer = self.conn.request("POST", "/api/v1/sync/push", Some(&self.token), &body).await;
        let elapsed = started.elapsed().as_micros() as u64;
        progress.pushes.fetch_add(1, Ordering::Relaxed);
        progress.push_micros.fetch_add(elapsed, Ordering::Relaxed);
        let (status, bytes) = match answer {
            Ok(answer) => answer,
            Err(err) => {
                self.stats.push.push(elapsed);
                self.stats.error(progress, err);
                return false;
            }
        };
        self.stats.push.push(elapsed);
        if !(200..300).contains(&status) {
            let text = String::from_utf8_lossy(&bytes).chars().take(300).collect::<String>();
            self.stats.error(progress, format!("push: HTTP {status}: {text}"));
            // A 5xx means nothing was acknowledged: send it again.
            return status < 500;
        }
        let response: PushResponse = match serde_json::from_slice(&bytes) {
            Ok(response) => response,
            Err(err) => {
                self.stats.error(progress, format!("push: unreadable answer: {err}"));
                return false;
            }
        };
        self.stats.rejected += response.rejected.len() as u64;
        if let Some(rejection) = response.rejected.first() {
            self.stats.unexpected += 1;
            let message =
                format!("push: {} rejected, first {}: {}", response.rejected.len(), rejection.code, rejection.message);
            self.stats.error(progress, message);
        }
        // What the answer should say.
        let ids: Vec<&str> = ops.iter().map(|op| op.id.as_str()).collect();
        let as_expected = match kind {
            PushKind::New | PushKind::Retry | PushKind::Mixed => {
                response.duplicates.iter().map(String::as_str).eq(ids[..old].iter().copied())
                    && response.accepted.iter().map(String::as_str).eq(ids[old..].iter().copied())
            }
            PushKind::Resend => {
                let mut answered: Vec<&str> =
                    response.accepted.iter().chain(&response.duplicates).map(String::as_str).collect();
                answered.sort_unstable();
                let mut sent = ids.clone();
                sent.sort_unstable();
                answered == sent
            }
        };
        if !as_expected && response.rejected.is_empty() {
            self.stats.unexpected += 1;
            let message = format!(
                "push ({kind:?}, {} ops, {old} sent before): {} accepted, {} duplicates",
                ops.len(),
                response.accepted.len(),
                response.duplicates.len()
            );
            self.stats.error(progress, message);
        }
        progress.accepted.fetch_add(response.accepted.len() as u64, Ordering::Relaxed);
        for id in response.accepted {
            if self.accepted_set.insert(id.clone()) {
                self.accepted.push(id);
            } else {
                self.accepted_twice.push(id);
            }
        }
        self.duplicates.extend(response.duplicates);
        true
    }

    /// Pulls its scope from its cursor until nothing more is waiting. `record` says
    /// whether the latencies count (not during the final drain).
    async fn pull(&mut self, progress: &Progress, record: bool) {
        loop {
            let path = format!("/api/v1/sync/pull?after={}&limit={MAX_PULL_PAGE}", self.cursor);
            let started = Instant::now();
            let answer = self.conn.request("GET", &path, Some(&self.token), b"").await;
            let elapsed = started.elapsed().as_micros() as u64;
            if record {
                self.stats.pull.push(elapsed);
                progress.pulls.fetch_add(1, Ordering::Relaxed);
                progress.pull_micros.fetch_add(elapsed, Ordering::Relaxed);
            }
            let (status, bytes) = match answer {
                Ok(answer) => answer,
                Err(err) => return self.stats.error(progress, err),
            };
            if status != 200 {
                let text = String::from_utf8_lossy(&bytes).chars().take(300).collect::<String>();
                return self.stats.error(progress, format!("pull: HTTP {status}: {text}"));
            }
            let page: Page = match serde_json::from_slice(&bytes) {
                Ok(page) => page,
                Err(err) => return self.stats.error(progress, format!("pull: unreadable page: {err}")),
            };
            self.stats.pulled_ops += page.ops.len() as u64;
            let now = now_ms();
            for op in page.ops {
                self.clock = self.clock.receive(&op.hlc, now);
                if !self.seen.insert(op.id) {
                    self.seen_twice += 1;
                }
            }
            self.cursor = page.cursor;
            if !page.more {
                return;
            }
        }
    }

    /// One round: a push (new, a retry, or a retry with new work), then a pull.
    async fn round(&mut self, progress: &Progress) {
        let (kind, ops, old) = if let Some(pending) = self.pending.take() {
            (PushKind::Resend, pending.1, pending.2)
        } else {
            let roll = self.rng.below(100);
            match self.previous.take() {
                Some(previous) if roll < 10 => {
                    self.stats.retries += 1;
                    let old = previous.len();
                    (PushKind::Retry, previous, old)
                }
                Some(mut previous) if roll < 15 => {
                    self.stats.mixed_retries += 1;
                    let old = previous.len();
                    previous.extend(self.batch());
                    (PushKind::Mixed, previous, old)
                }
                _ => (PushKind::New, self.batch(), 0),
            }
        };
        if self.push(kind, &ops, old, progress).await {
            // Only the new part is "the previous batch" of a mixed push.
            let new = ops[old..].to_vec();
            self.previous = Some(if new.is_empty() { ops } else { new });
        } else {
            self.pending = Some((PushKind::Resend, ops, old));
        }
        self.pull(progress, true).await;
    }
}

// ---------------------------------------------------------------------------------
// A diagnostic: the store with its calls timed (`--store-timing`).

const CALLS: [&str; 7] = ["get", "put", "remove", "insert_new", "scan", "apply", "flush"];

#[derive(Debug, Default)]
struct Timing {
    on: AtomicBool,
    calls: [AtomicU64; 7],
    nanos: [AtomicU64; 7],
    /// Microseconds of each apply and flush.
    applies: Mutex<Vec<u64>>,
    flushes: Mutex<Vec<u64>>,
}

impl Timing {
    fn time<T>(&self, call: usize, f: impl FnOnce() -> T) -> T {
        if !self.on.load(Ordering::Relaxed) {
            return f();
        }
        let started = Instant::now();
        let out = f();
        let elapsed = started.elapsed();
        self.calls[call].fetch_add(1, Ordering::Relaxed);
        self.nanos[call].fetch_add(elapsed.as_nanos() as u64, Ordering::Relaxed);
        let list = match call {
            5 => Some(&self.applies),
            6 => Some(&self.flushes),
            _ => None,
        };
        if let Some(list) = list {
            list.lock().expect("timing lock").push(elapsed.as_micros() as u64);
        }
        out
    }

    fn report(&self, elapsed: f64) {
        println!("store calls while measuring (--store-timing):");
        for (i, name) in CALLS.iter().enumerate() {
            let calls = self.calls[i].load(Ordering::Relaxed);
            if calls == 0 {
                continue;
            }
            let total = self.nanos[i].load(Ordering::Relaxed) as f64 / 1e9;
            let mut line = format!(
                "  {name}: {calls} calls ({:.0}/s), {total:.2} s in all ({:.0}% of the wall time), mean {:.3} ms",
                calls as f64 / elapsed,
                100.0 * total / elapsed,
                1000.0 * total / calls as f64
            );
            let list = match i {
                5 => Some(&self.applies),
                6 => Some(&self.flushes),
                _ => None,
            };
            if let Some(list) = list {
                let s = summarise(list.lock().expect("timing lock").clone());
                line.push_str(&format!(", p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms", s.p50, s.p99, s.max));
            }
            println!("{line}");
        }
    }
}

#[derive(Debug)]
struct TimingStore {
    inner: Arc<SledStore>,
    timing: Arc<Timing>,
}

impl Store for TimingStore {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.timing.time(0, || self.inner.get(keyspace, key))
    }
    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.timing.time(1, || self.inner.put(keyspace, key, value))
    }
    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.timing.time(2, || self.inner.remove(keyspace, key))
    }
    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.timing.time(3, || self.inner.insert_new(keyspace, key, value))
    }
    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        self.timing.time(4, || self.inner.scan(keyspace, prefix, after, limit))
    }
    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        self.timing.time(5, || self.inner.apply(batch))
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.timing.time(6, || self.inner.flush())
    }
}

// ---------------------------------------------------------------------------------
// The server.

struct Server {
    addr: SocketAddr,
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// Starts the server as `hoctap serve` does, on its own runtime and thread.
fn start_server(state: AppState, workers: usize) -> Server {
    let (found, address) = std::sync::mpsc::channel();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            let mut builder = tokio::runtime::Builder::new_multi_thread();
            if workers > 0 {
                builder.worker_threads(workers);
            }
            let runtime = builder.enable_all().thread_name("server-worker").build().expect("server runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
                found.send(listener.local_addr().expect("address")).expect("send address");
                axum::serve(listener, app(state, None))
                    .with_graceful_shutdown(async {
                        let _ = stopped.await;
                    })
                    .await
                    .expect("serve");
            });
        })
        .expect("server thread");
    let addr = address.recv_timeout(Duration::from_secs(30)).expect("the server listens");
    Server { addr, stop, thread }
}

// ---------------------------------------------------------------------------------
// Reporting.

fn percentile(sorted: &[u64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1] as f64 / 1000.0
}

struct Summary {
    count: usize,
    p50: f64,
    p90: f64,
    p99: f64,
    max: f64,
    mean: f64,
}

fn summarise(mut samples: Vec<u64>) -> Summary {
    samples.sort_unstable();
    let mean =
        if samples.is_empty() { 0.0 } else { samples.iter().sum::<u64>() as f64 / samples.len() as f64 / 1000.0 };
    Summary {
        count: samples.len(),
        p50: percentile(&samples, 50.0),
        p90: percentile(&samples, 90.0),
        p99: percentile(&samples, 99.0),
        max: samples.last().map_or(0.0, |m| *m as f64 / 1000.0),
        mean,
    }
}

/// CPU time (user + system, seconds) of the whole process, and of each live thread by
/// id, with the thread's name without its number (the server's runtime, the devices'
/// runtime, sled's own threads).
fn cpu_by_thread() -> (f64, HashMap<String, (String, f64)>) {
    let ticks = 100.0; // USER_HZ on Linux
    let seconds = |stat: &str| -> f64 {
        // Fields after the parenthesised name: utime and stime are the 12th and 13th.
        let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
        let fields: Vec<&str> = rest.split_whitespace().collect();
        let field = |i: usize| fields.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
        (field(11) + field(12)) / ticks
    };
    let total = seconds(&std::fs::read_to_string("/proc/self/stat").unwrap_or_default());
    let mut groups = HashMap::new();
    if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
        for task in tasks.flatten() {
            let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
            let name = comm.trim().trim_end_matches(|c: char| c.is_ascii_digit() || c == '-').to_string();
            let stat = std::fs::read_to_string(task.path().join("stat")).unwrap_or_default();
            groups.insert(task.file_name().to_string_lossy().into_owned(), (name, seconds(&stat)));
        }
    }
    (total, groups)
}

/// The machine's busy CPU time so far, in seconds, over all cores (from /proc/stat):
/// with this process's own, it tells how much else ran during the measurement.
fn machine_busy() -> f64 {
    let stat = std::fs::read_to_string("/proc/stat").unwrap_or_default();
    let Some(line) = stat.lines().find(|l| l.starts_with("cpu ")) else { return 0.0 };
    let fields: Vec<f64> = line.split_whitespace().skip(1).filter_map(|v| v.parse().ok()).collect();
    // user nice system idle iowait irq softirq steal …: everything but idle and iowait.
    let busy: f64 = fields.iter().take(8).enumerate().filter(|(i, _)| *i != 3 && *i != 4).map(|(_, v)| v).sum();
    busy / 100.0
}

/// The bytes of the files under `dir`.
fn dir_bytes(dir: &std::path::Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
    entries
        .flatten()
        .map(|entry| match entry.metadata() {
            Ok(meta) if meta.is_dir() => dir_bytes(&entry.path()),
            Ok(meta) => meta.len(),
            Err(_) => 0,
        })
        .sum()
}

/// This process's resident memory, in MiB.
fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    kib / 1024.0
}

fn machine() -> String {
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let meminfo = std::fs::read_to_string("/proc/meminfo").unwrap_or_default();
    let ram_kib: f64 = meminfo
        .lines()
        .find(|l| l.starts_with("MemTotal:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0.0);
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .unwrap_or_default()
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().to_string())
        .unwrap_or_else(|| "unknown CPU".into());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    format!("{cores} cores ({cpu}), {} GiB RAM, Linux {}", (ram_kib / 1024.0 / 1024.0).floor(), kernel.trim())
}

// ---------------------------------------------------------------------------------

fn main() {
    let options = options();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn,tower_http=error".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let client =
        tokio::runtime::Builder::new_multi_thread().enable_all().thread_name("device").build().expect("client runtime");
    let failed = client.block_on(run(options));
    std::process::exit(if failed { 1 } else { 0 })
}

/// The whole test; true when it failed.
async fn run(options: Options) -> bool {
    println!("machine: {}", machine());
    println!(
        "load test: {} devices for {} s over {} communes, think time {} ms, seed {}",
        options.devices, options.seconds, options.communes, options.think_ms, options.seed
    );

    // The server's state, as `hoctap serve` builds it, over a fresh data directory.
    let dir = tempfile::tempdir().expect("tempdir");
    let data_dir = dir.path().join("data");
    std::fs::create_dir_all(&data_dir).expect("data dir");
    let sled = SledStore::open(&data_dir).expect("sled");
    store::check_schema(&sled).expect("schema");
    let catalog = Arc::new(Catalog::load_shipped().expect("catalogue"));
    let sled = Arc::new(sled);
    let timing = Arc::new(Timing::default());
    let store: Arc<dyn Store> = if options.store_timing {
        Arc::new(TimingStore { inner: sled.clone(), timing: timing.clone() })
    } else {
        sled.clone()
    };
    let state = AppState::new(store, catalog.clone());

    let province = catalog.units.get(PROVINCE_OF).and_then(|u| u.parent.clone()).expect("the commune's province");
    let communes: Vec<String> = catalog
        .units
        .children(&province)
        .filter(|u| u.kind == UnitKind::Commune && u.valid_to.is_none())
        .map(|u| u.id.clone())
        .take(options.communes)
        .collect();
    assert!(!communes.is_empty(), "no current commune in {province}");
    let set = catalog.criteria_set(CRITERIA_SET, None).expect("criteria set");
    let indicators: Arc<Vec<Indicator>> =
        Arc::new(set.indicators().map(|i| Indicator { code: i.code.clone(), measure: i.measure.clone() }).collect());

    // Invitations, as an administrator (or `hoctap admin invite`) makes them.
    let invite = |role: Role, unit: &str, name: String| {
        let request = CreateInvitation { role, unit: unit.to_string(), display_name: name, valid_hours: None };
        auth::create_invitation(&state, &request, None).expect("invitation").token
    };
    let admin_invitation = invite(Role::ProvinceAdmin, &province, "Quản trị tỉnh (thử tải)".into());
    let invitations: Vec<String> = (0..options.devices)
        .map(|i| invite(Role::CommuneOfficer, &communes[i % communes.len()], format!("Cán bộ thử tải {}", i + 1)))
        .collect();

    let indexed = hoctap_server::figures::ensure_index(&state).expect("figures index");
    assert_eq!(indexed, 0, "a fresh data directory has nothing to index");
    let server = start_server(state.clone(), options.server_workers);
    let addr = server.addr;
    println!(
        "server: http://{addr}/ over {}; {} communes of {province}: {} …",
        data_dir.display(),
        communes.len(),
        communes.iter().take(3).cloned().collect::<Vec<_>>().join(", ")
    );

    // Set-up: every device accepts its invitation over HTTP (an argon2id hash each)
    // and registers its hamlet; then all start together.
    let progress = Arc::new(Progress::default());
    let setup_gate = Arc::new(tokio::sync::Semaphore::new(SETUP_CONCURRENCY));
    let start = Arc::new(tokio::sync::Barrier::new(options.devices + 1));
    let setup_started = Instant::now();
    let duration = Duration::from_secs(options.seconds);
    let mut tasks = Vec::new();
    for (index, invitation) in invitations.into_iter().enumerate() {
        let (progress, setup_gate, start) = (progress.clone(), setup_gate.clone(), start.clone());
        let commune = communes[index % communes.len()].clone();
        let indicators = indicators.clone();
        let (seed, think_ms) = (options.seed, options.think_ms);
        tasks.push(tokio::spawn(async move {
            let name = format!("tt-{index:03}");
            let mut conn = Conn::new(addr);
            let token = {
                let _permit = setup_gate.acquire().await.expect("semaphore");
                let body = json!({"username": name, "password": PASSWORD}).to_string();
                let (status, reply) = conn
                    .request("POST", &format!("/api/v1/invitations/{invitation}/accept"), None, body.as_bytes())
                    .await
                    .expect("accept the invitation");
                assert_eq!(status, 201, "accept: {}", String::from_utf8_lossy(&reply));
                let reply: Value = serde_json::from_slice(&reply).expect("login JSON");
                reply["token"].as_str().expect("token").to_string()
            };
            let mut device = Device {
                index,
                name: name.clone(),
                hamlet: format!("hamlet:{name}-thon"),
                commune,
                token,
                conn,
                rng: Rng((seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)) | 1),
                clock: Hlc::zero(&name),
                made: 0,
                households: Vec::new(),
                people: Vec::new(),
                evaluations: Vec::new(),
                indicators,
                previous: None,
                pending: None,
                cursor: 0,
                accepted: Vec::new(),
                accepted_set: HashSet::new(),
                duplicates: Vec::new(),
                accepted_twice: Vec::new(),
                seen: HashSet::new(),
                seen_twice: 0,
                stats: Stats::default(),
            };
            let hamlet = vec![device.hamlet_registration()];
            let setup = Progress::default();
            assert!(device.push(PushKind::New, &hamlet, 0, &setup).await, "register the hamlet");
            assert_eq!(device.accepted.len(), 1, "the hamlet is registered: {:?}", device.stats.samples);
            device.stats = Stats::default();

            start.wait().await;
            let deadline = Instant::now() + duration;
            while Instant::now() < deadline {
                device.round(&progress).await;
                if think_ms > 0 {
                    let pause = think_ms / 2 + device.rng.below(think_ms + 1);
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                }
            }
            // A batch never acknowledged is sent until it is (outside the measurement).
            let mut attempts = 0;
            while let Some((kind, ops, old)) = device.pending.take() {
                attempts += 1;
                if attempts > 10 || !device.push(kind, &ops, old, &Progress::default()).await {
                    device.pending = Some((kind, ops, old));
                    if attempts > 10 {
                        break;
                    }
                }
            }
            device
        }));
    }
    start.wait().await;
    let started = Instant::now();
    let (cpu_before, threads_before) = cpu_by_thread();
    let busy_before = machine_busy();
    timing.on.store(true, Ordering::Relaxed);
    // A progress line every 10 s, about those 10 s.
    let ticker = {
        let (progress, timing) = (progress.clone(), timing.clone());
        tokio::spawn(async move {
            let started = Instant::now();
            let read = |timing: &Timing| {
                let (cpu, _) = cpu_by_thread();
                let counter = |c: &AtomicU64| c.load(Ordering::Relaxed);
                [
                    counter(&progress.pushes),
                    counter(&progress.pulls),
                    counter(&progress.push_micros),
                    counter(&progress.pull_micros),
                    counter(&progress.accepted),
                    counter(&progress.errors),
                    (cpu * 1000.0) as u64,
                    counter(&timing.calls[5]),
                    counter(&timing.nanos[5]),
                    counter(&timing.calls[6]),
                    counter(&timing.nanos[6]),
                ]
            };
            let mut last = read(&timing);
            loop {
                tokio::time::sleep(Duration::from_secs(10)).await;
                let now = read(&timing);
                let d: Vec<f64> = now.iter().zip(&last).map(|(a, b)| a.saturating_sub(*b) as f64).collect();
                let mut line = format!(
                    "  {:>4.0} s: {:.0} pushes/s (mean {:.0} ms), {:.0} pulls/s (mean {:.1} ms), {:.0} operations/s accepted, {} errors, CPU {:.0}% of one core, RSS {:.0} MiB",
                    started.elapsed().as_secs_f64(),
                    d[0] / 10.0,
                    d[2] / d[0].max(1.0) / 1000.0,
                    d[1] / 10.0,
                    d[3] / d[1].max(1.0) / 1000.0,
                    d[4] / 10.0,
                    now[5],
                    d[6] / 10.0 / 10.0,
                    rss_mib(),
                );
                if d[7] > 0.0 {
                    line.push_str(&format!(
                        "; store apply mean {:.2} ms, flush mean {:.2} ms",
                        d[8] / d[7] / 1e6,
                        d[10] / d[9].max(1.0) / 1e6
                    ));
                }
                println!("{line}");
                last = now;
            }
        })
    };
    println!(
        "set-up: {} accounts (invitations accepted over HTTP) and {} hamlets in {:.1} s; running for {} s",
        options.devices + 1,
        options.devices,
        setup_started.elapsed().as_secs_f64(),
        options.seconds
    );
    let mut devices = Vec::new();
    for task in tasks {
        devices.push(task.await.expect("device task"));
    }
    let elapsed = started.elapsed().as_secs_f64();
    ticker.abort();
    let (cpu_after, threads_after) = cpu_by_thread();
    let busy_after = machine_busy();
    timing.on.store(false, Ordering::Relaxed);

    // ------------------------------------------------------------------ results
    let mut push_lat = Vec::new();
    let mut pull_lat = Vec::new();
    let (mut errors, mut unexpected, mut rejected, mut retries, mut mixed, mut pulled) = (0, 0, 0, 0, 0, 0);
    let mut samples = Vec::new();
    for device in &mut devices {
        push_lat.append(&mut device.stats.push);
        pull_lat.append(&mut device.stats.pull);
        errors += device.stats.errors;
        unexpected += device.stats.unexpected;
        rejected += device.stats.rejected;
        retries += device.stats.retries;
        mixed += device.stats.mixed_retries;
        pulled += device.stats.pulled_ops;
        samples.extend(device.stats.samples.drain(..).map(|s| format!("{}: {s}", device.name)));
    }
    let accepted_total: usize = devices.iter().map(|d| d.accepted.len()).sum::<usize>() - devices.len();
    let push = summarise(push_lat);
    let pull = summarise(pull_lat);
    let requests = push.count + pull.count;
    println!("measured: {elapsed:.1} s");
    for (what, s) in [("push", &push), ("pull", &pull)] {
        println!(
            "{what}: {} requests ({:.0}/s), latency p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms, mean {:.1} ms",
            s.count,
            s.count as f64 / elapsed,
            s.p50,
            s.p90,
            s.p99,
            s.max,
            s.mean
        );
    }
    println!(
        "throughput: {:.0} requests/s; {accepted_total} operations accepted ({:.0}/s); {pulled} operations pulled ({:.0}/s); {retries} retried batches and {mixed} retries with new work answered",
        requests as f64 / elapsed,
        accepted_total as f64 / elapsed,
        pulled as f64 / elapsed
    );
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1) as f64;
    // Per thread alive at the end, what it used since the start; the rest is threads
    // that ended meanwhile (sled's I/O pool starts and ends threads as it goes).
    let mut groups: BTreeMap<&str, f64> = BTreeMap::new();
    for (tid, (name, after)) in &threads_after {
        let before = threads_before.get(tid).map_or(0.0, |(_, before)| *before);
        *groups.entry(name.as_str()).or_default() += after - before;
    }
    let live: f64 = groups.values().sum();
    let by_thread: Vec<String> =
        groups.iter().filter(|(_, used)| **used >= 0.05).map(|(name, used)| format!("{name} {used:.1} s")).collect();
    println!(
        "CPU while measuring: {:.1} s of {:.1} s available ({:.0}%); by thread: {}, threads ended meanwhile {:.1} s",
        cpu_after - cpu_before,
        elapsed * cores,
        100.0 * (cpu_after - cpu_before) / (elapsed * cores),
        by_thread.join(", "),
        (cpu_after - cpu_before - live).max(0.0)
    );
    let others = (busy_after - busy_before - (cpu_after - cpu_before)).max(0.0);
    println!(
        "other processes on the machine while measuring: {others:.1} s of CPU ({:.0}% of the cores){}",
        100.0 * others / (elapsed * cores),
        if others / (elapsed * cores) > 0.1 { " — the numbers are slowed by them" } else { "" }
    );
    if options.store_timing {
        timing.report(elapsed);
    }
    println!("errors: {errors} (of which unexpected push answers {unexpected}, rejected operations {rejected})");
    for sample in samples.iter().take(10) {
        println!("  {sample}");
    }

    // ------------------------------------------------------------------ verification
    let verify_started = Instant::now();
    let mut problems: Vec<String> = Vec::new();
    let unacknowledged: usize = devices.iter().filter(|d| d.pending.is_some()).count();
    if unacknowledged > 0 {
        problems.push(format!("{unacknowledged} devices still hold a batch never acknowledged"));
    }
    // Each device drains its scope; it must have seen exactly its commune's accepted
    // operations, each once.
    for device in &mut devices {
        device.pull(&progress, false).await;
    }
    let drain_errors = devices.iter().map(|d| d.stats.errors).sum::<u64>() - errors;
    if drain_errors > 0 {
        println!("errors while draining: {drain_errors}");
        for device in &devices {
            for sample in &device.stats.samples {
                println!("  {}: {sample}", device.name);
            }
        }
    }
    let errors = errors + drain_errors;
    // Who accepted what; no id accepted twice.
    let mut owner: HashMap<&str, usize> = HashMap::new();
    let mut accepted_twice = devices.iter().map(|d| d.accepted_twice.len()).sum::<usize>();
    for device in &devices {
        for id in &device.accepted {
            if owner.insert(id.as_str(), device.index).is_some() {
                accepted_twice += 1;
            }
        }
    }
    // Every duplicate answered was accepted before, by the same device.
    let false_duplicates: usize =
        devices.iter().map(|d| d.duplicates.iter().filter(|id| owner.get(id.as_str()) != Some(&d.index)).count()).sum();
    let mut by_commune: HashMap<&str, HashSet<&str>> = HashMap::new();
    for device in &devices {
        by_commune.entry(device.commune.as_str()).or_default().extend(device.accepted.iter().map(String::as_str));
    }
    let (mut own_missing, mut commune_missing, mut foreign_seen, mut delivered_twice) = (0usize, 0usize, 0usize, 0u64);
    for device in &devices {
        own_missing += device.accepted.iter().filter(|id| !device.seen.contains(*id)).count();
        let expected = &by_commune[device.commune.as_str()];
        commune_missing += expected.iter().filter(|id| !device.seen.contains(**id)).count();
        foreign_seen += device.seen.iter().filter(|id| !expected.contains(id.as_str())).count();
        delivered_twice += device.seen_twice;
    }
    // The province administrator pulls the whole log.
    let mut admin = Conn::new(addr);
    let body = json!({"username": "quan-tri-thu-tai", "password": PASSWORD}).to_string();
    let (status, reply) = admin
        .request("POST", &format!("/api/v1/invitations/{admin_invitation}/accept"), None, body.as_bytes())
        .await
        .expect("accept");
    assert_eq!(status, 201, "{}", String::from_utf8_lossy(&reply));
    let admin_token =
        serde_json::from_slice::<Value>(&reply).expect("json")["token"].as_str().expect("token").to_string();
    let mut in_log: HashMap<String, u32> = HashMap::new();
    let (mut cursor, mut log_len) = (0u64, 0usize);
    loop {
        let path = format!("/api/v1/sync/pull?after={cursor}&limit={MAX_PULL_PAGE}");
        let (status, bytes) = admin.request("GET", &path, Some(&admin_token), b"").await.expect("admin pull");
        assert_eq!(status, 200, "{}", String::from_utf8_lossy(&bytes));
        let page: Page = serde_json::from_slice(&bytes).expect("page");
        log_len += page.ops.len();
        for op in page.ops {
            *in_log.entry(op.id).or_default() += 1;
        }
        cursor = page.cursor;
        if !page.more {
            break;
        }
    }
    let stored_twice = in_log.values().filter(|n| **n > 1).count();
    let lost = owner.keys().filter(|id| !in_log.contains_key(**id)).count();
    let unexpected_in_log = in_log.keys().filter(|id| !owner.contains_key(id.as_str())).count();
    println!(
        "verification ({:.1} s): the log holds {log_len} operations ({} distinct, last sequence number {cursor}); {} accepted by the devices (hamlet registrations included)",
        verify_started.elapsed().as_secs_f64(),
        in_log.len(),
        owner.len()
    );
    println!(
        "  lost {lost}, stored twice {stored_twice}, stored but never acknowledged {unexpected_in_log}, accepted twice {accepted_twice}, duplicates never accepted {false_duplicates}"
    );
    println!(
        "  device pulls: own accepted operations not seen {own_missing}, commune operations not seen {commune_missing}, seen from outside the commune {foreign_seen}, delivered twice {delivered_twice}"
    );
    for (what, n) in [
        ("lost", lost),
        ("stored twice", stored_twice),
        ("stored but never acknowledged", unexpected_in_log),
        ("accepted twice", accepted_twice),
        ("answered as duplicates without having been accepted", false_duplicates),
        ("own accepted operations not pulled back", own_missing),
        ("commune operations not pulled", commune_missing),
        ("pulled from outside the scope", foreign_seen),
        ("delivered twice to a device", delivered_twice as usize),
    ] {
        if n > 0 {
            problems.push(format!("{n} operations {what}"));
        }
    }
    if log_len as u64 != cursor {
        problems.push(format!("the log's last sequence number {cursor} is not its length {log_len}"));
    }
    if errors > 0 {
        problems.push(format!("{errors} errors"));
    }

    // Stop the server and flush, as `serve` does on SIGTERM.
    drop(devices);
    drop(admin);
    let _ = server.stop.send(());
    let _ = server.thread.join();
    sled.flush().expect("flush");
    println!("data directory after the run: {:.0} MiB", dir_bytes(&data_dir) as f64 / 1024.0 / 1024.0);

    let verdict = if problems.is_empty() { "0 lost, 0 duplicated".to_string() } else { problems.join("; ") };
    println!(
        "summary: {} devices × {:.0} s | push p50 {:.1} ms, p99 {:.1} ms | pull p50 {:.1} ms, p99 {:.1} ms | {:.0} requests/s, {:.0} operations/s accepted | {} errors | {verdict}",
        options.devices,
        elapsed,
        push.p50,
        push.p99,
        pull.p50,
        pull.p99,
        requests as f64 / elapsed,
        accepted_total as f64 / elapsed,
        errors
    );
    if problems.is_empty() {
        println!("PASS");
        false
    } else {
        println!("FAIL: {}", problems.join("; "));
        true
    }
}
