//! The terminal table: what was read, a headline against the two famous figures (indifference
//! 68%, dissatisfaction 14%), then one row per reason with a small bar. comfy-table stays here.

use std::io::{self, Write};

use comfy_table::{presets, Attribute, Cell, CellAlignment, Color, ContentArrangement};

use super::Render;
use crate::report::{ReasonRow, Report};

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

fn pct(share: f64) -> String {
    format!("{:.1}%", share * 100.0)
}

fn pp(delta: f64) -> String {
    format!("{delta:+.1}")
}

/// A count: whole numbers as integers, split credit with one decimal.
fn count(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
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
        let direction = if delta.abs() < 0.05 {
            "level with it".to_string()
        } else if delta > 0.0 {
            format!("{:.1} pp above", delta)
        } else {
            format!("{:.1} pp below", -delta)
        };
        let against = if benchmark == "kennedy" {
            "the famous".to_string()
        } else {
            format!("benchmark `{benchmark}`'s")
        };
        Some(format!(
            "{}: {} of tagged churn, against {against} {} ({direction})",
            row.label,
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
        let header = ["reason", "responses", "share", "benchmark", "Δ pp", ""];
        t.set_header(header.iter().map(|h| {
            let c = Cell::new(h);
            if self.color {
                c.add_attribute(Attribute::Bold)
            } else {
                c
            }
        }));
        for r in &report.reasons {
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
            t.add_row(vec![
                Cell::new(&r.id),
                Cell::new(count(r.count)),
                Cell::new(r.share.map(pct).unwrap_or_else(|| "–".into())),
                Cell::new(r.benchmark_share.map(pct).unwrap_or_else(|| "–".into())),
                delta,
                if self.color {
                    bar_cell.fg(Color::Cyan)
                } else {
                    bar_cell
                },
            ]);
        }
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
        for i in 1..=4 {
            if let Some(col) = t.column_mut(i) {
                col.set_cell_alignment(CellAlignment::Right);
            }
        }
        t
    }
}

impl Render for Table {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let r = &report.rows;
        for input in &report.inputs {
            let mut columns = Vec::new();
            if let Some(c) = &input.text_column {
                columns.push(format!("text `{c}`"));
            }
            for c in &input.code_columns {
                columns.push(format!("codes `{c}`"));
            }
            writeln!(
                out,
                "{} ({}; reason column: {})",
                self.bold(&input.path),
                plural(input.rows, "row", "rows"),
                columns.join(", ")
            )?;
        }
        if let Some(config) = &report.config {
            writeln!(out, "Taxonomy: {config}")?;
        }
        let involuntary = if r.involuntary > 0 {
            format!(", {} involuntary", r.involuntary)
        } else {
            String::new()
        };
        writeln!(
            out,
            "Read {}: {} tagged, {} unclassified, {} no answer{involuntary}, {} rejected",
            plural(r.read, "row", "rows"),
            r.tagged,
            r.unclassified,
            r.no_answer,
            r.rejected
        )?;
        let from_code: usize = report.reasons.iter().map(|x| x.from_code).sum();
        if from_code > 0 {
            writeln!(
                out,
                "{} tagged from codes, {} from the text",
                from_code,
                r.tagged - from_code
            )?;
        }
        if !report.unknown_codes.is_empty() {
            let shown: Vec<String> = report
                .unknown_codes
                .iter()
                .take(5)
                .map(|c| format!("`{}` ({})", c.value, c.count))
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
        writeln!(out)?;

        if r.tagged == 0 {
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
        writeln!(out)?;
        writeln!(out, "{}", self.reasons_table(report))?;
        let shares = match report.attribution.mode {
            "all" => format!(
                "Attribution `all`: each row counts for every reason it states ({} state several), so shares are of the {} tagged and may sum past 100%.",
                r.multi_reason,
                plural(r.tagged, "row", "rows")
            ),
            "split" => format!(
                "Attribution `split`: a row stating several reasons ({} do) is shared equally between them; shares are of the {} tagged.",
                r.multi_reason,
                plural(r.tagged, "row", "rows")
            ),
            _ => format!(
                "Shares are of the {} tagged, each counted for the reason it states first; unclassified and no-answer rows are counted, not shared out.",
                plural(r.tagged, "row", "rows")
            ),
        };
        writeln!(out, "{}", self.dim(&shares))?;
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
                report.benchmark.name, report.benchmark.note
            ))
        )?;
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
                writeln!(out, "  {:>width$}  {}", a.count, a.text)?;
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
