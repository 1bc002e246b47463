//! The terminal table: what was read, a headline against the two famous figures (indifference
//! 68%, dissatisfaction 14%), then one row per reason with a small bar. comfy-table stays here.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement};

use super::Render;
use crate::compare::{FitTest, Verdict};
use crate::escape::{line, shown};
use crate::report::{BreakdownRow, Ci, ReasonRow, Report, SubReasonRow};
use crate::text::{fixed, noun, plural, signed};

pub struct Table {
    /// Use ANSI color and bold (only when writing to a terminal that allows it).
    pub color: bool,
}

/// Narrowest terminal the table is wrapped to fit; below it, lines are left long.
const MIN_WRAP_WIDTH: u16 = 60;

/// Width of the share bar for 100%.
const BAR_WIDTH: f64 = 20.0;

/// A bar of `share` (0..=1) in eighth-block resolution.
fn bar(share: f64) -> String {
    const PARTIAL: [&str; 8] = ["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"];
    let eighths = (share.clamp(0.0, 1.0) * BAR_WIDTH * 8.0).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    s.push_str(PARTIAL[eighths % 8]);
    s
}

pub(super) fn pct(share: f64) -> String {
    format!("{}%", fixed(share * 100.0, 1))
}

/// A change in percentage points with its sign: `+2.4`, `-1.6`; `0.0` when it rounds to zero
/// (never `-0.0`).
pub(super) fn pp(delta: f64) -> String {
    signed(delta, 1)
}

/// An interval in percent: "38.1-44.3".
pub(super) fn range(c: &Ci) -> String {
    format!(
        "{}-{}",
        fixed(c.lower * 100.0, 1),
        fixed(c.upper * 100.0, 1)
    )
}

/// A share with its interval: "41.2% (38.1-44.3)".
fn share_ci(share: Option<f64>, ci: Option<&Ci>) -> String {
    match (share, ci) {
        (Some(s), Some(c)) => format!("{} ({})", pct(s), range(c)),
        (Some(s), None) => pct(s),
        _ => "–".into(),
    }
}

/// A p-value for people: "< 0.001", "0.012", "0.43".
pub fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".into()
    } else if p < 0.01 {
        format!("{p:.3}")
    } else {
        format!("{p:.2}")
    }
}

/// "p < 0.001" or "p = 0.43", without the "p".
pub(super) fn p_phrase(p: f64) -> String {
    if p < 0.001 {
        p_text(p)
    } else {
        format!("= {}", p_text(p))
    }
}

/// Cohen's conventional words for w (and Cramér's V): 0.1 small, 0.3 medium, 0.5 large.
pub(super) fn effect_words(x: f64) -> &'static str {
    if x < 0.1 {
        "negligible"
    } else if x < 0.3 {
        "small"
    } else if x < 0.5 {
        "medium"
    } else {
        "large"
    }
}

fn arrow(v: Option<Verdict>) -> &'static str {
    match v {
        Some(Verdict::Above) => "▲",
        Some(Verdict::Below) => "▼",
        Some(Verdict::Consistent) => "=",
        None => "",
    }
}

