//! The words of all rules, compiled once: each distinct rule word gets an id, and an answer's
//! word is looked up as the set of rule-word ids it stands for. A rule word matches
//!
//! - by **stem**: both words reduced with the Snowball stemmer of the rule's language, so one rule
//!   `relocate` matches "relocating", "relocated", "relocation";
//! - as a **prefix** when written `word*` (no stemming);
//! - **exactly** when written `=word` (no stemming, no typo tolerance);
//! - with **one typo** (a letter missing, added, changed or two swapped) when both words are
//!   long (7+ letters) and the first letter agrees: "custmer", "concurent". The written forms
//!   are compared, not stems, which keeps loose matches predictable.
//!   Short words are never matched loosely, which is where typo tolerance would cost precision.

use std::collections::HashMap;

type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;

use rust_stemmers::{Algorithm, Stemmer};

/// Minimum length (in characters) of a written rule word, or of a prefix, matched with a typo.
const TYPO_MIN_WORD: usize = 7;
/// Marks a word id matched only through a typo.
pub const TYPO_BIT: u32 = 1 << 31;

pub use crate::taxonomy::{is_known_language, Kind, STEMMED_LANGUAGES, UNSTEMMED_LANGUAGES};

/// The Snowball stemmer for an ISO 639-1 language code (one of [`STEMMED_LANGUAGES`]).
pub fn algorithm(lang: &str) -> Option<Algorithm> {
    if !STEMMED_LANGUAGES.contains(&lang) {
        return None;
    }
    Some(match lang {
        "ar" => Algorithm::Arabic,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hu" => Algorithm::Hungarian,
        "it" => Algorithm::Italian,
        "no" | "nb" => Algorithm::Norwegian,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        _ => return None,
    })
}

/// One rule word as written (normalized), for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WordInfo {
    pub text: String,
    pub kind: Kind,
}

/// A form that may be matched with one typo: a written word, a stem or a prefix.
#[derive(Debug, Clone)]
struct TypoForm {
    chars: Vec<char>,
    id: u32,
    /// `None`: compare with the answer's word as written; `Some(l)`: with its stem in language
    /// `l`.
    stem_lang: Option<usize>,
    prefix: bool,
}

/// The compiled words of a taxonomy.
pub struct Lexicon {
    stemming: bool,
    typos: bool,
    langs: Vec<(String, Stemmer)>,
    /// Per language (index into `langs`): stem -> id.
    stems: Vec<FastMap<String, u32>>,
    /// Per language: the [`scripts`] of its stems, each once. A stemmer only drops or changes
    /// letters within their script, so a word can only stem to a key whose scripts it has.
    stem_scripts: Vec<Vec<u8>>,
    /// Per language: bit `b` for each ASCII byte `b` a stem starts with. A Snowball stemmer
    /// keeps a word's first letter when it is ASCII (it only changes endings, and the letters
    /// it marks on the way it restores), so a word starting with another ASCII letter has no
    /// stem there.
    stem_firsts: Vec<u128>,
    exact: FastMap<String, u32>,
    /// Prefix rule words by their text, and the lengths (in bytes) they come in, ascending:
    /// a word is looked up once per length, not compared with every prefix.
    prefixes: FastMap<String, Vec<u32>>,
    prefix_lengths: Vec<usize>,
    words: Vec<WordInfo>,
    keys: FastMap<(Kind, usize, String), u32>,
    typo_forms: Vec<TypoForm>,
    /// Deletion keys (a form, and the form minus one character) -> typo forms.
    typo_index: FastMap<String, Vec<u32>>,
    /// By first letter (a typo keeps it): bit `l` set when a word of `l` letters may be a typo
    /// of a whole form (a form's length, one less or one more), and when a word's head of `l`
    /// letters may be a typo of a prefix. Most words of an answer are tried against few
    /// lengths, or none.
    typo_whole: FastMap<char, u64>,
    typo_heads: FastMap<char, u64>,
}

impl std::fmt::Debug for Lexicon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lexicon")
            .field("words", &self.words.len())
            .finish()
    }
}

fn deletions(chars: &[char]) -> impl Iterator<Item = String> + '_ {
    (0..chars.len()).map(move |skip| {
        chars
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != skip)
            .map(|(_, c)| c)
            .collect()
    })
}

