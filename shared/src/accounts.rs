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

/// Where a unit lies, seen from an account's own unit; the server works it out from the
/// hierarchy it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UnitRelation {
    /// The account's own unit.
    Own,
    /// A unit under the account's own (a hamlet of its commune, anything in its
    /// province).
    Under,
    /// Anywhere else.
    Outside,
}

/// Whether an account with role `inviter` may invite someone to `invited` on a unit of
/// kind `kind` lying at `relation` from the inviter's unit — and, by the same rule,
/// manage (list, resend, revoke) such an invitation and disable or restore such an
/// account:
///
/// - a province administrator: any role on any unit of its province (the role must
///   still fit the unit's kind, which is checked apart);
/// - a commune officer or approver: a collaborator on a hamlet of its commune, and a
///   viewer on the commune itself;
/// - everyone else: nobody.
///
/// Nobody manages their own account; that is the caller's check (it needs the ids).
pub fn may_invite(inviter: Role, relation: UnitRelation, invited: Role, kind: UnitKind) -> bool {
    match (inviter, relation) {
        (_, UnitRelation::Outside) => false,
        (Role::ProvinceAdmin, UnitRelation::Own | UnitRelation::Under) => true,
        (Role::CommuneOfficer | Role::CommuneApprover, UnitRelation::Own) => {
            invited == Role::Viewer && kind == UnitKind::Commune
        }
        (Role::CommuneOfficer | Role::CommuneApprover, UnitRelation::Under) => {
            invited == Role::Collaborator && kind == UnitKind::Hamlet
        }
        (Role::Collaborator | Role::Viewer, _) => false,
    }
}

/// Whether an account with this role may invite or manage anyone at all: the roles
/// [`may_invite`] grants something to. Others are refused before anything is looked up.
pub fn invites_anyone(role: Role) -> bool {
    matches!(role, Role::ProvinceAdmin | Role::CommuneOfficer | Role::CommuneApprover)
}

/// The longest device label accepted, in characters.
pub const MAX_DEVICE_LABEL_CHARS: usize = 100;

/// A login on a device the officer keeps: the session lasts the long device period (90
/// days by default) instead of a working day, and is listed with the device's label.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeviceLogin {
    /// The app's device id: 1–100 characters of `A-Z a-z 0-9 . _ : -`.
    pub id: String,
    /// What the officer recognises the device by (`Chrome trên Android`), at most 100
    /// characters.
    pub label: String,
}

impl DeviceLogin {
    /// Whether the server accepts it: an id like every device id, and a label of 1–100
    /// characters.
    pub fn is_valid(&self) -> bool {
        let label = self.label.trim().chars().count();
        crate::protocol::is_valid_id(&self.id) && (1..=MAX_DEVICE_LABEL_CHARS).contains(&label)
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
    /// Set to stay signed in on this device for the long device period; absent, the
    /// session lasts the short one (12 hours by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceLogin>,
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
    /// The session's public id (as in `GET /accounts/{id}/sessions`), never its token.
    /// Empty in sessions a device kept from before it was sent.
    #[serde(default)]
    pub session_id: String,
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
    /// The invitation's public id, kept when it is sent again; never its token.
    pub id: String,
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
    /// As in [`LoginRequest::device`], for the new account's first session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<DeviceLogin>,
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

/// Where an invitation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum InvitationState {
    /// Its link works.
    Pending,
    /// Used: the account exists.
    Accepted,
    /// Its link ran out; it can be sent again.
    Expired,
    /// Revoked, or sent by an account that has since been disabled: its link does not
    /// work.
    Revoked,
}

/// One account on a staff page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffAccount {
    pub account: Account,
    /// The full name of the account's unit, as written in documents (`Thôn Đông Hạ`).
    pub unit_name: String,
    pub created_at_ms: i64,
    /// The display name of the account that invited it; `None` for one invited from
    /// the command line.
    pub invited_by: Option<String>,
    /// Sessions that have neither expired nor been revoked.
    pub live_sessions: usize,
    /// When the account last used the app (to within an hour), if known.
    pub last_seen_ms: Option<i64>,
    /// Whether the caller may disable or restore it.
    pub manageable: bool,
}

