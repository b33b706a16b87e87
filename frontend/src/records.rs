//! What the registers record about each kind of subject: the fields, their Vietnamese
//! labels and how each is entered — the fields the consolidation reads (`docs/api.md`).
//! Pure: the record form, the conflict screen and the registers all read this list.

use std::collections::BTreeMap;

use hoctap_shared::criteria::Model;
use hoctap_shared::protocol::RecordKind;

use crate::storage::Answers;

/// How a field is entered and stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// Free text, stored as a string.
    Text,
    /// A year (four digits), stored as a number.
    Year,
    /// Yes or no, stored as `true`/`false`.
    YesNo,
    /// One of fixed values: (stored value, label).
    Choice(&'static [(&'static str, &'static str)]),
    /// Another record of this kind, stored as its id.
    Ref(RecordKind),
}

/// One field of a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Field {
    pub key: &'static str,
    pub label: &'static str,
    pub input: Input,
    pub required: bool,
}

const fn field(key: &'static str, label: &'static str, input: Input, required: bool) -> Field {
    Field { key, label, input, required }
}

const DIGITAL: &[(&str, &str)] = &[("none", "Chưa có"), ("basic", "Cơ bản"), ("proficient", "Thành thạo")];
/// Nhóm đối tượng Công dân học tập: the subject groups of QĐ 324/QĐ-KHVN
/// (`cdht-324-2023`), remembered per person so their evaluation starts with it.
const SUBJECT_GROUP: &[(&str, &str)] = &[
    ("nguoi_dan", "Người dân trong xã"),
    ("nguoi_lao_dong", "Người lao động"),
    ("can_bo", "Cán bộ, công nhân viên, doanh nhân"),
    ("hoc_sinh", "Học sinh, sinh viên, học viên"),
];
const GENDER: &[(&str, &str)] = &[("nam", "Nam"), ("nu", "Nữ")];
/// Quan hệ với chủ hộ: the import's list (`hoctap_shared::import::RELATION`).
const RELATION: &[(&str, &str)] = &[
    ("chu_ho", "Chủ hộ"),
    ("vo_chong", "Vợ/Chồng"),
    ("con", "Con"),
    ("con_dau_re", "Con dâu/Con rể"),
    ("bo_me", "Bố/Mẹ"),
    ("ong_ba", "Ông/Bà"),
    ("chau", "Cháu"),
    ("anh_chi_em", "Anh/Chị/Em"),
    ("khac", "Khác"),
];
const UNIT_TYPE: &[(&str, &str)] = &[
    ("co_quan", "Cơ quan, tổ chức"),
    ("truong_hoc", "Trường học, cơ sở giáo dục"),
    ("doanh_nghiep", "Doanh nghiệp"),
    ("khac", "Khác"),
];

const PERSON: &[Field] = &[
    field("name", "Họ và tên", Input::Text, true),
    field("birth_year", "Năm sinh", Input::Year, false),
    field("gender", "Giới tính", Input::Choice(GENDER), false),
    field("household", "Hộ gia đình", Input::Ref(RecordKind::Household), false),
    field("relation", "Quan hệ với chủ hộ", Input::Choice(RELATION), false),
    field("member_of", "Đơn vị công tác", Input::Ref(RecordKind::Unit), false),
    field("digital_skill", "Kỹ năng số", Input::Choice(DIGITAL), false),
    field("learner", "Đang đi học", Input::YesNo, false),
    field("subject_group", "Nhóm đối tượng", Input::Choice(SUBJECT_GROUP), false),
];
const HOUSEHOLD: &[Field] = &[
    field("ten_chu_ho", "Tên chủ hộ", Input::Text, true),
    field("ma_ho", "Mã hộ", Input::Text, false),
    field("dia_chi", "Địa chỉ", Input::Text, false),
    field("clan", "Dòng họ", Input::Ref(RecordKind::Clan), false),
];
const CLAN: &[Field] = &[
    field("name", "Tên dòng họ (chi, nhánh)", Input::Text, true),
    field("truong_ho", "Trưởng họ", Input::Text, false),
];
const UNIT: &[Field] =
    &[field("name", "Tên đơn vị", Input::Text, true), field("loai", "Loại đơn vị", Input::Choice(UNIT_TYPE), false)];
/// What a hamlet is called locally; the server puts it before the name ("Tổ dân phố 3").
const HAMLET_TYPE: &[(&str, &str)] = &[
    ("Thôn", "Thôn"),
    ("Tổ dân phố", "Tổ dân phố"),
    ("Ấp", "Ấp"),
    ("Bản", "Bản"),
    ("Buôn", "Buôn"),
    ("Làng", "Làng"),
    ("Xóm", "Xóm"),
    ("Khu phố", "Khu phố"),
    ("Khóm", "Khóm"),
    ("Sóc", "Sóc"),
];
const HAMLET: &[Field] = &[
    field("unit_type", "Loại (thôn, tổ dân phố…)", Input::Choice(HAMLET_TYPE), false),
    field("name", "Tên (không cần ghi chữ “Thôn”)", Input::Text, true),
];

