//! Where an export's bytes come from: paths and globs, `-` for stdin, gzip and zstd
//! decompression, and what kind of file the bytes are (CSV text, a workbook, Parquet), told by
//! their first bytes rather than the file name.

use churn_core::escape::shown;
use std::io::Read;
use std::path::Path;

use anyhow::{bail, Result};

/// What kind of file a source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    /// A spreadsheet workbook: .xlsx, .xlsm, .xlsb, .xls or .ods.
    Workbook,
    Parquet,
    /// JSON or JSON Lines: told by the name (`.json`, `.jsonl`, `.ndjson`), or by a first `{` or
    /// `[` on standard input.
    Json,
    /// An SPSS system file (`.sav`).
    Spss,
}

/// One input's bytes, decompressed.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path as given (or as a glob expanded it); `-` is stdin.
    pub name: String,
    pub bytes: Vec<u8>,
    /// "gzip" or "zstd" when the bytes were compressed.
    pub compression: Option<&'static str>,
    pub format: Format,
}

/// Whether `s` is a glob pattern rather than a path.
fn is_pattern(s: &str) -> bool {
    s.contains(['*', '?', '['])
}

/// The inputs as given, with globs expanded (sorted), checked for repeats.
pub fn expand(inputs: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for input in inputs {
        if input != "-" && is_pattern(input) && !Path::new(input).exists() {
            let paths = glob::glob(input).map_err(|e| {
                anyhow::anyhow!("`{}` is not a valid glob pattern: {e}", shown(input))
            })?;
            let mut matched = Vec::new();
            for p in paths {
                let p = p.map_err(|e| anyhow::anyhow!("`{}`: {e}", shown(input)))?;
                if p.is_file() {
                    matched.push(p.to_string_lossy().into_owned());
                }
            }
            if matched.is_empty() {
                bail!("`{}` matches no file", shown(input));
            }
            matched.sort();
            out.extend(matched);
        } else {
            out.push(input.clone());
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    for name in &out {
        if !seen.insert(name.as_str()) {
            bail!("`{}` is given twice; each file is read once", shown(name));
        }
    }
    no_file_twice(&out)?;
    Ok(out)
}

/// What a file is, whatever path reaches it: its device and inode (a link, `./x.csv` and
/// `x.csv` are one file), or where its path leads elsewhere.
fn identity(name: &str) -> Option<(u64, u64)> {
    let meta = std::fs::metadata(name).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        let _ = meta;
        let path = std::fs::canonicalize(name).ok()?;
        let mut h = std::hash::DefaultHasher::new();
        std::hash::Hash::hash(&path, &mut h);
        Some((0, std::hash::Hasher::finish(&h)))
    }
}

/// Fail when two names reach the same file (`s.csv ./s.csv`, a symbolic link, a glob and a
/// path), which would count its rows twice.
fn no_file_twice(names: &[String]) -> Result<()> {
    let mut seen: std::collections::HashMap<(u64, u64), &str> = std::collections::HashMap::new();
    for name in names.iter().filter(|n| *n != "-") {
        let Some(id) = identity(name) else { continue };
        if let Some(first) = seen.insert(id, name) {
            bail!(
                "`{}` and `{}` are the same file; each file is read once\n  help: give it once \
                 (a glob and a path, or a link and its target, can name one file twice)",
                shown(first),
                shown(name)
            );
        }
    }
    Ok(())
}

/// A file opened to be read as it is needed, decompressed on the way.
pub struct Stream {
    /// The path as given.
    pub name: String,
    /// "gzip" or "zstd" when the file is compressed.
    pub compression: Option<&'static str>,
    /// The file's bytes, decompressed.
    pub reader: Box<dyn Read + Send>,
    /// Bytes of the file read so far (before decompression), for a progress bar.
    pub consumed: std::sync::Arc<std::sync::atomic::AtomicU64>,
    /// The file's size on disk.
    pub size: u64,
}

/// Counts the bytes read through it.
struct Counting<R> {
    inner: R,
    count: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count
            .fetch_add(n as u64, std::sync::atomic::Ordering::Relaxed);
        Ok(n)
    }
}

