//! Citizens' self-assessment campaigns, the officers' side (issue 18): a hamlet (or a
//! commune for its hamlets) opens one for a year and a Learning Citizen set, lists its
//! campaigns and closes one. What citizens send reaches the hamlet's queue, never the
//! registers (`hoctap_shared::selfassess`).

use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::criteria::{self, Model};
use hoctap_shared::date::Date;
use hoctap_shared::selfassess::{
    AcceptAnswer, Accepted, Campaign, CampaignSummary, DiscardAnswer, OpenCampaign, PublicCampaign, QueueAnswer,
    Receipt, ReceiptStatus, SubmitAnswer, MAX_ANSWERS,
};
use hoctap_shared::units::UnitKind;

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::limits::Peer;
use crate::openapi::ErrorBody;
use crate::store::campaigns as stored;
use crate::{campaigns, reports, ApiError, AppState};

/// The longest a campaign may stay open.
const MAX_OPEN_DAYS: i64 = 366;

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/campaigns",
    tag = "self-assessment",
    operation_id = "unit_campaigns_open",
    summary = "Open a self-assessment campaign for a hamlet (or a commune)",
    description = "The campaign's id is its link's secret. The set is a Learning Citizen set in force during \
                   the year, in its newest version then.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A hamlet or commune")),
    request_body = OpenCampaign,
    responses(
        (status = 201, description = "Opened", body = Campaign),
        (status = 400, description = "Not the expected JSON (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope, or no write there (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
        (status = 422, description = "Not a hamlet or commune (`wrong_unit_kind`); every problem of the body \
                                      (`invalid_campaign`)", body = ErrorBody),
    )
)]
pub async fn unit_campaigns_open(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<Campaign>), ApiError> {
    current.require(&state, Action::Write, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    if !matches!(unit.kind, UnitKind::Hamlet | UnitKind::Commune) || unit.valid_to.is_some() {
        return Err(ApiError::WrongUnitKind { unit: unit.id, expected: UnitKind::Hamlet });
    }
    let request: OpenCampaign = decode(&body)?;
    let now_ms = state.clock.now_ms();
    let today = Date::in_vietnam(now_ms);
    let mut problems = Vec::new();
    if !(today.year() - 1..=today.year() + 1).contains(&request.year) {
        problems.push(format!("Năm đánh giá cần từ {} đến {}", today.year() - 1, today.year() + 1));
    }
    let sets = state.criteria()?;
    let set = criteria::for_year(&sets, request.year)
        .find(|s| s.id == request.set && s.model == Model::LearningCitizen)
        .cloned();
    if set.is_none() {
        problems
            .push(format!("Không có bộ tiêu chí “Công dân học tập” {:?} áp dụng năm {}", request.set, request.year));
    }
    if request.valid_until < today || request.valid_until.days_since(today) > MAX_OPEN_DAYS {
        problems.push(format!("Hạn nhận cần từ hôm nay đến tối đa {MAX_OPEN_DAYS} ngày sau"));
    }
    if !(1..=MAX_ANSWERS).contains(&request.max_answers) {
        problems.push(format!("Số câu trả lời tối đa cần từ 1 đến {MAX_ANSWERS}"));
    }
    let Some(set) = set.filter(|_| problems.is_empty()) else {
        return Err(ApiError::InvalidCampaign { problems });
    };
    let campaign = Campaign {
        id: crate::auth::new_id()?,
        unit: unit.id,
        year: request.year,
        set: set.id.clone(),
        set_version: set.version.clone(),
        valid_until: request.valid_until,
        max_answers: request.max_answers,
        opened_by: current.account.id.clone(),
        opened_at_ms: now_ms,
        closed_at_ms: None,
    };
    if !stored::open(state.store.as_ref(), &campaign)? {
        // 128 random bits: a second campaign with the same id is not a case to handle.
        return Err(ApiError::InvalidCampaign { problems: vec!["Hãy thử lại".to_string()] });
    }
    Ok((StatusCode::CREATED, Json(campaign)))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/campaigns",
    tag = "self-assessment",
    operation_id = "unit_campaigns_list",
    summary = "The unit's campaigns and those of the units below it, newest first",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit")),
    responses(
        (status = 200, description = "The campaigns with their counts", body = Vec<CampaignSummary>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
    )
)]
pub async fn unit_campaigns_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Vec<CampaignSummary>>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    Ok(Json(campaigns::summaries(&state, &id)?))
}

