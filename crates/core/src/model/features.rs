//! The model's features of a normalized answer, and the table that finds a feature's row of
//! weights from its hash. Every feature is a short key: `w:WORD` (a word), `b:WORD WORD` (two
//! words that follow each other in one clause) and `c:GRAM` (3 to 5 characters of a word padded
//! as `<word>`; these carry stems and word families across languages). Training and inference
//! build the keys with the same code, in one reused buffer: no allocation per answer.

use std::hash::BuildHasher;

use crate::normalize::Normalized;

/// The shortest and longest character n-grams.
pub const CHAR_MIN: usize = 3;
pub const CHAR_MAX: usize = 5;

/// Reused memory for building keys.
#[derive(Debug, Default, Clone)]
pub struct KeyBuf {
    pub(super) key: Vec<u8>,
    padded: Vec<u8>,
    bounds: Vec<usize>,
}

/// Call `f` with every feature key of `n`, in answer order (a key met twice is passed twice):
/// per word, its word key, the pair it starts, then its character n-grams.
pub fn for_each_key(n: &Normalized, buf: &mut KeyBuf, mut f: impl FnMut(&[u8])) {
    for i in 0..n.tokens.len() {
        let word = n.word(i).as_bytes();
        f(word_key(word, &mut buf.key));
        if let Some(next) = next_in_clause(n, i) {
            f(pair_key(word, next.as_bytes(), &mut buf.key));
        }
        for_each_gram(word, buf, &mut f);
    }
}

/// The word after word `i` in the same clause, if any.
pub fn next_in_clause(n: &Normalized, i: usize) -> Option<&str> {
    (i + 1 < n.tokens.len() && n.tokens[i + 1].clause == n.tokens[i].clause).then(|| n.word(i + 1))
}

/// The key of a word: `w:WORD`.
pub fn word_key<'k>(word: &[u8], key: &'k mut Vec<u8>) -> &'k [u8] {
    key.clear();
    key.extend_from_slice(b"w:");
    key.extend_from_slice(word);
    key
}

/// The key of two words in a row: `b:FIRST SECOND`.
pub fn pair_key<'k>(first: &[u8], second: &[u8], key: &'k mut Vec<u8>) -> &'k [u8] {
    key.clear();
    key.extend_from_slice(b"b:");
    key.extend_from_slice(first);
    key.push(b' ');
    key.extend_from_slice(second);
    key
}

/// Call `f` with the key of every character n-gram of `word` padded as `<word>`.
pub fn for_each_gram(word: &[u8], buf: &mut KeyBuf, f: &mut impl FnMut(&[u8])) {
    let KeyBuf {
        key,
        padded,
        bounds,
    } = buf;
    padded.clear();
    padded.push(b'<');
    padded.extend_from_slice(word);
    padded.push(b'>');
    bounds.clear();
    // Character starts: a byte that is not a UTF-8 continuation byte.
    bounds.extend((0..padded.len()).filter(|&b| padded[b] & 0xC0 != 0x80));
    bounds.push(padded.len());
    let chars = bounds.len() - 1;
    for len in CHAR_MIN..=CHAR_MAX.min(chars) {
        for start in 0..=chars - len {
            key.clear();
            key.extend_from_slice(b"c:");
            key.extend_from_slice(&padded[bounds[start]..bounds[start + len]]);
            f(key);
        }
    }
}

/// The hash of a key (fixed seed: the same in every run; never stored in a model file).
pub fn hash(key: &[u8]) -> u64 {
    foldhash::fast::FixedState::with_seed(0x6368_7572_6e5f_6d64).hash_one(key)
}

/// Feature index by key hash: open addressing with linear probing, built once per model.
#[derive(Debug, Clone, Default)]
pub struct Table {
    /// `(hash, index)`; `index == u32::MAX` marks an empty slot.
    slots: Vec<(u64, u32)>,
}

const EMPTY: u32 = u32::MAX;

impl Table {
    /// A table of `keys` (feature `i` is `keys[i]`). Fails with the two keys whose hashes
    /// collide (never seen in practice: 64-bit hashes of a few hundred thousand keys).
    pub fn new<'a>(
        keys: impl ExactSizeIterator<Item = &'a str>,
    ) -> Result<Table, (String, String)> {
        let size = (keys.len() * 2).next_power_of_two().max(2);
        let mut slots = vec![(0u64, EMPTY); size];
        let mut seen: Vec<&str> = Vec::with_capacity(keys.len());
        for (i, key) in keys.enumerate() {
            let h = hash(key.as_bytes());
            let mut s = h as usize & (size - 1);
            while slots[s].1 != EMPTY {
                if slots[s].0 == h {
                    let other = seen[slots[s].1 as usize];
                    return Err((other.to_string(), key.to_string()));
                }
                s = (s + 1) & (size - 1);
            }
            slots[s] = (h, i as u32);
            seen.push(key);
        }
        Ok(Table { slots })
    }

    /// The index of the feature with this key, if the model has it.
    #[inline]
    pub fn get(&self, key: &[u8]) -> Option<usize> {
        let mask = self.slots.len().checked_sub(1)?;
        let h = hash(key);
        let mut s = h as usize & mask;
        loop {
            let (sh, index) = self.slots[s];
            if index == EMPTY {
                return None;
            }
            if sh == h {
                return Some(index as usize);
            }
            s = (s + 1) & mask;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize_into;

    fn keys(text: &str) -> Vec<String> {
        let mut n = Normalized::default();
        normalize_into(text, true, &mut n);
        let mut out = Vec::new();
        for_each_key(&n, &mut KeyBuf::default(), |k| {
            out.push(String::from_utf8(k.to_vec()).unwrap())
        });
        out
    }

    #[test]
    fn words_pairs_within_a_clause_and_character_grams() {
        let k = keys("Too pricey. Ok");
        assert!(k.contains(&"w:too".to_string()));
        assert!(k.contains(&"b:too pricey".to_string()));
        assert!(!k.iter().any(|k| k == "b:pricey ok"), "{k:?}");
        for gram in ["c:<to", "c:too>", "c:<too>", "c:pric", "c:icey>", "c:<ok>"] {
            assert!(k.contains(&gram.to_string()), "{gram} in {k:?}");
        }
        // Characters, not bytes: "дом" padded is 5 characters.
        let k = keys("дом");
        assert!(k.contains(&"c:<дом>".to_string()), "{k:?}");
        assert!(k.iter().all(|k| std::str::from_utf8(k.as_bytes()).is_ok()));
    }

    #[test]
    fn the_table_finds_every_key_and_no_other() {
        let keys = ["w:a", "w:b", "c:<ab>", "b:a b"];
        let t = Table::new(keys.iter().copied()).unwrap();
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(t.get(k.as_bytes()), Some(i));
        }
        assert_eq!(t.get(b"w:c"), None);
        assert_eq!(Table::default().get(b"w:a"), None);
        assert!(Table::new(["w:a", "w:a"].iter().copied()).is_err());
    }
}
