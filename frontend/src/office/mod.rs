//! The office app (`office.html`): the screens of the commune and province offices —
//! the staff page, "Cán bộ", the register import, "Nhập sổ từ Excel", the lineage and
//! the report screens (annual report, plan, five-year review), the recognition
//! decisions, "Quyết định", a province's report recipients and recognising authorities,
//! "Cơ quan nhận, công nhận", a province's own criteria sets, "Bộ tiêu chí của tỉnh",
//! the citizens' self-assessment campaigns, "Tự đánh giá của người dân" —
//! as a second
//! Yew app built from this library as its
//! own binary (`src/bin/office.rs`). The main app never refers to this module, so link-
//! time optimisation leaves all of it (and its QR encoder) out of the phone app's wasm:
//! a hamlet officer's first visit does not carry office screens.
//!
//! It shares the API client, the styles and the device's storage: the session signed in
//! in the main app is read from IndexedDB, and signing in happens there. Office screens
//! work on the server's current data, so they need the network and say so without it.

mod authorities;
mod authorities_page;
mod browser;
mod criteria_editor;
mod criteria_page;
mod hamlet_page;
mod import;
mod import_page;
mod qr;
pub(crate) mod route;
mod selfassess;
mod selfassess_page;
mod staff;
mod staff_page;
mod upload;

use std::rc::Rc;

use hoctap_shared::accounts::LoginResponse;
use yew::prelude::*;

use crate::api::ApiError;
use crate::page::Route;
use crate::storage::Storage;
use route::OfficeRoute;

/// Mounts the office app into the page's body.
pub fn run() {
    yew::Renderer::<OfficeApp>::new().render();
}

/// An API failure in the office's words: the main app's offline message promises that
/// work waits on the device, which is not true of office screens.
pub(crate) fn error_text(error: &ApiError) -> String {
    match error {
        ApiError::Offline => {
            "Không kết nối được máy chủ. Trang văn phòng cần có mạng; hãy thử lại khi có sóng.".to_string()
        }
        error if error.is_unauthenticated() => {
            "Phiên đăng nhập đã hết. Hãy đăng nhập lại trong ứng dụng, rồi mở lại trang này.".to_string()
        }
        error => error.to_string(),
    }
}

/// The session kept on the device, as read at start.
#[derive(Clone, PartialEq)]
enum Session {
    Loading,
    SignedOut,
    Expired,
    Failed(String),
    SignedIn(Rc<LoginResponse>),
}

async fn read_session() -> Session {
    let result = async {
        let storage = Storage::open().await?;
        let session = storage.session().await;
        storage.close();
        session
    };
    match result.await {
        Ok(None) => Session::SignedOut,
        Ok(Some(session)) if (session.expires_at_ms as f64) <= js_sys::Date::now() => Session::Expired,
        Ok(Some(session)) => Session::SignedIn(Rc::new(session)),
        Err(error) => Session::Failed(error.to_string()),
    }
}

