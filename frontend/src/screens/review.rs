//! The commune's review queue: evaluations sent for review and those approved, each
//! with its result, and — for an approver — approve (only a complete evaluation), return
//! with a comment, and recognise with the decision's number, date and authority (and,
//! when the criteria set's rules do not grant the title, a written reason for the
//! exception; see [`crate::recognition`]). Officers see here the evaluations returned to
//! them, with the comment, to correct and send again. `#duyet?thon=<id>` shows one
//! hamlet's.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use hoctap_shared::accounts::Action;
use hoctap_shared::archive::is_deleted;
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::date::Date;
use hoctap_shared::history::{OpOfRecord, OriginsRequest, OriginsResponse, MAX_ORIGINS};
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::{Decision, OpBody, RecordId, RecordKind, Transition};
use hoctap_shared::scoring::Decision as ScoreDecision;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::Body;
use crate::app::{date_vi, AppContext};
use crate::evaluation::decision_words;
use crate::page::Route;
use crate::recognition::{bulk_split, eligibility, override_reason, Bulk, Eligibility};
use crate::replica::{display_name, outcome, unit_name, RecordState, Replica};
use crate::review_table::{self, Column, Filter, Row, StateFilter};
use crate::storage::Storage;

#[derive(Properties, PartialEq)]
pub struct ReviewProps {
    /// Only this hamlet's evaluations (its record id, `#duyet?thon=<id>`).
    #[prop_or_default]
    pub hamlet: Option<String>,
}

/// How many rows the table draws at first, and adds each time more are asked for.
const PAGE: usize = 100;

/// The review table's rows, built from the replica once per change of it.
fn rows(replica: &Replica, sets: &[CriteriaSet]) -> Vec<Row> {
    replica
        .records(RecordKind::Evaluation)
        .filter(|v| v.status != Status::Draft && !is_deleted(v))
        .map(|view| {
            let subject = view
                .value("subject")
                .and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok())
                .and_then(|s| replica.view(&s));
            let set = hoctap_shared::consolidation::criteria_of(view, sets);
            let scored = outcome(view, sets);
            let (score, score_key) = match &scored {
                Some(o) => match (o.total, o.max_total, &o.decision) {
                    (Some(total), Some(max), _) => (format!("{total}/{max} điểm"), total.hundredths()),
                    (_, _, ScoreDecision::Level { level, .. }) => (format!("Mức {level}"), i64::from(*level)),
                    _ => ("Chưa đạt mức nào".to_string(), 0),
                },
                None => (hoctap_shared::scoring::UNFINISHED.to_string(), -1),
            };
            let submitted = view.history.iter().rev().find(|h| h.transition == Transition::Submit);
            Row {
                id: view.record.id.clone(),
                unit: view.unit.clone(),
                hamlet: unit_name(replica, &view.unit).unwrap_or_else(|| "—".to_string()),
                name: subject.map(display_name).unwrap_or_else(|| "(hồ sơ chưa có trên máy)".to_string()),
                birth_year: subject
                    .and_then(|s| s.value("birth_year"))
                    .and_then(|y| y.as_i64().or_else(|| y.as_str().and_then(|t| t.trim().parse().ok()))),
                model: set.map(|s| s.model),
                year: view.value("year").and_then(|y| y.as_i64()).unwrap_or_default(),
                score,
                score_key,
                result: scored.map_or_else(|| "—".to_string(), |o| decision_words(&o.decision)),
                submitted_by: submitted.map(|h| h.op.clone()),
                submitted_ms: submitted.map(|h| h.hlc.wall_ms),
                evidence: view.evidence.values().map(Vec::len).sum(),
                status: view.status,
                conflict: replica.state(&view.record) == RecordState::Conflict,
                refused: replica.refusals_of(&view.record).last().map(|r| r.message.clone()),
            }
        })
        .collect()
}

