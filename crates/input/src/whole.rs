//! Reading tables whole: every record by the plan into a frame ([`fill`]), or handed on a chunk
//! at a time while the next is read ([`fill_in_chunks`], [`pipelined`]); and what both readers
//! (this one and the stream) leave: the counts, the rows rejected, the notes, the load.

use anyhow::{bail, Context, Result};
use polars::prelude::{DataFrame, IntoColumn, PlSmallStr, StringChunked, StringChunkedBuilder};

use churn_core::escape::shown;

use super::faults::{bad_row_error, stray_quote_error};
use super::ColumnOptions;
use super::{
    filled, layout, records, FilteredOut, FrameColumns, Loaded, Plan, ReadOptions, RejectedRow,
    SourceInfo, Table, RUN,
};

/// Read every record of the tables into a frame, by the plan.
pub(crate) fn fill(
    tables: &[Table],
    plan: Plan,
    read: &ReadOptions,
    options: &ColumnOptions,
) -> Result<Loaded> {
    let mut kept = Kept::new(&plan, options.keep_all);
    let counts = read_records(tables, &plan, read, options, &mut kept, None)?;
    let rows = kept.lines.len();
    something_left(&plan.path, rows, &kept.rejected, &counts.filtered_out, read)?;
    let taken = kept.take(&plan, options.keep_all)?;
    let rows = taken.into_read(&plan.roles(), counts.sources, counts.filtered_out);
    Ok(assemble(plan, rows))
}

/// Tables to read whole, the columns to read from them, and how.
pub(crate) struct Whole<'a> {
    pub tables: &'a [Table],
    pub plan: Plan,
    pub read: &'a ReadOptions,
    pub options: &'a ColumnOptions,
}

/// Read the tables' records by the plan like [`fill`], handing the rows on to `take` in
/// chunks of at most [`CHUNK_CELLS`] cells (or [`chunk_rows`] rows) rather than keeping them:
/// each chunk is a [`Loaded`] of its rows (and of the rows rejected among them), in file order.
/// The export given back has the counts and notes, and no rows.
fn fill_in_chunks(whole: Whole<'_>, take: &mut dyn FnMut(Loaded) -> Result<()>) -> Result<Loaded> {
    let Whole {
        tables,
        plan,
        read,
        options,
    } = whole;
    let mut kept = Kept::new(&plan, options.keep_all);
    let sources: Vec<SourceInfo> = tables.iter().map(SourceInfo::of).collect();
    let mut all = Chunked::default();
    let mut flush = |kept: &mut Kept| -> Result<()> {
        let taken = kept.take(&plan, options.keep_all)?;
        let mut rows = taken.into_read(&plan.roles(), sources.clone(), FilteredOut::default());
        let (filled, long) = (
            std::mem::take(&mut rows.filled),
            std::mem::take(&mut rows.long),
        );
        all.add(rows.frame.height(), &rows.rejected, filled, long);
        let chunk = loaded_of(&plan, rows);
        take(chunk)
    };
    let counts = read_records(tables, &plan, read, options, &mut kept, Some(&mut flush))?;
    flush(&mut kept)?;
    something_left(
        &plan.path,
        all.rows,
        &all.rejected,
        &counts.filtered_out,
        read,
    )?;
    let frame = DataFrame::new(all.rows, Vec::new())?;
    let mut loaded = assemble(
        plan,
        RowsRead {
            sources: counts.sources,
            frame,
            lines: Vec::new(),
            files: Vec::new(),
            filtered_out: counts.filtered_out,
            rejected: all.rejected,
            filled: all.filled,
            long: all.long,
            streamed: false,
        },
    );
    // Its rows were handed on: the frame holds none of their answers.
    loaded.roles = FrameColumns::default();
    Ok(loaded)
}

/// [`fill_in_chunks`] on a thread of its own, handing each chunk to `take` on this one, which
/// works on a chunk while the next is read. When `take` fails, reading stops and its error is
/// the one given back.
pub(crate) fn pipelined(
    whole: Whole<'_>,
    take: &mut dyn FnMut(Loaded) -> Result<()>,
) -> Result<Loaded> {
    std::thread::scope(|scope| {
        let (chunks, from_reader) = std::sync::mpsc::sync_channel::<Loaded>(1);
        let reader = scope.spawn(move || {
            fill_in_chunks(whole, &mut |chunk| {
                (chunks.send(chunk)).map_err(|_| anyhow::anyhow!("the reading was stopped"))
            })
        });
        let mut taken = Ok(());
        for chunk in from_reader {
            taken = take(chunk);
            if taken.is_err() {
                break;
            }
        }
        let read = reader
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        taken.and(read)
    })
}

