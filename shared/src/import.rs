//! Registers imported from a commune's spreadsheet (nhập sổ hộ gia đình, người dân từ
//! Excel): one row per person with the columns of their household, read as strings,
//! checked, and compared with what is stored, so that confirming writes only what is new
//! or changed. Pure: the server reads the XLSX or CSV into [`SheetRow`]s, gathers the
//! commune's hamlets and stored views, passes the year in, and turns the [`Change`]s
//! into operations.
//!
//! **Identity.** A row's household is the stored household with the same code (Mã hộ),
//! else the one of the same hamlet with the same head's name and address (compared
//! without diacritics, case or extra spaces), else a new household whose id is derived
//! from the commune and the code, or from the hamlet, head and address. A row's person
//! is the stored person of that household (or, without a household, of that hamlet) with
//! the same name and birth year, else a new person whose id is derived from those. So
//! importing a file twice changes nothing, and a corrected file changes only the fields
//! that differ. Limits: a corrected name or birth year, or a household's corrected head
//! or address when it has no code, is another identity — the row makes a new record
//! and the old one stays (a probable duplicate when it still looks the same; otherwise
//! it is archived or marked duplicate in the app). An empty cell never erases a stored
//! value.
//!
//! **Probable duplicates** are rows with the same name, birth year, hamlet and head of
//! household as an earlier row or a stored person that is another record. A row that is
//! the very same person as an earlier row is imported once; later ones are skipped.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::merge::RecordView;
use crate::protocol::{FieldEdit, RecordId, RecordKind, MOVED_FROM_FIELD};
use crate::text::fold;
use crate::Error;

/// The most data rows one file may hold (a commune has about 30,000 people).
pub const MAX_ROWS: usize = 50_000;
/// The largest file accepted, in bytes.
pub const MAX_FILE_BYTES: usize = 10 * 1024 * 1024;
/// The longest text accepted in one cell, in characters.
pub const MAX_CELL_CHARS: usize = 200;
/// The earliest birth year accepted.
pub const EARLIEST_BIRTH_YEAR: i32 = 1900;
/// The most problems and duplicates listed in a preview; the totals count them all.
pub const MAX_LISTED: usize = 2_000;
/// How many of the first rows are searched for the header row (a list often has a title
/// above its table).
pub const HEADER_SEARCH_ROWS: usize = 20;

/// The household field holding the household's own code (Mã hộ).
pub const HOUSEHOLD_CODE_FIELD: &str = "ma_ho";
/// The person field holding the relation to the head of household.
pub const RELATION_FIELD: &str = "relation";

/// A column of the register sheet, in the template's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Column {
    /// STT: ignored on import.
    Number,
    Hamlet,
    HouseholdCode,
    Head,
    Address,
    Name,
    BirthYear,
    Gender,
    Relation,
    DigitalSkill,
    Learner,
}

/// One value of a coded column: what is stored, what the list shows, and other ways
/// lists write it (folded, letters and digits only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Choice {
    pub value: &'static str,
    pub label: &'static str,
    aliases: &'static [&'static str],
}

const fn choice(value: &'static str, label: &'static str, aliases: &'static [&'static str]) -> Choice {
    Choice { value, label, aliases }
}

/// Giới tính (the person field `gender`).
pub const GENDER: &[Choice] = &[choice("nam", "Nam", &["male", "m"]), choice("nu", "Nữ", &["female", "f"])];

/// Quan hệ với chủ hộ (the person field `relation`).
pub const RELATION: &[Choice] = &[
    choice("chu_ho", "Chủ hộ", &["ch", "chuhogiadinh"]),
    choice("vo_chong", "Vợ/Chồng", &["vo", "chong"]),
    choice("con", "Con", &["congai", "contrai"]),
    choice("con_dau_re", "Con dâu/Con rể", &["condau", "conre"]),
    choice("bo_me", "Bố/Mẹ", &["bo", "me", "cha", "chame", "bome"]),
    choice("ong_ba", "Ông/Bà", &["ong", "ba"]),
    choice("chau", "Cháu", &["chaunoi", "chaungoai"]),
    choice("anh_chi_em", "Anh/Chị/Em", &["anh", "chi", "em", "anhchiemruot"]),
    choice("khac", "Khác", &[]),
];

/// Kỹ năng số (the person field `digital_skill`).
pub const DIGITAL_SKILL: &[Choice] = &[
    choice("none", "Chưa có", &["khong", "chua", "khongco"]),
    choice("basic", "Cơ bản", &["coban"]),
    choice("proficient", "Thành thạo", &["thanhthao"]),
];

