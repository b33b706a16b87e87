//! The annual report (báo cáo kết quả hằng năm) of a unit, and the five-year review
//! (sơ kết 5 năm). Pure: the server hands in a year's consolidated figures, the plans
//! whose targets apply, the deadline and the narrative the officer wrote, and gets back
//! the report as a value — the same value it freezes when the report is submitted and
//! that the exports (XLSX, CSV, printable A4) render.
//!
//! A ratio's status is decided on its counts with [`Percent::reached_by`] (exact), for
//! the first reading of the ratio (the one the plans' texts mean); the other readings
//! are shown beside it.
//!
//! "On track" (đúng tiến độ) compares the share with a straight path to the target: from
//! 0 % in the year before the plan starts to the 2025 target in 2025, then from the 2025
//! target to the 2030 target in 2030. The plans set no yearly milestones, so this is the
//! reading the report states in its notes.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::consolidation::{ModelCounts, RecognisedSubject, UnitFigures};
use crate::criteria::{self, CriteriaSet, Model};
use crate::date::Date;
use crate::indicators::Definitions;
use crate::number::Percent;
use crate::plans::{effective_target, Plan};
use crate::units::UnitKind;

/// Where a ratio stands in the report's year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum RowStatus {
    /// Đạt: at or above the target of the report's horizon (2025 until 2025, then 2030).
    Reached,
    /// Đúng tiến độ: below the target but at or above the straight path to it.
    OnTrack,
    /// Chậm tiến độ
    Behind,
    /// No target applies.
    NoTarget,
    /// Nothing counted yet (the denominator is zero).
    NoData,
}

impl RowStatus {
    /// As printed in the report.
    pub fn label(self) -> &'static str {
        match self {
            RowStatus::Reached => "Đạt",
            RowStatus::OnTrack => "Đúng tiến độ",
            RowStatus::Behind => "Chậm tiến độ",
            RowStatus::NoTarget => "Không có chỉ tiêu",
            RowStatus::NoData => "Chưa có số liệu",
        }
    }
}

/// One reading of one ratio in the report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRow {
    pub indicator: String,
    /// The ratio's name.
    pub name: String,
    pub reading: String,
    pub reading_label: String,
    /// Whether this is the ratio's first reading, on which the status is decided.
    pub primary: bool,
    pub numerator: u64,
    pub denominator: u64,
    /// `null` when the denominator is zero.
    pub percent: Option<Percent>,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    /// The plan the targets come from (its id), and who answers for them.
    pub target_plan: Option<String>,
    pub responsible: Option<String>,
    /// The target the year is measured against (2025's until 2025, then 2030's).
    pub horizon: Option<i32>,
    /// Where the straight path to the target stands this year.
    pub expected: Option<Percent>,
    /// Percentage points still missing to the horizon's target (negative: above it).
    pub gap: Option<Percent>,
    pub status: RowStatus,
}

/// A target the plan sets that no recorded data measures: reported by hand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HandTarget {
    pub plan: String,
    /// The plan's title, shown instead of its id.
    #[serde(default)]
    pub plan_title: String,
    pub text: String,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    pub responsible: Option<String>,
}

/// Evaluations of one model in the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ModelRow {
    pub model: Model,
    /// The title, `Gia đình học tập`.
    pub title: String,
    pub counts: ModelCounts,
    /// Which criteria set, in which version, the evaluations were scored with.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sets: Vec<SetUse>,
}

/// One criteria set and version the evaluations of a model were scored with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SetUse {
    /// The set as officers know it: its document, date and version
    /// (`QĐ 324/QĐ-KHVN ngày 25/10/2023, bản 2023.1`).
    pub label: String,
    pub evaluations: u64,
}

impl SetUse {
    /// The sets of `counts` (keyed `id@version`) named from `sets`; one not found keeps
    /// its key.
    fn of(counts: &ModelCounts, sets: &[CriteriaSet]) -> Vec<SetUse> {
        counts
            .by_set
            .iter()
            .map(|(key, n)| {
                let (id, version) = key.split_once('@').unwrap_or((key, ""));
                let label = criteria::resolve(sets, id, Some(version)).map_or_else(
                    || key.clone(),
                    |set| format!("{} ngày {}, bản {}", set.legal_basis.number, set.legal_basis.date, set.version),
                );
                SetUse { label, evaluations: *n }
            })
            .collect()
    }
}

