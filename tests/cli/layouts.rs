//! Survey-tool layouts (`fixtures/layouts/`, written by its `make_layouts.py`): the same ten
//! departures as each tool lays them out give the same counts and reasons; extra header rows
//! are never responses; previews, tests, spam and unfinished responses are counted apart.

use serde_json::Value;

use crate::{churn, failure, json_of};

const DIR: &str = "fixtures/layouts";

fn path(file: &str) -> String {
    format!("{DIR}/{file}")
}

/// (tagged, unclassified, no answer) and the count of each reason.
fn outcome(report: &Value) -> (Vec<u64>, Vec<(String, f64)>) {
    let rows = &report["rows"];
    let counts = ["tagged", "unclassified", "no_answer"]
        .iter()
        .map(|k| rows[k].as_u64().unwrap())
        .collect();
    let reasons = report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["count"].as_f64().unwrap(),
            )
        })
        .collect();
    (counts, reasons)
}

#[test]
fn the_same_departures_in_every_layout_give_the_same_counts_and_reasons() {
    let plain = json_of(&["analyze", &path("plain.csv"), "-q"]);
    let expected = outcome(&plain);
    assert_eq!(expected.0, [8, 1, 1], "plain: {plain:#}");
    let cases = [
        ("qualtrics.csv", "qualtrics", 12),
        ("qualtrics.tsv", "qualtrics", 12),
        ("qualtrics-legacy.csv", "qualtrics-legacy", 10),
        ("surveymonkey.csv", "surveymonkey", 10),
        ("surveymonkey.xlsx", "surveymonkey", 10),
        ("typeform.csv", "typeform", 10),
        ("google-forms.csv", "google-forms", 10),
        ("microsoft-forms.xlsx", "microsoft-forms", 10),
        ("alchemer.csv", "alchemer", 11),
        ("jotform.csv", "jotform", 10),
        ("spss.sav", "qualtrics", 10),
        ("spss-bytecode.sav", "qualtrics", 10),
    ];
    for (file, layout, read) in cases {
        let report = json_of(&["analyze", &path(file), "-q"]);
        let input = &report["inputs"][0];
        assert_eq!(input["layout"], layout, "{file}");
        assert_eq!(outcome(&report), expected, "{file}");
        let rows = &report["rows"];
        assert_eq!(
            rows["read"], read,
            "{file}: header rows are never responses"
        );
        let by = rows["filtered_out_by"].as_object().unwrap();
        let causes: u64 = by.values().map(|v| v.as_u64().unwrap()).sum();
        assert_eq!(rows["filtered_out"].as_u64().unwrap(), causes, "{file}");
        let text = input["text_column"].as_str().unwrap();
        assert!(
            text.contains("What is the main reason you cancelled"),
            "{file}: the question's column is read: {text}"
        );
    }
}

#[test]
fn qualtrics_previews_tests_spam_and_unfinished_are_counted_apart() {
    for file in ["qualtrics.csv", "qualtrics.tsv"] {
        let report = json_of(&["analyze", &path(file), "-q"]);
        let rows = &report["rows"];
        assert_eq!(rows["filtered_out"], 2, "{file}");
        assert_eq!(rows["filtered_out_by"]["preview"], 1, "{file}");
        assert_eq!(rows["filtered_out_by"]["unfinished"], 1, "{file}");
        assert_eq!(report["inputs"][0]["filtered_out_by"]["preview"], 1);
        // --include-incomplete brings the unfinished response back (it names a reason).
        let with = json_of(&["analyze", &path(file), "-q", "--include-incomplete"]);
        assert_eq!(with["rows"]["filtered_out"], 1, "{file}");
        assert_eq!(with["rows"]["tagged"], 9, "{file}");
    }
    let out = churn()
        .args(["analyze", &path("qualtrics.csv")])
        .assert()
        .success()
        .get_output()
        .clone();
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("2 filtered out (1 preview, 1 unfinished)"),
        "{stdout}"
    );
    assert!(
        stdout.contains("`Q1: What is the main reason you cancelled"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("read as a Qualtrics export"), "{stderr}");
}

#[test]
fn an_export_of_previews_only_says_so() {
    let text = std::fs::read_to_string(path("qualtrics.csv")).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let mut previews = lines[..3].join("\n");
    for line in &lines[3..5] {
        previews.push('\n');
        previews.push_str(&line.replacen("IP Address,", "Survey Preview,", 1));
    }
    let (_dir, file) = crate::temp_file("previews.csv", &previews);
    let err = failure(&["analyze", &file]);
    assert!(
        err.contains(
            "no response is left to analyze: the survey tool marks all 2 as no answers \
             (2 preview)\n  help: --layout plain reads every row as a response"
        ),
        "{err}"
    );
}

