//! How the signed-in unit, a commune of today, came out of the units before 1 July 2025:
//! each old unit it took in, wholly or in part; for a partial one, each old hamlet with
//! the new commune its records count for, chosen here among the communes the old one
//! was split between. A hamlet not yet assigned is counted nowhere, so the reports say
//! so until it is.

use hoctap_shared::accounts::Action;
use hoctap_shared::report::{Assignment, HamletAssignment, LineageView, PredecessorView};
use hoctap_shared::units::MergeKind;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::remote::{error_words, fetch_status, use_server_page, use_token};
use crate::api::{self, Body};
use crate::app::AppContext;
use crate::reports::{encode_component, merge_words};

#[function_component(LineageScreen)]
pub fn lineage_screen() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let unit = ctx.unit();
    let generation = use_state(|| 0u32);
    let page =
        use_server_page::<LineageView>(Some(format!("/units/{}/lineage", encode_component(&unit))), true, *generation);
    let fresh = page.fresh();
    let may_assign = ctx.model.session.as_ref().is_some_and(|s| s.account.role.allows(Action::Write));
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let of_kind = |kind: MergeKind, has_hamlets: Option<bool>| -> Vec<&PredecessorView> {
        page.value().map_or_else(Vec::new, |v| {
            v.predecessors
                .iter()
                .filter(|p| p.kind == kind && has_hamlets.is_none_or(|has| has != p.hamlets.is_empty()))
                .collect()
        })
    };
    let (whole, empty) = (of_kind(MergeKind::Full, None), of_kind(MergeKind::Partial, Some(false)));
    html! {
        <main class="app wide lineage-screen">
            <h1 class="form-title">{ "Sáp nhập đơn vị hành chính" }</h1>
            { fetch_status(&page, "thông tin sáp nhập") }
            if let Some(view) = page.value() {
                <h2 class="section-title">{ &view.name }</h2>
                if view.predecessors.is_empty() {
                    <p class="hint">{ "Đơn vị không được hình thành từ đơn vị cũ nào (hoặc hoctap chưa có danh sách)." }</p>
                } else {
                    <p class="hint">{ format!("Hình thành từ {} đơn vị trước ngày 01/07/2025. Hồ sơ của thôn thuộc đơn vị sáp nhập một phần \
                        chỉ được tính khi đã gán về xã mới.", view.predecessors.len()) }</p>
                }
                // Partial merges with hamlets first: those need assigning.
                { for view.predecessors.iter().filter(|p| p.kind == MergeKind::Partial && !p.hamlets.is_empty())
                    .map(|p| predecessor(p, may_assign && fresh, &reload)) }
                if !empty.is_empty() {
                    <section class="card predecessor">
                        <h3 class="chart-name">{ merge_words(MergeKind::Partial) }</h3>
                        <p class="hint">{ "hoctap chưa có thôn nào của các đơn vị này, nên chưa có gì để gán." }</p>
                        <ul class="whole-list">
                            { for empty.iter().map(|p| html! {
                                <li data-unit={p.unit.clone()}>
                                    { &p.name }
                                    <span class="row-meta">{ format!(" — chia cho: {}",
                                        p.successors.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")) }</span>
                                </li>
                            }) }
                        </ul>
                    </section>
                }
                if !whole.is_empty() {
                    <section class="card predecessor whole">
                        <h3 class="chart-name">{ merge_words(MergeKind::Full) }</h3>
                        <p class="hint">{ "Mọi hồ sơ của các đơn vị này được tính cho đơn vị mới; không cần gán." }</p>
                        <ul class="whole-list">
                            { for whole.iter().map(|p| html! {
                                <li data-unit={p.unit.clone()}>
                                    { &p.name }
                                    if !p.hamlets.is_empty() {
                                        <span class="row-meta">{ format!(" — {} thôn: {}", p.hamlets.len(),
                                            p.hamlets.iter().map(|h| h.name.as_str()).collect::<Vec<_>>().join(", ")) }</span>
                                    }
                                </li>
                            }) }
                        </ul>
                    </section>
                }
            }
        </main>
    }
}

/// An old unit merged in part: the units it was split between, and its hamlets with
/// where each counts (`on_saved` asks for the lineage again after an assignment).
fn predecessor(p: &PredecessorView, editable: bool, on_saved: &Callback<()>) -> Html {
    let unassigned = p.hamlets.iter().filter(|h| !h.whole && h.assigned_to.is_none()).count();
    html! {
        <section class="card predecessor" key={p.unit.clone()} data-unit={p.unit.clone()}>
            <h3 class="chart-name">
                { &p.name }{ " " }
                <span class="badge status-badge st-on-track">{ merge_words(p.kind) }</span>
            </h3>
            <p class="row-meta">{ format!("Chia cho: {}", p.successors.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")) }</p>
            if unassigned > 0 {
                <p class="app-warning">{ format!("{unassigned} thôn chưa gán: hồ sơ của các thôn này chưa được tính ở đâu.") }</p>
            }
            <ul class="rows hamlets">
                { for p.hamlets.iter().map(|h| html! {
                    <HamletRow key={h.unit.clone()} hamlet={h.clone()} successors={p.successors.clone()}
                        {editable} on_saved={on_saved.clone()} />
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct HamletRowProps {
    hamlet: HamletAssignment,
    successors: Vec<hoctap_shared::report::NamedUnit>,
    editable: bool,
    on_saved: Callback<()>,
}

/// An old hamlet and the new commune it counts for, with a select to change it.
#[function_component(HamletRow)]
fn hamlet_row(props: &HamletRowProps) -> Html {
    let token = use_token();
    let state = use_state(|| None::<Result<String, String>>);
    let saving = use_state(|| false);
    let h = &props.hamlet;
    let onchange = {
        let (token, state, saving, hamlet, on_saved) =
            (token.clone(), state.clone(), saving.clone(), h.unit.clone(), props.on_saved.clone());
        let successors = props.successors.clone();
        Callback::from(move |e: Event| {
            let to = e.target_unchecked_into::<HtmlSelectElement>().value();
            if to.is_empty() {
                return;
            }
            let name = successors.iter().find(|s| s.unit == to).map_or_else(|| to.clone(), |s| s.name.clone());
            saving.set(true);
            let (token, state, saving, on_saved) = (token.clone(), state.clone(), saving.clone(), on_saved.clone());
            let body = Assignment { unit: hamlet.clone(), to };
            wasm_bindgen_futures::spawn_local(async move {
                // The answer is the lineage of the new commune; this screen reloads its own.
                let result = api::call_empty("PUT", "/lineage/assignments", token.as_deref(), Body::json(&body)).await;
                saving.set(false);
                match result {
                    Ok(_) => {
                        state.set(Some(Ok(format!("Đã gán cho {name}."))));
                        on_saved.emit(());
                    }
                    Err(err) => state.set(Some(Err(format!("Chưa gán được: {}", error_words(&err))))),
                }
            });
        })
    };
    let assigned = h.assigned_to.clone().unwrap_or_default();
    let assigned_name = props.successors.iter().find(|s| s.unit == assigned).map(|s| s.name.clone());
    let id = format!("assign-{}", h.unit);
    html! {
        <li class="hamlet" data-unit={h.unit.clone()} data-assigned={assigned.clone()}>
            <label class="field" for={id.clone()}>{ &h.name }</label>
            if props.editable && !h.whole {
                <select {id} class="select" {onchange} disabled={*saving}>
                    <option value="" selected={assigned.is_empty()} disabled=true>{ "— Chưa gán —" }</option>
                    { for props.successors.iter().map(|s| html! {
                        <option value={s.unit.clone()} selected={s.unit == assigned}>{ &s.name }</option>
                    }) }
                </select>
            } else {
                <p {id}>{ assigned_name.or_else(|| h.assigned_to.clone()).unwrap_or_else(|| "Chưa gán".to_string()) }</p>
            }
            if *saving { <p class="hint" role="status">{ "Đang lưu…" }</p> }
            { match &*state {
                Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
                Some(Err(message)) => html! { <p class="form-error" role="alert">{ message }</p> },
                None => Html::default(),
            } }
        </li>
    }
}
