//! One source as a table: decoded and split into a header and records (CSV text with its
//! sniffed dialect, a workbook's sheet, a Parquet file's rows). Headers are trimmed, blank ones
//! named by position and repeated ones numbered.

use anyhow::{bail, Result};

use csv::StringRecord;

use super::decode::{self, Decoded};
use super::layout::{self, Layout, Wanted};
use super::parquet::ParquetFile;
use super::records::{parse, parse_records};
pub use super::records::{Fields, Record};
use super::sniff;
use super::source::{Format, Source};
use super::workbook;

/// How to read the sources.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// `--encoding`: decode every CSV as this instead of detecting.
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// `--delimiter`: split every CSV on this instead of sniffing.
    pub delimiter: Option<u8>,
    /// `--sheet`: the workbook sheet to read (default the first).
    pub sheet: Option<String>,
    /// `--skip-bad-rows`: count rows with the wrong number of fields as rejected.
    pub skip_bad_rows: bool,
    /// `--where`: keep the rows that pass every filter.
    pub filters: Vec<super::Filter>,
    /// Bytes per block when a file is streamed (default 1 MiB); `Some(0)` reads every file
    /// whole. Not a flag: tests and benchmarks set it (`CHURN_BLOCK_BYTES`) to compare the
    /// streamed and the whole-file readers.
    pub block_bytes: Option<usize>,
    /// Rows per chunk when a file is read whole (default 20,000 per core, at least 80,000;
    /// fewer for a wide file). Not a flag: tests set it (`CHURN_CHUNK_ROWS`) to cross chunks
    /// on small files.
    pub chunk_rows: Option<usize>,
    /// `--layout`: the survey tool's layout, detected by default.
    pub layout: Wanted,
    /// `--include-incomplete`: unfinished responses are answers too.
    pub include_incomplete: bool,
}

enum Body {
    /// CSV text and its delimiter.
    Text(String, u8),
    /// Rows already split (JSON, SPSS), with their row numbers.
    Rows(Vec<(u64, StringRecord)>),
    /// A Parquet file, its rows read as they are visited.
    Parquet(ParquetFile),
    /// A workbook's sheet, its rows built as they are visited.
    Sheet(workbook::Sheet),
}

/// A source, ready to be read record by record.
pub struct Table {
    pub name: String,
    /// "csv", "xlsx" (any workbook) or "parquet".
    pub format: &'static str,
    pub compression: Option<&'static str>,
    /// How a CSV was decoded.
    pub encoding: Option<&'static str>,
    pub bom: bool,
    pub delimiter: Option<u8>,
    /// The workbook sheet read.
    pub sheet: Option<String>,
    /// Trimmed, unique header names, left to right.
    pub headers: Vec<String>,
    /// Headers renamed to be unique or to name a blank: (as read, as named).
    pub renamed: Vec<(String, String)>,
    /// Notes for stderr (a guessed encoding).
    pub notes: Vec<String>,
    /// "line" for CSV (a record's first line in the file), "row" for a sheet or Parquet.
    pub unit: &'static str,
    /// The survey tool's layout.
    pub layout: Layout,
    /// Header rows after the first, skipped by [`Table::records`].
    pub extra_rows: usize,
    /// Per column, the question it answers when the export carries it apart from the header
    /// (Qualtrics' second row).
    pub questions: Vec<Option<String>>,
    body: Body,
}

