//! The register import, "Nhập sổ hộ và người dân từ Excel": download the commune's
//! template (or its register as it stands), choose a filled-in XLSX or CSV, preview what
//! importing it would do — counts, every problem by row and column, probable duplicates
//! — then import the rows without problems as a job whose progress is polled and whose
//! result is summed up. A province administrator first chooses the commune.
//!
//! The file is read once into a snapshot when previewed, and that snapshot is what the
//! confirmation sends, so the server's check that it is the previewed file (its SHA-256)
//! holds even if the file on disk is edited meanwhile; to preview an edited file, the
//! officer chooses it again.

use std::cell::RefCell;
use std::rc::Rc;
use std::time::Duration;

use hoctap_shared::accounts::{LoginResponse, Role};
use hoctap_shared::import::{ImportJob, JobState, Preview, MAX_FILE_BYTES};
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::error_text;
use super::import::{self as model, POLL_MS};
use super::staff::Child;
use super::staff_page::{segment, CommuneSearch, Load};
use super::upload;
use crate::api::{self, ApiError, Body};

/// What `GET /units/{id}` tells this screen: the unit's name and, for a province, its
/// communes.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct UnitInfo {
    full_name: String,
    #[serde(default)]
    children: Vec<Child>,
}

#[derive(Properties, PartialEq)]
pub struct ImportScreenProps {
    pub session: Rc<LoginResponse>,
    /// Another commune's import; `None` for the account's own unit.
    pub unit: Option<String>,
}

#[function_component(ImportScreen)]
pub fn import_screen(props: &ImportScreenProps) -> Html {
    let account = &props.session.account;
    let unit = props.unit.clone().unwrap_or_else(|| account.unit.clone());
    let info = use_state(|| Load::<UnitInfo>::Loading);
    {
        let info = info.clone();
        use_effect_with(unit.clone(), move |unit| {
            info.set(Load::Loading);
            let path = format!("/units/{}", segment(unit));
            wasm_bindgen_futures::spawn_local(async move {
                let answer: Result<UnitInfo, ApiError> = api::call("GET", &path, None, Body::None).await;
                info.set(match answer {
                    Ok(found) => Load::Ready(Rc::new(found)),
                    Err(error) => Load::Failed(error_text(&error)),
                });
            });
        });
    }
    let title = html! { <h1 class="form-title">{ "Nhập sổ hộ và người dân từ Excel" }</h1> };
    let info = match &*info {
        Load::Loading => return html! { <>{ title }<p class="app-notice" role="status">{ "Đang tải…" }</p></> },
        Load::Failed(message) => return html! { <>{ title }<p class="app-warning" role="alert">{ message }</p></> },
        Load::Ready(info) => Rc::clone(info),
    };
    if unit.starts_with("province:") {
        let communes: Vec<Child> = info.children.iter().filter(|c| c.id.starts_with("commune:")).cloned().collect();
        return html! {
            <div class="import">
                { title }
                <p class="app-notice">{ format!("{}: chọn xã, phường có sổ cần nhập.", info.full_name) }</p>
                <CommuneSearch children={Rc::new(communes)} import=true />
            </div>
        };
    }
    if !unit.starts_with("commune:") {
        return html! {
            <>
                { title }
                <p class="app-warning" role="alert">{ "Sổ hộ và người dân được nhập ở trang của một xã, phường." }</p>
            </>
        };
    }
    html! {
        <div class="import">
            { title }
            <p class="import-unit">{ &info.full_name }</p>
            if account.role == Role::ProvinceAdmin && props.unit.is_some() {
                <p><a href={super::route::OfficeRoute::Import(None).href()}>{ "← Chọn xã, phường khác" }</a></p>
            }
            <ImportFlow key={unit.clone()} commune={unit.clone()} commune_name={info.full_name.clone()}
                token={Rc::new(props.session.token.clone())} />
        </div>
    }
}

/// A file sent to the server, and how far.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Busy {
    Idle,
    /// The chosen file is being read on the device.
    Opening,
    /// Bytes sent of the total; `confirm` for the import itself, else the preview.
    Sending {
        sent: f64,
        total: f64,
        confirm: bool,
    },
    /// All sent; the server is reading and checking the file.
    Reading {
        confirm: bool,
    },
}

