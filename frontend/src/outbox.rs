//! Turns the evaluation form into the operations a save records (the outbox's input):
//! the evaluation's fields once, then one `set_score` per answer that changed since the
//! last save. Pure: the caller passes the device, the clock reading, the year and fresh
//! ids, so this is tested natively.

use std::collections::BTreeMap;

use hoctap_shared::consolidation::SET_VERSION_FIELD;
use hoctap_shared::hlc::Hlc;
use hoctap_shared::merge::{RecordView, SCORE_FIELD_PREFIX};
use hoctap_shared::protocol::{FieldEdit, OpBody, Operation, RecordId};
use hoctap_shared::scoring::Answer;

use crate::evaluation::EvaluationForm;

/// What the device holds of one evaluation: each field's and each score's current value
/// (`None` while concurrent values conflict) with the operations that wrote it — the
/// `base` of the next edit, so an edit supersedes everything the officer saw.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Saved {
    pub fields: BTreeMap<String, (Option<serde_json::Value>, Vec<String>)>,
    pub scores: BTreeMap<String, (Option<Answer>, Vec<String>)>,
}

impl Saved {
    /// What `view` holds: its fields and scores with their current candidates.
    pub fn from_view(view: &RecordView) -> Saved {
        let mut saved = Saved::default();
        for (name, field) in &view.fields {
            let base: Vec<String> = field.candidates.iter().map(|c| c.op.clone()).collect();
            match name.strip_prefix(SCORE_FIELD_PREFIX) {
                Some(code) => {
                    let answer = field.value.clone().and_then(|v| serde_json::from_value::<Answer>(v).ok());
                    saved.scores.insert(code.to_string(), (answer, base));
                }
                None => {
                    saved.fields.insert(name.clone(), (field.value.clone(), base));
                }
            }
        }
        saved
    }
}

/// Who saves what, and when.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveContext {
    pub record: RecordId,
    /// The unit the evaluation belongs to.
    pub unit: String,
    /// The device's last clock reading; its `device` is the device id.
    pub clock: Hlc,
    /// `Date.now()` at the call site.
    pub now_ms: i64,
    /// The year evaluated (năm đánh giá).
    pub year: i32,
    /// The person, household, clan, hamlet or unit evaluated.
    pub subject: Option<RecordId>,
}

/// The result of a save: the operations to append, the clock after them, and what is
/// saved once they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Save {
    pub ops: Vec<Operation>,
    pub clock: Hlc,
    pub saved: Saved,
}

/// The operations that bring what was `saved` up to `form`. `ids` yields a fresh
/// operation id each time it is called. Answers that do not parse or that the engine
/// refuses are not saved (they stay on screen with their message); an unchanged form
/// gives no operations.
pub fn save_operations(
    form: &EvaluationForm,
    saved: &Saved,
    ctx: &SaveContext,
    mut ids: impl FnMut() -> String,
) -> Save {
    let mut clock = ctx.clock.clone();
    let mut next = saved.clone();
    let mut ops = Vec::new();
    let mut op = |body: OpBody, clock: &mut Hlc, ids: &mut dyn FnMut() -> String| {
        *clock = clock.tick(ctx.now_ms);
        let op = Operation {
            id: ids(),
            device: clock.device.clone(),
            hlc: clock.clone(),
            record: ctx.record.clone(),
            unit: ctx.unit.clone(),
            body,
        };
        let id = op.id.clone();
        ops.push(op);
        id
    };

    let context = serde_json::to_value(form.context()).unwrap_or(serde_json::Value::Null);
    let mut wanted = vec![
        ("set", serde_json::Value::from(form.set.id.clone())),
        (SET_VERSION_FIELD, serde_json::Value::from(form.set.version.clone())),
        ("year", serde_json::Value::from(ctx.year)),
        ("context", context),
    ];
    if let Some(subject) = &ctx.subject {
        wanted.push(("subject", serde_json::to_value(subject).unwrap_or(serde_json::Value::Null)));
    }
    let changed: Vec<(String, serde_json::Value)> = wanted
        .into_iter()
        .filter(|(field, value)| saved.fields.get(*field).is_none_or(|(old, _)| old.as_ref() != Some(value)))
        .map(|(field, value)| (field.to_string(), value))
        .collect();
    if !changed.is_empty() {
        let fields = changed
            .iter()
            .map(|(field, value)| FieldEdit {
                field: field.clone(),
                value: value.clone(),
                base: saved.fields.get(field).map(|(_, ops)| ops.clone()).unwrap_or_default(),
            })
            .collect();
        let id = op(OpBody::SetFields { fields }, &mut clock, &mut ids);
        for (field, value) in changed {
            next.fields.insert(field, (Some(value), vec![id.clone()]));
        }
    }

    for (code, answer) in form.answers() {
        if saved.scores.get(&code).is_some_and(|(old, _)| *old == Some(answer)) {
            continue;
        }
        let base = saved.scores.get(&code).map(|(_, ops)| ops.clone()).unwrap_or_default();
        let id = op(OpBody::SetScore { indicator: code.clone(), answer, base }, &mut clock, &mut ids);
        next.scores.insert(code, (Some(answer), vec![id]));
    }
    Save { ops, clock, saved: next }
}

#[cfg(test)]
mod tests {
    use std::rc::Rc;

    use hoctap_shared::criteria::shipped;
    use hoctap_shared::protocol::RecordKind;

    use super::*;
    use crate::evaluation::Action;

    fn form(actions: impl IntoIterator<Item = Action>) -> EvaluationForm {
        let set = shipped::get("cdht-244-2022").unwrap_or_else(|| panic!("shipped set"));
        let mut form = EvaluationForm::new(Rc::new(set));
        for action in actions {
            form.apply(action);
        }
        form
    }

