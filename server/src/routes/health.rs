//! Liveness and version, for devices deciding whether the server is reachable. Reads
//! only: nothing stored changes however often it is asked.

use axum::extract::State;
use axum::Json;
use serde::Serialize;

use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// Whether the server is up, and which versions it runs.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Health {
    /// Always `ok` when the server answers.
    #[schema(examples("ok"))]
    status: &'static str,
    /// The server's version.
    version: &'static str,
    /// The version of the stored data's layout.
    schema_version: u32,
    /// How many criteria sets are loaded.
    criteria_sets: usize,
}

#[utoipa::path(
    get,
    path = "/api/v1/health",
    tag = "health",
    operation_id = "health_show",
    summary = "Liveness and version",
    responses(
        (status = 200, description = "The server is up and its store readable", body = Health),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn health_show(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
    // Read only: a health probe, however often it runs, changes nothing stored.
    let schema_version = crate::store::schema_version(state.store.as_ref())?;
    Ok(Json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
        schema_version,
        criteria_sets: hoctap_shared::criteria::newest(&state.catalog.criteria).count(),
    }))
}
