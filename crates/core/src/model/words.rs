//! Per-word sums of weights, remembered: a word's own features (its word key and its character
//! n-grams) are the same wherever it occurs, so a word met again costs one lookup instead of a
//! dozen. Words repeat far more than answers do (a Zipf law), so this is what keeps the model
//! cheap on exports whose answers are all different. Bounded: emptied when full. It only saves
//! work: the sums are computed the same way whether remembered or not.

use std::collections::HashMap;
use std::hash::BuildHasher;

use super::features::{for_each_gram, word_key, KeyBuf};
use super::Model;

/// Words remembered before starting afresh.
const MAX_WORDS: usize = 1 << 16;
/// Longer words are not remembered (they are rare, and would fill the text buffer).
const LONGEST: usize = 64;

#[derive(Debug, Clone, Copy)]
struct Entry {
    start: u32,
    len: u32,
    own: Own,
}

/// What the model has of a word's own features.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Own {
    /// How many of them the model has.
    pub count: u32,
    /// Whether it has the word's key (`w:WORD`) itself.
    pub word: bool,
}

#[derive(Debug, Default, Clone)]
pub struct WordSums {
    /// The model the sums are of ([`Model::id`]).
    model: u64,
    index: HashMap<u64, u32, foldhash::fast::FixedState>,
    entries: Vec<Entry>,
    text: Vec<u8>,
    /// `entries.len() × classes` sums.
    sums: Vec<f64>,
    /// The sums of a word not remembered.
    fresh: Vec<f64>,
}

impl WordSums {
    /// What the model has of `word`'s own features, and the per-class sums of their weights.
    pub fn get(&mut self, model: &Model, word: &[u8], keys: &mut KeyBuf) -> (Own, &[f64]) {
        let k = model.labels.len();
        if self.model != model.id {
            self.clear();
            self.model = model.id;
        }
        let hash = foldhash::fast::FixedState::default().hash_one(word);
        if let Some(&e) = self.index.get(&hash) {
            let entry = self.entries[e as usize];
            let at = entry.start as usize;
            if &self.text[at..at + entry.len as usize] == word {
                let e = e as usize;
                return (entry.own, &self.sums[e * k..(e + 1) * k]);
            }
        }
        self.fresh.clear();
        self.fresh.resize(k, 0.0);
        let own = own_sums(model, word, keys, &mut self.fresh);
        if word.len() > LONGEST || self.index.contains_key(&hash) {
            return (own, &self.fresh);
        }
        if self.entries.len() >= MAX_WORDS {
            self.clear();
        }
        let e = self.entries.len();
        self.index.insert(hash, e as u32);
        self.entries.push(Entry {
            start: self.text.len() as u32,
            len: word.len() as u32,
            own,
        });
        self.text.extend_from_slice(word);
        self.sums.extend_from_slice(&self.fresh);
        (own, &self.sums[e * k..(e + 1) * k])
    }

    fn clear(&mut self) {
        self.index.clear();
        self.entries.clear();
        self.text.clear();
        self.sums.clear();
    }
}

/// Add the weights of `word`'s own features to `sums`; returns what the model has of them.
fn own_sums(model: &Model, word: &[u8], keys: &mut KeyBuf, sums: &mut [f64]) -> Own {
    let mut count = 0;
    let mut add = |key: &[u8]| {
        let Some(f) = model.table.get(key) else {
            return false;
        };
        count += 1;
        for (s, w) in sums.iter_mut().zip(model.weights_of(f)) {
            *s += f64::from(*w);
        }
        true
    };
    let has_word = add(word_key(word, &mut keys.key));
    for_each_gram(word, keys, &mut |key| {
        add(key);
    });
    Own {
        count,
        word: has_word,
    }
}
