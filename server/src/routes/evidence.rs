//! Evidence upload and download. Uploads go to the file's SHA-256, so a retry is the
//! same request and stores nothing twice; downloads are for accounts whose scope
//! covers a record that uses the file, or the unit of the officer who uploaded it.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;

use super::RawBody;
use crate::auth::CurrentAccount;
use crate::evidence::{self, Stored};
use crate::{ApiError, AppState};

pub async fn evidence_put(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(sha256): Path<String>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    current.require(&state, Action::Write, &current.account.unit)?;
    let stored = evidence::put(&state, &sha256, &body, &current.account.unit)?;
    let status = if stored.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(stored)))
}

pub async fn evidence_get(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound { what: format!("minh chứng {sha256}") };
    let meta = evidence::meta(&state, &sha256)?.ok_or_else(not_found)?;
    let mut allowed = false;
    for unit in evidence::units(&state, &sha256)? {
        if current.may(&state, Action::Read, &unit)? {
            allowed = true;
            break;
        }
    }
    if !allowed {
        return Err(ApiError::Forbidden { action: Action::Read, unit: format!("minh chứng {sha256}") });
    }
    let bytes = evidence::bytes(&state, &sha256)?.ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, meta.media_type),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_string()),
        ],
        bytes,
    )
        .into_response())
}
