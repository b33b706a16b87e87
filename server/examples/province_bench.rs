//! Benchmark (not a test): a generated province on a sled data directory on local disk,
//! measured against the physical limit of the same machine and store.
//!
//! - **Ingest**: the province's operations pushed through [`hoctap_server::sync::push`]
//!   in batches of 1,000, each durable before the next (the generator's own time is not
//!   counted). Against the limit: the exact writes those pushes made (recorded by a
//!   wrapper store) replayed as plain sled batches, flushed after each batch like a push.
//! - **Pull**: a commune's whole scope read in pages of 1,000.
//! - **Consolidation** of the province for one year: cold from nothing (no figures
//!   kept: every part counted from its records), cold with the kept figures (a restarted
//!   server), and after one new operation (only its commune is counted again). Against
//!   the limit: a plain scan of the same records' stored bytes, decoding nothing. The
//!   result is checked equal to counting every record at once.
//!
//! Prints medians of several runs and the peak memory of this process (which includes
//! the generator; `scripts/bench.sh` measures the server's own). Flags:
//! `--communes 4 --hamlets 25 --households 250 --years 2025,2026 --citizens 0.2
//! --families 0.3 --runs 5 --dir <kept data directory>`; with `--reuse`, a directory this
//! benchmark already filled (with the same sizes) is measured again without ingesting it
//! (no ingest figures then).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use hoctap_server::figures;
use hoctap_server::generate::{self, Size};
use hoctap_server::store::{for_each, replay_plain, Rows, SledStore, Store, StoreError, Write};
use hoctap_server::{AppState, Catalog};
use hoctap_shared::consolidation::consolidate;
use hoctap_shared::indicators::Settings;
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind};
use serde_json::json;

/// Passes every call to sled, keeping a copy of each batch applied while `recording`.
struct Recording {
    inner: SledStore,
    recording: Mutex<bool>,
    batches: Mutex<Vec<Vec<Write>>>,
}

