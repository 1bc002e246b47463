//! Classify one answer: compile a [`Taxonomy`] into matchers once, then give every row exactly one
//! [`Outcome`]: tagged with one or more reasons, unclassified (an answer no rule matched), no
//! answer, or involuntary (a payment failure, from a code). Pure: works on `&str`, knows nothing
//! of files or frames.
//!
//! Steps for a free-text answer: normalize (see [`normalize`]) -> look every word up in the
//! [`lexicon`] (stems, prefixes, typos) -> find every phrase and regex rule that matches, within a
//! clause -> drop matches a negation reaches ("not because of the price") and matches inside a
//! longer match -> the reason stated first is the primary one; all remaining reasons are the
//! row's reasons.

mod gate;
pub mod lexicon;
mod opinion;
mod recent;

use std::collections::{HashMap, HashSet};

/// Maps looked up once per word of every answer: foldhash with a fixed seed (fast, and the same
/// in every run).
type FastMap<K, V> = HashMap<K, V, foldhash::fast::FixedState>;
type FastSet<K> = HashSet<K, foldhash::fast::FixedState>;

use regex::Regex;

pub use crate::model::DEFAULT_THRESHOLD;
pub use crate::normalize::{
    answer_prefix, normalize, normalize_into, Normalized, Token, MAX_ANSWER_BYTES,
};
pub use crate::taxonomy::{phrase_words, MAX_REASONS};
use lexicon::{Lexicon, WordCache, WordInfoCached, TYPO_BIT};
pub use opinion::{ModelView, LOW_CONFIDENCE};

use crate::taxonomy::{CodeTarget, Taxonomy};

/// Where a row's reason came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    /// A coded value (e.g. Stripe's `too_expensive`).
    Code,
    /// A phrase in the free-text answer.
    Text,
    /// Only hints in the free-text answer (weak rules that decide when nothing else matched).
    Hint,
    /// A code named a reason and the text stated a more specific one the code's reason may be
    /// refined to (`switched_service` + "a friend recommended them": `friend_referral`).
    Refined,
    /// A code named a reason and the text stated another, which is counted
    /// (`[matching] conflicts = "text"`); [`Tag::conflict`] holds the code's reason.
    TextOverCode,
    /// The learned model, where the rules were silent or unsure (see [`opinion`]).
    Model,
    /// A person's correction in an overrides file (see [`crate::overrides`]).
    Override,
}

/// A set of reasons, by taxonomy index (at most [`MAX_REASONS`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct ReasonSet(u128);

/// Answers longer than this many words are long (see [`Classifier::main_reason`]).
pub const LONG_ANSWER: usize = 40;

/// How near (in words) a mention must be to refine the reason stated (see
/// [`Classifier::refined`]).
pub const REFINE_WINDOW: usize = 8;

impl ReasonSet {
    pub fn one(reason: usize) -> ReasonSet {
        ReasonSet(1 << reason)
    }
    pub fn insert(&mut self, reason: usize) {
        self.0 |= 1 << reason;
    }
    pub fn contains(&self, reason: usize) -> bool {
        self.0 & (1 << reason) != 0
    }
    pub fn len(&self) -> usize {
        self.0.count_ones() as usize
    }
    pub fn is_empty(&self) -> bool {
        self.0 == 0
    }
    /// Reasons in taxonomy order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        let mut bits = self.0;
        std::iter::from_fn(move || {
            (bits != 0).then(|| {
                let r = bits.trailing_zeros() as usize;
                bits &= bits - 1;
                r
            })
        })
    }
}

/// A tagged row: its primary reason (stated first) and every reason it states.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Tag {
    pub primary: usize,
    pub reasons: ReasonSet,
    pub source: Source,
    /// When the code and the text disagree, the reason of the side not counted: the text's for
    /// a row tagged by its code ([`Source::Code`]), the code's for one tagged by its text
    /// ([`Source::TextOverCode`]). The disagreement is reported, never hidden.
    pub conflict: Option<u8>,
    /// The primary reason's sub-reason (an index into its `subs`), when the answer or the code
    /// says one.
    pub sub: Option<u8>,
    /// The competitor the answer names (an index into the taxonomy's `competitors`), for a
    /// customer lost to someone (see [`crate::competitors::LOST_TO`]).
    pub competitor: Option<u8>,
}

/// What became of one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Attributed to one or more reasons.
    Tagged(Tag),
    /// An answer was given, but no rule matched it.
    Unclassified,
    /// Blank, or an answer that means no answer ("n/a", "-", "prefer not to say").
    NoAnswer,
    /// A code says the subscription ended without the customer choosing to leave (a failed or
    /// disputed payment): counted, but outside the attribution.
    Involuntary,
}

/// How a coded value was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeLookup {
    /// Blank cell.
    Blank,
    /// Maps to a reason, and maybe to one of its sub-reasons (`too_expensive`:
    /// `dissatisfaction.price`).
    Reason(usize, Option<u8>),
    /// A known code that defers to the text ("other").
    Text,
    /// A known code for involuntary churn (`payment_failed`).
    Involuntary,
    /// A value no code map knows.
    Unknown,
}

impl CodeLookup {
    /// Combine the readings of two code columns: involuntary beats a reason, which beats
    /// "look at the text", which beats unknown and blank.
    pub fn or(self, other: CodeLookup) -> CodeLookup {
        fn rank(c: CodeLookup) -> u8 {
            match c {
                CodeLookup::Involuntary => 4,
                CodeLookup::Reason(..) => 3,
                CodeLookup::Text => 2,
                CodeLookup::Unknown => 1,
                CodeLookup::Blank => 0,
            }
        }
        if rank(other) > rank(self) {
            other
        } else {
            self
        }
    }
}

/// What kind of rule matched.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    Phrase,
    Regex,
}

/// A rule as written in the taxonomy, for explanations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleInfo {
    pub reason: usize,
    pub lang: String,
    pub text: String,
    pub kind: RuleKind,
    /// A hint decides only when no phrase or regex matched.
    pub hint: bool,
    /// The sub-reason it belongs to (an index into its reason's `subs`), if any.
    pub sub: Option<u8>,
}

/// A compiled phrase rule: word ids that must follow each other.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Pattern {
    words: Vec<u32>,
    reason: usize,
    rule: u32,
    lang: u32,
    weak: bool,
}

/// A rule that matched an answer: words `start..end` of the normalized answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMatch {
    pub reason: usize,
    pub rule: u32,
    pub start: usize,
    pub end: usize,
    /// Number of rule words (a phrase matched with a gap spans more answer words).
    pub words: usize,
    /// Whether a word matched only with a typo.
    pub typo: bool,
    /// The word index of the negation that cancels this match.
    pub negated_by: Option<usize>,
    /// Whether a longer match covers this one.
    pub inside_longer: bool,
    /// A hint that another rule's match overrules.
    pub overruled: bool,
    weak: bool,
    lang: u32,
}

impl RuleMatch {
    /// Whether the match counts towards the row's reasons.
    pub fn counts(&self) -> bool {
        self.negated_by.is_none() && !self.inside_longer && !self.overruled
    }
}

/// A negation word found in an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Negation {
    pub word: usize,
    /// Whether it cancels at least one match.
    pub used: bool,
}

/// Everything the classifier saw in one answer.
#[derive(Debug, Clone, Default)]
pub struct Trace {
    pub normalized: Normalized,
    pub matches: Vec<RuleMatch>,
    pub negations: Vec<Negation>,
    /// Word ids per word of the answer: `ids[offsets[i]..offsets[i + 1]]`.
    ids: Vec<u32>,
    offsets: Vec<usize>,
    /// Per word of the answer: the languages it is a negation cue in (0: none), and whether it
    /// ends a negation's reach.
    cues: Vec<u32>,
    contrasts: Vec<bool>,
    /// `(start, end, words)` of the matches not negated (kept between answers).
    spans: Vec<(usize, usize, usize)>,
}

