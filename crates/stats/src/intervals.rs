//! Confidence intervals for shares: Wilson per proportion, Goodman's simultaneous intervals for
//! a whole multinomial, and Newcombe's interval for a difference of two proportions.

use serde::Serialize;

use super::{normal_quantile, z_critical};

/// A two-sided interval for a share, both ends in `0..=1`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Interval {
    pub lower: f64,
    pub upper: f64,
}

/// Wilson score interval for `x` successes in `n` trials (statsmodels
/// `proportion_confint(method="wilson")`). `x` may be fractional (split credit). `None` when
/// `n` is 0.
pub fn wilson(x: f64, n: f64, confidence: f64) -> Option<Interval> {
    if n <= 0.0 {
        return None;
    }
    let z = z_critical(confidence);
    Some(score_interval(x / n, n, z * z))
}

/// The score interval around `p` with `n` trials and squared critical value `c2`, shared by
/// Wilson (c2 = z²) and Goodman (c2 = the chi-square(1) quantile at 1 - α/k).
fn score_interval(p: f64, n: f64, c2: f64) -> Interval {
    let delta = c2 * c2 + 4.0 * n * p * c2 * (1.0 - p);
    let centre = 2.0 * n * p + c2;
    let denom = 2.0 * (c2 + n);
    let root = delta.max(0.0).sqrt();
    let mut lower = (centre - root) / denom;
    let mut upper = (centre + root) / denom;
    // At the boundaries the formula is exact in theory; make it exact in floating point too.
    if p <= 0.0 {
        lower = 0.0;
    }
    if p >= 1.0 {
        upper = 1.0;
    }
    Interval {
        lower: lower.clamp(0.0, 1.0),
        upper: upper.clamp(0.0, 1.0),
    }
}

/// Goodman (1965) simultaneous intervals for the proportions of a multinomial with `counts`
/// (statsmodels `multinomial_proportions_confint(method="goodman")`): all of them hold together
/// with probability `confidence`. `None` when the counts sum to 0.
pub fn goodman(counts: &[f64], confidence: f64) -> Option<Vec<Interval>> {
    let n: f64 = counts.iter().sum();
    if n <= 0.0 || counts.is_empty() {
        return None;
    }
    let k = counts.len() as f64;
    let alpha = 1.0 - confidence;
    // chi2.ppf(1 - alpha/k, df=1) is the square of the normal quantile at 1 - alpha/(2k).
    let z = normal_quantile(1.0 - alpha / (2.0 * k));
    let c2 = z * z;
    Some(
        counts
            .iter()
            .map(|&x| score_interval(x / n, n, c2))
            .collect(),
    )
}

/// Newcombe's hybrid score interval (his method 10) for `p1 - p2`, with `p1 = x1 / n1` and
/// `p2 = x2 / n2` (statsmodels `confint_proportions_2indep(method="newcomb")`). `None` when a
/// sample is empty.
pub fn newcombe(x1: f64, n1: f64, x2: f64, n2: f64, confidence: f64) -> Option<Interval> {
    let a = wilson(x1, n1, confidence)?;
    let b = wilson(x2, n2, confidence)?;
    let (p1, p2) = (x1 / n1, x2 / n2);
    let d = p1 - p2;
    Some(Interval {
        lower: d - ((p1 - a.lower).powi(2) + (b.upper - p2).powi(2)).sqrt(),
        upper: d + ((a.upper - p1).powi(2) + (p2 - b.lower).powi(2)).sqrt(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reference::{all_close, cases, close, extra_cases, f, fs};

    #[test]
    fn newcombe_matches_statsmodels() {
        for c in extra_cases("newcombe") {
            let ci = newcombe(
                f(&c["x1"]),
                f(&c["n1"]),
                f(&c["x2"]),
                f(&c["n2"]),
                f(&c["confidence"]),
            )
            .unwrap();
            let what = format!("newcombe {}/{} - {}/{}", c["x1"], c["n1"], c["x2"], c["n2"]);
            close(ci.lower, f(&c["lower"]), &what);
            close(ci.upper, f(&c["upper"]), &what);
        }
        assert_eq!(newcombe(1.0, 0.0, 1.0, 2.0, 0.95), None);
    }

    #[test]
    fn wilson_matches_statsmodels() {
        for c in cases("wilson") {
            let ci = wilson(f(&c["x"]), f(&c["n"]), f(&c["confidence"])).unwrap();
            let what = format!("wilson x={} n={}", c["x"], c["n"]);
            close(ci.lower, f(&c["lower"]), &what);
            close(ci.upper, f(&c["upper"]), &what);
        }
        assert_eq!(wilson(0.0, 0.0, 0.95), None);
    }

    #[test]
    fn goodman_matches_statsmodels() {
        for c in cases("goodman") {
            let cis = goodman(&fs(&c["counts"]), f(&c["confidence"])).unwrap();
            let what = format!("goodman {}", c["counts"]);
            let lower: Vec<f64> = cis.iter().map(|i| i.lower).collect();
            let upper: Vec<f64> = cis.iter().map(|i| i.upper).collect();
            all_close(&lower, &fs(&c["lower"]), &what);
            all_close(&upper, &fs(&c["upper"]), &what);
        }
        assert_eq!(goodman(&[0.0, 0.0], 0.95), None);
    }

    #[test]
    fn goodman_is_wider_than_wilson() {
        let counts = [2.0, 8.0, 6.0, 18.0, 26.0, 40.0];
        let g = goodman(&counts, 0.95).unwrap();
        for (i, &x) in counts.iter().enumerate() {
            let w = wilson(x, 100.0, 0.95).unwrap();
            assert!(g[i].lower < w.lower && g[i].upper > w.upper);
        }
    }
}
