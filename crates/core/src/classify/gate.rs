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

use aho_corasick::AhoCorasick;
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
    /// Every literal at once, for [`Gates::word`]: one pass over a word finds all it holds.
    finder: Option<AhoCorasick>,
    /// Per literal of `finder`: its regex's bit, and whether it is a start (else an end).
    found: Vec<(u64, bool)>,
    /// A literal's first bytes up to a space in it (a word ending with them can start a match),
    /// and its last bytes after a space (a word starting with them can end one), with the bit.
    heads: Vec<(Vec<u8>, u64)>,
    tails: Vec<(Vec<u8>, u64)>,
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
#[cfg(test)]
fn can_start(word: &[u8], lit: &[u8]) -> bool {
    contains(word, lit)
        || (1..lit.len().min(word.len() + 1)).any(|k| lit[k] == b' ' && word.ends_with(&lit[..k]))
}

/// Whether a match that ends with `lit` can end in `word`: the word holds it, or starts with
/// its last bytes after a space (the literal began in an earlier word).
#[cfg(test)]
fn can_end(word: &[u8], lit: &[u8]) -> bool {
    contains(word, lit)
        || (1..lit.len().min(word.len() + 1))
            .any(|k| lit[lit.len() - k - 1] == b' ' && word.starts_with(&lit[lit.len() - k..]))
}

#[cfg(test)]
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
        g.index();
        g
    }

    /// Build the finder and the heads and tails from `starts` and `ends`.
    fn index(&mut self) {
        let mut patterns: Vec<Vec<u8>> = Vec::new();
        for (sets, start) in [(&self.starts, true), (&self.ends, false)] {
            for (r, lits) in sets.iter().enumerate() {
                for lit in lits.iter().flatten() {
                    let bit = 1u64 << r;
                    patterns.push(lit.clone());
                    self.found.push((bit, start));
                    for k in 1..lit.len() {
                        if start && lit[k] == b' ' {
                            self.heads.push((lit[..k].to_vec(), bit));
                        }
                        if !start && lit[lit.len() - k - 1] == b' ' {
                            self.tails.push((lit[lit.len() - k..].to_vec(), bit));
                        }
                    }
                }
            }
        }
        // Literals are short and few: the automaton always builds; if it did not, every word
        // would open every gate below (safe, only slower).
        self.finder = (!patterns.is_empty())
            .then(|| AhoCorasick::new(&patterns).ok())
            .flatten();
    }

    /// The regexes a match of which can start in `word`, and those one of which can end there.
    pub fn word(&self, word: &str) -> (u64, u64) {
        let w = word.as_bytes();
        let Some(finder) = &self.finder else {
            return if self.found.is_empty() {
                (0, 0)
            } else {
                (u64::MAX, u64::MAX)
            };
        };
        let (mut starts, mut ends) = (0u64, 0u64);
        for m in finder.find_overlapping_iter(w) {
            match self.found[m.pattern().as_usize()] {
                (bit, true) => starts |= bit,
                (bit, false) => ends |= bit,
            }
        }
        for (head, bit) in &self.heads {
            if w.ends_with(head) {
                starts |= bit;
            }
        }
        for (tail, bit) in &self.tails {
            if w.starts_with(tail) {
                ends |= bit;
            }
        }
        (starts, ends)
    }

    /// [`Gates::word`] by testing every literal in turn: the definition, kept as the oracle of
    /// the tests.
    #[cfg(test)]
    fn word_by_definition(&self, word: &str) -> (u64, u64) {
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

    /// The automaton finds what testing every literal in turn finds, for the built-in
    /// regexes and for words that hold, begin or end a literal, or a piece of one.
    #[test]
    fn the_finder_agrees_with_the_definition() {
        let taxonomy = crate::config::builtin_taxonomy();
        let patterns: Vec<&str> = taxonomy
            .reasons
            .iter()
            .flat_map(|r| r.regex.iter().map(String::as_str))
            .chain(["(^| )a b c( |$)", "x+", "(^| )(do|re)mi fa( |$)"])
            .collect();
        let g = Gates::new(patterns);
        let mut words: Vec<String> = [
            "support",
            "xsupportx",
            "rude",
            "rudeness",
            "service",
            "client",
            "a",
            "joke",
            "b",
            "remi",
            "domi",
            "fa",
            "mi",
            "nul",
            "sav",
            "x",
            "",
            "поддержка",
            "ужасно",
            "prix",
        ]
        .iter()
        .map(|w| w.to_string())
        .collect();
        for (lits, _) in [(&g.starts, 0), (&g.ends, 1)] {
            for lit in lits.iter().flatten().flatten() {
                let lit = String::from_utf8_lossy(lit).to_string();
                for piece in lit.split(' ') {
                    words.push(piece.to_string());
                    words.push(format!("{piece}s"));
                    words.push(format!("un{piece}"));
                }
                words.push(lit.replace(' ', ""));
            }
        }
        for w in &words {
            assert_eq!(g.word(w), g.word_by_definition(w), "{w}");
        }
    }
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
        let taxonomy = crate::config::builtin_taxonomy();
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
