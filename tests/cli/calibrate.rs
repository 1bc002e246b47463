//! `analyze --calibrate LABELLED`: shares corrected for the tagger's error.

use crate::{churn, json_of, temp_file};
use serde_json::Value;

/// "support for the price" is truly about the price, but stated support first: tagged b.
const TAXONOMY: &str = r#"
[[reason]]
id = "a"
label = "Price"
meaning = "Price."
phrases.en = ["price"]

[[reason]]
id = "b"
label = "Support"
meaning = "Support."
phrases.en = ["support"]

[[benchmark]]
name = "even"
note = "Ours."
shares = { a = 50, b = 50 }

[analyze]
benchmark = "even"
"#;

fn rows(parts: &[(&str, &str, usize)]) -> String {
    let mut out = String::from("answer,truth\n");
    for (text, truth, n) in parts {
        for _ in 0..*n {
            out.push_str(&format!("{text},{truth}\n"));
        }
    }
    out
}

/// `churn analyze EXPORT --calibrate LABELLED` with [`TAXONOMY`], the files in a temporary
/// folder.
fn analyze(export: &str, labelled: &str) -> (tempfile::TempDir, Vec<String>) {
    let (dir, path) = temp_file("export.csv", export);
    let config = dir.path().join("churn.toml");
    std::fs::write(&config, TAXONOMY).unwrap();
    let sample = dir.path().join("labelled.csv");
    std::fs::write(&sample, labelled).unwrap();
    let path_of = |p: &std::path::Path| p.to_str().unwrap().to_string();
    let args = ["analyze", &path, "--no-model", "--calibrate"].map(String::from);
    let mut args = args.to_vec();
    args.extend([path_of(&sample), "--config".into(), path_of(&config)]);
    (dir, args)
}

fn run(labelled: &str, extra: &[&str]) -> (tempfile::TempDir, Value) {
    // Truly half a, half b; the tagger tags a fifth of a's as b.
    let export = rows(&[
        ("the price", "a", 400),
        ("support for the price", "a", 100),
        ("support", "b", 500),
    ]);
    let (dir, mut args) = analyze(&export, labelled);
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    (dir, json_of(&args))
}

#[test]
fn the_tagger_s_confusion_on_the_labelled_sample_corrects_the_shares() {
    let labelled = rows(&[
        ("the price", "a", 80),
        ("support for the price", "a", 20),
        ("support", "b", 100),
    ]);
    let (_dir, v) = run(&labelled, &[]);
    let c = &v["calibration"];
    assert_eq!(c["method"], "acc");
    assert_eq!(c["labelled_rows"], 200);
    let a = &c["reasons"][0];
    assert_eq!(a["id"], "a");
    assert_eq!(a["raw_share"], 0.4);
    assert!((a["share"].as_f64().unwrap() - 0.5).abs() < 1e-6, "{c:#}");
    let (lo, hi) = (
        a["ci"]["lower"].as_f64().unwrap(),
        a["ci"]["upper"].as_f64().unwrap(),
    );
    assert!(lo < 0.5 && 0.5 < hi && hi - lo < 0.2, "{c:#}");
    assert_eq!(a["labelled"], 100);
    assert_eq!(c["none"]["share"], 0.0);
    assert_eq!(c["note"], Value::Null);
    // The raw shares are untouched.
    assert_eq!(v["reasons"][0]["share"], 0.4);
    // Same bytes twice: the bootstrap is seeded.
    let (_d, again) = run(&labelled, &[]);
    assert_eq!(again["calibration"]["reasons"], c["reasons"]);
    // Another seed, other draws.
    let (_d, other) = run(&labelled, &["--seed", "7"]);
    assert_ne!(other["calibration"]["reasons"][0]["ci"], a["ci"]);
}

#[test]
fn a_small_labelled_sample_is_said_to_be_and_the_table_shows_both_shares() {
    let labelled = rows(&[
        ("the price", "a", 8),
        ("support for the price", "a", 2),
        ("support", "b", 6),
    ]);
    let (_dir, v) = run(&labelled, &[]);
    let note = v["calibration"]["note"].as_str().unwrap();
    assert!(
        note.contains("16 rows") && note.contains("fewer than 10 of b"),
        "{note}"
    );
    let (_dir, args) = analyze("answer\nthe price\nsupport\n", &labelled);
    let out = churn().args(&args).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Corrected for tagging error (ACC"), "{text}");
    assert!(text.contains("raw  50.0%  corrected"), "{text}");
    assert!(
        text.contains("Note: the labelled sample is small"),
        "{text}"
    );
}

#[test]
fn a_labelled_file_without_its_truth_column_is_an_error() {
    let (dir, path) = temp_file("l.csv", "answer,label\nthe price,a\n");
    let out = churn()
        .current_dir(dir.path())
        .args(["analyze", "fixtures/demo/surveys.csv", "--calibrate", &path])
        .current_dir(crate::root())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--calibrate") && err.contains("truth"),
        "{err}"
    );
}

#[test]
fn a_sheet_drawn_per_tag_is_corrected_by_each_tag_s_precision() {
    // Drawn per tag: 50 of the rows tagged a (all truly a), 60 of those tagged b, of which a
    // sixth are truly a, as in the export. True a = 0.4 + 0.6 / 6 = 0.5.
    let sheet = rows(&[
        ("the price", "a", 50),
        ("support for the price", "a", 10),
        ("support", "b", 50),
    ]);
    let (_dir, v) = run(&sheet, &["--calibrate-design", "per-tag"]);
    let c = &v["calibration"];
    assert_eq!(c["method"], "precision");
    assert!(
        (c["reasons"][0]["share"].as_f64().unwrap() - 0.5).abs() < 1e-9,
        "{c:#}"
    );
    // Read as a random sample, the same sheet says otherwise.
    let (_dir, random) = run(&sheet, &[]);
    let acc = random["calibration"]["reasons"][0]["share"]
        .as_f64()
        .unwrap();
    assert!((acc - 0.5).abs() > 0.02, "{acc}");
}
