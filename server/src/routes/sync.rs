//! Push and pull of operations, and a record's current view. Every operation of a push
//! must lie in the caller's scope with the right to do it (review steps need the
//! reviewer's right); otherwise the whole batch is refused and nothing changes.

use axum::extract::{Path, Query, State};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{PullResponse, PushRequest, PushResponse, RecordId, MAX_OPS_PER_PUSH, PROTOCOL_VERSION};
use serde::Deserialize;

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::{sync, ApiError, AppState};

pub async fn sync_push(
    State(state): State<AppState>,
    current: CurrentAccount,
    RawBody(body): RawBody,
) -> Result<Json<PushResponse>, ApiError> {
    let request: PushRequest = decode(&body)?;
    if request.protocol != PROTOCOL_VERSION {
        return Err(ApiError::UnsupportedProtocol { got: request.protocol });
    }
    if request.ops.len() > MAX_OPS_PER_PUSH {
        return Err(ApiError::BadRequest {
            detail: format!("một lần gửi tối đa {MAX_OPS_PER_PUSH} thao tác, nhận {}", request.ops.len()),
        });
    }
    for op in &request.ops {
        current.require(&state, Action::Write, &op.unit)?;
        if sync::needs_review(op) {
            current.require(&state, Action::Review, &op.unit)?;
        }
    }
    Ok(Json(sync::push(&state, &request.ops).await?))
}

#[derive(Deserialize)]
pub struct PullQuery {
    #[serde(default)]
    after: u64,
    limit: Option<usize>,
}

pub async fn sync_pull(
    State(state): State<AppState>,
    current: CurrentAccount,
    Query(query): Query<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    current.require(&state, Action::Read, &current.account.unit)?;
    let limit = query.limit.unwrap_or(500);
    Ok(Json(sync::pull(&state, &current.account.unit, query.after, limit)?))
}

pub async fn records_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<RecordView>, ApiError> {
    let kind = serde_json::from_value(serde_json::Value::String(kind.clone()))
        .map_err(|_| ApiError::NotFound { what: format!("loại hồ sơ {kind:?}") })?;
    let record = RecordId { kind, id };
    let view =
        sync::record_view(&state, &record)?.ok_or_else(|| ApiError::NotFound { what: format!("hồ sơ {record}") })?;
    current.require(&state, Action::Read, &view.unit)?;
    Ok(Json(view))
}
