//! Corrections that last: `--overrides` in analyze, tag and check, `[analyze] overrides`, and
//! `churn overrides from-tagged`.

use crate::{churn, json_of, stdout_of, temp_file};
use serde_json::Value;

const DEMO: &str = "fixtures/demo/surveys.csv";

/// R0001 is tagged dissatisfaction.usability, R0003 moved.relocated, R0002 indifference.
const OVERRIDES: &str = "response_id,reason,note
R0001,moved,called the customer
R0002,@none,
R0003,dissatisfaction.price,
R9999,died,
";

fn reason<'a>(v: &'a Value, id: &str) -> &'a Value {
    (v["reasons"].as_array().unwrap().iter())
        .find(|r| r["id"] == id)
        .unwrap()
}

#[test]
fn analyze_applies_overrides_counts_them_and_reports_ids_not_found() {
    let (_dir, path) = temp_file("o.csv", OVERRIDES);
    let base = json_of(&["analyze", DEMO]);
    let v = json_of(&["analyze", DEMO, "--overrides", &path]);
    let rows = &v["rows"];
    assert_eq!(rows["overridden"], 3);
    assert_eq!(base["rows"]["overridden"], 0);
    // R0002 was tagged and is now no answer; the other two stay tagged.
    let n = |v: &Value, k: &str| v["rows"][k].as_i64().unwrap();
    assert_eq!(n(&v, "tagged"), n(&base, "tagged") - 1);
    assert_eq!(n(&v, "no_answer"), n(&base, "no_answer") + 1);
    let count = |v: &Value, id: &str| reason(v, id)["count"].as_i64().unwrap();
    assert_eq!(count(&v, "moved"), count(&base, "moved"));
    assert_eq!(count(&v, "indifference"), count(&base, "indifference") - 1);
    assert_eq!(reason(&v, "moved")["from_override"], 1);
    assert_eq!(reason(&v, "dissatisfaction")["from_override"], 1);
    let o = &v["overrides"];
    assert_eq!(o["id_column"], "response_id");
    assert_eq!((&o["entries"], &o["rows"]), (&4.into(), &3.into()));
    assert_eq!(
        o["not_found"],
        serde_json::json!([{"id": "R9999", "line": 5}])
    );
    assert!(base.get("overrides").is_none());
    let out = churn()
        .args(["analyze", DEMO, "--overrides", &path])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("3 rows decided by hand (2 tagged); 1 id not found in the export: `R9999`"),
        "{text}"
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("1 id not found in column `response_id`"),
        "{err}"
    );
}

#[test]
fn tag_writes_the_override_and_its_note_as_the_evidence() {
    let (_dir, path) = temp_file("o.csv", OVERRIDES);
    let out = String::from_utf8(stdout_of(&["tag", DEMO, "--overrides", &path])).unwrap();
    let line = |id: &str| out.lines().find(|l| l.starts_with(id)).unwrap().to_string();
    assert!(
        line("R0001,").contains(",moved,moved,tagged,override: called the customer,,"),
        "{}",
        line("R0001,")
    );
    assert!(
        line("R0002,").contains(",,,no_answer,override,,"),
        "{}",
        line("R0002,")
    );
    assert!(line("R0003,").contains(",dissatisfaction,dissatisfaction,tagged,override,price,"));
    assert!(!line("R0004,").contains("override"));
}

#[test]
fn the_config_names_the_overrides_file_relative_to_itself() {
    let (dir, _) = temp_file("o.csv", OVERRIDES);
    let config = dir.path().join("churn.toml");
    std::fs::write(
        &config,
        "extends = \"builtin\"\n[analyze]\noverrides = \"o.csv\"\n",
    )
    .unwrap();
    let config = config.to_str().unwrap();
    let v = json_of(&["analyze", DEMO, "--config", config]);
    assert_eq!(v["rows"]["overridden"], 3);
    let check = json_of(&["check", DEMO, "--config", config]);
    assert_eq!(check["rows"]["overridden"], 3, "{check:#}");
}

#[test]
fn a_bad_overrides_file_is_an_error_naming_its_line_and_column() {
    for (text, says) in [
        (
            "response_id,reason\nR0001,pricey\n",
            "line 2, column 2 (`reason`): unknown reason `pricey`",
        ),
        (
            "response_id,reason\nR0001,moved\nR0001,died\n",
            "line 3: id `R0001` is overridden already on line 2",
        ),
        ("response_id,label\nR0001,moved\n", "a `reason` column"),
        (
            "response_id,reason\n,moved\n",
            "line 2, column 1 (`response_id`): blank id",
        ),
    ] {
        let (_dir, path) = temp_file("o.csv", text);
        let out = churn()
            .args(["analyze", DEMO, "--overrides", &path])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2));
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{text}: {err}");
    }
    let (_dir, path) = temp_file("o.csv", "order_no,reason\n1,moved\n");
    let out = churn()
        .args(["analyze", DEMO, "--overrides", &path])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--overrides") && err.contains("order_no"),
        "{err}"
    );
}

#[test]
fn from_tagged_turns_edited_reasons_into_overrides_that_reproduce_them() {
    let tagged = String::from_utf8(stdout_of(&["tag", DEMO])).unwrap();
    let mut rows: Vec<Vec<String>> = tagged
        .lines()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let reason = col("churn_reason");
    // Lines without quoted commas only: the first rows of the demo.
    assert!(rows[1..4].iter().all(|r| r.len() == rows[0].len()));
    rows[1][reason] = "moved".into(); // usability sub-reason left behind: dropped
    rows[3][reason] = String::new(); // cleared: unclassified
    let edited: String = rows[..4].iter().map(|r| r.join(",") + "\n").collect();
    let (dir, path) = temp_file("edited.csv", &edited);
    let out = String::from_utf8(stdout_of(&["overrides", "from-tagged", &path])).unwrap();
    assert_eq!(
        out,
        "response_id,reason,note\n\
         R0001,moved,churn said dissatisfaction.usability\n\
         R0003,unclassified,churn said moved.relocated\n"
    );
    let file = dir.path().join("o.csv");
    std::fs::write(&file, &out).unwrap();
    let file = file.to_str().unwrap();
    let again = String::from_utf8(stdout_of(&["tag", DEMO, "--overrides", file])).unwrap();
    let first = again.lines().nth(1).unwrap();
    assert!(
        first.contains(",moved,moved,tagged,override: churn said"),
        "{first}"
    );
    // Nothing edited: nothing to override.
    let (_d, path) = temp_file("t.csv", &tagged);
    let none = String::from_utf8(stdout_of(&["overrides", "from-tagged", &path])).unwrap();
    assert_eq!(none, "response_id,reason,note\n");
}

#[test]
fn overrides_reach_rows_read_in_blocks_on_every_core() {
    let mut export = String::from("id,reason\n");
    for i in 0..60_000 {
        export.push_str(&format!("{i},too expensive for us\n"));
    }
    let (dir, path) = temp_file("big.csv", &export);
    let file = dir.path().join("o.csv");
    std::fs::write(&file, "id,reason\n5,moved\n59999,moved\n30000,no_answer\n").unwrap();
    let v = json_of(&["analyze", &path, "--overrides", file.to_str().unwrap()]);
    assert_eq!(v["rows"]["overridden"], 3);
    assert_eq!(reason(&v, "moved")["count"], 2);
    assert_eq!(v["rows"]["no_answer"], 1);
    assert_eq!(v["overrides"]["not_found"], serde_json::json!([]));
}
