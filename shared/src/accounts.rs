//! Accounts, roles and scopes as pure rules and wire types: which role may read, write,
//! review or administer, which roles an account may invite, what a username and a new
//! password must look like, and the shapes of login and invitations. The server hashes,
//! stores and checks; the browser app uses the same rules to explain a refusal before
//! it sends anything.
//!
//! An account is scoped to one unit (`province:01:2025`, `commune:00004:2025`,
//! `hamlet:<id>`) and acts only on that unit and what lies under it; whether one unit
//! lies under another is the caller's question to answer (it needs the hierarchy).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::units::UnitKind;

/// What an account does in the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Role {
    /// Cộng tác viên thôn: enters evaluations for one hamlet.
    Collaborator,
    /// Cán bộ xã: enters and consolidates for a commune.
    CommuneOfficer,
    /// Lãnh đạo xã phê duyệt: also reviews and approves the commune's results.
    CommuneApprover,
    /// Quản trị tỉnh: everything in a province, including inviting officers.
    ProvinceAdmin,
    /// Chỉ xem: reads a unit and what lies under it, changes nothing.
    Viewer,
}

/// What a request does to a unit's data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Action {
    /// Xem
    Read,
    /// Nhập, sửa
    Write,
    /// Phê duyệt
    Review,
    /// Quản trị: invite officers, list and revoke accounts.
    Administer,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::Collaborator, Role::CommuneOfficer, Role::CommuneApprover, Role::ProvinceAdmin, Role::Viewer];

    /// The name used on the wire and on the command line (`province_admin`).
    pub fn key(self) -> &'static str {
        match self {
            Role::Collaborator => "collaborator",
            Role::CommuneOfficer => "commune_officer",
            Role::CommuneApprover => "commune_approver",
            Role::ProvinceAdmin => "province_admin",
            Role::Viewer => "viewer",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.key() == key)
    }

    /// The Vietnamese title shown to people.
    pub fn title(self) -> &'static str {
        match self {
            Role::Collaborator => "Cộng tác viên thôn",
            Role::CommuneOfficer => "Cán bộ xã",
            Role::CommuneApprover => "Lãnh đạo xã phê duyệt",
            Role::ProvinceAdmin => "Quản trị tỉnh",
            Role::Viewer => "Chỉ xem",
        }
    }

    /// Whether the role may take `action` at all; the scope (which units) is checked
    /// separately.
    pub fn allows(self, action: Action) -> bool {
        match self {
            Role::Collaborator | Role::CommuneOfficer => matches!(action, Action::Read | Action::Write),
            Role::CommuneApprover => matches!(action, Action::Read | Action::Write | Action::Review),
            Role::ProvinceAdmin => true,
            Role::Viewer => action == Action::Read,
        }
    }

    /// Whether an account with this role may invite someone to `invited`. Only
    /// province administrators invite, and they may invite any role (including another
    /// administrator, so a province is never left with a single key holder).
    pub fn may_invite(self, invited: Role) -> bool {
        match self {
            Role::ProvinceAdmin => Role::ALL.contains(&invited),
            Role::Collaborator | Role::CommuneOfficer | Role::CommuneApprover | Role::Viewer => false,
        }
    }

    /// The kind of unit an account with this role is attached to; `None` when any
    /// kind will do (a viewer may watch a hamlet, a commune or a province).
    pub fn unit_kind(self) -> Option<UnitKind> {
        match self {
            Role::Collaborator => Some(UnitKind::Hamlet),
            Role::CommuneOfficer | Role::CommuneApprover => Some(UnitKind::Commune),
            Role::ProvinceAdmin => Some(UnitKind::Province),
            Role::Viewer => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.title())
    }
}

impl Action {
    pub const ALL: [Action; 4] = [Action::Read, Action::Write, Action::Review, Action::Administer];

    /// The Vietnamese verb, for messages such as "không có quyền phê duyệt".
    pub fn verb(self) -> &'static str {
        match self {
            Action::Read => "xem",
            Action::Write => "nhập, sửa",
            Action::Review => "phê duyệt",
            Action::Administer => "quản trị",
        }
    }
}

