//! What the unclassified answers say that the taxonomy does not know yet (`churn discover`):
//! per language, the words and two-word phrases most distinctive of the target answers (the
//! unclassified ones, or all) against the tagged ones, by the log-odds ratio with an
//! informative Dirichlet prior (Monroe, Colaresi and Quinn 2008), each with the reason whose
//! answers share its rows' words, if one does; and groups of near-duplicate answers. Pure:
//! answers in, candidates out, the same on every run.

use std::collections::{BTreeMap, BTreeSet, HashMap};

/// One answer as discovery reads it.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The normalized words (as the classifier normalizes them).
    pub words: Vec<String>,
    /// Whether it is one of the answers to discover from (unclassified, or any with `--all`).
    pub target: bool,
    /// Its primary reason, when tagged.
    pub reason: Option<usize>,
}

/// A phrase worth a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Candidate {
    /// Normalized words, space-separated.
    pub phrase: String,
    /// The language its answers are in (see [`guess_lang`]; an answer without a stop-word is
    /// in the export's commonest language), or `any` when none is told.
    pub lang: &'static str,
    /// The target answers that contain it, in row order.
    pub rows: Vec<usize>,
    /// How distinctive of the target answers it is (a z-score).
    pub score: f64,
    /// The reason whose tagged answers share its answers' words, if one clearly does.
    pub suggested: Option<usize>,
}

/// A group of target answers with the same words, once the stop-words are dropped.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Duplicates {
    /// The words they share, sorted.
    pub key: String,
    pub rows: Vec<usize>,
}

/// Words too common to name a reason, per language (normalized: lowercase, accents folded).
const STOP: [(&str, &str); 10] = [
    ("en", "a an the and or but if so to of in on at for from with by as is are was were be been being it its this that these those i me my we our us you your he she they them their his her have has had do does did not no nor just very too also there here what which who when where why how all any some more most than then can could would should will shall may might must up out about into over after before again am im ive dont didnt cant wont one get got"),
    ("de", "der die das den dem des ein eine einer einen einem eines und oder aber wenn so zu von in im an am auf fur mit bei als ist sind war waren sein es ich mich mein meine wir uns unser sie ihr ihre er hat haben hatte habe nicht kein keine auch sehr noch nur schon dass da hier was wie wo warum alle mehr man"),
    ("fr", "le la les un une des du de et ou mais si au aux a en dans sur pour par avec est sont etait etre il elle ils elles je me mon ma mes nous notre vous votre on ce cette ces qui que quoi ne pas plus tres trop aussi y ai avons avez ont fait tout tous"),
    ("es", "el la los las un una unos unas y o pero si a al de del en con por para es son era ser estar esta este esto eso yo me mi mis nosotros nuestro su sus que no muy mas tambien lo le les ha he hay todo"),
    ("it", "il lo la i gli le un una uno e o ma se a al di del della in con per da su e sono era essere io mi mio mia noi nostro che non molto piu anche ho ha hanno ci si tutto"),
    ("pt", "o a os as um uma e ou mas se ao de do da dos das em no na com por para e sao era ser estar eu me meu minha nos nosso que nao muito mais tambem tem foi"),
    ("nl", "de het een en of maar als te van in op aan voor met bij is zijn was waren ik mij mijn wij ons onze u jullie hij zij ze niet geen ook erg heel nog al dat die er heb hebben"),
    ("sv", "en ett och eller men om att av i pa for med till fran ar var vara jag mig min vi oss var ni de den det inte ingen ocksa mycket har hade som sa"),
    ("pl", "i a w na z do o od po za ze sie nie tak jest sa byl byla bylo ja mi moj my nasz ty to ten ta te ktory ktora co jak ale lub oraz bardzo juz tez"),
    ("ru", "и а в на с со к о от по за из не нет да но или это этот эта эти я мне мой мы наш вы ваш он она они их был была было быть что как так же уже очень тоже все"),
];

