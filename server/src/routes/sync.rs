//! Push and pull of operations, and a record's current view and history. Every
//! operation of a push must lie in the caller's scope with the right to do it (review
//! steps need the reviewer's right); otherwise the whole batch is refused and nothing
//! changes.

use axum::extract::{Path, Query, State};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::history::{OriginsRequest, OriginsResponse, RecordHistory, DEFAULT_PAGE, MAX_ORIGINS};
use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{
    PullResponse, PushCounted, PushRequest, PushResponse, RecordId, RecordKind, MAX_OPS_PER_PUSH, PROTOCOL_VERSION,
};
use serde::{Deserialize, Serialize};

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::openapi::ErrorBody;
use crate::{sync, ApiError, AppState};

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PushQuery {
    /// How the answer tells of the accepted operations. Absent: it lists their ids
    /// (`PushResponse`, version 1). `count`: it counts them (`PushCounted`, the answer of
    /// version 2), and every operation sent and listed neither as a duplicate nor as
    /// rejected was accepted. Any other value is refused (`bad_request`).
    ack: Option<String>,
}

/// The answer to a push, as its `ack` asked.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum PushAnswer {
    /// Without `ack`: every accepted operation by id.
    Listed(PushResponse),
    /// With `ack=count`: the accepted operations counted.
    Counted(PushCounted),
}

