//! Charts of the consolidated figures as plain data: for a ratio, where its share stands
//! on a 0–100 % bar beside the 2025 and 2030 targets, whether it reached them, and the
//! words a reader (or a screen reader) needs; and the same bar for each child unit, as a
//! small multiple. Pure and tested natively; `components::chart` only draws what this
//! module computes.
//!
//! Whether a target is reached is decided on the counts with [`Percent::reached_by`]
//! (exact integers), never on the drawn geometry or a rounded percentage. The geometry is
//! in SVG user units of a fixed `viewBox` [`VIEW_WIDTH`] wide, which the page scales to
//! the width of the screen.

use hoctap_shared::consolidation::ModelCounts;
use hoctap_shared::indicators::Counts;
use hoctap_shared::number::Percent;
use hoctap_shared::report::{ChildFigures, IndicatorRow, ReadingRow};

/// Width of every chart's `viewBox`; a 360 px phone shows it at about its own size.
pub const VIEW_WIDTH: f64 = 320.0;
/// Where the 0 % end of a bar lies.
pub const TRACK_X: f64 = 10.0;
/// The length of 100 % in the single chart: 300 units, so a hundredth of a percent is
/// 0,03 units and the widths of round percentages are exact.
pub const TRACK_WIDTH: f64 = 300.0;

// The single chart's rows, top to bottom: the percentage and the counts, the bar with
// the target ticks crossing it, the ticks' labels.
pub const VIEW_HEIGHT: f64 = 78.0;
pub const TEXT_BASELINE: f64 = 20.0;
pub const BAR_Y: f64 = 32.0;
pub const BAR_HEIGHT: f64 = 20.0;
pub const TICK_TOP: f64 = 26.0;
pub const TICK_BOTTOM: f64 = 58.0;
pub const TICK_LABEL_BASELINE: f64 = 72.0;

// The small multiple: a header row with the ticks' labels, then one row per child unit
// (its name above a thinner bar, the percentage at the right end), each row's offsets
// counted from its top.
pub const CHILD_HEADER: f64 = 22.0;
pub const CHILD_ROW: f64 = 38.0;
pub const CHILD_NAME_BASELINE: f64 = 13.0;
pub const CHILD_BAR_Y: f64 = 19.0;
pub const CHILD_BAR_HEIGHT: f64 = 12.0;
pub const CHILD_TRACK_WIDTH: f64 = 230.0;
pub const CHILD_TICK_LABEL_BASELINE: f64 = 14.0;

/// Half the room a tick label ("2025" at 12 units) takes, with a margin.
const LABEL_HALF: f64 = 16.0;
/// The least distance between the centres of two tick labels.
const LABEL_GAP: f64 = 2.0 * LABEL_HALF + 4.0;
/// A child's name longer than this many characters is shortened with "…" (the full name
/// stays in the chart's label and in the table of children).
const CHILD_NAME_CHARS: usize = 44;

/// Where a ratio stands against its targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Reached the 2030 target (and so, in sane plans, the 2025 one).
    Reached2030,
    /// Reached the 2025 target but not the 2030 one (or there is none for 2030).
    Reached2025,
    /// Below every target there is.
    Behind,
    /// Nobody counted in the denominator: no share to compare.
    NoData,
    /// The plans set no target for this ratio.
    NoTarget,
}

impl Status {
    /// Decides on the counts, exactly: 6 999 of 10 000 is behind a 70 % target.
    pub fn of(counts: Counts, target_2025: Option<Percent>, target_2030: Option<Percent>) -> Status {
        let reached =
            |target: Option<Percent>| target.is_some_and(|t| t.reached_by(counts.numerator, counts.denominator));
        if counts.denominator == 0 {
            Status::NoData
        } else if target_2025.is_none() && target_2030.is_none() {
            Status::NoTarget
        } else if reached(target_2030) {
            Status::Reached2030
        } else if reached(target_2025) {
            Status::Reached2025
        } else {
            Status::Behind
        }
    }

