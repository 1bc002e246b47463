//! OpenDocument sheets (.ods), read from `content.xml` as it streams, instead of through
//! calamine, whose reader stops at row 1,048,576 without a word, lays every sheet out in full
//! and repeats a cell as often as the file says. Here a repeated empty row or cell costs
//! nothing (LibreOffice ends sheets with a million of them), a repeated value is checked
//! against the limits before it is repeated, every row up to LibreOffice's own limit is read,
//! `number-rows-spanned`/`number-columns-spanned` are merged ranges and a formula error
//! (`calcext:value-type="error"`) is an error cell. Values read as calamine read them: numbers
//! from `office:value`, dates and times as written (`2024-01-15`), text from the paragraphs.

use std::io::{BufRead, BufReader, Read};

use anyhow::{bail, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::cells::{Cells, Sheet};
use super::{container, grouped, listed, AS_CSV, MAX_CELL_TEXT, MAX_COLUMNS, MAX_ODS_ROWS};

const MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// Read one sheet (`wanted`, else the first) of an .ods.
pub fn read(bytes: &[u8], wanted: Option<&str>) -> Result<Sheet> {
    let mut zip = container::archive(bytes)?;
    if let Ok(mut part) = zip.by_name("mimetype") {
        let mut kind = String::new();
        let _ = (&mut part).take(100).read_to_string(&mut kind);
        let kind = kind.trim();
        if kind.starts_with("application/vnd.oasis.opendocument.") && kind != MIMETYPE {
            let what = kind.trim_start_matches("application/vnd.oasis.opendocument.");
            bail!(
                "this is an OpenDocument {what}, not a spreadsheet\n  help: give the survey \
                 export (.ods, .xlsx or CSV)"
            );
        }
    }
    let part = zip.by_name("content.xml").map_err(|e| damaged(&e))?;
    let mut xml = Reader::from_reader(BufReader::new(part));
    let config = xml.config_mut();
    config.expand_empty_elements = true;
    config.check_end_names = false;
    config.trim_text(false);
    let mut names = Vec::new();
    let mut buf = Vec::new();
    loop {
        let name = match xml.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
            Event::Start(e) if e.name().as_ref() == b"table:table" => {
                attr(&xml, &e, b"table:name")?.unwrap_or_default()
            }
            Event::Eof => break,
            _ => continue,
        };
        if wanted.is_none_or(|w| w == name) {
            let cells = Table::new(&name).read(&mut xml)?;
            return cells.finish();
        }
        xml.read_to_end_into(quick_xml::name::QName(b"table:table"), &mut buf)
            .map_err(|e| damaged(&e))?;
        names.push(name);
    }
    match wanted {
        Some(w) => bail!(
            "--sheet: no sheet `{}`\n  sheets: {}",
            churn_core::escape::shown(w),
            listed(&names)
        ),
        None => bail!("the workbook has no sheets"),
    }
}

fn damaged(e: &dyn std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "cannot read the .ods workbook's content: {e}\n  help: the file is damaged; save or \
         download it again, or export the sheet as CSV"
    )
}

type Xml<R> = Reader<R>;

/// An attribute's value, unescaped.
fn attr<R>(xml: &Xml<R>, e: &BytesStart<'_>, name: &[u8]) -> Result<Option<String>> {
    match e.try_get_attribute(name).map_err(|e| damaged(&e))? {
        Some(a) => Ok(Some(
            a.decode_and_unescape_value(xml.decoder())
                .map_err(|e| damaged(&e))?
                .into_owned(),
        )),
        None => Ok(None),
    }
}

/// A count attribute (`number-rows-repeated` and the like): 1 when absent.
fn count<R>(xml: &Xml<R>, e: &BytesStart<'_>, name: &[u8]) -> Result<u64> {
    match attr(xml, e, name)? {
        None => Ok(1),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) => Ok(n.max(1)),
            Err(_) => Err(damaged(&format!(
                "`{}=\"{}\"` is not a count",
                churn_core::escape::shown(&String::from_utf8_lossy(name)),
                churn_core::escape::shown(&v)
            ))),
        },
    }
}

/// What a cell holds.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Blank,
    Text(String),
    Error,
}

