//! The numbers of an analysis, from tagged rows: shares with intervals (per reason, per
//! benchmark bucket, controllable against uncontrollable), optionally weighted by revenue, and
//! broken down by segment or period with a test that the groups share one distribution. Pure:
//! tags, weights and group keys in; numbers out. `report` turns them into the JSON contract.

use std::collections::BTreeMap;

use crate::attribute::{credit, Tags};
use crate::compare::Benchmark;
use crate::compare::{
    compare, estimates, BucketResult, CiMethod, Comparison, Estimate, StatOptions, Verdict,
};
use churn_core::classify::Tag;
use churn_core::config::Attribution;
use churn_core::taxonomy::Taxonomy;
use churn_core::text::plural;
use churn_stats::hypothesis::{homogeneity, Homogeneity};
use churn_stats::resample::{bootstrap_shares_of, kish, weighted_shares, Credit};

/// What the analysis needs besides the rows.
#[derive(Debug, Clone, Copy)]
pub struct Settings<'a> {
    pub taxonomy: &'a Taxonomy,
    pub attribution: Attribution,
    pub benchmark: &'a Benchmark,
    pub stats: StatOptions,
    pub resamples: usize,
    /// Segments (or periods) with fewer tagged rows are left out of the homogeneity test.
    pub min_group: usize,
}

/// Shares of some groups of reasons over some tagged rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Measured {
    /// Row credit per group.
    pub counts: Vec<f64>,
    /// Row credit outside every group.
    pub outside: f64,
    /// Tagged rows measured.
    pub rows: usize,
    /// Weighted credit per group, with the weight of the rows, when weighted.
    pub weighted: Option<(Vec<f64>, f64)>,
    /// Share and interval per group: of rows, or of weight when weighted.
    pub estimates: Vec<Estimate>,
}

fn measure(
    tags: &Tags,
    rows: Option<&[u32]>,
    weights: Option<&[f64]>,
    group_of: &[Option<usize>],
    k: usize,
    s: &Settings,
) -> Measured {
    measure_views(tags, rows, weights, (&[(group_of, k, s.stats.ci)], &[]), s)
        .0
        .pop()
        .expect("one view")
}

/// How many of `rows` (every tagged row: `None`) carry each distinct tag.
fn times_of(tags: &Tags, rows: Option<&[u32]>) -> Vec<u64> {
    let Some(rows) = rows else {
        return tags.counts().map(|(_, n)| n).collect();
    };
    let mut times = vec![0u64; tags.distinct_len()];
    for &i in rows {
        let id = tags.id_of(i as usize).expect("measured rows are tagged");
        times[id as usize] += 1;
    }
    times
}

/// A view: reasons grouped (`group_of[reason]`), the number of groups, and their interval
/// method.
type View<'a> = (&'a [Option<usize>], usize, CiMethod);

/// A partition of some tagged rows: its number of slots, and the slot of a row in it (`None`
/// for a row outside it). Shares are of the rows in the partition.
pub type Partition<'a> = (usize, &'a SlotOf<'a>);

/// The slot a tagged row is counted in, if any.
pub type SlotOf<'a> = dyn Fn(&Tag) -> Option<usize> + 'a;

