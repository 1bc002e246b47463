//! Bytes to text: find the encoding (a byte-order mark, valid UTF-8, UTF-16 without a mark, or
//! else Windows-1252) or take the user's `--encoding`, and decode. Pure.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8, WINDOWS_1252};

/// Decoded text and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    pub text: String,
    /// The encoding's name as encoding_rs spells it ("UTF-8", "UTF-16LE", "windows-1252").
    pub encoding: &'static str,
    /// Whether a byte-order mark was found (and dropped).
    pub bom: bool,
    /// Said on stderr when the encoding was guessed rather than certain.
    pub note: Option<String>,
}

/// How the encoding of a text was chosen: the help for bytes that do not fit it differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Chosen {
    /// Named with `--encoding`.
    Named,
    /// A byte-order mark at the start of the file.
    Mark,
    /// Guessed from NUL bytes beside the text (UTF-16 without a mark).
    Guessed,
}

/// Why bytes could not be decoded. `Display` is the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DecodeError {
    /// The bytes do not fit the encoding chosen for them.
    Malformed {
        encoding: &'static str,
        line: usize,
        column: usize,
        chosen: Chosen,
    },
    /// Binary data: a NUL character where text was expected.
    Binary { line: usize, column: usize },
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::Malformed {
                encoding,
                line,
                column,
                chosen,
            } => {
                write!(f, "line {line}, character {column}: not valid {encoding}")?;
                let names = "(utf-8, utf-16le, utf-16be, windows-1252, latin1, ...)";
                match chosen {
                    Chosen::Named => write!(
                        f,
                        "\n  help: leave out --encoding to let churn detect it, or name the right \
                         one {names}"
                    ),
                    Chosen::Mark => write!(
                        f,
                        ", though the file starts with the byte-order mark of {encoding}\n  help: \
                         the file is damaged or mixes encodings; export it again, or name its \
                         encoding with --encoding NAME {names}"
                    ),
                    Chosen::Guessed => write!(
                        f,
                        " (read as {encoding} for the NUL bytes beside its text, with no \
                         byte-order mark)\n  help: name its encoding with --encoding NAME {names}"
                    ),
                }
            }
            DecodeError::Binary { line, column } => write!(
                f,
                "line {line}, character {column}: binary data (a NUL byte); this is not a text \
                 CSV file\n  help: give a CSV export (optionally .gz or .zst), an .xlsx workbook \
                 or a .parquet file"
            ),
        }
    }
}

impl std::error::Error for DecodeError {}

/// An encoding by one of its WHATWG labels ("utf-8", "utf-16le", "windows-1252", "latin1",
/// "iso-8859-15", "shift_jis", ...).
pub fn encoding_for(label: &str) -> Result<&'static Encoding, String> {
    let label = label.trim();
    let found = match label.to_ascii_lowercase().replace('_', "-").as_str() {
        "utf16" | "utf-16" => Some(UTF_16LE),
        "cp1252" | "windows1252" => Some(WINDOWS_1252),
        "utf8" => Some(UTF_8),
        _ => Encoding::for_label(label.as_bytes()),
    };
    found.ok_or_else(|| {
        format!(
            "unknown encoding `{}`; use a name such as utf-8, utf-16le, utf-16be, \
             windows-1252, latin1 or iso-8859-15",
            churn_core::escape::shown(label)
        )
    })
}

/// 1-based line and character of byte `at` in `bytes` (characters counted as bytes when the
/// line is not UTF-8).
fn position(bytes: &[u8], at: usize) -> (usize, usize) {
    let before = &bytes[..at.min(bytes.len())];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |p| p + 1);
    let column = std::str::from_utf8(&before[start..]).map_or(at - start, |s| s.chars().count());
    (line, column + 1)
}

/// UTF-16 without a byte-order mark: NUL bytes on one side of most ASCII characters.
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    let sample = &bytes[..bytes.len().min(4096) & !1];
    if sample.len() < 4 {
        return None;
    }
    let pairs = sample.len() / 2;
    let even = sample.iter().step_by(2).filter(|&&b| b == 0).count();
    let odd = sample
        .iter()
        .skip(1)
        .step_by(2)
        .filter(|&&b| b == 0)
        .count();
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn check_binary(text: &str) -> Result<(), DecodeError> {
    match text.find('\0') {
        None => Ok(()),
        Some(at) => {
            let (line, column) = position(text.as_bytes(), at);
            Err(DecodeError::Binary { line, column })
        }
    }
}

