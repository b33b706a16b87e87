//! The review table as plain data: one row per evaluation with what a reviewer reads
//! (hamlet, name, birth year, model, year, score or level, what the score computes,
//! who sent it and when, how many evidence files, its state), the filters (hamlet,
//! model, year, state, a search that ignores diacritics), the sort by any column, and
//! the queue a reviewer walks through from a record's page (next and previous). Pure and
//! tested natively; `screens::review` builds the rows from the replica and lays them
//! out (a table on a PC, cards on a phone).

use std::cell::RefCell;

use hoctap_shared::criteria::Model;
use hoctap_shared::merge::Status;
use hoctap_shared::text::fold;

/// One evaluation as the review table shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// The evaluation's record id (never shown).
    pub id: String,
    /// The hamlet's unit id (for the filter) and its name.
    pub unit: String,
    pub hamlet: String,
    pub name: String,
    pub birth_year: Option<i64>,
    pub model: Option<Model>,
    pub year: i64,
    /// "85/100 điểm", "Mức 2", or "Chưa chấm xong".
    pub score: String,
    /// The total in hundredths of a point or the level, for sorting.
    pub score_key: i64,
    /// What the score computes: "Đủ điều kiện công nhận", "Chưa đủ điều kiện", …
    pub result: String,
    pub submitted_by: Option<String>,
    /// When it was sent for review (ms since the epoch, the server's time when known).
    pub submitted_ms: Option<i64>,
    pub evidence: usize,
    pub status: Status,
    /// Two devices disagree on it: it cannot be decided from the table.
    pub conflict: bool,
    /// Why the server refused a step of it (the last refusal's words): a recognition
    /// taken for many at once that the server did not accept shows here, the rest went.
    pub refused: Option<String>,
}

/// Which states the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    /// Sent and approved: what waits for the commune (the default).
    #[default]
    Waiting,
    Submitted,
    Approved,
    Returned,
    Recognised,
    All,
}

impl StateFilter {
    pub const ALL: [StateFilter; 6] = [
        StateFilter::Waiting,
        StateFilter::Submitted,
        StateFilter::Approved,
        StateFilter::Returned,
        StateFilter::Recognised,
        StateFilter::All,
    ];

    pub fn label(self) -> &'static str {
        match self {
            StateFilter::Waiting => "Chờ duyệt, công nhận",
            StateFilter::Submitted => "Chờ duyệt",
            StateFilter::Approved => "Đã duyệt, chờ công nhận",
            StateFilter::Returned => "Bị trả lại",
            StateFilter::Recognised => "Đã công nhận",
            StateFilter::All => "Mọi trạng thái",
        }
    }

    /// Its value in a select.
    pub fn key(self) -> &'static str {
        match self {
            StateFilter::Waiting => "cho",
            StateFilter::Submitted => "gui",
            StateFilter::Approved => "duyet",
            StateFilter::Returned => "tra",
            StateFilter::Recognised => "cong-nhan",
            StateFilter::All => "tat-ca",
        }
    }

    pub fn from_key(key: &str) -> StateFilter {
        StateFilter::ALL.into_iter().find(|s| s.key() == key).unwrap_or_default()
    }

    pub fn admits(self, status: Status) -> bool {
        match self {
            StateFilter::Waiting => matches!(status, Status::Submitted | Status::Approved),
            StateFilter::Submitted => status == Status::Submitted,
            StateFilter::Approved => status == Status::Approved,
            StateFilter::Returned => status == Status::Returned,
            StateFilter::Recognised => status == Status::Recognised,
            StateFilter::All => status != Status::Draft,
        }
    }
}

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Column {
    #[default]
    Hamlet,
    Name,
    BirthYear,
    Model,
    Year,
    Score,
    Result,
    SubmittedBy,
    SubmittedOn,
    Evidence,
    State,
}

