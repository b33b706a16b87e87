//! A criteria set as a spreadsheet a province can fill in (one row per indicator, and a
//! sheet of the set's general information), and reading a filled one back into a set.
//! Pure: the server writes and reads the XLSX; this module only turns rows of text into
//! a set and back. What a row cannot say (an indicator's kind, share thresholds, tags,
//! groups, the rule's form) is kept from the set the template was made from, so the
//! result goes through the loader like any file.

use std::collections::BTreeMap;

use super::{CriteriaSet, Criterion, Indicator, Measure, Rule};
use crate::date::Date;
use crate::diagnostic::Diagnostic;
use crate::number::Points;

/// The columns of the indicator sheet, in order.
pub const COLUMNS: [&str; 8] = [
    "Mã tiêu chí",
    "Tên tiêu chí",
    "Điểm tiêu chí",
    "Mã chỉ số",
    "Nội dung chỉ số",
    "Gợi ý minh chứng",
    "Điểm tối đa",
    "Bắt buộc (x)",
];

/// The labels of the information sheet, in order: the set's id, version, name, the day
/// it takes effect, and the set the template was made from.
pub const INFO: [&str; 5] =
    ["Mã bộ", "Phiên bản", "Tên bộ tiêu chí", "Ngày có hiệu lực (YYYY-MM-DD)", "Lập từ bộ (không sửa dòng này)"];

/// The most indicator rows read.
pub const MAX_ROWS: usize = 1000;

/// The information sheet's values, by [`INFO`] order.
pub fn info(set: &CriteriaSet) -> [String; 5] {
    [set.id.clone(), set.version.clone(), set.name.clone(), set.effective_from.iso(), set.id.clone()]
}

/// One row per indicator, by [`COLUMNS`].
pub fn rows(set: &CriteriaSet) -> Vec<[String; 8]> {
    let required: &[String] = match &set.rule {
        Rule::PassMark { required, .. } => required,
        _ => &[],
    };
    let mut out = Vec::new();
    for criterion in &set.criteria {
        for indicator in &criterion.indicators {
            out.push([
                criterion.code.clone(),
                criterion.name.clone(),
                criterion.points.map(|p| p.to_string()).unwrap_or_default(),
                indicator.code.clone(),
                indicator.text.clone(),
                indicator.hint.clone().unwrap_or_default(),
                indicator.max_points().map(|p| p.to_string()).unwrap_or_default(),
                if required.contains(&indicator.code) { "x" } else { "" }.to_string(),
            ]);
        }
    }
    out
}

