//! `churn analyze`: load -> classify -> attribute -> analyze (shares, intervals, tests,
//! segments, periods) -> render.

use crate::escape::shown;
use std::io::Write;
use std::sync::Arc;

use anyhow::{bail, Result};

use crate::analysis::{analyze, breakdown, distinct_up_to, too_fine, Settings, MAX_GROUPS};
use crate::attribute::Tally;
use crate::calibration::{Calibration, Inputs as CalibrationInputs};
use crate::classify::Classifier;
use crate::cli::{
    AnalysisArgs, AnalyzeArgs, ColumnArgs, ExportArgs, InputArgs, ModelArgs, OverrideArgs,
    SampleDesign, StatArgs,
};
use crate::compare::StatOptions;
use crate::config::{Attribution, Config};
use crate::input::values::{self, period_label, DateFormat, Period};
use crate::input::{ColumnOptions, Loaded, ReadOptions};
use crate::overrides::Overrides;
use crate::render::renderer;
use crate::report::{Input, OverridesInfo, Parts, Report, WeightInfo};
use crate::stats::quantify::Design;

/// Columns `churn check` loads beyond those the analysis needs.
#[derive(Debug, Clone, Default)]
pub struct IdColumns {
    /// Named with `--id-col`: loaded as the last extra columns, in this order.
    pub named: Vec<String>,
    /// Find one by header when none is named (see [`Loaded::id_cells`]).
    pub find: bool,
}

/// One analysis as asked for: the flags of `churn analyze`, or what `churn check` asks, as
/// plain values made once from the command line.
#[derive(Debug, Clone)]
pub struct Request {
    pub files: Vec<String>,
    pub read: ReadOptions,
    pub reason_col: Option<String>,
    pub code_cols: Vec<String>,
    pub model: ModelArgs,
    pub benchmark: Option<String>,
    pub attribution: Option<Attribution>,
    /// How many unclassified answers to list, if any.
    pub show_unclassified: Option<usize>,
    /// How many quotes per reason and sub-reason (0: none).
    pub quotes: usize,
    /// Personal data out of the answers shown.
    pub redact: bool,
    pub stats: StatOptions,
    pub resamples: usize,
    pub weight: Option<String>,
    pub by: Vec<String>,
    /// `--period`, its date column (found by header when not named) and the dates' format.
    pub period: Option<(Period, Option<String>, String)>,
    pub min_group: usize,
    pub ids: IdColumns,
    /// `--overrides` (else `[analyze] overrides` of the configuration).
    pub overrides: OverrideArgs,
    /// `--calibrate LABELLED`, its truth column, and how it was drawn.
    pub calibrate: Option<(String, String, Design)>,
}

/// The flags every analysis takes: the files and how to read them, the model, the statistics.
pub struct Common<'a> {
    pub files: &'a [String],
    pub columns: &'a ColumnArgs,
    pub input: &'a InputArgs,
    pub model: ModelArgs,
    pub stats: &'a StatArgs,
}

impl Request {
    /// An analysis of `common` with `analyze`'s defaults for the rest: no weight, segments,
    /// periods or listed answers, the configuration's benchmark and attribution.
    pub fn new(common: Common<'_>) -> Request {
        Request {
            files: common.files.to_vec(),
            read: common.input.options(),
            reason_col: common.columns.reason_col.clone(),
            code_cols: common.columns.code_col.clone(),
            model: common.model,
            benchmark: None,
            attribution: None,
            show_unclassified: None,
            quotes: 0,
            redact: true,
            stats: common.stats.options(),
            resamples: common.stats.resamples as usize,
            weight: None,
            by: Vec::new(),
            period: None,
            min_group: 20,
            ids: IdColumns::default(),
            overrides: OverrideArgs::default(),
            calibrate: None,
        }
    }

