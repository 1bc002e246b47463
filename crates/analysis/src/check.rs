//! `churn check`: the rules a CI gate applies to an export, and how each is judged. Pure: the
//! command measures the export, [`evaluate`] compares the measurements with the limits.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::report::{Rows, Tool};
pub use churn_core::config::rules::{parse_fraction, parse_share, Rules};
use churn_core::text::{fixed, noun, plural};

/// The result of `churn check`, as one serializable value: its serde shape is the JSON contract
/// (`schema_version` 1, docs/schema/check.v1.json).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    pub schema_version: u32,
    pub tool: Tool,
    /// The export checked, as given on the command line.
    pub input: String,
    /// The configuration file in force, or null for the built-in one.
    pub config: Option<String>,
    pub rows: Rows,
    /// The benchmark set `above-benchmark` compares with.
    pub benchmark: String,
    /// Confidence level of intervals and tests; `1 - confidence` is their significance level.
    pub confidence: f64,
    /// Whether every check passed.
    pub passed: bool,
    pub total: usize,
    pub failed: usize,
    pub checks: Vec<Check>,
}

/// Repeated ids in one column.
#[derive(Debug, Clone, PartialEq)]
pub struct Duplicates {
    pub column: String,
    /// Rows whose id appeared on an earlier row.
    pub count: usize,
    /// Lines of those rows, in file order.
    pub lines: Vec<u64>,
}

/// Count rows whose (trimmed, non-blank) id appeared before. `lines[i]` is row `i`'s line.
pub fn duplicates(column: &str, ids: &[Option<&str>], lines: &[u64]) -> Duplicates {
    let mut seen = std::collections::HashSet::new();
    let mut dup_lines = Vec::new();
    for (i, id) in ids.iter().enumerate() {
        if let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) {
            if !seen.insert(id) {
                dup_lines.push(lines.get(i).copied().unwrap_or(0));
            }
        }
    }
    Duplicates {
        column: column.to_string(),
        count: dup_lines.len(),
        lines: dup_lines,
    }
}

/// A benchmark bucket (or a reason alone in its bucket) as measured.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketMeasure {
    pub id: String,
    pub share: Option<f64>,
    /// Lower bound of the share's interval.
    pub lower: Option<f64>,
    pub benchmark: f64,
}

/// The homogeneity test of this export against the baseline's reason counts.
#[derive(Debug, Clone, PartialEq)]
pub struct BaselineMeasure {
    pub path: String,
    /// None when there is nothing to test (fewer than two reasons or an empty side).
    pub p_value: Option<f64>,
    pub statistic: Option<f64>,
    pub df: Option<usize>,
    pub cramers_v: Option<f64>,
    pub tagged_before: f64,
    pub tagged_now: f64,
}

/// What was measured on the export.
#[derive(Debug, Clone, PartialEq)]
pub struct Measures {
    pub read: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    pub tagged: usize,
    pub headers: Vec<String>,
    /// The reason columns read, each with its number of non-blank cells.
    pub reason_columns: Vec<(String, usize)>,
    /// Rows whose coded value no code map knows.
    pub unknown_codes: usize,
    pub duplicates: Vec<Duplicates>,
    /// Reason id -> share of tagged rows.
    pub shares: BTreeMap<String, Option<f64>>,
    pub buckets: Vec<BucketMeasure>,
    pub benchmark: String,
    pub confidence: f64,
    pub baseline: Option<BaselineMeasure>,
}

/// What a limit and a measurement count.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// A number of rows (or cells, or codes).
    Rows,
    /// A fraction from 0 to 1 (shown as a percentage).
    Fraction,
    /// A p-value against a significance level.
    PValue,
    /// Nothing measured (`require-col`).
    None,
}

/// One rule applied to the export.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Check {
    /// The rule, named as its flag without dashes: `min-responses`, `max-share`, ...
    pub rule: &'static str,
    /// The reason, bucket or column the rule is about, if any.
    pub target: Option<String>,
    pub passed: bool,
    /// Whole numbers are written as integers.
    #[serde(serialize_with = "crate::report::opt_whole_or_fraction")]
    pub measured: Option<f64>,
    #[serde(serialize_with = "crate::report::opt_whole_or_fraction")]
    pub limit: Option<f64>,
    pub unit: Unit,
    /// One sentence saying what was found, for people.
    pub message: String,
    /// A line of the file to point at (the first offending row; 1 for header problems).
    pub line: Option<u64>,
}

