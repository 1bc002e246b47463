//! Output formats and the JSON contract: `analyze --format csv|markdown`, `--output`,
//! `--quiet`, `churn tag` (CSV and JSON Lines), the spreadsheet-injection guard, JSON output
//! validated against the schemas in docs/schema/, closed pipes, completions and the man page.

use std::process::Command;

use serde_json::Value;

use crate::{churn, closed_pipe, json_of, root, stdout_of, stdout_with, temp_file};

const SMALL: &str = "fixtures/small/surveys.csv";
const DEMO: &str = "fixtures/demo/surveys.csv";
const INJECTION: &str = "fixtures/tag/injection.csv";

fn csv_records(bytes: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes);
    reader
        .records()
        .map(|r| r.unwrap().iter().map(str::to_string).collect())
        .collect()
}

#[test]
fn analyze_csv_holds_the_shares_and_the_row_accounting() {
    let json = json_of(&["analyze", DEMO]);
    let rows = csv_records(&stdout_of(&["analyze", DEMO, "--format", "csv"]));
    assert_eq!(rows[0][..4], ["kind", "id", "label", "count"]);
    let reasons: Vec<&Vec<String>> = rows.iter().filter(|r| r[0] == "reason").collect();
    assert_eq!(reasons.len(), json["reasons"].as_array().unwrap().len());
    for (row, r) in reasons.iter().zip(json["reasons"].as_array().unwrap()) {
        assert_eq!(row[1], r["id"].as_str().unwrap());
        assert_eq!(row[3].parse::<f64>().unwrap(), r["count"].as_f64().unwrap());
        assert_eq!(row[5].parse::<f64>().unwrap(), r["share"].as_f64().unwrap());
        let p: f64 = row[11].parse().unwrap();
        assert!((p - r["p_value"].as_f64().unwrap()).abs() <= 1e-12 * p.max(1e-300));
        assert_eq!(row[13], r["verdict"].as_str().unwrap());
    }
    let count = |id: &str| -> u64 {
        rows.iter()
            .find(|r| r[0] == "rows" && r[1] == id)
            .unwrap_or_else(|| panic!("no rows,{id}"))[3]
            .parse()
            .unwrap()
    };
    assert_eq!(count("read"), 300);
    assert_eq!(
        count("read"),
        count("tagged")
            + count("unclassified")
            + count("no_answer")
            + count("involuntary")
            + count("rejected")
    );
    assert_eq!(count("tagged"), json["rows"]["tagged"].as_u64().unwrap());
}

#[test]
fn analyze_markdown_is_a_table_per_reason() {
    let text = String::from_utf8(stdout_of(&["analyze", SMALL, "--format", "markdown"])).unwrap();
    assert!(text.starts_with("## Why customers left: `fixtures/small/surveys.csv`\n"));
    assert!(text.contains("Read 12 rows: 9 tagged, 0 unclassified, 3 no answer (1 junk)"));
    let table: Vec<&str> = text.lines().filter(|l| l.starts_with('|')).collect();
    let (subs, main): (Vec<&str>, Vec<&str>) = table.iter().partition(|l| l.starts_with("| ↳ "));
    // Header, alignment row, six reasons, unclassified and no answer.
    assert_eq!(main.len(), 10, "{text}");
    // The sub-reasons with rows, under their reason (dissatisfaction: price, quality).
    assert_eq!(subs.len(), 7, "{text}");
    let price = table
        .iter()
        .position(|l| l.starts_with("| ↳ Price | 2 | 66.7% |"));
    assert!(
        price.is_some_and(|i| table[i - 1].starts_with("| Dissatisfaction | 3 |")),
        "{text}"
    );
    assert_eq!(table[1], "|---|--:|--:|--:|--:|--:|---|");
    assert!(table.iter().all(|l| l.matches('|').count() == 8), "{text}");
    crate::golden("small/expected.md", text.as_bytes());
}