#[function_component(ReviewScreen)]
pub fn review_screen(props: &ReviewProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let reviewer = ctx.model.session.as_ref().is_some_and(|s| s.account.role.allows(Action::Review));
    let account = ctx.model.session.as_ref().map(|s| s.account.id.clone()).unwrap_or_default();
    let built = {
        let (replica, sets) = (ctx.model.replica.clone(), ctx.model.sets.clone());
        use_memo(ctx.model.version, move |_| rows(&replica.borrow(), &sets))
    };
    // Who sent each (the server's answer, kept on the device): `submitted_by` holds the
    // submission's operation id until then.
    let asked: Vec<(String, String)> =
        built.iter().filter_map(|r| r.submitted_by.clone().map(|op| (r.id.clone(), op))).collect();
    let origins = use_origins(account, asked);
    let all: Vec<Row> = built
        .iter()
        .map(|r| {
            let origin = r.submitted_by.as_ref().and_then(|op| origins.get(op));
            Row {
                submitted_by: origin.map(|(name, _)| name.clone()),
                submitted_ms: origin.map(|(_, ms)| *ms).or(r.submitted_ms),
                ..r.clone()
            }
        })
        .collect();
    let filter = {
        let (all, hamlet) = (all.clone(), props.hamlet.clone());
        use_state(move || {
            let mut filter = review_table::remembered_filter().unwrap_or_else(|| Filter {
                year: review_table::default_year(&all),
                state: if reviewer { StateFilter::Waiting } else { StateFilter::All },
                ..Filter::default()
            });
            if let Some(hamlet) = hamlet {
                filter.hamlet = Some(format!("hamlet:{hamlet}"));
            }
            filter
        })
    };
    let selected = use_state(BTreeSet::<String>::new);
    let report = use_state(|| None::<BulkReport>);
    // Rows drawn: a page at a time (a commune's year is a thousand), more on request.
    let drawn = use_state(|| PAGE);
    let shown = review_table::visible(&all, &filter);
    review_table::remember(shown.iter().map(|r| r.id.clone()).collect(), (*filter).clone());
    // Only what can be decided now can be chosen (not a record two devices disagree on).
    let choosable: BTreeSet<String> = shown
        .iter()
        .filter(|r| reviewer && !r.conflict && matches!(r.status, Status::Submitted | Status::Approved))
        .map(|r| r.id.clone())
        .collect();
    let chosen: Vec<RecordView> = {
        let replica = ctx.model.replica.borrow();
        selected
            .iter()
            .filter(|id| choosable.contains(*id))
            .filter_map(|id| replica.view(&RecordId { kind: RecordKind::Evaluation, id: id.clone() }).cloned())
            .collect()
    };
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
    let set_filter = {
        let filter = filter.clone();
        move |change: fn(&mut Filter, String)| {
            let filter = filter.clone();
            Callback::from(move |e: Event| {
                let mut next = (*filter).clone();
                change(&mut next, e.target_unchecked_into::<HtmlSelectElement>().value());
                filter.set(next);
            })
        }
    };
    let on_search = {
        let filter = filter.clone();
        Callback::from(move |e: InputEvent| {
            let query = e.target_unchecked_into::<HtmlInputElement>().value();
            filter.set(Filter { query, ..(*filter).clone() });
        })
    };
    let sort_by = |column: Column| {
        let filter = filter.clone();
        Callback::from(move |_: MouseEvent| filter.set(filter.sorted_by(column)))
    };
    let header = |column: Column| {
        let sorted = filter.sort == column;
        let order = match (sorted, filter.descending) {
            (false, _) => "none",
            (true, false) => "ascending",
            (true, true) => "descending",
        };
        let arrow = match order {
            "ascending" => " ▲",
            "descending" => " ▼",
            _ => "",
        };
        html! {
            <th scope="col" aria-sort={order}>
                <button type="button" class="sort" onclick={sort_by(column)}>{ format!("{}{arrow}", column.title()) }</button>
            </th>
        }
    };
    let hamlets = review_table::hamlets(&all);
    let models = review_table::models(&all);
    let years = review_table::years(&all);
    let option = |value: String, label: String, selected: bool| html! { <option {value} {selected}>{ label }</option> };
    html! {
        <main class="app review-table-screen">
            <h1 class="form-title">{ "Xét duyệt" }</h1>
            if !reviewer {
                <p class="hint">{ "Tài khoản của bạn gửi phiếu để xã xét duyệt; lãnh đạo xã phê duyệt và công nhận. Phiếu bị trả lại có lý do ở cột Trạng thái." }</p>
            }
            <div class="filters" role="search">
                <div class="filter search">
                    <label class="field" for="review-search">{ "Tìm theo tên" }</label>
                    <input id="review-search" class="text" type="search" value={filter.query.clone()} oninput={on_search}
                        placeholder="Gõ tên, không dấu cũng được" />
                </div>
                <div class="filter">
                    <label class="field" for="review-hamlet">{ "Thôn" }</label>
                    <select id="review-hamlet" class="select" onchange={set_filter(|f, v| f.hamlet = Some(v).filter(|v| !v.is_empty()))}>
                        { option(String::new(), "Mọi thôn".to_string(), filter.hamlet.is_none()) }
                        { for hamlets.iter().map(|(unit, name)| option(unit.clone(), name.clone(), filter.hamlet.as_ref() == Some(unit))) }
                    </select>
                </div>
                <div class="filter">
                    <label class="field" for="review-model">{ "Mô hình" }</label>
                    <select id="review-model" class="select" onchange={set_filter(|f, v| f.model = review_table::model_of(&v))}>
                        { option(String::new(), "Mọi mô hình".to_string(), filter.model.is_none()) }
                        { for models.iter().map(|m| option(review_table::model_key(*m), m.title().to_string(), filter.model == Some(*m))) }
                    </select>
                </div>
                <div class="filter">
                    <label class="field" for="review-year">{ "Năm" }</label>
                    <select id="review-year" class="select" onchange={set_filter(|f, v| f.year = v.parse().ok())}>
                        { option(String::new(), "Mọi năm".to_string(), filter.year.is_none()) }
                        { for years.iter().map(|y| option(y.to_string(), y.to_string(), filter.year == Some(*y))) }
                    </select>
                </div>
                <div class="filter">
                    <label class="field" for="review-state">{ "Trạng thái" }</label>
                    <select id="review-state" class="select" onchange={set_filter(|f, v| f.state = StateFilter::from_key(&v))}>
                        { for StateFilter::ALL.iter().map(|s| option(s.key().to_string(), s.label().to_string(), filter.state == *s)) }
                    </select>
                </div>
                // A phone shows no column headers to tap: the order is chosen here.
                <div class="filter phone-only">
                    <label class="field" for="review-sort">{ "Sắp xếp theo" }</label>
                    <select id="review-sort" class="select" onchange={set_filter(|f, v| {
                        let (column, descending) = v.split_once(':').unwrap_or((&v, ""));
                        f.sort = column.parse().ok().and_then(|i: usize| Column::ALL.get(i).copied()).unwrap_or_default();
                        f.descending = descending == "giam";
                    })}>
                        { for Column::ALL.iter().enumerate().flat_map(|(i, c)| [(false, "tăng dần"), (true, "giảm dần")].map(|(down, words)| {
                            let key = format!("{i}:{}", if down { "giam" } else { "tang" });
                            option(key, format!("{} ({words})", c.title()), filter.sort == *c && filter.descending == down)
                        })) }
                    </select>
                </div>
            </div>
            <p class="review-count" role="status">{ format!("{} phiếu", shown.len()) }
                if !choosable.is_empty() {
                    <label class="check choose-all">
                        <input type="checkbox" checked={all_chosen} onchange={on_all} />
                        { format!(" Chọn tất cả ({})", choosable.len()) }
                    </label>
                }
            </p>
            if !chosen.is_empty() {
                <BulkBar chosen={chosen}
                    on_done={let (s, r) = (selected.clone(), report.clone()); Callback::from(move |done| {
                        s.set(BTreeSet::new());
                        r.set(Some(done));
                    })}
                    on_problem={let r = report.clone(); Callback::from(move |p| r.set(Some(p)))} />
            }
            if let Some((message, skipped, decision)) = &*report {
                <div class="card bulk-report">
                    <p class="app-notice" role="status">{ message }</p>
                    if let Some(href) = decision {
                        <p><a href={href.clone()}>{ "Xem, in quyết định và danh sách kèm theo" }</a></p>
                    }
                    if !skipped.is_empty() {
                        <p class="hint">{ format!("Bỏ qua {} phiếu:", skipped.len()) }</p>
                        <ul class="skipped">{ for skipped.iter().map(|s| html! { <li>{ s }</li> }) }</ul>
                    }
                </div>
            }
            if shown.is_empty() {
                <p class="hint">{ if all.is_empty() { "Chưa có phiếu nào được gửi xét duyệt." } else { "Không có phiếu nào khớp bộ lọc." } }</p>
            } else {
                <table class="review-table">
                    <thead><tr>
                        <th scope="col"><span class="visually-hidden">{ "Chọn" }</span></th>
                        { for Column::ALL.into_iter().map(header) }
                    </tr></thead>
                    <tbody>
                        { for shown.iter().take(*drawn).map(|r| table_row(r, &choosable, &selected, &on_toggle, &ctx)) }
                    </tbody>
                </table>
                if shown.len() > *drawn {
                    <button type="button" class="secondary more-rows"
                        onclick={let drawn = drawn.clone(); Callback::from(move |_: MouseEvent| drawn.set(*drawn + PAGE))}>
                        { format!("Hiện thêm {} phiếu (còn {} phiếu chưa hiện)", PAGE.min(shown.len() - *drawn), shown.len() - *drawn) }
                    </button>
                }
            }
        </main>
    }
}

