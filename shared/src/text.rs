//! Vietnamese text helpers: folding diacritics for search ("nguyen van a" finds
//! "Nguyễn Văn A") and telling whether a text that should be Vietnamese was typed
//! without its diacritics.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Lowercases and strips every diacritic, including the stroke of `đ`/`Đ`, so that
/// comparisons ignore tone marks and vowel hats. Whitespace runs become one space.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    let mut last_space = true;
    for c in text.nfd().filter(|c| !is_combining_mark(*c)) {
        let c = match c {
            'đ' | 'Đ' => 'd',
            c => c,
        };
        if c.is_whitespace() {
            if !last_space {
                folded.push(' ');
            }
            last_space = true;
            continue;
        }
        folded.extend(c.to_lowercase());
        last_space = false;
    }
    if folded.ends_with(' ') {
        folded.pop();
    }
    folded
}

/// Whether `haystack` contains `needle` once both are folded.
pub fn matches(haystack: &str, needle: &str) -> bool {
    fold(haystack).contains(&fold(needle))
}

/// Whether a text carries at least one Vietnamese diacritic. A long Vietnamese sentence
/// with none was almost surely typed on a keyboard without an input method.
pub fn has_diacritics(text: &str) -> bool {
    text.chars().any(|c| c == 'đ' || c == 'Đ' || c.nfd().any(is_combining_mark))
}

#[cfg(test)]
mod tests {
    use super::{fold, has_diacritics, matches};

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Nguyễn  Văn Ánh"), "nguyen van anh");
        assert_eq!(fold("Đặng Thị Đào"), "dang thi dao");
        assert!(matches("Nguyễn Văn A", "nguyen van a"));
        assert!(matches("Gia đình học tập", "DINH HOC"));
        assert!(!matches("Nguyễn Văn A", "tran"));
    }

    #[test]
    fn detects_missing_diacritics() {
        assert!(has_diacritics("Công dân học tập"));
        assert!(has_diacritics("Đ"));
        assert!(!has_diacritics("Cong dan hoc tap"));
    }
}