/// Đang đi học (the person field `learner`, stored as `true`/`false`).
pub const YES_NO: &[Choice] =
    &[choice("true", "Có", &["x", "dangdihoc", "yes", "1"]), choice("false", "Không", &["no", "0", "khongdihoc"])];

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Number,
        Column::Hamlet,
        Column::HouseholdCode,
        Column::Head,
        Column::Address,
        Column::Name,
        Column::BirthYear,
        Column::Gender,
        Column::Relation,
        Column::DigitalSkill,
        Column::Learner,
    ];

    /// The header the template writes.
    pub fn header(self) -> &'static str {
        match self {
            Column::Number => "STT",
            Column::Hamlet => "Thôn, tổ dân phố",
            Column::HouseholdCode => "Mã hộ",
            Column::Head => "Họ tên chủ hộ",
            Column::Address => "Địa chỉ",
            Column::Name => "Họ và tên",
            Column::BirthYear => "Năm sinh",
            Column::Gender => "Giới tính",
            Column::Relation => "Quan hệ với chủ hộ",
            Column::DigitalSkill => "Kỹ năng số",
            Column::Learner => "Đang đi học",
        }
    }

    /// Other headers lists use for the column, compacted (see [`compact`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Column::Number => &["stt", "sott", "tt", "sothutu"],
            Column::Hamlet => &[
                "thon",
                "todanpho",
                "thontdp",
                "thonto",
                "thonxom",
                "xom",
                "ap",
                "ban",
                "thonap",
                "thonban",
                "thonbantodanpho",
                "thonaptodanpho",
            ],
            Column::HouseholdCode => &["masoho", "mahogiadinh", "maho"],
            Column::Head => &["hovatenchuho", "tenchuho", "chuho"],
            Column::Address => &["diachi", "noio", "diachinoio", "noiohiennay"],
            Column::Name => &["hoten", "ten", "hovatennguoi", "hotennguoi"],
            Column::BirthYear => &["ngaysinh", "ngaythangnamsinh", "namsinhngaysinh"],
            Column::Gender => &["gioitinh", "gt"],
            Column::Relation => &["quanhe", "quanhechuho", "quanhevoichuhogiadinh"],
            Column::DigitalSkill => &["kynangso", "kynangsocoban"],
            Column::Learner => &["dangdihoc", "dihoc"],
        }
    }

    /// The values a coded column takes (empty for free columns; hamlets come from the
    /// commune).
    pub fn choices(self) -> &'static [Choice] {
        match self {
            Column::Gender => GENDER,
            Column::Relation => RELATION,
            Column::DigitalSkill => DIGITAL_SKILL,
            Column::Learner => YES_NO,
            _ => &[],
        }
    }

    /// What to write in the column, for the template's "Hướng dẫn" sheet.
    pub fn help(self) -> &'static str {
        match self {
            Column::Number => "Số thứ tự; không bắt buộc, không dùng khi nhập.",
            Column::Hamlet => {
                "Bắt buộc. Tên thôn, tổ dân phố của xã, chọn trong danh sách (không phân biệt dấu, chữ hoa)."
            }
            Column::HouseholdCode => {
                "Không bắt buộc. Mã riêng của hộ trong sổ của xã; các dòng cùng mã là cùng một hộ. Có mã thì sửa \
                 tên chủ hộ, địa chỉ ở lần nhập sau vẫn cập nhật đúng hộ đó."
            }
            Column::Head => {
                "Họ tên chủ hộ, ghi ở mọi dòng của hộ (hoặc ít nhất một dòng khi có Mã hộ). Không có mã thì hộ \
                 được nhận ra theo thôn, họ tên chủ hộ và địa chỉ."
            }
            Column::Address => "Không bắt buộc. Địa chỉ của hộ (xóm, số nhà).",
            Column::Name => {
                "Bắt buộc với mỗi người. Một dòng chỉ có cột của hộ (không có người) thì chỉ ghi hộ. Người được \
                 nhận ra theo hộ, họ tên và năm sinh."
            }
            Column::BirthYear => "Năm sinh bốn chữ số như 1985 (hoặc ngày sinh như 12/05/1985), từ 1900 đến năm nay.",
            Column::Gender => "Nam hoặc Nữ.",
            Column::Relation => {
                "Chọn trong danh sách. Người là Chủ hộ mà để trống cột hộ thì hộ mang tên người đó; người khác \
                 của hộ phải có Mã hộ hoặc Họ tên chủ hộ."
            }
            Column::DigitalSkill => "Chưa có, Cơ bản hoặc Thành thạo.",
            Column::Learner => "Có nếu đang đi học, Không nếu không.",
        }
    }

    /// The person or household field the column fills.
    pub fn field(self) -> Option<&'static str> {
        match self {
            Column::Number | Column::Hamlet => None,
            Column::HouseholdCode => Some(HOUSEHOLD_CODE_FIELD),
            Column::Head => Some("ten_chu_ho"),
            Column::Address => Some("dia_chi"),
            Column::Name => Some("name"),
            Column::BirthYear => Some("birth_year"),
            Column::Gender => Some("gender"),
            Column::Relation => Some(RELATION_FIELD),
            Column::DigitalSkill => Some("digital_skill"),
            Column::Learner => Some("learner"),
        }
    }

    fn index(self) -> usize {
        self as usize
    }

    /// The column a header names, ignoring case, diacritics, spaces and punctuation.
    pub fn from_header(header: &str) -> Option<Column> {
        let key = compact(header);
        if key.is_empty() {
            return None;
        }
        Column::ALL.into_iter().find(|c| compact(c.header()) == key || c.aliases().contains(&key.as_str()))
    }
}

/// A text folded (no diacritics, lower case) with only its letters and digits kept: how
/// headers, coded values and hamlet names are compared.
pub fn compact(text: &str) -> String {
    fold(text).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The value of a coded column written as `text` (its label, stored value or an alias).
pub fn find_choice(choices: &'static [Choice], text: &str) -> Option<&'static Choice> {
    let key = compact(text);
    choices.iter().find(|c| compact(c.label) == key || c.value == text || c.aliases.contains(&key.as_str()))
}

/// One row of the sheet as read: its number as the spreadsheet shows it (1-based) and
/// its cells as text, left to right.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SheetRow {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A hamlet of the commune, as the template's list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hamlet {
    /// `hamlet:<id>`
    pub unit: String,
    /// As written in documents: `Thôn 1`.
    pub full_name: String,
    /// Without its type: `1`.
    pub name: String,
}

/// What an import is checked against.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The commune's unit id; new records' ids are derived from it.
    pub commune: &'a str,
    /// The commune's current hamlets.
    pub hamlets: &'a [Hamlet],
    /// The stored views of the commune's households and people (others are ignored).
    pub stored: &'a [RecordView],
    /// This year, in Vietnam: no one is born after it.
    pub year: i32,
}