#[function_component(OfficeApp)]
fn office_app() -> Html {
    let session = use_state(|| Session::Loading);
    let route = use_state(|| OfficeRoute::parse(&browser::hash()));
    let online = use_state(crate::api::online);
    {
        let session = session.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move { session.set(read_session().await) });
        });
    }
    {
        let (route, online) = (route.clone(), online.clone());
        use_effect_with((), move |_| {
            let hash = {
                let route = route.clone();
                browser::WindowListener::new("hashchange", move || route.set(OfficeRoute::parse(&browser::hash())))
            };
            let up = {
                let online = online.clone();
                browser::WindowListener::new("online", move || online.set(true))
            };
            let down = browser::WindowListener::new("offline", move || online.set(false));
            move || drop((hash, up, down))
        });
    }

    let account = match &*session {
        Session::SignedIn(s) => Some(s.account.clone()),
        _ => None,
    };
    let body = match &*session {
        Session::Loading => html! { <p class="app-notice" role="status">{ "Đang mở…" }</p> },
        Session::SignedOut => sign_in_first("Hãy đăng nhập trong ứng dụng trước."),
        Session::Expired => {
            sign_in_first("Phiên đăng nhập trên máy này đã hết. Hãy đăng nhập lại trong ứng dụng trước.")
        }
        Session::Failed(message) => html! { <p class="app-warning" role="alert">{ message }</p> },
        // The lineage and report screens show the copy kept on the device and say what
        // needs the server; the other office screens work only online.
        Session::SignedIn(_)
            if !*online
                && !matches!(
                    *route,
                    OfficeRoute::Lineage
                        | OfficeRoute::Report(_)
                        | OfficeRoute::Decisions(_)
                        | OfficeRoute::Decision { .. }
                ) =>
        {
            html! {
            <p class="app-warning offline" role="alert">
                { "Máy đang không có mạng. Trang văn phòng làm việc trực tiếp với máy chủ nên cần có mạng; \
                   hãy kết nối rồi thử lại. Việc nhập liệu trong ứng dụng vẫn làm được khi không có mạng." }
            </p>
            }
        }
        Session::SignedIn(session) => match &*route {
            OfficeRoute::Staff(unit) => html! {
                <staff_page::StaffScreen session={Rc::clone(session)} unit={unit.clone()} />
            },
            // The report screens' hooks read the session from this context.
            OfficeRoute::Lineage => html! {
                <ContextProvider<Rc<LoginResponse>> context={Rc::clone(session)}>
                    <crate::screens::lineage::LineageScreen />
                </ContextProvider<Rc<LoginResponse>>>
            },
            // Any officer may see and sign out the devices of its own account (a lost phone).
            OfficeRoute::Devices => html! {
                <section>
                    <h1 class="form-title">{ "Các thiết bị đang đăng nhập" }</h1>
                    <p class="hint">{ "Điện thoại bị mất hay máy dùng chung: đăng xuất thiết bị đó ở đây. \
                        Dữ liệu chưa đồng bộ trên thiết bị đó sẽ chờ đến khi đăng nhập lại." }</p>
                    <staff_page::Devices account={session.account.id.clone()} token={Rc::new(session.token.clone())}
                        on_changed={Callback::noop()} seen={(0, false)} />
                </section>
            },
            OfficeRoute::Import(unit) => html! {
                <import_page::ImportScreen session={Rc::clone(session)} unit={unit.clone()} />
            },
            OfficeRoute::Report(report) => html! {
                <ContextProvider<Rc<LoginResponse>> context={Rc::clone(session)}>
                    { report_screen(report) }
                </ContextProvider<Rc<LoginResponse>>>
            },
            // A year's decisions and one decision, keyed by address so that each starts afresh.
            OfficeRoute::Decisions(year) => html! {
                <ContextProvider<Rc<LoginResponse>> context={Rc::clone(session)}>
                    <crate::screens::decisions::DecisionsScreen key={route.hash()} year={*year} />
                </ContextProvider<Rc<LoginResponse>>>
            },
            OfficeRoute::Decision { year, number, date } => html! {
                <ContextProvider<Rc<LoginResponse>> context={Rc::clone(session)}>
                    <crate::screens::decisions::DecisionsScreen key={route.hash()} year={Some(*year)}
                        decision={Some((number.clone(), *date))} />
                </ContextProvider<Rc<LoginResponse>>>
            },
            OfficeRoute::Authorities => html! {
                <authorities_page::AuthoritiesScreen session={Rc::clone(session)} />
            },
            OfficeRoute::ProvinceCriteria => html! {
                <criteria_page::CriteriaScreen session={Rc::clone(session)} />
            },
            OfficeRoute::SelfAssessment => html! {
                <selfassess_page::SelfAssessScreen session={Rc::clone(session)} />
            },
            OfficeRoute::Hamlet(hamlet) => html! {
                <hamlet_page::HamletScreen key={hamlet.clone()} session={Rc::clone(session)} hamlet={hamlet.clone()} />
            },
        },
    };
    html! {
        <>
            <header class="top office-top">
                <a class="brand" href={OfficeRoute::Staff(None).href()}>{ "hoctap · Văn phòng" }</a>
                if let Some(account) = &account {
                    <span class="who">{ format!("{} · {}", account.display_name, account.role.title()) }</span>
                }
                <a class="back-to-app" href="/">{ "← Về ứng dụng" }</a>
                if let Some(account) = &account {
                    <nav class="office-nav" aria-label="Trang văn phòng">
                        if hoctap_shared::accounts::invites_anyone(account.role) {
                            { nav_link(OfficeRoute::Staff(None), "Cán bộ", matches!(*route, OfficeRoute::Staff(_))) }
                            { nav_link(OfficeRoute::Import(None), "Nhập sổ từ Excel", matches!(*route, OfficeRoute::Import(_))) }
                            { nav_link(OfficeRoute::Lineage, "Sáp nhập", *route == OfficeRoute::Lineage) }
                        }
                        if self_assessing(account) {
                            { nav_link(OfficeRoute::SelfAssessment, "Tự đánh giá", *route == OfficeRoute::SelfAssessment) }
                        }
                        { nav_link(OfficeRoute::Report(Route::AnnualReport(None)), "Báo cáo",
                            matches!(*route, OfficeRoute::Report(Route::AnnualReport(_) | Route::ReportVersion { .. }))) }
                        { nav_link(OfficeRoute::Decisions(None), "Quyết định",
                            matches!(*route, OfficeRoute::Decisions(_) | OfficeRoute::Decision { .. })) }
                        { nav_link(OfficeRoute::Report(Route::Plan), "Kế hoạch", *route == OfficeRoute::Report(Route::Plan)) }
                        { nav_link(OfficeRoute::Report(Route::YearsReview), "Sơ kết",
                            *route == OfficeRoute::Report(Route::YearsReview)) }
                        if account.role == hoctap_shared::accounts::Role::ProvinceAdmin {
                            { nav_link(OfficeRoute::Authorities, "Cơ quan nhận, công nhận",
                                *route == OfficeRoute::Authorities) }
                            { nav_link(OfficeRoute::ProvinceCriteria, "Bộ tiêu chí của tỉnh",
                                *route == OfficeRoute::ProvinceCriteria) }
                        }
                        { nav_link(OfficeRoute::Devices, "Thiết bị", *route == OfficeRoute::Devices) }
                    </nav>
                }
            </header>
            <main class="app wide">{ body }</main>
        </>
    }
}

