//! The result of `churn compare`: the reasons of two exports side by side and the change of
//! each share. Its serde shape is the JSON of `churn compare --format json`.

use serde::Serialize;

use crate::report::{Ci, Rows, Tool};

/// The JSON of `churn compare` (`schema_version` 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Changes {
    pub schema_version: u32,
    pub tool: Tool,
    pub before: Side,
    pub after: Side,
    pub attribution: &'static str,
    pub confidence: f64,
    /// One entry per reason, in taxonomy order.
    pub reasons: Vec<ReasonChange>,
    /// Chi-square test of homogeneity between the two exports; null with `--attribution all`
    /// or when either has no tagged row.
    pub test: Option<crate::report::HomogeneityRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Side {
    pub path: String,
    pub rows: Rows,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    pub count: f64,
    pub share: Option<f64>,
    pub ci: Option<Ci>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonChange {
    pub id: String,
    pub label: String,
    #[serde(flatten)]
    pub change: Moved,
    /// The reason's sub-reasons (empty when it has none), then the rows naming none (`id`
    /// null), as shares of all tagged rows: a sub-reason counts the rows whose primary reason
    /// is this one.
    pub sub_reasons: Vec<SubReasonChange>,
}

/// A sub-reason's share of all tagged rows in both exports, and its change.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubReasonChange {
    pub id: Option<String>,
    pub label: String,
    #[serde(flatten)]
    pub change: Moved,
}

/// A share in both exports and how it moved.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Moved {
    pub before: Share,
    pub after: Share,
    /// `after.share - before.share`, in percentage points.
    pub change_pp: Option<f64>,
    /// Newcombe's interval for the change, in percentage points.
    pub change_ci_pp: Option<Ci>,
    /// `up` or `down` when the interval leaves out 0, else `no clear change`.
    pub direction: Option<&'static str>,
}
