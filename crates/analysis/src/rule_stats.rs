//! Which rule did what (`churn taxonomy stats`): per rule of the taxonomy, the rows it matched,
//! the rows it tagged, the rows where it decided the primary reason, the rows where a negation
//! cancelled it or something else overruled it (a longer or stronger rule, the row's code, the
//! model), the reasons it shares rows with, and, against a labelled file, its precision and the
//! rows it got wrong. Pure: rows in (their matches and outcome), counts out.

use churn_core::classify::{Outcome, RuleInfo, RuleKind, RuleMatch, Source};
use churn_core::taxonomy::Taxonomy;
use serde::Serialize;

/// One row as the rule statistics read it.
#[derive(Debug, Clone, Copy)]
pub struct Seen<'a> {
    /// Every rule match in the row's answer (see `Classifier::last_matches`).
    pub matches: &'a [RuleMatch],
    pub outcome: Outcome,
    /// The row's true label (an index into the labels of `churn evaluate`: reasons first), when
    /// there is a labelled file.
    pub truth: Option<usize>,
    /// Where the row is, and its answer, for the rows a rule got wrong.
    pub line: u64,
    pub text: &'a str,
}

/// What one rule did in one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Its reason is among the row's reasons by it.
    Tagged {
        decided: bool,
    },
    Negated,
    Overruled,
}

#[derive(Debug, Clone, Default)]
struct Counts {
    matched: usize,
    tagged: usize,
    /// Rows it tagged whose primary reason is its reason.
    primary: usize,
    decided: usize,
    negated: usize,
    overruled: usize,
    /// Per reason: rows it tagged that the reason was also given.
    overlaps: Vec<usize>,
    /// Rows it tagged whose label is its reason.
    correct: usize,
    wrong: Vec<Wrong>,
}

/// The counts of every rule, row by row.
#[derive(Debug, Clone)]
pub struct RuleTally {
    rules: Vec<Counts>,
    rows: StatsRows,
    labelled: bool,
}

/// The rows read, by what tagged them.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct StatsRows {
    pub read: usize,
    /// Tagged by the answer's rules (phrases, regexes, hints; also a code refined or overruled
    /// by the text).
    pub by_rules: usize,
    /// Tagged by a code alone.
    pub by_code: usize,
    /// Tagged by the learned model.
    pub by_model: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    pub involuntary: usize,
}

/// A row a rule tagged whose label is another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Wrong {
    pub line: u64,
    pub text: String,
    pub truth: String,
}

/// A reason a rule's rows were also given, and how many.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Overlap {
    pub reason: String,
    pub rows: usize,
}

/// One rule as reported.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RuleRow {
    /// The rule's number, in taxonomy order.
    pub index: usize,
    pub reason: String,
    pub sub: Option<String>,
    /// `phrase` or `regex`.
    pub kind: &'static str,
    pub hint: bool,
    pub lang: String,
    pub rule: String,
    pub matched: usize,
    /// Rows it tagged: its reason is one of the row's, by it.
    pub tagged: usize,
    /// Rows it tagged whose primary reason is its reason.
    pub primary: usize,
    /// Rows whose primary reason it decided (its match is the evidence), when the answer's
    /// rules tagged the row (not a code alone, not the model).
    pub decided: usize,
    /// Rows where it matched but a negation cancelled every match.
    pub negated: usize,
    /// Rows where it matched but did not count: a longer or stronger rule, the row's code or
    /// the model gave another reason.
    pub overruled: usize,
    /// The other reasons of the rows it tagged, most rows first.
    pub overlaps: Vec<Overlap>,
    /// Of the rows it tagged as their primary reason, the share whose label (which names the
    /// primary reason) is its reason; null without a labelled file, or when there is no such
    /// row.
    pub precision: Option<f64>,
    /// The rows it tagged as their primary reason whose label is another, in file order (empty
    /// without a labelled file).
    pub wrong: Vec<Wrong>,
}

/// The result of `churn taxonomy stats`; its serde shape is the JSON of `--format json`.
#[derive(Debug, Clone, Serialize)]
pub struct RuleStats {
    pub schema_version: u32,
    pub inputs: Vec<String>,
    pub config: Option<String>,
    /// The labelled column, when precision is measured.
    pub truth_column: Option<String>,
    pub rows: StatsRows,
    /// Every rule, in taxonomy order.
    pub rules: Vec<RuleRow>,
    /// How many rules matched no row.
    pub never_fired: usize,
}

