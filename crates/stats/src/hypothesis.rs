//! Hypothesis tests over counts: goodness of fit against benchmark shares (Pearson chi-square,
//! G, exact multinomial by enumeration or Monte Carlo), the exact two-sided binomial test, Holm's
//! adjustment, and the chi-square test of homogeneity between groups.

use rand::SeedableRng;
use rand_distr::{Binomial, Distribution};
use rand_pcg::Pcg64Mcg;

use super::{chi2_sf, ln_factorials};

/// A goodness-of-fit result.
#[derive(Debug, Clone, PartialEq)]
pub struct Fit {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    /// Cohen's w = sqrt(X² / n) (Pearson only).
    pub effect_size: Option<f64>,
    /// `(observed - expected) / sqrt(expected)` per category.
    pub residuals: Vec<f64>,
}

fn expected(observed: &[f64], shares: &[f64]) -> (f64, Vec<f64>) {
    let n: f64 = observed.iter().sum();
    let total: f64 = shares.iter().sum();
    (n, shares.iter().map(|s| n * s / total).collect())
}

/// Pearson's chi-square goodness of fit of `observed` counts to `shares` (normalized to sum to 1),
/// as `scipy.stats.chisquare`. A category with expected 0 and observed 0 adds nothing; with
/// observed above 0 the statistic is infinite.
pub fn pearson(observed: &[f64], shares: &[f64]) -> Fit {
    let (n, exp) = expected(observed, shares);
    let mut statistic = 0.0;
    let residuals: Vec<f64> = observed
        .iter()
        .zip(&exp)
        .map(|(&o, &e)| {
            if e > 0.0 {
                statistic += (o - e) * (o - e) / e;
                (o - e) / e.sqrt()
            } else if o > 0.0 {
                statistic = f64::INFINITY;
                f64::INFINITY
            } else {
                0.0
            }
        })
        .collect();
    let df = observed.len().saturating_sub(1);
    Fit {
        statistic,
        df,
        p_value: chi2_sf(statistic, df as f64),
        effect_size: (n > 0.0).then(|| (statistic / n).sqrt()),
        residuals,
    }
}

/// The likelihood-ratio (G) test of `observed` against `shares`, as
/// `scipy.stats.power_divergence(lambda_="log-likelihood")`.
pub fn g_test(observed: &[f64], shares: &[f64]) -> Fit {
    let (n, exp) = expected(observed, shares);
    let mut statistic = 0.0;
    for (&o, &e) in observed.iter().zip(&exp) {
        if o > 0.0 {
            statistic += if e > 0.0 {
                2.0 * o * (o / e).ln()
            } else {
                f64::INFINITY
            };
        }
    }
    let statistic = statistic.max(0.0);
    let df = observed.len().saturating_sub(1);
    let pearson = pearson(observed, shares);
    Fit {
        statistic,
        df,
        p_value: chi2_sf(statistic, df as f64),
        effect_size: (n > 0.0).then(|| (statistic / n).sqrt()),
        residuals: pearson.residuals,
    }
}

/// Relative slack when comparing probabilities of outcomes, as scipy's `binomtest` (1e-7).
const RELATIVE_SLACK: f64 = 1e-7;

/// Number of outcomes of `n` draws over `k` categories, C(n + k - 1, k - 1), saturating.
pub fn outcomes(n: u64, k: usize) -> f64 {
    if k == 0 {
        return 0.0;
    }
    let mut c = 1.0f64;
    for i in 1..k as u64 {
        c = c * (n + i) as f64 / i as f64;
    }
    c
}

/// Largest number of outcomes the exact test enumerates before it samples instead.
pub const ENUMERATION_LIMIT: f64 = 5.0e6;

/// log pmf of `counts` under the multinomial with probabilities whose logs are `ln_p`.
fn ln_pmf(counts: &[u64], ln_p: &[f64], ln_fact: &[f64]) -> f64 {
    let n: u64 = counts.iter().sum();
    let mut s = ln_fact[n as usize];
    for (&x, &lp) in counts.iter().zip(ln_p) {
        if x > 0 {
            s += x as f64 * lp - ln_fact[x as usize];
        }
    }
    s
}

fn probabilities(shares: &[f64]) -> Vec<f64> {
    let total: f64 = shares.iter().sum();
    shares.iter().map(|s| s / total).collect()
}