#[test]
fn output_writes_the_file_and_nothing_to_stdout() {
    let dir = tempfile::tempdir().unwrap();
    for format in ["table", "json", "csv", "markdown"] {
        let path = dir.path().join(format!("report.{format}"));
        churn()
            .args(["analyze", DEMO, "--format", format, "--output"])
            .arg(&path)
            .assert()
            .success()
            .stdout("");
        let written = std::fs::read(&path).unwrap();
        assert_eq!(
            written,
            stdout_of(&["analyze", DEMO, "--format", format]),
            "{format}"
        );
    }
    // No color in a file, even when asked for a terminal's.
    let path = dir.path().join("color.txt");
    churn()
        .args(["analyze", SMALL, "--color", "always", "-o"])
        .arg(&path)
        .assert()
        .success();
    assert!(!std::fs::read_to_string(&path).unwrap().contains('\x1b'));
    // A directory that does not exist: an error naming the file, exit 2.
    let err = crate::failure(&["analyze", SMALL, "-o", "no/such/dir/report.txt"]);
    assert!(err.contains("--output `no/such/dir/report.txt`"), "{err}");
}

#[test]
fn quiet_silences_notes_but_not_errors() {
    let (_dir, path) = temp_file(
        "likert.csv",
        "id,Feedback\n1,A\n2,SA\n3,N\n4,too expensive\n5,D\n6,SD\n",
    );
    let noisy = churn().args(["analyze", &path]).assert().success();
    assert!(!noisy.get_output().stderr.is_empty());
    churn()
        .args(["analyze", &path, "--quiet"])
        .assert()
        .success()
        .stderr("");
    assert!(crate::failure(&["-q", "analyze", "no/such.csv"]).contains("no/such.csv"));
}

#[test]
fn tag_writes_every_row_back_with_its_tag() {
    let json = json_of(&["analyze", DEMO]);
    let out = stdout_of(&["tag", DEMO]);
    let rows = csv_records(&out);
    let input = csv_records(&std::fs::read(root().join(DEMO)).unwrap());
    assert_eq!(rows.len(), input.len());
    let width = input[0].len();
    assert_eq!(
        rows[0][width..],
        [
            "churn_reason",
            "churn_reasons",
            "churn_status",
            "churn_evidence",
            "churn_sub_reason",
            "churn_confidence"
        ]
    );
    for (out_row, in_row) in rows.iter().zip(&input) {
        assert_eq!(out_row[..width], in_row[..], "original columns unchanged");
    }
    let status = |s: &str| rows[1..].iter().filter(|r| r[width + 2] == s).count() as u64;
    for (s, key) in [
        ("tagged", "tagged"),
        ("unclassified", "unclassified"),
        ("no_answer", "no_answer"),
        ("involuntary", "involuntary"),
        ("rejected", "rejected"),
    ] {
        assert_eq!(status(s), json["rows"][key].as_u64().unwrap(), "{s}");
    }
    // Per reason, the primary tags add up to analyze's counts (attribution primary).
    for r in json["reasons"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let n = rows[1..].iter().filter(|row| row[width] == id).count() as u64;
        assert_eq!(n, r["count"].as_u64().unwrap(), "{id}");
    }
    // Evidence: the words that matched, or the code.
    let row = rows
        .iter()
        .find(|r| r[width - 1] == "NO ONE ANSWERS THE PHONE")
        .unwrap();
    assert_eq!(
        row[width..],
        [
            "indifference",
            "indifference",
            "tagged",
            "no one answers",
            "no_response",
            "1.000"
        ]
    );
    let coded = rows
        .iter()
        .find(|r| r[width - 2] == "too_expensive")
        .unwrap();
    assert_eq!(coded[width + 3], "code:too_expensive");
    assert_eq!(coded[width + 4], "price", "the code names the sub-reason");
    assert_eq!(
        coded[width + 5],
        "1.000",
        "a code decides with confidence 1"
    );
}

#[test]
fn tag_lists_every_reason_of_a_multi_reason_answer() {
    let rows = csv_records(&stdout_of(&["tag", "fixtures/multi/surveys.csv"]));
    let row = &rows[1];
    assert_eq!(
        row[1],
        "Too expensive, and support never answered my emails"
    );
    assert_eq!(row[2], "dissatisfaction");
    assert_eq!(row[3], "dissatisfaction|indifference");
    assert_eq!(row[4], "tagged");
    assert_eq!(row[5].split('|').count(), 2, "{row:?}");
}