/// Whether `a` and `b` are at most one edit apart (insert, delete, substitute, or swap two
/// neighbours), and start with the same character.
fn one_typo(a: &[char], b: &[char]) -> bool {
    if a.first() != b.first() {
        return false;
    }
    let (n, m) = (a.len(), b.len());
    if n.abs_diff(m) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    if prefix == n && prefix == m {
        return true;
    }
    let (ra, rb) = (&a[prefix..], &b[prefix..]);
    if n == m {
        // Substitution, or a swap of neighbours.
        ra[1..] == rb[1..]
            || (ra.len() >= 2 && ra[0] == rb[1] && ra[1] == rb[0] && ra[2..] == rb[2..])
    } else if n > m {
        ra[1..] == *rb
    } else {
        *ra == rb[1..]
    }
}

impl Lexicon {
    /// An empty lexicon. `stemming` and `typos` switch those kinds of matching on.
    pub fn new(stemming: bool, typos: bool) -> Lexicon {
        Lexicon {
            stemming,
            typos,
            langs: Vec::new(),
            stems: Vec::new(),
            stem_scripts: Vec::new(),
            stem_firsts: Vec::new(),
            exact: FastMap::default(),
            prefixes: FastMap::default(),
            prefix_lengths: Vec::new(),
            words: Vec::new(),
            keys: FastMap::default(),
            typo_forms: Vec::new(),
            typo_index: FastMap::default(),
            typo_whole: FastMap::default(),
            typo_heads: FastMap::default(),
        }
    }

    /// Whether some rule word starts with a digit (so that a number in an answer may match).
    pub fn has_numbers(&self) -> bool {
        self.words
            .iter()
            .any(|w| w.text.starts_with(|c: char| c.is_ascii_digit()))
    }

    /// Information on a word id (without the typo bit).
    pub fn word(&self, id: u32) -> &WordInfo {
        &self.words[(id & !TYPO_BIT) as usize]
    }

    fn lang_index(&mut self, lang: &str) -> Option<usize> {
        if !self.stemming {
            return None;
        }
        if let Some(i) = self.langs.iter().position(|(l, _)| l == lang) {
            return Some(i);
        }
        let algorithm = algorithm(lang)?;
        self.langs
            .push((lang.to_string(), Stemmer::create(algorithm)));
        self.stems.push(FastMap::default());
        self.stem_scripts.push(Vec::new());
        self.stem_firsts.push(0);
        Some(self.langs.len() - 1)
    }

    fn add_typo_form(&mut self, chars: Vec<char>, id: u32, stem_lang: Option<usize>, prefix: bool) {
        let index = self.typo_forms.len() as u32;
        let mut keys: Vec<String> = deletions(&chars).collect();
        keys.push(chars.iter().collect());
        keys.sort();
        keys.dedup();
        for key in keys {
            self.typo_index.entry(key).or_default().push(index);
        }
        if let Some(&first) = chars.first() {
            let m = chars.len();
            let lengths = (m.saturating_sub(1)..=m + 1)
                .filter(|&l| l < 64)
                .fold(0u64, |bits, l| bits | 1 << l);
            let map = if prefix {
                &mut self.typo_heads
            } else {
                &mut self.typo_whole
            };
            *map.entry(first).or_default() |= lengths;
        }
        self.typo_forms.push(TypoForm {
            chars,
            id,
            stem_lang,
            prefix,
        });
    }

    /// The id of a rule word (already normalized), adding it if new.
    pub fn intern(&mut self, word: &str, kind: Kind, lang: &str) -> u32 {
        let lang_index = match kind {
            Kind::Stem => self.lang_index(lang),
            _ => None,
        };
        // Without a stemmer (stemming off, language `any`, or a language of
        // [`UNSTEMMED_LANGUAGES`]) a plain word matches exactly.
        let kind = if kind == Kind::Stem && lang_index.is_none() {
            Kind::Exact
        } else {
            kind
        };
        let key = match (kind, lang_index) {
            (Kind::Stem, Some(l)) => self.langs[l].1.stem(word).into_owned(),
            _ => word.to_string(),
        };
        let slot = (kind, lang_index.unwrap_or(usize::MAX), key.clone());
        if let Some(&id) = self.keys.get(&slot) {
            return id;
        }
        let id = self.words.len() as u32;
        self.keys.insert(slot, id);
        self.words.push(WordInfo {
            text: word.to_string(),
            kind,
        });
        match kind {
            Kind::Stem => {
                let l = lang_index.expect("stem words have a language");
                self.stems[l].insert(key.clone(), id);
                let s = scripts(&key);
                if !self.stem_scripts[l].contains(&s) {
                    self.stem_scripts[l].push(s);
                }
                if let Some(&b) = key.as_bytes().first().filter(|b| b.is_ascii()) {
                    self.stem_firsts[l] |= 1 << b;
                }
            }
            Kind::Exact => {
                self.exact.insert(key.clone(), id);
            }
            Kind::Prefix => {
                self.prefixes.entry(key.clone()).or_default().push(id);
                if let Err(at) = self.prefix_lengths.binary_search(&key.len()) {
                    self.prefix_lengths.insert(at, key.len());
                }
            }
        }
        if self.typos {
            let chars: Vec<char> = word.chars().collect();
            let all_letters = chars.iter().all(|c| c.is_alphabetic());
            match kind {
                Kind::Stem if all_letters && chars.len() >= TYPO_MIN_WORD => {
                    self.add_typo_form(chars, id, None, false);
                }
                Kind::Prefix if all_letters && chars.len() >= TYPO_MIN_WORD => {
                    self.add_typo_form(chars, id, None, true);
                }
                _ => {}
            }
        }
        id
    }

