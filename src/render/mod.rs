//! Rendering a [`Report`]: one renderer per output format behind one trait. Renderers only
//! format; every number they show is already in the report.

pub mod benchmarks;
pub mod check;
pub mod comparison;
mod csv;
pub mod discover;
pub mod evaluation;
pub mod explanation;
pub mod html;
mod json;
mod markdown;
pub mod parquet;
pub mod question;
pub mod spreadsheet;
mod table;
pub mod tagged;
pub mod taxonomy;
pub mod taxonomy_stats;

use std::io::{self, Write};

use crate::report::Report;

pub use json::Json;
pub use table::Table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people, with a summary and a headline.
    Table,
    /// Documented JSON (`schema_version` 1).
    Json,
}

/// Output formats of `churn analyze`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportFormat {
    /// A table for people, with a summary and a headline.
    Table,
    /// Documented JSON (`schema_version` 1, docs/schema/analyze.v1.json).
    Json,
    /// One row per reason, then one per row status, for spreadsheets.
    Csv,
    /// GitHub-flavoured Markdown, for reports and pull requests.
    Markdown,
    /// One self-contained HTML page with charts (as `churn report` writes).
    Html,
}

/// Output formats of `churn check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckFormat {
    /// Each rule with pass/fail, the measured value and the limit, then a summary line.
    Table,
    /// Documented JSON (`schema_version` 1, docs/schema/check.v1.json).
    Json,
    /// JUnit XML, one test case per rule, for CI test reports.
    Junit,
    /// GitHub Actions workflow commands: an `::error` annotation per failed rule.
    Github,
}

/// Output formats of `churn tag`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum TagFormat {
    /// The input's columns plus the four `churn_*` columns.
    Csv,
    /// JSON Lines: one object per row (docs/schema/tag.v1.json).
    Jsonl,
    /// Parquet: the CSV's columns, typed (the confidence a number, no reason a null).
    Parquet,
}

/// "261 tagged, 18 unclassified, 21 no answer, 0 involuntary, 0 rejected": where the rows went.
pub fn accounting(r: &crate::report::Rows) -> String {
    let filtered = if r.filtered_out > 0 {
        format!(", {}", r.filtered_out_by.describe(r.filtered_out))
    } else {
        String::new()
    };
    format!(
        "{} tagged, {} unclassified, {} no answer{}, {} involuntary, {} rejected{filtered}",
        r.tagged,
        r.unclassified,
        r.no_answer,
        junk(r),
        r.involuntary,
        r.rejected
    )
}

/// " (3 junk)" when some no answers are junk, else nothing.
pub fn junk(r: &crate::report::Rows) -> String {
    if r.junk > 0 {
        format!(" ({} junk)", r.junk)
    } else {
        String::new()
    }
}

/// What the test against the benchmark says, at the report's confidence.
pub fn fit_reading(p_value: f64, confidence: f64) -> &'static str {
    if p_value <= 1.0 - confidence {
        "the shares differ from the benchmark by more than chance explains"
    } else {
        "the shares are consistent with the benchmark"
    }
}

/// How the intervals were made, in words: "Goodman (simultaneous: all hold together)".
pub(crate) fn interval_method(report: &Report) -> &'static str {
    let method = (report.reasons.iter())
        .find_map(|x| x.ci.as_ref().map(|c| c.method))
        .unwrap_or("wilson");
    match method {
        "goodman" => "Goodman (simultaneous: all hold together)",
        "bootstrap" => "bootstrap",
        _ => "Wilson (each share on its own)",
    }
}

/// How a verdict is reached, in words: the interval against the benchmark with weights, else
/// the exact binomial test at the report's significance level.
pub(crate) fn verdict_rule(report: &Report) -> String {
    if report.weight.is_some() {
        "the interval lies above or below the benchmark share".to_string()
    } else {
        format!(
            "exact binomial test against the benchmark share, Holm-adjusted, at {:.0}%",
            (1.0 - report.confidence) * 100.0
        )
    }
}

/// An interval in percent with an en dash, "38.1–44.3%"; "–" for none.
pub(crate) fn interval_text(ci: Option<&crate::report::Ci>) -> String {
    ci.map_or_else(
        || "–".into(),
        |c| {
            format!(
                "{}–{}%",
                crate::text::fixed(c.lower * 100.0, 1),
                crate::text::fixed(c.upper * 100.0, 1)
            )
        },
    )
}

/// The verdict with its symbol: "▲ above", "▼ below", "= consistent"; empty for none.
pub(crate) fn verdict_words(v: Option<crate::compare::Verdict>) -> &'static str {
    use crate::compare::Verdict;
    match v {
        Some(Verdict::Above) => "▲ above",
        Some(Verdict::Below) => "▼ below",
        Some(Verdict::Consistent) => "= consistent",
        None => "",
    }
}

