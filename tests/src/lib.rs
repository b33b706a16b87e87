//! Cross-crate tests live in `tests/it/`; this library is empty so the package builds.
