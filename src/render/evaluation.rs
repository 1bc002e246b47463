//! `churn evaluate` as text: the headline numbers, scores per label, the confusion matrix and
//! the first disagreements.

use crate::escape::shown;
use std::io::{self, Write};

use comfy_table::CellAlignment;

use super::plain_table as table;

use crate::evaluation::{Evaluation, LabelRow};

/// Disagreements listed in the table output (all are in the JSON).
const MISSES_SHOWN: usize = 25;

pub fn render(e: &Evaluation, _color: bool, out: &mut dyn Write) -> io::Result<()> {
    writeln!(
        out,
        "{} ({}; text `{}`, truth `{}`)",
        shown(&e.path),
        crate::text::plural(e.rows, "row", "rows"),
        shown(e.text_column.as_deref().unwrap_or("-")),
        shown(&e.truth_column)
    )?;
    if let Some(c) = &e.config {
        writeln!(out, "Taxonomy: {}", shown(c))?;
    }
    writeln!(
        out,
        "accuracy {:.3}   macro-F1 {:.3}   Cohen's kappa {}",
        e.accuracy,
        e.macro_f1,
        crate::text::fixed(e.kappa, 3)
    )?;
    writeln!(out)?;
    labels(&e.labels, out)?;
    confusion(e, out)?;
    if let Some(sub) = &e.sub_reasons {
        writeln!(
            out,
            "Sub-reasons (a row is right when its reason and sub-reason both are): accuracy \
             {:.3}   macro-F1 {:.3}   Cohen's kappa {}",
            sub.accuracy,
            sub.macro_f1,
            crate::text::fixed(sub.kappa, 3)
        )?;
        writeln!(out)?;
        labels(&sub.labels, out)?;
    }
    if let Some(g) = &e.groups {
        groups(g, out)?;
    }
    misses(e, out)?;
    thresholds(e, out)
}

/// Numbers in columns `columns` aligned right.
fn right(t: &mut comfy_table::Table, columns: std::ops::RangeInclusive<usize>) {
    for i in columns {
        if let Some(c) = t.column_mut(i) {
            c.set_cell_alignment(CellAlignment::Right);
        }
    }
}

/// Scores per label.
fn labels(rows: &[LabelRow], out: &mut dyn Write) -> io::Result<()> {
    let mut t = table();
    t.set_header(["label", "support", "predicted", "precision", "recall", "F1"]);
    for l in rows {
        t.add_row(vec![
            l.label.clone(),
            l.support.to_string(),
            l.predicted.to_string(),
            format!("{:.3}", l.precision),
            format!("{:.3}", l.recall),
            format!("{:.3}", l.f1),
        ]);
    }
    right(&mut t, 1..=5);
    writeln!(out, "{t}")?;
    writeln!(out)
}

/// The confusion matrix, zeros as dots.
fn confusion(e: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Confusion matrix (rows: truth, columns: tagged):")?;
    let mut m = table();
    let short = |s: &str| s.chars().take(8).collect::<String>();
    let mut header = vec![String::new()];
    header.extend(e.confusion.labels.iter().map(|l| short(l)));
    m.set_header(header);
    for (label, row) in e.confusion.labels.iter().zip(&e.confusion.matrix) {
        let mut cells = vec![label.clone()];
        cells.extend(row.iter().map(|c| {
            if *c == 0 {
                ".".to_string()
            } else {
                c.to_string()
            }
        }));
        m.add_row(cells);
    }
    right(&mut m, 1..=e.confusion.labels.len());
    writeln!(out, "{m}")
}

/// The scores of each value of the `--by` column.
fn groups(g: &crate::evaluation::Groups, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(out, "By `{}`:", shown(&g.column))?;
    let mut t = table();
    t.set_header(["value", "rows", "accuracy", "macro-F1", "kappa"]);
    for r in &g.groups {
        t.add_row(vec![
            shown(&r.value).to_string(),
            r.rows.to_string(),
            format!("{:.3}", r.accuracy),
            format!("{:.3}", r.macro_f1),
            crate::text::fixed(r.kappa, 3),
        ]);
    }
    right(&mut t, 1..=4);
    writeln!(out, "{t}")
}

/// The first disagreements.
fn misses(e: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
    if e.misclassified.is_empty() {
        return Ok(());
    }
    writeln!(out)?;
    writeln!(
        out,
        "Disagreements ({}{}):",
        e.misclassified.len(),
        if e.misclassified.len() > MISSES_SHOWN {
            format!(", first {MISSES_SHOWN}; all in --format json")
        } else {
            String::new()
        }
    )?;
    for miss in e.misclassified.iter().take(MISSES_SHOWN) {
        writeln!(
            out,
            "  line {}: {} -> {}: {}",
            miss.line,
            shown(&miss.truth),
            shown(&miss.predicted),
            shown(&miss.text)
        )?;
    }
    Ok(())
}

/// PASS or FAIL against `--min-macro-f1` / `--min-kappa`, when given.
fn thresholds(e: &Evaluation, out: &mut dyn Write) -> io::Result<()> {
    let th = &e.thresholds;
    if th.min_macro_f1.is_none() && th.min_kappa.is_none() && th.min_sub_macro_f1.is_none() {
        return Ok(());
    }
    writeln!(out)?;
    let mut parts = Vec::new();
    if let Some(m) = th.min_macro_f1 {
        parts.push(format!("macro-F1 {:.3} (minimum {m})", e.macro_f1));
    }
    if let Some(m) = th.min_kappa {
        parts.push(format!(
            "kappa {} (minimum {m})",
            crate::text::fixed(e.kappa, 3)
        ));
    }
    if let (Some(m), Some(sub)) = (th.min_sub_macro_f1, &e.sub_reasons) {
        parts.push(format!(
            "sub-reasons' macro-F1 {:.3} (minimum {m})",
            sub.macro_f1
        ));
    }
    writeln!(
        out,
        "{}: {}",
        if th.passed { "PASS" } else { "FAIL" },
        parts.join(", ")
    )
}