/// A unit directly below, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildRow {
    pub unit: String,
    pub name: String,
    pub evaluated: u64,
    /// Titles recognised in the year, per model.
    pub recognised: BTreeMap<Model, u64>,
}

/// The sections the officer writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Narrative {
    /// Kết quả nổi bật
    #[serde(default)]
    pub achievements: String,
    /// Khó khăn, hạn chế
    #[serde(default)]
    pub difficulties: String,
    /// Đề xuất, kiến nghị
    #[serde(default)]
    pub proposals: String,
    /// Đề nghị khen thưởng
    #[serde(default)]
    pub commendations: String,
}

impl Narrative {
    /// The sections with their headings, in the report's order.
    pub fn sections(&self) -> [(&'static str, &str); 4] {
        [
            ("Kết quả nổi bật", &self.achievements),
            ("Khó khăn, hạn chế", &self.difficulties),
            ("Đề xuất, kiến nghị", &self.proposals),
            ("Đề nghị khen thưởng", &self.commendations),
        ]
    }
}

/// Where some of the figures come from, when units before 1 July 2025 were
/// re-aggregated under today's units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceNote {
    /// The old unit.
    pub unit: String,
    pub name: String,
    /// How it came in, in words: `sáp nhập toàn bộ`, `một phần: Thôn 1, Thôn 2`.
    pub how: String,
}

/// The annual report of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AnnualReport {
    pub unit: String,
    /// `Xã Cửu An`
    pub name: String,
    pub level: UnitKind,
    pub year: i32,
    /// The day the figures were taken.
    pub as_of: Date,
    pub deadline: Option<Date>,
    /// Whom the report goes to, when the plan says.
    pub deadline_to: Option<String>,
    /// Titles of the plans whose targets apply, nearest first.
    pub plans: Vec<String>,
    pub rows: Vec<ReportRow>,
    pub hand_targets: Vec<HandTarget>,
    pub models: Vec<ModelRow>,
    pub children: Vec<ChildRow>,
    pub recognised: Vec<RecognisedSubject>,
    pub narrative: Narrative,
    /// Old units whose records are counted here (empty for a report as recorded).
    pub sources: Vec<SourceNote>,
    /// Old hamlets that belong partly to this unit's predecessors and have not been
    /// assigned to a new commune: their records are not counted.
    pub unassigned: Vec<SourceNote>,
    /// Citizens who assessed themselves from a campaign's link, and what became of it.
    #[serde(default)]
    pub self_assessment: SelfAssessmentCounts,
}

/// Citizens' self-assessments in a unit and year (from campaigns' links): how many
/// citizens sent one, and how many of those an officer matched to a person of the
/// register, sent for review and saw recognised.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelfAssessmentCounts {
    /// Answers taken and not discarded.
    pub self_assessed: u64,
    /// Matched to a person by an officer.
    pub matched: u64,
    /// Whose evaluation was sent for review (submitted, returned, approved, recognised).
    pub reviewed: u64,
    pub recognised: u64,
}

impl SelfAssessmentCounts {
    /// The four counts with their Vietnamese labels, for screens and documents.
    pub fn labelled(&self) -> [(&'static str, u64); 4] {
        [
            ("Người dân tự đánh giá", self.self_assessed),
            ("Đã ghép với sổ", self.matched),
            ("Đã chấm, gửi xét duyệt", self.reviewed),
            ("Đã công nhận", self.recognised),
        ]
    }
}

impl AnnualReport {
    /// The rows on which a status is decided (one per ratio).
    pub fn primary_rows(&self) -> impl Iterator<Item = &ReportRow> {
        self.rows.iter().filter(|r| r.primary)
    }

    /// How many days the deadline is past on `today`, for a report not yet submitted;
    /// `None` on or before the deadline, or without one.
    pub fn overdue_days(&self, today: Date) -> Option<i64> {
        let days = today.days_since(self.deadline?);
        (days > 0).then_some(days)
    }