/// Trim header names; name blanks `column N`; number repeats `Name (2)`: the smallest number
/// from 2 up that makes a name not yet taken (a literal `a (2)` taken earlier pushes a repeated
/// `a` to `a (3)`). Names taken are kept in a set and, per repeated name, the number last given
/// (the smallest free one can only grow): scanning the names so far, number by number, made
/// 4,000 headers named `a` take 20 s.
fn unique_headers(raw: &[String]) -> (Vec<String>, Vec<(String, String)>) {
    let mut out: Vec<String> = Vec::with_capacity(raw.len());
    let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
    let mut last_number: std::collections::HashMap<String, usize> =
        std::collections::HashMap::new();
    let mut renamed = Vec::new();
    for (i, h) in raw.iter().enumerate() {
        let trimmed = h.trim();
        let mut name = if trimmed.is_empty() {
            format!("column {}", i + 1)
        } else {
            trimmed.to_string()
        };
        if taken.contains(&name) {
            let k = last_number.entry(name.clone()).or_insert(2);
            while taken.contains(&format!("{name} ({k})")) {
                *k += 1;
            }
            name = format!("{name} ({k})");
        }
        if name != trimmed {
            renamed.push((h.clone(), name.clone()));
        }
        taken.insert(name.clone());
        out.push(name);
    }
    (out, renamed)
}

/// Run a third-party reader of a binary format, turning a panic on damaged data (a bug in that
/// reader, which the fuzzer finds) into an error: no input may crash `churn`.
pub(crate) fn guarded<T>(what: &str, read: impl FnOnce() -> Result<T>) -> Result<T> {
    let hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(|_| {}));
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(read));
    std::panic::set_hook(hook);
    match result {
        Ok(r) => r,
        Err(payload) => {
            let why = payload
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown".into());
            bail!(
                "cannot read the {what}: its data is damaged (the reader stopped at: {why})\n  \
                 help: export the file again, or as CSV"
            )
        }
    }
}

/// The first record of a CSV text, as read (untrimmed).
pub(super) fn header_row(text: &str, delimiter: u8) -> Result<Vec<String>> {
    let mut raw = Vec::new();
    parse(text.as_bytes(), delimiter, 1, |r| {
        raw = r.fields.iter().map(str::to_string).collect();
        Ok(false)
    })?;
    Ok(raw)
}

/// A quote opened in the last record and never closed swallows the rest of the file into one
/// field, with no error from the parser: an odd number of `"` from the record's start (`rest`
/// is the text from there to the end of the file) gives it away.
pub(super) fn unclosed_quote_check(rest: &str, line: u64) -> Result<()> {
    let rest = rest.trim_start_matches(['\r', '\n']);
    let inner_breaks = rest.trim_end().matches('\n').count();
    if inner_breaks > 0 && rest.matches('"').count() % 2 == 1 {
        bail!(
            "line {line}: a `\"` opened in this record is never closed, so the rest of the file \
             ({} lines) reads as one answer\n  help: close the quote (a `\"` inside an answer is \
             written `\"\"`)",
            inner_breaks + 1
        );
    }
    Ok(())
}

impl Table {
    /// Decode and split a source.
    pub fn open(source: Source, options: &ReadOptions) -> Result<Table> {
        match source.format {
            Format::Csv => Self::csv(source, options),
            Format::Workbook => guarded("workbook", || Self::workbook(source, options)),
            Format::Parquet => guarded("Parquet file", || Self::parquet(source)),
            Format::Json => Self::json(source, options),
            Format::Spss => Self::spss(source, options),
        }
    }

    fn csv(source: Source, options: &ReadOptions) -> Result<Table> {
        let Decoded {
            mut text,
            encoding,
            bom,
            note,
        } = decode::decode(source.bytes, options.encoding)?;
        // Line ends of a lone `\r` (old Mac, Excel for Mac's "CSV (Macintosh)") end records as
        // any line end does; read as `\n`, they also count as lines in messages.
        if text.contains('\r') && !text.contains('\n') {
            text = text.replace('\r', "\n");
        }
        if text.trim().is_empty() {
            bail!("the file is empty; expected a header row and one row per response");
        }
        let start = text.trim_start();
        if super::json::looks_like_json(start.as_bytes()) {
            bail!(
                "this looks like JSON, not CSV\n  help: name the file .json or .jsonl (or pipe \
                 it to `churn analyze -`) to read it as JSON, or export the survey as CSV"
            );
        }
        if start.starts_with('<') {
            bail!("this looks like HTML or XML, not CSV; export the survey as CSV");
        }
        let delimiter = options.delimiter.unwrap_or_else(|| sniff::sniff(&text));
        let raw = header_row(&text, delimiter)?;
        let (headers, renamed) = unique_headers(&raw);
        Table {
            name: source.name,
            format: "csv",
            compression: source.compression,
            encoding: Some(encoding),
            bom,
            delimiter: Some(delimiter),
            sheet: None,
            headers,
            renamed,
            notes: note.into_iter().collect(),
            unit: "line",
            layout: Layout::Plain,
            extra_rows: 0,
            questions: Vec::new(),
            body: Body::Text(text, delimiter),
        }
        .shaped(raw, options.layout)
    }

