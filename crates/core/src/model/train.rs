//! Training: full-batch gradient descent with momentum on the mean cross-entropy plus an L2
//! penalty on the weights (not the biases). Deterministic by construction: features in sorted
//! order, rows in the order given, every sum in a fixed order of f64 operations, our own `exp`,
//! a fixed number of epochs, no threads and no randomness. The same examples give the same
//! model file, byte for byte, on every platform with IEEE 754 doubles.

use std::collections::BTreeMap;

use super::features::{for_each_key, KeyBuf};
use super::format::MAX_CLASSES;
use super::{math, FormatError, Model};
use crate::normalize::{answer_prefix, normalize_into, Normalized};

/// How to train. The defaults are what `churn train` and the built-in model use.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Options {
    /// A feature is kept when at least this many answers have it.
    pub min_count: usize,
    /// At most this many features are kept, those in the most answers (ties by key): the
    /// model stays under 2 MiB (the real corpus' 1,914 training answers have 80,667 features
    /// seen twice, 3.3 MiB of model).
    pub max_features: usize,
    pub epochs: usize,
    pub learning_rate: f64,
    pub momentum: f64,
    /// L2 penalty on the weights. 1e-3 rather than less: on `fixtures/corpus/holdout.csv` a
    /// model trained on `labelled.csv` with 1e-4 was right more often alone (72 of 89 against
    /// 67) but sure of 2 wrong answers, with 1e-3 of none; the model must not guess.
    pub l2: f64,
    /// How far to even out the classes (see [`Balance`]).
    pub balance: Balance,
}

/// The weight of an example, from `r = n / (k * n_c)`: `n_c` the examples of its class, `k` the
/// classes present. Square roots and quotients are exact in IEEE arithmetic, so the weights
/// (and the model's bytes) are the same on every platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Balance {
    /// Every example weighs 1: the model learns the commonest class best.
    None,
    /// `sqrt(r)`: rare classes count more, without drowning the common ones.
    Sqrt,
    /// `r`: every class has the same total weight.
    Full,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            min_count: 2,
            max_features: 40_000,
            epochs: 300,
            learning_rate: 1.0,
            momentum: 0.9,
            l2: 1e-3,
            balance: Balance::Sqrt,
        }
    }
}

/// A trained model and how well it fits its own examples.
#[derive(Debug, Clone)]
pub struct Trained {
    pub model: Model,
    /// Share of the examples whose most probable class is their label.
    pub accuracy: f64,
}

/// Why training could not start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TrainError {
    NoExamples,
    Classes(usize),
    Label(usize),
    Format(FormatError),
}

