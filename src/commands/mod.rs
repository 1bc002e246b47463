//! One module per subcommand.

pub mod analyze;
pub mod benchmarks;
pub mod check;
pub mod compare;
pub mod discover;
pub mod evaluate;
pub mod explain;
pub mod overrides;
pub mod question;
pub mod report;
pub mod sample;
pub mod tag;
pub mod taxonomy;
pub mod taxonomy_stats;
pub mod train;

use std::sync::Arc;

use anyhow::{Context, Result};

use crate::attribute::{self, Tally};
use crate::classify::{Classifier, Scratch};
use crate::cli::{InputArgs, ModelArgs, OverrideArgs};
use crate::config::{Attribution, Config};
use crate::input::{self, ColumnOptions, Loaded};
use crate::overrides::Overrides;
use crate::taxonomy::Taxonomy;

/// Say the loader's notes on stderr (unless `--quiet`).
pub fn say_notes(loaded: &Loaded) {
    for n in &loaded.notes {
        crate::diag::note(n);
    }
}

/// The classifier of a command: the taxonomy compiled, with the learned second opinion
/// attached unless `--no-model` or `[model] enabled = false` turns it off.
pub fn classifier(config: &crate::config::Config, model: &ModelArgs) -> Result<Classifier> {
    let classifier = Classifier::new(&config.taxonomy)?;
    if model.no_model || !config.model.enabled {
        return Ok(classifier);
    }
    let loaded = match &config.model.path {
        Some(path) => std::sync::Arc::new(crate::files::model(path).with_context(|| {
            format!(
                "`[model] path` of `{}`",
                config.origin.path().unwrap_or_default()
            )
        })?),
        None => crate::model::Model::builtin(),
    };
    Ok(classifier.with_model(&config.taxonomy, loaded, config.model.threshold))
}

/// Load the exports a command was given, and say the loader's notes on stderr.
pub fn load(
    files: &[String],
    input: &InputArgs,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    let loaded = input::load(files, &input.options(), options, taxonomy, classifier)?;
    say_notes(&loaded);
    Ok(loaded)
}

/// What a tally keeps besides the counts.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    /// The unclassified answers, for `--show-unclassified`.
    pub unclassified: bool,
    /// Which row has which tag, for segments, periods and weights; without it memory does not
    /// grow with the rows.
    pub rows: bool,
    /// Candidates for this many quotes per reason and sub-reason (`--quotes`).
    pub quotes: usize,
    /// Personal data out of the unclassified answers kept.
    pub redact: bool,
    /// Names customers say they went to, proposed as competitors when the configuration names
    /// none.
    pub proposals: bool,
    /// Corrections that win over the tagger (the load must read their id column: see
    /// [`id_column`]).
    pub overrides: Option<Arc<Overrides>>,
}

/// The overrides in force: `--overrides FILE`, else `[analyze] overrides` of churn.toml.
pub fn overrides(flag: &OverrideArgs, config: &Config) -> Result<Option<Arc<Overrides>>> {
    let Some(path) = flag.overrides.as_ref().or(config.overrides.as_ref()) else {
        return Ok(None);
    };
    Ok(Some(Arc::new(crate::files::overrides(
        path,
        &config.taxonomy,
    )?)))
}

/// Say which ids of an overrides file no row has (the first ten).
pub fn say_not_found(o: &Overrides, missing: &[&str]) {
    if missing.is_empty() {
        return;
    }
    let shown: Vec<String> = (missing.iter().take(10))
        .map(|id| format!("`{}`", crate::escape::shown(id)))
        .collect();
    let more = match missing.len() > 10 {
        true => format!(" and {} more", missing.len() - 10),
        false => String::new(),
    };
    crate::diag::warn(format_args!(
        "overrides `{}`: {} not found in column `{}` of the export: {}{more}",
        crate::escape::shown(&o.path),
        crate::text::plural(missing.len(), "id", "ids"),
        crate::escape::shown(&o.id_column),
        shown.join(", ")
    ));
}

/// The id column to read for `overrides`: the overrides file's first header.
pub fn id_column(overrides: Option<&Arc<Overrides>>) -> Option<(&'static str, String)> {
    overrides.map(|o| ("--overrides", o.id_column.clone()))
}

/// Load the exports a command was given and classify every row as it is read (the answers are
/// not kept: see [`input::scan`]); say the loader's notes on stderr. The tally covers every row
/// read.
pub fn tally(
    files: &[String],
    read: &input::ReadOptions,
    options: &ColumnOptions,
    (taxonomy, classifier): (&Taxonomy, &Classifier),
    attribution: Attribution,
    keep: Keep,
) -> Result<(Loaded, Tally)> {
    let reasons = taxonomy.reasons.len();
    let kept = attribute::Keep {
        unclassified: keep.unclassified,
        redact: keep.redact,
        proposals: keep.proposals && taxonomy.competitors.is_empty(),
        overrides: keep.overrides.clone(),
        quotes: (keep.quotes > 0).then(|| {
            let subs = taxonomy.reasons.iter().map(|r| r.subs.len()).collect();
            crate::quotes::Quotes::new(keep.quotes, subs)
        }),
    };
    let classify = |scratch: &mut Scratch, answers: &input::Answers<'_>| {
        let mut part = attribute::classify_answers(classifier, reasons, &kept, answers, scratch);
        if !keep.rows {
            part.tags.forget_rows();
        }
        part
    };
    let bar = crate::diag::Progress::new("reading and tagging");
    let work = input::Work {
        init: &Scratch::new,
        map: &classify,
        progress: &|done, total| bar.update(done, total),
    };
    let (loaded, parts) = input::scan(files, read, options, (taxonomy, classifier), &work)?;
    drop(bar);
    say_notes(&loaded);
    let mut tally = attribute::merge(parts, reasons, attribution);
    attribute::account(&mut tally, &loaded);
    anyhow::ensure!(
        tally.balanced(attribution),
        "internal error: row accounting does not balance"
    );
    Ok((loaded, tally))
}
