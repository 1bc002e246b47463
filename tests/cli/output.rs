//! Where the report goes: `-o` on symbolic links, devices, FIFOs, `/dev/stdout`, files planted
//! at temporary names, permissions and owners, concurrent runs; and standard output or error
//! that is closed or full. Each test reproduces a way the output was lost or turned against
//! the user (issue 16).

use std::fs;
use std::io::{Read, Write};
use std::os::unix::fs::{symlink, FileTypeExt, MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

use crate::{churn, churn_in_sh, root, stdout_of};

const DEMO: &str = "fixtures/demo/surveys.csv";

/// The report `churn analyze DEMO` prints on stdout (the table).
fn report() -> Vec<u8> {
    stdout_of(&["analyze", DEMO])
}

/// Run `churn analyze DEMO -o TARGET` and expect success.
fn analyze_into(target: &Path) {
    churn()
        .args(["analyze", DEMO, "-o"])
        .arg(target)
        .assert()
        .success()
        .stdout("");
}

fn is_symlink(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// Names ending `.churn-tmp` left in `dir`, if any.
fn temp_files_in(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".churn-tmp"))
        .collect()
}

#[test]
fn output_symlink_is_kept_and_the_file_it_points_to_written() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    fs::write(d.join("real.txt"), "old").unwrap();
    // Relative to the link's folder, not to the working directory (the repository root).
    symlink("../real.txt", d.join("sub/link")).unwrap();
    // A chain: chain -> sub/link -> ../real.txt.
    symlink("sub/link", d.join("chain")).unwrap();
    for target in ["sub/link", "chain"] {
        fs::write(d.join("real.txt"), "old").unwrap();
        analyze_into(&d.join(target));
        assert!(is_symlink(&d.join("sub/link")), "{target}");
        assert!(is_symlink(&d.join("chain")), "{target}");
        assert_eq!(fs::read(d.join("real.txt")).unwrap(), report(), "{target}");
        assert_eq!(
            fs::read_link(d.join("sub/link")).unwrap(),
            Path::new("../real.txt")
        );
    }
    assert!(temp_files_in(d).is_empty() && temp_files_in(&d.join("sub")).is_empty());
}

#[test]
fn output_dangling_symlink_creates_the_file_it_points_to() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir(d.join("sub")).unwrap();
    symlink("new.txt", d.join("sub/link")).unwrap();
    let out = churn()
        .args(["analyze", DEMO, "-o"])
        .arg(d.join("sub/link"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("created") && err.contains("new.txt"), "{err}");
    assert!(is_symlink(&d.join("sub/link")));
    assert_eq!(fs::read(d.join("sub/new.txt")).unwrap(), report());
    assert!(
        !d.join("new.txt").exists(),
        "resolved against the working directory"
    );
}

#[test]
fn output_symlink_loop_is_an_error_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    symlink("b", d.join("a")).unwrap();
    symlink("a", d.join("b")).unwrap();
    let out = churn()
        .args(["analyze", DEMO, "-o"])
        .arg(d.join("a"))
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("--output") && err.contains("loop"), "{err}");
    assert!(is_symlink(&d.join("a")) && is_symlink(&d.join("b")));
    assert_eq!(fs::read_dir(d).unwrap().count(), 2);
}

#[test]
fn output_ignores_a_symlink_planted_at_the_old_temporary_name() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("victim.txt"), "precious").unwrap();
    symlink("victim.txt", d.join(".r.json.churn-tmp")).unwrap();
    analyze_into(&d.join("r.json"));
    assert_eq!(
        fs::read_to_string(d.join("victim.txt")).unwrap(),
        "precious"
    );
    assert!(!is_symlink(&d.join("r.json")));
    assert_eq!(fs::read(d.join("r.json")).unwrap(), report());
    assert!(
        is_symlink(&d.join(".r.json.churn-tmp")),
        "not ours to remove"
    );
}

#[test]
fn output_keeps_the_permissions_of_the_file_it_replaces() {
    let dir = tempfile::tempdir().unwrap();
    for mode in [0o600, 0o640, 0o755] {
        let path = dir.path().join(format!("rows-{mode:o}.txt"));
        fs::write(&path, "customer rows").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(mode)).unwrap();
        analyze_into(&path);
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(meta.mode() & 0o7777, mode, "{mode:o}");
        assert_eq!(fs::read(&path).unwrap(), report());
    }
}

#[test]
fn output_new_file_gets_the_usual_permissions_under_the_umask() {
    let dir = tempfile::tempdir().unwrap();
    for (umask, mode) in [("022", 0o644), ("077", 0o600), ("002", 0o664)] {
        let path = dir.path().join(format!("new-{umask}.txt"));
        let out = churn_in_sh(
            &format!("umask {umask}; exec \"$@\""),
            &["analyze", DEMO, "-o", path.to_str().unwrap()],
        );
        assert_eq!(out.status.code(), Some(0), "{out:?}");
        let meta = fs::metadata(&path).unwrap();
        assert_eq!(meta.mode() & 0o7777, mode, "umask {umask}");
    }
}

