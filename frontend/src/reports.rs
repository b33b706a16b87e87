//! The annual report screens as plain data: the server addresses of a report, its
//! exports and printable pages; the names the downloaded files get; the report's state,
//! deadline and status in words; the children's report statuses counted; percentages as
//! officers type them in a plan. Pure and tested natively; `screens::annual`,
//! `screens::plan` and `screens::years` only lay it out and fetch.
//!
//! Reports are computed on the server (it holds every device's work), so every screen
//! that shows one needs the network; [`NEEDS_NETWORK`] says so in one sentence.

use hoctap_shared::annual::{DecisionDocument, ReportRow, RowStatus};
use hoctap_shared::consolidation::RecognisedSubject;
use hoctap_shared::criteria::Model;
use hoctap_shared::date::Date;
use hoctap_shared::diagnostic::Diagnostic;
use hoctap_shared::number::{percent_number, percentage_points, Percent};
use hoctap_shared::report::{ChildReportStatus, IndicatorRow, ReadingRow, VersionInfo};
use hoctap_shared::text::fold;
use hoctap_shared::units::MergeKind;

use crate::chart::percent_text;
use crate::evaluation::parse_points;

/// What an officer reads when a report screen cannot reach the server.
pub const NEEDS_NETWORK: &str = "Cần kết nối mạng để lập báo cáo: báo cáo được tính trên máy chủ từ dữ liệu của mọi \
                                 máy. Hãy kết nối mạng rồi mở lại trang này.";

/// The first year a report can be asked for: the programmes start in 2021.
pub const FIRST_YEAR: i32 = 2021;

/// The years a report can be asked for, newest first: from [`FIRST_YEAR`] to this year.
pub fn report_years(this_year: i32) -> Vec<i32> {
    (FIRST_YEAR..=this_year.max(FIRST_YEAR)).rev().collect()
}

/// A file the server renders from a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFile {
    /// The report as a workbook (`report.xlsx`).
    Xlsx,
    /// The report's table as CSV.
    Csv,
    /// The list of recognised subjects (danh sách công nhận) as a workbook.
    RecognisedXlsx,
    RecognisedCsv,
    /// The printable A4 page (HTML).
    Print,
}

impl ReportFile {
    /// The last segment of its address.
    pub fn segment(self) -> &'static str {
        match self {
            ReportFile::Xlsx => "report.xlsx",
            ReportFile::Csv => "report.csv",
            ReportFile::RecognisedXlsx => "recognised.xlsx",
            ReportFile::RecognisedCsv => "recognised.csv",
            ReportFile::Print => "print",
        }
    }

    fn stem(self) -> &'static str {
        match self {
            ReportFile::Xlsx | ReportFile::Csv | ReportFile::Print => "bao-cao",
            ReportFile::RecognisedXlsx | ReportFile::RecognisedCsv => "danh-sach-cong-nhan",
        }
    }

    fn extension(self) -> &'static str {
        match self {
            ReportFile::Xlsx | ReportFile::RecognisedXlsx => "xlsx",
            ReportFile::Csv | ReportFile::RecognisedCsv => "csv",
            ReportFile::Print => "html",
        }
    }
}

/// The API path of a report (`None`) or one of its files, of the report as it stands
/// or of a submitted version.
pub fn report_path(unit: &str, year: i32, file: Option<ReportFile>, version: Option<u32>) -> String {
    let mut path = format!("/reports/{}/{year}", encode_component(unit));
    if let Some(file) = file {
        path.push('/');
        path.push_str(file.segment());
    }
    if let Some(version) = version {
        path.push_str(&format!("?version={version}"));
    }
    path
}

/// A path under a report: `narrative`, `submit`, `children`, `decisions`, `versions/2`.
pub fn report_sub_path(unit: &str, year: i32, tail: &str) -> String {
    format!("{}/{tail}", report_path(unit, year, None, None))
}

/// The printable page of a recognition decision.
pub fn decision_print_path(unit: &str, year: i32, number: &str, date: Date) -> String {
    format!(
        "/reports/{}/{year}/decisions/print?number={}&date={}",
        encode_component(unit),
        encode_component(number),
        date.iso()
    )
}

