//! Attribution: run the classifier over every row and count where each row ended up, so that
//! rows read = tagged + unclassified + no answer + involuntary + rejected + filtered out,
//! always; then credit
//! tagged rows to reasons by the attribution mode. Pure over iterators of rows; the frame is
//! unpacked by the caller.

use std::collections::{BTreeMap, HashMap};

use churn_core::classify::{Classifier, Outcome, Scratch, Source, Tag};
use churn_core::config::Attribution;
use churn_input::{Answers, Loaded};

use crate::quotes::Quotes;

/// Each row's tag (or none), kept compactly: the distinct tags once with how many rows carry
/// each, and, when a later step needs to know which rows (segments, periods, weights), a 4-byte
/// index per row: ten million rows take 40 MB then, and nothing per row otherwise
/// ([`Tags::forget_rows`]).
#[derive(Debug, Clone)]
pub struct Tags {
    distinct: Vec<Tag>,
    index: HashMap<Tag, u32, foldhash::fast::FixedState>,
    /// Per distinct tag, the rows that carry it.
    times: Vec<u64>,
    /// Rows, tagged or not.
    len: usize,
    /// Each row's index into `distinct` ([`UNTAGGED`] for none), unless forgotten.
    rows: Option<Vec<u32>>,
}

/// The index of a row without a tag.
const UNTAGGED: u32 = u32::MAX;

impl Default for Tags {
    fn default() -> Tags {
        Tags::with_capacity(0)
    }
}

impl Tags {
    pub fn with_capacity(rows: usize) -> Tags {
        Tags {
            distinct: Vec::new(),
            index: HashMap::default(),
            times: Vec::new(),
            len: 0,
            rows: Some(Vec::with_capacity(rows)),
        }
    }

    /// Keep only how many rows carry each tag, not which rows.
    pub fn forget_rows(&mut self) {
        self.rows = None;
    }

    /// Whether which row carries which tag is known (see [`Tags::forget_rows`]).
    pub fn keeps_rows(&self) -> bool {
        self.rows.is_some()
    }

    fn row_ids(&self) -> &[u32] {
        self.rows
            .as_deref()
            .expect("the rows' tags were kept (Tags::forget_rows was not called)")
    }

    /// Each distinct tag with how many rows carry it, in the order first met.
    pub fn counts(&self) -> impl Iterator<Item = (&Tag, u64)> + '_ {
        self.distinct.iter().zip(self.times.iter().copied())
    }

    /// Tagged rows.
    pub fn tagged(&self) -> u64 {
        self.times.iter().sum()
    }

    fn id(&mut self, tag: Tag) -> u32 {
        if let Some(&id) = self.index.get(&tag) {
            return id;
        }
        let id = self.distinct.len() as u32;
        self.distinct.push(tag);
        self.index.insert(tag, id);
        self.times.push(0);
        id
    }

    pub fn push(&mut self, tag: Option<Tag>) {
        let id = match tag {
            Some(tag) => {
                let id = self.id(tag);
                self.times[id as usize] += 1;
                id
            }
            None => UNTAGGED,
        };
        self.len += 1;
        if let Some(rows) = &mut self.rows {
            rows.push(id);
        }
    }

    /// Append another run of rows after these. The rows' tags stay known only if they are in
    /// both.
    pub fn extend(&mut self, other: Tags) {
        let map: Vec<u32> = other.distinct.iter().map(|&t| self.id(t)).collect();
        for (&id, &n) in map.iter().zip(&other.times) {
            self.times[id as usize] += n;
        }
        self.len += other.len;
        match (&mut self.rows, other.rows) {
            (Some(rows), Some(theirs)) => {
                rows.extend(
                    theirs
                        .iter()
                        .map(|&i| if i == UNTAGGED { i } else { map[i as usize] }),
                )
            }
            _ => self.rows = None,
        }
    }

    /// Row `i`'s tag (the rows' tags must be kept).
    pub fn get(&self, i: usize) -> Option<&Tag> {
        match self.row_ids()[i] {
            UNTAGGED => None,
            id => Some(&self.distinct[id as usize]),
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// Row `i`'s tag as an index into the distinct tags (see [`Tags::distinct`]).
    pub fn id_of(&self, i: usize) -> Option<u32> {
        Some(self.row_ids()[i]).filter(|&id| id != UNTAGGED)
    }

    /// The distinct tag with index `id`.
    pub fn distinct(&self, id: u32) -> &Tag {
        &self.distinct[id as usize]
    }

    /// How many distinct tags there are.
    pub fn distinct_len(&self) -> usize {
        self.distinct.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Each row's tag, in order (the rows' tags must be kept).
    pub fn iter(&self) -> impl Iterator<Item = Option<&Tag>> + '_ {
        (0..self.row_ids().len()).map(|i| self.get(i))
    }

    /// How many rows carry each tag, sorted, for comparing tallies however they were built.
    fn histogram(&self) -> Vec<(&Tag, u64)> {
        let mut h: Vec<(&Tag, u64)> = self.counts().filter(|(_, n)| *n > 0).collect();
        h.sort_unstable();
        h
    }
}