    /// The analysis `churn analyze` or `churn report` is asked for.
    pub fn of(export: &ExportArgs, args: &AnalysisArgs) -> Result<Request> {
        if args.date_col.is_some() && args.period.is_none() {
            bail!("--date-col is read with --period; add --period week|month|quarter|year");
        }
        let common = Common {
            files: &export.files,
            columns: &export.columns,
            input: &export.input,
            model: export.model,
            stats: &args.stats,
        };
        Ok(Request {
            benchmark: args.benchmark.clone(),
            attribution: args.attribution,
            show_unclassified: args.show_unclassified,
            quotes: args.quotes.map_or(0, usize::from),
            redact: !args.no_redact,
            weight: args.weight.clone(),
            by: args.by.clone(),
            period: args
                .period
                .map(|p| (p, args.date_col.clone(), args.date_format.clone())),
            min_group: args.min_group,
            overrides: export.overrides.clone(),
            calibrate: (args.calibrate.clone()).map(|f| {
                let design = match args.calibrate_design {
                    SampleDesign::Random => Design::Random,
                    SampleDesign::PerTag => Design::PerTag,
                };
                (f, args.calibrate_truth_col.clone(), design)
            }),
            ..Request::new(common)
        })
    }
}

/// Where the columns the analysis reads besides the answers sit among the loaded export's
/// extra columns.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Roles {
    weight: Option<usize>,
    by: std::ops::Range<usize>,
    date: Option<usize>,
}

impl Roles {
    /// The columns to load for `request`, each with the flag that named it, and where each
    /// will be. The order: weight, the `--by` columns, a named date column, the named id
    /// columns; a date column found by header comes after them.
    fn of(request: &Request) -> (ColumnOptions, Roles) {
        let mut extra = Vec::new();
        let weight = request.weight.as_ref().map(|w| {
            extra.push(("--weight", w.clone()));
            extra.len() - 1
        });
        let start = extra.len();
        extra.extend(request.by.iter().map(|b| ("--by", b.clone())));
        let by = start..extra.len();
        let named_date = request.period.as_ref().and_then(|(_, d, _)| d.clone());
        let date_at = named_date.as_ref().map(|d| {
            extra.push(("--date-col", d.clone()));
            extra.len() - 1
        });
        extra.extend(request.ids.named.iter().map(|id| ("--id-col", id.clone())));
        let find_date = request.period.is_some() && named_date.is_none();
        let date = date_at.or(find_date.then_some(extra.len()));
        let options = ColumnOptions {
            reason_col: request.reason_col.clone(),
            code_cols: request.code_cols.clone(),
            extra,
            find_date,
            find_id: request.ids.find && request.ids.named.is_empty(),
            keep_all: false,
            id_col: None,
        };
        (options, Roles { weight, by, date })
    }
}

/// Analyze one export into a [`Report`].
pub fn report(request: &Request, config: &Config) -> Result<Report> {
    Ok(analyze_export(request, config)?.0)
}

/// Analyze one export; also return what was loaded, for checks on the file itself.
pub fn analyze_export(request: &Request, config: &Config) -> Result<(Report, Loaded)> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &request.model)?;
    let name = request.benchmark.as_deref().unwrap_or(&config.benchmark);
    let benchmark = config.benchmark(name)?;
    let attribution = request.attribution.unwrap_or(config.attribution);
    let (mut options, roles) = Roles::of(request);
    let overrides = super::overrides(&request.overrides, config)?;
    options.id_col = super::id_column(overrides.as_ref());
    let (loaded, tally) = super::tally(
        &request.files,
        &request.read,
        &options,
        (taxonomy, &classifier),
        attribution,
        super::Keep {
            unclassified: request.show_unclassified.is_some(),
            rows: !request.by.is_empty() || request.period.is_some() || request.weight.is_some(),
            quotes: request.quotes,
            redact: request.redact,
            proposals: true,
            overrides: overrides.clone(),
        },
    )?;

    let settings = Settings {
        taxonomy,
        attribution,
        benchmark,
        stats: request.stats,
        resamples: request.resamples,
        min_group: request.min_group,
    };
    let weights = match roles.weight {
        Some(k) => Some(weights_of(&loaded, &tally, k)?),
        None => None,
    };
    let weight_slice = weights.as_ref().map(|(_, w)| w.as_slice());
    let analysis = analyze(&tally.tags, weight_slice, &settings);

    let segments = if roles.by.is_empty() {
        None
    } else {
        let columns: Vec<String> = loaded.extra_columns[roles.by.clone()].to_vec();
        let first = roles.by.start;
        let keys = segment_keys(&loaded, first, &columns, analysis.reasons.rows, request)?;
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

    let periods = match (&request.period, roles.date) {
        (Some((period, _, format)), Some(k)) => {
            let column = loaded.extra_columns[k].clone();
            let (keys, used) = period_keys(&loaded, k, &column, *period, format)?;
            let b = breakdown(
                &tally.tags,
                &keys,
                "(no date)",
                true,
                weight_slice,
                &settings,
            );
            Some((column, *period, used, b))
        }
        _ => None,
    };

    let weight = weights
        .as_ref()
        .map(|(column, _)| weight_info(column, &analysis, &settings));
    let report = Report::new(Parts {
        inputs: inputs_of(&loaded),
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
        unclassified: tally.top_unclassified(request.show_unclassified.unwrap_or(0)),
        quotes: tally.quotes.as_ref().map(|q| (q, request.quotes)),
        redact: request.redact,
    });
    let report = with_corrections(report, request, config, (&classifier, &tally, overrides))?;
    Ok((report, loaded))
}

