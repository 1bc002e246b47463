//! Statistics over counts: intervals, goodness-of-fit and homogeneity tests, multiple-testing
//! adjustment and resampling. Pure functions of numbers (no rows, no polars, no I/O), each
//! checked against scipy/statsmodels values in `tests/reference/`.
//!
//! Distribution functions (normal quantile, chi-square tail, log-gamma) come from `statrs`;
//! what no crate offers for these inputs (Goodman's simultaneous intervals, the exact
//! multinomial test, scipy's two-sided binomial convention) is written here.

pub mod hypothesis;
pub mod intervals;
pub mod metrics;
pub mod quantify;
pub mod resample;
pub mod sample;

use statrs::distribution::{ChiSquared, ContinuousCDF, Normal};

/// The two-sided standard normal critical value for `confidence` (1.959964 for 0.95).
pub fn z_critical(confidence: f64) -> f64 {
    normal_quantile(1.0 - (1.0 - confidence) / 2.0)
}

/// The standard normal quantile function.
pub fn normal_quantile(p: f64) -> f64 {
    Normal::new(0.0, 1.0)
        .expect("the standard normal is valid")
        .inverse_cdf(p)
}

/// Upper tail of the chi-square distribution with `df` degrees of freedom: P(X >= x).
pub fn chi2_sf(x: f64, df: f64) -> f64 {
    if x.is_nan() || df <= 0.0 {
        return f64::NAN;
    }
    if x <= 0.0 {
        return 1.0;
    }
    if x.is_infinite() {
        return 0.0;
    }
    ChiSquared::new(df)
        .expect("df is positive")
        .sf(x)
        .clamp(0.0, 1.0)
}

/// `ln(n!)`.
pub fn ln_factorial(n: u64) -> f64 {
    statrs::function::factorial::ln_factorial(n)
}

/// A table of `ln(k!)` for `k` in `0..=n`.
pub fn ln_factorials(n: usize) -> Vec<f64> {
    let mut t = Vec::with_capacity(n + 1);
    let mut acc = 0.0f64;
    t.push(0.0);
    for k in 1..=n {
        acc += (k as f64).ln();
        t.push(acc);
    }
    t
}

#[cfg(test)]
pub(crate) mod reference {
    //! The reference vectors, read once for the unit tests.
    use serde_json::Value;
    use std::sync::OnceLock;

    pub fn vectors() -> &'static Value {
        static V: OnceLock<Value> = OnceLock::new();
        V.get_or_init(|| {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/reference/stats_vectors.json"
            );
            serde_json::from_str(&std::fs::read_to_string(path).expect("reference vectors"))
                .expect("valid JSON")
        })
    }

    pub fn cases(name: &str) -> &'static [Value] {
        vectors()[name].as_array().expect("a list of cases")
    }

    /// Cases from `extra_vectors.json` (statistics the shared vectors do not cover, computed
    /// by `tests/reference/extra_vectors.py` with scipy and statsmodels).
    pub fn extra_cases(name: &str) -> &'static [Value] {
        static V: OnceLock<Value> = OnceLock::new();
        let v = V.get_or_init(|| {
            let path = concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../../tests/reference/extra_vectors.json"
            );
            serde_json::from_str(&std::fs::read_to_string(path).expect("extra vectors"))
                .expect("valid JSON")
        });
        v[name].as_array().expect("a list of cases")
    }

    pub fn f(v: &Value) -> f64 {
        v.as_f64().expect("a number")
    }

    pub fn fs(v: &Value) -> Vec<f64> {
        v.as_array().expect("a list").iter().map(f).collect()
    }

    /// Relative tolerance 1e-6 (absolute for values near zero); 1e-3 for p-values below 1e-10.
    pub fn close(actual: f64, expected: f64, what: &str) {
        let tol = if expected.abs() < 1e-10 && expected != 0.0 {
            1e-3 * expected.abs()
        } else {
            1e-6 * expected.abs().max(1e-9)
        };
        assert!(
            (actual - expected).abs() <= tol,
            "{what}: got {actual:e}, expected {expected:e}"
        );
    }

    pub fn all_close(actual: &[f64], expected: &[f64], what: &str) {
        assert_eq!(actual.len(), expected.len(), "{what}: length");
        for (i, (a, e)) in actual.iter().zip(expected).enumerate() {
            close(*a, *e, &format!("{what}[{i}]"));
        }
    }
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn critical_values() {
        assert!((z_critical(0.95) - 1.959_963_984_540_054).abs() < 1e-12);
        assert!((chi2_sf(3.841_458_820_694_124, 1.0) - 0.05).abs() < 1e-12);
        assert_eq!(chi2_sf(0.0, 5.0), 1.0);
        assert_eq!(chi2_sf(f64::INFINITY, 5.0), 0.0);
        let t = ln_factorials(10);
        assert!((t[10] - ln_factorial(10)).abs() < 1e-9);
    }
}
