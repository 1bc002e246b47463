//! The customers' own words: a few answers per reason and sub-reason (`analyze --quotes N`).
//!
//! While rows are tagged, each reason and sub-reason keeps a pool of its best candidates: answers
//! that state that reason alone, from their own words (not a code or the model's guess), at a
//! readable length, confidently. The pool is the top of a total order (score, then a hash of the
//! answer, then the answer), so it is the same whatever the order or the chunks the rows came in.
//! From the pool, the answers most like the others (sharing their words: typical of the reason)
//! are picked first, skipping any too like one already picked, so the quotes are not one
//! complaint said three ways. Pure: answers in, answers out; redaction is the caller's.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use churn_core::classify::{Source, Tag};

/// Where a quote is kept: a reason (`sub` None) or one of its sub-reasons (`Some(k)`, with
/// `k` = the reason's number of sub-reasons for the rows naming none).
pub type Slot = (usize, Option<usize>);

/// Candidates kept per slot for every quote asked for (and at least [`MIN_POOL`]).
const POOL_PER_QUOTE: usize = 10;
const MIN_POOL: usize = 32;
/// Answers sharing at least this share of their words (Jaccard) are near-duplicates.
const NEAR_DUPLICATE: f64 = 0.5;
/// A quote longer than this many characters is cut at a word, with "…".
pub const MAX_QUOTE_CHARS: usize = 280;

/// Candidate order: best score first, then by hash, then by text (a total order).
type Key = (Reverse<u32>, u64, String);

/// The candidate pools of every slot.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quotes {
    cap: usize,
    /// How many sub-reasons each reason has.
    subs: Vec<usize>,
    pools: BTreeMap<Slot, BTreeSet<Key>>,
}

impl Quotes {
    /// Pools for `per` quotes per slot; `subs` is how many sub-reasons each reason has.
    pub fn new(per: usize, subs: Vec<usize>) -> Quotes {
        Quotes {
            cap: (per * POOL_PER_QUOTE).max(MIN_POOL),
            subs,
            pools: BTreeMap::new(),
        }
    }

    /// Offer a tagged row's answer.
    pub fn offer(&mut self, tag: &Tag, text: &str, confidence: Option<f32>) {
        let subs = self.subs.get(tag.primary).copied().unwrap_or(0);
        let text = text.trim();
        if text.is_empty() {
            return;
        }
        let score = score(tag, text, confidence);
        let sub = (subs > 0).then(|| (tag.primary, Some(tag.sub.map_or(subs, usize::from))));
        let mut hash = None;
        for slot in std::iter::once((tag.primary, None)).chain(sub) {
            let pool = self.pools.entry(slot).or_default();
            let full = pool.len() >= self.cap;
            if full && pool.last().is_some_and(|worst| worst.0 .0 > score) {
                continue;
            }
            let h = *hash.get_or_insert_with(|| fingerprint(text));
            // Past the worst kept (by score and hash): nothing to keep, nothing to copy.
            if full
                && pool
                    .last()
                    .is_some_and(|worst| (worst.0, worst.1) < (Reverse(score), h))
            {
                continue;
            }
            self.insert(slot, (Reverse(score), h, text.to_string()));
        }
    }

    fn insert(&mut self, slot: Slot, key: Key) {
        let pool = self.pools.entry(slot).or_default();
        pool.insert(key);
        if pool.len() > self.cap {
            pool.pop_last();
        }
    }

    /// Add another part's candidates (parts may come in any order).
    pub fn merge(&mut self, other: Quotes) {
        self.cap = self.cap.max(other.cap);
        if self.subs.is_empty() {
            self.subs = other.subs;
        }
        for (slot, pool) in other.pools {
            for key in pool {
                self.insert(slot, key);
            }
        }
    }

    /// Up to `n` quotes of a slot: the most typical first, no two near-duplicates.
    pub fn pick(&self, slot: Slot, n: usize) -> Vec<String> {
        let Some(pool) = self.pools.get(&slot) else {
            return Vec::new();
        };
        let words: Vec<BTreeSet<String>> = pool.iter().map(|k| words(&k.2)).collect();
        let mut ranked: Vec<(u32, usize)> = pool
            .iter()
            .enumerate()
            .map(|(i, k)| (k.0 .0 + typicality(i, &words), i))
            .collect();
        // Highest rank first; the pool order (score, hash, text) breaks ties.
        ranked.sort_by_key(|&(rank, i)| (Reverse(rank), i));
        let keys: Vec<&Key> = pool.iter().collect();
        let mut chosen: Vec<usize> = Vec::new();
        for (_, i) in ranked {
            if chosen.len() == n {
                break;
            }
            let distinct = chosen
                .iter()
                .all(|&j| keys[j].1 != keys[i].1 && jaccard(&words[i], &words[j]) < NEAR_DUPLICATE);
            if distinct {
                chosen.push(i);
            }
        }
        chosen.into_iter().map(|i| readable(&keys[i].2)).collect()
    }
}

/// How good a quote an answer makes: it states this reason alone, from its own words, at a
/// readable length, with the model's confidence when there is a model.
fn score(tag: &Tag, text: &str, confidence: Option<f32>) -> u32 {
    let alone = if tag.reasons.len() == 1 { 40 } else { 0 };
    let source = match tag.source {
        Source::Text | Source::Refined | Source::TextOverCode | Source::Override => 30,
        Source::Hint => 15,
        Source::Model => 10,
        Source::Code => 5,
    };
    let specific = if tag.sub.is_some() { 5 } else { 0 };
    let length = match words_in(text) {
        6..=35 => 30,
        4..=5 | 36..=60 => 15,
        2..=3 => 5,
        _ => 0,
    };
    let sure = confidence.map_or(10, |c| (c.clamp(0.0, 1.0) * 20.0).round() as u32);
    alone + source + specific + length + sure
}

