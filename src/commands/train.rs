//! `churn train`: learn the second opinion from a labelled export (read as `evaluate` reads
//! it), write the model's bytes, and say what was learned.

use std::io::Write;

use anyhow::{ensure, Context, Result};

use crate::classify::Classifier;
use crate::cli::TrainArgs;
use crate::config::Config;
use crate::input::ColumnOptions;
use crate::model::{train, UNCLASSIFIED};

/// What a training run learned from.
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub path: String,
    pub truth_column: String,
    /// Answers per class, in the model's class order.
    pub per_label: Vec<(String, usize)>,
    /// Rows not learned from: labelled `no_answer` or `involuntary`, or without an answer.
    pub skipped: usize,
    pub features: usize,
    pub accuracy: f64,
    pub bytes: usize,
}

/// Train on `args.files`: the model file's bytes and a summary.
pub fn train(args: &TrainArgs, config: &Config) -> Result<(Vec<u8>, Summary)> {
    let taxonomy = &config.taxonomy;
    let classifier = Classifier::new(taxonomy)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra: vec![("--truth-col", args.truth_col.clone())],
        find_date: false,
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let truth = super::evaluate::truth_labels(&loaded, taxonomy)?;
    let names = super::evaluate::label_names(taxonomy);
    let reasons = taxonomy.reasons.len();
    let unclassified = names.iter().position(|n| n == UNCLASSIFIED);
    // Classes: the reasons that occur, in taxonomy order, then `unclassified`.
    let mut used: Vec<usize> = (0..reasons).filter(|r| truth.contains(r)).collect();
    used.extend(unclassified);
    let mut examples: Vec<(&str, usize)> = Vec::with_capacity(truth.len());
    let answers = loaded.answers();
    let mut skipped = 0;
    for (row, t) in answers.iter().zip(&truth) {
        match (
            row.text.filter(|s| !s.trim().is_empty()),
            used.iter().position(|u| u == t),
        ) {
            (Some(text), Some(class)) => examples.push((text, class)),
            _ => skipped += 1,
        }
    }
    let labels: Vec<String> = used.iter().map(|&u| names[u].clone()).collect();
    ensure!(
        examples.iter().any(|(_, c)| labels[*c] != UNCLASSIFIED),
        "`{}` has no answer labelled with a reason in column `{}`; a model needs some to learn",
        crate::escape::shown(&loaded.path),
        crate::escape::shown(&loaded.extra_columns[0])
    );
    let trained = train::train(
        labels.clone(),
        &examples,
        taxonomy.matching.fold_accents,
        train::Options {
            balance: args.balance.into(),
            ..train::Options::default()
        },
    )
    .with_context(|| format!("cannot train on `{}`", crate::escape::shown(&loaded.path)))?;
    let bytes = trained.model.to_bytes();
    let per_label = labels
        .iter()
        .enumerate()
        .map(|(c, l)| (l.clone(), examples.iter().filter(|(_, x)| *x == c).count()))
        .collect();
    let summary = Summary {
        path: loaded.path.clone(),
        truth_column: loaded.extra_columns[0].clone(),
        per_label,
        skipped,
        features: trained.model.features(),
        accuracy: trained.accuracy,
        bytes: bytes.len(),
    };
    Ok((bytes, summary))
}

/// The summary as people read it.
pub fn render(s: &Summary, out: &mut dyn Write) -> std::io::Result<()> {
    let rows: usize = s.per_label.iter().map(|(_, n)| n).sum();
    writeln!(
        out,
        "trained on {} answers of `{}` (labels in `{}`):",
        rows,
        crate::escape::shown(&s.path),
        crate::escape::shown(&s.truth_column)
    )?;
    let width = s.per_label.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
    for (label, n) in &s.per_label {
        writeln!(out, "  {label:<width$}  {n:>7}")?;
    }
    if s.skipped > 0 {
        writeln!(
            out,
            "skipped {} (no answer text, or labelled no_answer or involuntary)",
            crate::text::plural(s.skipped, "row", "rows")
        )?;
    }
    writeln!(
        out,
        "features kept: {} (each seen in at least 2 answers; at most {})",
        s.features,
        train::Options::default().max_features
    )?;
    writeln!(out, "training accuracy: {:.3}", s.accuracy)?;
    writeln!(out, "model: {}", crate::text::size(s.bytes as u64))
}

/// Run `churn train`: the model's bytes to `out`, the summary to `summary`.
pub fn run(
    args: &TrainArgs,
    config: &Config,
    out: &mut dyn Write,
    summary: &mut dyn Write,
) -> Result<()> {
    let (bytes, s) = train(args, config)?;
    out.write_all(&bytes)?;
    render(&s, summary)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The training file, truth column and filter named at the top of
    /// `scripts/train-model.sh`.
    fn script_settings() -> (String, String, String) {
        let script = std::fs::read_to_string("scripts/train-model.sh").unwrap();
        let value = |name: &str| {
            script
                .lines()
                .find_map(|l| l.strip_prefix(&format!("{name}=")))
                .unwrap_or_else(|| panic!("{name}= in scripts/train-model.sh"))
                .trim_matches('"')
                .to_string()
        };
        (value("TRAIN"), value("TRUTH_COL"), value("WHERE"))
    }

    /// The committed built-in model is what the script's training gives, byte for byte: if
    /// this fails, run `scripts/train-model.sh` and commit `crates/core/src/model/builtin.bin`.
    #[test]
    fn the_builtin_model_rebuilds_byte_for_byte() {
        let (file, truth_col, filter) = script_settings();
        let mut input = crate::cli::InputArgs::default();
        if !filter.is_empty() {
            input
                .filters
                .push(crate::input::filter::parse(&filter).unwrap());
        }
        let args = TrainArgs {
            files: vec![file],
            input,
            truth_col,
            columns: crate::cli::ColumnArgs::default(),
            balance: crate::cli::BalanceArg::Sqrt,
        };
        let (bytes, _) = train(&args, &Config::builtin()).unwrap();
        assert!(
            bytes == crate::model::BUILTIN,
            "crates/core/src/model/builtin.bin is stale: run scripts/train-model.sh"
        );
        assert!(bytes.len() < 2 << 20, "{} bytes", bytes.len());
    }
}