/// One `table:table-cell` (or covered cell) of a row.
#[derive(Debug)]
struct OdsCell {
    value: Value,
    /// `number-columns-repeated`.
    repeat: u64,
    /// `number-rows-spanned`, `number-columns-spanned`.
    span: (u64, u64),
}

/// The sheet being read: its cells and the next row's number.
struct Table {
    cells: Cells,
    row: u64,
}

impl Table {
    fn new(name: &str) -> Table {
        Table {
            cells: Cells::new(name, MAX_ODS_ROWS),
            row: 0,
        }
    }

    /// Read the rows up to the end of the table.
    fn read<R: BufRead>(mut self, xml: &mut Xml<R>) -> Result<Cells> {
        let mut buf = Vec::new();
        loop {
            match xml.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
                Event::Start(e) => match e.name().as_ref() {
                    b"table:table-row" => {
                        let repeat = count(xml, &e, b"table:number-rows-repeated")?;
                        let row = read_row(xml, self.cells.sheet(), self.row)?;
                        self.place(&row, repeat)?;
                    }
                    b"table:table-header-rows" | b"table:table-rows" | b"table:table-row-group" => {
                    }
                    _ => {
                        let name = e.name().as_ref().to_vec();
                        xml.read_to_end_into(quick_xml::name::QName(&name), &mut Vec::new())
                            .map_err(|e| damaged(&e))?;
                    }
                },
                Event::End(e) if e.name().as_ref() == b"table:table" => return Ok(self.cells),
                Event::Eof => return Err(damaged(&"the sheet has no end")),
                _ => {}
            }
            buf.clear();
        }
    }

    /// Put a row, repeated `repeat` times, among the cells.
    fn place(&mut self, row: &[OdsCell], repeat: u64) -> Result<()> {
        let values: u64 = row
            .iter()
            .filter(|c| matches!(c.value, Value::Text(_)))
            .map(|c| c.repeat)
            .fold(0, u64::saturating_add);
        let (first, cells) = (self.row, &mut self.cells);
        self.row = self.row.saturating_add(repeat);
        if values == 0 {
            errors(cells, row, first, repeat);
            return Ok(());
        }
        if self.row > MAX_ODS_ROWS {
            bail!(
                "sheet `{}` holds {} rows (row {} is repeated {} times); churn reads at most {} \
                 rows from a sheet\n{AS_CSV}",
                churn_core::escape::shown(cells.sheet()),
                grouped(self.row),
                grouped(first + 1),
                grouped(repeat),
                grouped(MAX_ODS_ROWS)
            );
        }
        cells.room_for(values.saturating_mul(repeat), first, 0)?;
        errors(cells, row, first, repeat);
        for r in first..first + repeat {
            let mut col = 0u64;
            for c in row {
                if let Value::Text(t) = &c.value {
                    for k in 0..c.repeat {
                        cells.text(r, col + k, t)?;
                    }
                }
                if r == first && c.span != (1, 1) && c.repeat == 1 && repeat == 1 {
                    let last = (
                        r.saturating_add(c.span.0 - 1),
                        col.saturating_add(c.span.1 - 1),
                    );
                    cells.merge((r, col), last)?;
                }
                col = col.saturating_add(c.repeat);
            }
        }
        Ok(())
    }
}

/// Refuse a value (repeated) past the last column, before repeating it.
fn too_wide(sheet: &str, c: &OdsCell, r: u64, col: u64) -> Result<()> {
    let sheet = churn_core::escape::shown(sheet);
    let end = col.saturating_add(c.repeat);
    if matches!(c.value, Value::Text(_)) && end > MAX_COLUMNS {
        bail!(
            "sheet `{sheet}`: row {} repeats a value {} times across, to column {}; a sheet \
                 has at most {} columns\n  help: the file is damaged or was not written by a \
                 spreadsheet program; save it again from one, or export the sheet as CSV",
            grouped(r + 1),
            grouped(c.repeat),
            grouped(end),
            grouped(MAX_COLUMNS)
        );
    }
    Ok(())
}

/// Count a row's error cells (as often as it repeats).
fn errors(cells: &mut Cells, row: &[OdsCell], first: u64, repeat: u64) {
    let mut col = 0u64;
    for c in row {
        if c.value == Value::Error {
            cells.error(first, col, c.repeat.saturating_mul(repeat));
        }
        col = col.saturating_add(c.repeat);
    }
}

