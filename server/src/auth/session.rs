//! Bearer sessions: started by a login or an accepted invitation — for a working day,
//! or for the long device period when the officer keeps the device — and ended by
//! expiry, logout, the revocation of that one session, or the revocation of the
//! account; and [`CurrentAccount`], the extractor that turns an `Authorization: Bearer`
//! header into an account whose every action is checked against its role and its unit,
//! noting at most once an hour when the session was last used.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use std::sync::{Mutex, MutexGuard, PoisonError};

use hoctap_shared::accounts::{Account, Action, DeviceLogin, LoginResponse, SessionView};

use super::{secret, HOUR_MS};
use crate::hex::{from_hex, to_hex};
use crate::store::accounts::{self as stored, SessionRecord};
use crate::store::StoreError;
use crate::{ApiError, AppState};

/// Serialises the writes of session records: each reads a session, changes it and
/// writes it back, and without this a session noted as seen could be written back over
/// its revocation.
#[derive(Debug, Default)]
pub struct SessionLock(Mutex<()>);

impl SessionLock {
    fn hold(&self) -> MutexGuard<'_, ()> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Refuses a device that is not one the server accepts, before anything is checked or
/// stored.
pub(crate) fn check_device(device: Option<&DeviceLogin>) -> Result<(), ApiError> {
    match device {
        Some(device) if !device.is_valid() => Err(ApiError::BadRequest {
            detail: "thiết bị phải có mã 1–100 ký tự A–Z a–z 0–9 . _ : - và tên 1–100 ký tự".to_string(),
        }),
        _ => Ok(()),
    }
}

/// Starts a session for `account` — a device session when `device` is given (the long
/// device period), else a short one — and drops the account's sessions that have ended
/// (so they do not pile up in the store). The session is durable before it is returned:
/// an answer that a crash could take back would sign the officer out again.
pub(crate) fn start(
    state: &AppState,
    account: Account,
    device: Option<DeviceLogin>,
) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now_ms();
    let token = secret::new_token()?;
    let ttl = if device.is_some() { state.auth.device_session_ttl_ms } else { state.auth.session_ttl_ms };
    let session = SessionRecord {
        account_id: account.id.clone(),
        created_at_ms: now,
        expires_at_ms: now.saturating_add(ttl),
        revoked: false,
        device_id: device.as_ref().map(|device| device.id.clone()),
        device_label: device.map(|device| device.label.trim().to_string()),
        last_seen_ms: None,
    };
    let _lock = state.session_lock.hold();
    let mut batch = Vec::new();
    for session_key in sessions_of(state, &account.id)? {
        let ended = stored::session(state.store.as_ref(), &session_key)?.is_none_or(|old| !old.is_live(now));
        if ended {
            batch.push(stored::remove_session(&session_key));
            batch.push(stored::unindex_session(&account.id, &session_key));
        }
    }
    batch.push(stored::put_session(&token.key, &session));
    batch.push(stored::index_session(&account.id, &token.key));
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(LoginResponse {
        token: token.hex,
        expires_at_ms: session.expires_at_ms,
        account,
        session_id: to_hex(&token.key),
    })
}

/// The keys of an account's sessions, as found through the index.
fn sessions_of(state: &AppState, account_id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
    stored::sessions_of(state.store.as_ref(), account_id)
}

/// Disables an account and revokes every live session of it, in one durable batch;
/// returns how many sessions were live. The account stays disabled until
/// [`restore`] (a lost phone, an officer who left).
pub(crate) fn revoke_all(state: &AppState, account_id: &str) -> Result<usize, ApiError> {
    let now = state.clock.now_ms();
    let _lock = state.session_lock.hold();
    let mut batch = Vec::new();
    let mut revoked = 0;
    for session_key in sessions_of(state, account_id)? {
        if let Some(mut session) = stored::session(state.store.as_ref(), &session_key)? {
            if session.is_live(now) {
                session.revoked = true;
                revoked += 1;
                batch.push(stored::put_session(&session_key, &session));
            }
        }
    }
    if let Some(mut record) = stored::account(state.store.as_ref(), account_id)? {
        record.account.disabled = true;
        batch.push(stored::put_account(account_id, &record));
    }
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(revoked)
}

/// Lets a disabled account sign in again, durably; returns the account. Its old
/// sessions stay ended: the officer signs in afresh.
pub(crate) fn restore(state: &AppState, account_id: &str) -> Result<Option<Account>, ApiError> {
    let Some(mut record) = stored::account(state.store.as_ref(), account_id)? else { return Ok(None) };
    if record.account.disabled {
        record.account.disabled = false;
        stored::save_account(state.store.as_ref(), account_id, &record)?;
        state.store.flush()?;
    }
    Ok(Some(record.account))
}

/// The live sessions of an account, most recently used first.
pub(crate) fn live_sessions(state: &AppState, account_id: &str) -> Result<Vec<(Vec<u8>, SessionRecord)>, ApiError> {
    let now = state.clock.now_ms();
    let mut live = Vec::new();
    for session_key in sessions_of(state, account_id)? {
        if let Some(session) = stored::session(state.store.as_ref(), &session_key)? {
            if session.is_live(now) {
                live.push((session_key, session));
            }
        }
    }
    live.sort_by_key(|(key, session)| (std::cmp::Reverse(session.last_seen()), key.clone()));
    Ok(live)
}

