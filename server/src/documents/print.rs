//! Printable A4 HTML documents: the annual report, the five-year review and the
//! recognition decision, laid out per Nghị định 30/2020/NĐ-CP (Phụ lục I): issuing body
//! and national motto side by side, number and symbol, place and date, title, body,
//! "Nơi nhận" and signature block. Pure functions of `hoctap_shared::annual` values
//! returning complete documents with everything inline (one `<style>`, SVG charts), so
//! a page saved to disk or opened offline prints the same; nothing is fetched.
//!
//! What we do not know is left blank rather than invented: the number of a draft
//! report, the date of an unsigned draft, the signer's name.

use hoctap_shared::annual::{AnnualReport, DecisionDocument, ReportRow, Review, ReviewRow, SourceNote};
use hoctap_shared::criteria::Model;
use hoctap_shared::date::Date;
use hoctap_shared::number::{percent_number, Percent};
use hoctap_shared::protocol::RecordKind;
use hoctap_shared::report::VersionInfo;
use hoctap_shared::scoring::result_words;
use hoctap_shared::units::UnitKind;

use super::svg::{progress_svg, trend_svg};

/// Escapes text for HTML content and attribute values: `& < > " '`.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A date as the decree writes it in a document: `ngày 05 tháng 02 năm 2026`. Days
/// below 10 and the months January and February take a leading zero, other months do
/// not (`ngày 20 tháng 11`, `ngày 03 tháng 6`).
pub fn date_words(date: Date) -> String {
    let month = if date.month() <= 2 { format!("{:02}", date.month()) } else { date.month().to_string() };
    format!("ngày {:02} tháng {month} năm {}", date.day(), date.year())
}

/// The place name of the date line: the unit's name without its type word (`Xã Cửu An`
/// → `Cửu An`). Units named by a number or after a person keep their full name, as the
/// decree asks (`Phường 15`, `Thành phố Hồ Chí Minh`).
pub fn place_of(unit_name: &str) -> &str {
    const TYPES: [&str; 9] =
        ["Xã ", "Phường ", "Thị trấn ", "Thị xã ", "Đặc khu ", "Tỉnh ", "Thành phố ", "Huyện ", "Quận "];
    let name = unit_name.trim();
    for prefix in TYPES {
        if let Some(rest) = name.strip_prefix(prefix) {
            let rest = rest.trim();
            let keeps_type = rest.starts_with(|c: char| c.is_ascii_digit()) || rest == "Hồ Chí Minh";
            return if keeps_type || rest.is_empty() { name } else { rest };
        }
    }
    name
}

/// The name with a lower-case first letter, to follow another word: `Xã Cửu An` →
/// `xã Cửu An` in `Ủy ban nhân dân xã Cửu An`.
fn lower_first(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |c| c.to_lowercase().chain(chars).collect())
}

/// Joins `a`, `b` and `c` as Vietnamese lists them: `a, b và c`.
fn join_and(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} và {last}", init.join(", ")),
    }
}

/// A count with a dot between thousands: `12.345`.
fn count(n: u64) -> String {
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

fn percent_or_dash(p: Option<Percent>) -> String {
    p.map_or_else(|| "—".to_string(), |p| p.to_string())
}

/// Percentage points without the `%` sign, signed: `+12,5`, `-3`, `0`.
fn points(p: Percent) -> String {
    let text = percent_number(p);
    if p.hundredths() > 0 {
        format!("+{text}")
    } else {
        text.to_string()
    }
}

/// Who issues a document, which decides its header, its symbol and its signature.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Issuer {
    /// Ủy ban nhân dân of a unit; holds the unit part, upper-case (`XÃ CỬU AN`).
    Committee(String),
    /// Any other body, e.g. a Hội Khuyến học; holds its name, upper-case.
    Association(String),
    /// A hamlet reports through its head (trưởng thôn); holds its name, upper-case.
    Hamlet(String),
}

impl Issuer {
    /// The issuer of a unit's own report.
    fn of_unit(level: UnitKind, name: &str) -> Issuer {
        match level {
            UnitKind::Hamlet => Issuer::Hamlet(name.trim().to_uppercase()),
            _ => Issuer::Committee(name.trim().to_uppercase()),
        }
    }

    /// The issuer named by a decision, `Ủy ban nhân dân xã Cửu An`.
    fn of_authority(authority: &str) -> Issuer {
        let upper = authority.trim().to_uppercase();
        for prefix in ["ỦY BAN NHÂN DÂN", "UỶ BAN NHÂN DÂN"] {
            if let Some(rest) = upper.strip_prefix(prefix) {
                if rest.is_empty() || rest.starts_with(' ') {
                    return Issuer::Committee(rest.trim().to_string());
                }
            }
        }
        Issuer::Association(upper)
    }

    /// The lines of the issuing body in the header, all bold: the body's own name.
    fn lines(&self) -> Vec<String> {
        match self {
            Issuer::Committee(rest) if rest.is_empty() => vec!["ỦY BAN NHÂN DÂN".to_string()],
            Issuer::Committee(rest) => vec!["ỦY BAN NHÂN DÂN".to_string(), rest.clone()],
            Issuer::Association(name) | Issuer::Hamlet(name) => vec![name.clone()],
        }
    }

    /// The body as the decision's title line names it when it decides.
    fn deciding_line(&self) -> String {
        match self {
            Issuer::Committee(rest) => format!("ỦY BAN NHÂN DÂN {rest}").trim().to_string(),
            Issuer::Association(name) => format!("BAN CHẤP HÀNH {name}"),
            Issuer::Hamlet(name) => format!("TRƯỞNG {name}"),
        }
    }

    /// The symbol after the number: `/BC-UBND`, `/QĐ-UBND`.
    fn symbol(&self, kind: &str) -> String {
        match self {
            Issuer::Committee(_) => format!("/{kind}-UBND"),
            Issuer::Association(_) | Issuer::Hamlet(_) => format!("/{kind}"),
        }
    }