impl PartialEq for Tags {
    fn eq(&self, other: &Tags) -> bool {
        self.len() == other.len()
            && match (self.keeps_rows(), other.keeps_rows()) {
                (true, true) => self.iter().eq(other.iter()),
                _ => self.histogram() == other.histogram(),
            }
    }
}

impl FromIterator<Option<Tag>> for Tags {
    fn from_iter<I: IntoIterator<Item = Option<Tag>>>(iter: I) -> Tags {
        let mut tags = Tags::default();
        for t in iter {
            tags.push(t);
        }
        tags
    }
}

/// Where every row went.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Tally {
    pub read: usize,
    pub tagged: usize,
    pub unclassified: usize,
    pub no_answer: usize,
    /// Of `no_answer`, typed answers the `[junk]` checks recognize ("asdfgh", "test").
    pub junk: usize,
    /// Rows a code marks as involuntary churn (a failed or disputed payment).
    pub involuntary: usize,
    /// Rows that could not be read (`--skip-bad-rows`).
    pub rejected: usize,
    /// Rows a `--where` filter left out, or that are no answers (previews, tests, spam,
    /// unfinished responses).
    pub filtered_out: usize,
    /// `filtered_out` by cause.
    pub filtered_out_by: churn_input::FilteredOut,
    /// Tagged rows that state more than one reason.
    pub multi_reason: usize,
    /// Rows whose confidence is below [`churn_core::classify::LOW_CONFIDENCE`] (`None` without a model); not part
    /// of the accounting: they are also tagged or unclassified.
    pub low_confidence: Option<usize>,
    /// Credit per reason, by taxonomy index, under the attribution mode.
    pub by_reason: Vec<f64>,
    /// Tagged rows whose reason came from a code, per reason.
    pub from_code: Vec<usize>,
    /// Tagged rows whose reason came from an overrides file, per reason.
    pub from_override: Vec<usize>,
    /// Rows whose outcome an overrides file decided (any outcome; counted in it as usual).
    pub overridden: usize,
    /// Which overrides applied to a row (by number; see [`churn_core::overrides`]).
    pub overrides_used: Vec<bool>,
    /// Tagged rows whose code the text refined to a more specific reason.
    pub refined: usize,
    /// Rows whose code and text name different reasons: (code's reason, text's reason) -> rows.
    pub conflicts: BTreeMap<(usize, usize), usize>,
    /// Coded values no code map knows, with how often each occurred (these rows fell back to
    /// their text).
    pub unknown_codes: BTreeMap<String, usize>,
    /// Unclassified answers (normalized) with their counts.
    pub unclassified_answers: HashMap<String, usize>,
    /// Each row kept (read, less filtered out and rejected), in order: its tag when it was
    /// tagged. Segments, periods and weights are counted from these.
    pub tags: Tags,
    /// Candidate quotes, when asked for.
    pub quotes: Option<Quotes>,
    /// Names proposed as competitors (see [`Keep::proposals`]), with how many rows give each.
    pub proposals: BTreeMap<String, usize>,
}

impl Tally {
    /// Whether every row is accounted for exactly once, and the credit adds up.
    pub fn balanced(&self, attribution: Attribution) -> bool {
        let rows = self.read
            == self.tagged
                + self.unclassified
                + self.no_answer
                + self.involuntary
                + self.rejected
                + self.filtered_out;
        let credit: f64 = self.by_reason.iter().sum();
        let credit_ok = match attribution {
            Attribution::Primary | Attribution::Split => (credit - self.tagged as f64).abs() < 1e-6,
            Attribution::All => credit + 1e-6 >= self.tagged as f64,
        };
        rows && credit_ok
    }

