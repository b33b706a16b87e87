//! The register workbooks: the import template (sheet "Danh sách" with the columns of
//! `hoctap_shared::import::Column`, a drop-down list on each coded column, the header
//! row frozen; sheet "Hướng dẫn" explaining each column; sheet "Danh mục" holding the
//! lists, the hamlets' names first) and the export of a commune's households and
//! people in the same layout, which imports back unchanged.
//!
//! Pure: the commune's hamlets and rows come in, bytes go out.

use hoctap_shared::import::{Column, ExportCell, Hamlet};
use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, Format, FormatBorder, Formula, Workbook, Worksheet,
};

use super::sheets::SheetError;

/// The rows of the template that carry the drop-down lists (the header is row 1).
const TEMPLATE_ROWS: u32 = 50_000;

/// The name of the sheet the import reads.
pub const SHEET: &str = "Danh sách";
const LISTS: &str = "Danh mục";

fn width(column: Column) -> f64 {
    match column {
        Column::Number => 6.0,
        Column::Hamlet => 20.0,
        Column::HouseholdCode => 10.0,
        Column::Head | Column::Name => 26.0,
        Column::Address => 28.0,
        Column::BirthYear | Column::Gender => 10.0,
        Column::Relation => 18.0,
        Column::DigitalSkill | Column::Learner => 13.0,
    }
}

fn header_format() -> Format {
    Format::new()
        .set_bold()
        .set_text_wrap()
        .set_background_color(Color::RGB(0x00DD_EBF7))
        .set_border(FormatBorder::Thin)
}

/// The "Danh sách" sheet: headers, widths, the header row frozen, and drop-down lists
/// (from "Danh mục") on the hamlet and coded columns, down to `rows` rows.
fn list_sheet(workbook: &mut Workbook, hamlets: &[Hamlet], rows: u32) -> Result<(), SheetError> {
    let header = header_format();
    let sheet = workbook.add_worksheet();
    sheet.set_name(SHEET)?;
    for (col, column) in Column::ALL.into_iter().enumerate() {
        let col = col as u16;
        sheet.write_with_format(0, col, column.header(), &header)?;
        sheet.set_column_width(col, width(column))?;
    }
    sheet.set_freeze_panes(1, 0)?;
    let last = rows.max(2);
    let mut list_col = 0u16;
    for (col, column) in Column::ALL.into_iter().enumerate() {
        let count = match column {
            Column::Hamlet => hamlets.len(),
            _ => column.choices().len(),
        };
        if count == 0 && column != Column::Hamlet {
            continue;
        }
        let letter = column_letter(list_col);
        list_col += 1;
        if count == 0 {
            continue;
        }
        // A warning, not a stop: the import also reads other spellings ("Vợ", "x").
        let validation = DataValidation::new()
            .allow_list_formula(Formula::new(format!("='{LISTS}'!${letter}$2:${letter}${}", count + 1)))
            .set_error_style(DataValidationErrorStyle::Warning)
            .set_error_title("Giá trị không có trong danh sách")?
            .set_error_message(format!("{}: hãy chọn một giá trị trong danh sách.", column.header()))?;
        sheet.add_data_validation(1, col as u16, last - 1, col as u16, &validation)?;
    }
    Ok(())
}

/// "A", "B", … for the first 26 columns, then "AA" …
fn column_letter(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// "Danh mục": one column per list, headed by the column it serves.
fn lists_sheet(workbook: &mut Workbook, hamlets: &[Hamlet]) -> Result<(), SheetError> {
    let header = header_format();
    let sheet = workbook.add_worksheet();
    sheet.set_name(LISTS)?;
    let mut col = 0u16;
    for column in Column::ALL {
        let values: Vec<&str> = match column {
            Column::Hamlet => hamlets.iter().map(|h| h.full_name.as_str()).collect(),
            _ => column.choices().iter().map(|c| c.label).collect(),
        };
        if values.is_empty() && column != Column::Hamlet {
            continue;
        }
        sheet.write_with_format(0, col, column.header(), &header)?;
        sheet.set_column_width(col, width(column).max(18.0))?;
        for (row, value) in values.iter().enumerate() {
            sheet.write(row as u32 + 1, col, *value)?;
        }
        col += 1;
    }
    Ok(())
}

/// "Hướng dẫn": what each column takes, in Vietnamese.
fn help_sheet(workbook: &mut Workbook, hamlets: &[Hamlet]) -> Result<(), SheetError> {
    let header = header_format();
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Hướng dẫn")?;
    sheet.write_with_format(0, 0, "Cột", &header)?;
    sheet.write_with_format(0, 1, "Cách ghi", &header)?;
    sheet.set_column_width(0, 22.0)?;
    sheet.set_column_width(1, 90.0)?;
    for (i, column) in Column::ALL.into_iter().enumerate() {
        sheet.write(i as u32 + 1, 0, column.header())?;
        sheet.write_with_format(i as u32 + 1, 1, column.help(), &wrap)?;
    }
    let notes = [
        "Mỗi dòng là một người, kèm các cột của hộ. Có thể dán danh sách sẵn có vào trang “Danh sách”: tên cột \
         không phân biệt chữ hoa, dấu hay khoảng trắng; các cột khác bị bỏ qua."
            .to_string(),
        "Trước khi ghi, ứng dụng xem trước: mọi lỗi theo dòng và cột, những người có thể bị trùng, và số hộ, số \
         người sẽ thêm mới hoặc cập nhật. Dòng có lỗi không được nhập."
            .to_string(),
        "Nhập lại cùng một tệp không thay đổi gì; tệp đã sửa chỉ cập nhật những ô khác trước. Ô để trống không \
         xóa thông tin đã có. Sửa họ tên hoặc năm sinh của một người thì thành người mới: hãy đánh dấu bản cũ \
         trùng lặp trong ứng dụng."
            .to_string(),
        if hamlets.is_empty() {
            "Xã chưa có thôn, tổ dân phố nào trong ứng dụng: hãy tạo thôn trước khi nhập.".to_string()
        } else {
            format!(
                "Các thôn, tổ dân phố của xã: {}.",
                hamlets.iter().map(|h| h.full_name.as_str()).collect::<Vec<_>>().join(", ")
            )
        },
    ];
    let first = Column::ALL.len() as u32 + 2;
    for (i, note) in notes.iter().enumerate() {
        sheet.write_with_format(first + i as u32, 1, note.as_str(), &wrap)?;
    }
    Ok(())
}

/// The import template of a commune with these hamlets.
pub fn template_xlsx(hamlets: &[Hamlet]) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    list_sheet(&mut workbook, hamlets, TEMPLATE_ROWS)?;
    help_sheet(&mut workbook, hamlets)?;
    lists_sheet(&mut workbook, hamlets)?;
    Ok(workbook.save_to_buffer()?)
}

/// The commune's registers in the template's layout, with the same lists.
pub fn registers_xlsx(hamlets: &[Hamlet], rows: &[Vec<ExportCell>]) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let len = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    list_sheet(&mut workbook, hamlets, len.saturating_add(1).max(TEMPLATE_ROWS))?;
    let sheet: &mut Worksheet = workbook.worksheet_from_name(SHEET)?;
    for (r, row) in rows.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                ExportCell::Text(text) => {
                    sheet.write(r, c as u16, text.as_str())?;
                }
                ExportCell::Number(n) => {
                    sheet.write(r, c as u16, *n as f64)?;
                }
                ExportCell::Empty => {}
            }
        }
    }
    help_sheet(&mut workbook, hamlets)?;
    lists_sheet(&mut workbook, hamlets)?;
    Ok(workbook.save_to_buffer()?)
}
