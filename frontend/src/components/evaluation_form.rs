//! The evaluation form of any criteria set, laid out from the set's data: the subject
//! group first when the set has groups (it decides which indicators there are), the
//! subject's context (area, kind of subject) when the set depends on it, then each
//! criterion with its points and each indicator with an input suited to how it is
//! measured. Indicators' verification notes are caveats for administrators: the form
//! shows them only when asked (`caveats`, on the criteria screen), never to an officer.

use hoctap_shared::criteria::{Criterion, Indicator, Measure};
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::evaluation::{
    area_choices, asks_area, context_tags, share_percent, tag_label, Action, Entry, EvaluationForm,
};

#[derive(Properties, PartialEq)]
pub struct EvaluationFormViewProps {
    pub form: EvaluationForm,
    pub on_change: Callback<Action>,
    /// Drawn under each indicator (its evidence), given the indicator's code.
    #[prop_or_default]
    pub indicator_extra: Option<Callback<String, Html>>,
    /// Shows the answers without letting them change (a recognised record).
    #[prop_or_default]
    pub read_only: bool,
    /// Shows each indicator's verification note ("Cần đối chiếu: …"): for the criteria
    /// screen that administrators read, never on an officer's form.
    #[prop_or_default]
    pub caveats: bool,
}

#[function_component(EvaluationFormView)]
pub fn evaluation_form_view(props: &EvaluationFormViewProps) -> Html {
    let form = &props.form;
    let reset = props.on_change.reform(|_: MouseEvent| Action::Reset);
    let extra = props.indicator_extra.clone();
    html! {
        <form class="evaluation" onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
            <fieldset class="plain" disabled={props.read_only}>
                { group_section(form, &props.on_change) }
                if !form.needs_group() {
                    { context_section(form, &props.on_change) }
                    { for form.set.criteria.iter().map(|c| criterion_section(form, c, &props.on_change, &extra, props.caveats)) }
                }
                if !props.read_only {
                    <div class="form-end">
                        <button type="button" class="reset" onclick={reset}>{ "Xóa hết, nhập lại từ đầu" }</button>
                    </div>
                }
            </fieldset>
        </form>
    }
}