impl Column {
    pub const ALL: [Column; 11] = [
        Column::Hamlet,
        Column::Name,
        Column::BirthYear,
        Column::Model,
        Column::Year,
        Column::Score,
        Column::Result,
        Column::SubmittedBy,
        Column::SubmittedOn,
        Column::Evidence,
        Column::State,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Column::Hamlet => "Thôn",
            Column::Name => "Họ tên",
            Column::BirthYear => "Năm sinh",
            Column::Model => "Mô hình",
            Column::Year => "Năm",
            Column::Score => "Điểm, mức",
            Column::Result => "Kết quả tính",
            Column::SubmittedBy => "Người gửi",
            Column::SubmittedOn => "Ngày gửi",
            Column::Evidence => "Minh chứng",
            Column::State => "Trạng thái",
        }
    }

    /// What `row` sorts by in this column: a number, or text folded without
    /// diacritics (computed once per row, not once per comparison).
    fn key(self, row: &Row) -> (i64, String) {
        let number = |n: i64| (n, String::new());
        let text = |t: &str| (0, fold(t));
        match self {
            Column::Hamlet => text(&row.hamlet),
            Column::Name => text(&row.name),
            Column::BirthYear => number(row.birth_year.unwrap_or(i64::MIN)),
            Column::Model => {
                number(row.model.map_or(-1, |m| Model::ALL.iter().position(|x| *x == m).unwrap_or(0) as i64))
            }
            Column::Year => number(row.year),
            Column::Score => number(row.score_key),
            Column::Result => text(&row.result),
            Column::SubmittedBy => text(row.submitted_by.as_deref().unwrap_or("")),
            Column::SubmittedOn => number(row.submitted_ms.unwrap_or(i64::MIN)),
            Column::Evidence => number(row.evidence as i64),
            Column::State => number(i64::from(status_rank(row.status))),
        }
    }
}

/// The workflow's order: sent, approved, returned, recognised.
fn status_rank(status: Status) -> u8 {
    match status {
        Status::Draft => 0,
        Status::Submitted => 1,
        Status::Approved => 2,
        Status::Returned => 3,
        Status::Recognised => 4,
    }
}

/// What the reviewer chose to see.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    /// A hamlet's unit id.
    pub hamlet: Option<String>,
    pub model: Option<Model>,
    pub year: Option<i64>,
    pub state: StateFilter,
    /// Typed words, matched against the name and the hamlet without diacritics.
    pub query: String,
    pub sort: Column,
    pub descending: bool,
}

impl Filter {
    /// Sorting by `column`: a second click on the same column turns the order round.
    pub fn sorted_by(&self, column: Column) -> Filter {
        let descending = self.sort == column && !self.descending;
        Filter { sort: column, descending, ..self.clone() }
    }
}

/// The rows `filter` lets through, in its order (ties by hamlet, then name, then id, so
/// that the order never depends on how the rows came).
pub fn visible<'a>(rows: &'a [Row], filter: &Filter) -> Vec<&'a Row> {
    let words: Vec<String> = fold(&filter.query).split_whitespace().map(str::to_string).collect();
    // Each row with its keys: the chosen column's, then hamlet and name (folded once).
    type Keyed<'a> = (&'a Row, (i64, String), String, String);
    let mut shown: Vec<Keyed> = rows
        .iter()
        .filter(|r| filter.state.admits(r.status))
        .filter(|r| filter.hamlet.as_ref().is_none_or(|h| *h == r.unit))
        .filter(|r| filter.model.is_none_or(|m| r.model == Some(m)))
        .filter(|r| filter.year.is_none_or(|y| r.year == y))
        .map(|r| (r, filter.sort.key(r), fold(&r.hamlet), fold(&r.name)))
        .filter(|(_, _, hamlet, name)| words.iter().all(|w| name.contains(w.as_str()) || hamlet.contains(w.as_str())))
        .collect();
    shown.sort_by(|a, b| {
        let first = a.1.cmp(&b.1);
        let first = if filter.descending { first.reverse() } else { first };
        first.then_with(|| a.2.cmp(&b.2)).then_with(|| a.3.cmp(&b.3)).then_with(|| a.0.id.cmp(&b.0.id))
    });
    shown.into_iter().map(|(r, ..)| r).collect()
}