/// One invitation on a staff page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffInvitation {
    /// For `POST /invitations/{id}/resend` and `…/revoke`.
    pub id: String,
    pub role: Role,
    pub unit: String,
    pub unit_name: String,
    pub display_name: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    /// The display name of the account that sent it; `None` from the command line.
    pub created_by: Option<String>,
    pub state: InvitationState,
    /// The username chosen with it, once accepted.
    pub accepted_username: Option<String>,
    /// Whether the caller may send it again or revoke it.
    pub manageable: bool,
}

/// A role the caller may invite someone to on a unit, with the unit's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct InvitableRole {
    pub role: Role,
    pub unit: String,
    pub unit_name: String,
}

/// `GET /units/{id}/staff`: who works in a unit and under it, the invitations sent
/// there, and what the caller may invite.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StaffPage {
    pub unit: String,
    pub unit_name: String,
    /// By unit, then display name.
    pub accounts: Vec<StaffAccount>,
    /// Newest first.
    pub invitations: Vec<StaffInvitation>,
    /// The unit itself first, then its hamlets by name.
    pub invitable: Vec<InvitableRole>,
}

/// One live session of an account (`GET /accounts/{id}/sessions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    /// For `POST /sessions/{id}/revoke`; never the token.
    pub id: String,
    /// The device it was signed in on, for a device session.
    pub device_label: Option<String>,
    pub created_at_ms: i64,
    /// When it was last used, to within an hour.
    pub last_seen_ms: i64,
    pub expires_at_ms: i64,
    /// The session this request was made with.
    pub current: bool,
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

    use super::{check_new_credentials, invites_anyone, may_invite, Action, CredentialProblem, Role, UnitRelation};
    use crate::units::UnitKind;

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

    /// Who may invite (and manage) whom, as the table in docs/api.md states it: each
    /// row an inviter, a relation and a unit kind, then the roles granted.
    #[test]
    fn the_invitation_rule_is_its_table() {
        use Role::*;
        use UnitKind::*;
        use UnitRelation::*;
        // `None`: any kind of unit (a province administrator's roles must still fit it,
        // which the server checks apart).
        let table: [(Role, UnitRelation, Option<UnitKind>, &[Role]); 7] = [
            (ProvinceAdmin, Own, None, &Role::ALL),
            (ProvinceAdmin, Under, None, &Role::ALL),
            (CommuneOfficer, Own, Some(Commune), &[Viewer]),
            (CommuneOfficer, Under, Some(Hamlet), &[Collaborator]),
            (CommuneApprover, Own, Some(Commune), &[Viewer]),
            (CommuneApprover, Under, Some(Hamlet), &[Collaborator]),
            (CommuneApprover, Under, Some(Commune), &[]),
        ];
        for inviter in Role::ALL {
            for relation in [Own, Under, Outside] {
                for kind in [Province, District, Commune, Hamlet] {
                    let granted: Vec<Role> =
                        Role::ALL.into_iter().filter(|invited| may_invite(inviter, relation, *invited, kind)).collect();
                    let expected = table
                        .iter()
                        .find(|(r, rel, k, _)| (*r, *rel) == (inviter, relation) && k.is_none_or(|k| k == kind))
                        .map_or(&[][..], |(_, _, _, roles)| *roles);
                    assert_eq!(granted, expected, "{inviter:?} {relation:?} {kind:?}");
                    assert!(granted.is_empty() || invites_anyone(inviter), "{inviter:?}");
                }
            }
        }
        for role in Role::ALL {
            assert_eq!(invites_anyone(role), table.iter().any(|(r, _, _, roles)| *r == role && !roles.is_empty()));
        }
    }

    #[test]
    fn device_logins_are_bounded() {
        let device = |id: &str, label: &str| super::DeviceLogin { id: id.into(), label: label.into() };
        assert!(device("may-1:ab_c.d", "Chrome trên Android").is_valid());
        assert!(!device("", "Chrome").is_valid());
        assert!(!device("may 1", "Chrome").is_valid());
        assert!(!device(&"a".repeat(101), "Chrome").is_valid());
        assert!(!device("may-1", " ").is_valid());
        assert!(device("may-1", &"á".repeat(100)).is_valid());
        assert!(!device("may-1", &"á".repeat(101)).is_valid());
        let old: super::LoginRequest =
            serde_json::from_str(r#"{"username":"lan","password":"mot-mat-khau-dai"}"#).expect("old request");
        assert_eq!(old.device, None);
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