/// The preview of an import: what confirming it would do, and every problem found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportPreview))]
pub struct Preview {
    /// The SHA-256 of the file, in hex: pass it back to confirm this very file.
    pub file_sha256: String,
    /// Data rows read (blank rows are not counted).
    pub rows: usize,
    pub households: Counts,
    pub people: Counts,
    /// Rows that will not be imported: those with a problem, and repeats of a person
    /// already on an earlier row.
    pub skipped_rows: usize,
    /// The first [`MAX_LISTED`] problems, by row then column.
    pub problems: Vec<Problem>,
    pub problems_total: usize,
    /// The first [`MAX_LISTED`] probable duplicates, by row.
    pub duplicates: Vec<Duplicate>,
    pub duplicates_total: usize,
    /// Headers of columns that are not imported (an unknown header, or a column given
    /// twice).
    pub ignored_columns: Vec<String>,
}

/// How many records an import creates, updates and leaves unchanged.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportCounts))]
pub struct Counts {
    pub create: usize,
    pub update: usize,
    pub unchanged: usize,
}

/// A problem in one cell: the row is not imported.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportProblem))]
pub struct Problem {
    /// The row number as the spreadsheet shows it.
    pub row: usize,
    /// The column's header as the template writes it.
    pub column: String,
    /// Stable: `missing_name`, `missing_hamlet`, `unknown_hamlet`, `bad_birth_year`,
    /// `impossible_birth_year`, `unknown_value`, `household_not_found`,
    /// `household_conflict`, `too_long`.
    pub code: String,
    /// In Vietnamese.
    pub message: String,
}

/// A row that looks like a person on an earlier row or already stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportDuplicate))]
pub struct Duplicate {
    pub row: usize,
    pub name: String,
    pub birth_year: Option<i32>,
    /// The head of the row's household (empty without one).
    pub household: String,
    /// `dòng 12` or `đã có trong sổ`.
    pub matches: String,
    /// The earlier row, when it is one.
    pub matches_row: Option<usize>,
    /// Whether the row is skipped: it is the very same person as the earlier row.
    pub skipped: bool,
}

/// Where an import job is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ImportState))]
pub enum JobState {
    Running,
    Done,
    Failed,
}

/// An import job's progress, for a progress bar.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportJob {
    pub job: String,
    pub state: JobState,
    /// Rows written so far, of `total_rows` (the file's data rows).
    pub done_rows: usize,
    pub total_rows: usize,
    /// Records (households and people) created, updated and left unchanged so far.
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Rows not imported (problems, repeats).
    pub skipped: usize,
    /// Changes the server refused (someone else's lock, a record outside the account's
    /// scope); the first few are explained in `messages`.
    pub refused: usize,
    /// Vietnamese: refusals by row, or why the job failed.
    pub messages: Vec<String>,
}

/// One record to create or change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The first row that asked for it, numbered as in the sheet.
    pub row: usize,
    /// That row's place among the file's data rows (1-based): progress.
    pub ordinal: usize,
    pub record: RecordId,
    /// The hamlet the record belongs to (a move when the stored one is elsewhere: then
    /// `fields` holds `moved_from`).
    pub unit: String,
    pub fields: Vec<FieldEdit>,
    /// Whether the record is new.
    pub new: bool,
}

/// The preview and the changes confirming it makes, households before their people.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    pub preview: Preview,
    pub changes: Vec<Change>,
}

/// A row as read, before households are resolved.
#[derive(Debug, Default)]
struct Parsed {
    number: usize,
    ordinal: usize,
    hamlet: Option<usize>,
    code: String,
    head: String,
    address: String,
    name: String,
    birth_year: Option<i32>,
    gender: Option<&'static Choice>,
    relation: Option<&'static Choice>,
    skill: Option<&'static Choice>,
    learner: Option<&'static Choice>,
    has_person: bool,
    household: Option<HouseholdKey>,
    /// A problem in a household column: the row defines no household.
    household_problem: bool,
    problem: bool,
}

/// What identifies a household inside a file.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum HouseholdKey {
    Code(String),
    Head { hamlet: usize, head: String, address: String },
}

/// A household as the file describes it.
#[derive(Debug, Clone)]
struct Draft {
    /// The first row of the household (and its place among data rows), and the row
    /// that gave its head.
    first_row: usize,
    first_ordinal: usize,
    head_row: usize,
    hamlet: usize,
    code: String,
    head: String,
    address: String,
}

