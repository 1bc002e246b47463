//! Competitors named in the answers: the `[competitors]` of churn.toml (an id and the names it
//! goes by), found in the answers of customers who left for something better or on someone's
//! advice; and, without such a list, the names those answers give after "switched to", "went
//! with", "gewechselt zu", "passé chez" ..., proposed for the user to confirm (never counted).

use aho_corasick::{AhoCorasick, MatchKind};

/// The most competitors a configuration may name (a tag keeps the index in a byte).
pub const MAX_COMPETITORS: usize = 250;

/// The reasons whose answers are searched for a competitor: customers lost to someone.
pub const LOST_TO: [&str; 2] = ["better_product", "friend_referral"];

/// A competitor: its id, the name it is shown by, and the names the answers call it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Competitor {
    pub id: String,
    /// The first of its names.
    pub label: String,
    pub names: Vec<String>,
}

/// Competitors compiled for finding in answers.
#[derive(Debug, Clone)]
pub struct Finder {
    matcher: Option<AhoCorasick>,
    /// Per pattern, its competitor.
    owner: Vec<u8>,
}

impl Finder {
    pub fn new(competitors: &[Competitor]) -> anyhow::Result<Finder> {
        anyhow::ensure!(
            competitors.len() <= MAX_COMPETITORS,
            "at most {MAX_COMPETITORS} competitors may be named"
        );
        let mut patterns = Vec::new();
        let mut owner = Vec::new();
        for (i, c) in competitors.iter().enumerate() {
            for name in &c.names {
                patterns.push(name.trim().to_lowercase());
                owner.push(i as u8);
            }
        }
        let matcher = if patterns.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostLongest)
                    .build(&patterns)?,
            )
        };
        Ok(Finder { matcher, owner })
    }

    /// Whether any competitor is named.
    pub fn is_empty(&self) -> bool {
        self.matcher.is_none()
    }

    /// The competitor an answer names first (a name as a whole word, any case), and whether
    /// the answer says it went there ("switched to HubSpot": the name right after one of
    /// [`WENT_TO`]).
    pub fn find(&self, text: &str) -> Option<(u8, bool)> {
        let matcher = self.matcher.as_ref()?;
        let lower = text.to_lowercase();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let mut named = matcher.find_iter(&lower).filter(|m| {
            !word(lower[..m.start()].chars().next_back()) && !word(lower[m.end()..].chars().next())
        });
        let first = named.next()?;
        let went = |m: &aho_corasick::Match| {
            let before = lower[..m.start()].trim_end();
            WENT_TO.iter().any(|cue| before.ends_with(cue))
        };
        let owner = |m: &aho_corasick::Match| self.owner[m.pattern().as_usize()];
        if went(&first) {
            return Some((owner(&first), true));
        }
        // A later name the answer says it went to beats an earlier one it only mentions.
        Some(match named.find(|m| went(m)) {
            Some(m) => (owner(&m), true),
            None => (owner(&first), false),
        })
    }
}

/// Words that say where a customer went, per language; the name follows them.
const WENT_TO: [&str; 28] = [
    "switched to",
    "switching to",
    "moved to",
    "moving to",
    "went with",
    "going with",
    "migrated to",
    "replaced you with",
    "changed to",
    "gewechselt zu",
    "wechseln zu",
    "umgestiegen auf",
    "passé chez",
    "passés chez",
    "passée chez",
    "partis chez",
    "parti chez",
    "pasé a",
    "pasamos a",
    "cambié a",
    "cambiamos a",
    "me cambié a",
    "mudei para",
    "mudamos para",
    "troquei para",
    "overgestapt naar",
    "перешли на",
    "перешёл на",
];

/// Words that may follow "switched to" and are no name.
const NOT_NAMES: [&str; 16] = [
    "A", "An", "The", "Another", "Other", "Our", "My", "Their", "Some", "In", "Un", "Une", "Einen",
    "Einem", "Eine", "Otro",
];

/// The [`WENT_TO`] cues, compiled once (ASCII letters in any case).
fn cues() -> &'static AhoCorasick {
    static CUES: std::sync::OnceLock<AhoCorasick> = std::sync::OnceLock::new();
    CUES.get_or_init(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(WENT_TO)
            .expect("the cues compile")
    })
}

/// The name an answer gives after "switched to", "gewechselt zu", ...: one to three
/// capitalised words (`HubSpot`, `Google Workspace`), or `None`. Asked of every tagged answer
/// when no competitors are named, so one pass finds the cues.
pub fn proposed(text: &str) -> Option<String> {
    cues().find_iter(text).find_map(|m| {
        let word_start = !text[..m.start()]
            .chars()
            .next_back()
            .is_some_and(char::is_alphanumeric);
        word_start.then(|| name_at(&text[m.end()..])).flatten()
    })
}

/// Capitalised words at the start of `rest` (after spaces), up to three, as a name; a name
/// ends at punctuation.
fn name_at(rest: &str) -> Option<String> {
    let mut words = Vec::new();
    for raw in rest.split_whitespace().take(3) {
        let w = raw.trim_end_matches(|c: char| !c.is_alphanumeric());
        let starts_upper = w.chars().next().is_some_and(char::is_uppercase);
        if !starts_upper || NOT_NAMES.contains(&w) {
            break;
        }
        words.push(w);
        if w.len() < raw.len() {
            break;
        }
    }
    (!words.is_empty()).then(|| words.join(" "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn competitors() -> Vec<Competitor> {
        let c = |id: &str, names: &[&str]| Competitor {
            id: id.into(),
            label: names[0].into(),
            names: names.iter().map(|s| s.to_string()).collect(),
        };
        vec![
            c("hubspot", &["HubSpot", "Hub Spot"]),
            c("pipedrive", &["Pipedrive"]),
            c("sber", &["Сбер", "Сбербанк"]),
        ]
    }

    #[test]
    fn a_competitor_is_found_by_any_name_in_any_case_as_a_word() {
        let f = Finder::new(&competitors()).unwrap();
        assert_eq!(f.find("We moved to hubspot last month"), Some((0, true)));
        assert_eq!(
            f.find("went with Hub Spot, then Pipedrive"),
            Some((0, true))
        );
        assert_eq!(
            f.find("Pipedrive is cheaper than HubSpot"),
            Some((1, false))
        );
        assert_eq!(
            f.find("HubSpot was too dear, so we switched to Pipedrive"),
            Some((1, true))
        );
        assert_eq!(f.find("перешли на СБЕРБАНК"), Some((2, true)));
        assert_eq!(f.find("HubSpotter is not a name"), None);
        assert_eq!(f.find("no name here"), None);
        assert!(Finder::new(&[]).unwrap().is_empty());
    }

    #[test]
    fn names_after_went_to_are_proposed() {
        assert_eq!(proposed("We switched to HubSpot."), Some("HubSpot".into()));
        assert_eq!(
            proposed("moved to Google Workspace, cheaper"),
            Some("Google Workspace".into())
        );
        assert_eq!(proposed("Wir sind zu Lexware gewechselt"), None);
        assert_eq!(
            proposed("gewechselt zu Lexware Office"),
            Some("Lexware Office".into())
        );
        assert_eq!(
            proposed("Nous sommes passés chez Sellsy"),
            Some("Sellsy".into())
        );
        assert_eq!(proposed("switched to another tool"), None);
        assert_eq!(proposed("switched to The competitor"), None);
        assert_eq!(proposed("we went with a cheaper option"), None);
    }
}
