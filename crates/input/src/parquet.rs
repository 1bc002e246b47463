//! A Parquet file, read through polars: its column names from the footer when it is opened, its
//! rows a slice at a time when they are visited, and only the columns the caller reads (the
//! others are empty cells), every value as text.
//!
//! Values become text as polars casts them (`2.0`, `true`, `2024-01-15`,
//! `2024-01-15 10:30:00.000000`, `12.50`); a value polars does not cast to text (a list, a
//! struct) is written as polars displays it (`["a", "b"]`). A null is an empty cell.

use std::io::Cursor;

use super::table::guarded;
use anyhow::{anyhow, Result};
use churn_core::escape::shown;
use csv::StringRecord;
use polars::prelude::{
    AnyValue, ArrowSchema, Column, DataFrame, DataType, FileMetadataRef, ParquetReader, SerReader,
};

/// Rows read at a time, at most: the memory of a visit is that of one slice, not of the file.
const SLICE: usize = 64 * 1024;

/// Cells read at a time, at most: a wide file is read in fewer rows at a time (500 columns,
/// 2,000 rows), so that a visit that stops early (the sample that finds the columns) reads
/// little.
const SLICE_CELLS: usize = 1 << 20;

/// An opened Parquet file.
pub struct ParquetFile {
    bytes: Vec<u8>,
    metadata: FileMetadataRef,
    /// The columns' names, left to right, as the file has them.
    pub names: Vec<String>,
    /// Rows in the file.
    pub rows: usize,
    /// Columns polars cannot read (a map, an interval), by position, and their type: their
    /// cells are empty.
    pub unreadable: Vec<(usize, String)>,
}

impl std::fmt::Debug for ParquetFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetFile")
            .field("names", &self.names)
            .field("rows", &self.rows)
            .finish()
    }
}

fn unreadable(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow!("cannot read the Parquet file: {e}")
}

impl ParquetFile {
    /// Read the footer: the columns' names and the number of rows.
    pub fn open(bytes: Vec<u8>) -> Result<ParquetFile> {
        let mut reader = ParquetReader::new(Cursor::new(bytes.as_slice()));
        let schema = reader.schema().map_err(unreadable)?;
        let names = schema.iter_names().map(|n| n.to_string()).collect();
        let rows = reader.num_rows().map_err(unreadable)?;
        let metadata = reader.get_metadata().map_err(unreadable)?.clone();
        let mut file = ParquetFile {
            bytes,
            metadata,
            names,
            rows,
            unreadable: Vec::new(),
        };
        file.unreadable = file.probe(&schema);
        Ok(file)
    }

    /// The columns whose first row cannot be read, and their type.
    fn probe(&self, schema: &ArrowSchema) -> Vec<(usize, String)> {
        if self.rows == 0 {
            return Vec::new();
        }
        (0..self.names.len())
            .filter(|&i| {
                let read = self.read(&[i], (0, 1));
                read.and_then(|f| column_text(&f, &self.names[i])).is_err()
            })
            .map(|i| {
                let kind = schema
                    .get_at_index(i)
                    .map(|(_, field)| format!("{:?}", field.dtype));
                let kind = kind.unwrap_or_default();
                (i, kind.split('(').next().unwrap_or_default().to_string())
            })
            .collect()
    }

    /// Notes on the columns that cannot be read.
    pub fn notes(&self) -> Vec<String> {
        (self.unreadable.iter())
            .map(|(i, kind)| {
                format!(
                    "the column `{}` holds values of a type churn cannot read ({kind}); its \
                     cells are read as empty",
                    shown(&self.names[*i])
                )
            })
            .collect()
    }