    /// The status in words. `Behind` names the 2025 target; a ratio with only a 2030
    /// target says so through [`BarChart::status_words`].
    pub fn words(self) -> &'static str {
        match self {
            Status::Reached2030 => "Đã đạt mục tiêu 2030",
            Status::Reached2025 => "Đã đạt mục tiêu 2025",
            Status::Behind => "Chưa đạt mục tiêu 2025",
            Status::NoData => "Chưa có số liệu",
            Status::NoTarget => "Chưa có mục tiêu",
        }
    }

    /// The CSS class that colours the bar and the words.
    pub fn class(self) -> &'static str {
        match self {
            Status::Reached2030 => "reached-2030",
            Status::Reached2025 => "reached-2025",
            Status::Behind => "behind",
            Status::NoData => "no-data",
            Status::NoTarget => "no-target",
        }
    }
}

/// A target's mark across the bar.
#[derive(Debug, Clone, PartialEq)]
pub struct Tick {
    /// 2025 or 2030: the tick's label.
    pub year: u16,
    pub target: Percent,
    /// Where the tick crosses the track.
    pub x: f64,
    /// The centre of its label: under the tick, moved aside when the other label or the
    /// edge of the view is too close.
    pub label_x: f64,
}

/// One ratio's default reading as a horizontal bar from 0 to 100 % with its targets.
#[derive(Debug, Clone, PartialEq)]
pub struct BarChart {
    pub name: String,
    /// The label of the reading shown (the first one), if the ratio has any.
    pub reading: Option<String>,
    pub numerator: u64,
    pub denominator: u64,
    /// `None` when the denominator is zero.
    pub percent: Option<Percent>,
    pub target_2025: Option<Percent>,
    pub target_2030: Option<Percent>,
    pub status: Status,
    /// The filled length from [`TRACK_X`]; a share over 100 % (inconsistent counts) fills
    /// the track and no more.
    pub bar_width: f64,
    /// A tick for each target there is, 2025 first.
    pub ticks: Vec<Tick>,
}

impl BarChart {
    /// The chart of the row's default reading, the first of `readings`.
    pub fn of(row: &IndicatorRow) -> BarChart {
        let reading = row.readings.first();
        let counts = reading.map(|r| Counts { numerator: r.numerator, denominator: r.denominator }).unwrap_or_default();
        let percent = counts.percent();
        BarChart {
            name: row.name.clone(),
            reading: reading.map(|r| r.label.clone()),
            numerator: counts.numerator,
            denominator: counts.denominator,
            percent,
            target_2025: row.target_2025,
            target_2030: row.target_2030,
            status: Status::of(counts, row.target_2025, row.target_2030),
            bar_width: offset(0.0, percent, TRACK_WIDTH),
            ticks: ticks(row.target_2025, row.target_2030, TRACK_WIDTH),
        }
    }

    /// "63,5 %", or "Chưa có số liệu" when nobody is counted.
    pub fn percent_text(&self) -> String {
        self.percent.map_or_else(|| Status::NoData.words().to_string(), percent_text)
    }

    /// "tử số/mẫu số", e.g. "127/200".
    pub fn counts_text(&self) -> String {
        format!("{}/{}", count_text(self.numerator), count_text(self.denominator))
    }

    /// The status in words; behind a ratio that has only a 2030 target, it names 2030.
    pub fn status_words(&self) -> &'static str {
        match self.status {
            Status::Behind if self.target_2025.is_none() => "Chưa đạt mục tiêu 2030",
            status => status.words(),
        }
    }

    /// The targets in words: "mục tiêu 2025: 70 %; mục tiêu 2030: 80 %".
    pub fn targets_text(&self) -> String {
        let targets: Vec<String> = [(2025, self.target_2025), (2030, self.target_2030)]
            .into_iter()
            .filter_map(|(year, target)| Some(format!("mục tiêu {year}: {}", percent_text(target?))))
            .collect();
        if targets.is_empty() {
            Status::NoTarget.words().to_lowercase()
        } else {
            targets.join("; ")
        }
    }

    /// What the chart says, as one sentence for `aria-label` and `<title>`:
    /// "Tỷ lệ hộ gia đình …: 63,5 % (127/200); mục tiêu 2025: 70 %; mục tiêu 2030: 80 %".
    pub fn aria_label(&self) -> String {
        let share = match self.percent {
            Some(percent) => percent_text(percent),
            None => Status::NoData.words().to_lowercase(),
        };
        format!("Tỷ lệ {}: {share} ({}); {}", lower_first(&self.name), self.counts_text(), self.targets_text())
    }
}

