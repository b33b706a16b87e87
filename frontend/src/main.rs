//! Entry point of the hoctap web app: mounts the Yew component tree into the page.
//!
//! For now it lists the criteria sets the app carries, loaded and validated by the
//! shared crate inside the browser — the same code the server runs — so scoring can
//! work with no network. The offline evaluation screens come with the next version.

use hoctap_shared::criteria::{shipped, CriteriaSet, SetStatus};
use yew::prelude::*;

/// Application title shown in the page header.
const TITLE: &str = "hoctap — Đánh giá mô hình học tập";

/// Notice shown while the evaluation screens are being built.
const NOTICE: &str = "Ứng dụng đang được xây dựng: phiên bản ngoại tuyến sẽ có ở bản sau.";

#[derive(Properties, PartialEq)]
struct SetCardProps {
    set: CriteriaSet,
}

/// One criteria set: its model, name, legal basis and status.
#[function_component(SetCard)]
fn set_card(props: &SetCardProps) -> Html {
    let set = &props.set;
    let status = match set.status {
        SetStatus::Official => "Chính thức",
        SetStatus::Provisional => "Tạm thời",
    };
    let indicators = set.indicators().count();
    html! {
        <li class="set">
            <p class="set-model">{ set.model.title() }</p>
            <p class="set-name">{ &set.name }</p>
            <p class="set-meta">
                { format!("{} ngày {} · {} tiêu chí, {indicators} chỉ số · ", set.legal_basis.number, set.legal_basis.date, set.criteria.len()) }
                <span class={classes!("set-status", (set.status == SetStatus::Provisional).then_some("provisional"))}>{ status }</span>
            </p>
        </li>
    }
}

/// Root component of the app.
#[function_component(App)]
fn app() -> Html {
    let sets = use_memo((), |_| shipped::all());
    html! {
        <main class="app">
            <h1 class="app-title">{ TITLE }</h1>
            <p class="app-notice">{ NOTICE }</p>
            <h2 class="section-title">{ format!("Bộ tiêu chí có sẵn trên máy ({})", sets.len()) }</h2>
            <ul class="sets">
                { for sets.iter().map(|set| html! { <SetCard set={set.clone()} /> }) }
            </ul>
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
