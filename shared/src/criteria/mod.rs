//! Criteria sets (Bộ tiêu chí) as validated values. A set is data: it is read from a
//! TOML file by [`parse`], which returns the set and every diagnostic it found, and is
//! interpreted by the one engine in [`crate::scoring`]. Adding or amending a set needs
//! no Rust. The file format is documented in `docs/criteria-format.md`.

mod load;
pub mod sheet;
pub mod shipped;
mod write;

pub use load::{parse, Parsed};
pub use write::to_toml;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::number::{Percent, Points};

/// The learning models (mô hình học tập) whose titles hoctap evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Model {
    /// Công dân học tập (a person)
    LearningCitizen,
    /// Gia đình học tập (a household)
    LearningFamily,
    /// Dòng họ học tập (a clan or clan branch)
    LearningClan,
    /// Cộng đồng học tập thôn, ấp, bản, tổ dân phố (a hamlet)
    LearningCommunity,
    /// Đơn vị học tập (an agency, school, enterprise …)
    LearningUnit,
    /// Cộng đồng học tập cấp xã (a commune)
    LearningCommune,
}

impl Model {
    pub const ALL: [Model; 6] = [
        Model::LearningCitizen,
        Model::LearningFamily,
        Model::LearningClan,
        Model::LearningCommunity,
        Model::LearningUnit,
        Model::LearningCommune,
    ];

    /// The wire and file name, e.g. `learning_citizen`.
    pub fn key(self) -> &'static str {
        match self {
            Model::LearningCitizen => "learning_citizen",
            Model::LearningFamily => "learning_family",
            Model::LearningClan => "learning_clan",
            Model::LearningCommunity => "learning_community",
            Model::LearningUnit => "learning_unit",
            Model::LearningCommune => "learning_commune",
        }
    }

    /// The title in Vietnamese.
    pub fn title(self) -> &'static str {
        match self {
            Model::LearningCitizen => "Công dân học tập",
            Model::LearningFamily => "Gia đình học tập",
            Model::LearningClan => "Dòng họ học tập",
            Model::LearningCommunity => "Cộng đồng học tập",
            Model::LearningUnit => "Đơn vị học tập",
            Model::LearningCommune => "Cộng đồng học tập cấp xã",
        }
    }

    pub fn from_key(key: &str) -> Option<Model> {
        Model::ALL.into_iter().find(|m| m.key() == key)
    }
}

/// Whether the text of a set has been confirmed against its legal document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SetStatus {
    /// Chính thức: checked against the published text.
    Official,
    /// Tạm thời: usable, but something is unconfirmed (see `status_note`).
    Provisional,
}

/// The document a set comes from (căn cứ pháp lý).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LegalBasis {
    /// Number and symbol, e.g. `244/QĐ-KHVN`.
    pub number: String,
    pub date: Date,
    pub issuer: String,
    pub title: Option<String>,
}

/// A subject group (nhóm đối tượng): one of the question forms of a set that issues a
/// list of indicators per kind of person (QĐ 324/QĐ-KHVN: người dân trong xã, người lao
/// động, cán bộ công nhân viên và doanh nhân, học sinh sinh viên học viên). An
/// evaluation of a set with groups names its group and is scored on that group's
/// indicators only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectGroup {
    pub code: String,
    pub name: String,
}

/// A validated criteria set (Bộ tiêu chí).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriteriaSet {
    pub id: String,
    pub version: String,
    pub model: Model,
    pub name: String,
    pub status: SetStatus,
    pub status_note: Option<String>,
    /// The declared maximum total of a points set; `None` for level sets.
    pub scale: Option<Points>,
    /// The smallest score increment of points indicators.
    pub step: Points,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub legal_basis: LegalBasis,
    pub subject_groups: Vec<SubjectGroup>,
    pub criteria: Vec<Criterion>,
    pub rule: Rule,
}

impl CriteriaSet {
    /// Every indicator in file order.
    pub fn indicators(&self) -> impl Iterator<Item = &Indicator> {
        self.criteria.iter().flat_map(|c| c.indicators.iter())
    }

    pub fn indicator(&self, code: &str) -> Option<&Indicator> {
        self.indicators().find(|i| i.code == code)
    }

