//! Loading exports: read each source (file, glob, stdin; gzip or zstd; CSV, workbook or
//! Parquet), decode and split it ([`table`]), combine the files by column name, apply the
//! `--where` filters, find the reason column(s), and keep just those columns in a polars
//! [`DataFrame`] named by the files' own headers. Errors name the file, the line and the
//! column; every row read is kept, filtered out or rejected, and counted.
//!
//! source -> decode -> sniff -> table -> (filter, columns) -> frame (`whole.rs`) or blocks
//! (`stream.rs`) -> rows handed on (`rows.rs`, [`scan`])

pub mod columns;
pub mod decode;
mod faults;
pub mod filter;
pub mod json;
pub mod layout;
mod parquet;
pub mod records;
mod rows;
pub mod sniff;
pub mod source;
pub mod spss;
mod stream;
pub mod table;
pub mod values;
mod whole;
pub mod workbook;

use churn_core::escape::{line, shown};
use std::collections::{HashMap, HashSet};

use anyhow::{bail, Context, Result};
use polars::prelude::{DataFrame, PlSmallStr, StringChunked};
use serde::Serialize;

use churn_core::classify::Classifier;
use churn_core::taxonomy::Taxonomy;
pub use columns::{squash, Chosen, ColumnError};
use faults::{bad_row_error, clip, stray_quote_error};
pub use filter::Filter;
pub use rows::{
    stream_rows, FrameOut, Heading, Line, Out, Render, Rendered, RowRun, RowSink, RunRow, Work,
};
pub use source::Source;
pub use table::{ReadOptions, Table};
use whole::{fill, pipelined, Whole};

/// The frame column that holds the answer when it is read from several columns of one question
/// (a choice question's choices and its "Other" text): no column of the file holds it as it is
/// tagged. Made unique against the file's headers.
pub const ANSWER: &str = "churn_answer";

/// Which columns of a frame hold the answers: the free text, and coded values.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FrameColumns {
    pub text: Option<String>,
    pub codes: Vec<String>,
}

/// A cell as the answers see it: a blank one (white space only) is no answer.
fn filled(cell: Option<&str>) -> Option<&str> {
    cell.filter(|c| !c.trim().is_empty())
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
    /// The id column, named by a flag (`--overrides`: the overrides file's first header), in
    /// place of the one `find_id` looks for: an error when no column has that name. Its cells
    /// are the last extra column.
    pub id_col: Option<(&'static str, String)>,
}

/// One row's answers: its free text and its coded values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Row<'a, 'b> {
    pub text: Option<&'a str>,
    pub codes: &'b [Option<&'a str>],
}

/// The answers of a run of rows, column by column: each row's free text (`None` when blank or
/// when no text column is read) and its coded values, `width` per row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers<'a> {
    texts: Vec<Option<&'a str>>,
    codes: Vec<Option<&'a str>>,
    width: usize,
    /// Each row's id, when an id column is read ([`ColumnOptions::id_col`], `find_id`); else
    /// empty.
    ids: Vec<Option<&'a str>>,
}

impl<'a> Answers<'a> {
    /// No rows yet, with `width` coded values per row.
    pub fn new(width: usize) -> Answers<'a> {
        Answers {
            texts: Vec::new(),
            codes: Vec::new(),
            width,
            ids: Vec::new(),
        }
    }

    /// Give the rows pushed so far their ids (one each, in order).
    pub fn with_ids(mut self, ids: Vec<Option<&'a str>>) -> Answers<'a> {
        debug_assert_eq!(ids.len(), self.texts.len());
        self.ids = ids;
        self
    }

    /// Row `i`'s id: `None` when blank or when no id column is read.
    pub fn id(&self, i: usize) -> Option<&'a str> {
        self.ids.get(i).copied().flatten()
    }

    /// Add a row. `codes` gives exactly `width` values.
    pub fn push(
        &mut self,
        text: Option<&'a str>,
        codes: impl IntoIterator<Item = Option<&'a str>>,
    ) {
        self.texts.push(text);
        self.codes.extend(codes);
        debug_assert_eq!(self.codes.len(), self.texts.len() * self.width);
    }

    pub fn len(&self) -> usize {
        self.texts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }

    /// Row `i`'s free text.
    pub fn text(&self, i: usize) -> Option<&'a str> {
        self.texts[i]
    }

    /// Row `i`'s coded values.
    pub fn codes(&self, i: usize) -> &[Option<&'a str>] {
        &self.codes[i * self.width..(i + 1) * self.width]
    }

    /// Each row in order.
    pub fn iter(&self) -> impl Iterator<Item = Row<'a, '_>> + '_ {
        (0..self.len()).map(|i| Row {
            text: self.text(i),
            codes: self.codes(i),
        })
    }

    /// Rows `range`.
    pub fn slice(&self, range: std::ops::Range<usize>) -> Answers<'a> {
        Answers {
            texts: self.texts[range.clone()].to_vec(),
            codes: self.codes[range.start * self.width..range.end * self.width].to_vec(),
            width: self.width,
            ids: match self.ids.is_empty() {
                true => Vec::new(),
                false => self.ids[range].to_vec(),
            },
        }
    }
}

/// One file read, as the report describes it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceInfo {
    /// The path as given (a glob's match; `-` for stdin).
    pub path: String,
    /// `csv`, `xlsx` (any workbook), `parquet`, `json` (JSON or JSON Lines) or `sav` (SPSS).
    pub format: &'static str,
    /// `gzip` or `zstd`, or null.
    pub compression: Option<&'static str>,
    /// How a CSV was decoded (`UTF-8`, `UTF-16LE`, `windows-1252`, ...), or null.
    pub encoding: Option<&'static str>,
    /// `comma`, `semicolon`, `tab`, `pipe` (or the character) for a CSV, or null.
    pub delimiter: Option<String>,
    /// The workbook sheet read, or null.
    pub sheet: Option<String>,
    /// Data records read from this file: kept + filtered out + rejected.
    pub rows: usize,
    /// Rows filtered out: by `--where`, or responses that are not answers (previews, tests,
    /// spam, unfinished).
    pub filtered_out: usize,
    /// `filtered_out` by cause.
    pub filtered_out_by: FilteredOut,
    /// Rows with the wrong number of fields (`--skip-bad-rows`).
    pub rejected: usize,
    /// The survey tool's layout it was read by (see [`layout::Layout::name`]).
    pub layout: &'static str,
}