/// Decode `bytes`, detecting the encoding unless `forced`.
pub fn decode(
    mut bytes: Vec<u8>,
    forced: Option<&'static Encoding>,
) -> Result<Decoded, DecodeError> {
    let bom = Encoding::for_bom(&bytes);
    let utf8_bom = matches!(bom, Some((e, _)) if e == UTF_8);
    // The common case first: UTF-8 (with or without its mark) becomes the text in place, with
    // one validation pass and no copy.
    let try_utf8 = match forced {
        Some(e) => e == UTF_8,
        None => utf8_bom || (bom.is_none() && utf16_without_bom(&bytes).is_none()),
    };
    if try_utf8 {
        let bom_len = if utf8_bom { 3 } else { 0 };
        bytes.drain(..bom_len);
        match String::from_utf8(bytes) {
            Ok(text) => {
                check_binary(&text)?;
                return Ok(Decoded {
                    text,
                    encoding: UTF_8.name(),
                    bom: bom_len > 0,
                    note: None,
                });
            }
            Err(e) if forced.is_some() || bom_len > 0 => {
                let at = e.utf8_error().valid_up_to();
                let (line, column) = position(e.as_bytes(), at);
                return Err(DecodeError::Malformed {
                    encoding: UTF_8.name(),
                    line,
                    column,
                    chosen: if forced.is_some() {
                        Chosen::Named
                    } else {
                        Chosen::Mark
                    },
                });
            }
            Err(e) => {
                // Not UTF-8 and nothing said otherwise: Windows-1252, with a note.
                let at = e.utf8_error().valid_up_to();
                bytes = e.into_bytes();
                let (line, column) = position(&bytes, at);
                let note = format!(
                    "not UTF-8 (line {line}, character {column} is byte 0x{:02X}); read as \
                     Windows-1252 (Latin-1). If accented letters look wrong, say --encoding NAME",
                    bytes[at]
                );
                return decode_with(&bytes, WINDOWS_1252, 0, Some(note), Chosen::Guessed);
            }
        }
    }
    let (encoding, bom_len, note, chosen) = match (forced, bom) {
        (Some(e), Some((b, len))) if b == e => (e, len, None, Chosen::Named),
        (Some(e), _) => (e, 0, None, Chosen::Named),
        (None, Some((e, len))) => (e, len, None, Chosen::Mark),
        (None, None) => {
            let e = utf16_without_bom(&bytes).unwrap_or(WINDOWS_1252);
            let note = format!(
                "read as {} (no byte-order mark; NUL bytes beside the text); say --encoding to \
                 choose another",
                e.name()
            );
            (e, 0, Some(note), Chosen::Guessed)
        }
    };
    decode_with(&bytes, encoding, bom_len, note, chosen)
}

/// Decode with a known encoding, after a byte-order mark of `bom_len` bytes; `chosen` says how
/// the encoding was chosen, for the help of an error.
fn decode_with(
    bytes: &[u8],
    encoding: &'static Encoding,
    bom_len: usize,
    note: Option<String>,
    chosen: Chosen,
) -> Result<Decoded, DecodeError> {
    let body = &bytes[bom_len..];
    let (text, had_errors) = encoding.decode_without_bom_handling(body);
    if had_errors {
        // Find the first malformed sequence to say where it is.
        let mut decoder = encoding.new_decoder_without_bom_handling();
        let capacity = decoder
            .max_utf8_buffer_length_without_replacement(body.len())
            .unwrap_or(usize::MAX / 2);
        let mut out = String::with_capacity(capacity);
        let (result, read) = decoder.decode_to_string_without_replacement(body, &mut out, true);
        let at = match result {
            encoding_rs::DecoderResult::Malformed(bad, after) => {
                read.saturating_sub(bad as usize + after as usize)
            }
            _ => read,
        };
        let (line, column) = position(body, at);
        return Err(DecodeError::Malformed {
            encoding: encoding.name(),
            line,
            column,
            chosen,
        });
    }
    let text = text.into_owned();
    check_binary(&text)?;
    Ok(Decoded {
        text,
        encoding: encoding.name(),
        bom: bom_len > 0,
        note,
    })
}

