//! Criteria sets: list and show the shipped sets, check an administrator's file, and
//! score an evaluation against a shipped set.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::Json;
use hoctap_shared::criteria::{self, CriteriaSet};
use hoctap_shared::diagnostic::Diagnostic;
use hoctap_shared::scoring::{self, Evaluation, Outcome};
use serde::{Deserialize, Serialize};

use super::decode;
use crate::openapi::ErrorBody;
use crate::{ApiError, AppState};

/// A shipped criteria set, in short.
#[derive(Serialize, utoipa::ToSchema)]
pub struct SetSummary {
    id: String,
    version: String,
    model: hoctap_shared::criteria::Model,
    /// The model's title in Vietnamese (`Công dân học tập`).
    model_title: &'static str,
    name: String,
    status: hoctap_shared::criteria::SetStatus,
    /// The legal basis in one line (`244/QĐ-KHVN ngày 01/07/2022 của …`).
    legal_basis: String,
    /// Whether this is the set's newest version, the one new evaluations use; older
    /// versions are kept for the evaluations made with them.
    current: bool,
}

/// Which version of a set.
#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// A version of the set (`2020.1`); without it, the newest.
    version: Option<String>,
}

impl VersionQuery {
    fn find<'a>(&self, state: &'a AppState, id: &str) -> Result<&'a CriteriaSet, ApiError> {
        match &self.version {
            Some(version) => state.catalog.criteria_set(id, Some(version)),
            None => state.catalog.newest_set(id),
        }
        .ok_or_else(|| ApiError::Domain(hoctap_shared::Error::UnknownSet { id: id.to_string() }))
    }
}

#[utoipa::path(
    get,
    path = "/api/v1/criteria",
    tag = "criteria",
    operation_id = "criteria_list",
    summary = "List the shipped criteria sets",
    responses((status = 200, description = "Every shipped set, each version (`current` marks the newest)", body = Vec<SetSummary>))
)]
pub async fn criteria_list(State(state): State<AppState>) -> Json<Vec<SetSummary>> {
    Json(
        state
            .catalog
            .criteria
            .iter()
            .map(|s| SetSummary {
                id: s.id.clone(),
                version: s.version.clone(),
                model: s.model,
                model_title: s.model.title(),
                name: s.name.clone(),
                status: s.status,
                legal_basis: format!(
                    "{} ngày {} của {}",
                    s.legal_basis.number, s.legal_basis.date, s.legal_basis.issuer
                ),
                current: criteria::is_newest(&state.catalog.criteria, s),
            })
            .collect(),
    )
}

#[utoipa::path(
    get,
    path = "/api/v1/criteria/{id}",
    tag = "criteria",
    operation_id = "criteria_show",
    summary = "Show a criteria set",
    params(("id" = String, Path, description = "The set's id, e.g. `cdht-244-2022`"), VersionQuery),
    responses(
        (status = 200, description = "The whole set: criteria, indicators, measures and rule", body = CriteriaSet),
        (status = 404, description = "No such set or version (`unknown_criteria_set`)", body = ErrorBody),
    )
)]
pub async fn criteria_show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(version): Query<VersionQuery>,
) -> Result<Json<CriteriaSet>, ApiError> {
    version.find(&state, &id).cloned().map(Json)
}

/// What checking a criteria file found.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckReport {
    /// Whether the set would load (no error among the diagnostics).
    valid: bool,
    /// The set's id, when it loads.
    id: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// Checks a criteria file sent as the request body (TOML text). Always 200 with the
/// diagnostics when the body is text; `valid` says whether the set would load.
#[utoipa::path(
    post,
    path = "/api/v1/criteria/check",
    tag = "criteria",
    operation_id = "criteria_check",
    summary = "Check a criteria file",
    request_body(content = String, content_type = "text/plain", description = "A criteria file: TOML text in UTF-8 (see `docs/criteria-format.md`)."),
    responses(
        (status = 200, description = "Every diagnostic found; `valid` says whether the set would load", body = CheckReport),
        (status = 400, description = "The body is not UTF-8 text (`bad_request`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
    )
)]
pub async fn criteria_check(body: Bytes) -> Result<Json<CheckReport>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest { detail: "tệp phải là văn bản UTF-8".to_string() })?;
    let parsed = criteria::parse(text);
    Ok(Json(CheckReport { valid: parsed.set.is_some(), id: parsed.set.map(|s| s.id), diagnostics: parsed.diagnostics }))
}

/// Scores an evaluation against a shipped set (its newest version, or `?version=`): totals,
/// the decision and the reasons.
/// Inputs are checked, never clamped.
#[utoipa::path(
    post,
    path = "/api/v1/evaluations/score",
    tag = "scoring",
    operation_id = "evaluations_score",
    summary = "Score an evaluation",
    request_body(content = Evaluation, description = "The set, the subject's context and an answer per indicator."),
    params(VersionQuery),
    responses(
        (status = 200, description = "The outcome with its reasons", body = Outcome),
        (status = 400, description = "Not an evaluation, a key given twice, or more than 1,000 answers, refused while reading with their number (`bad_request`)", body = ErrorBody),
        (status = 404, description = "No such set or version (`unknown_criteria_set`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "A domain rule refused the evaluation (`score_out_of_range`, `missing_indicator`, `unknown_indicator`, `wrong_answer_kind` …); with several problems (`invalid_evaluation`) the first 20 are listed and the rest counted", body = ErrorBody),
    )
)]
pub async fn evaluations_score(
    State(state): State<AppState>,
    Query(version): Query<VersionQuery>,
    body: Bytes,
) -> Result<Json<Outcome>, ApiError> {
    let evaluation: Evaluation = decode(&body)?;
    let set = version.find(&state, &evaluation.set)?;
    Ok(Json(scoring::score(set, &evaluation)?))
}
