//! The consolidated figures of a unit and a year as they travel from the server to the
//! browser (`GET /api/v1/consolidation/{unit}?year=YYYY`): every ratio's readings as
//! counts beside the 2025 and 2030 targets, evaluations per model, the figures of each
//! child unit and the recognised subjects. Wire types only: [`crate::consolidation`]
//! computes the figures, the server fills these in, the web app draws them.
//!
//! The doc comments on these types become the descriptions of the OpenAPI schemas
//! (`docs/openapi.json` is golden), so a change to them is a change to the document.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::consolidation::{ModelCounts, RecognisedSubject};
use crate::criteria::Model;
use crate::indicators::Tally;
use crate::number::Percent;

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
