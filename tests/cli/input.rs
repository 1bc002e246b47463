//! Reading real exports: every encoding, delimiter, container and file format gives the same
//! report; several files, globs and stdin; `--where`; `--skip-bad-rows`; and a clear message
//! with exit 2 for each malformed input in fixtures/bad/.

use crate::{churn, failure, json_of, root, stdout_with, temp_file};

const INPUTS: &str = "fixtures/inputs";

/// The same 16-row export in every form `churn` reads (fixtures/inputs/make_inputs.py).
const FORMS: &[(&str, &str, Option<&str>, &str)] = &[
    // file, format, encoding, delimiter
    ("base.csv", "csv", Some("UTF-8"), "comma"),
    ("bom_crlf.csv", "csv", Some("UTF-8"), "comma"),
    ("utf16le.txt", "csv", Some("UTF-16LE"), "tab"),
    ("utf16be.csv", "csv", Some("UTF-16BE"), "comma"),
    (
        "cp1252_semicolon.csv",
        "csv",
        Some("windows-1252"),
        "semicolon",
    ),
    ("pipe.csv", "csv", Some("UTF-8"), "pipe"),
    ("tab.tsv", "csv", Some("UTF-8"), "tab"),
    ("base.csv.gz", "csv", Some("UTF-8"), "comma"),
    ("base.csv.zst", "csv", Some("UTF-8"), "comma"),
    ("base.xlsx", "xlsx", None, ""),
    ("base.parquet", "parquet", None, ""),
    ("base.zstd.parquet", "parquet", None, ""),
];

