//! The result of an analysis, as one serializable value. Its serde shape *is* the JSON contract
//! (`schema_version` 1): add fields freely, bump the version to rename or remove one. Every
//! renderer reads this and nothing else.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::analysis::{Analysis, Breakdown, Measured};
use crate::attribute::{most_frequent, Tally};
use crate::compare::{Benchmark, Estimate, FitTest, Members, Verdict};
use crate::quotes::Quotes;
use churn_core::config::Attribution;
use churn_core::taxonomy::{Reason, Taxonomy};
use churn_input::values::Period;
use churn_input::{RejectedRow, SourceInfo};
use churn_stats::hypothesis::Homogeneity;

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
    /// Confidence level of every interval; `1 - confidence` is the significance level of the
    /// verdicts.
    pub confidence: f64,
    /// With `--weight`: the column, total and effective sample size; else null.
    pub weight: Option<WeightInfo>,
    pub benchmark: BenchmarkInfo,
    /// Goodness of fit of the shares to the benchmark; null when no test applies (no tagged
    /// rows, `--attribution all`, `--weight`).
    pub test: Option<FitTest>,
    /// One entry per reason, in taxonomy order.
    pub reasons: Vec<ReasonRow>,
    /// Uncontrollable churn (died, moved: `controllable = false`) against the rest.
    pub rollup: Rollup,
    /// With `--by`: shares per segment and a test that segments share one distribution.
    pub segments: Option<BreakdownRow>,
    /// With `--period`: shares per period and a test that they are stable.
    pub periods: Option<BreakdownRow>,
    /// Coded values no code map knows (their rows fell back to the text), most frequent first.
    pub unknown_codes: Vec<CodeCount>,
    /// Rows whose code and text name different reasons, per pair, most frequent first.
    pub code_text_conflicts: Vec<ConflictCount>,
    /// The most common unclassified answers (normalized), with `--show-unclassified N`; else
    /// empty.
    pub unclassified_answers: Vec<TextCount>,
    /// Every row rejected with `--skip-bad-rows`: file, line, and expected and found fields.
    pub rejected_rows: Vec<RejectedRow>,
    /// With `[competitors]`: the customers lost to someone, by the competitor they name;
    /// absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lost_to: Option<LostTo>,
    /// Without `[competitors]`: names the answers of customers lost to someone give after
    /// "switched to", "went with", "gewechselt zu", ..., most frequent first (at most 20), to
    /// confirm and add to `[competitors]`; never counted. Absent when there are none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub proposed_competitors: Vec<TextCount>,
    /// When answers are shown (`--quotes`, `--show-unclassified`): whether their personal data
    /// was redacted (false with `--no-redact`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redacted: Option<bool>,
    /// With an overrides file: the file, how many rows it decided, and its ids no row has;
    /// absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub overrides: Option<OverridesInfo>,
    /// With `--calibrate`: the shares corrected for the tagger's error; absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calibration: Option<crate::calibration::Calibration>,
}

/// What an overrides file did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct OverridesInfo {
    pub file: String,
    /// The export's id column (the file's first header).
    pub id_column: String,
    /// Lines of corrections in the file.
    pub entries: usize,
    /// Rows whose outcome an override decided (`rows.overridden`).
    pub rows: usize,
    /// Ids of the file that no row of the export has, in file order.
    pub not_found: Vec<OverrideMiss>,
}

/// An override whose id no row has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverrideMiss {
    pub id: String,
    pub line: u64,
}

impl OverridesInfo {
    /// What `overrides` did in a tally of the export.
    pub fn of(overrides: &churn_core::overrides::Overrides, tally: &Tally) -> OverridesInfo {
        let used = |k: usize| tally.overrides_used.get(k).copied().unwrap_or(false);
        OverridesInfo {
            file: overrides.path.clone(),
            id_column: overrides.id_column.clone(),
            entries: overrides.len(),
            rows: tally.overridden,
            not_found: (overrides.iter().enumerate())
                .filter(|(k, _)| !used(*k))
                .map(|(_, o)| OverrideMiss {
                    id: o.id.clone(),
                    line: o.line,
                })
                .collect(),
        }
    }
}

