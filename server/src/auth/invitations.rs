//! Invitations: an administrator or a commune official (or the `hoctap admin invite`
//! command, for the first administrator) names a role, a unit and a person; the link
//! works once, until it expires, is revoked or is replaced by sending it again; the
//! invitee chooses a username and a password, and gets an account and a session.
//!
//! An invitation is stored under the SHA-256 of its first token, whose hex is its public
//! id. Sent again, it keeps that key and id and records the new token's hash, which
//! leads back to it; the old token then finds nothing. Each invitation is indexed under
//! its unit and every unit above it, newest first, so a staff page lists its
//! invitations with one prefix scan (the layout is in [`crate::store::accounts`]).

use hoctap_shared::accounts::{
    check_new_credentials, AcceptInvitation, Account, CreateInvitation, Invitation, InvitationPreview, InvitationState,
    LoginResponse, Role,
};

use super::{secret, session, HOUR_MS};
use crate::hex::{from_hex, to_hex};
use crate::store::accounts::{self as stored, AccountRecord, InvitationRecord};
use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

/// The most levels an invitation is indexed under (a hamlet sits three below its
/// province; the bound only stops a broken hierarchy).
const MAX_LEVELS: usize = 16;

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
        token_key: None,
        revoked_at_ms: None,
        revoked_by: None,
    };
    let mut batch = index_writes(state, &token.key, &record)?;
    batch.push(stored::put_invitation(&token.key, &record));
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(answer(state, &token.key, token.hex, &record))
}

/// What a created or resent invitation answers: its id, and its token and link (shown
/// this once).
fn answer(state: &AppState, key: &[u8], token: String, record: &InvitationRecord) -> Invitation {
    let link = format!("{}/#moi/{}", state.auth.public_url.trim_end_matches('/'), token);
    Invitation {
        id: to_hex(key),
        token,
        link,
        role: record.role,
        unit: record.unit.clone(),
        expires_at_ms: record.expires_at_ms,
    }
}

/// The index entries of an invitation: under its unit and every unit above it.
fn index_writes(state: &AppState, key: &[u8], record: &InvitationRecord) -> Result<Vec<Write>, StoreError> {
    let mut writes = Vec::new();
    let mut unit = Some(record.unit.clone());
    while let Some(id) = unit {
        if writes.len() >= MAX_LEVELS {
            break;
        }
        writes.push(stored::index_invitation(&id, record.created_at_ms, key));
        unit = state.parent_of(&id)?;
    }
    Ok(writes)
}

/// Indexes the invitations stored before `unit_invitations` existed, once (a mark in
/// `meta` says it is done); returns how many were indexed. Called when a data directory
/// is opened.
pub fn ensure_index(state: &AppState) -> Result<usize, StoreError> {
    if stored::invitations_indexed(state.store.as_ref())? {
        return Ok(0);
    }
    let mut writes = Vec::new();
    let mut indexed = 0;
    stored::for_each_invitation(state.store.as_ref(), |key, record| {
        writes.extend(index_writes(state, key, &record)?);
        indexed += 1;
        if writes.len() >= 10_000 {
            state.store.apply(&std::mem::take(&mut writes))?;
        }
        Ok(())
    })?;
    writes.push(stored::put_invitations_indexed());
    state.store.apply(&writes)?;
    state.store.flush()?;
    Ok(indexed)
}

/// The newest invitations (at most `limit`) on `unit` and under it, with their keys.
pub(crate) fn under(
    state: &AppState,
    unit: &str,
    limit: usize,
) -> Result<Vec<([u8; 32], InvitationRecord)>, StoreError> {
    let mut found = Vec::new();
    for key in stored::invitations_under(state.store.as_ref(), unit, limit)? {
        if let Some(record) = stored::invitation(state.store.as_ref(), &key)? {
            // The index narrows; the hierarchy as it is now decides.
            if state.unit_covers(unit, &record.unit)? {
                found.push((key, record));
            }
        }
    }
    Ok(found)
}

/// The invitation with public id `id` (hex of its key), whatever its state.
pub(crate) fn find(state: &AppState, id: &str) -> Result<Option<([u8; 32], InvitationRecord)>, ApiError> {
    let Some(key) = from_hex(id).and_then(|raw| <[u8; 32]>::try_from(raw).ok()) else { return Ok(None) };
    Ok(stored::invitation(state.store.as_ref(), &key)?.map(|record| (key, record)))
}

