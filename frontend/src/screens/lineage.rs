//! How the signed-in unit, a commune of today, came out of the units before 1 July 2025:
//! each old unit it took in, wholly or in part; for a partial one, each old hamlet with
//! the new commune its records count for, chosen here among the communes the old one
//! was split between. A hamlet not yet assigned is counted nowhere, so the reports say
//! so until it is.
//!
//! For a province administrator, also the districts before the reform (huyện, quận, thị
//! xã, thành phố thuộc tỉnh), which the public data do not name: those registered in each
//! old province the province of today came from, each with its old communes and its
//! report for a year before the reform, and a form to register or correct one. The old
//! communes offered are the predecessors of the province's communes of today (the
//! catalogue cannot always tell which old province an old commune lay in; the server
//! checks). Registering is the server's work, so this part needs the network.
//!
//! The whole screen is drawn from one request, `GET /units/{id}/lineage/overview`: the
//! unit's lineage, each commune of today's (for the old communes) and the districts.

use std::collections::BTreeMap;
use std::rc::Rc;

use hoctap_shared::accounts::{Action, Role};
use hoctap_shared::report::{
    Assignment, DistrictRequest, DistrictView, HamletAssignment, LineageOverview, LineageView, NamedUnit,
    PredecessorView, ReportPage,
};
use hoctap_shared::text::fold;
use hoctap_shared::units::MergeKind;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use super::export::{Export, ExportButton};
use super::remote::{error_words, fetch_status, use_server_page, use_session, use_token};
use crate::api::{self, ApiError, Body};
use crate::chart::count_text;
use crate::reports::{
    deadline_words, encode_component, merge_words, percent_or_dash, report_file_name, report_path, row_status_class,
    ReportFile, FIRST_YEAR,
};

#[function_component(LineageScreen)]
pub fn lineage_screen() -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let generation = use_state(|| 0u32);
    let page = use_server_page::<LineageOverview>(
        Some(format!("/units/{}/lineage/overview", encode_component(&unit))),
        true,
        *generation,
    );
    let fresh = page.fresh();
    // Grouped and sorted once per answer, not per keystroke in the form.
    let drawn = page.fetched.value.as_ref().map(|(overview, _)| Fetch(Rc::clone(overview)));
    let listed = use_memo(drawn, |drawn| {
        drawn.as_ref().map_or_else(Listed::default, |Fetch(overview)| Listed {
            groups: Rc::new(groups_of(&overview.communes)),
            districts: Rc::new(overview.districts.clone()),
        })
    });
    let may_assign = session.account.role.allows(Action::Write);
    let province_admin = session.account.role == Role::ProvinceAdmin;
    let reload = {
        let generation = generation.clone();
        Callback::from(move |()| generation.set(*generation + 1))
    };
    let of_kind = |kind: MergeKind, has_hamlets: Option<bool>| -> Vec<&PredecessorView> {
        page.value().map_or_else(Vec::new, |o| {
            o.lineage
                .predecessors
                .iter()
                .filter(|p| p.kind == kind && has_hamlets.is_none_or(|has| has != p.hamlets.is_empty()))
                .collect()
        })
    };
    let (whole, empty) = (of_kind(MergeKind::Full, None), of_kind(MergeKind::Partial, Some(false)));
    html! {
        <div class="lineage-screen">
            <h1 class="form-title">{ "Sáp nhập đơn vị hành chính" }</h1>
            { fetch_status(&page, "thông tin sáp nhập") }
            if let Some(view) = page.value().map(|o| &o.lineage) {
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
                if province_admin && view.unit.starts_with("province:") {
                    <DistrictsSection old_provinces={old_provinces(view)} groups={Rc::clone(&listed.groups)}
                        districts={fresh.then(|| Rc::clone(&listed.districts))} loading={page.fetched.loading}
                        on_saved={reload.clone()} />
                }
            }
        </div>
    }
}

/// The overview as fetched; two are equal when they are the same answer (no deep compare).
#[derive(Clone)]
struct Fetch(Rc<LineageOverview>);

