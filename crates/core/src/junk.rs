//! Junk: something was typed, but it is no answer. Keyboard mash ("asdfgh", "sdfsdf",
//! "фывапр"), test entries ("test", "prueba", "тест", "lorem ipsum ..."), one character or a
//! short run repeated ("aaaa", "lololol"), long words without a vowel ("dfghjk"), and single
//! letters. Such an answer is counted as no answer, with `junk:<check>` as its evidence.
//!
//! Only an answer that no rule tagged is looked at, and only when every one of its words is
//! junk: a real one-word answer ("price", "Umzug", "переезд") never is, nor is an answer with
//! one real word among the mash. The checks, and the test entries, are set in `[junk]` of
//! churn.toml (see docs/taxonomy.md).

use std::collections::HashSet;

use crate::normalize::{normalize_into, Normalized};

/// One check of the junk rule set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Junk {
    /// The whole answer is a test entry or placeholder from `[junk] entries`.
    Entry,
    /// Runs of neighbouring keys of one keyboard row (QWERTY, QWERTZ, AZERTY, ЙЦУКЕН).
    Keyboard,
    /// One character, or a run of up to four, repeated three times or more.
    Repeated,
    /// A word of five letters or more without a vowel, in an answer not typed in capitals
    /// (which would be an acronym).
    NoVowels,
    /// Single letters only (not a capital alone, which may be a code: "A" for agree). Numbers
    /// are not junk: they may be a choice's code or an amount.
    NoWords,
}

impl Junk {
    /// Every check, in the order they are tried.
    pub const ALL: [Junk; 5] = [
        Junk::Entry,
        Junk::Keyboard,
        Junk::Repeated,
        Junk::NoVowels,
        Junk::NoWords,
    ];

    /// The check's name in `[junk] checks` and in the evidence (`junk:keyboard`).
    pub fn id(self) -> &'static str {
        match self {
            Junk::Entry => "entries",
            Junk::Keyboard => "keyboard",
            Junk::Repeated => "repeated",
            Junk::NoVowels => "no_vowels",
            Junk::NoWords => "no_words",
        }
    }

    /// A check by its name.
    pub fn from_id(id: &str) -> Option<Junk> {
        Junk::ALL.into_iter().find(|j| j.id() == id)
    }

    /// What the check recognizes, for `explain`.
    pub fn describe(self) -> &'static str {
        match self {
            Junk::Entry => "a test entry or placeholder ([junk] entries)",
            Junk::Keyboard => "keyboard mash: runs of neighbouring keys",
            Junk::Repeated => "a character or a short run repeated",
            Junk::NoVowels => "a long word without a vowel",
            Junk::NoWords => "single letters, no word",
        }
    }
}

/// The junk rule set as the taxonomy holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JunkRules {
    /// The checks that are on (none: junk is read like any other answer).
    pub checks: Vec<Junk>,
    /// Whole answers that are test entries, matched after normalization, repeated words and
    /// trailing numbers dropped ("test test", "test 123" are "test"). One ending in `*` also
    /// matches an answer that starts with it ("lorem ipsum*").
    pub entries: Vec<String>,
}

/// The rows of the keyboards whose mash is recognized; neighbours in a row are neighbouring
/// keys.
const ROWS: [&str; 11] = [
    "qwertyuiop",
    "asdfghjkl",
    "zxcvbnm",
    "qwertzuiop",
    "yxcvbnm",
    "azertyuiop",
    "qsdfghjklm",
    "wxcvbn",
    "йцукенгшщзхъ",
    "фывапролджэ",
    "ячсмитьбю",
];

/// Letters counted as vowels (accents kept or folded).
const VOWELS: &str = "aeiouyàáâãäåæèéêëìíîïòóôõöøùúûüýÿœаеёиоуыэюяіїє";

/// The junk rule set, ready to look at answers.
#[derive(Debug, Clone)]
pub struct Detector {
    checks: Vec<Junk>,
    entries: HashSet<String>,
    prefixes: Vec<String>,
}

impl Detector {
    /// Compile `rules`, normalizing the entries as answers are.
    pub fn new(rules: &JunkRules, fold_accents: bool) -> Detector {
        let mut n = Normalized::default();
        let (mut entries, mut prefixes) = (HashSet::new(), Vec::new());
        for entry in &rules.entries {
            let (text, prefix) = match entry.trim_end().strip_suffix('*') {
                Some(p) => (p, true),
                None => (entry.as_str(), false),
            };
            normalize_into(text, fold_accents, &mut n);
            if n.text.is_empty() {
                continue;
            }
            if prefix {
                prefixes.push(n.text.clone());
            } else {
                entries.insert(n.text.clone());
            }
        }
        Detector {
            checks: rules.checks.clone(),
            entries,
            prefixes,
        }
    }