/// One evaluation's row: a card on a phone (each cell with its column's name).
fn table_row(
    r: &Row,
    choosable: &BTreeSet<String>,
    selected: &BTreeSet<String>,
    on_toggle: &Callback<String>,
    ctx: &AppContext,
) -> Html {
    let comment = (r.status == Status::Returned)
        .then(|| {
            ctx.model
                .replica
                .borrow()
                .view(&RecordId { kind: RecordKind::Evaluation, id: r.id.clone() })
                .and_then(|v| v.comment.clone())
        })
        .flatten();
    let cell = |column: Column, text: String| html! { <td data-label={column.title()}>{ text }</td> };
    let id = r.id.clone();
    html! {
        <tr key={r.id.clone()} data-record={r.id.clone()} class={classes!(format!("{:?}", r.status).to_lowercase())}>
            <td class="choose">
                if choosable.contains(&r.id) {
                    <input type="checkbox" aria-label={format!("Chọn {}", r.name)} checked={selected.contains(&r.id)}
                        onchange={let t = on_toggle.clone(); Callback::from(move |_: Event| t.emit(id.clone()))} />
                }
            </td>
            { cell(Column::Hamlet, r.hamlet.clone()) }
            <td data-label={Column::Name.title()} class="name">
                <a href={Route::Evaluation(r.id.clone()).href()}>{ &r.name }</a>
            </td>
            { cell(Column::BirthYear, r.birth_year.map_or_else(|| "—".to_string(), |y| y.to_string())) }
            { cell(Column::Model, r.model.map_or("—", |m| m.title()).to_string()) }
            { cell(Column::Year, r.year.to_string()) }
            { cell(Column::Score, r.score.clone()) }
            { cell(Column::Result, r.result.clone()) }
            { cell(Column::SubmittedBy, r.submitted_by.clone().unwrap_or_else(|| "—".to_string())) }
            { cell(Column::SubmittedOn, r.submitted_ms.map_or_else(|| "—".to_string(), |ms| date_vi(ms as f64))) }
            { cell(Column::Evidence, r.evidence.to_string()) }
            <td data-label={Column::State.title()} class="state-cell">
                { super::evaluate::capitalised(r.status.title()) }
                if r.conflict { <span class="state conflict">{ " · xung đột" }</span> }
                if let Some(why) = &r.refused { <span class="refused" role="note">{ format!(" · Máy chủ không nhận: {why}") }</span> }
                if let Some(comment) = comment { <span class="returned-comment">{ format!(" — {comment}") }</span> }
            </td>
        </tr>
    }
}