/// How many words an answer has: runs of bytes between ASCII whitespace (a byte loop: this is
/// asked of every tagged row).
fn words_in(text: &str) -> usize {
    let b = text.as_bytes();
    let starts = b
        .windows(2)
        .filter(|w| w[0].is_ascii_whitespace() && !w[1].is_ascii_whitespace())
        .count();
    starts + usize::from(b.first().is_some_and(|c| !c.is_ascii_whitespace()))
}

/// How much an answer shares its words with the rest of the pool, as up to 20 points.
fn typicality(i: usize, words: &[BTreeSet<String>]) -> u32 {
    if words.len() < 2 {
        return 0;
    }
    let total: f64 = (0..words.len())
        .filter(|&j| j != i)
        .map(|j| jaccard(&words[i], &words[j]))
        .sum();
    let mean = total / (words.len() - 1) as f64;
    (mean * 100.0).min(20.0).round() as u32
}

/// The lowercased words of an answer (letters and digits; three or more characters, or any
/// word of a script written without spaces).
fn words(text: &str) -> BTreeSet<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() >= 3 || !w.is_ascii())
        .map(str::to_lowercase)
        .collect()
}

fn jaccard(a: &BTreeSet<String>, b: &BTreeSet<String>) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    let shared = a.intersection(b).count();
    shared as f64 / (a.len() + b.len() - shared) as f64
}

/// A hash of an answer's bytes, the same on every machine (a multiply-xor over 8 bytes at a
/// time): it orders the candidates of equal score. Answers equal but for case and punctuation
/// hash apart, and are told to be alike when quotes are picked (they share their words).
fn fingerprint(text: &str) -> u64 {
    const K: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut h: u64 = text.len() as u64;
    let mut chunks = text.as_bytes().chunks_exact(8);
    for c in &mut chunks {
        let w = u64::from_le_bytes(c.try_into().expect("8 bytes"));
        h = (h.rotate_left(5) ^ w).wrapping_mul(K);
    }
    let mut last = [0u8; 8];
    last[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    h = (h.rotate_left(5) ^ u64::from_le_bytes(last)).wrapping_mul(K);
    h ^ (h >> 29)
}

/// An answer on one line, at most [`MAX_QUOTE_CHARS`] characters (cut at a word, with "…").
pub fn readable(text: &str) -> String {
    let one_line = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if one_line.chars().count() <= MAX_QUOTE_CHARS {
        return one_line;
    }
    let cut: String = one_line.chars().take(MAX_QUOTE_CHARS).collect();
    let at_word = match cut.rfind(' ') {
        Some(i) if i > MAX_QUOTE_CHARS / 2 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;
    use churn_core::classify::ReasonSet;

    fn tag(primary: usize, sub: Option<u8>) -> Tag {
        Tag {
            primary,
            reasons: ReasonSet::one(primary),
            source: Source::Text,
            conflict: None,
            sub,
            competitor: None,
        }
    }

    const ANSWERS: [&str; 6] = [
        "Way too expensive for a team of our size, the price doubled this year",
        "Way too expensive for a team of our size, the price doubled this year!",
        "The price went up again and we could not justify the cost anymore",
        "too expensive",
        "We found the monthly price too high compared to what we actually used",
        "Price increase at renewal was far more than our budget allowed for tools",
    ];

    #[test]
    fn quotes_are_typical_readable_and_not_repeated() {
        let mut q = Quotes::new(3, vec![2, 2, 3, 3, 6, 5]);
        for a in ANSWERS {
            q.offer(&tag(4, Some(0)), a, None);
        }
        let picked = q.pick((4, Some(0)), 3);
        assert_eq!(picked.len(), 3, "{picked:?}");
        // The same answer twice (but for its "!") is quoted once; the two-word one is last.
        let doubled = picked.iter().filter(|p| p.contains("doubled")).count();
        assert_eq!(doubled, 1, "{picked:?}");
        assert!(!picked.contains(&"too expensive".to_string()), "{picked:?}");
        assert_eq!(q.pick((4, None), 3), picked);
        assert!(q.pick((3, None), 3).is_empty());
    }

    #[test]
    fn the_pool_is_the_same_in_any_order_and_any_chunks() {
        let many: Vec<String> = (0..200)
            .map(|i| format!("answer number {i} says the price is {} too high", i % 7))
            .collect();
        let mut whole = Quotes::new(2, vec![0; 3]);
        for a in &many {
            whole.offer(&tag(1, None), a, Some(0.9));
        }
        let mut merged = Quotes::new(2, vec![0; 3]);
        for chunk in many.chunks(13).rev() {
            let mut part = Quotes::new(2, vec![0; 3]);
            for a in chunk.iter().rev() {
                part.offer(&tag(1, None), a, Some(0.9));
            }
            merged.merge(part);
        }
        assert_eq!(whole, merged);
        assert_eq!(whole.pick((1, None), 2), merged.pick((1, None), 2));
    }

    #[test]
    fn words_are_counted_between_spaces() {
        for text in ["", " ", "one", " one  two\tthree\n", "ça va, très bien"] {
            assert_eq!(words_in(text), text.split_whitespace().count(), "{text:?}");
        }
    }

    #[test]
    fn long_answers_are_cut_at_a_word() {
        let long = "word ".repeat(100);
        let r = readable(&long);
        assert!(r.ends_with("word…") && r.chars().count() <= MAX_QUOTE_CHARS + 1);
        assert_eq!(readable(" two\nlines "), "two lines");
    }
}
