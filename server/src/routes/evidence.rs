//! Evidence upload and download. Uploads go to the file's SHA-256, so a retry is the
//! same request and stores nothing twice; downloads are for accounts that may read a
//! record which has the file attached now. Anyone else hears that there is no such
//! file, exactly as for a file that was never uploaded.

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;

use super::RawBody;
use crate::auth::CurrentAccount;
use crate::evidence::{self, Stored};
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// Uploads an evidence file under its SHA-256 (computed by the device). The hash, the
/// size and the type (by content) are checked; the same content is stored once.
#[utoipa::path(
    put,
    path = "/api/v1/evidence/{sha256}",
    tag = "evidence",
    operation_id = "evidence_put",
    summary = "Upload an evidence file",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The file's SHA-256, 64 lowercase hex digits")),
    request_body(content_type = "application/octet-stream", description = "The file's bytes: a JPEG, PNG or WebP image or a PDF, at most the server's evidence limit (2 MB by default)."),
    responses(
        (status = 200, description = "The same content was already stored (a retry); nothing changed", body = Stored),
        (status = 201, description = "Stored", body = Stored),
        (status = 400, description = "The bytes do not hash to `sha256` (`evidence_hash_mismatch`) or the body could not be read (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The account may not write to its unit (`forbidden`)", body = ErrorBody),
        (status = 413, description = "Over the evidence size limit (`evidence_too_large`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not a JPEG, PNG, WebP or PDF by content (`evidence_type_not_allowed`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn evidence_put(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(sha256): Path<String>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<Stored>), ApiError> {
    current.require(&state, Action::Write, &current.account.unit)?;
    let stored = evidence::put(&state, &sha256, &body, &current.account.id)?;
    let status = if stored.created { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(stored)))
}

/// Downloads an evidence file, for accounts that may read a record which has it
/// attached now.
#[utoipa::path(
    get,
    path = "/api/v1/evidence/{sha256}",
    tag = "evidence",
    operation_id = "evidence_get",
    summary = "Download an evidence file",
    security(("bearer" = [])),
    params(("sha256" = String, Path, description = "The file's SHA-256, 64 lowercase hex digits")),
    responses(
        (status = 200, description = "The file, with the media type read from its content when it was uploaded", content(
            ("image/jpeg"), ("image/png"), ("image/webp"), ("application/pdf"),
        )),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such file, or no record the caller may read has it attached: the two are not told apart (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn evidence_get(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(sha256): Path<String>,
) -> Result<Response, ApiError> {
    let not_found = || ApiError::NotFound { what: format!("minh chứng {sha256}") };
    if !evidence::readable(&state, &sha256, |unit| current.may(&state, Action::Read, unit))? {
        return Err(not_found());
    }
    let meta = evidence::meta(&state, &sha256)?.ok_or_else(not_found)?;
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
