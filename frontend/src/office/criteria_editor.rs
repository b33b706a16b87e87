//! The form of the province's criteria set editor (`#bo-tieu-chi-tinh`), as plain data:
//! every field the administrator types is kept as text, turned into a
//! [`CriteriaSet`] and written with [`criteria::to_toml`], then read back by the loader
//! ([`criteria::parse`]) so that the diagnostics shown are exactly the ones the server
//! will find. What the form does not edit (the model, subject groups, share indicators'
//! tables, tags …) is kept from the set it started from.

use std::rc::Rc;

use hoctap_shared::criteria::{
    self, AreaPassMark, Band, CriteriaSet, Criterion, Indicator, Level, Measure, Rule, SetStatus,
};
use hoctap_shared::date::Date;
use hoctap_shared::diagnostic::{has_errors, Diagnostic, Severity};
use hoctap_shared::number::Points;

/// An indicator as the form edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndicatorForm {
    pub code: String,
    pub text: String,
    pub hint: String,
    pub note: String,
    /// The maximum of a points indicator (or of a share indicator scored in points).
    pub max: String,
    /// The levels a met indicator is required for, `1, 2`.
    pub levels: String,
    /// Listed in the pass-mark rule's `required` (must reach its maximum).
    pub required: bool,
    /// The indicator as it was, for what the form does not edit (kind, share tables,
    /// tags, groups).
    pub kept: Indicator,
}

/// A criterion as the form edits it.
#[derive(Debug, Clone, PartialEq)]
pub struct CriterionForm {
    pub code: String,
    pub name: String,
    pub points: String,
    pub indicators: Vec<IndicatorForm>,
    kept: Criterion,
}

/// The whole form.
#[derive(Debug, Clone, PartialEq)]
pub struct Form {
    pub id: String,
    pub version: String,
    pub name: String,
    pub effective_from: String,
    pub provisional: bool,
    pub status_note: String,
    pub legal_number: String,
    pub legal_date: String,
    pub legal_issuer: String,
    pub legal_title: String,
    pub scale: String,
    pub criteria: Vec<CriterionForm>,
    /// `pass_mark` rule: the mark and the minimum per indicator.
    pub pass_mark: String,
    pub min_indicator: String,
    /// A lower pass mark per area of [`AREA_RULES`] (empty: the area passes at the
    /// set's mark). The shipped sets have none; a province may turn one on.
    pub area_marks: Vec<String>,
    /// `bands` rule: each band's name and minimum, and the word below them.
    pub bands: Vec<(String, String)>,
    pub below: String,
    /// `levels` rule: each level's name.
    pub levels: Vec<String>,
    base: Rc<CriteriaSet>,
}

/// One field of the form, named by where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Id,
    Version,
    Name,
    EffectiveFrom,
    StatusNote,
    LegalNumber,
    LegalDate,
    LegalIssuer,
    LegalTitle,
    Scale,
    PassMark,
    MinIndicator,
    /// The pass mark of the `n`th area of [`AREA_RULES`].
    AreaMark(usize),
    Below,
    BandName(usize),
    BandMin(usize),
    LevelName(usize),
    CriterionCode(usize),
    CriterionName(usize),
    CriterionPoints(usize),
    IndicatorCode(usize, usize),
    IndicatorText(usize, usize),
    IndicatorHint(usize, usize),
    IndicatorNote(usize, usize),
    IndicatorMax(usize, usize),
    IndicatorLevels(usize, usize),
}

