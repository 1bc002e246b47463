//! The files a command reads besides the exports: the configuration (named, or `churn.toml`
//! found in the working directory), a model, a `check` baseline. Each is read whole with a cap
//! on its size: without one, `--config /dev/zero` or a baseline that never ends would take
//! memory until the machine runs out; with it, the reading stops one byte past the cap and
//! says why. The stages (crates/) do no file I/O: they are given the text or the bytes.

use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Result};

use crate::config::{Config, FILE_NAME};
use crate::model::Model;
use crate::overrides::{Override, Overrides, Target};
use crate::taxonomy::Taxonomy;

/// The most read of a configuration file: a taxonomy of 100,000 phrases is about 2 MiB.
pub const CONFIG_BYTES: u64 = 16 << 20;

/// The most read of a baseline: the JSON of `churn analyze` is a few KiB.
pub const BASELINE_BYTES: u64 = 64 << 20;

/// The most read of a model file (`churn train`): a model of a few hundred thousand features is
/// tens of MiB.
pub const MODEL_BYTES: u64 = 256 << 20;

/// The bytes of `path`, at most `cap`. `what` names the file in messages ("config",
/// "baseline"); `hint` says what it should be.
pub fn read_bytes(path: &Path, cap: u64, what: &str, hint: &str) -> Result<Vec<u8>> {
    let shown = path.display();
    let cannot = |e: std::io::Error| {
        let why = match e.kind() {
            std::io::ErrorKind::NotFound => "no such file".to_string(),
            std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
            _ => e.to_string(),
        };
        anyhow::anyhow!("cannot read {what} `{shown}`: {why}")
    };
    let file = std::fs::File::open(path).map_err(cannot)?;
    let mut bytes = Vec::new();
    file.take(cap + 1).read_to_end(&mut bytes).map_err(cannot)?;
    if bytes.len() as u64 > cap {
        bail!(
            "{what} `{shown}` is larger than {}, the most churn reads of a {what}; {hint}",
            crate::text::size(cap)
        );
    }
    Ok(bytes)
}

/// The text of `path`, at most `cap` bytes (see [`read_bytes`]).
pub fn read_text(path: &Path, cap: u64, what: &str, hint: &str) -> Result<String> {
    let bytes = read_bytes(path, cap, what, hint)?;
    String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        anyhow::anyhow!(
            "{what} `{}` is not UTF-8 text (byte {at} is not); {hint}",
            path.display()
        )
    })
}

/// The text of a configuration file, refused past [`CONFIG_BYTES`].
pub fn read_config(path: &Path) -> Result<String> {
    read_text(
        path,
        CONFIG_BYTES,
        "config",
        "a churn.toml is TOML text of a few KiB to a few MiB (`churn taxonomy init` writes one)",
    )
}

/// The configuration at `path`; any error fails with every finding listed.
pub fn config_file(path: &Path) -> Result<Config> {
    Config::from_text(&read_config(path)?, path)
}

/// The configuration file in force: `explicit` (from `--config` or `CHURN_CONFIG`), else
/// `churn.toml` in the working directory; `None` for the built-in one.
pub fn config_path(explicit: Option<&Path>) -> Option<PathBuf> {
    let local = Path::new(FILE_NAME);
    explicit
        .map(Path::to_path_buf)
        .or_else(|| local.is_file().then(|| local.to_path_buf()))
}

/// The configuration in force (see [`config_path`]).
pub fn config(explicit: Option<&Path>) -> Result<Config> {
    match config_path(explicit) {
        Some(path) => config_file(&path),
        None => Ok(Config::builtin()),
    }
}

/// A model file written by `churn train`; errors name the file and say what to do.
pub fn model(path: &Path) -> Result<Model> {
    let bytes = read_bytes(
        path,
        MODEL_BYTES,
        "model",
        "`churn train` writes a model of a few MiB",
    )?;
    Model::from_bytes(&bytes).map_err(|e| {
        anyhow::anyhow!(
            "cannot load model `{}`: {e}; write it with `churn train`, or tag without it \
             (`--no-model`, or `[model] enabled = false` in churn.toml)",
            crate::escape::shown(&path.to_string_lossy())
        )
    })
}

