//! Charts of a unit's consolidated figures, drawn as inline SVG so that they need no
//! script library, work offline, scale to any screen and print sharply: one bar per ratio
//! against its 2025 and 2030 targets, the same ratio per child unit, and tables of the
//! evaluations per model and per child. Every number and word comes from `crate::chart`;
//! these components only lay it out.
//!
//! Each SVG has `role="img"` and a Vietnamese `aria-label` that says everything the
//! picture shows, and the status is always written in words beside the colour.

use hoctap_shared::consolidation::ModelCounts;
use hoctap_shared::report::{ChildFigures, ConsolidationView, IndicatorRow};
use yew::prelude::*;

use crate::chart::{
    count_text, reading_text, BarChart, ChildBars, ChildSummary, Tick, BAR_HEIGHT, BAR_Y, CHILD_BAR_HEIGHT,
    CHILD_BAR_Y, CHILD_NAME_BASELINE, CHILD_TICK_LABEL_BASELINE, CHILD_TRACK_WIDTH, TEXT_BASELINE, TICK_BOTTOM,
    TICK_LABEL_BASELINE, TICK_TOP, TRACK_WIDTH, TRACK_X, VIEW_HEIGHT, VIEW_WIDTH,
};

/// A coordinate as an SVG attribute.
fn at(value: f64) -> String {
    value.to_string()
}

fn view_box(height: f64) -> String {
    format!("0 0 {VIEW_WIDTH} {height}")
}

/// A target's mark from `top` to `bottom`, on a halo of the background colour so that it
/// stands out on any bar.
fn tick_mark(tick: &Tick, top: f64, bottom: f64) -> Html {
    let (x, top, bottom) = (at(tick.x), at(top), at(bottom));
    html! {
        <g class={classes!("chart-tick", format!("year-{}", tick.year))}>
            <line class="chart-tick-halo" x1={x.clone()} x2={x.clone()} y1={top.clone()} y2={bottom.clone()} />
            <line class="chart-tick-line" x1={x.clone()} x2={x} y1={top} y2={bottom} />
        </g>
    }
}