/// A previewed file: its name, the snapshot that was sent, and the server's preview.
#[derive(Debug, Clone, PartialEq)]
struct Previewed {
    file_name: String,
    file: web_sys::Blob,
    preview: Preview,
}

#[derive(Properties, PartialEq)]
struct ImportFlowProps {
    commune: String,
    commune_name: String,
    token: Rc<String>,
}

/// The three steps for one commune.
#[function_component(ImportFlow)]
fn import_flow(props: &ImportFlowProps) -> Html {
    let chosen = use_mut_ref(|| None::<web_sys::File>);
    let chosen_name = use_state(|| None::<String>);
    let busy = use_state(|| Busy::Idle);
    let previewed = use_state(|| None::<Rc<Previewed>>);
    let job = use_state(|| None::<Rc<ImportJob>>);
    let error = use_state(|| None::<String>);
    // Bumped to stop polling (the screen closed, another file was chosen).
    let generation = use_mut_ref(|| 0_u32);
    {
        let generation = Rc::clone(&generation);
        use_effect_with((), move |_| move || *generation.borrow_mut() += 1);
    }
    let base = format!("/units/{}/registers", segment(&props.commune));

    let on_choose = {
        let (chosen, chosen_name, previewed, job, error) =
            (Rc::clone(&chosen), chosen_name.clone(), previewed.clone(), job.clone(), error.clone());
        let generation = Rc::clone(&generation);
        Callback::from(move |e: Event| {
            let input: HtmlInputElement = e.target_unchecked_into();
            let file = input.files().and_then(|files| files.get(0));
            chosen_name.set(file.as_ref().map(|f| f.name()));
            *chosen.borrow_mut() = file;
            *generation.borrow_mut() += 1;
            previewed.set(None);
            job.set(None);
            error.set(None);
        })
    };
    // A file chosen again under the same name (after fixing it) must count as a change.
    let on_chooser_click = Callback::from(|e: MouseEvent| e.target_unchecked_into::<HtmlInputElement>().set_value(""));

    let preview_file = {
        let (chosen, busy, previewed, job, error) =
            (Rc::clone(&chosen), busy.clone(), previewed.clone(), job.clone(), error.clone());
        let (token, path) = (Rc::clone(&props.token), format!("{base}/import/preview"));
        Callback::from(move |_: MouseEvent| {
            let Some(file) = chosen.borrow().clone() else {
                return error.set(Some("Hãy chọn tệp Excel (.xlsx) hoặc CSV trước.".to_string()));
            };
            if file.size() > MAX_FILE_BYTES as f64 {
                return error.set(Some(
                    "Tệp lớn hơn 10 MB, máy chủ không nhận. Hãy chia danh sách thành nhiều tệp nhỏ hơn.".to_string(),
                ));
            }
            let (busy, previewed, job, error) = (busy.clone(), previewed.clone(), job.clone(), error.clone());
            let (token, path) = (Rc::clone(&token), path.clone());
            busy.set(Busy::Opening);
            previewed.set(None);
            job.set(None);
            error.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let file_name = file.name();
                let Some(snapshot) = upload::snapshot(&file).await else {
                    busy.set(Busy::Idle);
                    return error.set(Some(format!(
                        "Không đọc được tệp “{file_name}”. Có thể tệp đã được sửa hoặc chuyển chỗ sau khi chọn: hãy chọn lại tệp."
                    )));
                };
                let progress = sending(busy.clone(), false);
                let answer = upload::post_file::<Preview>(&path, &token, &snapshot, progress).await;
                busy.set(Busy::Idle);
                match answer {
                    Ok(preview) => previewed.set(Some(Rc::new(Previewed { file_name, file: snapshot, preview }))),
                    Err(e) => error.set(Some(error_text(&e))),
                }
            });
        })
    };

    let confirm = {
        let (busy, previewed, job, error) = (busy.clone(), previewed.clone(), job.clone(), error.clone());
        let (token, base, generation) = (Rc::clone(&props.token), base.clone(), Rc::clone(&generation));
        Callback::from(move |_: MouseEvent| {
            let Some(shown) = (*previewed).clone() else { return };
            let (busy, job, error, token, base) =
                (busy.clone(), job.clone(), error.clone(), Rc::clone(&token), base.clone());
            let generation = Rc::clone(&generation);
            busy.set(Busy::Opening);
            error.set(None);
            scroll_to("buoc-3");
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("{base}/import?sha256={}", shown.preview.file_sha256);
                let progress = sending(busy.clone(), true);
                let started = upload::post_file::<ImportJob>(&path, &token, &shown.file, progress).await;
                busy.set(Busy::Idle);
                let started = match started {
                    Ok(started) => started,
                    Err(e) => return error.set(Some(error_text(&e))),
                };
                let id = started.job.clone();
                let running = started.state == JobState::Running;
                job.set(Some(Rc::new(started)));
                if running {
                    let ticket = *generation.borrow();
                    poll(format!("{base}/import/{}", segment(&id)), token, job, error, generation, ticket).await;
                }
            });
        })
    };

    let busy_now = *busy != Busy::Idle;
    let running = job.as_ref().is_some_and(|j| j.state == JobState::Running);
    html! {
        <div class="import-grid">
                <Downloads base={base.clone()} commune_name={props.commune_name.clone()} token={Rc::clone(&props.token)} />
                <section class="card import-choose" aria-labelledby="buoc-2-title">
                    <h2 class="section-title" id="buoc-2-title">{ "Bước 2. Chọn tệp và xem trước" }</h2>
                    <p class="hint">{ "Tệp Excel (.xlsx) hoặc CSV (UTF-8), tối đa 10 MB. Xem trước không ghi gì vào sổ." }</p>
                    <label class="field" for="import-file">{ "Tệp danh sách" }</label>
                    <input id="import-file" class="file" type="file" accept={model::ACCEPT}
                        onchange={on_choose} onclick={on_chooser_click} disabled={busy_now || running} />
                    <div class="actions">
                        <button type="button" class="primary" onclick={preview_file}
                            disabled={chosen_name.is_none() || busy_now || running}>
                            { if previewed.is_some() { "Xem trước lại" } else { "Xem trước" } }
                        </button>
                    </div>
                    { busy_html(*busy, false) }
                    if let Some(message) = &*error {
                        <p class="form-error" role="alert">{ message }</p>
                    }
                </section>
                if let Some(shown) = &*previewed {
                    <PreviewCard shown={Rc::clone(shown)} />
                }
                <section class="card import-confirm" id="buoc-3" aria-labelledby="buoc-3-title">
                    <h2 class="section-title" id="buoc-3-title">{ "Bước 3. Nhập vào sổ" }</h2>
                    { step_three(previewed.as_deref(), job.as_deref(), *busy, confirm) }
                </section>
        </div>
    }
}