/// Reusable memory for classifying many rows.
#[derive(Debug, Default)]
pub struct Scratch {
    cache: WordCache,
    /// Outcomes of recent answers, for [`Classifier::classify_remembered`].
    recent: recent::Recent,
    trace: Trace,
    /// This thread's copies of the regex rules (each copy has its own search memory, so
    /// threads do not wait on each other), made on first use.
    regexes: Option<Vec<Regex>>,
    /// The second opinion's memory and the last row's confidence.
    opinion: opinion::OpinionScratch,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch::default()
    }
}

/// Bit for a language in a cue's or rule's language set; bit 31 is "any language".
const ANY_LANG: u32 = 1 << 31;

/// The bit of `lang` in a language set: [`ANY_LANG`] for "any", else its place in `langs`
/// (added at the end when new; the 31st and later share bit 30).
fn lang_bit(langs: &mut Vec<String>, lang: &str) -> u32 {
    if lang == "any" {
        return ANY_LANG;
    }
    let i = match langs.iter().position(|l| l == lang) {
        Some(i) => i,
        None => {
            langs.push(lang.to_string());
            langs.len() - 1
        }
    };
    1 << i.min(30)
}

/// An answer's words as phrase matching reads them: the normalized answer, the rule words each
/// word stands for, and whether a word is a negation cue.
#[derive(Clone, Copy)]
struct AnswerWords<'w, 'a> {
    n: &'w Normalized,
    ids: &'w dyn Fn(usize) -> &'a [u32],
    is_cue: &'w dyn Fn(usize) -> bool,
}

/// A taxonomy's rules as [`Classifier::new`] compiles them, before they go into the classifier.
struct CompiledRules {
    patterns: Vec<Pattern>,
    regexes: Vec<(Regex, usize, u32)>,
    /// Every rule as written, by rule number.
    rules: Vec<RuleInfo>,
}

/// A taxonomy compiled for matching. Build once, classify many rows.
#[derive(Debug)]
pub struct Classifier {
    lexicon: Lexicon,
    patterns: Vec<Pattern>,
    /// Patterns by their first word id.
    by_first: Vec<Vec<u32>>,
    regexes: Vec<(Regex, usize, u32)>,
    /// Which regexes can match an answer, from its words.
    gates: gate::Gates,
    rules: Vec<RuleInfo>,
    priority: Vec<i32>,
    /// Per reason, whether its phrases are hints in a long answer (`story_hint` in the taxonomy).
    story_hint: Vec<bool>,
    /// Negation cue -> languages it negates in.
    cues: FastMap<String, u32>,
    /// Phrases in which a cue does not negate ("no longer", "nicht mehr").
    keep: Vec<Vec<String>>,
    /// Words that end a negation's reach ("but", "aber").
    breaks: FastSet<String>,
    no_answer: FastSet<String>,
    /// The longest no-answer form, in bytes (a longer answer is not looked up).
    no_answer_len: usize,
    /// `[junk]`: typed answers that are no answer, when no rule tags them.
    junk: crate::junk::Detector,
    codes: FastMap<String, CodeLookup>,
    /// Whether a code is counted when the text disagrees with it (else the text).
    code_wins: bool,
    /// Per reason, the reasons a text may refine a code of it to.
    refined_by: Vec<ReasonSet>,
    langs: Vec<String>,
    fold_accents: bool,
    /// Whether a number in an answer can mean anything: some rule word, negation cue or
    /// contrast word starts with a digit.
    numbers_matter: bool,
    negation: bool,
    window: usize,
    max_gap: usize,
    /// The learned second opinion, if attached ([`Classifier::with_model`]).
    model: Option<opinion::Attached>,
    /// The competitors named in `[competitors]`.
    competitors: crate::competitors::Finder,
    /// The reasons whose answers name competitors ([`crate::competitors::LOST_TO`]).
    lost_to: ReasonSet,
    /// `moved`, `better_product` and its `competitor` sub-reason, when the taxonomy has them:
    /// an answer that moved to a competitor switched.
    switched: Option<(usize, usize, Option<u8>)>,
}

impl Classifier {
    /// Compile `taxonomy`. Fails if a code maps to a reason the taxonomy does not have, or a
    /// regex does not compile (`churn taxonomy validate` reports these with line numbers).
    pub fn new(taxonomy: &Taxonomy) -> anyhow::Result<Classifier> {
        let m = &taxonomy.matching;
        anyhow::ensure!(
            taxonomy.reasons.len() <= MAX_REASONS,
            "a taxonomy may have at most {MAX_REASONS} reasons"
        );
        let mut lexicon = Lexicon::new(m.stemming, m.typos);
        let mut langs: Vec<String> = Vec::new();
        let CompiledRules {
            patterns,
            rules,
            regexes,
        } = Self::compile_rules(taxonomy, &mut lexicon, &mut langs)?;
        let by_first = Self::by_first_word(&patterns);
        let gates = gate::Gates::new(regexes.iter().map(|(re, _, _)| re.as_str()));

        let mut cues: FastMap<String, u32> = FastMap::default();
        for cue in &taxonomy.negation.cues {
            let bit = lang_bit(&mut langs, &cue.lang);
            for (word, _) in phrase_words(&cue.text, m.fold_accents) {
                *cues.entry(word).or_default() |= bit;
            }
        }
        let keep = taxonomy
            .negation
            .keep
            .iter()
            .map(|p| {
                phrase_words(&p.text, m.fold_accents)
                    .into_iter()
                    .map(|(w, _)| w)
                    .collect()
            })
            .collect();
        let breaks: FastSet<String> = taxonomy
            .negation
            .breaks
            .iter()
            .flat_map(|p| phrase_words(&p.text, m.fold_accents))
            .map(|(w, _)| w)
            .collect();

        let codes = Self::code_lookups(taxonomy)?;
        let digit = |w: &String| w.starts_with(|c: char| c.is_ascii_digit());
        let numbers_matter =
            lexicon.has_numbers() || cues.keys().any(digit) || breaks.iter().any(digit);
        let no_answer = Self::no_answer_forms(taxonomy);
        Ok(Classifier {
            lexicon,
            patterns,
            by_first,
            regexes,
            gates,
            rules,
            priority: taxonomy.reasons.iter().map(|r| r.priority).collect(),
            story_hint: taxonomy.reasons.iter().map(|r| r.story_hint).collect(),
            cues,
            keep,
            breaks,
            no_answer_len: no_answer.iter().map(String::len).max().unwrap_or(0),
            no_answer,
            junk: crate::junk::Detector::new(&taxonomy.junk, m.fold_accents),
            codes,
            code_wins: m.code_wins,
            refined_by: Self::refinements(taxonomy),
            langs,
            fold_accents: m.fold_accents,
            numbers_matter,
            negation: taxonomy.negation.enabled,
            window: taxonomy.negation.window,
            max_gap: m.max_gap,
            model: None,
            competitors: crate::competitors::Finder::new(&taxonomy.competitors)?,
            lost_to: crate::competitors::LOST_TO
                .iter()
                .filter_map(|id| taxonomy.position(id))
                .fold(ReasonSet::default(), |mut set, r| {
                    set.insert(r);
                    set
                }),
            switched: taxonomy
                .position("moved")
                .zip(taxonomy.position("better_product"))
                .map(|(moved, better)| {
                    let sub = taxonomy.reasons[better].sub_position("competitor");
                    (moved, better, sub.and_then(|s| u8::try_from(s).ok()))
                }),
        })
    }

