//! "Bộ tiêu chí của tỉnh" (`#bo-tieu-chi-tinh`): the sets the province published, the
//! national ones to start from, and the editor. Starting from a set fetches its file
//! (`GET /units/{id}/criteria/{set}/source`) and reads it here with the loader; every
//! change is checked in the browser by the same loader as the server's
//! ([`super::criteria_editor`]), each diagnostic shown beside its field; the officer's
//! form is previewed with the main app's evaluation form; publishing (`POST
//! /units/{province}/criteria`) asks for a confirmation that says what officers will see
//! and from when.

use std::rc::Rc;

use hoctap_shared::accounts::{LoginResponse, Role};
use hoctap_shared::criteria::{self, CriteriaSet};
use hoctap_shared::date::Date;
use hoctap_shared::diagnostic::Diagnostic;
use serde::Deserialize;
use wasm_bindgen_futures::JsFuture;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::criteria_editor::{self, place, severity_word, Checked, Edit, Field, Form};
use super::error_text;
use super::staff_page::segment;
use crate::api::{self, Body};
use crate::components::EvaluationFormView;
use crate::evaluation::EvaluationForm;

/// One published version, as `GET /units/{id}/criteria` lists it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ProvinceSet {
    set: CriteriaSet,
    published_at_ms: i64,
    published_by: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct ProvinceSets {
    sets: Vec<ProvinceSet>,
}

