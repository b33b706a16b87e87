//! Reading and validating a criteria set file. The TOML is walked by hand rather than
//! through `#[derive(Deserialize)]` so that every problem — a wrong type, an unknown
//! key, a duplicate code, points that do not add up — becomes its own diagnostic, and
//! an administrator sees all of them at once.

use std::collections::BTreeMap;

use toml::{Table, Value};

use super::{
    AreaPassMark, Band, CriteriaSet, Criterion, Indicator, LegalBasis, Level, LevelMinimum, Measure, Model, Rule,
    SetStatus, ShareRow, ShareScoring, SubjectGroup, KNOWN_AREAS, KNOWN_TAGS,
};
use crate::date::Date;
use crate::diagnostic::{has_errors, line_of, line_of_assignment, Diagnostic};
use crate::number::{Percent, Points};
use crate::text::has_diacritics;

/// The result of reading a criteria file: the set when there were no errors, and every
/// diagnostic found either way.
#[derive(Debug, Clone)]
pub struct Parsed {
    pub set: Option<CriteriaSet>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Parsed {
    /// The set, or the error carrying every diagnostic.
    pub fn into_result(self) -> Result<CriteriaSet, crate::Error> {
        match self.set {
            Some(set) => Ok(set),
            None => Err(crate::Error::InvalidData(self.diagnostics)),
        }
    }
}

/// Reads a criteria set from TOML text. Never panics; never stops at the first problem.
pub fn parse(source: &str) -> Parsed {
    let table: Table = match source.parse() {
        Ok(table) => table,
        Err(err) => {
            let line = err.span().map(|span| line_of(source, span.start));
            let message = format!("tệp không đúng cú pháp TOML: {}", err.message());
            return Parsed { set: None, diagnostics: vec![Diagnostic::error("syntax", "", message).at_line(line)] };
        }
    };
    let mut reader = Reader { source, diagnostics: Vec::new() };
    let set = reader.criteria_set(&table);
    let mut diagnostics = reader.diagnostics;
    diagnostics.sort_by_key(|d| (d.line.unwrap_or(u32::MAX), d.severity));
    let set = if has_errors(&diagnostics) { None } else { set };
    Parsed { set, diagnostics }
}

const TOP_KEYS: &[&str] = &[
    "id",
    "version",
    "model",
    "name",
    "status",
    "status_note",
    "scale",
    "step",
    "effective_from",
    "effective_to",
    "legal_basis",
    "subject_groups",
    "criteria",
    "rule",
];
const CRITERION_KEYS: &[&str] = &["code", "name", "points", "points_by_group", "indicators"];
const INDICATOR_KEYS: &[&str] = &[
    "code",
    "text",
    "kind",
    "max",
    "hint",
    "note",
    "tags",
    "only_for",
    "groups",
    "levels",
    "min_percent",
    "points_by_percent",
    "numerator_label",
    "denominator_label",
];

/// What kind of decision the rule makes; it decides which indicator kinds are allowed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SetKind {
    Points,
    Levels,
}

struct Reader<'a> {
    source: &'a str,
    diagnostics: Vec<Diagnostic>,
}

