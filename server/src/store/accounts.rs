//! Accounts, sessions, invitations and failed logins as stored (JSON values; none of it
//! is derived from the log, so a backup copies every keyspace here as it is, except
//! `login_failures`; see [`crate::auth`] for what they mean):
//!
//! - `accounts`: account id → the [`AccountRecord`] (with the password hash);
//! - `usernames`: username → account id; `insert_new` here is what makes usernames
//!   unique ([`claim_username`]);
//! - `sessions`: SHA-256 of a session token → the [`SessionRecord`];
//! - `account_sessions`: account id, zero byte, session key → ∅: an account's
//!   sessions, for revocation;
//! - `invitations`: SHA-256 of an invitation's first token → the [`InvitationRecord`]
//!   (kept after use);
//! - `invitation_claims`: invitation key → the account that used it; `insert_new` here
//!   is what makes an invitation single-use ([`claim_invitation`]);
//! - `unit_invitations`: unit, zero byte, i64::MAX − created ms (big-endian),
//!   invitation key → ∅: the invitations on a unit and on every unit under it (one
//!   entry per level), newest first, for the staff page;
//! - `invitation_tokens`: SHA-256 of the token of an invitation sent again → the
//!   invitation's key (its first token's hash, which stays its id);
//! - `login_failures`: username → its [`LoginFailures`];
//! - `meta/unit_invitations_indexed`: set once the invitations stored before
//!   `unit_invitations` existed are indexed.

use hoctap_shared::accounts::{Account, Role};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{for_each, log, Store, StoreError, Write};
use crate::hex::to_hex;

/// Accounts by id (JSON, with the password hash).
pub const ACCOUNTS: &str = "accounts";
/// Username → account id.
pub const USERNAMES: &str = "usernames";
/// SHA-256 of a session token → the session.
pub const SESSIONS: &str = "sessions";
/// `account id \0 session key` → nothing: an account's sessions, for revocation.
pub const ACCOUNT_SESSIONS: &str = "account_sessions";
/// SHA-256 of an invitation token → the invitation (kept after use).
pub const INVITATIONS: &str = "invitations";
/// SHA-256 of an invitation token → the account that used it.
pub const INVITATION_CLAIMS: &str = "invitation_claims";
/// Username → its consecutive failed logins.
pub const LOGIN_FAILURES: &str = "login_failures";
/// `unit \0 (i64::MAX − created ms, big-endian) invitation key` → nothing.
pub const UNIT_INVITATIONS: &str = "unit_invitations";
/// SHA-256 of the token of an invitation sent again → the invitation's key.
pub const INVITATION_TOKENS: &str = "invitation_tokens";
/// Marks in `meta` that invitations stored before [`UNIT_INVITATIONS`] existed are
/// indexed.
const INVITATIONS_INDEXED: &[u8] = b"unit_invitations_indexed";

/// Every keyspace this module writes, for tests that check a refused request changed
/// nothing.
pub const KEYSPACES: [&str; 9] = [
    ACCOUNTS,
    USERNAMES,
    SESSIONS,
    ACCOUNT_SESSIONS,
    INVITATIONS,
    INVITATION_CLAIMS,
    LOGIN_FAILURES,
    UNIT_INVITATIONS,
    INVITATION_TOKENS,
];

/// An account as stored: the public part and the argon2id hash of its password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountRecord {
    pub account: Account,
    pub password_hash: String,
    pub created_at_ms: i64,
    /// The account that sent the invitation; `None` for one made on the command line.
    pub invited_by: Option<String>,
}

/// A session, stored under the SHA-256 of its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionRecord {
    pub account_id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub revoked: bool,
    /// The app's device id, for a device session (absent in older records and in
    /// short sessions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_label: Option<String>,
    /// When the session was last used, updated at most once an hour; absent until the
    /// first such update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_seen_ms: Option<i64>,
}

impl SessionRecord {
    pub fn is_live(&self, now_ms: i64) -> bool {
        !self.revoked && now_ms < self.expires_at_ms
    }

    pub fn last_seen(&self) -> i64 {
        self.last_seen_ms.unwrap_or(self.created_at_ms)
    }
}

/// An invitation, stored under the SHA-256 of its token. Kept after use, as the
/// record of who invited whom.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct InvitationRecord {
    pub role: Role,
    pub unit: String,
    pub display_name: String,
    /// The inviting account; `None` for one made on the command line.
    pub created_by: Option<String>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    /// The account created with it, once used.
    pub used_by: Option<String>,
    /// Hex of the SHA-256 of the token that works now, once the invitation was sent
    /// again; absent, the token is the one whose hash is the invitation's key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token_key: Option<String>,
    /// When it was revoked, and by which account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_by: Option<String>,
}

