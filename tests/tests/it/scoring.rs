//! Golden scoring cases for every shipped criteria set (`tests/data/scoring/`).

use std::collections::BTreeMap;

use hoctap_shared::criteria::{shipped, CriteriaSet, Measure, Rule, SetStatus, ShareScoring};
use hoctap_shared::number::Points;
use hoctap_shared::scoring::{score, Answer, Context, Evaluation};
use serde::Deserialize;

use crate::golden::{assert_golden, data, read};

#[derive(Deserialize)]
struct CaseFile {
    set: String,
    #[serde(rename = "case")]
    cases: Vec<Case>,
}

#[derive(Deserialize)]
struct Case {
    name: String,
    default: toml::Value,
    #[serde(default)]
    scores: BTreeMap<String, toml::Value>,
    #[serde(default)]
    omit: Vec<String>,
    #[serde(default)]
    context: Context,
    expect: String,
}

/// The answer `default` gives an indicator: `"max"`, `"min"` or a number of points.
fn default_answer(set: &CriteriaSet, measure: &Measure, default: &toml::Value) -> Answer {
    let best = !matches!(default.as_str(), Some("min"));
    match measure {
        Measure::Points { max } => match default {
            toml::Value::Integer(points) => Answer::Points(Points::from_whole(*points)),
            toml::Value::Float(points) => Answer::Points(Points::from_f64(*points).expect("exact points")),
            _ if best => Answer::Points(*max),
            _ => Answer::Points(Points::ZERO),
        },
        Measure::Met { .. } => Answer::Met(best),
        Measure::Share { scoring, .. } => {
            let _ = (set, scoring);
            Answer::Share { numerator: if best { 100 } else { 0 }, denominator: 100 }
        }
    }
}

fn answer(value: &toml::Value) -> Answer {
    let json = serde_json::to_value(value).expect("toml value as json");
    serde_json::from_value(json).unwrap_or_else(|err| panic!("bad answer {value}: {err}"))
}

/// Scores every case of one set; checks each summary and pins the full outcomes.
#[track_caller]
fn check(set_id: &str) {
    let file: CaseFile = toml::from_str(&read(&data(&format!("scoring/{set_id}.toml")))).expect("case file");
    assert_eq!(file.set, set_id);
    let set = shipped::get(set_id).unwrap_or_else(|| panic!("no shipped set {set_id}"));
    let mut golden = serde_json::Map::new();
    for case in &file.cases {
        let mut scores = BTreeMap::new();
        for indicator in set.indicators() {
            scores.insert(indicator.code.clone(), default_answer(&set, &indicator.measure, &case.default));
        }
        for code in &case.omit {
            scores.remove(code);
        }
        for (code, value) in &case.scores {
            scores.insert(code.clone(), answer(value));
        }
        let evaluation = Evaluation { set: set_id.to_string(), context: case.context.clone(), scores };
        let (summary, value) = match score(&set, &evaluation) {
            Ok(outcome) => (outcome.summary(), serde_json::to_value(&outcome).expect("outcome json")),
            Err(err) => (
                format!("error:{}", err.code()),
                serde_json::json!({ "error": err.code(), "message": err.to_string() }),
            ),
        };
        assert_eq!(summary, case.expect, "{set_id}: case {:?}", case.name);
        golden.insert(case.name.clone(), value);
    }
    let text = serde_json::to_string_pretty(&golden).expect("golden json") + "\n";
    assert_golden(&format!("scoring/{set_id}.golden.json"), &text);
}

#[test]
fn cdht_324_2023() {
    check("cdht-324-2023");
}

#[test]
fn cdht_244_2022() {
    check("cdht-244-2022");
}

#[test]
fn gdht_448_2016() {
    check("gdht-448-2016");
}

#[test]
fn dhht_448_2016() {
    check("dhht-448-2016");
}

#[test]
fn cdht_thon_448_2016() {
    check("cdht-thon-448-2016");
}

#[test]
fn dvht_tt22_2020() {
    check("dvht-tt22-2020");
}

#[test]
fn dvht_tt24_2023() {
    check("dvht-tt24-2023");
}

#[test]
fn xa_tt25_2023() {
    check("xa-tt25-2023");
}

#[test]
fn every_shipped_set_has_golden_cases() {
    for set in shipped::all() {
        assert!(data(&format!("scoring/{}.toml", set.id)).is_file(), "no golden cases for {}", set.id);
    }
}

#[test]
fn reasons_name_the_indicator_below_its_minimum() {
    let set = shipped::get("cdht-244-2022").expect("shipped");
    let mut scores: BTreeMap<String, Answer> =
        set.indicators().map(|i| (i.code.clone(), Answer::Points(Points::from_whole(10)))).collect();
    scores.insert("2.1".to_string(), Answer::Points(Points::from_whole(4)));
    let outcome =
        score(&set, &Evaluation { set: set.id.clone(), context: Context::default(), scores }).expect("scores");
    assert!(!outcome.recognised);
    assert!(outcome.reasons.contains(&"Chỉ số 2.1: 4 điểm, dưới mức tối thiểu 5".to_string()), "{:?}", outcome.reasons);
}