/// A count: whole numbers as integers, split credit with one decimal.
pub(super) fn count(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

impl Table {
    fn bold(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn dim(&self, s: &str) -> String {
        if self.color {
            format!("\x1b[2m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }

    fn headline(&self, row: &ReasonRow, benchmark: &str) -> Option<String> {
        let (share, bench, delta) = (row.share?, row.benchmark_share?, row.delta_pp?);
        let gap = if delta.abs() < 0.05 {
            "level with it".to_string()
        } else if delta > 0.0 {
            format!("{} pp above", fixed(delta, 1))
        } else {
            format!("{} pp below", fixed(-delta, 1))
        };
        let direction = match row.verdict {
            Some(Verdict::Above) => format!("{gap}: more than chance explains"),
            Some(Verdict::Below) => format!("{gap}: more than chance explains"),
            Some(Verdict::Consistent) => format!("{gap}: within what chance explains"),
            None => gap,
        };
        let interval = row
            .ci
            .as_ref()
            .map(|c| format!(" ({})", range(c)))
            .unwrap_or_default();
        let against = if benchmark == "kennedy" {
            "the famous".to_string()
        } else {
            format!("benchmark `{}`'s", shown(benchmark))
        };
        Some(format!(
            "{}: {}{interval} of tagged churn, against {against} {} ({direction})",
            shown(&row.label),
            self.bold(&pct(share)),
            pct(bench).replace(".0%", "%"),
        ))
    }

    fn reasons_table(&self, report: &Report) -> comfy_table::Table {
        let mut t = comfy_table::Table::new();
        t.load_preset(presets::UTF8_FULL_CONDENSED)
            .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS);
        if self.color {
            t.enforce_styling();
        } else {
            t.force_no_tty();
        }
        // Fit a terminal whose width is known and usable; a pseudo-terminal may report 0
        // columns, and squeezing to that would make every column one character wide.
        if t.width().is_some_and(|w| w >= MIN_WRAP_WIDTH) {
            t.set_content_arrangement(ContentArrangement::Dynamic);
        }
        let level = format!("{:.0}%", report.confidence * 100.0);
        let weighted = report.weight.is_some();
        let share_head = if weighted {
            format!(
                "share of {} ({level} CI)",
                line(report.weight.as_ref().map_or("", |w| w.column.as_str()))
            )
        } else {
            format!("share ({level} CI)")
        };
        let header = [
            "reason".to_string(),
            "responses".to_string(),
            share_head,
            "benchmark".to_string(),
            "Δ pp".to_string(),
            "".to_string(),
            "".to_string(),
        ];
        t.set_header(header.iter().map(|h| {
            let c = Cell::new(h);
            if self.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        }));
        for r in &report.reasons {
            t.add_row(self.reason_cells(r));
            // Its sub-reasons that have rows, indented, with their share of the reason's rows.
            for s in r.sub_reasons.iter().filter(|s| s.count > 0) {
                t.add_row(self.sub_reason_cells(s));
            }
        }
        self.other_rows(report, &mut t);
        for i in 1..=4 {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }

    /// A reason's row: count, share, benchmark, difference, verdict and bar (colored on a
    /// terminal that wants it).
    fn reason_cells(&self, r: &ReasonRow) -> Vec<Cell> {
        let delta = match r.delta_pp {
            Some(d) => {
                let c = Cell::new(pp(d));
                match (self.color, d) {
                    (true, d) if d >= 0.05 => c.fg(Color::Yellow),
                    (true, d) if d <= -0.05 => c.fg(Color::Cyan),
                    _ => c,
                }
            }
            None => Cell::new("–"),
        };
        let bar_cell = Cell::new(r.share.map(bar).unwrap_or_default());
        let verdict = Cell::new(arrow(r.verdict));
        vec![
            Cell::new(line(&r.id)),
            Cell::new(count(r.count)),
            Cell::new(share_ci(r.share, r.ci.as_ref())),
            Cell::new(r.benchmark_share.map(pct).unwrap_or_else(|| "–".into())),
            delta,
            match (self.color, r.verdict) {
                (true, Some(Verdict::Above)) => verdict.fg(Color::Yellow),
                (true, Some(Verdict::Below)) => verdict.fg(Color::Cyan),
                _ => verdict,
            },
            if self.color {
                bar_cell.fg(Color::Cyan)
            } else {
                bar_cell
            },
        ]
    }

    /// A sub-reason's row under its reason: its rows and its share of the reason's rows.
    fn sub_reason_cells(&self, s: &SubReasonRow) -> Vec<Cell> {
        let name = format!("  {}", line(s.id.as_deref().unwrap_or("(unspecified)")));
        let cells = [
            name,
            s.count.to_string(),
            share_ci(s.share, s.ci.as_ref()),
            String::new(),
            String::new(),
            String::new(),
            String::new(),
        ];
        cells
            .into_iter()
            .map(|c| match self.color {
                true => Cell::new(c).add_attribute(Attribute::Dim),
                false => Cell::new(c),
            })
            .collect()
    }

    /// The rows counted but not in the shares: unclassified, no answer, and (when there are
    /// any) involuntary and rejected.
    fn other_rows(&self, report: &Report, t: &mut comfy_table::Table) {
        let rows = &report.rows;
        let mut others = vec![
            ("(unclassified)", rows.unclassified),
            ("(no answer)", rows.no_answer),
        ];
        if rows.involuntary > 0 {
            others.push(("(involuntary)", rows.involuntary));
        }
        if rows.rejected > 0 {
            others.push(("(rejected)", rows.rejected));
        }
        for (name, count) in others {
            let cells = vec![
                Cell::new(name),
                Cell::new(count),
                Cell::new("not in shares"),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
                Cell::new(""),
            ];
            t.add_row(if self.color {
                cells
                    .into_iter()
                    .map(|c| c.add_attribute(Attribute::Dim))
                    .collect()
            } else {
                cells
            });
        }
    }
}

impl Table {
    /// What the codes decided: rows tagged from codes, refined by the text, unknown codes, and
    /// rows whose code and text disagree.
    fn codes(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let r = &report.rows;
        let from_code: usize = report.reasons.iter().map(|x| x.from_code).sum();
        let from_override: usize = report.reasons.iter().map(|x| x.from_override).sum();
        if let Some(o) = &report.overrides {
            writeln!(out, "{}", super::overrides_line(o, from_override))?;
        }
        if from_code + r.refined_by_text > 0 {
            let refined = if r.refined_by_text > 0 {
                format!(", {} from codes refined by the text", r.refined_by_text)
            } else {
                String::new()
            };
            writeln!(
                out,
                "{} tagged from codes{refined}, {} from the text",
                from_code,
                r.tagged - from_code - r.refined_by_text - from_override
            )?;
        }
        if r.code_text_conflicts > 0 {
            let pairs: Vec<String> = report
                .code_text_conflicts
                .iter()
                .take(5)
                .map(|c| {
                    format!(
                        "code {} / text {} ({})",
                        c.code_reason, c.text_reason, c.count
                    )
                })
                .collect();
            let more = report.code_text_conflicts.len().saturating_sub(5);
            let more = if more > 0 {
                format!(" and {more} more")
            } else {
                String::new()
            };
            let counted = report
                .code_text_conflicts
                .first()
                .map_or("code", |c| c.counted);
            writeln!(
                out,
                "Code and text disagree on {} (the {counted} is counted; `churn tag` shows each): {}{more}",
                plural(r.code_text_conflicts, "row", "rows"),
                pairs.join(", ")
            )?;
        }
        if !report.unknown_codes.is_empty() {
            let shown: Vec<String> = report
                .unknown_codes
                .iter()
                .take(5)
                .map(|c| format!("`{}` ({})", shown(&c.value), c.count))
                .collect();
            let more = report.unknown_codes.len().saturating_sub(5);
            writeln!(
                out,
                "Unknown codes, read from the text instead: {}{}",
                shown.join(", "),
                if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                }
            )?;
        }
        Ok(())
    }

    /// The test against the benchmark, what the arrows mean, the bucket table when the
    /// benchmark groups reasons, the controllable rollup, segments and periods.
    fn statistics(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let level = format!("{:.0}%", report.confidence * 100.0);
        let bench = &report.benchmark;
        let one_to_one = bench.buckets.iter().all(|b| b.reasons.len() == 1)
            && report.reasons.iter().all(|r| r.benchmark_share.is_some());
        if !one_to_one {
            self.buckets(report, &level, out)?;
        }
        writeln!(out)?;
        if let Some(t) = &report.test {
            self.fit_test(report, t, out)?;
        }
        for note in &bench.notes {
            writeln!(out, "{}", self.dim(&format!("Note: {}.", shown(note))))?;
        }
        self.legend(report, &level, out)?;
        let roll = &report.rollup;
        if let (Some(u), Some(c)) = (roll.uncontrollable.share, roll.controllable.share) {
            if !roll.uncontrollable.reasons.is_empty() {
                writeln!(
                    out,
                    "Uncontrollable churn ({}): {}; controllable: {}.",
                    shown(&roll.uncontrollable.reasons.join(", ")),
                    share_ci(Some(u), roll.uncontrollable.ci.as_ref()),
                    share_ci(Some(c), roll.controllable.ci.as_ref()),
                )?;
            }
        }
        if let Some(seg) = &report.segments {
            let title = format!("By {}", shown(&seg.columns.join(" / ")));
            self.breakdown(report, &title, seg, out)?;
        }
        if let Some(per) = &report.periods {
            let period = per.period.map_or("period", |p| match p {
                crate::input::values::Period::Week => "week",
                crate::input::values::Period::Month => "month",
                crate::input::values::Period::Quarter => "quarter",
                crate::input::values::Period::Year => "year",
            });
            let title = format!("By {period} of `{}`", shown(&per.columns.join("")));
            self.breakdown(report, &title, per, out)?;
        }
        Ok(())
    }

    /// The benchmark's buckets, when they group reasons.
    fn buckets(&self, report: &Report, level: &str, out: &mut dyn Write) -> io::Result<()> {
        let bench = &report.benchmark;
        writeln!(out)?;
        writeln!(
            out,
            "{}",
            self.bold(&format!("Against benchmark `{}`:", shown(&bench.name)))
        )?;
        let mut t = super::plain_table();
        t.set_header([
            "bucket".to_string(),
            "reasons".to_string(),
            "responses".to_string(),
            format!("share ({level} CI)"),
            "benchmark".to_string(),
            "Δ pp".to_string(),
            "".to_string(),
        ]);
        for b in &bench.buckets {
            t.add_row([
                line(&b.label).into_owned(),
                line(&b.reasons.join(", ")).into_owned(),
                count(b.count),
                share_ci(b.share, b.ci.as_ref()),
                pct(b.benchmark_share),
                b.delta_pp.map(pp).unwrap_or_else(|| "–".into()),
                arrow(b.verdict).to_string(),
            ]);
        }
        for i in 2..=5 {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{t}")
    }

    /// The test of the whole distribution against the benchmark, in words.
    fn fit_test(&self, report: &Report, t: &FitTest, out: &mut dyn Write) -> io::Result<()> {
        let name = match t.method {
            "chi-square" => format!("chi-square = {:.2}, df = {}", t.statistic, t.df),
            "g" => format!("G = {:.2}, df = {}", t.statistic, t.df),
            "exact-multinomial" => "exact multinomial test".to_string(),
            _ => format!(
                "exact multinomial test by {} random draws (seed {})",
                t.draws.unwrap_or(0),
                t.seed.unwrap_or(0)
            ),
        };
        let reading = super::fit_reading(t.p_value, report.confidence);
        writeln!(
            out,
            "Test against `{}`: {name}, p {}; Cohen's w = {:.2} ({}): {reading}.",
            shown(&report.benchmark.name),
            p_phrase(t.p_value),
            t.effect_size,
            effect_words(t.effect_size)
        )?;
        if t.method != "chi-square" && t.method != "g" {
            writeln!(out, "{}", self.dim(&format!("({})", t.note)))?;
        }
        Ok(())
    }

    /// How the intervals were made and what the arrows mean.
    fn legend(&self, report: &Report, level: &str, out: &mut dyn Write) -> io::Result<()> {
        let alpha = format!("{:.0}%", (1.0 - report.confidence) * 100.0);
        let method = if report.weight.is_some() {
            "bootstrap"
        } else {
            report
                .reasons
                .iter()
                .find_map(|r| r.ci.as_ref().map(|c| c.method))
                .unwrap_or("wilson")
        };
        let intervals = match method {
            "goodman" => format!("Intervals: {level} Goodman simultaneous (all hold together)."),
            "bootstrap" => {
                let w = report.weight.as_ref();
                format!(
                    "Intervals: {level} bootstrap ({} resamples, seed {}); effective sample size {} of {}.",
                    w.map_or(0, |w| w.resamples),
                    w.map_or(0, |w| w.seed),
                    fixed(w.map_or(0.0, |w| w.effective_n), 1),
                    plural(report.rows.tagged, "row", "rows")
                )
            }
            _ => format!("Intervals: {level} Wilson, each share on its own."),
        };
        let arrows = if report.weight.is_some() {
            "▲/▼: the interval lies above/below the benchmark share; =: it holds the benchmark share.".to_string()
        } else {
            format!("▲/▼: above/below the benchmark share (exact binomial test, Holm-adjusted, at {alpha}); =: consistent with it.")
        };
        writeln!(out, "{}", self.dim(&format!("{intervals} {arrows}")))?;
        Ok(())
    }

    fn breakdown(
        &self,
        report: &Report,
        title: &str,
        b: &BreakdownRow,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        writeln!(out)?;
        writeln!(out, "{}", self.bold(&format!("{title}:")))?;
        let mut t = super::plain_table();
        let mut header = vec!["".to_string(), "rows".to_string(), "tagged".to_string()];
        header.extend(report.reasons.iter().map(|r| line(&r.id).into_owned()));
        t.set_header(header);
        for g in &b.groups {
            let mut row = vec![
                if g.too_small {
                    format!("{} *", shown(&g.key))
                } else {
                    line(&g.key).into_owned()
                },
                g.rows.to_string(),
                g.tagged.to_string(),
            ];
            row.extend(
                g.reasons
                    .iter()
                    .map(|r| r.share.map(pct).unwrap_or_else(|| "–".into())),
            );
            t.add_row(row);
        }
        for i in 1..3 + report.reasons.len() {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{t}")?;
        if let Some(h) = &b.test {
            writeln!(
                out,
                "Same reasons in every group? {}",
                super::homogeneity_line(h, report.confidence)
            )?;
        }
        if b.groups.iter().any(|g| g.too_small) {
            writeln!(
                out,
                "{}",
                self.dim("* left out of the test; shares with intervals are in --format json.")
            )?;
        }
        for note in &b.notes {
            writeln!(out, "{}", self.dim(&format!("Note: {}.", shown(note))))?;
        }
        self.sub_breakdown(report, b, out)
    }
}

/// The sub-reasons a breakdown table shows: the most common named ones overall, as (reason
/// index, sub-reason index).
fn top_subs(report: &Report, most: usize) -> Vec<(usize, usize)> {
    let mut all: Vec<(u64, usize, usize)> = report
        .reasons
        .iter()
        .enumerate()
        .flat_map(|(r, x)| {
            x.sub_reasons
                .iter()
                .enumerate()
                .filter(|(_, s)| s.id.is_some() && s.count > 0)
                .map(move |(k, s)| (s.count, r, k))
        })
        .collect();
    // Most rows first; taxonomy order breaks ties.
    all.sort_by_key(|&(n, r, k)| (std::cmp::Reverse(n), r, k));
    all.into_iter().take(most).map(|(_, r, k)| (r, k)).collect()
}

impl Table {
    /// Under a breakdown: the most common sub-reasons' shares of each group's tagged rows.
    fn sub_breakdown(
        &self,
        report: &Report,
        b: &BreakdownRow,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        const MOST: usize = 6;
        let top = top_subs(report, MOST);
        if top.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        let mut t = super::plain_table();
        let mut header = vec!["".to_string()];
        header.extend(top.iter().map(|&(r, k)| {
            let x = &report.reasons[r];
            format!(
                "{}\n{}",
                line(&x.id),
                line(x.sub_reasons[k].id.as_deref().unwrap_or(""))
            )
        }));
        t.set_header(header);
        for g in &b.groups {
            let mut row = vec![line(&g.key).into_owned()];
            row.extend(top.iter().map(|&(r, k)| {
                g.reasons[r]
                    .sub_reasons
                    .get(k)
                    .and_then(|s| s.share_of_tagged)
                    .map(pct)
                    .unwrap_or_else(|| "–".into())
            }));
            t.add_row(row);
        }
        for i in 1..=top.len() {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        writeln!(out, "{t}")?;
        let which = if top.len() < MOST {
            "the"
        } else {
            "the most common"
        };
        writeln!(
            out,
            "{}",
            self.dim(&format!(
                "Above: {which} sub-reasons (reason, then sub-reason), as shares of each group's tagged rows; all are in --format json."
            ))
        )
    }
}

impl Render for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        self.inputs(report, out)?;
        self.accounting(report, out)?;
        self.codes(report, out)?;
        writeln!(out)?;
        self.headlines(report, out)?;
        writeln!(out)?;
        writeln!(out, "{}", self.reasons_table(report))?;
        if report
            .reasons
            .iter()
            .any(|r| r.sub_reasons.iter().any(|s| s.count > 0))
        {
            writeln!(out, "{}", super::sub_reasons_legend(report))?;
        }
        if let Some(c) = &report.calibration {
            writeln!(out)?;
            super::calibration(c, report.confidence, out)?;
        }
        self.lost_to(report, out)?;
        if report.rows.tagged > 0 {
            self.statistics(report, out)?;
        }
        self.footnotes(report, out)?;
        self.quotes(report, out)?;
        self.unclassified(report, out)
    }
}

impl Table {
    /// A line per file read: its rows, format and columns.
    fn inputs(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for input in &report.inputs {
            let mut columns = Vec::new();
            if let Some(c) = &input.text_column {
                columns.push(format!("text `{}`", shown(c)));
            }
            for c in &input.code_columns {
                columns.push(format!("codes `{}`", shown(c)));
            }
            let source = &input.source;
            let mut how = vec![plural(source.rows, "row", "rows")];
            if source.format != "csv" {
                how.push(source.format.to_string());
            }
            if let Some(sheet) = &source.sheet {
                how.push(format!("sheet `{}`", shown(sheet)));
            }
            how.extend(source.compression.map(str::to_string));
            if let Some(e) = source.encoding.filter(|e| *e != "UTF-8") {
                how.push(e.to_string());
            }
            if let Some(d) = source.delimiter.as_deref().filter(|d| *d != "comma") {
                how.push(format!("{d}-separated"));
            }
            if source.filtered_out > 0 {
                how.push(source.filtered_out_by.describe(source.filtered_out));
            }
            if source.rejected > 0 {
                how.push(format!("{} rejected", source.rejected));
            }
            writeln!(
                out,
                "{} ({}; reason column: {})",
                self.bold(&line(&source.path)),
                how.join(", "),
                columns.join(", ")
            )?;
        }
        Ok(())
    }

    /// The taxonomy, where the rows went, and the rows rejected.
    fn accounting(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let r = &report.rows;
        if let Some(config) = &report.config {
            writeln!(out, "Taxonomy: {}", shown(config))?;
        }
        let involuntary = if r.involuntary > 0 {
            format!(", {} involuntary", r.involuntary)
        } else {
            String::new()
        };
        writeln!(
            out,
            "Read {}: {} tagged, {} unclassified, {} no answer{}{involuntary}, {} rejected{}",
            plural(r.read, "row", "rows"),
            r.tagged,
            r.unclassified,
            r.no_answer,
            super::junk(r),
            r.rejected,
            if r.filtered_out > 0 {
                format!(", {}", r.filtered_out_by.describe(r.filtered_out))
            } else {
                String::new()
            }
        )?;
        if !report.rejected_rows.is_empty() {
            let several = report.inputs.len() > 1;
            let shown: Vec<String> = report
                .rejected_rows
                .iter()
                .take(20)
                .map(|x| {
                    let file = if several {
                        format!("`{}` ", shown(&x.path))
                    } else {
                        String::new()
                    };
                    format!(
                        "{file}line {} ({})",
                        x.line,
                        plural(x.found_fields, "field", "fields")
                    )
                })
                .collect();
            let more = report.rejected_rows.len().saturating_sub(20);
            let more = if more > 0 {
                format!(" and {more} more (all are in --format json)")
            } else {
                String::new()
            };
            writeln!(
                out,
                "{}",
                self.dim(&format!(
                    "Rejected rows (the header has {}): {}{more}",
                    plural(report.rejected_rows[0].expected_fields, "field", "fields"),
                    shown.join(", ")
                ))
            )?;
        }
        Ok(())
    }

    /// The two headline reasons against the benchmark.
    fn headlines(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if report.rows.tagged == 0 {
            writeln!(
                out,
                "No row could be attributed to a reason, so there are no shares to compare."
            )?;
        } else {
            for id in ["indifference", "dissatisfaction"] {
                if let Some(line) = report
                    .reason(id)
                    .and_then(|row| self.headline(row, &report.benchmark.name))
                {
                    writeln!(out, "{line}")?;
                }
            }
        }
        Ok(())
    }

    /// What the shares are of, low confidence, involuntary rows, and the benchmark's source.
    fn footnotes(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let r = &report.rows;
        let shares = match report.attribution.mode {
            "all" => format!(
                "Attribution `all`: each row counts for every reason it states ({} {} several), so shares are of the {} tagged and may sum past 100%.",
                r.multi_reason,
                noun(r.multi_reason, "states", "state"),
                plural(r.tagged, "row", "rows")
            ),
            "split" => format!(
                "Attribution `split`: a row stating several reasons ({} {}) is shared equally between them; shares are of the {} tagged.",
                r.multi_reason,
                noun(r.multi_reason, "does", "do"),
                plural(r.tagged, "row", "rows")
            ),
            _ => format!(
                "Shares are of the {} tagged, each counted for the reason it states first; unclassified and no-answer rows are counted, not shared out.",
                plural(r.tagged, "row", "rows")
            ),
        };
        writeln!(out, "{}", self.dim(&shares))?;
        if let Some(low) = r.low_confidence.filter(|&n| n > 0) {
            writeln!(
                out,
                "{}",
                self.dim(&format!(
                    "{} {} a confidence below 0.5 (tagged by a hint the model doubts or by tied rules it could not settle, or unclassified); `churn tag` shows each row's churn_confidence.",
                    plural(low, "row", "rows"),
                    noun(low, "has", "have")
                ))
            )?;
        }
        if r.involuntary > 0 {
            writeln!(
                out,
                "{}",
                self.dim("Involuntary rows (failed or disputed payments, from codes) are not a reason the customer gave and are left out of the shares.")
            )?;
        }
        writeln!(
            out,
            "{}",
            self.dim(&format!(
                "Benchmark `{}`: {}",
                shown(&report.benchmark.name),
                shown(&report.benchmark.note)
            ))
        )?;
        Ok(())
    }

    /// The most common unclassified answers, when asked for.
    /// With `[competitors]`: who the customers lost to someone went to; without, the names
    /// their answers give, to confirm.
    fn lost_to(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if let Some(l) = &report.lost_to {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.bold(&format!(
                    "Lost to ({} lost to someone: a better product, a friend's advice, or gone to a competitor they name):",
                    plural(l.rows as usize, "customer", "customers")
                ))
            )?;
            let mut t = super::plain_table();
            let mut header = vec!["competitor", "responses", "share (CI)"];
            if report.weight.is_some() {
                header.push("weight");
            }
            t.set_header(header);
            for c in l
                .competitors
                .iter()
                .filter(|c| c.count > 0 || c.id.is_some())
            {
                let mut row = vec![
                    line(c.id.as_deref().unwrap_or("(none named)")).into_owned(),
                    c.count.to_string(),
                    share_ci(c.share, c.ci.as_ref()),
                ];
                if let Some(w) = c.weight {
                    row.push(crate::text::no_negative_zero(w).to_string());
                }
                t.add_row(row);
            }
            for i in 1..=3 {
                if let Some(col) = t.column_mut(i) {
                    col.set_cell_alignment(CellAlignment::Right);
                }
            }
            writeln!(out, "{t}")?;
        }
        if !report.proposed_competitors.is_empty() {
            let names: Vec<String> = report
                .proposed_competitors
                .iter()
                .map(|p| format!("{} ({})", shown(&p.text), p.count))
                .collect();
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.dim(&format!(
                    "Where customers say they went (not counted: name them under [competitors] in churn.toml to count them): {}.",
                    names.join(", ")
                ))
            )?;
        }
        Ok(())
    }

    /// With `--quotes`: the customers' own words, per sub-reason (per reason for one without
    /// sub-reasons), for those with rows.
    fn quotes(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let groups = super::quote_groups(report);
        if groups.is_empty() {
            return Ok(());
        }
        writeln!(out)?;
        let how = match report.redacted {
            Some(false) => "as written",
            _ => "personal data redacted",
        };
        writeln!(
            out,
            "{}",
            self.bold(&format!("In their own words ({how}):"))
        )?;
        for (title, quotes) in groups {
            writeln!(out, "  {}", self.bold(&shown(&title).to_string()))?;
            for q in quotes {
                writeln!(out, "    “{}”", shown(&q.text))?;
            }
        }
        Ok(())
    }

    fn unclassified(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        if !report.unclassified_answers.is_empty() {
            writeln!(out)?;
            writeln!(
                out,
                "{}",
                self.bold("Most common unclassified answers (normalized):")
            )?;
            let width = report
                .unclassified_answers
                .iter()
                .map(|a| a.count.to_string().len())
                .max()
                .unwrap_or(1);
            for a in &report.unclassified_answers {
                writeln!(out, "  {:>width$}  {}", a.count, shown(&a.text))?;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn bars_use_eighth_blocks() {
        assert_eq!(bar(0.0), "");
        assert_eq!(bar(1.0).chars().count(), 20);
        assert_eq!(bar(0.5), "█".repeat(10));
        assert_eq!(bar(0.05 + 0.05 / 8.0 * 4.0), "█▌");
    }
}
