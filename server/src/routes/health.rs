//! Liveness and version, for devices deciding whether the server is reachable.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use crate::{ApiError, AppState};

pub async fn health_show(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let schema = crate::store::check_schema(state.store.as_ref())?;
    Ok(Json(json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "schema_version": schema,
        "criteria_sets": state.catalog.criteria.len(),
    })))
}