/// The progress callback of an upload: the share sent, then "reading" once all is sent.
fn sending(busy: UseStateHandle<Busy>, confirm: bool) -> impl Fn(f64, f64) + 'static {
    move |sent, total| {
        busy.set(if sent >= total { Busy::Reading { confirm } } else { Busy::Sending { sent, total, confirm } })
    }
}

/// Asks for the job's progress every [`POLL_MS`] until it ends, the screen closes or
/// another file is chosen (`generation` moves past `ticket`). A dropped connection is
/// tried again a few times before the screen says so.
async fn poll(
    path: String,
    token: Rc<String>,
    job: UseStateHandle<Option<Rc<ImportJob>>>,
    error: UseStateHandle<Option<String>>,
    generation: Rc<RefCell<u32>>,
    ticket: u32,
) {
    const MAX_FAILURES: u32 = 20;
    let mut failures = 0;
    loop {
        yew::platform::time::sleep(Duration::from_millis(POLL_MS)).await;
        if *generation.borrow() != ticket {
            return;
        }
        match api::call::<ImportJob>("GET", &path, Some(&token), Body::None).await {
            Ok(now) => {
                failures = 0;
                let running = now.state == JobState::Running;
                job.set(Some(Rc::new(now)));
                if !running {
                    return;
                }
            }
            Err(e) if e.is_transient() && failures < MAX_FAILURES => failures += 1,
            Err(ApiError::Server { status: 404, .. }) => {
                return error.set(Some(
                    "Máy chủ không còn giữ lần nhập này (có thể máy chủ vừa khởi động lại). Hãy bấm “Xem trước lại”: \
                     những gì đã ghi sẽ hiện là không đổi; nhập lại để ghi phần còn thiếu."
                        .to_string(),
                ));
            }
            Err(e) => return error.set(Some(error_text(&e))),
        }
    }
}

