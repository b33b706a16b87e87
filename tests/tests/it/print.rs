//! The printable A4 documents (report, five-year review, recognition decision): golden
//! HTML files for the fixture of Xã Cửu An, plus the facts an official checks first —
//! the national motto, number and symbol, place and date by the decree's rule, the
//! "Nơi nhận" and signature blocks — and that the pages are self-contained and escaped.

use hoctap_server::documents::print::{date_words, decision_html, report_html, review_html};
use hoctap_shared::date::Date;
use hoctap_shared::report::VersionInfo;

use crate::golden::assert_golden;
use crate::report_fixture;

/// Checks what every printable document must satisfy, then compares it with its golden
/// file.
#[track_caller]
fn check(golden: &str, html: &str, facts: &[&str]) {
    assert!(html.starts_with("<!doctype html>\n<html lang=\"vi\">"), "not a complete Vietnamese document");
    assert!(html.contains("<meta charset=\"utf-8\">"));
    assert!(html.contains("font-family: \"Times New Roman\", Times, \"Liberation Serif\","));
    assert!(html.contains("@page { size: A4; margin: 20mm 15mm 20mm 30mm; }"));
    assert!(html.contains("@media print"));
    assert_eq!(html.matches("<style>").count(), 1, "one inline style sheet");
    for external in ["http://", "https://", "<script", "<link", "<img", "@import", "url("] {
        assert!(!html.contains(external), "{golden} references an external resource: {external}");
    }
    assert_eq!(html.matches("<svg").count(), html.matches("</svg>").count(), "unbalanced <svg> in {golden}");
    for svg in html.split("<svg").skip(1) {
        let svg = svg.split("</svg>").next().unwrap_or_default();
        for needed in ["viewBox=", "role=\"img\"", "aria-label=", "<title>"] {
            assert!(svg.contains(needed), "a chart in {golden} lacks {needed}");
        }
    }
    for tag in ["table", "thead", "tbody", "tr", "td", "th", "section", "figure", "div", "ul", "li", "p"] {
        let opened = html.matches(&format!("<{tag}>")).count() + html.matches(&format!("<{tag} ")).count();
        assert_eq!(opened, html.matches(&format!("</{tag}>")).count(), "unbalanced <{tag}> in {golden}");
    }
    for fact in ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Nơi nhận:", "CHỦ TỊCH"]
    {
        assert!(html.contains(fact), "{golden} lacks {fact:?}");
    }
    for fact in facts {
        assert!(html.contains(fact), "{golden} lacks {fact:?}");
    }
    let ids = report_fixture::internal_ids(html);
    assert!(ids.is_empty(), "{golden} shows internal ids: {ids:?}");
    assert_golden(golden, html);
}

fn submitted() -> VersionInfo {
    VersionInfo {
        version: 2,
        submitted_at_ms: 1_794_600_000_000,
        submitted_on: Date::new(2026, 11, 14).expect("date"),
        submitted_by: "canbo.cuuan".to_string(),
        on_time: Some(true),
    }
}

#[test]
fn decision_of_2026() {
    let report_to = ["Sở Giáo dục và Đào tạo tỉnh Gia Lai".to_string()];
    let html = decision_html(&report_fixture::decision(), &report_to);
    check(
        "print/decision-2026.html",
        &html,
        &[
            "<div class=\"org\">ỦY BAN NHÂN DÂN</div><div class=\"org\">XÃ CỬU AN</div>",
            "Số: 15/QĐ-UBND",
            "Cửu An, ngày 20 tháng 11 năm 2026",
            "QUYẾT ĐỊNH:",
            "TM. ỦY BAN NHÂN DÂN",
            "<li>- Như Điều 3;</li><li>- Sở Giáo dục và Đào tạo tỉnh Gia Lai (để báo cáo);</li><li>- Lưu: VT.</li>",
            "<p>Theo đề nghị của Hội Khuyến học xã Cửu An.</p>",
            "Căn cứ Quyết định số 387/QĐ-TTg ngày 25 tháng 3 năm 2022",
            "Căn cứ Quyết định số 677/QĐ-TTg ngày 03 tháng 6 năm 2022",
            "<b>Điều 1.</b> Công nhận 2 công dân đạt danh hiệu “Công dân học tập”, 1 hộ gia đình",
            "(Kèm theo Quyết định số 15/QĐ-UBND ngày 20/11/2026 của Ủy ban nhân dân xã Cửu An)",
            "<td>Nguyễn Thị Hằng</td>",
            "<td>Hộ ông Trần Văn Ảnh</td>",
        ],
    );
    // The attached list starts a new page.
    assert_eq!(html.matches("<section class=\"sheet annex\">").count(), 1);
}

