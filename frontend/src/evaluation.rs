//! The state of one evaluation form (phiếu đánh giá) and the reducer that changes it.
//!
//! The form works for any criteria set because it is driven by the set's data: answers
//! are kept by indicator code exactly as typed, and after every change the answers that
//! parse are scored by the shared engine (`hoctap_shared::scoring::score`) — the same
//! code the server runs. Until the form is complete the officer sees what is missing,
//! the engine's own Vietnamese messages for wrong values, and the partial total of what
//! is already entered. Nothing here touches the browser, so it is tested natively.

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use hoctap_shared::criteria::{CriteriaSet, Indicator, Measure, Rule, ShareScoring};
use hoctap_shared::merge::{RecordView, SCORE_FIELD_PREFIX};
use hoctap_shared::number::{Percent, Points};
use hoctap_shared::scoring::{self, Answer, Context, Decision, Evaluation, Outcome};
use hoctap_shared::Error;
use yew::Reducible;

use crate::storage::Answers;

/// What the officer has entered for one indicator, kept as typed so that a half-typed
/// "8," is not lost or rewritten under their fingers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// Điểm, as typed ("8,5" or "8.5").
    Points(String),
    /// Đạt / chưa đạt.
    Met(bool),
    /// Tử số / mẫu số, as typed.
    Share { numerator: String, denominator: String },
}

/// A change to the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Points for an indicator, as typed.
    SetPoints(String, String),
    /// Met or not met for an indicator.
    SetMet(String, bool),
    /// Numerator and denominator of a share indicator, as typed.
    SetShare(String, String, String),
    /// The area (vùng); `None` is an ordinary area.
    SetArea(Option<String>),
    /// The subject group (nhóm đối tượng) of a set that has groups.
    SetGroup(Option<String>),
    /// Adds or removes a context tag such as `school`.
    ToggleTag(String),
    /// Clears every answer and the context.
    Reset,
    /// Lays unsaved changes (a draft's answers, see [`EvaluationForm::changes_from`])
    /// over the form.
    Restore(Answers),
    /// Clears the form, then lays answers over it: back to the stored answers when
    /// given [`EvaluationForm::changes_from`] an empty form.
    Revert(Answers),
    /// The stored answers changed under the form (a sync, another tab): the form
    /// becomes them, with the officer's unsaved changes laid over.
    Rebase(Box<EvaluationForm>, Answers),
}

/// The key of the area in a draft's answers (indicator codes never start with `@`).
const DRAFT_AREA: &str = "@area";
/// The key of the context tags, comma-separated.
const DRAFT_TAGS: &str = "@tags";
/// The key of the subject group.
const DRAFT_GROUP: &str = "@group";

/// What the entered answers amount to, recomputed after every change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Status {
    /// Every applicable indicator has a valid answer: the engine's outcome.
    Complete(Outcome),
    /// Not yet scorable.
    Incomplete {
        /// Codes of applicable indicators with no usable answer yet, in set order.
        missing: Vec<String>,
        /// Every other problem, in Vietnamese (the shared crate's messages where it
        /// found them), in set order.
        problems: Vec<String>,
    },
}

/// One evaluation form: the set, the answers by indicator code, the context, and what
/// they amount to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationForm {
    pub set: Rc<CriteriaSet>,
    pub entries: BTreeMap<String, Entry>,
    /// `disadvantaged`, `ethnic_minority`, … or `None` for an ordinary area.
    pub area: Option<String>,
    pub tags: BTreeSet<String>,
    /// The subject group's code, in a set with groups (asked first: it decides which
    /// indicators the form shows).
    pub subject_group: Option<String>,
    /// Derived from the fields above by [`EvaluationForm::refresh`]; never set directly.
    pub status: Status,
    /// Problems by indicator code, to show beside the input (derived).
    pub errors: BTreeMap<String, String>,
    /// Sum of the points of what is entered and valid, overall and by criterion code
    /// (derived; zero in level sets).
    pub partial_total: Points,
    pub criterion_totals: BTreeMap<String, Points>,
    /// Applicable indicators with a valid answer, and all applicable indicators.
    pub answered: usize,
    pub applicable: usize,
}

impl EvaluationForm {
    /// An empty form for `set`.
    pub fn new(set: Rc<CriteriaSet>) -> EvaluationForm {
        let mut form = EvaluationForm {
            set,
            entries: BTreeMap::new(),
            area: None,
            tags: BTreeSet::new(),
            subject_group: None,
            status: Status::Incomplete { missing: Vec::new(), problems: Vec::new() },
            errors: BTreeMap::new(),
            partial_total: Points::ZERO,
            criterion_totals: BTreeMap::new(),
            answered: 0,
            applicable: 0,
        };
        form.refresh();
        form
    }