    /// Every rule of every reason, in taxonomy order (a reason's sub-reasons' rules before its
    /// own): phrases and hints as patterns of word ids (interned into `lexicon`; a repeat is
    /// skipped, so a phrase written for a reason and for one of its sub-reasons names the
    /// sub-reason), regexes compiled; and each as written, by rule number. Fails at the first
    /// regex that does not compile.
    fn compile_rules(
        taxonomy: &Taxonomy,
        lexicon: &mut Lexicon,
        langs: &mut Vec<String>,
    ) -> anyhow::Result<CompiledRules> {
        let mut out = CompiledRules {
            patterns: Vec::new(),
            rules: Vec::new(),
            regexes: Vec::new(),
        };
        // The patterns already made, to skip a repeat in one lookup (a scan of `patterns` for
        // each phrase made 100,000 phrases take 47 s).
        let mut made: FastSet<(Vec<u32>, usize, u32, bool)> = FastSet::default();
        for (reason, r) in taxonomy.reasons.iter().enumerate() {
            let subs = (r.subs.iter().enumerate())
                .map(|(k, s)| (Some(k as u8), &s.phrases, &s.hints, &s.regex));
            let own = std::iter::once((None, &r.phrases, &r.hints, &r.regex));
            for (sub, phrases, hints, regexes) in subs.chain(own) {
                let phrases = phrases.iter().map(|p| (p, false));
                for (phrase, weak) in phrases.chain(hints.iter().map(|p| (p, true))) {
                    let words = phrase_words(&phrase.text, taxonomy.matching.fold_accents);
                    if words.is_empty() {
                        continue;
                    }
                    let ids: Vec<u32> = (words.iter())
                        .map(|(w, kind)| lexicon.intern(w, *kind, &phrase.lang))
                        .collect();
                    let lang = lang_bit(langs, &phrase.lang);
                    if !made.insert((ids.clone(), reason, lang, weak)) {
                        continue;
                    }
                    out.patterns.push(Pattern {
                        words: ids,
                        reason,
                        rule: out.rules.len() as u32,
                        lang,
                        weak,
                    });
                    out.rules.push(RuleInfo {
                        reason,
                        lang: phrase.lang.clone(),
                        text: phrase.text.clone(),
                        kind: RuleKind::Phrase,
                        hint: weak,
                        sub,
                    });
                }
                for pattern in regexes {
                    let re = Regex::new(pattern).map_err(|e| {
                        anyhow::anyhow!(
                            "reason `{}`: regex `{pattern}` does not compile: {e}",
                            r.id
                        )
                    })?;
                    out.regexes.push((re, reason, out.rules.len() as u32));
                    out.rules.push(RuleInfo {
                        reason,
                        lang: "any".to_string(),
                        text: pattern.clone(),
                        kind: RuleKind::Regex,
                        hint: false,
                        sub,
                    });
                }
            }
        }
        Ok(out)
    }