impl Check {
    /// How the measured value must stand to the limit for the check to pass.
    pub fn relation(&self) -> &'static str {
        match self.rule {
            "reason-column" | "min-responses" | "min-share" => "≥",
            "baseline" => ">",
            "require-col" => "",
            _ => "≤",
        }
    }
}

/// `0.3` as `30%`, `0.125` as `12.5%`.
pub fn percent(x: f64) -> String {
    let p = x * 100.0;
    if (p - p.round()).abs() < 1e-9 {
        format!("{}%", fixed(p, 0))
    } else {
        let s = fixed(p, 2);
        format!("{}%", s.trim_end_matches('0').trim_end_matches('.'))
    }
}

fn of_read(part: usize, read: usize) -> f64 {
    if read == 0 {
        0.0
    } else {
        part as f64 / read as f64
    }
}

/// Apply every rule in `rules` to the measurements, in a fixed order: the reason column
/// (always), then the rules in the order of `churn check --help`.
pub fn evaluate(rules: &Rules, m: &Measures) -> Vec<Check> {
    let mut out = Vec::new();
    column_checks(m, &mut out);
    count_checks(rules, m, &mut out);
    share_checks(rules, m, &mut out);
    benchmark_checks(rules, m, &mut out);
    if let Some(base) = &m.baseline {
        out.push(baseline_check(base, m.confidence));
    }
    out
}

/// "1 row" or "60 rows", for messages.
fn rows(n: usize) -> String {
    plural(n, "row", "rows")
}

/// The reason column: always checked.
fn column_checks(m: &Measures, out: &mut Vec<Check>) {
    for (column, filled) in &m.reason_columns {
        let passed = *filled > 0 || m.read == 0;
        out.push(Check {
            rule: "reason-column",
            target: Some(column.clone()),
            passed,
            measured: Some(*filled as f64),
            limit: Some(1.0),
            unit: Unit::Rows,
            message: if passed {
                format!("`{column}` has an answer in {filled} of {}", rows(m.read))
            } else if m.read == 1 {
                format!(
                    "`{column}` is empty in the only row: the export may have dropped the field"
                )
            } else {
                format!(
                    "`{column}` is empty in every one of the {} rows: the export may have dropped \
                     the field",
                    m.read
                )
            },
            line: (!passed).then_some(1),
        });
    }
}

/// `--min-responses`, `--max-unclassified`, `--max-no-answer`, `--require-col`,
/// `--max-unknown-codes` and `--max-duplicate-ids`, in this order.
fn count_checks(rules: &Rules, m: &Measures, out: &mut Vec<Check>) {
    if let Some(min) = rules.min_responses {
        let passed = m.read as u64 >= min;
        out.push(Check {
            rule: "min-responses",
            target: None,
            passed,
            measured: Some(m.read as f64),
            limit: Some(min as f64),
            unit: Unit::Rows,
            message: if passed {
                format!(
                    "{}, at least {min} as required",
                    plural(m.read, "response", "responses")
                )
            } else {
                format!(
                    "{}, fewer than the {min} required",
                    plural(m.read, "response", "responses")
                )
            },
            line: None,
        });
    }
    let mut fraction_rule = |rule: &'static str, what: [&str; 2], part: usize, max: Option<f64>| {
        if let Some(max) = max {
            let x = of_read(part, m.read);
            let passed = x <= max + 1e-12;
            out.push(Check {
                rule,
                target: None,
                passed,
                measured: Some(x),
                limit: Some(max),
                unit: Unit::Fraction,
                message: format!(
                    "{part} of {} {} ({}), {} the limit of {}",
                    rows(m.read),
                    noun(part, what[0], what[1]),
                    percent(x),
                    if passed { "within" } else { "above" },
                    percent(max)
                ),
                line: None,
            });
        }
    };
    fraction_rule(
        "max-unclassified",
        ["is unclassified", "are unclassified"],
        m.unclassified,
        rules.max_unclassified,
    );
    fraction_rule(
        "max-no-answer",
        ["has no answer", "have no answer"],
        m.no_answer,
        rules.max_no_answer,
    );
    for name in &rules.require_cols {
        let found = churn_input::columns::find(&m.headers, name);
        out.push(Check {
            rule: "require-col",
            target: Some(name.clone()),
            passed: found.is_some(),
            measured: None,
            limit: None,
            unit: Unit::None,
            message: match found {
                Some(i) => format!("column `{}` is present", m.headers[i]),
                None => format!("column `{name}` is missing from the header"),
            },
            line: found.is_none().then_some(1),
        });
    }
    if let Some(max) = rules.max_unknown_codes {
        let passed = m.unknown_codes as u64 <= max;
        out.push(Check {
            rule: "max-unknown-codes",
            target: None,
            passed,
            measured: Some(m.unknown_codes as f64),
            limit: Some(max as f64),
            unit: Unit::Rows,
            message: format!(
                "{} no code map knows, {} the limit of {max}",
                plural(m.unknown_codes, "coded value", "coded values"),
                if passed { "within" } else { "above" }
            ),
            line: None,
        });
    }
    if let Some(max) = rules.max_duplicate_ids {
        for d in &m.duplicates {
            out.push(duplicate_check(d, max));
        }
    }
}