    /// The `n` most common unclassified answers, most common first, ties in text order.
    pub fn top_unclassified(&self, n: usize) -> Vec<(String, usize)> {
        most_frequent(&self.unclassified_answers, n)
    }
}

/// Counted values, the `n` most frequent first, ties in their order (so a map in any order
/// gives the same list).
pub fn most_frequent<'a>(
    counts: impl IntoIterator<Item = (&'a String, &'a usize)>,
    n: usize,
) -> Vec<(String, usize)> {
    let mut all: Vec<(String, usize)> = counts.into_iter().map(|(t, c)| (t.clone(), *c)).collect();
    all.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    all.truncate(n);
    all
}

/// Tally a loaded export: its kept rows classified, and the rows that never reached the frame
/// (filtered out, rejected) counted, so that the accounting covers every row read.
pub fn tally_export(
    classifier: &Classifier,
    reasons: usize,
    attribution: Attribution,
    keep: &Keep,
    loaded: &Loaded,
) -> Tally {
    let mut t = tally(classifier, reasons, attribution, keep, &loaded.answers());
    account(&mut t, loaded);
    t
}

/// Count the rows of a load that never reached the classifier: filtered out and rejected.
pub fn account(t: &mut Tally, loaded: &Loaded) {
    t.read += loaded.filtered_out + loaded.rejected.len();
    t.filtered_out += loaded.filtered_out;
    t.filtered_out_by.add(&loaded.filtered_out_by);
    t.rejected += loaded.rejected.len();
}

/// What a tally keeps of the answers besides the counts.
#[derive(Debug, Clone, Default)]
pub struct Keep {
    /// The unclassified answers (for `--show-unclassified`).
    pub unclassified: bool,
    /// Personal data out of the unclassified answers kept (see [`churn_core::redact`]).
    pub redact: bool,
    /// Candidate quotes per reason and sub-reason (for `--quotes`): empty pools, filled by each
    /// run of rows.
    pub quotes: Option<Quotes>,
    /// The names the answers of customers lost to someone (or moved) say they went to, to
    /// propose as competitors (when the configuration names none).
    pub proposals: bool,
    /// Corrections that win over the tagger, by the rows' ids ([`churn_input::Answers::id`]).
    pub overrides: Option<std::sync::Arc<churn_core::overrides::Overrides>>,
}

/// The most distinct names proposed as competitors that a tally keeps.
pub const MAX_PROPOSALS: usize = 10_000;

/// Classify every row and count the outcomes, on this thread. `keep` says which answers are
/// kept (unclassified ones, quotes). Commands classify through
/// [`churn_input::scan`] instead, which hands runs of rows to [`classify_answers`] on every
/// core and [`merge`]s them.
pub fn tally(
    classifier: &Classifier,
    reasons: usize,
    attribution: Attribution,
    keep: &Keep,
    answers: &Answers<'_>,
) -> Tally {
    tally_in_runs(1, classifier, reasons, attribution, keep, answers)
}

/// [`tally`] with the rows split into `runs` runs, each classified apart and then merged.
fn tally_in_runs(
    runs: usize,
    classifier: &Classifier,
    reasons: usize,
    attribution: Attribution,
    keep: &Keep,
    answers: &Answers<'_>,
) -> Tally {
    let n = answers.len();
    let size = n.div_ceil(runs).max(1);
    let mut scratch = Scratch::new();
    let parts: Vec<Tally> = (0..n.max(1))
        .step_by(size)
        .map(|start| {
            let part = answers.slice(start..(start + size).min(n));
            classify_answers(classifier, reasons, keep, &part, &mut scratch)
        })
        .collect();
    merge(parts, reasons, attribution)
}