/// Measure several groupings ("views") and partitions of the same rows at once: with weights,
/// one bootstrap covers them all (each resample counts every view and partition), which is what
/// makes `--weight` affordable. `rows` are the tagged rows measured; `None` is every tagged row
/// (then, unweighted, the rows' tags need not have been kept).
fn measure_views(
    tags: &Tags,
    rows: Option<&[u32]>,
    weights: Option<&[f64]>,
    (views, parts): (&[View], &[Partition]),
    s: &Settings,
) -> (Vec<Measured>, Vec<Measured>) {
    let Some(all) = weights else {
        let measured = views
            .iter()
            .map(|&(group_of, k, ci)| count_view(tags, rows, (group_of, k, ci), s))
            .collect();
        let counted = parts
            .iter()
            .map(|&p| count_partition(tags, rows, p, s))
            .collect();
        return (measured, counted);
    };
    let rows = rows.expect("weighted measures name their rows");
    // Categories: each view's groups, then each partition's slots (their shares are of the
    // partition's rows).
    let mut of: Vec<Option<std::ops::Range<usize>>> =
        views.iter().flat_map(|v| vec![None; v.1]).collect();
    let mut bases = Vec::new();
    for &(k, _) in parts {
        let base = of.len();
        bases.push(base);
        of.extend(std::iter::repeat_n(Some(base..base + k), k));
    }
    let mut counts: Vec<Vec<f64>> = views.iter().map(|v| vec![0.0; v.1]).collect();
    let mut slots: Vec<Vec<f64>> = parts.iter().map(|&(k, _)| vec![0.0; k]).collect();
    let mut outside = vec![0.0; views.len()];
    let mut credits: Vec<Credit> = Vec::with_capacity(rows.len());
    let mut buf = Vec::new();
    for &i in rows {
        let tag = tags.get(i as usize).expect("measured rows are tagged");
        let mut combined: Credit = Vec::new();
        let mut base = 0;
        for (v, (group_of, k, _)) in views.iter().enumerate() {
            buf.clear();
            outside[v] += credit(tag, s.attribution, group_of, &mut buf);
            for &(g, c) in &buf {
                counts[v][g] += c;
                combined.push((base + g, c));
            }
            base += k;
        }
        for (p, &(k, slot)) in parts.iter().enumerate() {
            if let Some(g) = slot(tag).filter(|&g| g < k) {
                slots[p][g] += 1.0;
                combined.push((bases[p] + g, 1.0));
            }
        }
        credits.push(combined);
    }
    let w: Vec<f64> = rows.iter().map(|&i| all[i as usize]).collect();
    let total: f64 = w.iter().sum(); // `values::weights` refuses a sum that is not finite.
    let shares = weighted_shares(&w, &credits, of.len());
    let opts = (s.stats.confidence, s.resamples, s.stats.seed);
    let cis = bootstrap_shares_of(&w, &credits, &of, opts);
    let at = |c: usize| shares.as_ref().map_or(0.0, |sh| sh[c]);
    let mut base = 0;
    let mut measured = Vec::new();
    for ((&(_, k, _), counts), outside) in views.iter().zip(counts).zip(outside) {
        let estimates = (0..k)
            .map(|g| Estimate {
                count: counts[g],
                share: shares.as_ref().map(|sh| sh[base + g]),
                ci: cis.as_ref().map(|c| c[base + g]),
                method: "bootstrap",
            })
            .collect();
        measured.push(Measured {
            counts,
            outside,
            rows: rows.len(),
            weighted: Some(((0..k).map(|g| at(base + g) * total).collect(), total)),
            estimates,
        });
        base += k;
    }
    let counted = parts
        .iter()
        .zip(slots)
        .zip(&bases)
        .map(|((&(k, _), counts), &base)| {
            let whole: f64 = (base..base + k).map(at).sum();
            let estimates = (0..k)
                .map(|g| Estimate {
                    count: counts[g],
                    share: (shares.is_some() && whole > 0.0).then(|| at(base + g) / whole),
                    ci: cis.as_ref().map(|c| c[base + g]).filter(|_| whole > 0.0),
                    method: "bootstrap",
                })
                .collect();
            Measured {
                rows: counts.iter().sum::<f64>() as usize,
                counts,
                outside: 0.0,
                weighted: Some((
                    (0..k).map(|g| at(base + g) * total).collect(),
                    whole * total,
                )),
                estimates,
            }
        })
        .collect();
    (measured, counted)
}

