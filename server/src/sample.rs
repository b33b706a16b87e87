//! Sample data: a small, deterministic commune to try hoctap with and to test reports
//! on. Xã Cửu An (Gia Lai), formed on 1 July 2025 from four old communes merged whole,
//! with three hamlets of today and their households and people scored in 2025 and 2026,
//! and history from 2021 to 2024 kept under two of the old communes (Cửu An and Tú An);
//! and Phường Ngọc Hà (Hà Nội), an old ward split between new wards, with two residential
//! groups whose records wait for an assignment.
//!
//! Everything is made of operations that go through [`crate::sync::push`], like a
//! device's. Ids and clocks are derived from the names, so loading twice changes nothing.

use hoctap_shared::consolidation::SET_VERSION_FIELD;
use hoctap_shared::criteria::{CriteriaSet, Measure};
use hoctap_shared::date::Date;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::protocol::{Decision, FieldEdit, OpBody, Operation, RecordId, RecordKind, Transition};
use hoctap_shared::scoring::Answer;
use serde_json::{json, Value};

use crate::Catalog;

/// Xã Cửu An of today.
pub const CUU_AN: &str = "commune:23629:2025";
/// Two of the old communes it was formed from.
pub const OLD_CUU_AN: &str = "commune:23629:old";
pub const OLD_TU_AN: &str = "commune:23626:old";
/// An old ward split between new wards (Hà Nội).
pub const OLD_NGOC_HA: &str = "commune:00016:old";

/// Mints the operations of one device with a ticking clock (also used by
/// [`crate::generate`]).
#[derive(Debug)]
pub(crate) struct Device {
    /// The device id, which also prefixes its operation ids.
    device: String,
    hlc: Hlc,
    made: u32,
    now_ms: i64,
}

impl Device {
    fn new(name: &str) -> Device {
        Device::with_id(format!("mau-{name}"))
    }

    pub(crate) fn with_id(device: String) -> Device {
        // 1 January 2026, 08:00 in Vietnam.
        Device { hlc: Hlc::zero(&device), device, made: 0, now_ms: 1_767_229_200_000 }
    }

    pub(crate) fn op(&mut self, unit: &str, record: &RecordId, body: OpBody) -> Operation {
        self.made += 1;
        self.now_ms += 1_000;
        self.hlc = self.hlc.tick(self.now_ms);
        Operation {
            id: format!("{}-{:05}", self.device, self.made),
            device: self.device.clone(),
            hlc: self.hlc.clone(),
            record: record.clone(),
            unit: unit.to_string(),
            body,
        }
    }

    pub(crate) fn fields(&mut self, unit: &str, record: &RecordId, fields: &[(&str, Value)]) -> Operation {
        let fields = fields
            .iter()
            .map(|(field, value)| FieldEdit { field: (*field).to_string(), value: value.clone(), base: vec![] })
            .collect();
        self.op(unit, record, OpBody::SetFields { fields })
    }
}

pub(crate) fn id(kind: RecordKind, id: String) -> RecordId {
    RecordId { kind, id }
}

/// How far an evaluation got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    Draft,
    Submitted,
    Recognised,
}

/// Scores every indicator of `set` (full marks, or one short on every other indicator
/// when `weak`) and moves the evaluation to `stage`.
#[allow(clippy::too_many_arguments)]
pub(crate) fn evaluation(
    d: &mut Device,
    unit: &str,
    eval_id: String,
    set: &CriteriaSet,
    subject: &RecordId,
    year: i32,
    weak: bool,
    stage: Stage,
    decision: &Decision,
) -> Vec<Operation> {
    let e = id(RecordKind::Evaluation, eval_id);
    let subject_json = serde_json::to_value(subject).unwrap_or_default();
    let mut fields = vec![
        ("set", json!(set.id)),
        (SET_VERSION_FIELD, json!(set.version)),
        ("subject", subject_json),
        ("year", json!(year)),
    ];
    // A set with subject groups is scored on one group's list: the sample's people are
    // villagers (người dân trong xã, the first group of QĐ 324).
    if let Some(group) = set.subject_groups.first() {
        fields.push(("context", json!({ "area": null, "tags": [], "subject_group": group.code })));
    }
    let mut ops = vec![d.fields(unit, &e, &fields)];
    for (i, indicator) in set.indicators().enumerate() {
        let short = weak && i % 2 == 0;
        let answer = match &indicator.measure {
            Measure::Points { max } => Answer::Points(if short { hoctap_shared::number::Points::ZERO } else { *max }),
            Measure::Met { .. } => Answer::Met(!short),
            _ => Answer::Share { numerator: if short { 3 } else { 10 }, denominator: 10 },
        };
        ops.push(d.op(unit, &e, OpBody::SetScore { indicator: indicator.code.clone(), answer, base: vec![] }));
    }
    let step = |t: Transition| OpBody::Transition { transition: t };
    if stage != Stage::Draft {
        ops.push(d.op(unit, &e, step(Transition::Submit)));
    }
    if stage == Stage::Recognised {
        ops.push(d.op(unit, &e, step(Transition::Approve)));
        ops.push(d.op(unit, &e, step(Transition::Recognise { decision: decision.clone() })));
    }
    ops
}