    /// The form of a saved evaluation: its context and every score it holds (a score in
    /// conflict stays empty, to be chosen on the conflict screen or entered again).
    pub fn from_view(set: Rc<CriteriaSet>, view: &RecordView) -> EvaluationForm {
        let mut form = EvaluationForm::new(set);
        if let Some(context) = view.value("context").and_then(|c| serde_json::from_value::<Context>(c.clone()).ok()) {
            form.area = context.area.filter(|a| a != "normal");
            form.tags = context.tags.into_iter().collect();
            form.subject_group = context.subject_group;
        }
        for (name, field) in &view.fields {
            let Some(code) = name.strip_prefix(SCORE_FIELD_PREFIX) else { continue };
            let Some(answer) = field.value.clone().and_then(|v| serde_json::from_value::<Answer>(v).ok()) else {
                continue;
            };
            let entry = match answer {
                Answer::Points(points) => Entry::Points(points.to_string()),
                Answer::Met(met) => Entry::Met(met),
                Answer::Share { numerator, denominator } => {
                    Entry::Share { numerator: numerator.to_string(), denominator: denominator.to_string() }
                }
            };
            form.entries.insert(code.to_string(), entry);
        }
        form.refresh();
        form
    }

    /// The context passed to the engine.
    pub fn context(&self) -> Context {
        Context {
            area: self.area.clone(),
            tags: self.tags.iter().cloned().collect(),
            subject_group: self.subject_group.clone(),
        }
    }

    /// Whether `indicator` applies with the current context: the subject group's list
    /// and the context tags, as the engine decides it.
    pub fn applies(&self, indicator: &Indicator) -> bool {
        scoring::applies(indicator, &self.context())
    }

    /// Whether the form still needs its subject group before anything else.
    pub fn needs_group(&self) -> bool {
        self.set.has_groups() && self.subject_group.is_none()
    }

    /// The answers worth saving: applicable indicators whose entry parses and that the
    /// engine does not refuse, by indicator code.
    pub fn answers(&self) -> BTreeMap<String, Answer> {
        self.set
            .indicators()
            .filter(|i| self.applies(i) && !self.errors.contains_key(&i.code))
            .filter_map(|i| match self.entries.get(&i.code).map(|entry| read_entry(i, entry)) {
                Some(Ok(Some(answer))) => Some((i.code.clone(), answer)),
                _ => None,
            })
            .collect()
    }

    /// What differs between this form and `stored` (the form of the stored answers), as
    /// a draft keeps it: by indicator code, the entry as typed behind a letter for its
    /// kind — `p` points ("p8,5"), `m` met or not ("m1", "m0"), `s` a share ("s12/40",
    /// the counts being digits) — and, when the context differs, the area and the tags.
    /// An entry that reads as the stored answer ("8,5" typed, 8.5 stored) or an empty
    /// box where nothing is stored is no change. Only changes are kept, so a draft laid
    /// over answers another device sent meanwhile leaves those alone.
    pub fn changes_from(&self, stored: &EvaluationForm) -> Answers {
        let same = |code: &str, entry: &Entry| {
            match (stored.entries.get(code), entry) {
            (Some(old), _) if old == entry => true,
            (None, Entry::Points(text)) => text.trim().is_empty(),
            (None, Entry::Share { numerator, denominator }) => {
                numerator.trim().is_empty() && denominator.trim().is_empty()
            }
            (None, Entry::Met(_)) => false,
            (Some(old), _) => self.set.indicators().find(|i| i.code == code).is_some_and(|indicator| {
                matches!((read_entry(indicator, old), read_entry(indicator, entry)), (Ok(Some(a)), Ok(Some(b))) if a == b)
            }),
        }
        };
        let mut changes = Answers::new();
        for (code, entry) in self.entries.iter().filter(|(code, entry)| !same(code, entry)) {
            let text = match entry {
                Entry::Points(text) => format!("p{text}"),
                Entry::Met(met) => format!("m{}", u8::from(*met)),
                Entry::Share { numerator, denominator } => format!("s{numerator}/{denominator}"),
            };
            changes.insert(code.clone(), text);
        }
        if self.area != stored.area || self.tags != stored.tags {
            changes.insert(DRAFT_AREA.to_string(), self.area.clone().unwrap_or_default());
            changes.insert(DRAFT_TAGS.to_string(), self.tags.iter().cloned().collect::<Vec<_>>().join(","));
        }
        if self.subject_group != stored.subject_group {
            changes.insert(DRAFT_GROUP.to_string(), self.subject_group.clone().unwrap_or_default());
        }
        changes
    }

