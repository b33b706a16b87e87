//! A criteria set as an XLSX template a province fills in (sheet "Chỉ số": one row per
//! indicator; sheet "Thông tin": the set's id, version, name, effective date and the set
//! it was made from), and reading a filled one back into rows for
//! [`hoctap_shared::criteria::sheet::read`].

use std::collections::BTreeMap;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use hoctap_shared::criteria::sheet::{self, COLUMNS, INFO};
use hoctap_shared::criteria::CriteriaSet;
use rust_xlsxwriter::{Format, Workbook};

use crate::documents::sheets::SheetError;
use crate::registers::{cell_text, unpacked_size};
use crate::ApiError;

const INDICATORS: &str = "Chỉ số";
const INFORMATION: &str = "Thông tin";
/// The most bytes a filled template may unpack to.
const MAX_UNPACKED_BYTES: u64 = 20 * 1024 * 1024;

fn unreadable(detail: impl Into<String>) -> ApiError {
    ApiError::Domain(hoctap_shared::Error::ImportUnreadable { detail: detail.into() })
}

/// The template of `set`, filled with its indicators.
pub fn template_xlsx(set: &CriteriaSet) -> Result<Vec<u8>, SheetError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();
    let wrap = Format::new().set_text_wrap();
    let sheet = workbook.add_worksheet().set_name(INDICATORS)?;
    for (c, title) in COLUMNS.iter().enumerate() {
        sheet.write_with_format(0, c as u16, *title, &bold)?;
    }
    for (c, width) in [10.0, 30.0, 10.0, 10.0, 60.0, 40.0, 10.0, 10.0].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    for (r, row) in sheet::rows(set).iter().enumerate() {
        for (c, value) in row.iter().enumerate() {
            sheet.write_with_format(r as u32 + 1, c as u16, value.as_str(), &wrap)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let info = workbook.add_worksheet().set_name(INFORMATION)?;
    info.set_column_width(0, 36.0)?;
    info.set_column_width(1, 60.0)?;
    for (r, (label, value)) in INFO.iter().zip(sheet::info(set)).enumerate() {
        info.write_with_format(r as u32, 0, *label, &bold)?;
        info.write(r as u32, 1, value.as_str())?;
    }
    info.write(
        INFO.len() as u32 + 1,
        0,
        "Mỗi dòng của trang “Chỉ số” là một chỉ số; các chỉ số cùng mã tiêu chí liền nhau thuộc một tiêu chí. \
         Điểm tiêu chí ghi ở dòng đầu của tiêu chí. Ghi x vào cột “Bắt buộc” cho chỉ số phải đạt điểm tối đa.",
    )?;
    Ok(workbook.save_to_buffer()?)
}

/// The information sheet's values by label and the indicator rows (with their row
/// numbers, header left out) of a filled template.
pub type FilledSheet = (BTreeMap<String, String>, Vec<(usize, Vec<String>)>);

pub fn read_xlsx(bytes: &[u8]) -> Result<FilledSheet, ApiError> {
    if !bytes.starts_with(b"PK\x03\x04") {
        return Err(unreadable("tệp không phải bảng tính XLSX; hãy dùng tệp mẫu tải về"));
    }
    if unpacked_size(Cursor::new(bytes))? > MAX_UNPACKED_BYTES {
        return Err(unreadable("tệp XLSX giải nén ra quá lớn"));
    }
    let mut workbook: Xlsx<_> =
        Xlsx::new(Cursor::new(bytes)).map_err(|_| unreadable("tệp XLSX hỏng hoặc không phải bảng tính"))?;
    let range = |workbook: &mut Xlsx<_>, name: &str| {
        workbook.worksheet_range(name).map_err(|_| unreadable(format!("tệp không có trang “{name}” của tệp mẫu")))
    };
    let indicators = range(&mut workbook, INDICATORS)?;
    let information = range(&mut workbook, INFORMATION)?;
    let first_row = indicators.start().map_or(0, |(r, _)| r as usize);
    let mut rows = Vec::new();
    for (i, cells) in indicators.rows().enumerate().take(sheet::MAX_ROWS + 2) {
        let number = first_row + i + 1;
        if number == 1 {
            continue;
        }
        rows.push((number, cells.iter().take(COLUMNS.len()).map(cell_text).collect()));
    }
    let mut info = BTreeMap::new();
    for cells in information.rows().take(INFO.len() + 4) {
        if let (Some(label), Some(value)) = (cells.first(), cells.get(1)) {
            info.insert(cell_text(label).trim().to_string(), cell_text(value));
        }
    }
    Ok((info, rows))
}
