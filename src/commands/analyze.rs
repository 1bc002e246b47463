//! `churn analyze`: load -> classify -> attribute -> compare -> render.

use std::io::Write;

use anyhow::{Context, Result};

use crate::attribute::tally;
use crate::classify::Classifier;
use crate::cli::AnalyzeArgs;
use crate::compare::{compare, Benchmark};
use crate::input::{self, ColumnOptions};
use crate::render::renderer;
use crate::report::{Input, Report};
use crate::taxonomy::Taxonomy;

/// Analyze one export into a [`Report`].
pub fn report(args: &AnalyzeArgs) -> Result<Report> {
    let taxonomy = Taxonomy::builtin();
    let classifier = Classifier::new(&taxonomy)?;
    let benchmark = Benchmark::named(&args.benchmark)
        .with_context(|| format!("unknown benchmark `{}`", args.benchmark))?;
    let options = ColumnOptions {
        reason_col: args.reason_col.clone(),
        code_col: args.code_col.clone(),
    };
    let loaded = input::load(&args.file, &options, &taxonomy, &classifier)?;

    let tally = tally(&classifier, taxonomy.reasons.len(), loaded.answers());
    anyhow::ensure!(
        tally.balanced(),
        "internal error: row accounting does not balance"
    );

    let comparisons = compare(&taxonomy, &tally.by_reason, benchmark);
    let inputs = vec![Input {
        path: loaded.path.clone(),
        rows: loaded.rows(),
        text_column: loaded.text_column.clone(),
        code_column: loaded.code_column.clone(),
    }];
    Ok(Report::new(
        inputs,
        &taxonomy,
        &tally,
        benchmark,
        &comparisons,
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
         with the reasons? Name another with --reason-col NAME.",
        rows.tagged
    ))
}

/// Run `churn analyze`, writing the report to `out` and notes to stderr.
pub fn run(args: &AnalyzeArgs, color: bool, out: &mut dyn Write) -> Result<()> {
    let report = report(args)?;
    if let Some(hint) = low_match_hint(&report) {
        eprintln!("{hint}");
    }
    renderer(args.format, color).render(&report, out)?;
    Ok(())
}
