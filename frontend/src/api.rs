//! The only code that talks to the server: JSON over `fetch`, with a time limit, the
//! session's bearer token, and every failure sorted into what the officer can act on —
//! no network (work offline, sync later), signed out (log in again), or the server's
//! own JSON error with its Vietnamese message.
//!
//! Officers sync over slow mobile networks, where the upload is the narrow end: a large
//! body (a push of a thousand operations) is sent gzip-compressed by the browser's own
//! `CompressionStream`, about a tenth of its JSON. Answers come compressed by the server
//! and the browser decompresses them by itself.

use hoctap_shared::diagnostic::Diagnostic;
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// How long one request may take before it counts as a dropped connection.
const TIMEOUT_MS: i32 = 30_000;

/// The API's base path on the server that served the app.
pub const API: &str = "/api/v1";

/// Bodies up to this many bytes are sent as they are: compressing them saves too little
/// to be worth the work and gzip's own header.
pub const COMPRESS_ABOVE: usize = 1_024;

/// A failed call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ApiError {
    /// No answer: no network, the server is down, or the time limit passed.
    #[error("Không kết nối được máy chủ. Dữ liệu vẫn được giữ trên máy và sẽ gửi khi có mạng.")]
    Offline,
    /// The server answered with its JSON error (with, for a refused data file such as a
    /// plan, every problem found in it).
    #[error("{message}")]
    Server { status: u16, code: String, message: String, diagnostics: Vec<Diagnostic> },
    /// An answer this version cannot read.
    #[error("Máy chủ trả lời không đúng định dạng ({0}).")]
    Decode(String),
}

impl ApiError {
    /// Whether the session is no longer valid (expired, revoked): the officer must log
    /// in again; nothing local is lost.
    pub fn is_unauthenticated(&self) -> bool {
        matches!(self, ApiError::Server { status: 401, .. })
    }

    /// The problems the server found in a data file it refused (a plan); empty otherwise.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        match self {
            ApiError::Server { diagnostics, .. } => diagnostics,
            ApiError::Offline | ApiError::Decode(_) => &[],
        }
    }

    /// Whether trying again later may succeed (network, overload, server failure).
    pub fn is_transient(&self) -> bool {
        match self {
            ApiError::Offline => true,
            ApiError::Server { status, .. } => *status >= 500 || *status == 429 || *status == 408,
            ApiError::Decode(_) => false,
        }
    }
}

/// A request body.
#[derive(Debug)]
pub enum Body<'a> {
    None,
    Json(String),
    /// JSON sent gzip-compressed (`Content-Encoding: gzip`, decompressed by the server)
    /// when it is over [`COMPRESS_ABOVE`] bytes and the browser can compress; as it is
    /// otherwise.
    CompressedJson(String),
    Bytes {
        bytes: &'a [u8],
        media_type: &'a str,
    },
}

impl Body<'_> {
    pub fn json<T: Serialize>(value: &T) -> Body<'static> {
        // Our own types always serialize; an empty object would be refused by the server.
        Body::Json(serde_json::to_string(value).unwrap_or_default())
    }

    /// `value` as JSON, compressed on the way if it is large (see [`Body::CompressedJson`]).
    pub fn compressed_json<T: Serialize>(value: &T) -> Body<'static> {
        Body::CompressedJson(serde_json::to_string(value).unwrap_or_default())
    }
}

/// `bytes` compressed with gzip by the browser's `CompressionStream`; `None` where the
/// browser has none (Safari before 16.4, Firefox before 113) or it failed, so the caller
/// sends the bytes as they are.
pub async fn gzip(bytes: &[u8]) -> Option<Vec<u8>> {
    // Constructed by name rather than through web-sys, whose binding of
    // `CompressionStream` is still behind `web_sys_unstable_apis`.
    let global = js_sys::global();
    let name = JsValue::from_str("CompressionStream");
    if !js_sys::Reflect::has(&global, &name).unwrap_or(false) {
        return None;
    }
    let constructor: js_sys::Function = js_sys::Reflect::get(&global, &name).ok()?.dyn_into().ok()?;
    let stream = js_sys::Reflect::construct(&constructor, &js_sys::Array::of1(&JsValue::from_str("gzip"))).ok()?;
    let source =
        web_sys::Blob::new_with_u8_array_sequence(&js_sys::Array::of1(&js_sys::Uint8Array::from(bytes))).ok()?;
    // A `CompressionStream` is a readable/writable pair: the blob's bytes flow in and the
    // compressed bytes come out, collected whole by a `Response`.
    let compressed = source.stream().pipe_through(stream.unchecked_ref::<web_sys::ReadableWritablePair>());
    let response = web_sys::Response::new_with_opt_readable_stream(Some(&compressed)).ok()?;
    let buffer = JsFuture::from(response.array_buffer().ok()?).await.ok()?;
    Some(js_sys::Uint8Array::new(&buffer).to_vec())
}

