//! `churn taxonomy stats FILE...`: every row is tagged and each rule's part in it counted
//! (`crate::rule_stats`); with `--truth-col`, against the row's label.

use std::io::Write;

use anyhow::Result;

use crate::classify::Scratch;
use crate::cli::TaxonomyStatsArgs;
use crate::config::Config;
use crate::input::ColumnOptions;
use crate::render::Format;
use crate::rule_stats::{RuleStats, RuleTally, Seen};

pub fn run(args: &TaxonomyStatsArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let stats = stats(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &stats)?;
            writeln!(out)?;
        }
        Format::Table => crate::render::taxonomy_stats::render(&stats, args.top, out)?,
    }
    Ok(())
}

/// Tag every row of `args.files` and count what each rule did.
pub fn stats(args: &TaxonomyStatsArgs, config: &Config) -> Result<RuleStats> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra: (args.truth_col.clone())
            .map(|c| ("--truth-col", c))
            .into_iter()
            .collect(),
        find_date: false,
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let truth = match args.truth_col {
        Some(_) => Some(super::evaluate::truth_labels(&loaded, taxonomy)?),
        None => None,
    };
    let labels = super::evaluate::label_names(taxonomy);
    let rules = classifier.rules();
    let mut tally = RuleTally::new(rules.len(), taxonomy.reasons.len(), truth.is_some());
    let mut scratch = Scratch::new();
    for (i, row) in loaded.answers().iter().enumerate() {
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let outcome = classifier.classify(row.text, lookup, &mut scratch);
        let seen = Seen {
            matches: classifier.last_matches(&scratch),
            outcome,
            truth: truth.as_ref().map(|t| t[i]),
            line: loaded.lines[i],
            text: row.text.unwrap_or_default(),
        };
        tally.add(seen, rules, &labels);
    }
    let rows = tally.rows();
    let rules = tally.report(rules, taxonomy);
    Ok(RuleStats {
        schema_version: 1,
        inputs: args.files.clone(),
        config: config.origin.path(),
        truth_column: args
            .truth_col
            .as_ref()
            .map(|_| loaded.extra_columns[0].clone()),
        rows,
        never_fired: rules.iter().filter(|r| r.matched == 0).count(),
        rules,
    })
}