/// Who sent each submission, by operation id: the name and the server's time, read from
/// the copy kept on the device and asked of the server for the ones it lacks.
#[hook]
fn use_origins(account: String, asked: Vec<(String, String)>) -> Rc<BTreeMap<String, (String, i64)>> {
    let known = use_state(|| Rc::new(BTreeMap::<String, (String, i64)>::new()));
    let token = super::remote::use_token();
    {
        let known = known.clone();
        use_effect_with(asked, move |asked| {
            let asked = asked.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let key = format!("origins:{account}");
                let storage = Storage::open().await.ok();
                let mut map: BTreeMap<String, (String, i64)> = match &storage {
                    Some(storage) => storage
                        .cached_page(&key)
                        .await
                        .ok()
                        .flatten()
                        .and_then(|json| serde_json::from_str(&json).ok())
                        .unwrap_or_default(),
                    None => BTreeMap::new(),
                };
                let missing: Vec<OpOfRecord> = asked
                    .iter()
                    .filter(|(_, op)| !map.contains_key(op))
                    .map(|(id, op)| OpOfRecord {
                        record: RecordId { kind: RecordKind::Evaluation, id: id.clone() },
                        op: op.clone(),
                    })
                    .collect();
                known.set(Rc::new(map.clone()));
                if missing.is_empty() || token.is_none() || !crate::api::online() {
                    return;
                }
                for chunk in missing.chunks(MAX_ORIGINS) {
                    let request = OriginsRequest { ops: chunk.to_vec() };
                    let Ok(answer) = crate::api::call::<OriginsResponse>(
                        "POST",
                        "/records/origins",
                        token.as_deref(),
                        Body::json(&request),
                    )
                    .await
                    else {
                        break;
                    };
                    for origin in answer.origins {
                        let name = origin.who.map_or_else(|| "(tài khoản đã xóa)".to_string(), |w| w.name);
                        map.insert(origin.op, (name, origin.server_ms));
                    }
                }
                if let (Some(storage), Ok(json)) = (&storage, serde_json::to_string(&map)) {
                    let _ = storage.cache_page(&key, &json).await;
                }
                known.set(Rc::new(map));
                if let Some(storage) = storage {
                    storage.close();
                }
            });
        });
    }
    (*known).clone()
}