    /// The signature block's first lines: on whose behalf (`TM. …`), then the office.
    fn signature(&self) -> (Option<&'static str>, &'static str) {
        match self {
            Issuer::Committee(_) => (Some("TM. ỦY BAN NHÂN DÂN"), "CHỦ TỊCH"),
            Issuer::Association(_) => (Some("TM. BAN CHẤP HÀNH"), "CHỦ TỊCH"),
            Issuer::Hamlet(_) => (None, "TRƯỞNG THÔN"),
        }
    }

    /// The issuer in running text, `Ủy ban nhân dân xã Cửu An`.
    fn in_text(&self, unit_name: &str) -> String {
        match self {
            Issuer::Committee(_) => format!("Ủy ban nhân dân {}", lower_first(unit_name.trim())),
            Issuer::Association(_) | Issuer::Hamlet(_) => unit_name.trim().to_string(),
        }
    }
}

/// The two-column header of Phụ lục I: issuing body and number on the left, national
/// motto and place and date on the right. `number` is HTML (it may hold a blank).
fn header(issuer: &Issuer, number_html: &str, place: &str, date: Option<Date>, year: i32) -> String {
    let body: String = issuer.lines().iter().map(|line| format!("<div class=\"org\">{}</div>", escape(line))).collect();
    let date_html = match date {
        Some(date) => escape(&date_words(date)),
        None => format!("ngày <span class=\"blank\"></span> tháng <span class=\"blank\"></span> năm {year}"),
    };
    format!(
        "<table class=\"header\"><colgroup><col class=\"left\"><col class=\"right\"></colgroup>\n\
         <tr><td class=\"issuer\">{body}<div class=\"rule short\"></div></td>\
         <td class=\"motto\"><div class=\"nation\">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>\
         <div class=\"slogan\"><span>Độc lập - Tự do - Hạnh phúc</span></div></td></tr>\n\
         <tr><td class=\"number\">Số: {number_html}</td>\
         <td class=\"place-date\">{}, {date_html}</td></tr>\n</table>\n",
        escape(place)
    )
}

/// The title: the document's type, then its subject (trích yếu) with a short rule.
fn title(kind: &str, subject: &str) -> String {
    format!(
        "<div class=\"title\"><p class=\"doc-type\">{}</p><p class=\"doc-subject\">{}</p>\
         <div class=\"rule title-rule\"></div></div>\n",
        escape(kind),
        escape(subject)
    )
}

/// "Nơi nhận" on the left (each recipient, then `Lưu: VT.`) and the signature block on
/// the right, with room to sign and a dotted line for the signer's name, which we do
/// not know.
fn closing(issuer: &Issuer, recipients: &[String]) -> String {
    let items: String = recipients
        .iter()
        .map(|r| format!("<li>- {};</li>", escape(r)))
        .chain(std::iter::once("<li>- Lưu: VT.</li>".to_string()))
        .collect();
    let (on_behalf, office) = issuer.signature();
    let on_behalf = on_behalf.map_or_else(String::new, |t| format!("<div class=\"sign-role\">{t}</div>"));
    format!(
        "<table class=\"closing\"><tr><td class=\"recipients\"><p class=\"recipients-title\">Nơi nhận:</p>\
         <ul>{items}</ul></td><td class=\"signature\">{on_behalf}<div class=\"sign-role\">{office}</div>\
         <div class=\"sign-space\"></div><div class=\"sign-name\"><span class=\"dots\"></span></div>\
         </td></tr></table>\n"
    )
}

/// The bodies a report goes to, as the plan or the province names them, one per line:
/// `A; B` is two.
fn recipients(to: Option<&str>) -> Vec<String> {
    to.unwrap_or_default().split(';').map(str::trim).filter(|t| !t.is_empty()).map(str::to_string).collect()
}

/// The last sections and the closing: the last non-empty section is kept on one page
/// with the signature block, so the signature never stands alone on a page.
fn ending(mut sections: Vec<String>, closing: &str) -> String {
    sections.retain(|s| !s.is_empty());
    let last = sections.pop().unwrap_or_default();
    let mut out: String = sections.concat();
    out.push_str(&format!("<div class=\"keep\">\n{last}{closing}</div>\n"));
    out
}

/// Paragraphs from text the officer typed: each non-empty line is one paragraph.
fn paragraphs(text: &str) -> String {
    let lines: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
    if lines.is_empty() {
        // On screen the gap is named; on paper it is a few lines to write on.
        return "<p class=\"empty screen-only\">(Chưa nhập)</p>\
                <div class=\"fill print-only\"><div></div><div></div><div></div></div>\n"
            .to_string();
    }
    lines.iter().map(|l| format!("<p class=\"para\">{}</p>\n", escape(l))).collect()
}

