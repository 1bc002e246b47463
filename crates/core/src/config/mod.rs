//! Configuration: the taxonomy, benchmark sets and defaults in force, read from `churn.toml`
//! (working directory), `--config FILE` or `CHURN_CONFIG`, else the built-in `builtin.toml`.
//! Reading reports every problem with its line and column; [`check`] also returns warnings
//! (for `churn taxonomy validate`).

mod file;
pub mod rules;

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::benchmark::{Benchmark, Bucket, Members};
use crate::taxonomy::{is_known_language, phrase_words, SubReason, MAX_REASONS, MAX_SUBS};
use crate::taxonomy::{CodeMap, CodeTarget, Matching, NegationRules, Phrase, Reason, Taxonomy};
use file::{File, Spanned};

/// The built-in configuration, as `churn taxonomy init` writes it.
pub const BUILTIN_TOML: &str = include_str!("builtin.toml");

/// The name looked for in the working directory.
pub const FILE_NAME: &str = "churn.toml";

/// How rows with several reasons are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Attribution {
    /// Each tagged row counts once, for the reason stated first.
    Primary,
    /// Each tagged row is split equally between the reasons it states.
    Split,
    /// Each tagged row counts fully for every reason it states; shares may sum past 100%.
    All,
}

impl Attribution {
    pub fn name(self) -> &'static str {
        match self {
            Attribution::Primary => "primary",
            Attribution::Split => "split",
            Attribution::All => "all",
        }
    }
}

/// Where the configuration came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

impl Origin {
    /// The path, if read from a file.
    pub fn path(&self) -> Option<String> {
        match self {
            Origin::Builtin => None,
            Origin::File(p) => Some(p.display().to_string()),
        }
    }
}

/// The configuration in force.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub taxonomy: Taxonomy,
    pub benchmarks: Vec<Benchmark>,
    pub attribution: Attribution,
    pub benchmark: String,
    pub origin: Origin,
    /// `[check]`: rules of `churn check` (flags override them).
    pub check: rules::Rules,
    /// `[model]`: the learned second opinion.
    pub model: ModelSettings,
    /// Benchmarks for the survey's other questions: built in, and `[[question_set]]`.
    pub questions: Vec<crate::questions::QuestionSet>,
    /// `[analyze] overrides`: an overrides file, resolved against the config file's folder.
    pub overrides: Option<PathBuf>,
}

/// `[model]` of churn.toml: whether the learned second opinion is asked, which model, and the
/// probability it needs to decide a row.
#[derive(Debug, Clone, PartialEq)]
pub struct ModelSettings {
    pub enabled: bool,
    /// A model file (`churn train`), resolved against the config file's folder; `None` for the
    /// built-in model.
    pub path: Option<PathBuf>,
    pub threshold: f64,
}

impl Default for ModelSettings {
    fn default() -> ModelSettings {
        ModelSettings {
            enabled: true,
            path: None,
            threshold: crate::model::DEFAULT_THRESHOLD,
        }
    }
}

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// One finding about a configuration file.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Diagnostic {
    pub severity: Severity,
    /// 1-based line and column in the file, when the finding has a place.
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let level = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match (self.line, self.column) {
            (Some(l), Some(c)) => write!(f, "{level}: line {l}, column {c}: {}", self.message),
            _ => write!(f, "{level}: {}", self.message),
        }
    }
}

/// The result of reading a configuration: the config if it has no errors, and every finding.
#[derive(Debug, Clone)]
pub struct Checked {
    pub config: Option<Config>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Checked {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }
}

/// 1-based line and column of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// 1-based line and column of each byte offset in `offsets`, in one pass over `text` (offsets in
/// any order). Finding each from the start of the text was quadratic: 50,000 warnings in a file
/// of 100,000 phrases took 93 s.
fn line_cols(text: &str, offsets: &[usize]) -> Vec<(usize, usize)> {
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_by_key(|&i| offsets[i]);
    let mut out = vec![(0, 0); offsets.len()];
    let (mut pos, mut line, mut col) = (0usize, 1usize, 1usize);
    for i in order {
        let target = offsets[i].min(text.len());
        for c in text[pos..target].chars() {
            if c == '\n' {
                line += 1;
                col = 1;
            } else {
                col += 1;
            }
        }
        pos = target;
        out[i] = (line, col);
    }
    out
}

/// Collects findings while a file is turned into a [`Config`]. A finding's place is kept as a
/// byte offset and turned into a line and column by [`Reader::finish`].
struct Reader<'a> {
    text: &'a str,
    diagnostics: Vec<Diagnostic>,
    /// The byte offset of each finding that has a place, by its index in `diagnostics`.
    offsets: Vec<(usize, usize)>,
}

impl Reader<'_> {
    fn at<T>(&mut self, severity: Severity, item: &Spanned<T>, message: String) {
        self.offsets
            .push((self.diagnostics.len(), item.span().start));
        self.diagnostics.push(Diagnostic {
            severity,
            line: None,
            column: None,
            message,
        });
    }

    /// The findings, with the line and column of each place.
    fn finish(mut self) -> Vec<Diagnostic> {
        let offsets: Vec<usize> = self.offsets.iter().map(|&(_, o)| o).collect();
        for (&(i, _), (line, column)) in self.offsets.iter().zip(line_cols(self.text, &offsets)) {
            self.diagnostics[i].line = Some(line);
            self.diagnostics[i].column = Some(column);
        }
        self.diagnostics
    }
    fn error<T>(&mut self, item: &Spanned<T>, message: String) {
        self.at(Severity::Error, item, message);
    }
    /// A finding at `item` when the user's file has it, else without a place (built-in items).
    fn maybe_at<T>(&mut self, severity: Severity, item: Option<&Spanned<T>>, message: String) {
        match item {
            Some(item) => self.at(severity, item, message),
            None => self.plain(severity, message),
        }
    }
    fn plain(&mut self, severity: Severity, message: String) {
        self.diagnostics.push(Diagnostic {
            severity,
            line: None,
            column: None,
            message,
        });
    }
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

fn title(id: &str) -> String {
    let text = id.replace('_', " ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => text,
    }
}

fn phrases_of(
    reader: &mut Reader,
    map: &BTreeMap<String, Vec<Spanned<String>>>,
    owner: &Spanned<String>,
    what: &str,
) -> Vec<Phrase> {
    let mut out = Vec::new();
    for (lang, list) in map {
        if !is_known_language(lang) {
            reader.error(
                owner,
                format!(
                    "`{}`: unknown language `{lang}` in {what}; use an ISO 639-1 code with a \
                     Snowball stemmer (en nl de fr es ru da fi hu it no pt ro sv tr el ar ta), \
                     `pl` (no stemmer: exact words and `word*` prefixes) or `any`",
                    owner.get_ref()
                ),
            );
            continue;
        }
        for p in list {
            out.push(Phrase {
                lang: lang.clone(),
                text: p.get_ref().clone(),
            });
        }
    }
    out
}

/// Where each user-written phrase is, to point warnings at it.
type PhrasePlaces = HashMap<(String, String), Spanned<String>>;

/// An error at the first reason past [`MAX_REASONS`]. Past the limit nothing more is read:
/// 100,000 reasons would only make every later check slow, and the file is refused anyway.
fn too_many_reasons(reader: &mut Reader, file: &File) {
    if let Some(past) = file.reason.get(MAX_REASONS) {
        reader.error(
            &past.id,
            format!(
                "this file defines {} reasons; at most {MAX_REASONS} are supported",
                file.reason.len()
            ),
        );
    }
}

