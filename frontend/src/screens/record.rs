//! One record: its fields (editable), where it stands, its evaluations by year, and
//! starting a new evaluation with a criteria set for its model (reopening it if it was
//! deleted), and a person's or household's leaving the register (rời sổ) and coming
//! back. Also the form that adds a record to a register. Both forms keep what is typed
//! as a draft on the device until it is saved (see [`crate::draft`]).

use std::collections::BTreeMap;

use hoctap_shared::archive::{has_left, is_deleted, left_of, Left, LeftReason, DELETED_FIELD, LEFT_FIELD};
use hoctap_shared::consolidation::SET_VERSION_FIELD;
use hoctap_shared::protocol::{FieldEdit, OpBody, RecordId, RecordKind, MOVED_FROM_FIELD};
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
use crate::replica::{
    display_name, edit, household_details, members_by_household, outcome, person_details, search, start_evaluation,
    unit_name, Start,
};
use crate::storage::{self, Answers};

#[derive(Properties, PartialEq)]
struct RecordFormProps {
    kind: RecordKind,
    /// The record being edited, `None` for a new one.
    record: Option<RecordId>,
    /// A new person's household, when added from the household's page.
    #[prop_or_default]
    household: Option<String>,
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
    let (current, current_unit): (BTreeMap<&'static str, String>, String) = {
        let replica = ctx.model.replica.borrow();
        let view = props.record.as_ref().and_then(|r| replica.view(r));
        let mut current: BTreeMap<_, _> =
            fields(kind).iter().map(|f| (f.key, as_text(view.and_then(|v| v.value(f.key))))).collect();
        if let Some(household) = &props.household {
            current.insert("household", household.clone());
        }
        (current, view.map_or_else(|| ctx.unit(), |v| v.unit.clone()))
    };
    let values = use_state(|| current.clone());
    // A commune's officer says in which hamlet a record is (a person follows the
    // household's hamlet); changing it for a saved record is an explicit move.
    let unit = use_state(|| current_unit.clone());
    let error = use_state(|| None::<String>);
    let saved = use_state(|| None::<String>);

