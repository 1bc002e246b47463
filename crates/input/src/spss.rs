//! SPSS system files (`.sav`), as market-research tools export them: the dictionary (variables,
//! their labels, value labels, long names, very long strings, the character encoding) and the
//! cases, uncompressed or bytecode-compressed. Value labels are applied (a choice coded `3` reads
//! as its label, "Switched to a competitor"); variable labels are the columns' questions; dates
//! are written as ISO dates. Pure: bytes in, a header, questions and numbered rows out, or an
//! error. Every length is checked against what the file holds, so damaged or hostile files are
//! refused, never read past.
//!
//! The layout follows the PSPP manual's "System File Format" chapter. zlib-compressed `.zsav`
//! files are refused with a message.

use anyhow::{bail, Result};
use std::collections::HashMap;

/// At most this many variables (a workbook's column limit).
const MAX_VARIABLES: usize = 16_384;
/// At most this many cells (cases times variables), as for workbooks.
const MAX_CELLS: usize = 30_000_000;
/// At most this many value labels over all variables (a label set applied to many variables
/// counts once per variable).
const MAX_VALUE_LABELS: usize = 1_000_000;
/// The compression bias of bytecode: a code `c` in 1..=251 is the number `c - BIAS`.
const BIAS: f64 = 100.0;

/// A system file read: one name, question and cell per variable.
#[derive(Debug, Default)]
pub struct Sav {
    pub names: Vec<String>,
    /// Variable labels (the question text), when set.
    pub questions: Vec<Option<String>>,
    /// Per case, its number (from 1) and cells.
    pub rows: Vec<(u64, Vec<String>)>,
    /// What to tell about the file.
    pub notes: Vec<String>,
}

/// Reads the file's bytes in its byte order, never past the end.
struct Cursor<'a> {
    bytes: &'a [u8],
    at: usize,
    big_endian: bool,
}

impl<'a> Cursor<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        match self
            .at
            .checked_add(n)
            .filter(|&end| end <= self.bytes.len())
        {
            Some(end) => {
                let slice = &self.bytes[self.at..end];
                self.at = end;
                Ok(slice)
            }
            None => bail!(
                "the file ends at byte {} inside a record that needs {n} more bytes; it is \
                 damaged or cut short\n  help: save it again from SPSS, or export as CSV",
                self.bytes.len()
            ),
        }
    }

    fn i32(&mut self) -> Result<i32> {
        let b: [u8; 4] = self.take(4)?.try_into()?;
        Ok(if self.big_endian {
            i32::from_be_bytes(b)
        } else {
            i32::from_le_bytes(b)
        })
    }

    fn f64_of(&self, b: &[u8]) -> f64 {
        let b: [u8; 8] = b.try_into().unwrap_or([0; 8]);
        if self.big_endian {
            f64::from_be_bytes(b)
        } else {
            f64::from_le_bytes(b)
        }
    }

    /// A count or length from the file: not negative, at most `max`.
    fn count(&mut self, what: &str, max: usize) -> Result<usize> {
        let n = self.i32()?;
        match usize::try_from(n) {
            Ok(n) if n <= max => Ok(n),
            _ => bail!("the file's {what} is {n}, which cannot be; it is damaged"),
        }
    }
}

/// One variable of the dictionary.
#[derive(Debug, Clone)]
struct Variable {
    short: String,
    /// 0 numeric, else the string width in bytes.
    width: usize,
    label: Option<Vec<u8>>,
    /// The print format's type (dates are 20, 22, 23, 38, 39).
    format: i32,
    /// 8-byte elements it takes in a case.
    elements: usize,
    /// The first element of the variable in a case.
    first: usize,
}

/// The dictionary: variables, value labels by variable, and the extension records used.
#[derive(Debug, Default)]
struct Dictionary {
    variables: Vec<Variable>,
    /// Variable index -> value (its 8 bytes) -> label bytes.
    value_labels: HashMap<usize, HashMap<[u8; 8], Vec<u8>>>,
    /// Value labels kept, over all variables (bounded: [`MAX_VALUE_LABELS`]).
    labels_kept: usize,
    long_names: Vec<u8>,
    very_long: Vec<u8>,
    encoding: Option<&'static encoding_rs::Encoding>,
}

