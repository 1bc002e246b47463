//! Shares corrected for the tagger's error: adjusted classify-and-count (ACC, Forman 2005).
//! A labelled sample of the same kind of export gives the tagger's confusion matrix
//! `M[i][j] = P(tagged j | truly i)`; the shares it tagged, `q`, are then `q = Mᵀ p` for the true
//! shares `p`, which are estimated as the point of the probability simplex nearest to solving it:
//! `p = argmin ||Mᵀp - q||²` with `p >= 0`, `Σp = 1` (QuaPy's `ACC` with its default
//! `solver='minimize'`; checked against it in `tests/reference/calibration_vectors.json`).
//! Percentile bootstrap intervals resample both the labelled rows and the tagged rows, so they
//! hold the labelled sample's uncertainty too.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::intervals::Interval;
use super::resample::quantile;

/// `M[i][j] = P(tagged j | truly i)` from counts; a class with no labelled row is taken as
/// always tagged right (its row of `M` is the identity's).
pub fn rates(labelled: &[Vec<u64>]) -> Vec<Vec<f64>> {
    (labelled.iter().enumerate())
        .map(|(i, row)| {
            let n: u64 = row.iter().sum();
            (0..row.len())
                .map(|j| match n {
                    0 => f64::from(u8::from(i == j)),
                    n => row[j] as f64 / n as f64,
                })
                .collect()
        })
        .collect()
}

/// The ACC estimate of the true shares from the labelled counts (`labelled[i][j]`: rows truly
/// `i` tagged `j`) and the counts tagged per class; `None` with no tagged row.
pub fn acc(labelled: &[Vec<u64>], tagged: &[u64]) -> Option<Vec<f64>> {
    let n: u64 = tagged.iter().sum();
    if n == 0 || labelled.len() != tagged.len() {
        return None;
    }
    let q: Vec<f64> = tagged.iter().map(|&t| t as f64 / n as f64).collect();
    Some(nearest(&rates(labelled), &q))
}

/// `argmin ||Mᵀp - q||²` over the simplex: an active-set search, each step solving the
/// equality-constrained problem on the classes kept; projected gradient if it does not settle.
pub fn nearest(m: &[Vec<f64>], q: &[f64]) -> Vec<f64> {
    let k = q.len();
    let mut free = vec![true; k];
    for _ in 0..4 * k + 4 {
        let Some(p) = on_support(m, q, &free) else {
            break;
        };
        // A class below zero leaves the support (the most negative first).
        let worst = (0..k)
            .filter(|&i| free[i])
            .min_by(|&a, &b| p[a].total_cmp(&p[b]));
        if let Some(i) = worst.filter(|&i| p[i] < -1e-12) {
            free[i] = false;
            continue;
        }
        // A class at zero whose gradient says it should grow joins it.
        let g = gradient(m, q, &p);
        let level = (0..k)
            .filter(|&i| free[i])
            .map(|i| g[i])
            .fold(f64::INFINITY, f64::min);
        let join = (0..k)
            .filter(|&i| !free[i] && g[i] < level - 1e-10)
            .min_by(|&a, &b| g[a].total_cmp(&g[b]));
        match join {
            Some(i) => free[i] = true,
            None => return p.into_iter().map(|x| x.max(0.0)).collect(),
        }
    }
    projected_gradient(m, q)
}

/// `2 M (Mᵀp - q)`.
fn gradient(m: &[Vec<f64>], q: &[f64], p: &[f64]) -> Vec<f64> {
    let k = q.len();
    let r: Vec<f64> = (0..k)
        .map(|j| (0..k).map(|i| m[i][j] * p[i]).sum::<f64>() - q[j])
        .collect();
    (0..k)
        .map(|i| 2.0 * (0..k).map(|j| m[i][j] * r[j]).sum::<f64>())
        .collect()
}

