//! The cells of one sheet, as a reader finds them, turned into a header and rows. Only cells
//! that hold a value are kept (16 bytes each, their text in one buffer), so a sheet costs what
//! it holds, not its extent; every count is checked against the limits in [`super`] as it
//! grows. The header is the first row holding a value and the table's columns run from its
//! first to its last value: a value outside them has no column name and is left out. A merged
//! range gives its first cell's value to the cells it covers; a cell holding a spreadsheet
//! error (`#DIV/0!`) reads as blank. Each is said in a note.

use anyhow::{bail, Result};
use churn_core::escape::shown;
use csv::StringRecord;

use super::{
    cell_name, column_name, counted, grouped, AS_CSV, MAX_CELLS, MAX_CELL_TEXT, MAX_COLUMNS,
    MAX_MERGES, MAX_TEXT,
};

/// A cell holding a value: where it is, and its text (`start..start + len` of the buffer).
#[derive(Debug, Clone, Copy)]
struct Cell {
    row: u32,
    col: u16,
    start: u32,
    len: u32,
}

impl Cell {
    fn at(&self) -> (u32, u16) {
        (self.row, self.col)
    }
}

/// A merged range, by its first and last cells.
#[derive(Debug, Clone, Copy)]
struct Merge {
    first: (u32, u16),
    last: (u32, u16),
}

/// How many cells had something happen to them, and the first.
#[derive(Debug, Default)]
struct Tally {
    count: u64,
    first: Option<(u64, u64)>,
}

impl Tally {
    fn add(&mut self, n: u64, row: u64, col: u64) {
        self.first.get_or_insert((row, col));
        self.count = self.count.saturating_add(n);
    }

    fn first(&self) -> String {
        self.first
            .map_or_else(String::new, |(r, c)| cell_name(r, c))
    }
}

/// The cells of a sheet as they are read.
pub struct Cells {
    sheet: String,
    max_rows: u64,
    cells: Vec<Cell>,
    text: String,
    in_order: bool,
    errors: Tally,
    long: Tally,
    merges: Vec<Merge>,
}

impl Cells {
    /// An empty sheet named `sheet`, whose rows may not pass `max_rows`.
    pub fn new(sheet: &str, max_rows: u64) -> Cells {
        Cells {
            sheet: sheet.to_string(),
            max_rows,
            cells: Vec::new(),
            text: String::new(),
            in_order: true,
            errors: Tally::default(),
            long: Tally::default(),
            merges: Vec::new(),
        }
    }

    /// The sheet's name.
    pub fn sheet(&self) -> &str {
        &self.sheet
    }

    /// Cells holding values so far.
    pub fn len(&self) -> u64 {
        self.cells.len() as u64
    }

    /// The cell at 0-based `row`, `col` holds `value` (an empty value is no value).
    pub fn text(&mut self, row: u64, col: u64, value: &str) -> Result<()> {
        if value.is_empty() {
            return Ok(());
        }
        let (r, c) = self.place(row, col)?;
        let mut value = value;
        if value.len() > MAX_CELL_TEXT {
            self.long.add(1, row, col);
            let mut end = MAX_CELL_TEXT;
            while !value.is_char_boundary(end) {
                end -= 1;
            }
            value = &value[..end];
        }
        if (self.text.len() + value.len()) as u64 > MAX_TEXT {
            bail!(
                "sheet `{}`: its cells hold more than {} MiB of text (at cell {}); churn reads \
                 at most that from a workbook\n{AS_CSV}",
                shown(&self.sheet),
                MAX_TEXT >> 20,
                cell_name(row, col)
            );
        }
        self.room_for(1, row, col)?;
        if let Some(last) = self.cells.last() {
            self.in_order &= last.at() < (r, c);
        }
        let start = self.text.len() as u32;
        self.text.push_str(value);
        self.cells.push(Cell {
            row: r,
            col: c,
            start,
            len: value.len() as u32,
        });
        Ok(())
    }

    /// `n` cells (the first at `row`, `col`) hold a spreadsheet error: read as blank.
    pub fn error(&mut self, row: u64, col: u64, n: u64) {
        self.errors.add(n, row, col);
    }