/// Reason counts of a report, by reason id.
fn counts(v: &serde_json::Value) -> Vec<(String, u64)> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["count"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn analyze_json(files: &[&str], extra: &[&str]) -> serde_json::Value {
    let mut args = vec!["analyze"];
    args.extend(files);
    args.extend(extra);
    json_of(&args)
}

#[test]
fn every_form_gives_the_same_report() {
    let filter = ["--where", "Churn Label=Yes", "--sheet", "Responses"];
    let base = analyze_json(&["fixtures/inputs/base.csv"], &filter);
    // Counted by hand: 16 rows, 4 customers who stayed (No), and of the 12 who left: 9
    // tagged, "asdf" (junk), "n/a" and a blank with no answer.
    assert_eq!(
        base["rows"],
        serde_json::json!({"read": 16, "tagged": 9, "unclassified": 0, "no_answer": 3, "junk": 1,
            "involuntary": 0, "rejected": 0, "filtered_out": 4,
            "filtered_out_by": {"where": 4, "preview": 0, "test": 0, "spam": 0, "unfinished": 0,
                "saved": 0, "paused": 0, "aborted": 0},
            "multi_reason": 0, "refined_by_text": 0, "code_text_conflicts": 0, "overridden": 0,
            "low_confidence": 1})
    );
    for (file, format, encoding, delimiter) in FORMS {
        let path = format!("{INPUTS}/{file}");
        let v = analyze_json(&[&path], &filter);
        assert_eq!(v["rows"], base["rows"], "{file}");
        assert_eq!(counts(&v), counts(&base), "{file}");
        let input = &v["inputs"][0];
        assert_eq!(input["format"], *format, "{file}");
        assert_eq!(input["encoding"].as_str(), *encoding, "{file}");
        if !delimiter.is_empty() {
            assert_eq!(input["delimiter"], *delimiter, "{file}");
        }
        assert_eq!(input["rows"], 16, "{file}");
        assert_eq!(input["text_column"], "Why did you cancel?", "{file}");
    }
    let v = analyze_json(&["fixtures/inputs/base.csv.gz"], &filter);
    assert_eq!(v["inputs"][0]["compression"], "gzip");
    let v = analyze_json(&["fixtures/inputs/base.xlsx"], &filter);
    assert_eq!(v["inputs"][0]["sheet"], "Responses");
}

#[test]
fn tagged_text_survives_every_encoding() {
    // The answer with an en dash and the one with an accent read back the same.
    for file in [
        "base.csv",
        "utf16le.txt",
        "cp1252_semicolon.csv",
        "base.xlsx",
    ] {
        let out = stdout_with(
            &[
                "tag",
                &format!("{INPUTS}/{file}"),
                "--sheet",
                "Responses",
                "--format",
                "jsonl",
            ],
            0,
        );
        assert!(out.contains("Zu teuer – viel zu teuer"), "{file}: {out}");
        assert!(out.contains("Le support ne répond jamais"), "{file}");
        assert!(out.contains("Too expensive\\nfor what it does"), "{file}");
    }
}

#[test]
fn guessed_encodings_are_noted_and_can_be_forced() {
    let out = churn()
        .args(["analyze", "fixtures/inputs/cp1252_semicolon.csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("read as Windows-1252"), "{err}");
    assert!(err.contains("line 13"), "{err}");
    // Named, there is no note; forced wrong, the error says where.
    let out = churn()
        .args([
            "analyze",
            "fixtures/inputs/cp1252_semicolon.csv",
            "--encoding",
            "cp1252",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("Windows-1252"));
    let err = failure(&["analyze", "fixtures/bad/latin1.csv", "--encoding", "utf-8"]);
    assert!(
        err.contains("line 3, character 4: not valid UTF-8"),
        "{err}"
    );
    let err = failure(&[
        "analyze",
        "fixtures/inputs/base.csv",
        "--encoding",
        "klingon",
    ]);
    assert!(err.contains("unknown encoding `klingon`"), "{err}");
}

#[test]
fn the_delimiter_flag_overrides_the_sniffer() {
    // Read as commas, the semicolon file's header is one field and some rows are two.
    let err = failure(&[
        "analyze",
        "fixtures/inputs/cp1252_semicolon.csv",
        "--delimiter",
        ",",
    ]);
    assert!(
        err.contains("line 3: expected 1 field (as in the header), found 2"),
        "{err}"
    );
    let v = analyze_json(&["fixtures/inputs/pipe.csv"], &["--delimiter", "pipe"]);
    assert_eq!(v["inputs"][0]["delimiter"], "pipe");
}

#[test]
fn several_files_globs_and_stdin_combine_by_column_name() {
    let filter = ["--where", "Churn Label=Yes"];
    let base = analyze_json(&["fixtures/inputs/base.csv"], &filter);
    let out = churn()
        .args(["analyze", "fixtures/inputs/split/*.csv", "--format", "json"])
        .args(filter)
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("`fixtures/inputs/split/part2.csv` has no `Plan` (left blank)"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"], base["rows"]);
    assert_eq!(counts(&v), counts(&base));
    let inputs = v["inputs"].as_array().unwrap();
    assert_eq!(inputs.len(), 2);
    assert_eq!(inputs[0]["path"], "fixtures/inputs/split/part1.csv");
    assert_eq!(
        (inputs[0]["rows"].as_u64(), inputs[1]["rows"].as_u64()),
        (Some(7), Some(9))
    );
    assert_eq!(inputs[1]["filtered_out"], 4);

    // The same files named one by one, and the table says each file's rows.
    let table = stdout_with(
        &[
            "analyze",
            "fixtures/inputs/split/part1.csv",
            "fixtures/inputs/split/part2.csv",
            "--where",
            "Churn Label=Yes",
        ],
        0,
    );
    assert!(
        table.contains("fixtures/inputs/split/part1.csv (7 rows;"),
        "{table}"
    );
    assert!(
        table.contains("fixtures/inputs/split/part2.csv (9 rows, 4 filtered out;"),
        "{table}"
    );

    // `tag` names each row's file when there are several.
    let tagged = stdout_with(&["tag", "fixtures/inputs/split/*.csv"], 0);
    let mut lines = tagged.lines();
    assert!(lines
        .next()
        .unwrap()
        .ends_with(",churn_evidence,churn_sub_reason,churn_confidence,churn_file"));
    assert!(
        tagged.contains(",fixtures/inputs/split/part2.csv\n"),
        "{tagged}"
    );
    assert_eq!(tagged.matches("split/part1.csv").count(), 7);

    // Standard input.
    let stdin = std::fs::read(root().join("fixtures/inputs/base.csv")).unwrap();
    let out = churn()
        .args(["analyze", "-", "--format", "json"])
        .args(filter)
        .write_stdin(stdin)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["inputs"][0]["path"], "-");
    assert_eq!(counts(&v), counts(&base));

    let err = failure(&["analyze", "fixtures/inputs/nothing-*.csv"]);
    assert!(
        err.contains("`fixtures/inputs/nothing-*.csv` matches no file"),
        "{err}"
    );
    let err = failure(&[
        "analyze",
        "fixtures/inputs/base.csv",
        "fixtures/inputs/base.csv",
    ]);
    assert!(err.contains("is given twice"), "{err}");
}

#[test]
fn where_filters_count_what_they_leave_out() {
    let v = analyze_json(
        &["fixtures/inputs/base.csv"],
        &["--where", "Churn Label!=yes"],
    );
    assert_eq!(v["rows"]["filtered_out"], 12);
    assert_eq!(v["rows"]["read"], 16);
    let v = analyze_json(
        &["fixtures/inputs/base.csv"],
        &[
            "--where",
            "Plan in (Team, Business)",
            "--where",
            "Churn Label=Yes",
        ],
    );
    // 12 departed; of them Team or Business: r01 r02 r05 r06 r08 r09 r11 r12.
    assert_eq!(v["rows"]["filtered_out"], 8);
    let v = analyze_json(
        &["fixtures/inputs/base.csv"],
        &[
            "--where",
            "Plan not in starter",
            "--where",
            "Churn Label=Yes",
        ],
    );
    assert_eq!(v["rows"]["filtered_out"], 8);
    let err = failure(&[
        "analyze",
        "fixtures/inputs/base.csv",
        "--where",
        "Plna=Team",
    ]);
    assert!(err.contains("--where: no column `Plna`"), "{err}");
    assert!(
        err.contains("columns: `Response ID`, `Plan`, `Churn Label`"),
        "{err}"
    );
    let err = failure(&["analyze", "fixtures/inputs/base.csv", "--where", "Plan"]);
    assert!(err.contains("is not a filter"), "{err}");
    let err = failure(&[
        "analyze",
        "fixtures/inputs/base.csv",
        "--where",
        "Plan=Gold",
    ]);
    assert!(
        err.contains("--where `Plan=Gold` left none of the 16 rows"),
        "{err}"
    );
}

#[test]
fn skipped_bad_rows_are_rejected_and_listed() {
    let file = "fixtures/bad/many_bad_rows.csv";
    let v = analyze_json(&[file], &["--skip-bad-rows"]);
    assert_eq!(
        v["rows"],
        serde_json::json!({"read": 10, "tagged": 7, "unclassified": 0, "no_answer": 0, "junk": 0,
            "involuntary": 0, "rejected": 3, "filtered_out": 0,
            "filtered_out_by": {"where": 0, "preview": 0, "test": 0, "spam": 0, "unfinished": 0,
                "saved": 0, "paused": 0, "aborted": 0},
            "multi_reason": 0, "refined_by_text": 0, "code_text_conflicts": 0, "overridden": 0,
            "low_confidence": 0})
    );
    let lines: Vec<u64> = v["rejected_rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4, 7, 10]);
    assert_eq!(v["rejected_rows"][0]["found_fields"], 4);
    assert_eq!(v["rejected_rows"][0]["expected_fields"], 3);

    // 25 bad rows: the table lists 20, the JSON all of them.
    let mut text = String::from("id,reason\n");
    for i in 0..50 {
        if i % 2 == 0 {
            text.push_str(&format!("{i},too slow,extra\n"));
        } else {
            text.push_str(&format!("{i},too slow\n"));
        }
    }
    let (_dir, path) = temp_file("bad.csv", &text);
    let table = stdout_with(&["analyze", &path, "--skip-bad-rows"], 0);
    assert!(table.contains("Read 50 rows: 25 tagged"), "{table}");
    assert!(
        table.contains("line 40 (3 fields) and 5 more (all are in --format json)"),
        "{table}"
    );
    let v = analyze_json(&[&path], &["--skip-bad-rows"]);
    assert_eq!(v["rejected_rows"].as_array().unwrap().len(), 25);

    // `tag` writes rejected rows where they were read.
    let out = stdout_with(&["tag", file, "--skip-bad-rows"], 0);
    let statuses: Vec<&str> = out
        .lines()
        .skip(1)
        .map(|l| {
            if l.contains(",rejected,") {
                "rejected"
            } else {
                "tagged"
            }
        })
        .collect();
    assert_eq!(statuses.len(), 10);
    assert_eq!(
        statuses.iter().filter(|s| **s == "rejected").count(),
        3,
        "{out}"
    );
    assert!(out.lines().nth(3).unwrap().contains("rejected"), "{out}");
}

#[test]
fn a_ten_megabyte_answer_is_read() {
    let long = "the price was too high and ".repeat(10 * 1024 * 1024 / 27 + 1);
    let text = format!("id,reason\n1,\"{long}\"\n2,moved abroad\n");
    let (_dir, path) = temp_file("long.csv", &text);
    let v = analyze_json(&[&path], &[]);
    assert_eq!(v["rows"]["read"], 2);
    assert_eq!(v["rows"]["tagged"], 2);
}

/// Malformed inputs: file in fixtures/bad/, extra flags, exit code, and what the message says.
const BAD: &[(&str, &[&str], i32, &[&str])] = &[
    ("empty.csv", &[], 2, &["the file is empty"]),
    ("whitespace_only.csv", &[], 2, &["the file is empty"]),
    (
        "header_only.csv",
        &[],
        2,
        &["has a header but no data rows", "`id`, `reason`, `plan`"],
    ),
    (
        "header_only.parquet",
        &[],
        2,
        &["has a header but no data rows"],
    ),
    (
        "no_reason_column.csv",
        &[],
        2,
        &["no reason column found", "did you mean `reasn`?"],
    ),
    (
        "blank_reasons.csv",
        &[],
        2,
        &["`reason` is blank in every row (3 rows)"],
    ),
    (
        "wrong_field_count.csv",
        &[],
        2,
        &[
            "line 4: expected 3 fields (as in the header), found 4",
            "--skip-bad-rows",
        ],
    ),
    (
        "many_bad_rows.csv",
        &[],
        2,
        &["line 4: expected 3 fields", "3 of 10 rows have the wrong"],
    ),
    (
        "all_bad_rows.csv",
        &["--skip-bad-rows"],
        2,
        &["all 3 rows have the wrong number of fields (the header has 3)"],
    ),
    (
        "damaged_header.csv",
        &[],
        2,
        &[
            "the header (line 1) has 3 fields but every row (3) has 4",
            "field 3 `Why did you leave?",
        ],
    ),
    (
        "unclosed_quote.csv",
        &[],
        2,
        &["line 3: a `\"` opened in this record is never closed"],
    ),
    (
        "latin1.csv",
        &["--encoding", "utf-8"],
        2,
        &["line 3, character 4: not valid UTF-8"],
    ),
    (
        "binary.csv",
        &[],
        2,
        &["binary data", "not a text CSV file"],
    ),
    (
        "nul_in_answer.csv",
        &[],
        2,
        &["line 3, character 5: binary data"],
    ),
    (
        "pdf.csv",
        &[],
        2,
        &["is a PDF document, not a survey export"],
    ),
    ("png.csv", &[], 2, &["is a PNG image"]),
    (
        "sqlite.db",
        &[],
        2,
        &["is an SQLite database; export a table as CSV first"],
    ),
    (
        "bzip2.csv.bz2",
        &[],
        2,
        &["is bzip2-compressed; decompress it first"],
    ),
    ("json.csv", &[], 2, &["this looks like JSON, not CSV"]),
    (
        "html.csv",
        &[],
        2,
        &["this looks like HTML or XML, not CSV"],
    ),
    (
        "prose.txt",
        &[],
        2,
        &["no delimiter", "does not look like a CSV export"],
    ),
    (
        "bad_gzip.csv.gz",
        &[],
        2,
        &["looks gzip-compressed but cannot be decompressed"],
    ),
    (
        "truncated.csv.gz",
        &[],
        2,
        &["cannot be decompressed: unexpected end of file"],
    ),
    (
        "bad_zstd.csv.zst",
        &[],
        2,
        &["looks zstd-compressed but cannot be decompressed"],
    ),
    (
        "fake.xlsx",
        &[],
        2,
        &["starts like a zip archive", "cannot be read as one"],
    ),
    ("empty_sheet.xlsx", &[], 2, &["sheet `Empty` is empty"]),
    ("fake.parquet", &[], 2, &["cannot read the Parquet file"]),
    // Found by the fuzzer: the parquet crate (the reader before polars) panicked on this
    // dictionary page; polars finds its schema damaged.
    (
        "damaged_dictionary.parquet",
        &[],
        2,
        &["cannot read the Parquet file: unable to decode the encoded schema"],
    ),
    (
        "a_directory",
        &[],
        2,
        &["is a directory; give a file, or a glob such as"],
    ),
];

#[test]
fn each_malformed_input_gets_a_clear_message() {
    for (file, flags, code, expected) in BAD {
        let path = format!("fixtures/bad/{file}");
        for command in ["analyze", "check", "tag"] {
            if *file == "blank_reasons.csv" && command != "analyze" {
                // check fails its reason-column rule (exit 1); tag writes no_answer rows.
                continue;
            }
            let out = churn()
                .arg(command)
                .arg(&path)
                .args(*flags)
                .output()
                .unwrap();
            let err = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(*code), "{command} {file}: {err}");
            assert!(out.stdout.is_empty(), "{command} {file}: stdout not empty");
            for e in *expected {
                assert!(
                    err.contains(e),
                    "{command} {file}: expected {e:?} in\n{err}"
                );
            }
            assert!(
                err.contains(&path),
                "{command} {file}: the path is named\n{err}"
            );
            assert!(
                !err.contains("panicked") && !err.contains("backtrace"),
                "{err}"
            );
        }
    }
    // The same for inputs that are not files.
    let err = failure(&["analyze", "fixtures/bad/does-not-exist.csv"]);
    assert!(
        err.contains("cannot read `fixtures/bad/does-not-exist.csv`: no such file"),
        "{err}"
    );
    let err = failure(&["analyze", "fixtures/inputs/base.xlsx", "--sheet", "Nope"]);
    assert!(err.contains("--sheet: no sheet `Nope`"), "{err}");
    assert!(err.contains("`About`, `Responses`"), "{err}");
    // Files that exist but cannot be read.
    #[cfg(target_os = "linux")]
    {
        let err = failure(&["analyze", "/proc/self/mem"]);
        assert!(err.contains("cannot read `/proc/self/mem`"), "{err}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let (_dir, path) = temp_file("locked.csv", "id,reason\n1,price\n");
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o000)).unwrap();
        // Root reads it anyway; then there is nothing to see.
        if std::fs::read(&path).is_err() {
            let err = failure(&["analyze", &path]);
            assert!(
                err.contains("permission denied; check the file's permissions"),
                "{err}"
            );
        }
    }
    let err = failure(&["analyze", "-", "-"]);
    assert!(err.contains("given twice"), "{err}");
}

#[test]
fn every_bad_fixture_is_in_the_table() {
    let mut files: Vec<String> = std::fs::read_dir(root().join("fixtures/bad"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != "make_bad.py" && f != "README.md")
        .collect();
    files.sort();
    let listed: Vec<&str> = BAD.iter().map(|b| b.0).collect();
    for f in &files {
        assert!(
            listed.contains(&f.as_str()),
            "fixtures/bad/{f} has no row in BAD"
        );
    }
    assert!(files.len() >= 25, "{} malformed inputs", files.len());
}

/// The real exports in ../shared/data/real (not copied into the repository: their licence is
/// unconfirmed). Where they are not present the test says so and checks nothing.
#[test]
fn real_exports() {
    let dir = std::env::var("CHURN_REAL_DATA")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|_| root().join("../shared/data/real"));
    if !dir.join("README.md").exists() {
        eprintln!("real_exports: {} not found; skipped", dir.display());
        return;
    }
    let path = |f: &str| dir.join(f).to_string_lossy().into_owned();

    // DETE: UTF-8 with a byte-order mark; every one of the 822 rows read.
    let v = json_of(&[
        "analyze",
        &path("dete_exit_survey.excel-bom.csv"),
        "--reason-col",
        "SeparationType",
    ]);
    assert_eq!(v["inputs"][0]["encoding"], "UTF-8");
    assert_eq!(v["rows"]["read"], 822);
    assert_eq!(v["rows"]["no_answer"], 0);

    // TAFE in Windows-1252: decoded (en dashes, non-breaking spaces), 702 rows, trailing
    // spaces trimmed from the headers.
    let out = churn()
        .args([
            "tag",
            &path("tafe_exit_survey.cp1252.csv"),
            "--reason-col",
            "Reason for ceasing employment",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(text.lines().count(), 702);
    assert!(text.contains("26 – 30"), "en dash decoded");
    assert!(text.contains("\"Contributing Factors. Career Move - Public Sector\":"));
    assert!(String::from_utf8_lossy(&out.stderr).contains("read as Windows-1252"));

    // TAFE damaged: the header is the fault, and the message says which fields.
    let err = failure(&["analyze", &path("tafe_exit_survey.damaged.csv")]);
    assert!(
        err.contains("the header (line 1) has 74 fields but every row (702) has 72"),
        "{err}"
    );
    assert!(err.contains("its quotes are unbalanced: field 39"), "{err}");
}

/// The examples in docs/reading-exports.md, and the bad-row error under "Exit codes" in
/// docs/output.md, are real output.
#[test]
fn docs_examples_are_real_output() {
    let page = std::fs::read_to_string(root().join("docs/reading-exports.md")).unwrap();
    let out = churn()
        .args([
            "analyze",
            "fixtures/inputs/cp1252_semicolon.csv",
            "--where",
            "Churn Label=Yes",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    for line in stderr.lines().chain(stdout.lines().take(2)) {
        assert!(page.contains(line), "docs/reading-exports.md lacks: {line}");
    }
    let err = failure(&["analyze", "fixtures/bad/damaged_header.csv"]);
    for line in err.lines() {
        assert!(page.contains(line), "docs/reading-exports.md lacks: {line}");
    }
    let page = std::fs::read_to_string(root().join("docs/output.md")).unwrap();
    let err = failure(&["analyze", "fixtures/bad/wrong_field_count.csv"]);
    for line in err.lines() {
        assert!(page.contains(line), "docs/output.md lacks: {line}");
    }
}

/// Every CSV fixture (plain, compressed, in other encodings and dialects, broken), analyzed
/// with the file streamed in tiny blocks (`CHURN_BLOCK_BYTES=61`: many blocks, cut between and
/// beside quoted line breaks) and read whole (`CHURN_BLOCK_BYTES=0`): the same exit code, the
/// same report and the same messages, byte for byte. Files the stream cannot read exactly
/// (other encodings, bad rows, open quotes) are read whole, so their messages stay the same.
#[test]
fn streamed_and_whole_file_reading_give_the_same_output() {
    fn collect(dir: &std::path::Path, out: &mut Vec<String>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                collect(&path, out);
            } else if ["csv", "gz", "zst", "tsv", "txt"]
                .iter()
                .any(|e| path.extension().is_some_and(|x| x == *e))
            {
                let relative = path.strip_prefix(root()).unwrap();
                out.push(relative.to_string_lossy().into_owned());
            }
        }
    }
    let mut files = Vec::new();
    collect(&root().join("fixtures"), &mut files);
    files.sort();
    assert!(files.len() >= 40, "{files:?}");
    let run = |args: &[&str], block: &str| {
        let out = churn()
            .env("CHURN_BLOCK_BYTES", block)
            .args(args)
            .output()
            .unwrap();
        (out.status.code(), out.stdout, out.stderr)
    };
    let mut cases: Vec<Vec<&str>> = Vec::new();
    for f in &files {
        cases.push(vec![
            "analyze",
            f,
            "-f",
            "json",
            "--skip-bad-rows",
            "--show-unclassified",
            "3",
        ]);
        if f.starts_with("fixtures/bad/") {
            cases.push(vec!["analyze", f]);
        }
    }
    cases.push(vec![
        "analyze",
        "fixtures/inputs/split/part1.csv",
        "fixtures/inputs/split/part2.csv",
        "-f",
        "json",
        "--by",
        "plan",
        "--where",
        "plan != Team",
    ]);
    let mut streamed = 0;
    for args in &cases {
        let whole = run(args, "0");
        let tiny = run(args, "61");
        assert!(
            whole == tiny,
            "{args:?}\n--- whole\n{}{}\n--- streamed\n{}{}",
            String::from_utf8_lossy(&whole.1),
            String::from_utf8_lossy(&whole.2),
            String::from_utf8_lossy(&tiny.1),
            String::from_utf8_lossy(&tiny.2),
        );
        streamed += usize::from(whole.0 == Some(0));
    }
    assert!(streamed >= 25, "only {streamed} runs succeeded");
}

/// Values of the types a warehouse export holds (written by DuckDB: integers of every width,
/// doubles, booleans, dates, timestamps, decimals, lists, nulls) are read as text, as polars
/// casts them.
#[test]
fn parquet_values_of_every_common_type_are_read_as_text() {
    let out = stdout_with(&["tag", "fixtures/inputs/typed.parquet", "--no-model"], 0);
    let expected = "\
n,id,Why did you cancel?,code,mrr,active,cancelled_on,cancelled_at,price,tags,score,churn_reason,churn_reasons,churn_status,churn_evidence,churn_sub_reason
1,r01,Too expensive for our team,too_expensive,49.5,true,2024-01-15,2024-01-15 10:30:00.000000,12.50,\"[\"\"a\"\", \"\"b\"\"]\",3,dissatisfaction,dissatisfaction,tagged,code:too_expensive,price
2,r02,We moved to another country,,2.0,false,2024-02-01,2024-02-01 08:00:00.000000,7.00,[],,moved,moved,tagged,moved to another country,relocated
3,r03,,switched_service,,,,,,,1,better_product,better_product,tagged,code:switched_service,
4,r04,Support never answered,customer_service,0.1,true,2024-03-31,2024-03-31 23:59:59.500000,0.05,\"[\"\"x\"\"]\",2,indifference,indifference,tagged,code:customer_service,no_response
";
    assert_eq!(out, expected);
    // The dates are dates to `--period`.
    let json = analyze_json(&["fixtures/inputs/typed.parquet"], &["--period", "month"]);
    let periods = json["periods"].to_string();
    for month in ["2024-01", "2024-02", "2024-03"] {
        assert!(periods.contains(month), "{month} in {periods}");
    }
}

/// A column of a type polars does not read (a map, an interval) is empty, with a note naming
/// it; the rest of the file is read, and an instant with a time zone is shown in UTC.
#[test]
fn a_parquet_column_that_cannot_be_read_is_noted_and_left_empty() {
    let run = churn()
        .args(["tag", "fixtures/inputs/unreadable.parquet", "--no-model"])
        .assert()
        .success();
    let out = String::from_utf8_lossy(&run.get_output().stdout).to_string();
    let err = String::from_utf8_lossy(&run.get_output().stderr).to_string();
    assert!(
        out.starts_with(
            "reason,attributes,tenure,cancelled_at,churn_reason,churn_reasons,churn_status,\
             churn_evidence,churn_sub_reason\n\
             too expensive for us,,,2024-01-15 10:30:00.000000 UTC,dissatisfaction,"
        ),
        "{out}"
    );
    assert!(
        err.contains("the column `attributes` holds values of a type churn cannot read (Map)"),
        "{err}"
    );
    assert!(err.contains("the column `tenure`"), "{err}");
    let json = analyze_json(&["fixtures/inputs/unreadable.parquet"], &[]);
    assert_eq!(json["rows"]["tagged"], 2);
    assert_eq!(json["rows"]["no_answer"], 1);
}
