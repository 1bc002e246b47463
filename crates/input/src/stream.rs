//! Large CSV files, read as a stream of blocks instead of whole: one thread reads and cuts the
//! file into blocks of whole records, every core parses its blocks and hands the rows' answers
//! to the caller's `map` (the classifier), and the results are put back in file order. Only
//! the columns the analysis needs leave a block, so memory stays flat however large the file.
//!
//! Streaming is an optimisation of [`super::load`], never a second opinion: a file it cannot
//! read exactly as the whole-file path would (standard input, a workbook or Parquet file, an
//! encoding other than UTF-8, a row with the wrong number of fields, a quote left open, a NUL
//! byte, ...) is handed back, and the caller reads everything whole, where those are decoded
//! or reported.

use std::collections::BTreeMap;
use std::io::Read;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Mutex};

use anyhow::Result;
use encoding_rs::{Encoding, UTF_8};
use polars::prelude::{DataFrame, IntoColumn, PlSmallStr, StringChunkedBuilder};

use super::decode::utf16_without_bom;
use super::records::{newlines, parse, parse_records, Record};
use super::source::{self, Format, Source, Stream};
use super::table::{unclosed_quote_check, ReadOptions, Table};
use super::whole::{assemble, something_left, RowsRead};
use super::{
    plan, table_notes, Answers, ColumnOptions, FilteredOut, Loaded, Plan, RejectedRow, SourceInfo,
    SAMPLE_ROWS,
};
use churn_core::classify::{Classifier, MAX_ANSWER_BYTES};
use churn_core::taxonomy::Taxonomy;

/// Bytes per block handed to a core, unless [`ReadOptions::block_bytes`] says otherwise.
const BLOCK: usize = 1 << 20;
/// Bytes of a file read before its dialect is sniffed (as much as the sniffer looks at).
const HEAD: usize = 256 * 1024;
/// The most read ahead for the first records (the sample the columns are chosen from), and
/// the longest record a block may hold: a file with longer rows is read whole, within the
/// limit of what is read whole.
const MAX_AHEAD: usize = 64 << 20;

