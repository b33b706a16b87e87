//! Inline SVG charts for the printable documents: a progress bar of one ratio against its
//! 2025 and 2030 targets, and the ratio's line over the years of the review. Pure
//! functions returning `<svg>` strings with no external resource, sized in user units
//! that are millimetres when the chart is drawn 160 mm wide, so strokes and text keep
//! print proportions (a 3,5-unit text is 10 pt). Black and grey plus one accent colour,
//! so a greyscale printer still tells the series from the targets.

use hoctap_shared::annual::{ReportRow, ReviewRow};
use hoctap_shared::number::Percent;

use super::print::escape;

/// The one colour besides black and grey: the measured share.
const ACCENT: &str = "#1f5a96";
const GREY: &str = "#6b6b6b";
const FONT: &str = "'Times New Roman', Times, 'Liberation Serif', Tinos, 'Noto Serif', 'DejaVu Serif', serif";

/// A coordinate with at most two decimals and no trailing zeros, so the output is short
/// and identical on every platform.
fn n(value: f64) -> String {
    let text = format!("{:.2}", (value * 100.0).round() / 100.0);
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// A share as a fraction of the axis, clamped to 0–100 %.
fn fraction(percent: Percent) -> f64 {
    (percent.as_f64() / 100.0).clamp(0.0, 1.0)
}

fn open(width: u32, height: u32, label: &str) -> String {
    let label = escape(label);
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {width} {height}\" role=\"img\" \
         aria-label=\"{label}\" font-family=\"{FONT}\" style=\"print-color-adjust: exact; \
         -webkit-print-color-adjust: exact\"><title>{label}</title>"
    )
}

fn text(x: f64, y: f64, size: f64, anchor: &str, fill: &str, content: &str) -> String {
    format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"{}\" text-anchor=\"{anchor}\" fill=\"{fill}\">{}</text>",
        n(x),
        n(y),
        n(size),
        escape(content)
    )
}

/// The targets of a row as words: `chỉ tiêu 2025: 39%, 2030: 57%`.
fn targets_words(target_2025: Option<Percent>, target_2030: Option<Percent>) -> String {
    let parts: Vec<String> = [(2025, target_2025), (2030, target_2030)]
        .into_iter()
        .filter_map(|(year, t)| t.map(|t| format!("{year}: {t}")))
        .collect();
    if parts.is_empty() {
        "không có chỉ tiêu".to_string()
    } else {
        format!("chỉ tiêu {}", parts.join(", "))
    }
}

/// A 0–100 % bar with the row's share filled and a tick at each target, labelled. The
/// share is written left of the bar, where no tick can cover it.
pub fn progress_svg(row: &ReportRow) -> String {
    const X0: f64 = 24.0;
    const W: f64 = 130.0;
    const BAR_Y: f64 = 9.0;
    const BAR_H: f64 = 6.0;
    let share = row.percent.map_or_else(|| "chưa có số liệu".to_string(), |p| p.to_string());
    let label = format!("{}: {share}; {}", row.name, targets_words(row.target_2025, row.target_2030));
    let mut out = open(160, 24, &label);
    // The empty bar, then the share.
    out.push_str(&format!(
        "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"#ffffff\" stroke=\"#000000\" \
         stroke-width=\"0.25\"/>",
        n(X0),
        n(BAR_Y),
        n(W),
        n(BAR_H)
    ));
    match row.percent {
        Some(p) => {
            out.push_str(&format!(
                "<rect x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{ACCENT}\"/>",
                n(X0),
                n(BAR_Y),
                n(W * fraction(p)),
                n(BAR_H)
            ));
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"3.8\" font-weight=\"bold\" text-anchor=\"end\" \
                 fill=\"#000000\">{}</text>",
                n(X0 - 2.0),
                n(BAR_Y + 4.4),
                escape(&p.to_string())
            ));
        }
        None => {
            out.push_str(&text(X0 - 2.0, BAR_Y + 4.4, 3.8, "end", GREY, "—"));
            out.push_str(&text(X0 + 2.0, BAR_Y + 4.2, 3.2, "start", GREY, "Chưa có số liệu"));
        }
    }
    // Scale below the bar.
    for step in 0..=4 {
        let x = X0 + W * f64::from(step) / 4.0;
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"{GREY}\" stroke-width=\"0.2\"/>",
            n(BAR_Y + BAR_H),
            n(BAR_Y + BAR_H + 1.2),
            x = n(x)
        ));
        out.push_str(&text(x, 20.5, 2.8, "middle", GREY, &format!("{} %", step * 25)));
    }
    // Target ticks above and through the bar; close labels are pushed apart.
    let ticks: Vec<(i32, Percent, f64)> = [(2025, row.target_2025), (2030, row.target_2030)]
        .into_iter()
        .filter_map(|(year, t)| t.map(|t| (year, t, X0 + W * fraction(t))))
        .collect();
    let close = ticks.len() == 2 && (ticks[1].2 - ticks[0].2).abs() < 22.0;
    for (i, (year, target, x)) in ticks.iter().enumerate() {
        let dash = if *year == 2025 { "" } else { " stroke-dasharray=\"0.8 0.5\"" };
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"6\" x2=\"{x}\" y2=\"{}\" stroke=\"#000000\" stroke-width=\"0.45\"{dash}/>",
            n(BAR_Y + BAR_H + 1.5),
            x = n(*x)
        ));
        let first_of_close = close && (i == 0) == (ticks[0].2 <= ticks[1].2);
        let anchor = match (close, first_of_close) {
            (true, true) => "end",
            (true, false) => "start",
            _ if *x < X0 + 12.0 => "start",
            _ if *x > X0 + W - 12.0 => "end",
            _ => "middle",
        };
        out.push_str(&text(*x, 4.8, 3.0, anchor, "#000000", &format!("CT {year}: {target}")));
    }
    out.push_str("</svg>");
    out
}

