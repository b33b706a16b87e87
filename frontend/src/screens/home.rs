//! The unit's home: its registers with how many records each holds and how many were
//! recognised this year (a decision, never a score that passes), what needs attention
//! (changes waiting to sync, conflicts, records returned for correction — each listed
//! with why for those who correct them — evaluations waiting for review, by hamlet for
//! the commune, with links into the review queue), and the unit's progress
//! against its targets from the last consolidated figures. Forms left with unsaved
//! answers are listed first, so an officer who left one by the bottom bar finds it again.

use std::rc::Rc;

use hoctap_shared::accounts::Action;
use hoctap_shared::archive::{has_left, is_deleted};
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::{RecordId, RecordKind, Transition};
use yew::prelude::*;

use super::report::{use_consolidation, TargetsSummary};
use crate::app::{datetime_vi, this_year, AppContext};
use crate::page::Route;
use crate::records::kind_title;
use crate::replica::{display_name, outcome, unit_name, RecordState, Replica};
use crate::storage::{Draft, Storage};

#[function_component(HomeScreen)]
pub fn home_screen() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let model = &ctx.model;
    let year = this_year();
    let consolidation = use_consolidation(year);
    let drafts = use_drafts(model.session.as_ref().map(|s| s.account.id.clone()));
    let replica = model.replica.borrow();
    let account = model.session.as_ref().map(|s| s.account.clone());
    let unit_name = consolidation
        .as_ref()
        .and_then(|c| c.name.clone())
        .or_else(|| account.as_ref().map(|a| a.unit.clone()))
        .unwrap_or_default();

    // Per register: records still in it, and those whose evaluation this year is
    // recognised.
    let registers = [RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit].map(|kind| {
        let in_register = || replica.records(kind).filter(|v| !has_left(v));
        let count = in_register().count();
        let titled = in_register()
            .filter(|subject| {
                replica.evaluations_of(&subject.record).into_iter().any(|e| {
                    e.status == Status::Recognised && e.value("year").and_then(|y| y.as_i64()) == Some(i64::from(year))
                })
            })
            .count();
        (kind, count, titled)
    });
    let evaluations: Vec<_> = replica.records(RecordKind::Evaluation).collect();
    let returned = evaluations.iter().filter(|e| replica.state(&e.record) == RecordState::Returned).count();
    let drafts_complete =
        evaluations.iter().filter(|e| e.status == Status::Draft && outcome(e, &model.sets).is_some()).count();
    let conflicts = replica.conflicts().count();
    let queue = replica.review_queue().len();
    let waiting_by_unit = waiting_by_unit(&replica);
    let role = account.as_ref().map(|a| a.role);
    // Those who correct returned records (not those who return them) see each listed.
    let corrects = role.is_some_and(|r| r.allows(Action::Write) && !r.allows(Action::Review));
    let draft_rows = drafts
        .iter()
        .map(|d| (d.form.clone(), d.label.clone(), format!("Nhập lúc {}, chưa lưu", datetime_vi(d.saved_ms))))
        .collect();
    let returned_list = if corrects { returned_records(&replica) } else { Vec::new() };
    // A commune's (or province's) account sees the queue by hamlet.
    let by_hamlet = match &account {
        Some(a) if !a.unit.starts_with("hamlet:") => waiting_by_unit,
        _ => Vec::new(),
    };
    let refused = replica.refusals().count();
    let waiting = replica.waiting();

    html! {
        <main class="app">
            <h1 class="app-title">{ unit_name }</h1>
            <p class="app-notice">{ format!("Năm đánh giá {year}. Dữ liệu được lưu trên máy và gửi lên máy chủ khi có mạng.") }</p>
            <ul class="attention" aria-label="Việc cần làm">
                if waiting > 0 { <li><a href={Route::Device.href()}>{ format!("{waiting} thay đổi chờ đồng bộ") }</a></li> }
                if conflicts > 0 { <li class="warn"><a href={Route::Conflicts(None).href()}>{ format!("{conflicts} hồ sơ có xung đột cần chọn giá trị") }</a></li> }
                if returned > 0 { <li class="warn"><a href={Route::Review.href()}>{ format!("{returned} phiếu bị trả lại cần sửa") }</a></li> }
                if refused > 0 { <li class="warn"><a href={Route::Device.href()}>{ format!("{refused} thay đổi bị máy chủ từ chối") }</a></li> }
                if queue > 0 { <li><a href={Route::Review.href()}>{ format!("{queue} phiếu chờ xét duyệt") }</a></li> }
                if drafts_complete > 0 { <li>{ format!("{drafts_complete} phiếu đã chấm xong, chưa gửi xét duyệt") }</li> }
            </ul>
            { link_rows(format!("Phiếu bị trả lại cần sửa ({})", returned_list.len()), "rows returned-list", returned_list) }
            { link_rows("Chờ xét duyệt theo thôn".to_string(), "rows waiting-by-hamlet", by_hamlet) }
            { link_rows("Bản nháp chưa lưu".to_string(), "rows drafts", draft_rows) }
            <h2 class="section-title">{ "Sổ theo dõi" }</h2>
            <ul class="registers">
                { for registers.iter().map(|(kind, count, titled)| html! {
                    <li>
                        <a class="register-card" href={Route::Register(*kind).href()}>
                            <span class="register-name">{ kind_title(*kind).0 }</span>
                            <span class="register-count">{ count }</span>
                            <span class="register-meta">{ format!("{titled} đã công nhận năm {year}") }</span>
                        </a>
                    </li>
                }) }
            </ul>
            <h2 class="section-title">{ "Báo cáo" }</h2>
            { super::report_links(&ctx.unit(), year) }
            if account.as_ref().is_some_and(super::runs_self_assessment) {
                <nav class="report-links" aria-label="Tự đánh giá">
                    <a class="report-link" href={super::SELF_ASSESSMENT_HREF}>
                        <span class="register-name">{ "Tự đánh giá của người dân" }</span>
                        <span class="register-meta">{ "Mã QR, phiếu chờ xem" }</span>
                    </a>
                </nav>
            }
            if account.as_ref().is_some_and(|a| hoctap_shared::accounts::invites_anyone(a.role)) {
                <nav class="report-links" aria-label="Văn phòng">
                    <a class="report-link" href={super::STAFF_HREF}>
                        <span class="register-name">{ "Cán bộ" }</span>
                        <span class="register-meta">{ "Mời, khóa tài khoản" }</span>
                    </a>
                    <a class="report-link" href={super::IMPORT_HREF}>
                        <span class="register-name">{ "Nhập sổ từ Excel" }</span>
                        <span class="register-meta">{ "Hộ và người dân" }</span>
                    </a>
                </nav>
            }
            <h2 class="section-title">{ "Tiến độ so với mục tiêu" }</h2>
            <TargetsSummary view={consolidation.clone()} />
        </main>
    }
}