    /// The patterns by their first word id (an index into `patterns`).
    fn by_first_word(patterns: &[Pattern]) -> Vec<Vec<u32>> {
        let mut by_first: Vec<Vec<u32>> = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let first = p.words[0] as usize;
            if by_first.len() <= first {
                by_first.resize(first + 1, Vec::new());
            }
            by_first[first].push(i as u32);
        }
        by_first
    }

    /// Every code of every code map (trimmed, lowercase) and how it reads. Fails at the first
    /// code that maps to a reason the taxonomy does not have.
    fn code_lookups(taxonomy: &Taxonomy) -> anyhow::Result<FastMap<String, CodeLookup>> {
        let mut codes = FastMap::default();
        for map in &taxonomy.code_maps {
            for (code, target) in &map.codes {
                let lookup = match target {
                    CodeTarget::Reason(id) => match taxonomy.target(id) {
                        Some((index, sub)) => CodeLookup::Reason(index, sub.map(|s| s as u8)),
                        None => anyhow::bail!(
                            "code `{code}` of `{}` maps to unknown reason `{id}`",
                            map.id
                        ),
                    },
                    CodeTarget::Text => CodeLookup::Text,
                    CodeTarget::Involuntary => CodeLookup::Involuntary,
                    CodeTarget::Nothing => CodeLookup::Blank,
                };
                codes.insert(code.trim().to_lowercase(), lookup);
            }
        }
        Ok(codes)
    }

    /// The no-answer forms, normalized as answers are.
    fn no_answer_forms(taxonomy: &Taxonomy) -> FastSet<String> {
        taxonomy
            .no_answer
            .iter()
            .map(|a| {
                let mut n = Normalized::default();
                normalize_into(a, taxonomy.matching.fold_accents, &mut n);
                n.text
            })
            .collect()
    }

    /// Per reason, the reasons a text may refine a code of it to (`refined_by`, ids the
    /// taxonomy does not have left out).
    fn refinements(taxonomy: &Taxonomy) -> Vec<ReasonSet> {
        taxonomy
            .reasons
            .iter()
            .map(|r| {
                let mut set = ReasonSet::default();
                for p in r.refined_by.iter().filter_map(|id| taxonomy.position(id)) {
                    set.insert(p);
                }
                set
            })
            .collect()
    }

    /// What the classifier knows of a normalized word, for the word cache.
    fn word_info(&self, word: &str) -> WordInfoCached {
        let (regex_starts, regex_ends) = self.gates.word(word);
        WordInfoCached {
            ids: self.lexicon.lookup(word),
            cue: self.cues.get(word).copied().unwrap_or(0),
            contrast: self.breaks.contains(word),
            regex_starts,
            regex_ends,
        }
    }

    /// The rule a match came from.
    pub fn rule(&self, index: u32) -> &RuleInfo {
        &self.rules[index as usize]
    }

    /// Every rule, by rule number (the `rule` of a [`RuleMatch`]).
    pub fn rules(&self) -> &[RuleInfo] {
        &self.rules
    }

    /// Every rule match in the answer last classified with `scratch` by
    /// [`Classifier::classify`] (not from memory), in the order they were found. Not the
    /// answer's after an involuntary code, which is not read.
    pub fn last_matches<'a>(&self, scratch: &'a Scratch) -> &'a [RuleMatch] {
        &scratch.trace.matches
    }

    /// The rule words of a phrase rule, as written (normalized), for explanations.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Read a coded value.
    pub fn lookup_code(&self, code: &str) -> CodeLookup {
        let code = code.trim();
        if code.is_empty() {
            return CodeLookup::Blank;
        }
        // Codes are mostly lowercase already (`too_expensive`): no copy for those.
        let found = if code
            .bytes()
            .any(|b| b.is_ascii_uppercase() || !b.is_ascii())
        {
            self.codes.get(&code.to_lowercase())
        } else {
            self.codes.get(code)
        };
        found.copied().unwrap_or(CodeLookup::Unknown)
    }

    /// Read every coded value of a row and combine them (see [`CodeLookup::or`]); each value no
    /// code map knows is passed to `unknown`.
    pub fn lookup_codes<'a>(
        &self,
        codes: impl IntoIterator<Item = &'a str>,
        mut unknown: impl FnMut(&'a str),
    ) -> CodeLookup {
        let mut lookup = CodeLookup::Blank;
        for code in codes {
            let this = self.lookup_code(code);
            if this == CodeLookup::Unknown {
                unknown(code);
            }
            lookup = lookup.or(this);
        }
        lookup
    }

    fn lang_name(&self, bits: u32) -> &str {
        if bits & ANY_LANG != 0 {
            return "any";
        }
        self.langs
            .get(bits.trailing_zeros() as usize)
            .map_or("any", String::as_str)
    }

    /// Trace an answer: normalize it and find every match and negation. The result is left in
    /// `scratch.trace`.
    fn trace(&self, text: &str, scratch: &mut Scratch) {
        let Scratch {
            cache,
            trace,
            regexes,
            ..
        } = scratch;
        normalize_into(text, self.fold_accents, &mut trace.normalized);
        trace.matches.clear();
        trace.negations.clear();
        trace.ids.clear();
        trace.offsets.clear();
        trace.cues.clear();
        trace.contrasts.clear();
        let regex_bits = self.look_up_words(trace, cache);
        self.match_phrases(trace);
        self.match_regexes(trace, regexes, regex_bits);
        if self.negation {
            self.negate(trace);
        }
        Self::mark_inside_longer(trace);
        self.weigh_hints(trace);
        self.order_matches(trace);
    }

    /// Look every word of the normalized answer up (through `cache`, but for numbers): its
    /// rule word ids, whether it is a negation cue or a contrast word. Returns the regexes a
    /// match of which can start in some word, and those one of which can end in some word
    /// (see [`gate`]).
    #[inline]
    fn look_up_words(&self, trace: &mut Trace, cache: &mut WordCache) -> (u64, u64) {
        let n = &trace.normalized;
        let words = n.tokens.len();
        trace.offsets.push(0);
        let (mut regex_starts, mut regex_ends) = (0u64, 0u64);
        for i in 0..words {
            let word = n.word(i);
            // Numbers are cheap to look up and rarely repeat: the cache keeps words.
            let fresh;
            let info = if lexicon::is_number(word) {
                // A number matches nothing unless some rule word is one.
                fresh = if self.numbers_matter {
                    self.word_info(word)
                } else {
                    let (regex_starts, regex_ends) = self.gates.number();
                    WordInfoCached {
                        regex_starts,
                        regex_ends,
                        ..WordInfoCached::default()
                    }
                };
                &fresh
            } else {
                cache.get(word, |w| self.word_info(w))
            };
            trace.ids.extend_from_slice(&info.ids);
            trace.offsets.push(trace.ids.len());
            trace.cues.push(info.cue);
            trace.contrasts.push(info.contrast);
            regex_starts |= info.regex_starts;
            regex_ends |= info.regex_ends;
        }
        (regex_starts, regex_ends)
    }

    /// Find the phrase and hint patterns that match from each word of the answer, by the word
    /// ids looked up.
    #[inline]
    fn match_phrases(&self, trace: &mut Trace) {
        let n = &trace.normalized;
        let words = n.tokens.len();
        let ids = |i: usize| &trace.ids[trace.offsets[i]..trace.offsets[i + 1]];
        let cues = &trace.cues;
        let is_cue = |i: usize| cues[i] != 0;

        // Phrase rules.
        for i in 0..words {
            // Matches found so far at word `i` (earlier words' matches cannot repeat these).
            let at_i = trace.matches.len();
            for &first in ids(i) {
                let Some(candidates) = self.by_first.get((first & !TYPO_BIT) as usize) else {
                    continue;
                };
                for &p in candidates {
                    let p = &self.patterns[p as usize];
                    let mut typo = first & TYPO_BIT != 0;
                    let words = AnswerWords {
                        n,
                        ids: &ids,
                        is_cue: &is_cue,
                    };
                    let rest = &p.words[1..];
                    let clause = n.tokens[i].clause;
                    if let Some(end) = self.match_rest(&words, rest, i + 1, clause, &mut typo) {
                        // The same words matched for the same reason by a rule of another
                        // language: one match, negatable in either language.
                        if let Some(same) = trace.matches[at_i..].iter_mut().find(|m| {
                            m.reason == p.reason && m.start == i && m.end == end && m.weak == p.weak
                        }) {
                            same.lang |= p.lang;
                            same.typo &= typo;
                            continue;
                        }
                        trace.matches.push(RuleMatch {
                            reason: p.reason,
                            rule: p.rule,
                            start: i,
                            end,
                            words: p.words.len(),
                            typo,
                            negated_by: None,
                            inside_longer: false,
                            overruled: false,
                            weak: p.weak,
                            lang: p.lang,
                        });
                    }
                }
            }
        }
    }

    /// Run the regex rules the answer's words let through (`(starts, ends)`, see [`gate`]), with
    /// this thread's copies in `regexes` (made on first use).
    #[inline]
    fn match_regexes(
        &self,
        trace: &mut Trace,
        regexes: &mut Option<Vec<Regex>>,
        (regex_starts, regex_ends): (u64, u64),
    ) {
        let n = &trace.normalized;
        // Regex rules, on the normalized text; a match covers the words it touches.
        let to_run = self.gates.to_run(regex_starts, regex_ends);
        let regexes = regexes
            .get_or_insert_with(|| self.regexes.iter().map(|(re, _, _)| re.clone()).collect());
        for (r, (re, &(_, reason, rule))) in regexes.iter().zip(&self.regexes).enumerate() {
            if r < gate::GATED && to_run & 1 << r == 0 {
                continue;
            }
            for m in re.find_iter(&n.text) {
                let start = n.tokens.iter().position(|t| t.end as usize > m.start());
                let end = n.tokens.iter().rposition(|t| (t.start as usize) < m.end());
                if let (Some(start), Some(end)) = (start, end) {
                    if start <= end {
                        trace.matches.push(RuleMatch {
                            reason,
                            rule,
                            start,
                            end: end + 1,
                            words: end + 1 - start,
                            typo: false,
                            negated_by: None,
                            inside_longer: false,
                            overruled: false,
                            weak: false,
                            lang: ANY_LANG,
                        });
                    }
                }
            }
        }
    }

    /// Cancel the matches each negation cue of the answer reaches, and list the cues.
    #[inline]
    fn negate(&self, trace: &mut Trace) {
        let n = &trace.normalized;
        let words = n.tokens.len();
        // Negations: a cue cancels the matches that start within `window` words after it, in
        // its clause, before a contrast word ("but"), unless the cue is part of a match itself
        // ("no one answered") or of a phrase that keeps it ("no longer").
        for c in 0..words {
            let langs = trace.cues[c];
            if langs == 0 {
                continue;
            }
            if trace.matches.iter().any(|m| m.start <= c && c < m.end) || self.kept(n, c) {
                continue;
            }
            let clause = n.tokens[c].clause;
            let mut reach = c;
            while reach + 1 < words
                && reach < c + self.window
                && n.tokens[reach + 1].clause == clause
                && !trace.contrasts[reach + 1]
            {
                reach += 1;
            }
            let mut used = false;
            for m in trace.matches.iter_mut() {
                if m.start > c
                    && m.start <= reach
                    && m.negated_by.is_none()
                    && (m.lang & langs != 0 || m.lang & ANY_LANG != 0 || langs & ANY_LANG != 0)
                {
                    m.negated_by = Some(c);
                    used = true;
                }
            }
            trace.negations.push(Negation { word: c, used });
        }
    }

    /// Mark the matches inside a longer one, which do not count.
    #[inline]
    fn mark_inside_longer(trace: &mut Trace) {
        // A match inside a longer one ("slow" inside "slow support") does not count. Longer
        // means more rule words: a gap does not make a phrase longer.
        if trace.matches.len() > 1 {
            let spans = &mut trace.spans;
            spans.clear();
            spans.extend(
                trace
                    .matches
                    .iter()
                    .filter(|m| m.negated_by.is_none())
                    .map(|m| (m.start, m.end, m.words)),
            );
            for m in trace.matches.iter_mut() {
                m.inside_longer = spans
                    .iter()
                    .any(|&(s, e, w)| s <= m.start && m.end <= e && w > m.words);
            }
        }
    }

    /// Make a long answer's story matches hints, and overrule the hints when a stronger match
    /// counts.
    #[inline]
    fn weigh_hints(&self, trace: &mut Trace) {
        // In a story, a death or a closing is mostly the scene: a hint.
        if trace.normalized.tokens.len() > LONG_ANSWER {
            for m in trace.matches.iter_mut() {
                m.weak |= self.story_hint[m.reason];
            }
        }
        // Hints decide only when nothing stronger counts.
        if trace.matches.iter().any(|m| m.counts() && !m.weak) {
            for m in trace.matches.iter_mut().filter(|m| m.weak) {
                m.overruled = true;
            }
        }
    }

    /// Put the matches that count first, the primary one first.
    #[inline]
    fn order_matches(&self, trace: &mut Trace) {
        // Primary first: stated first; at the same word the longer match, then the higher
        // priority, then the reason listed first.
        let priority = &self.priority;
        trace.matches.sort_by_key(|m| {
            (
                !m.counts(),
                m.start,
                std::cmp::Reverse(m.words),
                m.end - m.start,
                std::cmp::Reverse(priority[m.reason]),
                m.reason,
                m.rule,
            )
        });
    }

    /// Whether a normalized answer is a no-answer form ("n a", "prefer not to say").
    fn is_no_answer(&self, normalized: &str) -> bool {
        normalized.len() <= self.no_answer_len && self.no_answer.contains(normalized)
    }

    /// Whether the cue at word `c` is part of a phrase that keeps it from negating.
    fn kept(&self, n: &Normalized, c: usize) -> bool {
        let cue = n.word(c);
        self.keep.iter().any(|phrase| {
            phrase.iter().enumerate().any(|(k, w)| {
                w == cue
                    && c >= k
                    && c - k + phrase.len() <= n.tokens.len()
                    && phrase
                        .iter()
                        .enumerate()
                        .all(|(j, pw)| n.word(c - k + j) == pw)
            })
        })
    }

    /// Match the remaining words of a pattern from word `at`, allowing up to `max_gap` other
    /// words (not negations) between two pattern words, within one clause. Returns the end.
    fn match_rest(
        &self,
        words: &AnswerWords<'_, '_>,
        rest: &[u32],
        at: usize,
        clause: u32,
        typo: &mut bool,
    ) -> Option<usize> {
        let AnswerWords { n, ids, is_cue } = *words;
        let Some((&want, more)) = rest.split_first() else {
            return Some(at);
        };
        for skip in 0..=self.max_gap {
            let i = at + skip;
            if i >= n.tokens.len() || n.tokens[i].clause != clause {
                return None;
            }
            if skip > 0 && is_cue(i - 1) {
                return None;
            }
            if let Some(&hit) = ids(i).iter().find(|&&id| id & !TYPO_BIT == want) {
                let mut t = *typo || hit & TYPO_BIT != 0;
                if let Some(end) = self.match_rest(words, more, i + 1, clause, &mut t) {
                    *typo = t;
                    return Some(end);
                }
            }
        }
        None
    }

    /// The outcome of a traced free-text answer, `text`.
    fn outcome_of(&self, trace: &Trace, text: &str) -> Outcome {
        let n = &trace.normalized;
        if n.tokens.is_empty() || self.is_no_answer(&n.text) {
            return Outcome::NoAnswer;
        }
        let mut counting = trace.matches.iter().filter(|m| m.counts());
        match counting.next() {
            Some(first) => {
                let mut reasons = ReasonSet::one(first.reason);
                for m in counting {
                    reasons.insert(m.reason);
                }
                let primary = self.refined(trace, self.main_reason(trace, first.reason));
                reasons.insert(primary);
                Outcome::Tagged(Tag {
                    primary,
                    reasons,
                    source: if first.weak {
                        Source::Hint
                    } else {
                        Source::Text
                    },
                    conflict: None,
                    sub: self.sub_of(trace, primary),
                    competitor: None,
                })
            }
            None if self.junk.detect(n, text).is_some() => Outcome::NoAnswer,
            None => Outcome::Unclassified,
        }
    }

    /// Which `[junk]` check finds an answer junk, for an answer no rule tagged (a row whose
    /// outcome is no answer, or unclassified). `None` for a blank answer or a no-answer form
    /// (no answer already), and for any other.
    pub fn junk(&self, text: &str) -> Option<crate::junk::Junk> {
        if !self.junk.is_enabled() || text.trim().is_empty() {
            return None;
        }
        let text = answer_prefix(text);
        let mut n = Normalized::default();
        normalize_into(text, self.fold_accents, &mut n);
        let form = n.tokens.is_empty() || self.is_no_answer(&n.text);
        (!form).then(|| self.junk.detect(&n, text)).flatten()
    }

    /// The main reason of a traced answer whose first counting match is for `first`. In a short
    /// answer, the reason stated first. A long answer (more than [`LONG_ANSWER`] words: a
    /// review, a complaint, a story) often sets the scene before it gets to its cause, so there
    /// the reason with the most counting matches is the main one, ties going to the one stated
    /// first.
    fn main_reason(&self, trace: &Trace, first: usize) -> usize {
        if trace.normalized.tokens.len() <= LONG_ANSWER {
            return first;
        }
        let counting = || trace.matches.iter().filter(|m| m.counts());
        let mut counts = [0u16; MAX_REASONS];
        for m in counting() {
            counts[m.reason] = counts[m.reason].saturating_add(1);
        }
        let most = counts.iter().copied().max().unwrap_or(0);
        // Counting matches come in the order stated: the first with the most is the one.
        counting()
            .find(|m| counts[m.reason] == most)
            .map_or(first, |m| m.reason)
    }

    /// The sub-reason of a traced answer tagged `primary`: of its matches for `primary` that name
    /// one (counting ones; for a reason it was refined to, any not negated), the first; in a
    /// long answer, the sub-reason named most often, ties going to the one named first.
    fn sub_of(&self, trace: &Trace, primary: usize) -> Option<u8> {
        let sub = |m: &RuleMatch| self.rules[m.rule as usize].sub;
        let named = |m: &RuleMatch| m.reason == primary && sub(m).is_some();
        let counting = trace.matches.iter().any(|m| m.counts() && named(m));
        let kept = |m: &&RuleMatch| {
            named(m)
                && match counting {
                    true => m.counts(),
                    false => m.negated_by.is_none() && !m.inside_longer,
                }
        };
        if trace.normalized.tokens.len() <= LONG_ANSWER {
            return trace.matches.iter().find(kept).and_then(sub);
        }
        let mut counts = [0u16; crate::taxonomy::MAX_SUBS];
        for s in trace.matches.iter().filter(kept).filter_map(sub) {
            counts[s as usize] = counts[s as usize].saturating_add(1);
        }
        let most = counts.iter().copied().max().unwrap_or(0);
        (trace.matches.iter().filter(kept))
            .find_map(|m| sub(m).filter(|&s| counts[s as usize] == most))
    }

    /// `main`, or a reason `main` may be refined to (`refined_by`) when the answer mentions it
    /// near `main`'s first match (within [`REFINE_WINDOW`] words), even by a hint that did not
    /// count: "a friend showed me a better app" is a friend's referral, "we don't need it since
    /// the owner passed away" a death; a word far off ("the file is at a standstill", French
    /// "point mort") is not.
    fn refined(&self, trace: &Trace, main: usize) -> usize {
        let to = self.refined_by[main];
        let at = trace
            .matches
            .iter()
            .find(|m| m.counts() && m.reason == main)
            .map(|m| m.start);
        let (false, Some(at)) = (to.is_empty(), at) else {
            return main;
        };
        trace
            .matches
            .iter()
            .find(|m| {
                to.contains(m.reason)
                    && m.negated_by.is_none()
                    && !m.inside_longer
                    && m.start.abs_diff(at) <= REFINE_WINDOW
            })
            .map_or(main, |m| m.reason)
    }

    /// Classify a free-text answer.
    pub fn classify_text(&self, text: &str, scratch: &mut Scratch) -> Outcome {
        let scored = self.classify_scored(text, scratch, true);
        scored.outcome.unwrap_or(scored.rules)
    }

    /// Classify a free-text answer by the rules, then (with `ask`) ask the model if they are
    /// unsure.
    fn classify_scored(&self, text: &str, scratch: &mut Scratch, ask: bool) -> recent::Scored {
        let text = answer_prefix(text);
        self.trace(text, scratch);
        let rules = self.outcome_of(&scratch.trace, text);
        let outcome = ask.then(|| self.second_opinion(rules, text, scratch));
        recent::Scored {
            rules,
            outcome,
            confidence: scratch.opinion.confidence,
        }
    }

    /// Classify a row from its free-text answer and the reading of its code column(s)
    /// (`CodeLookup::Blank` when there is none). An involuntary code wins, then a code that
    /// names a reason; "other", an unknown code or no code defer to the text. A row with a code
    /// but no usable text is unclassified, not "no answer": the customer did answer.
    pub fn classify(
        &self,
        text: Option<&str>,
        lookup: CodeLookup,
        scratch: &mut Scratch,
    ) -> Outcome {
        self.classify_row(text, lookup, scratch, false)
    }

    /// [`Classifier::classify`], remembering the outcomes of recent answers so that an answer
    /// met again is not classified again. The same outcome; but after an answer classified
    /// from memory, `scratch` holds the trace of an earlier answer (see
    /// [`Classifier::evidence`], [`Classifier::last_normalized`]).
    pub fn classify_remembered(
        &self,
        text: Option<&str>,
        lookup: CodeLookup,
        scratch: &mut Scratch,
    ) -> Outcome {
        self.classify_row(text, lookup, scratch, true)
    }

    fn classify_row(
        &self,
        text: Option<&str>,
        lookup: CodeLookup,
        scratch: &mut Scratch,
        remember: bool,
    ) -> Outcome {
        scratch.opinion.asked = false;
        scratch.opinion.confidence = None;
        if lookup == CodeLookup::Involuntary {
            return Outcome::Involuntary;
        }
        let text = text.unwrap_or("");
        // The model's opinion of a coded row's text is never used: not asked for.
        let ask = !matches!(lookup, CodeLookup::Reason(..));
        let scored = if remember {
            let mut recent = std::mem::take(&mut scratch.recent);
            let scored = recent.get_or(
                text,
                |s| !ask || s.outcome.is_some(),
                || self.classify_scored(text, scratch, ask),
            );
            scratch.recent = recent;
            scored
        } else {
            self.classify_scored(text, scratch, ask)
        };
        scratch.opinion.confidence = scored.confidence;
        // A code is reconciled with what the rules say of the text, not the model.
        if let CodeLookup::Reason(reason, sub) = lookup {
            scratch.opinion.confidence = Some(1.0);
            let tag = self.reconcile((reason, sub), scored.rules);
            return Outcome::Tagged(self.with_competitor(tag, text));
        }
        match (scored.outcome.unwrap_or(scored.rules), lookup) {
            (Outcome::NoAnswer, CodeLookup::Text | CodeLookup::Unknown) => {
                scratch.opinion.confidence = None;
                Outcome::Unclassified
            }
            (Outcome::Tagged(tag), _) => Outcome::Tagged(self.with_competitor(tag, text)),
            (outcome, _) => outcome,
        }
    }

    /// A tag with the competitor its answer names: for a customer lost to someone, any named;
    /// for another, one the answer says it went to ("nobody answered, so we went with
    /// Pipedrive"). An answer that "moved to" a competitor switched, not relocated: its
    /// `moved` becomes `better_product` (sub-reason `competitor`).
    fn with_competitor(&self, tag: Tag, text: &str) -> Tag {
        if self.competitors.is_empty() {
            return tag;
        }
        let Some((competitor, went)) = self.competitors.find(answer_prefix(text)) else {
            return tag;
        };
        if !(went || self.lost_to_someone(&tag)) {
            return tag;
        }
        let tag = Tag {
            competitor: Some(competitor),
            ..tag
        };
        match self.switched {
            Some((moved, better, sub)) if went && tag.primary == moved => {
                let mut reasons = ReasonSet::one(better);
                tag.reasons
                    .iter()
                    .filter(|&r| r != moved)
                    .for_each(|r| reasons.insert(r));
                Tag {
                    primary: better,
                    reasons,
                    sub,
                    ..tag
                }
            }
            _ => tag,
        }
    }

    /// Whether a tag is of a customer lost to someone (whose answer may name a competitor).
    pub fn lost_to_someone(&self, tag: &Tag) -> bool {
        tag.reasons.iter().any(|r| self.lost_to.contains(r))
    }

    /// Whether a tag's answer may say where its customer went: lost to someone, or moved
    /// ("moved to HubSpot" is `moved` until HubSpot is named a competitor).
    pub fn may_name_competitor(&self, tag: &Tag) -> bool {
        self.lost_to_someone(tag)
            || self
                .switched
                .is_some_and(|(moved, _, _)| tag.reasons.contains(moved))
    }

    /// A row whose code names `coded` (a reason, maybe a sub-reason), given what its text says:
    /// the code sets the reason; a text that states a reason the code's may be refined to
    /// refines it; a text that states another reason by a phrase disagrees (a hint alone does
    /// not): the text's reason is counted, or the code's with `code_wins`, and the tag records
    /// the other. A code that names no sub-reason takes the text's, for the same reason.
    fn reconcile(&self, (coded, coded_sub): (usize, Option<u8>), from_text: Outcome) -> Tag {
        let code = Tag {
            primary: coded,
            reasons: ReasonSet::one(coded),
            source: Source::Code,
            conflict: None,
            sub: coded_sub,
            competitor: None,
        };
        let Outcome::Tagged(text) = from_text else {
            return code;
        };
        if self.refined_by[coded].contains(text.primary) {
            return Tag {
                primary: text.primary,
                reasons: ReasonSet::one(text.primary),
                source: Source::Refined,
                conflict: None,
                sub: text.sub,
                competitor: None,
            };
        }
        let code = Tag {
            sub: coded_sub.or(text.sub.filter(|_| text.primary == coded)),
            ..code
        };
        if text.reasons.contains(coded) || text.source == Source::Hint {
            return code;
        }
        if self.code_wins {
            Tag {
                conflict: u8::try_from(text.primary).ok(),
                ..code
            }
        } else {
            Tag {
                source: Source::TextOverCode,
                conflict: u8::try_from(coded).ok(),
                ..text
            }
        }
    }

    /// What tagged the answer last classified with `scratch`: for each reason, in the order the
    /// answer states them (not always the primary first: see [`LONG_ANSWER`]), the normalized
    /// words of its first counting match.
    pub fn evidence<'a>(&self, scratch: &'a Scratch) -> Vec<(usize, &'a str)> {
        let trace = &scratch.trace;
        let mut out: Vec<(usize, &str)> = Vec::new();
        for m in trace.matches.iter().filter(|m| m.counts()) {
            if !out.iter().any(|(r, _)| *r == m.reason) {
                out.push((m.reason, trace.normalized.span(m.start, m.end)));
            }
        }
        out
    }

    /// The words of the first match for `reason` in the answer last classified with `scratch`
    /// that is not negated nor inside a longer one (counting or not: a reason refined to by a
    /// hint), if there is one.
    pub fn evidence_for<'a>(&self, scratch: &'a Scratch, reason: usize) -> Option<&'a str> {
        let trace = &scratch.trace;
        (trace.matches.iter())
            .find(|m| m.reason == reason && m.negated_by.is_none() && !m.inside_longer)
            .map(|m| trace.normalized.span(m.start, m.end))
    }

    /// The normalized form of the answer last classified with `scratch`.
    pub fn last_normalized<'a>(&self, scratch: &'a Scratch) -> &'a str {
        &scratch.trace.normalized.text
    }

    /// Classify an answer and keep everything that led to the outcome.
    pub fn explain(&self, text: &str, lookup: CodeLookup) -> Explanation {
        let mut scratch = Scratch::new();
        let outcome = self.classify(Some(text), lookup, &mut scratch);
        let trace = scratch.trace;
        let n = &trace.normalized;
        let matches = trace
            .matches
            .iter()
            .map(|m| {
                let rule = self.rule(m.rule);
                let typos = if m.typo {
                    (m.start..m.end)
                        .filter_map(|i| {
                            let ids = &trace.ids[trace.offsets[i]..trace.offsets[i + 1]];
                            let typo = ids.iter().find(|&&id| id & TYPO_BIT != 0)?;
                            Some((n.word(i).to_string(), self.lexicon.word(*typo).text.clone()))
                        })
                        .collect()
                } else {
                    Vec::new()
                };
                ExplainedMatch {
                    reason: m.reason,
                    rule: rule.text.clone(),
                    rule_kind: rule.kind,
                    lang: if rule.kind == RuleKind::Regex {
                        "any".to_string()
                    } else {
                        self.lang_name(m.lang).to_string()
                    },
                    words: (m.start, m.end),
                    bytes: (
                        n.tokens[m.start].start as usize,
                        n.tokens[m.end - 1].end as usize,
                    ),
                    matched: n.span(m.start, m.end).to_string(),
                    typos,
                    negated_by: m.negated_by.map(|c| (c, n.word(c).to_string())),
                    inside_longer: m.inside_longer,
                    hint: rule.hint,
                    overruled: m.overruled,
                    counts: m.counts(),
                    sub: rule.sub,
                }
            })
            .collect();
        let negations = trace
            .negations
            .iter()
            .map(|g| (g.word, n.word(g.word).to_string(), g.used))
            .collect();
        Explanation {
            text: text.to_string(),
            normalized: n.text.clone(),
            no_answer_form: n.tokens.is_empty() || self.is_no_answer(&n.text),
            lookup,
            matches,
            negations,
            outcome,
        }
    }
}

