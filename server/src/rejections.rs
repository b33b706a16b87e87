//! The last line of the error contract: axum's own rejections (a query string that does
//! not parse, a path that is not UTF-8, a method the route does not take) answer in
//! plain text. This maps every client-error response that is not already JSON into the
//! same JSON error body as [`crate::ApiError`], with a stable code from its status.

use axum::body::Body;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::json;

/// The most of a plain-text rejection kept as detail.
const MAX_DETAIL: usize = 300;

pub async fn json_rejections(response: Response) -> Response {
    let status = response.status();
    let is_json = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !status.is_client_error() || is_json {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let detail = match body.collect().await {
        Ok(collected) => String::from_utf8_lossy(&collected.to_bytes()).chars().take(MAX_DETAIL).collect::<String>(),
        Err(_) => String::new(),
    };
    let (code, message, message_en) = match status {
        StatusCode::NOT_FOUND => ("not_found", "Không tìm thấy địa chỉ này.", "Not found."),
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method_not_allowed", "Địa chỉ này không nhận phương thức yêu cầu đó.", "Method not allowed.")
        }
        StatusCode::PAYLOAD_TOO_LARGE => (
            "body_too_large",
            "Dữ liệu gửi lên quá lớn; hãy gửi thành nhiều lần nhỏ hơn.",
            "The request body is too large.",
        ),
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported_media_type", "Kiểu dữ liệu gửi lên không được hỗ trợ.", "Unsupported media type.")
        }
        _ => ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    };
    let body = json!({ "error": {
        "code": code,
        "message": if detail.is_empty() { message.to_string() } else { format!("{message} ({detail})") },
        "message_en": if detail.is_empty() { message_en.to_string() } else { format!("{message_en} ({detail})") },
    }});
    parts.headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    parts.headers.remove(header::CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(body.to_string()))
}