const FAMILY_NAMES: &[&str] = &["Nguyễn", "Trần", "Lê", "Phạm", "Đinh", "Võ", "Huỳnh", "Rơ Châm", "Siu", "Đặng"];
const GIVEN_NAMES: &[&str] =
    &["Văn Hùng", "Thị Hằng", "Văn Lực", "Thị Mai", "Đức Anh", "Thị Ánh", "Văn Ơn", "Thị Hương", "H'Bia", "Minh Tâm"];

/// The Learning Citizen sets: QĐ 324 for the years it is in force, QĐ 244 before.
#[derive(Clone, Copy)]
pub(crate) struct CitizenSets<'a> {
    pub before: &'a CriteriaSet,
    pub current: &'a CriteriaSet,
}

impl<'a> CitizenSets<'a> {
    pub fn of(catalog: &'a Catalog) -> Option<CitizenSets<'a>> {
        let set = |id: &str| catalog.newest_set(id);
        Some(CitizenSets { before: set("cdht-244-2022")?, current: set("cdht-324-2023")? })
    }

    /// The set an evaluation of `year` is made with.
    pub fn for_year(self, year: i32) -> &'a CriteriaSet {
        if self.current.in_force_during(year) {
            self.current
        } else {
            self.before
        }
    }
}

/// A hamlet with `households` households of four people each, evaluated in `years`.
#[allow(clippy::too_many_arguments)]
fn hamlet(
    d: &mut Device,
    sets: (CitizenSets, &CriteriaSet),
    commune: &str,
    key: &str,
    (unit_type, name): (&str, &str),
    households: usize,
    years: &[i32],
    decision_of: &dyn Fn(i32) -> Decision,
) -> Vec<Operation> {
    let (citizen_set, family_set) = sets;
    let hamlet_record = id(RecordKind::Hamlet, key.to_string());
    let unit = format!("hamlet:{key}");
    let mut ops = vec![d.fields(commune, &hamlet_record, &[("name", json!(name)), ("unit_type", json!(unit_type))])];
    let name = format!("{unit_type} {name}");
    for h in 0..households {
        let household = id(RecordKind::Household, format!("{key}-ho-{h:03}"));
        let family = FAMILY_NAMES[(h * 7 + key.len()) % FAMILY_NAMES.len()];
        let head = format!("{family} {}", GIVEN_NAMES[h % GIVEN_NAMES.len()]);
        ops.push(d.fields(&unit, &household, &[("ten_chu_ho", json!(head)), ("dia_chi", json!(name.clone()))]));
        for p in 0..4 {
            let person = id(RecordKind::Person, format!("{key}-nguoi-{h:03}-{p}"));
            let given = GIVEN_NAMES[(h + p * 3) % GIVEN_NAMES.len()];
            let birth_year = [1968, 1972, 1998, 2014][p] + (h % 5) as i64;
            let skill = ["basic", "proficient", "none", "basic"][(h + p) % 4];
            ops.push(d.fields(
                &unit,
                &person,
                &[
                    ("name", json!(format!("{family} {given}"))),
                    ("birth_year", json!(birth_year)),
                    ("household", json!(household.id)),
                    ("digital_skill", json!(skill)),
                ],
            ));
            for &year in years {
                // Adults only; more of them each year.
                if p >= 3 || (h + p + year as usize).is_multiple_of(5) {
                    continue;
                }
                let stage = if (h + p) % 7 == 3 { Stage::Submitted } else { Stage::Recognised };
                let eval_id = format!("{key}-cdht-{h:03}-{p}-{year}");
                let decision = decision_of(year);
                let set = citizen_set.for_year(year);
                ops.extend(evaluation(d, &unit, eval_id, set, &person, year, false, stage, &decision));
            }
        }
        for &year in years {
            let weak = (h + year as usize).is_multiple_of(4);
            let stage = if h % 9 == 4 { Stage::Draft } else { Stage::Recognised };
            let eval_id = format!("{key}-gdht-{h:03}-{year}");
            let decision = decision_of(year);
            ops.extend(evaluation(d, &unit, eval_id, family_set, &household, year, weak, stage, &decision));
        }
    }
    ops
}