/// Rows filtered out, by cause: a `--where` filter, or a survey tool's status saying the
/// response is a preview, a test, spam, or unfinished.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct FilteredOut {
    #[serde(rename = "where")]
    pub by_where: usize,
    pub preview: usize,
    pub test: usize,
    pub spam: usize,
    pub unfinished: usize,
    pub saved: usize,
    pub paused: usize,
    pub aborted: usize,
}

impl FilteredOut {
    /// Count one row left out for `cause` (`None`: a `--where` filter).
    pub fn count(&mut self, cause: Option<layout::Exclusion>) {
        use layout::Exclusion::*;
        *match cause {
            None => &mut self.by_where,
            Some(Preview) => &mut self.preview,
            Some(Test) => &mut self.test,
            Some(Spam) => &mut self.spam,
            Some(Unfinished) => &mut self.unfinished,
            Some(Saved) => &mut self.saved,
            Some(Paused) => &mut self.paused,
            Some(Aborted) => &mut self.aborted,
        } += 1;
    }

    pub fn add(&mut self, other: &FilteredOut) {
        self.by_where += other.by_where;
        self.preview += other.preview;
        self.test += other.test;
        self.spam += other.spam;
        self.unfinished += other.unfinished;
        self.saved += other.saved;
        self.paused += other.paused;
        self.aborted += other.aborted;
    }

    /// Every row filtered out.
    pub fn total(&self) -> usize {
        self.by_where
            + self.preview
            + self.test
            + self.spam
            + self.unfinished
            + self.saved
            + self.paused
            + self.aborted
    }

    /// How many rows were filtered out, with the survey tool's causes when there are any:
    /// "14 filtered out (12 unfinished, 2 preview)", or "3 filtered out" by `--where` alone.
    pub fn describe(&self, total: usize) -> String {
        let causes = self.causes();
        if causes.iter().all(|(cause, _)| *cause == "by --where") {
            return format!("{total} filtered out");
        }
        let parts: Vec<String> = causes.iter().map(|(c, n)| format!("{n} {c}")).collect();
        format!("{total} filtered out ({})", parts.join(", "))
    }

    /// The causes with their counts, for people: "12 unfinished, 2 preview".
    pub fn causes(&self) -> Vec<(&'static str, usize)> {
        [
            ("by --where", self.by_where),
            ("preview", self.preview),
            ("test", self.test),
            ("spam", self.spam),
            ("unfinished", self.unfinished),
            ("saved", self.saved),
            ("paused", self.paused),
            ("aborted", self.aborted),
        ]
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .collect()
    }
}

/// A row that could not be read (`--skip-bad-rows`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RejectedRow {
    pub path: String,
    /// The source it came from (index into [`Loaded::sources`]).
    #[serde(skip)]
    pub file: u32,
    /// The line (CSV) or row (workbook, Parquet) it starts on.
    pub line: u64,
    pub expected_fields: usize,
    pub found_fields: usize,
    /// Why: `field_count` (not as many fields as the header) or `stray_quote` (a quote that
    /// would swallow the lines after it; the row is its first line).
    pub cause: &'static str,
    /// Its fields as read, for `churn tag` to write back.
    #[serde(skip)]
    pub fields: Vec<String>,
}

/// One loaded export (one or more files combined by column name).
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as the user gave it; several, joined with ", ".
    pub path: String,
    /// Each file read, in order.
    pub sources: Vec<SourceInfo>,
    /// Header of the free-text reason column, if one is read.
    pub text_column: Option<String>,
    /// Per file (as `sources`): the header its free text is read from, when it has one (files
    /// combined may name it differently).
    pub text_columns: Vec<Option<String>>,
    /// Headers of the coded columns read, left to right.
    pub code_columns: Vec<String>,
    /// Headers of the extra columns, in the order asked for.
    pub extra_columns: Vec<String>,
    /// Header of the id column found by `find_id`; its cells are the last extra column.
    pub id_column: Option<String>,
    /// Every header of the file, trimmed, left to right.
    pub headers: Vec<String>,
    /// The data rows, one per record, in string columns named by the file's headers, with the
    /// cells as read (blank ones too; null where a combined file lacks the column): the columns
    /// of `roles` (read whole, not streamed) and the extra columns; every column with
    /// `keep_all`. A column appears once, whatever roles it has.
    pub frame: DataFrame,
    /// The frame's columns holding the answers, for [`Loaded::answers`] or a `tag_frame`; empty
    /// when the rows were handed on rather than kept ([`scan`], [`stream_rows`]). The text is [`ANSWER`] when it spans several
    /// columns.
    pub roles: FrameColumns,
    /// The file line each row starts on (1-based), for messages about a row.
    pub lines: Vec<u64>,
    /// The source (index into `sources`) of each row.
    pub files: Vec<u32>,
    /// Rows left out by `--where` or as no answers (previews, tests, spam, unfinished).
    pub filtered_out: usize,
    /// `filtered_out` by cause.
    pub filtered_out_by: FilteredOut,
    /// Rows rejected with `--skip-bad-rows`, in the order read.
    pub rejected: Vec<RejectedRow>,
    /// Things worth telling on stderr (a guessed encoding, renamed headers, combined files).
    pub notes: Vec<String>,
    /// Non-blank cells in the free-text column (if read) and in each coded column.
    pub filled: (Option<usize>, Vec<usize>),
    /// Whether the rows were streamed from the file in blocks (a CSV, by [`scan`] or
    /// [`stream_rows`]) rather than read whole.
    pub streamed: bool,
}

impl SourceInfo {
    /// A table's description, before any row is counted.
    fn of(t: &Table) -> SourceInfo {
        SourceInfo {
            path: t.name.clone(),
            format: t.format,
            compression: t.compression,
            encoding: t.encoding,
            delimiter: t.delimiter.map(sniff::delimiter_name),
            sheet: t.sheet.clone(),
            rows: 0,
            filtered_out: 0,
            filtered_out_by: FilteredOut::default(),
            rejected: 0,
            layout: t.layout.name(),
        }
    }
}

