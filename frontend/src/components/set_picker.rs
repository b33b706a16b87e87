//! The list of criteria sets carried by the app; choosing one opens its form.

use std::rc::Rc;

use hoctap_shared::criteria::{CriteriaSet, SetStatus};
use yew::prelude::*;

#[derive(Properties, PartialEq)]
pub struct StatusBadgeProps {
    pub status: SetStatus,
}

/// "Chính thức" or, highlighted, "Tạm thời" (something in the set is unconfirmed).
#[function_component(StatusBadge)]
pub fn status_badge(props: &StatusBadgeProps) -> Html {
    match props.status {
        SetStatus::Official => html! { <span class="badge">{ "Chính thức" }</span> },
        SetStatus::Provisional => html! { <span class="badge provisional">{ "Tạm thời" }</span> },
    }
}

#[derive(Properties, PartialEq)]
pub struct SetPickerProps {
    pub sets: Rc<Vec<CriteriaSet>>,
    /// Called with the id of the chosen set.
    pub on_choose: Callback<String>,
}

/// One big button per set: model title, set name, legal basis, size and status.
#[function_component(SetPicker)]
pub fn set_picker(props: &SetPickerProps) -> Html {
    html! {
        <ul class="sets">
            { for props.sets.iter().map(|set| {
                let id = set.id.clone();
                let onclick = props.on_choose.reform(move |_: MouseEvent| id.clone());
                let indicators = set.indicators().count();
                html! {
                    <li>
                        <button type="button" class="set" {onclick}>
                            <span class="set-model">{ set.model.title() }</span>
                            <span class="set-name">{ &set.name }</span>
                            <span class="set-meta">
                                { format!("{} ngày {} · {} tiêu chí, {indicators} chỉ số ",
                                    set.legal_basis.number, set.legal_basis.date, set.criteria.len()) }
                                <StatusBadge status={set.status} />
                            </span>
                        </button>
                    </li>
                }
            }) }
        </ul>
    }
}
