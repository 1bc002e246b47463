//! `churn discover`: candidates from the unclassified answers, and fragments that tag them.

use crate::{churn, json_of, stdout_of, temp_file};

/// An export where a cause the taxonomy does not know ("parking") recurs among the
/// unclassified answers, beside tagged ones.
fn export() -> String {
    let mut rows = vec!["id,reason".to_string()];
    let answers = [
        "too expensive",
        "support never answered",
        "we moved abroad",
        "no parking near the office",
        "parking at night",
        "Parking lot",
        "the parking garage closed",
        "my boss decided",
        "blorp",
    ];
    for (i, a) in answers.iter().cycle().take(40).enumerate() {
        rows.push(format!("{i},{a}"));
    }
    rows.join("\n") + "\n"
}

#[test]
fn discover_proposes_fragments_that_tag_what_they_say() {
    let (dir, path) = temp_file("exits.csv", &export());
    let v = json_of(&["discover", &path]);
    assert_eq!(v["schema_version"], 1);
    assert_eq!(v["scope"], "unclassified");
    let candidates = v["candidates"].as_array().unwrap();
    let first = &candidates[0];
    assert!(
        first["phrase"].as_str().unwrap().contains("parking"),
        "{v:#}"
    );
    assert_eq!(first["lang"], "en");
    // Four each, and a fifth "no parking near the office" (40 rows of 9 answers).
    assert_eq!(first["count"], 17);
    let examples = first["examples"].as_array().unwrap();
    assert_eq!(examples.len(), 2);
    assert_eq!(examples[0], "Parking lot");
    let base = json_of(&["analyze", &path]);
    let unclassified = base["rows"]["unclassified"].as_u64().unwrap();
    assert_eq!(v["rows"]["unclassified"], unclassified);
    // Each fragment, after `extends = "builtin"`, is a valid file that tags the rows it says.
    let config = dir.path().join("churn.toml");
    for c in candidates {
        let toml = c["toml"].as_str().unwrap();
        std::fs::write(&config, format!("extends = \"builtin\"\n\n{toml}")).unwrap();
        let config = config.to_str().unwrap();
        churn()
            .args(["taxonomy", "validate", config])
            .assert()
            .success();
        let after = json_of(&["analyze", &path, "--config", config, "--no-model"]);
        let before = json_of(&["analyze", &path, "--no-model"]);
        let tagged_now = before["rows"]["unclassified"].as_u64().unwrap()
            - after["rows"]["unclassified"].as_u64().unwrap();
        assert_eq!(c["would_tag"].as_u64().unwrap(), tagged_now, "{toml}");
        // A candidate that would tag none of them is not shown.
        assert!(tagged_now > 0, "{toml}");
    }
    // The same bytes on every run; a table names the candidates and shows a fragment.
    assert_eq!(
        stdout_of(&["discover", &path, "-f", "json"]),
        stdout_of(&["discover", &path, "-f", "json"])
    );
    let table = String::from_utf8(stdout_of(&["discover", &path])).unwrap();
    assert!(
        table.contains("parking") && table.contains("[[reason]]"),
        "{table}"
    );
    // --all reads the tagged answers too; --min-count above every count leaves none.
    let all = json_of(&["discover", &path, "--all"]);
    assert_eq!(all["scope"], "all");
    assert!(all["rows"]["target"].as_u64() > v["rows"]["target"].as_u64());
    let none = json_of(&["discover", &path, "--min-count", "1000"]);
    assert_eq!(none["candidates"], serde_json::json!([]));
}
