//! The staff page's pure model: what the invitation form offers (only the roles and
//! units the server says the caller may invite to), what it sends, how the page's lists
//! are split, and the words for states and links. No browser call here, so all of it is
//! tested natively; `staff_page.rs` draws it.

use hoctap_shared::accounts::{CreateInvitation, InvitableRole, InvitationState, Role, StaffInvitation, StaffPage};

/// How long a new link may work: the choices offered, in hours, with their words. The
/// server accepts 1 to 720 hours.
pub const VALIDITY_CHOICES: [(u32, &str); 4] =
    [(24, "24 giờ (1 ngày)"), (72, "72 giờ (3 ngày)"), (168, "7 ngày"), (720, "30 ngày")];

/// The validity chosen unless the officer picks another.
pub const DEFAULT_VALIDITY_HOURS: u32 = 72;

/// The longest display name the server accepts, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 100;

/// How many communes a search shows at once.
pub const SEARCH_LIMIT: usize = 12;

/// The roles the caller may invite to, in the server's order, each once.
pub fn role_choices(invitable: &[InvitableRole]) -> Vec<Role> {
    let mut roles: Vec<Role> = Vec::new();
    for choice in invitable {
        if !roles.contains(&choice.role) {
            roles.push(choice.role);
        }
    }
    roles
}

/// The units the caller may invite `role` to (the commune, or its hamlets for a
/// collaborator), in alphabetical order as Vietnamese readers expect it ("Đông" after
/// "Dương" and before "Tây", where the server's byte order puts it last).
pub fn unit_choices(invitable: &[InvitableRole], role: Role) -> Vec<&InvitableRole> {
    let mut units: Vec<(String, &InvitableRole)> = invitable
        .iter()
        .filter(|choice| choice.role == role)
        .map(|choice| (hoctap_shared::text::fold(&choice.unit_name), choice))
        .collect();
    units.sort_by(|(a, _), (b, _)| a.cmp(b));
    units.into_iter().map(|(_, choice)| choice).collect()
}

/// What the invitation form holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InviteForm {
    pub role: Option<Role>,
    pub unit: Option<String>,
    pub display_name: String,
    pub valid_hours: u32,
}

impl InviteForm {
    /// A blank form on the first role offered and its first unit.
    pub fn new(invitable: &[InvitableRole]) -> InviteForm {
        let form =
            InviteForm { role: None, unit: None, display_name: String::new(), valid_hours: DEFAULT_VALIDITY_HOURS };
        match role_choices(invitable).first() {
            Some(role) => form.with_role(invitable, *role),
            None => form,
        }
    }

    /// The form with `role` chosen; the unit stays if the role may be invited there,
    /// else it becomes the first unit offered for the role.
    pub fn with_role(self, invitable: &[InvitableRole], role: Role) -> InviteForm {
        let units = unit_choices(invitable, role);
        let unit = match &self.unit {
            Some(unit) if units.iter().any(|choice| &choice.unit == unit) => Some(unit.clone()),
            _ => units.first().map(|choice| choice.unit.clone()),
        };
        InviteForm { role: Some(role), unit, ..self }
    }

    /// The request to send, or what the officer must fix first (in Vietnamese).
    pub fn request(&self, invitable: &[InvitableRole]) -> Result<CreateInvitation, String> {
        let Some(role) = self.role else { return Err("Hãy chọn vai trò.".to_string()) };
        let Some(unit) = self.unit.clone() else { return Err("Hãy chọn đơn vị.".to_string()) };
        if !invitable.iter().any(|choice| choice.role == role && choice.unit == unit) {
            return Err("Không được mời vai trò này ở đơn vị đã chọn.".to_string());
        }
        let display_name = self.display_name.trim();
        if display_name.is_empty() {
            return Err("Hãy nhập họ tên người được mời.".to_string());
        }
        if display_name.chars().count() > MAX_DISPLAY_NAME_CHARS {
            return Err(format!("Họ tên dài quá {MAX_DISPLAY_NAME_CHARS} ký tự."));
        }
        Ok(CreateInvitation { role, unit, display_name: display_name.to_string(), valid_hours: Some(self.valid_hours) })
    }
}

