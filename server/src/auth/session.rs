//! Bearer sessions: started by a login or an accepted invitation, ended by expiry,
//! logout or an administrator's revocation; and [`CurrentAccount`], the extractor that
//! turns an `Authorization: Bearer` header into an account whose every action is
//! checked against its role and its unit.

use axum::extract::FromRequestParts;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use hoctap_shared::accounts::{Account, Action, LoginResponse};

use super::records::{self, to_json, SessionRecord};
use super::{secret, ACCOUNTS, ACCOUNT_SESSIONS, SESSIONS};
use crate::store::{StoreError, Write};
use crate::{ApiError, AppState};

/// The key of a session in the per-account index: the account id, a zero byte, then
/// the session key. Account ids are hex, so the prefix `id\0` is exact.
fn index_key(account_id: &str, session_key: &[u8]) -> Vec<u8> {
    let mut key = index_prefix(account_id);
    key.extend_from_slice(session_key);
    key
}

fn index_prefix(account_id: &str) -> Vec<u8> {
    let mut key = account_id.as_bytes().to_vec();
    key.push(0);
    key
}

/// Starts a session for `account`, and drops the account's sessions that have ended
/// (so they do not pile up in the store). The session is durable before it is returned:
/// an answer that a crash could take back would sign the officer out again.
pub(crate) fn start(state: &AppState, account: Account) -> Result<LoginResponse, ApiError> {
    let now = state.clock.now_ms();
    let token = secret::new_token()?;
    let session = SessionRecord {
        account_id: account.id.clone(),
        created_at_ms: now,
        expires_at_ms: now.saturating_add(state.auth.session_ttl_ms),
        revoked: false,
    };
    let mut batch = Vec::new();
    for entry in sessions_of(state, &account.id)? {
        let ended = records::read::<SessionRecord>(state.store.as_ref(), SESSIONS, &entry.session_key)?
            .is_none_or(|old| !old.is_live(now));
        if ended {
            batch.push(Write::Remove { keyspace: SESSIONS, key: entry.session_key });
            batch.push(Write::Remove { keyspace: ACCOUNT_SESSIONS, key: entry.index_key });
        }
    }
    batch.push(Write::Put { keyspace: SESSIONS, key: token.key.to_vec(), value: to_json(&session) });
    batch.push(Write::Put { keyspace: ACCOUNT_SESSIONS, key: index_key(&account.id, &token.key), value: Vec::new() });
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(LoginResponse { token: token.hex, expires_at_ms: session.expires_at_ms, account })
}

/// One of an account's sessions, as found through the index.
struct IndexEntry {
    index_key: Vec<u8>,
    session_key: Vec<u8>,
}

fn sessions_of(state: &AppState, account_id: &str) -> Result<Vec<IndexEntry>, StoreError> {
    let prefix = index_prefix(account_id);
    Ok(state
        .store
        .scan(ACCOUNT_SESSIONS, &prefix, None, usize::MAX)?
        .into_iter()
        .map(|(index_key, _)| IndexEntry { session_key: index_key[prefix.len()..].to_vec(), index_key })
        .collect())
}

/// Disables an account and revokes every live session of it, in one durable batch;
/// returns how many sessions were live. The account stays disabled until
/// [`restore`] (a lost phone, an officer who left).
pub(crate) fn revoke_all(state: &AppState, account_id: &str) -> Result<usize, ApiError> {
    let now = state.clock.now_ms();
    let mut batch = Vec::new();
    let mut revoked = 0;
    for entry in sessions_of(state, account_id)? {
        if let Some(mut session) = records::read::<SessionRecord>(state.store.as_ref(), SESSIONS, &entry.session_key)? {
            if session.is_live(now) {
                session.revoked = true;
                revoked += 1;
                batch.push(Write::Put { keyspace: SESSIONS, key: entry.session_key, value: to_json(&session) });
            }
        }
    }
    if let Some(mut record) = records::account(state.store.as_ref(), account_id)? {
        record.account.disabled = true;
        batch.push(Write::Put { keyspace: ACCOUNTS, key: account_id.as_bytes().to_vec(), value: to_json(&record) });
    }
    state.store.apply(&batch)?;
    state.store.flush()?;
    Ok(revoked)
}

/// Lets a disabled account sign in again, durably; returns the account. Its old
/// sessions stay ended: the officer signs in afresh.
pub(crate) fn restore(state: &AppState, account_id: &str) -> Result<Option<Account>, ApiError> {
    let Some(mut record) = records::account(state.store.as_ref(), account_id)? else { return Ok(None) };
    if record.account.disabled {
        record.account.disabled = false;
        state.store.put(ACCOUNTS, account_id.as_bytes(), &to_json(&record))?;
        state.store.flush()?;
    }
    Ok(Some(record.account))
}

/// The account behind the request's bearer token. Extracting it fails with 401 when
/// the token is missing, malformed, unknown, expired or revoked, or its account is
/// gone or disabled.
#[derive(Debug, Clone)]
pub struct CurrentAccount {
    pub account: Account,
    session_key: [u8; 32],
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
        let store = state.store.as_ref();
        if let Some(mut session) = records::read::<SessionRecord>(store, SESSIONS, &self.session_key)? {
            session.revoked = true;
            store.put(SESSIONS, &self.session_key, &to_json(&session))?;
            store.flush()?;
        }
        Ok(())
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
        let session = records::read::<SessionRecord>(store, SESSIONS, &session_key)?
            .filter(|session| session.is_live(state.clock.now_ms()))
            .ok_or(ApiError::Unauthenticated)?;
        let record = records::account(store, &session.account_id)?
            .filter(|record| !record.account.disabled)
            .ok_or(ApiError::Unauthenticated)?;
        Ok(CurrentAccount { account: record.account, session_key })
    }
}
