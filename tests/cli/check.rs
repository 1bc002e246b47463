//! `churn check`: every rule passes on one fixture and fails on another, exit codes 0/1/2,
//! `[check]` in churn.toml with flags over it, and the four output formats parsed back.

use serde_json::Value;

use crate::{churn, failure, root, stdout_with, temp_file};

const PASS: &str = "fixtures/check/pass.csv";
const FAIL: &str = "fixtures/check/fail.csv";
const DROPPED: &str = "fixtures/check/dropped_text.csv";
const CONFIG: &str = "fixtures/check/churn.toml";

/// Run `churn check`, expecting `code`; the JSON report.
fn check_json(args: &[&str], code: i32) -> Value {
    let args = [&["check"], args, &["--format", "json"]].concat();
    serde_json::from_str(&stdout_with(&args, code)).expect("valid JSON")
}

/// The one check of `rule` (and `target`) in a report.
fn find<'a>(report: &'a Value, rule: &str, target: Option<&str>) -> &'a Value {
    report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["rule"] == rule && target.is_none_or(|t| c["target"] == t))
        .unwrap_or_else(|| panic!("no check {rule} {target:?} in {report:#}"))
}

/// A rule on its own, from flags: (rule, target, flags, file that passes, file that fails).
type RuleCase = (
    &'static str,
    Option<&'static str>,
    &'static [&'static str],
    &'static str,
    &'static str,
);

const RULES: &[RuleCase] = &[
    ("reason-column", None, &[], PASS, DROPPED),
    (
        "min-responses",
        None,
        &["--min-responses", "50"],
        PASS,
        DROPPED,
    ),
    (
        "max-unclassified",
        None,
        &["--max-unclassified", "10%"],
        PASS,
        FAIL,
    ),
    (
        "max-no-answer",
        None,
        &["--max-no-answer", "0.1"],
        PASS,
        FAIL,
    ),
    (
        "require-col",
        Some("plan"),
        &["--require-col", "plan"],
        PASS,
        "fixtures/multi/surveys.csv",
    ),
    (
        "max-unknown-codes",
        None,
        &["--max-unknown-codes", "0"],
        PASS,
        FAIL,
    ),
    (
        "max-duplicate-ids",
        Some("response_id"),
        &["--max-duplicate-ids", "0"],
        PASS,
        FAIL,
    ),
    (
        "max-share",
        Some("dissatisfaction"),
        &["--max-share", "dissatisfaction=30%"],
        PASS,
        FAIL,
    ),
    (
        "min-share",
        Some("indifference"),
        &["--min-share", "indifference=20%"],
        PASS,
        FAIL,
    ),
    (
        "above-benchmark",
        Some("dissatisfaction"),
        &["--above-benchmark", "dissatisfaction"],
        PASS,
        FAIL,
    ),
    (
        "baseline",
        None,
        &["--baseline", "fixtures/check/baseline.json"],
        PASS,
        FAIL,
    ),
];

#[test]
fn every_rule_passes_on_one_fixture_and_fails_on_another() {
    for (rule, target, flags, good, bad) in RULES {
        let passing = check_json(&[&[*good], *flags].concat(), 0);
        let c = find(&passing, rule, *target);
        assert_eq!(c["passed"], true, "{rule} on {good}: {c:#}");
        assert_eq!(passing["passed"], true, "{rule} on {good}: {passing:#}");

        let failing = check_json(&[&[*bad], *flags].concat(), 1);
        let c = find(&failing, rule, *target);
        assert_eq!(c["passed"], false, "{rule} on {bad}: {c:#}");
        assert_eq!(failing["passed"], false);
    }
}