    /// The ids of every rule word that `token` (a normalized word of an answer) stands for,
    /// sorted; ids matched only through a typo carry [`TYPO_BIT`].
    pub fn lookup(&self, token: &str) -> Box<[u32]> {
        let mut ids: Vec<u32> = Vec::new();
        if let Some(&id) = self.exact.get(token) {
            ids.push(id);
        }
        // Every Snowball stemmer leaves a number as it is (a test checks it), so numbers, which
        // make so many answers unique ("order 48213"), are not stemmed six times over.
        let number = is_number(token);
        let has = scripts(token);
        let first = token.as_bytes().first().copied().filter(u8::is_ascii);
        for (l, (_, stemmer)) in self.langs.iter().enumerate() {
            // A Cyrillic word has no English stem, a Latin one no Russian stem; a word whose
            // first letter no stem of the language has, none either.
            if !self.stem_scripts[l].iter().any(|&s| s & !has == 0)
                || first.is_some_and(|b| self.stem_firsts[l] & 1 << b == 0)
            {
                continue;
            }
            let stem = if number {
                std::borrow::Cow::Borrowed(token)
            } else {
                stemmer.stem(token)
            };
            if let Some(&id) = self.stems[l].get(stem.as_ref()) {
                ids.push(id);
            }
        }
        for &len in &self.prefix_lengths {
            let Some(head) = token.get(..len) else {
                // Too short, or `len` is inside a character (no prefix ends there).
                if token.len() < len {
                    break;
                }
                continue;
            };
            if let Some(found) = self.prefixes.get(head) {
                ids.extend_from_slice(found);
            }
        }
        if self.typos && !self.typo_forms.is_empty() {
            self.typo_lookup(token, &mut ids);
        }
        ids.sort_unstable();
        ids.dedup_by(|a, b| (*a & !TYPO_BIT) == (*b & !TYPO_BIT));
        ids.into_boxed_slice()
    }

    fn typo_lookup(&self, token: &str, ids: &mut Vec<u32>) {
        // The token's characters, and their byte offsets (a key is two slices of the token).
        let (chars, mut bounds): (Vec<char>, Vec<usize>) =
            token.char_indices().map(|(i, c)| (c, i)).unzip();
        // Only long words of the answer are read loosely: short ones are too often another
        // real word ("gestor" is not a typo of "gestorben").
        if chars.len() < TYPO_MIN_WORD || !chars.iter().all(|c| c.is_alphabetic()) {
            return;
        }
        let exact: Vec<u32> = ids.clone();
        // One buffer for every key: the candidate, and the candidate less each character but
        // the first: a typo keeps the first letter (`one_typo`), and then some edit that is not
        // at the first letter always explains it, so the keys without it are never needed.
        let mut key = String::with_capacity(token.len());
        bounds.push(token.len());
        let mut consider = |candidate: &[char], stem_lang: Option<usize>, prefix: bool| {
            let end = bounds[candidate.len()];
            for skip in 1..=candidate.len() {
                key.clear();
                if skip == candidate.len() {
                    key.push_str(&token[..end]);
                } else {
                    key.push_str(&token[..bounds[skip]]);
                    key.push_str(&token[bounds[skip + 1]..end]);
                }
                for &f in self.typo_index.get(key.as_str()).into_iter().flatten() {
                    let form = &self.typo_forms[f as usize];
                    if form.stem_lang == stem_lang
                        && form.prefix == prefix
                        && !exact.contains(&form.id)
                        && one_typo(candidate, &form.chars)
                    {
                        // Sorts after the exact id; dedup keeps the exact one.
                        ids.push(form.id | TYPO_BIT);
                    }
                }
            }
        };
        let first = chars[0];
        let whole = self.typo_whole.get(&first).copied().unwrap_or(0);
        if chars.len() < 64 && whole & 1 << chars.len() != 0 {
            consider(&chars, None, false);
        }
        let mut heads = self.typo_heads.get(&first).copied().unwrap_or(0);
        while heads != 0 {
            let len = heads.trailing_zeros() as usize;
            heads &= heads - 1;
            if len > chars.len() {
                break;
            }
            if len >= 2 {
                consider(&chars[..len], None, true);
            }
        }
    }
}

