//! Consolidation from records to figures: hand-checked counts for a small commune, a
//! unit's figures equal to the sum over its children for random data, and titles that
//! count only when recognised in the year; and the figures of a province counted part by
//! part (one part per commune, as the server caches them) equal to the figures of all
//! its records counted at once.

use std::collections::BTreeSet;

use hoctap_shared::consolidation::{combine, consolidate, evaluation_of, part, Part, SET_VERSION_FIELD};
use hoctap_shared::criteria::{self, shipped, CriteriaSet, Model};
use hoctap_shared::date::Date;
use hoctap_shared::indicators::{self, Settings};
use hoctap_shared::merge::OpSet;
use hoctap_shared::protocol::{Decision, OpBody, Operation, RecordId, RecordKind, Transition};
use hoctap_shared::scoring::Answer;
use proptest::prelude::*;
use serde_json::json;

use crate::sync::Device;

const COMMUNE: &str = "commune:00004:2025";
const OTHER_COMMUNE: &str = "commune:00006:2025";

fn parent_of(unit: &str) -> Option<String> {
    match unit {
        "hamlet:a" | "hamlet:b" | "hamlet:c" => Some(COMMUNE.to_string()),
        "hamlet:d" | "hamlet:e" => Some(OTHER_COMMUNE.to_string()),
        COMMUNE | OTHER_COMMUNE => Some("province:01:2025".to_string()),
        _ => None,
    }
}

fn record(kind: RecordKind, id: &str) -> RecordId {
    RecordId { kind, id: id.to_string() }
}

/// Ops that create a person and, when `cdht`, a recognised Learning Citizen
/// evaluation of the year.
fn person(
    d: &mut Device,
    unit: &str,
    id: &str,
    birth_year: i64,
    household: &str,
    cdht: bool,
    digital: &str,
) -> Vec<Operation> {
    let p = record(RecordKind::Person, id);
    let mut ops = vec![
        d.set(unit, &p, "name", json!(format!("Người {id}"))),
        d.set(unit, &p, "birth_year", json!(birth_year)),
        d.set(unit, &p, "household", json!(household)),
        d.set(unit, &p, "digital_skill", json!(digital)),
    ];
    if cdht {
        ops.extend(recognised(d, unit, &format!("dg-{id}"), "cdht-244-2022", &p, 2026));
    }
    ops
}

fn recognised(d: &mut Device, unit: &str, id: &str, set: &str, subject: &RecordId, year: i64) -> Vec<Operation> {
    let e = record(RecordKind::Evaluation, id);
    let step = |t: Transition| OpBody::Transition { transition: t };
    let mut ops = vec![
        d.set(unit, &e, "set", json!(set)),
        d.set(unit, &e, "subject", serde_json::to_value(subject).expect("json")),
        d.set(unit, &e, "year", json!(year)),
    ];
    let set_def = shipped::get(set).expect("set");
    for indicator in set_def.indicators() {
        let answer = match indicator.max_points() {
            Some(max) if matches!(indicator.measure, hoctap_shared::criteria::Measure::Points { .. }) => {
                Answer::Points(max)
            }
            _ => match indicator.measure {
                hoctap_shared::criteria::Measure::Met { .. } => Answer::Met(true),
                _ => Answer::Share { numerator: 10, denominator: 10 },
            },
        };
        ops.push(d.op(unit, e.clone(), OpBody::SetScore { indicator: indicator.code.clone(), answer, base: vec![] }));
    }
    let decision = Decision {
        number: "15/QĐ-UBND".into(),
        date: Date::new(2026, 11, 20).expect("date"),
        authority: "UBND phường Ba Đình".into(),
        override_reason: None,
        proposer: None,
    };
    ops.push(d.op(unit, e.clone(), step(Transition::Submit)));
    ops.push(d.op(unit, e.clone(), step(Transition::Approve)));
    ops.push(d.op(unit, e, step(Transition::Recognise { decision })));
    ops
}

