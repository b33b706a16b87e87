//! Logging in and out, invitations, and accounts: who the caller is, whom an
//! administrator may invite, which accounts lie in a unit, and revoking an account's
//! sessions. Every route except login and the invitation pages needs a bearer token.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hoctap_shared::accounts::{
    AcceptInvitation, Account, Action, CreateInvitation, Invitation, InvitationPreview, LoginRequest, LoginResponse,
    RevokedSessions, UnitPermissions,
};

use super::decode;
use crate::auth::{self, CurrentAccount};
use crate::{ApiError, AppState};

/// `POST /auth/login`: 200 with a session; 401 for a wrong username or password; 429
/// while failed logins are being slowed.
pub async fn auth_login(State(state): State<AppState>, body: Bytes) -> Result<Json<LoginResponse>, ApiError> {
    let request: LoginRequest = decode(&body)?;
    Ok(Json(auth::login(&state, request).await?))
}

/// `POST /auth/logout`: ends the session the request was made with.
pub async fn auth_logout(State(state): State<AppState>, current: CurrentAccount) -> Result<StatusCode, ApiError> {
    current.log_out(&state)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /auth/me`: the account behind the token.
pub async fn auth_me(current: CurrentAccount) -> Json<Account> {
    Json(current.account)
}

/// `POST /invitations`: 201 with the link, shown once. The caller administers the
/// invitation's unit and may invite to its role.
pub async fn invitations_create(
    State(state): State<AppState>,
    current: CurrentAccount,
    body: Bytes,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let request: CreateInvitation = decode(&body)?;
    current.require(&state, Action::Administer, &request.unit)?;
    if !current.account.role.may_invite(request.role) {
        return Err(ApiError::RoleNotInvitable { role: request.role });
    }
    let invitation = auth::create_invitation(&state, &request, Some(&current.account))?;
    tracing::info!(
        by = %current.account.username,
        role = request.role.key(),
        unit = %request.unit,
        "invitation created"
    );
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// `GET /invitations/{token}` (no login): who is invited to what; 404 when unknown or
/// used, 410 when expired.
pub async fn invitations_show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<InvitationPreview>, ApiError> {
    Ok(Json(auth::preview_invitation(&state, &token)?))
}

/// `POST /invitations/{token}/accept` (no login): 201 with the new account's first
/// session; 422 for a refused username or password, 409 for a taken username (the
/// invitation stays usable in both cases), 404 or 410 as for showing it.
pub async fn invitations_accept(
    State(state): State<AppState>,
    Path(token): Path<String>,
    body: Bytes,
) -> Result<(StatusCode, Json<LoginResponse>), ApiError> {
    let request: AcceptInvitation = decode(&body)?;
    let session = auth::accept_invitation(&state, &token, request).await?;
    tracing::info!(username = %session.account.username, role = session.account.role.key(), unit = %session.account.unit, "invitation accepted");
    Ok((StatusCode::CREATED, Json(session)))
}

/// `GET /accounts`: the accounts in the administrator's unit and below.
pub async fn accounts_list(
    State(state): State<AppState>,
    current: CurrentAccount,
) -> Result<Json<Vec<Account>>, ApiError> {
    current.require(&state, Action::Administer, &current.account.unit)?;
    Ok(Json(auth::accounts_under(&state, &current.account.unit)?))
}

/// `POST /accounts/{id}/revoke`: ends every session of an account in the
/// administrator's scope (a lost phone, an officer who left).
pub async fn accounts_revoke(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<RevokedSessions>, ApiError> {
    let target =
        auth::account(&state, &id)?.ok_or_else(|| ApiError::NotFound { what: format!("tài khoản {id}") })?;
    current.require(&state, Action::Administer, &target.unit)?;
    let revoked = auth::revoke_sessions(&state, &target.id)?;
    tracing::info!(by = %current.account.username, account = %target.username, revoked, "sessions revoked");
    Ok(Json(RevokedSessions { revoked }))
}

/// `GET /units/{id}/accounts`: who works in a unit and below it, for anyone who may
/// read that unit.
pub async fn unit_accounts_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Vec<Account>>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    Ok(Json(auth::accounts_under(&state, &id)?))
}

/// `GET /units/{id}/permissions`: what the caller may do on a unit, so the app shows
/// only the buttons that will work. Never 403: an empty list says "nothing".
pub async fn unit_permissions_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<UnitPermissions>, ApiError> {
    let mut actions = Vec::new();
    for action in Action::ALL {
        if current.may(&state, action, &id)? {
            actions.push(action);
        }
    }
    Ok(Json(UnitPermissions { unit: id, actions }))
}
