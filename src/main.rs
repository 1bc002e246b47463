//! The `churn` binary: parse arguments, run, print any error, exit with a documented code.

use std::process::ExitCode;

use churn_attribution::{cli, exit_code, run};

fn main() -> ExitCode {
    ExitCode::from(exit_code(run(cli::parse())))
}