/// A view of the rows counted (unweighted): only how often each distinct tag occurs matters, so
/// each is credited once.
fn count_view(
    tags: &Tags,
    rows: Option<&[u32]>,
    (group_of, k, ci): View,
    s: &Settings,
) -> Measured {
    let mut counts = vec![0.0; k];
    let mut outside = 0.0;
    let mut buf = Vec::new();
    let times = times_of(tags, rows);
    for (id, &t) in times.iter().enumerate().filter(|(_, &t)| t > 0) {
        buf.clear();
        outside += t as f64 * credit(tags.distinct(id as u32), s.attribution, group_of, &mut buf);
        for &(g, c) in &buf {
            counts[g] += t as f64 * c;
        }
    }
    let n_rows = rows.map_or(tags.tagged() as usize, <[u32]>::len);
    Measured {
        estimates: estimates(
            &counts,
            n_rows as f64,
            s.attribution,
            &StatOptions { ci, ..s.stats },
        ),
        counts,
        outside,
        rows: n_rows,
        weighted: None,
    }
}

/// A partition of the rows counted (unweighted), with the reasons' interval method.
fn count_partition(
    tags: &Tags,
    rows: Option<&[u32]>,
    (k, slot): Partition,
    s: &Settings,
) -> Measured {
    let mut counts = vec![0.0; k];
    let times = times_of(tags, rows);
    for (id, &t) in times.iter().enumerate().filter(|(_, &t)| t > 0) {
        if let Some(g) = slot(tags.distinct(id as u32)) {
            counts[g] += t as f64;
        }
    }
    let n: f64 = counts.iter().sum();
    Measured {
        estimates: estimates(&counts, n, Attribution::Primary, &s.stats),
        counts,
        outside: 0.0,
        rows: n as usize,
        weighted: None,
    }
}

/// The benchmark comparison with weights: shares of weight with bootstrap intervals, and a
/// verdict where the interval leaves out the benchmark share. No p-values: the tests count
/// customers, not money.
fn compare_weighted(benchmark: &Benchmark, m: &Measured) -> Comparison {
    let (weighted, total) = m.weighted.clone().expect("weighted");
    let covered: f64 = weighted.iter().sum();
    // Shares of the covered weight, as the unweighted comparison: divided by the covered
    // fraction of the weight (multiplying by `total / covered` would overflow when the covered
    // weight is tiny beside the total).
    let fraction = if covered > 0.0 && total > 0.0 {
        (covered / total).min(1.0)
    } else {
        1.0
    };
    let buckets = benchmark
        .buckets
        .iter()
        .zip(&m.estimates)
        .map(|(b, e)| {
            let share = e.share.map(|x| x / fraction);
            let ci = e.ci.map(|c| churn_stats::intervals::Interval {
                lower: (c.lower / fraction).min(1.0),
                upper: (c.upper / fraction).min(1.0),
            });
            let verdict = ci.map(|c| {
                if c.lower > b.share {
                    Verdict::Above
                } else if c.upper < b.share {
                    Verdict::Below
                } else {
                    Verdict::Consistent
                }
            });
            BucketResult {
                estimate: Estimate { share, ci, ..*e },
                benchmark_share: b.share,
                delta_pp: share.map(|x| (x - b.share) * 100.0),
                std_residual: None,
                p_value: None,
                p_value_adjusted: None,
                verdict,
            }
        })
        .collect();
    Comparison {
        buckets,
        covered,
        left_out: total - covered,
        test: None,
        notes: if total > 0.0 {
            vec![
                "weighted: shares are of revenue with bootstrap intervals; a verdict says whether the interval leaves out the benchmark share, and no test of the whole distribution is run (the tests count customers, not money)".into(),
            ]
        } else {
            vec!["the weights of the tagged rows sum to 0, so there are no shares of weight".into()]
        },
    }
}

/// The most groups a breakdown (`--by`, `--period`) may have. Each group costs its shares,
/// intervals and a table row; past ten thousand no one reads them, no group is big enough to
/// test, and `--by id` on a million rows took 2.6 GB. A breakdown past it is refused.
pub const MAX_GROUPS: usize = 10_000;