/// Where an invitation stands at `now_ms`. One sent by an account that has since been
/// disabled or removed counts as revoked: its link does not work.
pub(crate) fn state_of(state: &AppState, record: &InvitationRecord, now_ms: i64) -> Result<InvitationState, ApiError> {
    if record.used_by.is_some() {
        return Ok(InvitationState::Accepted);
    }
    if record.revoked_at_ms.is_some() {
        return Ok(InvitationState::Revoked);
    }
    if let Some(inviter) = &record.created_by {
        let inviter = stored::account(state.store.as_ref(), inviter)?;
        if inviter.is_none_or(|inviter| inviter.account.disabled) {
            return Ok(InvitationState::Revoked);
        }
    }
    Ok(if now_ms >= record.expires_at_ms { InvitationState::Expired } else { InvitationState::Pending })
}

/// Sends a pending or expired invitation again: a new token and link, valid for the
/// default period from now, under the same id; the old token stops working at once.
/// An accepted or revoked one is closed (409).
pub(crate) fn resend(state: &AppState, key: &[u8; 32], mut record: InvitationRecord) -> Result<Invitation, ApiError> {
    let now = state.clock.now_ms();
    if !matches!(state_of(state, &record, now)?, InvitationState::Pending | InvitationState::Expired) {
        return Err(ApiError::InvitationClosed);
    }
    let token = secret::new_token()?;
    let mut batch = Vec::new();
    if let Some(old) = record.token_key.as_deref().and_then(from_hex) {
        batch.push(stored::remove_invitation_token(old));
    }
    record.token_key = Some(to_hex(&token.key));
    record.expires_at_ms = now.saturating_add(state.auth.invitation_ttl_ms);
    batch.push(stored::put_invitation_token(&token.key, key));
    batch.push(stored::put_invitation(key, &record));
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(answer(state, key, token.hex, &record))
}

/// Revokes an invitation: its link stops working. Revoking one that is already revoked
/// or was accepted changes nothing.
pub(crate) fn revoke(
    state: &AppState,
    key: &[u8; 32],
    mut record: InvitationRecord,
    by: &Account,
) -> Result<(), ApiError> {
    if record.used_by.is_some() || record.revoked_at_ms.is_some() {
        return Ok(());
    }
    record.revoked_at_ms = Some(state.clock.now_ms());
    record.revoked_by = Some(by.id.clone());
    stored::save_invitation(state.store.as_ref(), key, &record)?;
    state.store.flush()?;
    Ok(())
}

/// The invitation a presented token opens: its first token while it was never sent
/// again, else only the token of its latest sending.
fn by_token(state: &AppState, token: &str) -> Result<Option<([u8; 32], InvitationRecord)>, StoreError> {
    let Some(token_key) = secret::key_of(token) else { return Ok(None) };
    let store = state.store.as_ref();
    if let Some(record) = stored::invitation(store, &token_key)? {
        if record.token_key.is_none() {
            return Ok(Some((token_key, record)));
        }
    }
    let Some(key) = stored::invitation_of_token(store, &token_key)? else {
        return Ok(None);
    };
    let current = to_hex(&token_key);
    Ok(stored::invitation(store, &key)?
        .filter(|record| record.token_key.as_deref() == Some(current.as_str()))
        .map(|record| (key, record)))
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

/// The invitation behind a token, if it can still be accepted: 404 when unknown, used,
/// revoked or replaced by sending it again, or when the account that sent it has since
/// been disabled (a revoked administrator's links must not let it back in); 410 when
/// expired.
fn usable(state: &AppState, token: &str) -> Result<([u8; 32], InvitationRecord), ApiError> {
    let (key, record) = by_token(state, token)?
        .filter(|(_, record)| record.used_by.is_none() && record.revoked_at_ms.is_none())
        .ok_or(ApiError::InvitationNotFound)?;
    if let Some(inviter) = &record.created_by {
        let inviter = stored::account(state.store.as_ref(), inviter)?;
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
    session::check_device(request.device.as_ref())?;
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
    if !stored::claim_username(store, &request.username, &id)? {
        return Err(ApiError::UsernameTaken { username: request.username });
    }
    if !stored::claim_invitation(store, &key, &id)? {
        stored::release_username(store, &request.username)?;
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
    let account_record = AccountRecord {
        account: account.clone(),
        password_hash,
        created_at_ms: now,
        invited_by: record.created_by.clone(),
    };
    record.used_by = Some(id.clone());
    store.apply(&[stored::put_account(&id, &account_record), stored::put_invitation(&key, &record)])?;
    store.flush()?;
    // Flushes the session too before the answer goes out.
    session::start(state, account, request.device)
}