/// Why a file is read whole rather than streamed: the file (index into the inputs) and a reason
/// for people.
pub(super) type Fallback = (usize, &'static str);

/// A file opened for streaming: its table (the header and the first records, from the head)
/// and the rest of its bytes.
pub(super) struct Head {
    table: Table,
    stream: Stream,
    /// The bytes read so far, from the first byte of the header (a byte-order mark dropped).
    bytes: Vec<u8>,
    eof: bool,
}

/// Read into `buf` until it holds `want` bytes or the input ends; whether it ended.
fn fill(reader: &mut dyn Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<bool> {
    while buf.len() < want {
        let start = buf.len();
        buf.resize(want, 0);
        match reader.read(&mut buf[start..]) {
            Ok(0) => {
                buf.truncate(start);
                return Ok(true);
            }
            Ok(n) => buf.truncate(start + n),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(start),
            Err(e) => {
                buf.truncate(start);
                return Err(e);
            }
        }
    }
    Ok(false)
}

/// Complete records in `bytes` (the header counted), up to `enough`.
fn complete_records(bytes: &[u8], delimiter: u8, enough: usize) -> usize {
    let mut n = 0;
    let parsed = parse(bytes, delimiter, 1, |_| {
        n += 1;
        Ok(n <= enough)
    });
    match parsed {
        Ok(p) if p.stopped || p.clean => n.min(enough),
        _ => n.saturating_sub(1),
    }
}

/// Open every input for streaming, or say which must be read whole and why.
pub(super) fn open(
    names: &[String],
    read: &ReadOptions,
) -> Result<std::result::Result<Vec<Head>, Fallback>> {
    let mut heads = Vec::with_capacity(names.len());
    for (k, name) in names.iter().enumerate() {
        match head(name, read) {
            Ok(h) => heads.push(h),
            Err(why) => return Ok(Err((k, why))),
        }
    }
    Ok(Ok(heads))
}

fn head(name: &str, read: &ReadOptions) -> std::result::Result<Head, &'static str> {
    const NOT_UTF8: &str = "it is not in UTF-8";
    if read.encoding.is_some_and(|e| e != UTF_8) {
        return Err(NOT_UTF8);
    }
    let mut stream = source::open_stream(name).ok_or("it is standard input or not a plain file")?;
    let mut bytes = Vec::new();
    let mut want = HEAD;
    loop {
        let eof = fill(&mut stream.reader, &mut bytes, want).map_err(|_| "it cannot be read")?;
        if source::format_of(name, &bytes).ok() != Some(Format::Csv) {
            return Err("it is not a CSV file");
        }
        let bom = match Encoding::for_bom(&bytes) {
            Some((e, n)) if e == UTF_8 => n,
            Some(_) => return Err(NOT_UTF8),
            None if utf16_without_bom(&bytes).is_some() => return Err(NOT_UTF8),
            None => 0,
        };
        let valid = match simdutf8::compat::from_utf8(&bytes[bom..]) {
            Ok(_) => bytes.len() - bom,
            // A character cut by the end of what was read so far.
            Err(e) if e.error_len().is_none() && !eof => e.valid_up_to(),
            Err(_) => return Err(NOT_UTF8),
        };
        let text = &bytes[bom..bom + valid];
        if memchr::memchr(0, text).is_some() {
            return Err("it holds a NUL byte");
        }
        // Lines ended by a lone `\r` only: blocks are cut at `\n`, and the whole-file reader
        // reads such line ends as lines.
        if memchr::memchr(b'\n', text).is_none() && memchr::memchr(b'\r', text).is_some() {
            return Err("its lines end with a lone carriage return");
        }
        let start = std::str::from_utf8(text)
            .map_err(|_| NOT_UTF8)?
            .trim_start();
        if start.is_empty() || start.starts_with(['{', '[', '<']) {
            return Err("it is not a CSV file");
        }
        let delimiter = read
            .delimiter
            .unwrap_or_else(|| super::sniff::sniff(std::str::from_utf8(text).unwrap_or("")));
        if !eof && complete_records(text, delimiter, SAMPLE_ROWS + 2) <= SAMPLE_ROWS + 1 {
            if bytes.len() >= MAX_AHEAD {
                return Err("its first rows run past 64 MiB");
            }
            want = (bytes.len() * 2).min(MAX_AHEAD);
            continue;
        }
        let table = Table::open(
            Source {
                name: name.to_string(),
                bytes: bytes[..bom + valid].to_vec(),
                compression: stream.compression,
                format: Format::Csv,
            },
            read,
        )
        .map_err(|_| "it is not a CSV file")?;
        // Survey exports are small: extra header rows and response statuses are read by the
        // whole-file reader only.
        if super::layout::read_whole(table.layout) {
            return Err("it is a survey tool's export (header rows or response statuses)");
        }
        bytes.drain(..bom);
        // Many small files are opened at once: one read whole keeps neither its file nor its
        // read buffer, and no more memory than its bytes.
        bytes.shrink_to_fit();
        if eof {
            stream.reader = Box::new(std::io::empty());
        }
        return Ok(Head {
            table,
            stream,
            bytes,
            eof,
        });
    }
}

/// A run of whole records of one file.
struct Block {
    seq: usize,
    file: usize,
    bytes: Vec<u8>,
    /// Whether the block starts with the header (the file's first block).
    header: bool,
    /// Whether the block ends the file.
    last: bool,
}

/// The end of the last record in `buf` that ends with a line break, assuming `buf` starts at a
/// record: after the last `\n` with an even number of `"` before it. A `"` inside an unquoted
/// field can fool this; the block's parse then does not end cleanly and the file is read
/// whole.
fn cut(buf: &[u8]) -> Option<usize> {
    let mut odd = memchr::memchr_iter(b'"', buf).count() % 2 == 1;
    for i in memchr::memrchr2_iter(b'\n', b'"', buf) {
        if buf[i] == b'"' {
            odd = !odd;
        } else if !odd {
            return Some(i + 1);
        }
    }
    None
}

/// Cut each file into blocks and send them, until done or `stop`. Buffers the workers are
/// done with come back through `spare`, so that blocks reuse memory instead of faulting in
/// fresh pages.
fn read_blocks(
    block_bytes: usize,
    heads: Vec<(usize, Vec<u8>, bool, Stream)>,
    send: &mpsc::SyncSender<Block>,
    spare: &mpsc::Receiver<Vec<u8>>,
    stop: &AtomicBool,
) -> std::result::Result<(), ()> {
    let mut seq = 0;
    for (file, mut buf, mut eof, mut stream) in heads {
        let mut header = true;
        let mut want = block_bytes;
        loop {
            if stop.load(Ordering::Relaxed) {
                return Ok(());
            }
            if !eof {
                eof = fill(&mut stream.reader, &mut buf, want).map_err(|_| ())?;
            }
            let last = eof && buf.len() <= want;
            let at = if last {
                buf.len()
            } else {
                match cut(&buf[..want.min(buf.len())]) {
                    Some(at) => at,
                    None if want >= MAX_AHEAD => return Err(()),
                    None => {
                        // One record longer than a block: read on.
                        want = (want * 2).min(MAX_AHEAD);
                        continue;
                    }
                }
            };
            want = block_bytes;
            let mut next = spare.try_recv().unwrap_or_default();
            next.clear();
            next.extend_from_slice(&buf[at..]);
            buf.truncate(at);
            let block = Block {
                seq,
                file,
                bytes: std::mem::replace(&mut buf, next),
                header,
                last,
            };
            seq += 1;
            header = false;
            if send.send(block).is_err() {
                return Ok(());
            }
            if last {
                break;
            }
        }
    }
    Ok(())
}

/// What a block gives back: its counts and cells, and what `map` made of its answers.
struct Done<T> {
    counts: Counts,
    part: T,
}

/// A block's rows, counted, with the cells kept.
struct Counts {
    file: usize,
    /// Line breaks in the block: where the next block starts. The lines below count from the
    /// block's start (0); the merge adds where the block starts.
    newlines: u64,
    rows: usize,
    filtered_out: usize,
    rejected: Vec<RejectedRow>,
    /// Lines of the rows kept (only when extra or all columns are read).
    lines: Vec<u64>,
    kept: usize,
    /// Extra columns' cells of the rows kept, row by row, as ranges of `arena`.
    extras: Vec<Option<(u32, u32)>>,
    /// Every column's cells of the rows kept, as read (`keep_all`), row by row, as ranges of
    /// `arena`; `None` where the file lacks the column.
    all: Vec<Option<(u32, u32)>>,
    arena: Vec<u8>,
    filled_text: usize,
    filled_codes: Vec<usize>,
    /// Lines of answers longer than [`MAX_ANSWER_BYTES`].
    long: Vec<u64>,
}

impl Counts {
    fn new(file: usize, codes: usize) -> Counts {
        Counts {
            file,
            newlines: 0,
            rows: 0,
            filtered_out: 0,
            rejected: Vec::new(),
            lines: Vec::new(),
            kept: 0,
            extras: Vec::new(),
            all: Vec::new(),
            arena: Vec::new(),
            filled_text: 0,
            filled_codes: vec![0; codes],
            long: Vec::new(),
        }
    }
}

/// How one file's columns are read.
struct FileSpec {
    name: String,
    expected: usize,
    delimiter: u8,
    text: Option<usize>,
    codes: Vec<Option<usize>>,
    /// The id column, when one is read (`Some(None)` when this file lacks it): each row's id
    /// goes with its answers.
    id: Option<Option<usize>>,
    extras: Vec<Option<usize>>,
    /// With `keep_all`, per header of the files combined: the file's column.
    all: Vec<Option<usize>>,
    /// Per filter, the file's column.
    filters: Vec<Option<usize>>,
}

impl FileSpec {
    fn of(table: &Table, plan: &Plan, map: &[Option<usize>], keep_all: bool) -> FileSpec {
        FileSpec {
            name: table.name.clone(),
            expected: table.headers.len(),
            delimiter: table.delimiter.unwrap_or(b','),
            text: plan.chosen.text.and_then(|i| map[i]),
            codes: plan.chosen.codes.iter().map(|&i| map[i]).collect(),
            id: plan.id_column.map(|i| map[i]),
            extras: plan.extras().into_iter().map(|i| map[i]).collect(),
            all: if keep_all { map.to_vec() } else { Vec::new() },
            filters: plan.filters.iter().map(|(i, _)| map[*i]).collect(),
        }
    }
}

/// What a block keeps besides the answers.
#[derive(Debug, Clone, Copy)]
struct Keep {
    skip_bad_rows: bool,
    /// The lines of the rows kept.
    lines: bool,
    /// Every cell as read, and the fields of rejected rows (`keep_all`).
    all: bool,
}

/// A worker's memory, reused from block to block, and the caller's state and work.
struct Worker<'w, S, T> {
    answers: AnswerCells,
    state: S,
    map: &'w (dyn Fn(&mut S, &BlockRows<'_>) -> T + Sync),
}

