//! The `churn` binary: parse arguments, run, print any error, exit with a documented code.

use std::process::ExitCode;

use churn_attribution::{cli, diag, is_broken_pipe, run, Exit};

fn main() -> ExitCode {
    let args = cli::parse();
    match run(args) {
        Ok(exit) => ExitCode::from(exit as u8),
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            diag::error(format_args!("{err:#}"));
            ExitCode::from(Exit::Error as u8)
        }
    }
}