impl Field {
    /// The loader's path of this field (a [`Diagnostic::path`]).
    pub fn path(self) -> String {
        let ind = |c: usize, i: usize, key: &str| format!("criteria[{c}].indicators[{i}].{key}");
        match self {
            Field::Id => "id".into(),
            Field::Version => "version".into(),
            Field::Name => "name".into(),
            Field::EffectiveFrom => "effective_from".into(),
            Field::StatusNote => "status_note".into(),
            Field::LegalNumber => "legal_basis.number".into(),
            Field::LegalDate => "legal_basis.date".into(),
            Field::LegalIssuer => "legal_basis.issuer".into(),
            Field::LegalTitle => "legal_basis.title".into(),
            Field::Scale => "scale".into(),
            Field::PassMark => "rule.pass_mark".into(),
            Field::MinIndicator => "rule.min_indicator".into(),
            Field::AreaMark(a) => format!("rule.area_pass_marks[{a}].pass_mark"),
            Field::Below => "rule.below".into(),
            Field::BandName(i) => format!("rule.bands[{i}].name"),
            Field::BandMin(i) => format!("rule.bands[{i}].min"),
            Field::LevelName(i) => format!("rule.levels[{i}].name"),
            Field::CriterionCode(c) => format!("criteria[{c}].code"),
            Field::CriterionName(c) => format!("criteria[{c}].name"),
            Field::CriterionPoints(c) => format!("criteria[{c}].points"),
            Field::IndicatorCode(c, i) => ind(c, i, "code"),
            Field::IndicatorText(c, i) => ind(c, i, "text"),
            Field::IndicatorHint(c, i) => ind(c, i, "hint"),
            Field::IndicatorNote(c, i) => ind(c, i, "note"),
            Field::IndicatorMax(c, i) => ind(c, i, "max"),
            Field::IndicatorLevels(c, i) => ind(c, i, "levels"),
        }
    }
}

/// The areas a province may give a lower pass mark, with their names (every known
/// area but the ordinary one).
pub const AREA_RULES: [(&str, &str); 3] = [
    (hoctap_shared::criteria::AREAS[1].0, hoctap_shared::criteria::AREAS[1].1),
    (hoctap_shared::criteria::AREAS[2].0, hoctap_shared::criteria::AREAS[2].1),
    (hoctap_shared::criteria::AREAS[3].0, hoctap_shared::criteria::AREAS[3].1),
];

/// A change to the form.
#[derive(Debug, Clone, PartialEq)]
pub enum Edit {
    Set(Field, String),
    Provisional(bool),
    Required(usize, usize, bool),
    AddCriterion,
    RemoveCriterion(usize),
    AddIndicator(usize),
    RemoveIndicator(usize, usize),
}

/// What the form makes: the file, the set when it loads, and every diagnostic.
#[derive(Debug, Clone, PartialEq)]
pub struct Checked {
    pub toml: String,
    pub set: Option<CriteriaSet>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }

    pub fn warnings(&self) -> usize {
        self.diagnostics.len() - self.errors()
    }

    /// The diagnostics of one field.
    pub fn at(&self, field: Field) -> Vec<&Diagnostic> {
        let path = field.path();
        self.diagnostics.iter().filter(|d| d.path == path).collect()
    }
}

fn text_of(option: &Option<String>) -> String {
    option.clone().unwrap_or_default()
}

fn number(points: Option<Points>) -> String {
    points.map(|p| p.to_string()).unwrap_or_default()
}

