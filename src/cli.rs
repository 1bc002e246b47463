//! Every command-line flag in one place. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::compare::{CiMethod, StatOptions, TestMethod};
use crate::config::Attribution;
use crate::input::values::Period;

use crate::render::{CheckFormat, Format, ReportFormat, TagFormat};

/// Tells a business why its customers left.
///
/// `churn` reads exit-survey and cancellation exports (CSV), tags every departure with a reason,
/// and compares the share of churn per reason with the classic benchmark (68% leave because of
/// indifference, 14% because of dissatisfaction).
#[derive(Debug, Parser)]
#[command(name = "churn", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,

    /// When to use color: `auto` colors only on a terminal, never with NO_COLOR or TERM=dumb.
    #[arg(long, global = true, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Taxonomy and settings file. Default: `churn.toml` in the working directory if there is
    /// one, else the built-in taxonomy (`churn taxonomy init` writes it out to edit).
    #[arg(long, global = true, value_name = "FILE", env = "CHURN_CONFIG")]
    pub config: Option<PathBuf>,

    /// Write the output (what would go to stdout) to this file instead. It is written only
    /// when the command completes, never half.
    #[arg(long, short, global = true, value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// No notes or warnings on stderr. Errors are still printed, and exit codes still tell.
    #[arg(long, short, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tag every departure in an export with a reason and compare the shares with a benchmark.
    ///
    /// Each row ends as exactly one of: tagged (one or more reasons), unclassified (an answer
    /// no rule matched), no answer (blank, "n/a", "-", "prefer not to say", ...), involuntary
    /// (a code says the payment failed) or rejected (a row that could not be read). Shares are
    /// of tagged rows; the others are counted beside them.
    Analyze(AnalyzeArgs),
    /// Write the analysis as one self-contained HTML page, for a browser, an e-mail or a
    /// slide: the shares against the benchmark with their intervals, where the rows went,
    /// segments, periods and revenue as charts, each with its table, and the customers' own
    /// words. Inline CSS and SVG: no network, no script needed. Takes every flag of `analyze`;
    /// name the file with `-o report.html`.
    Report(ReportArgs),
    /// Gate an export in CI: apply rules (flags, or `[check]` in churn.toml) and exit 0 when
    /// all pass, 1 when any fails, 2 on a usage or input error.
    ///
    /// The reason column having an answer in at least one row is always checked (an export
    /// job that silently drops the free-text field). Percentages are written `30%` or `0.3`.
    /// Flags override the file rule by rule; share limits reason by reason.
    Check(CheckArgs),
    /// Write every input row back with its tag, to audit in a spreadsheet: the original
    /// columns plus `churn_reason`, `churn_reasons`, `churn_status` and `churn_evidence`.
    ///
    /// Statuses: tagged, unclassified, no_answer, involuntary, rejected. Cells that a
    /// spreadsheet would run as a formula are neutralized (see docs/tag.md).
    Tag(TagArgs),
    /// Show how one answer is tagged: the normalized text, every rule that matched and where,
    /// negations, and why the final reason won.
    Explain(ExplainArgs),
    /// Measure the tagging against a labelled export: accuracy, precision, recall and F1 per
    /// reason, macro-F1, Cohen's kappa and the confusion matrix.
    Evaluate(EvaluateArgs),
    /// Train the learned second opinion on a labelled export and write the model (binary) to
    /// `-o FILE`; a summary goes to stderr. Reference it from churn.toml: `[model] path =
    /// "model.bin"`.
    Train(TrainArgs),
    /// Compare the reasons of two exports (before and after a change): the change of each
    /// share in percentage points with Newcombe's interval, and a test that the two
    /// distributions are the same.
    Compare(CompareArgs),
    /// Hold one of the survey's other questions (yes/no, a count, a scale) against a figure:
    /// "65% tell others of a bad experience", "after one poor experience 50% defect", ...
    ///
    /// The answers of `--col` are put in the question set's buckets (words such as yes/no in
    /// several languages, or ranges of numbers), and their shares are compared with the set's
    /// with the same intervals, tests and verdicts as the reasons. `--list` shows the sets,
    /// built in and from churn.toml (`[[question_set]]`).
    Question(QuestionArgs),
    /// Draw a blind labelling sheet for `evaluate`: N rows stratified by how `churn` tags
    /// them (every reason, unclassified and no answer represented), in a random order, with
    /// their id, answer (and codes) and an empty `truth` column; the tags are not shown, so the
    /// labeller is not led by them. The same seed gives the same rows.
    Sample(SampleArgs),
    /// What the unclassified answers say that the taxonomy does not know yet: per language,
    /// their most distinctive words and phrases against the tagged answers, each with a
    /// suggested reason, two examples and a churn.toml fragment that tags them; and groups of
    /// near-duplicate answers.
    Discover(DiscoverArgs),
    /// List the benchmark sets (built in and from churn.toml): their buckets, shares and
    /// where the numbers come from.
    Benchmarks(BenchmarksArgs),
    /// Corrections made by hand that last: `from-tagged` turns a `churn tag` output whose
    /// `churn_reason` was edited into an overrides file for `--overrides`.
    #[command(subcommand)]
    Overrides(OverridesCommand),
    /// Write, show or check the taxonomy (reasons, rules, codes, benchmarks).
    #[command(subcommand)]
    Taxonomy(TaxonomyCommand),
    /// Print a shell completion script: `churn completions bash > ~/.local/share/bash-completion/completions/churn`.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff): `churn man > churn.1; man ./churn.1`.
    Man,
}