/// How many live sessions an account has, and when it last used the app, from the
/// sessions the store still holds (ended ones are dropped at its next sign-in).
pub(crate) fn summary(state: &AppState, account_id: &str) -> Result<(usize, Option<i64>), ApiError> {
    let now = state.clock.now_ms();
    let (mut live, mut seen) = (0, None);
    for session_key in sessions_of(state, account_id)? {
        if let Some(session) = stored::session(state.store.as_ref(), &session_key)? {
            live += usize::from(session.is_live(now));
            seen = seen.max(Some(session.last_seen()));
        }
    }
    Ok((live, seen))
}

/// `GET /accounts/{id}/sessions`: the live sessions of an account, as the API shows
/// them; `current` marks the one with the key `current`.
pub(crate) fn session_views(state: &AppState, account_id: &str, current: &[u8]) -> Result<Vec<SessionView>, ApiError> {
    Ok(live_sessions(state, account_id)?
        .into_iter()
        .map(|(key, session)| SessionView {
            id: to_hex(&key),
            device_label: session.device_label.clone(),
            created_at_ms: session.created_at_ms,
            last_seen_ms: session.last_seen(),
            expires_at_ms: session.expires_at_ms,
            current: key == current,
        })
        .collect())
}

/// The session with public id `id` (hex of its key): its key and its record, live or
/// not; `None` when there is none.
pub(crate) fn find(state: &AppState, id: &str) -> Result<Option<([u8; 32], SessionRecord)>, ApiError> {
    let Some(key) = from_hex(id).and_then(|raw| <[u8; 32]>::try_from(raw).ok()) else { return Ok(None) };
    Ok(stored::session(state.store.as_ref(), &key)?.map(|session| (key, session)))
}

/// Ends one session, durably; the account and its other sessions stay as they are.
pub(crate) fn revoke_one(state: &AppState, key: &[u8]) -> Result<(), ApiError> {
    let store = state.store.as_ref();
    let _lock = state.session_lock.hold();
    if let Some(mut session) = stored::session(store, key)? {
        if !session.revoked {
            session.revoked = true;
            stored::save_session(store, key, &session)?;
            store.flush()?;
        }
    }
    Ok(())
}

/// Notes that the session was used at `now_ms`, when it was last noted an hour or more
/// before: the only write on a request's path, once an hour per session. Not flushed
/// (losing an hour of "last seen" to a crash harms nobody), and a failure is logged,
/// not answered: the request itself did not fail.
fn note_seen(state: &AppState, key: &[u8], now_ms: i64) {
    let store = state.store.as_ref();
    let _lock = state.session_lock.hold();
    let written = stored::session(store, key).and_then(|session| match session {
        Some(mut session) if session.is_live(now_ms) && now_ms - session.last_seen() >= HOUR_MS => {
            session.last_seen_ms = Some(now_ms);
            stored::save_session(store, key, &session)
        }
        _ => Ok(()),
    });
    if let Err(error) = written {
        tracing::warn!(%error, "could not note when a session was last used");
    }
}

/// The account behind the request's bearer token. Extracting it fails with 401 when
/// the token is missing, malformed, unknown, expired or revoked, or its account is
/// gone or disabled.
#[derive(Debug, Clone)]
pub struct CurrentAccount {
    pub account: Account,
    session_key: [u8; 32],
    /// The device the session was signed in on (a device session), with its name.
    device: Option<(String, String)>,
}

impl CurrentAccount {
    /// Whether the account may take `action` on `unit`: its role allows the action and
    /// the unit is its own or lies under it.
    pub fn may(&self, state: &AppState, action: Action, unit: &str) -> Result<bool, StoreError> {
        Ok(self.account.role.allows(action) && state.unit_covers(&self.account.unit, unit)?)
    }

    /// Refuses with 403 unless the account [may](Self::may) take `action` on `unit`.
    pub fn require(&self, state: &AppState, action: Action, unit: &str) -> Result<(), ApiError> {
        if self.may(state, action, unit)? {
            Ok(())
        } else {
            Err(ApiError::Forbidden { action, unit: unit.to_string() })
        }
    }

    /// Ends the session the request was made with, durably.
    pub(crate) fn log_out(&self, state: &AppState) -> Result<(), ApiError> {
        revoke_one(state, &self.session_key)
    }

    /// The device the session was signed in on, `(id, label)`, for a device session.
    pub fn device(&self) -> Option<(&str, &str)> {
        self.device.as_ref().map(|(id, label)| (id.as_str(), label.as_str()))
    }

    /// The key of the session the request was made with.
    pub(crate) fn session_key(&self) -> &[u8] {
        &self.session_key
    }
}

impl FromRequestParts<AppState> for CurrentAccount {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<CurrentAccount, ApiError> {
        let header = parts.headers.get(AUTHORIZATION).and_then(|value| value.to_str().ok()).unwrap_or_default();
        let (scheme, token) = header.trim().split_once(' ').unwrap_or_default();
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(ApiError::Unauthenticated);
        }
        let session_key = secret::key_of(token.trim()).ok_or(ApiError::Unauthenticated)?;
        let store = state.store.as_ref();
        let now = state.clock.now_ms();
        let session = stored::session(store, &session_key)?
            .filter(|session| session.is_live(now))
            .ok_or(ApiError::Unauthenticated)?;
        let record = stored::account(store, &session.account_id)?
            .filter(|record| !record.account.disabled)
            .ok_or(ApiError::Unauthenticated)?;
        if now - session.last_seen() >= HOUR_MS {
            note_seen(state, &session_key, now);
        }
        let device = session.device_id.zip(session.device_label);
        Ok(CurrentAccount { account: record.account, session_key, device })
    }
}
