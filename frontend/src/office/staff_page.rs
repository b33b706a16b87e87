//! The staff page, "Cán bộ": invite someone to a role (the link shown once, with its QR
//! code, to copy or share), the invitations waiting and those accepted, and the unit's
//! accounts with their devices — each action with its own busy state, result line and
//! Vietnamese error. The page is one request (`GET /units/{id}/staff`); after a change it
//! is asked again, so what it shows is what the server holds.

use std::rc::Rc;

use hoctap_shared::accounts::{
    Account, Invitation, InvitationState, LoginResponse, RevokedSessions, Role, SessionView, StaffAccount,
    StaffInvitation, StaffPage,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::browser::{self, Copied};
use super::route::OfficeRoute;
use super::staff::{self, Child, InviteForm, VALIDITY_CHOICES};
use super::{error_text, qr};
use crate::api::{self, ApiError, Body};
use crate::app::{date_vi, datetime_vi};

/// A server page being read.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Load<T> {
    Loading,
    Failed(String),
    Ready(Rc<T>),
}

/// A unit id as one segment of an API path.
pub(super) fn segment(id: &str) -> String {
    String::from(js_sys::encode_uri_component(id))
}

/// A link just made (created or sent again), shown until another replaces it.
#[derive(Debug, Clone, PartialEq)]
pub struct ShownLink {
    /// The whole address (completed with the page's origin when the server's is relative).
    link: String,
    /// Identifies this link (a new one resets the card).
    token: String,
    display_name: String,
    role: Role,
    unit_name: String,
    expires_at_ms: i64,
    resent: bool,
}

impl ShownLink {
    fn new(invitation: Invitation, display_name: String, unit_name: String, resent: bool) -> ShownLink {
        ShownLink {
            link: staff::absolute_link(&invitation.link, &browser::origin()),
            token: invitation.token,
            display_name,
            role: invitation.role,
            unit_name,
            expires_at_ms: invitation.expires_at_ms,
            resent,
        }
    }
}

/// What a row's action did: a result line, good or bad.
#[derive(Debug, Clone, PartialEq)]
enum Notice {
    Done(String),
    Failed(String),
}

fn notice_html(notice: &Option<Notice>) -> Html {
    match notice {
        Some(Notice::Done(text)) => html! { <p class="save-status saved" role="status">{ text }</p> },
        Some(Notice::Failed(text)) => html! { <p class="form-error" role="alert">{ text }</p> },
        None => Html::default(),
    }
}

#[derive(Properties, PartialEq)]
pub struct StaffScreenProps {
    pub session: Rc<LoginResponse>,
    /// Another unit's page; `None` for the account's own unit.
    pub unit: Option<String>,
}