impl Command {
    /// Whether the output is text for people (a table, Markdown, workflow annotations), where
    /// a control character from the data must be shown rather than run; data formats (JSON,
    /// CSV, JSON Lines, XML, TOML) carry the data as it is, in their own escapes.
    pub fn writes_for_people(&self) -> bool {
        match self {
            Command::Analyze(a) => matches!(a.format, ReportFormat::Table | ReportFormat::Markdown),
            Command::Report(_) => false,
            Command::Check(a) => matches!(a.format, CheckFormat::Table | CheckFormat::Github),
            Command::Explain(a) => a.format == Format::Table,
            Command::Evaluate(a) => a.format == Format::Table,
            Command::Compare(a) => a.format == Format::Table,
            Command::Question(a) => a.format == Format::Table,
            Command::Sample(_) | Command::Overrides(_) => false,
            Command::Discover(a) => a.format == Format::Table,
            Command::Benchmarks(a) => a.format == Format::Table,
            Command::Taxonomy(TaxonomyCommand::Stats(a)) => a.format == Format::Table,
            Command::Taxonomy(TaxonomyCommand::Show { format })
            | Command::Taxonomy(TaxonomyCommand::Validate { format, .. }) => {
                *format == Format::Table
            }
            Command::Tag(_)
            | Command::Train(_)
            | Command::Taxonomy(TaxonomyCommand::Init { .. })
            | Command::Completions { .. }
            | Command::Man => false,
        }
    }
}

/// The learned second opinion, on or off.
#[derive(Debug, Args, Clone, Copy, Default)]
pub struct ModelArgs {
    /// Tag by the rules alone: no learned second opinion (also `[model] enabled = false` in
    /// churn.toml). Outputs are then those of churn before the model: no confidence column or
    /// count.
    #[arg(long)]
    pub no_model: bool,
}

#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Labelled export(s), read as `evaluate` reads them.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    /// The column of true labels: reason ids or labels, or `unclassified` (rows labelled
    /// `no_answer` or `involuntary` are skipped).
    #[arg(long, value_name = "NAME")]
    pub truth_col: String,

    #[command(flatten)]
    pub columns: ColumnArgs,

    /// How far to even out labels of different frequency: `none` (every answer weighs 1),
    /// `sqrt` (an answer of a label with c of the n answers, k labels, weighs sqrt(n / (k c))),
    /// `full` (every label weighs the same in all).
    #[arg(long, value_enum, default_value_t = BalanceArg::Sqrt)]
    pub balance: BalanceArg,
}

/// `churn train --balance`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BalanceArg {
    None,
    Sqrt,
    Full,
}

impl From<BalanceArg> for crate::model::train::Balance {
    fn from(b: BalanceArg) -> Self {
        match b {
            BalanceArg::None => Self::None,
            BalanceArg::Sqrt => Self::Sqrt,
            BalanceArg::Full => Self::Full,
        }
    }
}

/// How to find the reason columns of an export.
#[derive(Debug, Args, Clone, Default)]
pub struct ColumnArgs {
    /// The free-text reason column. Default: found by header (reason, churn reason,
    /// cancellation reason, exit reason, "Why did you leave/cancel ...", feedback, comment).
    #[arg(long, value_name = "NAME")]
    pub reason_col: Option<String>,

