//! Rendering a [`Report`]: one renderer per output format behind one trait. Renderers only
//! format; every number they show is already in the report.

pub mod evaluation;
pub mod explanation;
mod json;
mod table;
pub mod taxonomy;

use std::io::{self, Write};

use crate::report::Report;

pub use json::Json;
pub use table::Table;

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// A table for people, with a summary and a headline.
    Table,
    /// Documented JSON (`schema_version` 1).
    Json,
}

/// Writes a report in one format.
pub trait Render {
    fn render(&self, report: &Report, out: &mut dyn Write) -> io::Result<()>;
}

/// The renderer for `format`. `color` applies to formats meant for a terminal.
pub fn renderer(format: Format, color: bool) -> Box<dyn Render> {
    match format {
        Format::Table => Box::new(Table { color }),
        Format::Json => Box::new(Json),
    }
}