    /// Applies `action` and recomputes the derived fields.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::SetPoints(code, text) => {
                self.entries.insert(code, Entry::Points(text));
            }
            Action::SetMet(code, met) => {
                self.entries.insert(code, Entry::Met(met));
            }
            Action::SetShare(code, numerator, denominator) => {
                self.entries.insert(code, Entry::Share { numerator, denominator });
            }
            Action::SetArea(area) => self.area = area.filter(|a| a != "normal"),
            Action::SetGroup(group) => self.subject_group = group.filter(|g| !g.is_empty()),
            Action::ToggleTag(tag) => {
                if !self.tags.remove(&tag) {
                    self.tags.insert(tag);
                }
            }
            Action::Reset => self.clear(),
            Action::Restore(changes) => self.lay(changes),
            Action::Revert(changes) => {
                self.clear();
                self.lay(changes);
            }
            Action::Rebase(stored, changes) => {
                *self = *stored;
                self.lay(changes);
            }
        }
        self.refresh();
    }

    fn clear(&mut self) {
        self.entries.clear();
        self.area = None;
        self.tags.clear();
        self.subject_group = None;
    }

    /// Lays a draft's answers over the form; what does not read as an answer is left out.
    fn lay(&mut self, changes: Answers) {
        for (key, text) in changes {
            let (kind, typed) = text.split_at(text.chars().next().map_or(0, char::len_utf8));
            let entry = match (key.as_str(), kind) {
                (DRAFT_AREA, _) => {
                    self.area = Some(text).filter(|a| !a.is_empty() && a != "normal");
                    continue;
                }
                (DRAFT_TAGS, _) => {
                    self.tags = text.split(',').filter(|t| !t.is_empty()).map(str::to_string).collect();
                    continue;
                }
                (DRAFT_GROUP, _) => {
                    self.subject_group = Some(text).filter(|g| !g.is_empty());
                    continue;
                }
                (_, "p") => Entry::Points(typed.to_string()),
                (_, "m") => Entry::Met(typed == "1"),
                (_, "s") => {
                    let (numerator, denominator) = typed.split_once('/').unwrap_or((typed, ""));
                    Entry::Share { numerator: numerator.to_string(), denominator: denominator.to_string() }
                }
                _ => continue,
            };
            self.entries.insert(key, entry);
        }
    }

    /// Recomputes everything derived from the set, the entries and the context.
    fn refresh(&mut self) {
        let set = Rc::clone(&self.set);
        let mut scores = BTreeMap::new();
        let mut errors = BTreeMap::new();
        for indicator in set.indicators().filter(|i| self.applies(i)) {
            match self.entries.get(&indicator.code).map(|entry| read_entry(indicator, entry)) {
                Some(Ok(Some(answer))) => {
                    scores.insert(indicator.code.clone(), answer);
                }
                Some(Err(message)) => {
                    errors.insert(indicator.code.clone(), message);
                }
                Some(Ok(None)) | None => {}
            }
        }

        self.applicable = set.indicators().filter(|i| self.applies(i)).count();
        let evaluation = Evaluation { set: set.id.clone(), context: self.context(), scores };
        let engine = scoring::score(&set, &evaluation);
        let mut missing = Vec::new();
        if let Err(err) = &engine {
            let flat = match err {
                Error::InvalidEvaluation(all) => all.clone(),
                other => vec![other.clone()],
            };
            for err in flat {
                match err {
                    // A value that did not parse is reported by us, not as missing.
                    Error::MissingIndicator { code } if errors.contains_key(&code) => {}
                    Error::MissingIndicator { code } => missing.push(code),
                    other => match indicator_code(&other) {
                        Some(code) => {
                            errors.entry(code).or_insert_with(|| other.to_string());
                        }
                        None => {
                            errors.entry(String::new()).or_insert_with(|| other.to_string());
                        }
                    },
                }
            }
        }
        // Partial totals count only answers the engine accepts (in range, on the step).
        self.criterion_totals = BTreeMap::new();
        for criterion in &set.criteria {
            let sum = criterion
                .indicators
                .iter()
                .filter(|i| !errors.contains_key(&i.code))
                .filter_map(|i| valid_points(i, evaluation.scores.get(&i.code)))
                .sum::<Points>();
            self.criterion_totals.insert(criterion.code.clone(), sum);
        }
        self.partial_total = self.criterion_totals.values().copied().sum();

        // Problems in set order, the context's (keyed by "") first.
        let mut problems: Vec<String> = errors.get("").cloned().into_iter().collect();
        problems.extend(set.indicators().filter_map(|i| errors.get(&i.code).cloned()));
        self.answered = self.applicable.saturating_sub(missing.len() + errors.keys().filter(|k| !k.is_empty()).count());
        self.status = match engine {
            Ok(outcome) if errors.is_empty() => Status::Complete(outcome),
            _ => Status::Incomplete { missing, problems },
        };
        errors.remove("");
        self.errors = errors;
    }
}

impl Reducible for EvaluationForm {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        next.apply(action);
        Rc::new(next)
    }
}