#[test]
fn tag_jsonl_matches_the_csv_and_the_schema() {
    let schema = schema("tag.v1.json");
    let lines = stdout_of(&[
        "tag",
        "fixtures/stripe/involuntary.csv",
        "--format",
        "jsonl",
    ]);
    let csv_rows = csv_records(&stdout_of(&["tag", "fixtures/stripe/involuntary.csv"]));
    let text = String::from_utf8(lines).unwrap();
    let values: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(values.len(), csv_rows.len() - 1);
    for (v, row) in values.iter().zip(&csv_rows[1..]) {
        valid(&schema, v);
        let n = row.len();
        assert_eq!(v["churn_status"], row[n - 4].as_str());
        assert_eq!(v["churn_reason"].as_str().unwrap_or(""), row[n - 6]);
        assert_eq!(v["churn_sub_reason"].as_str().unwrap_or(""), row[n - 2]);
        let confidence = v["churn_confidence"].as_f64().map(|c| format!("{c:.3}"));
        assert_eq!(confidence.unwrap_or_default(), row[n - 1]);
    }
    assert_eq!(values[0]["line"], 2);
    assert_eq!(values[0]["churn_status"], "involuntary");
    assert_eq!(values[0]["churn_evidence"][0], "code:payment_failed");
    // Columns keep header order.
    let keys: Vec<&String> = values[0]["columns"].as_object().unwrap().keys().collect();
    assert_eq!(keys.len(), csv_rows[0].len() - 6);
    // With [competitors], churn_competitor: the id, or null.
    let args = [
        "tag",
        "fixtures/competitors/exits.csv",
        "--config",
        "fixtures/competitors/churn.toml",
        "--reason-col",
        "answer",
        "--quiet",
    ];
    let csv_rows = csv_records(&stdout_of(&args));
    let at = csv_rows[0]
        .iter()
        .position(|h| h == "churn_competitor")
        .unwrap();
    let text = String::from_utf8(stdout_of(&[&args[..], &["--format", "jsonl"]].concat())).unwrap();
    for (line, row) in text.lines().zip(&csv_rows[1..]) {
        let v: Value = serde_json::from_str(line).unwrap();
        valid(&schema, &v);
        assert_eq!(v["churn_competitor"].as_str().unwrap_or(""), row[at]);
    }
    assert_eq!(csv_rows[1][at], "hubspot");
}

#[test]
fn tag_replaces_its_own_columns_when_run_again() {
    let once = stdout_of(&["tag", SMALL]);
    let (_dir, path) = temp_file("tagged.csv", std::str::from_utf8(&once).unwrap());
    let twice = churn()
        .args(["tag", &path])
        .assert()
        .success()
        .get_output()
        .clone();
    assert_eq!(twice.stdout, once);
    assert!(String::from_utf8_lossy(&twice.stderr).contains("replaced"));
}

#[test]
fn csv_output_neutralizes_formulas() {
    let rows = csv_records(&stdout_of(&["tag", INJECTION]));
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (mrr, note, answer) = (col("mrr"), col("note"), col("Why did you leave?"));
    assert_eq!(
        rows[1][note],
        "'=HYPERLINK(\"http://evil.example\",\"click\")"
    );
    assert_eq!(rows[2][note], "'@SUM(A1:A2)");
    assert_eq!(rows[2][answer], "'=1+1 was not worth it, too expensive");
    assert_eq!(rows[3][note], "'-2+3+cmd|' /C calc'!A0");
    assert_eq!(rows[4][note], "'\tleading tab");
    assert_eq!(rows[4][answer], "'+ switched to a competitor");
    assert_eq!(rows[6][note], "'\rcarriage");
    // Plain numbers are data, not formulas: kept as they are.
    assert_eq!(rows[1][mrr], "-12.50");
    assert_eq!(rows[2][mrr], "+3");
    // Nothing that starts a formula is left unguarded anywhere.
    for row in &rows {
        for cell in row {
            let risky = cell.starts_with(['=', '+', '-', '@', '\t', '\r']);
            assert!(!risky || cell == "-12.50" || cell == "+3", "{cell:?}");
        }
    }
    // The tagging reads the original text, not the guarded one.
    assert_eq!(rows[2][col("churn_reason")], "dissatisfaction");
    // analyze --format csv guards text from the taxonomy too.
    let (_dir, config) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n[[reason]]\nid = \"died\"\nlabel = \"=DIED()\"\n",
    );
    let rows = csv_records(&stdout_of(&[
        "analyze", SMALL, "--format", "csv", "--config", &config,
    ]));
    assert_eq!(rows[1][2], "'=DIED()");
}