/// Open a file to stream it, or `None` when it cannot be (standard input, or a file that
/// cannot be opened: [`read`] then says why).
pub fn open_stream(name: &str) -> Option<Stream> {
    if name == "-" {
        return None;
    }
    let file = std::fs::File::open(name).ok()?;
    let meta = file.metadata().ok()?;
    if !meta.is_file() {
        return None;
    }
    let consumed = std::sync::Arc::new(std::sync::atomic::AtomicU64::new(0));
    let buffered = std::io::BufReader::with_capacity(
        256 * 1024,
        Counting {
            inner: file,
            count: consumed.clone(),
        },
    );
    let (reader, compression) = decoded(buffered).ok()?;
    Some(Stream {
        name: name.to_string(),
        compression,
        reader,
        consumed,
        size: meta.len(),
    })
}

/// The most bytes (after decompression) one input is read whole: standard input, a workbook or
/// Parquet file, a CSV file that is not UTF-8 or that the streamed reader hands back. Reading
/// whole costs about three times the bytes in memory; a larger CSV file is streamed instead.
/// `CHURN_WHOLE_LIMIT` (bytes) lowers it, for tests.
pub const WHOLE_LIMIT: u64 = 2 << 30;

/// [`WHOLE_LIMIT`], or what `CHURN_WHOLE_LIMIT` says.
pub fn whole_limit() -> u64 {
    std::env::var("CHURN_WHOLE_LIMIT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(WHOLE_LIMIT)
}

/// How much of the start of an input is looked at before the rest is read.
const HEAD_BYTES: usize = 64 * 1024;

/// The input's raw bytes as a reader: stdin for `-`.
fn open_raw(name: &str) -> Result<(Box<dyn Read + Send>, u64)> {
    if name == "-" {
        return Ok((Box::new(std::io::stdin()), 0));
    }
    let path = Path::new(name);
    if path.is_dir() {
        bail!(
            "`{}` is a directory; give a file, or a glob such as `{}/*.csv`",
            shown(name),
            shown(name.trim_end_matches('/'))
        );
    }
    let file = std::fs::File::open(path).map_err(|e| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => {
                "permission denied; check the file's permissions".to_string()
            }
            _ => e.to_string(),
        };
        anyhow::anyhow!("cannot read `{}`: {why}", shown(name))
    })?;
    let size = file
        .metadata()
        .map_or(0, |m| if m.is_file() { m.len() } else { 0 });
    Ok((Box::new(file), size))
}

/// Why reading an input whole stopped: the reader failed (a damaged file or stream), or the
/// bytes are refused.
enum Stopped {
    Io(std::io::Error),
    Refused(anyhow::Error),
}

/// Read `reader` to its end, at most `limit` bytes; past that, an error that says what to do.
/// `size` is how many bytes it is expected to hold (0: not known).
/// `check_head` looks at the first bytes (or all, if fewer) once, so that endless or binary
/// input (`/dev/zero`, a gzip of zeros) stops at once rather than at the limit.
fn read_capped(
    name: &str,
    mut reader: impl Read,
    (limit, size): (u64, u64),
    check_head: impl FnOnce(&[u8]) -> Result<()>,
) -> std::result::Result<Vec<u8>, Stopped> {
    // The bytes' size, when known (a plain file), is room reserved at once rather than grown
    // into.
    let mut bytes = Vec::new();
    let _ = bytes.try_reserve_exact(size.min(limit) as usize + 1);
    let mut check_head = Some(check_head);
    loop {
        let want = if check_head.is_some() {
            HEAD_BYTES as u64
        } else {
            limit + 1
        };
        let ended = read_up_to(name, &mut reader, &mut bytes, want)?;
        if let Some(check) = check_head.take() {
            check(&bytes).map_err(Stopped::Refused)?;
            if !ended {
                continue;
            }
        }
        if bytes.len() as u64 > limit {
            return Err(Stopped::Refused(anyhow::anyhow!(
                "`{}` holds more than {} (decompressed), the most churn reads whole\n  help: a \
                 UTF-8 CSV file is streamed at any size: give the export as a file (not standard \
                 input), as CSV (not a workbook), in UTF-8 (`iconv -t UTF-8`)",
                shown(name),
                churn_core::text::size(limit)
            )));
        }
        return Ok(bytes);
    }
}

