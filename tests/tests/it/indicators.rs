//! Ratio definitions and counts: every §3 ratio is defined, ambiguous ones have two
//! readings, the adult age range is a setting, and figures are counts, not averages.

use hoctap_shared::indicators::{self, roll_up, DigitalSkill, PersonFacts, Settings, Subject, SubjectKind, Tally};

#[test]
fn shipped_definitions_are_valid_and_cover_domain_ratios() {
    let (definitions, diagnostics) = indicators::parse_definitions(indicators::SHIPPED);
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    let definitions = definitions.expect("valid");
    let ids: Vec<&str> = definitions.ratios.iter().map(|r| r.id.as_str()).collect();
    for id in [
        "adults_cdht_in_learning_groups",
        "unit_members_cdht",
        "cdht_digital_skills",
        "cdht_digital_proficient",
        "households_learning_family",
        "clans_learning_clan",
        "hamlets_learning_community",
        "units_learning_unit",
        "association_staff_it_trained",
        "citizens_cdht",
        "communes_learning_commune",
        "working_age_life_skills",
    ] {
        assert!(ids.contains(&id), "missing ratio {id}");
    }
    // The two ambiguous ratios of DOMAIN.md §3 carry both readings.
    assert_eq!(definitions.ratio("adults_cdht_in_learning_groups").map(|r| r.readings.len()), Some(2));
    assert_eq!(definitions.ratio("cdht_digital_proficient").map(|r| r.readings.len()), Some(2));
}

fn person(age: u16, cdht: bool, digital: DigitalSkill, in_family: bool) -> PersonFacts {
    PersonFacts { age: Some(age), cdht, digital, household_learning_family: in_family, ..PersonFacts::default() }
}

#[test]
fn both_readings_are_counted() {
    let definitions = indicators::shipped();
    let settings = Settings::default();
    let people = [
        person(30, true, DigitalSkill::Proficient, true),
        person(40, true, DigitalSkill::Basic, true),
        person(50, false, DigitalSkill::None, true),
        person(35, true, DigitalSkill::None, false),
        person(20, false, DigitalSkill::None, false),
        person(10, false, DigitalSkill::None, true),
    ];
    let subjects: Vec<Subject> = people.iter().map(|p| p.subject(&settings)).collect();
    let tally = Tally::of_subjects(&definitions, &subjects);
    let show = |ratio: &str, reading: &str| {
        let c = tally.get(ratio, reading);
        format!("{}/{}", c.numerator, c.denominator)
    };
    assert_eq!(show("adults_cdht_in_learning_groups", "in_groups"), "2/3");
    assert_eq!(show("adults_cdht_in_learning_groups", "all_adults"), "3/5");
    assert_eq!(show("cdht_digital_skills", "of_cdht"), "2/3");
    assert_eq!(show("cdht_digital_proficient", "of_cdht"), "1/3");
    assert_eq!(show("cdht_digital_proficient", "of_digital"), "1/2");
    assert_eq!(show("citizens_cdht", "of_population"), "3/6");
}

#[test]
fn adult_age_range_is_a_setting() {
    let definitions = indicators::shipped();
    let people = [person(16, true, DigitalSkill::None, false), person(65, false, DigitalSkill::None, false)];
    let count = |settings: Settings| {
        let subjects: Vec<Subject> = people.iter().map(|p| p.subject(&settings)).collect();
        Tally::of_subjects(&definitions, &subjects).get("citizens_cdht", "of_adults")
    };
    // Statistical convention: 15 and over.
    assert_eq!(count(Settings::default()).denominator, 2);
    // QĐ 448: 19–60.
    let qd448 = Settings { adult_min_age: 19, adult_max_age: Some(60), ..Settings::default() };
    assert_eq!(count(qd448).denominator, 0);
}

#[test]
fn roll_up_sums_counts_never_averages_percentages() {
    let definitions = indicators::shipped();
    // Hamlet A: 1 of 1 households; hamlet B: 1 of 3. Averaging 100% and 33% gives 66%;
    // the commune's true share is 2 of 4.
    let household =
        |learning: bool| Subject::new(SubjectKind::Household, learning.then_some(indicators::Flag::LearningFamily));
    let mut own = std::collections::BTreeMap::new();
    own.insert("a".to_string(), Tally::of_subjects(&definitions, &[household(true)]));
    own.insert(
        "b".to_string(),
        Tally::of_subjects(&definitions, &[household(true), household(false), household(false)]),
    );
    let parents = [("commune", None), ("a", Some("commune")), ("b", Some("commune"))]
        .into_iter()
        .map(|(id, p)| (id.to_string(), p.map(str::to_string)))
        .collect();
    let totals = roll_up(&parents, &own);
    let counts = totals["commune"].get("households_learning_family", "of_households");
    assert_eq!((counts.numerator, counts.denominator), (2, 4));
    assert_eq!(counts.percent().map(|p| p.to_string()), Some("50 %".to_string()));
}

#[test]
fn bad_definitions_are_diagnosed() {
    let text = r#"
[[ratio]]
id = "x"
name = "Tỷ lệ thử"
subject = "household"
source = "thử"
  [[ratio.reading]]
  id = "a"
  label = "Nhãn"
  numerator = ["cdht"]
  denominator = ["learning_family"]

[[ratio]]
id = "x"
name = "Tỷ lệ thử"
subject = "person"
source = "thử"
reading = []
"#;
    let (definitions, diagnostics) = indicators::parse_definitions(text);
    assert!(definitions.is_none());
    let codes: Vec<&str> = diagnostics.iter().map(|d| d.code.as_str()).collect();
    assert!(codes.contains(&"kind-mismatch"), "{codes:?}");
    assert!(codes.contains(&"bad-value"), "{codes:?}");
    assert!(codes.contains(&"duplicate-code"), "{codes:?}");
    assert!(codes.contains(&"missing-field"), "{codes:?}");
}
