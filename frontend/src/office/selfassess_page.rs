//! "Tự đánh giá của người dân" (`#tu-danh-gia`, issue 18): a hamlet (or a commune, for
//! one of its hamlets or the whole commune) opens a self-assessment campaign, shows its
//! link and QR code (on screen or on a printed A4 sheet), closes it, and works through
//! what citizens sent: each answer with the people it may be, accepted as one of them
//! or as a new person (the server then opens the evaluation the officer scores in the
//! phone app), or discarded with a reason. The campaign's id is its link's secret, so it
//! appears only in the link, never in this page's address.

use std::collections::BTreeSet;
use std::rc::Rc;

use hoctap_shared::accounts::{Action, LoginResponse};
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::date::Date;
use hoctap_shared::selfassess::{
    show_receipt, AcceptAnswer, Accepted, AnswerState, Campaign, CampaignSummary, DiscardAnswer, OpenCampaign,
    QueueAnswer,
};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::browser::{self, Copied};
use super::selfassess::{
    campaign_link, campaign_sets, default_valid_until, discard_reason, evaluation_href, state_words, strength_words,
    who_words, Filter, DEFAULT_MAX_ANSWERS, DISCARD_REASONS,
};
use super::staff_page::segment;
use super::{error_text, qr};
use crate::api::{self, Body};
use crate::app::datetime_vi;

/// Today in Vietnam, from the browser's clock.
fn today() -> Date {
    Date::in_vietnam(js_sys::Date::now() as i64)
}

#[derive(Properties, PartialEq)]
pub struct SelfAssessProps {
    pub session: Rc<LoginResponse>,
}

#[derive(Debug, Clone, PartialEq)]
enum Load<T> {
    Loading,
    Failed(String),
    Ready(T),
}

/// A unit a campaign may be opened for: its id and name.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct Place {
    unit: String,
    name: String,
}

