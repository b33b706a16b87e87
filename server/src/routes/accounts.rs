//! Logging in and out, invitations, and accounts: who the caller is, whom an
//! administrator or a commune official may invite (and so manage), sending an
//! invitation again or revoking it, which accounts lie in a unit, and revoking (and
//! restoring) an account. Every route except login and the invitation pages needs a
//! bearer token.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hoctap_shared::accounts::{
    invites_anyone, AcceptInvitation, Account, Action, CreateInvitation, Invitation, InvitationPreview, LoginRequest,
    LoginResponse, RevokedSessions, Role, UnitPermissions,
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
        (status = 200, description = "A session: send `token` as `Authorization: Bearer <token>`. With `device`, it lasts the device period (90 days by default, `--device-session-days`); without, 12 hours (`--session-hours`)", body = LoginResponse),
        (status = 400, description = "Not a login request, a key given twice, or a `device` whose id or label breaks the rules (`bad_request`)", body = ErrorBody),
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

/// `POST /invitations`: 201 with the link, shown once. The caller may invite to the
/// role on the unit (`hoctap_shared::accounts::may_invite`).
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
        (status = 403, description = "The caller may invite nobody on the unit (`forbidden`), or not to this role there (`role_not_invitable`)", body = ErrorBody),
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
    if !auth::may_manage(&state, &current.account, request.role, &request.unit)? {
        let mut any = false;
        for role in Role::ALL {
            any |= auth::may_manage(&state, &current.account, role, &request.unit)?;
        }
        return Err(if any {
            ApiError::RoleNotInvitable { role: request.role }
        } else {
            ApiError::Forbidden { action: Action::Administer, unit: request.unit }
        });
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
        (status = 404, description = "Unknown, already used, revoked, or replaced by sending it again (`invitation_not_found`)", body = ErrorBody),
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
        (status = 400, description = "Not an acceptance request, or a `device` whose id or label breaks the rules (`bad_request`)", body = ErrorBody),
        (status = 404, description = "Unknown, already used, revoked, or replaced by sending it again (`invitation_not_found`)", body = ErrorBody),
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

/// The account `id` if the caller may manage it (`hoctap_shared::accounts::may_invite`
/// for its role and unit). A caller who may manage nobody is refused (403) before
/// anything is looked up; an account that does not exist and one outside what the
/// caller may read get the same 404, so the answer tells nobody which accounts exist
/// elsewhere; one the caller sees but may not manage is 403, and its own account 422.
fn managed_account(state: &AppState, current: &CurrentAccount, id: &str) -> Result<Account, ApiError> {
    if !invites_anyone(current.account.role) {
        return Err(ApiError::Forbidden { action: Action::Administer, unit: current.account.unit.clone() });
    }
    let target = match auth::account(state, id)? {
        Some(target) if current.may(state, Action::Read, &target.unit)? => target,
        _ => return Err(ApiError::NotFound { what: format!("tài khoản {id}") }),
    };
    if target.id == current.account.id {
        return Err(ApiError::OwnAccount);
    }
    if !auth::may_manage(state, &current.account, target.role, &target.unit)? {
        return Err(ApiError::Forbidden { action: Action::Administer, unit: target.unit });
    }
    Ok(target)
}

/// The invitation `id` if the caller may manage it, with the same answers as
/// [`managed_account`] (an invitation on a unit the caller cannot read is 404).
fn managed_invitation(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
) -> Result<([u8; 32], auth::InvitationRecord), ApiError> {
    if !invites_anyone(current.account.role) {
        return Err(ApiError::Forbidden { action: Action::Administer, unit: current.account.unit.clone() });
    }
    let (key, record) = match auth::find_invitation(state, id)? {
        Some((key, record)) if current.may(state, Action::Read, &record.unit)? => (key, record),
        _ => return Err(ApiError::NotFound { what: format!("lời mời {id}") }),
    };
    if !auth::may_manage(state, &current.account, record.role, &record.unit)? {
        return Err(ApiError::Forbidden { action: Action::Administer, unit: record.unit });
    }
    Ok((key, record))
}

/// `POST /invitations/{id}/resend`: a new link for a pending or expired invitation.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{id}/resend",
    tag = "invitations",
    operation_id = "invitations_resend",
    summary = "Send an invitation again with a new link",
    description = "A new token and link, valid for the default period (72 hours) from now; the invitation keeps its \
                   id, and its old link stops working at once. Only a pending or expired invitation, by someone who \
                   may invite to its role on its unit.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The invitation's id (from `GET /units/{id}/staff` or its creation), not its token")),
    responses(
        (status = 201, description = "The invitation with its new link, shown only this once", body = Invitation),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller manages nobody, or may not manage this invitation (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such invitation where the caller may read (`not_found`)", body = ErrorBody),
        (status = 409, description = "Accepted or revoked: it cannot be sent again (`invitation_closed`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`, `internal_error`)", body = ErrorBody),
    )
)]
pub async fn invitations_resend(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<Invitation>), ApiError> {
    let (key, record) = managed_invitation(&state, &current, &id)?;
    let invitation = auth::resend_invitation(&state, &key, record)?;
    tracing::info!(by = %current.account.username, invitation = %id, "invitation sent again");
    Ok((StatusCode::CREATED, Json(invitation)))
}

