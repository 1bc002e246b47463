//! The taxonomy: which reasons a departure can be tagged with, what each means, and the rules
//! (phrases per language, regexes, coded values, negation words) that point to it. Plain data;
//! `config` reads it from TOML (the built-in one is `builtin.toml`), `classify` compiles it.

use crate::normalize::{normalize_into, Normalized};

/// The most reasons a taxonomy may have.
pub const MAX_REASONS: usize = 128;

/// The most sub-reasons a reason may have.
pub const MAX_SUBS: usize = 64;

/// Languages (ISO 639-1) whose rule words match by their Snowball stem.
pub const STEMMED_LANGUAGES: [&str; 19] = [
    "ar", "da", "nl", "en", "fi", "fr", "de", "el", "hu", "it", "no", "nb", "pt", "ro", "ru", "es",
    "sv", "ta", "tr",
];

/// Languages rules may be written in that have no Snowball stemmer: their plain words match
/// exactly as written (after normalization), and `word*` prefixes carry the inflection. Polish
/// inflects too much for exact words alone, so its rules lean on prefixes (`rezygn*`, `drog*`).
pub const UNSTEMMED_LANGUAGES: [&str; 1] = ["pl"];

/// Language codes a rule may be tagged with: those with a stemmer, those known to have none
/// ([`UNSTEMMED_LANGUAGES`]), and `any` (no stemming).
pub fn is_known_language(lang: &str) -> bool {
    lang == "any" || UNSTEMMED_LANGUAGES.contains(&lang) || STEMMED_LANGUAGES.contains(&lang)
}

/// How one written rule word matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    Stem,
    Prefix,
    Exact,
}

/// Split a written phrase into `(normalized word, kind)` pairs. `word*` is a prefix, `=word`
/// exact; normalization may split one written word ("co-worker", "didn't") into several.
pub fn phrase_words(phrase: &str, fold_accents: bool) -> Vec<(String, Kind)> {
    let mut words = Vec::new();
    let mut n = Normalized::default();
    for raw in phrase.split_whitespace() {
        let (raw, exact) = match raw.strip_prefix('=') {
            Some(rest) => (rest, true),
            None => (raw, false),
        };
        let (body, prefix) = match raw.strip_suffix('*') {
            Some(body) => (body, true),
            None => (raw, false),
        };
        normalize_into(body, fold_accents, &mut n);
        let last = n.tokens.len().saturating_sub(1);
        for i in 0..n.tokens.len() {
            let kind = if exact {
                Kind::Exact
            } else if prefix && i == last {
                Kind::Prefix
            } else {
                Kind::Stem
            };
            words.push((n.word(i).to_string(), kind));
        }
    }
    words
}

/// One reason a customer can leave for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable identifier used in JSON, flags and configuration (`indifference`).
    pub id: String,
    /// Human label for tables (`Indifference`).
    pub label: String,
    /// What the reason means, in one or two sentences (shown in help and docs).
    pub meaning: String,
    /// Breaks ties between reasons stated at the same word: higher wins.
    pub priority: i32,
    /// Whether the business could have prevented this departure (`false` for death and
    /// relocation); rolled up as controllable against uncontrollable churn.
    pub controllable: bool,
    /// Whether, in a long answer (a review, a complaint: more than
    /// [`crate::classify::LONG_ANSWER`] words), this reason's phrases count as hints: a death or
    /// a closing told in a long complaint is mostly its scene (an estate handled badly), not why
    /// the customer left.
    pub story_hint: bool,
    /// Phrase rules, each tagged with its language. Syntax: see [`phrase_words`].
    pub phrases: Vec<Phrase>,
    /// Weak phrases: they decide only when no phrase of any reason matched.
    pub hints: Vec<Phrase>,
    /// Regular expressions matched against the normalized answer.
    pub regex: Vec<String>,
    /// Reasons (ids) more specific than this one that the text may refine a code to: a code
    /// that names `better_product` and an answer that says a friend recommended the other
    /// provider is `friend_referral`. Any other reason the text states disagrees with the code.
    pub refined_by: Vec<String>,
    /// Its second level: what, within the reason, the customer left over (`price` under
    /// `dissatisfaction`). A sub-reason's rules are the reason's rules too: a match of one tags
    /// the row with the reason, and says the sub-reason.
    pub subs: Vec<SubReason>,
}

/// What, within a reason, a customer left over (`dissatisfaction` -> `price`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubReason {
    /// Stable identifier, unique within its reason (`price`); `reason.sub` elsewhere.
    pub id: String,
    pub label: String,
    pub meaning: String,
    pub phrases: Vec<Phrase>,
    pub hints: Vec<Phrase>,
    pub regex: Vec<String>,
}

impl Reason {
    /// Its phrases and those of its sub-reasons.
    pub fn all_phrases(&self) -> impl Iterator<Item = &Phrase> {
        self.phrases
            .iter()
            .chain(self.subs.iter().flat_map(|s| &s.phrases))
    }

    /// Its hints and those of its sub-reasons.
    pub fn all_hints(&self) -> impl Iterator<Item = &Phrase> {
        self.hints
            .iter()
            .chain(self.subs.iter().flat_map(|s| &s.hints))
    }

    /// Its regexes and those of its sub-reasons.
    pub fn all_regex(&self) -> impl Iterator<Item = &String> {
        self.regex
            .iter()
            .chain(self.subs.iter().flat_map(|s| &s.regex))
    }

