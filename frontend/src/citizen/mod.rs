//! The citizen's page (issue 18): what a campaign's link `<origin>/c/<token>` opens on a
//! citizen's own phone, with no account. It reads the campaign (`GET /api/v1/c/{token}`),
//! asks for consent, who the citizen is and their own answer per indicator (a photo
//! each, optional, resized as officers' photos are), checks it as the server will
//! ([`selfassess::check`]) and keeps it on the phone the moment "Gửi" is pressed; it is
//! sent when the network allows (photos first, then the answer, whose id makes a second
//! send the same answer), and the receipt is kept to follow its status.
//!
//! Its own binary (`src/bin/citizen.rs`); nothing of the officers' apps refers to this
//! module, so neither carries it, and it carries neither of them (its first visit has a
//! budget of 150 KB, compressed).

mod form;
mod net;

use std::collections::BTreeMap;

use hoctap_shared::scoring::Answer;
use hoctap_shared::selfassess::{self, CitizenAnswer, Receipt, ReceiptStatus, SubmitAnswer};
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::evaluation::{parse_count, parse_points};
use form::{Campaign as PublicCampaign, Indicator, Measure, Set as CriteriaSet};
use net::{Body, Outbox};

/// Mounts the page into the body.
pub fn run() {
    yew::Renderer::<Page>::new().render();
}

const API: &str = "/api/v1";
/// The receipts this phone was given, newest first (all campaigns).
const RECEIPTS_KEY: &str = "hoctap-c-receipts";
/// The longest wait between two automatic sends, in milliseconds.
const MAX_BACKOFF_MS: u32 = 5 * 60 * 1000;

fn campaign_key(token: &str) -> String {
    format!("hoctap-c-campaign-{token}")
}
fn outbox_key(token: &str) -> String {
    format!("hoctap-c-outbox-{token}")
}
fn last_key(token: &str) -> String {
    format!("hoctap-c-last-{token}")
}

/// The campaign's token: what follows `/c/` in the address.
fn token() -> String {
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    path.strip_prefix("/c/").unwrap_or_default().split('/').next().unwrap_or_default().to_string()
}

/// What the page shows as a whole.
enum Loaded {
    Loading,
    /// Unknown token.
    NotFound,
    /// No network and nothing kept from before.
    Offline,
    Campaign(Box<PublicCampaign>),
}

/// An indicator's answer as typed.
#[derive(Clone, PartialEq)]
enum Entry {
    Points(String),
    Met(bool),
    Share(String, String),
}

/// A photo ready to send.
#[derive(Clone)]
struct Photo {
    sha256: String,
    bytes: Vec<u8>,
}

/// Where sending stands.
#[derive(Clone, PartialEq)]
enum Sending {
    Idle,
    /// Kept on the phone; sent when the network returns.
    Waiting,
    /// Being sent now.
    Busy,
    /// Sent: the receipt.
    Done(String),
}

/// The fields the citizen types.
#[derive(Clone, Copy)]
enum Field {
    Name,
    BirthYear,
    Head,
    Address,
    Hamlet,
    Phone,
    Group,
    Lookup,
}

enum Msg {
    Loaded(Loaded),
    Consent(bool),
    Field(Field, String),
    Entry(String, Option<Entry>),
    PhotoChosen(String, web_sys::File),
    PhotoReady(String, Result<Photo, String>),
    RemovePhoto(String),
    Send,
    Sent(Outcome),
    Retry,
    Another,
    Statuses(Vec<(String, Option<ReceiptStatus>)>),
    Lookup,
    LookedUp(Result<ReceiptStatus, String>),
}

/// What one attempt to send gave.
enum Outcome {
    Receipt(String),
    /// Try again after this many milliseconds (no network, busy server).
    Later(Option<u32>),
    /// Refused for good, with the words to show.
    Refused(String),
}

struct Page {
    token: String,
    loaded: Loaded,
    consent: bool,
    name: String,
    birth_year: String,
    head: String,
    address: String,
    hamlet: String,
    phone: String,
    group: Option<String>,
    entries: BTreeMap<String, Entry>,
    photos: BTreeMap<String, Photo>,
    /// Indicators whose photo is being prepared, or why it failed.
    photo_notes: BTreeMap<String, String>,
    problems: Vec<String>,
    sending: Sending,
    /// The answer's id, made once per answer.
    answer_id: String,
    backoff_ms: u32,
    receipts: Vec<(String, Option<ReceiptStatus>)>,
    lookup: String,
    looked_up: Option<Result<ReceiptStatus, String>>,
    _online: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
}

impl Component for Page {
    type Message = Msg;
    type Properties = ();

