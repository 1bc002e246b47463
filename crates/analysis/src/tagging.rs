//! Every row tagged and told why, as `churn tag` writes it and [`tag_frame`] adds it to a
//! polars frame: the reasons in the order stated, the row's status, the evidence per reason
//! (the words matched, the code, or the model), and the confidence.

use anyhow::{Context, Result};
use polars::prelude::{
    Column, DataFrame, Float32Chunked, IntoColumn, NewChunkedArray, PlSmallStr, StringChunked,
};
use serde::Serialize;

use churn_core::classify::{Classifier, CodeLookup, Outcome, Scratch, Source, Tag};
use churn_core::taxonomy::Taxonomy;
pub use churn_input::FrameColumns;
use churn_input::{Answers, Row};

/// The columns a tagged frame gains, in order (and `churn_confidence` with a model). The
/// sub-reason came later than the others, and is last so as not to move them.
pub const COLUMNS: [&str; 5] = [
    "churn_reason",
    "churn_reasons",
    "churn_status",
    "churn_evidence",
    "churn_sub_reason",
];

/// The ids tags are written with: each reason's, and each of its sub-reasons'.
#[derive(Debug, Clone)]
pub struct TagIds<'t> {
    pub reasons: Vec<&'t str>,
    pub subs: Vec<Vec<&'t str>>,
    /// The `[competitors]`' ids (empty without: then no [`COMPETITOR`] column).
    pub competitors: Vec<&'t str>,
}

impl<'t> TagIds<'t> {
    pub fn of(taxonomy: &'t Taxonomy) -> TagIds<'t> {
        TagIds {
            reasons: taxonomy.reasons.iter().map(|r| r.id.as_str()).collect(),
            subs: (taxonomy.reasons.iter())
                .map(|r| r.subs.iter().map(|s| s.id.as_str()).collect())
                .collect(),
            competitors: taxonomy.competitors.iter().map(|c| c.id.as_str()).collect(),
        }
    }

    /// The competitor a row names, if any.
    pub fn competitor(&self, tag: &RowTag) -> Option<&'t str> {
        tag.competitor.map(|c| self.competitors[c])
    }

    /// The sub-reason of a row's primary reason, if it has one.
    pub fn sub(&self, tag: &RowTag) -> Option<&'t str> {
        tag.sub.map(|(reason, s)| self.subs[reason][s])
    }
}

/// The column of the competitor each row names, with `[competitors]` (after [`COLUMNS`]).
pub const COMPETITOR: &str = "churn_competitor";

/// The column of each row's confidence, when a model is in use.
pub const CONFIDENCE: &str = "churn_confidence";

/// Where a row ended up (`analyze` counts the same five).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Tagged,
    Unclassified,
    NoAnswer,
    Involuntary,
    Rejected,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Tagged => "tagged",
            Status::Unclassified => "unclassified",
            Status::NoAnswer => "no_answer",
            Status::Involuntary => "involuntary",
            Status::Rejected => "rejected",
        }
    }
}

/// What `churn tag` says of one row (made on any thread, written in order).
#[derive(Debug)]
pub struct RowTag {
    pub status: Status,
    /// Reasons (into the taxonomy) in the order the answer states them.
    pub reasons: Vec<usize>,
    pub evidence: Vec<String>,
    pub confidence: Option<f32>,
    /// The primary reason and its sub-reason (into its `subs`).
    pub sub: Option<(usize, usize)>,
    /// The competitor the answer names (into the taxonomy's `competitors`).
    pub competitor: Option<usize>,
}

