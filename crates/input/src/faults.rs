//! What is wrong with a table whose rows do not fit its header, said so that a person can fix
//! it: a damaged header (no row fits, the rows agree with each other), a quote never closed (a
//! short record over several lines), or rows with a stray delimiter.

use anyhow::Result;
use churn_core::escape::line as one_line;

use super::sniff;
use super::table::Table;
use churn_core::text::{noun, plural};

/// A shortened header or value for messages.
pub(super) fn clip(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(n).collect::<String>())
    }
}

/// The error for a record with the wrong number of fields, read without `--skip-bad-rows`.
/// When no row fits the header but the rows agree with each other, the header is the fault.
pub(super) fn bad_row_error(table: &Table, line: u64, found: usize) -> Result<anyhow::Error> {
    let expected = table.headers.len();
    let mut fitting = 0usize;
    let mut counts = std::collections::BTreeMap::new();
    let mut total = 0usize;
    // The bad record's own shape: its fields and the line breaks inside them.
    let mut shape = None;
    table.records(|r| {
        total += 1;
        if r.line == line {
            let breaks: usize = r.fields.iter().map(|f| f.matches('\n').count()).sum();
            shape = Some((r.fields.len(), breaks));
        }
        if r.fields.len() == expected {
            fitting += 1;
        } else {
            *counts.entry(r.fields.len()).or_insert(0usize) += 1;
        }
        Ok(true)
    })?;
    let unit = table.unit;
    if let Some((&common, &n)) = counts.iter().max_by_key(|(_, &n)| n) {
        if fitting == 0 && n * 10 >= total * 9 {
            let every = if n == total {
                format!("every row ({total}) has")
            } else {
                format!("{n} of {total} rows have")
            };
            let mut msg = format!(
                "the header (line 1) has {} but {every} {common}: the header itself is damaged",
                plural(expected, "field", "fields")
            );
            let quoted = table.quoted_headers();
            if !quoted.is_empty() {
                let shown: Vec<String> = quoted
                    .iter()
                    .take(4)
                    .map(|(i, h)| format!("field {i} `{}`", clip(&one_line(h), 50)))
                    .collect();
                msg.push_str(&format!(
                    "; its quotes are unbalanced: {} {} a stray `\"`, so {} fields run together \
                     or split apart",
                    shown.join(", "),
                    if quoted.len() == 1 { "holds" } else { "hold" },
                    if expected > common { "some" } else { "several" }
                ));
            }
            msg.push_str(
                "\n  help: fix the quotes in the header row (each quoted name needs a closing \
                 `\"`, and a `\"` inside one is written `\"\"`), or replace the header with the \
                 right column names",
            );
            return Ok(anyhow::anyhow!(msg));
        }
    }
    // A short record spanning several lines is the mark of a quote opened and never closed.
    if let Some((fields, breaks)) = shape {
        if fields < expected && breaks > 0 && unit == "line" {
            return Ok(anyhow::anyhow!(
                "line {line}: a quoted answer here runs over {} lines and the record has only \
                 {fields} of {expected} fields: a `\"` opened on line {line} is probably never \
                 closed\n  help: close the quote (a `\"` inside an answer is written `\"\"`), \
                 or say --skip-bad-rows to count the record as rejected",
                breaks + 1
            ));
        }
    }
    let delimiter = table
        .delimiter
        .map(|d| format!(" ({})", sniff::delimiter_name(d)))
        .unwrap_or_default();
    let wrong = total - fitting;
    let fields = noun(expected, "field", "fields");
    let (rows, has, them) = (
        noun(total, "row", "rows"),
        noun(wrong, "has", "have"),
        noun(wrong, "it", "them"),
    );
    Ok(anyhow::anyhow!(
        "{unit} {line}: expected {expected} {fields} (as in the header), found {found}; an answer \
         containing the delimiter{delimiter} or a line break must be quoted\n  help: {wrong} of \
         {total} {rows} {has} the wrong number of fields; fix {them}, or say --skip-bad-rows to \
         count {them} as rejected and go on"
    ))
}

/// The error for a stray quote (see [`super::records::parse_records`]), read without
/// `--skip-bad-rows`.
pub(super) fn stray_quote_error(
    table: &Table,
    line: u64,
    stray: super::records::Stray,
) -> anyhow::Error {
    let column = table
        .headers
        .get(stray.field)
        .map(|h| format!(" (`{}`)", clip(&one_line(h), 40)))
        .unwrap_or_default();
    anyhow::anyhow!(
        "line {line}: the `\"` that opens field {}{column} closes on line {} and text follows \
         it there, so lines {line}-{} would read as one answer: a stray quote\n  help: fix the \
         quote (a `\"` inside an answer is written `\"\"`; a quoted answer ends with `\"` right \
         before the delimiter or the line end), or say --skip-bad-rows to count line {line} \
         as rejected and read on from line {}",
        stray.field + 1,
        stray.closed_on,
        stray.closed_on,
        line + 1
    )
}
