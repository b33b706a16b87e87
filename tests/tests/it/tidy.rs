//! Conventions enforced by a test (STYLE.md 6 and 9): every module says why it exists,
//! nothing is ignored, the core stays pure, only the store touches sled, and no hash
//! map's iteration order can reach output.

use std::path::{Path, PathBuf};

use crate::golden::root;

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else { return out };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
    out.sort();
    out
}

fn project_files() -> Vec<PathBuf> {
    let root = root();
    ["shared", "server", "frontend", "tests"].iter().flat_map(|d| rust_files(&root.join(d))).collect()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_default()
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

#[test]
fn every_module_starts_with_a_doc_line() {
    let missing: Vec<String> =
        project_files().iter().filter(|p| !read(p).starts_with("//!")).map(|p| relative(p)).collect();
    assert!(missing.is_empty(), "files without a leading //! line saying why they exist: {missing:#?}");
}

#[test]
fn no_ignored_tests() {
    let needle = concat!("#[", "ignore");
    let found: Vec<String> = project_files().iter().filter(|p| read(p).contains(needle)).map(|p| relative(p)).collect();
    assert!(found.is_empty(), "ignored tests: {found:#?}");
}

#[test]
fn shared_does_no_io_and_reads_no_clock() {
    let forbidden = [
        "std::fs",
        "SystemTime::now",
        "Instant::now",
        "tokio",
        "web_sys",
        "sled",
        "new_v4",
        "new_v7",
        "rand::",
        "getrandom",
        "std::net",
        "std::env",
    ];
    let mut found = Vec::new();
    for path in rust_files(&root().join("shared/src")) {
        let text = read(&path);
        for word in forbidden {
            if contains_word(&text, word) {
                found.push(format!("{}: {word}", relative(&path)));
            }
        }
    }
    let manifest = read(&root().join("shared/Cargo.toml"));
    for dependency in ["tokio", "sled", "web-sys", "rand", "uuid"] {
        if manifest.lines().any(|l| l.trim_start().starts_with(dependency)) {
            found.push(format!("shared/Cargo.toml depends on {dependency}"));
        }
    }
    assert!(found.is_empty(), "the shared crate must stay pure: {found:#?}");
}

#[test]
fn only_the_store_imports_sled() {
    let store = root().join("server/src/store");
    let found: Vec<String> = project_files()
        .iter()
        .filter(|p| !p.starts_with(&store) && !p.ends_with("tidy.rs"))
        .filter(|p| read(p).lines().any(|l| l.contains("sled::") && !l.trim_start().starts_with("//")))
        .map(|p| relative(p))
        .collect();
    assert!(found.is_empty(), "sled used outside server/src/store: {found:#?}");
}

#[test]
fn no_hash_map_iteration_reaches_output() {
    let mut found = Vec::new();
    for dir in ["shared/src", "server/src", "frontend/src"] {
        for path in rust_files(&root().join(dir)) {
            let text = read(&path);
            if text.contains("HashMap") || text.contains("HashSet") {
                found.push(relative(&path));
            }
        }
    }
    assert!(found.is_empty(), "use BTreeMap/BTreeSet (deterministic order) instead of hash maps: {found:#?}");
}

/// Whether `word` occurs in `text` as a whole word ("sled", but not "misled").
fn contains_word(text: &str, word: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_word) && !after.is_some_and(|c| is_word(c) && !word.ends_with(':'))
    })
}

#[test]
fn whole_words_only() {
    assert!(contains_word("use sled::Db;", "sled"));
    assert!(contains_word("let x = std::fs::read(p);", "std::fs"));
    assert!(!contains_word("so officers are not misled", "sled"));
    assert!(!contains_word("sledding", "sled"));
}

/// What reads or writes the store by keyspace name and bytes: outside `server/src/store/`
/// only the typed functions of its modules (`store::log`, `store::parts`, `store::units`
/// …) may, so the layout (keyspace names, keys, encodings) is the store's alone.
const RAW_STORE_ACCESS: [&str; 8] = [
    "store.get(",
    "store.put(",
    "store.scan(",
    "store.remove(",
    "store.insert_new(",
    "Write::Put {",
    "Write::Remove {",
    "store::for_each(",
];

#[test]
fn only_the_store_knows_its_layout() {
    let store = root().join("server/src/store");
    let mut found = Vec::new();
    for path in rust_files(&root().join("server/src")).iter().filter(|p| !p.starts_with(&store)) {
        let raw = read(path).lines().any(|line| {
            let code = line.trim_start();
            !code.starts_with("//") && RAW_STORE_ACCESS.iter().any(|pattern| code.contains(pattern))
        });
        if raw {
            found.push(relative(path));
        }
    }
    assert!(
        found.is_empty(),
        "keyspaces read or written outside server/src/store (add a typed function there): {found:#?}"
    );
}

/// The log and the figures meet only in the store: neither module imports the other
/// (the figures learn what a push changed from what it wrote, `store::parts`).
#[test]
fn the_log_and_the_figures_do_not_import_each_other() {
    let mut found = Vec::new();
    for path in rust_files(&root().join("server/src/sync")) {
        if read(&path).contains("crate::figures") {
            found.push(relative(&path));
        }
    }
    if read(&root().join("server/src/figures.rs")).contains("crate::sync") {
        found.push("server/src/figures.rs".to_string());
    }
    assert!(found.is_empty(), "{found:#?}");
}