    /// The cells from `first` to `last` (0-based, inclusive) are merged.
    pub fn merge(&mut self, first: (u64, u64), last: (u64, u64)) -> Result<()> {
        if first.0 >= self.max_rows || first.1 >= MAX_COLUMNS {
            return Ok(());
        }
        let last = (
            last.0.clamp(first.0, self.max_rows - 1),
            last.1.clamp(first.1, MAX_COLUMNS - 1),
        );
        if first == last {
            return Ok(());
        }
        if self.merges.len() as u64 >= MAX_MERGES {
            bail!(
                "sheet `{}` has more than {} merged ranges; churn reads at most that many\n\
                 {AS_CSV}",
                shown(&self.sheet),
                grouped(MAX_MERGES)
            );
        }
        self.merges.push(Merge {
            first: (first.0 as u32, first.1 as u16),
            last: (last.0 as u32, last.1 as u16),
        });
        Ok(())
    }

    /// Whether `n` more cells holding values fit (the first at `row`, `col`).
    pub fn room_for(&self, n: u64, row: u64, col: u64) -> Result<()> {
        if self.len().saturating_add(n) > MAX_CELLS {
            bail!(
                "sheet `{}` holds more than {} cells with values (at cell {}); churn reads at \
                 most that many from a workbook\n{AS_CSV}",
                shown(&self.sheet),
                grouped(MAX_CELLS),
                cell_name(row, col)
            );
        }
        Ok(())
    }

    /// `row`, `col` as stored, or why no cell can be there.
    fn place(&self, row: u64, col: u64) -> Result<(u32, u16)> {
        if col >= MAX_COLUMNS {
            bail!(
                "sheet `{}`: a value in column {} ({}), past the last column a sheet can have \
                 (XFD, the {}th)\n  help: the file is damaged or was not written by a \
                 spreadsheet program; save it again from one, or export the sheet as CSV",
                shown(&self.sheet),
                grouped(col.saturating_add(1)),
                cell_name(row, col),
                grouped(MAX_COLUMNS)
            );
        }
        if row >= self.max_rows {
            bail!(
                "sheet `{}`: a value in row {} ({}), past the last row such a sheet can have \
                 ({})\n{AS_CSV}",
                shown(&self.sheet),
                grouped(row.saturating_add(1)),
                cell_name(row, col),
                grouped(self.max_rows)
            );
        }
        Ok((row as u32, col as u16))
    }

    /// The header, the rows and the notes.
    pub fn finish(mut self) -> Result<Sheet> {
        self.order();
        let Some(first) = self.cells.first() else {
            bail!(
                "sheet `{}` is empty; expected a header row and one row per response",
                shown(&self.sheet)
            );
        };
        let header_row = first.row;
        let (first_col, last_col) = self.extent(header_row);
        let left_out = self.keep_within(first_col, last_col);
        let rows = row_spans(&self.cells);
        let width = usize::from(last_col - first_col) + 1;
        let table = (rows.len() as u64 - 1).saturating_mul(width as u64);
        if table > MAX_CELLS {
            bail!(
                "sheet `{}` is {} rows by {} columns ({} cells); churn reads at most {} cells \
                 from a workbook\n{AS_CSV}",
                shown(&self.sheet),
                grouped(rows.len() as u64),
                grouped(width as u64),
                grouped(table),
                grouped(MAX_CELLS)
            );
        }
        let fills = self.fills(&rows, first_col, last_col)?;
        let mut notes = self.notes(&fills, &left_out, first_col, last_col);
        notes.retain(|n| !n.is_empty());
        let mut sheet = Sheet {
            name: self.sheet,
            header: Vec::new(),
            notes,
            cells: self.cells,
            text: self.text,
            rows,
            fills: fills.list,
            first_col,
            width,
        };
        sheet.header = sheet.header_fields();
        Ok(sheet)
    }

    /// Sort the cells by position if they came out of order; of two at one place, keep the
    /// later.
    fn order(&mut self) {
        if !self.in_order {
            self.cells.sort_by_key(Cell::at);
            self.cells.dedup_by(|later, kept| {
                let same = later.at() == kept.at();
                if same {
                    *kept = *later;
                }
                same
            });
        }
    }

