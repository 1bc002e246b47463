//! Hostile input: exports written to hurt the machine or the people reading the output. Each
//! test reproduces one attack from the red team's list (fixtures/hostile/README.md) and fails on
//! the code before the fix.

use std::path::Path;
use std::process::Output;

use crate::churn;

/// Escape sequences and workflow commands, planted in every place an export or a config reaches.
const ESC_TITLE: &str = "\u{1b}]0;pwned\u{7}";
const ESC_CLEAR: &str = "\u{1b}[2J";
const OSC8: &str = "\u{1b}]8;;https://evil.example/\u{7}click\u{1b}]8;;\u{7}";

/// churn in `dir` under a 1 GiB address-space cap (`prlimit`): a run that would need more
/// aborts instead of passing.
fn capped(dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new("prlimit");
    cmd.args(["--as=1073741824", "--"])
        .arg(assert_cmd::cargo::cargo_bin("churn"))
        .current_dir(dir);
    cmd
}

/// Run churn in `dir` reading in blocks of `block` bytes (`"0"`: whole), whatever the exit code.
fn run_in_blocks(dir: &Path, block: &str, args: &[&str]) -> Output {
    churn()
        .current_dir(dir)
        .env("CHURN_BLOCK_BYTES", block)
        .args(args)
        .output()
        .unwrap()
}

/// Run churn in `dir` and return its output, whatever the exit code.
fn run_in(dir: &Path, args: &[&str]) -> Output {
    churn().current_dir(dir).args(args).output().unwrap()
}

/// No line of `text` holds a control character (other than a tab) or a bidirectional override,
/// and no line starts a GitHub workflow command unless it is one of ours.
fn assert_clean(what: &str, text: &[u8], ours: &[&str]) {
    let text = String::from_utf8_lossy(text);
    for line in text.lines() {
        let bad = line.chars().find(|&c| {
            (c.is_control() && c != '\t')
                || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        });
        assert!(
            bad.is_none(),
            "{what}: raw {bad:?} in line {line:?}\n{text}"
        );
        let trimmed = line.trim_start();
        if trimmed.starts_with("::") {
            assert!(
                ours.iter().any(|o| trimmed.starts_with(o)),
                "{what}: a line starts a workflow command: {line:?}\n{text}"
            );
        }
    }
}

/// A folder holding a poisoned export (in its name, header, codes, answers and segment values)
/// and a config whose labels and notes are poisoned too.
fn poisoned() -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let name = format!("s{ESC_TITLE}\n::error title=name::x.csv");
    let mut csv = format!(
        "id,\"reason\n::error title=x::y\",\"plan{ESC_CLEAR}\",cancellation_details.feedback,date\n"
    );
    let plans = [
        format!("pro{ESC_TITLE}"),
        "basic\n::warning::seg".to_string(),
    ];
    for i in 0..60 {
        let (answer, code) = match i % 4 {
            0 => ("too expensive".to_string(), "too_expensive".to_string()),
            1 => (
                format!("zzz{ESC_CLEAR}\n::stop-commands::abc"),
                OSC8.to_string(),
            ),
            2 => ("nobody answered my emails".to_string(), String::new()),
            _ => ("qqq\u{202E}txt.exe\r::error::cr".to_string(), String::new()),
        };
        let plan = &plans[i % 2];
        let day = 1 + i % 28;
        csv.push_str(&format!(
            "{i},\"{answer}\",\"{plan}\",\"{code}\",2024-0{}-{day:02}\n",
            1 + i % 3
        ));
    }
    std::fs::write(dir.path().join(&name), csv).unwrap();
    let config = format!(
        "extends = \"builtin\"\n\n[[reason]]\nid = \"indifference\"\nlabel = \"Ignored{ESC_CLEAR}\\n::error::label <script>alert(1)</script> `x\"\n\n\
         [[benchmark]]\nname = \"ours\"\nnote = \"note\\n::error::bench {ESC_TITLE}\"\n\
         shares = {{ died = 1, moved = 3, friend_referral = 5, better_product = 9, dissatisfaction = 14, indifference = 68 }}\n"
    );
    let config: String = config
        .chars()
        .map(|c| match c {
            c if c.is_control() && c != '\n' => format!("\\u{:04x}", c as u32),
            c => c.to_string(),
        })
        .collect();
    std::fs::write(dir.path().join("churn.toml"), config).unwrap();
    (dir, name)
}

