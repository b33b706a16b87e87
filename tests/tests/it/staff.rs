//! Issue 15, staff and long device sessions through the API: who may invite and manage
//! whom — every caller role × invited role × where the unit lies, for inviting, revoking
//! an invitation, disabling and restoring an account — against the rule's table, a
//! refused request changing nothing; the staff page and what it shows whom; sending an
//! invitation again and revoking it; a commune leader disabling and restoring its
//! collaborators, nobody revoking themselves; device sessions of 90 days (the
//! `--device-session-days` setting) and short ones of 12 hours, listed and ended one by
//! one, noted as seen at most once an hour.

use std::sync::Arc;

use axum::http::StatusCode;
use hoctap_server::auth::{self, AuthConfig};
use hoctap_server::store::{MemoryStore, Store};
use hoctap_shared::accounts::{CreateInvitation, Role};
use hoctap_shared::units::{OrgUnit, REFORM_DATE};
use serde_json::{json, Value};

use crate::auth::{backends, code_of, str_of, World, PASSWORD};

const HOUR_MS: i64 = 60 * 60 * 1000;
const DAY_MS: i64 = 24 * HOUR_MS;

/// Hamlet A2 of commune C2 (the test world has hamlets only in C and in Q's commune).
const A2: &str = "hamlet:test-a2";

fn world_on(backend: &'static str, store: Arc<dyn Store>, config: AuthConfig) -> World {
    let world = World::configured(backend, store, config);
    let hamlet = OrgUnit::hamlet("test-a2", &world.units.c2, "Thôn", "Hai", REFORM_DATE);
    world.state.store.put("units", hamlet.id.as_bytes(), &serde_json::to_vec(&hamlet).expect("json")).expect("put");
    world
}

fn world() -> World {
    world_on("memory", Arc::new(MemoryStore::default()), AuthConfig::default())
}

/// The roles in the order of the tables' letters: collaborator, officer, approver,
/// province administrator, viewer.
const ROLES: [Role; 5] =
    [Role::Collaborator, Role::CommuneOfficer, Role::CommuneApprover, Role::ProvinceAdmin, Role::Viewer];

/// Where a unit lies, seen from the callers: hamlet A's collaborator, commune C's
/// officer, approver and viewer, province P's administrator.
const PLACES: [&str; 6] = [
    "own hamlet (A)",
    "other commune's hamlet (A2)",
    "own commune (C)",
    "other commune (C2)",
    "province (P)",
    "other province (Q)",
];

fn place_unit(world: &World, place: usize) -> String {
    let u = &world.units;
    [u.a.as_str(), A2, &u.c, &u.c2, &u.p, &u.q][place].to_string()
}

fn seat(world: &World, role: Role) -> String {
    let u = &world.units;
    match role {
        Role::Collaborator => u.a.clone(),
        Role::CommuneOfficer | Role::CommuneApprover | Role::Viewer => u.c.clone(),
        Role::ProvinceAdmin => u.p.clone(),
    }
}

/// `POST /invitations` by each caller, one letter per invited role (in [`ROLES`] order):
/// `+` created; `f` 403 `forbidden` (the caller may invite nobody there); `r` 403
/// `role_not_invitable` (somebody there, not this role); `u` 422 `role_does_not_fit_unit`.
const INVITE: [(Role, [&str; 6]); 5] = [
    //                    A        A2       C        C2       P        Q
    (Role::Collaborator, ["fffff", "fffff", "fffff", "fffff", "fffff", "fffff"]),
    (Role::CommuneOfficer, ["+rrrr", "fffff", "rrrr+", "fffff", "fffff", "fffff"]),
    (Role::CommuneApprover, ["+rrrr", "fffff", "rrrr+", "fffff", "fffff", "fffff"]),
    (Role::ProvinceAdmin, ["+uuu+", "+uuu+", "u++u+", "u++u+", "uuu++", "fffff"]),
    (Role::Viewer, ["fffff", "fffff", "fffff", "fffff", "fffff", "fffff"]),
];

/// Revoking an invitation, disabling and restoring an account, of each role that fits
/// the unit: `+` done; `f` 403 `forbidden`; `n` 404 `not_found` (outside what the caller
/// may read); `-` no such invitation or account (the role does not fit the unit).
const MANAGE: [(Role, [&str; 6]); 5] = [
    //                    A        A2       C        C2       P        Q
    (Role::Collaborator, ["f---f", "f---f", "-ff-f", "-ff-f", "---ff", "---ff"]),
    (Role::CommuneOfficer, ["+---f", "n---n", "-ff-+", "-nn-n", "---nn", "---nn"]),
    (Role::CommuneApprover, ["+---f", "n---n", "-ff-+", "-nn-n", "---nn", "---nn"]),
    (Role::ProvinceAdmin, ["+---+", "+---+", "-++-+", "-++-+", "---++", "---nn"]),
    (Role::Viewer, ["f---f", "f---f", "-ff-f", "-ff-f", "---ff", "---ff"]),
];

