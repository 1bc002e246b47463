//! Where a command's output goes: standard output, or the file named by `-o` (and the file
//! `churn taxonomy init` writes). A regular file is replaced whole, through a temporary file
//! with a random name beside it; anything else (a device, a FIFO, `/dev/stdout`) is written
//! through; a symbolic link is followed and kept. docs/output.md ("What `-o` does
//! with what is already there") says the same for users.
//!
//! Nothing here knows about clap: callers pass a path and the bytes.

use std::ffi::OsStr;
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};

/// How many symbolic links a path may go through, as on Linux (MAXSYMLINKS).
const MAX_LINKS: usize = 40;

/// How much of the target's name the temporary file's name keeps, so that it stays within the
/// 255 bytes a file name may have.
const NAME_IN_TEMP: usize = 100;

/// Write `bytes` to standard output. A closed pipe (`| head -1`) comes back as the
/// `BrokenPipe` error it is, for `main` to end quietly; a closed or failing stdout is an error.
pub fn to_stdout(bytes: &[u8]) -> Result<()> {
    const WHAT: &str = "cannot write the report to standard output";
    if bytes.is_empty() {
        return Ok(());
    }
    if platform::stdout_is_closed() {
        bail!("{WHAT}: it is closed (as with `>&-`); redirect it to a file, or give -o FILE");
    }
    let mut stdout = io::stdout().lock();
    stdout
        .write_all(bytes)
        .and_then(|()| stdout.flush())
        .context(WHAT)
}

/// Write `bytes` to `path`: replace a regular file whole (following links, keeping its
/// permissions), write through anything else, refuse a directory. On error a regular file is
/// left as it was and no temporary file remains.
pub fn to_file(path: &Path, bytes: &[u8]) -> Result<()> {
    if ends_without_name(path) {
        if path.is_dir() {
            bail!("`{}` is a directory; give a file name", path.display());
        }
        bail!("`{}` does not end with a file name", path.display());
    }
    match resolve(path)? {
        Target::Stdout => to_stdout(bytes),
        Target::Through { path, append } => write_through(&path, append, bytes),
        Target::Replace { path: file, old } => {
            replace(&file, old.as_ref(), bytes)?;
            note_replaced(path, &file, old.as_ref());
            Ok(())
        }
    }
}

/// Output written as it is made, for output too large to hold (`churn tag`): standard output
/// through a buffer, or the file named by `-o`, replaced whole as [`to_file`] replaces it (a
/// temporary file beside it, renamed over it by [`Streamed::finish`]; dropped without it, the
/// temporary file is removed and the old file stays).
pub struct Streamed {
    to: Streaming,
    /// Whether a write failed (the error says so; a caller's error may be about something
    /// else).
    failed: bool,
}

enum Streaming {
    Stdout(io::BufWriter<io::Stdout>),
    Through {
        file: io::BufWriter<File>,
        path: PathBuf,
    },
    Replace {
        temp: io::BufWriter<tempfile::NamedTempFile>,
        path: PathBuf,
        asked: PathBuf,
        old: Option<Old>,
    },
}

/// Open where streamed output goes: `path`, or standard output.
pub fn streamed(path: Option<&Path>) -> Result<Streamed> {
    let to = match path {
        None => stdout_stream()?,
        Some(path) => {
            if ends_without_name(path) {
                if path.is_dir() {
                    bail!("`{}` is a directory; give a file name", path.display());
                }
                bail!("`{}` does not end with a file name", path.display());
            }
            match resolve(path)? {
                Target::Stdout => stdout_stream()?,
                Target::Through { path, append } => Streaming::Through {
                    file: io::BufWriter::new(open_through(&path, append)?),
                    path,
                },
                Target::Replace { path: file, old } => Streaming::Replace {
                    temp: io::BufWriter::new(temp_beside(&folder_of(&file), &file, old.as_ref())?),
                    path: file,
                    asked: path.to_path_buf(),
                    old,
                },
            }
        }
    };
    Ok(Streamed { to, failed: false })
}

fn stdout_stream() -> Result<Streaming> {
    if platform::stdout_is_closed() {
        bail!(
            "cannot write to standard output: it is closed (as with `>&-`); redirect it to a \
             file, or give -o FILE"
        );
    }
    Ok(Streaming::Stdout(io::BufWriter::with_capacity(
        1 << 16,
        io::stdout(),
    )))
}