    /// A column of coded reasons, such as Stripe's `cancellation_details.feedback`; repeat for
    /// several. Default: the columns the taxonomy's code maps name, or one found by its values.
    #[arg(long, value_name = "NAME")]
    pub code_col: Vec<String>,
}

/// Corrections made by hand, applied over the tagger.
#[derive(Debug, Args, Clone, Default)]
pub struct OverrideArgs {
    /// A CSV of corrections: the export's id column first (its header names it), `reason` (a
    /// reason, `reason.sub`, `@none`, `unclassified`, `no_answer`, `involuntary`), an optional
    /// `note`. A row with a listed id gets that outcome, whatever the tagger says. Default:
    /// `[analyze] overrides` of churn.toml. `churn overrides from-tagged` writes one.
    #[arg(long, value_name = "FILE")]
    pub overrides: Option<PathBuf>,
}

/// How to read the export files.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Text encoding of CSV files: utf-8, utf-16le, utf-16be, windows-1252, latin1, ... Default:
    /// detected (a byte-order mark, valid UTF-8, else Windows-1252, with a note).
    #[arg(long, value_name = "NAME", value_parser = encoding)]
    pub encoding: Option<&'static encoding_rs::Encoding>,

    /// Field delimiter of CSV files: `,` `;` `|` or comma, semicolon, tab, pipe. Default:
    /// sniffed from the first records.
    #[arg(long, value_name = "CHAR", value_parser = delimiter)]
    pub delimiter: Option<u8>,

    /// Workbook sheet to read (.xlsx, .xls, .ods). Default: the first.
    #[arg(long, value_name = "NAME")]
    pub sheet: Option<String>,

    /// Keep only rows where a column has a value: `COL=VALUE`, `COL!=VALUE`, `"COL in A,B"`,
    /// `"COL not in A,B"`; repeat to require all. Values are compared trimmed, ignoring case.
    /// E.g. --where "Churn Label=Yes".
    #[arg(long = "where", value_name = "FILTER", value_parser = filter)]
    pub filters: Vec<crate::input::Filter>,

    /// Count rows with the wrong number of fields as rejected (their lines are listed) instead
    /// of stopping with an error.
    #[arg(long)]
    pub skip_bad_rows: bool,

    /// The survey tool's layout: auto (detected from the header), plain (one header row, no
    /// detection), qualtrics, qualtrics-legacy, surveymonkey, typeform, google-forms,
    /// microsoft-forms, alchemer, jotform.
    #[arg(long, value_name = "LAYOUT", default_value = "auto", value_parser = layout)]
    pub layout: crate::input::layout::Wanted,

    /// Read unfinished responses too (Qualtrics `Finished` false, Alchemer `Partial`); by
    /// default they are filtered out and counted apart.
    #[arg(long)]
    pub include_incomplete: bool,
}

impl InputArgs {
    pub fn options(&self) -> crate::input::ReadOptions {
        crate::input::ReadOptions {
            encoding: self.encoding,
            delimiter: self.delimiter,
            sheet: self.sheet.clone(),
            skip_bad_rows: self.skip_bad_rows,
            filters: self.filters.clone(),
            layout: self.layout,
            include_incomplete: self.include_incomplete,
            // Not a flag: tests and benchmarks compare the streamed and whole-file readers.
            block_bytes: std::env::var("CHURN_BLOCK_BYTES")
                .ok()
                .and_then(|v| v.parse().ok()),
            chunk_rows: std::env::var("CHURN_CHUNK_ROWS")
                .ok()
                .and_then(|v| v.parse().ok()),
        }
    }
}

fn layout(s: &str) -> Result<crate::input::layout::Wanted, String> {
    use crate::input::layout::{Layout, Wanted};
    if s == "auto" {
        return Ok(Wanted::Auto);
    }
    Layout::by_name(s).map(Wanted::Fixed).ok_or_else(|| {
        let names: Vec<&str> = Layout::ALL.iter().map(|l| l.name()).collect();
        format!("expected auto or one of: {}", names.join(", "))
    })
}

fn encoding(s: &str) -> Result<&'static encoding_rs::Encoding, String> {
    crate::input::decode::encoding_for(s)
}