/// What the classifier knows of one word of an answer, looked up once per run.
#[derive(Debug, Clone, Default)]
pub struct WordInfoCached {
    /// The rule words it stands for (see [`Lexicon::lookup`]).
    pub ids: Box<[u32]>,
    /// Languages in which it is a negation cue (0: none).
    pub cue: u32,
    /// Whether it ends a negation's reach ("but").
    pub contrast: bool,
    /// The regex rules a match of which can start (end) in it: bit `r` for rule `r` (see
    /// `gate`).
    pub regex_starts: u64,
    pub regex_ends: u64,
}

/// The scripts of a word's characters, one bit each: Cyrillic, Greek, Arabic, Tamil, and any
/// other character (Latin letters, digits, ...).
pub fn scripts(word: &str) -> u8 {
    word.chars().fold(0, |bits, c| {
        bits | match c {
            '\u{0400}'..='\u{052F}' => 2,
            '\u{0370}'..='\u{03FF}' | '\u{1F00}'..='\u{1FFF}' => 4,
            '\u{0600}'..='\u{06FF}' | '\u{0750}'..='\u{077F}' => 8,
            '\u{0B80}'..='\u{0BFF}' => 16,
            _ => 1,
        }
    })
}

/// Whether a word is all ASCII digits.
pub fn is_number(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit())
}

/// Per-run memory of word lookups: answers repeat their vocabulary, so most words are looked up
/// once per run. One hash lookup per word of an answer.
///
/// On answers with a large vocabulary the cache outgrows the processor's caches and each lookup
/// waits on memory, so it is kept dense: words of up to 16 bytes (almost all) are keys packed
/// into integers (no key stored elsewhere to compare), and a word the rules know nothing of
/// (most words) is a marker in the map, with no entry of its own to read.
#[derive(Debug, Default)]
pub struct WordCache {
    short: HashMap<u64, u32, foldhash::fast::RandomState>,
    medium: HashMap<u128, u32, foldhash::fast::RandomState>,
    index: HashMap<String, u32, foldhash::fast::RandomState>,
    words: Vec<WordInfoCached>,
    /// Entries in the maps.
    entries: usize,
    /// What is known of a word with no entry in `words`: nothing.
    nothing: WordInfoCached,
}

/// Entries kept before the cache is emptied (bounds memory on huge, varied inputs).
const CACHE_LIMIT: usize = 500_000;

/// The value of a word the rules know nothing of.
const NOTHING: u32 = u32::MAX;

/// A word's key: its bytes packed into an integer when it has 1 to 16 bytes, none of them 0 (so
/// that different words differ), else the word itself.
enum Key<'a> {
    Short(u64),
    Medium(u128),
    Long(&'a str),
}

fn key(token: &str) -> Key<'_> {
    let bytes = token.as_bytes();
    if bytes.len() > 16 || bytes.contains(&0) {
        return Key::Long(token);
    }
    let mut key = 0u128;
    for (i, &b) in bytes.iter().enumerate() {
        key |= u128::from(b) << (8 * i);
    }
    if bytes.len() <= 8 {
        Key::Short(key as u64)
    } else {
        Key::Medium(key)
    }
}

impl WordInfoCached {
    /// Whether the rules know nothing of the word.
    fn is_nothing(&self) -> bool {
        self.ids.is_empty()
            && self.cue == 0
            && !self.contrast
            && self.regex_starts == 0
            && self.regex_ends == 0
    }
}

