//! Comparison with a benchmark: the benchmark's buckets (a reason, a group of reasons, or
//! "everything else"), observed shares with confidence intervals, a goodness-of-fit test of the
//! whole distribution and a verdict per bucket. Pure arithmetic over counts; the statistics
//! themselves live in [`crate::stats`].

use serde::Serialize;

pub use churn_core::benchmark::{Benchmark, Bucket, Members};
use churn_core::config::Attribution;
use churn_stats::hypothesis::{
    binomial_two_sided, exact_multinomial, exact_multinomial_mc, g_test, holm, outcomes, pearson,
    ENUMERATION_LIMIT,
};
use churn_stats::intervals::{goodman, wilson, Interval};

/// How the intervals are computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum CiMethod {
    /// Goodman (1965) simultaneous intervals: all shares' intervals hold together.
    Goodman,
    /// Wilson score interval for each share on its own.
    Wilson,
}

/// The goodness-of-fit test asked for (the exact test replaces either when counts are small).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
pub enum TestMethod {
    /// Pearson's chi-square.
    #[cfg_attr(feature = "clap", value(name = "chi-square"))]
    ChiSquare,
    /// The likelihood-ratio G test.
    #[cfg_attr(feature = "clap", value(name = "g"))]
    G,
}

/// Settings of the statistics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StatOptions {
    pub confidence: f64,
    pub ci: CiMethod,
    pub test: TestMethod,
    /// Monte Carlo draws for the exact test when enumeration is too large.
    pub draws: u64,
    pub seed: u64,
}

impl Default for StatOptions {
    fn default() -> Self {
        StatOptions {
            confidence: 0.95,
            ci: CiMethod::Goodman,
            test: TestMethod::ChiSquare,
            draws: 100_000,
            seed: 42,
        }
    }
}

/// Where an observed share stands against its benchmark share.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Above,
    Below,
    Consistent,
}

/// A share with its interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    pub count: f64,
    /// `None` when nothing was counted.
    pub share: Option<f64>,
    pub ci: Option<Interval>,
    /// The interval method actually used (Goodman falls back to Wilson when shares overlap).
    pub method: &'static str,
}

/// Shares of `n` with intervals: Goodman over all `counts` jointly, or Wilson for each. With
/// `--attribution all` the counts are not a partition, so Goodman does not apply and Wilson is
/// used.
pub fn estimates(
    counts: &[f64],
    n: f64,
    attribution: Attribution,
    opts: &StatOptions,
) -> Vec<Estimate> {
    let joint = opts.ci == CiMethod::Goodman && attribution != Attribution::All;
    let cis: Vec<Option<Interval>> = if joint {
        match goodman(counts, opts.confidence) {
            Some(v) => v.into_iter().map(Some).collect(),
            None => vec![None; counts.len()],
        }
    } else {
        counts
            .iter()
            .map(|&c| wilson(c, n, opts.confidence))
            .collect()
    };
    counts
        .iter()
        .zip(cis)
        .map(|(&count, ci)| Estimate {
            count,
            share: (n > 0.0).then(|| count / n),
            ci,
            method: if joint { "goodman" } else { "wilson" },
        })
        .collect()
}

/// The goodness-of-fit test that was run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FitTest {
    /// `chi-square`, `g`, `exact-multinomial` (full enumeration) or `monte-carlo-multinomial`.
    pub method: &'static str,
    /// The X² (or G) statistic; for the exact tests, Pearson's X², for reference.
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    /// Cohen's w = sqrt(X² / n): about 0.1 small, 0.3 medium, 0.5 large.
    pub effect_size: f64,
    /// Monte Carlo draws, with the exact test by sampling.
    pub draws: Option<u64>,
    pub seed: Option<u64>,
    /// Why this method, in words.
    pub note: String,
}

/// One bucket against its benchmark share.
#[derive(Debug, Clone, PartialEq)]
pub struct BucketResult {
    pub estimate: Estimate,
    pub benchmark_share: f64,
    /// `(share - benchmark_share) * 100`.
    pub delta_pp: Option<f64>,
    /// `(observed - expected) / sqrt(expected)`.
    pub std_residual: Option<f64>,
    /// Exact two-sided binomial test of this bucket against its share.
    pub p_value: Option<f64>,
    /// Holm-adjusted over the buckets.
    pub p_value_adjusted: Option<f64>,
    pub verdict: Option<Verdict>,
}