    /// Whether the set is in force on `day`.
    pub fn in_force_on(&self, day: Date) -> bool {
        self.effective_from <= day && self.effective_to.is_none_or(|to| day <= to)
    }

    /// Whether the set is in force on some day of `year` (the year an evaluation is
    /// for), so that a new evaluation of that year may use it.
    pub fn in_force_during(&self, year: i32) -> bool {
        self.effective_from.year() <= year && self.effective_to.is_none_or(|to| year <= to.year())
    }

    /// Whether evaluations of this set name a subject group.
    pub fn has_groups(&self) -> bool {
        !self.subject_groups.is_empty()
    }

    /// The subject group with this code.
    pub fn group(&self, code: &str) -> Option<&SubjectGroup> {
        self.subject_groups.iter().find(|g| g.code == code)
    }

    /// The points of `criterion` for an evaluation of `group` (its `points_by_group`
    /// entry, else its `points`); `None` in level sets.
    pub fn criterion_points(&self, criterion: &Criterion, group: Option<&str>) -> Option<Points> {
        group.and_then(|g| criterion.points_by_group.get(g).copied()).or(criterion.points)
    }

    /// Whether the set's rule gives `area` a rule of its own (a lower pass mark).
    pub fn has_area_rule(&self, area: &str) -> bool {
        matches!(&self.rule, Rule::PassMark { area_pass_marks, .. } if area_pass_marks.iter().any(|a| a.area == area))
    }
}

/// A criterion (tiêu chí): a group of indicators.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Criterion {
    pub code: String,
    pub name: String,
    /// Declared points of the criterion in a points set.
    pub points: Option<Points>,
    /// Points of the criterion for some subject groups, when they differ from `points`
    /// (its indicators for that group add up to another total).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub points_by_group: BTreeMap<String, Points>,
    pub indicators: Vec<Indicator>,
}

/// An indicator (chỉ số): the unit that is scored and that evidence is attached to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Indicator {
    pub code: String,
    pub text: String,
    /// What evidence (minh chứng) supports it.
    pub hint: Option<String>,
    /// What about this indicator is unconfirmed or must be checked against the legal
    /// text (kept apart from the evidence hint, so officers are not misled).
    pub note: Option<String>,
    pub tags: Vec<String>,
    /// When not empty, the indicator applies only to evaluations carrying one of
    /// these context tags (e.g. `school`).
    pub only_for: Vec<String>,
    /// When not empty, the indicator belongs only to these subject groups' lists (codes
    /// of the set's `subject_groups`); empty means every group's list.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    pub measure: Measure,
}

impl Indicator {
    pub fn has_tag(&self, tag: &str) -> bool {
        self.tags.iter().any(|t| t == tag)
    }

    /// Whether the indicator is in the list of `group` (`None`: no group chosen, which
    /// only sets without groups allow).
    pub fn in_group(&self, group: Option<&str>) -> bool {
        self.groups.is_empty() || group.is_some_and(|g| self.groups.iter().any(|c| c == g))
    }

    /// The most points this indicator can give (`None` in level sets).
    pub fn max_points(&self) -> Option<Points> {
        match &self.measure {
            Measure::Points { max } => Some(*max),
            Measure::Share { scoring: ShareScoring::Points { max, .. }, .. } => Some(*max),
            _ => None,
        }
    }
}

/// Tag of the Learning Citizen indicator on digital skills.
pub const TAG_DIGITAL_SKILLS: &str = "digital_skills";
/// Tag of an indicator whose official text or threshold is not confirmed.
pub const TAG_UNCONFIRMED: &str = "unconfirmed";
pub const KNOWN_TAGS: [&str; 2] = [TAG_DIGITAL_SKILLS, TAG_UNCONFIRMED];

/// The areas an evaluation or an area pass mark may name (vùng thường, vùng đặc biệt
/// khó khăn, vùng đồng bào dân tộc thiểu số, vùng sâu vùng xa). Anything else is a typo
/// that would silently apply the ordinary pass mark, so it is refused.
pub const KNOWN_AREAS: [&str; 4] = ["normal", "disadvantaged", "ethnic_minority", "remote"];

