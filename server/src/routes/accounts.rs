//! Logging in and out, invitations, and accounts: who the caller is, whom an
//! administrator may invite, which accounts lie in a unit, and revoking (and restoring)
//! an account. Every route except login and the invitation pages needs a bearer token.

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
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// `POST /auth/login`: 200 with a session; 401 for a wrong username or password; 403
/// for the right password of a disabled account; 429 while failed logins are being
/// slowed.
#[utoipa::path(
    post,
    path = "/api/v1/auth/login",
    tag = "auth",
    operation_id = "auth_login",
    summary = "Log in with a username and a password",
    request_body(content = LoginRequest),
    responses(
        (status = 200, description = "A session: send `token` as `Authorization: Bearer <token>`", body = LoginResponse),
        (status = 400, description = "Not a login request, or a key given twice (`bad_request`)", body = ErrorBody),
        (status = 401, description = "Wrong username or password, not told apart (`wrong_credentials`)", body = ErrorBody),
        (status = 403, description = "The right password of an account an administrator revoked; it signs in again once a province administrator restores it (`account_disabled`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 429, description = "Too many failed logins for this username; see the `Retry-After` header (`too_many_attempts`)", body = ErrorBody,
            headers(("Retry-After" = u64, description = "Seconds to wait before the next attempt"))),
        (status = 500, description = "Storage or hashing failed (`storage_failed`, `internal_error`)", body = ErrorBody),
    )
)]
pub async fn auth_login(State(state): State<AppState>, body: Bytes) -> Result<Json<LoginResponse>, ApiError> {
    let request: LoginRequest = decode(&body)?;
    Ok(Json(auth::login(&state, request).await?))
}

/// `POST /auth/logout`: ends the session the request was made with.
#[utoipa::path(
    post,
    path = "/api/v1/auth/logout",
    tag = "auth",
    operation_id = "auth_logout",
    summary = "End the current session",
    security(("bearer" = [])),
    responses(
        (status = 204, description = "The session is ended"),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn auth_logout(State(state): State<AppState>, current: CurrentAccount) -> Result<StatusCode, ApiError> {
    current.log_out(&state)?;
    Ok(StatusCode::NO_CONTENT)
}

/// `GET /auth/me`: the account behind the token.
#[utoipa::path(
    get,
    path = "/api/v1/auth/me",
    tag = "auth",
    operation_id = "auth_me",
    summary = "The account behind the token",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The caller's account", body = Account),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn auth_me(current: CurrentAccount) -> Json<Account> {
    Json(current.account)
}