    /// Visit the rows in order, numbered as in a spreadsheet (the header is row 1), reading
    /// only `columns` (by position; every column when `None`); `visit` returns `false` to stop.
    pub fn rows(
        &self,
        columns: Option<&[usize]>,
        mut visit: impl FnMut(u64, &StringRecord) -> Result<bool>,
    ) -> Result<()> {
        let readable =
            |i: &usize| *i < self.names.len() && !self.unreadable.iter().any(|u| u.0 == *i);
        let mut wanted: Vec<usize> = match columns {
            Some(c) => c.iter().copied().filter(readable).collect(),
            None => (0..self.names.len()).filter(readable).collect(),
        };
        wanted.sort_unstable();
        wanted.dedup();
        let step = (SLICE_CELLS / wanted.len().max(1)).clamp(1, SLICE);
        let mut record = StringRecord::new();
        let mut offset = 0;
        while offset < self.rows {
            let frame = self.read(&wanted, (offset, step))?;
            let height = frame.height();
            if height == 0 {
                break;
            }
            let texts: Vec<Vec<Option<String>>> = wanted
                .iter()
                .map(|&i| column_text(&frame, &self.names[i]))
                .collect::<Result<_>>()?;
            for row in 0..height {
                record.clear();
                let mut next = wanted.iter().zip(&texts).peekable();
                for i in 0..self.names.len() {
                    match next.next_if(|(&w, _)| w == i) {
                        Some((_, values)) => {
                            record.push_field(values[row].as_deref().unwrap_or(""))
                        }
                        None => record.push_field(""),
                    }
                }
                let line = (offset + row) as u64 + 2;
                if !visit(line, &record)? {
                    return Ok(());
                }
            }
            offset += height;
        }
        Ok(())
    }

    /// The rows `(offset, length)` of the columns `wanted`.
    fn read(&self, wanted: &[usize], slice: (usize, usize)) -> Result<DataFrame> {
        // A damaged file can make the reader panic: that is an error of the file.
        guarded("Parquet file", || {
            let mut reader = ParquetReader::new(Cursor::new(self.bytes.as_slice()));
            reader.set_metadata(self.metadata.clone());
            reader
                .with_projection(Some(wanted.to_vec()))
                .with_slice(Some(slice))
                .finish()
                .map_err(|e| anyhow!("cannot read the Parquet file's rows: {e}"))
        })
    }
}

/// The column `name` of `frame` as text ([`as_text`]); a panic of polars on a value is an
/// error of the file, as in reading.
fn column_text(frame: &DataFrame, name: &str) -> Result<Vec<Option<String>>> {
    guarded("Parquet file", || {
        as_text(frame.column(name).map_err(unreadable)?)
    })
}

/// A column's values as text: cast by polars, or shown as polars shows them when it does not
/// cast them (lists, structs).
fn as_text(column: &Column) -> Result<Vec<Option<String>>> {
    // An instant with a time zone is shown in UTC, as it is stored: polars is built without
    // the time zone database.
    if let DataType::Datetime(unit, Some(_)) = column.dtype() {
        let utc = column
            .cast(&DataType::Datetime(*unit, None))
            .map_err(unreadable)?;
        let mut text = as_text(&utc)?;
        text.iter_mut().flatten().for_each(|t| t.push_str(" UTC"));
        return Ok(text);
    }
    if let Ok(cast) = column.cast(&DataType::String) {
        if let Ok(strings) = cast.str() {
            return Ok(strings.iter().map(|v| v.map(str::to_string)).collect());
        }
    }
    (0..column.len())
        .map(|i| {
            let value = column.get(i).map_err(unreadable)?;
            Ok(match value {
                AnyValue::Null => None,
                v => Some(v.to_string()),
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn typed() -> ParquetFile {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../fixtures/inputs/typed.parquet"
        );
        ParquetFile::open(std::fs::read(path).unwrap()).unwrap()
    }

    fn rows(file: &ParquetFile, columns: Option<&[usize]>) -> Vec<(u64, Vec<String>)> {
        let mut rows = Vec::new();
        file.rows(columns, |line, r| {
            rows.push((line, r.iter().map(str::to_string).collect()));
            Ok(true)
        })
        .unwrap();
        rows
    }

    #[test]
    fn only_the_columns_asked_for_are_read() {
        let file = typed();
        assert_eq!(file.names.len(), 11);
        assert_eq!(file.rows, 4);
        let all = rows(&file, None);
        let some = rows(&file, Some(&[2, 1, 2]));
        assert_eq!(some.len(), 4);
        for ((line, all), (n, some)) in all.iter().zip(&some) {
            assert_eq!(line, n);
            assert_eq!(some.len(), 11);
            for (i, cell) in some.iter().enumerate() {
                let expected = if i == 1 || i == 2 {
                    all[i].as_str()
                } else {
                    ""
                };
                assert_eq!(cell, expected, "column {i}");
            }
        }
        assert_eq!(some[0].0, 2);
        assert_eq!(some[3].1[1], "r04");
    }

    #[test]
    fn a_visit_stops_when_told() {
        let file = typed();
        let mut seen = 0;
        file.rows(Some(&[0]), |_, _| {
            seen += 1;
            Ok(seen < 2)
        })
        .unwrap();
        assert_eq!(seen, 2);
    }
}
