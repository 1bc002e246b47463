//! Which regex rules can match an answer, known from its words before any regex runs.
//!
//! Every match of a regex starts with one of its prefix literals and ends with one of its suffix
//! literals (regex-syntax extracts both). A normalized answer is words joined by single spaces,
//! so a match's first non-space byte lies in some word: the word holds the literal (less its
//! leading spaces), or ends with the literal's first bytes up to a space in it. Likewise at the
//! match's end. Each
//! distinct word is checked once (the word cache keeps the result), and a regex runs only on
//! answers with a word where one of its matches could start and a word where one could end.
//! A regex whose literals say nothing (`.*price`, a match that may be empty) always runs.

use regex_syntax::hir::literal::{ExtractKind, Extractor};

/// Regexes past this many always run (a word keeps one bit per regex).
pub const GATED: usize = 64;

#[derive(Debug, Default)]
pub struct Gates {
    /// For each gated regex: the literals its matches start with (leading spaces dropped) and
    /// end with (trailing spaces dropped); `None` when they do not bound the matches.
    starts: Vec<Option<Vec<Vec<u8>>>>,
    ends: Vec<Option<Vec<Vec<u8>>>>,
    /// Regexes whose start (end) is not gated.
    open_start: u64,
    open_end: u64,
    /// Regexes a match of which may start (end) in a word of digits.
    digit_start: u64,
    digit_end: u64,
}

/// Where a regex's matches can start (or end): its literals, spaces at that edge dropped.
fn literals(pattern: &str, kind: ExtractKind) -> Option<Vec<Vec<u8>>> {
    let hir = regex_syntax::parse(pattern).ok()?;
    let prefix = matches!(kind, ExtractKind::Prefix);
    let seq = Extractor::new().kind(kind).extract(&hir);
    let mut out = Vec::new();
    for lit in seq.literals()? {
        let bytes = lit.as_bytes();
        let at_edge = |b: &&u8| **b == b' ';
        let spaces = if prefix {
            bytes.iter().take_while(at_edge).count()
        } else {
            bytes.iter().rev().take_while(at_edge).count()
        };
        let trimmed = if prefix {
            &bytes[spaces..]
        } else {
            &bytes[..bytes.len() - spaces]
        };
        // A match that may start (end) with spaces only: no word tells.
        if trimmed.is_empty() {
            return None;
        }
        out.push(trimmed.to_vec());
    }
    Some(out)
}

/// Whether a match that starts with `lit` can start in `word`: the word holds it, or ends with
/// its first bytes up to a space (the literal goes on in the next word).
fn can_start(word: &[u8], lit: &[u8]) -> bool {
    contains(word, lit)
        || (1..lit.len().min(word.len() + 1)).any(|k| lit[k] == b' ' && word.ends_with(&lit[..k]))
}

/// Whether a match that ends with `lit` can end in `word`: the word holds it, or starts with
/// its last bytes after a space (the literal began in an earlier word).
fn can_end(word: &[u8], lit: &[u8]) -> bool {
    contains(word, lit)
        || (1..lit.len().min(word.len() + 1))
            .any(|k| lit[lit.len() - k - 1] == b' ' && word.starts_with(&lit[lit.len() - k..]))
}

fn contains(word: &[u8], lit: &[u8]) -> bool {
    lit.len() <= word.len() && word.windows(lit.len()).any(|w| w == lit)
}

fn bits(sets: &[Option<Vec<Vec<u8>>>], mut keep: impl FnMut(&[u8]) -> bool) -> u64 {
    sets.iter().enumerate().fold(0, |m, (r, set)| match set {
        Some(lits) if lits.iter().any(|l| keep(l)) => m | 1 << r,
        _ => m,
    })
}

