//! A province-sized data generator for benchmarks (`hoctap generate`): communes of a
//! real province, each with hamlets, households and people (ages, digital skills,
//! clans, membership of agencies), and evaluations scored and recognised across years,
//! made of the operations devices would push and loaded through [`crate::sync::push`].
//!
//! Deterministic: the same seed and sizes give the same operations, byte for byte
//! (every choice comes from a SplitMix64 stream seeded by the seed and the commune's
//! place), so loading twice changes nothing and a benchmark can be rerun on equal data.

use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::date::Date;
use hoctap_shared::protocol::{Decision, Operation, RecordId, RecordKind};
use hoctap_shared::units::{OrgUnit, UnitKind};
use serde_json::json;

use crate::sample::{evaluation, id, CitizenSets, Device, Stage};
use crate::Catalog;

/// The sizes and shares of a generated province.
#[derive(Debug, Clone, PartialEq)]
pub struct Size {
    /// A province code (`79`); `None` picks the first province with enough communes.
    pub province: Option<String>,
    pub communes: usize,
    pub hamlets: usize,
    pub households: usize,
    pub years: Vec<i32>,
    /// Share of people aged 15 and over evaluated as Learning Citizens each year.
    pub citizens: f64,
    /// Share of households evaluated as Learning Families each year.
    pub families: f64,
    pub seed: u64,
}

impl Default for Size {
    /// The default province: 100 communes × 25 hamlets × 250 households (about
    /// 2.5 million people), evaluated in 2025 and 2026.
    fn default() -> Size {
        Size {
            province: None,
            communes: 100,
            hamlets: 25,
            households: 250,
            years: vec![2025, 2026],
            citizens: 0.2,
            families: 0.3,
            seed: 1,
        }
    }
}

/// SplitMix64: small, fast and good enough to make data look varied.
#[derive(Debug, Clone)]
struct Rng(u64);

impl Rng {
    fn new(seed: u64, stream: u64) -> Rng {
        let mut rng = Rng(seed ^ stream.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        rng.next();
        rng
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// True with probability `p`.
    fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương",
    "Lý",
];
const MIDDLE_MEN: &[&str] = &["Văn", "Hữu", "Đức", "Minh", "Quốc", "Thành", "Công"];
const MIDDLE_WOMEN: &[&str] = &["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mỹ"];
const GIVEN: &[&str] = &[
    "An", "Bình", "Chi", "Dũng", "Giang", "Hà", "Hải", "Hoa", "Hùng", "Hương", "Lan", "Long", "Mai", "Nam", "Phúc",
    "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tuấn", "Vy", "Yến", "Ánh", "Đạt", "Ơn", "Lực", "Nhung",
];
const AGENCIES: &[&str] = &[
    "Trường Tiểu học",
    "Trường Trung học cơ sở",
    "Trường Mầm non",
    "Trạm Y tế",
    "Ủy ban nhân dân xã",
    "Hợp tác xã Nông nghiệp",
];

/// The province and the communes a size asks for, in code order.
pub fn communes<'a>(catalog: &'a Catalog, size: &Size) -> Result<(&'a OrgUnit, Vec<&'a OrgUnit>), String> {
    let units = &catalog.units;
    let current = |u: &&OrgUnit| u.valid_to.is_none();
    let provinces: Vec<&OrgUnit> =
        units.units.values().filter(|u| u.kind == UnitKind::Province).filter(current).collect();
    let province = match &size.province {
        Some(code) => provinces
            .iter()
            .find(|p| p.code.as_deref() == Some(code.as_str()))
            .copied()
            .ok_or_else(|| format!("không có tỉnh, thành phố mã {code}"))?,
        None => provinces
            .iter()
            .find(|p| units.children(&p.id).filter(current).count() >= size.communes)
            .copied()
            .ok_or_else(|| format!("không tỉnh nào có đủ {} xã, phường", size.communes))?,
    };
    let communes: Vec<&OrgUnit> = units.children(&province.id).filter(current).take(size.communes).collect();
    if communes.len() < size.communes {
        return Err(format!("{} chỉ có {} xã, phường", province.full_name(), communes.len()));
    }
    Ok((province, communes))
}

/// The criteria sets the generator scores with, by model.
struct Sets<'a> {
    citizen: CitizenSets<'a>,
    family: &'a CriteriaSet,
    clan: &'a CriteriaSet,
    unit: &'a CriteriaSet,
    hamlet: &'a CriteriaSet,
    commune: &'a CriteriaSet,
}

