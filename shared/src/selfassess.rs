//! Citizens' self-assessments (issue 18): what a citizen sends from a campaign's link,
//! checked as an officer's input is, and the people of the hamlet it most likely is.
//! Nothing a citizen sends is written into the registers: an officer confirms the match
//! (or adds the person) and scores, and the self-score is kept beside the officer's.
//! Pure: the server and the officer's app call it with what they hold.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::criteria::CriteriaSet;
use crate::merge::RecordView;
use crate::protocol::{RecordId, RecordKind};
use crate::scoring::{self, Answer, Context, Evaluation};
use crate::text::fold;
use crate::Error;

/// The longest name, household head or address a citizen may type.
pub const MAX_TEXT_CHARS: usize = 120;
/// The most digits (and `+`, spaces, dots) of a phone number.
pub const MAX_PHONE_CHARS: usize = 20;
/// The most candidates shown for one answer.
pub const MAX_CANDIDATES: usize = 3;

/// What a citizen sends: who they are and their answers to the campaign's set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CitizenAnswer {
    pub name: String,
    pub birth_year: i32,
    /// The head of the citizen's household (`Nguyễn Văn An`), or empty.
    #[serde(default)]
    pub household_head: String,
    #[serde(default)]
    pub address: String,
    /// Optional, so the hamlet can call back.
    #[serde(default)]
    pub phone: String,
    /// The set's subject group the citizen chose (QĐ 324), when it has groups.
    #[serde(default)]
    pub subject_group: Option<String>,
    /// The citizen's own answer per indicator; an indicator left out was not answered.
    #[serde(default)]
    pub scores: BTreeMap<String, Answer>,
    /// The citizen agreed to the consent text (Nghị định 13/2023/NĐ-CP).
    pub consent: bool,
}

/// Every problem of `answer` for a campaign of `year` with `set`, in Vietnamese; empty
/// when it may be taken. Answers are checked by the scoring engine as an officer's are;
/// indicators left unanswered are allowed (the officer scores them).
pub fn check(answer: &CitizenAnswer, set: &CriteriaSet, year: i32) -> Vec<String> {
    let mut problems = Vec::new();
    if !answer.consent {
        problems.push("Cần đồng ý với việc thu thập thông tin trước khi gửi".to_string());
    }
    let text = |what: &str, value: &str, required: bool, problems: &mut Vec<String>| {
        let chars = value.trim().chars().count();
        if required && chars == 0 {
            problems.push(format!("Cần nhập {what}"));
        } else if chars > MAX_TEXT_CHARS {
            problems.push(format!("{what} dài quá {MAX_TEXT_CHARS} ký tự"));
        } else if value.chars().any(char::is_control) {
            problems.push(format!("{what} có ký tự không hợp lệ"));
        }
    };
    text("Họ và tên", &answer.name, true, &mut problems);
    text("Chủ hộ", &answer.household_head, false, &mut problems);
    text("Địa chỉ", &answer.address, false, &mut problems);
    if !(year - 120..=year).contains(&answer.birth_year) {
        problems.push(format!("Năm sinh cần là một năm từ {} đến {year}", year - 120));
    }
    let phone = answer.phone.trim();
    if phone.chars().count() > MAX_PHONE_CHARS
        || !phone.chars().all(|c| c.is_ascii_digit() || matches!(c, '+' | ' ' | '.'))
    {
        problems.push("Số điện thoại chỉ gồm chữ số, tối đa 20 ký tự".to_string());
    }
    if answer.scores.len() > scoring::MAX_SCORES {
        problems.push(format!("Có quá {} câu trả lời", scoring::MAX_SCORES));
        return problems;
    }
    let evaluation = Evaluation {
        set: set.id.clone(),
        context: Context { subject_group: answer.subject_group.clone(), ..Context::default() },
        scores: answer.scores.clone(),
    };
    if let Err(err) = scoring::score(set, &evaluation) {
        let all = match err {
            Error::InvalidEvaluation(all) => all,
            other => vec![other],
        };
        problems.extend(
            all.iter()
                .filter(|e| !matches!(e, Error::MissingIndicator { .. } | Error::MoreProblems { .. }))
                .map(ToString::to_string),
        );
    }
    problems
}

