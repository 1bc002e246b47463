//! Integration tests: run the real `churn` binary on fixture files. One test binary on purpose
//! (with polars, every extra test binary costs a long link).

mod analyze;
mod calibrate;
mod check;
mod config;
mod discover;
mod docs;
mod errors;
mod evaluate;
mod formats;
mod hostile;
mod input;
mod languages;
mod layouts;
mod limits;
mod model;
mod output;
mod overrides;
mod properties;
mod report;
mod rule_stats;
mod stats;
mod tagging;
mod workbooks;

use std::path::PathBuf;

use assert_cmd::Command;

/// The `churn` binary, run from the repository root with color and locale noise removed.
pub fn churn() -> Command {
    let mut cmd = Command::cargo_bin("churn").expect("churn binary");
    cmd.current_dir(root())
        .env_remove("NO_COLOR")
        .env_remove("TERM");
    cmd
}

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Compare `actual` with a golden file under `fixtures/`; `CHURN_BLESS=1` rewrites it instead.
pub fn golden(relative: &str, actual: &[u8]) {
    let path = root().join("fixtures").join(relative);
    if std::env::var_os("CHURN_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
        return;
    }
    let expected = std::fs::read(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (run with CHURN_BLESS=1 to create)", path.display()));
    assert!(
        expected == actual,
        "output differs from {}\n--- expected\n{}\n--- actual\n{}",
        path.display(),
        String::from_utf8_lossy(&expected),
        String::from_utf8_lossy(actual)
    );
}

/// stdout of a successful run.
pub fn stdout_of(args: &[&str]) -> Vec<u8> {
    churn()
        .args(args)
        .assert()
        .success()
        .get_output()
        .stdout
        .clone()
}

/// stdout of a run that exits with `code`, as text.
pub fn stdout_with(args: &[&str], code: i32) -> String {
    let out = churn()
        .args(args)
        .assert()
        .code(code)
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out).expect("UTF-8 output")
}

/// Run churn with its stdout closed before it writes: it must exit 0 and say nothing.
pub fn closed_pipe(args: &[&str]) {
    use std::process::{Command, Stdio};
    let mut child = Command::new(assert_cmd::cargo::cargo_bin("churn"))
        .current_dir(root())
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    assert!(out.stderr.is_empty(), "{args:?}: {err}");
}

/// Run `churn ARGS` from the repository root through `sh -c SCRIPT`, where `"$@"` in the script
/// stands for the churn command line: to close or redirect a descriptor, or set the umask.
pub fn churn_in_sh(script: &str, args: &[&str]) -> std::process::Output {
    std::process::Command::new("sh")
        .current_dir(root())
        .args(["-c", script, "sh"])
        .arg(assert_cmd::cargo::cargo_bin("churn"))
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("TERM")
        .output()
        .unwrap()
}

/// stdout of a successful JSON run, parsed.
/// The entry of reason `id` in an `analyze --format json` report's `reasons`.
pub fn reason<'a>(report: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    report["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("no reason {id}"))
}

pub fn json_of(args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_slice(&stdout_of(&all)).expect("valid JSON")
}

/// A file with `text` in a fresh temporary directory; keep the directory alive while using it.
pub fn temp_file(name: &str, text: &str) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    let path = path.to_str().unwrap().to_string();
    (dir, path)
}

/// stderr of a run that fails with exit code 2 (a usage or input error).
pub fn failure(args: &[&str]) -> String {
    let out = churn()
        .args(args)
        .assert()
        .code(2)
        .get_output()
        .stderr
        .clone();
    String::from_utf8(out).unwrap()
}
