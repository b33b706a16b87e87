//! The "Lưu trên máy" button under the form and what the last save did: how many
//! changes now wait to be sent, or the storage error in plain words; and whether the
//! form holds changes not saved yet (kept on the device as a draft).

use yew::prelude::*;

/// Where the last save stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveState {
    Idle,
    Saving,
    /// Saved; this many operations wait in the outbox.
    Saved {
        waiting: u32,
    },
    /// The storage error's message.
    Failed(String),
}

/// What a form with unsaved changes says: leaving loses nothing.
pub const UNSAVED: &str = "Có thay đổi chưa lưu — đã giữ trên máy";

#[derive(Properties, PartialEq)]
pub struct SaveBarProps {
    pub state: SaveState,
    pub on_save: Callback<()>,
    /// The form differs from what is saved, and the draft holding it is on the device.
    #[prop_or_default]
    pub unsaved: bool,
}

#[function_component(SaveBar)]
pub fn save_bar(props: &SaveBarProps) -> Html {
    let saving = props.state == SaveState::Saving;
    let onclick = props.on_save.reform(|_: MouseEvent| ());
    html! {
        <div class="save-bar">
            <button type="button" class="save" disabled={saving} {onclick}>{ "Lưu trên máy" }</button>
            { match &props.state {
                SaveState::Idle => Html::default(),
                SaveState::Saving => html! { <p class="save-status" role="status">{ "Đang lưu…" }</p> },
                SaveState::Saved { waiting } => html! {
                    <p class="save-status saved" role="status">{ format!("Đã lưu trên máy ({waiting} thay đổi chờ đồng bộ)") }</p>
                },
                SaveState::Failed(message) => html! { <p class="save-status failed" role="alert">{ message }</p> },
            } }
            if props.unsaved && !saving { <p class="save-status unsaved" role="status">{ UNSAVED }</p> }
        </div>
    }
}
