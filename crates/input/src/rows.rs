//! Every row written as it is read, in file order, for output as large as the input (`churn
//! tag`): each kept row with all its cells and its answer, each rejected row where it was read.
//! The caller renders runs of rows to bytes on every core; the bytes are written in order.
//! Large CSV files are streamed (see [`super::stream`]), so memory does not grow with the file;
//! anything else is read whole first, and rendered the same way.
//!
//! A file that turns out midway not to be streamable (a NUL byte, a row with the wrong number
//! of fields, ...) is read again whole, and the rows already written are not written twice:
//! both paths read the same rows, so the output is the same either way.

use std::io::Write;

use anyhow::Result;
use polars::prelude::DataFrame;

pub use super::stream::Heading;
use super::stream::{BlockRows, Emit, Job};
use super::{source, Answers, ColumnOptions, Loaded, ReadOptions, RejectedRow, Row};
use churn_core::classify::Classifier;
use churn_core::taxonomy::Taxonomy;

/// What a scan does with the answers: a state per thread (a classifier's scratch), the work on
/// a run of answers, on any thread, and progress (done of all, in bytes or rows).
pub struct Work<'a, S, T> {
    pub init: &'a (dyn Fn() -> S + Sync),
    pub map: &'a (dyn Fn(&mut S, &Answers<'_>) -> T + Sync),
    pub progress: &'a (dyn Fn(u64, u64) + Sync),
}

impl<S, T> Clone for Work<'_, S, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<S, T> Copy for Work<'_, S, T> {}

/// A row's line, as a renderer writes it ([`Rendered::line`]): a streamed block knows where its
/// rows are only from its own start until the blocks are put in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line(u64);

/// One row to render.
#[derive(Debug)]
pub enum RunRow<'a> {
    /// A row read: its cells in header order ("" where its file lacks the column), and its
    /// answer.
    Kept {
        line: Line,
        cells: &'a [&'a str],
        answer: Row<'a, 'a>,
    },
    /// A row `--skip-bad-rows` rejected, its fields as read.
    Rejected { line: Line, row: &'a RejectedRow },
}

/// Rows of one file, in the order read.
#[derive(Debug)]
pub struct RowRun<'a> {
    /// The file, as given.
    pub path: &'a str,
    pub rows: Vec<RunRow<'a>>,
}

/// Rows rendered on any thread: their bytes and where their lines go once known, or their
/// frame (for an output that takes frames, [`FrameOut`]).
#[derive(Debug, Default)]
pub struct Rendered {
    bytes: Vec<u8>,
    frame: Option<DataFrame>,
    /// Byte offsets where a line number goes, and the line there (from the block's start).
    holes: Vec<(usize, u64)>,
    /// Rows rendered, and of them rows read (not rejected).
    rows: usize,
    kept: usize,
}

impl Rendered {
    /// Nothing rendered yet of `run`, its rows counted.
    fn counting(run: &RowRun<'_>) -> Rendered {
        Rendered {
            rows: run.rows.len(),
            kept: (run.rows.iter())
                .filter(|r| matches!(r, RunRow::Kept { .. }))
                .count(),
            ..Rendered::default()
        }
    }

    /// The rows as a frame, for the [`FrameOut`] to write.
    pub fn set_frame(&mut self, frame: DataFrame) {
        self.frame = Some(frame);
    }

    /// A row's line goes here.
    pub fn line(&mut self, line: Line) {
        self.holes.push((self.bytes.len(), line.0));
    }

    /// Write the bytes, the lines counted from `base`.
    fn write_to(&self, out: &mut dyn Write, base: u64) -> std::io::Result<()> {
        let mut at = 0;
        for &(hole, line) in &self.holes {
            out.write_all(&self.bytes[at..hole])?;
            write!(out, "{}", line + base)?;
            at = hole;
        }
        out.write_all(&self.bytes[at..])
    }
}

