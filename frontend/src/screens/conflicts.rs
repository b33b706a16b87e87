//! Conflicts: records where two devices changed the same field without seeing each
//! other's change. Each value is shown side by side with who wrote it and when; the
//! officer keeps one, or writes a combined value. Either way the edit names every
//! competing value as its base, so once it syncs every device agrees.

use hoctap_shared::merge::{FieldView, RecordView, SCORE_FIELD_PREFIX};
use hoctap_shared::protocol::{FieldEdit, OpBody, RecordId};
use hoctap_shared::scoring::Answer;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::app::{date_vi, time_vi, AppContext};
use crate::page::Route;
use crate::records::{fields, kind_title, label, value_words};
use crate::replica::display_name;

#[derive(Properties, PartialEq)]
pub struct ConflictsProps {
    pub record: Option<RecordId>,
}

#[function_component(ConflictsScreen)]
pub fn conflicts_screen(props: &ConflictsProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let replica = ctx.model.replica.borrow();
    if let Some(record) = &props.record {
        let Some(view) = replica.view(record).cloned() else {
            return html! { <main class="app"><p class="app-warning" role="alert">{ "Không có hồ sơ này trên máy." }</p></main> };
        };
        drop(replica);
        let conflicts: Vec<(String, FieldView)> = view.conflicts().map(|(k, f)| (k.clone(), f.clone())).collect();
        return html! {
            <main class="app">
                <a class="back" href={Route::Conflicts(None).href()}>{ "← Các hồ sơ có xung đột" }</a>
                <h1 class="form-title">{ display_name(&view) }</h1>
                if conflicts.is_empty() {
                    <p class="save-status saved" role="status">{ "Không còn xung đột: mọi máy sẽ thấy cùng một giá trị sau khi đồng bộ." }</p>
                    <a href={Route::Record(view.record.clone()).href()}>{ "Mở hồ sơ" }</a>
                } else {
                    <p class="app-notice">{ "Hai máy đã sửa cùng một thông tin khi chưa đồng bộ. Hãy chọn giá trị đúng, hoặc nhập giá trị gộp." }</p>
                }
                { for conflicts.into_iter().map(|(field, f)| html! {
                    <ConflictField key={field.clone()} view={view.clone()} field={field.clone()} candidates={f} />
                }) }
            </main>
        };
    }
    let records: Vec<RecordView> = replica.conflicts().cloned().collect();
    drop(replica);
    html! {
        <main class="app">
            <h1 class="form-title">{ format!("Xung đột cần giải quyết ({})", records.len()) }</h1>
            if records.is_empty() { <p class="hint">{ "Không có xung đột nào." }</p> }
            <ul class="rows">
                { for records.iter().map(|v| html! {
                    <li>
                        <a class="row" href={Route::Conflicts(Some(v.record.clone())).href()}>
                            <span class="row-name">{ display_name(v) }</span>
                            <span class="row-meta">{ format!("{} · {} thông tin", kind_title(v.record.kind).0, v.conflicts().count()) }</span>
                        </a>
                    </li>
                }) }
            </ul>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ConflictFieldProps {
    view: RecordView,
    field: String,
    candidates: FieldView,
}

/// A value in words for the screen.
fn words(view: &RecordView, field: &str, value: &serde_json::Value) -> String {
    if field.starts_with(SCORE_FIELD_PREFIX) {
        return match serde_json::from_value::<Answer>(value.clone()) {
            Ok(Answer::Points(p)) => format!("{p} điểm"),
            Ok(Answer::Met(true)) => "Đạt".to_string(),
            Ok(Answer::Met(false)) => "Chưa đạt".to_string(),
            Ok(Answer::Share { numerator, denominator }) => format!("{numerator}/{denominator}"),
            Err(_) => value.to_string(),
        };
    }
    value_words(fields(view.record.kind).iter().find(|f| f.key == field), value)
}

#[function_component(ConflictField)]
fn conflict_field(props: &ConflictFieldProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let combined = use_state(String::new);
    let error = use_state(|| None::<String>);
    let view = &props.view;
    let field = &props.field;
    let base: Vec<String> = props.candidates.candidates.iter().map(|c| c.op.clone()).collect();
    let resolve = {
        let (ctx, error, record, unit, field, base) =
            (ctx.clone(), error.clone(), view.record.clone(), view.unit.clone(), field.clone(), base.clone());
        Callback::from(move |value: serde_json::Value| {
            let (ctx, error, record, unit, field, base) =
                (ctx.clone(), error.clone(), record.clone(), unit.clone(), field.clone(), base.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let body = match field.strip_prefix(SCORE_FIELD_PREFIX) {
                    Some(code) => match serde_json::from_value::<Answer>(value) {
                        Ok(answer) => OpBody::SetScore { indicator: code.to_string(), answer, base },
                        Err(_) => {
                            error.set(Some("Giá trị không hợp lệ cho điểm chỉ số.".to_string()));
                            return;
                        }
                    },
                    None => OpBody::SetFields { fields: vec![FieldEdit { field, value, base }] },
                };
                let result = async {
                    let ops = ctx.operations(&record, &unit, vec![body]).await?;
                    ctx.save(ops).await
                };
                error.set(result.await.err().map(|e| e.to_string()));
            });
        })
    };
    let text_field =
        !field.starts_with(SCORE_FIELD_PREFIX) && props.candidates.candidates.iter().all(|c| c.value.is_string());
    let on_combined = {
        let (resolve, combined, error) = (resolve.clone(), combined.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            if combined.trim().is_empty() {
                error.set(Some("Hãy nhập giá trị gộp.".to_string()));
                return;
            }
            resolve.emit(serde_json::Value::from(combined.trim()));
        })
    };
    let input_id = format!("combine-{field}");
    html! {
        <section class="card conflict" data-field={field.clone()}>
            <h2 class="criterion-title">{ label(view.record.kind, field) }</h2>
            <div class="candidates">
                { for props.candidates.candidates.iter().enumerate().map(|(i, c)| {
                    let value = c.value.clone();
                    let onclick = resolve.reform(move |_: MouseEvent| value.clone());
                    let when = c.hlc.wall_ms as f64;
                    html! {
                        <div class="candidate">
                            <p class="candidate-label">{ format!("Giá trị {}", i + 1) }</p>
                            <p class="candidate-value">{ words(view, field, &c.value) }</p>
                            <p class="candidate-meta">{ format!("Máy {} · {} {}", &c.device.chars().take(8).collect::<String>(), date_vi(when), time_vi(when)) }</p>
                            <button type="button" class="primary" {onclick}>{ format!("Chọn giá trị {}", i + 1) }</button>
                        </div>
                    }
                }) }
            </div>
            if text_field {
                <label class="field" for={input_id.clone()}>{ "Hoặc nhập giá trị gộp" }</label>
                <input id={input_id} class="text" value={(*combined).clone()}
                    oninput={let s = combined.clone(); Callback::from(move |e: InputEvent| s.set(e.target_unchecked_into::<HtmlInputElement>().value()))} />
                <button type="button" class="secondary" onclick={on_combined}>{ "Lưu giá trị gộp" }</button>
            }
            if let Some(message) = &*error { <p class="form-error" role="alert">{ message }</p> }
        </section>
    }
}
