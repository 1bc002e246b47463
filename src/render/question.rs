//! `churn question` as text: the answers per bucket against the set's shares, the test, and
//! the answers no bucket takes; and the list of question sets.

use std::io::{self, Write};

use comfy_table::CellAlignment;
use serde::Serialize;

use super::benchmarks::percent;
use super::plain_table;
use super::table::{p_phrase, pct, pp};
use crate::compare::Verdict;
use crate::config::Config;
use crate::escape::shown;
use crate::question::QuestionReport;
use crate::text::plural;

pub fn render(r: &QuestionReport, out: &mut dyn Write) -> io::Result<()> {
    let rows = &r.rows;
    writeln!(
        out,
        "{}: column `{}`: {} ({} answered, {} not mapped, {} blank, {} filtered out, {} rejected)",
        shown(&r.path),
        shown(&r.column),
        plural(rows.read, "row", "rows"),
        rows.answered,
        rows.not_mapped,
        rows.blank,
        rows.filtered_out,
        rows.rejected
    )?;
    let set = &r.question_set;
    writeln!(
        out,
        "Against `{}`: {}",
        shown(&set.name),
        shown(&set.question)
    )?;
    writeln!(out)?;
    let level = format!("{:.0}%", r.confidence * 100.0);
    let mut t = plain_table();
    t.set_header([
        "answer".to_string(),
        "responses".into(),
        format!("share ({level} CI)"),
        "benchmark".into(),
        "Δ pp".into(),
        "".into(),
    ]);
    for b in &r.buckets {
        let share = match (b.share, &b.ci) {
            (Some(s), Some(c)) => format!(
                "{} ({}-{})",
                pct(s),
                crate::text::fixed(c.lower * 100.0, 1),
                crate::text::fixed(c.upper * 100.0, 1)
            ),
            (Some(s), None) => pct(s),
            _ => "–".into(),
        };
        let verdict = match b.verdict {
            Some(Verdict::Above) => "▲ above",
            Some(Verdict::Below) => "▼ below",
            Some(Verdict::Consistent) => "= consistent",
            None => "",
        };
        t.add_row([
            shown(&b.label).to_string(),
            b.count.to_string(),
            share,
            pct(b.benchmark_share),
            b.delta_pp.map(pp).unwrap_or_else(|| "–".into()),
            verdict.to_string(),
        ]);
    }
    for i in 1..=4 {
        if let Some(col) = t.column_mut(i) {
            col.set_cell_alignment(CellAlignment::Right);
        }
    }
    writeln!(out, "{t}")?;
    match &r.test {
        Some(test) => writeln!(
            out,
            "Test against `{}` ({}): p {}; Cohen's w = {:.2}: {}.",
            shown(&set.name),
            test.method,
            p_phrase(test.p_value),
            test.effect_size,
            super::fit_reading(test.p_value, r.confidence)
        )?,
        None => writeln!(out, "No test: no answer was put in a bucket.")?,
    }
    writeln!(
        out,
        "Shares are of the {} answered; ▲/▼: above/below the set's share (exact binomial test, Holm-adjusted, at {:.0}%).",
        plural(rows.answered, "row", "rows"),
        (1.0 - r.confidence) * 100.0
    )?;
    writeln!(out, "Source: {}", shown(&set.note))?;
    if !r.not_mapped_answers.is_empty() {
        let list: Vec<String> = r
            .not_mapped_answers
            .iter()
            .map(|a| format!("\"{}\" ({})", shown(&a.text), a.count))
            .collect();
        writeln!(
            out,
            "Not mapped (not in the shares; map them in a [[question_set]] of churn.toml): {}",
            list.join(", ")
        )?;
    }
    Ok(())
}

/// A question set as `--list --format json` shows it.
#[derive(Serialize)]
pub struct SetJson<'a> {
    name: &'a str,
    question: &'a str,
    note: &'a str,
    buckets: Vec<BucketJson<'a>>,
}

#[derive(Serialize)]
pub struct BucketJson<'a> {
    id: &'a str,
    label: &'a str,
    share: f64,
    answers: &'a [String],
    at_least: Option<f64>,
    at_most: Option<f64>,
}

pub fn sets_json(config: &Config) -> Vec<SetJson<'_>> {
    config
        .questions
        .iter()
        .map(|s| SetJson {
            name: &s.name,
            question: &s.question,
            note: &s.note,
            buckets: s
                .buckets
                .iter()
                .map(|b| BucketJson {
                    id: &b.id,
                    label: &b.label,
                    share: b.share,
                    answers: &b.answers,
                    at_least: b.range.map(|r| r.0).filter(|x| *x > f64::MIN),
                    at_most: b.range.map(|r| r.1).filter(|x| *x < f64::MAX),
                })
                .collect(),
        })
        .collect()
}

pub fn list(config: &Config, out: &mut dyn Write) -> io::Result<()> {
    for (i, s) in config.questions.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}: {}", shown(&s.name), shown(&s.question))?;
        let shares: Vec<String> = s
            .buckets
            .iter()
            .map(|b| format!("{} {}", shown(&b.label), percent(b.share)))
            .collect();
        writeln!(out, "  {}", shares.join(", "))?;
        writeln!(out, "  {}", shown(&s.note))?;
    }
    Ok(())
}
