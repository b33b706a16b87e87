//! Indicator ratios (tỷ lệ) behind the programmes' targets, as data: each ratio counts
//! subjects (people, households, clans, hamlets, units, communes) that carry given
//! flags. Figures are **counts** — numerator and denominator — and a unit's figures are
//! the **sum** of its own subjects' counts and its children's, never an average of
//! percentages. Ambiguous ratios have several readings, all computed.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{from_toml, has_errors, line_of_assignment, Diagnostic};
use crate::number::Percent;

/// What a ratio counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum SubjectKind {
    /// Người dân
    Person,
    /// Hộ gia đình
    Household,
    /// Dòng họ, chi họ
    Clan,
    /// Thôn, ấp, bản, tổ dân phố
    Hamlet,
    /// Cơ quan, đơn vị, trường học, doanh nghiệp
    Unit,
    /// Xã, phường, đặc khu
    Commune,
}

/// A fact recorded about a subject for one year. Ratios are built from these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Flag {
    /// Within the configured adult age range ([`Settings`]).
    Adult,
    /// Within the configured working age range.
    WorkingAge,
    /// Holds the Learning Citizen title this year.
    Cdht,
    /// Digital skills meeting work needs (basic or proficient).
    DigitalSkills,
    /// Proficient in digital skills.
    DigitalProficient,
    /// Lives in a household recognised as a Learning Family.
    InLearningFamily,
    /// Belongs to a clan recognised as a Learning Clan.
    InLearningClan,
    /// Lives in a hamlet recognised as a Learning Community.
    InLearningCommunity,
    /// Any of the three above.
    InLearningGroup,
    /// An official, public employee or worker of a unit.
    UnitMember,
    /// Member of a unit recognised as a Learning Unit.
    InLearningUnit,
    /// A pupil or student.
    Learner,
    /// Has information skills (năng lực thông tin).
    InformationSkills,
    /// Has life skills (kỹ năng sống).
    LifeSkills,
    /// Staff of the commune's Hội Khuyến học.
    AssociationStaff,
    /// Trained in information technology.
    ItTrained,
    /// Household recognised as a Learning Family.
    LearningFamily,
    /// Clan recognised as a Learning Clan.
    LearningClan,
    /// Hamlet recognised as a Learning Community.
    LearningCommunity,
    /// Unit recognised as a Learning Unit.
    LearningUnit,
    /// Commune recognised as a learning community at commune level.
    LearningCommune,
}

impl Flag {
    /// The subject kind a flag can describe.
    pub fn subject(self) -> SubjectKind {
        match self {
            Flag::LearningFamily => SubjectKind::Household,
            Flag::LearningClan => SubjectKind::Clan,
            Flag::LearningCommunity => SubjectKind::Hamlet,
            Flag::LearningUnit => SubjectKind::Unit,
            Flag::LearningCommune => SubjectKind::Commune,
            _ => SubjectKind::Person,
        }
    }
}

/// One counted subject: its kind and the flags it carries in the year counted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: SubjectKind,
    pub flags: BTreeSet<Flag>,
}

impl Subject {
    pub fn new(kind: SubjectKind, flags: impl IntoIterator<Item = Flag>) -> Subject {
        Subject { kind, flags: flags.into_iter().collect() }
    }

    fn has_all(&self, flags: &[Flag]) -> bool {
        flags.iter().all(|f| self.flags.contains(f))
    }
}

/// Settings that change who is counted. Texts differ: QĐ 448 counted adults as 19–60,
/// statistics use 15 and over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    pub adult_min_age: u16,
    /// `None`: no upper bound.
    pub adult_max_age: Option<u16>,
    pub working_age_min: u16,
    pub working_age_max: u16,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings { adult_min_age: 15, adult_max_age: None, working_age_min: 15, working_age_max: 60 }
    }
}

/// Digital-skill level of a person (QĐ 677).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DigitalSkill {
    #[default]
    None,
    /// Meets the needs of the job.
    Basic,
    /// Can keep up to date on the digital environment by themself.
    Proficient,
}

