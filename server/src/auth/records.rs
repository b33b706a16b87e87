//! What authentication keeps in the store, as JSON: accounts (with their password
//! hash), sessions and invitations, and the helpers that read and write them.

use hoctap_shared::accounts::{Account, Role};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{ACCOUNTS, USERNAMES};
use crate::store::{Store, StoreError};

/// An account as stored: the public part and the argon2id hash of its password.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct AccountRecord {
    pub account: Account,
    pub password_hash: String,
    pub created_at_ms: i64,
    /// The account that sent the invitation; `None` for one made on the command line.
    pub invited_by: Option<String>,
}

/// A session, stored under the SHA-256 of its token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct SessionRecord {
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
pub(crate) struct InvitationRecord {
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

/// JSON of a stored record. The records are plain structs of strings and numbers,
/// which always serialize.
pub(crate) fn to_json<T: Serialize>(value: &T) -> Vec<u8> {
    serde_json::to_vec(value).expect("plain records always serialize")
}

/// Reads and decodes one record; a value that does not decode is reported as corrupt.
pub(crate) fn read<T: DeserializeOwned>(
    store: &dyn Store,
    keyspace: &str,
    key: &[u8],
) -> Result<Option<T>, StoreError> {
    match store.get(keyspace, key)? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| StoreError::Corrupt { key: format!("{keyspace}/{}", String::from_utf8_lossy(key)) }),
        None => Ok(None),
    }
}

pub(crate) fn account(store: &dyn Store, id: &str) -> Result<Option<AccountRecord>, StoreError> {
    read(store, ACCOUNTS, id.as_bytes())
}

pub(crate) fn account_by_username(store: &dyn Store, username: &str) -> Result<Option<AccountRecord>, StoreError> {
    match store.get(USERNAMES, username.as_bytes())? {
        Some(id) => account(store, &String::from_utf8_lossy(&id)),
        None => Ok(None),
    }
}

/// Every account, in id order.
pub(crate) fn all_accounts(store: &dyn Store) -> Result<Vec<AccountRecord>, StoreError> {
    store
        .scan(ACCOUNTS, b"", None, usize::MAX)?
        .into_iter()
        .map(|(key, bytes)| {
            serde_json::from_slice(&bytes)
                .map_err(|_| StoreError::Corrupt { key: format!("{ACCOUNTS}/{}", String::from_utf8_lossy(&key)) })
        })
        .collect()
}
