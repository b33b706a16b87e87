//! XLSX and CSV exports of the annual report, of its list of recognised subjects and of
//! the five-year review: the files officials open in Excel or LibreOffice, check and pass
//! on. Each main table is built once as typed cells ([`Table`]) and rendered twice, so the
//! CSV always has the XLSX's columns.
//!
//! In the XLSX, counts and percentages are numeric cells (percentages as percentage
//! points, 65.5 for 65,5 %, never fractions), so officials can sum and chart them; Excel
//! shows them with the reader's decimal separator. The CSV is for machines and
//! spreadsheets alike: UTF-8 with a byte order mark (without it Excel shows Vietnamese as
//! mojibake), comma separated, RFC 4180 quoting, CRLF line ends, decimals with a dot and
//! dates as ISO `yyyy-mm-dd`, whatever the reader's locale.
//!
//! Pure: the workbook's creation date is the report's `as_of`, not the clock, so the same
//! report gives the same bytes.

use std::collections::BTreeMap;

use hoctap_shared::annual::{AnnualReport, Review};
use hoctap_shared::consolidation::RecognisedSubject;
use hoctap_shared::criteria::Model;
use hoctap_shared::date::Date;
use hoctap_shared::number::Percent;
use hoctap_shared::report::VersionInfo;
use hoctap_shared::scoring::result_words;
use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Why an XLSX export could not be produced; the server answers 500 and logs it.
#[derive(Debug, thiserror::Error)]
pub enum SheetError {
    /// The XLSX writer refused a value or failed to assemble the file.
    #[error("writing the XLSX workbook failed: {0}")]
    XlsxWriting(#[from] XlsxError),
}

/// The annual report as a workbook: sheets "Báo cáo" (titles, the ratios, the targets
/// reported by hand, notes), "Mô hình", "Đơn vị trực thuộc" and "Nội dung". Without a
/// `submission` the report is marked as a draft.
pub fn report_xlsx(report: &AnnualReport, submission: Option<&VersionInfo>) -> Result<Vec<u8>, SheetError> {
    let styles = Styles::new();
    let mut workbook = workbook(&report_title(report), report.as_of)?;

    let table = report_table(report);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Báo cáo")?;
    let mut lines = vec![
        format!("Đơn vị: {}", report.name),
        format!("Số liệu đến ngày {}", report.as_of),
        deadline_line(report),
        version_line(report, submission),
    ];
    if !report.plans.is_empty() {
        lines.push("Kế hoạch áp dụng:".to_string());
        lines.extend(report.plans.iter().map(|plan| format!("– {plan}")));
    }
    let mut row = write_titles(sheet, &styles, &report_title(report), &lines, table.columns.len())?;
    row = write_table(sheet, &styles, row, &table, true)?;
    let hand = hand_targets_table(report);
    if !hand.rows.is_empty() {
        row += 1;
        sheet.write_string_with_format(row, 0, "CÁC CHỈ TIÊU KHÁC CỦA KẾ HOẠCH (báo cáo bằng lời)", &styles.bold)?;
        row = write_table(sheet, &styles, row + 1, &hand, false)?;
    }
    row += 1;
    for note in report_notes(&report.sources, &report.unassigned) {
        sheet.write_string_with_format(row, 0, note.as_str(), &styles.note)?;
        row += 1;
    }

    let models = models_table(report);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Mô hình")?;
    let title = format!("KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN DANH HIỆU HỌC TẬP NĂM {}", report.year);
    let row = write_titles(sheet, &styles, &title, &[format!("Đơn vị: {}", report.name)], models.columns.len())?;
    let row = write_table(sheet, &styles, row, &models, true)?;
    let results = results_table(report);
    let mut row = row;
    if !results.rows.is_empty() {
        sheet.write_string_with_format(row + 1, 0, "CHI TIẾT THEO KẾT QUẢ ĐÁNH GIÁ", &styles.bold)?;
        row = write_table(sheet, &styles, row + 2, &results, false)?;
    }
    if report.self_assessment.self_assessed > 0 {
        sheet.write_string_with_format(row + 1, 0, "NGƯỜI DÂN TỰ ĐÁNH GIÁ “CÔNG DÂN HỌC TẬP”", &styles.bold)?;
        let table = Table {
            columns: vec![column("Nội dung", 30.0), column("Số người", 12.0)],
            rows: report
                .self_assessment
                .labelled()
                .into_iter()
                .map(|(label, n)| vec![Cell::Text(label.to_string()), Cell::Count(n)])
                .collect(),
        };
        write_table(sheet, &styles, row + 2, &table, false)?;
    }

    let children = children_table(report);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Đơn vị trực thuộc")?;
    let title = format!("KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC NĂM {}", report.year);
    let row = write_titles(sheet, &styles, &title, &[format!("Đơn vị: {}", report.name)], children.columns.len())?;
    if children.rows.is_empty() {
        sheet.write_string_with_format(row, 0, "Không có đơn vị trực thuộc.", &styles.note)?;
    } else {
        write_table(sheet, &styles, row, &children, true)?;
    }

    let narrative = narrative_table(report);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Nội dung")?;
    let title = format!("NỘI DUNG BÁO CÁO NĂM {}", report.year);
    let row = write_titles(sheet, &styles, &title, &[format!("Đơn vị: {}", report.name)], narrative.columns.len())?;
    write_table(sheet, &styles, row, &narrative, true)?;

    Ok(workbook.save_to_buffer()?)
}

/// The report's recognised subjects as a workbook with one sheet, "Danh sách công
/// nhận"; decision dates are date cells shown as dd/mm/yyyy; "Ghi chú" says "Công nhận
/// ngoại lệ: <lý do>" for a title granted as an exception to the set's rules.
pub fn recognised_xlsx(report: &AnnualReport) -> Result<Vec<u8>, SheetError> {
    let styles = Styles::new();
    let title = format!("DANH SÁCH ĐƯỢC CÔNG NHẬN DANH HIỆU HỌC TẬP NĂM {}", report.year);
    let mut workbook = workbook(&title, report.as_of)?;
    let table = recognised_table(report);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Danh sách công nhận")?;
    let lines = [format!("Đơn vị: {}", report.name), format!("Số liệu đến ngày {}", report.as_of)];
    let row = write_titles(sheet, &styles, &title, &lines, table.columns.len())?;
    let row = write_table(sheet, &styles, row, &table, true)?;
    if table.rows.is_empty() {
        sheet.write_string_with_format(row, 0, "Chưa có đối tượng được công nhận.", &styles.note)?;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The review as a workbook with one sheet, "Sơ kết": the ratios year by year, then the
/// titles recognised per year and model, then notes on the figures' sources.
pub fn review_xlsx(review: &Review) -> Result<Vec<u8>, SheetError> {
    let styles = Styles::new();
    let title = review_title(review);
    let mut workbook = workbook(&title, review.as_of)?;
    let table = review_table(review);
    let sheet = workbook.add_worksheet();
    sheet.set_name("Sơ kết")?;
    let lines = [format!("Đơn vị: {}", review.name), format!("Số liệu đến ngày {}", review.as_of)];
    let mut row = write_titles(sheet, &styles, &title, &lines, table.columns.len())?;
    row = write_table(sheet, &styles, row, &table, true)?;
    row += 1;
    sheet.write_string_with_format(row, 0, "DANH HIỆU ĐƯỢC CÔNG NHẬN QUA CÁC NĂM", &styles.bold)?;
    row = write_table(sheet, &styles, row + 1, &review_models_table(review), false)?;
    row += 1;
    for note in report_notes(&review.sources, &review.unassigned) {
        sheet.write_string_with_format(row, 0, note.as_str(), &styles.note)?;
        row += 1;
    }
    Ok(workbook.save_to_buffer()?)
}

/// The report's ratios, one line per reading, with the columns of the "Báo cáo" sheet.
/// UTF-8 with a BOM, RFC 4180; percentages are percentage points written with a dot
/// (`65.5`), an empty field where there is no value.
pub fn report_csv(report: &AnnualReport) -> String {
    csv_of(&report_table(report))
}

/// The recognised subjects with the columns of the "Danh sách công nhận" sheet. UTF-8
/// with a BOM, RFC 4180; decision dates as ISO `yyyy-mm-dd`.
pub fn recognised_csv(report: &AnnualReport) -> String {
    csv_of(&recognised_table(report))
}

/// The review's ratios with the columns of the "Sơ kết" sheet's main table. UTF-8 with a
/// BOM, RFC 4180; percentages and changes are percentage points written with a dot.
pub fn review_csv(review: &Review) -> String {
    csv_of(&review_table(review))
}

/// One cell of a table, typed, so that each format can render it its own way.
#[derive(Debug, Clone)]
enum Cell {
    Empty,
    Text(String),
    Count(u64),
    Percent(Percent),
    Date(Date),
}

impl Cell {
    fn text(text: impl Into<String>) -> Cell {
        Cell::Text(text.into())
    }

    fn percent(percent: Option<Percent>) -> Cell {
        percent.map_or(Cell::Empty, Cell::Percent)
    }

    fn optional_text(text: Option<&str>) -> Cell {
        text.map_or(Cell::Empty, Cell::text)
    }
}

/// A column's heading and its width in the XLSX (in characters).
#[derive(Debug, Clone)]
struct Column {
    heading: String,
    width: f64,
}

fn column(heading: impl Into<String>, width: f64) -> Column {
    Column { heading: heading.into(), width }
}

/// A table: its columns, and its rows of cells in column order.
#[derive(Debug, Clone)]
struct Table {
    columns: Vec<Column>,
    rows: Vec<Vec<Cell>>,
}

fn report_title(report: &AnnualReport) -> String {
    format!("BÁO CÁO KẾT QUẢ XÂY DỰNG MÔ HÌNH HỌC TẬP NĂM {}", report.year)
}

fn review_title(review: &Review) -> String {
    format!(
        "SƠ KẾT {} NĂM XÂY DỰNG MÔ HÌNH HỌC TẬP GIAI ĐOẠN {}–{}",
        review.to - review.from + 1,
        review.from,
        review.to
    )
}

fn deadline_line(report: &AnnualReport) -> String {
    match (report.deadline, &report.deadline_to) {
        (Some(deadline), Some(to)) => format!("Hạn nộp: {deadline}, gửi {to}"),
        (Some(deadline), None) => format!("Hạn nộp: {deadline}"),
        (None, _) => "Hạn nộp: không quy định".to_string(),
    }
}

fn version_line(report: &AnnualReport, submission: Option<&VersionInfo>) -> String {
    let Some(v) = submission else { return format!("Tình trạng: {}", report.draft_words()) };
    let timing = match v.on_time {
        Some(true) => ", đúng hạn",
        Some(false) => ", quá hạn",
        None => "",
    };
    format!("Tình trạng: Bản nộp lần {} ngày {}, người nộp: {}{timing}", v.version, v.submitted_on, v.submitted_by)
}

fn report_table(report: &AnnualReport) -> Table {
    let columns = vec![
        column("STT", 5.0),
        column("Chỉ tiêu", 42.0),
        column("Cách tính", 28.0),
        column("Tử số", 10.0),
        column("Mẫu số", 10.0),
        column("Tỷ lệ (%)", 9.0),
        column("Chỉ tiêu 2025 (%)", 10.0),
        column("Chỉ tiêu 2030 (%)", 10.0),
        column("Còn thiếu (điểm %)", 11.0),
        column("Đánh giá", 14.0),
        column("Cơ quan chịu trách nhiệm", 30.0),
    ];
    // STT numbers the ratios; a ratio's further readings stand under it unnumbered.
    let mut number = 0;
    let rows = report
        .rows
        .iter()
        .map(|row| {
            let stt = if row.primary {
                number += 1;
                Cell::Count(number)
            } else {
                Cell::Empty
            };
            vec![
                stt,
                Cell::text(&row.name),
                Cell::text(&row.reading_label),
                Cell::Count(row.numerator),
                Cell::Count(row.denominator),
                Cell::percent(row.percent),
                Cell::percent(row.target_2025),
                Cell::percent(row.target_2030),
                Cell::percent(row.gap),
                Cell::text(row.status.label()),
                Cell::optional_text(row.responsible.as_deref()),
            ]
        })
        .collect();
    Table { columns, rows }
}

/// Laid out under the same columns as the ratios: text under "Chỉ tiêu", the plan under
/// "Cách tính", targets under theirs, the responsible body last.
fn hand_targets_table(report: &AnnualReport) -> Table {
    let columns = vec![
        column("STT", 5.0),
        column("Nội dung chỉ tiêu", 42.0),
        column("Kế hoạch", 28.0),
        column("", 10.0),
        column("", 10.0),
        column("", 9.0),
        column("Chỉ tiêu 2025 (%)", 10.0),
        column("Chỉ tiêu 2030 (%)", 10.0),
        column("", 11.0),
        column("", 14.0),
        column("Cơ quan chịu trách nhiệm", 30.0),
    ];
    let rows = (1..)
        .zip(&report.hand_targets)
        .map(|(n, t)| {
            vec![
                Cell::Count(n),
                Cell::text(&t.text),
                Cell::text(&t.plan_title),
                Cell::Empty,
                Cell::Empty,
                Cell::Empty,
                Cell::percent(t.target_2025),
                Cell::percent(t.target_2030),
                Cell::Empty,
                Cell::Empty,
                Cell::optional_text(t.responsible.as_deref()),
            ]
        })
        .collect();
    Table { columns, rows }
}

fn models_table(report: &AnnualReport) -> Table {
    let columns = vec![
        column("STT", 5.0),
        column("Danh hiệu", 30.0),
        column("Đã đánh giá", 26.0),
        column("Đã gửi duyệt", 12.0),
        column("Đã công nhận", 12.0),
        column("Bộ tiêu chí đã dùng", 40.0),
    ];
    let rows = (1..)
        .zip(&report.models)
        .map(|(n, m)| {
            vec![
                Cell::Count(n),
                Cell::text(&m.title),
                Cell::Count(m.counts.evaluated),
                Cell::Count(m.counts.submitted),
                Cell::Count(m.counts.recognised),
                Cell::text(super::print::sets_used(&m.sets)),
            ]
        })
        .collect();
    Table { columns, rows }
}

/// The evaluations by result, per model (under the models' columns).
fn results_table(report: &AnnualReport) -> Table {
    let columns =
        vec![column("STT", 5.0), column("Danh hiệu", 30.0), column("Kết quả chấm", 26.0), column("Số lượng", 12.0)];
    let rows = (1..)
        .zip(report.models.iter().flat_map(|m| m.counts.by_result.iter().map(move |(result, n)| (m, result, *n))))
        .map(|(i, (m, result, n))| {
            vec![Cell::Count(i), Cell::text(&m.title), Cell::text(result_words(result)), Cell::Count(n)]
        })
        .collect();
    Table { columns, rows }
}

fn children_table(report: &AnnualReport) -> Table {
    let mut columns =
        vec![column("STT", 5.0), column("Đơn vị", 28.0), column("Mã đơn vị", 24.0), column("Đã đánh giá", 11.0)];
    columns.extend(Model::ALL.iter().map(|m| column(format!("Công nhận: {}", m.title()), 14.0)));
    let rows = (1..)
        .zip(&report.children)
        .map(|(n, child)| {
            let mut cells =
                vec![Cell::Count(n), Cell::text(&child.name), code_cell(&child.unit), Cell::Count(child.evaluated)];
            cells.extend(Model::ALL.iter().map(|m| Cell::Count(child.recognised.get(m).copied().unwrap_or(0))));
            cells
        })
        .collect();
    Table { columns, rows }
}

/// `Xã Tú An (mã 23626)`, or the name alone for a unit without an official code.
fn named_with_code(name: &str, unit: &str) -> String {
    match hoctap_shared::units::official_code(unit) {
        Some(code) => format!("{name} (mã {code})"),
        None => name.to_string(),
    }
}

/// A unit's official code; hamlets have none (their ids are internal, never shown).
fn code_cell(unit: &str) -> Cell {
    Cell::optional_text(hoctap_shared::units::official_code(unit))
}

fn narrative_table(report: &AnnualReport) -> Table {
    let columns = vec![column("Mục", 24.0), column("Nội dung", 100.0)];
    let rows = report
        .narrative
        .sections()
        .iter()
        .map(|(heading, text)| {
            vec![Cell::text(*heading), if text.trim().is_empty() { Cell::Empty } else { Cell::text(*text) }]
        })
        .collect();
    Table { columns, rows }
}

fn recognised_table(report: &AnnualReport) -> Table {
    let columns = vec![
        column("STT", 5.0),
        column("Họ tên / Tên", 30.0),
        column("Danh hiệu", 22.0),
        column("Đơn vị", 22.0),
        column("Số quyết định", 16.0),
        column("Ngày quyết định", 12.0),
        column("Cơ quan ban hành", 32.0),
        column("Ghi chú", 40.0),
    ];
    // Units are shown by name where the report knows it (itself and the units below).
    let names: BTreeMap<&str, &str> = std::iter::once((report.unit.as_str(), report.name.as_str()))
        .chain(report.children.iter().map(|c| (c.unit.as_str(), c.name.as_str())))
        .collect();
    let mut subjects: Vec<&RecognisedSubject> = report.recognised.iter().collect();
    subjects.sort_by(|a, b| (a.model, &a.name, &a.subject).cmp(&(b.model, &b.name, &b.subject)));
    let rows = (1..)
        .zip(subjects)
        .map(|(n, s)| {
            let decision = s.decision.as_ref();
            vec![
                Cell::Count(n),
                Cell::text(s.name.as_deref().unwrap_or("—")),
                Cell::text(s.model.title()),
                Cell::text(names.get(s.unit.as_str()).copied().unwrap_or("—")),
                Cell::optional_text(decision.map(|d| d.number.as_str())),
                decision.map_or(Cell::Empty, |d| Cell::Date(d.date)),
                Cell::optional_text(decision.map(|d| d.authority.as_str())),
                Cell::optional_text(super::print::override_note(decision).as_deref()),
            ]
        })
        .collect();
    Table { columns, rows }
}

fn review_table(review: &Review) -> Table {
    let mut columns = vec![column("STT", 5.0), column("Chỉ tiêu", 42.0), column("Cách tính", 28.0)];
    columns.extend((review.from..=review.to).map(|year| column(format!("Năm {year} (%)"), 9.0)));
    columns.extend([
        column("Thay đổi (điểm %)", 10.0),
        column("Chỉ tiêu 2025 (%)", 10.0),
        column("Chỉ tiêu 2030 (%)", 10.0),
        column(format!("Đánh giá năm {}", review.to), 14.0),
    ]);
    let mut number = 0;
    let rows = review
        .rows
        .iter()
        .map(|row| {
            let stt = if row.primary {
                number += 1;
                Cell::Count(number)
            } else {
                Cell::Empty
            };
            let mut cells = vec![stt, Cell::text(&row.name), Cell::text(&row.reading_label)];
            // Each year in its own column, whatever the order or gaps of `years`.
            cells.extend(
                (review.from..=review.to)
                    .map(|year| Cell::percent(row.years.iter().find(|c| c.year == year).and_then(|c| c.percent))),
            );
            cells.extend([
                Cell::percent(row.change),
                Cell::percent(row.target_2025),
                Cell::percent(row.target_2030),
                Cell::text(row.status.label()),
            ]);
            cells
        })
        .collect();
    Table { columns, rows }
}

/// The titles recognised per year, under the review's year columns; the total under
/// "Thay đổi".
fn review_models_table(review: &Review) -> Table {
    let mut columns = vec![column("STT", 5.0), column("Danh hiệu", 42.0), column("", 28.0)];
    columns.extend((review.from..=review.to).map(|year| column(format!("Năm {year}"), 9.0)));
    columns.push(column("Tổng", 10.0));
    let rows = (1..)
        .zip(&review.models)
        .map(|(n, m)| {
            let mut cells = vec![Cell::Count(n), Cell::text(&m.title), Cell::Empty];
            cells.extend(m.recognised.iter().map(|&count| Cell::Count(count)));
            cells.push(Cell::Count(m.total));
            cells
        })
        .collect();
    Table { columns, rows }
}

/// How the status is decided, and where the figures come from when old units were
/// re-aggregated or left out.
fn report_notes(
    sources: &[hoctap_shared::annual::SourceNote],
    unassigned: &[hoctap_shared::annual::SourceNote],
) -> Vec<String> {
    // One short line each, so that no note runs past the printed page.
    let mut notes: Vec<String> = [
        "Ghi chú:",
        "– “Đạt”: tỷ lệ bằng hoặc vượt chỉ tiêu của mốc đang xét (chỉ tiêu 2025 đến hết năm 2025, sau đó chỉ tiêu 2030).",
        "– “Đúng tiến độ”: chưa đạt nhưng bằng hoặc vượt lộ trình đều từ đầu kế hoạch đến chỉ tiêu.",
        "– “Chậm tiến độ”: thấp hơn lộ trình đó.",
        "– Mỗi chỉ tiêu được đánh giá theo cách tính đầu tiên (dòng có số thứ tự); các cách tính khác để tham khảo.",
    ]
    .map(str::to_string)
    .to_vec();
    if !sources.is_empty() {
        notes.push("Số liệu gồm hồ sơ của các đơn vị trước ngày 01/07/2025:".to_string());
        notes.extend(sources.iter().map(|s| format!("– {}: {}", named_with_code(&s.name, &s.unit), s.how)));
    }
    if !unassigned.is_empty() {
        notes.push("Chưa tính hồ sơ của các thôn chưa được phân về xã mới:".to_string());
        notes.extend(unassigned.iter().map(|s| format!("– {}: {}", named_with_code(&s.name, &s.unit), s.how)));
    }
    notes
}

/// The formats shared by every sheet.
struct Styles {
    title: Format,
    bold: Format,
    plain: Format,
    note: Format,
    header: Format,
    text: Format,
    count: Format,
    percent: Format,
    date: Format,
    blank: Format,
}

impl Styles {
    fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_align(FormatAlign::Top);
        Styles {
            title: Format::new().set_bold().set_font_size(14).set_align(FormatAlign::Center),
            bold: Format::new().set_bold(),
            plain: Format::new(),
            note: Format::new().set_italic(),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xDD_EB_F7)),
            text: cell.clone().set_text_wrap(),
            count: cell.clone().set_num_format("#,##0"),
            // Percentages hold hundredths: show both decimals when there are two, so a
            // share just below a target never looks like the target.
            percent: cell.clone().set_num_format("0.0#"),
            date: cell.clone().set_num_format("dd/mm/yyyy").set_align(FormatAlign::Center),
            blank: cell,
        }
    }
}