impl PartialEq for Fetch {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

/// What the districts section shows of the overview.
#[derive(Default)]
struct Listed {
    groups: Rc<Vec<CommuneGroup>>,
    districts: Rc<Vec<DistrictView>>,
}

/// The old provinces a province of today came from.
fn old_provinces(view: &LineageView) -> Vec<NamedUnit> {
    view.predecessors
        .iter()
        .filter(|p| p.unit.starts_with("province:"))
        .map(|p| NamedUnit { unit: p.unit.clone(), name: p.name.clone() })
        .collect()
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

// ---------------------------------------------------------------------------------
// Districts before the reform

/// The types a district had, as the server accepts them.
pub const DISTRICT_TYPES: [&str; 4] = ["Huyện", "Quận", "Thị xã", "Thành phố"];

/// The years a district's report can be asked for: it ended with June 2025.
const DISTRICT_YEARS: std::ops::RangeInclusive<i32> = FIRST_YEAR..=2025;

/// The year a district's report opens on: the last whole year before the reform.
const DISTRICT_YEAR: i32 = 2024;

/// Why registering needs the network, when there is none.
const DISTRICTS_NEED_NETWORK: &str = "Không có kết nối mạng: việc xem và đăng ký huyện cần máy chủ (máy chủ kiểm tra \
                                      và lưu danh sách huyện). Hãy kết nối mạng rồi mở lại trang này.";

/// The old communes one commune of today was formed from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommuneGroup {
    pub today: NamedUnit,
    pub old: Vec<NamedUnit>,
}

/// The groups of the communes of today, by name, each with its old communes in the
/// server's order (by code).
pub fn groups_of(views: &[LineageView]) -> Vec<CommuneGroup> {
    let mut groups: Vec<CommuneGroup> = views
        .iter()
        .map(|view| CommuneGroup {
            today: NamedUnit { unit: view.unit.clone(), name: view.name.clone() },
            old: view
                .predecessors
                .iter()
                .filter(|p| p.unit.starts_with("commune:"))
                .map(|p| NamedUnit { unit: p.unit.clone(), name: p.name.clone() })
                .collect(),
        })
        .filter(|g| !g.old.is_empty())
        .collect();
    // Folded names compare the way officers read them ("Đ" with "D"); a hundred-odd
    // groups, sorted once.
    groups.sort_by(|a, b| (fold(&a.today.name), &a.today.unit).cmp(&(fold(&b.today.name), &b.today.unit)));
    groups
}

/// The code in a unit id: `23626` of `commune:23626:old`.
fn code_of(unit: &str) -> &str {
    unit.split(':').nth(1).unwrap_or(unit)
}

/// The groups and old communes a search shows: all with an empty search; a group whose
/// commune of today matches, whole; otherwise the old communes whose name or code
/// matches (diacritics ignored: "tu an" finds "Xã Tú An").
pub fn visible<'a>(groups: &'a [CommuneGroup], query: &str) -> Vec<(&'a CommuneGroup, Vec<&'a NamedUnit>)> {
    let query = fold(query);
    groups
        .iter()
        .filter_map(|group| {
            if query.is_empty() || fold(&group.today.name).contains(&query) {
                return Some((group, group.old.iter().collect()));
            }
            let old: Vec<&NamedUnit> = group
                .old
                .iter()
                .filter(|o| fold(&o.name).contains(&query) || code_of(&o.unit).contains(&query))
                .collect();
            (!old.is_empty()).then_some((group, old))
        })
        .collect()
}

/// A district's type and bare name from its full name: ("Thị xã", "An Khê") of
/// "Thị xã An Khê"; ("Huyện", the name) when no type leads.
pub fn split_name(full: &str) -> (&'static str, String) {
    DISTRICT_TYPES
        .iter()
        .find_map(|t| full.strip_prefix(t).and_then(|rest| rest.strip_prefix(' ')).map(|rest| (*t, rest.to_string())))
        .unwrap_or(("Huyện", full.to_string()))
}

/// The registration being typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistrictDraft {
    pub code: String,
    pub unit_type: String,
    pub name: String,
    /// The old province; empty for the first one offered.
    pub province: String,
    /// The old communes ticked, sorted.
    pub communes: Vec<String>,
    /// The search over the old communes.
    pub query: String,
    /// The district being corrected (`district:623:old`), if any.
    pub editing: Option<String>,
}