/// How many subjects a decision recognises under each title it confers, in its order.
pub fn decision_counts(decision: &DecisionDocument) -> Vec<(Model, usize)> {
    decision.models.iter().map(|m| (*m, decision.subjects.iter().filter(|s| s.model == *m).count())).collect()
}

/// The hamlet (or unit below) a subject of a decision belongs to, as the decision's
/// list names it: the report's own unit for a hamlet's report; `None` when the list
/// does not name it.
pub fn subject_place<'a>(decision: &'a DecisionDocument, subject: &RecognisedSubject) -> Option<&'a str> {
    if subject.unit == decision.unit {
        return Some(&decision.unit_name);
    }
    decision.unit_names.get(&subject.unit).map(String::as_str)
}

/// The five-year review (`None`) or one of its files (`review.xlsx`, `review.csv`,
/// `print`) over `from..=to`.
pub fn review_path(unit: &str, from: i32, to: i32, file: Option<&str>) -> String {
    let file = file.map(|f| format!("/{f}")).unwrap_or_default();
    format!("/reviews/{}{file}?from={from}&to={to}", encode_component(unit))
}

/// The name a downloaded report file is saved under: `bao-cao-xa-cuu-an-2026.xlsx`,
/// `bao-cao-xa-cuu-an-2026-ban-2.csv`, `danh-sach-cong-nhan-xa-cuu-an-2026.xlsx`.
pub fn report_file_name(unit_name: &str, year: i32, file: ReportFile, version: Option<u32>) -> String {
    let version = version.map(|v| format!("-ban-{v}")).unwrap_or_default();
    format!("{}-{}-{year}{version}.{}", file.stem(), slug(unit_name), file.extension())
}

/// The name a downloaded review is saved under: `so-ket-xa-cuu-an-2021-2025.xlsx`.
pub fn review_file_name(unit_name: &str, from: i32, to: i32, extension: &str) -> String {
    format!("so-ket-{}-{from}-{to}.{extension}", slug(unit_name))
}

/// A name as a file-name word: no diacritics, lowercase, `a-z0-9` joined by single
/// hyphens ("Xã Cửu An" → "xa-cuu-an"); "don-vi" when nothing is left.
pub fn slug(text: &str) -> String {
    let mut slug = String::with_capacity(text.len());
    for c in fold(text).chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "don-vi".to_string()
    } else {
        slug
    }
}