/// Calls `method path` and reads the JSON answer as `T`.
pub async fn call<T: DeserializeOwned>(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Body<'_>,
) -> Result<T, ApiError> {
    let (status, text) = send_text(method, path, token, body).await?;
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(server_error(status, &text))
    }
}

/// Calls `method path` and returns the answer's text (JSON, decoded by the caller, so
/// that a large type is decoded by one instantiation of the decoder).
pub async fn call_text(method: &str, path: &str, token: Option<&str>, body: Body<'_>) -> Result<String, ApiError> {
    let (status, text) = send_text(method, path, token, body).await?;
    if (200..300).contains(&status) {
        Ok(text)
    } else {
        Err(server_error(status, &text))
    }
}

/// Calls `method path` and only checks that it succeeded.
pub async fn call_empty(method: &str, path: &str, token: Option<&str>, body: Body<'_>) -> Result<u16, ApiError> {
    let (status, text) = send_text(method, path, token, body).await?;
    if (200..300).contains(&status) {
        Ok(status)
    } else {
        Err(server_error(status, &text))
    }
}

/// Calls `GET path` for a file (an export, a printable page) and returns it as a `Blob`
/// with the type the server gave it. A refusal is read as the server's JSON error.
pub async fn call_blob(path: &str, token: Option<&str>) -> Result<web_sys::Blob, ApiError> {
    let (status, value) = send("GET", path, token, Body::None, Read::BlobIfOk, TIMEOUT_MS, None).await?;
    if (200..300).contains(&status) {
        value.dyn_into::<web_sys::Blob>().map_err(|_| ApiError::Decode("tệp".to_string()))
    } else {
        Err(server_error(status, &value.as_string().unwrap_or_default()))
    }
}

/// The server's JSON error, or a generic one when the body is not one (a proxy page).
pub(crate) fn server_error(status: u16, text: &str) -> ApiError {
    #[derive(serde::Deserialize)]
    struct Envelope {
        error: Inner,
    }
    #[derive(serde::Deserialize)]
    struct Inner {
        code: String,
        message: String,
        #[serde(default)]
        diagnostics: Vec<Diagnostic>,
    }
    match serde_json::from_str::<Envelope>(text) {
        Ok(e) => {
            ApiError::Server { status, code: e.error.code, message: e.error.message, diagnostics: e.error.diagnostics }
        }
        Err(_) => ApiError::Server {
            status,
            code: "http".to_string(),
            message: format!("Máy chủ báo lỗi {status}. Hãy thử lại sau."),
            diagnostics: Vec::new(),
        },
    }
}

/// Calls `GET path` for a file of about `size` bytes (an evidence file) and returns its
/// bytes, calling `on_progress(received)` as they arrive: over a slow network a photo
/// takes many seconds and the officer sees it coming. The time limit grows with the
/// size (a second per 8 KB beyond the usual limit), so a 2 MB file has minutes.
pub async fn download(
    path: &str,
    token: Option<&str>,
    size: u64,
    on_progress: &dyn Fn(u64),
) -> Result<Vec<u8>, ApiError> {
    let timeout = TIMEOUT_MS.saturating_add(i32::try_from(size / 8).unwrap_or(i32::MAX));
    let (status, value) = send("GET", path, token, Body::None, Read::BytesIfOk(on_progress), timeout, None).await?;
    if (200..300).contains(&status) {
        Ok(js_sys::Uint8Array::new(&value).to_vec())
    } else {
        Err(server_error(status, &value.as_string().unwrap_or_default()))
    }
}

/// How to read an answer's body.
#[derive(Clone, Copy)]
enum Read<'a> {
    Text,
    /// A `Blob` when the status is 2xx, the text (the JSON error) otherwise.
    BlobIfOk,
    /// A `Uint8Array` read piece by piece, each reported with the bytes so far, when the
    /// status is 2xx; the text otherwise.
    BytesIfOk(&'a dyn Fn(u64)),
}

async fn send_text(method: &str, path: &str, token: Option<&str>, body: Body<'_>) -> Result<(u16, String), ApiError> {
    let (status, value) = send(method, path, token, body, Read::Text, TIMEOUT_MS, None).await?;
    Ok((status, value.as_string().unwrap_or_default()))
}