/// The file's `[[reason]]` entries, added to `t` (or changing the reason of the same id), and
/// where each phrase is written. Ids are looked up in maps, not scanned: a file of 100,000
/// reasons is refused at the 129th, quickly.
fn add_reasons(reader: &mut Reader, file: &File, t: &mut Taxonomy) -> PhrasePlaces {
    let mut places: PhrasePlaces = HashMap::new();
    let mut seen_ids: HashSet<String> = HashSet::new();
    // Where each reason is, by id: `Taxonomy::position` is a scan.
    let mut index: HashMap<String, usize> = t
        .reasons
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    too_many_reasons(reader, file);
    let mut dropped = Vec::new();
    for r in file.reason.iter().take(MAX_REASONS) {
        let id = r.id.get_ref().clone();
        if !valid_id(&id) {
            reader.error(
                &r.id,
                format!("reason id `{id}`: use lowercase letters, digits and `_`"),
            );
            continue;
        }
        if !seen_ids.insert(id.clone()) {
            reader.error(
                &r.id,
                format!("reason `{id}` is defined twice in this file"),
            );
            continue;
        }
        let rules = reason_rules(reader, r, &id, &mut places);
        match index.get(&id).copied() {
            Some(i) => {
                change_reason(&mut t.reasons[i], r, rules);
                let subs = &mut t.reasons[i].subs;
                dropped.extend(merge_subs(reader, r, &id, subs, &mut places));
            }
            None => {
                let mut subs = Vec::new();
                dropped.extend(merge_subs(reader, r, &id, &mut subs, &mut places));
                index.insert(id.clone(), t.reasons.len());
                t.reasons.push(Reason {
                    label: r.label.clone().unwrap_or_else(|| title(&id)),
                    meaning: r.meaning.clone().unwrap_or_default(),
                    priority: r.priority.unwrap_or(0),
                    controllable: r.controllable.unwrap_or(true),
                    story_hint: r.story_hint.unwrap_or(false),
                    id,
                    phrases: rules.phrases,
                    hints: rules.hints,
                    regex: rules.regex,
                    refined_by: rules.refined_by.unwrap_or_default(),
                    subs,
                });
            }
        }
    }
    retarget_codes(t, &dropped);
    if t.reasons.len() > MAX_REASONS && file.reason.len() <= MAX_REASONS {
        reader.plain(
            Severity::Error,
            format!(
                "{} reasons; at most {MAX_REASONS} are supported",
                t.reasons.len()
            ),
        );
    }
    places
}

/// The rules of a `[[reason]]` entry and the reasons it may be refined to, as the taxonomy
/// keeps them.
struct ReasonRules {
    phrases: Vec<Phrase>,
    hints: Vec<Phrase>,
    regex: Vec<String>,
    refined_by: Option<Vec<String>>,
}

/// Read the rules of `[[reason]]` entry `r` (of id `id`): its phrases and hints (each one's
/// place noted in `places`), its regexes (each checked) and `refined_by`.
fn reason_rules(
    reader: &mut Reader,
    r: &file::ReasonFile,
    id: &str,
    places: &mut PhrasePlaces,
) -> ReasonRules {
    let (phrases, hints, regex) = written_rules(reader, (&r.id, id), written_of(r), places);
    let refined_by: Option<Vec<String>> = r
        .refined_by
        .as_ref()
        .map(|list| list.iter().map(|s| s.get_ref().clone()).collect());
    ReasonRules {
        phrases,
        hints,
        regex,
        refined_by,
    }
}

/// A `[[reason]]` or `[[reason.sub]]` entry's rules as written: phrases and hints per language,
/// regexes.
type Written<'f> = (
    &'f BTreeMap<String, Vec<Spanned<String>>>,
    &'f BTreeMap<String, Vec<Spanned<String>>>,
    &'f [Spanned<String>],
);

fn written_of(r: &file::ReasonFile) -> Written<'_> {
    (&r.phrases, &r.hints, &r.regex)
}

/// Read written rules of the entry `owner` of reason `id`: phrases and hints (each one's
/// place noted in `places` under the reason), regexes (each checked).
fn written_rules(
    reader: &mut Reader,
    (owner, id): (&Spanned<String>, &str),
    (phrases, hints, regexes): Written<'_>,
    places: &mut PhrasePlaces,
) -> (Vec<Phrase>, Vec<Phrase>, Vec<String>) {
    let read_phrases = phrases_of(reader, phrases, owner, "phrases");
    let read_hints = phrases_of(reader, hints, owner, "hints");
    for (lang, list) in phrases.iter().chain(hints) {
        for p in list {
            places.insert(
                (id.to_string(), format!("{lang}:{}", p.get_ref())),
                p.clone(),
            );
        }
    }
    for re in regexes {
        // Parsing finds every error a compile would; compiling happens once, in `classify`.
        if let Err(e) = regex_syntax::Parser::new().parse(re.get_ref()) {
            let first = e.to_string();
            let first = first.lines().last().unwrap_or_default().trim().to_string();
            reader.error(
                re,
                format!("reason `{id}`: regex does not compile: {first}"),
            );
        }
    }
    let regex = regexes.iter().map(|s| s.get_ref().clone()).collect();
    (read_phrases, read_hints, regex)
}

/// The `[[reason.sub]]` entries of reason entry `r` (of id `id`), into `subs` (an entry of an
/// id already there changes it), and its `drop_subs` taken out: those are given back, as
/// `reason.sub`.
fn merge_subs(
    reader: &mut Reader,
    r: &file::ReasonFile,
    id: &str,
    subs: &mut Vec<SubReason>,
    places: &mut PhrasePlaces,
) -> Vec<String> {
    let mut seen: HashSet<&str> = HashSet::new();
    for f in &r.sub {
        let sub_id = f.id.get_ref();
        if !valid_id(sub_id) {
            let msg =
                format!("sub-reason id `{id}.{sub_id}`: use lowercase letters, digits and `_`");
            reader.error(&f.id, msg);
            continue;
        }
        if !seen.insert(sub_id) {
            let msg = format!("sub-reason `{id}.{sub_id}` is defined twice in this file");
            reader.error(&f.id, msg);
            continue;
        }
        let written = (&f.phrases, &f.hints, f.regex.as_slice());
        let (phrases, hints, regex) = written_rules(reader, (&f.id, id), written, places);
        let at = match subs.iter().position(|s| &s.id == sub_id) {
            Some(at) => at,
            None if subs.len() >= MAX_SUBS => {
                let msg = format!("reason `{id}` has more than {MAX_SUBS} sub-reasons");
                reader.error(&f.id, msg);
                continue;
            }
            None => {
                subs.push(SubReason {
                    id: sub_id.clone(),
                    label: title(sub_id).replace('_', " "),
                    meaning: String::new(),
                    phrases: Vec::new(),
                    hints: Vec::new(),
                    regex: Vec::new(),
                });
                subs.len() - 1
            }
        };
        let sub = &mut subs[at];
        if let Some(l) = &f.label {
            sub.label = l.clone();
        }
        if let Some(m) = &f.meaning {
            sub.meaning = m.clone();
        }
        if f.replace_rules {
            (sub.phrases, sub.hints, sub.regex) = (Vec::new(), Vec::new(), Vec::new());
        }
        sub.phrases.extend(phrases);
        sub.hints.extend(hints);
        sub.regex.extend(regex);
    }
    let mut dropped = Vec::new();
    for gone in &r.drop_subs {
        match subs.iter().position(|s| &s.id == gone.get_ref()) {
            Some(at) => {
                subs.remove(at);
                dropped.push(format!("{id}.{}", gone.get_ref()));
            }
            None => {
                let msg = format!(
                    "`drop_subs`: reason `{id}` has no sub-reason `{}`",
                    gone.get_ref()
                );
                reader.error(gone, msg);
            }
        }
    }
    dropped
}