/// Reads what was typed for `indicator`: `Ok(None)` when nothing usable is entered yet
/// (an empty box), `Err` with a Vietnamese message when the text is not a number.
fn read_entry(indicator: &Indicator, entry: &Entry) -> Result<Option<Answer>, String> {
    let code = &indicator.code;
    match entry {
        Entry::Met(met) => Ok(Some(Answer::Met(*met))),
        Entry::Points(text) if text.trim().is_empty() => Ok(None),
        Entry::Points(text) => parse_points(text)
            .map(|p| Some(Answer::Points(p)))
            .ok_or_else(|| format!("Chỉ số {code}: “{}” không phải là số điểm (ví dụ 8 hoặc 8,5)", text.trim())),
        Entry::Share { numerator, denominator } => {
            if numerator.trim().is_empty() || denominator.trim().is_empty() {
                return Ok(None);
            }
            let count = |text: &str, what: &str| {
                parse_count(text)
                    .ok_or_else(|| format!("Chỉ số {code}: {what} “{}” phải là số nguyên không âm", text.trim()))
            };
            let numerator = count(numerator, "tử số")?;
            let denominator = count(denominator, "mẫu số")?;
            Ok(Some(Answer::Share { numerator, denominator }))
        }
    }
}

/// The points `answer` gives for `indicator` when it is valid, for partial totals.
/// Mirrors the engine: a score counts only within `0..=max`, a share gives the points of
/// the first row whose minimum it reaches.
fn valid_points(indicator: &Indicator, answer: Option<&Answer>) -> Option<Points> {
    match (&indicator.measure, answer?) {
        (Measure::Points { max }, Answer::Points(p)) if *p >= Points::ZERO && p <= max => Some(*p),
        (
            Measure::Share { scoring: ShareScoring::Points { rows, .. }, .. },
            Answer::Share { numerator, denominator },
        ) if numerator <= denominator => {
            Some(rows.iter().find(|r| r.min.reached_by(*numerator, *denominator)).map_or(Points::ZERO, |r| r.points))
        }
        _ => None,
    }
}

/// The indicator an engine error is about, if any.
fn indicator_code(err: &Error) -> Option<String> {
    match err {
        Error::UnknownIndicator { code }
        | Error::MissingIndicator { code }
        | Error::ScoreOutOfRange { code, .. }
        | Error::ScoreNotOnStep { code, .. }
        | Error::WrongAnswerKind { code, .. }
        | Error::ShareInvalid { code, .. } => Some(code.clone()),
        _ => None,
    }
}

/// Parses points as an officer types them: "8", "8,5" (Vietnamese decimal comma) or
/// "8.5", with at most two decimals. `None` for anything else; nothing is rounded.
pub fn parse_points(text: &str) -> Option<Points> {
    let text = text.trim();
    let (negative, digits) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (whole, frac) = match digits.split_once([',', '.']) {
        Some((whole, frac)) => (whole, frac),
        None => (digits, ""),
    };
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if whole.is_empty() || whole.len() > 9 || frac.len() > 2 || !all_digits(whole) || !all_digits(frac) {
        return None;
    }
    let whole: i64 = whole.parse().ok()?;
    let frac: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().ok()? };
    let hundredths = whole * 100 + frac;
    let hundredths = if negative { -hundredths } else { hundredths };
    Points::from_f64(hundredths as f64 / 100.0)
}