/// Usernames are 3–40 characters of `a-z`, `0-9`, `.`, `_` and `-`: easy to type on a
/// phone, and the same for everyone who reads them aloud.
pub const USERNAME_CHARS: std::ops::RangeInclusive<usize> = 3..=40;
/// The shortest password accepted, in characters.
pub const MIN_PASSWORD_CHARS: usize = 10;
/// The longest password accepted, in bytes; hashing an unbounded input would let one
/// request occupy the server.
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// One reason a username or a new password is refused. Every problem is reported at
/// once, so the form can show them all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CredentialProblem {
    #[error("Tên đăng nhập phải dài từ 3 đến 40 ký tự")]
    UsernameLength,
    #[error("Tên đăng nhập chỉ gồm chữ thường không dấu (a–z), chữ số và các dấu . _ -")]
    UsernameCharacters,
    #[error("Mật khẩu phải có ít nhất 10 ký tự")]
    PasswordTooShort,
    #[error("Mật khẩu dài quá 1024 byte")]
    PasswordTooLong,
    #[error("Mật khẩu không được trùng với tên đăng nhập")]
    PasswordIsUsername,
}

impl CredentialProblem {
    /// A stable, machine-readable code.
    pub fn code(&self) -> &'static str {
        match self {
            CredentialProblem::UsernameLength => "username_length",
            CredentialProblem::UsernameCharacters => "username_characters",
            CredentialProblem::PasswordTooShort => "password_too_short",
            CredentialProblem::PasswordTooLong => "password_too_long",
            CredentialProblem::PasswordIsUsername => "password_is_username",
        }
    }
}

/// The problems with a username, empty when it is acceptable.
pub fn check_username(username: &str) -> Vec<CredentialProblem> {
    let mut problems = Vec::new();
    if !USERNAME_CHARS.contains(&username.chars().count()) {
        problems.push(CredentialProblem::UsernameLength);
    }
    if !username.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')) {
        problems.push(CredentialProblem::UsernameCharacters);
    }
    problems
}

/// The problems with a new account's username and password, empty when both are
/// acceptable. A password equal to the username (in any letter case) is refused.
pub fn check_new_credentials(username: &str, password: &str) -> Vec<CredentialProblem> {
    let mut problems = check_username(username);
    if password.chars().count() < MIN_PASSWORD_CHARS {
        problems.push(CredentialProblem::PasswordTooShort);
    }
    if password.len() > MAX_PASSWORD_BYTES {
        problems.push(CredentialProblem::PasswordTooLong);
    }
    if password.to_lowercase() == username.to_lowercase() {
        problems.push(CredentialProblem::PasswordIsUsername);
    }
    problems
}

/// An account as the API shows it: never its password hash.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Account {
    pub id: String,
    pub username: String,
    /// The name people know the officer by (`Nguyễn Thị Lan`).
    pub display_name: String,
    pub role: Role,
    /// The unit the account acts on, with everything under it.
    pub unit: String,
    /// Revoked by an administrator: the account cannot sign in, and its sessions are
    /// refused, until a province administrator restores it. Absent in records stored
    /// before accounts could be disabled, which are not.
    #[serde(default)]
    pub disabled: bool,
}

/// `POST /auth/login`.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginRequest {
    pub username: String,
    pub password: String,
}

/// What a successful login or an accepted invitation returns. The token goes in an
/// `Authorization: Bearer` header and stops working at `expires_at_ms` or when revoked.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LoginResponse {
    pub token: String,
    /// Milliseconds since the Unix epoch.
    pub expires_at_ms: i64,
    pub account: Account,
}

/// `POST /invitations`: an administrator invites someone to a role on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateInvitation {
    pub role: Role,
    pub unit: String,
    pub display_name: String,
    /// How long the link works; the server's default (72 hours) when absent.
    #[serde(default)]
    pub valid_hours: Option<u32>,
}

