//! A realistic annual report, review and decision for the export and print tests: Xã
//! Cửu An in 2026 under its shipped plan, with two hamlets, titles recognised by one
//! decision and a narrative; built through `annual::build` like the server builds it.

use hoctap_shared::annual::{
    self, AnnualReport, DecisionDocument, Narrative, ReportInput, Review, SelfAssessmentCounts, SourceNote,
};
use hoctap_shared::consolidation::{RecognisedSubject, UnitFigures};
use hoctap_shared::criteria::Model;
use hoctap_shared::date::Date;
use hoctap_shared::indicators::Definitions;
use hoctap_shared::plans::{self, Plan};
use hoctap_shared::protocol::{Decision, RecordId, RecordKind};
use hoctap_shared::units::UnitKind;

fn definitions() -> Definitions {
    hoctap_shared::indicators::shipped()
}

fn figures(scale: u64) -> UnitFigures {
    serde_json::from_value(serde_json::json!({
        "tally": { "counts": {
            "households_learning_family:of_households": { "numerator": 52 * scale, "denominator": 80 * scale },
            "clans_learning_clan:of_clans": { "numerator": 2, "denominator": 3 },
            "hamlets_learning_community:of_hamlets": { "numerator": 1, "denominator": 2 },
            "adults_cdht_in_learning_groups:in_groups": { "numerator": 40 * scale, "denominator": 90 * scale },
            "adults_cdht_in_learning_groups:all_adults": { "numerator": 40 * scale, "denominator": 150 * scale },
            "citizens_cdht:of_population": { "numerator": 55 * scale, "denominator": 210 * scale },
            "citizens_cdht:of_adults": { "numerator": 55 * scale, "denominator": 150 * scale },
            "cdht_digital_skills:of_cdht": { "numerator": 30 * scale, "denominator": 55 * scale },
            "cdht_digital_proficient:of_cdht": { "numerator": 20 * scale, "denominator": 55 * scale },
            "cdht_digital_proficient:of_digital": { "numerator": 20 * scale, "denominator": 30 * scale }
        }},
        "models": {
            "learning_citizen": { "evaluated": 70, "submitted": 64, "recognised": 55,
                                  "by_result": { "recognised": 58, "not_recognised": 9, "incomplete": 3 },
                                  "by_set": { "cdht-324-2023@2023.1": 70 } },
            "learning_family": { "evaluated": 60, "submitted": 60, "recognised": 52,
                                 "by_result": { "band:Tốt": 30, "band:Khá": 22, "band:Chưa đạt": 8 },
                                 "by_set": { "gdht-448-2016@2016.1": 12, "gdht-448-2016@2016.2": 48 } },
            "learning_clan": { "evaluated": 3, "submitted": 3, "recognised": 2, "by_result": { "recognised": 2, "not_recognised": 1 } }
        }
    }))
    .expect("figures decode")
}

fn subject(kind: RecordKind, id: &str, model: Model, name: &str, decision: &Decision) -> RecognisedSubject {
    RecognisedSubject {
        subject: RecordId { kind, id: id.to_string() },
        unit: "hamlet:thon-1".to_string(),
        model,
        set: "gdht-448-2016".to_string(),
        set_version: "2016.2".to_string(),
        evaluation: RecordId { kind: RecordKind::Evaluation, id: format!("e-{id}") },
        decision: Some(decision.clone()),
        name: Some(name.to_string()),
        birth_year: (kind == RecordKind::Person).then_some(1970 + name.chars().count() as i64),
        household: (kind == RecordKind::Person).then(|| "Trần Văn Ảnh".to_string()),
    }
}

/// The shipped plans that apply to Xã Cửu An: its own, then the national ones.
pub fn cuu_an_plans(definitions: &Definitions) -> Vec<Plan> {
    let shipped = plans::shipped(definitions);
    let mut chain: Vec<Plan> = shipped.iter().filter(|p| p.id == "cuu-an").cloned().collect();
    chain.extend(shipped.into_iter().filter(|p| p.kind == plans::PlanKind::National));
    chain
}

