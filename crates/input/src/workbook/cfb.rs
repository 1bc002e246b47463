//! Checks of an .xls before calamine reads it. An .xls is a Compound File (sectors chained by a
//! table, like a small file system) holding a stream of BIFF records, and calamine's reader
//! believes what both claim: a sector chain that loops makes it read forever, a table length
//! or a sheet's `DIMENSIONS` record makes it reserve that much memory, and it lays every sheet
//! out whole (rows times columns of the cells it holds). Here the same structures are walked
//! the way calamine walks them, with every chain's length bounded by the file's sectors and
//! every sheet's extent by [`MAX_CELLS`], so what calamine then does is bounded too.

use anyhow::{bail, Result};

use super::{grouped, AS_CSV, MAX_CELLS, MAX_TEXT};

/// `CONTINUE` records after one record: calamine takes each from the front of a list, so many
/// cost it time in their square.
const MAX_CONTINUES: usize = 16_384;

/// Sector ids at or past this end a chain (calamine's `RESERVED_SECTORS`, `DIFSECT`,
/// `ENDOFCHAIN`).
const RESERVED: u32 = 0xFFFF_FFFA;
const DIFSECT: u32 = 0xFFFF_FFFC;
const END_OF_CHAIN: u32 = 0xFFFF_FFFE;

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(b.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn damaged(what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the .xls workbook: {what}\n  help: the file is damaged; save it again \
         from a spreadsheet program (as .xlsx), or export the sheet as CSV"
    )
}

/// The compound file as calamine sees it: sectors after the 512-byte header.
struct Compound<'a> {
    data: &'a [u8],
    size: usize,
    /// The last sector id calamine accepts.
    max_id: usize,
    fat: Vec<u32>,
}

impl<'a> Compound<'a> {
    fn sector(&self, id: u32) -> Result<&'a [u8]> {
        let id = id as usize;
        if id > self.max_id {
            return Err(damaged("a sector past the end of the file"));
        }
        let start = (id * self.size).min(self.data.len());
        Ok(&self.data[start..(start + self.size).min(self.data.len())])
    }

    /// A chain's bytes, at most `len`, read as calamine reads it; a chain longer than the
    /// file has sectors loops, and is refused.
    fn chain(&self, mut id: u32, len: usize) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        let mut steps = 0usize;
        while id != END_OF_CHAIN {
            steps += 1;
            if steps > self.max_id + 2 {
                return Err(damaged("a chain of sectors loops"));
            }
            let sector = self.sector(id)?;
            let take = sector.len().min(len - out.len());
            out.extend_from_slice(&sector[..take]);
            if out.len() >= len {
                break;
            }
            id = *self
                .fat
                .get(id as usize)
                .ok_or_else(|| damaged("a chain of sectors leaves the table"))?;
        }
        Ok(out)
    }
}

/// Check the compound file's header and tables, and its workbook stream's records.
pub fn check(bytes: &[u8]) -> Result<()> {
    let header = bytes.get(..512).ok_or_else(|| damaged("it is cut short"))?;
    let size = match u16_at(header, 30) {
        Some(9) => 512,
        Some(12) => 4096,
        _ => return Ok(()), // calamine refuses it
    };
    let max_id = bytes.len() / size;
    let field = |at| u32_at(header, at).unwrap_or(0) as usize;
    // calamine reserves these many entries: the FAT's length, and (its reading of) the DIFAT's.
    if field(44) > max_id + 1 || field(62) > 16 << 20 {
        return Err(damaged(
            "its sector tables claim more sectors than it holds",
        ));
    }
    let mut cf = Compound {
        data: &bytes[512..],
        size,
        max_id,
        fat: Vec::new(),
    };
    cf.fat = fat(&cf, header)?;
    let stream = workbook_stream(&cf, header)?;
    let Some(stream) = stream else {
        return Ok(());
    };
    records(&stream)
}