/// How many distinct keys there are, counted up to `cap + 1`: a column of a million distinct
/// values is known to be too many after `cap + 1` of them, and no more are kept.
pub fn distinct_up_to<K: Eq + std::hash::Hash>(
    keys: impl IntoIterator<Item = K>,
    cap: usize,
) -> usize {
    let mut seen = std::collections::HashSet::new();
    for key in keys {
        seen.insert(key);
        if seen.len() > cap {
            break;
        }
    }
    seen.len()
}

/// Why a breakdown of `groups` groups over `tagged` tagged rows will show little: at most
/// `tagged / min_group` groups can have the `min_group` tagged rows a group needs to be tested,
/// so with more groups than that some are sure to be too small (with `--by id`, all). `None`
/// when every group could be big enough.
pub fn too_fine(groups: usize, tagged: usize, min_group: usize) -> Option<String> {
    let can = tagged / min_group.max(1);
    if groups <= can {
        return None;
    }
    let most = match can {
        0 => "none of them can".to_string(),
        1 => "at most 1 of them can".to_string(),
        n => format!("at most {n} of them can"),
    };
    Some(format!(
        "{} for {}: {most} have the {} (--min-group) a group needs to be compared, so the \
         others are shown but left out of the test",
        plural(groups, "group", "groups"),
        plural(tagged, "tagged row", "tagged rows"),
        plural(min_group, "tagged row", "tagged rows"),
    ))
}

/// A breakdown of the tagged rows by segment or period.
#[derive(Debug, Clone, PartialEq)]
pub struct Breakdown {
    pub groups: Vec<Group>,
    /// Homogeneity of the reason distribution across the groups big enough to test.
    pub test: Option<Homogeneity>,
    pub tested_groups: usize,
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    pub key: String,
    /// Rows read in this group (tagged or not).
    pub rows: usize,
    pub measured: Measured,
    /// Its rows by sub-reason, per reason (see [`measure_subs`]).
    pub subs: Vec<Option<Measured>>,
    /// Fewer tagged rows than the minimum: shown, but left out of the test.
    pub too_small: bool,
}

/// The whole analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    /// Per reason (taxonomy order).
    pub reasons: Measured,
    /// Bucket of each reason in the benchmark.
    pub bucket_of: Vec<Option<usize>>,
    pub comparison: Comparison,
    /// Uncontrollable (0) against controllable (1).
    pub rollup: Measured,
    pub kish: Option<f64>,
    /// Each reason's rows by sub-reason (see [`measure_subs`]).
    pub subs: Vec<Option<Measured>>,
    /// The rows lost to someone by competitor (see [`measure_competitors`]).
    pub competitors: Option<Measured>,
}

fn identity(k: usize) -> Vec<Option<usize>> {
    (0..k).map(Some).collect()
}

fn tagged_rows(tags: &Tags) -> Vec<u32> {
    tags.iter()
        .enumerate()
        .filter_map(|(i, t)| t.map(|_| i as u32))
        .collect()
}

/// A partition with what it is of: a reason's sub-reasons (`Some(reason)`), or the
/// competitors (`None`).
type Owned<'a> = (Option<usize>, usize, Box<SlotOf<'a>>);

/// Each reason's rows by sub-reason, for the reasons that have sub-reasons: its sub-reasons in
/// taxonomy order, then the rows naming none. A row counts once, under its primary reason,
/// whatever the attribution (a tag's sub-reason is its primary's).
fn sub_partitions<'a>(s: &Settings<'a>) -> Vec<Owned<'a>> {
    (s.taxonomy.reasons.iter().enumerate())
        .filter(|(_, reason)| !reason.subs.is_empty())
        .map(|(r, reason)| {
            let n = reason.subs.len();
            let slot = move |t: &Tag| (t.primary == r).then(|| t.sub.map_or(n, usize::from));
            (Some(r), n + 1, Box::new(slot) as Box<SlotOf>)
        })
        .collect()
}