/// Reads, checks and compares the rows. Fails only for the file as a whole: no header
/// row, a required column missing, or too many rows; every other problem is listed by
/// row and column.
pub fn plan(rows: &[SheetRow], ctx: &Context<'_>) -> Result<Plan, Error> {
    let Header { at: header_at, columns, ignored: ignored_columns } = find_header(rows)?;
    let data: Vec<&SheetRow> =
        rows[header_at + 1..].iter().filter(|row| !is_blank(row, &columns)).take(MAX_ROWS + 1).collect();
    if data.len() > MAX_ROWS {
        return Err(Error::ImportTooManyRows { max: MAX_ROWS });
    }
    let mut problems = Vec::new();
    let mut parsed: Vec<Parsed> = data
        .iter()
        .enumerate()
        .map(|(i, row)| Parsed { ordinal: i + 1, ..parse_row(row, &columns, ctx, &mut problems) })
        .collect();
    let stored = StoredIndex::new(ctx);
    let households = resolve_households(&mut parsed, ctx, &stored, &mut problems);
    let mut plan = Plan::default();
    let mut ids: BTreeMap<HouseholdKey, Option<String>> = BTreeMap::new();
    let mut taken: BTreeMap<String, HouseholdKey> = BTreeMap::new();
    for (key, draft) in &households {
        let Some(draft) = draft else {
            ids.insert(key.clone(), None);
            continue;
        };
        let id = stored.household(key, draft, ctx).unwrap_or_else(|| new_household_id(ctx.commune, key, ctx));
        // Two keys of the file that are one stored household (its code on some rows,
        // its head and address on others) are one household.
        if taken.contains_key(&id) {
            ids.insert(key.clone(), Some(id));
            continue;
        }
        taken.insert(id.clone(), key.clone());
        let record = RecordId { kind: RecordKind::Household, id: id.clone() };
        let mut wanted = vec![("ten_chu_ho", text(&draft.head)), ("dia_chi", text(&draft.address))];
        wanted.push((HOUSEHOLD_CODE_FIELD, text(&draft.code)));
        let unit = &ctx.hamlets[draft.hamlet].unit;
        let at = (draft.first_row, draft.first_ordinal);
        count(&mut plan, true, stored.view(&record), at, record, unit, &wanted);
        ids.insert(key.clone(), Some(id));
    }

    // People, in row order.
    let mut seen: BTreeMap<(String, String, Option<i32>), usize> = BTreeMap::new();
    let mut looks: BTreeMap<Look, (usize, String)> = BTreeMap::new();
    let mut duplicates = Vec::new();
    let mut skipped = 0;
    for row in &parsed {
        if row.problem {
            skipped += 1;
            continue;
        }
        if !row.has_person {
            continue;
        }
        let Some(hamlet) = row.hamlet else { continue };
        let unit = &ctx.hamlets[hamlet].unit;
        let household = row.household.as_ref().and_then(|key| ids.get(key).cloned().flatten());
        let head = row
            .household
            .as_ref()
            .and_then(|key| households.get(key).cloned().flatten())
            .map(|d| d.head)
            .unwrap_or_default();
        let name = fold(&row.name);
        let owner = household.clone().unwrap_or_else(|| unit.clone());
        let identity = (owner.clone(), name.clone(), row.birth_year);
        let duplicate = |matches: String, matches_row: Option<usize>, skipped: bool| Duplicate {
            row: row.number,
            name: row.name.clone(),
            birth_year: row.birth_year,
            household: head.clone(),
            matches,
            matches_row,
            skipped,
        };
        if let Some(&earlier) = seen.get(&identity) {
            duplicates.push(duplicate(format!("dòng {earlier}"), Some(earlier), true));
            skipped += 1;
            continue;
        }
        seen.insert(identity, row.number);
        let id = stored
            .person(&owner, &name, row.birth_year)
            .unwrap_or_else(|| digest("p", &[ctx.commune, &owner, &name, &year_text(row.birth_year)]));
        let look = (hamlet, name.clone(), row.birth_year, fold(&head));
        if let Some((earlier, other)) = looks.get(&look) {
            if *other != id {
                duplicates.push(duplicate(format!("dòng {earlier}"), Some(*earlier), false));
            }
        } else {
            looks.insert(look.clone(), (row.number, id.clone()));
            if stored.looks_like(&look, &id) {
                duplicates.push(duplicate("đã có trong sổ".to_string(), None, false));
            }
        }
        let record = RecordId { kind: RecordKind::Person, id };
        let choice = |c: Option<&'static Choice>| c.map(|c| Value::from(c.value));
        let wanted = vec![
            ("name", text(&row.name)),
            ("birth_year", row.birth_year.map(Value::from)),
            ("gender", choice(row.gender)),
            ("household", household.map(Value::from)),
            (RELATION_FIELD, choice(row.relation)),
            ("digital_skill", choice(row.skill)),
            ("learner", row.learner.map(|c| Value::Bool(c.value == "true"))),
        ];
        count(&mut plan, false, stored.view(&record), (row.number, row.ordinal), record, unit, &wanted);
    }

    // Households before the people of the same row; rows in order.
    plan.changes.sort_by_key(|c| (c.row, c.record.kind != RecordKind::Household));
    problems.sort();
    let preview = &mut plan.preview;
    preview.rows = parsed.len();
    preview.skipped_rows = skipped;
    preview.problems_total = problems.len();
    problems.truncate(MAX_LISTED);
    preview.problems = problems;
    preview.duplicates_total = duplicates.len();
    duplicates.truncate(MAX_LISTED);
    preview.duplicates = duplicates;
    preview.ignored_columns = ignored_columns;
    Ok(plan)
}

/// Adds a record's change to the plan (if any) and counts it.
fn count(
    plan: &mut Plan,
    household: bool,
    stored: Option<&RecordView>,
    (row, ordinal): (usize, usize),
    record: RecordId,
    unit: &str,
    wanted: &[(&str, Option<Value>)],
) {
    let mut fields: Vec<FieldEdit> = Vec::new();
    for (field, value) in wanted {
        let Some(value) = value else { continue };
        let current = stored.and_then(|view| view.fields.get(*field));
        if current.and_then(|f| f.value.as_ref()) == Some(value) {
            continue;
        }
        // Based on every value the server holds for the field: the file's value
        // replaces them (a conflict included).
        let base = current.map(|f| f.candidates.iter().map(|c| c.op.clone()).collect()).unwrap_or_default();
        fields.push(FieldEdit { field: (*field).to_string(), value: value.clone(), base });
    }
    if let Some(view) = stored {
        if view.unit != unit {
            let base = view.fields.get(MOVED_FROM_FIELD).map(|f| f.candidates.iter().map(|c| c.op.clone()).collect());
            fields.push(FieldEdit {
                field: MOVED_FROM_FIELD.to_string(),
                value: Value::from(view.unit.clone()),
                base: base.unwrap_or_default(),
            });
        }
    }
    let counts = if household { &mut plan.preview.households } else { &mut plan.preview.people };
    match (stored, fields.is_empty()) {
        (None, _) => counts.create += 1,
        (Some(_), true) => {
            counts.unchanged += 1;
            return;
        }
        (Some(_), false) => counts.update += 1,
    }
    plan.changes.push(Change { row, ordinal, record, unit: unit.to_string(), fields, new: stored.is_none() });
}

