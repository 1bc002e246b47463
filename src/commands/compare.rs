//! `churn compare BEFORE AFTER`: the reasons of two exports side by side, the change of each
//! share with Newcombe's interval, and a chi-square test that the two distributions are one.

use std::io::Write;

use anyhow::Result;

use crate::analysis::{change, Settings, ShareChange, SubChange};
use crate::attribute::Tally;
use crate::changes::{Changes, Moved, ReasonChange, Share, Side, SubReasonChange};
use crate::cli::CompareArgs;
use crate::compare::{CiMethod, Estimate, StatOptions};
use crate::config::Config;
use crate::input::ColumnOptions;
use crate::render::{comparison, Format};
use crate::report::{ci_of, round, Ci, Rows, Tool, SCHEMA_VERSION};
use crate::taxonomy::Reason;

fn share(e: &Estimate) -> Share {
    Share {
        count: round(e.count, 6),
        share: e.share.map(|x| round(x, 6)),
        ci: ci_of(e),
    }
}

/// A share in both exports, its change in percentage points, the change's interval and its
/// direction.
fn moved((before, after): (&Estimate, &Estimate), (d, ci): ShareChange) -> Moved {
    Moved {
        before: share(before),
        after: share(after),
        change_pp: d.map(|d| round(d * 100.0, 4)),
        change_ci_pp: ci.map(|x| Ci {
            lower: round(x.lower * 100.0, 4),
            upper: round(x.upper * 100.0, 4),
            method: "newcombe",
        }),
        direction: ci.map(|x| {
            if x.lower > 0.0 {
                "up"
            } else if x.upper < 0.0 {
                "down"
            } else {
                "no clear change"
            }
        }),
    }
}

/// A reason's sub-reasons before and after (the rows naming none last).
fn sub_changes(reason: &Reason, s: &SubChange) -> Vec<SubReasonChange> {
    (0..s.changes.len())
        .map(|k| {
            let sub = reason.subs.get(k);
            SubReasonChange {
                id: sub.map(|x| x.id.clone()),
                label: sub.map_or("(unspecified)".into(), |x| x.label.clone()),
                change: moved((&s.before[k], &s.after[k]), s.changes[k]),
            }
        })
        .collect()
}

/// Compare two exports.
pub fn changes(args: &CompareArgs, config: &Config) -> Result<Changes> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let attribution = args.attribution.unwrap_or(config.attribution);
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra: Vec::new(),
        find_date: false,
        ..ColumnOptions::default()
    };
    let read = args.input.options();
    let load = |path: &str| -> Result<(String, Tally)> {
        let (loaded, t) = super::tally(
            &[path.to_string()],
            &read,
            &options,
            (taxonomy, &classifier),
            attribution,
            super::Keep::default(),
        )?;
        Ok((loaded.path, t))
    };
    let (before_path, before) = load(&args.before)?;
    let (after_path, after) = load(&args.after)?;
    let benchmark = config.benchmark(&config.benchmark)?;
    let settings = Settings {
        taxonomy,
        attribution,
        benchmark,
        stats: StatOptions {
            confidence: args.confidence,
            ci: CiMethod::Wilson,
            ..StatOptions::default()
        },
        resamples: 0,
        min_group: 0,
    };
    let c = change(&before.tags, &after.tags, &settings);
    let reasons = taxonomy
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| ReasonChange {
            id: r.id.clone(),
            label: r.label.clone(),
            change: moved(
                (&c.before.estimates[i], &c.after.estimates[i]),
                c.changes[i],
            ),
            sub_reasons: c.subs[i].as_ref().map_or(Vec::new(), |s| sub_changes(r, s)),
        })
        .collect();
    Ok(Changes {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "churn",
            version: env!("CARGO_PKG_VERSION"),
        },
        before: Side {
            path: before_path,
            rows: Rows::from(&before),
        },
        after: Side {
            path: after_path,
            rows: Rows::from(&after),
        },
        attribution: attribution.name(),
        confidence: args.confidence,
        reasons,
        test: c
            .test
            .as_ref()
            .map(|h| crate::report::homogeneity_row(h, 2)),
    })
}

pub fn run(args: &CompareArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<()> {
    let c = changes(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &c)?;
            writeln!(out)?;
        }
        Format::Table => comparison::render(&c, color, out)?,
    }
    Ok(())
}
