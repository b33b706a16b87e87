//! A data directory written before storage version 2 (every value JSON), kept as a
//! fixture: `tests/data/store/v1-generated/` is what `province_bench --communes 1
//! --hamlets 1 --households 3 --runs 1` wrote at commit c8b5ea4 (its sled `db` file
//! gzip'd). This build opens it, records schema 2, reads every operation and view as
//! they were written, adds new ones in its own encodings beside them, and backs it up;
//! `hoctap reindex` rewrites it whole in this build's layout.

use std::io::Read;
use std::sync::Arc;

use hoctap_server::store::{self, SledStore, Store};
use hoctap_server::{backup, figures, sync, AppState};
use hoctap_shared::consolidation::consolidate;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::indicators::Settings;
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordKind};
use serde_json::json;

use crate::golden::root;
use crate::sync::catalog;

const PROVINCE: &str = "province:01:2025";

/// A copy of the fixture directory, to be changed.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temporary directory");
    copy_fixture(dir.path());
    dir
}

fn copy_fixture(to: &std::path::Path) {
    let from = root().join("tests/data/store/v1-generated");
    std::fs::create_dir_all(to).expect("directory");
    std::fs::copy(from.join("conf"), to.join("conf")).expect("conf");
    let mut db = Vec::new();
    let gzipped = std::fs::File::open(from.join("db.gz")).expect("db.gz");
    flate2::read::GzDecoder::new(gzipped).read_to_end(&mut db).expect("gunzip");
    std::fs::write(to.join("db"), db).expect("db");
}

/// Every operation pulled, and every view, of a data directory.
fn contents(dir: &std::path::Path) -> (Vec<Operation>, Vec<hoctap_shared::merge::RecordView>, u32) {
    let sled = SledStore::open(dir).expect("open");
    let schema = store::schema_version(&sled).expect("schema");
    let state = AppState::new(Arc::new(sled), catalog());
    let mut views = Vec::new();
    store::log::for_each_view(state.store.as_ref(), |_, view| {
        views.push(view);
        Ok(())
    })
    .expect("views");
    (pull_all(&state), views, schema)
}

/// The first byte of the log's first value: `{` as an earlier build wrote it.
fn first_log_byte(dir: &std::path::Path) -> u8 {
    let sled = SledStore::open(dir).expect("open");
    sled.get(store::log::LOG, &1u64.to_be_bytes()).expect("get").expect("first operation")[0]
}

fn pull_all(state: &AppState) -> Vec<Operation> {
    let mut ops = Vec::new();
    let mut after = 0;
    loop {
        let page = sync::pull(state, PROVINCE, after, 1_000, None).expect("pull");
        ops.extend(page.ops);
        after = page.cursor;
        if !page.more {
            return ops;
        }
    }
}

