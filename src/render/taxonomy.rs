//! `churn taxonomy show` and `validate` as text.

use crate::escape::shown;
use std::collections::BTreeMap;
use std::io::{self, Write};

use comfy_table::CellAlignment;

use crate::config::{Checked, Config};
use crate::taxonomy::{CodeTarget, Phrase};

fn per_lang<'p>(phrases: impl IntoIterator<Item = &'p Phrase>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for p in phrases {
        *counts.entry(p.lang.as_str()).or_default() += 1;
    }
    counts
        .iter()
        .map(|(l, n)| format!("{l} {n}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn show(config: &Config, out: &mut dyn Write) -> io::Result<()> {
    let t = &config.taxonomy;
    writeln!(
        out,
        "Taxonomy: {}",
        config
            .origin
            .path()
            .map_or_else(|| "built-in".to_string(), |p| shown(&p).to_string())
    )?;
    writeln!(
        out,
        "Matching: accents {}, stemming {}, typos {}, max gap {}; negation {} (window {}); attribution {}; benchmark {}",
        if t.matching.fold_accents { "folded" } else { "kept" },
        if t.matching.stemming { "on" } else { "off" },
        if t.matching.typos { "tolerated" } else { "off" },
        t.matching.max_gap,
        if t.negation.enabled { "on" } else { "off" },
        t.negation.window,
        config.attribution.name(),
        shown(&config.benchmark),
    )?;
    writeln!(out)?;
    let mut table = super::plain_table();
    table.set_header([
        "reason",
        "label",
        "priority",
        "phrases",
        "hints",
        "regex",
        "sub-reasons",
    ]);
    for r in &t.reasons {
        let subs: Vec<&str> = r.subs.iter().map(|s| s.id.as_str()).collect();
        table.add_row(vec![
            r.id.clone(),
            r.label.clone(),
            r.priority.to_string(),
            per_lang(r.all_phrases()),
            per_lang(r.all_hints()),
            r.all_regex().count().to_string(),
            subs.join(", "),
        ]);
    }
    if let Some(c) = table.column_mut(2) {
        c.set_cell_alignment(CellAlignment::Right);
    }
    writeln!(out, "{table}")?;
    for m in &t.code_maps {
        writeln!(out)?;
        writeln!(
            out,
            "Codes `{}` ({}; headers: {}{}):",
            shown(&m.id),
            shown(&m.description),
            shown(&m.headers.join(", ")),
            if m.detect_by_values {
                "; also found by values"
            } else {
                ""
            }
        )?;
        for (code, target) in &m.codes {
            let target = match target {
                CodeTarget::Reason(id) => id.clone(),
                CodeTarget::Text => "(read the text)".to_string(),
                CodeTarget::Involuntary => "(involuntary: outside the shares)".to_string(),
                CodeTarget::Nothing => "(no answer in itself)".to_string(),
            };
            writeln!(out, "  {} -> {}", shown(code), shown(&target))?;
        }
    }
    writeln!(out)?;
    for b in &config.benchmarks {
        let shares: Vec<String> = b
            .buckets
            .iter()
            .map(|x| format!("{} {}", shown(&x.id), super::benchmarks::percent(x.share)))
            .collect();
        writeln!(out, "Benchmark `{}`: {}", shown(&b.name), shares.join(", "))?;
    }
    writeln!(
        out,
        "No-answer forms: {}; negation cues: {}",
        t.no_answer.len(),
        per_lang(&t.negation.cues)
    )?;
    Ok(())
}

pub fn validation(name: &str, result: &Checked, out: &mut dyn Write) -> io::Result<()> {
    for d in &result.diagnostics {
        writeln!(
            out,
            "{}: {}",
            shown(name),
            crate::escape::message(&d.to_string())
        )?;
    }
    let errors = result.errors().count();
    let warnings = result.warnings().count();
    if errors == 0 {
        writeln!(
            out,
            "{}: valid ({warnings} warning{})",
            shown(name),
            if warnings == 1 { "" } else { "s" }
        )?;
    } else {
        writeln!(
            out,
            "{}: invalid: {errors} error{}, {warnings} warning{}",
            shown(name),
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        )?;
    }
    Ok(())
}