impl Default for DistrictDraft {
    fn default() -> Self {
        DistrictDraft {
            code: String::new(),
            unit_type: DISTRICT_TYPES[0].to_string(),
            name: String::new(),
            province: String::new(),
            communes: Vec::new(),
            query: String::new(),
            editing: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DistrictAction {
    Code(String),
    Type(String),
    Name(String),
    Province(String),
    Query(String),
    /// Ticks (`true`) or unticks an old commune.
    Commune(String, bool),
    /// Starts correcting a registered district.
    Edit(Box<DistrictView>),
    /// Starts over (after a save, or to give up a correction).
    Clear,
}

impl Reducible for DistrictDraft {
    type Action = DistrictAction;

    fn reduce(self: Rc<Self>, action: DistrictAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            DistrictAction::Code(code) => next.code = code,
            DistrictAction::Type(unit_type) => next.unit_type = unit_type,
            DistrictAction::Name(name) => next.name = name,
            DistrictAction::Province(province) => next.province = province,
            DistrictAction::Query(query) => next.query = query,
            DistrictAction::Commune(unit, ticked) => match (next.communes.binary_search(&unit), ticked) {
                (Err(at), true) => next.communes.insert(at, unit),
                (Ok(at), false) => {
                    next.communes.remove(at);
                }
                _ => return self,
            },
            DistrictAction::Edit(view) => {
                let (unit_type, name) = split_name(&view.name);
                // Kept sorted by id, as `Commune` keeps them.
                let mut communes: Vec<String> = Vec::with_capacity(view.communes.len());
                for commune in &view.communes {
                    if let Err(at) = communes.binary_search(&commune.unit) {
                        communes.insert(at, commune.unit.clone());
                    }
                }
                next = DistrictDraft {
                    code: view.code.clone(),
                    unit_type: unit_type.to_string(),
                    name,
                    province: view.province.unit.clone(),
                    communes,
                    query: String::new(),
                    editing: Some(view.unit.clone()),
                };
            }
            DistrictAction::Clear => next = DistrictDraft::default(),
        }
        Rc::new(next)
    }
}

impl DistrictDraft {
    /// The code and the request to send, `first_province` standing for an untouched
    /// province select. Only what the address needs is checked here: the server checks
    /// the rest and lists every problem in its answer.
    pub fn request(&self, first_province: &str) -> Result<(String, DistrictRequest), String> {
        let code = self.code.trim();
        if code.is_empty() {
            return Err("Cần nhập mã huyện (3 chữ số, ví dụ 623).".to_string());
        }
        let province = if self.province.is_empty() { first_province } else { &self.province };
        Ok((
            code.to_string(),
            DistrictRequest {
                name: self.name.trim().to_string(),
                unit_type: self.unit_type.clone(),
                province: province.to_string(),
                communes: self.communes.clone(),
            },
        ))
    }
}

/// Each old commune registered in a district, with the district's name.
fn districts_by_commune(districts: &[DistrictView]) -> BTreeMap<&str, &DistrictView> {
    districts.iter().flat_map(|d| d.communes.iter().map(move |c| (c.unit.as_str(), d))).collect()
}

/// A failure of this part in words: offline, that it needs the network; otherwise the
/// server's Vietnamese message as it is.
fn district_error_words(error: &ApiError) -> String {
    match error {
        ApiError::Offline => DISTRICTS_NEED_NETWORK.to_string(),
        other => other.to_string(),
    }
}

#[derive(Properties, PartialEq)]
struct DistrictsSectionProps {
    old_provinces: Vec<NamedUnit>,
    /// The old communes, by commune of today.
    groups: Rc<Vec<CommuneGroup>>,
    /// The districts registered in the old provinces, when the server answered in this
    /// visit (listing needs the server, as registering does).
    districts: Option<Rc<Vec<DistrictView>>>,
    /// Whether the screen is asking the server.
    loading: bool,
    /// After a district was saved: the screen asks for everything again.
    on_saved: Callback<()>,
}

/// The districts before the reform of the old provinces a province of today came from,
/// and the form to register or correct one.
#[function_component(DistrictsSection)]
fn districts_section(props: &DistrictsSectionProps) -> Html {
    let token = use_token();
    let draft = use_reducer(DistrictDraft::default);
    let form_open = use_state(|| false);
    let outcome = use_state(|| None::<Result<DistrictView, String>>);
    let busy = use_state(|| false);
    let report_of = use_state(|| None::<String>);
    let first_province = props.old_provinces.first().map(|p| p.unit.clone()).unwrap_or_default();
    let open_form = {
        let form_open = form_open.clone();
        Callback::from(move |()| {
            form_open.set(true);
            scroll_to("district-form");
        })
    };
    let on_edit = {
        let (draft, outcome, open_form) = (draft.clone(), outcome.clone(), open_form.clone());
        Callback::from(move |view: DistrictView| {
            draft.dispatch(DistrictAction::Edit(Box::new(view)));
            outcome.set(None);
            open_form.emit(());
        })
    };
    let on_submit = {
        let (draft, outcome, busy, token, on_saved) =
            (draft.clone(), outcome.clone(), busy.clone(), token.clone(), props.on_saved.clone());
        let first_province = first_province.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            if *busy {
                return;
            }
            let (code, request) = match draft.request(&first_province) {
                Ok(sent) => sent,
                Err(message) => {
                    outcome.set(Some(Err(message)));
                    return;
                }
            };
            busy.set(true);
            outcome.set(None);
            let (draft, outcome, busy, token, on_saved) =
                (draft.clone(), outcome.clone(), busy.clone(), token.clone(), on_saved.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let path = format!("/lineage/districts/{}", encode_component(&code));
                let result = api::call::<DistrictView>("PUT", &path, token.as_deref(), Body::json(&request)).await;
                busy.set(false);
                match result {
                    Ok(view) => {
                        outcome.set(Some(Ok(view)));
                        draft.dispatch(DistrictAction::Clear);
                        on_saved.emit(());
                    }
                    Err(error) => outcome.set(Some(Err(district_error_words(&error)))),
                }
            });
        })
    };

    let online = api::online();
    let districts: &[DistrictView] = props.districts.as_deref().map_or(&[], Vec::as_slice);
    html! {
        <section class="report-section districts" aria-labelledby="districts-title">
            <h2 id="districts-title" class="section-title">{ "Huyện trước 01/7/2025" }</h2>
            <p class="hint">{ "Dữ liệu công khai không có danh sách huyện cũ. Đăng ký mỗi huyện (quận, thị xã, thành phố \
                thuộc tỉnh) một lần với các xã cũ của nó, để báo cáo các năm trước tháng 7/2025 tổng hợp được theo huyện." }</p>
            if !online {
                <p class="app-warning" role="status" data-error="offline">{ DISTRICTS_NEED_NETWORK }</p>
            }
            { match &props.districts {
                // Offline, the warning above says it; a failure, the screen's status.
                None if props.loading && online => html! { <p class="hint" role="status">{ "Đang tải danh sách huyện…" }</p> },
                None => Html::default(),
                Some(_) => html! {
                    { for props.old_provinces.iter().map(|province| {
                        let own: Vec<&DistrictView> = districts.iter().filter(|d| d.province.unit == province.unit).collect();
                        html! {
                            <div class="district-province" data-unit={province.unit.clone()}>
                                <h3 class="chart-name">{ format!("{} (trước 01/7/2025)", province.name) }</h3>
                                if own.is_empty() {
                                    <p class="hint">{ "Chưa đăng ký huyện nào." }</p>
                                } else {
                                    <ul class="rows district-list">
                                        { for own.into_iter().map(|d| district_item(d, &report_of, &on_edit)) }
                                    </ul>
                                }
                            </div>
                        }
                    }) }
                },
            } }
            if *form_open {
                { district_form(&draft, &props.old_provinces, &props.groups, districts, *busy || !online, on_submit) }
            } else {
                <button type="button" class="secondary" onclick={open_form.reform(|_| ())} disabled={!online}>
                    { "Đăng ký huyện" }
                </button>
            }
            { match &*outcome {
                Some(Ok(view)) => html! {
                    <p class="save-status saved" role="status">{ format!("Đã lưu {} (mã {}, {}): {} xã — {}.",
                        view.name, view.code, view.province.name, view.communes.len(), names(&view.communes)) }</p>
                },
                Some(Err(message)) => html! { <p class="form-error" role="alert" data-error="refused">{ message }</p> },
                None => Html::default(),
            } }
        </section>
    }
}