/// Codes that named a sub-reason now dropped name its reason.
fn retarget_codes(t: &mut Taxonomy, dropped: &[String]) {
    for map in &mut t.code_maps {
        for (_, target) in &mut map.codes {
            if let CodeTarget::Reason(id) = target {
                if dropped.contains(id) {
                    let reason = id.split('.').next().unwrap_or_default().to_string();
                    *target = CodeTarget::Reason(reason);
                }
            }
        }
    }
}

/// Change reason `existing` by the `[[reason]]` entry of its id: each setting the entry gives,
/// its rules added (in place of the old ones with `replace_rules`).
fn change_reason(existing: &mut Reason, r: &file::ReasonFile, rules: ReasonRules) {
    if let Some(l) = &r.label {
        existing.label = l.clone();
    }
    if let Some(m) = &r.meaning {
        existing.meaning = m.clone();
    }
    if let Some(p) = r.priority {
        existing.priority = p;
    }
    if let Some(c) = r.controllable {
        existing.controllable = c;
    }
    if let Some(s) = r.story_hint {
        existing.story_hint = s;
    }
    if let Some(list) = rules.refined_by {
        existing.refined_by = list;
    }
    if r.replace_rules {
        existing.phrases.clear();
        existing.hints.clear();
        existing.regex.clear();
    }
    existing.phrases.extend(rules.phrases);
    existing.hints.extend(rules.hints);
    existing.regex.extend(rules.regex);
}

/// The file's `[[code_map]]` entries, added to `t` (or adding to the map of the same id: a code
/// already there takes the file's target). Ids and codes are looked up in maps, not scanned.
fn add_code_maps(reader: &mut Reader, file: &File, t: &mut Taxonomy) {
    let mut maps: HashMap<String, usize> = t
        .code_maps
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id.clone(), i))
        .collect();
    for m in &file.code_map {
        let id = m.id.get_ref().clone();
        let mut codes: Vec<(String, CodeTarget)> = Vec::new();
        for (code, target) in &m.codes {
            let parsed = match target.get_ref().as_str() {
                "@text" => CodeTarget::Text,
                "@involuntary" => CodeTarget::Involuntary,
                "@none" => CodeTarget::Nothing,
                other if other.starts_with('@') => {
                    reader.error(target, format!("code `{code}`: `{other}` is not a target; use a reason id, \"@text\", \"@involuntary\" or \"@none\""));
                    continue;
                }
                reason => CodeTarget::Reason(reason.to_string()),
            };
            codes.push((code.trim().to_lowercase(), parsed));
        }
        let headers: Vec<String> = m
            .headers
            .iter()
            .map(|h| crate::normalize::squash(h))
            .collect();
        match maps.get(&id).map(|&i| &mut t.code_maps[i]) {
            Some(existing) => {
                if let Some(d) = &m.description {
                    existing.description = d.clone();
                }
                if let Some(d) = m.detect_by_values {
                    existing.detect_by_values = d;
                }
                existing.headers.extend(headers);
                let mut at: HashMap<String, usize> = existing
                    .codes
                    .iter()
                    .enumerate()
                    .map(|(i, (c, _))| (c.clone(), i))
                    .collect();
                for (code, target) in codes {
                    match at.get(&code) {
                        Some(&i) => existing.codes[i].1 = target,
                        None => {
                            at.insert(code.clone(), existing.codes.len());
                            existing.codes.push((code, target));
                        }
                    }
                }
            }
            None => {
                maps.insert(id.clone(), t.code_maps.len());
                t.code_maps.push(CodeMap {
                    description: m.description.clone().unwrap_or_else(|| id.clone()),
                    id,
                    headers,
                    detect_by_values: m.detect_by_values.unwrap_or(false),
                    codes,
                });
            }
        }
    }
}

/// Turn a parsed file into a config, on top of `base` when the file extends it.
fn build(reader: &mut Reader, file: File, base: Option<Config>, origin: Origin) -> Option<Config> {
    let extends = version_and_extends(reader, &file);
    let mut config = match (extends, base) {
        (true, Some(base)) => base,
        _ => empty_config(),
    };
    config.origin = origin;
    drop_reasons(reader, &file, extends, &mut config.taxonomy);

    let t = &mut config.taxonomy;
    t.no_answer
        .extend(file.no_answer.iter().map(|s| s.get_ref().clone()));
    if let Some(m) = &file.matching {
        matching_settings(reader, m, &mut t.matching);
    }
    if let Some(j) = &file.junk {
        junk_rules(reader, j, &mut t.junk);
    }
    if let Some(n) = &file.negation {
        negation_rules(reader, n, &mut t.negation);
    }

    let places = add_reasons(reader, &file, t);
    add_code_maps(reader, &file, t);
    add_competitors(reader, &file, t);
    for q in &file.question_set {
        if let Some(set) = question_set(reader, q) {
            match config.questions.iter_mut().find(|x| x.name == set.name) {
                Some(existing) => *existing = set,
                None => config.questions.push(set),
            }
        }
    }

    add_benchmarks(reader, &file, &mut config);
    if let Some(a) = &file.analyze {
        analyze_settings(reader, a, &mut config);
        if let Some(path) = &a.overrides {
            config.overrides = Some(origin_dir(&config.origin).join(path.get_ref()));
        }
    }
    if let Some(c) = &file.check {
        config.check = check_rules(reader, c, &config, &origin_dir(&config.origin));
    }
    if let Some(m) = &file.model {
        config.model = model_settings(reader, m, &origin_dir(&config.origin));
    }
    semantic_checks(reader, &config, &places, &file);
    Some(config)
}

