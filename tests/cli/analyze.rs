//! `churn analyze`: the table, the JSON, row accounting, determinism.

use crate::{churn, failure, golden, json_of, reason, stdout_of, temp_file};

const SMALL: &str = "fixtures/small/surveys.csv";
const DEMO: &str = "fixtures/demo/surveys.csv";
const STRIPE: &str = "fixtures/stripe/cancellations.csv";

fn close(actual: &serde_json::Value, expected: f64) {
    let a = actual
        .as_f64()
        .unwrap_or_else(|| panic!("not a number: {actual}"));
    assert!((a - expected).abs() < 1e-6, "{a} != {expected}");
}

#[test]
fn small_fixture_json_matches_the_hand_count() {
    // Counted by hand in fixtures/small/README.md.
    let v = json_of(&["analyze", SMALL]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["tool"]["name"], "churn");
    assert_eq!(v["inputs"][0]["path"], SMALL);
    assert_eq!(v["inputs"][0]["rows"], 12);
    assert_eq!(v["inputs"][0]["text_column"], "Churn Reason");
    assert_eq!(
        v["rows"],
        serde_json::json!({"read": 12, "tagged": 9, "unclassified": 0, "no_answer": 3, "junk": 1, "involuntary": 0, "rejected": 0, "filtered_out": 0,
            "filtered_out_by": {"where": 0, "preview": 0, "test": 0, "spam": 0, "unfinished": 0,
                "saved": 0, "paused": 0, "aborted": 0},
            "multi_reason": 0, "refined_by_text": 0, "code_text_conflicts": 0, "overridden": 0,
            "low_confidence": 1})
    );
    assert_eq!(v["benchmark"]["name"], "kennedy");
    assert!(v["benchmark"]["note"]
        .as_str()
        .unwrap()
        .contains("Folklore"));

    let reasons = v["reasons"].as_array().unwrap();
    let ids: Vec<&str> = reasons.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        [
            "died",
            "moved",
            "friend_referral",
            "better_product",
            "dissatisfaction",
            "indifference"
        ]
    );
    let expect = [
        // (count, share, benchmark, delta_pp)
        (1, 1.0 / 9.0, 0.01, (1.0 / 9.0 - 0.01) * 100.0),
        (1, 1.0 / 9.0, 0.03, (1.0 / 9.0 - 0.03) * 100.0),
        (0, 0.0, 0.05, -5.0),
        (1, 1.0 / 9.0, 0.09, (1.0 / 9.0 - 0.09) * 100.0),
        (3, 3.0 / 9.0, 0.14, 19.333333),
        (3, 3.0 / 9.0, 0.68, -34.666667),
    ];
    for (r, (count, share, bench, delta)) in reasons.iter().zip(expect) {
        assert_eq!(r["count"], count, "{}", r["id"]);
        close(&r["share"], share);
        close(&r["benchmark_share"], bench);
        assert!(
            (r["delta_pp"].as_f64().unwrap() - delta).abs() < 1e-4,
            "{}",
            r["id"]
        );
    }
}

#[test]
fn small_fixture_table_shows_summary_headline_and_rows() {
    let out = String::from_utf8(stdout_of(&["analyze", SMALL])).unwrap();
    assert!(
        out.contains("Read 12 rows: 9 tagged, 0 unclassified, 3 no answer (1 junk), 0 rejected"),
        "{out}"
    );
    assert!(out.contains("reason column: text `Churn Reason`"), "{out}");
    assert!(
        out.contains("Indifference: 33.3% (8.6-72.6) of tagged churn, against the famous 68% (34.7 pp below: within what chance explains)"),
        "{out}"
    );
    assert!(
        out.contains(
            "Dissatisfaction: 33.3% (8.6-72.6) of tagged churn, against the famous 14% (19.3 pp above: within what chance explains)"
        ),
        "{out}"
    );
    let row = out
        .lines()
        .find(|l| l.contains(" indifference "))
        .expect("indifference row");
    for cell in ["3", "33.3% (8.6-72.6)", "68.0%", "-34.7", "="] {
        assert!(row.contains(cell), "{row}");
    }
    assert!(
        out.contains("(unclassified)") && out.contains("(no answer)"),
        "{out}"
    );
    assert!(out.contains("Folklore"), "{out}");
    // Not a terminal: no color.
    assert!(!out.contains('\x1b'), "{out}");
}

