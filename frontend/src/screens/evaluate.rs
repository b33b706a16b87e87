//! Scoring: an evaluation record's form built from its criteria set, loaded with what
//! is saved (on this device or pulled), its evidence per indicator, and its workflow —
//! answers kept as a draft on the device as they are typed (see [`crate::draft`]), save
//! on the device, send for review, read the commune's comment when it is returned,
//! the recognition decision (with the reason of an exception), reopening it for those
//! who review, and the record's history.
//! While a draft or returned, evidence can be detached and the evaluation deleted (it
//! stays in the log, uncounted, until it is started again). Photos show as thumbnails
//! that open the full-screen viewer ([`crate::components::evidence_viewer`]).
//! Also the practice screen, which scores with any set and saves nothing.

use std::rc::Rc;

use hoctap_shared::archive::{is_deleted, DELETED_FIELD};
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::merge::{HistoryEntry, Status};
use hoctap_shared::protocol::{OpBody, RecordId, RecordKind, Transition};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::history::{use_record_history, version};
use super::reopen::reopen_button;
use super::StateBadge;
use crate::app::AppContext;
use crate::components::{
    draft_notice, evidence_thumb, evidence_viewer, use_viewer, EvaluationFormView, SaveBar, SaveState, SetPicker,
    StatusBadge, SummaryBar,
};
use crate::draft::use_draft;
use crate::evaluation::{self, Action, EvaluationForm};
use crate::media;
use crate::outbox::{self, SaveContext, Saved};
use crate::page::{self, Route};
use crate::recognition::override_note;
use crate::replica::{display_name, edit};
use crate::storage::{self, EvidenceFile, Storage, StorageError};

#[derive(Properties, PartialEq)]
pub struct EvaluationProps {
    pub id: String,
}

/// The evaluation `id`, or why it cannot open.
#[function_component(EvaluationScreen)]
pub fn evaluation_screen(props: &EvaluationProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let record = RecordId { kind: RecordKind::Evaluation, id: props.id.clone() };
    let replica = ctx.model.replica.borrow();
    let view = replica.view(&record).cloned();
    drop(replica);
    let set = view.as_ref().and_then(|v| hoctap_shared::consolidation::criteria_of(v, &ctx.model.sets));
    match (view, set) {
        (Some(_), Some(set)) => {
            html! { <EvaluationEditor key={props.id.clone()} {record} set={Rc::new(set.clone())} /> }
        }
        (Some(_), None) => html! {
            <main class="app"><p class="app-warning" role="alert">{ "Phiếu này dùng một bộ tiêu chí mà máy chưa có. Hãy cập nhật ứng dụng." }</p></main>
        },
        (None, _) => html! {
            <main class="app"><p class="app-warning" role="alert">{ "Không có phiếu này trên máy. Có thể nó chưa được đồng bộ về." }</p></main>
        },
    }
}

#[derive(Properties, PartialEq)]
struct EditorProps {
    record: RecordId,
    set: Rc<CriteriaSet>,
}

/// Records the form's changes against what the device holds now.
async fn save_form(ctx: &AppContext, record: &RecordId, form: &EvaluationForm) -> Result<usize, StorageError> {
    let view = ctx.model.replica.borrow().view(record).cloned();
    let Some(view) = view else { return Ok(0) };
    let storage = Storage::open().await?;
    let (_, clock) = storage.device().await?;
    storage.close();
    let mut fresh = Vec::new();
    for _ in 0..=form.set.indicators().count() {
        fresh.push(storage::new_id()?);
    }
    let mut fresh = fresh.into_iter();
    let year = view
        .value("year")
        .and_then(|y| y.as_i64())
        .and_then(|y| i32::try_from(y).ok())
        .unwrap_or_else(crate::app::this_year);
    let save_ctx = SaveContext {
        record: record.clone(),
        unit: view.unit.clone(),
        clock,
        now_ms: js_sys::Date::now() as i64,
        year,
        subject: None,
    };
    let save = outbox::save_operations(form, &Saved::from_view(&view), &save_ctx, || fresh.next().unwrap_or_default());
    let count = save.ops.len();
    if count > 0 {
        ctx.save(save.ops).await?;
    }
    remember_group(ctx, &view, form).await?;
    Ok(count)
}