/// `[competitors]`: each id (a new one, or one the extended configuration has, replaced) with
/// its names; an id that is no id, a competitor without a name, or a name two competitors share
/// is an error.
fn add_competitors(reader: &mut Reader, file: &File, t: &mut Taxonomy) {
    for (id, names) in &file.competitors {
        if !valid_id(id) {
            reader.error(
                names,
                format!(
                    "competitor id `{id}`: use lowercase letters, digits and _ (e.g. `hubspot`)"
                ),
            );
            continue;
        }
        let list: Vec<String> = names
            .get_ref()
            .iter()
            .map(|n| n.get_ref().trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        if list.is_empty() {
            reader.error(names, format!("competitor `{id}` has no name: list the names answers call it, as `{id} = [\"{}\"]`", title(id)));
            continue;
        }
        for (name, place) in list.iter().zip(names.get_ref()) {
            let lower = name.to_lowercase();
            let taken = t
                .competitors
                .iter()
                .find(|c| c.id != *id && c.names.iter().any(|n| n.to_lowercase() == lower));
            if let Some(other) = taken {
                reader.error(
                    place,
                    format!("`{name}` names two competitors: `{}` and `{id}`", other.id),
                );
            }
        }
        let c = crate::competitors::Competitor {
            id: id.clone(),
            label: list[0].clone(),
            names: list,
        };
        match t.competitors.iter_mut().find(|x| x.id == *id) {
            Some(existing) => *existing = c,
            None => t.competitors.push(c),
        }
    }
    if t.competitors.len() > crate::competitors::MAX_COMPETITORS {
        reader.plain(
            Severity::Error,
            format!(
                "{} competitors: at most {} may be named",
                t.competitors.len(),
                crate::competitors::MAX_COMPETITORS
            ),
        );
    }
}

/// A `[[question_set]]`, checked: a name, two buckets or more with valid and distinct ids,
/// shares that sum to 1, and answers (words or a range) for each, no word in two buckets.
fn question_set(
    reader: &mut Reader,
    q: &file::QuestionSetFile,
) -> Option<crate::questions::QuestionSet> {
    let name = q.name.get_ref().trim();
    let before = reader.diagnostics.len();
    if name.is_empty() {
        reader.error(&q.name, "a question_set needs a name".into());
    }
    if q.bucket.len() < 2 {
        reader.error(
            &q.name,
            format!("question_set `{name}` needs two buckets or more ([[question_set.bucket]])"),
        );
    }
    let mut buckets: Vec<crate::questions::AnswerBucket> = Vec::new();
    for b in &q.bucket {
        let id = b.id.get_ref();
        if !valid_id(id) || buckets.iter().any(|x| &x.id == id) {
            reader.error(
                &b.id,
                format!("bucket id `{id}`: use lowercase letters, digits and _, once per set"),
            );
        }
        let share = *b.share.get_ref();
        if !(share.is_finite() && share > 0.0 && share <= 1.0) {
            reader.error(
                &b.share,
                format!(
                    "bucket `{id}`: share must be above 0 and at most 1 (a fraction: 0.65 for 65%)"
                ),
            );
        }
        let range = match (b.at_least, b.at_most) {
            (None, None) => None,
            (lo, hi) => Some((lo.unwrap_or(f64::MIN), hi.unwrap_or(f64::MAX))),
        };
        if b.answers.is_empty() && range.is_none() {
            reader.error(&b.id, format!("bucket `{id}` has no answers: list them (`answers = [\"yes\"]`) or give a range (`at_least`, `at_most`)"));
        }
        let answers: Vec<String> = b
            .answers
            .iter()
            .map(|a| a.get_ref().trim().to_lowercase())
            .collect();
        for (a, place) in answers.iter().zip(&b.answers) {
            if let Some(other) = buckets.iter().find(|x| x.answers.contains(a)) {
                reader.error(
                    place,
                    format!("answer `{a}` is in two buckets: `{}` and `{id}`", other.id),
                );
            }
        }
        buckets.push(crate::questions::AnswerBucket {
            id: id.clone(),
            label: b.label.clone().unwrap_or_else(|| title(id)),
            share,
            answers,
            range,
        });
    }
    let sum: f64 = buckets.iter().map(|b| b.share).sum();
    if q.bucket.len() >= 2 && (sum - 1.0).abs() > 0.005 {
        reader.error(
            &q.name,
            format!("question_set `{name}`: the shares sum to {sum:.3}, not 1"),
        );
    }
    let clean = reader.diagnostics[before..]
        .iter()
        .all(|d| d.severity != Severity::Error);
    clean.then(|| crate::questions::QuestionSet {
        name: name.to_string(),
        question: q.question.clone().unwrap_or_default(),
        note: q.note.clone().unwrap_or_else(|| "from churn.toml".into()),
        buckets,
    })
}

/// Check `version` (only 1 is read) and read `extends`: whether the file extends the built-in
/// configuration (also when it names another, which is an error).
fn version_and_extends(reader: &mut Reader, file: &File) -> bool {
    if let Some(v) = &file.version {
        if *v.get_ref() != 1 {
            reader.error(
                v,
                format!(
                    "unknown version {}; this churn reads version 1",
                    v.get_ref()
                ),
            );
        }
    }
    match &file.extends {
        Some(e) if e.get_ref() == "builtin" => true,
        Some(e) => {
            reader.error(
                e,
                format!(
                    "`extends = \"{}\"`: only \"builtin\" can be extended",
                    e.get_ref()
                ),
            );
            true
        }
        None => false,
    }
}

/// The configuration a file that extends nothing starts from: no reasons, code maps or
/// benchmarks, and the default settings.
fn empty_config() -> Config {
    Config {
        taxonomy: Taxonomy {
            reasons: Vec::new(),
            code_maps: Vec::new(),
            no_answer: Vec::new(),
            junk: crate::junk::JunkRules {
                checks: crate::junk::Junk::ALL.to_vec(),
                entries: Vec::new(),
            },
            negation: NegationRules {
                enabled: true,
                window: 4,
                cues: Vec::new(),
                keep: Vec::new(),
                breaks: Vec::new(),
            },
            matching: Matching {
                fold_accents: true,
                stemming: true,
                typos: true,
                max_gap: 1,
                code_wins: false,
            },
            competitors: Vec::new(),
        },
        benchmarks: Vec::new(),
        attribution: Attribution::Primary,
        benchmark: "kennedy".to_string(),
        origin: Origin::Builtin,
        check: rules::Rules::default(),
        model: ModelSettings::default(),
        questions: crate::questions::builtin(),
        overrides: None,
    }
}

/// The file's `drop` list, taken out of `t`: only a file that `extends` may drop reasons, and
/// each must be there.
fn drop_reasons(reader: &mut Reader, file: &File, extends: bool, t: &mut Taxonomy) {
    if !file.drop.is_empty() && !extends {
        reader.error(
            &file.drop[0],
            "`drop` only makes sense with `extends = \"builtin\"`".into(),
        );
    }
    for id in &file.drop {
        match t.position(id.get_ref()) {
            Some(i) => {
                t.reasons.remove(i);
                // A built-in code of the dropped reason ("business closed") is read as text.
                for map in &mut t.code_maps {
                    for (_, target) in &mut map.codes {
                        let gone = |r: &str| r.split('.').next() == Some(id.get_ref().as_str());
                        if matches!(target, CodeTarget::Reason(r) if gone(r)) {
                            *target = CodeTarget::Text;
                        }
                    }
                }
            }
            None => reader.error(
                id,
                format!("`drop`: there is no reason `{}` to drop", id.get_ref()),
            ),
        }
    }
}

/// `[matching]`, into `matching`: each setting the file gives, when valid.
fn matching_settings(reader: &mut Reader, m: &file::MatchingFile, matching: &mut Matching) {
    if let Some(a) = &m.accents {
        match a.get_ref().as_str() {
            "fold" => matching.fold_accents = true,
            "keep" => matching.fold_accents = false,
            other => reader.error(
                a,
                format!("`accents = \"{other}\"`: use \"fold\" or \"keep\""),
            ),
        }
    }
    if let Some(s) = m.stemming {
        matching.stemming = s;
    }
    if let Some(s) = m.typos {
        matching.typos = s;
    }
    if let Some(g) = &m.max_gap {
        if *g.get_ref() > 3 {
            reader.error(g, "`max_gap` must be 0 to 3".into());
        } else {
            matching.max_gap = *g.get_ref() as usize;
        }
    }
    if let Some(c) = &m.conflicts {
        match c.get_ref().as_str() {
            "text" => matching.code_wins = false,
            "code" => matching.code_wins = true,
            other => reader.error(
                c,
                format!("`conflicts = \"{other}\"`: use \"text\" or \"code\""),
            ),
        }
    }
}

/// `[junk]`, into `junk`: its checks replace those there, its entries are added.
fn junk_rules(reader: &mut Reader, j: &file::JunkFile, junk: &mut crate::junk::JunkRules) {
    use crate::junk::Junk;
    if let Some(checks) = &j.checks {
        junk.checks.clear();
        for c in checks {
            match Junk::from_id(c.get_ref()) {
                Some(check) if !junk.checks.contains(&check) => junk.checks.push(check),
                Some(_) => {}
                None => {
                    let known: Vec<&str> = Junk::ALL.iter().map(|j| j.id()).collect();
                    reader.error(
                        c,
                        format!(
                            "`{}` is no junk check: use any of {}",
                            c.get_ref(),
                            known.join(", ")
                        ),
                    )
                }
            }
        }
        junk.checks.sort();
    }
    junk.entries
        .extend(j.entries.iter().map(|e| e.get_ref().clone()));
}

/// `[negation]`, into `negation`: its settings when valid, and its cues, keep phrases and
/// contrast words added to those there.
fn negation_rules(reader: &mut Reader, n: &file::NegationFile, negation: &mut NegationRules) {
    if let Some(e) = n.enabled {
        negation.enabled = e;
    }
    if let Some(w) = &n.window {
        if *w.get_ref() == 0 || *w.get_ref() > 10 {
            reader.error(w, "negation `window` must be 1 to 10 words".into());
        } else {
            negation.window = *w.get_ref() as usize;
        }
    }
    let owner = Spanned::new(0..0, "negation".to_string());
    negation
        .cues
        .extend(phrases_of(reader, &n.cues, &owner, "negation cues"));
    negation
        .keep
        .extend(phrases_of(reader, &n.keep, &owner, "negation keep"));
    negation
        .breaks
        .extend(phrases_of(reader, &n.breaks, &owner, "negation breaks"));
}

/// The file's `[[benchmark]]` sets, checked, added to `config` (or replacing the set of the
/// same name).
fn add_benchmarks(reader: &mut Reader, file: &File, config: &mut Config) {
    let mut named: HashMap<String, usize> = config
        .benchmarks
        .iter()
        .enumerate()
        .map(|(i, b)| (b.name.clone(), i))
        .collect();
    for b in &file.benchmark {
        let name = b.name.get_ref().clone();
        benchmark_checks(reader, b);
        let bench = benchmark_of(b, &config.taxonomy);
        match named.get(&name) {
            Some(&i) => config.benchmarks[i] = bench,
            None => {
                named.insert(name, config.benchmarks.len());
                config.benchmarks.push(bench);
            }
        }
    }
}

/// `[analyze]`, into `config`: the attribution, and the default benchmark, which must be
/// defined.
fn analyze_settings(reader: &mut Reader, a: &file::AnalyzeFile, config: &mut Config) {
    if let Some(attr) = a.attribution {
        config.attribution = attr;
    }
    if let Some(b) = &a.benchmark {
        config.benchmark = b.get_ref().clone();
        if !config.benchmarks.iter().any(|x| &x.name == b.get_ref()) {
            reader.error(
                b,
                format!("default benchmark `{}` is not defined", b.get_ref()),
            );
        }
    }
}

/// A benchmark set's own numbers and names: every share a finite percentage above 0 (TOML
/// allows `nan` and `inf`, which would compare as neither too small nor too large), the shares
/// summing to 100, groups and `rest` naming shares.
fn benchmark_checks(reader: &mut Reader, b: &file::BenchmarkFile) {
    let name = b.name.get_ref();
    let mut finite = true;
    for (id, share) in &b.shares {
        let x = *share.get_ref();
        if !x.is_finite() {
            finite = false;
            reader.error(
                share,
                format!(
                    "benchmark `{name}`: the share of `{id}` is `{x}`, not a number; write a \
                     percentage above 0, such as 14"
                ),
            );
        } else if x <= 0.0 {
            reader.error(
                share,
                format!(
                    "benchmark `{name}`: the share of `{id}` is {x}; every bucket needs a share \
                     above 0 (leave a reason out, or put it in `rest`)"
                ),
            );
        }
    }
    let total: f64 = b.shares.values().map(|s| *s.get_ref()).sum();
    if finite && (total - 100.0).abs() > 0.01 {
        reader.error(
            &b.name,
            format!("benchmark `{name}` sums to {total}%, not 100%"),
        );
    }
    for group in b.groups.keys() {
        if !b.shares.contains_key(group) {
            reader.error(
                &b.name,
                format!("benchmark `{name}`: group `{group}` has no share"),
            );
        }
    }
    if let Some(rest) = &b.rest {
        if !b.shares.contains_key(rest.get_ref()) || b.groups.contains_key(rest.get_ref()) {
            reader.error(
                rest,
                format!(
                    "benchmark `{name}`: `rest = \"{}\"` must name a share that is not a group",
                    rest.get_ref()
                ),
            );
        }
    }
}

/// The directory a config file's relative paths are read from.
fn origin_dir(origin: &Origin) -> std::path::PathBuf {
    match origin.path() {
        Some(p) => Path::new(&p)
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default(),
        None => std::path::PathBuf::new(),
    }
}

/// `[model]`, with its path resolved against `dir` (the config file's folder).
fn model_settings(reader: &mut Reader, m: &file::ModelFile, dir: &Path) -> ModelSettings {
    let mut settings = ModelSettings::default();
    if let Some(enabled) = m.enabled {
        settings.enabled = enabled;
    }
    if let Some(path) = &m.path {
        settings.path = Some(dir.join(path.get_ref()));
    }
    if let Some(t) = &m.threshold {
        let x = *t.get_ref();
        if (0.0..=1.0).contains(&x) {
            settings.threshold = x;
        } else {
            reader.error(
                t,
                format!("`threshold = {x}`: use a probability from 0 to 1"),
            );
        }
    }
    settings
}

/// `[check]`, with every fraction read and every share rule's reason known.
fn check_rules(
    reader: &mut Reader,
    c: &file::CheckFile,
    config: &Config,
    dir: &Path,
) -> rules::Rules {
    let mut fraction = |value: &Spanned<file::Fraction>, what: &str| -> Option<f64> {
        let parsed = match value.get_ref() {
            file::Fraction::Number(x) if (0.0..=1.0).contains(x) => {
                Ok(crate::text::no_negative_zero(*x))
            }
            file::Fraction::Number(x) if !x.is_finite() => Err(format!(
                "`{x}` is not a number; write a fraction from 0 to 1 (0.3) or a percentage (\"30%\")"
            )),
            file::Fraction::Number(x) if *x < 0.0 => Err(format!(
                "{x} is below 0; write a fraction from 0 to 1 (0.3) or a percentage (\"30%\")"
            )),
            file::Fraction::Number(x) => Err(format!(
                "{x} is not a fraction from 0 to 1; write \"{x}%\" for a percentage"
            )),
            file::Fraction::Text(t) => rules::parse_fraction(t),
        };
        parsed
            .map_err(|e| reader.error(value, format!("[check] {what}: {e}")))
            .ok()
    };
    let max_unclassified = c
        .max_unclassified
        .as_ref()
        .and_then(|v| fraction(v, "max_unclassified"));
    let max_no_answer = c
        .max_no_answer
        .as_ref()
        .and_then(|v| fraction(v, "max_no_answer"));
    let mut shares = |map: &BTreeMap<String, Spanned<file::Fraction>>, what: &str| {
        map.iter()
            .filter_map(|(reason, v)| Some((reason.clone(), fraction(v, what)?)))
            .collect::<BTreeMap<String, f64>>()
    };
    let max_share = shares(&c.max_share, "max_share");
    let min_share = shares(&c.min_share, "min_share");
    for (reason, v) in c.max_share.iter().chain(&c.min_share) {
        if config.taxonomy.position(reason).is_none() {
            let ids: Vec<&str> = config
                .taxonomy
                .reasons
                .iter()
                .map(|r| r.id.as_str())
                .collect();
            reader.error(
                v,
                format!(
                    "[check] share limit for `{reason}`: no such reason (reasons: {})",
                    ids.join(", ")
                ),
            );
        }
    }
    rules::Rules {
        min_responses: c.min_responses,
        max_unclassified,
        max_no_answer,
        require_cols: c.require_col.clone(),
        max_unknown_codes: c.max_unknown_codes,
        max_duplicate_ids: c.max_duplicate_ids,
        id_cols: c.id_col.clone(),
        max_share,
        min_share,
        above_benchmark: c
            .above_benchmark
            .iter()
            .map(|s| s.get_ref().clone())
            .collect(),
        baseline: c.baseline.as_ref().map(|b| dir.join(b)),
    }
}

/// Where each code of the file's code maps is written, by map id and code as the taxonomy keeps
/// it (trimmed, lowercase); a code written exactly so wins over one that differs in case.
fn code_places(file: &File) -> HashMap<(&str, String), &Spanned<String>> {
    let mut places = HashMap::new();
    for f in &file.code_map {
        for (code, target) in &f.codes {
            let key = (f.id.get_ref().as_str(), code.trim().to_lowercase());
            let exact = key.1 == *code;
            match places.entry(key) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(target);
                }
                std::collections::hash_map::Entry::Occupied(mut slot) if exact => {
                    slot.insert(target);
                }
                std::collections::hash_map::Entry::Occupied(_) => {}
            }
        }
    }
    places
}

