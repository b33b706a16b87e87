//! The criteria loader: every shipped set loads cleanly, and broken files under
//! `tests/data/criteria/` produce every diagnostic they should (each file names the
//! codes it must produce in its first line; the full report is a golden file).

use hoctap_server::cli;
use hoctap_shared::criteria::{self, shipped, SetStatus};
use hoctap_shared::diagnostic::Severity;

use crate::golden::{assert_golden, data, read};

#[track_caller]
fn check(file: &str) {
    let text = read(&data(&format!("criteria/{file}")));
    let expected: Vec<&str> = text
        .lines()
        .next()
        .and_then(|l| l.strip_prefix("# expect:"))
        .map(|codes| codes.split(',').map(str::trim).collect())
        .unwrap_or_default();
    assert!(!expected.is_empty(), "{file} must start with '# expect: code, …'");
    let parsed = criteria::parse(&text);
    assert!(parsed.set.is_none(), "{file} should not load");
    for code in &expected {
        assert!(
            parsed.diagnostics.iter().any(|d| d.code == *code),
            "{file}: no {code} diagnostic in {:#?}",
            parsed.diagnostics
        );
    }
    let report = cli::criteria_check(file, &text);
    assert_eq!(report.code, 1);
    assert_golden(&format!("criteria/{file}.diagnostics"), &report.stdout);
}

#[test]
fn many_problems_in_a_points_set() {
    check("many-problems.toml");
}

#[test]
fn syntax_error_has_a_line() {
    check("syntax-error.toml");
    let parsed = criteria::parse(&read(&data("criteria/syntax-error.toml")));
    assert!(parsed.diagnostics[0].line.is_some());
}

#[test]
fn level_set_problems() {
    check("levels-problems.toml");
}

#[test]
fn points_and_bands_problems() {
    check("points-and-bands.toml");
}

#[test]
fn subject_group_problems() {
    check("groups-problems.toml");
}

/// A set with one list per subject group (QĐ 324's shape): an indicator and points of
/// one group only, and every group adding up to the scale.
#[test]
fn indicators_and_points_per_subject_group_load() {
    let text = read(&data("criteria/groups-problems.toml"));
    let fixed = text
        .replace("groups = [\"giao_vien\"]", "groups = [\"hoc_sinh\"]")
        .replace("points_by_group = { hoc_sinh = 30, cong_nhan = 5 }", "points_by_group = { hoc_sinh = 60 }")
        .replace("[[subject_groups]]\ncode = \"khac\"\nname = \"Nhóm không có chỉ số\"\n", "");
    let parsed = criteria::parse(&fixed);
    let problems: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
    assert!(parsed.set.is_some(), "{problems:#?}");
    let set = parsed.set.expect("loads");
    assert_eq!(
        set.criterion_points(&set.criteria[0], Some("hoc_sinh")),
        Some(hoctap_shared::number::Points::from_whole(60))
    );
    assert_eq!(
        set.criterion_points(&set.criteria[0], Some("nong_dan")),
        Some(hoctap_shared::number::Points::from_whole(50))
    );
}

#[test]
fn shipped_sets_load_without_errors_or_warnings() {
    let all = shipped::parse_all();
    assert_eq!(all.len(), 8);
    for (file, parsed) in all {
        assert!(parsed.set.is_some(), "{file}: {:#?}", parsed.diagnostics);
        let problems: Vec<String> = parsed.diagnostics.iter().map(ToString::to_string).collect();
        assert!(problems.is_empty(), "{file}: {problems:#?}");
    }
}

#[test]
fn shipped_sets_record_basis_period_and_status() {
    let mut ids = Vec::new();
    for set in shipped::all() {
        assert!(!set.legal_basis.number.is_empty() && !set.legal_basis.issuer.is_empty(), "{}", set.id);
        if set.status == SetStatus::Provisional {
            assert!(set.status_note.as_deref().is_some_and(|n| n.len() > 20), "{}: provisional without a note", set.id);
        }
        ids.push(format!("{}:{}:{:?}", set.id, set.model.key(), set.status));
    }
    ids.sort();
    assert_eq!(ids.len(), 8);
}

#[test]
fn unconfirmed_commune_indicators_are_marked() {
    let set = shipped::get("xa-tt25-2023").expect("shipped");
    assert_eq!(set.criteria.len(), 5);
    assert_eq!(set.indicators().count(), 15);
    assert!(set.indicators().any(|i| i.has_tag("unconfirmed")));
}

#[test]
fn example_in_the_docs_checks_and_scores() {
    let root = crate::golden::root();
    let set_text = read(&root.join("docs/examples/criteria-example.toml"));
    let report = cli::criteria_check("criteria-example.toml", &set_text);
    assert_eq!(report.code, 0, "{}", report.stdout);
    let evaluation = read(&root.join("docs/examples/evaluation-example.json"));
    let report =
        cli::score(&cli::SetSource::File { name: "criteria-example.toml".into(), text: set_text }, &evaluation);
    assert_eq!(report.code, 0, "{}", report.stderr);
    let outcome: serde_json::Value = serde_json::from_str(&report.stdout).expect("json outcome");
    assert_eq!(outcome["recognised"], true);
}

#[test]
fn warnings_do_not_stop_a_set_from_loading() {
    let original = read(&crate::golden::root().join("docs/examples/criteria-example.toml"));
    let text = original.replacen("tags = [\"unconfirmed\"]", "tags = [\"unconfirmed\", \"mystery\"]", 1);
    assert_ne!(text, original, "the example should carry a tags line to extend");
    let parsed = criteria::parse(&text);
    assert!(parsed.set.is_some());
    assert!(parsed.diagnostics.iter().any(|d| d.code == "unknown-tag" && d.severity == Severity::Warning));
}

#[test]
fn unconfirmed_indicators_say_what_to_check_apart_from_the_evidence_hint() {
    for set in shipped::all() {
        for indicator in set.indicators() {
            if indicator.has_tag("unconfirmed") {
                assert!(
                    indicator.note.as_deref().is_some_and(|n| !n.is_empty()),
                    "{} {}: no note",
                    set.id,
                    indicator.code
                );
            }
            // The evidence hint lists evidence only; caveats belong in the note.
            if let Some(hint) = &indicator.hint {
                assert!(
                    !hint.contains("suy đoán") && !hint.contains("đối chiếu"),
                    "{} {}: caveat in the hint",
                    set.id,
                    indicator.code
                );
            }
        }
    }
}