/// Where a row is, for messages: "line 12", or "`b.csv` line 12" when several files were read.
fn place_in(sources: &[SourceInfo], file: u32, line: u64) -> String {
    let file = file as usize;
    // A CSV record starts on a line; a sheet or Parquet row has a row number.
    let unit = match sources.get(file).map(|s| s.format) {
        Some("csv") | None => "line",
        Some(_) => "row",
    };
    if sources.len() > 1 {
        format!("`{}` {unit} {line}", shown(&sources[file].path))
    } else {
        format!("{unit} {line}")
    }
}

impl Loaded {
    /// Number of data rows kept (read, less filtered out and rejected).
    pub fn rows(&self) -> usize {
        self.frame.height()
    }

    /// Where row `i` is, for messages: "line 12", or "`b.csv` line 12" when several files
    /// were read.
    pub fn place(&self, i: usize) -> String {
        let file = self.files.get(i).copied().unwrap_or(0);
        place_in(&self.sources, file, self.lines.get(i).copied().unwrap_or(0))
    }

    /// Note the answers longer than [`churn_core::classify::MAX_ANSWER_BYTES`], by (file, line).
    fn note_long_answers(&mut self, long: &[(u32, u64)]) {
        if long.is_empty() {
            return;
        }
        let shown: Vec<String> = long
            .iter()
            .take(5)
            .map(|&(f, l)| place_in(&self.sources, f, l))
            .collect();
        let kib = churn_core::classify::MAX_ANSWER_BYTES / 1024;
        self.notes.push(format!(
            "{} {} longer than {kib} KiB ({}); each is tagged on its first {kib} KiB",
            long.len(),
            if long.len() == 1 {
                "answer is"
            } else {
                "answers are"
            },
            shown.join(", "),
        ));
    }

    fn strings(&self, name: &str) -> Option<&StringChunked> {
        self.frame.column(name).ok().and_then(|c| c.str().ok())
    }

    /// Column `i` of the file as read (every column is kept with `keep_all`).
    pub fn original(&self, i: usize) -> Option<&StringChunked> {
        self.strings(self.headers.get(i)?)
    }

    /// The cells of the id column (found by `find_id`, or named by `id_col`), if there is one.
    pub fn id_cells(&self) -> Option<Vec<Option<&str>>> {
        let column = self.strings(self.id_column.as_ref()?);
        Some(cells(column, self.rows()).collect())
    }

    /// The cells of the `i`th extra column (`None` for blanks).
    pub fn extra_cells(&self, i: usize) -> Vec<Option<&str>> {
        let column = self.extra_columns.get(i).and_then(|h| self.strings(h));
        cells(column, self.rows()).collect()
    }

    /// Each row's text and codes (when the frame holds them: from [`load`], not [`scan`]);
    /// blank cells are `None`.
    pub fn answers(&self) -> Answers<'_> {
        let n = self.rows();
        let text = self.roles.text.as_deref().and_then(|t| self.strings(t));
        let codes: Vec<&StringChunked> = (self.roles.codes.iter())
            .filter_map(|c| self.strings(c))
            .collect();
        let mut answers = Answers::new(codes.len());
        let mut code_iters: Vec<_> = codes.iter().map(|c| c.iter()).collect();
        for text in cells(text, n) {
            answers.push(
                text,
                code_iters.iter_mut().map(|it| filled(it.next().flatten())),
            );
        }
        match self.id_cells() {
            Some(ids) => answers.with_ids(ids),
            None => answers,
        }
    }
}

/// The cells of a string column, blank ones `None`, or `n` blanks when the column was not read.
fn cells(column: Option<&StringChunked>, n: usize) -> Box<dyn Iterator<Item = Option<&str>> + '_> {
    match column {
        Some(ca) => Box::new(ca.iter().map(filled)),
        None => Box::new(std::iter::repeat_n(None, n)),
    }
}

/// Read the inputs (paths, globs, `-`), choose the reason column(s) and load them.
pub fn load(
    inputs: &[String],
    read: &ReadOptions,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    let names = source::expand(inputs)?;
    if names.iter().filter(|n| *n == "-").count() > 1 {
        bail!("`-` (standard input) can be given once");
    }
    let mut sources = Vec::with_capacity(names.len());
    for name in &names {
        sources.push(source::read(name, read.encoding)?);
    }
    load_sources(sources, read, options, taxonomy, classifier)
}

/// Decode and split each source, with the notes on its header.
fn open_tables(sources: Vec<Source>, read: &ReadOptions) -> Result<(Vec<Table>, Vec<String>)> {
    let mut tables = Vec::with_capacity(sources.len());
    let mut notes = Vec::new();
    for source in sources {
        let name = source.name.clone();
        let table = Table::open(source, read)
            .with_context(|| format!("failed to load `{}`", shown(&name)))?;
        tables.push(table);
    }
    for table in &tables {
        table_notes(table, &mut notes);
    }
    Ok((tables, notes))
}

/// What is worth saying about one table as read.
fn table_notes(table: &Table, notes: &mut Vec<String>) {
    let name = &table.name;
    if table.layout != layout::Layout::Plain {
        let rows = match table.extra_rows {
            0 => String::new(),
            1 => " (its second header row is not a response)".to_string(),
            n => format!(" (its {} more header rows are not responses)", n),
        };
        notes.push(format!(
            "`{}`: read as a {} export{rows}; --layout names another",
            shown(name),
            table.layout.tool()
        ));
    }
    for n in &table.notes {
        notes.push(format!("`{}`: {n}", shown(name)));
    }
    if !table.renamed.is_empty() {
        // The first 20 renames, then how many more (4,000 repeated names made a note of 4,000).
        let mut pairs: Vec<String> = table
            .renamed
            .iter()
            .take(20)
            .map(|(from, to)| format!("`{}` -> `{}`", shown(from.trim()), shown(to)))
            .collect();
        if table.renamed.len() > 20 {
            pairs.push(format!("and {} more", table.renamed.len() - 20));
        }
        notes.push(format!(
            "`{}`: blank or repeated column names renamed: {}",
            shown(name),
            pairs.join(", ")
        ));
    }
}