/// Invitations whose link is out and not used: pending ones, then expired ones (which
/// can be sent again), each newest first as the server lists them.
pub fn waiting(page: &StaffPage) -> Vec<&StaffInvitation> {
    let of = |state: InvitationState| page.invitations.iter().filter(move |i| i.state == state);
    of(InvitationState::Pending).chain(of(InvitationState::Expired)).collect()
}

/// Invitations that became accounts.
pub fn accepted(page: &StaffPage) -> Vec<&StaffInvitation> {
    page.invitations.iter().filter(|i| i.state == InvitationState::Accepted).collect()
}

/// An invitation's state in words.
pub fn state_title(state: InvitationState) -> &'static str {
    match state {
        InvitationState::Pending => "Đang chờ",
        InvitationState::Accepted => "Đã nhận lời",
        InvitationState::Expired => "Đã hết hạn",
        InvitationState::Revoked => "Đã thu hồi",
    }
}

/// The link to show and encode: the server gives a relative one (`/#moi/…`) when it
/// does not know the address people reach it at, and a phone scanning the QR code needs
/// the whole address, so it is completed with the page's own origin.
pub fn absolute_link(link: &str, origin: &str) -> String {
    if link.starts_with("http://") || link.starts_with("https://") {
        link.to_string()
    } else if link.starts_with('/') {
        format!("{}{link}", origin.trim_end_matches('/'))
    } else {
        format!("{}/{link}", origin.trim_end_matches('/'))
    }
}

/// A unit that a search can find (a commune of a province).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Child {
    pub id: String,
    pub full_name: String,
}

