//! Plans (kế hoạch) and their targets (chỉ tiêu). A plan belongs to a unit and a
//! period and sets, per indicator, a target for 2025 and 2030 and the body responsible.
//! Plans are data files: the national defaults (QĐ 677, 387, 1373) and the five local
//! plans the project was created from ship in `shared/data/plans/`.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::diagnostic::{from_toml, has_errors, line_of_assignment, Diagnostic};
use crate::indicators::Definitions;
use crate::number::Percent;

/// Whether a plan is one of the national programmes or a local unit's own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum PlanKind {
    National,
    Local,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: String,
    pub title: String,
    pub kind: PlanKind,
    pub period_from: i32,
    pub period_to: i32,
    /// Where the plan's text comes from.
    pub source: String,
    pub unit: PlanUnit,
    pub document: PlanDocument,
    /// The annual report deadline the plan sets, if any.
    pub deadline: Option<Deadline>,
    pub targets: Vec<Target>,
}

impl Plan {
    /// The targets on one of hoctap's computed ratios.
    pub fn target(&self, indicator: &str) -> Option<&Target> {
        self.targets.iter().find(|t| t.indicator.as_deref() == Some(indicator))
    }
}

/// The unit a plan belongs to, as the plan names it (pre-2025 names included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanUnit {
    /// `national`, `province`, `district`, `commune` or `association`.
    pub level: String,
    pub name: String,
    pub parent: Option<String>,
    /// The hoctap unit the plan is bound to (`commune:23629:old`), when it is one: its
    /// targets then apply to that unit and, where they set none, to the units below.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanDocument {
    pub number: Option<String>,
    /// ISO date, or `YYYY-MM` when the text leaves the day blank.
    pub date: Option<String>,
    pub issuer: String,
}

impl PlanDocument {
    /// The date in Vietnamese form (`dd/mm/yyyy`, or `tháng mm/yyyy` when the day is
    /// not known).
    pub fn date_vi(&self) -> Option<String> {
        let date = self.date.as_deref()?;
        if let Some(full) = Date::parse_iso(date) {
            return Some(full.to_string());
        }
        let (year, month) = date.split_once('-')?;
        Some(format!("tháng {month}/{year}"))
    }
}

/// An annual deadline, e.g. 20/11 to the district.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Deadline {
    pub day: u8,
    pub month: u8,
    pub to: Option<String>,
}

impl Deadline {
    /// The deadline of `year`'s report, if the day exists.
    pub fn in_year(&self, year: i32) -> Option<Date> {
        Date::new(year, self.month, self.day)
    }
}

/// A target: a percentage to reach by 2025 and by 2030.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Target {
    /// The ratio it measures, when hoctap computes it; `None` for targets the plan
    /// states but that no recorded data yet measures (they are reported by hand).
    pub indicator: Option<String>,
    pub text: String,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    pub responsible: Option<String>,
}

/// The shipped plans, national first.
pub const FILES: &[(&str, &str)] = &[
    ("national-677-2022.toml", include_str!("../data/plans/national-677-2022.toml")),
    ("national-387-2022.toml", include_str!("../data/plans/national-387-2022.toml")),
    ("national-1373-2021.toml", include_str!("../data/plans/national-1373-2021.toml")),
    ("cuu-an.toml", include_str!("../data/plans/cuu-an.toml")),
    ("y-tich.toml", include_str!("../data/plans/y-tich.toml")),
    ("dong-thap.toml", include_str!("../data/plans/dong-thap.toml")),
    ("an-giang.toml", include_str!("../data/plans/an-giang.toml")),
    ("vinh-cuu.toml", include_str!("../data/plans/vinh-cuu.toml")),
];

/// Parses and checks a plan against the ratio definitions: percentages within 0–100,
/// known indicators, no indicator targeted twice, a period that contains 2025 or 2030,
/// valid dates and deadlines.
pub fn parse(source: &str, definitions: &Definitions) -> (Option<Plan>, Vec<Diagnostic>) {
    let plan: Plan = match from_toml(source, "tệp kế hoạch") {
        Ok(plan) => plan,
        Err(diagnostic) => return (None, vec![diagnostic]),
    };
    let diagnostics = check(&plan, definitions, Some(source));
    let plan = if has_errors(&diagnostics) { None } else { Some(plan) };
    (plan, diagnostics)
}