#[function_component(SelfAssessScreen)]
pub fn self_assess_screen(props: &SelfAssessProps) -> Html {
    let token = Rc::new(props.session.token.clone());
    let unit = props.session.account.unit.clone();
    let campaigns = use_state(|| Load::<Rc<Vec<CampaignSummary>>>::Loading);
    let version = use_state(|| 0u32);
    // The shipped sets, then the province's own beside them.
    let sets = use_state(|| Rc::new(crate::catalog::sets()));
    // A commune's hamlets, for the campaign's place.
    let hamlets = use_state(Vec::<Place>::new);
    let queue = use_state(|| None::<String>);
    let printing = use_state(|| None::<CampaignSummary>);
    {
        let (campaigns, token, unit) = (campaigns.clone(), Rc::clone(&token), unit.clone());
        use_effect_with(*version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/units/{}/campaigns", segment(&unit));
                campaigns.set(match api::call::<Vec<CampaignSummary>>("GET", &path, Some(&token), Body::None).await {
                    Ok(list) => Load::Ready(Rc::new(list)),
                    Err(error) => Load::Failed(error_text(&error)),
                });
            });
        });
    }
    {
        let (sets, hamlets, token, unit) = (sets.clone(), hamlets.clone(), Rc::clone(&token), unit.clone());
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/units/{}/criteria", segment(&unit));
                if let Ok(published) =
                    api::call::<crate::province_sets::Published>("GET", &path, Some(&token), Body::None).await
                {
                    sets.set(Rc::new(crate::province_sets::with_shipped(published.sets())));
                }
                if unit.starts_with("commune:") {
                    let path = format!("/reports/{}/{}/children", segment(&unit), today().year());
                    if let Ok(mut found) = api::call::<Vec<Place>>("GET", &path, Some(&token), Body::None).await {
                        found.retain(|p| p.unit.starts_with("hamlet:"));
                        hamlets.set(found);
                    }
                }
            });
        });
    }
    let reload = {
        let version = version.clone();
        Callback::from(move |()| version.set(*version + 1))
    };
    if let Some(summary) = &*printing {
        let back = {
            let printing = printing.clone();
            Callback::from(move |_: MouseEvent| printing.set(None))
        };
        return html! { <PrintSheet summary={summary.clone()} {back} /> };
    }
    let title = html! { <h1 class="form-title">{ "Tự đánh giá của người dân" }</h1> };
    let list = match &*campaigns {
        Load::Loading => html! { <p class="app-notice" role="status">{ "Đang tải…" }</p> },
        Load::Failed(message) => html! { <p class="app-warning" role="alert">{ message }</p> },
        Load::Ready(list) => {
            if let Some(summary) = (*queue).as_ref().and_then(|id| list.iter().find(|s| &s.campaign.id == id)) {
                let back = {
                    let (queue, reload) = (queue.clone(), reload.clone());
                    Callback::from(move |_: MouseEvent| {
                        queue.set(None);
                        reload.emit(());
                    })
                };
                return html! {
                    <section class="self-assess">
                        { title }
                        <button type="button" class="link back" onclick={back}>{ "← Các đợt tự đánh giá" }</button>
                        <Queue summary={summary.clone()} token={Rc::clone(&token)} sets={Rc::clone(&*sets)} />
                    </section>
                };
            }
            if list.is_empty() {
                html! { <p class="hint empty">{ "Chưa có đợt tự đánh giá nào." }</p> }
            } else {
                html! {
                    <ul class="campaigns">
                        { for list.iter().enumerate().map(|(i, summary)| {
                            let on_queue = {
                                let (queue, id) = (queue.clone(), summary.campaign.id.clone());
                                Callback::from(move |()| queue.set(Some(id.clone())))
                            };
                            let on_print = {
                                let (printing, summary) = (printing.clone(), summary.clone());
                                Callback::from(move |()| printing.set(Some(summary.clone())))
                            };
                            html! {
                                <CampaignCard key={summary.campaign.id.clone()} index={i} summary={summary.clone()}
                                    token={Rc::clone(&token)} on_changed={reload.clone()} {on_queue} {on_print} />
                            }
                        }) }
                    </ul>
                }
            }
        }
    };
    // The form stays folded while a campaign takes answers: its link and QR code come first.
    let any_open = matches!(&*campaigns, Load::Ready(list) if list.iter().any(|s| open_words(&s.campaign).0));
    let account = &props.session.account;
    let may_open = account.role.allows(Action::Write) && (unit.starts_with("hamlet:") || unit.starts_with("commune:"));
    html! {
        <section class="self-assess">
            { title }
            <p class="hint">{ "Người dân mở liên kết (hoặc quét mã QR) trên điện thoại của mình, tự chấm theo bộ tiêu chí \
                “Công dân học tập” và gửi. Phiếu gửi về đây để thôn xem, ghép với người trong sổ rồi chấm; \
                không có gì được ghi vào sổ khi chưa có cán bộ xác nhận." }</p>
            if may_open {
                <OpenForm token={Rc::clone(&token)} unit={unit.clone()} sets={Rc::clone(&*sets)}
                    hamlets={(*hamlets).clone()} on_opened={reload.clone()} expanded={!any_open} />
            }
            <h2 class="section-title">{ "Các đợt tự đánh giá" }</h2>
            { list }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct OpenFormProps {
    token: Rc<String>,
    /// The account's unit: a hamlet, or a commune that chooses among `hamlets`.
    unit: String,
    sets: Rc<Vec<CriteriaSet>>,
    hamlets: Vec<Place>,
    on_opened: Callback<()>,
    /// Unfolded (no campaign takes answers now).
    expanded: bool,
}

#[function_component(OpenForm)]
fn open_form(props: &OpenFormProps) -> Html {
    let year = use_state(|| today().year());
    let set = use_state(String::new);
    let place = use_state(|| props.unit.clone());
    let until = use_state(|| default_valid_until(today()).iso());
    let max = use_state(|| DEFAULT_MAX_ANSWERS.to_string());
    let status = use_state(|| None::<Result<String, String>>);
    let busy = use_state(|| false);
    let offered = campaign_sets(&props.sets, *year);
    // The first set offered unless the officer chose another still offered.
    let chosen =
        offered.iter().find(|s| s.id == *set).or_else(|| offered.first()).map(|s| s.id.clone()).unwrap_or_default();
    let on_submit = {
        let (year, place, until, max, status, busy, token, on_opened, chosen) = (
            year.clone(),
            place.clone(),
            until.clone(),
            max.clone(),
            status.clone(),
            busy.clone(),
            Rc::clone(&props.token),
            props.on_opened.clone(),
            chosen.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(valid_until) = Date::parse_iso(&until) else {
                status.set(Some(Err("Hãy chọn ngày cuối nhận phiếu.".to_string())));
                return;
            };
            let Ok(max_answers) = max.trim().parse::<u32>() else {
                status.set(Some(Err("Số phiếu tối đa cần là một số.".to_string())));
                return;
            };
            if chosen.is_empty() {
                status.set(Some(Err("Không có bộ tiêu chí “Công dân học tập” áp dụng năm này.".to_string())));
                return;
            }
            let request = OpenCampaign { year: *year, set: chosen.clone(), valid_until, max_answers };
            let path = format!("/units/{}/campaigns", segment(&place));
            let (status, busy, token, on_opened) = (status.clone(), busy.clone(), Rc::clone(&token), on_opened.clone());
            busy.set(true);
            status.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::call::<Campaign>("POST", &path, Some(&token), Body::json(&request)).await {
                    Ok(_) => {
                        status.set(Some(Ok(
                            "Đã mở đợt tự đánh giá. Liên kết và mã QR ở danh sách dưới đây.".to_string()
                        )));
                        on_opened.emit(());
                    }
                    Err(error) => status.set(Some(Err(error_text(&error)))),
                }
                busy.set(false);
            });
        })
    };
    let on_year = {
        let year = year.clone();
        Callback::from(move |e: Event| {
            if let Ok(y) = e.target_unchecked_into::<HtmlInputElement>().value().trim().parse::<i32>() {
                year.set(y);
            }
        })
    };
    let select = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: Event| state.set(e.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |e: InputEvent| state.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let commune = props.unit.starts_with("commune:");
    html! {
        <>
        <details class="card open-campaign" open={props.expanded}>
            <summary class="section-title">{ "Mở đợt tự đánh giá mới" }</summary>
            <form onsubmit={on_submit}>
                if commune {
                    <label class="field" for="campaign-place">{ "Thôn" }</label>
                    <select id="campaign-place" class="select" onchange={select(&place)}>
                        <option value={props.unit.clone()} selected={*place == props.unit}>{ "Cả xã (người dân chọn thôn của mình)" }</option>
                        { for props.hamlets.iter().map(|h| html! {
                            <option value={h.unit.clone()} selected={*place == h.unit}>{ &h.name }</option>
                        }) }
                    </select>
                }
                <div class="campaign-fields">
                    <div>
                        <label class="field" for="campaign-year">{ "Năm đánh giá" }</label>
                        <input id="campaign-year" class="text" type="number" inputmode="numeric" min="2000" max="2100"
                            value={year.to_string()} onchange={on_year} />
                    </div>
                    <div>
                        <label class="field" for="campaign-until">{ "Nhận phiếu đến hết ngày" }</label>
                        <input id="campaign-until" class="text" type="date" value={(*until).clone()} oninput={input(&until)} />
                    </div>
                    <div>
                        <label class="field" for="campaign-max">{ "Số phiếu tối đa" }</label>
                        <input id="campaign-max" class="text" type="number" inputmode="numeric" min="1"
                            value={(*max).clone()} oninput={input(&max)} />
                    </div>
                </div>
                <label class="field" for="campaign-set">{ "Bộ tiêu chí" }</label>
                if offered.is_empty() {
                    <p class="app-warning">{ format!("Không có bộ tiêu chí “Công dân học tập” áp dụng năm {}.", *year) }</p>
                } else {
                    <select id="campaign-set" class="select" onchange={select(&set)}>
                        { for offered.iter().map(|s| html! {
                            <option value={s.id.clone()} selected={s.id == chosen}>{ &s.name }</option>
                        }) }
                    </select>
                }
                <div class="actions">
                    <button type="submit" class="primary" disabled={*busy || offered.is_empty()}>
                        { if *busy { "Đang mở…" } else { "Mở đợt" } }</button>
                </div>
            </form>
        </details>
        { status_html(&status) }
        </>
    }
}

