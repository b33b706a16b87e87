//! Consolidation (tổng hợp): from the records' views to the figures of every unit for
//! one year — each ratio as counts rolled up the hierarchy, evaluations counted per
//! model and result, and the list of recognised subjects.
//!
//! A title counts for a year when an evaluation of that year reached the `recognised`
//! status (a decision was issued). An evaluation with no score that was never
//! recognised is not counted, and a subject with several evaluations under one set for
//! one year counts once, by the one [`preferred_evaluation`] picks. Records carry their facts in fields; the names are
//! documented in `docs/api.md` (`birth_year`, `digital_skill`, `household`, `clan`,
//! `unit_member`, `member_of`, …).
//!
//! Nothing leaves the log, so what left is read from fields ([`crate::archive`]): a
//! deleted evaluation is never counted; a subject that moved away or died leaves the
//! denominators from that year on; a duplicate leaves every year's, and its
//! evaluations count as the kept record's (still one per subject, set and year).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::archive::{in_register, is_deleted, kept_subject, left_of};
use crate::criteria::{self, CriteriaSet, Model};
use crate::indicators::{roll_up, Definitions, DigitalSkill, Flag, PersonFacts, Settings, Subject, SubjectKind, Tally};
use crate::merge::{RecordView, Status, SCORE_FIELD_PREFIX};
use crate::protocol::{Decision, RecordId, RecordKind};
use crate::scoring::{self, Answer, Evaluation};

/// The version of the counting rules in this file. Figures kept by a server are
/// counted again when it changes (as when a criteria set or a ratio does).
pub const COUNTING_RULES: u32 = 5;

/// What an evaluation record says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationFacts {
    pub set: String,
    /// The version of the set the evaluation was made with; `None` for evaluations
    /// made before versions were kept, which resolve to the set's earliest version.
    pub set_version: Option<String>,
    /// `None` while the officer has not yet linked the subject: the evaluation is still
    /// counted, but confers no title.
    pub subject: Option<RecordId>,
    pub year: i32,
}

impl EvaluationFacts {
    /// The set and version this evaluation is scored with (see [`criteria::resolve`]).
    pub fn criteria<'a>(&self, sets: &'a [CriteriaSet]) -> Option<&'a CriteriaSet> {
        criteria::resolve(sets, &self.set, self.set_version.as_deref())
    }
}

/// Reads the `set`, `set_version`, `subject` and `year` fields of an evaluation record.
pub fn evaluation_facts(view: &RecordView) -> Option<EvaluationFacts> {
    if view.record.kind != RecordKind::Evaluation {
        return None;
    }
    let set = view.value("set")?.as_str()?.to_string();
    let set_version = view.value(SET_VERSION_FIELD).and_then(|v| v.as_str()).map(str::to_string);
    let subject = view.value("subject").and_then(|v| serde_json::from_value::<RecordId>(v.clone()).ok());
    let year = i32::try_from(view.value("year")?.as_i64()?).ok()?;
    Some(EvaluationFacts { set, set_version, subject, year })
}

/// The evaluation field naming the version of its set (beside `set`, the set's id).
pub const SET_VERSION_FIELD: &str = "set_version";

/// The criteria set an evaluation record is scored with, in its version.
pub fn criteria_of<'a>(view: &RecordView, sets: &'a [CriteriaSet]) -> Option<&'a CriteriaSet> {
    evaluation_facts(view)?.criteria(sets)
}

/// The name a subject record is known by: its `name` (a person, clan, unit or hamlet),
/// `ten`, or a household's `ten_chu_ho`, when the field holds one agreed text.
pub fn subject_name(view: &RecordView) -> Option<String> {
    ["name", "ten", "ten_chu_ho"].iter().find_map(|f| view.value(f)?.as_str().map(str::to_string))
}

/// The household a person's record names.
pub fn household_of(view: &RecordView) -> Option<RecordId> {
    let id = view.value("household")?.as_str()?.to_string();
    (view.record.kind == RecordKind::Person).then_some(RecordId { kind: RecordKind::Household, id })
}

/// What a recognised subject's list shows of it: its name, a person's birth year, and
/// the household head's name (a person's household `household`, as
/// [`household_of`] names it; a household's own).
pub fn subject_details(
    view: &RecordView,
    household: Option<&RecordView>,
) -> (Option<String>, Option<i64>, Option<String>) {
    let birth_year = view.value("birth_year").and_then(serde_json::Value::as_i64);
    let head = match view.record.kind {
        RecordKind::Household => subject_name(view),
        _ => household.and_then(subject_name),
    };
    (subject_name(view), birth_year, head)
}

