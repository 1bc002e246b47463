//! `churn analyze`: load -> classify -> attribute -> compare -> render.

use std::io::Write;

use anyhow::Result;

use crate::attribute::tally;
use crate::classify::Classifier;
use crate::cli::AnalyzeArgs;
use crate::compare::compare;
use crate::config::Config;
use crate::input::{self, ColumnOptions};
use crate::render::renderer;
use crate::report::{Input, Report};

/// Analyze one export into a [`Report`].
pub fn report(args: &AnalyzeArgs, config: &Config) -> Result<Report> {
    let taxonomy = &config.taxonomy;
    let classifier = Classifier::new(taxonomy)?;
    let benchmark = config.benchmark(args.benchmark.as_deref().unwrap_or(&config.benchmark))?;
    let attribution = args.attribution.unwrap_or(config.attribution);
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra: Vec::new(),
    };
    let loaded = input::load(&args.file, &options, taxonomy, &classifier)?;

    let tally = tally(
        &classifier,
        taxonomy.reasons.len(),
        attribution,
        args.show_unclassified.is_some(),
        loaded.answers(),
    );
    anyhow::ensure!(
        tally.balanced(attribution),
        "internal error: row accounting does not balance"
    );

    let comparisons = compare(taxonomy, &tally.by_reason, tally.tagged, benchmark);
    let inputs = vec![Input {
        path: loaded.path.clone(),
        rows: loaded.rows(),
        text_column: loaded.text_column.clone(),
        code_column: loaded.code_columns.first().cloned(),
        code_columns: loaded.code_columns.clone(),
    }];
    Ok(Report::new(
        inputs,
        config.origin.path(),
        taxonomy,
        &tally,
        attribution,
        benchmark,
        &comparisons,
        tally.top_unclassified(args.show_unclassified.unwrap_or(0)),
    ))
}

/// A hint for stderr when few answers matched any rule: the column found by its header may
/// hold something else (ratings, codes of another system).
fn low_match_hint(report: &Report) -> Option<String> {
    let rows = &report.rows;
    let answered = rows.tagged + rows.unclassified;
    if answered == 0 || rows.tagged * 5 >= answered {
        return None;
    }
    let column = report.inputs.first()?.text_column.as_deref()?;
    Some(format!(
        "churn: note: only {} of {answered} answers matched a reason; is `{column}` the column \
         with the reasons? Name another with --reason-col NAME, or see what was missed with \
         --show-unclassified 20.",
        rows.tagged
    ))
}

/// Run `churn analyze`, writing the report to `out` and notes to stderr.
pub fn run(args: &AnalyzeArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<()> {
    let report = report(args, config)?;
    if let Some(hint) = low_match_hint(&report) {
        eprintln!("{hint}");
    }
    renderer(args.format, color).render(&report, out)?;
    Ok(())
}
