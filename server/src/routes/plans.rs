//! Plans with their targets, and the ratio definitions they refer to.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::indicators::Ratio;
use hoctap_shared::plans::Plan;

use crate::{ApiError, AppState};

pub async fn plans_list(State(state): State<AppState>) -> Json<Vec<Plan>> {
    Json(state.catalog.plans.clone())
}

pub async fn plans_show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<Plan>, ApiError> {
    state
        .catalog
        .plans
        .iter()
        .find(|p| p.id == id)
        .cloned()
        .map(Json)
        .ok_or(ApiError::NotFound { what: format!("kế hoạch {id:?}") })
}

pub async fn indicators_list(State(state): State<AppState>) -> Json<Vec<Ratio>> {
    Json(state.catalog.definitions.ratios.clone())
}