#[test]
fn a_version_1_data_directory_is_read_and_upgraded() {
    let dir = fixture();
    let sled = SledStore::open(dir.path()).expect("open the fixture");
    assert_eq!(store::check_schema(&sled).expect("schema"), 2);
    assert_eq!(store::schema_version(&sled).expect("schema"), 2);
    let state = AppState::new(Arc::new(sled), catalog());
    assert_eq!(figures::ensure_index(&state).expect("index"), 0, "the fixture was indexed by its build");

    // Every operation and every view, as the earlier build wrote them.
    let ops = pull_all(&state);
    let last = sync::last_seq(&state).expect("last seq");
    assert!(last > 100, "{last}");
    assert_eq!(ops.len() as u64, last);
    let mut views = Vec::new();
    store::log::for_each_view(state.store.as_ref(), |_, view| {
        views.push(view);
        Ok(())
    })
    .expect("views");
    assert!(views.len() > 30, "{}", views.len());
    let parent_of = |u: &str| state.parent_of(u).ok().flatten();
    let counted = |views: &[_]| {
        consolidate(views, 2026, &state.catalog.criteria, &state.catalog.definitions, &Settings::default(), &parent_of)
    };
    let by_parts = figures::consolidation(&state, PROVINCE, 2026, false).expect("figures");
    assert_eq!(by_parts.units, counted(&views).units);
    assert!(by_parts.units.get(PROVINCE).is_some_and(|f| !f.models.is_empty()));

    // A new operation on a person written by the earlier build merges with its history
    // and is stored in this build's encoding.
    let person = views.iter().find(|v| v.record.kind == RecordKind::Person).expect("a person").clone();
    let earlier = ops.iter().filter(|op| op.record == person.record).count();
    let op = Operation {
        id: "nang-cap-1".to_string(),
        device: "may-moi".to_string(),
        hlc: Hlc { wall_ms: person.last.wall_ms + 1_000, counter: 0, device: "may-moi".to_string() },
        record: person.record.clone(),
        unit: person.unit.clone(),
        body: OpBody::SetFields {
            fields: vec![FieldEdit { field: "phone".to_string(), value: json!("0912345678"), base: Vec::new() }],
        },
    };
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let pushed = runtime.block_on(sync::push(&state, std::slice::from_ref(&op), sync::Pusher::Replay)).expect("push");
    assert_eq!(pushed.accepted, vec![op.id.clone()], "{:?}", pushed.rejected);
    let history = sync::record_ops(&state, &person.record).expect("record ops");
    assert_eq!(history.len(), earlier + 1);
    assert_eq!(history.last(), Some(&op));
    let view = sync::record_view(&state, &person.record).expect("view").expect("stored");
    assert_eq!(view.value("phone"), Some(&json!("0912345678")));
    assert_eq!(view.fields.len(), person.fields.len() + usize::from(!person.fields.contains_key("phone")));
    let again =
        runtime.block_on(sync::push(&state, std::slice::from_ref(&op), sync::Pusher::Replay)).expect("push again");
    assert_eq!(again.duplicates, vec![op.id.clone()]);
    assert_eq!(pull_all(&state).len() as u64, last + 1);

    // The backup holds every operation, old and new.
    let mut out = Vec::new();
    let summary = backup::write_backup(&state, &mut out).expect("backup");
    assert_eq!(summary.ops, last + 1);
}

/// A directory written by a newer build is refused before anything is written.
#[test]
fn a_newer_data_directory_is_refused() {
    let dir = fixture();
    let sled = SledStore::open(dir.path()).expect("open the fixture");
    sled.put("meta", b"schema_version", &3u32.to_be_bytes()).expect("put");
    assert!(matches!(store::check_schema(&sled), Err(store::StoreError::SchemaTooNew { found: 3, supported: 2 })));
}

/// `hoctap reindex` rebuilds a version-1 directory in this build's layout: the same
/// operations and views, values in the new encodings, the old directory kept beside.
#[test]
fn reindex_rewrites_a_version_1_directory_in_this_layout() {
    let work = tempfile::tempdir().expect("temporary directory");
    let data = work.path().join("data");
    copy_fixture(&data);
    assert_eq!(first_log_byte(&data), b'{');
    let (ops, views, _) = contents(&data);
    let dir = data.display().to_string();
    let (code, stdout, stderr) = crate::durability::hoctap(&["reindex", "--data-dir", &dir]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains(&format!("Đã dựng lại {} thao tác", ops.len())), "{stdout}");
    assert_eq!(first_log_byte(&data), 2, "written in this build's encoding");
    let (after_ops, after_views, schema) = contents(&data);
    assert_eq!(schema, 2);
    assert_eq!(after_ops, ops);
    assert_eq!(after_views, views);
    assert!(work.path().join("data.before-reindex").join("db").is_file());
    // A second run would overwrite the kept copy: refused until it is moved away.
    let (code, _, stderr) = crate::durability::hoctap(&["reindex", "--data-dir", &dir]);
    assert_ne!(code, 0);
    assert!(stderr.contains("data.before-reindex"), "{stderr}");
}