/// Read a system file.
pub fn read(bytes: &[u8]) -> Result<Sav> {
    let mut c = Cursor {
        bytes,
        at: 0,
        big_endian: false,
    };
    let (compression, cases) = header(&mut c)?;
    let dict = dictionary(&mut c)?;
    let elements = dict.variables.last().map_or(0, |v| v.first + v.elements);
    let data = &bytes[c.at..];
    let raw = match compression {
        0 => uncompressed(data, elements)?,
        1 => bytecode(&c, data, elements)?,
        _ => bail!(
            "this is a zlib-compressed SPSS file (.zsav), which churn does not read\n  help: \
             save it from SPSS as .sav, or export as CSV"
        ),
    };
    let mut sav = assemble(&c, &dict, raw);
    if let Some(n) = cases.filter(|&n| n != sav.rows.len()) {
        sav.notes.push(format!(
            "the SPSS file says it holds {n} cases and holds {}; all are read",
            sav.rows.len()
        ));
    }
    Ok(sav)
}

/// The file header: byte order, compression and the case count it states.
fn header(c: &mut Cursor<'_>) -> Result<(i32, Option<usize>)> {
    let magic = c.take(4)?;
    if magic == b"$FL3" {
        bail!(
            "this is a zlib-compressed SPSS file (.zsav), which churn does not read\n  help: save \
             it from SPSS as .sav, or export as CSV"
        );
    }
    if magic != b"$FL2" {
        bail!("not an SPSS system file (it does not start with `$FL2`)");
    }
    c.take(60)?;
    let layout = c.take(4)?;
    let le = i32::from_le_bytes(layout.try_into()?);
    c.big_endian = !matches!(le, 2 | 3);
    c.i32()?; // nominal case size: recomputed from the variables
    let compression = c.i32()?;
    c.i32()?; // weight index
    let cases = c.i32()?;
    c.take(8 + 9 + 8 + 64 + 3)?; // bias, date, time, file label, padding
    Ok((compression, usize::try_from(cases).ok()))
}

fn dictionary(c: &mut Cursor<'_>) -> Result<Dictionary> {
    let mut dict = Dictionary::default();
    let mut elements = 0usize;
    // Dictionary index (1-based, counting continuation records) -> variable.
    let mut by_index: Vec<Option<usize>> = Vec::new();
    loop {
        match c.i32()? {
            2 => {
                let (var, continuation) = variable(c, elements)?;
                elements += 1;
                if continuation {
                    by_index.push(None);
                    if let Some(v) = dict.variables.last_mut() {
                        v.elements += 1;
                    }
                    continue;
                }
                if dict.variables.len() == MAX_VARIABLES {
                    bail!("the SPSS file has more than {MAX_VARIABLES} variables");
                }
                by_index.push(Some(dict.variables.len()));
                dict.variables.push(var);
            }
            3 => value_labels(c, &mut dict, &by_index)?,
            6 => {
                let lines = c.count("document line count", c.bytes.len() / 80)?;
                c.take(lines * 80)?;
            }
            7 => extension(c, &mut dict)?,
            999 => {
                c.i32()?;
                return Ok(dict);
            }
            other => bail!(
                "the SPSS file's dictionary holds a record of type {other} at byte {}; it is \
                 damaged\n  help: save it again from SPSS, or export as CSV",
                c.at - 4
            ),
        }
    }
}

