//! Writing a criteria set back to the file format, so that an editor can work on the
//! typed [`CriteriaSet`] and hand the loader ordinary text: what is published is
//! always a file that [`super::parse`] has checked. `parse(&to_toml(&set))` gives the
//! same set back (tested over every shipped set).

use std::fmt::Write;

use super::{CriteriaSet, Measure, Rule, SetStatus, ShareScoring};
use crate::number::{Percent, Points};

/// The set as a criteria file: top-level keys, `[legal_basis]`, `[[subject_groups]]`,
/// `[[criteria]]` with their `[[criteria.indicators]]`, then `[rule]`.
pub fn to_toml(set: &CriteriaSet) -> String {
    let mut out = String::new();
    let w = &mut out;
    line(w, "id", &string(&set.id));
    line(w, "version", &string(&set.version));
    line(w, "model", &string(set.model.key()));
    line(w, "name", &string(&set.name));
    let status = match set.status {
        SetStatus::Official => "official",
        SetStatus::Provisional => "provisional",
    };
    line(w, "status", &string(status));
    if let Some(note) = &set.status_note {
        line(w, "status_note", &string(note));
    }
    if let Some(scale) = set.scale {
        line(w, "scale", &points(scale));
    }
    if set.step != Points::from_whole(1) {
        line(w, "step", &points(set.step));
    }
    line(w, "effective_from", &string(&set.effective_from.iso()));
    if let Some(to) = set.effective_to {
        line(w, "effective_to", &string(&to.iso()));
    }

    w.push_str("\n[legal_basis]\n");
    line(w, "number", &string(&set.legal_basis.number));
    line(w, "date", &string(&set.legal_basis.date.iso()));
    line(w, "issuer", &string(&set.legal_basis.issuer));
    if let Some(title) = &set.legal_basis.title {
        line(w, "title", &string(title));
    }

    for group in &set.subject_groups {
        w.push_str("\n[[subject_groups]]\n");
        line(w, "code", &string(&group.code));
        line(w, "name", &string(&group.name));
    }

    for criterion in &set.criteria {
        w.push_str("\n[[criteria]]\n");
        line(w, "code", &string(&criterion.code));
        line(w, "name", &string(&criterion.name));
        if let Some(p) = criterion.points {
            line(w, "points", &points(p));
        }
        if !criterion.points_by_group.is_empty() {
            let items: Vec<String> =
                criterion.points_by_group.iter().map(|(g, p)| format!("{} = {}", key(g), points(*p))).collect();
            line(w, "points_by_group", &format!("{{ {} }}", items.join(", ")));
        }
        for indicator in &criterion.indicators {
            w.push_str("\n[[criteria.indicators]]\n");
            line(w, "code", &string(&indicator.code));
            line(w, "text", &string(&indicator.text));
            match &indicator.measure {
                Measure::Points { max } => {
                    line(w, "kind", &string("points"));
                    line(w, "max", &points(*max));
                }
                Measure::Met { levels } => {
                    line(w, "kind", &string("met"));
                    if !levels.is_empty() {
                        line(w, "levels", &list(levels.iter().map(u8::to_string)));
                    }
                }
                Measure::Share { numerator_label, denominator_label, scoring } => {
                    line(w, "kind", &string("share"));
                    line(w, "numerator_label", &string(numerator_label));
                    line(w, "denominator_label", &string(denominator_label));
                    match scoring {
                        ShareScoring::Levels { minimums } => {
                            let in_order = minimums.iter().enumerate().all(|(i, m)| m.level as usize == i + 1);
                            if !in_order {
                                line(w, "levels", &list(minimums.iter().map(|m| m.level.to_string())));
                            }
                            line(w, "min_percent", &list(minimums.iter().map(|m| percent(m.min))));
                        }
                        ShareScoring::Points { max, rows } => {
                            line(w, "max", &points(*max));
                            let rows = rows
                                .iter()
                                .map(|r| format!("{{ min = {}, points = {} }}", percent(r.min), points(r.points)));
                            line(w, "points_by_percent", &list(rows));
                        }
                    }
                }
            }
            if let Some(hint) = &indicator.hint {
                line(w, "hint", &string(hint));
            }
            if let Some(note) = &indicator.note {
                line(w, "note", &string(note));
            }
            for (name, values) in
                [("tags", &indicator.tags), ("only_for", &indicator.only_for), ("groups", &indicator.groups)]
            {
                if !values.is_empty() {
                    line(w, name, &list(values.iter().map(|v| string(v))));
                }
            }
        }
    }

    w.push_str("\n[rule]\n");
    match &set.rule {
        Rule::PassMark { pass_mark, min_indicator, area_pass_marks, required } => {
            line(w, "kind", &string("pass_mark"));
            line(w, "pass_mark", &points(*pass_mark));
            if let Some(min) = min_indicator {
                line(w, "min_indicator", &points(*min));
            }
            if !area_pass_marks.is_empty() {
                let items = area_pass_marks
                    .iter()
                    .map(|a| format!("{{ area = {}, pass_mark = {} }}", string(&a.area), points(a.pass_mark)));
                line(w, "area_pass_marks", &list(items));
            }
            if !required.is_empty() {
                line(w, "required", &list(required.iter().map(|r| string(r))));
            }
        }
        Rule::Bands { bands, below, recognised_from } => {
            line(w, "kind", &string("bands"));
            let items = bands.iter().map(|b| format!("{{ name = {}, min = {} }}", string(&b.name), points(b.min)));
            line(w, "bands", &list(items));
            line(w, "below", &string(below));
            if let Some(band) = bands.get(*recognised_from) {
                line(w, "recognised_from", &string(&band.name));
            }
        }
        Rule::Levels { levels } => {
            line(w, "kind", &string("levels"));
            let items = levels.iter().map(|l| format!("{{ level = {}, name = {} }}", l.level, string(&l.name)));
            line(w, "levels", &list(items));
        }
    }
    out
}