/// Combine the tallies of consecutive runs of rows, in order, and credit the reasons (in row
/// order, so the sums do not depend on how the rows were split).
pub fn merge(
    parts: impl IntoIterator<Item = Tally>,
    reasons: usize,
    attribution: Attribution,
) -> Tally {
    let mut t = Tally {
        by_reason: vec![0.0; reasons],
        from_code: vec![0; reasons],
        from_override: vec![0; reasons],
        ..Tally::default()
    };
    for p in parts {
        t.read += p.read;
        t.tagged += p.tagged;
        t.unclassified += p.unclassified;
        t.no_answer += p.no_answer;
        t.junk += p.junk;
        t.involuntary += p.involuntary;
        t.rejected += p.rejected;
        t.filtered_out += p.filtered_out;
        t.filtered_out_by.add(&p.filtered_out_by);
        t.multi_reason += p.multi_reason;
        t.refined += p.refined;
        if let Some(low) = p.low_confidence {
            *t.low_confidence.get_or_insert(0) += low;
        }
        for (a, b) in t.from_code.iter_mut().zip(&p.from_code) {
            *a += b;
        }
        for (a, b) in t.from_override.iter_mut().zip(&p.from_override) {
            *a += b;
        }
        t.overridden += p.overridden;
        if t.overrides_used.len() < p.overrides_used.len() {
            t.overrides_used.resize(p.overrides_used.len(), false);
        }
        for (a, b) in t.overrides_used.iter_mut().zip(&p.overrides_used) {
            *a |= b;
        }
        for (pair, n) in p.conflicts {
            *t.conflicts.entry(pair).or_default() += n;
        }
        for (code, n) in p.unknown_codes {
            *t.unknown_codes.entry(code).or_default() += n;
        }
        for (text, n) in p.unclassified_answers {
            *t.unclassified_answers.entry(text).or_default() += n;
        }
        t.tags.extend(p.tags);
        for (name, n) in p.proposals {
            if let Some(m) = t.proposals.get_mut(&name) {
                *m += n;
            } else if t.proposals.len() < MAX_PROPOSALS {
                t.proposals.insert(name, n);
            }
        }
        if let Some(q) = p.quotes {
            match &mut t.quotes {
                Some(all) => all.merge(q),
                None => t.quotes = Some(q),
            }
        }
    }
    // Credit per distinct tag, in the order first met (the row order), whatever the chunks
    // were.
    for (tag, n) in t.tags.counts() {
        let (k, n) = (tag.reasons.len(), n as f64);
        match attribution {
            Attribution::Primary => t.by_reason[tag.primary] += n,
            Attribution::Split => {
                for r in tag.reasons.iter() {
                    t.by_reason[r] += n / k as f64;
                }
            }
            Attribution::All => {
                for r in tag.reasons.iter() {
                    t.by_reason[r] += n;
                }
            }
        }
    }
    t
}

/// Classify a run of rows: every count but the credit per reason (see [`merge`]).
pub fn classify_answers(
    classifier: &Classifier,
    reasons: usize,
    keep: &Keep,
    answers: &Answers<'_>,
    scratch: &mut Scratch,
) -> Tally {
    let mut t = Tally {
        from_code: vec![0; reasons],
        from_override: vec![0; reasons],
        overrides_used: vec![false; keep.overrides.as_ref().map_or(0, |o| o.len())],
        tags: Tags::with_capacity(answers.len()),
        low_confidence: classifier.model().map(|_| 0),
        quotes: keep.quotes.clone(),
        ..Tally::default()
    };
    let threshold = churn_core::classify::LOW_CONFIDENCE as f32;
    for i in 0..answers.len() {
        let text = answers.text(i);
        t.read += 1;
        let unknown_codes = &mut t.unknown_codes;
        let lookup = classifier.lookup_codes(answers.codes(i).iter().flatten().copied(), |code| {
            *unknown_codes.entry(code.trim().to_string()).or_default() += 1;
        });
        let overridden = (keep.overrides.as_ref())
            .and_then(|o| Some((o, o.find(answers.id(i)?)?)))
            .map(|(o, k)| {
                t.overrides_used[k as usize] = true;
                o.get(k).target.outcome()
            });
        t.overridden += usize::from(overridden.is_some());
        // Unclassified answers are listed in their normalized form, from the trace of each.
        let (outcome, confidence) = match overridden {
            Some(outcome) => (outcome, None),
            None => {
                let outcome = match keep.unclassified {
                    true => classifier.classify(text, lookup, scratch),
                    false => classifier.classify_remembered(text, lookup, scratch),
                };
                (outcome, classifier.confidence(scratch))
            }
        };
        if let Some(low) = &mut t.low_confidence {
            *low += usize::from(confidence.is_some_and(|c| c < threshold));
        }
        let normalized = || match overridden {
            Some(_) => text.map_or(String::new(), churn_core::normalize::normalize),
            None => classifier.last_normalized(scratch).to_string(),
        };
        let seen = Seen {
            text,
            outcome,
            confidence,
        };
        t.count(seen, classifier, keep, normalized);
    }
    t
}

