//! Uploading a file with its progress: `fetch` cannot report how much of a request body
//! has gone, so the register import sends its file (up to 10 MB, over a slow mobile link
//! it takes minutes) with `XMLHttpRequest`, whose `upload.onprogress` can, and with a
//! time limit of its own instead of the API client's 30 seconds. The answer is read as
//! the API client reads any: the JSON on success, the server's JSON error otherwise.

use serde::de::DeserializeOwned;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::api::{self, ApiError};

/// How long an upload and its answer may take.
const TIMEOUT_MS: u32 = 10 * 60 * 1000;

/// Posts `file` to `path` (under the API's base) with the bearer `token`, calling
/// `on_progress(sent, total)` in bytes as the body goes out, and reads the JSON answer.
pub async fn post_file<T: DeserializeOwned>(
    path: &str,
    token: &str,
    file: &web_sys::Blob,
    on_progress: impl Fn(f64, f64) + 'static,
) -> Result<T, ApiError> {
    let xhr = web_sys::XmlHttpRequest::new().map_err(|_| ApiError::Offline)?;
    xhr.open_with_async("POST", &format!("{}{path}", api::API), true).map_err(|_| ApiError::Offline)?;
    let _ = xhr.set_request_header("Authorization", &format!("Bearer {token}"));
    let _ = xhr.set_request_header("Content-Type", "application/octet-stream");
    let _ = xhr.set_request_header("Accept", "application/json");
    xhr.set_timeout(TIMEOUT_MS);
    let progress = Closure::<dyn FnMut(web_sys::ProgressEvent)>::new(move |event: web_sys::ProgressEvent| {
        if event.length_computable() {
            on_progress(event.loaded(), event.total());
        }
    });
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(Some(progress.as_ref().unchecked_ref()));
    }
    // Settles when the answer has arrived (load) or none will (error, timeout, abort).
    let finished = js_sys::Promise::new(&mut |resolve, reject| {
        xhr.set_onload(Some(&resolve));
        xhr.set_onerror(Some(&reject));
        xhr.set_ontimeout(Some(&reject));
        xhr.set_onabort(Some(&reject));
    });
    xhr.send_with_opt_blob(Some(file)).map_err(|_| ApiError::Offline)?;
    let result = JsFuture::from(finished).await;
    if let Ok(upload) = xhr.upload() {
        upload.set_onprogress(None);
    }
    drop(progress);
    result.map_err(|_| ApiError::Offline)?;
    let status = xhr.status().map_err(|_| ApiError::Offline)?;
    let text = xhr.response_text().ok().flatten().unwrap_or_default();
    if (200..300).contains(&status) {
        serde_json::from_str(&text).map_err(|e| ApiError::Decode(e.to_string()))
    } else {
        Err(api::server_error(status, &text))
    }
}

/// A snapshot of the file the officer picked: its bytes read now into a blob of their
/// own, so that confirming sends exactly what was previewed even if the file on disk
/// changes meanwhile. `None` when the browser could not read it (moved, changed since
/// it was chosen).
pub async fn snapshot(file: &web_sys::File) -> Option<web_sys::Blob> {
    let buffer = JsFuture::from(file.array_buffer()).await.ok()?;
    web_sys::Blob::new_with_buffer_source_sequence(&js_sys::Array::of1(&buffer)).ok()
}