/// "Xã Cửu An, Xã Tú An".
fn names(units: &[NamedUnit]) -> String {
    units.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
}

/// Scrolls the element with `id` into view, when there is one.
fn scroll_to(id: &'static str) {
    // After the next render, when the element exists.
    let later = wasm_bindgen::closure::Closure::once_into_js(move || {
        if let Some(element) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(id)) {
            element.scroll_into_view();
        }
    });
    if let Some(window) = web_sys::window() {
        use wasm_bindgen::JsCast;
        // Not scrolling is harmless.
        let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(later.unchecked_ref(), 50);
    }
}

/// A registered district: code, old province, old communes; buttons to correct it and
/// to show its report.
fn district_item(
    d: &DistrictView,
    report_of: &UseStateHandle<Option<String>>,
    on_edit: &Callback<DistrictView>,
) -> Html {
    let open = report_of.as_deref() == Some(d.unit.as_str());
    let toggle = {
        let (report_of, unit) = (report_of.clone(), d.unit.clone());
        Callback::from(move |_: MouseEvent| report_of.set(if open { None } else { Some(unit.clone()) }))
    };
    let edit = {
        let (on_edit, view) = (on_edit.clone(), d.clone());
        Callback::from(move |_: MouseEvent| on_edit.emit(view.clone()))
    };
    html! {
        <li class="district" key={d.unit.clone()} data-unit={d.unit.clone()}>
            <p class="row-name">{ &d.name }</p>
            <p class="row-meta">{ format!("Mã {} · {} xã: {}", d.code, d.communes.len(), names(&d.communes)) }</p>
            <div class="district-actions">
                <button type="button" class="secondary" onclick={edit}>{ "Sửa" }</button>
                <button type="button" class="secondary" onclick={toggle} aria-expanded={open.to_string()}>
                    { if open { "Ẩn báo cáo" } else { "Xem báo cáo" } }
                </button>
            </div>
            if open {
                <DistrictReport unit={d.unit.clone()} />
            }
        </li>
    }
}