fn delimiter(s: &str) -> Result<u8, String> {
    crate::input::sniff::parse_delimiter(s)
}

fn filter(s: &str) -> Result<crate::input::Filter, String> {
    crate::input::filter::parse(s)
}

/// The export an analysis reads: its files, columns, corrections, how to read it, the model.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Export files: CSV (optionally .gz or .zst), .xlsx, .parquet, .json/.jsonl or SPSS .sav;
    /// survey tools' layouts (Qualtrics, SurveyMonkey, ...) are detected; globs such as
    /// `exports/*.csv`; `-` for standard input. Several are combined by column name.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    pub export: ExportArgs,

    /// Output format: `table` for people, `json` (documented in docs/schema/analyze.v1.json),
    /// `csv` (one row per reason, then the row accounting) or `markdown` (for reports and pull
    /// requests), `html` (one self-contained page with charts: see `churn report`).
    #[arg(long, short, value_enum, default_value_t = ReportFormat::Table)]
    pub format: ReportFormat,

    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub export: ExportArgs,

    #[command(flatten)]
    pub analysis: AnalysisArgs,
}

/// What an analysis computes and shows: benchmark, attribution, answers shown, corrections,
/// statistics, weights, segments and periods.
#[derive(Debug, Args)]
pub struct AnalysisArgs {
    /// Benchmark set to compare with: `kennedy`, `asq` or `gattorna` built in (see `churn
    /// benchmarks`), or one from churn.toml. Default: the config's `analyze.benchmark`.
    #[arg(long, value_name = "NAME")]
    pub benchmark: Option<String>,

    /// How a row stating several reasons counts: `primary` (the reason stated first),
    /// `split` (an equal part to each) or `all` (fully to each; shares may sum past 100%).
    /// Default: the config's `analyze.attribution`, built in `primary`.
    #[arg(long, value_enum, value_name = "MODE")]
    pub attribution: Option<Attribution>,

    /// List the N most common unclassified answers (normalized, with counts), to grow the
    /// taxonomy from.
    #[arg(long, value_name = "N")]
    pub show_unclassified: Option<usize>,

    /// Show N of the customers' own words per reason and sub-reason: answers typical of it,
    /// stating it alone, of readable length, no two alike. Personal data (e-mail, phone, card
    /// and IBAN numbers, URLs with tokens, @handles) is redacted.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=50))]
    pub quotes: Option<u16>,

    /// Show quotes and unclassified answers as written, personal data included.
    #[arg(long)]
    pub no_redact: bool,

    /// Correct the shares for the tagger's error, measured on this labelled sample of the
    /// same kind of export (a random sample, its true labels in --calibrate-truth-col):
    /// adjusted classify-and-count, with bootstrap intervals. Shown beside the raw shares.
    #[arg(long, value_name = "LABELLED")]
    pub calibrate: Option<String>,

    /// The column of true labels in the --calibrate file.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "truth",
        requires = "calibrate"
    )]
    pub calibrate_truth_col: String,

    /// How the --calibrate sample was drawn: `random` (from the rows: corrected by adjusted
    /// classify-and-count) or `per-tag` (so many rows of each tag, as `churn sample` draws:
    /// each tag's rows shared out by its precision).
    #[arg(
        long,
        value_enum,
        value_name = "DESIGN",
        default_value_t = SampleDesign::Random,
        requires = "calibrate"
    )]
    pub calibrate_design: SampleDesign,

    #[command(flatten)]
    pub stats: StatArgs,

    /// Weight each departure by this column (e.g. MRR): shares of lost revenue instead of
    /// customers, with bootstrap intervals. Weights must be numbers of 0 or more on every
    /// tagged row.
    #[arg(long, value_name = "COL", help_heading = "Weights, segments, time")]
    pub weight: Option<String>,

    /// A table per segment of these columns (comma-separated; several make one segment per
    /// combination), and a test that the segments share one reason distribution.
    #[arg(
        long,
        value_name = "COL[,COL]",
        value_delimiter = ',',
        help_heading = "Weights, segments, time"
    )]
    pub by: Vec<String>,

    /// Shares per period of the date column, and a test that they are stable over time.
    #[arg(
        long,
        value_enum,
        value_name = "PERIOD",
        help_heading = "Weights, segments, time"
    )]
    pub period: Option<Period>,

    /// The date column for --period. Default: found by header (canceled_at, cancellation
    /// date, end date, submitted at, date, created at, ...).
    #[arg(long, value_name = "COL", help_heading = "Weights, segments, time")]
    pub date_col: Option<String>,

    /// How dates are written: `auto` (ISO, Unix time, month names, or day-/month-first decided
    /// by a day above 12), `iso`, `dmy`, `mdy`, or a strftime pattern such as '%d.%m.%y'.
    #[arg(
        long,
        value_name = "FORMAT",
        default_value = "auto",
        help_heading = "Weights, segments, time"
    )]
    pub date_format: String,

    /// Segments or periods with fewer tagged rows are shown but left out of the test.
    #[arg(
        long,
        value_name = "N",
        default_value_t = 20,
        help_heading = "Weights, segments, time"
    )]
    pub min_group: usize,
}