/// A compiled JSON Schema from docs/schema/.
fn schema(name: &str) -> jsonschema::Validator {
    let text = std::fs::read_to_string(root().join("docs/schema").join(name)).unwrap();
    let value: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&value).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn valid(schema: &jsonschema::Validator, value: &Value) {
    let errors: Vec<String> = schema
        .iter_errors(value)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{value:#}");
}

#[test]
fn analyze_json_matches_its_schema() {
    let schema = schema("analyze.v1.json");
    let runs: &[&[&str]] = &[
        &["analyze", SMALL],
        &["analyze", DEMO, "--show-unclassified", "5"],
        &[
            "analyze",
            DEMO,
            "--quotes",
            "3",
            "--no-redact",
            "--by",
            "plan",
        ],
        &["analyze", "fixtures/stripe/cancellations.csv"],
        &["analyze", "fixtures/stripe/involuntary.csv"],
        &[
            "analyze",
            DEMO,
            "--overrides",
            "fixtures/overrides/demo.csv",
        ],
        &[
            "analyze",
            "fixtures/corpus/holdout.csv",
            "--calibrate",
            "fixtures/corpus/labelled.csv",
        ],
        &[
            "analyze",
            "fixtures/multi/surveys.csv",
            "--attribution",
            "split",
        ],
        &[
            "analyze",
            "fixtures/multi/surveys.csv",
            "--attribution",
            "all",
        ],
        &["analyze", DEMO, "--benchmark", "gattorna", "--ci", "wilson"],
        &["analyze", DEMO, "--benchmark", "asq", "--test", "g"],
        &[
            "analyze",
            "fixtures/stats/segments.csv",
            "--by",
            "plan",
            "--period",
            "quarter",
            "--weight",
            "mrr",
            "--resamples",
            "200",
        ],
        &["analyze", "fixtures/check/dropped_text.csv"],
        &["analyze", "fixtures/layouts/qualtrics.csv"],
        &["analyze", "fixtures/layouts/stripe-subscriptions.json"],
        &["analyze", "fixtures/layouts/spss-bytecode.sav"],
    ];
    for args in runs {
        valid(&schema, &json_of(args));
    }
}

#[test]
fn the_schema_rejects_what_schema_1_does_not_allow() {
    let schema = schema("analyze.v1.json");
    let good = json_of(&["analyze", SMALL]);
    let mut renamed = good.clone();
    let rows = renamed["rows"].as_object_mut().unwrap();
    let tagged = rows.remove("tagged").unwrap();
    rows.insert("tagged_rows".into(), tagged);
    assert!(!schema.is_valid(&renamed), "a renamed field must fail");
    let mut extra = good.clone();
    extra["reasons"][0]
        .as_object_mut()
        .unwrap()
        .insert("surprise".into(), Value::Bool(true));
    assert!(!schema.is_valid(&extra), "an undocumented field must fail");
    let mut version = good;
    version["schema_version"] = 2.into();
    assert!(!schema.is_valid(&version));
}

#[test]
fn check_json_matches_its_schema() {
    let schema = schema("check.v1.json");
    for (file, code) in [
        ("fixtures/check/pass.csv", 0),
        ("fixtures/check/fail.csv", 1),
        ("fixtures/check/dropped_text.csv", 1),
    ] {
        let args = [
            "check",
            file,
            "--config",
            "fixtures/check/churn.toml",
            "--format",
            "json",
        ];
        valid(
            &schema,
            &serde_json::from_str(&stdout_with(&args, code)).unwrap(),
        );
    }
}

#[test]
fn closed_pipes_end_quietly_for_every_data_command() {
    closed_pipe(&["analyze", DEMO, "--format", "csv"]);
    closed_pipe(&["analyze", DEMO, "--format", "markdown"]);
    closed_pipe(&["tag", DEMO]);
    closed_pipe(&["tag", DEMO, "--format", "jsonl"]);
    closed_pipe(&["check", "fixtures/check/pass.csv", "--min-responses", "1"]);
}

#[test]
fn a_real_head_reads_one_line() {
    // `churn tag DEMO | head -1`, through a shell.
    let bin = assert_cmd::cargo::cargo_bin("churn");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("'{}' tag {DEMO} | head -1", bin.display()))
        .current_dir(root())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.starts_with("response_id,"), "{text}");
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn completions_are_generated_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let out = String::from_utf8(stdout_of(&["completions", shell])).unwrap();
        for word in ["analyze", "check", "tag", "max-unclassified", "format"] {
            assert!(out.contains(word), "{shell} lacks {word}");
        }
    }
    // The bash script is valid bash.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("churn.bash");
    std::fs::write(&path, stdout_of(&["completions", "bash"])).unwrap();
    let status = Command::new("bash").arg("-n").arg(&path).status().unwrap();
    assert!(status.success());
}

