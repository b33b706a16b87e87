//! A register (sổ): the persons, households, clans, units or (for a commune) hamlets of
//! the officer's unit, with a search that ignores case and diacritics, a filter by hamlet
//! for a commune, what tells namesakes apart (birth year, household, hamlet), each
//! record's latest result and where it stands in the trip to the server. Records that
//! left the register (moved away, deceased, duplicates) are hidden unless asked for.

use hoctap_shared::archive::{has_left, left_of};
use hoctap_shared::protocol::RecordKind;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::StateBadge;
use crate::app::AppContext;
use crate::evaluation::decision_words;
use crate::page::Route;
use crate::records::kind_title;
use crate::replica::{household_details, members_by_household, outcome, person_details, search, unit_name};

/// How many rows a register draws at once; the search narrows the rest.
const SHOWN: usize = 200;

#[derive(Properties, PartialEq)]
pub struct RegisterProps {
    pub kind: RecordKind,
}

#[function_component(RegisterScreen)]
pub fn register_screen(props: &RegisterProps) -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let query = use_state(String::new);
    let hamlet = use_state(String::new);
    let show_left = use_state(|| false);
    let kind = props.kind;
    let replica = ctx.model.replica.borrow();
    // A commune's records lie in several hamlets: one can be chosen.
    let mut hamlets: Vec<(String, String)> = replica
        .records(kind)
        .filter_map(|v| Some((v.unit.clone(), unit_name(&replica, &v.unit)?)))
        .collect::<std::collections::BTreeMap<_, _>>()
        .into_iter()
        .collect();
    hamlets.sort_by(|a, b| a.1.cmp(&b.1));
    let mut rows = search(&replica, kind, &query);
    rows.retain(|(v, _)| (hamlet.is_empty() || v.unit == *hamlet) && (*show_left || !has_left(v)));
    let total = replica.records(kind).filter(|v| !has_left(v)).count();
    let members =
        if matches!(kind, RecordKind::Household) { members_by_household(&replica) } else { Default::default() };
    let commune = ctx.unit().starts_with("commune:");
    let tabs: &[RecordKind] = if commune {
        &[RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit, RecordKind::Hamlet]
    } else {
        &[RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit]
    };
    let oninput = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let (title, one) = kind_title(kind);
    html! {
        <main class="app">
            <nav class="register-tabs" aria-label="Các sổ">
                { for tabs.iter().map(|k| html! {
                    <a href={Route::Register(*k).href()} aria-current={(*k == kind).then_some("page")}>{ kind_title(*k).0 }</a>
                }) }
            </nav>
            <h1 class="form-title">{ format!("Sổ {} ({total})", title.to_lowercase()) }</h1>
            <div class="search">
                <label class="field" for="register-search">{ "Tìm kiếm" }</label>
                <input id="register-search" class="text" type="search" placeholder="Gõ tên, có dấu hay không dấu đều được"
                    value={(*query).clone()} {oninput} autocomplete="off" />
            </div>
            if hamlets.len() > 1 {
                <label class="field" for="register-hamlet">{ "Thôn, tổ dân phố" }</label>
                <select id="register-hamlet" class="select"
                    onchange={let h = hamlet.clone(); Callback::from(move |e: Event| h.set(e.target_unchecked_into::<web_sys::HtmlSelectElement>().value()))}>
                    <option value="" selected={hamlet.is_empty()}>{ "Tất cả các thôn" }</option>
                    { for hamlets.iter().map(|(id, name)| html! { <option value={id.clone()} selected={*id == *hamlet}>{ name }</option> }) }
                </select>
            }
            if matches!(kind, RecordKind::Person | RecordKind::Household) {
                <label class="check">
                    <input id="register-left" type="checkbox" checked={*show_left}
                        onchange={let s = show_left.clone(); Callback::from(move |_: Event| s.set(!*s))} />
                    { "Hiện cả hồ sơ đã rời sổ" }
                </label>
            }
            <a class="primary add" href={Route::NewRecord(kind).href()}>{ format!("+ Thêm {one}") }</a>
            if rows.is_empty() {
                <p class="hint">{ if total == 0 { format!("Chưa có {one} nào trong sổ.") } else { "Không tìm thấy ai khớp với từ tìm kiếm.".to_string() } }</p>
            }
            <ul class="rows">
                { for rows.iter().take(SHOWN).map(|(view, name)| {
                    let latest = replica.evaluations_of(&view.record).into_iter().next();
                    let result = latest.map(|e| {
                        let year = e.value("year").and_then(|y| y.as_i64()).unwrap_or_default();
                        match outcome(e, &ctx.model.sets) {
                            Some(o) => format!("{year}: {} · {}", decision_words(&o.decision), e.status.title()),
                            None => format!("{year}: đang chấm · {}", e.status.title()),
                        }
                    });
                    let details = match kind {
                        RecordKind::Person => person_details(&replica, view),
                        RecordKind::Household => household_details(&replica, view, members.get(view.record.id.as_str()).map_or(&[], |m| m.as_slice())),
                        _ => unit_name(&replica, &view.unit).unwrap_or_default(),
                    };
                    html! {
                        <li>
                            <a class="row" href={Route::Record(view.record.clone()).href()}>
                                <span class="row-name">{ name }</span>
                                if !details.is_empty() { <span class="row-meta row-details">{ details }</span> }
                                <span class="row-meta">{ left_of(view).map(|l| l.summary()).or(result).unwrap_or_else(|| "Chưa đánh giá".to_string()) }</span>
                                <StateBadge state={replica.state(&view.record)} />
                            </a>
                        </li>
                    }
                }) }
            </ul>
            if rows.len() > SHOWN {
                <p class="hint">{ format!("Đang hiện {SHOWN}/{} kết quả; gõ thêm để thu hẹp.", rows.len()) }</p>
            }
        </main>
    }
}
