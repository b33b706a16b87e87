//! The "Lưu trên máy" button under the form and what the last save did: how many
//! changes now wait to be sent, or the storage error in plain words.

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

#[derive(Properties, PartialEq)]
pub struct SaveBarProps {
    pub state: SaveState,
    pub on_save: Callback<()>,
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
        </div>
    }
}