#[test]
fn small_fixture_outputs_match_golden_files() {
    // The rules alone: these files predate the model (its outputs: tests/cli/model.rs).
    golden(
        "small/expected.json",
        &stdout_of(&["analyze", SMALL, "--format", "json", "--no-model"]),
    );
    golden(
        "small/expected.txt",
        &stdout_of(&["analyze", SMALL, "--no-model"]),
    );
}

#[test]
fn every_row_is_accounted_for() {
    for file in [SMALL, DEMO, STRIPE] {
        let v = json_of(&["analyze", file]);
        let rows = &v["rows"];
        let n = |k: &str| rows[k].as_u64().unwrap();
        assert_eq!(
            n("read"),
            n("tagged") + n("unclassified") + n("no_answer") + n("rejected"),
            "{file}"
        );
        let counted: u64 = v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["count"].as_u64().unwrap())
            .sum();
        assert_eq!(counted, n("tagged"), "{file}");
        assert_eq!(
            n("read"),
            v["inputs"][0]["rows"].as_u64().unwrap(),
            "{file}"
        );
        let shares: f64 = v["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["share"].as_f64().unwrap())
            .sum();
        assert!(
            (shares - 1.0).abs() < 1e-5,
            "{file}: shares sum to {shares}"
        );
    }
}

#[test]
fn demo_reads_every_line_of_the_file() {
    let lines = std::fs::read_to_string(crate::root().join(DEMO))
        .unwrap()
        .lines()
        .count();
    let v = json_of(&["analyze", DEMO]);
    assert_eq!(v["rows"]["read"].as_u64().unwrap() as usize, lines - 1);
    assert_eq!(
        v["inputs"][0]["code_column"],
        "cancellation_details.feedback"
    );
    assert_eq!(v["inputs"][0]["text_column"], "Why did you cancel?");
}

#[test]
fn same_input_same_bytes() {
    for format in ["table", "json"] {
        let a = stdout_of(&["analyze", DEMO, "--format", format]);
        let b = stdout_of(&["analyze", DEMO, "--format", format]);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{format} output differs between runs");
    }
}

#[test]
fn stripe_codes_map_and_other_defers_to_the_text() {
    let v = json_of(&["analyze", STRIPE]);
    assert_eq!(
        v["inputs"][0]["code_columns"],
        serde_json::json!([
            "cancellation_details.reason",
            "cancellation_details.feedback"
        ])
    );
    assert_eq!(
        v["inputs"][0]["text_column"],
        "cancellation_details.comment"
    );
    assert_eq!(
        v["rows"],
        serde_json::json!({"read": 10, "tagged": 7, "unclassified": 2, "no_answer": 1, "junk": 0, "involuntary": 0, "rejected": 0, "filtered_out": 0,
            "filtered_out_by": {"where": 0, "preview": 0, "test": 0, "spam": 0, "unfinished": 0,
                "saved": 0, "paused": 0, "aborted": 0},
            "multi_reason": 0, "refined_by_text": 0, "code_text_conflicts": 0, "overridden": 0,
            "low_confidence": 0})
    );
    let count = |id: &str| {
        let r = reason(&v, id);
        (
            r["count"].as_u64().unwrap(),
            r["from_code"].as_u64().unwrap(),
        )
    };
    // too_expensive, Low_Quality (codes) + "Too expensive for us" (text after an unknown code).
    assert_eq!(count("dissatisfaction"), (3, 2));
    assert_eq!(count("indifference"), (1, 1));
    assert_eq!(count("better_product"), (1, 1));
    assert_eq!(count("moved"), (1, 1));
    // "other" + "My company went out of business".
    assert_eq!(count("died"), (1, 0));
    assert_eq!(
        v["unknown_codes"],
        serde_json::json!([{"value": "too_pricey", "count": 2}])
    );
}