fn text(s: &str) -> Option<Value> {
    (!s.is_empty()).then(|| Value::from(s))
}

fn year_text(year: Option<i32>) -> String {
    year.map(|y| y.to_string()).unwrap_or_default()
}

/// A record id derived from its identity: `<kind letter>.` and 32 hex digits of two
/// FNV-1a hashes of the parts (an id the server accepts, the same on every import).
fn digest(kind: &str, parts: &[&str]) -> String {
    let text = parts.join("\u{1f}");
    let fnv = |bytes: &mut dyn Iterator<Item = u8>, basis: u64| {
        bytes.fold(basis, |hash, b| (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    };
    let forward = fnv(&mut text.bytes(), 0xcbf2_9ce4_8422_2325);
    let backward = fnv(&mut text.bytes().rev(), 0x6c62_272e_07bb_0142);
    format!("nhap-{kind}.{forward:016x}{backward:016x}")
}

fn new_household_id(commune: &str, key: &HouseholdKey, ctx: &Context<'_>) -> String {
    match key {
        HouseholdKey::Code(code) => digest("h", &[commune, "ma", code]),
        HouseholdKey::Head { hamlet, head, address } => {
            digest("h", &[commune, &ctx.hamlets[*hamlet].unit, head, address])
        }
    }
}

/// What a probable duplicate shares with another: hamlet, folded name, birth year and
/// folded head of household.
type Look = (usize, String, Option<i32>, String);

/// The header row (its index), each column's position, and the headers not imported.
struct Header {
    at: usize,
    columns: Vec<Option<usize>>,
    ignored: Vec<String>,
}

fn find_header(rows: &[SheetRow]) -> Result<Header, Error> {
    for (at, row) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
        let mut columns: Vec<Option<usize>> = vec![None; Column::ALL.len()];
        let mut ignored = Vec::new();
        let mut known = 0;
        for (position, cell) in row.cells.iter().enumerate() {
            let cell = cell.trim();
            match Column::from_header(cell) {
                Some(column) if columns[column.index()].is_none() => {
                    columns[column.index()] = Some(position);
                    known += 1;
                }
                _ if cell.is_empty() => {}
                _ => ignored.push(cell.chars().take(MAX_CELL_CHARS).collect()),
            }
        }
        if known < 2 {
            continue;
        }
        let missing: Vec<String> = [Column::Hamlet, Column::Name]
            .into_iter()
            .filter(|c| columns[c.index()].is_none())
            .map(|c| c.header().to_string())
            .collect();
        if !missing.is_empty() {
            return Err(Error::ImportMissingColumns { columns: missing });
        }
        return Ok(Header { at, columns, ignored });
    }
    Err(Error::ImportNoHeader)
}

fn cell<'r>(row: &'r SheetRow, columns: &[Option<usize>], column: Column) -> &'r str {
    columns[column.index()].and_then(|i| row.cells.get(i)).map_or("", |s| s.trim())
}

fn is_blank(row: &SheetRow, columns: &[Option<usize>]) -> bool {
    Column::ALL.iter().filter(|c| **c != Column::Number).all(|c| cell(row, columns, *c).is_empty())
}