/// One match, explained.
#[derive(Debug, Clone, PartialEq)]
pub struct ExplainedMatch {
    pub reason: usize,
    pub rule: String,
    pub rule_kind: RuleKind,
    pub lang: String,
    /// Word range in the normalized answer.
    pub words: (usize, usize),
    /// Byte range in the normalized answer.
    pub bytes: (usize, usize),
    pub matched: String,
    /// `(word in the answer, rule word it was read as)` for words matched with a typo.
    pub typos: Vec<(String, String)>,
    /// The negation that cancels this match: `(word index, word)`.
    pub negated_by: Option<(usize, String)>,
    pub inside_longer: bool,
    pub hint: bool,
    pub overruled: bool,
    pub counts: bool,
    /// The sub-reason the rule names (into its reason's `subs`), if any.
    pub sub: Option<u8>,
}

/// Why an answer got its outcome.
#[derive(Debug, Clone, PartialEq)]
pub struct Explanation {
    pub text: String,
    pub normalized: String,
    /// Whether the normalized answer is empty or a no-answer form.
    pub no_answer_form: bool,
    pub lookup: CodeLookup,
    /// Every match, those that count first (primary first).
    pub matches: Vec<ExplainedMatch>,
    /// Negation words: `(word index, word, cancels a match)`.
    pub negations: Vec<(usize, String, bool)>,
    pub outcome: Outcome,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    fn classifier() -> Classifier {
        Classifier::new(&crate::config::builtin_taxonomy()).unwrap()
    }