/// The sector table, gathered from the sectors the DIFAT lists (as calamine gathers it).
fn fat(cf: &Compound<'_>, header: &[u8]) -> Result<Vec<u32>> {
    let mut difat: Vec<u32> = header[76..512]
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    let mut id = u32_at(header, 68).unwrap_or(END_OF_CHAIN);
    let mut steps = 0;
    while id < RESERVED {
        steps += 1;
        if steps > cf.max_id + 2 {
            return Err(damaged("its chain of sector tables loops"));
        }
        let sector = cf.sector(id)?;
        difat.extend(
            sector
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default())),
        );
        id = difat.pop().unwrap_or(END_OF_CHAIN);
    }
    let tables: Vec<u32> = difat.into_iter().filter(|id| *id < DIFSECT).collect();
    if tables.len() > cf.max_id + 1 {
        return Err(damaged(
            "its sector tables claim more sectors than it holds",
        ));
    }
    let mut fat = Vec::with_capacity(tables.len() * cf.size / 4);
    for id in tables {
        fat.extend(
            cf.sector(id)?
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default())),
        );
    }
    Ok(fat)
}

/// A directory entry: name, first sector, length.
struct Entry {
    name: String,
    start: u32,
    len: usize,
}

/// The workbook stream (`Workbook` or `Book`), as calamine finds it; `None` when calamine
/// would refuse the file before reading it.
fn workbook_stream(cf: &Compound<'_>, header: &[u8]) -> Result<Option<Vec<u8>>> {
    let dirs = cf.chain(u32_at(header, 48).unwrap_or(END_OF_CHAIN), usize::MAX)?;
    if dirs.len() % 128 != 0 {
        return Err(damaged("its directory is cut short"));
    }
    let entries: Vec<Entry> = dirs
        .chunks_exact(128)
        .map(|c| {
            let units: Vec<u16> = c[..64]
                .chunks_exact(2)
                .map(|u| u16::from_le_bytes([u[0], u[1]]))
                .collect();
            let name = String::from_utf16_lossy(&units);
            let name = name.split('\0').next().unwrap_or_default().to_string();
            let len = if cf.size == 512 {
                u32_at(c, 120).unwrap_or(0) as usize
            } else {
                u64::from_le_bytes(c[120..128].try_into().unwrap_or_default()) as usize
            };
            Entry {
                name,
                start: u32_at(c, 116).unwrap_or(END_OF_CHAIN),
                len,
            }
        })
        .collect();
    let Some(root) = entries.first() else {
        return Ok(None);
    };
    let Some(book) = ["Workbook", "Book", "WORKBOOK", "BOOK"]
        .iter()
        .find_map(|n| entries.iter().find(|e| e.name == *n))
    else {
        return Ok(None);
    };
    if book.len >= 4096 {
        return cf.chain(book.start, book.len).map(Some);
    }
    let mini_len = u32_at(header, 64).unwrap_or(0) as usize;
    if mini_len == 0 {
        return Ok(None);
    }
    let mini_stream = cf.chain(root.start, root.len)?;
    let mini_fat: Vec<u32> = cf
        .chain(
            u32_at(header, 60).unwrap_or(END_OF_CHAIN),
            mini_len * cf.size,
        )?
        .chunks_exact(4)
        .map(|c| u32::from_le_bytes(c.try_into().unwrap_or_default()))
        .collect();
    let mini = Compound {
        data: &mini_stream,
        size: 64,
        max_id: mini_stream.len() / 64,
        fat: mini_fat,
    };
    mini.chain(book.start, book.len).map(Some)
}

/// Walk the BIFF records: the workbook's globals, then each sheet from where its `BOUNDSHEET`
/// record says it starts.
fn records(stream: &[u8]) -> Result<()> {
    let mut sheets = Vec::new();
    let mut strings = Vec::new();
    for (typ, data, more) in Records::new(stream) {
        continues(&more)?;
        match typ {
            0x0085 => sheets.push(u32_at(data, 0).unwrap_or(u32::MAX) as usize),
            0x00FC => strings = string_lengths(data, &more),
            0x000A => break,
            _ => {}
        }
    }
    let mut total = Extent::default();
    for at in sheets {
        let Some(sheet) = stream.get(at..) else {
            continue;
        };
        let extent = sheet_extent(sheet, &strings)?;
        total.cells = total.cells.saturating_add(extent.area());
        total.text = total.text.saturating_add(extent.text);
    }
    if total.cells > MAX_CELLS {
        bail!(
            "the .xls workbook's sheets span {} cells (rows times columns, as the reader lays \
             them out); churn reads at most {}\n{AS_CSV}",
            grouped(total.cells),
            grouped(MAX_CELLS)
        );
    }
    if total.text > MAX_TEXT {
        bail!(
            "the .xls workbook's cells can hold more than {} MiB of text (each cell that uses a \
             shared string gets a copy); churn reads at most that\n{AS_CSV}",
            MAX_TEXT >> 20
        );
    }
    Ok(())
}