/// A titled list of links (href, name, what to say of it); nothing when empty.
fn link_rows(title: String, class: &'static str, rows: Vec<(String, String, String)>) -> Html {
    if rows.is_empty() {
        return Html::default();
    }
    html! {
        <>
            <h2 class="section-title">{ title }</h2>
            <ul class={class}>
                { for rows.into_iter().map(|(href, name, meta)| html! {
                    <li><a class="row" {href}><span class="row-name">{ name }</span><span class="row-meta">{ meta }</span></a></li>
                }) }
            </ul>
        </>
    }
}

/// The evaluations waiting for review, counted by the unit they are kept in: each
/// hamlet's with a link to its queue (`#duyet?thon=<id>`), by hamlet name.
fn waiting_by_unit(replica: &Replica) -> Vec<(String, String, String)> {
    let mut counts: Vec<(&str, usize)> = Vec::new();
    for view in replica.review_queue() {
        match counts.iter_mut().find(|(unit, _)| *unit == view.unit) {
            Some((_, n)) => *n += 1,
            None => counts.push((&view.unit, 1)),
        }
    }
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for (unit, n) in counts {
        let (route, name) = match (unit.strip_prefix("hamlet:"), unit_name(replica, unit)) {
            (Some(id), Some(name)) => (Route::ReviewHamlet(id.to_string()), name),
            _ => (Route::Review, "Cấp xã".to_string()),
        };
        // By name, placed as they come: a few hamlets, and no sort to carry.
        let row = (route.href(), name, format!("{n} phiếu chờ xét duyệt"));
        rows.insert(rows.partition_point(|r| r.1 < row.1), row);
    }
    rows
}

/// Evaluations returned for correction (by the commune, or reopened after their
/// recognition), latest first: a link to each, the subject and year, and why.
fn returned_records(replica: &Replica) -> Vec<(String, String, String)> {
    let mut found: Vec<&RecordView> = Vec::new();
    for view in replica.records(RecordKind::Evaluation).filter(|v| v.status == Status::Returned && !is_deleted(v)) {
        found.insert(found.partition_point(|f| f.last > view.last), view);
    }
    found
        .into_iter()
        .map(|v| {
            let subject = v.value("subject").and_then(|s| serde_json::from_value::<RecordId>(s.clone()).ok());
            let name = subject.and_then(|s| replica.view(&s).map(display_name)).unwrap_or_default();
            let year = v.value("year").and_then(|y| y.as_i64()).unwrap_or_default();
            let reopened = matches!(v.history.last().map(|h| &h.transition), Some(Transition::Reopen { .. }));
            let why = format!(
                "{}: {}",
                if reopened { "Mở lại để sửa" } else { "Xã trả lại" },
                v.comment.as_deref().unwrap_or_default()
            );
            (Route::Evaluation(v.record.id.clone()).href(), format!("{name} · năm {year}"), why)
        })
        .collect()
}

/// The account's unsaved drafts on this device, read once when the screen opens (none
/// while they are read, or when they cannot be: the forms themselves still restore them).
#[hook]
fn use_drafts(account: Option<String>) -> Rc<Vec<Draft>> {
    let drafts = use_state(Rc::<Vec<Draft>>::default);
    {
        let drafts = drafts.clone();
        use_effect_with(account, move |account| {
            let account = account.clone().unwrap_or_default();
            wasm_bindgen_futures::spawn_local(async move {
                let Ok(storage) = Storage::open().await else { return };
                if let Ok(found) = storage.drafts(&account).await {
                    drafts.set(Rc::new(found));
                }
                storage.close();
            });
        });
    }
    Rc::clone(&drafts)
}