/// One space between words, none at either end.
fn tidy(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_row(row: &SheetRow, columns: &[Option<usize>], ctx: &Context<'_>, problems: &mut Vec<Problem>) -> Parsed {
    let mut parsed = Parsed { number: row.number, ..Parsed::default() };
    let mut problem = |column: Column, code: &str, message: String, parsed: &mut Parsed| {
        parsed.problem = true;
        if matches!(column, Column::Hamlet | Column::HouseholdCode | Column::Head | Column::Address) {
            parsed.household_problem = true;
        }
        problems.push(Problem {
            row: row.number,
            column: column.header().to_string(),
            code: code.to_string(),
            message,
        });
    };
    let get = |column: Column| cell(row, columns, column);
    for column in Column::ALL {
        let length = get(column).chars().count();
        if length > MAX_CELL_CHARS {
            problem(
                column,
                "too_long",
                format!("{} dài {length} ký tự, quá giới hạn {MAX_CELL_CHARS}", column.header()),
                &mut parsed,
            );
        }
    }
    let long = |column: Column| get(column).chars().count() > MAX_CELL_CHARS;
    let keep = |column: Column| if long(column) { String::new() } else { tidy(get(column)) };
    parsed.code = keep(Column::HouseholdCode);
    parsed.head = keep(Column::Head);
    parsed.address = keep(Column::Address);
    parsed.name = keep(Column::Name);

    let hamlet = get(Column::Hamlet);
    if hamlet.is_empty() {
        problem(Column::Hamlet, "missing_hamlet", "Thiếu tên thôn, tổ dân phố".to_string(), &mut parsed);
    } else if !long(Column::Hamlet) {
        parsed.hamlet = find_hamlet(ctx.hamlets, hamlet);
        if parsed.hamlet.is_none() {
            problem(
                Column::Hamlet,
                "unknown_hamlet",
                format!("Không có thôn, tổ dân phố “{}” trong xã; chọn tên trong danh sách", tidy(hamlet)),
                &mut parsed,
            );
        }
    }

    let year = get(Column::BirthYear);
    if !year.is_empty() {
        match birth_year(year) {
            None => problem(
                Column::BirthYear,
                "bad_birth_year",
                format!("Năm sinh “{year}” không đọc được; ghi năm bốn chữ số như 1985"),
                &mut parsed,
            ),
            Some(y) if !(EARLIEST_BIRTH_YEAR..=ctx.year).contains(&y) => problem(
                Column::BirthYear,
                "impossible_birth_year",
                format!("Năm sinh {y} không thể có: phải từ {EARLIEST_BIRTH_YEAR} đến {}", ctx.year),
                &mut parsed,
            ),
            Some(y) => parsed.birth_year = Some(y),
        }
    }
    let mut coded: [Option<&'static Choice>; 4] = [None; 4];
    for (slot, column) in
        [Column::Gender, Column::Relation, Column::DigitalSkill, Column::Learner].into_iter().enumerate()
    {
        let value = get(column);
        if value.is_empty() || long(column) {
            continue;
        }
        coded[slot] = find_choice(column.choices(), value);
        if coded[slot].is_none() {
            let labels: Vec<&str> = column.choices().iter().map(|c| c.label).collect();
            let message =
                format!("{} “{}” không có trong danh sách ({})", column.header(), tidy(value), labels.join(", "));
            problem(column, "unknown_value", message, &mut parsed);
        }
    }
    [parsed.gender, parsed.relation, parsed.skill, parsed.learner] = coded;
    parsed.has_person = [Column::Name, Column::BirthYear, Column::Gender, Column::Relation]
        .into_iter()
        .chain([Column::DigitalSkill, Column::Learner])
        .any(|c| !get(c).is_empty());
    let has_household = !get(Column::HouseholdCode).is_empty() || !get(Column::Head).is_empty();
    if parsed.has_person && get(Column::Name).is_empty() || !parsed.has_person && !has_household {
        problem(Column::Name, "missing_name", "Thiếu họ và tên".to_string(), &mut parsed);
    }

    let is_head = parsed.relation.is_some_and(|r| r.value == "chu_ho");
    if !parsed.code.is_empty() {
        parsed.household = Some(HouseholdKey::Code(compact_code(&parsed.code)));
    } else if let Some(hamlet) = parsed.hamlet {
        let head = if parsed.head.is_empty() && is_head { parsed.name.clone() } else { parsed.head.clone() };
        if !head.is_empty() {
            if parsed.head.is_empty() {
                parsed.head = head.clone();
            }
            parsed.household = Some(HouseholdKey::Head { hamlet, head: fold(&head), address: fold(&parsed.address) });
        }
    }
    if parsed.household.is_none() && parsed.hamlet.is_some() && parsed.relation.is_some() && !is_head {
        problem(
            Column::Head,
            "household_not_found",
            "Không xác định được hộ của người này: ghi Mã hộ hoặc Họ tên chủ hộ".to_string(),
            &mut parsed,
        );
    }
    parsed
}

/// A household code as compared: folded, without spaces.
fn compact_code(code: &str) -> String {
    fold(code).chars().filter(|c| !c.is_whitespace()).collect()
}

/// The hamlet a cell names: by its full name (`Thôn 1`), else by its name alone (`1`)
/// when only one hamlet has it.
fn find_hamlet(hamlets: &[Hamlet], text: &str) -> Option<usize> {
    let key = compact(text);
    if key.is_empty() {
        return None;
    }
    if let Some(found) = hamlets.iter().position(|h| compact(&h.full_name) == key) {
        return Some(found);
    }
    let mut by_name = hamlets.iter().enumerate().filter(|(_, h)| compact(&h.name) == key);
    match (by_name.next(), by_name.next()) {
        (Some((found, _)), None) => Some(found),
        _ => None,
    }
}

/// A birth year from `1985`, `1985.0` (a number cell), or a date `12/05/1985`,
/// `12-05-1985` or `1985-05-12`.
pub fn birth_year(text: &str) -> Option<i32> {
    let text = text.trim();
    let number = text.strip_suffix(".0").unwrap_or(text);
    if number.len() == 4 && number.chars().all(|c| c.is_ascii_digit()) {
        return number.parse().ok();
    }
    let parts: Vec<&str> = text.split(['/', '-', '.']).map(str::trim).collect();
    if parts.len() != 3 || !parts.iter().all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit())) {
        return None;
    }
    let (year, day_month) =
        if parts[0].len() == 4 { (parts[0], [parts[2], parts[1]]) } else { (parts[2], [parts[0], parts[1]]) };
    let day: u32 = day_month[0].parse().ok()?;
    let month: u32 = day_month[1].parse().ok()?;
    if year.len() != 4 || !(1..=31).contains(&day) || !(1..=12).contains(&month) {
        return None;
    }
    year.parse().ok()
}

