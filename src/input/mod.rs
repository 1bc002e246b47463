//! Loading an export: read a CSV file with a header row, find the reason column(s), and keep just
//! those columns in a polars [`DataFrame`]. Parse errors name the file, the line and the column.

pub mod columns;

use std::path::Path;

use anyhow::{bail, Context, Result};
use polars::prelude::{DataFrame, IntoColumn, PlSmallStr, StringChunked, StringChunkedBuilder};

use crate::classify::Classifier;
use crate::taxonomy::Taxonomy;
pub use columns::{squash, Chosen, ColumnError};

/// Frame column holding the free-text answers.
pub const TEXT: &str = "text";
/// Frame column holding the coded answers.
pub const CODE: &str = "code";

/// How many rows are looked at to recognise a coded column by its values.
const SAMPLE_ROWS: usize = 1000;

/// What the user said about columns.
#[derive(Debug, Clone, Default)]
pub struct ColumnOptions {
    pub reason_col: Option<String>,
    pub code_col: Option<String>,
}

/// One loaded export.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as the user gave it.
    pub path: String,
    /// Header of the free-text reason column, if one is read.
    pub text_column: Option<String>,
    /// Header of the coded reason column, if one is read.
    pub code_column: Option<String>,
    /// The data rows: a `text` and/or a `code` string column, one row per record.
    pub frame: DataFrame,
}

impl Loaded {
    /// Number of data rows read.
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    fn strings(&self, name: &str) -> Option<&StringChunked> {
        self.frame.column(name).ok().and_then(|c| c.str().ok())
    }

    /// The free-text answers, if a text column was read.
    pub fn text(&self) -> Option<&StringChunked> {
        self.strings(TEXT)
    }

    /// The coded answers, if a code column was read.
    pub fn codes(&self) -> Option<&StringChunked> {
        self.strings(CODE)
    }

    /// Each row's `(text, code)`; `None` for a blank cell or a column that was not read.
    pub fn answers(&self) -> impl Iterator<Item = (Option<&str>, Option<&str>)> {
        let n = self.rows();
        cells(self.text(), n).zip(cells(self.codes(), n))
    }
}

/// The cells of a string column, or `n` blanks when the column was not read.
fn cells(column: Option<&StringChunked>, n: usize) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
    match column {
        Some(ca) => Box::new(ca.iter()),
        None => Box::new(std::iter::repeat_n(None, n)),
    }
}

/// Read `path`, choose its reason column(s) and load them.
pub fn load(
    path: &str,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    let p = Path::new(path);
    if p.is_dir() {
        bail!("`{path}` is a directory; give a CSV file");
    }
    let bytes = std::fs::read(p).with_context(|| format!("cannot read `{path}`"))?;
    parse(path, &bytes, options, taxonomy, classifier)
        .with_context(|| format!("failed to load `{path}`"))
}

fn field_str<'a>(record: &'a csv::ByteRecord, i: usize, header: &str) -> Result<&'a str> {
    let raw = record.get(i).unwrap_or_default();
    std::str::from_utf8(raw).map_err(|e| {
        let line = record.position().map_or(0, |p| p.line());
        anyhow::anyhow!(
            "line {line}, column `{header}`: not valid UTF-8 (at byte {} of the field); \
             re-save the file as UTF-8",
            e.valid_up_to()
        )
    })
}

fn csv_error(err: csv::Error) -> anyhow::Error {
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map_or(0, |p| p.line());
            anyhow::anyhow!(
                "line {line}: expected {expected_len} fields (as in the header), found {len}; \
                 an answer containing the delimiter or a line break must be quoted"
            )
        }
        _ => anyhow::Error::new(err),
    }
}

/// Parse CSV bytes (the file at `path`) into a [`Loaded`].
pub fn parse(
    path: &str,
    bytes: &[u8],
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        bail!("the file is empty; expected a header row and one row per response");
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let header_record = reader.byte_headers().map_err(csv_error)?.clone();
    let mut headers = Vec::with_capacity(header_record.len());
    for (i, raw) in header_record.iter().enumerate() {
        let name = std::str::from_utf8(raw).map_err(|_| {
            anyhow::anyhow!(
                "line 1, column {}: header is not valid UTF-8; re-save the file as UTF-8",
                i + 1
            )
        })?;
        headers.push(name.trim().to_string());
    }

    let mut sample = Vec::new();
    let mut record = csv::ByteRecord::new();
    while sample.len() < SAMPLE_ROWS && reader.read_byte_record(&mut record).map_err(csv_error)? {
        sample.push(record.clone());
    }
    if sample.is_empty() {
        bail!("the file has a header but no data rows");
    }

    let values = |i: usize| -> Vec<String> {
        sample
            .iter()
            .filter_map(|r| r.get(i))
            .map(|v| String::from_utf8_lossy(v).into_owned())
            .collect()
    };
    let code_headers: Vec<String> = taxonomy
        .code_maps
        .iter()
        .flat_map(|m| m.headers.iter().cloned())
        .collect();
    let chosen = columns::choose(
        &headers,
        &values,
        classifier,
        &code_headers,
        options.reason_col.as_deref(),
        options.code_col.as_deref(),
    )?;

    let mut text = chosen.text.map(|i| {
        (
            i,
            StringChunkedBuilder::new(PlSmallStr::from_static(TEXT), sample.len()),
        )
    });
    let mut code = chosen.code.map(|i| {
        (
            i,
            StringChunkedBuilder::new(PlSmallStr::from_static(CODE), sample.len()),
        )
    });
    let mut push = |record: &csv::ByteRecord| -> Result<()> {
        for (i, builder) in [text.as_mut(), code.as_mut()].into_iter().flatten() {
            let value = field_str(record, *i, &headers[*i])?;
            if value.trim().is_empty() {
                builder.append_null();
            } else {
                builder.append_value(value);
            }
        }
        Ok(())
    };
    for r in &sample {
        push(r)?;
    }
    let mut rows = sample.len();
    while reader.read_byte_record(&mut record).map_err(csv_error)? {
        push(&record)?;
        rows += 1;
    }

    let columns = [text, code]
        .into_iter()
        .flatten()
        .map(|(_, b)| b.finish().into_column())
        .collect();
    let frame = DataFrame::new(rows, columns)?;
    Ok(Loaded {
        path: path.to_string(),
        text_column: chosen.text.map(|i| headers[i].clone()),
        code_column: chosen.code.map(|i| headers[i].clone()),
        frame,
    })
}
