//! `churn benchmarks`: the benchmark sets in force, their buckets and provenance.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value};

use crate::cli::BenchmarksArgs;
use crate::compare::Members;
use crate::config::Config;
use crate::render::{benchmarks as render, Format};

/// The benchmark sets as JSON (also part of `taxonomy show -f json`).
pub fn to_json(config: &Config) -> Value {
    let t = &config.taxonomy;
    Value::Array(
        config
            .benchmarks
            .iter()
            .map(|b| {
                let members = b.members(t);
                let uncovered = b.uncovered(t);
                json!({
                    "name": b.name,
                    "default": b.name == config.benchmark,
                    "note": b.note,
                    "buckets": b.buckets.iter().zip(members).map(|(x, m)| json!({
                        "id": x.id,
                        "label": x.label,
                        "share": x.share,
                        "reasons": m,
                        "rest": x.members == Members::Rest,
                    })).collect::<Vec<_>>(),
                    "uncovered_reasons": uncovered,
                })
            })
            .collect(),
    )
}

pub fn run(args: &BenchmarksArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &to_json(config))?;
            writeln!(out)?;
        }
        Format::Table => render::list(config, out)?,
    }
    Ok(())
}