/// One row classified, as [`Tally::count`] counts it.
struct Seen<'a> {
    text: Option<&'a str>,
    outcome: Outcome,
    confidence: Option<f32>,
}

impl Tally {
    /// Count one row's outcome; `normalized` gives its answer's normalized form (for the
    /// unclassified answers kept).
    fn count(
        &mut self,
        row: Seen<'_>,
        classifier: &Classifier,
        keep: &Keep,
        normalized: impl FnOnce() -> String,
    ) {
        let (t, text) = (self, row.text);
        t.tags.push(match row.outcome {
            Outcome::Tagged(tag) => Some(tag),
            _ => None,
        });
        match row.outcome {
            Outcome::Tagged(tag) => {
                if let (Some(quotes), Some(text)) = (&mut t.quotes, text) {
                    quotes.offer(&tag, text, row.confidence);
                }
                if keep.proposals && classifier.may_name_competitor(&tag) {
                    propose(&mut t.proposals, text);
                }
                t.count_tag(&tag);
            }
            Outcome::Unclassified => {
                t.unclassified += 1;
                if keep.unclassified {
                    let redacted = text
                        .filter(|_| keep.redact)
                        .and_then(churn_core::redact::normalized);
                    // A coded row whose text is junk ("other" and "asdfgh") said it by code only.
                    let junk = || text.is_some_and(|x| classifier.junk(x).is_some());
                    let normalized = normalized();
                    let key = match redacted {
                        Some(key) => key,
                        None if normalized.is_empty() && text.is_none() => "(code only)".into(),
                        None if junk() => "(code only)".into(),
                        None => normalized,
                    };
                    *t.unclassified_answers.entry(key).or_default() += 1;
                }
            }
            Outcome::NoAnswer => {
                t.no_answer += 1;
                t.junk += usize::from(text.is_some_and(|x| classifier.junk(x).is_some()));
            }
            Outcome::Involuntary => t.involuntary += 1,
        }
    }

    /// Count a tagged row: where its reason came from, and a code the text disagrees with.
    fn count_tag(&mut self, tag: &Tag) {
        let t = self;
        t.tagged += 1;
        if tag.reasons.len() > 1 {
            t.multi_reason += 1;
        }
        match tag.source {
            Source::Code => t.from_code[tag.primary] += 1,
            Source::Override => t.from_override[tag.primary] += 1,
            Source::Refined => t.refined += 1,
            Source::Text | Source::Hint | Source::Model | Source::TextOverCode => {}
        }
        if let Some(other) = tag.conflict.map(usize::from) {
            // Keyed (code's reason, text's reason), whichever was counted.
            let pair = match tag.source {
                Source::TextOverCode => (other, tag.primary),
                _ => (tag.primary, other),
            };
            *t.conflicts.entry(pair).or_default() += 1;
        }
    }
}

/// Count the name an answer says its customer went to, if any (up to [`MAX_PROPOSALS`] names).
fn propose(proposals: &mut BTreeMap<String, usize>, text: Option<&str>) {
    let Some(name) = text.and_then(churn_core::competitors::proposed) else {
        return;
    };
    if let Some(n) = proposals.get_mut(&name) {
        *n += 1;
    } else if proposals.len() < MAX_PROPOSALS {
        proposals.insert(name, 1);
    }
}