/// `POST /units/{province}/criteria/from-xlsx`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct FromSheet {
    set: CriteriaSet,
    diagnostics: Vec<Diagnostic>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Published {
    version: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Load {
    Loading,
    Failed(String),
    Loaded(Rc<Vec<ProvinceSet>>),
}

/// The form being edited, changed only through [`Edit`]s so that quick typing never
/// works on a stale copy.
#[derive(Debug, Clone, PartialEq, Default)]
struct Editor {
    form: Option<Form>,
}

enum EditorAction {
    Open(Box<Form>),
    Close,
    Edit(Edit),
}

impl Reducible for Editor {
    type Action = EditorAction;

    fn reduce(self: Rc<Self>, action: EditorAction) -> Rc<Self> {
        Rc::new(match action {
            EditorAction::Open(form) => Editor { form: Some(*form) },
            EditorAction::Close => Editor { form: None },
            EditorAction::Edit(edit) => Editor { form: self.form.clone().map(|f| f.apply(edit)) },
        })
    }
}

#[derive(Properties, PartialEq)]
pub struct CriteriaScreenProps {
    pub session: Rc<LoginResponse>,
}

fn today() -> Date {
    Date::in_vietnam(js_sys::Date::now() as i64)
}

#[function_component(CriteriaScreen)]
pub fn criteria_screen(props: &CriteriaScreenProps) -> Html {
    let load = use_state(|| Load::Loading);
    let reload = use_state(|| 0u32);
    let editor = use_reducer_eq(Editor::default);
    let notice = use_state(|| None::<Result<String, String>>);
    let file_problems = use_state(Vec::<Diagnostic>::new);
    let token = Rc::new(props.session.token.clone());
    let account = &props.session.account;
    let unit = account.unit.clone();
    let admin = account.role == Role::ProvinceAdmin;
    {
        let (load, token, unit) = (load.clone(), Rc::clone(&token), unit.clone());
        use_effect_with((unit, *reload), move |(unit, _)| {
            let path = format!("/units/{}/criteria", segment(unit));
            wasm_bindgen_futures::spawn_local(async move {
                match api::call::<ProvinceSets>("GET", &path, Some(&token), Body::None).await {
                    Ok(list) => load.set(Load::Loaded(Rc::new(list.sets))),
                    Err(error) => load.set(Load::Failed(error_text(&error))),
                }
            });
        });
    }
    // Fetches a set's file and opens the form over it: a national set as a new set of
    // the province, a province set as its next version.
    let start = {
        let (editor, notice, token, unit) = (editor.clone(), notice.clone(), Rc::clone(&token), unit.clone());
        Callback::from(move |(id, own): (String, bool)| {
            let (editor, notice, token, unit) = (editor.clone(), notice.clone(), Rc::clone(&token), unit.clone());
            notice.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/units/{}/criteria/{}/source", segment(&unit), segment(&id));
                match api::call_text("GET", &path, Some(&token), Body::None).await {
                    Ok(text) => match criteria::parse(&text).set {
                        Some(set) if own => {
                            editor.dispatch(EditorAction::Open(Box::new(Form::next_version(&set, today()))))
                        }
                        Some(set) => {
                            editor.dispatch(EditorAction::Open(Box::new(Form::from_shipped(&set, &unit, today()))))
                        }
                        None => notice.set(Some(Err("Tệp của bộ tiêu chí này không đọc được.".to_string()))),
                    },
                    Err(error) => notice.set(Some(Err(error_text(&error)))),
                }
            });
        })
    };
    let on_file = {
        let (editor, file_problems, notice) = (editor.clone(), file_problems.clone(), notice.clone());
        let (token, unit) = (Rc::clone(&token), unit.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let (editor, file_problems, notice) = (editor.clone(), file_problems.clone(), notice.clone());
            let (token, unit) = (Rc::clone(&token), unit.clone());
            notice.set(None);
            if file.name().to_lowercase().ends_with(".xlsx") {
                // A filled template: the server reads it into a set and its diagnostics;
                // the form opens over the set and shows them on its fields.
                wasm_bindgen_futures::spawn_local(async move {
                    let Ok(buffer) = JsFuture::from(file.array_buffer()).await else {
                        notice.set(Some(Err("Không đọc được tệp.".to_string())));
                        return;
                    };
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    let path = format!("/units/{}/criteria/from-xlsx", segment(&unit));
                    let body = Body::Bytes {
                        bytes: &bytes,
                        media_type: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    };
                    match api::call::<FromSheet>("POST", &path, Some(&token), body).await {
                        Ok(read) => {
                            // Cells that could not be read are not on any field: listed
                            // here, to fix in the spreadsheet.
                            let cells: Vec<Diagnostic> =
                                read.diagnostics.into_iter().filter(|d| d.path.starts_with("dòng")).collect();
                            if cells.is_empty() {
                                file_problems.set(Vec::new());
                                editor.dispatch(EditorAction::Open(Box::new(Form::of(&read.set))));
                            } else {
                                file_problems.set(cells);
                            }
                        }
                        Err(error) => notice.set(Some(Err(error_text(&error)))),
                    }
                });
                return;
            }
            wasm_bindgen_futures::spawn_local(async move {
                let text = JsFuture::from(file.text()).await.ok().and_then(|v| v.as_string());
                let Some(text) = text else {
                    notice.set(Some(Err("Không đọc được tệp; tệp cần là văn bản UTF-8.".to_string())));
                    return;
                };
                let parsed = criteria::parse(&text);
                match parsed.set {
                    Some(set) => {
                        file_problems.set(Vec::new());
                        editor.dispatch(EditorAction::Open(Box::new(Form::of(&set))));
                    }
                    None => file_problems.set(parsed.diagnostics),
                }
            });
        })
    };

    // The XLSX template of a set, to fill in with a spreadsheet and upload back.
    let template = {
        let (notice, token, unit) = (notice.clone(), Rc::clone(&token), unit.clone());
        Callback::from(move |id: String| {
            let (notice, token) = (notice.clone(), Rc::clone(&token));
            let path = format!("/units/{}/criteria/{}/template.xlsx", segment(&unit), segment(&id));
            wasm_bindgen_futures::spawn_local(async move {
                let name = format!("mau-{id}.xlsx");
                notice.set(Some(match api::call_blob(&path, Some(&token)).await {
                    Ok(blob) if crate::files::save(&blob, &name) => Ok(format!("Đã tải tệp “{name}”.")),
                    Ok(_) => Err("Trình duyệt không cho lưu tệp.".to_string()),
                    Err(error) => Err(error_text(&error)),
                }));
            });
        })
    };
    let title = html! { <h1 class="form-title">{ "Bộ tiêu chí của tỉnh" }</h1> };
    let notice_html = match &*notice {
        Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
        Some(Err(message)) => html! { <p class="app-warning" role="alert">{ message }</p> },
        None => html! {},
    };
    if let Some(form) = &editor.form {
        let on_edit = {
            let editor = editor.clone();
            Callback::from(move |edit: Edit| editor.dispatch(EditorAction::Edit(edit)))
        };
        let on_close = {
            let editor = editor.clone();
            Callback::from(move |_: MouseEvent| editor.dispatch(EditorAction::Close))
        };
        let on_published = {
            let (editor, notice, reload) = (editor.clone(), notice.clone(), reload.clone());
            Callback::from(move |message: String| {
                editor.dispatch(EditorAction::Close);
                notice.set(Some(Ok(message)));
                reload.set(*reload + 1);
            })
        };
        return html! {
            <section class="criteria-editor">
                { title }
                <EditorView form={form.clone()} {on_edit} {on_close} {on_published}
                    token={Rc::clone(&token)} province={unit.clone()} />
            </section>
        };
    }

    let province_sets = match &*load {
        Load::Loading => html! { <p class="app-notice" role="status">{ "Đang tải…" }</p> },
        Load::Failed(message) => html! { <p class="app-warning" role="alert">{ message }</p> },
        Load::Loaded(sets) if sets.is_empty() => {
            html! { <p class="hint">{ "Tỉnh chưa ban hành bộ tiêu chí riêng nào: các xã dùng các bộ toàn quốc." }</p> }
        }
        Load::Loaded(sets) => html! {
            <ul class="plain-list criteria-sets province-sets">
                { for sets.iter().rev().map(|p| {
                    let newest = sets.iter().filter(|o| o.set.id == p.set.id).all(|o| {
                        criteria::compare_versions(&o.set.version, &p.set.version).is_le()
                    });
                    let onclick = start.reform({ let id = p.set.id.clone(); move |_: MouseEvent| (id.clone(), true) });
                    html! {
                        <li class="card set-row" data-set={p.set.id.clone()} data-version={p.set.version.clone()}>
                            <p class="set-name">{ &p.set.name }</p>
                            <p class="hint">{ format!("{} · phiên bản {} · áp dụng từ {}", p.set.model.title(),
                                p.set.version, p.set.effective_from) }</p>
                            <p class="hint">{ format!("Ban hành {} bởi {}", crate::app::datetime_vi(p.published_at_ms as f64),
                                if p.published_by.is_empty() { "tài khoản đã xóa" } else { &p.published_by }) }</p>
                            if admin && newest {
                                <button type="button" class="secondary" {onclick}>{ "Soạn phiên bản mới" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    };
    // The newest version of each shipped set: older ones stay only for the evaluations
    // made with them.
    let every = crate::catalog::sets();
    // A superseded set (QĐ 244 since QĐ 324) is no place to start an adaptation from.
    let national: Vec<&CriteriaSet> =
        hoctap_shared::criteria::newest(&every).filter(|s| s.effective_to.is_none_or(|to| to >= today())).collect();
    html! {
        <section class="criteria-sets-screen">
            { title }
            <p class="hint">{ "Bộ tiêu chí tỉnh ban hành được dùng ở mọi xã của tỉnh từ ngày có hiệu lực, bên cạnh các bộ toàn quốc." }</p>
            { notice_html }
            <h2 class="section-title">{ "Đã ban hành" }</h2>
            { province_sets }
            if admin {
                <h2 class="section-title">{ "Soạn từ bộ có sẵn" }</h2>
                <p class="hint">{ "Chọn một bộ toàn quốc để điều chỉnh cho tỉnh ngay trên trang này, hoặc tải mẫu Excel của bộ đó để điền rồi tải lên; cũng có thể tải lên tệp TOML đã soạn." }</p>
                <ul class="plain-list criteria-sets national-sets">
                    { for national.iter().map(|set| {
                        let onclick = start.reform({ let id = set.id.clone(); move |_: MouseEvent| (id.clone(), false) });
                        html! {
                            <li class="card set-row" data-set={set.id.clone()}>
                                <p class="set-name">{ &set.name }</p>
                                <p class="hint">{ format!("{} · {} · phiên bản {}", set.model.title(), set.legal_basis.number, set.version) }</p>
                                <div class="actions">
                                    <button type="button" class="secondary start-from" {onclick}>{ "Soạn từ bộ này" }</button>
                                    <button type="button" class="secondary" onclick={template.reform({ let id = set.id.clone(); move |_: MouseEvent| id.clone() })}>
                                        { "Tải mẫu Excel" }</button>
                                </div>
                            </li>
                        }
                    }) }
                </ul>
                <label class="field" for="criteria-file">{ "Tải lên tệp TOML, hoặc mẫu Excel đã điền" }</label>
                <input id="criteria-file" type="file" accept=".toml,.xlsx,text/plain" onchange={on_file} />
                if !file_problems.is_empty() {
                    <div class="app-warning" role="alert">
                        <p>{ format!("Tệp có {} lỗi, chưa mở được:", file_problems.iter().filter(|d| d.is_error()).count()) }</p>
                        <ul class="diagnostics">
                            { for file_problems.iter().map(|d| html! {
                                <li class={if d.is_error() { "error" } else { "warning" }}>
                                    { match d.line { Some(line) => format!("Dòng {line}: {}", d.message), None => d.message.clone() } }
                                </li>
                            }) }
                        </ul>
                    </div>
                }
            } else {
                <p class="hint">{ "Chỉ quản trị tỉnh soạn và ban hành được bộ tiêu chí của tỉnh." }</p>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct EditorViewProps {
    form: Form,
    on_edit: Callback<Edit>,
    on_close: Callback<MouseEvent>,
    on_published: Callback<String>,
    token: Rc<String>,
    province: String,
}

#[function_component(EditorView)]
fn editor_view(props: &EditorViewProps) -> Html {
    let form = &props.form;
    let checked = use_memo(form.clone(), |form| form.check());
    let confirming = use_state(|| false);
    let publishing = use_state(|| false);
    let refusal = use_state(|| None::<(String, Vec<Diagnostic>)>);
    let preview = use_state(|| false);
    let errors = checked.errors();
    let warnings = checked.warnings();
    let input = |field: Field, label: &str, wide: bool| field_input(form, &checked, field, label, wide, &props.on_edit);

    let on_publish = {
        let (checked, token, province) = (Rc::clone(&checked), Rc::clone(&props.token), props.province.clone());
        let (publishing, refusal, confirming, on_published) =
            (publishing.clone(), refusal.clone(), confirming.clone(), props.on_published.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(set) = checked.set.clone() else { return };
            let text = checked.toml.clone();
            let path = format!("/units/{}/criteria", segment(&province));
            let (token, publishing, refusal, confirming, on_published) =
                (Rc::clone(&token), publishing.clone(), refusal.clone(), confirming.clone(), on_published.clone());
            publishing.set(true);
            refusal.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                let body = Body::Bytes { bytes: text.as_bytes(), media_type: "text/plain; charset=utf-8" };
                match api::call::<Published>("POST", &path, Some(&token), body).await {
                    Ok(done) => on_published.emit(format!(
                        "Đã ban hành “{}”, phiên bản {}, áp dụng từ {}.",
                        set.name, done.version, set.effective_from
                    )),
                    Err(error) => {
                        refusal.set(Some((error_text(&error), error.diagnostics().to_vec())));
                        confirming.set(false);
                    }
                }
                publishing.set(false);
            });
        })
    };
    let toggle = |state: &UseStateHandle<bool>, value: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(value))
    };
    let on_provisional = {
        let on_edit = props.on_edit.clone();
        Callback::from(move |e: Event| {
            on_edit.emit(Edit::Provisional(e.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };

    let summary = html! {
        <div class={classes!("criteria-summary", (errors > 0).then_some("has-errors"))} role="status" aria-live="polite">
            <p class="summary-count">{
                match (errors, warnings) {
                    (0, 0) => "Không có lỗi: có thể ban hành.".to_string(),
                    (0, w) => format!("Không có lỗi, {w} cảnh báo: có thể ban hành."),
                    (e, 0) => format!("{e} lỗi: sửa hết lỗi mới ban hành được."),
                    (e, w) => format!("{e} lỗi, {w} cảnh báo: sửa hết lỗi mới ban hành được."),
                }
            }</p>
            if !checked.diagnostics.is_empty() {
                <ul class="diagnostics">
                    { for checked.diagnostics.iter().map(|d| html! {
                        <li class={if d.is_error() { "error" } else { "warning" }} data-code={d.code.clone()}>
                            { format!("{} — {}: {}", severity_word(d), place(form, d), d.message) }
                        </li>
                    }) }
                </ul>
            }
        </div>
    };

    html! {
        <div class="criteria-form">
            <p class="hint">{ format!("{} · Mỗi thay đổi được kiểm tra ngay như khi máy chủ nhận tệp.", form.model_title()) }</p>
            { summary.clone() }
            <fieldset class="card">
                <legend>{ "Thông tin chung" }</legend>
                { input(Field::Name, "Tên bộ tiêu chí", true) }
                <div class="criteria-grid">
                    { input(Field::Id, "Mã bộ (chữ thường không dấu, số, dấu -)", false) }
                    { input(Field::Version, "Phiên bản", false) }
                    { date_input(form, &checked, Field::EffectiveFrom, "Ngày có hiệu lực", &props.on_edit) }
                    if form.in_points() {
                        { input(Field::Scale, "Tổng điểm", false) }
                    }
                </div>
                <label class="check">
                    <input type="checkbox" checked={form.provisional} onchange={on_provisional} />
                    { " Tạm thời (còn nội dung chưa xác nhận)" }
                </label>
                { input(Field::StatusNote, "Ghi chú trạng thái (điều gì chưa xác nhận)", true) }
            </fieldset>
            <fieldset class="card">
                <legend>{ "Căn cứ pháp lý" }</legend>
                <div class="criteria-grid">
                    { input(Field::LegalNumber, "Số, ký hiệu văn bản", false) }
                    { date_input(form, &checked, Field::LegalDate, "Ngày ban hành văn bản", &props.on_edit) }
                </div>
                { input(Field::LegalIssuer, "Cơ quan ban hành", true) }
                { input(Field::LegalTitle, "Trích yếu", true) }
            </fieldset>
            { for form.criteria.iter().enumerate().map(|(c, criterion)| {
                let remove = props.on_edit.reform(move |_: MouseEvent| Edit::RemoveCriterion(c));
                let add = props.on_edit.reform(move |_: MouseEvent| Edit::AddIndicator(c));
                html! {
                    <fieldset class="card criterion-block" data-criterion={c.to_string()}>
                        <legend>{ format!("Tiêu chí {}", criterion.code) }</legend>
                        <div class="criteria-grid">
                            { input(Field::CriterionCode(c), "Mã tiêu chí", false) }
                            if form.in_points() {
                                { input(Field::CriterionPoints(c), "Số điểm", false) }
                            }
                        </div>
                        { input(Field::CriterionName(c), "Tên tiêu chí", true) }
                        { for criterion.indicators.iter().enumerate().map(|(i, indicator)| {
                            let remove = props.on_edit.reform(move |_: MouseEvent| Edit::RemoveIndicator(c, i));
                            let on_required = props.on_edit.reform(move |e: Event| {
                                Edit::Required(c, i, e.target_unchecked_into::<HtmlInputElement>().checked())
                            });
                            let is_share = matches!(indicator.kept.measure, hoctap_shared::criteria::Measure::Share { .. });
                            let is_met = matches!(indicator.kept.measure, hoctap_shared::criteria::Measure::Met { .. });
                            html! {
                                <div class="indicator-block" data-indicator={indicator.code.clone()}>
                                    <div class="criteria-grid">
                                        { input(Field::IndicatorCode(c, i), "Mã chỉ số", false) }
                                        if is_met {
                                            { input(Field::IndicatorLevels(c, i), "Bắt buộc ở mức (1, 2)", false) }
                                        } else if indicator.kept.max_points().is_some() {
                                            { input(Field::IndicatorMax(c, i), "Điểm tối đa", false) }
                                        }
                                    </div>
                                    { input(Field::IndicatorText(c, i), "Nội dung chỉ số", true) }
                                    { input(Field::IndicatorHint(c, i), "Gợi ý minh chứng", true) }
                                    { input(Field::IndicatorNote(c, i), "Ghi chú cần đối chiếu (không hiện cho cán bộ)", true) }
                                    if is_share {
                                        <p class="hint">{ "Chỉ số tỷ lệ: các ngưỡng giữ như bộ gốc." }</p>
                                    }
                                    <div class="actions">
                                        if form.has_pass_mark() {
                                            <label class="check">
                                                <input type="checkbox" checked={indicator.required} onchange={on_required} />
                                                { " Bắt buộc đạt điểm tối đa" }
                                            </label>
                                        }
                                        <button type="button" class="secondary" onclick={remove}>{ "Xóa chỉ số" }</button>
                                    </div>
                                </div>
                            }
                        }) }
                        <div class="actions">
                            <button type="button" class="secondary" onclick={add}>{ "Thêm chỉ số" }</button>
                            <button type="button" class="secondary" onclick={remove}>{ "Xóa tiêu chí" }</button>
                        </div>
                    </fieldset>
                }
            }) }
            <div class="actions">
                <button type="button" class="secondary" onclick={props.on_edit.reform(|_: MouseEvent| Edit::AddCriterion)}>
                    { "Thêm tiêu chí" }</button>
            </div>
            <fieldset class="card">
                <legend>{ "Quy tắc công nhận" }</legend>
                if form.has_pass_mark() {
                    <div class="criteria-grid">
                        { input(Field::PassMark, "Điểm đạt", false) }
                        { input(Field::MinIndicator, "Điểm tối thiểu mỗi chỉ số (để trống: không có)", false) }
                    </div>
                    <p class="hint">{ "Điểm đạt riêng cho vùng (để trống: vùng đó đạt ở cùng mức điểm trên). Phiếu chỉ hỏi vùng khi bộ có mức riêng." }</p>
                    <div class="criteria-grid">
                        { for criteria_editor::AREA_RULES.iter().enumerate().map(|(a, (_, name))| input(Field::AreaMark(a), name, false)) }
                    </div>
                }
                { for form.bands.iter().enumerate().map(|(b, _)| html! {
                    <div class="criteria-grid">
                        { input(Field::BandName(b), "Xếp loại", false) }
                        { input(Field::BandMin(b), "Từ số điểm", false) }
                    </div>
                }) }
                if !form.bands.is_empty() {
                    { input(Field::Below, "Dưới các mức trên", false) }
                }
                { for form.levels.iter().enumerate().map(|(l, _)| input(Field::LevelName(l), &format!("Tên mức {}", l + 1), false)) }
            </fieldset>
            { summary }
            if let Some((message, diagnostics)) = &*refusal {
                <div class="app-warning" role="alert">
                    <p>{ format!("Chưa ban hành được. {message}") }</p>
                    <ul class="diagnostics">{ for diagnostics.iter().map(|d| html! { <li>{ &d.message }</li> }) }</ul>
                </div>
            }
            <div class="actions editor-actions">
                <button type="button" class="secondary" disabled={checked.set.is_none()} onclick={toggle(&preview, !*preview)}>
                    { if *preview { "Ẩn phiếu xem trước" } else { "Xem trước phiếu của cán bộ" } }</button>
                <button type="button" class="primary" disabled={errors > 0 || *publishing} onclick={toggle(&confirming, true)}>
                    { "Ban hành…" }</button>
                <button type="button" class="secondary" onclick={props.on_close.clone()}>{ "Bỏ, quay lại danh sách" }</button>
            </div>
            if *confirming {
                if let Some(set) = &checked.set {
                    <div class="confirm" role="alertdialog" aria-label="Xác nhận ban hành">
                        <p>{ format!("Từ ngày {}, cán bộ các xã, thôn trong tỉnh sẽ thấy bộ “{}” (phiên bản {}) khi đánh giá \
                            “{}”. Bộ đã ban hành không sửa được; muốn thay đổi, hãy ban hành phiên bản mới.",
                            set.effective_from, set.name, set.version, set.model.title()) }</p>
                        <div class="actions">
                            <button type="button" class="primary" disabled={*publishing} onclick={on_publish}>
                                { if *publishing { "Đang ban hành…" } else { "Xác nhận ban hành" } }</button>
                            <button type="button" class="secondary" onclick={toggle(&confirming, false)}>{ "Quay lại" }</button>
                        </div>
                    </div>
                }
            }
            if *preview {
                if let Some(set) = &checked.set {
                    <section class="criteria-preview">
                        <h2 class="section-title">{ "Phiếu đánh giá cán bộ sẽ thấy" }</h2>
                        <Preview key={checked.toml.clone()} set={Rc::new(set.clone())} />
                    </section>
                }
            }
        </div>
    }
}

/// A labelled text field with the diagnostics of its path under it.
fn field_input(
    form: &Form,
    checked: &Checked,
    field: Field,
    label: &str,
    wide: bool,
    on_edit: &Callback<Edit>,
) -> Html {
    let path = field.path();
    let id = format!("f-{}", path.replace(['[', ']', '.'], "-"));
    let problems = checked.at(field);
    let value = form.value(field);
    let invalid = problems.iter().any(|d| d.is_error());
    let body = if wide && value.chars().count() > 60 {
        let oninput = on_edit
            .reform(move |e: InputEvent| Edit::Set(field, e.target_unchecked_into::<HtmlTextAreaElement>().value()));
        html! { <textarea id={id.clone()} class="text" rows="3" data-path={path.clone()} {value} {oninput}
        aria-invalid={invalid.then_some("true")} /> }
    } else {
        let oninput = on_edit
            .reform(move |e: InputEvent| Edit::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()));
        html! { <input id={id.clone()} class="text" data-path={path.clone()} {value} {oninput}
        aria-invalid={invalid.then_some("true")} /> }
    };
    html! {
        <div class={classes!("editor-field", wide.then_some("wide"))}>
            <label class="field" for={id}>{ label.to_string() }</label>
            { body }
            { problems_html(&problems) }
        </div>
    }
}

fn date_input(form: &Form, checked: &Checked, field: Field, label: &str, on_edit: &Callback<Edit>) -> Html {
    let path = field.path();
    let id = format!("f-{}", path.replace(['[', ']', '.'], "-"));
    let problems = checked.at(field);
    let oninput =
        on_edit.reform(move |e: InputEvent| Edit::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()));
    html! {
        <div class="editor-field">
            <label class="field" for={id.clone()}>{ label.to_string() }</label>
            <input {id} type="date" class="text" data-path={path} value={form.value(field)} {oninput} />
            { problems_html(&problems) }
        </div>
    }
}

fn problems_html(problems: &[&Diagnostic]) -> Html {
    if problems.is_empty() {
        return html! {};
    }
    html! {
        <ul class="diagnostics field-diagnostics">
            { for problems.iter().map(|d| html! {
                <li class={if d.is_error() { "error" } else { "warning" }} data-code={d.code.clone()}>
                    { format!("{}: {}", severity_word(d), d.message) }
                </li>
            }) }
        </ul>
    }
}

#[derive(Properties, PartialEq)]
struct PreviewProps {
    set: Rc<CriteriaSet>,
}

/// The officer's form for the edited set, with answers that go nowhere.
#[function_component(Preview)]
fn preview(props: &PreviewProps) -> Html {
    let form = use_reducer_eq({
        let set = Rc::clone(&props.set);
        move || EvaluationForm::new(set)
    });
    let on_change = {
        let form = form.clone();
        Callback::from(move |action| form.dispatch(action))
    };
    html! { <EvaluationFormView form={(*form).clone()} {on_change} /> }
}
