//! What a workbook's bytes hold, told by looking inside rather than by trying every reader (so
//! a damaged .xlsx shows its own fault, not "cannot detect file format"), and what unpacking
//! them would cost: the parts of a zip may not unpack to more than [`MAX_UNPACKED`] bytes
//! (measured, not just as declared, when the compressed sizes allow more) and an .xlsx's
//! shared-string table may not hold more than [`MAX_SHARED_STRINGS`] entries, both checked
//! before any reader allocates for them.

use std::io::{Cursor, Read};

use anyhow::{bail, Result};
use zip::{CompressionMethod, ZipArchive};

use super::{cfb, grouped, AS_CSV, MAX_SHARED_STRINGS, MAX_UNPACKED};

/// A workbook's kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Xlsx,
    Xlsb,
    Xls,
    Ods,
}

/// The largest factor by which deflate can expand data.
const DEFLATE_RATIO: u64 = 1032;

const OLE: &[u8] = &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];

/// The bytes as a zip archive, or why they cannot be read as one.
pub fn archive(bytes: &[u8]) -> Result<ZipArchive<Cursor<&[u8]>>> {
    ZipArchive::new(Cursor::new(bytes)).map_err(|e| {
        anyhow::anyhow!(
            "the file starts like a zip archive (as .xlsx and .ods workbooks do) but cannot be \
             read as one: {e}; it may be cut short or damaged\n  help: save or download the \
             workbook again, or export the sheet as CSV"
        )
    })
}

/// What the bytes hold, once checked that reading them stays within the limits.
pub fn kind(bytes: &[u8]) -> Result<Kind> {
    if bytes.starts_with(OLE) {
        cfb::check(bytes)?;
        return Ok(Kind::Xls);
    }
    let mut zip = archive(bytes)?;
    let find = |name: &str| zip.file_names().find(|n| n.eq_ignore_ascii_case(name));
    let kind = if find("xl/workbook.xml").is_some() {
        Kind::Xlsx
    } else if find("xl/workbook.bin").is_some() {
        Kind::Xlsb
    } else if find("content.xml").is_some() {
        Kind::Ods
    } else {
        let mut names: Vec<&str> = zip.file_names().take(6).collect();
        names.sort_unstable();
        bail!(
            "this is a zip archive, not a workbook: it holds {}{}\n  help: extract the export \
             from the archive and give that file",
            names
                .iter()
                .map(|n| format!("`{}`", churn_core::escape::shown(n)))
                .collect::<Vec<_>>()
                .join(", "),
            if zip.len() > names.len() { ", ..." } else { "" }
        );
    };
    unpacked_size(&mut zip)?;
    let table = match kind {
        Kind::Xlsx => "xl/sharedStrings.xml",
        Kind::Xlsb => "xl/sharedStrings.bin",
        _ => return Ok(kind),
    };
    let name = zip
        .file_names()
        .find(|n| n.eq_ignore_ascii_case(table))
        .map(str::to_string);
    if let Some(name) = name {
        let part = zip.by_name(&name).map_err(damaged)?;
        let reader = std::io::BufReader::with_capacity(64 * 1024, part.take(MAX_UNPACKED));
        match kind {
            Kind::Xlsx => shared_strings(reader)?,
            _ => binary_shared_strings(reader)?,
        }
    }
    Ok(kind)
}

/// Check that the parts unpack to at most [`MAX_UNPACKED`] bytes: by their declared sizes, and,
/// when their compressed sizes allow more (a declared size can lie), by unpacking them.
fn unpacked_size(zip: &mut ZipArchive<Cursor<&[u8]>>) -> Result<()> {
    let (mut declared, mut possible) = (0u64, 0u64);
    for i in 0..zip.len() {
        let part = zip.by_index_raw(i).map_err(damaged)?;
        declared = declared.saturating_add(part.size());
        possible = possible.saturating_add(match part.compression() {
            CompressionMethod::Stored => part.compressed_size(),
            _ => part
                .compressed_size()
                .saturating_mul(DEFLATE_RATIO)
                .saturating_add(1024),
        });
    }
    if declared > MAX_UNPACKED {
        bail!(
            "{}",
            too_big(&format!(
                "its parts declare {} MB",
                grouped(declared / 1_000_000)
            ))
        );
    }
    if possible <= MAX_UNPACKED {
        return Ok(());
    }
    let mut total = 0u64;
    for i in 0..zip.len() {
        let Ok(mut part) = zip.by_index(i) else {
            // Encrypted or packed in a way no reader here unpacks: the reader says so if it
            // needs the part.
            continue;
        };
        let room = MAX_UNPACKED - total;
        let n = std::io::copy(&mut (&mut part).take(room + 1), &mut std::io::sink()).unwrap_or(0);
        total += n.min(room + 1);
        if total > MAX_UNPACKED {
            bail!("{}", too_big("measured, whatever its parts declare"));
        }
    }
    Ok(())
}

fn too_big(how: &str) -> String {
    format!(
        "the workbook unpacks to more than {} MiB ({how}); churn reads workbooks of at most \
         that size (real survey exports are far smaller)\n{AS_CSV}",
        MAX_UNPACKED >> 20,
    )
}

fn damaged(e: zip::result::ZipError) -> anyhow::Error {
    anyhow::anyhow!(
        "the workbook's zip archive is damaged: {e}\n  help: save or download the workbook \
         again, or export the sheet as CSV"
    )
}