impl std::fmt::Display for TrainError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TrainError::NoExamples => write!(f, "no labelled answers to learn from"),
            TrainError::Classes(k) => {
                write!(f, "{k} classes; a model needs 2 to {MAX_CLASSES}")
            }
            TrainError::Label(l) => write!(f, "an example has class {l}, past the labels"),
            TrainError::Format(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for TrainError {}

/// Train a model on `(answer, class)` examples (`class` indexes `labels`).
pub fn train(
    labels: Vec<String>,
    examples: &[(&str, usize)],
    fold_accents: bool,
    options: Options,
) -> Result<Trained, TrainError> {
    if examples.is_empty() {
        return Err(TrainError::NoExamples);
    }
    if !(2..=MAX_CLASSES).contains(&labels.len()) {
        return Err(TrainError::Classes(labels.len()));
    }
    if let Some(&(_, c)) = examples.iter().find(|(_, c)| *c >= labels.len()) {
        return Err(TrainError::Label(c));
    }
    let normalized: Vec<Normalized> = examples
        .iter()
        .map(|(text, _)| {
            let mut n = Normalized::default();
            normalize_into(answer_prefix(text), fold_accents, &mut n);
            n
        })
        .collect();
    let keys = kept_keys(&normalized, options.min_count, options.max_features);
    let (k, f) = (labels.len(), keys.len());
    // A model with zero weights: its table maps keys to features exactly as inference will.
    let blank = Model::new(labels, fold_accents, keys, vec![0.0; f * k], vec![0.0; k])
        .map_err(TrainError::Format)?;
    let rows: Vec<Vec<u32>> = normalized.iter().map(|n| features_of(&blank, n)).collect();
    let classes: Vec<usize> = examples.iter().map(|(_, c)| *c).collect();
    let (weights, bias) = descend(&rows, &classes, k, f, options);
    let Model { labels, keys, .. } = blank;
    let to32 = |v: Vec<f64>| v.into_iter().map(|x| x as f32).collect::<Vec<f32>>();
    let model = Model::new(labels, fold_accents, keys, to32(weights), to32(bias))
        .map_err(TrainError::Format)?;
    let mut scratch = super::ModelScratch::default();
    let right = normalized
        .iter()
        .zip(&classes)
        .filter(|(n, &c)| argmax(model.predict(n, fold_accents, "", &mut scratch)) == c)
        .count();
    Ok(Trained {
        accuracy: right as f64 / examples.len() as f64,
        model,
    })
}

/// The index of the largest value (the first of equals).
pub fn argmax(values: &[f64]) -> usize {
    let mut best = 0;
    for (i, v) in values.iter().enumerate() {
        if *v > values[best] {
            best = i;
        }
    }
    best
}

/// The features of an answer the model knows, one entry per occurrence.
fn features_of(model: &Model, n: &Normalized) -> Vec<u32> {
    let mut out = Vec::new();
    for_each_key(n, &mut KeyBuf::default(), |key| {
        if let Some(i) = model.table.get(key) {
            out.push(i as u32);
        }
    });
    out
}

/// Gradient descent with momentum: `(weights, biases)` after `options.epochs` full passes.
fn descend(
    rows: &[Vec<u32>],
    classes: &[usize],
    k: usize,
    f: usize,
    options: Options,
) -> (Vec<f64>, Vec<f64>) {
    let (mut w, mut b) = (vec![0.0f64; f * k], vec![0.0f64; k]);
    let (mut vw, mut vb) = (vec![0.0f64; f * k], vec![0.0f64; k]);
    let (mut gw, mut gb) = (vec![0.0f64; f * k], vec![0.0f64; k]);
    let (mut scores, mut probs) = (vec![0.0f64; k], vec![0.0f64; k]);
    let weight = class_weights(classes, k, options.balance);
    // The weighted examples sum to the number of examples, as unweighted ones do.
    let n: f64 = classes.iter().map(|&c| weight[c]).sum();
    for _ in 0..options.epochs {
        gw.fill(0.0);
        gb.fill(0.0);
        for (row, &class) in rows.iter().zip(classes) {
            let scale = if row.is_empty() {
                0.0
            } else {
                1.0 / (row.len() as f64).sqrt()
            };
            scores.fill(0.0);
            for &feature in row {
                let at = feature as usize * k;
                for (s, wi) in scores.iter_mut().zip(&w[at..at + k]) {
                    *s += wi;
                }
            }
            for (s, bi) in scores.iter_mut().zip(&b) {
                *s = bi + scale * *s;
            }
            math::softmax(&scores, &mut probs);
            probs[class] -= 1.0;
            for p in probs.iter_mut() {
                *p *= weight[class];
            }
            for (g, p) in gb.iter_mut().zip(&probs) {
                *g += p;
            }
            for &feature in row {
                let at = feature as usize * k;
                for (g, p) in gw[at..at + k].iter_mut().zip(&probs) {
                    *g += scale * p;
                }
            }
        }
        let step = |x: &mut f64, v: &mut f64, g: f64, l2: f64| {
            *v = options.momentum * *v - options.learning_rate * (g / n + l2 * *x);
            *x += *v;
        };
        for ((x, v), g) in w.iter_mut().zip(&mut vw).zip(&gw) {
            step(x, v, *g, options.l2);
        }
        for ((x, v), g) in b.iter_mut().zip(&mut vb).zip(&gb) {
            step(x, v, *g, 0.0);
        }
    }
    (w, b)
}

/// The weight of an example of each class (see [`Balance`]).
fn class_weights(classes: &[usize], k: usize, balance: Balance) -> Vec<f64> {
    let mut count = vec![0usize; k];
    for &c in classes {
        count[c] += 1;
    }
    let present = count.iter().filter(|&&c| c > 0).count().max(1) as f64;
    let n = classes.len() as f64;
    count
        .iter()
        .map(|&c| {
            let r = n / (present * c.max(1) as f64);
            match balance {
                Balance::None => 1.0,
                Balance::Sqrt => r.sqrt(),
                Balance::Full => r,
            }
        })
        .collect()
}

/// Feature keys found in at least `min_count` answers, at most `max` of them (those in the most
/// answers, ties by key), sorted.
fn kept_keys(normalized: &[Normalized], min_count: usize, max: usize) -> Vec<String> {
    let mut count: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
    let mut buf = KeyBuf::default();
    let mut seen: Vec<Vec<u8>> = Vec::new();
    for n in normalized {
        seen.clear();
        for_each_key(n, &mut buf, |key| seen.push(key.to_vec()));
        seen.sort_unstable();
        seen.dedup();
        for key in seen.drain(..) {
            *count.entry(key).or_default() += 1;
        }
    }
    let mut kept: Vec<(Vec<u8>, usize)> = count
        .into_iter()
        .filter(|(_, c)| *c >= min_count.max(1))
        .collect();
    if kept.len() > max {
        kept.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        kept.truncate(max);
        kept.sort_unstable();
        // A pair is in no more answers than either of its words, but a cut between equals may
        // keep it and drop a word: drop such pairs, so that both words of every pair are
        // features and inference need not look up pairs of unknown words.
        let words: std::collections::BTreeSet<Vec<u8>> = kept
            .iter()
            .filter(|(k, _)| k.starts_with(b"w:"))
            .map(|(k, _)| k[2..].to_vec())
            .collect();
        kept.retain(|(k, _)| match k.strip_prefix(b"b:") {
            Some(pair) => pair.split(|&b| b == b' ').all(|w| words.contains(w)),
            None => true,
        });
    }
    kept.into_iter()
        .filter_map(|(key, _)| String::from_utf8(key).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> Vec<String> {
        ["price", "moved", "unclassified"]
            .map(String::from)
            .to_vec()
    }

    fn examples() -> Vec<(&'static str, usize)> {
        vec![
            ("too expensive", 0),
            ("far too expensive for us", 0),
            ("the price went up", 0),
            ("price too high", 0),
            ("we moved abroad", 1),
            ("moved to another city", 1),
            ("we moved away", 1),
            ("relocated abroad", 1),
            ("no idea", 2),
            ("just because", 2),
            ("no idea really", 2),
            ("just because really", 2),
        ]
    }

    #[test]
    fn a_separable_set_is_learned() {
        let t = train(labels(), &examples(), true, Options::default()).unwrap();
        assert_eq!(t.accuracy, 1.0);
        let mut scratch = super::super::ModelScratch::default();
        let mut n = Normalized::default();
        for (text, want) in [("expensive price", 0), ("moved abroad", 1)] {
            normalize_into(text, true, &mut n);
            let p = t.model.predict(&n, true, text, &mut scratch);
            assert_eq!(argmax(p), want, "{text}: {p:?}");
            assert!(p[want] > 0.5, "{text}: {p:?}");
        }
    }

    #[test]
    fn training_twice_gives_the_same_bytes() {
        let a = train(labels(), &examples(), true, Options::default()).unwrap();
        let b = train(labels(), &examples(), true, Options::default()).unwrap();
        assert_eq!(a.model.to_bytes(), b.model.to_bytes());
    }

    #[test]
    fn at_most_max_features_are_kept_the_most_common_first() {
        let options = Options {
            max_features: 3,
            ..Options::default()
        };
        let t = train(labels(), &examples(), true, options).unwrap();
        // Three kept, in key order.
        assert_eq!(t.model.keys.len(), 3);
        assert!(t.model.keys.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn features_seen_once_are_dropped() {
        let t = train(labels(), &examples(), true, Options::default()).unwrap();
        assert!(t.model.keys.iter().any(|k| k == "w:moved"));
        assert!(!t.model.keys.iter().any(|k| k == "w:city"), "seen once");
    }

    #[test]
    fn bad_inputs_are_errors() {
        assert_eq!(
            train(labels(), &[], true, Options::default()).err(),
            Some(TrainError::NoExamples)
        );
        assert_eq!(
            train(vec!["a".into()], &[("x", 0)], true, Options::default()).err(),
            Some(TrainError::Classes(1))
        );
        assert_eq!(
            train(labels(), &[("x", 7)], true, Options::default()).err(),
            Some(TrainError::Label(7))
        );
    }
}
