//! Configuration: `churn.toml` discovery, `--config`, `CHURN_CONFIG`, unknown keys, the
//! `taxonomy init | show | validate` commands and the worked example of docs/taxonomy.md.

use crate::{churn, json_of, reason, root};

const PRICE: &str = "fixtures/config/price.toml";
const PLAY: &str = "fixtures/config/play.csv";
const INVALID: &str = "fixtures/config/invalid.toml";

fn stderr_of(cmd: &mut assert_cmd::Command, code: i32) -> String {
    let out = cmd.assert().code(code).get_output().clone();
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn init_writes_the_builtin_taxonomy_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    churn()
        .current_dir(dir.path())
        .args(["taxonomy", "init"])
        .assert()
        .success();
    let written = std::fs::read_to_string(dir.path().join("churn.toml")).unwrap();
    assert!(written.contains("[[reason]]") && written.contains("# churn taxonomy"));
    // The same text as `init -` prints.
    let printed = churn()
        .args(["taxonomy", "init", "-"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(written.as_bytes(), printed.as_slice());

    let err = stderr_of(
        churn().current_dir(dir.path()).args(["taxonomy", "init"]),
        2,
    );
    assert!(err.contains("exists; pass --force"), "{err}");
    churn()
        .current_dir(dir.path())
        .args(["taxonomy", "init", "--force"])
        .assert()
        .success();

    // What init writes validates, and is then the config in force in that directory.
    let out = churn()
        .current_dir(dir.path())
        .args(["taxonomy", "validate"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    assert!(String::from_utf8_lossy(&out).contains("churn.toml: valid"));
    let csv = root().join("fixtures/small/surveys.csv");
    let v: serde_json::Value = serde_json::from_slice(
        &churn()
            .current_dir(dir.path())
            .args(["analyze", csv.to_str().unwrap(), "-f", "json"])
            .assert()
            .success()
            .get_output()
            .stdout,
    )
    .unwrap();
    assert_eq!(v["config"], "churn.toml");
}

#[test]
fn config_flag_and_environment_variable_choose_the_file() {
    let v = json_of(&["--config", PRICE, "taxonomy", "show"]);
    assert_eq!(v["config"], PRICE);
    assert!(v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == "price"));
    let out = churn()
        .env("CHURN_CONFIG", PRICE)
        .args(["taxonomy", "show", "-f", "json"])
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["config"], PRICE);
    // Without either, and no churn.toml here: the built-in taxonomy.
    let v = json_of(&["taxonomy", "show"]);
    assert_eq!(v["config"], serde_json::Value::Null);
    assert_eq!(v["reasons"].as_array().unwrap().len(), 6);
    let table = String::from_utf8(crate::stdout_of(&["taxonomy", "show"])).unwrap();
    assert!(
        table.contains("stripe_feedback") && table.contains("Benchmark `kennedy`"),
        "{table}"
    );
}

#[test]
fn unknown_keys_are_errors_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.toml");
    std::fs::write(
        &path,
        "extends = \"builtin\"\n\n[[reason]]\nid = \"price\"\nphrase.en = [\"too expensive\"]\n",
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let err = stderr_of(
        churn().args(["--config", p, "analyze", "fixtures/small/surveys.csv"]),
        2,
    );
    assert!(err.contains("invalid config"), "{err}");
    assert!(err.contains("line 5, column 1"), "{err}");
    assert!(err.contains("unknown field `phrase`"), "{err}");
    let out = crate::stdout_with(&["taxonomy", "validate", p], 1);
    assert!(
        out.contains("line 5, column 1") && out.contains("invalid: 1 error"),
        "{out}"
    );
}

#[test]
fn validate_reports_each_kind_of_problem_with_its_line() {
    let out = crate::stdout_with(&["taxonomy", "validate", INVALID], 1);
    for expected in [
        "error: line 6, column 10: reason `price`: regex does not compile",
        "warning: line 9, column 6: reason `empty_one` has no phrases, hints, regexes or codes",
        "error: line 14, column 15: code `a` of `ours` maps to unknown reason `nonexistent`",
        "error: line 17, column 8: benchmark `short` sums to 90%, not 100%",
        "invalid: 3 errors",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in\n{out}");
    }
    // A phrase in two reasons is a warning.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("dup.toml");
    std::fs::write(
        &path,
        "extends = \"builtin\"\n\n[[reason]]\nid = \"moved\"\nphrases.en = [\"rude\"]\n",
    )
    .unwrap();
    let v = json_of(&["taxonomy", "validate", path.to_str().unwrap()]);
    assert_eq!(v["valid"], true);
    let warning = v["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["message"].as_str().unwrap().contains("is in both"))
        .expect("duplicate phrase warning");
    assert_eq!(warning["line"], 5);
    assert_eq!(warning["severity"], "warning");
}

#[test]
fn builtin_validates_clean() {
    let v = json_of(&["taxonomy", "validate"]);
    assert_eq!(v["file"], "(built-in)");
    assert_eq!(v["errors"], 0);
}

#[test]
fn worked_example_adds_a_price_reason_and_a_play_store_code_map() {
    let v = json_of(&[
        "--config",
        PRICE,
        "analyze",
        PLAY,
        "--benchmark",
        "with_price",
    ]);
    assert_eq!(v["config"], PRICE);
    assert_eq!(
        v["inputs"][0]["code_columns"],
        serde_json::json!(["cancelSurveyReason"])
    );
    let count = |id: &str| reason(&v, id)["count"].as_u64().unwrap();
    // Code 3, "Too expensive for me" (phrase, price outranks dissatisfaction) and the regex
    // "20% price increase".
    assert_eq!(count("price"), 3);
    assert_eq!(count("moved"), 1);
    assert_eq!(count("better_product"), 1);
    assert_eq!(count("dissatisfaction"), 1);
    assert_eq!(count("indifference"), 1);
    assert_eq!(v["rows"]["no_answer"], 1);
    assert_eq!(v["benchmark"]["name"], "with_price");
    let price = v["reasons"].as_array().unwrap().last().unwrap();
    assert_eq!(price["label"], "Price");
    assert_eq!(price["benchmark_share"], 0.07);
}

#[test]
fn a_reason_can_be_renamed_dropped_or_given_priority() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("c.toml");
    std::fs::write(
        &path,
        r#"extends = "builtin"
drop = ["died"]

[[reason]]
id = "indifference"
label = "Nobody cared"

[[reason]]
id = "moved"
priority = 5
phrases.en = ["rude"]
"#,
    )
    .unwrap();
    let p = path.to_str().unwrap();
    let v = json_of(&["--config", p, "explain", "rude"]);
    // Both reasons match "rude", at the same word and just as long: priority decides.
    assert_eq!(v["outcome"]["reason"], "moved");
    let v = json_of(&["explain", "rude"]);
    assert_eq!(v["outcome"]["reason"], "indifference");
    let show = json_of(&["--config", p, "taxonomy", "show"]);
    let reasons = show["reasons"].as_array().unwrap();
    assert!(reasons.iter().all(|r| r["id"] != "died"));
    assert!(reasons.iter().any(|r| r["label"] == "Nobody cared"));
    let v = json_of(&["--config", p, "explain", "owner deceased"]);
    assert_eq!(v["outcome"]["kind"], "unclassified");
}

#[test]
fn docs_worked_example_is_the_fixture() {
    let page = std::fs::read_to_string(root().join("docs/taxonomy.md")).unwrap();
    let fixture = std::fs::read_to_string(root().join(PRICE)).unwrap();
    for line in fixture.lines() {
        let code = line.split(" #").next().unwrap().trim_end();
        if code.is_empty() || code.starts_with('#') {
            continue;
        }
        assert!(
            page.contains(code),
            "docs/taxonomy.md lacks {code:?} of {PRICE}"
        );
    }
}