/// The most read of an overrides file: a million corrections are tens of MiB.
pub const OVERRIDES_BYTES: u64 = 256 << 20;

/// An overrides file: a CSV whose first column is the export's id column (its header names it),
/// a `reason` column (a reason, `reason.sub`, `@none`, `unclassified`, `no_answer`,
/// `involuntary`) and an optional `note` column. Errors name the file, line and column.
pub fn overrides(path: &Path, taxonomy: &Taxonomy) -> Result<Overrides> {
    use crate::escape::shown;
    let text = read_text(
        path,
        OVERRIDES_BYTES,
        "overrides file",
        "an overrides file is a CSV of an id column, `reason` and `note`",
    )?;
    let name = path.to_string_lossy().into_owned();
    let fail = |line: u64, what: String| {
        anyhow::anyhow!(
            "failed to load overrides `{}`: line {line}, {what}",
            shown(&name)
        )
    };
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers: Vec<String> = (reader.headers())
        .map_err(|e| fail(1, e.to_string()))?
        .iter()
        .map(|h| h.trim().to_string())
        .collect();
    let at = |want: &str| headers.iter().position(|h| crate::input::squash(h) == want);
    let (Some(id_column), Some(reason)) = (headers.first().filter(|h| !h.is_empty()), at("reason"))
    else {
        return Err(fail(
            1,
            format!(
                "the header is `{}`; it needs the export's id column first (named as in the \
                 export) and a `reason` column (optionally `note`), as `churn overrides \
                 from-tagged` writes",
                shown(&headers.join(","))
            ),
        ));
    };
    let note = at("note");
    let mut list = Vec::new();
    for record in reader.records() {
        let record =
            record.map_err(|e| fail(e.position().map_or(0, |p| p.line()), e.to_string()))?;
        let line = record.position().map_or(0, |p| p.line());
        let cell = |k: usize| record.get(k).unwrap_or("").trim();
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let id = cell(0);
        if id.is_empty() {
            return Err(fail(
                line,
                format!("column 1 (`{}`): blank id", shown(id_column)),
            ));
        }
        let written = cell(reason);
        let target = Target::parse(written, taxonomy).ok_or_else(|| {
            let ids: Vec<&str> = taxonomy.reasons.iter().map(|r| r.id.as_str()).collect();
            fail(
                line,
                format!(
                    "column {} (`reason`): unknown reason `{}`; use one of: {}, `reason.sub`, \
                     @none, unclassified, no_answer, involuntary",
                    reason + 1,
                    shown(written),
                    ids.join(", ")
                ),
            )
        })?;
        list.push(Override {
            id: id.to_string(),
            target,
            written: written.to_string(),
            note: note.map(cell).filter(|n| !n.is_empty()).map(str::to_string),
            line,
        });
    }
    Overrides::new(&name, id_column, list)
        .map_err(|e| anyhow::anyhow!("failed to load overrides `{}`: {e}", shown(&name)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_past_the_cap_is_refused_after_reading_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("c.toml");
        std::fs::write(&path, "x".repeat(100)).unwrap();
        assert_eq!(read_text(&path, 100, "config", "").unwrap().len(), 100);
        let err = read_text(&path, 99, "config", "give a churn.toml")
            .unwrap_err()
            .to_string();
        assert!(err.contains("larger than 99 bytes"), "{err}");
        assert!(err.ends_with("give a churn.toml"), "{err}");
    }

    #[test]
    fn an_endless_file_is_refused() {
        // /dev/zero never ends; only the cap stops the read.
        let err = read_text(Path::new("/dev/zero"), 1 << 20, "baseline", "hint")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`/dev/zero` is larger than 1 MiB"), "{err}");
    }

    #[test]
    fn missing_and_binary_files_say_so() {
        let err = read_text(Path::new("/nonexistent/x"), 10, "config", "")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("cannot read config `/nonexistent/x`: no such file"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.json");
        std::fs::write(&path, b"{\xff}").unwrap();
        let err = read_text(&path, 10, "baseline", "")
            .unwrap_err()
            .to_string();
        assert!(err.contains("not UTF-8 text (byte 1 is not)"), "{err}");
    }
}
