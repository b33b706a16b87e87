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

/// `(file name, contents)` of the earlier versions of shipped sets, as they were
/// shipped: an evaluation keeps the version it was scored with, for ever, so a set
/// amended in place (a correction from the text) keeps its old version here. Never
/// edited; a new amendment adds a file. (One exception, said in its file: the four
/// subject groups the first QĐ 244 version listed changed nothing then, and today's
/// format would make choosing one required, so they are left out.)
pub const ARCHIVE: &[(&str, &str)] = &[
    ("archive/cdht-244-2022@2022.1.toml", include_str!("../../data/criteria/archive/cdht-244-2022@2022.1.toml")),
    ("archive/gdht-448-2016@2016.1.toml", include_str!("../../data/criteria/archive/gdht-448-2016@2016.1.toml")),
    ("archive/dhht-448-2016@2016.1.toml", include_str!("../../data/criteria/archive/dhht-448-2016@2016.1.toml")),
    (
        "archive/cdht-thon-448-2016@2016.1.toml",
        include_str!("../../data/criteria/archive/cdht-thon-448-2016@2016.1.toml"),
    ),
    ("archive/dvht-tt22-2020@2020.1.toml", include_str!("../../data/criteria/archive/dvht-tt22-2020@2020.1.toml")),
    ("archive/dvht-tt24-2023@2023.1.toml", include_str!("../../data/criteria/archive/dvht-tt24-2023@2023.1.toml")),
    ("archive/xa-tt25-2023@2023.1.toml", include_str!("../../data/criteria/archive/xa-tt25-2023@2023.1.toml")),
];

/// Parses every shipped set in its current version, with its diagnostics.
pub fn parse_all() -> Vec<(&'static str, Parsed)> {
    FILES.iter().map(|(name, text)| (*name, parse(text))).collect()
}

/// Parses every shipped file, current and earlier versions, with its diagnostics.
pub fn parse_every_version() -> Vec<(&'static str, Parsed)> {
    FILES.iter().chain(ARCHIVE).map(|(name, text)| (*name, parse(text))).collect()
}

/// Every shipped set that loads, in its current version. A shipped set that does not
/// load is a bug caught by the test suite, so callers can rely on all of them being here.
pub fn all() -> Vec<CriteriaSet> {
    parse_all().into_iter().filter_map(|(_, parsed)| parsed.set).collect()
}

/// Every version of every shipped set: what scoring resolves an evaluation's set and
/// version in (see [`super::resolve`]).
pub fn every_version() -> Vec<CriteriaSet> {
    parse_every_version().into_iter().filter_map(|(_, parsed)| parsed.set).collect()
}

/// The shipped set with this id, in its current version.
pub fn get(id: &str) -> Option<CriteriaSet> {
    all().into_iter().find(|set| set.id == id)
}
