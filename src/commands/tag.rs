//! `churn tag`: every input row written back with its tag, for audits. Load every column,
//! classify each row as `analyze` does, and hand the rows to the CSV or JSON Lines writer.

use std::io::Write;

use anyhow::Result;

use crate::classify::{Classifier, CodeLookup, Outcome, Scratch, Source, Tag};
use crate::cli::TagArgs;
use crate::config::Config;
use crate::input::{self, ColumnOptions};
use crate::render::tagged::{
    self, Status, TaggedRow, CONFIDENCE_COLUMN, FILE_COLUMN, OUTPUT_COLUMNS,
};

/// Run `churn tag`, writing the rows to `out`.
pub fn run(args: &TagArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        keep_all: true,
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;

    // Columns of an earlier `churn tag` are replaced, not repeated.
    let keep: Vec<usize> = (0..loaded.headers.len())
        .filter(|&i| {
            let h = loaded.headers[i].as_str();
            !OUTPUT_COLUMNS.contains(&h) && h != FILE_COLUMN && h != CONFIDENCE_COLUMN
        })
        .collect();
    if keep.len() < loaded.headers.len() {
        crate::diag::note(format_args!(
            "`{}` already has churn_* columns; they are replaced by new ones",
            crate::escape::shown(&loaded.path)
        ));
    }
    let headers: Vec<String> = keep.iter().map(|&i| loaded.headers[i].clone()).collect();
    let columns: Vec<_> = keep
        .iter()
        .map(|&i| loaded.original(i).expect("kept column"))
        .collect();
    let reason_ids: Vec<&str> = taxonomy.reasons.iter().map(|r| r.id.as_str()).collect();

    let mut scratch = Scratch::new();
    let mut iters: Vec<_> = columns.iter().map(|c| c.iter()).collect();
    let several = loaded.sources.len() > 1;
    let extra = tagged::Extra {
        confidence: classifier.model().is_some(),
        several,
    };
    let mut writer = tagged::writer(args.format, &headers, extra, out)?;
    // Rejected rows (`--skip-bad-rows`) are written where they were read, fields as read.
    let mut rejected = loaded.rejected.iter().peekable();
    let write_rejected =
        |writer: &mut Box<dyn tagged::RowWriter + '_>, r: &input::RejectedRow| -> Result<()> {
            let cells: Vec<&str> = keep
                .iter()
                .map(|&j| r.fields.get(j).map_or("", String::as_str))
                .collect();
            writer.row(&TaggedRow {
                file: &r.path,
                line: r.line,
                cells,
                reasons: Vec::new(),
                status: Status::Rejected,
                evidence: vec![format!(
                    "expected {}, found {}",
                    crate::text::plural(r.expected_fields, "field", "fields"),
                    r.found_fields
                )],
                confidence: None,
            })?;
            Ok(())
        };
    let answers = loaded.answers();
    for (i, row) in answers.iter().enumerate() {
        let at = (loaded.files[i], loaded.lines[i]);
        while let Some(r) = rejected.next_if(|r| (r.file, r.line) < at) {
            write_rejected(&mut writer, r)?;
        }
        let cells: Vec<&str> = iters
            .iter_mut()
            .map(|it| it.next().flatten().unwrap_or(""))
            .collect();
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let outcome = classifier.classify(row.text, lookup, &mut scratch);
        // The coded value that decided the row, if one did.
        let code = || {
            matches!(lookup, CodeLookup::Reason(_) | CodeLookup::Involuntary)
                .then(|| {
                    row.codes
                        .iter()
                        .flatten()
                        .find(|c| classifier.lookup_code(c) == lookup)
                })
                .flatten()
        };
        let (status, reasons, evidence) = match outcome {
            Outcome::Tagged(tag) => {
                let found = evidence_of(&classifier, &scratch, tag, code(), &reason_ids);
                let reasons = found.iter().map(|(r, _)| reason_ids[*r]).collect();
                let evidence = found.into_iter().map(|(_, e)| e).collect();
                (Status::Tagged, reasons, evidence)
            }
            Outcome::Unclassified => (Status::Unclassified, Vec::new(), Vec::new()),
            Outcome::NoAnswer => (Status::NoAnswer, Vec::new(), Vec::new()),
            Outcome::Involuntary => (
                Status::Involuntary,
                Vec::new(),
                code()
                    .map(|c| vec![format!("code:{}", c.trim())])
                    .unwrap_or_default(),
            ),
        };
        writer.row(&TaggedRow {
            file: &loaded.sources[loaded.files[i] as usize].path,
            line: loaded.lines[i],
            cells,
            reasons,
            status,
            evidence,
            confidence: classifier.confidence(&scratch),
        })?;
    }
    for r in rejected {
        write_rejected(&mut writer, r)?;
    }
    writer.finish()?;
    Ok(())
}

/// Per reason of a tagged row, what tagged it: the code that decided it (and what the text
/// says where they disagree), a code refined by the text, the model, or the rules' words.
fn evidence_of(
    classifier: &Classifier,
    scratch: &Scratch,
    tag: Tag,
    code: Option<&&str>,
    reason_ids: &[&str],
) -> Vec<(usize, String)> {
    // What the rules found in the text, per reason in the order stated.
    let said = || -> Vec<(usize, String)> {
        classifier
            .evidence(scratch)
            .into_iter()
            .map(|(r, e)| (r, e.to_string()))
            .collect()
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
