//! A unit's staff page: its accounts and invitations, and what the caller may invite,
//! in one request.

use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::accounts::StaffPage;

use crate::auth::{self, CurrentAccount};
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// `GET /units/{id}/staff`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/staff",
    tag = "accounts",
    operation_id = "unit_staff_show",
    summary = "Who works in a unit, its invitations, and whom the caller may invite",
    description = "The accounts and invitations of the unit and every unit under it, each marked `manageable` \
                   when the caller may revoke or restore it (an account) or send it again or revoke it (an \
                   invitation); and `invitable`, the roles the caller may invite on the unit and its current \
                   hamlets. Only for a province administrator within its province and a commune official within \
                   its commune; anyone else gets 403, whether the unit exists or not.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    responses(
        (status = 200, description = "The staff page", body = StaffPage),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller manages nobody on this unit (`forbidden`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn unit_staff_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<StaffPage>, ApiError> {
    Ok(Json(auth::staff_page(&state, &current.account, &id)?))
}
