//! The one engine that scores an evaluation against any valid criteria set: totals per
//! criterion and overall, the result (recognised or not, a band, a level) and the
//! reasons in Vietnamese. Inputs are checked, never clamped: a score outside its range,
//! a missing or unknown indicator or a wrong set is an error.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::criteria::{CriteriaSet, Indicator, Measure, Rule, ShareScoring};
use crate::number::{Percent, Points};
use crate::Error;

/// The most answers an evaluation may carry. The largest set has a few dozen
/// indicators; anything past this is a mistake or an attack, refused before any answer
/// is looked at, and read from JSON without keeping the rest.
pub const MAX_SCORES: usize = 1_000;

/// The most problems [`Error::InvalidEvaluation`] lists; the rest are counted in a
/// last [`Error::MoreProblems`].
pub const MAX_PROBLEMS_LISTED: usize = 20;

/// An evaluation (phiếu đánh giá) of one subject against one set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    /// The id of the criteria set.
    pub set: String,
    #[serde(default)]
    pub context: Context,
    /// Answers by indicator code, at most 1,000 ([`MAX_SCORES`]).
    #[serde(deserialize_with = "bounded_scores")]
    pub scores: BTreeMap<String, Answer>,
}

/// Reads `scores` keeping at most [`MAX_SCORES`] answers: past the bound each entry is
/// only counted and dropped, so a file of millions of answers is refused in bounded
/// memory with their number ([`Error::TooManyScores`]).
fn bounded_scores<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<BTreeMap<String, Answer>, D::Error> {
    deserializer.deserialize_map(BoundedScores)
}

struct BoundedScores;

impl<'de> serde::de::Visitor<'de> for BoundedScores {
    type Value = BTreeMap<String, Answer>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("câu trả lời theo mã chỉ số")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        use serde::de::IgnoredAny;
        let mut scores = BTreeMap::new();
        let mut count = 0usize;
        while count < MAX_SCORES {
            let Some(code) = map.next_key::<String>()? else { break };
            count += 1;
            scores.insert(code, map.next_value::<Answer>()?);
        }
        // Past the bound, entries are skipped without being kept or even copied.
        while map.next_key::<IgnoredAny>()?.is_some() {
            map.next_value::<IgnoredAny>()?;
            count += 1;
        }
        if count > MAX_SCORES {
            return Err(serde::de::Error::custom(Error::TooManyScores { count, max: MAX_SCORES }));
        }
        Ok(scores)
    }
}

/// Facts about the subject that change which rule or indicator applies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Context {
    /// `disadvantaged`, `ethnic_minority`, … (vùng đặc biệt khó khăn, vùng dân tộc thiểu
    /// số); `None` for an ordinary area.
    #[serde(default)]
    pub area: Option<String>,
    /// Kinds of subject, e.g. `school` for a school evaluated as a Learning Unit.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The question form used, for sets with subject groups (Learning Citizen:
    /// farmers, workers, officials, learners).
    #[serde(default)]
    pub subject_group: Option<String>,
}

pub use crate::criteria::KNOWN_AREAS;

/// The answer for one indicator: a number, `true`/`false`, or
/// `{ "numerator": n, "denominator": d }`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum Answer {
    /// Đạt / không đạt.
    Met(bool),
    /// Points given.
    Points(Points),
    /// Counts of a share, e.g. members holding Learning Citizen out of all members.
    Share { numerator: u64, denominator: u64 },
}

impl<'de> Deserialize<'de> for Answer {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Answer, D::Error> {
        deserializer.deserialize_any(AnswerVisitor)
    }
}

struct AnswerVisitor;

