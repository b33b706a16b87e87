//! A province's own criteria sets: the versions its administrator published (read by
//! anyone who may read a unit of the province), the text of a set to start an
//! adaptation from, and publishing a new version. A published version never changes;
//! an amendment is a higher version.

use std::cmp::Ordering;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::criteria::{self, compare_versions, CriteriaSet};
use hoctap_shared::units::{OrgUnit, UnitKind};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::RawBody;
use crate::auth::CurrentAccount;
use crate::hex::to_hex;
use crate::openapi::ErrorBody;
use crate::store::criteria::{self as stored, PublishedSet};
use crate::{reports, ApiError, AppState};

/// The largest criteria file accepted (as `/criteria/check`).
pub const MAX_CRITERIA_BYTES: usize = 1024 * 1024;

/// One published version of a province's set.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProvinceSet {
    pub set: CriteriaSet,
    pub published_at_ms: i64,
    /// The publisher's name as people know it (never an account id); empty once the
    /// account is gone.
    pub published_by: String,
}

/// `GET /units/{id}/criteria`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct ProvinceSets {
    /// A hash of the list, also sent as the `ETag` header.
    pub etag: String,
    /// Every version the province published, in publish order.
    pub sets: Vec<ProvinceSet>,
}

/// `POST /units/{province}/criteria` answers with the version published.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedVersion {
    pub id: String,
    pub version: String,
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SourceQuery {
    /// The province's version to read; left out: its newest, or the shipped set.
    version: Option<String>,
}

/// The current province of any unit, or 404.
fn province(state: &AppState, id: &str) -> Result<OrgUnit, ApiError> {
    let unit = reports::known_unit(state, id)?;
    reports::province_of(state, &unit)?.ok_or_else(|| ApiError::NotFound { what: format!("tỉnh của {id}") })
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/criteria",
    tag = "criteria",
    operation_id = "unit_criteria_list",
    summary = "The criteria sets the unit's province published, every version",
    description = "Only the province's own sets (the shipped ones are at `/criteria`), in publish order. \
                   Answers an `ETag`; a request whose `If-None-Match` matches gets 304.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Any unit of the province (a province, commune or hamlet)")),
    responses(
        (status = 200, description = "The province's published sets", body = ProvinceSets),
        (status = 304, description = "Unchanged since the `If-None-Match` tag"),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit, or one in no province (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_criteria_list(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    current.require(&state, Action::Read, &id)?;
    let province = province(&state, &id)?;
    let published = stored::published(state.store.as_ref(), &province.id)?;
    let mut hasher = Sha256::new();
    for (id, version, entry) in &published {
        for part in [id.as_bytes(), version.as_bytes(), entry.published_by.as_bytes(), entry.toml.as_bytes()] {
            hasher.update((part.len() as u64).to_le_bytes());
            hasher.update(part);
        }
        hasher.update(entry.published_at_ms.to_le_bytes());
    }
    let etag = format!("\"{}\"", &to_hex(&hasher.finalize())[..32]);
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == etag || tag.trim() == "*"));
    let etag_header = HeaderValue::from_str(&etag).map_err(|_| ApiError::BadRequest { detail: etag.clone() })?;
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, [(header::ETAG, etag_header)]).into_response());
    }
    let mut sets = Vec::new();
    for (_, _, entry) in published {
        // Every stored file was checked when published; one that no longer loads (a
        // stricter loader) is left out rather than failing the whole list.
        let Some(set) = criteria::parse(&entry.toml).set else {
            tracing::warn!(province = %province.id, "a published criteria set no longer loads");
            continue;
        };
        let published_by =
            crate::auth::account(&state, &entry.published_by)?.map(|a| a.display_name).unwrap_or_default();
        sets.push(ProvinceSet { set, published_at_ms: entry.published_at_ms, published_by });
    }
    Ok(([(header::ETAG, etag_header)], Json(ProvinceSets { etag, sets })).into_response())
}

/// The file of set `set` for a caller allowed to read unit `id` to start from: the
/// province's own or a shipped one (see [`source_text`]).
fn readable_source(
    state: &AppState,
    current: &CurrentAccount,
    id: &str,
    set: &str,
    version: Option<&str>,
) -> Result<String, ApiError> {
    current.require(state, Action::Read, id)?;
    let province = province(state, id)?;
    source_text(state, &province.id, set, version)
}