#[test]
fn a_qualtrics_column_is_named_by_its_id_or_its_question() {
    for name in [
        "Q1",
        "What is the main reason you cancelled your subscription?",
    ] {
        let report = json_of(&[
            "analyze",
            &path("qualtrics.csv"),
            "-q",
            "--reason-col",
            name,
        ]);
        assert_eq!(report["rows"]["tagged"], 8, "{name}");
    }
    // Read as one plain header row, the question is not seen and nothing names a reason.
    let err = failure(&["analyze", &path("qualtrics.csv"), "--layout", "plain"]);
    assert!(err.contains("no reason column found"), "{err}");
    assert!(err.contains("`Q1`"), "{err}");
}

#[test]
fn damaged_layouts_are_told() {
    // A Qualtrics export whose third header row was deleted: read, with a note.
    let out = churn()
        .args([
            "analyze",
            &path("qualtrics-no-import-row.csv"),
            "--format",
            "json",
        ])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("its third (`{\"ImportId\""), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["rows"]["read"], 12);
    assert_eq!(report["rows"]["tagged"], 8);
    // A SurveyMonkey export cut after its first row.
    let err = failure(&["analyze", &path("surveymonkey-cut.csv")]);
    assert!(err.contains("surveymonkey-cut.csv"), "{err}");
    assert!(err.contains("ends after the first"), "{err}");
    // A layout named that the file does not have.
    let err = failure(&[
        "analyze",
        &path("plain.csv"),
        "--layout",
        "qualtrics-legacy",
    ]);
    assert!(err.contains("second header row"), "{err}");
    let err = failure(&["analyze", &path("plain.csv"), "--layout", "nosuch"]);
    assert!(err.contains("google-forms"), "{err}");
}

#[test]
fn numeric_choice_values_are_told() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("numeric.csv");
    let import: Vec<String> = ["startDate", "status", "finished", "_recordId", "QID1"]
        .iter()
        .map(|id| format!("\"{{\"\"ImportId\"\":\"\"{id}\"\"}}\""))
        .collect();
    std::fs::write(
        &file,
        format!(
            "StartDate,Status,Finished,ResponseId,Q1\n\
             Start Date,Response Type,Finished,Response ID,Why did you cancel?\n\
             {}\n2026-03-01,0,1,R_1,3\n2026-03-02,0,1,R_2,1\n",
            import.join(",")
        ),
    )
    .unwrap();
    let out = churn()
        .args(["analyze", file.to_str().unwrap()])
        .assert()
        .success()
        .get_output()
        .clone();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(stderr.contains("read as a Qualtrics export"), "{stderr}");
    assert!(
        stderr.contains("the answers in `Q1` are numbers"),
        "{stderr}"
    );
}