impl<'de> serde::de::Visitor<'de> for AnswerVisitor {
    type Value = Answer;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("số điểm, true/false (đạt/không đạt) hoặc {\"numerator\": .., \"denominator\": ..}")
    }

    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Answer, E> {
        Ok(Answer::Met(v))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Answer, E> {
        Ok(Answer::Points(Points::from_whole(v)))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Answer, E> {
        i64::try_from(v)
            .map(|v| Answer::Points(Points::from_whole(v)))
            .map_err(|_| E::custom(format!("số điểm {v} quá lớn")))
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Answer, E> {
        Points::from_f64(v)
            .map(Answer::Points)
            .ok_or_else(|| E::custom(format!("số điểm {v} không hợp lệ: tối đa hai chữ số thập phân")))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Answer, A::Error> {
        let (mut numerator, mut denominator) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "numerator" => numerator = Some(map.next_value::<u64>()?),
                "denominator" => denominator = Some(map.next_value::<u64>()?),
                other => {
                    return Err(serde::de::Error::custom(format!(
                        "khóa {other:?} không hợp lệ; tỷ lệ cần numerator và denominator"
                    )))
                }
            }
        }
        match (numerator, denominator) {
            (Some(numerator), Some(denominator)) => Ok(Answer::Share { numerator, denominator }),
            _ => Err(serde::de::Error::custom("tỷ lệ cần cả numerator (tử số) và denominator (mẫu số)")),
        }
    }
}

/// Written by hand because the wire form is untagged and read by [`AnswerVisitor`]: a
/// boolean, a number of points, or an object with exactly the two counts.
#[cfg(feature = "openapi")]
impl utoipa::PartialSchema for Answer {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{AdditionalProperties, ObjectBuilder, OneOfBuilder, Type};
        use utoipa::openapi::Ref;
        let count = || {
            ObjectBuilder::new()
                .schema_type(Type::Integer)
                .format(Some(utoipa::openapi::SchemaFormat::KnownFormat(utoipa::openapi::KnownFormat::Int64)))
                .minimum(Some(0))
        };
        let share = ObjectBuilder::new()
            .schema_type(Type::Object)
            .property("numerator", count())
            .property("denominator", count())
            .required("numerator")
            .required("denominator")
            .additional_properties(Some(AdditionalProperties::FreeForm(false)))
            .description(Some("Counts of a share (numerator of denominator)."));
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Boolean).description(Some("Met (true) or not met (false).")))
            .item(Ref::from_schema_name("Points"))
            .item(share)
            .description(Some("The answer for one indicator: `true`/`false`, points, or `{numerator, denominator}`."))
            .into()
    }
}

#[cfg(feature = "openapi")]
impl utoipa::ToSchema for Answer {
    fn name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Answer")
    }

    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        use utoipa::{PartialSchema, ToSchema};
        schemas.push((<Points as ToSchema>::name().into_owned(), <Points as PartialSchema>::schema()));
    }
}

impl Answer {
    fn kind_vi(&self) -> &'static str {
        match self {
            Answer::Met(_) => "đạt/không đạt",
            Answer::Points(_) => "số điểm",
            Answer::Share { .. } => "tử số/mẫu số",
        }
    }
}

/// The result of scoring.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    pub set_id: String,
    pub set_version: String,
    /// `None` in level sets.
    pub total: Option<Points>,
    pub max_total: Option<Points>,
    pub criteria: Vec<CriterionOutcome>,
    pub indicators: Vec<IndicatorOutcome>,
    pub decision: Decision,
    /// Whether the decision grants the title.
    pub recognised: bool,
    /// Why, in Vietnamese, most decisive first.
    pub reasons: Vec<String>,
}

impl Outcome {
    /// A short, stable form of the decision: `recognised`, `not_recognised`,
    /// `band:Khá`, `not_rated`, `level:2`, `no_level`.
    pub fn summary(&self) -> String {
        match &self.decision {
            Decision::Recognised => "recognised".to_string(),
            Decision::NotRecognised => "not_recognised".to_string(),
            Decision::Band { name } => format!("band:{name}"),
            Decision::NotRated { .. } => "not_rated".to_string(),
            Decision::Level { level, .. } => format!("level:{level}"),
            Decision::NoLevel => "no_level".to_string(),
        }
    }
}