#[test]
fn reason_and_code_columns_can_be_named() {
    let v = json_of(&[
        "analyze",
        STRIPE,
        "--code-col",
        "cancellation_details.feedback",
        "--reason-col",
        "CANCELLATION DETAILS COMMENT",
    ]);
    assert_eq!(
        v["inputs"][0]["text_column"],
        "cancellation_details.comment"
    );
    let v = json_of(&[
        "analyze",
        "fixtures/bad/no_reason_column.csv",
        "--reason-col",
        "reasn",
    ]);
    assert_eq!(v["rows"]["read"], 2);
    assert_eq!(v["rows"]["tagged"], 2);
}

#[test]
fn color_only_when_asked_or_on_a_terminal() {
    let plain = stdout_of(&["analyze", SMALL]);
    assert!(!plain.contains(&0x1b));
    let colored = stdout_of(&["analyze", SMALL, "--color", "always"]);
    assert!(colored.contains(&0x1b));
    let out = churn()
        .args(["analyze", SMALL, "--color", "never"])
        .env("NO_COLOR", "1")
        .assert()
        .success();
    assert!(!out.get_output().stdout.contains(&0x1b));
}

#[test]
fn help_explains_the_reasons() {
    let help = crate::stdout_with(&["analyze", "--help"], 0);
    for needle in [
        "friend_referral",
        "treated like a number",
        "bankrupt",
        "Exit codes",
    ] {
        assert!(help.contains(needle), "{needle}\n{help}");
    }
}

#[test]
fn utf8_byte_order_mark_is_not_part_of_the_first_header() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bom.csv");
    std::fs::write(&path, b"\xef\xbb\xbfreason,id\ntoo expensive,1\n").unwrap();
    let out = churn()
        .arg("analyze")
        .arg(&path)
        .args(["--format", "json"])
        .assert()
        .success();
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["inputs"][0]["text_column"], "reason");
    assert_eq!(v["rows"]["tagged"], 1);
}

#[test]
fn closed_output_pipe_ends_quietly_with_success() {
    // Closed before churn has loaded the file and written anything.
    crate::closed_pipe(&["analyze", DEMO]);
}

/// Run `churn analyze SMALL` on a pseudo-terminal (util-linux `script`), with extra environment.
fn on_terminal(env: &[(&str, &str)]) -> String {
    let bin = assert_cmd::cargo::cargo_bin("churn");
    let line = format!("'{}' analyze {SMALL}", bin.display());
    let out = std::process::Command::new("script")
        .args(["-qec", &line, "/dev/null"])
        .current_dir(crate::root())
        .env_remove("NO_COLOR")
        .env("TERM", "xterm-256color")
        .envs(env.iter().copied())
        .output()
        .expect("`script` (util-linux) runs the binary on a pseudo-terminal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn terminal_gets_color_unless_no_color_or_dumb() {
    let tty = on_terminal(&[]);
    assert!(tty.contains("\x1b["), "no color on a terminal:\n{tty}");
    assert!(tty.contains("indifference"), "{tty}");
    assert!(!on_terminal(&[("NO_COLOR", "1")]).contains("\x1b["));
    assert!(!on_terminal(&[("TERM", "dumb")]).contains("\x1b["));
}

#[test]
fn readme_shows_the_real_output_of_the_quick_start() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
    let marker = "This is its real output:\n\n```text\n";
    let start = readme.find(marker).expect("demo block") + marker.len();
    let end = start + readme[start..].find("\n```").unwrap();
    let actual = String::from_utf8(stdout_of(&["analyze", DEMO])).unwrap();
    assert_eq!(
        &readme[start..end],
        actual.trim_end(),
        "README quick-start output is stale"
    );
}

