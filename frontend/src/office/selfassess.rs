//! What the self-assessment screen ("Tự đánh giá của người dân", `#tu-danh-gia`) decides
//! without the browser: the sets a campaign may use, its defaults and link, the words of
//! a match and of an answer's state, the queue's filters and the discard reason. Tested
//! natively; the screen (`selfassess_page.rs`) only shows them.

use hoctap_shared::criteria::{self, CriteriaSet, Model};
use hoctap_shared::date::Date;
use hoctap_shared::selfassess::{AnswerState, QueueAnswer, Strength};

/// How long a new campaign takes answers, by default.
pub const DEFAULT_DAYS: u32 = 30;
/// How many answers a new campaign takes at most, by default (a hamlet has about 1,000
/// people).
pub const DEFAULT_MAX_ANSWERS: u32 = 1_000;

/// The common reasons to discard an answer, offered first; the officer may add words.
pub const DISCARD_REASONS: [&str; 4] =
    ["Trùng phiếu", "Không phải người trong thôn", "Thông tin không đúng", "Thử nghiệm"];

/// The Learning Citizen sets a campaign of `year` may use: per set, its version in force
/// that year (as the server picks it), in the order of `sets`.
pub fn campaign_sets(sets: &[CriteriaSet], year: i32) -> Vec<&CriteriaSet> {
    criteria::for_year(sets, year).filter(|s| s.model == Model::LearningCitizen).collect()
}

/// The default last day of a campaign opened on `today`.
pub fn default_valid_until(today: Date) -> Date {
    (0..DEFAULT_DAYS).fold(today, |day, _| day.succ())
}

/// The link citizens open (and the QR code holds): `<origin>/c/<campaign id>`.
pub fn campaign_link(origin: &str, campaign: &str) -> String {
    format!("{}/c/{campaign}", origin.trim_end_matches('/'))
}

/// A match's strength as the officer reads it.
pub fn strength_words(strength: Strength) -> &'static str {
    match strength {
        Strength::Same => "Trùng khớp",
        Strength::Likely => "Có thể",
        Strength::Namesake => "Trùng tên",
    }
}

/// Which answers of the queue are shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Filter {
    /// Waiting for the officer (the default).
    #[default]
    Waiting,
    Linked,
    Discarded,
    All,
}

impl Filter {
    pub const ALL: [Filter; 4] = [Filter::Waiting, Filter::Linked, Filter::Discarded, Filter::All];

    pub fn label(self) -> &'static str {
        match self {
            Filter::Waiting => "Chờ xem",
            Filter::Linked => "Đã ghép",
            Filter::Discarded => "Đã loại",
            Filter::All => "Tất cả",
        }
    }

    pub fn keeps(self, state: &AnswerState) -> bool {
        matches!(
            (self, state),
            (Filter::All, _)
                | (Filter::Waiting, AnswerState::Received)
                | (Filter::Linked, AnswerState::Linked { .. })
                | (Filter::Discarded, AnswerState::Discarded { .. })
        )
    }

    /// How many of `answers` it keeps.
    pub fn count(self, answers: &[QueueAnswer]) -> usize {
        answers.iter().filter(|a| self.keeps(&a.state)).count()
    }
}

/// The reason sent when discarding: the chosen common reason and the officer's words,
/// joined; `None` when both are empty.
pub fn discard_reason(choice: &str, words: &str) -> Option<String> {
    let (choice, words) = (choice.trim(), words.trim());
    match (choice.is_empty(), words.is_empty()) {
        (true, true) => None,
        (false, true) => Some(choice.to_string()),
        (true, false) => Some(words.to_string()),
        (false, false) => Some(format!("{choice}: {words}")),
    }
}

/// Where an answer stands, in the officer's words.
pub fn state_words(state: &AnswerState) -> String {
    match state {
        AnswerState::Received => "Chờ xem".to_string(),
        AnswerState::Linked { .. } => "Đã ghép với người trong sổ".to_string(),
        AnswerState::Discarded { reason, .. } => format!("Đã loại: {reason}"),
    }
}