/// The answers of a block's rows kept, reused from block to block.
#[derive(Default)]
struct AnswerCells {
    /// Text and codes of the rows kept, back to back.
    cells: Vec<u8>,
    /// Per row kept: the text's, each code's and the id's (when read) range of `cells`.
    ranges: Vec<Option<(u32, u32)>>,
}

/// What the workers do with the blocks: a state per thread, the work on a block's rows, and
/// progress (bytes read of all); `all` keeps every cell (and rejected rows' fields) for it.
pub(super) struct Job<'a, S, T> {
    pub init: &'a (dyn Fn() -> S + Sync),
    pub map: &'a (dyn Fn(&mut S, &BlockRows<'_>) -> T + Sync),
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
    pub all: bool,
}

/// A block's rows as the workers see them. Lines count from the block's start (0) until the
/// blocks are put in order ([`Emit::block`] is told where it starts).
pub(super) struct BlockRows<'a> {
    pub path: &'a str,
    /// The answers of the rows kept.
    pub answers: &'a Answers<'a>,
    /// With [`Job::all`]: each kept row's line, its cells (`width` a row: every header of the
    /// files combined, "" where this file lacks it), and the rows rejected, in order.
    pub lines: &'a [u64],
    pub cells: &'a [&'a str],
    pub width: usize,
    pub rejected: &'a [RejectedRow],
}