/// The body of `response` read as it arrives, `on_progress` told the bytes so far.
async fn read_stream(response: &web_sys::Response, on_progress: &dyn Fn(u64)) -> Result<JsValue, ApiError> {
    let reader: web_sys::ReadableStreamDefaultReader =
        response.body().ok_or(ApiError::Offline)?.get_reader().unchecked_into();
    let mut bytes = Vec::new();
    loop {
        let chunk = JsFuture::from(reader.read()).await.map_err(|_| ApiError::Offline)?;
        let part = js_sys::Reflect::get(&chunk, &JsValue::from_str("value")).unwrap_or(JsValue::UNDEFINED);
        if part.is_undefined() {
            // `done`: the stream ended.
            return Ok(js_sys::Uint8Array::from(bytes.as_slice()).into());
        }
        bytes.extend(js_sys::Uint8Array::new(&part).to_vec());
        on_progress(bytes.len() as u64);
    }
}

/// Calls `GET path` unless the answer is unchanged since the one tagged `etag`: `None`
/// when the server says 304 Not Modified, else the answer's text.
pub async fn get_if_changed(path: &str, token: Option<&str>, etag: Option<&str>) -> Result<Option<String>, ApiError> {
    let (status, value) = send("GET", path, token, Body::None, Read::Text, TIMEOUT_MS, etag).await?;
    let text = value.as_string().unwrap_or_default();
    match status {
        304 => Ok(None),
        200..=299 => Ok(Some(text)),
        _ => Err(server_error(status, &text)),
    }
}

/// Sends the request and reads the whole answer within `timeout_ms`; with
/// `if_none_match`, only if the answer changed since that entity tag.
async fn send(
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Body<'_>,
    read: Read<'_>,
    timeout_ms: i32,
    if_none_match: Option<&str>,
) -> Result<(u16, JsValue), ApiError> {
    let window = web_sys::window().ok_or(ApiError::Offline)?;
    let init = web_sys::RequestInit::new();
    init.set_method(method);
    init.set_cache(web_sys::RequestCache::NoStore);
    let headers = web_sys::Headers::new().map_err(|_| ApiError::Offline)?;
    let _ = headers.set(
        "Accept",
        match read {
            Read::Text => "application/json",
            Read::BlobIfOk | Read::BytesIfOk(_) => "*/*",
        },
    );
    if let Some(token) = token {
        let _ = headers.set("Authorization", &format!("Bearer {token}"));
    }
    if let Some(etag) = if_none_match {
        let _ = headers.set("If-None-Match", etag);
    }
    match body {
        Body::None => {}
        Body::Json(text) => {
            let _ = headers.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&text));
        }
        Body::CompressedJson(text) => {
            let _ = headers.set("Content-Type", "application/json");
            let gzipped = if text.len() > COMPRESS_ABOVE { gzip(text.as_bytes()).await } else { None };
            match gzipped {
                Some(bytes) => {
                    let _ = headers.set("Content-Encoding", "gzip");
                    init.set_body(&js_sys::Uint8Array::from(bytes.as_slice()).into());
                }
                None => init.set_body(&JsValue::from_str(&text)),
            }
        }
        Body::Bytes { bytes, media_type } => {
            let _ = headers.set("Content-Type", media_type);
            init.set_body(&js_sys::Uint8Array::from(bytes).into());
        }
    }
    init.set_headers(&headers);
    let controller = web_sys::AbortController::new().ok();
    if let Some(controller) = &controller {
        init.set_signal(Some(&controller.signal()));
    }
    let timer = controller.as_ref().and_then(|c| {
        let c = c.clone();
        let abort = wasm_bindgen::closure::Closure::once_into_js(move || c.abort());
        window.set_timeout_with_callback_and_timeout_and_arguments_0(abort.unchecked_ref(), timeout_ms).ok()
    });
    let url = format!("{API}{path}");
    let result = async {
        let response =
            JsFuture::from(window.fetch_with_str_and_init(&url, &init)).await.map_err(|_| ApiError::Offline)?;
        let response: web_sys::Response = response.dyn_into().map_err(|_| ApiError::Offline)?;
        let status = response.status();
        let body = match read {
            Read::BytesIfOk(on_progress) if response.ok() => {
                return Ok((status, read_stream(&response, on_progress).await?))
            }
            Read::BlobIfOk if response.ok() => response.blob(),
            Read::Text | Read::BlobIfOk | Read::BytesIfOk(_) => response.text(),
        };
        let body = JsFuture::from(body.map_err(|_| ApiError::Offline)?).await.map_err(|_| ApiError::Offline)?;
        Ok((status, body))
    }
    .await;
    if let Some(timer) = timer {
        window.clear_timeout_with_handle(timer);
    }
    result
}

/// Whether the browser believes it is online (a hint: `true` does not promise the
/// server answers).
pub fn online() -> bool {
    web_sys::window().is_none_or(|w| w.navigator().on_line())
}