impl<'a> Sets<'a> {
    fn of(catalog: &'a Catalog) -> Result<Sets<'a>, String> {
        let set = |id: &str| catalog.newest_set(id).ok_or_else(|| format!("thiếu bộ tiêu chí {id}"));
        Ok(Sets {
            citizen: CitizenSets::of(catalog).ok_or_else(|| "thiếu bộ tiêu chí Công dân học tập".to_string())?,
            family: set("gdht-448-2016")?,
            clan: set("dhht-448-2016")?,
            unit: set("dvht-tt24-2023")?,
            hamlet: set("cdht-thon-448-2016")?,
            commune: set("xa-tt25-2023")?,
        })
    }
}

/// The operations of the `index`-th commune of the province, in an order a device could
/// have pushed them (records before the evaluations that name them).
pub fn commune_ops(catalog: &Catalog, size: &Size, commune: &OrgUnit, index: usize) -> Result<Vec<Operation>, String> {
    let sets = Sets::of(catalog)?;
    let code = commune.code.clone().unwrap_or_else(|| index.to_string());
    let mut rng = Rng::new(size.seed, index as u64 + 1);
    let mut d = Device::with_id(format!("sinh-{}-{code}", size.seed));
    let mut ops = Vec::new();
    let authority = format!("Ủy ban nhân dân {}", commune.full_name().to_lowercase());
    let decision = |year: i32| Decision {
        number: format!("{}/QĐ-UBND", 100 + year - 2020),
        date: Date::new(year, 11, 20).unwrap_or(hoctap_shared::units::REFORM_DATE),
        authority: authority.clone(),
        override_reason: None,
        proposer: None,
    };
    let stage = |rng: &mut Rng| match rng.below(20) {
        0..=1 => Stage::Draft,
        2..=4 => Stage::Submitted,
        _ => Stage::Recognised,
    };
    let evaluate = |d: &mut Device,
                    rng: &mut Rng,
                    unit: &str,
                    key: String,
                    set: &CriteriaSet,
                    subject: &RecordId,
                    year: i32| {
        let weak = rng.chance(0.2);
        evaluation(d, unit, format!("{code}-dg-{key}-{year}"), set, subject, year, weak, stage(rng), &decision(year))
    };

    // Agencies and clans of the commune.
    let agencies: Vec<RecordId> = AGENCIES
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let agency = id(RecordKind::Unit, format!("{code}-dv-{i}"));
            ops.push(d.fields(&commune.id, &agency, &[("name", json!(format!("{name} {}", commune.name)))]));
            agency
        })
        .collect();
    let clans: Vec<RecordId> = (0..(size.hamlets * size.households / 120).max(1))
        .map(|i| {
            let clan = id(RecordKind::Clan, format!("{code}-dh-{i}"));
            let name = format!("Dòng họ {} {}", FAMILY[i % FAMILY.len()], i / FAMILY.len() + 1);
            ops.push(d.fields(&commune.id, &clan, &[("name", json!(name))]));
            clan
        })
        .collect();

    let kind_of_hamlet = if commune.unit_type == "Phường" { "Tổ dân phố" } else { "Thôn" };
    let mut hamlets = Vec::new();
    for h in 0..size.hamlets {
        let key = format!("{code}-th-{h}");
        let record = id(RecordKind::Hamlet, key.clone());
        ops.push(d.fields(
            &commune.id,
            &record,
            &[("name", json!((h + 1).to_string())), ("unit_type", json!(kind_of_hamlet))],
        ));
        let unit = format!("hamlet:{key}");
        for hh in 0..size.households {
            let household = id(RecordKind::Household, format!("{key}-ho-{hh}"));
            let family = rng.pick(FAMILY);
            let people = 1 + rng.below(4) + rng.below(3); // 1 to 6, four on average.
            let mut fields = vec![
                ("ten_chu_ho", json!(format!("{family} {} {}", rng.pick(MIDDLE_MEN), rng.pick(GIVEN)))),
                ("dia_chi", json!(format!("{kind_of_hamlet} {}, {}", h + 1, commune.full_name()))),
            ];
            if rng.chance(0.5) {
                fields.push(("clan", json!(clans[rng.below(clans.len())].id)));
            }
            ops.push(d.fields(&unit, &household, &fields));
            for p in 0..people {
                let person = id(RecordKind::Person, format!("{key}-ng-{hh}-{p}"));
                let age = match p {
                    0 | 1 => 25 + rng.below(50),
                    _ => rng.below(30),
                };
                let birth_year = 2026 - age as i64;
                let middle = if rng.chance(0.5) { rng.pick(MIDDLE_MEN) } else { rng.pick(MIDDLE_WOMEN) };
                let skill = match (age, rng.below(10)) {
                    (0..=9, _) => "none",
                    (_, 0..=2) => "none",
                    (_, 3..=7) => "basic",
                    _ => "proficient",
                };
                let mut fields = vec![
                    ("name", json!(format!("{family} {middle} {}", rng.pick(GIVEN)))),
                    ("birth_year", json!(birth_year)),
                    ("household", json!(household.id)),
                    ("digital_skill", json!(skill)),
                ];
                if (18..60).contains(&age) && rng.chance(0.1) {
                    fields.push(("member_of", json!(agencies[rng.below(agencies.len())].id)));
                }
                if rng.chance(0.3) {
                    fields.push(("learner", json!(true)));
                }
                ops.push(d.fields(&unit, &person, &fields));
                for &year in &size.years {
                    if age + (year as usize) >= 15 + 2026 && rng.chance(size.citizens) {
                        ops.extend(evaluate(
                            &mut d,
                            &mut rng,
                            &unit,
                            format!("cd-{hh}-{p}-{h}"),
                            sets.citizen.for_year(year),
                            &person,
                            year,
                        ));
                    }
                }
            }
            for &year in &size.years {
                if rng.chance(size.families) {
                    ops.extend(evaluate(
                        &mut d,
                        &mut rng,
                        &unit,
                        format!("gd-{h}-{hh}"),
                        sets.family,
                        &household,
                        year,
                    ));
                }
            }
        }
        hamlets.push(record);
    }
    for &year in &size.years {
        for (i, clan) in clans.iter().enumerate() {
            if rng.chance(0.5) {
                ops.extend(evaluate(&mut d, &mut rng, &commune.id, format!("dh-{i}"), sets.clan, clan, year));
            }
        }
        for (i, agency) in agencies.iter().enumerate() {
            if rng.chance(0.6) {
                ops.extend(evaluate(&mut d, &mut rng, &commune.id, format!("dv-{i}"), sets.unit, agency, year));
            }
        }
        for (i, hamlet) in hamlets.iter().enumerate() {
            if rng.chance(0.5) {
                ops.extend(evaluate(&mut d, &mut rng, &commune.id, format!("cd-thon-{i}"), sets.hamlet, hamlet, year));
            }
        }
        // The commune itself, the subject being its People's Committee.
        ops.extend(evaluate(&mut d, &mut rng, &commune.id, "xa".to_string(), sets.commune, &agencies[4], year));
    }
    Ok(ops)
}