/// `--max-duplicate-ids` for one id column.
fn duplicate_check(d: &Duplicates, max: u64) -> Check {
    let passed = d.count as u64 <= max;
    let shown: Vec<String> = d.lines.iter().take(10).map(u64::to_string).collect();
    let more = if d.lines.len() > 10 { ", ..." } else { "" };
    Check {
        rule: "max-duplicate-ids",
        target: Some(d.column.clone()),
        passed,
        measured: Some(d.count as f64),
        limit: Some(max as f64),
        unit: Unit::Rows,
        message: if d.count == 0 {
            format!("no id in `{}` repeats", d.column)
        } else {
            format!(
                "{} an earlier id in `{}` ({} {}{more}), {} the limit of {max}",
                plural(d.count, "row repeats", "rows repeat"),
                d.column,
                noun(d.lines.len(), "line", "lines"),
                shown.join(", "),
                if passed { "within" } else { "above" }
            )
        },
        line: d.lines.first().copied(),
    }
}

/// Why a rule about shares cannot be judged: no tagged row, so no share to compare. Such a
/// rule fails: passing it would pass an export whose every answer was unclassified or blank.
fn no_tagged_rows(m: &Measures) -> String {
    format!(
        "nothing was tagged ({} of {} read: {} unclassified, {} no answer), so there is no \
         share to judge; this counts as a failure",
        m.tagged,
        plural(m.read, "row", "rows"),
        m.unclassified,
        m.no_answer
    )
}

/// `--max-share` and `--min-share`, reason by reason.
fn share_checks(rules: &Rules, m: &Measures, out: &mut Vec<Check>) {
    let share_of = |reason: &str| {
        m.shares
            .get(reason)
            .copied()
            .flatten()
            .filter(|_| m.tagged > 0)
    };
    for (reason, max) in &rules.max_share {
        let share = share_of(reason);
        let passed = share.is_some_and(|x| x <= max + 1e-12);
        out.push(Check {
            rule: "max-share",
            target: Some(reason.clone()),
            passed,
            measured: share,
            limit: Some(*max),
            unit: Unit::Fraction,
            message: match share {
                Some(x) => format!(
                    "`{reason}` is {} of tagged churn, {} the limit of {}",
                    percent(x),
                    if passed { "within" } else { "above" },
                    percent(*max)
                ),
                None => no_tagged_rows(m),
            },
            line: None,
        });
    }
    for (reason, min) in &rules.min_share {
        let share = share_of(reason);
        let passed = share.is_some_and(|x| x + 1e-12 >= *min);
        out.push(Check {
            rule: "min-share",
            target: Some(reason.clone()),
            passed,
            measured: share,
            limit: Some(*min),
            unit: Unit::Fraction,
            message: match share {
                Some(x) => format!(
                    "`{reason}` is {} of tagged churn, {} {}",
                    percent(x),
                    if passed {
                        "at least"
                    } else {
                        "below the minimum of"
                    },
                    percent(*min)
                ),
                None => no_tagged_rows(m),
            },
            line: None,
        });
    }
}

/// `--above-benchmark`, bucket by bucket. A bucket with no interval (nothing tagged, or no
/// tagged row in any bucket of the benchmark) cannot be judged, and fails.
fn benchmark_checks(rules: &Rules, m: &Measures, out: &mut Vec<Check>) {
    let level = percent(m.confidence);
    for id in &rules.above_benchmark {
        let Some(b) = m.buckets.iter().find(|b| &b.id == id) else {
            continue;
        };
        let lower = b.lower.filter(|_| m.tagged > 0);
        let passed = lower.is_some_and(|lower| lower <= b.benchmark);
        out.push(Check {
            rule: "above-benchmark",
            target: Some(id.clone()),
            passed,
            measured: lower,
            limit: Some(b.benchmark),
            unit: Unit::Fraction,
            message: match (b.share, lower) {
                (Some(share), Some(lower)) => format!(
                    "`{id}` is {} of tagged churn; the lower end of its {level} interval, {}, \
                     is {} `{}`'s {}",
                    percent(share),
                    percent(lower),
                    if passed { "not above" } else { "above" },
                    m.benchmark,
                    percent(b.benchmark)
                ),
                _ if m.tagged == 0 => no_tagged_rows(m),
                _ => format!(
                    "{} in a bucket of `{}`, so there is no share to judge; this counts as a \
                     failure",
                    if m.tagged == 1 {
                        "the only tagged row is not".to_string()
                    } else {
                        format!("none of the {} tagged rows is", m.tagged)
                    },
                    m.benchmark
                ),
            },
            line: None,
        });
    }
}

