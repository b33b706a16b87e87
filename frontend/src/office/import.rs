//! The register import screen's pure model: the names of the files it saves, what the
//! template's columns take, and the words for a preview and an import job's progress and
//! result. No browser call here, so all of it is tested natively; `import_page.rs` draws
//! it.

use hoctap_shared::import::{Column, Counts, ImportJob, JobState, Preview};
use hoctap_shared::text::fold;

/// How often a running import is asked for its progress, in milliseconds.
pub const POLL_MS: u64 = 500;

/// The extensions the file chooser offers (the server tells XLSX and CSV apart by their
/// bytes).
pub const ACCEPT: &str = ".xlsx,.csv";

/// A unit's name as part of a file name: folded, letters and digits joined by hyphens
/// ("Xã Cửu An" → "xa-cuu-an").
pub fn file_stem(name: &str) -> String {
    let folded = fold(name);
    let words: Vec<String> = folded
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|word| !word.is_empty())
        .map(str::to_string)
        .collect();
    words.join("-")
}

/// The template's file name for `commune_name`.
pub fn template_file_name(commune_name: &str) -> String {
    named("mau-so-ho", commune_name)
}

/// The export's file name for `commune_name`.
pub fn export_file_name(commune_name: &str) -> String {
    named("so-ho", commune_name)
}

fn named(prefix: &str, commune_name: &str) -> String {
    match file_stem(commune_name) {
        stem if stem.is_empty() => format!("{prefix}.xlsx"),
        stem => format!("{prefix}-{stem}.xlsx"),
    }
}

/// The template's columns and what each takes, as its "Hướng dẫn" sheet says (STT,
/// which is not imported, left out).
pub fn guide() -> Vec<(&'static str, &'static str)> {
    Column::ALL.iter().filter(|c| **c != Column::Number).map(|c| (c.header(), c.help())).collect()
}

/// The rows confirming the preview would import: those read, less those skipped.
pub fn valid_rows(preview: &Preview) -> usize {
    preview.rows.saturating_sub(preview.skipped_rows)
}

/// Whether confirming would write nothing: every household and person of the file is
/// already in the register as it says.
pub fn changes_nothing(preview: &Preview) -> bool {
    let writes = |c: &Counts| c.create + c.update;
    writes(&preview.households) + writes(&preview.people) == 0
}

/// A count of rows in words ("1 dòng", "25 dòng"; Vietnamese has no plural).
pub fn rows_words(n: usize) -> String {
    format!("{} dòng", number(n))
}

/// A whole number as Vietnamese write it: thousands separated by dots ("30.000").
pub fn number(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    out
}

/// What the preview's problems mean for the import, or `None` without problems.
pub fn problems_notice(preview: &Preview) -> Option<String> {
    if preview.problems_total == 0 {
        return None;
    }
    Some(format!(
        "Có {} vấn đề. Các dòng có vấn đề sẽ bị bỏ qua khi nhập; các dòng khác vẫn được nhập. Có thể sửa tệp \
         rồi chọn lại tệp và bấm “Xem trước” để kiểm tra lại.",
        number(preview.problems_total)
    ))
}

/// "Showing n of N" under a list the server capped, or `None` when all are listed.
pub fn capped(listed: usize, total: usize) -> Option<String> {
    (total > listed).then(|| format!("Đang hiện {} trong tổng số {}.", number(listed), number(total)))
}

/// An import job's progress as a whole percentage (100 once done).
pub fn percent(job: &ImportJob) -> u32 {
    if job.state == JobState::Done || job.total_rows == 0 {
        return if job.state == JobState::Done { 100 } else { 0 };
    }
    let done = job.done_rows.min(job.total_rows) as u64;
    (done * 100 / job.total_rows as u64) as u32
}

/// The progress line under the bar.
pub fn progress_words(job: &ImportJob) -> String {
    format!(
        "Đã ghi {} / {} ({} %)",
        rows_words(job.done_rows.min(job.total_rows)),
        number(job.total_rows),
        percent(job)
    )
}