/// Ops of an evaluation of `set` at `version` (none: made before versions were kept)
/// answered at full marks of that version, submitted, approved and recognised.
fn recognised_with_version(d: &mut Device, id: &str, set: &CriteriaSet, version: Option<&str>) -> Vec<Operation> {
    let (unit, e) = ("hamlet:a", record(RecordKind::Evaluation, id));
    let subject = record(RecordKind::Unit, &format!("truong-{id}"));
    let mut ops = vec![
        d.set(unit, &subject, "name", json!(format!("Trường {id}"))),
        d.set(unit, &e, "set", json!(set.id)),
        d.set(unit, &e, "subject", serde_json::to_value(&subject).expect("json")),
        d.set(unit, &e, "year", json!(2026)),
    ];
    if let Some(version) = version {
        ops.push(d.set(unit, &e, SET_VERSION_FIELD, json!(version)));
    }
    for indicator in set.indicators() {
        let answer = Answer::Points(indicator.max_points().expect("a points set"));
        ops.push(d.op(unit, e.clone(), OpBody::SetScore { indicator: indicator.code.clone(), answer, base: vec![] }));
    }
    let decision = Decision {
        number: "16/QĐ-UBND".into(),
        date: Date::new(2026, 11, 20).expect("date"),
        authority: "Ủy ban nhân dân xã".into(),
        override_reason: None,
        proposer: None,
    };
    for transition in [Transition::Submit, Transition::Approve, Transition::Recognise { decision }] {
        ops.push(d.op(unit, e.clone(), OpBody::Transition { transition }));
    }
    ops
}

/// Issue 17: TT 22's last 15 points became two items (10 + 5) in version 2020.2. An
/// evaluation made before (no version: the earliest, 2020.1, where 3.2 is out of 15)
/// keeps scoring as it was scored; a new one uses the version it names; the counts say
/// which version each used.
#[test]
fn an_evaluation_keeps_the_version_of_its_set_for_ever() {
    let every = shipped::every_version();
    let old = criteria::resolve(&every, "dvht-tt22-2020", None).expect("the earliest TT 22").clone();
    let new = shipped::get("dvht-tt22-2020").expect("TT 22");
    assert_eq!((old.version.as_str(), new.version.as_str()), ("2020.1", "2020.2"));
    assert_eq!(old.indicator("3.2").and_then(|i| i.max_points()).map(|p| p.to_string()), Some("15".to_string()));
    assert_eq!(criteria::newest(&every).filter(|s| s.id == "dvht-tt22-2020").count(), 1);

    let mut d = Device::new("may-xa");
    let mut ops = recognised_with_version(&mut d, "cu", &old, None);
    ops.extend(recognised_with_version(&mut d, "moi", &new, Some(&new.version)));
    let views: Vec<_> = ops.into_iter().collect::<OpSet>().views().into_values().collect();

    // With the new text alone, the old evaluation's 15 points for 3.2 are out of range.
    let old_view = views.iter().find(|v| v.record.id == "cu").expect("old evaluation");
    let rescored = hoctap_shared::scoring::score(&new, &evaluation_of(old_view, &new.id));
    assert!(rescored.is_err(), "the old answers do not fit the amended text: {rescored:?}");

    let result = consolidate(&views, 2026, &every, &indicators::shipped(), &Settings::default(), &parent_of);
    let units = &result.units[COMMUNE].models[&Model::LearningUnit];
    assert_eq!((units.evaluated, units.recognised), (2, 2));
    assert_eq!(units.by_result.get("band:Tốt"), Some(&2), "{:?}", units.by_result);
    let by_set: Vec<(&str, u64)> = units.by_set.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    assert_eq!(by_set, [("dvht-tt22-2020@2020.1", 1), ("dvht-tt22-2020@2020.2", 1)]);
    let versions: BTreeSet<&str> = result.recognised.iter().map(|r| r.set_version.as_str()).collect();
    assert_eq!(versions, BTreeSet::from(["2020.1", "2020.2"]));
}