/// Where the blocks go, in file order, when their rows are not kept.
pub(super) trait Emit<T> {
    /// A block's part, and the line it starts on (lines in the part count from 0 there).
    fn block(&mut self, part: T, base: u64) -> Result<()>;
}

/// Copy a non-blank cell to `arena`, giving its range.
fn range(arena: &mut Vec<u8>, cell: Option<&[u8]>) -> Option<(u32, u32)> {
    let v = cell.filter(|v| {
        // Blank as `str::trim` sees it; only a cell starting with a non-ASCII byte needs a look
        // at its characters.
        let t = v.trim_ascii_start();
        !t.is_empty() && (t[0] < 0x80 || !is_blank(t))
    })?;
    raw_range(arena, Some(v))
}

/// Copy a cell, blank or not, to `arena`, giving its range.
fn raw_range(arena: &mut Vec<u8>, cell: Option<&[u8]>) -> Option<(u32, u32)> {
    let v = cell?;
    let start = arena.len() as u32;
    arena.extend_from_slice(v);
    Some((start, arena.len() as u32))
}

/// Whether UTF-8 bytes are only white space (as `str::trim` sees it).
fn is_blank(v: &[u8]) -> bool {
    simdutf8::basic::from_utf8(v).is_ok_and(|s| s.trim().is_empty())
}

/// How a block's records are read: the file's columns, the plan, and what is kept.
#[derive(Clone, Copy)]
struct Reading<'a> {
    spec: &'a FileSpec,
    plan: &'a Plan,
    keep: Keep,
    file: usize,
}

impl Reading<'_> {
    /// Count one data record and keep its cells: `false` when the file must be read whole.
    fn record(
        &self,
        r: &Record<'_>,
        AnswerCells { cells, ranges }: &mut AnswerCells,
        done: &mut Counts,
    ) -> bool {
        let (spec, fields) = (self.spec, &r.fields);
        done.rows += 1;
        if r.stray.is_some() {
            // Block cuts assume quotes pair up; the whole-file reader says what is wrong.
            return false;
        }
        if fields.len() != spec.expected {
            done.rejected.push(RejectedRow {
                path: spec.name.clone(),
                file: self.file as u32,
                line: r.line,
                expected_fields: spec.expected,
                found_fields: fields.len(),
                cause: "field_count",
                fields: match self.keep.all {
                    true => fields.iter().map(str::to_string).collect(),
                    false => Vec::new(),
                },
            });
            return self.keep.skip_bad_rows;
        }
        if !self
            .plan
            .keeps(|k| spec.filters[k].and_then(|j| fields.get(j)))
        {
            done.filtered_out += 1;
            return true;
        }
        done.kept += 1;
        let cell = |j: Option<usize>| j.and_then(|j| fields.bytes(j));
        let text = range(cells, cell(spec.text));
        if let Some((a, b)) = text {
            done.filled_text += 1;
            if (b - a) as usize > MAX_ANSWER_BYTES {
                done.long.push(r.line);
            }
        }
        ranges.push(text);
        for (k, &c) in spec.codes.iter().enumerate() {
            let code = range(cells, cell(c));
            done.filled_codes[k] += usize::from(code.is_some());
            ranges.push(code);
        }
        if let Some(id) = spec.id {
            ranges.push(range(cells, cell(id)));
        }
        for &c in &spec.extras {
            done.extras.push(raw_range(&mut done.arena, cell(c)));
        }
        for &c in &spec.all {
            done.all.push(raw_range(&mut done.arena, cell(c)));
        }
        if self.keep.lines {
            done.lines.push(r.line);
        }
        true
    }
}

