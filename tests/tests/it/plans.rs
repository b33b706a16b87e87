//! Plans and targets: the national defaults and the five seed plans load with their
//! own numbers, and a unit without a target inherits its parent's or the nation's.

use hoctap_shared::indicators;
use hoctap_shared::plans::{self, effective_target, PlanKind};

use crate::golden::assert_golden;

#[test]
fn every_shipped_plan_loads() {
    let definitions = indicators::shipped();
    for (file, text) in plans::FILES {
        let (plan, diagnostics) = plans::parse(text, &definitions);
        let errors: Vec<String> = diagnostics.iter().filter(|d| d.is_error()).map(ToString::to_string).collect();
        assert!(plan.is_some() && errors.is_empty(), "{file}: {errors:#?}");
    }
    let all = plans::shipped(&definitions);
    assert_eq!(all.len(), 8);
    assert_eq!(all.iter().filter(|p| p.kind == PlanKind::National).count(), 3);
}

/// Every plan's targets, as a table pinned in a golden file: any change to the shipped
/// numbers shows up in review.
#[test]
fn targets_table() {
    let definitions = indicators::shipped();
    let mut out = String::new();
    for plan in plans::shipped(&definitions) {
        out.push_str(&format!("# {} — {} ({})\n", plan.id, plan.unit.name, plan.document.issuer));
        if let Some(deadline) = &plan.deadline {
            out.push_str(&format!("  hạn báo cáo: {:02}/{:02}\n", deadline.day, deadline.month));
        }
        for target in &plan.targets {
            let show = |v: Option<hoctap_shared::number::Percent>| v.map_or("—".to_string(), |p| p.to_string());
            out.push_str(&format!(
                "  {:<32} 2025 {:>5}  2030 {:>5}  {}\n",
                target.indicator.as_deref().unwrap_or("(nhập tay)"),
                show(target.target_2025),
                show(target.target_2030),
                target.responsible.as_deref().unwrap_or("")
            ));
        }
    }
    assert_golden("plans/targets.txt", &out);
}

#[test]
fn cuu_an_has_its_own_numbers() {
    let definitions = indicators::shipped();
    let all = plans::shipped(&definitions);
    let cuu_an = all.iter().find(|p| p.id == "cuu-an").expect("Cửu An plan");
    let get = |id: &str| cuu_an.target(id).and_then(|t| t.target_2025).map(|p| p.to_string());
    assert_eq!(get("adults_cdht_in_learning_groups").as_deref(), Some("39 %"));
    assert_eq!(get("unit_members_cdht").as_deref(), Some("63 %"));
    assert_eq!(get("cdht_digital_skills").as_deref(), Some("68 %"));
    assert_eq!(get("cdht_digital_proficient").as_deref(), Some("60 %"));
}

#[test]
fn a_unit_without_a_target_inherits_the_national_one() {
    let definitions = indicators::shipped();
    let all = plans::shipped(&definitions);
    let find = |id: &str| all.iter().find(|p| p.id == id).expect("plan");
    let chain = [find("cuu-an"), find("national-677-2022"), find("national-387-2022")];
    let (plan, target) = effective_target(&chain, "households_learning_family").expect("national 387 target");
    assert_eq!(plan.id, "national-387-2022");
    assert_eq!(target.target_2025.map(|p| p.to_string()).as_deref(), Some("70 %"));
    let (plan, _) = effective_target(&chain, "unit_members_cdht").expect("own target");
    assert_eq!(plan.id, "cuu-an");
}

#[test]
fn bad_plans_are_diagnosed() {
    let definitions = indicators::shipped();
    let text = r#"
id = "x"
title = "Kế hoạch thử"
kind = "local"
period_from = 2030
period_to = 2021
source = "thử"
[unit]
level = "commune"
name = "Xã Thử"
[document]
date = "2022-13-01"
issuer = "UBND xã Thử"
[deadline]
day = 31
month = 11
[[targets]]
indicator = "no_such_ratio"
text = "Chỉ tiêu thử"
target_2025 = 120.0
"#;
    let (plan, diagnostics) = plans::parse(text, &definitions);
    assert!(plan.is_none());
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert_eq!(codes.iter().filter(|c| **c == "bad-value").count(), 3, "{diagnostics:#?}");
    assert!(codes.contains(&"unknown-indicator") && codes.contains(&"threshold-out-of-scale"), "{codes:?}");
}