#[test]
fn readme_shows_the_real_json_of_a_reason() {
    let readme = std::fs::read_to_string(crate::root().join("README.md")).unwrap();
    let marker =
        "--format json | jq '.reasons[] | select(.id==\"indifference\") | del(.sub_reasons)'\n```\n\n```json\n";
    let start = readme.find(marker).expect("JSON example") + marker.len();
    let end = start + readme[start..].find("\n```").unwrap();
    let shown: serde_json::Value = serde_json::from_str(&readme[start..end]).unwrap();
    let report = json_of(&["analyze", DEMO]);
    let mut indifference = reason(&report, "indifference").clone();
    indifference.as_object_mut().unwrap().remove("sub_reasons");
    assert_eq!(&shown, &indifference, "README's JSON example is stale");
}

/// Each reason's sub-reasons in the JSON add up to its rows, and agree with `churn tag`'s
/// `churn_reason` and `churn_sub_reason` row for row: on the demo, and on real customers' long
/// answers, where the primary reason is the one stated most, not first (`tag` once wrote the
/// first stated as `churn_reason`, and disagreed with `analyze` on 120 of the 3,194 answers).
#[test]
fn sub_reasons_add_up_and_agree_with_tag() {
    let real: &[&str] = &["fixtures/corpus/real/real.csv", "--reason-col", "answer"];
    for input in [&[DEMO][..], real] {
        reasons_agree_with_tag(input);
    }
}

fn reasons_agree_with_tag(input: &[&str]) {
    let report = json_of(&[&["analyze"], input].concat());
    let tagged = report["rows"]["tagged"].as_f64().unwrap();
    let out = stdout_of(&[&["tag"], input, &["--quiet"]].concat());
    let mut rows = csv::Reader::from_reader(out.as_slice());
    let headers = rows.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (reason_at, sub_at) = (at("churn_reason"), at("churn_sub_reason"));
    let mut from_tag: std::collections::BTreeMap<(String, String), u64> = Default::default();
    for row in rows.records() {
        let row = row.unwrap();
        if !row[reason_at].is_empty() {
            *from_tag
                .entry((row[reason_at].to_string(), row[sub_at].to_string()))
                .or_default() += 1;
        }
    }
    for r in report["reasons"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let subs = r["sub_reasons"].as_array().unwrap();
        assert!(!subs.is_empty(), "{id}");
        let total: u64 = subs.iter().map(|s| s["count"].as_u64().unwrap()).sum();
        assert_eq!(total as f64, r["count"].as_f64().unwrap(), "{id}");
        for s in subs {
            let count = s["count"].as_u64().unwrap();
            let sub = s["id"].as_str().unwrap_or("");
            let key = (id.to_string(), sub.to_string());
            assert_eq!(count, from_tag.get(&key).copied().unwrap_or(0), "{key:?}");
            let of_tagged = s["share_of_tagged"].as_f64().unwrap();
            assert!((of_tagged - count as f64 / tagged).abs() < 1e-6, "{key:?}");
            if total > 0 {
                let ci = &s["ci"];
                let share = s["share"].as_f64().unwrap();
                assert!(ci["lower"].as_f64().unwrap() <= share, "{key:?}");
                assert!(share <= ci["upper"].as_f64().unwrap(), "{key:?}");
            }
        }
        assert!(subs.last().unwrap()["id"].is_null());
    }
}

