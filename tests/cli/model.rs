//! The learned second opinion: `churn train`, a model from churn.toml, `--no-model`, the
//! confidence in `tag`, `analyze` and `explain`, and broken model files. Models here are trained
//! on made-up words, so these tests do not change when the built-in model is retrained.

use crate::{churn, failure, json_of, stdout_of};

/// Answers in the words of a made-up language: "zorblax" means the customer moved.
const LABELLED: &str = "answer,truth\n\
zorblax,moved\n\
zorblax again,moved\n\
a zorblax,moved\n\
zorblax now,moved\n\
too expensive,dissatisfaction\n\
far too expensive,dissatisfaction\n\
quux,unclassified\n\
quux again,unclassified\n\
a quux,unclassified\n\
quux now,unclassified\n\
n/a,no_answer\n";

const ANSWERS: &str = "id,answer\n1,zorblax again\n2,too expensive\n3,quux\n4,n/a\n";

/// A folder with the labelled file, a model trained on it, answers, and a churn.toml that
/// uses the model (`model.bin`, relative to it).
struct Setup {
    dir: tempfile::TempDir,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
        write("labelled.csv", LABELLED);
        write("answers.csv", ANSWERS);
        write(
            "churn.toml",
            "extends = \"builtin\"\n[model]\npath = \"model.bin\"\n",
        );
        write(
            "off.toml",
            "extends = \"builtin\"\n[model]\nenabled = false\n",
        );
        let s = Setup { dir };
        let out = churn()
            .args(["train", &s.path("labelled.csv"), "--truth-col", "truth"])
            .args(["-o", &s.path("model.bin")])
            .assert()
            .success()
            .get_output()
            .clone();
        let summary = String::from_utf8(out.stderr).unwrap();
        assert!(summary.contains("training accuracy: 1.000"), "{summary}");
        assert!(summary.contains("skipped 1 row"), "{summary}");
        assert!(summary.contains("features kept: "), "{summary}");
        s
    }

    fn path(&self, name: &str) -> String {
        self.dir.path().join(name).to_str().unwrap().to_string()
    }

    /// `churn --config churn.toml ARGS`, stdout as text.
    fn run(&self, config: &str, args: &[&str]) -> String {
        let config = self.path(config);
        let mut all = vec!["--config", config.as_str()];
        all.extend(args);
        String::from_utf8(stdout_of(&all)).unwrap()
    }
}

