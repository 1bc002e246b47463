//! `churn discover FILE...`: every row is tagged, the unclassified answers (or all, `--all`)
//! are held against the tagged ones (`crate::discover`), and each candidate gets two examples,
//! a churn.toml fragment and how many unclassified answers that fragment tags now (the
//! taxonomy with the phrase added, compiled and run on them).

use std::io::Write;

use anyhow::Result;

use crate::classify::{Classifier, Outcome, Scratch};
use crate::cli::DiscoverArgs;
use crate::config::Config;
use crate::discover::{
    self, Answer, Candidate, CandidateRow, DiscoverReport, DiscoverRows, DuplicateRow, Settings,
};
use crate::input::ColumnOptions;
use crate::normalize::normalize;
use crate::render::Format;
use crate::taxonomy::{Phrase, Reason, Taxonomy};

pub fn run(args: &DiscoverArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let report = report(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => crate::render::discover::render(&report, out)?,
    }
    Ok(())
}

/// The rows' answers, their outcomes, and the candidates found in them.
pub fn report(args: &DiscoverArgs, config: &Config) -> Result<DiscoverReport> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let rows = loaded.answers();
    let mut scratch = Scratch::new();
    let mut texts: Vec<&str> = Vec::with_capacity(rows.len());
    let mut answers: Vec<Answer> = Vec::with_capacity(rows.len());
    let (mut tagged, mut unclassified) = (0, 0);
    for row in rows.iter() {
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let outcome = classifier.classify_remembered(row.text, lookup, &mut scratch);
        let text = row.text.unwrap_or("");
        let reason = match outcome {
            Outcome::Tagged(tag) => Some(tag.primary),
            _ => None,
        };
        tagged += usize::from(reason.is_some());
        let is_unclassified = matches!(outcome, Outcome::Unclassified);
        unclassified += usize::from(is_unclassified);
        // An answer to discover from says something of itself: an "other" code with "n/a" or
        // "asdfgh" is unclassified, but its text is no answer.
        let said = |scratch: &mut Scratch| match outcome {
            Outcome::Tagged(_) => true,
            _ if text.trim().is_empty() => false,
            _ => !matches!(classifier.classify_text(text, scratch), Outcome::NoAnswer),
        };
        let open = is_unclassified && said(&mut scratch);
        let target = open || (args.all && said(&mut scratch));
        // Only targets and tagged answers are read past here.
        let words = match target || reason.is_some() {
            true => normalize(text)
                .split(' ')
                .filter(|w| !w.is_empty())
                .map(String::from)
                .collect(),
            false => Vec::new(),
        };
        texts.push(text);
        answers.push(Answer {
            words,
            target,
            reason,
        });
    }
    // Twice as many as asked for: a candidate whose rule would tag none of the unclassified
    // answers (its words split by punctuation in each) is no use, and the next takes its place.
    let top = usize::from(args.top);
    let settings = Settings {
        top: top * 2,
        min_count: args.min_count as usize,
    };
    let found = discover::candidates(&answers, taxonomy.reasons.len(), settings);
    let open: Vec<&str> = (answers.iter().zip(&texts))
        .filter(|(a, _)| a.target && a.reason.is_none())
        .map(|(_, t)| *t)
        .collect();
    let shown = |t: &str| match args.no_redact {
        true => t.to_string(),
        false => churn_core::redact::redact(t).into_owned(),
    };
    let mut candidates = Vec::new();
    for c in &found {
        if candidates.len() == top {
            break;
        }
        let row = candidate_row(c, (taxonomy, &texts, &open), unclassified, &shown)?;
        if args.all || row.would_tag > 0 {
            candidates.push(row);
        }
    }
    let near_duplicates = discover::near_duplicates(&answers, 10)
        .into_iter()
        .map(|d| DuplicateRow {
            words: d.key,
            count: d.rows.len(),
            example: shown(texts[d.rows[0]]),
        })
        .collect();
    Ok(DiscoverReport {
        schema_version: 1,
        inputs: args.files.clone(),
        scope: if args.all { "all" } else { "unclassified" },
        rows: DiscoverRows {
            read: answers.len(),
            tagged,
            unclassified,
            target: answers.iter().filter(|a| a.target).count(),
        },
        candidates,
        near_duplicates,
        redacted: !args.no_redact,
    })
}

