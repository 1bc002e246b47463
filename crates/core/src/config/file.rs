//! The TOML schema of `churn.toml`, as serde reads it. Unknown keys are errors; values that
//! later checks may complain about keep their position in the file.

use std::collections::BTreeMap;

use serde::Deserialize;

pub use toml::Spanned;

use super::Attribution;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct File {
    pub version: Option<Spanned<i64>>,
    pub extends: Option<Spanned<String>>,
    #[serde(default)]
    pub drop: Vec<Spanned<String>>,
    #[serde(default)]
    pub no_answer: Vec<Spanned<String>>,
    pub matching: Option<MatchingFile>,
    pub junk: Option<JunkFile>,
    pub analyze: Option<AnalyzeFile>,
    pub check: Option<CheckFile>,
    pub model: Option<ModelFile>,
    pub negation: Option<NegationFile>,
    #[serde(default)]
    pub reason: Vec<ReasonFile>,
    #[serde(default)]
    pub code_map: Vec<CodeMapFile>,
    #[serde(default)]
    pub benchmark: Vec<BenchmarkFile>,
    /// `[[question_set]]`: benchmarks for the survey's other questions (`churn question`).
    #[serde(default)]
    pub question_set: Vec<QuestionSetFile>,
    /// `[competitors]`: an id per competitor, and the names the answers call it.
    #[serde(default)]
    pub competitors: std::collections::BTreeMap<String, Spanned<Vec<Spanned<String>>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MatchingFile {
    pub accents: Option<Spanned<String>>,
    pub stemming: Option<bool>,
    pub typos: Option<bool>,
    pub max_gap: Option<Spanned<u32>>,
    /// `"text"` or `"code"`: which is counted when a code and the text disagree.
    pub conflicts: Option<Spanned<String>>,
}

/// `[junk]`: which checks recognize typed answers that are no answer, and test entries.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JunkFile {
    pub checks: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub entries: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzeFile {
    pub attribution: Option<Attribution>,
    pub benchmark: Option<Spanned<String>>,
    /// An overrides file (`--overrides`), relative to this file.
    pub overrides: Option<Spanned<String>>,
}

/// `[model]`: the learned second opinion.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelFile {
    pub enabled: Option<bool>,
    /// A model file from `churn train`, relative to this file.
    pub path: Option<Spanned<String>>,
    pub threshold: Option<Spanned<f64>>,
}

/// `[check]`: the rules of `churn check`, named as its flags (snake_case).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CheckFile {
    pub min_responses: Option<u64>,
    pub max_unclassified: Option<Spanned<Fraction>>,
    pub max_no_answer: Option<Spanned<Fraction>>,
    #[serde(default)]
    pub require_col: Vec<String>,
    pub max_unknown_codes: Option<u64>,
    pub max_duplicate_ids: Option<u64>,
    #[serde(default)]
    pub id_col: Vec<String>,
    #[serde(default)]
    pub max_share: BTreeMap<String, Spanned<Fraction>>,
    #[serde(default)]
    pub min_share: BTreeMap<String, Spanned<Fraction>>,
    #[serde(default)]
    pub above_benchmark: Vec<Spanned<String>>,
    pub baseline: Option<String>,
}

/// A fraction as the user wrote it: `"30%"` or `0.3`.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
pub enum Fraction {
    Number(f64),
    Text(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NegationFile {
    pub enabled: Option<bool>,
    pub window: Option<Spanned<u32>>,
    #[serde(default)]
    pub cues: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub keep: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub breaks: BTreeMap<String, Vec<Spanned<String>>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReasonFile {
    pub id: Spanned<String>,
    pub label: Option<String>,
    pub meaning: Option<String>,
    pub priority: Option<i32>,
    /// `false` for churn the business cannot influence (death, relocation).
    pub controllable: Option<bool>,
    /// In an answer of more than 40 words, this reason's phrases count as hints.
    pub story_hint: Option<bool>,
    /// With `extends`: replace the built-in rules of this reason instead of adding to them.
    #[serde(default)]
    pub replace_rules: bool,
    #[serde(default)]
    pub phrases: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
    /// Reasons the text may refine a code of this reason to (replaces the built-in list).
    pub refined_by: Option<Vec<Spanned<String>>>,
    /// `[[reason.sub]]`: its sub-reasons (with `extends`, an entry of a built-in id changes it).
    #[serde(default)]
    pub sub: Vec<SubFile>,
    /// With `extends`: built-in sub-reasons of this reason to drop.
    #[serde(default)]
    pub drop_subs: Vec<Spanned<String>>,
}

/// A `[[reason.sub]]` entry.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SubFile {
    pub id: Spanned<String>,
    pub label: Option<String>,
    pub meaning: Option<String>,
    /// With `extends`: replace the built-in rules of this sub-reason instead of adding to them.
    #[serde(default)]
    pub replace_rules: bool,
    #[serde(default)]
    pub phrases: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub hints: BTreeMap<String, Vec<Spanned<String>>>,
    #[serde(default)]
    pub regex: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeMapFile {
    pub id: Spanned<String>,
    pub description: Option<String>,
    #[serde(default)]
    pub headers: Vec<String>,
    pub detect_by_values: Option<bool>,
    #[serde(default)]
    pub codes: BTreeMap<String, Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BenchmarkFile {
    pub name: Spanned<String>,
    pub note: Option<String>,
    pub shares: BTreeMap<String, Spanned<f64>>,
    /// Buckets that cover several reasons: `natural_attrition = ["died", "moved"]`.
    #[serde(default)]
    pub groups: BTreeMap<String, Vec<Spanned<String>>>,
    /// The bucket that takes every reason no other bucket names.
    pub rest: Option<Spanned<String>>,
    /// Labels for buckets that are not reasons.
    #[serde(default)]
    pub labels: BTreeMap<String, String>,
}

/// `[[question_set]]`: a question's answer buckets and the shares a figure claims for them.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionSetFile {
    pub name: Spanned<String>,
    pub question: Option<String>,
    pub note: Option<String>,
    #[serde(default)]
    pub bucket: Vec<QuestionBucketFile>,
}

/// `[[question_set.bucket]]`: its answers (words, or a range of numbers) and claimed share.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionBucketFile {
    pub id: Spanned<String>,
    pub label: Option<String>,
    pub share: Spanned<f64>,
    #[serde(default)]
    pub answers: Vec<Spanned<String>>,
    pub at_least: Option<f64>,
    pub at_most: Option<f64>,
}