/// Groups the rows' households: each key's description from its rows, with a problem
/// for a row that contradicts an earlier one, and for rows naming a code that neither
/// the file nor the store describes.
fn resolve_households(
    parsed: &mut [Parsed],
    ctx: &Context<'_>,
    stored: &StoredIndex<'_>,
    problems: &mut Vec<Problem>,
) -> BTreeMap<HouseholdKey, Option<Draft>> {
    let mut drafts: BTreeMap<HouseholdKey, Draft> = BTreeMap::new();
    for row in parsed.iter_mut() {
        let (Some(key), Some(hamlet)) = (row.household.clone(), row.hamlet) else { continue };
        if row.household_problem {
            continue;
        }
        let Some(draft) = drafts.get_mut(&key) else {
            drafts.insert(
                key,
                Draft {
                    first_row: row.number,
                    first_ordinal: row.ordinal,
                    head_row: row.number,
                    hamlet,
                    code: row.code.clone(),
                    head: row.head.clone(),
                    address: row.address.clone(),
                },
            );
            continue;
        };
        let mut conflict: Option<(Column, String)> = None;
        if draft.hamlet != hamlet {
            conflict = Some((
                Column::Hamlet,
                format!(
                    "Hộ mã “{}” đã ghi thuộc {} ở dòng {}",
                    draft.code, ctx.hamlets[draft.hamlet].full_name, draft.first_row
                ),
            ));
        } else if !row.head.is_empty() && !draft.head.is_empty() && fold(&draft.head) != fold(&row.head) {
            conflict = Some((
                Column::Head,
                format!("Hộ mã “{}” đã ghi chủ hộ “{}” ở dòng {}", draft.code, draft.head, draft.head_row),
            ));
        } else if !row.address.is_empty() && !draft.address.is_empty() && fold(&draft.address) != fold(&row.address) {
            conflict = Some((
                Column::Address,
                format!("Hộ mã “{}” đã ghi địa chỉ “{}” ở dòng trước", draft.code, draft.address),
            ));
        }
        if let Some((column, message)) = conflict {
            problems.push(Problem {
                row: row.number,
                column: column.header().to_string(),
                code: "household_conflict".to_string(),
                message,
            });
            row.problem = true;
            continue;
        }
        if draft.head.is_empty() && !row.head.is_empty() {
            draft.head = row.head.clone();
            draft.head_row = row.number;
        }
        if draft.address.is_empty() && !row.address.is_empty() {
            draft.address = row.address.clone();
        }
    }
    let mut households = BTreeMap::new();
    for (key, draft) in drafts {
        // A code given on rows that name no head: a household already stored.
        let known = !draft.head.is_empty() || stored.household(&key, &draft, ctx).is_some();
        if !known {
            for row in parsed.iter_mut().filter(|r| r.household.as_ref() == Some(&key) && !r.household_problem) {
                row.problem = true;
                problems.push(Problem {
                    row: row.number,
                    column: Column::HouseholdCode.header().to_string(),
                    code: "household_not_found".to_string(),
                    message: format!(
                        "Không tìm thấy hộ mã “{}”: ghi họ tên chủ hộ ở ít nhất một dòng của hộ",
                        draft.code
                    ),
                });
            }
        }
        households.insert(key, known.then_some(draft));
    }
    households
}

/// The stored households and people, indexed the ways rows find them.
struct StoredIndex<'a> {
    views: BTreeMap<&'a RecordId, &'a RecordView>,
    by_code: BTreeMap<String, &'a str>,
    /// (unit, head, address) → id, of households without a code.
    by_head: BTreeMap<(String, String, String), &'a str>,
    /// (household or unit, name, birth year) → id.
    people: BTreeMap<(String, String, Option<i32>), &'a str>,
    /// (hamlet, name, birth year, head) → ids.
    looks: BTreeMap<Look, Vec<&'a str>>,
}

fn string<'v>(view: &'v RecordView, field: &str) -> &'v str {
    view.value(field).and_then(Value::as_str).unwrap_or("")
}

fn stored_year(view: &RecordView) -> Option<i32> {
    match view.value("birth_year")? {
        Value::Number(n) => n.as_i64().and_then(|y| i32::try_from(y).ok()),
        Value::String(s) => birth_year(s),
        _ => None,
    }
}

impl<'a> StoredIndex<'a> {
    fn new(ctx: &Context<'a>) -> StoredIndex<'a> {
        let mut index = StoredIndex {
            views: BTreeMap::new(),
            by_code: BTreeMap::new(),
            by_head: BTreeMap::new(),
            people: BTreeMap::new(),
            looks: BTreeMap::new(),
        };
        let mut heads: BTreeMap<&str, String> = BTreeMap::new();
        for view in ctx.stored {
            index.views.insert(&view.record, view);
            if view.record.kind != RecordKind::Household {
                continue;
            }
            let id = view.record.id.as_str();
            heads.insert(id, fold(string(view, "ten_chu_ho")));
            let code = string(view, HOUSEHOLD_CODE_FIELD);
            if !code.is_empty() {
                index.by_code.entry(compact_code(code)).or_insert(id);
            }
            let key = (view.unit.clone(), fold(string(view, "ten_chu_ho")), fold(string(view, "dia_chi")));
            index.by_head.entry(key).or_insert(id);
        }
        let hamlets: BTreeMap<&str, usize> =
            ctx.hamlets.iter().enumerate().map(|(i, h)| (h.unit.as_str(), i)).collect();
        for view in ctx.stored.iter().filter(|v| v.record.kind == RecordKind::Person) {
            let id = view.record.id.as_str();
            let household = string(view, "household");
            let owner = if household.is_empty() { view.unit.clone() } else { household.to_string() };
            let name = fold(string(view, "name"));
            let year = stored_year(view);
            index.people.entry((owner, name.clone(), year)).or_insert(id);
            if let Some(&hamlet) = hamlets.get(view.unit.as_str()) {
                let head = heads.get(household).cloned().unwrap_or_default();
                index.looks.entry((hamlet, name, year, head)).or_default().push(id);
            }
        }
        index
    }

    fn view(&self, record: &RecordId) -> Option<&'a RecordView> {
        self.views.get(record).copied()
    }