#[test]
fn data_never_reaches_a_terminal_or_a_ci_log_raw() {
    let (dir, name) = poisoned();
    let dir = dir.path();
    let plan = format!("plan{ESC_CLEAR}");
    let ours = [
        "::error file=",
        "::error title=churn check::",
        "::notice title=churn check::",
    ];
    let runs: Vec<(i32, Vec<&str>)> = vec![
        (0, vec!["analyze", &name, "--show-unclassified", "5"]),
        (
            0,
            vec![
                "analyze",
                &name,
                "--benchmark",
                "ours",
                "--format",
                "markdown",
            ],
        ),
        (
            0,
            vec!["analyze", &name, "--by", &plan, "--show-unclassified", "5"],
        ),
        (0, vec!["analyze", &name, "--period", "month"]),
        (
            2,
            vec!["analyze", &name, "--reason-col", "nope\n::error::flag"],
        ),
        (2, vec!["analyze", "missing\u{1b}[2J\n::error::x.csv"]),
        (
            1,
            vec![
                "check",
                &name,
                "--max-unclassified",
                "0%",
                "--require-col",
                "gone\n::error::rc",
                "--max-unknown-codes",
                "0",
            ],
        ),
        (
            1,
            vec![
                "check",
                &name,
                "--max-unclassified",
                "0%",
                "--max-unknown-codes",
                "0",
                "--format",
                "github",
            ],
        ),
        (
            1,
            vec![
                "check",
                &name,
                "--max-share",
                "indifference=1%",
                "--benchmark",
                "ours",
                "--format",
                "github",
            ],
        ),
        (
            1,
            vec![
                "check",
                &name,
                "--require-col",
                "gone\n::error::rc",
                "--format",
                "github",
            ],
        ),
        (0, vec!["explain", "zzz\u{1b}[2J\n::error::explain"]),
        (0, vec!["compare", &name, &name]),
        (0, vec!["taxonomy", "show"]),
        (0, vec!["benchmarks"]),
    ];
    for (code, args) in runs {
        let out = run_in(dir, &args);
        let what = format!("{args:?}");
        assert_eq!(out.status.code(), Some(code), "{what}: {out:?}");
        assert_clean(&format!("{what} stdout"), &out.stdout, &ours);
        assert_clean(&format!("{what} stderr"), &out.stderr, &[]);
    }
}

#[test]
fn markdown_keeps_names_in_their_code_spans_and_labels_as_text() {
    let dir = tempfile::tempdir().unwrap();
    let name = "a`b <i>x<b>.csv";
    std::fs::write(
        dir.path().join(name),
        "id,reason\n1,too expensive\n2,nobody answered\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("churn.toml"),
        "extends = \"builtin\"\n[[reason]]\nid = \"indifference\"\nlabel = \"<img src=x onerror=alert(1)> | *x*\"\n",
    )
    .unwrap();
    let out = run_in(dir.path(), &["analyze", name, "--format", "markdown"]);
    assert!(out.status.success(), "{out:?}");
    let md = String::from_utf8(out.stdout).unwrap();
    // Raw HTML in a label is text; a backtick in a name stays inside its code span, where
    // HTML is not read.
    assert!(!md.contains("<img"), "{md}");
    assert!(
        md.contains("&lt;img src=x onerror=alert(1)&gt; \\| \\*x\\*"),
        "{md}"
    );
    assert!(md.contains("``a`b <i>x<b>.csv``"), "{md}");
}

