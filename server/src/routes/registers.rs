//! A commune's registers of households and people as spreadsheets: the import template,
//! the preview and confirmation of an import (a job with progress), and the export in
//! the template's layout. Every route needs the right to write in the commune.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::accounts::Action;
use hoctap_shared::import::{self, ImportJob, Preview};
use hoctap_shared::units::UnitKind;
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::RawBody;
use crate::auth::CurrentAccount;
use crate::documents::registers as sheets;
use crate::openapi::ErrorBody;
use crate::{registers, ApiError, AppState};

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The caller may write in `id`, and `id` is a commune of today; otherwise 403 or 404.
fn commune(state: &AppState, current: &CurrentAccount, id: &str) -> Result<String, ApiError> {
    current.require(state, Action::Write, id)?;
    match state.unit(id)? {
        Some(unit) if unit.kind == UnitKind::Commune && unit.valid_to.is_none() => Ok(unit.id),
        _ => Err(ApiError::NotFound { what: "xã, phường này".to_string() }),
    }
}

fn download(bytes: Vec<u8>, name: &'static str) -> Response {
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(XLSX));
    headers.insert(header::CONTENT_DISPOSITION, HeaderValue::from_static(name));
    response
}

fn sheet_failed(err: crate::documents::sheets::SheetError) -> ApiError {
    ApiError::Document { detail: err.to_string() }
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/registers/template.xlsx",
    tag = "registers",
    operation_id = "registers_template",
    summary = "The XLSX template for importing a commune's households and people",
    description = "Sheet “Danh sách”: the columns STT, Thôn, tổ dân phố, Mã hộ, Họ tên chủ hộ, Địa chỉ, Họ và \
                   tên, Năm sinh, Giới tính, Quan hệ với chủ hộ, Kỹ năng số, Đang đi học, the header row frozen, \
                   drop-down lists on the hamlet and coded columns (from sheet “Danh mục”, the commune's hamlets \
                   by name); sheet “Hướng dẫn” explains each column.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A commune of today, e.g. `commune:23629:2025`")),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write in the commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not a commune of today (`not_found`)", body = ErrorBody),
    )
)]
pub async fn registers_template(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let commune = commune(&state, &current, &id)?;
    let bytes = crate::blocking(move || {
        let (hamlets, _) = registers::gather(&state, &commune)?;
        sheets::template_xlsx(&hamlets).map_err(sheet_failed)
    })
    .await?;
    Ok(download(bytes, "attachment; filename=\"mau-nhap-so-ho-nguoi-dan.xlsx\""))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/registers.xlsx",
    tag = "registers",
    operation_id = "registers_export",
    summary = "A commune's households and people as XLSX, in the template's layout",
    description = "One row per person with their household's columns (a household without members on a row of \
                   its own), by hamlet, household and the head first. Importing the file again changes nothing. \
                   Records kept at the commune rather than in a hamlet are not listed.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A commune of today")),
    responses(
        (status = 200, description = "The workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write in the commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not a commune of today (`not_found`)", body = ErrorBody),
    )
)]
pub async fn registers_export(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let commune = commune(&state, &current, &id)?;
    let bytes = crate::blocking(move || {
        let (hamlets, stored) = registers::gather(&state, &commune)?;
        let rows = import::export_rows(&hamlets, &stored);
        sheets::registers_xlsx(&hamlets, &rows).map_err(sheet_failed)
    })
    .await?;
    Ok(download(bytes, "attachment; filename=\"so-ho-nguoi-dan.xlsx\""))
}