/// Encode `text` (for tests of the round trip): UTF-16 with a byte-order mark, or another
/// encoding as encoding_rs writes it.
pub fn encode(text: &str, encoding: &'static Encoding) -> Vec<u8> {
    if encoding == UTF_16LE || encoding == UTF_16BE {
        let le = encoding == UTF_16LE;
        let mut out = if le {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            let b = if le {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            };
            out.extend_from_slice(&b);
        }
        out
    } else {
        encoding.encode(text).0.into_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_boms_utf8_and_windows_1252() {
        let d = decode(b"\xEF\xBB\xBFreason\nprice\n".to_vec(), None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding, d.bom),
            ("reason\nprice\n", "UTF-8", true)
        );
        let d = decode(encode("reason\nprix élevé\n", UTF_16LE), None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("reason\nprix élevé\n", "UTF-16LE")
        );
        let d = decode(encode("reason\nprix élevé\n", UTF_16BE), None).unwrap();
        assert_eq!(d.encoding, "UTF-16BE");
        let d = decode(b"reason\nprix \xE9lev\xE9 \x96 trop\n".to_vec(), None).unwrap();
        assert_eq!(d.text, "reason\nprix élevé – trop\n");
        assert_eq!(d.encoding, "windows-1252");
        assert!(d.note.unwrap().contains("line 2, character 6"));
    }

    #[test]
    fn utf16_without_a_mark() {
        let bytes: Vec<u8> = "reason\nprice\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let d = decode(bytes, None).unwrap();
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("reason\nprice\n", "UTF-16LE")
        );
        assert!(d.note.is_some());
    }

    #[test]
    fn forced_encoding_errors_say_where() {
        let err = decode(b"reason\nok\nbad \xFF here\n".to_vec(), Some(UTF_8)).unwrap_err();
        assert_eq!(
            err,
            DecodeError::Malformed {
                encoding: "UTF-8",
                line: 3,
                column: 5,
                chosen: Chosen::Named
            }
        );
        assert!(err.to_string().contains("leave out --encoding"), "{err}");
        let d = decode(
            b"reason\n\xE9t\xE9\n".to_vec(),
            Some(encoding_for("latin1").unwrap()),
        )
        .unwrap();
        assert_eq!(d.text, "reason\n\u{e9}t\u{e9}\n");
        assert!(encoding_for("klingon").is_err());
        assert_eq!(encoding_for("cp1252").unwrap(), WINDOWS_1252);
    }

    #[test]
    fn errors_without_encoding_do_not_say_to_leave_it_out() {
        // A UTF-8 byte-order mark, then a byte that is not UTF-8: no --encoding was given.
        let err = decode(b"\xEF\xBB\xBFreason\nbad \xFF\n".to_vec(), None).unwrap_err();
        assert!(
            matches!(
                err,
                DecodeError::Malformed {
                    chosen: Chosen::Mark,
                    line: 2,
                    ..
                }
            ),
            "{err:?}"
        );
        let text = err.to_string();
        assert!(!text.contains("leave out"), "{text}");
        assert!(
            text.contains("starts with the byte-order mark of UTF-8"),
            "{text}"
        );
        // A UTF-16 mark and an odd byte at the end.
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(encode("reason\nok\n", UTF_16LE));
        bytes.extend([0x00, 0xD8, b'x', 0x00]);
        let err = decode(bytes, None).unwrap_err();
        let text = err.to_string();
        assert!(!text.contains("leave out"), "{text}");
        assert!(text.contains("byte-order mark of UTF-16LE"), "{text}");
    }

    #[test]
    fn nul_bytes_are_binary() {
        let err = decode(b"reason\nab\0cd\n".to_vec(), None).unwrap_err();
        assert_eq!(err, DecodeError::Binary { line: 2, column: 3 });
    }
}