#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/close",
    tag = "self-assessment",
    operation_id = "campaign_close",
    summary = "Close a campaign: its link takes no more answers",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign")),
    responses(
        (status = 200, description = "Closed (closing again changes nothing)", body = Campaign),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such campaign in the caller's scope (`not_found`)", body = ErrorBody),
    )
)]
pub async fn campaign_close(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Campaign>, ApiError> {
    let campaign = in_scope(&state, &current, Action::Write, &id)?;
    Ok(Json(campaigns::close(&state, &campaign.id).await?))
}

/// The campaign `id` if the caller may take `action` on its unit; outside the scope it
/// is as missing (the id is a link's secret).
fn in_scope(state: &AppState, current: &CurrentAccount, action: Action, id: &str) -> Result<Campaign, ApiError> {
    let campaign = campaigns::campaign(state, id)?;
    if !current.may(state, action, &campaign.unit)? {
        return Err(campaigns::no_campaign());
    }
    Ok(campaign)
}

#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/answers",
    tag = "self-assessment",
    operation_id = "campaign_answers_list",
    summary = "A campaign's answers in the order received, with the people each may be",
    description = "Candidates are people of the answer's hamlet with the same name without diacritics, \
                   surest first (same birth year and household head, then a year off or the same head, then \
                   namesakes). `duplicate_of` names the receipt of an earlier answer with the same name and \
                   birth year.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign")),
    responses(
        (status = 200, description = "The answers", body = Vec<QueueAnswer>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such campaign in the caller's scope (`not_found`)", body = ErrorBody),
    )
)]
pub async fn campaign_answers_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Vec<QueueAnswer>>, ApiError> {
    let campaign = in_scope(&state, &current, Action::Read, &id)?;
    Ok(Json(campaigns::queue(&state, &campaign)?))
}

#[utoipa::path(
    get,
    path = "/api/v1/campaigns/{id}/photos/{sha256}",
    tag = "self-assessment",
    operation_id = "campaign_photo_show",
    summary = "A photo a citizen sent to the campaign",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign"), ("sha256" = String, Path, description = "The photo's SHA-256")),
    responses(
        (status = 200, description = "The photo", content(("image/jpeg"), ("image/png"), ("image/webp"))),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such campaign in the caller's scope, or no such photo sent to it (`not_found`)", body = ErrorBody),
    )
)]
pub async fn campaign_photo_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let campaign = in_scope(&state, &current, Action::Read, &id)?;
    let not_found = || ApiError::NotFound { what: "ảnh này".to_string() };
    if !crate::store::campaigns::has_photo(state.store.as_ref(), &campaign.id, &sha256)? {
        return Err(not_found());
    }
    let meta = crate::evidence::meta(&state, &sha256)?.ok_or_else(not_found)?;
    let bytes = crate::evidence::bytes(&state, &sha256)?.ok_or_else(not_found)?;
    Ok((
        [
            (header::CONTENT_TYPE, meta.media_type),
            (header::CACHE_CONTROL, "private, max-age=31536000, immutable".to_string()),
        ],
        bytes,
    )
        .into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/answers/{answer}/accept",
    tag = "self-assessment",
    operation_id = "campaign_answer_accept",
    summary = "Accept an answer as a person of its hamlet (or a new one) and open their evaluation",
    description = "As the signed-in officer, through the sync path: adds the person when `person` is null, and \
                   opens the person's evaluation of the campaign's set and year (or takes its draft) with the \
                   citizen's self-assessment beside it (`self_assessment`) and their photos as evidence. No \
                   officer score is written: the officer scores it as any other.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign"), ("answer" = String, Path, description = "The answer")),
    request_body = AcceptAnswer,
    responses(
        (status = 200, description = "The person and the evaluation", body = Accepted),
        (status = 400, description = "Not the expected JSON (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such campaign in the caller's scope, or no such answer (`not_found`)", body = ErrorBody),
        (status = 409, description = "Accepted or discarded already, no such person in the hamlet, or the person's \
                                      evaluation is no longer a draft (`answer_not_waiting`)", body = ErrorBody),
    )
)]
pub async fn campaign_answer_accept(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, answer)): Path<(String, String)>,
    RawBody(body): RawBody,
) -> Result<Json<Accepted>, ApiError> {
    let campaign = in_scope(&state, &current, Action::Write, &id)?;
    let request: AcceptAnswer = decode(&body)?;
    Ok(Json(campaigns::accept(&state, &current.account, &campaign, &answer, request.person.as_deref()).await?))
}

#[utoipa::path(
    post,
    path = "/api/v1/campaigns/{id}/answers/{answer}/discard",
    tag = "self-assessment",
    operation_id = "campaign_answer_discard",
    summary = "Discard an answer that is not genuine, with a reason (the citizen sees it with the receipt)",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "The campaign"), ("answer" = String, Path, description = "The answer")),
    request_body = DiscardAnswer,
    responses(
        (status = 200, description = "The answer as discarded", body = QueueAnswer),
        (status = 400, description = "Not the expected JSON, or no reason (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 404, description = "No such campaign in the caller's scope, or no such answer (`not_found`)", body = ErrorBody),
        (status = 409, description = "Accepted or discarded already (`answer_not_waiting`)", body = ErrorBody),
    )
)]
pub async fn campaign_answer_discard(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, answer)): Path<(String, String)>,
    RawBody(body): RawBody,
) -> Result<Json<QueueAnswer>, ApiError> {
    let campaign = in_scope(&state, &current, Action::Write, &id)?;
    let request: DiscardAnswer = decode(&body)?;
    campaigns::discard(&state, &current.account, &campaign, &answer, &request.reason).await?;
    Ok(Json(campaigns::queued(&state, &campaign, &answer)?))
}