/// Settings of the intervals and tests.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Statistics")]
pub struct StatArgs {
    /// Interval for each share: `goodman` (simultaneous: all intervals hold together) or
    /// `wilson` (each share on its own, narrower).
    #[arg(long, value_enum, value_name = "METHOD", default_value_t = CiMethod::Goodman)]
    pub ci: CiMethod,

    /// Confidence level of the intervals; 1 - confidence is the significance level of the
    /// verdicts.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95, value_parser = confidence)]
    pub confidence: f64,

    /// Goodness-of-fit test against the benchmark. Whatever is chosen, the exact multinomial
    /// test is used when an expected count is below 5.
    #[arg(long, value_enum, value_name = "TEST", default_value_t = TestMethod::ChiSquare)]
    pub test: TestMethod,

    /// Seed of the random draws (bootstrap resamples, Monte Carlo exact test): the same seed
    /// gives the same numbers.
    #[arg(long, value_name = "N", default_value_t = 42)]
    pub seed: u64,

    /// Bootstrap resamples for intervals with --weight.
    #[arg(long, value_name = "N", default_value_t = 2000, value_parser = clap::value_parser!(u32).range(100..))]
    pub resamples: u32,

    /// Monte Carlo draws for the exact test when there are too many outcomes to enumerate.
    #[arg(long, value_name = "N", default_value_t = 100_000, value_parser = clap::value_parser!(u64).range(1000..))]
    pub draws: u64,
}

impl StatArgs {
    pub fn options(&self) -> StatOptions {
        StatOptions {
            confidence: self.confidence,
            ci: self.ci,
            test: self.test,
            draws: self.draws,
            seed: self.seed,
        }
    }
}

fn confidence(s: &str) -> Result<f64, String> {
    let x: f64 = s
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a level such as 0.95"))?;
    if x > 0.5 && x < 1.0 {
        Ok(x)
    } else {
        Err(format!(
            "{s} is not a confidence level between 0.5 and 1 (exclusive); 0.95 is usual"
        ))
    }
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Export files (see `analyze`): CSV, .gz, .zst, .xlsx, .parquet, .json, .sav, globs, `-`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,

    /// Output format: `table` for people, `json` (docs/schema/check.v1.json), `junit` (JUnit
    /// XML for CI test reports) or `github` (GitHub Actions annotations).
    #[arg(long, short, value_enum, default_value_t = CheckFormat::Table)]
    pub format: CheckFormat,

    /// Exit 0 even when a check fails (the output still says which failed).
    #[arg(long)]
    pub exit_zero: bool,

    /// Benchmark set for --above-benchmark (see `churn benchmarks`).
    #[arg(long, value_name = "NAME")]
    pub benchmark: Option<String>,

    /// How a row stating several reasons counts (see `analyze`).
    #[arg(long, value_enum, value_name = "MODE")]
    pub attribution: Option<Attribution>,

    #[command(flatten)]
    pub rules: RuleArgs,

    #[command(flatten)]
    pub stats: StatArgs,
}

/// The rules of `churn check`.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Rules")]
pub struct RuleArgs {
    /// Fail with fewer rows (responses) than N.
    #[arg(long, value_name = "N")]
    pub min_responses: Option<u64>,

    /// Fail when more than PCT of the rows read are unclassified (an answer no rule matched).
    #[arg(long, value_name = "PCT", value_parser = fraction)]
    pub max_unclassified: Option<f64>,

    /// Fail when more than PCT of the rows read have no answer.
    #[arg(long, value_name = "PCT", value_parser = fraction)]
    pub max_no_answer: Option<f64>,