/// Every `refined_by` entry of the file names a reason, and not its own.
fn refinements_name_reasons(reader: &mut Reader, reason_ids: &HashSet<&str>, file: &File) {
    for r in &file.reason {
        for target in r.refined_by.iter().flatten() {
            let id = target.get_ref();
            if !reason_ids.contains(id.as_str()) {
                let msg = format!(
                    "reason `{}`: refined_by names unknown reason `{id}`; name a reason of the taxonomy",
                    r.id.get_ref()
                );
                reader.error(target, msg);
            } else if id == r.id.get_ref() {
                let msg = format!("reason `{id}`: refined_by names the reason itself; drop it");
                reader.error(target, msg);
            }
        }
    }
}

/// Checks on the merged configuration.
fn semantic_checks(reader: &mut Reader, config: &Config, places: &PhrasePlaces, file: &File) {
    let t = &config.taxonomy;
    if t.reasons.is_empty() {
        reader.plain(Severity::Error, "the taxonomy has no reasons".into());
    }
    let reason_ids: HashSet<&str> = t.reasons.iter().map(|r| r.id.as_str()).collect();
    codes_name_reasons(reader, t, &reason_ids, file);
    refinements_name_reasons(reader, &reason_ids, file);
    phrases_in_two_reasons(reader, t, places);
    unreachable_reasons(reader, t, file);
    benchmarks_against_reasons(reader, config, file);
    if config.benchmarks.is_empty() {
        reader.plain(Severity::Error, "no benchmark set is defined".into());
    }
}

