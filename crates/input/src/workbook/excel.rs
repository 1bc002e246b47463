//! Excel sheets through calamine, each with the reader of its own kind (so a damaged file
//! shows its own fault): .xlsx and .xlsb cell by cell (`worksheet_cells_reader`, which holds
//! only the cell being read, never the sheet's whole extent), .xls from the sheet calamine has
//! read whole (an .xls is at most 65,536 rows by 256 columns; [`super::cfb`] checked it first).
//! Merged ranges come from calamine for .xlsx and .xls; it does not read them from .xlsb.

use std::fmt::Display;
use std::io::Cursor;

use anyhow::Result;
use calamine::{Data, DataRef, Reader, Xls, Xlsb, Xlsx};

use super::cells::{Cells, Sheet};
use super::{choose, MAX_ROWS};

type Bytes<'a> = Cursor<&'a [u8]>;

/// An error opening the workbook, with the reader's own words.
fn unreadable(kind: &str, e: impl Display) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the {kind} workbook: {e}\n  help: the file is damaged; save or download it \
         again, or export the sheet as CSV"
    )
}

/// An error reading a sheet.
fn bad_sheet(sheet: &str, e: impl Display) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read sheet `{}`: {e}\n  help: the file is damaged; save or download it \
         again, or export the sheet as CSV",
        churn_core::escape::shown(sheet)
    )
}

/// A cell as text, as `churn` has always read it: dates as `YYYY-MM-DD` (with the time when
/// there is one), numbers as Rust prints them (`3`, `2.5`), errors as `None`.
fn text<'a>(value: &DataRef<'a>) -> Option<std::borrow::Cow<'a, str>> {
    use std::borrow::Cow;
    Some(match value {
        DataRef::Empty => Cow::Borrowed(""),
        DataRef::Error(_) => return None,
        DataRef::SharedString(s) => Cow::Borrowed(*s),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => {
            Cow::Owned(s.clone())
        }
        DataRef::Float(f) => Cow::Owned(format!("{f}")),
        DataRef::Int(i) => Cow::Owned(i.to_string()),
        DataRef::Bool(b) => Cow::Owned(b.to_string()),
        DataRef::DateTime(dt) => Cow::Owned(match dt.as_datetime() {
            Some(t) if t.time() == chrono::NaiveTime::MIN => {
                t.date().format("%Y-%m-%d").to_string()
            }
            Some(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            None => dt.to_string(),
        }),
    })
}

/// Put one cell among the sheet's cells.
fn add(cells: &mut Cells, (row, col): (u32, u32), value: &DataRef<'_>) -> Result<()> {
    match text(value) {
        Some(t) => cells.text(row.into(), col.into(), &t),
        None => {
            cells.error(row.into(), col.into(), 1);
            Ok(())
        }
    }
}

/// A cell of a sheet read whole, as a [`DataRef`].
fn as_ref(d: &Data) -> DataRef<'_> {
    match d {
        Data::Int(i) => DataRef::Int(*i),
        Data::Float(f) => DataRef::Float(*f),
        Data::String(s) => DataRef::SharedString(s),
        Data::Bool(b) => DataRef::Bool(*b),
        Data::DateTime(dt) => DataRef::DateTime(*dt),
        Data::DateTimeIso(s) => DataRef::SharedString(s),
        Data::DurationIso(s) => DataRef::SharedString(s),
        Data::Error(e) => DataRef::Error(e.clone()),
        Data::Empty => DataRef::Empty,
    }
}

/// Read one sheet of an .xlsx (or .xlsm) cell by cell.
pub fn xlsx(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet> {
    let mut book: Xlsx<Bytes> =
        Xlsx::new(Cursor::new(bytes)).map_err(|e| unreadable(".xlsx", e))?;
    let name = choose(&book.sheet_names(), wanted)?;
    let mut cells = Cells::new(&name, MAX_ROWS);
    if let Some(merges) = book.worksheet_merge_cells(&name) {
        for m in merges.map_err(|e| bad_sheet(&name, e))? {
            cells.merge(
                (m.start.0.into(), m.start.1.into()),
                (m.end.0.into(), m.end.1.into()),
            )?;
        }
    }
    let mut reader = match book.worksheet_cells_reader(&name) {
        Ok(r) => r,
        Err(calamine::XlsxError::NotAWorksheet(kind)) => anyhow::bail!(
            "sheet `{}` is a {kind}, not a table of rows\n  help: choose a sheet of rows \
             with --sheet NAME",
            churn_core::escape::shown(&name)
        ),
        Err(e) => return Err(bad_sheet(&name, e)),
    };
    while let Some(cell) = reader.next_cell().map_err(|e| bad_sheet(&name, e))? {
        add(&mut cells, cell.get_position(), cell.get_value())?;
    }
    cells.finish()
}

/// Read one sheet of an .xlsb cell by cell (merged ranges are not read).
pub fn xlsb(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet> {
    let mut book: Xlsb<Bytes> =
        Xlsb::new(Cursor::new(bytes)).map_err(|e| unreadable(".xlsb", e))?;
    let name = choose(&book.sheet_names(), wanted)?;
    let mut cells = Cells::new(&name, MAX_ROWS);
    let mut reader = book
        .worksheet_cells_reader(&name)
        .map_err(|e| bad_sheet(&name, e))?;
    while let Some(cell) = reader.next_cell().map_err(|e| bad_sheet(&name, e))? {
        add(&mut cells, cell.get_position(), cell.get_value())?;
    }
    cells.finish()
}

/// Read one sheet of an .xls.
pub fn xls(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet> {
    let mut book: Xls<Bytes> = Xls::new(Cursor::new(bytes)).map_err(|e| unreadable(".xls", e))?;
    let name = choose(&book.sheet_names(), wanted)?;
    let mut cells = Cells::new(&name, MAX_ROWS);
    for m in book.worksheet_merge_cells(&name).unwrap_or_default() {
        cells.merge(
            (m.start.0.into(), m.start.1.into()),
            (m.end.0.into(), m.end.1.into()),
        )?;
    }
    let range = book
        .worksheet_range(&name)
        .map_err(|e| bad_sheet(&name, e))?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    for (r, c, d) in range.used_cells() {
        let at = (row0 + r as u32, col0 + c as u32);
        add(&mut cells, at, &as_ref(d))?;
    }
    cells.finish()
}