    /// Fail when the header has no column NAME (matched ignoring case, spaces and
    /// punctuation). Repeat for several.
    #[arg(long, value_name = "NAME")]
    pub require_col: Vec<String>,

    /// Fail when more than N rows have a coded value that no code map knows.
    #[arg(long, value_name = "N")]
    pub max_unknown_codes: Option<u64>,

    /// Fail when more than N rows repeat an id of an earlier row. The id column is found by
    /// header (response id, respondent id, customer id, id, email, ...) or named with --id-col.
    #[arg(long, value_name = "N")]
    pub max_duplicate_ids: Option<u64>,

    /// The id column(s) for --max-duplicate-ids; repeat for several.
    #[arg(long, value_name = "NAME")]
    pub id_col: Vec<String>,

    /// Fail when REASON's share of tagged churn is above PCT (e.g. `dissatisfaction=30%`, or a
    /// sub-reason's: `dissatisfaction.price=20%`). Repeat for several reasons.
    #[arg(long, value_name = "REASON=PCT", value_parser = share)]
    pub max_share: Vec<(String, f64)>,

    /// Fail when REASON's (or a sub-reason's, as `reason.sub`) share of tagged churn is below
    /// PCT. Repeat for several reasons.
    #[arg(long, value_name = "REASON=PCT", value_parser = share)]
    pub min_share: Vec<(String, f64)>,

    /// Fail when REASON (or a benchmark bucket) is significantly above its benchmark share:
    /// the lower end of its interval is above it. Repeat for several.
    #[arg(long, value_name = "REASON")]
    pub above_benchmark: Vec<String>,

    /// An earlier `churn analyze --format json`: fail when the reason mix changed more than a
    /// chi-square homogeneity test allows at 1 - confidence.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,
}

impl RuleArgs {
    pub fn rules(&self) -> crate::check::Rules {
        crate::check::Rules {
            min_responses: self.min_responses,
            max_unclassified: self.max_unclassified,
            max_no_answer: self.max_no_answer,
            require_cols: self.require_col.clone(),
            max_unknown_codes: self.max_unknown_codes,
            max_duplicate_ids: self.max_duplicate_ids,
            id_cols: self.id_col.clone(),
            max_share: self.max_share.iter().cloned().collect(),
            min_share: self.min_share.iter().cloned().collect(),
            above_benchmark: self.above_benchmark.clone(),
            baseline: self.baseline.clone(),
        }
    }
}

/// A score limit from `low` to 1 (`nan` and `inf` parse as numbers, so they are refused here).
fn score(s: &str, low: f64) -> Result<f64, String> {
    let x: f64 = s
        .trim()
        .parse()
        .map_err(|_| format!("`{s}` is not a number; give a score such as 0.9"))?;
    if x.is_finite() && (low..=1.0).contains(&x) {
        Ok(crate::text::no_negative_zero(x))
    } else {
        Err(format!(
            "`{s}` is not a score from {low} to 1; 0.9 is usual"
        ))
    }
}

fn unit_score(s: &str) -> Result<f64, String> {
    score(s, 0.0)
}

fn kappa(s: &str) -> Result<f64, String> {
    score(s, -1.0)
}

fn fraction(s: &str) -> Result<f64, String> {
    crate::check::parse_fraction(s)
}

fn share(s: &str) -> Result<(String, f64), String> {
    crate::check::parse_share(s)
}

#[derive(Debug, Args)]
pub struct TagArgs {
    /// Export files (see `analyze`): CSV, .gz, .zst, .xlsx, .parquet, .json, .sav, globs, `-`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub overrides: OverrideArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,

    /// Output format: `csv` (the input's columns plus four), `jsonl` (one JSON object per
    /// row, keyed by header) or `parquet` (the CSV's columns, typed; to -o FILE or a pipe).
    #[arg(long, short, value_enum, default_value_t = TagFormat::Csv)]
    pub format: TagFormat,
}

#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The earlier export.
    #[arg(value_name = "BEFORE")]
    pub before: String,

    /// The later export (same kind of columns).
    #[arg(value_name = "AFTER")]
    pub after: String,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// How a row stating several reasons counts (see `analyze`).
    #[arg(long, value_enum, value_name = "MODE")]
    pub attribution: Option<Attribution>,

    /// Confidence level of the intervals.
    #[arg(long, value_name = "LEVEL", default_value_t = 0.95, value_parser = confidence)]
    pub confidence: f64,
}