/// Every code of the code maps that maps to a reason names one of `reason_ids`.
fn codes_name_reasons(reader: &mut Reader, t: &Taxonomy, reason_ids: &HashSet<&str>, file: &File) {
    // Codes must name reasons.
    let code_places = code_places(file);
    for m in &t.code_maps {
        for (code, target) in &m.codes {
            if let CodeTarget::Reason(id) = target {
                if !reason_ids.contains(id.as_str()) && t.target(id).is_none() {
                    let place = code_places.get(&(m.id.as_str(), code.clone())).copied();
                    let msg = format!(
                        "code `{code}` of `{}` maps to unknown reason `{id}`; name a reason, a `reason.sub`, \"@text\", \"@none\" or \"@involuntary\"",
                        m.id
                    );
                    reader.maybe_at(Severity::Error, place, msg);
                }
            }
        }
    }
}

/// Warnings for a phrase that has no words (it never matches), and for one in two reasons
/// (at the second, pointing at whichever of the two the user wrote).
fn phrases_in_two_reasons(reader: &mut Reader, t: &Taxonomy, places: &PhrasePlaces) {
    // A phrase in two reasons.
    let mut first_owner: HashMap<String, (usize, String)> = HashMap::new();
    for (i, r) in t.reasons.iter().enumerate() {
        for p in r.all_phrases() {
            let words = phrase_words(&p.text, t.matching.fold_accents);
            if words.is_empty() {
                let msg = format!(
                    "reason `{}`: phrase `{}` has no letters or digits and never matches",
                    r.id, p.text
                );
                reader.maybe_at(
                    Severity::Warning,
                    places.get(&(r.id.clone(), format!("{}:{}", p.lang, p.text))),
                    msg,
                );
                continue;
            }
            let key: Vec<String> = words.into_iter().map(|(w, _)| w).collect();
            let key = key.join(" ");
            match first_owner.get(&key) {
                Some((other, other_place)) if *other != i => {
                    let msg = format!(
                        "phrase `{}` is in both `{}` and `{}`; at the same word, priority and \
                         then the reason listed first win",
                        p.text, t.reasons[*other].id, r.id
                    );
                    // Point at whichever of the two the user wrote.
                    let here = places.get(&(r.id.clone(), format!("{}:{}", p.lang, p.text)));
                    let there = places.get(&(t.reasons[*other].id.clone(), other_place.clone()));
                    reader.maybe_at(Severity::Warning, here.or(there), msg);
                }
                Some(_) => {}
                None => {
                    first_owner.insert(key, (i, format!("{}:{}", p.lang, p.text)));
                }
            }
        }
    }
}

/// A warning for each reason nothing can tag: no phrase, hint, regex or code.
fn unreachable_reasons(reader: &mut Reader, t: &Taxonomy, file: &File) {
    // A reason nothing can reach.
    for r in &t.reasons {
        let coded = t.code_maps.iter().any(|m| {
            m.codes
                .iter()
                .any(|(_, target)| matches!(target, CodeTarget::Reason(id) if t.target(id).is_some_and(|(i, _)| t.reasons[i].id == r.id)))
        });
        if r.has_no_rules() && !coded {
            let msg = format!("reason `{}` has no phrases, hints, regexes or codes, so nothing is ever tagged with it", r.id);
            let place = file.reason.iter().find(|f| f.id.get_ref() == &r.id);
            reader.maybe_at(Severity::Warning, place.map(|f| &f.id), msg);
        }
    }
}