/// The fields of a record kind, in the order the form shows them.
pub fn fields(kind: RecordKind) -> &'static [Field] {
    match kind {
        RecordKind::Person => PERSON,
        RecordKind::Household => HOUSEHOLD,
        RecordKind::Clan => CLAN,
        RecordKind::Unit => UNIT,
        RecordKind::Hamlet => HAMLET,
        RecordKind::Evaluation => &[],
    }
}

/// The label of a field (the key itself when unknown: scores, other devices' fields).
pub fn label(kind: RecordKind, key: &str) -> String {
    if let Some(code) = key.strip_prefix(hoctap_shared::merge::SCORE_FIELD_PREFIX) {
        return format!("Điểm chỉ số {code}");
    }
    fields(kind).iter().find(|f| f.key == key).map_or_else(|| key.to_string(), |f| f.label.to_string())
}

/// The register's name of a kind ("Người dân", …) and the name of one record.
pub fn kind_title(kind: RecordKind) -> (&'static str, &'static str) {
    match kind {
        RecordKind::Person => ("Người dân", "người"),
        RecordKind::Household => ("Hộ gia đình", "hộ"),
        RecordKind::Clan => ("Dòng họ", "dòng họ"),
        RecordKind::Unit => ("Đơn vị", "đơn vị"),
        RecordKind::Hamlet => ("Thôn, tổ dân phố", "thôn"),
        RecordKind::Evaluation => ("Phiếu đánh giá", "phiếu"),
    }
}

/// The learning model a kind of subject is evaluated for.
pub fn model_of(kind: RecordKind) -> Option<Model> {
    match kind {
        RecordKind::Person => Some(Model::LearningCitizen),
        RecordKind::Household => Some(Model::LearningFamily),
        RecordKind::Clan => Some(Model::LearningClan),
        RecordKind::Unit => Some(Model::LearningUnit),
        RecordKind::Hamlet => Some(Model::LearningCommunity),
        RecordKind::Evaluation => None,
    }
}

/// What the officer typed for a field, as the stored JSON value; `Ok(None)` for an
/// empty optional field, `Err` with a Vietnamese message otherwise.
pub fn parse(field: &Field, text: &str) -> Result<Option<serde_json::Value>, String> {
    let text = text.trim();
    if text.is_empty() {
        return if field.required { Err(format!("Cần nhập {}", field.label.to_lowercase())) } else { Ok(None) };
    }
    match field.input {
        Input::Text | Input::Ref(_) => Ok(Some(serde_json::Value::from(text))),
        Input::Year => match text.parse::<i64>() {
            Ok(year) if (1900..=2100).contains(&year) => Ok(Some(serde_json::Value::from(year))),
            _ => Err(format!("{}: cần một năm như 1985", field.label)),
        },
        Input::YesNo => match text {
            "true" => Ok(Some(serde_json::Value::Bool(true))),
            "false" => Ok(Some(serde_json::Value::Bool(false))),
            _ => Err(format!("{}: chọn Có hoặc Không", field.label)),
        },
        Input::Choice(options) => match options.iter().find(|(value, _)| *value == text) {
            Some((value, _)) => Ok(Some(serde_json::Value::from(*value))),
            None => Err(format!("{}: giá trị không có trong danh sách", field.label)),
        },
    }
}

/// A stored value as the form shows it in its input.
pub fn as_text(value: Option<&serde_json::Value>) -> String {
    match value {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

/// The fields whose text in the form (`values`) differs from what is stored (`stored`),
/// as a draft keeps them: text that reads as the stored value (" 1985 " for 1985) or an
/// empty box where nothing is stored is no change.
pub fn changed_fields(
    kind: RecordKind,
    values: &BTreeMap<&'static str, String>,
    stored: &BTreeMap<&'static str, String>,
) -> Answers {
    let mut changed = Answers::new();
    for field in fields(kind) {
        let Some(text) = values.get(field.key) else { continue };
        let old = stored.get(field.key).map_or("", String::as_str);
        if text != old && (parse(field, text).is_err() || parse(field, text) != parse(field, old)) {
            changed.insert(field.key.to_string(), text.clone());
        }
    }
    changed
}

/// The form's `values`, opened on the stored fields `base`, once the stored fields have
/// become `current` (a sync, another tab): the fields the officer has not changed
/// follow `current`, the officer's changes stay.
pub fn rebase(
    kind: RecordKind,
    values: &BTreeMap<&'static str, String>,
    base: &BTreeMap<&'static str, String>,
    current: &BTreeMap<&'static str, String>,
) -> BTreeMap<&'static str, String> {
    with_fields(kind, current.clone(), &changed_fields(kind, values, base))
}

/// `values` with a draft's fields laid over them (fields the kind does not have are left out).
pub fn with_fields(
    kind: RecordKind,
    mut values: BTreeMap<&'static str, String>,
    draft: &Answers,
) -> BTreeMap<&'static str, String> {
    for field in fields(kind) {
        if let Some(text) = draft.get(field.key) {
            values.insert(field.key, text.clone());
        }
    }
    values
}

