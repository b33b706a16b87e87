//! Getting in: the login form, and the invitation page where a new officer chooses a
//! username and a password. The session is kept on the device, so after this the app
//! works offline; ticked "remember", it lasts 90 days on this device instead of a
//! working day. When the device still holds another account's unsent work, the page
//! says so before anyone signs in; nothing is deleted here.

use hoctap_shared::accounts::{AcceptInvitation, DeviceLogin, InvitationPreview, LoginRequest, LoginResponse};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::api::{self, ApiError, Body};
use crate::app::{date_vi, AppContext};
use crate::page::{self, Route};
use crate::storage::Storage;

/// Keeps `session` on the device and opens the home screen.
async fn sign_in(ctx: &AppContext, session: LoginResponse) -> Result<(), String> {
    let storage = Storage::open().await.map_err(|e| e.to_string())?;
    let result = storage.sign_in(&session).await;
    storage.close();
    result.map_err(|e| e.to_string())?;
    // Reads the session back with the device's records (another account's were dropped).
    crate::app::load(ctx.model.clone()).await;
    page::go(&Route::Home);
    ctx.sync_now.emit(());
    Ok(())
}

/// A short name for the browser and system a user agent describes (`Chrome trên
/// Android`), for the list of devices an account is signed in on.
fn device_label(agent: &str) -> String {
    // Edge also says Chrome, Chrome also says Safari; Android says Linux; iPhones say Mac.
    let pick = |names: &[&'static str]| names.iter().copied().find(|name| agent.contains(name));
    let browser = match pick(&["Edg", "Firefox", "Chrome", "Safari"]) {
        Some("Edg") => "Edge",
        found => found.unwrap_or("Trình duyệt"),
    };
    let system = match pick(&["Android", "iPhone", "iPad", "Windows", "Mac", "Linux"]) {
        Some("Mac") => "macOS",
        found => found.unwrap_or("máy tính"),
    };
    format!("{browser} trên {system}")
}

/// This device, when the officer asked to stay signed in on it: the app's device id and
/// a label from the browser. `None` (a short session) when unticked, or when the id
/// cannot be read.
async fn this_device(remember: bool) -> Option<DeviceLogin> {
    if !remember {
        return None;
    }
    let storage = Storage::open().await.ok()?;
    let id = storage.device().await.ok().map(|(id, _)| id);
    storage.close();
    let agent = web_sys::window().and_then(|w| w.navigator().user_agent().ok()).unwrap_or_default();
    Some(DeviceLogin { id: id?, label: device_label(&agent) })
}

/// The "remember me on this device" box, ticked by default.
fn remember_box(remember: &UseStateHandle<bool>) -> Html {
    let toggle = {
        let remember = remember.clone();
        Callback::from(move |_: Event| remember.set(!*remember))
    };
    html! {
        <>
            <label class="check">
                <input id="remember" type="checkbox" checked={**remember} onchange={toggle} />
                <span>{ "Ghi nhớ đăng nhập trên máy này (90 ngày)" }</span>
            </label>
            <p class="hint">{ "Bỏ chọn nếu đây là máy dùng chung." }</p>
        </>
    }
}

/// A text input's value from its event.
fn value(e: InputEvent) -> String {
    e.target_unchecked_into::<HtmlInputElement>().value()
}

/// The warning shown when unsent work of another account is on this device.
#[function_component(HeldWork)]
fn held_work() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let waiting = ctx.model.replica.borrow().waiting();
    if waiting == 0 {
        return Html::default();
    }
    html! {
        <p class="app-warning" role="alert">
            { format!("Máy này còn {waiting} thay đổi chưa gửi lên máy chủ. Chúng vẫn được giữ; \
                chỉ tài khoản đã nhập chúng mới gửi được. Đăng nhập bằng tài khoản đó để gửi.") }
        </p>
    }
}

#[function_component(LoginScreen)]
pub fn login_screen() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let username = use_state(String::new);
    let password = use_state(String::new);
    let remember = use_state(|| true);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let (username, password, remember, busy, error, ctx) =
            (username.clone(), password.clone(), *remember, busy.clone(), error.clone(), ctx.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let (username, password) = (username.trim().to_string(), (*password).clone());
            let (busy, error, ctx) = (busy.clone(), error.clone(), ctx.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let request = LoginRequest { username, password, device: this_device(remember).await };
                let answer: Result<LoginResponse, ApiError> =
                    api::call("POST", "/auth/login", None, Body::json(&request)).await;
                let result = match answer {
                    Ok(session) => sign_in(&ctx, session).await,
                    Err(ApiError::Offline) => {
                        Err("Cần có mạng để đăng nhập lần đầu. Hãy thử lại khi có sóng.".to_string())
                    }
                    Err(err) => Err(err.to_string()),
                };
                busy.set(false);
                error.set(result.err());
            });
        })
    };
    html! {
        <main class="app narrow">
            <h1 class="app-title">{ "hoctap — Đánh giá mô hình học tập" }</h1>
            <p class="app-notice">{ "Đăng nhập một lần khi có mạng; sau đó ứng dụng dùng được cả khi không có sóng." }</p>
            <HeldWork />
            <form class="card" onsubmit={onsubmit}>
                <label class="field" for="login-user">{ "Tên đăng nhập" }</label>
                <input id="login-user" class="text" autocomplete="username" autocapitalize="none" required=true
                    value={(*username).clone()} oninput={let s = username.clone(); Callback::from(move |e| s.set(value(e)))} />
                <label class="field" for="login-password">{ "Mật khẩu" }</label>
                <input id="login-password" class="text" type="password" autocomplete="current-password" required=true
                    value={(*password).clone()} oninput={let s = password.clone(); Callback::from(move |e| s.set(value(e)))} />
                { remember_box(&remember) }
                if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
                <button type="submit" class="primary" disabled={*busy}>{ if *busy { "Đang đăng nhập…" } else { "Đăng nhập" } }</button>
            </form>
            <p><a href={Route::Sets(None).href()}>{ "Chấm thử theo bộ tiêu chí (không cần đăng nhập)" }</a></p>
        </main>
    }
}