/// What is recorded about a person for one year; turned into flags by
/// [`PersonFacts::subject`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonFacts {
    pub age: Option<u16>,
    pub cdht: bool,
    pub digital: DigitalSkill,
    pub household_learning_family: bool,
    pub clan_learning_clan: bool,
    pub hamlet_learning_community: bool,
    pub unit_member: bool,
    pub unit_learning_unit: bool,
    pub learner: bool,
    pub information_skills: bool,
    pub life_skills: bool,
    pub association_staff: bool,
    pub it_trained: bool,
}

impl PersonFacts {
    pub fn subject(&self, settings: &Settings) -> Subject {
        let mut flags = BTreeSet::new();
        if let Some(age) = self.age {
            if age >= settings.adult_min_age && settings.adult_max_age.is_none_or(|max| age <= max) {
                flags.insert(Flag::Adult);
            }
            if (settings.working_age_min..=settings.working_age_max).contains(&age) {
                flags.insert(Flag::WorkingAge);
            }
        }
        let mut set = |on: bool, flag: Flag| {
            if on {
                flags.insert(flag);
            }
        };
        set(self.cdht, Flag::Cdht);
        set(self.digital >= DigitalSkill::Basic, Flag::DigitalSkills);
        set(self.digital == DigitalSkill::Proficient, Flag::DigitalProficient);
        set(self.household_learning_family, Flag::InLearningFamily);
        set(self.clan_learning_clan, Flag::InLearningClan);
        set(self.hamlet_learning_community, Flag::InLearningCommunity);
        set(
            self.household_learning_family || self.clan_learning_clan || self.hamlet_learning_community,
            Flag::InLearningGroup,
        );
        set(self.unit_member, Flag::UnitMember);
        set(self.unit_member && self.unit_learning_unit, Flag::InLearningUnit);
        set(self.learner, Flag::Learner);
        set(self.information_skills, Flag::InformationSkills);
        set(self.life_skills, Flag::LifeSkills);
        set(self.association_staff, Flag::AssociationStaff);
        set(self.it_trained, Flag::ItTrained);
        Subject { kind: SubjectKind::Person, flags }
    }
}

/// A ratio definition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Ratio {
    pub id: String,
    pub name: String,
    pub subject: SubjectKind,
    pub source: String,
    /// At least one; the first is the default reading.
    #[serde(rename = "reading")]
    pub readings: Vec<Reading>,
}

/// One reading of a ratio: which subjects are counted above and below the line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reading {
    pub id: String,
    pub label: String,
    pub numerator: Vec<Flag>,
    pub denominator: Vec<Flag>,
}

/// All ratio definitions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Definitions {
    #[serde(rename = "ratio")]
    pub ratios: Vec<Ratio>,
}

impl Definitions {
    pub fn ratio(&self, id: &str) -> Option<&Ratio> {
        self.ratios.iter().find(|r| r.id == id)
    }

    /// Every `(ratio, reading)` key in definition order.
    pub fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.ratios.iter().flat_map(|r| r.readings.iter().map(move |reading| key(&r.id, &reading.id)))
    }
}

/// The shipped definitions (`shared/data/indicators.toml`).
pub const SHIPPED: &str = include_str!("../data/indicators.toml");