/// The sub-reasons of every group (`--by`, `--period`) add up to the whole export's.
#[test]
fn sub_reasons_break_down_by_segment_and_period() {
    let report = json_of(&[
        "analyze",
        DEMO,
        "--by",
        "plan",
        "--period",
        "month",
        "--date-col",
        "cancelled_at",
    ]);
    for breakdown in ["segments", "periods"] {
        let groups = report[breakdown]["groups"].as_array().unwrap();
        assert!(groups.len() > 1, "{breakdown}");
        for (i, r) in report["reasons"].as_array().unwrap().iter().enumerate() {
            for (k, s) in r["sub_reasons"].as_array().unwrap().iter().enumerate() {
                let in_groups: u64 = groups
                    .iter()
                    .map(|g| {
                        let sub = &g["reasons"][i]["sub_reasons"][k];
                        assert_eq!(sub["id"], s["id"]);
                        let tagged = g["tagged"].as_f64().unwrap();
                        let count = sub["count"].as_u64().unwrap();
                        if tagged > 0.0 {
                            let of = sub["share_of_tagged"].as_f64().unwrap();
                            assert!((of - count as f64 / tagged).abs() < 1e-6);
                        }
                        count
                    })
                    .sum();
                assert_eq!(in_groups, s["count"].as_u64().unwrap(), "{breakdown} {s}");
            }
        }
    }
    // The table shows the most common sub-reasons per group under the reasons.
    let table = String::from_utf8(stdout_of(&["analyze", DEMO, "--by", "plan"])).unwrap();
    assert!(table.contains("Above: the most common sub-reasons (reason, then sub-reason)"));
    let price = table.lines().position(|l| l.contains("price"));
    assert!(price.is_some_and(|i| table
        .lines()
        .nth(i - 1)
        .unwrap()
        .contains("dissatisfaction")));
}

/// With `--weight`, a sub-reason has the weight of its rows, and its share is of the reason's
/// weight, with a bootstrap interval.
#[test]
fn sub_reasons_are_weighted() {
    let report = json_of(&["analyze", DEMO, "--weight", "mrr"]);
    let total = report["weight"]["total"].as_f64().unwrap();
    for r in report["reasons"].as_array().unwrap() {
        let subs = r["sub_reasons"].as_array().unwrap();
        let weight: f64 = subs.iter().map(|s| s["weight"].as_f64().unwrap()).sum();
        assert!((weight - r["weight"].as_f64().unwrap()).abs() < 1e-3, "{r}");
        for s in subs.iter().filter(|s| s["count"].as_u64().unwrap() > 0) {
            let w = s["weight"].as_f64().unwrap();
            assert!(
                (s["share"].as_f64().unwrap() - w / weight).abs() < 1e-5,
                "{s}"
            );
            assert!(
                (s["share_of_tagged"].as_f64().unwrap() - w / total).abs() < 1e-5,
                "{s}"
            );
            assert_eq!(s["ci"]["method"], "bootstrap");
        }
    }
}

/// CSV has a `sub_reason` row per sub-reason after its reason, with the JSON's numbers.
#[test]
fn csv_lists_sub_reasons_under_their_reason() {
    let report = json_of(&["analyze", DEMO]);
    let out = stdout_of(&["analyze", DEMO, "--format", "csv"]);
    let mut rows = csv::Reader::from_reader(out.as_slice());
    let headers = rows.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    let mut checked = 0;
    for (i, row) in rows
        .iter()
        .enumerate()
        .filter(|(_, r)| &r[0] == "sub_reason")
    {
        let parent = &row[at("parent")];
        let owner = rows[..i].iter().rev().find(|r| &r[0] == "reason").unwrap();
        assert_eq!(&owner[at("id")], parent);
        let sub = reason(&report, parent)["sub_reasons"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"].as_str().unwrap_or("") == &row[at("id")])
            .unwrap();
        assert_eq!(row[at("count")], sub["count"].to_string());
        for (column, key) in [("share", "share"), ("share_of_tagged", "share_of_tagged")] {
            let csv: f64 = row[at(column)].parse().unwrap();
            assert_eq!(csv, sub[key].as_f64().unwrap(), "{column} {sub}");
        }
        checked += 1;
    }
    let in_json: usize = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["sub_reasons"].as_array().unwrap().len())
        .sum();
    assert_eq!(checked, in_json);
}