/// Every earlier version shipped loads, keeps its id, is older than the current one and
/// is never offered for a new evaluation.
#[test]
fn every_archived_version_loads_and_is_older_than_the_current_one() {
    for (file, parsed) in shipped::parse_every_version() {
        let set = parsed.set.unwrap_or_else(|| panic!("{file}: {:?}", parsed.diagnostics));
        let current = shipped::get(&set.id).unwrap_or_else(|| panic!("{file}: no current version of {}", set.id));
        if file.starts_with("archive/") {
            assert_eq!(file, format!("archive/{}@{}.toml", set.id, set.version));
            assert!(criteria::compare_versions(&set.version, &current.version).is_lt(), "{file}");
        }
    }
    assert_eq!(criteria::compare_versions("2020.10", "2020.9"), std::cmp::Ordering::Greater);

    // What a new evaluation of a year may use: the newest version in effect then, if
    // still in force. QĐ 244's first version (no end date) is not offered once its
    // second closed it; QĐ 324 from 2024; TT 22 in its corrected version.
    let every = shipped::every_version();
    let offered = |year: i32| -> Vec<String> {
        let mut ids: Vec<String> =
            criteria::for_year(&every, year).map(|s| format!("{}@{}", s.id, s.version)).collect();
        ids.sort();
        ids
    };
    let citizens =
        |year: i32| -> Vec<String> { offered(year).into_iter().filter(|s| s.starts_with("cdht-")).collect() };
    assert_eq!(citizens(2022), ["cdht-244-2022@2022.2", "cdht-thon-448-2016@2016.2"]);
    assert_eq!(citizens(2026), ["cdht-324-2023@2023.1", "cdht-thon-448-2016@2016.2"]);
    assert!(offered(2023).contains(&"dvht-tt22-2020@2020.2".to_string()), "{:?}", offered(2023));
    assert!(!offered(2026).iter().any(|s| s.starts_with("dvht-tt22")), "TT 24 since 2024");
    for year in 2016..=2030 {
        assert!(!offered(year).iter().any(|s| s.ends_with("@2020.1") || s.ends_with("@2022.1")), "{year}");
    }
    // A province's v2 taking effect in 2027 leaves v1 for 2026.
    let mut v1 = shipped::get("gdht-448-2016").expect("shipped");
    v1.id = "gdht-tinh".into();
    v1.version = "2026.1".into();
    v1.effective_from = hoctap_shared::date::Date::new(2026, 1, 1).expect("date");
    let v2 = CriteriaSet {
        version: "2027.1".into(),
        effective_from: hoctap_shared::date::Date::new(2027, 1, 1).expect("date"),
        ..v1.clone()
    };
    let province = [v1, v2];
    let version = |year: i32| criteria::for_year(&province, year).map(|s| s.version.clone()).collect::<Vec<_>>();
    assert_eq!((version(2025), version(2026), version(2027)), (vec![], vec!["2026.1".into()], vec!["2027.1".into()]));
    assert_eq!(shipped::every_version().len(), shipped::FILES.len() + shipped::ARCHIVE.len());
}

