//! The unit hierarchy from the shipped public lists: 34 provinces, 3,321 communes, the
//! 2025 lineage with full and partial merges, and the two codes the lists disagree on.

use hoctap_shared::date::Date;
use hoctap_shared::units::{self, unit_id, MergeKind, OrgUnit, UnitKind, REFORM_DATE};

#[test]
fn loads_provinces_and_communes() {
    let (registry, diagnostics) = units::shipped::load();
    let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let current = |kind| registry.units.values().filter(|u| u.kind == kind && u.valid_to.is_none()).count();
    assert_eq!(current(UnitKind::Province), 34);
    assert_eq!(current(UnitKind::Commune), 3321);
    let by_type = |t: &str| {
        registry
            .units
            .values()
            .filter(|u| u.kind == UnitKind::Commune && u.valid_to.is_none() && u.unit_type == t)
            .count()
    };
    assert_eq!((by_type("Xã"), by_type("Phường"), by_type("Đặc khu")), (2611, 697, 13));
    let old_provinces =
        registry.units.values().filter(|u| u.kind == UnitKind::Province && u.valid_to.is_some()).count();
    assert_eq!(old_provinces, 63);
}

#[test]
fn the_two_disputed_codes_are_reported_and_resolved() {
    let (registry, diagnostics) = units::shipped::load();
    let disagreements: Vec<&str> =
        diagnostics.iter().filter(|d| d.code == "code-disagreement").map(|d| d.message.as_str()).collect();
    // Exactly the two codes the public lists disagree on, each reported once; names that
    // differ only in tone-mark placement ("Hoà"/"Hòa") are not disagreements.
    assert_eq!(disagreements.len(), 2, "{disagreements:#?}");
    assert!(disagreements.iter().any(|m| m.contains("Ba Chẽ")), "{disagreements:#?}");
    assert!(disagreements.iter().any(|m| m.contains("Ia Mơ")), "{disagreements:#?}");
    // Ba Chẽ keeps the 2026 list's code and still gets its predecessors.
    let ba_che = registry.get(&unit_id(UnitKind::Commune, "06978", true)).expect("Ba Chẽ");
    assert_eq!(ba_che.name, "Ba Chẽ");
    assert!(ba_che.predecessors.len() >= 4, "{:?}", ba_che.predecessors);
}

#[test]
fn lineage_of_ba_dinh() {
    let (registry, _) = units::shipped::load();
    let ba_dinh = registry.get(&unit_id(UnitKind::Commune, "00004", true)).expect("Ba Đình");
    assert_eq!(ba_dinh.full_name(), "Phường Ba Đình");
    let truc_bach = unit_id(UnitKind::Commune, "00013", false);
    let ngoc_ha = unit_id(UnitKind::Commune, "00016", false);
    let kind_of = |id: &str| ba_dinh.predecessors.iter().find(|p| p.unit == id).map(|p| p.kind);
    assert_eq!(kind_of(&truc_bach), Some(MergeKind::Full));
    assert_eq!(kind_of(&ngoc_ha), Some(MergeKind::Partial));
    // The old unit ended the day before the reform, and its old province is known.
    let old = registry.get(&truc_bach).expect("old Trúc Bạch");
    assert_eq!(old.valid_to, Some(REFORM_DATE.pred()));
    assert_eq!(old.parent.as_deref(), Some("province:01:old"));
    // A partially merged commune has several successors.
    assert!(registry.successors_of(&ngoc_ha).count() >= 2);
}

#[test]
fn codes_are_read_with_their_date() {
    let (registry, _) = units::shipped::load();
    let after = Date::new(2026, 1, 1).expect("date");
    let before = Date::new(2024, 1, 1).expect("date");
    let now = registry.by_code(UnitKind::Commune, "00004", after).expect("current 00004");
    let then = registry.by_code(UnitKind::Commune, "00004", before).expect("old 00004");
    assert_ne!(now.id, then.id);
    assert!(now.valid_on(after) && !now.valid_on(before));
}

#[test]
fn hamlets_get_minted_ids_and_roll_up_through_their_commune() {
    let (mut registry, _) = units::shipped::load();
    let commune = unit_id(UnitKind::Commune, "00004", true);
    registry.insert(OrgUnit::hamlet("0193a8e2", &commune, "Tổ dân phố", "Số 1", REFORM_DATE));
    let chain: Vec<String> = registry.ancestors("hamlet:0193a8e2").iter().map(|u| u.full_name()).collect();
    assert_eq!(chain, ["Tổ dân phố Số 1", "Phường Ba Đình", "Thành phố Hà Nội"]);
}

#[test]
fn bad_rows_are_diagnosed_not_panicked_on() {
    let units_csv = "province_code,province_name,province_type,commune_code,commune_name,commune_type\n01,Hà Nội,Thành phố,00004,Ba Đình,Phường\n01,Hà Nội\n01,Hà Nội,Thành phố,00004,Ba Đình,Phường\n";
    let merges_csv = "level,new_code,new_name,old_code,old_name,merge_type\ncommune,99999,Xã Không Có,00001,Xã Cũ,full\ncommune,00004,Phường Ba Đình,00013,Phường Trúc Bạch,sometimes\n";
    let (registry, diagnostics) = units::load_admin(units_csv, merges_csv);
    assert_eq!(registry.units.len(), 2);
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"syntax") && codes.contains(&"duplicate-code"), "{codes:?}");
    assert!(codes.contains(&"unknown-unit") && codes.contains(&"bad-value"), "{codes:?}");
}