#[function_component(StaffScreen)]
pub fn staff_screen(props: &StaffScreenProps) -> Html {
    let account = &props.session.account;
    let token = Rc::new(props.session.token.clone());
    let unit = props.unit.clone().unwrap_or_else(|| account.unit.clone());
    let page = use_state(|| Load::<StaffPage>::Loading);
    let version = use_state(|| 0_u32);
    // A read after a change or a press of "Tải lại danh sách" is under way.
    let refreshing = use_state(|| false);
    let shown = use_state(|| None::<Rc<ShownLink>>);
    // The province's communes, for a province administrator's search.
    let children = use_state(Vec::<Child>::new);
    {
        let (page, refreshing, token, unit) = (page.clone(), refreshing.clone(), Rc::clone(&token), unit.clone());
        use_effect_with((unit.clone(), *version), move |(_, version)| {
            // A first read shows "Đang tải"; a read after a change keeps the page shown.
            if *version == 0 {
                page.set(Load::Loading);
            }
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/units/{}/staff", segment(&unit));
                let answer: Result<StaffPage, ApiError> = api::call("GET", &path, Some(&token), Body::None).await;
                refreshing.set(false);
                page.set(match answer {
                    Ok(found) => Load::Ready(Rc::new(found)),
                    Err(error) => Load::Failed(error_text(&error)),
                });
            });
        });
    }
    let is_province_page = account.role == Role::ProvinceAdmin && unit == account.unit;
    {
        let (children, token, unit) = (children.clone(), Rc::clone(&token), unit.clone());
        use_effect_with((unit.clone(), is_province_page), move |_| {
            if is_province_page {
                wasm_bindgen_futures::spawn_local(async move {
                    #[derive(serde::Deserialize)]
                    struct UnitView {
                        children: Vec<Child>,
                    }
                    let path = format!("/units/{}", segment(&unit));
                    if let Ok(view) = api::call::<UnitView>("GET", &path, Some(&token), Body::None).await {
                        children.set(view.children);
                    }
                });
            }
        });
    }
    let reload = {
        let (version, refreshing) = (version.clone(), refreshing.clone());
        Callback::from(move |()| {
            refreshing.set(true);
            version.set(*version + 1);
        })
    };
    let on_link = {
        let shown = shown.clone();
        Callback::from(move |link: ShownLink| shown.set(Some(Rc::new(link))))
    };

    let page = match &*page {
        Load::Loading => return html! { <p class="app-notice" role="status">{ "Đang tải danh sách cán bộ…" }</p> },
        Load::Failed(message) => {
            return html! {
                <>
                    <h1 class="form-title">{ "Cán bộ" }</h1>
                    <p class="app-warning" role="alert">{ message }</p>
                    <button type="button" class="secondary" onclick={reload.reform(|_: MouseEvent| ())}>{ "Thử lại" }</button>
                </>
            };
        }
        Load::Ready(page) => Rc::clone(page),
    };

    let waiting = staff::waiting(&page);
    let accepted = staff::accepted(&page);
    html! {
        <div class="staff">
            <h1 class="form-title">{ format!("Cán bộ · {}", page.unit_name) }</h1>
            if props.unit.as_ref().is_some_and(|u| *u != account.unit) {
                <p><a href={OfficeRoute::Staff(None).href()}>{ "← Cán bộ của đơn vị mình" }</a></p>
            }
            <p class="app-notice">{ "Mời người vào hoctap bằng một liên kết dùng một lần; thu hồi lời mời, khóa hoặc mở khóa tài khoản, đăng xuất thiết bị." }</p>
            <button type="button" class="secondary" onclick={reload.reform(|_: MouseEvent| ())} disabled={*refreshing}>
                { if *refreshing { "Đang tải lại…" } else { "Tải lại danh sách" } }
            </button>
            if is_province_page {
                <CommuneSearch children={Rc::new((*children).clone())} />
            }
            <div class="staff-grid">
                <div class="staff-invite">
                    if page.invitable.is_empty() {
                        <section class="card"><p class="hint">{ "Tài khoản này không mời được ai ở đơn vị này." }</p></section>
                    } else {
                        <InviteCard page={Rc::clone(&page)} token={Rc::clone(&token)} on_link={on_link.clone()} on_changed={reload.clone()} />
                    }
                    if let Some(link) = &*shown {
                        <LinkCard key={link.token.clone()} shown={Rc::clone(link)} />
                    }
                </div>
                <div class="staff-lists">
                    <section class="card" aria-labelledby="waiting-title">
                        <h2 class="section-title" id="waiting-title">{ format!("Lời mời đang chờ ({})", waiting.len()) }</h2>
                        if waiting.is_empty() {
                            <p class="hint">{ "Không có lời mời nào đang chờ." }</p>
                        } else {
                            <ul class="rows staff-rows">
                                { for waiting.iter().map(|i| html! {
                                    <InvitationRow key={i.id.clone()} invitation={(*i).clone()} token={Rc::clone(&token)}
                                        on_link={on_link.clone()} on_changed={reload.clone()} />
                                }) }
                            </ul>
                        }
                    </section>
                    <section class="card" aria-labelledby="accepted-title">
                        <h2 class="section-title" id="accepted-title">{ format!("Đã nhận lời ({})", accepted.len()) }</h2>
                        if accepted.is_empty() {
                            <p class="hint">{ "Chưa có ai nhận lời mời." }</p>
                        } else {
                            <ul class="rows staff-rows">{ for accepted.iter().map(|i| accepted_row(i)) }</ul>
                        }
                    </section>
                    <section class="card" aria-labelledby="accounts-title">
                        <h2 class="section-title" id="accounts-title">{ format!("Tài khoản ({})", page.accounts.len()) }</h2>
                        if page.accounts.is_empty() {
                            <p class="hint">{ "Đơn vị này chưa có tài khoản nào." }</p>
                        } else {
                            <ul class="rows staff-rows">
                                { for page.accounts.iter().map(|a| html! {
                                    <AccountRow key={a.account.id.clone()} staff={a.clone()} token={Rc::clone(&token)}
                                        me={a.account.id == account.id} on_changed={reload.clone()} />
                                }) }
                            </ul>
                        }
                    </section>
                </div>
            </div>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct CommuneSearchProps {
    pub children: Rc<Vec<Child>>,
    /// Opens the commune's register import rather than its staff page.
    #[prop_or_default]
    pub import: bool,
}

/// A province administrator finds a commune by name and opens its staff page (or its
/// register import).
#[function_component(CommuneSearch)]
pub(super) fn commune_search(props: &CommuneSearchProps) -> Html {
    let query = use_state(String::new);
    let found = staff::search(&props.children, &query);
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let (label, to): (&str, fn(String) -> OfficeRoute) = if props.import {
        ("Nhập sổ của một xã, phường", |id| OfficeRoute::Import(Some(id)))
    } else {
        ("Cán bộ của một xã, phường", |id| OfficeRoute::Staff(Some(id)))
    };
    html! {
        <section class="card commune-search">
            <label class="field" for="commune-search">{ label }</label>
            <input id="commune-search" class="text" type="search" placeholder="Gõ tên xã, ví dụ: Cửu An"
                autocomplete="off" value={(*query).clone()} {oninput} />
            if !query.trim().is_empty() && found.is_empty() {
                <p class="hint">{ "Không tìm thấy xã, phường nào có tên này trong tỉnh." }</p>
            }
            <ul class="commune-results">
                { for found.iter().map(|c| html! {
                    <li><a href={to(c.id.clone()).href()}>{ &c.full_name }</a></li>
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct InviteCardProps {
    page: Rc<StaffPage>,
    token: Rc<String>,
    on_link: Callback<ShownLink>,
    on_changed: Callback<()>,
}

/// The invitation form: role, unit (the hamlet, for a collaborator), name and validity.
#[function_component(InviteCard)]
fn invite_card(props: &InviteCardProps) -> Html {
    let invitable = Rc::new(props.page.invitable.clone());
    let form = {
        let invitable = Rc::clone(&invitable);
        use_state(move || InviteForm::new(&invitable))
    };
    let busy = use_state(|| false);
    let notice = use_state(|| None::<Notice>);
    let roles = staff::role_choices(&invitable);
    let units = form.role.map(|role| staff::unit_choices(&invitable, role)).unwrap_or_default();

    let on_role = {
        let (form, invitable) = (form.clone(), Rc::clone(&invitable));
        Callback::from(move |e: Event| {
            if let Some(role) = Role::from_key(&e.target_unchecked_into::<HtmlSelectElement>().value()) {
                form.set((*form).clone().with_role(&invitable, role));
            }
        })
    };
    let on_unit = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            let unit = e.target_unchecked_into::<HtmlSelectElement>().value();
            form.set(InviteForm { unit: Some(unit), ..(*form).clone() });
        })
    };
    let on_name = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            let display_name = e.target_unchecked_into::<HtmlInputElement>().value();
            form.set(InviteForm { display_name, ..(*form).clone() });
        })
    };
    let on_hours = {
        let form = form.clone();
        Callback::from(move |e: Event| {
            if let Ok(hours) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                form.set(InviteForm { valid_hours: hours, ..(*form).clone() });
            }
        })
    };
    let onsubmit = {
        let (form, busy, notice, invitable) = (form.clone(), busy.clone(), notice.clone(), Rc::clone(&invitable));
        let (token, on_link, on_changed) = (Rc::clone(&props.token), props.on_link.clone(), props.on_changed.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let request = match form.request(&invitable) {
                Ok(request) => request,
                Err(message) => return notice.set(Some(Notice::Failed(message))),
            };
            let unit_name =
                invitable.iter().find(|c| c.unit == request.unit).map(|c| c.unit_name.clone()).unwrap_or_default();
            busy.set(true);
            notice.set(None);
            let (form, busy, notice, token) = (form.clone(), busy.clone(), notice.clone(), Rc::clone(&token));
            let (on_link, on_changed) = (on_link.clone(), on_changed.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer: Result<Invitation, ApiError> =
                    api::call("POST", "/invitations", Some(&token), Body::json(&request)).await;
                busy.set(false);
                match answer {
                    Ok(invitation) => {
                        notice.set(Some(Notice::Done(format!(
                            "Đã tạo lời mời cho {}. Liên kết ở dưới.",
                            request.display_name
                        ))));
                        on_link.emit(ShownLink::new(invitation, request.display_name.clone(), unit_name, false));
                        form.set(InviteForm { display_name: String::new(), ..(*form).clone() });
                        on_changed.emit(());
                    }
                    Err(error) => notice.set(Some(Notice::Failed(error_text(&error)))),
                }
            });
        })
    };
    let unit_label = if form.role == Some(Role::Collaborator) { "Thôn" } else { "Đơn vị" };
    html! {
        <form class="card invite-form" novalidate=true {onsubmit}>
            <h2 class="section-title">{ "Mời cán bộ" }</h2>
            <label class="field" for="invite-role">{ "Vai trò" }</label>
            <select id="invite-role" class="select" onchange={on_role}>
                { for roles.iter().map(|role| html! {
                    <option value={role.key()} selected={form.role == Some(*role)}>{ role.title() }</option>
                }) }
            </select>
            <label class="field" for="invite-unit">{ unit_label }</label>
            if units.len() > 1 {
                <select id="invite-unit" class="select" onchange={on_unit}>
                    { for units.iter().map(|choice| html! {
                        <option value={choice.unit.clone()} selected={form.unit.as_ref() == Some(&choice.unit)}>{ &choice.unit_name }</option>
                    }) }
                </select>
            } else {
                <p id="invite-unit" class="fixed-value">{ units.first().map(|c| c.unit_name.clone()).unwrap_or_default() }</p>
            }
            <label class="field" for="invite-name">{ "Họ tên người được mời" }</label>
            <input id="invite-name" class="text" autocomplete="off" maxlength="100" required=true
                value={form.display_name.clone()} oninput={on_name} />
            <label class="field" for="invite-hours">{ "Liên kết dùng được trong" }</label>
            <select id="invite-hours" class="select" onchange={on_hours}>
                { for VALIDITY_CHOICES.iter().map(|(hours, words)| html! {
                    <option value={hours.to_string()} selected={form.valid_hours == *hours}>{ *words }</option>
                }) }
            </select>
            <button type="submit" class="primary" disabled={*busy}>{ if *busy { "Đang tạo…" } else { "Tạo lời mời" } }</button>
            { notice_html(&notice) }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct LinkCardProps {
    shown: Rc<ShownLink>,
}

/// The link just made: to copy, share or scan, shown only now (the server keeps only
/// its hash).
#[function_component(LinkCard)]
fn link_card(props: &LinkCardProps) -> Html {
    let shown = &props.shown;
    let notice = use_state(|| None::<Notice>);
    let busy = use_state(|| false);
    let qr = use_memo(shown.link.clone(), |link| qr::qr_path(link));
    let until = datetime_vi(shown.expires_at_ms as f64);
    let sentence = format!(
        "Gửi liên kết này hoặc cho người được mời quét mã QR bằng điện thoại. Liên kết dùng được một lần, đến {until}."
    );
    let on_copy = {
        let (notice, link) = (notice.clone(), shown.link.clone());
        Callback::from(move |_: MouseEvent| {
            let (notice, link) = (notice.clone(), link.clone());
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(Some(match browser::copy(&link, "invite-link").await {
                    Copied::Yes => Notice::Done("Đã sao chép liên kết.".to_string()),
                    Copied::Selected => Notice::Done(
                        "Trình duyệt không cho sao chép tự động: liên kết đã được chọn, hãy bấm giữ (hoặc Ctrl+C) để sao chép."
                            .to_string(),
                    ),
                }));
            });
        })
    };
    let on_share = {
        let (notice, busy, shown) = (notice.clone(), busy.clone(), Rc::clone(shown));
        Callback::from(move |_: MouseEvent| {
            let (notice, busy, shown) = (notice.clone(), busy.clone(), Rc::clone(&shown));
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let text = format!(
                    "Mời {} làm {} của {} trên hoctap. Mở liên kết để tạo tài khoản:",
                    shown.display_name,
                    shown.role.title().to_lowercase(),
                    shown.unit_name
                );
                let result = browser::share("Lời mời tham gia hoctap", &text, &shown.link).await;
                busy.set(false);
                notice.set(match result {
                    Ok(true) => Some(Notice::Done("Đã chia sẻ liên kết.".to_string())),
                    Ok(false) => None,
                    Err(message) => Some(Notice::Failed(message)),
                });
            });
        })
    };
    html! {
        <section class="card invite-link" aria-labelledby="invite-link-title">
            <h2 class="section-title" id="invite-link-title">
                { format!("{} {}", if shown.resent { "Liên kết mới cho" } else { "Liên kết mời" }, shown.display_name) }
            </h2>
            <p class="hint">{ format!("{} · {}", shown.role.title(), shown.unit_name) }</p>
            <label class="field" for="invite-link">{ "Liên kết" }</label>
            <textarea id="invite-link" class="text link-field" readonly=true rows="3" value={shown.link.clone()}
                onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlTextAreaElement>().select())} />
            if let Some(qr) = &*qr {
                <svg class="qr" viewBox={format!("0 0 {0} {0}", qr.size)} role="img"
                    aria-label={format!("Mã QR của liên kết mời {}", shown.display_name)} shape-rendering="crispEdges">
                    <rect width="100%" height="100%" fill="#fff" />
                    <path d={qr.path.clone()} fill="#000" />
                </svg>
            }
            <p>{ sentence }</p>
            <div class="actions">
                <button type="button" class="primary" onclick={on_copy}>{ "Sao chép liên kết" }</button>
                if browser::can_share() {
                    <button type="button" class="secondary" onclick={on_share} disabled={*busy}>{ "Chia sẻ" }</button>
                }
            </div>
            <p class="hint">{ "Liên kết chỉ hiện lần này. Nếu làm mất, bấm “Gửi lại” ở lời mời để tạo liên kết mới." }</p>
            { notice_html(&notice) }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct InvitationRowProps {
    invitation: StaffInvitation,
    token: Rc<String>,
    on_link: Callback<ShownLink>,
    on_changed: Callback<()>,
}

