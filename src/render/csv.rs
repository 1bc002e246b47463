//! `analyze --format csv`: one row per reason, each followed by its sub-reasons (`parent` names
//! the reason; `share` is of the reason's rows, `share_of_tagged` of all tagged rows), then one
//! per row status (read, tagged, unclassified, ...), so the accounting travels with the shares.
//! With `[competitors]`, a `competitor` row each (share: of the customers lost to someone) comes
//! before the row statuses. Numbers are plain (fractions,
//! not percentages), blanks where a value does not apply.

use std::io::{self, Write};

use super::spreadsheet::{write_row, writer};
use super::Render;
use crate::compare::Verdict;
use crate::report::{Report, SubReasonRow};

pub struct Csv;

const HEADER: [&str; 16] = [
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
    "parent",
    "share_of_tagged",
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

/// A sub-reason's row: its id (blank for the rows naming none), its parent reason, and its
/// share of the reason's rows and of all tagged rows.
fn sub_reason(parent: &str, s: &SubReasonRow) -> Vec<String> {
    let mut cells = vec![
        "sub_reason".to_string(),
        s.id.clone().unwrap_or_default(),
        s.label.clone(),
        s.count.to_string(),
        num(s.weight),
        num(s.share),
        num(s.ci.as_ref().map(|c| c.lower)),
        num(s.ci.as_ref().map(|c| c.upper)),
    ];
    cells.resize(HEADER.len() - 2, String::new());
    cells.push(parent.to_string());
    cells.push(num(s.share_of_tagged));
    cells
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
                    String::new(),
                    num(r.share),
                ],
            )?;
            for sub in &r.sub_reasons {
                write_row(&mut w, sub_reason(&r.id, sub))?;
            }
        }
        for c in report.lost_to.iter().flat_map(|l| &l.competitors) {
            let mut cells = vec![
                "competitor".to_string(),
                c.id.clone().unwrap_or_default(),
                c.label.clone(),
                c.count.to_string(),
                num(c.weight),
                num(c.share),
                num(c.ci.as_ref().map(|x| x.lower)),
                num(c.ci.as_ref().map(|x| x.upper)),
            ];
            cells.resize(HEADER.len(), String::new());
            write_row(&mut w, cells)?;
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
