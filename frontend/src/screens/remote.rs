//! What the report screens share: a page the server computes, fetched with the session's
//! token and kept on the device to show when the network is gone ([`use_server_page`]);
//! the failure in words, where "no network" says that reports need one; and the notice
//! of a copy kept from an earlier visit.
//!
//! Pages travel as JSON text — fetched, kept and replaced as text — and each is decoded
//! once, by `serde_json::from_str`, into its type. One decoder per type keeps the wasm
//! small: the report types are large, and every other way of decoding them (from a
//! `serde_json::Value`, from a JS object) would add a copy of their decoders.

use std::cell::Cell;
use std::rc::Rc;

use hoctap_shared::accounts::LoginResponse;
use serde::de::DeserializeOwned;
use yew::prelude::*;

use crate::api::{self, ApiError, Body};
use crate::app::AppContext;
use crate::reports::NEEDS_NETWORK;
use crate::storage::Storage;

/// A page from the server as the screen knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct Fetched<T> {
    /// The page, and whether it came from the server just now (`false`: the copy kept
    /// on the device).
    pub value: Option<(T, bool)>,
    /// Why the last fetch failed.
    pub error: Option<ApiError>,
    pub loading: bool,
}

impl<T> Default for Fetched<T> {
    fn default() -> Self {
        Fetched { value: None, error: None, loading: true }
    }
}

/// JSON text as fetched; two are equal when they are the same fetch (no text compare).
#[derive(Debug, Clone)]
pub struct Json(Rc<str>);

