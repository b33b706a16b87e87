//! A ratio's share over the years of a review (sơ kết) as plain data: a line from year
//! to year on a 0–100 % scale, broken where a year has no data, with the 2025 and 2030
//! targets as horizontal lines, and the words that say all of it. Pure and tested
//! natively; `components::trend` only draws what this module computes.
//!
//! The geometry is in SVG user units of a `viewBox` [`VIEW_WIDTH`] wide (the same as the
//! bar charts), which the page scales to the screen. A percentage maps to a height by one
//! integer-exact formula, so round values land on round coordinates.

use hoctap_shared::annual::ReviewRow;
use hoctap_shared::number::Percent;

use crate::chart::{count_text, percent_text, VIEW_WIDTH};

/// The height of the `viewBox`.
pub const TREND_HEIGHT: f64 = 140.0;
/// The plot's left edge (room for "100 %" on the left) and right edge (room for the
/// targets' labels, "2030: 80 %", on the right, clear of the line).
pub const PLOT_LEFT: f64 = 40.0;
pub const PLOT_RIGHT: f64 = 256.0;
/// Where the targets' labels start.
pub const TARGET_LABEL_X: f64 = PLOT_RIGHT + 4.0;
/// Where 100 % and 0 % lie.
pub const PLOT_TOP: f64 = 18.0;
pub const PLOT_BOTTOM: f64 = 118.0;
/// The baseline of the years under the plot.
pub const YEAR_BASELINE: f64 = 134.0;

/// Two target labels closer than this (in height) would overlap: they are moved apart
/// around the middle of their lines.
const LABEL_CLEARANCE: f64 = 11.0;
/// From a line to the baseline of a label centred on it.
const LABEL_CENTRE: f64 = 3.5;

/// A year with data: where its point lies and its share in words.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendPoint {
    pub year: i32,
    pub x: f64,
    pub y: f64,
    /// "63,5 %".
    pub text: String,
}

/// A year on the horizontal axis.
#[derive(Debug, Clone, PartialEq)]
pub struct YearMark {
    pub year: i32,
    pub x: f64,
}

/// A horizontal line: a target, or the 0/50/100 % grid.
#[derive(Debug, Clone, PartialEq)]
pub struct Level {
    pub y: f64,
    /// Where its label's baseline lies.
    pub label_y: f64,
    pub label: String,
}

/// A reading's share over the years.
#[derive(Debug, Clone, PartialEq)]
pub struct TrendChart {
    pub name: String,
    pub points: Vec<TrendPoint>,
    /// Polylines (`points` attributes) through consecutive years with data; a single
    /// year between gaps is a point only.
    pub lines: Vec<String>,
    pub years: Vec<YearMark>,
    pub grid: Vec<Level>,
    /// The 2025 and 2030 targets, where the plans set them.
    pub targets: Vec<Level>,
}

impl TrendChart {
    pub fn of(row: &ReviewRow) -> TrendChart {
        let span = row.years.len().saturating_sub(1);
        let x_of = |i: usize| {
            if span == 0 {
                (PLOT_LEFT + PLOT_RIGHT) / 2.0
            } else {
                (PLOT_LEFT * span as f64 + (PLOT_RIGHT - PLOT_LEFT) * i as f64) / span as f64
            }
        };
        let years: Vec<YearMark> =
            row.years.iter().enumerate().map(|(i, c)| YearMark { year: c.year, x: x_of(i) }).collect();
        let mut points = Vec::new();
        let mut lines = Vec::new();
        let mut run: Vec<String> = Vec::new();
        for (i, cell) in row.years.iter().enumerate() {
            match cell.percent.filter(|_| cell.denominator > 0) {
                Some(percent) => {
                    let (x, y) = (x_of(i), y_of(percent));
                    run.push(format!("{x},{y}"));
                    points.push(TrendPoint { year: cell.year, x, y, text: percent_text(percent) });
                }
                None => flush(&mut run, &mut lines),
            }
        }
        flush(&mut run, &mut lines);
        let grid = [0, 50, 100]
            .into_iter()
            .map(|p| {
                let y = y_of(Percent::from_whole(p));
                Level { y, label_y: y + 4.0, label: format!("{p} %") }
            })
            .collect();
        let mut targets: Vec<Level> = [(2025, row.target_2025), (2030, row.target_2030)]
            .into_iter()
            .filter_map(|(year, target)| {
                let y = y_of(target?);
                Some(Level { y, label_y: y + LABEL_CENTRE, label: format!("{year}: {}", percent_text(target?)) })
            })
            .collect();
        if let [a, b] = targets.as_mut_slice() {
            if (a.y - b.y).abs() < LABEL_CLEARANCE {
                let (upper, lower) = if a.y <= b.y { (a, b) } else { (b, a) };
                let middle = (upper.y + lower.y) / 2.0;
                upper.label_y = middle + LABEL_CENTRE - LABEL_CLEARANCE / 2.0;
                lower.label_y = middle + LABEL_CENTRE + LABEL_CLEARANCE / 2.0;
            }
        }
        TrendChart { name: row.name.clone(), points, lines, years, grid, targets }
    }