/// The subject group is remembered on the person (`subject_group`), so their next
/// evaluation starts with it.
async fn remember_group(
    ctx: &AppContext,
    evaluation: &hoctap_shared::merge::RecordView,
    form: &EvaluationForm,
) -> Result<(), StorageError> {
    let Some(group) = &form.subject_group else { return Ok(()) };
    let person = evaluation
        .value("subject")
        .and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok())
        .filter(|s| s.kind == RecordKind::Person)
        .and_then(|s| ctx.model.replica.borrow().view(&s).cloned());
    let Some(person) = person else { return Ok(()) };
    if person.value("subject_group").and_then(|v| v.as_str()) == Some(group.as_str()) {
        return Ok(());
    }
    let fields = vec![edit(Some(&person), "subject_group", group.clone().into())];
    ctx.write(&person.record, &person.unit, vec![OpBody::SetFields { fields }]).await
}

/// The subject group remembered on the evaluation's person, if the set has it.
fn remembered_group(
    ctx: &AppContext,
    evaluation: Option<&hoctap_shared::merge::RecordView>,
    set: &CriteriaSet,
) -> Option<String> {
    let subject = evaluation?.value("subject").and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok())?;
    let replica = ctx.model.replica.borrow();
    let group = replica.view(&subject)?.value("subject_group")?.as_str()?.to_string();
    set.group(&group).is_some().then_some(group)
}

