//! `churn overrides from-tagged FILE`: a `churn tag` output a person corrected becomes an
//! overrides file. Each row is tagged again; where the outcome its `churn_reason` (with
//! `churn_sub_reason`, or `churn_status` when the reason is blank) says differs from the
//! tagger's, a line is written: the id, the corrected outcome, and what the tagger said.

use std::collections::HashMap;
use std::io::Write;

use anyhow::{bail, Result};

use crate::classify::{Outcome, Scratch};
use crate::cli::FromTaggedArgs;
use crate::config::Config;
use crate::escape::shown;
use crate::input::{columns, ColumnOptions, Loaded};
use crate::overrides::Target;
use crate::render::spreadsheet::{write_row, writer};
use crate::taxonomy::Taxonomy;

/// The columns of `churn tag` read back: the reason, its sub-reason, the status.
struct Edited<'l> {
    reason: Vec<Option<&'l str>>,
    sub: Option<Vec<Option<&'l str>>>,
    status: Vec<Option<&'l str>>,
    /// Where the reason column is (1-based), for messages.
    reason_at: usize,
}

impl<'l> Edited<'l> {
    fn of(loaded: &'l Loaded) -> Result<Edited<'l>> {
        let column = |name: &str| {
            let i = columns::find(&loaded.headers, name)?;
            let cells = loaded.original(i)?;
            Some((
                i,
                cells
                    .iter()
                    .map(|c| c.filter(|c| !c.trim().is_empty()))
                    .collect(),
            ))
        };
        let (Some((at, reason)), Some((_, status))) =
            (column("churn_reason"), column("churn_status"))
        else {
            bail!(
                "`{}` has no `churn_reason` and `churn_status` columns; give the output of \
                 `churn tag` (its `churn_reason` corrected where it is wrong)",
                shown(&loaded.path)
            );
        };
        Ok(Edited {
            reason,
            sub: column("churn_sub_reason").map(|(_, c)| c),
            status,
            reason_at: at + 1,
        })
    }

    /// The outcome row `i` says, as written for an overrides file; `None` for a rejected row.
    fn wanted(&self, i: usize, loaded: &Loaded, taxonomy: &Taxonomy) -> Result<Option<String>> {
        let status = self.status[i].map(str::trim).unwrap_or("");
        if status == "rejected" {
            return Ok(None);
        }
        let Some(reason) = self.reason[i].map(str::trim) else {
            return Ok(Some(match status {
                "no_answer" | "involuntary" => status.to_string(),
                _ => "unclassified".to_string(),
            }));
        };
        // A sub-reason left from the reason before the edit is not the new reason's: dropped.
        let sub = (self.sub.as_ref()).and_then(|s| s[i]).map(str::trim);
        let written = match sub {
            Some(sub) if !reason.contains('.') => Some(format!("{reason}.{sub}"))
                .filter(|w| Target::parse(w, taxonomy).is_some())
                .unwrap_or_else(|| reason.to_string()),
            _ => reason.to_string(),
        };
        if Target::parse(&written, taxonomy).is_none() {
            bail!(
                "failed to load `{}`: {}, column {} (`churn_reason`): unknown reason `{}`; use \
                 a reason id of the taxonomy (`churn taxonomy show`), `reason.sub`, or leave \
                 it blank for unclassified",
                shown(&loaded.path),
                loaded.place(i),
                self.reason_at,
                shown(&written)
            );
        }
        Ok(Some(written))
    }
}

/// How the tagger's outcome is written: as [`Edited::wanted`] writes a row's.
fn written(outcome: Outcome, taxonomy: &Taxonomy) -> String {
    match outcome {
        Outcome::Tagged(tag) => {
            let r = &taxonomy.reasons[tag.primary];
            match tag.sub {
                Some(s) => format!("{}.{}", r.id, r.subs[usize::from(s)].id),
                None => r.id.clone(),
            }
        }
        Outcome::Unclassified => "unclassified".to_string(),
        Outcome::NoAnswer => "no_answer".to_string(),
        Outcome::Involuntary => "involuntary".to_string(),
    }
}

/// Whether two outcomes as written are the same (case, spaces and punctuation aside; a reason
/// with its label or id).
fn same(a: &str, b: &str, taxonomy: &Taxonomy) -> bool {
    Target::parse(a, taxonomy) == Target::parse(b, taxonomy)
}

pub fn from_tagged(args: &FromTaggedArgs, config: &Config, out: &mut dyn Write) -> Result<()> {
    let taxonomy = &config.taxonomy;
    let classifier = super::classifier(config, &args.model)?;
    let options = ColumnOptions {
        find_id: args.id_col.is_none(),
        id_col: args.id_col.clone().map(|c| ("--id-col", c)),
        keep_all: true,
        ..ColumnOptions::default()
    };
    let loaded = super::load(&args.files, &args.input, &options, taxonomy, &classifier)?;
    let (Some(id_column), Some(ids)) = (loaded.id_column.clone(), loaded.id_cells()) else {
        bail!(
            "`{}` has no id column that churn knows (response id, customer id, email, ...); \
             name it with --id-col",
            shown(&loaded.path)
        );
    };
    let edited = Edited::of(&loaded)?;
    let answers = loaded.answers();
    let mut scratch = Scratch::new();
    let mut seen: HashMap<&str, String> = HashMap::new();
    let mut lines: Vec<[String; 3]> = Vec::new();
    for (i, row) in answers.iter().enumerate() {
        let Some(wanted) = edited.wanted(i, &loaded, taxonomy)? else {
            continue;
        };
        let lookup = classifier.lookup_codes(row.codes.iter().flatten().copied(), |_| {});
        let said = written(
            classifier.classify_remembered(row.text, lookup, &mut scratch),
            taxonomy,
        );
        if same(&wanted, &said, taxonomy) {
            continue;
        }
        let Some(id) = ids[i].map(str::trim).filter(|id| !id.is_empty()) else {
            bail!(
                "`{}`: {} is corrected but has no id in `{}`; an override needs one",
                shown(&loaded.path),
                loaded.place(i),
                shown(&id_column)
            );
        };
        match seen.get(id) {
            Some(before) if same(before, &wanted, taxonomy) => continue,
            Some(before) => bail!(
                "`{}`: id `{}` is corrected to `{before}` and, at {}, to `{}`; keep one",
                shown(&loaded.path),
                shown(id),
                loaded.place(i),
                shown(&wanted)
            ),
            None => {}
        }
        seen.insert(id, wanted.clone());
        lines.push([id.to_string(), wanted, format!("churn said {said}")]);
    }
    let mut w = writer(out);
    write_row(&mut w, [id_column.as_str(), "reason", "note"])?;
    for line in &lines {
        write_row(&mut w, line)?;
    }
    w.flush()?;
    crate::diag::note(format_args!(
        "{} of {} rows corrected; use the file with `churn analyze --overrides FILE` (or \
         `[analyze] overrides` in churn.toml)",
        lines.len(),
        answers.len()
    ));
    Ok(())
}