/// The report of Xã Cửu An for `year`.
pub fn report(year: i32) -> AnnualReport {
    let definitions = definitions();
    let plans = cuu_an_plans(&definitions);
    let chain: Vec<&Plan> = plans.iter().collect();
    let scale = u64::try_from(year - 2020).unwrap_or(1);
    let figures = figures(scale);
    let thon_1 = figures.clone();
    let thon_2 = figures.clone();
    let decision = Decision {
        number: "15/QĐ-UBND".to_string(),
        date: Date::new(year, 11, 20).expect("date"),
        authority: "Ủy ban nhân dân xã Cửu An".to_string(),
        override_reason: None,
        proposer: Some("Hội Khuyến học xã Cửu An".to_string()),
    };
    annual::build(
        ReportInput {
            unit: "commune:23629:2025",
            name: "Xã Cửu An",
            level: UnitKind::Commune,
            year,
            as_of: Date::new(year, 11, 23).expect("date"),
            figures: &figures,
            children: vec![
                ("hamlet:thon-1", "Thôn 1".to_string(), &thon_1),
                ("hamlet:thon-2", "Làng Đê Chơ".to_string(), &thon_2),
            ],
            recognised: vec![
                subject(RecordKind::Person, "p1", Model::LearningCitizen, "Nguyễn Thị Hằng", &decision),
                subject(RecordKind::Person, "p2", Model::LearningCitizen, "Đinh Văn Lực", &decision),
                subject(RecordKind::Household, "h1", Model::LearningFamily, "Hộ ông Trần Văn Ảnh", &decision),
                subject(RecordKind::Clan, "c1", Model::LearningClan, "Dòng họ Nguyễn Đình", &decision),
            ],
            plans: &chain,
            deadline: Date::new(year, 11, 20),
            // As the server names them for a commune of today: its province's recipients.
            deadline_to: Some("Sở Giáo dục và Đào tạo tỉnh Gia Lai; Hội Khuyến học tỉnh Gia Lai".to_string()),
            narrative: Narrative {
                achievements: "Hội Khuyến học xã phối hợp với các thôn tổ chức đánh giá đúng quy trình.\n52 hộ đạt danh hiệu “Gia đình học tập”.".to_string(),
                difficulties: "Một số thôn ở xa, sóng điện thoại yếu; minh chứng còn thiếu.".to_string(),
                proposals: "Đề nghị UBND xã bố trí kinh phí in ấn giấy chứng nhận.".to_string(),
                commendations: "Đề nghị khen thưởng Chi hội Khuyến học Thôn 1.".to_string(),
            },
            sources: vec![SourceNote {
                unit: "commune:23626:old".to_string(),
                name: "Xã Tú An".to_string(),
                how: "sáp nhập toàn bộ".to_string(),
            }],
            unassigned: vec![],
            sets: &hoctap_shared::criteria::shipped::every_version(),
            self_assessment: SelfAssessmentCounts { self_assessed: 42, matched: 38, reviewed: 30, recognised: 25 },
        },
        &definitions,
    )
}

/// The review 2021–2025 of Xã Cửu An.
pub fn review() -> Review {
    let reports: Vec<AnnualReport> = (2021..=2025).map(report).collect();
    annual::review(&reports).expect("a review of five years")
}

/// The recognition decision of the 2026 report.
pub fn decision() -> DecisionDocument {
    annual::decisions(&report(2026)).into_iter().next().expect("one decision")
}

/// Every internal id in a rendered document (`hamlet:cuu-an-thon-1`,
/// `commune:23629:2025`): a document shows names, or official codes where they exist.
pub fn internal_ids(text: &str) -> Vec<String> {
    const KINDS: [&str; 9] =
        ["hamlet", "commune", "province", "district", "person", "household", "clan", "unit", "evaluation"];
    text.split(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_')))
        .filter(|token| token.split_once(':').is_some_and(|(kind, rest)| KINDS.contains(&kind) && !rest.is_empty()))
        .map(str::to_string)
        .collect()
}

#[test]
fn internal_ids_are_found() {
    assert_eq!(
        internal_ids("Thôn 1 (hamlet:cuu-an-thon-1), mã commune:23629:2025."),
        ["hamlet:cuu-an-thon-1", "commune:23629:2025"]
    );
    assert!(internal_ids("font-family: serif; Báo cáo!D9 = 12:30 Xã Cửu An (mã 23629)").is_empty());
}

#[test]
fn the_fixture_is_a_full_report() {
    let report = report(2026);
    assert_eq!(report.plans.first().map(String::as_str), Some(plans_title().as_str()));
    assert!(report.rows.iter().any(|r| r.target_plan.as_deref() == Some("cuu-an")));
    // Every count of the fixture lands on a reading of the shipped definitions.
    let counted: u64 = report.rows.iter().map(|r| r.denominator).sum();
    assert_eq!(counted, (80 + 90 + 150 + 210 + 150 + 55 + 55 + 30) * 6 + 3 + 2);
    assert_eq!(decision().subjects.len(), 4);
    assert_eq!(review().rows.first().map(|r| r.years.len()), Some(5));
}

fn plans_title() -> String {
    cuu_an_plans(&definitions()).remove(0).title
}
