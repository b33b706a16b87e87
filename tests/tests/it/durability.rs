//! Durability with the real `hoctap` binary: a client streams pushes while the server
//! is killed with SIGKILL at random moments, restarted and pushed to again; every
//! acknowledged operation must then be in the log exactly once. Then `hoctap backup`
//! and `hoctap restore` must rebuild an empty data directory with identical derived
//! state. The binary is built by the README's test command before the tests run.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use hoctap_server::store::{SledStore, Store};
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, PushRequest, RecordId, RecordKind};
use serde_json::{json, Value};

const COMMUNE: &str = "commune:00004:2025";
const PASSWORD: &str = "mat-khau-kiem-thu";

pub(crate) fn binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().and_then(Path::parent).expect("target dir");
    let binary = dir.join("hoctap");
    assert!(
        binary.is_file(),
        "{} is missing: run `cargo build -p hoctap-server` first (scripts/test.sh does)",
        binary.display()
    );
    binary
}

pub(crate) fn hoctap(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(binary()).args(args).env("NO_COLOR", "1").output().expect("run hoctap");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A running `hoctap serve` and the address it listens on.
pub(crate) struct Server {
    child: Child,
    pub(crate) addr: String,
}

impl Server {
    pub(crate) fn start(data_dir: &Path) -> Server {
        Server::start_with(data_dir, &[])
    }

    /// [`Server::start`] with more arguments for `serve`.
    pub(crate) fn start_with(data_dir: &Path, extra: &[&str]) -> Server {
        let mut child = Command::new(binary())
            .args([
                "serve",
                "--data-dir",
                &data_dir.display().to_string(),
                "--bind",
                "127.0.0.1:0",
                "--frontend",
                "/nonexistent",
            ])
            .args(extra)
            .env("NO_COLOR", "1")
            .env("RUST_LOG", "hoctap=info")
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start hoctap serve");
        let stdout = child.stdout.take().expect("stdout");
        let (found, address) = mpsc::channel();
        std::thread::spawn(move || {
            // Keep reading to the end so the server never blocks on a full pipe.
            let mut sent = false;
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let (false, Some(at)) = (sent, line.find("http://127.0.0.1:")) {
                    let rest = &line[at + "http://".len()..];
                    let addr: String = rest.chars().take_while(|c| *c != '/').collect();
                    sent = found.send(addr).is_ok();
                }
            }
        });
        let addr = address.recv_timeout(Duration::from_secs(60)).expect("the server said where it listens");
        Server { child, addr }
    }

    pub(crate) fn kill(mut self) {
        let _ = self.child.kill(); // SIGKILL
        let _ = self.child.wait();
    }

    fn terminate(mut self) {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let status = self.child.wait().expect("wait");
        assert!(status.success(), "SIGTERM should stop the server cleanly: {status}");
    }
}

/// A minimal HTTP/1.1 client (one request per connection), enough for a test.
pub(crate) fn http(
    addr: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: &[u8],
) -> std::io::Result<(u16, Value)> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    let auth = token.map(|t| format!("Authorization: Bearer {t}\r\n")).unwrap_or_default();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{auth}Content-Length: {}\r\n\r\n",
        body.len()
    )?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, mut payload) = text.split_once("\r\n\r\n").ok_or_else(|| std::io::Error::other("no header end"))?;
    let status: u16 =
        head.split(' ').nth(1).and_then(|s| s.parse().ok()).ok_or_else(|| std::io::Error::other("no status"))?;
    let decoded;
    if head.to_ascii_lowercase().contains("transfer-encoding: chunked") {
        let mut out = String::new();
        let mut rest = payload;
        while let Some((size, tail)) = rest.split_once("\r\n") {
            let size = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
            if size == 0 || tail.len() < size {
                break;
            }
            out.push_str(&tail[..size]);
            rest = tail[size..].trim_start_matches("\r\n");
        }
        decoded = out;
        payload = &decoded;
    }
    let json =
        if payload.is_empty() { Value::Null } else { serde_json::from_str(payload).map_err(std::io::Error::other)? };
    Ok((status, json))
}

struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

fn batch(round: usize, index: usize, size: usize, clock: &mut Hlc) -> Vec<Operation> {
    (0..size)
        .map(|i| {
            *clock = clock.tick(1_795_420_800_000);
            let id = format!("dur-{round}-{index}-{i}");
            let record = RecordId { kind: RecordKind::Household, id: format!("ho-{}", (index * size + i) % 97) };
            let body = OpBody::SetFields {
                fields: vec![FieldEdit { field: "ghi_chu".into(), value: json!(id), base: vec![] }],
            };
            Operation { id, device: "may-dur".into(), hlc: clock.clone(), record, unit: COMMUNE.into(), body }
        })
        .collect()
}

fn push(addr: &str, token: &str, ops: &[Operation]) -> std::io::Result<Vec<String>> {
    let body = serde_json::to_vec(&PushRequest { protocol: 1, device: "may-dur".into(), ops: ops.to_vec() })?;
    let (status, reply) = http(addr, "POST", "/api/v1/sync/push", Some(token), &body)?;
    assert_eq!(status, 200, "{reply}");
    assert!(reply["rejected"].as_array().is_some_and(Vec::is_empty), "{reply}");
    let ids = |key: &str| {
        reply[key].as_array().into_iter().flatten().filter_map(|v| v.as_str().map(str::to_string)).collect::<Vec<_>>()
    };
    let mut acknowledged = ids("accepted");
    acknowledged.extend(ids("duplicates"));
    Ok(acknowledged)
}