/// Checks a refused answer against its letter, and that the store did not change.
#[track_caller]
fn check_refusal(
    world: &World,
    before: &[hoctap_server::store::Rows],
    letter: char,
    status: StatusCode,
    reply: &Value,
    context: &str,
) {
    let expected = match letter {
        'f' => (StatusCode::FORBIDDEN, "forbidden"),
        'r' => (StatusCode::FORBIDDEN, "role_not_invitable"),
        'u' => (StatusCode::UNPROCESSABLE_ENTITY, "role_does_not_fit_unit"),
        'n' => (StatusCode::NOT_FOUND, "not_found"),
        other => panic!("no letter {other:?}"),
    };
    assert_eq!((status, code_of(reply)), expected, "{context}: {reply}");
    assert!(
        reply["error"]["message"].as_str().is_some_and(|m| m.contains("không") || m.contains("Không")),
        "{context}: {reply}"
    );
    assert!(world.snapshot() == before, "{context}: a refused request changed the store");
}

#[test]
fn the_rule_tables_agree() {
    // The same rule decides inviting and managing: a role fitting a unit is managed
    // exactly where it may be invited.
    for ((role, invite), (same, manage)) in INVITE.iter().zip(&MANAGE) {
        assert_eq!(role, same);
        for (place, (invite, manage)) in invite.iter().zip(manage).enumerate() {
            for (invited, (i, m)) in ROLES.iter().zip(invite.chars().zip(manage.chars())) {
                if m != '-' {
                    assert_eq!(i == '+', m == '+', "{role:?} → {invited:?} on {}", PLACES[place]);
                }
            }
        }
    }
}

#[test]
fn matrix_who_may_invite_and_manage_whom() {
    let world = world();
    let callers: Vec<(Role, String)> = ROLES
        .iter()
        .map(|&role| {
            (role, world.account(role, &seat(&world, role), &format!("goi.{}", role.key().replace('_', "-"))).0)
        })
        .collect();
    // Keepers disable and restore targets around the caller's request: P's
    // administrator for P, another for Q.
    let (keeper_q, _) = world.account(Role::ProvinceAdmin, &world.units.q, "giu.q");
    let keeper = |place: usize| if place == 5 { keeper_q.clone() } else { callers[3].1.clone() };
    // One account of every role that fits every place.
    let mut targets = Vec::new();
    for place in 0..PLACES.len() {
        let unit = place_unit(&world, place);
        for (r, role) in ROLES.iter().enumerate() {
            if MANAGE[0].1[place].as_bytes()[r] != b'-' {
                let (_, id) = world.account(*role, &unit, &format!("dich.{place}.{r}"));
                targets.push((place, r, id));
            }
        }
    }
    let mut checked = 0;
    for (c, (caller, token)) in callers.iter().enumerate() {
        assert_eq!(INVITE[c].0, *caller);
        for (place, place_name) in PLACES.iter().enumerate() {
            let unit = place_unit(&world, place);
            for (r, invited) in ROLES.iter().enumerate() {
                let context = format!("{caller:?} invites {invited:?} on {place_name}");
                let letter = INVITE[c].1[place].as_bytes()[r] as char;
                let before = world.snapshot();
                let body = json!({"role": invited, "unit": unit, "display_name": "Người được mời"});
                let (status, reply) = world.call("POST", "/invitations", Some(token), Some(body));
                if letter == '+' {
                    assert_eq!(status, StatusCode::CREATED, "{context}: {reply}");
                    let shown = world.call("GET", &format!("/invitations/{}", str_of(&reply["token"])), None, None);
                    assert_eq!(shown.0, StatusCode::OK, "{context}");
                } else {
                    check_refusal(&world, &before, letter, status, &reply, &context);
                }
                checked += 1;

                let letter = MANAGE[c].1[place].as_bytes()[r] as char;
                if letter == '-' {
                    continue;
                }
                // Revoking an invitation (a fresh one, from the command line).
                let request = CreateInvitation {
                    role: *invited,
                    unit: unit.clone(),
                    display_name: "Người được mời".into(),
                    valid_hours: None,
                };
                let invitation = auth::create_invitation(&world.state, &request, None).expect("invitation");
                let context = format!("{caller:?} revokes an invitation of {invited:?} on {place_name}");
                let before = world.snapshot();
                let (status, reply) =
                    world.call("POST", &format!("/invitations/{}/revoke", invitation.id), Some(token), None);
                let link = world.call("GET", &format!("/invitations/{}", invitation.token), None, None);
                if letter == '+' {
                    assert_eq!(status, StatusCode::NO_CONTENT, "{context}: {reply}");
                    assert_eq!(
                        (link.0, code_of(&link.1)),
                        (StatusCode::NOT_FOUND, "invitation_not_found"),
                        "{context}"
                    );
                } else {
                    check_refusal(&world, &before, letter, status, &reply, &context);
                    assert_eq!(link.0, StatusCode::OK, "{context}");
                }

                // Disabling, then restoring, the account of this role there.
                let id = &targets.iter().find(|(p, i, _)| (*p, *i) == (place, r)).expect("a target").2;
                let context = format!("{caller:?} disables {invited:?} on {place_name}");
                let before = world.snapshot();
                let (status, reply) = world.call("POST", &format!("/accounts/{id}/revoke"), Some(token), None);
                if letter == '+' {
                    assert_eq!(status, StatusCode::OK, "{context}: {reply}");
                    let restored = world.call("POST", &format!("/accounts/{id}/restore"), Some(&keeper(place)), None);
                    assert_eq!(restored.0, StatusCode::OK, "{context}: {}", restored.1);
                } else {
                    check_refusal(&world, &before, letter, status, &reply, &context);
                }
                let context = format!("{caller:?} restores {invited:?} on {place_name}");
                let disabled = world.call("POST", &format!("/accounts/{id}/revoke"), Some(&keeper(place)), None);
                assert_eq!(disabled.0, StatusCode::OK, "{context}: {}", disabled.1);
                let before = world.snapshot();
                let (status, reply) = world.call("POST", &format!("/accounts/{id}/restore"), Some(token), None);
                if letter == '+' {
                    assert_eq!((status, &reply["disabled"]), (StatusCode::OK, &json!(false)), "{context}: {reply}");
                } else {
                    check_refusal(&world, &before, letter, status, &reply, &context);
                    let restored = world.call("POST", &format!("/accounts/{id}/restore"), Some(&keeper(place)), None);
                    assert_eq!(restored.0, StatusCode::OK, "{context}");
                }
                checked += 3;
            }
        }
    }
    assert_eq!(checked, ROLES.len() * PLACES.len() * ROLES.len() + ROLES.len() * targets.len() * 3);
}