/// The set a filled sheet describes, over `base` (the set it was made from), with a
/// diagnostic for every cell that cannot be read. `info` holds the information sheet's
/// values by label; `rows` the indicator rows with their row numbers in the sheet.
pub fn read(
    base: &CriteriaSet,
    info: &BTreeMap<String, String>,
    rows: &[(usize, Vec<String>)],
) -> (CriteriaSet, Vec<Diagnostic>) {
    let mut problems = Vec::new();
    // A set made from a superseded one is in force from its own date on.
    let mut set = CriteriaSet { effective_to: None, ..base.clone() };
    let value = |label: &str| info.get(label).map(|v| v.trim().to_string()).filter(|v| !v.is_empty());
    if let Some(id) = value(INFO[0]) {
        set.id = id;
    }
    if let Some(version) = value(INFO[1]) {
        set.version = version;
    }
    if let Some(name) = value(INFO[2]) {
        set.name = name;
    }
    if let Some(day) = value(INFO[3]) {
        match Date::parse_iso(&day).or_else(|| Date::parse_vi(&day)) {
            Some(day) => set.effective_from = day,
            None => problems.push(Diagnostic::error(
                "bad-value",
                "effective_from",
                format!("trang Thông tin: ngày có hiệu lực “{day}” không đọc được (cần YYYY-MM-DD)"),
            )),
        }
    }
    let old: Vec<&Indicator> = base.indicators().collect();
    let old_criteria: Vec<&Criterion> = base.criteria.iter().collect();
    let in_points = !matches!(base.rule, Rule::Levels { .. });
    let mut criteria: Vec<Criterion> = Vec::new();
    let mut required = Vec::new();
    for (number, cells) in rows.iter().take(MAX_ROWS) {
        let cell = |i: usize| cells.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let mut points = |i: usize, what: &str| -> Option<Points> {
            let text = cell(i);
            if text.is_empty() {
                return None;
            }
            let read = text.replace(',', ".").parse::<f64>().ok().and_then(Points::from_f64);
            if read.is_none() {
                problems.push(Diagnostic::error(
                    "bad-value",
                    format!("dòng {number}"),
                    format!("dòng {number}: {what} “{text}” không phải là số"),
                ));
            }
            read
        };
        let criterion_points = points(2, "điểm tiêu chí");
        let max = points(6, "điểm tối đa");
        let code = cell(0);
        if criteria.last().is_none_or(|c| c.code != code) {
            let kept = old_criteria.iter().find(|c| c.code == code);
            criteria.push(Criterion {
                code: code.clone(),
                name: cell(1),
                points: criterion_points.or_else(|| kept.and_then(|c| c.points)),
                points_by_group: kept.map(|c| c.points_by_group.clone()).unwrap_or_default(),
                indicators: Vec::new(),
            });
        }
        let indicator_code = cell(3);
        let kept = old.iter().find(|i| i.code == indicator_code);
        let measure = match kept.map(|i| &i.measure) {
            Some(Measure::Points { max: old }) => Measure::Points { max: max.unwrap_or(*old) },
            Some(Measure::Share { numerator_label, denominator_label, scoring }) => Measure::Share {
                numerator_label: numerator_label.clone(),
                denominator_label: denominator_label.clone(),
                scoring: match scoring {
                    super::ShareScoring::Points { max: old, rows } => {
                        super::ShareScoring::Points { max: max.unwrap_or(*old), rows: rows.clone() }
                    }
                    other => other.clone(),
                },
            },
            Some(other) => other.clone(),
            None if in_points => Measure::Points { max: max.unwrap_or(Points::ZERO) },
            None => Measure::Met { levels: vec![1] },
        };
        if cell(7).eq_ignore_ascii_case("x") {
            required.push(indicator_code.clone());
        }
        let text_or_none = |t: String| Some(t).filter(|t| !t.is_empty());
        if let Some(criterion) = criteria.last_mut() {
            criterion.indicators.push(Indicator {
                code: indicator_code,
                text: cell(4),
                hint: text_or_none(cell(5)),
                note: kept.and_then(|i| i.note.clone()),
                tags: kept.map(|i| i.tags.clone()).unwrap_or_default(),
                only_for: kept.map(|i| i.only_for.clone()).unwrap_or_default(),
                groups: kept.map(|i| i.groups.clone()).unwrap_or_default(),
                measure,
            });
        }
    }
    if rows.len() > MAX_ROWS {
        problems.push(Diagnostic::error("bad-value", "", format!("tệp có quá {MAX_ROWS} dòng chỉ số")));
    }
    set.criteria = criteria;
    if let Rule::PassMark { required: listed, .. } = &mut set.rule {
        *listed = required;
    }
    (set, problems)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::{parse, shipped, to_toml};

    fn numbered(rows: Vec<[String; 8]>) -> Vec<(usize, Vec<String>)> {
        rows.into_iter().enumerate().map(|(i, r)| (i + 2, r.to_vec())).collect()
    }

    fn info_map(set: &CriteriaSet) -> BTreeMap<String, String> {
        INFO.iter().map(|l| l.to_string()).zip(info(set)).collect()
    }

    #[test]
    fn every_shipped_set_reads_back_from_its_own_sheet() {
        for set in shipped::all() {
            let (read, problems) = read(&set, &info_map(&set), &numbered(rows(&set)));
            assert!(problems.is_empty(), "{}: {problems:?}", set.id);
            // A set made from a sheet is in force from its own date on, open-ended.
            assert_eq!(read, CriteriaSet { effective_to: None, ..set.clone() }, "{}", set.id);
        }
    }

    #[test]
    fn a_filled_sheet_changes_texts_points_and_required() {
        let set = shipped::get("gdht-448-2016").expect("shipped");
        let mut filled = rows(&set);
        filled[0][4] = "Trẻ em đều được đến trường.".to_string();
        filled[0][6] = "15".to_string();
        filled[1][6] = "5".to_string();
        filled[0][7] = "x".to_string();
        let mut values = info_map(&set);
        values.insert(INFO[0].to_string(), "gdht-gia-lai".to_string());
        values.insert(INFO[3].to_string(), "01/01/2027".to_string());
        let (adapted, problems) = read(&set, &values, &numbered(filled.clone()));
        assert!(problems.is_empty(), "{problems:?}");
        let parsed = parse(&to_toml(&adapted));
        assert_eq!(parsed.set.as_ref(), Some(&adapted), "{:?}", parsed.diagnostics);
        assert_eq!(adapted.id, "gdht-gia-lai");
        assert_eq!(adapted.effective_from.iso(), "2027-01-01");
        assert_eq!(adapted.criteria[0].indicators[0].max_points(), Points::from_f64(15.0));
        assert!(matches!(&adapted.rule, Rule::PassMark { required, .. } if required == &["1.1".to_string()]));

        filled[2][6] = "mười".to_string();
        let (_, problems) = read(&set, &values, &numbered(filled));
        assert_eq!(problems.len(), 1);
        assert!(problems[0].message.starts_with("dòng 4: điểm tối đa “mười”"), "{}", problems[0].message);
    }
}
