//! Comparison with a benchmark: each reason's share of tagged churn against the share a
//! benchmark set claims, as a difference in percentage points. Pure arithmetic over counts.

use crate::taxonomy::Taxonomy;

/// A benchmark set: the share of churn it claims per reason id (from the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub name: String,
    /// Where the numbers come from.
    pub note: String,
    /// `(reason id, share as a fraction)`, summing to 1.
    pub shares: Vec<(String, f64)>,
}

impl Benchmark {
    /// The share this benchmark gives a reason, if it names it.
    pub fn share(&self, id: &str) -> Option<f64> {
        self.shares.iter().find(|(r, _)| r == id).map(|(_, s)| *s)
    }
}

/// One reason's observed share against the benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub reason: usize,
    pub count: f64,
    /// Share of tagged rows; `None` when no row was tagged.
    pub share: Option<f64>,
    pub benchmark_share: Option<f64>,
    /// `(share - benchmark_share) * 100`.
    pub delta_pp: Option<f64>,
}

/// Compare counts per reason (taxonomy order) with `benchmark`. Shares are of `tagged` rows
/// (with `--attribution all` the counts may sum past it).
pub fn compare(
    taxonomy: &Taxonomy,
    counts: &[f64],
    tagged: usize,
    benchmark: &Benchmark,
) -> Vec<Comparison> {
    taxonomy
        .reasons
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(reason, (r, &count))| {
            let share = (tagged > 0).then(|| count / tagged as f64);
            let benchmark_share = benchmark.share(&r.id);
            let delta_pp = share.zip(benchmark_share).map(|(s, b)| (s - b) * 100.0);
            Comparison {
                reason,
                count,
                share,
                benchmark_share,
                delta_pp,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn kennedy_sums_to_one_and_covers_the_builtin_reasons() {
        let c = Config::builtin();
        let k = c.benchmark("kennedy").unwrap();
        let sum: f64 = k.shares.iter().map(|(_, s)| s).sum();
        assert!((sum - 1.0).abs() < 1e-12);
        for r in &c.taxonomy.reasons {
            assert!(k.share(&r.id).is_some(), "{}", r.id);
        }
    }

    #[test]
    fn shares_and_deltas() {
        let c = Config::builtin();
        let k = c.benchmark("kennedy").unwrap();
        let t = &c.taxonomy;
        let rows = compare(t, &[0.0, 0.0, 0.0, 1.0, 1.0, 2.0], 4, k);
        assert_eq!(rows[5].share, Some(0.5));
        assert!((rows[5].delta_pp.unwrap() - (-18.0)).abs() < 1e-9);
        assert!((rows[4].delta_pp.unwrap() - 11.0).abs() < 1e-9);
        let none = compare(t, &[0.0; 6], 0, k);
        assert!(none
            .iter()
            .all(|c| c.share.is_none() && c.delta_pp.is_none()));
    }
}