/// Classify one row and say why.
pub fn tag_row(
    classifier: &Classifier,
    reason_ids: &[&str],
    row: Row<'_, '_>,
    scratch: &mut Scratch,
) -> RowTag {
    let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
    let outcome = classifier.classify(row.text, lookup, scratch);
    // The coded value that decided the row, if one did.
    let code = || {
        matches!(lookup, CodeLookup::Reason(..) | CodeLookup::Involuntary)
            .then(|| {
                row.codes
                    .iter()
                    .flatten()
                    .find(|c| classifier.lookup_code(c) == lookup)
            })
            .flatten()
    };
    let (sub, competitor) = match outcome {
        Outcome::Tagged(tag) => (
            tag.sub.map(|s| (tag.primary, usize::from(s))),
            tag.competitor.map(usize::from),
        ),
        _ => (None, None),
    };
    let (status, reasons, evidence) = match outcome {
        Outcome::Tagged(tag) => {
            let found = evidence_of(classifier, scratch, tag, code(), reason_ids);
            let reasons = found.iter().map(|(r, _)| *r).collect();
            let evidence = found.into_iter().map(|(_, e)| e).collect();
            (Status::Tagged, reasons, evidence)
        }
        Outcome::Unclassified => (Status::Unclassified, Vec::new(), Vec::new()),
        Outcome::NoAnswer => (
            Status::NoAnswer,
            Vec::new(),
            (row.text.and_then(|t| classifier.junk(t)))
                .map(|j| vec![format!("junk:{}", j.id())])
                .unwrap_or_default(),
        ),
        Outcome::Involuntary => (
            Status::Involuntary,
            Vec::new(),
            code()
                .map(|c| vec![format!("code:{}", c.trim())])
                .unwrap_or_default(),
        ),
    };
    RowTag {
        status,
        reasons,
        evidence,
        confidence: classifier.confidence(scratch),
        sub,
        competitor,
    }
}

/// A row an overrides file decides: its outcome, with `override` (and the note) as the
/// evidence.
pub fn override_row(o: &churn_core::overrides::Override) -> RowTag {
    use churn_core::overrides::Target;
    let evidence = match &o.note {
        Some(note) => format!("override: {note}"),
        None => "override".to_string(),
    };
    let (status, reasons, sub) = match o.target {
        Target::Reason(r, sub) => (Status::Tagged, vec![r], sub.map(|s| (r, usize::from(s)))),
        Target::Unclassified => (Status::Unclassified, Vec::new(), None),
        Target::NoAnswer => (Status::NoAnswer, Vec::new(), None),
        Target::Involuntary => (Status::Involuntary, Vec::new(), None),
    };
    RowTag {
        status,
        reasons,
        evidence: vec![evidence],
        confidence: None,
        sub,
        competitor: None,
    }
}

/// Per reason, the words (or code, or model) that tagged it.
type Evidence = Vec<(usize, String)>;

/// Per reason of a tagged row, what tagged it: the code that decided it (and what the text
/// says where they disagree), a code refined by the text, the model, or the rules' words.
fn evidence_of(
    classifier: &Classifier,
    scratch: &Scratch,
    tag: Tag,
    code: Option<&&str>,
    reason_ids: &[&str],
) -> Vec<(usize, String)> {
    // What the rules found in the text, per reason, the primary first. A reason the tag no
    // longer has (an answer that moved to a competitor switched) gives its words to the primary
    // when the primary has none.
    let said = || -> Vec<(usize, String)> {
        let (kept, dropped): (Evidence, Evidence) = (classifier.evidence(scratch).into_iter())
            .map(|(r, e)| (r, e.to_string()))
            .partition(|(r, _)| tag.reasons.contains(*r));
        let mut found = primary_first(kept, classifier, scratch, tag.primary);
        if let (Some(first), Some((_, words))) = (found.first_mut(), dropped.into_iter().next()) {
            if first.1.is_empty() {
                first.1 = words;
            }
        }
        found
    };
    let text_said = |reason: usize| {
        said()
            .into_iter()
            .find(|(r, _)| *r == reason)
            .map_or(String::new(), |(_, e)| e)
    };
    match (tag.source, code) {
        (Source::Code, Some(c)) => {
            let disagree = tag.conflict.map_or(String::new(), |r| {
                let r = usize::from(r);
                format!(" (the text says {}: {})", reason_ids[r], text_said(r))
            });
            vec![(tag.primary, format!("code:{}{disagree}", c.trim()))]
        }
        (Source::Refined, Some(c)) => {
            let words = text_said(tag.primary);
            vec![(
                tag.primary,
                format!("code:{} refined by text:{words}", c.trim()),
            )]
        }
        (Source::TextOverCode, Some(c)) => {
            let mut found = said();
            if let (Some(first), Some(coded)) = (found.first_mut(), tag.conflict) {
                let says = reason_ids[usize::from(coded)];
                first.1 = format!("{} (over code:{}, which says {says})", first.1, c.trim());
            }
            found
        }
        (Source::Model, _) => model_evidence(classifier, scratch, tag),
        _ => said(),
    }
}

