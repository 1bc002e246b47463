//! One sheet of a workbook (.xlsx/.xlsm, .xlsb, .xls, .ods) read into a header and rows, within
//! limits no real export reaches, so that a small file cannot make `churn` allocate without
//! bound, run for hours or drop rows: what the bytes hold is told by looking inside
//! ([`container`]), the readers hand over only the cells that hold values ([`excel`] through
//! calamine, [`ods`] our own), and [`cells`] turns them into rows (merged ranges filled, error
//! cells blank), each limit past which a workbook is refused with a message saying what to do.
//!
//! bytes -> container (kind, zip limits) -> excel | ods (cells) -> cells (rows, notes)

mod cells;
mod cfb;
mod container;
mod excel;
mod ods;

use anyhow::{bail, Result};

pub use cells::Sheet;

/// Rows of an .xlsx, .xlsb or .xls sheet: Excel's own limit (a row past it is damage).
pub const MAX_ROWS: u64 = 1_048_576;
/// Rows of an .ods sheet: LibreOffice's own limit (since 7.4; Excel's is lower).
pub const MAX_ODS_ROWS: u64 = 16_777_216;
/// Columns of any sheet (A to XFD): Excel's and LibreOffice's limit.
pub const MAX_COLUMNS: u64 = 16_384;
/// Cells holding values in a sheet, and cells of the table read (data rows times the header's
/// columns): a large real export (100,000 answers to 100 questions) holds 10 million.
pub const MAX_CELLS: u64 = 30_000_000;
/// Merged ranges in a sheet (a real export has a handful, a formatted report thousands).
pub const MAX_MERGES: u64 = 1_000_000;
/// Bytes of a workbook's parts once unpacked: real survey exports unpack to under 100 MB.
pub const MAX_UNPACKED: u64 = 512 << 20;
/// Bytes of text in a sheet's cells, counting every cell that repeats a shared or merged one.
pub const MAX_TEXT: u64 = 512 << 20;
/// Bytes of one cell's text: a longer cell is read as its first MiB, with a note (Excel holds
/// at most 32,767 characters in a cell).
pub const MAX_CELL_TEXT: usize = 1 << 20;
/// Entries of an .xlsx's shared-string table (each costs memory before a cell is read).
pub const MAX_SHARED_STRINGS: u64 = 10_000_000;

/// The advice at the end of an error about a workbook too large to read.
const AS_CSV: &str = "  help: export the sheet as CSV (churn streams CSV files of any size)";

/// Read one sheet (`wanted`, else the first) of the workbook in `bytes`.
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet> {
    match container::kind(bytes)? {
        container::Kind::Xlsx => excel::xlsx(bytes, wanted),
        container::Kind::Xlsb => excel::xlsb(bytes, wanted),
        container::Kind::Xls => excel::xls(bytes, wanted),
        container::Kind::Ods => ods::read(bytes, wanted),
    }
}

/// The sheet to read: `wanted`, which must be one of `names`, or else the first.
fn choose(names: &[String], wanted: Option<&str>) -> Result<String> {
    match wanted {
        Some(s) => match names.iter().find(|n| *n == s) {
            Some(n) => Ok(n.clone()),
            None => bail!(
                "--sheet: no sheet `{}`\n  sheets: {}",
                churn_core::escape::shown(s),
                listed(names)
            ),
        },
        None => match names.first() {
            Some(n) => Ok(n.clone()),
            None => bail!("the workbook has no sheets"),
        },
    }
}

/// Sheet names as `a`, `b`.
fn listed(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{}`", churn_core::escape::shown(n)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column's letters as a spreadsheet shows them (`B`, `XFD`), from its 0-based position.
pub fn column_name(col: u64) -> String {
    let mut letters = Vec::new();
    let mut n = col.saturating_add(1);
    while n > 0 {
        let d = (n - 1) % 26;
        letters.push(b'A' + d as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

/// A cell's name as a spreadsheet shows it (`B3`, `XFD1048576`), from 0-based positions.
pub fn cell_name(row: u64, col: u64) -> String {
    format!("{}{}", column_name(col), row.saturating_add(1))
}

/// `n` with thousands separated: 1,048,576.
fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `1 cell` / `2 cells`.
fn counted(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", grouped(n), if n == 1 { one } else { many })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_named_as_in_a_spreadsheet() {
        assert_eq!(cell_name(0, 0), "A1");
        assert_eq!(cell_name(2, 1), "B3");
        assert_eq!(cell_name(0, 25), "Z1");
        assert_eq!(cell_name(0, 26), "AA1");
        assert_eq!(cell_name(1_048_575, 16_383), "XFD1048576");
        assert_eq!(grouped(1_048_576), "1,048,576");
        assert_eq!(grouped(999), "999");
        assert_eq!(counted(1, "cell", "cells"), "1 cell");
    }
}
