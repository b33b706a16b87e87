//! The only code that exchanges files with the browser: saving a downloaded export under a
//! name, opening a printable page in a new tab, reading a file the officer picked, giving
//! an evidence file a URL to show it by. The
//! exports need the session's bearer token, so a plain link cannot fetch them:
//! `api::call_blob` fetches the file and this module gives the browser a `blob:` URL.
//!
//! A tab opened after a network wait may be blocked as a pop-up, so [`PrintTab`] opens
//! an empty tab while the officer's click still counts, and points it at the page once
//! it has arrived.

use std::time::Duration;

use wasm_bindgen::JsCast;

/// How long a `blob:` URL stays valid: long enough for the browser to start the
/// download or load the tab, then the memory is released.
const REVOKE_AFTER: Duration = Duration::from_secs(60);

/// A blob URL of `blob`, typed as `media_type` when given (the server's type otherwise).
fn object_url(blob: &web_sys::Blob, media_type: Option<&str>) -> Option<String> {
    let typed = match media_type {
        Some(media_type) => {
            let options = web_sys::BlobPropertyBag::new();
            options.set_type(media_type);
            let parts = js_sys::Array::of1(blob);
            web_sys::Blob::new_with_blob_sequence_and_options(&parts, &options).ok()?
        }
        None => blob.clone(),
    };
    web_sys::Url::create_object_url_with_blob(&typed).ok()
}

/// A blob URL of `bytes`, typed as `media_type` (an evidence file to show), to release
/// with [`revoke`] once nothing shows it.
pub fn bytes_url(bytes: &[u8], media_type: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&js_sys::Uint8Array::from(bytes));
    object_url(&web_sys::Blob::new_with_u8_array_sequence(&parts).ok()?, Some(media_type))
}

/// Releases `url` now.
pub fn revoke(url: &str) {
    let _ = web_sys::Url::revoke_object_url(url);
}

/// Releases `url` after [`REVOKE_AFTER`].
fn revoke_later(url: String) {
    wasm_bindgen_futures::spawn_local(async move {
        yew::platform::time::sleep(REVOKE_AFTER).await;
        revoke(&url);
    });
}

/// Saves `blob` as a download named `name`. `false` when the browser refused.
pub fn save(blob: &web_sys::Blob, name: &str) -> bool {
    let Some(url) = object_url(blob, None) else { return false };
    let link = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.create_element("a").ok())
        .and_then(|e| e.dyn_into::<web_sys::HtmlAnchorElement>().ok());
    let Some(link) = link else { return false };
    link.set_href(&url);
    link.set_download(name);
    link.click();
    revoke_later(url);
    true
}

/// A new tab opened at a click, to show a printable page when it arrives.
#[derive(Debug)]
pub struct PrintTab {
    window: Option<web_sys::Window>,
}

impl PrintTab {
    /// Opens an empty tab now (call it in the click's handler, before any wait).
    pub fn open() -> PrintTab {
        let window = web_sys::window().and_then(|w| w.open_with_url_and_target("", "_blank").ok().flatten());
        if let Some(tab) = &window {
            if let Some(document) = tab.document() {
                if let Some(body) = document.body() {
                    body.set_text_content(Some("Đang tải trang in…"));
                }
            }
        }
        PrintTab { window }
    }

    /// Shows `html` in the tab (or, if the browser blocked it, in a new one now).
    /// `false` when the browser would open neither.
    pub fn show(self, html: &web_sys::Blob) -> bool {
        let Some(url) = object_url(html, Some("text/html;charset=utf-8")) else { return false };
        let shown = match &self.window {
            Some(tab) => tab.location().set_href(&url).is_ok(),
            None => web_sys::window().and_then(|w| w.open_with_url_and_target(&url, "_blank").ok().flatten()).is_some(),
        };
        revoke_later(url);
        shown
    }

    /// Closes the tab (the page could not be fetched; the screen says why).
    pub fn close(self) {
        if let Some(tab) = self.window {
            let _ = tab.close();
        }
    }
}

/// The text of a file the officer picked (a plan as TOML), or `None` when the browser
/// could not read it.
pub async fn read_text(file: &web_sys::File) -> Option<String> {
    wasm_bindgen_futures::JsFuture::from(file.text()).await.ok()?.as_string()
}
