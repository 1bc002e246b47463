//! `churn report`: the analysis of `churn analyze`, written as one self-contained HTML page.

use std::io::Write;

use anyhow::Result;

use crate::cli::ReportArgs;
use crate::config::Config;
use crate::render::{html::Html, Render};

/// Run `churn report`, writing the page to `out`.
pub fn run(args: &ReportArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let report = super::analyze::checked_report(&args.export, &args.analysis, config)?;
    Html.render(&report, out)?;
    Ok(())
}
