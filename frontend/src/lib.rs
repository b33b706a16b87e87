//! The hoctap web app: the Yew component tree and [`run`], which mounts it into the page.
//!
//! The app carries the criteria sets, loaded and validated by the shared crate inside
//! the browser — the same code the server runs — so an officer can fill in and score an
//! evaluation with no network. The first screen lists the sets; choosing one (or opening
//! a deep link such as `#cdht-244-2022`) opens its evaluation form.

mod components;
pub mod evaluation;
pub mod outbox;
mod page;
pub mod storage;

use std::cell::RefCell;
use std::rc::Rc;

use hoctap_shared::criteria::{shipped, CriteriaSet};
use hoctap_shared::protocol::{RecordId, RecordKind};
use yew::prelude::*;

use components::{EvaluationFormView, SaveBar, SaveState, SetPicker, StatusBadge, SummaryBar};
use evaluation::EvaluationForm;
use outbox::{SaveContext, Saved};
use storage::{Storage, StorageError};

/// Application title shown in the page header.
const TITLE: &str = "hoctap — Đánh giá mô hình học tập";

/// What this version does and does not do yet.
const NOTICE: &str =
    "Chấm điểm ngay trên máy, không cần mạng. Bấm “Lưu trên máy” để giữ phiếu trên máy này; gửi lên máy chủ (đồng bộ) sẽ có ở bản sau.";

/// The unit saved evaluations belong to until login tells the device its unit.
/// FIXME(#4): take the unit from the signed-in account (next slice).
const UNASSIGNED_UNIT: &str = "";

/// What one open form has saved on this device: the evaluation's record id and the
/// values last written, so the next save records only the changes.
#[derive(Debug, Default)]
struct SavedForm {
    record: Option<RecordId>,
    saved: Saved,
}

/// Records the changes of `form` in the outbox (before anything else happens with
/// them) and returns how many operations now wait to be sent.
async fn save_on_device(form: &EvaluationForm, saved: &RefCell<SavedForm>) -> Result<u32, StorageError> {
    let storage = Storage::open().await?;
    let (_device, clock) = storage.device().await?;
    let record = match saved.borrow().record.clone() {
        Some(record) => record,
        None => RecordId { kind: RecordKind::Evaluation, id: storage::new_id()? },
    };
    // Enough fresh ids for the fields and every indicator, minted up front because
    // minting can fail and the pure planner cannot.
    let mut fresh = Vec::new();
    for _ in 0..=form.set.indicators().count() {
        fresh.push(storage::new_id()?);
    }
    let mut fresh = fresh.into_iter();
    let ctx = SaveContext {
        record: record.clone(),
        unit: UNASSIGNED_UNIT.to_string(),
        clock,
        now_ms: js_sys::Date::now() as i64,
        year: js_sys::Date::new_0().get_full_year() as i32,
    };
    let previous = saved.borrow().saved.clone();
    let save = outbox::save_operations(form, &previous, &ctx, || fresh.next().unwrap_or_default());
    storage.append_ops(&save.ops).await?;
    *saved.borrow_mut() = SavedForm { record: Some(record), saved: save.saved };
    let waiting = storage.outbox_len().await?;
    storage.close();
    Ok(waiting)
}

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
    let saved = use_mut_ref(SavedForm::default);
    let save_state = use_state(|| SaveState::Idle);
    let on_change = {
        let form = form.clone();
        Callback::from(move |action| form.dispatch(action))
    };
    let on_save = {
        let (form, saved, save_state) = (form.clone(), saved.clone(), save_state.clone());
        Callback::from(move |()| {
            let (form, saved, save_state) = ((*form).clone(), saved.clone(), save_state.clone());
            save_state.set(SaveState::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                save_state.set(match save_on_device(&form, &saved).await {
                    Ok(waiting) => SaveState::Saved { waiting },
                    Err(err) => SaveState::Failed(err.to_string()),
                });
            });
        })
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
                <SaveBar state={(*save_state).clone()} {on_save} />
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
    let waiting = use_state(|| None::<Result<u32, String>>);
    {
        // The count of changes waiting to be sent, read again whenever the list shows.
        let waiting = waiting.clone();
        use_effect_with(selected.is_none(), move |showing_list| {
            if *showing_list {
                wasm_bindgen_futures::spawn_local(async move {
                    let count = async {
                        let storage = Storage::open().await?;
                        let count = storage.outbox_len().await;
                        storage.close();
                        count
                    };
                    waiting.set(Some(count.await.map_err(|e| e.to_string())));
                });
            }
        });
    }
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
            { match &*waiting {
                Some(Ok(0)) | None => Html::default(),
                Some(Ok(n)) => html! { <p class="app-outbox">{ format!("{n} thay đổi đã lưu trên máy, chờ đồng bộ") }</p> },
                Some(Err(message)) => html! { <p class="app-warning" role="alert">{ message }</p> },
            } }
            if let Some(id) = selected.as_ref() {
                <p class="app-warning" role="alert">{ format!("Không tìm thấy bộ tiêu chí “{id}” trên máy này. Hãy chọn một bộ trong danh sách.") }</p>
            }
            <h2 class="section-title">{ format!("Chọn bộ tiêu chí để đánh giá ({})", sets.len()) }</h2>
            <SetPicker sets={list} {on_choose} />
        </main>
    }
}

/// Mounts the app into the page's body.
pub fn run() {
    yew::Renderer::<App>::new().render();
}
