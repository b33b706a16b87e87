//! The screens, one per address ([`crate::page::Route`]), and the frame around them:
//! the header with the unit and the sync bar, and the navigation. Screens read the app's
//! state from [`AppContext`] and change it only through it. The report screens (annual
//! report, plan, five-year review, lineage) read pages the server computes; they open in
//! the office app (`office.html`), which the phone app never downloads.

pub(crate) mod annual;
mod conflicts;
pub(crate) mod decisions;
mod device;
mod evaluate;
mod export;
mod history;
mod home;
pub(crate) mod lineage;
mod login;
pub(crate) mod plan;
mod record;
mod register;
mod remote;
mod reopen;
mod report;
mod review;
pub(crate) mod years;

use hoctap_shared::protocol::RecordKind;
use yew::prelude::*;

use crate::app::{datetime_vi, time_vi, AppContext, AppModel, SyncStatus};
use crate::page::{self, Route};
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
        // Keyed by address: a form opened for another record starts from that record's
        // values, not from the state of the form shown before it.
        Route::NewRecord(kind) => html! { <record::NewRecordScreen key={route.hash()} kind={*kind} /> },
        Route::NewMember(household) => html! {
            <record::NewRecordScreen key={route.hash()} kind={RecordKind::Person} household={Some(household.clone())} />
        },
        Route::Record(record) => html! { <record::RecordScreen key={route.hash()} record={record.clone()} /> },
        Route::Evaluation(id) => html! { <evaluate::EvaluationScreen key={route.hash()} id={id.clone()} /> },
        Route::Review => html! { <review::ReviewScreen /> },
        Route::ReviewHamlet(hamlet) => html! { <review::ReviewScreen hamlet={Some(hamlet.clone())} /> },
        Route::Conflicts(record) => html! { <conflicts::ConflictsScreen record={record.clone()} /> },
        Route::Report => html! { <report::ReportScreen /> },
        // The office's screens: an address of the main app opens them there.
        Route::AnnualReport(_) | Route::ReportVersion { .. } | Route::Plan | Route::YearsReview | Route::Lineage => {
            html! { <OfficeMoved href={route.office_href().unwrap_or_default()} /> }
        }
        Route::Device => html! { <device::DeviceScreen /> },
        Route::Login | Route::Invitation(_) | Route::Sets(_) => Html::default(),
    };
    html! { <Shell>{ body }</Shell> }
}

/// A labelled select of `years` (in that order) with `value` chosen; `on_change` gets
/// the year picked.
pub fn year_select(id: &'static str, label: &'static str, years: &[i32], value: i32, on_change: Callback<i32>) -> Html {
    let onchange = Callback::from(move |e: Event| {
        if let Ok(year) = e.target_unchecked_into::<web_sys::HtmlSelectElement>().value().parse() {
            on_change.emit(year);
        }
    });
    html! {
        <>
            <label class="field" for={id}>{ label }</label>
            <select {id} class="select" {onchange}>
                { for years.iter().map(|y| html! { <option value={y.to_string()} selected={*y == value}>{ y }</option> }) }
            </select>
        </>
    }
}

/// Links to the report screens: this year's report, the plan, the five-year review and,
/// for a commune of today, the old units it came from.
pub fn report_links(unit: &str, year: i32) -> Html {
    let merged = unit.starts_with("commune:") && unit.ends_with(":2025");
    // A province's administrator registers the districts before the reform there.
    let province = unit.starts_with("province:") && unit.ends_with(":2025");
    html! {
        <nav class="report-links" aria-label="Báo cáo">
            <a class="report-link" href={Route::AnnualReport(None).office_href()}>
                <span class="register-name">{ format!("Báo cáo năm {year}") }</span>
                <span class="register-meta">{ "Lập, nộp, tải về, in" }</span>
            </a>
            <a class="report-link" href={Route::Plan.office_href()}>
                <span class="register-name">{ "Kế hoạch, chỉ tiêu" }</span>
                <span class="register-meta">{ "Mục tiêu 2025, 2030 và hạn nộp" }</span>
            </a>
            <a class="report-link" href={Route::YearsReview.office_href()}>
                <span class="register-name">{ "Sơ kết 2021–2025" }</span>
                <span class="register-meta">{ "Diễn biến qua các năm" }</span>
            </a>
            if merged {
                <a class="report-link" href={crate::page::LINEAGE_HREF}>
                    <span class="register-name">{ "Sáp nhập" }</span>
                    <span class="register-meta">{ "Đơn vị cũ và gán thôn" }</span>
                </a>
            }
            if province {
                <a class="report-link" href={crate::page::LINEAGE_HREF}>
                    <span class="register-name">{ "Sáp nhập" }</span>
                    <span class="register-meta">{ "Huyện trước 01/7/2025" }</span>
                </a>
            }
        </nav>
    }
}