/// `compare` lists each reason's sub-reasons as shares of all tagged rows, with their change.
#[test]
fn compare_shows_the_change_of_each_sub_reason() {
    let before = "fixtures/check/pass.csv";
    let report = json_of(&["compare", before, DEMO]);
    for (side, tagged) in [("before", 58.0), ("after", 261.0)] {
        assert_eq!(report[side]["rows"]["tagged"], tagged as u64);
        for r in report["reasons"].as_array().unwrap() {
            let subs = r["sub_reasons"].as_array().unwrap();
            let sum: f64 = subs
                .iter()
                .map(|s| s[side]["count"].as_f64().unwrap())
                .sum();
            assert_eq!(sum, r[side]["count"].as_f64().unwrap(), "{side} {r}");
            for s in subs {
                let count = s[side]["count"].as_f64().unwrap();
                assert!((s[side]["share"].as_f64().unwrap() - count / tagged).abs() < 1e-6);
            }
        }
    }
    let subs = reason(&report, "indifference")["sub_reasons"]
        .as_array()
        .unwrap();
    let no_response = subs.iter().find(|s| s["id"] == "no_response").unwrap();
    let (b, a) = (
        no_response["before"]["share"].as_f64().unwrap(),
        no_response["after"]["share"].as_f64().unwrap(),
    );
    assert!((no_response["change_pp"].as_f64().unwrap() - (a - b) * 100.0).abs() < 1e-3);
    assert_eq!(no_response["direction"], "down");
    assert_eq!(no_response["change_ci_pp"]["method"], "newcombe");
    let text = String::from_utf8(stdout_of(&["compare", before, DEMO])).unwrap();
    let line = text.lines().find(|l| l.contains("  no_response")).unwrap();
    assert!(line.contains("▼ down"), "{text}");
}

/// `--quotes N`: each sub-reason's quotes are answers `tag` gives that sub-reason, at most N,
/// no two the same answer; a reason's are drawn from its sub-reasons'; the same bytes however
/// the rows are read in blocks.
#[test]
fn quotes_are_answers_of_their_reason_and_sub_reason() {
    let out = stdout_of(&["tag", DEMO, "--quiet"]);
    let mut rows = csv::Reader::from_reader(out.as_slice());
    let headers = rows.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (text_at, reason_at, sub_at) = (
        at("Why did you cancel?"),
        at("churn_reason"),
        at("churn_sub_reason"),
    );
    let mut tags: std::collections::HashMap<String, Vec<(String, String)>> = Default::default();
    for row in rows.records() {
        let row = row.unwrap();
        let text = row[text_at]
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        tags.entry(text)
            .or_default()
            .push((row[reason_at].to_string(), row[sub_at].to_string()));
    }
    let report = json_of(&["analyze", DEMO, "--quotes", "2"]);
    let mut quoted = 0;
    for r in report["reasons"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        let mut from_subs = Vec::new();
        for s in r["sub_reasons"].as_array().unwrap() {
            let quotes = s["quotes"].as_array().unwrap();
            assert!(quotes.len() <= 2);
            if s["count"].as_u64().unwrap() >= 2 {
                assert!(!quotes.is_empty(), "{id} {s}");
            }
            let sub = s["id"].as_str().unwrap_or("");
            for q in quotes {
                let text = q["text"].as_str().unwrap();
                let rows = tags
                    .get(text)
                    .unwrap_or_else(|| panic!("not an answer: {text}"));
                assert!(rows.contains(&(id.to_string(), sub.to_string())), "{text}");
                from_subs.push(text.to_string());
                quoted += 1;
            }
            if quotes.len() == 2 {
                assert_ne!(
                    quotes[0]["text"].as_str().unwrap().to_lowercase(),
                    quotes[1]["text"].as_str().unwrap().to_lowercase()
                );
            }
        }
        let own = r["quotes"].as_array().unwrap();
        assert_eq!(own.len(), 2.min(from_subs.len()), "{id}");
        for q in own {
            assert!(
                from_subs.contains(&q["text"].as_str().unwrap().to_string()),
                "{q}"
            );
        }
    }
    assert!(quoted > 30, "{quoted}");
    let whole = stdout_of(&["analyze", DEMO, "--quotes", "2", "-f", "json"]);
    let blocks = churn()
        .env("CHURN_BLOCK_BYTES", "512")
        .args(["analyze", DEMO, "--quotes", "2", "-f", "json"])
        .output()
        .unwrap();
    assert!(blocks.status.success());
    assert_eq!(whole, blocks.stdout);
    // Without --quotes, no quotes at all.
    assert!(json_of(&["analyze", DEMO])["reasons"][0]
        .get("quotes")
        .is_none());
}

