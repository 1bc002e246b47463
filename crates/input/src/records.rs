//! CSV bytes to records: one parser for a whole text in memory and for the blocks of a
//! streamed file, so both read the same records on the same lines. It reads what csv_core
//! reads (csv_core is its oracle: `records_oracle.rs`), a field at a time rather than a byte
//! at a time.
//!
//! Quotes are `"` (doubled inside a quoted field); `\r`, `\n` and `\r\n` end a record; blank
//! lines are skipped. A record's line is the line of its first byte, 1-based.

use anyhow::Result;
use csv::StringRecord;

/// The fields of one record: spans of parsed CSV, or a row read from a workbook or Parquet
/// file.
#[derive(Debug, Clone, Copy)]
pub enum Fields<'a> {
    /// Each field is a span of `input`, or (marked [`SIDE`]) of `side`, which holds the fields
    /// that differ from their bytes in the input (a `""` inside quotes, text after a closing
    /// quote).
    Csv {
        input: &'a [u8],
        side: &'a [u8],
        spans: &'a [(usize, usize)],
    },
    Row(&'a StringRecord),
}

/// Marks a span's start as an offset into the side buffer.
const SIDE: usize = 1 << (usize::BITS - 1);

impl<'a> Fields<'a> {
    pub fn len(&self) -> usize {
        match self {
            Fields::Csv { spans, .. } => spans.len(),
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
            Fields::Csv { .. } => Some(std::str::from_utf8(self.bytes(i)?).unwrap_or("")),
            Fields::Row(r) => r.get(i),
        }
    }

