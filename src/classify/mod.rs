//! Classify one answer: compile a [`Taxonomy`] into matchers once, then give every row exactly one
//! [`Outcome`]: tagged with a reason, unclassified (an answer no rule matched) or no answer.
//! Pure: works on `&str`, knows nothing of files or frames.

mod normalize;

use std::collections::{BTreeMap, HashMap};

use aho_corasick::{AhoCorasick, MatchKind};

pub use normalize::{normalize, normalize_into};

use crate::taxonomy::{CodeTarget, Taxonomy};

/// One word of a compiled phrase: matched whole, or as a prefix when the rule wrote `word*`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Word {
    text: String,
    prefix: bool,
}

impl Word {
    fn matches(&self, token: &str) -> bool {
        if self.prefix {
            token.starts_with(&self.text)
        } else {
            token == self.text
        }
    }
}

/// A compiled phrase rule: a sequence of words that must follow each other in the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pattern {
    words: Vec<Word>,
    reason: usize,
}

impl Pattern {
    /// Compile a phrase as written in the taxonomy (see `taxonomy::builtin` for the syntax).
    /// Returns `None` for a phrase with no letters or digits.
    pub fn compile(phrase: &str, reason: usize) -> Option<Pattern> {
        let mut words = Vec::new();
        for raw in phrase.split_whitespace() {
            let (body, prefix) = match raw.strip_suffix('*') {
                Some(body) => (body, true),
                None => (raw, false),
            };
            // Normalization may split one written word ("n.a.", "co-worker") into several; the
            // prefix mark belongs to the last of them.
            let normalized = normalize(body);
            let parts: Vec<&str> = normalized.split(' ').filter(|w| !w.is_empty()).collect();
            let last = parts.len().saturating_sub(1);
            for (i, part) in parts.iter().enumerate() {
                words.push(Word {
                    text: part.to_string(),
                    prefix: prefix && i == last,
                });
            }
        }
        (!words.is_empty()).then_some(Pattern { words, reason })
    }
}

/// Where a row's reason came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    /// A coded value (e.g. Stripe's `too_expensive`).
    Code,
    /// A phrase in the free-text answer.
    Text,
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Attributed to the reason at this index of the taxonomy.
    Tagged { reason: usize, source: Source },
    /// An answer was given, but no rule matched it.
    Unclassified,
    /// Blank, or an answer that means no answer ("n/a", "-", "prefer not to say").
    NoAnswer,
}

/// How a coded value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLookup {
    /// Blank cell.
    Blank,
    /// Maps to a reason.
    Reason(usize),
    /// A known code that defers to the text ("other").
    Text,
    /// A value no code map knows.
    Unknown,
}

/// A rule that matched an answer, with where it matched (in normalized words).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMatch {
    pub reason: usize,
    /// Byte offset of the match in the normalized answer.
    pub start: usize,
    /// Number of words matched.
    pub words: usize,
}

/// A taxonomy compiled for matching. Build once, classify many rows.
#[derive(Debug, Clone)]
pub struct Classifier {
    /// Aho-Corasick over the distinct first words of all patterns.
    first_words: AhoCorasick,
    /// For each first-word literal (by AC pattern id), the patterns that start with it.
    by_first_word: Vec<Vec<Pattern>>,
    no_answer: std::collections::HashSet<String>,
    /// Lowercase code value to what it means, resolved once.
    codes: HashMap<String, CodeLookup>,
}

impl Classifier {
    /// Compile `taxonomy`. Fails only if a code maps to a reason the taxonomy does not have.
    pub fn new(taxonomy: &Taxonomy) -> anyhow::Result<Classifier> {
        // Group patterns by the literal text of their first word; the AC automaton finds those
        // literals, the rest of each pattern is checked word by word.
        let mut groups: BTreeMap<String, Vec<Pattern>> = BTreeMap::new();
        for (index, reason) in taxonomy.reasons.iter().enumerate() {
            for phrase in &reason.phrases {
                if let Some(pattern) = Pattern::compile(&phrase.text, index) {
                    let first = pattern.words[0].text.clone();
                    let group = groups.entry(first).or_default();
                    if !group.contains(&pattern) {
                        group.push(pattern);
                    }
                }
            }
        }
        let literals: Vec<&String> = groups.keys().collect();
        let first_words = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&literals)?;
        let by_first_word = groups.into_values().collect();