/// What a decision for many did: in words, what was left out and why, and the
/// decision's page when it recognised.
type BulkReport = (String, Vec<String>, Option<String>);

#[derive(Properties, PartialEq)]
struct BulkBarProps {
    chosen: Vec<RecordView>,
    /// Saved: what was done, and what was left out and why.
    on_done: Callback<BulkReport>,
    /// Not saved: why, and what would have been left out.
    on_problem: Callback<BulkReport>,
}

/// "Cơ quan ban hành" starts as the body the province set for the title of `chosen`
/// (kept on the device like other pages, so it also fills in offline); what is typed
/// stays.
#[hook]
fn use_prefilled_authority(ctx: &AppContext, chosen: &[&RecordView], authority: &UseStateHandle<String>) {
    let unit = ctx.model.session.as_ref().map(|s| s.account.unit.clone());
    let prefill = super::remote::use_server_json(
        unit.as_ref().map(|u| format!("/units/{}/authorities", crate::reports::encode_component(u))),
        true,
        0,
    );
    let suggested = prefill.value.as_ref().and_then(|(json, _)| {
        let prefill: crate::recognition::AuthorityPrefill = serde_json::from_str(json.text()).ok()?;
        let province = unit.as_deref().is_some_and(|u| u.starts_with("province:"));
        prefill.authority_for(chosen, &ctx.model.sets, province)
    });
    let authority = authority.clone();
    use_effect_with(suggested, move |suggested| {
        if let Some(suggested) = suggested.clone().filter(|_| authority.is_empty()) {
            authority.set(suggested);
        }
    });
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
    use_prefilled_authority(&ctx, &chosen, &authority);
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
            // The decision's own page (in the office app), for the year of what it recognises.
            let decision = match &transition {
                Transition::Recognise { decision } => taken
                    .first()
                    .and_then(|v| v.value("year"))
                    .and_then(|y| y.as_i64())
                    .map(|year| crate::page::decision_href(year as i32, &decision.number, decision.date)),
                _ => None,
            };
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
                        decision,
                    )),
                    Err(err) => report.emit((err.to_string(), skipped, None)),
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
                report.emit((
                    "Cần số quyết định, ngày (ngày/tháng/năm) và cơ quan ban hành.".to_string(),
                    Vec::new(),
                    None,
                ));
                return;
            };
            if let Some(problem) = hoctap_shared::authorities::decision_authority_problem(day, &authority) {
                report.emit((problem, Vec::new(), None));
                return;
            }
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
pub struct ReviewActionsProps {
    pub view: RecordView,
}

