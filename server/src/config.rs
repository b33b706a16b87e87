//! Settings an operator may change, with the defaults the issues set.

/// Server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The largest evidence file accepted (default 2 MB; photos are resized on the
    /// device before upload).
    pub max_evidence_bytes: usize,
}

impl Default for Config {
    fn default() -> Config {
        Config { max_evidence_bytes: 2 * 1024 * 1024 }
    }
}