    fn workbook(source: Source, options: &ReadOptions) -> Result<Table> {
        let sheet = workbook::read(&source.bytes, options.sheet.as_deref())?;
        let raw = sheet.header.clone();
        let (headers, renamed) = unique_headers(&sheet.header);
        Table {
            name: source.name,
            format: "xlsx",
            compression: source.compression,
            encoding: None,
            bom: false,
            delimiter: None,
            sheet: Some(sheet.name.clone()),
            headers,
            renamed,
            notes: sheet.notes.clone(),
            unit: "row",
            layout: Layout::Plain,
            extra_rows: 0,
            questions: Vec::new(),
            body: Body::Sheet(sheet),
        }
        .shaped(raw, options.layout)
    }

    fn json(source: Source, options: &ReadOptions) -> Result<Table> {
        let Decoded { text, note, .. } = decode::decode(source.bytes, None)?;
        let (raw, rows) = super::json::rows(&text)?;
        if raw.is_empty() {
            bail!("the JSON holds no records; expected an array of objects or one object per line");
        }
        let body = Body::Rows(
            rows.into_iter()
                .map(|(n, cells)| (n, StringRecord::from(cells)))
                .collect(),
        );
        let notes = note.into_iter().collect();
        Ok(
            Table::of_rows((source.name, source.compression), "json", &raw, body, notes)
                .named_layout(options.layout),
        )
    }

    fn spss(source: Source, options: &ReadOptions) -> Result<Table> {
        let sav = super::spss::read(&source.bytes)?;
        if sav.names.is_empty() {
            bail!("the SPSS file defines no variables");
        }
        let body = Body::Rows(
            (sav.rows.into_iter())
                .map(|(n, cells)| (n, StringRecord::from(cells)))
                .collect(),
        );
        let table = Table::of_rows(
            (source.name, source.compression),
            "sav",
            &sav.names,
            body,
            sav.notes,
        );
        // The questions are the variable labels.
        let mut table = table.named_layout(options.layout);
        table.questions = sav.questions;
        Ok(table)
    }

    fn parquet(source: Source) -> Result<Table> {
        let file = ParquetFile::open(source.bytes)?;
        let (names, notes) = (file.names.clone(), file.notes());
        Ok(Table::of_rows(
            (source.name, source.compression),
            "parquet",
            &names,
            Body::Parquet(file),
            notes,
        ))
    }

    /// The layout of a table with no header rows to skip (an SPSS file, JSON records): told by
    /// its names alone, for a tool's statuses and answer groups (Qualtrics' SPSS export,
    /// Churnkey's and Paddle Retain's sessions).
    fn named_layout(mut self, wanted: Wanted) -> Table {
        self.layout = match layout::detect(&self.headers, &[], wanted) {
            Ok(shape) if shape.extra_rows == 0 => shape.layout,
            _ => Layout::Plain,
        };
        self
    }