        let mut codes = HashMap::new();
        for map in &taxonomy.code_maps {
            for (code, target) in &map.codes {
                let lookup = match target {
                    CodeTarget::Reason(id) => match taxonomy.position(id) {
                        Some(index) => CodeLookup::Reason(index),
                        None => anyhow::bail!(
                            "code `{code}` of `{}` maps to unknown reason `{id}`",
                            map.id
                        ),
                    },
                    CodeTarget::Text => CodeLookup::Text,
                };
                codes.insert(code.to_lowercase(), lookup);
            }
        }
        Ok(Classifier {
            first_words,
            by_first_word,
            no_answer: taxonomy.no_answer.iter().map(|a| normalize(a)).collect(),
            codes,
        })
    }

    /// Read a coded value.
    pub fn lookup_code(&self, code: &str) -> CodeLookup {
        let code = code.trim();
        if code.is_empty() {
            return CodeLookup::Blank;
        }
        self.codes
            .get(&code.to_lowercase())
            .copied()
            .unwrap_or(CodeLookup::Unknown)
    }

    /// Every rule that matches the already-normalized answer, ordered so the primary reason
    /// comes first: the one stated first; at the same word the longer phrase, then the reason
    /// listed first in the taxonomy.
    pub fn matches(&self, normalized: &str) -> Vec<RuleMatch> {
        let mut found = Vec::new();
        let bytes = normalized.as_bytes();
        for m in self.first_words.find_overlapping_iter(normalized) {
            let start = m.start();
            // A phrase starts at the start of a word (normalized text separates words by one
            // space).
            if start > 0 && bytes[start - 1] != b' ' {
                continue;
            }
            for pattern in &self.by_first_word[m.pattern().as_usize()] {
                let mut words = normalized[start..].split(' ');
                if pattern
                    .words
                    .iter()
                    .all(|w| words.next().is_some_and(|t| w.matches(t)))
                {
                    found.push(RuleMatch {
                        reason: pattern.reason,
                        start,
                        words: pattern.words.len(),
                    });
                }
            }
        }
        found.sort_by_key(|m| (m.start, std::cmp::Reverse(m.words), m.reason));
        found
    }

    /// Classify a free-text answer. `scratch` is reused between calls to avoid allocation.
    pub fn classify_text(&self, text: &str, scratch: &mut String) -> Outcome {
        normalize_into(text, scratch);
        if scratch.is_empty() || self.no_answer.contains(scratch.as_str()) {
            return Outcome::NoAnswer;
        }
        match self.matches(scratch).first() {
            Some(m) => Outcome::Tagged {
                reason: m.reason,
                source: Source::Text,
            },
            None => Outcome::Unclassified,
        }
    }

    /// Classify a row from its free-text answer and its coded value as read by
    /// [`Classifier::lookup_code`] (`CodeLookup::Blank` when there is no code column).
    /// A code that names a reason wins; "other", an unknown code or no code defer to the text.
    /// A row with a code but no usable text is unclassified, not "no answer": the customer
    /// did answer.
    pub fn classify(
        &self,
        text: Option<&str>,
        lookup: CodeLookup,
        scratch: &mut String,
    ) -> Outcome {
        if let CodeLookup::Reason(reason) = lookup {
            return Outcome::Tagged {
                reason,
                source: Source::Code,
            };
        }
        let from_text = self.classify_text(text.unwrap_or(""), scratch);
        match (from_text, lookup) {
            (Outcome::NoAnswer, CodeLookup::Text | CodeLookup::Unknown) => Outcome::Unclassified,
            (outcome, _) => outcome,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classifier() -> Classifier {
        Classifier::new(&Taxonomy::builtin()).unwrap()
    }

    fn tag(text: &str) -> Option<&'static str> {
        let c = classifier();
        let ids = [
            "died",
            "moved",
            "friend_referral",
            "better_product",
            "dissatisfaction",
            "indifference",
        ];
        match c.classify_text(text, &mut String::new()) {
            Outcome::Tagged { reason, .. } => Some(ids[reason]),
            Outcome::Unclassified => None,
            Outcome::NoAnswer => Some("<no answer>"),
        }
    }

    #[test]
    fn prefix_words_match_word_starts_only() {
        let p = Pattern::compile("relocat*", 0).unwrap();
        assert!(p.words[0].matches("relocation"));
        assert!(!p.words[0].matches("unrelocatable"));
        let p = Pattern::compile("co-worker*", 0).unwrap();
        assert_eq!(p.words.len(), 2);
        assert!(!p.words[0].prefix && p.words[1].prefix);
    }

    #[test]
    fn phrases_match_whole_words_in_sequence() {
        assert_eq!(tag("We are relocating to Spain"), Some("moved"));
        assert_eq!(tag("the app kept CRASHING"), Some("dissatisfaction"));
        // "friendly" is not "friend".
        assert_eq!(tag("not user friendly at all"), Some("dissatisfaction"));
        assert_eq!(tag("they called me back within the hour"), None);
        // A stem inside a phrase: "follow* up".
        assert_eq!(
            tag("Nobody followed up after the demo"),
            Some("indifference")
        );
        assert_eq!(tag("no one is following up"), None);
        assert_eq!(tag("they never called back"), Some("indifference"));
    }

    #[test]
    fn each_language_has_working_rules() {
        assert_eq!(
            tag("Support never answered my emails"),
            Some("indifference")
        );
        assert_eq!(tag("We zijn verhuisd naar Gent"), Some("moved"));
        assert_eq!(
            tag("Ein Kollege hat uns X empfohlen"),
            Some("friend_referral")
        );
        assert_eq!(tag("Trop cher pour ce que c'est"), Some("dissatisfaction"));
        assert_eq!(
            tag("Nos cambiamos a la competencia"),
            Some("better_product")
        );
        assert_eq!(tag("Компания обанкротилась"), Some("died"));
        assert_eq!(tag("Déménagement à l'étranger"), Some("moved"));
        assert_eq!(tag("Хамство менеджера"), Some("indifference"));
    }

    #[test]
    fn french_staff_stem_does_not_match_english_employer() {
        // Regression: `employe*` (French "employé") matched "employer" in a real export.
        assert_eq!(tag("Resignation-Other employer"), None);
        assert_eq!(tag("L'employé était désagréable"), Some("indifference"));
    }

    #[test]
    fn the_reason_stated_first_wins() {
        assert_eq!(
            tag("Switched to a competitor because support ignored us"),
            Some("better_product")
        );
        assert_eq!(
            tag("Support ignored us, so we switched to a competitor"),
            Some("indifference")
        );
        // At the same word, the longer phrase wins ("slow support" over "slow").
        assert_eq!(tag("slow support and bugs"), Some("indifference"));
    }

    #[test]
    fn no_answer_forms() {
        for blank in [
            "",
            "  ",
            "-",
            "N/A",
            "n.a.",
            "None",
            "no comment",
            "Prefer not to say",
            "???",
            "нет",
            "Keine Angabe",
        ] {
            assert_eq!(tag(blank), Some("<no answer>"), "{blank:?}");
        }
        // An answer that merely contains a no-answer word is still an answer.
        assert_eq!(tag("none of my questions got an answer"), None);
    }

    #[test]
    fn codes_win_and_other_defers_to_text() {
        let c = classifier();
        let s = &mut String::new();
        let code = |text: Option<&str>, code: &str| {
            c.classify(text, c.lookup_code(code), &mut String::new())
        };
        assert!(matches!(
            code(Some("rude staff"), "too_expensive"),
            Outcome::Tagged {
                reason: 4,
                source: Source::Code
            }
        ));
        assert!(matches!(
            code(Some("rude staff"), "other"),
            Outcome::Tagged {
                reason: 5,
                source: Source::Text
            }
        ));
        assert_eq!(code(None, "other"), Outcome::Unclassified);
        assert_eq!(code(Some(""), "made_up_code"), Outcome::Unclassified);
        assert!(matches!(
            code(None, " Unused "),
            Outcome::Tagged { reason: 1, .. }
        ));
        assert_eq!(c.classify(None, CodeLookup::Blank, s), Outcome::NoAnswer);
        assert_eq!(
            c.classify(Some("n/a"), c.lookup_code(""), s),
            Outcome::NoAnswer
        );
    }
}
