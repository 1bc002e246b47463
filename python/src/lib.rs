//! `churn` for Python: the native half of the `churn` package (python/churn/ is the other).
//! [`tag`] tags a column of answers, [`analyze`] runs `churn analyze` and returns its JSON,
//! [`main`] is the `churn` command itself; [`plugin`] is the polars expression plugin.

mod plugin;
mod tagger;

use std::ffi::OsString;

use pyo3::create_exception;
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3_polars::PySeries;

use churn_attribution::cli;

create_exception!(
    _churn,
    ChurnError,
    PyValueError,
    "What churn could not do, and why."
);

/// An error of churn's as a Python exception, its causes in its message.
fn raised(e: anyhow::Error) -> PyErr {
    ChurnError::new_err(format!("{e:#}"))
}

/// Each row of `text` tagged (with the coded values of `codes`), as a struct Series.
#[pyfunction]
#[pyo3(signature = (text, codes, config=None, path=None, model=true))]
fn tag(
    py: Python<'_>,
    text: PySeries,
    codes: Vec<PySeries>,
    config: Option<String>,
    path: Option<String>,
    model: bool,
) -> PyResult<PySeries> {
    let source = tagger::Source {
        config,
        path,
        model,
    };
    let codes: Vec<_> = codes.into_iter().map(|c| c.0).collect();
    let tagged = py.detach(|| {
        let tagger = tagger::tagger(&source)?;
        tagger.tag(text.0.name(), &text.0, &codes, true)
    });
    tagged.map(PySeries).map_err(raised)
}

/// `churn analyze ARGS... --format json`: the report's JSON text. Notes go to stderr (none with
/// `-q`); an error or a usage error is raised.
#[pyfunction]
fn analyze(py: Python<'_>, args: Vec<String>) -> PyResult<String> {
    let argv = ["churn", "analyze"].into_iter().map(String::from);
    let argv = argv.chain(args).chain(["--format".into(), "json".into()]);
    let cli = cli::try_parse_from(argv.map(OsString::from)).map_err(|e| {
        ChurnError::new_err(
            churn_attribution::escape::message(&e.render().to_string()).into_owned(),
        )
    })?;
    let out = py.detach(|| churn_attribution::render(&cli, false));
    let (bytes, _) = out.map_err(raised)?;
    String::from_utf8(bytes).map_err(|e| raised(e.into()))
}

/// The `churn` command, run with `argv` (its name first); returns its exit code.
#[pyfunction]
fn main(py: Python<'_>, argv: Vec<OsString>) -> i32 {
    let cli = cli::parse_from(argv);
    let code = py.detach(|| churn_attribution::exit_code(churn_attribution::run(cli)));
    // Python exits without flushing Rust's buffered stdout; a closed pipe is not an error here.
    let _ = std::io::Write::flush(&mut std::io::stdout());
    i32::from(code)
}

#[pymodule]
fn _churn(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(tag, m)?)?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(main, m)?)?;
    m.add("ChurnError", m.py().get_type::<ChurnError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
