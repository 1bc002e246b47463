//! JSON and JSON Lines exports as rows: an array of objects, a list object of a billing API
//! (`{"object": "list", "data": [...]}`, as `stripe subscriptions list` prints it), or one object
//! per line. Nested fields become columns named by their dotted path
//! (`cancellation_details.feedback`); arrays are kept as JSON text, `null` is blank. Pure:
//! text in, a header and numbered rows out, or an error naming the line and column.

use anyhow::{bail, Result};
use serde_json::Value;

/// Whether a file name says JSON: `.json`, `.jsonl`, `.ndjson`, also compressed (`.json.gz`).
pub fn is_json_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    let bare = lower
        .strip_suffix(".gz")
        .or_else(|| lower.strip_suffix(".zst"))
        .unwrap_or(&lower);
    [".json", ".jsonl", ".ndjson"]
        .iter()
        .any(|ext| bare.ends_with(ext))
}

/// Whether text starts like JSON (after a byte-order mark and white space).
pub fn looks_like_json(bytes: &[u8]) -> bool {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    matches!(
        bytes.iter().find(|b| !b.is_ascii_whitespace()),
        Some(b'{' | b'[')
    )
}

/// The rows of a JSON text: the header (every field path, in order of first appearance) and,
/// per record, its number (the line of a JSON Lines record, else its place from 1) and its
/// cells in header order.
pub type Rows = (Vec<String>, Vec<(u64, Vec<String>)>);

/// At most this many distinct field paths (a workbook's column limit).
pub const MAX_FIELDS: usize = 16_384;

/// At most this many cells in the table (records times field paths), as for workbooks.
pub const MAX_CELLS: usize = 30_000_000;

pub fn rows(text: &str) -> Result<Rows> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let records = match serde_json::from_str::<Value>(text) {
        Ok(value) => whole(value)?,
        // Several values, one per line: JSON Lines.
        Err(e) if e.is_syntax() && text.trim_start().starts_with('{') && more_lines(text) => {
            lines(text)?
        }
        Err(e) => bail!(
            "not valid JSON at line {}, column {}: {}\n  help: export it again, or as CSV",
            e.line(),
            e.column(),
            plain_message(&e)
        ),
    };
    let mut header: Vec<String> = Vec::new();
    let mut index: std::collections::HashMap<String, usize> = Default::default();
    let mut flat = Vec::with_capacity(records.len());
    for (number, record) in records {
        let mut cells = Vec::new();
        flatten("", &record, &mut cells);
        for (key, _) in &cells {
            if !index.contains_key(key) {
                if header.len() == MAX_FIELDS {
                    bail!(
                        "record {number} brings the JSON to more than {MAX_FIELDS} distinct \
                         fields; this is no survey export\n  help: select the fields you need \
                         (e.g. with jq) and try again"
                    );
                }
                index.insert(key.clone(), header.len());
                header.push(key.clone());
            }
        }
        flat.push((number, cells));
    }
    if header.len().saturating_mul(flat.len()) > MAX_CELLS {
        bail!(
            "the JSON holds {} records of {} fields, more than {MAX_CELLS} cells\n  help: \
             select the fields you need (e.g. with jq), or export as CSV, which is streamed",
            flat.len(),
            header.len()
        );
    }
    let rows = flat
        .into_iter()
        .map(|(number, cells)| {
            let mut row = vec![String::new(); header.len()];
            for (key, value) in cells {
                row[index[&key]] = value;
            }
            (number, row)
        })
        .collect();
    Ok((header, rows))
}

fn more_lines(text: &str) -> bool {
    text.trim()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .nth(1)
        .is_some()
}

/// serde_json's message without its own " at line L column C".
fn plain_message(e: &serde_json::Error) -> String {
    let message = e.to_string();
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message,
    }
}

/// The records of one JSON value: an array of objects, a list object's `data`, or an object.
fn whole(value: Value) -> Result<Vec<(u64, Value)>> {
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("data") {
            Some(Value::Array(items)) => items,
            Some(other) => {
                object.insert("data".into(), other);
                vec![Value::Object(object)]
            }
            None => vec![Value::Object(object)],
        },
        other => bail!(
            "the JSON is {}, not records\n  help: give an array of objects, one object per \
             line, or a list object with `data`",
            kind(&other)
        ),
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| match item {
            Value::Object(_) => Ok((i as u64 + 1, item)),
            other => bail!(
                "record {} of the JSON array is {}, not an object with fields",
                i + 1,
                kind(&other)
            ),
        })
        .collect()
}