impl RuleTally {
    pub fn new(rules: usize, reasons: usize, labelled: bool) -> RuleTally {
        let counts = Counts {
            overlaps: vec![0; reasons],
            ..Counts::default()
        };
        RuleTally {
            rules: vec![counts; rules],
            rows: StatsRows::default(),
            labelled,
        }
    }

    /// Count one row; `rules` are the classifier's, `labels` the names of the truth labels.
    pub fn add(&mut self, row: Seen<'_>, rules: &[RuleInfo], labels: &[String]) {
        self.count_row(row.outcome);
        if row.outcome == Outcome::Involuntary {
            return;
        }
        let mut seen: Vec<u32> = row.matches.iter().map(|m| m.rule).collect();
        seen.sort_unstable();
        seen.dedup();
        for rule in seen {
            let reason = rules[rule as usize].reason;
            let part = part_of(row, rule, reason);
            let c = &mut self.rules[rule as usize];
            c.matched += 1;
            match part {
                Part::Negated => c.negated += 1,
                Part::Overruled => c.overruled += 1,
                Part::Tagged { decided } => {
                    c.tagged += 1;
                    c.decided += usize::from(decided);
                    let Outcome::Tagged(tag) = row.outcome else {
                        continue;
                    };
                    tag.reasons
                        .iter()
                        .filter(|&r| r != reason)
                        .for_each(|r| c.overlaps[r] += 1);
                    // A label names the row's primary reason: a rule is judged on those rows.
                    if tag.primary != reason {
                        continue;
                    }
                    c.primary += 1;
                    match row.truth {
                        Some(t) if t == reason => c.correct += 1,
                        Some(t) => c.wrong.push(Wrong {
                            line: row.line,
                            text: row.text.to_string(),
                            truth: labels[t].clone(),
                        }),
                        None => {}
                    }
                }
            }
        }
    }

    fn count_row(&mut self, outcome: Outcome) {
        let r = &mut self.rows;
        r.read += 1;
        match outcome {
            Outcome::Tagged(tag) => match tag.source {
                Source::Code => r.by_code += 1,
                Source::Model => r.by_model += 1,
                _ => r.by_rules += 1,
            },
            Outcome::Unclassified => r.unclassified += 1,
            Outcome::NoAnswer => r.no_answer += 1,
            Outcome::Involuntary => r.involuntary += 1,
        }
    }

    /// The rows counted so far, by what tagged them.
    pub fn rows(&self) -> StatsRows {
        self.rows
    }

    /// Every rule's row, in taxonomy order.
    pub fn report(self, rules: &[RuleInfo], taxonomy: &Taxonomy) -> Vec<RuleRow> {
        let labelled = self.labelled;
        (self.rules.into_iter().zip(rules).enumerate())
            .map(|(index, (c, info))| rule_row(index, c, info, taxonomy, labelled))
            .collect()
    }
}

/// What `rule` (of `reason`) did in `row`.
fn part_of(row: Seen<'_>, rule: u32, reason: usize) -> Part {
    let of_rule = || row.matches.iter().filter(move |m| m.rule == rule);
    let counts = of_rule().any(|m| m.counts());
    let tag = match row.outcome {
        Outcome::Tagged(tag) if tag.reasons.contains(reason) => Some(tag),
        _ => None,
    };
    // The rule that decided the primary reason: its first match neither negated nor inside a
    // longer one (a hint refining a code counts), when the text decided.
    let decided = tag.is_some_and(|t| {
        !matches!(t.source, Source::Code | Source::Model)
            && t.primary == reason
            && (row.matches.iter())
                .find(|m| m.reason == reason && m.negated_by.is_none() && !m.inside_longer)
                .is_some_and(|m| m.rule == rule)
    });
    if decided || (counts && tag.is_some()) {
        Part::Tagged { decided }
    } else if of_rule().all(|m| m.negated_by.is_some()) {
        Part::Negated
    } else {
        Part::Overruled
    }
}