    /// What a draft says of itself: "Bản nháp (chưa nộp)", and past its deadline on the
    /// day its figures were taken, "Bản nháp (chưa nộp) — đã quá hạn 17 ngày".
    pub fn draft_words(&self) -> String {
        match self.overdue_days(self.as_of) {
            Some(days) => format!("Bản nháp (chưa nộp) — đã quá hạn {days} ngày"),
            None => "Bản nháp (chưa nộp)".to_string(),
        }
    }
}

/// What an annual report is built from.
#[derive(Debug, Clone)]
pub struct ReportInput<'a> {
    pub unit: &'a str,
    pub name: &'a str,
    pub level: UnitKind,
    pub year: i32,
    pub as_of: Date,
    pub figures: &'a UnitFigures,
    /// The units directly below, with their names and figures.
    pub children: Vec<(&'a str, String, &'a UnitFigures)>,
    pub recognised: Vec<RecognisedSubject>,
    /// The plans that apply, nearest first (see [`crate::plans::chain`]).
    pub plans: &'a [&'a Plan],
    pub deadline: Option<Date>,
    pub deadline_to: Option<String>,
    pub narrative: Narrative,
    pub sources: Vec<SourceNote>,
    pub unassigned: Vec<SourceNote>,
    /// Every criteria set and version the server knows, to name those the counts used.
    pub sets: &'a [CriteriaSet],
    pub self_assessment: SelfAssessmentCounts,
}

/// Builds the report.
pub fn build(input: ReportInput<'_>, definitions: &Definitions) -> AnnualReport {
    let mut rows = Vec::new();
    for ratio in &definitions.ratios {
        let target = effective_target(input.plans, &ratio.id);
        for (i, reading) in ratio.readings.iter().enumerate() {
            let counts = input.figures.tally.get(&ratio.id, &reading.id);
            let (target_2025, target_2030) = target.map_or((None, None), |(_, t)| (t.target_2025, t.target_2030));
            let start = target.map_or(2021, |(plan, _)| plan.period_from);
            let judged = judge(input.year, start, target_2025, target_2030, counts.numerator, counts.denominator);
            rows.push(ReportRow {
                indicator: ratio.id.clone(),
                name: ratio.name.clone(),
                reading: reading.id.clone(),
                reading_label: reading.label.clone(),
                primary: i == 0,
                numerator: counts.numerator,
                denominator: counts.denominator,
                percent: counts.percent(),
                target_2025,
                target_2030,
                target_plan: target.map(|(plan, _)| plan.id.clone()),
                responsible: target.and_then(|(_, t)| t.responsible.clone()),
                horizon: judged.horizon,
                expected: judged.expected,
                gap: judged.gap,
                status: judged.status,
            });
        }
    }
    let hand_targets = input
        .plans
        .iter()
        .flat_map(|plan| {
            plan.targets.iter().filter(|t| t.indicator.is_none()).map(|t| HandTarget {
                plan: plan.id.clone(),
                plan_title: plan.title.clone(),
                text: t.text.clone(),
                target_2025: t.target_2025,
                target_2030: t.target_2030,
                responsible: t.responsible.clone(),
            })
        })
        .collect();
    let models = Model::ALL
        .into_iter()
        .map(|model| {
            let counts = input.figures.models.get(&model).cloned().unwrap_or_default();
            ModelRow { model, title: model.title().to_string(), sets: SetUse::of(&counts, input.sets), counts }
        })
        .collect();
    let mut children: Vec<ChildRow> = input
        .children
        .iter()
        .map(|(unit, name, figures)| ChildRow {
            unit: unit.to_string(),
            name: name.clone(),
            evaluated: figures.models.values().map(|c| c.evaluated).sum(),
            recognised: figures.models.iter().map(|(m, c)| (*m, c.recognised)).collect(),
        })
        .collect();
    children.sort_by(|a, b| (&a.name, &a.unit).cmp(&(&b.name, &b.unit)));
    AnnualReport {
        unit: input.unit.to_string(),
        name: input.name.to_string(),
        level: input.level,
        year: input.year,
        as_of: input.as_of,
        deadline: input.deadline,
        deadline_to: input.deadline_to,
        plans: input.plans.iter().map(|p| p.title.clone()).collect(),
        rows,
        hand_targets,
        models,
        children,
        recognised: input.recognised,
        narrative: input.narrative,
        sources: input.sources,
        unassigned: input.unassigned,
        self_assessment: input.self_assessment,
    }
}

/// A ratio's standing in `year`, see the module's notes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Judgement {
    pub horizon: Option<i32>,
    pub expected: Option<Percent>,
    pub gap: Option<Percent>,
    pub status: RowStatus,
}