    fn create(ctx: &Context<Self>) -> Self {
        let token = token();
        let link = ctx.link().clone();
        let online = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || link.send_message(Msg::Retry));
        if let Some(w) = web_sys::window() {
            let _ = w.add_event_listener_with_callback("online", online.as_ref().unchecked_ref());
        }
        let pending = net::load::<Outbox>(&outbox_key(&token));
        let last: Option<String> = net::load(&last_key(&token));
        let sending = match (&pending, last) {
            (Some(_), _) => Sending::Waiting,
            (None, Some(receipt)) => Sending::Done(receipt),
            _ => Sending::Idle,
        };
        let receipts: Vec<String> = net::load(RECEIPTS_KEY).unwrap_or_default();
        let page = Page {
            loaded: Loaded::Loading,
            consent: false,
            name: String::new(),
            birth_year: String::new(),
            head: String::new(),
            address: String::new(),
            hamlet: String::new(),
            phone: String::new(),
            group: None,
            entries: BTreeMap::new(),
            photos: BTreeMap::new(),
            photo_notes: BTreeMap::new(),
            problems: Vec::new(),
            sending,
            answer_id: pending.map(|p| p.submit.id).unwrap_or_else(net::new_id),
            backoff_ms: 5_000,
            receipts: receipts.into_iter().map(|r| (r, None)).collect(),
            lookup: String::new(),
            looked_up: None,
            _online: Some(online),
            token: token.clone(),
        };
        ctx.link().send_future(load(token));
        page.refresh_statuses(ctx);
        if page.sending == Sending::Waiting {
            ctx.link().send_message(Msg::Retry);
        }
        page
    }

    fn update(&mut self, ctx: &Context<Self>, msg: Msg) -> bool {
        match msg {
            Msg::Loaded(loaded) => {
                if let Loaded::Campaign(c) = &loaded {
                    if c.hamlets.len() == 1 {
                        self.hamlet = c.hamlets[0].id.clone();
                    }
                }
                self.loaded = loaded;
            }
            Msg::Consent(on) => self.consent = on,
            Msg::Field(field, value) => match field {
                Field::Name => self.name = value,
                Field::BirthYear => self.birth_year = value,
                Field::Head => self.head = value,
                Field::Address => self.address = value,
                Field::Hamlet => self.hamlet = value,
                Field::Phone => self.phone = value,
                Field::Group => self.group = Some(value).filter(|v| !v.is_empty()),
                Field::Lookup => self.lookup = value,
            },
            Msg::Entry(code, entry) => match entry {
                Some(entry) => {
                    self.entries.insert(code, entry);
                }
                None => {
                    self.entries.remove(&code);
                }
            },
            Msg::PhotoChosen(code, file) => {
                self.photo_notes.insert(code.clone(), "Đang thu nhỏ ảnh…".to_string());
                let limit = self.max_photo_bytes();
                ctx.link().send_future(async move {
                    let ready = match crate::media::prepare(file).await {
                        Ok(p) if p.media_type != "image/jpeg" => {
                            Err("Chỉ nhận ảnh chụp (JPEG, PNG, WebP).".to_string())
                        }
                        Ok(p) if p.bytes.len() as u64 > limit => {
                            Err("Ảnh quá lớn sau khi thu nhỏ; hãy chụp lại gần hơn.".to_string())
                        }
                        Ok(p) => Ok(Photo { sha256: p.sha256, bytes: p.bytes }),
                        Err(e) => Err(format!("Không dùng được ảnh này: {e}")),
                    };
                    Msg::PhotoReady(code, ready)
                });
            }
            Msg::PhotoReady(code, ready) => match ready {
                Ok(photo) => {
                    self.photo_notes.remove(&code);
                    self.photos.insert(code, photo);
                }
                Err(why) => {
                    self.photo_notes.insert(code, why);
                }
            },
            Msg::RemovePhoto(code) => {
                self.photos.remove(&code);
                self.photo_notes.remove(&code);
            }
            Msg::Send => self.send(ctx),
            Msg::Sent(outcome) => self.sent(ctx, outcome),
            Msg::Retry => {
                if self.sending == Sending::Waiting {
                    self.sending = Sending::Busy;
                    ctx.link().send_future(deliver(self.token.clone()));
                } else {
                    return false;
                }
            }
            Msg::Another => {
                net::forget(&last_key(&self.token));
                self.sending = Sending::Idle;
                self.answer_id = net::new_id();
                self.consent = false;
                self.name.clear();
                self.birth_year.clear();
                self.head.clear();
                self.address.clear();
                self.phone.clear();
                self.entries.clear();
                self.photos.clear();
                self.photo_notes.clear();
                self.problems.clear();
            }
            Msg::Statuses(statuses) => self.receipts = statuses,
            Msg::Lookup => {
                let Some(receipt) = selfassess::normalise_receipt(&self.lookup) else {
                    self.looked_up = Some(Err("Mã biên nhận gồm 8 chữ và số, ví dụ 7KQ2-M9XD.".to_string()));
                    return true;
                };
                ctx.link().send_future(async move { Msg::LookedUp(status(&receipt).await) });
            }
            Msg::LookedUp(result) => self.looked_up = Some(result),
        }
        true
    }

    fn view(&self, ctx: &Context<Self>) -> Html {
        let body = match &self.loaded {
            Loaded::Loading => html! { <p class="note">{ "Đang mở phiếu tự đánh giá…" }</p> },
            Loaded::NotFound => html! {
                <section class="card stop">
                    <h1>{ "Đường dẫn không đúng hoặc đã hết hạn" }</h1>
                    <p>{ "Hãy kiểm tra lại đường dẫn hoặc quét lại mã QR do thôn cung cấp." }</p>
                </section>
            },
            Loaded::Offline => html! {
                <section class="card stop">
                    <h1>{ "Chưa có mạng" }</h1>
                    <p>{ "Cần có mạng để mở phiếu lần đầu. Hãy thử lại khi có sóng." }</p>
                </section>
            },
            Loaded::Campaign(c) => self.campaign_view(ctx, c),
        };
        html! {
            <main>
                { body }
                { self.receipts_view(ctx) }
            </main>
        }
    }
}

