//! The sticky bar at the bottom of a form: the total (or how many indicators are
//! answered), the result in words and the reasons, always in reach of the thumb.

use hoctap_shared::number::Points;
use yew::prelude::*;

use crate::evaluation::{decision_words, EvaluationForm, Status};

#[derive(Properties, PartialEq)]
pub struct SummaryBarProps {
    pub form: EvaluationForm,
}

#[function_component(SummaryBar)]
pub fn summary_bar(props: &SummaryBarProps) -> Html {
    let form = &props.form;
    let scale = form.set.scale;
    let (headline, state, reasons, total): (String, &str, Vec<String>, Option<Points>) = match &form.status {
        // The form asks the group first and says why; the bar does not repeat the list.
        Status::Incomplete { .. } if form.needs_group() => {
            ("Chọn nhóm đối tượng để bắt đầu chấm".to_string(), "pending", Vec::new(), None)
        }
        Status::Complete(outcome) => (
            decision_words(&outcome.decision),
            if outcome.recognised { "good" } else { "bad" },
            outcome.reasons.clone(),
            outcome.total,
        ),
        Status::Incomplete { missing, problems } => {
            let headline = match (missing.len(), problems.len()) {
                (_, 0) => format!("Chưa chấm xong: còn {} chỉ số", missing.len()),
                (0, n) => format!("Có {n} lỗi cần sửa"),
                (m, n) => format!("Còn {m} chỉ số chưa chấm, {n} lỗi cần sửa"),
            };
            let mut reasons = problems.clone();
            if !missing.is_empty() {
                reasons.push(format!("Chưa chấm: {}", missing.join(", ")));
            }
            (headline, "pending", reasons, scale.map(|_| form.partial_total))
        }
    };
    let complete = matches!(form.status, Status::Complete(_));
    let score_line = match (total, scale) {
        (Some(total), Some(scale)) if complete => format!("Tổng điểm {total}/{scale}"),
        (Some(total), Some(scale)) => format!("Tạm tính {total}/{scale} điểm"),
        _ => format!("Đã chấm {}/{} chỉ số", form.answered, form.applicable),
    };
    html! {
        <section class={classes!("summary", state)} aria-live="polite" aria-label="Kết quả">
            <p class="summary-score">{ score_line }</p>
            <p class="summary-result">{ headline }</p>
            if !reasons.is_empty() {
                <details class="summary-reasons">
                    <summary>{ format!("Lý do ({})", reasons.len()) }</summary>
                    <ul>{ for reasons.iter().map(|r| html! { <li>{ r }</li> }) }</ul>
                </details>
            }
        </section>
    }
}