fn continues(more: &[&[u8]]) -> Result<()> {
    if more.len() > MAX_CONTINUES {
        return Err(damaged(&format!(
            "a record is continued {} times",
            grouped(more.len() as u64)
        )));
    }
    Ok(())
}

/// Rows and columns a sheet spans, the room its `DIMENSIONS` record asks for, and the text its
/// shared-string cells copy.
/// The first and last of some rows or columns.
type Span = Option<(u32, u32)>;

#[derive(Debug, Default)]
struct Extent {
    rows: Span,
    cols: Span,
    formulas: (Span, Span),
    reserved: u64,
    cells: u64,
    text: u64,
}

fn widen(span: &mut Span, v: u32) {
    *span = Some(span.map_or((v, v), |(a, b)| (a.min(v), b.max(v))));
}

fn width(span: Span) -> u64 {
    span.map_or(0, |(a, b)| u64::from(b - a) + 1)
}

impl Extent {
    fn area(&self) -> u64 {
        let cells = width(self.rows).saturating_mul(width(self.cols));
        let formulas = width(self.formulas.0).saturating_mul(width(self.formulas.1));
        cells.saturating_add(formulas).max(self.reserved)
    }

    fn cell(&mut self, row: u16, col: u16) {
        widen(&mut self.rows, row.into());
        widen(&mut self.cols, col.into());
    }
}

/// A sheet's extent, from its records up to its `EOF`.
fn sheet_extent(sheet: &[u8], strings: &[u32]) -> Result<Extent> {
    let mut e = Extent::default();
    for (typ, data, more) in Records::new(sheet) {
        continues(&more)?;
        let (row, col) = (u16_at(data, 0).unwrap_or(0), u16_at(data, 2).unwrap_or(0));
        match typ {
            0x0200 => e.reserved = e.reserved.max(dimensions(data)),
            0x0203 | 0x0204 | 0x0205 | 0x027E => e.cell(row, col),
            0x00FD => {
                e.cell(row, col);
                let i = u32_at(data, 6).unwrap_or(u32::MAX) as usize;
                let len = strings.get(i).copied().unwrap_or(0);
                e.text = e.text.saturating_add(len.into());
            }
            0x00BD if data.len() >= 6 => {
                e.cell(row, col);
                e.cell(row, u16_at(data, data.len() - 2).unwrap_or(col));
            }
            0x0006 => {
                e.cell(row, col);
                widen(&mut e.formulas.0, row.into());
                widen(&mut e.formulas.1, col.into());
            }
            0x000A => break,
            _ => {}
        }
        if e.area() > MAX_CELLS {
            bail!(
                "an .xls sheet spans more than {} cells (rows times columns, as the reader lays \
                 them out){}; churn reads at most that many\n{AS_CSV}",
                grouped(MAX_CELLS),
                if e.reserved > MAX_CELLS {
                    format!(" or says it does ({} cells)", grouped(e.reserved))
                } else {
                    String::new()
                }
            );
        }
    }
    Ok(e)
}

/// The cells calamine reserves room for from a `DIMENSIONS` record (its arithmetic, wrapping
/// as a release build does).
fn dimensions(d: &[u8]) -> u64 {
    let (rf, rl, cf, cl) = match d.len() {
        10 => (
            u32::from(u16_at(d, 0).unwrap_or(0)),
            u32::from(u16_at(d, 2).unwrap_or(0)),
            u32::from(u16_at(d, 4).unwrap_or(0)),
            u32::from(u16_at(d, 6).unwrap_or(0)),
        ),
        14 => (
            u32_at(d, 0).unwrap_or(0),
            u32_at(d, 4).unwrap_or(0),
            u32::from(u16_at(d, 8).unwrap_or(0)),
            u32::from(u16_at(d, 10).unwrap_or(0)),
        ),
        _ => return 0,
    };
    let cf = if cf > 0xFF || cl < cf { 0 } else { cf };
    let (end_r, end_c) = if rl >= 1 && cl >= 1 {
        (rl - 1, cl - 1)
    } else {
        (rf, cf)
    };
    let rows = end_r.wrapping_sub(rf).wrapping_add(1) as u64;
    let cols = end_c.wrapping_sub(cf).wrapping_add(1) as u64;
    rows.saturating_mul(cols)
}

