//! `churn tag` output: each input row with its tag, as CSV (through the spreadsheet guard),
//! JSON Lines, or a frame for Parquet ([`super::parquet`]). Rows are rendered on any thread
//! and written in order.

use std::io::{self, Write};

use anyhow::Result;
use polars::prelude::{Column, DataFrame, IntoColumn, NewChunkedArray, PlSmallStr, StringChunked};
use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::spreadsheet::{write_row, writer as csv_writer};
use crate::input::{Line, Rendered};
use crate::render::TagFormat;
pub use crate::tagging::Status;
use crate::tagging::{tag_columns, RowTag, TagIds};

/// The columns `churn tag` adds, in order, and (with a model) each row's confidence (see the
/// docs/tag.md), blank for no answer, involuntary and rejected rows.
pub use crate::tagging::{
    COLUMNS as OUTPUT_COLUMNS, COMPETITOR as COMPETITOR_COLUMN, CONFIDENCE as CONFIDENCE_COLUMN,
};

/// The column added after [`OUTPUT_COLUMNS`] when several files were read: each row's file.
pub const FILE_COLUMN: &str = "churn_file";

/// One input row and its tag.
#[derive(Debug, Clone)]
pub struct TaggedRow<'a> {
    /// The file the row was read from, as given.
    pub file: &'a str,
    /// The file line the row starts on.
    pub line: Line,
    /// The row's cells, in header order.
    pub cells: &'a [&'a str],
    /// Reason ids in the order the answer states them; the first is the primary.
    pub reasons: &'a [&'a str],
    pub status: Status,
    /// Per reason, what tagged it: the matched words, `code:VALUE`, or `model`.
    pub evidence: &'a [String],
    /// The row's confidence, in [0, 1] (written only when the writer has the column).
    pub confidence: Option<f32>,
    /// The primary reason's sub-reason, if the row has one.
    pub sub_reason: Option<&'a str>,
    /// The competitor the answer names (written only when the writer has the column).
    pub competitor: Option<&'a str>,
}

/// Which columns a writer adds besides [`OUTPUT_COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// [`COMPETITOR_COLUMN`] (with `[competitors]`).
    pub competitor: bool,
    /// [`CONFIDENCE_COLUMN`] (when a model is in use).
    pub confidence: bool,
    /// [`FILE_COLUMN`] in CSV (when several files were read; JSON lines always name the file).
    pub several: bool,
}

/// How tagged rows are written: the format, the columns added, and the input columns' keys in
/// JSON. Made once; rows are written with it on any thread.
#[derive(Debug, Clone)]
pub struct Layout {
    format: TagFormat,
    extra: Extra,
    /// Header names made unique, for JSON keys.
    keys: Vec<String>,
}

impl Layout {
    pub fn new(format: TagFormat, headers: &[String], extra: Extra) -> Layout {
        Layout {
            format,
            extra,
            keys: match format {
                TagFormat::Csv => Vec::new(),
                TagFormat::Jsonl | TagFormat::Parquet => unique_keys(headers),
            },
        }
    }

    /// Whether rows are rendered as a frame ([`Layout::frame`]), not as bytes.
    pub fn is_frame(&self) -> bool {
        self.format == TagFormat::Parquet
    }

    /// Rows as a frame: the input `columns` (cells in header order, column by column), the
    /// columns of the rows' `tags`, and each row's file when several files were read.
    pub fn frame(
        &self,
        columns: &[Vec<&str>],
        tags: &[RowTag],
        files: &[&str],
        ids: &TagIds<'_>,
    ) -> Result<DataFrame> {
        let Extra {
            confidence,
            several,
            ..
        } = self.extra;
        let mut all: Vec<Column> = (self.keys.iter().zip(columns))
            .map(|(key, cells)| {
                StringChunked::from_iter_values(
                    PlSmallStr::from(key.as_str()),
                    cells.iter().copied(),
                )
                .into_column()
            })
            .collect();
        all.extend(tag_columns(tags, ids, confidence));
        if several {
            all.push(
                StringChunked::from_iter_values(
                    PlSmallStr::from(FILE_COLUMN),
                    files.iter().copied(),
                )
                .into_column(),
            );
        }
        Ok(DataFrame::new(tags.len(), all)?)
    }

    /// What comes before the rows: the CSV header (nothing in JSON Lines).
    pub fn header(&self, headers: &[String], out: &mut dyn Write) -> io::Result<()> {
        if self.format != TagFormat::Csv {
            return Ok(());
        }
        let Extra {
            competitor,
            confidence,
            several,
        } = self.extra;
        let mut w = csv_writer(out);
        write_row(
            &mut w,
            headers
                .iter()
                .map(String::as_str)
                .chain(OUTPUT_COLUMNS.iter().copied())
                .chain(competitor.then_some(COMPETITOR_COLUMN))
                .chain(confidence.then_some(CONFIDENCE_COLUMN))
                .chain(several.then_some(FILE_COLUMN)),
        )?;
        w.flush()
    }

    /// A writer of rows into `out`.
    pub fn rows<'o>(&'o self, out: &'o mut Rendered) -> RowWriter<'o> {
        let to = match self.format {
            TagFormat::Csv => To::Csv(Box::new(csv_writer(out))),
            // A frame's rows are not written one by one: see `Layout::frame`.
            TagFormat::Jsonl | TagFormat::Parquet => To::Json(out),
        };
        RowWriter {
            layout: self,
            to,
            buffers: Default::default(),
            json: Vec::new(),
        }
    }
}

/// Writes tagged rows as the layout says.
pub struct RowWriter<'o> {
    layout: &'o Layout,
    to: To<'o>,
    /// The joined reasons, evidence and the confidence, reused row after row.
    buffers: [String; 3],
    /// A JSON line after its line number, reused.
    json: Vec<u8>,
}

