//! The unit's plan (kế hoạch) as it applies: every target with where it comes from —
//! the unit's own plan, or inherited from a parent's, a predecessor's or a national one —
//! and the annual report deadline. Commune approvers and province administrators edit
//! the unit's own plan here — title, period, document, deadline and targets — or import
//! a plan file (TOML); the server checks the plan and, when it refuses it, every problem
//! is listed with the field it concerns.

use hoctap_shared::accounts::Role;
use hoctap_shared::diagnostic::Diagnostic;
use hoctap_shared::plans::Plan;
use hoctap_shared::report::{DeadlineView, UnitPlanView};
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::remote::{error_words, fetch_status, use_server_page, use_session, use_token};
use crate::api::{self, ApiError, Body};
use crate::files;
use crate::plan_form::{Field, PlanAction, PlanField, PlanForm};
use crate::reports::{diagnostic_words, encode_component, percent_or_dash};

/// A ratio's id and name, from `GET /indicators` (the rest of the definition is not
/// needed here).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct IndicatorName {
    pub id: String,
    pub name: String,
}

/// What the last save or import did.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Saved(String),
    /// Problems found before sending, row by row.
    Invalid(Vec<String>),
    Refused(ApiError),
}

/// "Hạn báo cáo hằng năm: 15/11 — gửi … (theo kế hoạch của đơn vị)".
fn deadline_line(deadline: &DeadlineView) -> String {
    let to = deadline.to.as_ref().map(|t| format!(" — gửi {t}")).unwrap_or_default();
    let source = match deadline.source.as_str() {
        "plan" => " (theo kế hoạch)",
        "level" => " (mặc định theo cấp đơn vị)",
        _ => "",
    };
    format!("Hạn báo cáo hằng năm: ngày {:02}/{:02}{to}{source}", deadline.day, deadline.month)
}

/// "Văn bản số 12/KH-UBND ngày 15/03/2022 của UBND xã Cửu An · Giai đoạn 2021–2030".
fn document_line(plan: &Plan) -> String {
    let number = plan.document.number.as_ref().map(|n| format!(" số {n}")).unwrap_or_default();
    // `date_vi` says "tháng 03/2022" by itself when the day is not known.
    let date = match plan.document.date_vi() {
        Some(month) if month.starts_with("tháng") => format!(" {month}"),
        Some(day) => format!(" ngày {day}"),
        None => String::new(),
    };
    format!("Văn bản{number}{date} của {} · Giai đoạn {}–{}", plan.document.issuer, plan.period_from, plan.period_to)
}

/// The field a diagnostic of a plan sent as JSON is about, by its path, in words.
fn diagnostic_field(diagnostic: &Diagnostic) -> Option<String> {
    let path = diagnostic.path.as_str();
    let field = match path {
        "period_from" | "period_to" => "Giai đoạn".to_string(),
        "document.date" => "Ngày ban hành".to_string(),
        "document.number" => "Số hiệu văn bản".to_string(),
        "document.issuer" => "Cơ quan ban hành".to_string(),
        "deadline" => "Hạn báo cáo".to_string(),
        "title" => "Tên kế hoạch".to_string(),
        _ => {
            let index = path.strip_prefix("targets[")?.split(']').next()?.parse::<usize>().ok()?;
            format!("Chỉ tiêu {}", index + 1)
        }
    };
    Some(field)
}

