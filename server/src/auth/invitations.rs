//! Invitations: an administrator (or the `hoctap admin invite` command, for the first
//! one) names a role, a unit and a person; the link works once, until it expires; the
//! invitee chooses a username and a password, and gets an account and a session.

use hoctap_shared::accounts::{
    check_new_credentials, AcceptInvitation, Account, CreateInvitation, Invitation, InvitationPreview, LoginResponse,
    Role,
};

use super::records::{self, to_json, InvitationRecord};
use super::{secret, session, ACCOUNTS, HOUR_MS, INVITATIONS, INVITATION_CLAIMS, USERNAMES};
use crate::store::Write;
use crate::{ApiError, AppState};

/// The longest an invitation may be valid: 30 days.
const MAX_VALID_HOURS: u32 = 30 * 24;
const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// Creates an invitation and returns its token and link (shown once). The caller has
/// already checked that the inviter may invite to this role on this unit; here the
/// request itself is checked: a display name, a validity within 30 days, and a current
/// unit of the kind the role needs.
pub fn create_invitation(
    state: &AppState,
    request: &CreateInvitation,
    created_by: Option<&Account>,
) -> Result<Invitation, ApiError> {
    let display_name = request.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
        return Err(ApiError::BadRequest {
            detail: "tên hiển thị phải có từ 1 đến 100 ký tự".to_string()
        });
    }
    let valid_ms = match request.valid_hours {
        None => state.auth.invitation_ttl_ms,
        Some(hours) if (1..=MAX_VALID_HOURS).contains(&hours) => i64::from(hours) * HOUR_MS,
        Some(_) => {
            return Err(ApiError::BadRequest {
                detail: "thời hạn lời mời phải từ 1 đến 720 giờ".to_string()
            });
        }
    };
    check_unit_fits(state, request.role, &request.unit)?;
    let now = state.clock.now_ms();
    let token = secret::new_token()?;
    let record = InvitationRecord {
        role: request.role,
        unit: request.unit.clone(),
        display_name: display_name.to_string(),
        created_by: created_by.map(|account| account.id.clone()),
        created_at_ms: now,
        expires_at_ms: now.saturating_add(valid_ms),
        used_by: None,
    };
    state.store.put(INVITATIONS, &token.key, &to_json(&record))?;
    state.store.flush()?;
    let link = format!("{}/#moi/{}", state.auth.public_url.trim_end_matches('/'), token.hex);
    Ok(Invitation { token: token.hex, link, role: record.role, unit: record.unit, expires_at_ms: record.expires_at_ms })
}

/// A role belongs on a current unit of its kind: a collaborator on a hamlet, commune
/// officers and approvers on a commune, an administrator on a province; a viewer on
/// any current unit.
fn check_unit_fits(state: &AppState, role: Role, unit: &str) -> Result<(), ApiError> {
    let fits = state
        .unit(unit)?
        .is_some_and(|found| found.valid_to.is_none() && role.unit_kind().is_none_or(|kind| kind == found.kind));
    if fits {
        Ok(())
    } else {
        Err(ApiError::RoleDoesNotFitUnit { role, unit: unit.to_string() })
    }
}

/// The invitation behind a token, if it can still be accepted: 404 when unknown or
/// used, or when the account that sent it has since been disabled (a revoked
/// administrator's links must not let it back in); 410 when expired.
fn usable(state: &AppState, token: &str) -> Result<([u8; 32], InvitationRecord), ApiError> {
    let key = secret::key_of(token).ok_or(ApiError::InvitationNotFound)?;
    let record = records::read::<InvitationRecord>(state.store.as_ref(), INVITATIONS, &key)?
        .filter(|record| record.used_by.is_none())
        .ok_or(ApiError::InvitationNotFound)?;
    if let Some(inviter) = &record.created_by {
        let inviter = records::account(state.store.as_ref(), inviter)?;
        if inviter.is_none_or(|inviter| inviter.account.disabled) {
            return Err(ApiError::InvitationNotFound);
        }
    }
    if state.clock.now_ms() >= record.expires_at_ms {
        return Err(ApiError::InvitationExpired);
    }
    Ok((key, record))
}

/// What the acceptance page shows before the invitee chooses a password.
pub(crate) fn preview(state: &AppState, token: &str) -> Result<InvitationPreview, ApiError> {
    let (_, record) = usable(state, token)?;
    let unit_name = state.unit(&record.unit)?.map(|unit| unit.full_name());
    Ok(InvitationPreview {
        role: record.role,
        unit: record.unit,
        unit_name,
        display_name: record.display_name,
        expires_at_ms: record.expires_at_ms,
    })
}

/// Creates the invited account and starts its first session. A refused username or
/// password leaves the invitation usable; of two acceptances racing, one wins.
pub(crate) async fn accept(
    state: &AppState,
    token: &str,
    request: AcceptInvitation,
) -> Result<LoginResponse, ApiError> {
    let (key, mut record) = usable(state, token)?;
    let problems = check_new_credentials(&request.username, &request.password);
    if !problems.is_empty() {
        return Err(ApiError::CredentialsRefused { problems });
    }
    let password = request.password;
    let password_hash = tokio::task::spawn_blocking(move || secret::hash_password(&password))
        .await
        .map_err(|err| ApiError::Crypto { detail: format!("hashing task: {err}") })??;
    let id = secret::new_id()?;
    let store = state.store.as_ref();
    // The username first: when it is taken the invitation stays usable.
    if !store.insert_new(USERNAMES, request.username.as_bytes(), id.as_bytes())? {
        return Err(ApiError::UsernameTaken { username: request.username });
    }
    if !store.insert_new(INVITATION_CLAIMS, &key, id.as_bytes())? {
        store.remove(USERNAMES, request.username.as_bytes())?;
        return Err(ApiError::InvitationNotFound);
    }
    let now = state.clock.now_ms();
    let account = Account {
        id: id.clone(),
        username: request.username,
        display_name: record.display_name.clone(),
        role: record.role,
        unit: record.unit.clone(),
        disabled: false,
    };
    let stored = records::AccountRecord {
        account: account.clone(),
        password_hash,
        created_at_ms: now,
        invited_by: record.created_by.clone(),
    };
    record.used_by = Some(id.clone());
    store.apply(&[
        Write::Put { keyspace: ACCOUNTS, key: id.into_bytes(), value: to_json(&stored) },
        Write::Put { keyspace: INVITATIONS, key: key.to_vec(), value: to_json(&record) },
    ])?;
    store.flush()?;
    // Flushes the session too before the answer goes out.
    session::start(state, account)
}