/// The consecutive failed logins of one username.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LoginFailures {
    pub count: u32,
    pub last_ms: i64,
}

/// JSON of a stored record. The records are plain structs of strings and numbers,
/// which always serialize.
fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain records always serialize")
}

/// Reads and decodes one record; a value that does not decode is reported as corrupt.
fn read<T: DeserializeOwned>(store: &dyn Store, keyspace: &str, key: &[u8]) -> Result<Option<T>, StoreError> {
    store.get(keyspace, key)?.map(|bytes| super::from_json(&bytes, keyspace, key)).transpose()
}

/// `first \0` then `tail`: ids and units hold no zero byte, so `first\0` is an exact
/// prefix.
fn prefixed(first: &str, tail: &[u8]) -> Vec<u8> {
    super::joined(first, tail)
}

// Accounts.

/// The account with this id.
pub fn account(store: &dyn Store, id: &str) -> Result<Option<AccountRecord>, StoreError> {
    read(store, ACCOUNTS, id.as_bytes())
}

/// The account with this username.
pub fn account_by_username(store: &dyn Store, username: &str) -> Result<Option<AccountRecord>, StoreError> {
    match store.get(USERNAMES, username.as_bytes())? {
        Some(id) => account(store, &String::from_utf8_lossy(&id)),
        None => Ok(None),
    }
}

/// Every account, in id order.
pub fn all_accounts(store: &dyn Store) -> Result<Vec<AccountRecord>, StoreError> {
    store
        .scan(ACCOUNTS, b"", None, usize::MAX)?
        .into_iter()
        .map(|(key, bytes)| {
            serde_json::from_slice(&bytes)
                .map_err(|_| StoreError::Corrupt { key: format!("{ACCOUNTS}/{}", String::from_utf8_lossy(&key)) })
        })
        .collect()
}

/// Whether any account exists.
pub fn has_accounts(store: &dyn Store) -> Result<bool, StoreError> {
    Ok(!store.scan(ACCOUNTS, b"", None, 1)?.is_empty())
}

/// The write that stores the account `id`.
pub fn put_account(id: &str, record: &AccountRecord) -> Write {
    Write::Put { keyspace: ACCOUNTS, key: id.as_bytes().to_vec(), value: to_json(record) }
}

/// Stores the account `id` (not flushed).
pub fn save_account(store: &dyn Store, id: &str, record: &AccountRecord) -> Result<(), StoreError> {
    store.put(ACCOUNTS, id.as_bytes(), &to_json(record))
}

/// Takes `username` for the account `id`; `false` when it is already taken.
pub fn claim_username(store: &dyn Store, username: &str, id: &str) -> Result<bool, StoreError> {
    store.insert_new(USERNAMES, username.as_bytes(), id.as_bytes())
}

/// Gives `username` up again.
pub fn release_username(store: &dyn Store, username: &str) -> Result<(), StoreError> {
    store.remove(USERNAMES, username.as_bytes())
}

// Sessions.

/// The session stored under `key` (the SHA-256 of its token), live or not.
pub fn session(store: &dyn Store, key: &[u8]) -> Result<Option<SessionRecord>, StoreError> {
    read(store, SESSIONS, key)
}

/// The write that stores the session `key`.
pub fn put_session(key: &[u8], session: &SessionRecord) -> Write {
    Write::Put { keyspace: SESSIONS, key: key.to_vec(), value: to_json(session) }
}

/// Stores the session `key` (not flushed).
pub fn save_session(store: &dyn Store, key: &[u8], session: &SessionRecord) -> Result<(), StoreError> {
    store.put(SESSIONS, key, &to_json(session))
}

/// The write that drops the session `key`.
pub fn remove_session(key: &[u8]) -> Write {
    Write::Remove { keyspace: SESSIONS, key: key.to_vec() }
}

/// The write that lists the session `key` among the account's.
pub fn index_session(account_id: &str, key: &[u8]) -> Write {
    Write::Put { keyspace: ACCOUNT_SESSIONS, key: prefixed(account_id, key), value: Vec::new() }
}

/// The write that takes the session `key` off the account's list.
pub fn unindex_session(account_id: &str, key: &[u8]) -> Write {
    Write::Remove { keyspace: ACCOUNT_SESSIONS, key: prefixed(account_id, key) }
}

/// The keys of the sessions listed for an account, in key order.
pub fn sessions_of(store: &dyn Store, account_id: &str) -> Result<Vec<Vec<u8>>, StoreError> {
    let prefix = prefixed(account_id, b"");
    Ok(store
        .scan(ACCOUNT_SESSIONS, &prefix, None, usize::MAX)?
        .into_iter()
        .map(|(entry, _)| entry[prefix.len()..].to_vec())
        .collect())
}

// Invitations.