fn scroll_to(id: &str) {
    if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
        element.scroll_into_view();
    }
}

/// The busy line of an upload for the preview (`confirm` false) or the import.
fn busy_html(busy: Busy, confirm: bool) -> Html {
    match busy {
        Busy::Opening if !confirm => html! { <p class="hint" role="status">{ "Đang mở tệp…" }</p> },
        Busy::Sending { sent, total, confirm: c } if c == confirm => {
            let percent = if total > 0.0 { (sent * 100.0 / total).floor() as u32 } else { 0 };
            html! {
                <div class="upload-progress" role="status">
                    <progress max="100" value={percent.to_string()}></progress>
                    <p class="hint">{ format!("Đang gửi tệp… {percent} %") }</p>
                </div>
            }
        }
        Busy::Reading { confirm: c } if c == confirm => html! {
            <p class="hint busy" role="status">
                { if confirm { "Đang kiểm tra lại tệp…" } else { "Đang đọc tệp…" } }
            </p>
        },
        _ => Html::default(),
    }
}

/// Step 3: the import button, the job's progress, its result.
fn step_three(
    previewed: Option<&Previewed>,
    job: Option<&ImportJob>,
    busy: Busy,
    confirm: Callback<MouseEvent>,
) -> Html {
    let Some(shown) = previewed else {
        return html! { <p class="hint">{ "Xem trước tệp ở bước 2; nút nhập hiện ở đây sau khi xem trước." }</p> };
    };
    if let Some(job) = job {
        return job_html(job);
    }
    let valid = model::valid_rows(&shown.preview);
    let sending = matches!(busy, Busy::Sending { confirm: true, .. } | Busy::Reading { confirm: true });
    html! {
        <>
            if valid == 0 {
                <p class="app-warning">{ "Tệp không có dòng hợp lệ nào để nhập. Hãy sửa tệp rồi xem trước lại." }</p>
            } else {
                <p class="hint">{ "Chỉ ghi những hộ, người mới hoặc có thay đổi; ô để trống không xóa gì trong sổ. Máy của các thôn nhận dữ liệu mới khi đồng bộ." }</p>
                <button type="button" class="primary" onclick={confirm} disabled={busy != Busy::Idle}>
                    { if sending { "Đang nhập…".to_string() } else { format!("Nhập {} hợp lệ", model::rows_words(valid)) } }
                </button>
            }
            { busy_html(busy, true) }
        </>
    }
}