/// What loading operations did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loaded {
    pub accepted: usize,
    pub duplicates: usize,
}

/// Pushes `ops` through [`crate::sync::push`] in batches of the protocol's size, as a
/// device would; any rejection stops the load with its reason.
pub async fn load(state: &crate::AppState, ops: &[Operation]) -> Result<Loaded, crate::ApiError> {
    let mut loaded = Loaded::default();
    for batch in ops.chunks(hoctap_shared::protocol::MAX_OPS_PER_PUSH) {
        let response = crate::sync::push(state, batch, crate::sync::Pusher::Replay).await?;
        if let Some(rejected) = response.rejected.first() {
            return Err(crate::ApiError::BadRequest {
                detail: format!("thao tác {} bị từ chối ({}): {}", rejected.op, rejected.code, rejected.message),
            });
        }
        loaded.accepted += response.accepted.len();
        loaded.duplicates += response.duplicates.len();
    }
    Ok(loaded)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Size {
        Size { communes: 2, hamlets: 2, households: 5, ..Size::default() }
    }

    #[test]
    fn generated_communes_are_deterministic_unique_and_varied() {
        let catalog = Catalog::load_shipped().expect("catalogue");
        let size = small();
        let (province, communes) = communes(&catalog, &size).expect("province");
        assert_eq!(communes.len(), 2);
        assert!(communes.iter().all(|c| c.parent.as_deref() == Some(province.id.as_str())));
        let a = commune_ops(&catalog, &size, communes[0], 0).expect("ops");
        assert_eq!(a, commune_ops(&catalog, &size, communes[0], 0).expect("ops"));
        let b = commune_ops(&catalog, &size, communes[1], 1).expect("ops");
        let mut ids: Vec<&str> = a.iter().chain(&b).map(|op| op.id.as_str()).collect();
        let all = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all, "operation ids are unique");
        let other_seed = Size { seed: 2, ..small() };
        assert_ne!(a, commune_ops(&catalog, &other_seed, communes[0], 0).expect("ops"));
    }

    #[test]
    fn a_missing_province_or_too_many_communes_is_refused_in_vietnamese() {
        let catalog = Catalog::load_shipped().expect("catalogue");
        let unknown = Size { province: Some("999".to_string()), ..small() };
        assert_eq!(communes(&catalog, &unknown).err().as_deref(), Some("không có tỉnh, thành phố mã 999"));
        let huge = Size { communes: 100_000, ..small() };
        assert!(communes(&catalog, &huge).err().is_some_and(|e| e.contains("100000 xã")));
    }
}