/// The evaluation as the scoring engine takes it, from the record's score fields.
pub fn evaluation_of(view: &RecordView, set: &str) -> Evaluation {
    let scores = view
        .fields
        .iter()
        .filter_map(|(field, f)| {
            let code = field.strip_prefix(SCORE_FIELD_PREFIX)?;
            let answer: Answer = serde_json::from_value(f.value.clone()?).ok()?;
            Some((code.to_string(), answer))
        })
        .collect();
    let context = view.value("context").and_then(|c| serde_json::from_value(c.clone()).ok()).unwrap_or_default();
    Evaluation { set: set.to_string(), context, scores }
}

/// How many indicators of an evaluation record hold a score (agreed or in conflict).
pub fn score_count(view: &RecordView) -> usize {
    view.fields
        .iter()
        .filter(|(field, f)| field.starts_with(SCORE_FIELD_PREFIX) && (f.value.is_some() || !f.candidates.is_empty()))
        .count()
}

/// How far an evaluation went: recognised, then approved, submitted, returned, draft.
fn advance(status: Status) -> u8 {
    match status {
        Status::Recognised => 4,
        Status::Approved => 3,
        Status::Submitted => 2,
        Status::Returned => 1,
        Status::Draft => 0,
    }
}

/// Of several evaluations of one subject under one set for one year (made before ids
/// were derived from the three, or by hand), the one that counts: the most advanced,
/// then the one with more scores, then the smaller record id.
pub fn preferred_evaluation<'a>(views: impl IntoIterator<Item = &'a RecordView>) -> Option<&'a RecordView> {
    views.into_iter().min_by(|a, b| {
        advance(b.status)
            .cmp(&advance(a.status))
            .then_with(|| score_count(b).cmp(&score_count(a)))
            .then_with(|| a.record.cmp(&b.record))
    })
}

/// One recognised subject of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecognisedSubject {
    pub subject: RecordId,
    pub unit: String,
    pub model: Model,
    pub set: String,
    /// The version of `set` the evaluation was scored with.
    #[serde(default)]
    pub set_version: String,
    pub evaluation: RecordId,
    pub decision: Option<Decision>,
    /// Name of the subject, when its record has one.
    pub name: Option<String>,
    /// A person's birth year, so that namesakes are told apart on the decision's list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i64>,
    /// The household head's name of a person (or a household's own), for the same.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub household: Option<String>,
}

/// Evaluations of one model in the year.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelCounts {
    pub evaluated: u64,
    pub submitted: u64,
    pub recognised: u64,
    /// By the scoring result (`recognised`, `band:Khá`, `level:1`, …; `incomplete`
    /// while indicators are missing).
    pub by_result: BTreeMap<String, u64>,
    /// The evaluations counted, by the set and version they were scored with
    /// (`dvht-tt22-2020@2020.2`), so a report says which text each count used.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub by_set: BTreeMap<String, u64>,
}

impl ModelCounts {
    fn add(&mut self, other: &ModelCounts) {
        self.evaluated += other.evaluated;
        self.submitted += other.submitted;
        self.recognised += other.recognised;
        for (result, n) in &other.by_result {
            *self.by_result.entry(result.clone()).or_default() += n;
        }
        for (set, n) in &other.by_set {
            *self.by_set.entry(set.clone()).or_default() += n;
        }
    }
}

/// The figures of one unit (its own records and everything below it).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFigures {
    pub tally: Tally,
    pub models: BTreeMap<Model, ModelCounts>,
}

/// Consolidated figures for a year, per unit.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consolidation {
    pub year: i32,
    /// Every unit that holds records or lies above one, with its rolled-up figures.
    pub units: BTreeMap<String, UnitFigures>,
    pub recognised: Vec<RecognisedSubject>,
}

