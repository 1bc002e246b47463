//! `analyze --format csv`: one row per reason, then one per row status (read, tagged,
//! unclassified, ...), so the accounting travels with the shares. Numbers are plain (fractions,
//! not percentages), blanks where a value does not apply.

use std::io::{self, Write};

use super::spreadsheet::{write_row, writer};
use super::Render;
use crate::compare::Verdict;
use crate::report::Report;

pub struct Csv;

const HEADER: [&str; 14] = [
    "kind",
    "id",
    "label",
    "count",
    "weight",
    "share",
    "ci_lower",
    "ci_upper",
    "benchmark_share",
    "delta_pp",
    "std_residual",
    "p_value",
    "p_value_adjusted",
    "verdict",
];

/// A number as spreadsheets read it: plain decimals, scientific notation for tiny p-values
/// (`5.72825e-23` rather than 22 zeros).
fn num(x: Option<f64>) -> String {
    match x {
        Some(v) if v != 0.0 && v.abs() < 1e-4 => format!("{v:e}"),
        Some(v) => crate::text::no_negative_zero(v).to_string(),
        None => String::new(),
    }
}

impl Render for Csv {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        let mut w = writer(out);
        write_row(&mut w, HEADER)?;
        for r in &report.reasons {
            write_row(
                &mut w,
                [
                    "reason".to_string(),
                    r.id.clone(),
                    r.label.clone(),
                    r.count.to_string(),
                    num(r.weight),
                    num(r.share),
                    num(r.ci.as_ref().map(|c| c.lower)),
                    num(r.ci.as_ref().map(|c| c.upper)),
                    num(r.benchmark_share),
                    num(r.delta_pp),
                    num(r.std_residual),
                    num(r.p_value),
                    num(r.p_value_adjusted),
                    match r.verdict {
                        Some(Verdict::Above) => "above".into(),
                        Some(Verdict::Below) => "below".into(),
                        Some(Verdict::Consistent) => "consistent".into(),
                        None => String::new(),
                    },
                ],
            )?;
        }
        let rows = &report.rows;
        for (id, label, n) in [
            ("read", "Rows read", rows.read),
            ("tagged", "Tagged", rows.tagged),
            ("unclassified", "Unclassified", rows.unclassified),
            ("no_answer", "No answer", rows.no_answer),
            ("involuntary", "Involuntary", rows.involuntary),
            ("rejected", "Rejected", rows.rejected),
            ("filtered_out", "Filtered out", rows.filtered_out),
        ] {
            let mut cells = vec!["rows".to_string(), id.into(), label.into(), n.to_string()];
            cells.resize(HEADER.len(), String::new());
            write_row(&mut w, cells)?;
        }
        w.flush()
    }
}
