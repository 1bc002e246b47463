//! Errors a person can act on: exit code 2 and a message naming the file and what to do.

use crate::churn;

fn fails(args: &[&str]) -> String {
    let out = churn().args(args).assert().code(2).get_output().clone();
    assert!(out.stdout.is_empty(), "nothing on stdout on error");
    String::from_utf8(out.stderr).unwrap()
}

#[test]
fn missing_file() {
    let err = fails(&["analyze", "fixtures/does-not-exist.csv"]);
    assert!(err.contains("`fixtures/does-not-exist.csv`"), "{err}");
    assert!(err.contains("no such file"), "{err}");
}

#[test]
fn directory_instead_of_file() {
    let err = fails(&["analyze", "fixtures"]);
    assert!(err.contains("`fixtures` is a directory"), "{err}");
}

#[test]
fn missing_reason_column_lists_columns_and_suggests() {
    let err = fails(&["analyze", "fixtures/bad/no_reason_column.csv"]);
    assert!(err.contains("fixtures/bad/no_reason_column.csv"), "{err}");
    assert!(err.contains("no reason column found"), "{err}");
    assert!(err.contains("did you mean `reasn`?"), "{err}");
    assert!(err.contains("columns: `id`, `reasn`, `plan`"), "{err}");
    assert!(err.contains("--reason-col"), "{err}");
}

#[test]
fn unknown_column_named_by_flag() {
    let err = fails(&[
        "analyze",
        "fixtures/small/surveys.csv",
        "--reason-col",
        "churn reasn",
    ]);
    assert!(
        err.contains("--reason-col: no column `churn reasn`"),
        "{err}"
    );
    assert!(err.contains("did you mean `Churn Reason`?"), "{err}");
}

#[test]
fn wrong_field_count_names_the_line() {
    let err = fails(&["analyze", "fixtures/bad/wrong_field_count.csv"]);
    assert!(err.contains("fixtures/bad/wrong_field_count.csv"), "{err}");
    assert!(
        err.contains("line 4: expected 3 fields (as in the header), found 4"),
        "{err}"
    );
}

#[test]
fn empty_and_header_only_files() {
    let err = fails(&["analyze", "fixtures/bad/empty.csv"]);
    assert!(err.contains("file is empty"), "{err}");
    let err = fails(&["analyze", "fixtures/bad/header_only.csv"]);
    assert!(err.contains("header but no data rows"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    let out = churn()
        .args(["analyze"])
        .assert()
        .code(2)
        .get_output()
        .clone();
    assert!(String::from_utf8_lossy(&out.stderr).contains("FILE"));
    churn()
        .args([
            "analyze",
            "fixtures/small/surveys.csv",
            "--benchmark",
            "nope",
        ])
        .assert()
        .code(2);
    churn()
        .args(["analyze", "fixtures/small/surveys.csv", "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn no_panic_no_backtrace_on_garbage() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.csv");
    let bytes: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 13) as u8)
        .collect();
    std::fs::write(&path, bytes).unwrap();
    let out = churn()
        .arg("analyze")
        .arg(&path)
        .assert()
        .code(2)
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("churn: error:"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn few_matches_hint_at_the_wrong_column() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("likert.csv");
    std::fs::write(
        &path,
        "id,Feedback\n1,A\n2,SA\n3,N\n4,too expensive\n5,D\n6,SD\n",
    )
    .unwrap();
    let out = churn()
        .arg("analyze")
        .arg(&path)
        .assert()
        .success()
        .get_output()
        .clone();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("only 1 of 6 answers matched a reason; is `Feedback` the column"),
        "{err}"
    );
    // A healthy file gets no note.
    let out = churn()
        .args(["analyze", "fixtures/small/surveys.csv"])
        .assert()
        .success()
        .get_output()
        .clone();
    assert!(out.stderr.is_empty());
}