impl Write for Rendered {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Where the frames of a renderer that renders frames go, in order: it makes bytes of them
/// (a Parquet writer), given where the bytes go at each call.
pub trait FrameOut {
    fn write(&mut self, frame: &DataFrame, out: &mut dyn Write) -> Result<()>;
    /// After the last frame (a Parquet footer).
    fn finish(&mut self, out: &mut dyn Write) -> Result<()>;
}

/// Where the rendered rows go: bytes, and with a renderer of frames, what makes bytes of them.
pub struct Out<'o> {
    pub bytes: &'o mut dyn Write,
    pub frames: Option<&'o mut dyn FrameOut>,
}

/// How rows become bytes (or a frame), on any thread.
pub trait Render: Sync {
    /// A thread's memory (a classifier's scratch).
    type State;
    fn state(&self) -> Self::State;
    fn render(&self, state: &mut Self::State, run: &RowRun<'_>, out: &mut Rendered) -> Result<()>;
}

/// Where the rows go.
pub trait RowSink {
    type Renderer: Render;
    /// Once the headers are known: write what comes before the rows (a CSV header) to `out`,
    /// and say how the rows are rendered.
    fn begin(&mut self, heading: Heading<'_>, out: &mut dyn Write) -> Result<Self::Renderer>;
    /// Done of all, in bytes or rows, as the rows are written.
    fn progress(&self, _done: u64, _total: u64) {}
}

/// The rows of a block, rejected ones in their place by line, with `skip` rows left out.
fn run_of<'a>(
    path: &'a str,
    answers: &'a Answers<'a>,
    (lines, cells, width): (&'a [u64], &'a [&'a str], usize),
    rejected: &'a [RejectedRow],
    skip: usize,
) -> RowRun<'a> {
    let mut rows = Vec::with_capacity(lines.len() + rejected.len());
    let mut rejected = rejected.iter().peekable();
    let mut cells = cells.chunks(width.max(1));
    for (&line, answer) in lines.iter().zip(answers.iter()) {
        while let Some(r) = rejected.next_if(|r| r.line < line) {
            rows.push(RunRow::Rejected {
                line: Line(r.line),
                row: r,
            });
        }
        rows.push(RunRow::Kept {
            line: Line(line),
            cells: cells.next().unwrap_or_default(),
            answer,
        });
    }
    rows.extend(rejected.map(|r| RunRow::Rejected {
        line: Line(r.line),
        row: r,
    }));
    rows.drain(..skip.min(rows.len()));
    RowRun { path, rows }
}

/// Render a streamed block.
fn render_block<R: Render>(
    renderer: &R,
    state: &mut R::State,
    block: &BlockRows<'_>,
) -> Result<Rendered> {
    let shape = (block.lines, block.cells, block.width);
    let run = run_of(block.path, block.answers, shape, block.rejected, 0);
    // About the size of the cells, and the tag: the bytes seldom move as they grow.
    let size: usize = block.cells.iter().map(|c| c.len() + 1).sum();
    let mut out = Rendered {
        bytes: Vec::with_capacity(size + 128 * run.rows.len()),
        ..Rendered::counting(&run)
    };
    renderer.render(state, &run, &mut out)?;
    Ok(out)
}

/// The output as blocks come in order, counting the rows written. What comes before the
/// first row read (the header, rows rejected) is held back until there is one: an export
/// whose every row is rejected is an error, and then nothing is written.
struct Writer<'o> {
    out: &'o mut dyn Write,
    frames: Option<&'o mut dyn FrameOut>,
    held: Option<Held>,
    rows: usize,
}

/// What is held back: bytes, and frames (made bytes of only when written, so that what is
/// held can be dropped).
#[derive(Default)]
struct Held {
    bytes: Vec<u8>,
    frames: Vec<DataFrame>,
}

impl<'o> Writer<'o> {
    fn new(out: Out<'o>) -> Writer<'o> {
        Writer {
            out: out.bytes,
            frames: out.frames,
            held: Some(Held::default()),
            rows: 0,
        }
    }

    /// Where the next bytes go.
    fn to(&mut self) -> &mut dyn Write {
        match &mut self.held {
            Some(held) => &mut held.bytes,
            None => self.out,
        }
    }

    /// Write what is held back.
    fn release(&mut self) -> Result<()> {
        let Some(held) = self.held.take() else {
            return Ok(());
        };
        self.out.write_all(&held.bytes)?;
        for frame in &held.frames {
            self.write_frame(frame)?;
        }
        Ok(())
    }

    fn write_frame(&mut self, frame: &DataFrame) -> Result<()> {
        match &mut self.frames {
            Some(frames) => frames.write(frame, self.out),
            None => anyhow::bail!("rows were rendered as a frame, for an output of bytes"),
        }
    }

    /// After the last block: write what is held back, and end the frames' bytes.
    fn finish(&mut self) -> Result<()> {
        self.release()?;
        if let Some(frames) = &mut self.frames {
            frames.finish(self.out)?;
        }
        Ok(())
    }
}

impl Emit<Result<Rendered>> for Writer<'_> {
    fn block(&mut self, part: Result<Rendered>, base: u64) -> Result<()> {
        let mut rendered = part?;
        if rendered.kept > 0 {
            self.release()?;
        }
        rendered.write_to(self.to(), base)?;
        if let Some(frame) = rendered.frame.take() {
            match &mut self.held {
                Some(held) => held.frames.push(frame),
                None => self.write_frame(&frame)?,
            }
        }
        self.rows += rendered.rows;
        Ok(())
    }
}

/// Read the inputs like [`super::load`] with every column kept, and write every row through
/// `sink` to `out` in file order, rendered on every core. The loaded export gives the counts
/// and notes; its rows went to the output (a streamed one keeps none).
pub fn stream_rows<K: RowSink + Sync>(
    inputs: &[String],
    read: &ReadOptions,
    options: &ColumnOptions,
    rules: (&Taxonomy, &Classifier),
    sink: &mut K,
    out: Out<'_>,
) -> Result<Loaded> {
    let names = super::input_names(inputs)?;
    let options = ColumnOptions {
        keep_all: true,
        ..options.clone()
    };
    let mut writer = Writer::new(out);
    let mut fallback = None;
    let mut begun = false;
    if read.block_bytes != Some(0) {
        let ran = match super::stream::start(&names, read, &options, rules, true)? {
            Ok(prepared) => {
                let renderer = sink.begin(prepared.heading(), writer.to())?;
                begun = true;
                let job = Job {
                    init: &|| renderer.state(),
                    map: &|state, block| render_block(&renderer, state, block),
                    progress: &|done, total| sink.progress(done, total),
                    all: true,
                };
                prepared.run(read, &job, Some(&mut writer))?
            }
            Err(why) => Err(why),
        };
        match ran {
            Ok((loaded, _)) => {
                writer.finish()?;
                return Ok(loaded);
            }
            Err(why) => fallback = Some(why),
        }
    }
    // Rows held back are not written yet: read again, they are written then.
    if writer.held.is_some() {
        writer.held = Some(Held::default());
        writer.rows = 0;
        begun = false;
    }
    let done = (writer.rows, begun);
    let mut loaded = match write_read_whole(&names, read, &options, rules, sink, &mut writer, done)
    {
        // Rows held back were not written.
        Err(e) if writer.held.is_none() && writer.rows > 0 => {
            return Err(e.context(format!(
                "{} rows were written before the problem was found: the output is incomplete",
                writer.rows
            )))
        }
        read => read?,
    };
    if let Some((k, why)) = fallback {
        super::note_read_whole(&mut loaded, &names[k], why);
    }
    writer.finish()?;
    Ok(loaded)
}

/// Read the named files whole and write their rows through `sink`, a chunk at a time, leaving
/// out the first `written` (written already, with the heading when `begun`).
fn write_read_whole<K: RowSink + Sync>(
    names: &[String],
    read: &ReadOptions,
    options: &ColumnOptions,
    rules: (&Taxonomy, &Classifier),
    sink: &mut K,
    writer: &mut Writer<'_>,
    (written, begun): (usize, bool),
) -> Result<Loaded> {
    let mut sources = Vec::with_capacity(names.len());
    for name in names {
        sources.push(source::read(name, read.encoding)?);
    }
    let (tables, plan) = super::tables_and_plan(sources, read, options, rules)?;
    let heading = Heading {
        path: &plan.path,
        headers: &plan.headers,
        files: tables.len(),
    };
    // What comes before the rows is written once.
    let renderer = match begun {
        true => sink.begin(heading, &mut std::io::sink())?,
        false => sink.begin(heading, writer.to())?,
    };
    let mut skip = written;
    let whole = super::whole::Whole {
        tables: &tables,
        plan,
        read,
        options,
    };
    super::whole::pipelined(whole, &mut |chunk| {
        let here = skip.min(chunk.rows() + chunk.rejected.len());
        skip -= here;
        write_whole(&chunk, &renderer, here, writer)
    })
}

/// A run of an export read whole: rows `kept` of one file, and the rejected rows before its end
/// (`rejected`, into the export's).
#[derive(Debug, Clone, PartialEq)]
struct WholeRun {
    file: u32,
    kept: std::ops::Range<usize>,
    rejected: std::ops::Range<usize>,
}

/// Render the rows of an export read whole on every core, and write them in order, leaving out
/// the first `skip` (written already).
fn write_whole<R: Render>(
    loaded: &Loaded,
    renderer: &R,
    skip: usize,
    writer: &mut Writer<'_>,
) -> Result<()> {
    let answers = loaded.answers();
    let width = loaded.headers.len();
    let columns: Vec<_> = (0..width)
        .map(|i| loaded.original(i).expect("every column is kept"))
        .collect();
    let mut cells = Vec::with_capacity(answers.len() * width);
    let mut iters: Vec<_> = columns.iter().map(|c| c.iter()).collect();
    for _ in 0..answers.len() {
        cells.extend(iters.iter_mut().map(|c| c.next().flatten().unwrap_or("")));
    }
    let runs = whole_runs(loaded);
    // Rows to leave out of each run.
    let mut left = skip;
    let skips: Vec<usize> = runs
        .iter()
        .map(|r| {
            let n = left.min(r.kept.len() + r.rejected.len());
            left -= n;
            n
        })
        .collect();
    let render = |state: &mut R::State, k: usize| -> Result<Rendered> {
        let r = &runs[k];
        let run_answers = answers.slice(r.kept.clone());
        let shape = (
            &loaded.lines[r.kept.clone()],
            &cells[r.kept.start * width..r.kept.end * width],
            width,
        );
        let path = &loaded.sources[r.file as usize].path;
        let rejected = &loaded.rejected[r.rejected.clone()];
        let run = run_of(path, &run_answers, shape, rejected, skips[k]);
        let mut out = Rendered::counting(&run);
        renderer.render(state, &run, &mut out)?;
        Ok(out)
    };
    let rendered = super::on_every_core(runs.len(), &|| renderer.state(), &render);
    for part in rendered {
        writer.block(part, 0)?;
    }
    Ok(())
}

/// The runs of an export read whole: at most [`super::RUN`] rows, of one file, each with the
/// rejected rows read before its last row (after the run before it); rejected rows after the
/// last kept row of their file make a run of their own.
fn whole_runs(loaded: &Loaded) -> Vec<WholeRun> {
    let place = |r: &RejectedRow| (r.file, r.line);
    let mut runs = Vec::new();
    let mut next_rejected = 0;
    let rejected_up_to = |end: (u32, u64), next: &mut usize| {
        let from = *next;
        while *next < loaded.rejected.len() && place(&loaded.rejected[*next]) < end {
            *next += 1;
        }
        from..*next
    };
    for kept in file_runs(&loaded.files) {
        let file = loaded.files[kept.start];
        // Rejected rows of earlier files, after their last kept row.
        let earlier = rejected_up_to((file, 0), &mut next_rejected);
        push_rejected_alone(loaded, earlier, &mut runs);
        let last = (file, loaded.lines[kept.end - 1]);
        let rejected = rejected_up_to(last, &mut next_rejected);
        runs.push(WholeRun {
            file,
            kept,
            rejected,
        });
    }
    let rest = rejected_up_to((u32::MAX, u64::MAX), &mut next_rejected);
    push_rejected_alone(loaded, rest, &mut runs);
    runs
}

/// Rejected rows with no kept row after them in their file: a run per file.
fn push_rejected_alone(loaded: &Loaded, range: std::ops::Range<usize>, runs: &mut Vec<WholeRun>) {
    let mut start = range.start;
    for same in loaded.rejected[range].chunk_by(|a, b| a.file == b.file) {
        runs.push(WholeRun {
            file: same[0].file,
            kept: 0..0,
            rejected: start..start + same.len(),
        });
        start += same.len();
    }
}

/// Runs of at most [`super::RUN`] rows, none across two files.
fn file_runs(files: &[u32]) -> Vec<std::ops::Range<usize>> {
    let mut runs = Vec::new();
    let mut start = 0;
    for (i, pair) in files.windows(2).enumerate() {
        if pair[0] != pair[1] {
            runs.extend(super::runs(start..i + 1));
            start = i + 1;
        }
    }
    if start < files.len() {
        runs.extend(super::runs(start..files.len()));
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_do_not_cross_files() {
        let files = [0, 0, 0, 1, 1, 2];
        assert_eq!(file_runs(&files), vec![0..3, 3..5, 5..6]);
        assert_eq!(file_runs(&[]), Vec::<std::ops::Range<usize>>::new());
        let run = super::super::RUN;
        let long = vec![0u32; run + 1];
        assert_eq!(file_runs(&long), vec![0..run, run..run + 1]);
    }

    fn rejected(line: u64) -> RejectedRow {
        RejectedRow {
            path: "a.csv".into(),
            file: 0,
            line,
            expected_fields: 2,
            found_fields: 3,
            cause: "field_count",
            fields: Vec::new(),
        }
    }

    /// Each row as `line kind [cells]`.
    fn shown(run: &RowRun<'_>) -> Vec<String> {
        run.rows
            .iter()
            .map(|row| match row {
                RunRow::Kept {
                    line,
                    cells,
                    answer,
                } => format!(
                    "{} {} {}",
                    line.0,
                    cells.join("/"),
                    answer.text.unwrap_or("")
                ),
                RunRow::Rejected { line, .. } => format!("{} rejected", line.0),
            })
            .collect()
    }

    #[test]
    fn rejected_rows_come_where_they_were_read_and_skipped_rows_are_left_out() {
        let bad = [rejected(2), rejected(5), rejected(9)];
        let mut answers = Answers::new(0);
        for text in ["x", "y", "z"] {
            answers.push(Some(text), []);
        }
        let shape: (&[u64], &[&str], usize) = (&[3, 4, 7], &["x", "1", "y", "2", "z", "3"], 2);
        let run = run_of("a.csv", &answers, shape, &bad, 0);
        let want = [
            "2 rejected",
            "3 x/1 x",
            "4 y/2 y",
            "5 rejected",
            "7 z/3 z",
            "9 rejected",
        ];
        assert_eq!(shown(&run), want);
        let run = run_of("a.csv", &answers, shape, &bad, 4);
        assert_eq!(shown(&run), want[4..]);
        let run = run_of("a.csv", &answers, shape, &bad, 9);
        assert!(run.rows.is_empty());
    }

    #[test]
    fn rendered_lines_are_filled_in_from_where_the_block_starts() {
        let mut out = Rendered::default();
        out.write_all(b"{\"line\":").unwrap();
        out.line(Line(3));
        out.write_all(b"}\n{\"line\":").unwrap();
        out.line(Line(0));
        out.write_all(b"}\n").unwrap();
        let mut written = Vec::new();
        out.write_to(&mut written, 10).unwrap();
        assert_eq!(written, b"{\"line\":13}\n{\"line\":10}\n");
    }
}