/// A chunk is handed on once it holds this many cells, or [`chunk_rows`] rows.
const CHUNK_CELLS: usize = 1 << 20;

/// Rows per chunk: a few runs for every core (4 runs of [`RUN`] rows at least), unless
/// `CHURN_CHUNK_ROWS` (tests) says otherwise. Asked once a read: the number of cores is read
/// from the system each time (a record at a time cost 27 s of system time per million rows).
fn chunk_rows(read: &ReadOptions) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, |c| c.get());
    read.chunk_rows.unwrap_or(RUN * cores.max(4))
}

/// What the chunks handed on add up to.
#[derive(Default)]
struct Chunked {
    rows: usize,
    /// The rows rejected, without their fields.
    rejected: Vec<RejectedRow>,
    filled: (Option<usize>, Vec<usize>),
    long: Vec<(u32, u64)>,
}

impl Chunked {
    fn add(
        &mut self,
        rows: usize,
        rejected: &[RejectedRow],
        (text, codes): (Option<usize>, Vec<usize>),
        long: Vec<(u32, u64)>,
    ) {
        self.rows += rows;
        let without_fields = |r: &RejectedRow| RejectedRow {
            fields: Vec::new(),
            ..r.clone()
        };
        self.rejected.extend(rejected.iter().map(without_fields));
        self.filled.0 = text.map(|t| t + self.filled.0.unwrap_or(0));
        self.filled.1.resize(codes.len(), 0);
        for (a, b) in self.filled.1.iter_mut().zip(codes) {
            *a += b;
        }
        self.long.extend(long);
    }
}

/// The rows kept so far, column by column, with their places and the rows rejected among
/// them.
struct Kept {
    columns: Vec<(usize, StringChunkedBuilder)>,
    /// The answer, when it is read from several columns.
    answer: Option<StringChunkedBuilder>,
    lines: Vec<u64>,
    files: Vec<u32>,
    rejected: Vec<RejectedRow>,
    /// Fields of the rows rejected.
    rejected_cells: usize,
}

impl Kept {
    fn new(plan: &Plan, keep_all: bool) -> Kept {
        let builder = |name: &str| StringChunkedBuilder::new(PlSmallStr::from(name), 1024);
        let kept = match keep_all {
            true => (0..plan.headers.len()).collect(),
            false => plan.kept(),
        };
        let grouped = plan.chosen.text.is_some() && !plan.text_group.is_empty();
        Kept {
            columns: (kept.into_iter())
                .map(|i| (i, builder(&plan.headers[i])))
                .collect(),
            answer: grouped.then(|| builder(&plan.answer_name())),
            lines: Vec::new(),
            files: Vec::new(),
            rejected: Vec::new(),
            rejected_cells: 0,
        }
    }

    /// Keep a row of file `file` starting on `line`, whose cell in column `i` (into the
    /// headers) is `cell(i)`.
    fn push<'a>(
        &mut self,
        plan: &Plan,
        (file, line): (usize, u64),
        cell: impl Fn(usize) -> Option<&'a str>,
    ) {
        for (i, builder) in self.columns.iter_mut() {
            builder.append_option(cell(*i));
        }
        if let Some(answer) = self.answer.as_mut() {
            let group = plan.text_group.iter().map(|&g| cell(g));
            answer.append_value(layout::group_answer(group));
        }
        self.lines.push(line);
        self.files.push(file as u32);
    }

    /// Hold a row rejected, in its place among the rows kept.
    fn reject(&mut self, row: RejectedRow) {
        self.rejected_cells += row.fields.len();
        self.rejected.push(row);
    }

    /// Whether a chunk's worth is held: `rows` rows, or [`CHUNK_CELLS`] cells in the rows
    /// kept and the fields of the rows rejected.
    fn is_full(&self, rows: usize) -> bool {
        let cells = self.lines.len() * self.columns.len().max(1) + self.rejected_cells;
        cells >= CHUNK_CELLS || self.lines.len() + self.rejected.len() >= rows.max(1)
    }

    /// The rows kept so far as a frame, with their lines, files and the rows rejected among
    /// them; none are held after.
    fn take(&mut self, plan: &Plan, keep_all: bool) -> Result<Taken> {
        let Kept {
            columns,
            answer,
            lines,
            files,
            rejected,
            ..
        } = std::mem::replace(self, Kept::new(plan, keep_all));
        let columns: Vec<polars::prelude::Column> = (columns.into_iter().map(|(_, b)| b))
            .chain(answer)
            .map(|b| b.finish().into_column())
            .collect();
        let frame = DataFrame::new(lines.len(), columns)?;
        Ok(Taken {
            frame,
            lines,
            files,
            rejected,
        })
    }
}

