//! Every command-line flag in one place. Doc comments are the help text.

use clap::{Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};

use crate::render::Format;
use crate::taxonomy::Taxonomy;

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
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Tag every departure in an export with a reason and compare the shares with a benchmark.
    ///
    /// Each row ends as exactly one of: tagged (a reason), unclassified (an answer no rule
    /// matched), no answer (blank, "n/a", "-", "prefer not to say", ...) or rejected (a row that
    /// could not be read). Shares are of tagged rows; the others are counted beside them.
    Analyze(AnalyzeArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// CSV export with a header row.
    #[arg(value_name = "FILE")]
    pub file: String,

    /// The free-text reason column. Default: found by header (reason, churn reason,
    /// cancellation reason, exit reason, "Why did you leave/cancel ...", feedback, comment).
    #[arg(long, value_name = "NAME")]
    pub reason_col: Option<String>,

    /// A column of coded reasons, such as Stripe's `cancellation_details.feedback`. Default:
    /// found by header or by its values.
    #[arg(long, value_name = "NAME")]
    pub code_col: Option<String>,

    /// Output format.
    #[arg(long, short, value_enum, default_value_t = Format::Table)]
    pub format: Format,

    /// Benchmark set to compare with.
    #[arg(long, value_name = "NAME", default_value = "kennedy",
          value_parser = clap::builder::PossibleValuesParser::new(
              crate::compare::BENCHMARKS.iter().map(|b| b.name)))]
    pub benchmark: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// The reasons of the built-in taxonomy and what they mean, for `--help`.
pub fn reasons_help() -> String {
    let taxonomy = Taxonomy::builtin();
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
        "\nExit codes: 0 success, 1 a check failed, 2 usage or input error.\n\
         Stripe codes: customer_service -> indifference; low_quality, missing_features,\n\
         too_complex, too_expensive -> dissatisfaction; switched_service -> better_product;\n\
         unused -> moved; other -> the free text decides.",
    );
    s
}

/// The clap command, with the taxonomy's meanings added to the long help.
pub fn command() -> clap::Command {
    let reasons = reasons_help();
    Cli::command()
        .after_long_help(reasons.clone())
        .mut_subcommand("analyze", |c| c.after_long_help(reasons))
}

/// Parse the process arguments; prints help or a usage error and exits (2) as clap does.
pub fn parse() -> Cli {
    let matches = command().get_matches();
    Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
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
        for r in crate::taxonomy::Taxonomy::builtin().reasons {
            assert!(help.contains(&r.meaning), "{}", r.id);
        }
    }
}
