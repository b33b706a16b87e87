//! The editor of a unit's own plan (kế hoạch): its title and targets as typed — the
//! percentages as text, so "72,5" survives until it is saved — and [`PlanForm::build`],
//! which turns them into the [`Plan`] the server checks, or says, row by row, what is
//! wrong. A `Reducible` reducer, unit-tested natively; `screens::plan` draws it.

use std::rc::Rc;

use hoctap_shared::plans::{Plan, PlanDocument, PlanKind, PlanUnit, Target};
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

/// The plan being edited.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanForm {
    /// The plan as the server last gave it (`None`: the unit has none of its own yet).
    pub base: Option<Plan>,
    pub title: String,
    pub rows: Vec<TargetDraft>,
    /// Whether anything was changed since the last load.
    pub dirty: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum PlanAction {
    /// Starts over from the server's plan (after loading or saving).
    Load(Option<Box<Plan>>),
    Title(String),
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
            PlanAction::Load(plan) => {
                let plan = plan.map(|p| *p);
                next = PlanForm {
                    title: plan.as_ref().map(|p| p.title.clone()).unwrap_or_default(),
                    rows: plan.as_ref().map(|p| p.targets.iter().map(TargetDraft::of).collect()).unwrap_or_default(),
                    base: plan,
                    dirty: false,
                };
                return Rc::new(next);
            }
            PlanAction::Title(title) => next.title = title,
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
    /// The plan to send, or every problem found ("Chỉ tiêu 2: …"). A unit without a plan
    /// of its own gets a new local plan for 2021–2030 bound to it; the server checks the
    /// rest (known ratios, periods) and answers with its diagnostics.
    pub fn build(&self, unit: &str, unit_name: &str) -> Result<Plan, Vec<String>> {
        let mut problems = Vec::new();
        let title = self.title.trim();
        if title.is_empty() {
            problems.push("Kế hoạch cần có tên.".to_string());
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
        if !problems.is_empty() {
            return Err(problems);
        }
        let plan = match &self.base {
            Some(base) => Plan { title: title.to_string(), targets, ..base.clone() },
            None => Plan {
                id: format!("ke-hoach-{}", slug(unit)),
                title: title.to_string(),
                kind: PlanKind::Local,
                period_from: 2021,
                period_to: 2030,
                source: "Nhập trên hoctap".to_string(),
                unit: PlanUnit {
                    level: unit.split(':').next().unwrap_or("commune").to_string(),
                    name: unit_name.to_string(),
                    parent: None,
                    id: Some(unit.to_string()),
                },
                document: PlanDocument { number: None, date: None, issuer: unit_name.to_string() },
                deadline: None,
                targets,
            },
        };
        Ok(plan)
    }

    /// The title a new plan starts with.
    pub fn default_title(unit_name: &str) -> String {
        format!("Kế hoạch xây dựng xã hội học tập của {unit_name}")
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

    #[test]
    fn an_existing_plan_keeps_everything_but_its_targets_and_title() {
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
            (plan.id.as_str(), plan.period_from, plan.document.number.as_deref()),
            ("cuu-an", 2022, Some("12/KH-UBND"))
        );
        assert_eq!(plan.targets.len(), 1);
        assert_eq!(plan.targets[0].text, "Mới");
    }
}
