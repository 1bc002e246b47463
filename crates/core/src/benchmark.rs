//! Benchmark sets: the share of churn a benchmark claims per bucket (a reason, a group of
//! reasons, or "everything else"), and which reasons each bucket covers under a taxonomy. Plain
//! data, read from the configuration; [`crate::compare`] holds shares up against it.

use crate::taxonomy::Taxonomy;

/// A benchmark set: the share of churn it claims per bucket (from the configuration).
#[derive(Debug, Clone, PartialEq)]
pub struct Benchmark {
    pub name: String,
    /// Where the numbers come from.
    pub note: String,
    /// Buckets in the order they are shown; their shares sum to 1.
    pub buckets: Vec<Bucket>,
}

/// One share a benchmark claims, and the reasons it covers.
#[derive(Debug, Clone, PartialEq)]
pub struct Bucket {
    pub id: String,
    pub label: String,
    /// As a fraction.
    pub share: f64,
    pub members: Members,
}

/// Which reasons a bucket covers.
#[derive(Debug, Clone, PartialEq)]
pub enum Members {
    /// These reason ids (one, for a bucket named after a reason).
    Reasons(Vec<String>),
    /// Every reason no other bucket names (ASQ's "everything else").
    Rest,
}

impl Benchmark {
    /// The share of the bucket that is exactly this reason, if there is one.
    pub fn share(&self, id: &str) -> Option<f64> {
        self.buckets
            .iter()
            .find(|b| matches!(&b.members, Members::Reasons(r) if r.len() == 1 && r[0] == id))
            .map(|b| b.share)
    }

    /// The reason ids each bucket covers under `taxonomy`.
    pub fn members(&self, taxonomy: &Taxonomy) -> Vec<Vec<String>> {
        let assign = self.assign(taxonomy);
        (0..self.buckets.len())
            .map(|i| match &self.buckets[i].members {
                Members::Reasons(ids) => ids.clone(),
                Members::Rest => taxonomy
                    .reasons
                    .iter()
                    .zip(&assign)
                    .filter(|(_, g)| **g == Some(i))
                    .map(|(r, _)| r.id.clone())
                    .collect(),
            })
            .collect()
    }

    /// The bucket of each reason (taxonomy order); `None` for a reason the benchmark does not
    /// cover.
    pub fn assign(&self, taxonomy: &Taxonomy) -> Vec<Option<usize>> {
        let named = |id: &str| {
            self.buckets.iter().position(
                |b| matches!(&b.members, Members::Reasons(r) if r.iter().any(|x| x == id)),
            )
        };
        let rest = self.buckets.iter().position(|b| b.members == Members::Rest);
        taxonomy
            .reasons
            .iter()
            .map(|r| named(&r.id).or(rest))
            .collect()
    }

    /// Ids of the reasons no bucket covers (left out of comparisons).
    pub fn uncovered<'t>(&self, taxonomy: &'t Taxonomy) -> Vec<&'t str> {
        taxonomy
            .reasons
            .iter()
            .zip(self.assign(taxonomy))
            .filter(|(_, g)| g.is_none())
            .map(|(r, _)| r.id.as_str())
            .collect()
    }

    /// Whether each bucket is a single reason, so the benchmark can sit beside the reasons.
    pub fn one_to_one(&self, taxonomy: &Taxonomy) -> bool {
        let assign = self.assign(taxonomy);
        let mut seen = vec![0usize; self.buckets.len()];
        for b in assign.iter().flatten() {
            seen[*b] += 1;
        }
        assign.iter().all(Option::is_some) && seen.iter().all(|&n| n == 1)
    }
}