/// `text` for a URL's path segment or query value: everything but RFC 3986's unreserved
/// characters percent-encoded as UTF-8 ("15/QĐ-UBND" → "15%2FQ%C4%90-UBND").
pub fn encode_component(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~' | b':') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The text [`encode_component`] wrote (or one typed with its letters as they are):
/// `%XX` bytes decoded as UTF-8; `None` for a broken escape or bytes that are not UTF-8.
pub fn decode_component(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3).filter(|h| h.iter().all(u8::is_ascii_hexdigit))?;
            let high = (hex[0] as char).to_digit(16)?;
            let low = (hex[1] as char).to_digit(16)?;
            out.push((high * 16 + low) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// "đúng hạn", "trễ hạn", or nothing without a deadline.
pub fn on_time_words(on_time: Option<bool>) -> &'static str {
    match on_time {
        Some(true) => "đúng hạn",
        Some(false) => "trễ hạn",
        None => "",
    }
}

/// One submitted version in words: "lần 2 ngày 14/11/2026 — đúng hạn".
pub fn version_words(version: &VersionInfo) -> String {
    let mut text = format!("lần {} ngày {}", version.version, version.submitted_on);
    let on_time = on_time_words(version.on_time);
    if !on_time.is_empty() {
        text.push_str(" — ");
        text.push_str(on_time);
    }
    text
}

/// Where the report stands: before any submission what the draft says of itself
/// (`AnnualReport::draft_words`: "Bản nháp (chưa nộp) — đã quá hạn 17 ngày"), then the
/// latest one: "Đã nộp lần 2 ngày 14/11/2026 — đúng hạn".
pub fn state_words(versions: &[VersionInfo], draft: &str) -> String {
    versions
        .iter()
        .max_by_key(|v| v.version)
        .map_or_else(|| draft.to_string(), |latest| format!("Đã nộp {}", version_words(latest)))
}

/// "Hạn nộp: 15/11/2026 — gửi Sở Giáo dục và Đào tạo tỉnh …", or that there is none.
pub fn deadline_words(deadline: Option<Date>, to: Option<&str>) -> String {
    match (deadline, to.map(str::trim).filter(|t| !t.is_empty())) {
        (Some(day), Some(to)) => format!("Hạn nộp: {day} — gửi {to}"),
        (Some(day), None) => format!("Hạn nộp: {day}"),
        (None, _) => "Chưa có hạn nộp cho năm này.".to_string(),
    }
}

/// The version number the next submission creates.
pub fn next_version(versions: &[VersionInfo]) -> u32 {
    versions.iter().map(|v| v.version).max().unwrap_or(0) + 1
}

/// The question asked before submitting, naming the version it creates.
pub fn submit_question(year: i32, version: u32) -> String {
    format!(
        "Nộp báo cáo năm {year} — bản số {version}?\n\nBản nộp được lưu cố định: số liệu và nội dung của bản \
         {version} không sửa được nữa. Muốn thay đổi sau này, hãy sửa rồi nộp bản mới."
    )
}

/// A percentage for a table cell: "63,5 %", or "—" when there is none.
pub fn percent_or_dash(percent: Option<Percent>) -> String {
    percent.map_or_else(|| "—".to_string(), percent_text)
}

/// How far a share is from the target it is measured against, in percentage points:
/// "thiếu 6,5 điểm phần trăm", "vượt 5 điểm phần trăm", "đạt" — or "—" without a
/// target or data.
pub fn gap_words(gap: Option<Percent>) -> String {
    match gap {
        None => "—".to_string(),
        Some(g) if g.hundredths() == 0 => "đạt".to_string(),
        Some(g) if g.hundredths() > 0 => format!("thiếu {}", percentage_points(g)),
        Some(g) => format!("vượt {}", percentage_points(g.abs())),
    }
}

/// A change over years in percentage points: "+12,5 điểm phần trăm", "-3 điểm phần
/// trăm", "0 điểm phần trăm", or "—".
pub fn change_words(change: Option<Percent>) -> String {
    match change {
        None => "—".to_string(),
        Some(c) if c.hundredths() > 0 => format!("+{}", percentage_points(c)),
        Some(c) => percentage_points(c),
    }
}

/// The report's rows by ratio: each ratio's first (primary) reading, then its others.
pub fn ratio_groups(rows: &[ReportRow]) -> Vec<Vec<&ReportRow>> {
    let mut groups: Vec<Vec<&ReportRow>> = Vec::new();
    for row in rows {
        match groups.last_mut() {
            Some(group) if !row.primary && group[0].indicator == row.indicator => group.push(row),
            _ => groups.push(vec![row]),
        }
    }
    groups
}

/// A ratio's readings in the shape the bar chart draws (`components::IndicatorChart`).
pub fn chart_row(group: &[&ReportRow]) -> Option<IndicatorRow> {
    let first = group.first()?;
    Some(IndicatorRow {
        id: first.indicator.clone(),
        name: first.name.clone(),
        source: String::new(),
        readings: group
            .iter()
            .map(|r| ReadingRow {
                id: r.reading.clone(),
                label: r.reading_label.clone(),
                numerator: r.numerator,
                denominator: r.denominator,
                percent: r.percent,
            })
            .collect(),
        target_2025: first.target_2025,
        target_2030: first.target_2030,
        target_plan: first.target_plan.clone(),
    })
}

/// The CSS class that colours a report row's status badge.
pub fn row_status_class(status: RowStatus) -> &'static str {
    match status {
        RowStatus::Reached => "st-reached",
        RowStatus::OnTrack => "st-on-track",
        RowStatus::Behind => "st-behind",
        RowStatus::NoTarget => "st-no-target",
        RowStatus::NoData => "st-no-data",
    }
}

