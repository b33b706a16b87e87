//! A province's recipients of annual reports and recognising authorities after the 2025
//! reform: read by anyone who may read a unit in the province (the answer is the
//! province's, whichever unit of it is named), changed only by the province's
//! administrator.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::authorities::{self, AuthoritiesUpdate, AuthoritiesView, StoredAuthorities};
use hoctap_shared::units::UnitKind;

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::openapi::ErrorBody;
use crate::reports;
use crate::{ApiError, AppState};

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/authorities",
    tag = "plans",
    operation_id = "unit_authorities_show",
    summary = "The recipients of each level's annual report and the recognising authority of each title, in \
               the unit's province",
    description = "Each row holds the value that applies, the default beside it, whether the province set it \
                   and whether a source confirms the default. Names may hold `{xã}` and `{tỉnh}`, filled in \
                   each document.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Any unit of the province (a province, commune or hamlet)")),
    responses(
        (status = 200, description = "The province's settings as they apply", body = AuthoritiesView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit, or one in no province (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_authorities_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<AuthoritiesView>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    let province = reports::province_of(&state, &unit)?
        .ok_or_else(|| ApiError::NotFound { what: format!("tỉnh của {id}") })?;
    let mut view = reports::authorities(&state, &province)?;
    view.commune_name = Some(reports::places(&state, &unit)?.commune).filter(|c| !c.is_empty());
    Ok(Json(view))
}

#[utoipa::path(
    put,
    path = "/api/v1/units/{id}/authorities",
    tag = "plans",
    operation_id = "unit_authorities_update",
    summary = "Set a province's recipients and recognising authorities",
    description = "The entries sent replace every earlier setting; an entry left out takes its default. \
                   Names of district bodies (abolished on 1 July 2025) are refused.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A province")),
    request_body = AuthoritiesUpdate,
    responses(
        (status = 200, description = "Saved; the settings as they now apply", body = AuthoritiesView),
        (status = 400, description = "Not the expected JSON (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only the province's administrator (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
        (status = 422, description = "Not a province (`wrong_unit_kind`), or every problem of the body \
                                      (`invalid_authorities`)", body = ErrorBody),
    )
)]
pub async fn unit_authorities_update(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<AuthoritiesView>, ApiError> {
    current.require(&state, Action::Administer, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    if unit.kind != UnitKind::Province || unit.valid_to.is_some() {
        return Err(ApiError::WrongUnitKind { unit: unit.id, expected: UnitKind::Province });
    }
    let update: AuthoritiesUpdate = decode(&body)?;
    let problems = authorities::check(&update);
    if !problems.is_empty() {
        return Err(ApiError::InvalidAuthorities { problems });
    }
    let stored = StoredAuthorities {
        settings: authorities::normalised(update),
        updated_at_ms: state.clock.now_ms(),
        updated_by: current.account.username.clone(),
    };
    crate::store::authorities::put(state.store.as_ref(), &unit.id, &stored)?;
    Ok(Json(reports::authorities(&state, &unit)?))
}