/// Parses a count (a whole number of people, households …).
pub fn parse_count(text: &str) -> Option<u64> {
    let text = text.trim();
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The share typed so far as a percentage, for display beside the two counts.
pub fn share_percent(entry: Option<&Entry>) -> Option<Percent> {
    match entry? {
        Entry::Share { numerator, denominator } => Percent::of(parse_count(numerator)?, parse_count(denominator)?),
        _ => None,
    }
}

/// An answer as a citizen's self-score is read beside the officer's: "8 điểm", "Đạt",
/// "Chưa đạt", "3/4".
pub fn answer_words(answer: &Answer) -> String {
    match answer {
        Answer::Points(points) => format!("{points} điểm"),
        Answer::Met(true) => "Đạt".to_string(),
        Answer::Met(false) => "Chưa đạt".to_string(),
        Answer::Share { numerator, denominator } => format!("{numerator}/{denominator}"),
    }
}

/// The citizen's self-assessment an evaluation was opened from (issue 18): its receipt
/// and the citizen's answer per indicator.
#[derive(Debug, Clone, PartialEq)]
pub struct SelfScores {
    pub receipt: String,
    pub scores: BTreeMap<String, Answer>,
}

/// The evaluation's [`SelfScores`], when it came from a citizen's self-assessment (the
/// server keeps it in [`hoctap_shared::selfassess::SELF_ASSESSMENT_FIELD`]). Read from
/// the JSON by hand: a derived reader of the whole value would weigh on the phone app.
pub fn self_scores(view: &RecordView) -> Option<SelfScores> {
    let own = view.value(hoctap_shared::selfassess::SELF_ASSESSMENT_FIELD)?;
    let receipt = own.get("receipt")?.as_str()?.to_string();
    let scores = own
        .get("scores")
        .and_then(|s| s.as_object())
        .into_iter()
        .flatten()
        .filter_map(|(code, v)| Some((code.clone(), serde_json::from_value::<Answer>(v.clone()).ok()?)))
        .collect();
    Some(SelfScores { receipt, scores })
}

/// The decision in words: "Đủ điều kiện công nhận", "Chưa đủ điều kiện", "Xếp loại
/// Khá" — what the score computes, never "Đã công nhận" (see
/// [`hoctap_shared::scoring::ELIGIBLE`]).
pub fn decision_words(decision: &Decision) -> String {
    decision.words()
}

/// The areas an evaluation may name, with their Vietnamese names, ordinary area first.
pub use hoctap_shared::criteria::AREAS;

/// Whether the set's rule depends on the area, so the form should ask for it.
pub fn asks_area(set: &CriteriaSet) -> bool {
    matches!(&set.rule, Rule::PassMark { area_pass_marks, .. } if !area_pass_marks.is_empty())
}

/// The areas the form offers: the ordinary area, then only those the set gives a rule
/// of its own (an option that changes nothing is never offered).
pub fn area_choices(set: &CriteriaSet) -> Vec<(&'static str, &'static str)> {
    AREAS.iter().copied().filter(|(key, _)| *key == "normal" || set.has_area_rule(key)).collect()
}

/// The context tags some indicator of the set is limited to, sorted.
pub fn context_tags(set: &CriteriaSet) -> Vec<String> {
    set.indicators().flat_map(|i| i.only_for.iter().cloned()).collect::<BTreeSet<_>>().into_iter().collect()
}

/// A Vietnamese label for a context tag; unknown tags show as written in the data.
pub fn tag_label(tag: &str) -> String {
    match tag {
        "school" => "Đơn vị là nhà trường (cơ sở giáo dục)".to_string(),
        "public" => "Cơ quan, đơn vị sự nghiệp công lập".to_string(),
        "preschool" => "Nhà trẻ, trường mẫu giáo, trường mầm non công lập".to_string(),
        "thpt_gdtx" => "Trường THPT (hoặc nhiều cấp học, cao nhất là THPT), trung tâm GDTX".to_string(),
        "higher_education" => "Cơ sở giáo dục đại học".to_string(),
        "vocational" => "Cơ sở giáo dục nghề nghiệp".to_string(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_self_score_in_words() {
        use super::answer_words;
        assert_eq!(answer_words(&Answer::Points(Points::from_f64(8.5).expect("points"))), "8,5 điểm");
        assert_eq!(answer_words(&Answer::Met(true)), "Đạt");
        assert_eq!(answer_words(&Answer::Met(false)), "Chưa đạt");
        assert_eq!(answer_words(&Answer::Share { numerator: 3, denominator: 4 }), "3/4");
    }

    #[test]
    fn the_citizens_scores_are_read_from_the_evaluation() {
        use hoctap_shared::merge::OpSet;
        use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind};
        let op = |field: &str, value: serde_json::Value| Operation {
            id: format!("op-{field}"),
            device: "may".into(),
            hlc: hoctap_shared::hlc::Hlc { wall_ms: 1_700_000_000_000, counter: 0, device: "may".into() },
            record: RecordId { kind: RecordKind::Evaluation, id: "e1".into() },
            unit: "hamlet:a".into(),
            body: OpBody::SetFields { fields: vec![FieldEdit { field: field.into(), value, base: vec![] }] },
        };
        let view =
            |ops: Vec<Operation>| ops.into_iter().collect::<OpSet>().views().into_values().next().expect("a view");
        let plain = view(vec![op("year", serde_json::json!(2026))]);
        assert_eq!(super::self_scores(&plain), None);
        let own = serde_json::json!({
            "campaign": "c", "answer": "a", "receipt": "7KQ2M9XD",
            "scores": { "1.1": 8.5, "1.2": true, "2.1": { "numerator": 3, "denominator": 4 }, "9.9": "bad" },
            "photos": {}
        });
        let found =
            super::self_scores(&view(vec![op(hoctap_shared::selfassess::SELF_ASSESSMENT_FIELD, own)])).expect("read");
        assert_eq!(found.receipt, "7KQ2M9XD");
        assert_eq!(found.scores.len(), 3, "what does not read is left out: {found:?}");
        assert_eq!(found.scores["1.2"], Answer::Met(true));
    }

    use super::*;
    use hoctap_shared::criteria::shipped;

    fn form(id: &str) -> EvaluationForm {
        let set = shipped::get(id).unwrap_or_else(|| panic!("shipped set {id}"));
        EvaluationForm::new(Rc::new(set))
    }

    fn run(mut form: EvaluationForm, actions: impl IntoIterator<Item = Action>) -> EvaluationForm {
        for action in actions {
            // Through the Reducible door, as the component does.
            form = (*Rc::new(form).reduce(action)).clone();
        }
        form
    }

    fn points(code: &str, text: &str) -> Action {
        Action::SetPoints(code.to_string(), text.to_string())
    }

    fn codes(form: &EvaluationForm) -> Vec<String> {
        form.set.indicators().map(|i| i.code.clone()).collect()
    }

    /// The decision words and reasons of a complete form, or the problems of an
    /// incomplete one, as one string to compare.
    #[track_caller]
    fn check(form: &EvaluationForm, expect: &str) {
        let got = match &form.status {
            Status::Complete(outcome) => {
                format!("{} | {}", decision_words(&outcome.decision), outcome.reasons.join(" / "))
            }
            Status::Incomplete { missing, problems } => {
                format!("thiếu [{}] | {}", missing.join(" "), problems.join(" / "))
            }
        };
        assert_eq!(got, expect);
    }

    #[test]
    fn empty_form_lists_every_indicator_as_missing() {
        let f = form("cdht-244-2022");
        check(&f, "thiếu [1.1 1.2 1.3 1.4 2.1 2.2 2.3 2.4 3.1 3.2] | ");
        assert_eq!((f.answered, f.applicable, f.partial_total), (0, 10, Points::ZERO));
    }

    #[test]
    fn all_max_scores_for_cdht_are_recognised() {
        let f = form("cdht-244-2022");
        let actions: Vec<Action> = codes(&f).iter().map(|c| points(c, "10")).collect();
        let f = run(f, actions);
        check(&f, "Đủ điều kiện công nhận | Tổng điểm 100/100, đạt mức 80");
        assert_eq!(f.partial_total, Points::from_whole(100));
    }

    #[test]
    fn decimal_comma_and_dot_parse() {
        assert_eq!(parse_points("8,5"), Some(half(17)));
        assert_eq!(parse_points(" 8.5 "), Some(half(17)));
        assert_eq!(parse_points("10"), Some(Points::from_whole(10)));
        assert_eq!(parse_points("7,25").map(|p| p.hundredths()), Some(725));
        for bad in ["", "8,555", "8,5,1", "abc", ",5", "8 5", "1e3"] {
            assert_eq!(parse_points(bad), None, "{bad:?}");
        }
        // dvht-tt22-2020 scores in steps of 0,5.
        let f = run(form("dvht-tt22-2020"), [points("1.1", "8,5"), points("1.2", "7.5")]);
        assert_eq!(f.partial_total, Points::from_whole(16));
        assert_eq!(f.criterion_totals.get("1"), Some(&Points::from_whole(16)));
        assert_eq!(f.answered, 2);
        // cdht-244-2022 scores whole points: 8,5 parses but is off the step.
        let f = run(form("cdht-244-2022"), [points("1.1", "8,5"), points("1.2", "7")]);
        assert_eq!(f.errors.get("1.1").map(String::as_str), Some("Chỉ số 1.1: 8,5 điểm không đúng bước chấm 1"));
        assert_eq!((f.partial_total, f.answered), (Points::from_whole(7), 1));
    }

    fn half(halves: i64) -> Points {
        Points::from_f64(halves as f64 / 2.0).unwrap_or_default()
    }

    #[test]
    fn out_of_range_value_shows_the_engine_message() {
        let f = run(form("cdht-244-2022"), [points("1.1", "11"), points("1.2", "abc")]);
        check(
            &f,
            "thiếu [1.3 1.4 2.1 2.2 2.3 2.4 3.1 3.2] | Chỉ số 1.1: 11 điểm nằm ngoài thang 0–10 / \
             Chỉ số 1.2: “abc” không phải là số điểm (ví dụ 8 hoặc 8,5)",
        );
        assert_eq!(f.errors.get("1.1").map(String::as_str), Some("Chỉ số 1.1: 11 điểm nằm ngoài thang 0–10"));
        // An invalid value does not count towards the partial total.
        assert_eq!(f.partial_total, Points::ZERO);
    }

    #[test]
    fn level_set_share_just_below_threshold_reports_no_level_with_reason() {
        let f = form("dvht-tt24-2023");
        let mut actions = Vec::new();
        for indicator in f.set.indicators() {
            let code = indicator.code.clone();
            actions.push(match indicator.measure {
                Measure::Met { .. } => Action::SetMet(code, true),
                _ => Action::SetShare(code, "899".to_string(), "1000".to_string()),
            });
        }
        let f = run(f, actions);
        check(
            &f,
            "Chưa đủ điều kiện | Chưa đạt Mức độ 1 vì: / Chỉ số 2.1: 89,9 % (899/1000), chưa đạt 90 % của mức 1 / \
             Chỉ số 2.2: 89,9 % (899/1000), chưa đạt 90 % của mức 1 / \
             Chỉ số 3.1: 89,9 % (899/1000), chưa đạt 90 % của mức 1",
        );
        assert_eq!(f.applicable, 10, "3.2 applies only to schools");
        assert_eq!(share_percent(f.entries.get("2.1")).map(|p| p.to_string()), Some("89,9 %".to_string()));

        // Declaring the unit a school brings in 3.2 (95% for level 1); taking the tag
        // away again leaves it out.
        let f = run(f, [Action::ToggleTag("school".to_string())]);
        assert_eq!(f.applicable, 11);
        let Status::Complete(outcome) = &f.status else { panic!("complete") };
        assert_eq!(
            outcome.reasons.last().map(String::as_str),
            Some("Chỉ số 3.2: 89,9 % (899/1000), chưa đạt 95 % của mức 1")
        );
        let f = run(f, [Action::ToggleTag("school".to_string())]);
        assert_eq!(f.applicable, 10);
    }

    #[test]
    fn issue_17_the_area_changes_nothing_unless_the_set_gives_it_a_rule() {
        let group = Action::SetGroup(Some("nguoi_dan".to_string()));
        let f = run(form("cdht-324-2023"), [group.clone()]);
        assert!(!asks_area(&f.set), "the shipped sets pass at 80 everywhere");
        // Eight indicators at 7 and two at 8: 72 points, none below the minimum of 5.
        let actions: Vec<Action> =
            codes(&f).iter().enumerate().map(|(n, c)| points(c, if n < 2 { "8" } else { "7" })).collect();
        let f = run(f, actions.clone());
        check(&f, "Chưa đủ điều kiện | Tổng điểm 72/100, dưới mức đạt 80");
        // A province's adaptation that gives remote areas 70 of its own.
        let text = shipped::FILES.iter().find(|(name, _)| name.starts_with("cdht-324")).map(|(_, t)| *t);
        let text = text.unwrap_or_default().replace(
            "min_indicator = 5\n",
            "min_indicator = 5\narea_pass_marks = [ { area = \"remote\", pass_mark = 70 } ]\n",
        );
        let adapted = hoctap_shared::criteria::parse(&text).set.expect("adapted set loads");
        assert!(asks_area(&adapted));
        let offered: Vec<&str> = area_choices(&adapted).iter().map(|(key, _)| *key).collect();
        assert_eq!(offered, ["normal", "remote"]);
        let f = run(EvaluationForm::new(Rc::new(adapted)), [group].into_iter().chain(actions));
        check(&f, "Chưa đủ điều kiện | Tổng điểm 72/100, dưới mức đạt 80 (mức chung của bộ tiêu chí)");
        let f = run(f, [Action::SetArea(Some("remote".to_string()))]);
        check(
            &f,
            "Đủ điều kiện công nhận | Tổng điểm 72/100, đạt mức 70 (mức riêng của bộ tiêu chí cho vùng sâu, vùng xa)",
        );
        let f = run(f, [Action::SetArea(Some("normal".to_string()))]);
        assert_eq!(f.area, None);
    }

    #[test]
    fn issue_17_a_set_with_groups_asks_the_group_first() {
        let f = form("cdht-324-2023");
        assert!(f.needs_group());
        let Status::Incomplete { problems, .. } = &f.status else { panic!("complete when empty") };
        assert!(problems.iter().any(|p| p.starts_with("Cần chọn nhóm đối tượng")), "{problems:?}");
        let f = run(f, [Action::SetGroup(Some("hoc_sinh".to_string()))]);
        assert!(!f.needs_group());
        assert_eq!(f.context().subject_group.as_deref(), Some("hoc_sinh"));
        // The group is kept in a draft like any answer.
        let changes = f.changes_from(&form("cdht-324-2023"));
        assert_eq!(changes.get("@group").map(String::as_str), Some("hoc_sinh"));
        let back = run(form("cdht-324-2023"), [Action::Restore(changes)]);
        assert_eq!(back.subject_group.as_deref(), Some("hoc_sinh"));
        // QĐ 244 asks no group.
        assert!(!form("cdht-244-2022").needs_group());
    }

    #[test]
    fn reset_clears_answers_and_context() {
        let f = run(
            form("cdht-244-2022"),
            [points("1.1", "9"), Action::SetArea(Some("remote".to_string())), Action::Reset],
        );
        assert_eq!(f, form("cdht-244-2022"));
    }

    #[test]
    fn issue_15_a_draft_keeps_only_what_changed_and_lays_it_over_newer_answers() {
        let answers =
            |pairs: &[(&str, &str)]| -> Answers { pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() };
        let stored = run(form("cdht-244-2022"), [points("1.1", "8.5"), points("1.2", "7")]);
        let edited = run(
            stored.clone(),
            [
                points("1.1", "8,5"),
                points("1.2", "6"),
                points("1.3", ""),
                points("2.1", "9,"),
                Action::SetArea(Some("remote".to_string())),
            ],
        );
        let changes = edited.changes_from(&stored);
        // "8,5" is the stored 8.5 and an empty box is no answer; a half-typed "9," is kept.
        assert_eq!(changes, answers(&[("1.2", "p6"), ("2.1", "p9,"), ("@area", "remote"), ("@tags", "")]));
        assert!(stored.changes_from(&stored).is_empty());
        // Another device scored 1.1 meanwhile: the draft does not put the old value back.
        let newer = run(stored, [points("1.1", "9")]);
        let restored = run(newer.clone(), [Action::Restore(changes.clone())]);
        assert_eq!(restored.entries.get("1.1"), Some(&Entry::Points("9".to_string())));
        assert_eq!(restored.entries.get("1.2"), Some(&Entry::Points("6".to_string())));
        assert_eq!(restored.area.as_deref(), Some("remote"));
        assert_eq!(restored.changes_from(&newer), changes);
        // Throwing the draft away goes back to the stored answers.
        let back = run(restored, [Action::Revert(newer.changes_from(&form("cdht-244-2022")))]);
        assert_eq!(back, newer);
    }

    #[test]
    fn answers_a_sync_brings_in_follow_the_form_and_are_not_unsaved_changes() {
        let stored = run(form("cdht-244-2022"), [points("1.1", "8"), points("1.2", "7")]);
        // The officer changes 1.1; meanwhile a sync brings 1.2 = 5 and 1.3 = 6.
        let typed = run(stored.clone(), [points("1.1", "9")]);
        let synced = run(stored.clone(), [points("1.2", "5"), points("1.3", "6")]);
        let rebased = run(typed.clone(), [Action::Rebase(Box::new(synced.clone()), typed.changes_from(&stored))]);
        assert_eq!(rebased.entries.get("1.1"), Some(&Entry::Points("9".to_string())));
        assert_eq!(rebased.entries.get("1.2"), Some(&Entry::Points("5".to_string())));
        assert_eq!(rebased.entries.get("1.3"), Some(&Entry::Points("6".to_string())));
        assert_eq!(rebased.changes_from(&synced), typed.changes_from(&stored));
        // A saved form that a sync changes has nothing unsaved afterwards.
        let untouched = run(stored.clone(), [Action::Rebase(Box::new(synced.clone()), stored.changes_from(&stored))]);
        assert_eq!(untouched, synced);
        assert!(untouched.changes_from(&synced).is_empty());
    }

    #[test]
    fn issue_15_every_kind_of_answer_and_the_context_survive_a_draft() {
        for set in shipped::all() {
            let empty = EvaluationForm::new(Rc::new(set));
            let mut typed = empty.clone();
            for (i, indicator) in empty.set.indicators().enumerate() {
                let code = indicator.code.clone();
                typed.apply(match &indicator.measure {
                    Measure::Points { .. } => points(&code, &format!("{},5", i % 10)),
                    Measure::Met { .. } => Action::SetMet(code, i % 2 == 0),
                    Measure::Share { .. } => Action::SetShare(code, format!("{i}"), "40".to_string()),
                });
            }
            for tag in context_tags(&empty.set) {
                typed.apply(Action::ToggleTag(tag));
            }
            if asks_area(&empty.set) {
                typed.apply(Action::SetArea(Some("ethnic_minority".to_string())));
            }
            if let Some(group) = empty.set.subject_groups.last() {
                typed.apply(Action::SetGroup(Some(group.code.clone())));
            }
            let back = run(empty.clone(), [Action::Restore(typed.changes_from(&empty))]);
            assert_eq!(back, typed, "{}", empty.set.id);
        }
    }

    #[test]
    fn every_shipped_set_opens_with_every_applicable_indicator_missing() {
        for set in shipped::all() {
            let group = set.subject_groups.first().map(|g| g.code.clone());
            let f = run(EvaluationForm::new(Rc::new(set)), [Action::SetGroup(group)]);
            match &f.status {
                Status::Incomplete { missing, problems } => {
                    assert_eq!((missing.len(), problems.len()), (f.applicable, 0), "{}", f.set.id);
                }
                Status::Complete(_) => panic!("{} complete when empty", f.set.id),
            }
        }
    }

    #[test]
    fn a_saved_evaluation_loads_back_into_the_form() {
        use hoctap_shared::hlc::Hlc;
        use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId, RecordKind};
        let mut f = form("cdht-244-2022");
        f.apply(Action::SetPoints("1.1".to_string(), "8".to_string()));
        f.apply(Action::SetPoints("2.1".to_string(), "9".to_string()));
        f.apply(Action::SetArea(Some("remote".to_string())));
        let record = RecordId { kind: RecordKind::Evaluation, id: "e".to_string() };
        let mut ops = Vec::new();
        let mut n = 0;
        let mut push = |body: OpBody| {
            n += 1;
            ops.push(Operation {
                id: format!("o{n}"),
                device: "d".to_string(),
                hlc: Hlc { wall_ms: n, counter: 0, device: "d".to_string() },
                record: record.clone(),
                unit: "hamlet:h".to_string(),
                body,
            });
        };
        let context = serde_json::to_value(f.context()).unwrap_or_default();
        push(OpBody::SetFields {
            fields: vec![FieldEdit { field: "context".to_string(), value: context, base: vec![] }],
        });
        for (code, answer) in f.answers() {
            push(OpBody::SetScore { indicator: code, answer, base: vec![] });
        }
        let view = hoctap_shared::merge::view(&record, ops.iter());
        let loaded = EvaluationForm::from_view(Rc::clone(&f.set), &view);
        assert_eq!(loaded.answers(), f.answers());
        assert_eq!(loaded.area.as_deref(), Some("remote"));
        assert_eq!(loaded.entries.get("1.1"), Some(&Entry::Points("8".to_string())));
        assert_eq!(loaded.answers().len(), 2);
    }
}