/// The stop-words of every language, with the languages each belongs to.
fn stop_words() -> &'static HashMap<&'static str, Vec<&'static str>> {
    static STOPS: std::sync::OnceLock<HashMap<&'static str, Vec<&'static str>>> =
        std::sync::OnceLock::new();
    STOPS.get_or_init(|| {
        let mut m: HashMap<&str, Vec<&str>> = HashMap::new();
        for (lang, words) in STOP {
            for w in words.split(' ') {
                m.entry(w).or_default().push(lang);
            }
        }
        m
    })
}

fn is_stop(word: &str) -> bool {
    stop_words().contains_key(word)
}

/// The language whose stop-words an answer uses most (ties: the first in [`STOP`]), or `any`
/// when it uses none.
pub fn guess_lang(words: &[String]) -> &'static str {
    let stops = stop_words();
    let mut hits = [0usize; STOP.len()];
    for w in words {
        for lang in stops.get(w.as_str()).into_iter().flatten() {
            hits[STOP.iter().position(|(l, _)| l == lang).unwrap_or(0)] += 1;
        }
    }
    let best = (0..hits.len()).max_by_key(|&i| (hits[i], std::cmp::Reverse(i)));
    match best {
        Some(i) if hits[i] > 0 => STOP[i].0,
        _ => "any",
    }
}

/// A word that may name a reason: not a stop-word, not a number, three letters or more.
fn content(word: &str) -> bool {
    word.chars().count() >= 3 && !is_stop(word) && !word.chars().all(|c| c.is_ascii_digit())
}

/// The words and two-word phrases of an answer that may be candidates, each once.
fn phrases(words: &[String]) -> BTreeSet<String> {
    let mut out: BTreeSet<String> = words.iter().filter(|w| content(w)).cloned().collect();
    for pair in words.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        let inner = (content(a) || content(b)) && !a.chars().all(|c| c.is_ascii_digit());
        if inner && (content(b) || a == "not" || a == "no") && !is_stop(b) {
            out.insert(format!("{a} {b}"));
        }
    }
    out
}

/// What discovery is asked for.
#[derive(Debug, Clone, Copy)]
pub struct Settings {
    /// At most this many candidates.
    pub top: usize,
    /// A candidate is in at least this many target answers.
    pub min_count: usize,
}

/// Log-odds z-score of a phrase in `y` of `n` target answers against `c` of `m` others, with
/// an informative Dirichlet prior of total `a0` spread as the phrase's share of both.
fn log_odds(y: usize, n: usize, c: usize, m: usize) -> f64 {
    const A0: f64 = 100.0;
    let (y, n, c, m) = (y as f64, n as f64, c as f64, m as f64);
    let a = 0.01 + A0 * (y + c) / (n + m).max(1.0);
    let odds = |k: f64, total: f64| ((k + a) / (total + A0 - k - a).max(1e-9)).ln();
    let delta = odds(y, n) - odds(c, m);
    delta / (1.0 / (y + a) + 1.0 / (c + a)).sqrt()
}

/// Per (language, phrase), the target answers holding it; and per language, how many target
/// answers there are.
type Found<'a> = (
    BTreeMap<(&'a str, String), Vec<usize>>,
    HashMap<&'a str, usize>,
);

/// The phrases of the target answers.
fn in_targets<'a>(answers: &[Answer], langs: &[&'a str]) -> Found<'a> {
    let mut target: BTreeMap<(&str, String), Vec<usize>> = BTreeMap::new();
    let mut n = HashMap::new();
    for (i, a) in answers.iter().enumerate().filter(|(_, a)| a.target) {
        *n.entry(langs[i]).or_default() += 1;
        for p in phrases(&a.words) {
            target.entry((langs[i], p)).or_default().push(i);
        }
    }
    (target, n)
}