    /// Whether it has no rule at all (phrase, hint or regex), nor has any sub-reason.
    pub fn has_no_rules(&self) -> bool {
        let empty =
            |p: &[Phrase], h: &[Phrase], r: &[String]| p.is_empty() && h.is_empty() && r.is_empty();
        empty(&self.phrases, &self.hints, &self.regex)
            && self
                .subs
                .iter()
                .all(|s| empty(&s.phrases, &s.hints, &s.regex))
    }

    /// Position of a sub-reason by id.
    pub fn sub_position(&self, id: &str) -> Option<usize> {
        self.subs.iter().position(|s| s.id == id)
    }
}

/// One phrase (or word list entry) in a language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    /// ISO 639-1 code, or `any`.
    pub lang: String,
    pub text: String,
}

/// What a coded answer means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeTarget {
    /// The code names a reason directly.
    Reason(String),
    /// The code says nothing by itself ("other"): look at the free text.
    Text,
    /// The subscription ended without the customer choosing to leave (a failed payment).
    Involuntary,
    /// The code carries no answer at all (Stripe's `cancellation_requested`): as if blank.
    Nothing,
}

/// A map from the values of one coded column to reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMap {
    /// Identifier of the source (`stripe_feedback`).
    pub id: String,
    /// Where the codes come from, for output.
    pub description: String,
    /// Header names, squashed (lowercase letters and digits only), that identify the column.
    pub headers: Vec<String>,
    /// Whether a column whose values are mostly these codes is read even under another header.
    pub detect_by_values: bool,
    /// Code value (lowercase) to target, in a stable order.
    pub codes: Vec<(String, CodeTarget)>,
}

/// Negation handling: a cue word cancels the matches that follow it closely in its clause.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NegationRules {
    pub enabled: bool,
    /// How many words after a cue a match may start and still be cancelled.
    pub window: usize,
    /// Words that negate ("not", "nicht", "pas"), per language: a cue only cancels matches of
    /// rules in its language (Dutch "pas" means "just").
    pub cues: Vec<Phrase>,
    /// Phrases in which a cue does not negate ("no longer", "nicht mehr", "ya no").
    pub keep: Vec<Phrase>,
    /// Words that end a cue's reach ("but", "aber", "mais").
    pub breaks: Vec<Phrase>,
}

/// How answers and rules are compared.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Matching {
    /// Drop accents on both sides ("déménagé" matches "demenage").
    pub fold_accents: bool,
    /// Reduce words to their Snowball stem in the rule's language.
    pub stemming: bool,
    /// Tolerate one typo in long words.
    pub typos: bool,
    /// How many other words may stand between two words of a phrase ("not very helpful").
    pub max_gap: usize,
    /// When a code and the text name different reasons, whether the code is counted (else the
    /// text's reason: the customer's own words, and often a reason no code can say, as no
    /// Stripe code says "a friend recommended them"). Either way the conflict is reported.
    pub code_wins: bool,
}

/// A taxonomy: reasons in display order (also the last tie-break), coded-value maps, the
/// answers that count as "no answer", negation and matching settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    pub reasons: Vec<Reason>,
    pub code_maps: Vec<CodeMap>,
    /// Whole answers that mean "no answer" (matched after normalization).
    pub no_answer: Vec<String>,
    /// `[junk]`: typed answers that are no answer (keyboard mash, test entries).
    pub junk: crate::junk::JunkRules,
    pub negation: NegationRules,
    pub matching: Matching,
    /// `[competitors]`: named in the answers of customers lost to one (see
    /// [`crate::competitors`]).
    pub competitors: Vec<crate::competitors::Competitor>,
}

impl Taxonomy {
    /// Position of a reason by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.reasons.iter().position(|r| r.id == id)
    }

    /// Position of a reason, and of its sub-reason, by `reason` or `reason.sub`.
    pub fn target(&self, id: &str) -> Option<(usize, Option<usize>)> {
        match id.split_once('.') {
            None => self.position(id).map(|r| (r, None)),
            Some((reason, sub)) => {
                let r = self.position(reason)?;
                Some((r, Some(self.reasons[r].sub_position(sub)?)))
            }
        }
    }

    /// `reason.sub` of a reason's sub-reason, or the reason's id.
    pub fn target_id(&self, reason: usize, sub: Option<usize>) -> String {
        let r = &self.reasons[reason];
        match sub {
            Some(s) => format!("{}.{}", r.id, r.subs[s].id),
            None => r.id.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    /// The languages the built-in rules cover.
    const LANGUAGES: [&str; 10] = ["en", "nl", "de", "fr", "es", "ru", "it", "pt", "pl", "sv"];

    #[test]
    fn builtin_has_the_six_classic_reasons_in_order() {
        let t = crate::config::builtin_taxonomy();
        let ids: Vec<&str> = t.reasons.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "died",
                "moved",
                "friend_referral",
                "better_product",
                "dissatisfaction",
                "indifference"
            ]
        );
    }

    #[test]
    fn builtin_covers_every_language_for_every_reason() {
        let t = crate::config::builtin_taxonomy();
        for reason in &t.reasons {
            for lang in LANGUAGES {
                assert!(
                    reason.all_phrases().any(|p| p.lang == lang),
                    "{} has no {lang} phrases",
                    reason.id
                );
            }
        }
        for lang in LANGUAGES {
            assert!(
                t.negation.cues.iter().any(|p| p.lang == lang),
                "no {lang} negation"
            );
        }
    }
}
