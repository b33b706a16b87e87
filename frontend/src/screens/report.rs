//! Consolidated figures: every indicator of the unit (and, for a commune or province,
//! of each unit below it) against its 2025 and 2030 targets, drawn as SVG charts. The
//! figures come from the server, which holds every device's work; the last ones fetched
//! are kept on the device and shown offline with their date.

use hoctap_shared::report::ConsolidationView;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::{self, Body};
use crate::app::{this_year, AppContext};
use crate::components::ConsolidationCharts;
use crate::storage::Storage;

/// What the screen shows: the figures and whether they are fresh from the server.
#[derive(Debug, Clone, PartialEq)]
pub struct Figures {
    pub view: ConsolidationView,
    /// `false` when these are the copy kept on the device.
    pub fresh: bool,
}

/// The consolidated figures of `unit` for `year`: the copy kept on the device at once,
/// then the server's when it answers (kept for next time). `None` until either exists.
#[hook]
pub fn use_figures(unit: String, year: i32) -> (Option<Figures>, Option<String>) {
    let ctx = use_context::<AppContext>();
    let token = ctx.as_ref().and_then(|c| c.model.session.as_ref().map(|s| s.token.clone()));
    let figures = use_state(|| None::<Figures>);
    let error = use_state(|| None::<String>);
    {
        let (figures, error) = (figures.clone(), error.clone());
        use_effect_with((unit, year, token), move |(unit, year, token)| {
            let (unit, year, token) = (unit.clone(), *year, token.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let key = format!("{unit}@{year}");
                if let Ok(storage) = Storage::open().await {
                    if let Ok(Some(cached)) = storage.cached_consolidation().await {
                        if let Some(view) = cached.get(&key).and_then(|v| serde_json::from_value(v.clone()).ok()) {
                            figures.set(Some(Figures { view, fresh: false }));
                        }
                    }
                    storage.close();
                }
                let path = format!("/consolidation/{unit}?year={year}");
                match api::call::<serde_json::Value>("GET", &path, token.as_deref(), Body::None).await {
                    Ok(value) => {
                        if let Ok(view) = serde_json::from_value::<ConsolidationView>(value.clone()) {
                            figures.set(Some(Figures { view, fresh: true }));
                            error.set(None);
                        }
                        if let Ok(storage) = Storage::open().await {
                            let mut cached = storage.cached_consolidation().await.ok().flatten().unwrap_or_default();
                            if !cached.is_object() {
                                cached = serde_json::Value::Object(Default::default());
                            }
                            cached[key] = value;
                            let _ = storage.cache_consolidation(&cached).await;
                            storage.close();
                        }
                    }
                    Err(err) => error.set(Some(err.to_string())),
                }
            });
        });
    }
    ((*figures).clone(), (*error).clone())
}

/// The signed-in unit's figures for `year`.
#[hook]
pub fn use_consolidation(year: i32) -> Option<ConsolidationView> {
    let unit = use_context::<AppContext>().map(|c| c.unit()).unwrap_or_default();
    use_figures(unit, year).0.map(|f| f.view)
}

#[derive(Properties, PartialEq)]
pub struct TargetsSummaryProps {
    pub view: Option<ConsolidationView>,
}

/// One line per indicator with data: the percentage beside the 2025 and 2030 targets.
#[function_component(TargetsSummary)]
pub fn targets_summary(props: &TargetsSummaryProps) -> Html {
    let Some(view) = &props.view else {
        return html! { <p class="hint">{ "Chưa có số liệu tổng hợp trên máy. Khi có mạng, số liệu sẽ được tải về." }</p> };
    };
    let rows: Vec<_> = view
        .indicators
        .iter()
        .filter_map(|row| {
            let reading = row.readings.first()?;
            (reading.denominator > 0).then_some((row, reading))
        })
        .collect();
    if rows.is_empty() {
        return html! { <p class="hint">{ "Chưa có số liệu nào cho năm này." }</p> };
    }
    html! {
        <ul class="targets">
            { for rows.iter().map(|(row, reading)| {
                let percent = reading.percent.map_or_else(|| "—".to_string(), |p| p.to_string());
                let target = |t: Option<hoctap_shared::number::Percent>| t.map_or_else(|| "—".to_string(), |t| t.to_string());
                html! {
                    <li>
                        <span class="target-name">{ &row.name }</span>
                        <span class="target-figures">{ format!("{percent} ({}/{}) · mục tiêu 2025: {} · 2030: {}",
                            reading.numerator, reading.denominator, target(row.target_2025), target(row.target_2030)) }</span>
                    </li>
                }
            }) }
        </ul>
    }
}

#[function_component(ReportScreen)]
pub fn report_screen() -> Html {
    let Some(ctx) = use_context::<AppContext>() else { return Html::default() };
    let year = use_state(this_year);
    let unit = use_state(|| ctx.unit());
    let (figures, error) = use_figures((*unit).clone(), *year);
    let on_year = {
        let year = year.clone();
        Callback::from(move |e: Event| {
            if let Ok(y) = e.target_unchecked_into::<HtmlSelectElement>().value().parse() {
                year.set(y);
            }
        })
    };
    let own = ctx.unit();
    let links = super::report_links(&own, this_year());
    let years: Vec<i32> = (2021..=this_year().max(2026)).rev().collect();
    html! {
        <main class="app wide">
            <h1 class="form-title">{ "Số liệu tổng hợp" }</h1>
            <div class="toolbar">
                <label class="field" for="report-year">{ "Năm" }</label>
                <select id="report-year" class="select" onchange={on_year}>
                    { for years.iter().map(|y| html! { <option value={y.to_string()} selected={*y == *year}>{ y }</option> }) }
                </select>
                if *unit != own {
                    <button type="button" class="link" onclick={let unit = unit.clone(); Callback::from(move |_| unit.set(own.clone()))}>
                        { "← Về đơn vị của tôi" }
                    </button>
                }
            </div>
            { links }
            if let Some(message) = &error {
                <p class="hint" role="status">{ format!("Không tải được số liệu mới: {message}") }</p>
            }
            { match &figures {
                None => html! { <p class="hint" role="status">{ "Đang tải số liệu…" }</p> },
                Some(f) => html! {
                    <>
                        <h2 class="section-title">{ f.view.name.clone().unwrap_or_else(|| f.view.unit.clone()) }</h2>
                        if !f.fresh { <p class="hint">{ "Số liệu lưu trên máy từ lần tải trước." }</p> }
                        <ConsolidationCharts view={f.view.clone()} />
                        if !f.view.children.is_empty() {
                            <h2 class="section-title">{ "Xem từng đơn vị trực thuộc" }</h2>
                            <ul class="children-links">
                                { for f.view.children.iter().map(|c| {
                                    let id = c.unit.clone();
                                    let onclick = { let unit = unit.clone(); Callback::from(move |_| unit.set(id.clone())) };
                                    html! { <li><button type="button" class="link" {onclick}>{ c.name.clone().unwrap_or_else(|| c.unit.clone()) }</button></li> }
                                }) }
                            </ul>
                        }
                    </>
                },
            } }
        </main>
    }
}
