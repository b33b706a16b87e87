//! Entry point of the hoctap web app: mounts the Yew component tree into the page.
//!
//! The app carries the criteria sets, loaded and validated by the shared crate inside
//! the browser — the same code the server runs — so an officer can fill in and score an
//! evaluation with no network. The first screen lists the sets; choosing one (or opening
//! a deep link such as `#cdht-244-2022`) opens its evaluation form.

mod components;
mod evaluation;
mod page;

use std::rc::Rc;

use hoctap_shared::criteria::{shipped, CriteriaSet};
use yew::prelude::*;

use components::{EvaluationFormView, SetPicker, StatusBadge, SummaryBar};
use evaluation::EvaluationForm;

/// Application title shown in the page header.
const TITLE: &str = "hoctap — Đánh giá mô hình học tập";

/// What this version does and does not do yet.
const NOTICE: &str =
    "Chấm điểm ngay trên máy, không cần mạng. Phiếu chưa được lưu lại: lưu và đồng bộ sẽ có ở bản sau.";

#[derive(Properties, PartialEq)]
struct EvaluationScreenProps {
    set: Rc<CriteriaSet>,
    on_back: Callback<()>,
}

/// One set's form with its state; keyed by set id, so choosing another set starts a
/// fresh form.
#[function_component(EvaluationScreen)]
fn evaluation_screen(props: &EvaluationScreenProps) -> Html {
    let form = {
        let set = Rc::clone(&props.set);
        use_reducer(move || EvaluationForm::new(set))
    };
    let on_change = {
        let form = form.clone();
        Callback::from(move |action| form.dispatch(action))
    };
    let set = &props.set;
    let back = props.on_back.reform(|_: MouseEvent| ());
    html! {
        <>
            <main class="app with-summary">
                <button type="button" class="back" onclick={back}>{ "← Chọn bộ tiêu chí khác" }</button>
                <p class="set-model">{ set.model.title() }</p>
                <h1 class="form-title">{ &set.name }</h1>
                <p class="set-meta">
                    { format!("{} ngày {} · {} ", set.legal_basis.number, set.legal_basis.date, set.legal_basis.issuer) }
                    <StatusBadge status={set.status} />
                </p>
                if let Some(note) = &set.status_note {
                    <details class="status-note">
                        <summary>{ "Những điểm chưa được xác nhận" }</summary>
                        <p>{ note }</p>
                    </details>
                }
                <EvaluationFormView form={(*form).clone()} {on_change} />
            </main>
            <SummaryBar form={(*form).clone()} />
        </>
    }
}

/// Root component of the app: the set picker, or the form of the set in the address.
#[function_component(App)]
fn app() -> Html {
    let sets = use_memo((), |_| shipped::all().into_iter().map(Rc::new).collect::<Vec<_>>());
    let selected = use_state(page::current_set_id);
    {
        // Back/forward buttons and edited links change the hash; follow them.
        let selected = selected.clone();
        use_effect_with((), move |_| {
            let listener = page::HashListener::new(move |id| selected.set(id));
            move || drop(listener)
        });
    }
    let on_choose = {
        let selected = selected.clone();
        Callback::from(move |id: String| {
            page::show_set(Some(&id));
            selected.set(Some(id));
        })
    };
    let on_back = {
        let selected = selected.clone();
        Callback::from(move |()| {
            page::show_set(None);
            selected.set(None);
        })
    };

    let chosen = selected.as_ref().and_then(|id| sets.iter().find(|s| &s.id == id));
    if let Some(set) = chosen {
        return html! { <EvaluationScreen key={set.id.clone()} set={Rc::clone(set)} {on_back} /> };
    }
    let list: Rc<Vec<CriteriaSet>> = Rc::new(sets.iter().map(|s| (**s).clone()).collect());
    html! {
        <main class="app">
            <h1 class="app-title">{ TITLE }</h1>
            <p class="app-notice">{ NOTICE }</p>
            if let Some(id) = selected.as_ref() {
                <p class="app-warning" role="alert">{ format!("Không tìm thấy bộ tiêu chí “{id}” trên máy này. Hãy chọn một bộ trong danh sách.") }</p>
            }
            <h2 class="section-title">{ format!("Chọn bộ tiêu chí để đánh giá ({})", sets.len()) }</h2>
            <SetPicker sets={list} {on_choose} />
        </main>
    }
}

fn main() {
    yew::Renderer::<App>::new().render();
}