#[test]
fn choice_labels_are_codes_and_the_rest_is_text() {
    // The choice column is read as codes by the built-in `survey_choice` map; the one label it
    // lacks is read as text (and listed), and a churn.toml can add it.
    for file in [
        "qualtrics.csv",
        "surveymonkey.csv",
        "spss.sav",
        "churnkey-sessions.json",
    ] {
        let report = json_of(&["analyze", &path(file), "-q"]);
        assert_eq!(
            report["inputs"][0]["code_columns"]
                .as_array()
                .unwrap()
                .len(),
            1,
            "{file}"
        );
        assert_eq!(
            report["unknown_codes"][0]["value"],
            "Moving to another country"
        );
        assert_eq!(report["rows"]["code_text_conflicts"], 0, "{file}");
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("churn.toml");
    std::fs::write(
        &config,
        "extends = \"builtin\"\n[[code_map]]\nid = \"survey_choice\"\n\
         codes.\"moving to another country\" = \"moved\"\n",
    )
    .unwrap();
    let report = json_of(&[
        "analyze",
        &path("qualtrics.csv"),
        "-q",
        "--config",
        config.to_str().unwrap(),
    ]);
    assert!(report["unknown_codes"].as_array().unwrap().is_empty());
    assert_eq!(crate::reason(&report, "moved")["count"], 2.0);
}

#[test]
fn a_multiple_choice_question_is_read_as_one_answer() {
    let report = json_of(&["analyze", &path("surveymonkey-multi.csv"), "-q"]);
    assert_eq!(outcome(&report).0, [4, 0, 1]);
    let count = |id: &str| crate::reason(&report, id)["count"].as_f64().unwrap();
    // "Too expensive", "Too expensive; Missing features", "Switched to a competitor", and the
    // "Other" text "A friend recommended another tool".
    assert_eq!(count("dissatisfaction"), 2.0);
    assert_eq!(count("better_product"), 1.0);
    assert_eq!(count("friend_referral"), 1.0);
    assert_eq!(report["rows"]["multi_reason"], 0);
    assert_eq!(
        report["inputs"][0]["text_column"],
        "What is the main reason you cancelled your subscription?"
    );
}

#[test]
fn unfinished_alchemer_responses_are_filtered_out() {
    let report = json_of(&["analyze", &path("alchemer.csv"), "-q"]);
    assert_eq!(report["rows"]["filtered_out_by"]["unfinished"], 1);
    let with = json_of(&[
        "analyze",
        &path("alchemer.csv"),
        "-q",
        "--include-incomplete",
    ]);
    assert_eq!(with["rows"]["filtered_out"], 0);
    assert_eq!(with["rows"]["tagged"], 9);
}

#[test]
fn stripe_api_json_and_json_lines_give_the_same_counts_and_reasons() {
    let expected = outcome(&json_of(&["analyze", &path("plain.csv"), "-q"]));
    for file in ["stripe-subscriptions.json", "stripe-subscriptions.jsonl"] {
        let report = json_of(&["analyze", &path(file), "-q"]);
        assert_eq!(outcome(&report), expected, "{file}");
        let input = &report["inputs"][0];
        assert_eq!(input["format"], "json");
        assert_eq!(input["text_column"], "cancellation_details.comment");
        assert_eq!(input["code_columns"][0], "cancellation_details.feedback");
        // Unix times under `canceled_at` are dates for --period.
        let by_month = json_of(&["analyze", &path(file), "-q", "--period", "month"]);
        assert!(!by_month["periods"].is_null(), "{file}");
    }
    // Piped in: standard input that starts with `{` or `[` is JSON.
    let lines = std::fs::read(crate::root().join(path("stripe-subscriptions.jsonl"))).unwrap();
    let out = churn()
        .args(["analyze", "-", "-q", "--format", "json"])
        .write_stdin(lines)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let report: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(outcome(&report), expected);
}

#[test]
fn retention_sessions_count_only_the_customers_who_left() {
    let expected = outcome(&json_of(&["analyze", &path("plain.csv"), "-q"]));
    let cases = [
        (
            "paddle-retain.json",
            "paddle-retain",
            [("saved", 1), ("aborted", 1)],
        ),
        (
            "churnkey-sessions.json",
            "churnkey",
            [("saved", 1), ("paused", 1)],
        ),
    ];
    for (file, layout, causes) in cases {
        let report = json_of(&["analyze", &path(file), "-q"]);
        assert_eq!(report["inputs"][0]["layout"], layout, "{file}");
        assert_eq!(outcome(&report), expected, "{file}: the same departures");
        let by = &report["rows"]["filtered_out_by"];
        for (cause, n) in causes {
            assert_eq!(by[cause], n, "{file}: {cause}");
        }
    }
    let churnkey = json_of(&["analyze", &path("churnkey-sessions.json"), "-q"]);
    // ABANDON and aborted: two customers who left the flow without cancelling.
    assert_eq!(churnkey["rows"]["filtered_out_by"]["aborted"], 2);
    assert_eq!(churnkey["rows"]["filtered_out"], 4);
}

#[test]
fn bad_json_is_told_with_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.jsonl");
    std::fs::write(&bad, "{\"reason\": \"moved\"}\n{\"reason\": }\n").unwrap();
    let err = failure(&["analyze", bad.to_str().unwrap()]);
    assert!(err.contains("bad.jsonl"), "{err}");
    assert!(err.contains("line 2, column 12"), "{err}");
    // JSON in a file named .csv is still refused, saying how to read it.
    let err = failure(&["analyze", "fixtures/bad/json.csv"]);
    assert!(err.contains("this looks like JSON, not CSV"), "{err}");
    assert!(err.contains(".json"), "{err}");
}

#[test]
fn the_layout_fixtures_are_what_their_script_writes() {
    // The script needs openpyxl; where it is missing, the check is skipped with a word.
    let probe = std::process::Command::new("python3")
        .args(["-c", "import openpyxl"])
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        eprintln!("skipped: python3 with openpyxl is needed to rewrite the layout fixtures");
        return;
    }
    // Written afresh into a temporary directory: the text files must be the committed ones
    // (workbooks carry the time they were written).
    let dir = crate::root().join(DIR);
    let fresh = tempfile::tempdir().unwrap();
    let status = std::process::Command::new("python3")
        .arg(dir.join("make_layouts.py"))
        .arg(fresh.path())
        .status()
        .unwrap();
    assert!(status.success());
    let mut compared = 0;
    for entry in std::fs::read_dir(fresh.path()).unwrap() {
        let written = entry.unwrap().path();
        let text = ["csv", "tsv", "json", "jsonl"];
        if !written
            .extension()
            .is_some_and(|e| text.iter().any(|t| e == *t))
        {
            continue;
        }
        let committed = dir.join(written.file_name().unwrap());
        assert_eq!(
            std::fs::read(&written).unwrap(),
            std::fs::read(&committed).unwrap(),
            "{} is not what make_layouts.py writes",
            committed.display()
        );
        compared += 1;
    }
    assert_eq!(compared, 16);
}
