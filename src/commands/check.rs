//! `churn check`: analyze the export as `analyze` does, measure what the rules ask about, judge
//! each rule (`crate::check`) and render the verdicts. Exit 1 when any rule fails.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use anyhow::{bail, Context, Result};

use crate::check::{self, BaselineMeasure, BucketMeasure, CheckReport, Measures, Rules};
use crate::cli::CheckArgs;
use crate::commands::analyze::{analyze_export, Common, IdColumns, Request};
use crate::config::Config;
use crate::render::check::render;
use crate::report::{Report, Tool, SCHEMA_VERSION};
use crate::stats::hypothesis::homogeneity;

/// The analysis `check` runs: `analyze`'s defaults, the check's own options, and the id
/// columns its duplicate rule reads.
fn request(args: &CheckArgs, ids: IdColumns) -> Request {
    let common = Common {
        files: &args.files,
        columns: &args.columns,
        input: &args.input,
        model: args.model,
        stats: &args.stats,
    };
    Request {
        benchmark: args.benchmark.clone(),
        attribution: args.attribution,
        ids,
        overrides: args.overrides.clone(),
        ..Request::new(common)
    }
}

/// Each reason's share of tagged rows, and each named sub-reason's (as `reason.sub`).
fn shares(report: &Report) -> BTreeMap<String, Option<f64>> {
    let mut out = BTreeMap::new();
    for r in &report.reasons {
        out.insert(r.id.clone(), r.share);
        for s in &r.sub_reasons {
            if let Some(id) = &s.id {
                out.insert(format!("{}.{id}", r.id), s.share_of_tagged);
            }
        }
    }
    out
}

/// Stop on rules that name what does not exist: a usage error, not a failed check.
fn validate(rules: &Rules, report: &Report) -> Result<()> {
    let ids: Vec<&str> = report.reasons.iter().map(|r| r.id.as_str()).collect();
    let known = shares(report);
    for reason in rules.share_reasons() {
        if known.contains_key(reason) {
            continue;
        }
        let (parent, sub) = reason.split_once('.').unwrap_or((reason, ""));
        match report.reason(parent) {
            Some(r) if !sub.is_empty() => {
                let subs: Vec<&str> = r.sub_reasons.iter().filter_map(|s| s.id.as_deref()).collect();
                bail!(
                    "--max-share/--min-share: reason `{parent}` has no sub-reason `{sub}`\n  its sub-reasons: {}",
                    if subs.is_empty() { "none".to_string() } else { subs.join(", ") }
                )
            }
            _ => bail!(
                "--max-share/--min-share: there is no reason `{reason}`\n  reasons: {} (or a sub-reason, as `dissatisfaction.price`)",
                ids.join(", ")
            ),
        }
    }
    let buckets = &report.benchmark.buckets;
    for id in &rules.above_benchmark {
        if buckets.iter().any(|b| &b.id == id) {
            continue;
        }
        match buckets.iter().find(|b| b.reasons.contains(id)) {
            Some(b) => bail!(
                "--above-benchmark {id}: benchmark `{}` has no share for `{id}` alone; it is in \
                 bucket `{}` ({}). Name the bucket, or choose another --benchmark",
                report.benchmark.name,
                b.id,
                b.reasons.join(", ")
            ),
            None => {
                let names: Vec<&str> = buckets.iter().map(|b| b.id.as_str()).collect();
                bail!(
                    "--above-benchmark {id}: benchmark `{}` has no bucket `{id}`\n  buckets: {}",
                    report.benchmark.name,
                    names.join(", ")
                )
            }
        }
    }
    if rules.baseline.is_some() && report.attribution.mode == "all" {
        bail!(
            "--baseline compares counts of rows, which `--attribution all` counts more than once; \
             use primary or split"
        );
    }
    Ok(())
}

/// The largest reason count a baseline may hold: 10^15 rows, far past any export, and small
/// enough that the chi-square test's products of counts stay exact and finite (a count of
/// 1e300 made every number of the test NaN).
const MAX_BASELINE_COUNT: f64 = 1e15;

const BASELINE_HINT: &str = "give the output of `churn analyze FILE --format json`";

/// The reason counts of an earlier `churn analyze --format json`, read with a size cap and
/// checked: every count a number from 0 to [`MAX_BASELINE_COUNT`], every id once.
fn read_baseline(path: &Path) -> Result<BTreeMap<String, f64>> {
    let shown = path.display();
    let text = crate::files::read_text(
        path,
        crate::files::BASELINE_BYTES,
        "baseline",
        BASELINE_HINT,
    )?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        anyhow::anyhow!(
            "baseline `{shown}`, line {}, column {}: not JSON ({e}); {BASELINE_HINT}",
            e.line(),
            e.column()
        )
    })?;
    let version = value.get("schema_version").and_then(|v| v.as_u64());
    if version != Some(u64::from(SCHEMA_VERSION)) {
        bail!(
            "baseline `{shown}`: schema_version is {}, this churn reads {SCHEMA_VERSION}; {BASELINE_HINT}",
            version.map_or("missing".to_string(), |v| v.to_string())
        );
    }
    let reasons = value
        .get("reasons")
        .and_then(|r| r.as_array())
        .with_context(|| format!("baseline `{shown}`: no `reasons` array"))?;
    let mut counts = BTreeMap::new();
    for (i, r) in reasons.iter().enumerate() {
        let id = r.get("id").and_then(|v| v.as_str());
        let count = r.get("count").and_then(|v| v.as_f64());
        let (Some(id), Some(c)) = (id, count) else {
            bail!(
                "baseline `{shown}`: reasons[{i}] needs a string `id` and a number `count`; \
                 {BASELINE_HINT}"
            );
        };
        if !(0.0..=MAX_BASELINE_COUNT).contains(&c) {
            // 1e300 as `1e300`, not 301 digits.
            let c = if c.abs() > MAX_BASELINE_COUNT {
                format!("{c:e}")
            } else {
                c.to_string()
            };
            bail!(
                "baseline `{shown}`: reasons[{i}].count (`{id}`) is {c}; a count of rows must be \
                 from 0 to 10^15; {BASELINE_HINT}"
            );
        }
        if counts.insert(id.to_string(), c).is_some() {
            bail!("baseline `{shown}`: reasons[{i}].id `{id}` appears twice; {BASELINE_HINT}");
        }
    }
    Ok(counts)
}

