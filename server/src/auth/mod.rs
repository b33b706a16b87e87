//! Who is calling and what they may do. Accounts are created only through invitations
//! (the first one from the command line), with argon2id password hashes; logins give
//! bearer sessions that expire and can be revoked; repeated failed logins are slowed;
//! and [`CurrentAccount::require`] checks every action against the account's role and
//! the unit it is scoped to.
//!
//! Secrets are stored only as hashes: passwords as argon2id PHC strings, session and
//! invitation tokens as the SHA-256 of the 32 random bytes handed out, so a copy of the
//! data directory holds no working credential. Time comes from [`crate::clock::Clock`],
//! so tests move it instead of sleeping.

mod invitations;
mod login;
mod records;
mod secret;
mod session;
mod throttle;

pub use invitations::create_invitation;
pub(crate) use invitations::{accept as accept_invitation, preview as preview_invitation};
pub(crate) use login::login;
pub use session::CurrentAccount;
pub(crate) use session::{restore as restore_account, revoke_all as revoke_account};
pub use throttle::LoginGate;

use hoctap_shared::accounts::Account;

use crate::store::{Store, StoreError};
use crate::{ApiError, AppState};

/// Accounts by id (JSON, with the password hash).
pub const ACCOUNTS: &str = "accounts";
/// Username → account id; `insert_new` here is what makes usernames unique.
pub const USERNAMES: &str = "usernames";
/// SHA-256 of a session token → the session.
pub const SESSIONS: &str = "sessions";
/// `account id \0 session key` → nothing: an account's sessions, for revocation.
pub const ACCOUNT_SESSIONS: &str = "account_sessions";
/// SHA-256 of an invitation token → the invitation (kept after use).
pub const INVITATIONS: &str = "invitations";
/// SHA-256 of an invitation token → the account that used it; `insert_new` here is
/// what makes an invitation single-use.
pub const INVITATION_CLAIMS: &str = "invitation_claims";
/// Username → its consecutive failed logins.
pub const LOGIN_FAILURES: &str = "login_failures";

/// Every keyspace this module writes, for tests that check a refused request changed
/// nothing.
pub const KEYSPACES: [&str; 7] =
    [ACCOUNTS, USERNAMES, SESSIONS, ACCOUNT_SESSIONS, INVITATIONS, INVITATION_CLAIMS, LOGIN_FAILURES];

const HOUR_MS: i64 = 60 * 60 * 1000;

/// How long sessions and invitations last, and the address put in invitation links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    pub session_ttl_ms: i64,
    /// Used when an invitation does not say how long it is valid.
    pub invitation_ttl_ms: i64,
    /// The server's public address (`https://hoctap.example.vn`); links are relative
    /// (`/#moi/…`, the web app's invitation page) when empty.
    pub public_url: String,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig { session_ttl_ms: 12 * HOUR_MS, invitation_ttl_ms: 72 * HOUR_MS, public_url: String::new() }
    }
}

/// Whether any account exists (a new data directory has none: the first
/// administrator is invited from the command line).
pub fn has_accounts(store: &dyn Store) -> Result<bool, StoreError> {
    Ok(!store.scan(ACCOUNTS, b"", None, 1)?.is_empty())
}

/// The account with this id.
pub(crate) fn account(state: &AppState, id: &str) -> Result<Option<Account>, ApiError> {
    Ok(records::account(state.store.as_ref(), id)?.map(|record| record.account))
}

/// The accounts scoped to `unit` or to a unit under it, by username.
pub(crate) fn accounts_under(state: &AppState, unit: &str) -> Result<Vec<Account>, ApiError> {
    let mut found = Vec::new();
    for record in records::all_accounts(state.store.as_ref())? {
        if state.unit_covers(unit, &record.account.unit)? {
            found.push(record.account);
        }
    }
    found.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(found)
}
