//! Notes and warnings for people, on stderr. `--quiet` silences them; errors are not
//! diagnostics, and `main` prints those whatever the flag says.

use std::fmt::Display;
use std::sync::atomic::{AtomicBool, Ordering};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Silence (or not) every later note and warning.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

fn emit(kind: &str, message: impl Display) {
    if !QUIET.load(Ordering::Relaxed) {
        eprintln!("churn: {kind}: {message}");
    }
}

/// Something worth knowing that does not change the result.
pub fn note(message: impl Display) {
    emit("note", message);
}

/// Something that may make the result wrong.
pub fn warn(message: impl Display) {
    emit("warning", message);
}