/// Credit one tagged row to groups of reasons (`group_of[reason]`, `None` for a reason outside
/// every group), under the attribution mode, appending `(group, credit)` pairs to `out`:
/// `primary` credits the group of the reason stated first; `split` shares 1 between the reasons;
/// `all` credits 1 to every group holding at least one of the row's reasons. Returns the credit
/// that fell outside every group.
pub fn credit(
    tag: &Tag,
    attribution: Attribution,
    group_of: &[Option<usize>],
    out: &mut Vec<(usize, f64)>,
) -> f64 {
    let start = out.len();
    let add = |g: usize, c: f64, out: &mut Vec<(usize, f64)>| match out[start..]
        .iter_mut()
        .find(|(x, _)| *x == g)
    {
        Some(slot) => {
            if attribution != Attribution::All {
                slot.1 += c;
            }
        }
        None => out.push((g, c)),
    };
    match attribution {
        Attribution::Primary => match group_of[tag.primary] {
            Some(g) => {
                add(g, 1.0, out);
                0.0
            }
            None => 1.0,
        },
        Attribution::Split => {
            let each = 1.0 / tag.reasons.len() as f64;
            let mut outside = 0.0;
            for r in tag.reasons.iter() {
                match group_of[r] {
                    Some(g) => add(g, each, out),
                    None => outside += each,
                }
            }
            outside
        }
        Attribution::All => {
            for g in tag.reasons.iter().filter_map(|r| group_of[r]) {
                add(g, 1.0, out);
            }
            // The row falls outside only when none of its reasons is in a group.
            if out.len() > start {
                0.0
            } else {
                1.0
            }
        }
    }
}

