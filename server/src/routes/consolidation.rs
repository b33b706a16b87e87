//! Consolidated figures for a unit and a year: every ratio as numerator, denominator
//! and percentage (each reading), rolled up from everything below the unit, beside the
//! 2025 and 2030 targets of the plans that apply to it (as in its annual report);
//! evaluations per model and result; recognised subjects (for a commune and the units
//! inside it); and the same figures for each child unit, whose counts add up to the
//! unit's. The response types live in `hoctap_shared::report`, so the web app reads the
//! same JSON. The figures are the same count as the unit's annual report
//! ([`crate::reports::counted`]): from 2025 the parts kept by [`crate::figures`] (only
//! parts changed since last asked are counted), before the reform the records of the
//! old units the unit was formed from.

use axum::extract::{Path, Query, State};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::consolidation::UnitFigures;
use hoctap_shared::plans::effective_target;
use hoctap_shared::report::{ChildFigures, ConsolidationView, IndicatorRow, ReadingRow};
use hoctap_shared::units::UnitKind;
use serde::Deserialize;

use crate::auth::CurrentAccount;
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The year whose evaluations are counted.
    year: i32,
}

/// Every ratio as numerator, denominator and percentage, rolled up from everything below
/// the unit, beside the 2025 and 2030 targets; evaluations per model; recognised
/// subjects; and the same figures for each child unit.
#[utoipa::path(
    get,
    path = "/api/v1/consolidation/{unit}",
    tag = "consolidation",
    operation_id = "consolidation_show",
    summary = "Consolidated figures for a unit and a year",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id, e.g. `commune:00004:2025`"), YearQuery),
    responses(
        (status = 200, description = "The unit's figures", body = ConsolidationView),
        (status = 400, description = "`year` missing or not a number (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The unit lies outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn consolidation_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(unit): Path<String>,
    Query(query): Query<YearQuery>,
) -> Result<Json<ConsolidationView>, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    let Some(org) = state.unit(&unit)? else {
        return Err(ApiError::NotFound { what: format!("đơn vị {unit}") });
    };
    // Names are listed for a commune and the units inside it; above, the counts remain.
    let listed = !matches!(org.kind, UnitKind::Province | UnitKind::District);
    // Counted as the unit's annual report counts (the one entry point): counting parts
    // or gathering records can take a while, so off the runtime's threads.
    let counted = {
        let (state, org, year) = (state.clone(), org.clone(), query.year);
        crate::blocking(move || crate::reports::counted(&state, &org, year, listed)).await?
    };
    let parent_of = |id: &str| counted.parent_of(&state, id);
    let result = &counted.result;
    let empty = UnitFigures::default();
    let figures = result.units.get(&unit).unwrap_or(&empty);
    // The same plans as the unit's annual report: its own, its predecessors', its
    // parents', then the national programmes.
    let plans = crate::reports::plan_chain(&state, &unit)?;
    let chain: Vec<&hoctap_shared::plans::Plan> = plans.iter().collect();
    let indicators = state
        .catalog
        .definitions
        .ratios
        .iter()
        .map(|ratio| {
            let target = effective_target(&chain, &ratio.id);
            IndicatorRow {
                id: ratio.id.clone(),
                name: ratio.name.clone(),
                source: ratio.source.clone(),
                readings: ratio
                    .readings
                    .iter()
                    .map(|r| {
                        let c = figures.tally.get(&ratio.id, &r.id);
                        ReadingRow {
                            id: r.id.clone(),
                            label: r.label.clone(),
                            numerator: c.numerator,
                            denominator: c.denominator,
                            percent: c.percent(),
                        }
                    })
                    .collect(),
                target_2025: target.and_then(|(_, t)| t.target_2025),
                target_2030: target.and_then(|(_, t)| t.target_2030),
                target_plan: target.map(|(p, _)| p.id.clone()),
            }
        })
        .collect();
    let name_of = |id: &str| state.unit(id).ok().flatten().map(|u| u.full_name());
    let children = result
        .units
        .iter()
        .filter(|(id, _)| parent_of(id).as_deref() == Some(unit.as_str()))
        .map(|(id, f)| ChildFigures {
            unit: id.clone(),
            name: name_of(id).map(|_| crate::reports::child_name(&state, &org, id)),
            tally: f.tally.clone(),
            models: f.models.clone(),
        })
        .collect();
    Ok(Json(ConsolidationView {
        name: name_of(&unit),
        unit,
        year: query.year,
        indicators,
        models: figures.models.clone(),
        children,
        recognised: result.recognised.clone(),
    }))
}