/// Who the citizen says they are, after the name: "sinh 1985 · chủ hộ Nguyễn Văn An ·
/// Xóm 3" (only what was given).
pub fn who_words(answer: &QueueAnswer) -> String {
    let a = &answer.answer;
    let mut parts = vec![format!("sinh {}", a.birth_year)];
    if !a.household_head.trim().is_empty() {
        parts.push(format!("chủ hộ {}", a.household_head.trim()));
    }
    if !a.address.trim().is_empty() {
        parts.push(a.address.trim().to_string());
    }
    parts.join(" · ")
}

/// The address of an evaluation in the main app (`/#danh-gia/<id>`).
pub fn evaluation_href(evaluation: &str) -> String {
    format!("/{}", crate::page::Route::Evaluation(evaluation.to_string()).href())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use hoctap_shared::criteria::shipped;
    use hoctap_shared::selfassess::CitizenAnswer;

    use super::*;

    fn queued(state: AnswerState) -> QueueAnswer {
        QueueAnswer {
            id: "a".into(),
            receipt: "7KQ2M9XD".into(),
            received_at_ms: 0,
            hamlet_name: "Thôn Đông".into(),
            answer: CitizenAnswer {
                hamlet: "hamlet:x".into(),
                name: "Nguyễn Thị Hoa".into(),
                birth_year: 1985,
                household_head: " Nguyễn Văn An ".into(),
                address: String::new(),
                phone: String::new(),
                subject_group: None,
                scores: BTreeMap::new(),
                photos: BTreeMap::new(),
                consent: true,
            },
            state,
            candidates: Vec::new(),
            duplicate_of: None,
        }
    }

    #[test]
    fn only_learning_citizen_sets_in_force_that_year_are_offered() {
        let sets = shipped::every_version();
        let offered = campaign_sets(&sets, 2026);
        assert!(!offered.is_empty());
        assert!(offered.iter().all(|s| s.model == Model::LearningCitizen && s.in_force_during(2026)));
        assert!(
            offered.iter().any(|s| s.id == "cdht-324-2023"),
            "{:?}",
            offered.iter().map(|s| &s.id).collect::<Vec<_>>()
        );
        // One version per set.
        let mut ids: Vec<&str> = offered.iter().map(|s| s.id.as_str()).collect();
        ids.dedup();
        assert_eq!(ids.len(), offered.len());
    }

    #[test]
    fn defaults_and_link() {
        let today = Date::new(2026, 12, 7).expect("a date");
        assert_eq!(default_valid_until(today), Date::new(2027, 1, 6).expect("a date"));
        assert_eq!(campaign_link("http://192.168.1.5:8080/", "ab12"), "http://192.168.1.5:8080/c/ab12");
        assert_eq!(evaluation_href("e1"), "/#danh-gia/e1");
    }

    #[test]
    fn filters_words_and_reasons() {
        let waiting = queued(AnswerState::Received);
        let linked = queued(AnswerState::Linked { person: "p".into(), evaluation: "e".into() });
        let dropped = queued(AnswerState::Discarded { reason: "Trùng phiếu".into(), by: "x".into(), at_ms: 1 });
        let all = vec![waiting.clone(), linked.clone(), dropped.clone(), waiting.clone()];
        assert_eq!(Filter::default(), Filter::Waiting);
        assert_eq!(Filter::ALL.map(|f| f.count(&all)), [2, 1, 1, 4], "waiting, linked, discarded, all");
        assert_eq!(state_words(&dropped.state), "Đã loại: Trùng phiếu");
        assert_eq!(who_words(&waiting), "sinh 1985 · chủ hộ Nguyễn Văn An");
        assert_eq!(strength_words(Strength::Same), "Trùng khớp");
        assert_eq!(strength_words(Strength::Namesake), "Trùng tên");
        assert_eq!(discard_reason(" ", ""), None);
        assert_eq!(discard_reason("Trùng phiếu", " "), Some("Trùng phiếu".to_string()));
        assert_eq!(discard_reason("", "gửi hai lần"), Some("gửi hai lần".to_string()));
        assert_eq!(discard_reason("Trùng phiếu", "gửi hai lần"), Some("Trùng phiếu: gửi hai lần".to_string()));
    }
}