/// Credit per group over `tags` (see [`credit`]), with the credit outside every group.
pub fn group_counts<'a>(
    tags: impl Iterator<Item = &'a Tag>,
    attribution: Attribution,
    group_of: &[Option<usize>],
    groups: usize,
) -> (Vec<f64>, f64) {
    let mut counts = vec![0.0; groups];
    let mut outside = 0.0;
    let mut buf = Vec::new();
    for tag in tags {
        buf.clear();
        outside += credit(tag, attribution, group_of, &mut buf);
        for &(g, c) in &buf {
            counts[g] += c;
        }
    }
    (counts, outside)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answers<'a>(rows: &[(Option<&'a str>, Option<&'a str>)]) -> Answers<'a> {
        let mut a = Answers::new(1);
        for &(text, code) in rows {
            a.push(text, [code]);
        }
        a
    }

    fn row<'a>(text: Option<&'a str>, code: Option<&'a str>) -> (Option<&'a str>, Option<&'a str>) {
        (text, code)
    }

    #[test]
    fn runs_do_not_change_the_result() {
        let tax = churn_core::config::builtin_taxonomy();
        let c = Classifier::new(&tax).unwrap();
        let texts = [
            Some("rude staff and too expensive"),
            Some("qwerty"),
            None,
            Some("we moved abroad, price too high, support slow"),
            Some("n/a"),
            Some("switched to a competitor"),
            Some("rude staff"),
        ];
        let codes = [
            None,
            Some("too_expensive"),
            Some("bogus"),
            Some("payment_failed"),
        ];
        let rows: Vec<_> = (0..1000)
            .map(|i| row(texts[i % 7], codes[(i / 7) % 4]))
            .collect();
        let rows = answers(&rows);
        // Unclassified answers and quote candidates too are the same however the rows run.
        let keep = Keep {
            unclassified: true,
            redact: true,
            proposals: true,
            quotes: Some(Quotes::new(
                2,
                tax.reasons.iter().map(|r| r.subs.len()).collect(),
            )),
            overrides: None,
        };
        for attribution in [Attribution::Primary, Attribution::Split, Attribution::All] {
            let one = tally_in_runs(1, &c, tax.reasons.len(), attribution, &keep, &rows);
            for runs in [2, 3, 7, 1000] {
                let many = tally_in_runs(runs, &c, tax.reasons.len(), attribution, &keep, &rows);
                assert_eq!(many, one, "{runs} runs, {attribution:?}");
            }
            assert!(one.balanced(attribution));
        }
    }

    #[test]
    fn counts_alone_give_the_same_tally_without_a_cost_per_row() {
        let tax = churn_core::config::builtin_taxonomy();
        let c = Classifier::new(&tax).unwrap();
        let texts = [
            Some("rude staff and too expensive"),
            Some("moved"),
            Some("zz"),
            None,
        ];
        let rows: Vec<_> = (0..999).map(|i| row(texts[i % 4], None)).collect();
        let rows = answers(&rows);
        let k = tax.reasons.len();
        for attribution in [Attribution::Primary, Attribution::Split, Attribution::All] {
            let kept = tally_in_runs(3, &c, k, attribution, &Keep::default(), &rows);
            let parts = (0..3).map(|r| {
                let mut p = classify_answers(
                    &c,
                    k,
                    &Keep::default(),
                    &rows.slice(r * 333..r * 333 + 333),
                    &mut Scratch::new(),
                );
                p.tags.forget_rows();
                p
            });
            let counted = merge(parts, k, attribution);
            assert!(!counted.tags.keeps_rows() && kept.tags.keeps_rows());
            assert_eq!(counted, kept, "{attribution:?}");
            assert_eq!(counted.tags.len(), 999);
            assert_eq!(counted.tags.tagged() as usize, counted.tagged);
        }
    }

    #[test]
    fn every_row_lands_in_exactly_one_bucket() {
        let tax = churn_core::config::builtin_taxonomy();
        let c = Classifier::new(&tax).unwrap();
        let rows = vec![
            row(Some("rude staff"), None),
            row(Some("purple elephants"), None),
            row(Some("asdfgh"), None),
            row(None, None),
            row(Some("n/a"), Some("too_expensive")),
            row(None, Some("bogus_code")),
            row(Some("we moved abroad"), Some("bogus_code")),
            row(None, Some("other")),
            row(Some("rude staff"), Some("payment_failed")),
        ];
        let keep = Keep {
            unclassified: true,
            ..Keep::default()
        };
        let t = tally(
            &c,
            tax.reasons.len(),
            Attribution::Primary,
            &keep,
            &answers(&rows),
        );
        assert_eq!(
            (t.read, t.tagged, t.unclassified, t.no_answer, t.involuntary),
            (9, 3, 3, 2, 1)
        );
        // Keyboard mash is no answer, and counted as junk.
        assert_eq!(t.junk, 1);
        assert!(t.balanced(Attribution::Primary));
        assert_eq!(t.by_reason, [0.0, 1.0, 0.0, 0.0, 1.0, 1.0]);
        assert_eq!(t.from_code, [0, 0, 0, 0, 1, 0]);
        assert_eq!(t.unknown_codes.get("bogus_code"), Some(&2));
        assert_eq!(
            t.top_unclassified(5),
            [
                ("(code only)".to_string(), 2),
                ("purple elephants".to_string(), 1)
            ]
        );
    }

    #[test]
    fn attribution_modes_credit_multi_reason_rows() {
        let tax = churn_core::config::builtin_taxonomy();
        let c = Classifier::new(&tax).unwrap();
        let rows = || {
            answers(&[
                row(Some("Too expensive and support never answered"), None),
                row(Some("rude staff"), None),
            ])
        };
        let p = tally(&c, 6, Attribution::Primary, &Keep::default(), &rows());
        assert_eq!(p.by_reason, [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]);
        let s = tally(&c, 6, Attribution::Split, &Keep::default(), &rows());
        assert_eq!(s.by_reason, [0.0, 0.0, 0.0, 0.0, 0.5, 1.5]);
        let a = tally(&c, 6, Attribution::All, &Keep::default(), &rows());
        assert_eq!(a.by_reason, [0.0, 0.0, 0.0, 0.0, 1.0, 2.0]);
        assert_eq!(a.multi_reason, 1);
        // Grouping died+moved+friend+better into one bucket, dissatisfaction and indifference
        // each alone: the row stating two reasons counts once per group under `all`.
        let group_of = [Some(0), Some(0), Some(0), Some(0), Some(1), Some(2)];
        let tags: Vec<Tag> = a.tags.iter().flatten().copied().collect();
        let (g, out) = group_counts(tags.iter(), Attribution::All, &group_of, 3);
        assert_eq!((g, out), (vec![0.0, 1.0, 2.0], 0.0));
        let (g, out) = group_counts(tags.iter(), Attribution::Split, &group_of, 3);
        assert_eq!((g, out), (vec![0.0, 0.5, 1.5], 0.0));
        let only = [None, None, None, None, None, Some(0)];
        let (g, out) = group_counts(tags.iter(), Attribution::Split, &only, 1);
        assert_eq!((g, out), (vec![1.5], 0.5));
        let (g, out) = group_counts(tags.iter(), Attribution::Primary, &only, 1);
        assert_eq!((g, out), (vec![1.0], 1.0));
        for (t, m) in [
            (p, Attribution::Primary),
            (s, Attribution::Split),
            (a, Attribution::All),
        ] {
            assert!(t.balanced(m));
        }
    }
}