    /// Whether any check is on.
    pub fn is_enabled(&self) -> bool {
        !self.checks.is_empty()
    }

    /// Which check finds the answer `text` (normalized as `n`) junk, if one does.
    pub fn detect(&self, n: &Normalized, text: &str) -> Option<Junk> {
        if n.tokens.is_empty() || self.checks.is_empty() {
            return None;
        }
        let words: Vec<&str> = (0..n.tokens.len()).map(|i| n.word(i)).collect();
        if self.on(Junk::Entry) && self.is_entry(&words) {
            return Some(Junk::Entry);
        }
        let joined: String = words.concat();
        let capitals = !text.chars().any(char::is_lowercase);
        let number = joined.chars().all(|c| c.is_ascii_digit());
        if self.on(Junk::Repeated) && !number && repeated(&joined, capitals) {
            return Some(Junk::Repeated);
        }
        let mut found = None;
        // A number beside junk is junk too ("asdfg 123"); numbers alone are not.
        for word in words
            .iter()
            .filter(|w| !w.chars().all(|c| c.is_ascii_digit()))
        {
            let kind = self.word_junk(word, capitals)?;
            found = Some(found.map_or(kind, |k: Junk| k.min(kind)));
        }
        found
    }

    fn on(&self, check: Junk) -> bool {
        self.checks.contains(&check)
    }

    /// Whether the words, repeated words and numbers dropped, are a test entry.
    fn is_entry(&self, words: &[&str]) -> bool {
        let mut core: Vec<&str> = Vec::new();
        for w in words {
            let w = w.trim_end_matches(|c: char| c.is_ascii_digit());
            if !w.is_empty() && core.last() != Some(&w) {
                core.push(w);
            }
        }
        let core = core.join(" ");
        if core.is_empty() {
            return false;
        }
        self.entries.contains(&core)
            || self.prefixes.iter().any(|p| {
                core.strip_prefix(p.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with(' '))
            })
    }

    /// The check that finds one word junk: every word of a junk answer must be.
    fn word_junk(&self, word: &str, capitals: bool) -> Option<Junk> {
        let letters = word.chars().count();
        if self.on(Junk::Keyboard) && letters >= 5 && keyboard(word) {
            return Some(Junk::Keyboard);
        }
        if self.on(Junk::Repeated) && repeated(word, capitals) {
            return Some(Junk::Repeated);
        }
        if self.on(Junk::NoVowels) && !capitals && letters >= 5 && no_vowels(word) {
            return Some(Junk::NoVowels);
        }
        // A capital letter alone may be a code ("A" for agree), and a number a choice's code
        // (a Qualtrics export of numeric values) or an amount: neither is junk.
        let letter = letters == 1 && word.chars().all(char::is_alphabetic) && !capitals;
        (self.on(Junk::NoWords) && letter && is_alphabet(word)).then_some(Junk::NoWords)
    }
}

/// Whether a word is in an alphabet where one letter is no word (Latin, Greek, Cyrillic; not
/// Chinese, where one character may be one).
fn is_alphabet(word: &str) -> bool {
    word.chars()
        .all(|c| c.is_ascii_alphabetic() || ('\u{00C0}'..='\u{052F}').contains(&c))
}

/// Whether `s` is one character repeated three times or more, or a run of two to four
/// repeated three times or more ("aaa", "lololol", "asdasdasd"). In capitals, four
/// characters at least: "BBB" and "WWW" are names.
fn repeated(s: &str, capitals: bool) -> bool {
    let chars: Vec<char> = s.chars().collect();
    if capitals && chars.len() < 4 {
        return false;
    }
    (1..=4).any(|unit| {
        chars.len() >= unit * 3
            && (unit..chars.len()).all(|i| chars[i] == chars[i - unit])
            && (unit == 1 || chars[..unit].iter().any(|&c| c != chars[0]))
    })
}

/// The direction from key `a` to key `b` on a keyboard row: 1 to the right, -1 to the left, 0
/// when they are not neighbours.
fn step(a: char, b: char) -> i8 {
    for row in ROWS {
        let mut prev = None;
        for (i, c) in row.chars().enumerate() {
            if c == a {
                if prev == Some(b) {
                    return -1;
                }
                if row.chars().nth(i + 1) == Some(b) {
                    return 1;
                }
            }
            prev = Some(c);
        }
    }
    0
}