impl Page {
    fn max_photo_bytes(&self) -> u64 {
        match &self.loaded {
            Loaded::Campaign(c) => c.max_photo_bytes,
            _ => selfassess::MAX_PHOTO_BYTES as u64,
        }
    }

    fn campaign_view(&self, ctx: &Context<Self>, c: &PublicCampaign) -> Html {
        let head = html! {
            <header>
                <p class="kicker">{ format!("Tự đánh giá Công dân học tập năm {}", c.year) }</p>
                <h1>{ &c.title }</h1>
            </header>
        };
        if let Sending::Done(receipt) = &self.sending {
            return html! { <>{ head }{ self.receipt_view(ctx, receipt) }</> };
        }
        if matches!(self.sending, Sending::Waiting | Sending::Busy) {
            return html! {
                <>
                    { head }
                    <section class="card wait" id="waiting">
                        <h2>{ "Đã lưu trên máy, sẽ tự gửi khi có mạng" }</h2>
                        <p>{ "Câu trả lời của bạn đã được giữ trên điện thoại này. Cứ để trang mở hoặc mở lại sau: khi có sóng, trang sẽ tự gửi và cho bạn mã biên nhận." }</p>
                        { self.problems_view() }
                    </section>
                </>
            };
        }
        let (true, Some(set)) = (c.open, c.set.as_ref()) else {
            return html! {
                <>
                    { head }
                    <section class="card stop" id="closed">
                        <h2>{ "Đợt tự đánh giá này không còn nhận câu trả lời" }</h2>
                        <p>{ c.closed_because.clone().unwrap_or_else(|| "Đợt tự đánh giá đã đóng.".to_string()) }</p>
                        { self.problems_view() }
                    </section>
                </>
            };
        };
        let link = ctx.link();
        let text = |field: Field| link.callback(move |e: InputEvent| Msg::Field(field, input_value(&e)));
        let hamlet = if c.hamlets.len() == 1 {
            html! { <p class="fixed"><span>{ "Nơi ở" }</span><b>{ &c.hamlets[0].name }</b></p> }
        } else {
            let change = link.callback(|e: Event| Msg::Field(Field::Hamlet, select_value(&e)));
            html! {
                <label>{ "Thôn nơi bạn sống" }
                    <select id="hamlet" onchange={change}>
                        <option value="" selected={self.hamlet.is_empty()}>{ "— Chọn thôn —" }</option>
                        { for c.hamlets.iter().map(|h| html! {
                            <option value={h.id.clone()} selected={self.hamlet == h.id}>{ &h.name }</option>
                        }) }
                    </select>
                </label>
            }
        };
        let groups = if set.has_groups() {
            let change = link.callback(|e: Event| Msg::Field(Field::Group, select_value(&e)));
            html! {
                <label>{ "Bạn thuộc nhóm nào?" }
                    <select id="group" onchange={change}>
                        <option value="" selected={self.group.is_none()}>{ "— Chọn nhóm —" }</option>
                        { for set.subject_groups.iter().map(|g| html! {
                            <option value={g.code.clone()} selected={self.group.as_deref() == Some(g.code.as_str())}>{ &g.name }</option>
                        }) }
                    </select>
                </label>
            }
        } else {
            html! {}
        };
        let consent = link.callback(|e: Event| Msg::Consent(checked(&e)));
        let send = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::Send
        });
        html! {
            <>
                { head }
                <form onsubmit={send} novalidate=true>
                    <section class="card">
                        <h2>{ "Đồng ý cung cấp thông tin" }</h2>
                        <p class="consent">{ &c.consent }</p>
                        <label class="check">
                            <input type="checkbox" id="consent" checked={self.consent} onchange={consent} />
                            <span>{ "Tôi đã đọc và đồng ý" }</span>
                        </label>
                    </section>
                    <section class="card">
                        <h2>{ "Thông tin của bạn" }</h2>
                        <label>{ "Họ và tên" }
                            <input id="name" autocomplete="name" value={self.name.clone()} oninput={text(Field::Name)} />
                        </label>
                        <label>{ "Năm sinh" }
                            <input id="birth-year" inputmode="numeric" maxlength="4" placeholder="Ví dụ 1985"
                                value={self.birth_year.clone()} oninput={text(Field::BirthYear)} />
                        </label>
                        <label>{ "Chủ hộ (họ tên người đứng tên hộ)" }
                            <input id="head" value={self.head.clone()} oninput={text(Field::Head)} />
                        </label>
                        <label>{ "Địa chỉ (xóm, số nhà…)" }
                            <input id="address" value={self.address.clone()} oninput={text(Field::Address)} />
                        </label>
                        { hamlet }
                        <label>{ "Số điện thoại (không bắt buộc)" }
                            <input id="phone" type="tel" inputmode="tel" value={self.phone.clone()} oninput={text(Field::Phone)} />
                        </label>
                        { groups }
                    </section>
                    { self.indicators_view(ctx, set) }
                    { self.problems_view() }
                    <button type="submit" class="send" id="send">{ "Gửi" }</button>
                    <p class="note">{ "Bấm Gửi khi chưa có mạng cũng được: câu trả lời được giữ trên máy và tự gửi khi có sóng." }</p>
                </form>
            </>
        }
    }

    fn indicators_view(&self, ctx: &Context<Self>, set: &CriteriaSet) -> Html {
        if set.has_groups() && self.group.is_none() {
            return html! { <p class="card note">{ "Chọn nhóm của bạn ở trên để hiện các câu hỏi." }</p> };
        }
        html! {
            { for set.criteria.iter().filter_map(|criterion| {
                let shown: Vec<&Indicator> =
                    criterion.indicators.iter().filter(|i| i.asked_of(self.group.as_deref())).collect();
                (!shown.is_empty()).then(|| html! {
                    <section class="card">
                        <h2>{ format!("{}. {}", criterion.code, criterion.name) }</h2>
                        { for shown.into_iter().map(|i| self.indicator_view(ctx, set, i)) }
                    </section>
                })
            }) }
        }
    }

    fn indicator_view(&self, ctx: &Context<Self>, set: &CriteriaSet, indicator: &Indicator) -> Html {
        let link = ctx.link();
        let code = indicator.code.clone();
        let entry = self.entries.get(&code);
        let input = match &indicator.measure {
            Measure::Points { max } => {
                let typed = match entry {
                    Some(Entry::Points(t)) => t.clone(),
                    _ => String::new(),
                };
                let c = code.clone();
                let oninput = link.callback(move |e: InputEvent| {
                    let v = input_value(&e);
                    Msg::Entry(c.clone(), (!v.trim().is_empty()).then_some(Entry::Points(v)))
                });
                let step =
                    if set.step.hundredths() == 100 { String::new() } else { format!(", mỗi bậc {}", set.step) };
                html! {
                    <label class="points">{ format!("Tự chấm (0 đến {max} điểm{step})") }
                        <input class="score" data-code={code.clone()} inputmode="decimal" value={typed} {oninput} />
                    </label>
                }
            }
            Measure::Met {} => {
                let chosen = match entry {
                    Some(Entry::Met(m)) => Some(*m),
                    _ => None,
                };
                let pick = |value: bool, words: &'static str| {
                    let c = code.clone();
                    let onclick = link
                        .callback(move |_| Msg::Entry(c.clone(), (chosen != Some(value)).then_some(Entry::Met(value))));
                    let class = if chosen == Some(value) { "choice on" } else { "choice" };
                    html! { <button type="button" {class} data-code={code.clone()} aria-pressed={(chosen == Some(value)).to_string()} {onclick}>{ words }</button> }
                };
                html! { <div class="choices">{ pick(true, "Đạt") }{ pick(false, "Chưa đạt") }</div> }
            }
            Measure::Share { numerator_label, denominator_label } => {
                let (n, d) = match entry {
                    Some(Entry::Share(n, d)) => (n.clone(), d.clone()),
                    _ => (String::new(), String::new()),
                };
                let part = |first: bool| {
                    let (c, n, d) = (code.clone(), n.clone(), d.clone());
                    link.callback(move |e: InputEvent| {
                        let v = input_value(&e);
                        let (n, d) = if first { (v, d.clone()) } else { (n.clone(), v) };
                        let empty = n.trim().is_empty() && d.trim().is_empty();
                        Msg::Entry(c.clone(), (!empty).then_some(Entry::Share(n, d)))
                    })
                };
                html! {
                    <div class="share">
                        <label>{ numerator_label }<input inputmode="numeric" value={n.clone()} oninput={part(true)} /></label>
                        <label>{ denominator_label }<input inputmode="numeric" value={d.clone()} oninput={part(false)} /></label>
                    </div>
                }
            }
        };
        let photo = match (self.photos.get(&code), self.photo_notes.get(&code)) {
            (Some(p), _) => {
                let c = code.clone();
                let remove = link.callback(move |_| Msg::RemovePhoto(c.clone()));
                html! {
                    <p class="photo-ok">{ format!("Đã có ảnh ({} KB) ", p.bytes.len().div_ceil(1024)) }
                        <button type="button" class="link" onclick={remove}>{ "Bỏ ảnh" }</button>
                    </p>
                }
            }
            (None, note) => {
                let c = code.clone();
                let change = link.batch_callback(move |e: Event| {
                    let input: HtmlInputElement = e.target_unchecked_into();
                    let file = input.files().and_then(|f| f.get(0));
                    input.set_value("");
                    file.map(|f| Msg::PhotoChosen(c.clone(), f))
                });
                html! {
                    <>
                        <label class="photo">{ "+ Thêm ảnh minh chứng (không bắt buộc)" }
                            <input type="file" accept="image/*" data-code={code.clone()} onchange={change} />
                        </label>
                        { for note.map(|n| html! { <p class="note">{ n }</p> }) }
                    </>
                }
            }
        };
        html! {
            <div class="indicator">
                <p class="q"><b>{ &indicator.code }</b>{ " " }{ &indicator.text }</p>
                { for indicator.hint.as_ref().map(|h| html! { <p class="hint">{ format!("Minh chứng: {h}") }</p> }) }
                { input }
                { photo }
            </div>
        }
    }

    fn problems_view(&self) -> Html {
        if self.problems.is_empty() {
            return html! {};
        }
        html! {
            <div class="problems" role="alert" id="problems">
                <p><b>{ "Cần sửa trước khi gửi:" }</b></p>
                <ul>{ for self.problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            </div>
        }
    }

    fn receipt_view(&self, ctx: &Context<Self>, receipt: &str) -> Html {
        let another = ctx.link().callback(|_| Msg::Another);
        html! {
            <section class="card done" id="receipt">
                <h2>{ "Đã gửi xong. Mã biên nhận của bạn:" }</h2>
                <p class="receipt">{ selfassess::show_receipt(receipt) }</p>
                <p>{ "Hãy chép mã này ra giấy hoặc chụp màn hình. Dùng mã này để xem thôn đã xem xét câu trả lời của bạn chưa." }</p>
                <button type="button" class="secondary" onclick={another}>{ "Gửi phiếu cho người khác trên máy này" }</button>
            </section>
        }
    }

    fn receipts_view(&self, ctx: &Context<Self>) -> Html {
        let link = ctx.link();
        let lookup = link.callback(|e: SubmitEvent| {
            e.prevent_default();
            Msg::Lookup
        });
        let typed = link.callback(|e: InputEvent| Msg::Field(Field::Lookup, input_value(&e)));
        let status_line = |s: &ReceiptStatus| {
            html! {
                <>
                    <span class="status">{ s.status.words() }</span>
                    { for s.comment.as_ref().map(|c| html! { <span class="comment">{ format!("Ghi chú: {c}") }</span> }) }
                </>
            }
        };
        html! {
            <section class="card" id="status">
                <h2>{ "Xem tình trạng phiếu đã gửi" }</h2>
                if !self.receipts.is_empty() {
                    <ul class="receipts">
                        { for self.receipts.iter().map(|(r, s)| html! {
                            <li><b>{ selfassess::show_receipt(r) }</b>
                                { match s { Some(s) => status_line(s), None => html! { <span class="status">{ "Chưa xem được (cần mạng)" }</span> } } }
                            </li>
                        }) }
                    </ul>
                }
                <form class="lookup" onsubmit={lookup}>
                    <label>{ "Tra cứu mã biên nhận" }
                        <input id="lookup" autocapitalize="characters" placeholder="Ví dụ 7KQ2-M9XD" value={self.lookup.clone()} oninput={typed} />
                    </label>
                    <button type="submit" class="secondary">{ "Xem" }</button>
                </form>
                { match &self.looked_up {
                    Some(Ok(s)) => html! { <p class="looked">{ status_line(s) }</p> },
                    Some(Err(e)) => html! { <p class="looked problems">{ e }</p> },
                    None => html! {},
                } }
            </section>
        }
    }

    /// The answer as typed, or what to fix first.
    fn answer(&self, c: &PublicCampaign, set: &CriteriaSet) -> Result<CitizenAnswer, Vec<String>> {
        let mut problems = Vec::new();
        let mut scores = BTreeMap::new();
        for indicator in set.indicators().filter(|i| i.asked_of(self.group.as_deref())) {
            let answer = match self.entries.get(&indicator.code) {
                None => continue,
                Some(Entry::Met(m)) => Some(Answer::Met(*m)),
                Some(Entry::Points(t)) => parse_points(t).map(Answer::Points),
                Some(Entry::Share(n, d)) => parse_count(n)
                    .zip(parse_count(d))
                    .map(|(numerator, denominator)| Answer::Share { numerator, denominator }),
            };
            match answer {
                Some(a) => {
                    if let Some(problem) = out_of_range(set, indicator, a) {
                        problems.push(format!("Chỉ số {}: {problem}", indicator.code));
                    }
                    scores.insert(indicator.code.clone(), a);
                }
                None => problems.push(format!("Chỉ số {}: cần nhập một con số", indicator.code)),
            }
        }
        if set.has_groups() && self.group.is_none() {
            problems.push("Cần chọn nhóm của bạn".to_string());
        }
        if self.hamlet.is_empty() {
            problems.push("Cần chọn thôn nơi bạn sống".to_string());
        }
        let photos = self
            .photos
            .iter()
            .filter(|(code, _)| set.indicators().any(|i| i.code == **code && i.asked_of(self.group.as_deref())))
            .map(|(code, p)| (code.clone(), p.sha256.clone()))
            .collect();
        let answer = CitizenAnswer {
            hamlet: self.hamlet.clone(),
            name: self.name.trim().to_string(),
            birth_year: self.birth_year.trim().parse().unwrap_or(0),
            household_head: self.head.trim().to_string(),
            address: self.address.trim().to_string(),
            phone: self.phone.trim().to_string(),
            subject_group: self.group.clone(),
            scores,
            photos,
            consent: self.consent,
        };
        problems.extend(light_check(&answer, c.year));
        if problems.is_empty() {
            Ok(answer)
        } else {
            Err(problems)
        }
    }

    /// "Gửi": checks, keeps the answer on the phone, then tries to send it.
    fn send(&mut self, ctx: &Context<Self>) {
        let Loaded::Campaign(c) = &self.loaded else { return };
        let Some(set) = c.set.as_ref() else { return };
        match self.answer(c, set) {
            Err(problems) => {
                self.problems = problems;
                scroll_to("problems");
            }
            Ok(answer) => {
                let photos = answer
                    .photos
                    .values()
                    .filter_map(|sha| self.photos.values().find(|p| &p.sha256 == sha))
                    .map(|p| (p.sha256.clone(), net::to_base64(&p.bytes)))
                    .collect();
                let outbox = Outbox { submit: SubmitAnswer { id: self.answer_id.clone(), answer }, photos };
                if !net::keep(&outbox_key(&self.token), &outbox) {
                    self.problems =
                        vec!["Điện thoại không còn chỗ để giữ câu trả lời; hãy bỏ bớt ảnh rồi gửi lại.".to_string()];
                    return;
                }
                self.problems.clear();
                self.sending = Sending::Busy;
                self.backoff_ms = 5_000;
                ctx.link().send_future(deliver(self.token.clone()));
                scroll_to("top");
            }
        }
    }

    fn sent(&mut self, ctx: &Context<Self>, outcome: Outcome) {
        match outcome {
            Outcome::Receipt(receipt) => {
                net::forget(&outbox_key(&self.token));
                net::keep(&last_key(&self.token), &receipt);
                let mut kept: Vec<String> = net::load(RECEIPTS_KEY).unwrap_or_default();
                if !kept.contains(&receipt) {
                    kept.insert(0, receipt.clone());
                    net::keep(RECEIPTS_KEY, &kept);
                }
                self.receipts.retain(|(r, _)| r != &receipt);
                self.receipts.insert(0, (receipt.clone(), None));
                self.sending = Sending::Done(receipt);
                self.problems.clear();
                self.refresh_statuses(ctx);
            }
            Outcome::Later(wait) => {
                self.sending = Sending::Waiting;
                let wait = wait.unwrap_or(self.backoff_ms);
                self.backoff_ms = (self.backoff_ms.saturating_mul(2)).min(MAX_BACKOFF_MS);
                let link = ctx.link().clone();
                net::later(wait, move || link.send_message(Msg::Retry));
            }
            Outcome::Refused(why) => {
                // Back to the form with what was typed, to correct it or to read why.
                net::forget(&outbox_key(&self.token));
                self.sending = Sending::Idle;
                self.problems = vec![why];
            }
        }
    }

    fn refresh_statuses(&self, ctx: &Context<Self>) {
        let receipts: Vec<String> = self.receipts.iter().map(|(r, _)| r.clone()).take(20).collect();
        if receipts.is_empty() {
            return;
        }
        ctx.link().send_future(async move {
            let mut out = Vec::new();
            for r in receipts {
                let s = status(&r).await.ok();
                out.push((r, s));
            }
            Msg::Statuses(out)
        });
    }
}