/// Personal data planted in six languages is out of every quote and unclassified answer, in
/// every format, unless `--no-redact`.
#[test]
fn quotes_and_unclassified_answers_are_redacted() {
    const PLANTED: [&str; 16] = [
        "555-2671",
        "jane.doe@example.com",
        "jane doe example com",
        "2345678",
        "DE89",
        "jérôme.martin",
        "12 34 56 78",
        "4111",
        "maria_lopez",
        "345-67-89",
        "иван",
        "token=",
        "98765-4321",
        "support-hater",
        "frustrated_dev",
        "7946 0958",
    ];
    let file = "fixtures/quotes/personal.csv";
    let args = [
        "analyze",
        file,
        "--reason-col",
        "answer",
        "--quotes",
        "20",
        "--show-unclassified",
        "5",
    ];
    for format in ["table", "json", "markdown"] {
        let out = String::from_utf8(stdout_of(&[&args[..], &["-f", format]].concat())).unwrap();
        for datum in PLANTED {
            assert!(!out.contains(datum), "{format}: {datum} in\n{out}");
        }
        // Markdown escapes the brackets.
        let unescaped = out.replace('\\', "");
        for marker in [
            "[email]", "[phone]", "[iban]", "[card]", "[handle]", "[url]",
        ] {
            assert!(
                unescaped.contains(marker),
                "{format}: no {marker} in\n{out}"
            );
        }
        let raw = String::from_utf8(stdout_of(
            &[&args[..], &["-f", format, "--no-redact"]].concat(),
        ))
        .unwrap();
        let shown = PLANTED.iter().filter(|d| raw.contains(**d)).count();
        assert!(
            shown >= 10,
            "{format}: {shown} shown with --no-redact\n{raw}"
        );
    }
    let report = json_of(&args);
    assert_eq!(report["redacted"], true);
    assert_eq!(
        json_of(&[&args[..], &["--no-redact"]].concat())["redacted"],
        false
    );
}

const COMPETITORS: &[&str] = &[
    "fixtures/competitors/exits.csv",
    "--config",
    "fixtures/competitors/churn.toml",
    "--reason-col",
    "answer",
];

