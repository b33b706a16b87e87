//! The consolidated figures of a unit and a year as they travel from the server to the
//! browser (`GET /api/v1/consolidation/{unit}?year=YYYY`): every ratio's readings as
//! counts beside the 2025 and 2030 targets, evaluations per model, the figures of each
//! child unit and the recognised subjects. Wire types only: [`crate::consolidation`]
//! computes the figures, the server fills these in, the web app draws them.
//!
//! The annual report's page, plans as they apply, the children's report statuses and
//! the lineage of today's units travel the same way.
//!
//! The doc comments on these types become the descriptions of the OpenAPI schemas
//! (`docs/openapi.json` is golden), so a change to them is a change to the document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::annual::{AnnualReport, Submission};
use crate::consolidation::{ModelCounts, RecognisedSubject};
use crate::criteria::Model;
use crate::date::Date;
use crate::indicators::Tally;
use crate::number::Percent;
use crate::plans::Plan;
use crate::units::MergeKind;

/// A unit's consolidated figures for one year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConsolidationView {
    pub unit: String,
    pub name: Option<String>,
    pub year: i32,
    pub indicators: Vec<IndicatorRow>,
    /// Evaluations per model (keys are `Model` values).
    pub models: BTreeMap<Model, ModelCounts>,
    pub children: Vec<ChildFigures>,
    pub recognised: Vec<RecognisedSubject>,
}

/// One ratio: every reading's counts beside the national targets.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IndicatorRow {
    pub id: String,
    pub name: String,
    pub source: String,
    pub readings: Vec<ReadingRow>,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    /// The plan the targets come from.
    pub target_plan: Option<String>,
}

// One reading of a ratio (the texts leave some denominators open, so a ratio may have
// several). Deliberately without a doc comment: the published schema has no description.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadingRow {
    pub id: String,
    pub label: String,
    pub numerator: u64,
    pub denominator: u64,
    /// For display; `null` when the denominator is zero.
    pub percent: Option<Percent>,
}

/// The figures of a unit directly below.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildFigures {
    pub unit: String,
    pub name: Option<String>,
    pub tally: Tally,
    pub models: BTreeMap<Model, ModelCounts>,
}

/// A unit's plan as it applies: its own targets and what it inherits, one row per target.
/// `GET /api/v1/units/{id}/plan`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitPlanView {
    pub unit: String,
    pub name: String,
    /// The plan the unit entered or imported, or a shipped plan bound to it.
    pub own: Option<Plan>,
    pub rows: Vec<PlanTargetRow>,
    /// This year's report deadline, where it comes from and whom the report goes to.
    pub deadline: DeadlineView,
}

/// A target as it applies to a unit.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlanTargetRow {
    /// The ratio hoctap computes for it; `null` for a target reported by hand.
    pub indicator: Option<String>,
    pub text: String,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    pub responsible: Option<String>,
    pub plan: String,
    pub plan_title: String,
    /// Whether it comes from a parent's, a predecessor's or a national plan.
    pub inherited: bool,
}

/// A unit's annual deadline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeadlineView {
    pub day: u8,
    pub month: u8,
    pub to: Option<String>,
    /// `plan` when the unit's plan sets it, `level` for the default of the unit's level.
    pub source: String,
}

/// A report as it stands, with its submitted versions. `GET /api/v1/reports/{unit}/{year}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportPage {
    /// Computed now from the current data, with the narrative saved so far.
    pub report: AnnualReport,
    /// Every submitted version, oldest first (each frozen as submitted).
    pub versions: Vec<VersionInfo>,
}

/// A submitted version, in brief.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VersionInfo {
    pub version: u32,
    pub submitted_at_ms: i64,
    pub submitted_on: Date,
    pub submitted_by: String,
    pub on_time: Option<bool>,
}

impl From<&Submission> for VersionInfo {
    fn from(s: &Submission) -> VersionInfo {
        VersionInfo {
            version: s.version,
            submitted_at_ms: s.submitted_at_ms,
            submitted_on: s.submitted_on,
            submitted_by: s.submitted_by.clone(),
            on_time: s.on_time,
        }
    }
}

/// Whether a unit below has handed in its report. `GET /api/v1/reports/{unit}/{year}/children`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildReportStatus {
    pub unit: String,
    pub name: String,
    pub deadline: Option<Date>,
    /// The latest submitted version, if any.
    pub latest: Option<VersionInfo>,
    /// `on_time`, `late`, `missing` (not submitted, deadline passed) or `pending`
    /// (not submitted, deadline still ahead).
    pub status: String,
}