/// Whether a unit below has handed in its report (`ChildReportStatus::status`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ChildStatus {
    OnTime,
    Late,
    /// Not submitted and the deadline has passed.
    Missing,
    /// Not submitted, the deadline still ahead.
    Pending,
}

impl ChildStatus {
    pub const ALL: [ChildStatus; 4] =
        [ChildStatus::OnTime, ChildStatus::Late, ChildStatus::Missing, ChildStatus::Pending];

    /// The status the server names (`on_time`, `late`, `missing`, `pending`). An unknown
    /// word (a newer server) counts as not submitted yet.
    pub fn of(key: &str) -> ChildStatus {
        match key {
            "on_time" => ChildStatus::OnTime,
            "late" => ChildStatus::Late,
            "missing" => ChildStatus::Missing,
            _ => ChildStatus::Pending,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ChildStatus::OnTime => "Đúng hạn",
            ChildStatus::Late => "Trễ hạn",
            ChildStatus::Missing => "Chưa nộp",
            ChildStatus::Pending => "Chưa đến hạn",
        }
    }

    /// The CSS class of its badge.
    pub fn class(self) -> &'static str {
        match self {
            ChildStatus::OnTime => "st-reached",
            ChildStatus::Late => "st-behind",
            ChildStatus::Missing => "st-missing",
            ChildStatus::Pending => "st-no-data",
        }
    }
}

/// How many units below are in each status, in [`ChildStatus::ALL`]'s order.
pub fn child_status_counts(children: &[ChildReportStatus]) -> [(ChildStatus, usize); 4] {
    ChildStatus::ALL.map(|s| (s, children.iter().filter(|c| ChildStatus::of(&c.status) == s).count()))
}

/// The units below in the order an officer acts on them: missing reports first, then
/// late, pending and on time; by name within each.
pub fn children_by_urgency(children: &[ChildReportStatus]) -> Vec<&ChildReportStatus> {
    let urgency = |c: &ChildReportStatus| match ChildStatus::of(&c.status) {
        ChildStatus::Missing => 0,
        ChildStatus::Late => 1,
        ChildStatus::Pending => 2,
        ChildStatus::OnTime => 3,
    };
    let mut sorted: Vec<&ChildReportStatus> = children.iter().collect();
    sorted.sort_by(|a, b| (urgency(a), &a.name, &a.unit).cmp(&(urgency(b), &b.name, &b.unit)));
    sorted
}

/// How an old unit went into today's: "Sáp nhập toàn bộ" or "Một phần".
pub fn merge_words(kind: MergeKind) -> &'static str {
    match kind {
        MergeKind::Full => "Sáp nhập toàn bộ",
        MergeKind::Partial => "Một phần",
    }
}

/// A problem the server found in a plan file, for an officer: "Lỗi, dòng 36: …" or
/// "Cảnh báo: …" (the machine code and key path stay out; the line says where).
pub fn diagnostic_words(diagnostic: &Diagnostic) -> String {
    let severity = if diagnostic.is_error() { "Lỗi" } else { "Cảnh báo" };
    match diagnostic.line {
        Some(line) => format!("{severity}, dòng {line}: {}", diagnostic.message),
        None => format!("{severity}: {}", diagnostic.message),
    }
}

/// A target percentage as an officer types it: "70", "70,5" or "70.5" (at most two
/// decimals, 0 to 100); empty for none.
pub fn parse_percent(text: &str) -> Result<Option<Percent>, String> {
    let text = text.trim().trim_end_matches('%').trim_end();
    if text.is_empty() {
        return Ok(None);
    }
    let points =
        parse_points(text).ok_or_else(|| format!("“{text}” không phải tỷ lệ phần trăm (ví dụ 70 hoặc 72,5)"))?;
    let percent = Percent::from_hundredths(points.hundredths());
    if !(0..=10_000).contains(&percent.hundredths()) {
        return Err(format!("{} nằm ngoài khoảng 0–100 %", percent_text(percent)));
    }
    Ok(Some(percent))
}

