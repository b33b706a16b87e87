//! FIXME(#15): a copy of the staff page's wire types from `shared/src/accounts.rs` on
//! the `staff-server` branch, until that branch is merged; then these come from
//! `hoctap_shared::accounts`.

use hoctap_shared::accounts::{Account, Role};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvitationState {
    Pending,
    Accepted,
    Expired,
    Revoked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffAccount {
    pub account: Account,
    pub created_at_ms: i64,
    pub invited_by: Option<String>,
    pub live_sessions: usize,
    pub last_seen_ms: Option<i64>,
    pub manageable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffInvitation {
    pub id: String,
    pub role: Role,
    pub unit: String,
    pub unit_name: String,
    pub display_name: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    pub created_by: Option<String>,
    pub state: InvitationState,
    pub accepted_username: Option<String>,
    pub manageable: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitableRole {
    pub role: Role,
    pub unit: String,
    pub unit_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffPage {
    pub unit: String,
    pub unit_name: String,
    pub accounts: Vec<StaffAccount>,
    pub invitations: Vec<StaffInvitation>,
    pub invitable: Vec<InvitableRole>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub id: String,
    pub device_label: Option<String>,
    pub created_at_ms: i64,
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
    pub current: bool,
}

/// A created or resent invitation (`Invitation` with its id).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Invitation {
    pub id: String,
    pub token: String,
    pub link: String,
    pub role: Role,
    pub unit: String,
    pub expires_at_ms: i64,
}
