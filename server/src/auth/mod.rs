//! Who is calling and what they may do. Accounts are created only through invitations
//! (the first one from the command line), with argon2id password hashes; logins give
//! bearer sessions — short ones, or long ones on a device the officer keeps — that
//! expire and can be revoked; repeated failed logins are slowed;
//! [`CurrentAccount::require`] checks every action against the account's role and the
//! unit it is scoped to; and [`may_manage`] applies the rule of who may invite and
//! manage whom (`hoctap_shared::accounts::may_invite`) to the hierarchy the server holds.
//!
//! Secrets are stored only as hashes: passwords as argon2id PHC strings, session and
//! invitation tokens as the SHA-256 of the 32 random bytes handed out, so a copy of the
//! data directory holds no working credential. Time comes from [`crate::clock::Clock`],
//! so tests move it instead of sleeping.

mod invitations;
mod login;
mod secret;
pub(crate) use secret::new_id;
mod session;
mod staff;
mod throttle;

pub(crate) use crate::store::accounts::InvitationRecord;
pub(crate) use invitations::{
    accept as accept_invitation, find as find_invitation, preview as preview_invitation, resend as resend_invitation,
    revoke as revoke_invitation,
};
pub use invitations::{create_invitation, ensure_index};
pub(crate) use login::login;
pub(crate) use session::{
    find as find_session, restore as restore_account, revoke_all as revoke_account, revoke_one as revoke_session,
    session_views,
};
pub use session::{CurrentAccount, SessionLock};
pub(crate) use staff::staff_page;
pub use throttle::LoginGate;

use hoctap_shared::accounts::{self as rules, Account, Role, UnitRelation};

use crate::store::{accounts as stored, Store, StoreError};
use crate::{ApiError, AppState};

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// How long sessions and invitations last, and the address put in invitation links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthConfig {
    /// A session signed in without a device: a working day.
    pub session_ttl_ms: i64,
    /// A session signed in on a device the officer keeps (`device` in the login).
    pub device_session_ttl_ms: i64,
    /// Used when an invitation does not say how long it is valid.
    pub invitation_ttl_ms: i64,
    /// The server's public address (`https://hoctap.example.vn`); links are relative
    /// (`/#moi/…`, the web app's invitation page) when empty.
    pub public_url: String,
}

impl Default for AuthConfig {
    fn default() -> AuthConfig {
        AuthConfig {
            session_ttl_ms: 12 * HOUR_MS,
            device_session_ttl_ms: 90 * DAY_MS,
            invitation_ttl_ms: 72 * HOUR_MS,
            public_url: String::new(),
        }
    }
}

/// Whether any account exists (a new data directory has none: the first
/// administrator is invited from the command line).
pub fn has_accounts(store: &dyn Store) -> Result<bool, StoreError> {
    stored::has_accounts(store)
}

/// The account with this id.
pub(crate) fn account(state: &AppState, id: &str) -> Result<Option<Account>, ApiError> {
    Ok(stored::account(state.store.as_ref(), id)?.map(|record| record.account))
}

/// The accounts scoped to `unit` or to a unit under it, by username.
pub(crate) fn accounts_under(state: &AppState, unit: &str) -> Result<Vec<Account>, ApiError> {
    let mut found = Vec::new();
    for record in stored::all_accounts(state.store.as_ref())? {
        if state.unit_covers(unit, &record.account.unit)? {
            found.push(record.account);
        }
    }
    found.sort_by(|a, b| a.username.cmp(&b.username));
    Ok(found)
}

/// Where `unit` lies seen from `from`: the same unit, under it (as reading rights count,
/// [`AppState::unit_covers`]), or elsewhere.
pub(crate) fn relation(state: &AppState, from: &str, unit: &str) -> Result<UnitRelation, StoreError> {
    Ok(if from == unit {
        UnitRelation::Own
    } else if state.unit_covers(from, unit)? {
        UnitRelation::Under
    } else {
        UnitRelation::Outside
    })
}

/// Whether `caller` may invite someone to `role` on `unit`, and so manage an invitation
/// or an account of that role there (the rule `hoctap_shared::accounts::may_invite`). An
/// unknown unit is nobody's. Whether the role fits the unit is checked apart.
pub(crate) fn may_manage(state: &AppState, caller: &Account, role: Role, unit: &str) -> Result<bool, StoreError> {
    if !rules::invites_anyone(caller.role) {
        return Ok(false);
    }
    let Some(found) = state.unit(unit)? else { return Ok(false) };
    Ok(rules::may_invite(caller.role, relation(state, &caller.unit, unit)?, role, found.kind))
}

/// Whether `caller` may disable, restore or end the sessions of `target`: the rule
/// above, and never its own account.
pub(crate) fn may_manage_account(state: &AppState, caller: &Account, target: &Account) -> Result<bool, StoreError> {
    Ok(caller.id != target.id && may_manage(state, caller, target.role, &target.unit)?)
}