#[test]
fn failures_report_what_was_measured() {
    let r = check_json(&[FAIL, "--config", CONFIG], 1);
    assert_eq!(r["total"], 12);
    assert_eq!(r["failed"], 8);
    assert_eq!(r["rows"]["read"], 60);
    // 12 of 60 unclassified, 8 of 60 blank (see fixtures/check/make_check.py).
    assert_eq!(find(&r, "max-unclassified", None)["measured"], 0.2);
    let no_answer = find(&r, "max-no-answer", None)["measured"]
        .as_f64()
        .unwrap();
    assert!((no_answer - 8.0 / 60.0).abs() < 1e-12);
    assert_eq!(find(&r, "max-unknown-codes", None)["measured"], 4.0);
    let dup = find(&r, "max-duplicate-ids", Some("response_id"));
    assert_eq!(dup["measured"], 3.0);
    assert_eq!(dup["line"], 59);
    assert!(dup["message"]
        .as_str()
        .unwrap()
        .contains("lines 59, 60, 61"));
    assert_eq!(
        find(&r, "max-share", Some("dissatisfaction"))["measured"],
        0.625
    );
    assert_eq!(
        find(&r, "min-share", Some("indifference"))["measured"],
        0.15
    );
    let above = find(&r, "above-benchmark", Some("dissatisfaction"));
    assert!(above["measured"].as_f64().unwrap() > 0.14);
    assert_eq!(above["limit"], 0.14);
    let base = find(&r, "baseline", None);
    assert!(base["measured"].as_f64().unwrap() < 0.05);
    assert_eq!(base["unit"], "p_value");
    // The passing rules of the config are there too, in the documented order.
    let order: Vec<&str> = r["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "reason-column",
            "min-responses",
            "max-unclassified",
            "max-no-answer",
            "require-col",
            "require-col",
            "max-unknown-codes",
            "max-duplicate-ids",
            "max-share",
            "min-share",
            "above-benchmark",
            "baseline"
        ]
    );
}

#[test]
fn the_config_file_sets_rules_and_flags_override_them() {
    let r = check_json(&[PASS, "--config", CONFIG], 0);
    assert_eq!(r["total"], 12, "{r:#}");
    assert_eq!(r["failed"], 0);
    assert!(r["config"].as_str().unwrap().ends_with("churn.toml"));
    // A flag replaces the file's limit for that reason only.
    let r = check_json(
        &[
            PASS,
            "--config",
            CONFIG,
            "--max-share",
            "dissatisfaction=10%",
        ],
        1,
    );
    assert_eq!(r["failed"], 1);
    let c = find(&r, "max-share", Some("dissatisfaction"));
    assert_eq!(c["limit"], 0.1);
    assert_eq!(c["passed"], false);
    // A scalar flag replaces the file's value.
    let r = check_json(&[FAIL, "--config", CONFIG, "--max-unclassified", "25%"], 1);
    assert_eq!(find(&r, "max-unclassified", None)["passed"], true);
}

#[test]
fn exit_zero_reports_failures_but_exits_0() {
    let r = check_json(&[FAIL, "--config", CONFIG, "--exit-zero"], 0);
    assert_eq!(r["passed"], false);
    assert_eq!(r["failed"], 8);
}