/// Judges `numerator / denominator` in `year` against the targets of a plan that
/// starts in `start`.
pub fn judge(
    year: i32,
    start: i32,
    target_2025: Option<Percent>,
    target_2030: Option<Percent>,
    numerator: u64,
    denominator: u64,
) -> Judgement {
    let (horizon, target) = match (year <= 2025, target_2025, target_2030) {
        (true, Some(t), _) => (2025, t),
        (_, _, Some(t)) => (2030, t),
        (false, Some(t), None) => (2025, t),
        (_, None, None) => return Judgement { horizon: None, expected: None, gap: None, status: RowStatus::NoTarget },
    };
    // The straight path: from 0 % the year before `start` (or from the 2025 target in
    // 2025) to the horizon's target, reached in the horizon's year.
    let (from_year, from) = match (horizon, target_2025) {
        (2030, Some(t25)) => (2025, t25.hundredths()),
        _ => (start.min(horizon) - 1, 0),
    };
    let expected = if year >= horizon {
        target.hundredths()
    } else {
        let (done, span) = (i64::from((year - from_year).max(0)), i64::from(horizon - from_year));
        from + (target.hundredths() - from) * done / span
    };
    let expected = Percent::from_hundredths(expected);
    if denominator == 0 {
        return Judgement { horizon: Some(horizon), expected: Some(expected), gap: None, status: RowStatus::NoData };
    }
    let percent = Percent::of(numerator, denominator).map_or(0, Percent::hundredths);
    let status = if target.reached_by(numerator, denominator) {
        RowStatus::Reached
    } else if expected.reached_by(numerator, denominator) {
        RowStatus::OnTrack
    } else {
        RowStatus::Behind
    };
    Judgement {
        horizon: Some(horizon),
        expected: Some(expected),
        gap: Some(Percent::from_hundredths(target.hundredths() - percent)),
        status,
    }
}

/// A report handed in: frozen as it was when submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    /// 1 for the first submission of the unit and year, then 2, 3 …
    pub version: u32,
    /// Milliseconds since the Unix epoch.
    pub submitted_at_ms: i64,
    /// The day in Vietnam it was submitted.
    pub submitted_on: Date,
    /// The account that submitted it.
    pub submitted_by: String,
    /// Whether it came in on or before the deadline; `null` without a deadline.
    pub on_time: Option<bool>,
    pub report: AnnualReport,
}

impl Submission {
    /// Freezes `report`, submitted at `now_ms` by `by` as `version`.
    pub fn new(report: AnnualReport, version: u32, now_ms: i64, by: &str) -> Submission {
        let submitted_on = Date::in_vietnam(now_ms);
        let on_time = report.deadline.map(|deadline| submitted_on <= deadline);
        Submission { version, submitted_at_ms: now_ms, submitted_on, submitted_by: by.to_string(), on_time, report }
    }
}

/// One year's share in the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearCell {
    pub year: i32,
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<Percent>,
}

/// One reading of a ratio over the years of the review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewRow {
    pub indicator: String,
    pub name: String,
    pub reading_label: String,
    pub primary: bool,
    pub years: Vec<YearCell>,
    /// Percentage points gained from the first year with data to the last.
    pub change: Option<Percent>,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    /// The status in the last year of the range.
    pub status: RowStatus,
}

/// Titles recognised per year, for one model.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewModelRow {
    pub model: Model,
    pub title: String,
    pub recognised: Vec<u64>,
    pub total: u64,
}

/// The five-year review (or any range of years) of a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Review {
    pub unit: String,
    pub name: String,
    pub from: i32,
    pub to: i32,
    pub as_of: Date,
    pub rows: Vec<ReviewRow>,
    pub models: Vec<ReviewModelRow>,
    pub sources: Vec<SourceNote>,
    pub unassigned: Vec<SourceNote>,
}