/// The file of `province`'s set `set` (its newest version unless `version` is given) or,
/// when the province has none of that id, of the shipped set.
fn source_text(state: &AppState, province: &str, set: &str, version: Option<&str>) -> Result<String, ApiError> {
    let not_found = || ApiError::NotFound { what: format!("bộ tiêu chí {set}") };
    let own: Vec<(String, String, PublishedSet)> =
        stored::published(state.store.as_ref(), province)?.into_iter().filter(|(id, _, _)| id == set).collect();
    if !own.is_empty() {
        let chosen = match version {
            Some(version) => own.into_iter().find(|(_, v, _)| v == version),
            None => own.into_iter().max_by(|a, b| compare_versions(&a.1, &b.1)),
        };
        return Ok(chosen.ok_or_else(not_found)?.2.toml);
    }
    // The current files first, so that without a version the newest is found.
    criteria::shipped::FILES
        .iter()
        .chain(criteria::shipped::ARCHIVE)
        .map(|(_, text)| *text)
        .find(|text| criteria::parse(text).set.is_some_and(|s| s.id == set && version.is_none_or(|v| s.version == v)))
        .map(str::to_string)
        .ok_or_else(not_found)
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/criteria/{set}/source",
    tag = "criteria",
    operation_id = "unit_criteria_source",
    summary = "The TOML text of a province's set, or of a shipped set to start from",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Any unit of the province"),
        ("set" = String, Path, description = "The set's id"),
        SourceQuery,
    ),
    responses(
        (status = 200, description = "The criteria file", body = String, content_type = "text/plain"),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such unit, set or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_criteria_source(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, set)): Path<(String, String)>,
    Query(query): Query<SourceQuery>,
) -> Result<Response, ApiError> {
    let text = readable_source(&state, &current, &id, &set, query.version.as_deref())?;
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/criteria",
    tag = "criteria",
    operation_id = "unit_criteria_publish",
    summary = "Publish a version of one of the province's criteria sets",
    description = "The body is the criteria file (see `docs/criteria-format.md`); its `effective_from` is the \
                   date it takes effect. Refused when the loader finds an error, when the id is a shipped \
                   set's, or when the version is not above the province's newest of that id.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A province")),
    request_body(content = String, content_type = "text/plain", description = "A criteria file: TOML text in UTF-8."),
    responses(
        (status = 201, description = "Published", body = PublishedVersion),
        (status = 400, description = "The body is not UTF-8 text (`bad_request`)", body = ErrorBody),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only the province's administrator (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit (`not_found`)", body = ErrorBody),
        (status = 409, description = "This version is already published (`criteria_version_exists`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "Not a province (`wrong_unit_kind`); the file has errors, every diagnostic \
                                      listed (`invalid_criteria_set`); a shipped set's id \
                                      (`criteria_id_shipped`) or another province's (`criteria_id_taken`); a version not above the newest \
                                      (`criteria_version_not_newer`)", body = ErrorBody),
    )
)]
pub async fn unit_criteria_publish(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<PublishedVersion>), ApiError> {
    current.require(&state, Action::Administer, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    if unit.kind != UnitKind::Province || unit.valid_to.is_some() {
        return Err(ApiError::WrongUnitKind { unit: unit.id, expected: UnitKind::Province });
    }
    let text = std::str::from_utf8(&body)
        .map_err(|_| ApiError::BadRequest { detail: "tệp phải là văn bản UTF-8".to_string() })?;
    let parsed = criteria::parse(text);
    let Some(set) = parsed.set else { return Err(ApiError::InvalidCriteria { diagnostics: parsed.diagnostics }) };
    // The server's national sets: the shipped ones and any loaded from its data directory.
    if state.catalog.criteria.iter().any(|s| s.id == set.id) {
        return Err(ApiError::CriteriaIdShipped { id: set.id });
    }
    let _publishing = state.criteria_publishing.lock().map_err(|_| crate::store::StoreError::Poisoned)?;
    // One list of sets serves every unit (`AppState::criteria`), so a set's id is its
    // province's alone.
    let every = stored::every_province(state.store.as_ref())?;
    if every.iter().any(|(province, id, _, _)| *id == set.id && *province != unit.id) {
        return Err(ApiError::CriteriaIdTaken { id: set.id });
    }
    let published = stored::published(state.store.as_ref(), &unit.id)?;
    let same_id = published.iter().filter(|(id, _, _)| *id == set.id);
    if same_id.clone().any(|(_, version, _)| *version == set.version) {
        return Err(ApiError::CriteriaVersionExists { id: set.id, version: set.version });
    }
    if let Some(newest) = same_id.map(|(_, v, _)| v.as_str()).max_by(|a, b| compare_versions(a, b)) {
        if compare_versions(&set.version, newest) != Ordering::Greater {
            return Err(ApiError::CriteriaVersionNotNewer { version: set.version, newest: newest.to_string() });
        }
    }
    let entry = PublishedSet {
        toml: text.to_string(),
        published_at_ms: state.clock.now_ms(),
        published_by: current.account.id.clone(),
    };
    if !stored::publish(state.store.as_ref(), &state.criteria_generation, &unit.id, &set.id, &set.version, &entry)? {
        return Err(ApiError::CriteriaVersionExists { id: set.id, version: set.version });
    }
    Ok((StatusCode::CREATED, Json(PublishedVersion { id: set.id, version: set.version })))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/criteria/{set}/template.xlsx",
    tag = "criteria",
    operation_id = "unit_criteria_template",
    summary = "A criteria set as an XLSX template to fill in",
    description = "Sheet “Chỉ số”: one row per indicator (criterion code, name and points, indicator code, \
                   text, evidence hint, maximum, required). Sheet “Thông tin”: the set's id, version, name, \
                   effective date and the set it was made from. Read back by `POST …/criteria/from-xlsx`.",
    security(("bearer" = [])),
    params(
        ("id" = String, Path, description = "Any unit of the province"),
        ("set" = String, Path, description = "The set's id"),
        SourceQuery,
    ),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Outside the caller's scope (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such unit, set or version (`not_found`)", body = ErrorBody),
    )
)]
pub async fn unit_criteria_template(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, set)): Path<(String, String)>,
    Query(query): Query<SourceQuery>,
) -> Result<Response, ApiError> {
    let text = readable_source(&state, &current, &id, &set, query.version.as_deref())?;
    let parsed =
        criteria::parse(&text).set.ok_or_else(|| ApiError::NotFound { what: format!("bộ tiêu chí {set}") })?;
    let bytes = crate::blocking(move || crate::criteria_sheet::template_xlsx(&parsed))
        .await
        .map_err(|err| ApiError::Document { detail: err.to_string() })?;
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    );
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"bo-tieu-chi.xlsx\""));
    Ok(response)
}