/// What is wrong with who the citizen says they are, as [`selfassess::check`] says it
/// (the server checks again with the scoring engine, which this page does not carry:
/// its weight would take the first visit past its budget).
fn light_check(answer: &CitizenAnswer, year: i32) -> Vec<String> {
    let mut problems = Vec::new();
    if !answer.consent {
        problems.push("Cần đồng ý với việc thu thập thông tin trước khi gửi".to_string());
    }
    let max = selfassess::MAX_TEXT_CHARS;
    for (what, value, required) in [
        ("Họ và tên", &answer.name, true),
        ("Chủ hộ", &answer.household_head, false),
        ("Địa chỉ", &answer.address, false),
    ] {
        let chars = value.chars().count();
        if required && chars == 0 {
            problems.push(format!("Cần nhập {what}"));
        } else if chars > max {
            problems.push(format!("{what} dài quá {max} ký tự"));
        } else if value.chars().any(char::is_control) {
            problems.push(format!("{what} có ký tự không hợp lệ"));
        }
    }
    if !(year - 120..=year).contains(&answer.birth_year) {
        problems.push(format!("Năm sinh cần là một năm từ {} đến {year}", year - 120));
    }
    if answer.phone.chars().count() > selfassess::MAX_PHONE_CHARS
        || !answer.phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.'))
    {
        problems.push("Số điện thoại chỉ gồm chữ số, tối đa 20 ký tự".to_string());
    }
    problems
}

