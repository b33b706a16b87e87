//! The annual report (báo cáo kết quả hằng năm) of the signed-in account's unit: the
//! deadline and whether it was met, every ratio against its targets, evaluations per
//! model, the units below (and whether they reported), the four sections the officer
//! writes, submitting a frozen version, the versions submitted, and the exports and
//! printable pages. Reports are computed on the server, so this screen needs the
//! network; the last report fetched is kept on the device and shown offline, marked so.
//!
//! The narrative is never lost to a failed save: what the officer typed stays in the
//! boxes, is kept on the device, and the browser asks before the page is closed.

use hoctap_shared::accounts::Action;
use hoctap_shared::annual::{AnnualReport, DecisionDocument, Narrative, ReportRow, Submission};
use hoctap_shared::report::{ChildReportStatus, ReportPage, VersionInfo};
use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use super::export::{Export, ExportButton};
use super::remote::{
    error_words, fetch_status, fetch_status_part, use_server_page, use_session, use_token, ServerPage,
};
use crate::api::{self, Body};
use crate::app::{this_year, time_vi};
use crate::chart::{count_text, percent_text};
use crate::components::IndicatorChart;
use crate::page::{self, LeaveWarning, Route};
use crate::reports::{
    chart_row, child_status_counts, children_by_urgency, deadline_words, decision_print_path, gap_words, next_version,
    on_time_words, percent_or_dash, ratio_groups, report_file_name, report_path, report_sub_path, report_years,
    row_status_class, state_words, submit_question, version_words, ChildStatus, ReportFile,
};
use crate::storage::Storage;

/// Lists of units below longer than this start folded (a province has over a hundred).
const FOLDED_AFTER: usize = 12;

#[derive(Properties, PartialEq)]
pub struct AnnualReportProps {
    /// `None`: this year.
    pub year: Option<i32>,
}

