//! Reopening a recognised record (mở lại) from its page, for those who may review: a
//! written reason is required; the record goes back to the hamlet as returned, with the
//! reason shown. The server decides whether the account may: the button is offered only
//! to a role that reviews, and a refusal comes back like any other.

use hoctap_shared::merge::RecordView;
use hoctap_shared::protocol::{OpBody, Transition};
use yew::prelude::*;

use crate::app::AppContext;
use crate::page;

/// "Mở lại hồ sơ": asks for the reason (again while it is empty), then writes the step.
pub fn reopen_button(ctx: &AppContext, view: &RecordView) -> Html {
    let (ctx, record, unit) = (ctx.clone(), view.record.clone(), view.unit.clone());
    let onclick = Callback::from(move |_: MouseEvent| {
        let mut ask = "Mở lại hồ sơ đã công nhận? Hồ sơ trở về thôn ở trạng thái bị trả lại. Lý do mở lại (bắt buộc):";
        let reason = loop {
            match page::prompt(ask) {
                None => return,
                Some(reason) if reason.trim().is_empty() => {
                    ask = "Cần ghi lý do mở lại để thôn biết cần sửa gì. Lý do mở lại:";
                }
                Some(reason) => break reason.trim().to_string(),
            }
        };
        let body = OpBody::Transition { transition: Transition::Reopen { reason } };
        ctx.write_soon(record.clone(), unit.clone(), vec![body], None);
    });
    html! { <button type="button" class="secondary reopen" {onclick}>{ "Mở lại hồ sơ" }</button> }
}