/// The figures of one part of the records (a hamlet's, on the server), before they are
/// rolled up: each unit's own subjects and evaluations only. Parts add up, so a
/// province is the sum of its hamlets' and communes' parts and only the part whose
/// records changed needs counting again.
///
/// People refer to records a part may not hold: the clan, the agency, the hamlet record
/// (kept with the commune). Their titles come in as `outside` titles when the part is
/// counted, and the part keeps the ones it used, so the caller can tell when they have
/// changed. A part is exact when every other record its subjects refer to (their
/// household) and every subject its evaluations recognise lies inside it; the two
/// `outside` sets name the records for which that is not so.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Part {
    pub year: i32,
    /// Each unit's own subjects' tally (units with subjects only).
    pub tallies: BTreeMap<String, Tally>,
    /// Each unit's own evaluations, per model.
    pub models: BTreeMap<String, BTreeMap<Model, ModelCounts>>,
    pub recognised: Vec<RecognisedSubject>,
    /// Records referred to by the part's subjects that the part does not hold: counted
    /// as holding no title.
    pub outside_references: BTreeSet<RecordId>,
    /// Subjects of the part's counted evaluations that the part does not hold: their
    /// titles count nowhere in the part, and another part may count an evaluation of
    /// the same subject (one subject, set and year counts once).
    pub outside_subjects: BTreeSet<RecordId>,
    /// Titles the part's evaluations confer on clans, agencies and hamlets it holds:
    /// the titles other parts' people count as outside titles.
    pub shared_titles: BTreeSet<(RecordId, Model)>,
    /// The outside titles of records in `outside_references` the part was counted with.
    pub outside_titles_seen: BTreeSet<(RecordId, Model)>,
    /// The communes holding records in the part, and whether their own Learning
    /// Commune evaluation in the part was recognised (each commune counts once in the
    /// communes ratio, however many parts it has).
    pub communes: BTreeMap<String, bool>,
}

impl Part {
    /// Adds `other` (a part of the same year with other records).
    pub fn add(&mut self, other: &Part) {
        self.add_counts(other);
        self.outside_references.extend(other.outside_references.iter().cloned());
        self.outside_subjects.extend(other.outside_subjects.iter().cloned());
        self.shared_titles.extend(other.shared_titles.iter().cloned());
        self.outside_titles_seen.extend(other.outside_titles_seen.iter().cloned());
    }

    /// Adds what [`combine`] reads of `other` (tallies, evaluations per model,
    /// recognised subjects, communes), leaving out the record sets that tell whether
    /// parts add up exactly: summed over a province's parts those are thousands of ids.
    pub fn add_counts(&mut self, other: &Part) {
        for (unit, tally) in &other.tallies {
            self.tallies.entry(unit.clone()).or_default().add(tally);
        }
        for (unit, models) in &other.models {
            let own = self.models.entry(unit.clone()).or_default();
            for (model, counts) in models {
                own.entry(*model).or_default().add(counts);
            }
        }
        self.recognised.extend(other.recognised.iter().cloned());
        for (commune, recognised) in &other.communes {
            *self.communes.entry(commune.clone()).or_default() |= recognised;
        }
    }
}

/// Consolidates `views` for `year`. `parent_of` gives each unit's parent; `sets` are the
/// criteria sets evaluations may name.
pub fn consolidate(
    views: &[RecordView],
    year: i32,
    sets: &[CriteriaSet],
    definitions: &Definitions,
    settings: &Settings,
    parent_of: &dyn Fn(&str) -> Option<String>,
) -> Consolidation {
    let counted = part(views, year, sets, definitions, settings, parent_of, &BTreeSet::new());
    combine(counted, definitions, parent_of)
}

/// Rolls a part (or the sum of several) up the hierarchy: every unit that holds records
/// or lies above one, with the sum of its own figures and its descendants'.
pub fn combine(part: Part, definitions: &Definitions, parent_of: &dyn Fn(&str) -> Option<String>) -> Consolidation {
    let Part { year, mut tallies, models, mut recognised, communes, .. } = part;
    // Every commune with records counts once, recognised by its own Learning Commune
    // evaluation.
    for (commune, recognised) in communes {
        let subject = Subject::new(SubjectKind::Commune, recognised.then_some(Flag::LearningCommune));
        let tally = Tally::of_subjects(definitions, [&subject]);
        match tallies.get_mut(&commune) {
            Some(own) => own.add(&tally),
            None => {
                tallies.insert(commune, tally);
            }
        }
    }
    let mut parents: BTreeMap<String, Option<String>> = BTreeMap::new();
    for unit in tallies.keys().chain(models.keys()) {
        let ancestors = chain(unit, parent_of);
        for (i, id) in ancestors.iter().enumerate() {
            parents.entry(id.clone()).or_insert_with(|| ancestors.get(i + 1).cloned());
        }
    }
    let rolled = roll_up(&parents, &tallies);
    let mut units: BTreeMap<String, UnitFigures> =
        rolled.into_iter().map(|(unit, tally)| (unit, UnitFigures { tally, models: BTreeMap::new() })).collect();
    for (unit, models) in &models {
        for ancestor in chain(unit, parent_of) {
            if let Some(figures) = units.get_mut(&ancestor) {
                for (model, counts) in models {
                    figures.models.entry(*model).or_default().add(counts);
                }
            }
        }
    }
    recognised.sort_by(|a, b| (a.model, &a.unit, &a.subject).cmp(&(b.model, &b.unit, &b.subject)));
    Consolidation { year, units, recognised }
}