/// The rows of customers lost to someone (their reasons include one of
/// [`churn_core::competitors::LOST_TO`], or their answer says it went to a competitor) by the
/// competitor their answer names, then those naming none; `None` without `[competitors]`.
fn competitor_partition<'a>(s: &Settings<'a>) -> Option<Owned<'a>> {
    let n = s.taxonomy.competitors.len();
    if n == 0 {
        return None;
    }
    let lost: Vec<usize> = churn_core::competitors::LOST_TO
        .iter()
        .filter_map(|id| s.taxonomy.position(id))
        .collect();
    let slot = move |t: &Tag| match t.competitor {
        Some(c) => Some(usize::from(c)),
        None => lost.iter().any(|&r| t.reasons.contains(r)).then_some(n),
    };
    Some((None, n + 1, Box::new(slot)))
}

/// Measure views and partitions together; the partitions' measures come back as each reason's
/// sub-reasons (see [`sub_partitions`]) and the competitors ([`competitor_partition`]).
fn measure_all(
    tags: &Tags,
    rows: Option<&[u32]>,
    weights: Option<&[f64]>,
    (views, owned): (&[View], Vec<Owned>),
    s: &Settings,
) -> (Vec<Measured>, Vec<Option<Measured>>, Option<Measured>) {
    let parts: Vec<Partition> = owned.iter().map(|(_, k, f)| (*k, f.as_ref())).collect();
    let (measured, counted) = measure_views(tags, rows, weights, (views, &parts), s);
    let mut subs: Vec<Option<Measured>> = vec![None; s.taxonomy.reasons.len()];
    let mut competitors = None;
    for ((owner, _, _), m) in owned.iter().zip(counted) {
        match owner {
            Some(r) => subs[*r] = Some(m),
            None => competitors = Some(m),
        }
    }
    (measured, subs, competitors)
}

/// Each reason's rows by sub-reason (`None` for a reason without sub-reasons), as
/// [`sub_partitions`]: shares of the reason's rows (or their weight), with the reasons' interval
/// method (the bootstrap when weighted).
pub fn measure_subs(
    tags: &Tags,
    rows: Option<&[u32]>,
    weights: Option<&[f64]>,
    s: &Settings,
) -> Vec<Option<Measured>> {
    measure_all(tags, rows, weights, (&[], sub_partitions(s)), s).1
}

/// Analyze every tagged row. `weights` (one per row read; only tagged rows are read) gives
/// shares of revenue.
pub fn analyze(tags: &Tags, weights: Option<&[f64]>, s: &Settings) -> Analysis {
    // Which rows are tagged matters only with weights.
    let rows = weights.map(|_| tagged_rows(tags));
    let n = rows.as_ref().map_or(tags.tagged() as usize, Vec::len);
    let k = s.taxonomy.reasons.len();
    let bucket_of = s.benchmark.assign(s.taxonomy);
    let control: Vec<Option<usize>> = s
        .taxonomy
        .reasons
        .iter()
        .map(|r| Some(usize::from(r.controllable)))
        .collect();
    let own = identity(k);
    let views = [
        (own.as_slice(), k, s.stats.ci),
        (bucket_of.as_slice(), s.benchmark.buckets.len(), s.stats.ci),
        (control.as_slice(), 2, CiMethod::Wilson),
    ];
    let parts = sub_partitions(s)
        .into_iter()
        .chain(competitor_partition(s))
        .collect();
    let (measured, subs, competitors) =
        measure_all(tags, rows.as_deref(), weights, (&views, parts), s);
    let mut measured = measured.into_iter();
    let (reasons, buckets, rollup) = (
        measured.next().expect("reasons"),
        measured.next().expect("buckets"),
        measured.next().expect("rollup"),
    );
    let comparison = if weights.is_some() {
        compare_weighted(s.benchmark, &buckets)
    } else {
        compare(
            s.benchmark,
            &buckets.counts,
            buckets.outside,
            n as f64,
            s.attribution,
            &s.stats,
        )
    };
    let kish = weights
        .zip(rows.as_ref())
        .map(|(w, rows)| kish(&rows.iter().map(|&i| w[i as usize]).collect::<Vec<_>>()));
    Analysis {
        subs,
        competitors,
        reasons,
        bucket_of,
        comparison,
        rollup,
        kish,
    }
}

