//! Annual reports and the five-year review: computed from the stored records, with the
//! narrative the officer writes; submitted versions frozen; the status of the reports
//! of the units below; a unit's plan as it applies (entered, imported or inherited);
//! and the lineage of today's units, with the assignments of split communes' hamlets.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::annual::{self, AnnualReport, DecisionDocument, Narrative, Review, Submission};
use hoctap_shared::date::Date;
use hoctap_shared::plans::Plan;
use hoctap_shared::report::{
    Assignment, ChildReportStatus, DistrictRequest, DistrictView, LineageOverview, LineageView, ReportPage,
    UnitPlanView, VersionInfo,
};
use hoctap_shared::units::{Lineage, OrgUnit, UnitKind};
use serde::Deserialize;

use super::{decode, RawBody};
use crate::auth::CurrentAccount;
use crate::documents::{print, sheets};
use crate::openapi::ErrorBody;
use crate::reports;
use crate::{ApiError, AppState};

/// The first and last years hoctap keeps reports for.
const YEARS: std::ops::RangeInclusive<i32> = 2015..=2100;

fn check_year(year: i32) -> Result<i32, ApiError> {
    if YEARS.contains(&year) {
        Ok(year)
    } else {
        Err(ApiError::BadRequest { detail: format!("năm {year} nằm ngoài khoảng 2015–2100") })
    }
}

/// The live report of a unit and year.
pub(crate) fn live_report(state: &AppState, unit: &str, year: i32) -> Result<AnnualReport, ApiError> {
    let unit = reports::known_unit(state, unit)?;
    let year = check_year(year)?;
    reports::annual_report(state, &unit, year)
}

/// A frozen version, or 404.
pub(crate) fn version(state: &AppState, unit: &str, year: i32, version: u32) -> Result<Submission, ApiError> {
    reports::submissions(state, unit, year)?
        .into_iter()
        .find(|s| s.version == version)
        .ok_or_else(|| ApiError::NotFound { what: format!("bản báo cáo số {version} năm {year} của {unit}") })
}

fn page(state: &AppState, unit: &str, year: i32) -> Result<ReportPage, ApiError> {
    let report = live_report(state, unit, year)?;
    let versions = reports::submissions(state, unit, year)?.iter().map(VersionInfo::from).collect();
    Ok(ReportPage { report, versions })
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}",
    tag = "reports",
    operation_id = "reports_show",
    summary = "A unit's annual report as the data stand now, with its submitted versions",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year")),
    responses(
        (status = 200, description = "The report and the list of submitted versions", body = ReportPage),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
) -> Result<Json<ReportPage>, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    Ok(Json(page(&state, &unit, year)?))
}

#[utoipa::path(
    put,
    path = "/api/v1/reports/{unit}/{year}/narrative",
    tag = "reports",
    operation_id = "reports_narrative_update",
    summary = "Save the report's narrative sections",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year")),
    request_body = Narrative,
    responses(
        (status = 200, description = "Saved; the report with it", body = ReportPage),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 400, description = "Not a narrative (`bad_request`)", body = ErrorBody),
        (status = 403, description = "No right to write for the unit (`forbidden`)", body = ErrorBody),
    )
)]
pub async fn reports_narrative_update(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    RawBody(body): RawBody,
) -> Result<Json<ReportPage>, ApiError> {
    current.require(&state, Action::Write, &unit)?;
    let narrative: Narrative = decode(&body)?;
    reports::known_unit(&state, &unit)?;
    reports::save_narrative(&state, &unit, check_year(year)?, &narrative)?;
    Ok(Json(page(&state, &unit, year)?))
}