/// Counts the own figures of the units of `views` for `year`, without rolling them up.
/// `parent_of` is used only to find the commune each record lies in; `outside` holds
/// titles recognised elsewhere, which count for records the part does not hold.
pub fn part(
    views: &[RecordView],
    year: i32,
    sets: &[CriteriaSet],
    definitions: &Definitions,
    settings: &Settings,
    parent_of: &dyn Fn(&str) -> Option<String>,
    outside: &BTreeSet<(RecordId, Model)>,
) -> Part {
    let by_id: BTreeMap<&RecordId, &RecordView> = views.iter().map(|v| (&v.record, v)).collect();
    let view_of = |record: &RecordId| by_id.get(record).copied();

    // Which subjects hold a title this year, and the per-model counts of each unit.
    let mut titled: BTreeMap<&RecordId, BTreeSet<Model>> = BTreeMap::new();
    let mut own_models: BTreeMap<String, BTreeMap<Model, ModelCounts>> = BTreeMap::new();
    let mut recognised = Vec::new();
    let mut outside_subjects = BTreeSet::new();
    let mut outside_references = BTreeSet::new();
    // The evaluations that count: not deleted, not an empty draft, and one per subject
    // and set, a duplicate's counted as the kept record's.
    let mut counted: Vec<(&RecordView, EvaluationFacts)> = Vec::new();
    let mut by_subject: BTreeMap<(RecordId, String), Vec<&RecordView>> = BTreeMap::new();
    for view in views {
        let Some(facts) = evaluation_facts(view) else { continue };
        if facts.year != year || facts.criteria(sets).is_none() || is_deleted(view) {
            continue;
        }
        if view.status != Status::Recognised && score_count(view) == 0 {
            continue;
        }
        match &facts.subject {
            Some(subject) => {
                by_subject.entry((kept_subject(subject, &view_of), facts.set.clone())).or_default().push(view)
            }
            None => counted.push((view, facts)),
        }
    }
    for ((subject, _), evaluations) in by_subject {
        if let Some(view) = preferred_evaluation(evaluations) {
            counted.extend(
                evaluation_facts(view).map(|facts| (view, EvaluationFacts { subject: Some(subject), ..facts })),
            );
        }
    }
    counted.sort_by(|a, b| a.0.record.cmp(&b.0.record));
    for (view, facts) in counted {
        let Some(set) = facts.criteria(sets) else { continue };
        let model = &set.model;
        // Another part may count an evaluation of a subject this part does not hold.
        if let Some(subject) = facts.subject.as_ref().filter(|s| !by_id.contains_key(s)) {
            outside_subjects.insert(subject.clone());
        }
        let counts = own_models.entry(view.unit.clone()).or_default().entry(*model).or_default();
        counts.evaluated += 1;
        *counts.by_set.entry(format!("{}@{}", set.id, set.version)).or_default() += 1;
        if view.status != Status::Draft {
            counts.submitted += 1;
        }
        let result = scoring::score(set, &evaluation_of(view, &facts.set))
            .map_or_else(|_| "incomplete".to_string(), |o| o.summary());
        *counts.by_result.entry(result).or_default() += 1;
        if view.status == Status::Recognised {
            counts.recognised += 1;
            let Some(subject_id) = facts.subject.as_ref() else { continue };
            if let Some(subject) = by_id.get(subject_id) {
                titled.entry(&subject.record).or_default().insert(*model);
            }
            let (name, birth_year, household) = match by_id.get(subject_id) {
                Some(view) => {
                    let head = household_of(view).and_then(|h| by_id.get(&h).copied());
                    subject_details(view, head)
                }
                None => (None, None, None),
            };
            recognised.push(RecognisedSubject {
                subject: subject_id.clone(),
                unit: view.unit.clone(),
                model: *model,
                set: facts.set.clone(),
                set_version: set.version.clone(),
                evaluation: view.record.clone(),
                decision: view.decision.clone(),
                name,
                birth_year,
                household,
            });
        }
    }
    let holds = |record: &RecordId, model: Model| {
        titled.get(record).is_some_and(|m| m.contains(&model))
            || (!by_id.contains_key(record) && outside.contains(&(record.clone(), model)))
    };
    let reference = |view: &RecordView, field: &str, kind: RecordKind| -> Option<RecordId> {
        let id = view.value(field)?.as_str()?.to_string();
        Some(RecordId { kind, id })
    };
    // Hamlets are units; their Learning Community title is held by the hamlet record.
    let hamlet_titled = |unit: &str| -> bool {
        unit.strip_prefix("hamlet:").is_some_and(|id| {
            holds(&RecordId { kind: RecordKind::Hamlet, id: id.to_string() }, Model::LearningCommunity)
        })
    };

    // Subjects with their flags, attached to their unit: those in the register this year.
    let mut own_subjects: BTreeMap<String, Vec<Subject>> = BTreeMap::new();
    for view in views {
        if !in_register(view, year, &view_of) {
            // Whether a duplicate's kept record is itself a duplicate of this one is
            // known only where both are counted together.
            let kept = left_of(view).and_then(|l| l.duplicate_of).map(|id| RecordId { kind: view.record.kind, id });
            outside_references.extend(kept.filter(|k| !by_id.contains_key(k)));
            continue;
        }
        let subject = match view.record.kind {
            RecordKind::Person => {
                let household = reference(view, "household", RecordKind::Household);
                let clan =
                    household.as_ref().and_then(|h| by_id.get(h)).and_then(|h| reference(h, "clan", RecordKind::Clan));
                let member_of = reference(view, "member_of", RecordKind::Unit);
                let hamlet = view
                    .unit
                    .strip_prefix("hamlet:")
                    .map(|id| RecordId { kind: RecordKind::Hamlet, id: id.to_string() });
                for referred in [&household, &clan, &member_of, &hamlet].into_iter().flatten() {
                    if !by_id.contains_key(referred) {
                        outside_references.insert(referred.clone());
                    }
                }
                let flag = |field: &str| view.value(field).and_then(serde_json::Value::as_bool).unwrap_or(false);
                let facts = PersonFacts {
                    age: view
                        .value("birth_year")
                        .and_then(serde_json::Value::as_i64)
                        .and_then(|y| u16::try_from(i64::from(year) - y).ok()),
                    cdht: holds(&view.record, Model::LearningCitizen),
                    digital: view
                        .value("digital_skill")
                        .and_then(|v| serde_json::from_value::<DigitalSkill>(v.clone()).ok())
                        .unwrap_or_default(),
                    household_learning_family: household.as_ref().is_some_and(|h| holds(h, Model::LearningFamily)),
                    clan_learning_clan: clan.as_ref().is_some_and(|c| holds(c, Model::LearningClan)),
                    hamlet_learning_community: hamlet_titled(&view.unit),
                    unit_member: flag("unit_member") || member_of.is_some(),
                    unit_learning_unit: member_of.as_ref().is_some_and(|u| holds(u, Model::LearningUnit)),
                    learner: flag("learner"),
                    information_skills: flag("information_skills"),
                    life_skills: flag("life_skills"),
                    association_staff: flag("association_staff"),
                    it_trained: flag("it_trained"),
                };
                facts.subject(settings)
            }
            RecordKind::Household => Subject::new(
                SubjectKind::Household,
                holds(&view.record, Model::LearningFamily).then_some(Flag::LearningFamily),
            ),
            RecordKind::Clan => {
                Subject::new(SubjectKind::Clan, holds(&view.record, Model::LearningClan).then_some(Flag::LearningClan))
            }
            RecordKind::Unit => {
                Subject::new(SubjectKind::Unit, holds(&view.record, Model::LearningUnit).then_some(Flag::LearningUnit))
            }
            RecordKind::Hamlet => Subject::new(
                SubjectKind::Hamlet,
                holds(&view.record, Model::LearningCommunity).then_some(Flag::LearningCommunity),
            ),
            RecordKind::Evaluation => continue,
        };
        // A hamlet record counts at its own unit, so the hamlet's figures include it.
        let unit = match view.record.kind {
            RecordKind::Hamlet => format!("hamlet:{}", view.record.id),
            _ => view.unit.clone(),
        };
        own_subjects.entry(unit).or_default().push(subject);
    }
    let communes: BTreeMap<String, bool> = own_subjects
        .keys()
        .chain(own_models.keys())
        .filter_map(|u| chain(u, parent_of).into_iter().find(|c| c.starts_with("commune:")))
        .map(|commune| {
            let recognised = recognised.iter().any(|r| r.model == Model::LearningCommune && r.unit == commune);
            (commune, recognised)
        })
        .collect();
    let shared_titles = titled
        .iter()
        .filter(|(record, _)| matches!(record.kind, RecordKind::Clan | RecordKind::Unit | RecordKind::Hamlet))
        .flat_map(|(record, models)| models.iter().map(|m| ((*record).clone(), *m)))
        .collect();
    let outside_titles_seen =
        outside.iter().filter(|(record, _)| outside_references.contains(record)).cloned().collect();
    let tallies =
        own_subjects.iter().map(|(unit, subjects)| (unit.clone(), Tally::of_subjects(definitions, subjects))).collect();
    Part {
        year,
        tallies,
        models: own_models,
        recognised,
        outside_references,
        outside_subjects,
        shared_titles,
        outside_titles_seen,
        communes,
    }
}

