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
    /// The hamlet the citizen lives in, one of the campaign's [`PublicCampaign::hamlets`]
    /// (a commune's campaign lists several; a hamlet's campaign, only itself).
    #[serde(default)]
    pub hamlet: String,
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
    /// A photo per indicator, by the SHA-256 (64 lowercase hex digits) of what was put
    /// at `PUT /c/{token}/photos/{sha256}` before the answer was sent.
    #[serde(default)]
    pub photos: BTreeMap<String, String>,
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
    let codes: std::collections::BTreeSet<&str> = set.indicators().map(|i| i.code.as_str()).collect();
    for (code, sha) in answer.photos.iter().take(scoring::MAX_SCORES + 1) {
        if !codes.contains(code.as_str()) {
            problems.push(format!("Ảnh gắn với chỉ số {code:?} không có trong bộ tiêu chí"));
        } else if sha.len() != 64 || !sha.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            problems.push(format!("Ảnh của chỉ số {code} không đọc được"));
        }
    }
    if answer.photos.len() > scoring::MAX_SCORES {
        problems.push(format!("Có quá {} ảnh", scoring::MAX_SCORES));
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

/// A hamlet's self-assessment campaign: a link that takes citizens' answers for one
/// year and set until a date, up to a number of answers, or until it is closed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Campaign {
    /// Also the link's secret: 32 hex digits, the only key a citizen holds.
    pub id: String,
    /// The hamlet (or commune) whose queue its answers reach.
    pub unit: String,
    pub year: i32,
    pub set: String,
    pub set_version: String,
    /// The last day it takes answers (in Vietnam).
    pub valid_until: crate::date::Date,
    pub max_answers: u32,
    /// Account id of the officer who opened it.
    pub opened_by: String,
    pub opened_at_ms: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_at_ms: Option<i64>,
}

/// The most answers one campaign may take (a hamlet has about 1,000 people).
pub const MAX_ANSWERS: u32 = 5_000;

impl Campaign {
    /// Whether it takes answers on `today`.
    pub fn open(&self, today: crate::date::Date) -> bool {
        self.closed_at_ms.is_none() && today <= self.valid_until
    }
}

/// What an officer asks for to open a campaign.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OpenCampaign {
    pub year: i32,
    /// A Learning Citizen set in force during `year`; its newest such version is used.
    pub set: String,
    pub valid_until: crate::date::Date,
    pub max_answers: u32,
}

/// What became of an answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AnswerState {
    /// Waiting in the hamlet's queue.
    Received,
    /// Not genuine (a test, a joke, a duplicate), with the officer's reason.
    Discarded { reason: String, by: String, at_ms: i64 },
    /// The officer matched it to a person (record id) and scores it in this evaluation
    /// (record id).
    Linked { person: String, evaluation: String },
}

/// An answer as the server keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoredAnswer {
    /// What the citizen is given to follow it: 8 characters.
    pub receipt: String,
    pub answer: CitizenAnswer,
    pub received_at_ms: i64,
    pub state: AnswerState,
}

/// The most bytes of an answer's JSON body.
pub const MAX_ANSWER_BYTES: usize = 64 * 1024;
/// The most bytes of one photo (the phone resizes photos as it does officers').
pub const MAX_PHOTO_BYTES: usize = 1024 * 1024;
/// The alphabet of receipts (Crockford's base 32: no I, L, O, U).
pub const RECEIPT_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// The characters of a receipt, shown as two groups of four (`7KQ2-M9XD`).
pub const RECEIPT_CHARS: usize = 8;

/// A receipt as a citizen may type it (lower case, with a dash or spaces, O for 0, I or
/// L for 1), in its stored form; `None` when it cannot be one.
pub fn normalise_receipt(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(RECEIPT_CHARS);
    for c in typed.chars().take(4 * RECEIPT_CHARS) {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !RECEIPT_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
    }
    (out.len() == RECEIPT_CHARS).then_some(out)
}

/// A receipt as shown: `7KQ2-M9XD`.
pub fn show_receipt(receipt: &str) -> String {
    match receipt.get(..4).zip(receipt.get(4..)) {
        Some((a, b)) => format!("{a}-{b}"),
        None => receipt.to_string(),
    }
}

/// A hamlet a citizen may say they live in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Place {
    /// The hamlet's unit id, sent back as [`CitizenAnswer::hamlet`].
    pub id: String,
    pub name: String,
}