#[test]
fn output_keeps_the_owner_of_the_file_it_replaces_when_run_as_root() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("owned.txt");
    fs::write(&path, "old").unwrap();
    if let Err(e) = std::os::unix::fs::chown(&path, Some(4321), Some(4322)) {
        println!("skipped: cannot give a file to another owner here ({e}); needs root");
        return;
    }
    analyze_into(&path);
    let meta = fs::metadata(&path).unwrap();
    assert_eq!((meta.uid(), meta.gid()), (4321, 4322));
    assert_eq!(fs::read(&path).unwrap(), report());
}

#[test]
fn output_hard_linked_file_is_replaced_and_the_other_name_kept_with_a_note() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::write(d.join("r.txt"), "old").unwrap();
    fs::hard_link(d.join("r.txt"), d.join("other-name.txt")).unwrap();
    let out = churn()
        .args(["analyze", DEMO, "-o"])
        .arg(d.join("r.txt"))
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("hard link"), "{err}");
    assert_eq!(fs::read(d.join("r.txt")).unwrap(), report());
    assert_eq!(fs::read_to_string(d.join("other-name.txt")).unwrap(), "old");
}

/// A FIFO's reader gets the report, the FIFO stays a FIFO, and the run ends. The test holds the
/// FIFO open for reading and writing (on Linux such an open never blocks), so churn's open finds
/// a reader; afterwards the test writes an end marker itself and reads up to it, so nothing waits
/// on timing, and a FIFO replaced by a file gives an empty read instead of a hang.
#[test]
fn output_fifo_is_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        println!("skipped: mkfifo failed here");
        return;
    }
    let mut reader = fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .unwrap();
    let expected = report();
    assert!(
        expected.len() < 60_000,
        "the report must fit in a pipe's buffer"
    );
    analyze_into(&fifo);
    const END: &[u8] = b"\n-- end of test --\n";
    reader.write_all(END).unwrap();
    let mut got = Vec::new();
    let mut chunk = [0u8; 8192];
    while !got.ends_with(END) {
        let n = reader.read(&mut chunk).unwrap();
        got.extend_from_slice(&chunk[..n]);
    }
    got.truncate(got.len() - END.len());
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert_eq!(got, expected);
}

#[test]
fn output_character_device_stays_a_device() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("null");
    // A copy of /dev/null (major 1, minor 3): never the system's own.
    let made = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .output();
    match made {
        Ok(out) if out.status.success() => {}
        other => {
            println!("skipped: mknod failed here (needs root): {other:?}");
            return;
        }
    }
    analyze_into(&device);
    let meta = fs::symlink_metadata(&device).unwrap();
    assert!(meta.file_type().is_char_device());
    assert_eq!(meta.rdev(), fs::metadata("/dev/null").unwrap().rdev());
}

/// `-o /dev/stdout` (and the descriptor paths it links to) prints the report. The safe names
/// come first, so a regression fails there before `/dev/stdout` itself is touched; if it was
/// replaced all the same, the link is put back before the test fails.
#[test]
fn output_to_dev_stdout_prints_the_report() {
    let expected = report();
    let was_link = is_symlink(Path::new("/dev/stdout"));
    for target in ["/proc/self/fd/1", "/dev/fd/1", "/dev/stdout"] {
        if !Path::new(target).exists() {
            println!("skipped {target}: not on this system");
            continue;
        }
        let out = churn()
            .args(["analyze", DEMO, "-o", target])
            .output()
            .unwrap();
        if was_link && !is_symlink(Path::new("/dev/stdout")) {
            let _ = fs::remove_file("/dev/stdout");
            let _ = symlink("/proc/self/fd/1", "/dev/stdout");
            panic!("-o /dev/stdout replaced the system's /dev/stdout (now restored)");
        }
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{target}: {err}");
        assert_eq!(out.stdout, expected, "{target}");
    }
}