    // The stored fields the form started from. When they change under the form (a sync,
    // another tab), the fields the officer has not touched follow them and the
    // officer's own changes stay: a value a sync brings in is never taken for an
    // unsaved one.
    let base = use_state(|| current.clone());
    {
        let (values, base) = (values.clone(), base.clone());
        use_effect_with(current.clone(), move |current| {
            if *base != *current {
                values.set(records::rebase(kind, &values, &base, current));
                base.set(current.clone());
            }
        });
    }
    // What differs from the stored fields is kept on the device as the officer types.
    let changes = records::changed_fields(kind, &values, &base);
    let (form, label) = match &props.record {
        Some(record) => {
            let name = ctx.model.replica.borrow().view(record).map(display_name).unwrap_or_default();
            (Route::Record(record.clone()).href(), format!("{}: {name}", kind_title(kind).0))
        }
        None => {
            let typed = fields(kind).first().and_then(|f| values.get(f.key)).map(|t| t.trim()).unwrap_or_default();
            let what = kind_title(kind).1;
            let label = if typed.is_empty() { format!("Thêm {what} mới") } else { format!("Thêm {what}: {typed}") };
            let form = match &props.household {
                Some(household) => Route::NewMember(household.clone()),
                None => Route::NewRecord(kind),
            };
            (form.href(), label)
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
            saved.set(None);
        })
    };
    // `another`: "Lưu và thêm người" keeps the form open, emptied but for the household.
    let save = {
        let (values, error, saved, ctx, record, unit, fresh, forget) = (
            values.clone(),
            error.clone(),
            saved.clone(),
            ctx.clone(),
            props.record.clone(),
            unit.clone(),
            current.clone(),
            draft.forget.clone(),
        );
        Callback::from(move |another: bool| {
            let replica = ctx.model.replica.borrow();
            let view = record.as_ref().and_then(|r| replica.view(r)).cloned();
            // People live in their household's hamlet.
            let household_unit = values
                .get("household")
                .filter(|h| !h.is_empty())
                .and_then(|h| replica.view(&RecordId { kind: RecordKind::Household, id: h.clone() }))
                .map(|h| h.unit.clone());
            drop(replica);
            let target = household_unit.unwrap_or_else(|| (*unit).clone());
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
            // A saved record going to another hamlet says which unit it leaves.
            if let Some(old) = view.as_ref().map(|v| v.unit.clone()).filter(|old| *old != target) {
                edits.push(FieldEdit { field: MOVED_FROM_FIELD.to_string(), value: old.into(), base: vec![] });
            }
            if edits.is_empty() {
                saved.set(Some("Đã lưu trên máy".to_string()));
                return;
            }
            let name = values.get("name").cloned().unwrap_or_default();
            let (error, saved, ctx, existing, values, fresh, forget) = (
                error.clone(),
                saved.clone(),
                ctx.clone(),
                record.clone(),
                values.clone(),
                fresh.clone(),
                forget.clone(),
            );
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let record = match &existing {
                        Some(r) => r.clone(),
                        None => RecordId { kind, id: storage::new_id()? },
                    };
                    let ops = ctx.operations(&record, &target, vec![OpBody::SetFields { fields: edits }]).await?;
                    ctx.save(ops).await?;
                    Ok::<_, storage::StorageError>(record)
                };
                match result.await {
                    Ok(_) if another => {
                        forget.emit(());
                        values.set(fresh);
                        saved.set(Some(format!("Đã lưu {name}. Nhập người tiếp theo.")));
                        page::focus("f-name");
                    }
                    Ok(record) => {
                        saved.set(Some("Đã lưu trên máy".to_string()));
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
    let onsubmit = save.reform(|e: SubmitEvent| {
        e.prevent_default();
        false
    });
    let hamlets: Vec<(String, String)> = if ctx.unit().starts_with("commune:") && kind != RecordKind::Hamlet {
        let replica = ctx.model.replica.borrow();
        let mut found: Vec<_> = replica
            .records(RecordKind::Hamlet)
            .filter(|h| hoctap_shared::hamlets::closed_on(h).is_none())
            .map(|h| (format!("hamlet:{}", h.record.id), display_name(h)))
            .collect();
        found.sort_by(|a, b| a.1.cmp(&b.1));
        found
    } else {
        Vec::new()
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
                    Input::Ref(RecordKind::Household) => html! { <Picker kind={RecordKind::Household} id="f-household" {value} on_change={on_text} /> },
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
            if !hamlets.is_empty() && values.get("household").is_none_or(|h| h.is_empty()) {
                <label class="field" for="f-unit">{ "Thôn, tổ dân phố" }</label>
                <select id="f-unit" class="select"
                    onchange={let u = unit.clone(); Callback::from(move |e: Event| u.set(e.target_unchecked_into::<HtmlSelectElement>().value()))}>
                    <option value={ctx.unit()} selected={!unit.starts_with("hamlet:")}>{ "— chưa chọn thôn —" }</option>
                    { for hamlets.iter().map(|(id, name)| html! { <option value={id.clone()} selected={*id == *unit}>{ name }</option> }) }
                </select>
            }
            if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
            if let Some(message) = saved.as_ref().filter(|_| !draft.status.unsaved) {
                <p class="save-status saved" role="status">{ message }</p>
            }
            <button type="submit" class="primary">{ "Lưu" }</button>
            if props.record.is_none() && kind == RecordKind::Person {
                <button type="button" class="secondary" onclick={save.reform(|_: MouseEvent| true)}>{ "Lưu và thêm người" }</button>
            }
            if draft.status.kept() { <p class="save-status unsaved" role="status">{ UNSAVED }</p> }
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct NewRecordProps {
    pub kind: RecordKind,
    /// The household a new person joins (from the household's page).
    #[prop_or_default]
    pub household: Option<String>,
}

#[function_component(NewRecordScreen)]
pub fn new_record_screen(props: &NewRecordProps) -> Html {
    let back = match &props.household {
        Some(id) => html! {
            <a class="back" href={Route::Record(RecordId { kind: RecordKind::Household, id: id.clone() }).href()}>{ "← Hộ gia đình" }</a>
        },
        None => html! {
            <a class="back" href={Route::Register(props.kind).href()}>{ format!("← Sổ {}", kind_title(props.kind).0.to_lowercase()) }</a>
        },
    };
    html! {
        <main class="app">
            { back }
            <h1 class="form-title">{ if props.household.is_some() { "Thêm thành viên".to_string() } else { format!("Thêm {}", kind_title(props.kind).1) } }</h1>
            <RecordForm kind={props.kind} record={None::<RecordId>} household={props.household.clone()} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct PickerProps {
    kind: RecordKind,
    /// The id of the search input (for its label).
    id: &'static str,
    /// The chosen record's id, empty when none.
    value: String,
    on_change: Callback<String>,
    /// A record not to offer (the one being edited).
    #[prop_or_default]
    except: String,
}

/// Choosing a household (or a person) still in the register by searching its name (its
/// head's, with or without diacritics); each match shows what tells namesakes apart
/// (a household's address, hamlet and members; a person's birth year and household).
#[function_component(Picker)]
fn picker(props: &PickerProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let query = use_state(String::new);
    let replica = ctx.model.replica.borrow();
    let household = props.kind == RecordKind::Household;
    let members = if household { members_by_household(&replica) } else { Default::default() };
    let details = |view: &hoctap_shared::merge::RecordView| match household {
        true => household_details(&replica, view, members.get(view.record.id.as_str()).map_or(&[], |m| m.as_slice())),
        false => person_details(&replica, view),
    };
    let title = |name: String| if household { format!("Hộ {name}") } else { name };
    let chosen = (!props.value.is_empty())
        .then(|| replica.view(&RecordId { kind: props.kind, id: props.value.clone() }))
        .flatten();
    if let Some(view) = chosen {
        return html! {
            <div class="picked" id={props.id}>
                <span class="row-name">{ title(display_name(view)) }</span>
                <span class="row-meta">{ details(view) }</span>
                <button type="button" class="link" onclick={props.on_change.reform(|_: MouseEvent| String::new())}>{ if household { "Đổi hộ" } else { "Đổi" } }</button>
            </div>
        };
    }
    let mut matches = if query.trim().is_empty() { Vec::new() } else { search(&replica, props.kind, &query) };
    matches.retain(|(v, _)| v.record.id != props.except && !has_left(v));
    html! {
        <div class="picker">
            <input id={props.id} class="text" type="search" placeholder={if household { "Gõ tên chủ hộ để tìm" } else { "Gõ tên để tìm" }} autocomplete="off"
                value={(*query).clone()}
                oninput={let q = query.clone(); Callback::from(move |e: InputEvent| q.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
            <ul class="rows">
                { for matches.iter().take(8).map(|(view, name)| {
                    let id = view.record.id.clone();
                    html! {
                        <li>
                            <button type="button" class="row pick" onclick={props.on_change.reform(move |_: MouseEvent| id.clone())}>
                                <span class="row-name">{ title(name.clone()) }</span>
                                <span class="row-meta">{ details(view) }</span>
                            </button>
                        </li>
                    }
                }) }
            </ul>
            if !query.trim().is_empty() && matches.is_empty() { <p class="hint">{ "Không có hồ sơ nào khớp." }</p> }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct RecordProps {
    pub record: RecordId,
}

/// The sets a new evaluation of `model` for `year` may use, `(id, label)`: those in force
/// during the year, the newest first.
fn sets_for_new_evaluation(
    sets: &[hoctap_shared::criteria::CriteriaSet],
    model: Option<hoctap_shared::criteria::Model>,
    year: i32,
) -> Vec<(String, String)> {
    let mut offered: Vec<_> =
        hoctap_shared::criteria::for_year(sets, year).filter(|s| Some(s.model) == model).collect();
    offered.sort_by_key(|s| std::cmp::Reverse(s.effective_from));
    offered
        .into_iter()
        .map(|s| (s.id.clone(), format!("{} ({} {})", s.name, s.legal_basis.number, s.legal_basis.date)))
        .collect()
}

/// The version of set `id` a new evaluation of `year` is made with.
fn newest_version(sets: &[hoctap_shared::criteria::CriteriaSet], id: &str, year: i32) -> String {
    hoctap_shared::criteria::for_year(sets, year).find(|s| s.id == id).map(|s| s.version.clone()).unwrap_or_default()
}

#[function_component(RecordScreen)]
pub fn record_screen(props: &RecordProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let kind = props.record.kind;
    // Next year's evaluation is never the default on a phone whose clock runs fast.
    let default_year = crate::app::trusted_year(&ctx.model.clock);
    let year = use_state(|| default_year.to_string());
    // A new evaluation uses a set in force in its year, the newest first (QĐ 324 for
    // 2024 on, QĐ 244 only for 2022–2023); evaluations already made keep their set.
    let set_year = year.trim().parse::<i32>().unwrap_or(default_year);
    let sets = sets_for_new_evaluation(&ctx.model.sets, model_of(kind), set_year);
    let chosen_set = use_state(String::new);
    let chosen =
        sets.iter().find(|(id, _)| *id == *chosen_set).or(sets.first()).map(|(id, _)| id.clone()).unwrap_or_default();
    let error = use_state(|| None::<String>);
    // The record's details open when unsaved answers were put back in them.
    let restored = use_state_eq(|| false);
    let last = ctx.model.replica.borrow().view(&props.record).map_or(0, |v| super::history::version(&v.last));
    let history = super::history::use_record_history(props.record.clone(), last);
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
    let left = left_of(&view);
    let refusals: Vec<String> = replica.refusals_of(&view.record).iter().map(|r| r.message.clone()).collect();
    let evaluations: Vec<_> = replica.evaluations_of(&view.record).into_iter().cloned().collect();
    let details = match kind {
        RecordKind::Person => person_details(&replica, &view),
        RecordKind::Household => household_details(&replica, &view, &[]),
        _ => unit_name(&replica, &view.unit).unwrap_or_default(),
    };
    // A household's page lists its members (name, birth year) with a way to add one.
    let members: Vec<(RecordId, String, String)> = if kind == RecordKind::Household {
        members_by_household(&replica)
            .remove(view.record.id.as_str())
            .unwrap_or_default()
            .into_iter()
            .map(|m| {
                let year =
                    m.value("birth_year").and_then(|y| y.as_i64()).map(|y| format!("sinh {y}")).unwrap_or_default();
                (m.record.clone(), display_name(m), year)
            })
            .collect()
    } else {
        Vec::new()
    };
    let may_close = ctx.model.session.as_ref().is_some_and(|s| hoctap_shared::accounts::invites_anyone(s.account.role));
    let hamlet_note =
        if kind == RecordKind::Hamlet { hamlet_closing(&replica, &view, may_close) } else { Html::default() };
    drop(replica);
    let start = {
        let (ctx, chosen, year, error, subject, unit) =
            (ctx.clone(), chosen.clone(), year.clone(), error.clone(), view.record.clone(), view.unit.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(y) = year.trim().parse::<i32>().ok().filter(|y| (2000..=2100).contains(y)) else {
                error.set(Some("Năm đánh giá cần là một năm như 2026".to_string()));
                return;
            };
            let set = chosen.clone();
            // One evaluation per subject, set and year: open the one the device knows; a
            // deleted one comes back with its scores.
            let replica = ctx.model.replica.borrow();
            let record = match start_evaluation(&replica, &subject, &set, y) {
                Start::Open(record) => return page::go(&Route::Evaluation(record.id)),
                Start::Create(record) => record,
            };
            let reopen =
                replica.view(&record).filter(|v| is_deleted(v)).map(|v| edit(Some(v), DELETED_FIELD, ().into()));
            drop(replica);
            let (ctx, error, subject, unit) = (ctx.clone(), error.clone(), subject.clone(), unit.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    // A new evaluation is made with the set's newest version, and keeps it.
                    let version = newest_version(&ctx.model.sets, &set, y);
                    let mut fields = vec![
                        FieldEdit { field: "set".into(), value: set.into(), base: vec![] },
                        FieldEdit { field: SET_VERSION_FIELD.into(), value: version.into(), base: vec![] },
                        FieldEdit { field: "year".into(), value: y.into(), base: vec![] },
                        FieldEdit {
                            field: "subject".into(),
                            value: serde_json::to_value(&subject).unwrap_or_default(),
                            base: vec![],
                        },
                    ];
                    fields.extend(reopen);
                    ctx.write(&record, &unit, vec![OpBody::SetFields { fields }]).await?;
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
            if !details.is_empty() { <p class="row-meta record-details-line">{ details }</p> }
            <p><StateBadge {state} /></p>
            if let Some(left) = &left {
                <div class="app-warning left-banner" role="status">
                    <p>{ left.summary() }{ if left.note.is_empty() { String::new() } else { format!(" — {}", left.note) } }</p>
                    if let Some(kept) = &left.duplicate_of {
                        <a href={Route::Record(RecordId { kind, id: kept.clone() }).href()}>{ "Xem hồ sơ được giữ lại" }</a>
                    }
                    <button type="button" class="secondary" onclick={write_left(&ctx, &view, || serde_json::Value::Null)}>{ "Khôi phục vào sổ" }</button>
                </div>
            }
            { hamlet_note }
            { for refusals.iter().map(|m| html! { <p class="app-warning" role="alert">{ format!("Máy chủ từ chối một thay đổi: {m}") }</p> }) }
            if view.conflicts().next().is_some() {
                <p class="app-warning" role="alert">
                    { "Hai máy đã sửa cùng một thông tin. " }
                    <a href={Route::Conflicts(Some(view.record.clone())).href()}>{ "Xem và chọn giá trị" }</a>
                </p>
            }
            if kind == RecordKind::Household {
                <h2 class="section-title">{ format!("Thành viên ({})", members.len()) }</h2>
                if members.is_empty() { <p class="hint">{ "Hộ chưa có thành viên nào trong sổ." }</p> }
                <ul class="rows members">
                    { for members.iter().map(|(record, name, year)| html! {
                        <li>
                            <a class="row" href={Route::Record(record.clone()).href()}>
                                <span class="row-name">{ name }</span>
                                <span class="row-meta">{ year }</span>
                            </a>
                        </li>
                    }) }
                </ul>
                <a class="secondary add-member" href={Route::NewMember(view.record.id.clone()).href()}>{ "+ Thêm thành viên" }</a>
            }
            <h2 class="section-title">{ "Đánh giá" }</h2>
            if evaluations.is_empty() { <p class="hint">{ "Chưa có phiếu đánh giá nào." }</p> }
            <ul class="rows">
                { for evaluations.iter().map(|e| {
                    let y = e.value("year").and_then(|y| y.as_i64()).unwrap_or_default();
                    let set_name = hoctap_shared::consolidation::criteria_of(e, &ctx.model.sets).map(|s| s.name.clone()).unwrap_or_default();
                    let result = outcome(e, &ctx.model.sets).map_or_else(|| hoctap_shared::scoring::UNFINISHED.to_string(), |o| decision_words(&o.decision));
                    let note = e.decision.as_ref().filter(|_| e.status == hoctap_shared::merge::Status::Recognised).and_then(override_note).map(|n| format!(" · {n}")).unwrap_or_default();
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
                        { for sets.iter().map(|(id, name)| html! { <option value={id.clone()} selected={*id == chosen}>{ name }</option> }) }
                    </select>
                    <label class="field" for="new-year">{ "Năm đánh giá" }</label>
                    <input id="new-year" class="text" type="text" inputmode="numeric" value={(*year).clone()}
                        oninput={let s = year.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                    if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
                    <button type="button" class="primary" onclick={start}>{ "Bắt đầu đánh giá" }</button>
                </div>
            }
            if left.is_none() && matches!(kind, RecordKind::Person | RecordKind::Household) {
                <details class="leave">
                    <summary>{ "Rời sổ" }</summary>
                    <LeaveForm record={view.record.clone()} />
                </details>
            }
            <details class="record-details" open={evaluations.is_empty() || *restored}>
                <summary>{ "Thông tin hồ sơ" }</summary>
                <RecordForm kind={kind} record={Some(view.record.clone())} on_restored={let r = restored.clone(); Callback::from(move |()| r.set(true))} />
            </details>
            { history }
        </main>
    }
}

/// A hamlet that was merged or archived says so; a current one offers its commune's
/// officials the office screen that merges or archives it.
fn hamlet_closing(replica: &crate::replica::Replica, view: &hoctap_shared::merge::RecordView, may_close: bool) -> Html {
    use hoctap_shared::hamlets::{closed_on, merged_into};
    match closed_on(view) {
        Some(on) => {
            let into = merged_into(view).map(|u| unit_name(replica, u).unwrap_or_else(|| "thôn khác".to_string()));
            let text = match into {
                Some(into) => format!("Đã sáp nhập vào {into} từ ngày {on}. Hồ sơ còn lại là lịch sử của thôn."),
                None => format!("Đã giải thể từ ngày {on}. Hồ sơ còn lại là lịch sử của thôn."),
            };
            html! { <p class="app-notice left-banner" role="status">{ text }</p> }
        }
        None if may_close => html! {
            <p><a href={format!("/office.html#thon/hamlet:{}", view.record.id)}>{ "Sáp nhập, giải thể thôn này" }</a></p>
        },
        None => Html::default(),
    }
}

/// Writes a record's `left` field to what `value` makes when pressed (`null`: back in
/// the register).
fn write_left(
    ctx: &AppContext,
    view: &hoctap_shared::merge::RecordView,
    value: impl Fn() -> serde_json::Value + 'static,
) -> Callback<MouseEvent> {
    let (ctx, view) = (ctx.clone(), view.clone());
    Callback::from(move |_| {
        let fields = vec![edit(Some(&view), LEFT_FIELD, value())];
        // Then up to the banner that says it.
        let then = Some(Route::Record(view.record.clone()));
        ctx.write_soon(view.record.clone(), view.unit.clone(), vec![OpBody::SetFields { fields }], then);
    })
}

#[derive(Properties, PartialEq)]
struct LeaveProps {
    record: RecordId,
}

/// "Rời sổ": why (moved away, deceased, or a duplicate of a record found by name), from
/// which day (today unless another is chosen) and a note.
#[function_component(LeaveForm)]
fn leave_form(props: &LeaveProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let reason = use_state(|| LeftReason::MovedAway);
    let kept = use_state(String::new);
    let replica = ctx.model.replica.borrow();
    let Some(view) = replica.view(&props.record) else { return Html::default() };
    let today = ctx.today();
    let duplicate = *reason == LeftReason::Duplicate;
    let save = {
        let (reason, kept) = (*reason, (*kept).clone());
        write_left(&ctx, view, move || {
            let left = Left {
                reason,
                on: hoctap_shared::date::Date::parse_iso(&page::input_value("leave-on")).unwrap_or(today),
                note: page::input_value("leave-note").trim().to_string(),
                duplicate_of: (reason == LeftReason::Duplicate).then(|| kept.clone()),
            };
            left.to_json()
        })
    };
    html! {
        <div class="card leave-form">
            <label class="field" for="leave-reason">{ "Lý do" }</label>
            <select id="leave-reason" class="select" onchange={let r = reason.clone(); Callback::from(move |e: Event| {
                let code = e.target_unchecked_into::<HtmlSelectElement>().value();
                r.set(LeftReason::ALL.into_iter().find(|l| l.code() == code).unwrap_or(LeftReason::MovedAway));
            })}>
                { for LeftReason::ALL.iter().map(|l| html! { <option value={l.code()} selected={*l == *reason}>{ l.title() }</option> }) }
            </select>
            <label class="field" for="leave-on">{ "Từ ngày" }</label>
            <input id="leave-on" class="text" type="date" value={today.iso()} />
            if duplicate {
                <label class="field" for="leave-kept">{ "Hồ sơ được giữ lại" }</label>
                <Picker kind={props.record.kind} id="leave-kept" value={(*kept).clone()} except={props.record.id.clone()}
                    on_change={let k = kept.clone(); Callback::from(move |id| k.set(id))} />
            }
            <label class="field" for="leave-note">{ "Ghi chú" }</label>
            <input id="leave-note" class="text" type="text" />
            <button type="button" class="danger" disabled={duplicate && kept.is_empty()} onclick={save}>{ "Xác nhận rời sổ" }</button>
        </div>
    }
}