    /// Field `i` as bytes (a CSV field without a check that it is UTF-8).
    pub fn bytes(&self, i: usize) -> Option<&'a [u8]> {
        match self {
            Fields::Csv {
                input, side, spans, ..
            } => {
                let (start, end) = *spans.get(i)?;
                Some(if start & SIDE != 0 {
                    &side[start & !SIDE..end]
                } else {
                    &input[start..end]
                })
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
    /// A quote that runs over line ends and is followed by text when it closes (see
    /// [`parse_records`]); the fields are then those of the record's first line alone.
    pub stray: Option<Stray>,
}

/// A stray quote: the `"` opening field `field` (0-based) of a record closes on line
/// `closed_on` and text follows it there, so the lines between would read as one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stray {
    pub field: usize,
    pub closed_on: u64,
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
///
/// The parser reads what csv_core reads with its defaults (quoting on, `""` inside quotes, no
/// escape character, no comments, `\r`, `\n` or `\r\n` ending a record), a field at a time
/// rather than a byte at a time (field ends from a 64-byte window's bit mask, closing quotes
/// with memchr); a property test and the fuzz target `records` hold it to csv_core.
pub fn parse(
    bytes: &[u8],
    delimiter: u8,
    first_line: u64,
    visit: impl FnMut(Record<'_>) -> Result<bool>,
) -> Result<Parsed> {
    parse_with(bytes, delimiter, first_line, false, visit)
}

/// Like [`parse`], but a stray quote does not swallow the rows after it. csv_core reads
/// `1,"too slow` (a quote never meant to open a field) up to the next `"` in the file, say the
/// one of `4,"price"`, as one field, and the text after that quote (`price"`) as more of it:
/// five customers become two. A quoted field that runs over line ends and is followed by text
/// other than spaces when it closes is taken for such a quote: the record is visited with
/// [`Record::stray`] set and the fields of its first line alone (the quote left open to the
/// line's end), and reading goes on at the next line. A quoted answer with line breaks that
/// closes right before a delimiter or a line end, as every CSV writer writes it, is read as
/// always.
pub fn parse_records(
    bytes: &[u8],
    delimiter: u8,
    first_line: u64,
    visit: impl FnMut(Record<'_>) -> Result<bool>,
) -> Result<Parsed> {
    parse_with(bytes, delimiter, first_line, true, visit)
}

fn parse_with(
    bytes: &[u8],
    delimiter: u8,
    first_line: u64,
    strays: bool,
    mut visit: impl FnMut(Record<'_>) -> Result<bool>,
) -> Result<Parsed> {
    assert!(
        !matches!(delimiter, b'"' | b'\n' | b'\r'),
        "a delimiter is never a quote or a line end"
    );
    let mut ends = Ends::new(delimiter);
    let mut side = Vec::new();
    let mut spans = Vec::with_capacity(32);
    let mut pos = 0usize;
    let mut line = first_line;
    let mut last = None;
    loop {
        // Line ends between records (blank lines, the `\n` of `\r\n`).
        while let Some(&b) = bytes.get(pos) {
            match b {
                b'\n' => line += 1,
                b'\r' => {}
                _ => break,
            }
            pos += 1;
        }
        if pos == bytes.len() {
            return Ok(Parsed {
                clean: true,
                last,
                stopped: false,
            });
        }
        let start = pos;
        let (mut end, mut terminated, mut lines, stray) =
            record(bytes, pos, &mut ends, &mut side, &mut spans);
        let stray = stray.filter(|_| strays).map(|(field, within)| {
            // The first line alone, its quote left open to the line's end.
            let line_end = start + memchr::memchr2(b'\n', b'\r', &bytes[start..]).unwrap_or(0);
            (end, _, _, _) = record(&bytes[..line_end], start, &mut ends, &mut side, &mut spans);
            (terminated, lines) = (true, 0);
            Stray {
                field,
                closed_on: line + within,
            }
        });
        pos = end;
        last = Some((line, start));
        let record = Record {
            line,
            fields: Fields::Csv {
                input: bytes,
                side: &side,
                spans: &spans,
            },
            stray,
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
        line += lines;
    }
}

/// Read the record starting at `bytes[pos]` into `spans` (and `side`): where it ends (past its
/// line end), whether it had one (a record cut off by the end of `bytes` has none), the `\n`
/// bytes in it, and the first field whose quote runs over a line end and is followed by text
/// when it closes, with the `\n` bytes before that quote.
fn record(
    bytes: &[u8],
    mut pos: usize,
    ends: &mut Ends,
    side: &mut Vec<u8>,
    spans: &mut Vec<(usize, usize)>,
) -> (usize, bool, u64, Option<(usize, u64)>) {
    side.clear();
    spans.clear();
    let delimiter = ends.delimiter;
    let ends_field = |b: u8| b == delimiter || b == b'\n' || b == b'\r';
    let newlines = |b: &[u8]| b.iter().filter(|&&b| b == b'\n').count() as u64;
    let mut lines = 0;
    let mut stray = None;
    loop {
        // The field is `bytes[start..end]`, or from `in_side` to the end of `side`.
        let mut in_side: Option<usize> = None;
        let mut start = pos;
        let end;
        if bytes.get(pos) == Some(&b'"') {
            // Quoted: up to the closing quote, `""` read as `"`.
            let lines_before = lines;
            pos += 1;
            start = pos;
            loop {
                let Some(k) = memchr::memchr(b'"', &bytes[pos..]) else {
                    // No closing quote: the rest of the bytes is the field.
                    lines += newlines(&bytes[pos..]);
                    if in_side.is_some() {
                        side.extend_from_slice(&bytes[pos..]);
                    }
                    end = bytes.len();
                    pos = end;
                    break;
                };
                let quote = pos + k;
                lines += newlines(&bytes[pos..quote]);
                if in_side.is_none() && bytes.get(quote + 1) == Some(&b'"') {
                    in_side = Some(side.len());
                    side.extend_from_slice(&bytes[start..quote]);
                } else if in_side.is_some() {
                    side.extend_from_slice(&bytes[pos..quote]);
                }
                if bytes.get(quote + 1) == Some(&b'"') {
                    side.push(b'"');
                    pos = quote + 2;
                } else {
                    end = quote;
                    pos = quote + 1;
                    break;
                }
            }
            // Text after the closing quote, up to a delimiter or a line end, is data too.
            if bytes.get(pos).is_some_and(|&b| !ends_field(b)) {
                let (from, to) = (pos, ends.next(bytes, pos));
                let spanned = lines > lines_before;
                let text = !bytes[from..to].iter().all(|b| matches!(b, b' ' | b'\t'));
                if spanned && text && stray.is_none() {
                    stray = Some((spans.len(), lines));
                }
                if in_side.is_none() {
                    in_side = Some(side.len());
                    side.extend_from_slice(&bytes[start..end]);
                }
                pos = to;
                side.extend_from_slice(&bytes[from..pos]);
            }
        } else {
            // Unquoted: up to a delimiter or a line end (a quote here is data).
            pos = ends.next(bytes, pos);
            end = pos;
        }
        spans.push(match in_side {
            Some(from) => (from | SIDE, side.len()),
            None => (start, end),
        });
        match bytes.get(pos) {
            None => return (pos, false, lines, stray),
            Some(&b) if b == delimiter => pos += 1,
            Some(&b) => return (pos + 1, true, lines + u64::from(b == b'\n'), stray),
        }
    }
}

/// Where the bytes that end a field (the delimiter, `\n`, `\r`) are, 64 bytes at a time: a
/// bit mask of one aligned window of the input, kept for the fields that follow in it. Fields
/// are short, so one window serves several.
struct Ends {
    delimiter: u8,
    /// The window's first byte (a multiple of 64), and its mask (bit `i`: byte `base + i`).
    base: usize,
    mask: u64,
}

impl Ends {
    fn new(delimiter: u8) -> Ends {
        Ends {
            delimiter,
            base: usize::MAX / 2,
            mask: 0,
        }
    }

    /// The first delimiter, `\n` or `\r` at or after `pos`, or the end of `bytes`.
    fn next(&mut self, bytes: &[u8], mut pos: usize) -> usize {
        loop {
            if pos >= bytes.len() {
                return bytes.len();
            }
            if pos.wrapping_sub(self.base) >= 64 {
                self.base = pos & !63;
                self.mask = match bytes.get(self.base..self.base + 64) {
                    Some(window) => mask(window.try_into().expect("64 bytes"), self.delimiter),
                    None => bytes[self.base..]
                        .iter()
                        .enumerate()
                        .filter(|&(_, &b)| b == self.delimiter || b == b'\n' || b == b'\r')
                        .fold(0, |m, (i, _)| m | 1 << i),
                };
            }
            let ahead = self.mask & (u64::MAX << (pos - self.base));
            if ahead != 0 {
                return self.base + ahead.trailing_zeros() as usize;
            }
            pos = self.base + 64;
        }
    }
}

/// Bit `i` set where `window[i]` is the delimiter, `\n` or `\r`.
#[cfg(target_arch = "x86_64")]
fn mask(window: &[u8; 64], delimiter: u8) -> u64 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2, all these instructions need, is part of x86_64; each load reads the 16
    // bytes of one chunk of `window`, unaligned loads being allowed.
    unsafe {
        let (d, n, r) = (
            _mm_set1_epi8(delimiter as i8),
            _mm_set1_epi8(b'\n' as i8),
            _mm_set1_epi8(b'\r' as i8),
        );
        let mut mask = 0u64;
        for (k, part) in window.chunks_exact(16).enumerate() {
            let v = _mm_loadu_si128(part.as_ptr().cast::<__m128i>());
            let hits = _mm_or_si128(
                _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, n)),
                _mm_cmpeq_epi8(v, r),
            );
            mask |= u64::from(_mm_movemask_epi8(hits) as u16) << (16 * k);
        }
        mask
    }
}

#[cfg(not(target_arch = "x86_64"))]
fn mask(window: &[u8; 64], delimiter: u8) -> u64 {
    window.iter().enumerate().fold(0, |m, (i, &b)| {
        m | u64::from(b == delimiter || b == b'\n' || b == b'\r') << i
    })
}

#[cfg(test)]
#[path = "records_oracle.rs"]
mod oracle;

#[cfg(test)]
mod tests {
    use super::*;

    /// [`parse`], read as the oracle reads.
    fn ours(bytes: &[u8], delimiter: u8, first_line: u64, stop_after: usize) -> oracle::Read {
        let mut seen = Vec::new();
        let parsed = parse(bytes, delimiter, first_line, |r| {
            let fields = (0..r.fields.len()).map(|i| r.fields.bytes(i).unwrap().to_vec());
            seen.push((r.line, fields.collect()));
            Ok(seen.len() < stop_after)
        })
        .unwrap();
        (seen, parsed.clean, parsed.last, parsed.stopped)
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 3000, ..proptest::prelude::ProptestConfig::default()
        })]

        /// The parser reads what csv_core reads: the same records with the same fields
        /// on the same lines, ending the same way, on text made of delimiters, quotes, line
        /// ends, a byte-order mark and letters.
        #[test]
        fn the_parser_reads_what_csv_core_reads(
            parts in proptest::collection::vec(proptest::sample::select(vec![
                "a", "bc", "é", "abcdefghijk", "Größe €100", ",", ";", "\"", "\"\"", "\n", "\r", "\r\n", " ", "\u{feff}", "\t",
            ]), 0..60),
            delimiter in proptest::sample::select(vec![b',', b';', b'\t']),
            first_line in 0u64..3,
            stop_after in 1usize..12,
        ) {
            let text = parts.concat();
            let (bytes, d, l, k) = (text.as_bytes(), delimiter, first_line, stop_after);
            proptest::prop_assert_eq!(ours(bytes, d, l, k), oracle::parse(bytes, d, l, k), "{:?}", text);
        }
    }

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

#[cfg(test)]
mod stray_tests {
    use super::*;