    /// A table whose rows come split into fields (JSON, SPSS, Parquet): `(name, compression)`
    /// of its source, `raw` the header as read.
    fn of_rows(
        (name, compression): (String, Option<&'static str>),
        format: &'static str,
        raw: &[String],
        body: Body,
        notes: Vec<String>,
    ) -> Table {
        let (headers, renamed) = unique_headers(raw);
        Table {
            name,
            format,
            compression,
            encoding: None,
            bom: false,
            delimiter: None,
            sheet: None,
            headers,
            renamed,
            notes,
            unit: "row",
            layout: Layout::Plain,
            extra_rows: 0,
            questions: vec![None; raw.len()],
            body,
        }
    }

    /// The table read by its survey layout (see [`layout`]): `raw` is its header as read.
    /// The first two records are looked at; errors in them are left for reading to report.
    fn shaped(mut self, raw: Vec<String>, wanted: Wanted) -> Result<Table> {
        let mut next: Vec<Vec<String>> = Vec::new();
        let _ = self.records(|r| {
            next.push(r.fields.iter().map(str::to_string).collect());
            Ok(next.len() < 2)
        });
        let shape = layout::detect(&raw, &next, wanted).map_err(anyhow::Error::msg)?;
        if shape.layout != Layout::Plain || wanted != Wanted::Auto {
            let (headers, renamed) = unique_headers(&shape.names);
            self.headers = headers;
            self.renamed = renamed;
        }
        self.layout = shape.layout;
        self.extra_rows = shape.extra_rows;
        self.questions = shape.questions;
        self.notes.extend(shape.notes);
        Ok(self)
    }

    /// How many data rows the table holds, when that is known before reading them (Parquet,
    /// rows already split).
    pub fn rows_hint(&self) -> Option<u64> {
        match &self.body {
            Body::Rows(rows) => Some(rows.len() as u64),
            Body::Parquet(file) => Some(file.rows as u64),
            _ => None,
        }
    }

    /// Visit every data record in order; `visit` returns `false` to stop early. Extra header
    /// rows of the layout are not records.
    pub fn records(&self, visit: impl FnMut(Record<'_>) -> Result<bool>) -> Result<()> {
        self.records_of(None, visit)
    }

    /// [`Table::records`], of which only the fields at `columns` are read when the file can
    /// leave the others unread (Parquet: they are empty); `None` reads every field.
    pub fn records_of(
        &self,
        columns: Option<&[usize]>,
        mut visit: impl FnMut(Record<'_>) -> Result<bool>,
    ) -> Result<()> {
        let mut skip = self.extra_rows;
        let mut visit = |r: Record<'_>| {
            if skip > 0 {
                skip -= 1;
                return Ok(true);
            }
            visit(r)
        };
        match &self.body {
            Body::Text(text, delimiter) => {
                let mut header = true;
                let mut last_data = None;
                let parsed = parse_records(text.as_bytes(), *delimiter, 1, |r| {
                    if std::mem::take(&mut header) {
                        return Ok(true);
                    }
                    last_data = Some(r.line);
                    visit(r)
                })?;
                if parsed.stopped {
                    return Ok(());
                }
                if let (Some(line), Some((_, start))) = (last_data, parsed.last) {
                    unclosed_quote_check(&text[start.min(text.len())..], line)?;
                }
            }
            Body::Rows(rows) => {
                for (line, fields) in rows {
                    if !visit(Record {
                        line: *line,
                        fields: Fields::Row(fields),
                        stray: None,
                    })? {
                        break;
                    }
                }
            }
            Body::Parquet(file) => file.rows(columns, |line, fields| {
                visit(Record {
                    line,
                    fields: Fields::Row(fields),
                    stray: None,
                })
            })?,
            Body::Sheet(sheet) => sheet.rows(|line, fields| {
                visit(Record {
                    line,
                    fields: Fields::Row(fields),
                    stray: None,
                })
            })?,
        }
        Ok(())
    }

    /// Header fields holding a stray `"`, by 1-based position: the usual sign of a header whose
    /// quotes are unbalanced.
    pub fn quoted_headers(&self) -> Vec<(usize, String)> {
        self.headers
            .iter()
            .enumerate()
            .filter(|(_, h)| h.contains('"'))
            .map(|(i, h)| (i + 1, h.clone()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(text: &str) -> Table {
        let source = Source {
            name: "t.csv".into(),
            bytes: text.as_bytes().to_vec(),
            compression: None,
            format: Format::Csv,
        };
        Table::open(source, &ReadOptions::default()).unwrap()
    }

    #[test]
    fn headers_are_trimmed_named_and_numbered() {
        let t = table(" Reason ;;plan; reason;Reason\n1;2;3;4;5\n");
        assert_eq!(
            t.headers,
            ["Reason", "column 2", "plan", "reason", "Reason (2)"]
        );
        assert_eq!(t.renamed.len(), 2);
        assert_eq!(t.delimiter, Some(b';'));
    }

    /// The renaming as first written (cubic: a scan of the names so far for every number
    /// tried), the reference the fast one must agree with.
    fn unique_headers_by_scanning(raw: &[String]) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (i, h) in raw.iter().enumerate() {
            let trimmed = h.trim();
            let mut name = if trimmed.is_empty() {
                format!("column {}", i + 1)
            } else {
                trimmed.to_string()
            };
            if out.contains(&name) {
                let mut k = 2;
                while out.contains(&format!("{name} ({k})")) {
                    k += 1;
                }
                name = format!("{name} ({k})");
            }
            out.push(name);
        }
        out
    }

    #[test]
    fn renaming_agrees_with_the_scan_it_replaced() {
        let cases: &[&[&str]] = &[
            &["a", "a", "a (2)", "a", "a (2)", "a (2)", " a ", ""],
            &["a (3)", "a", "a", "a", "a", "a (2) (2)", "a (2)", "a (2)"],
            &[
                "", "", "column 2", "column 1", "column 1", "x", "x (2)", "x",
            ],
            &["b", "b (2)", "b (3)", "b", "b", "b (5)", "b", "b"],
        ];
        for case in cases {
            let raw: Vec<String> = case.iter().map(|s| s.to_string()).collect();
            assert_eq!(
                unique_headers(&raw).0,
                unique_headers_by_scanning(&raw),
                "{case:?}"
            );
        }
        // Every mix of a few names, blanks and numbered names, up to 6 headers.
        let pool = ["a", "a (2)", "a (3)", "", "column 1", "a (2) (2)"];
        for len in 1..=6u32 {
            for mut code in 0..pool.len().pow(len) {
                let raw: Vec<String> = (0..len)
                    .map(|_| {
                        let pick = pool[code % pool.len()];
                        code /= pool.len();
                        pick.to_string()
                    })
                    .collect();
                assert_eq!(
                    unique_headers(&raw).0,
                    unique_headers_by_scanning(&raw),
                    "{raw:?}"
                );
            }
        }
    }

    #[test]
    fn four_thousand_repeated_headers_are_numbered_in_order() {
        // 20 s before (cubic); the names are `a`, `a (2)` ... `a (4000)`.
        let raw = vec!["a".to_string(); 4000];
        let (names, renamed) = unique_headers(&raw);
        assert_eq!(names[0], "a");
        assert_eq!(names[3999], "a (4000)");
        assert_eq!(renamed.len(), 3999);
        let distinct: std::collections::HashSet<&String> = names.iter().collect();
        assert_eq!(distinct.len(), 4000);
    }

    #[test]
    fn records_keep_line_breaks_and_lines() {
        let t = table("id,reason\r\n1,\"too\r\nexpensive\"\r\n2,moved\r\n");
        let mut seen = Vec::new();
        t.records(|r| {
            seen.push((r.line, r.fields.get(1).unwrap().to_string()));
            Ok(true)
        })
        .unwrap();
        assert_eq!(
            seen,
            [
                (2, "too\r\nexpensive".to_string()),
                (4, "moved".to_string())
            ]
        );
    }
}