/// Reads and checks the uploaded file against what is stored now.
async fn planned(state: &AppState, commune: &str, body: axum::body::Bytes) -> Result<import::Plan, ApiError> {
    let (state, commune) = (state.clone(), commune.to_string());
    crate::blocking(move || {
        let sha256 = crate::hex::to_hex(&Sha256::digest(&body));
        let rows = registers::read_rows(&body)?;
        registers::plan(&state, &commune, &rows, &sha256)
    })
    .await
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/registers/import/preview",
    tag = "registers",
    operation_id = "registers_import_preview",
    summary = "Check a register file and tell what importing it would do; nothing is written",
    description = "The body is the file itself, XLSX or CSV (UTF-8, separated by commas, semicolons or tabs), told \
                   apart by its bytes, at most 10 MB and 50,000 data rows. The header row is found among the first \
                   20 rows; headers match ignoring case, diacritics and spacing. Every problem is listed by row \
                   (as numbered in the sheet) and column, in Vietnamese, with the probable duplicates and the \
                   counts of households and people to create, update or leave unchanged.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A commune of today")),
    request_body(content_type = "application/octet-stream", description = "The XLSX or CSV file's bytes"),
    responses(
        (status = 200, description = "The preview; `file_sha256` confirms it", body = Preview),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write in the commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not a commune of today (`not_found`)", body = ErrorBody),
        (status = 413, description = "The file is over 10 MB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "The file as a whole cannot be imported: not XLSX or UTF-8 CSV, damaged, too large unpacked (`import_unreadable`); no header row (`import_no_header`); a required column missing (`import_missing_columns`); over 50,000 rows (`import_too_many_rows`)", body = ErrorBody),
    )
)]
pub async fn registers_import_preview(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    RawBody(body): RawBody,
) -> Result<Json<Preview>, ApiError> {
    let commune = commune(&state, &current, &id)?;
    Ok(Json(planned(&state, &commune, body).await?.preview))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConfirmQuery {
    /// The `file_sha256` of the preview being confirmed.
    sha256: String,
}

#[utoipa::path(
    post,
    path = "/api/v1/units/{id}/registers/import",
    tag = "registers",
    operation_id = "registers_import",
    summary = "Import a previewed register file: a job that writes its rows as operations",
    description = "Send the previewed file again with its `sha256`. The file is checked again against what is \
                   stored now; its rows without problems become `set_fields` operations pushed as the caller, \
                   so every authority check applies and the hamlets' devices receive them by sync. Only new \
                   records and changed fields are written: importing the same file twice changes nothing. \
                   Answers at once with the job; follow it with `GET …/registers/import/{job}`.",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A commune of today"), ConfirmQuery),
    request_body(content_type = "application/octet-stream", description = "The same file's bytes"),
    responses(
        (status = 202, description = "The job has started", body = ImportJob),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write in the commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "Not a commune of today (`not_found`)", body = ErrorBody),
        (status = 409, description = "The file is not the one previewed (`import_file_changed`), or an import of the commune is running (`import_running`)", body = ErrorBody),
        (status = 413, description = "The file is over 10 MB (`body_too_large`)", body = ErrorBody),
        (status = 422, description = "The file as a whole cannot be imported (as for the preview)", body = ErrorBody),
    )
)]
pub async fn registers_import(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path(id): Path<String>,
    Query(query): Query<ConfirmQuery>,
    RawBody(body): RawBody,
) -> Result<(StatusCode, Json<ImportJob>), ApiError> {
    let commune = commune(&state, &current, &id)?;
    if !query.sha256.eq_ignore_ascii_case(&crate::hex::to_hex(&Sha256::digest(&body))) {
        return Err(ApiError::ImportFileChanged);
    }
    let plan = planned(&state, &commune, body).await?;
    let job = registers::start(&state, &commune, current.account.clone(), plan)?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/registers/import/{job}",
    tag = "registers",
    operation_id = "registers_import_show",
    summary = "An import job's progress",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "A commune of today"), ("job" = String, Path, description = "The job, as the confirmation answered")),
    responses(
        (status = 200, description = "The job: `running`, `done` or `failed`, rows done of the total, records created, updated and unchanged, rows skipped, changes refused", body = ImportJob),
        (status = 401, description = "No valid session (`unauthenticated`)", body = ErrorBody),
        (status = 403, description = "The caller may not write in the commune (`forbidden`)", body = ErrorBody),
        (status = 404, description = "No such job of this commune (jobs are forgotten when the server restarts) (`not_found`)", body = ErrorBody),
    )
)]
pub async fn registers_import_show(
    State(state): State<AppState>,
    current: CurrentAccount,
    Path((id, job)): Path<(String, String)>,
) -> Result<Json<ImportJob>, ApiError> {
    let commune = commune(&state, &current, &id)?;
    state.imports.get(&commune, &job).map(Json).ok_or(ApiError::NotFound { what: "lần nhập này".to_string() })
}