impl Gates {
    pub fn new<'a>(patterns: impl IntoIterator<Item = &'a str>) -> Gates {
        let mut g = Gates::default();
        for (r, p) in patterns.into_iter().take(GATED).enumerate() {
            let (s, e) = (
                literals(p, ExtractKind::Prefix),
                literals(p, ExtractKind::Suffix),
            );
            if s.is_none() {
                g.open_start |= 1 << r;
            }
            if e.is_none() {
                g.open_end |= 1 << r;
            }
            g.starts.push(s);
            g.ends.push(e);
        }
        let digit = |l: &[u8]| l.iter().any(u8::is_ascii_digit);
        g.digit_start = bits(&g.starts, digit);
        g.digit_end = bits(&g.ends, digit);
        g
    }

    /// The regexes a match of which can start in `word`, and those one of which can end there.
    pub fn word(&self, word: &str) -> (u64, u64) {
        let w = word.as_bytes();
        (
            bits(&self.starts, |l| can_start(w, l)),
            bits(&self.ends, |l| can_end(w, l)),
        )
    }

    /// [`Gates::word`] for a word of ASCII digits (without looking at it).
    pub fn number(&self) -> (u64, u64) {
        (self.digit_start, self.digit_end)
    }

    /// The gated regexes to run on an answer, from the bits of its words put together.
    pub fn to_run(&self, starts: u64, ends: u64) -> u64 {
        (starts | self.open_start) & (ends | self.open_end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::classify::lexicon::is_number;
    use crate::classify::normalize;
    use proptest::prelude::*;

    const PATTERNS: &[&str] = &[
        // The built-in kind: words, a gap, a verdict.
        "(^| )(support|service|team)( [^ ]+){0,2} (rude|awful|a joke)( |$)",
        // Inside words, across words, digits, no literal at all, empty matches.
        "port",
        "rt te",
        "ice c",
        r"\d+ days",
        "2 4",
        ".*price",
        "^$",
        "x*",
        r"\bbad\b",
        "(?i)SLOW",
        "ужасн[^ ]*",
        "(cheap|expensive)$",
        "^(too|very)",
    ];

    const WORDS: &[&str] = &[
        "support",
        "supported",
        "port",
        "airport",
        "team",
        "rude",
        "awful",
        "a",
        "joke",
        "jokes",
        "the",
        "was",
        "service",
        "ice",
        "cream",
        "nice",
        "30",
        "2",
        "4",
        "24",
        "days",
        "price",
        "pricey",
        "bad",
        "badly",
        "slow",
        "ужасно",
        "cheap",
        "expensive",
        "too",
        "very",
        "rt",
        "te",
        "art",
        "tea",
    ];

    proptest! {
        #![proptest_config(ProptestConfig { cases: 3000, ..ProptestConfig::default() })]

        /// The gate never hides a match: whenever a regex matches a normalized answer, the
        /// answer's words let it run.
        #[test]
        fn a_regex_that_matches_is_never_gated_out(
            picks in prop::collection::vec(0..WORDS.len(), 0..8),
        ) {
            let gates = Gates::new(PATTERNS.iter().copied());
            let text = picks.iter().map(|&i| WORDS[i]).collect::<Vec<_>>().join(" ");
            let normalized = normalize(&text);
            let (mut starts, mut ends) = (0, 0);
            for word in normalized.split(' ').filter(|w| !w.is_empty()) {
                let (s, e) = if is_number(word) { gates.number() } else { gates.word(word) };
                starts |= s;
                ends |= e;
            }
            let run = gates.to_run(starts, ends);
            for (r, p) in PATTERNS.iter().enumerate() {
                if regex::Regex::new(p).unwrap().is_match(&normalized) {
                    prop_assert!(run & 1 << r != 0, "{p:?} matches {normalized:?} but is gated out");
                }
            }
        }
    }

    #[test]
    fn most_answers_run_no_built_in_regex() {
        let taxonomy = crate::taxonomy::Taxonomy::builtin();
        let patterns: Vec<&str> = taxonomy
            .reasons
            .iter()
            .flat_map(|r| r.regex.iter().map(String::as_str))
            .collect();
        assert!(patterns.len() >= 5);
        let gates = Gates::new(patterns.iter().copied());
        // Every start is gated; not the ends of the German and Russian rules, whose verdicts end
        // in `[^ ]*`.
        assert_eq!((gates.open_start, gates.open_end), (0, 0b11000));
        let run = |text: &str| {
            let (s, e) = text
                .split(' ')
                .map(|w| gates.word(w))
                .fold((0, 0), |a, b| (a.0 | b.0, a.1 | b.1));
            gates.to_run(s, e)
        };
        assert_eq!(run("found a cheaper alternative"), 0);
        // No verdict: only the German rule (its end is not gated) runs.
        assert_eq!(run("the support team answered quickly"), 1 << 3);
        assert_eq!(run("support was rude"), 1 | 1 << 3);
        assert_eq!(run("soporte pesimo"), 1 << 2);
    }
}