/// A variable record; whether it continues the string before it.
fn variable(c: &mut Cursor<'_>, first: usize) -> Result<(Variable, bool)> {
    let kind = c.i32()?;
    let has_label = c.i32()?;
    let missing = c.i32()?;
    let format = c.i32()?;
    c.i32()?; // write format
    let short = String::from_utf8_lossy(c.take(8)?).trim_end().to_string();
    let label = if has_label == 1 {
        let len = c.count("variable label length", 65_535)?;
        let padded = len.div_ceil(4) * 4;
        Some(c.take(padded)?[..len].to_vec())
    } else {
        None
    };
    let missing = usize::try_from(missing.unsigned_abs()).unwrap_or(usize::MAX);
    if missing > 3 {
        bail!("the SPSS file's variable `{short}` has {missing} missing values, which cannot be");
    }
    c.take(missing * 8)?;
    let width = usize::try_from(kind.max(0)).unwrap_or(0);
    let var = Variable {
        short,
        width,
        label,
        format: (format >> 16) & 0xff,
        elements: 1,
        first,
    };
    Ok((var, kind == -1))
}

fn value_labels(
    c: &mut Cursor<'_>,
    dict: &mut Dictionary,
    by_index: &[Option<usize>],
) -> Result<()> {
    let count = c.count("value label count", c.bytes.len() / 9)?;
    let mut labels = Vec::with_capacity(count);
    for _ in 0..count {
        let value: [u8; 8] = c.take(8)?.try_into()?;
        let len = usize::from(c.take(1)?[0]);
        let padded = (len + 1).div_ceil(8) * 8 - 1;
        labels.push((value, c.take(padded)?[..len].to_vec()));
    }
    if c.i32()? != 4 {
        bail!("the SPSS file's value labels are not followed by the variables they label");
    }
    let vars = c.count("labelled variable count", c.bytes.len() / 4)?;
    for _ in 0..vars {
        let index = c.i32()?;
        let var = usize::try_from(index - 1)
            .ok()
            .and_then(|i| by_index.get(i).copied().flatten());
        let Some(v) = var else {
            bail!("the SPSS file's value labels name variable {index}, which it lacks");
        };
        dict.labels_kept += labels.len();
        if dict.labels_kept > MAX_VALUE_LABELS {
            bail!("the SPSS file holds more than {MAX_VALUE_LABELS} value labels");
        }
        dict.value_labels
            .entry(v)
            .or_default()
            .extend(labels.iter().cloned());
    }
    Ok(())
}

fn extension(c: &mut Cursor<'_>, dict: &mut Dictionary) -> Result<()> {
    let subtype = c.i32()?;
    let size = c.count("extension record size", c.bytes.len())?;
    let count = c.count("extension record count", c.bytes.len())?;
    let data = c.take(size.saturating_mul(count))?;
    match subtype {
        3 if data.len() >= 32 => {
            let b: [u8; 4] = data[28..32].try_into()?;
            let code = if c.big_endian {
                i32::from_be_bytes(b)
            } else {
                i32::from_le_bytes(b)
            };
            if dict.encoding.is_none() {
                dict.encoding = codepage(code);
            }
        }
        13 => dict.long_names = data.to_vec(),
        14 => dict.very_long = data.to_vec(),
        20 => dict.encoding = encoding_rs::Encoding::for_label(data.trim_ascii()),
        _ => {}
    }
    Ok(())
}

/// The encoding of a Windows code page number (SPSS's machine info); UTF-8 is 65001.
fn codepage(code: i32) -> Option<&'static encoding_rs::Encoding> {
    use encoding_rs::*;
    Some(match code {
        65001 => UTF_8,
        2 | 1252 | 28591 => WINDOWS_1252,
        1250 => WINDOWS_1250,
        1251 => WINDOWS_1251,
        1253 => WINDOWS_1253,
        1254 => WINDOWS_1254,
        1257 => WINDOWS_1257,
        932 => SHIFT_JIS,
        936 => GBK,
        949 => EUC_KR,
        950 => BIG5,
        _ => return None,
    })
}

/// Cases of an uncompressed file: whole cases of `elements` 8-byte elements.
fn uncompressed(data: &[u8], elements: usize) -> Result<Vec<Vec<[u8; 8]>>> {
    if elements == 0 {
        return Ok(Vec::new());
    }
    if (data.len() / 8) > MAX_CELLS {
        bail!("the SPSS file holds more than {MAX_CELLS} cells");
    }
    Ok(data
        .chunks_exact(elements * 8)
        .map(|case| {
            case.chunks_exact(8)
                .map(|e| e.try_into().unwrap_or([0; 8]))
                .collect()
        })
        .collect())
}

