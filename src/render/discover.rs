//! `churn discover` as text: the candidates with their counts, suggested reasons and examples,
//! each one's churn.toml fragment, and the near-duplicate answers.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};

use super::plain_table;
use crate::discover::DiscoverReport;
use crate::escape::shown;
use crate::text::plural;

pub fn render(r: &DiscoverReport, out: &mut dyn Write) -> io::Result<()> {
    let rows = &r.rows;
    writeln!(
        out,
        "{}: {} ({} tagged, {} unclassified); discovered from {} {}",
        shown(&r.inputs.join(", ")),
        plural(rows.read, "row", "rows"),
        rows.tagged,
        rows.unclassified,
        rows.target,
        if r.scope == "all" {
            "answers (all)"
        } else {
            "unclassified answers"
        }
    )?;
    if r.candidates.is_empty() {
        writeln!(
            out,
            "\nNo word or phrase is in enough of them to propose (--min-count sets how many)."
        )?;
    } else {
        candidates(r, out)?;
        writeln!(
            out,
            "\nTo add one, paste its lines into churn.toml (after `extends = \"builtin\"`):"
        )?;
        for (k, c) in r.candidates.iter().enumerate().take(3) {
            writeln!(out, "\n# {}. \"{}\"", k + 1, shown(&c.phrase))?;
            for line in c.toml.lines() {
                writeln!(out, "{}", shown(line))?;
            }
        }
        if r.candidates.len() > 3 {
            writeln!(out, "\n(--format json gives every candidate's `toml`)")?;
        }
    }
    if !r.near_duplicates.is_empty() {
        writeln!(out, "\nNear-duplicate answers (the same words):")?;
        for d in &r.near_duplicates {
            writeln!(out, "  {:>5}  {}", d.count, shown(&d.example))?;
        }
    }
    Ok(())
}

fn candidates(r: &DiscoverReport, out: &mut dyn Write) -> io::Result<()> {
    let mut t = plain_table();
    t.set_header(vec![
        "#",
        "phrase",
        "lang",
        "answers",
        "share",
        "tags now",
        "suggested",
        "examples",
    ]);
    for (k, c) in r.candidates.iter().enumerate() {
        let examples: Vec<String> = c
            .examples
            .iter()
            .map(|e| shown(&short(e)).to_string())
            .collect();
        t.add_row(vec![
            Cell::new(k + 1),
            Cell::new(shown(&c.phrase)),
            Cell::new(c.lang),
            Cell::new(c.count).set_alignment(CellAlignment::Right),
            Cell::new(format!("{:.1}%", c.share_of_unclassified * 100.0))
                .set_alignment(CellAlignment::Right),
            Cell::new(c.would_tag).set_alignment(CellAlignment::Right),
            Cell::new(match &c.suggested_reason {
                Some(r) => shown(r).to_string(),
                None => "(new reason)".to_string(),
            }),
            Cell::new(examples.join("\n")),
        ]);
    }
    writeln!(out, "\n{t}")?;
    writeln!(
        out,
        "share: of the unclassified answers; tags now: the unclassified answers its fragment tags."
    )
}

/// An example cut to 60 characters.
fn short(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= 60 {
        return one_line;
    }
    let cut: String = one_line.chars().take(59).collect();
    format!("{cut}…")
}
