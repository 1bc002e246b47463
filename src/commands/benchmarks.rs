//! `churn benchmarks`: the benchmark sets in force, their buckets and provenance.

use std::io::Write;

use anyhow::Result;
use serde_json::{json, Value};

use crate::cli::BenchmarksArgs;
use crate::compare::{Benchmark, Members};
use crate::config::Config;
use crate::render::{benchmarks as render, Format};
use crate::taxonomy::Taxonomy;

/// The reason ids each bucket of `b` covers under `taxonomy`.
pub fn members(b: &Benchmark, taxonomy: &Taxonomy) -> Vec<Vec<String>> {
    let assign = b.assign(taxonomy);
    (0..b.buckets.len())
        .map(|i| match &b.buckets[i].members {
            Members::Reasons(ids) => ids.clone(),
            Members::Rest => taxonomy
                .reasons
                .iter()
                .zip(&assign)
                .filter(|(_, g)| **g == Some(i))
                .map(|(r, _)| r.id.clone())
                .collect(),
        })
        .collect()
}

/// The benchmark sets as JSON (also part of `taxonomy show -f json`).
pub fn to_json(config: &Config) -> Value {
    let t = &config.taxonomy;
    Value::Array(
        config
            .benchmarks
            .iter()
            .map(|b| {
                let members = members(b, t);
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