/// What a campaign's link shows a citizen (`GET /c/{token}`): nothing about anyone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicCampaign {
    /// Who runs it: `Thôn Đông, xã Quảng Phú, tỉnh Thanh Hóa`.
    pub title: String,
    /// The hamlets a citizen chooses from (one for a hamlet's campaign).
    pub hamlets: Vec<Place>,
    pub year: i32,
    pub valid_until: crate::date::Date,
    /// Whether it takes answers now.
    pub open: bool,
    /// Why not, in Vietnamese, when it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed_because: Option<String>,
    /// The set to answer, while open.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub set: Option<CriteriaSet>,
    /// The consent text (Nghị định 13/2023/NĐ-CP): what is collected, why, who sees it,
    /// for how long.
    pub consent: String,
    pub max_photo_bytes: u64,
}

/// What a citizen's phone sends (`POST /c/{token}/answers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmitAnswer {
    /// Made by the phone once per answer (8 to 64 letters, digits or `-`): sending again
    /// after a lost reply is the same answer and gets the same receipt.
    pub id: String,
    pub answer: CitizenAnswer,
}

/// What the citizen keeps to follow the answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Receipt {
    /// 8 characters of [`RECEIPT_ALPHABET`]; shown with [`show_receipt`].
    pub receipt: String,
}

/// Where an answer stands, as its citizen may know it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CitizenStatus {
    /// In the hamlet's queue.
    Received,
    /// Matched and being scored or reviewed.
    Reviewing,
    /// Returned for correction, with a comment.
    Returned,
    Recognised,
    /// Not taken (not genuine, a duplicate), with the reason.
    Discarded,
}

impl CitizenStatus {
    /// The words a citizen reads.
    pub fn words(self) -> &'static str {
        match self {
            CitizenStatus::Received => "Đã nhận, đang chờ thôn xem xét",
            CitizenStatus::Reviewing => "Đang được xem xét, chấm điểm",
            CitizenStatus::Returned => "Được trả lại, cần bổ sung",
            CitizenStatus::Recognised => "Đã được công nhận Công dân học tập",
            CitizenStatus::Discarded => "Không được tiếp nhận",
        }
    }
}

/// `GET /receipts/{receipt}`: the status and, when returned or discarded, the comment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptStatus {
    pub status: CitizenStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
}

/// A campaign as its officers' list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CampaignSummary {
    pub campaign: Campaign,
    /// The unit's name (`Thôn Đông`).
    pub place: String,
    /// The set's name.
    pub set_name: String,
    /// Answers taken, and how many wait, are matched, were discarded.
    pub answers: u32,
    pub waiting: u32,
    pub linked: u32,
    pub discarded: u32,
}

/// An answer in the hamlet's queue (`GET /campaigns/{id}/answers`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct QueueAnswer {
    /// The answer's id, for accepting or discarding it.
    pub id: String,
    pub receipt: String,
    pub received_at_ms: i64,
    /// The name of the hamlet the citizen chose.
    pub hamlet_name: String,
    pub answer: CitizenAnswer,
    pub state: AnswerState,
    /// The people of the hamlet it may be, surest first; empty: propose a new person.
    pub candidates: Vec<Candidate>,
    /// The receipt of an earlier answer of this campaign with the same folded name and
    /// birth year: probably sent twice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<String>,
}

/// `POST /campaigns/{id}/answers/{answer}/accept`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AcceptAnswer {
    /// The person's record id (one of the hamlet's people); `None`: add the citizen as a
    /// new person of the hamlet.
    #[serde(default)]
    pub person: Option<String>,
}

/// What accepting made: the person and the evaluation the officer now scores.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Accepted {
    pub person: RecordId,
    pub evaluation: RecordId,
}

/// `POST /campaigns/{id}/answers/{answer}/discard`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DiscardAnswer {
    pub reason: String,
}

/// The evaluation field that keeps the citizen's self-assessment beside the officer's
/// scores. Written only by the server when an officer accepts an answer.
pub const SELF_ASSESSMENT_FIELD: &str = "self_assessment";

/// The value of [`SELF_ASSESSMENT_FIELD`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SelfAssessment {
    pub campaign: String,
    pub answer: String,
    pub receipt: String,
    #[serde(default)]
    pub subject_group: Option<String>,
    /// The citizen's own answer per indicator.
    #[serde(default)]
    pub scores: BTreeMap<String, Answer>,
    /// The citizen's photo per indicator (SHA-256, as evidence).
    #[serde(default)]
    pub photos: BTreeMap<String, String>,
}

impl SelfAssessment {
    /// The field's value for `answer` (of `campaign`, stored as `stored`).
    pub fn of(campaign: &str, answer: &str, stored: &StoredAnswer) -> SelfAssessment {
        SelfAssessment {
            campaign: campaign.to_string(),
            answer: answer.to_string(),
            receipt: stored.receipt.clone(),
            subject_group: stored.answer.subject_group.clone(),
            scores: stored.answer.scores.clone(),
            photos: stored.answer.photos.clone(),
        }
    }
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
    /// The person's name as registered.
    pub name: String,
}

