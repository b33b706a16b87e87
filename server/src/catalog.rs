//! The reference data the server holds in memory: the shipped criteria sets, ratio
//! definitions, plans and the unit hierarchy. Loaded once at start from data embedded
//! in the binary; a shipped file that fails to load stops the server at start-up with
//! its diagnostics rather than serving a partial catalogue.

use hoctap_shared::criteria::{self, CriteriaSet};
use hoctap_shared::diagnostic::{has_errors, Diagnostic};
use hoctap_shared::indicators::{self, Definitions};
use hoctap_shared::plans::{self, Plan};
use hoctap_shared::units::{self, Registry};

#[derive(Debug)]
pub struct Catalog {
    pub criteria: Vec<CriteriaSet>,
    pub definitions: Definitions,
    pub plans: Vec<Plan>,
    pub units: Registry,
    /// Warnings found while loading (e.g. the two codes the public lists disagree on).
    pub warnings: Vec<Diagnostic>,
}

#[derive(Debug, thiserror::Error)]
#[error("shipped data file {file} has errors: {}", .diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct CatalogError {
    pub file: String,
    pub diagnostics: Vec<Diagnostic>,
}

/// What happened to one administrator-supplied criteria file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalSet {
    /// Loaded; `replaces` is true when a shipped set has the same id (the same version
    /// is replaced; a newer one is what new evaluations use).
    Loaded { file: String, id: String, version: String, replaces: bool },
    /// Refused because of errors; the shipped catalogue is unchanged.
    Refused { file: String, diagnostics: Vec<Diagnostic> },
}

impl Catalog {
    /// Adds criteria sets supplied by a province administrator (file name, text), e.g.
    /// the province's own 2021–2030 Learning Family set. A set with a new id is added;
    /// one with a shipped id and version replaces that version (another version is an
    /// amended text, kept beside the shipped ones). A file with
    /// errors is refused whole and reported. Files are taken in name order.
    pub fn add_local_sets(&mut self, files: &[(String, String)]) -> Vec<LocalSet> {
        let mut sorted: Vec<&(String, String)> = files.iter().collect();
        sorted.sort();
        let mut report = Vec::new();
        for (file, text) in sorted {
            let parsed = criteria::parse(text);
            let Some(set) = parsed.set else {
                report.push(LocalSet::Refused { file: file.clone(), diagnostics: parsed.diagnostics });
                continue;
            };
            // The same version is replaced; another version is kept beside the others, so
            // evaluations made with each keep their text.
            let existing = self.criteria.iter().position(|s| s.id == set.id && s.version == set.version);
            report.push(LocalSet::Loaded {
                file: file.clone(),
                id: set.id.clone(),
                version: set.version.clone(),
                replaces: self.criteria.iter().any(|s| s.id == set.id),
            });
            self.warnings.extend(parsed.diagnostics);
            match existing {
                Some(index) => self.criteria[index] = set,
                None => self.criteria.push(set),
            }
        }
        report
    }

    pub fn load_shipped() -> Result<Catalog, CatalogError> {
        let mut warnings = Vec::new();
        let mut sets = Vec::new();
        for (file, parsed) in criteria::shipped::parse_every_version() {
            match parsed.set {
                Some(set) => sets.push(set),
                None => return Err(CatalogError { file: file.to_string(), diagnostics: parsed.diagnostics }),
            }
            warnings.extend(parsed.diagnostics);
        }
        let (definitions, diagnostics) = indicators::parse_definitions(indicators::SHIPPED);
        let Some(definitions) = definitions else {
            return Err(CatalogError { file: "indicators.toml".to_string(), diagnostics });
        };
        let mut plan_list = Vec::new();
        for (file, text) in plans::FILES {
            let (plan, diagnostics) = plans::parse(text, &definitions);
            match plan {
                Some(plan) => plan_list.push(plan),
                None => return Err(CatalogError { file: file.to_string(), diagnostics }),
            }
            warnings.extend(diagnostics);
        }
        let (units, diagnostics) = units::shipped::load();
        if has_errors(&diagnostics) {
            return Err(CatalogError { file: "admin-units/admin-merges".to_string(), diagnostics });
        }
        warnings.extend(diagnostics);
        Ok(Catalog { criteria: sets, definitions, plans: plan_list, units, warnings })
    }

    /// The set `id` at `version`, or with no version its earliest (see
    /// [`criteria::resolve`]): what an evaluation naming them is scored with.
    pub fn criteria_set(&self, id: &str, version: Option<&str>) -> Option<&CriteriaSet> {
        criteria::resolve(&self.criteria, id, version)
    }

    /// The newest version of set `id`: the one a new evaluation uses.
    pub fn newest_set(&self, id: &str) -> Option<&CriteriaSet> {
        criteria::newest(&self.criteria).find(|s| s.id == id)
    }
}

/// The sets of [`crate::AppState::criteria`] as last read, with the publication count
/// they were read at.
#[derive(Debug, Default)]
pub struct SetsCache(std::sync::Mutex<Option<Kept>>);

#[derive(Debug)]
struct Kept {
    generation: u64,
    sets: std::sync::Arc<Vec<CriteriaSet>>,
    /// The province that published each province's set id.
    owners: std::sync::Arc<std::collections::BTreeMap<String, String>>,
}

/// The sets and the publishing province of each province's set id.
pub type Published = (std::sync::Arc<Vec<CriteriaSet>>, std::sync::Arc<std::collections::BTreeMap<String, String>>);

impl SetsCache {
    /// The sets read at `generation`, if those are the ones kept.
    pub fn get(&self, generation: u64) -> Option<Published> {
        let kept = self.0.lock().ok()?;
        kept.as_ref()
            .filter(|k| k.generation == generation)
            .map(|k| (std::sync::Arc::clone(&k.sets), std::sync::Arc::clone(&k.owners)))
    }

    /// Keeps `sets` and `owners`, read at `generation`, and returns them.
    pub fn keep(
        &self,
        generation: u64,
        sets: Vec<CriteriaSet>,
        owners: std::collections::BTreeMap<String, String>,
    ) -> Published {
        let (sets, owners) = (std::sync::Arc::new(sets), std::sync::Arc::new(owners));
        if let Ok(mut kept) = self.0.lock() {
            *kept =
                Some(Kept { generation, sets: std::sync::Arc::clone(&sets), owners: std::sync::Arc::clone(&owners) });
        }
        (sets, owners)
    }
}