/// The rows [`Kept`] held: a frame, each row's line and file, and the rows rejected among them.
struct Taken {
    frame: DataFrame,
    lines: Vec<u64>,
    files: Vec<u32>,
    rejected: Vec<RejectedRow>,
}

impl Taken {
    /// The rows as read, their answers' non-blank cells counted and the overlong ones found.
    fn into_read(
        self,
        roles: &FrameColumns,
        sources: Vec<SourceInfo>,
        filtered_out: FilteredOut,
    ) -> RowsRead {
        let (filled, long) = filled_and_long(&self.frame, roles, &self.files, &self.lines);
        RowsRead {
            sources,
            frame: self.frame,
            lines: self.lines,
            files: self.files,
            filtered_out,
            rejected: self.rejected,
            filled,
            long,
            streamed: false,
        }
    }
}

/// What is done with the rows [`read_records`] keeps once they are a chunk's worth.
type Flush<'f> = &'f mut dyn FnMut(&mut Kept) -> Result<()>;

/// What reading the records counts besides the rows: per source, and rows filtered out.
struct Counts {
    sources: Vec<SourceInfo>,
    filtered_out: FilteredOut,
}

/// Read every record of the tables by the plan into `kept`, handing `kept` to `flush` when it
/// holds a chunk's worth ([`CHUNK_CELLS`], [`chunk_rows`]).
fn read_records(
    tables: &[Table],
    plan: &Plan,
    read: &ReadOptions,
    options: &ColumnOptions,
    kept: &mut Kept,
    mut flush: Option<Flush<'_>>,
) -> Result<Counts> {
    let mut counts = Counts {
        sources: Vec::with_capacity(tables.len()),
        filtered_out: FilteredOut::default(),
    };
    let chunk_rows = chunk_rows(read);
    for (k, t) in tables.iter().enumerate() {
        let map = &plan.maps[k];
        let mut info = SourceInfo::of(t);
        let needed = plan.needed(k, options.keep_all);
        t.records_of(needed.as_deref(), |r| {
            info.rows += 1;
            if r.stray.is_some() || r.fields.len() != t.headers.len() {
                if !read.skip_bad_rows {
                    return Err(match r.stray {
                        Some(s) => stray_quote_error(t, r.line, s),
                        None => bad_row_error(t, r.line, r.fields.len())?,
                    });
                }
                info.rejected += 1;
                kept.reject(rejected_row(t, k, &r, options.keep_all));
            } else if let Some(cause) = plan.excluded(k, &r.fields) {
                info.filtered_out_by.count(Some(cause));
            } else {
                let cell = |i: usize| map[i].and_then(|j| r.fields.get(j));
                if !plan.keeps(|k| cell(plan.filters[k].0)) {
                    info.filtered_out_by.count(None);
                } else {
                    kept.push(plan, (k, r.line), cell);
                }
            }
            match flush.as_mut() {
                Some(flush) if kept.is_full(chunk_rows) => flush(kept)?,
                _ => {}
            }
            Ok(true)
        })
        .with_context(|| format!("failed to load `{}`", shown(&t.name)))?;
        info.filtered_out = info.filtered_out_by.total();
        counts.filtered_out.add(&info.filtered_out_by);
        counts.sources.push(info);
    }
    Ok(counts)
}

/// A row of table `k` that could not be read, as `--skip-bad-rows` lists it; its fields are
/// kept for `churn tag` (`keep_all`).
fn rejected_row(t: &Table, k: usize, r: &records::Record<'_>, keep_all: bool) -> RejectedRow {
    RejectedRow {
        path: t.name.clone(),
        file: k as u32,
        line: r.line,
        expected_fields: t.headers.len(),
        found_fields: r.fields.len(),
        cause: if r.stray.is_some() {
            "stray_quote"
        } else {
            "field_count"
        },
        fields: if keep_all {
            r.fields.iter().map(str::to_string).collect()
        } else {
            Vec::new()
        },
    }
}

