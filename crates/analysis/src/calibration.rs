//! `analyze --calibrate LABELLED`: the shares corrected for the tagger's error, beside the raw
//! ones. Classes are the reasons and `none` (unclassified, no answer or involuntary, by the
//! label and by the tagger). A labelled sample's (label, tag) pairs give the confusion matrix;
//! the export's rows tagged per class give the raw shares; ACC ([`churn_stats::quantify`]) the
//! corrected ones, with bootstrap intervals over both samples. Pure: counts in, report out.

use churn_stats::intervals::Interval;
use churn_stats::quantify::{estimate, intervals, Design};
use serde::Serialize;

/// Below this many labelled rows, or this few of a reason, the correction is rough.
pub const SMALL_SAMPLE: u64 = 200;
pub const SMALL_CLASS: u64 = 10;

/// What is known to correct with.
#[derive(Debug, Clone)]
pub struct Inputs<'a> {
    pub reason_ids: &'a [String],
    /// `labelled[i][j]`: labelled rows truly of class `i` the tagger tags `j` (reasons, then
    /// `none` last).
    pub labelled: Vec<Vec<u64>>,
    /// The export's rows the tagger tags per class (reasons by primary, then `none`).
    pub tagged: Vec<u64>,
    pub confidence: f64,
    pub resamples: usize,
    pub seed: u64,
    /// How the labelled sample was drawn.
    pub design: Design,
}

/// The result, as `calibration` of the analyze JSON.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Calibration {
    pub labelled_file: String,
    pub truth_column: String,
    pub labelled_rows: u64,
    /// `acc`: adjusted classify-and-count (Forman 2005), for a random sample; `precision`:
    /// each tag's rows shared out by its precision, for a sample drawn per tag.
    pub method: &'static str,
    pub resamples: usize,
    pub seed: u64,
    /// Per reason: its raw share of the rows with a reason, and corrected.
    pub reasons: Vec<CalibratedShare>,
    /// The rows with no reason (unclassified, no answer, involuntary) as a share of all,
    /// raw and corrected.
    pub none: CalibratedShare,
    /// Said when the labelled sample is small.
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CalibratedShare {
    pub id: String,
    pub raw_share: f64,
    /// Null when no row is tagged.
    pub share: Option<f64>,
    pub ci: Option<Interval>,
    /// Labelled rows truly of this class.
    pub labelled: u64,
}

fn round(x: f64) -> f64 {
    crate::report::round(x, 6)
}

/// Shares of the reasons among the rows with one, then `none`'s share of all.
fn shares(p: &[f64]) -> Vec<f64> {
    let k = p.len() - 1;
    let with: f64 = p[..k].iter().sum();
    let mut out: Vec<f64> = p[..k]
        .iter()
        .map(|x| if with > 0.0 { x / with } else { 0.0 })
        .collect();
    out.push(p[k]);
    out
}

/// Correct the shares; `file` and `column` name the labelled sample.
pub fn calibrate(inputs: &Inputs<'_>, file: &str, column: &str) -> Calibration {
    let k = inputs.tagged.len();
    let total: u64 = inputs.tagged.iter().sum();
    let raw: Vec<f64> = match total {
        0 => vec![0.0; k],
        n => inputs.tagged.iter().map(|&t| t as f64 / n as f64).collect(),
    };
    let raw = shares(&raw);
    let (l, t, design) = (&inputs.labelled, &inputs.tagged, inputs.design);
    let corrected = estimate(design, l, t).map(|p| shares(&p));
    let settings = (inputs.confidence, inputs.resamples, inputs.seed);
    let cis = intervals(design, l, t, &shares, settings);
    let per_class: Vec<u64> = inputs.labelled.iter().map(|r| r.iter().sum()).collect();
    let n: u64 = per_class.iter().sum();
    let row = |c: usize, id: String| CalibratedShare {
        id,
        raw_share: round(raw[c]),
        share: corrected.as_ref().map(|p| round(p[c])),
        ci: cis.as_ref().map(|v| Interval {
            lower: round(v[c].lower),
            upper: round(v[c].upper),
        }),
        labelled: per_class[c],
    };
    // A random sample needs rows of each true reason; one drawn per tag, of each tag.
    let (strata, of) = match design {
        Design::Random => (per_class.clone(), "of"),
        Design::PerTag => (
            (0..k).map(|j| l.iter().map(|r| r[j]).sum()).collect(),
            "tagged",
        ),
    };
    let few: Vec<&str> = (0..k - 1)
        .filter(|&c| strata[c] < SMALL_CLASS)
        .map(|c| inputs.reason_ids[c].as_str())
        .collect();
    let note = (n < SMALL_SAMPLE || !few.is_empty()).then(|| {
        let mut s = format!("the labelled sample is small ({n} rows");
        if !few.is_empty() {
            s.push_str(&format!(
                "; fewer than {SMALL_CLASS} {of} {}",
                few.join(", ")
            ));
        }
        s.push_str("): the corrected shares are rough and their intervals wide");
        s
    });
    Calibration {
        labelled_file: file.to_string(),
        truth_column: column.to_string(),
        labelled_rows: n,
        method: match inputs.design {
            Design::Random => "acc",
            Design::PerTag => "precision",
        },
        resamples: inputs.resamples,
        seed: inputs.seed,
        reasons: (0..k - 1)
            .map(|c| row(c, inputs.reason_ids[c].clone()))
            .collect(),
        none: row(k - 1, "none".to_string()),
        note,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tagger_that_confuses_two_reasons_is_corrected_back() {
        // Truly 50/50 between a and b; the tagger calls a fifth of a's "b"; nothing is none.
        let ids = ["a".to_string(), "b".to_string()];
        let inputs = Inputs {
            reason_ids: &ids,
            labelled: vec![vec![80, 20, 0], vec![0, 100, 0], vec![0, 0, 50]],
            tagged: vec![400, 600, 0],
            confidence: 0.95,
            resamples: 200,
            seed: 1,
            design: Design::Random,
        };
        let c = calibrate(&inputs, "l.csv", "truth");
        assert_eq!(c.reasons[0].raw_share, 0.4);
        let a = c.reasons[0].share.unwrap();
        assert!((a - 0.5).abs() < 1e-6, "{c:#?}");
        let ci = c.reasons[0].ci.unwrap();
        assert!(ci.lower < 0.5 && 0.5 < ci.upper);
        assert_eq!(c.labelled_rows, 250);
        assert_eq!(c.note, None);
        assert_eq!(c.none.share, Some(0.0));
    }

    #[test]
    fn a_small_sample_says_so() {
        let ids = ["a".to_string()];
        let inputs = Inputs {
            reason_ids: &ids,
            labelled: vec![vec![5, 1], vec![1, 5]],
            tagged: vec![10, 10],
            confidence: 0.95,
            resamples: 50,
            seed: 1,
            design: Design::Random,
        };
        let note = calibrate(&inputs, "l.csv", "truth").note.unwrap();
        assert!(
            note.contains("12 rows") && note.contains("fewer than 10 of a"),
            "{note}"
        );
    }
}