fn all_ops(addr: &str, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor = 0;
    loop {
        let (status, page) =
            http(addr, "GET", &format!("/api/v1/sync/pull?after={cursor}&limit=1000"), Some(token), b"").expect("pull");
        assert_eq!(status, 200, "{page}");
        ids.extend(page["ops"].as_array().expect("ops").iter().filter_map(|o| o["id"].as_str().map(str::to_string)));
        cursor = page["cursor"].as_u64().expect("cursor");
        if page["more"] != json!(true) {
            return ids;
        }
    }
}

#[test]
fn acknowledged_operations_survive_sigkill_and_backups_restore_identically() {
    let work = tempfile::tempdir().expect("tempdir");
    let data = work.path().join("data");
    let data_dir = data.display().to_string();

    // The first account comes from the command line, as on a new installation.
    let (code, out, err) =
        hoctap(&["admin", "invite", "--data-dir", &data_dir, "--unit", COMMUNE, "--role", "commune_officer"]);
    assert_eq!(code, 0, "{out}{err}");
    let invitation: String =
        out.split("/#moi/").nth(1).expect("an invitation link").chars().take_while(char::is_ascii_hexdigit).collect();
    let server = Server::start(&data);
    let body = json!({"username": "can.bo.xa", "password": PASSWORD}).to_string();
    let (status, reply) =
        http(&server.addr, "POST", &format!("/api/v1/invitations/{invitation}/accept"), None, body.as_bytes())
            .expect("accept");
    assert_eq!(status, 201, "{reply}");
    let token = reply["token"].as_str().expect("token").to_string();

    let seed =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(7)
            | 1;
    println!("durability seed {seed}");
    let mut rng = Rng(seed);
    let mut clock = Hlc::zero("may-dur");
    let mut acknowledged: Vec<String> = Vec::new();
    let mut created = 0usize;
    let mut pending: Option<Vec<Operation>> = None;
    let mut server = Some(server);
    let kills = 5;
    for round in 0..kills {
        let running = server.take().expect("a running server");
        let addr = running.addr.clone();
        // Kill at a random moment while pushes stream in.
        let delay = Duration::from_millis(150 + rng.below(600));
        let killer = std::thread::spawn(move || {
            std::thread::sleep(delay);
            running.kill();
        });
        let started = Instant::now();
        let mut index = 0;
        loop {
            let ops = pending.take().unwrap_or_else(|| {
                index += 1;
                created += 10;
                batch(round, index, 10, &mut clock)
            });
            match push(&addr, &token, &ops) {
                Ok(ids) => acknowledged.extend(ids),
                Err(_) => {
                    // The answer never came: the device keeps the batch and retries.
                    pending = Some(ops);
                    break;
                }
            }
            assert!(started.elapsed() < Duration::from_secs(60), "the server was never killed");
        }
        killer.join().expect("killer");
        server = Some(Server::start(&data));
        // The device retries what it never heard back about.
        if let Some(ops) = pending.take() {
            acknowledged
                .extend(push(&server.as_ref().expect("server").addr, &token, &ops).expect("retry after restart"));
        }
    }

    let running = server.take().expect("server");
    let stored = all_ops(&running.addr, &token);
    let mut unique = stored.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), stored.len(), "an operation is stored twice");
    let mut acked = acknowledged.clone();
    acked.sort();
    acked.dedup();
    assert_eq!(acked.len(), created, "every batch was eventually acknowledged");
    for id in &acked {
        assert!(unique.binary_search(id).is_ok(), "acknowledged operation {id} is missing after SIGKILL");
    }
    assert_eq!(unique.len(), created, "nothing was stored that was not sent");
    running.terminate();

    // Backup, then restore into an empty directory: the same derived state.
    let file = work.path().join("hoctap.backup");
    let (code, out, err) = hoctap(&["backup", "--data-dir", &data_dir, "--out", &file.display().to_string()]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(&format!("{created} thao tác")), "{out}");
    let restored = work.path().join("restored");
    let (code, out, err) =
        hoctap(&["restore", "--data-dir", &restored.display().to_string(), "--from", &file.display().to_string()]);
    assert_eq!(code, 0, "{out}{err}");
    // Restoring again into the now full directory is refused.
    let (code, _, err) =
        hoctap(&["restore", "--data-dir", &restored.display().to_string(), "--from", &file.display().to_string()]);
    assert_eq!(code, 1);
    assert!(err.contains("thư mục dữ liệu trống"), "{err}");
    // A truncated backup is refused.
    let text = std::fs::read_to_string(&file).expect("backup");
    let truncated = work.path().join("truncated.backup");
    std::fs::write(&truncated, &text[..text.len() / 2]).expect("write");
    let (code, _, err) = hoctap(&[
        "restore",
        "--data-dir",
        &work.path().join("r2").display().to_string(),
        "--from",
        &truncated.display().to_string(),
    ]);
    assert_eq!(code, 1, "{err}");

    let original = SledStore::open(&data).expect("open original");
    let copy = SledStore::open(&restored).expect("open restored");
    for keyspace in [
        "log",
        "op_ids",
        "record_ops",
        "scope",
        "views",
        "units",
        "accounts",
        "usernames",
        "sessions",
        "evidence_records",
        "op_origins",
        "refusals",
    ] {
        let a = original.scan(keyspace, b"", None, usize::MAX).expect("scan");
        let b = copy.scan(keyspace, b"", None, usize::MAX).expect("scan");
        assert!(a == b, "keyspace {keyspace} differs after restore ({} vs {} entries)", a.len(), b.len());
    }
    assert_eq!(original.get("meta", b"last_seq").expect("get"), copy.get("meta", b"last_seq").expect("get"));
}