/// The whole comparison.
#[derive(Debug, Clone, PartialEq)]
pub struct Comparison {
    pub buckets: Vec<BucketResult>,
    /// Rows (credit) compared: those in reasons the benchmark covers.
    pub covered: f64,
    /// Credit in reasons the benchmark does not cover, left out of the comparison.
    pub left_out: f64,
    pub test: Option<FitTest>,
    /// Why there is no test, or what to keep in mind.
    pub notes: Vec<String>,
}

/// Round fractional counts to whole ones summing to the rounded total (largest remainder), for
/// the exact tests under `--attribution split`.
fn whole(counts: &[f64]) -> Vec<u64> {
    let total = counts.iter().sum::<f64>().round() as u64;
    let mut out: Vec<u64> = counts.iter().map(|c| c.floor() as u64).collect();
    let mut order: Vec<usize> = (0..counts.len()).collect();
    order.sort_by(|&a, &b| {
        (counts[b] - counts[b].floor())
            .total_cmp(&(counts[a] - counts[a].floor()))
            .then(a.cmp(&b))
    });
    let mut missing = total.saturating_sub(out.iter().sum());
    for i in order {
        if missing == 0 {
            break;
        }
        out[i] += 1;
        missing -= 1;
    }
    out
}

/// Compare credit per bucket (`bucket_counts`, benchmark order) with `benchmark`. `left_out` is
/// the credit in reasons no bucket covers. Under `all` attribution a row may count in several
/// buckets, so there is no test of the whole distribution; each bucket is still tested.
pub fn compare(
    benchmark: &Benchmark,
    bucket_counts: &[f64],
    left_out: f64,
    respondents: f64,
    attribution: Attribution,
    opts: &StatOptions,
) -> Comparison {
    let overlap = attribution == Attribution::All;
    // Under `all`, a bucket's share is of respondents; otherwise of the credit compared.
    let covered: f64 = if overlap {
        respondents
    } else {
        bucket_counts.iter().sum()
    };
    let estimates = estimates(bucket_counts, covered, attribution, opts);
    let shares: Vec<f64> = benchmark.buckets.iter().map(|b| b.share).collect();
    let mut notes = Vec::new();
    if left_out > 0.0 {
        notes.push(format!(
            "{} in reasons benchmark `{}` does not cover and {} left out of the comparison",
            if left_out == 1.0 {
                "1 tagged row is".to_string()
            } else {
                format!("{} tagged rows are", fmt_count(left_out))
            },
            benchmark.name,
            if left_out == 1.0 { "is" } else { "are" }
        ));
    }
    let alpha = 1.0 - opts.confidence;
    let n_whole = covered.round() as u64;
    let xs = whole(bucket_counts);
    let mut p_values: Vec<Option<f64>> = Vec::new();
    for (i, b) in benchmark.buckets.iter().enumerate() {
        let x = if overlap {
            bucket_counts[i].round() as u64
        } else {
            xs[i]
        };
        p_values.push((n_whole > 0).then(|| binomial_two_sided(x.min(n_whole), n_whole, b.share)));
    }
    let present: Vec<f64> = p_values.iter().flatten().copied().collect();
    let adjusted = holm(&present);
    let mut adj_iter = adjusted.into_iter();
    let buckets = benchmark
        .buckets
        .iter()
        .zip(estimates)
        .zip(&p_values)
        .map(|((b, estimate), p)| {
            let p_adj = p.map(|_| adj_iter.next().expect("one per p-value"));
            let expected = covered * b.share;
            let verdict = estimate.share.zip(p_adj).map(|(s, pa)| {
                if pa <= alpha && s > b.share {
                    Verdict::Above
                } else if pa <= alpha && s < b.share {
                    Verdict::Below
                } else {
                    Verdict::Consistent
                }
            });
            BucketResult {
                benchmark_share: b.share,
                delta_pp: estimate.share.map(|s| (s - b.share) * 100.0),
                std_residual: (expected > 0.0)
                    .then(|| (estimate.count - expected) / expected.sqrt()),
                p_value: *p,
                p_value_adjusted: p_adj,
                verdict,
                estimate,
            }
        })
        .collect();

    let test = if overlap {
        notes.push(
            "no test of the whole distribution: with attribution `all` a row can count for several reasons, so the shares are not one distribution; use `primary` or `split` for it".into(),
        );
        None
    } else if covered <= 0.0 {
        None
    } else {
        Some(fit(bucket_counts, &xs, &shares, attribution, opts))
    };
    Comparison {
        buckets,
        covered,
        left_out,
        test,
        notes,
    }
}