/// The subject group, asked first in a set with groups: one choice per group, and until
/// it is chosen nothing else (the indicators depend on it).
fn group_section(form: &EvaluationForm, on_change: &Callback<Action>) -> Html {
    if !form.set.has_groups() {
        return Html::default();
    }
    html! {
        <fieldset class="context subject-group">
            <legend>{ "Nhóm đối tượng" }</legend>
            if form.needs_group() {
                <p class="hint">{ "Chọn nhóm đối tượng trước: mỗi nhóm có danh sách chỉ số riêng." }</p>
            }
            { for form.set.subject_groups.iter().map(|group| {
                let id = format!("group-{}", group.code);
                let onchange = { let code = group.code.clone(); on_change.reform(move |_: Event| Action::SetGroup(Some(code.clone()))) };
                html! {
                    <label class="choice group" for={id.clone()}>
                        <input type="radio" id={id} name="subject-group"
                            checked={form.subject_group.as_deref() == Some(group.code.as_str())} {onchange} />
                        <span>{ &group.name }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}

/// Area and subject-kind questions, asked only when the set's data depends on them.
fn context_section(form: &EvaluationForm, on_change: &Callback<Action>) -> Html {
    let tags = context_tags(&form.set);
    if !asks_area(&form.set) && tags.is_empty() {
        return Html::default();
    }
    let on_area = on_change.reform(|e: Event| {
        let value = e.target_unchecked_into::<HtmlSelectElement>().value();
        Action::SetArea(Some(value))
    });
    let current_area = form.area.clone().unwrap_or_else(|| "normal".to_string());
    html! {
        <fieldset class="context">
            <legend>{ "Đối tượng được đánh giá" }</legend>
            if asks_area(&form.set) {
                <label class="field" for="area">{ "Vùng" }</label>
                <select id="area" class="select" onchange={on_area}>
                    { for area_choices(&form.set).into_iter().map(|(key, name)| html! {
                        <option value={key} selected={key == current_area}>{ name }</option>
                    }) }
                </select>
            }
            { for tags.iter().map(|tag| {
                let id = format!("tag-{tag}");
                let toggle = { let tag = tag.clone(); on_change.reform(move |_: Event| Action::ToggleTag(tag.clone())) };
                html! {
                    <label class="check" for={id.clone()}>
                        <input type="checkbox" id={id} checked={form.tags.contains(tag)} onchange={toggle} />
                        <span>{ tag_label(tag) }</span>
                    </label>
                }
            }) }
        </fieldset>
    }
}

fn criterion_section(
    form: &EvaluationForm,
    criterion: &Criterion,
    on_change: &Callback<Action>,
    extra: &Option<Callback<String, Html>>,
    caveats: bool,
) -> Html {
    let max = form.set.criterion_points(criterion, form.subject_group.as_deref());
    let points = match (max, form.criterion_totals.get(&criterion.code)) {
        (Some(max), Some(got)) => format!("{got}/{max} điểm"),
        (Some(max), None) => format!("{max} điểm"),
        _ => String::new(),
    };
    html! {
        <section class="criterion">
            <h2 class="criterion-title">
                <span>{ format!("Tiêu chí {}. {}", criterion.code, criterion.name) }</span>
                if !points.is_empty() { <span class="criterion-points">{ points }</span> }
            </h2>
            { for criterion.indicators.iter().filter(|i| form.applies(i)).map(|i| indicator_row(form, i, on_change, extra, caveats)) }
        </section>
    }
}

fn indicator_row(
    form: &EvaluationForm,
    indicator: &Indicator,
    on_change: &Callback<Action>,
    extra: &Option<Callback<String, Html>>,
    caveats: bool,
) -> Html {
    let code = indicator.code.clone();
    let input_id = format!("ind-{code}");
    let error_id = format!("err-{code}");
    let error = form.errors.get(&code);
    let entry = form.entries.get(&code);
    let input = match &indicator.measure {
        Measure::Points { max } => {
            let text = match entry {
                Some(Entry::Points(text)) => text.clone(),
                _ => String::new(),
            };
            let oninput = {
                let code = code.clone();
                on_change.reform(move |e: InputEvent| {
                    Action::SetPoints(code.clone(), e.target_unchecked_into::<HtmlInputElement>().value())
                })
            };
            // A text box with a decimal keypad rather than type="number": browsers drop a
            // typed "8,5" from a number input (its value becomes empty), and officers
            // write decimals with a comma.
            html! {
                <div class="answer">
                    <label class="field" for={input_id.clone()}>
                        { format!("Điểm (0–{max}, bước {})", form.set.step) }
                    </label>
                    <input id={input_id} class="points" type="text" inputmode="decimal" autocomplete="off"
                        placeholder={format!("0–{max}")} value={text} {oninput}
                        aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
                </div>
            }
        }
        Measure::Met { .. } => {
            let current = match entry {
                Some(Entry::Met(met)) => Some(*met),
                _ => None,
            };
            let choice = |met: bool, label: &str| {
                let id = format!("{input_id}-{}", if met { "yes" } else { "no" });
                let onchange = {
                    let code = code.clone();
                    on_change.reform(move |_: Event| Action::SetMet(code.clone(), met))
                };
                html! {
                    <label class={classes!("choice", if met { "yes" } else { "no" })} for={id.clone()}>
                        <input type="radio" id={id} name={input_id.clone()} checked={current == Some(met)} {onchange} />
                        <span>{ label.to_string() }</span>
                    </label>
                }
            };
            html! {
                <fieldset class="answer met" aria-describedby={error_id.clone()}>
                    <legend class="field">{ "Kết quả" }</legend>
                    <div class="choices">{ choice(true, "Đạt") }{ choice(false, "Chưa đạt") }</div>
                </fieldset>
            }
        }
        Measure::Share { numerator_label, denominator_label, .. } => {
            let (numerator, denominator) = match entry {
                Some(Entry::Share { numerator, denominator }) => (numerator.clone(), denominator.clone()),
                _ => (String::new(), String::new()),
            };
            let on_numerator = {
                let (code, denominator) = (code.clone(), denominator.clone());
                on_change.reform(move |e: InputEvent| {
                    let value = e.target_unchecked_into::<HtmlInputElement>().value();
                    Action::SetShare(code.clone(), value, denominator.clone())
                })
            };
            let on_denominator = {
                let (code, numerator) = (code.clone(), numerator.clone());
                on_change.reform(move |e: InputEvent| {
                    let value = e.target_unchecked_into::<HtmlInputElement>().value();
                    Action::SetShare(code.clone(), numerator.clone(), value)
                })
            };
            let percent = share_percent(entry).map_or_else(|| "—".to_string(), |p| p.to_string());
            let count = |id: String, label: &str, value: String, oninput: Callback<InputEvent>| {
                html! {
                    <div class="count">
                        <label class="field" for={id.clone()}>{ label.to_string() }</label>
                        <input {id} class="points" type="number" min="0" step="1" inputmode="numeric"
                            autocomplete="off" {value} {oninput}
                            aria-invalid={error.is_some().to_string()} aria-describedby={error_id.clone()} />
                    </div>
                }
            };
            html! {
                <div class="answer share">
                    { count(format!("{input_id}-n"), numerator_label, numerator, on_numerator) }
                    { count(format!("{input_id}-d"), denominator_label, denominator, on_denominator) }
                    <p class="share-percent">{ "Tỷ lệ: " }<output>{ percent }</output></p>
                </div>
            }
        }
    };
    html! {
        <div class={classes!("indicator", error.is_some().then_some("invalid"))}>
            <p class="indicator-text"><span class="indicator-code">{ &indicator.code }</span>{ " " }{ &indicator.text }</p>
            if let Some(hint) = &indicator.hint {
                <p class="indicator-hint">{ format!("Minh chứng: {hint}") }</p>
            }
            if let Some(note) = indicator.note.as_ref().filter(|_| caveats) {
                <p class="indicator-note">{ format!("Cần đối chiếu: {note}") }</p>
            }
            { input }
            <p class="indicator-error" id={error_id} role="alert">{ error.cloned().unwrap_or_default() }</p>
            { extra.as_ref().map(|extra| extra.emit(indicator.code.clone())).unwrap_or_default() }
        </div>
    }
}
