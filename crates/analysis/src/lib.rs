//! The analysis of a tagged export: every row counted and credited to reasons ([`attribute`]),
//! shares with intervals against a benchmark ([`compare`], [`analysis`]), the rules of a CI
//! gate ([`check`]), and the results as serializable values ([`report`], [`changes`],
//! [`evaluation`], [`explanation`]): what the renderers of `churn` show. [`tagging`] tags
//! every row and says why (`churn tag`), also into a polars frame ([`tagging::tag_frame`]).

pub mod analysis;
pub mod attribute;
pub mod calibration;
pub mod changes;
pub mod check;
pub mod compare;
pub mod discover;
pub mod evaluation;
pub mod explanation;
pub mod question;
pub mod quotes;
pub mod report;
pub mod rule_stats;
pub mod tagging;