/// Usernames in a list of staff page accounts.
fn usernames(page: &Value) -> Vec<String> {
    page["accounts"].as_array().expect("accounts").iter().map(|a| str_of(&a["account"]["username"])).collect()
}

fn staff_account<'p>(page: &'p Value, username: &str) -> &'p Value {
    page["accounts"]
        .as_array()
        .expect("accounts")
        .iter()
        .find(|a| a["account"]["username"] == username)
        .unwrap_or_else(|| panic!("{username} not on the page: {page}"))
}

#[test]
fn the_staff_page_shows_a_commune_its_own_and_nothing_else() {
    for (backend, store) in backends() {
        let world = world_on(backend, store, AuthConfig::default());
        let u = world.units.clone();
        let (officer, _) = world.account(Role::CommuneOfficer, &u.c, "cb.xa");
        world.account(Role::CommuneApprover, &u.c, "ld.xa");
        world.account(Role::Collaborator, &u.a, "ctv.an");
        world.account(Role::Viewer, &u.c, "xem.xa");
        world.account(Role::Collaborator, A2, "ctv.hai");
        world.account(Role::CommuneOfficer, &u.c2, "cb.xa2");
        let (admin, _) = world.account(Role::ProvinceAdmin, &u.p, "qt.tinh");
        let (_, collaborator) = world.login("ctv.an", PASSWORD);
        let collaborator = str_of(&collaborator["token"]);
        let (_, viewer) = world.login("xem.xa", PASSWORD);
        let viewer = str_of(&viewer["token"]);

        // The officer invites a collaborator for hamlet B, who accepts; another
        // invitation waits; the administrator's invitations elsewhere stay out of sight.
        let body = json!({"role": "collaborator", "unit": u.b, "display_name": "Lê Văn Bình"});
        let (status, sent) = world.call("POST", "/invitations", Some(&officer), Some(body));
        assert_eq!(status, StatusCode::CREATED, "{backend}: {sent}");
        world.accept(&str_of(&sent["token"]), "ctv.binh");
        let body = json!({"role": "collaborator", "unit": u.a, "display_name": "Phạm Thị Chờ"});
        let (_, waiting) = world.call("POST", "/invitations", Some(&officer), Some(body));
        let body = json!({"role": "viewer", "unit": u.c2, "display_name": "Xem Xã Khác"});
        assert_eq!(world.call("POST", "/invitations", Some(&admin), Some(body)).0, StatusCode::CREATED);

        let before = world.snapshot();
        let (status, page) = world.call("GET", &format!("/units/{}/staff", u.c), Some(&officer), None);
        assert_eq!(status, StatusCode::OK, "{backend}: {page}");
        let commune = world.state.unit(&u.c).expect("read").expect("the commune").full_name();
        assert_eq!((&page["unit"], &page["unit_name"]), (&json!(u.c), &json!(commune)));
        // The commune's own accounts first, by display name; then its hamlets', by the
        // hamlet's name (Thôn An, Thôn Bình).
        assert_eq!(usernames(&page), ["ld.xa", "cb.xa", "xem.xa", "ctv.an", "ctv.binh"], "{backend}");
        let manageable: Vec<bool> =
            page["accounts"].as_array().expect("accounts").iter().map(|a| a["manageable"] == true).collect();
        assert_eq!(manageable, [false, false, true, true, true], "{backend}: only viewers and collaborators");
        let binh = staff_account(&page, "ctv.binh");
        assert_eq!(binh["invited_by"], "Người commune_officer");
        assert_eq!((&binh["live_sessions"], &binh["last_seen_ms"]), (&json!(1), &json!(world.clock_now())));
        assert_eq!(binh["created_at_ms"], json!(world.clock_now()));
        assert_eq!(staff_account(&page, "ctv.an")["invited_by"], Value::Null, "invited from the command line");
        assert_eq!(staff_account(&page, "ctv.an")["live_sessions"], 2);
        // Each account names its unit as documents write it.
        assert_eq!(staff_account(&page, "cb.xa")["unit_name"], json!(commune));
        assert_eq!(staff_account(&page, "ctv.an")["unit_name"], "Thôn An");

        // The commune's and its hamlets' invitations only: the four the test world made
        // for its accounts there, and the officer's two.
        let invitations = page["invitations"].as_array().expect("invitations");
        assert_eq!(invitations.len(), 6, "{backend}: {page}");
        assert!(invitations.iter().all(|i| [&u.c, &u.a, &u.b].contains(&&str_of(&i["unit"]))), "{page}");
        let states: Vec<&str> = invitations.iter().filter_map(|i| i["state"].as_str()).collect();
        assert_eq!(states.iter().filter(|s| **s == "accepted").count(), 5, "{states:?}");
        let accepted = invitations.iter().find(|i| i["display_name"] == "Lê Văn Bình").expect("the accepted one");
        assert_eq!(
            (
                &accepted["display_name"],
                &accepted["accepted_username"],
                &accepted["unit_name"],
                &accepted["created_by"]
            ),
            (&json!("Lê Văn Bình"), &json!("ctv.binh"), &json!("Thôn Bình"), &json!("Người commune_officer"))
        );
        let pending = invitations.iter().find(|i| i["state"] == "pending").expect("the waiting one");
        assert_eq!((&pending["id"], &pending["manageable"]), (&waiting["id"], &json!(true)));
        assert!(page.to_string().find(&str_of(&waiting["token"])).is_none(), "no token on the page");

        let invitable: Vec<(String, String, String)> = page["invitable"]
            .as_array()
            .expect("invitable")
            .iter()
            .map(|i| (str_of(&i["role"]), str_of(&i["unit"]), str_of(&i["unit_name"])))
            .collect();
        let pair = |role: &str, unit: &str, name: &str| (role.to_string(), unit.to_string(), name.to_string());
        assert_eq!(
            invitable,
            [
                pair("viewer", &u.c, &commune),
                pair("collaborator", &u.a, "Thôn An"),
                pair("collaborator", &u.b, "Thôn Bình")
            ]
        );
        // A hamlet's page: its own people, its one role.
        let (status, hamlet) = world.call("GET", &format!("/units/{}/staff", u.a), Some(&officer), None);
        assert_eq!(status, StatusCode::OK, "{hamlet}");
        assert_eq!(usernames(&hamlet), ["ctv.an"]);
        assert_eq!(hamlet["invitable"], json!([{"role": "collaborator", "unit": u.a, "unit_name": "Thôn An"}]));
        assert_eq!(hamlet["invitations"].as_array().map(Vec::len), Some(2), "ctv.an's and the waiting one");

        // Nothing of another commune, the province, or for those who manage nobody.
        for (token, unit) in [
            (&officer, &u.c2),
            (&officer, &u.p),
            (&officer, &A2.to_string()),
            (&officer, &"hamlet:khong-co".to_string()),
            (&collaborator, &u.a),
            (&viewer, &u.c),
            (&admin, &u.q),
        ] {
            let (status, reply) = world.call("GET", &format!("/units/{unit}/staff"), Some(token), None);
            assert_eq!((status, code_of(&reply)), (StatusCode::FORBIDDEN, "forbidden"), "{backend}: {unit}");
        }
        assert!(world.snapshot() == before, "{backend}: reading staff pages changed the store");

        // The administrator sees the commune whole, and may invite every fitting role.
        let (status, page) = world.call("GET", &format!("/units/{}/staff", u.c), Some(&admin), None);
        assert_eq!(status, StatusCode::OK);
        assert!(page["accounts"].as_array().expect("accounts").iter().all(|a| a["manageable"] == true), "{page}");
        let offered: Vec<(String, String)> = page["invitable"]
            .as_array()
            .expect("invitable")
            .iter()
            .map(|i| (str_of(&i["role"]), str_of(&i["unit"])))
            .collect();
        let expected: Vec<(String, String)> = [
            ("commune_officer", &u.c),
            ("commune_approver", &u.c),
            ("viewer", &u.c),
            ("collaborator", &u.a),
            ("viewer", &u.a),
            ("collaborator", &u.b),
            ("viewer", &u.b),
        ]
        .into_iter()
        .map(|(r, u)| (r.to_string(), u.clone()))
        .collect();
        assert_eq!(offered, expected);
        let (_, province) = world.call("GET", &format!("/units/{}/staff", u.p), Some(&admin), None);
        assert!(
            usernames(&province).contains(&"cb.xa2".to_string())
                && usernames(&province).contains(&"ctv.hai".to_string())
        );
        let names: Vec<&str> = province["invitations"]
            .as_array()
            .expect("invitations")
            .iter()
            .filter_map(|i| i["display_name"].as_str())
            .collect();
        assert_eq!(names.len(), 10, "seven accounts' and three more: {names:?}");
        assert!(names.contains(&"Xem Xã Khác"), "{names:?}");
    }
}