/// Parses and checks ratio definitions: duplicate ids, readings whose numerator is not
/// a subset of the denominator's subjects, flags that do not describe the ratio's
/// subject.
pub fn parse_definitions(source: &str) -> (Option<Definitions>, Vec<Diagnostic>) {
    let definitions: Definitions = match from_toml(source, "tệp định nghĩa tỷ lệ") {
        Ok(d) => d,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let mut diagnostics = Vec::new();
    let mut seen = BTreeSet::new();
    for (i, ratio) in definitions.ratios.iter().enumerate() {
        let line = line_of_assignment(source, "id", &ratio.id, 0);
        let path = format!("ratio[{i}]");
        if !seen.insert(ratio.id.as_str()) {
            diagnostics.push(
                Diagnostic::error("duplicate-code", &path, format!("tỷ lệ {:?} bị trùng mã", ratio.id)).at_line(line),
            );
        }
        if ratio.readings.is_empty() {
            diagnostics.push(
                Diagnostic::error(
                    "missing-field",
                    &path,
                    format!("tỷ lệ {} không có cách tính nào (reading)", ratio.id),
                )
                .at_line(line),
            );
        }
        for (j, reading) in ratio.readings.iter().enumerate() {
            let rpath = format!("{path}.reading[{j}]");
            for flag in reading.numerator.iter().chain(&reading.denominator) {
                if flag.subject() != ratio.subject {
                    diagnostics.push(
                        Diagnostic::error(
                            "kind-mismatch",
                            &rpath,
                            format!("tỷ lệ {}: cờ {flag:?} không mô tả đối tượng {:?}", ratio.id, ratio.subject),
                        )
                        .at_line(line),
                    );
                }
            }
            if !reading.denominator.iter().all(|f| reading.numerator.contains(f)) {
                diagnostics.push(
                    Diagnostic::error(
                        "bad-value",
                        &rpath,
                        format!(
                            "tỷ lệ {}: tử số phải gồm mọi điều kiện của mẫu số (tử số là một phần của mẫu số)",
                            ratio.id
                        ),
                    )
                    .at_line(line),
                );
            }
        }
    }
    let definitions = if has_errors(&diagnostics) { None } else { Some(definitions) };
    (definitions, diagnostics)
}

/// The shipped definitions, which the test suite proves valid.
pub fn shipped() -> Definitions {
    parse_definitions(SHIPPED).0.unwrap_or(Definitions { ratios: Vec::new() })
}

/// The key of a reading in a [`Tally`]: `ratio:reading`.
pub fn key(ratio: &str, reading: &str) -> String {
    format!("{ratio}:{reading}")
}

/// Numerator and denominator of one reading.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub numerator: u64,
    pub denominator: u64,
}

impl Counts {
    pub fn percent(self) -> Option<Percent> {
        Percent::of(self.numerator, self.denominator)
    }
}

/// Counts of every reading, for one unit (its own subjects, or everything under it).
/// Adding tallies is commutative and associative, so roll-up order never matters.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tally {
    pub counts: BTreeMap<String, Counts>,
}

impl Tally {
    /// Counts `subjects` under every reading of `definitions`. Every reading is present
    /// in the result, with zeros where nothing was counted.
    pub fn of_subjects<'a>(definitions: &Definitions, subjects: impl IntoIterator<Item = &'a Subject>) -> Tally {
        let mut counts: BTreeMap<String, Counts> = definitions.keys().map(|k| (k, Counts::default())).collect();
        for subject in subjects {
            for ratio in definitions.ratios.iter().filter(|r| r.subject == subject.kind) {
                for reading in &ratio.readings {
                    if subject.has_all(&reading.denominator) {
                        let entry = counts.entry(key(&ratio.id, &reading.id)).or_default();
                        entry.denominator += 1;
                        if subject.has_all(&reading.numerator) {
                            entry.numerator += 1;
                        }
                    }
                }
            }
        }
        Tally { counts }
    }

    pub fn add(&mut self, other: &Tally) {
        for (key, counts) in &other.counts {
            let entry = self.counts.entry(key.clone()).or_default();
            entry.numerator += counts.numerator;
            entry.denominator += counts.denominator;
        }
    }

    pub fn get(&self, ratio: &str, reading: &str) -> Counts {
        self.counts.get(&key(ratio, reading)).copied().unwrap_or_default()
    }
}

/// Rolls tallies up a tree. `parents` maps every unit to its parent (`None` at the
/// top); `own` holds each unit's own subjects' tally. The result holds, for every unit
/// in `parents`, the sum of its own tally and all of its descendants'. A unit whose
/// parent chain loops or leaves the map stops there rather than looping forever.
pub fn roll_up(parents: &BTreeMap<String, Option<String>>, own: &BTreeMap<String, Tally>) -> BTreeMap<String, Tally> {
    let mut totals: BTreeMap<String, Tally> = parents.keys().map(|id| (id.clone(), Tally::default())).collect();
    for (id, tally) in own {
        let mut current = Some(id.clone());
        let mut steps = 0;
        while let Some(unit) = current {
            let Some(total) = totals.get_mut(&unit) else { break };
            total.add(tally);
            steps += 1;
            if steps > parents.len() {
                break;
            }
            current = parents.get(&unit).cloned().flatten();
        }
    }
    totals
}
