//! Invitations: an administrator or a commune official (or the `hoctap admin invite`
//! command, for the first administrator) names a role, a unit and a person; the link
//! works once, until it expires, is revoked or is replaced by sending it again; the
//! invitee chooses a username and a password, and gets an account and a session.
//!
//! An invitation is stored under the SHA-256 of its first token, whose hex is its public
//! id. Sent again, it keeps that key and id and records the new token's hash, which
//! [`INVITATION_TOKENS`] leads back to it; the old token then finds nothing. Each
//! invitation is indexed under its unit and every unit above it ([`UNIT_INVITATIONS`]),
//! newest first, so a staff page lists its invitations with one prefix scan.

use hoctap_shared::accounts::{
    check_new_credentials, AcceptInvitation, Account, CreateInvitation, Invitation, InvitationPreview, InvitationState,
    LoginResponse, Role,
};

use super::records::{self, to_json, InvitationRecord};
use super::{
    secret, session, ACCOUNTS, HOUR_MS, INVITATIONS, INVITATION_CLAIMS, INVITATION_TOKENS, UNIT_INVITATIONS, USERNAMES,
};
use crate::hex::{from_hex, to_hex};
use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

/// Marks in `meta` that invitations stored before [`UNIT_INVITATIONS`] existed are
/// indexed.
const INDEXED: &[u8] = b"unit_invitations_indexed";
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
    batch.push(Write::Put { keyspace: INVITATIONS, key: token.key.to_vec(), value: to_json(&record) });
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

/// The index entry of an invitation under one unit.
fn index_key(unit: &str, created_at_ms: i64, key: &[u8]) -> Vec<u8> {
    let mut entry = index_prefix(unit);
    // Newest first: the key sorts by the time left until the end of time.
    entry.extend_from_slice(&i64::MAX.saturating_sub(created_at_ms.max(0)).to_be_bytes());
    entry.extend_from_slice(key);
    entry
}

/// Unit ids hold no zero byte, so `unit\0` is an exact prefix.
fn index_prefix(unit: &str) -> Vec<u8> {
    let mut prefix = unit.as_bytes().to_vec();
    prefix.push(0);
    prefix
}

/// The index entries of an invitation: under its unit and every unit above it.
fn index_writes(state: &AppState, key: &[u8], record: &InvitationRecord) -> Result<Vec<Write>, StoreError> {
    let mut writes = Vec::new();
    let mut unit = Some(record.unit.clone());
    while let Some(id) = unit {
        if writes.len() >= MAX_LEVELS {
            break;
        }
        writes.push(Write::Put {
            keyspace: UNIT_INVITATIONS,
            key: index_key(&id, record.created_at_ms, key),
            value: Vec::new(),
        });
        unit = state.parent_of(&id)?;
    }
    Ok(writes)
}

/// Indexes the invitations stored before [`UNIT_INVITATIONS`] existed, once (a mark in
/// `meta` says it is done); returns how many were indexed. Called when a data directory
/// is opened.
pub fn ensure_index(state: &AppState) -> Result<usize, StoreError> {
    if state.store.get("meta", INDEXED)?.is_some() {
        return Ok(0);
    }
    let mut writes = Vec::new();
    let mut indexed = 0;
    crate::store::for_each(state.store.as_ref(), INVITATIONS, b"", |key, bytes| {
        let record: InvitationRecord = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::Corrupt { key: format!("{INVITATIONS}/{}", to_hex(key)) })?;
        writes.extend(index_writes(state, key, &record)?);
        indexed += 1;
        if writes.len() >= 10_000 {
            state.store.apply(&std::mem::take(&mut writes))?;
        }
        Ok::<(), StoreError>(())
    })?;
    writes.push(Write::Put { keyspace: "meta", key: INDEXED.to_vec(), value: vec![1] });
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
    let prefix = index_prefix(unit);
    let mut found = Vec::new();
    for (entry, _) in state.store.scan(UNIT_INVITATIONS, &prefix, None, limit)? {
        let Some(key) = entry.len().checked_sub(32).and_then(|start| <[u8; 32]>::try_from(&entry[start..]).ok()) else {
            continue;
        };
        if let Some(record) = records::read::<InvitationRecord>(state.store.as_ref(), INVITATIONS, &key)? {
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
    Ok(records::read::<InvitationRecord>(state.store.as_ref(), INVITATIONS, &key)?.map(|record| (key, record)))
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
        let inviter = records::account(state.store.as_ref(), inviter)?;
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
        batch.push(Write::Remove { keyspace: INVITATION_TOKENS, key: old });
    }
    record.token_key = Some(to_hex(&token.key));
    record.expires_at_ms = now.saturating_add(state.auth.invitation_ttl_ms);
    batch.push(Write::Put { keyspace: INVITATION_TOKENS, key: token.key.to_vec(), value: key.to_vec() });
    batch.push(Write::Put { keyspace: INVITATIONS, key: key.to_vec(), value: to_json(&record) });
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
    state.store.put(INVITATIONS, key, &to_json(&record))?;
    state.store.flush()?;
    Ok(())
}

/// The invitation a presented token opens: its first token while it was never sent
/// again, else only the token of its latest sending.
fn by_token(state: &AppState, token: &str) -> Result<Option<([u8; 32], InvitationRecord)>, StoreError> {
    let Some(token_key) = secret::key_of(token) else { return Ok(None) };
    let store = state.store.as_ref();
    if let Some(record) = records::read::<InvitationRecord>(store, INVITATIONS, &token_key)? {
        if record.token_key.is_none() {
            return Ok(Some((token_key, record)));
        }
    }
    let Some(key) = store.get(INVITATION_TOKENS, &token_key)?.and_then(|id| <[u8; 32]>::try_from(id).ok()) else {
        return Ok(None);
    };
    let current = to_hex(&token_key);
    Ok(records::read::<InvitationRecord>(store, INVITATIONS, &key)?
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
    session::start(state, account, request.device)
}