/// A percentage as the plan editor shows it for editing: "72,5" (no sign).
pub fn percent_input(percent: Option<Percent>) -> String {
    percent.map(percent_number).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(n: u32, day: &str, on_time: Option<bool>) -> VersionInfo {
        VersionInfo {
            version: n,
            submitted_at_ms: 0,
            submitted_on: Date::parse_vi(day).expect("a date"),
            submitted_by: "lan".into(),
            on_time,
        }
    }

    fn child(name: &str, status: &str) -> ChildReportStatus {
        ChildReportStatus {
            unit: format!("commune:{name}"),
            name: name.into(),
            deadline: None,
            latest: None,
            status: status.into(),
        }
    }

    #[test]
    fn file_names_are_plain_words_of_the_unit() {
        let names = [
            report_file_name("Xã Cửu An", 2026, ReportFile::Xlsx, None),
            report_file_name("Xã Cửu An", 2026, ReportFile::Csv, Some(2)),
            report_file_name("Xã Cửu An", 2026, ReportFile::RecognisedXlsx, None),
            report_file_name("Phường Đông Hưng Thuận (TP. HCM)", 2025, ReportFile::RecognisedCsv, None),
            report_file_name("", 2025, ReportFile::Print, Some(1)),
            review_file_name("Tỉnh Gia Lai", 2021, 2025, "xlsx"),
        ];
        assert_eq!(
            names,
            [
                "bao-cao-xa-cuu-an-2026.xlsx",
                "bao-cao-xa-cuu-an-2026-ban-2.csv",
                "danh-sach-cong-nhan-xa-cuu-an-2026.xlsx",
                "danh-sach-cong-nhan-phuong-dong-hung-thuan-tp-hcm-2025.csv",
                "bao-cao-don-vi-2025-ban-1.html",
                "so-ket-tinh-gia-lai-2021-2025.xlsx",
            ]
        );
    }

    #[test]
    fn addresses_encode_what_they_carry() {
        let unit = "commune:23629:old";
        assert_eq!(report_path(unit, 2026, None, None), "/reports/commune:23629:old/2026");
        assert_eq!(
            report_path(unit, 2026, Some(ReportFile::RecognisedXlsx), Some(2)),
            "/reports/commune:23629:old/2026/recognised.xlsx?version=2"
        );
        assert_eq!(report_path(unit, 2026, Some(ReportFile::Print), None), "/reports/commune:23629:old/2026/print");
        let day = Date::new(2026, 11, 3).expect("a date");
        assert_eq!(
            decision_print_path(unit, 2026, "15/QĐ-UBND", day),
            "/reports/commune:23629:old/2026/decisions/print?number=15%2FQ%C4%90-UBND&date=2026-11-03"
        );
        assert_eq!(review_path("province:64:2025", 2021, 2025, None), "/reviews/province:64:2025?from=2021&to=2025");
        assert_eq!(
            review_path("province:64:2025", 2021, 2025, Some("review.xlsx")),
            "/reviews/province:64:2025/review.xlsx?from=2021&to=2025"
        );
        assert_eq!(encode_component("a b&c=d?#"), "a%20b%26c%3Dd%3F%23");
    }

    #[test]
    fn a_decision_counts_its_titles_and_names_each_subjects_hamlet() {
        use hoctap_shared::protocol::{RecordId, RecordKind};
        let subject = |id: &str, unit: &str, model: Model| RecognisedSubject {
            subject: RecordId { kind: RecordKind::Person, id: id.into() },
            unit: unit.into(),
            model,
            set: "cdht-244-2022".into(),
            set_version: "2022.2".into(),
            evaluation: RecordId { kind: RecordKind::Evaluation, id: format!("dg-{id}") },
            decision: None,
            name: Some(id.into()),
            birth_year: Some(1980),
            household: None,
        };
        let decision = DecisionDocument {
            number: "15/QĐ-UBND".into(),
            date: Date::new(2026, 11, 3).expect("a date"),
            authority: "Ủy ban nhân dân xã Cửu An".into(),
            unit: "commune:1".into(),
            unit_name: "Xã Cửu An".into(),
            year: 2026,
            models: vec![Model::LearningCitizen, Model::LearningFamily],
            subjects: vec![
                subject("an", "hamlet:a", Model::LearningCitizen),
                subject("binh", "hamlet:b", Model::LearningCitizen),
                subject("ho-chi", "commune:1", Model::LearningFamily),
            ],
            unit_names: [("hamlet:a".to_string(), "Thôn An".to_string())].into_iter().collect(),
            proposer: None,
        };
        assert_eq!(decision_counts(&decision), [(Model::LearningCitizen, 2), (Model::LearningFamily, 1)]);
        let places: Vec<Option<&str>> = decision.subjects.iter().map(|s| subject_place(&decision, s)).collect();
        assert_eq!(places, [Some("Thôn An"), None, Some("Xã Cửu An")]);
    }

    #[test]
    fn decoding_reads_back_what_encoding_wrote() {
        for text in ["15/QĐ-UBND", "a b&c=d?#%", "Số 07/2026/QĐ-HKH", "", "100%"] {
            assert_eq!(decode_component(&encode_component(text)).as_deref(), Some(text), "{text}");
        }
        // Typed with its letters as they are, or with lower-case escapes.
        assert_eq!(decode_component("15/QĐ-UBND").as_deref(), Some("15/QĐ-UBND"));
        assert_eq!(decode_component("15%2fQ%c4%90").as_deref(), Some("15/QĐ"));
        for broken in ["%", "%2", "%zz", "%+1", "%C4", "a%E"] {
            assert_eq!(decode_component(broken), None, "{broken}");
        }
    }

    #[test]
    fn the_state_names_the_latest_version() {
        assert_eq!(state_words(&[], "Bản nháp (chưa nộp)"), "Bản nháp (chưa nộp)");
        let versions = [version(1, "10/11/2026", Some(true)), version(2, "14/11/2026", Some(true))];
        assert_eq!(state_words(&versions, ""), "Đã nộp lần 2 ngày 14/11/2026 — đúng hạn");
        assert_eq!(state_words(&[version(3, "16/11/2026", Some(false))], ""), "Đã nộp lần 3 ngày 16/11/2026 — trễ hạn");
        assert_eq!(state_words(&[version(1, "16/11/2026", None)], ""), "Đã nộp lần 1 ngày 16/11/2026");
        assert_eq!((next_version(&[]), next_version(&versions)), (1, 3));
        assert!(submit_question(2026, 3).starts_with("Nộp báo cáo năm 2026 — bản số 3?"));
        assert!(submit_question(2026, 3).contains("không sửa được nữa"));
    }

    #[test]
    fn deadlines_in_words() {
        let day = Date::new(2026, 11, 15);
        assert_eq!(
            deadline_words(day, Some("Sở Giáo dục và Đào tạo tỉnh Gia Lai")),
            "Hạn nộp: 15/11/2026 — gửi Sở Giáo dục và Đào tạo tỉnh Gia Lai"
        );
        assert_eq!(deadline_words(day, Some(" ")), "Hạn nộp: 15/11/2026");
        assert_eq!(deadline_words(None, None), "Chưa có hạn nộp cho năm này.");
    }

    #[test]
    fn gaps_and_changes_in_words() {
        let p = |h| Some(Percent::from_hundredths(h));
        let gaps: Vec<String> = [None, p(650), p(0), p(-500)].into_iter().map(gap_words).collect();
        assert_eq!(gaps, ["—", "thiếu 6,5 điểm phần trăm", "đạt", "vượt 5 điểm phần trăm"]);
        let changes: Vec<String> = [None, p(1250), p(0), p(-300)].into_iter().map(change_words).collect();
        assert_eq!(changes, ["—", "+12,5 điểm phần trăm", "0 điểm phần trăm", "-3 điểm phần trăm"]);
        assert_eq!(percent_or_dash(None), "—");
    }

    #[test]
    fn children_are_counted_and_the_missing_come_first() {
        let children = [
            child("Xã B", "on_time"),
            child("Xã A", "missing"),
            child("Xã C", "late"),
            child("Xã D", "pending"),
            child("Xã E", "missing"),
            child("Xã F", "something_new"),
        ];
        let counts: Vec<(&str, usize)> = child_status_counts(&children).iter().map(|(s, n)| (s.label(), *n)).collect();
        assert_eq!(counts, [("Đúng hạn", 1), ("Trễ hạn", 1), ("Chưa nộp", 2), ("Chưa đến hạn", 2)]);
        let order: Vec<&str> = children_by_urgency(&children).iter().map(|c| c.name.as_str()).collect();
        assert_eq!(order, ["Xã A", "Xã E", "Xã C", "Xã D", "Xã F", "Xã B"]);
    }

    #[test]
    fn percentages_as_typed() {
        let parsed: Vec<Result<Option<i64>, String>> = ["70", "72,5", "72.25", " 100 % ", "", "0"]
            .into_iter()
            .map(|t| parse_percent(t).map(|p| p.map(Percent::hundredths)))
            .collect();
        assert_eq!(parsed, [Ok(Some(7000)), Ok(Some(7250)), Ok(Some(7225)), Ok(Some(10_000)), Ok(None), Ok(Some(0))]);
        assert_eq!(parse_percent("101"), Err("101 % nằm ngoài khoảng 0–100 %".to_string()));
        assert!(parse_percent("-1").is_err());
        assert!(parse_percent("7,125").is_err());
        assert!(parse_percent("bảy mươi").is_err());
        assert_eq!(percent_input(Some(Percent::from_hundredths(7250))), "72,5");
        assert_eq!(percent_input(None), "");
    }

    fn report_row(indicator: &str, reading: &str, primary: bool, numerator: u64, denominator: u64) -> ReportRow {
        ReportRow {
            indicator: indicator.into(),
            name: format!("Tỷ lệ {indicator}"),
            reading: reading.into(),
            reading_label: format!("Trên {reading}"),
            primary,
            numerator,
            denominator,
            percent: Percent::of(numerator, denominator),
            target_2025: Some(Percent::from_whole(70)),
            target_2030: None,
            target_plan: Some("cuu-an".into()),
            responsible: None,
            horizon: Some(2025),
            expected: None,
            gap: None,
            status: RowStatus::Behind,
        }
    }

    #[test]
    fn rows_are_grouped_by_ratio_with_the_primary_reading_first() {
        let rows = [
            report_row("a", "x", true, 1, 2),
            report_row("a", "y", false, 3, 4),
            report_row("b", "x", true, 0, 0),
            report_row("c", "x", true, 5, 10),
            report_row("c", "z", false, 1, 10),
        ];
        let groups: Vec<Vec<&str>> =
            ratio_groups(&rows).iter().map(|g| g.iter().map(|r| r.reading.as_str()).collect()).collect();
        assert_eq!(groups, [vec!["x", "y"], vec!["x"], vec!["x", "z"]]);
        let chart = chart_row(&ratio_groups(&rows)[0]).expect("a row");
        assert_eq!((chart.id.as_str(), chart.readings.len(), chart.readings[1].numerator), ("a", 2, 3));
        assert_eq!(chart.target_2025, Some(Percent::from_whole(70)));
        assert_eq!(chart_row(&[]), None);
    }

    #[test]
    fn diagnostics_say_where_and_what() {
        let error = Diagnostic::error("unknown-indicator", "targets[1]", "tỷ lệ \"x\" không có").at_line(Some(36));
        assert_eq!(diagnostic_words(&error), "Lỗi, dòng 36: tỷ lệ \"x\" không có");
        let warning = Diagnostic::warning("missing-field", "targets[0]", "không có con số");
        assert_eq!(diagnostic_words(&warning), "Cảnh báo: không có con số");
    }

    #[test]
    fn years_start_with_the_programmes() {
        assert_eq!(report_years(2026), [2026, 2025, 2024, 2023, 2022, 2021]);
        assert_eq!(report_years(2019), [2021]);
        assert_eq!(slug("  --  "), "don-vi");
        assert_eq!(merge_words(MergeKind::Partial), "Một phần");
    }
}