/// Per (language, phrase), how many tagged answers hold it; and per language, how many tagged
/// answers there are.
type Counted<'a> = (HashMap<(&'a str, String), usize>, HashMap<&'a str, usize>);

/// How many tagged answers (not targets) hold each of `wanted`, per language; and how many
/// tagged answers there are per language. Only the words of `wanted` are looked at.
fn in_tagged<'a>(
    answers: &[Answer],
    langs: &[&'a str],
    wanted: &BTreeMap<(&'a str, String), Vec<usize>>,
) -> Counted<'a> {
    let words: std::collections::HashSet<&str> =
        wanted.keys().flat_map(|(_, p)| p.split(' ')).collect();
    let (mut other, mut m) = (HashMap::new(), HashMap::new());
    for (i, a) in answers.iter().enumerate() {
        if a.target || a.reason.is_none() {
            continue;
        }
        *m.entry(langs[i]).or_default() += 1;
        if !a.words.iter().any(|w| words.contains(w.as_str())) {
            continue;
        }
        for p in phrases(&a.words) {
            let key = (langs[i], p);
            if wanted.contains_key(&key) {
                *other.entry(key).or_default() += 1;
            }
        }
    }
    (other, m)
}

/// The candidates of `answers`, best first.
pub fn candidates(answers: &[Answer], reasons: usize, s: Settings) -> Vec<Candidate> {
    let mut langs: Vec<&'static str> = answers
        .iter()
        .map(|a| match a.target || a.reason.is_some() {
            true => guess_lang(&a.words),
            false => "any",
        })
        .collect();
    // An answer without a stop-word ("Parking lot") is in the export's commonest language.
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    langs
        .iter()
        .filter(|&&l| l != "any")
        .for_each(|l| *counts.entry(l).or_default() += 1);
    if let Some((&main, _)) = counts
        .iter()
        .max_by_key(|(l, n)| (**n, std::cmp::Reverse(**l)))
    {
        langs
            .iter_mut()
            .filter(|l| **l == "any")
            .for_each(|l| *l = main);
    }
    let (mut target, n) = in_targets(answers, &langs);
    target.retain(|_, rows| rows.len() >= s.min_count);
    let (other, m) = in_tagged(answers, &langs, &target);
    let mut scored: Vec<Candidate> = target
        .into_iter()
        .map(|((lang, phrase), rows)| {
            let c = other.get(&(lang, phrase.clone())).copied().unwrap_or(0);
            let score = log_odds(rows.len(), n[lang], c, m.get(lang).copied().unwrap_or(0));
            Candidate {
                phrase,
                lang,
                rows,
                score,
                suggested: None,
            }
        })
        .collect();
    scored.sort_by(|a, b| {
        (b.score.total_cmp(&a.score))
            .then(b.rows.len().cmp(&a.rows.len()))
            .then(a.phrase.cmp(&b.phrase))
    });
    let mut chosen: Vec<Candidate> = Vec::new();
    for c in scored {
        if chosen.len() == s.top {
            break;
        }
        if !chosen.iter().any(|k| mostly_within(&c.rows, &k.rows)) {
            chosen.push(c);
        }
    }
    let votes = Votes::new(answers, reasons, &chosen);
    for c in &mut chosen {
        c.suggested = votes.suggest(answers, c);
    }
    chosen
}

/// Whether four fifths of `rows` are in `of` (both sorted): a phrase that says little more
/// than one already chosen ("customer service" after "service").
fn mostly_within(rows: &[usize], of: &[usize]) -> bool {
    let common = rows.iter().filter(|r| of.binary_search(r).is_ok()).count();
    common * 5 >= rows.len() * 4
}

/// Per word, how many tagged answers of each reason hold it; and each reason's share of the
/// tagged answers.
struct Votes {
    by_word: HashMap<String, Vec<usize>>,
    prior: Vec<f64>,
}

