//! `analyze --format markdown`: the report as GitHub-flavoured Markdown, for a pull request, a
//! wiki page or a weekly note. The same numbers as the table, without color or bars.

use std::io::{self, Write};

use super::table::{count, effect_words, p_phrase, pct, pp};
use super::Render;
use crate::report::Report;

pub struct Markdown;

/// A value from the data as Markdown text: on one line (see [`crate::escape::line`]), raw HTML
/// shown as text, and the characters that would start emphasis, a link or a code span, or end
/// a table cell, escaped.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in crate::escape::line(s).chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// A value from the data as a code span that it cannot leave: fenced by one more backtick than
/// its longest run of them, padded when it starts or ends with one, on one line, `|` escaped
/// (GitHub reads it as the end of a table cell even in a code span).
fn code(s: &str) -> String {
    let s = crate::escape::line(s).replace('|', "\\|");
    let mut longest = 0;
    let mut run = 0;
    for c in s.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    let pad = if s.starts_with('`') || s.ends_with('`') || s.is_empty() {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{s}{pad}{fence}")
}

/// With `[competitors]`: a table of who customers were lost to; without, the names proposed.
fn lost_to(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    if let Some(l) = &report.lost_to {
        writeln!(out)?;
        writeln!(out, "### Lost to")?;
        writeln!(out)?;
        writeln!(
            out,
            "{} customers were lost to someone (a better product, or a friend's advice).",
            l.rows
        )?;
        writeln!(out)?;
        writeln!(out, "| competitor | responses | share | CI |")?;
        writeln!(out, "|---|--:|--:|--:|")?;
        for c in l
            .competitors
            .iter()
            .filter(|c| c.count > 0 || c.id.is_some())
        {
            writeln!(
                out,
                "| {} | {} | {} | {} |",
                text(&c.label),
                c.count,
                c.share.map(pct).unwrap_or_else(|| "–".into()),
                super::interval_text(c.ci.as_ref())
            )?;
        }
    }
    if !report.proposed_competitors.is_empty() {
        let names: Vec<String> = report
            .proposed_competitors
            .iter()
            .map(|p| format!("{} ({})", text(&p.text), p.count))
            .collect();
        writeln!(out)?;
        writeln!(
            out,
            "Where customers say they went (not counted; name them under `[competitors]` to count them): {}.",
            names.join(", ")
        )?;
    }
    Ok(())
}

/// With `--quotes`: a section of the customers' own words, a list per sub-reason.
fn quotes(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let groups = super::quote_groups(report);
    if groups.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(out, "### In their own words")?;
    if report.redacted != Some(false) {
        writeln!(out)?;
        writeln!(out, "Personal data (e-mail, phone, card and IBAN numbers, URLs with tokens, handles) is redacted.")?;
    }
    for (title, quotes) in groups {
        writeln!(out)?;
        writeln!(out, "**{}**", text(&title))?;
        writeln!(out)?;
        for q in quotes {
            writeln!(out, "- “{}”", text(&q.text))?;
        }
    }
    Ok(())
}

impl Render for Markdown {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let r = &report.rows;
        let level = format!("{:.0}%", report.confidence * 100.0);
        let names: Vec<String> = report.inputs.iter().map(|i| code(&i.source.path)).collect();
        writeln!(out, "## Why customers left: {}", names.join(", "))?;
        writeln!(out)?;
        writeln!(
            out,
            "Read {}: {}.",
            crate::text::plural(r.read, "row", "rows"),
            super::accounting(r)
        )?;
        if let Some(w) = &report.weight {
            writeln!(
                out,
                "Shares are of {} (total {}, effective sample size {:.1}).",
                code(&w.column),
                w.total,
                w.effective_n
            )?;
        }
        writeln!(out)?;
        writeln!(
            out,
            "| reason | responses | share | {level} CI | benchmark {} | Δ pp | verdict |",
            code(&report.benchmark.name)
        )?;
        writeln!(out, "|---|--:|--:|--:|--:|--:|---|")?;
        for x in &report.reasons {
            writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                text(&x.label),
                count(x.count),
                x.share.map(pct).unwrap_or_else(|| "–".into()),
                super::interval_text(x.ci.as_ref()),
                x.benchmark_share.map(pct).unwrap_or_else(|| "–".into()),
                x.delta_pp.map(pp).unwrap_or_else(|| "–".into()),
                super::verdict_words(x.verdict)
            )?;
            for sub in x.sub_reasons.iter().filter(|s| s.count > 0) {
                writeln!(
                    out,
                    "| ↳ {} | {} | {} | {} | | | |",
                    text(&sub.label),
                    sub.count,
                    sub.share.map(pct).unwrap_or_else(|| "–".into()),
                    super::interval_text(sub.ci.as_ref()),
                )?;
            }
        }
        // Unclassified and no answer always show; the others when they occur.
        for (name, n, always) in [
            ("*unclassified*", r.unclassified, true),
            ("*no answer*", r.no_answer, true),
            ("*involuntary*", r.involuntary, false),
            ("*rejected*", r.rejected, false),
            ("*filtered out*", r.filtered_out, false),
        ] {
            if always || n > 0 {
                writeln!(out, "| {name} | {n} | not in shares | | | | |")?;
            }
        }
        if report
            .reasons
            .iter()
            .any(|x| x.sub_reasons.iter().any(|s| s.count > 0))
        {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                super::sub_reasons_legend(report).replacen("Indented", "↳", 1)
            )?;
        }
        if let Some(c) = &report.calibration {
            writeln!(out)?;
            writeln!(out, "```text")?;
            super::calibration(c, report.confidence, out)?;
            writeln!(out, "```")?;
        }
        if let Some(o) = &report.overrides {
            let tagged: usize = report.reasons.iter().map(|x| x.from_override).sum();
            writeln!(out)?;
            writeln!(out, "{}", super::overrides_line(o, tagged))?;
        }
        writeln!(out)?;
        if let Some(t) = &report.test {
            let reading = super::fit_reading(t.p_value, report.confidence);
            writeln!(
                out,
                "**Test against {}** ({}): p {}, Cohen's w = {:.2} ({}): {reading}.",
                code(&report.benchmark.name),
                t.method,
                p_phrase(t.p_value),
                t.effect_size,
                effect_words(t.effect_size)
            )?;
            writeln!(out)?;
        }
        let method = super::interval_method(report);
        let verdicts = super::verdict_rule(report);
        writeln!(
            out,
            "Intervals: {level} {method}. Verdicts: {verdicts}. Shares are of tagged rows \
             (attribution `{}`).",
            report.attribution.mode
        )?;
        writeln!(out)?;
        writeln!(
            out,
            "> Benchmark {}: {}",
            code(&report.benchmark.name),
            text(&report.benchmark.note)
        )?;
        lost_to(report, out)?;
        quotes(report, out)
    }
}

#[cfg(test)]
mod tests {
    use super::{code, text};

    #[test]
    fn code_spans_hold_any_name() {
        assert_eq!(code("a.csv"), "`a.csv`");
        assert_eq!(code("a`b.csv"), "``a`b.csv``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a|b\nc"), "`a\\|b\\nc`");
    }

    #[test]
    fn labels_are_text_not_html_or_markup() {
        assert_eq!(text("<b>x</b> & *y*"), "&lt;b&gt;x&lt;/b&gt; &amp; \\*y\\*");
        assert_eq!(text("a|b `c` [d](e)"), "a\\|b \\`c\\` \\[d\\](e)");
        assert_eq!(text("Price"), "Price");
    }
}