#[test]
fn a_trained_model_decides_where_the_rules_are_silent() {
    let s = Setup::new();
    let answers = s.path("answers.csv");
    let tagged = s.run("churn.toml", &["tag", &answers]);
    let lines: Vec<&str> = tagged.lines().collect();
    assert_eq!(
        lines[0],
        "id,answer,churn_reason,churn_reasons,churn_status,churn_evidence,churn_sub_reason,\
         churn_confidence"
    );
    assert!(
        lines[1].starts_with("1,zorblax again,moved,moved,tagged,model,,0."),
        "{tagged}"
    );
    assert_eq!(
        lines[2],
        "2,too expensive,dissatisfaction,dissatisfaction,tagged,expensive,price,1.000"
    );
    assert!(
        lines[3].starts_with("3,quux,,,unclassified,,,0."),
        "{tagged}"
    );
    assert_eq!(lines[4], "4,n/a,,,no_answer,,,");

    let v: serde_json::Value =
        serde_json::from_str(&s.run("churn.toml", &["analyze", &answers, "-f", "json"])).unwrap();
    assert_eq!(v["rows"]["tagged"], 2);
    assert_eq!(v["rows"]["low_confidence"], 0, "the model is sure of quux");

    let e: serde_json::Value =
        serde_json::from_str(&s.run("churn.toml", &["explain", "zorblax again", "-f", "json"]))
            .unwrap();
    assert_eq!(e["outcome"]["source"], "model");
    assert_eq!(e["model"]["decided"], true);
    assert_eq!(e["model"]["top"], "moved");
    let total: f64 = e["model"]["probabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["probability"].as_f64().unwrap())
        .sum();
    assert!((total - 1.0).abs() < 0.01, "{total}");
    assert!(e["model"]["features"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["feature"].as_str().unwrap().contains("orb")));
    let table = s.run("churn.toml", &["explain", "zorblax again"]);
    assert!(table.contains("model:       decided the row"), "{table}");
    assert!(table.contains("for `moved`: "), "{table}");
}

#[test]
fn no_model_gives_the_outputs_of_the_rules_alone() {
    let s = Setup::new();
    let answers = s.path("answers.csv");
    let rules = s.run("churn.toml", &["tag", &answers, "--no-model"]);
    assert_eq!(
        rules,
        "id,answer,churn_reason,churn_reasons,churn_status,churn_evidence,churn_sub_reason\n\
         1,zorblax again,,,unclassified,,\n\
         2,too expensive,dissatisfaction,dissatisfaction,tagged,expensive,price\n\
         3,quux,,,unclassified,,\n\
         4,n/a,,,no_answer,,\n"
    );
    // `[model] enabled = false` is the same as the flag.
    assert_eq!(s.run("off.toml", &["tag", &answers]), rules);
    for command in ["analyze", "check", "evaluate", "compare", "explain"] {
        let args: Vec<&str> = match command {
            "evaluate" => vec!["evaluate", LABELLED_PATH, "--truth-col", "truth"],
            "compare" => vec!["compare", &answers, &answers],
            "explain" => vec!["explain", "zorblax"],
            other => vec![other, &answers],
        };
        let mut with = args.clone();
        with.extend(["--no-model", "-f", "json"]);
        let flag = s.run("churn.toml", &with);
        assert!(!flag.contains("low_confidence"), "{command}: {flag}");
        assert!(!flag.contains("\"model\""), "{command}: {flag}");
        let mut off = args.clone();
        off.extend(["-f", "json"]);
        assert_eq!(
            s.run("off.toml", &off),
            flag.replace("churn.toml", "off.toml"),
            "{command}"
        );
    }
}

/// A labelled file of the repository (evaluate runs on it with and without the model).
const LABELLED_PATH: &str = "fixtures/corpus/holdout.csv";

/// `churn train` writes a model, the same bytes every time (the built-in model's byte-for-byte
/// rebuild from the script's settings is a unit test of `commands::train`).
#[test]
fn train_writes_the_same_model_every_time() {
    let dir = tempfile::tempdir().unwrap();
    let built: Vec<Vec<u8>> = ["a.bin", "b.bin"]
        .iter()
        .map(|name| {
            let out = dir.path().join(name);
            churn()
                .args([
                    "train",
                    "fixtures/corpus/labelled.csv",
                    "--truth-col",
                    "truth",
                    "-o",
                ])
                .arg(&out)
                .assert()
                .success();
            std::fs::read(&out).unwrap()
        })
        .collect();
    assert!(built[0].starts_with(b"CHURNMDL"));
    assert!(built[0] == built[1], "training is deterministic");
    let err = failure(&[
        "train",
        "fixtures/corpus/labelled.csv",
        "--truth-col",
        "truth",
    ]);
    assert!(err.contains("-o model.bin"), "{err}");
    let err = failure(&[
        "train",
        "fixtures/small/surveys.csv",
        "--truth-col",
        "Plan",
        "-o",
        dir.path().join("c.bin").to_str().unwrap(),
    ]);
    assert!(err.contains("unknown label `"), "{err}");
}

#[test]
fn broken_model_files_are_errors_that_name_the_file() {
    let s = Setup::new();
    let answers = s.path("answers.csv");
    let model = std::fs::read(s.path("model.bin")).unwrap();
    for (bytes, says) in [
        (b"PK\x03\x04 a zip".to_vec(), "not a churn model"),
        (model[..model.len() / 2].to_vec(), "checksum mismatch"),
        (Vec::new(), "not a churn model"),
    ] {
        std::fs::write(s.path("model.bin"), &bytes).unwrap();
        let config = s.path("churn.toml");
        let err = failure(&["--config", &config, "analyze", &answers]);
        assert!(err.contains("model.bin") && err.contains(says), "{err}");
        assert!(err.contains("--no-model"), "{err}");
        // The rules alone still work, and validate reports the file.
        s.run("churn.toml", &["analyze", &answers, "--no-model"]);
        let out = churn()
            .args(["--config", &config, "taxonomy", "validate"])
            .assert()
            .code(1)
            .get_output()
            .stdout
            .clone();
        assert!(String::from_utf8(out).unwrap().contains(says));
    }
    std::fs::remove_file(s.path("model.bin")).unwrap();
    let err = failure(&["--config", &s.path("churn.toml"), "tag", &answers]);
    assert!(
        err.contains("no such file") && err.contains("[model] path"),
        "{err}"
    );
}

#[test]
fn taxonomy_validate_reports_model_labels_that_are_not_reasons() {
    let (_dir, config) = crate::temp_file(
        "churn.toml",
        "extends = \"builtin\"\ndrop = [\"friend_referral\"]\n",
    );
    let out = String::from_utf8(stdout_of(&["--config", &config, "taxonomy", "validate"])).unwrap();
    assert!(
        out.contains("the built-in model has labels that are not reasons of this taxonomy: `friend_referral`"),
        "{out}"
    );
    let v = json_of(&["--config", &config, "taxonomy", "validate"]);
    assert_eq!(v["valid"], true);
}
