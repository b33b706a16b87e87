//! Loads the shipped criteria sets, every version, at build time, natively, with the same loader the
//! server uses, and writes them to `OUT_DIR/criteria.json` for `src/catalog.rs`. The
//! browser then decodes JSON, which it does anyway, and carries no TOML parser (about
//! 60 KB of gzipped wasm).

use std::path::PathBuf;

use hoctap_shared::criteria::{shipped, CriteriaSet};

fn main() {
    // The sets come from `hoctap-shared` (embedded with `include_str!`), a dependency of
    // this script: when a data file changes, the crate and then this script are rebuilt.
    println!("cargo:rerun-if-changed=build.rs");

    let mut sets = Vec::new();
    for (file, parsed) in shipped::parse_every_version() {
        match parsed.set {
            Some(set) => sets.push(set),
            // Same as `shipped::all()`: a set that does not load is left out (the test
            // suite fails on it), but say so in the build output.
            None => println!("cargo:warning=shipped criteria set {file} does not load; left out of the web app"),
        }
    }

    let json = serde_json::to_string(&sets).expect("criteria sets serialise to JSON");
    // The web app decodes this without a way to report a failure, so prove here that it
    // decodes to exactly the sets that were loaded.
    let decoded: Vec<CriteriaSet> = serde_json::from_str(&json).expect("criteria.json decodes");
    assert!(decoded == sets, "criteria sets do not round-trip through JSON");

    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("criteria.json");
    std::fs::write(&out, json).unwrap_or_else(|err| panic!("writing {}: {err}", out.display()));
}
