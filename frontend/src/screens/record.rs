//! One record: its fields (editable), where it stands, its evaluations by year, and
//! starting a new evaluation with a criteria set for its model. Also the form that adds
//! a record to a register. Both forms keep what is typed as a draft on the device until
//! it is saved (see [`crate::draft`]).

use std::collections::BTreeMap;

use hoctap_shared::protocol::{FieldEdit, OpBody, RecordId, RecordKind};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::StateBadge;
use crate::app::AppContext;
use crate::components::{draft_notice, UNSAVED};
use crate::draft::use_draft;
use crate::evaluation::decision_words;
use crate::page::{self, Route};
use crate::recognition::override_note;
use crate::records::{self, as_text, fields, kind_title, model_of, Input};
use crate::replica::{display_name, outcome, search, start_evaluation, Start};
use crate::storage::{self, Answers};

#[derive(Properties, PartialEq)]
struct RecordFormProps {
    kind: RecordKind,
    /// The record being edited, `None` for a new one.
    record: Option<RecordId>,
    /// Told when unsaved answers kept on the device were put back in the form.
    #[prop_or_default]
    on_restored: Callback<()>,
}

/// The fields of a record as inputs; saving records only the fields that changed, each
/// edit based on the values the officer saw.
#[function_component(RecordForm)]
fn record_form(props: &RecordFormProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let kind = props.kind;
    let current: BTreeMap<&'static str, String> = {
        let replica = ctx.model.replica.borrow();
        let view = props.record.as_ref().and_then(|r| replica.view(r));
        fields(kind).iter().map(|f| (f.key, as_text(view.and_then(|v| v.value(f.key))))).collect()
    };
    let values = use_state(|| current.clone());
    let error = use_state(|| None::<String>);
    let saved = use_state(|| false);

    // What differs from the stored fields is kept on the device as the officer types.
    let changes = records::changed_fields(kind, &values, &current);
    let (form, label) = match &props.record {
        Some(record) => {
            let name = ctx.model.replica.borrow().view(record).map(display_name).unwrap_or_default();
            (Route::Record(record.clone()).href(), format!("{}: {name}", kind_title(kind).0))
        }
        None => {
            let typed = fields(kind).first().and_then(|f| values.get(f.key)).map(|t| t.trim()).unwrap_or_default();
            let what = kind_title(kind).1;
            let label = if typed.is_empty() { format!("Thêm {what} mới") } else { format!("Thêm {what}: {typed}") };
            (Route::NewRecord(kind).href(), label)
        }
    };
    let on_restore = {
        let (values, current, on_restored) = (values.clone(), current.clone(), props.on_restored.clone());
        Callback::from(move |kept: Answers| {
            values.set(records::with_fields(kind, current.clone(), &kept));
            on_restored.emit(());
        })
    };
    let draft = use_draft(form, label, changes, on_restore);
    let on_discard = {
        let (values, current) = (values.clone(), current.clone());
        Callback::from(move |()| values.set(current.clone()))
    };
    let set_value = |key: &'static str| {
        let (values, saved) = (values.clone(), saved.clone());
        Callback::from(move |text: String| {
            let mut next = (*values).clone();
            next.insert(key, text);
            values.set(next);
            saved.set(false);
        })
    };
    let onsubmit = {
        let (values, error, saved, ctx, record, forget) =
            (values.clone(), error.clone(), saved.clone(), ctx.clone(), props.record.clone(), draft.forget.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let replica = ctx.model.replica.borrow();
            let view = record.as_ref().and_then(|r| replica.view(r)).cloned();
            drop(replica);
            let mut edits = Vec::new();
            let mut problems = Vec::new();
            for field in fields(kind) {
                let text = values.get(field.key).cloned().unwrap_or_default();
                match records::parse(field, &text) {
                    Err(message) => problems.push(message),
                    Ok(value) => {
                        let field_view = view.as_ref().and_then(|v| v.fields.get(field.key));
                        let old = field_view.and_then(|f| f.value.clone());
                        let conflict = field_view.is_some_and(|f| f.is_conflict());
                        let new = value.unwrap_or(serde_json::Value::Null);
                        let unchanged = old.as_ref() == Some(&new) || (old.is_none() && !conflict && new.is_null());
                        if !unchanged {
                            let base = field_view
                                .map(|f| f.candidates.iter().map(|c| c.op.clone()).collect())
                                .unwrap_or_default();
                            edits.push(FieldEdit { field: field.key.to_string(), value: new, base });
                        }
                    }
                }
            }
            if !problems.is_empty() {
                error.set(Some(problems.join(". ")));
                return;
            }
            error.set(None);
            if edits.is_empty() {
                saved.set(true);
                return;
            }
            let (error, saved, ctx, existing, forget) =
                (error.clone(), saved.clone(), ctx.clone(), record.clone(), forget.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let (record, unit) = match (&existing, &view) {
                        (Some(r), Some(v)) => (r.clone(), v.unit.clone()),
                        (Some(r), None) => (r.clone(), ctx.unit()),
                        (None, _) => (RecordId { kind, id: storage::new_id()? }, ctx.unit()),
                    };
                    let ops = ctx.operations(&record, &unit, vec![OpBody::SetFields { fields: edits }]).await?;
                    ctx.save(ops).await?;
                    Ok::<_, storage::StorageError>(record)
                };
                match result.await {
                    Ok(record) => {
                        saved.set(true);
                        if existing.is_none() {
                            forget.emit(());
                            page::go(&Route::Record(record));
                        }
                    }
                    Err(err) => error.set(Some(err.to_string())),
                }
            });
        })
    };
    let replica = ctx.model.replica.borrow();
    html! {
        <form class="card record-form" {onsubmit} onfocusout={draft.flush.reform(|_: FocusEvent| ())}>
            { draft_notice(&draft.status, &on_discard) }
            { for fields(kind).iter().map(|field| {
                let id = format!("f-{}", field.key);
                let value = values.get(field.key).cloned().unwrap_or_default();
                let label = if field.required { format!("{} *", field.label) } else { field.label.to_string() };
                let on_text = set_value(field.key);
                let input = match field.input {
                    Input::Text | Input::Year => {
                        let year = field.input == Input::Year;
                        html! {
                            <input id={id.clone()} class="text" type="text" inputmode={if year { "numeric" } else { "text" }}
                                {value} oninput={on_text.reform(|e: InputEvent| e.target_unchecked_into::<HtmlInputElement>().value())} />
                        }
                    }
                    Input::YesNo | Input::Choice(_) | Input::Ref(_) => {
                        let options: Vec<(String, String)> = match field.input {
                            Input::YesNo => vec![("true".into(), "Có".into()), ("false".into(), "Không".into())],
                            Input::Choice(options) => options.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect(),
                            Input::Ref(kind) => search(&replica, kind, "").into_iter().map(|(v, name)| (v.record.id.clone(), name)).collect(),
                            _ => Vec::new(),
                        };
                        html! {
                            <select id={id.clone()} class="select"
                                onchange={on_text.reform(|e: Event| e.target_unchecked_into::<HtmlSelectElement>().value())}>
                                <option value="" selected={value.is_empty()}>{ "— chưa chọn —" }</option>
                                { for options.iter().map(|(v, l)| html! { <option value={v.clone()} selected={*v == value}>{ l }</option> }) }
                            </select>
                        }
                    }
                };
                html! { <><label class="field" for={id}>{ label }</label>{ input }</> }
            }) }
            if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
            if *saved && !draft.status.unsaved { <p class="save-status saved" role="status">{ "Đã lưu trên máy" }</p> }
            <button type="submit" class="primary">{ "Lưu" }</button>
            if draft.status.kept() { <p class="save-status unsaved" role="status">{ UNSAVED }</p> }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct NewRecordProps {
    pub kind: RecordKind,
}

#[function_component(NewRecordScreen)]
pub fn new_record_screen(props: &NewRecordProps) -> Html {
    html! {
        <main class="app">
            <a class="back" href={Route::Register(props.kind).href()}>{ format!("← Sổ {}", kind_title(props.kind).0.to_lowercase()) }</a>
            <h1 class="form-title">{ format!("Thêm {}", kind_title(props.kind).1) }</h1>
            <RecordForm kind={props.kind} record={None::<RecordId>} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct RecordProps {
    pub record: RecordId,
}

#[function_component(RecordScreen)]
pub fn record_screen(props: &RecordProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let kind = props.record.kind;
    let sets: Vec<(String, String)> = ctx
        .model
        .sets
        .iter()
        .filter(|s| Some(s.model) == model_of(kind))
        .map(|s| (s.id.clone(), format!("{} ({} {})", s.name, s.legal_basis.number, s.legal_basis.date)))
        .collect();
    let chosen_set = use_state(|| sets.first().map(|(id, _)| id.clone()).unwrap_or_default());
    // Next year's evaluation is never the default on a phone whose clock runs fast.
    let default_year = crate::app::trusted_year(&ctx.model.clock);
    let year = use_state(|| default_year.to_string());
    let error = use_state(|| None::<String>);
    // The record's details open when unsaved answers were put back in them.
    let restored = use_state_eq(|| false);
    let replica = ctx.model.replica.borrow();
    let Some(view) = replica.view(&props.record).cloned() else {
        return html! {
            <main class="app">
                <p class="app-warning" role="alert">{ "Không có hồ sơ này trên máy. Có thể nó chưa được đồng bộ về." }</p>
                <a href={Route::Register(kind).href()}>{ "← Về sổ" }</a>
            </main>
        };
    };
    let state = replica.state(&view.record);
    let refusals: Vec<String> = replica.refusals_of(&view.record).iter().map(|r| r.message.clone()).collect();
    let evaluations: Vec<_> = replica.evaluations_of(&view.record).into_iter().cloned().collect();
    drop(replica);
    let start = {
        let (ctx, chosen_set, year, error, subject, unit) =
            (ctx.clone(), chosen_set.clone(), year.clone(), error.clone(), view.record.clone(), view.unit.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(y) = year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)) else {
                error.set(Some("Năm đánh giá cần là một năm như 2026".to_string()));
                return;
            };
            let set = (*chosen_set).clone();
            // One evaluation per subject, set and year: open the one the device knows.
            let record = match start_evaluation(&ctx.model.replica.borrow(), &subject, &set, y) {
                Start::Open(record) => return page::go(&Route::Evaluation(record.id)),
                Start::Create(record) => record,
            };
            let (ctx, error, subject, unit) = (ctx.clone(), error.clone(), subject.clone(), unit.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let fields = vec![
                        FieldEdit { field: "set".into(), value: set.into(), base: vec![] },
                        FieldEdit { field: "year".into(), value: y.into(), base: vec![] },
                        FieldEdit {
                            field: "subject".into(),
                            value: serde_json::to_value(&subject).unwrap_or_default(),
                            base: vec![],
                        },
                    ];
                    let ops = ctx.operations(&record, &unit, vec![OpBody::SetFields { fields }]).await?;
                    ctx.save(ops).await?;
                    Ok::<_, storage::StorageError>(record.id)
                };
                match result.await {
                    Ok(id) => page::go(&Route::Evaluation(id)),
                    Err(err) => error.set(Some(err.to_string())),
                }
            });
        })
    };
    html! {
        <main class="app">
            <a class="back" href={Route::Register(kind).href()}>{ format!("← Sổ {}", kind_title(kind).0.to_lowercase()) }</a>
            <h1 class="form-title">{ display_name(&view) }</h1>
            <p><StateBadge {state} /></p>
            { for refusals.iter().map(|m| html! { <p class="app-warning" role="alert">{ format!("Máy chủ từ chối một thay đổi: {m}") }</p> }) }
            if view.conflicts().next().is_some() {
                <p class="app-warning" role="alert">
                    { "Hai máy đã sửa cùng một thông tin. " }
                    <a href={Route::Conflicts(Some(view.record.clone())).href()}>{ "Xem và chọn giá trị" }</a>
                </p>
            }
            <h2 class="section-title">{ "Đánh giá" }</h2>
            if evaluations.is_empty() { <p class="hint">{ "Chưa có phiếu đánh giá nào." }</p> }
            <ul class="rows">
                { for evaluations.iter().map(|e| {
                    let y = e.value("year").and_then(|y| y.as_i64()).unwrap_or_default();
                    let set_name = e.value("set").and_then(|s| s.as_str()).and_then(|id| ctx.model.sets.iter().find(|s| s.id == id)).map(|s| s.name.clone()).unwrap_or_default();
                    let result = outcome(e, &ctx.model.sets).map_or_else(|| "Chưa chấm xong".to_string(), |o| decision_words(&o.decision));
                    let note = e.decision.as_ref().and_then(override_note).map(|n| format!(" · {n}")).unwrap_or_default();
                    html! {
                        <li>
                            <a class="row" href={Route::Evaluation(e.record.id.clone()).href()}>
                                <span class="row-name">{ format!("Năm {y}: {result}") }</span>
                                <span class="row-meta">{ format!("{set_name} · {}{note}", e.status.title()) }</span>
                                <StateBadge state={ctx.model.replica.borrow().state(&e.record)} />
                            </a>
                        </li>
                    }
                }) }
            </ul>
            if sets.is_empty() {
                <p class="hint">{ "Chưa có bộ tiêu chí cho loại hồ sơ này." }</p>
            } else {
                <div class="card new-evaluation">
                    <label class="field" for="new-set">{ "Bộ tiêu chí" }</label>
                    <select id="new-set" class="select" onchange={let s = chosen_set.clone(); Callback::from(move |e: Event| s.set(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                        { for sets.iter().map(|(id, name)| html! { <option value={id.clone()} selected={*id == *chosen_set}>{ name }</option> }) }
                    </select>
                    <label class="field" for="new-year">{ "Năm đánh giá" }</label>
                    <input id="new-year" class="text" type="text" inputmode="numeric" value={(*year).clone()}
                        oninput={let s = year.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
                    <button type="button" class="primary" onclick={start}>{ "Bắt đầu đánh giá" }</button>
                </div>
            }
            <details class="record-details" open={evaluations.is_empty() || *restored}>
                <summary>{ "Thông tin hồ sơ" }</summary>
                <RecordForm kind={kind} record={Some(view.record.clone())} on_restored={let r = restored.clone(); Callback::from(move |()| r.set(true))} />
            </details>
        </main>
    }
}
