//! The unit's home: its registers with how many records each holds and how many hold a
//! title this year, what needs attention (changes waiting to sync, conflicts, records
//! returned for correction, evaluations waiting for review), and the unit's progress
//! against its targets from the last consolidated figures. Forms left with unsaved
//! answers are listed first, so an officer who left one by the bottom bar finds it again.

use std::rc::Rc;

use hoctap_shared::archive::has_left;
use hoctap_shared::merge::Status;
use hoctap_shared::protocol::RecordKind;
use yew::prelude::*;

use super::report::{use_consolidation, TargetsSummary};
use crate::app::{datetime_vi, this_year, AppContext};
use crate::page::Route;
use crate::records::kind_title;
use crate::replica::{outcome, RecordState};
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
            if !drafts.is_empty() {
                <h2 class="section-title">{ "Bản nháp chưa lưu" }</h2>
                <ul class="rows drafts">
                    { for drafts.iter().map(|d| html! {
                        <li>
                            <a class="row" href={d.form.clone()}>
                                <span class="row-name">{ &d.label }</span>
                                <span class="row-meta">{ format!("Nhập lúc {}, chưa lưu", datetime_vi(d.saved_ms)) }</span>
                            </a>
                        </li>
                    }) }
                </ul>
            }
            <h2 class="section-title">{ "Sổ theo dõi" }</h2>
            <ul class="registers">
                { for registers.iter().map(|(kind, count, titled)| html! {
                    <li>
                        <a class="register-card" href={Route::Register(*kind).href()}>
                            <span class="register-name">{ kind_title(*kind).0 }</span>
                            <span class="register-count">{ count }</span>
                            <span class="register-meta">{ format!("{titled} đạt danh hiệu năm {year}") }</span>
                        </a>
                    </li>
                }) }
            </ul>
            <h2 class="section-title">{ "Báo cáo" }</h2>
            { super::report_links(&ctx.unit(), year) }
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
