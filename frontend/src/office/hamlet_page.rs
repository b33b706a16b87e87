//! Merging or archiving a hamlet, "Sáp nhập, giải thể thôn" (`#thon/<hamlet unit id>`,
//! linked from the hamlet's page in the main app): choose the hamlet it goes into (or
//! none, to archive it) and the day the decision takes effect, see what would move and
//! what stays as its history, then confirm. The server decides everything; this screen
//! shows its preview (`dry_run`) and its answer.

use std::rc::Rc;

use hoctap_shared::accounts::LoginResponse;
use hoctap_shared::date::Date;
use hoctap_shared::hamlets::{CloseHamlet, HamletClosed};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::error_text;
use super::staff_page::segment;
use crate::api::{self, Body};

/// Today in Vietnam, from the browser's clock (a default the officer can change).
fn today() -> Date {
    Date::in_vietnam(js_sys::Date::now() as i64)
}

#[derive(Properties, PartialEq)]
pub struct HamletScreenProps {
    pub session: Rc<LoginResponse>,
    /// The hamlet's unit id.
    pub hamlet: String,
}

/// Where the screen stands.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Loading,
    Failed(String),
    /// The server's preview for the choice shown.
    Preview(Rc<HamletClosed>),
    /// Sent; waiting for the server.
    Working(Rc<HamletClosed>),
    /// The server's answer to the real request.
    Done(Rc<HamletClosed>),
}