#[function_component(AnnualReportScreen)]
pub fn annual_report_screen(props: &AnnualReportProps) -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let year = props.year.unwrap_or_else(this_year);
    let generation = use_state(|| 0u32);
    let path = report_path(&unit, year, None, None);
    let page = use_server_page::<ReportPage>(Some(path.clone()), true, *generation);
    // The units below and the decisions, once the report says there are any.
    let report = page.value().map(|p| &p.report);
    let children = use_server_page::<Vec<ChildReportStatus>>(
        report.filter(|r| !r.children.is_empty()).map(|_| report_sub_path(&unit, year, "children")),
        true,
        *generation,
    );
    let decision_list = use_server_page::<Vec<DecisionDocument>>(
        report.filter(|r| !r.recognised.is_empty()).map(|_| report_sub_path(&unit, year, "decisions")),
        false,
        *generation,
    );
    let token = use_token();
    let may_write = session.account.role.allows(Action::Write);
    let narrative_dirty = use_state(|| false);
    let submitted = use_state(|| None::<Result<String, String>>);
    let submitting = use_state(|| false);

    let on_year = Callback::from(|y: i32| page::go(&Route::AnnualReport(Some(y))));
    let fresh = page.fresh();
    let on_submit = {
        let (unit, token, generation, submitted, submitting, dirty) = (
            unit.clone(),
            token.clone(),
            generation.clone(),
            submitted.clone(),
            submitting.clone(),
            narrative_dirty.clone(),
        );
        let versions: Vec<VersionInfo> = page.value().map(|p| p.versions.clone()).unwrap_or_default();
        Callback::from(move |_: MouseEvent| {
            if *dirty {
                submitted.set(Some(Err(
                    "Nội dung vừa gõ chưa được lưu lên máy chủ, nên bản nộp sẽ không có nội dung \
                                        đó. Hãy bấm “Lưu nội dung” trước khi nộp."
                        .to_string(),
                )));
                return;
            }
            let next = next_version(&versions);
            let confirmed = web_sys::window()
                .and_then(|w| w.confirm_with_message(&submit_question(year, next)).ok())
                .unwrap_or(false);
            if !confirmed {
                return;
            }
            submitting.set(true);
            submitted.set(None);
            let (unit, token, generation, submitted, submitting) =
                (unit.clone(), token.clone(), generation.clone(), submitted.clone(), submitting.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let path = report_sub_path(&unit, year, "submit");
                let result = api::call_text("POST", &path, token.as_deref(), Body::None).await;
                submitting.set(false);
                // The answer is the whole frozen version; its first fields say which.
                let result = result.and_then(|json| {
                    serde_json::from_str::<VersionInfo>(&json).map_err(|e| api::ApiError::Decode(e.to_string()))
                });
                match result {
                    Ok(v) => {
                        submitted.set(Some(Ok(format!(
                            "Đã nộp {}. Bản số {} đã được lưu cố định.",
                            version_words(&v),
                            v.version
                        ))));
                        generation.set(*generation + 1);
                    }
                    Err(err) => submitted.set(Some(Err(format!("Chưa nộp được: {}", error_words(&err))))),
                }
            });
        })
    };
    let on_saved = {
        let page = page.clone();
        Callback::from(move |json: String| page.replace(json))
    };
    let on_dirty = {
        let dirty = narrative_dirty.clone();
        Callback::from(move |d: bool| dirty.set(d))
    };

    let latest_version = page.value().and_then(|p| p.versions.iter().map(|v| v.version).max());
    html! {
        <div class="report-screen">
            <div class="toolbar">
                { super::year_select("annual-year", "Năm báo cáo", &report_years(this_year()), year, on_year) }
            </div>
            { fetch_status(&page, "báo cáo") }
            if let Some(report_page) = page.value() {
                { report_header(&report_page.report, &report_page.versions, None) }
                { report_body(&report_page.report) }
                if !report_page.report.children.is_empty() {
                    { children_status(&children) }
                }
                <section class="report-section" aria-labelledby="narrative-title">
                    <h2 id="narrative-title" class="section-title">{ "Nội dung báo cáo" }</h2>
                    <NarrativeEditor key={path.clone()} unit={unit.clone()} {year}
                        saved={report_page.report.narrative.clone()} editable={may_write}
                        {on_saved} {on_dirty} />
                </section>
                <section class="report-section" aria-labelledby="submit-title">
                    <h2 id="submit-title" class="section-title">{ "Nộp báo cáo" }</h2>
                    if may_write {
                        <p class="hint">{ format!(
                            "Nộp lần này tạo bản số {}. Bản đã nộp được lưu cố định, không sửa được; muốn thay đổi thì nộp bản mới.",
                            next_version(&report_page.versions)) }</p>
                        <button type="button" class="primary" onclick={on_submit}
                            disabled={*submitting || !fresh}>
                            { if *submitting { "Đang nộp…" } else { "Nộp báo cáo" } }
                        </button>
                    }
                    { match &*submitted {
                        Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
                        Some(Err(message)) => html! { <p class="form-error" role="alert">{ message }</p> },
                        None => Html::default(),
                    } }
                    { versions_list(year, &report_page.versions) }
                </section>
                <section class="report-section" aria-labelledby="files-title">
                    <h2 id="files-title" class="section-title">{ "Tải về và in" }</h2>
                    // After a submission what is downloaded and printed is the latest
                    // version as it was handed in; before it, the draft.
                    <p class="hint">{ files_hint(latest_version) }</p>
                    { report_downloads(&unit, &report_page.report.name, year, latest_version) }
                    if !report_page.report.recognised.is_empty() {
                        { decisions(&decision_list, &unit, year) }
                    }
                </section>
            }
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct ReportVersionProps {
    pub year: i32,
    pub version: u32,
}

/// A submitted version, read-only, as it was frozen.
#[function_component(ReportVersionScreen)]
pub fn report_version_screen(props: &ReportVersionProps) -> Html {
    let Some(session) = use_session() else { return Html::default() };
    let unit = session.account.unit.clone();
    let (year, version) = (props.year, props.version);
    // A frozen version never changes: the copy kept on the device is as good as new.
    let path = report_sub_path(&unit, year, &format!("versions/{version}"));
    let page = use_server_page::<Submission>(Some(path), true, 0);
    html! {
        <div class="report-screen">
            <a class="back" href={Route::AnnualReport(Some(year)).href()}>{ format!("← Báo cáo năm {year} (bản đang soạn)") }</a>
            { fetch_status(&page, "bản đã nộp") }
            if let Some(submission) = page.value() {
                { report_header(&submission.report, &[], Some(submission)) }
                { report_body(&submission.report) }
                <section class="report-section">
                    <h2 class="section-title">{ "Nội dung báo cáo" }</h2>
                    { narrative_read_only(&submission.report.narrative) }
                </section>
                <section class="report-section">
                    <h2 class="section-title">{ format!("Tải về và in bản số {version}") }</h2>
                    { report_downloads(&unit, &submission.report.name, year, Some(version)) }
                </section>
            }
        </div>
    }
}

/// The unit, year, deadline and state; for a frozen version, when and by whom it was
/// submitted.
fn report_header(report: &AnnualReport, versions: &[VersionInfo], frozen: Option<&Submission>) -> Html {
    let state = match frozen {
        Some(s) => format!(
            "Bản nộp số {} — nộp ngày {} lúc {} bởi {}{}",
            s.version,
            s.submitted_on,
            time_vi(s.submitted_at_ms as f64),
            s.submitted_by,
            match on_time_words(s.on_time) {
                "" => String::new(),
                words => format!(" — {words}"),
            }
        ),
        None => state_words(versions, &report.draft_words()),
    };
    let late = match frozen {
        Some(s) => s.on_time == Some(false),
        None => versions.iter().max_by_key(|v| v.version).is_some_and(|v| v.on_time == Some(false)),
    };
    let state_class = match (frozen.is_some() || !versions.is_empty(), late) {
        (false, _) => "draft",
        (true, true) => "late",
        (true, false) => "submitted",
    };
    html! {
        <header class="report-header">
            <h1 class="app-title">{ &report.name }</h1>
            <p class="report-year">{ format!("Báo cáo kết quả xây dựng xã hội học tập năm {}", report.year) }</p>
            <p class="report-deadline">{ deadline_words(report.deadline, report.deadline_to.as_deref()) }</p>
            <p class={classes!("report-state", state_class)} data-state={state_class}>{ state }</p>
            if frozen.is_some() {
                <p class="hint">{ "Bản này được lưu cố định khi nộp: số liệu và nội dung không thay đổi." }</p>
            }
        </header>
    }
}

/// The submitted versions, oldest first, each a link to its frozen copy.
fn versions_list(year: i32, versions: &[VersionInfo]) -> Html {
    if versions.is_empty() {
        return html! { <p class="hint">{ "Chưa nộp bản nào." }</p> };
    }
    html! {
        <>
            <h3 class="charts-section">{ format!("Các bản đã nộp ({})", versions.len()) }</h3>
            <ul class="rows versions">
                { for versions.iter().map(|v| html! {
                    <li>
                        <a class="row" href={Route::ReportVersion { year, version: v.version }.href()}>
                            <span class="row-name">{ format!("Bản số {}", v.version) }</span>
                            <span class="row-meta">{ format!("Nộp ngày {}{} · {}", v.submitted_on,
                                match on_time_words(v.on_time) { "" => String::new(), w => format!(" — {w}") }, v.submitted_by) }</span>
                        </a>
                    </li>
                }) }
            </ul>
        </>
    }
}

/// What the report says, the same for the report being written and a frozen version:
/// the ratios against their targets, targets reported by hand, evaluations per model,
/// the units below, where the figures come from.
fn report_body(report: &AnnualReport) -> Html {
    let recognised = report.recognised.len() as u64;
    html! {
        <>
            <p class="hint report-as-of">
                { format!("Số liệu tính đến ngày {}.", report.as_of) }
                if !report.plans.is_empty() { { format!(" Chỉ tiêu theo: {}.", report.plans.join("; ")) } }
            </p>
            if !report.unassigned.is_empty() {
                <p class="app-warning">
                    { format!("Chưa tính số liệu của {} thôn thuộc đơn vị cũ chưa được gán về xã mới: {}. ",
                        report.unassigned.len(),
                        report.unassigned.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join("; ")) }
                    <a href={crate::page::LINEAGE_HREF}>{ "Gán thôn" }</a>
                </p>
            }
            <section class="report-section" aria-labelledby="rows-title">
                <h2 id="rows-title" class="section-title">{ "Kết quả theo chỉ tiêu" }</h2>
                <div class="report-table-wrap">
                    <table class="report-table">
                        <thead>
                            <tr>
                                <th scope="col">{ "Chỉ tiêu" }</th>
                                <th scope="col">{ "Tỷ lệ (tử số/mẫu số)" }</th>
                                <th scope="col" class="number">{ "Mục tiêu 2025" }</th>
                                <th scope="col" class="number">{ "Mục tiêu 2030" }</th>
                                <th scope="col">{ "So với mục tiêu" }</th>
                                <th scope="col">{ "Đánh giá" }</th>
                            </tr>
                        </thead>
                        { for ratio_groups(&report.rows).iter().map(|group| ratio_rows(group)) }
                    </table>
                </div>
            </section>
            if !report.hand_targets.is_empty() {
                <section class="report-section">
                    <h2 class="section-title">{ "Chỉ tiêu báo cáo bằng số liệu tự thu thập" }</h2>
                    <ul class="targets">
                        { for report.hand_targets.iter().map(|t| html! {
                            <li>
                                <span class="target-name">{ &t.text }</span>
                                <span class="target-figures">{ format!("Mục tiêu 2025: {} · 2030: {}{}",
                                    percent_or_dash(t.target_2025), percent_or_dash(t.target_2030),
                                    t.responsible.as_ref().map(|r| format!(" · {r}")).unwrap_or_default()) }</span>
                            </li>
                        }) }
                    </ul>
                </section>
            }
            <section class="report-section">
                <h2 class="section-title">{ "Phiếu đánh giá theo mô hình" }</h2>
                <div class="charts-table">
                    <table>
                        <thead><tr>
                            <th scope="col">{ "Mô hình" }</th>
                            <th scope="col" class="number">{ "Đã đánh giá" }</th>
                            <th scope="col" class="number">{ "Đã gửi" }</th>
                            <th scope="col" class="number">{ "Đã công nhận" }</th>
                        </tr></thead>
                        <tbody>
                            { for report.models.iter().map(|m| html! {
                                <tr>
                                    <th scope="row">{ &m.title }</th>
                                    <td class="number">{ count_text(m.counts.evaluated) }</td>
                                    <td class="number">{ count_text(m.counts.submitted) }</td>
                                    <td class="number">{ count_text(m.counts.recognised) }</td>
                                </tr>
                            }) }
                        </tbody>
                    </table>
                </div>
                <p class="charts-recognised">{ format!("Được công nhận trong năm: {}", count_text(recognised)) }</p>
                if report.self_assessment.self_assessed > 0 {
                    <p class="hint report-self-assessment">{ format!("Người dân tự đánh giá qua đường dẫn: {} người; đã ghép với sổ {}; đã chấm, gửi xét duyệt {}; \
                        đã công nhận {}.", count_text(report.self_assessment.self_assessed),
                        count_text(report.self_assessment.matched), count_text(report.self_assessment.reviewed),
                        count_text(report.self_assessment.recognised)) }</p>
                }
                // Which text each count used: an evaluation keeps its set's version.
                { for report.models.iter().filter(|m| !m.sets.is_empty()).map(|m| html! {
                    <p class="hint report-sets">{ format!("{} chấm theo bộ tiêu chí {}", m.title, m.sets.iter()
                        .map(|s| format!("{} ({} phiếu)", s.label, count_text(s.evaluations)))
                        .collect::<Vec<_>>().join("; ")) }</p>
                }) }
            </section>
            if !report.children.is_empty() {
                { children_table(report) }
            }
            if !report.sources.is_empty() {
                <p class="hint report-sources">
                    { format!("Số liệu gồm hồ sơ của đơn vị cũ (trước 01/07/2025): {}.",
                        report.sources.iter().map(|s| format!("{} — {}", s.name, s.how)).collect::<Vec<_>>().join("; ")) }
                </p>
            }
        </>
    }
}

/// A ratio's rows: the primary reading with its chart, targets, gap and status; the
/// other readings under it, smaller, with their share only.
fn ratio_rows(group: &[&ReportRow]) -> Html {
    let Some(first) = group.first() else { return Html::default() };
    let chart = chart_row(group);
    let status_class = row_status_class(first.status);
    let horizon = first.horizon.map(|h| format!(" (mục tiêu {h})")).unwrap_or_default();
    let gap = match first.gap {
        Some(_) => format!("{}{horizon}", gap_words(first.gap)),
        None => gap_words(None),
    };
    html! {
        <tbody class={classes!("ratio", status_class)} data-indicator={first.indicator.clone()}>
            <tr class="primary-reading">
                <th scope="row" class="ratio-name">
                    <span class="ratio-title">{ &first.name }</span>
                    <span class="ratio-reading">{ &first.reading_label }</span>
                    if let Some(responsible) = &first.responsible {
                        <span class="ratio-responsible">{ format!("Phụ trách: {responsible}") }</span>
                    }
                </th>
                <td class="ratio-chart" data-label="Tỷ lệ">
                    if let Some(row) = chart { <IndicatorChart {row} /> }
                </td>
                <td class="number" data-label="Mục tiêu 2025">{ percent_or_dash(first.target_2025) }</td>
                <td class="number" data-label="Mục tiêu 2030">{ percent_or_dash(first.target_2030) }</td>
                <td data-label="So với mục tiêu">
                    { gap }
                    if let (Some(expected), Some(_)) = (first.expected, first.horizon) {
                        <span class="ratio-expected">{ format!("Tiến độ cần đạt năm nay: {}", percent_text(expected)) }</span>
                    }
                </td>
                <td data-label="Đánh giá">
                    <span class={classes!("badge", "status-badge", status_class)} data-status={status_class}>
                        { first.status.label() }
                    </span>
                </td>
            </tr>
            { for group.iter().skip(1).map(|r| html! {
                <tr class="secondary-reading">
                    <th scope="row" class="ratio-name"><span class="ratio-reading">{ format!("↳ {}", r.reading_label) }</span></th>
                    <td data-label="Tỷ lệ">{ format!("{} ({}/{})", percent_or_dash(r.percent), count_text(r.numerator), count_text(r.denominator)) }</td>
                    <td class="empty"></td>
                    <td class="empty"></td>
                    <td class="empty"></td>
                    <td class="empty"></td>
                </tr>
            }) }
        </tbody>
    }
}

/// The units directly below: evaluations and titles recognised per model.
fn children_table(report: &AnnualReport) -> Html {
    let mut models: Vec<hoctap_shared::criteria::Model> =
        report.children.iter().flat_map(|c| c.recognised.keys().copied()).collect();
    models.sort();
    models.dedup();
    html! {
        <section class="report-section">
            <h2 class="section-title">{ format!("Đơn vị trực thuộc ({})", report.children.len()) }</h2>
            <details class="children-details" open={report.children.len() <= FOLDED_AFTER}>
            <summary>{ "Phiếu đánh giá và danh hiệu của từng đơn vị" }</summary>
            <div class="charts-table">
                <table>
                    <thead><tr>
                        <th scope="col">{ "Đơn vị" }</th>
                        <th scope="col" class="number">{ "Đã đánh giá" }</th>
                        { for models.iter().map(|m| html! { <th scope="col" class="number">{ format!("Công nhận: {}", m.title()) }</th> }) }
                    </tr></thead>
                    <tbody>
                        { for report.children.iter().map(|c| html! {
                            <tr>
                                <th scope="row">{ &c.name }</th>
                                <td class="number">{ count_text(c.evaluated) }</td>
                                { for models.iter().map(|m| html! {
                                    <td class="number">{ count_text(c.recognised.get(m).copied().unwrap_or(0)) }</td>
                                }) }
                            </tr>
                        }) }
                    </tbody>
                </table>
            </div>
            </details>
        </section>
    }
}

/// Whether each unit below has handed in its report: counts per status on top, then
/// the units, those without a report first.
fn children_status(page: &ServerPage<Vec<ChildReportStatus>>) -> Html {
    html! {
        <section class="report-section" aria-labelledby="children-status-title">
            <h2 id="children-status-title" class="section-title">{ "Tình hình nộp báo cáo của đơn vị trực thuộc" }</h2>
            { fetch_status_part(page, "tình hình nộp báo cáo") }
            if let Some(children) = page.value() {
                <ul class="status-counts">
                    { for child_status_counts(children).iter().map(|(status, n)| html! {
                        <li class={status.class()} data-status={status.class()}>
                            <span class="status-count">{ n }</span>
                            <span class="status-label">{ status.label() }</span>
                        </li>
                    }) }
                </ul>
                <details class="children-details" open={children.len() <= FOLDED_AFTER}>
                    <summary>{ format!("Từng đơn vị ({})", children.len()) }</summary>
                    <div class="charts-table">
                        <table class="children-status">
                            <thead><tr>
                                <th scope="col">{ "Đơn vị" }</th>
                                <th scope="col">{ "Tình trạng" }</th>
                                <th scope="col">{ "Hạn nộp" }</th>
                                <th scope="col">{ "Bản mới nhất" }</th>
                            </tr></thead>
                            <tbody>
                                { for children_by_urgency(children).into_iter().map(|c| {
                                    let status = ChildStatus::of(&c.status);
                                    html! {
                                        <tr data-status={status.class()}>
                                            <th scope="row">{ &c.name }</th>
                                            <td><span class={classes!("badge", "status-badge", status.class())}>{ status.label() }</span></td>
                                            <td>{ c.deadline.map(|d| d.to_string()).unwrap_or_else(|| "—".to_string()) }</td>
                                            <td>{ c.latest.as_ref().map(|v| format!("Bản {} ngày {}", v.version, v.submitted_on)).unwrap_or_else(|| "—".to_string()) }</td>
                                        </tr>
                                    }
                                }) }
                            </tbody>
                        </table>
                    </div>
                </details>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct NarrativeEditorProps {
    pub unit: String,
    pub year: i32,
    /// The narrative saved on the server.
    pub saved: Narrative,
    pub editable: bool,
    /// The page (JSON) the server returned after a save.
    pub on_saved: Callback<String>,
    /// Whether there is typed text not saved on the server.
    pub on_dirty: Callback<bool>,
}

/// The four sections the officer writes, saved with "Lưu nội dung". Text typed and not
/// yet saved is kept on the device when a box is left and when a save fails, and comes
/// back when the report is opened again.
#[function_component(NarrativeEditor)]
fn narrative_editor(props: &NarrativeEditorProps) -> Html {
    let token = use_token();
    let draft = use_state(|| props.saved.clone());
    let status = use_state(|| None::<Result<String, String>>);
    let saving = use_state(|| false);
    let last_saved = use_mut_ref(|| None::<Narrative>);
    let key = format!("{}@{}", props.unit, props.year);
    {
        let (draft, status, last_saved, key) = (draft.clone(), status.clone(), last_saved.clone(), key.clone());
        use_effect_with(props.saved.clone(), move |saved| {
            let first = last_saved.borrow().is_none();
            // The server's text replaces the boxes only while nothing was typed over it.
            let untouched = last_saved.borrow().as_ref().is_some_and(|s| *s == *draft);
            *last_saved.borrow_mut() = Some(saved.clone());
            if untouched {
                draft.set(saved.clone());
            }
            if first {
                let saved = saved.clone();
                wasm_bindgen_futures::spawn_local(async move {
                    if let Ok(storage) = Storage::open().await {
                        let kept = storage.narrative_draft(&key).await.ok().flatten();
                        if let Some(kept) = kept.and_then(|json| serde_json::from_str::<Narrative>(&json).ok()) {
                            if kept != saved {
                                draft.set(kept);
                                status.set(Some(Err("Nội dung gõ trên máy này chưa được lưu lên máy chủ. Hãy kiểm tra rồi bấm “Lưu nội dung”.".to_string())));
                            }
                        }
                        storage.close();
                    }
                });
            }
        });
    }
    let dirty = *draft != props.saved;
    {
        let on_dirty = props.on_dirty.clone();
        use_effect_with(dirty, move |dirty| {
            on_dirty.emit(*dirty);
            let warning = if *dirty { LeaveWarning::new() } else { None };
            move || drop(warning)
        });
    }
    if !props.editable {
        return narrative_read_only(&draft);
    }
    let keep_on_device = {
        let (draft, key, saved) = (draft.clone(), key.clone(), props.saved.clone());
        Callback::from(move |_: Event| {
            if *draft == saved {
                return;
            }
            let (json, key) = (serde_json::to_string(&*draft).unwrap_or_default(), key.clone());
            wasm_bindgen_futures::spawn_local(async move {
                if let Ok(storage) = Storage::open().await {
                    let _ = storage.keep_narrative_draft(&key, Some(&json)).await;
                    storage.close();
                }
            });
        })
    };
    let on_save = {
        let (draft, status, saving, token, on_saved, key) =
            (draft.clone(), status.clone(), saving.clone(), token.clone(), props.on_saved.clone(), key.clone());
        let (unit, year) = (props.unit.clone(), props.year);
        Callback::from(move |_: MouseEvent| {
            let (text, status, saving, token, on_saved, key, unit) = (
                (*draft).clone(),
                status.clone(),
                saving.clone(),
                token.clone(),
                on_saved.clone(),
                key.clone(),
                unit.clone(),
            );
            saving.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                let path = report_sub_path(&unit, year, "narrative");
                let json = serde_json::to_string(&text).unwrap_or_default();
                let result = api::call_text("PUT", &path, token.as_deref(), Body::Json(json.clone())).await;
                saving.set(false);
                let storage = Storage::open().await.ok();
                match result {
                    Ok(page) => {
                        if let Some(storage) = &storage {
                            let _ = storage.keep_narrative_draft(&key, None).await;
                        }
                        status.set(Some(Ok(format!("Đã lưu nội dung lúc {}.", time_vi(js_sys::Date::now())))));
                        on_saved.emit(page);
                    }
                    Err(err) => {
                        let kept = match &storage {
                            Some(storage) => storage.keep_narrative_draft(&key, Some(&json)).await.is_ok(),
                            None => false,
                        };
                        let why = match &err {
                            api::ApiError::Offline => "không có kết nối mạng.".to_string(),
                            other => other.to_string(),
                        };
                        let kept = if kept { " và được giữ trên máy này" } else { "" };
                        status.set(Some(Err(format!(
                            "Chưa lưu được lên máy chủ: {why} Nội dung bạn đã gõ vẫn còn ở đây{kept}; khi có mạng, \
                             hãy bấm “Lưu nội dung” lần nữa."
                        ))));
                    }
                }
                if let Some(storage) = storage {
                    storage.close();
                }
            });
        })
    };
    let sections = draft.sections();
    html! {
        <div class="narrative">
            { for sections.iter().enumerate().map(|(i, (heading, text))| {
                let id = format!("narrative-{i}");
                let oninput = {
                    let draft = draft.clone();
                    Callback::from(move |e: InputEvent| {
                        let value = e.target_unchecked_into::<HtmlTextAreaElement>().value();
                        let mut next = (*draft).clone();
                        *section_mut(&mut next, i) = value;
                        draft.set(next);
                    })
                };
                html! {
                    <>
                        <label class="field" for={id.clone()}>{ *heading }</label>
                        <textarea {id} class="text narrative-text" rows="5" value={text.to_string()} {oninput}
                            onchange={keep_on_device.clone()} />
                    </>
                }
            }) }
            <div class="save-bar">
                <button type="button" class="save" onclick={on_save} disabled={*saving}>
                    { if *saving { "Đang lưu…" } else { "Lưu nội dung" } }
                </button>
                if dirty && status.is_none() {
                    <p class="save-status" role="status">{ "Có nội dung chưa lưu." }</p>
                }
                { match &*status {
                    Some(Ok(message)) => html! { <p class="save-status saved" role="status">{ message }</p> },
                    Some(Err(message)) => html! { <p class="save-status failed" role="alert">{ message }</p> },
                    None => Html::default(),
                } }
            </div>
        </div>
    }
}

/// The narrative section `i` in [`Narrative::sections`]'s order.
fn section_mut(narrative: &mut Narrative, i: usize) -> &mut String {
    match i {
        0 => &mut narrative.achievements,
        1 => &mut narrative.difficulties,
        2 => &mut narrative.proposals,
        _ => &mut narrative.commendations,
    }
}

/// The narrative as text, for a frozen version or an account that only reads.
fn narrative_read_only(narrative: &Narrative) -> Html {
    html! {
        <div class="narrative read-only">
            { for narrative.sections().iter().map(|(heading, text)| html! {
                <>
                    <h3 class="charts-section">{ *heading }</h3>
                    if text.trim().is_empty() {
                        <p class="hint">{ "(chưa có nội dung)" }</p>
                    } else {
                        <p class="narrative-body">{ text.to_string() }</p>
                    }
                </>
            }) }
        </div>
    }
}

/// The exports and the printable page of the report being written or of a version;
/// `name` (the unit's) names the files.
fn report_downloads(unit: &str, name: &str, year: i32, version: Option<u32>) -> Html {
    let button = |label: &'static str, file: ReportFile, primary: bool| {
        let path = report_path(unit, year, Some(file), version);
        let export = match file {
            ReportFile::Print => Export::Print,
            _ => Export::Save(report_file_name(name, year, file, version)),
        };
        html! { <ExportButton {label} {path} {export} {primary} /> }
    };
    html! {
        <div class="exports">
            { button("Tải XLSX", ReportFile::Xlsx, true) }
            { button("Tải CSV", ReportFile::Csv, false) }
            { button("Danh sách công nhận (XLSX)", ReportFile::RecognisedXlsx, false) }
            { button("Danh sách công nhận (CSV)", ReportFile::RecognisedCsv, false) }
            { button("In báo cáo (A4)", ReportFile::Print, false) }
        </div>
    }
}

/// What the files of the report screen are: the draft, or the latest submitted version.
fn files_hint(latest_version: Option<u32>) -> String {
    match latest_version {
        Some(n) => format!("Tải về và in bản đã nộp số {n}, đúng như khi nộp. Sửa nội dung rồi nộp lại để có bản mới."),
        None => "Bản nháp, tính theo số liệu hiện tại. Sau khi nộp, tải về và in là bản đã nộp.".to_string(),
    }
}

/// The recognition decisions behind the year's titles, each with its printable page.
fn decisions(page: &ServerPage<Vec<DecisionDocument>>, unit: &str, year: i32) -> Html {
    html! {
        <div class="decisions">
            <h3 class="charts-section">{ "Quyết định công nhận" }</h3>
            { fetch_status_part(page, "quyết định") }
            if let Some(decisions) = page.value() {
                if decisions.is_empty() {
                    <p class="hint">{ "Chưa có quyết định nào được ghi số và ngày." }</p>
                }
                <ul class="rows">
                    { for decisions.iter().map(|d| html! {
                        <li class="decision">
                            <p class="row-name"><a href={crate::office::route::OfficeRoute::Decision {
                                year, number: d.number.clone(), date: d.date }.href()}>
                                { format!("Quyết định số {} ngày {}", d.number, d.date) }</a></p>
                            <p class="row-meta">{ format!("{} · {} đối tượng được công nhận", d.authority, count_text(d.subjects.len() as u64)) }</p>
                            if let Some(proposer) = d.proposer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
                                <p class="row-meta">{ format!("Theo đề nghị của {proposer}") }</p>
                            }
                            <ExportButton label={format!("In quyết định {}", d.number)} export={Export::Print}
                                path={decision_print_path(unit, year, &d.number, d.date)} />
                        </li>
                    }) }
                </ul>
            }
        </div>
    }
}
