//! Consolidation (tổng hợp): from the records' views to the figures of every unit for
//! one year — each ratio as counts rolled up the hierarchy, evaluations counted per
//! model and result, and the list of recognised subjects.
//!
//! A title counts for a year when an evaluation of that year reached the `recognised`
//! status (a decision was issued). Records carry their facts in fields; the names are
//! documented in `docs/api.md` (`birth_year`, `digital_skill`, `household`, `clan`,
//! `unit_member`, `member_of`, …).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::criteria::{CriteriaSet, Model};
use crate::indicators::{roll_up, Definitions, DigitalSkill, Flag, PersonFacts, Settings, Subject, SubjectKind, Tally};
use crate::merge::{RecordView, Status, SCORE_FIELD_PREFIX};
use crate::protocol::{Decision, RecordId, RecordKind};
use crate::scoring::{self, Answer, Evaluation};

/// What an evaluation record says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationFacts {
    pub set: String,
    /// `None` while the officer has not yet linked the subject: the evaluation is still
    /// counted, but confers no title.
    pub subject: Option<RecordId>,
    pub year: i32,
}

/// Reads the `set`, `subject` and `year` fields of an evaluation record.
pub fn evaluation_facts(view: &RecordView) -> Option<EvaluationFacts> {
    if view.record.kind != RecordKind::Evaluation {
        return None;
    }
    let set = view.value("set")?.as_str()?.to_string();
    let subject = view.value("subject").and_then(|v| serde_json::from_value::<RecordId>(v.clone()).ok());
    let year = i32::try_from(view.value("year")?.as_i64()?).ok()?;
    Some(EvaluationFacts { set, subject, year })
}

/// The name a subject record is known by: its `name` (a person, clan, unit or hamlet),
/// `ten`, or a household's `ten_chu_ho`, when the field holds one agreed text.
pub fn subject_name(view: &RecordView) -> Option<String> {
    ["name", "ten", "ten_chu_ho"].iter().find_map(|f| view.value(f)?.as_str().map(str::to_string))
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

/// One recognised subject of the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecognisedSubject {
    pub subject: RecordId,
    pub unit: String,
    pub model: Model,
    pub set: String,
    pub evaluation: RecordId,
    pub decision: Option<Decision>,
    /// Name of the subject, when its record has one.
    pub name: Option<String>,
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
}

impl ModelCounts {
    fn add(&mut self, other: &ModelCounts) {
        self.evaluated += other.evaluated;
        self.submitted += other.submitted;
        self.recognised += other.recognised;
        for (result, n) in &other.by_result {
            *self.by_result.entry(result.clone()).or_default() += n;
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
    /// Subjects recognised by the part's evaluations that the part does not hold: their
    /// titles count nowhere in the part.
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
    let set_model: BTreeMap<&str, (Model, &CriteriaSet)> = sets.iter().map(|s| (s.id.as_str(), (s.model, s))).collect();

    // Which subjects hold a title this year, and the per-model counts of each unit.
    let mut titled: BTreeMap<&RecordId, BTreeSet<Model>> = BTreeMap::new();
    let mut own_models: BTreeMap<String, BTreeMap<Model, ModelCounts>> = BTreeMap::new();
    let mut recognised = Vec::new();
    let mut outside_subjects = BTreeSet::new();
    let mut outside_references = BTreeSet::new();
    for view in views {
        let Some(facts) = evaluation_facts(view) else { continue };
        if facts.year != year {
            continue;
        }
        let Some((model, set)) = set_model.get(facts.set.as_str()) else { continue };
        let counts = own_models.entry(view.unit.clone()).or_default().entry(*model).or_default();
        counts.evaluated += 1;
        if view.status != Status::Draft {
            counts.submitted += 1;
        }
        let result = scoring::score(set, &evaluation_of(view, &facts.set))
            .map_or_else(|_| "incomplete".to_string(), |o| o.summary());
        *counts.by_result.entry(result).or_default() += 1;
        if view.status == Status::Recognised {
            counts.recognised += 1;
            let Some(subject_id) = facts.subject.as_ref() else { continue };
            match by_id.get(subject_id) {
                Some(subject) => {
                    titled.entry(&subject.record).or_default().insert(*model);
                }
                None => {
                    outside_subjects.insert(subject_id.clone());
                }
            }
            let name = by_id.get(subject_id).and_then(|s| subject_name(s));
            recognised.push(RecognisedSubject {
                subject: subject_id.clone(),
                unit: view.unit.clone(),
                model: *model,
                set: facts.set.clone(),
                evaluation: view.record.clone(),
                decision: view.decision.clone(),
                name,
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

    // Subjects with their flags, attached to their unit.
    let mut own_subjects: BTreeMap<String, Vec<Subject>> = BTreeMap::new();
    for view in views {
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
    let mut out = vec![unit.to_string()];
    while out.len() < 16 {
        let Some(parent) = out.last().and_then(|u| parent_of(u)) else { break };
        out.push(parent);
    }
    out
}