    /// The header's first and last columns: its first and last values, or further right
    /// where a merged range with a value there runs on.
    fn extent(&self, header_row: u32) -> (u16, u16) {
        let first = self.cells[0].col;
        let in_header = self.cells.partition_point(|c| c.row == header_row);
        let mut last = self.cells[in_header - 1].col;
        for m in &self.merges {
            if m.first.0 == header_row && self.value_at(m.first).is_some() {
                last = last.max(m.last.1);
            }
        }
        (first, last)
    }

    /// The cell holding a value at `at`, if any.
    fn value_at(&self, at: (u32, u16)) -> Option<&Cell> {
        self.cells
            .binary_search_by_key(&at, Cell::at)
            .ok()
            .map(|i| &self.cells[i])
    }

    /// Drop the cells outside the header's columns; they are counted.
    fn keep_within(&mut self, first_col: u16, last_col: u16) -> Tally {
        let mut out = Tally::default();
        self.cells.retain(|c| {
            let inside = (first_col..=last_col).contains(&c.col);
            if !inside {
                out.add(1, u64::from(c.row), u64::from(c.col));
            }
            inside
        });
        out
    }

    /// The merged ranges that give a value to a cell of a row read, within the limits.
    fn fills(&self, rows: &[RowSpan], first_col: u16, last_col: u16) -> Result<Fills> {
        let mut out = Fills::default();
        let (mut cells, mut text) = (0u64, self.text.len() as u64);
        for m in &self.merges {
            let Some(value) = self.value_at(m.first) else {
                continue;
            };
            let (from, to) = (m.first.1.max(first_col), m.last.1.min(last_col));
            if from > to {
                continue;
            }
            let lo = rows.partition_point(|r| r.row < m.first.0);
            let hi = rows.partition_point(|r| r.row <= m.last.0);
            let covered = ((hi - lo) as u64).saturating_mul(u64::from(to - from) + 1);
            if covered < 2 {
                continue;
            }
            cells = cells.saturating_add(covered);
            text = text.saturating_add(covered.saturating_mul(u64::from(value.len)));
            if cells > MAX_CELLS || text > MAX_TEXT {
                bail!(
                    "sheet `{}`: its merged ranges cover more than {} cells or {} MiB of text; \
                     churn reads at most that from a workbook\n{AS_CSV}",
                    shown(&self.sheet),
                    grouped(MAX_CELLS),
                    MAX_TEXT >> 20
                );
            }
            out.first.get_or_insert(*m);
            out.list.push(Fill {
                rows: (m.first.0, m.last.0),
                cols: (usize::from(from - first_col), usize::from(to - first_col)),
                start: value.start,
                len: value.len,
            });
        }
        out.list.sort_by_key(|f| f.rows.0);
        Ok(out)
    }

    /// What to say about the cells read.
    fn notes(&self, fills: &Fills, left_out: &Tally, first_col: u16, last_col: u16) -> Vec<String> {
        let sheet = shown(&self.sheet);
        let mut notes = Vec::new();
        if let Some(m) = fills.first {
            let n = fills.list.len() as u64;
            let range = format!(
                "{}:{}",
                cell_name(m.first.0.into(), m.first.1.into()),
                cell_name(m.last.0.into(), m.last.1.into())
            );
            notes.push(format!(
                "sheet `{sheet}`: {} ({}{range}) {} the value of {} first cell to every cell \
                 {} covers",
                counted(n, "merged range", "merged ranges"),
                if n == 1 { "" } else { "first: " },
                if n == 1 { "gives" } else { "give" },
                if n == 1 { "its" } else { "their" },
                if n == 1 { "it" } else { "each" },
            ));
        }
        if self.errors.count > 0 {
            notes.push(format!(
                "sheet `{sheet}`: {} a spreadsheet error such as #DIV/0! or #N/A (first: {}); \
                 read as blank",
                counted(self.errors.count, "cell holds", "cells hold"),
                self.errors.first()
            ));
        }
        if left_out.count > 0 {
            let cols = format!(
                "{}:{}",
                column_name(first_col.into()),
                column_name(last_col.into())
            );
            notes.push(format!(
                "sheet `{sheet}`: {} outside the header's columns ({cols}) {} no column name \
                 and {} left out (first: {}); name {} column in the header row to read it",
                counted(left_out.count, "value", "values"),
                if left_out.count == 1 { "has" } else { "have" },
                if left_out.count == 1 { "is" } else { "are" },
                left_out.first(),
                if left_out.count == 1 { "its" } else { "their" },
            ));
        }
        if self.long.count > 0 {
            notes.push(format!(
                "sheet `{sheet}`: {} longer than {} MiB (first: {}); each is read as its first \
                 {} MiB",
                counted(self.long.count, "cell is", "cells are"),
                MAX_CELL_TEXT >> 20,
                self.long.first(),
                MAX_CELL_TEXT >> 20
            ));
        }
        notes
    }
}