impl Json {
    pub fn text(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Json {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// The session's token, when signed in.
#[hook]
pub fn use_token() -> Option<String> {
    use_session().map(|s| s.token.clone())
}

/// The signed-in session: the main app's, or the one the office app read from the device
/// (it provides it as a context of its own, since it has no replica or sync).
#[hook]
pub fn use_session() -> Option<Rc<LoginResponse>> {
    let app = use_context::<AppContext>().and_then(|c| c.model.session.clone());
    let office = use_context::<Rc<LoginResponse>>();
    app.or(office)
}

/// A page of type `T` and the means to replace it with what a change returned.
pub struct ServerPage<T> {
    pub fetched: Fetched<Rc<T>>,
    raw: UseStateHandle<Fetched<Json>>,
    path: String,
}

impl<T> Clone for ServerPage<T> {
    fn clone(&self) -> Self {
        ServerPage { fetched: self.fetched.clone(), raw: self.raw.clone(), path: self.path.clone() }
    }
}

impl<T> ServerPage<T> {
    /// The page, when there is one (fresh or kept).
    pub fn value(&self) -> Option<&T> {
        self.fetched.value.as_ref().map(|(v, _)| &**v)
    }

    /// Whether the page shown came from the server in this visit.
    pub fn fresh(&self) -> bool {
        matches!(self.fetched.value, Some((_, true)))
    }

    /// Shows `json` (the page a change returned, such as a saved narrative) and keeps
    /// it on the device.
    pub fn replace(&self, json: String) {
        let json: Rc<str> = json.into();
        self.raw.set(Fetched { value: Some((Json(Rc::clone(&json)), true)), error: None, loading: false });
        let path = self.path.clone();
        wasm_bindgen_futures::spawn_local(async move {
            if let Ok(storage) = Storage::open().await {
                // A page not kept only costs the offline copy.
                let _ = storage.cache_page(&path, &json).await;
                storage.close();
            }
        });
    }
}

/// Fetches `GET path` whenever `path` or `generation` changes (bump it to reload) and
/// decodes it as `T`; with no path, fetches nothing (a part of a screen that does not
/// apply). With `keep`, the last answer is kept on the device and shown at
/// once, marked as not fresh, until the server answers — or instead of it, offline.
#[hook]
pub fn use_server_page<T>(path: Option<String>, keep: bool, generation: u32) -> ServerPage<T>
where
    T: DeserializeOwned + 'static,
{
    let raw = use_server_json(path.clone(), keep, generation);
    let decoded = use_memo(raw.value.clone(), |value| {
        value.as_ref().map(|(json, fresh)| {
            serde_json::from_str::<T>(&json.0)
                .map(|v| (Rc::new(v), *fresh))
                .map_err(|e| ApiError::Decode(e.to_string()))
        })
    });
    let (value, decode_error) = match &*decoded {
        Some(Ok((value, fresh))) => (Some((Rc::clone(value), *fresh)), None),
        Some(Err(err)) => (None, Some(err.clone())),
        None => (None, None),
    };
    let fetched = Fetched { value, error: raw.error.clone().or(decode_error), loading: raw.loading };
    ServerPage { fetched, raw, path: path.unwrap_or_default() }
}

/// The JSON text of `GET path`, see [`use_server_page`] (which decodes it).
#[hook]
pub fn use_server_json(path: Option<String>, keep: bool, generation: u32) -> UseStateHandle<Fetched<Json>> {
    let token = use_token();
    let page = use_state(Fetched::<Json>::default);
    // Answers to an older path (the officer changed the year meanwhile) are dropped.
    let latest = use_memo((), |_| Cell::new(0u64));
    let last_path = use_mut_ref(String::new);
    {
        let page = page.clone();
        let latest = Rc::clone(&latest);
        use_effect_with((path, token, generation), move |(path, token, _)| {
            let Some(path) = path else {
                latest.set(latest.get() + 1);
                page.set(Fetched { value: None, error: None, loading: false });
                return;
            };
            let reload = std::mem::replace(&mut *last_path.borrow_mut(), path.clone()) == *path;
            let (path, token) = (path.clone(), token.clone());
            let ticket = latest.get() + 1;
            latest.set(ticket);
            let current = move || latest.get() == ticket;
            // A reload keeps the page on screen while it runs; a new path shows nothing
            // of the old one.
            let previous = (*page).clone();
            let shown = previous.value.filter(|_| reload);
            page.set(Fetched { loading: true, error: None, value: shown.clone() });
            wasm_bindgen_futures::spawn_local(async move {
                let mut shown = shown;
                if keep && shown.is_none() {
                    if let Ok(storage) = Storage::open().await {
                        if let Ok(Some(json)) = storage.cached_page(&path).await {
                            shown = Some((Json(json.into()), false));
                            if current() {
                                page.set(Fetched { value: shown.clone(), error: None, loading: true });
                            }
                        }
                        storage.close();
                    }
                }
                let result = api::call_text("GET", &path, token.as_deref(), Body::None).await;
                if !current() {
                    return;
                }
                match result {
                    Ok(json) => {
                        let json: Rc<str> = json.into();
                        page.set(Fetched { value: Some((Json(Rc::clone(&json)), true)), error: None, loading: false });
                        if keep {
                            if let Ok(storage) = Storage::open().await {
                                let _ = storage.cache_page(&path, &json).await;
                                storage.close();
                            }
                        }
                    }
                    Err(error) => page.set(Fetched { value: shown, error: Some(error), loading: false }),
                }
            });
        });
    }
    page
}

/// A failure in words: offline, that reports need the network; otherwise the server's
/// Vietnamese message.
pub fn error_words(error: &ApiError) -> String {
    match error {
        ApiError::Offline => NEEDS_NETWORK.to_string(),
        other => other.to_string(),
    }
}

/// While loading, "Đang tải …"; after a failure, why (and, with a copy kept on the
/// device, that the copy is shown); over a kept copy, that it is not fresh.
pub fn fetch_status<T>(page: &ServerPage<T>, what: &str) -> Html {
    let page = &page.fetched;
    let kept = matches!(page.value, Some((_, false)));
    html! {
        <>
            if page.loading && page.value.is_none() {
                <p class="hint" role="status">{ format!("Đang tải {what}…") }</p>
            }
            if let Some(error) = &page.error {
                <p class="app-warning" role="alert" data-error={error_code(error)}>{ error_words(error) }</p>
            }
            if kept {
                <p class="hint kept-copy" role="status">
                    { if page.loading { "Đang xem bản lưu trên máy từ lần tải trước; đang tải bản mới…" }
                      else { "Đang xem bản lưu trên máy từ lần tải trước (chưa cập nhật)." } }
                </p>
            }
        </>
    }
}

/// [`fetch_status`] for a part of a screen whose main page already says that the
/// network is gone or that a kept copy is shown: only loading and other failures.
pub fn fetch_status_part<T>(page: &ServerPage<T>, what: &str) -> Html {
    let page = &page.fetched;
    html! {
        <>
            if page.loading && page.value.is_none() {
                <p class="hint" role="status">{ format!("Đang tải {what}…") }</p>
            }
            if let Some(error) = page.error.as_ref().filter(|e| !matches!(e, ApiError::Offline)) {
                <p class="app-warning" role="alert" data-error={error_code(error)}>{ error_words(error) }</p>
            }
        </>
    }
}

/// A stable word for tests: `offline`, the server's code, or `decode`.
fn error_code(error: &ApiError) -> String {
    match error {
        ApiError::Offline => "offline".to_string(),
        ApiError::Server { code, .. } => code.clone(),
        ApiError::Decode(_) => "decode".to_string(),
    }
}
