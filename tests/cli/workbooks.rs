//! Workbooks crafted to cost far more than their size, hide rows or hide answers
//! (fixtures/hostile/, written by make_hostile.py; the 1,100,000-row ODS is written here at run
//! time): each is read within the limits or refused with a message and exit 2, never an abort,
//! and every row is accounted for. Runs that could once exhaust memory run under a 2 GiB
//! address-space cap where `prlimit` exists.

use std::io::Write;
use std::process::Output;

use crate::{churn, root};

const HOSTILE: &str = "fixtures/hostile";

/// Run `churn` with `args` under a 2 GiB address-space cap (when `prlimit` is there).
fn capped(args: &[&str]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("churn");
    let prlimit = std::path::Path::new("/usr/bin/prlimit");
    let mut cmd = if prlimit.exists() {
        let mut c = std::process::Command::new(prlimit);
        c.arg("--as=2147483648").arg("--").arg(bin);
        c
    } else {
        std::process::Command::new(bin)
    };
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .args(args)
        .output()
        .unwrap()
}

/// Analyze `file` (under fixtures/hostile/ unless a path) as JSON: the report, stderr.
fn analyze(file: &str) -> (serde_json::Value, String) {
    let path = if file.contains('/') {
        file.to_string()
    } else {
        format!("{HOSTILE}/{file}")
    };
    let out = capped(&["analyze", &path, "--format", "json"]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{file}: {err}");
    (serde_json::from_slice(&out.stdout).unwrap(), err)
}

/// Analyze `file` under fixtures/hostile/, which must fail with exit 2: stderr.
fn refused(file: &str) -> String {
    let path = format!("{HOSTILE}/{file}");
    let out = capped(&["analyze", &path]);
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{file}: {err}");
    assert!(out.stdout.is_empty(), "{file}");
    assert!(err.contains(&path), "{file}: the path is named\n{err}");
    assert!(
        !err.contains("panicked") && !err.contains("memory allocation"),
        "{err}"
    );
    err
}

/// `rows` of a report, as (read, tagged, unclassified, no answer).
fn rows(v: &serde_json::Value) -> (u64, u64, u64, u64) {
    let r = &v["rows"];
    let n = |k: &str| r[k].as_u64().unwrap();
    (n("read"), n("tagged"), n("unclassified"), n("no_answer"))
}

#[test]
fn a_value_at_the_last_cell_of_the_sheet_costs_nothing() {
    // Read whole, this sheet is 16,384 x 1,048,576 cells (512 GB): it aborted.
    let (v, err) = analyze("far_cell.xlsx");
    assert_eq!(rows(&v), (2, 2, 0, 0));
    assert!(
        err.contains("1 value outside the header's columns (A:B) has no column name")
            && err.contains("first: XFD1048576"),
        "{err}"
    );
}

#[test]
fn a_huge_shared_string_repeated_in_many_cells_is_read_within_memory() {
    // One 50 MB string in 40 cells: 2 GB of text once copied into each; it aborted.
    let (v, err) = analyze("shared_string_bomb.xlsx");
    assert_eq!(rows(&v), (40, 40, 0, 0));
    assert!(
        err.contains("40 cells are longer than 1 MiB (first: B2); each is read as its first 1 MiB"),
        "{err}"
    );
}

#[test]
fn more_text_than_a_workbook_may_hold_is_refused() {
    // A 1.1 MiB string in 1,100 cells.
    let err = refused("text_bomb.xlsx");
    assert!(
        err.contains("sheet `Responses`: its cells hold more than 512 MiB of text"),
        "{err}"
    );
    assert!(err.contains("help: export the sheet as CSV"), "{err}");
}

#[test]
fn a_shared_string_table_declaring_billions_of_entries_is_refused() {
    let err = refused("string_count.xlsx");
    assert!(
        err.contains(
            "shared-string table declares 4,000,000,000 entries; churn reads at most 10,000,000"
        ),
        "{err}"
    );
}

#[test]
fn a_workbook_unpacking_past_the_limit_is_refused() {
    let err = refused("declares_600mb.xlsx");
    assert!(
        err.contains("unpacks to more than 512 MiB (its parts declare 600 MB)"),
        "{err}"
    );
    // The sheet's part says 2 KB but inflates to 600 MB: measured, not believed.
    let err = refused("zip_bomb.xlsx");
    assert!(
        err.contains("unpacks to more than 512 MiB (measured, whatever its parts declare)"),
        "{err}"
    );
}

/// An .ods of a header and `n` rows of one answer each, written to `path` (stored, not
/// deflated, to keep the test fast).
fn write_long_ods(path: &std::path::Path, n: usize) {
    const ROW: &str = "<table:table-row><table:table-cell office:value-type=\"string\">\
        <text:p>too expensive</text:p></table:table-cell></table:table-row>";
    let mut content = String::with_capacity(ROW.len() * (n + 1) + 1000);
    content.push_str(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet><table:table table:name=\"Responses\"><table:table-row>\
         <table:table-cell office:value-type=\"string\"><text:p>reason</text:p>\
         </table:table-cell></table:table-row>",
    );
    for _ in 0..n {
        content.push_str(ROW);
    }
    content.push_str("</table:table></office:spreadsheet></office:body></office:document-content>");
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut z = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    z.start_file("mimetype", stored).unwrap();
    z.write_all(b"application/vnd.oasis.opendocument.spreadsheet")
        .unwrap();
    z.start_file("content.xml", stored).unwrap();
    z.write_all(content.as_bytes()).unwrap();
    z.finish().unwrap();
}

#[test]
fn an_ods_of_more_rows_than_excel_has_is_read_whole() {
    // It was read as 1,048,575 rows with exit 0: 51,425 customers lost without a word.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("long.ods");
    write_long_ods(&path, 1_100_000);
    let (v, _) = analyze(path.to_str().unwrap());
    assert_eq!(rows(&v), (1_100_000, 1_100_000, 0, 0));
    assert_eq!(v["inputs"][0]["rows"], 1_100_000);
}

#[test]
fn ods_rows_or_cells_repeated_past_the_limits_are_refused_with_the_count() {
    // A row repeated a billion times was read as 1,048,575 rows, with exit 0.
    let err = refused("repeated_rows.ods");
    assert!(
        err.contains(
            "sheet `Responses` holds 1,000,000,001 rows (row 2 is repeated 1,000,000,000 \
             times); churn reads at most 16,777,216 rows from a sheet"
        ),
        "{err}"
    );
    assert!(err.contains("help: export the sheet as CSV"), "{err}");
    let err = refused("repeated_cells.ods");
    assert!(
        err.contains(
            "row 2 repeats a value 1,000,000,000 times across, to column 1,000,000,001; a \
             sheet has at most 16,384 columns"
        ),
        "{err}"
    );
}

#[test]
fn empty_ods_rows_and_cells_repeated_a_billion_times_cost_nothing() {
    let start = std::time::Instant::now();
    let (v, err) = analyze("empty_repeats.ods");
    assert_eq!(rows(&v), (2, 2, 0, 0));
    assert!(!err.contains("note"), "{err}");
    assert!(start.elapsed().as_secs() < 30, "{:?}", start.elapsed());
}

#[test]
fn a_merged_range_gives_its_value_to_every_row_it_covers() {
    // B2:B4 merged: rows 3 and 4 were read as "no answer".
    for file in ["merged.xlsx", "merged.ods"] {
        let (v, err) = analyze(file);
        assert_eq!(rows(&v), (4, 4, 0, 0), "{file}");
        assert!(
            err.contains(
                "sheet `Responses`: 1 merged range (B2:B4) gives the value of its first cell \
                 to every cell it covers"
            ),
            "{file}: {err}"
        );
    }
    let out = churn()
        .args(["tag", "fixtures/hostile/merged.xlsx", "--format", "jsonl"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let reasons: Vec<(u64, &str)> = lines
        .iter()
        .map(|l| {
            (
                l["line"].as_u64().unwrap(),
                l["columns"]["reason"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        reasons,
        [
            (2, "too expensive"),
            (3, "too expensive"),
            (4, "too expensive"),
            (5, "moved abroad")
        ]
    );
}

#[test]
fn spreadsheet_errors_are_no_answer_and_noted() {
    // `#DIV/0!` was an unclassified answer.
    let (v, err) = analyze("errors.xlsx");
    assert_eq!(rows(&v), (4, 2, 0, 2));
    assert!(
        err.contains(
            "sheet `Responses`: 2 cells hold a spreadsheet error such as #DIV/0! or #N/A \
             (first: B3); read as blank"
        ),
        "{err}"
    );
    let (v, err) = analyze("errors.ods");
    assert_eq!(rows(&v), (3, 2, 0, 1));
    assert!(
        err.contains("1 cell holds a spreadsheet error such as #DIV/0! or #N/A (first: B3)"),
        "{err}"
    );
}

#[test]
fn a_damaged_xlsx_shows_its_own_fault() {
    // It said only "Cannot detect file format".
    let err = refused("damaged.xlsx");
    assert!(
        err.contains("cannot read the .xlsx workbook: Unexpected end of xml"),
        "{err}"
    );
    assert!(!err.contains("Cannot detect file format"), "{err}");
    let err = refused("not_a_workbook.zip");
    assert!(
        err.contains("this is a zip archive, not a workbook: it holds `export.csv`"),
        "{err}"
    );
    assert!(
        err.contains("help: extract the export from the archive"),
        "{err}"
    );
}

#[test]
fn xls_merged_ranges_and_errors_are_read_like_xlsx() {
    let (v, err) = analyze("merged_errors.xls");
    assert_eq!(rows(&v), (5, 4, 0, 1));
    assert!(
        err.contains("1 merged range (B2:B4) gives the value"),
        "{err}"
    );
    assert!(
        err.contains("1 cell holds a spreadsheet error such as #DIV/0! or #N/A (first: B5)"),
        "{err}"
    );
}

#[test]
fn xls_files_that_would_make_the_reader_loop_or_reserve_gigabytes_are_refused() {
    // Each aborted or ran until memory ran out.
    for (file, expected) in [
        (
            "dimensions.xls",
            "or says it does (255,000,000 cells); churn reads at most that many",
        ),
        (
            "far_cells.xls",
            "an .xls sheet spans more than 30,000,000 cells (rows times columns",
        ),
        (
            "loop.xls",
            "cannot read the .xls workbook: a chain of sectors loops",
        ),
        (
            "fat_len.xls",
            "its sector tables claim more sectors than it holds",
        ),
        (
            "sst_bomb.xls",
            "cells can hold more than 512 MiB of text (each cell that uses a shared string",
        ),
    ] {
        let err = refused(file);
        assert!(err.contains(expected), "{file}: {err}");
    }
}

#[test]
fn rows_keep_their_sheet_numbers_and_dates_read_as_dates() {
    let out = churn()
        .args(["tag", "fixtures/hostile/gaps.xlsx", "--format", "jsonl"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let got: Vec<(u64, &str, &str, &str)> = lines
        .iter()
        .map(|l| {
            let c = &l["columns"];
            (
                l["line"].as_u64().unwrap(),
                c["reason"].as_str().unwrap(),
                c["since"].as_str().unwrap(),
                c["score"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (4, "too expensive", "2024-01-01", "2.5"),
            (6, "moved abroad", "2024-01-15", "3")
        ]
    );
}

#[test]
fn every_hostile_fixture_is_listed() {
    let readme = std::fs::read_to_string(root().join(HOSTILE).join("README.md")).unwrap();
    for entry in std::fs::read_dir(root().join(HOSTILE)).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name != "README.md" && name != "make_hostile.py" {
            assert!(
                readme.contains(&format!("`{name}`")),
                "{name} is not in the README"
            );
        }
    }
}