/// A stored value in words (choices by their label, yes/no in Vietnamese).
pub fn value_words(field: Option<&Field>, value: &serde_json::Value) -> String {
    match (field.map(|f| f.input), value) {
        (Some(Input::Choice(options)), serde_json::Value::String(s)) => {
            options.iter().find(|(v, _)| v == s).map_or_else(|| s.clone(), |(_, label)| label.to_string())
        }
        (_, serde_json::Value::Bool(true)) => "Có".to_string(),
        (_, serde_json::Value::Bool(false)) => "Không".to_string(),
        (_, serde_json::Value::String(s)) => s.clone(),
        (_, serde_json::Value::Null) => "(trống)".to_string(),
        (_, other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn fields_a_sync_changes_follow_the_form_and_typed_ones_stay() {
        let map = |pairs: &[(&'static str, &str)]| -> BTreeMap<&'static str, String> {
            pairs.iter().map(|(k, v)| (*k, v.to_string())).collect()
        };
        let base = map(&[("ten_chu_ho", "Phạm Văn Ba"), ("dia_chi", "Xóm 1")]);
        let synced = map(&[("ten_chu_ho", "Phạm Văn Ba"), ("dia_chi", "Xóm 2–3")]);
        // Saved and untouched: the form shows what the sync brought, nothing unsaved.
        let rebased = rebase(RecordKind::Household, &base, &base, &synced);
        assert_eq!(rebased, synced);
        assert!(changed_fields(RecordKind::Household, &rebased, &synced).is_empty());
        // The officer was typing the head's name: that stays, the address follows.
        let typed = map(&[("ten_chu_ho", "Phạm Văn Bá"), ("dia_chi", "Xóm 1")]);
        let rebased = rebase(RecordKind::Household, &typed, &base, &synced);
        assert_eq!(rebased, map(&[("ten_chu_ho", "Phạm Văn Bá"), ("dia_chi", "Xóm 2–3")]));
    }
    use super::*;

    #[test]
    fn typed_values_become_what_the_consolidation_reads() {
        let year = fields(RecordKind::Person)[1];
        assert_eq!(parse(&year, " 1985 "), Ok(Some(serde_json::json!(1985))));
        assert!(parse(&year, "85a").is_err());
        assert_eq!(parse(&year, ""), Ok(None));
        let name = fields(RecordKind::Person)[0];
        assert_eq!(parse(&name, "  "), Err("Cần nhập họ và tên".to_string()));
        let skill = *fields(RecordKind::Person).iter().find(|f| f.key == "digital_skill").expect("digital skill");
        assert_eq!(parse(&skill, "basic"), Ok(Some(serde_json::json!("basic"))));
        assert!(parse(&skill, "expert").is_err());
        assert_eq!(value_words(Some(&skill), &serde_json::json!("proficient")), "Thành thạo");
        assert_eq!(label(RecordKind::Person, "score:1.1"), "Điểm chỉ số 1.1");
        assert_eq!(label(RecordKind::Household, "ten_chu_ho"), "Tên chủ hộ");
    }

    #[test]
    fn coded_fields_offer_what_the_import_stores() {
        use hoctap_shared::import;
        let pairs = |list: &[import::Choice]| list.iter().map(|c| (c.value, c.label)).collect::<Vec<_>>();
        assert_eq!(RELATION.to_vec(), pairs(import::RELATION));
        assert_eq!(GENDER.to_vec(), pairs(import::GENDER));
        assert_eq!(DIGITAL.to_vec(), pairs(import::DIGITAL_SKILL));
    }

    #[test]
    fn issue_15_a_draft_keeps_only_the_fields_typed_differently() {
        let form = |pairs: &[(&'static str, &str)]| pairs.iter().map(|(k, v)| (*k, v.to_string())).collect();
        let stored = form(&[("name", "Lê Văn Tâm"), ("birth_year", "1985"), ("gender", "")]);
        let typed = form(&[("name", "Lê Văn Tâm"), ("birth_year", " 1985 "), ("gender", "nam"), ("learner", "")]);
        let changed = changed_fields(RecordKind::Person, &typed, &stored);
        assert_eq!(changed, BTreeMap::from([("gender".to_string(), "nam".to_string())]));
        // A new record's empty form against what is typed: every filled box, even a bad year.
        let empty = BTreeMap::new();
        let typed = form(&[("name", "Trần Thị Hoa"), ("birth_year", "19"), ("gender", "")]);
        let changed = changed_fields(RecordKind::Person, &typed, &empty);
        assert_eq!(changed.keys().collect::<Vec<_>>(), ["birth_year", "name"]);
        let draft =
            BTreeMap::from([("name".to_string(), "Hoa".to_string()), ("score:1.1".to_string(), "9".to_string())]);
        let back = with_fields(RecordKind::Person, stored.clone(), &draft);
        assert_eq!(back.get("name").map(String::as_str), Some("Hoa"));
        assert_eq!(back.len(), stored.len());
    }
}
