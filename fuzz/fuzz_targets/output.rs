//! The `-o` writer (`churn_attribution::output::to_file`) on a small random tree: regular files
//! with modes and owners, directories, symbolic links (relative, absolute, dangling, looping,
//! chained, through a shared sticky folder), FIFOs, character devices, hard links and files
//! planted at temporary names, and a random target path (`..`, trailing `/`, long names).
//!
//! Invariants, checked on a snapshot of the whole sandbox before and after: no panic; on
//! success, reading the target (the kernel following the links) gives exactly the bytes, at
//! most one entry changed and it is a regular file holding them (never a link or a FIFO
//! replaced), with the old permission bits and owner, or `0666 & !umask` when new; a FIFO
//! reached gets the bytes through, and only that one; on error nothing changed at all. No
//! temporary file is ever left, since any new entry but the target breaks the snapshot.
//!
//! The tree sits 15 folders deep in its temporary directory, and names in the input never name
//! those folders, so no `..` in a path or a link can reach outside the sandbox (at most 7
//! levels up can be composed). Each FIFO has a reader thread; once the writer has returned,
//! the FIFO is opened and closed (read-write, which never blocks) until its reader has seen
//! the end, so no run waits for a writer that never comes.
#![no_main]

use std::collections::BTreeMap;
use std::fs;
use std::io::Read;
use std::os::unix::fs::{symlink, FileTypeExt, MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::thread::JoinHandle;

use libfuzzer_sys::fuzz_target;

/// Names the input picks from: usual ones, the old temporary name, long ones (the last one is
/// too long to be a file name), odd ones.
const NAMES: &[&str] = &[
    "a",
    "b",
    "r.json",
    "sub",
    "sub2",
    ".r.json.churn-tmp",
    ".a.churn-tmp",
    "x y",
    "é",
    "a.churn-tmp",
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
    "nnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnnn",
];

/// Link targets the input picks from, read from the link's folder (at most two `..` each).
const LINK_TARGETS: &[&str] = &[
    "a",
    "b",
    "r.json",
    "sub/a",
    "../a",
    "../../a",
    "sub/../a",
    "missing/a",
    "a/",
    "./a",
    "sub",
    "..",
    ".",
    "sub2/r.json",
    "../sub/b",
    "../../sub",
    "b/.",
    "",
];

/// Path components of the target.
const PARTS: &[&str] = &[
    "a", "b", "r.json", "sub", "sub2", "..", ".", "missing", "x y",
];

/// Modes of regular files (the writer keeps the permission bits, not set-user-ID and the like).
const MODES: &[u32] = &[
    0o600, 0o644, 0o640, 0o400, 0o000, 0o755, 0o666, 0o4755, 0o1644,
];

/// The input, read a byte at a time (zeros once it is used up).
struct Input<'a>(&'a [u8]);

impl Input<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[usize::from(self.byte()) % from.len()]
    }
}

/// What an entry of the sandbox is, as far as the invariants care.
#[derive(Debug, Clone, PartialEq)]
enum Entry {
    File {
        mode: u32,
        owner: (u32, u32),
        bytes: Vec<u8>,
    },
    Dir,
    Link(PathBuf),
    Fifo,
    Device(u64),
    Other,
}

fn entry(path: &Path) -> Entry {
    let meta = fs::symlink_metadata(path).unwrap();
    let kind = meta.file_type();
    if kind.is_file() {
        Entry::File {
            mode: meta.mode() & 0o7777,
            owner: (meta.uid(), meta.gid()),
            bytes: fs::read(path).unwrap(),
        }
    } else if kind.is_dir() {
        Entry::Dir
    } else if kind.is_symlink() {
        Entry::Link(fs::read_link(path).unwrap())
    } else if kind.is_fifo() {
        Entry::Fifo
    } else if kind.is_char_device() {
        Entry::Device(meta.rdev())
    } else {
        Entry::Other
    }
}

/// Every entry under `root`, links not followed.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, Entry> {
    let mut all = BTreeMap::new();
    let mut todo = vec![root.to_path_buf()];
    while let Some(dir) = todo.pop() {
        for item in fs::read_dir(&dir).unwrap() {
            let path = item.unwrap().path();
            let e = entry(&path);
            if e == Entry::Dir {
                todo.push(path.clone());
            }
            all.insert(path, e);
        }
    }
    all
}

