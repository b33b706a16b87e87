//! Property tests of the scoring engine and the roll-up: totals never exceed the
//! scale, scoring is deterministic, raising one answer never loses a recognition, and
//! rolling up any tree of units equals counting its leaves' subjects directly; and the
//! store's encoding of an operation reads back equal.

use std::collections::BTreeMap;

use hoctap_shared::criteria::{shipped, CriteriaSet, Measure, Rule};
use hoctap_shared::indicators::{self, roll_up, Flag, Subject, SubjectKind, Tally};
use hoctap_shared::number::Points;
use hoctap_shared::scoring::{score, Answer, Context, Decision, Evaluation, Outcome};
use proptest::prelude::*;

/// A valid answer for `measure`, derived from two random numbers.
fn answer_from(set: &CriteriaSet, measure: &Measure, a: u32, b: u32) -> Answer {
    match measure {
        Measure::Points { max } => {
            let steps = max.hundredths() / set.step.hundredths();
            Answer::Points(Points::from_f64((a as i64 % (steps + 1)) as f64 * set.step.as_f64()).expect("on step"))
        }
        Measure::Met { .. } => Answer::Met(a.is_multiple_of(2)),
        Measure::Share { .. } => {
            let denominator = 1 + u64::from(b % 1000);
            Answer::Share { numerator: u64::from(a) % (denominator + 1), denominator }
        }
    }
}

fn evaluation(set: &CriteriaSet, seeds: &[(u32, u32)], area: u8, school: bool) -> Evaluation {
    let scores = set
        .indicators()
        .zip(seeds.iter().cycle())
        .map(|(i, (a, b))| (i.code.clone(), answer_from(set, &i.measure, *a, *b)))
        .collect();
    let area = match area % 3 {
        0 => None,
        1 => Some("disadvantaged".to_string()),
        _ => Some("ethnic_minority".to_string()),
    };
    let tags = if school { vec!["school".to_string()] } else { Vec::new() };
    // A set with subject groups is scored on one group's list.
    let subject_group = set.subject_groups.get(seeds.len() % set.subject_groups.len().max(1)).map(|g| g.code.clone());
    Evaluation { set: set.id.clone(), context: Context { area, tags, subject_group }, scores }
}

/// Higher is better: recognition first, then level or band rank.
fn rank(set: &CriteriaSet, outcome: &Outcome) -> (bool, i64) {
    let detail = match (&outcome.decision, &set.rule) {
        (Decision::Band { name }, Rule::Bands { bands, .. }) => {
            bands.len() as i64 - bands.iter().position(|b| &b.name == name).unwrap_or(0) as i64
        }
        (Decision::Level { level, .. }, _) => i64::from(*level),
        _ => 0,
    };
    (outcome.recognised, detail)
}

/// The same answer, raised one notch (if it can be).
fn raise(set: &CriteriaSet, measure: &Measure, answer: Answer) -> Answer {
    match (measure, answer) {
        (Measure::Points { max }, Answer::Points(p)) => Answer::Points(if p < *max { p + set.step } else { p }),
        (_, Answer::Met(_)) => Answer::Met(true),
        (_, Answer::Share { numerator, denominator }) => {
            Answer::Share { numerator: (numerator + 1).min(denominator), denominator }
        }
        (_, other) => other,
    }
}

/// The shipped sets, parsed once for all cases.
fn sets() -> &'static [CriteriaSet] {
    static SETS: std::sync::OnceLock<Vec<CriteriaSet>> = std::sync::OnceLock::new();
    SETS.get_or_init(shipped::all)
}