#[test]
fn a_small_commune_counted_by_hand() {
    let mut d = Device::new("may-xa");
    let mut ops = Vec::new();
    let h1 = record(RecordKind::Household, "ho-1");
    ops.push(d.set("hamlet:a", &h1, "ten_chu_ho", json!("Nguyễn Văn An")));
    ops.extend(recognised(&mut d, "hamlet:a", "dg-ho-1", "gdht-448-2016", &h1, 2026));
    ops.push(d.set("hamlet:b", &record(RecordKind::Household, "ho-2"), "ten_chu_ho", json!("Lê Thị Bình")));
    // Hamlet a: two adults of a learning family, one a Learning Citizen with basic
    // digital skills; a child. Hamlet b: one adult Learning Citizen, proficient.
    ops.extend(person(&mut d, "hamlet:a", "p1", 1980, "ho-1", true, "basic"));
    ops.extend(person(&mut d, "hamlet:a", "p2", 1985, "ho-1", false, "none"));
    ops.extend(person(&mut d, "hamlet:a", "p3", 2016, "ho-1", false, "none"));
    ops.extend(person(&mut d, "hamlet:b", "p4", 1990, "ho-2", true, "proficient"));
    // A title recognised for another year does not count in 2026.
    ops.extend(person(&mut d, "hamlet:b", "p5", 1970, "ho-2", false, "none"));
    ops.extend(recognised(&mut d, "hamlet:b", "dg-p5-2025", "cdht-244-2022", &record(RecordKind::Person, "p5"), 2025));

    let set: OpSet = ops.into_iter().collect();
    let views: Vec<_> = set.views().into_values().collect();
    let definitions = indicators::shipped();
    let result = consolidate(&views, 2026, &shipped::all(), &definitions, &Settings::default(), &parent_of);

    let show = |unit: &str, ratio: &str, reading: &str| {
        let c = result.units[unit].tally.get(ratio, reading);
        format!("{}/{}", c.numerator, c.denominator)
    };
    assert_eq!(show("hamlet:a", "citizens_cdht", "of_population"), "1/3");
    assert_eq!(show("hamlet:a", "adults_cdht_in_learning_groups", "in_groups"), "1/2");
    assert_eq!(show(COMMUNE, "citizens_cdht", "of_population"), "2/5");
    assert_eq!(show(COMMUNE, "adults_cdht_in_learning_groups", "all_adults"), "2/4");
    assert_eq!(show(COMMUNE, "households_learning_family", "of_households"), "1/2");
    assert_eq!(show(COMMUNE, "cdht_digital_skills", "of_cdht"), "2/2");
    assert_eq!(show(COMMUNE, "cdht_digital_proficient", "of_cdht"), "1/2");
    assert_eq!(show(COMMUNE, "communes_learning_commune", "of_communes"), "0/1");
    assert_eq!(show("province:01:2025", "citizens_cdht", "of_population"), "2/5");

    let citizens = &result.units[COMMUNE].models[&Model::LearningCitizen];
    assert_eq!((citizens.evaluated, citizens.recognised), (2, 2));
    assert_eq!(citizens.by_result.get("recognised"), Some(&2));
    let names: Vec<(Model, Option<String>)> = result.recognised.iter().map(|r| (r.model, r.name.clone())).collect();
    assert_eq!(
        names,
        [
            (Model::LearningCitizen, Some("Người p1".to_string())),
            (Model::LearningCitizen, Some("Người p4".to_string())),
            (Model::LearningFamily, Some("Nguyễn Văn An".to_string())),
        ]
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// For any records spread over three hamlets, the commune's counts are the sum of
    /// its hamlets' (the commune's own subject only adds to the communes ratio).
    #[test]
    fn prop_consolidation_unit_equals_sum_of_children(people in prop::collection::vec((0u8..3, 1940i64..2020, any::<bool>(), 0u8..3), 0..25)) {
        let mut d = Device::new("may-x");
        let mut ops = Vec::new();
        for (i, (hamlet, birth_year, cdht, digital)) in people.iter().enumerate() {
            let unit = ["hamlet:a", "hamlet:b", "hamlet:c"][*hamlet as usize];
            let digital = ["none", "basic", "proficient"][*digital as usize];
            ops.extend(person(&mut d, unit, &format!("p{i}"), *birth_year, &format!("ho-{hamlet}"), *cdht, digital));
        }
        let set: OpSet = ops.into_iter().collect();
        let views: Vec<_> = set.views().into_values().collect();
        let result = consolidate(&views, 2026, &shipped::all(), &indicators::shipped(), &Settings::default(), &parent_of);
        if let Some(commune) = result.units.get(COMMUNE) {
            for (key, counts) in &commune.tally.counts {
                if key.starts_with("communes_") {
                    continue;
                }
                let sum = ["hamlet:a", "hamlet:b", "hamlet:c"].iter().filter_map(|h| result.units.get(*h)).fold((0, 0), |acc, f| {
                    let c = f.tally.counts.get(key).copied().unwrap_or_default();
                    (acc.0 + c.numerator, acc.1 + c.denominator)
                });
                prop_assert_eq!((counts.numerator, counts.denominator), sum, "{}", key);
            }
            let province = &result.units["province:01:2025"];
            prop_assert_eq!(&province.tally, &commune.tally);
        }
    }
}

/// The commune a unit of these tests lies in.
fn commune_of(unit: &str) -> &'static str {
    if parent_of(unit).as_deref() == Some(OTHER_COMMUNE) || unit == OTHER_COMMUNE {
        OTHER_COMMUNE
    } else {
        COMMUNE
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(32))]

    /// People, households and titles spread over five hamlets of two communes: the sum
    /// of the hamlets' parts, rolled up, equals the consolidation of every record at once
    /// (each commune counted once in the communes ratio), and a part names no outside
    /// record while every household lies in its person's hamlet.
    #[test]
    fn prop_parts_add_up_to_the_whole(people in prop::collection::vec((0u8..5, 1940i64..2020, any::<bool>(), 0u8..3, 0u8..3), 0..30)) {
        let mut d = Device::new("may-x");
        let mut ops = Vec::new();
        let hamlets = ["hamlet:a", "hamlet:b", "hamlet:c", "hamlet:d", "hamlet:e"];
        for (i, (hamlet, birth_year, cdht, digital, household)) in people.iter().enumerate() {
            let unit = hamlets[*hamlet as usize];
            let digital = ["none", "basic", "proficient"][*digital as usize];
            let household = format!("ho-{hamlet}-{household}");
            ops.extend(person(&mut d, unit, &format!("p{i}"), *birth_year, &household, *cdht, digital));
            if *cdht {
                let h = record(RecordKind::Household, &household);
                ops.push(d.set(unit, &h, "ten_chu_ho", json!(format!("Hộ {household}"))));
                ops.extend(recognised(&mut d, unit, &format!("gd-{household}-{i}"), "gdht-448-2016", &h, 2026));
            }
        }
        let set: OpSet = ops.into_iter().collect();
        let views: Vec<_> = set.views().into_values().collect();
        let (sets, definitions, settings) = (shipped::all(), indicators::shipped(), Settings::default());
        let whole = consolidate(&views, 2026, &sets, &definitions, &settings, &parent_of);
        let mut sum = Part { year: 2026, ..Part::default() };
        for hamlet in hamlets {
            let own: Vec<_> = views.iter().filter(|v| v.unit == hamlet).cloned().collect();
            let p = part(&own, 2026, &sets, &definitions, &settings, &parent_of, &BTreeSet::new());
            let outside: Vec<_> = p.outside_references.iter().filter(|r| r.kind != RecordKind::Hamlet).collect();
            prop_assert!(outside.iter().all(|r| r.kind == RecordKind::Household && !views.iter().any(|v| &v.record == *r)), "{:?}", outside);
            prop_assert!(p.outside_subjects.is_empty());
            sum.add(&p);
        }
        prop_assert_eq!(combine(sum, &definitions, &parent_of), whole);
    }
}