/// One child unit's bar in the small multiple.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildBar {
    pub unit: String,
    /// The unit's name, or its id when the server knows no name.
    pub name: String,
    /// The name as drawn, shortened to fit the view.
    pub short_name: String,
    pub numerator: u64,
    pub denominator: u64,
    pub percent: Option<Percent>,
    pub status: Status,
    /// The top of the child's row.
    pub y: f64,
    pub bar_width: f64,
}

impl ChildBar {
    /// "63,5 %", or "—" when nobody is counted (the row is too narrow for words; the
    /// chart's label says it in full).
    pub fn percent_text(&self) -> String {
        self.percent.map_or_else(|| "—".to_string(), percent_text)
    }
}

/// One ratio across the units directly below: one bar per child, the same target ticks
/// drawn across every row.
#[derive(Debug, Clone, PartialEq)]
pub struct ChildBars {
    pub name: String,
    pub reading: Option<String>,
    /// In the order the server sent the children (by unit id).
    pub bars: Vec<ChildBar>,
    pub ticks: Vec<Tick>,
    /// The height of the `viewBox`.
    pub height: f64,
}

impl ChildBars {
    /// The small multiple of the row's default reading over `children`; the targets are
    /// the row's (the unit's plan applies to the units below it).
    pub fn of(row: &IndicatorRow, children: &[ChildFigures]) -> ChildBars {
        let reading = row.readings.first();
        let bars = children
            .iter()
            .enumerate()
            .map(|(i, child)| {
                let counts = reading.map(|r| child.tally.get(&row.id, &r.id)).unwrap_or_default();
                let percent = counts.percent();
                let name = child_name(child);
                ChildBar {
                    unit: child.unit.clone(),
                    short_name: shorten(&name, CHILD_NAME_CHARS),
                    name,
                    numerator: counts.numerator,
                    denominator: counts.denominator,
                    percent,
                    status: Status::of(counts, row.target_2025, row.target_2030),
                    y: CHILD_HEADER + CHILD_ROW * i as f64,
                    bar_width: offset(0.0, percent, CHILD_TRACK_WIDTH),
                }
            })
            .collect::<Vec<_>>();
        ChildBars {
            name: row.name.clone(),
            reading: reading.map(|r| r.label.clone()),
            height: CHILD_HEADER + CHILD_ROW * bars.len() as f64,
            bars,
            ticks: ticks(row.target_2025, row.target_2030, CHILD_TRACK_WIDTH),
        }
    }

    /// "Tỷ lệ … theo đơn vị trực thuộc: Thôn A: 63,5 % (127/200); Thôn B: chưa có số liệu (0/0)".
    pub fn aria_label(&self) -> String {
        let rows: Vec<String> = self
            .bars
            .iter()
            .map(|bar| {
                let share = bar.percent.map_or_else(|| Status::NoData.words().to_lowercase(), percent_text);
                format!("{}: {share} ({}/{})", bar.name, count_text(bar.numerator), count_text(bar.denominator))
            })
            .collect();
        format!("Tỷ lệ {} theo đơn vị trực thuộc: {}", lower_first(&self.name), rows.join("; "))
    }
}

/// A child unit's line in the table of children: its name and its evaluations summed
/// over the models.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChildSummary {
    pub unit: String,
    pub name: String,
    pub evaluated: u64,
    pub submitted: u64,
    pub recognised: u64,
}

impl ChildSummary {
    pub fn of(child: &ChildFigures) -> ChildSummary {
        let sum = |f: fn(&ModelCounts) -> u64| child.models.values().map(f).sum();
        ChildSummary {
            unit: child.unit.clone(),
            name: child_name(child),
            evaluated: sum(|m| m.evaluated),
            submitted: sum(|m| m.submitted),
            recognised: sum(|m| m.recognised),
        }
    }
}

/// A reading in one line, for the readings a chart does not draw:
/// "Trên tổng số người lớn: 63,5 % (127/200)".
pub fn reading_text(reading: &ReadingRow) -> String {
    let share = Percent::of(reading.numerator, reading.denominator)
        .map_or_else(|| Status::NoData.words().to_lowercase(), percent_text);
    format!("{}: {share} ({}/{})", reading.label, count_text(reading.numerator), count_text(reading.denominator))
}

/// A percentage the Vietnamese way: "63,5 %", "70 %", "66,67 %" — the shared format of
/// every screen and document ([`Percent`]'s `Display`), named here for the charts.
pub fn percent_text(percent: Percent) -> String {
    percent.to_string()
}