#[test]
fn report_of_2026_as_submitted() {
    let version = submitted();
    let html = report_html(&report_fixture::report(2026), Some(&version));
    check(
        "print/report-2026.html",
        &html,
        &[
            "Số: <span class=\"blank\"></span>/BC-UBND",
            "Cửu An, ngày 14 tháng 11 năm 2026",
            "Kết quả xây dựng mô hình học tập năm 2026",
            "Bản nộp lần 2, ngày 14/11/2026, đúng hạn",
            "<li>- Sở Giáo dục và Đào tạo tỉnh Gia Lai;</li><li>- Hội Khuyến học tỉnh Gia Lai;</li>",
            "Số liệu gộp từ các đơn vị trước sắp xếp ngày 01/07/2025: Xã Tú An (sáp nhập toàn bộ).",
            "Chỉ tiêu báo cáo thủ công",
            "52 hộ đạt danh hiệu “Gia đình học tập”.",
        ],
    );
}

#[test]
fn draft_report_leaves_number_and_date_blank() {
    let mut report = report_fixture::report(2026);
    report.narrative.commendations = String::new();
    let html = report_html(&report, None);
    assert!(
        html.contains("Bản nháp (chưa nộp) — đã quá hạn 3 ngày"),
        "the fixture's figures are of 23/11, three days late"
    );
    report.as_of = report.deadline.expect("a deadline");
    assert!(report_html(&report, None).contains("Bản nháp (chưa nộp); Số liệu"));
    assert!(html.contains("Cửu An, ngày <span class=\"blank\"></span> tháng <span class=\"blank\"></span> năm 2026"));
    // An empty section is named on screen and left to write on in print.
    assert!(html.contains("<p class=\"empty screen-only\">(Chưa nhập)</p>"));
}

#[test]
fn review_2021_2025() {
    let html = review_html(&report_fixture::review());
    check(
        "print/review-2021-2025.html",
        &html,
        &["BÁO CÁO SƠ KẾT 5 NĂM (2021–2025)", "<th>2021</th>", "<th>2025</th>", "stroke-dasharray", "<polyline"],
    );
}

#[test]
fn names_are_escaped() {
    let mut decision = report_fixture::decision();
    decision.subjects[0].name = Some("Lê <b>&\"Tí'".to_string());
    decision.authority = "Ủy ban nhân dân xã <Cửu An>".to_string();
    let html = decision_html(&decision, &[]);
    assert!(html.contains("<td>Lê &lt;b&gt;&amp;&quot;Tí&#39;</td>"));
    assert!(html.contains("XÃ &lt;CỬU AN&gt;"));
    assert!(!html.contains("<b>&"));
    assert!(!html.contains("<Cửu"));
}

#[test]
fn issue_14_an_exception_is_noted_in_the_decisions_list() {
    let plain = decision_html(&report_fixture::decision(), &[]);
    assert!(!plain.contains("Ghi chú"), "a list without exceptions has no note column");
    let mut decision = report_fixture::decision();
    let reason = "Thương binh, tự học vượt khó <gương sáng>";
    if let Some(d) = decision.subjects[1].decision.as_mut() {
        d.override_reason = Some(reason.to_string());
    }
    let html = decision_html(&decision, &[]);
    assert!(html.contains("<th>Đơn vị (thôn)</th><th>Ghi chú</th></tr>"));
    assert!(html.contains("<td>Công nhận ngoại lệ: Thương binh, tự học vượt khó &lt;gương sáng&gt;</td></tr>"));
    // Every other row has its (empty) note cell.
    let rows = html.matches("<tr><td class=\"c\">").count();
    assert_eq!(html.matches("<td></td></tr>").count(), rows - 1);
}

#[test]
fn issue_17_without_a_recorded_proposer_the_line_is_left_out() {
    let mut decision = report_fixture::decision();
    decision.proposer = None;
    let html = decision_html(&decision, &[]);
    assert!(!html.contains("Theo đề nghị của"));
    assert!(!html.contains("<p>Theo đề nghị của <span class=\"dots\">"));
    assert!(html.contains("<p>Căn cứ kết quả đánh giá, xét công nhận danh hiệu học tập năm 2026;</p></div>"));
}

#[test]
fn decision_of_an_association() {
    let mut decision = report_fixture::decision();
    decision.authority = "Hội Khuyến học xã Cửu An".to_string();
    decision.number = "03/QĐ-KH".to_string();
    let html = decision_html(&decision, &[]);
    for fact in [
        "<div class=\"org\">HỘI KHUYẾN HỌC XÃ CỬU AN</div>",
        "Số: 03/QĐ-KH",
        "BAN CHẤP HÀNH HỘI KHUYẾN HỌC XÃ CỬU AN",
        "TM. BAN CHẤP HÀNH",
        "Căn cứ Điều lệ Hội Khuyến học Việt Nam;",
    ] {
        assert!(html.contains(fact), "lacks {fact:?}");
    }
    assert!(!html.contains("TM. ỦY BAN NHÂN DÂN"));
}

#[test]
fn dates_take_a_leading_zero_below_ten_and_in_january_and_february() {
    let day = |y, m, d| date_words(Date::new(y, m, d).expect("date"));
    assert_eq!(day(2026, 2, 5), "ngày 05 tháng 02 năm 2026");
    assert_eq!(day(2026, 1, 31), "ngày 31 tháng 01 năm 2026");
    assert_eq!(day(2026, 3, 9), "ngày 09 tháng 3 năm 2026");
    assert_eq!(day(2026, 12, 10), "ngày 10 tháng 12 năm 2026");
}