/// The cells of one row (row `r` of `sheet`), up to its end. Runs of blank cells are kept as
/// one, and nothing past the last column is kept (a value there is refused), so a row costs
/// at most its 16,384 columns whatever it says.
fn read_row<R: BufRead>(xml: &mut Xml<R>, sheet: &str, r: u64) -> Result<Vec<OdsCell>> {
    let mut row: Vec<OdsCell> = Vec::new();
    let mut col = 0u64;
    let mut buf = Vec::new();
    loop {
        match xml.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
            Event::Start(e)
                if matches!(
                    e.name().as_ref(),
                    b"table:table-cell" | b"table:covered-table-cell"
                ) =>
            {
                let e = e.into_owned();
                let cell = read_cell(xml, &e)?;
                too_wide(sheet, &cell, r, col)?;
                let start = col;
                col = col.saturating_add(cell.repeat);
                match row.last_mut() {
                    _ if start >= MAX_COLUMNS => {}
                    Some(last) if last.value == Value::Blank && cell.value == Value::Blank => {
                        last.repeat = last.repeat.saturating_add(cell.repeat);
                    }
                    _ => row.push(cell),
                }
            }
            Event::Start(e) => {
                let name = e.name().as_ref().to_vec();
                xml.read_to_end_into(quick_xml::name::QName(&name), &mut Vec::new())
                    .map_err(|e| damaged(&e))?;
            }
            Event::End(e) if e.name().as_ref() == b"table:table-row" => return Ok(row),
            Event::Eof => return Err(damaged(&"a row has no end")),
            _ => {}
        }
        buf.clear();
    }
}

/// One cell, its start tag `e` read, up to its end.
fn read_cell<R: BufRead>(xml: &mut Xml<R>, e: &BytesStart<'_>) -> Result<OdsCell> {
    let repeat = count(xml, e, b"table:number-columns-repeated")?;
    let span = (
        count(xml, e, b"table:number-rows-spanned")?,
        count(xml, e, b"table:number-columns-spanned")?,
    );
    let is_error = attr(xml, e, b"calcext:value-type")?.as_deref() == Some("error");
    let mut value = None;
    let mut is_string = false;
    for a in e.attributes().flatten() {
        let v = || -> Result<String> {
            Ok(a.decode_and_unescape_value(xml.decoder())
                .map_err(|e| damaged(&e))?
                .into_owned())
        };
        match a.key.as_ref() {
            b"office:value" => value = value.or(Some(number(&v()?))),
            b"office:string-value" | b"office:date-value" | b"office:time-value" => {
                value = value.or(Some(v()?));
            }
            b"office:boolean-value" => {
                value = value.or(Some(matches!(v()?.as_str(), "true" | "TRUE").to_string()))
            }
            b"office:value-type" if value.is_none() => is_string = &*a.value == b"string",
            _ => {}
        }
    }
    let name = e.name().as_ref().to_vec();
    let text = if value.is_none() && is_string && !is_error {
        Some(paragraphs(xml, &name)?)
    } else {
        xml.read_to_end_into(quick_xml::name::QName(&name), &mut Vec::new())
            .map_err(|e| damaged(&e))?;
        value
    };
    let value = match text {
        _ if is_error => Value::Error,
        Some(t) if !t.is_empty() => Value::Text(t),
        _ => Value::Blank,
    };
    Ok(OdsCell {
        value,
        repeat,
        span,
    })
}

/// A number as calamine shows it (`3`, `2.5`); text that is no number stays as written.
fn number(v: &str) -> String {
    match v.trim().parse::<f64>() {
        Ok(f) => format!("{f}"),
        Err(_) => v.to_string(),
    }
}