/// The checks of [`parse`] on a plan that came as JSON (no lines to point at).
pub fn validate(plan: &Plan, definitions: &Definitions) -> Vec<Diagnostic> {
    check(plan, definitions, None)
}

fn check(plan: &Plan, definitions: &Definitions, source: Option<&str>) -> Vec<Diagnostic> {
    let mut diagnostics = Vec::new();
    if plan.period_to < plan.period_from {
        diagnostics.push(Diagnostic::error(
            "bad-value",
            "period_to",
            format!("giai đoạn {}–{} không hợp lệ", plan.period_from, plan.period_to),
        ));
    }
    if let Some(date) = &plan.document.date {
        let partial_ok = date.len() == 7 && Date::parse_iso(&format!("{date}-01")).is_some();
        if Date::parse_iso(date).is_none() && !partial_ok {
            diagnostics.push(Diagnostic::error(
                "bad-value",
                "document.date",
                format!("ngày {date:?} không hợp lệ (YYYY-MM-DD hoặc YYYY-MM)"),
            ));
        }
    }
    if let Some(deadline) = &plan.deadline {
        if deadline.in_year(2025).is_none() {
            diagnostics.push(Diagnostic::error(
                "bad-value",
                "deadline",
                format!("hạn báo cáo {}/{} không phải ngày có thật", deadline.day, deadline.month),
            ));
        }
    }
    let mut seen = BTreeSet::new();
    for (i, target) in plan.targets.iter().enumerate() {
        let path = format!("targets[{i}]");
        let line = source.and_then(|source| line_of_assignment(source, "text", &target.text, 0));
        if target.text.trim().is_empty() {
            diagnostics.push(Diagnostic::error("missing-text", &path, "chỉ tiêu thiếu nội dung (text)").at_line(line));
        }
        for (year, value) in [(2025, target.target_2025), (2030, target.target_2030)] {
            if let Some(value) = value {
                if !(0..=10_000).contains(&value.hundredths()) {
                    diagnostics.push(
                        Diagnostic::error(
                            "threshold-out-of-scale",
                            &path,
                            format!("chỉ tiêu {year} là {value}, ngoài khoảng 0–100%"),
                        )
                        .at_line(line),
                    );
                }
            }
        }
        if target.target_2025.is_none() && target.target_2030.is_none() {
            diagnostics.push(
                Diagnostic::warning("missing-field", &path, "chỉ tiêu không có con số cho năm 2025 hay 2030")
                    .at_line(line),
            );
        }
        if let Some(indicator) = &target.indicator {
            if definitions.ratio(indicator).is_none() {
                diagnostics.push(
                    Diagnostic::error(
                        "unknown-indicator",
                        &path,
                        format!("chỉ tiêu nhắc đến tỷ lệ {indicator:?} không có trong định nghĩa"),
                    )
                    .at_line(line),
                );
            } else if !seen.insert(indicator.clone()) {
                diagnostics.push(
                    Diagnostic::error(
                        "duplicate-code",
                        &path,
                        format!("tỷ lệ {indicator:?} có hai chỉ tiêu trong cùng kế hoạch"),
                    )
                    .at_line(line),
                );
            }
        }
    }
    diagnostics
}

/// Every shipped plan that loads (the test suite proves they all do).
pub fn shipped(definitions: &Definitions) -> Vec<Plan> {
    FILES.iter().filter_map(|(_, text)| parse(text, definitions).0).collect()
}

/// The plans whose targets apply to a unit, nearest first: for each unit of `units`
/// (the unit, then what it inherits from, in order) the plan `own` gives it, if any, then
/// the national plans. `own` is the unit's stored plan or a shipped plan bound to it.
pub fn chain<'a>(units: &[String], own: &dyn Fn(&str) -> Option<&'a Plan>, national: &[&'a Plan]) -> Vec<&'a Plan> {
    let mut plans: Vec<&Plan> = units.iter().filter_map(|unit| own(unit)).collect();
    plans.extend(national.iter().copied());
    plans
}

/// The target for `indicator` from the first plan in `chain` that sets one: a unit's
/// own plan first, then its parent's, then the national defaults.
pub fn effective_target<'a>(chain: &[&'a Plan], indicator: &str) -> Option<(&'a Plan, &'a Target)> {
    chain.iter().find_map(|plan| plan.target(indicator).map(|t| (*plan, t)))
}