/// With `[competitors]`, `lost_to` counts the competitors named by the customers lost to
/// someone, as `tag`'s churn_competitor does; one that moved to a competitor switched.
#[test]
fn competitors_are_counted_as_tag_names_them() {
    let report = json_of(&[&["analyze"], COMPETITORS, &["--weight", "mrr"]].concat());
    let lost = &report["lost_to"];
    let count = |id: Option<&str>| -> u64 {
        let c = lost["competitors"].as_array().unwrap().iter();
        c.clone()
            .find(|c| c["id"].as_str() == id)
            .unwrap_or_else(|| panic!("{id:?} in {lost}"))["count"]
            .as_u64()
            .unwrap()
    };
    // HubSpot: "switched to HubSpot", "Moved to hubspot ...", "We moved to Hub Spot"; not "even
    // HubSpot is cheaper" (dissatisfaction, and it does not say it went there). Pipedrive: a
    // better product, a friend's advice, and "nobody answered ..., we went with Pipedrive".
    assert_eq!(
        (
            count(Some("hubspot")),
            count(Some("pipedrive")),
            count(Some("zoho"))
        ),
        (3, 3, 1)
    );
    assert_eq!(count(None), 4);
    assert_eq!(lost["rows"], 11);
    let mrr: f64 = lost["competitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["weight"].as_f64().unwrap())
        .sum();
    assert_eq!(mrr, lost["weight"].as_f64().unwrap());
    assert_eq!(lost["competitors"][0]["id"], "hubspot");
    // `tag` names the same competitors, row by row.
    let out = stdout_of(&[&["tag"], COMPETITORS, &["--quiet"]].concat());
    let mut rows = csv::Reader::from_reader(out.as_slice());
    let headers = rows.headers().unwrap().clone();
    let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
    let (competitor, reason) = (at("churn_competitor"), at("churn_reason"));
    let rows: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    for id in ["hubspot", "pipedrive", "zoho"] {
        let in_tag = rows.iter().filter(|r| &r[competitor] == id).count() as u64;
        assert_eq!(in_tag, count(Some(id)), "{id}");
    }
    assert_eq!(&rows[1][reason], "better_product", "moved to a competitor");
    assert_eq!(&rows[7][reason], "better_product", "moved to a competitor");
    for format in ["table", "markdown", "csv"] {
        let out = String::from_utf8(stdout_of(
            &[&["analyze"], COMPETITORS, &["-f", format]].concat(),
        ))
        .unwrap();
        assert!(
            out.contains("hubspot") || out.contains("HubSpot"),
            "{format}\n{out}"
        );
        assert!(
            out.contains("Lost to") || out.contains("competitor,"),
            "{format}\n{out}"
        );
    }
    // Without [competitors]: no column, no counts.
    let plain = stdout_of(&["tag", COMPETITORS[0], "--reason-col", "answer", "--quiet"]);
    assert!(!String::from_utf8(plain)
        .unwrap()
        .contains("churn_competitor"));
}

/// Without `[competitors]`, names answers say customers went to are proposed, never counted.
#[test]
fn competitors_are_proposed_without_a_list() {
    let report = json_of(&["analyze", COMPETITORS[0], "--reason-col", "answer"]);
    assert!(report.get("lost_to").is_none());
    let proposed: Vec<(String, u64)> = report["proposed_competitors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["text"].as_str().unwrap().to_string(),
                p["count"].as_u64().unwrap(),
            )
        })
        .collect();
    // Of the answers lost to someone or moved: "switched to HubSpot", "Went with Pipedrive",
    // "Switched to Zoho CRM", "moved to Hub Spot" ("moved to hubspot" is not capitalised; "we
    // went with Pipedrive" after an indifference is not looked at without a list).
    for name in ["HubSpot", "Pipedrive", "Zoho CRM", "Hub Spot"] {
        assert!(
            proposed.iter().any(|(p, n)| p == name && *n == 1),
            "{name}: {proposed:?}"
        );
    }
    assert_eq!(proposed.len(), 4, "{proposed:?}");
    let table = String::from_utf8(stdout_of(&[
        "analyze",
        COMPETITORS[0],
        "--reason-col",
        "answer",
    ]))
    .unwrap();
    assert!(
        table.contains("Where customers say they went (not counted"),
        "{table}"
    );
}

/// `[competitors]` mistakes are errors with their place.
#[test]
fn competitor_mistakes_are_errors() {
    for (toml, says, line) in [
        (
            "[competitors]\nHub-Spot = [\"HubSpot\"]\n",
            "competitor id `Hub-Spot`",
            "line 3",
        ),
        (
            "[competitors]\nhubspot = []\n",
            "competitor `hubspot` has no name",
            "line 3",
        ),
        (
            "[competitors]\nhubspot = [\"HubSpot\"]\nzoho = [\"hubspot\"]\n",
            "`hubspot` names two competitors",
            "line 4",
        ),
    ] {
        let (_dir, path) = temp_file("churn.toml", &format!("extends = \"builtin\"\n{toml}"));
        let out = churn()
            .args(["taxonomy", "validate", "--config", &path])
            .assert()
            .code(1)
            .get_output()
            .clone();
        let err = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says) && err.contains(line), "{says}: {err}");
        // analyze refuses it too.
        assert!(
            failure(&["analyze", "fixtures/small/surveys.csv", "--config", &path]).contains(says)
        );
    }
}
