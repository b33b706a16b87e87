//! What a form says about its draft: that unsaved answers were put back (and when they
//! were typed; the home screen's list gives the date too), with a button to throw them
//! away, or that they could not be kept.

use yew::prelude::*;

use crate::app::time_vi;
use crate::draft::DraftStatus;

/// A plain function rather than a component: each component type costs the app
/// kilobytes of generic code.
pub fn draft_notice(status: &DraftStatus, on_discard: &Callback<()>) -> Html {
    let when = status.restored_ms.map(time_vi);
    html! {
        <>
            if let Some(when) = when {
                <div class="draft-notice" role="status">
                    <p>{ format!("Đã khôi phục các câu trả lời chưa lưu (lúc {when}).") }</p>
                    <button type="button" class="secondary" onclick={on_discard.reform(|_: MouseEvent| ())}>{ "Bỏ bản nháp" }</button>
                </div>
            }
            if let Some(message) = &status.error {
                <p class="save-status failed" role="alert">{ format!("Chưa giữ được bản nháp. {message}") }</p>
            }
        </>
    }
}
