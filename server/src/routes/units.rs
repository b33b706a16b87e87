//! The unit hierarchy: a unit with its children and predecessors, so a device can walk
//! from a province down to its communes, and from a new commune back to the old ones.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::units::OrgUnit;
use serde::Serialize;

use crate::{ApiError, AppState};

#[derive(Serialize)]
pub struct UnitView {
    unit: OrgUnit,
    full_name: String,
    children: Vec<ChildView>,
}

#[derive(Serialize)]
pub struct ChildView {
    id: String,
    full_name: String,
    code: Option<String>,
}

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
