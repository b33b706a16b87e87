//! The API's routes, one module per resource; handlers are named `resource_verb`.

mod accounts;
mod consolidation;
mod criteria;
mod evidence;
mod health;
mod plans;
mod sync;
mod units;

use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, FromRequest, Request};
use axum::routing::{get, post};
use axum::Router;
use serde::de::DeserializeOwned;

use crate::{ApiError, AppState};

/// The largest push body (1,000 operations with room to spare).
pub const MAX_PUSH_BYTES: usize = 8 * 1024 * 1024;

pub fn router(max_evidence_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/sync/push", post(sync::sync_push).layer(DefaultBodyLimit::max(MAX_PUSH_BYTES)))
        .route("/sync/pull", get(sync::sync_pull))
        .route("/records/{kind}/{id}", get(sync::records_show))
        .route(
            "/evidence/{sha256}",
            get(evidence::evidence_get)
                .put(evidence::evidence_put)
                .layer(DefaultBodyLimit::max(max_evidence_bytes + 1)),
        )
        .route("/consolidation/{unit}", get(consolidation::consolidation_show))
        .route("/health", get(health::health_show))
        .route("/criteria", get(criteria::criteria_list))
        .route("/criteria/check", post(criteria::criteria_check))
        .route("/criteria/{id}", get(criteria::criteria_show))
        .route("/evaluations/score", post(criteria::evaluations_score))
        .route("/indicators", get(plans::indicators_list))
        .route("/plans", get(plans::plans_list))
        .route("/plans/{id}", get(plans::plans_show))
        .route("/units/{id}", get(units::units_show))
        .route("/units/{id}/accounts", get(accounts::unit_accounts_list))
        .route("/units/{id}/permissions", get(accounts::unit_permissions_show))
        .route("/auth/login", post(accounts::auth_login))
        .route("/auth/logout", post(accounts::auth_logout))
        .route("/auth/me", get(accounts::auth_me))
        .route("/invitations", post(accounts::invitations_create))
        .route("/invitations/{token}", get(accounts::invitations_show))
        .route("/invitations/{token}/accept", post(accounts::invitations_accept))
        .route("/accounts", get(accounts::accounts_list))
        .route("/accounts/{id}/revoke", post(accounts::accounts_revoke))
        .fallback(|| async { ApiError::NotFound { what: "đường dẫn API này".to_string() } })
}

/// Decodes a JSON body, turning every failure into a clear 400 instead of axum's
/// plain-text rejection.
fn decode<T: DeserializeOwned>(body: &Bytes) -> Result<T, ApiError> {
    serde_json::from_slice(body)
        .map_err(|err| ApiError::BadRequest { detail: format!("JSON không hợp lệ: {err}") })
}

/// The request body as bytes, with the size limit's rejection turned into the same JSON
/// error as every other (axum's own is plain text).
#[derive(Debug)]
pub struct RawBody(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for RawBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<RawBody, ApiError> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(RawBody(bytes)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::BodyTooLarge)
            }
            Err(rejection) => Err(ApiError::BadRequest { detail: rejection.body_text() }),
        }
    }
}