impl World {
    fn clock_now(&self) -> i64 {
        use hoctap_server::clock::Clock;
        self.clock.now_ms()
    }
}

#[test]
fn an_invitation_sent_again_gets_a_new_link_and_the_old_one_stops() {
    for (backend, store) in backends() {
        let world = world_on(backend, store, AuthConfig::default());
        let u = world.units.clone();
        world.account(Role::CommuneOfficer, &u.c, "cb.xa");
        // Signed in on a device: the test outlasts a working day.
        let officer = str_of(&sign_in(&world, "cb.xa", Some("may-1"))["token"]);
        let body = json!({"role": "collaborator", "unit": u.a, "display_name": "Phạm Thị Mới"});
        let (status, first) = world.call("POST", "/invitations", Some(&officer), Some(body));
        assert_eq!(status, StatusCode::CREATED, "{first}");
        let id = str_of(&first["id"]);
        assert!(id.len() == 64 && id != str_of(&first["token"]), "{first}");

        world.clock.advance(HOUR_MS);
        let resend = format!("/invitations/{id}/resend");
        let (status, second) = world.call("POST", &resend, Some(&officer), None);
        assert_eq!(status, StatusCode::CREATED, "{backend}: {second}");
        assert_eq!(second["id"], first["id"], "the id stays");
        assert_ne!(second["token"], first["token"]);
        assert_eq!(second["expires_at_ms"], json!(world.clock_now() + 72 * HOUR_MS));
        assert!(str_of(&second["link"]).ends_with(&str_of(&second["token"])));
        let show = |token: &Value| world.call("GET", &format!("/invitations/{}", str_of(token)), None, None);
        assert_eq!(
            (show(&first["token"]).0, code_of(&show(&first["token"]).1)),
            (StatusCode::NOT_FOUND, "invitation_not_found")
        );
        let accept_old = json!({"username": "ctv.cu", "password": PASSWORD});
        let (status, _) =
            world.call("POST", &format!("/invitations/{}/accept", str_of(&first["token"])), None, Some(accept_old));
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(show(&second["token"]).0, StatusCode::OK);

        // Expired: listed so, and sent again it works again; the expired link does not.
        world.clock.advance(72 * HOUR_MS);
        assert_eq!(show(&second["token"]).0, StatusCode::GONE);
        let state_of = |world: &World| {
            let (_, page) = world.call("GET", &format!("/units/{}/staff", u.a), Some(&officer), None);
            page["invitations"].as_array().and_then(|list| list.iter().find(|i| i["id"] == json!(id)).cloned())
        };
        assert_eq!(state_of(&world).map(|i| i["state"].clone()), Some(json!("expired")));
        let (status, third) = world.call("POST", &resend, Some(&officer), None);
        assert_eq!(status, StatusCode::CREATED, "{third}");
        assert_eq!(show(&second["token"]).0, StatusCode::NOT_FOUND);
        assert_eq!(state_of(&world).map(|i| i["state"].clone()), Some(json!("pending")));
        world.accept(&str_of(&third["token"]), "ctv.moi");

        // Accepted: closed.
        let before = world.snapshot();
        let (status, reply) = world.call("POST", &resend, Some(&officer), None);
        assert_eq!((status, code_of(&reply)), (StatusCode::CONFLICT, "invitation_closed"), "{reply}");
        assert!(reply["error"]["message"].as_str().is_some_and(|m| m.contains("Lời mời này đã được nhận")), "{reply}");
        assert!(world.snapshot() == before);
        assert_eq!(
            world.call("POST", &format!("/invitations/{id}/revoke"), Some(&officer), None).0,
            StatusCode::NO_CONTENT
        );
        assert!(world.snapshot() == before, "revoking an accepted invitation changes nothing");
        assert_eq!(state_of(&world).map(|i| i["state"].clone()), Some(json!("accepted")));
    }
}