/// A pending or expired invitation, with "Gửi lại" and "Thu hồi" (asked twice).
#[function_component(InvitationRow)]
fn invitation_row(props: &InvitationRowProps) -> Html {
    let invitation = &props.invitation;
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let notice = use_state(|| None::<Notice>);
    let act = |revoke: bool| {
        let (busy, confirming, notice, invitation) =
            (busy.clone(), confirming.clone(), notice.clone(), invitation.clone());
        let (token, on_link, on_changed) = (Rc::clone(&props.token), props.on_link.clone(), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let (busy, confirming, notice, invitation) =
                (busy.clone(), confirming.clone(), notice.clone(), invitation.clone());
            let (token, on_link, on_changed) = (Rc::clone(&token), on_link.clone(), on_changed.clone());
            busy.set(true);
            confirming.set(false);
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let id = segment(&invitation.id);
                let result = if revoke {
                    api::call_empty("POST", &format!("/invitations/{id}/revoke"), Some(&token), Body::None)
                        .await
                        .map(|_| format!("Đã thu hồi lời mời của {}.", invitation.display_name))
                } else {
                    api::call::<Invitation>("POST", &format!("/invitations/{id}/resend"), Some(&token), Body::None)
                        .await
                        .map(|sent| {
                            on_link.emit(ShownLink::new(
                                sent,
                                invitation.display_name.clone(),
                                invitation.unit_name.clone(),
                                true,
                            ));
                            format!(
                                "Đã tạo liên kết mới cho {}; liên kết cũ không dùng được nữa.",
                                invitation.display_name
                            )
                        })
                };
                busy.set(false);
                match result {
                    Ok(done) => {
                        notice.set(Some(Notice::Done(done)));
                        on_changed.emit(());
                    }
                    Err(error) => notice.set(Some(Notice::Failed(error_text(&error)))),
                }
            });
        })
    };
    let expired = invitation.state == InvitationState::Expired;
    let when = if expired {
        format!("Hết hạn {}", datetime_vi(invitation.expires_at_ms as f64))
    } else {
        format!("Dùng được đến {}", datetime_vi(invitation.expires_at_ms as f64))
    };
    let by = invitation.created_by.as_ref().map(|name| format!(" · Người mời: {name}")).unwrap_or_default();
    html! {
        <li class="staff-row" data-state={if expired { "expired" } else { "pending" }}>
            <div class="staff-who">
                <span class="row-name">{ &invitation.display_name }</span>
                <span class={classes!("state", expired.then_some("refused"))}>{ staff::state_title(invitation.state) }</span>
            </div>
            <p class="row-meta">{ format!("{} · {}", invitation.role.title(), invitation.unit_name) }</p>
            <p class="row-meta">{ format!("{when}{by}") }</p>
            if invitation.manageable {
                if *confirming {
                    <div class="confirm" role="group" aria-label="Xác nhận thu hồi">
                        <p>{ format!("Thu hồi lời mời của {}? Liên kết sẽ không dùng được nữa.", invitation.display_name) }</p>
                        <button type="button" class="danger" onclick={act(true)}>{ "Thu hồi lời mời" }</button>
                        <button type="button" class="secondary" onclick={let c = confirming.clone(); Callback::from(move |_| c.set(false))}>{ "Không" }</button>
                    </div>
                } else {
                    <div class="actions">
                        <button type="button" class="secondary" onclick={act(false)} disabled={*busy}>
                            { if *busy { "Đang gửi…" } else { "Gửi lại" } }
                        </button>
                        <button type="button" class="danger" disabled={*busy}
                            onclick={let c = confirming.clone(); Callback::from(move |_| c.set(true))}>{ "Thu hồi" }</button>
                    </div>
                }
            }
            { notice_html(&notice) }
        </li>
    }
}