/// The text of a string cell: its paragraphs joined by line breaks, `text:s` as spaces,
/// comments left out, at most a little over [`MAX_CELL_TEXT`] bytes kept (the rest is cut
/// with a note when the cell is stored).
fn paragraphs<R: BufRead>(xml: &mut Xml<R>, cell: &[u8]) -> Result<String> {
    let mut out = String::new();
    let mut buf = Vec::new();
    let mut paragraphs = 0;
    let mut depth = 0usize;
    loop {
        match xml.read_event_into(&mut buf).map_err(|e| damaged(&e))? {
            Event::Start(e) => match e.name().as_ref() {
                b"office:annotation" => {
                    let end = quick_xml::name::QName(b"office:annotation");
                    xml.read_to_end_into(end, &mut Vec::new())
                        .map_err(|e| damaged(&e))?;
                }
                name => {
                    depth += 1;
                    match name {
                        b"text:p" => {
                            if paragraphs > 0 {
                                push(&mut out, "\n");
                            }
                            paragraphs += 1;
                        }
                        b"text:s" => {
                            let n = count(xml, &e, b"text:c")?.min(MAX_CELL_TEXT as u64 + 4);
                            push(&mut out, &" ".repeat(n as usize));
                        }
                        b"text:tab" => push(&mut out, "\t"),
                        b"text:line-break" => push(&mut out, "\n"),
                        _ => {}
                    }
                }
            },
            Event::End(e) if depth == 0 && e.name().as_ref() == cell => return Ok(out),
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Text(t) => push(&mut out, &t.xml10_content().map_err(|e| damaged(&e))?),
            Event::GeneralRef(r) => push(&mut out, &entity(&r)),
            Event::CData(t) => push(&mut out, &String::from_utf8_lossy(&t)),
            Event::Eof => return Err(damaged(&"a cell has no end")),
            _ => {}
        }
        buf.clear();
    }
}

/// An entity or character reference (`&amp;`, `&#233;`) as text.
fn entity(r: &quick_xml::events::BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().as_deref() {
        Ok("amp") => "&",
        Ok("lt") => "<",
        Ok("gt") => ">",
        Ok("quot") => "\"",
        Ok("apos") => "'",
        _ => "",
    }
    .to_string()
}