/// The review over the annual reports of consecutive years (oldest first).
pub fn review(reports: &[AnnualReport]) -> Option<Review> {
    let (first, last) = (reports.first()?, reports.last()?);
    let rows = last
        .rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let years: Vec<YearCell> = reports
                .iter()
                .map(|r| {
                    let cell = r.rows.get(i).filter(|c| c.indicator == row.indicator && c.reading == row.reading);
                    YearCell {
                        year: r.year,
                        numerator: cell.map_or(0, |c| c.numerator),
                        denominator: cell.map_or(0, |c| c.denominator),
                        percent: cell.and_then(|c| c.percent),
                    }
                })
                .collect();
            let with_data: Vec<Percent> = years.iter().filter_map(|c| c.percent).collect();
            let change = match (with_data.first(), with_data.last()) {
                (Some(a), Some(b)) if with_data.len() > 1 => {
                    Some(Percent::from_hundredths(b.hundredths() - a.hundredths()))
                }
                _ => None,
            };
            ReviewRow {
                indicator: row.indicator.clone(),
                name: row.name.clone(),
                reading_label: row.reading_label.clone(),
                primary: row.primary,
                years,
                change,
                target_2025: row.target_2025,
                target_2030: row.target_2030,
                status: row.status,
            }
        })
        .collect();
    let models = Model::ALL
        .into_iter()
        .map(|model| {
            let recognised: Vec<u64> = reports
                .iter()
                .map(|r| r.models.iter().find(|m| m.model == model).map_or(0, |m| m.counts.recognised))
                .collect();
            ReviewModelRow { model, title: model.title().to_string(), total: recognised.iter().sum(), recognised }
        })
        .collect();
    let mut sources: Vec<SourceNote> = reports.iter().flat_map(|r| r.sources.iter().cloned()).collect();
    sources.sort_by(|a, b| a.unit.cmp(&b.unit));
    sources.dedup();
    let mut unassigned: Vec<SourceNote> = reports.iter().flat_map(|r| r.unassigned.iter().cloned()).collect();
    unassigned.sort_by(|a, b| a.unit.cmp(&b.unit));
    unassigned.dedup();
    Some(Review {
        unit: last.unit.clone(),
        name: last.name.clone(),
        from: first.year,
        to: last.year,
        as_of: last.as_of,
        rows,
        models,
        sources,
        unassigned,
    })
}

/// A recognition decision (quyết định công nhận) with the subjects it lists, as the
/// printable document and the attached list show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionDocument {
    /// Number and symbol, `15/QĐ-UBND`.
    pub number: String,
    pub date: Date,
    /// The signing body as the decision names it, `Ủy ban nhân dân xã Cửu An`.
    pub authority: String,
    /// The unit whose report lists it, and its name (`Xã Cửu An`).
    pub unit: String,
    pub unit_name: String,
    pub year: i32,
    /// The titles it confers, in model order.
    pub models: Vec<Model>,
    /// The subjects, in model then name order.
    pub subjects: Vec<RecognisedSubject>,
    /// The names of the units the subjects belong to (the report's units below), by id.
    pub unit_names: BTreeMap<String, String>,
    /// Who proposed it, as the first recognition under it recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proposer: Option<String>,
}

/// The decisions behind the report's recognised subjects, one per number and date
/// (subjects recognised without a recorded decision are left out), newest first.
pub fn decisions(report: &AnnualReport) -> Vec<DecisionDocument> {
    let mut by_key: BTreeMap<(Date, String, String), Vec<&RecognisedSubject>> = BTreeMap::new();
    for subject in &report.recognised {
        if let Some(d) = &subject.decision {
            by_key.entry((d.date, d.number.clone(), d.authority.clone())).or_default().push(subject);
        }
    }
    let mut out: Vec<DecisionDocument> = by_key
        .into_iter()
        .map(|((date, number, authority), subjects)| {
            let mut subjects: Vec<RecognisedSubject> = subjects.into_iter().cloned().collect();
            subjects.sort_by(|a, b| (a.model, &a.name, &a.subject).cmp(&(b.model, &b.name, &b.subject)));
            let mut models: Vec<Model> = subjects.iter().map(|s| s.model).collect();
            models.dedup();
            let proposer = subjects.iter().find_map(|s| s.decision.as_ref()?.proposer.clone());
            let unit_names = subjects
                .iter()
                .filter_map(|s| {
                    let child = report.children.iter().find(|c| c.unit == s.unit)?;
                    Some((s.unit.clone(), child.name.clone()))
                })
                .collect();
            DecisionDocument {
                number,
                date,
                authority,
                unit: report.unit.clone(),
                unit_name: report.name.clone(),
                year: report.year,
                models,
                subjects,
                unit_names,
                proposer,
            }
        })
        .collect();
    out.reverse();
    out
}