/// The form: code, type, name, old province and the old communes, searchable.
fn district_form(
    draft: &UseReducerHandle<DistrictDraft>,
    old_provinces: &[NamedUnit],
    groups: &[CommuneGroup],
    districts: &[DistrictView],
    disabled: bool,
    on_submit: Callback<SubmitEvent>,
) -> Html {
    let text = |action: fn(String) -> DistrictAction| {
        let draft = draft.clone();
        Callback::from(move |e: InputEvent| {
            draft.dispatch(action(e.target_unchecked_into::<HtmlInputElement>().value()))
        })
    };
    let select = |action: fn(String) -> DistrictAction| {
        let draft = draft.clone();
        Callback::from(move |e: Event| draft.dispatch(action(e.target_unchecked_into::<HtmlSelectElement>().value())))
    };
    let on_clear = {
        let draft = draft.clone();
        Callback::from(move |_: MouseEvent| draft.dispatch(DistrictAction::Clear))
    };
    let registered = districts_by_commune(districts);
    let shown = visible(groups, &draft.query);
    let name_of = |unit: &String| -> String {
        groups
            .iter()
            .flat_map(|g| g.old.iter())
            .find(|o| o.unit == *unit)
            .map_or_else(|| unit.clone(), |o| o.name.clone())
    };

    let province = if draft.province.is_empty() {
        old_provinces.first().map(|p| p.unit.clone()).unwrap_or_default()
    } else {
        draft.province.clone()
    };
    html! {
        <form id="district-form" class="card district-form" onsubmit={on_submit} novalidate=true>
            <h3 class="chart-name">{ match &draft.editing {
                Some(unit) => format!("Sửa huyện mã {}", code_of(unit)),
                None => "Đăng ký huyện".to_string(),
            } }</h3>
            if draft.editing.is_some() {
                <p class="hint">{ "Gửi lại với danh sách xã mới: xã bỏ ra không còn tính vào huyện này." }</p>
            }
            <div class="district-fields">
                <div>
                    <label class="field" for="district-code">{ "Mã huyện" }</label>
                    <input id="district-code" class="text" inputmode="numeric" autocomplete="off" placeholder="ví dụ 623"
                        value={draft.code.clone()} oninput={text(DistrictAction::Code)} />
                </div>
                <div>
                    <label class="field" for="district-type">{ "Loại" }</label>
                    <select id="district-type" class="select" onchange={select(DistrictAction::Type)}>
                        { for DISTRICT_TYPES.iter().map(|t| html! {
                            <option value={*t} selected={draft.unit_type == *t}>{ *t }</option>
                        }) }
                    </select>
                </div>
            </div>
            <label class="field" for="district-name">{ "Tên (không kèm loại)" }</label>
            <input id="district-name" class="text" autocomplete="off" placeholder="ví dụ An Khê"
                value={draft.name.clone()} oninput={text(DistrictAction::Name)} />
            <label class="field" for="district-province">{ "Tỉnh trước 01/7/2025" }</label>
            <select id="district-province" class="select" onchange={select(DistrictAction::Province)}>
                { for old_provinces.iter().map(|p| html! {
                    <option value={p.unit.clone()} selected={p.unit == province}>{ &p.name }</option>
                }) }
            </select>
            <fieldset class="context commune-picker">
                <legend>{ "Các xã trước 01/7/2025" }</legend>
                <p class="picked" role="status">{ if draft.communes.is_empty() {
                    "Chưa chọn xã nào.".to_string()
                } else {
                    format!("Đã chọn {} xã: {}.", draft.communes.len(),
                        draft.communes.iter().map(name_of).collect::<Vec<_>>().join(", "))
                } }</p>
                <label class="field" for="district-search">{ "Tìm xã (gõ không dấu cũng được)" }</label>
                <input id="district-search" class="text" type="search" autocomplete="off" placeholder="ví dụ tu an"
                    value={draft.query.clone()} oninput={text(DistrictAction::Query)} />
                if shown.is_empty() {
                    <p class="hint">{ if draft.query.trim().is_empty() { "Không có xã cũ nào." } else { "Không có xã nào khớp." } }</p>
                }
                <p class="hint">{ "Xã được xếp theo xã hiện nay mà nó nhập vào. Máy chủ kiểm tra xã có thuộc tỉnh đã chọn không." }</p>
                <div class="commune-list">
                    { for shown.iter().map(|(group, old)| html! {
                        <div class="commune-group" key={group.today.unit.clone()}>
                            <p class="commune-today">{ format!("Nay thuộc {}", group.today.name) }</p>
                            { for old.iter().map(|o| {
                                let ticked = draft.communes.binary_search(&o.unit).is_ok();
                                let elsewhere = registered.get(o.unit.as_str())
                                    .filter(|d| draft.editing.as_deref() != Some(d.unit.as_str()));
                                let onchange = {
                                    let (draft, unit) = (draft.clone(), o.unit.clone());
                                    Callback::from(move |e: Event| draft.dispatch(DistrictAction::Commune(unit.clone(),
                                        e.target_unchecked_into::<HtmlInputElement>().checked())))
                                };
                                html! {
                                    <label class="check">
                                        <input type="checkbox" value={o.unit.clone()} checked={ticked} {onchange} />
                                        <span>
                                            { &o.name }
                                            <span class="row-meta">{ format!(" · mã {}", code_of(&o.unit)) }</span>
                                            if let Some(d) = elsewhere {
                                                <span class="row-meta">{ format!(" · đã thuộc {}", d.name) }</span>
                                            }
                                        </span>
                                    </label>
                                }
                            }) }
                        </div>
                    }) }
                </div>
            </fieldset>
            <button type="submit" class="primary" {disabled}>{ "Lưu huyện" }</button>
            if draft.editing.is_some() {
                <button type="button" class="secondary" onclick={on_clear}>{ "Huỷ sửa" }</button>
            }
        </form>
    }
}