/// A candidate as reported: its examples, its fragment, and what the fragment tags now among
/// the unclassified answers `open`.
fn candidate_row(
    c: &Candidate,
    (taxonomy, texts, open): (&Taxonomy, &[&str], &[&str]),
    unclassified: usize,
    shown: &dyn Fn(&str) -> String,
) -> Result<CandidateRow> {
    let mut examples: Vec<&str> = c.rows.iter().map(|&i| texts[i].trim()).collect();
    examples.sort_by_key(|t| t.chars().count());
    examples.dedup();
    examples.truncate(2);
    let suggested = c.suggested.map(|r| taxonomy.reasons[r].id.clone());
    let (toml, with) = fragment(c, taxonomy);
    let classifier = Classifier::new(&with)?;
    let mut scratch = Scratch::new();
    let would_tag = (open.iter())
        .filter(|t| {
            matches!(
                classifier.classify_text(t, &mut scratch),
                Outcome::Tagged(_)
            )
        })
        .count();
    Ok(CandidateRow {
        phrase: c.phrase.clone(),
        lang: c.lang,
        count: c.rows.len(),
        share_of_unclassified: c.rows.len() as f64 / unclassified.max(1) as f64,
        suggested_reason: suggested,
        examples: examples.into_iter().map(shown).collect(),
        toml,
        would_tag,
    })
}

/// The churn.toml fragment that adds a candidate's phrase (to its suggested reason, or to a new
/// reason named after it), and the taxonomy with it added.
fn fragment(c: &Candidate, taxonomy: &Taxonomy) -> (String, Taxonomy) {
    let mut with = taxonomy.clone();
    let phrase = Phrase {
        lang: c.lang.to_string(),
        text: c.phrase.clone(),
    };
    let quoted = format!(
        "\"{}\"",
        c.phrase.replace('\\', "\\\\").replace('"', "\\\"")
    );
    match c.suggested {
        Some(r) => {
            let id = &taxonomy.reasons[r].id;
            with.reasons[r].phrases.push(phrase);
            let toml = format!(
                "[[reason]]\nid = \"{id}\"\nphrases.{} = [{quoted}]\n",
                c.lang
            );
            (toml, with)
        }
        None => {
            let id = reason_id(&c.phrase, taxonomy);
            with.reasons.push(Reason {
                id: id.clone(),
                label: c.phrase.clone(),
                meaning: format!(
                    "Answers that say \"{}\" (found by churn discover).",
                    c.phrase
                ),
                priority: 0,
                controllable: true,
                story_hint: false,
                phrases: vec![phrase],
                hints: Vec::new(),
                regex: Vec::new(),
                refined_by: Vec::new(),
                subs: Vec::new(),
            });
            let toml = format!(
                "[[reason]]\nid = \"{id}\"\nlabel = {quoted}\nphrases.{} = [{quoted}]\n",
                c.lang
            );
            (toml, with)
        }
    }
}

/// A new reason's id from its phrase: lowercase ASCII letters, digits and `_` (`renewal_fee`),
/// `discovered` when none is left (a phrase in another script), numbered when taken.
fn reason_id(phrase: &str, taxonomy: &Taxonomy) -> String {
    let slug: String = phrase
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    let slug = slug.trim_matches('_').to_string();
    let base = if slug.is_empty() || slug.starts_with(|c: char| c.is_ascii_digit()) {
        "discovered".to_string()
    } else {
        slug
    };
    let taken = |id: &str| taxonomy.reasons.iter().any(|r| r.id == id);
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|k| format!("{base}_{k}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}