/// Parse and map one block; `Err` when the file must be read whole, with why.
fn process<S, T>(
    block: &Block,
    reading: Reading<'_>,
    worker: &mut Worker<'_, S, T>,
) -> std::result::Result<Done<T>, &'static str> {
    const ROWS: &str = "a row has the wrong number of fields or a stray quote";
    let bytes = &block.bytes;
    if simdutf8::basic::from_utf8(bytes).is_err() {
        return Err("it is not all UTF-8");
    }
    if memchr::memchr(0, bytes).is_some() {
        return Err("it holds a NUL byte");
    }
    let spec = reading.spec;
    let width = spec.codes.len();
    let answer_cells = &mut worker.answers;
    answer_cells.cells.clear();
    answer_cells.ranges.clear();
    let mut done = Counts::new(block.file, width);
    let mut header = block.header;
    let mut bad = false;
    let mut last_data = None;
    let parsed = parse_records(bytes, spec.delimiter, 0, |r| {
        if std::mem::take(&mut header) {
            return Ok(true);
        }
        last_data = Some(r.line);
        bad = !reading.record(&r, answer_cells, &mut done);
        Ok(!bad)
    })
    .map_err(|_| ROWS)?;
    if bad || (!block.last && !parsed.clean) {
        return Err(ROWS);
    }
    // Line breaks to the end: those before the last record's start, and from there on.
    done.newlines = match parsed.last {
        Some((line, start)) => line + newlines(&bytes[start..]),
        None => newlines(bytes),
    };
    if block.last {
        if let (Some(line), Some((_, start))) = (last_data, parsed.last) {
            let rest = std::str::from_utf8(&bytes[start..]).map_err(|_| "it is not all UTF-8")?;
            unclosed_quote_check(rest, line).map_err(|_| "a quote is never closed")?;
        }
    }
    // The cells are UTF-8 (the block is, and a field is the block's bytes less some `"`).
    let text =
        simdutf8::basic::from_utf8(&answer_cells.cells).map_err(|_| "it is not all UTF-8")?;
    let at = |r: Option<(u32, u32)>| r.and_then(|(a, b)| text.get(a as usize..b as usize));
    let mut answers = Answers::new(width);
    let mut ids = Vec::new();
    let with_id = usize::from(spec.id.is_some());
    for row in answer_cells.ranges.chunks(width + 1 + with_id) {
        answers.push(at(row[0]), row[1..=width].iter().map(|&r| at(r)));
        if with_id == 1 {
            ids.push(at(row[width + 1]));
        }
    }
    if with_id == 1 {
        answers = answers.with_ids(ids);
    }
    // Every cell of the rows kept, for a caller that writes them (the extra columns in the
    // arena are put in the frame by the merge).
    let arena = match reading.keep.all {
        true => simdutf8::basic::from_utf8(&done.arena).map_err(|_| "it is not all UTF-8")?,
        false => "",
    };
    let cell = |r: &Option<(u32, u32)>| r.and_then(|(a, z)| arena.get(a as usize..z as usize));
    let all: Vec<&str> = done.all.iter().map(|r| cell(r).unwrap_or("")).collect();
    let rows = BlockRows {
        path: &spec.name,
        answers: &answers,
        lines: &done.lines,
        cells: &all,
        width: spec.all.len(),
        rejected: &done.rejected,
    };
    let part = (worker.map)(&mut worker.state, &rows);
    if reading.keep.all {
        // Handed on: only the counts go back.
        done.all = Vec::new();
        done.lines = Vec::new();
        for r in &mut done.rejected {
            r.fields = Vec::new();
        }
    }
    Ok(Done { counts: done, part })
}

