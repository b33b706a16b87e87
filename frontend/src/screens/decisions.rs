//! The recognition decisions (quyết định công nhận) of the signed-in account's unit, in
//! the office app: a report year's decisions (`office.html#quyet-dinh/<year>`), and one
//! decision as a record of its own (`…?so=<number>&ngay=<date>`): its number, date,
//! authority, proposer and titles, then its list exactly as the server derives it from
//! the recognitions made under it — each subject with birth year, household and hamlet,
//! linked to its evaluation in the app — with the printable A4 page to print it again.
//!
//! Both read `GET /reports/{unit}/{year}/decisions`; the last answer is kept on the
//! device and shown offline, marked so.

use hoctap_shared::annual::DecisionDocument;
use hoctap_shared::date::Date;
use yew::prelude::*;

use super::export::{Export, ExportButton};
use super::remote::{fetch_status, use_server_page, use_session, ServerPage};
use crate::app::this_year;
use crate::chart::count_text;
use crate::office::route::OfficeRoute;
use crate::page::Route;
use crate::reports::{decision_counts, decision_print_path, report_sub_path, report_years, subject_place};

#[derive(Properties, PartialEq)]
pub struct DecisionsProps {
    /// The report year; `None`: this year.
    pub year: Option<i32>,
    /// One decision, by number and date; `None`: the year's list.
    #[prop_or_default]
    pub decision: Option<(String, Date)>,
}

#[function_component(DecisionsScreen)]
pub fn decisions_screen(props: &DecisionsProps) -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let year = props.year.unwrap_or_else(this_year);
    let page = use_server_page::<Vec<DecisionDocument>>(Some(report_sub_path(&unit, year, "decisions")), true, 0);
    match &props.decision {
        None => year_list(&page, year),
        Some((number, date)) => one_decision(&page, &unit, year, number, *date),
    }
}

/// The year's decisions, newest first, each a link to its page.
fn year_list(page: &ServerPage<Vec<DecisionDocument>>, year: i32) -> Html {
    let on_year = Callback::from(|y: i32| {
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&OfficeRoute::Decisions(Some(y)).hash());
        }
    });
    html! {
        <section class="decisions-screen">
            <h1 class="app-title">{ "Quyết định công nhận" }</h1>
            <p class="hint">{ "Mỗi quyết định kèm danh sách đúng những hồ sơ đã được công nhận theo quyết định đó. \
                Mở một quyết định để xem danh sách và in lại." }</p>
            <div class="toolbar">
                { super::year_select("decision-year", "Năm đánh giá", &report_years(this_year()), year, on_year) }
            </div>
            { fetch_status(page, "quyết định") }
            if let Some(decisions) = page.value() {
                if decisions.is_empty() {
                    <p class="hint" role="status">{ format!("Chưa có quyết định công nhận nào cho năm {year}.") }</p>
                } else {
                    <p class="decision-count">{ format!("{} quyết định công nhận năm {year}", count_text(decisions.len() as u64)) }</p>
                }
                <ul class="rows decision-list">
                    { for decisions.iter().map(|d| html! {
                        <li>
                            <a class="row" href={OfficeRoute::Decision { year, number: d.number.clone(), date: d.date }.href()}>
                                <span class="row-name">{ format!("Quyết định số {} ngày {}", d.number, d.date) }</span>
                                <span class="row-meta">{ authority_words(d) }</span>
                                <span class="row-meta decision-titles">{ counts_words(d) }</span>
                            </a>
                        </li>
                    }) }
                </ul>
            }
        </section>
    }
}

/// "Ủy ban nhân dân xã Cửu An · Theo đề nghị của …".
fn authority_words(d: &DecisionDocument) -> String {
    match d.proposer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        Some(proposer) => format!("{} · Theo đề nghị của {proposer}", d.authority),
        None => d.authority.clone(),
    }
}