impl Streamed {
    /// Whether a write failed.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// What the output is, for messages.
    pub fn name(&self) -> String {
        match &self.to {
            Streaming::Stdout(_) => "standard output".to_string(),
            Streaming::Through { path, .. } | Streaming::Replace { path, .. } => {
                format!("`{}`", path.display())
            }
        }
    }

    /// Everything is written: flush it, and put a replaced file in place.
    pub fn finish(self) -> Result<()> {
        let name = self.name();
        match self.to {
            Streaming::Stdout(mut out) => {
                out.flush().with_context(|| format!("cannot write {name}"))
            }
            Streaming::Through { mut file, .. } => {
                file.flush().with_context(|| format!("cannot write {name}"))
            }
            Streaming::Replace {
                temp,
                path,
                asked,
                old,
            } => {
                let temp = temp
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|t| t.as_file().sync_all().map(|()| t))
                    .with_context(|| format!("cannot write {name}"))?;
                put_in_place(temp, &path)?;
                note_replaced(&asked, &path, old.as_ref());
                Ok(())
            }
        }
    }
}

impl Write for Streamed {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let written = match &mut self.to {
            Streaming::Stdout(out) => out.write(buf),
            Streaming::Through { file, .. } => file.write(buf),
            Streaming::Replace { temp, .. } => temp.write(buf),
        };
        self.failed |= written.is_err();
        written
    }

    fn flush(&mut self) -> io::Result<()> {
        let flushed = match &mut self.to {
            Streaming::Stdout(out) => out.flush(),
            Streaming::Through { file, .. } => file.flush(),
            Streaming::Replace { temp, .. } => temp.flush(),
        };
        self.failed |= flushed.is_err();
        flushed
    }
}

/// Rename a written temporary file over `path`. A file mounted on its own (`docker run -v
/// ./r.json:/out/r.json`) cannot be renamed over; writing it in place is what the user asked
/// for.
fn put_in_place(temp: tempfile::NamedTempFile, path: &Path) -> Result<()> {
    let dir = folder_of(path);
    match temp.persist(path) {
        Ok(_) => {}
        Err(e) if e.error.kind() == io::ErrorKind::ResourceBusy => {
            let mut written = e.file.reopen()?;
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut written, &mut bytes)?;
            drop(e.file);
            return write_in_place(path, &bytes);
        }
        Err(e) => {
            return Err(e.error).with_context(|| format!("cannot replace `{}`", path.display()))
        }
    }
    // Best effort: make the rename itself durable.
    if let Ok(folder) = File::open(&dir) {
        let _ = folder.sync_all();
    }
    Ok(())
}

/// What writing to a path means, once its links are followed.
#[derive(Debug, PartialEq)]
enum Target {
    /// A regular file, or nothing yet: replaced whole. `path` is the file itself.
    Replace { path: PathBuf, old: Option<Old> },
    /// Not a regular file (a device, a FIFO...): opened and written in place; `append` for a
    /// regular file reached through `/proc/self/fd/N`, so that a shell's `>>` is honoured.
    Through { path: PathBuf, append: bool },
    /// This process's own standard output, named `/dev/stdout`, `/dev/fd/1`, `/proc/self/fd/1`.
    Stdout,
}

/// What is kept of the regular file being replaced.
#[derive(Debug, Clone, PartialEq)]
struct Old {
    permissions: fs::Permissions,
    owner: Option<(u32, u32)>,
    links: u64,
}

/// Follow `path` through its symbolic links to what writing to it reaches.
fn resolve(path: &Path) -> Result<Target> {
    let mut current = path.to_path_buf();
    for _ in 0..=MAX_LINKS {
        let meta = match fs::symlink_metadata(&current) {
            Ok(meta) => meta,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return new_file(current),
            Err(e) => {
                return Err(e).with_context(|| format!("cannot look up `{}`", current.display()))
            }
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            if platform::is_magic_link(&meta) {
                return magic_link(current);
            }
            platform::may_follow(&current, &meta)?;
            current = follow(&current)?;
        } else if kind.is_dir() {
            bail!("`{}` is a directory; give a file name", current.display());
        } else if kind.is_file() {
            let old = Some(platform::old(&meta));
            return Ok(Target::Replace { path: current, old });
        } else {
            return Ok(Target::Through {
                path: current,
                append: false,
            });
        }
    }
    bail!(
        "`{}` goes through more than {MAX_LINKS} symbolic links: is there a loop?",
        path.display()
    )
}