/// The exact multinomial test by full enumeration: the probability, under `shares`, of every
/// outcome no more likely than `observed`. `None` when there are more than
/// [`ENUMERATION_LIMIT`] outcomes.
pub fn exact_multinomial(observed: &[u64], shares: &[f64]) -> Option<f64> {
    let n: u64 = observed.iter().sum();
    if outcomes(n, observed.len()) > ENUMERATION_LIMIT {
        return None;
    }
    let p = probabilities(shares);
    let ln_p: Vec<f64> = p.iter().map(|x| x.ln()).collect();
    let ln_fact = ln_factorials(n as usize);
    let threshold = ln_pmf(observed, &ln_p, &ln_fact) + RELATIVE_SLACK.ln_1p();
    // Depth-first over compositions; `partial` is the log pmf of the categories fixed so far
    // (without the ln n! term).
    struct Walk<'a> {
        ln_p: &'a [f64],
        ln_fact: &'a [f64],
        top: f64,
        threshold: f64,
    }
    fn walk(w: &Walk<'_>, i: usize, left: u64, partial: f64, sum: &mut f64) {
        let last = w.ln_p.len() - 1;
        if i == last {
            let term = if left > 0 {
                if w.ln_p[i] == f64::NEG_INFINITY {
                    return;
                }
                left as f64 * w.ln_p[i] - w.ln_fact[left as usize]
            } else {
                0.0
            };
            let lp = w.top + partial + term;
            if lp <= w.threshold {
                *sum += lp.exp();
            }
            return;
        }
        for x in 0..=left {
            let term = if x > 0 {
                if w.ln_p[i] == f64::NEG_INFINITY {
                    break;
                }
                x as f64 * w.ln_p[i] - w.ln_fact[x as usize]
            } else {
                0.0
            };
            walk(w, i + 1, left - x, partial + term, sum);
        }
    }
    let mut sum = 0.0;
    if observed.is_empty() {
        return Some(1.0);
    }
    let w = Walk {
        ln_p: &ln_p,
        ln_fact: &ln_fact,
        top: ln_fact[n as usize],
        threshold,
    };
    walk(&w, 0, n, 0.0, &mut sum);
    Some(sum.min(1.0))
}

/// The exact multinomial test by Monte Carlo: `draws` samples from the benchmark with a fixed
/// `seed`; the p-value is `(1 + hits) / (1 + draws)`, where a hit is a sample no more likely
/// than `observed`.
pub fn exact_multinomial_mc(observed: &[u64], shares: &[f64], draws: u64, seed: u64) -> f64 {
    let n: u64 = observed.iter().sum();
    let p = probabilities(shares);
    let ln_p: Vec<f64> = p.iter().map(|x| x.ln()).collect();
    let ln_fact = ln_factorials(n as usize);
    let threshold = ln_pmf(observed, &ln_p, &ln_fact) + RELATIVE_SLACK.ln_1p();
    // Conditional binomials: category i gets Bin(left, p_i / (remaining probability)).
    let mut conditional = Vec::with_capacity(p.len());
    let mut rest = 1.0f64;
    for &pi in &p {
        conditional.push(if rest > 0.0 {
            (pi / rest).clamp(0.0, 1.0)
        } else {
            0.0
        });
        rest -= pi;
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut sample = vec![0u64; p.len()];
    let mut hits = 0u64;
    for _ in 0..draws {
        let mut left = n;
        for (i, &q) in conditional.iter().enumerate() {
            let x = if i + 1 == conditional.len() || q >= 1.0 {
                left
            } else if left == 0 || q <= 0.0 {
                0
            } else {
                Binomial::new(left, q)
                    .expect("q is a probability")
                    .sample(&mut rng)
            };
            sample[i] = x;
            left -= x;
        }
        if ln_pmf(&sample, &ln_p, &ln_fact) <= threshold {
            hits += 1;
        }
    }
    (1 + hits) as f64 / (1 + draws) as f64
}

/// The exact two-sided binomial test of `x` successes in `n` trials against probability `p`,
/// as `scipy.stats.binomtest(alternative="two-sided")`: the probability of every outcome no
/// more likely than `x`.
pub fn binomial_two_sided(x: u64, n: u64, p: f64) -> f64 {
    if n == 0 {
        return 1.0;
    }
    if p <= 0.0 {
        return if x == 0 { 1.0 } else { 0.0 };
    }
    if p >= 1.0 {
        return if x == n { 1.0 } else { 0.0 };
    }
    if (x as f64 - p * n as f64).abs() < 1e-12 * n as f64 {
        return 1.0;
    }
    // ln C(n, k) from ln Γ: no table of n log-factorials (ten million rows would make one of
    // 80 MB per call), and no rounding error accumulated over n terms.
    use statrs::function::gamma::ln_gamma;
    let ln_n = ln_gamma(n as f64 + 1.0);
    let (lp, lq) = (p.ln(), (-p).ln_1p());
    let ln_pmf = |k: u64| {
        ln_n - ln_gamma(k as f64 + 1.0) - ln_gamma((n - k) as f64 + 1.0)
            + k as f64 * lp
            + (n - k) as f64 * lq
    };
    let threshold = ln_pmf(x) + RELATIVE_SLACK.ln_1p();
    // The pmf is unimodal, and a term 750 (natural-log units) below the mode's is 0 in f64
    // (whose smallest value is about e^-745): the sum runs over the outcomes where terms are
    // not, in the same order as over all of 0..=n.
    // Each term is computed once: from the mode down, then from the mode up.
    let mode = (((n + 1) as f64 * p).floor() as u64).min(n);
    let floor = ln_pmf(mode) - 750.0;
    let below: Vec<f64> = (0..mode)
        .rev()
        .map(ln_pmf)
        .take_while(|&l| l > floor)
        .collect();
    let from_mode = (mode..=n).map(ln_pmf).take_while(|&l| l > floor);
    // A fold from +0.0: `sum` of no terms would be -0.0.
    let total: f64 = below
        .into_iter()
        .rev()
        .chain(from_mode)
        .filter(|&l| l <= threshold)
        .map(f64::exp)
        .fold(0.0, |a, b| a + b);
    total.min(1.0)
}

/// Holm's step-down adjustment of `p_values` (statsmodels `multipletests(method="holm")`),
/// returned in the input order.
pub fn holm(p_values: &[f64]) -> Vec<f64> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&a, &b| p_values[a].total_cmp(&p_values[b]).then(a.cmp(&b)));
    let mut adjusted = vec![0.0; m];
    let mut running = 0.0f64;
    for (rank, &i) in order.iter().enumerate() {
        let a = ((m - rank) as f64 * p_values[i]).min(1.0);
        running = running.max(a);
        adjusted[i] = running;
    }
    adjusted
}

