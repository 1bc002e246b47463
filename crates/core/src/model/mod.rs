//! A learned second opinion on an answer: a multinomial logistic regression over features of the
//! normalized answer (the words the rules see, word pairs, and character 3- to 5-grams; see
//! [`features`]). Pure: plain values in, probabilities out; the file format is in [`format`],
//! training in [`train`].
//!
//! Why a linear model: it trains in a fraction of a second on a few thousand answers without
//! any dependency, is exact to reproduce (a fixed order of f64 operations and our own `exp`,
//! see [`math`]), costs one table lookup per feature and one pass over the classes to apply, and
//! its weights say which words decided (`churn explain`).
//!
//! Scores: `s_k = b_k + (Σ_f w_fk) / sqrt(m)`, summed over the `m` feature occurrences of the
//! answer that the model knows; probabilities are the softmax of the scores.

pub mod features;
pub mod format;
mod math;
pub mod train;
mod words;

use std::sync::Arc;

use crate::normalize::{normalize_into, Normalized};
use features::{for_each_key, next_in_clause, pair_key, KeyBuf, Table};

pub use format::FormatError;

/// The label of the class "no reason of the taxonomy" (answers the rules should leave
/// unclassified).
pub const UNCLASSIFIED: &str = "unclassified";

/// The default probability the model's best reason needs to decide a row the rules leave
/// silent or tied.
pub const DEFAULT_THRESHOLD: f64 = 0.3;

/// The built-in model, trained by `scripts/train-model.sh` (see there for the data).
pub const BUILTIN: &[u8] = include_bytes!("builtin.bin");

/// A trained model, ready to apply.
#[derive(Debug, Clone)]
pub struct Model {
    labels: Vec<String>,
    fold_accents: bool,
    /// Feature keys, sorted (byte order), unique.
    keys: Vec<String>,
    /// `keys.len() × labels.len()` weights, by feature then class.
    weights: Vec<f32>,
    bias: Vec<f32>,
    table: Table,
    /// Tells models apart in a reused [`ModelScratch`] (unique in the process).
    id: u64,
    /// Whether both words of every pair feature are features too (always so in a trained
    /// model: a pair in `n` answers puts each word in at least `n`): then a pair with an
    /// unknown word need not be looked up.
    pairs_have_words: bool,
}

/// Reused memory for applying a model to many answers.
#[derive(Debug, Default, Clone)]
pub struct ModelScratch {
    keys: KeyBuf,
    sums: Vec<f64>,
    scores: Vec<f64>,
    probs: Vec<f64>,
    /// The answer normalized again, for a model trained with the other accent setting.
    normalized: Normalized,
    words: words::WordSums,
    /// Per word of the answer, whether the model has it as a feature.
    known: Vec<bool>,
}

impl Model {
    /// A model from its parts; fails when the parts do not fit together.
    pub fn new(
        labels: Vec<String>,
        fold_accents: bool,
        keys: Vec<String>,
        weights: Vec<f32>,
        bias: Vec<f32>,
    ) -> Result<Model, FormatError> {
        let k = labels.len();
        if k == 0 || bias.len() != k || weights.len() != keys.len().saturating_mul(k) {
            return Err(FormatError::Shape);
        }
        if let Some(w) = keys.windows(2).find(|w| w[0] >= w[1]) {
            return Err(FormatError::Unsorted(w[1].clone()));
        }
        let mut sorted: Vec<&String> = labels.iter().collect();
        sorted.sort();
        if let Some(w) = sorted.windows(2).find(|w| w[0] == w[1]) {
            return Err(FormatError::DuplicateLabel(w[0].clone()));
        }
        if weights.iter().chain(&bias).any(|w| !w.is_finite()) {
            return Err(FormatError::NotFinite);
        }
        let table = Table::new(keys.iter().map(String::as_str))
            .map_err(|(a, b)| FormatError::Collision(a, b))?;
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let mut buf = Vec::new();
        let pairs_have_words = keys
            .iter()
            .filter_map(|k| k.strip_prefix("b:"))
            .all(|pair| {
                pair.split(' ').all(|w| {
                    let key = features::word_key(w.as_bytes(), &mut buf);
                    table.get(key).is_some()
                })
            });
        Ok(Model {
            pairs_have_words,
            labels,
            fold_accents,
            keys,
            weights,
            bias,
            table,
            id: NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        })
    }

    /// The built-in model (read once per process).
    pub fn builtin() -> Arc<Model> {
        static MODEL: std::sync::OnceLock<Arc<Model>> = std::sync::OnceLock::new();
        MODEL
            .get_or_init(|| {
                Arc::new(
                    Model::from_bytes(BUILTIN)
                        .expect("the built-in model is checked by a unit test"),
                )
            })
            .clone()
    }

    /// Class labels: reason ids, and [`UNCLASSIFIED`].
    pub fn labels(&self) -> &[String] {
        &self.labels
    }

    /// The weights of feature `f`, one per class.
    fn weights_of(&self, f: usize) -> &[f32] {
        let k = self.labels.len();
        &self.weights[f * k..(f + 1) * k]
    }

    /// How many features the model keeps.
    pub fn features(&self) -> usize {
        self.keys.len()
    }

    /// Whether the model was trained on answers normalized with accents folded.
    pub fn fold_accents(&self) -> bool {
        self.fold_accents
    }