/// `POST /invitations`: 201 with the link, shown once. The caller administers the
/// invitation's unit and may invite to its role.
#[utoipa::path(
    post,
    path = "/api/v1/invitations",
    tag = "invitations",
    operation_id = "invitations_create",
    summary = "Invite someone to a role on a unit",
    security(("bearer" = [])),
    request_body(content = CreateInvitation),
    responses(
        (status = 201, description = "The invitation; its link is shown only this once", body = Invitation),
        (status = 400, description = "Not an invitation request, an empty or too long display name, or a validity outside 1–720 hours (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller does not administer the unit (`forbidden`) or may not invite to the role (`role_not_invitable`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "The role does not fit the unit's kind, or the unit is not current (`role_does_not_fit_unit`)", body = ErrorBody),
        (status = 500, description = "Storage or hashing failed (`storage_failed`, `internal_error`)", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/invitations/{token}",
    tag = "invitations",
    operation_id = "invitations_show",
    summary = "Who is invited to what (no login)",
    params(("token" = String, Path, description = "The invitation's token, from its link")),
    responses(
        (status = 200, description = "The role, unit and name the invitation is for", body = InvitationPreview),
        (status = 404, description = "Unknown or already used (`invitation_not_found`)", body = ErrorBody),
        (status = 410, description = "Expired (`invitation_expired`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn invitations_show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<InvitationPreview>, ApiError> {
    Ok(Json(auth::preview_invitation(&state, &token)?))
}

/// `POST /invitations/{token}/accept` (no login): 201 with the new account's first
/// session; 422 for a refused username or password, 409 for a taken username (the
/// invitation stays usable in both cases), 404 or 410 as for showing it.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{token}/accept",
    tag = "invitations",
    operation_id = "invitations_accept",
    summary = "Accept an invitation, choosing a username and a password (no login)",
    params(("token" = String, Path, description = "The invitation's token, from its link")),
    request_body(content = AcceptInvitation),
    responses(
        (status = 201, description = "The new account's first session", body = LoginResponse),
        (status = 400, description = "Not an acceptance request (`bad_request`)", body = ErrorBody),
        (status = 404, description = "Unknown or already used (`invitation_not_found`)", body = ErrorBody),
        (status = 409, description = "The username is taken (`username_taken`); the invitation stays usable", body = ErrorBody),
        (status = 410, description = "Expired (`invitation_expired`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "The username or password breaks the rules, every problem listed in `problems` (`credentials_refused`); the invitation stays usable", body = ErrorBody),
        (status = 500, description = "Storage or hashing failed (`storage_failed`, `internal_error`)", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/accounts",
    tag = "accounts",
    operation_id = "accounts_list",
    summary = "The accounts in the administrator's unit and below",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "The accounts", body = Vec<Account>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller does not administer its unit (`forbidden`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn accounts_list(
    State(state): State<AppState>,
    current: CurrentAccount,
) -> Result<Json<Vec<Account>>, ApiError> {
    current.require(&state, Action::Administer, &current.account.unit)?;
    Ok(Json(auth::accounts_under(&state, &current.account.unit)?))
}

/// The account `id` if the caller administers its unit. A caller who administers
/// nothing is refused (403) before anything is looked up; an administrator gets the
/// same 404 for an account that does not exist and for one outside its province, so
/// the answer tells nobody which accounts exist elsewhere.
fn administered_account(state: &AppState, current: &CurrentAccount, id: &str) -> Result<Account, ApiError> {
    current.require(state, Action::Administer, &current.account.unit)?;
    match auth::account(state, id)? {
        Some(target) if current.may(state, Action::Administer, &target.unit)? => Ok(target),
        _ => Err(ApiError::NotFound { what: format!("tài khoản {id}") }),
    }
}

/// `POST /accounts/{id}/revoke`: ends every session of an account in the
/// administrator's scope and disables it until it is restored (a lost phone, an officer
/// who left).
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/revoke",
    tag = "accounts",
    operation_id = "accounts_revoke",
    summary = "End every session of an account and disable it",
    description = "The account cannot sign in again (`account_disabled`) until a province administrator \
                   restores it with `POST /accounts/{id}/restore`.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "How many live sessions were ended", body = RevokedSessions),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller administers nothing (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such account in the caller's administration, whether it exists elsewhere or not at all (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn accounts_revoke(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<RevokedSessions>, ApiError> {
    let target = administered_account(&state, &current, &id)?;
    let revoked = auth::revoke_account(&state, &target.id)?;
    tracing::info!(by = %current.account.username, account = %target.username, revoked, "account revoked");
    Ok(Json(RevokedSessions { revoked }))
}

/// `POST /accounts/{id}/restore`: lets a revoked account sign in again.
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/restore",
    tag = "accounts",
    operation_id = "accounts_restore",
    summary = "Let a revoked account sign in again",
    description = "Only a province administrator of the account's province. The account's old sessions stay \
                   ended; the officer signs in afresh. Restoring an account that is not disabled changes nothing.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account, no longer disabled", body = Account),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller administers nothing (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such account in the caller's administration, whether it exists elsewhere or not at all (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn accounts_restore(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Account>, ApiError> {
    let target = administered_account(&state, &current, &id)?;
    let restored = auth::restore_account(&state, &target.id)?
        .ok_or_else(|| ApiError::NotFound { what: format!("tài khoản {id}") })?;
    tracing::info!(by = %current.account.username, account = %restored.username, "account restored");
    Ok(Json(restored))
}

/// `GET /units/{id}/accounts`: who works in a unit and below it, for anyone who may
/// read that unit.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/accounts",
    tag = "accounts",
    operation_id = "unit_accounts_list",
    summary = "Who works in a unit and below it",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    responses(
        (status = 200, description = "The accounts", body = Vec<Account>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The unit lies outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
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
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/permissions",
    tag = "accounts",
    operation_id = "unit_permissions_show",
    summary = "What the caller may do on a unit",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    responses(
        (status = 200, description = "The actions allowed; an empty list when none", body = UnitPermissions),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
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