/// The columns to read, chosen from the tables' headers and their first rows.
struct Plan {
    /// The paths, joined with ", ".
    path: String,
    /// The union of the files' columns, in order of first appearance.
    headers: Vec<String>,
    /// The text column as people read it (see [`layout::shown_name`]).
    text_column: Option<String>,
    /// Per table: the header its free text is read from, if any.
    text_columns: Vec<Option<String>>,
    /// Per table: the table's column for each of `headers`.
    maps: Vec<Vec<Option<usize>>>,
    chosen: Chosen,
    /// Extra columns (into `headers`), in the order asked for, the id column last.
    extra: Vec<usize>,
    id_column: Option<usize>,
    /// `--where` filters with their column (into `headers`).
    filters: Vec<(usize, Filter)>,
    /// Per table: its columns that say a response is no answer (a preview, a test, spam,
    /// unfinished), by the table's own column index.
    statuses: Vec<Vec<(usize, layout::StatusColumn)>>,
    /// Whether unfinished responses are read (`--include-incomplete`).
    include_incomplete: bool,
    /// The columns (into `headers`) whose cells make the free text when the answer spans
    /// several (a choice question's choices and its "Other" text); empty when it is one.
    text_group: Vec<usize>,
    notes: Vec<String>,
}

impl Plan {
    /// Why the row `fields` of table `k` is no answer, if it is not one.
    fn excluded(&self, k: usize, fields: &records::Fields<'_>) -> Option<layout::Exclusion> {
        let cell = |j: usize| fields.get(j).unwrap_or("");
        let statuses = &self.statuses[k];
        if statuses.iter().any(|&(j, status)| status.keeps(cell(j))) {
            return None;
        }
        statuses
            .iter()
            .filter_map(|&(j, status)| status.exclusion(cell(j)))
            .find(|&e| !(self.include_incomplete && e == layout::Exclusion::Unfinished))
    }

    /// The columns (into `headers`) whose cells are kept for every row: the text (unless its
    /// answer spans several columns), the codes, the extras; each once.
    fn kept(&self) -> Vec<usize> {
        let text = self.chosen.text.filter(|_| self.text_group.is_empty());
        let mut kept = Vec::new();
        for i in text.into_iter().chain(self.chosen.codes.iter().copied()) {
            if !kept.contains(&i) {
                kept.push(i);
            }
        }
        for i in self.extras() {
            if !kept.contains(&i) {
                kept.push(i);
            }
        }
        kept
    }

    /// The extra columns (into `headers`), each once, in the order asked for.
    fn extras(&self) -> Vec<usize> {
        let mut extras: Vec<usize> = Vec::with_capacity(self.extra.len());
        for &i in &self.extra {
            if !extras.contains(&i) {
                extras.push(i);
            }
        }
        extras
    }

    /// The frame's name for the answer made of several columns: [`ANSWER`], or with a number
    /// when a header is already called that.
    fn answer_name(&self) -> String {
        (1..)
            .map(|n| match n {
                1 => ANSWER.to_string(),
                n => format!("{ANSWER}_{n}"),
            })
            .find(|name| !self.headers.contains(name))
            .expect("a free name")
    }

    /// The frame's columns holding the answers.
    fn roles(&self) -> FrameColumns {
        let text = self.chosen.text.map(|i| match self.text_group.is_empty() {
            true => self.headers[i].clone(),
            false => self.answer_name(),
        });
        FrameColumns {
            text,
            codes: (self.chosen.codes.iter())
                .map(|&i| self.headers[i].clone())
                .collect(),
        }
    }

    /// The columns of table `k` a row is read for (by the table's own positions): the kept
    /// ones, the filters', the answer group's and the statuses'; `None` when every column is.
    fn needed(&self, k: usize, keep_all: bool) -> Option<Vec<usize>> {
        if keep_all {
            return None;
        }
        let into_headers = (self.kept().into_iter())
            .chain(self.chosen.text)
            .chain(self.filters.iter().map(|(i, _)| *i))
            .chain(self.text_group.iter().copied());
        let mut needed: Vec<usize> = into_headers.filter_map(|i| self.maps[k][i]).collect();
        needed.extend(self.statuses[k].iter().map(|(j, _)| *j));
        Some(needed)
    }

    /// Whether a row passes every `--where` filter; `cell(k)` is its cell in the column of
    /// filter `k`.
    fn keeps<'a>(&self, cell: impl Fn(usize) -> Option<&'a str>) -> bool {
        self.filters
            .iter()
            .enumerate()
            .all(|(k, (_, f))| f.keeps(cell(k).filter(|c| !c.trim().is_empty())))
    }
}

/// Per column of the union of headers, the question it answers, from the first table that
/// carries one.
fn questions_of(
    tables: &[&Table],
    headers: &[String],
    maps: &[Vec<Option<usize>>],
) -> Vec<Option<String>> {
    (0..headers.len())
        .map(|i| {
            tables
                .iter()
                .zip(maps)
                .find_map(|(t, map)| map[i].and_then(|j| t.questions.get(j).cloned().flatten()))
        })
        .collect()
}

