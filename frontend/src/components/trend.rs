//! A ratio's share over the years of a review, drawn as an inline SVG line on a 0–100 %
//! scale with the targets as dashed lines. Every number and word comes from
//! `crate::trend`; this component only lays it out. The SVG has `role="img"` and an
//! `aria-label` that says every year's share, so the picture hides nothing.

use hoctap_shared::annual::ReviewRow;
use yew::prelude::*;

use crate::trend::{view_box, TrendChart, PLOT_BOTTOM, PLOT_LEFT, PLOT_RIGHT, PLOT_TOP, TARGET_LABEL_X, YEAR_BASELINE};

/// The line of one row (a plain function, not a component: it keeps no state, and each
/// component costs the app's download a copy of Yew's lifecycle code).
pub fn trend_line(row: &ReviewRow) -> Html {
    let chart = TrendChart::of(row);
    let label = TrendChart::aria_label(row);
    let at = |v: f64| v.to_string();
    html! {
        <svg class="chart trend" viewBox={view_box()} width="100%" preserveAspectRatio="xMinYMin meet"
            role="img" aria-label={label.clone()}>
            <title>{ label }</title>
            { for chart.grid.iter().map(|g| html! {
                <g class="trend-grid">
                    <line x1={at(PLOT_LEFT)} x2={at(PLOT_RIGHT)} y1={at(g.y)} y2={at(g.y)} />
                    <text x={at(PLOT_LEFT - 4.0)} y={at(g.label_y)} text-anchor="end">{ &g.label }</text>
                </g>
            }) }
            { for chart.targets.iter().map(|t| html! {
                <g class="trend-target">
                    <line x1={at(PLOT_LEFT)} x2={at(PLOT_RIGHT)} y1={at(t.y)} y2={at(t.y)} />
                    <text x={at(TARGET_LABEL_X)} y={at(t.label_y)}>{ &t.label }</text>
                </g>
            }) }
            { for chart.years.iter().map(|y| html! {
                <text class="trend-year" x={at(y.x)} y={at(YEAR_BASELINE)} text-anchor="middle">{ y.year }</text>
            }) }
            <line class="trend-axis" x1={at(PLOT_LEFT)} x2={at(PLOT_RIGHT)} y1={at(PLOT_BOTTOM)} y2={at(PLOT_BOTTOM)} />
            if chart.points.is_empty() {
                <text class="trend-empty" x={at((PLOT_LEFT + PLOT_RIGHT) / 2.0)} y={at((PLOT_TOP + PLOT_BOTTOM) / 2.0)}
                    text-anchor="middle">{ "Chưa có số liệu" }</text>
            }
            { for chart.lines.iter().map(|points| html! { <polyline class="trend-line" points={points.clone()} /> }) }
            { for chart.points.iter().map(|p| html! {
                <g class="trend-point">
                    <circle cx={at(p.x)} cy={at(p.y)} r="4" />
                    <text x={at(p.x)} y={at(p.y - 8.0)} text-anchor="middle">{ &p.text }</text>
                </g>
            }) }
        </svg>
    }
}