    /// The probability of each class (in [`Model::labels`] order) for an answer normalized with
    /// `fold_accents`; `raw` is the answer as given, normalized again if the model was trained
    /// with the other setting.
    pub fn predict<'s>(
        &self,
        n: &Normalized,
        fold_accents: bool,
        raw: &str,
        scratch: &'s mut ModelScratch,
    ) -> &'s [f64] {
        let ModelScratch {
            keys,
            sums,
            scores,
            probs,
            normalized,
            words,
            known,
        } = scratch;
        let n = if fold_accents == self.fold_accents {
            n
        } else {
            normalize_into(raw, self.fold_accents, normalized);
            &*normalized
        };
        let k = self.labels.len();
        sums.clear();
        sums.resize(k, 0.0);
        // The features of `for_each_key`: each word's own (remembered), then the pairs.
        let mut count = 0usize;
        known.clear();
        for i in 0..n.tokens.len() {
            let (found, own) = words.get(self, n.word(i).as_bytes(), keys);
            count += found.count as usize;
            for (s, w) in sums.iter_mut().zip(own) {
                *s += w;
            }
            known.push(found.word || !self.pairs_have_words);
        }
        for i in 0..n.tokens.len() {
            let Some(next) = next_in_clause(n, i).filter(|_| known[i] && known[i + 1]) else {
                continue;
            };
            let key = pair_key(n.word(i).as_bytes(), next.as_bytes(), &mut keys.key);
            if let Some(f) = self.table.get(key) {
                count += 1;
                for (s, w) in sums.iter_mut().zip(self.weights_of(f)) {
                    *s += f64::from(*w);
                }
            }
        }
        let scale = if count == 0 {
            0.0
        } else {
            1.0 / (count as f64).sqrt()
        };
        scores.clear();
        scores.extend(
            sums.iter()
                .zip(&self.bias)
                .map(|(s, &b)| f64::from(b) + scale * s),
        );
        probs.clear();
        probs.resize(k, 0.0);
        math::softmax(scores, probs);
        probs
    }

    /// The features of an answer that push class `class` up the most: `(key, weight)` of the
    /// `top` largest positive weights, each feature once, largest first (ties by key).
    pub fn top_features(&self, n: &Normalized, class: usize, top: usize) -> Vec<(String, f64)> {
        let k = self.labels.len();
        let mut found: Vec<(String, f64)> = Vec::new();
        if class >= k {
            return found;
        }
        for_each_key(n, &mut KeyBuf::default(), |key| {
            if let Some(f) = self.table.get(key) {
                let w = f64::from(self.weights[f * k + class]);
                if w > 0.0 && !found.iter().any(|(s, _)| s == &self.keys[f]) {
                    found.push((self.keys[f].clone(), w));
                }
            }
        });
        found.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        found.truncate(top);
        found
    }
}

/// A feature key as people read it: `word`, `"word word"`, or a piece of a word: `gram…` at
/// its start, `…gram` at its end, `…gram…` inside, `[gram]` the whole word.
pub fn shown_feature(key: &str) -> String {
    match key.split_once(':') {
        Some(("w", w)) => w.to_string(),
        Some(("b", b)) => format!("\"{b}\""),
        Some(("c", c)) => {
            let (start, end) = (c.starts_with('<'), c.ends_with('>'));
            let inner = c.trim_start_matches('<').trim_end_matches('>');
            match (start, end) {
                (true, true) => format!("[{inner}]"),
                (true, false) => format!("{inner}…"),
                (false, true) => format!("…{inner}"),
                (false, false) => format!("…{inner}…"),
            }
        }
        _ => key.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_model_loads() {
        let m = Model::builtin();
        assert!(m.labels().iter().any(|l| l == UNCLASSIFIED));
        assert!(m.features() > 0);
        assert!(m.pairs_have_words, "pairs with an unknown word are skipped");
    }
}

#[cfg(test)]
mod remembered_words {
    use super::*;

    /// The probabilities as the module documentation defines them, from every key of
    /// `for_each_key`.
    fn by_definition(model: &Model, n: &Normalized) -> Vec<f64> {
        let k = model.labels.len();
        let (mut sums, mut count) = (vec![0.0; k], 0usize);
        for_each_key(n, &mut KeyBuf::default(), |key| {
            if let Some(f) = model.table.get(key) {
                count += 1;
                for (s, w) in sums.iter_mut().zip(model.weights_of(f)) {
                    *s += f64::from(*w);
                }
            }
        });
        let scale = if count == 0 {
            0.0
        } else {
            1.0 / (count as f64).sqrt()
        };
        let scores: Vec<f64> = sums
            .iter()
            .zip(&model.bias)
            .map(|(s, b)| f64::from(*b) + scale * s)
            .collect();
        let mut p = vec![0.0; k];
        math::softmax(&scores, &mut p);
        p
    }

    /// Word sums remembered between answers (and after switching models) give the very
    /// probabilities a fresh scratch gives.
    #[test]
    fn remembered_sums_change_no_probability() {
        let a = Model::builtin();
        let b = Model::from_bytes(BUILTIN).unwrap();
        let answers = [
            "too expensive",
            "we moved abroad",
            "too expensive again",
            "nobody answered",
            "déménagé",
            "moved moved moved",
            "",
            "a b c d e f",
        ];
        let mut reused = ModelScratch::default();
        let mut n = Normalized::default();
        for round in 0..3 {
            for text in answers {
                let model = if round == 1 { &b } else { &*a };
                normalize_into(text, true, &mut n);
                let fresh = model
                    .predict(&n, true, text, &mut ModelScratch::default())
                    .to_vec();
                assert_eq!(
                    model.predict(&n, true, text, &mut reused),
                    &fresh[..],
                    "{text}"
                );
                let reference = by_definition(model, &n);
                for (p, r) in fresh.iter().zip(&reference) {
                    assert!((p - r).abs() < 1e-9, "{text}: {fresh:?} {reference:?}");
                }
            }
        }
    }
}
