//! `churn taxonomy stats`: what each rule did, and against labels how often it was right.

use crate::{churn, json_of, stdout_of, temp_file};
use serde_json::Value;

/// Two reasons, a hint, a regex and a rule no answer uses; English negation.
const TAXONOMY: &str = r#"
[[reason]]
id = "price"
label = "Price"
meaning = "Too expensive."
phrases.en = ["expensive", "price", "never cheap"]
hints.en = ["money"]
regex = ['\b\d+ percent increase\b']

[[reason]]
id = "moved"
label = "Moved"
meaning = "Moved away."
phrases.en = ["moved", "relocat*"]

[negation]
cues.en = ["not", "no"]

[[benchmark]]
name = "mine"
note = "Ours."
shares = { price = 50, moved = 50 }
"#;

const EXPORT: &str = "id,answer,truth
1,too expensive,price
2,it is not expensive,unclassified
3,we moved and it was expensive,price
4,we relocated,price
5,money,price
6,money but we moved,moved
7,a 20 percent increase,price
8,hello,unclassified
9,,no_answer
";

fn stats(extra: &[&str]) -> (tempfile::TempDir, Value) {
    let (dir, path) = temp_file("exits.csv", EXPORT);
    let config = dir.path().join("churn.toml");
    std::fs::write(&config, TAXONOMY).unwrap();
    let mut args = vec!["taxonomy", "stats", &path];
    args.extend(extra);
    let config = config.to_str().unwrap().to_string();
    args.extend(["--config", &config, "--no-model"]);
    let v = json_of(&args);
    (dir, v)
}

fn rule<'a>(v: &'a Value, text: &str) -> &'a Value {
    (v["rules"].as_array().unwrap().iter())
        .find(|r| r["rule"] == text)
        .unwrap_or_else(|| panic!("no rule `{text}` in {v:#}"))
}

#[test]
fn each_rule_is_counted_where_it_tagged_decided_was_negated_or_overruled() {
    let (_dir, v) = stats(&[]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["truth_column"], Value::Null);
    let rows = &v["rows"];
    assert_eq!(rows["read"], 9);
    assert_eq!(rows["by_rules"], 6);
    assert_eq!(rows["unclassified"], 2);
    assert_eq!(rows["no_answer"], 1);
    let expensive = rule(&v, "expensive");
    assert_eq!(expensive["matched"], 3);
    assert_eq!(expensive["tagged"], 2);
    assert_eq!(expensive["negated"], 1);
    assert_eq!(
        expensive["decided"], 1,
        "row 3 is moved first: {expensive:#}"
    );
    assert_eq!(expensive["overlaps"][0]["reason"], "moved");
    assert_eq!(expensive["precision"], Value::Null);
    let money = rule(&v, "money");
    assert_eq!(money["hint"], true);
    assert_eq!(
        (&money["matched"], &money["tagged"], &money["overruled"]),
        (&2.into(), &1.into(), &1.into()),
        "a hint beside a phrase does not count: {money:#}"
    );
    let regex = rule(&v, r"\b\d+ percent increase\b");
    assert_eq!(
        (&regex["kind"], &regex["tagged"]),
        (&"regex".into(), &1.into())
    );
    assert_eq!(v["never_fired"], 2, "`price` and `never cheap`");
    assert_eq!(rule(&v, "never cheap")["matched"], 0);
    for r in v["rules"].as_array().unwrap() {
        let sum = ["tagged", "negated", "overruled"].map(|k| r[k].as_u64().unwrap());
        assert_eq!(
            r["matched"].as_u64().unwrap(),
            sum.iter().sum::<u64>(),
            "{r:#}"
        );
    }
}

#[test]
fn against_labels_each_rule_has_a_precision_and_the_rows_it_got_wrong() {
    let (_dir, v) = stats(&["--truth-col", "truth"]);
    assert_eq!(v["truth_column"], "truth");
    // "expensive" decided line 2 (right); line 4 is moved's primary, judged as moved.
    let expensive = rule(&v, "expensive");
    assert_eq!(expensive["primary"], 1);
    assert_eq!(expensive["precision"], 1.0);
    let moved = rule(&v, "moved");
    assert_eq!(moved["primary"], 2);
    assert_eq!(moved["precision"], 0.5);
    assert_eq!(
        moved["wrong"],
        serde_json::json!([{"line": 4, "text": "we moved and it was expensive", "truth": "price"}])
    );
    let relocated = rule(&v, "relocat*");
    assert_eq!(relocated["precision"], 0.0);
    assert_eq!(rule(&v, "never cheap")["precision"], Value::Null);
}

#[test]
fn the_table_shows_the_busiest_rules_the_least_precise_and_those_that_never_fired() {
    let (dir, path) = temp_file("exits.csv", EXPORT);
    let config = dir.path().join("churn.toml");
    std::fs::write(&config, TAXONOMY).unwrap();
    let config = config.to_str().unwrap();
    let args = [
        "taxonomy",
        "stats",
        &path,
        "--truth-col",
        "truth",
        "--config",
        config,
        "--no-model",
    ];
    let text = String::from_utf8(stdout_of(&args)).unwrap();
    assert!(
        text.contains("9 rows: 6 tagged by rules, 0 by a code alone, 0 by the model; 2 unclassified, 1 no answer, 0 involuntary"),
        "{text}"
    );
    assert!(text.contains("money (hint)"), "{text}");
    assert!(
        text.contains("4: we moved and it was expensive (price)"),
        "{text}"
    );
    assert!(text.contains("Never fired: 2 rules (price 2)"), "{text}");
    // The same bytes twice.
    assert_eq!(stdout_of(&args), text.as_bytes());
}

#[test]
fn a_blank_or_unknown_label_is_an_error_naming_the_row() {
    let (dir, path) = temp_file("exits.csv", "answer,truth\ntoo expensive,pricey\n");
    let out = churn()
        .current_dir(dir.path())
        .args(["taxonomy", "stats", &path, "--truth-col", "truth"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown label `pricey`"), "{err}");
}