/// Test this export's reason counts against the baseline's.
fn baseline_measure(path: &Path, report: &Report) -> Result<BaselineMeasure> {
    let before = read_baseline(path)?;
    let mut ids: Vec<String> = report.reasons.iter().map(|r| r.id.clone()).collect();
    let known: std::collections::HashSet<String> = ids.iter().cloned().collect();
    // A set: a baseline may name many reasons this taxonomy lacks.
    ids.extend(before.keys().filter(|id| !known.contains(*id)).cloned());
    let now: BTreeMap<&str, f64> = report
        .reasons
        .iter()
        .map(|r| (r.id.as_str(), r.count))
        .collect();
    let table = vec![
        ids.iter()
            .map(|id| before.get(id).copied().unwrap_or(0.0))
            .collect::<Vec<f64>>(),
        ids.iter()
            .map(|id| now.get(id.as_str()).copied().unwrap_or(0.0))
            .collect(),
    ];
    let tagged_before = table[0].iter().sum();
    let tagged_now = table[1].iter().sum();
    let h = homogeneity(&table);
    Ok(BaselineMeasure {
        path: path.display().to_string(),
        p_value: h.as_ref().map(|h| crate::report::sig(h.p_value, 6)),
        statistic: h.as_ref().map(|h| crate::report::sig(h.statistic, 10)),
        df: h.as_ref().map(|h| h.df),
        cramers_v: h.as_ref().map(|h| crate::report::round(h.cramers_v, 6)),
        tagged_before,
        tagged_now,
    })
}

/// Run `churn check`: the report goes to `out`; `Ok(false)` when a rule failed.
pub fn run(args: &CheckArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<bool> {
    let rules = config.check.clone().overridden_by(args.rules.rules());
    let ids = IdColumns {
        named: if rules.max_duplicate_ids.is_some() {
            rules.id_cols.clone()
        } else {
            Vec::new()
        },
        find: rules.max_duplicate_ids.is_some(),
    };
    let (report, loaded) = analyze_export(&request(args, ids.clone()), config)?;
    validate(&rules, &report)?;

    let (text, codes) = loaded.filled.clone();
    let reason_columns = match (&loaded.text_column, text) {
        (Some(column), Some(filled)) => vec![(column.clone(), filled)],
        _ => loaded.code_columns.iter().cloned().zip(codes).collect(),
    };
    let mut duplicates = Vec::new();
    if rules.max_duplicate_ids.is_some() {
        if ids.named.is_empty() {
            match (loaded.id_cells(), &loaded.id_column) {
                (Some(cells), Some(column)) => {
                    duplicates.push(check::duplicates(column, &cells, &loaded.lines))
                }
                _ => bail!(
                    "--max-duplicate-ids: no id column found (response id, respondent id, \
                     customer id, id, email, ...)\n  columns: {}\n  help: name it with --id-col NAME",
                    crate::input::columns::list(&loaded.headers)
                ),
            }
        } else {
            let first = loaded.extra_columns.len() - ids.named.len();
            for k in first..loaded.extra_columns.len() {
                let cells = loaded.extra_cells(k);
                duplicates.push(check::duplicates(
                    &loaded.extra_columns[k],
                    &cells,
                    &loaded.lines,
                ));
            }
        }
    }
    let baseline = match &rules.baseline {
        Some(path) => Some(baseline_measure(path, &report)?),
        None => None,
    };
    let measures = Measures {
        read: report.rows.read,
        unclassified: report.rows.unclassified,
        no_answer: report.rows.no_answer,
        tagged: report.rows.tagged,
        headers: loaded.headers.clone(),
        reason_columns,
        unknown_codes: report.unknown_codes.iter().map(|c| c.count).sum(),
        duplicates,
        shares: shares(&report),
        buckets: report
            .benchmark
            .buckets
            .iter()
            .map(|b| BucketMeasure {
                id: b.id.clone(),
                share: b.share,
                lower: b.ci.as_ref().map(|c| c.lower),
                benchmark: b.benchmark_share,
            })
            .collect(),
        benchmark: report.benchmark.name.clone(),
        confidence: report.confidence,
        baseline,
    };
    let checks = check::evaluate(&rules, &measures);
    let failed = checks.iter().filter(|c| !c.passed).count();
    let result = CheckReport {
        schema_version: SCHEMA_VERSION,
        tool: Tool::current(),
        input: report
            .inputs
            .iter()
            .map(|i| i.source.path.as_str())
            .collect::<Vec<_>>()
            .join(", "),
        config: report.config.clone(),
        rows: report.rows,
        benchmark: report.benchmark.name.clone(),
        confidence: report.confidence,
        passed: failed == 0,
        total: checks.len(),
        failed,
        checks,
    };
    render(args.format, color, &result, out)?;
    Ok(result.passed || args.exit_zero)
}