/// Pushes a batch of operations: each is accepted, a duplicate, or rejected with a
/// reason. Answered only once the accepted operations are durable. With `ack=count` the
/// accepted operations are counted rather than listed (for a full batch of new
/// operations their ids are nearly all of the answer). Every operation must
/// name a unit in the caller's scope (review steps need the right to review); otherwise
/// nothing is stored. Each operation is then decided from what the server holds of its
/// record: the record's own unit, its lock and workflow state, the clock's bounds and
/// the criteria set's rules for a recognition (rejection codes `forbidden`,
/// `clock_skew`, `record_locked`, `not_draft`, `invalid_transition`, `incomplete_evaluation`,
/// `not_eligible`, `invalid_operation`, `unknown_unit`, `op_id_reused`,
/// `evidence_missing`).
#[utoipa::path(
    post,
    path = "/api/v1/sync/push",
    tag = "sync",
    operation_id = "sync_push",
    summary = "Push a batch of operations",
    security(("bearer" = [])),
    params(PushQuery),
    request_body(content = PushRequest, description = "At most 1,000 operations from one device, protocol 1."),
    responses(
        (status = 200, description = "What happened to each operation: without `ack`, a `PushResponse` listing the accepted, the duplicates and the rejected; with `ack=count`, a `PushCounted` counting the accepted (operations sent = accepted + duplicates + rejected). A rejection carries a stable code: `forbidden` (the record belongs to a unit outside the scope), `clock_skew`, `record_locked`, `not_draft` (changing an evaluation's fields, scores or evidence once it was submitted or approved), `invalid_transition`, `incomplete_evaluation`, `not_eligible`, `invalid_operation`, `unknown_unit`, `op_id_reused`, `evidence_missing`", body = PushAnswer),
        (status = 400, description = "Not a push request, or an `ack` other than `count` (`bad_request`), more than 1,000 operations, or another protocol version (`unsupported_protocol`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "An operation lies outside the caller's scope or rights (`forbidden`); nothing was stored", body = ErrorBody),
        (status = 413, description = "The body is over 8 MiB (`body_too_large`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
        (status = 507, description = "The server's disk is full (`storage_full`); nothing of the batch was acknowledged, so the device keeps it and pushes it again later", body = ErrorBody),
    )
)]
pub async fn sync_push(
    State(state): State<AppState>,
    current: CurrentAccount,
    Query(query): Query<PushQuery>,
    RawBody(body): RawBody,
) -> Result<Json<PushAnswer>, ApiError> {
    let counted = match query.ack.as_deref() {
        None => false,
        Some("count") => true,
        Some(other) => {
            let shown: String = other.chars().take(20).collect();
            return Err(ApiError::BadRequest {
                detail: format!("ack chỉ nhận \"count\", không nhận {shown:?}")
            });
        }
    };
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
    let device = current.device().map(|(id, label)| sync::DeviceName { id: id.to_string(), label: label.to_string() });
    let response =
        sync::push_from(&state, &request.ops, sync::Pusher::Account(current.account.clone()), device).await?;
    Ok(Json(if counted { PushAnswer::Counted(response.counted()) } else { PushAnswer::Listed(response) }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PullQuery {
    /// The cursor returned by the previous pull; 0 (the default) starts from the beginning.
    #[serde(default)]
    after: u64,
    /// The most operations to return: 500 when absent, at most 1,000.
    limit: Option<usize>,
    /// The pulling device's id: the operations it made itself after `own_since` are
    /// left out (it holds them already). Absent: every operation is sent.
    device: Option<String>,
    /// With `device`: the clock time (ms since the epoch) from which the device has
    /// kept every operation it made; 0 (the default) for a device that never dropped
    /// its local copy.
    #[serde(default)]
    own_since: i64,
}

/// The operations of the caller's unit and every unit below it, after a cursor, in log
/// order, less those the pulling device made itself (`device`, `own_since`). Answers
/// are gzip-compressed for a client that accepts it, as every API answer is.
#[utoipa::path(
    get,
    path = "/api/v1/sync/pull",
    tag = "sync",
    operation_id = "sync_pull",
    summary = "Pull operations after a cursor",
    security(("bearer" = [])),
    params(PullQuery),
    responses(
        (status = 200, description = "One page of operations; pull again with `cursor` while `more` is true", body = PullResponse),
        (status = 400, description = "A query parameter is not a number (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The account may not read its unit (`forbidden`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn sync_pull(
    State(state): State<AppState>,
    current: CurrentAccount,
    Query(query): Query<PullQuery>,
) -> Result<Json<PullResponse>, ApiError> {
    current.require(&state, Action::Read, &current.account.unit)?;
    let limit = query.limit.unwrap_or(500);
    let unit = current.account.unit.clone();
    let page = crate::blocking(move || {
        let own = query.device.as_deref().map(|device| sync::OwnOps { device, since_ms: query.own_since });
        sync::pull(&state, &unit, query.after, limit, own)
    })
    .await?;
    Ok(Json(page))
}

/// The current view of one record, derived from its operations.
#[utoipa::path(
    get,
    path = "/api/v1/records/{kind}/{id}",
    tag = "sync",
    operation_id = "records_show",
    summary = "Show a record's current view",
    security(("bearer" = [])),
    params(
        ("kind" = RecordKind, Path, description = "The record's kind"),
        ("id" = String, Path, description = "The record's id, minted by the device that created it"),
    ),
    responses(
        (status = 200, description = "The record's fields, conflicts, evidence, workflow status and history", body = RecordView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "Unknown kind or record, or a record outside the caller's scope: the two are not told apart (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn records_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((kind, id)): Path<(String, String)>,
) -> Result<Json<RecordView>, ApiError> {
    let record = record_id(kind, id)?;
    Ok(Json(readable(&state, &current, &record)?))
}

/// The record a path names; an unknown kind is a record that does not exist.
fn record_id(kind: String, id: String) -> Result<RecordId, ApiError> {
    let kind = serde_json::from_value(serde_json::Value::String(kind.clone()))
        .map_err(|_| ApiError::NotFound { what: format!("loại hồ sơ {kind:?}") })?;
    Ok(RecordId { kind, id })
}

/// The record's view, when the caller may read it. A record outside the caller's scope
/// is answered like one that does not exist, so the answer tells nobody which records
/// exist elsewhere.
fn readable(state: &AppState, current: &CurrentAccount, record: &RecordId) -> Result<RecordView, ApiError> {
    match sync::record_view(state, record)? {
        Some(view) if current.may(state, Action::Read, &view.unit)? => Ok(view),
        _ => Err(ApiError::NotFound { what: format!("hồ sơ {record}") }),
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HistoryQuery {
    /// Only events before this position (the `earlier` of the page after); absent: the
    /// latest page.
    before: Option<usize>,
    /// The most events to return: 100 when absent, at most 500.
    limit: Option<usize>,
}

/// A record's history, derived from the log: every operation on the record and every
/// one the server refused, with who (display name and role), when (the server's time
/// and the device's), from which device, and what it changed (old and new values).
#[utoipa::path(
    get,
    path = "/api/v1/records/{kind}/{id}/history",
    tag = "sync",
    operation_id = "records_history",
    summary = "Show a record's history",
    security(("bearer" = [])),
    params(
        ("kind" = RecordKind, Path, description = "The record's kind"),
        ("id" = String, Path, description = "The record's id, minted by the device that created it"),
        HistoryQuery,
    ),
    responses(
        (status = 200, description = "One page of the record's history, oldest first; `earlier` gives the page before", body = RecordHistory),
        (status = 400, description = "A query parameter is not a number (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "Unknown kind or record, or a record outside the caller's scope: the two are not told apart (`not_found`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn records_history(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((kind, id)): Path<(String, String)>,
    Query(query): Query<HistoryQuery>,
) -> Result<Json<RecordHistory>, ApiError> {
    let record = record_id(kind, id)?;
    let limit = query.limit.unwrap_or(DEFAULT_PAGE);
    let page = crate::blocking(move || {
        readable(&state, &current, &record)?;
        let may_read = |unit: &str| current.may(&state, Action::Read, unit).unwrap_or(false);
        sync::history::record_history(&state, &record, query.before, limit, &may_read)
    })
    .await?;
    Ok(Json(page))
}

/// Who sent some operations and when the server took them: the review table's "Người
/// gửi" and "Ngày gửi" for the steps a device holds. Only operations of records the
/// caller may read, each on the record it names; the others are left out.
#[utoipa::path(
    post,
    path = "/api/v1/records/origins",
    tag = "sync",
    operation_id = "records_origins",
    summary = "Tell who sent some operations, and when",
    security(("bearer" = [])),
    request_body(content = OriginsRequest, description = "At most 1,000 operations, each with its record."),
    responses(
        (status = 200, description = "The operations the server can tell of; unknown ones, ones not on the record named, and records outside the caller's scope are left out", body = OriginsResponse),
        (status = 400, description = "Not such a request, or more than 1,000 operations (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 500, description = "Storage failed (`storage_failed`)", body = ErrorBody),
    )
)]
pub async fn records_origins(
    State(state): State<AppState>,
    current: CurrentAccount,
    RawBody(body): RawBody,
) -> Result<Json<OriginsResponse>, ApiError> {
    let request: OriginsRequest = decode(&body)?;
    if request.ops.len() > MAX_ORIGINS {
        return Err(ApiError::BadRequest {
            detail: format!("Hỏi tối đa {MAX_ORIGINS} thao tác một lần; yêu cầu có {}", request.ops.len()),
        });
    }
    let origins = crate::blocking(move || {
        let may_read = |unit: &str| current.may(&state, Action::Read, unit).unwrap_or(false);
        sync::history::origins(&state, &request.ops, &may_read)
    })
    .await?;
    Ok(Json(OriginsResponse { origins }))
}
