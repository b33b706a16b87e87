//! The office app's few browser calls beyond the API and storage: window events (the
//! address, going on- and offline), the page's origin, and copying or sharing a link.
//! Each tolerates a browser without the feature: copying falls back to selecting the
//! text, sharing is offered only where it exists.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// Calls `on_event` on each `event` of the window until dropped.
#[derive(Debug)]
pub struct WindowListener {
    window: web_sys::Window,
    event: &'static str,
    closure: Closure<dyn FnMut()>,
}

impl WindowListener {
    pub fn new(event: &'static str, on_event: impl Fn() + 'static) -> Option<WindowListener> {
        let window = web_sys::window()?;
        let closure = Closure::<dyn FnMut()>::new(on_event);
        window.add_event_listener_with_callback(event, closure.as_ref().unchecked_ref()).ok()?;
        Some(WindowListener { window, event, closure })
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        let _ = self.window.remove_event_listener_with_callback(self.event, self.closure.as_ref().unchecked_ref());
    }
}

/// The address's hash (`#can-bo`), empty when there is none.
pub fn hash() -> String {
    web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default()
}

/// The page's origin (`http://192.168.1.5:8080`).
pub fn origin() -> String {
    web_sys::window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// Whether `navigator` has `name` (the clipboard and share exist only on secure pages).
fn navigator_has(name: &str) -> Option<web_sys::Navigator> {
    let navigator = web_sys::window()?.navigator();
    let value = js_sys::Reflect::get(&navigator, &JsValue::from_str(name)).ok()?;
    (!value.is_undefined() && !value.is_null()).then_some(navigator)
}

/// How a copy went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Copied {
    /// The text is on the clipboard.
    Yes,
    /// The text is selected in its field for the officer to copy by hand.
    Selected,
}

/// Copies `text` to the clipboard; where the browser does not allow that (a page served
/// over plain HTTP has no clipboard API), selects the text area `field_id` that shows
/// it, tries the older copy command, and says so.
pub async fn copy(text: &str, field_id: &str) -> Copied {
    if let Some(navigator) = navigator_has("clipboard") {
        if JsFuture::from(navigator.clipboard().write_text(text)).await.is_ok() {
            return Copied::Yes;
        }
    }
    let document = web_sys::window().and_then(|w| w.document());
    let field = document
        .as_ref()
        .and_then(|d| d.get_element_by_id(field_id))
        .and_then(|e| e.dyn_into::<web_sys::HtmlTextAreaElement>().ok());
    if let Some(field) = field {
        let _ = field.focus();
        field.select();
        let copied = document
            .and_then(|d| d.dyn_into::<web_sys::HtmlDocument>().ok())
            .and_then(|d| d.exec_command("copy").ok())
            .unwrap_or(false);
        if copied {
            return Copied::Yes;
        }
    }
    Copied::Selected
}

/// Whether the browser can share a link with other apps (Zalo, SMS …).
pub fn can_share() -> bool {
    navigator_has("share").is_some()
}

/// Opens the system's share sheet with `text` and `url`; `Ok(false)` when the officer
/// closed it without sharing, `Err` when the browser refused.
pub async fn share(title: &str, text: &str, url: &str) -> Result<bool, String> {
    let Some(navigator) = navigator_has("share") else {
        return Err("Trình duyệt này không chia sẻ được.".to_string());
    };
    let data = web_sys::ShareData::new();
    data.set_title(title);
    data.set_text(text);
    data.set_url(url);
    match JsFuture::from(navigator.share_with_data(&data)).await {
        Ok(_) => Ok(true),
        Err(error) => {
            let name = error.dyn_ref::<web_sys::DomException>().map(|e| e.name()).unwrap_or_default();
            if name == "AbortError" {
                Ok(false)
            } else {
                Err(format!("Không chia sẻ được: {}.", crate::js_text(&error)))
            }
        }
    }
}
