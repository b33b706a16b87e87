//! An evaluation's evidence as the reviewer checks it: a small thumbnail of each photo
//! (a PDF's mark for a PDF) under its indicator, and a full-screen viewer that a tap on
//! one opens, with next and previous through every file of the evaluation, zoom (a tap
//! on the photo or the zoom button, then scrolling around it; the browser's own pinch
//! too) and on a PC the keyboard (Esc closes, the arrows go back and forth). A PDF
//! opens in the browser's own viewer in a new tab. Where each file is (its progress
//! while it is fetched) comes from the screen ([`crate::evidence::use_evidence`]).
//!
//! Plain markup, little code: the app's first visit is near its size budget. The zoom
//! is a checkbox that CSS reads (`#viewer-zoom:checked`), so it needs no state; the
//! viewer is a function of the screen's state, which [`use_viewer`] keeps and focuses.
//! Thumbnails are links, not buttons: a recognised record's form is a disabled
//! fieldset, and its evidence must still open.

use hoctap_shared::merge::EvidenceRef;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use crate::evidence::{percent, progress_words, Load};
use crate::media::size_words;

/// The name a file is shown under (its type when it came without one).
fn file_name(file: &EvidenceRef) -> String {
    file.name.clone().unwrap_or_else(|| file.media_type.clone())
}

/// A file's thumbnail: the photo small, or "PDF" (a link to the browser's viewer); the
/// share fetched while it arrives. A photo's opens the viewer (`on_open`), as does a
/// file not there yet, to follow its progress.
pub fn evidence_thumb(file: &EvidenceRef, load: &Load, on_open: Callback<()>) -> Html {
    let photo = file.media_type.starts_with("image/");
    let title = format!("{} {}", if photo { "Xem ảnh" } else { "Mở tệp PDF" }, file_name(file));
    let (href, inner) = match load {
        Load::Ready(url) if photo => {
            (url.clone(), html! { <img src={url.clone()} alt={title.clone()} loading="lazy" /> })
        }
        Load::Ready(url) => {
            return html! { <a class="thumb pdf" href={url.clone()} target="_blank" {title}>{ "PDF" }</a> }
        }
        Load::Loading(done) => ("#".to_string(), html! { format!("{} %", percent(*done, file.size)) }),
        Load::Failed(_) => ("#".to_string(), html! { "!" }),
    };
    html! { <a class="thumb" {href} {title} onclick={on_open.reform(|e: MouseEvent| e.prevent_default())}>{ inner }</a> }
}

/// Which file the viewer shows (`None`: closed), kept by the screen; the viewer takes
/// the keyboard's focus when it opens or moves.
#[hook]
pub fn use_viewer() -> UseStateHandle<Option<usize>> {
    let viewing = use_state(|| None);
    use_effect_with(*viewing, |_| {
        let viewer =
            web_sys::window().and_then(|w| w.document()).and_then(|d| d.query_selector(".viewer").ok().flatten());
        if let Some(viewer) = viewer.and_then(|v| v.dyn_into::<web_sys::HtmlElement>().ok()) {
            let _ = viewer.focus();
        }
    });
    viewing
}

/// The full-screen viewer, over the page, at `files[index]` (where `loads[index]` says
/// it is); `on_show` shows another file, or closes the viewer with `None`.
pub fn evidence_viewer(files: &[EvidenceRef], index: usize, loads: &[Load], on_show: &Callback<Option<usize>>) -> Html {
    let (Some(file), Some(load)) = (files.get(index), loads.get(index)) else { return Html::default() };
    let last = files.len() - 1;
    let (back, next) = (index.saturating_sub(1), last.min(index + 1));
    let onkeydown = {
        let on_show = on_show.clone();
        Callback::from(move |e: KeyboardEvent| {
            on_show.emit(match e.key().as_str() {
                "Escape" => None,
                "ArrowLeft" => Some(back),
                "ArrowRight" => Some(next),
                _ => return,
            })
        })
    };
    let name = file_name(file);
    let stage = match load {
        Load::Ready(url) if file.media_type.starts_with("image/") => html! {
            <label for="viewer-zoom" class="viewer-stage"><img src={url.clone()} alt={name.clone()} /></label>
        },
        Load::Ready(url) => html! {
            <div class="viewer-stage"><a href={url.clone()} target="_blank">{ format!("Mở tệp PDF “{name}”") }</a></div>
        },
        Load::Loading(done) => html! { <p class="viewer-stage" role="status">{ progress_words(*done, file.size) }</p> },
        Load::Failed(message) => html! { <p class="viewer-stage" role="alert">{ message }</p> },
    };
    html! {
        // Keyed by the file, so the zoom starts again at each one.
        <div key={index} class="viewer" role="dialog" aria-modal="true" aria-label="Xem minh chứng" tabindex="-1" {onkeydown}>
            // Drawn again for each file (by its key), so each one starts unzoomed.
            <input key={index} type="checkbox" id="viewer-zoom" class="visually-hidden" />
            <div class="viewer-bar">
                <span>{ format!("{} / {} · {name} · {}", index + 1, last + 1, size_words(file.size)) }</span>
                <label for="viewer-zoom" role="button" aria-label="Phóng to, thu nhỏ">{ "±" }</label>
                <button type="button" onclick={on_show.reform(|_: MouseEvent| None)}>{ "Đóng" }</button>
            </div>
            { stage }
            <div class="viewer-bar">
                <button type="button" disabled={index == 0} onclick={on_show.reform(move |_: MouseEvent| Some(back))}>{ "‹ Trước" }</button>
                <button type="button" disabled={index == last} onclick={on_show.reform(move |_: MouseEvent| Some(next))}>{ "Sau ›" }</button>
            </div>
        </div>
    }
}