/// Why an answer is outside what the indicator takes, in the citizen's words.
fn out_of_range(set: &CriteriaSet, indicator: &Indicator, answer: Answer) -> Option<String> {
    match (&indicator.measure, answer) {
        (Measure::Points { max }, Answer::Points(p)) => {
            if p.hundredths() < 0 || p > *max {
                Some(format!("điểm cần từ 0 đến {max}"))
            } else if !p.is_multiple_of(set.step) {
                Some(if set.step.hundredths() == 100 {
                    "điểm cần là số tròn, không có phần lẻ".to_string()
                } else {
                    format!("điểm cần theo bậc {}", set.step)
                })
            } else {
                None
            }
        }
        (Measure::Share { .. }, Answer::Share { numerator, denominator }) => (denominator == 0
            || numerator > denominator)
            .then(|| "số thứ nhất không được lớn hơn số thứ hai, số thứ hai lớn hơn 0".to_string()),
        _ => None,
    }
}

/// Reads the campaign, or what the phone kept of it when offline.
async fn load(token: String) -> Msg {
    let key = campaign_key(&token);
    let reply = match net::prefetched().await {
        Some(reply) => Some(reply),
        None => net::call("GET", &format!("{API}/c/{token}"), None).await,
    };
    let loaded = match reply {
        Some(r) if r.status == 200 => match serde_json::from_str::<PublicCampaign>(&r.body) {
            Ok(c) => {
                net::keep(&key, &r.body);
                Loaded::Campaign(Box::new(c))
            }
            Err(_) => Loaded::Offline,
        },
        Some(r) if r.status == 404 => {
            net::forget(&key);
            Loaded::NotFound
        }
        _ => net::load::<String>(&key)
            .and_then(|body| serde_json::from_str::<PublicCampaign>(&body).ok())
            .map_or(Loaded::Offline, |c| Loaded::Campaign(Box::new(c))),
    };
    Msg::Loaded(loaded)
}