/// The invitation stored under `key`, whatever its state.
pub fn invitation(store: &dyn Store, key: &[u8]) -> Result<Option<InvitationRecord>, StoreError> {
    read(store, INVITATIONS, key)
}

/// The write that stores the invitation `key`.
pub fn put_invitation(key: &[u8], record: &InvitationRecord) -> Write {
    Write::Put { keyspace: INVITATIONS, key: key.to_vec(), value: to_json(record) }
}

/// Stores the invitation `key` (not flushed).
pub fn save_invitation(store: &dyn Store, key: &[u8], record: &InvitationRecord) -> Result<(), StoreError> {
    store.put(INVITATIONS, key, &to_json(record))
}

/// Every invitation with its key, in key order, read in pages.
pub fn for_each_invitation(
    store: &dyn Store,
    mut each: impl FnMut(&[u8], InvitationRecord) -> Result<(), StoreError>,
) -> Result<(), StoreError> {
    for_each(store, INVITATIONS, b"", |key, bytes| {
        let record: InvitationRecord = serde_json::from_slice(bytes)
            .map_err(|_| StoreError::Corrupt { key: format!("{INVITATIONS}/{}", to_hex(key)) })?;
        each(key, record)
    })
}

/// Marks the invitation `key` used by the account `account_id`; `false` when it was
/// already used.
pub fn claim_invitation(store: &dyn Store, key: &[u8], account_id: &str) -> Result<bool, StoreError> {
    store.insert_new(INVITATION_CLAIMS, key, account_id.as_bytes())
}

/// The key of the invitation whose latest sending has the token hash `token_key`.
pub fn invitation_of_token(store: &dyn Store, token_key: &[u8]) -> Result<Option<[u8; 32]>, StoreError> {
    Ok(store.get(INVITATION_TOKENS, token_key)?.and_then(|id| <[u8; 32]>::try_from(id).ok()))
}

/// The write that leads the token hash `token_key` to the invitation `key`.
pub fn put_invitation_token(token_key: &[u8], key: &[u8]) -> Write {
    Write::Put { keyspace: INVITATION_TOKENS, key: token_key.to_vec(), value: key.to_vec() }
}

/// The write that forgets the token hash `token_key`.
pub fn remove_invitation_token(token_key: Vec<u8>) -> Write {
    Write::Remove { keyspace: INVITATION_TOKENS, key: token_key }
}

/// The write that indexes the invitation `key`, created at `created_at_ms`, under
/// `unit`.
pub fn index_invitation(unit: &str, created_at_ms: i64, key: &[u8]) -> Write {
    let mut entry = prefixed(unit, b"");
    // Newest first: the key sorts by the time left until the end of time.
    entry.extend_from_slice(&i64::MAX.saturating_sub(created_at_ms.max(0)).to_be_bytes());
    entry.extend_from_slice(key);
    Write::Put { keyspace: UNIT_INVITATIONS, key: entry, value: Vec::new() }
}

/// The keys of the newest invitations (at most `limit`) indexed under `unit`.
pub fn invitations_under(store: &dyn Store, unit: &str, limit: usize) -> Result<Vec<[u8; 32]>, StoreError> {
    let prefix = prefixed(unit, b"");
    Ok(store
        .scan(UNIT_INVITATIONS, &prefix, None, limit)?
        .into_iter()
        .filter_map(|(entry, _)| {
            entry.len().checked_sub(32).and_then(|start| <[u8; 32]>::try_from(&entry[start..]).ok())
        })
        .collect())
}

/// Whether the invitations stored before [`UNIT_INVITATIONS`] existed are indexed.
pub fn invitations_indexed(store: &dyn Store) -> Result<bool, StoreError> {
    log::marked(store, INVITATIONS_INDEXED)
}

/// The write that marks them indexed.
pub fn put_invitations_indexed() -> Write {
    log::put_mark(INVITATIONS_INDEXED)
}

// Failed logins.

/// The failed logins counted for `username`.
pub fn login_failures(store: &dyn Store, username: &str) -> Result<Option<LoginFailures>, StoreError> {
    let Some(bytes) = store.get(LOGIN_FAILURES, username.as_bytes())? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes)
        .map(Some)
        .map_err(|_| StoreError::Corrupt { key: format!("{LOGIN_FAILURES}/{username}") })
}

/// Stores the failed logins counted for `username` (not flushed).
pub fn put_login_failures(store: &dyn Store, username: &str, failures: &LoginFailures) -> Result<(), StoreError> {
    store.put(LOGIN_FAILURES, username.as_bytes(), &to_json(failures))
}

/// Forgets the failed logins of `username`.
pub fn clear_login_failures(store: &dyn Store, username: &str) -> Result<(), StoreError> {
    store.remove(LOGIN_FAILURES, username.as_bytes())
}