#[test]
fn one_long_word_costs_little_memory() {
    // A single 65,536-letter word: the typo lookup used to build every deletion of it (4 GB).
    let word = "a".repeat(65_536);
    let (dir, path) = crate::temp_file(
        "long.csv",
        &format!("id,reason\n1,{word}\n2,too expensive\n"),
    );
    let out = capped(dir.path())
        .args(["analyze", &path, "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // One letter repeated is junk: no answer.
    assert_eq!(v["rows"]["no_answer"], 1);
    assert_eq!(v["rows"]["junk"], 1);
    assert_eq!(v["rows"]["tagged"], 1);
}

/// JSON and stderr of a successful `analyze --format json` run in `dir`.
fn analyze_in(dir: &Path, args: &[&str]) -> (serde_json::Value, String) {
    let out = run_in(dir, &[&["analyze"], args, &["--format", "json"]].concat());
    assert!(out.status.success(), "{args:?}: {out:?}");
    let v = serde_json::from_slice(&out.stdout).expect("valid JSON");
    (v, String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn files_whose_reason_columns_are_named_differently_are_read_whole() {
    // The demo twice, its free-text column renamed in the second copy: every answer counts.
    let demo = std::fs::read_to_string(crate::root().join("fixtures/demo/surveys.csv")).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.csv"), &demo).unwrap();
    let renamed = demo.replacen("Why did you cancel?", "Reason for leaving", 1);
    std::fs::write(dir.path().join("b.csv"), renamed).unwrap();
    let one = crate::json_of(&["analyze", "fixtures/demo/surveys.csv"]);
    for block in ["0", "64"] {
        let out = run_in_blocks(
            dir.path(),
            block,
            &["analyze", "a.csv", "b.csv", "--format", "json"],
        );
        assert!(out.status.success(), "{out:?}");
        let both: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        for key in ["read", "tagged", "unclassified", "no_answer"] {
            let twice = one["rows"][key].as_u64().unwrap() * 2;
            assert_eq!(both["rows"][key], twice, "{key} (block {block})");
        }
        for (a, b) in one["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .zip(both["reasons"].as_array().unwrap())
        {
            assert_eq!(
                b["count"].as_f64().unwrap(),
                a["count"].as_f64().unwrap() * 2.0
            );
        }
        assert_eq!(both["inputs"][0]["text_column"], "Why did you cancel?");
        assert_eq!(both["inputs"][1]["text_column"], "Reason for leaving");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("its answers are read from `"), "{err}");
    }
}

#[test]
fn one_file_named_twice_is_refused_not_counted_twice() {
    let (dir, _) = crate::temp_file("s.csv", "id,reason\n1,too expensive\n");
    let d = dir.path();
    std::os::unix::fs::symlink("s.csv", d.join("link.csv")).unwrap();
    for args in [
        vec!["analyze", "s.csv", "./s.csv"],
        vec!["analyze", "s.csv", "link.csv"],
        vec!["analyze", "*.csv", "s.csv"],
        vec!["check", "s.csv", "./s.csv"],
        vec!["tag", "s.csv", "./s.csv"],
    ] {
        let out = run_in(d, &args);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("the same file") || err.contains("given twice"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_stray_quote_does_not_swallow_the_rows_after_it() {
    let text = "id,reason\n1,\"too slow\n2,moved away\n3,bad support\n4,\"price\"\n5,ok\n";
    let (dir, _) = crate::temp_file("stray.csv", text);
    let d = dir.path();
    for block in ["0", "16"] {
        // Without --skip-bad-rows: an error naming the line, the field and where it closes.
        let out = run_in_blocks(d, block, &["analyze", "stray.csv"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("line 2: the `\"` that opens field 2 (`reason`) closes on line 5"),
            "{err}"
        );
        assert!(err.contains("--skip-bad-rows"), "{err}");
    }
    // With it: line 2 alone is rejected, and the four other customers are read.
    let (v, _) = analyze_in(d, &["stray.csv", "--skip-bad-rows"]);
    assert_eq!(v["rows"]["read"], 5);
    assert_eq!(v["rows"]["rejected"], 1);
    assert_eq!(v["rejected_rows"][0]["line"], 2);
    assert_eq!(v["rejected_rows"][0]["cause"], "stray_quote");
    let tag = crate::stdout_of(&[
        "tag",
        &format!("{}/stray.csv", d.display()),
        "--skip-bad-rows",
    ]);
    let tag = String::from_utf8(tag).unwrap();
    assert_eq!(tag.lines().count(), 6, "{tag}");
    // A quoted answer over several lines, closed as writers close it, is one answer as always.
    std::fs::write(
        d.join("fine.csv"),
        "id,reason\n1,\"too slow\nand pricey\" \n2,moved\n",
    )
    .unwrap();
    let (v, _) = analyze_in(d, &["fine.csv"]);
    assert_eq!(v["rows"]["read"], 2);
    assert_eq!(v["rows"]["tagged"], 2);
}

#[test]
fn lines_ended_by_a_lone_carriage_return_are_counted() {
    // Excel for Mac's "CSV (Macintosh)": every line used to be reported as line 1.
    let (dir, _) = crate::temp_file("mac.csv", "id,reason\r1,too expensive\r2,a,b\r3,moved\r");
    let out = run_in(dir.path(), &["analyze", "mac.csv"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("line 3: expected 2 fields"), "{err}");
    let (v, _) = analyze_in(dir.path(), &["mac.csv", "--skip-bad-rows"]);
    assert_eq!(v["rejected_rows"][0]["line"], 3);
    assert_eq!(v["rows"]["tagged"], 2);
}

#[test]
fn pzstd_output_with_a_skippable_frame_is_read() {
    // pzstd starts its output with a skippable frame (magic 0x184D2A50) holding frame sizes.
    let csv = b"id,reason\n1,too expensive\n2,moved abroad\n";
    let mut bytes = vec![0x50, 0x2a, 0x4d, 0x18, 4, 0, 0, 0, 0, 0, 0, 0];
    bytes.extend(zstd::stream::encode_all(&csv[..], 3).unwrap());
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("p.csv.zst"), &bytes).unwrap();
    for block in ["0", "1024"] {
        let out = run_in_blocks(
            dir.path(),
            block,
            &["analyze", "p.csv.zst", "--format", "json"],
        );
        assert!(out.status.success(), "{out:?}");
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["rows"]["tagged"], 2);
        assert_eq!(v["inputs"][0]["compression"], "zstd");
    }
}

#[test]
fn endless_or_huge_input_stops_with_a_message() {
    // /dev/zero and a gzip of zeros: binary from their first bytes, refused at once.
    let out = churn().args(["analyze", "/dev/zero"]).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("binary data"), "{err}");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    std::io::Write::write_all(&mut gz, &vec![0u8; 50 << 20]).unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("zeros.csv.gz"), gz.finish().unwrap()).unwrap();
    let out = run_in(dir.path(), &["analyze", "zeros.csv.gz"]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("binary data"), "{err}");
    // Text past the limit of what is read whole (lowered here): standard input, or a file the
    // streamed reader cannot take.
    let big = "id,reason\n".to_string() + &"1,too expensive\n".repeat(10_000);
    let out = churn()
        .env("CHURN_WHOLE_LIMIT", "65536")
        .args(["analyze", "-"])
        .write_stdin(big.clone())
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("holds more than 64 KiB"), "{err}");
    // The same as a file is streamed, whatever its size.
    std::fs::write(dir.path().join("big.csv"), &big).unwrap();
    let out = churn()
        .current_dir(dir.path())
        .env("CHURN_WHOLE_LIMIT", "65536")
        .args(["analyze", "big.csv", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
}

#[test]
fn a_large_file_read_whole_says_so_and_why() {
    // One byte that is not UTF-8, at the end: the file cannot be streamed.
    let mut bytes = b"id,reason\n".to_vec();
    for i in 0..20_000 {
        bytes.extend(format!("{i},too expensive\n").as_bytes());
    }
    bytes.extend(b"20000,d\xe9m\xe9nag\xe9\n");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("big.csv"), &bytes).unwrap();
    let out = churn()
        .current_dir(dir.path())
        .env("CHURN_BLOCK_BYTES", "4096")
        .env("CHURN_LARGE_BYTES", "10000")
        .args(["analyze", "big.csv"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("is read whole rather than streamed, because it is not all UTF-8"),
        "{err}"
    );
}

#[test]
fn many_small_files_cost_little_memory_each() {
    // Each file streamed used to hold a 256 KiB read buffer and a 256 KiB head until the end:
    // 2,000 small files took 1 GB.
    let dir = tempfile::tempdir().unwrap();
    let body: String = (0..20).map(|i| format!("{i},too expensive\n")).collect();
    for k in 0..2000 {
        std::fs::write(
            dir.path().join(format!("f{k:04}.csv")),
            format!("id,reason\n{body}"),
        )
        .unwrap();
    }
    let out = capped(dir.path())
        .args(["analyze", "*.csv", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["rows"]["tagged"], 40_000);
}

#[test]
fn a_gzip_of_one_endless_line_stops_within_its_limit() {
    // One 300 MB line, gzipped to a few hundred KB: the streamed reader gives up at 64 MiB,
    // the whole-file reader at its limit (lowered here to 128 MiB), under a 1 GiB memory cap.
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, b"id,reason\n1,").unwrap();
    let chunk = vec![b'a'; 1 << 20];
    for _ in 0..300 {
        std::io::Write::write_all(&mut gz, &chunk).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("line.csv.gz"), gz.finish().unwrap()).unwrap();
    let out = capped(dir.path())
        .env("CHURN_WHOLE_LIMIT", (128u64 << 20).to_string())
        .args(["analyze", "line.csv.gz"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("holds more than 128 MiB (decompressed)"),
        "{err}"
    );
}

#[test]
fn a_sheet_name_from_the_workbook_is_shown_not_run() {
    // An .ods whose sheet is named with a line break, a workflow command and an escape.
    let content = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><office:document-content \
         xmlns:office=\"urn:oasis:names:tc:opendocument:xmlns:office:1.0\" \
         xmlns:table=\"urn:oasis:names:tc:opendocument:xmlns:table:1.0\" \
         xmlns:text=\"urn:oasis:names:tc:opendocument:xmlns:text:1.0\"><office:body>\
         <office:spreadsheet><table:table table:name=\"S&#10;::error::sheet&#27;]0;x&#7;\">\
         <table:table-row><table:table-cell office:value-type=\"string\"><text:p>reason</text:p>\
         </table:table-cell></table:table-row><table:table-row><table:table-cell \
         office:value-type=\"string\"><text:p>too expensive</text:p></table:table-cell>\
         </table:table-row></table:table></office:spreadsheet></office:body>\
         </office:document-content>";
    let dir = tempfile::tempdir().unwrap();
    let stored =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    let mut z = zip::ZipWriter::new(std::fs::File::create(dir.path().join("s.ods")).unwrap());
    z.start_file("mimetype", stored).unwrap();
    std::io::Write::write_all(&mut z, b"application/vnd.oasis.opendocument.spreadsheet").unwrap();
    z.start_file("content.xml", stored).unwrap();
    std::io::Write::write_all(&mut z, content.as_bytes()).unwrap();
    z.finish().unwrap();
    for args in [
        vec!["analyze", "s.ods"],
        vec!["analyze", "s.ods", "--sheet", "nope"],
        vec![
            "check",
            "s.ods",
            "--format",
            "github",
            "--max-unclassified",
            "0%",
        ],
    ] {
        let out = run_in(dir.path(), &args);
        assert!(out.status.code().is_some_and(|c| c <= 2), "{out:?}");
        assert_clean(
            &format!("{args:?} stdout"),
            &out.stdout,
            &[
                "::error file=",
                "::notice title=",
                "::error title=churn check::",
            ],
        );
        assert_clean(&format!("{args:?} stderr"), &out.stderr, &[]);
    }
    let out = run_in(dir.path(), &["analyze", "s.ods"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("sheet `S\\n::error::sheet"),
        "{out:?}"
    );
}

#[test]
fn an_unclosed_quote_among_the_first_rows_names_the_file_when_streamed() {
    // Found by the `stream` fuzz target: the streamed reader's first look at the rows gave the
    // error without the file's name, the whole-file reader with it.
    let text = "id,plan,reason\r\nr01,Team,no answer\r\nr02,Team,\"Rude staff\r\nr11,Team,pricey\n";
    let (dir, _) = crate::temp_file("q.csv", text);
    for block in ["0", "91"] {
        let out = run_in_blocks(dir.path(), block, &["analyze", "q.csv"]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("failed to load `q.csv`: line 3: a `\"` opened"),
            "block {block}: {err}"
        );
    }
}