/// What the score computes, in the words every screen, count, export and printout uses
/// for it: "Đủ điều kiện công nhận" / "Chưa đủ điều kiện" (the score says whether a
/// title *may* be granted), "Xếp loại Khá", "Đủ điều kiện công nhận Mức độ 1 (Khá)".
/// "Đã công nhận" belongs to a decision only (`merge::Status::Recognised`), never to a
/// score.
pub const ELIGIBLE: &str = "Đủ điều kiện công nhận";
/// See [`ELIGIBLE`].
pub const NOT_ELIGIBLE: &str = "Chưa đủ điều kiện";
/// An evaluation that cannot be scored yet (scores missing or invalid).
pub const UNFINISHED: &str = "Chưa chấm xong";

impl Decision {
    /// The computed result in words (see [`ELIGIBLE`]).
    pub fn words(&self) -> String {
        match self {
            Decision::Recognised => ELIGIBLE.to_string(),
            Decision::NotRecognised | Decision::NoLevel => NOT_ELIGIBLE.to_string(),
            Decision::Band { name } => band_words(name),
            Decision::NotRated { name } => name.clone(),
            Decision::Level { name, .. } => format!("{ELIGIBLE} {name}"),
        }
    }
}

/// A band in words: "Xếp loại Khá", except a band named as a failure ("Chưa đạt"),
/// which reads as itself.
fn band_words(name: &str) -> String {
    if name.starts_with("Chưa") || name.starts_with("Không") {
        name.to_string()
    } else {
        format!("Xếp loại {name}")
    }
}

