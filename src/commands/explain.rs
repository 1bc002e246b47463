//! `churn explain "TEXT"`: classify one answer and show why.

use std::io::Write;

use anyhow::Result;
use serde::Serialize;

use crate::classify::{CodeLookup, Outcome, RuleKind, Source, Tag};
use crate::cli::ExplainArgs;
use crate::config::Config;
use crate::render::{explanation, Format};

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

/// The model's view of the answer, and the row's confidence, when a model is in use.
fn model_info(
    classifier: &crate::classify::Classifier,
    args: &ExplainArgs,
    lookup: CodeLookup,
) -> (Option<Option<f64>>, Option<ModelInfo>) {
    classifier.model().map_or((None, None), |_| {
        let mut scratch = crate::classify::Scratch::new();
        let outcome = classifier.classify(Some(&args.text), lookup, &mut scratch);
        let asked = classifier.model_asked(&scratch);
        let confidence_only = classifier.model_confidence_only(&scratch);
        let confidence = classifier
            .confidence(&scratch)
            .map(|c| round3(f64::from(c)));
        let decided = matches!(outcome, Outcome::Tagged(t) if t.source == Source::Model);
        let info = classifier
            .model_view(&args.text, decided)
            .map(|v| ModelInfo {
                asked,
                confidence_only,
                decided,
                threshold: v.threshold,
                top: v.top,
                probabilities: v
                    .probabilities
                    .into_iter()
                    .map(|(label, p)| LabelProbability {
                        label,
                        probability: round3(p),
                    })
                    .collect(),
                features: v
                    .features
                    .into_iter()
                    .map(|(feature, w)| FeatureWeight {
                        feature,
                        weight: round3(w),
                    })
                    .collect(),
            });
        (Some(confidence), info)
    })
}

fn round3(x: f64) -> f64 {
    crate::report::round(x, 3)
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
    /// Every reason stated, in taxonomy order.
    pub reasons: Vec<String>,
    pub source: Option<&'static str>,
    pub why: String,
}

/// Explain one answer with the taxonomy in force.
pub fn explain(args: &ExplainArgs, config: &Config) -> Result<Explained> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let lookup = args
        .code
        .as_deref()
        .map_or(CodeLookup::Blank, |c| classifier.lookup_code(c));
    let e = classifier.explain(&args.text, lookup);
    let id = |r: usize| taxonomy.reasons[r].id.clone();
    let code = args.code.as_ref().map(|value| {
        let (reads_as, reason) = match lookup {
            CodeLookup::Reason(r) => ("reason", Some(id(r))),
            CodeLookup::Text => ("text", None),
            CodeLookup::Involuntary => ("involuntary", None),
            CodeLookup::Unknown => ("unknown", None),
            CodeLookup::Blank => ("blank", None),
        };
        CodeInfo {
            value: value.clone(),
            reads_as: reads_as.to_string(),
            reason,
        }
    });
    let matches: Vec<MatchInfo> = e
        .matches
        .iter()
        .map(|m| match_info(m, &id(m.reason)))
        .collect();
    let counting: Vec<&MatchInfo> = matches.iter().filter(|m| m.counts).collect();
    let (kind, reason, reasons, source, why) = match e.outcome {
        Outcome::Tagged(tag) => {
            let reasons: Vec<String> = tag.reasons.iter().map(id).collect();
            let why = tagged_why(args.code.as_deref(), lookup, tag, &counting, &reasons, &id);
            let source = match tag.source {
                Source::Code => "code",
                Source::Refined => "code refined by text",
                Source::TextOverCode => "text over code",
                Source::Text | Source::Hint => "text",
                Source::Model => "model",
            };
            ("tagged", Some(id(tag.primary)), reasons, Some(source), why)
        }
        Outcome::Involuntary => (
            "involuntary",
            None,
            Vec::new(),
            Some("code"),
            "the code marks involuntary churn (a failed or disputed payment); it is counted apart, outside the shares".to_string(),
        ),
        Outcome::NoAnswer => (
            "no_answer",
            None,
            Vec::new(),
            None,
            if e.normalized.is_empty() {
                "nothing is left after normalization".to_string()
            } else {
                format!("\"{}\" is on the no-answer list", e.normalized)
            },
        ),
        Outcome::Unclassified => {
            let why = if matches.is_empty() {
                "no rule matched".to_string()
            } else {
                "every match was cancelled by a negation or covered by a longer match".to_string()
            };
            ("unclassified", None, Vec::new(), None, why)
        }
    };
    let (confidence, model) = model_info(&classifier, args, lookup);
    Ok(Explained {
        confidence,
        model,
        schema_version: 1,
        text: e.text.clone(),
        code,
        normalized: e.normalized.clone(),
        negations: e
            .negations
            .iter()
            .map(|(position, word, used)| NegationInfo {
                word: word.clone(),
                position: *position,
                cancels_a_match: *used,
            })
            .collect(),
        matches,
        outcome: OutcomeInfo {
            kind,
            reason,
            reasons,
            source,
            why,
        },
    })
}