/// Whether a word is mostly runs of neighbouring keys, each in one direction: at least four
/// fifths of its letters in runs of three keys or more, one of them five or more ("asdfgh",
/// "фывапр"), or six letters or more all in such runs ("sdfsdf", "qweqwe"). A word with a
/// shorter run, or one inside ("Wert", "fazer", "property": "erty"), is not; the common short
/// mash ("asdf", "zxcv") is in the entries.
fn keyboard(word: &str) -> bool {
    let chars: Vec<char> = word.chars().collect();
    let (mut covered, mut longest, mut run, mut dir) = (0, 0, 1, 0i8);
    let mut close = |run: usize| {
        if run >= 3 {
            covered += run;
        }
        longest = longest.max(run);
    };
    for pair in chars.windows(2) {
        let d = step(pair[0], pair[1]);
        if d != 0 && (d == dir || run == 1) {
            run += 1;
            dir = d;
        } else {
            close(run);
            (run, dir) = if d != 0 { (2, d) } else { (1, 0) };
        }
    }
    close(run);
    let n = chars.len();
    (longest >= 5 && covered * 5 >= n * 4) || (covered == n && n >= 6)
}

/// Whether a word of Latin or Cyrillic letters has no vowel.
fn no_vowels(word: &str) -> bool {
    let latin_or_cyrillic = |c: char| {
        c.is_ascii_lowercase()
            || (c.is_alphabetic()
                && (('\u{00C0}'..='\u{024F}').contains(&c)
                    || ('\u{0400}'..='\u{04FF}').contains(&c)))
    };
    word.chars().all(latin_or_cyrillic) && !word.chars().any(|c| VOWELS.contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn detector() -> Detector {
        let t = crate::config::builtin_taxonomy();
        Detector::new(&t.junk, t.matching.fold_accents)
    }

    impl Detector {
        /// [`Detector::detect`] of an answer not normalized yet (accents folded).
        fn detect_text(&self, text: &str) -> Option<Junk> {
            let mut n = Normalized::default();
            normalize_into(text, true, &mut n);
            self.detect(&n, text)
        }
    }

    #[test]
    fn junk_in_six_languages() {
        let d = detector();
        for (text, want) in [
            ("asdfgh", Junk::Keyboard),
            ("qwerty", Junk::Entry),
            ("sdfsdf", Junk::Keyboard),
            ("ASDFG", Junk::Keyboard),
            ("фывапр", Junk::Keyboard),
            ("йцукен", Junk::Keyboard),
            ("aaaaaa", Junk::Repeated),
            ("lololol", Junk::Repeated),
            ("ha ha ha", Junk::Repeated),
            ("dfgdfgd", Junk::NoVowels),
            ("test", Junk::Entry),
            ("Test test 123", Junk::Entry),
            ("testing!!", Junk::Entry),
            ("Lorem ipsum dolor sit amet", Junk::Entry),
            ("prueba", Junk::Entry),
            ("Testeintrag", Junk::Entry),
            ("essai", Junk::Entry),
            ("тест", Junk::Entry),
            ("проверка", Junk::Entry),
            ("teste", Junk::Entry),
            ("prova", Junk::Entry),
            ("dit is een test", Junk::Entry),
            ("k", Junk::NoWords),
            ("j k", Junk::NoWords),
            ("asdfg 123", Junk::Keyboard),
        ] {
            assert_eq!(d.detect_text(text), Some(want), "{text}");
        }
    }

    #[test]
    fn real_answers_are_never_junk() {
        let d = detector();
        for text in [
            "price",
            "Price!",
            "Umzug",
            "переезд",
            "дорого",
            "déménagement",
            "precio",
            "prezzo",
            "preço",
            "cena",
            "prijs",
            "flytt",
            "pris",
            "property",
            "liberty",
            "typewriter",
            "were",
            "tree",
            "SSO",
            "A",
            "N",
            "5",
            "12345",
            "1111",
            "GDPR",
            "HTTPS",
            "CRM",
            "пролог",
            "порода",
            "salads",
            "tested other tools",
            "test period too short",
            "qwerty keyboard broke and support never replied",
            "5 stars elsewhere",
            "too expensive 100",
            "價格",
            "bye bye",
            "couscous",
            "Wert",
            "fazer",
            "reza",
            "BBB",
            "WWW",
        ] {
            assert_eq!(d.detect_text(text), None, "{text}");
        }
    }

    #[test]
    fn checks_can_be_turned_off() {
        let rules = JunkRules {
            checks: vec![Junk::Entry],
            entries: vec!["hello world".into(), "foo*".into()],
        };
        let d = Detector::new(&rules, true);
        assert_eq!(d.detect_text("asdfgh"), None);
        assert_eq!(d.detect_text("Hello, world"), Some(Junk::Entry));
        assert_eq!(d.detect_text("foo bar"), Some(Junk::Entry));
        assert_eq!(d.detect_text("foobar"), None);
        let off = Detector::new(
            &JunkRules {
                checks: vec![],
                entries: vec!["test".into()],
            },
            true,
        );
        assert_eq!(off.detect_text("test"), None);
    }
}