/// How a unit of today came out of the units before 1 July 2025.
/// `GET /api/v1/units/{id}/lineage`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageView {
    pub unit: String,
    pub name: String,
    pub predecessors: Vec<PredecessorView>,
}

/// What the lineage screen draws, in one answer: the unit's own lineage, that of each
/// commune of today under it (a province's, for the old communes a district is
/// registered with), and the districts registered in the old provinces it came from.
/// `GET /api/v1/units/{id}/lineage/overview`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LineageOverview {
    /// The unit's own lineage, as `GET /units/{id}/lineage` answers it.
    pub lineage: LineageView,
    /// Each commune of today directly under the unit, with its lineage as
    /// `GET /units/{commune}/lineage` answers it, in the catalogue's order; empty below a
    /// province.
    pub communes: Vec<LineageView>,
    /// The districts registered in each old province the unit came from, in the order
    /// of `lineage.predecessors`, each province's by name, as `GET /lineage/districts`
    /// answers them; empty below a province.
    pub districts: Vec<DistrictView>,
}

/// An old unit that went, wholly or in part, into the unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PredecessorView {
    pub unit: String,
    pub name: String,
    pub kind: MergeKind,
    /// The new units the old one was split between (for a partial merge).
    pub successors: Vec<NamedUnit>,
    /// The old unit's hamlets known to hoctap, with where each is assigned.
    pub hamlets: Vec<HamletAssignment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NamedUnit {
    pub unit: String,
    pub name: String,
}

/// Where an old hamlet counts today: `assigned_to` is a new commune, `null` until the
/// administrator assigns it (a whole merge needs no assignment: `whole` is true).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HamletAssignment {
    pub unit: String,
    pub name: String,
    pub assigned_to: Option<String>,
    pub whole: bool,
}

/// An explicit assignment of an old hamlet (or of an old commune's own records) to a new
/// commune. `PUT /api/v1/lineage/assignments`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignment {
    pub unit: String,
    pub to: String,
}

/// A district (huyện, quận, thị xã, thành phố thuộc tỉnh) before 1 July 2025, as an
/// administrator registers it: the public data name no district, so the old communes
/// roll up into one only once it is registered. `PUT /api/v1/lineage/districts/{code}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictRequest {
    /// The name without its type: `An Khê`.
    pub name: String,
    /// `Huyện`, `Quận`, `Thị xã` or `Thành phố`.
    pub unit_type: String,
    /// The old province it lay in, e.g. `province:64:old`.
    pub province: String,
    /// Its old communes, e.g. `commune:23629:old`.
    pub communes: Vec<String>,
}

/// A registered district with its old communes. `GET /api/v1/lineage/districts`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DistrictView {
    /// `district:<code>:old`.
    pub unit: String,
    pub code: String,
    /// With its type: `Thị xã An Khê`.
    pub name: String,
    pub province: NamedUnit,
    pub communes: Vec<NamedUnit>,
}

#[cfg(test)]
mod tests {
    use super::ConsolidationView;

    /// The body the server sends (nulls included) decodes into the same types and
    /// encodes back to the same JSON, so the web app reads what the server writes.
    #[test]
    fn the_servers_json_round_trips() {
        let body = serde_json::json!({
            "unit": "commune:00004:2025",
            "name": null,
            "year": 2026,
            "indicators": [{
                "id": "households_learning_family",
                "name": "Hộ gia đình được công nhận Gia đình học tập",
                "source": "387",
                "readings": [
                    { "id": "of_households", "label": "Trên tổng số hộ gia đình", "numerator": 127, "denominator": 200,
                      "percent": 63.5 },
                    { "id": "empty", "label": "Trống", "numerator": 0, "denominator": 0, "percent": null }
                ],
                "target_2025": 70,
                "target_2030": null,
                "target_plan": "qd-387-2022"
            }],
            "models": { "learning_family": { "evaluated": 3, "submitted": 2, "recognised": 1,
                                             "by_result": { "recognised": 1, "incomplete": 2 } } },
            "children": [{
                "unit": "hamlet:a",
                "name": "Thôn A",
                "tally": { "counts": { "households_learning_family:of_households": { "numerator": 127, "denominator": 200 } } },
                "models": {}
            }],
            "recognised": []
        });
        let view: ConsolidationView = serde_json::from_value(body.clone()).expect("decodes");
        assert_eq!(view.indicators[0].readings[0].percent.map(|p| p.hundredths()), Some(6350));
        assert_eq!(view.children[0].tally.get("households_learning_family", "of_households").numerator, 127);
        assert_eq!(serde_json::to_value(&view).expect("encodes"), body);
    }
}