fn line(out: &mut String, key: &str, value: &str) {
    let _ = writeln!(out, "{key} = {value}");
}

/// A TOML basic string with every character the format needs escaped.
fn string(text: &str) -> String {
    toml::Value::String(text.to_string()).to_string()
}

/// A bare key when it can be one, else a quoted key.
fn key(text: &str) -> String {
    let bare = !text.is_empty() && text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        text.to_string()
    } else {
        string(text)
    }
}

fn list(items: impl Iterator<Item = String>) -> String {
    format!("[{}]", items.collect::<Vec<_>>().join(", "))
}

/// Hundredths as a TOML number: `80`, `84.5`, `0.25`.
fn decimal(hundredths: i64) -> String {
    let (whole, frac) = (hundredths / 100, hundredths.abs() % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

fn points(p: Points) -> String {
    decimal(p.hundredths())
}

fn percent(p: Percent) -> String {
    // A percentage is always written as a float, as the format's examples do.
    let text = decimal(p.hundredths());
    if text.contains('.') {
        text
    } else {
        format!("{text}.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::criteria::{parse, shipped};

    #[test]
    fn every_shipped_set_survives_a_round_trip() {
        let sets = shipped::all();
        assert_eq!(sets.len(), shipped::FILES.len());
        for set in sets {
            let text = to_toml(&set);
            let parsed = parse(&text);
            let errors: Vec<_> = parsed.diagnostics.iter().filter(|d| d.is_error()).collect();
            assert!(errors.is_empty(), "{}: {errors:?}\n{text}", set.id);
            assert_eq!(parsed.set.as_ref(), Some(&set), "{}", set.id);
            // Writing is stable: the written file writes itself again identically.
            assert_eq!(parsed.set.as_ref().map(to_toml), Some(text), "{}", set.id);
        }
    }

    #[test]
    fn odd_texts_and_half_points_round_trip() {
        let mut set = shipped::get("gdht-448-2016").expect("shipped");
        set.name = "Bộ \"mới\"\\ có\nxuống dòng\tvà tab".to_string();
        set.step = Points::from_f64(0.5).expect("points");
        let first = &mut set.criteria[0];
        first.indicators[0].measure = Measure::Points { max: Points::from_f64(9.5).expect("points") };
        first.indicators[1].measure = Measure::Points { max: Points::from_f64(10.5).expect("points") };
        let parsed = parse(&to_toml(&set));
        assert_eq!(parsed.set, Some(set));
    }
}