/// Each benchmark set against the reasons: a share for something that is not a reason, a
/// reason in two shares (an error), a reason with no share.
fn benchmarks_against_reasons(reader: &mut Reader, config: &Config, file: &File) {
    let t = &config.taxonomy;
    // Benchmarks against the reasons.
    let mut written: HashMap<&str, &Spanned<String>> = HashMap::new();
    for f in &file.benchmark {
        written.entry(f.name.get_ref().as_str()).or_insert(&f.name);
    }
    for b in &config.benchmarks {
        let place = written.get(b.name.as_str()).copied();
        let mut claimed: HashMap<&str, &str> = HashMap::new();
        for bucket in &b.buckets {
            let Members::Reasons(ids) = &bucket.members else {
                continue;
            };
            for id in ids {
                if t.position(id).is_none() {
                    let msg = format!(
                        "benchmark `{}` gives a share to `{id}`, which is not a reason",
                        b.name
                    );
                    reader.maybe_at(Severity::Warning, place, msg);
                }
                if let Some(other) = claimed.insert(id, &bucket.id) {
                    let msg = format!(
                        "benchmark `{}` puts reason `{id}` in both `{other}` and `{}`",
                        b.name, bucket.id
                    );
                    reader.maybe_at(Severity::Error, place, msg);
                }
            }
        }
        for (r, bucket) in t.reasons.iter().zip(b.assign(t)) {
            if bucket.is_none() {
                let msg = format!(
                    "benchmark `{}` has no share for reason `{}`; its rows are left out of the comparison (add it to a group, or set `rest`)",
                    b.name, r.id
                );
                reader.maybe_at(Severity::Warning, place, msg);
            }
        }
    }
}

/// Build a benchmark's buckets from its file form: a share named in `groups` covers those
/// reasons, the share named by `rest` every reason no other names, any other share the reason
/// of that id. Buckets are ordered by their first reason in the taxonomy, `rest` last.
fn benchmark_of(b: &file::BenchmarkFile, taxonomy: &Taxonomy) -> Benchmark {
    let rest = b.rest.as_ref().map(|r| r.get_ref().as_str());
    let mut buckets: Vec<Bucket> = b
        .shares
        .iter()
        .map(|(id, share)| {
            let members = if Some(id.as_str()) == rest {
                Members::Rest
            } else if let Some(list) = b.groups.get(id) {
                Members::Reasons(list.iter().map(|s| s.get_ref().clone()).collect())
            } else {
                Members::Reasons(vec![id.clone()])
            };
            let label = b.labels.get(id).cloned().unwrap_or_else(|| {
                match (&members, taxonomy.position(id)) {
                    (Members::Reasons(_), Some(i)) => taxonomy.reasons[i].label.clone(),
                    _ => title(id),
                }
            });
            Bucket {
                id: id.clone(),
                label,
                share: share.get_ref() / 100.0,
                members,
            }
        })
        .collect();
    let first = |bucket: &Bucket| match &bucket.members {
        Members::Rest => usize::MAX,
        Members::Reasons(ids) => ids
            .iter()
            .filter_map(|id| taxonomy.position(id))
            .min()
            .unwrap_or(usize::MAX - 1),
    };
    buckets.sort_by_key(|bucket| first(bucket));
    Benchmark {
        name: b.name.get_ref().clone(),
        note: b.note.clone().unwrap_or_default(),
        buckets,
    }
}

/// Read configuration text. `origin` names the file in messages.
pub fn check(text: &str, origin: Origin) -> Checked {
    let mut reader = Reader {
        text,
        diagnostics: Vec::new(),
        offsets: Vec::new(),
    };
    let file: File = match toml::from_str(text) {
        Ok(f) => f,
        Err(e) => {
            let (line, column) = match e.span() {
                Some(span) => {
                    let (l, c) = line_col(text, span.start);
                    (Some(l), Some(c))
                }
                None => (None, None),
            };
            reader.diagnostics.push(Diagnostic {
                severity: Severity::Error,
                line,
                column,
                message: e.message().trim().to_string(),
            });
            return Checked {
                config: None,
                diagnostics: reader.diagnostics,
            };
        }
    };
    let base = (file.extends.is_some() && text != BUILTIN_TOML).then(Config::builtin);
    let config = build(&mut reader, file, base, origin);
    let mut diagnostics = reader.finish();
    diagnostics.sort_by_key(|d| (d.line, d.column, d.severity));
    let ok = diagnostics.iter().all(|d| d.severity != Severity::Error);
    Checked {
        config: if ok { config } else { None },
        diagnostics,
    }
}

/// The taxonomy compiled into the binary (`builtin.toml`): the six reasons of the classic study.
pub fn builtin_taxonomy() -> Taxonomy {
    Config::builtin().taxonomy
}

impl Config {
    /// The built-in configuration.
    pub fn builtin() -> Config {
        // Read once per process: help text and the config in force both need it.
        static BUILTIN: std::sync::OnceLock<Config> = std::sync::OnceLock::new();
        BUILTIN
            .get_or_init(|| {
                let checked = check(BUILTIN_TOML, Origin::Builtin);
                match checked.config {
                    Some(c) => c,
                    None => panic!(
                        "the built-in taxonomy is invalid: {:?}",
                        checked.diagnostics
                    ),
                }
            })
            .clone()
    }

    /// The configuration `text` of the file at `path`; any error fails with every finding
    /// listed. (Reading the file is the caller's: this crate does no I/O.)
    pub fn from_text(text: &str, path: &Path) -> anyhow::Result<Config> {
        let checked = check(text, Origin::File(path.to_path_buf()));
        match checked.config {
            Some(c) => Ok(c),
            None => {
                let list: Vec<String> = checked.errors().map(|d| format!("  {d}")).collect();
                anyhow::bail!(
                    "invalid config `{}`:\n{}\n  help: `churn taxonomy validate {}` lists every problem",
                    path.display(),
                    list.join("\n"),
                    path.display()
                )
            }
        }
    }

