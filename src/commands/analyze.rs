//! `churn analyze`: load -> classify -> attribute -> analyze (shares, intervals, tests,
//! segments, periods) -> render.

use crate::escape::shown;
use std::io::Write;

use anyhow::{bail, Result};

use crate::analysis::{analyze, breakdown, distinct_up_to, too_fine, Settings, MAX_GROUPS};
use crate::cli::AnalyzeArgs;
use crate::config::Config;
use crate::input::values::{self, period_label, DateFormat, Period};
use crate::input::{ColumnOptions, Loaded};
use crate::render::renderer;
use crate::report::{Input, Parts, Report, WeightInfo};

/// Columns `churn check` loads beyond those the analysis needs.
#[derive(Debug, Clone, Default)]
pub struct IdColumns {
    /// Named with `--id-col`: loaded as the last extra columns, in this order.
    pub named: Vec<String>,
    /// Find one by header when none is named (see [`Loaded::id_cells`]).
    pub find: bool,
}

/// Analyze one export into a [`Report`].
pub fn report(args: &AnalyzeArgs, config: &Config) -> Result<Report> {
    Ok(analyze_export(args, config, &IdColumns::default())?.0)
}

/// Analyze one export; also return what was loaded, for checks on the file itself.
pub fn analyze_export(
    args: &AnalyzeArgs,
    config: &Config,
    ids: &IdColumns,
) -> Result<(Report, Loaded)> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let benchmark = config.benchmark(args.benchmark.as_deref().unwrap_or(&config.benchmark))?;
    let attribution = args.attribution.unwrap_or(config.attribution);

    // Extra columns, in this order: weight, the --by columns, the date column.
    let mut extra = Vec::new();
    if let Some(w) = &args.weight {
        extra.push(("--weight", w.clone()));
    }
    for b in &args.by {
        extra.push(("--by", b.clone()));
    }
    if let (Some(_), Some(d)) = (args.period, &args.date_col) {
        extra.push(("--date-col", d.clone()));
    }
    for id in &ids.named {
        extra.push(("--id-col", id.clone()));
    }
    if args.date_col.is_some() && args.period.is_none() {
        anyhow::bail!("--date-col is read with --period; add --period week|month|quarter|year");
    }
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        extra,
        find_date: args.period.is_some() && args.date_col.is_none(),
        find_id: ids.find && ids.named.is_empty(),
        keep_all: false,
    };
    let (loaded, tally) = super::tally(
        &args.files,
        &args.input,
        &options,
        taxonomy,
        &classifier,
        attribution,
        super::Keep {
            unclassified: args.show_unclassified.is_some(),
            rows: !args.by.is_empty() || args.period.is_some() || args.weight.is_some(),
        },
    )?;

    let settings = Settings {
        taxonomy,
        attribution,
        benchmark,
        stats: args.stats.options(),
        resamples: args.stats.resamples as usize,
        min_group: args.min_group,
    };
    let mut next_extra = 0;
    let weights = match &args.weight {
        Some(_) => {
            let column = loaded.extra_columns[next_extra].clone();
            let cells = loaded.extra_cells(next_extra);
            next_extra += 1;
            let tagged: Vec<usize> = (0..tally.tags.len())
                .filter(|&i| tally.tags.get(i).is_some())
                .collect();
            let read =
                values::weights(&loaded.path, &column, &cells, &|i| loaded.place(i), &tagged)?;
            let mut w = vec![0.0; tally.tags.len()];
            for (&i, x) in tagged.iter().zip(read) {
                w[i] = x;
            }
            Some((column, w))
        }
        None => None,
    };
    let weight_slice = weights.as_ref().map(|(_, w)| w.as_slice());
    let analysis = analyze(&tally.tags, weight_slice, &settings);

    let segments = if args.by.is_empty() {
        None
    } else {
        let columns: Vec<String> =
            loaded.extra_columns[next_extra..next_extra + args.by.len()].to_vec();
        let keys = segment_keys(&loaded, next_extra, &columns, analysis.reasons.rows, args)?;
        next_extra += args.by.len();
        let b = breakdown(
            &tally.tags,
            &keys,
            "(blank)",
            false,
            weight_slice,
            &settings,
        );
        Some((columns, b))
    };

    let periods = match args.period {
        None => None,
        Some(period) => {
            let column = loaded.extra_columns[next_extra].clone();
            let (keys, used) = period_keys(&loaded, next_extra, &column, period, args)?;
            let b = breakdown(
                &tally.tags,
                &keys,
                "(no date)",
                true,
                weight_slice,
                &settings,
            );
            Some((column, period, used, b))
        }
    };

    let inputs = loaded
        .sources
        .iter()
        .enumerate()
        .map(|(i, source)| Input {
            source: source.clone(),
            text_column: loaded.text_columns.get(i).cloned().flatten(),
            code_column: loaded.code_columns.first().cloned(),
            code_columns: loaded.code_columns.clone(),
        })
        .collect();
    let weight = weights.as_ref().map(|(column, _)| WeightInfo {
        column: column.clone(),
        total: analysis
            .reasons
            .weighted
            .as_ref()
            .map_or(0.0, |(_, total)| *total),
        effective_n: (analysis.kish.unwrap_or(0.0) * 10.0).round() / 10.0,
        resamples: settings.resamples,
        seed: settings.stats.seed,
    });
    let report = Report::new(Parts {
        inputs,
        rejected_rows: loaded.rejected.clone(),
        config: config.origin.path(),
        taxonomy,
        tally: &tally,
        attribution,
        confidence: settings.stats.confidence,
        benchmark,
        analysis: &analysis,
        weight,
        segments: segments.as_ref().map(|(c, b)| (c.clone(), b)),
        periods: periods
            .as_ref()
            .map(|(c, p, f, b)| (c.clone(), *p, f.clone(), b)),
        unclassified: tally.top_unclassified(args.show_unclassified.unwrap_or(0)),
    });
    Ok((report, loaded))
}