fn fmt_count(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}

/// The goodness-of-fit test: the one asked for, or the exact multinomial test when an expected
/// count is below 5.
fn fit(
    counts: &[f64],
    whole_counts: &[u64],
    shares: &[f64],
    attribution: Attribution,
    opts: &StatOptions,
) -> FitTest {
    let n: f64 = counts.iter().sum();
    let chi = pearson(counts, shares);
    let min_expected = shares.iter().map(|s| s * n).fold(f64::INFINITY, f64::min);
    let effect_size = chi.effect_size.unwrap_or(0.0);
    if min_expected < 5.0 {
        let n_whole: u64 = whole_counts.iter().sum();
        let space = outcomes(n_whole, whole_counts.len());
        let rounded = if attribution == Attribution::Split {
            " (split credit rounded to whole rows)"
        } else {
            ""
        };
        let why = format!(
            "an expected count is below 5 ({min_expected:.2}), so the chi-square approximation is unreliable and the exact multinomial test is used{rounded}"
        );
        if space <= ENUMERATION_LIMIT {
            let p = exact_multinomial(whole_counts, shares).expect("within the limit");
            return FitTest {
                method: "exact-multinomial",
                statistic: chi.statistic,
                df: chi.df,
                p_value: p,
                effect_size,
                draws: None,
                seed: None,
                note: format!("{why}, by enumerating all {space:.0} outcomes"),
            };
        }
        let p = exact_multinomial_mc(whole_counts, shares, opts.draws, opts.seed);
        return FitTest {
            method: "monte-carlo-multinomial",
            statistic: chi.statistic,
            df: chi.df,
            p_value: p,
            effect_size,
            draws: Some(opts.draws),
            seed: Some(opts.seed),
            note: format!(
                "{why}; there are too many outcomes to enumerate ({space:.2e}), so the p-value is estimated from {} random samples (seed {})",
                opts.draws, opts.seed
            ),
        };
    }
    match opts.test {
        TestMethod::ChiSquare => FitTest {
            method: "chi-square",
            statistic: chi.statistic,
            df: chi.df,
            p_value: chi.p_value,
            effect_size,
            draws: None,
            seed: None,
            note: "Pearson chi-square goodness of fit; every expected count is at least 5".into(),
        },
        TestMethod::G => {
            let g = g_test(counts, shares);
            FitTest {
                method: "g",
                statistic: g.statistic,
                df: g.df,
                p_value: g.p_value,
                effect_size,
                draws: None,
                seed: None,
                note: "likelihood-ratio (G) goodness of fit; every expected count is at least 5"
                    .into(),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use churn_core::config::Config;

    fn builtin(name: &str) -> Benchmark {
        Config::builtin().benchmark(name).unwrap().clone()
    }

    #[test]
    fn builtin_sets_sum_to_one_and_cover_every_reason() {
        let c = Config::builtin();
        for name in ["kennedy", "asq", "gattorna"] {
            let b = builtin(name);
            let sum: f64 = b.buckets.iter().map(|x| x.share).sum();
            assert!((sum - 1.0).abs() < 1e-12, "{name}");
            assert!(b.assign(&c.taxonomy).iter().all(Option::is_some), "{name}");
            assert!(!b.note.is_empty());
        }
        assert!(builtin("kennedy").one_to_one(&c.taxonomy));
        assert!(!builtin("asq").one_to_one(&c.taxonomy));
        let asq = builtin("asq").assign(&c.taxonomy);
        // died, moved, friend, better -> everything else; dissatisfaction; indifference.
        assert_eq!(asq[0], asq[3]);
        assert_ne!(asq[4], asq[5]);
        let g = builtin("gattorna").assign(&c.taxonomy);
        assert_eq!(g[0], g[1]);
        assert_ne!(g[1], g[2]);
    }

    #[test]
    fn reference_case_against_kennedy() {
        // stats_vectors.json: chisquare_gof case 1 and binomial cases.
        let k = builtin("kennedy");
        let counts = [2.0, 8.0, 6.0, 18.0, 26.0, 40.0];
        let c = compare(
            &k,
            &counts,
            0.0,
            100.0,
            Attribution::Primary,
            &StatOptions::default(),
        );
        let t = c.test.unwrap();
        // The expected count of `died` is 1: the exact test decides, X² is still reported.
        assert_eq!(t.method, "monte-carlo-multinomial");
        assert!((t.statistic - 40.348_459_383_753_5).abs() < 1e-9);
        assert!(t.p_value < 1e-3);
        assert!((c.buckets[5].p_value.unwrap() - 9.749_166_916_343_751e-9).abs() < 1e-14);
        assert_eq!(c.buckets[5].verdict, Some(Verdict::Below));
        assert_eq!(c.buckets[4].verdict, Some(Verdict::Above));
        assert_eq!(c.buckets[0].verdict, Some(Verdict::Consistent));
        assert!((c.buckets[5].delta_pp.unwrap() + 28.0).abs() < 1e-9);
    }

    #[test]
    fn large_samples_use_the_chi_square_test_or_g() {
        // stats_vectors.json: chisquare_gof and g_test case 3.
        let k = builtin("kennedy");
        let counts = [21.0, 83.0, 61.0, 170.0, 262.0, 403.0];
        let opts = StatOptions::default();
        let c = compare(&k, &counts, 0.0, 1000.0, Attribution::Primary, &opts);
        let t = c.test.unwrap();
        assert_eq!((t.method, t.df), ("chi-square", 5));
        assert!((t.statistic / 398.415_494_864_612_6 - 1.0).abs() < 1e-9);
        assert!((t.p_value / 6.512_739_590_151_146e-84 - 1.0).abs() < 1e-3);
        let g = StatOptions {
            test: TestMethod::G,
            ..opts
        };
        let t = compare(&k, &counts, 0.0, 1000.0, Attribution::Primary, &g)
            .test
            .unwrap();
        assert_eq!(t.method, "g");
        assert!((t.statistic / 347.314_093_596_083_4 - 1.0).abs() < 1e-9);
        // ASQ's three buckets: indifference, dissatisfaction, everything else.
        let asq = builtin("asq");
        let order: Vec<&str> = asq.buckets.iter().map(|b| b.id.as_str()).collect();
        assert_eq!(
            order,
            ["dissatisfaction", "indifference", "everything_else"]
        );
        let c = compare(
            &asq,
            &[262.0, 403.0, 335.0],
            0.0,
            1000.0,
            Attribution::Primary,
            &opts,
        );
        let t = c.test.unwrap();
        assert!((t.statistic / 352.623_272_642_390_3 - 1.0).abs() < 1e-9);
        assert!((t.p_value / 2.684_288_868_259_646e-77 - 1.0).abs() < 1e-3);
    }

    #[test]
    fn small_samples_switch_to_the_exact_test() {
        let k = builtin("kennedy");
        let counts = [0.0, 1.0, 0.0, 2.0, 3.0, 6.0];
        let c = compare(
            &k,
            &counts,
            0.0,
            12.0,
            Attribution::Primary,
            &StatOptions::default(),
        );
        let t = c.test.unwrap();
        assert_eq!(t.method, "exact-multinomial");
        assert!((t.p_value - 0.278_053_882_149_720_77).abs() < 1e-9);
        // 200 rows: expected 2 for `died`, too many outcomes to enumerate.
        let counts = [3.0, 5.0, 10.0, 20.0, 30.0, 132.0];
        let opts = StatOptions {
            draws: 2000,
            ..StatOptions::default()
        };
        let c = compare(&k, &counts, 0.0, 200.0, Attribution::Primary, &opts);
        let t = c.test.unwrap();
        assert_eq!(
            (t.method, t.draws, t.seed),
            ("monte-carlo-multinomial", Some(2000), Some(42))
        );
    }

    #[test]
    fn overlapping_shares_have_no_whole_test_but_keep_verdicts() {
        let k = builtin("kennedy");
        let counts = [2.0, 8.0, 6.0, 18.0, 40.0, 60.0];
        let c = compare(
            &k,
            &counts,
            0.0,
            100.0,
            Attribution::All,
            &StatOptions::default(),
        );
        assert!(c.test.is_none());
        assert!(c.notes[0].contains("attribution `all`"));
        assert_eq!(c.buckets[4].verdict, Some(Verdict::Above));
        let e = estimates(&counts, 100.0, Attribution::All, &StatOptions::default());
        assert_eq!(e[0].method, "wilson");
    }

    #[test]
    fn whole_keeps_the_total() {
        assert_eq!(whole(&[0.5, 1.5, 2.0]), [1, 1, 2]);
        assert_eq!(whole(&[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0]), [1, 0, 0]);
    }
}