/// The minimum of `||Mᵀp - q||²` with `Σp = 1` and `p_i = 0` off `free` (signs unchecked), by
/// its KKT system; `None` when that system is singular.
fn on_support(m: &[Vec<f64>], q: &[f64], free: &[bool]) -> Option<Vec<f64>> {
    let s: Vec<usize> = (0..q.len()).filter(|&i| free[i]).collect();
    let n = s.len();
    if n == 0 {
        return None;
    }
    // [2 AᵀA  1] [p]   [2 Aᵀq]
    // [1ᵀ     0] [λ] = [1    ]   with A = Mᵀ restricted to the support's columns.
    let mut a = vec![vec![0.0; n + 2]; n + 1];
    for (r, &i) in s.iter().enumerate() {
        for (c, &l) in s.iter().enumerate() {
            a[r][c] = 2.0 * (0..q.len()).map(|j| m[i][j] * m[l][j]).sum::<f64>();
        }
        a[r][n] = 1.0;
        a[r][n + 1] = 2.0 * (0..q.len()).map(|j| m[i][j] * q[j]).sum::<f64>();
        a[n][r] = 1.0;
    }
    a[n][n + 1] = 1.0;
    let x = solve(a)?;
    let mut p = vec![0.0; q.len()];
    for (r, &i) in s.iter().enumerate() {
        p[i] = x[r];
    }
    Some(p)
}

/// Gaussian elimination with partial pivoting of an augmented matrix.
fn solve(mut a: Vec<Vec<f64>>) -> Option<Vec<f64>> {
    let n = a.len();
    for c in 0..n {
        let pivot = (c..n).max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))?;
        if a[pivot][c].abs() < 1e-12 {
            return None;
        }
        a.swap(c, pivot);
        let pivot_row = a[c].clone();
        for (r, row) in a.iter_mut().enumerate() {
            if r != c {
                let f = row[c] / pivot_row[c];
                for (x, p) in row[c..].iter_mut().zip(&pivot_row[c..]) {
                    *x -= f * p;
                }
            }
        }
    }
    Some((0..n).map(|r| a[r][n] / a[r][r]).collect())
}

/// Accelerated projected gradient (FISTA) from the uniform point: the fallback.
fn projected_gradient(m: &[Vec<f64>], q: &[f64]) -> Vec<f64> {
    let k = q.len();
    // A bound of the gradient's Lipschitz constant: 2 ||M||_F².
    let l = 2.0 * m.iter().flatten().map(|x| x * x).sum::<f64>();
    let step = 1.0 / l.max(1e-12);
    let mut p = vec![1.0 / k as f64; k];
    let (mut y, mut t) = (p.clone(), 1.0f64);
    for _ in 0..20_000 {
        let g = gradient(m, q, &y);
        let next = simplex((0..k).map(|i| y[i] - step * g[i]).collect());
        let t2 = (1.0 + (1.0 + 4.0 * t * t).sqrt()) / 2.0;
        y = (0..k)
            .map(|i| next[i] + (t - 1.0) / t2 * (next[i] - p[i]))
            .collect();
        (p, t) = (next, t2);
    }
    p
}

/// The Euclidean projection of `v` onto the probability simplex.
fn simplex(v: Vec<f64>) -> Vec<f64> {
    let mut u = v.clone();
    u.sort_by(|a, b| b.total_cmp(a));
    let (mut sum, mut theta) = (0.0, 0.0);
    for (i, x) in u.iter().enumerate() {
        sum += x;
        let t = (sum - 1.0) / (i + 1) as f64;
        if x - t > 0.0 {
            theta = t;
        }
    }
    v.into_iter().map(|x| (x - theta).max(0.0)).collect()
}

/// How the labelled sample was drawn, which says what it measures and how to correct with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Design {
    /// At random from the rows: it measures `P(tagged j | truly i)`; corrected by [`acc`].
    Random,
    /// So many rows per tag (as `churn sample` draws): it measures `P(truly i | tagged j)`;
    /// corrected by [`by_precision`].
    PerTag,
}

/// The true shares from the precision of each tag: `p_i = Σ_j q_j P(truly i | tagged j)`,
/// which a sample drawn per tag measures without bias (a tag with no labelled row is taken as
/// right). `None` with no tagged row.
pub fn by_precision(labelled: &[Vec<u64>], tagged: &[u64]) -> Option<Vec<f64>> {
    let n: u64 = tagged.iter().sum();
    let k = tagged.len();
    if n == 0 || labelled.len() != k {
        return None;
    }
    let mut p = vec![0.0; k];
    for j in 0..k {
        let q = tagged[j] as f64 / n as f64;
        let column: u64 = labelled.iter().map(|row| row[j]).sum();
        match column {
            0 => p[j] += q,
            c => (0..k).for_each(|i| p[i] += q * labelled[i][j] as f64 / c as f64),
        }
    }
    Some(p)
}