/// The `--weight` column's header, total and effective sample size.
fn weight_info(
    column: &str,
    analysis: &crate::analysis::Analysis,
    settings: &Settings,
) -> WeightInfo {
    WeightInfo {
        column: column.to_string(),
        total: analysis
            .reasons
            .weighted
            .as_ref()
            .map_or(0.0, |(_, total)| *total),
        effective_n: (analysis.kish.unwrap_or(0.0) * 10.0).round() / 10.0,
        resamples: settings.resamples,
        seed: settings.stats.seed,
    }
}

/// A report with what the corrections add: the shares corrected with `--calibrate`, and what
/// the overrides did (their ids no row has are warned about on stderr).
fn with_corrections(
    report: Report,
    request: &Request,
    config: &Config,
    (classifier, tally, overrides): (&Classifier, &Tally, Option<Arc<Overrides>>),
) -> Result<Report> {
    let calibration = match &request.calibrate {
        Some(c) => Some(calibrate(c, request, config, (classifier, tally))?),
        None => None,
    };
    Ok(Report {
        calibration,
        overrides: overrides.map(|o| {
            let info = OverridesInfo::of(&o, tally);
            let missing: Vec<&str> = info.not_found.iter().map(|m| m.id.as_str()).collect();
            super::say_not_found(&o, &missing);
            info
        }),
        ..report
    })
}

/// `--calibrate`: tag the labelled sample, count (label, tag) per class (the reasons, then
/// `none`), and correct the export's shares with it.
fn calibrate(
    (file, column, design): &(String, String, Design),
    request: &Request,
    config: &Config,
    (classifier, tally): (&Classifier, &Tally),
) -> Result<Calibration> {
    let taxonomy = &config.taxonomy;
    let k = taxonomy.reasons.len();
    let options = ColumnOptions {
        reason_col: request.reason_col.clone(),
        code_cols: request.code_cols.clone(),
        extra: vec![("--calibrate-truth-col", column.clone())],
        ..ColumnOptions::default()
    };
    let files = [file.clone()];
    let loaded = crate::input::load(
        &files,
        &ReadOptions::default(),
        &options,
        taxonomy,
        classifier,
    )
    .map_err(|e| anyhow::anyhow!("--calibrate: {e:#}"))?;
    let truth = super::evaluate::truth_labels(&loaded, taxonomy)?;
    let mut labelled = vec![vec![0u64; k + 1]; k + 1];
    let mut scratch = crate::classify::Scratch::new();
    for (row, &t) in loaded.answers().iter().zip(&truth) {
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let p = match classifier.classify_remembered(row.text, lookup, &mut scratch) {
            crate::classify::Outcome::Tagged(tag) => tag.primary,
            _ => k,
        };
        labelled[t.min(k)][p] += 1;
    }
    let mut tagged = vec![0u64; k + 1];
    for (tag, n) in tally.tags.counts() {
        tagged[tag.primary] += n;
    }
    tagged[k] = (tally.unclassified + tally.no_answer + tally.involuntary) as u64;
    let ids: Vec<String> = taxonomy.reasons.iter().map(|r| r.id.clone()).collect();
    let inputs = CalibrationInputs {
        reason_ids: &ids,
        labelled,
        tagged,
        confidence: request.stats.confidence,
        resamples: request.resamples.max(200),
        seed: request.stats.seed,
        design: *design,
    };
    Ok(crate::calibration::calibrate(
        &inputs,
        file,
        &loaded.extra_columns[0],
    ))
}

