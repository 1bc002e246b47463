//! `churn compare` as text: both exports' shares, the change with its interval, and the test.

use std::io::{self, Write};

use comfy_table::CellAlignment;

use super::plain_table;
use crate::changes::{Changes, Moved, SubReasonChange};
use crate::text::signed;

fn pct(x: Option<f64>) -> String {
    x.map_or("–".into(), super::table::pct)
}

/// A table row: the name, both shares, and the change with its interval and direction.
fn row(name: String, m: &Moved) -> [String; 6] {
    let ci = m.change_ci_pp.as_ref().map_or("–".into(), |x| {
        format!("{} to {}", signed(x.lower, 1), signed(x.upper, 1))
    });
    let arrow = match m.direction {
        Some("up") => "▲ up",
        Some("down") => "▼ down",
        _ => "",
    };
    [
        crate::escape::line(&name).into_owned(),
        pct(m.before.share),
        pct(m.after.share),
        m.change_pp.map_or("–".into(), |d| signed(d, 1)),
        ci,
        arrow.to_string(),
    ]
}

pub fn render(c: &Changes, _color: bool, out: &mut dyn Write) -> io::Result<()> {
    for (name, side) in [("before", &c.before), ("after", &c.after)] {
        let r = &side.rows;
        writeln!(
            out,
            "{name}: {} ({}: {})",
            crate::escape::shown(&side.path),
            crate::text::plural(r.read, "row", "rows"),
            super::accounting(r)
        )?;
    }
    writeln!(out)?;
    let level = format!("{:.0}%", c.confidence * 100.0);
    let mut t = plain_table();
    t.set_header([
        "reason".to_string(),
        "before".to_string(),
        "after".to_string(),
        "change (pp)".to_string(),
        format!("{level} interval"),
        "".to_string(),
    ]);
    for r in &c.reasons {
        t.add_row(row(r.id.clone(), &r.change));
        let with_rows = |s: &&SubReasonChange| s.change.before.count + s.change.after.count > 0.0;
        for sub in r.sub_reasons.iter().filter(with_rows) {
            let name = format!("  {}", sub.id.as_deref().unwrap_or("(unspecified)"));
            t.add_row(row(name, &sub.change));
        }
    }
    for i in 1..=4 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{t}")?;
    match &c.test {
        Some(h) => writeln!(
            out,
            "Same distribution before and after? Chi-square {:.2} on {} df, p = {}; Cramér's V {:.3}.",
            h.statistic,
            h.df,
            super::table::p_text(h.p_value),
            h.cramers_v
        )?,
        None => writeln!(
            out,
            "No test of the two distributions (attribution `all`, or an export with no tagged row)."
        )?,
    }
    writeln!(
        out,
        "Change intervals are Newcombe's hybrid score intervals at {level}, one reason at a time; ▲/▼ mark those that leave out 0."
    )?;
    if c.reasons.iter().any(|r| !r.sub_reasons.is_empty()) {
        writeln!(
            out,
            "Indented: each reason's sub-reasons, as shares of all tagged rows (of the rows whose primary reason it is)."
        )?;
    }
    Ok(())
}