/// Sends the answer kept on the phone: each photo, then the answer.
async fn deliver(token: String) -> Msg {
    let Some(mut outbox) = net::load::<Outbox>(&outbox_key(&token)) else {
        return Msg::Sent(Outcome::Later(Some(MAX_BACKOFF_MS)));
    };
    for (sha, data) in &outbox.photos {
        let bytes = net::from_base64(data);
        let url = format!("{API}/c/{token}/photos/{sha}");
        match net::call("PUT", &url, Some(Body::Bytes(&bytes))).await {
            Some(r) if r.status < 300 => {}
            // A photo the campaign will not take (no room for more photos, too large, not
            // an image): the answer goes without it rather than not at all.
            Some(r) if matches!(r.status, 409 | 413 | 415) => {
                outbox.submit.answer.photos.retain(|_, kept| kept != sha);
            }
            r => return Msg::Sent(outcome(r)),
        }
    }
    let Ok(body) = serde_json::to_string(&outbox.submit) else {
        return Msg::Sent(Outcome::Refused("Không đọc được câu trả lời đã lưu.".to_string()));
    };
    let reply = net::call("POST", &format!("{API}/c/{token}/answers"), Some(Body::Json(&body))).await;
    match reply {
        Some(r) if r.status == 200 || r.status == 201 => match serde_json::from_str::<Receipt>(&r.body) {
            Ok(receipt) => Msg::Sent(Outcome::Receipt(receipt.receipt)),
            Err(_) => Msg::Sent(Outcome::Later(None)),
        },
        r => Msg::Sent(outcome(r)),
    }
}