const STYLE: &str = r#"
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body {
  margin: 0; background: #d4d4d4; color: #000; font-size: 14pt; line-height: 1.3;
  font-family: "Times New Roman", Times, "Liberation Serif", Tinos, "Noto Serif", "DejaVu Serif", serif;
}
.sheet {
  box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 8mm auto; padding: 20mm 15mm 20mm 30mm;
  background: #fff; box-shadow: 0 0.5mm 2mm rgba(0, 0, 0, 0.35);
}
.annex { break-before: page; page-break-before: always; }
p { margin: 0 0 6pt; }
p.para { text-align: justify; text-indent: 10mm; }
table.header { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 0 0 10mm; }
table.header col.left { width: 38%; }
table.header col.right { width: 62%; }
table.header td { padding: 0; text-align: center; vertical-align: top; }
.org { font-size: 13pt; font-weight: bold; line-height: 1.25; }
.nation { font-size: 12.5pt; font-weight: bold; line-height: 1.25; white-space: nowrap; }
.slogan { font-size: 13.5pt; font-weight: bold; line-height: 1.25; }
.slogan span { display: inline-block; border-bottom: 0.75pt solid #000; padding-bottom: 1pt; }
.rule { border-top: 0.75pt solid #000; margin: 2pt auto 0; }
.rule.short { width: 22mm; }
table.header td.number { font-size: 13pt; padding-top: 6pt; }
table.header td.place-date { font-size: 14pt; font-style: italic; padding-top: 6pt; }
.blank { display: inline-block; width: 8mm; }
.title { margin: 0 0 8pt; break-after: avoid; page-break-after: avoid; }
.doc-type, .doc-subject { text-align: center; font-weight: bold; font-size: 14pt; margin: 0; }
.title-rule { width: 35mm; margin-top: 4pt; }
.annex .title-rule { margin-bottom: 6mm; }
.meta { text-align: center; font-style: italic; font-size: 12pt; margin: 0 0 8pt; }
h2 { font-size: 14pt; font-weight: bold; margin: 10pt 0 4pt; break-after: avoid; page-break-after: avoid; }
h3 {
  font-size: 13pt; font-weight: bold; font-style: italic; margin: 8pt 0 4pt; break-after: avoid;
  page-break-after: avoid;
}
table.data { width: 100%; border-collapse: collapse; font-size: 11.5pt; line-height: 1.2; margin: 0 0 6pt; }
table.data th, table.data td { border: 0.75pt solid #000; padding: 1mm 1.3mm; vertical-align: top; }
table.data th { text-align: center; vertical-align: middle; }
table.data td.num { text-align: right; white-space: nowrap; }
table.data td.num.wrap { white-space: normal; }
table.data td.c { text-align: center; }
table.data.fixed { table-layout: fixed; }
table.data.review { font-size: 10.5pt; }
table.data.review td.num { padding-left: 0.6mm; padding-right: 0.8mm; }
table.data td.ratio-name { font-weight: bold; }
table.data td.name { font-size: 10.5pt; }
table.data tr.secondary td { font-style: italic; }
table.data tr.secondary td.name { padding-left: 5mm; }
thead { display: table-header-group; }
tr, tbody.ratio, figure, table.closing, .keep { break-inside: avoid; page-break-inside: avoid; }
.small { font-size: 12pt; }
figure { margin: 2mm 0 4mm; }
figure svg { display: block; width: 100%; height: auto; }
figcaption { font-size: 12pt; font-style: italic; margin-bottom: 1mm; }
.basis p { font-style: italic; text-align: justify; text-indent: 10mm; margin: 0 0 3pt; }
.deciding { text-align: center; font-weight: bold; margin: 6pt 0 8pt; }
.decides { text-align: center; font-weight: bold; margin: 8pt 0; }
.article b { font-weight: bold; }
table.closing { width: 100%; border-collapse: collapse; table-layout: fixed; margin-top: 10pt; }
table.closing td { vertical-align: top; padding: 0; }
td.recipients { width: 45%; }
.recipients-title { font-size: 12pt; font-weight: bold; font-style: italic; margin: 0; }
.recipients ul { list-style: none; margin: 0; padding: 0; font-size: 11pt; line-height: 1.25; }
td.signature { text-align: center; }
.sign-role { font-size: 14pt; font-weight: bold; line-height: 1.3; }
.sign-space { height: 26mm; }
.dots { display: inline-block; width: 50mm; border-bottom: 1pt dotted #000; }
.fill div { height: 8mm; border-bottom: 1pt dotted #000; }
.empty { color: #666; font-style: italic; }
.print-only { display: none; }
.annex-title { text-align: center; font-weight: bold; margin: 0; }
.annex-ref { text-align: center; font-style: italic; margin: 0; }
@media print {
  body { background: none; }
  .sheet { width: auto; min-height: 0; margin: 0; padding: 0; box-shadow: none; }
  .screen-only { display: none; }
  .print-only { display: block; }
}
"#;

/// A complete document: each of `sheets` is one `<section>` (the first page and, for a
/// decision, the attached list on its own page).
fn document(doc_title: &str, sheets: &[String]) -> String {
    let mut out = format!(
        "<!doctype html>\n<html lang=\"vi\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(doc_title)
    );
    for (i, sheet) in sheets.iter().enumerate() {
        let class = if i == 0 { "sheet" } else { "sheet annex" };
        out.push_str(&format!("<section class=\"{class}\">\n{sheet}</section>\n"));
    }
    out.push_str("</body>\n</html>\n");
    out
}

/// The annual report of a unit. `version` is the submitted version shown, `None` for
/// the draft computed now (no number, no date: they are written when it is signed).
pub fn report_html(report: &AnnualReport, version: Option<&VersionInfo>) -> String {
    let issuer = Issuer::of_unit(report.level, &report.name);
    let number = format!("<span class=\"blank\"></span>{}", escape(&issuer.symbol("BC")));
    let year = version.map_or(report.as_of.year(), |v| v.submitted_on.year());
    let mut out = header(&issuer, &number, place_of(&report.name), version.map(|v| v.submitted_on), year);
    out.push_str(&title("BÁO CÁO", &format!("Kết quả xây dựng mô hình học tập năm {}", report.year)));

    let mut meta = Vec::new();
    // The meta line is itself separated by semicolons: the recipients are joined by "và".
    let to = Some(recipients(report.deadline_to.as_deref()).join(" và ")).filter(|t| !t.is_empty());
    meta.push(match (report.deadline, &to) {
        (Some(d), Some(to)) => format!("Hạn gửi báo cáo: {d}, gửi {to}"),
        (Some(d), None) => format!("Hạn gửi báo cáo: {d}"),
        (None, _) => "Không có hạn gửi báo cáo".to_string(),
    });
    meta.push(match version {
        Some(v) => {
            let timing = match v.on_time {
                Some(true) => ", đúng hạn",
                Some(false) => ", quá hạn",
                None => "",
            };
            format!("Bản nộp lần {}, ngày {}{timing}", v.version, v.submitted_on)
        }
        None => report.draft_words(),
    });
    meta.push(format!("Số liệu tính đến ngày {}", report.as_of));
    out.push_str(&format!("<p class=\"meta\">{}.</p>\n", escape(&meta.join("; "))));

    let reporter = issuer.in_text(&report.name);
    let intro = if report.plans.is_empty() {
        format!("{reporter} báo cáo kết quả xây dựng mô hình học tập năm {} như sau:", report.year)
    } else {
        format!(
            "Thực hiện {}, {reporter} báo cáo kết quả xây dựng mô hình học tập năm {} như sau:",
            report.plans.join("; "),
            report.year
        )
    };
    out.push_str(&format!("<p class=\"para\">{}</p>\n", escape(&intro)));

    out.push_str("<h2>I. KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU</h2>\n<h3>1. Các chỉ tiêu tính từ số liệu</h3>\n");
    out.push_str(&report_rows_table(&report.rows));
    out.push_str(&format!(
        "<p class=\"small\"><i>Ghi chú:</i> Đánh giá theo chỉ tiêu năm 2025 đến hết năm 2025, từ năm 2026 theo chỉ \
         tiêu năm 2030. “Đúng tiến độ”: chưa đạt chỉ tiêu nhưng không thấp hơn mức dự kiến của năm {} theo lộ trình \
         đều đến năm của chỉ tiêu. Cột “Còn thiếu” tính bằng điểm phần trăm.</p>\n",
        report.year
    ));
    let charted: Vec<&ReportRow> =
        report.primary_rows().filter(|r| r.target_2025.is_some() || r.target_2030.is_some()).collect();
    if !charted.is_empty() {
        out.push_str("<h3>2. Biểu đồ tiến độ so với chỉ tiêu</h3>\n");
        for (i, row) in charted.iter().enumerate() {
            out.push_str(&format!(
                "<figure><figcaption>Biểu đồ {}. {} ({})</figcaption>{}</figure>\n",
                i + 1,
                escape(&row.name),
                escape(&lower_first(&row.reading_label)),
                progress_svg(row)
            ));
        }
    }
    if !report.hand_targets.is_empty() {
        let n = if charted.is_empty() { 2 } else { 3 };
        out.push_str(&format!("<h3>{n}. Chỉ tiêu báo cáo thủ công</h3>\n"));
        out.push_str(&hand_targets_table(report));
    }

    out.push_str("<h2>II. KẾT QUẢ ĐÁNH GIÁ, CÔNG NHẬN DANH HIỆU</h2>\n");
    out.push_str(&models_table(report));
    out.push_str(&self_assessment_line(report));
    out.push_str("<h2>III. KẾT QUẢ CỦA CÁC ĐƠN VỊ TRỰC THUỘC</h2>\n");
    out.push_str(&children_table(report));

    let numerals = ["IV", "V", "VI", "VII"];
    let mut sections: Vec<String> = numerals
        .iter()
        .zip(report.narrative.sections())
        .map(|(numeral, (heading, text))| {
            format!("<h2>{numeral}. {}</h2>\n{}", escape(&heading.to_uppercase()), paragraphs(text))
        })
        .collect();
    sections.push(source_notes("VIII", &report.sources, &report.unassigned));
    let recipients = recipients(report.deadline_to.as_deref());
    out.push_str(&ending(sections, &closing(&issuer, &recipients)));
    let doc_title = format!("Báo cáo kết quả xây dựng mô hình học tập năm {} - {}", report.year, report.name);
    document(&doc_title, &[out])
}

/// Section I's table. Each ratio is one block that does not split across pages: its
/// name across the table, then one line per reading — the first, on which the status is
/// decided, with the targets; the others indented below it.
fn report_rows_table(rows: &[ReportRow]) -> String {
    let mut out = String::from(
        "<table class=\"data fixed\"><colgroup><col style=\"width: 10mm\"><col><col style=\"width: 14mm\">\
         <col style=\"width: 14mm\"><col style=\"width: 15mm\"><col style=\"width: 14mm\"><col style=\"width: 14mm\">\
         <col style=\"width: 16mm\"><col style=\"width: 19mm\"></colgroup>\n\
         <thead><tr><th>STT</th><th>Chỉ tiêu</th><th>Tử số</th><th>Mẫu số</th><th>Tỷ lệ</th><th>Chỉ tiêu 2025</th>\
         <th>Chỉ tiêu 2030</th><th>Còn thiếu</th><th>Đánh giá</th></tr></thead>\n",
    );
    for (number, ratio) in rows.chunk_by(|a, b| a.indicator == b.indicator).enumerate() {
        out.push_str(&format!(
            "<tbody class=\"ratio\"><tr><td class=\"c\" rowspan=\"{}\">{}</td><td class=\"ratio-name\" colspan=\"8\">{}\
             </td></tr>\n",
            ratio.len() + 1,
            number + 1,
            escape(ratio[0].name.as_str())
        ));
        for row in ratio {
            let figures = format!(
                "<td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>",
                count(row.numerator),
                count(row.denominator),
                percent_or_dash(row.percent)
            );
            if row.primary {
                let gap = match row.gap {
                    Some(g) if g.hundredths() < 0 => format!("vượt {}", unsigned_points(g)),
                    Some(g) => unsigned_points(g),
                    None => "—".to_string(),
                };
                out.push_str(&format!(
                    "<tr><td class=\"name\">{}</td>{figures}<td class=\"num\">{}</td><td class=\"num\">{}</td>\
                     <td class=\"num wrap\">{}</td><td class=\"c\">{}</td></tr>\n",
                    escape(&row.reading_label),
                    percent_or_dash(row.target_2025),
                    percent_or_dash(row.target_2030),
                    escape(&gap),
                    escape(row.status.label())
                ));
            } else {
                out.push_str(&format!(
                    "<tr class=\"secondary\"><td class=\"name\">{}</td>{figures}<td></td><td></td><td></td><td></td>\
                     </tr>\n",
                    escape(&row.reading_label)
                ));
            }
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    out
}

/// Percentage points without sign or `%`: `12,5`.
fn unsigned_points(p: Percent) -> String {
    percent_number(p.abs())
}

fn hand_targets_table(report: &AnnualReport) -> String {
    let mut out = String::from(
        "<table class=\"data fixed\"><colgroup><col style=\"width: 10mm\"><col><col style=\"width: 16mm\">\
         <col style=\"width: 16mm\"><col style=\"width: 28mm\"><col style=\"width: 30mm\"></colgroup>\
         <thead><tr><th>STT</th><th>Chỉ tiêu</th><th>Chỉ tiêu 2025</th><th>Chỉ tiêu 2030</th>\
         <th>Đơn vị chủ trì</th><th>Kết quả thực hiện</th></tr></thead>\n<tbody>\n",
    );
    for (i, target) in report.hand_targets.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td class=\"c\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td>{}</td>\
             <td></td></tr>\n",
            i + 1,
            escape(&target.text),
            percent_or_dash(target.target_2025),
            percent_or_dash(target.target_2030),
            escape(target.responsible.as_deref().unwrap_or(""))
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// Results in reading order: granted first, then bands and levels, then the failures
/// (a band named "Chưa đạt" among them), then evaluations not finished.
fn result_rank(key: &str) -> u8 {
    match key.split_once(':') {
        _ if key == "recognised" => 0,
        Some(("band", name)) if name.starts_with("Chưa") || name.starts_with("Không") => 2,
        Some(("band" | "level", _)) => 1,
        _ if matches!(key, "not_recognised" | "not_rated" | "no_level") => 2,
        _ if key == "incomplete" => 3,
        _ => 4,
    }
}

fn models_table(report: &AnnualReport) -> String {
    let mut out = String::from(
        "<table class=\"data fixed\"><colgroup><col style=\"width: 10mm\"><col style=\"width: 42mm\">\
         <col style=\"width: 19mm\"><col style=\"width: 17mm\"><col style=\"width: 19mm\"><col></colgroup>\
         <thead><tr><th>STT</th><th>Danh hiệu</th><th>Số được đánh giá</th>\
         <th>Đã gửi xét</th><th>Đã công nhận</th><th>Kết quả chấm</th></tr></thead>\n<tbody>\n",
    );
    for (i, row) in report.models.iter().enumerate() {
        let mut results: Vec<(&String, &u64)> = row.counts.by_result.iter().collect();
        results.sort_by_key(|(key, _)| result_rank(key));
        let mut details: Vec<String> =
            results.iter().map(|(key, n)| format!("{}: {}", result_words(key), count(**n))).collect();
        if !row.sets.is_empty() {
            details.push(format!("chấm theo bộ tiêu chí {}", sets_used(&row.sets)));
        }
        out.push_str(&format!(
            "<tr><td class=\"c\">{}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{}</td><td>{}</td></tr>\n",
            i + 1,
            escape(&row.title),
            count(row.counts.evaluated),
            count(row.counts.submitted),
            count(row.counts.recognised),
            escape(&details.join("; "))
        ));
    }
    out.push_str("</tbody></table>\n");
    out
}

/// What citizens' self-assessments came to, when any came: one sentence under the
/// models' table.
fn self_assessment_line(report: &AnnualReport) -> String {
    let counts = report.self_assessment;
    if counts.self_assessed == 0 {
        return String::new();
    }
    format!(
        "<p>Người dân tự đánh giá “Công dân học tập” qua đường dẫn: {} người; đã ghép với sổ: {}; đã chấm, gửi xét \
         duyệt: {}; đã công nhận: {}.</p>\n",
        count(counts.self_assessed),
        count(counts.matched),
        count(counts.reviewed),
        count(counts.recognised)
    )
}

/// The criteria sets and versions a model's evaluations were scored with:
/// `QĐ 448/QĐ-KHVN ngày 04/10/2016, bản 2016.1 (12 phiếu)`.
pub(crate) fn sets_used(sets: &[hoctap_shared::annual::SetUse]) -> String {
    let each: Vec<String> = sets.iter().map(|s| format!("{} ({} phiếu)", s.label, count(s.evaluations))).collect();
    each.join("; ")
}

fn children_table(report: &AnnualReport) -> String {
    if report.children.is_empty() {
        return "<p class=\"para\">Không có đơn vị trực thuộc.</p>\n".to_string();
    }
    let mut models: Vec<Model> = report.children.iter().flat_map(|c| c.recognised.keys().copied()).collect();
    models.sort();
    models.dedup();
    let mut out = String::from(
        "<table class=\"data fixed\"><colgroup><col style=\"width: 10mm\"><col style=\"width: 45mm\"><col>",
    );
    out.push_str(&"<col>".repeat(models.len()));
    out.push_str("</colgroup><thead><tr><th>STT</th><th>Đơn vị</th><th>Số phiếu đánh giá</th>");
    for model in &models {
        out.push_str(&format!("<th>{}</th>", escape(model.title())));
    }
    out.push_str("</tr></thead>\n<tbody>\n");
    for (i, child) in report.children.iter().enumerate() {
        out.push_str(&format!(
            "<tr><td class=\"c\">{}</td><td>{}</td><td class=\"num\">{}</td>",
            i + 1,
            escape(&child.name),
            count(child.evaluated)
        ));
        for model in &models {
            out.push_str(&format!(
                "<td class=\"num\">{}</td>",
                count(child.recognised.get(model).copied().unwrap_or(0))
            ));
        }
        out.push_str("</tr>\n");
    }
    out.push_str("</tbody></table>\n");
    if !models.is_empty() {
        out.push_str("<p class=\"small\"><i>Các cột danh hiệu: số được công nhận trong năm.</i></p>\n");
    }
    out
}

/// The section naming old units whose records are counted here, and old hamlets left
/// out; empty when there are none.
fn source_notes(numeral: &str, sources: &[SourceNote], unassigned: &[SourceNote]) -> String {
    if sources.is_empty() && unassigned.is_empty() {
        return String::new();
    }
    let describe =
        |notes: &[SourceNote]| notes.iter().map(|n| format!("{} ({})", n.name, n.how)).collect::<Vec<_>>().join("; ");
    let mut out = format!("<h2>{numeral}. GHI CHÚ VỀ SỐ LIỆU</h2>\n");
    if !sources.is_empty() {
        let text = format!("Số liệu gộp từ các đơn vị trước sắp xếp ngày 01/07/2025: {}.", describe(sources));
        out.push_str(&format!("<p class=\"para\">{}</p>\n", escape(&text)));
    }
    if !unassigned.is_empty() {
        let text = format!(
            "Thôn thuộc một phần đơn vị cũ chưa được phân về đơn vị mới, chưa tính vào số liệu: {}.",
            describe(unassigned)
        );
        out.push_str(&format!("<p class=\"para\">{}</p>\n", escape(&text)));
    }
    out
}

/// The five-year review (sơ kết) of a unit: each ratio over the years, its trend
/// against the targets, and the titles recognised per year.
pub fn review_html(review: &Review) -> String {
    let issuer = if review.unit.starts_with("hamlet:") {
        Issuer::Hamlet(review.name.trim().to_uppercase())
    } else {
        Issuer::Committee(review.name.trim().to_uppercase())
    };
    let number = format!("<span class=\"blank\"></span>{}", escape(&issuer.symbol("BC")));
    let mut out = header(&issuer, &number, place_of(&review.name), None, review.as_of.year());
    let span = review.to - review.from + 1;
    let range = format!("{}–{}", review.from, review.to);
    out.push_str(&title(&format!("BÁO CÁO SƠ KẾT {span} NĂM ({range})"), "Kết quả xây dựng mô hình học tập"));
    out.push_str(&format!("<p class=\"meta\">Số liệu tính đến ngày {}.</p>\n", review.as_of));
    let intro = format!(
        "{} báo cáo sơ kết kết quả xây dựng mô hình học tập giai đoạn {range} như sau:",
        issuer.in_text(&review.name)
    );
    out.push_str(&format!("<p class=\"para\">{}</p>\n", escape(&intro)));

    out.push_str("<h2>I. KẾT QUẢ CÁC CHỈ TIÊU QUA CÁC NĂM</h2>\n");
    out.push_str(&review_rows_table(review));
    out.push_str(&format!(
        "<p class=\"small\"><i>Ghi chú:</i> Cột “Thay đổi” là số điểm phần trăm tăng (giảm) từ năm đầu đến năm cuối \
         có số liệu; cột “Đánh giá” là kết quả năm {}.</p>\n",
        review.to
    ));
    let charted: Vec<&ReviewRow> =
        review.rows.iter().filter(|r| r.primary && r.years.iter().any(|c| c.percent.is_some())).collect();
    if !charted.is_empty() {
        out.push_str("<h3>Biểu đồ diễn biến qua các năm</h3>\n");
        for (i, row) in charted.iter().enumerate() {
            out.push_str(&format!(
                "<figure><figcaption>Biểu đồ {}. {} ({})</figcaption>{}</figure>\n",
                i + 1,
                escape(&row.name),
                escape(&lower_first(&row.reading_label)),
                trend_svg(row)
            ));
        }
        let uncharted = review.rows.iter().filter(|r| r.primary).count() - charted.len();
        if uncharted > 0 {
            out.push_str(&format!(
                "<p class=\"small\"><i>{uncharted} chỉ tiêu chưa có số liệu trong giai đoạn, \
                 không vẽ biểu đồ.</i></p>\n"
            ));
        }
    }

    out.push_str("<h2>II. DANH HIỆU ĐƯỢC CÔNG NHẬN QUA CÁC NĂM</h2>\n");
    out.push_str("<table class=\"data\"><thead><tr><th>STT</th><th>Danh hiệu</th>");
    for year in review.from..=review.to {
        out.push_str(&format!("<th>{year}</th>"));
    }
    out.push_str("<th>Tổng</th></tr></thead>\n<tbody>\n");
    for (i, row) in review.models.iter().enumerate() {
        out.push_str(&format!("<tr><td class=\"c\">{}</td><td>{}</td>", i + 1, escape(&row.title)));
        for n in &row.recognised {
            out.push_str(&format!("<td class=\"num\">{}</td>", count(*n)));
        }
        out.push_str(&format!("<td class=\"num\"><b>{}</b></td></tr>\n", count(row.total)));
    }
    out.push_str("</tbody></table>\n");
    let notes = source_notes("III", &review.sources, &review.unassigned);
    out.push_str(&ending(vec![notes], &closing(&issuer, &[])));
    let doc_title = format!("Báo cáo sơ kết {span} năm ({range}) - {}", review.name);
    document(&doc_title, &[out])
}

fn review_rows_table(review: &Review) -> String {
    let years = (review.to - review.from + 1).max(0) as usize;
    let mut out = String::from(
        "<table class=\"data fixed review\"><colgroup><col style=\"width: 10mm\"><col style=\"width: 36mm\">",
    );
    out.push_str(&"<col>".repeat(years));
    out.push_str(
        "<col style=\"width: 13mm\"><col style=\"width: 12mm\"><col style=\"width: 12mm\">\
         <col style=\"width: 17mm\"></colgroup>\n<thead><tr><th>STT</th><th>Chỉ tiêu</th>",
    );
    for year in review.from..=review.to {
        out.push_str(&format!("<th>{year}</th>"));
    }
    out.push_str(&format!(
        "<th>Thay đổi</th><th>Chỉ tiêu 2025</th><th>Chỉ tiêu 2030</th><th>Đánh giá {}</th></tr></thead>\n",
        review.to
    ));
    for (number, ratio) in review.rows.chunk_by(|a, b| a.indicator == b.indicator).enumerate() {
        out.push_str(&format!(
            "<tbody class=\"ratio\"><tr><td class=\"c\" rowspan=\"{}\">{}</td>\
             <td class=\"ratio-name\" colspan=\"{}\">{}</td></tr>\n",
            ratio.len() + 1,
            number + 1,
            years + 5,
            escape(ratio[0].name.as_str())
        ));
        for row in ratio {
            let cells: String =
                row.years.iter().map(|c| format!("<td class=\"num\">{}</td>", percent_or_dash(c.percent))).collect();
            let change = row.change.map_or_else(|| "—".to_string(), points);
            if row.primary {
                out.push_str(&format!(
                    "<tr><td class=\"name\">{}</td>{cells}<td class=\"num\">{}</td><td class=\"num\">{}</td>\
                     <td class=\"num\">{}</td><td class=\"c\">{}</td></tr>\n",
                    escape(&row.reading_label),
                    escape(&change),
                    percent_or_dash(row.target_2025),
                    percent_or_dash(row.target_2030),
                    escape(row.status.label())
                ));
            } else {
                out.push_str(&format!(
                    "<tr class=\"secondary\"><td class=\"name\">{}</td>{cells}<td class=\"num\">{}</td>\
                     <td></td><td></td><td></td></tr>\n",
                    escape(&row.reading_label),
                    escape(&change)
                ));
            }
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    out
}

/// "Công nhận ngoại lệ: <lý do>" for a title granted although the criteria set's rules do
/// not grant it.
pub fn override_note(decision: Option<&hoctap_shared::protocol::Decision>) -> Option<String> {
    let reason = decision?.override_reason.as_deref()?.trim();
    (!reason.is_empty()).then(|| format!("Công nhận ngoại lệ: {reason}"))
}

/// Who holds a title, in the decision's words: `công dân`, `hộ gia đình` …
fn holder(model: Model) -> &'static str {
    match model {
        Model::LearningCitizen => "công dân",
        Model::LearningFamily => "hộ gia đình",
        Model::LearningClan => "dòng họ",
        Model::LearningCommunity => "thôn, tổ dân phố",
        Model::LearningUnit => "cơ quan, đơn vị",
        Model::LearningCommune => "xã, phường",
    }
}

fn quoted(model: Model) -> String {
    format!("“{}”", model.title())
}

/// The recognition decision and, on its own page, the attached list of the subjects.
///
/// `report_to` are the bodies the deciding unit reports to: the decision is sent to
/// them "để báo cáo" after those named in Điều 3.
pub fn decision_html(decision: &DecisionDocument, report_to: &[String]) -> String {
    let issuer = Issuer::of_authority(&decision.authority);
    let number = escape(&decision.number);
    let mut out = header(&issuer, &number, place_of(&decision.unit_name), Some(decision.date), decision.date.year());
    let titles: Vec<String> = decision.models.iter().map(|m| quoted(*m)).collect();
    let subject = format!("Về việc công nhận danh hiệu {} năm {}", join_and(&titles), decision.year);
    out.push_str(&title("QUYẾT ĐỊNH", &subject));
    out.push_str(&format!("<p class=\"deciding\">{}</p>\n", escape(&issuer.deciding_line())));

    let mut bases = Vec::new();
    match &issuer {
        Issuer::Committee(_) => bases.push("Căn cứ Luật Tổ chức chính quyền địa phương năm 2025;".to_string()),
        Issuer::Association(name) if name.contains("KHUYẾN HỌC") => {
            bases.push("Căn cứ Điều lệ Hội Khuyến học Việt Nam;".to_string());
        }
        _ => {}
    }
    if decision.models.iter().any(|m| *m != Model::LearningCitizen) {
        bases.push(
            "Căn cứ Quyết định số 387/QĐ-TTg ngày 25 tháng 3 năm 2022 của Thủ tướng Chính phủ phê duyệt Chương trình \
             “Đẩy mạnh phong trào học tập suốt đời trong gia đình, dòng họ, cộng đồng, đơn vị giai đoạn 2021 - 2030”;"
                .to_string(),
        );
    }
    if decision.models.contains(&Model::LearningCitizen) {
        bases.push(
            "Căn cứ Quyết định số 677/QĐ-TTg ngày 03 tháng 6 năm 2022 của Thủ tướng Chính phủ phê duyệt Chương trình \
             “Xây dựng mô hình công dân học tập giai đoạn 2021 - 2030”;"
                .to_string(),
        );
    }
    bases.push(format!("Căn cứ kết quả đánh giá, xét công nhận danh hiệu học tập năm {};", decision.year));
    out.push_str("<div class=\"basis\">");
    for basis in &bases {
        out.push_str(&format!("<p>{}</p>", escape(basis)));
    }
    // "Theo đề nghị của" names the proposer recorded with the decision; without one the
    // line is left out rather than printed as a blank to fill by hand.
    if let Some(proposer) = decision.proposer.as_deref().map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str(&format!("<p>Theo đề nghị của {}.</p>", escape(proposer)));
    }
    out.push_str("</div>\n");
    out.push_str("<p class=\"decides\">QUYẾT ĐỊNH:</p>\n");

    let counted: Vec<String> = decision
        .models
        .iter()
        .map(|m| {
            let n = decision.subjects.iter().filter(|s| s.model == *m).count();
            format!("{n} {} đạt danh hiệu {}", holder(*m), quoted(*m))
        })
        .collect();
    let article_1 = format!("Công nhận {} năm {} (có danh sách kèm theo).", join_and(&counted), decision.year);
    let holders: Vec<String> = decision.models.iter().map(|m| holder(*m).to_string()).collect();
    let article_3 = format!(
        "Các cơ quan, đơn vị có liên quan và các {} có tên tại Điều 1 chịu trách nhiệm thi hành Quyết định này.",
        join_and(&holders)
    );
    for (n, text) in
        [(1, article_1.as_str()), (2, "Quyết định này có hiệu lực kể từ ngày ký."), (3, article_3.as_str())]
    {
        out.push_str(&format!("<p class=\"para article\"><b>Điều {n}.</b> {}</p>\n", escape(text)));
    }
    let recipients: Vec<String> = std::iter::once("Như Điều 3".to_string())
        .chain(report_to.iter().map(|to| format!("{to} (để báo cáo)")))
        .collect();
    out.push_str(&closing(&issuer, &recipients));

    // The attached list, on its own page.
    let mut annex = format!(
        "<p class=\"annex-title\">DANH SÁCH</p>\n<p class=\"annex-title\">{}</p>\n",
        escape(
            &format!("{} ĐƯỢC CÔNG NHẬN DANH HIỆU {} NĂM {}", join_and(&holders), join_and(&titles), decision.year)
                .to_uppercase()
        )
    );
    annex.push_str(&format!(
        "<p class=\"annex-ref\">{}</p>\n<div class=\"rule title-rule\"></div>\n",
        escape(&format!(
            "(Kèm theo Quyết định số {} ngày {} của {})",
            decision.number,
            decision.date,
            decision.authority.trim()
        ))
    ));
    let people = decision.subjects.iter().filter(|s| s.subject.kind == RecordKind::Person).count();
    let name_heading = match people {
        0 => "Tên",
        n if n == decision.subjects.len() => "Họ và tên",
        _ => "Họ và tên / Tên",
    };
    // A title granted as an exception to the criteria set's rules says so, with its
    // reason, in a note column that only such a list has.
    let notes: Vec<Option<String>> = decision.subjects.iter().map(|s| override_note(s.decision.as_ref())).collect();
    let with_notes = notes.iter().any(Option::is_some);
    // People are told apart by birth year and household (two "Nguyễn Thị Hằng").
    let with_people = people > 0;
    annex.push_str(&format!(
        "<table class=\"data annex-list\"><thead><tr><th>STT</th><th>{name_heading}</th>{}<th>Danh hiệu</th>\
         <th>Đơn vị (thôn)</th>{}</tr></thead>\n<tbody>\n",
        if with_people { "<th>Năm sinh</th><th>Hộ gia đình</th>" } else { "" },
        if with_notes { "<th>Ghi chú</th>" } else { "" }
    ));
    for (i, s) in decision.subjects.iter().enumerate() {
        let unit = if s.unit == decision.unit {
            decision.unit_name.clone()
        } else {
            decision.unit_names.get(&s.unit).cloned().unwrap_or_else(|| "—".to_string())
        };
        let note = match (with_notes, &notes[i]) {
            (false, _) => String::new(),
            (true, note) => format!("<td>{}</td>", escape(note.as_deref().unwrap_or(""))),
        };
        let person = if with_people {
            format!(
                "<td class=\"c\">{}</td><td>{}</td>",
                s.birth_year.map(|y| y.to_string()).unwrap_or_default(),
                escape(s.household.as_deref().unwrap_or(""))
            )
        } else {
            String::new()
        };
        annex.push_str(&format!(
            "<tr><td class=\"c\">{}</td><td>{}</td>{person}<td>{}</td><td>{}</td>{note}</tr>\n",
            i + 1,
            escape(s.name.as_deref().unwrap_or("(chưa ghi tên)")),
            escape(s.model.title()),
            escape(&unit)
        ));
    }
    annex.push_str("</tbody></table>\n");
    let doc_title = format!("Quyết định số {} - {}", decision.number, decision.authority);
    document(&doc_title, &[out, annex])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(escape(r#"<b>&"'x"#), "&lt;b&gt;&amp;&quot;&#39;x");
    }

    #[test]
    fn dates_follow_the_decree() {
        let day = |y, m, d| Date::new(y, m, d).expect("date");
        assert_eq!(date_words(day(2026, 2, 5)), "ngày 05 tháng 02 năm 2026");
        assert_eq!(date_words(day(2026, 1, 15)), "ngày 15 tháng 01 năm 2026");
        assert_eq!(date_words(day(2022, 6, 3)), "ngày 03 tháng 6 năm 2022");
        assert_eq!(date_words(day(2026, 11, 20)), "ngày 20 tháng 11 năm 2026");
    }

    #[test]
    fn places_drop_the_type_word() {
        assert_eq!(place_of("Xã Cửu An"), "Cửu An");
        assert_eq!(place_of("Thành phố Hà Nội"), "Hà Nội");
        assert_eq!(place_of("Thị xã An Khê"), "An Khê");
        assert_eq!(place_of("Phường 15"), "Phường 15");
        assert_eq!(place_of("Thành phố Hồ Chí Minh"), "Thành phố Hồ Chí Minh");
        assert_eq!(place_of("Thôn 1"), "Thôn 1");
    }

    #[test]
    fn issuers_split_the_committee_name() {
        let issuer = Issuer::of_authority("Ủy ban nhân dân xã Cửu An");
        assert_eq!(issuer.lines(), ["ỦY BAN NHÂN DÂN", "XÃ CỬU AN"]);
        assert_eq!(issuer.deciding_line(), "ỦY BAN NHÂN DÂN XÃ CỬU AN");
        let issuer = Issuer::of_authority("Hội Khuyến học xã Cửu An");
        assert_eq!(issuer.lines(), ["HỘI KHUYẾN HỌC XÃ CỬU AN"]);
        assert_eq!(issuer.signature(), (Some("TM. BAN CHẤP HÀNH"), "CHỦ TỊCH"));
    }

    #[test]
    fn counts_group_thousands() {
        assert_eq!(count(0), "0");
        assert_eq!(count(999), "999");
        assert_eq!(count(1_000), "1.000");
        assert_eq!(count(1_234_567), "1.234.567");
    }
}