#[derive(Debug, Args)]
pub struct QuestionArgs {
    /// The export(s) holding the question's answers.
    #[arg(value_name = "FILE", required_unless_present = "list")]
    pub files: Vec<String>,

    /// The column of the question's answers (header name).
    #[arg(long, value_name = "COL", required_unless_present = "list")]
    pub col: Option<String>,

    /// The question set to hold the answers against (see --list).
    #[arg(long, value_name = "NAME", required_unless_present = "list")]
    pub benchmark: Option<String>,

    /// List the question sets: their buckets, shares and where the figures come from.
    #[arg(long)]
    pub list: bool,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub stats: StatArgs,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct DiscoverArgs {
    /// The export(s) to read.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// Discover from every answer, not only the unclassified ones.
    #[arg(long)]
    pub all: bool,

    /// How many candidates to show.
    #[arg(long, value_name = "N", default_value_t = 20, value_parser = clap::value_parser!(u16).range(1..=500))]
    pub top: u16,

    /// A candidate is in at least N answers.
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u32).range(1..))]
    pub min_count: u32,

    /// Show the examples as written, personal data included.
    #[arg(long)]
    pub no_redact: bool,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// The export(s) to sample.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// How many rows to draw (fewer when the export has fewer).
    #[arg(long, short = 'n', value_name = "N", default_value_t = 200)]
    pub rows: usize,

    /// The seed of the draw: the same seed gives the same sheet.
    #[arg(long, value_name = "S", default_value_t = 42)]
    pub seed: u64,

    /// The id column (default: found by header, else the file and line).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct BenchmarksArgs {
    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The answer to explain.
    #[arg(value_name = "TEXT")]
    pub text: String,

    /// A coded value given with the answer (e.g. `too_expensive`, `payment_failed`).
    #[arg(long, value_name = "CODE")]
    pub code: Option<String>,

    #[command(flatten)]
    pub model: ModelArgs,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Export with the answers and a column of true labels (several files are combined).
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,

    /// The column of true labels: reason ids or labels, `unclassified`, `no_answer` or
    /// `involuntary`.
    #[arg(long, value_name = "NAME")]
    pub truth_col: String,

    #[command(flatten)]
    pub columns: ColumnArgs,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Exit with 1 when macro-F1 is below this (0 to 1), for CI.
    #[arg(long, value_name = "X", value_parser = unit_score)]
    pub min_macro_f1: Option<f64>,

    /// Exit with 1 when Cohen's kappa is below this (-1 to 1), for CI.
    #[arg(long, value_name = "X", value_parser = kappa)]
    pub min_kappa: Option<f64>,

    /// Exit with 1 when the sub-reasons' macro-F1 is below this (0 to 1), for CI; needs a
    /// truth column that holds `reason.sub` labels.
    #[arg(long, value_name = "X", value_parser = unit_score)]
    pub min_sub_macro_f1: Option<f64>,

    /// Also score the rows of each value of this column on their own (a language, a source,
    /// a survey wave). The thresholds apply to all rows together.
    #[arg(long, value_name = "COL")]
    pub by: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum OverridesCommand {
    /// Read a `churn tag` output (CSV) whose `churn_reason` (or `churn_sub_reason`,
    /// `churn_status`) a person edited, tag each row again, and write an overrides file (CSV,
    /// to stdout) of the rows whose edited outcome differs from the tagger's: the id, the
    /// reason (`reason.sub`, `unclassified`, `no_answer`, `involuntary`) and a note of what the
    /// tagger said. A blank `churn_reason` on a tagged row means unclassified.
    FromTagged(FromTaggedArgs),
}