/// A failed send in the citizen's words: wait and retry, or stop and say why.
fn outcome(reply: Option<net::Reply>) -> Outcome {
    let Some(r) = reply else { return Outcome::Later(None) };
    let said = net::message(&r.body);
    let refused = |words: &str| Outcome::Refused(words.to_string());
    match r.status {
        410 => refused("Đợt tự đánh giá đã đóng, không nhận thêm câu trả lời. Câu trả lời của bạn chưa được gửi."),
        409 => refused("Đợt tự đánh giá đã nhận đủ số phiếu, không nhận thêm. Hãy liên hệ cán bộ thôn."),
        404 => refused("Đường dẫn không đúng hoặc đã hết hạn."),
        413 => refused("Ảnh hoặc câu trả lời quá lớn. Hãy bỏ bớt ảnh rồi gửi lại."),
        422 => Outcome::Refused(said.unwrap_or_else(|| "Câu trả lời chưa hợp lệ; hãy kiểm tra lại.".to_string())),
        429 => Outcome::Later(Some(r.retry_after.unwrap_or(30).clamp(1, 600) * 1000)),
        // A photo cut short on the way (`evidence_hash_mismatch`): send it again.
        _ if r.status >= 500 || r.status == 400 => Outcome::Later(None),
        _ => Outcome::Refused(said.unwrap_or_else(|| format!("Máy chủ từ chối (mã {}).", r.status))),
    }
}

