//! Loading an export: read a CSV file with a header row, find the reason column(s), and keep just
//! those columns in a polars [`DataFrame`]. Parse errors name the file, the line and the column.

pub mod columns;
pub mod values;

use std::path::Path;

use anyhow::{bail, Context, Result};
use polars::prelude::{DataFrame, IntoColumn, PlSmallStr, StringChunked, StringChunkedBuilder};

use crate::classify::Classifier;
use crate::taxonomy::Taxonomy;
pub use columns::{squash, Chosen, ColumnError};

/// Frame column holding the free-text answers.
pub const TEXT: &str = "text";

/// Frame column holding the `i`th coded column.
fn code_name(i: usize) -> String {
    format!("code_{i}")
}

/// Frame column holding the `i`th extra column.
fn extra_name(i: usize) -> String {
    format!("extra_{i}")
}

/// Frame column holding the `i`th column of the file as read (with `keep_all`).
fn all_name(i: usize) -> String {
    format!("all_{i}")
}

/// How many rows are looked at to recognise a coded column by its values.
const SAMPLE_ROWS: usize = 1000;

/// What the user said about columns.
#[derive(Debug, Clone, Default)]
pub struct ColumnOptions {
    pub reason_col: Option<String>,
    pub code_cols: Vec<String>,
    /// Further columns to load as they are, with the flag that named them (`--truth-col`).
    pub extra: Vec<(&'static str, String)>,
    /// Find a date column by its header and load it after the extra columns.
    pub find_date: bool,
    /// Find a response or customer id column by its header (`--id-col` names one through
    /// `extra`), and load it last; no error when there is none.
    pub find_id: bool,
    /// Also keep every column as read, untrimmed, for `churn tag` to write back.
    pub keep_all: bool,
}

/// One row: its free-text answer and its coded values (`None` for a blank cell).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row<'a> {
    pub text: Option<&'a str>,
    pub codes: Vec<Option<&'a str>>,
}

/// One loaded export.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as the user gave it.
    pub path: String,
    /// Header of the free-text reason column, if one is read.
    pub text_column: Option<String>,
    /// Headers of the coded columns read, left to right.
    pub code_columns: Vec<String>,
    /// Headers of the extra columns, in the order asked for.
    pub extra_columns: Vec<String>,
    /// Header of the id column found by `find_id`; its cells are the last extra column.
    pub id_column: Option<String>,
    /// Every header of the file, trimmed, left to right.
    pub headers: Vec<String>,
    /// The data rows: `text`, `code_0..`, `extra_0..` string columns, one row per record.
    pub frame: DataFrame,
    /// The file line each row starts on (1-based), for messages about a row.
    pub lines: Vec<u64>,
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

    /// The `i`th extra column.
    pub fn extra(&self, i: usize) -> Option<&StringChunked> {
        self.strings(&extra_name(i))
    }

    /// Column `i` of the file exactly as read (kept with `keep_all`).
    pub fn original(&self, i: usize) -> Option<&StringChunked> {
        self.strings(&all_name(i))
    }

    /// The cells of the id column found by `find_id`, if there is one.
    pub fn id_cells(&self) -> Option<Vec<Option<&str>>> {
        self.id_column.as_ref()?;
        Some(self.extra_cells(self.extra_columns.len() - 1))
    }

    /// Non-blank cells in the free-text column (if read) and in each coded column.
    pub fn filled(&self) -> (Option<usize>, Vec<usize>) {
        let count = |c: &StringChunked| c.len() - c.null_count();
        let text = self.text().map(count);
        let codes = (0..self.code_columns.len())
            .map(|k| self.strings(&code_name(k)).map_or(0, count))
            .collect();
        (text, codes)
    }

    /// The cells of the `i`th extra column (`None` for blanks).
    pub fn extra_cells(&self, i: usize) -> Vec<Option<&str>> {
        cells(self.extra(i), self.rows()).collect()
    }

    /// Each row's text and codes.
    pub fn answers(&self) -> impl Iterator<Item = Row<'_>> {
        let n = self.rows();
        let codes: Vec<&StringChunked> = (0..self.code_columns.len())
            .filter_map(|i| self.strings(&code_name(i)))
            .collect();
        let mut code_iters: Vec<_> = codes.iter().map(|c| c.iter()).collect();
        cells(self.text(), n).map(move |text| Row {
            text,
            codes: code_iters
                .iter_mut()
                .map(|it| it.next().flatten())
                .collect(),
        })
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

