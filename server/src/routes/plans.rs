//! Plans with their targets, and the ratio definitions they refer to.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::indicators::Ratio;
use hoctap_shared::plans::Plan;

use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

#[utoipa::path(
    get,
    path = "/api/v1/plans",
    tag = "plans",
    operation_id = "plans_list",
    summary = "List the plans",
    responses((status = 200, description = "Every plan, national first", body = Vec<Plan>))
)]
pub async fn plans_list(State(state): State<AppState>) -> Json<Vec<Plan>> {
    Json(state.catalog.plans.clone())
}

#[utoipa::path(
    get,
    path = "/api/v1/plans/{id}",
    tag = "plans",
    operation_id = "plans_show",
    summary = "Show a plan",
    params(("id" = String, Path, description = "The plan's id")),
    responses(
        (status = 200, description = "The plan with its targets", body = Plan),
        (status = 404, description = "No such plan (`not_found`)", body = ErrorBody),
    )
)]
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

#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "plans",
    operation_id = "indicators_list",
    summary = "List the ratio definitions",
    responses((status = 200, description = "Every ratio with its readings", body = Vec<Ratio>))
)]
pub async fn indicators_list(State(state): State<AppState>) -> Json<Vec<Ratio>> {
    Json(state.catalog.definitions.ratios.clone())
}