enum To<'o> {
    Csv(Box<csv::Writer<&'o mut Rendered>>),
    Json(&'o mut Rendered),
}

/// `c` with three decimals, as `{c:.3}` writes it, into `buf`. Without a tie (`c` is a float,
/// so a thousand times it is exact in an `f64`), rounding to the nearest thousandth needs no
/// exact decimal expansion, which costs more than the rest of a row.
fn three_decimals(buf: &mut String, c: f32) {
    use std::fmt::Write as _;
    let thousandths = f64::from(c) * 1000.0;
    if c.is_finite() && c >= 0.0 && thousandths < 1e12 && thousandths.fract() != 0.5 {
        let n = thousandths.round() as u64;
        let _ = write!(buf, "{}.{:03}", n / 1000, n % 1000);
    } else {
        let _ = write!(buf, "{c:.3}");
    }
}

/// `parts` joined with `|` into `buf`.
fn join_into<S: AsRef<str>>(buf: &mut String, parts: &[S]) {
    buf.clear();
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            buf.push('|');
        }
        buf.push_str(p.as_ref());
    }
}

impl RowWriter<'_> {
    pub fn row(&mut self, row: &TaggedRow) -> io::Result<()> {
        match &mut self.to {
            To::Csv(w) => {
                let Extra {
                    competitor,
                    confidence,
                    several,
                } = self.layout.extra;
                let primary = row.reasons.first().copied().unwrap_or("");
                let [reasons, evidence, shown] = &mut self.buffers;
                join_into(reasons, row.reasons);
                join_into(evidence, row.evidence);
                shown.clear();
                if let Some(c) = row.confidence {
                    three_decimals(shown, c);
                }
                write_row(
                    w,
                    row.cells
                        .iter()
                        .copied()
                        .chain([primary, reasons, row.status.as_str(), evidence])
                        .chain([row.sub_reason.unwrap_or("")])
                        .chain(competitor.then_some(row.competitor.unwrap_or("")))
                        .chain(confidence.then_some(shown.as_str()))
                        .chain(several.then_some(row.file)),
                )?;
                Ok(())
            }
            To::Json(out) => write_json(
                out,
                &mut self.json,
                &self.layout.keys,
                self.layout.extra,
                row,
            ),
        }
    }

    pub fn finish(self) -> io::Result<()> {
        match self.to {
            To::Csv(mut w) => w.flush(),
            To::Json(_) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn three_decimals_are_those_of_the_formatter() {
        let mut values: Vec<f32> = (0..=100_000).map(|i| i as f32 / 100_000.0).collect();
        values.extend([0.0625, 0.1875, 0.0005, 0.9995, 1.0, 0.000_499_9, 12.3456]);
        values.extend((0..=4096).map(|i| i as f32 / 4096.0));
        let mut buf = String::new();
        for c in values {
            buf.clear();
            super::three_decimals(&mut buf, c);
            assert_eq!(buf, format!("{c:.3}"), "{c}");
        }
    }
}

/// Header names made unique for JSON keys: a repeated `Comment` becomes `Comment (2)`.
fn unique_keys(headers: &[String]) -> Vec<String> {
    let mut keys: Vec<String> = Vec::with_capacity(headers.len());
    for h in headers {
        let mut key = h.clone();
        let mut n = 2;
        while keys.contains(&key) {
            key = format!("{h} ({n})");
            n += 1;
        }
        keys.push(key);
    }
    keys
}

/// The input columns as a JSON object in header order.
struct Columns<'a> {
    keys: &'a [String],
    cells: &'a [&'a str],
}

impl Serialize for Columns<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.keys.len()))?;
        for (k, v) in self.keys.iter().zip(self.cells) {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

/// One JSON line (docs/schema/tag.v1.json) after its `file` and `line`, which come first.
#[derive(Serialize)]
struct Rest<'a> {
    columns: Columns<'a>,
    churn_reason: Option<&'a str>,
    churn_reasons: &'a [&'a str],
    churn_status: Status,
    churn_evidence: &'a [String],
    churn_sub_reason: Option<&'a str>,
    /// Absent without `[competitors]`; `null` for a row naming none.
    #[serde(skip_serializing_if = "Option::is_none")]
    churn_competitor: Option<Option<&'a str>>,
    /// Absent without a model; `null` for a row without a confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    churn_confidence: Option<Option<f64>>,
}

/// Write one JSON line: `{"file":…,"line":N,` then the rest of the object (`rest` is a
/// buffer). The line number is put in when the rows are written in order.
fn write_json(
    out: &mut Rendered,
    rest: &mut Vec<u8>,
    keys: &[String],
    extra: Extra,
    row: &TaggedRow,
) -> io::Result<()> {
    rest.clear();
    serde_json::to_writer(
        &mut *rest,
        &Rest {
            columns: Columns {
                keys,
                cells: row.cells,
            },
            churn_reason: row.reasons.first().copied(),
            churn_reasons: row.reasons,
            churn_status: row.status,
            churn_evidence: row.evidence,
            churn_sub_reason: row.sub_reason,
            churn_competitor: extra.competitor.then_some(row.competitor),
            churn_confidence: extra.confidence.then(|| {
                row.confidence
                    .map(|c| (f64::from(c) * 1000.0).round() / 1000.0)
            }),
        },
    )?;
    out.write_all(b"{\"file\":")?;
    serde_json::to_writer(&mut *out, row.file)?;
    out.write_all(b",\"line\":")?;
    out.line(row.line);
    out.write_all(b",")?;
    // `rest` is an object: its opening brace is this line's.
    out.write_all(&rest[1..])?;
    out.write_all(b"\n")
}