/// Of a frame read whole: the non-blank cells of the answers' columns (`roles`), and the
/// (file, line) of each answer longer than [`churn_core::classify::MAX_ANSWER_BYTES`].
#[allow(clippy::type_complexity)]
fn filled_and_long(
    frame: &DataFrame,
    roles: &FrameColumns,
    files: &[u32],
    lines: &[u64],
) -> ((Option<usize>, Vec<usize>), Vec<(u32, u64)>) {
    let strings = |name: &str| frame.column(name).ok().and_then(|c| c.str().ok());
    let count = |c: Option<&StringChunked>| c.map_or(0, |c| c.iter().filter_map(filled).count());
    let text = roles.text.as_deref().and_then(strings);
    let filled_cells = (
        roles.text.as_ref().map(|_| count(text)),
        (roles.codes.iter()).map(|c| count(strings(c))).collect(),
    );
    let long: Vec<(u32, u64)> = text.map_or_else(Vec::new, |text| {
        text.iter()
            .enumerate()
            .filter(|(_, t)| {
                filled(*t).is_some_and(|t| t.len() > churn_core::classify::MAX_ANSWER_BYTES)
            })
            .map(|(i, _)| (files[i], lines[i]))
            .collect()
    });
    (filled_cells, long)
}

/// Fail when no row is left to analyze, saying why.
pub(crate) fn something_left(
    path: &str,
    rows: usize,
    rejected: &[RejectedRow],
    by: &FilteredOut,
    read: &ReadOptions,
) -> Result<()> {
    let filtered_out = by.total();
    if rows == 0 && !rejected.is_empty() && filtered_out == 0 {
        let all = match rejected.len() {
            1 => "the only row has".to_string(),
            n => format!("all {n} rows have"),
        };
        bail!(
            "failed to load `{}`: {all} the wrong number of fields (the header has {}); \
             nothing is left to analyze",
            shown(path),
            rejected[0].expected_fields
        );
    }
    if rows == 0 && filtered_out > by.by_where {
        let causes: Vec<String> = by
            .causes()
            .iter()
            .map(|(cause, n)| format!("{n} {cause}"))
            .collect();
        let unfinished = if by.unfinished > 0 {
            "; --include-incomplete reads unfinished ones"
        } else {
            ""
        };
        bail!(
            "failed to load `{}`: no response is left to analyze: the survey tool marks all \
             {filtered_out} as no answers ({}){unfinished}\n  help: --layout plain reads every \
             row as a response",
            shown(path),
            causes.join(", ")
        );
    }
    if rows == 0 && filtered_out > 0 {
        let shown: Vec<String> = read
            .filters
            .iter()
            .map(|f| format!("`{}`", shown(&f.text)))
            .collect();
        let none = match filtered_out {
            1 => "the only row".to_string(),
            n => format!("none of the {n} rows"),
        };
        let left = if filtered_out == 1 {
            "filtered out"
        } else {
            "left"
        };
        bail!(
            "--where {} {left} {none}; values are compared trimmed and ignoring case (see them \
             with `churn tag FILE`)",
            shown.join(" and ")
        );
    }
    Ok(())
}

/// The rows read, as both readers leave them.
pub(crate) struct RowsRead {
    pub(crate) sources: Vec<SourceInfo>,
    /// The kept rows' cells: the text and codes (whole-file reading only) and the extras.
    pub(crate) frame: DataFrame,
    pub(crate) lines: Vec<u64>,
    pub(crate) files: Vec<u32>,
    pub(crate) filtered_out: FilteredOut,
    pub(crate) rejected: Vec<RejectedRow>,
    pub(crate) filled: (Option<usize>, Vec<usize>),
    /// Answers longer than [`churn_core::classify::MAX_ANSWER_BYTES`]: (file, line).
    pub(crate) long: Vec<(u32, u64)>,
    pub(crate) streamed: bool,
}

/// The load: the plan's columns and the rows read, with a note on overlong answers.
pub(crate) fn assemble(plan: Plan, read: RowsRead) -> Loaded {
    loaded_of(&plan, read)
}

/// The load of `read` by `plan`.
fn loaded_of(plan: &Plan, read: RowsRead) -> Loaded {
    let roles = match read.streamed {
        true => FrameColumns::default(),
        false => plan.roles(),
    };
    let header = |&i: &usize| plan.headers[i].clone();
    let mut loaded = Loaded {
        path: plan.path.clone(),
        sources: read.sources,
        text_column: plan.text_column.clone(),
        text_columns: plan.text_columns.clone(),
        code_columns: plan.chosen.codes.iter().map(header).collect(),
        extra_columns: plan.extra.iter().map(header).collect(),
        id_column: plan.id_column.as_ref().map(header),
        headers: plan.headers.clone(),
        frame: read.frame,
        roles,
        lines: read.lines,
        files: read.files,
        filtered_out: read.filtered_out.total(),
        filtered_out_by: read.filtered_out,
        rejected: read.rejected,
        notes: plan.notes.clone(),
        filled: read.filled,
        streamed: read.streamed,
    };
    loaded.note_long_answers(&read.long);
    loaded
}