impl WordCache {
    /// The information on `token`, from the cache or from `look_up`.
    pub fn get(
        &mut self,
        token: &str,
        look_up: impl FnOnce(&str) -> WordInfoCached,
    ) -> &WordInfoCached {
        let key = key(token);
        let found = match key {
            Key::Short(k) => self.short.get(&k),
            Key::Medium(k) => self.medium.get(&k),
            Key::Long(w) => self.index.get(w),
        };
        let i = match found {
            Some(&i) => i,
            None => {
                if self.entries >= CACHE_LIMIT {
                    self.short.clear();
                    self.medium.clear();
                    self.index.clear();
                    self.words.clear();
                    self.entries = 0;
                }
                let info = look_up(token);
                let i = if info.is_nothing() {
                    NOTHING
                } else {
                    self.words.push(info);
                    (self.words.len() - 1) as u32
                };
                self.entries += 1;
                match key {
                    Key::Short(k) => self.short.insert(k, i),
                    Key::Medium(k) => self.medium.insert(k, i),
                    Key::Long(w) => self.index.insert(w.to_string(), i),
                };
                i
            }
        };
        match i {
            NOTHING => &self.nothing,
            i => &self.words[i as usize],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_word_cache_tells_words_apart() {
        let mut cache = WordCache::default();
        let words = [
            "a",
            "ab",
            "ba",
            "abcdefgh",
            "abcdefghi",
            "abcdefgi",
            "abcdefghijklmnop",
            "abcdefghijklmnoq",
            "abcdefghijklmnopq",
            "bbcdefghijklmnopq",
            "é",
            "\u{0}a",
            "a\u{0}",
        ];
        for (n, w) in words.iter().enumerate() {
            let info = cache.get(w, |_| WordInfoCached {
                cue: n as u32,
                ..WordInfoCached::default()
            });
            assert_eq!(info.cue, n as u32, "{w:?}");
        }
        for (n, w) in words.iter().enumerate() {
            assert_eq!(
                cache.get(w, |_| unreachable!("cached")).cue,
                n as u32,
                "{w:?}"
            );
        }
        assert!(matches!(key("abcdefgh"), Key::Short(_)));
        assert!(matches!(key("abcdefghi"), Key::Medium(_)));
        assert!(matches!(key("abcdefghijklmnop"), Key::Medium(_)));
        assert!(matches!(key("abcdefghijklmnopq"), Key::Long(_)));
        assert!(matches!(key("a\u{0}"), Key::Long(_)));
    }

    #[test]
    fn one_typo_edits() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(one_typo(&c("customer"), &c("custmer")));
        assert!(one_typo(&c("replied"), &c("replyed")));
        assert!(one_typo(&c("switched"), &c("swicthed")));
        assert!(one_typo(&c("concurrent"), &c("concurent")));
        assert!(one_typo(&c("expensive"), &c("expensive")));
        assert!(!one_typo(&c("expensive"), &c("xpensive")), "first letter");
        assert!(!one_typo(&c("customer"), &c("costumr")));
    }

    #[test]
    fn stems_prefixes_and_exact_words() {
        let mut lex = Lexicon::new(true, true);
        let relocate = lex.intern("relocate", Kind::Stem, "en");
        let konkur = lex.intern("konkurren", Kind::Prefix, "de");
        let friend = lex.intern("friend", Kind::Exact, "en");
        let price = lex.intern("цена", Kind::Stem, "ru");
        let has = |t: &str, id: u32| lex.lookup(t).iter().any(|&i| i & !TYPO_BIT == id);
        for t in ["relocating", "relocated", "relocation", "relocate"] {
            assert!(has(t, relocate), "{t}");
        }
        assert!(has("konkurrenz", konkur));
        assert!(has("friend", friend));
        assert!(!has("friendly", friend));
        // Typos: in a long word, yes; the typo bit says so.
        assert_eq!(lex.lookup("relcoate").as_ref(), [relocate | TYPO_BIT]);
        assert!(has("konkurenz", konkur), "prefix with a typo");
        // Languages stem separately: a Russian rule matches inflected Russian.
        assert!(has("цены", price) && has("цену", price));
    }

    /// Every stemmer keeps an ASCII first letter (what skipping languages by first letter
    /// relies on), on words of every shape: endings, marks it sets and restores (`y`, `u`,
    /// `i` between vowels), short words, numbers mixed in.
    #[test]
    fn stemmers_keep_an_ascii_first_letter() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        let alphabet: Vec<char> = "abcdefghijklmnopqrstuvwxyzyyiiuuaeo0".chars().collect();
        let extra = [
            "yes", "yield", "you", "ying", "yttria", "uier", "iu", "y", "a", "ß", "ÿa",
        ];
        for lang in [
            "en", "nl", "de", "fr", "es", "it", "pt", "sv", "da", "no", "fi", "hu", "ro", "tr",
        ] {
            let stemmer = Stemmer::create(algorithm(lang).unwrap());
            let words = (0..3000).map(|_| {
                let n = 1 + next() as usize % 12;
                (0..n)
                    .map(|_| alphabet[next() as usize % alphabet.len()])
                    .collect::<String>()
            });
            for w in words.chain(extra.iter().map(|s| s.to_string())) {
                let stem = stemmer.stem(&w);
                if let Some(c) = w.chars().next().filter(char::is_ascii) {
                    assert_eq!(stem.chars().next(), Some(c), "{lang}: {w} -> {stem}");
                }
            }
        }
    }

