//! Numbers and limits: hostile values (weights that overflow, `nan` in the config, a baseline
//! of 1e300), rules judged on no evidence, inputs that are huge or built to be slow, and
//! messages that must say the right thing. Inputs are generated here or read from
//! `fixtures/hostile/` (listed in its README).

use std::fmt::Write as _;

use super::{churn, failure, temp_file};

/// Text that must not hold a non-finite number or a negative zero, in any output.
fn assert_clean_numbers(what: &str, text: &str) {
    let words = text.split(|c: char| !c.is_alphanumeric());
    for word in words {
        let w = word.to_lowercase();
        let bad = ["nan", "inf", "infinity"].contains(&w.as_str());
        assert!(!bad, "{what}: `{word}` in\n{text}");
    }
    assert!(
        negative_zero(text).is_none(),
        "{what}: `{}` in\n{text}",
        negative_zero(text).unwrap_or_default()
    );
}

/// The first negative zero in `text` ("-0", "-0.0", "-0.00%"), not counting the dash of a
/// range ("0.0-0.0"), which follows a digit.
fn negative_zero(text: &str) -> Option<String> {
    let b = text.as_bytes();
    (0..b.len()).find_map(|i| {
        if b[i] != b'-' || (i > 0 && b[i - 1].is_ascii_digit()) {
            return None;
        }
        let end = (i + 1..b.len())
            .find(|&j| !(b[j].is_ascii_digit() || b[j] == b'.'))
            .unwrap_or(b.len());
        let number = &text[i + 1..end];
        let zero = !number.is_empty()
            && number.starts_with('0')
            && number.bytes().all(|c| c == b'0' || c == b'.');
        zero.then(|| text[i..end].to_string())
    })
}

#[test]
fn the_negative_zero_finder_finds_only_negative_zeros() {
    assert_eq!(negative_zero("Δ -0.0 pp").as_deref(), Some("-0.0"));
    assert_eq!(
        negative_zero("\"delta_pp\": -0.0,").as_deref(),
        Some("-0.0")
    );
    assert_eq!(negative_zero("is -0% of").as_deref(), Some("-0"));
    assert_eq!(negative_zero("(0.0-0.0) -1.0 -0.05 2024-01"), None);
}