/// The text's evidence with the primary reason's first, as `churn_reason` is the first: in a
/// long answer the primary is the reason stated most, not first, and a refined one may be
/// stated only by a hint.
fn primary_first(
    mut found: Vec<(usize, String)>,
    classifier: &Classifier,
    scratch: &Scratch,
    primary: usize,
) -> Vec<(usize, String)> {
    match found.iter().position(|(r, _)| *r == primary) {
        Some(0) => {}
        Some(at) => found[..=at].rotate_right(1),
        None => {
            let words = classifier
                .evidence_for(scratch, primary)
                .unwrap_or_default();
            found.insert(0, (primary, words.to_string()));
        }
    }
    found
}

/// The evidence of a row the model decided: `model` for its reason (the primary), then the
/// rules' evidence for the row's other reasons.
fn model_evidence(classifier: &Classifier, scratch: &Scratch, tag: Tag) -> Vec<(usize, String)> {
    let mut found = vec![(tag.primary, "model".to_string())];
    found.extend(
        classifier
            .evidence(scratch)
            .into_iter()
            .filter(|(r, _)| *r != tag.primary && tag.reasons.contains(*r))
            .map(|(r, e)| (r, e.to_string())),
    );
    found
}

/// `frame` with the tag of every row added as [`COLUMNS`]: the primary reason (null when there
/// is none), every reason and the evidence `|`-joined, the status; and [`CONFIDENCE`] when the
/// classifier has a model. Rows are tagged as `churn tag` tags them (a blank cell is no
/// answer). A column that is missing or not text is an error naming it.
pub fn tag_frame(
    frame: &DataFrame,
    columns: &FrameColumns,
    classifier: &Classifier,
    taxonomy: &Taxonomy,
) -> Result<DataFrame> {
    let strings = |name: &str| -> Result<&StringChunked> {
        frame
            .column(name)
            .ok()
            .with_context(|| format!("the frame has no column `{name}`"))?
            .str()
            .ok()
            .with_context(|| format!("the frame's column `{name}` is not text"))
    };
    let text = columns.text.as_deref().map(strings).transpose()?;
    let codes = (columns.codes.iter())
        .map(|c| strings(c))
        .collect::<Result<Vec<_>>>()?;
    let ids = TagIds::of(taxonomy);
    let answers = answers_of(text, &codes, 0..frame.height());
    let tags = tag_answers(classifier, &ids, &answers);
    let added = tag_columns(&tags, &ids, classifier.model().is_some());
    Ok(frame.hstack(&added)?)
}

/// Rows `range` of string columns as answers: a blank cell (white space only) is no answer, as
/// `churn tag` reads it; no `text` column, no text.
pub fn answers_of<'a>(
    text: Option<&'a StringChunked>,
    codes: &[&'a StringChunked],
    range: std::ops::Range<usize>,
) -> Answers<'a> {
    fn filled(v: Option<&str>) -> Option<&str> {
        v.filter(|s| !s.trim().is_empty())
    }
    let mut answers = Answers::new(codes.len());
    for i in range {
        let text = filled(text.and_then(|t| t.get(i)));
        answers.push(text, codes.iter().map(|c| filled(c.get(i))));
    }
    answers
}

/// Each row of `answers` tagged ([`tag_row`]), in order.
pub fn tag_answers(
    classifier: &Classifier,
    ids: &TagIds<'_>,
    answers: &Answers<'_>,
) -> Vec<RowTag> {
    let mut scratch = Scratch::new();
    (answers.iter())
        .map(|row| tag_row(classifier, &ids.reasons, row, &mut scratch))
        .collect()
}