/// A chi-square test that the rows of a contingency table share one distribution.
#[derive(Debug, Clone, PartialEq)]
pub struct Homogeneity {
    pub statistic: f64,
    pub df: usize,
    pub p_value: f64,
    /// Cramér's V = sqrt(X² / (n (min(r, c) - 1))).
    pub cramers_v: f64,
    /// Share of cells whose expected count is below 5 (the approximation is rough above 20%).
    pub small_expected: f64,
}

/// Chi-square test of homogeneity on `table` (rows are groups, columns categories), as
/// `scipy.stats.chi2_contingency(correction=False)`. Rows and columns that sum to zero are left
/// out. `None` when fewer than two rows or two columns remain.
pub fn homogeneity(table: &[Vec<f64>]) -> Option<Homogeneity> {
    let cols = table.first().map_or(0, Vec::len);
    let col_sums: Vec<f64> = (0..cols)
        .map(|j| table.iter().map(|r| r[j]).sum())
        .collect();
    let keep_cols: Vec<usize> = (0..cols).filter(|&j| col_sums[j] > 0.0).collect();
    let rows: Vec<&Vec<f64>> = table
        .iter()
        .filter(|r| r.iter().sum::<f64>() > 0.0)
        .collect();
    if rows.len() < 2 || keep_cols.len() < 2 {
        return None;
    }
    let row_sums: Vec<f64> = rows.iter().map(|r| r.iter().sum()).collect();
    let n: f64 = row_sums.iter().sum();
    let mut statistic = 0.0;
    let mut small = 0usize;
    for (r, row) in rows.iter().enumerate() {
        for &j in &keep_cols {
            let e = row_sums[r] * col_sums[j] / n;
            if e < 5.0 {
                small += 1;
            }
            statistic += (row[j] - e) * (row[j] - e) / e;
        }
    }
    let df = (rows.len() - 1) * (keep_cols.len() - 1);
    let min_dim = rows.len().min(keep_cols.len()) as f64;
    Some(Homogeneity {
        statistic,
        df,
        p_value: chi2_sf(statistic, df as f64),
        cramers_v: (statistic / (n * (min_dim - 1.0))).sqrt(),
        small_expected: small as f64 / (rows.len() * keep_cols.len()) as f64,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{all_close, cases, close, f, fs};

    fn counts(v: &serde_json::Value) -> Vec<u64> {
        fs(v).into_iter().map(|x| x as u64).collect()
    }

    #[test]
    fn pearson_matches_scipy() {
        for c in cases("chisquare_gof") {
            let fit = pearson(&fs(&c["observed"]), &fs(&c["benchmark"]));
            let what = format!("chisquare {}", c["observed"]);
            close(fit.statistic, f(&c["statistic"]), &what);
            assert_eq!(fit.df as f64, f(&c["df"]), "{what}");
            close(fit.p_value, f(&c["p_value"]), &what);
            close(fit.effect_size.unwrap(), f(&c["cohens_w"]), &what);
            all_close(&fit.residuals, &fs(&c["std_residuals"]), &what);
        }
    }

    #[test]
    fn g_test_matches_scipy() {
        for c in cases("g_test") {
            let fit = g_test(&fs(&c["observed"]), &fs(&c["benchmark"]));
            let what = format!("g {}", c["observed"]);
            close(fit.statistic, f(&c["statistic"]), &what);
            assert_eq!(fit.df as f64, f(&c["df"]), "{what}");
            close(fit.p_value, f(&c["p_value"]), &what);
        }
    }

    #[test]
    fn exact_multinomial_matches_enumeration_in_scipy() {
        for c in cases("exact_multinomial") {
            let p = exact_multinomial(&counts(&c["observed"]), &fs(&c["benchmark"])).unwrap();
            close(p, f(&c["p_value"]), &format!("exact {}", c["observed"]));
        }
    }

    #[test]
    fn monte_carlo_agrees_with_enumeration_and_is_reproducible() {
        for c in cases("exact_multinomial") {
            let obs = counts(&c["observed"]);
            let shares = fs(&c["benchmark"]);
            let exact = f(&c["p_value"]);
            let mc = exact_multinomial_mc(&obs, &shares, 100_000, 1);
            // Binomial standard error of the estimate, with room for 4.5 of them.
            let se = (exact * (1.0 - exact) / 100_000.0).sqrt();
            assert!((mc - exact).abs() <= 4.5 * se + 1e-5, "{mc} vs {exact}");
            assert_eq!(mc, exact_multinomial_mc(&obs, &shares, 100_000, 1));
        }
    }

    #[test]
    fn enumeration_refuses_huge_spaces() {
        assert!(outcomes(1000, 6) > ENUMERATION_LIMIT);
        assert_eq!(
            exact_multinomial(&[100, 100, 100, 200, 200, 300], &[1.0; 6]),
            None
        );
        assert!((outcomes(12, 6) - 6188.0).abs() < 1e-9);
    }

    #[test]
    fn binomial_matches_scipy() {
        for c in cases("binomial_two_sided") {
            let x = f(&c["x"]) as u64;
            let n = f(&c["n"]) as u64;
            let p = binomial_two_sided(x, n, f(&c["p"]));
            close(p, f(&c["p_value"]), &format!("binom {x}/{n}"));
        }
    }

    /// Ten million rows, as `churn analyze` meets them on a large export: values from
    /// `scipy.stats.binomtest(x, n, p).pvalue` (SciPy 1.17.1), computed for this test. A far tail
    /// is exactly +0.0 (not the -0.0 of an empty sum).
    #[test]
    fn binomial_at_ten_million_rows_matches_scipy() {
        let p = binomial_two_sided(1_001_000, 10_000_000, 0.1);
        assert!((p - 0.2918405273137345).abs() < 1e-6, "{p}");
        let p = binomial_two_sided(3_402_500, 10_000_000, 0.34);
        assert!((p - 0.0951385299237166).abs() < 1e-6, "{p}");
        let far = binomial_two_sided(5_000_000, 10_000_000, 0.09);
        assert!(far == 0.0 && far.is_sign_positive(), "{far}");
    }

    #[test]
    fn holm_matches_statsmodels() {
        for c in cases("holm") {
            let adj = holm(&fs(&c["p_values"]));
            all_close(&adj, &fs(&c["adjusted"]), "holm");
            // statsmodels rejects when the adjusted p-value is at most alpha.
            let reject: Vec<bool> = adj.iter().map(|&p| p <= 0.05).collect();
            let expected: Vec<bool> = c["reject_at_0_05"]
                .as_array()
                .unwrap()
                .iter()
                .map(|b| b.as_bool().unwrap())
                .collect();
            assert_eq!(reject, expected);
        }
    }

    #[test]
    fn homogeneity_matches_scipy() {
        for c in cases("chi2_homogeneity") {
            let table: Vec<Vec<f64>> = c["table"].as_array().unwrap().iter().map(fs).collect();
            let h = homogeneity(&table).unwrap();
            let what = format!("homogeneity {}", c["table"]);
            close(h.statistic, f(&c["statistic"]), &what);
            assert_eq!(h.df as f64, f(&c["df"]), "{what}");
            close(h.p_value, f(&c["p_value"]), &what);
            close(h.cramers_v, f(&c["cramers_v"]), &what);
        }
        assert_eq!(homogeneity(&[vec![1.0, 2.0]]), None);
        // An empty category is left out rather than dividing by zero.
        let h = homogeneity(&[vec![10.0, 0.0, 5.0], vec![4.0, 0.0, 9.0]]).unwrap();
        assert_eq!(h.df, 1);
    }
}