#[function_component(PlanScreen)]
pub fn plan_screen() -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let path = format!("/units/{}/plan", encode_component(&unit));
    let page = use_server_page::<UnitPlanView>(Some(path.clone()), true, 0);
    let indicators = use_server_page::<Vec<IndicatorName>>(Some("/indicators".to_string()), true, 0);
    let token = use_token();
    let may_edit = matches!(session.account.role, Role::CommuneApprover | Role::ProvinceAdmin);
    let form = use_reducer(PlanForm::default);
    let fresh = page.fresh();
    let outcome = use_state(|| None::<Outcome>);
    let busy = use_state(|| false);
    let own = page.value().map(|view| view.own.clone());
    {
        // The editor starts from the server's plan, and follows it while untouched.
        let form = form.clone();
        use_effect_with(own, move |own| {
            if let Some(own) = own {
                if !form.dirty {
                    form.dispatch(PlanAction::Load(own.clone().map(Box::new)));
                }
            }
        });
    }
    let names: &[IndicatorName] = indicators.value().map_or(&[], Vec::as_slice);
    let name_of = |id: &str| names.iter().find(|n| n.id == id).map_or_else(|| id.to_string(), |n| n.name.clone());

    // After a save or an import: the server's view, and the editor on the new plan.
    let accept = {
        let (page, form, outcome) = (page.clone(), form.clone(), outcome.clone());
        Callback::from(move |(json, message): (String, String)| match serde_json::from_str::<UnitPlanView>(&json) {
            Ok(view) => {
                form.dispatch(PlanAction::Load(view.own.map(Box::new)));
                page.replace(json);
                outcome.set(Some(Outcome::Saved(message)));
            }
            Err(err) => outcome.set(Some(Outcome::Refused(ApiError::Decode(err.to_string())))),
        })
    };
    let on_save = {
        let (form, outcome, busy, token, accept, unit, path) =
            (form.clone(), outcome.clone(), busy.clone(), token.clone(), accept.clone(), unit.clone(), path.clone());
        let unit_name = page.value().map(|v| v.name.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            let plan = match form.build(&unit, &unit_name) {
                Ok(plan) => plan,
                Err(problems) => {
                    outcome.set(Some(Outcome::Invalid(problems)));
                    return;
                }
            };
            busy.set(true);
            let (outcome, busy, token, accept, path) =
                (outcome.clone(), busy.clone(), token.clone(), accept.clone(), path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = api::call_text("PUT", &path, token.as_deref(), Body::json(&plan)).await;
                busy.set(false);
                match result {
                    Ok(json) => accept.emit((json, "Đã lưu kế hoạch.".to_string())),
                    Err(err) => outcome.set(Some(Outcome::Refused(err))),
                }
            });
        })
    };
    let on_import = {
        let (outcome, busy, token, accept, path) =
            (outcome.clone(), busy.clone(), token.clone(), accept.clone(), path.clone());
        Callback::from(move |e: Event| {
            let input = e.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            // The same file may be picked again after it is fixed.
            input.set_value("");
            busy.set(true);
            let (outcome, busy, token, accept, path) =
                (outcome.clone(), busy.clone(), token.clone(), accept.clone(), path.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let name = file.name();
                let Some(text) = files::read_text(&file).await else {
                    busy.set(false);
                    outcome.set(Some(Outcome::Invalid(vec![format!("Không đọc được tệp {name}.")])));
                    return;
                };
                let body = Body::Bytes { bytes: text.as_bytes(), media_type: "text/plain; charset=utf-8" };
                let result = api::call_text("POST", &format!("{path}/import"), token.as_deref(), body).await;
                busy.set(false);
                match result {
                    Ok(json) => accept.emit((json, format!("Đã nhập kế hoạch từ tệp {name}."))),
                    Err(err) => outcome.set(Some(Outcome::Refused(err))),
                }
            });
        })
    };

    html! {
        <div class="plan-screen">
            <h1 class="form-title">{ "Kế hoạch và chỉ tiêu" }</h1>
            { fetch_status(&page, "kế hoạch") }
            if let Some(view) = page.value() {
                <h2 class="section-title">{ &view.name }</h2>
                <p class="report-deadline">{ deadline_line(&view.deadline) }</p>
                if let Some(own) = &view.own {
                    <p class="row-meta plan-document">{ document_line(own) }</p>
                }
                if view.own.is_none() {
                    <p class="hint">{ "Đơn vị chưa có kế hoạch riêng: các chỉ tiêu dưới đây được kế thừa." }</p>
                }
                <ul class="plan-rows">
                    { for view.rows.iter().map(|row| html! {
                        <li class={classes!("card", "plan-row", row.inherited.then_some("inherited"))}>
                            <p class="plan-text">{ &row.text }</p>
                            <p class="row-meta">{ row.indicator.as_deref().map_or_else(
                                || "Báo cáo bằng số liệu tự thu thập".to_string(), |id| format!("Tỷ lệ: {}", name_of(id))) }</p>
                            <p class="plan-targets">{ format!("Mục tiêu 2025: {} · 2030: {}",
                                percent_or_dash(row.target_2025), percent_or_dash(row.target_2030)) }</p>
                            if let Some(responsible) = &row.responsible {
                                <p class="row-meta">{ format!("Phụ trách: {responsible}") }</p>
                            }
                            <p class="plan-source">{ if row.inherited { format!("Kế thừa từ {}", row.plan_title) }
                                else { format!("Kế hoạch của đơn vị: {}", row.plan_title) } }</p>
                        </li>
                    }) }
                </ul>
                if may_edit {
                    <section class="card plan-editor" aria-labelledby="plan-editor-title">
                        <h2 id="plan-editor-title" class="section-title">{ "Sửa kế hoạch của đơn vị" }</h2>
                        if !fresh { <p class="app-warning">{ "Cần kết nối mạng để lưu kế hoạch." }</p> }
                        { plan_editor(&form, names, &view.name) }
                        <button type="button" class="primary" onclick={on_save} disabled={*busy || !fresh}>
                            { if *busy { "Đang lưu…" } else { "Lưu kế hoạch" } }
                        </button>
                        <label class="evidence-add plan-import">
                            { "Nhập từ tệp (.toml)" }
                            <input type="file" class="visually-hidden" accept=".toml,text/plain,application/toml"
                                onchange={on_import} disabled={*busy || !fresh} />
                        </label>
                        { outcome_view(&outcome) }
                    </section>
                }
            }
        </div>
    }
}