/// A report screen, keyed by its address so that another year starts afresh.
fn report_screen(route: &Route) -> Html {
    use crate::screens::{annual, plan, years};
    let key = route.hash();
    match route {
        Route::AnnualReport(year) => html! { <annual::AnnualReportScreen {key} year={*year} /> },
        Route::ReportVersion { year, version } => {
            html! { <annual::ReportVersionScreen {key} year={*year} version={*version} /> }
        }
        Route::Plan => html! { <plan::PlanScreen {key} /> },
        _ => html! { <years::YearsReviewScreen {key} /> },
    }
}

/// Whether the account runs citizens' self-assessments: a hamlet's or a commune's
/// officers who enter data (as the main app's home links them).
fn self_assessing(account: &hoctap_shared::accounts::Account) -> bool {
    crate::screens::runs_self_assessment(account)
}

/// A link of the office's navigation, marked when its screen is open.
fn nav_link(to: OfficeRoute, label: &str, current: bool) -> Html {
    html! {
        <a href={to.href()} aria-current={current.then_some("page")}>{ label.to_string() }</a>
    }
}

/// Signed out (or expired): sign in in the main app, which keeps the session here too.
fn sign_in_first(message: &str) -> Html {
    html! {
        <section class="card" role="alert">
            <p>{ message.to_string() }</p>
            <p class="hint">{ "Trang văn phòng dùng tài khoản đã đăng nhập trong ứng dụng hoctap trên máy này." }</p>
            <a class="primary" href="/">{ "Mở ứng dụng để đăng nhập" }</a>
        </section>
    }
}
