//! `churn benchmarks` as text: one block per set, its buckets, and where the numbers come from.

use crate::escape::shown;
use std::io::{self, Write};

use comfy_table::CellAlignment;

use super::plain_table;
use crate::config::Config;

/// A share as a percentage without needless decimals: 68%, 4.5%.
pub fn percent(share: f64) -> String {
    let p = (share * 1000.0).round() / 10.0;
    if p.fract() == 0.0 {
        format!("{p:.0}%")
    } else {
        format!("{p:.1}%")
    }
}

pub fn list(config: &Config, out: &mut dyn Write) -> io::Result<()> {
    let t = &config.taxonomy;
    for (i, b) in config.benchmarks.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let default = if b.name == config.benchmark {
            " (default)"
        } else {
            ""
        };
        writeln!(out, "{}{default}", shown(&b.name))?;
        let mut table = plain_table();
        table.set_header(["bucket", "share", "reasons"]);
        for (bucket, ids) in b.buckets.iter().zip(b.members(t)) {
            table.add_row([
                bucket.label.clone(),
                percent(bucket.share),
                if ids.is_empty() {
                    "(none in this taxonomy)".to_string()
                } else {
                    ids.join(", ")
                },
            ]);
        }
        if let Some(col) = table.column_mut(1) {
            col.set_cell_alignment(CellAlignment::Right);
        }
        writeln!(out, "{table}")?;
        let uncovered = b.uncovered(t);
        if !uncovered.is_empty() {
            writeln!(
                out,
                "Not covered (left out of comparisons): {}",
                shown(&uncovered.join(", "))
            )?;
        }
        writeln!(out, "{}", shown(&b.note))?;
    }
    Ok(())
}
