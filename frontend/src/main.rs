//! Entry point of the hoctap web app: mounts the Yew component tree into the page's <body>.
//!
//! For now it only shows a Vietnamese "under construction" screen; the offline-first app that
//! uses `hoctap-shared` will replace the placeholder content in a later version.

use yew::prelude::*;

/// Application title shown in the page header.
const TITLE: &str = "hoctap — Đánh giá mô hình học tập";

/// Notice shown while the real app is being built.
const NOTICE: &str = "Ứng dụng đang được xây dựng: phiên bản ngoại tuyến sẽ có ở bản sau.";

/// Root component of the app.
#[function_component(App)]
fn app() -> Html {
    html! {
        <main class="app">
            <h1 class="app-title">{ TITLE }</h1>
            <p class="app-notice">{ NOTICE }</p>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
