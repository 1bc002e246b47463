//! `churn check` output: a table for people, JSON, JUnit XML and GitHub Actions annotations.
//! Every renderer shows the same checks in the same order; none computes anything.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment, Color};

use crate::check::{percent, Check, CheckReport, Unit};
use crate::escape::line as one_line;
use crate::render::CheckFormat;

/// Write `report` in `format`.
pub fn render(
    format: CheckFormat,
    color: bool,
    report: &CheckReport,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        CheckFormat::Table => table(report, color, out),
        CheckFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        CheckFormat::Junit => junit(report, out),
        CheckFormat::Github => github(report, out),
    }
}

/// A value as people read it: rows whole, fractions as percentages, p-values short.
fn value(x: f64, unit: Unit) -> String {
    match unit {
        Unit::Rows | Unit::None => format!("{x:.0}"),
        Unit::Fraction => {
            let p = x * 100.0;
            if (p - p.round()).abs() < 1e-9 {
                format!("{}%", crate::text::fixed(p, 0))
            } else {
                format!("{}%", crate::text::fixed(p, 1))
            }
        }
        Unit::PValue => {
            if x < 0.001 {
                "p < 0.001".to_string()
            } else {
                format!("p = {x:.3}")
            }
        }
    }
}

fn measured(c: &Check) -> String {
    match (c.rule, c.measured) {
        ("require-col", _) => if c.passed { "present" } else { "missing" }.to_string(),
        ("above-benchmark", Some(x)) => format!("lower {}", value(x, c.unit)),
        (_, Some(x)) => value(x, c.unit),
        // A share rule judged on nothing: it failed for want of tagged rows.
        ("max-share" | "min-share" | "above-benchmark", None) => "no share".to_string(),
        ("baseline", None) if !c.passed => "no test".to_string(),
        (_, None) => "–".to_string(),
    }
}

fn limit(c: &Check) -> String {
    match c.limit {
        Some(x) if c.unit == Unit::Fraction => format!("{} {}", c.relation(), percent(x)),
        Some(x) if c.unit == Unit::PValue => format!("p {} {}", c.relation(), x),
        Some(x) => format!("{} {}", c.relation(), value(x, c.unit)),
        None => String::new(),
    }
}

/// "max-share dissatisfaction", or just the rule; a target from the data shown on one line.
fn title(c: &Check) -> String {
    match &c.target {
        Some(t)
            if matches!(
                c.rule,
                "reason-column" | "require-col" | "max-duplicate-ids"
            ) =>
        {
            format!("{} `{}`", c.rule, one_line(t))
        }
        Some(t) => format!("{} {}", c.rule, one_line(t)),
        None => c.rule.to_string(),
    }
}

/// "2 of 7 checks failed" / "All 7 checks passed".
pub fn summary(report: &CheckReport) -> String {
    let noun = if report.total == 1 { "check" } else { "checks" };
    if report.failed == 0 {
        format!("All {} {noun} passed", report.total)
    } else {
        format!("{} of {} {noun} failed", report.failed, report.total)
    }
}

fn table(report: &CheckReport, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let r = &report.rows;
    writeln!(
        out,
        "{}: {} ({})",
        one_line(&report.input),
        crate::text::plural(r.read, "row", "rows"),
        super::accounting(r)
    )?;
    writeln!(out)?;
    let mut t = super::plain_table();
    if color {
        t.enforce_styling();
    }
    t.set_header(["", "rule", "measured", "limit"]);
    for c in &report.checks {
        let status = if c.passed {
            Cell::new("pass")
        } else {
            Cell::new("FAIL")
        };
        let status = match (color, c.passed) {
            (true, true) => status.fg(Color::Green),
            (true, false) => status.fg(Color::Red),
            _ => status,
        };
        t.add_row(vec![
            status,
            Cell::new(title(c)),
            Cell::new(measured(c)),
            Cell::new(limit(c)),
        ]);
    }
    if let Some(col) = t.column_mut(2) {
        col.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{t}")?;
    for c in report.checks.iter().filter(|c| !c.passed) {
        writeln!(out, "FAIL {}: {}", title(c), one_line(&c.message))?;
    }
    writeln!(out, "{}", summary(report))
}

/// Text for XML 1.0: the five special characters escaped, characters XML cannot hold replaced.
fn xml(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\t' | '\n' | '\r' => o.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => o.push('\u{FFFD}'),
            c => o.push(c),
        }
    }
    o
}

fn junit(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    let input = xml(&report.input);
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="churn check" tests="{}" failures="{}" errors="0">"#,
        report.total, report.failed
    )?;
    writeln!(
        out,
        r#"  <testsuite name="churn check {input}" tests="{}" failures="{}" errors="0" skipped="0">"#,
        report.total, report.failed
    )?;
    writeln!(out, "    <properties>")?;
    let r = &report.rows;
    for (name, v) in [
        ("rows_read", r.read),
        ("tagged", r.tagged),
        ("unclassified", r.unclassified),
        ("no_answer", r.no_answer),
        ("involuntary", r.involuntary),
        ("rejected", r.rejected),
        ("filtered_out", r.filtered_out),
    ] {
        writeln!(out, r#"      <property name="{name}" value="{v}"/>"#)?;
    }
    writeln!(
        out,
        r#"      <property name="benchmark" value="{}"/>"#,
        xml(&report.benchmark)
    )?;
    writeln!(out, "    </properties>")?;
    for c in &report.checks {
        let line = c
            .line
            .map(|l| format!(r#" line="{l}""#))
            .unwrap_or_default();
        writeln!(
            out,
            r#"    <testcase name="{}" classname="churn.check" file="{input}"{line}>"#,
            xml(&title(c))
        )?;
        let detail = format!("measured {}, limit {}", measured(c), limit(c));
        if c.passed {
            writeln!(out, "      <system-out>{}</system-out>", xml(&c.message))?;
        } else {
            writeln!(
                out,
                r#"      <failure message="{}" type="{}">{}</failure>"#,
                xml(&c.message),
                c.rule,
                xml(&detail)
            )?;
        }
        writeln!(out, "    </testcase>")?;
    }
    writeln!(out, "  </testsuite>")?;
    writeln!(out, "</testsuites>")
}

/// Escaping of GitHub workflow command data.
fn gh_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escaping of GitHub workflow command properties (`file=`, `title=`).
fn gh_property(s: &str) -> String {
    gh_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(report: &CheckReport, out: &mut dyn Write) -> io::Result<()> {
    for c in &report.checks {
        if c.passed {
            writeln!(out, "pass {}: {}", title(c), one_line(&c.message))?;
        } else {
            let line = c.line.map(|l| format!(",line={l}")).unwrap_or_default();
            writeln!(
                out,
                "::error file={}{line},title={}::{}",
                gh_property(&one_line(&report.input)),
                gh_property(&format!("churn check: {}", title(c))),
                gh_data(&one_line(&c.message))
            )?;
        }
    }
    let summary = summary(report);
    if report.failed > 0 {
        writeln!(out, "::error title=churn check::{}", gh_data(&summary))
    } else {
        writeln!(out, "::notice title=churn check::{}", gh_data(&summary))
    }
}

#[cfg(test)]
mod tests {
    use super::{gh_data, gh_property, xml};

    #[test]
    fn xml_text_is_escaped() {
        assert_eq!(xml(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&apos;");
        assert_eq!(xml("x\u{1}y"), "x\u{FFFD}y");
    }

    #[test]
    fn workflow_commands_are_escaped() {
        assert_eq!(gh_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(gh_property("a:b,c"), "a%3Ab%2Cc");
    }
}