/// The default deadline of each level's annual report (day, month), from the seeds:
/// communes 15/11, districts 20/11 (until 2025), provinces 15/12. Hamlets report to
/// their commune by 10/11 so the commune can meet its own.
pub fn default_deadline(level: UnitKind) -> (u8, u8) {
    match level {
        UnitKind::Hamlet => (10, 11),
        UnitKind::Commune => (15, 11),
        UnitKind::District => (20, 11),
        UnitKind::Province => (15, 12),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pct(whole: i64) -> Option<Percent> {
        Some(Percent::from_whole(whole))
    }

    #[test]
    fn judges_against_the_straight_path() {
        // 2023 is the third of five years to a 70 % target in 2025: 42 % expected.
        let j = judge(2023, 2021, pct(70), pct(90), 45, 100);
        assert_eq!((j.horizon, j.expected, j.status), (Some(2025), pct(42), RowStatus::OnTrack));
        assert_eq!(j.gap, pct(25));
        assert_eq!(judge(2023, 2021, pct(70), pct(90), 41, 100).status, RowStatus::Behind);
        assert_eq!(judge(2023, 2021, pct(70), pct(90), 70, 100).status, RowStatus::Reached);
        // 899/1000 never reaches 90 %.
        assert_eq!(judge(2025, 2021, pct(90), None, 899, 1000).status, RowStatus::Behind);
        // After 2025 the path runs from the 2025 target to the 2030 one: 2027 → 78 %.
        let j = judge(2027, 2021, pct(70), pct(90), 78, 100);
        assert_eq!((j.horizon, j.expected, j.status), (Some(2030), pct(78), RowStatus::OnTrack));
        assert_eq!(judge(2027, 2021, pct(70), pct(90), 90, 100).gap, pct(0));
        assert_eq!(judge(2027, 2021, pct(70), pct(90), 95, 100).gap, pct(-5));
        assert_eq!(judge(2027, 2021, None, None, 1, 2).status, RowStatus::NoTarget);
        assert_eq!(judge(2024, 2021, pct(70), None, 0, 0).status, RowStatus::NoData);
        // A plan starting in 2023: 2023 is the first of three years to 2025.
        assert_eq!(judge(2023, 2023, pct(60), None, 0, 1).expected, pct(20));
    }

    #[test]
    fn days_between_dates() {
        let day = |y, m, d| Date::new(y, m, d).expect("date");
        assert_eq!(day(2026, 12, 7).days_since(day(2026, 11, 20)), 17);
        assert_eq!(day(2025, 3, 1).days_since(day(2024, 2, 28)), 367);
        assert_eq!(day(2026, 1, 1).days_since(day(2026, 1, 2)), -1);
        assert_eq!(day(1970, 1, 1).days_since(day(1970, 1, 1)), 0);
    }

    #[test]
    fn on_time_is_decided_on_the_day_in_vietnam() {
        let report = AnnualReport {
            unit: "commune:1".into(),
            name: "Xã A".into(),
            level: UnitKind::Commune,
            year: 2025,
            as_of: Date::new(2025, 11, 15).expect("date"),
            deadline: Date::new(2025, 11, 15),
            deadline_to: None,
            plans: vec![],
            rows: vec![],
            hand_targets: vec![],
            models: vec![],
            children: vec![],
            recognised: vec![],
            narrative: Narrative::default(),
            sources: vec![],
            unassigned: vec![],
            self_assessment: SelfAssessmentCounts::default(),
        };
        // 23:59:59 on the 15th in Hà Nội is on time; a second later is not.
        assert_eq!(Submission::new(report.clone(), 1, 1_763_225_999_000, "a").on_time, Some(true));
        assert_eq!(Submission::new(report.clone(), 1, 1_763_226_000_000, "a").on_time, Some(false));
        assert_eq!(report.draft_words(), "Bản nháp (chưa nộp)");
        let late = AnnualReport { as_of: Date::new(2025, 12, 2).expect("date"), ..report.clone() };
        assert_eq!(late.draft_words(), "Bản nháp (chưa nộp) — đã quá hạn 17 ngày");
        let undated = AnnualReport { deadline: None, ..report };
        assert_eq!(Submission::new(undated, 1, 0, "a").on_time, None);
    }
}
