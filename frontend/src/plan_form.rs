//! The editor of a unit's own plan (kế hoạch): its title, period, document (số hiệu,
//! ngày ban hành, cơ quan ban hành), annual report deadline and targets as typed — the
//! percentages and dates as text, so "72,5" or "03/2022" survive until saved — and
//! [`PlanForm::build`], which turns them into the [`Plan`] the server checks, or says,
//! field by field and row by row, what is wrong. A `Reducible` reducer, unit-tested
//! natively; `screens::plan` draws it.

use std::rc::Rc;

use hoctap_shared::date::Date;
use hoctap_shared::plans::{Deadline, Plan, PlanDocument, PlanKind, PlanUnit, Target};
use yew::Reducible;

use crate::reports::{parse_percent, percent_input, slug};

/// One target as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TargetDraft {
    /// The ratio's id, empty for a target reported by hand.
    pub indicator: String,
    pub text: String,
    pub target_2025: String,
    pub target_2030: String,
    pub responsible: String,
}

impl TargetDraft {
    fn of(target: &Target) -> TargetDraft {
        TargetDraft {
            indicator: target.indicator.clone().unwrap_or_default(),
            text: target.text.clone(),
            target_2025: percent_input(target.target_2025),
            target_2030: percent_input(target.target_2030),
            responsible: target.responsible.clone().unwrap_or_default(),
        }
    }
}

/// A field of a target row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Indicator,
    Text,
    Target2025,
    Target2030,
    Responsible,
}

/// A field of the plan itself (the title has its own action).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanField {
    PeriodFrom,
    PeriodTo,
    DocumentNumber,
    /// `dd/mm/yyyy`, or `mm/yyyy` when the document leaves the day blank.
    DocumentDate,
    Issuer,
    /// `dd/mm`, empty for the default of the unit's level.
    Deadline,
    /// Whom the report goes to.
    DeadlineTo,
}

/// The period a new plan covers: the national programmes' (2021–2030).
const DEFAULT_PERIOD: (i32, i32) = (2021, 2030);

/// The years a period may name.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// The plan being edited.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanForm {
    /// The plan as the server last gave it (`None`: the unit has none of its own yet).
    pub base: Option<Plan>,
    pub title: String,
    pub period_from: String,
    pub period_to: String,
    pub document_number: String,
    /// As shown and typed: `15/03/2022` or `03/2022`.
    pub document_date: String,
    /// Empty: the unit's name.
    pub issuer: String,
    /// As shown and typed: `15/11`.
    pub deadline: String,
    pub deadline_to: String,
    pub rows: Vec<TargetDraft>,
    /// Whether anything was changed since the last load.
    pub dirty: bool,
}

impl Default for PlanForm {
    fn default() -> Self {
        PlanForm::of(None)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanAction {
    /// Starts over from the server's plan (after loading or saving).
    Load(Option<Box<Plan>>),
    Title(String),
    Set(PlanField, String),
    /// Adds an empty target at the end.
    Add,
    Remove(usize),
    Edit(usize, Field, String),
}

impl Reducible for PlanForm {
    type Action = PlanAction;

    fn reduce(self: Rc<Self>, action: PlanAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            PlanAction::Load(plan) => return Rc::new(PlanForm::of(plan.map(|p| *p))),
            PlanAction::Title(title) => next.title = title,
            PlanAction::Set(field, value) => {
                let slot = match field {
                    PlanField::PeriodFrom => &mut next.period_from,
                    PlanField::PeriodTo => &mut next.period_to,
                    PlanField::DocumentNumber => &mut next.document_number,
                    PlanField::DocumentDate => &mut next.document_date,
                    PlanField::Issuer => &mut next.issuer,
                    PlanField::Deadline => &mut next.deadline,
                    PlanField::DeadlineTo => &mut next.deadline_to,
                };
                *slot = value;
            }
            PlanAction::Add => next.rows.push(TargetDraft::default()),
            PlanAction::Remove(i) if i < next.rows.len() => {
                next.rows.remove(i);
            }
            PlanAction::Remove(_) => return self,
            PlanAction::Edit(i, field, value) => {
                let Some(row) = next.rows.get_mut(i) else { return self };
                let slot = match field {
                    Field::Indicator => &mut row.indicator,
                    Field::Text => &mut row.text,
                    Field::Target2025 => &mut row.target_2025,
                    Field::Target2030 => &mut row.target_2030,
                    Field::Responsible => &mut row.responsible,
                };
                *slot = value;
            }
        }
        next.dirty = true;
        Rc::new(next)
    }
}

impl PlanForm {
    /// The form on `plan` (`None`: a new plan for 2021–2030, nothing else filled in).
    fn of(plan: Option<Plan>) -> PlanForm {
        let Some(plan) = plan else {
            return PlanForm {
                base: None,
                title: String::new(),
                period_from: DEFAULT_PERIOD.0.to_string(),
                period_to: DEFAULT_PERIOD.1.to_string(),
                document_number: String::new(),
                document_date: String::new(),
                issuer: String::new(),
                deadline: String::new(),
                deadline_to: String::new(),
                rows: Vec::new(),
                dirty: false,
            };
        };
        PlanForm {
            title: plan.title.clone(),
            period_from: plan.period_from.to_string(),
            period_to: plan.period_to.to_string(),
            document_number: plan.document.number.clone().unwrap_or_default(),
            document_date: plan.document.date.as_deref().map(date_input).unwrap_or_default(),
            issuer: plan.document.issuer.clone(),
            deadline: plan.deadline.as_ref().map(|d| format!("{:02}/{:02}", d.day, d.month)).unwrap_or_default(),
            deadline_to: plan.deadline.as_ref().and_then(|d| d.to.clone()).unwrap_or_default(),
            rows: plan.targets.iter().map(TargetDraft::of).collect(),
            base: Some(plan),
            dirty: false,
        }
    }