impl Form {
    /// The form over `set` as it is.
    pub fn of(set: &CriteriaSet) -> Form {
        let required: Vec<&str> = match &set.rule {
            Rule::PassMark { required, .. } => required.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        };
        let criteria = set
            .criteria
            .iter()
            .map(|c| CriterionForm {
                code: c.code.clone(),
                name: c.name.clone(),
                points: number(c.points),
                indicators: c
                    .indicators
                    .iter()
                    .map(|i| IndicatorForm {
                        code: i.code.clone(),
                        text: i.text.clone(),
                        hint: text_of(&i.hint),
                        note: text_of(&i.note),
                        max: number(i.max_points()),
                        levels: match &i.measure {
                            Measure::Met { levels } => levels.iter().map(u8::to_string).collect::<Vec<_>>().join(", "),
                            _ => String::new(),
                        },
                        required: required.contains(&i.code.as_str()),
                        kept: i.clone(),
                    })
                    .collect(),
                kept: c.clone(),
            })
            .collect();
        let area_marks = AREA_RULES
            .iter()
            .map(|(area, _)| match &set.rule {
                Rule::PassMark { area_pass_marks, .. } => area_pass_marks
                    .iter()
                    .find(|a| a.area == *area)
                    .map(|a| a.pass_mark.to_string())
                    .unwrap_or_default(),
                _ => String::new(),
            })
            .collect();
        let (pass_mark, min_indicator, bands, below, levels) = match &set.rule {
            Rule::PassMark { pass_mark, min_indicator, .. } => {
                (pass_mark.to_string(), number(*min_indicator), Vec::new(), String::new(), Vec::new())
            }
            Rule::Bands { bands, below, .. } => (
                String::new(),
                String::new(),
                bands.iter().map(|b| (b.name.clone(), b.min.to_string())).collect(),
                below.clone(),
                Vec::new(),
            ),
            Rule::Levels { levels } => (
                String::new(),
                String::new(),
                Vec::new(),
                String::new(),
                levels.iter().map(|l| l.name.clone()).collect(),
            ),
        };
        Form {
            id: set.id.clone(),
            version: set.version.clone(),
            name: set.name.clone(),
            effective_from: set.effective_from.iso(),
            provisional: set.status == SetStatus::Provisional,
            status_note: text_of(&set.status_note),
            legal_number: set.legal_basis.number.clone(),
            legal_date: set.legal_basis.date.iso(),
            legal_issuer: set.legal_basis.issuer.clone(),
            legal_title: text_of(&set.legal_basis.title),
            scale: number(set.scale),
            criteria,
            pass_mark,
            min_indicator,
            area_marks,
            bands,
            below,
            levels,
            base: Rc::new(set.clone()),
        }
    }

    /// A new set of the province's own, started from a shipped set: its own id (the
    /// shipped id with the province's code), version `<year>.1`, in effect from `today`.
    pub fn from_shipped(set: &CriteriaSet, province: &str, today: Date) -> Form {
        // The adaptation is in force from its own date on: a superseded set's end date
        // (QĐ 244's) is not carried over.
        let mut form = Form::of(&CriteriaSet { effective_to: None, ..set.clone() });
        let code = province.split(':').nth(1).unwrap_or("tinh");
        form.id = format!("{}-t{code}", set.id);
        form.version = format!("{}.1", today.year());
        form.effective_from = today.iso();
        form
    }

    /// The next version of one of the province's sets: same id, the version's last
    /// number raised, in effect from `today`.
    pub fn next_version(set: &CriteriaSet, today: Date) -> Form {
        let mut form = Form::of(&CriteriaSet { effective_to: None, ..set.clone() });
        form.version = raised(&set.version);
        form.effective_from = today.iso();
        form
    }

    /// Whether the rule is a pass mark (indicators may be marked required).
    pub fn has_pass_mark(&self) -> bool {
        matches!(self.base.rule, Rule::PassMark { .. })
    }

    /// Whether the set is scored in points (criteria and indicators have points).
    pub fn in_points(&self) -> bool {
        !matches!(self.base.rule, Rule::Levels { .. })
    }