/// The `--by` key of every row (the values of the `--by` columns, joined with ` / `; a blank
/// cell is `(blank)`), from the extra columns from `first` on. More than
/// [`MAX_GROUPS`] distinct keys is an error, found before a key is made; a breakdown finer
/// than the `tagged` rows can fill is a warning.
fn segment_keys(
    loaded: &Loaded,
    first: usize,
    columns: &[String],
    tagged: usize,
    args: &AnalyzeArgs,
) -> Result<Vec<Option<String>>> {
    let cells: Vec<Vec<Option<&str>>> = (0..columns.len())
        .map(|j| loaded.extra_cells(first + j))
        .collect();
    let parts = |i: usize| -> Vec<&str> {
        cells
            .iter()
            .map(|c| c[i].map(str::trim).unwrap_or("(blank)"))
            .collect()
    };
    let named = columns
        .iter()
        .map(|c| format!("`{c}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let groups = distinct_up_to((0..loaded.rows()).map(parts), MAX_GROUPS);
    if groups > MAX_GROUPS {
        bail!(
            "--by {named}: more than {MAX_GROUPS} groups (distinct values), more than a breakdown \
             can show or test; is it an id or a free-text column?\n  help: break down by a column \
             with fewer values (a plan, a region, a country), or by time with --period"
        );
    }
    if let Some(why) = too_fine(groups, tagged, args.min_group) {
        crate::diag::warn(format!(
            "--by {named}: {why}; a column with fewer values (a plan, a region) gives groups that \
             can be compared"
        ));
    }
    Ok((0..loaded.rows())
        .map(|i| Some(parts(i).join(" / ")))
        .collect())
}

/// The `--period` label of every row's date (`None` without a date), and the date format used.
/// More than [`MAX_GROUPS`] periods (weeks over two centuries) is an error.
fn period_keys(
    loaded: &Loaded,
    index: usize,
    column: &str,
    period: Period,
    args: &AnalyzeArgs,
) -> Result<(Vec<Option<String>>, String)> {
    let cells = loaded.extra_cells(index);
    let format = DateFormat::parse(&args.date_format);
    let (dates, used) = values::dates(&loaded.path, column, &cells, &|i| loaded.place(i), &format)?;
    let keys: Vec<Option<String>> = dates
        .iter()
        .map(|d| d.map(|d| period_label(d, period)))
        .collect();
    if distinct_up_to(keys.iter().flatten(), MAX_GROUPS) > MAX_GROUPS {
        let (first, last) = (dates.iter().flatten().min(), dates.iter().flatten().max());
        bail!(
            "--period {}: the dates of `{column}` span more than {MAX_GROUPS} periods ({} to \
             {}); check that the column holds the dates you mean\n  help: choose a longer period \
             (month, quarter, year)",
            period_name(period),
            first.map(|d| d.to_string()).unwrap_or_default(),
            last.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok((keys, used))
}

fn period_name(period: Period) -> &'static str {
    match period {
        Period::Week => "week",
        Period::Month => "month",
        Period::Quarter => "quarter",
        Period::Year => "year",
    }
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
        "only {} of {} matched a reason; is `{}` the column with the reasons? Name \
         another with --reason-col NAME, or see what was missed with --show-unclassified 20.",
        rows.tagged,
        crate::text::plural(answered, "answer", "answers"),
        shown(column)
    ))
}

/// Run `churn analyze`, writing the report to `out` and notes to stderr.
pub fn run(args: &AnalyzeArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<()> {
    let report = report(args, config)?;
    let rows = &report.rows;
    let kept = rows.read - rows.rejected - rows.filtered_out;
    if kept > 0 && rows.no_answer == kept {
        let input = &report.inputs[0];
        let columns: Vec<String> = input
            .text_column
            .iter()
            .chain(&input.code_columns)
            .map(|c| format!("`{}`", shown(c)))
            .collect();
        let paths: Vec<&str> = report
            .inputs
            .iter()
            .map(|i| i.source.path.as_str())
            .collect();
        anyhow::bail!(
            "`{}`: the reason column {} is blank in every row ({}), so there is nothing to \
             analyze\n  help: is it the right column? Name another with --reason-col NAME",
            shown(&paths.join(", ")),
            columns.join(" and "),
            crate::text::plural(kept, "row", "rows")
        );
    }
    if let Some(hint) = low_match_hint(&report) {
        crate::diag::note(hint);
    }
    renderer(args.format, color).render(&report, out)?;
    Ok(())
}
