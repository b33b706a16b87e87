//! The unit hierarchy: a unit with its children and predecessors, so a device can walk
//! from a province down to its communes, and from a new commune back to the old ones.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::hamlets::{CloseHamlet, HamletClosed};
use hoctap_shared::units::OrgUnit;
use serde::Serialize;

use super::decode;
use crate::auth::CurrentAccount;
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// A unit with its children.
#[derive(Serialize, utoipa::ToSchema)]
pub struct UnitView {
    unit: OrgUnit,
    /// As written in documents: `Phường Ba Đình`.
    full_name: String,
    children: Vec<ChildView>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChildView {
    id: String,
    full_name: String,
    code: Option<String>,
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}",
    tag = "units",
    operation_id = "units_show",
    summary = "Show an administrative unit and its children",
    params(("id" = String, Path, description = "A unit id, e.g. `province:01:2025` or `commune:00004:2025`")),
    responses(
        (status = 200, description = "The unit, its predecessors and its children", body = UnitView),
        (status = 404, description = "No such unit in the shipped hierarchy (`not_found`)", body = ErrorBody),
    )
)]
pub async fn units_show(State(state): State<AppState>, Path(id): Path<String>) -> Result<Json<UnitView>, ApiError> {
    let registry = &state.catalog.units;
    let unit =
        registry.get(&id).ok_or_else(|| ApiError::NotFound { what: format!("đơn vị hành chính {id:?}") })?;
    let children = registry
        .children(&id)
        .map(|c| ChildView { id: c.id.clone(), full_name: c.full_name(), code: c.code.clone() })
        .collect();
    Ok(Json(UnitView { unit: unit.clone(), full_name: unit.full_name(), children }))
}

/// `POST /units/{id}/close`: a commune merges one of its hamlets into another, or
/// archives one that no longer exists.
#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/close",
    tag = "units",
    operation_id = "units_close",
    summary = "Merge a hamlet into another of its commune, or archive it",
    description = "By whoever may write to the hamlet's commune. With `merged_into`, the hamlet's households, \
                   people and clans still on the register, and its evaluations not recognised of the year of \
                   `on` and later, move to that hamlet (ordinary moves in the log, each checked as a device's \
                   would be); recognised and earlier records stay with the closed hamlet as its history. The \
                   hamlet's unit then ends the day before `on`, and the other hamlet names it as a \
                   predecessor. Without `merged_into` the hamlet is archived, which needs it to hold nothing \
                   that would move. With `dry_run` nothing is written: the answer counts what would move. A \
                   record the rules refuse to move is listed with its reason and the hamlet is not closed \
                   (`closed` is false) until it is settled.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The hamlet's unit id, `hamlet:…`")),
    request_body(content = CloseHamlet),
    responses(
        (status = 200, description = "What moved (or would) and what stays", body = HamletClosed),
        (status = 400, description = "Not a closing request (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write to the hamlet's commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such hamlet where the caller may read (`not_found`)", body = ErrorBody),
        (status = 422, description = "Already closed, a date outside 1 July 2025 to a year ahead, a hamlet to merge into that is not a current one of the same commune, or an archive of a hamlet that still holds records (`hamlet_not_closable`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`, `internal_error`)", body = ErrorBody),
    )
)]
pub async fn units_close(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<HamletClosed>, ApiError> {
    let request: CloseHamlet = decode(&body)?;
    let answer = crate::hamlets::close(&state, &current.account, &id, &request).await?;
    if !request.dry_run {
        tracing::info!(
            by = %current.account.username,
            hamlet = %id,
            into = ?request.merged_into,
            closed = answer.closed,
            moved = answer.moved.total(),
            refused = answer.refused.len(),
            "hamlet closed"
        );
    }
    Ok(Json(answer))
}