/// A bad row among the first ones (unless `--skip-bad-rows`): the whole-file path says what is
/// wrong with the file.
fn bad_head(heads: &[Head], read: &ReadOptions) -> Option<Fallback> {
    if read.skip_bad_rows {
        return None;
    }
    let mut seen = 0;
    for (k, h) in heads.iter().enumerate() {
        let mut bad = false;
        let read = h.table.records(|r| {
            seen += 1;
            bad |= r.fields.len() != h.table.headers.len() || r.stray.is_some();
            Ok(!bad && seen < SAMPLE_ROWS)
        });
        // A quote never closed, say: the whole-file reader's message names the file.
        if bad || read.is_err() {
            return Some((k, "a row has the wrong number of fields or a stray quote"));
        }
        if seen >= SAMPLE_ROWS {
            break;
        }
    }
    None
}

/// The blocks put back together in file order: counts added up, and the rows either kept (the
/// extra columns in a frame, `map`'s parts in a list) or handed to `emit` as they come.
struct Merge<'e, T> {
    /// Extra columns kept.
    extra: usize,
    infos: Vec<SourceInfo>,
    builders: Vec<StringChunkedBuilder>,
    emit: Option<&'e mut dyn Emit<T>>,
    parts: Vec<T>,
    lines: Vec<u64>,
    files: Vec<u32>,
    rejected: Vec<RejectedRow>,
    long: Vec<(u32, u64)>,
    filled: (Option<usize>, Vec<usize>),
    rows: usize,
    /// The file of the last block, and the line its next block starts on.
    file: usize,
    base: u64,
}

impl<'e, T> Merge<'e, T> {
    fn new(plan: &Plan, infos: Vec<SourceInfo>, emit: Option<&'e mut dyn Emit<T>>) -> Self {
        let builders = match emit {
            Some(_) => Vec::new(),
            None => (plan.extras().into_iter())
                .map(|i| {
                    StringChunkedBuilder::new(PlSmallStr::from(plan.headers[i].as_str()), 1024)
                })
                .collect(),
        };
        let filled = (
            plan.chosen.text.map(|_| 0usize),
            vec![0usize; plan.chosen.codes.len()],
        );
        Merge {
            extra: plan.extra.len(),
            infos,
            builders,
            emit,
            parts: Vec::new(),
            lines: Vec::new(),
            files: Vec::new(),
            rejected: Vec::new(),
            long: Vec::new(),
            filled,
            rows: 0,
            file: 0,
            base: 1,
        }
    }

    /// Take the next block in file order.
    fn take(&mut self, done: Done<T>) -> Result<()> {
        let Done { counts: d, part } = done;
        if d.file != self.file {
            (self.file, self.base) = (d.file, 1);
        }
        let base = self.base;
        let info = &mut self.infos[d.file];
        info.rows += d.rows;
        info.filtered_out_by.by_where += d.filtered_out;
        info.rejected += d.rejected.len();
        self.rejected
            .extend(d.rejected.into_iter().map(|r| RejectedRow {
                line: r.line + base,
                ..r
            }));
        self.long
            .extend(d.long.iter().map(|&l| (d.file as u32, l + base)));
        self.base += d.newlines;
        if let Some(t) = self.filled.0.as_mut() {
            *t += d.filled_text;
        }
        for (a, b) in self.filled.1.iter_mut().zip(&d.filled_codes) {
            *a += b;
        }
        self.rows += d.kept;
        match self.emit.as_mut() {
            Some(emit) => emit.block(part, base),
            None => {
                let arena = String::from_utf8(d.arena).unwrap_or_default();
                self.keep(d.file, &d.lines, &d.extras, &arena, base);
                self.parts.push(part);
                Ok(())
            }
        }
    }

    /// Keep a block's extra cells and its rows' places.
    fn keep(
        &mut self,
        file: usize,
        lines: &[u64],
        extras: &[Option<(u32, u32)>],
        arena: &str,
        base: u64,
    ) {
        let width = self.builders.len();
        for (k, b) in self.builders.iter_mut().enumerate() {
            for r in extras.iter().skip(k).step_by(width) {
                b.append_option(r.and_then(|(a, z)| arena.get(a as usize..z as usize)));
            }
        }
        if self.extra > 0 {
            self.files
                .extend(std::iter::repeat_n(file as u32, lines.len()));
            self.lines.extend(lines.iter().map(|l| l + base));
        }
    }