/// A hamlet's people indexed by folded name, with their households' heads, so that the
/// candidates of many answers are found without folding the register again for each.
#[derive(Debug, Clone, Default)]
pub struct Register<'a> {
    /// Folded name → the people (not deleted) with it.
    people: BTreeMap<String, Vec<&'a RecordView>>,
    /// Household id → the head's name as written and folded.
    /// (the name as written, folded, whether the household was deleted).
    heads: BTreeMap<&'a str, (String, String, bool)>,
}

impl<'a> Register<'a> {
    /// The index of `views` (a hamlet's records: people and their households).
    pub fn of(views: &'a [RecordView]) -> Register<'a> {
        let mut register = Register::default();
        for v in views {
            match v.record.kind {
                RecordKind::Household => {
                    if let Some(head) = v.value("ten_chu_ho").and_then(|n| n.as_str()) {
                        let deleted = crate::archive::is_deleted(v);
                        register.heads.insert(v.record.id.as_str(), (head.to_string(), fold(head), deleted));
                    }
                }
                RecordKind::Person if !crate::archive::is_deleted(v) => {
                    if let Some(name) = v.value("name").and_then(|n| n.as_str()) {
                        register.people.entry(fold(name)).or_default().push(v);
                    }
                }
                _ => {}
            }
        }
        register
    }

    /// The people the answer most likely is, surest first, at most [`MAX_CANDIDATES`].
    /// None: propose a new person.
    pub fn candidates(&self, answer: &CitizenAnswer) -> Vec<Candidate> {
        let head = fold(&answer.household_head);
        let Some(namesakes) = self.people.get(&fold(&answer.name)) else { return Vec::new() };
        let mut found: Vec<Candidate> = namesakes
            .iter()
            .map(|v| {
                let year = v.value("birth_year").and_then(serde_json::Value::as_i64);
                let household = v.value("household").and_then(|h| h.as_str()).and_then(|h| self.heads.get(h));
                let their_head = household.map(|(_, folded, _)| folded.as_str()).unwrap_or_default();
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
                if let Some((shown, _, _)) = household {
                    why.push(format!("chủ hộ {shown}"));
                }
                let registered = v.value("name").and_then(|n| n.as_str()).unwrap_or_default().to_string();
                Candidate { person: v.record.clone(), strength, why: why.join(", "), name: registered }
            })
            .collect();
        found.sort_by(|a, b| (a.strength, &a.person).cmp(&(b.strength, &b.person)));
        found.truncate(MAX_CANDIDATES);
        found
    }
}

impl Register<'_> {
    /// The one household (not deleted) whose head has the name `head` without
    /// diacritics; `None` when none or several have.
    pub fn household_headed_by(&self, head: &str) -> Option<&str> {
        let head = fold(head);
        if head.is_empty() {
            return None;
        }
        let mut found = self.heads.iter().filter(|(_, (_, folded, deleted))| !deleted && *folded == head);
        match (found.next(), found.next()) {
            (Some((id, _)), None) => Some(id),
            _ => None,
        }
    }
}

/// The people of `views` (a hamlet's records: people and their households) the answer
/// most likely is: [`Register::candidates`] over [`Register::of`] the views.
pub fn candidates(answer: &CitizenAnswer, views: &[RecordView]) -> Vec<Candidate> {
    Register::of(views).candidates(answer)
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
            photos: BTreeMap::new(),
            hamlet: String::new(),
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

    #[test]
    fn a_new_person_joins_the_one_household_whose_head_they_name() {
        let views = hamlet();
        let register = Register::of(&views);
        assert_eq!(register.household_headed_by("nguyen van an"), Some("h1"));
        assert_eq!(register.household_headed_by("Trần Văn Không"), None);
        assert_eq!(register.household_headed_by(" "), None);
    }

    #[test]
    fn a_receipt_is_read_as_a_citizen_types_it() {
        assert_eq!(normalise_receipt("7kq2-m9xd").as_deref(), Some("7KQ2M9XD"));
        assert_eq!(normalise_receipt(" 7KQ2 M9XD ").as_deref(), Some("7KQ2M9XD"));
        assert_eq!(normalise_receipt("O1L2-I3AB").as_deref(), Some("011213AB"), "O, L and I read as digits");
        assert_eq!(normalise_receipt("7KQ2-M9X"), None, "too short");
        assert_eq!(normalise_receipt("7KQ2-M9XU"), None, "U is not in the alphabet");
        assert_eq!(normalise_receipt("7KQ2-M9XĐ"), None);
        assert_eq!(show_receipt("7KQ2M9XD"), "7KQ2-M9XD");
    }
}