/// `unit` and its ancestors, nearest first.
fn chain(unit: &str, parent_of: &dyn Fn(&str) -> Option<String>) -> Vec<String> {
    let walked: Result<_, std::convert::Infallible> = crate::units::chain(unit, |u| Ok(parent_of(u)));
    walked.unwrap_or_else(|never| match never {})
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::{part, RecordId, RecordKind, RecordView};
    use crate::criteria::shipped;
    use crate::date::Date;
    use crate::hlc::Hlc;
    use crate::indicators::{self, Settings};
    use crate::merge;
    use crate::protocol::{Decision, FieldEdit, OpBody, Operation, Transition};
    use crate::scoring::Answer;

    /// Views of the people `p1`, `p2` in `hamlet:h1` and of evaluations written as
    /// `"<id> <subject> <set> <year> <status> <scores>"` (`-` for no subject).
    fn views(evaluations: &[&str]) -> Vec<RecordView> {
        views_left(&[], evaluations)
    }

    /// [`views`] with adults (born 1980) and the `left` fields of some of them.
    fn views_left(left: &[(&str, &str)], evaluations: &[&str]) -> Vec<RecordView> {
        let mut ms = 0;
        let mut op = |record: &RecordId, body: OpBody| {
            ms += 1;
            Operation {
                id: format!("o{ms}"),
                device: "d".into(),
                hlc: Hlc { wall_ms: ms, counter: 0, device: "d".into() },
                record: record.clone(),
                unit: "hamlet:h1".into(),
                body,
            }
        };
        let field = |field: &str, value: serde_json::Value| FieldEdit { field: field.into(), value, base: vec![] };
        let mut out = Vec::new();
        for person in ["p1", "p2"] {
            let record = RecordId { kind: RecordKind::Person, id: person.into() };
            let mut fields = vec![field("name", person.into()), field("birth_year", 1980.into())];
            if let Some((_, value)) = left.iter().find(|(p, _)| *p == person) {
                fields.push(field("left", serde_json::from_str(value).expect("json")));
            }
            let ops = [op(&record, OpBody::SetFields { fields })];
            out.push(merge::view(&record, &ops));
        }
        for line in evaluations {
            let [id, subject, set, year, status, scores] = line.split(' ').collect::<Vec<_>>()[..] else {
                panic!("bad case {line:?}")
            };
            let record = RecordId { kind: RecordKind::Evaluation, id: id.into() };
            let mut fields = vec![field("set", set.into()), field("year", year.parse::<i64>().expect("year").into())];
            if subject != "-" {
                let subject = RecordId { kind: RecordKind::Person, id: subject.into() };
                fields.push(field("subject", serde_json::to_value(subject).expect("json")));
            }
            let mut ops = vec![op(&record, OpBody::SetFields { fields })];
            for i in 0..scores.parse::<usize>().expect("scores") {
                let body =
                    OpBody::SetScore { indicator: format!("{}", i + 1), answer: Answer::Met(true), base: vec![] };
                ops.push(op(&record, body));
            }
            let decision = Decision {
                number: "1/QĐ-UBND".into(),
                date: Date::new(2026, 12, 1).expect("date"),
                authority: "UBND".into(),
                override_reason: None,
                proposer: None,
            };
            let steps = match status {
                "draft" => vec![],
                "submitted" => vec![Transition::Submit],
                "returned" => vec![Transition::Submit, Transition::Return { comment: "sửa".into() }],
                "approved" => vec![Transition::Submit, Transition::Approve],
                "recognised" => vec![Transition::Submit, Transition::Approve, Transition::Recognise { decision }],
                _ => panic!("bad status {status:?}"),
            };
            for transition in steps {
                ops.push(op(&record, OpBody::Transition { transition }));
            }
            out.push(merge::view(&record, &ops));
        }
        out
    }

    /// Counts the evaluations of 2026 and writes the citizen model's counts, the
    /// evaluations of the recognised list and the subjects held outside the part.
    #[track_caller]
    fn check(evaluations: &[&str], expect: &str) {
        let counted = part(
            &views(evaluations),
            2026,
            &shipped::all(),
            &indicators::shipped(),
            &Settings::default(),
            &|_| None,
            &BTreeSet::new(),
        );
        let counts = counted
            .models
            .values()
            .flat_map(|m| m.values())
            .fold((0, 0, 0), |(e, s, r), c| (e + c.evaluated, s + c.submitted, r + c.recognised));
        let recognised: Vec<&str> = counted.recognised.iter().map(|r| r.evaluation.id.as_str()).collect();
        let outside: Vec<&str> = counted.outside_subjects.iter().map(|r| r.id.as_str()).collect();
        let got = format!(
            "evaluated {} submitted {} recognised {}; list {recognised:?}; outside {outside:?}",
            counts.0, counts.1, counts.2
        );
        assert_eq!(got, expect);
    }

    #[test]
    fn an_evaluation_without_scores_is_not_counted() {
        check(&["e1 p1 cdht-244-2022 2026 draft 0"], "evaluated 0 submitted 0 recognised 0; list []; outside []");
        check(&["e1 p1 cdht-244-2022 2026 submitted 0"], "evaluated 0 submitted 0 recognised 0; list []; outside []");
        check(&["e1 p1 cdht-244-2022 2026 draft 1"], "evaluated 1 submitted 0 recognised 0; list []; outside []");
        check(&["e1 - cdht-244-2022 2026 draft 2"], "evaluated 1 submitted 0 recognised 0; list []; outside []");
        // A recognition was decided: it counts, scores or not.
        check(
            &["e1 p1 cdht-244-2022 2026 recognised 0"],
            "evaluated 1 submitted 1 recognised 1; list [\"e1\"]; outside []",
        );
    }

    #[test]
    fn a_subject_counts_once_per_set_and_year_by_its_most_advanced_evaluation() {
        // An empty duplicate beside a scored one.
        check(
            &["e1 p1 cdht-244-2022 2026 draft 3", "e2 p1 cdht-244-2022 2026 draft 0"],
            "evaluated 1 submitted 0 recognised 0; list []; outside []",
        );
        // The most advanced wins, whatever its scores.
        check(
            &["e1 p1 cdht-244-2022 2026 draft 9", "e2 p1 cdht-244-2022 2026 submitted 1"],
            "evaluated 1 submitted 1 recognised 0; list []; outside []",
        );
        check(
            &[
                "e1 p1 cdht-244-2022 2026 recognised 2",
                "e2 p1 cdht-244-2022 2026 recognised 3",
                "e3 p1 cdht-244-2022 2026 approved 5",
            ],
            "evaluated 1 submitted 1 recognised 1; list [\"e2\"]; outside []",
        );
        // Equal in status and scores: the smaller record id.
        check(
            &["e2 p1 cdht-244-2022 2026 recognised 1", "e1 p1 cdht-244-2022 2026 recognised 1"],
            "evaluated 1 submitted 1 recognised 1; list [\"e1\"]; outside []",
        );
        // Other subjects, sets and years are other evaluations.
        check(
            &[
                "e1 p1 cdht-244-2022 2026 submitted 1",
                "e2 p2 cdht-244-2022 2026 submitted 1",
                "e3 p1 cdht-244-2022 2025 submitted 1",
                "e4 - cdht-244-2022 2026 draft 1",
                "e5 - cdht-244-2022 2026 draft 1",
            ],
            "evaluated 4 submitted 2 recognised 0; list []; outside []",
        );
    }

    /// For 2025 and 2026: the adults counted (denominator) and those holding the title
    /// (numerator), and the recognised evaluations with their subjects.
    #[track_caller]
    fn check_left(left: &[(&str, &str)], evaluations: &[&str], expect: &str) {
        let views = views_left(left, evaluations);
        let got: Vec<String> = [2025, 2026]
            .into_iter()
            .map(|year| {
                let counted = part(
                    &views,
                    year,
                    &shipped::all(),
                    &indicators::shipped(),
                    &Settings::default(),
                    &|_| None,
                    &BTreeSet::new(),
                );
                let adults = counted.tallies.values().fold((0, 0), |(n, d), t| {
                    let c = t.get("adults_cdht_in_learning_groups", "all_adults");
                    (n + c.numerator, d + c.denominator)
                });
                let evaluated: u64 = counted.models.values().flat_map(|m| m.values()).map(|c| c.evaluated).sum();
                let list: Vec<String> =
                    counted.recognised.iter().map(|r| format!("{} for {}", r.evaluation.id, r.subject.id)).collect();
                format!("{year}: adults {}/{} evaluated {evaluated} {list:?}", adults.0, adults.1)
            })
            .collect();
        assert_eq!(got.join("; "), expect);
    }

    #[test]
    fn a_subject_that_left_leaves_the_denominators_from_that_year_on() {
        let deceased = r#"{"reason":"deceased","on":"2026-03-12"}"#;
        check_left(
            &[("p2", deceased)],
            &["e1 p2 cdht-244-2022 2025 recognised 0"],
            "2025: adults 1/2 evaluated 1 [\"e1 for p2\"]; 2026: adults 0/1 evaluated 0 []",
        );
        let moved = r#"{"reason":"moved_away","on":"2025-01-01"}"#;
        check_left(&[("p1", moved)], &[], "2025: adults 0/1 evaluated 0 []; 2026: adults 0/1 evaluated 0 []");
    }

    #[test]
    fn a_duplicates_evaluations_count_once_as_the_kept_records() {
        let duplicate = r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"p1"}"#;
        // Evaluations of both for one set and year: the one that counts is the kept
        // record's title; the duplicate is nobody in any year.
        check_left(
            &[("p2", duplicate)],
            &[
                "e1 p1 cdht-244-2022 2026 draft 2",
                "e2 p2 cdht-244-2022 2026 recognised 0",
                "e3 p2 cdht-244-2022 2025 draft 1",
            ],
            "2025: adults 0/1 evaluated 1 []; 2026: adults 1/1 evaluated 1 [\"e2 for p1\"]",
        );
        // A cycle (which the server refuses to write) is broken: each is itself.
        let back = r#"{"reason":"duplicate","on":"2026-03-12","duplicate_of":"p2"}"#;
        check_left(
            &[("p1", back), ("p2", duplicate)],
            &["e1 p1 cdht-244-2022 2026 draft 2", "e2 p2 cdht-244-2022 2026 recognised 0"],
            "2025: adults 0/2 evaluated 0 []; 2026: adults 1/2 evaluated 2 [\"e2 for p2\"]",
        );
    }

    #[test]
    fn a_deleted_evaluation_is_not_counted() {
        check(&["e1 p1 cdht-244-2022 2026 draft 3"], "evaluated 1 submitted 0 recognised 0; list []; outside []");
        let counted = part(
            &views_deleted(),
            2026,
            &shipped::all(),
            &indicators::shipped(),
            &Settings::default(),
            &|_| None,
            &BTreeSet::new(),
        );
        assert!(counted.models.is_empty(), "{:?}", counted.models);
    }

    /// p1's draft of 2026 with three scores, deleted.
    fn views_deleted() -> Vec<RecordView> {
        let mut views = views(&["e1 p1 cdht-244-2022 2026 draft 3"]);
        let evaluation = views.iter_mut().find(|v| v.record.id == "e1").expect("e1");
        let deleted = serde_json::json!({ "on": "2026-03-12", "reason": "nhầm" });
        evaluation.fields.insert("deleted".into(), merge::FieldView { value: Some(deleted), candidates: vec![] });
        views
    }

    #[test]
    fn subjects_held_elsewhere_are_named_so_parts_with_duplicates_are_recounted() {
        check(
            &[
                "e1 p9 cdht-244-2022 2026 draft 1",
                "e2 p9 cdht-244-2022 2026 draft 2",
                "e3 p8 cdht-244-2022 2026 draft 0",
            ],
            "evaluated 1 submitted 0 recognised 0; list []; outside [\"p9\"]",
        );
    }
}
