//! One module per subcommand.

pub mod analyze;
pub mod benchmarks;
pub mod check;
pub mod compare;
pub mod evaluate;
pub mod explain;
pub mod tag;
pub mod taxonomy;

use anyhow::Result;

use crate::classify::Classifier;
use crate::cli::InputArgs;
use crate::input::{self, ColumnOptions, Loaded};
use crate::taxonomy::Taxonomy;

/// Load the exports a command was given, and say the loader's notes on stderr.
pub fn load(
    files: &[String],
    input: &InputArgs,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    let loaded = input::load(files, &input.options(), options, taxonomy, classifier)?;
    loaded.say_notes();
    Ok(loaded)
}