/// `POST /invitations/{id}/revoke`: the invitation's link stops working.
#[utoipa::path(
    post,
    path = "/api/v1/invitations/{id}/revoke",
    tag = "invitations",
    operation_id = "invitations_revoke",
    summary = "Revoke an invitation",
    description = "Its link stops working (`invitation_not_found`). Revoking one that is already revoked or was \
                   accepted changes nothing.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The invitation's id, not its token")),
    responses(
        (status = 204, description = "The invitation is revoked"),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller manages nobody, or may not manage this invitation (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such invitation where the caller may read (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn invitations_revoke(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let (key, record) = managed_invitation(&state, &current, &id)?;
    auth::revoke_invitation(&state, &key, record, &current.account)?;
    tracing::info!(by = %current.account.username, invitation = %id, "invitation revoked");
    Ok(StatusCode::NO_CONTENT)
}

/// `POST /accounts/{id}/revoke`: ends every session of an account the caller manages
/// and disables it until it is restored (a lost phone, an officer who left).
#[utoipa::path(
    post,
    path = "/api/v1/accounts/{id}/revoke",
    tag = "accounts",
    operation_id = "accounts_revoke",
    summary = "End every session of an account and disable it",
    description = "By whoever may invite to the account's role on its unit (a province administrator in its \
                   province; a commune official for the collaborators of its hamlets and the viewers of its \
                   commune). The account cannot sign in again (`account_disabled`) until it is restored with \
                   `POST /accounts/{id}/restore`. Nobody revokes their own account.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "How many live sessions were ended", body = RevokedSessions),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller manages nobody, or may not manage this account (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such account where the caller may read, whether it exists elsewhere or not at all (`not_found`)", body = ErrorBody),
        (status = 422, description = "The caller's own account (`own_account`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn accounts_revoke(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<RevokedSessions>, ApiError> {
    let target = managed_account(&state, &current, &id)?;
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
    description = "By whoever may revoke it. The account's old sessions stay ended; the officer signs in \
                   afresh. Restoring an account that is not disabled changes nothing.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The account's id")),
    responses(
        (status = 200, description = "The account, no longer disabled", body = Account),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller manages nobody, or may not manage this account (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such account where the caller may read, whether it exists elsewhere or not at all (`not_found`)", body = ErrorBody),
        (status = 422, description = "The caller's own account (`own_account`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn accounts_restore(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Account>, ApiError> {
    let target = managed_account(&state, &current, &id)?;
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