impl Votes {
    /// The votes of the words of the `chosen` candidates' answers.
    fn new(answers: &[Answer], reasons: usize, chosen: &[Candidate]) -> Votes {
        let wanted: std::collections::HashSet<&str> = (chosen.iter())
            .flat_map(|c| c.rows.iter().flat_map(|&i| answers[i].words.iter()))
            .map(String::as_str)
            .filter(|w| content(w))
            .collect();
        let mut by_word: HashMap<String, Vec<usize>> = HashMap::new();
        let mut prior = vec![0.0; reasons];
        for a in answers.iter().filter(|a| !a.target) {
            let Some(r) = a.reason else { continue };
            prior[r] += 1.0;
            let words: BTreeSet<&String> = (a.words.iter())
                .filter(|w| wanted.contains(w.as_str()))
                .collect();
            for w in words {
                by_word.entry(w.clone()).or_insert_with(|| vec![0; reasons])[r] += 1;
            }
        }
        let total: f64 = prior.iter().sum::<f64>().max(1.0);
        prior.iter_mut().for_each(|p| *p = (*p / total).max(1e-3));
        Votes { by_word, prior }
    }

    /// The reason the words of a candidate's answers point to: each word seen in at least
    /// three tagged answers votes for each reason its share of them over the reason's share of
    /// all (so that the commonest reason does not win every vote); a reason with two fifths of
    /// the votes or more, from two words or more, is suggested.
    fn suggest(&self, answers: &[Answer], c: &Candidate) -> Option<usize> {
        let words: BTreeSet<&String> = (c.rows.iter())
            .flat_map(|&i| answers[i].words.iter())
            .filter(|w| content(w))
            .collect();
        let mut votes: Vec<f64> = Vec::new();
        let mut voters = 0;
        for w in words {
            let Some(counts) = self.by_word.get(w.as_str()) else {
                continue;
            };
            let total: usize = counts.iter().sum();
            if total < 3 {
                continue;
            }
            voters += 1;
            votes.resize(counts.len(), 0.0);
            let lifts: Vec<f64> = (counts.iter().zip(&self.prior))
                .map(|(&k, p)| k as f64 / total as f64 / p)
                .collect();
            let sum: f64 = lifts.iter().sum::<f64>().max(1e-9);
            for (v, lift) in votes.iter_mut().zip(lifts) {
                *v += lift / sum;
            }
        }
        let sum: f64 = votes.iter().sum();
        let best = (0..votes.len()).max_by(|&a, &b| votes[a].total_cmp(&votes[b]).then(b.cmp(&a)));
        best.filter(|&r| voters >= 2 && votes[r] >= 0.4 * sum)
    }
}

/// Groups of two or more target answers with the same content words, largest first (ties: the
/// first met), at most `top`.
pub fn near_duplicates(answers: &[Answer], top: usize) -> Vec<Duplicates> {
    let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, a) in answers.iter().enumerate().filter(|(_, a)| a.target) {
        let key: BTreeSet<&str> = a
            .words
            .iter()
            .filter(|w| content(w))
            .map(String::as_str)
            .collect();
        if !key.is_empty() {
            let key: Vec<&str> = key.into_iter().collect();
            groups.entry(key.join(" ")).or_default().push(i);
        }
    }
    let mut out: Vec<Duplicates> = groups
        .into_iter()
        .filter(|(_, rows)| rows.len() >= 2)
        .map(|(key, rows)| Duplicates { key, rows })
        .collect();
    out.sort_by(|a, b| {
        b.rows
            .len()
            .cmp(&a.rows.len())
            .then(a.rows[0].cmp(&b.rows[0]))
    });
    out.truncate(top);
    out
}

/// What `churn discover` reports (`--format json`: docs/schema/discover.v1.json).
#[derive(Debug, Clone, serde::Serialize)]
pub struct DiscoverReport {
    pub schema_version: u32,
    pub inputs: Vec<String>,
    /// `unclassified`, or `all` (`--all`).
    pub scope: &'static str,
    pub rows: DiscoverRows,
    pub candidates: Vec<CandidateRow>,
    pub near_duplicates: Vec<DuplicateRow>,
    /// Whether personal data was taken out of the examples.
    pub redacted: bool,
}