/// An accepted invitation: who, as what, and the username chosen.
fn accepted_row(invitation: &StaffInvitation) -> Html {
    let username = invitation.accepted_username.as_ref().map(|u| format!(" · Tên đăng nhập: {u}")).unwrap_or_default();
    html! {
        <li class="staff-row" key={invitation.id.clone()}>
            <div class="staff-who">
                <span class="row-name">{ &invitation.display_name }</span>
                <span class="state confirmed">{ staff::state_title(invitation.state) }</span>
            </div>
            <p class="row-meta">{ format!("{} · {}{username}", invitation.role.title(), invitation.unit_name) }</p>
            <p class="row-meta">{ format!("Mời ngày {}", date_vi(invitation.created_at_ms as f64)) }</p>
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct AccountRowProps {
    staff: StaffAccount,
    token: Rc<String>,
    /// The signed-in account itself.
    me: bool,
    on_changed: Callback<()>,
}

/// An account: its state and last use, "Khóa tài khoản" or "Mở khóa" (asked twice),
/// and its devices.
#[function_component(AccountRow)]
fn account_row(props: &AccountRowProps) -> Html {
    let staff = &props.staff;
    let account: &Account = &staff.account;
    let busy = use_state(|| false);
    let confirming = use_state(|| false);
    let notice = use_state(|| None::<Notice>);
    let devices_open = use_state(|| false);

    let toggle = {
        let (busy, confirming, notice, account) = (busy.clone(), confirming.clone(), notice.clone(), account.clone());
        let (token, on_changed) = (Rc::clone(&props.token), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let (busy, notice, account) = (busy.clone(), notice.clone(), account.clone());
            let (token, on_changed) = (Rc::clone(&token), on_changed.clone());
            busy.set(true);
            confirming.set(false);
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let id = segment(&account.id);
                let result = if account.disabled {
                    api::call::<Account>("POST", &format!("/accounts/{id}/restore"), Some(&token), Body::None)
                        .await
                        .map(|_| format!("Đã mở khóa tài khoản {}.", account.display_name))
                } else {
                    api::call::<RevokedSessions>("POST", &format!("/accounts/{id}/revoke"), Some(&token), Body::None)
                        .await
                        .map(|r| {
                            format!(
                                "Đã khóa tài khoản {}; {} phiên đăng nhập đã kết thúc.",
                                account.display_name, r.revoked
                            )
                        })
                };
                busy.set(false);
                match result {
                    Ok(done) => {
                        notice.set(Some(Notice::Done(done)));
                        on_changed.emit(());
                    }
                    Err(error) => notice.set(Some(Notice::Failed(error_text(&error)))),
                }
            });
        })
    };
    let state = if account.disabled { "Đã khóa" } else { "Đang hoạt động" };
    let seen = match staff.last_seen_ms {
        Some(ms) => format!("Dùng lần cuối {}", datetime_vi(ms as f64)),
        None => "Chưa dùng lần nào".to_string(),
    };
    let devices = match staff.live_sessions {
        0 => "Không thiết bị nào đang đăng nhập".to_string(),
        n => format!("{n} thiết bị đang đăng nhập"),
    };
    html! {
        <li class="staff-row" data-account={account.username.clone()} data-disabled={account.disabled.to_string()}>
            <div class="staff-who">
                <span class="row-name">{ format!("{} ({})", account.display_name, account.username) }
                    if props.me { <span class="hint">{ " · bạn" }</span> }
                </span>
                <span class={classes!("state", if account.disabled { "refused" } else { "confirmed" })}>{ state }</span>
            </div>
            <p class="row-meta">{ format!("{} · {}", account.role.title(), staff.unit_name) }</p>
            <p class="row-meta">{ format!("{seen} · {devices}") }</p>
            if *confirming {
                <div class="confirm" role="group" aria-label="Xác nhận khóa tài khoản">
                    <p>{ format!("Khóa tài khoản {}? Người này bị đăng xuất khỏi mọi thiết bị và không đăng nhập được cho đến khi được mở khóa.", account.display_name) }</p>
                    <button type="button" class="danger" onclick={toggle.clone()}>{ "Khóa" }</button>
                    <button type="button" class="secondary" onclick={let c = confirming.clone(); Callback::from(move |_| c.set(false))}>{ "Không" }</button>
                </div>
            } else {
                <div class="actions">
                    if staff.manageable && account.disabled {
                        <button type="button" class="secondary" onclick={toggle} disabled={*busy}>
                            { if *busy { "Đang mở khóa…" } else { "Mở khóa" } }
                        </button>
                    }
                    if staff.manageable && !account.disabled {
                        <button type="button" class="danger" disabled={*busy}
                            onclick={let c = confirming.clone(); Callback::from(move |_| c.set(true))}>
                            { if *busy { "Đang khóa…" } else { "Khóa tài khoản" } }
                        </button>
                    }
                    if staff.manageable || props.me {
                        <button type="button" class="link" aria-expanded={devices_open.to_string()}
                            onclick={let d = devices_open.clone(); Callback::from(move |_| d.set(!*d))}>
                            { if *devices_open { "Ẩn thiết bị" } else { "Thiết bị" } }
                        </button>
                    }
                </div>
            }
            { notice_html(&notice) }
            if *devices_open {
                <Devices account={account.id.clone()} token={Rc::clone(&props.token)} on_changed={props.on_changed.clone()}
                    seen={(staff.live_sessions, account.disabled)} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
pub(super) struct DevicesProps {
    pub account: String,
    pub token: Rc<String>,
    pub on_changed: Callback<()>,
    /// What the staff page last said of the account (live sessions, disabled): when it
    /// changes (the account was disabled, a device signed in), the list is read again.
    pub seen: (usize, bool),
}

/// An account's live sessions, each with "Đăng xuất thiết bị này".
#[function_component(Devices)]
pub(super) fn devices(props: &DevicesProps) -> Html {
    let sessions = use_state(|| Load::<Vec<SessionView>>::Loading);
    let version = use_state(|| 0_u32);
    let busy = use_state(|| None::<String>);
    let notice = use_state(|| None::<Notice>);
    {
        let (sessions, token, account) = (sessions.clone(), Rc::clone(&props.token), props.account.clone());
        use_effect_with((props.account.clone(), props.seen, *version), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/accounts/{}/sessions", segment(&account));
                let answer: Result<Vec<SessionView>, ApiError> =
                    api::call("GET", &path, Some(&token), Body::None).await;
                sessions.set(match answer {
                    Ok(list) => Load::Ready(Rc::new(list)),
                    Err(error) => Load::Failed(error_text(&error)),
                });
            });
        });
    }
    let sign_out = |session: &SessionView| {
        let (busy, notice, version, id) = (busy.clone(), notice.clone(), version.clone(), session.id.clone());
        let (token, on_changed) = (Rc::clone(&props.token), props.on_changed.clone());
        Callback::from(move |_: MouseEvent| {
            let (busy, notice, version, id) = (busy.clone(), notice.clone(), version.clone(), id.clone());
            let (token, on_changed) = (Rc::clone(&token), on_changed.clone());
            busy.set(Some(id.clone()));
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/sessions/{}/revoke", segment(&id));
                let result = api::call_empty("POST", &path, Some(&token), Body::None).await;
                busy.set(None);
                match result {
                    Ok(_) => {
                        notice.set(Some(Notice::Done("Đã đăng xuất thiết bị.".to_string())));
                        version.set(*version + 1);
                        on_changed.emit(());
                    }
                    Err(error) => notice.set(Some(Notice::Failed(error_text(&error)))),
                }
            });
        })
    };
    let list = match &*sessions {
        Load::Loading => html! { <p class="hint" role="status">{ "Đang tải thiết bị…" }</p> },
        Load::Failed(message) => html! { <p class="form-error" role="alert">{ message }</p> },
        Load::Ready(list) if list.is_empty() => {
            html! { <p class="hint">{ "Không có thiết bị nào đang đăng nhập." }</p> }
        }
        Load::Ready(list) => html! {
            <ul class="devices">
                { for list.iter().map(|s| {
                    let label = s.device_label.clone().unwrap_or_else(|| "Trình duyệt (phiên ngắn)".to_string());
                    let mine = busy.as_deref() == Some(s.id.as_str());
                    html! {
                        <li key={s.id.clone()}>
                            <p class="row-name">{ label } if s.current { <span class="hint">{ " · máy đang dùng" }</span> }</p>
                            <p class="row-meta">{ format!("Đăng nhập {} · dùng lần cuối {} · hết hạn {}",
                                date_vi(s.created_at_ms as f64), datetime_vi(s.last_seen_ms as f64), date_vi(s.expires_at_ms as f64)) }</p>
                            <button type="button" class="secondary" onclick={sign_out(s)} disabled={busy.is_some()}>
                                { if mine { "Đang đăng xuất…" } else { "Đăng xuất thiết bị này" } }
                            </button>
                        </li>
                    }
                }) }
            </ul>
        },
    };
    html! {
        <div class="devices-panel">
            { list }
            { notice_html(&notice) }
        </div>
    }
}