/// The `--weight` column (extra column `k`): its header and the weight of every row (0 for a
/// row not tagged).
fn weights_of(loaded: &Loaded, tally: &Tally, k: usize) -> Result<(String, Vec<f64>)> {
    let column = loaded.extra_columns[k].clone();
    let cells = loaded.extra_cells(k);
    let tagged: Vec<usize> = (0..tally.tags.len())
        .filter(|&i| tally.tags.get(i).is_some())
        .collect();
    let read = values::weights(&loaded.path, &column, &cells, &|i| loaded.place(i), &tagged)?;
    let mut w = vec![0.0; tally.tags.len()];
    for (&i, x) in tagged.iter().zip(read) {
        w[i] = x;
    }
    Ok((column, w))
}

/// Each file read, with the columns its answers came from.
fn inputs_of(loaded: &Loaded) -> Vec<Input> {
    loaded
        .sources
        .iter()
        .enumerate()
        .map(|(i, source)| Input {
            source: source.clone(),
            text_column: loaded.text_columns.get(i).cloned().flatten(),
            code_column: loaded.code_columns.first().cloned(),
            code_columns: loaded.code_columns.clone(),
        })
        .collect()
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
    request: &Request,
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
    if let Some(why) = too_fine(groups, tagged, request.min_group) {
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
    format: &str,
) -> Result<(Vec<Option<String>>, String)> {
    let cells = loaded.extra_cells(index);
    let format = DateFormat::parse(format);
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
            Period::name(period),
            first.map(|d| d.to_string()).unwrap_or_default(),
            last.map(|d| d.to_string()).unwrap_or_default()
        );
    }
    Ok((keys, used))
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
    let report = checked_report(&args.export, &args.analysis, config)?;
    renderer(args.format, color).render(&report, out)?;
    Ok(())
}

/// The report `churn analyze` (or `churn report`) is asked for: an error when the answers'
/// column is blank in every row, a note on stderr when few answers matched a rule.
pub fn checked_report(export: &ExportArgs, args: &AnalysisArgs, config: &Config) -> Result<Report> {
    let report = report(&Request::of(export, args)?, config)?;
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
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> Request {
        Request {
            files: vec!["x.csv".into()],
            read: ReadOptions::default(),
            reason_col: None,
            code_cols: Vec::new(),
            model: ModelArgs::default(),
            benchmark: None,
            attribution: None,
            show_unclassified: None,
            quotes: 0,
            redact: true,
            stats: crate::compare::StatOptions::default(),
            resamples: 0,
            weight: Some("mrr".into()),
            by: vec!["plan".into(), "region".into()],
            period: None,
            min_group: 20,
            ids: IdColumns {
                named: vec!["id".into()],
                find: true,
            },
            overrides: OverrideArgs::default(),
            calibrate: None,
        }
    }

    #[test]
    fn each_column_role_has_its_place_among_the_extra_columns() {
        let mut r = request();
        r.period = Some((Period::Month, Some("date".into()), "auto".into()));
        let (options, roles) = Roles::of(&r);
        let flags: Vec<&str> = options.extra.iter().map(|(f, _)| *f).collect();
        assert_eq!(
            flags,
            ["--weight", "--by", "--by", "--date-col", "--id-col"]
        );
        assert_eq!(roles.weight, Some(0));
        assert_eq!(roles.by, 1..3);
        assert_eq!(roles.date, Some(3));
        assert!(!options.find_date && !options.find_id);

        // A date column found by header comes after the named ones (the ids too).
        r.period = Some((Period::Month, None, "auto".into()));
        let (options, roles) = Roles::of(&r);
        assert!(options.find_date);
        assert_eq!(options.extra.len(), 4);
        assert_eq!(roles.date, Some(4));

        r.weight = None;
        r.by.clear();
        r.period = None;
        r.ids.named.clear();
        let (options, roles) = Roles::of(&r);
        assert!(options.extra.is_empty() && options.find_id);
        assert_eq!((roles.weight, roles.by, roles.date), (None, 0..0, None));
    }
}