/// "Công dân học tập: 12 · Gia đình học tập: 3".
fn counts_words(d: &DecisionDocument) -> String {
    decision_counts(d)
        .iter()
        .map(|(model, n)| format!("{}: {}", model.title(), count_text(*n as u64)))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// One decision: its header, the print button and its list.
fn one_decision(page: &ServerPage<Vec<DecisionDocument>>, unit: &str, year: i32, number: &str, date: Date) -> Html {
    let back = html! {
        <a class="back" href={OfficeRoute::Decisions(Some(year)).href()}>{ format!("← Các quyết định công nhận năm {year}") }</a>
    };
    let found = page.value().and_then(|list| list.iter().find(|d| d.number == number && d.date == date));
    let Some(d) = found else {
        return html! {
            <section class="decision-page">
                { back }
                { fetch_status(page, "quyết định") }
                if page.value().is_some() {
                    <p class="app-warning" role="alert" data-missing="true">{ format!(
                        "Không có quyết định số {number} ngày {date} trong các quyết định công nhận năm {year}. \
                         Có thể số hoặc ngày đã gõ sai, hoặc các hồ sơ theo quyết định này đã được mở lại để sửa."
                    ) }</p>
                }
            </section>
        };
    };
    let titles: Vec<String> = d.models.iter().map(|m| format!("“{}”", m.title())).collect();
    let several = d.models.len() > 1;
    html! {
        <section class="decision-page">
            { back }
            { fetch_status(page, "quyết định") }
            <header class="decision-header">
                <p class="set-model">{ format!("Quyết định công nhận · năm {year}") }</p>
                <h1 class="app-title">{ format!("Quyết định số {}", d.number) }</h1>
                <p class="decision-meta">{ format!("Ngày {} · {}", d.date, d.authority) }</p>
                if let Some(proposer) = d.proposer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                    <p class="decision-meta">{ format!("Theo đề nghị của {proposer}") }</p>
                }
                <p class="decision-meta">{ format!("Công nhận danh hiệu {} năm {}", titles.join(", "), d.year) }</p>
            </header>
            <div class="exports">
                <ExportButton label="In quyết định (A4)" export={Export::Print} primary={true}
                    path={decision_print_path(unit, year, &d.number, d.date)} />
            </div>
            <h2 class="section-title">{ "Danh sách kèm theo" }</h2>
            <p class="decision-count" data-count={d.subjects.len().to_string()}>
                { format!("{} được công nhận — {}", subjects_words(d.subjects.len()), counts_words(d)) }
            </p>
            <table class="decision-table">
                <thead>
                    <tr>
                        <th scope="col" class="number">{ "STT" }</th>
                        <th scope="col">{ "Họ và tên" }</th>
                        <th scope="col">{ "Năm sinh" }</th>
                        <th scope="col">{ "Hộ gia đình" }</th>
                        <th scope="col">{ "Thôn, tổ dân phố" }</th>
                        if several { <th scope="col">{ "Danh hiệu" }</th> }
                    </tr>
                </thead>
                <tbody>
                    { for d.subjects.iter().enumerate().map(|(i, s)| {
                        let evaluation = format!("/{}", Route::Evaluation(s.evaluation.id.clone()).href());
                        let note = s.decision.as_ref().and_then(|x| x.override_reason.as_deref()).map(str::trim).filter(|r| !r.is_empty());
                        html! {
                            <tr class="decision-subject">
                                <td class="number">{ i + 1 }</td>
                                <td class="subject-name">
                                    <a href={evaluation}>{ s.name.clone().unwrap_or_else(|| "(chưa ghi tên)".to_string()) }</a>
                                    if let Some(reason) = note {
                                        <span class="override-note">{ format!("Công nhận ngoại lệ: {reason}") }</span>
                                    }
                                </td>
                                <td class="birth-year" data-label="Năm sinh">{ s.birth_year.map_or_else(|| "—".to_string(), |y| y.to_string()) }</td>
                                <td data-label="Hộ gia đình">{ s.household.clone().unwrap_or_else(|| "—".to_string()) }</td>
                                <td class="hamlet">{ subject_place(d, s).unwrap_or("—").to_string() }</td>
                                if several { <td data-label="Danh hiệu">{ s.model.title() }</td> }
                            </tr>
                        }
                    }) }
                </tbody>
            </table>
        </section>
    }
}

/// "1 đối tượng", "24 đối tượng".
fn subjects_words(n: usize) -> String {
    format!("{} đối tượng", count_text(n as u64))
}
