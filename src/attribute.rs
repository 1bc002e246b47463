//! Attribution: run the classifier over every row and count where each row ended up, so that
//! rows read = tagged + unclassified + no answer + rejected, always. Pure over iterators of
//! `(text, code)` pairs; the frame is unpacked by the caller.

use std::collections::BTreeMap;

use crate::classify::{Classifier, CodeLookup, Outcome, Source};

/// Where every row went.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tally {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    /// Rows that could not be read. A malformed file is an error for now, so this stays 0 until
    /// rows can be skipped.
    pub rejected: usize,
    /// Tagged rows per reason, by taxonomy index.
    pub by_reason: Vec<usize>,
    /// Tagged rows whose reason came from a code, per reason.
    pub from_code: Vec<usize>,
    /// Coded values no code map knows, with how often each occurred (these rows fell back to
    /// their text).
    pub unknown_codes: BTreeMap<String, usize>,
}

impl Tally {
    /// Whether every row is accounted for exactly once.
    pub fn balanced(&self) -> bool {
        self.read == self.tagged + self.unclassified + self.no_answer + self.rejected
            && self.tagged == self.by_reason.iter().sum::<usize>()
    }
}

/// Classify every `(text, code)` row and count the outcomes.
pub fn tally<'a>(
    classifier: &Classifier,
    reasons: usize,
    rows: impl Iterator<Item = (Option<&'a str>, Option<&'a str>)>,
) -> Tally {
    let mut t = Tally {
        by_reason: vec![0; reasons],
        from_code: vec![0; reasons],
        ..Tally::default()
    };
    let mut scratch = String::new();
    for (text, code) in rows {
        t.read += 1;
        let lookup = code.map_or(CodeLookup::Blank, |c| classifier.lookup_code(c));
        if let (CodeLookup::Unknown, Some(c)) = (lookup, code) {
            *t.unknown_codes.entry(c.trim().to_string()).or_default() += 1;
        }
        match classifier.classify(text, lookup, &mut scratch) {
            Outcome::Tagged { reason, source } => {
                t.tagged += 1;
                t.by_reason[reason] += 1;
                if source == Source::Code {
                    t.from_code[reason] += 1;
                }
            }
            Outcome::Unclassified => t.unclassified += 1,
            Outcome::NoAnswer => t.no_answer += 1,
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::Taxonomy;

    #[test]
    fn every_row_lands_in_exactly_one_bucket() {
        let tax = Taxonomy::builtin();
        let c = Classifier::new(&tax).unwrap();
        let rows = [
            (Some("rude staff"), None),
            (Some("qwerty"), None),
            (None, None),
            (Some("n/a"), Some("too_expensive")),
            (None, Some("bogus_code")),
            (Some("we moved abroad"), Some("bogus_code")),
            (None, Some("other")),
        ];
        let t = tally(&c, tax.reasons.len(), rows.into_iter());
        assert_eq!(
            (t.read, t.tagged, t.unclassified, t.no_answer),
            (7, 3, 3, 1)
        );
        assert!(t.balanced());
        assert_eq!(t.by_reason, [0, 1, 0, 0, 1, 1]);
        assert_eq!(t.from_code, [0, 0, 0, 0, 1, 0]);
        assert_eq!(t.unknown_codes.get("bogus_code"), Some(&2));
    }
}