    /// The plan to send, or every problem found ("Giai đoạn: …", "Chỉ tiêu 2: …"). A
    /// unit without a plan of its own gets a new local plan bound to it, issued by the
    /// unit unless another issuer is named; the server checks the rest (known ratios)
    /// and answers with its diagnostics.
    pub fn build(&self, unit: &str, unit_name: &str) -> Result<Plan, Vec<String>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push("Kế hoạch cần có tên.".to_string());
        }
        let period = self.period(&mut problems);
        let document_date = match parse_document_date(&self.document_date) {
            Ok(date) => date,
            Err(message) => {
                problems.push(format!("Ngày ban hành: {message}"));
                None
            }
        };
        let deadline = match parse_deadline(&self.deadline) {
            Ok(day_month) => day_month,
            Err(message) => {
                problems.push(format!("Hạn báo cáo: {message}"));
                None
            }
        };
        let deadline_to = Some(self.deadline_to.trim().to_string()).filter(|s| !s.is_empty());
        if deadline_to.is_some() && self.deadline.trim().is_empty() {
            problems.push("Hạn báo cáo: đã ghi nơi nhận thì cần ghi cả ngày/tháng (ví dụ 15/11).".to_string());
        }
        let mut targets = Vec::with_capacity(self.rows.len());
        for (i, row) in self.rows.iter().enumerate() {
            let n = i + 1;
            let mut problem = |what: String| problems.push(format!("Chỉ tiêu {n}: {what}"));
            if row.text.trim().is_empty() {
                problem("chưa ghi nội dung.".to_string());
            }
            let indicator = Some(row.indicator.trim().to_string()).filter(|s| !s.is_empty());
            if let Some(id) = &indicator {
                if self.rows[..i].iter().any(|r| r.indicator.trim() == id) {
                    problem("tỷ lệ này đã có chỉ tiêu ở trên; mỗi tỷ lệ chỉ một chỉ tiêu.".to_string());
                }
            }
            let mut percent = |text: &str, year: i32| match parse_percent(text) {
                Ok(p) => p,
                Err(message) => {
                    problem(format!("chỉ tiêu {year}: {message}."));
                    None
                }
            };
            let (target_2025, target_2030) = (percent(&row.target_2025, 2025), percent(&row.target_2030, 2030));
            targets.push(Target {
                indicator,
                text: row.text.trim().to_string(),
                target_2025,
                target_2030,
                responsible: Some(row.responsible.trim().to_string()).filter(|s| !s.is_empty()),
            });
        }
        let (Some((period_from, period_to)), true) = (period, problems.is_empty()) else {
            return Err(problems);
        };
        let issuer = Some(self.issuer.trim()).filter(|s| !s.is_empty()).unwrap_or(unit_name).to_string();
        let document = PlanDocument {
            number: Some(self.document_number.trim().to_string()).filter(|s| !s.is_empty()),
            date: document_date,
            issuer,
        };
        let deadline = deadline.map(|(day, month)| Deadline { day, month, to: deadline_to });
        let title = title.to_string();
        let plan = match &self.base {
            Some(base) => Plan { title, period_from, period_to, document, deadline, targets, ..base.clone() },
            None => Plan {
                id: format!("ke-hoach-{}", slug(unit)),
                title,
                kind: PlanKind::Local,
                period_from,
                period_to,
                source: "Nhập trên hoctap".to_string(),
                unit: PlanUnit {
                    level: unit.split(':').next().unwrap_or("commune").to_string(),
                    name: unit_name.to_string(),
                    parent: None,
                    id: Some(unit.to_string()),
                },
                document,
                deadline,
                targets,
            },
        };
        Ok(plan)
    }

    /// The period's two years, or `None` with the problems added.
    fn period(&self, problems: &mut Vec<String>) -> Option<(i32, i32)> {
        let year = |text: &str, which: &str, problems: &mut Vec<String>| {
            let text = text.trim();
            match text.parse::<i32>() {
                Ok(year) if text.len() == 4 && YEARS.contains(&year) => Some(year),
                Ok(_) if text.len() == 4 => {
                    problems.push(format!("Giai đoạn: năm {which} {text} nằm ngoài khoảng 2000–2100."));
                    None
                }
                _ if text.is_empty() => {
                    problems.push(format!("Giai đoạn: chưa ghi năm {which}."));
                    None
                }
                _ => {
                    problems.push(format!("Giai đoạn: năm {which} “{text}” không phải năm (ví dụ 2021)."));
                    None
                }
            }
        };
        let from = year(&self.period_from, "bắt đầu", problems);
        let to = year(&self.period_to, "kết thúc", problems);
        let (from, to) = (from?, to?);
        if to < from {
            problems.push(format!("Giai đoạn: năm kết thúc {to} trước năm bắt đầu {from}."));
            return None;
        }
        Some((from, to))
    }

    /// The title a new plan starts with.
    pub fn default_title(unit_name: &str) -> String {
        format!("Kế hoạch xây dựng xã hội học tập của {unit_name}")
    }
}

