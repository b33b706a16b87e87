//! The criteria sets hoctap ships, embedded at compile time so the browser app can
//! score with no network. Each is an ordinary data file in `shared/data/criteria/`,
//! read by the same loader as any set an administrator loads.

use super::{parse, CriteriaSet, Parsed};

/// `(file name, contents)` of every shipped set, in a stable order.
pub const FILES: &[(&str, &str)] = &[
    ("cdht-324-2023.toml", include_str!("../../data/criteria/cdht-324-2023.toml")),
    ("cdht-244-2022.toml", include_str!("../../data/criteria/cdht-244-2022.toml")),
    ("gdht-448-2016.toml", include_str!("../../data/criteria/gdht-448-2016.toml")),
    ("dhht-448-2016.toml", include_str!("../../data/criteria/dhht-448-2016.toml")),
    ("cdht-thon-448-2016.toml", include_str!("../../data/criteria/cdht-thon-448-2016.toml")),
    ("dvht-tt22-2020.toml", include_str!("../../data/criteria/dvht-tt22-2020.toml")),
    ("dvht-tt24-2023.toml", include_str!("../../data/criteria/dvht-tt24-2023.toml")),
    ("xa-tt25-2023.toml", include_str!("../../data/criteria/xa-tt25-2023.toml")),
];

/// Parses every shipped set with its diagnostics.
pub fn parse_all() -> Vec<(&'static str, Parsed)> {
    FILES.iter().map(|(name, text)| (*name, parse(text))).collect()
}

/// Every shipped set that loads. A shipped set that does not load is a bug caught by
/// the test suite, so callers can rely on all of them being here.
pub fn all() -> Vec<CriteriaSet> {
    parse_all().into_iter().filter_map(|(_, parsed)| parsed.set).collect()
}

/// The shipped set with this id.
pub fn get(id: &str) -> Option<CriteriaSet> {
    all().into_iter().find(|set| set.id == id)
}
