//! The taxonomy: which reasons a departure can be tagged with, what each means, and the rules
//! (phrases per language, coded values) that point to it. Plain data; `classify` compiles it.

mod builtin;

/// A language of the built-in phrase lists (ISO 639-1 code).
pub type Lang = &'static str;

/// The languages the built-in rules cover, in the order they are listed.
pub const LANGUAGES: [Lang; 6] = ["en", "nl", "de", "fr", "es", "ru"];

/// One reason a customer can leave for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    /// Stable identifier used in JSON, flags and configuration (`indifference`).
    pub id: String,
    /// Human label for tables (`Indifference`).
    pub label: String,
    /// What the reason means, in one or two sentences (shown in help and docs).
    pub meaning: String,
    /// Phrase rules, each tagged with its language. Syntax: see [`crate::classify::Pattern`].
    pub phrases: Vec<Phrase>,
}

/// One phrase rule for a reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub lang: String,
    pub text: String,
}

/// A coded answer (e.g. Stripe's `cancellation_details.feedback`) and what it means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodeTarget {
    /// The code names a reason directly.
    Reason(String),
    /// The code says nothing by itself ("other"): look at the free text.
    Text,
}

/// A map from the values of one coded column to reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeMap {
    /// Identifier of the source (`stripe_feedback`).
    pub id: String,
    /// Where the codes come from, for output.
    pub description: String,
    /// Header names (normalized: lowercase letters and digits only) that identify the column.
    pub headers: Vec<String>,
    /// Code value (lowercase) to target, in a stable order.
    pub codes: Vec<(String, CodeTarget)>,
}

/// A taxonomy: reasons in display order (also tie-break priority), coded-value maps and the
/// answers that count as "no answer".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Taxonomy {
    pub reasons: Vec<Reason>,
    pub code_maps: Vec<CodeMap>,
    /// Whole answers that mean "no answer" (matched after normalization).
    pub no_answer: Vec<String>,
}

impl Taxonomy {
    /// The taxonomy compiled into the binary: the six reasons of the classic study.
    pub fn builtin() -> Taxonomy {
        builtin::taxonomy()
    }

    /// Position of a reason by id.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.reasons.iter().position(|r| r.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_has_the_six_classic_reasons_in_order() {
        let t = Taxonomy::builtin();
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
        let t = Taxonomy::builtin();
        for reason in &t.reasons {
            for lang in LANGUAGES {
                assert!(
                    reason.phrases.iter().any(|p| p.lang == lang),
                    "{} has no {lang} phrases",
                    reason.id
                );
            }
        }
    }

    #[test]
    fn builtin_code_targets_name_known_reasons() {
        let t = Taxonomy::builtin();
        for map in &t.code_maps {
            for (code, target) in &map.codes {
                if let CodeTarget::Reason(id) = target {
                    assert!(t.position(id).is_some(), "{code} -> unknown {id}");
                }
            }
        }
    }
}