impl Store for Recording {
    fn get(&self, keyspace: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StoreError> {
        self.inner.get(keyspace, key)
    }
    fn put(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<(), StoreError> {
        self.inner.put(keyspace, key, value)
    }
    fn remove(&self, keyspace: &str, key: &[u8]) -> Result<(), StoreError> {
        self.inner.remove(keyspace, key)
    }
    fn insert_new(&self, keyspace: &str, key: &[u8], value: &[u8]) -> Result<bool, StoreError> {
        self.inner.insert_new(keyspace, key, value)
    }
    fn scan(&self, keyspace: &str, prefix: &[u8], after: Option<&[u8]>, limit: usize) -> Result<Rows, StoreError> {
        self.inner.scan(keyspace, prefix, after, limit)
    }
    fn apply(&self, batch: &[Write]) -> Result<(), StoreError> {
        if *self.recording.lock().expect("lock") {
            self.batches.lock().expect("lock").push(batch.to_vec());
        }
        self.inner.apply(batch)
    }
    fn flush(&self) -> Result<(), StoreError> {
        self.inner.flush()
    }
}

struct Args {
    size: Size,
    runs: usize,
    dir: Option<std::path::PathBuf>,
    reuse: bool,
}

fn args() -> Args {
    let mut size = Size { communes: 4, ..Size::default() };
    let (mut runs, mut dir, mut reuse) = (5, None, false);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        if flag == "--reuse" {
            reuse = true;
            continue;
        }
        let value = it.next().unwrap_or_default();
        match flag.as_str() {
            "--communes" => size.communes = value.parse().expect("--communes"),
            "--hamlets" => size.hamlets = value.parse().expect("--hamlets"),
            "--households" => size.households = value.parse().expect("--households"),
            "--years" => size.years = value.split(',').map(|y| y.parse().expect("--years")).collect(),
            "--citizens" => size.citizens = value.parse().expect("--citizens"),
            "--families" => size.families = value.parse().expect("--families"),
            "--province" => size.province = Some(value),
            "--runs" => runs = value.parse().expect("--runs"),
            "--dir" => dir = Some(value.into()),
            other => panic!("unknown flag {other}"),
        }
    }
    Args { size, runs, dir, reuse }
}

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn spread(samples: &[Duration]) -> String {
    let min = samples.iter().min().copied().unwrap_or_default();
    let max = samples.iter().max().copied().unwrap_or_default();
    format!("median {} (min {}, max {}, {} runs)", ms(median(samples.to_vec())), ms(min), ms(max), samples.len())
}

fn peak_memory_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn main() {
    let Args { size, runs, dir, reuse } = args();
    let catalog = Arc::new(Catalog::load_shipped().expect("catalogue"));
    let temporary = tempfile::tempdir().expect("tempdir");
    let data = dir.unwrap_or_else(|| temporary.path().join("data"));
    let recording = Arc::new(Recording {
        inner: SledStore::open(&data).expect("sled"),
        recording: Mutex::new(true),
        batches: Mutex::default(),
    });
    let state = AppState::new(recording.clone(), catalog.clone());
    // As `hoctap serve` does on a new data directory (else its first start reindexes).
    figures::ensure_index(&state).expect("index");
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
    let (province, communes) = generate::communes(&catalog, &size).expect("province");
    println!(
        "==> {} communes of {} × {} hamlets × {} households, years {:?}, citizens {}, families {}",
        communes.len(),
        province.full_name(),
        size.hamlets,
        size.households,
        size.years,
        size.citizens,
        size.families
    );

    let rate = |n: usize, d: Duration| n as f64 / d.as_secs_f64();
    // Ingest, commune by commune; the first commune's writes are recorded for the limit.
    if !reuse {
        let mut pushed = 0usize;
        let mut ingest = Duration::ZERO;
        let mut first = (0usize, Duration::ZERO);
        for (i, commune) in communes.iter().enumerate() {
            let ops = generate::commune_ops(&catalog, &size, commune, i).expect("ops");
            let started = Instant::now();
            let loaded = runtime.block_on(generate::load(&state, &ops)).expect("load");
            let took = started.elapsed();
            assert_eq!(loaded.accepted, ops.len(), "every generated operation is new");
            ingest += took;
            pushed += ops.len();
            if i == 0 {
                first = (ops.len(), took);
                *recording.recording.lock().expect("lock") = false;
            }
            eprintln!(
                "  {}/{} {}: {} operations in {}",
                i + 1,
                communes.len(),
                commune.full_name(),
                ops.len(),
                ms(took)
            );
        }
        println!("ingest: {pushed} durable operations in {} = {:.0} operations/s", ms(ingest), rate(pushed, ingest));

        // The limit: the same writes as plain sled batches, flushed after each.
        let batches = std::mem::take(&mut *recording.batches.lock().expect("lock"));
        let bytes: usize = batches
            .iter()
            .flatten()
            .map(|w| match w {
                Write::Put { keyspace, key, value } => keyspace.len() + 1 + key.len() + value.len(),
                Write::Remove { keyspace, key } => keyspace.len() + 1 + key.len(),
            })
            .sum();
        let mut by_keyspace: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        for write in batches.iter().flatten() {
            if let Write::Put { keyspace, key, value } = write {
                let entry = by_keyspace.entry(keyspace).or_default();
                entry.0 += 1;
                entry.1 += keyspace.len() + 1 + key.len() + value.len();
            }
        }
        for (keyspace, (count, size)) in &by_keyspace {
            println!(
                "  writes to {keyspace}: {count} ({:.1} per operation), {:.0} bytes per operation",
                *count as f64 / first.0 as f64,
                *size as f64 / first.0 as f64
            );
        }
        let mut plain_runs = Vec::new();
        for _ in 0..runs.min(3) {
            let dir = tempfile::tempdir().expect("tempdir");
            let started = Instant::now();
            replay_plain(dir.path(), &batches).expect("plain sled");
            plain_runs.push(started.elapsed());
        }
        let plain = median(plain_runs.clone());
        println!(
        "ingest of the first commune: {} operations in {} = {:.0} operations/s; the same {} writes ({:.1} MB) as plain sled batches: {} = {:.0} operations/s; ratio {:.2}",
        first.0,
        ms(first.1),
        rate(first.0, first.1),
        batches.iter().map(Vec::len).sum::<usize>(),
        bytes as f64 / 1e6,
        spread(&plain_runs),
        rate(first.0, plain),
        plain.as_secs_f64() / first.1.as_secs_f64()
    );
    }
    *recording.recording.lock().expect("lock") = false;

    // Pull: the first commune's scope, in pages.
    let mut pulls = Vec::new();
    let mut pulled = 0;
    for _ in 0..runs {
        let started = Instant::now();
        let (mut after, mut n) = (0, 0);
        loop {
            let page = hoctap_server::sync::pull(&state, &communes[0].id, after, 1_000, None).expect("pull");
            n += page.ops.len();
            after = page.cursor;
            if !page.more {
                break;
            }
        }
        pulls.push(started.elapsed());
        pulled = n;
    }
    println!(
        "pull of a commune: {pulled} operations, {} = {:.0} operations/s",
        spread(&pulls),
        rate(pulled, median(pulls.clone()))
    );

    // Consolidation of the province.
    let year = *size.years.last().expect("a year");
    let fresh = || AppState::new(recording.clone(), catalog.clone());
    let clear = || hoctap_server::store::parts::forget_kept(recording.as_ref()).expect("forget kept figures");
    let time = |s: &AppState| {
        let started = Instant::now();
        let result = figures::consolidation(s, &province.id, year, false).expect("consolidation");
        (started.elapsed(), result)
    };
    let (mut cold, mut kept, mut warm, mut scans) = (vec![], vec![], vec![], vec![]);
    let (mut incremental_first, mut incremental) = (vec![], vec![]);
    let sequence = hoctap_server::sync::last_seq(&fresh()).expect("last sequence number");
    for run in 0..runs {
        clear();
        cold.push(time(&fresh()).0);
        kept.push(time(&fresh()).0);
        let s = fresh();
        time(&s);
        warm.push(time(&s).0);
        // One new operation: a person's digital skill in the first commune; the first
        // since the server started, whose hamlet is then read whole, and the next, with
        // the hamlet's records in memory from the count before.
        for step in 0..2u64 {
            let n = sequence + 2 * run as u64 + step;
            let person = RecordId {
                kind: RecordKind::Person,
                id: format!("{}-th-0-ng-0-0", communes[0].code.clone().unwrap_or_default()),
            };
            let op = Operation {
                // New on every run, also when a directory is measured again (`--reuse`).
                id: format!("bench-incremental-{n}"),
                device: "may-bench".into(),
                hlc: hoctap_shared::hlc::Hlc::zero("may-bench").tick(1_800_000_000_000 + n as i64),
                record: person,
                unit: format!("hamlet:{}-th-0", communes[0].code.clone().unwrap_or_default()),
                body: OpBody::SetFields {
                    fields: vec![FieldEdit {
                        field: "digital_skill".into(),
                        value: json!(["basic", "proficient"][(n % 2) as usize]),
                        base: vec![],
                    }],
                },
            };
            let response = runtime
                .block_on(hoctap_server::sync::push(&s, &[op], hoctap_server::sync::Pusher::Replay))
                .expect("push");
            assert_eq!(response.accepted.len(), 1, "{:?}", response.rejected);
            [&mut incremental_first, &mut incremental][step as usize].push(time(&s).0);
        }
        let started = Instant::now();
        let mut bytes = 0usize;
        for_each(recording.as_ref(), hoctap_server::store::log::VIEWS, b"", |_, v| {
            bytes += v.len();
            Ok::<(), StoreError>(())
        })
        .expect("scan");
        scans.push(started.elapsed());
        if run == 0 {
            println!("plain scan: {bytes} bytes of stored records");
        }
    }
    println!("consolidation, cold from nothing: {}", spread(&cold));
    println!("consolidation, cold with kept figures (restarted server): {}", spread(&kept));
    println!("consolidation, warm: {}", spread(&warm));
    println!(
        "consolidation after one new operation, the first in its hamlet since the start: {}",
        spread(&incremental_first)
    );
    println!("consolidation after one more new operation in that hamlet: {}", spread(&incremental));
    println!(
        "plain scan of the same records: {}; ratio cold / plain scan {:.2}",
        spread(&scans),
        median(cold.clone()).as_secs_f64() / median(scans.clone()).as_secs_f64()
    );

    // Exactness: the parts equal counting every record at once — the province's, or,
    // beyond 20 communes (whose decoded records would not fit in memory), the first
    // commune's.
    let s = fresh();
    let whole_province = communes.len() <= 20;
    let unit = if whole_province { province.id.clone() } else { communes[0].id.clone() };
    let by_parts = figures::consolidation(&s, &unit, year, false).expect("consolidation");
    let mut views: Vec<RecordView> = Vec::new();
    if whole_province {
        hoctap_server::store::log::for_each_view(recording.as_ref(), |_, view| {
            views.push(view);
            Ok(())
        })
        .expect("scan");
    } else {
        for part in figures::parts_under(&s, &unit).expect("parts").keys() {
            views.extend(figures::part_views(&s, part).expect("views"));
        }
    }
    let parents: Mutex<BTreeMap<String, Option<String>>> = Mutex::default();
    let parent_of = |u: &str| {
        let mut known = parents.lock().expect("lock");
        known.entry(u.to_string()).or_insert_with(|| s.parent_of(u).ok().flatten()).clone()
    };
    let whole = consolidate(&views, year, &catalog.criteria, &catalog.definitions, &Settings::default(), &parent_of);
    assert_eq!(whole.units.get(&unit), by_parts.units.get(&unit), "parts add up to the whole");
    println!("checked: {unit}'s figures by parts equal counting all its {} records at once", views.len());
    println!("peak memory of this process (generator included): {} MiB", peak_memory_kib() / 1024);
}