/// The file a link points to: a relative target is read from the link's folder.
fn follow(link: &Path) -> Result<PathBuf> {
    let target = fs::read_link(link)
        .with_context(|| format!("cannot read the symbolic link `{}`", link.display()))?;
    Ok(if target.is_absolute() {
        target
    } else {
        folder_of(link).join(target)
    })
}

/// Nothing at `path` (a new file, or the missing target of a link): it is created, if its name
/// is a file name.
fn new_file(path: PathBuf) -> Result<Target> {
    if ends_without_name(&path) {
        bail!("`{}` does not end with a file name", path.display());
    }
    let folder = folder_of(&path);
    if platform::in_proc(&folder) {
        bail!(
            "`{}` does not exist (not an open file descriptor?), and no file can be created in \
             `{}`",
            path.display(),
            folder.display()
        );
    }
    Ok(Target::Replace { path, old: None })
}

/// A link the kernel makes up (`/proc/self/fd/1`): what it points to has no name to follow,
/// so it is opened as it is; when it is our own stdout, the report goes there.
fn magic_link(path: PathBuf) -> Result<Target> {
    let meta = fs::metadata(&path).with_context(|| format!("cannot open `{}`", path.display()))?;
    if meta.is_dir() {
        bail!("`{}` is a directory; give a file name", path.display());
    }
    if platform::is_own_stdout(&path) {
        return Ok(Target::Stdout);
    }
    let append = meta.is_file();
    Ok(Target::Through { path, append })
}

/// Whether a path names no file: it ends with `/`, `.` or `..`, or is empty.
fn ends_without_name(path: &Path) -> bool {
    let text = path.as_os_str().as_encoded_bytes();
    let last = text.rsplit(|&b| b == b'/').next().unwrap_or_default();
    matches!(last, b"" | b"." | b"..")
}

/// The folder a path is in (`.` for a bare name).
fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Open something that is not a regular file and write into it. If it has become a regular
/// file since it was looked at, nothing is written.
fn write_through(path: &Path, append: bool, bytes: &[u8]) -> Result<()> {
    let shown = path.display();
    let mut file = open_through(path, append)?;
    file.write_all(bytes)
        .and_then(|()| file.flush())
        .with_context(|| format!("cannot write `{shown}`"))
}

/// Open something that is not a regular file for writing; refuse it if it has become a regular
/// file since it was looked at.
fn open_through(path: &Path, append: bool) -> Result<File> {
    let shown = path.display();
    let file = OpenOptions::new()
        .write(true)
        .append(append)
        .open(path)
        .with_context(|| format!("cannot open `{shown}`"))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot open `{shown}`"))?;
    if meta.is_file() && !append {
        bail!("`{shown}` was replaced by a regular file while churn was writing; run again");
    }
    Ok(file)
}

/// Replace the regular file `path` (or create it) with `bytes`: write a new file with a random
/// name in the same folder, flush it to disk, give it the old file's permissions (and owner,
/// when allowed), then rename it over `path`. A reader sees the old file or the new, whole.
fn replace(path: &Path, old: Option<&Old>, bytes: &[u8]) -> Result<()> {
    let mut temp = temp_beside(&folder_of(path), path, old)?;
    temp.write_all(bytes)
        .and_then(|()| temp.as_file().sync_all())
        .with_context(|| format!("cannot write `{}`", temp.path().display()))?;
    put_in_place(temp, path)
}

/// Truncate `path` and write `bytes` into it, for a file that cannot be replaced.
fn write_in_place(path: &Path, bytes: &[u8]) -> Result<()> {
    let shown = path.display();
    let mut file = OpenOptions::new()
        .write(true)
        .truncate(true)
        .open(path)
        .with_context(|| format!("cannot open `{shown}`"))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write `{shown}`"))?;
    crate::diag::note(format_args!(
        "`{shown}` is a mount point and cannot be replaced whole; it was written in place"
    ));
    Ok(())
}