fn rule_row(
    index: usize,
    c: Counts,
    info: &RuleInfo,
    taxonomy: &Taxonomy,
    labelled: bool,
) -> RuleRow {
    let reason = &taxonomy.reasons[info.reason];
    let mut overlaps: Vec<Overlap> = (c.overlaps.iter().enumerate())
        .filter(|(_, &n)| n > 0)
        .map(|(r, &n)| Overlap {
            reason: taxonomy.reasons[r].id.clone(),
            rows: n,
        })
        .collect();
    overlaps.sort_by_key(|o| std::cmp::Reverse(o.rows));
    RuleRow {
        index,
        reason: reason.id.clone(),
        sub: info.sub.map(|s| reason.subs[usize::from(s)].id.clone()),
        kind: match info.kind {
            RuleKind::Phrase => "phrase",
            RuleKind::Regex => "regex",
        },
        hint: info.hint,
        lang: match info.kind {
            RuleKind::Phrase => info.lang.clone(),
            RuleKind::Regex => "any".to_string(),
        },
        rule: info.text.clone(),
        matched: c.matched,
        tagged: c.tagged,
        primary: c.primary,
        decided: c.decided,
        negated: c.negated,
        overruled: c.overruled,
        overlaps,
        precision: (labelled && c.primary > 0)
            .then(|| crate::report::round(c.correct as f64 / c.primary as f64, 6)),
        wrong: c.wrong,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use churn_core::classify::{Classifier, CodeLookup, Scratch};

    fn run(texts: &[(&str, Option<&str>)]) -> Vec<RuleRow> {
        let taxonomy = churn_core::config::builtin_taxonomy();
        let classifier = Classifier::new(&taxonomy).unwrap();
        let mut labels: Vec<String> = taxonomy.reasons.iter().map(|r| r.id.clone()).collect();
        labels.push("unclassified".into());
        let rules = classifier.rules();
        let mut tally = RuleTally::new(rules.len(), taxonomy.reasons.len(), true);
        let mut scratch = Scratch::new();
        for (i, (text, truth)) in texts.iter().enumerate() {
            let outcome = classifier.classify(Some(text), CodeLookup::Blank, &mut scratch);
            let truth = truth.map(|t| labels.iter().position(|l| l == t).unwrap());
            let matches = classifier.last_matches(&scratch);
            let seen = Seen {
                matches,
                outcome,
                truth,
                line: i as u64 + 2,
                text,
            };
            tally.add(seen, rules, &labels);
        }
        tally.report(rules, &taxonomy)
    }

    fn fired(rows: &[RuleRow]) -> Vec<&RuleRow> {
        rows.iter().filter(|r| r.matched > 0).collect()
    }

    #[test]
    fn a_rule_that_tags_decides_and_a_negated_one_is_counted_so() {
        let rows = run(&[
            ("we moved to another city", Some("moved")),
            ("we moved to another city", Some("died")),
            ("it was not too expensive", None),
        ]);
        let moved: Vec<_> = fired(&rows)
            .into_iter()
            .filter(|r| r.reason == "moved" && r.decided > 0)
            .collect();
        assert_eq!(moved.len(), 1, "{moved:#?}");
        assert_eq!(moved[0].tagged, 2);
        assert_eq!(moved[0].precision, Some(0.5));
        assert_eq!(moved[0].wrong[0].line, 3);
        assert_eq!(moved[0].wrong[0].truth, "died");
        let negated: Vec<_> = rows.iter().filter(|r| r.negated > 0).collect();
        assert!(!negated.is_empty(), "{:#?}", fired(&rows));
        assert!(negated.iter().all(|r| r.tagged == 0));
    }

    #[test]
    fn every_rule_is_reported_and_unlabelled_rows_have_no_precision() {
        let taxonomy = churn_core::config::builtin_taxonomy();
        let classifier = Classifier::new(&taxonomy).unwrap();
        let tally = RuleTally::new(classifier.rules().len(), taxonomy.reasons.len(), false);
        let rows = tally.report(classifier.rules(), &taxonomy);
        assert_eq!(rows.len(), classifier.rules().len());
        assert!(rows.iter().all(|r| r.matched == 0 && r.precision.is_none()));
    }

    #[test]
    fn a_row_with_two_reasons_overlaps() {
        let rows = run(&[("too expensive and we moved abroad", None)]);
        let tagged: Vec<_> = rows.iter().filter(|r| r.tagged > 0).collect();
        assert!(tagged.len() >= 2, "{tagged:#?}");
        assert!(tagged.iter().all(|r| r.overlaps.len() == 1));
        assert_eq!(tagged.iter().map(|r| r.decided).sum::<usize>(), 1);
    }
}