/// The columns of the rows' `tags`, as [`tag_frame`] adds them: [`COLUMNS`], [`COMPETITOR`] when
/// `ids` has competitors, and with `confidence` [`CONFIDENCE`].
pub fn tag_columns(tags: &[RowTag], ids: &TagIds<'_>, confidence: bool) -> Vec<Column> {
    let reason_ids = &ids.reasons;
    let name = PlSmallStr::from;
    let joined = |parts: Vec<&str>| parts.join("|");
    let mut added: Vec<Column> = vec![
        StringChunked::from_iter_options(
            name(COLUMNS[0]),
            tags.iter()
                .map(|t| t.reasons.first().map(|&r| reason_ids[r])),
        )
        .into_column(),
        StringChunked::from_iter_values(
            name(COLUMNS[1]),
            tags.iter()
                .map(|t| joined(t.reasons.iter().map(|&r| reason_ids[r]).collect())),
        )
        .into_column(),
        StringChunked::from_iter_values(name(COLUMNS[2]), tags.iter().map(|t| t.status.as_str()))
            .into_column(),
        StringChunked::from_iter_values(
            name(COLUMNS[3]),
            tags.iter()
                .map(|t| joined(t.evidence.iter().map(String::as_str).collect())),
        )
        .into_column(),
        StringChunked::from_iter_values(
            name(COLUMNS[4]),
            tags.iter().map(|t| ids.sub(t).unwrap_or("")),
        )
        .into_column(),
    ];
    if !ids.competitors.is_empty() {
        added.push(
            StringChunked::from_iter_values(
                name(COMPETITOR),
                tags.iter().map(|t| ids.competitor(t).unwrap_or("")),
            )
            .into_column(),
        );
    }
    if confidence {
        added.push(
            Float32Chunked::from_iter_options(name(CONFIDENCE), tags.iter().map(|t| t.confidence))
                .into_column(),
        );
    }
    added
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_gains_the_tag_of_every_row() {
        let taxonomy = churn_core::config::builtin_taxonomy();
        let classifier = Classifier::new(&taxonomy).unwrap();
        let answers = ["too expensive for us", "", "we moved abroad", "qwzx"];
        let frame = DataFrame::new(
            answers.len(),
            vec![
                Column::new("id".into(), &["a", "b", "c", "d"]),
                Column::new("Why did you leave?".into(), &answers),
            ],
        )
        .unwrap();
        let columns = FrameColumns {
            text: Some("Why did you leave?".into()),
            codes: Vec::new(),
        };
        let tagged = tag_frame(&frame, &columns, &classifier, &taxonomy).unwrap();
        let names: Vec<&str> = tagged
            .get_column_names()
            .iter()
            .map(|n| n.as_str())
            .collect();
        assert_eq!(
            names,
            [
                "id",
                "Why did you leave?",
                "churn_reason",
                "churn_reasons",
                "churn_status",
                "churn_evidence",
                "churn_sub_reason"
            ]
        );
        let cells = |c: &str| -> Vec<Option<String>> {
            let col = tagged.column(c).unwrap().str().unwrap().clone();
            col.iter().map(|v| v.map(str::to_string)).collect()
        };
        let reason = cells("churn_reason");
        assert_eq!(reason[1], None);
        assert_eq!(reason[2].as_deref(), Some("moved"));
        assert_eq!(reason[3], None);
        let status = cells("churn_status");
        let status: Vec<&str> = status.iter().map(|s| s.as_deref().unwrap()).collect();
        assert_eq!(status[1..], ["no_answer", "tagged", "unclassified"]);
        assert!(cells("churn_evidence")[2]
            .as_deref()
            .unwrap()
            .contains("moved"));
        let sub = cells("churn_sub_reason");
        let sub: Vec<&str> = sub.iter().map(|s| s.as_deref().unwrap()).collect();
        assert_eq!(sub, ["price", "", "relocated", ""]);

        let missing = FrameColumns {
            text: Some("reason".into()),
            codes: Vec::new(),
        };
        let err = tag_frame(&frame, &missing, &classifier, &taxonomy).unwrap_err();
        assert_eq!(err.to_string(), "the frame has no column `reason`");
    }
}
