//! `churn evaluate`: tag a labelled export and measure agreement with its labels.

use crate::escape::shown;
use std::io::Write;

use anyhow::{bail, Result};

use crate::classify::{Outcome, Scratch};
use crate::cli::EvaluateArgs;
use crate::config::Config;
use crate::evaluation::{Confusion, Evaluation, GroupRow, Groups, LabelRow, Miss, Thresholds};
use crate::input::{squash, ColumnOptions, Loaded};
use crate::metrics::agreement;
use crate::render::{evaluation, Format};
use crate::taxonomy::Taxonomy;

/// The labels besides the reasons, in output order after them.
pub const EXTRA_LABELS: [&str; 3] = ["involuntary", "unclassified", "no_answer"];

fn round(x: f64) -> f64 {
    crate::report::round(x, 6)
}

/// The labels a truth column may hold, by index: the reasons' ids, then [`EXTRA_LABELS`].
pub fn label_names(taxonomy: &Taxonomy) -> Vec<String> {
    let mut names: Vec<String> = taxonomy.reasons.iter().map(|r| r.id.clone()).collect();
    names.extend(EXTRA_LABELS.iter().map(|s| s.to_string()));
    names
}

/// The label of every row of a loaded labelled export (its first extra column), as an index
/// into [`label_names`]: a reason's id or label, or one of [`EXTRA_LABELS`], however spelled.
/// A blank or unknown label is an error naming the file, the row and the labels there are.
pub fn truth_labels(loaded: &Loaded, taxonomy: &Taxonomy) -> Result<Vec<usize>> {
    let names = label_names(taxonomy);
    let reasons = taxonomy.reasons.len();
    let label_of = |value: &str| -> Option<usize> {
        let key = squash(value);
        taxonomy
            .reasons
            .iter()
            .position(|r| squash(&r.id) == key || squash(&r.label) == key)
            .or_else(|| {
                EXTRA_LABELS
                    .iter()
                    .position(|l| squash(l) == key)
                    .map(|i| reasons + i)
            })
    };
    let header = &loaded.extra_columns[0];
    let mut out = Vec::with_capacity(loaded.rows());
    for (i, label) in loaded.extra_cells(0).into_iter().enumerate() {
        let place = loaded.place(i);
        out.push(match label {
            None => bail!(
                "failed to load `{}`: {place}, column `{}`: blank label; every row of \
                 a labelled file needs one",
                shown(&loaded.path),
                shown(header)
            ),
            Some(value) => match label_of(value) {
                Some(t) => t,
                None => bail!(
                    "failed to load `{}`: {place}, column `{}`: unknown label `{}`; \
                     use one of: {}",
                    shown(&loaded.path),
                    shown(header),
                    shown(value),
                    names.join(", ")
                ),
            },
        });
    }
    Ok(out)
}

/// Evaluate the tagging of `args.files` against its truth column.
pub fn evaluate(args: &EvaluateArgs, config: &Config) -> Result<Evaluation> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra: std::iter::once(("--truth-col", args.truth_col.clone()))
            .chain(args.by.clone().map(|c| ("--by", c)))
            .collect(),
        find_date: false,
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let names = label_names(taxonomy);
    let reasons = taxonomy.reasons.len();
    let labels = truth_labels(&loaded, taxonomy)?;
    let mut truth = Vec::with_capacity(loaded.rows());
    let mut predicted = Vec::with_capacity(loaded.rows());
    let mut misclassified = Vec::new();
    let mut scratch = Scratch::new();
    let answers = loaded.answers();
    for (i, (row, &t)) in answers.iter().zip(&labels).enumerate() {
        let line = loaded.lines[i];
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let p = match classifier.classify(row.text, lookup, &mut scratch) {
            Outcome::Tagged(tag) => tag.primary,
            Outcome::Involuntary => reasons,
            Outcome::Unclassified => reasons + 1,
            Outcome::NoAnswer => reasons + 2,
        };
        if p != t {
            misclassified.push(Miss {
                line,
                text: row.text.unwrap_or_default().to_string(),
                truth: names[t].clone(),
                predicted: names[p].clone(),
            });
        }
        truth.push(t);
        predicted.push(p);
    }
    let a = agreement(&truth, &predicted, names.len());
    let used: Vec<usize> = (0..names.len())
        .filter(|&k| a.scores.iter().any(|s| s.label == k))
        .collect();
    let groups = args.by.as_ref().map(|_| Groups {
        column: loaded.extra_columns[1].clone(),
        groups: group_scores(&loaded.extra_cells(1), &truth, &predicted, names.len()),
    });
    let passed = args.min_macro_f1.is_none_or(|m| a.macro_f1 >= m)
        && args.min_kappa.is_none_or(|m| a.kappa >= m);
    Ok(Evaluation {
        schema_version: 1,
        path: loaded.path.clone(),
        config: config.origin.path(),
        text_column: loaded.text_column.clone(),
        truth_column: loaded.extra_columns[0].clone(),
        rows: a.n,
        accuracy: round(a.accuracy),
        macro_f1: round(a.macro_f1),
        kappa: round(a.kappa),
        labels: a
            .scores
            .iter()
            .map(|s| LabelRow {
                label: names[s.label].clone(),
                support: s.support,
                predicted: s.predicted,
                precision: round(s.precision),
                recall: round(s.recall),
                f1: round(s.f1),
            })
            .collect(),
        confusion: Confusion {
            labels: used.iter().map(|&k| names[k].clone()).collect(),
            matrix: used
                .iter()
                .map(|&t| used.iter().map(|&p| a.matrix[t][p]).collect())
                .collect(),
        },
        misclassified,
        thresholds: Thresholds {
            min_macro_f1: args.min_macro_f1,
            min_kappa: args.min_kappa,
            passed,
        },
        groups,
    })
}

/// Accuracy, macro-F1 and kappa of the rows of each value of `values` (blank cells are the
/// value ""), ordered by value.
fn group_scores(
    values: &[Option<&str>],
    truth: &[usize],
    predicted: &[usize],
    labels: usize,
) -> Vec<GroupRow> {
    let mut rows: std::collections::BTreeMap<&str, (Vec<usize>, Vec<usize>)> = Default::default();
    for ((value, &t), &p) in values.iter().zip(truth).zip(predicted) {
        let slot = rows.entry(value.unwrap_or("").trim()).or_default();
        slot.0.push(t);
        slot.1.push(p);
    }
    rows.into_iter()
        .map(|(value, (t, p))| {
            let a = agreement(&t, &p, labels);
            GroupRow {
                value: value.to_string(),
                rows: a.n,
                accuracy: round(a.accuracy),
                macro_f1: round(a.macro_f1),
                kappa: round(a.kappa),
            }
        })
        .collect()
}

/// Run `churn evaluate`; returns whether the thresholds (if any) were met.
pub fn run(args: &EvaluateArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<bool> {
    let e = evaluate(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &e)?;
            writeln!(out)?;
        }
        Format::Table => evaluation::render(&e, color, out)?,
    }
    Ok(e.thresholds.passed)
}