/// A count with "." between thousands, as Vietnamese documents write it: "12.345".
pub fn count_text(count: u64) -> String {
    let digits = count.to_string();
    let mut text = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            text.push('.');
        }
        text.push(digit);
    }
    text
}

/// `start` plus the length of `percent` on a track `track` long (nothing when there is no
/// share), never past either end of the track. One division, so that round values come
/// out exact ("110.02", not "110.02000000000001").
fn offset(start: f64, percent: Option<Percent>, track: f64) -> f64 {
    let hundredths = percent.map_or(0, |p| p.hundredths().clamp(0, 10_000));
    (start * 10_000.0 + hundredths as f64 * track) / 10_000.0
}

/// A tick for each target there is, with the labels kept apart and inside the view.
fn ticks(target_2025: Option<Percent>, target_2030: Option<Percent>, track: f64) -> Vec<Tick> {
    let mut ticks: Vec<Tick> = [(2025, target_2025), (2030, target_2030)]
        .into_iter()
        .filter_map(|(year, target)| {
            let target = target?;
            let x = offset(TRACK_X, Some(target), track);
            Some(Tick { year, target, x, label_x: x.clamp(LABEL_HALF, VIEW_WIDTH - LABEL_HALF) })
        })
        .collect();
    if let [first, second] = ticks.as_mut_slice() {
        // Whichever lies left keeps its label on the left, even if a plan puts the 2030
        // target below the 2025 one.
        let (left, right) = if first.x <= second.x { (first, second) } else { (second, first) };
        if right.label_x - left.label_x < LABEL_GAP {
            let middle = (left.label_x + right.label_x) / 2.0;
            left.label_x = (middle - LABEL_GAP / 2.0).clamp(LABEL_HALF, VIEW_WIDTH - LABEL_HALF - LABEL_GAP);
            right.label_x = left.label_x + LABEL_GAP;
        }
    }
    ticks
}

fn child_name(child: &ChildFigures) -> String {
    child.name.clone().unwrap_or_else(|| child.unit.clone())
}

/// `text` cut to `max` characters, the last of them "…".
fn shorten(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut short: String = text.chars().take(max - 1).collect();
    short.truncate(short.trim_end().len());
    short.push('…');
    short
}