/// Read into `bytes` until it holds `want` bytes or the input ends (then `true`). The buffer
/// grows by half at a time and never past `want`, asking for memory it may not get: when none
/// is left, an error rather than an abort.
fn read_up_to(
    name: &str,
    reader: &mut impl Read,
    bytes: &mut Vec<u8>,
    want: u64,
) -> std::result::Result<bool, Stopped> {
    const CHUNK: usize = 1 << 20;
    loop {
        let room = (want - bytes.len() as u64).min(CHUNK as u64) as usize;
        if room == 0 {
            return Ok(false);
        }
        if bytes.capacity() - bytes.len() < room {
            let grown = (bytes.capacity() / 2)
                .max(room)
                .min((want as usize) - bytes.len());
            bytes.try_reserve_exact(grown).map_err(|_| {
                Stopped::Refused(anyhow::anyhow!(
                    "not enough memory to read `{}` whole ({} read so far)\n  help: a UTF-8 \
                     CSV file is streamed in little memory: give the export as a file, as CSV, \
                     in UTF-8",
                    shown(name),
                    churn_core::text::size(bytes.len() as u64)
                ))
            })?;
        }
        // Into the room reserved: `read_to_end` grows nothing when it stops at the room's end.
        let n = reader
            .take(room as u64)
            .read_to_end(bytes)
            .map_err(Stopped::Io)?;
        if n == 0 {
            return Ok(true);
        }
    }
}

impl Stopped {
    /// The error for people: a failed read of a compressed input says it cannot be
    /// decompressed.
    fn error(self, name: &str, compression: Option<&str>) -> anyhow::Error {
        match (self, compression) {
            (Stopped::Refused(e), _) => e,
            (Stopped::Io(e), Some(kind)) => anyhow::anyhow!(
                "`{}` looks {kind}-compressed but cannot be decompressed: {e}",
                shown(name)
            ),
            (Stopped::Io(e), None) => read_error(name, &e),
        }
    }
}

/// Why reading failed, for people.
fn read_error(name: &str, e: &std::io::Error) -> anyhow::Error {
    if name == "-" {
        anyhow::anyhow!("cannot read standard input: {e}")
    } else {
        anyhow::anyhow!("cannot read `{}`: {e}", shown(name))
    }
}

const GZIP: &[u8] = &[0x1f, 0x8b];
const ZSTD: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];
const ZIP: &[u8] = b"PK\x03\x04";
const OLE: &[u8] = &[0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1];
const PARQUET: &[u8] = b"PAR1";

/// Kinds of file that are certainly not an export, by their first bytes.
const NOT_EXPORTS: &[(&[u8], &str)] = &[
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x7fELF", "a program (ELF)"),
    (b"MZ", "a Windows program"),
    (b"BZh", "bzip2-compressed; decompress it first (bunzip2)"),
    (b"\xfd7zXZ\x00", "xz-compressed; decompress it first (unxz)"),
    (
        b"7z\xbc\xaf\x27\x1c",
        "a 7-Zip archive; extract the CSV first",
    ),
    (
        b"SQLite format 3\0",
        "an SQLite database; export a table as CSV first",
    ),
];

/// Whether bytes start a zstd stream: a frame, or a skippable frame (as pzstd writes first).
fn is_zstd(head: &[u8]) -> bool {
    head.starts_with(ZSTD)
        || (head.len() >= 4 && head[0] & 0xf0 == 0x50 && head[1..4] == [0x2a, 0x4d, 0x18])
}

/// Decompress gzip or zstd bytes (told by their first bytes); other bytes pass through. At
/// most [`whole_limit`] bytes come out.
pub fn decompress(name: &str, bytes: Vec<u8>) -> Result<(Vec<u8>, Option<&'static str>)> {
    if !bytes.starts_with(GZIP) && !is_zstd(&bytes) {
        return Ok((bytes, None));
    }
    let (reader, kind) = decoded(std::io::Cursor::new(bytes))
        .map_err(|e| Stopped::Io(e).error(name, Some("zstd")))?;
    let out = read_capped(name, reader, (whole_limit(), 0), |_| Ok(()))
        .map_err(|e| e.error(name, kind))?;
    Ok((out, kind))
}