#[derive(Properties, PartialEq)]
struct DistrictReportProps {
    unit: String,
}

/// A district's report for a year before the reform, in brief: the ratios against their
/// targets, the communes below, the workbook and the printable page.
#[function_component(DistrictReport)]
fn district_report(props: &DistrictReportProps) -> Html {
    let year = use_state(|| DISTRICT_YEAR);
    let page = use_server_page::<ReportPage>(Some(report_path(&props.unit, *year, None, None)), true, 0);
    let years: Vec<i32> = DISTRICT_YEARS.rev().collect();
    let on_year = {
        let year = year.clone();
        Callback::from(move |y: i32| year.set(y))
    };
    let button = |label: &'static str, name: &str, file: ReportFile| {
        let path = report_path(&props.unit, *year, Some(file), None);
        let export = match file {
            ReportFile::Print => Export::Print,
            _ => Export::Save(report_file_name(name, *year, file, None)),
        };
        html! { <ExportButton {label} {path} {export} /> }
    };
    html! {
        <div class="district-report" data-unit={props.unit.clone()}>
            { super::year_select("district-report-year", "Năm báo cáo", &years, *year, on_year) }
            { fetch_status(&page, "báo cáo") }
            if let Some(p) = page.value() {
                <p class="report-year">{ format!("Báo cáo kết quả xây dựng xã hội học tập năm {} — {}", p.report.year, p.report.name) }</p>
                <p class="report-deadline">{ deadline_words(p.report.deadline, p.report.deadline_to.as_deref()) }</p>
                <ul class="rows district-rows">
                    { for p.report.primary_rows().map(|r| html! {
                        <li data-indicator={r.indicator.clone()}>
                            <p class="row-name">{ &r.name }</p>
                            <p class="district-rate">
                                { format!("{} ({}/{}) · mục tiêu 2025: {} ", percent_or_dash(r.percent),
                                    count_text(r.numerator), count_text(r.denominator), percent_or_dash(r.target_2025)) }
                                <span class={classes!("badge", "status-badge", row_status_class(r.status))}>{ r.status.label() }</span>
                            </p>
                        </li>
                    }) }
                </ul>
                if !p.report.children.is_empty() {
                    <p class="row-meta">{ format!("Đơn vị trực thuộc: {}", p.report.children.iter()
                        .map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")) }</p>
                }
                <div class="exports">
                    { button("Tải XLSX", &p.report.name, ReportFile::Xlsx) }
                    { button("In báo cáo (A4)", &p.report.name, ReportFile::Print) }
                </div>
            }
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(unit: &str, name: &str) -> NamedUnit {
        NamedUnit { unit: unit.to_string(), name: name.to_string() }
    }

    fn lineage(unit: &str, name: &str, old: &[(&str, &str)]) -> LineageView {
        LineageView {
            unit: unit.to_string(),
            name: name.to_string(),
            predecessors: old
                .iter()
                .map(|(u, n)| PredecessorView {
                    unit: u.to_string(),
                    name: n.to_string(),
                    kind: MergeKind::Full,
                    successors: Vec::new(),
                    hamlets: Vec::new(),
                })
                .collect(),
        }
    }

    fn groups() -> Vec<CommuneGroup> {
        groups_of(&[
            lineage(
                "commune:23629:2025",
                "Xã Cửu An",
                &[("commune:23626:old", "Xã Tú An"), ("commune:23629:old", "Xã Cửu An")],
            ),
            lineage("commune:21553:2025", "Phường An Nhơn", &[("commune:21553:old", "Phường Bình Định")]),
            lineage("commune:1:2025", "Xã Trống", &[]),
        ])
    }

    #[test]
    fn groups_by_commune_of_today_by_name() {
        let groups = groups();
        let today: Vec<&str> = groups.iter().map(|g| g.today.name.as_str()).collect();
        assert_eq!(today, ["Phường An Nhơn", "Xã Cửu An"], "sorted, without diacritics; empty groups left out");
        assert_eq!(groups[1].old, [named("commune:23626:old", "Xã Tú An"), named("commune:23629:old", "Xã Cửu An")]);
    }

    #[test]
    fn search_ignores_diacritics_and_finds_codes() {
        let groups = groups();
        let found = |query: &str| -> Vec<String> {
            visible(&groups, query).into_iter().flat_map(|(_, old)| old.into_iter().map(|o| o.name.clone())).collect()
        };
        assert_eq!(found(""), ["Phường Bình Định", "Xã Tú An", "Xã Cửu An"]);
        assert_eq!(found("tu an"), ["Xã Tú An"]);
        assert_eq!(found("  CỬU   an"), ["Xã Tú An", "Xã Cửu An"], "the commune of today matches: all of it");
        assert_eq!(found("23626"), ["Xã Tú An"]);
        assert_eq!(found("binh dinh"), ["Phường Bình Định"]);
        assert!(found("không có").is_empty());
    }

    #[test]
    fn names_split_into_type_and_name() {
        assert_eq!(split_name("Thị xã An Khê"), ("Thị xã", "An Khê".to_string()));
        assert_eq!(split_name("Thành phố Pleiku"), ("Thành phố", "Pleiku".to_string()));
        assert_eq!(split_name("Huyện Chư Păh"), ("Huyện", "Chư Păh".to_string()));
        assert_eq!(split_name("Quận 1"), ("Quận", "1".to_string()));
        assert_eq!(split_name("Quận"), ("Huyện", "Quận".to_string()));
    }

    fn apply(actions: Vec<DistrictAction>) -> DistrictDraft {
        let mut draft = Rc::new(DistrictDraft::default());
        for action in actions {
            draft = draft.reduce(action);
        }
        (*draft).clone()
    }

    #[test]
    fn a_registration_as_ticked() {
        let draft = apply(vec![
            DistrictAction::Code(" 623 ".into()),
            DistrictAction::Type("Thị xã".into()),
            DistrictAction::Name(" An Khê ".into()),
            DistrictAction::Commune("commune:23629:old".into(), true),
            DistrictAction::Commune("commune:23626:old".into(), true),
            DistrictAction::Commune("commune:23626:old".into(), true),
            DistrictAction::Commune("commune:23632:old".into(), true),
            DistrictAction::Commune("commune:23632:old".into(), false),
        ]);
        let (code, request) = draft.request("province:64:old").expect("a request");
        assert_eq!(code, "623");
        assert_eq!(
            request,
            DistrictRequest {
                name: "An Khê".into(),
                unit_type: "Thị xã".into(),
                province: "province:64:old".into(),
                communes: vec!["commune:23626:old".into(), "commune:23629:old".into()],
            }
        );
        // The rest is the server's to judge; only a missing code stops it here.
        assert!(apply(vec![DistrictAction::Code("62".into())]).request("p").is_ok());
        assert_eq!(DistrictDraft::default().request("p"), Err("Cần nhập mã huyện (3 chữ số, ví dụ 623).".to_string()));
    }

    #[test]
    fn a_correction_starts_from_the_registered_district() {
        let view = DistrictView {
            unit: "district:623:old".into(),
            code: "623".into(),
            name: "Thị xã An Khê".into(),
            province: named("province:64:old", "Tỉnh Gia Lai"),
            communes: vec![named("commune:23629:old", "Xã Cửu An"), named("commune:23626:old", "Xã Tú An")],
        };
        let draft = apply(vec![DistrictAction::Query("x".into()), DistrictAction::Edit(Box::new(view.clone()))]);
        assert_eq!(
            (draft.code.as_str(), draft.unit_type.as_str(), draft.name.as_str(), draft.province.as_str()),
            ("623", "Thị xã", "An Khê", "province:64:old")
        );
        assert_eq!(draft.communes, ["commune:23626:old", "commune:23629:old"]);
        assert_eq!((draft.query.as_str(), draft.editing.as_deref()), ("", Some("district:623:old")));
        let by_commune = districts_by_commune(std::slice::from_ref(&view));
        assert_eq!(by_commune.get("commune:23626:old").map(|d| d.name.as_str()), Some("Thị xã An Khê"));
        assert_eq!(apply(vec![DistrictAction::Edit(Box::new(view)), DistrictAction::Clear]), DistrictDraft::default());
    }
}