proptest! {
    #[test]
    fn prop_scoring_total_within_scale_and_deterministic(
        set_index in 0usize..8,
        seeds in prop::collection::vec((any::<u32>(), any::<u32>()), 1..20),
        area in any::<u8>(),
        school in any::<bool>(),
    ) {
        let sets = sets();
        let set = &sets[set_index % sets.len()];
        let evaluation = evaluation(set, &seeds, area, school);
        let first = score(set, &evaluation).expect("valid evaluation scores");
        let second = score(set, &evaluation).expect("valid evaluation scores");
        prop_assert_eq!(&first, &second);
        if let (Some(total), Some(max)) = (first.total, set.scale) {
            prop_assert!(total <= max, "total {} above scale {}", total, max);
            prop_assert!(total >= Points::ZERO);
        }
        for criterion in &first.criteria {
            if let (Some(points), Some(max)) = (criterion.points, criterion.max) {
                prop_assert!(points <= max);
            }
        }
    }

    #[test]
    fn prop_scoring_raising_one_answer_never_loses(
        set_index in 0usize..8,
        seeds in prop::collection::vec((any::<u32>(), any::<u32>()), 1..20),
        which in any::<usize>(),
        area in any::<u8>(),
        school in any::<bool>(),
    ) {
        let sets = sets();
        let set = &sets[set_index % sets.len()];
        let before_eval = evaluation(set, &seeds, area, school);
        let indicators: Vec<_> = set.indicators().collect();
        let target = indicators[which % indicators.len()];
        let mut after_eval = before_eval.clone();
        let old = after_eval.scores[&target.code];
        after_eval.scores.insert(target.code.clone(), raise(set, &target.measure, old));
        let before = score(set, &before_eval).expect("scores");
        let after = score(set, &after_eval).expect("scores");
        prop_assert!(rank(set, &after) >= rank(set, &before), "{:?} -> {:?}", before.decision, after.decision);
    }

    #[test]
    fn prop_rollup_equals_counting_the_leaves(
        parents in prop::collection::vec(any::<u16>(), 1..40),
        placed in prop::collection::vec((any::<u16>(), 0u8..6, any::<u32>()), 0..200),
    ) {
        let definitions = indicators::shipped();
        // Node i's parent is some node before it, so the structure is a tree.
        let mut tree = BTreeMap::new();
        tree.insert("n0".to_string(), None);
        for (i, p) in parents.iter().enumerate() {
            let node = i + 1;
            tree.insert(format!("n{node}"), Some(format!("n{}", *p as usize % node)));
        }
        let node_count = tree.len();
        let mut own_subjects: BTreeMap<String, Vec<Subject>> = BTreeMap::new();
        let mut all = Vec::new();
        for (node, kind, bits) in &placed {
            let subject = random_subject(*kind, *bits);
            own_subjects.entry(format!("n{}", *node as usize % node_count)).or_default().push(subject.clone());
            all.push(subject);
        }
        let own: BTreeMap<String, Tally> = own_subjects
            .iter()
            .map(|(id, subjects)| (id.clone(), Tally::of_subjects(&definitions, subjects)))
            .collect();
        let totals = roll_up(&tree, &own);
        let root = &totals["n0"];
        let direct = Tally::of_subjects(&definitions, &all);
        for (key, counts) in &direct.counts {
            prop_assert_eq!(root.counts.get(key).copied().unwrap_or_default(), *counts, "{}", key);
        }
        prop_assert!(root.counts.keys().all(|k| direct.counts.contains_key(k)));
        // And every node is its own subjects plus its children's totals.
        for (id, total) in &totals {
            let mut expected = own.get(id).cloned().unwrap_or_default();
            for (child, parent) in &tree {
                if parent.as_deref() == Some(id.as_str()) {
                    expected.add(&totals[child]);
                }
            }
            for (key, counts) in &total.counts {
                prop_assert_eq!(expected.counts.get(key).copied().unwrap_or_default(), *counts);
            }
        }
    }
}

fn random_subject(kind: u8, bits: u32) -> Subject {
    let person_flags = [
        Flag::Adult,
        Flag::WorkingAge,
        Flag::Cdht,
        Flag::DigitalSkills,
        Flag::DigitalProficient,
        Flag::InLearningGroup,
        Flag::UnitMember,
        Flag::InLearningUnit,
        Flag::InformationSkills,
        Flag::LifeSkills,
        Flag::AssociationStaff,
        Flag::ItTrained,
    ];
    let recognised = |flag: Flag| if bits.is_multiple_of(2) { vec![flag] } else { Vec::new() };
    let (kind, flags): (SubjectKind, Vec<Flag>) = match kind {
        0 => (
            SubjectKind::Person,
            person_flags.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, f)| *f).collect(),
        ),
        1 => (SubjectKind::Household, recognised(Flag::LearningFamily)),
        2 => (SubjectKind::Clan, recognised(Flag::LearningClan)),
        3 => (SubjectKind::Hamlet, recognised(Flag::LearningCommunity)),
        4 => (SubjectKind::Unit, recognised(Flag::LearningUnit)),
        _ => (SubjectKind::Commune, recognised(Flag::LearningCommune)),
    };
    Subject::new(kind, flags)
}