/// One object per non-blank line.
fn lines(text: &str) -> Result<Vec<(u64, Value)>> {
    let mut records = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let number = i as u64 + 1;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(value @ Value::Object(_)) => records.push((number, value)),
            Ok(other) => bail!(
                "line {number} is {}, not a JSON object\n  help: JSON Lines hold one object per \
                 line",
                kind(&other)
            ),
            Err(e) => bail!(
                "line {number}, column {}: not valid JSON: {}\n  help: JSON Lines hold one \
                 object per line; fix or remove the line",
                e.column(),
                plain_message(&e)
            ),
        }
    }
    Ok(records)
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a true/false value",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A value's cells, by dotted path.
fn flatten(prefix: &str, value: &Value, out: &mut Vec<(String, String)>) {
    let path = |key: &str| {
        if prefix.is_empty() {
            key.to_string()
        } else {
            format!("{prefix}.{key}")
        }
    };
    match value {
        Value::Object(object) if !object.is_empty() => {
            for (key, v) in object {
                flatten(&path(key), v, out);
            }
        }
        Value::Object(_) | Value::Null => out.push((prefix.to_string(), String::new())),
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Bool(b) => out.push((prefix.to_string(), b.to_string())),
        Value::Number(n) => out.push((prefix.to_string(), n.to_string())),
        Value::Array(_) => out.push((prefix.to_string(), value.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arrays_lists_and_lines_become_rows_by_dotted_path() {
        let array = r#"[{"id": 1, "details": {"feedback": "too_expensive", "comment": null}},
                        {"id": 2, "details": {"comment": "moved"}, "tags": ["a"]}]"#;
        let (header, got) = rows(array).unwrap();
        assert_eq!(
            header,
            ["details.comment", "details.feedback", "id", "tags"]
        );
        assert_eq!(
            got[0],
            (
                1,
                vec!["".into(), "too_expensive".into(), "1".into(), "".into()]
            )
        );
        assert_eq!(got[1].1, ["moved", "", "2", "[\"a\"]"]);
        let list = r#"{"object": "list", "data": [{"id": "sub_1"}], "has_more": false}"#;
        assert_eq!(rows(list).unwrap().1, [(1, vec!["sub_1".to_string()])]);
        let lines = "{\"id\": 1}\n\n{\"id\": 2, \"reason\": \"moved\"}\n";
        let (header, got) = rows(lines).unwrap();
        assert_eq!(header, ["id", "reason"]);
        assert_eq!(got[1], (3, vec!["2".into(), "moved".into()]));
    }

    #[test]
    fn bad_json_names_its_line_and_column() {
        let e = rows("{\"id\": 1}\n{\"id\": }\n").unwrap_err().to_string();
        assert!(e.starts_with("line 2, column 8"), "{e}");
        let e = rows("[{\"id\": 1},\n 3]").unwrap_err().to_string();
        assert!(e.contains("record 2") && e.contains("a number"), "{e}");
        let e = rows("[{\"id\": 1}").unwrap_err().to_string();
        assert!(e.contains("line 1, column"), "{e}");
        let e = rows("\"text\"").unwrap_err().to_string();
        assert!(e.contains("a string"), "{e}");
    }

    #[test]
    fn too_many_fields_are_refused() {
        let wide: String = (0..=MAX_FIELDS)
            .map(|i| format!("{{\"f{i}\": 1}}\n"))
            .collect();
        let e = rows(&wide).unwrap_err().to_string();
        assert!(e.contains("distinct fields"), "{e}");
    }

    #[test]
    fn json_is_told_by_name_or_first_byte() {
        assert!(is_json_name("a.JSON"));
        assert!(is_json_name("dir/a.jsonl.gz"));
        assert!(is_json_name("a.ndjson"));
        assert!(!is_json_name("a.csv"));
        assert!(looks_like_json(b"\xEF\xBB\xBF  [{}]"));
        assert!(!looks_like_json(b"id,reason\n"));
    }
}
