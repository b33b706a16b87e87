//! XLSX and CSV exports: each workbook is read back with calamine and dumped cell by cell
//! with the cells' types into a golden file, so a number written as text, a lost
//! diacritic or a shifted column shows up in review; a few cells are also checked
//! against the report's own values.

use std::io::Cursor;

use calamine::{open_workbook_from_rs, Data, Reader, Xlsx};
use hoctap_server::documents::sheets;
use hoctap_shared::annual::AnnualReport;
use hoctap_shared::date::Date;
use hoctap_shared::report::VersionInfo;

use crate::golden::assert_golden;
use crate::report_fixture;

/// A sheet read back: its name and its non-empty cells as (row, column, value), rows
/// and columns counted from 0 like calamine.
pub(crate) struct Sheet {
    name: String,
    cells: Vec<(u32, u32, Data)>,
}

impl Sheet {
    fn get(&self, row: u32, col: u32) -> &Data {
        self.cells.iter().find(|(r, c, _)| (*r, *c) == (row, col)).map_or(&Data::Empty, |(_, _, d)| d)
    }

    /// The row whose cells in columns B and C are `b` and `c`.
    #[track_caller]
    fn row_with(&self, b: &str, c: &str) -> u32 {
        let text = |row: u32, col: u32| match self.get(row, col) {
            Data::String(s) => s.clone(),
            _ => String::new(),
        };
        let rows: Vec<u32> = self.cells.iter().map(|(r, _, _)| *r).collect();
        rows.into_iter()
            .find(|&r| text(r, 1) == b && text(r, 2) == c)
            .unwrap_or_else(|| panic!("no row {b:?} / {c:?} in sheet {}", self.name))
    }
}

pub(crate) fn read_xlsx(bytes: &[u8]) -> Vec<Sheet> {
    let mut workbook: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.to_vec())).expect("a readable XLSX");
    workbook
        .worksheets()
        .into_iter()
        .map(|(name, range)| {
            let (row0, col0) = range.start().unwrap_or((0, 0));
            let cells = range.used_cells().map(|(r, c, d)| (row0 + r as u32, col0 + c as u32, d.clone())).collect();
            Sheet { name, cells }
        })
        .collect()
}

fn column_name(col: u32) -> String {
    let (mut n, mut name) = (col + 1, String::new());
    while n > 0 {
        let rem = (n - 1) % 26;
        name.insert(0, char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    name
}

fn show(data: &Data) -> String {
    match data {
        Data::Int(i) => format!("Int({i})"),
        Data::Float(f) => format!("Float({f})"),
        Data::String(s) => format!("String({s:?})"),
        Data::Bool(b) => format!("Bool({b})"),
        Data::DateTime(dt) => {
            let (y, m, d, hh, mm, ss, _) = dt.to_ymd_hms_milli();
            format!("DateTime({y:04}-{m:02}-{d:02} {hh:02}:{mm:02}:{ss:02})")
        }
        other => format!("{other:?}"),
    }
}

/// Every sheet's cells, one line each: `Báo cáo!D9 = Float(312)`.
pub(crate) fn dump(sheets: &[Sheet]) -> String {
    let mut out = String::new();
    for sheet in sheets {
        out.push_str(&format!("# {}\n", sheet.name));
        for (row, col, data) in &sheet.cells {
            out.push_str(&format!("{}!{}{} = {}\n", sheet.name, column_name(*col), row + 1, show(data)));
        }
    }
    out
}

#[track_caller]
fn check_xlsx(bytes: &[u8], golden: &str) -> Vec<Sheet> {
    let sheets = read_xlsx(bytes);
    let text = dump(&sheets);
    let ids = crate::report_fixture::internal_ids(&text);
    assert!(ids.is_empty(), "{golden} shows internal ids: {ids:?}");
    assert_golden(golden, &text);
    sheets
}

#[track_caller]
fn check_csv(csv: &str, golden: &str, expected_rows: usize) -> Vec<csv::StringRecord> {
    let body = csv.strip_prefix('\u{feff}').expect("a UTF-8 byte order mark first, for Excel");
    let records: Vec<csv::StringRecord> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(body.as_bytes())
        .records()
        .collect::<Result<_, _>>()
        .expect("well-formed CSV with one length for every record");
    assert_eq!(records.len(), expected_rows + 1, "the header and one line per row");
    let ids = crate::report_fixture::internal_ids(csv);
    assert!(ids.is_empty(), "{golden} shows internal ids: {ids:?}");
    assert_golden(golden, csv);
    records
}

fn submitted() -> VersionInfo {
    VersionInfo {
        version: 2,
        submitted_at_ms: 1_795_420_800_000,
        submitted_on: Date::new(2026, 11, 19).expect("date"),
        submitted_by: "canbo.cuuan".to_string(),
        on_time: Some(true),
    }
}

fn sheet<'a>(sheets: &'a [Sheet], name: &str) -> &'a Sheet {
    sheets.iter().find(|s| s.name == name).unwrap_or_else(|| panic!("no sheet {name}"))
}