/// A merged range as read: its rows, its columns within the table, its value.
#[derive(Debug, Clone, Copy)]
struct Fill {
    rows: (u32, u32),
    cols: (usize, usize),
    start: u32,
    len: u32,
}

#[derive(Debug, Default)]
struct Fills {
    list: Vec<Fill>,
    first: Option<Merge>,
}

/// A row holding values: its 0-based number and its cells (`start..end` of the cells; there
/// are at most [`MAX_CELLS`]).
#[derive(Debug, Clone, Copy)]
struct RowSpan {
    row: u32,
    start: u32,
    end: u32,
}

/// The rows of sorted cells.
fn row_spans(cells: &[Cell]) -> Vec<RowSpan> {
    let mut rows: Vec<RowSpan> = Vec::new();
    for (i, c) in (0u32..).zip(cells) {
        match rows.last_mut() {
            Some(r) if r.row == c.row => r.end = i + 1,
            _ => rows.push(RowSpan {
                row: c.row,
                start: i,
                end: i + 1,
            }),
        }
    }
    rows
}

/// A sheet read: the header as it stands and the rows after it, each built when visited.
pub struct Sheet {
    pub name: String,
    /// The header row's values, first to last column (blank where a cell is empty).
    pub header: Vec<String>,
    /// Notes for stderr: merged ranges filled, error cells, values left out, long cells.
    pub notes: Vec<String>,
    cells: Vec<Cell>,
    text: String,
    rows: Vec<RowSpan>,
    fills: Vec<Fill>,
    first_col: u16,
    width: usize,
}

/// The state of a walk over the rows: the merged ranges that reach the current row.
struct Walk {
    fields: Vec<(u32, u32)>,
    active: Vec<Fill>,
    next: usize,
}

