//! Words and numbers for people: a count with a noun that agrees with it ("1 row", "2 rows"),
//! and decimals that never print a negative zero ("-0.0" from rounding -0.04 is "0.0").

/// `n` with `one` or `many`: `plural(1, "row", "rows")` is "1 row".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", noun(n, one, many))
}

/// `one` or `many`, agreeing with `n`, for sentences that put the count elsewhere.
pub fn noun<'a>(n: usize, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A size for people: "2 GiB", "64 KiB", "512 bytes".
pub fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 30 => format!("{:.1} GiB", b as f64 / (1u64 << 30) as f64),
        b if b >= 1 << 20 => format!("{:.0} MiB", b as f64 / (1u64 << 20) as f64),
        b if b >= 1 << 10 => format!("{:.0} KiB", b as f64 / 1024.0),
        b => format!("{b} bytes"),
    }
}

/// `x` with `decimals` decimals; a value that rounds to zero prints as `0.0`, never `-0.0`.
pub fn fixed(x: f64, decimals: usize) -> String {
    let s = format!("{x:.decimals$}");
    unsigned_zero(s)
}

/// `x` with a sign and `decimals` decimals (`+2.4`, `-1.6`); a value that rounds to zero prints
/// as `0.0`, with no sign: it is neither above nor below.
pub fn signed(x: f64, decimals: usize) -> String {
    let s = format!("{x:+.decimals$}");
    let digits = &s[1..];
    if is_zero(digits) {
        digits.to_string()
    } else {
        s
    }
}

fn is_zero(digits: &str) -> bool {
    digits.bytes().all(|b| b == b'0' || b == b'.')
}

fn unsigned_zero(s: String) -> String {
    match s.strip_prefix('-') {
        Some(rest) if is_zero(rest) => rest.to_string(),
        _ => s,
    }
}

/// `x` with `-0.0` turned into `0.0`, for numbers written to JSON or CSV.
pub fn no_negative_zero(x: f64) -> f64 {
    if x == 0.0 {
        0.0
    } else {
        x
    }
}

#[cfg(test)]
/// `n` distinct made-up words ("bakodef"), the same on every run.
pub(crate) fn made_up_words(n: usize) -> Vec<String> {
    const SYLLABLES: [&str; 16] = [
        "ba", "ko", "de", "fu", "gi", "ha", "jo", "ku", "le", "mi", "no", "pu", "ra", "si", "to",
        "vu",
    ];
    (0..n)
        .map(|i| {
            // Five syllables, base 16: distinct for n up to 16^5.
            (0..5)
                .map(|d| SYLLABLES[(i >> (4 * d)) & 15])
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_agree_with_their_count() {
        assert_eq!(plural(0, "row", "rows"), "0 rows");
        assert_eq!(plural(1, "row", "rows"), "1 row");
        assert_eq!(plural(2, "value is", "values are"), "2 values are");
        assert_eq!(noun(1, "line", "lines"), "line");
    }

    #[test]
    fn negative_zero_is_never_printed() {
        assert_eq!(fixed(-0.04, 1), "0.0");
        assert_eq!(fixed(-0.0, 0), "0");
        assert_eq!(fixed(-0.06, 1), "-0.1");
        assert_eq!(fixed(2.25, 1), "2.2");
        assert_eq!(signed(-0.04, 1), "0.0");
        assert_eq!(signed(0.0, 1), "0.0");
        assert_eq!(signed(-0.0, 1), "0.0");
        assert_eq!(signed(0.06, 1), "+0.1");
        assert_eq!(signed(-1.6, 1), "-1.6");
        assert_eq!(no_negative_zero(-0.0).to_string(), "0");
    }
}