#[test]
fn report_xlsx_cells() {
    let report = report_fixture::report(2026);
    let bytes = sheets::report_xlsx(&report, Some(&submitted())).expect("an XLSX");
    let sheets = check_xlsx(&bytes, "reports/cuu-an-2026.xlsx.cells");
    let names: Vec<&str> = sheets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Báo cáo", "Mô hình", "Đơn vị trực thuộc", "Nội dung"]);

    // Counts and shares are numbers, taken from the report's own row.
    let main = sheet(&sheets, "Báo cáo");
    let row = report.rows.iter().find(|r| r.indicator == "households_learning_family").expect("the families row");
    let at = main.row_with(&row.name, &row.reading_label);
    assert_eq!((row.numerator, row.denominator), (52 * 6, 80 * 6));
    assert_eq!(main.get(at, 3), &Data::Float(312.0));
    assert_eq!(main.get(at, 4), &Data::Float(480.0));
    let percent = row.percent.expect("a share").as_f64();
    assert_eq!(main.get(at, 5), &Data::Float(percent));
    assert_eq!(main.get(at, 9), &Data::String(row.status.label().to_string()));
    // A value the report does not have is an empty cell, not "0" or "—".
    for row in report.rows.iter().filter(|r| r.gap.is_none()) {
        assert_eq!(main.get(main.row_with(&row.name, &row.reading_label), 8), &Data::Empty, "{}", row.reading);
    }
    assert_eq!(
        main.get(4, 0),
        &Data::String("Tình trạng: Bản nộp lần 2 ngày 19/11/2026, người nộp: canbo.cuuan, đúng hạn".to_string())
    );

    // A draft says so, and past its deadline by how many days (figures of 23/11, the
    // deadline 20/11); the same report gives the same bytes.
    let draft = read_xlsx(&sheets::report_xlsx(&report, None).expect("an XLSX"));
    assert_eq!(
        sheet(&draft, "Báo cáo").get(4, 0),
        &Data::String("Tình trạng: Bản nháp (chưa nộp) — đã quá hạn 3 ngày".to_string())
    );
    assert_eq!(bytes, sheets::report_xlsx(&report, Some(&submitted())).expect("an XLSX"));
}

#[test]
fn recognised_xlsx_cells() {
    let report = report_fixture::report(2026);
    let bytes = sheets::recognised_xlsx(&report).expect("an XLSX");
    let sheets = check_xlsx(&bytes, "reports/cuu-an-2026-recognised.xlsx.cells");
    let list = sheet(&sheets, "Danh sách công nhận");
    let at = list.row_with("Nguyễn Thị Hằng", "Công dân học tập");
    assert_eq!(list.get(at, 3), &Data::String("Thôn 1".to_string()));
    assert_eq!(show(list.get(at, 5)), "DateTime(2026-11-20 00:00:00)", "the decision date is a date cell");
}

#[test]
fn issue_14_an_exception_is_noted_in_the_recognised_list() {
    let mut report = report_fixture::report(2026);
    let reason = "Thương binh tự học vượt khó";
    let subject = report.recognised.iter_mut().find(|s| s.name.as_deref() == Some("Nguyễn Thị Hằng"));
    let subject = subject.expect("the fixture's citizen");
    if let Some(d) = subject.decision.as_mut() {
        d.override_reason = Some(reason.to_string());
    }
    let list = read_xlsx(&sheets::recognised_xlsx(&report).expect("an XLSX"));
    let list = sheet(&list, "Danh sách công nhận");
    let at = list.row_with("Nguyễn Thị Hằng", "Công dân học tập");
    assert_eq!(list.get(at, 7), &Data::String(format!("Công nhận ngoại lệ: {reason}")));
    let csv = sheets::recognised_csv(&report);
    assert!(csv.contains(&format!("Nguyễn Thị Hằng,Công dân học tập,Thôn 1,15/QĐ-UBND,2026-11-20,Ủy ban nhân dân xã Cửu An,Công nhận ngoại lệ: {reason}")));
}

#[test]
fn review_xlsx_cells() {
    let review = report_fixture::review();
    let bytes = sheets::review_xlsx(&review).expect("an XLSX");
    let sheets = check_xlsx(&bytes, "reports/cuu-an-2021-2025-review.xlsx.cells");
    let main = sheet(&sheets, "Sơ kết");
    let row = review.rows.iter().find(|r| r.indicator == "households_learning_family").expect("the families row");
    let at = main.row_with(&row.name, &row.reading_label);
    for (i, cell) in (3..).zip(&row.years) {
        assert_eq!(main.get(at, i), &cell.percent.map_or(Data::Empty, |p| Data::Float(p.as_f64())), "{}", cell.year);
    }
}

#[test]
fn csv_exports() {
    let report: AnnualReport = report_fixture::report(2026);
    let records = check_csv(&sheets::report_csv(&report), "reports/cuu-an-2026.csv", report.rows.len());
    let row = report.rows.iter().find(|r| r.indicator == "households_learning_family").expect("the families row");
    let line = records.iter().find(|r| (&r[1], &r[2]) == (row.name.as_str(), row.reading_label.as_str()));
    let line = line.expect("the families line");
    // Decimals with a dot: 312 / 480 is 65 %.
    assert_eq!((&line[3], &line[4], &line[5], &line[9]), ("312", "480", "65", row.status.label()));

    let records =
        check_csv(&sheets::recognised_csv(&report), "reports/cuu-an-2026-recognised.csv", report.recognised.len());
    assert_eq!(&records[1][5], "2026-11-20");
    assert_eq!(&records[0][7], "Ghi chú");
    assert!(records[1..].iter().all(|r| r[7].is_empty()), "no exception in the fixture");

    let review = report_fixture::review();
    check_csv(&sheets::review_csv(&review), "reports/cuu-an-2021-2025-review.csv", review.rows.len());
}
