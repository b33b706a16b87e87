//! The unit hierarchy: a unit with its children and predecessors, so a device can walk
//! from a province down to its communes, and from a new commune back to the old ones.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::units::OrgUnit;
use serde::Serialize;

use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// A unit with its children.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitView {
    unit: OrgUnit,
    /// As written in documents: `Phường Ba Đình`.
    full_name: String,
    children: Vec<ChildView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChildView {
    id: String,
    full_name: String,
    code: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}",
    tag = "units",
    operation_id = "units_show",
    summary = "Show an administrative unit and its children",
    params(("id" = String, Path, description = "A unit id, e.g. `province:01:2025` or `commune:00004:2025`")),
    responses(
        (status = 200, description = "The unit, its predecessors and its children", body = UnitView),
        (status = 404, description = "No such unit in the shipped hierarchy (`not_found`)", body = ErrorBody),
    )
)]
pub async fn units_show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<UnitView>, ApiError> {
    let registry = &state.catalog.units;
    let unit =
        registry.get(&id).ok_or_else(|| ApiError::NotFound { what: format!("đơn vị hành chính {id:?}") })?;
    let children = registry
        .children(&id)
        .map(|c| ChildView { id: c.id.clone(), full_name: c.full_name(), code: c.code.clone() })
        .collect();
    Ok(Json(UnitView { unit: unit.clone(), full_name: unit.full_name(), children }))
}
