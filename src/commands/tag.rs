//! `churn tag`: every input row written back with its tag, for audits. The rows are classified
//! as `analyze` classifies them and rendered on every core, and written as they are read, in
//! input order: memory does not grow with the file.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use anyhow::Result;

use crate::classify::{Classifier, Scratch};
use crate::cli::TagArgs;
use crate::config::Config;
use crate::diag::Progress;
use crate::input::Row;
use crate::input::{
    self, ColumnOptions, FrameOut, Heading, Out, RejectedRow, Render, Rendered, RowRun, RowSink,
    RunRow,
};
use crate::overrides::Overrides;
use crate::render::parquet::Parquet;
use crate::render::tagged::{
    Extra, Layout, Status, TaggedRow, COMPETITOR_COLUMN, CONFIDENCE_COLUMN, FILE_COLUMN,
    OUTPUT_COLUMNS,
};
use crate::render::TagFormat;
use crate::tagging::{override_row, tag_row, RowTag, TagIds};

/// Run `churn tag`, writing the rows to `out`.
pub fn run(args: &TagArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        keep_all: true,
        ..ColumnOptions::default()
    };
    let ids = TagIds::of(taxonomy);
    let overrides = super::overrides(&args.overrides, config)?;
    let used: Vec<AtomicBool> = (0..overrides.as_ref().map_or(0, |o| o.len()))
        .map(|_| AtomicBool::new(false))
        .collect();
    let bar = Progress::new("reading and tagging");
    let mut rows = Rows {
        format: args.format,
        classifier: &classifier,
        ids: &ids,
        bar: &bar,
        noted: false,
        overrides: overrides.as_deref().map(|o| (o, used.as_slice())),
    };
    let mut parquet = Parquet::default();
    let out = Out {
        bytes: out,
        frames: (args.format == TagFormat::Parquet).then_some(&mut parquet as &mut dyn FrameOut),
    };
    let loaded = input::stream_rows(
        &args.files,
        &args.input.options(),
        &options,
        (taxonomy, &classifier),
        &mut rows,
        out,
    )?;
    drop(bar);
    super::say_notes(&loaded);
    if let Some(o) = &overrides {
        let missing: Vec<&str> = (o.iter().zip(&used))
            .filter(|(_, u)| !u.load(Ordering::Relaxed))
            .map(|(o, _)| o.id.as_str())
            .collect();
        super::say_not_found(o, &missing);
    }
    Ok(())
}

/// Where the tagged rows go: a layout made once the headers are known.
struct Rows<'r> {
    format: TagFormat,
    classifier: &'r Classifier,
    ids: &'r TagIds<'r>,
    bar: &'r Progress,
    /// Whether the note on replaced columns was said.
    noted: bool,
    /// The overrides, and whether each has met its row.
    overrides: Option<(&'r Overrides, &'r [AtomicBool])>,
}

impl<'r> RowSink for Rows<'r> {
    type Renderer = Renderer<'r>;

    fn begin(&mut self, heading: Heading<'_>, out: &mut dyn Write) -> Result<Renderer<'r>> {
        let headers = heading.headers;
        // Columns of an earlier `churn tag` are replaced, not repeated.
        let keep: Vec<usize> = (0..headers.len())
            .filter(|&i| {
                let h = headers[i].as_str();
                !OUTPUT_COLUMNS.contains(&h)
                    && ![FILE_COLUMN, CONFIDENCE_COLUMN, COMPETITOR_COLUMN].contains(&h)
            })
            .collect();
        if keep.len() < headers.len() && !std::mem::replace(&mut self.noted, true) {
            crate::diag::note(format_args!(
                "`{}` already has churn_* columns; they are replaced by new ones",
                crate::escape::shown(heading.path)
            ));
        }
        let kept: Vec<String> = keep.iter().map(|&i| headers[i].clone()).collect();
        let extra = Extra {
            competitor: !self.ids.competitors.is_empty(),
            confidence: self.classifier.model().is_some(),
            several: heading.files > 1,
        };
        let overrides = match self.overrides {
            Some((o, used)) => {
                let Some(at) = crate::input::columns::find(headers, &o.id_column) else {
                    anyhow::bail!(
                        "--overrides: `{}` has no column `{}` (the overrides file's first \
                         header names the export's id column)",
                        crate::escape::shown(heading.path),
                        crate::escape::shown(&o.id_column)
                    );
                };
                Some((o, used, at))
            }
            None => None,
        };
        let layout = Layout::new(self.format, &kept, extra);
        layout.header(&kept, out)?;
        Ok(Renderer {
            layout,
            keep,
            classifier: self.classifier,
            ids: self.ids,
            overrides,
        })
    }

    fn progress(&self, done: u64, total: u64) {
        self.bar.update(done, total);
    }
}

/// Tags and writes rows, on any thread.
struct Renderer<'r> {
    layout: Layout,
    /// The input columns written (those of an earlier `churn tag` are not).
    keep: Vec<usize>,
    classifier: &'r Classifier,
    ids: &'r TagIds<'r>,
    /// The overrides, whether each met its row, and the id column (into the cells).
    overrides: Option<(&'r Overrides, &'r [AtomicBool], usize)>,
}