/// Break the rows down by `keys` (one per row read; `None` for rows without a key), each group
/// with its reason shares, and test that the groups share one distribution. `ordered` keeps the
/// keys in sorted order (periods); otherwise the biggest groups come first.
pub fn breakdown(
    tags: &Tags,
    keys: &[Option<String>],
    missing: &str,
    ordered: bool,
    weights: Option<&[f64]>,
    s: &Settings,
) -> Breakdown {
    let k = s.taxonomy.reasons.len();
    let mut by_key: BTreeMap<Option<&str>, (usize, Vec<u32>)> = BTreeMap::new();
    for (i, key) in keys.iter().enumerate() {
        let slot = by_key.entry(key.as_deref()).or_default();
        slot.0 += 1;
        if tags.get(i).is_some() {
            slot.1.push(i as u32);
        }
    }
    let mut groups: Vec<(Option<&str>, Group)> = by_key
        .into_iter()
        .map(|(key, (read, rows))| {
            let own = identity(k);
            let view = [(own.as_slice(), k, s.stats.ci)];
            let parts = sub_partitions(s);
            let (mut measured, subs, _) =
                measure_all(tags, Some(&rows), weights, (&view, parts), s);
            let measured = measured.pop().expect("one view");
            let group = Group {
                subs,
                key: key.unwrap_or(missing).to_string(),
                rows: read,
                too_small: key.is_none() || rows.len() < s.min_group,
                measured,
            };
            (key, group)
        })
        .collect();
    // BTreeMap order puts `None` first; the missing key goes last.
    groups.sort_by(|(ka, a), (kb, b)| {
        ka.is_none().cmp(&kb.is_none()).then_with(|| {
            if ordered {
                ka.cmp(kb)
            } else {
                b.measured.rows.cmp(&a.measured.rows).then(ka.cmp(kb))
            }
        })
    });
    let groups: Vec<Group> = groups.into_iter().map(|(_, g)| g).collect();
    let mut notes = Vec::new();
    let small: Vec<&str> = groups
        .iter()
        .filter(|g| g.too_small)
        .map(|g| g.key.as_str())
        .collect();
    if !small.is_empty() {
        notes.push(format!(
            "left out of the test (fewer than {}, or no value): {}",
            plural(s.min_group, "tagged row", "tagged rows"),
            small.join(", ")
        ));
    }
    let tested: Vec<&Group> = groups.iter().filter(|g| !g.too_small).collect();
    let test = if s.attribution == Attribution::All {
        notes.push("no test: with attribution `all` a row can count for several reasons".into());
        None
    } else {
        let table: Vec<Vec<f64>> = tested.iter().map(|g| g.measured.counts.clone()).collect();
        let t = homogeneity(&table);
        if t.is_none() {
            notes.push("no test: fewer than two groups (or reasons) to compare".into());
        }
        if weights.is_some() && t.is_some() {
            notes.push("the test counts customers, not revenue".into());
        }
        if let Some(h) = &t {
            if h.small_expected > 0.2 {
                notes.push(format!(
                    "{:.0}% of the expected counts are below 5, so the p-value is rough",
                    h.small_expected * 100.0
                ));
            }
        }
        t
    };
    Breakdown {
        tested_groups: tested.len(),
        groups,
        test,
        notes,
    }
}