    /// The loaded export and the parts, once every block is in.
    fn finish(self, plan: Plan, read: &ReadOptions) -> Result<(Loaded, Vec<T>)> {
        let mut infos = self.infos;
        let mut filtered_out = FilteredOut::default();
        for info in &mut infos {
            info.filtered_out = info.filtered_out_by.total();
            filtered_out.add(&info.filtered_out_by);
        }
        something_left(&plan.path, self.rows, &self.rejected, &filtered_out, read)?;
        let columns: Vec<polars::prelude::Column> = self
            .builders
            .into_iter()
            .map(|b| b.finish().into_column())
            .collect();
        let frame = DataFrame::new(self.rows, columns)?;
        let read = RowsRead {
            sources: infos,
            frame,
            lines: self.lines,
            files: self.files,
            filtered_out,
            rejected: self.rejected,
            filled: self.filled,
            long: self.long,
            streamed: true,
        };
        Ok((assemble(plan, read), self.parts))
    }
}

/// Open the files and choose their columns ([`open`], then [`prepare`]).
pub(super) fn start(
    names: &[String],
    read: &ReadOptions,
    options: &ColumnOptions,
    rules: (&Taxonomy, &Classifier),
    all: bool,
) -> Result<std::result::Result<Prepared, Fallback>> {
    match open(names, read)? {
        Ok(heads) => prepare(heads, read, options, rules, all),
        Err(why) => Ok(Err(why)),
    }
}

/// What is known of the input before its first row.
#[derive(Debug, Clone, Copy)]
pub struct Heading<'a> {
    /// The path as the user gave it; several, joined with ", ".
    pub path: &'a str,
    /// Every header of the files combined, in order.
    pub headers: &'a [String],
    /// How many files there are.
    pub files: usize,
}

/// Files opened for streaming, their columns chosen: what is known before the first block.
pub(super) struct Prepared {
    heads: Vec<Head>,
    plan: Plan,
    specs: Vec<FileSpec>,
    skip_bad_rows: bool,
}

/// Choose the columns of the files opened, or say which must be read whole after all, and why.
/// `all` keeps every cell (see [`Job::all`]).
pub(super) fn prepare(
    heads: Vec<Head>,
    read: &ReadOptions,
    options: &ColumnOptions,
    rules: (&Taxonomy, &Classifier),
    all: bool,
) -> Result<std::result::Result<Prepared, Fallback>> {
    if let Some(why) = bad_head(&heads, read) {
        return Ok(Err(why));
    }
    let mut notes = Vec::new();
    for h in &heads {
        table_notes(&h.table, &mut notes);
    }
    let tables: Vec<&Table> = heads.iter().map(|h| &h.table).collect();
    let plan = plan(&tables, notes, read, options, rules.0, rules.1)?;
    let specs: Vec<FileSpec> = heads
        .iter()
        .zip(&plan.maps)
        .map(|(h, map)| FileSpec::of(&h.table, &plan, map, all))
        .collect();
    Ok(Ok(Prepared {
        heads,
        plan,
        specs,
        skip_bad_rows: read.skip_bad_rows,
    }))
}

impl Prepared {
    /// What is known of the input before its first row.
    pub fn heading(&self) -> Heading<'_> {
        Heading {
            path: &self.plan.path,
            headers: &self.plan.headers,
            files: self.heads.len(),
        }
    }

    /// Stream the files through `job`, or say which must be read whole after all, and why.
    /// With `emit`, each block's part goes there as it comes, and no row is kept.
    pub fn run<S, T: Send>(
        self,
        read: &ReadOptions,
        job: &Job<'_, S, T>,
        emit: Option<&mut dyn Emit<T>>,
    ) -> Result<std::result::Result<(Loaded, Vec<T>), Fallback>> {
        let Prepared {
            heads,
            plan,
            specs,
            skip_bad_rows,
        } = self;
        let keep = Keep {
            skip_bad_rows,
            lines: job.all || !plan.extra.is_empty(),
            all: job.all,
        };
        let infos: Vec<SourceInfo> = heads.iter().map(|h| SourceInfo::of(&h.table)).collect();
        let mut merge = Merge::new(&plan, infos, emit);
        match blocks(heads, read, (&specs, &plan, keep), job, &mut merge)? {
            Some(why) => Ok(Err(why)),
            None => Ok(Ok(merge.finish(plan, read)?)),
        }
    }
}