fn workbook(title: &str, as_of: Date) -> Result<Workbook, SheetError> {
    let mut workbook = Workbook::new();
    let created = excel_date(as_of)?;
    let properties = DocProperties::new().set_title(title).set_author("hoctap").set_creation_datetime(&created);
    workbook.set_properties(&properties);
    Ok(workbook)
}

fn excel_date(date: Date) -> Result<ExcelDateTime, SheetError> {
    // A year beyond u16 is refused by `from_ymd` like any other out-of-range date.
    let year = u16::try_from(date.year()).unwrap_or(u16::MAX);
    Ok(ExcelDateTime::from_ymd(year, date.month(), date.day())?)
}

/// Writes the title across the table's width and the lines under it, leaves a blank
/// row, and returns the row where the table starts. Also sets up printing: A4,
/// landscape, one page wide.
fn write_titles(
    sheet: &mut Worksheet,
    styles: &Styles,
    title: &str,
    lines: &[String],
    width: usize,
) -> Result<u32, SheetError> {
    let last = u16::try_from(width.saturating_sub(1)).unwrap_or(0);
    if last > 0 {
        sheet.merge_range(0, 0, 0, last, title, &styles.title)?;
    } else {
        sheet.write_string_with_format(0, 0, title, &styles.title)?;
    }
    let mut row = 1;
    for line in lines {
        sheet.write_string_with_format(row, 0, line.as_str(), &styles.plain)?;
        row += 1;
    }
    sheet.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    Ok(row + 1)
}