#[function_component(HamletScreen)]
pub fn hamlet_screen(props: &HamletScreenProps) -> Html {
    let step = use_state(|| Step::Loading);
    let into = use_state(String::new);
    let on = use_state(|| today().iso());
    let error = use_state(|| None::<String>);
    let token = Rc::new(props.session.token.clone());
    let path = format!("/units/{}/close", segment(&props.hamlet));
    // Asks the server, as a preview or for real.
    let ask = {
        let (step, error, token, path) = (step.clone(), error.clone(), Rc::clone(&token), path.clone());
        Callback::from(move |(target, day, dry_run): (String, String, bool)| {
            let Some(day) = Date::parse_iso(&day) else {
                error.set(Some("Hãy chọn ngày có hiệu lực của quyết định.".to_string()));
                return;
            };
            error.set(None);
            let request = CloseHamlet { on: day, merged_into: Some(target).filter(|t| !t.is_empty()), dry_run };
            if let Step::Preview(preview) = &*step {
                if !dry_run {
                    step.set(Step::Working(Rc::clone(preview)));
                }
            }
            let (step, error, token, path) = (step.clone(), error.clone(), Rc::clone(&token), path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let answer: Result<HamletClosed, _> =
                    api::call("POST", &path, Some(&token), Body::json(&request)).await;
                match answer {
                    Ok(answer) if dry_run => step.set(Step::Preview(Rc::new(answer))),
                    Ok(answer) => step.set(Step::Done(Rc::new(answer))),
                    Err(failure) => match &*step {
                        Step::Loading => step.set(Step::Failed(error_text(&failure))),
                        Step::Working(preview) => {
                            step.set(Step::Preview(Rc::clone(preview)));
                            error.set(Some(error_text(&failure)));
                        }
                        _ => error.set(Some(error_text(&failure))),
                    },
                }
            });
        })
    };
    {
        let (ask, on) = (ask.clone(), (*on).clone());
        use_effect_with(props.hamlet.clone(), move |_| ask.emit((String::new(), on, true)));
    }
    let title = html! { <h1 class="form-title">{ "Sáp nhập, giải thể thôn" }</h1> };
    let preview = match &*step {
        Step::Loading => return html! { <>{ title }<p class="app-notice" role="status">{ "Đang tải…" }</p></> },
        Step::Failed(message) => {
            return html! { <>{ title }<p class="app-warning" role="alert">{ message }</p><a href="/">{ "← Về ứng dụng" }</a></> }
        }
        Step::Done(done) => return finished(title, done),
        Step::Preview(preview) | Step::Working(preview) => Rc::clone(preview),
    };
    let working = matches!(*step, Step::Working(_));
    let archive = into.is_empty();
    let may_archive = preview.moved.total() == 0;
    let on_into = {
        let (into, ask, on) = (into.clone(), ask.clone(), on.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlSelectElement>().value();
            into.set(value.clone());
            ask.emit((value, (*on).clone(), true));
        })
    };
    let on_day = {
        let (on, ask, into) = (on.clone(), ask.clone(), into.clone());
        Callback::from(move |e: Event| {
            let value = e.target_unchecked_into::<HtmlInputElement>().value();
            on.set(value.clone());
            ask.emit(((*into).clone(), value, true));
        })
    };
    let confirm = {
        let (ask, into, on) = (ask.clone(), into.clone(), on.clone());
        Callback::from(move |_: MouseEvent| ask.emit(((*into).clone(), (*on).clone(), false)))
    };
    let target = preview.merged_into.clone().unwrap_or_default();
    html! {
        <section class="hamlet-close">
            { title }
            <p class="import-unit">{ &preview.hamlet }</p>
            <div class="card">
                <label class="field" for="hamlet-into">{ "Sáp nhập vào" }</label>
                <select id="hamlet-into" class="select" onchange={on_into} disabled={working}>
                    <option value="" selected={archive}>{ "— không sáp nhập: giải thể thôn —" }</option>
                    { for preview.candidates.iter().map(|c| html! {
                        <option value={c.unit.clone()} selected={*into == c.unit}>{ &c.name }</option>
                    }) }
                </select>
                <label class="field" for="hamlet-on">{ "Ngày quyết định có hiệu lực" }</label>
                <input id="hamlet-on" class="text" type="date" value={(*on).clone()} onchange={on_day} disabled={working} />
                <h2 class="section-title">{ "Xem trước" }</h2>
                if archive {
                    if may_archive {
                        <p>{ format!("{} sẽ được lưu trữ (giải thể); hồ sơ cũ vẫn xem được trong lịch sử: {}.", preview.hamlet, preview.kept.words()) }</p>
                    } else {
                        <p class="app-warning" role="alert">{ format!(
                            "{} còn {}. Hãy chọn thôn để sáp nhập, hoặc chuyển đi hay đánh dấu rời sổ từng hồ sơ trước khi giải thể.",
                            preview.hamlet, preview.moved.words()
                        ) }</p>
                    }
                } else {
                    <p class="close-moves">{ format!("Chuyển sang {target}: {}.", preview.moved.words()) }</p>
                    <p class="hint">{ format!(
                        "Giữ lại làm lịch sử của {} (đã công nhận, năm trước, đã rời sổ): {}. Báo cáo các năm trước của thôn vẫn đọc như cũ.",
                        preview.hamlet, preview.kept.words()
                    ) }</p>
                    <p class="hint">{ "Các máy của cán bộ sẽ nhận thay đổi ở lần đồng bộ sau. Cán bộ của thôn cũ cần được mời lại cho thôn mới trên trang Cán bộ." }</p>
                }
                if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
                <button type="button" class="primary" onclick={confirm} disabled={working || (archive && !may_archive)}>
                    { if working { "Đang thực hiện…".to_string() } else if archive { "Xác nhận giải thể".to_string() } else { format!("Xác nhận sáp nhập vào {target}") } }
                </button>
            </div>
        </section>
    }
}

/// The server's answer to the real request.
fn finished(title: Html, done: &HamletClosed) -> Html {
    let what = match &done.merged_into {
        Some(into) => {
            format!("Đã sáp nhập {} vào {into} từ ngày {}: đã chuyển {}.", done.hamlet, done.on, done.moved.words())
        }
        None => format!("Đã giải thể {} từ ngày {}.", done.hamlet, done.on),
    };
    html! {
        <section class="hamlet-close">
            { title }
            if done.closed {
                <p class="app-notice" role="status">{ what }</p>
            } else {
                <p class="app-warning" role="alert">{ format!(
                    "Chưa đóng được {}: máy chủ không chuyển {} hồ sơ dưới đây. Hãy xử lý rồi làm lại; những hồ sơ khác đã chuyển ({}).",
                    done.hamlet, done.refused.len(), done.moved.words()
                ) }</p>
                <ul class="rows">
                    { for done.refused.iter().map(|r| html! { <li><strong>{ &r.name }</strong>{ format!(": {}", r.message) }</li> }) }
                </ul>
            }
            <p><a class="primary" href="/#so/thon">{ "Về sổ thôn, tổ dân phố" }</a></p>
        </section>
    }
}
