//! The shipped criteria sets as the web app carries them: loaded and validated at build
//! time by the shared crate's loader (`build.rs`) and embedded as JSON, so the browser
//! decodes them with serde_json instead of carrying a TOML parser.

use hoctap_shared::criteria::CriteriaSet;

/// `OUT_DIR/criteria.json`, written by `build.rs` from every shipped version.
const CRITERIA_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/criteria.json"));

/// Every version of every shipped set that loads, in the shipped order — the same as
/// `hoctap_shared::criteria::shipped::every_version()`: an evaluation is scored with the
/// version it was made with.
pub fn sets() -> Vec<CriteriaSet> {
    // build.rs checks that this JSON decodes to exactly the sets it was written from, so
    // decoding cannot fail here; an empty list (never a panic) would be the fallback.
    serde_json::from_str(CRITERIA_JSON).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use hoctap_shared::criteria::shipped;

    #[test]
    fn embedded_sets_equal_the_shipped_sets() {
        let sets = super::sets();
        assert_eq!(sets.len(), shipped::FILES.len() + shipped::ARCHIVE.len(), "every shipped version is embedded");
        assert!(sets == shipped::every_version(), "the embedded JSON decodes to exactly the shipped sets");
    }
}