/// The rows read, and those discovered from.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct DiscoverRows {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    /// The answers discovered from: the unclassified ones, or every answer with `--all`.
    pub target: usize,
}

/// One candidate as reported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CandidateRow {
    pub phrase: String,
    pub lang: &'static str,
    /// Target answers holding it.
    pub count: usize,
    pub share_of_unclassified: f64,
    pub suggested_reason: Option<String>,
    /// The shortest two distinct answers holding it.
    pub examples: Vec<String>,
    /// A churn.toml fragment: after `extends = "builtin"` (or appended to churn.toml) a valid
    /// file that tags these answers.
    pub toml: String,
    /// Unclassified answers that fragment tags now (the rules alone).
    pub would_tag: usize,
}

/// A group of near-duplicate answers as reported.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DuplicateRow {
    /// Their shared words, sorted.
    pub words: String,
    pub count: usize,
    pub example: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(text: &str, target: bool, reason: Option<usize>) -> Answer {
        Answer {
            words: text.split(' ').map(String::from).collect(),
            target,
            reason,
        }
    }

    #[test]
    fn languages_are_told_by_their_stop_words() {
        let words = |t: &str| t.split(' ').map(String::from).collect::<Vec<_>>();
        assert_eq!(guess_lang(&words("the app is too slow")), "en");
        assert_eq!(guess_lang(&words("die app ist zu langsam und teuer")), "de");
        assert_eq!(guess_lang(&words("очень медленно и дорого")), "ru");
        assert_eq!(guess_lang(&words("xyzzy")), "any");
    }

    #[test]
    fn the_phrase_of_the_unclassified_answers_comes_first_with_its_reason() {
        let mut answers = Vec::new();
        // Tagged: price answers (reason 0) use "expensive" and "invoice"; support (1) "rude".
        for _ in 0..10 {
            answers.push(answer(
                "the plan is too expensive for the invoice",
                false,
                Some(0),
            ));
            answers.push(answer("the staff was rude", false, Some(1)));
        }
        // Unclassified: "renewal fee" with price words, and noise.
        for _ in 0..4 {
            answers.push(answer(
                "the renewal fee on my invoice was expensive",
                true,
                None,
            ));
        }
        answers.push(answer("just because", true, None));
        let found = candidates(
            &answers,
            2,
            Settings {
                top: 5,
                min_count: 2,
            },
        );
        assert!(!found.is_empty());
        let first = &found[0];
        assert!(
            ["renewal", "fee", "renewal fee"].contains(&first.phrase.as_str()),
            "{found:?}"
        );
        assert_eq!(first.rows.len(), 4);
        assert_eq!(first.lang, "en");
        assert_eq!(first.suggested, Some(0));
        // A phrase in the same rows as one chosen is not chosen again.
        let renewal = found
            .iter()
            .filter(|c| c.phrase.contains("renewal") || c.phrase.contains("fee"));
        assert_eq!(renewal.count(), 1, "{found:?}");
        // The same on every run.
        assert_eq!(
            found,
            candidates(
                &answers,
                2,
                Settings {
                    top: 5,
                    min_count: 2
                }
            )
        );
    }

    #[test]
    fn near_duplicates_share_their_content_words() {
        let answers = vec![
            answer("renewal fee too high", true, None),
            answer("the renewal fee is high", true, None),
            answer("something else", true, None),
            answer("renewal fee high", false, Some(0)),
        ];
        let groups = near_duplicates(&answers, 10);
        assert_eq!(
            groups,
            [Duplicates {
                key: "fee high renewal".into(),
                rows: vec![0, 1]
            }]
        );
    }
}