/// A person whose household lies in another commune: the part names the household as an
/// outside reference (the server then counts the two communes together).
#[test]
fn a_part_names_the_records_it_refers_to_outside_itself() {
    let mut d = Device::new("may-y");
    let mut ops = person(&mut d, "hamlet:d", "p1", 1980, "ho-a", false, "basic");
    let h = record(RecordKind::Household, "ho-a");
    ops.push(d.set("hamlet:a", &h, "ten_chu_ho", json!("Hộ A")));
    ops.extend(recognised(&mut d, "hamlet:d", "gd-a", "gdht-448-2016", &h, 2026));
    let set: OpSet = ops.into_iter().collect();
    let views: Vec<_> = set.views().into_values().collect();
    let own: Vec<_> = views.iter().filter(|v| commune_of(&v.unit) == OTHER_COMMUNE).cloned().collect();
    let p =
        part(&own, 2026, &shipped::all(), &indicators::shipped(), &Settings::default(), &parent_of, &BTreeSet::new());
    assert!(p.outside_references.contains(&h), "{:?}", p.outside_references);
    assert!(p.outside_subjects.contains(&h), "{:?}", p.outside_subjects);
}

/// A person of a hamlet works for an agency kept with the commune, recognised as a
/// Learning Unit there: the commune's part shares the title, the hamlet's part counts
/// it as an outside title and says so, and the parts add up to the whole.
#[test]
fn titles_of_records_kept_with_the_commune_reach_the_hamlets_people() {
    let mut d = Device::new("may-z");
    let mut ops = person(&mut d, "hamlet:a", "p1", 1980, "ho-1", false, "basic");
    let p1 = record(RecordKind::Person, "p1");
    ops.push(d.set("hamlet:a", &p1, "member_of", json!("dv-1")));
    let agency = record(RecordKind::Unit, "dv-1");
    ops.push(d.set(COMMUNE, &agency, "name", json!("Trường Tiểu học")));
    ops.extend(recognised(&mut d, COMMUNE, "dg-dv-1", "dvht-tt24-2023", &agency, 2026));
    let set: OpSet = ops.into_iter().collect();
    let views: Vec<_> = set.views().into_values().collect();
    let (sets, definitions, settings) = (shipped::all(), indicators::shipped(), Settings::default());
    let whole = consolidate(&views, 2026, &sets, &definitions, &settings, &parent_of);
    let of = |unit: &str| views.iter().filter(|v| v.unit == unit).cloned().collect::<Vec<_>>();
    let commune = part(&of(COMMUNE), 2026, &sets, &definitions, &settings, &parent_of, &BTreeSet::new());
    assert!(commune.shared_titles.contains(&(agency.clone(), Model::LearningUnit)), "{:?}", commune.shared_titles);
    let alone = part(&of("hamlet:a"), 2026, &sets, &definitions, &settings, &parent_of, &BTreeSet::new());
    let hamlet = part(&of("hamlet:a"), 2026, &sets, &definitions, &settings, &parent_of, &commune.shared_titles);
    assert!(alone.outside_titles_seen.is_empty());
    assert_eq!(hamlet.outside_titles_seen, commune.shared_titles);
    assert_ne!(alone.tallies, hamlet.tallies, "the agency's title changes the person's flags");
    let mut sum = commune.clone();
    sum.add(&hamlet);
    assert_eq!(combine(sum, &definitions, &parent_of), whole);
}

