//! Bootstrap intervals for weighted shares (shares of lost revenue rather than of customers),
//! and Kish's effective sample size for weights.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use super::intervals::Interval;

/// Kish's effective sample size, `(Σw)² / Σw²`: how many unweighted rows the weighted sample is
/// worth. 0 when every weight is 0. The weights are first divided by the largest (the ratio
/// does not change), so that huge weights do not overflow `w²` and tiny (subnormal) ones do
/// not vanish in it.
pub fn kish(weights: &[f64]) -> f64 {
    let scaled = relative(weights);
    let (s, s2) = scaled
        .iter()
        .fold((0.0, 0.0), |(s, s2), &w| (s + w, s2 + w * w));
    if s2 > 0.0 {
        s * s / s2
    } else {
        0.0
    }
}

/// The weights divided by the largest, so each is in 0..=1 and a sum of `n` of them at most
/// `n`: Kish's n is a ratio, the same for any common scale, and the arithmetic then neither
/// overflows (weights near `f64::MAX`) nor underflows (subnormal weights). Unchanged when every
/// weight is 0.
fn relative(weights: &[f64]) -> Vec<f64> {
    let max = weights.iter().copied().fold(0.0, f64::max);
    if max > 0.0 {
        weights.iter().map(|w| w / max).collect()
    } else {
        weights.to_vec()
    }
}

/// The weights divided by the power of two at or below the largest, so each is under 2 and a
/// sum of `n` of them under `2n`, for the same reason as [`relative`]. A power of two only
/// moves the exponent, so the shares are bit for bit those of the weights as given whenever
/// those neither overflow nor underflow (a revenue column of whole amounts sums exactly, and
/// the weight reported per reason stays whole). Unchanged when every weight is 0.
fn binary_scaled(weights: &[f64]) -> Vec<f64> {
    let max = weights.iter().copied().fold(0.0, f64::max);
    if !(max > 0.0 && max.is_finite()) {
        return weights.to_vec();
    }
    // Subnormal weights are made normal first: exact, and far from overflowing.
    let pre = if max < f64::MIN_POSITIVE {
        2f64.powi(64)
    } else {
        1.0
    };
    let biased = ((max * pre).to_bits() >> 52) & 0x7ff;
    let scale = f64::from_bits(biased << 52);
    weights.iter().map(|w| w * pre / scale).collect()
}

/// One row's credit: `(category, fraction)` pairs (one pair with fraction 1 under primary
/// attribution).
pub type Credit = Vec<(usize, f64)>;

/// Weighted share of each of `k` categories: Σ w·credit / Σ w. `None` when the weights sum to 0.
pub fn weighted_shares(weights: &[f64], credits: &[Credit], k: usize) -> Option<Vec<f64>> {
    let weights = binary_scaled(weights);
    let mut totals = vec![0.0; k];
    let mut sum = 0.0;
    for (w, credit) in weights.iter().zip(credits) {
        sum += w;
        for &(c, f) in credit {
            totals[c] += w * f;
        }
    }
    (sum > 0.0).then(|| totals.into_iter().map(|t| t / sum).collect())
}

/// Resamples per generator stream.
const CHUNK: usize = 250;

/// Percentile bootstrap intervals for [`weighted_shares`]: `resamples` resamples of the rows
/// with replacement, drawn from a generator seeded with `seed` (so the same input gives the same
/// interval), and the `(1 - confidence) / 2` and `(1 + confidence) / 2` quantiles of each
/// category's share, interpolated linearly as numpy's default. `None` with no rows or no weight.
pub fn bootstrap_shares(
    weights: &[f64],
    credits: &[Credit],
    k: usize,
    confidence: f64,
    resamples: usize,
    seed: u64,
) -> Option<Vec<Interval>> {
    let of = vec![None; k];
    bootstrap_shares_of(weights, credits, &of, (confidence, resamples, seed))
}