/// A fresh temporary directory, in memory (/dev/shm) where there is one: fsync on a disk
/// would make each run take tens of milliseconds.
fn temp_dir() -> tempfile::TempDir {
    let shm = Path::new("/dev/shm");
    if shm.is_dir() {
        if let Ok(dir) = tempfile::tempdir_in(shm) {
            return dir;
        }
    }
    tempfile::tempdir().unwrap()
}

/// A character device to link into trees (a copy of /dev/null, made once), if mknod works.
fn device() -> Option<&'static Path> {
    static DEVICE: OnceLock<Option<(tempfile::TempDir, PathBuf)>> = OnceLock::new();
    let made = DEVICE.get_or_init(|| {
        let dir = temp_dir();
        let path = dir.path().join("null");
        let status = std::process::Command::new("mknod")
            .arg(&path)
            .args(["c", "1", "3"])
            .status()
            .ok()?;
        status.success().then_some((dir, path))
    });
    made.as_ref().map(|(_, path)| path.as_path())
}

/// The mode a new file gets here: 0666 less the umask.
fn new_file_mode() -> u32 {
    static MODE: OnceLock<u32> = OnceLock::new();
    *MODE.get_or_init(|| {
        let dir = temp_dir();
        let path = dir.path().join("probe");
        fs::File::create(&path).unwrap();
        fs::metadata(&path).unwrap().mode() & 0o7777
    })
}

/// Build the tree in `work` (and its `sub` folder) from the input.
fn build(input: &mut Input, work: &Path) {
    if input.byte() & 1 == 1 {
        // A shared folder, like /tmp: links of other users there are not followed.
        fs::set_permissions(work.join("sub"), fs::Permissions::from_mode(0o1777)).unwrap();
    }
    for _ in 0..input.byte() % 10 {
        let folder = if input.byte() & 1 == 0 {
            work.to_path_buf()
        } else {
            work.join("sub")
        };
        let path = folder.join(input.pick(NAMES));
        let kind = input.byte() % 9;
        let _ = make(input, kind, &path, work);
    }
}

/// One entry; failures (a name too long) leave the tree as it is, and a name taken is left
/// alone (writing a file there could follow a link, or wait on a FIFO).
fn make(input: &mut Input, kind: u8, path: &Path, work: &Path) -> std::io::Result<()> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(());
    }
    match kind {
        0 => {
            fs::write(path, format!("old {}", path.display()))?;
            fs::set_permissions(path, fs::Permissions::from_mode(input.pick(MODES)))?;
            if input.byte() & 1 == 1 {
                std::os::unix::fs::chown(path, Some(4321), Some(4322))?;
            }
        }
        1 => fs::create_dir(path)?,
        2 => symlink(input.pick(LINK_TARGETS), path)?,
        3 => symlink(work.join(input.pick(LINK_TARGETS)), path)?,
        4 => mkfifo(path)?,
        5 => {
            if let Some(device) = device() {
                fs::hard_link(device, path)?;
            }
        }
        6 => {
            // A second name for a regular file.
            let other = work.join(input.pick(NAMES));
            if fs::symlink_metadata(&other)?.is_file() {
                fs::hard_link(other, path)?;
            }
        }
        7 => {
            // Planted at a temporary name: a link to a file that must not change.
            fs::write(work.join("victim"), "victim")?;
            symlink(work.join("victim"), path)?;
        }
        _ => {
            // A link that belongs to someone else.
            symlink(input.pick(LINK_TARGETS), path)?;
            std::os::unix::fs::lchown(path, Some(4321), Some(4321))?;
        }
    }
    Ok(())
}

fn mkfifo(path: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes())?;
    // SAFETY: `c` is a valid NUL-terminated path for the duration of the call.
    if unsafe { libc::mkfifo(c.as_ptr(), 0o644) } == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The target path: up to three parts, maybe absolute, maybe ending in `/`, `/.` or `/..`.
fn target(input: &mut Input, work: &Path) -> PathBuf {
    let mut text = String::new();
    for i in 0..1 + input.byte() % 3 {
        if i > 0 {
            text.push('/');
        }
        let part = if input.byte() & 1 == 0 {
            input.pick(PARTS)
        } else {
            input.pick(NAMES)
        };
        text.push_str(part);
    }
    text.push_str(input.pick(&["", "", "", "/", "/.", "/.."]));
    work.join(text)
}

