//! Vietnamese text helpers: folding diacritics for search ("nguyen van a" finds
//! "Nguyễn Văn A") and telling whether a text that should be Vietnamese was typed
//! without its diacritics.
//!
//! Folding is exact for Latin script, which is all Vietnamese needs: a precomposed letter
//! (Latin-1 to Latin Extended-B, and Latin Extended Additional, which holds ạ…ỹ) becomes
//! its base letter through the tables below, and combining marks are dropped. It gives
//! the same result as Unicode canonical decomposition (NFD) without the marks — a test
//! checks every character of those blocks against `unicode-normalization` — but carries a
//! few hundred bytes instead of the normalization tables, which the web app would
//! otherwise download (tens of kilobytes). Accented letters of other scripts (Greek,
//! Cyrillic) are left as they are.

/// Lowercases and strips every diacritic, including the stroke of `đ`/`Đ`, so that
/// comparisons ignore tone marks and vowel hats. Whitespace runs become one space.
pub fn fold(text: &str) -> String {
    lower_collapsed(text.chars().filter(|c| !is_combining_mark(*c)).map(base_letter), text.len())
}

/// `chars` lowercased, each whitespace run as one space, none at either end.
fn lower_collapsed(chars: impl Iterator<Item = char>, capacity: usize) -> String {
    let mut folded = String::with_capacity(capacity);
    let mut last_space = true;
    for c in chars {
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
    text.chars().any(|c| is_combining_mark(c) || base_letter(c) != c)
}

/// Combining diacritical marks (U+0300–U+036F, which hold the five Vietnamese tone marks
/// and the hats typed after a letter), their supplement, the marks for symbols (the
/// assigned part, up to U+20F0) and the half marks.
fn is_combining_mark(c: char) -> bool {
    matches!(c, '\u{0300}'..='\u{036F}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20F0}' | '\u{FE20}'..='\u{FE2F}')
}

/// The letter a precomposed Latin letter is built on: what its canonical decomposition
/// keeps without the combining marks, or the character itself. `đ`/`Đ` have no
/// decomposition (the stroke is part of the letter) but fold to `d`/`D` for Vietnamese.
fn base_letter(c: char) -> char {
    let (table, first) = match c {
        '\u{00C0}'..='\u{024F}' => (LATIN_1_TO_EXTENDED_B, 0x00C0),
        '\u{1E00}'..='\u{1EFF}' => (LATIN_EXTENDED_ADDITIONAL, 0x1E00),
        _ => return c,
    };
    match table.get((u32::from(c) - first) as usize) {
        Some(b'*') => match c {
            'Ǣ' | 'Ǽ' => 'Æ',
            'ǣ' | 'ǽ' => 'æ',
            'Ǿ' => 'Ø',
            'ǿ' => 'ø',
            'Ǯ' => 'Ʒ',
            'ǯ' => 'ʒ',
            'ẛ' => 'ſ',
            _ => c,
        },
        Some(&base) if base != b'.' => char::from(base),
        _ => c,
    }
}

// One byte per character, sixteen to a row (the row's characters are in its comment):
// the ASCII base letter, `.` for a character that is its own base (no decomposition, or
// not a letter), `*` for the few whose base is not ASCII (`base_letter` lists them).
// Generated once from the Unicode data; the tests compare every entry with NFD.

/// U+00C0–U+024F: Latin-1 Supplement letters, Latin Extended-A and Extended-B.
const LATIN_1_TO_EXTENDED_B: &[u8] = concat!(
    "AAAAAA.CEEEEIIII", // U+00C0 ÀÁÂÃÄÅÆÇÈÉÊËÌÍÎÏ
    ".NOOOOO..UUUUY..", // U+00D0 ÐÑÒÓÔÕÖ×ØÙÚÛÜÝÞß
    "aaaaaa.ceeeeiiii", // U+00E0 àáâãäåæçèéêëìíîï
    ".nooooo..uuuuy.y", // U+00F0 ðñòóôõö÷øùúûüýþÿ
    "AaAaAaCcCcCcCcDd", // U+0100 ĀāĂăĄąĆćĈĉĊċČčĎď
    "DdEeEeEeEeEeGgGg", // U+0110 ĐđĒēĔĕĖėĘęĚěĜĝĞğ
    "GgGgHh..IiIiIiIi", // U+0120 ĠġĢģĤĥĦħĨĩĪīĬĭĮį
    "I...JjKk.LlLlLl.", // U+0130 İıĲĳĴĵĶķĸĹĺĻļĽľĿ
    "...NnNnNn...OoOo", // U+0140 ŀŁłŃńŅņŇňŉŊŋŌōŎŏ
    "Oo..RrRrRrSsSsSs", // U+0150 ŐőŒœŔŕŖŗŘřŚśŜŝŞş
    "SsTtTt..UuUuUuUu", // U+0160 ŠšŢţŤťŦŧŨũŪūŬŭŮů
    "UuUuWwYyYZzZzZz.", // U+0170 ŰűŲųŴŵŶŷŸŹźŻżŽžſ
    "................", // U+0180 ƀƁƂƃƄƅƆƇƈƉƊƋƌƍƎƏ
    "................", // U+0190 ƐƑƒƓƔƕƖƗƘƙƚƛƜƝƞƟ
    "Oo.............U", // U+01A0 ƠơƢƣƤƥƦƧƨƩƪƫƬƭƮƯ
    "u...............", // U+01B0 ưƱƲƳƴƵƶƷƸƹƺƻƼƽƾƿ
    ".............AaI", // U+01C0 ǀǁǂǃǄǅǆǇǈǉǊǋǌǍǎǏ
    "iOoUuUuUuUuUu.Aa", // U+01D0 ǐǑǒǓǔǕǖǗǘǙǚǛǜǝǞǟ
    "Aa**..GgKkOoOo**", // U+01E0 ǠǡǢǣǤǥǦǧǨǩǪǫǬǭǮǯ
    "j...Gg..NnAa****", // U+01F0 ǰǱǲǳǴǵǶǷǸǹǺǻǼǽǾǿ
    "AaAaEeEeIiIiOoOo", // U+0200 ȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏ
    "RrRrUuUuSsTt..Hh", // U+0210 ȐȑȒȓȔȕȖȗȘșȚțȜȝȞȟ
    "......AaEeOoOoOo", // U+0220 ȠȡȢȣȤȥȦȧȨȩȪȫȬȭȮȯ
    "OoYy............", // U+0230 ȰȱȲȳȴȵȶȷȸȹȺȻȼȽȾȿ
    "................", // U+0240 ɀɁɂɃɄɅɆɇɈɉɊɋɌɍɎɏ
)
.as_bytes();

/// U+1E00–U+1EFF: Latin Extended Additional, with every Vietnamese vowel and tone.
const LATIN_EXTENDED_ADDITIONAL: &[u8] = concat!(
    "AaBbBbBbCcDdDdDd", // U+1E00 ḀḁḂḃḄḅḆḇḈḉḊḋḌḍḎḏ
    "DdDdEeEeEeEeEeFf", // U+1E10 ḐḑḒḓḔḕḖḗḘḙḚḛḜḝḞḟ
    "GgHhHhHhHhHhIiIi", // U+1E20 ḠḡḢḣḤḥḦḧḨḩḪḫḬḭḮḯ
    "KkKkKkLlLlLlLlMm", // U+1E30 ḰḱḲḳḴḵḶḷḸḹḺḻḼḽḾḿ
    "MmMmNnNnNnNnOoOo", // U+1E40 ṀṁṂṃṄṅṆṇṈṉṊṋṌṍṎṏ
    "OoOoPpPpRrRrRrRr", // U+1E50 ṐṑṒṓṔṕṖṗṘṙṚṛṜṝṞṟ
    "SsSsSsSsSsTtTtTt", // U+1E60 ṠṡṢṣṤṥṦṧṨṩṪṫṬṭṮṯ
    "TtUuUuUuUuUuVvVv", // U+1E70 ṰṱṲṳṴṵṶṷṸṹṺṻṼṽṾṿ
    "WwWwWwWwWwXxXxYy", // U+1E80 ẀẁẂẃẄẅẆẇẈẉẊẋẌẍẎẏ
    "ZzZzZzhtwy.*....", // U+1E90 ẐẑẒẓẔẕẖẗẘẙẚẛẜẝẞẟ
    "AaAaAaAaAaAaAaAa", // U+1EA0 ẠạẢảẤấẦầẨẩẪẫẬậẮắ
    "AaAaAaAaEeEeEeEe", // U+1EB0 ẰằẲẳẴẵẶặẸẹẺẻẼẽẾế
    "EeEeEeEeIiIiOoOo", // U+1EC0 ỀềỂểỄễỆệỈỉỊịỌọỎỏ
    "OoOoOoOoOoOoOoOo", // U+1ED0 ỐốỒồỔổỖỗỘộỚớỜờỞở
    "OoOoUuUuUuUuUuUu", // U+1EE0 ỠỡỢợỤụỦủỨứỪừỬửỮữ
    "UuYyYyYyYy......", // U+1EF0 ỰựỲỳỴỵỶỷỸỹỺỻỼỽỾỿ
)
.as_bytes();

// Each table has exactly one byte per character of its block.
const _: () = assert!(LATIN_1_TO_EXTENDED_B.len() == 0x0250 - 0x00C0);
const _: () = assert!(LATIN_EXTENDED_ADDITIONAL.len() == 0x1F00 - 0x1E00);

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use unicode_normalization::char::is_combining_mark;
    use unicode_normalization::UnicodeNormalization;

    use super::{fold, has_diacritics, lower_collapsed, matches};

    #[test]
    fn folds_vietnamese() {
        assert_eq!(fold("Nguyễn  Văn Ánh"), "nguyen van anh");
        assert_eq!(fold("Đặng Thị Đào"), "dang thi dao");
        assert!(matches("Nguyễn Văn A", "nguyen van a"));
        assert!(matches("Gia đình học tập", "DINH HOC"));
        assert!(!matches("Nguyễn Văn A", "tran"));
        // Decomposed input (tone typed after the vowel) folds like precomposed input.
        assert_eq!(fold("Nguye\u{0302}\u{0303}n"), "nguyen");
    }

    #[test]
    fn detects_missing_diacritics() {
        assert!(has_diacritics("Công dân học tập"));
        assert!(has_diacritics("Đ"));
        assert!(has_diacritics("e\u{0301}"));
        assert!(!has_diacritics("Cong dan hoc tap"));
    }

    /// `fold` as it was defined with Unicode normalization: NFD, drop every combining mark,
    /// `đ`/`Đ` → `d`, lowercase, collapse whitespace.
    fn fold_by_nfd(text: &str) -> String {
        let letters = text.nfd().filter(|c| !is_combining_mark(*c)).map(|c| match c {
            'đ' | 'Đ' => 'd',
            c => c,
        });
        lower_collapsed(letters, text.len())
    }

    /// `has_diacritics` as it was defined with Unicode normalization.
    fn has_diacritics_by_nfd(text: &str) -> bool {
        text.chars().any(|c| c == 'đ' || c == 'Đ' || c.nfd().any(is_combining_mark))
    }

    /// Every character the tables and mark ranges are exact for: ASCII, the Latin blocks
    /// (U+0000–U+024F, U+1E00–U+1EFF), the spacing modifiers, and the combining marks.
    fn covered() -> Vec<char> {
        [0x0000..=0x036F, 0x1DC0..=0x1EFF, 0x20D0..=0x20FF, 0xFE20..=0xFE2F]
            .into_iter()
            .flatten()
            .filter_map(char::from_u32)
            .collect()
    }

    #[test]
    fn every_latin_character_folds_as_by_nfd() {
        let mut differ = Vec::new();
        for c in covered() {
            let text = c.to_string();
            if fold(&text) != fold_by_nfd(&text) || has_diacritics(&text) != has_diacritics_by_nfd(&text) {
                differ.push(format!("U+{:04X} {c}: {:?} vs {:?}", u32::from(c), fold(&text), fold_by_nfd(&text)));
            }
        }
        assert!(differ.is_empty(), "folded differently from NFD: {differ:#?}");
    }

    /// Vietnamese-looking text: letters with and without diacritics (U+1EA0–U+1EF9 are all
    /// the vowels with tones), tone marks typed separately, spaces, tabs and newlines.
    const VIETNAMESE: &str = concat!(
        "[ \t\na-zA-Z",
        "àáâãèéêìíòóôõùúýăđĩũơưÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝĂĐĨŨƠƯạ-ỹ",
        "\u{0300}\u{0301}\u{0303}\u{0309}\u{0323}]{0,40}"
    );

    proptest! {
        #[test]
        fn prop_fold_equals_nfd_fold(text in proptest::collection::vec(proptest::sample::select(covered()), 0..24)) {
            let text: String = text.into_iter().collect();
            prop_assert_eq!(fold(&text), fold_by_nfd(&text));
            prop_assert_eq!(has_diacritics(&text), has_diacritics_by_nfd(&text));
        }

        #[test]
        fn prop_fold_equals_nfd_fold_on_vietnamese(text in VIETNAMESE) {
            prop_assert_eq!(fold(&text), fold_by_nfd(&text));
            prop_assert_eq!(has_diacritics(&text), has_diacritics_by_nfd(&text));
        }
    }
}