/// The `CONTINUE`d data of a record, read as calamine reads it.
struct Parts<'a> {
    data: &'a [u8],
    more: std::slice::Iter<'a, &'a [u8]>,
}

impl<'a> Parts<'a> {
    fn next_part(&mut self) -> bool {
        match self.more.next() {
            Some(p) => {
                self.data = p;
                true
            }
            None => false,
        }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let (head, rest) = (self.data.get(..n)?, self.data.get(n..)?);
        self.data = rest;
        Some(head)
    }

    fn skip(&mut self, mut n: usize) -> Option<()> {
        while n > 0 {
            if self.data.is_empty() && !self.next_part() {
                return None;
            }
            let k = n.min(self.data.len());
            self.data = &self.data[k..];
            n -= k;
        }
        Some(())
    }

    /// One string of the table (MS-XLS XLUnicodeRichExtendedString): its characters, one
    /// byte each or two (`fHighByte`, which may change at each `CONTINUE`).
    fn string(&mut self) -> Option<usize> {
        if self.data.is_empty() {
            return Some(0);
        }
        let head = self.take(3)?;
        let (cch, flags) = (usize::from(u16_at(head, 0)?), head[2]);
        let runs = if flags & 0x8 != 0 {
            usize::from(u16_at(self.take(2)?, 0)?)
        } else {
            0
        };
        let ext = if flags & 0x4 != 0 {
            u32_at(self.take(4)?, 0)? as i32 as usize
        } else {
            0
        };
        let (mut left, mut wide) = (cch, flags & 0x1 != 0);
        while left > 0 {
            let n = if wide {
                (self.data.len() / 2).min(left)
            } else {
                self.data.len().min(left)
            };
            self.data = &self.data[if wide { 2 * n } else { n }..];
            left -= n;
            if left > 0 {
                if !self.next_part() {
                    return None;
                }
                wide = self.take(1)?[0] & 0x1 != 0;
            }
        }
        self.skip(runs.checked_mul(4)?)?;
        self.skip(ext)?;
        Some(cch)
    }
}

/// The most bytes of text each entry of the shared-string table (`SST`) becomes (three per
/// character), read as calamine reads the table; empty when calamine cannot read it.
fn string_lengths(data: &[u8], more: &[&[u8]]) -> Vec<u32> {
    let mut out = Vec::new();
    let mut parts = Parts {
        data: data.get(8..).unwrap_or_default(),
        more: more.iter(),
    };
    while !parts.data.is_empty() || parts.next_part() {
        match parts.string() {
            Some(cch) => out.push(cch as u32 * 3),
            None => return Vec::new(),
        }
    }
    out
}

/// BIFF records: type, data, and the data of the `CONTINUE` records after it.
struct Records<'a> {
    rest: &'a [u8],
}

impl<'a> Records<'a> {
    fn new(stream: &'a [u8]) -> Self {
        Records { rest: stream }
    }
}

impl<'a> Iterator for Records<'a> {
    type Item = (u16, &'a [u8], Vec<&'a [u8]>);

    fn next(&mut self) -> Option<Self::Item> {
        let (typ, len) = (u16_at(self.rest, 0)?, u16_at(self.rest, 2)? as usize);
        let data = self.rest.get(4..4 + len)?;
        self.rest = &self.rest[4 + len..];
        let mut more = Vec::new();
        while u16_at(self.rest, 0) == Some(0x003C) {
            let len = u16_at(self.rest, 2)? as usize;
            more.push(self.rest.get(4..4 + len)?);
            self.rest = &self.rest[4 + len..];
        }
        Some((typ, data, more))
    }
}