#[test]
fn usage_and_input_errors_exit_2() {
    let err = failure(&["check", PASS, "--max-share", "nonsense=30%"]);
    assert!(err.contains("no reason `nonsense`"), "{err}");
    assert!(err.contains("dissatisfaction"), "{err}");
    let err = failure(&["check", PASS, "--max-share", "dissatisfaction.prize=30%"]);
    assert!(err.contains("no sub-reason `prize`"), "{err}");
    assert!(err.contains("missing_features"), "{err}");
    let err = failure(&["check", PASS, "--max-unclassified", "30"]);
    assert!(err.contains("ambiguous"), "{err}");
    let err = failure(&["check", PASS, "--max-share", "dissatisfaction"]);
    assert!(err.contains("REASON=PCT"), "{err}");
    let err = failure(&[
        "check",
        PASS,
        "--above-benchmark",
        "moved",
        "--benchmark",
        "gattorna",
    ]);
    assert!(err.contains("bucket `natural_attrition`"), "{err}");
    let err = failure(&["check", PASS, "--above-benchmark", "nothing"]);
    assert!(err.contains("no bucket `nothing`"), "{err}");
    let err = failure(&["check", PASS, "--baseline", PASS]);
    assert!(err.contains("not JSON") && err.contains("line 1"), "{err}");
    let (_dir, old) = temp_file("old.json", r#"{"schema_version": 7, "reasons": []}"#);
    let err = failure(&["check", PASS, "--baseline", &old]);
    assert!(err.contains("schema_version is 7"), "{err}");
    let (_dir, no_ids) = temp_file("no_ids.csv", "reason\ntoo expensive\n");
    let err = failure(&["check", &no_ids, "--max-duplicate-ids", "0"]);
    assert!(
        err.contains("no id column") && err.contains("--id-col"),
        "{err}"
    );
    let err = failure(&["check", "no/such.csv"]);
    assert!(err.contains("no/such.csv"), "{err}");
    // Errors print no report: stdout stays empty.
    churn()
        .args(["check", PASS, "--max-share", "x=1%", "-f", "json"])
        .assert()
        .code(2)
        .stdout("");
}

#[test]
fn id_col_names_the_column_to_check() {
    let r = check_json(
        &[FAIL, "--max-duplicate-ids", "0", "--id-col", "customer_id"],
        0,
    );
    let c = find(&r, "max-duplicate-ids", Some("customer_id"));
    assert_eq!(c["passed"], true);
}

#[test]
fn config_rules_are_validated_with_line_and_column() {
    let (_dir, path) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n[check]\nmax_unclassified = \"30\"\nmax_share = { nope = 0.2 }\n",
    );
    let err = failure(&["check", PASS, "--config", &path]);
    assert!(err.contains("line 3") && err.contains("ambiguous"), "{err}");
    assert!(err.contains("line 4") && err.contains("`nope`"), "{err}");
    let (_dir, path) = temp_file(
        "churn.toml",
        "extends = \"builtin\"\n[check]\nmax_unclasified = 0.3\n",
    );
    let err = failure(&["check", PASS, "--config", &path]);
    assert!(err.contains("max_unclasified"), "{err}");
}

#[test]
fn baseline_in_the_config_is_read_relative_to_it() {
    // Run from another directory: the config's `baseline = "baseline.json"` still resolves.
    let dir = tempfile::tempdir().unwrap();
    let out = churn()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "--config"])
        .arg(root().join(CONFIG))
        .arg(root().join(PASS))
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let r: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(find(&r, "baseline", None)["passed"], true);
}

#[test]
fn table_lists_each_rule_and_the_summary() {
    let text = stdout_with(&["check", FAIL, "--config", CONFIG], 1);
    assert!(text.contains("FAIL ┆ max-unclassified"), "{text}");
    assert!(text.contains("20% ┆ ≤ 10%"), "{text}");
    assert!(text.contains("pass ┆ min-responses"), "{text}");
    assert!(text.trim_end().ends_with("8 of 12 checks failed"), "{text}");
    assert!(stdout_with(&["check", PASS, "--config", CONFIG], 0)
        .trim_end()
        .ends_with("All 12 checks passed"));
}

#[test]
fn junit_is_xml_a_ci_server_reads() {
    let text = stdout_with(&["check", FAIL, "--config", CONFIG, "--format", "junit"], 1);
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suites = doc.root_element();
    assert_eq!(suites.tag_name().name(), "testsuites");
    assert_eq!(suites.attribute("tests"), Some("12"));
    assert_eq!(suites.attribute("failures"), Some("8"));
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 12);
    let failed: Vec<&str> = cases
        .iter()
        .filter(|c| c.children().any(|n| n.has_tag_name("failure")))
        .map(|c| c.attribute("name").unwrap())
        .collect();
    assert_eq!(failed.len(), 8);
    assert!(
        failed.contains(&"max-duplicate-ids `response_id`"),
        "{failed:?}"
    );
    let failure = cases
        .iter()
        .find(|c| c.attribute("name") == Some("max-unclassified"))
        .unwrap()
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert!(failure.attribute("message").unwrap().contains("12 of 60"));
    // Text with XML's special characters survives the round trip.
    let (_dir, path) = temp_file(
        "a<b>&c.csv",
        "id,reason\n1,too expensive\n2,too expensive\n",
    );
    let text = stdout_with(
        &["check", &path, "--format", "junit", "--min-responses", "5"],
        1,
    );
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    assert!(suite.attribute("name").unwrap().ends_with("a<b>&c.csv"));
}