    pub fn model_title(&self) -> &'static str {
        self.base.model.title()
    }

    /// The value of a text field.
    pub fn value(&self, field: Field) -> String {
        let ind = |c: usize, i: usize| self.criteria.get(c).and_then(|cr| cr.indicators.get(i));
        let v = match field {
            Field::Id => Some(&self.id),
            Field::Version => Some(&self.version),
            Field::Name => Some(&self.name),
            Field::EffectiveFrom => Some(&self.effective_from),
            Field::StatusNote => Some(&self.status_note),
            Field::LegalNumber => Some(&self.legal_number),
            Field::LegalDate => Some(&self.legal_date),
            Field::LegalIssuer => Some(&self.legal_issuer),
            Field::LegalTitle => Some(&self.legal_title),
            Field::Scale => Some(&self.scale),
            Field::PassMark => Some(&self.pass_mark),
            Field::MinIndicator => Some(&self.min_indicator),
            Field::AreaMark(a) => self.area_marks.get(a),
            Field::Below => Some(&self.below),
            Field::BandName(b) => self.bands.get(b).map(|b| &b.0),
            Field::BandMin(b) => self.bands.get(b).map(|b| &b.1),
            Field::LevelName(l) => self.levels.get(l),
            Field::CriterionCode(c) => self.criteria.get(c).map(|c| &c.code),
            Field::CriterionName(c) => self.criteria.get(c).map(|c| &c.name),
            Field::CriterionPoints(c) => self.criteria.get(c).map(|c| &c.points),
            Field::IndicatorCode(c, i) => ind(c, i).map(|i| &i.code),
            Field::IndicatorText(c, i) => ind(c, i).map(|i| &i.text),
            Field::IndicatorHint(c, i) => ind(c, i).map(|i| &i.hint),
            Field::IndicatorNote(c, i) => ind(c, i).map(|i| &i.note),
            Field::IndicatorMax(c, i) => ind(c, i).map(|i| &i.max),
            Field::IndicatorLevels(c, i) => ind(c, i).map(|i| &i.levels),
        };
        v.cloned().unwrap_or_default()
    }

    fn slot(&mut self, field: Field) -> Option<&mut String> {
        Some(match field {
            Field::Id => &mut self.id,
            Field::Version => &mut self.version,
            Field::Name => &mut self.name,
            Field::EffectiveFrom => &mut self.effective_from,
            Field::StatusNote => &mut self.status_note,
            Field::LegalNumber => &mut self.legal_number,
            Field::LegalDate => &mut self.legal_date,
            Field::LegalIssuer => &mut self.legal_issuer,
            Field::LegalTitle => &mut self.legal_title,
            Field::Scale => &mut self.scale,
            Field::PassMark => &mut self.pass_mark,
            Field::MinIndicator => &mut self.min_indicator,
            Field::AreaMark(a) => self.area_marks.get_mut(a)?,
            Field::Below => &mut self.below,
            Field::BandName(b) => &mut self.bands.get_mut(b)?.0,
            Field::BandMin(b) => &mut self.bands.get_mut(b)?.1,
            Field::LevelName(l) => self.levels.get_mut(l)?,
            Field::CriterionCode(c) => &mut self.criteria.get_mut(c)?.code,
            Field::CriterionName(c) => &mut self.criteria.get_mut(c)?.name,
            Field::CriterionPoints(c) => &mut self.criteria.get_mut(c)?.points,
            Field::IndicatorCode(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.code,
            Field::IndicatorText(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.text,
            Field::IndicatorHint(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.hint,
            Field::IndicatorNote(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.note,
            Field::IndicatorMax(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.max,
            Field::IndicatorLevels(c, i) => &mut self.criteria.get_mut(c)?.indicators.get_mut(i)?.levels,
        })
    }

    /// The form after one change.
    pub fn apply(mut self, edit: Edit) -> Form {
        match edit {
            Edit::Set(field, value) => {
                if let Some(slot) = self.slot(field) {
                    *slot = value;
                }
            }
            Edit::Provisional(on) => self.provisional = on,
            Edit::Required(c, i, on) => {
                if let Some(ind) = self.criteria.get_mut(c).and_then(|c| c.indicators.get_mut(i)) {
                    ind.required = on;
                }
            }
            Edit::AddCriterion => {
                let code = (self.criteria.len() + 1).to_string();
                let kept = Criterion {
                    code: code.clone(),
                    name: String::new(),
                    points: None,
                    points_by_group: Default::default(),
                    indicators: Vec::new(),
                };
                let mut criterion =
                    CriterionForm { code, name: String::new(), points: String::new(), indicators: Vec::new(), kept };
                criterion.indicators.push(self.new_indicator(&criterion));
                self.criteria.push(criterion);
            }
            Edit::RemoveCriterion(c) => {
                if c < self.criteria.len() {
                    self.criteria.remove(c);
                }
            }
            Edit::AddIndicator(c) => {
                if let Some(criterion) = self.criteria.get(c) {
                    let indicator = self.new_indicator(criterion);
                    self.criteria[c].indicators.push(indicator);
                }
            }
            Edit::RemoveIndicator(c, i) => {
                if let Some(criterion) = self.criteria.get_mut(c) {
                    if i < criterion.indicators.len() {
                        criterion.indicators.remove(i);
                    }
                }
            }
        }
        self
    }

    fn new_indicator(&self, criterion: &CriterionForm) -> IndicatorForm {
        let code = format!("{}.{}", criterion.code, criterion.indicators.len() + 1);
        let measure =
            if self.in_points() { Measure::Points { max: Points::ZERO } } else { Measure::Met { levels: vec![1] } };
        IndicatorForm {
            code: code.clone(),
            text: String::new(),
            hint: String::new(),
            note: String::new(),
            max: if self.in_points() { "0".to_string() } else { String::new() },
            levels: if self.in_points() { String::new() } else { "1".to_string() },
            required: false,
            kept: Indicator {
                code,
                text: String::new(),
                hint: None,
                note: None,
                tags: Vec::new(),
                only_for: Vec::new(),
                groups: Vec::new(),
                measure,
            },
        }
    }

    /// The set the form describes, its file and every diagnostic: the form's own (a
    /// number or date that cannot be read) and the loader's over the file.
    pub fn check(&self) -> Checked {
        let mut own = Vec::new();
        let base = &self.base;
        let scale = read_points(&mut own, Field::Scale, &self.scale, base.scale);
        let mut criteria = Vec::new();
        let mut required = Vec::new();
        for (ci, c) in self.criteria.iter().enumerate() {
            let mut indicators = Vec::new();
            for (ii, i) in c.indicators.iter().enumerate() {
                let measure = match &i.kept.measure {
                    Measure::Points { max } => {
                        let max = read_points(&mut own, Field::IndicatorMax(ci, ii), &i.max, Some(*max))
                            .unwrap_or(Points::ZERO);
                        Measure::Points { max }
                    }
                    Measure::Met { .. } => {
                        let mut read = Vec::new();
                        for part in i.levels.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                            match part.parse::<u8>() {
                                Ok(level) if level > 0 => read.push(level),
                                _ => own.push(Diagnostic::error(
                                    "bad-level",
                                    Field::IndicatorLevels(ci, ii).path(),
                                    format!("mức “{part}” không hợp lệ (số nguyên từ 1, cách nhau bởi dấu phẩy)"),
                                )),
                            }
                        }
                        Measure::Met { levels: read }
                    }
                    Measure::Share { numerator_label, denominator_label, scoring } => {
                        let scoring = match scoring {
                            criteria::ShareScoring::Points { max, rows } => criteria::ShareScoring::Points {
                                max: read_points(&mut own, Field::IndicatorMax(ci, ii), &i.max, Some(*max))
                                    .unwrap_or(*max),
                                rows: rows.clone(),
                            },
                            other => other.clone(),
                        };
                        Measure::Share {
                            numerator_label: numerator_label.clone(),
                            denominator_label: denominator_label.clone(),
                            scoring,
                        }
                    }
                };
                if i.required {
                    required.push(i.code.trim().to_string());
                }
                indicators.push(Indicator {
                    code: i.code.trim().to_string(),
                    text: i.text.trim().to_string(),
                    hint: Some(i.hint.trim().to_string()).filter(|t| !t.is_empty()),
                    note: Some(i.note.trim().to_string()).filter(|t| !t.is_empty()),
                    measure,
                    ..i.kept.clone()
                });
            }
            criteria.push(Criterion {
                code: c.code.trim().to_string(),
                name: c.name.trim().to_string(),
                points: read_points(&mut own, Field::CriterionPoints(ci), &c.points, c.kept.points),
                indicators,
                ..c.kept.clone()
            });
        }
        let rule = match &base.rule {
            Rule::PassMark { pass_mark, min_indicator, .. } => Rule::PassMark {
                pass_mark: read_points(&mut own, Field::PassMark, &self.pass_mark, Some(*pass_mark))
                    .unwrap_or(Points::ZERO),
                min_indicator: read_points(&mut own, Field::MinIndicator, &self.min_indicator, *min_indicator),
                // Listed in the order of the fields, so that the loader's paths name them.
                area_pass_marks: AREA_RULES
                    .iter()
                    .zip(&self.area_marks)
                    .enumerate()
                    .filter_map(|(a, ((area, _), mark))| {
                        let pass_mark = read_points(&mut own, Field::AreaMark(a), mark, None)?;
                        Some(AreaPassMark { area: (*area).to_string(), pass_mark })
                    })
                    .collect(),
                required,
            },
            Rule::Bands { recognised_from, .. } => Rule::Bands {
                bands: self
                    .bands
                    .iter()
                    .enumerate()
                    .map(|(b, (name, min))| Band {
                        name: name.trim().to_string(),
                        min: read_points(&mut own, Field::BandMin(b), min, None).unwrap_or(Points::ZERO),
                    })
                    .collect(),
                below: self.below.trim().to_string(),
                recognised_from: *recognised_from,
            },
            Rule::Levels { .. } => Rule::Levels {
                levels: self
                    .levels
                    .iter()
                    .enumerate()
                    .map(|(l, name)| Level { level: l as u8 + 1, name: name.trim().to_string() })
                    .collect(),
            },
        };
        let mut date = |field: Field, text: &str, fallback: Date| match Date::parse_iso(text.trim()) {
            Some(date) => date,
            None => {
                own.push(Diagnostic::error("bad-value", field.path(), format!("ngày “{}” không hợp lệ", text.trim())));
                fallback
            }
        };
        let effective_from = date(Field::EffectiveFrom, &self.effective_from, base.effective_from);
        let legal_date = date(Field::LegalDate, &self.legal_date, base.legal_basis.date);
        let set = CriteriaSet {
            id: self.id.trim().to_string(),
            version: self.version.trim().to_string(),
            name: self.name.trim().to_string(),
            status: if self.provisional { SetStatus::Provisional } else { SetStatus::Official },
            status_note: Some(self.status_note.trim().to_string()).filter(|t| !t.is_empty()),
            scale,
            effective_from,
            legal_basis: criteria::LegalBasis {
                number: self.legal_number.trim().to_string(),
                date: legal_date,
                issuer: self.legal_issuer.trim().to_string(),
                title: Some(self.legal_title.trim().to_string()).filter(|t| !t.is_empty()),
            },
            criteria,
            rule,
            ..(**base).clone()
        };
        let toml = criteria::to_toml(&set);
        let parsed = criteria::parse(&toml);
        // The file lists only the areas given a mark: the loader's `area_pass_marks[i]`
        // is the i-th filled field.
        let filled: Vec<usize> =
            (0..self.area_marks.len()).filter(|a| !self.area_marks[*a].trim().is_empty()).collect();
        let mut diagnostics = own;
        diagnostics.extend(parsed.diagnostics.into_iter().map(|mut d| {
            if let Some((i, rest)) = d.path.strip_prefix("rule.area_pass_marks[").and_then(|r| r.split_once(']')) {
                if let Some(a) = i.parse::<usize>().ok().and_then(|i| filled.get(i)) {
                    d.path = format!("rule.area_pass_marks[{a}]{rest}");
                }
            }
            d
        }));
        let set = if has_errors(&diagnostics) { None } else { parsed.set };
        Checked { toml, set, diagnostics }
    }
}

/// A number typed in a field (a decimal comma is read as a point); empty is `None`,
/// unreadable is a diagnostic on the field and `fallback`.
fn read_points(own: &mut Vec<Diagnostic>, field: Field, text: &str, fallback: Option<Points>) -> Option<Points> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    match text.replace(',', ".").parse::<f64>().ok().and_then(Points::from_f64) {
        Some(p) => Some(p),
        None => {
            own.push(Diagnostic::error(
                "bad-value",
                field.path(),
                format!("“{text}” không phải là số (ví dụ 10 hoặc 7,5)"),
            ));
            fallback
        }
    }
}

/// `2027.1` → `2027.2`; a version whose last part is not a number gets `.1` added.
pub fn raised(version: &str) -> String {
    match version.rsplit_once('.') {
        Some((head, last)) => match last.parse::<u64>() {
            Ok(n) => format!("{head}.{}", n.saturating_add(1)),
            Err(_) => format!("{version}.1"),
        },
        None => match version.parse::<u64>() {
            Ok(n) => n.saturating_add(1).to_string(),
            Err(_) => format!("{version}.1"),
        },
    }
}

/// "Lỗi" or "Cảnh báo".
pub fn severity_word(diagnostic: &Diagnostic) -> &'static str {
    match diagnostic.severity {
        Severity::Error => "Lỗi",
        Severity::Warning => "Cảnh báo",
    }
}

/// The words a diagnostic's place is shown with in the list: "Chỉ số 1.2, điểm tối đa".
pub fn place(form: &Form, diagnostic: &Diagnostic) -> String {
    let path = diagnostic.path.as_str();
    let index = |s: &str, key: &str| -> Option<usize> {
        let start = s.find(key)? + key.len();
        s[start..].split(']').next()?.parse().ok()
    };
    let leaf = match path.rsplit('.').next().unwrap_or_default() {
        "code" => "mã",
        "name" => "tên",
        "text" => "nội dung",
        "hint" => "gợi ý minh chứng",
        "note" => "ghi chú",
        "max" => "điểm tối đa",
        "points" => "số điểm",
        "levels" => "mức",
        _ => "",
    };
    if let (Some(c), Some(i)) = (index(path, "criteria["), index(path, "indicators[")) {
        let code = form.value(Field::IndicatorCode(c, i));
        return format!("Chỉ số {code}, {leaf}").trim_end_matches(", ").to_string();
    }
    if let Some(c) = index(path, "criteria[") {
        let code = form.value(Field::CriterionCode(c));
        return format!("Tiêu chí {code}, {leaf}").trim_end_matches(", ").to_string();
    }
    match path {
        "" => "Cả tệp".to_string(),
        "id" => "Mã bộ".to_string(),
        "version" => "Phiên bản".to_string(),
        "name" => "Tên bộ".to_string(),
        "effective_from" => "Ngày có hiệu lực".to_string(),
        "status_note" => "Ghi chú trạng thái".to_string(),
        "scale" => "Tổng điểm".to_string(),
        p if p.starts_with("legal_basis") => "Căn cứ pháp lý".to_string(),
        p if p.starts_with("rule") => "Quy tắc công nhận".to_string(),
        p => p.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::criteria::shipped;

    fn gdht() -> CriteriaSet {
        shipped::get("gdht-448-2016").expect("shipped")
    }

    fn today() -> Date {
        Date::parse_iso("2026-12-07").expect("date")
    }

    #[test]
    fn every_shipped_set_goes_through_the_form_unchanged() {
        for set in shipped::all() {
            let checked = Form::of(&set).check();
            assert_eq!(checked.errors(), 0, "{}: {:?}", set.id, checked.diagnostics);
            assert_eq!(checked.set.as_ref(), Some(&set), "{}", set.id);
        }
    }

    #[test]
    fn a_wrong_total_is_placed_on_its_criterion_and_goes_when_fixed() {
        let form = Form::from_shipped(&gdht(), "province:52:2025", today());
        assert_eq!(
            (form.id.as_str(), form.version.as_str(), form.effective_from.as_str()),
            ("gdht-448-2016-t52", "2026.1", "2026-12-07")
        );
        let form = form.apply(Edit::Set(Field::IndicatorText(0, 0), "Trẻ em đều được đến trường.".into()));
        let wrong = form.clone().apply(Edit::Set(Field::IndicatorMax(0, 0), "15".into()));
        let checked = wrong.check();
        assert!(checked.set.is_none());
        let at = checked.at(Field::CriterionPoints(0));
        assert_eq!(at.len(), 1, "{:?}", checked.diagnostics);
        assert_eq!(at[0].code, "points-mismatch");
        assert!(at[0].message.contains("35"), "{}", at[0].message);
        assert_eq!(place(&wrong, at[0]), "Tiêu chí 1, số điểm");
        // Moving five points from 1.2 to 1.1 adds up again.
        let fixed = wrong.apply(Edit::Set(Field::IndicatorMax(0, 1), "5".into()));
        let checked = fixed.check();
        assert_eq!(checked.errors(), 0, "{:?}", checked.diagnostics);
        let set = checked.set.expect("loads");
        assert_eq!(set.criteria[0].indicators[0].text, "Trẻ em đều được đến trường.");
        assert_eq!(set.criteria[0].indicators[0].max_points(), Points::from_f64(15.0));
        assert_eq!(criteria::parse(&checked.toml).set, Some(set));
    }

    #[test]
    fn unreadable_numbers_and_dates_and_empty_texts_are_named_by_field() {
        let form = Form::of(&gdht())
            .apply(Edit::Set(Field::IndicatorMax(1, 0), "mười".into()))
            .apply(Edit::Set(Field::EffectiveFrom, "2027-02-30".into()))
            .apply(Edit::Set(Field::IndicatorText(2, 1), "  ".into()))
            .apply(Edit::Set(Field::PassMark, "7,5".into()));
        let checked = form.check();
        assert!(checked.set.is_none());
        assert_eq!(checked.at(Field::IndicatorMax(1, 0))[0].code, "bad-value");
        assert_eq!(checked.at(Field::EffectiveFrom)[0].code, "bad-value");
        assert_eq!(checked.at(Field::IndicatorText(2, 1))[0].code, "missing-text");
        assert!(checked.at(Field::PassMark).is_empty(), "7,5 reads as 7.5");
    }

    #[test]
    fn indicators_and_criteria_are_added_removed_and_marked_required() {
        let set = gdht();
        let form = Form::of(&set).apply(Edit::AddIndicator(0));
        assert_eq!(form.criteria[0].indicators[3].code, "1.4");
        let checked = form.check();
        assert!(!checked.at(Field::IndicatorText(0, 3)).is_empty());
        assert!(!checked.at(Field::IndicatorMax(0, 3)).is_empty(), "a maximum of 0 is refused");
        let form = form.apply(Edit::RemoveIndicator(0, 3)).apply(Edit::Required(0, 0, true));
        let set2 = form.check().set.expect("loads");
        assert!(matches!(&set2.rule, Rule::PassMark { required, .. } if required == &["1.1".to_string()]));
        let form = form.apply(Edit::AddCriterion);
        assert_eq!(form.criteria.len(), set.criteria.len() + 1);
        assert!(form.check().set.is_none());
        let form = form.apply(Edit::RemoveCriterion(set.criteria.len()));
        assert!(form.check().set.is_some());
    }

    #[test]
    fn a_province_set_gets_its_next_version() {
        assert_eq!(raised("2027.1"), "2027.2");
        assert_eq!(raised("2027.9"), "2027.10");
        assert_eq!(raised("3"), "4");
        assert_eq!(raised("a"), "a.1");
        let mut set = gdht();
        set.id = "gdht-gia-lai".into();
        set.version = "2027.1".into();
        let form = Form::next_version(&set, today());
        assert_eq!((form.id.as_str(), form.version.as_str()), ("gdht-gia-lai", "2027.2"));
    }

    #[test]
    fn a_province_turns_on_a_lower_mark_for_an_area_and_its_problem_shows_on_that_field() {
        let set = hoctap_shared::criteria::shipped::get("cdht-324-2023").expect("shipped");
        let form = Form::of(&set);
        assert!(form.area_marks.iter().all(String::is_empty), "the shipped set passes at 80 everywhere");
        let remote = AREA_RULES.iter().position(|(area, _)| *area == "remote").expect("remote");
        let checked = form.clone().apply(Edit::Set(Field::AreaMark(remote), "70".into())).check();
        assert_eq!(checked.errors(), 0, "{:?}", checked.diagnostics);
        let loaded = checked.set.expect("loads");
        assert!(loaded.has_area_rule("remote") && !loaded.has_area_rule("disadvantaged"));
        // Above the scale: the loader's problem is placed on the remote area's field.
        let checked = form.apply(Edit::Set(Field::AreaMark(remote), "170".into())).check();
        assert!(!checked.at(Field::AreaMark(remote)).is_empty(), "{:?}", checked.diagnostics);
    }
}
