//! The result of an analysis, as one serializable value. Its serde shape *is* the JSON contract
//! (`schema_version` 1): add fields freely, bump the version to rename or remove one. Every
//! renderer reads this and nothing else.

use serde::Serialize;

use crate::attribute::Tally;
use crate::compare::{Benchmark, Comparison};
use crate::taxonomy::Taxonomy;

pub const SCHEMA_VERSION: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Report {
    pub schema_version: u32,
    pub tool: Tool,
    pub inputs: Vec<Input>,
    pub rows: Rows,
    pub benchmark: BenchmarkInfo,
    /// One entry per reason, in taxonomy order.
    pub reasons: Vec<ReasonRow>,
    /// Coded values no code map knows (their rows fell back to the text), most frequent first.
    pub unknown_codes: Vec<CodeCount>,
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
    /// Header of the coded reason column read, or null.
    pub code_column: Option<String>,
}

/// Row accounting: `read = tagged + unclassified + no_answer + rejected`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rows {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkInfo {
    pub name: &'static str,
    pub note: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReasonRow {
    pub id: String,
    pub label: String,
    /// Tagged rows with this reason.
    pub count: usize,
    /// Of `count`, rows whose reason came from a coded value rather than the text.
    pub from_code: usize,
    /// Fraction of tagged rows (6 decimals); null when no row was tagged.
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
    pub fn new(
        inputs: Vec<Input>,
        taxonomy: &Taxonomy,
        tally: &Tally,
        benchmark: &Benchmark,
        comparisons: &[Comparison],
    ) -> Report {
        let reasons = comparisons
            .iter()
            .map(|c| {
                let r = &taxonomy.reasons[c.reason];
                ReasonRow {
                    id: r.id.clone(),
                    label: r.label.clone(),
                    count: c.count,
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
            rows: Rows {
                read: tally.read,
                tagged: tally.tagged,
                unclassified: tally.unclassified,
                no_answer: tally.no_answer,
                rejected: tally.rejected,
            },
            benchmark: BenchmarkInfo {
                name: benchmark.name,
                note: benchmark.note,
            },
            reasons,
            unknown_codes,
        }
    }

    /// A reason's row by id.
    pub fn reason(&self, id: &str) -> Option<&ReasonRow> {
        self.reasons.iter().find(|r| r.id == id)
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
