//! `churn explain "TEXT"`: classify one answer and show why.

use std::io::Write;

use anyhow::Result;

use crate::classify::{CodeLookup, Outcome, RuleKind, Source, Tag};
use crate::cli::ExplainArgs;
use crate::config::Config;
use crate::explanation::{
    CodeInfo, Explained, FeatureWeight, LabelProbability, MatchInfo, ModelInfo, NegationInfo,
    OutcomeInfo,
};
use crate::render::{explanation, Format};

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
            CodeLookup::Reason(r, sub) => {
                ("reason", Some(taxonomy.target_id(r, sub.map(usize::from))))
            }
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
        .map(|m| {
            let sub = m
                .sub
                .map(|s| taxonomy.reasons[m.reason].subs[usize::from(s)].id.clone());
            match_info(m, &id(m.reason), sub)
        })
        .collect();
    let counting: Vec<&MatchInfo> = matches.iter().filter(|m| m.counts).collect();
    let sub_reason = match e.outcome {
        Outcome::Tagged(tag) => (tag.sub).map(|s| {
            taxonomy.reasons[tag.primary].subs[usize::from(s)]
                .id
                .clone()
        }),
        _ => None,
    };
    let competitor = match e.outcome {
        Outcome::Tagged(tag) => tag
            .competitor
            .map(|c| taxonomy.competitors[usize::from(c)].id.clone()),
        _ => None,
    };
    // The `[junk]` check that made a no answer of the text, if one did.
    let junk = matches!(e.outcome, Outcome::NoAnswer)
        .then(|| classifier.junk(&e.text))
        .flatten();
    let (kind, reason, reasons, source, why) = match e.outcome {
        Outcome::Tagged(tag) => {
            let reasons: Vec<String> = tag.reasons.iter().map(id).collect();
            let switched = competitor
                .as_ref()
                .filter(|_| !counting.iter().any(|m| m.reason == id(tag.primary)));
            let why = match switched {
                Some(c) => format!(
                    "the answer says it went to `{c}`, a competitor named in [competitors]: a switch to a better product, not a move"
                ),
                None => tagged_why(args.code.as_deref(), lookup, tag, &counting, &reasons, &id),
            };
            let source = match tag.source {
                Source::Code => "code",
                Source::Refined => "code refined by text",
                Source::TextOverCode => "text over code",
                Source::Text | Source::Hint => "text",
                Source::Model => "model",
                // `explain` takes no overrides file.
                Source::Override => "override",
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
            match junk {
                _ if e.normalized.is_empty() => "nothing is left after normalization".to_string(),
                Some(j) => format!(
                    "junk ({}): {}; counted as no answer",
                    j.id(),
                    j.describe()
                ),
                None => format!("\"{}\" is on the no-answer list", e.normalized),
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
            sub_reason,
            competitor,
            reasons,
            source,
            why,
            junk: junk.map(|j| j.id()),
        },
    })
}

/// One match as `explain` shows it.
fn match_info(
    m: &crate::classify::ExplainedMatch,
    reason: &str,
    sub_reason: Option<String>,
) -> MatchInfo {
    MatchInfo {
        sub_reason,
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
        (Some(c), CodeLookup::Reason(coded, _), Source::Refined) => format!(
            "the code `{c}` names `{}`, and the text states `{}`, a reason it may be refined to",
            id(coded),
            id(tag.primary)
        ),
        (Some(c), CodeLookup::Reason(coded, _), Source::TextOverCode) => format!(
            "the code `{c}` names `{}` and the text states `{}`: they disagree; the text is counted (`[matching] conflicts = \"text\"`) and the row is reported as a conflict",
            id(coded),
            id(tag.primary)
        ),
        (Some(c), CodeLookup::Reason(..), _) => match tag.conflict {
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