/// A generated province (two communes, small) loaded through push: loading it again
/// changes nothing, and the server's figures by parts equal counting every stored
/// record at once, for every unit, before and after a new operation.
#[test]
fn the_servers_figures_by_parts_equal_counting_everything_at_once() {
    use hoctap_server::generate::{self, Size};
    use hoctap_server::store::MemoryStore;

    let state = hoctap_server::AppState::new(std::sync::Arc::new(MemoryStore::default()), crate::sync::catalog());
    let size = Size { communes: 2, hamlets: 3, households: 8, ..Size::default() };
    let (province, communes) = generate::communes(&state.catalog, &size).expect("province");
    let runtime = tokio::runtime::Builder::new_current_thread().build().expect("runtime");
    let mut all = Vec::new();
    for (i, commune) in communes.iter().enumerate() {
        all.extend(generate::commune_ops(&state.catalog, &size, commune, i).expect("ops"));
    }
    let first = runtime.block_on(generate::load(&state, &all)).expect("load");
    assert_eq!((first.accepted, first.duplicates), (all.len(), 0));
    let again = runtime.block_on(generate::load(&state, &all)).expect("load");
    assert_eq!((again.accepted, again.duplicates), (0, all.len()));

    let check = |label: &str| {
        let mut views = Vec::new();
        hoctap_server::store::log::for_each_view(state.store.as_ref(), |_, view| {
            views.push(view);
            Ok(())
        })
        .expect("scan");
        let parent_of = |u: &str| state.parent_of(u).ok().flatten();
        for year in [2025, 2026] {
            let whole = consolidate(
                &views,
                year,
                &state.catalog.criteria,
                &state.catalog.definitions,
                &Settings::default(),
                &parent_of,
            );
            let by_parts = hoctap_server::figures::consolidation(&state, &province.id, year, false).expect("figures");
            assert_eq!(by_parts.units, whole.units, "{label}, {year}");
            let commune = &communes[0].id;
            let listed = hoctap_server::figures::consolidation(&state, commune, year, true).expect("figures");
            let expected: Vec<_> =
                whole.recognised.iter().filter(|r| state.unit_covers(commune, &r.unit).expect("covers")).collect();
            assert_eq!(listed.recognised.iter().collect::<Vec<_>>(), expected, "{label}, {year}");
            assert!(!expected.is_empty());
        }
    };
    // Counted ahead (as `hoctap serve` does once pushes pause): every part once, then
    // none until something changes.
    assert!(hoctap_server::figures::count_ahead(&state, &[2025, 2026]).expect("count") > 0);
    assert_eq!(hoctap_server::figures::count_ahead(&state, &[2025, 2026]).expect("count"), 0);
    let counted = state.figures.counted();
    check("as generated");
    assert_eq!(state.figures.counted(), counted, "the province's figures were all counted ahead");
    // One person becomes proficient; a clan loses nothing: only a hamlet is counted again.
    let code = communes[0].code.clone().expect("code");
    let mut d = Device::new("may-moi");
    let proficient = record(RecordKind::Person, &format!("{code}-th-1-ng-2-0"));
    let op = d.set(&format!("hamlet:{code}-th-1"), &proficient, "digital_skill", json!("proficient"));
    let response =
        runtime.block_on(hoctap_server::sync::push(&state, &[op], hoctap_server::sync::Pusher::Replay)).expect("push");
    assert_eq!(response.accepted.len(), 1, "{:?}", response.rejected);
    // Only that hamlet is counted again, for each year.
    assert_eq!(hoctap_server::figures::count_ahead(&state, &[2025, 2026]).expect("count"), 2);
    check("after one operation");
    // The hamlet's records are now in the server's memory: a new person, recognised
    // as a Learning Citizen, is counted from them and the records just written.
    let hamlet = format!("hamlet:{code}-th-1");
    let household = format!("{code}-th-1-ho-0");
    let newcomer = person(&mut d, &hamlet, &format!("{code}-th-1-moi"), 1990, &household, true, "basic");
    let response = runtime
        .block_on(hoctap_server::sync::push(&state, &newcomer, hoctap_server::sync::Pusher::Replay))
        .expect("push");
    assert_eq!(response.accepted.len(), newcomer.len(), "{:?}", response.rejected);
    check("after a new recognised person");
    // A person of no household, recorded in one hamlet, then edited from another: the
    // person leaves the first hamlet's count (whose own operations do not show it).
    let lone = record(RecordKind::Person, &format!("{code}-th-1-mot-minh"));
    let created = vec![
        d.set(&hamlet, &lone, "name", json!("Hà Văn Một")),
        d.set(&hamlet, &lone, "birth_year", json!(1985)),
        d.set(&hamlet, &lone, "digital_skill", json!("basic")),
    ];
    let response = runtime
        .block_on(hoctap_server::sync::push(&state, &created, hoctap_server::sync::Pusher::Replay))
        .expect("push");
    assert_eq!(response.accepted.len(), created.len(), "{:?}", response.rejected);
    check("after a person of no household");
    let moved = d.set(&format!("hamlet:{code}-th-2"), &lone, "digital_skill", json!("proficient"));
    let response = runtime
        .block_on(hoctap_server::sync::push(&state, &[moved], hoctap_server::sync::Pusher::Replay))
        .expect("push");
    assert_eq!(response.accepted.len(), 1, "{:?}", response.rejected);
    check("after the person moved");
    // Evaluations made twice for one subject, set and year (before their ids were derived
    // from the three), counted once by parts as at once: two hamlets each evaluate a
    // subject neither holds,
    let stranger = record(RecordKind::Person, "khong-o-dau");
    let mut both = recognised(&mut d, &format!("hamlet:{code}-th-1"), "dg-la-1", "cdht-244-2022", &stranger, 2026);
    both.extend(recognised(&mut d, &format!("hamlet:{code}-th-2"), "dg-la-2", "cdht-244-2022", &stranger, 2026));
    let response =
        runtime.block_on(hoctap_server::sync::push(&state, &both, hoctap_server::sync::Pusher::Replay)).expect("push");
    assert_eq!(response.accepted.len(), both.len(), "{:?}", response.rejected);
    check("after evaluations of one subject in two hamlets");
    // and a hamlet evaluates a subject another hamlet holds and evaluated.
    let before = hoctap_server::figures::consolidation(&state, &province.id, 2026, false).expect("figures");
    let newcomer = record(RecordKind::Person, &format!("{code}-th-1-moi"));
    let twice = recognised(&mut d, &format!("hamlet:{code}-th-2"), "dg-lan-hai", "cdht-244-2022", &newcomer, 2026);
    let response =
        runtime.block_on(hoctap_server::sync::push(&state, &twice, hoctap_server::sync::Pusher::Replay)).expect("push");
    assert_eq!(response.accepted.len(), twice.len(), "{:?}", response.rejected);
    check("after a second evaluation in another hamlet");
    let after = hoctap_server::figures::consolidation(&state, &province.id, 2026, false).expect("figures");
    assert_eq!(after.units, before.units, "the second evaluation counts nothing more");
}