/// Every sample operation, in an order a device could have pushed them.
pub fn operations(catalog: &Catalog) -> Vec<Operation> {
    let set = |id: &str| catalog.newest_set(id);
    let (Some(citizen), Some(family)) = (CitizenSets::of(catalog), set("gdht-448-2016")) else {
        return Vec::new();
    };
    let sets = (citizen, family);
    let decision = |number: &str, authority: &str, year: i32| Decision {
        number: number.to_string(),
        date: Date::new(year, 11, 20).unwrap_or(hoctap_shared::units::REFORM_DATE),
        authority: authority.to_string(),
        override_reason: None,
        // Proposed by the commune's Hội Khuyến học, as the sample plans describe.
        proposer: authority.strip_prefix("Ủy ban nhân dân ").map(|place| format!("Hội Khuyến học {place}")),
    };
    let mut d = Device::new("cuu-an");
    let mut ops = Vec::new();
    let today = |year: i32| decision(&format!("{}/QĐ-UBND", 10 + year - 2025), "Ủy ban nhân dân xã Cửu An", year);
    for (key, name, households) in [
        ("cuu-an-thon-1", ("Thôn", "1"), 12),
        ("cuu-an-thon-2", ("Thôn", "2"), 10),
        ("cuu-an-de-cho", ("Làng", "Đê Chơ"), 8),
    ] {
        ops.extend(hamlet(&mut d, sets, CUU_AN, key, name, households, &[2025, 2026], &today));
    }
    let old_cuu_an = |year: i32| decision(&format!("{}/QĐ-UBND", 40 + year - 2021), "Ủy ban nhân dân xã Cửu An", year);
    ops.extend(hamlet(
        &mut d,
        sets,
        OLD_CUU_AN,
        "cu-cuu-an-thon-1",
        ("Thôn", "1"),
        10,
        &[2021, 2022, 2023, 2024],
        &old_cuu_an,
    ));
    let old_tu_an = |year: i32| decision(&format!("{}/QĐ-UBND", 60 + year - 2021), "Ủy ban nhân dân xã Tú An", year);
    ops.extend(hamlet(&mut d, sets, OLD_TU_AN, "cu-tu-an-thon-3", ("Thôn", "3"), 8, &[2022, 2023, 2024], &old_tu_an));
    let mut d = Device::new("ngoc-ha");
    let ngoc_ha =
        |year: i32| decision(&format!("{}/QĐ-UBND", 80 + year - 2021), "Ủy ban nhân dân phường Ngọc Hà", year);
    for (key, name) in [("cu-ngoc-ha-tdp-1", ("Tổ dân phố", "1")), ("cu-ngoc-ha-tdp-2", ("Tổ dân phố", "2"))]
    {
        ops.extend(hamlet(&mut d, sets, OLD_NGOC_HA, key, name, 5, &[2023, 2024], &ngoc_ha));
    }
    ops
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sample_is_deterministic_and_unique() {
        let catalog = Catalog::load_shipped().expect("catalogue");
        let a = operations(&catalog);
        let b = operations(&catalog);
        assert_eq!(a, b);
        assert!(a.len() > 2_000, "{} operations", a.len());
        let mut ids: Vec<&str> = a.iter().map(|op| op.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), a.len());
    }
}