/// `--baseline`: the homogeneity test of this export against the baseline's counts. With no
/// tagged row on either side there is nothing to compare, and the check fails; with one reason
/// on both sides the mixes are the same, and it passes.
fn baseline_check(base: &BaselineMeasure, confidence: f64) -> Check {
    let alpha = 1.0 - confidence;
    let alpha = (alpha * 1e9).round() / 1e9;
    let empty = base.tagged_before <= 0.0 || base.tagged_now <= 0.0;
    let passed = !empty && base.p_value.is_none_or(|p| p > alpha);
    let counts = format!(
        "{} tagged then, {} now",
        fmt_count(base.tagged_before),
        fmt_count(base.tagged_now)
    );
    let message = match (base.p_value, base.statistic, base.df, base.cramers_v) {
        _ if empty => format!(
            "reason mix against the baseline ({counts}): {} no tagged row, so there is nothing to \
             compare; this counts as a failure",
            if base.tagged_now <= 0.0 {
                "this export has"
            } else {
                "the baseline has"
            }
        ),
        (Some(p), Some(x2), Some(df), Some(v)) => format!(
            "reason mix against the baseline ({counts}): chi-square = {}, df = {df}, p {}, \
             Cramér's V = {}; {}",
            fixed(x2, 2),
            p_text(p),
            fixed(v, 3),
            if passed {
                format!("no change beyond chance at the {} level", percent(alpha))
            } else {
                format!(
                    "the mix changed more than chance explains at the {} level",
                    percent(alpha)
                )
            }
        ),
        _ => format!(
            "reason mix against the baseline ({counts}): every tagged row, then and now, has the \
             same reason, so the mix is the same"
        ),
    };
    Check {
        rule: "baseline",
        target: Some(base.path.clone()),
        passed,
        measured: base.p_value,
        limit: Some(alpha),
        unit: Unit::PValue,
        message,
        line: None,
    }
}

/// A count of rows, whole or split (`--attribution split` gives halves and thirds).
fn fmt_count(x: f64) -> String {
    if x.fract() == 0.0 {
        fixed(x, 0)
    } else {
        fixed(x, 1)
    }
}