/// Two exports compared reason by reason.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    pub before: Measured,
    pub after: Measured,
    /// Per reason: `after - before` share with Newcombe's interval.
    pub changes: Vec<ShareChange>,
    pub test: Option<Homogeneity>,
    /// Per reason with sub-reasons, the same for each of them (then the rows naming none), as
    /// shares of all tagged rows.
    pub subs: Vec<Option<SubChange>>,
}

/// A share's change, `after - before`, with Newcombe's interval.
pub type ShareChange = (Option<f64>, Option<churn_stats::intervals::Interval>);

/// A reason's sub-reasons before and after, as shares of all tagged rows (Wilson intervals).
#[derive(Debug, Clone, PartialEq)]
pub struct SubChange {
    pub before: Vec<Estimate>,
    pub after: Vec<Estimate>,
    pub changes: Vec<ShareChange>,
}

/// The change of a share from `before` (count, of n) to `after`.
fn share_change(before: (f64, f64), after: (f64, f64), confidence: f64) -> ShareChange {
    let ((cb, nb), (ca, na)) = (before, after);
    let d = (nb > 0.0 && na > 0.0).then(|| ca / na - cb / nb);
    (
        d,
        churn_stats::intervals::newcombe(ca, na, cb, nb, confidence),
    )
}

/// Compare the reason shares of two exports.
pub fn change(before: &Tags, after: &Tags, s: &Settings) -> Change {
    let k = s.taxonomy.reasons.len();
    let wilson = Settings {
        stats: StatOptions {
            ci: CiMethod::Wilson,
            ..s.stats
        },
        ..*s
    };
    let b = measure(before, None, None, &identity(k), k, &wilson);
    let a = measure(after, None, None, &identity(k), k, &wilson);
    let (nb, na) = (b.rows as f64, a.rows as f64);
    let confidence = s.stats.confidence;
    let changes = (0..k)
        .map(|r| share_change((b.counts[r], nb), (a.counts[r], na), confidence))
        .collect();
    let test = if s.attribution == Attribution::All {
        None
    } else {
        homogeneity(&[b.counts.clone(), a.counts.clone()])
    };
    let sub_b = measure_subs(before, None, None, &wilson);
    let sub_a = measure_subs(after, None, None, &wilson);
    let subs = sub_b
        .iter()
        .zip(&sub_a)
        .map(|(sb, sa)| {
            let (sb, sa) = (sb.as_ref()?, sa.as_ref()?);
            let of = |counts: &[f64], n: f64| estimates(counts, n, Attribution::All, &wilson.stats);
            Some(SubChange {
                before: of(&sb.counts, nb),
                after: of(&sa.counts, na),
                changes: sb
                    .counts
                    .iter()
                    .zip(&sa.counts)
                    .map(|(&cb, &ca)| share_change((cb, nb), (ca, na), confidence))
                    .collect(),
            })
        })
        .collect();
    Change {
        before: b,
        after: a,
        changes,
        test,
        subs,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distinct_keys_are_counted_only_up_to_one_past_the_cap() {
        assert_eq!(distinct_up_to(["a", "b", "a"], 10), 2);
        assert_eq!(distinct_up_to(0..1_000_000, 10), 11);
        assert_eq!(distinct_up_to(std::iter::repeat_n("x", 5), 0), 1);
    }

    #[test]
    fn a_breakdown_finer_than_the_tagged_rows_allow_is_named() {
        assert_eq!(too_fine(3, 410, 20), None);
        assert_eq!(too_fine(20, 400, 20), None);
        let one_each = too_fine(1000, 1000, 20).unwrap();
        assert!(
            one_each.starts_with(
                "1000 groups for 1000 tagged rows: at most 50 of them can have the 20 tagged rows"
            ),
            "{one_each}"
        );
        assert!(too_fine(2, 8, 20)
            .unwrap()
            .contains("none of them can have"));
        assert!(too_fine(3, 25, 20)
            .unwrap()
            .contains("at most 1 of them can have"));
    }
}