    /// Everything the chart shows, as one sentence for `aria-label`:
    /// "Tỷ lệ …: 2021: 40 %; 2022: chưa có số liệu; …; mục tiêu 2025: 70 %".
    pub fn aria_label(row: &ReviewRow) -> String {
        let mut parts: Vec<String> = row
            .years
            .iter()
            .map(|c| match c.percent.filter(|_| c.denominator > 0) {
                Some(p) => {
                    format!(
                        "{}: {} ({}/{})",
                        c.year,
                        percent_text(p),
                        count_text(c.numerator),
                        count_text(c.denominator)
                    )
                }
                None => format!("{}: chưa có số liệu", c.year),
            })
            .collect();
        for (year, target) in [(2025, row.target_2025), (2030, row.target_2030)] {
            if let Some(target) = target {
                parts.push(format!("mục tiêu {year}: {}", percent_text(target)));
            }
        }
        format!("{} — {}: {}", row.name, row.reading_label, parts.join("; "))
    }
}

/// The height of `percent` on the plot: 100 % at the top; shares outside 0–100 %
/// (inconsistent counts) stay on the plot's edge.
fn y_of(percent: Percent) -> f64 {
    let hundredths = percent.hundredths().clamp(0, 10_000);
    (PLOT_TOP * 10_000.0 + (10_000 - hundredths) as f64 * (PLOT_BOTTOM - PLOT_TOP)) / 10_000.0
}

/// Ends the current run of points: a line when it has two points or more.
fn flush(run: &mut Vec<String>, lines: &mut Vec<String>) {
    if run.len() > 1 {
        lines.push(run.join(" "));
    }
    run.clear();
}

/// The width of the view (for the component's `viewBox`).
pub fn view_box() -> String {
    format!("0 0 {VIEW_WIDTH} {TREND_HEIGHT}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::annual::{RowStatus, YearCell};

    /// A row over 2021.. with one share per year (`None`: no data).
    fn row(shares: &[Option<(u64, u64)>], target_2025: Option<i64>, target_2030: Option<i64>) -> ReviewRow {
        ReviewRow {
            indicator: "households_learning_family".into(),
            name: "Hộ gia đình học tập".into(),
            reading_label: "Trên tổng số hộ".into(),
            primary: true,
            years: shares
                .iter()
                .enumerate()
                .map(|(i, share)| {
                    let (numerator, denominator) = share.unwrap_or((0, 0));
                    YearCell {
                        year: 2021 + i as i32,
                        numerator,
                        denominator,
                        percent: Percent::of(numerator, denominator),
                    }
                })
                .collect(),
            change: None,
            target_2025: target_2025.map(Percent::from_whole),
            target_2030: target_2030.map(Percent::from_whole),
            status: RowStatus::OnTrack,
        }
    }

    /// The chart as one line per part: points (year@x,y text), lines, targets.
    #[track_caller]
    fn check(row: ReviewRow, expect: &[&str]) {
        let chart = TrendChart::of(&row);
        let mut got: Vec<String> =
            chart.points.iter().map(|p| format!("{}@{},{} {}", p.year, p.x, p.y, p.text)).collect();
        got.extend(chart.lines.iter().map(|l| format!("line {l}")));
        got.extend(chart.targets.iter().map(|t| format!("{} @{} label {}", t.label, t.y, t.label_y)));
        assert_eq!(got, expect);
    }

    #[test]
    fn five_years_spread_over_the_plot() {
        check(
            row(&[Some((40, 100)), Some((1, 2)), Some((6, 10)), Some((127, 200)), Some((7, 10))], Some(70), Some(90)),
            &[
                "2021@40,78 40 %",
                "2022@94,68 50 %",
                "2023@148,58 60 %",
                "2024@202,54.5 63,5 %",
                "2025@256,48 70 %",
                "line 40,78 94,68 148,58 202,54.5 256,48",
                "2025: 70 % @48 label 51.5",
                "2030: 90 % @28 label 31.5",
            ],
        );
    }

    #[test]
    fn a_year_without_data_breaks_the_line() {
        check(
            row(&[Some((0, 10)), None, Some((10, 10)), Some((5, 10)), None], None, None),
            &["2021@40,118 0 %", "2023@148,18 100 %", "2024@202,68 50 %", "line 148,18 202,68"],
        );
        let chart = TrendChart::of(&row(&[None, None], Some(50), None));
        assert!(chart.points.is_empty() && chart.lines.is_empty());
        assert_eq!(chart.years.iter().map(|y| (y.year, y.x)).collect::<Vec<_>>(), [(2021, 40.0), (2022, 256.0)]);
    }

    #[test]
    fn one_year_sits_in_the_middle_and_shares_over_100_stay_on_the_plot() {
        check(row(&[Some((3, 2))], None, None), &["2021@148,18 150 %"]);
    }

    #[test]
    fn close_targets_keep_their_labels_apart() {
        let chart = TrendChart::of(&row(&[Some((1, 2))], Some(70), Some(75)));
        let labels: Vec<(f64, f64)> = chart.targets.iter().map(|t| (t.y, t.label_y)).collect();
        // 5 units apart: the labels are spread 11 units apart around the middle (45.5).
        assert_eq!(labels, [(48.0, 54.5), (43.0, 43.5)]);
        let grid: Vec<(f64, &str)> = chart.grid.iter().map(|g| (g.y, g.label.as_str())).collect();
        assert_eq!(grid, [(118.0, "0 %"), (68.0, "50 %"), (18.0, "100 %")]);
    }

    #[test]
    fn the_label_says_every_year_and_target() {
        let r = row(&[Some((1_234, 2_000)), None], Some(70), None);
        assert_eq!(
            TrendChart::aria_label(&r),
            "Hộ gia đình học tập — Trên tổng số hộ: 2021: 61,7 % (1.234/2.000); 2022: chưa có số liệu; mục tiêu 2025: 70 %"
        );
    }
}