impl Reader<'_> {
    fn error(&mut self, code: &str, path: &str, line: Option<u32>, message: String) {
        self.diagnostics.push(Diagnostic::error(code, path, message).at_line(line));
    }

    fn warning(&mut self, code: &str, path: &str, line: Option<u32>, message: String) {
        self.diagnostics.push(Diagnostic::warning(code, path, message).at_line(line));
    }

    /// The line of the first `key = …` in the file (good enough for top-level keys).
    fn key_line(&self, key: &str) -> Option<u32> {
        self.source
            .lines()
            .position(|line| line.split_once('=').is_some_and(|(k, _)| k.trim() == key))
            .map(|index| index as u32 + 1)
    }

    fn unknown_keys(&mut self, table: &Table, known: &[&str], path: &str, line: Option<u32>) {
        for key in table.keys().filter(|k| !known.contains(&k.as_str())) {
            let line = line.or_else(|| self.key_line(key));
            self.error(
                "unknown-key",
                &join(path, key),
                line,
                format!("khóa {key:?} không có trong định dạng (có thể gõ sai); các khóa hợp lệ: {}", known.join(", ")),
            );
        }
    }

    fn string(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>, required: bool) -> Option<String> {
        match table.get(key) {
            Some(Value::String(s)) => Some(s.trim().to_string()),
            Some(other) => {
                let line = line.or_else(|| self.key_line(key));
                self.error(
                    "syntax",
                    &join(path, key),
                    line,
                    format!("{key} phải là chuỗi, không phải {}", other.type_str()),
                );
                None
            }
            None if required => {
                self.error("missing-field", &join(path, key), line, format!("thiếu khóa bắt buộc {key:?}"));
                None
            }
            None => None,
        }
    }

    /// A Vietnamese text: required, not empty, and warned about when it has no
    /// diacritics at all.
    fn text(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>, required: bool) -> Option<String> {
        let text = self.string(table, key, path, line, required)?;
        if text.is_empty() {
            self.error("missing-text", &join(path, key), line, format!("{key} để trống: cần nội dung tiếng Việt"));
            return None;
        }
        if text.chars().filter(|c| c.is_alphabetic()).count() >= 12 && !has_diacritics(&text) {
            self.warning(
                "no-diacritics",
                &join(path, key),
                line,
                format!("{key} không có dấu tiếng Việt ({text:?}): kiểm tra lại bộ gõ"),
            );
        }
        Some(text)
    }

    fn number(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>, required: bool) -> Option<f64> {
        match table.get(key) {
            Some(Value::Integer(i)) => Some(*i as f64),
            Some(Value::Float(f)) => Some(*f),
            Some(other) => {
                self.error(
                    "syntax",
                    &join(path, key),
                    line,
                    format!("{key} phải là số, không phải {}", other.type_str()),
                );
                None
            }
            None if required => {
                self.error("missing-field", &join(path, key), line, format!("thiếu khóa bắt buộc {key:?}"));
                None
            }
            None => None,
        }
    }

    fn points(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>, required: bool) -> Option<Points> {
        let value = self.number(table, key, path, line, required)?;
        self.points_value(value, &join(path, key), line)
    }

    fn points_value(&mut self, value: f64, path: &str, line: Option<u32>) -> Option<Points> {
        match Points::from_f64(value) {
            Some(points) if points >= Points::ZERO => Some(points),
            _ => {
                self.error(
                    "bad-value",
                    path,
                    line,
                    format!("{value} không phải số điểm hợp lệ (không âm, tối đa hai chữ số thập phân)"),
                );
                None
            }
        }
    }

    fn percent_value(&mut self, value: f64, path: &str, line: Option<u32>) -> Option<Percent> {
        match Percent::from_f64(value) {
            Some(p) if (0..=10_000).contains(&p.hundredths()) => Some(p),
            _ => {
                self.error("threshold-out-of-scale", path, line, format!("tỷ lệ {value} nằm ngoài khoảng 0–100%"));
                None
            }
        }
    }

    fn date(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>, required: bool) -> Option<Date> {
        // TOML has its own date type; accept both it and a quoted ISO string.
        let text = match table.get(key) {
            Some(Value::Datetime(dt)) => dt.to_string(),
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                self.error(
                    "syntax",
                    &join(path, key),
                    line,
                    format!("{key} phải là ngày YYYY-MM-DD, không phải {}", other.type_str()),
                );
                return None;
            }
            None if required => {
                self.error("missing-field", &join(path, key), line, format!("thiếu khóa bắt buộc {key:?}"));
                return None;
            }
            None => return None,
        };
        let date = Date::parse_iso(&text);
        if date.is_none() {
            let line = line.or_else(|| self.key_line(key));
            self.error(
                "bad-value",
                &join(path, key),
                line,
                format!("ngày {text:?} không hợp lệ (cần dạng YYYY-MM-DD)"),
            );
        }
        date
    }

    fn array<'t>(&mut self, table: &'t Table, key: &str, path: &str, line: Option<u32>) -> &'t [Value] {
        match table.get(key) {
            Some(Value::Array(items)) => items,
            Some(other) => {
                self.error(
                    "syntax",
                    &join(path, key),
                    line,
                    format!("{key} phải là danh sách, không phải {}", other.type_str()),
                );
                &[]
            }
            None => &[],
        }
    }

    fn string_list(&mut self, table: &Table, key: &str, path: &str, line: Option<u32>) -> Vec<String> {
        let items = self.array(table, key, path, line);
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::String(s) => out.push(s.trim().to_string()),
                other => self.error(
                    "syntax",
                    &format!("{}[{i}]", join(path, key)),
                    line,
                    format!("phần tử phải là chuỗi, không phải {}", other.type_str()),
                ),
            }
        }
        out
    }

    fn tables<'t>(&mut self, table: &'t Table, key: &str, path: &str, line: Option<u32>) -> Vec<&'t Table> {
        let items = self.array(table, key, path, line);
        let mut out = Vec::new();
        for (i, item) in items.iter().enumerate() {
            match item {
                Value::Table(t) => out.push(t),
                other => self.error(
                    "syntax",
                    &format!("{}[{i}]", join(path, key)),
                    line,
                    format!("phần tử phải là bảng, không phải {}", other.type_str()),
                ),
            }
        }
        out
    }

    fn criteria_set(&mut self, top: &Table) -> Option<CriteriaSet> {
        self.unknown_keys(top, TOP_KEYS, "", None);
        let line = |r: &Self, key: &str| r.key_line(key);

        let id = self.string(top, "id", "", line(self, "id"), true);
        if let Some(id) = &id {
            if id.is_empty() || !id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                self.error(
                    "bad-value",
                    "id",
                    line(self, "id"),
                    format!("mã bộ tiêu chí {id:?} chỉ gồm chữ thường không dấu, số và dấu '-'"),
                );
            }
        }
        let version = self.string(top, "version", "", line(self, "version"), true);
        if version.as_deref() == Some("") {
            self.error("missing-text", "version", line(self, "version"), "version để trống".to_string());
        }
        let model = self.string(top, "model", "", line(self, "model"), true).and_then(|key| {
            let model = Model::from_key(&key);
            if model.is_none() {
                let known: Vec<&str> = Model::ALL.iter().map(|m| m.key()).collect();
                self.error(
                    "bad-value",
                    "model",
                    line(self, "model"),
                    format!("mô hình {key:?} không hợp lệ; dùng một trong: {}", known.join(", ")),
                );
            }
            model
        });
        let name = self.text(top, "name", "", line(self, "name"), true);
        let status = self.string(top, "status", "", line(self, "status"), true).and_then(|s| match s.as_str() {
            "official" => Some(SetStatus::Official),
            "provisional" => Some(SetStatus::Provisional),
            _ => {
                self.error(
                    "bad-value",
                    "status",
                    line(self, "status"),
                    format!("trạng thái {s:?} không hợp lệ; dùng \"official\" hoặc \"provisional\""),
                );
                None
            }
        });
        let status_note = self.text(top, "status_note", "", line(self, "status_note"), false);
        if status == Some(SetStatus::Provisional) && status_note.is_none() && !top.contains_key("status_note") {
            self.error(
                "missing-text",
                "status_note",
                line(self, "status"),
                "bộ tiêu chí tạm thời cần status_note nói rõ điều gì chưa được xác nhận".to_string(),
            );
        }
        let scale = self.points(top, "scale", "", line(self, "scale"), false);
        let step = match self.points(top, "step", "", line(self, "step"), false) {
            Some(step) if step == Points::ZERO => {
                self.error("bad-value", "step", line(self, "step"), "bước chấm phải lớn hơn 0".to_string());
                Points::from_whole(1)
            }
            Some(step) => step,
            None => Points::from_whole(1),
        };
        let effective_from = self.date(top, "effective_from", "", line(self, "effective_from"), true);
        let effective_to = self.date(top, "effective_to", "", line(self, "effective_to"), false);
        if let (Some(from), Some(to)) = (effective_from, effective_to) {
            if to < from {
                self.error(
                    "bad-value",
                    "effective_to",
                    line(self, "effective_to"),
                    format!("ngày hết hiệu lực {to} trước ngày có hiệu lực {from}"),
                );
            }
        }
        let legal_basis = self.legal_basis(top);
        let subject_groups = self.subject_groups(top);

        let rule_table = match top.get("rule") {
            Some(Value::Table(t)) => Some(t),
            Some(other) => {
                self.error(
                    "syntax",
                    "rule",
                    line(self, "rule"),
                    format!("rule phải là bảng, không phải {}", other.type_str()),
                );
                None
            }
            None => {
                self.error("missing-field", "rule", None, "thiếu bảng [rule] (quy tắc công nhận)".to_string());
                None
            }
        };
        let rule_kind = rule_table.and_then(|t| self.string(t, "kind", "rule", self.key_line("kind"), true));
        let set_kind = match rule_kind.as_deref() {
            Some("pass_mark" | "bands") => Some(SetKind::Points),
            Some("levels") => Some(SetKind::Levels),
            Some(other) => {
                self.error(
                    "bad-value",
                    "rule.kind",
                    self.key_line("kind"),
                    format!("loại quy tắc {other:?} không hợp lệ; dùng pass_mark, bands hoặc levels"),
                );
                None
            }
            None => None,
        };

        let criteria = self.criteria(top, set_kind, step);
        self.check_groups(&subject_groups, &criteria);
        self.check_points(scale, &subject_groups, &criteria, set_kind);
        let rule = match (rule_table, rule_kind.as_deref()) {
            (Some(t), Some(kind)) => self.rule(t, kind, scale, &criteria),
            _ => None,
        };

        Some(CriteriaSet {
            id: id?,
            version: version?,
            model: model?,
            name: name?,
            status: status?,
            status_note,
            scale,
            step,
            effective_from: effective_from?,
            effective_to,
            legal_basis: legal_basis?,
            subject_groups,
            criteria,
            rule: rule?,
        })
    }

    fn legal_basis(&mut self, top: &Table) -> Option<LegalBasis> {
        let line = self
            .key_line("legal_basis")
            .or_else(|| self.source.lines().position(|l| l.trim() == "[legal_basis]").map(|i| i as u32 + 1));
        let table = match top.get("legal_basis") {
            Some(Value::Table(t)) => t,
            Some(other) => {
                self.error(
                    "syntax",
                    "legal_basis",
                    line,
                    format!("legal_basis phải là bảng, không phải {}", other.type_str()),
                );
                return None;
            }
            None => {
                self.error(
                    "missing-field",
                    "legal_basis",
                    None,
                    "thiếu căn cứ pháp lý [legal_basis] (số, ngày, cơ quan ban hành)".to_string(),
                );
                return None;
            }
        };
        self.unknown_keys(table, &["number", "date", "issuer", "title"], "legal_basis", line);
        let number = self.text(table, "number", "legal_basis", line, true);
        let date = self.date(table, "date", "legal_basis", line, true);
        let issuer = self.text(table, "issuer", "legal_basis", line, true);
        let title = self.text(table, "title", "legal_basis", line, false);
        Some(LegalBasis { number: number?, date: date?, issuer: issuer?, title })
    }

    fn subject_groups(&mut self, top: &Table) -> Vec<SubjectGroup> {
        let mut groups = Vec::new();
        let mut seen = BTreeMap::new();
        for (i, table) in self.tables(top, "subject_groups", "", None).into_iter().enumerate() {
            let path = format!("subject_groups[{i}]");
            self.unknown_keys(table, &["code", "name"], &path, None);
            let code = self.string(table, "code", &path, None, true);
            let line = code.as_deref().and_then(|c| line_of_assignment(self.source, "code", c, 0));
            let name = self.text(table, "name", &path, line, true);
            if let Some(code) = &code {
                if seen.insert(code.clone(), i).is_some() {
                    self.error("duplicate-code", &path, line, format!("nhóm đối tượng {code:?} bị trùng mã"));
                }
            }
            if let (Some(code), Some(name)) = (code, name) {
                groups.push(SubjectGroup { code, name });
            }
        }
        groups
    }

    fn criteria(&mut self, top: &Table, set_kind: Option<SetKind>, step: Points) -> Vec<Criterion> {
        let tables = self.tables(top, "criteria", "", None);
        if tables.is_empty() {
            self.error(
                "missing-field",
                "criteria",
                None,
                "bộ tiêu chí không có tiêu chí nào ([[criteria]])".to_string(),
            );
        }
        // Codes are counted as they are read so a duplicate points at its own line.
        let mut seen_codes: BTreeMap<String, usize> = BTreeMap::new();
        let mut criteria = Vec::new();
        for (ci, table) in tables.into_iter().enumerate() {
            let path = format!("criteria[{ci}]");
            let code = self.string(table, "code", &path, None, true).unwrap_or_default();
            let line = self.code_line(&code, &mut seen_codes);
            self.unknown_keys(table, CRITERION_KEYS, &path, line);
            if code.is_empty() {
                self.error("missing-field", &join(&path, "code"), line, "tiêu chí thiếu mã (code)".to_string());
            } else if criteria.iter().any(|c: &Criterion| c.code == code) {
                self.error("duplicate-code", &join(&path, "code"), line, format!("mã tiêu chí {code:?} bị trùng"));
            }
            let name = self.text(table, "name", &path, line, true).unwrap_or_default();
            let points = self.points(table, "points", &path, line, false);
            let points_by_group = self.points_by_group(table, &path, line);
            if set_kind == Some(SetKind::Points) && points.is_none() && !table.contains_key("points") {
                self.error(
                    "missing-field",
                    &join(&path, "points"),
                    line,
                    format!("tiêu chí {code} cần khai báo số điểm (points) trong bộ chấm điểm"),
                );
            }
            if set_kind == Some(SetKind::Levels) && (table.contains_key("points") || !points_by_group.is_empty()) {
                self.error(
                    "kind-mismatch",
                    &join(&path, "points"),
                    line,
                    format!("tiêu chí {code}: bộ xếp mức độ không dùng điểm"),
                );
            }
            let indicator_tables = self.tables(table, "indicators", &path, line);
            if indicator_tables.is_empty() {
                self.error(
                    "missing-field",
                    &join(&path, "indicators"),
                    line,
                    format!("tiêu chí {code} không có chỉ số nào"),
                );
            }
            let mut indicators = Vec::new();
            for (ii, t) in indicator_tables.into_iter().enumerate() {
                let ipath = format!("{path}.indicators[{ii}]");
                if let Some(indicator) =
                    self.indicator(t, &ipath, set_kind, step, &criteria, &indicators, &mut seen_codes)
                {
                    indicators.push(indicator);
                }
            }
            criteria.push(Criterion { code, name, points, points_by_group, indicators });
        }
        criteria
    }

    /// The line of this occurrence of `code = "…"`, counting earlier occurrences.
    fn code_line(&self, code: &str, seen: &mut BTreeMap<String, usize>) -> Option<u32> {
        if code.is_empty() {
            return None;
        }
        let nth = seen.entry(code.to_string()).or_insert(0);
        let line = line_of_assignment(self.source, "code", code, *nth);
        *nth += 1;
        line
    }

    #[allow(clippy::too_many_arguments)]
    fn indicator(
        &mut self,
        table: &Table,
        path: &str,
        set_kind: Option<SetKind>,
        step: Points,
        earlier_criteria: &[Criterion],
        earlier: &[Indicator],
        seen: &mut BTreeMap<String, usize>,
    ) -> Option<Indicator> {
        let code = self.string(table, "code", path, None, true).unwrap_or_default();
        let line = self.code_line(&code, seen);
        self.unknown_keys(table, INDICATOR_KEYS, path, line);
        let duplicate =
            earlier.iter().chain(earlier_criteria.iter().flat_map(|c| c.indicators.iter())).any(|i| i.code == code);
        if code.is_empty() {
            self.error("missing-field", &join(path, "code"), line, "chỉ số thiếu mã (code)".to_string());
        } else if duplicate {
            self.error("duplicate-code", &join(path, "code"), line, format!("mã chỉ số {code:?} bị trùng"));
        }
        let text = self.text(table, "text", path, line, true);
        let hint = self.text(table, "hint", path, line, false);
        let note = self.text(table, "note", path, line, false);
        let tags = self.string_list(table, "tags", path, line);
        for tag in tags.iter().filter(|t| !KNOWN_TAGS.contains(&t.as_str())) {
            self.warning(
                "unknown-tag",
                &join(path, "tags"),
                line,
                format!("nhãn {tag:?} không được hoctap nhận biết; các nhãn: {}", KNOWN_TAGS.join(", ")),
            );
        }
        let only_for = self.string_list(table, "only_for", path, line);
        let groups = self.string_list(table, "groups", path, line);
        let kind = self.string(table, "kind", path, line, false).unwrap_or_else(|| "points".to_string());
        let levels = self.level_list(table, path, line);
        let measure = match (kind.as_str(), set_kind) {
            ("points", Some(SetKind::Levels)) => {
                self.error(
                    "kind-mismatch",
                    &join(path, "kind"),
                    line,
                    format!("chỉ số {code}: bộ xếp mức độ cần chỉ số kind = \"met\" hoặc \"share\", không chấm điểm"),
                );
                None
            }
            ("met", Some(SetKind::Points)) => {
                self.error(
                    "kind-mismatch",
                    &join(path, "kind"),
                    line,
                    format!("chỉ số {code}: bộ chấm điểm không dùng chỉ số đạt/không đạt (met)"),
                );
                None
            }
            ("points", _) => {
                let max = self.points(table, "max", path, line, true);
                if let Some(max) = max {
                    if max == Points::ZERO {
                        self.error(
                            "bad-value",
                            &join(path, "max"),
                            line,
                            format!("chỉ số {code}: điểm tối đa phải lớn hơn 0"),
                        );
                    } else if !max.is_multiple_of(step) {
                        self.error(
                            "bad-value",
                            &join(path, "max"),
                            line,
                            format!("chỉ số {code}: điểm tối đa {max} không đúng bước chấm {step}"),
                        );
                    }
                }
                max.map(|max| Measure::Points { max })
            }
            ("met", _) => {
                if levels.is_empty() && set_kind == Some(SetKind::Levels) {
                    self.error(
                        "bad-level",
                        &join(path, "levels"),
                        line,
                        format!("chỉ số {code}: cần levels = [..] (chỉ số bắt buộc ở mức nào)"),
                    );
                }
                Some(Measure::Met { levels: levels.clone() })
            }
            ("share", _) => self.share(table, path, line, &code, set_kind, step, &levels),
            (other, _) => {
                self.error(
                    "bad-value",
                    &join(path, "kind"),
                    line,
                    format!("chỉ số {code}: loại {other:?} không hợp lệ; dùng points, met hoặc share"),
                );
                None
            }
        };
        Some(Indicator { code, text: text?, hint, note, tags, only_for, groups, measure: measure? })
    }

    fn level_list(&mut self, table: &Table, path: &str, line: Option<u32>) -> Vec<u8> {
        let mut levels = Vec::new();
        for (i, item) in self.array(table, "levels", path, line).iter().enumerate() {
            match item.as_integer().and_then(|l| u8::try_from(l).ok()).filter(|l| *l > 0) {
                Some(level) => levels.push(level),
                None => self.error(
                    "bad-level",
                    &format!("{}[{i}]", join(path, "levels")),
                    line,
                    format!("mức {item} không hợp lệ (số nguyên từ 1)"),
                ),
            }
        }
        levels
    }

    #[allow(clippy::too_many_arguments)]
    fn share(
        &mut self,
        table: &Table,
        path: &str,
        line: Option<u32>,
        code: &str,
        set_kind: Option<SetKind>,
        step: Points,
        levels: &[u8],
    ) -> Option<Measure> {
        let numerator_label = self.text(table, "numerator_label", path, line, true);
        let denominator_label = self.text(table, "denominator_label", path, line, true);
        let scoring = match set_kind {
            Some(SetKind::Levels) => {
                let mut percents = Vec::new();
                for (i, item) in self.array(table, "min_percent", path, line).iter().enumerate() {
                    let item_path = format!("{}[{i}]", join(path, "min_percent"));
                    match item {
                        Value::Integer(v) => percents.extend(self.percent_value(*v as f64, &item_path, line)),
                        Value::Float(v) => percents.extend(self.percent_value(*v, &item_path, line)),
                        other => self.error(
                            "syntax",
                            &item_path,
                            line,
                            format!("phải là số, không phải {}", other.type_str()),
                        ),
                    }
                }
                if percents.is_empty() {
                    self.error(
                        "missing-field",
                        &join(path, "min_percent"),
                        line,
                        format!("chỉ số tỷ lệ {code}: cần min_percent = [mức 1, mức 2, …]"),
                    );
                }
                let minimums: Vec<LevelMinimum> = if levels.is_empty() {
                    percents.iter().enumerate().map(|(i, min)| LevelMinimum { level: i as u8 + 1, min: *min }).collect()
                } else if percents.len() == 1 {
                    levels.iter().map(|level| LevelMinimum { level: *level, min: percents[0] }).collect()
                } else if percents.len() == levels.len() {
                    levels.iter().zip(&percents).map(|(level, min)| LevelMinimum { level: *level, min: *min }).collect()
                } else {
                    self.error(
                        "bad-level",
                        &join(path, "levels"),
                        line,
                        format!("chỉ số {code}: {} mức nhưng {} ngưỡng min_percent", levels.len(), percents.len()),
                    );
                    Vec::new()
                };
                ShareScoring::Levels { minimums }
            }
            _ => {
                let max = self.points(table, "max", path, line, true);
                let mut rows = Vec::new();
                for (i, row) in self.tables(table, "points_by_percent", path, line).into_iter().enumerate() {
                    let row_path = format!("{}[{i}]", join(path, "points_by_percent"));
                    self.unknown_keys(row, &["min", "points"], &row_path, line);
                    let min = self
                        .number(row, "min", &row_path, line, true)
                        .and_then(|v| self.percent_value(v, &join(&row_path, "min"), line));
                    let points = self.points(row, "points", &row_path, line, true);
                    if let (Some(points), Some(max)) = (points, max) {
                        if points > max {
                            self.error(
                                "threshold-out-of-scale",
                                &join(&row_path, "points"),
                                line,
                                format!("chỉ số {code}: {points} điểm vượt điểm tối đa {max}"),
                            );
                        }
                        if !points.is_multiple_of(step) {
                            self.error(
                                "bad-value",
                                &join(&row_path, "points"),
                                line,
                                format!("chỉ số {code}: {points} điểm không đúng bước chấm {step}"),
                            );
                        }
                    }
                    if let (Some(min), Some(points)) = (min, points) {
                        rows.push(ShareRow { min, points });
                    }
                }
                if rows.is_empty() {
                    self.error(
                        "missing-field",
                        &join(path, "points_by_percent"),
                        line,
                        format!("chỉ số tỷ lệ {code}: cần points_by_percent = [{{ min = .., points = .. }}]"),
                    );
                }
                if rows.windows(2).any(|w| w[0].min <= w[1].min) {
                    self.error(
                        "bad-value",
                        &join(path, "points_by_percent"),
                        line,
                        format!("chỉ số {code}: các dòng points_by_percent phải xếp theo tỷ lệ giảm dần"),
                    );
                }
                ShareScoring::Points { max: max?, rows }
            }
        };
        Some(Measure::Share { numerator_label: numerator_label?, denominator_label: denominator_label?, scoring })
    }

    /// `points_by_group = { nhom = 30, … }`: a criterion's points for some groups.
    fn points_by_group(&mut self, table: &Table, path: &str, line: Option<u32>) -> BTreeMap<String, Points> {
        let mut out = BTreeMap::new();
        match table.get("points_by_group") {
            None => {}
            Some(Value::Table(groups)) => {
                for (group, value) in groups {
                    let item_path = format!("{}.{group}", join(path, "points_by_group"));
                    let number = match value {
                        Value::Integer(i) => Some(*i as f64),
                        Value::Float(f) => Some(*f),
                        other => {
                            self.error(
                                "syntax",
                                &item_path,
                                line,
                                format!("số điểm của nhóm {group:?} phải là số, không phải {}", other.type_str()),
                            );
                            None
                        }
                    };
                    if let Some(points) = number.and_then(|n| self.points_value(n, &item_path, line)) {
                        out.insert(group.clone(), points);
                    }
                }
            }
            Some(other) => self.error(
                "syntax",
                &join(path, "points_by_group"),
                line,
                format!("points_by_group phải là bảng {{ mã nhóm = số điểm }}, không phải {}", other.type_str()),
            ),
        }
        out
    }

    /// Indicators' `groups` and criteria's `points_by_group` name groups the set
    /// declares, and every declared group has at least one indicator.
    fn check_groups(&mut self, groups: &[SubjectGroup], criteria: &[Criterion]) {
        let known: Vec<&str> = groups.iter().map(|g| g.code.as_str()).collect();
        let unknown = |reader: &mut Self, group: &str, path: &str, line: Option<u32>, what: &str| {
            let message = if known.is_empty() {
                format!("{what} nhắc đến nhóm đối tượng {group:?} nhưng bộ tiêu chí không khai báo subject_groups")
            } else {
                format!("{what} nhắc đến nhóm đối tượng {group:?} không có trong subject_groups ({})", known.join(", "))
            };
            reader.error("unknown-group", path, line, message);
        };
        let mut seen = BTreeMap::new();
        for (ci, criterion) in criteria.iter().enumerate() {
            let line = self.code_line(&criterion.code, &mut seen);
            for group in criterion.points_by_group.keys().filter(|g| !known.contains(&g.as_str())) {
                let path = format!("criteria[{ci}].points_by_group.{group}");
                unknown(self, group, &path, line, &format!("tiêu chí {}", criterion.code));
            }
            for (ii, indicator) in criterion.indicators.iter().enumerate() {
                let line = self.code_line(&indicator.code, &mut seen);
                for group in indicator.groups.iter().filter(|g| !known.contains(&g.as_str())) {
                    let path = format!("criteria[{ci}].indicators[{ii}].groups");
                    unknown(self, group, &path, line, &format!("chỉ số {}", indicator.code));
                }
            }
        }
        for (gi, group) in groups.iter().enumerate() {
            if !criteria.iter().flat_map(|c| c.indicators.iter()).any(|i| i.in_group(Some(&group.code))) {
                let line = line_of_assignment(self.source, "code", &group.code, 0);
                self.error(
                    "empty-group",
                    &format!("subject_groups[{gi}]"),
                    line,
                    format!("nhóm đối tượng {:?} ({}) không có chỉ số nào", group.code, group.name),
                );
            }
        }
    }

    fn check_points(
        &mut self,
        scale: Option<Points>,
        groups: &[SubjectGroup],
        criteria: &[Criterion],
        set_kind: Option<SetKind>,
    ) {
        if set_kind != Some(SetKind::Points) {
            if scale.is_some() && set_kind == Some(SetKind::Levels) {
                self.error(
                    "kind-mismatch",
                    "scale",
                    self.key_line("scale"),
                    "bộ xếp mức độ không dùng tổng điểm (scale)".to_string(),
                );
            }
            return;
        }
        let Some(scale) = scale else {
            self.error(
                "missing-field",
                "scale",
                None,
                "bộ chấm điểm cần khai báo tổng điểm tối đa (scale)".to_string(),
            );
            return;
        };
        // A set whose lists differ by group adds up once per group.
        let by_group =
            criteria.iter().any(|c| !c.points_by_group.is_empty() || c.indicators.iter().any(|i| !i.groups.is_empty()));
        if by_group {
            for group in groups {
                self.check_list_points(scale, Some(group), criteria);
            }
            return;
        }
        self.check_list_points(scale, None, criteria);
    }

    /// The totals of one list: each criterion's indicators (for `group`, when the set's
    /// lists differ by group) add up to the criterion's points, and those to `scale`.
    fn check_list_points(&mut self, scale: Points, group: Option<&SubjectGroup>, criteria: &[Criterion]) {
        let code = group.map(|g| g.code.as_str());
        let mut total = Points::ZERO;
        let mut seen = BTreeMap::new();
        for (ci, criterion) in criteria.iter().enumerate() {
            let line = self.code_line(&criterion.code, &mut seen);
            let sum: Points =
                criterion.indicators.iter().filter(|i| i.in_group(code)).filter_map(Indicator::max_points).sum();
            let declared = code.and_then(|c| criterion.points_by_group.get(c).copied()).or(criterion.points);
            if let Some(points) = declared {
                if sum != points {
                    let message = match group {
                        None => format!(
                            "tiêu chí {}: các chỉ số cộng lại {sum} điểm, khác {points} điểm đã khai báo",
                            criterion.code
                        ),
                        Some(group) => format!(
                            "tiêu chí {}, nhóm {}: các chỉ số của nhóm cộng lại {sum} điểm, khác {points} điểm \
                             đã khai báo (dùng points_by_group để khai báo điểm riêng của nhóm)",
                            criterion.code, group.name
                        ),
                    };
                    self.error("points-mismatch", &format!("criteria[{ci}].points"), line, message);
                }
                total = total + points;
            }
            for indicator in &criterion.indicators {
                self.code_line(&indicator.code, &mut seen);
            }
        }
        if total != scale {
            let prefix = group.map(|g| format!("nhóm {}: ", g.name)).unwrap_or_default();
            self.error(
                "points-mismatch",
                "scale",
                self.key_line("scale"),
                format!("{prefix}các tiêu chí cộng lại {total} điểm, khác tổng {scale} điểm đã khai báo"),
            );
        }
    }

    fn rule(&mut self, table: &Table, kind: &str, scale: Option<Points>, criteria: &[Criterion]) -> Option<Rule> {
        let line = self.source.lines().position(|l| l.trim() == "[rule]").map(|i| i as u32 + 1);
        let indicators: Vec<&Indicator> = criteria.iter().flat_map(|c| c.indicators.iter()).collect();
        let within_scale = |reader: &mut Self, value: Points, path: &str, what: &str| {
            if let Some(scale) = scale {
                if value > scale {
                    reader.error(
                        "threshold-out-of-scale",
                        path,
                        line,
                        format!("{what} {value} vượt tổng điểm {scale}"),
                    );
                }
            }
        };
        match kind {
            "pass_mark" => {
                self.unknown_keys(
                    table,
                    &["kind", "pass_mark", "min_indicator", "area_pass_marks", "required"],
                    "rule",
                    line,
                );
                let pass_mark = self.points(table, "pass_mark", "rule", line, true);
                if let Some(p) = pass_mark {
                    within_scale(self, p, "rule.pass_mark", "mức đạt");
                }
                let min_indicator = self.points(table, "min_indicator", "rule", line, false);
                if let Some(min) = min_indicator {
                    for indicator in &indicators {
                        if let Some(max) = indicator.max_points() {
                            if min > max {
                                self.error(
                                    "threshold-out-of-scale",
                                    "rule.min_indicator",
                                    line,
                                    format!(
                                        "mức tối thiểu {min} cao hơn điểm tối đa {max} của chỉ số {}",
                                        indicator.code
                                    ),
                                );
                            }
                        }
                    }
                }
                let mut area_pass_marks = Vec::new();
                for (i, t) in self.tables(table, "area_pass_marks", "rule", line).into_iter().enumerate() {
                    let path = format!("rule.area_pass_marks[{i}]");
                    self.unknown_keys(t, &["area", "pass_mark"], &path, line);
                    let area = self.string(t, "area", &path, line, true);
                    if let Some(area) = area.as_deref().filter(|a| !KNOWN_AREAS.contains(a)) {
                        self.error(
                            "bad-value",
                            &join(&path, "area"),
                            line,
                            format!("vùng {area:?} không hợp lệ; dùng một trong: {}", KNOWN_AREAS.join(", ")),
                        );
                    }
                    let mark = self.points(t, "pass_mark", &path, line, true);
                    if let Some(mark) = mark {
                        within_scale(self, mark, &join(&path, "pass_mark"), "mức đạt");
                    }
                    if let (Some(area), Some(pass_mark)) = (area, mark) {
                        area_pass_marks.push(AreaPassMark { area, pass_mark });
                    }
                }
                let required = self.string_list(table, "required", "rule", line);
                self.known_indicators(&required, &indicators, "rule.required", line);
                Some(Rule::PassMark { pass_mark: pass_mark?, min_indicator, area_pass_marks, required })
            }
            "bands" => {
                self.unknown_keys(table, &["kind", "bands", "below", "recognised_from"], "rule", line);
                let mut bands = Vec::new();
                for (i, t) in self.tables(table, "bands", "rule", line).into_iter().enumerate() {
                    let path = format!("rule.bands[{i}]");
                    self.unknown_keys(t, &["name", "min"], &path, line);
                    let name = self.text(t, "name", &path, line, true);
                    let min = self.points(t, "min", &path, line, true);
                    if let Some(min) = min {
                        within_scale(self, min, &join(&path, "min"), "ngưỡng xếp loại");
                    }
                    if let (Some(name), Some(min)) = (name, min) {
                        bands.push(Band { name, min });
                    }
                }
                if bands.is_empty() {
                    self.error(
                        "missing-field",
                        "rule.bands",
                        line,
                        "quy tắc xếp loại cần ít nhất một mức (bands)".to_string(),
                    );
                }
                if bands.windows(2).any(|w| w[0].min <= w[1].min) {
                    self.error(
                        "bad-value",
                        "rule.bands",
                        line,
                        "các mức xếp loại phải xếp từ cao xuống thấp".to_string(),
                    );
                }
                let below = self.text(table, "below", "rule", line, true);
                let recognised_from = match self.string(table, "recognised_from", "rule", line, false) {
                    Some(name) => match bands.iter().position(|b| b.name == name) {
                        Some(index) => index,
                        None => {
                            self.error(
                                "bad-value",
                                "rule.recognised_from",
                                line,
                                format!("mức {name:?} không có trong bands"),
                            );
                            0
                        }
                    },
                    None => bands.len().saturating_sub(1),
                };
                Some(Rule::Bands { bands, below: below?, recognised_from })
            }
            "levels" => {
                self.unknown_keys(table, &["kind", "levels"], "rule", line);
                let mut levels = Vec::new();
                for (i, t) in self.tables(table, "levels", "rule", line).into_iter().enumerate() {
                    let path = format!("rule.levels[{i}]");
                    self.unknown_keys(t, &["level", "name"], &path, line);
                    let level = self.number(t, "level", &path, line, true);
                    let name = self.text(t, "name", &path, line, true);
                    if level != Some((i + 1) as f64) {
                        self.error(
                            "bad-level",
                            &join(&path, "level"),
                            line,
                            format!("các mức phải đánh số liên tiếp từ 1; vị trí {} cần level = {}", i + 1, i + 1),
                        );
                    }
                    if let Some(name) = name {
                        levels.push(Level { level: i as u8 + 1, name });
                    }
                }
                if levels.is_empty() {
                    self.error(
                        "missing-field",
                        "rule.levels",
                        line,
                        "quy tắc xếp mức cần ít nhất một mức (levels)".to_string(),
                    );
                }
                self.check_levels(&levels, &indicators);
                Some(Rule::Levels { levels })
            }
            _ => None,
        }
    }

    fn known_indicators(&mut self, codes: &[String], indicators: &[&Indicator], path: &str, line: Option<u32>) {
        for code in codes {
            if !indicators.iter().any(|i| &i.code == code) {
                self.error(
                    "unknown-indicator",
                    path,
                    line,
                    format!("quy tắc nhắc đến chỉ số {code:?} không có trong bộ tiêu chí"),
                );
            }
        }
    }

    fn check_levels(&mut self, levels: &[Level], indicators: &[&Indicator]) {
        let mut required_per_level = vec![0usize; levels.len()];
        for indicator in indicators {
            let named: Vec<u8> = match &indicator.measure {
                Measure::Met { levels } => levels.clone(),
                Measure::Share { scoring: ShareScoring::Levels { minimums }, .. } => {
                    minimums.iter().map(|m| m.level).collect()
                }
                _ => Vec::new(),
            };
            for level in named {
                match required_per_level.get_mut(level as usize - 1) {
                    Some(count) => *count += 1,
                    None => {
                        let line = line_of_assignment(self.source, "code", &indicator.code, 0);
                        self.error(
                            "bad-level",
                            &format!("indicator {}", indicator.code),
                            line,
                            format!(
                                "chỉ số {} nhắc đến mức {level}, quy tắc chỉ có {} mức",
                                indicator.code,
                                levels.len()
                            ),
                        );
                    }
                }
            }
        }
        for (level, count) in levels.iter().zip(required_per_level) {
            if count == 0 {
                self.error(
                    "bad-level",
                    "rule.levels",
                    None,
                    format!("mức {} ({}) không có chỉ số nào bắt buộc", level.level, level.name),
                );
            }
        }
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}
