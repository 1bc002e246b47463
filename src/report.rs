//! The result of an analysis, as one serializable value. Its serde shape *is* the JSON contract
//! (`schema_version` 1): add fields freely, bump the version to rename or remove one. Every
//! renderer reads this and nothing else.

use serde::Serialize;

use crate::attribute::Tally;
use crate::compare::{Benchmark, Comparison};
use crate::config::Attribution;
use crate::taxonomy::Taxonomy;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub inputs: Vec<Input>,
    /// The configuration file in force, or null for the built-in taxonomy.
    pub config: Option<String>,
    pub rows: Rows,
    pub attribution: AttributionInfo,
    pub benchmark: BenchmarkInfo,
    /// One entry per reason, in taxonomy order.
    pub reasons: Vec<ReasonRow>,
    /// Coded values no code map knows (their rows fell back to the text), most frequent first.
    pub unknown_codes: Vec<CodeCount>,
    /// The most common unclassified answers (normalized), with `--show-unclassified N`; else
    /// empty.
    pub unclassified_answers: Vec<TextCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AttributionInfo {
    /// `primary`, `split` or `all`.
    pub mode: &'static str,
    /// What the counts and shares mean under this mode.
    pub note: &'static str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TextCount {
    pub text: String,
    pub count: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// The path as given on the command line.
    pub path: String,
    pub rows: usize,
    /// Header of the free-text reason column read, or null.
    pub text_column: Option<String>,
    /// Header of the first coded column read, or null (kept for schema 1 readers).
    pub code_column: Option<String>,
    /// Headers of every coded column read (Stripe feedback and reason, say).
    pub code_columns: Vec<String>,
}

/// Row accounting: `read = tagged + unclassified + no_answer + involuntary + rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rows {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    /// Rows a code marks as involuntary churn (failed or disputed payment); not in the shares.
    pub involuntary: usize,
    pub rejected: usize,
    /// Of `tagged`, rows that state more than one reason.
    pub multi_reason: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkInfo {
    pub name: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonRow {
    pub id: String,
    pub label: String,
    /// Rows credited to this reason under the attribution mode: a whole number, except with
    /// `split` (6 decimals).
    #[serde(serialize_with = "whole_or_fraction")]
    pub count: f64,
    /// Of `count`, rows whose reason came from a coded value rather than the text.
    pub from_code: usize,
    /// `count` as a fraction of tagged rows (6 decimals); null when no row was tagged.
    pub share: Option<f64>,
    /// Fraction the benchmark claims; null when the benchmark does not name this reason.
    pub benchmark_share: Option<f64>,
    /// `(share - benchmark_share) * 100`, in percentage points (4 decimals).
    pub delta_pp: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeCount {
    pub value: String,
    pub count: usize,
}

/// A count as an integer when it is whole (always, except with `--attribution split`).
fn whole_or_fraction<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    let r = (x * f).round() / f;
    // Avoid "-0.0" in output.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

impl Report {
    /// Assemble a report. Rounding happens here, once, so every format shows the same numbers.
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        inputs: Vec<Input>,
        config: Option<String>,
        taxonomy: &Taxonomy,
        tally: &Tally,
        attribution: Attribution,
        benchmark: &Benchmark,
        comparisons: &[Comparison],
        unclassified: Vec<(String, usize)>,
    ) -> Report {
        let reasons = comparisons
            .iter()
            .map(|c| {
                let r = &taxonomy.reasons[c.reason];
                ReasonRow {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    count: round(c.count, 6),
                    from_code: tally.from_code[c.reason],
                    share: c.share.map(|s| round(s, 6)),
                    benchmark_share: c.benchmark_share,
                    delta_pp: c.delta_pp.map(|d| round(d, 4)),
                }
            })
            .collect();
        let mut unknown_codes: Vec<CodeCount> = tally
            .unknown_codes
            .iter()
            .map(|(value, &count)| CodeCount {
                value: value.clone(),
                count,
            })
            .collect();
        // Most frequent first; the BTreeMap order breaks ties (stable sort).
        unknown_codes.sort_by_key(|c| std::cmp::Reverse(c.count));
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: "churn",
                version: env!("CARGO_PKG_VERSION"),
            },
            inputs,
            config,
            rows: Rows {
                read: tally.read,
                tagged: tally.tagged,
                unclassified: tally.unclassified,
                no_answer: tally.no_answer,
                involuntary: tally.involuntary,
                rejected: tally.rejected,
                multi_reason: tally.multi_reason,
            },
            attribution: AttributionInfo {
                mode: attribution.name(),
                note: attribution_note(attribution),
            },
            benchmark: BenchmarkInfo {
                name: benchmark.name.clone(),
                note: benchmark.note.clone(),
            },
            reasons,
            unknown_codes,
            unclassified_answers: unclassified
                .into_iter()
                .map(|(text, count)| TextCount { text, count })
                .collect(),
        }
    }

    /// Whether the shares may sum past 100% (`--attribution all`).
    pub fn shares_overlap(&self) -> bool {
        self.attribution.mode == "all"
    }

    /// A reason's row by id.
    pub fn reason(&self, id: &str) -> Option<&ReasonRow> {
        self.reasons.iter().find(|r| r.id == id)
    }
}

/// What counts and shares mean under each attribution mode.
pub fn attribution_note(a: Attribution) -> &'static str {
    match a {
        Attribution::Primary => "each tagged row counts once, for the reason it states first",
        Attribution::Split => "each tagged row is split equally between the reasons it states",
        Attribution::All => {
            "each tagged row counts fully for every reason it states; shares are of respondents \
             and may sum past 100%"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::round;

    #[test]
    fn rounding_is_stable_and_never_negative_zero() {
        assert_eq!(round(0.412_371_134_020_618_5, 6), 0.412371);
        assert_eq!(round(-0.000_000_01, 4).to_string(), "0");
        assert_eq!(round(-26.912_345, 4), -26.9123);
    }
}