    fn tag(c: &Classifier, text: &str) -> Option<String> {
        let t = crate::config::builtin_taxonomy();
        match c.classify_text(text, &mut Scratch::new()) {
            Outcome::Tagged(tag) => Some(t.reasons[tag.primary].id.clone()),
            Outcome::Unclassified => None,
            Outcome::NoAnswer => Some("<no answer>".into()),
            Outcome::Involuntary => Some("<involuntary>".into()),
        }
    }

    /// Cause, not consequence: a switch or a cancellation is what followed; the cause stated
    /// decides, and a switch decides only alone.
    #[test]
    fn the_cause_decides_not_what_followed() {
        let c = classifier();
        for (text, want) in [
            (
                "they never replied, so I'm switching to another bank",
                "indifference",
            ),
            (
                "switched to another provider because the price went up",
                "dissatisfaction",
            ),
            (
                "weil niemand geantwortet hat, sind wir zu einem anderen Anbieter gewechselt",
                "indifference",
            ),
            (
                "personne ne répond, je passe chez un autre fournisseur",
                "indifference",
            ),
            ("switched to another provider", "better_product"),
            (
                "we went with a competitor, they had a better offer",
                "better_product",
            ),
        ] {
            assert_eq!(tag(&c, text).as_deref(), Some(want), "{text}");
        }
    }

