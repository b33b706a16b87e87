//! "Nơi nhận báo cáo, cơ quan công nhận" (`#co-quan`): whom each level's annual report
//! goes to and who recognises each title in the account's province, since there are no
//! districts after 1 July 2025. Every row shows its default and whether a source
//! confirms it; the province administrator edits and saves them (`PUT
//! /units/{province}/authorities`), everyone else reads them.

use std::rc::Rc;

use hoctap_shared::accounts::{LoginResponse, Role};
use hoctap_shared::authorities::AuthoritiesView;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::authorities::{default_words, Form};
use super::error_text;
use super::staff_page::segment;
use crate::api::{self, Body};

#[derive(Properties, PartialEq)]
pub struct AuthoritiesScreenProps {
    pub session: Rc<LoginResponse>,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Failed(String),
    Loaded(Rc<AuthoritiesView>),
}

#[function_component(AuthoritiesScreen)]
pub fn authorities_screen(props: &AuthoritiesScreenProps) -> Html {
    let load = use_state(|| Load::Loading);
    let form = use_state(|| None::<Form>);
    let status = use_state(|| None::<Result<String, String>>);
    let saving = use_state(|| false);
    let token = Rc::new(props.session.token.clone());
    let unit = props.session.account.unit.clone();
    {
        let (load, form, token, unit) = (load.clone(), form.clone(), Rc::clone(&token), unit.clone());
        use_effect_with(unit.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/units/{}/authorities", segment(&unit));
                match api::call::<AuthoritiesView>("GET", &path, Some(&token), Body::None).await {
                    Ok(view) => {
                        form.set(Some(Form::of(&view)));
                        load.set(Load::Loaded(Rc::new(view)));
                    }
                    Err(error) => load.set(Load::Failed(error_text(&error))),
                }
            });
        });
    }
    let title = html! { <h1 class="form-title">{ "Nơi nhận báo cáo, cơ quan công nhận" }</h1> };
    let view = match &*load {
        Load::Loading => return html! { <>{ title }<p class="app-notice" role="status">{ "Đang tải…" }</p></> },
        Load::Failed(message) => return html! { <>{ title }<p class="app-warning" role="alert">{ message }</p></> },
        Load::Loaded(view) => Rc::clone(view),
    };
    let Some(current) = (*form).clone() else { return title };
    let editable = props.session.account.role == Role::ProvinceAdmin && props.session.account.unit == view.province;
    let on_save = {
        let (view, form, load, status, saving, token) =
            (Rc::clone(&view), form.clone(), load.clone(), status.clone(), saving.clone(), Rc::clone(&token));
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let Some(current) = (*form).clone() else { return };
            let update = current.update(&view);
            let path = format!("/units/{}/authorities", segment(&view.province));
            let (form, load, status, saving, token) =
                (form.clone(), load.clone(), status.clone(), saving.clone(), Rc::clone(&token));
            saving.set(true);
            status.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                match api::call::<AuthoritiesView>("PUT", &path, Some(&token), Body::json(&update)).await {
                    Ok(saved) => {
                        form.set(Some(Form::of(&saved)));
                        load.set(Load::Loaded(Rc::new(saved)));
                        status.set(Some(Ok(
                            "Đã lưu. Báo cáo và quyết định làm từ nay dùng các cơ quan này.".to_string()
                        )));
                    }
                    Err(error) => status.set(Some(Err(error_text(&error)))),
                }
                saving.set(false);
            });
        })
    };
    let set_recipient = |i: usize| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(mut f) = (*form).clone() {
                f.recipients[i] = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                form.set(Some(f));
            }
        })
    };
    let set_authority = |i: usize| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(mut f) = (*form).clone() {
                f.authorities[i] = e.target_unchecked_into::<HtmlInputElement>().value();
                form.set(Some(f));
            }
        })
    };
    let reset_recipient = |i: usize, default: String| {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(mut f) = (*form).clone() {
                f.recipients[i] = default.clone();
                form.set(Some(f));
            }
        })
    };
    let reset_authority = |i: usize, default: String| {
        let form = form.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(mut f) = (*form).clone() {
                f.authorities[i] = default.clone();
                form.set(Some(f));
            }
        })
    };
    let state_badge = |configured: bool| {
        if configured {
            html! { <span class="badge">{ "Tỉnh đã đặt" }</span> }
        } else {
            html! { <span class="badge provisional">{ "Đang dùng mặc định" }</span> }
        }
    };
    let changed = current.changed(&view);
    html! {
        <section class="authorities">
            { title }
            <p class="hint">{ format!("{}. Từ ngày 01/07/2025 không còn cấp huyện: báo cáo hằng năm và quyết định công nhận \
                dùng các cơ quan dưới đây. Trong tên cơ quan, {{xã}} và {{tỉnh}} được thay bằng tên xã và tên tỉnh \
                khi in (ví dụ “Ủy ban nhân dân {{xã}}” thành “Ủy ban nhân dân xã Cửu An”).", view.province_name) }</p>
            if !editable {
                <p class="hint">{ "Chỉ quản trị tỉnh sửa được các cơ quan này." }</p>
            }
            <form onsubmit={on_save}>
                <h2 class="section-title">{ "Nơi nhận báo cáo hằng năm" }</h2>
                <p class="hint">{ "Mỗi dòng một cơ quan; cơ quan đầu tiên là nơi đơn vị báo cáo." }</p>
                { for view.recipients.iter().enumerate().map(|(i, row)| {
                    let id = format!("recipient-{i}");
                    let default_text = row.default_to.join("\n");
                    html! {
                        <div class="card authority-row" data-level={format!("{:?}", row.level)}>
                            <label class="field" for={id.clone()}>{ &row.label }{ " " }{ state_badge(row.configured) }</label>
                            <textarea {id} rows="2" readonly={!editable} value={current.recipients[i].clone()}
                                oninput={set_recipient(i)} />
                            <p class="hint default">{ default_words(&row.default_to.join("; "), row.default_confirmed) }</p>
                            <p class="hint basis">{ &row.basis }</p>
                            if editable && current.recipients[i] != default_text {
                                <button type="button" class="secondary" onclick={reset_recipient(i, default_text.clone())}>
                                    { "Dùng mặc định" }</button>
                            }
                        </div>
                    }
                }) }
                <h2 class="section-title">{ "Cơ quan công nhận danh hiệu" }</h2>
                { for view.authorities.iter().enumerate().map(|(i, row)| {
                    let id = format!("authority-{i}");
                    html! {
                        <div class="card authority-row">
                            <label class="field" for={id.clone()}>{ &row.label }{ " " }{ state_badge(row.configured) }</label>
                            <input {id} class="text" readonly={!editable} value={current.authorities[i].clone()}
                                oninput={set_authority(i)} />
                            <p class="hint default">{ default_words(&row.default_authority, row.default_confirmed) }</p>
                            <p class="hint basis">{ &row.basis }</p>
                            if editable && current.authorities[i].trim() != row.default_authority {
                                <button type="button" class="secondary"
                                    onclick={reset_authority(i, row.default_authority.clone())}>{ "Dùng mặc định" }</button>
                            }
                        </div>
                    }
                }) }
                if editable {
                    <button type="submit" class="primary" disabled={*saving || !changed}>
                        { if *saving { "Đang lưu…" } else { "Lưu" } }</button>
                }
                { match &*status {
                    Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
                    Some(Err(message)) => html! { <p class="app-warning" role="alert">{ format!("Chưa lưu được. {message}") }</p> },
                    None => html! {},
                } }
            </form>
        </section>
    }
}