/// The status of a receipt, or why it cannot be read.
async fn status(receipt: &str) -> Result<ReceiptStatus, String> {
    match net::call("GET", &format!("{API}/receipts/{receipt}"), None).await {
        Some(r) if r.status == 200 => {
            serde_json::from_str(&r.body).map_err(|_| "Không đọc được tình trạng phiếu.".to_string())
        }
        Some(r) if r.status == 404 => Err("Không có phiếu nào với mã này.".to_string()),
        Some(r) if r.status == 429 => Err("Tra cứu nhiều quá; hãy đợi một phút rồi thử lại.".to_string()),
        Some(_) => Err("Máy chủ đang bận; hãy thử lại sau.".to_string()),
        None => Err("Chưa có mạng; hãy thử lại khi có sóng.".to_string()),
    }
}

fn input_value(e: &InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

fn select_value(e: &Event) -> String {
    e.target_unchecked_into::<HtmlSelectElement>().value()
}

fn checked(e: &Event) -> bool {
    e.target_unchecked_into::<HtmlInputElement>().checked()
}

/// Brings the element with `id` into view (the problems list, the top of the page).
fn scroll_to(id: &'static str) {
    net::later(0, move || {
        if let Some(el) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
            el.scroll_into_view();
        } else if let Some(w) = web_sys::window() {
            w.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::criteria::shipped;
    use hoctap_shared::number::Points;

    fn answer() -> CitizenAnswer {
        CitizenAnswer {
            hamlet: "hamlet:a".into(),
            name: "Nguyễn Thị Hoa".into(),
            birth_year: 1985,
            household_head: String::new(),
            address: String::new(),
            phone: "0912 345 678".into(),
            subject_group: Some("nguoi_dan".into()),
            scores: BTreeMap::new(),
            photos: BTreeMap::new(),
            consent: true,
        }
    }

    /// The page's light check says what the shared check says about who the citizen
    /// is, word for word (the server runs the shared one).
    #[test]
    fn the_light_check_agrees_with_the_shared_one() {
        let set = shipped::get("cdht-324-2023").expect("shipped");
        let mut cases = vec![answer()];
        let mut bad = answer();
        bad.consent = false;
        bad.name = String::new();
        bad.birth_year = 2027;
        bad.phone = "090 abc".into();
        bad.address = "x".repeat(selfassess::MAX_TEXT_CHARS + 1);
        bad.household_head = "a\u{7}b".into();
        cases.push(bad);
        let mut old = answer();
        old.birth_year = 1800;
        cases.push(old);
        for case in cases {
            assert_eq!(light_check(&case, 2026), selfassess::check(&case, &set, 2026));
        }
    }

    /// Points outside an indicator's range or between the set's steps, and a share
    /// whose parts cannot be, are caught before sending; the shared check refuses them too.
    #[test]
    fn out_of_range_answers_are_caught_before_sending() {
        let json = serde_json::to_string(&shipped::get("cdht-324-2023").expect("shipped")).expect("json");
        let set: CriteriaSet = serde_json::from_str(&json).expect("the page reads the set");
        assert!(set.has_groups());
        let first = set.indicators().next().expect("an indicator");
        let points = |v: f64| Answer::Points(Points::from_f64(v).expect("points"));
        assert_eq!(out_of_range(&set, first, points(8.0)), None);
        assert_eq!(out_of_range(&set, first, points(11.0)).as_deref(), Some("điểm cần từ 0 đến 10"));
        assert_eq!(out_of_range(&set, first, points(7.5)).as_deref(), Some("điểm cần là số tròn, không có phần lẻ"));
        let share = Indicator {
            code: "x".into(),
            text: String::new(),
            hint: None,
            only_for: vec![],
            groups: vec![],
            measure: Measure::Share { numerator_label: "a".into(), denominator_label: "b".into() },
        };
        assert!(out_of_range(&set, &share, Answer::Share { numerator: 3, denominator: 2 }).is_some());
        assert!(out_of_range(&set, &share, Answer::Share { numerator: 1, denominator: 0 }).is_some());
        assert_eq!(out_of_range(&set, &share, Answer::Share { numerator: 1, denominator: 2 }), None);
        // A group's list: the indicators of other groups are not asked.
        let asked = |g: &str| set.indicators().filter(|i| i.asked_of(Some(g))).count();
        assert!(asked("nguoi_dan") > 0 && asked("nguoi_dan") < set.indicators().count() + 1);
    }
}