    /// Family words, a death or a friend mentioned as circumstance are not reasons when the
    /// answer states a cause; alone, or refining the reason stated, they are.
    #[test]
    fn circumstances_decide_only_alone_or_as_a_refinement() {
        let c = classifier();
        for (text, want) in [
            ("my mom used this, she died in june", "died"),
            (
                "My mum passed away and they keep charging her card every month",
                "dissatisfaction",
            ),
            ("my husband and I waited two hours on hold", "indifference"),
            ("my friend showed me a better app", "friend_referral"),
            (
                "we don't need it anymore since the owner passed away",
                "died",
            ),
            ("Network reliability", "dissatisfaction"),
            ("Service dissatisfaction", "dissatisfaction"),
            ("Competitor had better devices", "better_product"),
            ("Attitude of support person", "indifference"),
            ("Deceased", "died"),
        ] {
            assert_eq!(tag(&c, text).as_deref(), Some(want), "{text}");
        }
    }

    /// A long answer is tagged by the reason it dwells on, not by a circumstance it opens with.
    #[test]
    fn a_long_answer_is_tagged_by_the_reason_it_dwells_on() {
        let c = classifier();
        let story = "We moved house last year and set up the contract again at the new address, \
            which took a while. Since then the connection drops every evening, the speed is a \
            fraction of what we pay for, and the router crashed twice this week. The app shows \
            errors whenever we try to report it. Honestly the quality has gone downhill.";
        assert!(story.split_whitespace().count() > LONG_ANSWER);
        assert_eq!(tag(&c, story).as_deref(), Some("dissatisfaction"));
        let short = "we moved house, and the connection drops every evening";
        assert_eq!(
            tag(&c, short).as_deref(),
            Some("moved"),
            "a short answer: stated first"
        );
    }

    /// In a long complaint a closing is the scene (a hint, `story_hint`); in a short answer,
    /// or told alone, it is the reason.
    #[test]
    fn a_closing_in_a_long_complaint_is_its_scene() {
        let c = classifier();
        let story = "The tour operator went bankrupt two weeks before our trip to Lisbon with the \
            whole family. I filed the claim with all the papers they asked for, booking records \
            and receipts included, and they ignored every email I sent. That is all there is \
            to say about this insurer.";
        assert!(story.split_whitespace().count() > LONG_ANSWER);
        assert_eq!(tag(&c, story).as_deref(), Some("indifference"));
        let short = "the tour operator went bankrupt and they ignored every email I sent";
        assert_eq!(tag(&c, short).as_deref(), Some("died"));
        let alone = format!("our company went bankrupt {}", "and so on ".repeat(20));
        assert_eq!(tag(&c, &alone).as_deref(), Some("died"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 64, ..proptest::prelude::ProptestConfig::default()
        })]