    /// Each record's line, fields and stray quote, read with [`parse_records`].
    fn strict(text: &str) -> Vec<(u64, Vec<String>, Option<Stray>)> {
        let mut seen = Vec::new();
        parse_records(text.as_bytes(), b',', 1, |r| {
            seen.push((
                r.line,
                r.fields.iter().map(str::to_string).collect(),
                r.stray,
            ));
            Ok(true)
        })
        .unwrap();
        seen
    }

    #[test]
    fn a_stray_quote_is_its_first_line_and_reading_goes_on() {
        let seen = strict("1,\"too slow\n2,moved\n3,\"price\"\n4,ok\n");
        let stray = Some(Stray {
            field: 1,
            closed_on: 3,
        });
        assert_eq!(seen[0], (1, vec!["1".into(), "too slow".into()], stray));
        let rest: Vec<(u64, String)> = seen[1..]
            .iter()
            .map(|(l, f, _)| (*l, f[1].clone()))
            .collect();
        assert_eq!(
            rest,
            [(2, "moved".into()), (3, "price".into()), (4, "ok".into())]
        );
        assert!(seen[1..].iter().all(|(_, _, s)| s.is_none()));
    }

    #[test]
    fn quoted_answers_as_writers_write_them_are_not_strays() {
        for text in [
            "1,\"too slow\nand pricey\"\n2,x\n",
            "1,\"too slow\nand pricey\" \n2,x\n",
            "1,\"say \"\"hi\"\"\nthere\",3\n2,x\n",
            "1,\"ab\"cd,3\n2,x\n",
        ] {
            let seen = strict(text);
            assert!(
                seen.iter().all(|(_, _, s)| s.is_none()),
                "{text:?}: {seen:?}"
            );
            assert_eq!(seen.len(), 2, "{text:?}");
        }
    }
}
