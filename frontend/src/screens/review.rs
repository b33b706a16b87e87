//! The commune's review queue: evaluations sent for review and those approved, each
//! with its result, and — for an approver — approve (only a complete evaluation), return
//! with a comment, and recognise with the decision's number, date and authority (and,
//! when the criteria set's rules do not grant the title, a written reason for the
//! exception; see [`crate::recognition`]). Officers see here the evaluations returned to
//! them, with the comment, to correct and send again. `#duyet?thon=<id>` shows one
//! hamlet's.

use std::collections::BTreeSet;

use hoctap_shared::accounts::Action;
use hoctap_shared::date::Date;
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::{Decision, OpBody, RecordId, Transition};
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::StateBadge;
use crate::app::{date_vi, AppContext};
use crate::evaluation::decision_words;
use crate::page::Route;
use crate::recognition::{bulk_split, eligibility, override_reason, Bulk, Eligibility};
use crate::replica::{display_name, outcome, unit_name, RecordState};

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    /// Only this hamlet's evaluations (its record id, `#duyet?thon=<id>`).
    #[prop_or_default]
    pub hamlet: Option<String>,
}

#[function_component(ReviewScreen)]
pub fn review_screen(props: &ReviewProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let selected = use_state(BTreeSet::<String>::new);
    let report = use_state(|| None::<(String, Vec<String>)>);
    let reviewer = ctx.model.session.as_ref().is_some_and(|s| s.account.role.allows(Action::Review));
    let replica = ctx.model.replica.borrow();
    let unit = props.hamlet.as_ref().map(|id| format!("hamlet:{id}"));
    let shown = |v: &&RecordView| unit.as_ref().is_none_or(|unit| v.unit == *unit);
    let queue: Vec<RecordView> = replica.review_queue().into_iter().filter(shown).cloned().collect();
    // Only what can be decided now can be chosen (not a record two devices disagree on).
    let choosable: BTreeSet<String> = queue
        .iter()
        .filter(|v| reviewer && replica.state(&v.record) != RecordState::Conflict)
        .map(|v| v.record.id.clone())
        .collect();
    let returned: Vec<RecordView> = replica
        .records(hoctap_shared::protocol::RecordKind::Evaluation)
        .filter(|v| v.status == Status::Returned)
        .filter(shown)
        .cloned()
        .collect();
    let hamlet = unit.as_ref().map(|unit| unit_name(&replica, unit).unwrap_or_else(|| "Thôn".to_string()));
    drop(replica);
    let chosen: Vec<&RecordView> =
        queue.iter().filter(|v| selected.contains(&v.record.id) && choosable.contains(&v.record.id)).collect();
    let on_toggle = {
        let selected = selected.clone();
        Callback::from(move |id: String| {
            let mut next = (*selected).clone();
            if !next.remove(&id) {
                next.insert(id);
            }
            selected.set(next);
        })
    };
    let all_chosen = !choosable.is_empty() && chosen.len() == choosable.len();
    let on_all = {
        let (selected, choosable) = (selected.clone(), choosable.clone());
        Callback::from(move |_: Event| selected.set(if all_chosen { BTreeSet::new() } else { choosable.clone() }))
    };
    html! {
        <main class="app">
            <h1 class="form-title">{ "Xét duyệt" }</h1>
            if let Some(hamlet) = hamlet {
                <p class="hint">{ format!("Chỉ phiếu của {hamlet}. ") }<a href={Route::Review.href()}>{ "Xem mọi thôn" }</a></p>
            }
            if !reviewer {
                <p class="hint">{ "Tài khoản của bạn gửi phiếu để xã xét duyệt; lãnh đạo xã phê duyệt và công nhận." }</p>
            }
            <h2 class="section-title">{ format!("Phiếu bị trả lại ({})", returned.len()) }</h2>
            if returned.is_empty() { <p class="hint">{ "Không có phiếu nào bị trả lại." }</p> }
            <ul class="rows">
                { for returned.iter().map(|v| html! { <ReviewItem view={v.clone()} reviewer={false} /> }) }
            </ul>
            <h2 class="section-title">{ format!("Chờ xét duyệt và công nhận ({})", queue.len()) }</h2>
            if queue.is_empty() { <p class="hint">{ "Không có phiếu nào đang chờ." }</p> }
            if !choosable.is_empty() {
                <label class="check choose-all">
                    <input type="checkbox" checked={all_chosen} onchange={on_all} />
                    { format!(" Chọn tất cả ({})", choosable.len()) }
                </label>
            }
            if !chosen.is_empty() {
                <BulkBar chosen={chosen.iter().map(|v| (*v).clone()).collect::<Vec<_>>()}
                    on_done={let (s, r) = (selected.clone(), report.clone()); Callback::from(move |done| {
                        s.set(BTreeSet::new());
                        r.set(Some(done));
                    })}
                    on_problem={let r = report.clone(); Callback::from(move |p| r.set(Some(p)))} />
            }
            if let Some((message, skipped)) = &*report {
                <div class="card bulk-report">
                    <p class="app-notice" role="status">{ message }</p>
                    if !skipped.is_empty() {
                        <p class="hint">{ format!("Bỏ qua {} phiếu:", skipped.len()) }</p>
                        <ul class="skipped">{ for skipped.iter().map(|s| html! { <li>{ s }</li> }) }</ul>
                    }
                </div>
            }
            <ul class="rows">
                { for queue.iter().map(|v| {
                    let id = v.record.id.clone();
                    let choosable = choosable.contains(&id);
                    html! {
                        <ReviewItem key={id.clone()} view={v.clone()} {reviewer} {choosable}
                            chosen={selected.contains(&id)} on_toggle={on_toggle.clone()} />
                    }
                }) }
            </ul>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct BulkBarProps {
    chosen: Vec<RecordView>,
    /// Saved: what was done, and what was left out and why.
    on_done: Callback<(String, Vec<String>)>,
    /// Not saved: why, and what would have been left out.
    on_problem: Callback<(String, Vec<String>)>,
}

/// The decisions taken for every chosen evaluation at once: approve the submitted ones,
/// or recognise the approved ones under one decision typed once. The operations of all
/// of them are saved together and leave the device as one batch; what the rules leave
/// out is listed with its reason, and the server's refusals show on each record.
#[function_component(BulkBar)]
fn bulk_bar(props: &BulkBarProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let number = use_state(String::new);
    let date = use_state(|| date_vi(js_sys::Date::now()));
    let authority = use_state(String::new);
    let proposer = use_state(String::new);
    let chosen: Vec<&RecordView> = props.chosen.iter().collect();
    let (to_approve, _) = bulk_split(&chosen, &ctx.model.sets, Bulk::Approve);
    let (to_recognise, _) = bulk_split(&chosen, &ctx.model.sets, Bulk::Recognise);
    let name_of = {
        let ctx = ctx.clone();
        move |view: &RecordView| {
            let replica = ctx.model.replica.borrow();
            let subject = view.value("subject").and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok());
            subject
                .as_ref()
                .and_then(|s| replica.view(s))
                .map(display_name)
                .unwrap_or_else(|| "(chưa có tên)".to_string())
        }
    };
    let run = {
        let (ctx, views, on_done, report) =
            (ctx.clone(), props.chosen.clone(), props.on_done.clone(), props.on_problem.clone());
        Callback::from(move |(step, transition): (Bulk, Transition)| {
            let chosen: Vec<&RecordView> = views.iter().collect();
            let (taken, left) = bulk_split(&chosen, &ctx.model.sets, step);
            let skipped: Vec<String> = left.iter().map(|(v, why)| format!("{}: {why}", name_of(v))).collect();
            let records: Vec<(RecordId, String)> = taken.iter().map(|v| (v.record.clone(), v.unit.clone())).collect();
            let (ctx, report, on_done, transition) = (ctx.clone(), report.clone(), on_done.clone(), transition.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let mut ops = Vec::new();
                    for (record, unit) in &records {
                        let body = OpBody::Transition { transition: transition.clone() };
                        ops.extend(ctx.operations(record, unit, vec![body]).await?);
                    }
                    ctx.save(ops).await
                };
                let what = if step == Bulk::Approve { "duyệt" } else { "công nhận" };
                match result.await {
                    Ok(()) => on_done.emit((
                        format!("Đã {what} {} phiếu trên máy; máy sẽ gửi lên máy chủ một lần.", records.len()),
                        skipped,
                    )),
                    Err(err) => report.emit((err.to_string(), skipped)),
                }
            });
        })
    };
    let on_approve = run.reform(|_: MouseEvent| (Bulk::Approve, Transition::Approve));
    let on_recognise = {
        let (run, number, date, authority, proposer, report) =
            (run.clone(), number.clone(), date.clone(), authority.clone(), proposer.clone(), props.on_problem.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(day) = Date::parse_vi(&date).filter(|_| !number.trim().is_empty() && !authority.trim().is_empty())
            else {
                report.emit(("Cần số quyết định, ngày (ngày/tháng/năm) và cơ quan ban hành.".to_string(), Vec::new()));
                return;
            };
            let proposer = Some(proposer.trim().to_string()).filter(|p| !p.is_empty());
            let decision = Decision {
                number: number.trim().to_string(),
                date: day,
                authority: authority.trim().to_string(),
                override_reason: None,
                proposer,
            };
            run.emit((Bulk::Recognise, Transition::Recognise { decision }));
        })
    };
    let field = |id: &'static str, label: &str, state: &UseStateHandle<String>, placeholder: &str| {
        let s = state.clone();
        html! {
            <>
                <label class="field" for={id}>{ label.to_string() }</label>
                <input {id} class="text" value={(**state).clone()} placeholder={placeholder.to_string()}
                    oninput={Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
            </>
        }
    };
    html! {
        <div class="card bulk-bar" role="region" aria-label="Xét duyệt nhiều phiếu">
            <p><strong>{ format!("Đã chọn {} phiếu", props.chosen.len()) }</strong></p>
            if !to_approve.is_empty() {
                <button type="button" class="primary" onclick={on_approve}>{ format!("Duyệt {} phiếu", to_approve.len()) }</button>
            }
            if !to_recognise.is_empty() {
                <details class="bulk-recognise">
                    <summary>{ format!("Công nhận theo quyết định ({} phiếu đủ điều kiện)", to_recognise.len()) }</summary>
                    { field("bulk-number", "Số quyết định", &number, "Ví dụ: 15/QĐ-UBND") }
                    { field("bulk-date", "Ngày quyết định (ngày/tháng/năm)", &date, "15/11/2026") }
                    { field("bulk-authority", "Cơ quan ban hành", &authority, "Ủy ban nhân dân xã …") }
                    { field("bulk-proposer", "Theo đề nghị của", &proposer, "Hội Khuyến học xã …") }
                    <button type="button" class="primary" onclick={on_recognise}>{ format!("Công nhận {} phiếu", to_recognise.len()) }</button>
                </details>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct ReviewItemProps {
    view: RecordView,
    reviewer: bool,
    /// It can be chosen for a decision taken for many at once.
    #[prop_or_default]
    choosable: bool,
    #[prop_or_default]
    chosen: bool,
    #[prop_or_default]
    on_toggle: Callback<String>,
}

#[function_component(ReviewItem)]
fn review_item(props: &ReviewItemProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let comment = use_state(String::new);
    let number = use_state(String::new);
    let date = use_state(|| date_vi(js_sys::Date::now()));
    let authority = use_state(String::new);
    let reason = use_state(String::new);
    let error = use_state(|| None::<String>);
    let view = &props.view;
    let replica = ctx.model.replica.borrow();
    let subject = view.value("subject").and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok());
    let name = subject
        .as_ref()
        .and_then(|s| replica.view(s))
        .map(display_name)
        .unwrap_or_else(|| "(hồ sơ chưa có trên máy)".to_string());
    let state = replica.state(&view.record);
    drop(replica);
    let year = view.value("year").and_then(|y| y.as_i64()).unwrap_or_default();
    let set = view.value("set").and_then(|s| s.as_str()).and_then(|id| ctx.model.sets.iter().find(|s| s.id == id));
    let result = outcome(view, &ctx.model.sets)
        .map_or_else(|| hoctap_shared::scoring::UNFINISHED.to_string(), |o| decision_words(&o.decision));
    let rules = eligibility(view, &ctx.model.sets);

    let act = {
        let (ctx, error, record, unit) = (ctx.clone(), error.clone(), view.record.clone(), view.unit.clone());
        Callback::from(move |transition: Transition| {
            let (ctx, error, record, unit) = (ctx.clone(), error.clone(), record.clone(), unit.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let ops = ctx.operations(&record, &unit, vec![OpBody::Transition { transition }]).await?;
                    ctx.save(ops).await
                };
                error.set(result.await.err().map(|e| e.to_string()));
            });
        })
    };
    let on_return = {
        let (act, comment, error) = (act.clone(), comment.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            if comment.trim().is_empty() {
                error.set(Some("Hãy ghi lý do trả lại để người chấm biết cần sửa gì.".to_string()));
                return;
            }
            act.emit(Transition::Return { comment: comment.trim().to_string() });
        })
    };
    let on_approve = act.reform(|_: MouseEvent| Transition::Approve);
    let on_recognise = {
        let (act, number, date, authority, reason, error, rules) = (
            act.clone(),
            number.clone(),
            date.clone(),
            authority.clone(),
            reason.clone(),
            error.clone(),
            rules.clone(),
        );
        Callback::from(move |_: MouseEvent| {
            let override_reason = match override_reason(&rules, &reason) {
                Ok(reason) => reason,
                Err(message) => {
                    error.set(Some(message));
                    return;
                }
            };
            let Some(day) = Date::parse_vi(&date) else {
                error.set(Some("Ngày quyết định cần viết dạng ngày/tháng/năm, ví dụ 15/11/2026.".to_string()));
                return;
            };
            if number.trim().is_empty() || authority.trim().is_empty() {
                error.set(Some("Cần số quyết định và cơ quan ban hành.".to_string()));
                return;
            }
            act.emit(Transition::Recognise {
                decision: Decision {
                    number: number.trim().to_string(),
                    date: day,
                    authority: authority.trim().to_string(),
                    override_reason,
                    proposer: None,
                },
            });
        })
    };
    let text_input = |id: String, label: &str, state: &UseStateHandle<String>, placeholder: &str| {
        let s = state.clone();
        html! {
            <>
                <label class="field" for={id.clone()}>{ label.to_string() }</label>
                <input {id} class="text" value={(**state).clone()} placeholder={placeholder.to_string()}
                    oninput={Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
            </>
        }
    };
    let id = &view.record.id;
    html! {
        <li class="card review-item" data-record={id.clone()}>
            if props.choosable {
                <label class="check choose">
                    <input type="checkbox" checked={props.chosen}
                        onchange={let (t, id) = (props.on_toggle.clone(), id.clone()); Callback::from(move |_: Event| t.emit(id.clone()))} />
                    { " Chọn" }
                </label>
            }
            <a class="row" href={Route::Evaluation(id.clone()).href()}>
                <span class="row-name">{ name }</span>
                <span class="row-meta">{ format!("{} · năm {year} · {result} · {}", set.map(|s| s.model.title()).unwrap_or_default(), view.status.title()) }</span>
                <StateBadge {state} />
            </a>
            if let (Status::Returned, Some(comment)) = (view.status, &view.comment) {
                <p class="app-warning returned">{ format!("Lý do trả lại: {comment}") }</p>
            }
            if props.reviewer && state != RecordState::Conflict && matches!(view.status, Status::Submitted | Status::Approved) {
                <details class="review-actions">
                    <summary>{ "Xét duyệt phiếu này" }</summary>
                    if let Eligibility::Incomplete(why) = &rules {
                        <p class="app-warning incomplete">{ format!("Chưa duyệt, công nhận được: {why}. Hãy trả lại để người chấm chấm đủ.") }</p>
                    } else if view.status == Status::Submitted {
                        <button type="button" class="primary" onclick={on_approve}>{ "Duyệt" }</button>
                    }
                    { text_input(format!("comment-{id}"), "Lý do trả lại", &comment, "Ví dụ: thiếu ảnh minh chứng chỉ số 2.1") }
                    <button type="button" class="secondary" onclick={on_return}>{ "Trả lại để sửa" }</button>
                    if view.status == Status::Approved && rules.can_approve() {
                        { text_input(format!("number-{id}"), "Số quyết định", &number, "Ví dụ: 15/QĐ-UBND") }
                        { text_input(format!("date-{id}"), "Ngày quyết định (ngày/tháng/năm)", &date, "15/11/2026") }
                        { text_input(format!("authority-{id}"), "Cơ quan ban hành", &authority, "Ủy ban nhân dân xã …") }
                        if let Eligibility::NotRecognised(reasons) = &rules {
                            <div class="app-warning not-eligible">
                                <p>{ "Theo bộ tiêu chí, phiếu này chưa đủ điều kiện công nhận:" }</p>
                                <ul>{ for reasons.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                                <p>{ "Chỉ công nhận khi có lý do ngoại lệ; lý do được ghi vào hồ sơ và danh sách kèm quyết định." }</p>
                            </div>
                            <label class="field" for={format!("reason-{id}")}>{ "Lý do công nhận ngoại lệ (bắt buộc)" }</label>
                            <textarea id={format!("reason-{id}")} class="text" rows="3" value={(*reason).clone()}
                                oninput={let s = reason.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlTextAreaElement>().value()))} />
                        }
                        <button type="button" class="primary" onclick={on_recognise}>{ "Công nhận" }</button>
                    }
                </details>
            }
            if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
        </li>
    }
}