/// Read, parse and map the blocks on every core and merge them in order; why the files must be
/// read whole, if they must.
fn blocks<S, T: Send>(
    heads: Vec<Head>,
    read: &ReadOptions,
    (specs, plan, keep): (&[FileSpec], &Plan, Keep),
    job: &Job<'_, S, T>,
    merge: &mut Merge<'_, T>,
) -> Result<Option<Fallback>> {
    // Progress: bytes of the files read (before decompression) of their sizes.
    let consumed: Vec<_> = heads.iter().map(|h| h.stream.consumed.clone()).collect();
    let total: u64 = heads.iter().map(|h| h.stream.size).sum();
    let inputs: Vec<(usize, Vec<u8>, bool, Stream)> = heads
        .into_iter()
        .enumerate()
        .map(|(k, h)| (k, h.bytes, h.eof, h.stream))
        .collect();
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let stop = AtomicBool::new(false);
    let (block_tx, block_rx) = mpsc::sync_channel::<Block>(workers * 2);
    let block_rx = Mutex::new(block_rx);
    // Bounded too: a slow caller (a writer) holds the workers back instead of letting blocks
    // pile up in memory.
    let (done_tx, done_rx) = mpsc::sync_channel::<Finished<T>>(workers * 2);
    let (spare_tx, spare_rx) = mpsc::channel::<Vec<u8>>();
    let block_bytes = read.block_bytes.unwrap_or(BLOCK).max(1);
    let mut failed: Option<Fallback> = None;
    let mut error = None;
    std::thread::scope(|scope| {
        let stop = &stop;
        let reader = scope.spawn(move || {
            let result = read_blocks(block_bytes, inputs, &block_tx, &spare_rx, stop);
            drop(block_tx);
            result
        });
        for _ in 0..workers {
            let (done_tx, spare_tx) = (done_tx.clone(), spare_tx.clone());
            let block_rx = &block_rx;
            let reading = (specs, plan, keep);
            scope.spawn(move || work_on_blocks(block_rx, reading, job, stop, (done_tx, spare_tx)));
        }
        drop(done_tx);
        drop(spare_tx);
        // Put the blocks back in order as they come.
        let mut waiting = BTreeMap::new();
        let mut next = 0;
        for (seq, in_file, result) in done_rx.iter() {
            if failed.is_some() || error.is_some() {
                continue;
            }
            waiting.insert(seq, (in_file, result));
            while let Some((in_file, result)) = waiting.remove(&next) {
                next += 1;
                let taken = match result {
                    Ok(done) => merge.take(done),
                    Err(why) => {
                        failed = Some((in_file, why));
                        Ok(())
                    }
                };
                if let Err(e) = taken {
                    error = Some(e);
                }
                if failed.is_some() || error.is_some() {
                    stop.store(true, Ordering::Relaxed);
                    break;
                }
                let read: u64 = consumed.iter().map(|c| c.load(Ordering::Relaxed)).sum();
                (job.progress)(read, total);
            }
        }
        if reader.join().map_or(true, |r| r.is_err()) && failed.is_none() && error.is_none() {
            failed = Some((
                merge.file,
                "a row runs past 64 MiB, or the file cannot be read",
            ));
        }
    });
    match error {
        Some(e) => Err(e),
        None => Ok(failed),
    }
}

/// A block done: its place, its file, and its rows or why the file must be read whole.
type Finished<T> = (usize, usize, std::result::Result<Done<T>, &'static str>);

/// A worker: take blocks until there are none, parse and map each, and send it back with its
/// buffer.
fn work_on_blocks<S, T>(
    blocks: &Mutex<mpsc::Receiver<Block>>,
    (specs, plan, keep): (&[FileSpec], &Plan, Keep),
    job: &Job<'_, S, T>,
    stop: &AtomicBool,
    (done, spare): (mpsc::SyncSender<Finished<T>>, mpsc::Sender<Vec<u8>>),
) {
    let mut worker = Worker {
        answers: AnswerCells::default(),
        state: (job.init)(),
        map: job.map,
    };
    loop {
        let block = match blocks.lock() {
            Ok(rx) => rx.recv(),
            Err(_) => return,
        };
        let Ok(block) = block else { return };
        if stop.load(Ordering::Relaxed) {
            continue;
        }
        let reading = Reading {
            spec: &specs[block.file],
            plan,
            keep,
            file: block.file,
        };
        let result = process(&block, reading, &mut worker);
        // The reader may be gone already; then the buffer is simply dropped.
        let _ = spare.send(block.bytes);
        if done.send((block.seq, block.file, result)).is_err() {
            return;
        }
    }
}