fn joined_paths(names: impl Iterator<Item = impl AsRef<str>>) -> String {
    names
        .map(|n| n.as_ref().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The union of the tables' columns, in order of first appearance, and for each table where
/// each column of the union is in it (its first column of that name). Through maps: scanning the
/// names so far for each header made 100,000 columns take 39 s.
fn union_of_headers(tables: &[&Table]) -> (Vec<String>, Vec<Vec<Option<usize>>>) {
    let mut headers: Vec<String> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for t in tables {
        for h in &t.headers {
            if seen.insert(h.as_str()) {
                headers.push(h.clone());
            }
        }
    }
    let maps = tables
        .iter()
        .map(|t| {
            let mut at: HashMap<&str, usize> = HashMap::with_capacity(t.headers.len());
            for (i, h) in t.headers.iter().enumerate() {
                at.entry(h.as_str()).or_insert(i);
            }
            headers
                .iter()
                .map(|h| at.get(h.as_str()).copied())
                .collect()
        })
        .collect();
    (headers, maps)
}

/// Combine the tables by column name and choose the columns to read. `notes` are those of
/// opening the tables.
fn plan(
    tables: &[&Table],
    mut notes: Vec<String>,
    read: &ReadOptions,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Plan> {
    let path = joined_paths(tables.iter().map(|t| &t.name));
    let several = tables.len() > 1;
    if let Some(sheet) = &read.sheet {
        if tables.iter().all(|t| t.format != "xlsx") {
            notes.push(format!(
                "--sheet `{}` is for workbooks (.xlsx, .xls, .ods); no file read is one",
                shown(sheet)
            ));
        }
    }

    let (headers, mut maps) = union_of_headers(tables);
    let sample = sample_rows(tables, read, &path, &headers)?;
    let values = |i: usize| -> Vec<String> {
        sample
            .iter()
            .filter_map(|(k, r)| maps[*k][i].and_then(|j| r.get(j)))
            .map(str::to_string)
            .collect()
    };
    let questions = questions_of(tables, &headers, &maps);
    let named = (headers.as_slice(), questions.as_slice());
    let chosen = choose_columns(
        tables,
        &path,
        named,
        &values,
        options,
        (taxonomy, classifier),
    )?;
    if let Some(note) = chosen
        .text
        .and_then(|i| numeric_answers(tables, &headers[i], &values(i)))
    {
        notes.push(note);
    }
    if several && options.reason_col.is_none() {
        let found = Found {
            tables,
            sample: &sample,
            taxonomy,
            classifier,
        };
        align_text_columns(&found, &headers, chosen.text, &mut maps, &mut notes);
    }
    if several {
        note_missing_columns(tables, &headers, &maps, &mut notes);
    }
    not_one_column(tables, &path, &headers, options, &chosen)?;
    let (extra, id_column, filters) = extra_columns(&headers, options, read)?;
    let text_group = text_group(tables, &headers, chosen.text, &mut notes);
    // The group's choice columns are codes too: a label a code map knows (`survey_choice`, or
    // the user's) decides, as a Stripe code does; any other is read as text.
    let mut chosen = chosen;
    if let Some(layout) = tables.first().map(|t| t.layout) {
        for &g in &text_group {
            if !layout::is_text_member(layout, &headers[g]) && !chosen.codes.contains(&g) {
                chosen.codes.push(g);
            }
        }
    }
    let text_columns = text_columns(tables, &maps, chosen.text, &text_group);
    let text_column = chosen.text.map(|i| {
        let i = text_group.first().copied().unwrap_or(i);
        layout::shown_name(
            layout::Layout::Plain,
            &headers[i],
            questions[i].as_deref(),
            false,
        )
    });
    Ok(Plan {
        path,
        headers,
        text_column,
        text_columns,
        maps,
        chosen,
        extra,
        id_column,
        filters,
        statuses: tables
            .iter()
            .map(|t| layout::status_columns(t.layout, &t.headers))
            .collect(),
        include_incomplete: read.include_incomplete,
        text_group,
        notes,
    })
}

/// A CSV read as one column that is not a reason column: no delimiter split its lines, so it
/// is most likely not a CSV export (or another character separates its fields).
fn not_one_column(
    tables: &[&Table],
    path: &str,
    headers: &[String],
    options: &ColumnOptions,
    chosen: &Chosen,
) -> Result<()> {
    if headers.len() == 1
        && options.reason_col.is_none()
        && options.code_cols.is_empty()
        && chosen.codes.is_empty()
        && !columns::is_reason_header(&headers[0])
        && tables.iter().all(|t| t.format == "csv")
    {
        bail!(
            "failed to load `{}`: no delimiter (`,` `;` tab `|`) splits its lines, so it \
             reads as one column headed `{}`; this does not look like a CSV export\n  help: if \
             it is one column of answers, name it with --reason-col; if another character \
             separates the fields, name it with --delimiter",
            shown(path),
            clip(&line(&headers[0]), 60)
        );
    }
    Ok(())
}

/// The extra columns asked for (the id column found last), and the `--where` filters'
/// columns.
#[allow(clippy::type_complexity)]
fn extra_columns(
    headers: &[String],
    options: &ColumnOptions,
    read: &ReadOptions,
) -> Result<(Vec<usize>, Option<usize>, Vec<(usize, Filter)>)> {
    let mut extra = Vec::new();
    for (flag, name) in &options.extra {
        extra.push(columns::named(headers, flag, name)?);
    }
    if options.find_date {
        extra.push(columns::date_column(headers)?);
    }
    let id_column = match &options.id_col {
        Some((flag, name)) => Some(columns::named(headers, flag, name)?),
        None if options.find_id => columns::id_column(headers),
        None => None,
    };
    extra.extend(id_column);
    let mut filters = Vec::new();
    for f in &read.filters {
        filters.push((columns::named(headers, "--where", &f.column)?, f.clone()));
    }
    Ok((extra, id_column, filters))
}

/// The columns the answer of the text column's question is read from, when it spans several
/// (see [`layout::answer_group`]), with a note; empty when it is one column.
fn text_group(
    tables: &[&Table],
    headers: &[String],
    text: Option<usize>,
    notes: &mut Vec<String>,
) -> Vec<usize> {
    match (text, tables.first().map(|t| t.layout)) {
        (Some(i), Some(layout)) if tables.iter().all(|t| t.layout == layout) => {
            let group = layout::answer_group(layout, headers, i);
            if group.len() > 1 {
                let names: Vec<String> = group
                    .iter()
                    .map(|&g| format!("`{}`", shown(&headers[g])))
                    .collect();
                notes.push(format!(
                    "the answer is read from {} columns of one question: {}",
                    group.len(),
                    names.join(", ")
                ));
                group
            } else {
                Vec::new()
            }
        }
        _ => Vec::new(),
    }
}

/// Per table, the text column as people read it: `Q2: question` (Qualtrics), the question of
/// a SurveyMonkey answer group, or the header.
fn text_columns(
    tables: &[&Table],
    maps: &[Vec<Option<usize>>],
    text: Option<usize>,
    text_group: &[usize],
) -> Vec<Option<String>> {
    tables
        .iter()
        .zip(maps)
        .map(|(t, map)| {
            // An answer group is shown by its first column (the question's choices).
            let j = map[text_group.first().copied().or(text)?]?;
            let question = t.questions.get(j).and_then(Option::as_deref);
            let grouped = !text_group.is_empty();
            Some(layout::shown_name(
                t.layout,
                &t.headers[j],
                question,
                grouped,
            ))
        })
        .collect()
}

/// A sample of the tables' rows (table index, record) for recognising coded columns by their
/// values; a bad row met first is an error (unless `--skip-bad-rows`), and so are tables with
/// no data row at all.
fn sample_rows(
    tables: &[&Table],
    read: &ReadOptions,
    path: &str,
    headers: &[String],
) -> Result<Vec<(usize, csv::StringRecord)>> {
    let several = tables.len() > 1;
    let mut sample: Vec<(usize, csv::StringRecord)> = Vec::new();
    let mut any_record = false;
    for (k, t) in tables.iter().enumerate() {
        let mut bad: Option<(u64, usize)> = None;
        let mut stray = None;
        t.records(|r| {
            any_record = true;
            if let Some(s) = r.stray {
                if !read.skip_bad_rows {
                    stray = Some((r.line, s));
                    return Ok(false);
                }
                return Ok(true);
            }
            if r.fields.len() != t.headers.len() {
                if !read.skip_bad_rows {
                    bad = Some((r.line, r.fields.len()));
                    return Ok(false);
                }
                return Ok(true);
            }
            sample.push((k, r.fields.to_record()));
            Ok(sample.len() < SAMPLE_ROWS)
        })
        .with_context(|| format!("failed to load `{}`", shown(&t.name)))?;
        if let Some((line, s)) = stray {
            let err = stray_quote_error(t, line, s);
            return Err(err.context(format!("failed to load `{}`", shown(&t.name))));
        }
        if let Some((line, found)) = bad {
            let err = bad_row_error(t, line, found)
                .with_context(|| format!("failed to load `{}`", shown(&t.name)))?;
            return Err(err.context(format!("failed to load `{}`", shown(&t.name))));
        }
        if sample.len() >= SAMPLE_ROWS {
            break;
        }
    }
    if !any_record {
        let what = if several {
            "the files have"
        } else {
            "the file has"
        };
        bail!(
            "failed to load `{}`: {what} a header but no data rows\n  columns: {}",
            shown(path),
            clip(
                &headers
                    .iter()
                    .map(|h| format!("`{}`", shown(h)))
                    .collect::<Vec<_>>()
                    .join(", "),
                300
            )
        );
    }
    Ok(sample)
}

/// The columns to read, found by header or question (see [`columns::choose`]): `named` holds
/// each column's header and, where the export has one, its question.
fn choose_columns(
    tables: &[&Table],
    path: &str,
    (headers, questions): (&[String], &[Option<String>]),
    values: &dyn Fn(usize) -> Vec<String>,
    options: &ColumnOptions,
    (taxonomy, classifier): (&Taxonomy, &Classifier),
) -> Result<Chosen> {
    // Columns are found by their question where the export has one (Qualtrics' `Q2` asks
    // "Why did you cancel?"); a name the user gives may be either.
    let findable: Vec<String> = headers
        .iter()
        .zip(questions)
        .map(|(h, q)| q.clone().unwrap_or_else(|| h.clone()))
        .collect();
    let as_findable = |name: &String| -> String {
        match columns::find(headers, name) {
            Some(i) if columns::find(&findable, name).is_none() => findable[i].clone(),
            _ => name.clone(),
        }
    };
    let reason_col = options.reason_col.as_ref().map(as_findable);
    let code_cols: Vec<String> = options.code_cols.iter().map(as_findable).collect();
    columns::choose(
        &findable,
        values,
        classifier,
        &taxonomy.code_maps,
        reason_col.as_deref(),
        &code_cols,
    )
    .map_err(|e| {
        let mut msg = format!("failed to load `{}`: {e}", shown(path));
        if headers.len() == 1 && tables.iter().all(|t| t.format == "csv") {
            msg.push_str(
                "\n  note: no delimiter (`,` `;` tab `|`) splits the lines, so the file reads \
                 as one column; is it a CSV export? Name the delimiter with --delimiter if it \
                 is another",
            );
        }
        anyhow::anyhow!(msg)
    })
}

/// A note when a survey tool's answers in `column` (a sample: `values`) are all numbers: an
/// export with numeric choice values.
fn numeric_answers(tables: &[&Table], column: &str, values: &[String]) -> Option<String> {
    let filled: Vec<&String> = values.iter().filter(|v| !v.trim().is_empty()).collect();
    let numbers = !filled.is_empty()
        && filled
            .iter()
            .all(|v| v.trim().bytes().all(|b| b.is_ascii_digit()));
    (numbers && tables.iter().any(|t| t.layout != layout::Layout::Plain)).then(|| {
        format!(
            "the answers in `{}` are numbers: a survey export with numeric values (choice \
             codes) says nothing a tagger can read; export it with choice text (Qualtrics: \
             \"Use choice text\"), or map the numbers in churn.toml and name the column with \
             --code-col",
            shown(column)
        )
    })
}

/// What finding a file's own columns needs: the tables, a sample of their rows (table index,
/// record) and the taxonomy.
struct Found<'a> {
    tables: &'a [&'a Table],
    sample: &'a [(usize, csv::StringRecord)],
    taxonomy: &'a Taxonomy,
    classifier: &'a Classifier,
}

/// Files combined by column name whose free-text answers are under different headers
/// (`reason` in one, `Why did you cancel?` in another): a file without the chosen column reads
/// its own reason column in its place, with a note, so that its answers are not counted as
/// blank.
fn align_text_columns(
    found: &Found<'_>,
    headers: &[String],
    text: Option<usize>,
    maps: &mut [Vec<Option<usize>>],
    notes: &mut Vec<String>,
) {
    let Some(text) = text else { return };
    for (k, t) in found.tables.iter().enumerate() {
        if maps[k][text].is_some() {
            continue;
        }
        let values = |j: usize| -> Vec<String> {
            found
                .sample
                .iter()
                .filter(|(f, _)| *f == k)
                .filter_map(|(_, r)| r.get(j).map(str::to_string))
                .collect()
        };
        let own = columns::choose(
            &t.headers,
            &values,
            found.classifier,
            &found.taxonomy.code_maps,
            None,
            &[],
        );
        if let Ok(columns::Chosen { text: Some(j), .. }) = own {
            maps[k][text] = Some(j);
            notes.push(format!(
                "`{}` has no `{}`; its answers are read from `{}` instead (files are combined by \
                 column name, and each file's reason column is read as one)",
                shown(&t.name),
                shown(&headers[text]),
                shown(&t.headers[j])
            ));
        }
    }
}

/// Say which columns of the combined header each file lacks (left blank for its rows).
fn note_missing_columns(
    tables: &[&Table],
    headers: &[String],
    maps: &[Vec<Option<usize>>],
    notes: &mut Vec<String>,
) {
    for (t, map) in tables.iter().zip(maps) {
        let missing: Vec<String> = headers
            .iter()
            .zip(map)
            .filter(|(_, m)| m.is_none())
            .map(|(h, _)| format!("`{}`", shown(h)))
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "`{}` has no {} (left blank); files are combined by column name",
                shown(&t.name),
                clip(&missing.join(", "), 200)
            ));
        }
    }
}

