//! `churn taxonomy stats` as text: the rows by what tagged them, the rules that tagged the most
//! rows, with a labelled file the least precise rules and a row each got wrong, and how many
//! rules never fired.

use std::io::{self, Write};

use comfy_table::{Cell, CellAlignment};

use super::plain_table;
use crate::escape::shown;
use crate::rule_stats::{RuleRow, RuleStats};
use crate::text::plural;

/// A rule as written, with what it is: `/regex/`, `(hint)`.
fn rule_text(r: &RuleRow) -> String {
    let text = match r.kind {
        "regex" => format!("/{}/", r.rule),
        _ => r.rule.clone(),
    };
    let text = shown(&text).to_string();
    match r.hint {
        true => format!("{text} (hint)"),
        false => text,
    }
}

fn reason(r: &RuleRow) -> String {
    match &r.sub {
        Some(sub) => format!("{}.{}", r.reason, sub),
        None => r.reason.clone(),
    }
}

fn right(n: impl ToString) -> Cell {
    Cell::new(n.to_string()).set_alignment(CellAlignment::Right)
}

pub fn render(s: &RuleStats, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let rows = &s.rows;
    writeln!(
        out,
        "{}: {}: {} tagged by rules, {} by a code alone, {} by the model; {} unclassified, \
         {} no answer, {} involuntary",
        shown(&s.inputs.join(", ")),
        plural(rows.read, "row", "rows"),
        rows.by_rules,
        rows.by_code,
        rows.by_model,
        rows.unclassified,
        rows.no_answer,
        rows.involuntary
    )?;
    writeln!(
        out,
        "Taxonomy: {} ({}, {} of which fired)",
        shown(s.config.as_deref().unwrap_or("built-in")),
        plural(s.rules.len(), "rule", "rules"),
        s.rules.len() - s.never_fired
    )?;
    most_rows(s, top, out)?;
    if s.truth_column.is_some() {
        least_precise(s, top, out)?;
    }
    never_fired(s, out)
}

fn most_rows(s: &RuleStats, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut fired: Vec<&RuleRow> = s.rules.iter().filter(|r| r.matched > 0).collect();
    if fired.is_empty() {
        return writeln!(out, "\nNo rule matched any row.");
    }
    fired.sort_by_key(|r| std::cmp::Reverse((r.tagged, r.matched)));
    let labelled = s.truth_column.is_some();
    writeln!(
        out,
        "\nRules by rows tagged ({} of {}):",
        top.min(fired.len()),
        fired.len()
    )?;
    let mut t = plain_table();
    let mut header = vec![
        "reason",
        "rule",
        "lang",
        "matched",
        "tagged",
        "decided",
        "negated",
        "overruled",
    ];
    if labelled {
        header.push("precision");
    }
    header.push("also tagged");
    t.set_header(header);
    for r in fired.iter().take(top) {
        let mut cells = vec![
            Cell::new(shown(&reason(r))),
            Cell::new(rule_text(r)),
            Cell::new(shown(&r.lang)),
            right(r.matched),
            right(r.tagged),
            right(r.decided),
            right(r.negated),
            right(r.overruled),
        ];
        if labelled {
            cells.push(right(precision(r)));
        }
        let overlaps: Vec<String> = (r.overlaps.iter().take(3))
            .map(|o| format!("{} {}", shown(&o.reason), o.rows))
            .collect();
        cells.push(Cell::new(overlaps.join(", ")));
        t.add_row(cells);
    }
    writeln!(out, "{t}")
}

fn precision(r: &RuleRow) -> String {
    r.precision
        .map_or("-".to_string(), |p| format!("{:.0}%", p * 100.0))
}

/// Rules with a row wrong, least precise first (ties: more rows tagged first).
fn least_precise(s: &RuleStats, top: usize, out: &mut dyn Write) -> io::Result<()> {
    let mut wrong: Vec<&RuleRow> = s.rules.iter().filter(|r| !r.wrong.is_empty()).collect();
    if wrong.is_empty() {
        return writeln!(out, "\nNo rule tagged a row whose label is another reason.");
    }
    wrong.sort_by(|a, b| {
        let key = |r: &RuleRow| r.precision.unwrap_or(0.0);
        key(a).total_cmp(&key(b)).then(b.primary.cmp(&a.primary))
    });
    writeln!(
        out,
        "\nRules that tagged rows labelled otherwise ({} of {}), least precise first:",
        top.min(wrong.len()),
        wrong.len()
    )?;
    let mut t = plain_table();
    t.set_header(vec![
        "reason",
        "rule",
        "as primary",
        "wrong",
        "precision",
        "e.g. (line: answer, label)",
    ]);
    for r in wrong.iter().take(top) {
        let w = &r.wrong[0];
        t.add_row(vec![
            Cell::new(shown(&reason(r))),
            Cell::new(rule_text(r)),
            right(r.primary),
            right(r.wrong.len()),
            right(precision(r)),
            Cell::new(format!(
                "{}: {} ({})",
                w.line,
                shown(&short(&w.text)),
                shown(&w.truth)
            )),
        ]);
    }
    writeln!(out, "{t}")
}

/// An answer cut to 60 characters.
fn short(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    match text.char_indices().nth(60) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text,
    }
}

/// How many rules never fired, per reason; each is in the JSON.
fn never_fired(s: &RuleStats, out: &mut dyn Write) -> io::Result<()> {
    if s.never_fired == 0 {
        return writeln!(out, "\nEvery rule fired.");
    }
    let mut by_reason: Vec<(&str, usize)> = Vec::new();
    for r in s.rules.iter().filter(|r| r.matched == 0) {
        match by_reason.iter_mut().find(|(id, _)| *id == r.reason) {
            Some((_, n)) => *n += 1,
            None => by_reason.push((&r.reason, 1)),
        }
    }
    let parts: Vec<String> = (by_reason.iter())
        .map(|(id, n)| format!("{} {n}", shown(id)))
        .collect();
    writeln!(
        out,
        "\nNever fired: {} ({}); --format json lists each.",
        plural(s.never_fired, "rule", "rules"),
        parts.join(", ")
    )
}