/// Any id-like text: UUIDs (upper and lower case), generated ids, anything printable.
fn id_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[0-9A-Fa-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        "[a-z0-9:._-]{0,40}",
        "\\PC{0,20}",
    ]
}

fn json_value() -> impl Strategy<Value = serde_json::Value> {
    let leaf = prop_oneof![
        Just(serde_json::Value::Null),
        any::<bool>().prop_map(serde_json::Value::from),
        any::<i64>().prop_map(serde_json::Value::from),
        any::<u64>().prop_map(serde_json::Value::from),
        (-1e12f64..1e12).prop_map(serde_json::Value::from),
        "\\PC{0,30}".prop_map(serde_json::Value::from),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(serde_json::Value::from),
            prop::collection::btree_map("[a-z_]{1,8}", inner, 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect())),
        ]
    })
}

fn body() -> impl Strategy<Value = hoctap_shared::protocol::OpBody> {
    use hoctap_shared::protocol::{FieldEdit, OpBody, Transition};
    let answer = prop_oneof![
        any::<bool>().prop_map(Answer::Met),
        any::<i64>().prop_map(|h| Answer::Points(Points::from_hundredths(h))),
        (any::<u64>(), any::<u64>()).prop_map(|(numerator, denominator)| Answer::Share { numerator, denominator }),
    ];
    let base = || prop::collection::vec(id_text(), 0..3);
    prop_oneof![
        ("\\PC{0,12}", answer, base()).prop_map(|(indicator, answer, base)| OpBody::SetScore {
            indicator,
            answer,
            base
        }),
        prop::collection::vec(("\\PC{0,16}", json_value(), base()), 0..5).prop_map(|fields| OpBody::SetFields {
            fields: fields.into_iter().map(|(field, value, base)| FieldEdit { field, value, base }).collect()
        }),
        "\\PC{0,40}".prop_map(|comment| OpBody::Transition { transition: Transition::Return { comment } }),
        ("[0-9.]{1,6}", "[0-9a-f]{64}").prop_map(|(indicator, sha256)| OpBody::DetachEvidence { indicator, sha256 }),
    ]
}

proptest! {
    /// Every operation is read back from the store exactly as it was written (a retried
    /// push compares the stored operation with the sent one by equality), and what an
    /// earlier build wrote as JSON is read as it was.
    #[test]
    fn stored_operations_read_back_equal(
        id in id_text(),
        device in id_text(),
        other_device in prop::option::of(id_text()),
        wall_ms in any::<i64>(),
        counter in any::<u32>(),
        kind in 0usize..6,
        record in id_text(),
        unit in "\\PC{0,40}",
        body in body(),
    ) {
        use hoctap_server::store::codec::{decode_op, encode_op};
        use hoctap_shared::hlc::Hlc;
        use hoctap_shared::protocol::{Operation, RecordId, RecordKind};
        let kinds = [RecordKind::Person, RecordKind::Household, RecordKind::Clan, RecordKind::Unit, RecordKind::Hamlet, RecordKind::Evaluation];
        let op = Operation {
            hlc: Hlc { wall_ms, counter, device: other_device.unwrap_or_else(|| device.clone()) },
            id,
            device,
            record: RecordId { kind: kinds[kind], id: record },
            unit,
            body,
        };
        prop_assert_eq!(decode_op(&encode_op(&op)).expect("decodes"), op.clone());
        // JSON, as earlier builds wrote it, reads as serde reads it (JSON itself does not
        // carry every value here back, e.g. a huge number of points).
        let json = serde_json::to_vec(&op).expect("json");
        if let Ok(read) = serde_json::from_slice::<Operation>(&json) {
            prop_assert_eq!(decode_op(&json).expect("json decodes"), read);
        }
    }
}
