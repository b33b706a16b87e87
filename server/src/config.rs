//! Settings an operator may change, with the defaults the issues set.

use std::collections::BTreeMap;

use hoctap_shared::units::UnitKind;

/// Server settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The largest evidence file accepted (default 2 MB; photos are resized on the
    /// device before upload).
    pub max_evidence_bytes: usize,
    /// Annual report deadlines (day, month) per level that override the defaults
    /// (`hoctap_shared::annual::default_deadline`); a unit's own plan overrides both.
    pub deadlines: BTreeMap<UnitKind, (u8, u8)>,
}

impl Config {
    /// The annual report deadline (day, month) of a level.
    pub fn deadline(&self, level: UnitKind) -> (u8, u8) {
        self.deadlines.get(&level).copied().unwrap_or_else(|| hoctap_shared::annual::default_deadline(level))
    }
}

impl Default for Config {
    fn default() -> Config {
        Config { max_evidence_bytes: 2 * 1024 * 1024, deadlines: BTreeMap::new() }
    }
}