#[test]
fn a_revoked_invitation_stops_working_and_stays_closed() {
    let world = world();
    let u = world.units.clone();
    let (approver, _) = world.account(Role::CommuneApprover, &u.c, "ld.xa");
    let (other, _) = world.account(Role::CommuneOfficer, &u.c2, "cb.xa2");
    let (collaborator, _) = world.account(Role::Collaborator, &u.a, "ctv.an");
    let body = json!({"role": "collaborator", "unit": u.b, "display_name": "Người Bị Thu Hồi"});
    let (_, sent) = world.call("POST", "/invitations", Some(&approver), Some(body));
    let (id, token) = (str_of(&sent["id"]), str_of(&sent["token"]));
    let revoke = format!("/invitations/{id}/revoke");

    // Others may not: another commune's officer does not even see it, a collaborator
    // manages nobody, and an unknown id is not found.
    for (who, expected) in
        [(&other, (StatusCode::NOT_FOUND, "not_found")), (&collaborator, (StatusCode::FORBIDDEN, "forbidden"))]
    {
        let before = world.snapshot();
        for path in [&revoke, &format!("/invitations/{id}/resend")] {
            let (status, reply) = world.call("POST", path, Some(who), None);
            assert_eq!((status, code_of(&reply)), expected, "{path}");
        }
        assert!(world.snapshot() == before);
    }
    for unknown in ["ab".repeat(32), "khong-co".to_string()] {
        let (status, _) = world.call("POST", &format!("/invitations/{unknown}/revoke"), Some(&approver), None);
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    assert_eq!(world.call("POST", &revoke, Some(&approver), None).0, StatusCode::NO_CONTENT);
    let (status, reply) = world.call("GET", &format!("/invitations/{token}"), None, None);
    assert_eq!((status, code_of(&reply)), (StatusCode::NOT_FOUND, "invitation_not_found"));
    let body = json!({"username": "ctv.thu.hoi", "password": PASSWORD});
    let (status, _) = world.call("POST", &format!("/invitations/{token}/accept"), None, Some(body));
    assert_eq!(status, StatusCode::NOT_FOUND);
    let before = world.snapshot();
    assert_eq!(world.call("POST", &revoke, Some(&approver), None).0, StatusCode::NO_CONTENT, "idempotent");
    assert!(world.snapshot() == before);
    let (status, reply) = world.call("POST", &format!("/invitations/{id}/resend"), Some(&approver), None);
    assert_eq!((status, code_of(&reply)), (StatusCode::CONFLICT, "invitation_closed"));
    let (_, page) = world.call("GET", &format!("/units/{}/staff", u.b), Some(&approver), None);
    assert_eq!(page["invitations"][0]["state"], "revoked", "{page}");
}

#[test]
fn a_commune_leader_disables_and_restores_its_collaborators_but_nobody_themselves() {
    let world = world();
    let u = world.units.clone();
    let (leader, leader_id) = world.account(Role::CommuneApprover, &u.c, "ld.xa");
    let (_, officer_id) = world.account(Role::CommuneOfficer, &u.c, "cb.xa");
    let (collaborator, collaborator_id) = world.account(Role::Collaborator, &u.a, "ctv.an");
    let (admin, admin_id) = world.account(Role::ProvinceAdmin, &u.p, "qt.tinh");

    let (status, reply) = world.call("POST", &format!("/accounts/{collaborator_id}/revoke"), Some(&leader), None);
    assert_eq!((status, &reply), (StatusCode::OK, &json!({"revoked": 1})));
    assert_eq!(world.call("GET", "/auth/me", Some(&collaborator), None).0, StatusCode::UNAUTHORIZED);
    let (status, reply) = world.login("ctv.an", PASSWORD);
    assert_eq!((status, code_of(&reply)), (StatusCode::FORBIDDEN, "account_disabled"));
    let (_, page) = world.call("GET", &format!("/units/{}/staff", u.c), Some(&leader), None);
    assert_eq!(staff_account(&page, "ctv.an")["account"]["disabled"], true);
    let (status, reply) = world.call("POST", &format!("/accounts/{collaborator_id}/restore"), Some(&leader), None);
    assert_eq!((status, &reply["disabled"]), (StatusCode::OK, &json!(false)));
    assert_eq!(world.login("ctv.an", PASSWORD).0, StatusCode::OK);

    // Not a fellow official of the commune.
    let before = world.snapshot();
    let (status, reply) = world.call("POST", &format!("/accounts/{officer_id}/revoke"), Some(&leader), None);
    assert_eq!((status, code_of(&reply)), (StatusCode::FORBIDDEN, "forbidden"));
    // Nobody revokes or restores themselves, whatever they may do to others.
    for (token, id) in [(&leader, &leader_id), (&admin, &admin_id)] {
        for verb in ["revoke", "restore"] {
            let (status, reply) = world.call("POST", &format!("/accounts/{id}/{verb}"), Some(token), None);
            assert_eq!((status, code_of(&reply)), (StatusCode::UNPROCESSABLE_ENTITY, "own_account"), "{verb}");
            assert!(reply["error"]["message"].as_str().is_some_and(|m| m.contains("chính mình")), "{reply}");
        }
    }
    assert!(world.snapshot() == before);
    assert_eq!(world.call("GET", "/auth/me", Some(&leader), None).0, StatusCode::OK);
}

fn device(id: &str) -> Value {
    json!({"id": id, "label": format!("Chrome trên Android ({id})")})
}

/// Signs in on a device (`Some`) or for a working day; returns the answer.
#[track_caller]
fn sign_in(world: &World, username: &str, device_id: Option<&str>) -> Value {
    let mut body = json!({"username": username, "password": PASSWORD});
    if let Some(id) = device_id {
        body["device"] = device(id);
    }
    let (status, reply) = world.call("POST", "/auth/login", None, Some(body));
    assert_eq!(status, StatusCode::OK, "{reply}");
    reply
}

#[test]
fn a_device_session_lasts_90_days_and_a_short_one_12_hours() {
    for (backend, store) in backends() {
        let world = world_on(backend, store, AuthConfig::default());
        let now = world.clock_now();
        world.account(Role::CommuneOfficer, &world.units.c, "cb.xa");
        let long = sign_in(&world, "cb.xa", Some("may-1"));
        assert_eq!(long["expires_at_ms"], json!(now + 90 * DAY_MS), "{backend}");
        let session_id = str_of(&long["session_id"]);
        assert!(session_id.len() == 64 && session_id != str_of(&long["token"]), "{long}");
        let short = sign_in(&world, "cb.xa", None);
        assert_eq!(short["expires_at_ms"], json!(now + 12 * HOUR_MS));

        // Accepting an invitation on a device starts a device session too.
        let invitation = world.invite(Role::Collaborator, &world.units.a, None);
        let body = json!({"username": "ctv.an", "password": PASSWORD, "device": device("may-2")});
        let (status, accepted) = world.call("POST", &format!("/invitations/{invitation}/accept"), None, Some(body));
        assert_eq!((status, &accepted["expires_at_ms"]), (StatusCode::CREATED, &json!(now + 90 * DAY_MS)));

        let me = |reply: &Value| world.call("GET", "/auth/me", Some(&str_of(&reply["token"])), None).0;
        world.clock.advance(12 * HOUR_MS);
        assert_eq!((me(&short), me(&long), me(&accepted)), (StatusCode::UNAUTHORIZED, StatusCode::OK, StatusCode::OK));
        world.clock.advance(90 * DAY_MS - 12 * HOUR_MS - 1);
        assert_eq!(me(&long), StatusCode::OK);
        world.clock.advance(1);
        assert_eq!((me(&long), me(&accepted)), (StatusCode::UNAUTHORIZED, StatusCode::UNAUTHORIZED), "{backend}");

        // A device the server does not accept is refused before anything is stored.
        let before = world.snapshot();
        for bad in [
            json!({"id": "may 1", "label": "Chrome"}),
            json!({"id": "may-1", "label": "x".repeat(101)}),
            json!({"id": "", "label": "Chrome"}),
            json!({"id": "may-1"}),
        ] {
            let body = json!({"username": "cb.xa", "password": PASSWORD, "device": bad});
            let (status, reply) = world.call("POST", "/auth/login", None, Some(body));
            assert_eq!((status, code_of(&reply)), (StatusCode::BAD_REQUEST, "bad_request"), "{reply}");
        }
        assert!(world.snapshot() == before, "{backend}");
    }
}

#[test]
fn the_device_period_is_a_setting() {
    let config = AuthConfig { device_session_ttl_ms: 30 * DAY_MS, ..AuthConfig::default() };
    let world = world_on("memory", Arc::new(MemoryStore::default()), config);
    world.account(Role::Viewer, &world.units.c, "xem.xa");
    let reply = sign_in(&world, "xem.xa", Some("may-1"));
    assert_eq!(reply["expires_at_ms"], json!(world.clock_now() + 30 * DAY_MS));
}

#[test]
fn the_device_period_is_set_on_the_command_line() {
    use crate::durability::{hoctap, http, Server};
    let work = tempfile::tempdir().expect("tempdir");
    let data = work.path().join("data");
    let (code, out, err) = hoctap(&[
        "admin",
        "invite",
        "--data-dir",
        &data.display().to_string(),
        "--unit",
        "province:01:2025",
        "--role",
        "province_admin",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let invitation: String =
        out.split("/#moi/").nth(1).expect("an invitation link").chars().take_while(char::is_ascii_hexdigit).collect();
    let server = Server::start_with(&data, &["--device-session-days", "7"]);
    let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).expect("clock").as_millis() as i64;
    let body = json!({"username": "qt.tinh", "password": PASSWORD, "device": device("may-1")}).to_string();
    let (status, reply) =
        http(&server.addr, "POST", &format!("/api/v1/invitations/{invitation}/accept"), None, body.as_bytes())
            .expect("accept");
    assert_eq!(status, 201, "{reply}");
    let lasts = reply["expires_at_ms"].as_i64().expect("expiry") - started;
    assert!((7 * DAY_MS..7 * DAY_MS + 60_000).contains(&lasts), "{lasts} ms");
    server.kill();
}

#[test]
fn sessions_are_listed_and_ended_one_by_one() {
    let world = world();
    let u = world.units.clone();
    let (_, officer_id) = world.account(Role::CommuneOfficer, &u.c, "cb.xa");
    let (leader, _) = world.account(Role::CommuneApprover, &u.c, "ld.xa");
    let (collaborator, collaborator_id) = world.account(Role::Collaborator, &u.a, "ctv.an");
    let (admin, _) = world.account(Role::ProvinceAdmin, &u.p, "qt.tinh");
    // Half an hour apart, so no request here is the first of a new hour.
    world.clock.advance(HOUR_MS / 2);
    let phone = sign_in(&world, "cb.xa", Some("dien-thoai"));
    world.clock.advance(HOUR_MS / 2);
    let laptop = sign_in(&world, "cb.xa", Some("may-tinh"));
    let phone_token = str_of(&phone["token"]);
    let list = format!("/accounts/{officer_id}/sessions");

    let (status, sessions) = world.call("GET", &list, Some(&phone_token), None);
    assert_eq!(status, StatusCode::OK, "{sessions}");
    let sessions = sessions.as_array().expect("list").clone();
    // Most recently used first: the laptop, the phone, the session of the acceptance.
    let ids: Vec<Value> = sessions.iter().map(|s| s["id"].clone()).collect();
    assert_eq!(ids.len(), 3, "{sessions:?}");
    assert_eq!(&ids[..2], [laptop["session_id"].clone(), phone["session_id"].clone()]);
    let current: Vec<bool> = sessions.iter().map(|s| s["current"] == true).collect();
    assert_eq!(current, [false, true, false]);
    assert_eq!(sessions[0]["device_label"], "Chrome trên Android (may-tinh)");
    assert_eq!(sessions[2]["device_label"], Value::Null);
    assert_eq!(sessions[1]["expires_at_ms"], phone["expires_at_ms"]);
    assert!(!sessions.iter().any(|s| s.to_string().contains(&phone_token)), "no token in the list");

    // Those who may not manage the officer see nothing, and end nothing.
    let laptop_revoke = format!("/sessions/{}/revoke", str_of(&laptop["session_id"]));
    // Their sessions are an hour old: their first request of the hour notes it.
    for token in [&collaborator, &leader, &admin] {
        assert_eq!(world.call("GET", "/auth/me", Some(token), None).0, StatusCode::OK);
    }
    let before = world.snapshot();
    for token in [&collaborator, &leader] {
        let (status, reply) = world.call("GET", &list, Some(token), None);
        assert_eq!((status, code_of(&reply)), (StatusCode::NOT_FOUND, "not_found"));
        let (status, reply) = world.call("POST", &laptop_revoke, Some(token), None);
        assert_eq!((status, code_of(&reply)), (StatusCode::NOT_FOUND, "not_found"));
    }
    for unknown in ["zz".to_string(), "ab".repeat(32)] {
        assert_eq!(
            world.call("POST", &format!("/sessions/{unknown}/revoke"), Some(&admin), None).0,
            StatusCode::NOT_FOUND
        );
    }
    assert!(world.snapshot() == before);

    // The owner signs the laptop out; the phone and the account keep working.
    assert_eq!(world.call("POST", &laptop_revoke, Some(&phone_token), None).0, StatusCode::NO_CONTENT);
    assert_eq!(world.call("GET", "/auth/me", Some(&str_of(&laptop["token"])), None).0, StatusCode::UNAUTHORIZED);
    assert_eq!(world.call("GET", "/auth/me", Some(&phone_token), None).0, StatusCode::OK);
    let (_, left) = world.call("GET", &list, Some(&admin), None);
    assert_eq!(left.as_array().map(Vec::len), Some(2), "the administrator sees them: {left}");
    assert_eq!(left[0]["current"], false);
    assert_eq!(world.call("POST", &laptop_revoke, Some(&phone_token), None).0, StatusCode::NO_CONTENT, "idempotent");
    sign_in(&world, "cb.xa", None);

    // A commune leader ends a collaborator's session; the collaborator sees its own.
    let (status, own) = world.call("GET", &format!("/accounts/{collaborator_id}/sessions"), Some(&collaborator), None);
    assert_eq!((status, &own[0]["current"]), (StatusCode::OK, &json!(true)));
    let (status, theirs) = world.call("GET", &format!("/accounts/{collaborator_id}/sessions"), Some(&leader), None);
    assert_eq!((status, &theirs[0]["current"]), (StatusCode::OK, &json!(false)));
    let revoke = format!("/sessions/{}/revoke", str_of(&theirs[0]["id"]));
    assert_eq!(world.call("POST", &revoke, Some(&leader), None).0, StatusCode::NO_CONTENT);
    assert_eq!(world.call("GET", "/auth/me", Some(&collaborator), None).0, StatusCode::UNAUTHORIZED);
    assert_eq!(world.login("ctv.an", PASSWORD).0, StatusCode::OK, "the account stays enabled");
}

#[test]
fn a_session_is_noted_as_seen_at_most_once_an_hour() {
    let world = world();
    let (_, id) = world.account(Role::CommuneOfficer, &world.units.c, "cb.xa");
    let start = world.clock_now();
    let session = sign_in(&world, "cb.xa", Some("may-1"));
    let token = str_of(&session["token"]);
    let sessions = || world.state.store.scan("sessions", b"", None, usize::MAX).expect("scan");
    let seen = || {
        let (_, list) = world.call("GET", &format!("/accounts/{id}/sessions"), Some(&token), None);
        list.as_array()
            .and_then(|l| l.iter().find(|s| s["current"] == true))
            .map(|s| s["last_seen_ms"].clone())
            .expect("the current session")
    };
    assert_eq!(seen(), json!(start));

    let mut expected = start;
    for (advance, written) in [(30, false), (29, false), (1, true), (59, false), (1, true), (300, true)] {
        world.clock.advance(advance * 60_000);
        let before = sessions();
        assert_eq!(world.call("GET", "/auth/me", Some(&token), None).0, StatusCode::OK);
        assert_eq!(sessions() != before, written, "after {advance} more minutes");
        if written {
            expected = world.clock_now();
        }
        assert_eq!(seen(), json!(expected), "after {advance} more minutes");
    }
    // The staff page shows when the account was last seen.
    let (_, page) = world.call("GET", &format!("/units/{}/staff", world.units.c), Some(&token), None);
    assert_eq!(staff_account(&page, "cb.xa")["last_seen_ms"], json!(expected), "{page}");
}

#[test]
fn invitations_stored_before_the_index_are_indexed_once() {
    let world = world();
    let u = world.units.clone();
    let (admin, _) = world.account(Role::ProvinceAdmin, &u.p, "qt.tinh");
    for unit in [&u.a, &u.b] {
        world.invite(Role::Collaborator, unit, None);
    }
    let store = world.state.store.as_ref();
    // As a data directory of an older build: invitations without their index.
    for (key, _) in store.scan(hoctap_server::store::accounts::UNIT_INVITATIONS, b"", None, usize::MAX).expect("scan") {
        store.remove(hoctap_server::store::accounts::UNIT_INVITATIONS, &key).expect("remove");
    }
    let listed = || {
        let (_, page) = world.call("GET", &format!("/units/{}/staff", u.c), Some(&admin), None);
        page["invitations"].as_array().map_or(0, Vec::len)
    };
    assert_eq!(listed(), 0);
    // The index of an admin's invitation made before the backfill is written again too.
    assert_eq!(auth::ensure_index(&world.state).expect("index"), 3);
    assert_eq!(listed(), 2);
    assert_eq!(auth::ensure_index(&world.state).expect("index"), 0, "once");
}
