//! What the review screen may offer for an evaluation, decided by the same scoring the
//! server runs: approve only a complete evaluation; recognise without more only what the
//! criteria set's rules recognise, otherwise only with a written reason (công nhận ngoại
//! lệ), which the record, its history and the decision's list then show. Pure, tested
//! natively.

use hoctap_shared::authorities::{fill, Places};
use hoctap_shared::consolidation::{evaluation_facts, evaluation_of};
use hoctap_shared::criteria::CriteriaSet;
use hoctap_shared::merge::{RecordView, Status};
use hoctap_shared::protocol::Decision;
use hoctap_shared::scoring;

/// What the rules say of an evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Eligibility {
    /// It cannot be scored yet (scores missing or invalid, or its set unknown here): it
    /// cannot be approved. Why, in Vietnamese.
    Incomplete(String),
    /// Scored, and the rules do not grant the title: the reasons, most decisive first.
    NotRecognised(Vec<String>),
    /// Scored, and the rules grant the title.
    Recognised,
}

impl Eligibility {
    pub fn can_approve(&self) -> bool {
        !matches!(self, Eligibility::Incomplete(_))
    }
}

/// What the rules of its set say of `view`, among the device's `sets`.
pub fn eligibility(view: &RecordView, sets: &[CriteriaSet]) -> Eligibility {
    let Some(facts) = evaluation_facts(view) else {
        return Eligibility::Incomplete("phiếu chưa có bộ tiêu chí hoặc năm đánh giá".to_string());
    };
    let Some(set) = facts.criteria(sets) else {
        return Eligibility::Incomplete(format!("máy này không có bộ tiêu chí “{}”", facts.set));
    };
    match scoring::score(set, &evaluation_of(view, &facts.set)) {
        Err(err) => Eligibility::Incomplete(err.to_string()),
        Ok(outcome) if outcome.recognised => Eligibility::Recognised,
        Ok(outcome) => Eligibility::NotRecognised(outcome.reasons),
    }
}

/// What the bulk recognition form needs of `GET /units/{unit}/authorities` (the rest
/// of the answer is not decoded): the authority the province set for each title, and
/// the names that fill `{xã}` and `{tỉnh}`. Kept on the device like other pages.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct AuthorityPrefill {
    province_name: String,
    #[serde(default)]
    commune_name: Option<String>,
    authorities: Vec<PrefillRow>,
}

/// Model and level are read as their wire keys (`learning_family`, `commune`), which
/// costs the phone app less than decoding the enums.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
struct PrefillRow {
    model: String,
    level: String,
    authority: String,
}

impl AuthorityPrefill {
    /// The body that recognises the first evaluation's title, its names filled:
    /// `Ủy ban nhân dân xã Cửu An`. A commune decides at its level; a province
    /// account decides for its own learning units.
    pub fn authority_for(&self, chosen: &[&RecordView], sets: &[CriteriaSet], province: bool) -> Option<String> {
        let model = chosen.iter().find_map(|v| evaluation_facts(v)?.criteria(sets))?.model.key();
        let level = if province { "province" } else { "commune" };
        let row = self.authorities.iter().find(|r| r.model == model && r.level == level)?;
        let places =
            Places { commune: self.commune_name.clone().unwrap_or_default(), province: self.province_name.clone() };
        Some(fill(&row.authority, &places)).filter(|a| !a.is_empty() && !a.contains('{'))
    }
}

/// A step taken for many evaluations at once from the review queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bulk {
    /// Duyệt: submitted evaluations that are completely scored.
    Approve,
    /// Công nhận theo quyết định: approved evaluations the rules recognise (an exception
    /// needs its own written reason, so it is recognised on its own).
    Recognise,
}

/// Splits the chosen evaluations into those `step` applies to and the others, each
/// with why it is left out.
pub fn bulk_split<'a>(
    chosen: &[&'a RecordView],
    sets: &[CriteriaSet],
    step: Bulk,
) -> (Vec<&'a RecordView>, Vec<(&'a RecordView, String)>) {
    let mut taken = Vec::new();
    let mut left = Vec::new();
    for view in chosen {
        let why = match (step, view.status, eligibility(view, sets)) {
            (_, _, Eligibility::Incomplete(why)) => Some(format!("chưa chấm xong: {why}")),
            (Bulk::Approve, Status::Submitted, _) => None,
            (Bulk::Approve, _, _) => Some(format!("đang ở trạng thái {}", view.status.title())),
            (Bulk::Recognise, Status::Approved, Eligibility::Recognised) => None,
            (Bulk::Recognise, Status::Approved, _) => Some(
                "theo bộ tiêu chí chưa đủ điều kiện; muốn công nhận ngoại lệ, hãy làm riêng phiếu này với lý do"
                    .to_string(),
            ),
            (Bulk::Recognise, _, _) => Some(format!("chưa được duyệt (đang ở trạng thái {})", view.status.title())),
        };
        match why {
            None => taken.push(*view),
            Some(why) => left.push((*view, why)),
        }
    }
    (taken, left)
}

