//! The server's one error type. Each variant maps to an HTTP status and a JSON body
//! with a stable code and a message in Vietnamese (and English); internal details are
//! logged, never sent.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use hoctap_shared::diagnostic::Diagnostic;
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("not found: {what}")]
    NotFound { what: String },

    /// The request body is not what the endpoint takes (bad JSON, wrong shape).
    #[error("bad request: {detail}")]
    BadRequest { detail: String },

    /// A domain rule refused the input (a score out of range, a wrong set …).
    #[error(transparent)]
    Domain(#[from] hoctap_shared::Error),

    /// A criteria file with errors; every diagnostic is returned.
    #[error("invalid criteria set")]
    InvalidCriteria { diagnostics: Vec<Diagnostic> },

    /// Storage failed. Logged in full; the client only learns that it failed.
    #[error("storage: {0}")]
    Store(#[from] crate::store::StoreError),
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
    message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    diagnostics: Vec<Diagnostic>,
}

impl ApiError {
    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            ApiError::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found"),
            ApiError::BadRequest { .. } => (StatusCode::BAD_REQUEST, "bad_request"),
            ApiError::InvalidCriteria { .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid_criteria_set"),
            ApiError::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "storage_failed"),
            ApiError::Domain(err) => match err {
                hoctap_shared::Error::UnknownSet { .. } => (StatusCode::NOT_FOUND, err.code()),
                _ => (StatusCode::UNPROCESSABLE_ENTITY, err.code()),
            },
        }
    }

    fn messages(&self) -> (String, String) {
        match self {
            ApiError::NotFound { what } => (format!("Không tìm thấy: {what}"), format!("Not found: {what}")),
            ApiError::BadRequest { detail } => {
                (format!("Yêu cầu không hợp lệ: {detail}"), format!("Bad request: {detail}"))
            }
            ApiError::InvalidCriteria { diagnostics } => (
                format!(
                    "Bộ tiêu chí có {} lỗi, xem danh sách chẩn đoán",
                    diagnostics.iter().filter(|d| d.is_error()).count()
                ),
                "The criteria set has errors; see the diagnostics".to_string(),
            ),
            ApiError::Store(_) => (
                "Máy chủ không ghi hoặc đọc được dữ liệu. Dữ liệu đã lưu không bị ảnh hưởng; vui lòng thử lại sau."
                    .to_string(),
                "The server could not read or write its data; stored data is unaffected. Please retry later."
                    .to_string(),
            ),
            ApiError::Domain(err) => {
                (err.to_string(), "The input was refused by a domain rule; see the Vietnamese message".to_string())
            }
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let (message, message_en) = self.messages();
        let diagnostics = match self {
            ApiError::InvalidCriteria { diagnostics } => diagnostics,
            ApiError::Domain(hoctap_shared::Error::InvalidData(diagnostics)) => diagnostics,
            _ => Vec::new(),
        };
        (status, Json(ErrorBody { error: ErrorDetail { code, message, message_en, diagnostics } })).into_response()
    }
}