/// The estimate of a design.
pub fn estimate(design: Design, labelled: &[Vec<u64>], tagged: &[u64]) -> Option<Vec<f64>> {
    match design {
        Design::Random => acc(labelled, tagged),
        Design::PerTag => by_precision(labelled, tagged),
    }
}

/// Percentile bootstrap intervals of `share(p)` (each component) for the estimate of `design`:
/// each resample draws the labelled rows with replacement (as many; per tag, as many of each,
/// for [`Design::PerTag`]) and the tagged rows as a multinomial of the tagged shares (as many),
/// and estimates again. Seeded: the same input gives the same intervals. `None` without
/// labelled or tagged rows.
pub fn intervals(
    design: Design,
    labelled: &[Vec<u64>],
    tagged: &[u64],
    share: &dyn Fn(&[f64]) -> Vec<f64>,
    (confidence, resamples, seed): (f64, usize, u64),
) -> Option<Vec<Interval>> {
    let k = tagged.len();
    let cells_of = |columns: std::ops::Range<usize>| -> Vec<(usize, usize, u64)> {
        (0..k)
            .flat_map(|i| columns.clone().map(move |j| (i, j)))
            .map(|(i, j)| (i, j, labelled[i][j]))
            .filter(|c| c.2 > 0)
            .collect()
    };
    // The strata the labelled rows are drawn again from: all, or each tag's.
    let strata: Vec<Vec<(usize, usize, u64)>> = match design {
        Design::Random => vec![cells_of(0..k)],
        Design::PerTag => (0..k).map(|j| cells_of(j..j + 1)).collect(),
    };
    let sizes: Vec<u64> = (strata.iter())
        .map(|s| s.iter().map(|c| c.2).sum())
        .collect();
    let n_tagged: u64 = tagged.iter().sum();
    if sizes.iter().sum::<u64>() == 0 || n_tagged == 0 || resamples == 0 {
        return None;
    }
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut draws: Vec<Vec<f64>> = Vec::with_capacity(resamples);
    for _ in 0..resamples {
        let mut l = vec![vec![0u64; k]; k];
        for (cells, &n) in strata.iter().zip(&sizes) {
            for _ in 0..n {
                let (i, j) = pick(cells, n, &mut rng);
                l[i][j] += 1;
            }
        }
        let t = multinomial(tagged, n_tagged, &mut rng);
        if let Some(p) = estimate(design, &l, &t) {
            draws.push(share(&p));
        }
    }
    let width = draws.first()?.len();
    let (lo, hi) = ((1.0 - confidence) / 2.0, (1.0 + confidence) / 2.0);
    Some(
        (0..width)
            .map(|c| {
                let mut v: Vec<f64> = draws.iter().map(|d| d[c]).collect();
                v.sort_by(f64::total_cmp);
                Interval {
                    lower: quantile(&v, lo),
                    upper: quantile(&v, hi),
                }
            })
            .collect(),
    )
}

/// One labelled row drawn at random: its (truth, tag) cell.
fn pick(cells: &[(usize, usize, u64)], n: u64, rng: &mut Pcg64Mcg) -> (usize, usize) {
    let mut r = rng.random_range(0..n);
    for &(i, j, c) in cells {
        if r < c {
            return (i, j);
        }
        r -= c;
    }
    let &(i, j, _) = cells.last().expect("cells");
    (i, j)
}