/// The first [`SEARCH_LIMIT`] of `children` whose name contains `query`, ignoring
/// case and diacritics ("cuu an" finds "Xã Cửu An"); none for an empty query.
pub fn search<'a>(children: &'a [Child], query: &str) -> Vec<&'a Child> {
    let query = query.trim();
    if query.is_empty() {
        return Vec::new();
    }
    children.iter().filter(|c| hoctap_shared::text::matches(&c.full_name, query)).take(SEARCH_LIMIT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choice(role: Role, unit: &str, name: &str) -> InvitableRole {
        InvitableRole { role, unit: unit.to_string(), unit_name: name.to_string() }
    }

    /// What a commune officer may invite: a viewer on the commune, a collaborator on
    /// each hamlet.
    fn commune_choices() -> Vec<InvitableRole> {
        vec![
            choice(Role::Viewer, "commune:1:2025", "Xã Cửu An"),
            choice(Role::Collaborator, "hamlet:b", "Thôn Tây Thượng"),
            choice(Role::Collaborator, "hamlet:a", "Thôn Đông Hạ"),
        ]
    }

    #[test]
    fn the_form_offers_only_what_the_server_allows() {
        let invitable = commune_choices();
        assert_eq!(role_choices(&invitable), vec![Role::Viewer, Role::Collaborator]);
        let names: Vec<&str> =
            unit_choices(&invitable, Role::Collaborator).iter().map(|c| c.unit_name.as_str()).collect();
        assert_eq!(names, ["Thôn Đông Hạ", "Thôn Tây Thượng"]);
        assert!(unit_choices(&invitable, Role::ProvinceAdmin).is_empty());
        assert!(role_choices(&[]).is_empty());
    }

    #[test]
    fn changing_the_role_keeps_a_unit_that_still_fits() {
        let invitable = commune_choices();
        let form = InviteForm::new(&invitable);
        assert_eq!((form.role, form.unit.as_deref()), (Some(Role::Viewer), Some("commune:1:2025")));
        assert_eq!(form.valid_hours, 72);
        let form = form.with_role(&invitable, Role::Collaborator);
        assert_eq!(form.unit.as_deref(), Some("hamlet:a"));
        let form = InviteForm { unit: Some("hamlet:b".to_string()), ..form }.with_role(&invitable, Role::Collaborator);
        assert_eq!(form.unit.as_deref(), Some("hamlet:b"));
        let empty = InviteForm::new(&[]);
        assert_eq!((empty.role, empty.unit), (None, None));
    }

    #[track_caller]
    fn check_request(form: &InviteForm, expect: Result<(&str, &str), &str>) {
        let got = form.request(&commune_choices());
        match expect {
            Ok((unit, name)) => {
                let request = got.expect("a valid request");
                assert_eq!((request.unit.as_str(), request.display_name.as_str()), (unit, name));
            }
            Err(message) => assert_eq!(got.err().as_deref(), Some(message)),
        }
    }

    #[test]
    fn the_request_is_checked_before_it_is_sent() {
        let invitable = commune_choices();
        let form = InviteForm::new(&invitable).with_role(&invitable, Role::Collaborator);
        check_request(&form, Err("Hãy nhập họ tên người được mời."));
        let named = InviteForm { display_name: "  Lò Văn Minh ".to_string(), ..form.clone() };
        check_request(&named, Ok(("hamlet:a", "Lò Văn Minh")));
        assert_eq!(named.request(&invitable).map(|r| r.valid_hours), Ok(Some(72)));
        let long = InviteForm { display_name: "a".repeat(101), ..form.clone() };
        check_request(&long, Err("Họ tên dài quá 100 ký tự."));
        // A unit the role may not be invited to (a collaborator on the commune itself).
        let wrong = InviteForm { unit: Some("commune:1:2025".to_string()), ..named };
        check_request(&wrong, Err("Không được mời vai trò này ở đơn vị đã chọn."));
        check_request(&InviteForm::new(&[]), Err("Hãy chọn vai trò."));
    }

    fn invitation(id: &str, state: InvitationState) -> StaffInvitation {
        StaffInvitation {
            id: id.to_string(),
            role: Role::Collaborator,
            unit: "hamlet:a".to_string(),
            unit_name: "Thôn Đông Hạ".to_string(),
            display_name: id.to_string(),
            created_at_ms: 0,
            expires_at_ms: 1,
            created_by: None,
            state,
            accepted_username: None,
            manageable: true,
        }
    }

    #[test]
    fn invitations_are_split_by_state() {
        use InvitationState::*;
        let page = StaffPage {
            unit: "commune:1:2025".to_string(),
            unit_name: "Xã Cửu An".to_string(),
            accounts: Vec::new(),
            invitations: vec![
                invitation("a", Expired),
                invitation("b", Pending),
                invitation("c", Accepted),
                invitation("d", Revoked),
                invitation("e", Pending),
            ],
            invitable: Vec::new(),
        };
        let ids = |list: Vec<&StaffInvitation>| list.iter().map(|i| i.id.clone()).collect::<Vec<_>>().join("");
        assert_eq!(ids(waiting(&page)), "bea");
        assert_eq!(ids(accepted(&page)), "c");
        assert_eq!(state_title(Expired), "Đã hết hạn");
    }

    #[test]
    fn links_are_made_whole() {
        let origin = "http://192.168.1.5:8080";
        assert_eq!(absolute_link("/#moi/abc", origin), "http://192.168.1.5:8080/#moi/abc");
        assert_eq!(absolute_link("#moi/abc", "http://x/"), "http://x/#moi/abc");
        assert_eq!(absolute_link("https://hoctap.example.vn/#moi/abc", origin), "https://hoctap.example.vn/#moi/abc");
    }

    #[test]
    fn communes_are_found_without_diacritics() {
        let children: Vec<Child> = ["Xã Cửu An", "Xã Cửu An Tây", "Phường An Khê"]
            .iter()
            .enumerate()
            .map(|(i, name)| Child { id: format!("commune:{i}:2025"), full_name: name.to_string() })
            .collect();
        let found = |q: &str| search(&children, q).iter().map(|c| c.full_name.clone()).collect::<Vec<_>>();
        assert_eq!(found("cuu an"), ["Xã Cửu An", "Xã Cửu An Tây"]);
        assert_eq!(found("AN KHÊ"), ["Phường An Khê"]);
        assert!(found("  ").is_empty());
        let many: Vec<Child> = (0..30).map(|i| Child { id: i.to_string(), full_name: format!("Xã Số {i}") }).collect();
        assert_eq!(search(&many, "xa").len(), SEARCH_LIMIT);
    }
}