    fn points(code: &str, text: &str) -> Action {
        Action::SetPoints(code.to_string(), text.to_string())
    }

    fn ctx(clock: Hlc, now_ms: i64) -> SaveContext {
        SaveContext {
            record: RecordId { kind: RecordKind::Evaluation, id: "ev-1".to_string() },
            unit: "hamlet:h1".to_string(),
            clock,
            now_ms,
            year: 2026,
            subject: None,
        }
    }

    /// Numbered ids `op-1`, `op-2`, … continuing from `start`.
    fn ids(start: usize) -> impl FnMut() -> String {
        let mut n = start;
        move || {
            n += 1;
            format!("op-{n}")
        }
    }

    /// Each operation as one line: id, clock, body as JSON.
    #[track_caller]
    fn check(save: &Save, expect: &[&str]) {
        let got: Vec<String> = save
            .ops
            .iter()
            .map(|op| {
                let body = serde_json::to_string(&op.body).unwrap_or_default();
                format!("{} {}.{} {}", op.id, op.hlc.wall_ms, op.hlc.counter, body)
            })
            .collect();
        assert_eq!(got, expect);
        for op in &save.ops {
            assert_eq!((op.device.as_str(), op.unit.as_str(), op.record.id.as_str()), ("dev", "hamlet:h1", "ev-1"));
        }
    }

    #[test]
    fn first_save_sets_the_fields_and_every_valid_answer() {
        let f = form([points("1.1", "8"), points("1.2", "11"), points("1.3", "abc"), points("2.1", "9")]);
        let save = save_operations(&f, &Saved::default(), &ctx(Hlc::zero("dev"), 1_000), ids(0));
        check(
            &save,
            &[
                r#"op-1 1000.0 {"type":"set_fields","fields":[{"field":"set","value":"cdht-244-2022","base":[]},{"field":"set_version","value":"2022.2","base":[]},{"field":"year","value":2026,"base":[]},{"field":"context","value":{"area":null,"subject_group":null,"tags":[]},"base":[]}]}"#,
                r#"op-2 1000.1 {"type":"set_score","indicator":"1.1","answer":8,"base":[]}"#,
                r#"op-3 1000.2 {"type":"set_score","indicator":"2.1","answer":9,"base":[]}"#,
            ],
        );
        assert_eq!(save.clock, save.ops[2].hlc);
    }

    #[test]
    fn a_second_save_sends_only_what_changed_based_on_what_was_saved() {
        let f = form([points("1.1", "8"), points("2.1", "9")]);
        let first = save_operations(&f, &Saved::default(), &ctx(Hlc::zero("dev"), 1_000), ids(0));

        // Nothing changed: nothing to save.
        let again = save_operations(&f, &first.saved, &ctx(first.clock.clone(), 2_000), ids(3));
        check(&again, &[]);
        assert_eq!(again.saved, first.saved);

        // One answer changed, one added, and the area: the clock went back, yet the
        // new operations still sort after the first save's.
        let mut f = f;
        f.apply(points("1.1", "9"));
        f.apply(points("1.4", "7"));
        f.apply(Action::SetArea(Some("remote".to_string())));
        let second = save_operations(&f, &first.saved, &ctx(first.clock.clone(), 500), ids(3));
        check(
            &second,
            &[
                r#"op-4 1000.3 {"type":"set_fields","fields":[{"field":"context","value":{"area":"remote","subject_group":null,"tags":[]},"base":["op-1"]}]}"#,
                r#"op-5 1000.4 {"type":"set_score","indicator":"1.1","answer":9,"base":["op-2"]}"#,
                r#"op-6 1000.5 {"type":"set_score","indicator":"1.4","answer":7,"base":[]}"#,
            ],
        );
        assert_eq!(second.saved.scores.get("2.1").map(|(_, ops)| ops.clone()), Some(vec!["op-3".to_string()]));
    }

    #[test]
    fn an_edit_of_a_conflicting_score_names_every_candidate() {
        use hoctap_shared::merge;
        let record = RecordId { kind: RecordKind::Evaluation, id: "ev-1".to_string() };
        let score = |id: &str, device: &str, ms: i64, points: &str| Operation {
            id: id.to_string(),
            device: device.to_string(),
            hlc: Hlc { wall_ms: ms, counter: 0, device: device.to_string() },
            record: record.clone(),
            unit: "hamlet:h1".to_string(),
            body: OpBody::SetScore {
                indicator: "1.1".to_string(),
                answer: serde_json::from_str(points).unwrap_or(Answer::Met(false)),
                base: vec![],
            },
        };
        let ops = [score("a", "d1", 1, "7"), score("b", "d2", 2, "8")];
        let view = merge::view(&record, ops.iter());
        let saved = Saved::from_view(&view);
        assert_eq!(saved.scores.get("1.1"), Some(&(None, vec!["a".to_string(), "b".to_string()])));
        let f = form([points("1.1", "8")]);
        let save = save_operations(&f, &saved, &ctx(Hlc::zero("dev"), 3), ids(10));
        let resolved = save.ops.iter().find(|op| matches!(op.body, OpBody::SetScore { .. }));
        assert!(matches!(&resolved.map(|o| &o.body), Some(OpBody::SetScore { base, .. }) if base == &["a", "b"]));
        let mut all: Vec<Operation> = ops.to_vec();
        all.extend(save.ops.clone());
        assert!(merge::view(&record, all.iter()).conflicts().next().is_none());
    }
}