    /// Stemmers are skipped for words of another script, never for a rule word of that script
    /// in the language's list: a Latin word in a Russian rule still matches.
    #[test]
    fn scripts_skip_stemmers_only_where_no_stem_can_match() {
        let mut lex = Lexicon::new(true, false);
        let wifi = lex.intern("wifi", Kind::Stem, "ru");
        let price = lex.intern("цена", Kind::Stem, "ru");
        let relocate = lex.intern("relocate", Kind::Stem, "en");
        let pre = lex.intern("konkur", Kind::Prefix, "de");
        let short = lex.intern("ко", Kind::Prefix, "ru");
        let has = |t: &str, id: u32| lex.lookup(t).iter().any(|&i| i & !TYPO_BIT == id);
        assert!(has("wifi", wifi) && has("цене", price) && has("relocation", relocate));
        assert!(!has("цене", relocate) && !has("relocation", price));
        assert_eq!(scripts("wifi"), 1);
        assert_eq!(scripts("цена"), 2);
        assert_eq!(scripts("wi-фи"), 3);
        // Prefixes of every length, by bytes, also for multi-byte letters.
        assert!(has("konkurrenz", pre) && has("конкурент", short) && !has("k", pre));
    }

    #[test]
    fn stemmers_leave_numbers_alone() {
        for (lang, _) in [
            ("en", 0),
            ("nl", 0),
            ("de", 0),
            ("fr", 0),
            ("es", 0),
            ("ru", 0),
            ("it", 0),
            ("pt", 0),
            ("sv", 0),
        ] {
            let stemmer = Stemmer::create(algorithm(lang).unwrap());
            for n in (0..100_000).step_by(7).chain([1, 10, 100, 1000, 2026]) {
                let t = n.to_string();
                assert_eq!(stemmer.stem(&t), t.as_str(), "{lang}: {t}");
            }
        }
    }

    #[test]
    fn polish_is_known_and_matches_exact_words_and_prefixes() {
        assert!(is_known_language("pl"));
        assert!(algorithm("pl").is_none(), "no Snowball stemmer for Polish");
        for lang in STEMMED_LANGUAGES {
            assert!(algorithm(lang).is_some(), "{lang} has a stemmer");
        }
        assert!(!is_known_language("xx") && !is_known_language("klingon"));
        let mut lex = Lexicon::new(true, true);
        let drogo = lex.intern("drogo", Kind::Stem, "pl");
        let rezygn = lex.intern("rezygn", Kind::Prefix, "pl");
        assert_eq!(lex.word(drogo).kind, Kind::Exact);
        let has = |t: &str, id: u32| lex.lookup(t).iter().any(|&i| i & !TYPO_BIT == id);
        assert!(has("drogo", drogo));
        assert!(!has("drogi", drogo), "a plain Polish word is not stemmed");
        for t in ["rezygnuje", "rezygnacja", "zrezygnowalem"] {
            assert_eq!(has(t, rezygn), t.starts_with("rezygn"), "{t}");
        }
    }

    #[test]
    fn short_words_never_match_loosely() {
        let mut lex = Lexicon::new(true, true);
        let moved = lex.intern("moving", Kind::Stem, "en");
        assert!(!lex.lookup("loving").contains(&(moved | TYPO_BIT)));
        let mut strict = Lexicon::new(true, false);
        let id = strict.intern("customer", Kind::Stem, "en");
        assert!(strict.lookup("custmer").is_empty(), "{id}");
    }
}