/// An empty temporary file `.NAME.XXXXXX.churn-tmp` in `dir`, created exclusively (never
/// through a link planted at its name), with the permissions the file will have.
fn temp_beside(dir: &Path, path: &Path, old: Option<&Old>) -> Result<tempfile::NamedTempFile> {
    let name = path.file_name().unwrap_or(OsStr::new("output"));
    let mut short = name.to_string_lossy().into_owned();
    while short.len() > NAME_IN_TEMP {
        short.pop();
    }
    let prefix = format!(".{short}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".churn-tmp");
    platform::create_mode(&mut builder, old.is_none());
    let temp = builder.tempfile_in(dir).map_err(|e| {
        let dir = dir.display();
        match e.kind() {
            io::ErrorKind::NotFound => anyhow::anyhow!("the folder `{dir}` does not exist"),
            _ => anyhow::Error::new(e).context(format!(
                "cannot create a temporary file in `{dir}` to replace `{}` whole",
                path.display()
            )),
        }
    })?;
    if let Some(old) = old {
        platform::keep(temp.as_file(), old)
            .with_context(|| format!("cannot set the permissions of `{}`", path.display()))?;
    }
    Ok(temp)
}

/// Notes on what replacing did beyond the obvious: a file created where a link pointed, a
/// hard link broken.
fn note_replaced(asked: &Path, file: &Path, old: Option<&Old>) {
    match old {
        None if asked != file => crate::diag::note(format_args!(
            "created `{}`, the file the link `{}` points to",
            file.display(),
            asked.display()
        )),
        Some(old) if old.links > 1 => crate::diag::note(format_args!(
            "`{}` had {} names (hard links); it was replaced, and its other names keep the old \
             content",
            file.display(),
            old.links
        )),
        _ => {}
    }
}

#[cfg(unix)]
mod platform {
    //! Unix: permissions as modes, owners, the protected-symlinks rule, `/proc` links, and a
    //! closed stdout.

    use std::fs::{self, File, Metadata};
    use std::os::fd::AsFd;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::Path;
    use std::sync::atomic::{AtomicBool, Ordering};

    use anyhow::{bail, Result};

    use super::Old;

    /// What is kept of a regular file: its permission bits (not set-user-ID or set-group-ID),
    /// owner and group, and its number of names.
    pub(super) fn old(meta: &Metadata) -> Old {
        Old {
            permissions: fs::Permissions::from_mode(meta.mode() & 0o777),
            owner: Some((meta.uid(), meta.gid())),
            links: meta.nlink(),
        }
    }

    /// A new file is created as `0666 & !umask`, like a shell's `>`; a replacement starts
    /// private (0600) until it is given the old file's owner and permissions.
    pub(super) fn create_mode(builder: &mut tempfile::Builder, new: bool) {
        let mode = if new { 0o666 } else { 0o600 };
        builder.permissions(fs::Permissions::from_mode(mode));
    }

    /// Give `file` the old file's owner and group (best effort: only root may give a file
    /// away), then its permissions.
    pub(super) fn keep(file: &File, old: &Old) -> std::io::Result<()> {
        let meta = file.metadata()?;
        if let Some((uid, gid)) = old.owner {
            if (meta.uid(), meta.gid()) != (uid, gid) {
                let _ = std::os::unix::fs::fchown(file, Some(uid), Some(gid));
            }
        }
        file.set_permissions(old.permissions.clone())
    }

    /// The kernel's protected_symlinks rule, which a shell's `>` obeys: in a folder anyone may
    /// write to and only owners may delete from (sticky, like /tmp), a link is followed only if
    /// it belongs to us or to the folder's owner. Checked here because churn follows links by
    /// reading them, where the kernel's check does not apply.
    pub(super) fn may_follow(link: &Path, meta: &Metadata) -> Result<()> {
        let Ok(folder) = fs::metadata(super::folder_of(link)) else {
            return Ok(());
        };
        let shared = folder.mode() & 0o1002 == 0o1002;
        if !shared || meta.uid() == folder.uid() || Some(meta.uid()) == effective_uid() {
            return Ok(());
        }
        bail!(
            "refusing to follow the symbolic link `{}`: it belongs to another user (uid {}) in \
             a folder anyone can write to; remove it, or give another name",
            link.display(),
            meta.uid()
        )
    }

    /// The user this process acts as, from `/proc/self` (owned by it) where there is one.
    fn effective_uid() -> Option<u32> {
        fs::metadata("/proc/self").ok().map(|m| m.uid())
    }

    /// The device of the `/proc` file system, if there is one.
    fn proc_device() -> Option<u64> {
        static PROC: std::sync::OnceLock<Option<u64>> = std::sync::OnceLock::new();
        *PROC.get_or_init(|| fs::symlink_metadata("/proc/self").ok().map(|m| m.dev()))
    }

    /// Whether a link lives in `/proc` (as `/proc/self/fd/1` does), where links point to open
    /// files and pipes rather than to names.
    pub(super) fn is_magic_link(meta: &Metadata) -> bool {
        proc_device() == Some(meta.dev())
    }

    /// Whether a folder is in `/proc` (as `/dev/fd` is), where no file can be created.
    pub(super) fn in_proc(folder: &Path) -> bool {
        fs::metadata(folder).is_ok_and(|m| proc_device() == Some(m.dev()))
    }

    /// Whether `path` (a `/proc` link) is this process's descriptor 1.
    pub(super) fn is_own_stdout(path: &Path) -> bool {
        let Some(folder) = path.parent().and_then(|p| fs::canonicalize(p).ok()) else {
            return false;
        };
        let own = Path::new("/proc")
            .join(std::process::id().to_string())
            .join("fd");
        path.file_name().is_some_and(|n| n == "1") && folder == own
    }

    /// Whether standard output was closed when churn started (`>&-`). Rust's runtime opens
    /// /dev/null on a closed descriptor 0, 1 or 2 before `main`, which would make a lost report
    /// look written, so on Linux the descriptor is looked at before that (see
    /// [`PROBE_STDOUT`]); elsewhere only a descriptor still closed is seen.
    pub(super) fn stdout_is_closed() -> bool {
        STDOUT_CLOSED_AT_START.load(Ordering::Relaxed) || descriptor_1_is_closed()
    }

    static STDOUT_CLOSED_AT_START: AtomicBool = AtomicBool::new(false);

    /// Run by the C runtime before Rust's own start-up code (constructors in `.init_array` run
    /// before `main`, and Rust's runtime does its work from `main`): duplicating a closed
    /// descriptor fails, an open one gives a copy, dropped at once.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    #[used]
    #[unsafe(link_section = ".init_array")]
    static PROBE_STDOUT: extern "C" fn() = probe_stdout;

    #[cfg(any(target_os = "linux", target_os = "android"))]
    extern "C" fn probe_stdout() {
        STDOUT_CLOSED_AT_START.store(descriptor_1_is_closed(), Ordering::Relaxed);
    }

    /// Duplicating descriptor 1 fails with EBADF (9 on every Unix) when it is closed; any
    /// other failure (too many open files) says nothing about it.
    fn descriptor_1_is_closed() -> bool {
        let copy = std::io::stdout().as_fd().try_clone_to_owned();
        copy.is_err_and(|e| e.raw_os_error() == Some(9))
    }
}

#[cfg(not(unix))]
mod platform {
    //! Elsewhere: the read-only flag is kept; there are no owners, sticky folders or `/proc`.

    use std::fs::{File, Metadata};
    use std::path::Path;

    use super::Old;

    pub(super) fn old(meta: &Metadata) -> Old {
        Old {
            permissions: meta.permissions(),
            owner: None,
            links: 1,
        }
    }

    pub(super) fn create_mode(_builder: &mut tempfile::Builder, _new: bool) {}

    pub(super) fn keep(file: &File, old: &Old) -> std::io::Result<()> {
        file.set_permissions(old.permissions.clone())
    }

    pub(super) fn may_follow(_link: &Path, _meta: &Metadata) -> anyhow::Result<()> {
        Ok(())
    }

    pub(super) fn is_magic_link(_meta: &Metadata) -> bool {
        false
    }

    pub(super) fn in_proc(_folder: &Path) -> bool {
        false
    }

    pub(super) fn is_own_stdout(_path: &Path) -> bool {
        false
    }

    pub(super) fn stdout_is_closed() -> bool {
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::{symlink, MetadataExt, PermissionsExt};

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().mode() & 0o7777
    }

    fn leftovers(dir: &Path) -> Vec<PathBuf> {
        let entries = fs::read_dir(dir).unwrap().map(|e| e.unwrap().path());
        entries
            .filter(|p| p.to_string_lossy().ends_with(".churn-tmp"))
            .collect()
    }

    #[test]
    fn a_new_file_is_created_and_a_regular_file_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        to_file(&path, b"one").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        to_file(&path, b"two, longer").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"two, longer");
        to_file(&path, b"").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"");
        assert!(leftovers(dir.path()).is_empty());
    }

    #[test]
    fn links_are_followed_relative_to_their_folder_and_kept() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        fs::create_dir_all(d.join("a/b")).unwrap();
        symlink("../target.txt", d.join("a/b/link")).unwrap();
        symlink(d.join("a/b/link"), d.join("abs")).unwrap();
        symlink("a/b/link", d.join("chain")).unwrap();
        for (name, bytes) in [("a/b/link", b"1"), ("abs", b"2"), ("chain", b"3")] {
            to_file(&d.join(name), bytes).unwrap();
            assert_eq!(fs::read(d.join("a/target.txt")).unwrap(), bytes, "{name}");
            assert!(fs::symlink_metadata(d.join(name)).unwrap().is_symlink());
        }
        assert_eq!(
            resolve(&d.join("chain")).unwrap(),
            Target::Replace {
                path: d.join("a/b/../target.txt"),
                old: Some(platform::old(
                    &fs::metadata(d.join("a/target.txt")).unwrap()
                )),
            }
        );
    }

    #[test]
    fn loops_directories_and_missing_folders_are_errors_that_change_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        symlink("loop", d.join("loop")).unwrap();
        let err = format!("{:#}", to_file(&d.join("loop"), b"x").unwrap_err());
        assert!(err.contains("loop"), "{err}");
        let err = format!("{:#}", to_file(d, b"x").unwrap_err());
        assert!(err.contains("is a directory"), "{err}");
        symlink(".", d.join("here")).unwrap();
        let err = format!("{:#}", to_file(&d.join("here"), b"x").unwrap_err());
        assert!(err.contains("is a directory"), "{err}");
        let err = format!("{:#}", to_file(&d.join("no/such.txt"), b"x").unwrap_err());
        assert!(err.contains("does not exist"), "{err}");
        symlink("gone/", d.join("slash")).unwrap();
        let err = format!("{:#}", to_file(&d.join("slash"), b"x").unwrap_err());
        assert!(err.contains("file name"), "{err}");
        for name in ["new/", "new/.", "new/..", ""] {
            assert!(to_file(&d.join(name), b"x").is_err(), "{name}");
        }
        let mut names: Vec<_> = fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        names.sort();
        assert_eq!(names, ["here", "loop", "slash"]);
    }

    #[test]
    fn permissions_and_owner_are_kept_and_a_new_file_follows_the_umask() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("kept.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        let owner = fs::metadata(&path).unwrap().uid();
        to_file(&path, b"new").unwrap();
        assert_eq!(mode(&path), 0o640);
        assert_eq!(fs::metadata(&path).unwrap().uid(), owner);
        // A new file: 0666 less the umask, which the temporary file's creation applies. The
        // umask is not changed here (tests run in threads); a fresh file shows what it is.
        let probe = dir.path().join("probe");
        File::create(&probe).unwrap();
        let created = dir.path().join("created.txt");
        to_file(&created, b"new").unwrap();
        assert_eq!(mode(&created), mode(&probe));
    }

    #[test]
    fn a_long_name_still_fits_the_temporary_name() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("n".repeat(250));
        to_file(&path, b"long").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"long");
    }

    #[test]
    fn names_without_a_file_name_are_recognised() {
        for name in ["", ".", "..", "a/", "a/.", "a/..", "/"] {
            assert!(ends_without_name(Path::new(name)), "{name}");
        }
        for name in ["a", "a/b", ".a", "..a", "/a"] {
            assert!(!ends_without_name(Path::new(name)), "{name}");
        }
    }

    #[test]
    fn proc_links_are_not_read_as_names() {
        if !Path::new("/proc/self/fd").is_dir() {
            return;
        }
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("opened.txt");
        fs::write(&path, "head\n").unwrap();
        let file = OpenOptions::new().append(true).open(&path).unwrap();
        use std::os::fd::AsRawFd;
        let fd = PathBuf::from(format!("/proc/self/fd/{}", file.as_raw_fd()));
        let target = resolve(&fd).unwrap();
        assert_eq!(
            target,
            Target::Through {
                path: fd.clone(),
                append: true
            }
        );
        to_file(&fd, b"tail\n").unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"head\ntail\n");
        if Path::new("/dev/stdout").exists() {
            assert_eq!(resolve(Path::new("/dev/stdout")).unwrap(), Target::Stdout);
        }
    }
}