#[test]
fn wrong_set_is_refused() {
    let set = shipped::get("cdht-244-2022").expect("shipped");
    let evaluation =
        Evaluation { set: "gdht-448-2016".to_string(), context: Context::default(), scores: BTreeMap::new() };
    let err = score(&set, &evaluation).expect_err("wrong set");
    assert_eq!(err.code(), "wrong_criteria_set");
    assert!(err.to_string().contains("gdht-448-2016"), "{err}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let set = shipped::get("cdht-244-2022").expect("shipped");
    let mut scores = BTreeMap::new();
    scores.insert("1.1".to_string(), Answer::Points(Points::from_whole(11)));
    let err =
        score(&set, &Evaluation { set: set.id.clone(), context: Context::default(), scores }).expect_err("invalid");
    let hoctap_shared::Error::InvalidEvaluation(problems) = err else { panic!("expected several problems") };
    // One out of range, nine missing.
    assert_eq!(problems.len(), 10);
}

#[test]
fn learning_citizen_marks_digital_skills_and_subject_groups() {
    let set = shipped::get("cdht-324-2023").expect("shipped");
    let digital: Vec<&str> =
        set.indicators().filter(|i| i.has_tag("digital_skills")).map(|i| i.code.as_str()).collect();
    assert_eq!(digital, ["2.1"]);
    let groups: Vec<&str> = set.subject_groups.iter().map(|g| g.name.as_str()).collect();
    assert_eq!(
        groups,
        ["Người dân trong xã", "Người lao động", "Cán bộ, công nhân viên, doanh nhân", "Học sinh, sinh viên, học viên"]
    );
    // QĐ 244 stays for the evaluations made under it, without question forms.
    assert!(shipped::get("cdht-244-2022").expect("shipped").subject_groups.is_empty());
}

/// Issue 17: every shipped set names its legal basis (number, date, issuer) and status
/// as the texts say (`CRITERIA-SOURCES.md` §11), and its effective period.
#[test]
fn issue_17_each_set_names_its_legal_basis_and_status() {
    let lines: Vec<String> = shipped::all()
        .iter()
        .map(|set| {
            let status = match set.status {
                SetStatus::Official => "official",
                SetStatus::Provisional => "provisional",
            };
            let to = set.effective_to.map(|d| d.to_string()).unwrap_or_else(|| "…".to_string());
            format!(
                "{} v{}: {} {} {} | {} | {} → {}",
                set.id,
                set.version,
                set.legal_basis.number,
                set.legal_basis.date,
                set.legal_basis.issuer,
                status,
                set.effective_from,
                to
            )
        })
        .collect();
    expect_test::expect![[r#"
        cdht-324-2023 v2023.1: 324/QĐ-KHVN 25/10/2023 Ban Chấp hành Trung ương Hội Khuyến học Việt Nam | provisional | 25/10/2023 → …
        cdht-244-2022 v2022.2: 244/QĐ-KHVN 28/07/2022 Hội Khuyến học Việt Nam | provisional | 28/07/2022 → 24/10/2023
        gdht-448-2016 v2016.2: 448/QĐ-KHVN 01/12/2015 Ban Chấp hành Trung ương Hội Khuyến học Việt Nam | provisional | 01/01/2016 → …
        dhht-448-2016 v2016.2: 448/QĐ-KHVN 01/12/2015 Ban Chấp hành Trung ương Hội Khuyến học Việt Nam | provisional | 01/01/2016 → …
        cdht-thon-448-2016 v2016.2: 448/QĐ-KHVN 01/12/2015 Ban Chấp hành Trung ương Hội Khuyến học Việt Nam | provisional | 01/01/2016 → …
        dvht-tt22-2020 v2020.2: 22/2020/TT-BGDĐT 06/08/2020 Bộ Giáo dục và Đào tạo | official | 21/09/2020 → 31/12/2023
        dvht-tt24-2023 v2023.2: 24/2023/TT-BGDĐT 11/12/2023 Bộ Giáo dục và Đào tạo | provisional | 01/01/2024 → …
        xa-tt25-2023 v2023.2: 25/2023/TT-BGDĐT 27/12/2023 Bộ Giáo dục và Đào tạo | provisional | 01/01/2024 → …"#]].assert_eq(&lines.join("\n"));
    for set in shipped::all() {
        let note = set.status_note.as_deref().unwrap_or_default();
        assert!(!note.contains("70 điểm áp dụng"), "{}: the 70-point area mark has no source", set.id);
        assert!(!note.contains("28/7/2016"), "{}: QĐ 448 is dated 01/12/2015", set.id);
        if let Rule::PassMark { area_pass_marks, .. } = &set.rule {
            assert!(area_pass_marks.is_empty(), "{}: no shipped set has an area pass mark", set.id);
        }
    }
}

#[test]
fn level_sets_use_share_thresholds_from_members() {
    let set = shipped::get("dvht-tt24-2023").expect("shipped");
    let shares: Vec<(String, Vec<String>)> = set
        .indicators()
        .filter_map(|i| match &i.measure {
            Measure::Share { scoring: ShareScoring::Levels { minimums }, .. } => {
                Some((i.code.clone(), minimums.iter().map(|m| format!("{}:{}", m.level, m.min)).collect()))
            }
            _ => None,
        })
        .collect();
    assert!(shares.contains(&("3.1".to_string(), vec!["1:90 %".to_string(), "2:95 %".to_string()])), "{shares:?}");
    assert!(shares.contains(&("3.2".to_string(), vec!["1:95 %".to_string(), "2:97 %".to_string()])), "{shares:?}");
}
