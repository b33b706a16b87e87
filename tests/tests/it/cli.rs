//! The administrators' command line: `criteria check`, `criteria list` and `score`.

use hoctap_server::cli::{self, SetSource};

use crate::golden::{data, read};

#[test]
fn check_exits_non_zero_on_errors_and_zero_on_a_good_file() {
    let bad = cli::criteria_check("many-problems.toml", &read(&data("criteria/many-problems.toml")));
    assert_eq!(bad.code, 1);
    assert!(bad.stdout.contains("không hợp lệ"));
    let good = cli::criteria_check("cdht.toml", hoctap_shared::criteria::shipped::FILES[0].1);
    assert_eq!(good.code, 0, "{}", good.stdout);
    assert!(good.stdout.contains("hợp lệ — cdht-324-2023"));
}

#[test]
fn list_names_every_shipped_set() {
    let report = cli::criteria_list();
    assert_eq!(report.stdout.lines().count(), 8);
    assert!(report.stdout.contains("dvht-tt24-2023\t"));
}

#[test]
fn score_prints_the_outcome_as_json() {
    let evaluation = r#"{"set":"dvht-tt22-2020","scores":{"1.1":10,"1.2":10,"1.3":10,"2.1":10,"2.2":5,"2.3":10,"2.4":5,"3.1":20,"3.2":4.5,"3.3":0}}"#;
    let report = cli::score(&SetSource::Shipped("dvht-tt22-2020".into()), evaluation);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let outcome: serde_json::Value = serde_json::from_str(&report.stdout).expect("json");
    assert_eq!(outcome["total"], 84.5);
    assert_eq!(outcome["decision"]["name"], "Khá");
}

#[test]
fn score_errors_are_vietnamese_with_distinct_exit_codes() {
    let unknown = cli::score(&SetSource::Shipped("khong-co".into()), "{}");
    assert_eq!(unknown.code, 2);
    assert!(unknown.stderr.contains("Không có bộ tiêu chí"), "{}", unknown.stderr);
    let bad_json = cli::score(&SetSource::Shipped("cdht-244-2022".into()), "{not json");
    assert_eq!(bad_json.code, 2);
    assert!(bad_json.stderr.contains("không đúng định dạng JSON"));
    let out_of_range =
        cli::score(&SetSource::Shipped("cdht-244-2022".into()), r#"{"set":"cdht-244-2022","scores":{"1.1":12}}"#);
    assert_eq!(out_of_range.code, 1);
    assert!(out_of_range.stderr.contains("Chỉ số 1.1: 12 điểm nằm ngoài thang 0–10"), "{}", out_of_range.stderr);
}