/// A result's stable form ([`Outcome::summary`], or `incomplete` for an evaluation not
/// scored yet) in the words of [`Decision::words`], for counts by result.
pub fn result_words(summary: &str) -> String {
    match summary {
        "recognised" => ELIGIBLE.to_string(),
        "not_recognised" | "no_level" => NOT_ELIGIBLE.to_string(),
        "not_rated" => "Không xếp loại".to_string(),
        "incomplete" => UNFINISHED.to_string(),
        _ => match summary.split_once(':') {
            Some(("band", name)) => band_words(name),
            Some(("level", level)) => format!("{ELIGIBLE} Mức độ {level}"),
            _ => summary.to_string(),
        },
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = OutcomeDecision))]
pub enum Decision {
    /// Đủ điều kiện công nhận (the rules grant the title; a decision still has to).
    Recognised,
    /// Chưa đủ điều kiện.
    NotRecognised,
    /// Xếp loại (Tốt, Khá, Trung bình).
    Band { name: String },
    /// Below every band (Không xếp loại).
    NotRated { name: String },
    /// Đủ điều kiện công nhận mức độ N.
    Level { level: u8, name: String },
    /// Chưa đủ điều kiện mức độ nào.
    NoLevel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CriterionOutcome {
    pub code: String,
    pub name: String,
    /// Points obtained (points sets).
    pub points: Option<Points>,
    pub max: Option<Points>,
    /// Applicable indicators met (level sets) or at full marks (points sets).
    pub met: usize,
    pub applicable: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorOutcome {
    pub code: String,
    /// `false` when `only_for` excludes this subject; such an indicator is not scored.
    pub applicable: bool,
    pub points: Option<Points>,
    pub met: Option<bool>,
    pub share: Option<ShareValue>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ShareValue {
    pub numerator: u64,
    pub denominator: u64,
    /// For display only; decisions compare the counts exactly.
    pub percent: Option<Percent>,
}

/// Whether `indicator` applies to a subject with this context: it is in the list of
/// the evaluation's subject group, and its `only_for` tags (if any) meet the context's.
pub fn applies(indicator: &Indicator, context: &Context) -> bool {
    indicator.in_group(context.subject_group.as_deref())
        && (indicator.only_for.is_empty() || indicator.only_for.iter().any(|t| context.tags.contains(t)))
}

/// The problems found in an evaluation: the first [`MAX_PROBLEMS_LISTED`] kept, the
/// rest counted.
#[derive(Default)]
struct Problems {
    listed: Vec<Error>,
    more: usize,
}

impl Problems {
    fn push(&mut self, problem: Error) {
        if self.listed.len() < MAX_PROBLEMS_LISTED {
            self.listed.push(problem);
        } else {
            self.more += 1;
        }
    }

    fn into_result(mut self) -> Result<(), Error> {
        match (self.listed.len(), self.more) {
            (0, _) => Ok(()),
            (1, 0) => Err(self.listed.remove(0)),
            (_, 0) => Err(Error::InvalidEvaluation(self.listed)),
            (_, count) => {
                self.listed.push(Error::MoreProblems { count });
                Err(Error::InvalidEvaluation(self.listed))
            }
        }
    }
}

/// Scores `evaluation` against `set`. Every problem with the input is reported at once
/// in [`Error::InvalidEvaluation`] (or alone when there is just one): the first
/// [`MAX_PROBLEMS_LISTED`], then how many more. An evaluation with more than
/// [`MAX_SCORES`] answers is refused before any of them is looked at.
pub fn score(set: &CriteriaSet, evaluation: &Evaluation) -> Result<Outcome, Error> {
    if evaluation.set != set.id {
        return Err(Error::WrongSet { expected: set.id.clone(), got: evaluation.set.clone() });
    }
    if evaluation.scores.len() > MAX_SCORES {
        return Err(Error::TooManyScores { count: evaluation.scores.len(), max: MAX_SCORES });
    }
    let mut problems = Problems::default();
    if let Some(area) = &evaluation.context.area {
        if !KNOWN_AREAS.contains(&area.as_str()) {
            problems.push(Error::UnknownArea { area: area.clone() });
        }
    }
    match &evaluation.context.subject_group {
        Some(group) if set.group(group).is_none() => {
            let known = set.subject_groups.iter().map(|g| g.code.clone()).collect();
            problems.push(Error::UnknownSubjectGroup { group: group.clone(), known });
        }
        None if set.has_groups() => {
            let names = set.subject_groups.iter().map(|g| g.name.clone()).collect();
            problems.push(Error::MissingSubjectGroup { names });
        }
        _ => {}
    }
    for code in evaluation.scores.keys() {
        if set.indicator(code).is_none() {
            problems.push(Error::UnknownIndicator { code: code.clone() });
        }
    }
    let mut indicators = Vec::new();
    for indicator in set.indicators() {
        match check_answer(set, indicator, evaluation) {
            Ok(outcome) => indicators.push(outcome),
            Err(err) => problems.push(err),
        }
    }
    problems.into_result()?;

    let by_code: BTreeMap<&str, &IndicatorOutcome> = indicators.iter().map(|o| (o.code.as_str(), o)).collect();
    let criteria = set
        .criteria
        .iter()
        .map(|criterion| {
            let outcomes: Vec<&IndicatorOutcome> =
                criterion.indicators.iter().filter_map(|i| by_code.get(i.code.as_str()).copied()).collect();
            let points = set.scale.map(|_| outcomes.iter().filter_map(|o| o.points).sum());
            let met = criterion
                .indicators
                .iter()
                .zip(&outcomes)
                .filter(|(i, o)| {
                    o.applicable && (o.met == Some(true) || (o.points.is_some() && o.points == i.max_points()))
                })
                .count();
            CriterionOutcome {
                code: criterion.code.clone(),
                name: criterion.name.clone(),
                points,
                max: set.criterion_points(criterion, evaluation.context.subject_group.as_deref()),
                met,
                applicable: outcomes.iter().filter(|o| o.applicable).count(),
            }
        })
        .collect::<Vec<_>>();

    let total = set.scale.map(|_| criteria.iter().filter_map(|c| c.points).sum::<Points>());
    let (decision, recognised, reasons) = decide(set, evaluation, &indicators, total);
    Ok(Outcome {
        set_id: set.id.clone(),
        set_version: set.version.clone(),
        total,
        max_total: set.scale,
        criteria,
        indicators,
        decision,
        recognised,
        reasons,
    })
}

fn check_answer(set: &CriteriaSet, indicator: &Indicator, evaluation: &Evaluation) -> Result<IndicatorOutcome, Error> {
    let code = indicator.code.clone();
    let answer = evaluation.scores.get(&indicator.code);
    if !applies(indicator, &evaluation.context) {
        return Ok(IndicatorOutcome { code, applicable: false, points: None, met: None, share: None });
    }
    let Some(answer) = answer else {
        return Err(Error::MissingIndicator { code });
    };
    let wrong_kind =
        |expected| Error::WrongAnswerKind { code: indicator.code.clone(), expected, got: answer.kind_vi() };
    let mut outcome = IndicatorOutcome { code: code.clone(), applicable: true, points: None, met: None, share: None };
    match (&indicator.measure, answer) {
        (Measure::Points { max }, Answer::Points(score)) => {
            if *score < Points::ZERO || score > max {
                return Err(Error::ScoreOutOfRange { code, score: *score, max: *max });
            }
            if !score.is_multiple_of(set.step) {
                return Err(Error::ScoreNotOnStep { code, score: *score, step: set.step });
            }
            outcome.points = Some(*score);
        }
        (Measure::Points { .. }, _) => return Err(wrong_kind("số điểm")),
        (Measure::Met { .. }, Answer::Met(met)) => outcome.met = Some(*met),
        (Measure::Met { .. }, _) => return Err(wrong_kind("đạt/không đạt (true/false)")),
        (Measure::Share { scoring, .. }, Answer::Share { numerator, denominator }) => {
            if numerator > denominator {
                return Err(Error::ShareInvalid { code, numerator: *numerator, denominator: *denominator });
            }
            outcome.share = Some(ShareValue {
                numerator: *numerator,
                denominator: *denominator,
                percent: Percent::of(*numerator, *denominator),
            });
            if let ShareScoring::Points { rows, .. } = scoring {
                let points = rows
                    .iter()
                    .find(|row| row.min.reached_by(*numerator, *denominator))
                    .map_or(Points::ZERO, |row| row.points);
                outcome.points = Some(points);
            }
        }
        (Measure::Share { .. }, _) => return Err(wrong_kind("tử số và mẫu số")),
    }
    Ok(outcome)
}

fn decide(
    set: &CriteriaSet,
    evaluation: &Evaluation,
    outcomes: &[IndicatorOutcome],
    total: Option<Points>,
) -> (Decision, bool, Vec<String>) {
    let indicator_outcomes = || set.indicators().zip(outcomes).filter(|(_, o)| o.applicable);
    let mut reasons = Vec::new();
    match &set.rule {
        Rule::PassMark { pass_mark, min_indicator, area_pass_marks, required } => {
            let total = total.unwrap_or_default();
            let scale = set.scale.unwrap_or_default();
            let area_mark =
                evaluation.context.area.as_ref().and_then(|area| area_pass_marks.iter().find(|a| &a.area == area));
            let mark = area_mark.map_or(*pass_mark, |a| a.pass_mark);
            let mut passed = total >= mark;
            // The reason names the rule applied when the set has more than one.
            let area_note = match area_mark {
                Some(a) => format!(" (mức riêng của bộ tiêu chí cho {})", area_vi(&a.area)),
                None if !area_pass_marks.is_empty() => " (mức chung của bộ tiêu chí)".to_string(),
                None => String::new(),
            };
            if passed {
                reasons.push(format!("Tổng điểm {total}/{scale}, đạt mức {mark}{area_note}"));
            } else {
                reasons.push(format!("Tổng điểm {total}/{scale}, dưới mức đạt {mark}{area_note}"));
            }
            if let Some(min) = min_indicator {
                for (indicator, outcome) in indicator_outcomes() {
                    let points = outcome.points.unwrap_or_default();
                    if points < *min {
                        passed = false;
                        reasons.push(format!("Chỉ số {}: {points} điểm, dưới mức tối thiểu {min}", indicator.code));
                    }
                }
            }
            for code in required {
                let Some((indicator, outcome)) = indicator_outcomes().find(|(i, _)| &i.code == code) else { continue };
                let max = indicator.max_points().unwrap_or_default();
                let points = outcome.points.unwrap_or_default();
                if points < max {
                    passed = false;
                    reasons.push(format!("Chỉ số {code} bắt buộc đạt tối đa {max} điểm, mới đạt {points}"));
                }
            }
            if passed {
                (Decision::Recognised, true, reasons)
            } else {
                (Decision::NotRecognised, false, reasons)
            }
        }
        Rule::Bands { bands, below, recognised_from } => {
            let total = total.unwrap_or_default();
            let scale = set.scale.unwrap_or_default();
            match bands.iter().position(|band| total >= band.min) {
                Some(index) => {
                    let band = &bands[index];
                    let upper = index
                        .checked_sub(1)
                        .map(|i| format!(" đến dưới {}", bands[i].min))
                        .unwrap_or_else(|| format!(" đến {scale}"));
                    reasons.push(format!("Tổng điểm {total}/{scale}: xếp loại {} (từ {}{upper})", band.name, band.min));
                    (Decision::Band { name: band.name.clone() }, index <= *recognised_from, reasons)
                }
                None => {
                    let lowest = bands.last().map(|b| b.min).unwrap_or_default();
                    reasons.push(format!("Tổng điểm {total}/{scale}, dưới {lowest}: {below}"));
                    (Decision::NotRated { name: below.clone() }, false, reasons)
                }
            }
        }
        Rule::Levels { levels } => {
            let mut reached: Option<&crate::criteria::Level> = None;
            for level in levels {
                let unmet = unmet_for_level(set, outcomes, level.level);
                if unmet.is_empty() {
                    reached = Some(level);
                    continue;
                }
                match reached {
                    Some(prev) => reasons.push(format!("Đạt {}; chưa đạt {} vì:", prev.name, level.name)),
                    None => reasons.push(format!("Chưa đạt {} vì:", level.name)),
                }
                reasons.extend(unmet);
                break;
            }
            match reached {
                Some(level) => {
                    if level.level as usize == levels.len() {
                        reasons.insert(0, format!("Đạt {}: mọi chỉ số bắt buộc đều đạt", level.name));
                    }
                    (Decision::Level { level: level.level, name: level.name.clone() }, true, reasons)
                }
                None => (Decision::NoLevel, false, reasons),
            }
        }
    }
}

/// The reasons `level` is not reached, one per unmet indicator required for it.
fn unmet_for_level(set: &CriteriaSet, outcomes: &[IndicatorOutcome], level: u8) -> Vec<String> {
    let mut unmet = Vec::new();
    for (indicator, outcome) in set.indicators().zip(outcomes).filter(|(_, o)| o.applicable) {
        match (&indicator.measure, outcome) {
            (Measure::Met { levels }, IndicatorOutcome { met: Some(false), .. }) if levels.contains(&level) => {
                unmet.push(format!("Chỉ số {}: chưa đạt", indicator.code));
            }
            (
                Measure::Share { scoring: ShareScoring::Levels { minimums }, .. },
                IndicatorOutcome { share: Some(share), .. },
            ) => {
                for minimum in minimums.iter().filter(|m| m.level == level) {
                    if !minimum.min.reached_by(share.numerator, share.denominator) {
                        let shown =
                            share.percent.map_or_else(|| "không xác định (mẫu số 0)".to_string(), |p| p.to_string());
                        unmet.push(format!(
                            "Chỉ số {}: {shown} ({}/{}), chưa đạt {} của mức {level}",
                            indicator.code, share.numerator, share.denominator, minimum.min
                        ));
                    }
                }
            }
            _ => {}
        }
    }
    unmet
}

fn area_vi(area: &str) -> String {
    match area {
        "disadvantaged" => "vùng đặc biệt khó khăn".to_string(),
        "ethnic_minority" => "vùng đồng bào dân tộc thiểu số".to_string(),
        "remote" => "vùng sâu, vùng xa".to_string(),
        other => other.to_string(),
    }
}