/// Read the inputs like [`load`], handing the answers of every row kept, in runs, to `work`'s
/// `map` (with a state from `init` per thread) instead of keeping them: the results come back
/// in file order. The frame holds the extra columns only. Plain and compressed CSV files are
/// streamed (see [`stream`]), so memory does not grow with the file; anything else is read
/// whole first, and its rows are handed on a chunk at a time.
pub fn scan<S, T: Send>(
    inputs: &[String],
    read: &ReadOptions,
    options: &ColumnOptions,
    rules: (&Taxonomy, &Classifier),
    work: &Work<'_, S, T>,
) -> Result<(Loaded, Vec<T>)> {
    let names = input_names(inputs)?;
    let mut fallback = None;
    if !options.keep_all && read.block_bytes != Some(0) {
        let job = stream::Job {
            init: work.init,
            map: &|state, rows| (work.map)(state, rows.answers),
            progress: work.progress,
            all: false,
        };
        let ran = match stream::start(&names, read, options, rules, false)? {
            Ok(prepared) => prepared.run(read, &job, None)?,
            Err(why) => Err(why),
        };
        match ran {
            Ok(done) => return Ok(done),
            Err(why) => fallback = Some(why),
        }
    }
    let mut sources = Vec::with_capacity(names.len());
    for name in &names {
        sources.push(source::read(name, read.encoding)?);
    }
    let (tables, plan) = tables_and_plan(sources, read, options, rules)?;
    let (mut loaded, parts) = scan_in_chunks(&tables, plan, read, options, work)?;
    if let Some((k, why)) = fallback {
        note_read_whole(&mut loaded, &names[k], why);
    }
    Ok((loaded, parts))
}

