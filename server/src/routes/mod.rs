//! The API's routes, one module per resource; handlers are named `resource_verb`.

mod criteria;
mod health;
mod plans;
mod units;

use axum::body::Bytes;
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/health", get(health::health_show))
        .route("/criteria", get(criteria::criteria_list))
        .route("/criteria/check", post(criteria::criteria_check))
        .route("/criteria/{id}", get(criteria::criteria_show))
        .route("/evaluations/score", post(criteria::evaluations_score))
        .route("/indicators", get(plans::indicators_list))
        .route("/plans", get(plans::plans_list))
        .route("/plans/{id}", get(plans::plans_show))
        .route("/units/{id}", get(units::units_show))
        .fallback(|| async { ApiError::NotFound { what: "đường dẫn API này".to_string() } })
}

/// Decodes a JSON body, turning every failure into a clear 400 instead of axum's
/// plain-text rejection.
fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| ApiError::BadRequest { detail: format!("JSON không hợp lệ: {err}") })
}