/// [`bootstrap_shares`] where category `c`'s share is of the credit of categories `of[c]` (a
/// range; of all the weight where `None`): sub-categories within the category they split, in the
/// same resamples as the rest.
pub fn bootstrap_shares_of(
    weights: &[f64],
    credits: &[Credit],
    of: &[Option<std::ops::Range<usize>>],
    (confidence, resamples, seed): (f64, usize, u64),
) -> Option<Vec<Interval>> {
    let k = of.len();
    let n = weights.len();
    if n == 0 || resamples == 0 || weights.iter().sum::<f64>() <= 0.0 {
        return None;
    }
    // A resample may draw the heaviest row n times: scaled, its sum is at most n².
    let scaled = binary_scaled(weights);
    let weights = scaled.as_slice();
    // Flatten the credits (offsets into one array): the inner loop runs n x resamples times.
    let mut offsets = Vec::with_capacity(n + 1);
    let mut entries: Vec<(usize, f64)> = Vec::new();
    offsets.push(0usize);
    for (credit, &w) in credits.iter().zip(weights) {
        entries.extend(credit.iter().map(|&(c, f)| (c, f * w)));
        offsets.push(entries.len());
    }
    // Resamples come in fixed chunks, each with its own generator derived from `seed` and the
    // chunk number, so the result does not depend on how many threads share the work.
    let chunks: Vec<(usize, usize)> = (0..resamples)
        .step_by(CHUNK)
        .map(|start| (start / CHUNK, CHUNK.min(resamples - start)))
        .collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, |t| t.get())
        .clamp(1, chunks.len());
    let run = |&(chunk, count): &(usize, usize)| {
        let stream = (chunk as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        let mut rng = Pcg64Mcg::seed_from_u64(seed ^ stream);
        let mut shares = vec![Vec::with_capacity(count); k];
        let mut totals = vec![0.0; k];
        // How often each row is drawn: random writes into this small array, then one
        // sequential pass over the rows, instead of n random reads of the rows' credit.
        let mut drawn = vec![0u32; n];
        for _ in 0..count {
            totals.iter_mut().for_each(|t| *t = 0.0);
            drawn.iter_mut().for_each(|d| *d = 0);
            for _ in 0..n {
                drawn[rng.random_range(0..n)] += 1;
            }
            let mut sum = 0.0;
            for (i, &times) in drawn.iter().enumerate() {
                if times == 0 {
                    continue;
                }
                let times = f64::from(times);
                sum += weights[i] * times;
                for &(c, wf) in &entries[offsets[i]..offsets[i + 1]] {
                    totals[c] += wf * times;
                }
            }
            for (c, t) in totals.iter().enumerate() {
                let whole = of[c]
                    .as_ref()
                    .map_or(sum, |d| totals[d.clone()].iter().sum());
                shares[c].push(if whole > 0.0 { t / whole } else { 0.0 });
            }
        }
        shares
    };
    let results: Vec<Vec<Vec<f64>>> = if threads == 1 {
        chunks.iter().map(run).collect()
    } else {
        std::thread::scope(|scope| {
            let per = chunks.len().div_ceil(threads);
            let handles: Vec<_> = chunks
                .chunks(per)
                .map(|part| scope.spawn(move || part.iter().map(run).collect::<Vec<_>>()))
                .collect();
            handles
                .into_iter()
                .flat_map(|h| h.join().expect("bootstrap thread"))
                .collect()
        })
    };
    // by_category[c][b] = share of category c in resample b, chunks in order.
    let mut by_category = vec![Vec::with_capacity(resamples); k];
    for chunk in results {
        for (c, v) in chunk.into_iter().enumerate() {
            by_category[c].extend(v);
        }
    }
    let alpha = 1.0 - confidence;
    Some(
        by_category
            .into_iter()
            .map(|mut v| {
                v.sort_by(f64::total_cmp);
                Interval {
                    lower: quantile(&v, alpha / 2.0),
                    upper: quantile(&v, 1.0 - alpha / 2.0),
                }
            })
            .collect(),
    )
}