/// The result of the last save or import.
fn outcome_view(outcome: &Option<Outcome>) -> Html {
    match outcome {
        None => Html::default(),
        Some(Outcome::Saved(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
        Some(Outcome::Invalid(problems)) => html! {
            <div class="save-status failed" role="alert">
                <p>{ "Chưa lưu: hãy sửa các chỗ sau." }</p>
                <ul class="diagnostics">{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            </div>
        },
        Some(Outcome::Refused(err)) => html! {
            <div class="save-status failed" role="alert" data-error="refused">
                <p>{ error_words(err) }</p>
                if !err.diagnostics().is_empty() {
                    <ul class="diagnostics">{ for err.diagnostics().iter().map(|d| html! {
                        <li class={if d.is_error() { "error" } else { "warning" }} title={d.path.clone()}>
                            { diagnostic_field(d).map(|f| format!("{f} — ")).unwrap_or_default() }
                            { diagnostic_words(d) }
                        </li>
                    }) }</ul>
                }
            </div>
        },
    }
}

/// The own plan's title, period, document, deadline and targets as inputs.
fn plan_editor(form: &UseReducerHandle<PlanForm>, names: &[IndicatorName], unit_name: &str) -> Html {
    let on_title = {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            form.dispatch(PlanAction::Title(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_set = |field: PlanField| {
        let form = form.clone();
        Callback::from(move |e: InputEvent| {
            form.dispatch(PlanAction::Set(field, e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let on_add = {
        let (form, title) = (form.clone(), PlanForm::default_title(unit_name));
        Callback::from(move |_: MouseEvent| {
            if form.title.trim().is_empty() {
                form.dispatch(PlanAction::Title(title.clone()));
            }
            form.dispatch(PlanAction::Add);
        })
    };
    let edit = |i: usize, field: Field| {
        let form = form.clone();
        Callback::from(move |value: String| form.dispatch(PlanAction::Edit(i, field, value)))
    };
    let input_value = |cb: Callback<String>| {
        Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    html! {
        <>
            <label class="field" for="plan-title">{ "Tên kế hoạch" }</label>
            <input id="plan-title" class="text" value={form.title.clone()} oninput={on_title}
                placeholder={PlanForm::default_title(unit_name)} />
            <fieldset class="context plan-meta">
                <legend>{ "Giai đoạn" }</legend>
                <div class="plan-percents">
                    <div>
                        <label class="field" for="plan-period-from">{ "Từ năm" }</label>
                        <input id="plan-period-from" class="text" inputmode="numeric" maxlength="4" placeholder="2021"
                            value={form.period_from.clone()} oninput={on_set(PlanField::PeriodFrom)} />
                    </div>
                    <div>
                        <label class="field" for="plan-period-to">{ "Đến năm" }</label>
                        <input id="plan-period-to" class="text" inputmode="numeric" maxlength="4" placeholder="2030"
                            value={form.period_to.clone()} oninput={on_set(PlanField::PeriodTo)} />
                    </div>
                </div>
            </fieldset>
            <fieldset class="context plan-meta">
                <legend>{ "Văn bản ban hành kế hoạch" }</legend>
                <label class="field" for="plan-doc-number">{ "Số hiệu văn bản" }</label>
                <input id="plan-doc-number" class="text" placeholder="ví dụ 12/KH-UBND"
                    value={form.document_number.clone()} oninput={on_set(PlanField::DocumentNumber)} />
                <label class="field" for="plan-doc-date">{ "Ngày ban hành" }</label>
                <input id="plan-doc-date" class="text" placeholder="ví dụ 15/03/2022 hoặc 03/2022"
                    value={form.document_date.clone()} oninput={on_set(PlanField::DocumentDate)} />
                <label class="field" for="plan-issuer">{ "Cơ quan ban hành" }</label>
                <input id="plan-issuer" class="text" placeholder={unit_name.to_string()}
                    value={form.issuer.clone()} oninput={on_set(PlanField::Issuer)} />
                <p class="hint">{ format!("Để trống: {unit_name}.") }</p>
            </fieldset>
            <fieldset class="context plan-meta">
                <legend>{ "Hạn báo cáo hằng năm" }</legend>
                <label class="field" for="plan-deadline">{ "Ngày/tháng nộp báo cáo" }</label>
                <input id="plan-deadline" class="text" placeholder="ví dụ 15/11"
                    value={form.deadline.clone()} oninput={on_set(PlanField::Deadline)} />
                <label class="field" for="plan-deadline-to">{ "Gửi đến" }</label>
                <input id="plan-deadline-to" class="text" placeholder="ví dụ UBND tỉnh"
                    value={form.deadline_to.clone()} oninput={on_set(PlanField::DeadlineTo)} />
                <p class="hint">{ "Để trống ngày/tháng thì dùng hạn mặc định theo cấp đơn vị." }</p>
            </fieldset>
            if form.rows.is_empty() {
                <p class="hint">{ "Kế hoạch chưa có chỉ tiêu nào." }</p>
            }
            { for form.rows.iter().enumerate().map(|(i, row)| {
                let id = |what: &str| format!("plan-{i}-{what}");
                let on_indicator = {
                    let cb = edit(i, Field::Indicator);
                    Callback::from(move |e: Event| cb.emit(e.target_unchecked_into::<HtmlSelectElement>().value()))
                };
                let on_text = {
                    let cb = edit(i, Field::Text);
                    Callback::from(move |e: InputEvent| cb.emit(e.target_unchecked_into::<HtmlTextAreaElement>().value()))
                };
                let on_remove = {
                    let form = form.clone();
                    Callback::from(move |_: MouseEvent| form.dispatch(PlanAction::Remove(i)))
                };
                let known = row.indicator.is_empty() || names.iter().any(|n| n.id == row.indicator);
                html! {
                    <fieldset class="context plan-target">
                        <legend>{ format!("Chỉ tiêu {}", i + 1) }</legend>
                        <label class="field" for={id("indicator")}>{ "Tỷ lệ hoctap tính" }</label>
                        <select id={id("indicator")} class="select" onchange={on_indicator}>
                            <option value="" selected={row.indicator.is_empty()}>{ "— Báo cáo bằng số liệu tự thu thập —" }</option>
                            if !known {
                                <option value={row.indicator.clone()} selected=true>{ &row.indicator }</option>
                            }
                            { for names.iter().map(|n| html! {
                                <option value={n.id.clone()} selected={n.id == row.indicator}>{ &n.name }</option>
                            }) }
                        </select>
                        <label class="field" for={id("text")}>{ "Nội dung chỉ tiêu" }</label>
                        <textarea id={id("text")} class="text" rows="3" value={row.text.clone()} oninput={on_text} />
                        <div class="plan-percents">
                            <div>
                                <label class="field" for={id("2025")}>{ "Mục tiêu 2025 (%)" }</label>
                                <input id={id("2025")} class="text" inputmode="decimal" placeholder="ví dụ 72,5"
                                    value={row.target_2025.clone()} oninput={input_value(edit(i, Field::Target2025))} />
                            </div>
                            <div>
                                <label class="field" for={id("2030")}>{ "Mục tiêu 2030 (%)" }</label>
                                <input id={id("2030")} class="text" inputmode="decimal" placeholder="ví dụ 90"
                                    value={row.target_2030.clone()} oninput={input_value(edit(i, Field::Target2030))} />
                            </div>
                        </div>
                        <label class="field" for={id("responsible")}>{ "Cơ quan phụ trách" }</label>
                        <input id={id("responsible")} class="text" value={row.responsible.clone()}
                            oninput={input_value(edit(i, Field::Responsible))} placeholder="ví dụ Hội Khuyến học xã" />
                        <button type="button" class="danger" onclick={on_remove}>{ "Bỏ chỉ tiêu này" }</button>
                    </fieldset>
                }
            }) }
            <button type="button" class="secondary" onclick={on_add}>{ "Thêm chỉ tiêu" }</button>
        </>
    }
}
