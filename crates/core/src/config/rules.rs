//! The rules of `churn check` as configured: `[check]` in churn.toml and the flags, and the
//! fractions they are written in. Plain data; [`crate::check`] judges an export by them.

use std::collections::BTreeMap;
use std::path::PathBuf;

/// The rules in force, from `[check]` in churn.toml and from flags (flags win).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rules {
    pub min_responses: Option<u64>,
    /// Fractions of rows read.
    pub max_unclassified: Option<f64>,
    pub max_no_answer: Option<f64>,
    pub require_cols: Vec<String>,
    pub max_unknown_codes: Option<u64>,
    pub max_duplicate_ids: Option<u64>,
    /// Id columns for `max_duplicate_ids`; empty: found by header.
    pub id_cols: Vec<String>,
    /// Reason id -> fraction of tagged rows.
    pub max_share: BTreeMap<String, f64>,
    pub min_share: BTreeMap<String, f64>,
    /// Reason or bucket ids that must not be significantly above the benchmark.
    pub above_benchmark: Vec<String>,
    /// An earlier `churn analyze --format json`.
    pub baseline: Option<PathBuf>,
}

impl Rules {
    /// `self` (from the config file) with every rule given in `flags` put over it. A flag
    /// replaces the file's value of that rule; share limits are replaced reason by reason.
    pub fn overridden_by(mut self, flags: Rules) -> Rules {
        fn over<T>(file: &mut Option<T>, flag: Option<T>) {
            if flag.is_some() {
                *file = flag;
            }
        }
        fn over_list<T>(file: &mut Vec<T>, flag: Vec<T>) {
            if !flag.is_empty() {
                *file = flag;
            }
        }
        over(&mut self.min_responses, flags.min_responses);
        over(&mut self.max_unclassified, flags.max_unclassified);
        over(&mut self.max_no_answer, flags.max_no_answer);
        over_list(&mut self.require_cols, flags.require_cols);
        over(&mut self.max_unknown_codes, flags.max_unknown_codes);
        over(&mut self.max_duplicate_ids, flags.max_duplicate_ids);
        over_list(&mut self.id_cols, flags.id_cols);
        self.max_share.extend(flags.max_share);
        self.min_share.extend(flags.min_share);
        over_list(&mut self.above_benchmark, flags.above_benchmark);
        over(&mut self.baseline, flags.baseline);
        self
    }

    /// Reason ids named by share rules, for validation against the taxonomy.
    pub fn share_reasons(&self) -> impl Iterator<Item = &String> {
        self.max_share.keys().chain(self.min_share.keys())
    }
}

/// A fraction written as `30%`, `12.5%` or `0.3`. A bare number above 1 is refused: `30` could
/// mean 30% or 3000%.
pub fn parse_fraction(s: &str) -> Result<f64, String> {
    let t = s.trim();
    let (number, percent) = match t.strip_suffix('%') {
        Some(n) => (n.trim(), true),
        None => (t, false),
    };
    let x: f64 = number
        .parse()
        .map_err(|_| format!("`{s}` is not a percentage; write it as 30% or 0.3"))?;
    let x = if percent { x / 100.0 } else { x };
    if !x.is_finite() {
        return Err(format!("`{s}` is not a number; write it as 30% or 0.3"));
    }
    if !(0.0..=1.0).contains(&x) {
        return Err(if !percent && x > 1.0 {
            format!("`{s}` is ambiguous; write {s}% for a percentage, or a fraction from 0 to 1")
        } else {
            format!("`{s}` is not between 0% and 100%")
        });
    }
    // `-0%` is 0, and must not print as "-0%" in the limit.
    Ok(crate::text::no_negative_zero(x))
}

/// `REASON=PCT`, as in `--max-share price=30%`.
pub fn parse_share(s: &str) -> Result<(String, f64), String> {
    let (reason, pct) = s
        .split_once('=')
        .ok_or_else(|| format!("`{s}` is not REASON=PCT; write it as dissatisfaction=30%"))?;
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(format!(
            "`{s}` names no reason; write it as dissatisfaction=30%"
        ));
    }
    Ok((reason.to_string(), parse_fraction(pct)?))
}
