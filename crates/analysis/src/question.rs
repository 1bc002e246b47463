//! `churn question`: one of the survey's other questions (yes/no, a count, a scale) against a
//! question set (see [`churn_core::questions`]): the answers put in the set's buckets, their
//! shares with intervals, a test per bucket and of the whole, as the reasons against the classic
//! benchmark. Pure: answers in, the report out.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::compare::{compare, Benchmark, StatOptions};
use crate::report::{ci_of, round, rounded_test, sig, Ci, TextCount, Tool};
use churn_core::benchmark::{Bucket, Members};
use churn_core::config::Attribution;
use churn_core::questions::QuestionSet;

/// The answers of one column, bucket by bucket.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answered {
    /// Per bucket of the set.
    pub counts: Vec<u64>,
    /// Answers no bucket takes, with how often each was given.
    pub not_mapped: BTreeMap<String, usize>,
    pub blank: usize,
}

/// Put each answer (`None`: blank) in its bucket.
pub fn answer<'a>(
    set: &QuestionSet,
    answers: impl IntoIterator<Item = Option<&'a str>>,
) -> Answered {
    let mut a = Answered {
        counts: vec![0; set.buckets.len()],
        ..Answered::default()
    };
    for text in answers {
        match text.map(str::trim).filter(|t| !t.is_empty()) {
            None => a.blank += 1,
            Some(t) => match set.bucket_of(t) {
                Some(b) => a.counts[b] += 1,
                None => *a.not_mapped.entry(t.to_string()).or_default() += 1,
            },
        }
    }
    a
}

/// The JSON of `churn question --format json` (`schema_version` 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuestionReport {
    pub schema_version: u32,
    pub tool: Tool,
    pub path: String,
    pub column: String,
    pub question_set: SetInfo,
    pub rows: QuestionRows,
    pub confidence: f64,
    /// Per bucket of the set, in its order.
    pub buckets: Vec<BucketRow>,
    /// Goodness of fit of the shares to the set's; null when no answer was mapped.
    pub test: Option<crate::compare::FitTest>,
    /// The most common answers no bucket takes (at most 10).
    pub not_mapped_answers: Vec<TextCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SetInfo {
    pub name: String,
    pub question: String,
    pub note: String,
}

/// Every row read, once: answered (in a bucket), not mapped, blank, filtered out, rejected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct QuestionRows {
    pub read: usize,
    pub answered: usize,
    pub not_mapped: usize,
    pub blank: usize,
    pub filtered_out: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketRow {
    pub id: String,
    pub label: String,
    pub count: u64,
    /// Of the answered rows.
    pub share: Option<f64>,
    pub ci: Option<Ci>,
    pub benchmark_share: f64,
    pub delta_pp: Option<f64>,
    pub std_residual: Option<f64>,
    pub p_value: Option<f64>,
    pub p_value_adjusted: Option<f64>,
    pub verdict: Option<crate::compare::Verdict>,
}

/// Where the answers came from, and what else the read left out.
pub struct Source<'a> {
    pub path: &'a str,
    pub column: &'a str,
    pub filtered_out: usize,
    pub rejected: usize,
}

/// The set as a benchmark: a bucket per answer bucket.
fn as_benchmark(set: &QuestionSet) -> Benchmark {
    Benchmark {
        name: set.name.clone(),
        note: set.note.clone(),
        buckets: set
            .buckets
            .iter()
            .map(|b| Bucket {
                id: b.id.clone(),
                label: b.label.clone(),
                share: b.share,
                members: Members::Reasons(vec![b.id.clone()]),
            })
            .collect(),
    }
}

/// The report of a question's answers against a set.
pub fn report(
    set: &QuestionSet,
    a: &Answered,
    source: Source<'_>,
    stats: &StatOptions,
) -> QuestionReport {
    let counts: Vec<f64> = a.counts.iter().map(|&c| c as f64).collect();
    let answered: u64 = a.counts.iter().sum();
    let c = compare(
        &as_benchmark(set),
        &counts,
        0.0,
        answered as f64,
        Attribution::Primary,
        stats,
    );
    let buckets = set
        .buckets
        .iter()
        .zip(&c.buckets)
        .zip(&a.counts)
        .map(|((b, r), &count)| BucketRow {
            id: b.id.clone(),
            label: b.label.clone(),
            count,
            share: r.estimate.share.map(|x| round(x, 6)),
            ci: ci_of(&r.estimate),
            benchmark_share: b.share,
            delta_pp: r.delta_pp.map(|d| round(d, 4)),
            std_residual: r.std_residual.map(|x| round(x, 6)),
            p_value: r.p_value.map(|x| sig(x, 6)),
            p_value_adjusted: r.p_value_adjusted.map(|x| sig(x, 6)),
            verdict: r.verdict,
        })
        .collect();
    let not_mapped: usize = a.not_mapped.values().sum();
    let top: Vec<TextCount> = crate::attribute::most_frequent(&a.not_mapped, 10)
        .into_iter()
        .map(|(text, count)| TextCount {
            text: churn_core::redact::redact(&text).into_owned(),
            count,
        })
        .collect();
    QuestionReport {
        schema_version: 1,
        tool: Tool::current(),
        path: source.path.to_string(),
        column: source.column.to_string(),
        question_set: SetInfo {
            name: set.name.clone(),
            question: set.question.clone(),
            note: set.note.clone(),
        },
        rows: QuestionRows {
            read: answered as usize + not_mapped + a.blank + source.filtered_out + source.rejected,
            answered: answered as usize,
            not_mapped,
            blank: a.blank,
            filtered_out: source.filtered_out,
            rejected: source.rejected,
        },
        confidence: stats.confidence,
        buckets,
        test: c.test.as_ref().filter(|_| answered > 0).map(rounded_test),
        not_mapped_answers: top,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_are_counted_once_each() {
        let sets = churn_core::questions::builtin();
        let set = sets.iter().find(|s| s.name == "told-others-bad").unwrap();
        let a = answer(
            set,
            [
                Some("Yes"),
                Some("no"),
                None,
                Some(" "),
                Some("perhaps"),
                Some("ja"),
            ],
        );
        assert_eq!(a.counts, vec![2, 1]);
        assert_eq!(a.blank, 2);
        assert_eq!(a.not_mapped["perhaps"], 1);
        let source = Source {
            path: "x.csv",
            column: "q",
            filtered_out: 1,
            rejected: 0,
        };
        let r = report(set, &a, source, &StatOptions::default());
        assert_eq!(r.rows.read, 7);
        assert_eq!(r.buckets[0].share, Some(0.666667));
        assert_eq!(r.buckets[0].benchmark_share, 0.65);
    }
}
