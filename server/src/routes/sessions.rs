//! An account's sessions: listing the live ones (each device it is signed in on) and
//! ending one, for the account itself or whoever may manage it.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hoctap_shared::accounts::{Account, SessionView};

use crate::auth::{self, CurrentAccount};
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// Whether the caller may see and end the sessions of `owner`: its own, or an account
/// it may manage.
fn may_see_sessions(state: &AppState, current: &CurrentAccount, owner: &Account) -> Result<bool, ApiError> {
    Ok(owner.id == current.account.id || auth::may_manage_account(state, &current.account, owner)?)
}

/// `GET /accounts/{id}/sessions`: the account's live sessions.
#[utoipa::path(
    get,
    path = "/api/v1/accounts/{id}/sessions",
    tag = "accounts",
    operation_id = "account_sessions_list",
    summary = "The live sessions of an account",
    description = "For the account itself or whoever may manage it; anyone else gets 404, as for an account that \
                   does not exist. Most recently used first; `current` marks the session of this request.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The sessions that have neither expired nor been revoked", body = Vec<SessionView>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such account that the caller may manage (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn account_sessions_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    match auth::account(&state, &id)? {
        Some(owner) if may_see_sessions(&state, &current, &owner)? => {
            Ok(Json(auth::session_views(&state, &owner.id, current.session_key())?))
        }
        _ => Err(ApiError::NotFound { what: format!("tài khoản {id}") }),
    }
}

/// `POST /sessions/{id}/revoke`: ends one session; the account stays enabled.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/{id}/revoke",
    tag = "accounts",
    operation_id = "sessions_revoke",
    summary = "End one session",
    description = "Signs one device out: the account and its other sessions keep working. By the session's owner \
                   or whoever may manage the owner; anyone else gets 404, as for a session that does not exist. \
                   Ending a session that has already ended changes nothing.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The session's id (`session_id` of the login, `id` in the list), not its token")),
    responses(
        (status = 204, description = "The session is ended"),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such session that the caller may end (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn sessions_revoke(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let not_found = || ApiError::NotFound { what: "phiên đăng nhập này".to_string() };
    let (key, session) = auth::find_session(&state, &id)?.ok_or_else(not_found)?;
    let owner = auth::account(&state, &session.account_id)?.ok_or_else(not_found)?;
    if !may_see_sessions(&state, &current, &owner)? {
        return Err(not_found());
    }
    auth::revoke_session(&state, &key)?;
    tracing::info!(by = %current.account.username, account = %owner.username, "session ended");
    Ok(StatusCode::NO_CONTENT)
}
