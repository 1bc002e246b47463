//! `churn explain` as text.

use std::io::{self, Write};

use crate::escape::shown;
use crate::explanation::{Explained, ModelInfo};

pub fn render(e: &Explained, color: bool, out: &mut dyn Write) -> io::Result<()> {
    let bold = |s: &str| {
        if color {
            format!("\x1b[1m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    };
    writeln!(out, "answer:      {}", shown(&e.text))?;
    writeln!(out, "normalized:  {}", shown(&e.normalized))?;
    if let Some(c) = &e.code {
        let reads = match &c.reason {
            Some(r) => format!("reason `{}`", shown(r)),
            None => c.reads_as.clone(),
        };
        writeln!(out, "code:        {} -> {reads}", shown(&c.value))?;
    }
    if e.matches.is_empty() {
        writeln!(out, "matches:     none")?;
    } else {
        writeln!(out, "matches:")?;
        for m in &e.matches {
            let mut notes = Vec::new();
            if let Some(n) = &m.negated_by {
                notes.push(format!("cancelled by negation \"{}\"", shown(n)));
            }
            if m.inside_longer_match {
                notes.push("inside a longer match".to_string());
            }
            if m.overruled_hint {
                notes.push("hint set aside: a phrase matched".to_string());
            }
            for [a, b] in &m.typos {
                notes.push(format!("typo: \"{}\" read as \"{}\"", shown(a), shown(b)));
            }
            let status = if m.counts { "counts" } else { "ignored" };
            writeln!(
                out,
                "  {:<16} \"{}\" (words {}-{})  {} [{}] {}  {status}{}",
                shown(&m.reason),
                shown(&m.matched),
                m.words[0] + 1,
                m.words[1],
                m.kind,
                shown(&m.lang),
                shown(&m.rule),
                if notes.is_empty() {
                    String::new()
                } else {
                    format!("; {}", notes.join("; "))
                }
            )?;
        }
    }
    if !e.negations.is_empty() {
        let list: Vec<String> = e
            .negations
            .iter()
            .map(|n| {
                format!(
                    "\"{}\" (word {}){}",
                    shown(&n.word),
                    n.position + 1,
                    if n.cancels_a_match {
                        ""
                    } else {
                        ", cancels nothing"
                    }
                )
            })
            .collect();
        writeln!(out, "negations:   {}", list.join(", "))?;
    }
    let result = match &e.outcome.reason {
        Some(r) => format!("{} ({})", shown(r), e.outcome.kind),
        None => e.outcome.kind.replace('_', " "),
    };
    writeln!(out, "result:      {}", bold(&result))?;
    if let Some(s) = &e.outcome.sub_reason {
        writeln!(out, "sub-reason:  {}", shown(s))?;
    }
    if let Some(c) = &e.outcome.competitor {
        writeln!(out, "competitor:  {}", shown(c))?;
    }
    writeln!(out, "why:         {}", shown(&e.outcome.why))?;
    if let Some(Some(c)) = e.confidence {
        writeln!(out, "confidence:  {c:.3}")?;
    }
    if let Some(m) = &e.model {
        model(m, out)?;
    }
    Ok(())
}

/// The learned model's view: its probabilities and the features behind its choice.
fn model(m: &ModelInfo, out: &mut dyn Write) -> io::Result<()> {
    let role = match (m.asked, m.decided, m.confidence_only) {
        (_, true, _) => "decided the row",
        (true, false, true) => "asked for its confidence only: a hint decides",
        (true, false, false) => "not sure enough to decide: the rules' outcome stands",
        (false, _, _) => "not asked: the rules decided with confidence",
    };
    writeln!(out, "model:       {role} (threshold {:.2})", m.threshold)?;
    let shown_p: Vec<String> = m
        .probabilities
        .iter()
        .filter(|p| p.probability >= 0.01)
        .map(|p| format!("{} {:.3}", shown(&p.label), p.probability))
        .collect();
    writeln!(out, "  probabilities: {}", shown_p.join(", "))?;
    if !m.features.is_empty() {
        let list: Vec<String> = m
            .features
            .iter()
            .map(|f| format!("{} (+{:.2})", shown(&f.feature), f.weight))
            .collect();
        writeln!(out, "  for `{}`: {}", shown(&m.top), list.join(", "))?;
    }
    Ok(())
}