impl Sheet {
    /// Rows after the header that hold values (some may be blank in the header's columns).
    pub fn len(&self) -> usize {
        self.rows.len().saturating_sub(1)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Visit each data row that is not blank, with its 1-based row number, in order;
    /// `visit` returns `false` to stop.
    pub fn rows(&self, mut visit: impl FnMut(u64, &StringRecord) -> Result<bool>) -> Result<()> {
        let mut walk = self.walk();
        let mut record = StringRecord::with_capacity(64, self.width);
        for (i, span) in self.rows.iter().enumerate() {
            self.build(span, &mut walk);
            if i == 0 || walk.fields.iter().all(|f| self.field(*f).trim().is_empty()) {
                continue;
            }
            record.clear();
            for f in &walk.fields {
                record.push_field(self.field(*f));
            }
            if !visit(u64::from(span.row) + 1, &record)? {
                break;
            }
        }
        Ok(())
    }

    fn walk(&self) -> Walk {
        Walk {
            fields: vec![(0, 0); self.width],
            active: Vec::new(),
            next: 0,
        }
    }

    /// The header row's fields.
    fn header_fields(&self) -> Vec<String> {
        let mut walk = self.walk();
        self.build(&self.rows[0], &mut walk);
        walk.fields
            .iter()
            .map(|f| self.field(*f).to_string())
            .collect()
    }

    /// Set `walk.fields` to the row's values, merged ranges filling its blank cells.
    fn build(&self, span: &RowSpan, walk: &mut Walk) {
        walk.fields.fill((0, 0));
        for c in &self.cells[span.start as usize..span.end as usize] {
            walk.fields[usize::from(c.col - self.first_col)] = (c.start, c.len);
        }
        while walk.next < self.fills.len() && self.fills[walk.next].rows.0 <= span.row {
            walk.active.push(self.fills[walk.next]);
            walk.next += 1;
        }
        walk.active.retain(|f| f.rows.1 >= span.row);
        for f in &walk.active {
            for field in &mut walk.fields[f.cols.0..=f.cols.1] {
                if field.1 == 0 {
                    *field = (f.start, f.len);
                }
            }
        }
    }

    fn field(&self, (start, len): (u32, u32)) -> &str {
        &self.text[start as usize..(start + len) as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(sheet: &Sheet) -> Vec<(u64, Vec<String>)> {
        let mut out = Vec::new();
        sheet
            .rows(|line, r| {
                out.push((line, r.iter().map(str::to_string).collect()));
                Ok(true)
            })
            .unwrap();
        out
    }

    #[test]
    fn a_far_cell_costs_nothing_and_is_left_out() {
        let mut c = Cells::new("S", 1_048_576);
        c.text(0, 0, "id").unwrap();
        c.text(0, 1, "reason").unwrap();
        c.text(1, 0, "1").unwrap();
        c.text(1, 1, "price").unwrap();
        c.text(1_048_575, 16_383, "stray").unwrap();
        let s = c.finish().unwrap();
        assert_eq!(s.header, ["id", "reason"]);
        assert_eq!(rows(&s), [(2, vec!["1".to_string(), "price".to_string()])]);
        assert!(s.notes[0].contains("1 value outside the header's columns (A:B)"));
        assert!(s.notes[0].contains("XFD1048576"), "{:?}", s.notes);
    }

    #[test]
    fn out_of_order_cells_are_sorted_and_the_later_wins() {
        let mut c = Cells::new("S", 100);
        c.text(2, 1, "late").unwrap();
        c.text(0, 1, "reason").unwrap();
        c.text(0, 0, "id").unwrap();
        c.text(2, 1, "later").unwrap();
        let s = c.finish().unwrap();
        assert_eq!(s.header, ["id", "reason"]);
        assert_eq!(rows(&s), [(3, vec![String::new(), "later".to_string()])]);
    }

    #[test]
    fn merged_ranges_fill_rows_that_hold_values() {
        let mut c = Cells::new("S", 100);
        for (col, v) in ["id", "reason"].iter().enumerate() {
            c.text(0, col as u64, v).unwrap();
        }
        for r in 1..4 {
            c.text(r, 0, &r.to_string()).unwrap();
        }
        c.text(1, 1, "price").unwrap();
        c.merge((1, 1), (5, 1)).unwrap();
        let s = c.finish().unwrap();
        let got: Vec<String> = rows(&s).into_iter().map(|(_, r)| r[1].clone()).collect();
        assert_eq!(got, ["price", "price", "price"]);
        assert!(
            s.notes[0].contains("1 merged range (B2:B6)"),
            "{:?}",
            s.notes
        );
    }

    #[test]
    fn limits_are_errors_not_allocations() {
        let mut c = Cells::new("S", 1_048_576);
        let err = c.text(0, 16_384, "x").unwrap_err().to_string();
        assert!(err.contains("XFE1"), "{err}");
        let err = c.text(1_048_576, 0, "x").unwrap_err().to_string();
        assert!(err.contains("row 1,048,577"), "{err}");
        let long = "é".repeat(MAX_CELL_TEXT);
        c.text(0, 0, "h").unwrap();
        c.text(1, 0, &long).unwrap();
        let s = c.finish().unwrap();
        let mut n = 0;
        s.rows(|_, r| {
            n = r[0].len();
            Ok(true)
        })
        .unwrap();
        assert_eq!(n, MAX_CELL_TEXT);
        assert!(s.notes[0].contains("1 cell is longer than 1 MiB (first: A2)"));
    }

    #[test]
    fn errors_are_blank_and_counted() {
        let mut c = Cells::new("S", 100);
        c.text(0, 0, "reason").unwrap();
        c.error(1, 0, 1);
        c.text(2, 0, "price").unwrap();
        c.error(6, 2, 3);
        let s = c.finish().unwrap();
        assert_eq!(rows(&s).len(), 1);
        assert!(
            s.notes[0].contains("4 cells hold a spreadsheet error"),
            "{:?}",
            s.notes
        );
        assert!(s.notes[0].contains("first: A2"));
    }
}