fn status_html(status: &Option<Result<String, String>>) -> Html {
    match status {
        Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
        Some(Err(message)) => html! { <p class="app-warning" role="alert">{ message }</p> },
        None => Html::default(),
    }
}

/// Whether the campaign takes answers, in words, and whether it is open.
fn open_words(campaign: &Campaign) -> (bool, String) {
    if campaign.closed_at_ms.is_some() {
        (false, "Đã đóng".to_string())
    } else if campaign.open(today()) {
        (true, format!("Đang nhận phiếu đến hết ngày {}", campaign.valid_until))
    } else {
        (false, format!("Đã hết hạn ngày {}", campaign.valid_until))
    }
}

#[derive(Properties, PartialEq)]
struct CampaignCardProps {
    index: usize,
    summary: CampaignSummary,
    token: Rc<String>,
    on_changed: Callback<()>,
    on_queue: Callback<()>,
    on_print: Callback<()>,
}

#[function_component(CampaignCard)]
fn campaign_card(props: &CampaignCardProps) -> Html {
    let s = &props.summary;
    let notice = use_state(|| None::<Result<String, String>>);
    let link = campaign_link(&browser::origin(), &s.campaign.id);
    let qr = use_memo(link.clone(), |link| qr::qr_path(link));
    let (open, state) = open_words(&s.campaign);
    let field_id = format!("campaign-link-{}", props.index);
    let on_copy = {
        let (notice, link, field_id) = (notice.clone(), link.clone(), field_id.clone());
        Callback::from(move |_: MouseEvent| {
            let (notice, link, field_id) = (notice.clone(), link.clone(), field_id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                notice.set(Some(Ok(match browser::copy(&link, &field_id).await {
                    Copied::Yes => "Đã sao chép liên kết.".to_string(),
                    Copied::Selected => "Trình duyệt không cho sao chép tự động: liên kết đã được chọn, hãy bấm giữ \
                        (hoặc Ctrl+C) để sao chép."
                        .to_string(),
                })));
            });
        })
    };
    let on_close = {
        let (notice, token, id, on_changed, place) =
            (notice.clone(), Rc::clone(&props.token), s.campaign.id.clone(), props.on_changed.clone(), s.place.clone());
        Callback::from(move |_: MouseEvent| {
            if !crate::page::confirm(&format!(
                "Đóng đợt tự đánh giá của {place}? Liên kết sẽ không nhận thêm phiếu; các phiếu đã nhận vẫn ở đây."
            )) {
                return;
            }
            let (notice, token, on_changed) = (notice.clone(), Rc::clone(&token), on_changed.clone());
            let path = format!("/campaigns/{}/close", segment(&id));
            wasm_bindgen_futures::spawn_local(async move {
                match api::call::<Campaign>("POST", &path, Some(&token), Body::None).await {
                    Ok(_) => on_changed.emit(()),
                    Err(error) => notice.set(Some(Err(error_text(&error)))),
                }
            });
        })
    };
    let on_queue = props.on_queue.reform(|_: MouseEvent| ());
    let on_print = props.on_print.reform(|_: MouseEvent| ());
    html! {
        <li class={classes!("card", "campaign", (!open).then_some("closed"))} data-open={open.to_string()}>
            <h3 class="campaign-title">{ format!("{} · năm {}", s.place, s.campaign.year) }</h3>
            <p class="hint">{ &s.set_name }</p>
            <p class={classes!("campaign-state", open.then_some("open"))}>{ state }</p>
            <dl class="campaign-counts">
                <div><dt>{ "Đã nhận" }</dt><dd>{ format!("{}/{}", s.answers, s.campaign.max_answers) }</dd></div>
                <div><dt>{ "Chờ xem" }</dt><dd>{ s.waiting }</dd></div>
                <div><dt>{ "Đã ghép" }</dt><dd>{ s.linked }</dd></div>
                <div><dt>{ "Đã loại" }</dt><dd>{ s.discarded }</dd></div>
            </dl>
            if open {
                <div class="campaign-link">
                    if let Some(qr) = &*qr {
                        <svg class="qr" viewBox={format!("0 0 {0} {0}", qr.size)} role="img"
                            aria-label={format!("Mã QR của đợt tự đánh giá {}", s.place)} shape-rendering="crispEdges">
                            <rect width="100%" height="100%" fill="#fff" />
                            <path d={qr.path.clone()} fill="#000" />
                        </svg>
                    }
                    <div>
                        <label class="field" for={field_id.clone()}>{ "Liên kết cho người dân" }</label>
                        <textarea id={field_id} class="text link-field" readonly=true rows="2" value={link}
                            onfocus={Callback::from(|e: FocusEvent| e.target_unchecked_into::<HtmlTextAreaElement>().select())} />
                        <div class="actions">
                            <button type="button" class="secondary" onclick={on_copy}>{ "Sao chép liên kết" }</button>
                            <button type="button" class="secondary" onclick={on_print}>{ "In mã QR" }</button>
                        </div>
                    </div>
                </div>
            }
            <div class="actions">
                <button type="button" class="primary" onclick={on_queue}>
                    { format!("Xem phiếu ({} chờ xem)", s.waiting) }</button>
                if s.campaign.closed_at_ms.is_none() {
                    <button type="button" class="danger" onclick={on_close}>{ "Đóng đợt" }</button>
                }
            </div>
            { status_html(&notice) }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct PrintSheetProps {
    summary: CampaignSummary,
    back: Callback<MouseEvent>,
}

/// An A4 sheet to print and pin up or hand out at a village meeting.
#[function_component(PrintSheet)]
fn print_sheet(props: &PrintSheetProps) -> Html {
    let s = &props.summary;
    let link = campaign_link(&browser::origin(), &s.campaign.id);
    let qr = qr::qr_path(&link);
    let on_print = Callback::from(|_: MouseEvent| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    html! {
        <section class="print-sheet">
            <div class="no-print actions">
                <button type="button" class="link back" onclick={props.back.clone()}>{ "← Quay lại" }</button>
                <button type="button" class="primary" onclick={on_print}>{ "In trang này" }</button>
            </div>
            <h1 class="print-title">{ format!("Tự đánh giá “Công dân học tập” năm {}", s.campaign.year) }</h1>
            <p class="print-place">{ &s.place }</p>
            if let Some(qr) = qr {
                <svg class="qr print-qr" viewBox={format!("0 0 {0} {0}", qr.size)} role="img"
                    aria-label="Mã QR để tự đánh giá" shape-rendering="crispEdges">
                    <rect width="100%" height="100%" fill="#fff" />
                    <path d={qr.path} fill="#000" />
                </svg>
            }
            <p class="print-link">{ link }</p>
            <ol class="print-steps">
                <li>{ "Mở máy ảnh của điện thoại (hoặc Zalo) và quét mã QR trên, hoặc gõ địa chỉ ở trên vào trình duyệt." }</li>
                <li>{ "Đọc phần đồng ý thu thập thông tin, rồi điền họ tên, năm sinh, chủ hộ hoặc địa chỉ, thôn." }</li>
                <li>{ "Tự chấm từng tiêu chí; có thể chụp ảnh làm minh chứng." }</li>
                <li>{ "Bấm “Gửi”. Nếu mất sóng, phiếu được giữ trên điện thoại và tự gửi khi có mạng." }</li>
                <li>{ "Ghi lại mã phiếu để xem kết quả sau. Thôn sẽ xem và chấm lại phiếu của bạn." }</li>
            </ol>
            <p class="print-until">{ format!("Nhận phiếu đến hết ngày {}. Không cần tài khoản.", s.campaign.valid_until) }</p>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct QueueProps {
    summary: CampaignSummary,
    token: Rc<String>,
    sets: Rc<Vec<CriteriaSet>>,
}

#[function_component(Queue)]
fn queue(props: &QueueProps) -> Html {
    let answers = use_state(|| Load::<Vec<QueueAnswer>>::Loading);
    let filter = use_state(Filter::default);
    // Answers acted on since the filter was chosen stay in view with what happened.
    let acted = use_state(BTreeSet::<String>::new);
    let campaign = &props.summary.campaign;
    {
        let (answers, token, id) = (answers.clone(), Rc::clone(&props.token), campaign.id.clone());
        use_effect_with(id.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/campaigns/{}/answers", segment(&id));
                answers.set(match api::call::<Vec<QueueAnswer>>("GET", &path, Some(&token), Body::None).await {
                    Ok(list) => Load::Ready(list),
                    Err(error) => Load::Failed(error_text(&error)),
                });
            });
        });
    }
    let set =
        hoctap_shared::criteria::resolve(&props.sets, &campaign.set, Some(&campaign.set_version)).cloned().map(Rc::new);
    let (open, state) = open_words(campaign);
    let heading = html! {
        <>
            <h2 class="section-title">{ format!("Phiếu tự đánh giá · {} · năm {}", props.summary.place, campaign.year) }</h2>
            <p class={classes!("campaign-state", open.then_some("open"))}>{ format!("{} · {}", props.summary.set_name, state) }</p>
        </>
    };
    let list = match &*answers {
        Load::Loading => return html! { <>{ heading }<p class="app-notice" role="status">{ "Đang tải…" }</p></> },
        Load::Failed(message) => return html! { <>{ heading }<p class="app-warning" role="alert">{ message }</p></> },
        Load::Ready(list) => list,
    };
    let on_done = {
        let (answers, acted, token, id) =
            (answers.clone(), acted.clone(), Rc::clone(&props.token), campaign.id.clone());
        Callback::from(move |done: QueueAnswer| {
            if let Load::Ready(list) = &*answers {
                let list = list.iter().map(|a| if a.id == done.id { done.clone() } else { a.clone() }).collect();
                let mut kept = (*acted).clone();
                kept.insert(done.id.clone());
                acted.set(kept);
                answers.set(Load::Ready(list));
            }
            // A person just added may be whom another answer names: the candidates of the
            // others are read again (a failure keeps the list as it is).
            let (answers, token, id) = (answers.clone(), Rc::clone(&token), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/campaigns/{}/answers", segment(&id));
                if let Ok(list) = api::call::<Vec<QueueAnswer>>("GET", &path, Some(&token), Body::None).await {
                    answers.set(Load::Ready(list));
                }
            });
        })
    };
    let shown: Vec<&QueueAnswer> = list.iter().filter(|a| filter.keeps(&a.state) || acted.contains(&a.id)).collect();
    html! {
        <>
            { heading }
            <div class="queue-filters" role="group" aria-label="Lọc phiếu">
                { for Filter::ALL.iter().map(|f| {
                    let onclick = {
                        let (filter, acted, f) = (filter.clone(), acted.clone(), *f);
                        Callback::from(move |_: MouseEvent| {
                            filter.set(f);
                            acted.set(BTreeSet::new());
                        })
                    };
                    html! {
                        <button type="button" class="chip" aria-pressed={(*filter == *f).to_string()} {onclick}>
                            { format!("{} ({})", f.label(), f.count(list)) }</button>
                    }
                }) }
            </div>
            if shown.is_empty() {
                <p class="hint empty">{ "Không có phiếu nào ở đây." }</p>
            }
            <ul class="queue">
                { for shown.into_iter().map(|a| html! {
                    <AnswerCard key={a.id.clone()} answer={a.clone()} set={set.clone()} campaign={campaign.id.clone()}
                        token={Rc::clone(&props.token)} on_done={on_done.clone()} />
                }) }
            </ul>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct AnswerCardProps {
    answer: QueueAnswer,
    set: Option<Rc<CriteriaSet>>,
    campaign: String,
    token: Rc<String>,
    on_done: Callback<QueueAnswer>,
}

#[function_component(AnswerCard)]
fn answer_card(props: &AnswerCardProps) -> Html {
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let discarding = use_state(|| false);
    let reason = use_state(|| DISCARD_REASONS[0].to_string());
    let words = use_state(String::new);
    let a = &props.answer;
    let base = format!("/campaigns/{}/answers/{}", segment(&props.campaign), segment(&a.id));
    let accept = {
        let (busy, error, token, base, on_done, answer) =
            (busy.clone(), error.clone(), Rc::clone(&props.token), base.clone(), props.on_done.clone(), a.clone());
        Callback::from(move |person: Option<String>| {
            let (busy, error, token, on_done, mut answer) =
                (busy.clone(), error.clone(), Rc::clone(&token), on_done.clone(), answer.clone());
            let path = format!("{base}/accept");
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let body = Body::json(&AcceptAnswer { person });
                match api::call::<Accepted>("POST", &path, Some(&token), body).await {
                    Ok(done) => {
                        answer.state = AnswerState::Linked { person: done.person.id, evaluation: done.evaluation.id };
                        on_done.emit(answer);
                    }
                    Err(e) => error.set(Some(error_text(&e))),
                }
                busy.set(false);
            });
        })
    };
    let on_discard = {
        let (busy, error, token, base, on_done, reason, words) = (
            busy.clone(),
            error.clone(),
            Rc::clone(&props.token),
            base.clone(),
            props.on_done.clone(),
            reason.clone(),
            words.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(reason) = discard_reason(&reason, &words) else {
                error.set(Some("Hãy chọn hoặc ghi lý do loại phiếu.".to_string()));
                return;
            };
            let (busy, error, token, on_done) = (busy.clone(), error.clone(), Rc::clone(&token), on_done.clone());
            let path = format!("{base}/discard");
            busy.set(true);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::call::<QueueAnswer>("POST", &path, Some(&token), Body::json(&DiscardAnswer { reason })).await
                {
                    Ok(done) => on_done.emit(done),
                    Err(e) => error.set(Some(error_text(&e))),
                }
                busy.set(false);
            });
        })
    };
    let group = a.answer.subject_group.as_deref().map(|code| {
        props.set.as_ref().and_then(|s| s.group(code)).map_or_else(|| code.to_string(), |g| g.name.clone())
    });
    let photos = a.answer.photos.len();
    // The citizen's answers in the set's order (any code the set lacks, after).
    let scores: Vec<(String, String, String, Option<String>)> = match &props.set {
        Some(set) => set
            .indicators()
            .filter(|i| a.answer.scores.contains_key(&i.code) || a.answer.photos.contains_key(&i.code))
            .map(|i| {
                let words = a
                    .answer
                    .scores
                    .get(&i.code)
                    .map_or_else(|| "chưa chấm".to_string(), crate::evaluation::answer_words);
                (i.code.clone(), i.text.clone(), words, a.answer.photos.get(&i.code).cloned())
            })
            .collect(),
        None => a
            .answer
            .scores
            .iter()
            .map(|(code, answer)| {
                (
                    code.clone(),
                    String::new(),
                    crate::evaluation::answer_words(answer),
                    a.answer.photos.get(code).cloned(),
                )
            })
            .collect(),
    };
    let waiting = a.state == AnswerState::Received;
    html! {
        <li class={classes!("card", "answer", format!("state-{}", state_class(&a.state)))} data-receipt={show_receipt(&a.receipt)}>
            <div class="answer-head">
                <h3 class="answer-name">{ &a.answer.name }</h3>
                <span class="badge">{ format!("Mã {}", show_receipt(&a.receipt)) }</span>
            </div>
            <p class="answer-who">{ who_words(a) }</p>
            <p class="hint">
                { format!("{} · nhận lúc {}", a.hamlet_name, datetime_vi(a.received_at_ms as f64)) }
                if !a.answer.phone.trim().is_empty() {
                    { " · ĐT " }<a href={format!("tel:{}", a.answer.phone.trim())}>{ a.answer.phone.trim() }</a>
                }
            </p>
            if let Some(group) = group {
                <p class="hint">{ format!("Nhóm đối tượng: {group}") }</p>
            }
            if let Some(earlier) = &a.duplicate_of {
                <p class="app-warning duplicate" role="note">{ format!("Có thể trùng với phiếu {}", show_receipt(earlier)) }</p>
            }
            <details class="self-scores">
                <summary>{ format!("Người dân tự chấm {} chỉ số{}", a.answer.scores.len(),
                    if photos > 0 { format!(", có {photos} ảnh") } else { String::new() }) }</summary>
                <ul>
                    { for scores.into_iter().map(|(code, text, words, photo)| { let code_label = code.clone(); html! {
                        <li>
                            <span class="code">{ code }</span>{ " " }
                            <span class="indicator-text">{ text }</span>
                            <strong class="self-score">{ words }</strong>
                            if let Some(sha) = photo {
                                <Photo campaign={props.campaign.clone()} {sha} token={Rc::clone(&props.token)}
                                    label={format!("Ảnh người dân gửi cho chỉ số {code_label}")} />
                            }
                        </li>
                    } }) }
                </ul>
            </details>
            { match &a.state {
                AnswerState::Linked { evaluation, .. } => html! {
                    <div class="answer-done" role="status">
                        <p><strong>{ "Đã ghép. " }</strong>
                            <a class="evaluation-link" href={evaluation_href(evaluation)}>{ "Mở phiếu để chấm điểm" }</a></p>
                        <p class="hint">{ "Phiếu mở trong ứng dụng; điện thoại cần đồng bộ trước để có phiếu này." }</p>
                    </div>
                },
                AnswerState::Discarded { .. } => html! {
                    <p class="answer-done discarded" role="status">{ state_words(&a.state) }</p>
                },
                AnswerState::Received => Html::default(),
            } }
            if waiting {
                <div class="matches">
                    if a.candidates.is_empty() {
                        <p class="hint">{ "Không thấy ai trùng trong sổ của thôn: đề nghị thêm người mới." }</p>
                    } else {
                        <p class="field">{ "Có thể là" }</p>
                        <ul>
                            { for a.candidates.iter().map(|c| {
                                let person = c.person.id.clone();
                                let onclick = accept.reform(move |_: MouseEvent| Some(person.clone()));
                                html! {
                                    <li class="match" data-strength={strength_words(c.strength)}>
                                        <div>
                                            <strong>{ &c.name }</strong>{ " " }
                                            <span class={classes!("badge", format!("strength-{:?}", c.strength).to_lowercase())}>
                                                { strength_words(c.strength) }</span>
                                            <p class="hint">{ &c.why }</p>
                                        </div>
                                        <button type="button" class="primary" disabled={*busy} {onclick}>{ "Đúng người này" }</button>
                                    </li>
                                }
                            }) }
                        </ul>
                    }
                    <div class="actions">
                        <button type="button" class={if a.candidates.is_empty() { "primary" } else { "secondary" }}
                            disabled={*busy} onclick={accept.reform(|_: MouseEvent| None)}>{ "Thêm người mới" }</button>
                        <button type="button" class="danger" disabled={*busy}
                            onclick={{ let d = discarding.clone(); Callback::from(move |_: MouseEvent| d.set(!*d)) }}>
                            { "Không hợp lệ" }</button>
                    </div>
                    if *discarding {
                        <form class="discard-form" onsubmit={on_discard}>
                            <label class="field" for={format!("reason-{}", a.receipt)}>{ "Lý do loại phiếu" }</label>
                            <select id={format!("reason-{}", a.receipt)} class="select"
                                onchange={{ let r = reason.clone(); Callback::from(move |e: Event| r.set(e.target_unchecked_into::<HtmlSelectElement>().value())) }}>
                                { for DISCARD_REASONS.iter().map(|r| html! {
                                    <option value={r.to_string()} selected={*reason == *r}>{ *r }</option>
                                }) }
                                <option value="" selected={reason.is_empty()}>{ "Lý do khác (ghi dưới đây)" }</option>
                            </select>
                            <label class="field" for={format!("words-{}", a.receipt)}>{ "Ghi thêm (không bắt buộc)" }</label>
                            <input id={format!("words-{}", a.receipt)} class="text" maxlength="200" value={(*words).clone()}
                                oninput={{ let w = words.clone(); Callback::from(move |e: InputEvent| w.set(e.target_unchecked_into::<HtmlInputElement>().value())) }} />
                            <button type="submit" class="danger" disabled={*busy}>{ "Loại phiếu" }</button>
                        </form>
                    }
                </div>
            }
            if let Some(message) = &*error {
                <p class="app-warning" role="alert">{ message }</p>
            }
        </li>
    }
}