/// Append `s` unless the cell is already past the longest kept.
fn push(out: &mut String, s: &str) {
    let room = (MAX_CELL_TEXT + 4).saturating_sub(out.len());
    if s.len() <= room {
        out.push_str(s);
    } else {
        let mut end = room;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        out.push_str(&s[..end]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    /// An .ods holding `rows` (the XML of its `table:table-row`s) in sheet `S`.
    fn ods(rows: &str) -> Vec<u8> {
        let content = format!(
            "<?xml version=\"1.0\"?><office:document-content \
             xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
             xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
             xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
             <office:spreadsheet><table:table table:name=\"S\">\
             <table:table-column table:number-columns-repeated=\"4\"/>{rows}</table:table>\
             <table:table table:name=\"T\"><table:table-row><table:table-cell \
             office:value-type=\"string\"><text:p>other</text:p></table:table-cell>\
             </table:table-row></table:table></office:spreadsheet></office:body>\
             </office:document-content>"
        );
        let mut z = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let options = zip::write::SimpleFileOptions::default();
        z.start_file("mimetype", options).unwrap();
        z.write_all(MIMETYPE.as_bytes()).unwrap();
        z.start_file("META-INF/manifest.xml", options).unwrap();
        z.write_all(b"<manifest:manifest xmlns:manifest=\"urn:oasis:names:tc:opendocument:xmlns:manifest:1.0\"/>")
            .unwrap();
        z.start_file("content.xml", options).unwrap();
        z.write_all(content.as_bytes()).unwrap();
        z.finish().unwrap().into_inner()
    }

    fn cell(attrs: &str, body: &str) -> String {
        format!("<table:table-cell {attrs}>{body}</table:table-cell>")
    }

    fn row(cells: &[String], attrs: &str) -> String {
        format!(
            "<table:table-row {attrs}>{}</table:table-row>",
            cells.concat()
        )
    }

    /// The values as calamine's reader gives them, by position, shown as `churn` showed them.
    fn by_calamine(bytes: &[u8]) -> Vec<((u32, u32), String)> {
        use calamine::Reader;
        let mut book: calamine::Ods<_> = calamine::Ods::new(Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("S").unwrap();
        let (r0, c0) = range.start().unwrap();
        range
            .used_cells()
            .map(|(r, c, d)| ((r0 + r as u32, c0 + c as u32), d.to_string()))
            .filter(|(_, t)| !t.is_empty())
            .collect()
    }

    #[test]
    fn values_read_as_calamine_read_them() {
        let p = |t: &str| format!("<text:p>{t}</text:p>");
        let rows = [
            row(
                &[
                    cell("office:value-type=\"string\"", &p("id")),
                    cell("office:value-type=\"string\"", &p("reason")),
                    cell("office:value-type=\"string\"", &p("when")),
                    cell("office:value-type=\"string\"", &p("ok")),
                ],
                "",
            ),
            row(&[cell("", "")], "table:number-rows-repeated=\"3\""),
            row(
                &[
                    cell("office:value-type=\"float\" office:value=\"3\"", &p("3")),
                    cell(
                        "office:value-type=\"string\"",
                        "<text:p>too <text:span>expensive</text:span> &amp;<text:s \
                         text:c=\"3\"/>slow</text:p><text:p>second</text:p>\
                         <office:annotation><text:p>a comment</text:p></office:annotation>",
                    ),
                    cell(
                        "office:value-type=\"date\" office:date-value=\"2024-01-15\"",
                        &p("15/01/24"),
                    ),
                    cell(
                        "office:value-type=\"boolean\" office:boolean-value=\"true\"",
                        "",
                    ),
                ],
                "",
            ),
            row(
                &[
                    cell("office:value-type=\"percentage\" office:value=\"0.25\"", ""),
                    cell(
                        "office:value-type=\"string\" office:string-value=\"attr text\"",
                        &p("shown"),
                    ),
                    cell(
                        "office:value-type=\"date\" office:date-value=\"2024-01-15T10:30:00\"",
                        "",
                    ),
                    cell(
                        "office:value-type=\"time\" office:time-value=\"PT10H30M00S\"",
                        "",
                    ),
                ],
                "table:number-rows-repeated=\"2\"",
            ),
            row(
                &[
                    cell("table:number-columns-repeated=\"2\"", ""),
                    cell(
                        "office:value-type=\"string\" table:number-columns-repeated=\"2\"",
                        &p("twice"),
                    ),
                ],
                "",
            ),
        ]
        .concat();
        let bytes = ods(&rows);
        let mut ours = Vec::new();
        let sheet = read(&bytes, Some("S")).unwrap();
        assert_eq!(sheet.header, ["id", "reason", "when", "ok"]);
        sheet
            .rows(|line, r| {
                for (c, f) in r.iter().enumerate() {
                    if !f.is_empty() {
                        ours.push(((line as u32 - 1, c as u32), f.to_string()));
                    }
                }
                Ok(true)
            })
            .unwrap();
        let mut theirs = by_calamine(&bytes);
        theirs.retain(|((r, _), _)| *r > 0);
        assert_eq!(ours, theirs);
        assert_eq!(ours[1].1, "too expensive &   slow\nsecond");
    }

    #[test]
    fn huge_counts_cost_nothing() {
        let spaces = "<text:s text:c=\"4000000000\"/>".repeat(2000);
        let blanks = "<table:table-cell/>".repeat(100_000);
        let rows = [
            row(
                &[cell(
                    "office:value-type=\"string\"",
                    "<text:p>reason</text:p>",
                )],
                "",
            ),
            row(
                &[cell(
                    "office:value-type=\"string\"",
                    &format!("<text:p>a{spaces}</text:p>"),
                )],
                "",
            ),
            row(&[blanks], ""),
        ]
        .concat();
        let start = std::time::Instant::now();
        let sheet = read(&ods(&rows), None).unwrap();
        assert!(start.elapsed().as_secs() < 10);
        assert!(sheet.notes[0].contains("1 cell is longer than 1 MiB (first: A2)"));
        assert_eq!(sheet.len(), 1);
    }

    #[test]
    fn sheets_are_chosen_by_name() {
        let bytes = ods(&row(
            &[cell("office:value-type=\"string\"", "<text:p>a</text:p>")],
            "",
        ));
        assert_eq!(read(&bytes, None).unwrap().name, "S");
        assert_eq!(read(&bytes, Some("T")).unwrap().header, ["other"]);
        let err = read(&bytes, Some("U")).err().unwrap().to_string();
        assert!(
            err.contains("--sheet: no sheet `U`\n  sheets: `S`, `T`"),
            "{err}"
        );
    }
}