/// How sure a match is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Strength {
    /// Same name and birth year (without diacritics), and the household agrees.
    Same,
    /// Same name, and the birth year is a year off or the household head agrees.
    Likely,
    /// Same name only: a namesake to check.
    Namesake,
}

/// A person of the hamlet an answer may be.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Candidate {
    pub person: RecordId,
    pub strength: Strength,
    /// Why, for the officer: `cùng họ tên, năm sinh 1985, chủ hộ Nguyễn Văn An`.
    pub why: String,
}

/// The people of `views` (a hamlet's records: people and their households) the answer
/// most likely is, surest first, at most [`MAX_CANDIDATES`]. None: propose a new person.
pub fn candidates(answer: &CitizenAnswer, views: &[RecordView]) -> Vec<Candidate> {
    let name = fold(&answer.name);
    let head = fold(&answer.household_head);
    if name.is_empty() {
        return Vec::new();
    }
    let heads: BTreeMap<&str, String> = views
        .iter()
        .filter(|v| v.record.kind == RecordKind::Household)
        .filter_map(|v| Some((v.record.id.as_str(), fold(v.value("ten_chu_ho")?.as_str()?))))
        .collect();
    let mut found: Vec<Candidate> = views
        .iter()
        .filter(|v| v.record.kind == RecordKind::Person && !crate::archive::is_deleted(v))
        .filter(|v| v.value("name").and_then(|n| n.as_str()).is_some_and(|n| fold(n) == name))
        .map(|v| {
            let year = v.value("birth_year").and_then(serde_json::Value::as_i64);
            let their_head =
                v.value("household").and_then(|h| h.as_str()).and_then(|h| heads.get(h)).cloned().unwrap_or_default();
            let same_year = year == Some(i64::from(answer.birth_year));
            let near_year = year.is_some_and(|y| (y - i64::from(answer.birth_year)).abs() <= 1);
            let same_head = !head.is_empty() && their_head == head;
            let head_differs = !head.is_empty() && !their_head.is_empty() && their_head != head;
            let strength = match (same_year, near_year, same_head) {
                (true, _, _) if !head_differs => Strength::Same,
                (_, true, _) | (_, _, true) => Strength::Likely,
                _ => Strength::Namesake,
            };
            let mut why = vec!["cùng họ tên".to_string()];
            why.push(match year {
                Some(y) => format!("năm sinh {y}"),
                None => "chưa có năm sinh".to_string(),
            });
            if !their_head.is_empty() {
                let shown = v
                    .value("household")
                    .and_then(|h| h.as_str())
                    .and_then(|h| views.iter().find(|x| x.record.kind == RecordKind::Household && x.record.id == h))
                    .and_then(|h| h.value("ten_chu_ho")?.as_str().map(str::to_string))
                    .unwrap_or_default();
                why.push(format!("chủ hộ {shown}"));
            }
            Candidate { person: v.record.clone(), strength, why: why.join(", ") }
        })
        .collect();
    found.sort_by(|a, b| (a.strength, &a.person).cmp(&(b.strength, &b.person)));
    found.truncate(MAX_CANDIDATES);
    found
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::criteria::shipped;
    use crate::merge::OpSet;
    use crate::protocol::{FieldEdit, OpBody, Operation};

    fn answer(name: &str, year: i32, head: &str) -> CitizenAnswer {
        CitizenAnswer {
            name: name.to_string(),
            birth_year: year,
            household_head: head.to_string(),
            address: String::new(),
            phone: String::new(),
            subject_group: None,
            scores: BTreeMap::new(),
            consent: true,
        }
    }

    /// A hamlet: two households, three people (two namesakes).
    fn hamlet() -> Vec<RecordView> {
        let mut n = 0;
        let mut op = |kind: RecordKind, id: &str, fields: Vec<(&str, serde_json::Value)>| {
            n += 1;
            let fields =
                fields.into_iter().map(|(f, v)| FieldEdit { field: f.into(), value: v, base: vec![] }).collect();
            let hlc = crate::hlc::Hlc { wall_ms: 1_700_000_000_000 + n, counter: 0, device: "may".into() };
            Operation {
                id: format!("op-{n}"),
                device: "may".into(),
                hlc,
                record: RecordId { kind, id: id.into() },
                unit: "hamlet:a".into(),
                body: OpBody::SetFields { fields },
            }
        };
        let ops = vec![
            op(RecordKind::Household, "h1", vec![("ten_chu_ho", json!("Nguyễn Văn An"))]),
            op(RecordKind::Household, "h2", vec![("ten_chu_ho", json!("Lê Văn Bình"))]),
            op(
                RecordKind::Person,
                "p1",
                vec![("name", json!("Nguyễn Thị Hoa")), ("birth_year", json!(1985)), ("household", json!("h1"))],
            ),
            op(
                RecordKind::Person,
                "p2",
                vec![("name", json!("Nguyễn Thị Hoa")), ("birth_year", json!(1962)), ("household", json!("h2"))],
            ),
            op(RecordKind::Person, "p3", vec![("name", json!("Trần Văn Cường")), ("birth_year", json!(1990))]),
        ];
        ops.into_iter().collect::<OpSet>().views().into_values().collect()
    }

    #[test]
    fn the_same_name_and_year_is_the_person_and_a_namesake_comes_after() {
        let found = candidates(&answer("nguyen thi  HOA", 1985, "Nguyễn Văn An"), &hamlet());
        assert_eq!(found.len(), 2);
        assert_eq!((found[0].person.id.as_str(), found[0].strength), ("p1", Strength::Same));
        assert_eq!(found[0].why, "cùng họ tên, năm sinh 1985, chủ hộ Nguyễn Văn An");
        assert_eq!((found[1].person.id.as_str(), found[1].strength), ("p2", Strength::Namesake));
    }

    #[test]
    fn a_year_off_or_the_same_head_is_likely_and_another_head_is_not_the_same() {
        let views = hamlet();
        assert_eq!(candidates(&answer("Nguyễn Thị Hoa", 1986, ""), &views)[0].strength, Strength::Likely);
        let found = candidates(&answer("Nguyễn Thị Hoa", 1970, "Lê Văn Bình"), &views);
        assert_eq!((found[0].person.id.as_str(), found[0].strength), ("p2", Strength::Likely));
        // The right year but another household's head: to check, not the same.
        let found = candidates(&answer("Nguyễn Thị Hoa", 1985, "Lê Văn Bình"), &views);
        assert!(found.iter().all(|c| c.strength != Strength::Same), "{found:?}");
        assert!(candidates(&answer("Phạm Văn Mới", 2000, ""), &views).is_empty(), "a new person");
    }

    #[test]
    fn an_answer_is_checked_as_an_officers_input_is() {
        let set = shipped::get("cdht-324-2023").expect("shipped");
        let group = set.subject_groups[0].code.clone();
        let mut ok = answer("Nguyễn Thị Hoa", 1985, "");
        ok.subject_group = Some(group.clone());
        ok.scores.insert("1.1".into(), Answer::Points(crate::number::Points::from_f64(8.0).expect("points")));
        assert_eq!(check(&ok, &set, 2026), Vec::<String>::new(), "a partial self-assessment is taken");

        let mut bad = ok.clone();
        bad.consent = false;
        bad.name = " ".into();
        bad.birth_year = 2027;
        bad.phone = "090 abc".into();
        bad.address = "x".repeat(MAX_TEXT_CHARS + 1);
        bad.scores.insert("1.2".into(), Answer::Points(crate::number::Points::from_f64(99.0).expect("points")));
        bad.scores.insert("9.9".into(), Answer::Met(true));
        let problems = check(&bad, &set, 2026);
        assert_eq!(problems.len(), 7, "{problems:#?}");
        assert!(
            problems.iter().any(|p| p.contains("1.2")) && problems.iter().any(|p| p.contains("9.9")),
            "{problems:#?}"
        );
        assert!(problems.iter().all(|p| !p.is_empty()));
    }
}