#[test]
fn github_format_annotates_each_failure() {
    let text = stdout_with(
        &["check", FAIL, "--config", CONFIG, "--format", "github"],
        1,
    );
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("::error ")).collect();
    // One per failed rule, and the summary.
    assert_eq!(errors.len(), 9, "{text}");
    assert!(
        errors.iter().any(|l| l.starts_with(
            "::error file=fixtures/check/fail.csv,line=59,title=churn check%3A max-duplicate-ids"
        )),
        "{text}"
    );
    assert!(text.contains("::error title=churn check::8 of 12 checks failed"));
    // `%` in a message is escaped as the runner expects.
    assert!(text.contains("(20%25)"), "{text}");
    let text = stdout_with(
        &["check", PASS, "--config", CONFIG, "--format", "github"],
        0,
    );
    assert!(!text.contains("::error"));
    assert!(text.contains("::notice title=churn check::All 12 checks passed"));
}

#[test]
fn output_file_is_written_when_a_check_fails() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.xml");
    churn()
        .args(["check", FAIL, "--config", CONFIG, "--format", "junit", "-o"])
        .arg(&path)
        .assert()
        .code(1)
        .stdout("");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(roxmltree::Document::parse(&text).is_ok());
}

#[test]
fn docs_show_the_real_config_and_output() {
    let page = std::fs::read_to_string(root().join("docs/check.md")).unwrap();
    let toml = std::fs::read_to_string(root().join(CONFIG)).unwrap();
    let rules = &toml[toml.find("[check]").unwrap()..];
    assert!(
        page.contains(&format!("```toml\n{}\n```", rules.trim_end())),
        "docs/check.md's [check] example differs from {CONFIG}"
    );
    let marker = "8 of the 12 checks) prints, and exits 1:\n\n```text\n";
    let start = page.find(marker).expect("check block") + marker.len();
    let end = start + page[start..].find("\n```").unwrap();
    assert_eq!(
        &page[start..end],
        stdout_with(&["check", FAIL, "--config", CONFIG], 1).trim_end(),
        "docs/check.md's check output is stale"
    );
}

/// The README's example of `churn check` with flags: the command and its whole output.
#[test]
fn readme_shows_the_real_output_of_a_check() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let marker = "```text\n$ churn ";
    let start = readme.find(marker).expect("check example") + marker.len();
    let end = start + readme[start..].find("\n```").unwrap();
    let (command, shown) = readme[start..end].split_once('\n').unwrap();
    let args: Vec<&str> = command.split_whitespace().collect();
    assert_eq!(args[..2], ["check", FAIL]);
    assert_eq!(
        shown,
        stdout_with(&args, 1).trim_end(),
        "README's check output is stale"
    );
}

/// A sub-reason's share of tagged churn is checked as a reason's is: `reason.sub`.
#[test]
fn sub_reason_shares_are_checked() {
    let demo = "fixtures/demo/surveys.csv";
    let analyzed: Value =
        serde_json::from_slice(&crate::stdout_of(&["analyze", demo, "-f", "json"])).unwrap();
    let price = crate::reason(&analyzed, "dissatisfaction")["sub_reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "price")
        .unwrap()["share_of_tagged"]
        .as_f64()
        .unwrap();
    assert!(price > 0.05 && price < 0.2, "{price}");
    let rule = "dissatisfaction.price";
    let below = format!("{rule}={:.1}%", price * 100.0 - 0.5);
    let above = format!("{rule}={:.1}%", price * 100.0 + 0.5);
    let failed = check_json(&[demo, "--max-share", &below], 1);
    let c = find(&failed, "max-share", Some(rule));
    assert_eq!(c["passed"], false);
    assert_eq!(c["measured"].as_f64().unwrap(), price);
    assert!(c["message"].as_str().unwrap().contains("of tagged churn"));
    let passed = check_json(&[demo, "--max-share", &above, "--min-share", &below], 0);
    assert_eq!(find(&passed, "max-share", Some(rule))["passed"], true);
    assert_eq!(find(&passed, "min-share", Some(rule))["passed"], true);
}
