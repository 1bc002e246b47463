//! Agreement between true and predicted labels: confusion matrix, accuracy, precision, recall
//! and F1 per label, macro-F1 and Cohen's kappa. Pure arithmetic on label indexes; the
//! conventions follow scikit-learn (a label with no predictions has precision 0; macro-F1
//! averages over every label that occurs in either labelling).

/// Scores for one label.
#[derive(Debug, Clone, PartialEq)]
pub struct LabelScore {
    pub label: usize,
    /// Rows whose true label this is.
    pub support: usize,
    /// Rows predicted as this label.
    pub predicted: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
}

/// Everything measured.
#[derive(Debug, Clone, PartialEq)]
pub struct Agreement {
    pub n: usize,
    /// `matrix[truth][predicted]` over all `labels` label indexes.
    pub matrix: Vec<Vec<usize>>,
    pub accuracy: f64,
    /// Per label that occurs in either labelling, in index order.
    pub scores: Vec<LabelScore>,
    pub macro_f1: f64,
    pub kappa: f64,
}

/// Measure agreement between `truth` and `predicted` (label indexes below `labels`).
pub fn agreement(truth: &[usize], predicted: &[usize], labels: usize) -> Agreement {
    assert_eq!(truth.len(), predicted.len());
    let n = truth.len();
    let mut matrix = vec![vec![0usize; labels]; labels];
    for (&t, &p) in truth.iter().zip(predicted) {
        matrix[t][p] += 1;
    }
    let correct: usize = (0..labels).map(|k| matrix[k][k]).sum();
    let accuracy = if n == 0 {
        0.0
    } else {
        correct as f64 / n as f64
    };
    let row = |k: usize| matrix[k].iter().sum::<usize>();
    let col = |k: usize| matrix.iter().map(|r| r[k]).sum::<usize>();
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let scores: Vec<LabelScore> = (0..labels)
        .filter(|&k| row(k) + col(k) > 0)
        .map(|k| {
            let precision = ratio(matrix[k][k], col(k));
            let recall = ratio(matrix[k][k], row(k));
            let f1 = if precision + recall == 0.0 {
                0.0
            } else {
                2.0 * precision * recall / (precision + recall)
            };
            LabelScore {
                label: k,
                support: row(k),
                predicted: col(k),
                precision,
                recall,
                f1,
            }
        })
        .collect();
    let macro_f1 = if scores.is_empty() {
        0.0
    } else {
        scores.iter().map(|s| s.f1).sum::<f64>() / scores.len() as f64
    };
    let expected: f64 = if n == 0 {
        0.0
    } else {
        (0..labels)
            .map(|k| row(k) as f64 * col(k) as f64)
            .sum::<f64>()
            / (n as f64 * n as f64)
    };
    let kappa = if (1.0 - expected).abs() < 1e-15 {
        // Both labellings use one and the same label throughout: perfect agreement.
        if accuracy == 1.0 {
            1.0
        } else {
            0.0
        }
    } else {
        (accuracy - expected) / (1.0 - expected)
    };
    Agreement {
        n,
        matrix,
        accuracy,
        scores,
        macro_f1,
        kappa,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Map string labels to indexes in first-seen order.
    fn index(truth: &[&str], predicted: &[&str]) -> (Vec<usize>, Vec<usize>, usize) {
        let mut names: Vec<String> = Vec::new();
        let mut id = |s: &str| match names.iter().position(|n| n == s) {
            Some(i) => i,
            None => {
                names.push(s.to_string());
                names.len() - 1
            }
        };
        let t: Vec<usize> = truth.iter().map(|s| id(s)).collect();
        let p: Vec<usize> = predicted.iter().map(|s| id(s)).collect();
        let n = names.len();
        (t, p, n)
    }

    #[test]
    fn kappa_matches_scikit_learn_reference_values() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../tests/reference/stats_vectors.json"
        ))
        .expect("reference vectors");
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let cases = v["cohen_kappa"].as_array().unwrap();
        assert!(!cases.is_empty());
        for case in cases {
            let strs = |k: &str| -> Vec<String> {
                case[k]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|x| x.as_str().unwrap().to_string())
                    .collect()
            };
            let (truth, predicted) = (strs("truth"), strs("predicted"));
            let t: Vec<&str> = truth.iter().map(String::as_str).collect();
            let p: Vec<&str> = predicted.iter().map(String::as_str).collect();
            let (t, p, labels) = index(&t, &p);
            let a = agreement(&t, &p, labels);
            let want = case["kappa"].as_f64().unwrap();
            assert!(
                (a.kappa - want).abs() <= 1e-9 * want.abs().max(1.0),
                "{} vs {want}",
                a.kappa
            );
        }
    }

    #[test]
    fn per_label_scores_and_macro_f1() {
        // truth a a b b c, predicted a b b b a: a P=1/2 R=1/2; b P=2/3 R=1; c P=0 R=0.
        let a = agreement(&[0, 0, 1, 1, 2], &[0, 1, 1, 1, 0], 3);
        assert_eq!(a.accuracy, 0.6);
        let f1: Vec<f64> = a.scores.iter().map(|s| s.f1).collect();
        assert!((f1[0] - 0.5).abs() < 1e-12);
        assert!((f1[1] - 0.8).abs() < 1e-12);
        assert_eq!(f1[2], 0.0);
        assert!((a.macro_f1 - 1.3 / 3.0).abs() < 1e-12);
        assert_eq!(a.matrix[0], [1, 1, 0]);
        // A label nobody used is left out of the average.
        let b = agreement(&[0, 1], &[0, 1], 3);
        assert_eq!(b.scores.len(), 2);
        assert_eq!((b.macro_f1, b.kappa), (1.0, 1.0));
    }
}