/// A document date as the plan keeps it (`2022-03-15`, or `2022-03` without a day) in
/// the form an officer reads and types (`15/03/2022`, `03/2022`); anything else as it is.
fn date_input(iso: &str) -> String {
    if let Some(date) = Date::parse_iso(iso) {
        return date.to_string();
    }
    match iso.split_once('-') {
        Some((year, month)) if year.len() == 4 && month.len() == 2 => format!("{month}/{year}"),
        _ => iso.to_string(),
    }
}

/// A document date as typed — `15/03/2022`, `03/2022`, or the ISO forms — as the plan
/// keeps it; empty for none.
fn parse_document_date(text: &str) -> Result<Option<String>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Some(date) = Date::parse_vi(text).or_else(|| Date::parse_iso(text)) {
        return Ok(Some(date.iso()));
    }
    let month_year = match (text.split_once('/'), text.split_once('-')) {
        (Some((month, year)), _) | (None, Some((year, month))) => Some((month, year)),
        (None, None) => None,
    };
    if let Some((month, year)) = month_year {
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if digits(month) && month.len() <= 2 && digits(year) && year.len() == 4 {
            if let Some(first) = Date::new(year.parse().unwrap_or(0), month.parse().unwrap_or(0), 1) {
                return Ok(Some(format!("{:04}-{:02}", first.year(), first.month())));
            }
        }
    }
    Err(format!("“{text}” không phải ngày (ví dụ 15/03/2022, hoặc 03/2022 khi văn bản không ghi ngày)."))
}

