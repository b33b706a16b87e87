//! The staff page of a unit: who works there and under it, the invitations sent there,
//! and the roles the caller may invite on the unit and its hamlets — each marked with
//! whether the caller may manage it, by the same rule that decides the requests.

use std::collections::BTreeMap;

use hoctap_shared::accounts::{
    invites_anyone, Account, Action, InvitableRole, Role, StaffAccount, StaffInvitation, StaffPage,
};
use hoctap_shared::units::{OrgUnit, UnitKind};

use super::{invitations, may_manage, may_manage_account, session};
use crate::store::accounts as stored;
use crate::{ApiError, AppState};

/// The most invitations a page lists (the newest); accepted ones are kept for good.
const MAX_INVITATIONS: usize = 1_000;
/// The most hamlets whose roles are offered (a commune has a few dozen).
const MAX_HAMLETS: usize = 200;

/// Names of units, looked up once each.
struct UnitNames<'s> {
    state: &'s AppState,
    known: BTreeMap<String, Option<OrgUnit>>,
}

impl UnitNames<'_> {
    fn unit(&mut self, id: &str) -> Result<Option<&OrgUnit>, ApiError> {
        if !self.known.contains_key(id) {
            let found = self.state.unit(id)?;
            self.known.insert(id.to_string(), found);
        }
        Ok(self.known.get(id).and_then(Option::as_ref))
    }

    fn name(&mut self, id: &str) -> Result<String, ApiError> {
        Ok(self.unit(id)?.map_or_else(|| id.to_string(), OrgUnit::full_name))
    }
}

/// `GET /units/{id}/staff` for `caller`. Only for those who may invite or manage
/// someone on the unit or under it (a province administrator in its province, a commune
/// official in its commune): anyone else is refused (403) before anything is looked up.
pub(crate) fn staff_page(state: &AppState, caller: &Account, unit: &str) -> Result<StaffPage, ApiError> {
    if !invites_anyone(caller.role) || !state.unit_covers(&caller.unit, unit)? {
        return Err(ApiError::Forbidden { action: Action::Administer, unit: unit.to_string() });
    }
    let mut names = UnitNames { state, known: BTreeMap::new() };
    let Some(page_unit) = names.unit(unit)?.cloned() else {
        return Err(ApiError::NotFound { what: format!("đơn vị {unit}") });
    };
    let all = stored::all_accounts(state.store.as_ref())?;
    let by_id: BTreeMap<&str, &Account> =
        all.iter().map(|record| (record.account.id.as_str(), &record.account)).collect();
    let display_name = |id: &Option<String>| id.as_deref().and_then(|id| by_id.get(id)).map(|a| a.display_name.clone());

    let mut accounts = Vec::new();
    for record in &all {
        if !state.unit_covers(unit, &record.account.unit)? {
            continue;
        }
        let (live_sessions, last_seen_ms) = session::summary(state, &record.account.id)?;
        let unit_name = names.name(&record.account.unit)?;
        accounts.push((
            (record.account.unit != unit, unit_name.clone(), record.account.display_name.clone()),
            StaffAccount {
                account: record.account.clone(),
                unit_name,
                created_at_ms: record.created_at_ms,
                invited_by: display_name(&record.invited_by),
                live_sessions,
                last_seen_ms,
                manageable: may_manage_account(state, caller, &record.account)?,
            },
        ));
    }
    accounts.sort_by(|(a, x), (b, y)| (a, &x.account.username).cmp(&(b, &y.account.username)));

    let now = state.clock.now_ms();
    let mut invitations = Vec::new();
    for (key, record) in invitations::under(state, unit, MAX_INVITATIONS)? {
        invitations.push(StaffInvitation {
            id: crate::hex::to_hex(&key),
            role: record.role,
            unit_name: names.name(&record.unit)?,
            display_name: record.display_name.clone(),
            created_at_ms: record.created_at_ms,
            expires_at_ms: record.expires_at_ms,
            created_by: display_name(&record.created_by),
            state: invitations::state_of(state, &record, now)?,
            accepted_username: record.used_by.as_deref().and_then(|id| by_id.get(id)).map(|a| a.username.clone()),
            manageable: may_manage(state, caller, record.role, &record.unit)?,
            unit: record.unit,
        });
    }

    // The unit itself, then its current hamlets by name.
    let mut offered = vec![page_unit.clone()];
    offered.extend(
        crate::reports::children(state, unit)?
            .into_iter()
            .filter(|child| child.kind == UnitKind::Hamlet)
            .take(MAX_HAMLETS),
    );
    let mut invitable = Vec::new();
    for target in offered.iter().filter(|target| target.valid_to.is_none()) {
        for role in Role::ALL {
            let fits = role.unit_kind().is_none_or(|kind| kind == target.kind);
            if fits && may_manage(state, caller, role, &target.id)? {
                invitable.push(InvitableRole { role, unit: target.id.clone(), unit_name: target.full_name() });
            }
        }
    }

    Ok(StaffPage {
        unit: unit.to_string(),
        unit_name: page_unit.full_name(),
        accounts: accounts.into_iter().map(|(_, account)| account).collect(),
        invitations,
        invitable,
    })
}
