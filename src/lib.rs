//! `churn`: tells a business why its customers left.
//!
//! The data flows one way, and the crates and modules are named after the steps:
//! `input` (exports -> rows, crates/input) -> `classify` (answer -> reason, crates/core) ->
//! `attribute` (count every row) -> `compare` (shares against a benchmark) -> `report`
//! (crates/analysis) -> `render` (table, JSON, here).
//! `main.rs` only parses arguments and turns the result of [`run`] into an exit code.

// The stages, one crate each (crates/), with dependencies one way: core (taxonomy,
// configuration, classifier) <- input (exports to rows) <- analysis (counts, statistics,
// results); stats under analysis. Their modules are re-exported here under the names they
// have always had.
pub use churn_analysis::{
    analysis, attribute, calibration, changes, check, compare, discover, evaluation, explanation,
    question, quotes, report, rule_stats, tagging,
};
pub use churn_core::{
    benchmark, classify, config, escape, model, normalize, overrides, questions, taxonomy, text,
};
pub use churn_input as input;
pub use churn_stats as stats;
pub use churn_stats::metrics;

pub mod cli;
pub mod commands;
pub mod diag;
pub mod files;
pub mod output;
pub mod render;

use std::io::IsTerminal;

use anyhow::Context;

use cli::{Cli, ColorChoice, Command};

/// Exit codes, as documented in docs/output.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success.
    Success = 0,
    /// 1: a check failed.
    CheckFailed = 1,
    /// 2: usage or input error.
    Error = 2,
}

/// Whether to color output written to stdout.
fn use_color(choice: ColorChoice) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    }
}

/// Run a parsed command line. Output goes to stdout (or `--output`); errors are returned for
/// `main` to print.
pub fn run(cli: Cli) -> anyhow::Result<Exit> {
    if let Command::Tag(args) = &cli.command {
        diag::set_quiet(cli.quiet);
        // Written as it is made: its output is as large as its input.
        return tag(
            args,
            cli.output.as_deref(),
            &files::config(cli.config.as_deref())?,
        );
    }
    let color = cli.output.is_none() && use_color(cli.color);
    // Render into memory, then write once: a failure midway prints nothing partial.
    let (buffer, exit) = render(&cli, color)?;
    match &cli.output {
        Some(path) => output::to_file(path, &buffer).with_context(|| {
            format!(
                "cannot write --output `{}`",
                escape::shown(&path.to_string_lossy())
            )
        })?,
        None => output::to_stdout(&buffer)?,
    }
    Ok(exit)
}

/// The exit code of a run: a closed pipe on output is success, an error is printed.
pub fn exit_code(ran: anyhow::Result<Exit>) -> u8 {
    match ran {
        Ok(exit) => exit as u8,
        Err(err) if is_broken_pipe(&err) => Exit::Success as u8,
        Err(err) => {
            diag::error(format_args!("{err:#}"));
            Exit::Error as u8
        }
    }
}

/// What a command writes (`--output` aside), in memory, and how it ends. `churn tag`, which
/// [`run`] streams, is rendered whole here.
pub fn render(cli: &Cli, color: bool) -> anyhow::Result<(Vec<u8>, Exit)> {
    diag::set_quiet(cli.quiet);
    let mut buffer = Vec::new();
    let config_flag = cli.config.as_deref();
    let config = || files::config(config_flag);
    let passed = match &cli.command {
        Command::Analyze(args) => {
            commands::analyze::run(args, &config()?, color, &mut buffer)?;
            true
        }
        Command::Report(args) => {
            anyhow::ensure!(
                cli.output.is_some() || !std::io::stdout().is_terminal(),
                "`churn report` writes an HTML page: name its file with `-o report.html` (or pipe it)"
            );
            commands::report::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Check(args) => commands::check::run(args, &config()?, color, &mut buffer)?,
        Command::Tag(args) => {
            commands::tag::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Explain(args) => {
            commands::explain::run(args, &config()?, color, &mut buffer)?;
            true
        }
        Command::Evaluate(args) => commands::evaluate::run(args, &config()?, color, &mut buffer)?,
        Command::Train(args) => {
            anyhow::ensure!(
                cli.output.is_some(),
                "`churn train` writes a binary model: name its file with `-o model.bin`"
            );
            let mut summary: Vec<u8> = Vec::new();
            commands::train::run(args, &config()?, &mut buffer, &mut summary)?;
            if !cli.quiet {
                use std::io::Write;
                let _ = std::io::stderr().write_all(&summary);
            }
            true
        }
        Command::Compare(args) => {
            commands::compare::run(args, &config()?, color, &mut buffer)?;
            true
        }
        Command::Discover(args) => {
            commands::discover::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Overrides(cli::OverridesCommand::FromTagged(args)) => {
            commands::overrides::from_tagged(args, &config()?, &mut buffer)?;
            true
        }
        Command::Sample(args) => {
            commands::sample::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Question(args) => {
            commands::question::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Benchmarks(args) => {
            commands::benchmarks::run(args, &config()?, &mut buffer)?;
            true
        }
        Command::Taxonomy(command) => commands::taxonomy::run(command, config_flag, &mut buffer)?,
        Command::Completions { shell } => {
            clap_complete::generate(*shell, &mut cli::command(), "churn", &mut buffer);
            true
        }
        Command::Man => {
            clap_mangen::Man::new(cli::command()).render(&mut buffer)?;
            true
        }
    };
    if cli.command.writes_for_people() {
        if let std::borrow::Cow::Owned(safe) =
            escape::people_text(&String::from_utf8_lossy(&buffer))
        {
            buffer = safe.into_bytes();
        }
    }
    let exit = if passed {
        Exit::Success
    } else {
        Exit::CheckFailed
    };
    Ok((buffer, exit))
}

/// Run `churn tag`, its rows written to `--output` or stdout as they are tagged; a failure
/// midway leaves a replaced file as it was, and stdout with the rows written so far.
fn tag(
    args: &cli::TagArgs,
    output: Option<&std::path::Path>,
    config: &config::Config,
) -> anyhow::Result<Exit> {
    let what = || match output {
        Some(path) => format!(
            "cannot write --output `{}`",
            escape::shown(&path.to_string_lossy())
        ),
        None => "cannot write the rows to standard output".to_string(),
    };
    if args.format == render::TagFormat::Parquet
        && output.is_none()
        && std::io::stdout().is_terminal()
    {
        anyhow::bail!(
            "Parquet is binary, not for a terminal\n  help: give -o FILE.parquet, or redirect \
             standard output to a file"
        );
    }
    let mut out = output::streamed(output).with_context(what)?;
    let ran = commands::tag::run(args, config, &mut out);
    match ran {
        Err(e) if out.failed() => Err(e.context(what())),
        Err(e) => Err(e),
        Ok(()) => out.finish().with_context(what).map(|()| Exit::Success),
    }
}

/// Whether an error is a closed pipe on output (`churn analyze x.csv | head -1`), which ends the
/// program quietly with success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