/// An annual deadline as typed, `15/11` (also `5/1`), as day and month; empty for none
/// (the default of the unit's level applies).
fn parse_deadline(text: &str) -> Result<Option<(u8, u8)>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    let number = |s: &str| Some(s.trim()).filter(|s| (1..=2).contains(&s.len())).and_then(|s| s.parse::<u8>().ok());
    let Some((day, month)) = text.split_once('/').and_then(|(d, m)| Some((number(d)?, number(m)?))) else {
        return Err(format!("“{text}” không phải ngày/tháng (ví dụ 15/11)."));
    };
    // The server checks the day in a common year: a deadline must come every year.
    if Date::new(2025, month, day).is_some() {
        Ok(Some((day, month)))
    } else if Date::new(2024, month, day).is_some() {
        Err(format!("ngày {day:02}/{month:02} không có trong mọi năm; hãy chọn ngày khác."))
    } else {
        Err(format!("ngày {day:02}/{month:02} không có thật."))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::number::Percent;

    fn apply(form: PlanForm, actions: Vec<PlanAction>) -> PlanForm {
        let mut form = Rc::new(form);
        for action in actions {
            form = form.reduce(action);
        }
        (*form).clone()
    }

    fn edit(i: usize, field: Field, value: &str) -> PlanAction {
        PlanAction::Edit(i, field, value.to_string())
    }

    #[test]
    fn a_new_plan_is_bound_to_the_unit() {
        let form = apply(
            PlanForm::default(),
            vec![
                PlanAction::Title(PlanForm::default_title("Xã Cửu An")),
                PlanAction::Add,
                edit(0, Field::Indicator, "households_learning_family"),
                edit(0, Field::Text, " Hộ gia đình học tập "),
                edit(0, Field::Target2025, "72,5"),
                edit(0, Field::Target2030, "90"),
                edit(0, Field::Responsible, "Hội Khuyến học xã"),
                PlanAction::Add,
                edit(1, Field::Text, "Tuyên truyền"),
            ],
        );
        assert!(form.dirty);
        let plan = form.build("commune:00004:2025", "Xã Cửu An").expect("a plan");
        assert_eq!(
            (plan.id.as_str(), plan.unit.level.as_str(), plan.unit.id.as_deref(), plan.kind),
            ("ke-hoach-commune-00004-2025", "commune", Some("commune:00004:2025"), PlanKind::Local)
        );
        assert_eq!(plan.title, "Kế hoạch xây dựng xã hội học tập của Xã Cửu An");
        let t = &plan.targets[0];
        assert_eq!(
            (t.indicator.as_deref(), t.text.as_str(), t.target_2025, t.target_2030, t.responsible.as_deref()),
            (
                Some("households_learning_family"),
                "Hộ gia đình học tập",
                Some(Percent::from_hundredths(7250)),
                Some(Percent::from_whole(90)),
                Some("Hội Khuyến học xã")
            )
        );
        assert_eq!((plan.targets[1].indicator.clone(), plan.targets[1].target_2025), (None, None));
    }

    #[test]
    fn every_problem_is_named_with_its_row() {
        let form = apply(
            PlanForm::default(),
            vec![
                PlanAction::Add,
                edit(0, Field::Indicator, "a"),
                edit(0, Field::Target2025, "120"),
                PlanAction::Add,
                edit(1, Field::Indicator, "a"),
                edit(1, Field::Text, "B"),
                edit(1, Field::Target2030, "abc"),
            ],
        );
        assert_eq!(
            form.build("commune:1:2025", "Xã A"),
            Err(vec![
                "Kế hoạch cần có tên.".to_string(),
                "Chỉ tiêu 1: chưa ghi nội dung.".to_string(),
                "Chỉ tiêu 1: chỉ tiêu 2025: 120 % nằm ngoài khoảng 0–100 %.".to_string(),
                "Chỉ tiêu 2: tỷ lệ này đã có chỉ tiêu ở trên; mỗi tỷ lệ chỉ một chỉ tiêu.".to_string(),
                "Chỉ tiêu 2: chỉ tiêu 2030: “abc” không phải tỷ lệ phần trăm (ví dụ 70 hoặc 72,5).".to_string(),
            ])
        );
    }

    fn set(field: PlanField, value: &str) -> PlanAction {
        PlanAction::Set(field, value.to_string())
    }

    #[test]
    fn a_new_plan_has_the_national_period_and_the_unit_as_issuer() {
        let form = apply(PlanForm::default(), vec![PlanAction::Title("KH".into())]);
        let plan = form.build("province:52:2025", "Tỉnh Gia Lai").expect("a plan");
        assert_eq!((plan.period_from, plan.period_to, plan.deadline), (2021, 2030, None));
        assert_eq!(plan.document, PlanDocument { number: None, date: None, issuer: "Tỉnh Gia Lai".into() });
        assert_eq!(plan.unit.level, "province");
    }

    #[test]
    fn period_document_and_deadline_as_typed() {
        let form = apply(
            PlanForm::default(),
            vec![
                PlanAction::Title("KH".into()),
                set(PlanField::PeriodFrom, " 2022 "),
                set(PlanField::PeriodTo, "2025"),
                set(PlanField::DocumentNumber, " 45/KH-UBND "),
                set(PlanField::DocumentDate, "3/2022"),
                set(PlanField::Issuer, "UBND tỉnh Gia Lai"),
                set(PlanField::Deadline, "5/12"),
                set(PlanField::DeadlineTo, " Bộ Giáo dục và Đào tạo "),
            ],
        );
        let plan = form.build("province:52:2025", "Tỉnh Gia Lai").expect("a plan");
        assert_eq!((plan.period_from, plan.period_to), (2022, 2025));
        assert_eq!(
            plan.document,
            PlanDocument {
                number: Some("45/KH-UBND".into()),
                date: Some("2022-03".into()),
                issuer: "UBND tỉnh Gia Lai".into()
            }
        );
        assert_eq!(plan.deadline, Some(Deadline { day: 5, month: 12, to: Some("Bộ Giáo dục và Đào tạo".into()) }));
        // Loaded back, the fields read as they are typed.
        let again = apply(PlanForm::default(), vec![PlanAction::Load(Some(Box::new(plan)))]);
        assert_eq!(
            (again.document_date.as_str(), again.deadline.as_str(), again.period_from.as_str()),
            ("03/2022", "05/12", "2022")
        );
        let full = apply(again, vec![set(PlanField::DocumentDate, "15/03/2022")]);
        assert_eq!(full.build("x", "X").expect("a plan").document.date.as_deref(), Some("2022-03-15"));
    }

    #[test]
    fn every_field_problem_is_named() {
        let check = |actions: Vec<PlanAction>, expected: &[&str]| {
            let mut all = vec![PlanAction::Title("KH".into())];
            all.extend(actions);
            let problems = apply(PlanForm::default(), all).build("commune:1:2025", "Xã A").expect_err("refused");
            assert_eq!(problems, expected.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        };
        check(
            vec![set(PlanField::PeriodFrom, "2030"), set(PlanField::PeriodTo, "2021")],
            &["Giai đoạn: năm kết thúc 2021 trước năm bắt đầu 2030."],
        );
        check(
            vec![set(PlanField::PeriodFrom, "21"), set(PlanField::PeriodTo, "")],
            &["Giai đoạn: năm bắt đầu “21” không phải năm (ví dụ 2021).", "Giai đoạn: chưa ghi năm kết thúc."],
        );
        check(vec![set(PlanField::PeriodTo, "2200")], &["Giai đoạn: năm kết thúc 2200 nằm ngoài khoảng 2000–2100."]);
        check(
            vec![set(PlanField::DocumentDate, "31/02/2022")],
            &["Ngày ban hành: “31/02/2022” không phải ngày (ví dụ 15/03/2022, hoặc 03/2022 khi văn bản không ghi ngày)."],
        );
        check(
            vec![set(PlanField::DocumentDate, "13/2022")],
            &["Ngày ban hành: “13/2022” không phải ngày (ví dụ 15/03/2022, hoặc 03/2022 khi văn bản không ghi ngày)."],
        );
        check(vec![set(PlanField::Deadline, "31/11")], &["Hạn báo cáo: ngày 31/11 không có thật."]);
        check(
            vec![set(PlanField::Deadline, "29/2")],
            &["Hạn báo cáo: ngày 29/02 không có trong mọi năm; hãy chọn ngày khác."],
        );
        check(vec![set(PlanField::Deadline, "15-11")], &["Hạn báo cáo: “15-11” không phải ngày/tháng (ví dụ 15/11)."]);
        check(
            vec![set(PlanField::DeadlineTo, "UBND tỉnh")],
            &["Hạn báo cáo: đã ghi nơi nhận thì cần ghi cả ngày/tháng (ví dụ 15/11)."],
        );
    }

    #[test]
    fn an_existing_plan_keeps_everything_but_what_the_form_edits() {
        let base = Plan {
            id: "cuu-an".into(),
            title: "Kế hoạch Cửu An".into(),
            kind: PlanKind::Local,
            period_from: 2022,
            period_to: 2030,
            source: "seed".into(),
            unit: PlanUnit { level: "commune".into(), name: "Xã Cửu An".into(), parent: None, id: None },
            document: PlanDocument { number: Some("12/KH-UBND".into()), date: None, issuer: "UBND xã".into() },
            deadline: None,
            targets: vec![Target {
                indicator: None,
                text: "Quán triệt".into(),
                target_2025: Some(Percent::from_whole(100)),
                target_2030: None,
                responsible: None,
            }],
        };
        let form = apply(PlanForm::default(), vec![PlanAction::Load(Some(Box::new(base.clone())))]);
        assert!(!form.dirty);
        assert_eq!(form.rows[0].target_2025, "100");
        let form = apply(
            form,
            vec![PlanAction::Remove(0), PlanAction::Remove(7), PlanAction::Add, edit(0, Field::Text, "Mới")],
        );
        let plan = form.build("commune:1:old", "ignored").expect("a plan");
        assert_eq!(
            (plan.id.as_str(), plan.period_from, plan.document.number.as_deref(), plan.document.issuer.as_str()),
            ("cuu-an", 2022, Some("12/KH-UBND"), "UBND xã")
        );
        assert_eq!((plan.source.as_str(), plan.unit.name.as_str()), ("seed", "Xã Cửu An"));
        assert_eq!(plan.targets.len(), 1);
        assert_eq!(plan.targets[0].text, "Mới");
    }
}