/// What a bytecode stands for: no element, an element, or the end of the data.
enum Code {
    Skip,
    Value([u8; 8]),
    End,
}

/// Cases of a bytecode-compressed file.
fn bytecode(c: &Cursor<'_>, data: &[u8], elements: usize) -> Result<Vec<Vec<[u8; 8]>>> {
    let mut cases = Vec::new();
    if elements == 0 {
        return Ok(cases);
    }
    let mut case = Vec::with_capacity(elements);
    let mut at = 0usize;
    let number = |x: f64| -> [u8; 8] {
        if c.big_endian {
            x.to_be_bytes()
        } else {
            x.to_le_bytes()
        }
    };
    'blocks: while at + 8 <= data.len() {
        let block: [u8; 8] = data[at..at + 8].try_into()?;
        at += 8;
        for code in block {
            let element = match code {
                0 => Code::Skip,
                1..=251 => Code::Value(number(f64::from(code) - BIAS)),
                252 => Code::End,
                253 => {
                    if at + 8 > data.len() {
                        break 'blocks;
                    }
                    let raw: [u8; 8] = data[at..at + 8].try_into()?;
                    at += 8;
                    Code::Value(raw)
                }
                254 => Code::Value(*b"        "),
                _ => Code::Value(number(-f64::MAX)),
            };
            match element {
                Code::Skip => {}
                Code::End => break 'blocks,
                Code::Value(v) => {
                    case.push(v);
                    if case.len() == elements {
                        cases.push(std::mem::replace(&mut case, Vec::with_capacity(elements)));
                        if cases.len().saturating_mul(elements) > MAX_CELLS {
                            bail!("the SPSS file holds more than {MAX_CELLS} cells");
                        }
                    }
                }
            }
        }
    }
    Ok(cases)
}

/// SPSS dates count seconds from the Gregorian calendar's start, 14 October 1582.
fn date_text(seconds: f64, with_time: bool) -> Option<String> {
    if !seconds.is_finite() || seconds.abs() > 1e12 {
        return None;
    }
    let start = chrono::NaiveDate::from_ymd_opt(1582, 10, 14)?.and_hms_opt(0, 0, 0)?;
    let at = start.checked_add_signed(chrono::Duration::seconds(seconds as i64))?;
    Some(if with_time {
        at.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        at.format("%Y-%m-%d").to_string()
    })
}