#[derive(Properties, PartialEq)]
pub struct InvitationProps {
    pub token: String,
}

#[function_component(InvitationScreen)]
pub fn invitation_screen(props: &InvitationProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let preview = use_state(|| None::<Result<InvitationPreview, String>>);
    {
        let (preview, token) = (preview.clone(), props.token.clone());
        use_effect_with(props.token.clone(), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let answer: Result<InvitationPreview, ApiError> =
                    api::call("GET", &format!("/invitations/{token}"), None, Body::None).await;
                preview.set(Some(answer.map_err(|e| e.to_string())));
            });
        });
    }
    let username = use_state(String::new);
    let password = use_state(String::new);
    let again = use_state(String::new);
    let remember = use_state(|| true);
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    let onsubmit = {
        let (username, password, again, remember, busy, error, ctx, token) = (
            username.clone(),
            password.clone(),
            again.clone(),
            *remember,
            busy.clone(),
            error.clone(),
            ctx.clone(),
            props.token.clone(),
        );
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *password != *again {
                error.set(Some("Hai lần nhập mật khẩu không giống nhau.".to_string()));
                return;
            }
            let (username, password) = (username.trim().to_string(), (*password).clone());
            let (busy, error, ctx, token) = (busy.clone(), error.clone(), ctx.clone(), token.clone());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let request = AcceptInvitation { username, password, device: this_device(remember).await };
                let path = format!("/invitations/{token}/accept");
                let answer: Result<LoginResponse, ApiError> =
                    api::call("POST", &path, None, Body::json(&request)).await;
                let result = match answer {
                    Ok(session) => sign_in(&ctx, session).await,
                    Err(err) => Err(err.to_string()),
                };
                busy.set(false);
                error.set(result.err());
            });
        })
    };
    let intro = match &*preview {
        None => html! { <p role="status">{ "Đang kiểm tra lời mời…" }</p> },
        Some(Err(message)) => html! { <p class="app-warning" role="alert">{ message }</p> },
        Some(Ok(p)) => html! {
            <p class="app-notice">
                { format!("Chào {}. Bạn được mời làm {} của {}. Lời mời dùng được đến {}.",
                    p.display_name, p.role.title().to_lowercase(), p.unit_name.clone().unwrap_or_else(|| p.unit.clone()),
                    date_vi(p.expires_at_ms as f64)) }
            </p>
        },
    };
    let input = |id: &str, label: &str, kind: &str, auto: &str, state: &UseStateHandle<String>| {
        let s = state.clone();
        html! {
            <>
                <label class="field" for={id.to_string()}>{ label.to_string() }</label>
                <input id={id.to_string()} class="text" type={kind.to_string()} autocomplete={auto.to_string()}
                    autocapitalize="none" required=true value={(**state).clone()} oninput={Callback::from(move |e| s.set(value(e)))} />
            </>
        }
    };
    html! {
        <main class="app narrow">
            <h1 class="app-title">{ "Nhận lời mời tham gia hoctap" }</h1>
            { intro }
            <HeldWork />
            if matches!(&*preview, Some(Ok(_))) {
                <form class="card" onsubmit={onsubmit}>
                    { input("invite-user", "Tên đăng nhập", "text", "username", &username) }
                    { input("invite-password", "Mật khẩu", "password", "new-password", &password) }
                    { input("invite-again", "Nhập lại mật khẩu", "password", "new-password", &again) }
                    <p class="hint">{ "Mật khẩu ít nhất 10 ký tự. Ghi nhớ tên đăng nhập để dùng trên máy khác." }</p>
                    { remember_box(&remember) }
                    if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
                    <button type="submit" class="primary" disabled={*busy}>{ if *busy { "Đang tạo…" } else { "Tạo tài khoản" } }</button>
                </form>
            }
        </main>
    }
}

#[cfg(test)]
mod tests {
    //! Device labels from real user agents.

    use super::device_label;

    #[test]
    fn device_labels_name_the_browser_and_the_system() {
        let cases = [
            ("Mozilla/5.0 (Linux; Android 13; SM-A145F) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Mobile Safari/537.36", "Chrome trên Android"),
            ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0", "Edge trên Windows"),
            ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1", "Safari trên iPhone"),
            ("Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0", "Firefox trên Linux"),
            ("", "Trình duyệt trên máy tính"),
        ];
        for (agent, label) in cases {
            assert_eq!(device_label(agent), label, "{agent}");
        }
    }
}
