//! Notes, warnings and the progress bar, for people, on stderr. `--quiet` silences them;
//! errors are not diagnostics, and `main` prints those (through [`error`]) whatever the flag
//! says. Everything here is best effort: a closed or full stderr loses the line, never the run.

use std::fmt::Display;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

static QUIET: AtomicBool = AtomicBool::new(false);

/// Silence (or not) every later note and warning.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Print a diagnostic. Values from the data in it should be shown with
/// [`crate::escape::shown`]; whatever control character is left is escaped here.
fn emit(kind: &str, message: impl Display) {
    if !QUIET.load(Ordering::Relaxed) {
        print(kind, message);
    }
}

/// One line on stderr. Best effort: with stderr closed or full the line is lost, never a panic
/// (as `eprintln!` would), and the exit code still tells.
/// Values from the data in a message should be shown with [`crate::escape::shown`]; whatever
/// control character is left is escaped here.
fn print(kind: &str, message: impl Display) {
    let message = message.to_string();
    let message = crate::escape::message(&message);
    let _ = writeln!(std::io::stderr().lock(), "churn: {kind}: {message}");
}

/// An error that ends the run, for `main`: printed whatever `--quiet` says.
pub fn error(message: impl Display) {
    print("error", message);
}

/// Something worth knowing that does not change the result.
pub fn note(message: impl Display) {
    emit("note", message);
}

/// Something that may make the result wrong.
pub fn warn(message: impl Display) {
    emit("warning", message);
}

/// How long work runs before a progress bar appears.
const PROGRESS_AFTER: Duration = Duration::from_secs(1);

/// A progress bar on stderr for long work: it appears once the work has run about a second,
/// and only when stderr is a terminal and `--quiet` is not given, so pipes, files and CI logs
/// never see it. `CHURN_PROGRESS_AFTER_MS` changes the delay (for tests).
pub struct Progress {
    start: Instant,
    after: Duration,
    enabled: bool,
    what: &'static str,
    bar: OnceLock<indicatif::ProgressBar>,
}

impl Progress {
    /// A bar for work described as `what` ("reading"), not drawn yet.
    pub fn new(what: &'static str) -> Progress {
        let after = std::env::var("CHURN_PROGRESS_AFTER_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .map_or(PROGRESS_AFTER, Duration::from_millis);
        Progress {
            start: Instant::now(),
            after,
            // On a terminal, unless `--quiet` (tests/cli/formats.rs runs both through `script`).
            enabled: std::io::stderr().is_terminal() && !QUIET.load(Ordering::Relaxed),
            what,
            bar: OnceLock::new(),
        }
    }

    /// `done` of `total` units (bytes, rows) are done.
    pub fn update(&self, done: u64, total: u64) {
        if !self.enabled || self.start.elapsed() < self.after {
            return;
        }
        let bar = self.bar.get_or_init(|| {
            let bar = indicatif::ProgressBar::with_draw_target(
                Some(total),
                indicatif::ProgressDrawTarget::stderr(),
            );
            let style = indicatif::ProgressStyle::with_template(
                "churn: {msg} [{wide_bar}] {percent:>3}% ({eta} left)",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
            bar.set_style(style);
            bar.set_message(self.what);
            bar
        });
        bar.set_length(total.max(done));
        bar.set_position(done);
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        if let Some(bar) = self.bar.get() {
            bar.finish_and_clear();
        }
    }
}