/// The review of one evaluation, on its page: approve (only a complete one), return with
/// a required comment, recognise with the decision's number, date and authority (and
/// the written reason of an exception). Drawn for reviewers while it is sent or approved.
#[function_component(ReviewActions)]
pub fn review_actions(props: &ReviewActionsProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let comment = use_state(String::new);
    let number = use_state(String::new);
    let date = use_state(|| date_vi(js_sys::Date::now()));
    let authority = use_state(String::new);
    let proposer = use_state(String::new);
    let reason = use_state(String::new);
    let error = use_state(|| None::<String>);
    let view = &props.view;
    use_prefilled_authority(&ctx, &[view], &authority);
    let state = ctx.model.replica.borrow().state(&view.record);
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
        let (act, number, date, authority, proposer, reason, error, rules) = (
            act.clone(),
            number.clone(),
            date.clone(),
            authority.clone(),
            proposer.clone(),
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
            if let Some(problem) = hoctap_shared::authorities::decision_authority_problem(day, &authority) {
                error.set(Some(problem));
                return;
            }
            act.emit(Transition::Recognise {
                decision: Decision {
                    number: number.trim().to_string(),
                    date: day,
                    authority: authority.trim().to_string(),
                    override_reason,
                    proposer: Some(proposer.trim().to_string()).filter(|p| !p.is_empty()),
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
    if state == RecordState::Conflict || !matches!(view.status, Status::Submitted | Status::Approved) {
        return Html::default();
    }
    html! {
        <section class="card review-actions" aria-label="Xét duyệt phiếu này">
            <h2 class="section-title">{ "Xét duyệt phiếu này" }</h2>
            if let Eligibility::Incomplete(why) = &rules {
                <p class="app-warning incomplete">{ format!("Chưa duyệt, công nhận được: {why}. Hãy trả lại để người chấm chấm đủ.") }</p>
            } else if view.status == Status::Submitted {
                <button type="button" class="primary" onclick={on_approve}>{ "Duyệt" }</button>
            }
            { text_input(format!("comment-{id}"), "Lý do trả lại (bắt buộc khi trả lại)", &comment, "Ví dụ: thiếu ảnh minh chứng chỉ số 2.1") }
            <button type="button" class="secondary" onclick={on_return}>{ "Trả lại để sửa" }</button>
            if view.status == Status::Approved && rules.can_approve() {
                { text_input(format!("number-{id}"), "Số quyết định", &number, "Ví dụ: 15/QĐ-UBND") }
                { text_input(format!("date-{id}"), "Ngày quyết định (ngày/tháng/năm)", &date, "15/11/2026") }
                { text_input(format!("authority-{id}"), "Cơ quan ban hành", &authority, "Ủy ban nhân dân xã …") }
                { text_input(format!("proposer-{id}"), "Theo đề nghị của", &proposer, "Hội Khuyến học xã …") }
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
            if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
        </section>
    }
}