/// One match as `explain` shows it.
fn match_info(m: &crate::classify::ExplainedMatch, reason: &str) -> MatchInfo {
    MatchInfo {
        reason: reason.to_string(),
        rule: m.rule.clone(),
        kind: match (m.rule_kind, m.hint) {
            (RuleKind::Regex, _) => "regex",
            (_, true) => "hint",
            _ => "phrase",
        },
        lang: m.lang.clone(),
        matched: m.matched.clone(),
        words: [m.words.0, m.words.1],
        span: [m.bytes.0, m.bytes.1],
        typos: m
            .typos
            .iter()
            .map(|(a, b)| [a.clone(), b.clone()])
            .collect(),
        negated_by: m.negated_by.as_ref().map(|(_, w)| w.clone()),
        inside_longer_match: m.inside_longer,
        overruled_hint: m.overruled,
        counts: m.counts,
    }
}

/// Why a tagged answer got its primary reason.
fn tagged_why(
    code: Option<&str>,
    lookup: CodeLookup,
    tag: Tag,
    counting: &[&MatchInfo],
    reasons: &[String],
    id: &dyn Fn(usize) -> String,
) -> String {
    match (code, lookup, tag.source) {
        (Some(c), CodeLookup::Reason(coded), Source::Refined) => format!(
            "the code `{c}` names `{}`, and the text states `{}`, a reason it may be refined to",
            id(coded),
            id(tag.primary)
        ),
        (Some(c), CodeLookup::Reason(coded), Source::TextOverCode) => format!(
            "the code `{c}` names `{}` and the text states `{}`: they disagree; the text is counted (`[matching] conflicts = \"text\"`) and the row is reported as a conflict",
            id(coded),
            id(tag.primary)
        ),
        (Some(c), CodeLookup::Reason(_), _) => match tag.conflict {
            Some(text) => format!(
                "the code `{c}` names `{}` and the text states `{}`: they disagree; the code is counted and the row is reported as a conflict",
                id(tag.primary),
                id(usize::from(text))
            ),
            None => format!(
                "the code `{c}` names `{}`; the text does not state another reason",
                id(tag.primary)
            ),
        },
        _ if tag.source == Source::Model || counting.is_empty() => format!(
            "the rules {}, so the learned model decided: `{}`",
            if counting.is_empty() {
                "matched nothing"
            } else {
                "matched only hints, or two reasons tied"
            },
            id(tag.primary)
        ),
        _ => {
            let first = counting[0];
            let mut why = format!(
                "`{}` is the reason stated first (\"{}\", word {})",
                first.reason,
                first.matched,
                first.words[0] + 1
            );
            if first.kind == "hint" {
                why.push_str("; only hints matched, so the hint decides");
            }
            if reasons.len() > 1 {
                why.push_str(&format!(
                    "; the answer also states {}, which count with --attribution split or all",
                    reasons
                        .iter()
                        .filter(|r| **r != first.reason)
                        .map(|r| format!("`{r}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            why
        }
    }
}

pub fn run(args: &ExplainArgs, config: &Config, color: bool, out: &mut dyn Write) -> Result<()> {
    let e = explain(args, config)?;
    match args.format {
        Format::Json => {
            serde_json::to_writer_pretty(&mut *out, &e)?;
            writeln!(out)?;
        }
        Format::Table => explanation::render(&e, color, out)?,
    }
    Ok(())
}
