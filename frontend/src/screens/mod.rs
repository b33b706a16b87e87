//! The screens, one per address ([`crate::page::Route`]), and the frame around them:
//! the header with the unit and the sync bar, and the navigation. Screens read the app's
//! state from [`AppContext`] and change it only through it.

mod conflicts;
mod device;
mod evaluate;
mod home;
mod login;
mod record;
mod register;
mod report;
mod review;

use hoctap_shared::protocol::RecordKind;
use yew::prelude::*;

use crate::app::{time_vi, AppContext, AppModel, SyncStatus};
use crate::page::Route;
use crate::replica::RecordState;

/// The screen for `route`. Signed out, only the login, invitation and practice screens
/// open; everything else asks to sign in first.
pub fn screen(route: &Route, model: &AppModel) -> Html {
    if !model.loaded {
        return html! { <main class="app"><p class="app-notice" role="status">{ "Đang mở dữ liệu trên máy…" }</p></main> };
    }
    match route {
        Route::Invitation(token) => return html! { <login::InvitationScreen token={token.clone()} /> },
        Route::Sets(set) => return html! { <Shell><evaluate::PracticeScreen set={set.clone()} /></Shell> },
        Route::Login => return html! { <login::LoginScreen /> },
        _ => {}
    }
    if model.session.is_none() {
        return html! { <login::LoginScreen /> };
    }
    let body = match route {
        Route::Home => html! { <home::HomeScreen /> },
        Route::Register(kind) => html! { <register::RegisterScreen kind={*kind} /> },
        Route::NewRecord(kind) => html! { <record::NewRecordScreen kind={*kind} /> },
        Route::Record(record) => html! { <record::RecordScreen record={record.clone()} /> },
        Route::Evaluation(id) => html! { <evaluate::EvaluationScreen id={id.clone()} /> },
        Route::Review => html! { <review::ReviewScreen /> },
        Route::Conflicts(record) => html! { <conflicts::ConflictsScreen record={record.clone()} /> },
        Route::Report => html! { <report::ReportScreen /> },
        Route::Device => html! { <device::DeviceScreen /> },
        Route::Login | Route::Invitation(_) | Route::Sets(_) => Html::default(),
    };
    html! { <Shell>{ body }</Shell> }
}

#[derive(Properties, PartialEq)]
pub struct ShellProps {
    pub children: Html,
}

/// The header (app name, account, sync bar), the screen, and the navigation.
#[function_component(Shell)]
pub fn shell(props: &ShellProps) -> Html {
    let ctx = use_context::<AppContext>();
    let Some(ctx) = ctx else { return props.children.clone() };
    let model = &ctx.model;
    let account = model.session.as_ref().map(|s| s.account.clone());
    html! {
        <>
            <header class="top">
                <a class="brand" href="#">{ "hoctap" }</a>
                if let Some(account) = &account {
                    <a class="who" href={Route::Device.href()}>{ format!("{} · {}", account.display_name, account.role.title()) }</a>
                } else {
                    <a class="who" href={Route::Login.href()}>{ "Đăng nhập" }</a>
                }
            </header>
            if account.is_some() { <SyncBar /> }
            if let Some(error) = &model.storage_error {
                <p class="app-warning banner" role="alert">{ error }</p>
            }
            { props.children.clone() }
            if account.is_some() {
                <nav class="tabs" aria-label="Chuyển màn hình">
                    <a href="#">{ "Trang chủ" }</a>
                    <a href={Route::Register(RecordKind::Person).href()}>{ "Sổ" }</a>
                    <a href={Route::Review.href()}>{ "Duyệt" }</a>
                    <a href={Route::Report.href()}>{ "Tổng hợp" }</a>
                    <a href={Route::Device.href()}>{ "Máy" }</a>
                </nav>
            }
        </>
    }
}

/// How many changes wait, what sync is doing, and a button to sync now.
#[function_component(SyncBar)]
pub fn sync_bar() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let model = &ctx.model;
    let waiting = model.replica.borrow().waiting();
    let (state, text) = match &model.sync {
        SyncStatus::NotYet => ("idle", "Chưa đồng bộ trong lần mở này".to_string()),
        SyncStatus::Running(step) => ("running", step.clone()),
        SyncStatus::Done { at_ms, report } => (
            "done",
            match report.held {
                0 => format!("Đã đồng bộ lúc {}", time_vi(*at_ms)),
                held => {
                    format!("Đã đồng bộ lúc {}; {held} thay đổi của tài khoản khác còn giữ trên máy", time_vi(*at_ms))
                }
            },
        ),
        SyncStatus::Failed { message, retry_at_ms, offline } => (
            if *offline { "offline" } else { "failed" },
            if *offline {
                format!("Đang không có mạng. Thử lại lúc {}.", time_vi(*retry_at_ms))
            } else {
                format!("{message} Thử lại lúc {}.", time_vi(*retry_at_ms))
            },
        ),
        SyncStatus::SignedOut => {
            ("failed", "Phiên đăng nhập đã hết. Hãy đăng nhập lại; dữ liệu trên máy vẫn còn.".to_string())
        }
    };
    let onclick = ctx.sync_now.reform(|_: MouseEvent| ());
    let running = matches!(model.sync, SyncStatus::Running(_));
    html! {
        <section class={classes!("sync-bar", state)} aria-label="Đồng bộ" data-sync={state} data-rounds={model.rounds.to_string()}>
            <p class="sync-waiting" data-waiting={waiting.to_string()}>
                { if waiting == 0 { "Không có thay đổi chờ gửi".to_string() } else { format!("{waiting} thay đổi chờ đồng bộ") } }
            </p>
            <p class="sync-text" role="status">{ text }</p>
            <button type="button" class="sync-now" {onclick} disabled={running}>{ "Đồng bộ ngay" }</button>
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct StateBadgeProps {
    pub state: RecordState,
}

/// A record's state in words, coloured.
#[function_component(StateBadge)]
pub fn state_badge(props: &StateBadgeProps) -> Html {
    html! { <span class={classes!("state", props.state.key())} data-state={props.state.key()}>{ props.state.title() }</span> }
}