#[utoipa::path(
    post,
    path = "/api/v1/reports/{unit}/{year}/submit",
    tag = "reports",
    operation_id = "reports_submit",
    summary = "Submit the report: freeze it as a new version",
    description = "The report as it stands (figures and narrative) is stored as the next version and never \
                   changes afterwards; whether it came in on time is decided by the day in Vietnam.",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year")),
    responses(
        (status = 200, description = "The frozen version", body = Submission),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No right to write for the unit (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_submit(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
) -> Result<Json<Submission>, ApiError> {
    current.require(&state, Action::Write, &unit)?;
    let report = live_report(&state, &unit, year)?;
    Ok(Json(reports::submit(&state, report, &current.account.username).await?))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/versions/{version}",
    tag = "reports",
    operation_id = "reports_version_show",
    summary = "A submitted version, as it was frozen",
    security(("bearer" = [])),
    params(
        ("unit" = String, Path, description = "A unit id"),
        ("year" = i32, Path, description = "The year"),
        ("version" = u32, Path, description = "1, 2, …")
    ),
    responses(
        (status = 200, description = "The version", body = Submission),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_version_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year, number)): Path<(String, i32, u32)>,
) -> Result<Json<Submission>, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    Ok(Json(version(&state, &unit, year, number)?))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/children",
    tag = "reports",
    operation_id = "reports_children_list",
    summary = "Whether each unit directly below has submitted its report, and on time",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year")),
    responses(
        (status = 200, description = "One status per unit below, by name", body = Vec<ChildReportStatus>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
    )
)]
pub async fn reports_children_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
) -> Result<Json<Vec<ChildReportStatus>>, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    let year = check_year(year)?;
    reports::known_unit(&state, &unit)?;
    let today = Date::in_vietnam(state.clock.now_ms());
    let children = reports::children(&state, &unit)?;
    let mut out = Vec::new();
    for child in children {
        let deadline = reports::deadline(&state, &child)?;
        let deadline = Date::new(year, deadline.month, deadline.day);
        let latest = reports::submissions(&state, &child.id, year)?.last().map(VersionInfo::from);
        let status = match (&latest, deadline) {
            (Some(v), _) if v.on_time == Some(false) => "late",
            (Some(_), _) => "on_time",
            (None, Some(d)) if today > d => "missing",
            (None, _) => "pending",
        };
        out.push(ChildReportStatus {
            unit: child.id.clone(),
            name: child.full_name(),
            deadline,
            latest,
            status: status.to_string(),
        });
    }
    out.sort_by(|a, b| (&a.name, &a.unit).cmp(&(&b.name, &b.unit)));
    Ok(Json(out))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/decisions",
    tag = "reports",
    operation_id = "reports_decisions_list",
    summary = "The recognition decisions behind the year's titles, with the subjects each lists",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year")),
    responses(
        (status = 200, description = "Newest first", body = Vec<DecisionDocument>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_decisions_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
) -> Result<Json<Vec<DecisionDocument>>, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    let report = live_report(&state, &unit, year)?;
    Ok(Json(reports::decisions(&state, &reports::known_unit(&state, &unit)?, &report)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RangeQuery {
    /// First year (default 2021).
    from: Option<i32>,
    /// Last year (default 2025).
    to: Option<i32>,
}

/// The review of a unit over the query's range of years (at most 10), once the caller
/// may read the unit.
pub(crate) fn review_of(
    state: &AppState,
    current: &CurrentAccount,
    unit: &str,
    query: &RangeQuery,
) -> Result<Review, ApiError> {
    current.require(state, Action::Read, unit)?;
    let (from, to) = (query.from.unwrap_or(2021), query.to.unwrap_or(2025));
    let (from, to) = (check_year(from)?, check_year(to)?);
    if to < from || to - from >= 10 {
        return Err(ApiError::BadRequest {
            detail: format!("khoảng năm {from}–{to} không hợp lệ (tối đa 10 năm)")
        });
    }
    let unit = reports::known_unit(state, unit)?;
    // The years before the reform (all years of an old unit) are gathered once for the
    // range; the others are the sums of their parts, as each year's report counts them.
    let gathered = match (from..=to).all(|year| reports::by_parts(&unit, year)) {
        true => None,
        false => Some(reports::gather(state, unit.clone(), unit.valid_to.is_some())?),
    };
    let reports: Vec<AnnualReport> = (from..=to)
        .map(|year| match (&gathered, reports::by_parts(&unit, year)) {
            (Some(scope), false) => reports::report(state, scope, year),
            _ => reports::report_by_parts(state, &unit, year),
        })
        .collect::<Result<_, _>>()?;
    annual::review(&reports).ok_or_else(|| ApiError::BadRequest { detail: "khoảng năm trống".to_string() })
}

#[utoipa::path(
    get,
    path = "/api/v1/reviews/{unit}",
    tag = "reports",
    operation_id = "reviews_show",
    summary = "The review of a range of years (sơ kết 5 năm by default: 2021–2025)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), RangeQuery),
    responses(
        (status = 200, description = "Each ratio per year and its change over the period", body = Review),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 400, description = "A bad range (`bad_request`)", body = ErrorBody),
    )
)]
pub async fn reviews_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(unit): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Json<Review>, ApiError> {
    Ok(Json(review_of(&state, &current, &unit, &query)?))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/plan",
    tag = "plans",
    operation_id = "unit_plan_show",
    summary = "A unit's plan as it applies: its own targets and those it inherits",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    responses(
        (status = 200, description = "The plan's rows and the deadline", body = UnitPlanView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_plan_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<UnitPlanView>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    Ok(Json(reports::plan_view(&state, &unit)?))
}

fn store_plan(state: &AppState, id: &str, plan: Plan) -> Result<UnitPlanView, ApiError> {
    let unit = reports::known_unit(state, id)?;
    reports::check_plan(state, &plan)?;
    reports::save_plan(state, id, plan)?;
    Ok(reports::plan_view(state, &unit)?)
}

#[utoipa::path(
    put,
    path = "/api/v1/units/{id}/plan",
    tag = "plans",
    operation_id = "unit_plan_update",
    summary = "Enter a unit's own plan (targets for 2025 and 2030, responsible bodies, deadline)",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    request_body = Plan,
    responses(
        (status = 200, description = "Saved; the plan as it now applies", body = UnitPlanView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only an approver or administrator of the unit (`forbidden`)", body = ErrorBody),
        (status = 422, description = "The plan has errors (`invalid_plan`, with diagnostics)", body = ErrorBody),
    )
)]
pub async fn unit_plan_update(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<UnitPlanView>, ApiError> {
    current.require(&state, Action::Review, &id)?;
    let plan: Plan = decode(&body)?;
    Ok(Json(store_plan(&state, &id, plan)?))
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/plan/import",
    tag = "plans",
    operation_id = "unit_plan_import",
    summary = "Import a unit's plan from a plan file (TOML, the format of shared/data/plans)",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit id")),
    request_body(content = String, content_type = "text/plain", description = "The plan file's text"),
    responses(
        (status = 200, description = "Imported; the plan as it now applies", body = UnitPlanView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only an approver or administrator of the unit (`forbidden`)", body = ErrorBody),
        (status = 422, description = "The file has errors (`invalid_plan`, with diagnostics and lines)", body = ErrorBody),
    )
)]
pub async fn unit_plan_import(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<UnitPlanView>, ApiError> {
    current.require(&state, Action::Review, &id)?;
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest { detail: "tệp kế hoạch phải là văn bản UTF-8".to_string() })?;
    let (plan, diagnostics) = hoctap_shared::plans::parse(text, &state.catalog.definitions);
    let Some(plan) = plan else { return Err(ApiError::InvalidPlan { diagnostics }) };
    Ok(Json(store_plan(&state, &id, plan)?))
}

fn lineage_view(state: &AppState, id: &str) -> Result<LineageView, ApiError> {
    let unit = reports::known_unit(state, id)?;
    Ok(reports::LineageSources::read(state, &[&unit])?.view(&unit))
}

/// The lineage screen's answer for `unit` (the caller may read it): see
/// [`LineageOverview`]. Every part is read from one [`reports::LineageSources`], and
/// only what the caller may read is in it.
fn lineage_overview(state: &AppState, current: &CurrentAccount, id: &str) -> Result<LineageOverview, ApiError> {
    let unit = reports::known_unit(state, id)?;
    let mut communes = Vec::new();
    for commune in state.catalog.units.children(id).filter(|c| c.kind == UnitKind::Commune) {
        if current.may(state, Action::Read, &commune.id)? {
            communes.push(commune);
        }
    }
    let mut old_provinces = Vec::new();
    for predecessor in &unit.predecessors {
        let province = state.catalog.units.get(&predecessor.unit).is_some_and(|u| u.kind == UnitKind::Province);
        if province && current.may(state, Action::Read, &predecessor.unit)? {
            old_provinces.push(predecessor.unit.as_str());
        }
    }
    let drawn: Vec<&OrgUnit> = std::iter::once(&unit).chain(communes.iter().copied()).collect();
    let sources = reports::LineageSources::read(state, &drawn)?;
    Ok(LineageOverview {
        lineage: sources.view(&unit),
        communes: communes.into_iter().map(|c| sources.view(c)).collect(),
        districts: crate::districts::lists(state, &old_provinces, sources.stored_children())?,
    })
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/lineage",
    tag = "units",
    operation_id = "unit_lineage_show",
    summary = "The old units a unit of today came from, and where their hamlets count",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit of today, e.g. `commune:23629:2025`")),
    responses(
        (status = 200, description = "Predecessors with their hamlets' assignments", body = LineageView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_lineage_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<LineageView>, ApiError> {
    current.require(&state, Action::Read, &id)?;
    Ok(Json(lineage_view(&state, &id)?))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/lineage/overview",
    tag = "units",
    operation_id = "unit_lineage_overview_show",
    summary = "Everything the lineage screen shows, at once",
    description = "The unit's lineage, each commune of today under it with its lineage, and the districts \
                   registered in the old provinces it came from: what `GET /units/{id}/lineage` answers for the \
                   unit and for each of its communes, and `GET /lineage/districts` for each old province, in one \
                   answer read from one pass over the store. Only units the caller may read are in it.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A unit of today, e.g. `province:52:2025`")),
    responses(
        (status = 200, description = "The unit's, its communes' and its old provinces' lineage", body = LineageOverview),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_lineage_overview_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Json<LineageOverview>, ApiError> {
    // Rights first: an outsider learns nothing about which units exist.
    current.require(&state, Action::Read, &id)?;
    // A province's hundred-odd communes: off the runtime's worker threads.
    let overview = crate::blocking(move || lineage_overview(&state, &current, &id)).await?;
    Ok(Json(overview))
}

#[utoipa::path(
    put,
    path = "/api/v1/lineage/assignments",
    tag = "units",
    operation_id = "lineage_assignments_update",
    summary = "Assign a hamlet of a split commune (or the old commune's own records) to a new commune",
    description = "Made once by the new commune's approver or the province administrator; every report of the \
                   new commune from then on counts the hamlet's records and names it among its sources.",
    security(("bearer" = [])),
    request_body = Assignment,
    responses(
        (status = 200, description = "Saved; the lineage of the new commune", body = LineageView),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No right to review for the new commune (`forbidden`)", body = ErrorBody),
        (status = 422, description = "The old unit is unknown or did not partly go into that commune, not told apart (`bad_assignment`)", body = ErrorBody),
    )
)]
pub async fn lineage_assignments_update(
    State(state): State<AppState>,
    current: CurrentAccount,
    RawBody(body): RawBody,
) -> Result<Json<LineageView>, ApiError> {
    let assignment: Assignment = decode(&body)?;
    current.require(&state, Action::Review, &assignment.to)?;
    let bad = || ApiError::BadAssignment { unit: assignment.unit.clone(), to: assignment.to.clone() };
    // An unknown old unit is answered like one that did not go into the commune, so the
    // answer tells no more than the commune's own lineage shows.
    let old = state.unit(&assignment.unit)?.ok_or_else(bad)?;
    // The old commune: the unit itself, or the hamlet's parent.
    let old_commune = match old.kind {
        UnitKind::Hamlet => old.parent.clone().ok_or_else(bad)?,
        UnitKind::Commune => old.id.clone(),
        _ => return Err(bad()),
    };
    let assigned = reports::assignments(&state)?;
    let lineage = Lineage { registry: &state.catalog.units, assignments: &assigned };
    let split_into_target = lineage.whole_successor(&old_commune).is_none()
        && state.catalog.units.successors_of(&old_commune).any(|(u, _)| u.id == assignment.to);
    if !split_into_target {
        return Err(bad());
    }
    reports::assign(&state, &assignment.unit, &assignment.to)?;
    Ok(Json(lineage_view(&state, &assignment.to)?))
}

#[utoipa::path(
    put,
    path = "/api/v1/lineage/districts/{code}",
    tag = "units",
    operation_id = "lineage_districts_update",
    summary = "Register a district before the 2025 reform with its old communes",
    description = "The public data name no district, so the province administrator registers each old district \
                   once (or corrects it: communes left out no longer count under it). Its old communes then count \
                   under it, and its reports for the years before July 2025 show its results as they were recorded.",
    security(("bearer" = [])),
    params(("code" = String, Path, description = "The district's 3-digit code, e.g. `623`")),
    request_body = DistrictRequest,
    responses(
        (status = 200, description = "Registered; the district with its communes", body = DistrictView),
        (status = 400, description = "Not a district request (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "No right to administer the old province (`forbidden`)", body = ErrorBody),
        (status = 422, description = "Every problem with the request: a wrong code, type, province or commune, or a commune already in another district (`bad_district`)", body = ErrorBody),
    )
)]
pub async fn lineage_districts_update(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(code): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<DistrictView>, ApiError> {
    let request: DistrictRequest = decode(&body)?;
    if state.catalog.units.get(&request.province).is_some() {
        current.require(&state, Action::Administer, &request.province)?;
    } else {
        // Not a province at all: say so to whoever may administer anything.
        current.require(&state, Action::Administer, &current.account.unit)?;
    }
    let _guard = state.log_lock.lock().await;
    Ok(Json(crate::districts::register(&state, &code, &request)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DistrictQuery {
    /// An old province, e.g. `province:64:old`.
    province: String,
}

#[utoipa::path(
    get,
    path = "/api/v1/lineage/districts",
    tag = "units",
    operation_id = "lineage_districts_list",
    summary = "The districts registered in an old province, with their communes",
    security(("bearer" = [])),
    params(DistrictQuery),
    responses(
        (status = 200, description = "The districts, by name", body = [DistrictView]),
        (status = 400, description = "No `province` given (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
    )
)]
pub async fn lineage_districts_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Query(query): Query<DistrictQuery>,
) -> Result<Json<Vec<DistrictView>>, ApiError> {
    // Rights first: an outsider learns nothing about which units exist.
    current.require(&state, Action::Read, &query.province)?;
    reports::known_unit(&state, &query.province)?;
    Ok(Json(crate::districts::list(&state, &query.province)?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A submitted version. When absent: the latest submitted version, or the draft
    /// (the report as it stands now) while none was submitted.
    version: Option<u32>,
    /// `true`: the draft as it stands now, even after a submission.
    draft: Option<bool>,
}

/// The report to export, once the caller may read the unit: the version asked for; by
/// default the latest submitted one (what was handed in is what is downloaded and
/// printed), or the draft while nothing was submitted or when the draft is asked for.
fn export_source(
    state: &AppState,
    current: &CurrentAccount,
    unit: &str,
    year: i32,
    query: &VersionQuery,
) -> Result<(AnnualReport, Option<VersionInfo>), ApiError> {
    current.require(state, Action::Read, unit)?;
    let submission = match (query.version, query.draft) {
        (Some(number), _) => Some(version(state, unit, year, number)?),
        (None, Some(true)) => None,
        (None, _) => {
            reports::known_unit(state, unit)?;
            reports::submissions(state, unit, year)?.into_iter().max_by_key(|s| s.version)
        }
    };
    match submission {
        Some(submission) => {
            let info = VersionInfo::from(&submission);
            Ok((submission.report, Some(info)))
        }
        None => Ok((live_report(state, unit, year)?, None)),
    }
}

/// A file download with a content type and an ASCII file name (diacritics folded).
fn download(bytes: Vec<u8>, content_type: &'static str, stem: &str, extension: &str) -> Response {
    let name: String = hoctap_shared::text::fold(stem)
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .split('-')
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    let disposition = format!("attachment; filename=\"{name}.{extension}\"");
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    response
}

fn html(page: String) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"))], page).into_response()
}

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
const CSV: &str = "text/csv; charset=utf-8";

fn sheet_failed(err: crate::documents::sheets::SheetError) -> ApiError {
    ApiError::Document { detail: err.to_string() }
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/report.xlsx",
    tag = "reports",
    operation_id = "reports_xlsx",
    summary = "The report as an XLSX workbook (report, models, units below, narrative)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), VersionQuery),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_xlsx(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let (report, info) = export_source(&state, &current, &unit, year, &query)?;
    let bytes = sheets::report_xlsx(&report, info.as_ref()).map_err(sheet_failed)?;
    Ok(download(bytes, XLSX, &format!("bao cao {} {year}", report.name), "xlsx"))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/report.csv",
    tag = "reports",
    operation_id = "reports_csv",
    summary = "The report's table of indicators as CSV (UTF-8 with BOM)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), VersionQuery),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_csv(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let (report, _) = export_source(&state, &current, &unit, year, &query)?;
    let text = sheets::report_csv(&report);
    Ok(download(text.into_bytes(), CSV, &format!("bao cao {} {year}", report.name), "csv"))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/recognised.xlsx",
    tag = "reports",
    operation_id = "reports_recognised_xlsx",
    summary = "The list of recognised subjects as an XLSX workbook",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), VersionQuery),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_recognised_xlsx(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let (report, _) = export_source(&state, &current, &unit, year, &query)?;
    let bytes = sheets::recognised_xlsx(&report).map_err(sheet_failed)?;
    Ok(download(bytes, XLSX, &format!("danh sach cong nhan {} {year}", report.name), "xlsx"))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/recognised.csv",
    tag = "reports",
    operation_id = "reports_recognised_csv",
    summary = "The list of recognised subjects as CSV (UTF-8 with BOM)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), VersionQuery),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_recognised_csv(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let (report, _) = export_source(&state, &current, &unit, year, &query)?;
    let text = sheets::recognised_csv(&report);
    Ok(download(text.into_bytes(), CSV, &format!("danh sach cong nhan {} {year}", report.name), "csv"))
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/print",
    tag = "reports",
    operation_id = "reports_print",
    summary = "The report as a printable A4 page (Nghị định 30/2020/NĐ-CP layout)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), VersionQuery),
    responses(
        (status = 200, description = "A self-contained HTML page with a print stylesheet", content_type = "text/html", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_print(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<VersionQuery>,
) -> Result<Response, ApiError> {
    let (report, info) = export_source(&state, &current, &unit, year, &query)?;
    Ok(html(print::report_html(&report, info.as_ref())))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DecisionQuery {
    /// The decision's number and symbol, `15/QĐ-UBND`.
    number: String,
    /// Its date, `YYYY-MM-DD`.
    date: Option<Date>,
}

#[utoipa::path(
    get,
    path = "/api/v1/reports/{unit}/{year}/decisions/print",
    tag = "reports",
    operation_id = "reports_decision_print",
    summary = "A recognition decision with its attached list, as a printable A4 page",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), ("year" = i32, Path, description = "The year"), DecisionQuery),
    responses(
        (status = 200, description = "A self-contained HTML page with a print stylesheet", content_type = "text/html", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No decision with that number (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reports_decision_print(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((unit, year)): Path<(String, i32)>,
    Query(query): Query<DecisionQuery>,
) -> Result<Response, ApiError> {
    current.require(&state, Action::Read, &unit)?;
    let report = live_report(&state, &unit, year)?;
    let known = reports::known_unit(&state, &unit)?;
    let decision = reports::decisions(&state, &known, &report)?
        .into_iter()
        .find(|d| d.number == query.number && query.date.is_none_or(|date| d.date == date))
        .ok_or_else(|| ApiError::NotFound { what: format!("quyết định {} năm {year}", query.number) })?;
    // A decision made in a unit of today is sent, for its information, where the
    // unit's report goes.
    let report_to = if known.valid_to.is_none() { reports::report_recipients(&state, &known)? } else { Vec::new() };
    Ok(html(print::decision_html(&decision, &report_to)))
}

#[utoipa::path(
    get,
    path = "/api/v1/reviews/{unit}/review.xlsx",
    tag = "reports",
    operation_id = "reviews_xlsx",
    summary = "The review of a range of years as an XLSX workbook",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), RangeQuery),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reviews_xlsx(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(unit): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let review = review_of(&state, &current, &unit, &query)?;
    let bytes = sheets::review_xlsx(&review).map_err(sheet_failed)?;
    Ok(download(bytes, XLSX, &format!("so ket {} {} {}", review.name, review.from, review.to), "xlsx"))
}

#[utoipa::path(
    get,
    path = "/api/v1/reviews/{unit}/review.csv",
    tag = "reports",
    operation_id = "reviews_csv",
    summary = "The review of a range of years as CSV (UTF-8 with BOM)",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), RangeQuery),
    responses(
        (status = 200, description = "The CSV", content_type = "text/csv", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reviews_csv(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(unit): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    let review = review_of(&state, &current, &unit, &query)?;
    Ok(download(
        sheets::review_csv(&review).into_bytes(),
        CSV,
        &format!("so ket {} {} {}", review.name, review.from, review.to),
        "csv",
    ))
}

#[utoipa::path(
    get,
    path = "/api/v1/reviews/{unit}/print",
    tag = "reports",
    operation_id = "reviews_print",
    summary = "The review of a range of years as a printable A4 page, with trend charts",
    security(("bearer" = [])),
    params(("unit" = String, Path, description = "A unit id"), RangeQuery),
    responses(
        (status = 200, description = "A self-contained HTML page with a print stylesheet", content_type = "text/html", body = String),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope or role (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn reviews_print(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(unit): Path<String>,
    Query(query): Query<RangeQuery>,
) -> Result<Response, ApiError> {
    Ok(html(print::review_html(&review_of(&state, &current, &unit, &query)?)))
}