    /// The stored household a file's household is: by its code, else by hamlet, head
    /// and address (a stored household with another code is another household).
    fn household(&self, key: &HouseholdKey, draft: &Draft, ctx: &Context<'_>) -> Option<String> {
        if let HouseholdKey::Code(code) = key {
            if let Some(id) = self.by_code.get(code) {
                return Some((*id).to_string());
            }
        }
        let unit = ctx.hamlets[draft.hamlet].unit.clone();
        let id = self.by_head.get(&(unit, fold(&draft.head), fold(&draft.address)))?;
        let view = self.view(&RecordId { kind: RecordKind::Household, id: (*id).to_string() })?;
        let code = string(view, HOUSEHOLD_CODE_FIELD);
        match key {
            HouseholdKey::Code(wanted) if !code.is_empty() && compact_code(code) != *wanted => None,
            _ => Some((*id).to_string()),
        }
    }

    fn person(&self, owner: &str, name: &str, year: Option<i32>) -> Option<String> {
        self.people.get(&(owner.to_string(), name.to_string(), year)).map(|id| (*id).to_string())
    }

    /// Whether a stored person other than `id` looks the same.
    fn looks_like(&self, look: &Look, id: &str) -> bool {
        self.looks.get(look).is_some_and(|ids| ids.iter().any(|other| *other != id))
    }
}

/// A cell of an exported register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportCell {
    Text(String),
    Number(i64),
    Empty,
}

/// The commune's households and people as rows of the template's columns
/// ([`Column::ALL`]): each household's members (the head first, then by birth year and
/// name), a household without members on a row of its own, then the people of no
/// household; households by hamlet (in the order given), then head and address.
/// Records kept at the commune rather than in a hamlet have no row. Importing the rows
/// again changes nothing.
pub fn export_rows(hamlets: &[Hamlet], stored: &[RecordView]) -> Vec<Vec<ExportCell>> {
    let order: BTreeMap<&str, usize> = hamlets.iter().enumerate().map(|(i, h)| (h.unit.as_str(), i)).collect();
    let mut members: BTreeMap<&str, Vec<&RecordView>> = BTreeMap::new();
    let mut households: Vec<(usize, String, String, &RecordView)> = Vec::new();
    for view in stored {
        match view.record.kind {
            RecordKind::Household => {
                if let Some(&hamlet) = order.get(view.unit.as_str()) {
                    households.push((hamlet, fold(string(view, "ten_chu_ho")), fold(string(view, "dia_chi")), view));
                }
            }
            RecordKind::Person => members.entry(string(view, "household")).or_default().push(view),
            _ => {}
        }
    }
    households.sort_by(|a, b| (a.0, &a.1, &a.2, &a.3.record).cmp(&(b.0, &b.1, &b.2, &b.3.record)));
    let sort_people = |people: &mut Vec<&RecordView>| {
        people.sort_by_key(|p| {
            (string(p, RELATION_FIELD) != "chu_ho", stored_year(p), fold(string(p, "name")), p.record.clone())
        });
    };
    let text = |s: &str| if s.is_empty() { ExportCell::Empty } else { ExportCell::Text(s.to_string()) };
    let label = |choices: &'static [Choice], view: &RecordView, field: &str| match view.value(field) {
        Some(Value::String(s)) => choices
            .iter()
            .find(|c| c.value == s)
            .map_or(ExportCell::Text(s.clone()), |c| ExportCell::Text(c.label.to_string())),
        Some(Value::Bool(b)) => ExportCell::Text(if *b { "Có" } else { "Không" }.to_string()),
        _ => ExportCell::Empty,
    };
    let mut rows = Vec::new();
    let mut row = |hamlet: usize, household: Option<&RecordView>, person: Option<&RecordView>| {
        let mut cells = vec![ExportCell::Number(rows.len() as i64 + 1), text(&hamlets[hamlet].full_name)];
        match household {
            Some(h) => cells.extend([
                text(string(h, HOUSEHOLD_CODE_FIELD)),
                text(string(h, "ten_chu_ho")),
                text(string(h, "dia_chi")),
            ]),
            None => cells.extend([ExportCell::Empty, ExportCell::Empty, ExportCell::Empty]),
        }
        match person {
            Some(p) => cells.extend([
                text(string(p, "name")),
                stored_year(p).map_or(ExportCell::Empty, |y| ExportCell::Number(i64::from(y))),
                label(GENDER, p, "gender"),
                label(RELATION, p, RELATION_FIELD),
                label(DIGITAL_SKILL, p, "digital_skill"),
                label(YES_NO, p, "learner"),
            ]),
            None => cells.extend(std::iter::repeat_n(ExportCell::Empty, 6)),
        }
        rows.push(cells);
    };
    for (hamlet, _, _, household) in &households {
        let mut people: Vec<&RecordView> = members
            .remove(household.record.id.as_str())
            .unwrap_or_default()
            .into_iter()
            .filter(|p| p.unit == household.unit)
            .collect();
        sort_people(&mut people);
        if people.is_empty() {
            row(*hamlet, Some(household), None);
        }
        for person in people {
            row(*hamlet, Some(household), Some(person));
        }
    }
    // People of no household (or of one the export does not hold), by hamlet.
    let mut alone: Vec<(usize, &RecordView)> = members
        .into_values()
        .flatten()
        .filter(|p| string(p, "household").is_empty())
        .filter_map(|p| order.get(p.unit.as_str()).map(|&h| (h, p)))
        .collect();
    alone.sort_by_key(|(h, p)| (*h, fold(string(p, "name")), stored_year(p), p.record.clone()));
    for (hamlet, person) in alone {
        row(hamlet, None, Some(person));
    }
    rows
}
