//! `churn evaluate`: tag a labelled export and measure agreement with its labels.

use crate::escape::shown;
use std::io::Write;

use anyhow::{bail, Result};

use crate::classify::{Outcome, Scratch};
use crate::cli::EvaluateArgs;
use crate::config::Config;
use crate::evaluation::{
    Confusion, Evaluation, GroupRow, Groups, LabelRow, Miss, SubLevel, Thresholds,
};
use crate::input::{ColumnOptions, Loaded};
use crate::metrics::agreement;
use crate::overrides::Target;
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
    Ok(truth_targets(loaded, taxonomy)?
        .into_iter()
        .map(|(t, _)| t)
        .collect())
}

/// Like [`truth_labels`], with each label's sub-reason: a label may be `reason.sub` (a
/// sub-reason's id or label after the dot).
pub fn truth_targets(loaded: &Loaded, taxonomy: &Taxonomy) -> Result<Vec<(usize, Option<usize>)>> {
    let names = label_names(taxonomy);
    let reasons = taxonomy.reasons.len();
    // The labels an overrides file takes, but `@none`, which names no label here.
    let label_of = |value: &str| -> Option<(usize, Option<usize>)> {
        match Target::parse(value, taxonomy)? {
            _ if value.trim() == "@none" => None,
            Target::Reason(r, sub) => Some((r, sub.map(usize::from))),
            Target::Involuntary => Some((reasons, None)),
            Target::Unclassified => Some((reasons + 1, None)),
            Target::NoAnswer => Some((reasons + 2, None)),
        }
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
                     use one of: {} (or `reason.sub`, a sub-reason of the reason)",
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

/// The labels at the level of sub-reasons: each reason, then each of its sub-reasons as
/// `reason.sub`; then [`EXTRA_LABELS`]. With the index of a (label, sub-reason).
fn sub_label_names(taxonomy: &Taxonomy) -> (Vec<String>, Vec<Vec<usize>>) {
    let mut names = Vec::new();
    let mut index = Vec::new();
    for r in &taxonomy.reasons {
        let mut at = vec![names.len()];
        names.push(r.id.clone());
        for s in &r.subs {
            at.push(names.len());
            names.push(format!("{}.{}", r.id, s.id));
        }
        index.push(at);
    }
    for extra in EXTRA_LABELS {
        index.push(vec![names.len()]);
        names.push(extra.to_string());
    }
    (names, index)
}

/// The scores of reason and sub-reason together, when any truth label names a sub-reason.
fn sub_level(
    taxonomy: &Taxonomy,
    truth: &[(usize, Option<usize>)],
    predicted: &[(usize, Option<usize>)],
) -> Option<SubLevel> {
    truth.iter().any(|(_, s)| s.is_some()).then(|| {
        let (names, index) = sub_label_names(taxonomy);
        let of = |&(l, s): &(usize, Option<usize>)| index[l][s.map_or(0, |s| s + 1)];
        let t: Vec<usize> = truth.iter().map(of).collect();
        let p: Vec<usize> = predicted.iter().map(of).collect();
        let a = agreement(&t, &p, names.len());
        SubLevel {
            accuracy: round(a.accuracy),
            macro_f1: round(a.macro_f1),
            kappa: round(a.kappa),
            labels: label_rows(&a, &names),
        }
    })
}

/// The scores per label of an agreement.
fn label_rows(a: &crate::metrics::Agreement, names: &[String]) -> Vec<LabelRow> {
    a.scores
        .iter()
        .map(|s| LabelRow {
            label: names[s.label].clone(),
            support: s.support,
            predicted: s.predicted,
            precision: round(s.precision),
            recall: round(s.recall),
            f1: round(s.f1),
        })
        .collect()
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
    let targets = truth_targets(&loaded, taxonomy)?;
    let labels: Vec<usize> = targets.iter().map(|(t, _)| *t).collect();
    let mut truth = Vec::with_capacity(loaded.rows());
    let mut predicted = Vec::with_capacity(loaded.rows());
    let mut predicted_subs = Vec::with_capacity(loaded.rows());
    let mut misclassified = Vec::new();
    let mut scratch = Scratch::new();
    let answers = loaded.answers();
    for (i, (row, &t)) in answers.iter().zip(&labels).enumerate() {
        let line = loaded.lines[i];
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let (p, sub) = match classifier.classify(row.text, lookup, &mut scratch) {
            Outcome::Tagged(tag) => (tag.primary, tag.sub.map(usize::from)),
            Outcome::Involuntary => (reasons, None),
            Outcome::Unclassified => (reasons + 1, None),
            Outcome::NoAnswer => (reasons + 2, None),
        };
        predicted_subs.push((p, sub));
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
    let sub_reasons = sub_level(taxonomy, &targets, &predicted_subs);
    let sub_f1 = sub_reasons.as_ref().map(|s| s.macro_f1);
    anyhow::ensure!(
        args.min_sub_macro_f1.is_none() || sub_f1.is_some(),
        "--min-sub-macro-f1: the truth column `{}` holds no `reason.sub` label",
        shown(&loaded.extra_columns[0])
    );
    let passed = args.min_macro_f1.is_none_or(|m| a.macro_f1 >= m)
        && args.min_kappa.is_none_or(|m| a.kappa >= m)
        && (args.min_sub_macro_f1.zip(sub_f1)).is_none_or(|(m, f)| f >= m);
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
        labels: label_rows(&a, &names),
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
            min_sub_macro_f1: args.min_sub_macro_f1,
            passed,
        },
        groups,
        sub_reasons,
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