/// A line of the row's share over the years, with dashed lines at the 2025 and 2030
/// targets; a year without data breaks the line.
pub fn trend_svg(row: &ReviewRow) -> String {
    const LEFT: f64 = 16.0;
    const RIGHT: f64 = 136.0;
    const TOP: f64 = 6.0;
    const BOTTOM: f64 = 40.0;
    let y_of = |p: Percent| BOTTOM - (BOTTOM - TOP) * fraction(p);
    let count = row.years.len();
    let x_of = |i: usize| match count {
        0 | 1 => (LEFT + RIGHT) / 2.0,
        _ => LEFT + 6.0 + (RIGHT - LEFT - 12.0) * i as f64 / (count - 1) as f64,
    };
    let years: Vec<String> = row
        .years
        .iter()
        .map(|c| format!("{}: {}", c.year, c.percent.map_or_else(|| "—".to_string(), |p| p.to_string())))
        .collect();
    let label = format!(
        "{} ({}), theo năm: {}; {}",
        row.name,
        row.reading_label,
        years.join(", "),
        targets_words(row.target_2025, row.target_2030)
    );
    let mut out = open(160, 46, &label);
    // Grid and the percentage axis.
    for step in 0..=4 {
        let y = BOTTOM - (BOTTOM - TOP) * f64::from(step) / 4.0;
        let (stroke, width) = if step == 0 { ("#000000", "0.3") } else { ("#c8c8c8", "0.2") };
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"{stroke}\" stroke-width=\"{width}\"/>",
            n(LEFT),
            n(RIGHT),
            y = n(y)
        ));
        out.push_str(&text(LEFT - 1.5, y + 1.0, 2.8, "end", GREY, &format!("{} %", step * 25)));
    }
    // Targets: dashed, labelled at the right; labels that would touch are pushed apart.
    let mut targets: Vec<(i32, Percent, f64)> = [(2025, row.target_2025), (2030, row.target_2030)]
        .into_iter()
        .filter_map(|(year, t)| t.map(|t| (year, t, y_of(t))))
        .collect();
    let label_ys: Vec<f64> = match targets.as_slice() {
        [a, b] if (a.2 - b.2).abs() < 3.6 => {
            let mid = (a.2 + b.2) / 2.0;
            // The higher target (smaller y) gets the upper label.
            if a.2 <= b.2 {
                vec![mid - 1.8, mid + 1.8]
            } else {
                vec![mid + 1.8, mid - 1.8]
            }
        }
        _ => targets.iter().map(|t| t.2).collect(),
    };
    for ((year, target, y), label_y) in targets.drain(..).zip(label_ys) {
        let dash = if year == 2025 { "2 1" } else { "0.8 0.8" };
        out.push_str(&format!(
            "<line x1=\"{}\" y1=\"{y}\" x2=\"{}\" y2=\"{y}\" stroke=\"#000000\" stroke-width=\"0.35\" \
             stroke-dasharray=\"{dash}\"/>",
            n(LEFT),
            n(RIGHT),
            y = n(y)
        ));
        out.push_str(&text(RIGHT + 1.5, label_y + 1.0, 2.8, "start", "#000000", &format!("CT {year}: {target}")));
    }
    // The series, in runs of consecutive years with data.
    let points: Vec<Option<(f64, f64, Percent)>> =
        row.years.iter().enumerate().map(|(i, c)| c.percent.map(|p| (x_of(i), y_of(p), p))).collect();
    for run in points.split(Option::is_none).filter(|run| run.len() > 1) {
        let coords: Vec<String> = run.iter().flatten().map(|(x, y, _)| format!("{},{}", n(*x), n(*y))).collect();
        out.push_str(&format!(
            "<polyline points=\"{}\" fill=\"none\" stroke=\"{ACCENT}\" stroke-width=\"0.6\"/>",
            coords.join(" ")
        ));
    }
    for (x, y, p) in points.iter().flatten() {
        out.push_str(&format!("<circle cx=\"{}\" cy=\"{}\" r=\"0.9\" fill=\"{ACCENT}\"/>", n(*x), n(*y)));
        // A white halo keeps the value legible where it crosses a target line.
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"2.8\" text-anchor=\"middle\" fill=\"#000000\" \
             stroke=\"#ffffff\" stroke-width=\"0.8\" paint-order=\"stroke\">{}</text>",
            n(*x),
            n(y - 1.8),
            escape(&p.to_string())
        ));
    }
    if points.iter().all(Option::is_none) {
        out.push_str(&text((LEFT + RIGHT) / 2.0, (TOP + BOTTOM) / 2.0, 3.5, "middle", GREY, "Chưa có số liệu"));
    }
    // Years along the bottom.
    for (i, cell) in row.years.iter().enumerate() {
        out.push_str(&text(x_of(i), BOTTOM + 4.5, 3.0, "middle", "#000000", &cell.year.to_string()));
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoctap_shared::annual::{RowStatus, YearCell};

    fn trend_row(years: &[(i32, Option<i64>)], targets: (Option<i64>, Option<i64>)) -> ReviewRow {
        ReviewRow {
            indicator: "households_learning_family".into(),
            name: "Hộ <gia đình> & “học tập”".into(),
            reading_label: "Trên tổng số hộ".into(),
            primary: true,
            years: years
                .iter()
                .map(|(year, p)| YearCell {
                    year: *year,
                    numerator: 0,
                    denominator: 0,
                    percent: p.map(Percent::from_whole),
                })
                .collect(),
            change: None,
            target_2025: targets.0.map(Percent::from_whole),
            target_2030: targets.1.map(Percent::from_whole),
            status: RowStatus::OnTrack,
        }
    }

    #[test]
    fn a_year_without_data_breaks_the_line() {
        let years = [(2021, Some(12)), (2022, Some(30)), (2023, None), (2024, Some(64)), (2025, Some(71))];
        let svg = trend_svg(&trend_row(&years, (Some(70), Some(72))));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<circle").count(), 4);
        assert_eq!(svg.matches("stroke-dasharray").count(), 2);
        assert!(svg.contains("aria-label=\"Hộ &lt;gia đình&gt; &amp; “học tập”"));
        assert!(svg.contains("2023: —"));
        // Targets 2 points apart (70 % at y 16,2, 72 % at y 15,52) get their labels pushed
        // apart, to 17,66 and 14,06 (the text sits 1 lower).
        assert!(svg.contains("y=\"18.66\" font-size=\"2.8\" text-anchor=\"start\" fill=\"#000000\">CT 2025: 70 %"));
        assert!(svg.contains("y=\"15.06\" font-size=\"2.8\" text-anchor=\"start\" fill=\"#000000\">CT 2030: 72 %"));
    }

    #[test]
    fn an_empty_series_says_so() {
        let svg = trend_svg(&trend_row(&[(2021, None), (2022, None)], (None, None)));
        assert!(svg.contains("Chưa có số liệu"));
        assert!(!svg.contains("<polyline"));
        assert!(svg.contains("không có chỉ tiêu"));
    }

    #[test]
    fn coordinates_are_short_and_stable() {
        assert_eq!(n(8.0), "8");
        assert_eq!(n(12.5), "12.5");
        assert_eq!(n(1.0 / 3.0), "0.33");
        assert_eq!(n(-0.001), "0");
    }
}