/// "< 0.001" or "= 0.043".
fn p_text(p: f64) -> String {
    if p < 0.001 {
        "< 0.001".to_string()
    } else {
        format!("= {p:.3}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fractions_are_read_strictly() {
        assert_eq!(parse_fraction("30%"), Ok(0.3));
        assert_eq!(parse_fraction(" 12.5 % "), Ok(0.125));
        assert_eq!(parse_fraction("0.3"), Ok(0.3));
        assert_eq!(parse_fraction("1"), Ok(1.0));
        assert!(parse_fraction("30").unwrap_err().contains("ambiguous"));
        assert!(parse_fraction("120%").is_err());
        assert!(parse_fraction("-1%").is_err());
        assert!(parse_fraction("abc").is_err());
        assert_eq!(parse_share("price = 30%"), Ok(("price".into(), 0.3)));
        assert!(parse_share("=30%").is_err());
        assert!(parse_share("price").is_err());
    }

    #[test]
    fn non_finite_and_negative_zero_limits_are_read_as_they_should_be() {
        for s in ["nan", "NaN%", "inf", "-inf%", "infinity"] {
            let err = parse_fraction(s).unwrap_err();
            assert!(err.contains("is not a number"), "{s}: {err}");
        }
        // -0% is 0%, printed as `0%`, never `-0%`.
        let zero = parse_fraction("-0%").unwrap();
        assert_eq!(percent(zero), "0%");
        assert!(zero.is_sign_positive());
    }

    #[test]
    fn percent_is_short() {
        assert_eq!(percent(0.3), "30%");
        assert_eq!(percent(0.125), "12.5%");
        assert_eq!(percent(0.05), "5%");
        assert_eq!(percent(0.3333333), "33.33%");
    }

    #[test]
    fn flags_override_the_file() {
        let file = Rules {
            min_responses: Some(100),
            max_unclassified: Some(0.3),
            max_share: [("a".to_string(), 0.5), ("b".to_string(), 0.2)].into(),
            require_cols: vec!["x".into()],
            ..Rules::default()
        };
        let flags = Rules {
            min_responses: Some(5),
            max_share: [("b".to_string(), 0.4)].into(),
            ..Rules::default()
        };
        let r = file.overridden_by(flags);
        assert_eq!(r.min_responses, Some(5));
        assert_eq!(r.max_unclassified, Some(0.3));
        assert_eq!(r.max_share["a"], 0.5);
        assert_eq!(r.max_share["b"], 0.4);
        assert_eq!(r.require_cols, vec!["x".to_string()]);
    }

    #[test]
    fn duplicates_count_repeats_after_the_first() {
        let ids = [
            Some("a"),
            Some("b"),
            Some(" a"),
            None,
            Some(""),
            Some("b"),
            Some("a"),
        ];
        let d = duplicates("id", &ids, &[2, 3, 4, 5, 6, 7, 8]);
        assert_eq!(d.count, 3);
        assert_eq!(d.lines, vec![4, 7, 8]);
    }

    /// Measures of an export where nothing was tagged.
    fn nothing_tagged() -> Measures {
        Measures {
            read: 4,
            unclassified: 3,
            no_answer: 1,
            tagged: 0,
            headers: vec![],
            reason_columns: vec![],
            unknown_codes: 0,
            duplicates: vec![],
            shares: [("a".to_string(), None)].into(),
            buckets: vec![BucketMeasure {
                id: "a".into(),
                share: None,
                lower: None,
                benchmark: 0.68,
            }],
            benchmark: "k".into(),
            confidence: 0.95,
            baseline: Some(BaselineMeasure {
                path: "b.json".into(),
                p_value: None,
                statistic: None,
                df: None,
                cramers_v: None,
                tagged_before: 58.0,
                tagged_now: 0.0,
            }),
        }
    }

    #[test]
    fn share_rules_fail_when_nothing_was_tagged() {
        let rules = Rules {
            max_share: [("a".to_string(), 0.3)].into(),
            min_share: [("a".to_string(), 0.0)].into(),
            above_benchmark: vec!["a".into()],
            ..Rules::default()
        };
        let checks = evaluate(&rules, &nothing_tagged());
        let rules_seen: Vec<&str> = checks.iter().map(|c| c.rule).collect();
        assert_eq!(
            rules_seen,
            ["max-share", "min-share", "above-benchmark", "baseline"]
        );
        for c in &checks {
            assert!(!c.passed, "{c:?}");
            assert_eq!(c.measured, None, "{c:?}");
        }
        for c in &checks[..3] {
            assert!(
                c.message.starts_with(
                    "nothing was tagged (0 of 4 rows read: 3 unclassified, 1 no answer)"
                ),
                "{}",
                c.message
            );
        }
        assert!(
            checks[3].message.contains("this export has no tagged row"),
            "{}",
            checks[3].message
        );
    }

    #[test]
    fn a_baseline_with_one_reason_on_both_sides_passes_and_an_empty_one_fails() {
        let mut m = nothing_tagged();
        m.tagged = 5;
        let base = m.baseline.as_mut().unwrap();
        base.tagged_now = 5.0;
        let c = baseline_check(base, 0.95);
        assert!(c.passed && c.message.contains("same reason"), "{c:?}");
        base.tagged_before = 0.0;
        let c = baseline_check(base, 0.95);
        assert!(
            !c.passed && c.message.contains("the baseline has no tagged row"),
            "{c:?}"
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let m = Measures {
            read: 10,
            unclassified: 3,
            no_answer: 0,
            tagged: 7,
            headers: vec![],
            reason_columns: vec![],
            unknown_codes: 0,
            duplicates: vec![],
            shares: [("a".to_string(), Some(0.3))].into(),
            buckets: vec![],
            benchmark: "k".into(),
            confidence: 0.95,
            baseline: None,
        };
        let rules = Rules {
            max_unclassified: Some(0.3),
            max_share: [("a".to_string(), 0.3)].into(),
            min_share: [("a".to_string(), 0.3)].into(),
            ..Rules::default()
        };
        assert!(evaluate(&rules, &m).iter().all(|c| c.passed));
        let rules = Rules {
            max_unclassified: Some(0.29),
            ..Rules::default()
        };
        assert!(!evaluate(&rules, &m)[0].passed);
    }
}