    /// A benchmark by name, or an error listing the ones there are.
    pub fn benchmark(&self, name: &str) -> anyhow::Result<&Benchmark> {
        self.benchmarks.iter().find(|b| b.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.benchmarks.iter().map(|b| b.name.as_str()).collect();
            anyhow::anyhow!(
                "unknown benchmark `{name}`; defined: {} (add one under [[benchmark]] in churn.toml)",
                names.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_commented_check_example_is_valid() {
        let mut text = String::new();
        let mut inside = false;
        for line in BUILTIN_TOML.lines() {
            inside = inside || line == "# [check]";
            inside = inside && line.starts_with('#');
            text.push_str(if inside { &line[2..] } else { line });
            text.push('\n');
        }
        let checked = check(&text, Origin::Builtin);
        let config = checked.config.expect("valid with [check] uncommented");
        let rules = &config.check;
        assert_eq!(rules.min_responses, Some(50));
        assert_eq!(rules.max_unclassified, Some(0.2));
        assert_eq!(rules.max_share["dissatisfaction"], 0.4);
        assert_eq!(rules.id_cols, Vec::<String>::new());
        assert_eq!(rules.above_benchmark, vec!["indifference".to_string()]);
        assert!(rules.baseline.is_some());
    }

    use super::*;

    #[test]
    fn builtin_text_validates_without_findings() {
        let checked = check(BUILTIN_TOML, Origin::Builtin);
        assert!(checked.config.is_some(), "{:#?}", checked.diagnostics);
        let errors: Vec<_> = checked.errors().collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }

    #[test]
    fn line_cols_in_one_pass_agree_with_counting_from_the_start() {
        let text = "a = 1\nbé = [\"x\", \"y\"]\n\n  z\n";
        let offsets: Vec<usize> = vec![text.len(), 0, 9, 6, 14, 3, 7, 22, 9];
        let fast = line_cols(text, &offsets);
        let slow: Vec<(usize, usize)> = offsets.iter().map(|&o| line_col(text, o)).collect();
        assert_eq!(fast, slow);
        assert_eq!(fast[3], (2, 1));
        assert_eq!(fast[4], (2, 8), "columns count characters, not bytes");
    }

    #[test]
    fn fifty_thousand_warnings_have_their_lines() {
        // 50,000 phrases, each in two reasons: a warning each. Placing each warning by counting
        // from the start of the text was quadratic (93 s in a release build).
        let words = crate::text::made_up_words(50_000);
        let mut text = String::from("extends = \"builtin\"\n");
        for id in ["price", "cost"] {
            text.push_str(&format!("\n[[reason]]\nid = \"{id}\"\nphrases.any = [\n"));
            for w in &words {
                text.push_str(&format!("  \"{w}\",\n"));
            }
            text.push_str("]\n");
        }
        let checked = check(&text, Origin::Builtin);
        let twice: Vec<&Diagnostic> = checked
            .warnings()
            .filter(|d| d.message.contains("is in both `price` and `cost`"))
            .collect();
        assert_eq!(twice.len(), words.len());
        // The repeat of phrase k (in `cost`) is on line 50,011 + k, column 3.
        let last = twice.last().unwrap();
        assert_eq!(
            (last.line, last.column),
            (Some(10 + 2 * words.len()), Some(3))
        );
        assert!(last.message.contains(words.last().unwrap()), "{last}");
    }

    #[test]
    fn unknown_keys_are_errors_with_line_and_column() {
        let text = "version = 1\n\n[[reason]]\nid = \"x\"\nphrasse.en = [\"a\"]\n";
        let checked = check(text, Origin::Builtin);
        assert!(checked.config.is_none());
        let d = &checked.diagnostics[0];
        assert_eq!((d.line, d.column), (Some(5), Some(1)), "{d}");
        assert!(d.message.contains("phrasse"), "{d}");
    }

    #[test]
    fn extends_adds_renames_and_drops() {
        let text = r#"
extends = "builtin"
drop = ["died"]

[[reason]]
id = "price"
phrases.en = ["too expensive"]
priority = 5

[[reason]]
id = "indifference"
label = "Nobody cared"

[[benchmark]]
name = "ours"
shares = { moved = 10, friend_referral = 10, better_product = 10, dissatisfaction = 20, indifference = 40, price = 10 }
"#;
        let checked = check(text, Origin::Builtin);
        let c = checked.config.clone().expect("valid");
        let ids: Vec<&str> = c.taxonomy.reasons.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "moved",
                "friend_referral",
                "better_product",
                "dissatisfaction",
                "indifference",
                "price"
            ]
        );
        assert_eq!(c.taxonomy.reasons[4].label, "Nobody cared");
        assert_eq!(c.taxonomy.reasons[5].label, "Price");
        assert_eq!(c.taxonomy.reasons[5].priority, 5);
        assert!(c.benchmark("ours").is_ok() && c.benchmark("kennedy").is_ok());
        // kennedy names `died`, which is gone: a warning, not an error.
        assert!(checked
            .warnings()
            .any(|w| w.message.contains("`died`, which is not a reason")));
    }

    #[test]
    fn sub_reasons_are_added_changed_and_dropped() {
        let text = r#"
extends = "builtin"

[[reason]]
id = "dissatisfaction"
drop_subs = ["usability"]

[[reason.sub]]
id = "price"
label = "Cost"
replace_rules = true
phrases.en = ["costs a fortune"]

[[reason.sub]]
id = "security"
phrases.en = ["data breach"]

[[code_map]]
id = "ours"
codes.breach = "dissatisfaction.security"
"#;
        let checked = check(text, Origin::Builtin);
        let errors: Vec<String> = checked.errors().map(|d| d.message.clone()).collect();
        assert!(errors.is_empty(), "{errors:?}");
        let c = checked.config.expect("valid");
        let t = &c.taxonomy;
        let d = &t.reasons[t.position("dissatisfaction").unwrap()];
        let ids: Vec<&str> = d.subs.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "price",
                "quality",
                "reliability",
                "missing_features",
                "billing",
                "security"
            ]
        );
        assert_eq!(d.subs[0].label, "Cost");
        let price: Vec<&str> = d.subs[0].phrases.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(price, ["costs a fortune"]);
        assert_eq!(t.target("dissatisfaction.security"), Some((4, Some(5))));
        // The built-in code of the dropped sub-reason names its reason now.
        let codes = &t.code_maps[1].codes;
        let complex = codes.iter().find(|(c, _)| c == "too complex").unwrap();
        assert_eq!(complex.1, CodeTarget::Reason("dissatisfaction".into()));
    }

    #[test]
    fn sub_reason_mistakes_are_errors_with_their_place() {
        let text = r#"
extends = "builtin"

[[reason]]
id = "moved"
drop_subs = ["abroad"]

[[reason.sub]]
id = "Bad Id"

[[reason.sub]]
id = "twice"

[[reason.sub]]
id = "twice"

[[code_map]]
id = "ours"
codes.x = "moved.nowhere"
"#;
        let checked = check(text, Origin::Builtin);
        let errors: Vec<String> = checked.errors().map(|d| d.to_string()).collect();
        let has = |needle: &str| errors.iter().any(|e| e.contains(needle));
        assert!(has("sub-reason id `moved.Bad Id`"), "{errors:?}");
        assert!(
            has("sub-reason `moved.twice` is defined twice"),
            "{errors:?}"
        );
        assert!(
            has("reason `moved` has no sub-reason `abroad`"),
            "{errors:?}"
        );
        assert!(has("maps to unknown reason `moved.nowhere`"), "{errors:?}");
        assert!(errors.iter().all(|e| e.contains("line ")), "{errors:?}");
    }

    #[test]
    fn benchmark_buckets_are_checked() {
        let text = r#"
extends = "builtin"

[[benchmark]]
name = "bad"
shares = { gone = 10, service = 90, other = 0 }
groups = { gone = ["died", "moved"], service = ["moved", "indifference"] }
rest = "elsewhere"
"#;
        let checked = check(text, Origin::Builtin);
        let errors: Vec<String> = checked.errors().map(|d| d.message.clone()).collect();
        let all = errors.join("\n");
        assert!(
            all.contains("the share of `other` is 0; every bucket needs a share above 0"),
            "{all}"
        );
        assert!(all.contains("puts reason `moved` in both"), "{all}");
        assert!(
            all.contains("`rest = \"elsewhere\"` must name a share"),
            "{all}"
        );
        // A bucket-less reason is a warning that names it.
        let text = r#"
extends = "builtin"

[[benchmark]]
name = "partial"
shares = { indifference = 70, dissatisfaction = 30 }
"#;
        let checked = check(text, Origin::Builtin);
        assert!(checked.config.is_some());
        assert!(checked.warnings().any(|w| w
            .message
            .contains("no share for reason `died`; its rows are left out")));
    }
}