/// A target's year ("2025") centred at the tick's label position.
fn tick_label(tick: &Tick, baseline: f64) -> Html {
    html! {
        <text class="chart-tick-label" x={at(tick.label_x)} y={at(baseline)} text-anchor="middle">{ tick.year }</text>
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct IndicatorChartProps {
    pub row: IndicatorRow,
}

/// One ratio's default reading: the percentage and "tử số/mẫu số" above a 0–100 % bar,
/// with a labelled tick at each target.
#[function_component(IndicatorChart)]
pub fn indicator_chart(props: &IndicatorChartProps) -> Html {
    let chart = BarChart::of(&props.row);
    let label = chart.aria_label();
    html! {
        <svg class="chart" viewBox={view_box(VIEW_HEIGHT)} width="100%" preserveAspectRatio="xMinYMin meet"
            role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            <text class="chart-percent" x={at(TRACK_X)} y={at(TEXT_BASELINE)}>{ chart.percent_text() }</text>
            <text class="chart-counts" x={at(TRACK_X + TRACK_WIDTH)} y={at(TEXT_BASELINE)} text-anchor="end">
                { chart.counts_text() }
            </text>
            <rect class="chart-track" x={at(TRACK_X)} y={at(BAR_Y)} width={at(TRACK_WIDTH)} height={at(BAR_HEIGHT)} />
            if chart.bar_width > 0.0 {
                <rect class={classes!("chart-bar", chart.status.class())} x={at(TRACK_X)} y={at(BAR_Y)}
                    width={at(chart.bar_width)} height={at(BAR_HEIGHT)} />
            }
            { for chart.ticks.iter().map(|t| tick_mark(t, TICK_TOP, TICK_BOTTOM)) }
            { for chart.ticks.iter().map(|t| tick_label(t, TICK_LABEL_BASELINE)) }
        </svg>
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct ChildrenChartProps {
    pub row: IndicatorRow,
    pub children: Vec<ChildFigures>,
}

/// The ratio's default reading for each unit directly below: one thin bar per unit under
/// its name, each crossed by the target ticks, whose years head the chart.
#[function_component(ChildrenChart)]
pub fn children_chart(props: &ChildrenChartProps) -> Html {
    let bars = ChildBars::of(&props.row, &props.children);
    let label = bars.aria_label();
    html! {
        <svg class="chart chart-children" viewBox={view_box(bars.height)} width="100%"
            preserveAspectRatio="xMinYMin meet" role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            { for bars.bars.iter().map(|bar| html! {
                <g class="chart-child">
                    <text class="chart-child-name" x={at(TRACK_X)} y={at(bar.y + CHILD_NAME_BASELINE)}>
                        { &bar.short_name }
                    </text>
                    <rect class="chart-track" x={at(TRACK_X)} y={at(bar.y + CHILD_BAR_Y)}
                        width={at(CHILD_TRACK_WIDTH)} height={at(CHILD_BAR_HEIGHT)} />
                    if bar.bar_width > 0.0 {
                        <rect class={classes!("chart-bar", bar.status.class())} x={at(TRACK_X)}
                            y={at(bar.y + CHILD_BAR_Y)} width={at(bar.bar_width)} height={at(CHILD_BAR_HEIGHT)} />
                    }
                    <text class="chart-child-percent" x={at(VIEW_WIDTH - 4.0)}
                        y={at(bar.y + CHILD_BAR_Y + CHILD_BAR_HEIGHT - 1.0)} text-anchor="end">
                        { bar.percent_text() }
                    </text>
                    // Across the bar only, so that the names stay clear.
                    { for bars.ticks.iter().map(|t| {
                        tick_mark(t, bar.y + CHILD_BAR_Y - 3.0, bar.y + CHILD_BAR_Y + CHILD_BAR_HEIGHT + 3.0)
                    }) }
                </g>
            }) }
            { for bars.ticks.iter().map(|t| tick_label(t, CHILD_TICK_LABEL_BASELINE)) }
        </svg>
    }
}

#[derive(Debug, Properties, PartialEq)]
pub struct ConsolidationChartsProps {
    pub view: ConsolidationView,
}

/// A unit's figures for a year: for each ratio its name, chart, targets and status in
/// words (and the units below it, folded away); then the evaluations per model and a
/// table of the units directly below. The screen around it shows the unit's name.
#[function_component(ConsolidationCharts)]
pub fn consolidation_charts(props: &ConsolidationChartsProps) -> Html {
    let view = &props.view;
    html! {
        <section class="charts" aria-label={format!("Số liệu tổng hợp năm {}", view.year)}>
            { for view.indicators.iter().map(|row| indicator_card(row, &view.children)) }
            <h3 class="charts-section">{ "Phiếu đánh giá theo mô hình" }</h3>
            if view.models.is_empty() {
                <p class="charts-empty">{ format!("Chưa có phiếu đánh giá nào trong năm {}.", view.year) }</p>
            } else {
                <div class="charts-table">
                    <table>
                        <thead>{ count_headings("Mô hình") }</thead>
                        <tbody>
                            { for view.models.iter().map(|(model, counts)| count_row(model.title(), None, counts)) }
                        </tbody>
                    </table>
                </div>
            }
            <p class="charts-recognised">
                { format!("Được công nhận trong năm: {}", count_text(view.recognised.len() as u64)) }
            </p>
            if !view.children.is_empty() {
                <h3 class="charts-section">{ "Đơn vị trực thuộc" }</h3>
                <div class="charts-table">
                    <table>
                        <thead>{ count_headings("Đơn vị") }</thead>
                        <tbody>
                            { for view.children.iter().map(|child| {
                                let summary = ChildSummary::of(child);
                                let counts = ModelCounts {
                                    evaluated: summary.evaluated,
                                    submitted: summary.submitted,
                                    recognised: summary.recognised,
                                    ..ModelCounts::default()
                                };
                                count_row(&summary.name, Some(&summary.unit), &counts)
                            }) }
                        </tbody>
                    </table>
                </div>
            }
        </section>
    }
}

/// One ratio: its name, chart, status in words, targets, how it is counted, the other
/// readings, and the units below.
fn indicator_card(row: &IndicatorRow, children: &[ChildFigures]) -> Html {
    let chart = BarChart::of(row);
    let targets = chart.targets_text();
    html! {
        <article class="chart-card">
            <h3 class="chart-name">{ &row.name }</h3>
            <IndicatorChart row={row.clone()} />
            <p class={classes!("chart-status", chart.status.class())}>{ chart.status_words() }</p>
            <p class="chart-targets">{ capitalise(&targets) }</p>
            if let Some(reading) = &chart.reading {
                <p class="chart-reading">{ format!("Cách tính: {reading}") }</p>
            }
            if row.readings.len() > 1 {
                <ul class="chart-readings">
                    { for row.readings.iter().skip(1).map(|r| html! { <li>{ reading_text(r) }</li> }) }
                </ul>
            }
            if !children.is_empty() {
                <details class="chart-children-details">
                    <summary>{ format!("Theo đơn vị trực thuộc ({})", children.len()) }</summary>
                    <ChildrenChart row={row.clone()} children={children.to_vec()} />
                </details>
            }
        </article>
    }
}

fn count_headings(first: &str) -> Html {
    html! {
        <tr>
            <th scope="col">{ first }</th>
            <th scope="col" class="number">{ "Đã đánh giá" }</th>
            <th scope="col" class="number">{ "Đã gửi" }</th>
            <th scope="col" class="number">{ "Đã công nhận" }</th>
        </tr>
    }
}

fn count_row(name: &str, unit: Option<&str>, counts: &ModelCounts) -> Html {
    html! {
        <tr>
            <th scope="row" title={unit.map(str::to_string)}>{ name }</th>
            <td class="number">{ count_text(counts.evaluated) }</td>
            <td class="number">{ count_text(counts.submitted) }</td>
            <td class="number">{ count_text(counts.recognised) }</td>
        </tr>
    }
}

/// "mục tiêu 2025: 70 %" → "Mục tiêu 2025: 70 %".
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars.next().map_or_else(String::new, |c| c.to_uppercase().chain(chars).collect())
}
