//! Criteria sets: list and show the shipped sets, check an administrator's file, and
//! score an evaluation against a shipped set.

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::Json;
use hoctap_shared::criteria::{self, CriteriaSet};
use hoctap_shared::diagnostic::Diagnostic;
use hoctap_shared::scoring::{self, Evaluation, Outcome};
use serde::Serialize;

use super::decode;
use crate::{ApiError, AppState};

#[derive(Serialize)]
pub struct SetSummary {
    id: String,
    version: String,
    model: hoctap_shared::criteria::Model,
    model_title: &'static str,
    name: String,
    status: hoctap_shared::criteria::SetStatus,
    legal_basis: String,
}

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
            })
            .collect(),
    )
}

pub async fn criteria_show(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<CriteriaSet>, ApiError> {
    state.catalog.criteria_set(&id).cloned().map(Json).ok_or(ApiError::Domain(hoctap_shared::Error::UnknownSet { id }))
}

#[derive(Serialize)]
pub struct CheckReport {
    valid: bool,
    id: Option<String>,
    diagnostics: Vec<Diagnostic>,
}

/// Checks a criteria file sent as the request body (TOML text). Always 200 with the
/// diagnostics when the body is text; `valid` says whether the set would load.
pub async fn criteria_check(body: Bytes) -> Result<Json<CheckReport>, ApiError> {
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest { detail: "tệp phải là văn bản UTF-8".to_string() })?;
    let parsed = criteria::parse(text);
    Ok(Json(CheckReport { valid: parsed.set.is_some(), id: parsed.set.map(|s| s.id), diagnostics: parsed.diagnostics }))
}

pub async fn evaluations_score(State(state): State<AppState>, body: Bytes) -> Result<Json<Outcome>, ApiError> {
    let evaluation: Evaluation = decode(&body)?;
    let set = state
        .catalog
        .criteria_set(&evaluation.set)
        .ok_or_else(|| hoctap_shared::Error::UnknownSet { id: evaluation.set.clone() })?;
    Ok(Json(scoring::score(set, &evaluation)?))
}