        /// Remembering outcomes changes none: a random sequence of answers, many repeated,
        /// some long, classified with and without the memory, with random codes.
        #[test]
        fn remembered_outcomes_are_the_outcomes(
            picks in proptest::collection::vec((0usize..12, 0usize..4), 1..300),
        ) {
            let long = format!("{} too expensive", "word ".repeat(80));
            let pool = [
                "too expensive", "Too expensive!", "moved abroad", "", "   ", "n/a",
                "support was rude", "not because of the price, we moved", "zu teuer",
                "trop cher", "нашли дешевле", long.as_str(),
            ];
            let lookups = [
                CodeLookup::Blank, CodeLookup::Text, CodeLookup::Unknown, CodeLookup::Involuntary,
            ];
            let c = classifier();
            let (mut plain, mut remembering) = (Scratch::new(), Scratch::new());
            for (answer, code) in picks {
                let text = Some(pool[answer]).filter(|_| answer != 3);
                let lookup = lookups[code];
                proptest::prop_assert_eq!(
                    c.classify_remembered(text, lookup, &mut remembering),
                    c.classify(text, lookup, &mut plain),
                    "{:?}", text
                );
            }
        }
    }

    #[test]
    fn numbers_match_only_when_a_rule_has_one() {
        let plain = classifier();
        assert!(!plain.numbers_matter, "no built-in rule word is a number");
        assert_eq!(
            tag(&plain, "order 48213 too expensive").as_deref(),
            Some("dissatisfaction")
        );
        // A rule with a number: numbers in answers are looked up again.
        let mut t = crate::config::builtin_taxonomy();
        t.reasons[4].phrases.push(crate::taxonomy::Phrase {
            lang: "en".into(),
            text: "24 7 support".into(),
        });
        let with = Classifier::new(&t).unwrap();
        assert!(with.numbers_matter);
        let mut scratch = Scratch::new();
        match with.classify_text("it was the 24/7 support", &mut scratch) {
            Outcome::Tagged(tag) => assert_eq!(t.reasons[tag.primary].id, t.reasons[4].id),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            plain.classify_text("it was the 24/7 thing", &mut Scratch::new()),
            Outcome::Unclassified
        ));
    }

    #[test]
    fn a_hundred_thousand_phrases_compile_once_each() {
        // Each phrase twice: the repeats are skipped by a set, not by scanning the patterns
        // made so far (which was quadratic: 100,000 phrases took 47 s in a release build).
        let words = crate::text::made_up_words(50_000);
        let mut t = crate::config::builtin_taxonomy();
        let before = Classifier::new(&t).unwrap().patterns.len();
        for w in words.iter().chain(&words) {
            t.reasons[4].phrases.push(crate::taxonomy::Phrase {
                lang: "any".into(),
                text: w.clone(),
            });
        }
        let c = Classifier::new(&t).unwrap();
        assert_eq!(c.patterns.len(), before + words.len());
        assert_eq!(
            tag(&c, &format!("it was {}", words[31_337])).as_deref(),
            Some("dissatisfaction")
        );
    }

    #[test]
    fn phrases_match_within_a_clause_with_small_gaps() {
        let c = classifier();
        assert_eq!(tag(&c, "support was rude").as_deref(), Some("indifference"));
        assert_eq!(tag(&c, "closed the business").as_deref(), Some("died"));
        // "close business" with the words in two clauses does not match.
        assert_eq!(tag(&c, "we had to close. business is business"), None);
    }

    #[test]
    fn negation_needs_its_language_and_stops_at_but() {
        let c = classifier();
        // Dutch "pas" means "just": no negation of a Dutch rule.
        assert_eq!(tag(&c, "we zijn pas verhuisd").as_deref(), Some("moved"));
        assert_eq!(tag(&c, "je n'ai pas déménagé"), None);
        assert_eq!(
            tag(&c, "not the price but the bugs").as_deref(),
            Some("dissatisfaction")
        );
    }

    #[test]
    fn hints_decide_only_alone() {
        let c = classifier();
        assert_eq!(tag(&c, "customer service").as_deref(), Some("indifference"));
        assert_eq!(
            tag(&c, "great customer service, but too expensive").as_deref(),
            Some("dissatisfaction")
        );
    }

    #[test]
    fn no_answer_forms_and_codes() {
        let c = classifier();
        for blank in [
            "",
            " - ",
            "N/A",
            "n.a.",
            "Prefer not to say",
            "???",
            "нет",
            "Keine Angabe",
        ] {
            assert_eq!(tag(&c, blank).as_deref(), Some("<no answer>"), "{blank:?}");
        }
        // An answer that merely contains a no-answer word is still an answer.
        assert_ne!(
            tag(&c, "none of my questions got an answer").as_deref(),
            Some("<no answer>")
        );
        let s = &mut Scratch::new();
        assert_eq!(
            c.classify(None, c.lookup_code("other"), s),
            Outcome::Unclassified
        );
        assert_eq!(
            c.classify(None, c.lookup_code("payment_failed"), s),
            Outcome::Involuntary
        );
        assert_eq!(
            c.classify(None, c.lookup_code("cancellation_requested"), s),
            Outcome::NoAnswer
        );
        assert_eq!(
            c.lookup_code("payment_failed")
                .or(c.lookup_code("too_expensive")),
            CodeLookup::Involuntary
        );
    }

    /// `reason.sub` of a row, as the classifier tags it.
    fn sub_tag(c: &Classifier, text: &str, code: Option<&str>) -> Option<String> {
        let t = crate::config::builtin_taxonomy();
        let lookup = code.map_or(CodeLookup::Blank, |code| c.lookup_code(code));
        match c.classify(Some(text), lookup, &mut Scratch::new()) {
            Outcome::Tagged(tag) => Some(t.target_id(tag.primary, tag.sub.map(usize::from))),
            _ => None,
        }
    }

    /// A row's sub-reason is that of the first match of its primary reason that names one; in
    /// a long answer, the one named most often. A code names one where it says that much,
    /// else the text's stands when it states the code's reason.
    #[test]
    fn the_sub_reason_is_the_first_one_named_by_the_primary_reason() {
        let c = classifier();
        for (text, code, want) in [
            ("too expensive", None, "dissatisfaction.price"),
            (
                "too expensive, and the app keeps crashing",
                None,
                "dissatisfaction.price",
            ),
            (
                "the app keeps crashing and it is too expensive",
                None,
                "dissatisfaction.quality",
            ),
            ("very disappointed", None, "dissatisfaction"),
            (
                "nobody ever answered my emails",
                None,
                "indifference.no_response",
            ),
            ("we moved abroad", None, "moved.relocated"),
            ("whatever", Some("too_expensive"), "dissatisfaction.price"),
            (
                "nobody ever answered my emails",
                Some("customer_service"),
                "indifference.no_response",
            ),
            (
                "too expensive",
                Some("low_quality"),
                "dissatisfaction.quality",
            ),
        ] {
            assert_eq!(
                sub_tag(&c, text, code).as_deref(),
                Some(want),
                "{text} {code:?}"
            );
        }
        // A long answer: the price is named first, the crashes most often.
        let long = "I paid for the premium plan even though it was too expensive for what it \
                    offered, hoping it would be worth it. It was not. The app crashes every \
                    morning when I open it, the desktop client crashes when I export a report, \
                    and the sync crashes whenever the connection changes. After a year of \
                    reporting the same bugs I gave up and cancelled the whole account.";
        assert_eq!(
            sub_tag(&c, long, None).as_deref(),
            Some("dissatisfaction.quality")
        );
    }
}