/// stdout and stderr of a run that exits with `code`.
fn run(args: &[&str], code: i32) -> (String, String) {
    let out = churn().args(args).assert().code(code).get_output().clone();
    (
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn weights_whose_sum_overflows_are_an_error_naming_the_lines() {
    let err = failure(&[
        "analyze",
        "fixtures/hostile/weights_overflow.csv",
        "--weight",
        "mrr",
    ]);
    assert!(err.contains("too large to add up"), "{err}");
    assert!(
        err.contains("3 rows hold huge weights (line 2: `1000")
            && err.contains("line 3: `")
            && err.contains("line 5: `"),
        "{err}"
    );
    // The ordinary weight is not blamed.
    assert!(!err.contains("line 4"), "{err}");
    assert_clean_numbers("stderr", &err);
}

#[test]
fn huge_and_subnormal_weights_that_add_up_give_finite_numbers() {
    let huge = format!("15{}", "0".repeat(307));
    let tiny = format!("0.{}1", "0".repeat(312));
    for (name, heavy, light) in [
        ("huge", huge.as_str(), "1"),
        ("tiny", tiny.as_str(), tiny.as_str()),
    ] {
        let text = format!(
            "id,reason,mrr\n1,too expensive,{heavy}\n2,rude staff,{light}\n3,moved away,{light}\n4,too expensive,{light}\n"
        );
        let (_dir, path) = temp_file("w.csv", &text);
        for format in ["table", "json", "csv", "markdown"] {
            let (out, err) = run(
                &["analyze", &path, "--weight", "mrr", "--format", format],
                0,
            );
            assert_clean_numbers(&format!("{name} {format}"), &out);
            assert_clean_numbers(&format!("{name} {format} stderr"), &err);
        }
        let (json, _) = run(
            &["analyze", &path, "--weight", "mrr", "--format", "json"],
            0,
        );
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        let n = v["weight"]["effective_n"].as_f64().expect("a number");
        let expected = if name == "huge" { 1.0 } else { 4.0 };
        assert!((n - expected).abs() < 0.01, "{name}: effective n {n}");
    }
}

#[test]
fn a_benchmark_share_of_nan_or_inf_is_an_error_with_line_and_column() {
    let (out, _) = run(
        &[
            "taxonomy",
            "validate",
            "fixtures/hostile/benchmark_nan.toml",
        ],
        1,
    );
    for needle in [
        "error: line 6, column 19: benchmark `nan_share`: the share of `died` is `NaN`, not a number",
        "error: line 10, column 19: benchmark `infinite_shares`: the share of `died` is `inf`, not a number",
        "error: line 10, column 32: benchmark `infinite_shares`: the share of `moved` is `-inf`, not a number",
        "invalid: 3 errors",
    ] {
        assert!(out.contains(needle), "{needle}\n{out}");
    }
    // The file is refused wherever it is used, not only by `validate`.
    let err = failure(&[
        "--config",
        "fixtures/hostile/benchmark_nan.toml",
        "analyze",
        "fixtures/demo/surveys.csv",
        "--benchmark",
        "nan_share",
    ]);
    assert!(err.contains("the share of `died` is `NaN`"), "{err}");
}

#[test]
fn check_limits_that_are_not_numbers_or_below_zero_are_errors() {
    let (out, _) = run(
        &[
            "taxonomy",
            "validate",
            "fixtures/hostile/check_limits_nan.toml",
        ],
        1,
    );
    for needle in [
        "line 5, column 20: [check] max_unclassified: `NaN` is not a number",
        "line 6, column 17: [check] max_no_answer: -0.5 is below 0",
        "line 7, column 22: [check] max_share: `inf` is not a number",
        "line 8, column 23: [check] min_share: `nan%` is not a number",
    ] {
        assert!(out.contains(needle), "{needle}\n{out}");
    }
    // No advice to write `NaN%`.
    assert!(!out.contains("NaN%") && !out.contains("-0.5%"), "{out}");
    let err = failure(&[
        "check",
        "fixtures/demo/surveys.csv",
        "--max-share",
        "died=nan%",
    ]);
    assert!(err.contains("`nan%` is not a number"), "{err}");
    let err = failure(&[
        "evaluate",
        "fixtures/corpus/labelled.csv",
        "--truth-col",
        "label",
        "--min-kappa",
        "nan",
    ]);
    assert!(err.contains("not a score from -1 to 1"), "{err}");
}

#[test]
fn a_baseline_count_of_1e300_is_an_error_naming_the_file_and_field() {
    let err = failure(&[
        "check",
        "fixtures/check/pass.csv",
        "--baseline",
        "fixtures/hostile/baseline_1e300.json",
    ]);
    assert!(
        err.contains(
            "baseline `fixtures/hostile/baseline_1e300.json`: reasons[0].count (`died`) is 1e300; \
             a count of rows must be from 0 to 10^15"
        ),
        "{err}"
    );
    assert_clean_numbers("stderr", &err);
    // Below 0 and a repeated id are refused too.
    let base = std::fs::read_to_string(super::root().join("fixtures/check/baseline.json")).unwrap();
    let mut v: serde_json::Value = serde_json::from_str(&base).unwrap();
    v["reasons"][2]["count"] = serde_json::json!(-3);
    let (_dir, path) = temp_file("negative.json", &v.to_string());
    let err = failure(&["check", "fixtures/check/pass.csv", "--baseline", &path]);
    assert!(
        err.contains("reasons[2].count (`friend_referral`) is -3"),
        "{err}"
    );
    v["reasons"][2]["count"] = serde_json::json!(3);
    v["reasons"][3]["id"] = serde_json::json!("died");
    let (_dir, path) = temp_file("twice.json", &v.to_string());
    let err = failure(&["check", "fixtures/check/pass.csv", "--baseline", &path]);
    assert!(err.contains("reasons[3].id `died` appears twice"), "{err}");
}

#[test]
fn an_endless_baseline_or_config_is_refused_at_a_size_cap() {
    let err = failure(&[
        "check",
        "fixtures/check/pass.csv",
        "--baseline",
        "/dev/zero",
    ]);
    assert!(
        err.contains("baseline `/dev/zero` is larger than 64 MiB"),
        "{err}"
    );
    let err = failure(&[
        "--config",
        "/dev/zero",
        "analyze",
        "fixtures/check/pass.csv",
    ]);
    assert!(
        err.contains("config `/dev/zero` is larger than 16 MiB"),
        "{err}"
    );
    let out = churn()
        .args(["taxonomy", "validate"])
        .env("CHURN_CONFIG", "/dev/zero")
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    let err = String::from_utf8(out).unwrap();
    assert!(
        err.contains("config `/dev/zero` is larger than 16 MiB"),
        "{err}"
    );
    let err = failure(&["taxonomy", "validate", "/dev/zero"]);
    assert!(
        err.contains("config `/dev/zero` is larger than 16 MiB"),
        "{err}"
    );
}

#[test]
fn share_rules_fail_when_nothing_was_tagged() {
    let (out, _) = run(
        &[
            "check",
            "fixtures/hostile/nothing_tagged.csv",
            "--max-share",
            "dissatisfaction=30%",
            "--min-share",
            "died=0%",
            "--above-benchmark",
            "indifference",
        ],
        1,
    );
    for rule in [
        "max-share dissatisfaction",
        "min-share died",
        "above-benchmark indifference",
    ] {
        assert!(
            out.contains(&format!(
                "FAIL {rule}: nothing was tagged (0 of 6 rows read: 1 unclassified, 5 no answer)"
            )),
            "{rule}\n{out}"
        );
    }
    assert!(out.contains("3 of 4 checks failed"), "{out}");
    let (json, _) = run(
        &[
            "check",
            "fixtures/hostile/nothing_tagged.csv",
            "--max-share",
            "dissatisfaction=30%",
            "--format",
            "json",
        ],
        1,
    );
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    let share = &v["checks"][1];
    assert_eq!(share["rule"], "max-share");
    assert_eq!(share["passed"], false);
    assert!(share["measured"].is_null(), "{share}");
    // A baseline cannot pass on an export with nothing tagged either.
    let (out, _) = run(
        &[
            "check",
            "fixtures/hostile/nothing_tagged.csv",
            "--baseline",
            "fixtures/check/baseline.json",
        ],
        1,
    );
    assert!(out.contains("this export has no tagged row"), "{out}");
}

#[test]
fn a_config_of_a_hundred_thousand_reasons_is_refused_at_the_limit() {
    // Every reason was looked up by scanning the ones before it: this file ran for minutes.
    let mut text = String::new();
    for i in 0..100_000 {
        writeln!(text, "[[reason]]\nid = \"r{i}\"\nphrases.en = [\"w{i}\"]\n").unwrap();
    }
    let (_dir, path) = temp_file("reasons.toml", &text);
    let (out, _) = run(&["taxonomy", "validate", &path], 1);
    // The 129th reason is on line 4 * 128 + 1, its id on the next line.
    assert!(
        out.contains("error: line 514, column 6: this file defines 100000 reasons; at most 128 are supported"),
        "{}",
        &out[..out.len().min(2000)]
    );
}

#[test]
fn a_config_of_a_hundred_thousand_phrases_loads_and_tags() {
    let mut text =
        String::from("extends = \"builtin\"\n\n[[reason]]\nid = \"price\"\nphrases.any = [\n");
    for i in 0..100_000 {
        writeln!(text, "  \"pricecode{i}\",").unwrap();
    }
    text.push_str("]\n");
    let (_dir, config) = temp_file("big.toml", &text);
    let (export_dir, export) =
        temp_file("e.csv", "id,reason\n1,it was pricecode77777\n2,too slow\n");
    let (out, _) = run(
        &["--config", &config, "analyze", &export, "--format", "json"],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let price = super::reason(&v, "price");
    assert_eq!(price["count"], 1);
    drop(export_dir);
}

/// A CSV with `header` and three rows of `too expensive` followed by `x` in every other column.
fn wide_csv(header: &[String]) -> String {
    let mut text = header.join(",");
    text.push('\n');
    for _ in 0..3 {
        text.push_str("too expensive");
        text.push_str(&",x".repeat(header.len() - 1));
        text.push('\n');
    }
    text
}

#[test]
fn four_thousand_repeated_headers_are_renamed_quickly_and_in_order() {
    // 20 s before: every `a (k)` was looked for in every name so far (cubic).
    let mut header = vec!["reason".to_string()];
    header.extend(std::iter::repeat_n("a".to_string(), 3999));
    header.push("plan".into());
    let (_dir, path) = temp_file("rep.csv", &wide_csv(&header));
    let (out, err) = run(
        &["analyze", &path, "--by", "a (3999)", "--format", "json"],
        0,
    );
    assert!(
        err.contains("blank or repeated column names renamed: `a` -> `a (2)`, `a` -> `a (3)`,")
            && err.contains("`a` -> `a (21)`, and 3978 more"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["segments"]["columns"], serde_json::json!(["a (3999)"]));
}

#[test]
fn a_hundred_thousand_columns_are_combined_quickly() {
    // 39 s before: the union of the columns and each file's map of them were quadratic.
    let header: Vec<String> = std::iter::once("reason".to_string())
        .chain((1..100_000).map(|i| format!("c{i}")))
        .collect();
    let (dir, path) = temp_file("wide.csv", &wide_csv(&header));
    let second = dir.path().join("wide2.csv");
    let mut other = header.clone();
    other[99_999] = "extra".into();
    std::fs::write(&second, wide_csv(&other)).unwrap();
    let second = second.to_str().unwrap();
    let (out, err) = run(
        &[
            "analyze", &path, second, "--by", "c99998", "--format", "json",
        ],
        0,
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["rows"]["tagged"], 6, "{err}");
    assert!(err.contains("has no `extra` (left blank)"), "{err}");
    assert!(err.contains("has no `c99999` (left blank)"), "{err}");
    // An error lists the first 40 columns, not 100,000.
    let err = failure(&["analyze", &path, "--reason-col", "nosuch"]);
    assert!(err.contains("`c39`, and 99960 more"), "{err}");
    assert!(err.len() < 2000, "{} bytes", err.len());
}

/// An export of `n` rows with a distinct `id`, a reason, a `plan` of two values and a `date`
/// one week after the row before.
fn export_of(n: usize) -> String {
    let reasons = [
        "too expensive",
        "support was rude",
        "we moved",
        "found a better tool",
    ];
    let mut text = String::from("id,reason,plan,date\n");
    let start = chrono::NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    for i in 0..n {
        let date = start + chrono::Duration::weeks(i as i64);
        let plan = if i % 3 == 0 { "pro" } else { "basic" };
        writeln!(text, "{i},{},{plan},{date}", reasons[i % 4]).unwrap();
    }
    text
}

#[test]
fn a_breakdown_by_a_column_of_ids_is_refused_past_ten_thousand_groups() {
    // `--by id` on a million rows took 2.6 GB: a group (shares, intervals, a row) per id.
    let (_dir, path) = temp_file("ids.csv", &export_of(10_001));
    let err = failure(&["analyze", &path, "--by", "id"]);
    assert!(
        err.contains("--by `id`: more than 10000 groups (distinct values)")
            && err.contains("help: break down by a column with fewer values"),
        "{err}"
    );
    let err = failure(&["analyze", &path, "--period", "week"]);
    assert!(
        err.contains("--period week: the dates of `date` span more than 10000 periods (1900-01-01 to 2091-08-27)")
            && err.contains("choose a longer period"),
        "{err}"
    );
    // The same export by plan, or by year, is fine.
    run(&["analyze", &path, "--by", "plan", "--period", "year"], 0);
}

#[test]
fn a_breakdown_with_groups_too_small_to_compare_is_a_warning() {
    let (_dir, path) = temp_file("ids.csv", &export_of(300));
    let (out, err) = run(&["analyze", &path, "--by", "id", "--format", "json"], 0);
    assert!(
        err.contains(
            "warning: --by `id`: 300 groups for 300 tagged rows: at most 15 of them can have the \
             20 tagged rows (--min-group) a group needs to be compared"
        ),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["segments"]["groups"].as_array().unwrap().len(), 300);
    // Groups that can all be big enough: no warning.
    let (_, err) = run(&["analyze", &path, "--by", "plan"], 0);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn counts_of_one_take_a_singular_noun() {
    // One bad date: the message said "1 values are not dates".
    let (_dir, path) = temp_file(
        "d.csv",
        "id,reason,date\n1,too expensive,2024-01-05\n2,we moved,yesterday\n",
    );
    let err = failure(&["analyze", &path, "--period", "month"]);
    assert!(
        err.contains("column `date`: 1 value is not a date (line 3: `yesterday`)"),
        "{err}"
    );
    // One bad weight among one tagged row.
    let (_dir, path) = temp_file("w.csv", "id,reason,mrr\n1,too expensive,x\n");
    let err = failure(&["analyze", &path, "--weight", "mrr"]);
    assert!(
        err.contains("1 of the 1 tagged row has a weight that is not a number of 0 or more")
            && err.contains("fix or remove that row"),
        "{err}"
    );
    // One row read, one of them unclassified.
    let (_dir, path) = temp_file("one.csv", "id,reason\n1,blorp blorp\n");
    let (out, _) = run(&["check", &path, "--max-unclassified", "0%"], 1);
    assert!(out.starts_with(&format!("{path}: 1 row (")), "{out}");
    assert!(
        out.contains("1 of 1 row is unclassified (100%), above the limit of 0%"),
        "{out}"
    );
    assert!(
        !out.contains("1 rows") && !out.contains("1 values"),
        "{out}"
    );
}

#[test]
fn a_change_that_rounds_to_zero_prints_without_a_sign() {
    // 6 of 43 is 13.95%, 0.05 pp below kennedy's 14%: the table printed `-0.0`.
    let (out, _) = run(&["analyze", "fixtures/hostile/delta_rounds_to_zero.csv"], 0);
    assert_clean_numbers("table", &out);
    assert!(out.contains("┆   0.0 ┆"), "{out}");
    // 1 of 3 before, 333 of 1000 after: the change printed `-0.0` and `+0.0`.
    let mut after = String::from("id,reason\n");
    for i in 0..1000 {
        let reason = if i < 333 {
            "too expensive"
        } else {
            "support was rude"
        };
        writeln!(after, "{i},{reason}").unwrap();
    }
    let (dir, before) = temp_file(
        "before.csv",
        "id,reason\n1,too expensive\n2,rude staff\n3,rude staff\n",
    );
    let after_path = dir.path().join("after.csv");
    std::fs::write(&after_path, after).unwrap();
    let after_path = after_path.to_str().unwrap();
    for format in ["table", "json"] {
        let (out, _) = run(&["compare", &before, after_path, "--format", format], 0);
        assert_clean_numbers(format, &out);
    }
    let (out, _) = run(&["compare", &before, after_path], 0);
    assert!(
        !out.contains("+0.0") && out.contains("┆         0.0 ┆"),
        "{out}"
    );
}

#[test]
fn an_encoding_error_says_leave_out_encoding_only_when_it_was_given() {
    let err = failure(&["analyze", "fixtures/hostile/utf8_bom_bad_byte.csv"]);
    assert!(!err.contains("leave out --encoding"), "{err}");
    assert!(
        err.contains("line 3, character 7: not valid UTF-8, though the file starts with the byte-order mark of UTF-8"),
        "{err}"
    );
    let err = failure(&[
        "analyze",
        "fixtures/hostile/utf8_bom_bad_byte.csv",
        "--encoding",
        "utf-8",
    ]);
    assert!(err.contains("leave out --encoding"), "{err}");
}
