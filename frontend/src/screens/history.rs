//! The "Lịch sử" section of a record's page: who changed what and when, from the log on
//! the server (see [`crate::history`]), fetched when the officer opens it; offline, it
//! says that the history needs the network. A hook that draws the section, called by the
//! record's screen, rather than a component of its own: the main app's first visit has
//! a byte budget, and each component type costs its own copy of Yew's lifecycle.

use hoctap_shared::protocol::RecordId;
use serde_json::Value;
use yew::prelude::*;

use super::remote::{error_words, use_server_json};
use crate::api::ApiError;
use crate::app::datetime_vi;
use crate::history::event_lines;

/// The folded "Lịch sử" section of `record`; opened, it asks the server for the latest
/// page and shows it newest first, each event's lines under one another. `version`
/// changes when the record does (its latest clock), to fetch the history again.
#[hook]
pub fn use_record_history(record: RecordId, version: u32) -> Html {
    let open = use_state(|| false);
    // `evaluation:<id>`: the API's path names the kind as the wire does.
    let path = open.then(|| format!("/records/{}/history", record.to_string().replacen(':', "/", 1)));
    let fetched = use_server_json(path, false, version);
    // On the summary's click (a keyboard's Enter clicks it too): `toggle` does not bubble
    // up to where Yew listens.
    let onclick = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(!*open))
    };
    // Read as a plain JSON value (see `crate::history`); a page is a hundred events.
    let page: Value =
        fetched.value.as_ref().and_then(|(json, _)| serde_json::from_str(json.text()).ok()).unwrap_or_default();
    let events = page["events"].as_array().map_or(&[][..], Vec::as_slice);
    let total = page["total"].as_u64().unwrap_or_default();
    let note = match &fetched.error {
        Some(ApiError::Offline) => {
            "Cần kết nối mạng để xem lịch sử (ai sửa gì, lúc nào): lịch sử được lấy từ máy chủ.".to_string()
        }
        Some(error) => error_words(error),
        None if fetched.loading && *open => "Đang tải lịch sử…".to_string(),
        None if total > events.len() as u64 => format!("{} thay đổi gần nhất trong {total}.", events.len()),
        None => String::new(),
    };
    html! {
        <details class="history">
            <summary {onclick}>{ "Lịch sử" }</summary>
            if !note.is_empty() { <p class="hint" role="status">{ note }</p> }
            <ol class="events">
                { for events.iter().rev().map(|e| html! {
                    <li class={if e.get("refused").is_some() { "event refused" } else { "event" }}>
                        { event_lines(e, &datetime_vi).join("\n") }
                    </li>
                }) }
            </ol>
        </details>
    }
}

/// A number that changes when a record's latest clock does, for [`use_record_history`].
pub fn version(last: &hoctap_shared::hlc::Hlc) -> u32 {
    last.wall_ms as u32 ^ last.counter
}