/// A reader for each FIFO of the tree, started before the writer runs.
fn readers(tree: &BTreeMap<PathBuf, Entry>) -> Vec<(PathBuf, JoinHandle<Vec<u8>>)> {
    let fifos = tree.iter().filter(|(_, e)| **e == Entry::Fifo);
    fifos
        .map(|(path, _)| {
            let p = path.clone();
            let reader = std::thread::spawn(move || {
                let mut bytes = Vec::new();
                fs::File::open(&p).unwrap().read_to_end(&mut bytes).unwrap();
                bytes
            });
            (path.clone(), reader)
        })
        .collect()
}

/// What each FIFO's reader got: once the writer is done, open and close the FIFO for reading
/// and writing until the reader has seen the end.
fn drain(readers: Vec<(PathBuf, JoinHandle<Vec<u8>>)>) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut got = BTreeMap::new();
    for (path, reader) in readers {
        assert!(
            entry(&path) == Entry::Fifo,
            "{} is no longer a FIFO",
            path.display()
        );
        while !reader.is_finished() {
            drop(fs::OpenOptions::new().read(true).write(true).open(&path));
            std::thread::yield_now();
        }
        got.insert(path, reader.join().unwrap());
    }
    got
}

/// The invariants after a successful write of `data` to `target`.
fn check_success(
    target: &Path,
    data: &[u8],
    before: &BTreeMap<PathBuf, Entry>,
    after: &BTreeMap<PathBuf, Entry>,
    fifos: &BTreeMap<PathBuf, Vec<u8>>,
) {
    let changed: Vec<_> = after
        .iter()
        .filter(|(path, e)| before.get(*path) != Some(*e))
        .collect();
    let gone = before.keys().filter(|p| !after.contains_key(*p)).count();
    assert_eq!(gone, 0, "entries removed: {changed:?}");
    let followed = fs::metadata(target).unwrap();
    if followed.file_type().is_fifo() {
        assert!(changed.is_empty(), "{changed:?}");
        for (path, got) in fifos {
            let reached = fs::metadata(path).unwrap().ino() == followed.ino();
            let expected = if reached { data } else { &[][..] };
            assert_eq!(got, expected, "{}", path.display());
        }
        return;
    }
    assert!(fifos.values().all(Vec::is_empty), "a FIFO got bytes");
    if followed.file_type().is_char_device() {
        assert!(changed.is_empty(), "{changed:?}");
        return;
    }
    assert_eq!(fs::read(target).unwrap(), data);
    assert_eq!(changed.len(), 1, "{changed:?}");
    let (path, now) = changed[0];
    let Entry::File { mode, owner, bytes } = now else {
        panic!("{} is now {now:?}", path.display());
    };
    assert_eq!(bytes, data);
    match before.get(path) {
        None => assert_eq!(*mode, new_file_mode(), "{}", path.display()),
        Some(Entry::File {
            mode: old,
            owner: old_owner,
            ..
        }) => {
            assert_eq!(*mode, old & 0o777, "{}", path.display());
            assert_eq!(owner, old_owner, "{}", path.display());
        }
        Some(old) => panic!("{} was {old:?}, replaced by a file", path.display()),
    }
}

fuzz_target!(|data: &[u8]| {
    churn_attribution::diag::set_quiet(true);
    let mut input = Input(data);
    let sandbox = temp_dir();
    let work = (1..=15).fold(sandbox.path().to_path_buf(), |p, i| p.join(format!("s{i}")));
    fs::create_dir_all(work.join("sub")).unwrap();
    build(&mut input, &work);
    let target = target(&mut input, &work);
    let take = usize::from(input.byte()) * 16;
    let bytes = &input.0[..take.min(input.0.len())];

    let before = snapshot(sandbox.path());
    let readers = readers(&before);
    let result = churn_attribution::output::to_file(&target, bytes);
    let fifos = drain(readers);
    let after = snapshot(sandbox.path());
    match result {
        Ok(()) => check_success(&target, bytes, &before, &after, &fifos),
        Err(_) => {
            assert!(before == after, "changed on error");
            assert!(
                fifos.values().all(Vec::is_empty),
                "a FIFO got bytes on error"
            );
        }
    }
});