/// Writes `table` from `first_row` (its header) and returns the row after it. The main
/// table of a sheet sets the column widths, freezes the rows down to its header and
/// repeats the header on every printed page.
fn write_table(
    sheet: &mut Worksheet,
    styles: &Styles,
    first_row: u32,
    table: &Table,
    main: bool,
) -> Result<u32, SheetError> {
    for (col, column) in (0u16..).zip(&table.columns) {
        if main {
            sheet.set_column_width(col, column.width)?;
        }
        sheet.write_string_with_format(first_row, col, column.heading.as_str(), &styles.header)?;
    }
    if main {
        sheet.set_freeze_panes(first_row + 1, 0)?;
        sheet.set_repeat_rows(first_row, first_row)?;
    }
    let mut row = first_row + 1;
    for cells in &table.rows {
        for (col, cell) in (0u16..).zip(cells) {
            match cell {
                Cell::Empty => sheet.write_blank(row, col, &styles.blank)?,
                Cell::Text(text) => sheet.write_string_with_format(row, col, text.as_str(), &styles.text)?,
                // Counts stay exact as f64 far beyond any population.
                Cell::Count(n) => sheet.write_number_with_format(row, col, *n as f64, &styles.count)?,
                Cell::Percent(p) => sheet.write_number_with_format(row, col, p.as_f64(), &styles.percent)?,
                Cell::Date(d) => sheet.write_datetime_with_format(row, col, excel_date(*d)?, &styles.date)?,
            };
        }
        row += 1;
    }
    Ok(row)
}

