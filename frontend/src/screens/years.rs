//! The five-year review (sơ kết) of the signed-in account's unit: every ratio's share
//! year by year with the change over the period, a line per ratio against its targets,
//! the titles recognised per model and year, and the review's exports. 2021–2025 by
//! default; any range of years can be chosen.

use hoctap_shared::annual::Review;
use yew::prelude::*;

use super::export::{Export, ExportButton};
use super::remote::{fetch_status, use_server_page, use_session};
use crate::app::this_year;
use crate::chart::count_text;
use crate::components::trend_line;
use crate::reports::{change_words, percent_or_dash, report_years, review_file_name, review_path, row_status_class};

#[function_component(YearsReviewScreen)]
pub fn years_review_screen() -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let range = use_state(|| (2021, 2025));
    let (from, to) = *range;
    let page = use_server_page::<Review>(Some(review_path(&unit, from, to, None)), true, 0);
    let years = report_years(this_year().max(2025));
    let years: Vec<i32> = years.into_iter().rev().collect();
    // The other end follows, so that the range is never upside down.
    let on_from = {
        let range = range.clone();
        Callback::from(move |y: i32| range.set((y, range.1.max(y))))
    };
    let on_to = {
        let range = range.clone();
        Callback::from(move |y: i32| range.set((range.0.min(y), y)))
    };
    html! {
        <div class="review-screen">
            <h1 class="form-title">{ "Sơ kết theo giai đoạn" }</h1>
            <div class="toolbar">
                { super::year_select("review-from", "Từ năm", &years, from, on_from) }
                { super::year_select("review-to", "đến năm", &years, to, on_to) }
            </div>
            { fetch_status(&page, "số liệu sơ kết") }
            if let Some(review) = page.value() {
                { review_view(review) }
                <section class="report-section">
                    <h2 class="section-title">{ "Tải về và in" }</h2>
                    <div class="exports">
                        <ExportButton label="Tải XLSX" primary=true path={review_path(&unit, from, to, Some("review.xlsx"))}
                            export={Export::Save(review_file_name(&review.name, review.from, review.to, "xlsx"))} />
                        <ExportButton label="Tải CSV" path={review_path(&unit, from, to, Some("review.csv"))}
                            export={Export::Save(review_file_name(&review.name, review.from, review.to, "csv"))} />
                        <ExportButton label="In sơ kết (A4)" path={review_path(&unit, from, to, Some("print"))}
                            export={Export::Print} />
                    </div>
                </section>
            }
        </div>
    }
}

/// The review's tables and lines.
fn review_view(review: &Review) -> Html {
    let years: Vec<i32> = (review.from..=review.to).collect();
    html! {
        <>
            <h2 class="section-title">{ format!("{} — giai đoạn {}–{}", review.name, review.from, review.to) }</h2>
            <p class="hint">{ format!("Số liệu tính đến ngày {}. Thay đổi: từ năm đầu đến năm cuối có số liệu, tính bằng điểm phần trăm.", review.as_of) }</p>
            if !review.unassigned.is_empty() {
                <p class="app-warning">
                    { format!("Chưa tính số liệu của {} thôn thuộc đơn vị cũ chưa được gán về xã mới. ", review.unassigned.len()) }
                    <a href={crate::page::LINEAGE_HREF}>{ "Gán thôn" }</a>
                </p>
            }
            <div class="charts-table">
                <table class="review-table">
                    <thead><tr>
                        <th scope="col">{ "Chỉ tiêu" }</th>
                        { for years.iter().map(|y| html! { <th scope="col" class="number">{ y }</th> }) }
                        <th scope="col" class="number">{ "Thay đổi" }</th>
                        <th scope="col">{ format!("Đánh giá {}", review.to) }</th>
                    </tr></thead>
                    <tbody>
                        { for review.rows.iter().map(|row| html! {
                            <tr class={if row.primary { "primary-reading" } else { "secondary-reading" }}>
                                <th scope="row">
                                    if row.primary { <span class="ratio-title">{ &row.name }</span> }
                                    <span class="ratio-reading">{ if row.primary { row.reading_label.clone() } else { format!("↳ {}", row.reading_label) } }</span>
                                </th>
                                { for row.years.iter().map(|c| html! {
                                    <td class="number" title={format!("{}/{}", count_text(c.numerator), count_text(c.denominator))}>
                                        { percent_or_dash(c.percent) }
                                    </td>
                                }) }
                                <td class="number">{ change_words(row.change) }</td>
                                <td>
                                    if row.primary {
                                        <span class={classes!("badge", "status-badge", row_status_class(row.status))}>{ row.status.label() }</span>
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            <h2 class="section-title">{ "Diễn biến từng chỉ tiêu" }</h2>
            { for review.rows.iter().filter(|r| r.primary).map(|row| html! {
                <article class="chart-card">
                    <h3 class="chart-name">{ &row.name }</h3>
                    { trend_line(row) }
                    <p class="chart-reading">{ format!("Cách tính: {} · thay đổi {} · nét đứt: mục tiêu", row.reading_label, change_words(row.change)) }</p>
                </article>
            }) }
            <h2 class="section-title">{ "Danh hiệu được công nhận theo năm" }</h2>
            <div class="charts-table">
                <table>
                    <thead><tr>
                        <th scope="col">{ "Mô hình" }</th>
                        { for years.iter().map(|y| html! { <th scope="col" class="number">{ y }</th> }) }
                        <th scope="col" class="number">{ "Cộng" }</th>
                    </tr></thead>
                    <tbody>
                        { for review.models.iter().map(|m| html! {
                            <tr>
                                <th scope="row">{ &m.title }</th>
                                { for m.recognised.iter().map(|n| html! { <td class="number">{ count_text(*n) }</td> }) }
                                <td class="number">{ count_text(m.total) }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
        </>
    }
}