/// Check the number of entries of an .xlsx's shared-string table: as it declares it (the
/// reader reserves room for that many) and as it holds them (each `<si>`).
fn shared_strings(mut reader: impl Read) -> Result<()> {
    let mut counter = SiCounter::default();
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            // The reader reports a damaged part itself.
            Err(_) => break,
        };
        counter.feed(&buf[..n]);
        too_many_strings(counter.count, counter.declared.unwrap_or(0))?;
    }
    Ok(())
}

fn too_many_strings(held: u64, declared: u64) -> Result<()> {
    if held.max(declared) > MAX_SHARED_STRINGS {
        bail!(
            "the workbook's shared-string table {} {} entries; churn reads at most {}\n{AS_CSV}",
            if declared > held {
                "declares"
            } else {
                "holds more than"
            },
            grouped(held.max(declared)),
            grouped(MAX_SHARED_STRINGS)
        );
    }
    Ok(())
}

/// Count the entries (`BrtSSTItem` records) of an .xlsb's shared-string table, reading the
/// records as calamine does: a type of one or two bytes, a length of one to four.
fn binary_shared_strings(mut reader: impl Read) -> Result<()> {
    let mut held = 0u64;
    // The part ends (or is cut short, which the reader reports) where a record does not.
    while let Some(typ) = record_type(&mut reader) {
        let Some(len) = record_len(&mut reader) else {
            break;
        };
        let skipped = std::io::copy(&mut (&mut reader).take(len), &mut std::io::sink());
        if skipped.map_or(true, |n| n < len) {
            break;
        }
        if typ == 0x13 {
            held += 1;
            too_many_strings(held, 0)?;
        }
    }
    Ok(())
}

fn byte(reader: &mut impl Read) -> Option<u8> {
    let mut b = [0u8];
    reader.read_exact(&mut b).ok().map(|_| b[0])
}

fn record_type(reader: &mut impl Read) -> Option<u16> {
    let b = byte(reader)?;
    Some(if b & 0x80 != 0 {
        u16::from(b & 0x7F) | (u16::from(byte(reader)? & 0x7F) << 7)
    } else {
        u16::from(b)
    })
}

fn record_len(reader: &mut impl Read) -> Option<u64> {
    let mut len = 0u64;
    for i in 0..4 {
        let b = byte(reader)?;
        len |= u64::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            break;
        }
    }
    Some(len)
}

/// Counts `<si>` elements (with any namespace prefix) in a stream of XML and reads the table's
/// declared `uniqueCount`.
#[derive(Debug, Default)]
struct SiCounter {
    count: u64,
    declared: Option<u64>,
    /// The end of the previous chunk, for a tag split between two.
    tail: Vec<u8>,
    /// The first bytes, where the `<sst>` tag is.
    head: Vec<u8>,
}

impl SiCounter {
    fn feed(&mut self, chunk: &[u8]) {
        let mut joined = std::mem::take(&mut self.tail);
        joined.extend_from_slice(chunk);
        if self.declared.is_none() && self.head.len() < 64 * 1024 {
            let room = 64 * 1024 - self.head.len();
            self.head.extend_from_slice(&chunk[..chunk.len().min(room)]);
            self.declared = declared_count(&self.head);
        }
        // Each start tag named `si` or `prefix:si`; a tag cut off by the chunk's end is kept
        // for the next.
        let mut keep_from = joined.len();
        for at in memchr::memchr_iter(b'<', &joined) {
            let rest = &joined[at + 1..];
            let end = rest
                .iter()
                .position(|b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\r' | b'\n'));
            match end {
                Some(n) => {
                    let name = &rest[..n];
                    if name == b"si" || name.ends_with(b":si") {
                        self.count += 1;
                    }
                }
                None if rest.len() < 64 => {
                    keep_from = at;
                    break;
                }
                None => {}
            }
        }
        self.tail = joined[keep_from..].to_vec();
    }
}

/// The `uniqueCount` (else `count`) in an `<sst>` start tag near the start of `xml`.
fn declared_count(xml: &[u8]) -> Option<u64> {
    let start = memchr::memmem::find(xml, b"sst")?;
    let end = start + memchr::memchr(b'>', &xml[start..])?;
    let tag = &xml[start..end];
    let value = |attr: &[u8]| -> Option<u64> {
        let at = memchr::memmem::find(tag, attr)? + attr.len();
        let digits: Vec<u8> = tag[at..]
            .iter()
            .skip_while(|b| matches!(b, b'=' | b'"' | b'\'' | b' '))
            .take_while(|b| b.is_ascii_digit())
            .copied()
            .collect();
        std::str::from_utf8(&digits).ok()?.parse().ok()
    };
    // Not `count`: that counts the cells referring to the table, not its entries.
    value(b"uniqueCount")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn si_elements_are_counted_across_chunks() {
        let xml = b"<sst uniqueCount=\"3\"><si><t>a</t></si><x:si><t>b</t></x:si><si/><sit/></sst>";
        for split in 1..xml.len() {
            let mut c = SiCounter::default();
            c.feed(&xml[..split]);
            c.feed(&xml[split..]);
            assert_eq!(c.count, 3, "split at {split}");
            assert_eq!(c.declared, Some(3));
        }
    }
}