#[test]
fn closed_stdout_is_an_error() {
    let out = churn_in_sh("exec \"$@\" >&-", &["analyze", DEMO]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot write the report to standard output"),
        "{err}"
    );
    // The same through `-o /dev/stdout`.
    let out = churn_in_sh("exec \"$@\" >&-", &["analyze", DEMO, "-o", "/dev/stdout"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    // Nothing to write: nothing lost.
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("churn.toml");
    let out = churn_in_sh(
        "exec \"$@\" >&-",
        &["taxonomy", "init", toml.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(toml.exists());
}

#[test]
fn full_stdout_is_an_error() {
    let out = churn_in_sh("exec \"$@\" >/dev/full", &["analyze", DEMO]);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("cannot write the report to standard output: No space left"),
        "{err}"
    );
}

/// With stderr closed or full, notes and errors are lost but nothing panics, and the exit code
/// still tells.
#[test]
fn closed_or_full_stderr_keeps_the_exit_code() {
    let likert = "id,Feedback\n1,A\n2,SA\n3,N\n4,too expensive\n5,D\n6,SD\n";
    let (_dir, noisy) = crate::temp_file("likert.csv", likert);
    for redirect in ["2>&-", "2>/dev/full"] {
        let script = format!("exec \"$@\" {redirect}");
        let failed = churn_in_sh(&script, &["analyze", "no-such-file.csv"]);
        assert_eq!(failed.status.code(), Some(2), "{redirect}: {failed:?}");
        let noted = churn_in_sh(&script, &["analyze", &noisy]);
        assert_eq!(noted.status.code(), Some(0), "{redirect}: {noted:?}");
        assert!(!noted.stdout.is_empty());
    }
}

/// Runs started together into the same `-o` each replace the file whole: it ends up holding
/// one complete report (whichever finished last), never a mix, and no temporary file remains.
#[test]
fn concurrent_runs_into_one_output_leave_one_complete_report() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("report.out");
    let formats = ["json", "csv", "markdown", "table"];
    let expected: Vec<Vec<u8>> = formats
        .iter()
        .map(|f| stdout_of(&["analyze", DEMO, "--format", f]))
        .collect();
    let children: Vec<_> = (0..12)
        .map(|i| {
            Command::new(assert_cmd::cargo::cargo_bin("churn"))
                .current_dir(root())
                .args(["analyze", DEMO, "--format", formats[i % 4], "-o"])
                .arg(&target)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(0), "{err}");
    }
    let written = fs::read(&target).unwrap();
    assert!(expected.contains(&written), "a mixed output");
    assert!(temp_files_in(dir.path()).is_empty());
}

/// In a folder anyone may write to (sticky, like /tmp), a link that belongs to someone else is
/// not followed: the kernel refuses the same to a shell's `>` (protected_symlinks).
#[test]
fn output_refuses_a_link_planted_by_another_user_in_a_shared_folder() {
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("shared");
    fs::create_dir(&shared).unwrap();
    fs::set_permissions(&shared, fs::Permissions::from_mode(0o1777)).unwrap();
    let victim = dir.path().join("victim.txt");
    fs::write(&victim, "precious").unwrap();
    let link = shared.join("report.txt");
    symlink(&victim, &link).unwrap();
    if let Err(e) = std::os::unix::fs::lchown(&link, Some(4321), Some(4321)) {
        println!("skipped: cannot give a link to another owner here ({e}); needs root");
        return;
    }
    let out = churn()
        .args(["analyze", DEMO, "-o"])
        .arg(&link)
        .assert()
        .code(2);
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("another user"), "{err}");
    assert_eq!(fs::read_to_string(&victim).unwrap(), "precious");
    assert!(is_symlink(&link));
}

#[test]
fn output_to_a_directory_or_a_name_ending_in_a_slash_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_str().unwrap();
    let err = crate::failure(&["analyze", DEMO, "-o", d]);
    assert!(err.contains("is a directory"), "{err}");
    let slash = format!("{d}/new/");
    let err = crate::failure(&["analyze", DEMO, "-o", &slash]);
    assert!(err.contains("file name"), "{err}");
    assert!(!dir.path().join("new").exists());
}

/// `tag -o`, `check --format junit -o` and `taxonomy init` write through the same writer: a link
/// is followed and kept, permissions kept.
#[test]
fn every_command_writes_through_the_same_writer() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let cases: [&[&str]; 3] = [
        &["tag", DEMO, "-o"],
        &[
            "check",
            "fixtures/check/fail.csv",
            "--format",
            "junit",
            "-o",
        ],
        &["taxonomy", "init", "--force"],
    ];
    for (i, args) in cases.iter().enumerate() {
        let real = d.join(format!("real-{i}"));
        let link = d.join(format!("link-{i}"));
        fs::write(&real, "old").unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        symlink(&real, &link).unwrap();
        let out = churn().args(*args).arg(&link).output().unwrap();
        assert!(out.status.code() != Some(2), "{args:?}: {out:?}");
        assert!(is_symlink(&link), "{args:?}");
        let text = fs::read_to_string(&real).unwrap();
        assert!(text.len() > 100, "{args:?}: {text}");
        let mode = fs::metadata(&real).unwrap().mode() & 0o777;
        assert_eq!(mode, 0o600, "{args:?}");
    }
}

/// A file mounted on its own (as `docker run -v ./r.json:/out/r.json` does) cannot be renamed
/// over: it is written in place, with a note.
#[test]
fn output_file_mounted_on_its_own_is_written_in_place() {
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let (source, mounted) = (dir.path().join("source"), dir.path().join("mounted"));
    fs::write(&source, "old").unwrap();
    fs::write(&mounted, "").unwrap();
    let made = Command::new("mount")
        .arg("--bind")
        .args([&source, &mounted])
        .output();
    match made {
        Ok(out) if out.status.success() => {}
        other => {
            println!("skipped: mount --bind failed here (needs root): {other:?}");
            return;
        }
    }
    let _unmount = Unmount(&mounted);
    let out = churn()
        .args(["analyze", DEMO, "-o"])
        .arg(&mounted)
        .assert()
        .success();
    let err = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    assert!(err.contains("mount point"), "{err}");
    assert_eq!(fs::read(&source).unwrap(), report());
    assert!(temp_files_in(dir.path()).is_empty());
}