/// A filled template read back: the criteria file and every diagnostic.
#[derive(Serialize, utoipa::ToSchema)]
pub struct FromSheet {
    /// The criteria file the sheet describes (to open in the editor, or publish).
    pub toml: String,
    /// The set as read, before the loader's checks (so that an editor can open a file
    /// with errors and show them on its fields).
    pub set: CriteriaSet,
    /// The cells that could not be read, then the loader's diagnostics of the file.
    pub diagnostics: Vec<hoctap_shared::diagnostic::Diagnostic>,
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/criteria/from-xlsx",
    tag = "criteria",
    operation_id = "unit_criteria_from_xlsx",
    summary = "Read a filled XLSX template back into a criteria file",
    description = "Publishes nothing: answers the file and its diagnostics, to check and publish as any file.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A province")),
    request_body(content = Vec<u8>, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "A filled template."),
    responses(
        (status = 200, description = "The file and every diagnostic", body = FromSheet),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "Only the province's administrator (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Unknown unit, or the set the template was made from (`not_found`)", body = ErrorBody),
        (status = 413, description = "The body is over 1 MiB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "Not a province (`wrong_unit_kind`); not a readable template \
                                      (`import_unreadable`)", body = ErrorBody),
    )
)]
pub async fn unit_criteria_from_xlsx(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<FromSheet>, ApiError> {
    current.require(&state, Action::Administer, &id)?;
    let unit = reports::known_unit(&state, &id)?;
    if unit.kind != UnitKind::Province || unit.valid_to.is_some() {
        return Err(ApiError::WrongUnitKind { unit: unit.id, expected: UnitKind::Province });
    }
    let (info, rows) = crate::blocking(move || crate::criteria_sheet::read_xlsx(&body)).await?;
    let base_id = info.get(criteria::sheet::INFO[4]).map(|v| v.trim().to_string()).unwrap_or_default();
    let base_text = source_text(&state, &unit.id, &base_id, None)?;
    let base = criteria::parse(&base_text)
        .set
        .ok_or_else(|| ApiError::NotFound { what: format!("bộ tiêu chí {base_id}") })?;
    let (set, mut diagnostics) = criteria::sheet::read(&base, &info, &rows);
    let toml = criteria::to_toml(&set);
    diagnostics.extend(criteria::parse(&toml).diagnostics);
    Ok(Json(FromSheet { toml, set, diagnostics }))
}