/// The file line a record starts on. With CRLF line ends the csv crate places a record's start
/// on the `\n` of the previous line end, one line early; step over it.
fn line_of(record: &csv::ByteRecord, bytes: &[u8]) -> u64 {
    record.position().map_or(0, |p| {
        let early = bytes.get(p.byte() as usize) == Some(&b'\n');
        p.line() + u64::from(early)
    })
}

fn field_str<'a>(
    record: &'a csv::ByteRecord,
    bytes: &[u8],
    i: usize,
    header: &str,
) -> Result<&'a str> {
    let raw = record.get(i).unwrap_or_default();
    std::str::from_utf8(raw).map_err(|e| {
        let line = line_of(record, bytes);
        anyhow::anyhow!(
            "line {line}, column `{header}`: not valid UTF-8 (at byte {} of the field); \
             re-save the file as UTF-8",
            e.valid_up_to()
        )
    })
}

fn csv_error(err: csv::Error, bytes: &[u8]) -> anyhow::Error {
    match err.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let line = pos.as_ref().map_or(0, |p| {
                p.line() + u64::from(bytes.get(p.byte() as usize) == Some(&b'\n'))
            });
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
    let header_record = reader
        .byte_headers()
        .map_err(|e| csv_error(e, bytes))?
        .clone();
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
    while sample.len() < SAMPLE_ROWS
        && reader
            .read_byte_record(&mut record)
            .map_err(|e| csv_error(e, bytes))?
    {
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
    let chosen = columns::choose(
        &headers,
        &values,
        classifier,
        &taxonomy.code_maps,
        options.reason_col.as_deref(),
        &options.code_cols,
    )?;
    let mut extra = Vec::new();
    for (flag, name) in &options.extra {
        extra.push(columns::named(&headers, flag, name)?);
    }
    if options.find_date {
        extra.push(columns::date_column(&headers)?);
    }
    let id_column = if options.find_id {
        columns::id_column(&headers)
    } else {
        None
    };
    extra.extend(id_column);

    let builder = |name: String| StringChunkedBuilder::new(PlSmallStr::from(name), sample.len());
    let mut columns: Vec<(usize, StringChunkedBuilder)> = Vec::new();
    if let Some(i) = chosen.text {
        columns.push((i, builder(TEXT.to_string())));
    }
    for (k, &i) in chosen.codes.iter().enumerate() {
        columns.push((i, builder(code_name(k))));
    }
    for (k, &i) in extra.iter().enumerate() {
        columns.push((i, builder(extra_name(k))));
    }
    let kept = columns.len();
    if options.keep_all {
        for i in 0..headers.len() {
            columns.push((i, builder(all_name(i))));
        }
    }
    let mut push = |record: &csv::ByteRecord| -> Result<()> {
        for (k, (i, builder)) in columns.iter_mut().enumerate() {
            let value = field_str(record, bytes, *i, &headers[*i])?;
            if k >= kept {
                builder.append_value(value);
            } else if value.trim().is_empty() {
                builder.append_null();
            } else {
                builder.append_value(value);
            }
        }
        Ok(())
    };
    let mut lines = Vec::with_capacity(sample.len());
    for r in &sample {
        push(r)?;
        lines.push(line_of(r, bytes));
    }
    let mut rows = sample.len();
    while reader
        .read_byte_record(&mut record)
        .map_err(|e| csv_error(e, bytes))?
    {
        push(&record)?;
        lines.push(line_of(&record, bytes));
        rows += 1;
    }

    let columns = columns
        .into_iter()
        .map(|(_, b)| b.finish().into_column())
        .collect();
    let frame = DataFrame::new(rows, columns)?;
    Ok(Loaded {
        path: path.to_string(),
        text_column: chosen.text.map(|i| headers[i].clone()),
        code_columns: chosen.codes.iter().map(|&i| headers[i].clone()).collect(),
        extra_columns: extra.iter().map(|&i| headers[i].clone()).collect(),
        id_column: id_column.map(|i| headers[i].clone()),
        headers,
        frame,
        lines,
    })
}