/// Lowercases the first letter of a name that starts with an ordinary word, so that it
/// reads inside a sentence ("Tỷ lệ hộ gia đình …"); an acronym ("CDHT …") stays as it is.
fn lower_first(name: &str) -> String {
    let first_word = name.split_whitespace().next().unwrap_or("");
    let mut letters = first_word.chars();
    let ordinary = letters.next().is_some_and(char::is_uppercase) && letters.all(|c| !c.is_uppercase());
    if !ordinary {
        return name.to_string();
    }
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {

    use super::*;
    use hoctap_shared::criteria::Model;
    use hoctap_shared::indicators::{self, Tally};

    fn pct(text: &str) -> Option<Percent> {
        Some(Percent::from_f64(text.parse().expect("a number")).expect("two decimals at most"))
    }

    /// A household ratio with one reading of `numerator/denominator` and the given
    /// targets ("" for none).
    fn row(numerator: u64, denominator: u64, target_2025: &str, target_2030: &str) -> IndicatorRow {
        let target = |t: &str| if t.is_empty() { None } else { pct(t) };
        IndicatorRow {
            id: "households_learning_family".into(),
            name: "Hộ gia đình được công nhận Gia đình học tập".into(),
            source: "387".into(),
            readings: vec![ReadingRow {
                id: "of_households".into(),
                label: "Trên tổng số hộ gia đình".into(),
                numerator,
                denominator,
                percent: Percent::of(numerator, denominator),
            }],
            target_2025: target(target_2025),
            target_2030: target(target_2030),
            target_plan: Some("qd-387-2022".into()),
        }
    }

    /// The chart of a row as one line: percentage, counts, status, bar, ticks (year @ x
    /// / label centre).
    #[track_caller]
    fn check(row: IndicatorRow, expect: &str) {
        let chart = BarChart::of(&row);
        let ticks: Vec<String> = chart.ticks.iter().map(|t| format!("{}@{}/{}", t.year, t.x, t.label_x)).collect();
        let got = format!(
            "{} | {} | {} | bar {} | ticks [{}]",
            chart.percent_text(),
            chart.counts_text(),
            chart.status_words(),
            chart.bar_width,
            ticks.join(" ")
        );
        assert_eq!(got, expect);
    }

    #[test]
    fn zero_percent_is_an_empty_bar_behind_the_targets() {
        check(
            row(0, 200, "70", "80"),
            "0 % | 0/200 | Chưa đạt mục tiêu 2025 | bar 0 | ticks [2025@220/217 2030@250/253]",
        );
    }

    #[test]
    fn hundred_percent_fills_the_track() {
        check(
            row(200, 200, "70", "80"),
            "100 % | 200/200 | Đã đạt mục tiêu 2030 | bar 300 | ticks [2025@220/217 2030@250/253]",
        );
    }

    #[test]
    fn exactly_at_a_target_reaches_it() {
        check(
            row(7, 10, "70", "80"),
            "70 % | 7/10 | Đã đạt mục tiêu 2025 | bar 210 | ticks [2025@220/217 2030@250/253]",
        );
        check(
            row(8, 10, "70", "80"),
            "80 % | 8/10 | Đã đạt mục tiêu 2030 | bar 240 | ticks [2025@220/217 2030@250/253]",
        );
    }

    #[test]
    fn one_hundredth_below_a_target_is_behind() {
        check(
            row(6_999, 10_000, "70", "80"),
            "69,99 % | 6.999/10.000 | Chưa đạt mục tiêu 2025 | bar 209.97 | ticks [2025@220/217 2030@250/253]",
        );
        check(
            row(7_999, 10_000, "70", "80"),
            "79,99 % | 7.999/10.000 | Đã đạt mục tiêu 2025 | bar 239.97 | ticks [2025@220/217 2030@250/253]",
        );
        // A third is 33,33… %: shown truncated, so the text never claims a target the
        // counts miss.
        check(
            row(1, 3, "33.34", ""),
            "33,33 % | 1/3 | Chưa đạt mục tiêu 2025 | bar 99.99 | ticks [2025@110.02/110.02]",
        );
    }

    #[test]
    fn no_denominator_is_no_data() {
        check(
            row(0, 0, "70", "80"),
            "Chưa có số liệu | 0/0 | Chưa có số liệu | bar 0 | ticks [2025@220/217 2030@250/253]",
        );
        let chart = BarChart::of(&IndicatorRow { readings: vec![], ..row(0, 0, "70", "") });
        assert_eq!((chart.status, chart.reading, chart.percent), (Status::NoData, None, None));
    }

    #[test]
    fn no_target_has_no_ticks() {
        check(row(127, 200, "", ""), "63,5 % | 127/200 | Chưa có mục tiêu | bar 190.5 | ticks []");
        check(row(127, 200, "", "80"), "63,5 % | 127/200 | Chưa đạt mục tiêu 2030 | bar 190.5 | ticks [2030@250/250]");
        check(row(127, 200, "60", ""), "63,5 % | 127/200 | Đã đạt mục tiêu 2025 | bar 190.5 | ticks [2025@190/190]");
    }

    #[test]
    fn close_targets_keep_their_labels_apart_and_inside_the_view() {
        // 65 % and 67 % are 6 units apart, far less than two labels need.
        check(
            row(1, 2, "65", "67"),
            "50 % | 1/2 | Chưa đạt mục tiêu 2025 | bar 150 | ticks [2025@205/190 2030@211/226]",
        );
        // At 100 % a label cannot be centred on its tick.
        check(
            row(1, 2, "95", "100"),
            "50 % | 1/2 | Chưa đạt mục tiêu 2025 | bar 150 | ticks [2025@295/268 2030@310/304]",
        );
        check(row(0, 2, "0", "1"), "0 % | 0/2 | Đã đạt mục tiêu 2025 | bar 0 | ticks [2025@10/16 2030@13/52]");
    }

    #[test]
    fn counts_over_the_denominator_fill_no_more_than_the_track() {
        check(
            row(3, 2, "70", "80"),
            "150 % | 3/2 | Đã đạt mục tiêu 2030 | bar 300 | ticks [2025@220/217 2030@250/253]",
        );
    }

    #[test]
    fn texts_are_vietnamese_with_a_decimal_comma() {
        let chart = BarChart::of(&row(127, 200, "70", "80"));
        assert_eq!(chart.percent_text(), "63,5 %");
        assert_eq!(
            chart.aria_label(),
            "Tỷ lệ hộ gia đình được công nhận Gia đình học tập: 63,5 % (127/200); mục tiêu 2025: 70 %; mục tiêu 2030: 80 %"
        );
        let none = BarChart::of(&row(0, 0, "", ""));
        assert_eq!(
            none.aria_label(),
            "Tỷ lệ hộ gia đình được công nhận Gia đình học tập: chưa có số liệu (0/0); chưa có mục tiêu"
        );
        let shown: Vec<String> =
            ["63.5", "70", "69.99", "0.05"].iter().filter_map(|t| pct(t)).map(percent_text).collect();
        assert_eq!(shown, ["63,5 %", "70 %", "69,99 %", "0,05 %"]);
        let counts: Vec<String> = [0, 999, 1_000, 12_345, 1_234_567].into_iter().map(count_text).collect();
        assert_eq!(counts, ["0", "999", "1.000", "12.345", "1.234.567"]);
        assert_eq!(lower_first("CDHT có kỹ năng số"), "CDHT có kỹ năng số");
        assert_eq!(lower_first("Đơn vị"), "đơn vị");
    }

    #[test]
    fn the_first_reading_is_the_default() {
        let mut two = row(1, 4, "70", "80");
        two.readings.push(ReadingRow {
            id: "other".into(),
            label: "Khác".into(),
            numerator: 3,
            denominator: 4,
            percent: Percent::of(3, 4),
        });
        assert_eq!(reading_text(&two.readings[1]), "Khác: 75 % (3/4)");
        let chart = BarChart::of(&two);
        assert_eq!(
            (chart.reading.as_deref(), chart.numerator, chart.denominator),
            (Some("Trên tổng số hộ gia đình"), 1, 4)
        );
    }

    fn child(unit: &str, name: Option<&str>, numerator: u64, denominator: u64) -> ChildFigures {
        let mut tally = Tally::default();
        tally
            .counts
            .insert(indicators::key("households_learning_family", "of_households"), Counts { numerator, denominator });
        let counts = ModelCounts { evaluated: 5, submitted: 4, recognised: 3, ..ModelCounts::default() };
        ChildFigures {
            unit: unit.into(),
            name: name.map(str::to_string),
            tally,
            models: [(Model::LearningFamily, counts.clone()), (Model::LearningCitizen, counts)].into(),
        }
    }

    #[test]
    fn the_small_multiple_has_one_bar_per_child() {
        let long = "Tổ dân phố số 12 khu phố Đông Hưng Thuận phường Tân Thới Nhất";
        let children = [
            child("hamlet:a", Some("Thôn A"), 127, 200),
            child("hamlet:b", None, 0, 0),
            child("hamlet:c", Some(long), 7, 10),
        ];
        let bars = ChildBars::of(&row(134, 210, "70", "80"), &children);
        let got: Vec<String> = bars
            .bars
            .iter()
            .map(|b| format!("{} @{} | {} | {:?} | bar {}", b.short_name, b.y, b.percent_text(), b.status, b.bar_width))
            .collect();
        assert_eq!(
            got,
            [
                "Thôn A @22 | 63,5 % | Behind | bar 146.05",
                "hamlet:b @60 | — | NoData | bar 0",
                "Tổ dân phố số 12 khu phố Đông Hưng Thuận ph… @98 | 70 % | Reached2025 | bar 161",
            ]
        );
        assert_eq!(bars.height, 136.0);
        let ticks: Vec<(u16, f64)> = bars.ticks.iter().map(|t| (t.year, t.x)).collect();
        assert_eq!(ticks, [(2025, 171.0), (2030, 194.0)]);
        assert_eq!(
            bars.aria_label(),
            format!(
                "Tỷ lệ hộ gia đình được công nhận Gia đình học tập theo đơn vị trực thuộc: Thôn A: 63,5 % (127/200); \
                 hamlet:b: chưa có số liệu (0/0); {long}: 70 % (7/10)"
            )
        );
        let summary = ChildSummary::of(&children[0]);
        assert_eq!(
            (summary.name.as_str(), summary.evaluated, summary.submitted, summary.recognised),
            ("Thôn A", 10, 8, 6)
        );
    }
}