/// The override reason a recognition carries, from what the reviewer wrote: none when
/// the rules recognise the evaluation, the trimmed text otherwise; an error (to show)
/// when a reason is needed and missing, or the evaluation cannot be recognised at all.
pub fn override_reason(eligibility: &Eligibility, written: &str) -> Result<Option<String>, String> {
    match eligibility {
        Eligibility::Recognised => Ok(None),
        Eligibility::Incomplete(why) => Err(format!("Chưa công nhận được: {why}.")),
        Eligibility::NotRecognised(_) if written.trim().is_empty() => {
            Err("Theo bộ tiêu chí, phiếu này chưa đủ điều kiện công nhận. Muốn vẫn công nhận, hãy ghi lý do công nhận ngoại lệ."
                .to_string())
        }
        Eligibility::NotRecognised(_) => Ok(Some(written.trim().to_string())),
    }
}

/// How an overridden recognition is shown: "Công nhận ngoại lệ: <lý do>".
pub fn override_note(decision: &Decision) -> Option<String> {
    decision
        .override_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(|reason| format!("Công nhận ngoại lệ: {reason}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::date::Date;
    use hoctap_shared::history::step_words;
    use hoctap_shared::hlc::Hlc;
    use hoctap_shared::merge;
    use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind, Transition};
    use hoctap_shared::scoring::Answer;

    const SET: &str = "cdht-244-2022";

    #[test]
    fn issue_17_the_bulk_form_is_prefilled_from_the_provinces_authority() {
        let mut view = hoctap_shared::authorities::view("province:52:2025", "Tỉnh Gia Lai", None);
        view.commune_name = Some("Xã Cửu An".to_string());
        let json = serde_json::to_string(&view).unwrap_or_default();
        let prefill: AuthorityPrefill = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
        let sets = crate::catalog::sets();
        let chosen = evaluation(10, false);
        assert_eq!(prefill.authority_for(&[&chosen], &sets, false).as_deref(), Some("Ủy ban nhân dân xã Cửu An"));
        // No learning citizen is recognised at the province; nothing chosen, nothing filled.
        assert_eq!(prefill.authority_for(&[&chosen], &sets, true), None);
        assert_eq!(prefill.authority_for(&[], &sets, false), None);
    }

    /// An evaluation of the Learning Citizen set with `points` on every indicator, or on
    /// all but the last when `leave_one` is set.
    fn evaluation(points: u32, leave_one: bool) -> RecordView {
        let sets = crate::catalog::sets();
        let set = sets.iter().find(|s| s.id == SET).unwrap_or_else(|| panic!("{SET} is shipped"));
        let record = RecordId { kind: RecordKind::Evaluation, id: "e".to_string() };
        let op = |n: i64, body: OpBody| Operation {
            id: format!("o{n}"),
            device: "d".to_string(),
            hlc: Hlc { wall_ms: n, counter: 0, device: "d".to_string() },
            record: record.clone(),
            unit: "hamlet:h".to_string(),
            body,
        };
        let fields = vec![
            FieldEdit { field: "set".to_string(), value: SET.into(), base: vec![] },
            FieldEdit { field: "year".to_string(), value: 2026.into(), base: vec![] },
        ];
        let mut ops = vec![op(0, OpBody::SetFields { fields })];
        let mut codes: Vec<&str> = set.criteria.iter().flat_map(|c| &c.indicators).map(|i| i.code.as_str()).collect();
        if leave_one {
            codes.pop();
        }
        for (n, code) in (1..).zip(codes) {
            let answer: Answer = serde_json::from_value(points.into()).unwrap_or_else(|e| panic!("{e}"));
            ops.push(op(n, OpBody::SetScore { indicator: code.to_string(), answer, base: vec![] }));
        }
        merge::view(&record, ops.iter())
    }

    #[test]
    fn many_at_once_takes_only_what_the_step_applies_to_and_says_why_not_the_rest() {
        let sets = crate::catalog::sets();
        let with = |points, leave_one, status| RecordView { status, ..evaluation(points, leave_one) };
        let submitted = with(8, false, Status::Submitted);
        let incomplete = with(8, true, Status::Submitted);
        let approved = with(8, false, Status::Approved);
        let below = with(5, false, Status::Approved);
        let chosen = [&submitted, &incomplete, &approved, &below];
        let (taken, left) = bulk_split(&chosen, &sets, Bulk::Approve);
        assert_eq!(taken, [&submitted]);
        assert_eq!(left.len(), 3);
        assert!(left[0].1.starts_with("chưa chấm xong"), "{left:?}");
        let (taken, left) = bulk_split(&chosen, &sets, Bulk::Recognise);
        assert_eq!(taken, [&approved]);
        let reasons: Vec<&str> = left.iter().map(|(_, why)| why.as_str()).collect();
        assert!(reasons[0].starts_with("chưa được duyệt"), "{reasons:?}");
        assert!(reasons[2].contains("ngoại lệ"), "{reasons:?}");
    }

    #[test]
    fn eight_points_everywhere_is_recognised_and_needs_no_reason() {
        let eligibility = eligibility(&evaluation(8, false), &crate::catalog::sets());
        assert_eq!(eligibility, Eligibility::Recognised);
        assert!(eligibility.can_approve());
        assert_eq!(override_reason(&eligibility, "  "), Ok(None));
        // A reason written anyway is not sent: the rules already grant the title.
        assert_eq!(override_reason(&eligibility, "vì sao"), Ok(None));
    }

    #[test]
    fn five_points_everywhere_is_not_recognised_and_needs_a_written_reason() {
        let eligibility = eligibility(&evaluation(5, false), &crate::catalog::sets());
        let Eligibility::NotRecognised(reasons) = &eligibility else { panic!("{eligibility:?}") };
        assert!(!reasons.is_empty());
        assert!(eligibility.can_approve());
        let Err(refused) = override_reason(&eligibility, " \n ") else { panic!("a reason is needed") };
        assert!(refused.contains("lý do công nhận ngoại lệ"), "{refused}");
        assert_eq!(override_reason(&eligibility, "  Gương sáng vượt khó  "), Ok(Some("Gương sáng vượt khó".into())));
    }

    #[test]
    fn an_unfinished_evaluation_can_be_neither_approved_nor_recognised() {
        let sets = crate::catalog::sets();
        let eligibility = eligibility(&evaluation(8, true), &sets);
        let Eligibility::Incomplete(why) = &eligibility else { panic!("{eligibility:?}") };
        assert!(!why.is_empty());
        assert!(!eligibility.can_approve());
        assert!(override_reason(&eligibility, "lý do").is_err());
        let mut unknown = evaluation(8, false);
        unknown.fields.retain(|f, _| f != "set");
        assert!(!super::eligibility(&unknown, &sets).can_approve());
    }

    #[test]
    fn only_an_override_has_a_note() {
        let date = Date::new(2026, 11, 20).unwrap_or_else(|| panic!("a real day"));
        let mut decision = Decision {
            number: "15/QĐ-UBND".to_string(),
            date,
            authority: "UBND xã".to_string(),
            override_reason: None,
            proposer: None,
        };
        assert_eq!(override_note(&decision), None);
        // The record's history (its words come from the server) says it the same way.
        let step = |decision: &Decision| step_words(&Transition::Recognise { decision: decision.clone() });
        assert_eq!(step(&decision), "Công nhận: Quyết định số 15/QĐ-UBND ngày 20/11/2026 của UBND xã");
        decision.override_reason = Some(" Gương sáng vượt khó ".to_string());
        assert_eq!(override_note(&decision).as_deref(), Some("Công nhận ngoại lệ: Gương sáng vượt khó"));
        assert_eq!(
            step(&decision),
            format!(
                "Công nhận: Quyết định số 15/QĐ-UBND ngày 20/11/2026 của UBND xã — {}",
                override_note(&decision).unwrap_or_default()
            )
        );
        assert_eq!(step_words(&Transition::Return { comment: "Thiếu ảnh".into() }), "Trả lại để sửa: Thiếu ảnh");
    }
}