/// [`scan`] of tables read whole: `work`'s `map` on every core over each chunk's rows while
/// the next is read, keeping the extra columns and the rows' places.
fn scan_in_chunks<S, T: Send>(
    tables: &[Table],
    plan: Plan,
    read: &ReadOptions,
    options: &ColumnOptions,
    work: &Work<'_, S, T>,
) -> Result<(Loaded, Vec<T>)> {
    let extras: Vec<PlSmallStr> = (plan.extras().into_iter())
        .map(|i| PlSmallStr::from(plan.headers[i].as_str()))
        .collect();
    let hints: Option<u64> = tables.iter().map(Table::rows_hint).sum();
    let mut parts = Vec::new();
    let mut kept: Option<DataFrame> = None;
    let (mut lines, mut files) = (Vec::new(), Vec::new());
    let mut done = 0u64;
    let whole = Whole {
        tables,
        plan,
        read,
        options,
    };
    let mut loaded = pipelined(whole, &mut |chunk| {
        let answers = chunk.answers();
        let total = hints.unwrap_or(0).max(done + answers.len() as u64);
        let runs: Vec<_> = runs(0..answers.len()).collect();
        parts.extend(map_in_runs(&answers, &runs, work, (done, total)));
        done += answers.len() as u64;
        if !extras.is_empty() {
            let part = chunk.frame.select(extras.iter().cloned())?;
            match kept.as_mut() {
                Some(frame) => drop(frame.vstack_mut(&part)?),
                None => kept = Some(part),
            }
            lines.extend_from_slice(&chunk.lines);
            files.extend_from_slice(&chunk.files);
        }
        Ok(())
    })?;
    // One part even of no rows: the caller's tally exists then too.
    if parts.is_empty() {
        let none: Vec<std::ops::Range<usize>> = std::iter::once(0..0).collect();
        parts = map_in_runs(&Answers::new(0), &none, work, (0, 0));
    }
    if let Some(mut frame) = kept {
        frame.rechunk_mut();
        (loaded.frame, loaded.lines, loaded.files) = (frame, lines, files);
    }
    Ok((loaded, parts))
}

/// The files the inputs name (globs expanded), standard input at most once.
fn input_names(inputs: &[String]) -> Result<Vec<String>> {
    let names = source::expand(inputs)?;
    if names.iter().filter(|n| *n == "-").count() > 1 {
        bail!("`-` (standard input) can be given once");
    }
    anyhow::ensure!(!names.is_empty(), "no input file given");
    Ok(names)
}

/// Files at least this large are worth a note when they are read whole rather than streamed
/// (`CHURN_LARGE_BYTES` says otherwise, for tests).
const LARGE: u64 = 64 << 20;