/// The `q` quantile of sorted `v`, interpolating linearly between order statistics.
pub(crate) fn quantile(v: &[f64], q: f64) -> f64 {
    let pos = q * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::intervals::wilson;

    #[test]
    fn shares_of_a_category_are_within_it() {
        // Categories 0 and 1 split category 2 (every row in 2 is in 0 or 1); 3 is the rest.
        let weights: Vec<f64> = (0..200).map(|i| 1.0 + (i % 5) as f64).collect();
        let credits: Vec<Credit> = (0..200)
            .map(|i| match i % 4 {
                0 => vec![(0, 1.0), (2, 1.0)],
                1 | 2 => vec![(1, 1.0), (2, 1.0)],
                _ => vec![(3, 1.0)],
            })
            .collect();
        let plain = bootstrap_shares(&weights, &credits, 4, 0.95, 500, 7).unwrap();
        let of = [Some(0..2), Some(0..2), None, None];
        let within = bootstrap_shares_of(&weights, &credits, &of, (0.95, 500, 7)).unwrap();
        // Shares of the whole are as before; a share within categories 0 and 1 is larger than
        // of the whole, and the two mirror each other (they sum to 1 in every resample).
        assert_eq!(plain[2], within[2]);
        assert_eq!(plain[3], within[3]);
        assert!(within[0].lower > plain[0].lower && within[0].upper > plain[0].upper);
        assert!((within[0].lower + within[1].upper - 1.0).abs() < 1e-9);
        assert!((within[0].upper + within[1].lower - 1.0).abs() < 1e-9);
    }

    #[test]
    fn kish_of_equal_weights_is_n_and_of_one_heavy_row_is_near_one() {
        assert!((kish(&[3.0; 50]) - 50.0).abs() < 1e-9);
        let mut w = vec![0.001; 99];
        w.push(1000.0);
        assert!(kish(&w) < 1.01);
        assert_eq!(kish(&[0.0, 0.0]), 0.0);
    }

    #[test]
    fn kish_of_huge_and_subnormal_weights_is_finite_and_right() {
        // w² overflows past 1.3e154 and is 0 below 1.5e-154.
        assert_eq!(kish(&[1e300; 4]), 4.0);
        assert_eq!(kish(&[f64::MAX; 3]), 3.0);
        assert_eq!(kish(&[1e-310; 4]), 4.0);
        assert_eq!(kish(&[5e-324; 2]), 2.0);
        let mixed = kish(&[1e300, 1e300, 1e-300]);
        assert!((mixed - 2.0).abs() < 1e-12, "{mixed}");
    }

    #[test]
    fn huge_and_subnormal_weights_give_finite_shares_and_intervals() {
        let credits: Vec<Credit> = (0..6).map(|i| vec![(usize::from(i >= 2), 1.0)]).collect();
        for weights in [
            vec![f64::MAX / 6.0; 6],
            // The sum is finite, but a resample drawing the first row twice would not be.
            vec![1.5e308, 1.0, 1.0, 1.0, 1.0, 1.0],
            vec![1e-310; 6],
            vec![5e-324, 5e-324, 1e-320, 1e-320, 0.0, 1e-315],
        ] {
            let shares = weighted_shares(&weights, &credits, 2).unwrap();
            assert!(
                shares.iter().all(|s| s.is_finite()),
                "{weights:?}: {shares:?}"
            );
            assert!(
                (shares.iter().sum::<f64>() - 1.0).abs() < 1e-9,
                "{shares:?}"
            );
            let boot = bootstrap_shares(&weights, &credits, 2, 0.95, 300, 3).unwrap();
            for c in &boot {
                assert!(
                    c.lower.is_finite() && c.upper.is_finite(),
                    "{weights:?}: {boot:?}"
                );
                assert!(
                    (0.0..=1.0).contains(&c.lower) && c.lower <= c.upper,
                    "{boot:?}"
                );
            }
        }
        let equal = weighted_shares(&[1e-310; 6], &credits, 2).unwrap();
        assert!((equal[0] - 2.0 / 6.0).abs() < 1e-12, "{equal:?}");
    }

    #[test]
    fn whole_amounts_give_the_shares_of_the_weights_as_given() {
        // Scaling by the largest weight made the revenue per reason 11559504.000039.
        let weights: Vec<f64> = (0..100_000)
            .map(|i| [19.0, 49.0, 99.0, 249.0][i % 4])
            .collect();
        let credits: Vec<Credit> = (0..100_000).map(|i| vec![(i % 3, 1.0)]).collect();
        let shares = weighted_shares(&weights, &credits, 3).unwrap();
        let total: f64 = weights.iter().sum();
        for (g, share) in shares.iter().enumerate() {
            let sum: f64 = weights.iter().skip(g).step_by(3).sum();
            assert_eq!(share.to_bits(), (sum / total).to_bits(), "{g}");
        }
    }

    #[test]
    fn quantiles_interpolate_like_numpy() {
        // numpy.quantile([1, 2, 3, 4], [0.025, 0.5, 0.975]) = [1.075, 2.5, 3.925]
        let v = [1.0, 2.0, 3.0, 4.0];
        assert!((quantile(&v, 0.025) - 1.075).abs() < 1e-12);
        assert!((quantile(&v, 0.5) - 2.5).abs() < 1e-12);
        assert!((quantile(&v, 0.975) - 3.925).abs() < 1e-12);
    }

    #[test]
    fn equal_weights_give_roughly_the_wilson_interval_and_the_same_bytes_twice() {
        // 120 of 400 rows in category 0.
        let credits: Vec<Credit> = (0..400)
            .map(|i| vec![(usize::from(i >= 120), 1.0)])
            .collect();
        let weights = vec![25.0; 400];
        let shares = weighted_shares(&weights, &credits, 2).unwrap();
        assert!((shares[0] - 0.3).abs() < 1e-12);
        let boot = bootstrap_shares(&weights, &credits, 2, 0.95, 2000, 7).unwrap();
        let w = wilson(120.0, 400.0, 0.95).unwrap();
        assert!((boot[0].lower - w.lower).abs() < 0.01, "{boot:?} {w:?}");
        assert!((boot[0].upper - w.upper).abs() < 0.01, "{boot:?} {w:?}");
        assert_eq!(
            boot,
            bootstrap_shares(&weights, &credits, 2, 0.95, 2000, 7).unwrap()
        );
        assert_ne!(
            boot,
            bootstrap_shares(&weights, &credits, 2, 0.95, 2000, 8).unwrap()
        );
    }

    #[test]
    fn a_heavy_row_widens_the_interval() {
        let credits: Vec<Credit> = (0..200)
            .map(|i| vec![(usize::from(i >= 60), 1.0)])
            .collect();
        let mut weights = vec![10.0; 200];
        let even = bootstrap_shares(&weights, &credits, 2, 0.95, 1000, 1).unwrap();
        weights[0] = 2000.0;
        let skewed = bootstrap_shares(&weights, &credits, 2, 0.95, 1000, 1).unwrap();
        assert!(skewed[0].upper - skewed[0].lower > even[0].upper - even[0].lower);
    }
}