/// The distinct values of a column among `rows`, for a filter's select: hamlets by
/// name, models in their order, years newest first.
pub fn hamlets(rows: &[Row]) -> Vec<(String, String)> {
    let mut found: Vec<(String, String)> = rows.iter().map(|r| (r.unit.clone(), r.hamlet.clone())).collect();
    found.sort_by(|a, b| fold(&a.1).cmp(&fold(&b.1)).then_with(|| a.0.cmp(&b.0)));
    found.dedup_by(|a, b| a.0 == b.0);
    found
}

pub fn models(rows: &[Row]) -> Vec<Model> {
    let mut found: Vec<Model> = rows.iter().filter_map(|r| r.model).collect();
    found.sort();
    found.dedup();
    found
}

pub fn years(rows: &[Row]) -> Vec<i64> {
    let mut found: Vec<i64> = rows.iter().map(|r| r.year).collect();
    found.sort_by(|a, b| b.cmp(a));
    found.dedup();
    found
}

/// The year a reviewer starts on: the newest one with work waiting, so that 2025 and
/// 2026 are not mixed unless asked for; `None` when nothing waits.
pub fn default_year(rows: &[Row]) -> Option<i64> {
    rows.iter().filter(|r| StateFilter::Waiting.admits(r.status)).map(|r| r.year).max()
}

/// Where a record stands in the queue the reviewer last filtered: its position (from
/// 1), how many there are, and the ids before and after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub position: usize,
    pub of: usize,
    pub previous: Option<String>,
    pub next: Option<String>,
}

/// The queue of `id`s in the order the review table last showed them.
pub fn place(queue: &[String], id: &str) -> Option<Place> {
    let at = queue.iter().position(|q| q == id)?;
    Some(Place {
        position: at + 1,
        of: queue.len(),
        previous: at.checked_sub(1).map(|i| queue[i].clone()),
        next: queue.get(at + 1).cloned(),
    })
}

/// A model as a select's value, and back.
pub fn model_key(model: Model) -> String {
    model.key().to_string()
}

pub fn model_of(key: &str) -> Option<Model> {
    Model::ALL.into_iter().find(|m| m.key() == key)
}

thread_local! {
    /// The evaluations the review table showed last, in its order: a record's page walks
    /// through them with next and previous. Kept for the page's life only.
    static QUEUE: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    /// The filter they were shown with: back from a record, the table is as it was left.
    static FILTER: RefCell<Option<Filter>> = const { RefCell::new(None) };
}

/// Remembers the filtered queue and its filter (the review table calls this as it draws).
pub fn remember(ids: Vec<String>, filter: Filter) {
    QUEUE.with(|q| *q.borrow_mut() = ids);
    FILTER.with(|f| *f.borrow_mut() = Some(filter));
}

/// The filter the review table was last drawn with, in this page's life.
pub fn remembered_filter() -> Option<Filter> {
    FILTER.with(|f| f.borrow().clone())
}

