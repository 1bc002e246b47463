//! `churn tag` output: each input row with its tag, as CSV (through the spreadsheet guard) or
//! JSON Lines. Rows are written as they come.

use std::io::{self, Write};

use serde::ser::{SerializeMap, Serializer};
use serde::Serialize;

use super::spreadsheet::{write_row, writer as csv_writer};
use crate::render::TagFormat;

/// The columns `churn tag` adds, in order.
pub const OUTPUT_COLUMNS: [&str; 4] = [
    "churn_reason",
    "churn_reasons",
    "churn_status",
    "churn_evidence",
];

/// The column added after [`OUTPUT_COLUMNS`] when a model is in use: each row's confidence
/// (see docs/reasons.md), blank for no answer, involuntary and rejected rows.
pub const CONFIDENCE_COLUMN: &str = "churn_confidence";

/// The column added after [`OUTPUT_COLUMNS`] when several files were read: each row's file.
pub const FILE_COLUMN: &str = "churn_file";

/// Where a row ended up (`analyze` counts the same five).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Tagged,
    Unclassified,
    NoAnswer,
    Involuntary,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Tagged => "tagged",
            Status::Unclassified => "unclassified",
            Status::NoAnswer => "no_answer",
            Status::Involuntary => "involuntary",
            Status::Rejected => "rejected",
        }
    }
}

/// One input row and its tag.
#[derive(Debug, Clone)]
pub struct TaggedRow<'a> {
    /// The file the row was read from, as given.
    pub file: &'a str,
    /// The file line the row starts on.
    pub line: u64,
    /// The row's cells, in header order.
    pub cells: Vec<&'a str>,
    /// Reason ids in the order the answer states them; the first is the primary.
    pub reasons: Vec<&'a str>,
    pub status: Status,
    /// Per reason, what tagged it: the matched words, `code:VALUE`, or `model`.
    pub evidence: Vec<String>,
    /// The row's confidence, in [0, 1] (written only when the writer has the column).
    pub confidence: Option<f32>,
}

/// Writes tagged rows in one format.
pub trait RowWriter {
    fn row(&mut self, row: &TaggedRow) -> io::Result<()>;
    fn finish(&mut self) -> io::Result<()>;
}

/// Which columns a writer adds besides [`OUTPUT_COLUMNS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Extra {
    /// [`CONFIDENCE_COLUMN`] (when a model is in use).
    pub confidence: bool,
    /// [`FILE_COLUMN`] in CSV (when several files were read; JSON lines always name the file).
    pub several: bool,
}

/// A confidence as written: three decimals, blank for none.
fn shown_confidence(c: Option<f32>) -> String {
    c.map(|c| format!("{c:.3}")).unwrap_or_default()
}

/// A writer for `format`; the CSV header is written at once.
pub fn writer<'w>(
    format: TagFormat,
    headers: &[String],
    extra: Extra,
    out: &'w mut dyn Write,
) -> io::Result<Box<dyn RowWriter + 'w>> {
    let Extra {
        confidence,
        several,
    } = extra;
    Ok(match format {
        TagFormat::Csv => {
            let mut w = csv_writer(out);
            write_row(
                &mut w,
                headers
                    .iter()
                    .map(String::as_str)
                    .chain(OUTPUT_COLUMNS.iter().copied())
                    .chain(confidence.then_some(CONFIDENCE_COLUMN))
                    .chain(several.then_some(FILE_COLUMN)),
            )?;
            Box::new(CsvRows {
                w,
                several,
                confidence,
            })
        }
        TagFormat::Jsonl => Box::new(JsonRows {
            keys: unique_keys(headers),
            confidence,
            out,
        }),
    })
}

struct CsvRows<'w> {
    w: csv::Writer<&'w mut dyn Write>,
    several: bool,
    confidence: bool,
}

impl RowWriter for CsvRows<'_> {
    fn row(&mut self, row: &TaggedRow) -> io::Result<()> {
        let primary = row.reasons.first().copied().unwrap_or("");
        let reasons = row.reasons.join("|");
        let evidence = row.evidence.join("|");
        let confidence = shown_confidence(row.confidence);
        write_row(
            &mut self.w,
            row.cells
                .iter()
                .copied()
                .chain([primary, &reasons, row.status.as_str(), &evidence])
                .chain(self.confidence.then_some(confidence.as_str()))
                .chain(self.several.then_some(row.file)),
        )?;
        Ok(())
    }

    fn finish(&mut self) -> io::Result<()> {
        self.w.flush()
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

struct JsonRows<'w> {
    keys: Vec<String>,
    confidence: bool,
    out: &'w mut dyn Write,
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

/// One JSON line (docs/schema/tag.v1.json).
#[derive(Serialize)]
struct Line<'a> {
    file: &'a str,
    line: u64,
    columns: Columns<'a>,
    churn_reason: Option<&'a str>,
    churn_reasons: &'a [&'a str],
    churn_status: Status,
    churn_evidence: &'a [String],
    /// Absent without a model; `null` for a row without a confidence.
    #[serde(skip_serializing_if = "Option::is_none")]
    churn_confidence: Option<Option<f64>>,
}

impl RowWriter for JsonRows<'_> {
    fn row(&mut self, row: &TaggedRow) -> io::Result<()> {
        let line = Line {
            file: row.file,
            line: row.line,
            columns: Columns {
                keys: &self.keys,
                cells: &row.cells,
            },
            churn_reason: row.reasons.first().copied(),
            churn_reasons: &row.reasons,
            churn_status: row.status,
            churn_evidence: &row.evidence,
            churn_confidence: self.confidence.then(|| {
                row.confidence
                    .map(|c| (f64::from(c) * 1000.0).round() / 1000.0)
            }),
        };
        serde_json::to_writer(&mut *self.out, &line)?;
        writeln!(self.out)
    }

    fn finish(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
