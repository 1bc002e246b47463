//! The core of `churn`: the taxonomy of reasons, the configuration that holds it, and the
//! classifier that tags an answer with them (rules, then a learned second opinion). No polars,
//! no command line, no file I/O: text in, tags out. The other crates read exports ([`churn-input`]), count
//! and test ([`churn-stats`], [`churn-analysis`]) and talk to people (`churn`).

pub mod benchmark;
pub mod classify;
pub mod competitors;
pub mod config;
pub mod escape;
pub mod junk;
pub mod model;
pub mod normalize;
pub mod overrides;
pub mod questions;
pub mod redact;
pub mod taxonomy;
pub mod text;