/// A created invitation. The token is shown once, inside `link`; the server keeps
/// only its hash.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Invitation {
    pub token: String,
    pub link: String,
    pub role: Role,
    pub unit: String,
    pub expires_at_ms: i64,
}

/// `GET /invitations/{token}`: enough for the acceptance page to say who is invited
/// to what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitationPreview {
    pub role: Role,
    pub unit: String,
    /// The unit's full name, when the server knows it (`Xã Cửu An`).
    pub unit_name: Option<String>,
    pub display_name: String,
    pub expires_at_ms: i64,
}

/// `POST /invitations/{token}/accept`: the invitee chooses a username and a password.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptInvitation {
    pub username: String,
    pub password: String,
}

/// `POST /accounts/{id}/revoke`: how many live sessions were ended (the account is
/// disabled too, until `POST /accounts/{id}/restore`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RevokedSessions {
    pub revoked: usize,
}

/// `GET /units/{id}/permissions`: what the caller may do on a unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UnitPermissions {
    pub unit: String,
    pub actions: Vec<Action>,
}

// Secrets never reach a log through `{:?}`.

impl fmt::Debug for LoginRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginRequest").field("username", &self.username).finish_non_exhaustive()
    }
}

impl fmt::Debug for AcceptInvitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AcceptInvitation").field("username", &self.username).finish_non_exhaustive()
    }
}

impl fmt::Debug for LoginResponse {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoginResponse")
            .field("expires_at_ms", &self.expires_at_ms)
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for Invitation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Invitation")
            .field("role", &self.role)
            .field("unit", &self.unit)
            .field("expires_at_ms", &self.expires_at_ms)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    //! The permission table and the credential rules, stated as data.

    use super::{check_new_credentials, Action, CredentialProblem, Role};

    #[test]
    fn each_role_allows_exactly_its_actions() {
        let table = [
            (Role::Collaborator, "RW.."),
            (Role::CommuneOfficer, "RW.."),
            (Role::CommuneApprover, "RWV."),
            (Role::ProvinceAdmin, "RWVA"),
            (Role::Viewer, "R..."),
        ];
        for (role, expected) in table {
            let actual: String =
                [(Action::Read, 'R'), (Action::Write, 'W'), (Action::Review, 'V'), (Action::Administer, 'A')]
                    .into_iter()
                    .map(|(action, letter)| if role.allows(action) { letter } else { '.' })
                    .collect();
            assert_eq!(actual, expected, "{role:?}");
            assert_eq!(Role::from_key(role.key()), Some(role));
            assert_eq!(serde_json::to_value(role).ok(), Some(serde_json::Value::from(role.key())));
        }
    }

    #[test]
    fn only_administrators_invite() {
        for inviter in Role::ALL {
            for invited in Role::ALL {
                assert_eq!(inviter.may_invite(invited), inviter == Role::ProvinceAdmin, "{inviter:?} → {invited:?}");
            }
        }
    }

    #[test]
    fn credentials_report_every_problem() {
        use CredentialProblem::*;
        let cases: [(&str, &str, &[CredentialProblem]); 7] = [
            ("lan.nguyen", "mot-mat-khau-dai", &[]),
            ("lan_2", "đủ mười ký tự á", &[]),
            ("ab", "mot-mat-khau-dai", &[UsernameLength]),
            ("Lan Nguyen", "mot-mat-khau-dai", &[UsernameCharacters]),
            ("lan", "ngan", &[PasswordTooShort]),
            ("lan.nguyen.1", "LAN.NGUYEN.1", &[PasswordIsUsername]),
            ("Đ", "Đ", &[UsernameLength, UsernameCharacters, PasswordTooShort, PasswordIsUsername]),
        ];
        for (username, password, expected) in cases {
            assert_eq!(check_new_credentials(username, password), expected, "{username:?} / {password:?}");
        }
        assert_eq!(check_new_credentials("lan", &"x".repeat(1025)), [PasswordTooLong]);
    }
}