/// Where `id` stands in the remembered queue, if it is in it.
pub fn remembered_place(id: &str) -> Option<Place> {
    QUEUE.with(|q| place(&q.borrow(), id))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(id: &str, hamlet: &str, name: &str, year: i64, status: Status) -> Row {
        Row {
            id: id.to_string(),
            unit: format!("hamlet:{hamlet}"),
            hamlet: format!("Thôn {hamlet}"),
            name: name.to_string(),
            birth_year: None,
            model: Some(Model::LearningCitizen),
            year,
            score: String::new(),
            score_key: 0,
            result: String::new(),
            submitted_by: None,
            submitted_ms: None,
            evidence: 0,
            status,
            conflict: false,
            refused: None,
        }
    }

    fn ids(rows: Vec<&Row>) -> Vec<&str> {
        rows.into_iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn filters_search_and_sort() {
        let mut rows = vec![
            row("a", "Đông", "Nguyễn Thị Hằng", 2026, Status::Submitted),
            row("b", "Tây", "Trần Văn Ân", 2026, Status::Approved),
            row("c", "Đông", "Lê Văn Bình", 2025, Status::Submitted),
            row("d", "Tây", "Nguyễn Văn Hùng", 2026, Status::Returned),
            row("e", "Bắc", "Phạm Thị Hằng", 2026, Status::Recognised),
        ];
        rows[0].birth_year = Some(1990);
        rows[4].birth_year = Some(1980);
        rows[1].model = Some(Model::LearningFamily);
        rows[0].score_key = 8500;
        rows[1].score_key = 9000;
        rows[2].score_key = 7000;

        // Waiting by default: sent and approved, by hamlet then name.
        assert_eq!(ids(visible(&rows, &Filter::default())), ["c", "a", "b"]);
        // Search ignores diacritics and case, on name and hamlet, every word.
        let search = |q: &str| Filter { query: q.to_string(), state: StateFilter::All, ..Filter::default() };
        assert_eq!(ids(visible(&rows, &search("hang"))), ["e", "a"]);
        assert_eq!(ids(visible(&rows, &search("NGUYEN   hang"))), ["a"]);
        assert_eq!(ids(visible(&rows, &search("dong"))), ["c", "a"]);
        // Filters by hamlet, model, year, state.
        let hamlet = Filter { hamlet: Some("hamlet:Tây".to_string()), state: StateFilter::All, ..Filter::default() };
        assert_eq!(ids(visible(&rows, &hamlet)), ["d", "b"]);
        let family = Filter { model: Some(Model::LearningFamily), ..Filter::default() };
        assert_eq!(ids(visible(&rows, &family)), ["b"]);
        let old = Filter { year: Some(2025), ..Filter::default() };
        assert_eq!(ids(visible(&rows, &old)), ["c"]);
        let returned = Filter { state: StateFilter::Returned, ..Filter::default() };
        assert_eq!(ids(visible(&rows, &returned)), ["d"]);
        // Sort by score, then the other way round with a second click.
        let by_score = Filter::default().sorted_by(Column::Score);
        assert_eq!(ids(visible(&rows, &by_score)), ["c", "a", "b"]);
        let by_score = by_score.sorted_by(Column::Score);
        assert!(by_score.descending);
        assert_eq!(ids(visible(&rows, &by_score)), ["b", "a", "c"]);
        let by_birth = Filter { state: StateFilter::All, ..Filter::default() }.sorted_by(Column::BirthYear);
        assert_eq!(ids(visible(&rows, &by_birth))[3..], ["e", "a"]);
        // Every column sorts without panicking, both ways, and keeps every row.
        for column in Column::ALL {
            let f = Filter { state: StateFilter::All, ..Filter::default() }.sorted_by(column);
            assert_eq!(visible(&rows, &f).len(), 5);
            assert_eq!(visible(&rows, &f.sorted_by(column)).len(), 5);
        }

        assert_eq!(
            hamlets(&rows),
            [
                ("hamlet:Bắc".to_string(), "Thôn Bắc".to_string()),
                ("hamlet:Đông".to_string(), "Thôn Đông".to_string()),
                ("hamlet:Tây".to_string(), "Thôn Tây".to_string())
            ]
        );
        assert_eq!(years(&rows), [2026, 2025]);
        assert_eq!(models(&rows), [Model::LearningCitizen, Model::LearningFamily]);
        assert_eq!(default_year(&rows), Some(2026));
        assert_eq!(default_year(&rows[3..]), None);
        for state in StateFilter::ALL {
            assert_eq!(StateFilter::from_key(state.key()), state);
        }
    }

    #[test]
    fn next_and_previous_through_the_queue() {
        let queue: Vec<String> = ["x", "y", "z"].iter().map(|s| s.to_string()).collect();
        assert_eq!(
            place(&queue, "y"),
            Some(Place { position: 2, of: 3, previous: Some("x".to_string()), next: Some("z".to_string()) })
        );
        assert_eq!(place(&queue, "x").expect("x").previous, None);
        assert_eq!(place(&queue, "z").expect("z").next, None);
        assert_eq!(place(&queue, "w"), None);
        let filter = Filter { year: Some(2026), ..Filter::default() };
        remember(queue, filter.clone());
        assert_eq!(remembered_place("z").map(|p| p.position), Some(3));
        assert_eq!(remembered_filter(), Some(filter));
        for model in Model::ALL {
            assert_eq!(model_of(&model_key(model)), Some(model));
        }
    }
}
