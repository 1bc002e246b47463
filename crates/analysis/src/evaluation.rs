//! The result of `churn evaluate`: how the tagging of a labelled export agrees with its labels,
//! overall, per label and per group, and the rows where it does not. Its serde shape is the
//! JSON of `churn evaluate --format json`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Evaluation {
    pub schema_version: u32,
    pub path: String,
    pub config: Option<String>,
    pub text_column: Option<String>,
    pub truth_column: String,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub kappa: f64,
    /// Every label that occurs in the truth or the predictions.
    pub labels: Vec<LabelRow>,
    pub confusion: Confusion,
    /// Rows where the tagging disagrees with the label, in file order.
    pub misclassified: Vec<Miss>,
    pub thresholds: Thresholds,
    /// With `--by COL`: the scores of each value of the column, by value; else null.
    pub groups: Option<Groups>,
    /// When the truth column holds `reason.sub` labels: the scores of the reason and its
    /// sub-reason together (a row is right when both are); else null.
    pub sub_reasons: Option<SubLevel>,
}

/// Scores at the level of sub-reasons: each label is `reason.sub`, or a reason alone for a row
/// whose text names no sub-reason, or one of the labels besides the reasons.
#[derive(Debug, Clone, Serialize)]
pub struct SubLevel {
    pub accuracy: f64,
    pub macro_f1: f64,
    pub kappa: f64,
    /// Every label that occurs in the truth or the predictions.
    pub labels: Vec<LabelRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Groups {
    pub column: String,
    pub groups: Vec<GroupRow>,
}

/// The scores of the rows with one value of the `--by` column.
#[derive(Debug, Clone, Serialize)]
pub struct GroupRow {
    pub value: String,
    pub rows: usize,
    pub accuracy: f64,
    pub macro_f1: f64,
    pub kappa: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelRow {
    pub label: String,
    pub support: usize,
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// `matrix[i][j]`: rows labelled `labels[i]` and tagged `labels[j]`.
#[derive(Debug, Clone, Serialize)]
pub struct Confusion {
    pub labels: Vec<String>,
    pub matrix: Vec<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Miss {
    pub line: u64,
    pub text: String,
    pub truth: String,
    pub predicted: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Thresholds {
    pub min_macro_f1: Option<f64>,
    pub min_kappa: Option<f64>,
    pub min_sub_macro_f1: Option<f64>,
    pub passed: bool,
}
