//! `churn question FILE --col COL --benchmark NAME`: one of the survey's other questions held
//! against a question set (`crate::question`), rendered as a table or JSON; `--list` shows the
//! sets.

use std::io::Write;

use anyhow::{bail, Context, Result};

use crate::classify::Classifier;
use crate::cli::QuestionArgs;
use crate::config::Config;
use crate::input::ColumnOptions;
use crate::question::{self, QuestionReport, Source};
use crate::render::Format;

pub fn run(args: &QuestionArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    if args.list {
        return match args.format {
            Format::Json => {
                serde_json::to_writer_pretty(
                    &mut *out,
                    &crate::render::question::sets_json(config),
                )?;
                writeln!(out)?;
                Ok(())
            }
            Format::Table => Ok(crate::render::question::list(config, out)?),
        };
    }
    let report = report(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
        }
        Format::Table => crate::render::question::render(&report, out)?,
    }
    Ok(())
}

/// The question's answers against the set asked for.
pub fn report(args: &QuestionArgs, config: &Config) -> Result<QuestionReport> {
    let (Some(name), Some(column)) = (&args.benchmark, &args.col) else {
        bail!("--col and --benchmark are needed (or --list)");
    };
    let Some(set) = config.questions.iter().find(|s| &s.name == name) else {
        let names: Vec<&str> = config.questions.iter().map(|s| s.name.as_str()).collect();
        bail!(
            "there is no question set `{name}`\n  sets: {} (see `churn question --list`; add your own as [[question_set]] in churn.toml)",
            names.join(", ")
        );
    };
    let options = ColumnOptions {
        reason_col: Some(column.clone()),
        ..ColumnOptions::default()
    };
    let classifier = Classifier::new(&config.taxonomy)?;
    let loaded = super::load(
        &args.files,
        &args.input,
        &options,
        &config.taxonomy,
        &classifier,
    )
    .with_context(|| format!("reading the answers of `{column}`"))?;
    let answers = loaded.answers();
    let answered = question::answer(set, (0..answers.len()).map(|i| answers.text(i)));
    let source = Source {
        path: &loaded.path,
        column,
        filtered_out: loaded.filtered_out,
        rejected: loaded.rejected.len(),
    };
    Ok(question::report(
        set,
        &answered,
        source,
        &args.stats.options(),
    ))
}