#[utoipa::path(
    get,
    path = "/api/v1/c/{token}",
    tag = "self-assessment",
    operation_id = "citizen_campaign_show",
    summary = "What a campaign's link shows a citizen (no login)",
    description = "Who runs it, the hamlets to choose from, the consent text and, while it takes answers, the \
                   set to answer. Closed, past its last day or full: `open` is false and `closed_because` says \
                   why.",
    params(("token" = String, Path, description = "The campaign's id, from its link")),
    responses(
        (status = 200, description = "The campaign", body = PublicCampaign),
        (status = 404, description = "No such campaign (`not_found`)", body = ErrorBody),
    )
)]
pub async fn citizen_campaign_show(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<PublicCampaign>, ApiError> {
    Ok(Json(campaigns::public(&state, &token)?))
}

#[utoipa::path(
    put,
    path = "/api/v1/c/{token}/photos/{sha256}",
    tag = "self-assessment",
    operation_id = "citizen_photo_put",
    summary = "Send a photo for an answer, before the answer (no login)",
    params(("token" = String, Path, description = "The campaign's id, from its link"), ("sha256" = String, Path, description = "The photo's SHA-256, 64 lowercase hex digits")),
    request_body(content_type = "application/octet-stream", description = "A JPEG, PNG or WebP image of at most 1 MiB."),
    responses(
        (status = 204, description = "Kept (sending it again changes nothing)"),
        (status = 400, description = "The bytes do not hash to `sha256` (`evidence_hash_mismatch`)", body = ErrorBody),
        (status = 404, description = "No such campaign (`not_found`)", body = ErrorBody),
        (status = 409, description = "The campaign took as many photos as it allows (`campaign_full`)", body = ErrorBody),
        (status = 410, description = "Closed or past its last day (`campaign_closed`)", body = ErrorBody),
        (status = 413, description = "Over 1 MiB (`evidence_too_large`, `body_too_large`)", body = ErrorBody),
        (status = 415, description = "Not an image by content (`evidence_type_not_allowed`)", body = ErrorBody),
        (status = 429, description = "Too many requests from this address or to this campaign (`too_many_requests`, `Retry-After`)", body = ErrorBody),
    )
)]
pub async fn citizen_photo_put(
    State(state): State<AppState>,
    peer: Peer,
    Path((token, sha256)): Path<(String, String)>,
    RawBody(body): RawBody,
) -> Result<StatusCode, ApiError> {
    campaigns::put_photo(&state, &token, &peer, &sha256, &body)?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(
    post,
    path = "/api/v1/c/{token}/answers",
    tag = "self-assessment",
    operation_id = "citizen_answer_send",
    summary = "Send a citizen's answer (no login); sending the same answer id again is the same answer",
    description = "The answer is checked as an officer's input is (every problem listed) and reaches the \
                   hamlet's queue, never the registers. The receipt is all the citizen gets back.",
    params(("token" = String, Path, description = "The campaign's id, from its link")),
    request_body = SubmitAnswer,
    responses(
        (status = 200, description = "This answer id came before: its receipt", body = Receipt),
        (status = 201, description = "Taken", body = Receipt),
        (status = 400, description = "Not the expected JSON, or a bad answer id (`bad_request`)", body = ErrorBody),
        (status = 404, description = "No such campaign (`not_found`)", body = ErrorBody),
        (status = 409, description = "The campaign took as many answers as it allows (`campaign_full`)", body = ErrorBody),
        (status = 410, description = "Closed or past its last day (`campaign_closed`)", body = ErrorBody),
        (status = 413, description = "Over 64 KiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "Every problem of the answer (`invalid_answer`)", body = ErrorBody),
        (status = 429, description = "Too many requests from this address or to this campaign (`too_many_requests`, `Retry-After`)", body = ErrorBody),
    )
)]
pub async fn citizen_answer_send(
    State(state): State<AppState>,
    peer: Peer,
    Path(token): Path<String>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<Receipt>), ApiError> {
    let submitted: SubmitAnswer = decode(&body)?;
    let (new, receipt) = campaigns::take(&state, &token, &peer, submitted).await?;
    Ok((if new { StatusCode::CREATED } else { StatusCode::OK }, Json(Receipt { receipt })))
}

#[utoipa::path(
    get,
    path = "/api/v1/receipts/{receipt}",
    tag = "self-assessment",
    operation_id = "receipt_show",
    summary = "Where a citizen's answer stands, by its receipt (no login)",
    description = "The status and, when returned or discarded, the officer's comment: nothing else.",
    params(("receipt" = String, Path, description = "The receipt as typed (case, dashes and spaces do not matter)")),
    responses(
        (status = 200, description = "The status", body = ReceiptStatus),
        (status = 404, description = "No such receipt (`not_found`)", body = ErrorBody),
        (status = 429, description = "Too many lookups from this address (`too_many_requests`, `Retry-After`)", body = ErrorBody),
    )
)]
pub async fn receipt_show(
    State(state): State<AppState>,
    peer: Peer,
    Path(receipt): Path<String>,
) -> Result<Json<ReceiptStatus>, ApiError> {
    Ok(Json(campaigns::receipt_status(&state, &peer, &receipt)?))
}