impl Render for Renderer<'_> {
    type State = Scratch;

    fn state(&self) -> Scratch {
        Scratch::new()
    }

    fn render(&self, scratch: &mut Scratch, run: &RowRun<'_>, out: &mut Rendered) -> Result<()> {
        if self.layout.is_frame() {
            return self.render_frame(scratch, run, out);
        }
        let mut writer = self.layout.rows(out);
        let mut cells = Vec::with_capacity(self.keep.len());
        let mut reasons = Vec::new();
        for row in &run.rows {
            match *row {
                RunRow::Kept {
                    line,
                    cells: all,
                    answer,
                } => {
                    let tag = self.tag(all, answer, scratch);
                    cells.clear();
                    cells.extend(self.keep.iter().map(|&i| all[i]));
                    reasons.clear();
                    reasons.extend(tag.reasons.iter().map(|&r| self.ids.reasons[r]));
                    writer.row(&TaggedRow {
                        file: run.path,
                        line,
                        cells: &cells,
                        reasons: &reasons,
                        status: tag.status,
                        evidence: &tag.evidence,
                        confidence: tag.confidence,
                        sub_reason: self.ids.sub(&tag),
                        competitor: self.ids.competitor(&tag),
                    })?;
                }
                RunRow::Rejected { line, row } => {
                    let fields = |j: usize| row.fields.get(j).map_or("", String::as_str);
                    cells.clear();
                    cells.extend(self.keep.iter().map(|&j| fields(j)));
                    let why = [rejected_why(row)];
                    writer.row(&TaggedRow {
                        file: &row.path,
                        line,
                        cells: &cells,
                        reasons: &[],
                        status: Status::Rejected,
                        evidence: &why,
                        confidence: None,
                        sub_reason: None,
                        competitor: None,
                    })?;
                }
            }
        }
        writer.finish()?;
        Ok(())
    }
}

impl Renderer<'_> {
    /// Tag a row: as its override says, when one names its id, else by the classifier.
    fn tag(&self, cells: &[&str], answer: Row<'_, '_>, scratch: &mut Scratch) -> RowTag {
        let found = self.overrides.and_then(|(o, used, at)| {
            let k = o.find(cells.get(at)?)?;
            used[k as usize].store(true, Ordering::Relaxed);
            Some(o.get(k))
        });
        match found {
            Some(o) => override_row(o),
            None => tag_row(self.classifier, &self.ids.reasons, answer, scratch),
        }
    }

    /// The rows of `run` as a frame: their kept cells column by column, their tags, their file.
    fn render_frame(
        &self,
        scratch: &mut Scratch,
        run: &RowRun<'_>,
        out: &mut Rendered,
    ) -> Result<()> {
        let n = run.rows.len();
        let mut columns: Vec<Vec<&str>> = vec![Vec::with_capacity(n); self.keep.len()];
        let mut tags = Vec::with_capacity(n);
        let mut files = Vec::with_capacity(n);
        for row in &run.rows {
            match *row {
                RunRow::Kept { cells, answer, .. } => {
                    tags.push(self.tag(cells, answer, scratch));
                    for (column, &i) in columns.iter_mut().zip(&self.keep) {
                        column.push(cells[i]);
                    }
                    files.push(run.path);
                }
                RunRow::Rejected { row, .. } => {
                    tags.push(RowTag {
                        status: Status::Rejected,
                        reasons: Vec::new(),
                        evidence: vec![rejected_why(row)],
                        confidence: None,
                        sub: None,
                        competitor: None,
                    });
                    for (column, &j) in columns.iter_mut().zip(&self.keep) {
                        column.push(row.fields.get(j).map_or("", String::as_str));
                    }
                    files.push(&row.path);
                }
            }
        }
        out.set_frame(self.layout.frame(&columns, &tags, &files, self.ids)?);
        Ok(())
    }
}

/// Why a row `--skip-bad-rows` rejected was rejected (its evidence).
fn rejected_why(r: &RejectedRow) -> String {
    format!(
        "expected {}, found {}",
        crate::text::plural(r.expected_fields, "field", "fields"),
        r.found_fields
    )
}
