//! `churn report` and `analyze --format html`: the report as one self-contained HTML page.
//! Inline CSS, charts drawn here as SVG, a content security policy that forbids every
//! request; a small inline script only sorts tables, and nothing needs it to be seen. Every
//! chart has its table, and every number in a table carries the report's own value in
//! `data-value`, so the page can be checked against `--format json`. The page is also
//! well-formed XML (void elements closed, no named entities), which the tests parse.

mod sections;
mod svg;

use std::fmt::Write as _;
use std::io::{self, Write};

use super::Render;
use crate::report::Report;

pub struct Html;

const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("sort.js");

/// Nothing may be fetched: no network, no file, no font; inline styles and the sorting script
/// only.
const POLICY: &str = "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'";

impl Render for Html {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        out.write_all(page(report).as_bytes())
    }
}

/// The whole page.
pub fn page(report: &Report) -> String {
    let mut p = String::with_capacity(64 * 1024);
    let names: Vec<String> = report
        .inputs
        .iter()
        .map(|i| i.source.path.clone())
        .collect();
    let _ = write!(
        p,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\n<meta http-equiv=\"Content-Security-Policy\" content=\"{POLICY}\"/>\n<meta name=\"color-scheme\" content=\"light dark\"/>\n<meta name=\"generator\" content=\"churn {}\"/>\n<title>Why customers left: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n",
        report.tool.version,
        esc(&names.join(", "))
    );
    sections::header(&mut p, report);
    sections::reasons(&mut p, report);
    sections::sub_reasons(&mut p, report);
    sections::rows(&mut p, report);
    sections::test(&mut p, report);
    sections::weight(&mut p, report);
    sections::periods(&mut p, report);
    sections::segments(&mut p, report);
    sections::calibration(&mut p, report);
    sections::lost_to(&mut p, report);
    sections::quotes(&mut p, report);
    sections::answers(&mut p, report);
    sections::footer(&mut p, report);
    let _ = write!(
        p,
        "</main>\n<script>\n//<![CDATA[\n{SCRIPT}//]]>\n</script>\n</body>\n</html>\n"
    );
    p
}

/// A value from the data (or our own text) as HTML text or an attribute value: on one line
/// with every unsafe character shown (see [`crate::escape::line`]), markup characters as
/// references, and the two code points XML forbids replaced.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::escape::line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\u{FFFE}' | '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// A cell of a data table: its text, and for numbers the exact value of the report.
pub struct Cell {
    pub text: String,
    /// The report's value (`data-value`), for sorting and for checking against the JSON.
    pub value: Option<f64>,
    /// What the value is (`data-key`): the JSON field it comes from.
    pub key: &'static str,
}

impl Cell {
    /// A cell of text.
    pub fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value: None,
            key: "",
        }
    }

    /// A number shown as `text`, carrying its value as `key`.
    pub fn number(key: &'static str, value: Option<f64>, text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            value,
            key,
        }
    }
}

/// One row of a data table, with the id it is checked by (`data-id`).
pub struct Row {
    pub id: String,
    pub cells: Vec<Cell>,
}

/// A sortable data table with a caption: a first column of names, then the cells.
pub fn table(p: &mut String, caption: &str, headers: &[&str], rows: &[Row]) {
    let _ = write!(
        p,
        "<div class=\"scroll\"><table class=\"data sortable\"><caption>{}</caption><thead><tr>",
        esc(caption)
    );
    for h in headers {
        let _ = write!(p, "<th scope=\"col\">{}</th>", esc(h));
    }
    p.push_str("</tr></thead><tbody>");
    for row in rows {
        let _ = write!(p, "<tr data-id=\"{}\">", esc(&row.id));
        for (k, c) in row.cells.iter().enumerate() {
            let tag = if k == 0 { "th scope=\"row\"" } else { "td" };
            let end = if k == 0 { "th" } else { "td" };
            let class = if c.value.is_some() || !c.key.is_empty() {
                " class=\"num\""
            } else {
                ""
            };
            let data = match (c.key, c.value) {
                ("", _) => String::new(),
                (key, Some(v)) => format!(" data-key=\"{key}\" data-value=\"{v}\""),
                (key, None) => format!(" data-key=\"{key}\""),
            };
            let _ = write!(p, "<{tag}{class}{data}>{}</{end}>", esc(&c.text));
        }
        p.push_str("</tr>");
    }
    p.push_str("</tbody></table></div>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_text_never_markup() {
        assert_eq!(
            esc("<img src=x onerror=alert(1)> & \"q\" 'a'"),
            "&lt;img src=x onerror=alert(1)&gt; &amp; &quot;q&quot; &#39;a&#39;"
        );
        assert_eq!(esc("a\u{1b}[2Jb\nc"), "a\\u{1b}[2Jb\\nc");
        assert_eq!(esc("x\u{FFFF}"), "x\u{FFFD}");
    }

    #[test]
    fn table_cells_carry_their_values() {
        let mut p = String::new();
        table(
            &mut p,
            "c",
            &["reason", "share"],
            &[Row {
                id: "price".into(),
                cells: vec![
                    Cell::text("Price"),
                    Cell::number("share", Some(0.25), "25.0%"),
                ],
            }],
        );
        assert!(p.contains("<tr data-id=\"price\"><th scope=\"row\">Price</th><td class=\"num\" data-key=\"share\" data-value=\"0.25\">25.0%</td></tr>"));
    }
}
