//! `churn sample FILE -n N --seed S`: a blind labelling sheet for `evaluate`. Every row is
//! tagged to know its stratum (its reason, or unclassified, no answer, involuntary); a
//! stratified sample is drawn (`crate::stats::sample`) and written in a random order with the
//! rows' ids, answers and codes, and an empty `truth` column. The tags themselves are left out.

use std::io::Write;

use anyhow::Result;

use crate::classify::{Outcome, Scratch};
use crate::cli::SampleArgs;
use crate::config::Config;
use crate::input::ColumnOptions;
use crate::render::spreadsheet::{write_row, writer};
use crate::stats::sample::stratified;

pub fn run(args: &SampleArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let mut options = ColumnOptions {
        reason_col: args.columns.reason_col.clone(),
        code_cols: args.columns.code_col.clone(),
        find_id: args.id_col.is_none(),
        ..ColumnOptions::default()
    };
    if let Some(id) = &args.id_col {
        options.extra.push(("--id-col", id.clone()));
    }
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let answers = loaded.answers();
    // Strata: each reason, then unclassified, no answer, involuntary.
    let k = taxonomy.reasons.len();
    let mut scratch = Scratch::new();
    let stratum: Vec<usize> = answers
        .iter()
        .map(|row| {
            let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
            match classifier.classify_remembered(row.text, lookup, &mut scratch) {
                Outcome::Tagged(tag) => tag.primary,
                Outcome::Unclassified => k,
                Outcome::NoAnswer => k + 1,
                Outcome::Involuntary => k + 2,
            }
        })
        .collect();
    let chosen = stratified(&stratum, k + 3, args.rows, args.seed);
    let ids: Option<Vec<Option<&str>>> = if args.id_col.is_some() {
        Some(loaded.extra_cells(loaded.extra_columns.len() - 1))
    } else {
        loaded.id_cells()
    };
    let has_codes = !loaded.roles.codes.is_empty();
    let mut w = writer(out);
    let mut header = vec!["id", "answer"];
    if has_codes {
        header.push("code");
    }
    header.push("truth");
    write_row(&mut w, header)?;
    for i in chosen {
        let id = match &ids {
            Some(cells) => cells[i].unwrap_or("").to_string(),
            None => loaded.place(i),
        };
        let mut cells = vec![id, answers.text(i).unwrap_or("").to_string()];
        if has_codes {
            let codes: Vec<&str> = answers.codes(i).iter().flatten().copied().collect();
            cells.push(codes.join("|"));
        }
        cells.push(String::new());
        write_row(&mut w, cells)?;
    }
    w.flush()?;
    crate::diag::note(format_args!(
        "{} rows drawn of {} (seed {}); fill in `truth` (a reason id or `reason.sub`, `unclassified`, `no_answer` or `involuntary`), then: churn evaluate SHEET --truth-col truth, or correct shares with it: churn analyze FILE --calibrate SHEET --calibrate-design per-tag",
        args.rows.min(stratum.len()),
        stratum.len(),
        args.seed
    ));
    Ok(())
}