#[function_component(EvaluationEditor)]
fn evaluation_editor(props: &EditorProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let form = {
        let (set, view) = (Rc::clone(&props.set), ctx.model.replica.borrow().view(&props.record).cloned());
        let remembered = remembered_group(&ctx, view.as_ref(), &set);
        use_reducer(move || {
            let mut form = match view {
                Some(view) => EvaluationForm::from_view(set, &view),
                None => EvaluationForm::new(set),
            };
            // The person's group is filled in; the officer can change it.
            if form.needs_group() && remembered.is_some() {
                form.apply(Action::SetGroup(remembered));
            }
            form
        })
    };
    let save_state = use_state(|| SaveState::Idle);
    let evidence_error = use_state(|| None::<String>);
    let replica = ctx.model.replica.borrow();
    let view = replica.view(&props.record).cloned();
    let state = replica.state(&props.record);
    let subject = view
        .as_ref()
        .and_then(|v| v.value("subject"))
        .and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok())
        .map(|s| (replica.view(&s).map(display_name).unwrap_or_else(|| "(chưa có trên máy)".to_string()), s));
    drop(replica);
    // Every file of the evaluation in the form's order (the viewer's next and previous),
    // read or fetched as the page shows them; the file the viewer shows, if it is open.
    let files: Rc<Vec<_>> = Rc::new(view.as_ref().map_or_else(Vec::new, |v| {
        props.set.indicators().flat_map(|i| v.evidence.get(&i.code).cloned().unwrap_or_default()).collect()
    }));
    let loads = crate::evidence::use_evidence(Rc::clone(&files));
    let viewing = use_viewer();

    // What differs from the stored answers is kept on the device as the officer types.
    let stored = view.as_ref().map(|view| EvaluationForm::from_view(Rc::clone(&props.set), view));
    // The stored answers the form started from: what the officer changed is measured
    // from them, so that answers a sync brings in are not taken for unsaved ones.
    let base = {
        let start = stored.clone().unwrap_or_else(|| EvaluationForm::new(Rc::clone(&props.set)));
        use_state(move || start)
    };
    {
        let (form, base) = (form.clone(), base.clone());
        use_effect_with(stored.clone(), move |stored| {
            if let Some(stored) = stored.as_ref().filter(|stored| **stored != *base) {
                let changes = form.changes_from(&base);
                form.dispatch(Action::Rebase(Box::new(stored.clone()), changes));
                base.set(stored.clone());
            }
        });
    }
    let changes = form.changes_from(&base);
    let year = view.as_ref().and_then(|v| v.value("year")).and_then(|y| y.as_i64()).unwrap_or_default();
    let label = format!(
        "Phiếu đánh giá: {}, năm {year}",
        subject.as_ref().map_or_else(|| props.set.name.clone(), |(name, _)| name.clone())
    );
    let on_restore = form.dispatcher().to_callback().reform(Action::Restore);
    let draft = use_draft(Route::Evaluation(props.record.id.clone()).href(), label, changes, on_restore);
    let on_discard = {
        let (form, stored, set) = (form.dispatcher(), stored.clone(), Rc::clone(&props.set));
        Callback::from(move |()| {
            let stored = stored.as_ref().map(|s| s.changes_from(&EvaluationForm::new(Rc::clone(&set))));
            form.dispatch(Action::Revert(stored.unwrap_or_default()));
        })
    };
    let history = use_record_history(props.record.clone(), view.as_ref().map_or(0, |v| version(&v.last)));
    let Some(view) = view else { return Html::default() };
    // The citizen's own scores, when the evaluation came from a self-assessment.
    let own = evaluation::self_scores(&view).map(Rc::new);
    let deleted = is_deleted(&view);
    let can_submit = matches!(view.status, Status::Draft | Status::Returned);
    // Sent for review, it stays as it was sent (the server refuses changes): the commune
    // returns it for correction.
    let locked = !can_submit || deleted;
    // Deleted once, not now: reopened.
    let reopened = can_submit && !deleted && view.fields.contains_key(DELETED_FIELD);
    let on_delete = {
        let (ctx, view, back) = (ctx.clone(), view.clone(), subject.as_ref().map(|(_, s)| s.clone()));
        Callback::from(move |_: MouseEvent| {
            let Some(reason) = page::prompt(
                "Xóa phiếu nháp này? Phiếu không được tính nữa; bấm “Bắt đầu đánh giá” cùng năm để mở lại. Lý do xóa:",
            ) else {
                return;
            };
            let deleted = serde_json::json!({ "on": ctx.today().iso(), "reason": reason.trim() });
            let fields = vec![edit(Some(&view), DELETED_FIELD, deleted)];
            let then = Some(back.clone().map_or(Route::Home, Route::Record));
            ctx.write_soon(view.record.clone(), view.unit.clone(), vec![OpBody::SetFields { fields }], then);
        })
    };
    let complete = matches!(form.status, evaluation::Status::Complete(_));
    let reviewer =
        ctx.model.session.as_ref().is_some_and(|s| s.account.role.allows(hoctap_shared::accounts::Action::Review));

    let on_change = {
        let (form, save_state) = (form.clone(), save_state.clone());
        Callback::from(move |action| {
            form.dispatch(action);
            save_state.set(SaveState::Idle);
        })
    };
    let on_save = {
        let (form, save_state, ctx, record) = (form.clone(), save_state.clone(), ctx.clone(), props.record.clone());
        Callback::from(move |()| {
            let (form, save_state, ctx, record) = ((*form).clone(), save_state.clone(), ctx.clone(), record.clone());
            save_state.set(SaveState::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                save_state.set(match save_form(&ctx, &record, &form).await {
                    Ok(_) => SaveState::Saved { waiting: ctx.model.replica.borrow().waiting() as u32 },
                    Err(err) => SaveState::Failed(err.to_string()),
                });
            });
        })
    };
    let on_submit = {
        let (form, save_state, ctx, record, unit) =
            (form.clone(), save_state.clone(), ctx.clone(), props.record.clone(), view.unit.clone());
        Callback::from(move |_: MouseEvent| {
            let (form, save_state, ctx, record, unit) =
                ((*form).clone(), save_state.clone(), ctx.clone(), record.clone(), unit.clone());
            save_state.set(SaveState::Saving);
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    save_form(&ctx, &record, &form).await?;
                    let ops = ctx
                        .operations(&record, &unit, vec![OpBody::Transition { transition: Transition::Submit }])
                        .await?;
                    ctx.save(ops).await
                };
                save_state.set(match result.await {
                    Ok(()) => SaveState::Saved { waiting: ctx.model.replica.borrow().waiting() as u32 },
                    Err(err) => SaveState::Failed(err.to_string()),
                });
            });
        })
    };

    // Evidence under each indicator: what is attached, and a button to add a photo or PDF.
    let indicator_extra = {
        let (ctx, record, unit, evidence, evidence_error) =
            (ctx.clone(), props.record.clone(), view.unit.clone(), view.evidence.clone(), evidence_error.clone());
        let (files, viewing, loads) = (Rc::clone(&files), viewing.clone(), Rc::new(loads.clone()));
        let detachable = can_submit && !locked;
        let own = own.clone();
        Callback::from(move |code: String| {
            let attached = evidence.get(&code).cloned().unwrap_or_default();
            let own_score = own.as_ref().and_then(|o| o.scores.get(&code)).map(evaluation::answer_words);
            let input_id = format!("ev-{code}");
            let onchange = {
                let (ctx, record, unit, code, evidence_error) =
                    (ctx.clone(), record.clone(), unit.clone(), code.clone(), evidence_error.clone());
                Callback::from(move |e: Event| {
                    let input = e.target_unchecked_into::<HtmlInputElement>();
                    let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
                    input.set_value("");
                    let (ctx, record, unit, code, evidence_error) =
                        (ctx.clone(), record.clone(), unit.clone(), code.clone(), evidence_error.clone());
                    evidence_error.set(Some("Đang chuẩn bị minh chứng…".to_string()));
                    wasm_bindgen_futures::spawn_local(async move {
                        let result = async {
                            let prepared = media::prepare(file).await.map_err(|e| e.to_string())?;
                            let stored = EvidenceFile {
                                sha256: prepared.sha256.clone(),
                                media_type: prepared.media_type.clone(),
                                name: prepared.name.clone(),
                                bytes: prepared.bytes.clone(),
                                uploaded: false,
                            };
                            let storage = Storage::open().await.map_err(|e| e.to_string())?;
                            let put = storage.put_evidence(&stored).await;
                            storage.close();
                            put.map_err(|e| e.to_string())?;
                            let ops = ctx
                                .operations(&record, &unit, vec![prepared.attach(&code)])
                                .await
                                .map_err(|e| e.to_string())?;
                            ctx.save(ops).await.map_err(|e| e.to_string())
                        };
                        evidence_error.set(result.await.err());
                    });
                })
            };
            html! {
                <div class="evidence">
                    if let Some(words) = own_score {
                        <p class="self-score">{ format!("Người dân tự chấm: {words}") }</p>
                    }
                    if !attached.is_empty() {
                        <ul class="evidence-list">
                            { for attached.iter().map(|e| {
                                let name = e.name.clone().unwrap_or_else(|| e.media_type.clone());
                                let detach = {
                                    let (ctx, record, unit, question) = (ctx.clone(), record.clone(), unit.clone(), format!("Gỡ minh chứng “{name}” khỏi chỉ số {code}?"));
                                    let body = OpBody::DetachEvidence { indicator: code.clone(), sha256: e.sha256.clone() };
                                    Callback::from(move |_: MouseEvent| {
                                        if page::confirm(&question) {
                                            ctx.write_soon(record.clone(), unit.clone(), vec![body.clone()], None);
                                        }
                                    })
                                };
                                let at = files.iter().position(|f| f.sha256 == e.sha256).unwrap_or_default();
                                html! {
                                    <li>
                                        { evidence_thumb(e, &loads[at], Callback::from({ let viewing = viewing.clone(); move |()| viewing.set(Some(at)) })) }
                                        <span>{ format!("{name} · {}", media::size_words(e.size)) }</span>
                                        if detachable { <button type="button" class="link" onclick={detach}>{ "Gỡ" }</button> }
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    if !locked {
                        // The input comes first so that its keyboard focus can outline the
                        // label that stands for it (`.visually-hidden:focus + .evidence-add`).
                        <input id={input_id.clone()} class="visually-hidden" type="file" accept="image/*,application/pdf" {onchange} />
                        <label class="evidence-add" for={input_id}>
                            { format!("+ Thêm minh chứng (ảnh hoặc PDF) cho chỉ số {code}") }
                        </label>
                    }
                </div>
            }
        })
    };

    let set = &props.set;
    html! {
        <>
            <main class="app with-summary">
                if let Some(place) = crate::review_table::remembered_place(&props.record.id) {
                    { queue_nav(&place) }
                } else if let Some((name, subject)) = &subject {
                    <a class="back" href={Route::Record(subject.clone()).href()}>{ format!("← {name}") }</a>
                }
                <p class="set-model">{ format!("{} · năm {year}", set.model.title()) }</p>
                <h1 class="form-title">{ subject.as_ref().map(|(n, _)| n.clone()).unwrap_or_else(|| set.name.clone()) }</h1>
                if set.status == hoctap_shared::criteria::SetStatus::Provisional {
                    <p class="set-meta">{ &set.name }</p>
                    { provisional_line(set) }
                } else {
                    <p class="set-meta">
                        { format!("{} · {} ngày {}", set.name, set.legal_basis.number, set.legal_basis.date) }
                    </p>
                }
                // An evaluation keeps the version it was made with, after the set is amended.
                if !hoctap_shared::criteria::is_newest(&ctx.model.sets, set) {
                    <p class="hint earlier-version">
                        { format!("Phiếu này chấm theo bản {} của bộ tiêu chí, bản đang dùng khi lập phiếu; phiếu mới dùng bản đã sửa.", set.version) }
                    </p>
                }
                <p class="workflow">
                    <span class={classes!("status", format!("{:?}", view.status).to_lowercase())} data-status={format!("{:?}", view.status).to_lowercase()}>
                        { capitalised(view.status.title()) }
                    </span>
                    { " " }
                    <StateBadge {state} />
                </p>
                if let (Status::Returned, Some(comment)) = (view.status, &view.comment) {
                    <p class="app-warning returned" role="alert">{ returned_words(&view.history, comment) }</p>
                }
                if let Some(decision) = view.decision.as_ref().filter(|_| view.status == Status::Recognised) {
                    <p class="decision">{ "Đã công nhận: " }
                        <a class="decision-link" href={page::decision_href(i32::try_from(year).unwrap_or_default(), &decision.number, decision.date)}>
                            { format!("Quyết định số {}", decision.number) }</a>
                        { format!(" ngày {} của {}", decision.date, decision.authority) }
                        if let Some(proposer) = decision.proposer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                            { format!(", theo đề nghị của {proposer}") }
                        }
                    </p>
                    if let Some(note) = override_note(decision) {
                        <p class="app-warning override" data-override="true">{ note }</p>
                    }
                }
                if let Some(own) = &own {
                    <p class="self-assessed">
                        { format!("Phiếu tự đánh giá của người dân, mã {}", hoctap_shared::selfassess::show_receipt(&own.receipt)) }
                    </p>
                }
                { history }
                if deleted {
                    <p class="app-warning" role="alert">{ "Phiếu này đã bị xóa nên không được tính. Muốn dùng lại, bấm “Bắt đầu đánh giá” cùng năm trên trang hồ sơ." }</p>
                } else if view.status == Status::Recognised {
                    <p class="hint">{ "Phiếu đã được công nhận nên bị khóa. Lãnh đạo xã có thể mở lại nếu cần sửa." }</p>
                    if reviewer {
                        { reopen_button(&ctx, &view) }
                    }
                } else if locked {
                    <p class="hint">{ "Phiếu đã gửi xã xét duyệt nên không sửa được. Nếu cần sửa, xã trả lại phiếu kèm lý do." }</p>
                }
                if reopened { <p class="hint" role="status">{ "Đã mở lại phiếu đã xóa; các điểm đã chấm vẫn được giữ." }</p> }
                if let Some(message) = &*evidence_error {
                    <p class="hint" role="status">{ message }</p>
                }
                { draft_notice(&draft.status, &on_discard) }
                <div onfocusout={draft.flush.reform(|_: FocusEvent| ())}>
                    <EvaluationFormView form={(*form).clone()} {on_change} indicator_extra={Some(indicator_extra)} read_only={locked} />
                </div>
                // The review comes after the scores and the evidence it judges, with the
                // way on through the queue.
                if reviewer && !deleted {
                    <super::review::ReviewActions view={view.clone()} />
                    if let Some(place) = crate::review_table::remembered_place(&props.record.id) {
                        { queue_nav(&place) }
                    }
                }
                if !locked {
                    <SaveBar state={(*save_state).clone()} {on_save} unsaved={draft.status.kept()} />
                    if can_submit {
                        <div class="submit-bar">
                            <button type="button" class="primary" disabled={!complete} onclick={on_submit}>{ "Gửi xét duyệt" }</button>
                            if !complete { <p class="hint">{ "Chấm hết các chỉ số để gửi xã xét duyệt." }</p> }
                            <button type="button" class="danger" onclick={on_delete}>{ "Xóa phiếu nháp" }</button>
                        </div>
                    }
                }
            </main>
            <SummaryBar form={(*form).clone()} />
            if let Some(index) = *viewing {
                { evidence_viewer(&files, index, &loads, &Callback::from(move |to| viewing.set(to))) }
            }
        </>
    }
}

/// What an officer is told of a provisional set: one plain line with its basis, not
/// the caveats (administrators read those on the criteria screen).
fn provisional_line(set: &CriteriaSet) -> Html {
    if set.status != hoctap_shared::criteria::SetStatus::Provisional {
        return Html::default();
    }
    let basis = &set.legal_basis;
    html! {
        <p class="hint provisional-basis">
            { format!("Bộ tiêu chí đang áp dụng tạm theo {} ngày {} của {}.", basis.number, basis.date, basis.issuer) }
        </p>
    }
}

/// Where the evaluation stands in the queue the review table showed: back to it, and
/// the previous and next evaluation of the same filtered list.
fn queue_nav(place: &crate::review_table::Place) -> Html {
    let link = |to: &Option<String>, label: &str, class: &str| match to {
        Some(id) => {
            html! { <a class={classes!("queue-step", class.to_string())} href={Route::Evaluation(id.clone()).href()}>{ label.to_string() }</a> }
        }
        None => {
            html! { <span class={classes!("queue-step", "disabled", class.to_string())} aria-disabled="true">{ label.to_string() }</span> }
        }
    };
    html! {
        <nav class="queue-nav" aria-label="Danh sách xét duyệt">
            <a class="back" href={Route::Review.href()}>{ format!("← Danh sách duyệt ({}/{})", place.position, place.of) }</a>
            { link(&place.previous, "‹ Phiếu trước", "previous") }
            { link(&place.next, "Phiếu sau ›", "next") }
        </nav>
    }
}

/// Why a returned record came back: the commune's return comment, or the reason of the
/// reopening of a recognised record (its last step).
fn returned_words(steps: &[HistoryEntry], comment: &str) -> String {
    match steps.last().map(|h| &h.transition) {
        Some(Transition::Reopen { .. }) => format!("Lãnh đạo xã mở lại để sửa: {comment}"),
        _ => format!("Xã trả lại để sửa: {comment}"),
    }
}

/// `text` with its first letter in upper case ("nháp" → "Nháp").
pub(super) fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map(|first| first.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

#[derive(Properties, PartialEq)]
pub struct PracticeProps {
    pub set: Option<String>,
}

/// Scoring without saving: the list of sets, or one set's empty form.
#[function_component(PracticeScreen)]
pub fn practice_screen(props: &PracticeProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    // Only the newest version of each set is offered; older ones stay for the
    // evaluations made with them.
    let sets: Rc<Vec<CriteriaSet>> = Rc::new(hoctap_shared::criteria::newest(&ctx.model.sets).cloned().collect());
    let on_choose = Callback::from(|id: String| page::go(&Route::Sets(Some(id))));
    let chosen = props.set.as_ref().and_then(|id| sets.iter().find(|s| &s.id == id));
    match chosen {
        Some(set) => html! { <PracticeForm key={set.id.clone()} set={Rc::new(set.clone())} /> },
        None => html! {
            <main class="app">
                <h1 class="app-title">{ "Chấm thử theo bộ tiêu chí" }</h1>
                <p class="app-notice">{ "Chấm thử để xem kết quả; phiếu chấm thử không được lưu. Muốn lưu, hãy mở hồ sơ trong sổ và bấm “Bắt đầu đánh giá”." }</p>
                if let Some(id) = &props.set {
                    <p class="app-warning" role="alert">{ format!("Không tìm thấy bộ tiêu chí “{id}” trên máy này. Hãy chọn một bộ trong danh sách.") }</p>
                }
                <h2 class="section-title">{ format!("Chọn bộ tiêu chí ({})", sets.len()) }</h2>
                <SetPicker {sets} {on_choose} />
            </main>
        },
    }
}

#[derive(Properties, PartialEq)]
struct PracticeFormProps {
    set: Rc<CriteriaSet>,
}

/// The criteria screen: a set's form to try. A province administrator also reads the
/// set's caveats there (its status note, each indicator's verification note); anyone
/// else sees what an officer's form shows.
#[function_component(PracticeForm)]
fn practice_form(props: &PracticeFormProps) -> Html {
    let caveats = use_context::<AppContext>()
        .and_then(|ctx| ctx.model.session.as_ref().map(|s| s.account.role))
        .is_some_and(|role| role == hoctap_shared::accounts::Role::ProvinceAdmin);
    let form = {
        let set = Rc::clone(&props.set);
        use_reducer(move || EvaluationForm::new(set))
    };
    let on_change = {
        let form = form.clone();
        Callback::from(move |action| form.dispatch(action))
    };
    let set = &props.set;
    html! {
        <>
            <main class="app with-summary">
                <a class="back" href={Route::Sets(None).href()}>{ "← Chọn bộ tiêu chí khác" }</a>
                <p class="set-model">{ set.model.title() }</p>
                <h1 class="form-title">{ &set.name }</h1>
                <p class="set-meta">
                    { format!("{} ngày {} · {} ", set.legal_basis.number, set.legal_basis.date, set.legal_basis.issuer) }
                    if caveats { <StatusBadge status={set.status} /> }
                </p>
                if !caveats { { provisional_line(set) } }
                if let Some(note) = set.status_note.as_ref().filter(|_| caveats) {
                    <details class="status-note">
                        <summary>{ "Những điểm chưa được xác nhận" }</summary>
                        <p>{ note }</p>
                    </details>
                }
                <p class="hint">{ "Chấm thử: phiếu này không được lưu." }</p>
                <EvaluationFormView form={(*form).clone()} {on_change} {caveats} />
            </main>
            <SummaryBar form={(*form).clone()} />
        </>
    }
}
