//! What `churn explain` shows of one answer: the codes read, the words matched and negated, the
//! outcome, and the learned model's view. Its serde shape is the JSON of `churn explain
//! --format json`.

use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct Explained {
    pub schema_version: u32,
    pub text: String,
    pub code: Option<CodeInfo>,
    pub normalized: String,
    pub matches: Vec<MatchInfo>,
    pub negations: Vec<NegationInfo>,
    pub outcome: OutcomeInfo,
    /// The row's confidence (present only when a model is in use; see docs/reasons.md).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub confidence: Option<Option<f64>>,
    /// What the learned model says (present only when a model is in use).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelInfo>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelInfo {
    /// Whether the model was asked: the rules were silent, matched only hints, or two reasons
    /// tied.
    pub asked: bool,
    /// Whether it was asked only for its confidence (only hints matched: the hint stands).
    pub confidence_only: bool,
    /// Whether it decided the row (asked, and its best class a reason at or above the
    /// threshold).
    pub decided: bool,
    pub threshold: f64,
    /// Its most probable class.
    pub top: String,
    /// Every class, most probable first.
    pub probabilities: Vec<LabelProbability>,
    /// The answer's features that weigh most for the top class (`…gram…` for a piece of a
    /// word), largest weight first.
    pub features: Vec<FeatureWeight>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LabelProbability {
    pub label: String,
    pub probability: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct FeatureWeight {
    pub feature: String,
    pub weight: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct CodeInfo {
    pub value: String,
    /// `reason`, `text` (defers to the answer), `involuntary` or `unknown`.
    pub reads_as: String,
    pub reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MatchInfo {
    pub reason: String,
    /// The rule as written in the taxonomy.
    pub rule: String,
    /// `phrase`, `hint` or `regex`.
    pub kind: &'static str,
    pub lang: String,
    /// The matched words of the normalized answer.
    pub matched: String,
    /// Word positions `[start, end)` and byte positions in `normalized`.
    pub words: [usize; 2],
    pub span: [usize; 2],
    /// Words read with a typo: `[in the answer, in the rule]`.
    pub typos: Vec<[String; 2]>,
    /// The negation word that cancels this match, if any.
    pub negated_by: Option<String>,
    pub inside_longer_match: bool,
    /// A hint, set aside because a phrase matched.
    pub overruled_hint: bool,
    pub counts: bool,
    /// The sub-reason the rule names, if any.
    pub sub_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct NegationInfo {
    pub word: String,
    pub position: usize,
    pub cancels_a_match: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct OutcomeInfo {
    /// `tagged`, `unclassified`, `no_answer` or `involuntary`.
    pub kind: &'static str,
    pub reason: Option<String>,
    /// The primary reason's sub-reason, if the row has one.
    pub sub_reason: Option<String>,
    /// The competitor the answer names (with `[competitors]`), if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub competitor: Option<String>,
    /// Every reason stated, in taxonomy order.
    pub reasons: Vec<String>,
    pub source: Option<&'static str>,
    pub why: String,
    /// For a no answer that is junk, the `[junk]` check that found it (`keyboard`, `entries`,
    /// `repeated`, `no_vowels`, `no_words`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub junk: Option<&'static str>,
}