/// The homogeneity test of a breakdown in a sentence: "Chi-square = 12.30, df = 5, p = 0.031
/// over 3 groups; Cramér's V = 0.12 (small): the reasons differ ...".
pub(crate) fn homogeneity_line(h: &crate::report::HomogeneityRow, confidence: f64) -> String {
    let reading = if h.p_value <= 1.0 - confidence {
        "the reasons differ between them by more than chance explains"
    } else {
        "no difference beyond chance"
    };
    format!(
        "Chi-square = {:.2}, df = {}, p {} over {} groups; Cramér's V = {:.2} ({}): {reading}.",
        h.statistic,
        h.df,
        table::p_phrase(h.p_value),
        h.groups_tested,
        h.cramers_v,
        table::effect_words(h.cramers_v)
    )
}

/// A comfy table in the house style (rounded UTF-8 frame), without color or terminal sizing.
pub fn plain_table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS)
        .force_no_tty();
    t
}

/// Writes a report in one format.
pub trait Render {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer for `format`. `color` applies to formats meant for a terminal.
pub fn renderer(format: ReportFormat, color: bool) -> Box<dyn Render> {
    match format {
        ReportFormat::Table => Box::new(Table { color }),
        ReportFormat::Json => Box::new(Json),
        ReportFormat::Csv => Box::new(csv::Csv),
        ReportFormat::Markdown => Box::new(markdown::Markdown),
        ReportFormat::Html => Box::new(html::Html),
    }
}

/// What the indented sub-reason rows under a reason are, with their interval method.
pub(crate) fn sub_reasons_legend(report: &Report) -> String {
    let method = report
        .reasons
        .iter()
        .flat_map(|r| &r.sub_reasons)
        .find_map(|s| s.ci.as_ref().map(|c| c.method));
    let intervals = match method {
        Some("goodman") => " (their intervals hold together within the reason)",
        Some("bootstrap") => " (bootstrap intervals)",
        _ => "",
    };
    let of = if report.weight.is_some() {
        "share of the reason's weight"
    } else {
        "share of the reason's rows"
    };
    format!("Indented: each reason's sub-reasons, with their {of}{intervals}.")
}

/// What `--quotes` shows, titled: each sub-reason with rows and quotes ("reason › sub-reason";
/// "(unspecified)" for the rows naming none), or the reason itself when it has no sub-reasons.
pub(crate) fn quote_groups(report: &Report) -> Vec<(String, &[crate::report::Quote])> {
    let mut out = Vec::new();
    for r in &report.reasons {
        if r.sub_reasons.is_empty() {
            if let Some(q) = r.quotes.as_deref().filter(|q| !q.is_empty()) {
                out.push((r.label.clone(), q));
            }
        }
        for s in r.sub_reasons.iter().filter(|s| s.count > 0) {
            if let Some(q) = s.quotes.as_deref().filter(|q| !q.is_empty()) {
                out.push((format!("{} › {}", r.label, s.label), q));
            }
        }
    }
    out
}

/// What an overrides file did, in a line: rows decided, of them tagged, ids not found.
pub fn overrides_line(o: &crate::report::OverridesInfo, tagged: usize) -> String {
    let missing = match o.not_found.len() {
        0 => String::new(),
        n => {
            let ids: Vec<String> = (o.not_found.iter().take(5))
                .map(|m| format!("`{}`", crate::escape::shown(&m.id)))
                .collect();
            let more = n.saturating_sub(5);
            let more = match more {
                0 => String::new(),
                more => format!(" and {more} more"),
            };
            format!(
                "; {} not found in the export: {}{more}",
                crate::text::plural(n, "id", "ids"),
                ids.join(", ")
            )
        }
    };
    format!(
        "Overrides `{}`: {} decided by hand ({tagged} tagged){missing}",
        crate::escape::shown(&o.file),
        crate::text::plural(o.rows, "row", "rows")
    )
}

/// The shares corrected for the tagger's error beside the raw ones (table and markdown).
pub fn calibration(
    c: &crate::calibration::Calibration,
    confidence: f64,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "Corrected for tagging error ({}, on {} labelled rows of `{}`; {:.0}% bootstrap intervals):",
        match c.method {
            "precision" => "each tag's precision, the sheet drawn per tag",
            _ => "ACC, the tagger's confusion",
        },
        c.labelled_rows,
        crate::escape::shown(&c.labelled_file),
        confidence * 100.0
    )?;
    let width = (c.reasons.iter().map(|r| r.id.len()))
        .chain([13])
        .max()
        .unwrap_or(0);
    let pct = |x: f64| format!("{:.1}%", x * 100.0);
    for r in c.reasons.iter().chain([&c.none]) {
        let name = match r.id.as_str() {
            "none" => "(no reason)*",
            id => id,
        };
        let corrected = match (r.share, r.ci) {
            (Some(s), Some(ci)) => format!("{} ({}-{})", pct(s), pct(ci.lower), pct(ci.upper)),
            (Some(s), None) => pct(s),
            _ => "-".to_string(),
        };
        writeln!(
            out,
            "  {:width$}  raw {:>6}  corrected {:<22} labelled {}",
            crate::escape::shown(name),
            pct(r.raw_share),
            corrected,
            r.labelled
        )?;
    }
    writeln!(
        out,
        "  * of all answers (unclassified, no answer, involuntary); the reasons' shares are of the rows with one."
    )?;
    if let Some(note) = &c.note {
        writeln!(out, "  Note: {note}.")?;
    }
    Ok(())
}
