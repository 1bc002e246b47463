//! Comparison with a benchmark: each reason's share of tagged churn against the share a
//! benchmark set claims, as a difference in percentage points. Pure arithmetic over counts.

use crate::taxonomy::Taxonomy;

/// A benchmark set: the share of churn it claims per reason id.
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub name: &'static str,
    /// One line on where the numbers come from.
    pub note: &'static str,
    /// `(reason id, share as a fraction)`, summing to 1.
    pub shares: &'static [(&'static str, f64)],
}

/// The classic split: 1% died, 3% moved, 5% friend referral, 9% better product, 14%
/// dissatisfaction, 68% indifference.
pub const KENNEDY: Benchmark = Benchmark {
    name: "kennedy",
    note: "Folklore, not a study: the 1/3/5/9/14/68 split is attributed to Michael LeBoeuf, \
           Dan Kennedy and the American Society for Quality, and no primary source is known. \
           A point of reference, not a norm.",
    shares: &[
        ("died", 0.01),
        ("moved", 0.03),
        ("friend_referral", 0.05),
        ("better_product", 0.09),
        ("dissatisfaction", 0.14),
        ("indifference", 0.68),
    ],
};

/// The benchmark sets built into the binary.
pub const BENCHMARKS: &[Benchmark] = &[KENNEDY];

impl Benchmark {
    /// A built-in benchmark by name.
    pub fn named(name: &str) -> Option<&'static Benchmark> {
        BENCHMARKS.iter().find(|b| b.name == name)
    }

    /// The share this benchmark gives a reason, if it names it.
    pub fn share(&self, id: &str) -> Option<f64> {
        self.shares.iter().find(|(r, _)| *r == id).map(|(_, s)| *s)
    }
}

/// One reason's observed share against the benchmark.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub reason: usize,
    pub count: usize,
    /// Share of tagged rows; `None` when no row was tagged.
    pub share: Option<f64>,
    pub benchmark_share: Option<f64>,
    /// `(share - benchmark_share) * 100`.
    pub delta_pp: Option<f64>,
}

/// Compare counts per reason (taxonomy order) with `benchmark`.
pub fn compare(taxonomy: &Taxonomy, counts: &[usize], benchmark: &Benchmark) -> Vec<Comparison> {
    let tagged: usize = counts.iter().sum();
    taxonomy
        .reasons
        .iter()
        .zip(counts)
        .enumerate()
        .map(|(reason, (r, &count))| {
            let share = (tagged > 0).then(|| count as f64 / tagged as f64);
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

    #[test]
    fn kennedy_sums_to_one_and_covers_the_builtin_reasons() {
        let sum: f64 = KENNEDY.shares.iter().map(|(_, s)| s).sum();
        assert!((sum - 1.0).abs() < 1e-12);
        for r in Taxonomy::builtin().reasons {
            assert!(KENNEDY.share(&r.id).is_some(), "{}", r.id);
        }
    }

    #[test]
    fn shares_and_deltas() {
        let t = Taxonomy::builtin();
        let rows = compare(&t, &[0, 0, 0, 1, 1, 2], &KENNEDY);
        assert_eq!(rows[5].share, Some(0.5));
        assert!((rows[5].delta_pp.unwrap() - (-18.0)).abs() < 1e-9);
        assert!((rows[4].delta_pp.unwrap() - 11.0).abs() < 1e-9);
        let none = compare(&t, &[0; 6], &KENNEDY);
        assert!(none
            .iter()
            .all(|c| c.share.is_none() && c.delta_pp.is_none()));
    }
}
