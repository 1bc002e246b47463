//! The CSV dialect of a text: which of `,` `;` tab `|` separates the fields. Quotes are `"`
//! (doubled inside a quoted field); CRLF and LF line ends are both read. Pure.

/// Delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// How many records are looked at.
const SAMPLE_RECORDS: usize = 100;
/// How much text is looked at.
const SAMPLE_BYTES: usize = 256 * 1024;

/// A delimiter's name for messages and the JSON: "comma", "semicolon", "tab", "pipe", or the
/// character itself.
pub fn delimiter_name(d: u8) -> String {
    match d {
        b',' => "comma".into(),
        b';' => "semicolon".into(),
        b'\t' => "tab".into(),
        b'|' => "pipe".into(),
        other => (other as char).to_string(),
    }
}

/// Parse `--delimiter`: one ASCII character, `\t`, or a name (comma, semicolon, tab, pipe).
pub fn parse_delimiter(s: &str) -> Result<u8, String> {
    match s {
        "comma" => Ok(b','),
        "semicolon" => Ok(b';'),
        "tab" | "\\t" => Ok(b'\t'),
        "pipe" => Ok(b'|'),
        _ if s.len() == 1 && s.is_ascii() && s != "\"" && s != "\n" && s != "\r" => {
            Ok(s.as_bytes()[0])
        }
        _ => Err(format!(
            "`{}` is not a delimiter; give one character (`,` `;` `|`) or comma, semicolon, \
             tab, pipe",
            churn_core::escape::shown(s)
        )),
    }
}

/// Field counts of the first records of `text` split by `delimiter`.
fn counts(text: &str, delimiter: u8) -> Vec<usize> {
    let truncated = text.len() > SAMPLE_BYTES;
    let end = text.len().min(SAMPLE_BYTES);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(&text.as_bytes()[..end]);
    let mut out = Vec::new();
    let mut record = csv::ByteRecord::new();
    while out.len() < SAMPLE_RECORDS {
        match reader.read_byte_record(&mut record) {
            Ok(true) => out.push(record.len()),
            _ => break,
        }
    }
    if truncated && out.len() > 1 && out.len() < SAMPLE_RECORDS {
        // The last record may have been cut by the sample's end.
        out.pop();
    }
    out
}

/// The delimiter whose field counts agree best across the first records (the header
/// included), preferring more fields among near-equals; `,` when nothing splits the lines.
pub fn sniff(text: &str) -> u8 {
    let mut best: Option<(f64, usize, u8)> = None;
    let mut scored = Vec::new();
    for d in DELIMITERS {
        let counts = counts(text, d);
        if counts.is_empty() {
            continue;
        }
        let mut freq = std::collections::BTreeMap::new();
        for &c in &counts {
            *freq.entry(c).or_insert(0usize) += 1;
        }
        // The most common count; on a tie the larger.
        let (&mode, &n) = freq
            .iter()
            .max_by(|a, b| a.1.cmp(b.1).then(a.0.cmp(b.0)))
            .expect("counts is not empty");
        if mode < 2 {
            continue;
        }
        let agreement = n as f64 / counts.len() as f64;
        scored.push((agreement, mode, d));
    }
    let top = scored.iter().map(|s| s.0).fold(0.0, f64::max);
    for &(agreement, mode, d) in &scored {
        if agreement + 1e-9 < top * 0.9 {
            continue;
        }
        match best {
            Some((_, m, _)) if m >= mode => {}
            _ => best = Some((agreement, mode, d)),
        }
    }
    best.map_or(b',', |(_, _, d)| d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_each_delimiter() {
        for d in DELIMITERS {
            let s = String::from_utf8(vec![d]).unwrap();
            let text = format!(
                "id{s}reason{s}plan\n1{s}\"too expensive, really\"{s}pro\n2{s}moved{s}basic\n"
            );
            assert_eq!(sniff(&text), d, "{}", delimiter_name(d));
        }
    }

    #[test]
    fn commas_inside_semicolon_fields_do_not_win() {
        let text = "id;reason\n1;price, and support\n2;too slow, buggy, crashes\n3;moved\n";
        assert_eq!(sniff(text), b';');
    }

    #[test]
    fn more_fields_win_among_consistent_splits() {
        // Every row also ends in ";;" but commas split it into more, consistent fields.
        let text = "a,b,c,d\n1,2,3,4;;\n5,6,7,8;;\n9,10,11,12;;\n";
        assert_eq!(sniff(text), b',');
        // A damaged header: the rows agree with each other.
        let text = "a,b,\"c,d\n1,2,3\n4,5,6\n7,8,9\n";
        assert_eq!(sniff(text), b',');
    }

    #[test]
    fn one_column_defaults_to_comma() {
        assert_eq!(sniff("reason\nprice\nmoved\n"), b',');
        assert_eq!(sniff(""), b',');
    }

    #[test]
    fn delimiter_flag() {
        assert_eq!(parse_delimiter("tab"), Ok(b'\t'));
        assert_eq!(parse_delimiter("\\t"), Ok(b'\t'));
        assert_eq!(parse_delimiter(";"), Ok(b';'));
        assert!(parse_delimiter("ab").is_err());
        assert!(parse_delimiter("\"").is_err());
    }
}