/// The staff page, in the office app (`office.html`, a download of its own that a
/// hamlet officer's phone never fetches).
pub const STAFF_HREF: &str = "/office.html#can-bo";

/// The register import ("Nhập sổ từ Excel"), in the office app too.
pub const IMPORT_HREF: &str = "/office.html#nhap-so";

/// The citizens' self-assessment campaigns and their queue, in the office app too.
pub const SELF_ASSESSMENT_HREF: &str = "/office.html#tu-danh-gia";

/// Whether the account runs citizens' self-assessments: officers who enter data for a
/// hamlet or a commune.
pub fn runs_self_assessment(account: &hoctap_shared::accounts::Account) -> bool {
    account.role.allows(hoctap_shared::accounts::Action::Write)
        && (account.unit.starts_with("hamlet:") || account.unit.starts_with("commune:"))
}

#[derive(Properties, PartialEq)]
pub struct OfficeMovedProps {
    pub href: String,
}

/// A screen that lives in the office app: an old address of the main app opens it there.
#[function_component(OfficeMoved)]
fn office_moved(props: &OfficeMovedProps) -> Html {
    let href = props.href.clone();
    {
        let href = href.clone();
        use_effect_with((), move |_| page::open(&href));
    }
    html! {
        <main class="app">
            <p class="app-notice" role="status"><a href={href}>{ "Mở trang này trong trang văn phòng" }</a></p>
        </main>
    }
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
            if account.is_some() {
                <SyncBar />
                <ClockWarning banner={true} />
            }
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
            match (report.held, report.skewed) {
                (0, 0) => format!("Đã đồng bộ lúc {}", time_vi(*at_ms)),
                (0, skewed) => {
                    format!("Đã đồng bộ lúc {}; {skewed} thay đổi chờ chỉnh ngày giờ điện thoại", time_vi(*at_ms))
                }
                (held, _) => {
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
pub struct ClockWarningProps {
    /// Under the sync bar, rather than in a screen's card.
    #[prop_or_default]
    pub banner: bool,
}

/// The device's date and time are wrong: both clocks, what to do, and that the work
/// waits on the device (it is sent again by itself once the clock is right).
#[function_component(ClockWarning)]
pub fn clock_warning(props: &ClockWarningProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let notice = ctx.model.clock;
    if !notice.is_wrong() {
        return Html::default();
    }
    let clocks = notice.reading.filter(|r| !r.is_right()).map_or_else(String::new, |r| {
        format!(
            " Điện thoại đang ghi {}, còn máy chủ là {}.",
            datetime_vi(r.device_ms as f64),
            datetime_vi(r.server_ms as f64)
        )
    });
    let waiting = match notice.skewed {
        0 => String::new(),
        n => format!(" {n} thay đổi vẫn được giữ trên máy và sẽ tự gửi lại khi ngày giờ đúng."),
    };
    html! {
        <p class={classes!("app-warning", "clock-warning", props.banner.then_some("banner"))} role="alert"
            data-skewed={notice.skewed.to_string()}>
            <strong>{ "Ngày giờ trên điện thoại bị sai." }</strong>
            { format!("{clocks} Hãy chỉnh lại ngày giờ của điện thoại (Cài đặt → Ngày và giờ, bật “Tự động”), rồi bấm “Đồng bộ ngay”.{waiting}") }
        </p>
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