#[test]
fn man_page_is_roff_with_every_command() {
    let out = String::from_utf8(stdout_of(&["man"])).unwrap();
    assert!(
        out.starts_with(".ie \\n(.g .ds Aq \\(aq") || out.contains(".TH churn"),
        "{out}"
    );
    assert!(out.contains(".TH churn 1"));
    for word in ["analyze", "check", "tag", "completions", "Exit codes"] {
        assert!(out.contains(word), "man page lacks {word}");
    }
}

/// The progress bar: on stderr when it is a terminal (here a pseudo-terminal from `script`),
/// once the work has run the delay (`CHURN_PROGRESS_AFTER_MS`, 1 s by default); never in a
/// pipe, never with `--quiet`, never for work shorter than the delay.
#[test]
fn progress_bar_only_on_a_terminal() {
    const BAR: &str = "reading and tagging";
    let file = "fixtures/demo/surveys.csv";
    // A pipe: nothing, even with no delay.
    let out = crate::churn()
        .env("CHURN_PROGRESS_AFTER_MS", "0")
        .env("CHURN_BLOCK_BYTES", "300")
        .args(["analyze", file])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains(BAR) && !err.contains('\u{1b}'), "{err}");

    // A terminal, through `script` (util-linux; `.ci/run` installs it where it is missing).
    std::process::Command::new("script")
        .arg("--version")
        .output()
        .expect("`script` (util-linux) runs this test's terminal half: install bsdutils");
    let churn = assert_cmd::cargo::cargo_bin("churn");
    let on_terminal = |delay: &str, quiet: bool| {
        let command = format!(
            "{} {} analyze {file} > /dev/null",
            churn.display(),
            if quiet { "-q" } else { "" }
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(crate::root())
            .env("CHURN_PROGRESS_AFTER_MS", delay)
            .env("CHURN_BLOCK_BYTES", "300")
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert!(on_terminal("0", false).contains(BAR));
    assert!(!on_terminal("0", true).contains(BAR), "--quiet");
    assert!(
        !on_terminal("60000", false).contains(BAR),
        "work shorter than the delay"
    );
}

/// `tag --format parquet` writes the CSV's rows and columns, typed (a missing reason is a
/// null, the confidence a number), streamed block by block, and the same bytes each time.
#[test]
fn tag_parquet_holds_the_rows_of_the_csv() {
    use polars::prelude::{ParquetReader, SerReader};
    let dir = tempfile::tempdir().unwrap();
    // Rows rejected before the first row read are held back, then written in their place.
    let rejected_first = dir.path().join("rejected_first.csv");
    let mut text = String::from("id,answer\n1,2,3\n4,5,6\n");
    for i in 0..200 {
        text.push_str(&format!("r{i},too expensive for us {i}\n"));
        if i % 50 == 7 {
            text.push_str("bad,row,here\n");
        }
    }
    std::fs::write(&rejected_first, text).unwrap();
    let rejected_first = rejected_first.to_str().unwrap();
    let cases: [(&str, &str, &[&str]); 3] = [
        (DEMO, "1048576", &[]),
        (DEMO, "2000", &[]),
        (rejected_first, "64", &["--skip-bad-rows"]),
    ];
    for (file, block, flags) in cases {
        let out = dir.path().join("tagged.parquet");
        let run = |out: &std::path::Path| {
            churn()
                .env("CHURN_BLOCK_BYTES", block)
                .args(["tag", file, "--format", "parquet", "-o"])
                .arg(out)
                .args(flags)
                .assert()
                .success();
            std::fs::read(out).unwrap()
        };
        let bytes = run(&out);
        assert_eq!(run(&dir.path().join("again.parquet")), bytes);
        let frame = ParquetReader::new(std::io::Cursor::new(bytes))
            .finish()
            .unwrap();
        let mut csv_args = vec!["tag", file];
        csv_args.extend(flags);
        let rows = csv_records(&stdout_of(&csv_args));
        assert!(rows.len() > 2, "{file}");
        let names: Vec<&str> = frame
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(names, rows[0]);
        assert_eq!(frame.height(), rows.len() - 1);
        for (c, name) in rows[0].iter().enumerate() {
            let column = frame.column(name).unwrap();
            for (r, row) in rows[1..].iter().enumerate() {
                let cell = match column.get(r).unwrap() {
                    polars::prelude::AnyValue::Null => String::new(),
                    polars::prelude::AnyValue::String(s) => s.to_string(),
                    polars::prelude::AnyValue::Float32(x) => format!("{x:.3}"),
                    other => panic!("{name}: {other:?}"),
                };
                // The CSV guards cells against formulas; Parquet holds them as they are.
                assert_eq!(cell, row[c].trim_start_matches('\''), "{name}, row {r}");
            }
        }
    }
}

/// Every row rejected: nothing is written, not even the start of a Parquet file.
#[test]
fn tag_parquet_of_nothing_readable_writes_nothing() {
    let (_dir, path) = temp_file("bad.csv", "a,b\n1,2,3\n4,5,6\n");
    let out = churn()
        .args(["tag", &path, "--skip-bad-rows", "--format", "parquet"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("churn: error: "), "{err}");
    assert!(!err.starts_with("churn: error: :"), "{err}");
}

/// Parquet is binary: not written to a terminal (a pseudo-terminal from `script`), with a hint;
/// redirected, it is written.
#[test]
fn tag_parquet_is_not_written_to_a_terminal() {
    let churn = assert_cmd::cargo::cargo_bin("churn");
    let on_terminal = |redirect: &str| {
        let command = format!(
            "{} tag {SMALL} --format parquet {redirect}; echo \"exit $?\"",
            churn.display()
        );
        let out = std::process::Command::new("script")
            .args(["-qec", &command, "/dev/null"])
            .current_dir(crate::root())
            .output()
            .expect("`script` (util-linux): install bsdutils");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let shown = on_terminal("");
    assert!(
        shown.contains("Parquet is binary, not for a terminal"),
        "{shown}"
    );
    assert!(shown.contains("give -o FILE.parquet"), "{shown}");
    assert!(shown.contains("exit 2"), "{shown}");
    assert!(!shown.contains("PAR1"), "{shown}");
    let redirected = on_terminal("| head -c 4");
    assert!(redirected.contains("PAR1"), "{redirected}");
}

/// A loaded export is a frame with the file's own headers; tagged by the library's
/// `tag_frame` with the columns the load names, it holds `churn tag`'s tags.
#[test]
fn a_loaded_frame_tagged_by_the_library_matches_churn_tag() {
    use churn_attribution::input::{load, ColumnOptions, ReadOptions};
    use churn_attribution::tagging::tag_frame;
    let taxonomy = churn_attribution::config::builtin_taxonomy();
    let classifier = churn_attribution::classify::Classifier::new(&taxonomy).unwrap();
    for file in [
        "fixtures/layouts/qualtrics.csv",
        "fixtures/stripe/code_and_text.csv",
        "fixtures/demo/surveys.csv",
    ] {
        let path = root().join(file).to_string_lossy().into_owned();
        let options = ColumnOptions {
            keep_all: true,
            ..ColumnOptions::default()
        };
        let read = ReadOptions::default();
        let loaded = load(
            std::slice::from_ref(&path),
            &read,
            &options,
            &taxonomy,
            &classifier,
        )
        .unwrap();
        let headers: Vec<String> = (loaded.frame.get_column_names().iter())
            .map(|n| n.to_string())
            .collect();
        assert_eq!(
            headers[..loaded.headers.len()],
            loaded.headers[..],
            "{file}"
        );
        let tagged = tag_frame(&loaded.frame, &loaded.roles, &classifier, &taxonomy).unwrap();
        let column = |name: &str| -> Vec<String> {
            let c = tagged.column(name).unwrap().str().unwrap();
            c.iter().map(|v| v.unwrap_or("").to_string()).collect()
        };
        let cli = csv_records(&stdout_of(&["tag", &path, "--quiet"]));
        let at = |name: &str| cli[0].iter().position(|h| h == name).unwrap();
        for name in [
            "churn_reason",
            "churn_reasons",
            "churn_status",
            "churn_evidence",
            "churn_sub_reason",
        ] {
            let from_cli: Vec<String> = cli[1..].iter().map(|r| r[at(name)].clone()).collect();
            assert_eq!(column(name), from_cli, "{file}: {name}");
        }
        for (k, header) in loaded.headers.iter().enumerate() {
            let from_cli: Vec<String> = cli[1..].iter().map(|r| r[k].clone()).collect();
            assert_eq!(column(header), from_cli, "{file}: {header}");
        }
    }
}

/// Files read whole (Parquet, workbooks, survey layouts) are tagged and written a chunk at a
/// time: the same bytes for chunks of any size, in both formats.
#[test]
fn tag_of_a_file_read_whole_is_the_same_in_chunks_of_any_size() {
    let files = [
        "fixtures/inputs/base.parquet",
        "fixtures/inputs/typed.parquet",
        "fixtures/layouts/microsoft-forms.xlsx",
        "fixtures/layouts/qualtrics.csv",
        "fixtures/layouts/stripe-subscriptions.jsonl",
    ];
    for file in files {
        for format in ["csv", "jsonl"] {
            let run = |chunk: &str| {
                let out = churn()
                    .env("CHURN_CHUNK_ROWS", chunk)
                    .args(["tag", file, "--format", format])
                    .output()
                    .unwrap();
                assert!(out.status.success(), "{file}");
                (out.stdout, out.stderr)
            };
            let whole = run("1000000");
            assert!(whole.0.len() > 100, "{file}");
            for chunk in ["1", "3"] {
                assert_eq!(run(chunk), whole, "{file} {format}, chunks of {chunk}");
            }
        }
    }
}

#[test]
fn taxonomy_stats_json_matches_its_schema() {
    let schema = schema("taxonomy-stats.v1.json");
    for args in [
        &["taxonomy", "stats", DEMO][..],
        &[
            "taxonomy",
            "stats",
            "fixtures/corpus/real/real.csv",
            "--truth-col",
            "truth",
            "--where",
            "split=dev",
        ],
    ] {
        let v = json_of(args);
        let rows = &v["rows"];
        let parts = [
            "by_rules",
            "by_code",
            "by_model",
            "unclassified",
            "no_answer",
            "involuntary",
        ];
        let sum: u64 = parts.iter().map(|k| rows[k].as_u64().unwrap()).sum();
        assert_eq!(rows["read"].as_u64(), Some(sum), "{rows:#}");
        valid(&schema, &v);
    }
}

#[test]
fn discover_json_matches_its_schema() {
    let schema = schema("discover.v1.json");
    for args in [
        &["discover", DEMO][..],
        &["discover", DEMO, "--all", "--no-redact"],
        &[
            "discover",
            "fixtures/corpus/real/real.csv",
            "--reason-col",
            "answer",
        ],
    ] {
        valid(&schema, &json_of(args));
    }
}
