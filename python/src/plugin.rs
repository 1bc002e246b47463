//! The polars expression plugin: `pl.col("answer").churn.tag(...)`. polars calls it on its own
//! threads, on whole columns or, in streaming queries, on each morsel; its keyword arguments
//! name the configuration, compiled once per process. When polars says it is already spreading
//! the work over its threads, the rows are tagged on the calling thread; otherwise (one call on
//! a whole column) over threads of the tagger's own.

use polars::prelude::*;
use pyo3_polars::derive::{polars_expr, CallerContext};

use crate::tagger::{dtype, tagger, Source};

/// The plugin's output: the struct of [`crate::tagger::FIELDS`], named as its answers column.
fn tag_field(inputs: &[Field]) -> PolarsResult<Field> {
    let name = inputs
        .first()
        .map_or(PlSmallStr::from("churn"), |f| f.name.clone());
    Ok(Field::new(name, dtype()))
}

/// The answers (the first input) tagged, with the coded values of the inputs after them.
#[polars_expr(output_type_func=tag_field)]
fn tag(inputs: &[Series], context: CallerContext, kwargs: Source) -> PolarsResult<Series> {
    let failed = |e: anyhow::Error| polars_err!(ComputeError: "churn: {e:#}");
    let (text, codes) = inputs
        .split_first()
        .ok_or_else(|| polars_err!(ComputeError: "churn: no answers column"))?;
    let tagger = tagger(&kwargs).map_err(failed)?;
    (tagger.tag(text.name(), text, codes, !context.parallel())).map_err(failed)
}
