//! Arithmetic that gives the same bits on every platform: `exp` from additions and
//! multiplications only (IEEE 754 rounds those exactly), so that training writes the same model
//! file wherever it runs. The standard library's `exp` calls the platform's libm, whose last bit
//! may differ between systems.

/// ln 2 split in two (Cody and Waite): `LN2_HI` has trailing zero bits, so `k * LN2_HI` is exact
/// for the `k` met here.
const LN2_HI: f64 = 6.931_471_803_691_238e-1;
const LN2_LO: f64 = 1.908_214_929_270_587_7e-10;

/// 1/n! for n = 0..=13 (the nearest doubles).
const INVERSE_FACTORIALS: [f64; 14] = [
    1.0,
    1.0,
    0.5,
    0.166_666_666_666_666_66,
    0.041_666_666_666_666_664,
    0.008_333_333_333_333_333,
    0.001_388_888_888_888_889,
    0.000_198_412_698_412_698_4,
    2.480_158_730_158_73e-5,
    2.755_731_922_398_589_3e-6,
    2.755_731_922_398_589e-7,
    2.505_210_838_544_172e-8,
    2.087_675_698_786_81e-9,
    1.605_904_383_682_161_3e-10,
];

/// e^x, to within a few units in the last place, for any `x` (NaN gives NaN). Range reduction
/// `x = k ln 2 + r` with `|r| <= ln 2 / 2`, then the Taylor series of e^r to degree 13 (its
/// remainder is below 2^-60 there), then a scale by 2^k.
pub fn exp(x: f64) -> f64 {
    if x.is_nan() {
        return x;
    }
    if x > 709.0 {
        return f64::INFINITY;
    }
    if x < -708.0 {
        return 0.0;
    }
    let k = (x * std::f64::consts::LOG2_E).round();
    let r = (x - k * LN2_HI) - k * LN2_LO;
    // Horner's rule, highest power first: 13 multiplications and additions, no division.
    let mut sum = 0.0;
    for c in INVERSE_FACTORIALS.iter().rev() {
        sum = sum * r + c;
    }
    // -1022 <= k <= 1023 here, so 2^k is a normal number.
    let scale = f64::from_bits(((k as i64 + 1023) as u64) << 52);
    sum * scale
}

/// Softmax of `scores` into `out` (same length), in a fixed order of operations.
pub fn softmax(scores: &[f64], out: &mut [f64]) {
    let max = scores.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut total = 0.0;
    for (o, &s) in out.iter_mut().zip(scores) {
        *o = exp(s - max);
        total += *o;
    }
    if total > 0.0 && total.is_finite() {
        for o in out.iter_mut() {
            *o /= total;
        }
    } else {
        let even = 1.0 / out.len().max(1) as f64;
        out.fill(even);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exp_agrees_with_the_platform_to_a_few_ulps() {
        let mut x = -60.0;
        while x < 60.0 {
            let (ours, std) = (exp(x), x.exp());
            assert!(((ours - std) / std).abs() < 1e-14, "{x}: {ours} vs {std}");
            x += 0.0137;
        }
        assert_eq!(exp(0.0), 1.0);
        assert_eq!(exp(-1000.0), 0.0);
        assert_eq!(exp(1000.0), f64::INFINITY);
    }

    #[test]
    fn softmax_sums_to_one_and_survives_extremes() {
        let mut out = [0.0; 3];
        softmax(&[1.0, 2.0, 3.0], &mut out);
        assert!((out.iter().sum::<f64>() - 1.0).abs() < 1e-12);
        assert!(out[2] > out[1] && out[1] > out[0]);
        softmax(&[f64::NAN, 1.0, 2.0], &mut out);
        assert!(out.iter().all(|p| p.is_finite()));
        softmax(&[1e308, -1e308, 0.0], &mut out);
        assert!(out.iter().all(|p| p.is_finite()));
    }
}