/// Say that a large file was read whole, why, and what it costs.
fn note_read_whole(loaded: &mut Loaded, name: &str, why: &str) {
    let size = std::fs::metadata(name).map_or(0, |m| m.len());
    let large = std::env::var("CHURN_LARGE_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(LARGE);
    if size >= large {
        loaded.notes.push(format!(
            "`{}` ({}) is read whole rather than streamed, because {why}: that takes about \
             three times its size in memory{}",
            shown(name),
            churn_core::text::size(size),
            if why.contains("UTF-8") {
                " (converted to UTF-8, with `iconv -t UTF-8`, it is streamed)"
            } else {
                ""
            }
        ));
    }
}

/// Rows per run handed to `map` when the rows are in memory.
const RUN: usize = 20_000;

/// `range` cut into runs of [`RUN`] rows (the last may be shorter).
fn runs(range: std::ops::Range<usize>) -> impl Iterator<Item = std::ops::Range<usize>> {
    let end = range.end;
    range.step_by(RUN).map(move |s| s..(s + RUN).min(end))
}

/// `map` over `runs` of the rows on every core, results in row order; progress is told as
/// `done` rows before these of `total`.
fn map_in_runs<S, T: Send>(
    answers: &Answers<'_>,
    runs: &[std::ops::Range<usize>],
    work: &Work<'_, S, T>,
    (before, total): (u64, u64),
) -> Vec<T> {
    let done = std::sync::atomic::AtomicU64::new(before);
    let map = |state: &mut S, k: usize| {
        let run = &runs[k];
        let part = (work.map)(state, &answers.slice(run.clone()));
        let rows = run.len() as u64;
        let so_far = done.fetch_add(rows, std::sync::atomic::Ordering::Relaxed);
        (work.progress)(so_far + rows, total);
        part
    };
    on_every_core(runs.len(), work.init, &map)
}

/// `work` on each of `0..n` on every core (each core takes a share in order, with a state from
/// `init`), the results in order.
fn on_every_core<S, T: Send>(
    n: usize,
    init: &(dyn Fn() -> S + Sync),
    work: &(dyn Fn(&mut S, usize) -> T + Sync),
) -> Vec<T> {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    let threads = cores.min(n).max(1);
    let per = n.div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .step_by(per)
            .map(|start| {
                scope.spawn(move || {
                    let mut state = init();
                    (start..(start + per).min(n))
                        .map(|k| work(&mut state, k))
                        .collect::<Vec<T>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("a worker thread panicked"))
            .collect()
    })
}

/// Load sources already read (the pure part of [`load`]).
pub fn load_sources(
    sources: Vec<Source>,
    read: &ReadOptions,
    options: &ColumnOptions,
    taxonomy: &Taxonomy,
    classifier: &Classifier,
) -> Result<Loaded> {
    let (tables, plan) = tables_and_plan(sources, read, options, (taxonomy, classifier))?;
    fill(&tables, plan, read, options)
}

/// The sources opened as tables, and the columns to read from them.
fn tables_and_plan(
    sources: Vec<Source>,
    read: &ReadOptions,
    options: &ColumnOptions,
    (taxonomy, classifier): (&Taxonomy, &Classifier),
) -> Result<(Vec<Table>, Plan)> {
    anyhow::ensure!(!sources.is_empty(), "no input file given");
    let (tables, notes) = open_tables(sources, read)?;
    let refs: Vec<&Table> = tables.iter().collect();
    let plan = plan(&refs, notes, read, options, taxonomy, classifier)?;
    Ok((tables, plan))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_csv(name: &str, text: &str, options: &ColumnOptions) -> Loaded {
        let taxonomy = churn_core::config::builtin_taxonomy();
        let classifier = Classifier::new(&taxonomy).unwrap();
        let bytes = text.as_bytes().to_vec();
        let source = Source {
            name: name.to_string(),
            format: source::format_of(name, &bytes).unwrap(),
            bytes,
            compression: None,
        };
        let read = ReadOptions::default();
        load_sources(vec![source], &read, options, &taxonomy, &classifier).unwrap()
    }

    fn names(frame: &DataFrame) -> Vec<String> {
        frame
            .get_column_names()
            .iter()
            .map(|n| n.to_string())
            .collect()
    }

    fn raw(loaded: &Loaded, name: &str) -> Vec<Option<String>> {
        let column = loaded.frame.column(name).unwrap().str().unwrap();
        column.iter().map(|c| c.map(str::to_string)).collect()
    }

    #[test]
    fn the_frame_has_the_files_headers_and_cells_as_read() {
        let options = ColumnOptions {
            extra: vec![("--by", "plan".into()), ("--id-col", "plan".into())],
            ..ColumnOptions::default()
        };
        let text = "id,Why did you leave?,plan\n1,  too expensive ,pro\n2,   ,\n";
        let loaded = load_csv("a.csv", text, &options);
        // The answer, then the extras; `plan` once though asked for twice.
        assert_eq!(names(&loaded.frame), ["Why did you leave?", "plan"]);
        let why = raw(&loaded, "Why did you leave?");
        assert_eq!(why, [Some("  too expensive ".into()), Some("   ".into())]);
        assert_eq!(raw(&loaded, "plan"), [Some("pro".into()), Some("".into())]);
        let roles = FrameColumns {
            text: Some("Why did you leave?".into()),
            codes: vec![],
        };
        assert_eq!(loaded.roles, roles);
        // The answers and the extras' cells see blanks as none.
        let answers = loaded.answers();
        assert_eq!(answers.text(0), Some("  too expensive "));
        assert_eq!(answers.text(1), None);
        assert_eq!(loaded.extra_cells(0), [Some("pro"), None]);
        assert_eq!(loaded.extra_cells(1), loaded.extra_cells(0));
    }

    #[test]
    fn every_column_is_kept_by_its_name_with_keep_all() {
        let options = ColumnOptions {
            keep_all: true,
            ..ColumnOptions::default()
        };
        let text = "id,reason,cancellation_reason\n1,,too_expensive\n2,moved away,\n";
        let loaded = load_csv("a.csv", text, &options);
        assert_eq!(
            names(&loaded.frame),
            ["id", "reason", "cancellation_reason"]
        );
        assert_eq!(loaded.roles.text.as_deref(), Some("reason"));
        assert_eq!(loaded.roles.codes, ["cancellation_reason"]);
        assert_eq!(
            raw(&loaded, "reason"),
            [Some("".into()), Some("moved away".into())]
        );
        let answers = loaded.answers();
        assert_eq!(
            (answers.text(0), answers.codes(0)),
            (None, &[Some("too_expensive")][..])
        );
        assert_eq!(
            (answers.text(1), answers.codes(1)),
            (Some("moved away"), &[None][..])
        );
        assert_eq!(loaded.filled, (Some(1), vec![1]));
    }

    #[test]
    fn an_answer_of_several_columns_is_a_column_of_its_own() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/layouts/qualtrics.csv"
        );
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8(bytes).unwrap();
        for keep_all in [false, true] {
            let options = ColumnOptions {
                keep_all,
                ..ColumnOptions::default()
            };
            let loaded = load_csv("q.csv", &text, &options);
            assert_eq!(loaded.roles.text.as_deref(), Some(ANSWER));
            let columns = names(&loaded.frame);
            assert_eq!(columns.last().map(String::as_str), Some(ANSWER));
            // The question's columns are there by their own names when every column is kept.
            assert_eq!(columns.contains(&"Q1_7_TEXT".to_string()), keep_all);
            let answers = raw(&loaded, ANSWER);
            let q1 = raw(&loaded, "Q1");
            assert_eq!(answers[0], q1[0]);
            assert!(answers.iter().all(Option::is_some));
        }
    }
}
