//! Text from the data (file names, column names, codes, answers, labels) shown where lines are
//! read: a terminal, a CI log, a message on stderr, a line-based format. A value from an export
//! must stay one visible piece of one line: a line break in a column name would start a line of
//! its own (`::error ...`, a GitHub Actions workflow command), an escape sequence would retitle
//! the terminal, clear it or plant a link. So every control character, line break and
//! bidirectional-override character in such a value is written as a visible escape (`\n`,
//! `\u{1b}`), and [`message`] applies the same to whole messages, line breaks aside, as a net
//! for anything a message built from data missed. JSON, CSV and XML have escapes of their own
//! and keep the data as it is.

use std::borrow::Cow;
use std::fmt::{self, Write as _};

/// Whether `c` may not be shown as it is: a control character (C0, DEL, C1), a line or
/// paragraph separator, or a character that reorders text (bidirectional embeddings,
/// overrides and isolates, the "Trojan Source" characters).
pub fn is_unsafe(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => {
            let _ = write!(out, "\\u{{{:x}}}", c as u32);
        }
    }
}

fn escaped(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_unsafe(c) && !keep(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` as one line with nothing hidden: every unsafe character (see [`is_unsafe`]) escaped.
pub fn line(s: &str) -> Cow<'_, str> {
    escaped(s, |_| false)
}

/// A whole message of ours (which may hold data): unsafe characters escaped except the line
/// breaks and tabs the message is laid out with. Values from the data should have passed
/// through [`line`] already; this is the net under them.
pub fn message(s: &str) -> Cow<'_, str> {
    escaped(s, |c| c == '\n' || c == '\t')
}

/// Text rendered for people (a table, Markdown, annotations): unsafe characters escaped except
/// its line breaks and tabs and the color and bold sequences (`ESC [ ... m`) of a colored table,
/// which can only color text. Every other escape sequence (titles, links, clearing the screen,
/// moving the cursor) is shown, not run. The net under a whole output, as [`message`] is under a
/// message.
pub fn people_text(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe(c) && c != '\n' && c != '\t') {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '\u{1b}' {
            if let Some(len) = sgr_len(rest) {
                out.push_str(&rest[..len]);
                rest = &rest[len..];
                continue;
            }
        }
        if is_unsafe(c) && c != '\n' && c != '\t' {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    Cow::Owned(out)
}

/// The length of a Select Graphic Rendition sequence (`ESC [ 1;31 m`) at the start of `s`.
fn sgr_len(s: &str) -> Option<usize> {
    let body = s.strip_prefix("\u{1b}[")?;
    let params = body
        .bytes()
        .take_while(|b| b.is_ascii_digit() || *b == b';')
        .count();
    (body.as_bytes().get(params) == Some(&b'm')).then_some(2 + params + 1)
}

/// A value shown with [`line`] in `format!`: `format!("column `{}`", shown(name))`.
pub struct Shown<'a>(&'a str);

/// Wrap a value from the data for `format!`.
pub fn shown(s: &str) -> Shown<'_> {
    Shown(s)
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&line(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_line_breaks_and_overrides_are_escaped() {
        assert_eq!(line("plain, ümlaut 日本"), "plain, ümlaut 日本");
        assert!(matches!(line("plain"), Cow::Borrowed(_)));
        assert_eq!(line("a\nb\r\tc"), "a\\nb\\r\\tc");
        assert_eq!(line("\u{1b}]0;title\u{7}"), "\\u{1b}]0;title\\u{7}");
        assert_eq!(line("x\u{85}y\u{2028}z"), "x\\u{85}y\\u{2028}z");
        assert_eq!(line("\u{202E}gpj.exe"), "\\u{202e}gpj.exe");
        assert_eq!(line("nul\0"), "nul\\u{0}");
        assert_eq!(format!("[{:<6}]", shown("a\nb")), "[a\\nb  ]");
    }

    #[test]
    fn text_for_people_keeps_layout_and_color_only() {
        let colored = "\u{1b}[1mbold\u{1b}[0m\n\t\u{1b}[38;5;11myellow\u{1b}[39m";
        assert_eq!(people_text(colored), colored);
        assert_eq!(
            people_text("a\u{1b}]0;t\u{7}b\u{1b}[2Jc\u{1b}[m\r"),
            "a\\u{1b}]0;t\\u{7}b\\u{1b}[2Jc\u{1b}[m\\r"
        );
    }

    #[test]
    fn messages_keep_their_layout() {
        assert_eq!(message("a\n  help: b\tc"), "a\n  help: b\tc");
        assert_eq!(message("a\u{1b}[2J\rb"), "a\\u{1b}[2J\\rb");
    }
}