fn csv_of(table: &Table) -> String {
    let mut writer = csv::WriterBuilder::new().terminator(csv::Terminator::CRLF).from_writer(Vec::new());
    let header: Vec<&str> = table.columns.iter().map(|c| c.heading.as_str()).collect();
    // Writing to memory has no I/O to fail, and every record has the header's length.
    writer.write_record(&header).expect("CSV into memory");
    for cells in &table.rows {
        writer.write_record(cells.iter().map(csv_field)).expect("CSV into memory");
    }
    let bytes = writer.into_inner().expect("CSV into memory");
    // Every field is a Rust string, so the bytes are UTF-8.
    format!("\u{feff}{}", String::from_utf8_lossy(&bytes))
}

fn csv_field(cell: &Cell) -> String {
    match cell {
        Cell::Empty => String::new(),
        Cell::Text(text) => text.clone(),
        Cell::Count(n) => n.to_string(),
        Cell::Percent(p) => decimal(*p),
        Cell::Date(d) => d.iso(),
    }
}

/// Percentage points with a decimal dot and no trailing zeros: 6550 → "65.5".
fn decimal(percent: Percent) -> String {
    let hundredths = percent.hundredths();
    let sign = if hundredths < 0 { "-" } else { "" };
    let (whole, frac) = (hundredths.unsigned_abs() / 100, hundredths.unsigned_abs() % 100);
    match frac {
        0 => format!("{sign}{whole}"),
        _ if frac.is_multiple_of(10) => format!("{sign}{whole}.{}", frac / 10),
        _ => format!("{sign}{whole}.{frac:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_use_a_dot() {
        let shown: Vec<String> =
            [6550, 6500, 3466, 0, -500, -5].into_iter().map(|h| decimal(Percent::from_hundredths(h))).collect();
        assert_eq!(shown, ["65.5", "65", "34.66", "0", "-5", "-0.05"]);
    }

    #[test]
    fn results_read_in_vietnamese() {
        let shown: Vec<String> =
            ["recognised", "not_recognised", "band:Khá", "band:Chưa đạt", "level:2", "no_level", "incomplete", "other"]
                .into_iter()
                .map(result_words)
                .collect();
        // What the score computes, never "Đã công nhận": that is a decision's.
        assert_eq!(
            shown,
            [
                "Đủ điều kiện công nhận",
                "Chưa đủ điều kiện",
                "Xếp loại Khá",
                "Chưa đạt",
                "Đủ điều kiện công nhận Mức độ 2",
                "Chưa đủ điều kiện",
                "Chưa chấm xong",
                "other"
            ]
        );
    }
}
