//! Golden files: the one place that compares output with a file under `tests/data/`
//! and, with `UPDATE_EXPECT=1`, rewrites it (review the diff before committing).

use std::path::{Path, PathBuf};

/// The workspace root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// A file under `tests/data/`.
pub fn data(relative: &str) -> PathBuf {
    root().join("tests/data").join(relative)
}

pub fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|err| panic!("cannot read {}: {err}", path.display()))
}

/// Asserts that `actual` equals the golden file at `tests/data/<relative>`.
#[track_caller]
pub fn assert_golden(relative: &str, actual: &str) {
    let path = data(relative);
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("create golden dir");
        }
        std::fs::write(&path, actual).expect("write golden file");
        return;
    }
    let Ok(expected) = std::fs::read_to_string(&path) else {
        panic!("golden file {} is missing: run with UPDATE_EXPECT=1 to create it, then review it", path.display());
    };
    if expected != actual {
        let diff = expected
            .lines()
            .zip(actual.lines())
            .enumerate()
            .find(|(_, (e, a))| e != a)
            .map(|(i, (e, a))| format!("first difference at line {}:\n  expected: {e}\n  actual:   {a}", i + 1))
            .unwrap_or_else(|| {
                format!("lengths differ: expected {} lines, got {}", expected.lines().count(), actual.lines().count())
            });
        panic!("golden file {} does not match (UPDATE_EXPECT=1 rewrites it)\n{diff}", path.display());
    }
}
