//! CSV that is safe to open in a spreadsheet. A cell starting with `=`, `+`, `-`, `@`, tab or
//! carriage return can be run as a formula by Excel, LibreOffice or Google Sheets (CSV
//! injection); OWASP's advice is to prefix such a cell with a single quote, which the
//! spreadsheet shows as text. Every CSV that `churn` writes goes through [`guard`].
//!
//! Spreadsheets differ in what they skip before looking for a formula, and some read the
//! full-width forms `＝＋－＠` (typed with an East Asian input method) as the ASCII ones. So the
//! guard looks at the first character after any white space (spaces, no-break spaces, the
//! ideographic space) and takes the full-width forms for the ASCII ones.
//!
//! Two exceptions, so that exports keep their data: a cell that is a plain number such as
//! `-12.50` or `+3` (spaces around it allowed), and a lone `-` (a common "no answer"), cannot
//! run anything and are left alone.

use std::borrow::Cow;
use std::io::Write;

/// `cell`, neutralized when a spreadsheet could take it for a formula.
pub fn guard(cell: &str) -> Cow<'_, str> {
    let starts_control = cell.starts_with(['\t', '\r']);
    let body = cell.trim_start();
    let risky = starts_control
        || body.chars().next().is_some_and(|c| {
            matches!(
                c,
                '=' | '+' | '-' | '@' | '\u{FF1D}' | '\u{FF0B}' | '\u{FF0D}' | '\u{FF20}'
            )
        });
    let harmless = || {
        let body = body.trim_end();
        !starts_control && (body == "-" || plain_number(body))
    };
    if risky && !harmless() {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// `-12.5`, `+3`, `-1e-5`: a sign, digits, at most one point, an optional exponent.
fn plain_number(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (mantissa, exponent) = match body.split_once(['e', 'E']) {
        Some((m, e)) => (m, Some(e)),
        None => (body, None),
    };
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    let mantissa_ok = match mantissa.split_once('.') {
        Some((a, b)) => {
            (digits(a) || a.is_empty())
                && (digits(b) || b.is_empty())
                && !(a.is_empty() && b.is_empty())
        }
        None => digits(mantissa),
    };
    let exponent_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['+', '-']).unwrap_or(e)));
    mantissa_ok && exponent_ok
}

/// A CSV writer (RFC 4180: comma, `"` quoting when needed, `\n` line ends).
pub fn writer<W: Write>(out: W) -> csv::Writer<W> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(out)
}

/// Write one record, every cell guarded.
pub fn write_row<W: Write, S: AsRef<str>>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = S>,
) -> csv::Result<()> {
    for cell in cells {
        w.write_field(guard(cell.as_ref()).as_bytes())?;
    }
    // Ends the record (a record of no fields is written as `""`, as `write_record` does).
    w.write_record(None::<&[u8]>)
}

#[cfg(test)]
mod tests {
    use super::guard;

    #[test]
    fn formulas_are_neutralized() {
        for cell in [
            "=1+1",
            "+1+1",
            "-2+3+cmd|' /C calc'!A0",
            "@SUM(A1:A2)",
            "\tx",
            "\rx",
            "=HYPERLINK(\"http://x\",\"y\")",
            "--",
            "+-1",
            "-inf",
            "-1e",
            "-.",
            " =1+1",
            "\u{a0}=1+1",
            "\u{3000}@SUM(A1)",
            "＝1+1",
            "＋cmd",
            "－1＋1",
            "＠SUM(A1)",
            " \u{a0}＝HYPERLINK(\"x\")",
            "\t-1",
        ] {
            assert_eq!(guard(cell), format!("'{cell}"), "{cell:?}");
        }
    }

    #[test]
    fn plain_text_and_numbers_are_kept() {
        for cell in [
            "",
            "-",
            "too expensive",
            "1=1",
            "-12.50",
            "+3",
            "-1e-5",
            "-.5",
            "5.",
            "a@b.c",
            " -12 ",
            " - ",
            "price ＝ too high",
        ] {
            assert_eq!(guard(cell), cell, "{cell:?}");
        }
    }
}