/// Counts of `n` draws over the classes in proportion to `counts` (by conditional binomials).
fn multinomial(counts: &[u64], n: u64, rng: &mut Pcg64Mcg) -> Vec<u64> {
    use rand_distr::{Binomial, Distribution};
    let (mut left, mut mass) = (n, n as f64);
    let mut out = Vec::with_capacity(counts.len());
    for &c in counts {
        let p = if mass > 0.0 {
            (c as f64 / mass).min(1.0)
        } else {
            0.0
        };
        let x = match Binomial::new(left, p) {
            Ok(b) => b.sample(rng),
            Err(_) => 0,
        };
        out.push(x);
        left -= x;
        mass -= c as f64;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// QuaPy's ACC (solver 'minimize', tightened), tests/reference/calibration_vectors.py.
    #[test]
    fn acc_matches_quapy() {
        let text = include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/reference/calibration_vectors.json"
        ));
        let v: serde_json::Value = serde_json::from_str(text).unwrap();
        let cases = v["cases"].as_array().unwrap();
        assert_eq!(cases.len(), 6);
        for case in cases {
            let labelled: Vec<Vec<u64>> = serde_json::from_value(case["labelled"].clone()).unwrap();
            let tagged: Vec<u64> = serde_json::from_value(case["predicted"].clone()).unwrap();
            let want: Vec<f64> = serde_json::from_value(case["prevalence"].clone()).unwrap();
            let got = acc(&labelled, &tagged).unwrap();
            for (g, w) in got.iter().zip(&want) {
                assert!(
                    (g - w).abs() < 1e-6,
                    "{}: {got:?} vs {want:?}",
                    case["name"]
                );
            }
            let fallback = projected_gradient(&rates(&labelled), &{
                let n: u64 = tagged.iter().sum();
                tagged
                    .iter()
                    .map(|&t| t as f64 / n as f64)
                    .collect::<Vec<_>>()
            });
            for (g, w) in fallback.iter().zip(&want) {
                assert!(
                    (g - w).abs() < 1e-4,
                    "{} fallback: {fallback:?}",
                    case["name"]
                );
            }
        }
    }

    #[test]
    fn intervals_hold_the_estimate_widen_with_a_smaller_labelled_sample_and_repeat() {
        let tagged = [300, 700];
        let big = vec![vec![800, 200], vec![100, 900]];
        let small = vec![vec![8, 2], vec![1, 9]];
        let first = |p: &[f64]| vec![p[0]];
        let settings = (0.95, 400, 7);
        let acc_intervals = |l: &[Vec<u64>], t: &[u64], f: &dyn Fn(&[f64]) -> Vec<f64>, s| {
            intervals(Design::Random, l, t, f, s)
        };
        let wide = acc_intervals(&small, &tagged, &first, settings).unwrap()[0];
        let narrow = acc_intervals(&big, &tagged, &first, settings).unwrap()[0];
        let p = acc(&big, &tagged).unwrap()[0];
        assert!(narrow.lower < p && p < narrow.upper, "{narrow:?} {p}");
        assert!(wide.upper - wide.lower > 2.0 * (narrow.upper - narrow.lower));
        assert_eq!(
            acc_intervals(&big, &tagged, &first, settings).unwrap()[0],
            narrow
        );
    }

    #[test]
    fn a_sheet_drawn_per_tag_corrects_by_each_tag_s_precision() {
        // Tagged a: 40%, b: 60%. Of 50 labelled rows tagged a, 45 are truly a; of 50 tagged b,
        // 10 are truly a. True a = 0.4 * 0.9 + 0.6 * 0.2 = 0.48.
        let labelled = vec![vec![45, 10], vec![5, 40]];
        let p = by_precision(&labelled, &[400, 600]).unwrap();
        assert!(
            (p[0] - 0.48).abs() < 1e-12 && (p[1] - 0.52).abs() < 1e-12,
            "{p:?}"
        );
        // The same sheet read as a random sample (ACC) says otherwise: the designs differ.
        let a = acc(&labelled, &[400, 600]).unwrap();
        assert!((a[0] - 0.48).abs() > 0.01, "{a:?}");
        let first = |p: &[f64]| vec![p[0]];
        let ci = intervals(
            Design::PerTag,
            &labelled,
            &[400, 600],
            &first,
            (0.95, 300, 3),
        );
        let ci = ci.unwrap()[0];
        assert!(ci.lower < 0.48 && 0.48 < ci.upper, "{ci:?}");
        // A tag never labelled is taken as right.
        let p = by_precision(&[vec![9, 0], vec![1, 0]], &[50, 50]).unwrap();
        assert!(
            (p[0] - 0.45).abs() < 1e-12 && (p[1] - 0.55).abs() < 1e-12,
            "{p:?}"
        );
    }

    #[test]
    fn a_class_never_labelled_is_taken_as_tagged_right() {
        let p = acc(&[vec![9, 1], vec![0, 0]], &[50, 50]).unwrap();
        assert!((p[0] + p[1] - 1.0).abs() < 1e-12);
        assert!((p[0] - 50.0 / 90.0).abs() < 1e-9, "{p:?}");
    }
}