#[derive(Debug, Args)]
pub struct FromTaggedArgs {
    /// The edited output of `churn tag`.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// The id column (default: found by header: response id, customer id, email, ...).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Subcommand)]
pub enum TaxonomyCommand {
    /// Write the built-in taxonomy as a commented TOML file to edit (default `churn.toml`;
    /// `-` for stdout).
    Init {
        #[arg(value_name = "PATH", default_value = "churn.toml")]
        path: String,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Print the taxonomy in force: reasons, rule counts, codes and benchmarks.
    Show {
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Check a taxonomy file and list errors and warnings with line and column. Exit 1 when
    /// it has errors.
    Validate {
        /// The file to check. Default: the config in force (--config, CHURN_CONFIG,
        /// ./churn.toml).
        #[arg(value_name = "FILE")]
        file: Option<PathBuf>,
        /// Output format.
        #[arg(long, short, value_enum, default_value_t = Format::Table)]
        format: Format,
    },
    /// Tag exports and say, per rule, the rows it matched, tagged and decided, where it was
    /// negated or overruled, the reasons it overlaps with and, with --truth-col, its precision
    /// and the rows it got wrong. Rules that never fire are listed.
    Stats(TaxonomyStatsArgs),
}

#[derive(Debug, Args)]
pub struct TaxonomyStatsArgs {
    /// The export(s) to tag.
    #[arg(value_name = "FILE", required = true)]
    pub files: Vec<String>,

    /// A column of true labels (as `churn evaluate` reads them): measure each rule's precision
    /// and list the rows it got wrong.
    #[arg(long, value_name = "NAME")]
    pub truth_col: Option<String>,

    /// How many rules the table shows (most rows tagged first; JSON has every rule).
    #[arg(long, value_name = "N", default_value_t = 20)]
    pub top: usize,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    #[command(flatten)]
    pub columns: ColumnArgs,

    #[command(flatten)]
    pub input: InputArgs,

    #[command(flatten)]
    pub model: ModelArgs,
}

/// How a labelled sample was drawn (`--calibrate-design`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SampleDesign {
    Random,
    PerTag,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The reasons of the built-in taxonomy and what they mean, for `--help`.
pub fn reasons_help() -> String {
    let taxonomy = crate::config::builtin_taxonomy();
    let width = taxonomy
        .reasons
        .iter()
        .map(|r| r.id.len())
        .max()
        .unwrap_or(0);
    let mut s = String::from(
        "Reasons (built-in taxonomy, from the classic study as read by Dan Kennedy):\n",
    );
    for r in &taxonomy.reasons {
        s.push_str(&format!("  {:width$}  {}\n", r.id, r.meaning));
    }
    s.push_str(
        "\nExit codes: 0 success, 1 a check failed (check rules, evaluate thresholds, taxonomy\n\
         validate), 2 usage or input error.\n\
         Stripe codes: customer_service -> indifference; low_quality, missing_features,\n\
         too_complex, too_expensive -> dissatisfaction; switched_service -> better_product;\n\
         unused -> moved; other -> the free text decides. Stripe cancellation_details.reason:\n\
         payment_failed, payment_disputed -> involuntary (outside the shares).",
    );
    s
}

/// The clap command, with the taxonomy's meanings added to the long help.
pub fn command() -> clap::Command {
    let reasons = reasons_help();
    Cli::command()
        .after_long_help(reasons.clone())
        .mut_subcommand("analyze", |c| c.after_long_help(reasons.clone()))
        .mut_subcommand("tag", |c| c.after_long_help(reasons))
}

/// Parse the process arguments; prints help or a usage error and exits (2) as clap does.
pub fn parse() -> Cli {
    parse_from(std::env::args_os())
}

/// Parse `args` (the program's name first) as [`parse`] does.
pub fn parse_from<I, T>(args: I) -> Cli
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    try_parse_from(args).unwrap_or_else(|e| exit_with(e))
}

/// Parse `args` (the program's name first); help and usage errors are returned, not printed.
pub fn try_parse_from<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    command()
        .try_get_matches_from(args)
        .and_then(|matches| Cli::from_arg_matches(&matches))
}

/// Print a clap error or help and exit as clap would, except that a value from the command line
/// quoted in an error (`invalid value '...'`) is shown with its control characters escaped.
fn exit_with(e: clap::Error) -> ! {
    if !e.use_stderr() {
        e.exit();
    }
    let text = e.render().to_string();
    let _ = std::io::Write::write_all(
        &mut std::io::stderr(),
        crate::escape::message(&text).as_bytes(),
    );
    std::process::exit(e.exit_code());
}

#[cfg(test)]
mod tests {
    #[test]
    fn clap_definition_is_consistent() {
        super::command().debug_assert();
    }

    #[test]
    fn help_carries_every_meaning() {
        let help = super::reasons_help();
        for r in crate::config::builtin_taxonomy().reasons {
            assert!(help.contains(&r.meaning), "{}", r.id);
        }
    }
}