/// A number as text: whole numbers without a decimal point; system-missing blank.
fn number_text(x: f64) -> String {
    if !x.is_finite() || x <= -f64::MAX {
        String::new()
    } else if x.fract() == 0.0 && x.abs() < 1e15 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Long names (`SHORT=Long` pairs, tab-separated) and very long string lengths (`SHORT=00300`
/// pairs, each ended by a NUL, tab-separated), by short name.
fn pairs(text: &str) -> HashMap<String, String> {
    text.split(['\t', '\0'])
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect()
}

fn assemble(c: &Cursor<'_>, dict: &Dictionary, cases: Vec<Vec<[u8; 8]>>) -> Sav {
    let enc = dict.encoding.unwrap_or(encoding_rs::WINDOWS_1252);
    let text = |b: &[u8]| enc.decode_without_bom_handling(b).0.trim_end().to_string();
    let long_names = pairs(&text(&dict.long_names));
    let very_long: HashMap<String, usize> = pairs(&text(&dict.very_long))
        .into_iter()
        .filter_map(|(k, v)| Some((k, v.parse().ok()?)))
        .collect();
    // Columns: a very long string's segments (its first, then the ones it spans) are one.
    let mut columns: Vec<(usize, usize)> = Vec::new(); // (first variable, variables spanned)
    let mut i = 0;
    while i < dict.variables.len() {
        let v = &dict.variables[i];
        let span = very_long
            .get(&v.short)
            .map_or(1, |&w| w.div_ceil(252).max(1))
            .min(dict.variables.len() - i);
        columns.push((i, span));
        i += span;
    }
    let mut sav = Sav::default();
    for &(i, _) in &columns {
        let v = &dict.variables[i];
        sav.names.push(
            long_names
                .get(&v.short)
                .cloned()
                .unwrap_or_else(|| v.short.clone()),
        );
        sav.questions
            .push(v.label.as_ref().map(|l| text(l)).filter(|l| !l.is_empty()));
    }
    for (n, case) in cases.into_iter().enumerate() {
        let mut row = Vec::with_capacity(columns.len());
        for &(i, span) in &columns {
            let v = &dict.variables[i];
            let cell = if v.width == 0 {
                let raw = case[v.first];
                match dict.value_labels.get(&i).and_then(|ls| ls.get(&raw)) {
                    Some(label) => text(label),
                    None => {
                        let x = c.f64_of(&raw);
                        match v.format {
                            20 | 23 | 38 | 39 => date_text(x, false).unwrap_or_default(),
                            22 => date_text(x, true).unwrap_or_default(),
                            _ => number_text(x),
                        }
                    }
                }
            } else {
                // A very long string of width W fills its segments 255 bytes at a time (their
                // count is W / 252 rounded up, so the last has room to spare).
                let mut left = very_long.get(&v.short).copied().unwrap_or(v.width);
                let mut bytes = Vec::new();
                for seg in &dict.variables[i..i + span] {
                    let raw: Vec<u8> = case[seg.first..seg.first + seg.elements].concat();
                    let take = left.min(seg.width.min(255)).min(raw.len());
                    bytes.extend_from_slice(&raw[..take]);
                    left -= take;
                }
                // Value labels of strings are for short strings: their one element.
                let label = (v.width <= 8)
                    .then(|| dict.value_labels.get(&i)?.get(&case[v.first]))
                    .flatten();
                match label {
                    Some(l) => text(l),
                    None => text(&bytes),
                }
            };
            row.push(cell);
        }
        sav.rows.push((n as u64 + 1, row));
    }
    sav
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: &[u8] = include_bytes!("../../../fixtures/layouts/spss.sav");
    const BYTECODE: &[u8] = include_bytes!("../../../fixtures/layouts/spss-bytecode.sav");

    #[test]
    fn both_forms_read_the_same() {
        let plain = read(PLAIN).unwrap();
        let bytecode = read(BYTECODE).unwrap();
        assert_eq!(plain.names, bytecode.names);
        assert_eq!(plain.rows, bytecode.rows);
        assert_eq!(
            plain.names,
            [
                "ResponseId",
                "Finished",
                "EndDate",
                "RecordedDate",
                "Q1",
                "Q1_7_TEXT",
                "Q2",
                "Comments"
            ]
        );
        let row = &plain.rows[2].1;
        assert_eq!(row[1], "True", "a value label");
        assert_eq!(row[2], "2026-03-03 10:00:00", "a date");
        assert_eq!(row[4], "Switched to a competitor");
        assert_eq!(row[6], "6");
        assert_eq!(row[7].len(), 303, "a very long string, whole");
        assert_eq!(plain.rows[9].1[4], "", "system-missing");
        assert_eq!(
            plain.questions[4].as_deref(),
            Some("What is the main reason you cancelled your subscription?")
        );
    }

    /// Cut at every length and with bytes changed, a file is read or refused, never a panic.
    #[test]
    fn damaged_files_are_refused_not_read_past() {
        for file in [PLAIN, BYTECODE] {
            for len in 0..file.len() {
                let _ = read(&file[..len]);
            }
            let mut seed = 0x2545_f491_4f6c_dd1du64;
            for _ in 0..3000 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let mut bytes = file.to_vec();
                let at = (seed as usize) % bytes.len();
                bytes[at] = (seed >> 32) as u8;
                let _ = read(&bytes);
            }
        }
        let e = read(b"$FL3rest").unwrap_err().to_string();
        assert!(e.contains(".zsav"), "{e}");
        let e = read(&PLAIN[..300]).unwrap_err().to_string();
        assert!(e.contains("damaged or cut short"), "{e}");
    }
}