/// An interval for a share.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Ci {
    pub lower: f64,
    pub upper: f64,
    /// `goodman` (simultaneous), `wilson` (each share alone) or `bootstrap` (weighted).
    pub method: &'static str,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WeightInfo {
    pub column: String,
    /// Sum of the weights of the tagged rows.
    #[serde(serialize_with = "whole_or_fraction")]
    pub total: f64,
    /// Kish's effective sample size, (Σw)²/Σw²: what the weighted rows are worth.
    pub effective_n: f64,
    pub resamples: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BucketRow {
    pub id: String,
    pub label: String,
    /// Reason ids in the bucket.
    pub reasons: Vec<String>,
    /// The benchmark's share (fraction).
    pub benchmark_share: f64,
    #[serde(serialize_with = "whole_or_fraction")]
    pub count: f64,
    pub share: Option<f64>,
    pub ci: Option<Ci>,
    pub delta_pp: Option<f64>,
    pub std_residual: Option<f64>,
    pub p_value: Option<f64>,
    pub p_value_adjusted: Option<f64>,
    pub verdict: Option<Verdict>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RollupPart {
    pub reasons: Vec<String>,
    #[serde(serialize_with = "whole_or_fraction")]
    pub count: f64,
    pub share: Option<f64>,
    pub ci: Option<Ci>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rollup {
    pub uncontrollable: RollupPart,
    pub controllable: RollupPart,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    /// The columns (`--by`) or the date column (`--period`).
    pub columns: Vec<String>,
    /// `week`, `month`, `quarter` or `year` for periods; null for segments.
    pub period: Option<Period>,
    /// How the dates were read (`iso`, `dmy`, `mdy`, a pattern), for periods.
    pub date_format: Option<String>,
    pub groups: Vec<GroupRow>,
    /// Chi-square test that the tested groups share one reason distribution.
    pub test: Option<HomogeneityRow>,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupRow {
    /// The segment's values joined by " / ", or the period label.
    pub key: String,
    pub rows: usize,
    pub tagged: usize,
    /// Left out of the test: too few tagged rows, or no value.
    pub too_small: bool,
    pub reasons: Vec<GroupReason>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupReason {
    pub id: String,
    #[serde(serialize_with = "whole_or_fraction")]
    pub count: f64,
    pub share: Option<f64>,
    pub ci: Option<Ci>,
    /// The reason's sub-reasons in this group, as in `reasons[].sub_reasons`.
    pub sub_reasons: Vec<SubReasonRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct HomogeneityRow {
    pub method: &'static str,
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    /// Cramér's V: about 0.1 small, 0.3 medium, 0.5 large.
    pub cramers_v: f64,
    pub groups_tested: usize,
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

impl Tool {
    /// This program.
    pub fn current() -> Tool {
        Tool {
            name: "churn",
            version: env!("CARGO_PKG_VERSION"),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Input {
    /// The file: path, format, encoding, delimiter, and its rows read, filtered out and
    /// rejected.
    #[serde(flatten)]
    pub source: SourceInfo,
    /// Header of the free-text reason column read, or null.
    pub text_column: Option<String>,
    /// Header of the first coded column read, or null (kept for schema 1 readers).
    pub code_column: Option<String>,
    /// Headers of every coded column read (Stripe feedback and reason, say).
    pub code_columns: Vec<String>,
}

/// Row accounting:
/// `read = tagged + unclassified + no_answer + involuntary + rejected + filtered_out`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Rows {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    /// Of `no_answer`, typed answers that are junk: keyboard mash, test entries, repeated
    /// characters (the `[junk]` checks).
    pub junk: usize,
    /// Rows a code marks as involuntary churn (failed or disputed payment); not in the shares.
    pub involuntary: usize,
    /// Rows with the wrong number of fields, skipped with `--skip-bad-rows`.
    pub rejected: usize,
    /// Rows a `--where` filter left out, or that the survey tool marks as no answers.
    pub filtered_out: usize,
    /// `filtered_out` by cause: `where`, `preview`, `test`, `spam`, `unfinished`.
    pub filtered_out_by: churn_input::FilteredOut,
    /// Of `tagged`, rows that state more than one reason.
    pub multi_reason: usize,
    /// Of `tagged`, rows whose code the text refined to a more specific reason
    /// (`switched_service` and "a friend recommended them": `friend_referral`).
    pub refined_by_text: usize,
    /// Of `tagged`, rows whose code and text name different reasons; the code is counted.
    pub code_text_conflicts: usize,
    /// Rows whose outcome an overrides file decided (counted in `tagged`, `unclassified`,
    /// `no_answer` or `involuntary` as it says).
    pub overridden: usize,
    /// Rows whose confidence is below 0.5 (tagged or unclassified rows the
    /// model could not settle); present only when a model is in use, and not part of the sum
    /// of the counts above.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub low_confidence: Option<usize>,
}

impl From<&Tally> for Rows {
    fn from(t: &Tally) -> Rows {
        Rows {
            read: t.read,
            tagged: t.tagged,
            unclassified: t.unclassified,
            no_answer: t.no_answer,
            junk: t.junk,
            involuntary: t.involuntary,
            rejected: t.rejected,
            filtered_out: t.filtered_out,
            filtered_out_by: t.filtered_out_by,
            multi_reason: t.multi_reason,
            refined_by_text: t.refined,
            code_text_conflicts: t.conflicts.values().sum(),
            overridden: t.overridden,
            low_confidence: t.low_confidence,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchmarkInfo {
    pub name: String,
    /// Where the numbers come from.
    pub note: String,
    /// The benchmark's buckets against the observed shares; a verdict per bucket.
    pub buckets: Vec<BucketRow>,
    /// Tagged-row credit compared (in reasons the benchmark covers) and left out.
    #[serde(serialize_with = "whole_or_fraction")]
    pub compared: f64,
    #[serde(serialize_with = "whole_or_fraction")]
    pub left_out: f64,
    /// What to keep in mind about the comparison.
    pub notes: Vec<String>,
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
    /// Of `count`, rows whose reason came from an overrides file.
    pub from_override: usize,
    /// With `--weight`: the weight credited to this reason (revenue); else null.
    #[serde(serialize_with = "opt_whole_or_fraction")]
    pub weight: Option<f64>,
    /// `count` as a fraction of tagged rows (6 decimals), or of their weight with `--weight`;
    /// null when no row was tagged.
    pub share: Option<f64>,
    /// Interval for `share` at `confidence`.
    pub ci: Option<Ci>,
    /// The benchmark bucket this reason is in (its own id for one-reason buckets), or null.
    pub bucket: Option<String>,
    /// Fraction the benchmark claims for this reason alone; null when it is in a larger bucket
    /// or not covered.
    pub benchmark_share: Option<f64>,
    /// `(share - benchmark_share) * 100`, in percentage points (4 decimals).
    pub delta_pp: Option<f64>,
    /// `(observed - expected) / sqrt(expected)` (one-reason buckets).
    pub std_residual: Option<f64>,
    /// Exact two-sided binomial test against `benchmark_share`, and Holm-adjusted.
    pub p_value: Option<f64>,
    pub p_value_adjusted: Option<f64>,
    /// `above`, `below` or `consistent` with the benchmark (adjusted p-value at most
    /// 1 - confidence); null when the benchmark has no share for this reason alone.
    pub verdict: Option<Verdict>,
    /// The reason's sub-reasons (empty when it has none), counted over the rows whose primary
    /// reason it is, then the rows that name none (`id` null, label `(unspecified)`).
    pub sub_reasons: Vec<SubReasonRow>,
    /// With `--quotes N`: up to N of the customers' own words for this reason (personal data
    /// redacted unless `--no-redact`); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<Quote>>,
}

/// The customers lost to someone (their reasons include `better_product` or
/// `friend_referral`), by the competitor their answer names.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LostTo {
    /// Tagged rows lost to someone.
    pub rows: u64,
    /// With `--weight`: their weight; else null.
    #[serde(serialize_with = "opt_whole_or_fraction")]
    pub weight: Option<f64>,
    /// Per competitor named, most rows first (then in the configuration's order), then the rows
    /// naming none (`id` null).
    pub competitors: Vec<CompetitorRow>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CompetitorRow {
    pub id: Option<String>,
    pub label: String,
    pub count: u64,
    #[serde(serialize_with = "opt_whole_or_fraction")]
    pub weight: Option<f64>,
    /// Of the rows lost to someone (or of their weight).
    pub share: Option<f64>,
    pub ci: Option<Ci>,
}

/// The competitor rows of a measure: per competitor, then the rows naming none.
fn lost_to(taxonomy: &Taxonomy, m: &Measured) -> LostTo {
    let n = taxonomy.competitors.len();
    let mut rows: Vec<CompetitorRow> = m
        .estimates
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let c = taxonomy.competitors.get(k);
            CompetitorRow {
                id: c.map(|c| c.id.clone()),
                label: c.map_or("(none named)".into(), |c| c.label.clone()),
                count: e.count as u64,
                weight: m.weighted.as_ref().map(|(w, _)| round(w[k], 6)),
                share: e.share.map(|x| round(x, 6)),
                ci: ci_of(e),
            }
        })
        .collect();
    let none = rows.pop().expect("the rows naming none");
    rows.sort_by_key(|r| std::cmp::Reverse(r.count));
    rows.push(none);
    debug_assert_eq!(rows.len(), n + 1);
    LostTo {
        rows: m.counts.iter().sum::<f64>() as u64,
        weight: m.weighted.as_ref().map(|(w, _)| round(w.iter().sum(), 6)),
        competitors: rows,
    }
}

/// The names proposed as competitors, most frequent first (then by name), at most 20.
fn proposals(tally: &Tally) -> Vec<TextCount> {
    most_frequent(&tally.proposals, 20)
        .into_iter()
        .map(|(text, count)| TextCount { text, count })
        .collect()
}

/// An answer quoted as said (on one line, cut past 280 characters), personal data redacted.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quote {
    pub text: String,
}

/// A sub-reason's rows within its reason.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SubReasonRow {
    /// Null for the rows of the reason that name no sub-reason.
    pub id: Option<String>,
    pub label: String,
    /// Rows whose primary reason is this reason and whose sub-reason this is.
    pub count: u64,
    /// With `--weight`: the weight of those rows; else null.
    #[serde(serialize_with = "opt_whole_or_fraction")]
    pub weight: Option<f64>,
    /// `count` as a fraction of the reason's rows (its primary tags), or `weight` of their
    /// weight; null when it has none.
    pub share: Option<f64>,
    /// `count` as a fraction of all tagged rows, or `weight` of their weight; null when no row
    /// was tagged.
    pub share_of_tagged: Option<f64>,
    /// Interval for `share`, with the reasons' method (Goodman over the reason's sub-reasons by
    /// default; the bootstrap when weighted).
    pub ci: Option<Ci>,
    /// With `--quotes N`: as the reason's, for this sub-reason.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quotes: Option<Vec<Quote>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CodeCount {
    pub value: String,
    pub count: usize,
}

/// Rows whose code names one reason and whose text states another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConflictCount {
    /// The reason the code names (counted).
    pub code_reason: String,
    /// The reason the text states first.
    pub text_reason: String,
    pub count: usize,
    /// `text` or `code`: which reason these rows are counted for (`[matching] conflicts`).
    pub counted: &'static str,
}

/// The conflicts of a tally by reason id, most frequent first, then in taxonomy order.
fn conflict_counts(
    taxonomy: &churn_core::taxonomy::Taxonomy,
    conflicts: &BTreeMap<(usize, usize), usize>,
) -> Vec<ConflictCount> {
    let mut out: Vec<ConflictCount> = conflicts
        .iter()
        .map(|(&(code, text), &count)| ConflictCount {
            code_reason: taxonomy.reasons[code].id.clone(),
            text_reason: taxonomy.reasons[text].id.clone(),
            count,
            counted: if taxonomy.matching.code_wins {
                "code"
            } else {
                "text"
            },
        })
        .collect();
    out.sort_by_key(|c| std::cmp::Reverse(c.count));
    out
}

/// A count as an integer when it is whole (always, except with `--attribution split`).
fn whole_or_fraction<S: serde::Serializer>(x: &f64, s: S) -> Result<S::Ok, S::Error> {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        s.serialize_i64(*x as i64)
    } else {
        s.serialize_f64(*x)
    }
}

pub(crate) fn opt_whole_or_fraction<S: serde::Serializer>(
    x: &Option<f64>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match x {
        Some(v) => whole_or_fraction(v, s),
        None => s.serialize_none(),
    }
}

pub fn round(x: f64, decimals: i32) -> f64 {
    let f = 10f64.powi(decimals);
    if (x * f).abs() >= 2f64.powi(52) || !x.is_finite() {
        // Too large to have those decimals (and `x * f` may overflow): already as round as it
        // can be.
        return churn_core::text::no_negative_zero(x);
    }
    let r = (x * f).round() / f;
    // Avoid "-0.0" in output.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// Significant digits kept for p-values and statistics, so that output does not depend on the
/// last bits of floating point.
pub fn sig(x: f64, digits: i32) -> f64 {
    if x == 0.0 || !x.is_finite() {
        return x;
    }
    // Through decimal text, so the result prints as the short number it is.
    format!("{:.*e}", (digits - 1).max(0) as usize, x)
        .parse()
        .unwrap_or(x)
}

pub fn ci_of(e: &Estimate) -> Option<Ci> {
    e.ci.map(|c| Ci {
        lower: round(c.lower, 6),
        upper: round(c.upper, 6),
        method: e.method,
    })
}

/// The test as reported: statistic to 10 and p-value to 6 significant digits.
/// A fit test rounded as the JSON shows it: statistic to 10 significant digits, p-value to 6.
pub fn rounded_test(t: &FitTest) -> FitTest {
    FitTest {
        statistic: sig(t.statistic, 10),
        p_value: sig(t.p_value, 6),
        effect_size: round(t.effect_size, 6),
        ..t.clone()
    }
}

pub fn homogeneity_row(h: &Homogeneity, groups: usize) -> HomogeneityRow {
    HomogeneityRow {
        method: "chi-square",
        statistic: sig(h.statistic, 10),
        df: h.df,
        p_value: sig(h.p_value, 6),
        cramers_v: round(h.cramers_v, 6),
        groups_tested: groups,
    }
}

/// Everything an analyze report is built from.
pub struct Parts<'a> {
    pub inputs: Vec<Input>,
    pub rejected_rows: Vec<RejectedRow>,
    pub config: Option<String>,
    pub taxonomy: &'a Taxonomy,
    pub tally: &'a Tally,
    pub attribution: Attribution,
    pub confidence: f64,
    pub benchmark: &'a Benchmark,
    pub analysis: &'a Analysis,
    pub weight: Option<WeightInfo>,
    pub segments: Option<(Vec<String>, &'a Breakdown)>,
    pub periods: Option<(String, Period, String, &'a Breakdown)>,
    pub unclassified: Vec<(String, usize)>,
    /// With `--quotes N`: the candidates, and N.
    pub quotes: Option<(&'a Quotes, usize)>,
    /// Personal data out of the quotes (the unclassified answers come redacted from the tally:
    /// see [`crate::attribute::Keep::redact`]); also said in the report.
    pub redact: bool,
}

/// An answer as shown: its personal data redacted, unless asked not to.
fn shown(text: &str, redact: bool) -> String {
    if redact {
        churn_core::redact::redact(text).into_owned()
    } else {
        text.to_string()
    }
}

/// Each reason's and sub-reason's quotes. A reason with sub-reasons is quoted through them:
/// the first quote of its largest sub-reason, then of the next, and round again, so its quotes
/// show what it is made of; a reason without any is quoted from its own candidates.
fn attach_quotes(reasons: &mut [ReasonRow], quotes: &Quotes, n: usize, redact: bool) {
    let as_quotes = |texts: &[String]| -> Vec<Quote> {
        texts
            .iter()
            .map(|t| Quote {
                text: shown(t, redact),
            })
            .collect()
    };
    for (i, r) in reasons.iter_mut().enumerate() {
        let per_sub: Vec<Vec<String>> = (0..r.sub_reasons.len())
            .map(|k| quotes.pick((i, Some(k)), n))
            .collect();
        let own = if per_sub.is_empty() {
            quotes.pick((i, None), n)
        } else {
            let mut by_size: Vec<usize> = (0..per_sub.len()).collect();
            by_size.sort_by_key(|&k| (std::cmp::Reverse(r.sub_reasons[k].count), k));
            let mut own: Vec<String> = Vec::new();
            for round in 0..n {
                for &k in &by_size {
                    match per_sub[k].get(round) {
                        Some(q) if own.len() < n && !own.contains(q) => own.push(q.clone()),
                        _ => {}
                    }
                }
            }
            own
        };
        r.quotes = Some(as_quotes(&own));
        for (s, texts) in r.sub_reasons.iter_mut().zip(&per_sub) {
            s.quotes = Some(as_quotes(texts));
        }
    }
}

/// Per-reason rows of a group.
fn group_reasons(taxonomy: &Taxonomy, m: &Measured, subs: &[Option<Measured>]) -> Vec<GroupReason> {
    taxonomy
        .reasons
        .iter()
        .zip(&m.estimates)
        .zip(subs)
        .map(|((r, e), sub)| GroupReason {
            id: r.id.clone(),
            count: round(e.count, 6),
            share: e.share.map(|s| round(s, 6)),
            ci: ci_of(e),
            sub_reasons: sub_reason_rows(r, sub.as_ref(), share_of(m)),
        })
        .collect()
}

/// What a sub-reason's `share_of_tagged` is of: the measured rows, or their weight.
fn share_of(m: &Measured) -> f64 {
    m.weighted
        .as_ref()
        .map_or(m.rows as f64, |(_, total)| *total)
}

fn breakdown_row(
    taxonomy: &Taxonomy,
    columns: Vec<String>,
    period: Option<Period>,
    date_format: Option<String>,
    b: &Breakdown,
) -> BreakdownRow {
    BreakdownRow {
        columns,
        period,
        date_format,
        groups: b
            .groups
            .iter()
            .map(|g| GroupRow {
                key: g.key.clone(),
                rows: g.rows,
                tagged: g.measured.rows,
                too_small: g.too_small,
                reasons: group_reasons(taxonomy, &g.measured, &g.subs),
            })
            .collect(),
        test: b.test.as_ref().map(|h| homogeneity_row(h, b.tested_groups)),
        notes: b.notes.clone(),
    }
}

/// A row per benchmark bucket: the reasons it covers, its share against the benchmark's.
fn bucket_rows(taxonomy: &Taxonomy, benchmark: &Benchmark, analysis: &Analysis) -> Vec<BucketRow> {
    benchmark
        .buckets
        .iter()
        .zip(&analysis.comparison.buckets)
        .enumerate()
        .map(|(i, (b, r))| BucketRow {
            id: b.id.clone(),
            label: b.label.clone(),
            reasons: match &b.members {
                Members::Reasons(ids) => ids.clone(),
                Members::Rest => taxonomy
                    .reasons
                    .iter()
                    .zip(&analysis.bucket_of)
                    .filter(|(_, g)| **g == Some(i))
                    .map(|(r, _)| r.id.clone())
                    .collect(),
            },
            benchmark_share: b.share,
            count: round(r.estimate.count, 6),
            share: r.estimate.share.map(|s| round(s, 6)),
            ci: ci_of(&r.estimate),
            delta_pp: r.delta_pp.map(|d| round(d, 4)),
            std_residual: r.std_residual.map(|x| round(x, 6)),
            p_value: r.p_value.map(|x| sig(x, 6)),
            p_value_adjusted: r.p_value_adjusted.map(|x| sig(x, 6)),
            verdict: r.verdict,
        })
        .collect()
}

/// The sub-reason rows of reason `reason` from its measure (see
/// [`crate::analysis::measure_subs`]): its sub-reasons, then the rows naming none. `share_of`
/// is what `share_of_tagged` divides by: the tagged rows, or their weight.
fn sub_reason_rows(reason: &Reason, m: Option<&Measured>, share_of: f64) -> Vec<SubReasonRow> {
    let Some(m) = m else {
        return Vec::new();
    };
    let subs = &reason.subs;
    m.estimates
        .iter()
        .enumerate()
        .map(|(k, e)| {
            let weight = m.weighted.as_ref().map(|(w, _)| w[k]);
            SubReasonRow {
                id: subs.get(k).map(|s| s.id.clone()),
                label: subs
                    .get(k)
                    .map_or("(unspecified)".into(), |s| s.label.clone()),
                count: e.count as u64,
                weight: weight.map(|w| round(w, 6)),
                share: e.share.map(|x| round(x, 6)),
                share_of_tagged: (share_of > 0.0)
                    .then(|| round(weight.unwrap_or(e.count) / share_of, 6)),
                ci: ci_of(e),
                quotes: None,
            }
        })
        .collect()
}

/// A row per reason; a bucket holding the reason alone speaks for it against the benchmark.
fn reason_rows(
    taxonomy: &Taxonomy,
    tally: &Tally,
    benchmark: &Benchmark,
    analysis: &Analysis,
    buckets: &[BucketRow],
) -> Vec<ReasonRow> {
    taxonomy
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let e = &analysis.reasons.estimates[i];
            let bucket = analysis.bucket_of[i];
            let alone = bucket
                .filter(|&b| analysis.bucket_of.iter().filter(|&&x| x == Some(b)).count() == 1);
            let row = alone.map(|b| &buckets[b]);
            ReasonRow {
                id: r.id.clone(),
                label: r.label.clone(),
                count: round(e.count, 6),
                from_code: tally.from_code[i],
                from_override: tally.from_override.get(i).copied().unwrap_or(0),
                weight: analysis
                    .reasons
                    .weighted
                    .as_ref()
                    .map(|(w, _)| round(w[i], 6)),
                share: e.share.map(|s| round(s, 6)),
                ci: ci_of(e),
                bucket: bucket.map(|b| benchmark.buckets[b].id.clone()),
                benchmark_share: row.map(|b| b.benchmark_share),
                delta_pp: row.and_then(|b| b.delta_pp),
                std_residual: row.and_then(|b| b.std_residual),
                p_value: row.and_then(|b| b.p_value),
                p_value_adjusted: row.and_then(|b| b.p_value_adjusted),
                verdict: row.and_then(|b| b.verdict),
                sub_reasons: sub_reason_rows(
                    r,
                    analysis.subs[i].as_ref(),
                    share_of(&analysis.reasons),
                ),
                quotes: None,
            }
        })
        .collect()
}

/// Coded values no code map knows, most frequent first (then in text order).
fn unknown_codes(tally: &Tally) -> Vec<CodeCount> {
    most_frequent(&tally.unknown_codes, usize::MAX)
        .into_iter()
        .map(|(value, count)| CodeCount { value, count })
        .collect()
}

impl Report {
    /// Assemble a report. Rounding happens here, once, so every format shows the same numbers.
    pub fn new(p: Parts) -> Report {
        let Parts {
            taxonomy,
            tally,
            analysis,
            benchmark,
            ..
        } = p;
        let cmp = &analysis.comparison;
        let buckets = bucket_rows(taxonomy, benchmark, analysis);
        let mut reasons = reason_rows(taxonomy, tally, benchmark, analysis, &buckets);
        if let Some((quotes, n)) = p.quotes {
            attach_quotes(&mut reasons, quotes, n, p.redact);
        }
        let part = |g: usize| {
            let e = &analysis.rollup.estimates[g];
            RollupPart {
                reasons: taxonomy
                    .reasons
                    .iter()
                    .filter(|r| usize::from(r.controllable) == g)
                    .map(|r| r.id.clone())
                    .collect(),
                count: round(e.count, 6),
                share: e.share.map(|s| round(s, 6)),
                ci: ci_of(e),
            }
        };
        let unknown_codes = unknown_codes(tally);
        let code_text_conflicts = conflict_counts(taxonomy, &tally.conflicts);
        Report {
            schema_version: SCHEMA_VERSION,
            tool: Tool::current(),
            inputs: p.inputs,
            rejected_rows: p.rejected_rows,
            config: p.config,
            rows: Rows::from(tally),
            attribution: AttributionInfo {
                mode: p.attribution.name(),
                note: attribution_note(p.attribution),
            },
            confidence: p.confidence,
            weight: p.weight,
            benchmark: BenchmarkInfo {
                name: benchmark.name.clone(),
                note: benchmark.note.clone(),
                buckets,
                compared: round(cmp.covered, 6),
                left_out: round(cmp.left_out, 6),
                notes: cmp.notes.clone(),
            },
            test: cmp.test.as_ref().map(rounded_test),
            reasons,
            rollup: Rollup {
                uncontrollable: part(0),
                controllable: part(1),
            },
            segments: p
                .segments
                .map(|(cols, b)| breakdown_row(taxonomy, cols, None, None, b)),
            periods: p.periods.map(|(col, period, format, b)| {
                breakdown_row(taxonomy, vec![col], Some(period), Some(format), b)
            }),
            unknown_codes,
            code_text_conflicts,
            lost_to: analysis.competitors.as_ref().map(|m| lost_to(taxonomy, m)),
            proposed_competitors: proposals(tally),
            redacted: (p.quotes.is_some() || !p.unclassified.is_empty()).then_some(p.redact),
            overrides: None,
            calibration: None,
            unclassified_answers: p
                .unclassified
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
    use super::{round, sig};

    #[test]
    fn significant_digits() {
        assert_eq!(sig(1.270_212_517_951_629_7e-7, 6), 1.270_21e-7);
        assert_eq!(sig(0.978_619_125_033_592, 6), 0.978_619);
        assert_eq!(sig(0.0, 6), 0.0);
    }

    #[test]
    fn rounding_is_stable_and_never_negative_zero() {
        assert_eq!(round(0.412_371_134_020_618_5, 6), 0.412371);
        assert_eq!(round(-0.000_000_01, 4).to_string(), "0");
        assert_eq!(round(-26.912_345, 4), -26.9123);
    }

    #[test]
    fn rounding_a_huge_number_keeps_it_finite() {
        // 1.5e308 * 1e6 overflows: the weight credited to a reason printed `inf`.
        assert_eq!(round(1.5e308, 6), 1.5e308);
        assert_eq!(round(f64::MAX, 4), f64::MAX);
        assert_eq!(round(1e20 + 0.5, 6), 1e20);
    }
}