/// The areas of [`KNOWN_AREAS`] with their Vietnamese names, ordinary area first.
pub const AREAS: [(&str, &str); 4] = [
    ("normal", "Vùng thường"),
    ("disadvantaged", "Vùng đặc biệt khó khăn"),
    ("ethnic_minority", "Vùng đồng bào dân tộc thiểu số"),
    ("remote", "Vùng sâu, vùng xa"),
];

/// How an indicator is measured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Measure {
    /// A score from 0 to `max`.
    Points { max: Points },
    /// Met or not met; required for the listed levels.
    Met { levels: Vec<u8> },
    /// A share of members, households …, given as two counts.
    Share { numerator_label: String, denominator_label: String, scoring: ShareScoring },
}

/// What a share indicator yields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum ShareScoring {
    /// In a level set: the minimum share required for each listed level.
    Levels { minimums: Vec<LevelMinimum> },
    /// In a points set: the points of the first row whose minimum the share reaches.
    Points { max: Points, rows: Vec<ShareRow> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LevelMinimum {
    pub level: u8,
    pub min: Percent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareRow {
    pub min: Percent,
    pub points: Points,
}

/// The decision rule of a set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Rule {
    /// Total ≥ pass mark (lower in some areas), no indicator below a minimum, and the
    /// `required` indicators at their maximum.
    PassMark {
        pass_mark: Points,
        min_indicator: Option<Points>,
        area_pass_marks: Vec<AreaPassMark>,
        required: Vec<String>,
    },
    /// A rating by total, bands from highest to lowest.
    Bands { bands: Vec<Band>, below: String, recognised_from: usize },
    /// Levels reached when every indicator required for them is met.
    Levels { levels: Vec<Level> },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AreaPassMark {
    /// `disadvantaged`, `ethnic_minority`, … matched against the evaluation's area.
    pub area: String,
    pub pass_mark: Points,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Band {
    pub name: String,
    pub min: Points,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Level {
    pub level: u8,
    pub name: String,
}

/// Orders two versions of a set by their dot-separated parts, numbers as numbers
/// ("2020.10" after "2020.9"); a part that is not a number sorts after numbers, as text.
pub fn compare_versions(a: &str, b: &str) -> std::cmp::Ordering {
    let part = |p: &str| match p.parse::<u64>() {
        Ok(n) => (0, n, String::new()),
        Err(_) => (1, 0, p.to_string()),
    };
    a.split('.').map(part).cmp(b.split('.').map(part))
}

/// The set an evaluation is scored with, for ever: `id` at `version`; with no version
/// (an evaluation made before versions were kept), the earliest version of `id` — the
/// text every such evaluation was made with.
pub fn resolve<'a>(sets: &'a [CriteriaSet], id: &str, version: Option<&str>) -> Option<&'a CriteriaSet> {
    let mut of_id = sets.iter().filter(|s| s.id == id);
    match version {
        Some(version) => of_id.find(|s| s.version == version),
        None => of_id.min_by(|a, b| compare_versions(&a.version, &b.version)),
    }
}

/// Whether `set` is the newest version of its id among `sets`: the one a new
/// evaluation uses. Older versions stay only for the evaluations made with them.
pub fn is_newest(sets: &[CriteriaSet], set: &CriteriaSet) -> bool {
    !sets.iter().any(|s| s.id == set.id && compare_versions(&s.version, &set.version).is_gt())
}

/// The sets a new evaluation of `year` may use, in the order of `sets`: per set id, its
/// newest version already in effect that year, if that version is still in force then.
/// An earlier version of a set (kept for the evaluations made with it) is never offered
/// for a year a newer version covers or closes; a version taking effect next year does
/// not hide this year's.
pub fn for_year(sets: &[CriteriaSet], year: i32) -> impl Iterator<Item = &CriteriaSet> {
    let started = move |s: &&CriteriaSet| s.effective_from.year() <= year;
    sets.iter().filter(move |set| {
        started(set)
            && set.in_force_during(year)
            && !sets
                .iter()
                .filter(started)
                .any(|s| s.id == set.id && compare_versions(&s.version, &set.version).is_gt())
    })
}

/// The newest version of each set, in the order of `sets`.
pub fn newest(sets: &[CriteriaSet]) -> impl Iterator<Item = &CriteriaSet> {
    sets.iter().filter(|set| is_newest(sets, set))
}
