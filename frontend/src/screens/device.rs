//! This device: the account signed in, how much browser storage the app uses and
//! whether the browser promised to keep it, how much evidence it keeps to show offline
//! (within [`crate::evidence::BOUND`]), changes waiting to sync (and whether they
//! wait for the device's date and time to be set right) and changes the server refused
//! (with why), and signing out. Signing out keeps unsent work on the
//! device; deleting it is a separate, warned choice that names how much would be lost.

use yew::prelude::*;

use crate::app::{date_vi, AppContext, Msg};
use crate::page::{self, Route};
use crate::storage::{self, Estimate, Storage};

/// The browser's estimate (a float of bytes) in words.
fn size_words(bytes: f64) -> String {
    crate::media::size_words(bytes as u64)
}

#[function_component(DeviceScreen)]
pub fn device_screen() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let estimate = use_state(|| None::<Option<Estimate>>);
    let kept = use_state(String::new);
    let persisted = use_state(|| None::<Option<bool>>);
    let message = use_state(|| None::<String>);
    {
        // The browser's answer to the app's request at start; asking again only repeats it.
        let persisted = persisted.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                persisted.set(Some(storage::persist().await.ok().flatten()));
            });
        });
    }
    {
        // Usage changes with every save and sync.
        let (estimate, kept) = (estimate.clone(), kept.clone());
        use_effect_with(ctx.model.version, move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                estimate.set(Some(storage::estimate().await.ok().flatten()));
                if let Some(bytes) = crate::evidence::kept_bytes().await {
                    kept.set(format!(
                        "Minh chứng tải về để xem khi không có mạng: {} / tối đa {}. Quá mức này, máy xóa bớt các \
                         tệp lâu chưa xem (máy chủ vẫn giữ, mở lại sẽ tải về); tệp đính kèm từ máy này không bị xóa.",
                        crate::media::size_words(bytes),
                        crate::media::size_words(crate::evidence::BOUND)
                    ));
                }
            });
        });
    }
    let waiting = ctx.model.replica.borrow().waiting();
    let refused: Vec<_> = ctx.model.replica.borrow().refusals().cloned().collect();
    let session = ctx.model.session.clone();
    // The unit's name: a hamlet's from the replica when it holds it, else from the unit's
    // lineage page
    // (`GET /units/{id}/lineage`, which the app already reads and keeps for offline use:
    // no decoder of its own in an app near its size budget); nothing rather than its id
    // while it is unknown.
    let unit = session.as_ref().map(|s| s.account.unit.clone()).unwrap_or_default();
    let hamlet = crate::replica::unit_name(&ctx.model.replica.borrow(), &unit);
    let path = (hamlet.is_none() && !unit.is_empty())
        .then(|| format!("/units/{}/lineage", crate::reports::encode_component(&unit)));
    let lineage = super::remote::use_server_page::<hoctap_shared::report::LineageView>(path, true, 0);
    let unit_name = hamlet
        .or_else(|| lineage.fetched.value.as_ref().map(|(view, _)| view.name.clone()))
        .map(|name| format!("Đơn vị: {name} · "));

    let sign_out = {
        let (ctx, message) = (ctx.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let (ctx, message) = (ctx.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Some(session) = ctx.model.session.as_ref() {
                    // Ends the session on the server when reachable; offline, it simply expires.
                    let _ =
                        crate::api::call_empty("POST", "/auth/logout", Some(&session.token), crate::api::Body::None)
                            .await;
                }
                let result = async {
                    let storage = Storage::open().await?;
                    storage.sign_out().await?;
                    storage.close();
                    Ok::<_, storage::StorageError>(())
                };
                match result.await {
                    Ok(()) => {
                        ctx.model.dispatch(Msg::SignedOut);
                        page::go(&Route::Login);
                    }
                    Err(err) => message.set(Some(err.to_string())),
                }
            });
        })
    };
    let discard = {
        let (ctx, message) = (ctx.clone(), message.clone());
        Callback::from(move |_: MouseEvent| {
            let n = ctx.model.replica.borrow().waiting();
            let question =
                format!("Xóa {n} thay đổi CHƯA GỬI lên máy chủ? Những thay đổi này sẽ mất hẳn, không lấy lại được.");
            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(&question).ok()).unwrap_or(false);
            if !confirmed {
                return;
            }
            let (ctx, message) = (ctx.clone(), message.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = async {
                    let storage = Storage::open().await?;
                    let n = storage.discard_outbox().await?;
                    storage.close();
                    Ok::<_, storage::StorageError>(n)
                };
                match result.await {
                    Ok(n) => {
                        ctx.model.dispatch(Msg::Discarded);
                        message.set(Some(format!("Đã xóa {n} thay đổi chưa gửi.")));
                    }
                    Err(err) => message.set(Some(err.to_string())),
                }
            });
        })
    };

    html! {
        <main class="app">
            <h1 class="form-title">{ "Máy này" }</h1>
            if let Some(session) = &session {
                <section class="card">
                    <h2 class="section-title">{ "Tài khoản" }</h2>
                    <p>{ format!("{} ({}) · {}", session.account.display_name, session.account.username, session.account.role.title()) }</p>
                    <p class="hint">{ format!("{}Phiên đăng nhập đến {}", unit_name.unwrap_or_default(), date_vi(session.expires_at_ms as f64)) }</p>
                    <p><a href="/office.html#thiet-bi">{ "Các thiết bị đang đăng nhập tài khoản này" }</a></p>
                    if hoctap_shared::accounts::invites_anyone(session.account.role) {
                        <p><a href={super::STAFF_HREF}>{ "Cán bộ: mời, khóa tài khoản" }</a></p>
                        <p><a href={super::IMPORT_HREF}>{ "Nhập sổ từ Excel" }</a></p>
                    }
                </section>
            }
            <section class="card">
                <h2 class="section-title">{ "Bộ nhớ trên máy" }</h2>
                { match &*estimate {
                    None => html! { <p role="status">{ "Đang đọc…" }</p> },
                    Some(None) => html! { <p>{ "Trình duyệt này không cho biết dung lượng đã dùng." }</p> },
                    Some(Some(e)) => html! { <p data-usage={e.usage.to_string()}>{ format!("Đã dùng {} trong {} trình duyệt cho phép.", size_words(e.usage), size_words(e.quota)) }</p> },
                } }
                { match &*persisted {
                    Some(Some(true)) => html! { <p class="save-status saved">{ "Trình duyệt đã đồng ý giữ dữ liệu này lâu dài (không tự xóa khi máy đầy)." }</p> },
                    Some(Some(false)) => html! { <p class="app-warning">{ "Trình duyệt chưa hứa giữ dữ liệu lâu dài: khi máy rất đầy, dữ liệu chưa gửi có thể bị xóa. Hãy đồng bộ thường xuyên, hoặc cài ứng dụng lên màn hình chính." }</p> },
                    _ => Html::default(),
                } }
                <p class="evidence-kept">{ (*kept).clone() }</p>
                <p>{ if waiting == 0 { "Mọi thay đổi đã được gửi lên máy chủ.".to_string() } else { format!("{waiting} thay đổi đang chờ gửi lên máy chủ.") } }</p>
                <super::ClockWarning />
                <button type="button" class="secondary" onclick={ctx.sync_now.reform(|_: MouseEvent| ())}>{ "Đồng bộ ngay" }</button>
            </section>
            if !refused.is_empty() {
                <section class="card">
                    <h2 class="section-title">{ format!("Thay đổi bị máy chủ từ chối ({})", refused.len()) }</h2>
                    <p class="hint">{ "Các thay đổi này vẫn được giữ trên máy để đối chiếu." }</p>
                    <ul>{ for refused.iter().map(|r| html! { <li>{ &r.message }</li> }) }</ul>
                </section>
            }
            <section class="card">
                <h2 class="section-title">{ "Đăng xuất" }</h2>
                if waiting > 0 {
                    <p class="app-warning">{ format!("Còn {waiting} thay đổi chưa gửi. Đăng xuất vẫn giữ chúng trên máy; đăng nhập lại bằng tài khoản này để gửi.") }</p>
                }
                <button type="button" class="secondary" onclick={sign_out}>{ "Đăng xuất (giữ dữ liệu trên máy)" }</button>
                if waiting > 0 {
                    <button type="button" class="danger" onclick={discard}>{ format!("Xóa {waiting} thay đổi chưa gửi…") }</button>
                }
            </section>
            if let Some(text) = &*message { <p class="hint" role="status">{ text }</p> }
            <p><a href={Route::Sets(None).href()}>{ "Chấm thử theo bộ tiêu chí" }</a></p>
        </main>
    }
}