fn state_class(state: &AnswerState) -> &'static str {
    match state {
        AnswerState::Received => "waiting",
        AnswerState::Linked { .. } => "linked",
        AnswerState::Discarded { .. } => "discarded",
    }
}

#[derive(Properties, PartialEq)]
struct PhotoProps {
    campaign: String,
    sha: String,
    token: Rc<String>,
    label: String,
}

/// A photo a citizen sent, fetched with the officer's session (a plain `src` could not
/// send it) and shown small; a tap opens it whole in a new tab.
#[function_component(Photo)]
fn photo(props: &PhotoProps) -> Html {
    let url = use_state(|| None::<Result<String, String>>);
    // The blob URL made, released when the photo leaves the page.
    let made = use_mut_ref(|| None::<String>);
    {
        let (url, made, token) = (url.clone(), made.clone(), Rc::clone(&props.token));
        let path = format!("/campaigns/{}/photos/{}", segment(&props.campaign), segment(&props.sha));
        use_effect_with(path, move |path| {
            let (path, kept) = (path.clone(), made.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let shown = match api::call_blob(&path, Some(&token)).await {
                    Ok(blob) => web_sys::Url::create_object_url_with_blob(&blob).map_err(|_| String::new()),
                    Err(error) => Err(error_text(&error)),
                };
                if let Ok(src) = &shown {
                    *kept.borrow_mut() = Some(src.clone());
                }
                url.set(Some(shown));
            });
            move || {
                if let Some(src) = made.borrow_mut().take() {
                    crate::files::revoke(&src);
                }
            }
        });
    }
    match &*url {
        Some(Ok(src)) => html! {
            <a class="self-photo" href={src.clone()} target="_blank" rel="noopener">
                <img src={src.clone()} alt={props.label.clone()} loading="lazy" />
            </a>
        },
        Some(Err(_)) => html! { <span class="badge">{ "có ảnh (không tải được)" }</span> },
        None => html! { <span class="badge">{ "có ảnh" }</span> },
    }
}