/// `reader`'s bytes decompressed, when its first bytes say gzip or zstd (then named), else as
/// they are.
fn decoded<R: std::io::BufRead + Send + 'static>(
    mut reader: R,
) -> std::io::Result<(Box<dyn Read + Send>, Option<&'static str>)> {
    let head = reader.fill_buf()?;
    Ok(if head.starts_with(GZIP) {
        (
            Box::new(flate2::read::MultiGzDecoder::new(reader)),
            Some("gzip"),
        )
    } else if is_zstd(head) {
        (
            Box::new(zstd::stream::read::Decoder::with_buffer(reader)?),
            Some("zstd"),
        )
    } else {
        (Box::new(reader), None)
    })
}

/// What the bytes are, or why they cannot be an export.
pub fn format_of(name: &str, bytes: &[u8]) -> Result<Format> {
    if bytes.starts_with(ZIP) || bytes.starts_with(OLE) {
        return Ok(Format::Workbook);
    }
    if bytes.starts_with(PARQUET) {
        return Ok(Format::Parquet);
    }
    if bytes.starts_with(b"$FL2") || bytes.starts_with(b"$FL3") {
        return Ok(Format::Spss);
    }
    for (magic, what) in NOT_EXPORTS {
        if bytes.starts_with(magic) {
            bail!(
                "`{}` is {what}, not a survey export\n  help: give a CSV file (optionally \
                 .gz or .zst), an .xlsx workbook, a .parquet, .json or SPSS .sav file",
                shown(name)
            );
        }
    }
    if super::json::is_json_name(name) || (name == "-" && super::json::looks_like_json(bytes)) {
        return Ok(Format::Json);
    }
    Ok(Format::Csv)
}

/// Read one input whole: its bytes, decompressed (at most [`whole_limit`] bytes), and its
/// format. Binary data where a CSV file is expected is refused from its first bytes, unless
/// `encoding` was named (the user knows better).
pub fn read(name: &str, encoding: Option<&'static encoding_rs::Encoding>) -> Result<Source> {
    let (raw, size) = open_raw(name)?;
    let (reader, compression) = decoded(std::io::BufReader::with_capacity(HEAD_BYTES, raw))
        .map_err(|e| read_error(name, &e))?;
    let check = |head: &[u8]| -> Result<()> {
        if encoding.is_none() && format_of(name, head)? == Format::Csv && head.contains(&0) {
            if let Err(e @ super::decode::DecodeError::Binary { .. }) =
                super::decode::decode(head.to_vec(), None)
            {
                bail!("failed to load `{}`: {e}", shown(name));
            }
        }
        Ok(())
    };
    let bytes = read_capped(
        name,
        reader,
        (whole_limit(), if compression.is_some() { 0 } else { size }),
        check,
    )
    .map_err(|e| e.error(name, compression))?;
    let format = format_of(name, &bytes)?;
    Ok(Source {
        name: name.to_string(),
        bytes,
        compression,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_by_first_bytes() {
        assert_eq!(format_of("a", b"reason\n").unwrap(), Format::Csv);
        assert_eq!(format_of("a", b"PAR1....").unwrap(), Format::Parquet);
        assert_eq!(format_of("a", b"PK\x03\x04...").unwrap(), Format::Workbook);
        let err = format_of("a.csv", b"%PDF-1.4").unwrap_err().to_string();
        assert!(err.contains("a PDF document"), "{err}");
    }

    #[test]
    fn gzip_and_zstd_round_trip() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"reason\nprice\n").unwrap();
        let (out, c) = decompress("a.gz", gz.finish().unwrap()).unwrap();
        assert_eq!((out.as_slice(), c), (&b"reason\nprice\n"[..], Some("gzip")));
        let z = zstd::stream::encode_all(&b"reason\nprice\n"[..], 1).unwrap();
        let (out, c) = decompress("a.zst", z).unwrap();
        assert_eq!((out.as_slice(), c), (&b"reason\nprice\n"[..], Some("zstd")));
        let err = decompress("a.gz", vec![0x1f, 0x8b, 0, 1, 2]).unwrap_err();
        assert!(err.to_string().contains("cannot be decompressed"));
    }
}
