//! Citizens' self-assessment campaigns, the officers' side (issue 18): a hamlet (or a
//! commune for its hamlets) opens one for a year and a Learning Citizen set, lists its
//! campaigns and closes one. What citizens send reaches the hamlet's queue, never the
//! registers (`hoctap_shared::selfassess`).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::criteria::{self, Model};
use hoctap_shared::date::Date;
use hoctap_shared::selfassess::{Campaign, OpenCampaign, MAX_ANSWERS};
use hoctap_shared::units::UnitKind;

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::openapi::ErrorBody;
use crate::store::campaigns as stored;
use crate::{reports, ApiError, AppState};

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
        (status = 200, description = "The campaigns", body = Vec<Campaign>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
    )
)]
pub async fn unit_campaigns_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<Vec<Campaign>>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    let mut list = Vec::new();
    for campaign in stored::all(state.store.as_ref())? {
        if state.unit_covers(&id, &campaign.unit)? {
            list.push(campaign);
        }
    }
    Ok(Json(list))
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
    let not_found = || ApiError::NotFound { what: "chiến dịch tự đánh giá".to_string() };
    let mut campaign = stored::get(state.store.as_ref(), &id)?.ok_or_else(not_found)?;
    // Out of scope answers as missing: the id is a link's secret.
    if !current.may(&state, Action::Write, &campaign.unit)? {
        return Err(not_found());
    }
    if campaign.closed_at_ms.is_none() {
        campaign.closed_at_ms = Some(state.clock.now_ms());
        stored::put(state.store.as_ref(), &campaign)?;
    }
    Ok(Json(campaign))
}
