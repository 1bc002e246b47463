//! Reading a workbook's sheet from arbitrary input. The first byte picks what the rest is:
//! a whole file (0), the inside of an .xlsx sheet's `<worksheet>` then, after a NUL byte, of
//! its `<sst>` shared-string table (1), the rows of an .ods sheet's `<table:table>` (2), or an
//! .xlsx's parts (sheet, shared strings, styles, workbook, separated by NUL bytes) (3); modes
//! 1 to 3 are zipped into a valid skeleton, so mutations reach the XML readers rather than
//! stopping at the zip layer. Any result is fine; a panic in churn's own code, an abort or a
//! memory blow-up is not (calamine's own panics are caught in churn, as `Table::open` does).
//! Every row visited has the header's width and comes after the one before.
#![no_main]

use std::io::Write;

use churn_attribution::input::workbook;
use libfuzzer_sys::fuzz_target;

const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";

/// A zip of `parts` (stored: fast, and the zip layer is not what is fuzzed here).
fn zipped(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut z = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in parts {
        z.start_file(*name, stored).expect("zip entry");
        z.write_all(data).expect("zip write");
    }
    z.finish().expect("zip").into_inner()
}

fn wrapped(open: &str, body: &[u8], close: &str) -> Vec<u8> {
    [open.as_bytes(), body, close.as_bytes()].concat()
}

/// An .xlsx whose sheet, shared strings, styles and workbook parts hold the given XML.
fn xlsx(sheet: &[u8], shared: &[u8], styles: Option<&[u8]>, book: Option<&[u8]>) -> Vec<u8> {
    let sheet = wrapped(
        &format!("<worksheet xmlns=\"{MAIN}\">"),
        sheet,
        "</worksheet>",
    );
    let shared = wrapped(&format!("<sst xmlns=\"{MAIN}\">"), shared, "</sst>");
    let default_book = format!(
        "<workbook xmlns=\"{MAIN}\" xmlns:r=\"http://schemas.openxmlformats.org/\
         officeDocument/2006/relationships\"><sheets><sheet name=\"S\" sheetId=\"1\" \
         r:id=\"rId1\"/></sheets></workbook>"
    );
    let rels = "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/\
        relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/\
        officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
        </Relationships>";
    let default_styles = format!(
        "<styleSheet xmlns=\"{MAIN}\"><cellXfs count=\"2\"><xf numFmtId=\"0\"/>\
         <xf numFmtId=\"14\"/></cellXfs></styleSheet>"
    );
    zipped(&[
        ("xl/workbook.xml", book.unwrap_or(default_book.as_bytes())),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/styles.xml", styles.unwrap_or(default_styles.as_bytes())),
        ("xl/sharedStrings.xml", &shared),
        ("xl/worksheets/sheet1.xml", &sheet),
    ])
}

/// An .ods whose first sheet holds `rows`.
fn ods(rows: &[u8]) -> Vec<u8> {
    let content = wrapped(
        "<?xml version=\"1.0\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\" \
         xmlns:calcext=\"urn:org:documentfoundation:names:experimental:calc:xmlns:calcext:1.0\">\
         <office:body><office:spreadsheet><table:table table:name=\"S\">",
        rows,
        "</table:table></office:spreadsheet></office:body></office:document-content>",
    );
    zipped(&[
        (
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet",
        ),
        ("content.xml", &content),
    ])
}

/// The workbook the input describes.
fn workbook_of(mode: u8, rest: &[u8]) -> Vec<u8> {
    let parts: Vec<&[u8]> = rest.splitn(4, |b| *b == 0).collect();
    let part = |i: usize| parts.get(i).copied().unwrap_or(&[]);
    let some = |i: usize| Some(part(i)).filter(|p| !p.is_empty());
    match mode % 4 {
        0 => rest.to_vec(),
        1 => xlsx(part(0), part(1), None, None),
        2 => ods(rest),
        _ => xlsx(part(0), part(1), some(2), some(3)),
    }
}

/// Panics in churn's own code fail the run; those inside the readers churn calls (calamine,
/// zip, quick-xml: sources under the cargo registry) are caught, as churn catches them.
fn install_panic_hook() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let theirs = info
                .location()
                .is_some_and(|l| l.file().contains("/.cargo/registry/"));
            if !theirs {
                eprintln!("{info}");
                std::process::abort();
            }
        }));
    });
}

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    install_panic_hook();
    let bytes = workbook_of(mode, rest);
    let sheet = if mode & 0x80 != 0 { Some("S") } else { None };
    let read = std::panic::catch_unwind(|| workbook::read(&bytes, sheet));
    let Ok(Ok(sheet)) = read else {
        return;
    };
    let width = sheet.header.len();
    assert!(width >= 1, "a header has a column");
    let (mut last, mut rows) = (0u64, 0usize);
    sheet
        .rows(|line, record| {
            assert_eq!(record.len(), width, "row {line} has the header's width");
            assert!(line > last.max(1), "rows come in order, after the header");
            assert!(record.iter().any(|f| !f.trim().is_empty()), "no blank row");
            last = line;
            rows += 1;
            Ok(true)
        })
        .expect("visiting rows does not fail");
    assert!(rows <= sheet.len());
});