/// An import job: the progress bar while it runs, the summary once it ends.
fn job_html(job: &ImportJob) -> Html {
    let state = match job.state {
        JobState::Running => "running",
        JobState::Done => "done",
        JobState::Failed => "failed",
    };
    html! {
        <div class="import-job" data-state={state}>
            <progress max={job.total_rows.max(1).to_string()} value={job.done_rows.min(job.total_rows).to_string()}
                aria-label="Tiến độ nhập"></progress>
            <p class="progress-words" role="status">{ model::progress_words(job) }</p>
            if job.state != JobState::Running {
                <p class={classes!(if job.state == JobState::Done { "save-status saved" } else { "form-error" })}>
                    { model::result_headline(job) }
                </p>
                <dl class="import-summary">
                    { for model::result_counts(job).into_iter().map(|(label, n)| html! {
                        <div><dt>{ label }</dt><dd>{ model::number(n) }</dd></div>
                    }) }
                </dl>
                if !job.messages.is_empty() {
                    <ul class="import-messages">{ for job.messages.iter().map(|m| html! { <li>{ m }</li> }) }</ul>
                }
                <p class="hint">{ "Bấm “Xem trước lại” ở bước 2 để kiểm tra: tệp đã nhập sẽ hiện là không có thay đổi." }</p>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct PreviewCardProps {
    shown: Rc<Previewed>,
}

/// What confirming would do: counts, problems, probable duplicates, ignored columns.
#[function_component(PreviewCard)]
fn preview_card(props: &PreviewCardProps) -> Html {
    let preview = &props.shown.preview;
    let valid = model::valid_rows(preview);
    let count_row = |label: &str, c: &hoctap_shared::import::Counts| {
        html! {
            <tr>
                <th scope="row">{ label.to_string() }</th>
                <td class="number" data-label="Thêm mới">{ model::number(c.create) }</td>
                <td class="number" data-label="Cập nhật">{ model::number(c.update) }</td>
                <td class="number" data-label="Không đổi">{ model::number(c.unchanged) }</td>
            </tr>
        }
    };
    html! {
        <section class="card import-preview" aria-labelledby="preview-title">
            <h2 class="section-title" id="preview-title">{ "Kết quả xem trước" }</h2>
            <p class="row-meta file-name">{ &props.shown.file_name }</p>
            <p class="import-totals">
                { format!("{} dữ liệu: {} hợp lệ sẽ được nhập, {} bỏ qua.",
                    model::rows_words(preview.rows), model::rows_words(valid), model::rows_words(preview.skipped_rows)) }
            </p>
            if model::changes_nothing(preview) && valid > 0 {
                <p class="save-status saved">{ "Không có thay đổi: mọi hộ và người trong tệp đã có trong sổ đúng như tệp ghi." }</p>
            }
            <table class="import-counts">
                <thead><tr><th></th><th scope="col">{ "Thêm mới" }</th><th scope="col">{ "Cập nhật" }</th><th scope="col">{ "Không đổi" }</th></tr></thead>
                <tbody>
                    { count_row("Hộ", &preview.households) }
                    { count_row("Người", &preview.people) }
                </tbody>
            </table>
            if let Some(notice) = model::problems_notice(preview) {
                <h3 class="subsection-title">{ format!("Vấn đề ({})", model::number(preview.problems_total)) }</h3>
                <p class="app-warning" role="alert">{ notice }</p>
                <table class="import-table problems">
                    <thead><tr><th scope="col">{ "Dòng" }</th><th scope="col">{ "Cột" }</th><th scope="col">{ "Vấn đề" }</th></tr></thead>
                    <tbody>
                        { for preview.problems.iter().map(|p| html! {
                            <tr data-row={p.row.to_string()}>
                                <td class="number" data-label="Dòng">{ p.row }</td>
                                <td data-label="Cột">{ &p.column }</td>
                                <td data-label="Vấn đề">{ &p.message }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if let Some(more) = model::capped(preview.problems.len(), preview.problems_total) {
                    <p class="hint">{ more }</p>
                }
            } else {
                <p class="save-status saved">{ "Không có vấn đề nào trong tệp." }</p>
            }
            if preview.duplicates_total > 0 {
                <h3 class="subsection-title">{ format!("Có thể trùng ({})", model::number(preview.duplicates_total)) }</h3>
                <p class="hint">{ "Cùng họ tên, năm sinh, thôn và chủ hộ với một dòng trước hoặc một người đã có trong sổ. Các dòng này vẫn được nhập, trừ dòng ghi “bỏ qua” (chính người của dòng trước)." }</p>
                <table class="import-table duplicates">
                    <thead><tr>
                        <th scope="col">{ "Dòng" }</th><th scope="col">{ "Họ tên" }</th><th scope="col">{ "Năm sinh" }</th>
                        <th scope="col">{ "Hộ" }</th><th scope="col">{ "Trùng với" }</th>
                    </tr></thead>
                    <tbody>
                        { for preview.duplicates.iter().map(|d| html! {
                            <tr data-row={d.row.to_string()}>
                                <td class="number" data-label="Dòng">{ d.row }</td>
                                <td data-label="Họ tên">{ &d.name }</td>
                                <td class="number" data-label="Năm sinh">{ d.birth_year.map(|y| y.to_string()).unwrap_or_default() }</td>
                                <td data-label="Hộ">{ &d.household }</td>
                                <td data-label="Trùng với">{ if d.skipped { format!("{} (bỏ qua)", d.matches) } else { d.matches.clone() } }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
                if let Some(more) = model::capped(preview.duplicates.len(), preview.duplicates_total) {
                    <p class="hint">{ more }</p>
                }
            }
            if !preview.ignored_columns.is_empty() {
                <p class="hint ignored-columns">{ format!("Các cột không được nhập: {}.", preview.ignored_columns.join(", ")) }</p>
            }
        </section>
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Download {
    Template,
    Register,
}

#[derive(Properties, PartialEq)]
struct DownloadsProps {
    base: String,
    commune_name: String,
    token: Rc<String>,
}

/// Step 1: the template and the register as it stands, and what the columns take.
#[function_component(Downloads)]
fn downloads(props: &DownloadsProps) -> Html {
    let busy = use_state(|| None::<Download>);
    let notice = use_state(|| None::<Result<String, String>>);
    let download = |what: Download| {
        let (busy, notice, token) = (busy.clone(), notice.clone(), Rc::clone(&props.token));
        let (path, name) = match what {
            Download::Template => {
                (format!("{}/template.xlsx", props.base), model::template_file_name(&props.commune_name))
            }
            Download::Register => (format!("{}.xlsx", props.base), model::export_file_name(&props.commune_name)),
        };
        Callback::from(move |_: MouseEvent| {
            let (busy, notice, token, path, name) =
                (busy.clone(), notice.clone(), Rc::clone(&token), path.clone(), name.clone());
            busy.set(Some(what));
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::call_blob(&path, Some(&token)).await;
                busy.set(None);
                notice.set(Some(match result {
                    Ok(blob) if crate::files::save(&blob, &name) => Ok(format!("Đã tải tệp “{name}”.")),
                    Ok(_) => Err("Trình duyệt không cho lưu tệp.".to_string()),
                    Err(e) => Err(error_text(&e)),
                }));
            });
        })
    };
    let label = |what: Download, idle: &'static str| if *busy == Some(what) { "Đang tải…" } else { idle };
    html! {
        <section class="card import-get" aria-labelledby="buoc-1-title">
            <h2 class="section-title" id="buoc-1-title">{ "Bước 1. Chuẩn bị tệp" }</h2>
            <p>{ "Tải mẫu Excel của xã (đã có danh sách thôn), ghi mỗi người một dòng cùng các cột của hộ. Danh sách sẵn có cũng dùng được nếu tiêu đề cột giống mẫu." }</p>
            <p class="hint">{ "Bắt buộc: Thôn, tổ dân phố và Họ và tên. Các dòng cùng Mã hộ (hoặc cùng Họ tên chủ hộ và Địa chỉ) là một hộ. Nhập lại cùng một tệp không tạo bản ghi trùng." }</p>
            <div class="actions">
                <button type="button" class="secondary" onclick={download(Download::Template)} disabled={busy.is_some()}>
                    { label(Download::Template, "Tải mẫu Excel") }
                </button>
                <button type="button" class="secondary" onclick={download(Download::Register)} disabled={busy.is_some()}>
                    { label(Download::Register, "Tải sổ hiện có (Excel)") }
                </button>
            </div>
            { match &*notice {
                Some(Ok(text)) => html! { <p class="save-status saved" role="status">{ text }</p> },
                Some(Err(text)) => html! { <p class="form-error" role="alert">{ text }</p> },
                None => Html::default(),
            } }
            <details class="import-guide">
                <summary>{ "Các cột của mẫu" }</summary>
                <dl>
                    { for model::guide().into_iter().map(|(header, help)| html! {
                        <><dt>{ header }</dt><dd>{ help }</dd></>
                    }) }
                </dl>
            </details>
        </section>
    }
}
