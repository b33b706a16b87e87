//! The one error type of the domain core. Each variant is named by what happened and
//! displays a Vietnamese message an officer can act on; the server maps variants to
//! stable codes.

use crate::diagnostic::Diagnostic;
use crate::number::{Percent, Points};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The evaluation was made for another criteria set (or another version of it).
    #[error("Phiếu đánh giá thuộc bộ tiêu chí {got:?}, không phải {expected:?}")]
    WrongSet { expected: String, got: String },

    /// The evaluation scores an indicator the set does not have.
    #[error("Chỉ số {code}: không có trong bộ tiêu chí")]
    UnknownIndicator { code: String },

    /// An applicable indicator was not scored.
    #[error("Chỉ số {code}: chưa được chấm")]
    MissingIndicator { code: String },

    /// A score outside `0..=max`; never clamped.
    #[error("Chỉ số {code}: {score} điểm nằm ngoài thang 0–{max}")]
    ScoreOutOfRange { code: String, score: Points, max: Points },

    /// A score that is not a multiple of the set's step (e.g. 7,3 with step 0,5).
    #[error("Chỉ số {code}: {score} điểm không đúng bước chấm {step}")]
    ScoreNotOnStep { code: String, score: Points, step: Points },

    /// An answer of the wrong kind: points for a met/not-met indicator, etc.
    #[error("Chỉ số {code}: cần {expected}, nhận được {got}")]
    WrongAnswerKind { code: String, expected: &'static str, got: &'static str },

    /// A share whose numerator exceeds its denominator.
    #[error("Chỉ số {code}: tử số {numerator} lớn hơn mẫu số {denominator}")]
    ShareInvalid { code: String, numerator: u64, denominator: u64 },

    /// An evaluation with several problems at once. The first
    /// [`crate::scoring::MAX_PROBLEMS_LISTED`] are listed; when there are more, a last
    /// [`Error::MoreProblems`] counts the rest (see [`Error::problem_count`]).
    #[error("Phiếu đánh giá có {} lỗi: {}", problem_count(.0), join(.0))]
    InvalidEvaluation(Vec<Error>),

    /// How many problems of an [`Error::InvalidEvaluation`] are not listed, so a file
    /// with millions of mistakes still gets a short answer.
    #[error("… và {count} lỗi khác")]
    MoreProblems { count: usize },

    /// An evaluation answering more indicators than any set has: refused before any
    /// answer is looked at (and, when read from JSON, before the rest are kept).
    #[error("Phiếu đánh giá chấm {count} chỉ số, vượt giới hạn {max}; không bộ tiêu chí nào có nhiều chỉ số như vậy")]
    TooManyScores { count: usize, max: usize },

    /// A data file (criteria set, plan, unit list) that has errors.
    #[error("Tệp dữ liệu có lỗi: {}", join_diagnostics(.0))]
    InvalidData(Vec<Diagnostic>),

    /// A criteria set that is not shipped or loaded.
    #[error("Không tìm thấy bộ tiêu chí {id:?}")]
    UnknownSet { id: String },

    /// An area the rules do not know (a typo would silently apply the ordinary mark).
    #[error("Vùng {area:?} không hợp lệ; dùng normal, disadvantaged, ethnic_minority hoặc remote")]
    UnknownArea { area: String },

    /// A subject group (question form) the set does not have.
    #[error("Nhóm đối tượng {group:?} không có trong bộ tiêu chí; các nhóm: {}", known.join(", "))]
    UnknownSubjectGroup { group: String, known: Vec<String> },

    /// An evaluation of a set with subject groups that names none: which indicators
    /// apply depends on the group.
    #[error("Cần chọn nhóm đối tượng trước khi chấm ({}): mỗi nhóm có danh sách chỉ số riêng", names.join("; "))]
    MissingSubjectGroup { names: Vec<String> },

    /// A register file with no row of recognisable column headers.
    #[error(
        "Không tìm thấy dòng tiêu đề trong 20 dòng đầu: cần ít nhất các cột “Thôn, tổ dân phố” và “Họ và tên”; \
         hãy dùng tệp mẫu"
    )]
    ImportNoHeader,

    /// A register file whose header row lacks a required column.
    #[error("Tệp thiếu cột: {}; hãy dùng tệp mẫu", columns.join(", "))]
    ImportMissingColumns { columns: Vec<String> },

    /// A register file with more data rows than one import takes.
    #[error("Tệp có hơn {max} dòng dữ liệu; hãy chia thành nhiều tệp nhỏ hơn")]
    ImportTooManyRows { max: usize },

    /// A file that is not a readable XLSX workbook or UTF-8 CSV.
    #[error("Không đọc được tệp: {detail}")]
    ImportUnreadable { detail: String },

    /// A percentage outside 0–100 where one is required.
    #[error("Tỷ lệ {value} nằm ngoài khoảng 0–100%")]
    PercentOutOfRange { value: Percent },
}

impl Error {
    /// A stable, machine-readable code for the API and tests.
    pub fn code(&self) -> &'static str {
        match self {
            Error::WrongSet { .. } => "wrong_criteria_set",
            Error::UnknownIndicator { .. } => "unknown_indicator",
            Error::MissingIndicator { .. } => "missing_indicator",
            Error::ScoreOutOfRange { .. } => "score_out_of_range",
            Error::ScoreNotOnStep { .. } => "score_not_on_step",
            Error::WrongAnswerKind { .. } => "wrong_answer_kind",
            Error::ShareInvalid { .. } => "share_invalid",
            Error::InvalidEvaluation(_) => "invalid_evaluation",
            Error::MoreProblems { .. } => "more_problems",
            Error::TooManyScores { .. } => "too_many_scores",
            Error::InvalidData(_) => "invalid_data",
            Error::UnknownSet { .. } => "unknown_criteria_set",
            Error::PercentOutOfRange { .. } => "percent_out_of_range",
            Error::ImportNoHeader => "import_no_header",
            Error::ImportMissingColumns { .. } => "import_missing_columns",
            Error::ImportTooManyRows { .. } => "import_too_many_rows",
            Error::ImportUnreadable { .. } => "import_unreadable",
            Error::UnknownArea { .. } => "unknown_area",
            Error::UnknownSubjectGroup { .. } => "unknown_subject_group",
            Error::MissingSubjectGroup { .. } => "missing_subject_group",
        }
    }
}

impl Error {
    /// How many problems an error stands for: those an [`Error::InvalidEvaluation`]
    /// lists plus those it only counts; 1 for any other error.
    pub fn problem_count(&self) -> usize {
        match self {
            Error::InvalidEvaluation(all) => problem_count(all),
            Error::MoreProblems { count } => *count,
            _ => 1,
        }
    }
}

fn problem_count(errors: &[Error]) -> usize {
    errors.iter().map(Error::problem_count).sum()
}

fn join(errors: &[Error]) -> String {
    errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}

fn join_diagnostics(diagnostics: &[Diagnostic]) -> String {
    diagnostics.iter().map(ToString::to_string).collect::<Vec<_>>().join("; ")
}
