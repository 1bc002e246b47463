//! Rendering a [`Report`]: one renderer per output format behind one trait. Renderers only
//! format; every number they show is already in the report.

pub mod benchmarks;
pub mod comparison;
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

/// A comfy table in the house style (rounded UTF-8 frame), without color or terminal sizing.
pub fn plain_table() -> comfy_table::Table {
    let mut t = comfy_table::Table::new();
    t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
        .apply_modifier(comfy_table::modifiers::UTF8_ROUND_CORNERS)
        .force_no_tty();
    t
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