/// An import's result in one sentence.
pub fn result_headline(job: &ImportJob) -> String {
    match job.state {
        JobState::Running => "Đang nhập…".to_string(),
        JobState::Failed => "Nhập sổ không xong.".to_string(),
        JobState::Done if job.created + job.updated == 0 => {
            "Đã nhập xong: không có thay đổi — sổ đã có đúng như tệp.".to_string()
        }
        JobState::Done => format!(
            "Đã nhập xong: thêm mới {}, cập nhật {} bản ghi (hộ và người).",
            number(job.created),
            number(job.updated)
        ),
    }
}

/// An import's counts, each with its words, for the summary.
pub fn result_counts(job: &ImportJob) -> Vec<(&'static str, usize)> {
    vec![
        ("Thêm mới", job.created),
        ("Cập nhật", job.updated),
        ("Không đổi", job.unchanged),
        ("Dòng bỏ qua", job.skipped),
        ("Bị từ chối", job.refused),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_carry_the_commune_folded() {
        assert_eq!(file_stem("Xã Cửu An"), "xa-cuu-an");
        assert_eq!(file_stem("  Phường Đống Đa (mới) "), "phuong-dong-da-moi");
        assert_eq!(template_file_name("Xã Cửu An"), "mau-so-ho-xa-cuu-an.xlsx");
        assert_eq!(export_file_name("Xã Cửu An"), "so-ho-xa-cuu-an.xlsx");
        assert_eq!(template_file_name(""), "mau-so-ho.xlsx");
    }

    #[test]
    fn the_guide_lists_the_imported_columns() {
        let guide = guide();
        assert_eq!(guide.len(), 10);
        assert_eq!(guide[0].0, "Thôn, tổ dân phố");
        assert!(guide.iter().all(|(_, help)| !help.is_empty()));
    }

    fn preview(rows: usize, skipped: usize, problems: usize) -> Preview {
        Preview { rows, skipped_rows: skipped, problems_total: problems, ..Preview::default() }
    }

    #[test]
    fn a_preview_is_put_in_words() {
        let p = preview(210, 10, 12);
        assert_eq!(valid_rows(&p), 200);
        assert!(changes_nothing(&p));
        let notice = problems_notice(&p).expect("problems");
        assert!(notice.starts_with("Có 12 vấn đề. Các dòng có vấn đề sẽ bị bỏ qua"), "{notice}");
        assert_eq!(problems_notice(&preview(3, 0, 0)), None);
        let writes = Preview { people: Counts { create: 1, update: 0, unchanged: 0 }, ..p };
        assert!(!changes_nothing(&writes));
        assert_eq!(capped(2_000, 2_500).as_deref(), Some("Đang hiện 2.000 trong tổng số 2.500."));
        assert_eq!(capped(5, 5), None);
        assert_eq!(number(30_000), "30.000");
        assert_eq!(number(999), "999");
        assert_eq!(number(1_234_567), "1.234.567");
        assert_eq!(rows_words(1), "1 dòng");
    }

    fn job(state: JobState, done: usize, total: usize) -> ImportJob {
        ImportJob {
            job: "j".to_string(),
            state,
            done_rows: done,
            total_rows: total,
            created: 0,
            updated: 0,
            unchanged: 0,
            skipped: 0,
            refused: 0,
            messages: Vec::new(),
        }
    }

    #[test]
    fn a_job_is_put_in_words() {
        assert_eq!(percent(&job(JobState::Running, 50, 200)), 25);
        assert_eq!(percent(&job(JobState::Running, 0, 0)), 0);
        assert_eq!(percent(&job(JobState::Done, 0, 0)), 100);
        assert_eq!(progress_words(&job(JobState::Running, 1_500, 30_000)), "Đã ghi 1.500 dòng / 30.000 (5 %)");
        assert_eq!(
            result_headline(&job(JobState::Done, 10, 10)),
            "Đã nhập xong: không có thay đổi — sổ đã có đúng như tệp."
        );
        let written = ImportJob { created: 250, updated: 3, ..job(JobState::Done, 10, 10) };
        assert_eq!(result_headline(&written), "Đã nhập xong: thêm mới 250, cập nhật 3 bản ghi (hộ và người).");
        assert_eq!(result_counts(&written)[0], ("Thêm mới", 250));
    }
}
