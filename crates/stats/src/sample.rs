//! A stratified random sample of rows (`churn sample`): every stratum is represented, the rest
//! in proportion to its size, drawn with a seeded generator so the same seed gives the same rows.

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

/// At least this many rows of each stratum (or all of it), when the sample is big enough.
pub const MIN_PER_STRATUM: usize = 5;

/// How many rows to draw from each stratum of `sizes` for a sample of `n` (at most the rows
/// there are): each non-empty stratum gets `MIN_PER_STRATUM` (or all its rows, or an equal part
/// of `n` when `n` is too small for that), the rest is shared in proportion to the strata's
/// sizes (largest remainder, ties to the earlier stratum).
pub fn allocate(sizes: &[usize], n: usize) -> Vec<usize> {
    let total: usize = sizes.iter().sum();
    let n = n.min(total);
    let strata = sizes.iter().filter(|&&s| s > 0).count().max(1);
    let floor = MIN_PER_STRATUM.min(n / strata);
    let mut take: Vec<usize> = sizes.iter().map(|&s| s.min(floor)).collect();
    let mut left = n - take.iter().sum::<usize>();
    // Then in proportion to the rows each stratum has left, by largest remainder.
    let room: Vec<usize> = sizes.iter().zip(&take).map(|(s, t)| s - t).collect();
    let room_total: usize = room.iter().sum();
    if room_total > 0 && left > 0 {
        let quotas: Vec<f64> = room
            .iter()
            .map(|&r| left as f64 * r as f64 / room_total as f64)
            .collect();
        for (t, (q, r)) in take.iter_mut().zip(quotas.iter().zip(&room)) {
            let whole = (q.floor() as usize).min(*r);
            *t += whole;
            left -= whole;
        }
        let mut order: Vec<usize> = (0..sizes.len()).collect();
        order.sort_by(|&a, &b| {
            let fa = quotas[a] - quotas[a].floor();
            let fb = quotas[b] - quotas[b].floor();
            fb.total_cmp(&fa).then(a.cmp(&b))
        });
        for &i in order.iter().cycle().take(order.len() * 2) {
            if left == 0 {
                break;
            }
            if take[i] < sizes[i] {
                take[i] += 1;
                left -= 1;
            }
        }
    }
    take
}

/// A stratified sample of `n` rows: `stratum[i]` is row `i`'s stratum (of `k`). Returns row
/// indices in a random order (so the strata cannot be told from the order), the same for the
/// same `seed`.
pub fn stratified(stratum: &[usize], k: usize, n: usize, seed: u64) -> Vec<usize> {
    let mut rows: Vec<Vec<usize>> = vec![Vec::new(); k];
    for (i, &s) in stratum.iter().enumerate() {
        rows[s].push(i);
    }
    let sizes: Vec<usize> = rows.iter().map(Vec::len).collect();
    let take = allocate(&sizes, n);
    let mut rng = Pcg64Mcg::seed_from_u64(seed);
    let mut chosen = Vec::with_capacity(take.iter().sum());
    for (members, &t) in rows.iter_mut().zip(&take) {
        // A partial Fisher-Yates shuffle: the first `t` are a uniform sample.
        for j in 0..t {
            let pick = rng.random_range(j..members.len());
            members.swap(j, pick);
        }
        chosen.extend_from_slice(&members[..t]);
    }
    for j in (1..chosen.len()).rev() {
        let pick = rng.random_range(0..=j);
        chosen.swap(j, pick);
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_stratum_is_represented_and_the_rest_is_proportional() {
        // 5, 5 and all 3 first; the 87 left in proportion to the 995 and 95 rows left (79.4 and
        // 7.6: 79 and 7, and the larger remainder takes the last one).
        assert_eq!(allocate(&[1000, 100, 3, 0], 100), vec![84, 13, 3, 0]);
        assert_eq!(allocate(&[10, 10], 100), vec![10, 10]);
        assert_eq!(allocate(&[50, 50, 50], 3), vec![1, 1, 1]);
        assert_eq!(allocate(&[], 10), Vec::<usize>::new());
        for n in [0, 1, 7, 50, 113] {
            let a = allocate(&[400, 90, 9, 1], n);
            assert_eq!(a.iter().sum::<usize>(), n.min(500), "{n}: {a:?}");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_rows_and_no_row_twice() {
        let stratum: Vec<usize> = (0..1000).map(|i| if i % 10 == 0 { 1 } else { 0 }).collect();
        let a = stratified(&stratum, 2, 60, 7);
        assert_eq!(a, stratified(&stratum, 2, 60, 7));
        assert_ne!(a, stratified(&stratum, 2, 60, 8));
        let mut sorted = a.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted.len(), 60);
        let rare = a.iter().filter(|&&i| stratum[i] == 1).count();
        assert!(rare >= MIN_PER_STRATUM, "{rare}");
    }
}
