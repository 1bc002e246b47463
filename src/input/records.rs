//! CSV bytes to records, with csv_core: one parser for a whole text in memory and for the
//! blocks of a streamed file, so both read the same records on the same lines.
//!
//! Quotes are `"` (doubled inside a quoted field); `\r`, `\n` and `\r\n` end a record; blank
//! lines are skipped. A record's line is the line of its first byte, 1-based.

use anyhow::Result;
use csv::StringRecord;

/// The fields of one record: parsed CSV (field bytes back to back, with their end offsets), or
/// a row read from a workbook or Parquet file.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'a> {
    Csv { data: &'a [u8], ends: &'a [usize] },
    Row(&'a StringRecord),
}

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        match self {
            Fields::Csv { ends, .. } => ends.len(),
            Fields::Row(r) => r.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Field `i`. CSV fields come from text already checked to be UTF-8 (a field is that text
    /// less some `"` bytes, so it is UTF-8 too); a field that were not would read as blank.
    pub fn get(&self, i: usize) -> Option<&'a str> {
        match self {
            Fields::Csv { data, ends } => {
                let end = *ends.get(i)?;
                let start = if i == 0 { 0 } else { ends[i - 1] };
                Some(std::str::from_utf8(&data[start..end]).unwrap_or(""))
            }
            Fields::Row(r) => r.get(i),
        }
    }

    /// Field `i` as bytes (a CSV field without a check that it is UTF-8).
    pub fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        match self {
            Fields::Csv { data, ends } => {
                let end = *ends.get(i)?;
                let start = if i == 0 { 0 } else { ends[i - 1] };
                Some(&data[start..end])
            }
            Fields::Row(r) => r.get(i).map(str::as_bytes),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &'a str> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or(""))
    }

    /// The fields as an owned record.
    pub fn to_record(&self) -> StringRecord {
        self.iter().collect()
    }
}

/// One data record.
pub struct Record<'a> {
    /// The line (CSV) or row (sheet, Parquet) it starts on, 1-based, the header counted.
    pub line: u64,
    pub fields: Fields<'a>,
}

/// How parsing a run of bytes ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed {
    /// Whether the bytes ended between records (not inside a quoted field or a record without
    /// its line end). Always true when `visit` stopped early.
    pub clean: bool,
    /// Where the last record visited starts: its line and its byte offset in the input.
    pub last: Option<(u64, usize)>,
    /// Whether `visit` asked to stop.
    pub stopped: bool,
}

/// Line breaks (`\n`) in `bytes`.
pub(super) fn newlines(bytes: &[u8]) -> u64 {
    memchr::memchr_iter(b'\n', bytes).count() as u64
}

/// Split `bytes`, which start at the start of a record on line `first_line`, into records,
/// calling `visit` for each until it returns `false`.
pub fn parse(
    bytes: &[u8],
    delimiter: u8,
    first_line: u64,
    mut visit: impl FnMut(Record<'_>) -> Result<bool>,
) -> Result<Parsed> {
    use csv_core::ReadRecordResult as R;
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 1024];
    let mut ends = vec![0usize; 32];
    let mut pos = 0usize;
    let mut line = first_line;
    let mut last = None;
    // csv_core drops a byte-order mark at the start of its first input; a block of a stream
    // may start with those bytes as data, so the first call sees one byte only.
    let mut first_call = true;
    loop {
        // Line ends between records (blank lines, the `\n` of `\r\n`).
        let skip = bytes[pos..]
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(bytes.len() - pos);
        line += newlines(&bytes[pos..pos + skip]);
        pos += skip;
        let start = pos;
        let counted = reader.line();
        let (mut nout, mut nend) = (0usize, 0usize);
        let result = loop {
            let input = if first_call {
                first_call = false;
                &bytes[pos..(pos + 1).min(bytes.len())]
            } else {
                &bytes[pos..]
            };
            let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
            pos += nin;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty if pos < bytes.len() => {}
                R::InputEmpty => {
                    // The end of the bytes: finish the record in progress, if any.
                    let (res, _, o, e) =
                        reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                    nout += o;
                    nend += e;
                    match res {
                        R::Record => break Some(false),
                        R::End => break None,
                        R::OutputEndsFull => {
                            ends.resize(ends.len() * 2, 0);
                            let (_, _, o, e) =
                                reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                            nout += o;
                            nend += e;
                            break Some(false);
                        }
                        _ => break None,
                    }
                }
                R::OutputFull => out.resize(out.len() * 2, 0),
                R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                R::Record => break Some(true),
                R::End => break None,
            }
        };
        let Some(terminated) = result else {
            return Ok(Parsed {
                clean: true,
                last,
                stopped: false,
            });
        };
        last = Some((line, start));
        let record = Record {
            line,
            fields: Fields::Csv {
                data: &out[..nout],
                ends: &ends[..nend],
            },
        };
        if !visit(record)? {
            return Ok(Parsed {
                clean: true,
                last,
                stopped: true,
            });
        }
        if !terminated {
            return Ok(Parsed {
                clean: false,
                last,
                stopped: false,
            });
        }
        // Line breaks inside the record and its end, as the parser counted them.
        line += reader.line() - counted;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(text: &str) -> (Vec<(u64, Vec<String>)>, bool) {
        let mut seen = Vec::new();
        let parsed = parse(text.as_bytes(), b',', 1, |r| {
            seen.push((r.line, r.fields.iter().map(str::to_string).collect()));
            Ok(true)
        })
        .unwrap();
        (seen, parsed.clean)
    }

    #[test]
    fn lines_quotes_and_line_ends() {
        let (seen, clean) = records("a,b\r\n1,\"x\r\ny\"\r\n\r\n\n2,\"\"\"q\"\"\"\n");
        assert_eq!(
            seen,
            [
                (1, vec!["a".to_string(), "b".to_string()]),
                (2, vec!["1".to_string(), "x\r\ny".to_string()]),
                (6, vec!["2".to_string(), "\"q\"".to_string()]),
            ]
        );
        assert!(clean);
    }

    #[test]
    fn an_unfinished_record_is_read_and_reported() {
        let (seen, clean) = records("a,b\n1,\"open\nstill open");
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[1].1[1], "open\nstill open");
        assert!(!clean);
        // No line end after the last record: read, but not clean.
        let (seen, clean) = records("a\nb");
        assert_eq!(seen.len(), 2);
        assert!(!clean);
    }

    #[test]
    fn a_leading_byte_order_mark_is_data() {
        let (seen, _) = records("\u{feff}a,b\n");
        assert_eq!(seen[0].1[0], "\u{feff}a");
    }

    #[test]
    fn long_records_grow_the_buffers() {
        let long = "x".repeat(5000);
        let many = vec!["f"; 100].join(",");
        let (seen, clean) = records(&format!("{long},{many}\n"));
        assert_eq!(seen[0].1.len(), 101);
        assert_eq!(seen[0].1[0], long);
        assert!(clean);
    }
}
