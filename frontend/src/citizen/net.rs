//! The citizen page's talk with the server (`fetch` through web-sys, no client library)
//! and what it keeps on the phone (`localStorage`): the campaign as last read, the answer
//! waiting to be sent with its photos, and the receipts.

use hoctap_shared::selfassess::SubmitAnswer;
use js_sys::Uint8Array;
use serde::{Deserialize, Serialize};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Request, RequestInit, Response};

/// What the server answered, or `None` when it could not be reached.
pub struct Reply {
    pub status: u16,
    pub body: String,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u32>,
}

/// One request; `None` when the network failed (offline, server unreachable).
pub async fn call(method: &str, url: &str, body: Option<Body<'_>>) -> Option<Reply> {
    let init = RequestInit::new();
    init.set_method(method);
    let headers = web_sys::Headers::new().ok()?;
    match body {
        Some(Body::Json(text)) => {
            headers.set("Content-Type", "application/json").ok()?;
            init.set_body(&JsValue::from_str(text));
        }
        Some(Body::Bytes(bytes)) => {
            // Photos leave the phone as JPEGs (media::prepare re-encodes them).
            headers.set("Content-Type", "image/jpeg").ok()?;
            init.set_body(&Uint8Array::from(bytes).into());
        }
        None => {}
    }
    init.set_headers(&headers);
    let request = Request::new_with_str_and_init(url, &init).ok()?;
    let response: Response =
        JsFuture::from(web_sys::window()?.fetch_with_request(&request)).await.ok()?.dyn_into().ok()?;
    reply(response).await
}

/// The campaign as `citizen.html` started fetching it before the wasm arrived
/// (`window.hoctapCampaign`, a promise of the response: one round trip less on a slow
/// network), taken once; `None` when there is none or it failed.
pub async fn prefetched() -> Option<Reply> {
    let window = web_sys::window()?;
    let key = JsValue::from_str("hoctapCampaign");
    let promise: js_sys::Promise = js_sys::Reflect::get(&window, &key).ok()?.dyn_into().ok()?;
    let _ = js_sys::Reflect::delete_property(&window, &key);
    reply(JsFuture::from(promise).await.ok()?.dyn_into().ok()?).await
}

async fn reply(response: Response) -> Option<Reply> {
    let retry_after = response.headers().get("Retry-After").ok().flatten().and_then(|v| v.trim().parse().ok());
    let body = JsFuture::from(response.text().ok()?).await.ok()?.as_string().unwrap_or_default();
    Some(Reply { status: response.status(), body, retry_after })
}

/// A request body.
pub enum Body<'a> {
    Json(&'a str),
    Bytes(&'a [u8]),
}

/// The Vietnamese message of a JSON error `{code, message}`, or `None`.
pub fn message(body: &str) -> Option<String> {
    #[derive(Deserialize)]
    struct Error {
        message: String,
    }
    serde_json::from_str::<Error>(body).ok().map(|e| e.message)
}

/// An answer waiting on the phone to be sent, with its photos.
#[derive(Clone, Serialize, Deserialize)]
pub struct Outbox {
    pub submit: SubmitAnswer,
    /// (SHA-256, bytes as base64) of each photo, put before the answer.
    pub photos: Vec<(String, String)>,
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What the phone keeps under `key`, read as JSON.
pub fn load<T: for<'de> Deserialize<'de>>(key: &str) -> Option<T> {
    serde_json::from_str(&storage()?.get_item(key).ok()??).ok()
}

/// Keeps `value` under `key`; false when the phone refused (storage full, private mode).
pub fn keep<T: Serialize>(key: &str, value: &T) -> bool {
    let Ok(text) = serde_json::to_string(value) else { return false };
    storage().is_some_and(|s| s.set_item(key, &text).is_ok())
}

pub fn forget(key: &str) {
    if let Some(s) = storage() {
        let _ = s.remove_item(key);
    }
}

/// Bytes as base64 (the browser's `btoa` over a binary string).
pub fn to_base64(bytes: &[u8]) -> String {
    let binary: String = bytes.iter().map(|&b| char::from(b)).collect();
    web_sys::window().and_then(|w| w.btoa(&binary).ok()).unwrap_or_default()
}

pub fn from_base64(text: &str) -> Vec<u8> {
    let binary = web_sys::window().and_then(|w| w.atob(text).ok()).unwrap_or_default();
    binary.chars().map(|c| c as u8).collect()
}

/// A fresh answer id: 32 random hex digits.
pub fn new_id() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Never expected in a browser; the time still keeps ids apart.
        bytes[..8].copy_from_slice(&(js_sys::Date::now() as u64).to_le_bytes());
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Calls `f` once after `ms` milliseconds.
pub fn later(ms: u32, f: impl FnOnce() + 'static) {
    let closure = wasm_bindgen::closure::Closure::once_into_js(f);
    if let Some(w) = web_sys::window() {
        let _ = w.set_timeout_with_callback_and_timeout_and_arguments_0(closure.unchecked_ref(), ms as i32);
    }
}
