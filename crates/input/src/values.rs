//! Reading typed values out of string cells: weights (revenue) and dates. Strict: a value that
//! is not clearly a number or a date is reported with its line, never guessed.

use anyhow::{bail, Result};
use chrono::{DateTime, Datelike, NaiveDate};

use churn_core::text::{noun, plural};

/// How many bad values an error lists before it only counts the rest.
const SHOWN: usize = 5;

fn listing(bad: &[(String, String)]) -> String {
    let mut parts: Vec<String> = bad
        .iter()
        .take(SHOWN)
        .map(|(place, v)| format!("{place}: `{}`", churn_core::escape::shown(v)))
        .collect();
    if bad.len() > SHOWN {
        parts.push(format!("and {} more", bad.len() - SHOWN));
    }
    parts.join(", ")
}

/// Parse one weight: digits with an optional decimal point, optional thousands commas in groups
/// of three ("1,234.50"), an optional currency sign or three-letter code around it ("$49",
/// "49.00 USD"). `None` for anything else, including "49,90" (a decimal comma is ambiguous).
pub fn parse_weight(cell: &str) -> Option<f64> {
    let mut s = cell.trim();
    for sign in ["$", "€", "£", "¥"] {
        s = s
            .strip_prefix(sign)
            .or_else(|| s.strip_suffix(sign))
            .unwrap_or(s)
            .trim();
    }
    if s.len() > 4
        && s.as_bytes()[s.len() - 4] == b' '
        && s[s.len() - 3..].bytes().all(|b| b.is_ascii_uppercase())
    {
        s = s[..s.len() - 4].trim();
    }
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    if let Some(f) = frac {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let groups: Vec<&str> = int.split(',').collect();
    let digits_ok = |g: &str| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit());
    let ok = if groups.len() == 1 {
        digits_ok(groups[0])
    } else {
        digits_ok(groups[0])
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3 && digits_ok(g))
    };
    if !ok {
        return None;
    }
    let plain: String = int.chars().filter(|&c| c != ',').collect();
    let text = match frac {
        Some(f) => format!("{plain}.{f}"),
        None => plain,
    };
    text.parse::<f64>().ok().filter(|w| w.is_finite())
}

/// The weights of the rows in `rows` (indexes into `cells`): each must be a number of 0 or more.
/// The error names the file, the column and the lines.
pub fn weights(
    path: &str,
    column: &str,
    cells: &[Option<&str>],
    place: &dyn Fn(usize) -> String,
    rows: &[usize],
) -> Result<Vec<f64>> {
    let mut bad = Vec::new();
    let mut out = Vec::with_capacity(rows.len());
    for &i in rows {
        let cell = cells[i];
        match cell.and_then(parse_weight) {
            Some(w) => out.push(w),
            None => {
                let shown = match cell {
                    None => "(blank)".to_string(),
                    Some(c) if c.trim_start().starts_with('-') => format!("{c} (negative)"),
                    Some(c) => c.to_string(),
                };
                bad.push((place(i), shown));
            }
        }
    }
    if !bad.is_empty() {
        bail!(
            "`{}`, column `{}`: {} of the {} {} a weight that is not a number of 0 or more ({}); \
             fix or remove {} (weights may look like 49, 1,234.50, $49 or 49.00 USD; a decimal comma is not read)",
            churn_core::escape::shown(path),
            churn_core::escape::shown(column),
            bad.len(),
            plural(rows.len(), "tagged row", "tagged rows"),
            noun(bad.len(), "has", "have"),
            listing(&bad),
            noun(bad.len(), "that row", "those rows")
        );
    }
    check_sum(path, column, cells, place, rows, &out)?;
    Ok(out)
}

/// The longest a value is shown in an error before it is cut (a weight of 400 digits).
const SHOWN_CHARS: usize = 24;

fn clipped(cell: &str) -> String {
    let cell = cell.trim();
    match cell.char_indices().nth(SHOWN_CHARS) {
        Some((end, _)) => format!("{}… ({} characters)", &cell[..end], cell.chars().count()),
        None => cell.to_string(),
    }
}

/// The weights must add up to a finite number: the shares, the total and the bootstrap all
/// divide by their sum. Past `f64::MAX` (about 1.8e308) it would be infinite and every share
/// NaN, so that is an error naming the rows whose weights make it so (each at least
/// `f64::MAX / n`: without one of them the sum could not overflow).
fn check_sum(
    path: &str,
    column: &str,
    cells: &[Option<&str>],
    place: &dyn Fn(usize) -> String,
    rows: &[usize],
    weights: &[f64],
) -> Result<()> {
    if weights.iter().sum::<f64>().is_finite() {
        return Ok(());
    }
    let floor = f64::MAX / weights.len() as f64;
    let huge: Vec<(String, String)> = rows
        .iter()
        .zip(weights)
        .filter(|(_, &w)| w >= floor)
        .map(|(&i, _)| (place(i), clipped(cells[i].unwrap_or_default())))
        .collect();
    bail!(
        "`{}`, column `{}`: the weights of the {} tagged rows are too large to add up \
         (their sum passes 1.8e308, the largest number that can be computed with); {} ({}); \
         check that the column holds amounts, or fix those rows",
        churn_core::escape::shown(path),
        churn_core::escape::shown(column),
        rows.len(),
        plural(
            huge.len(),
            "row holds a huge weight",
            "rows hold huge weights"
        ),
        listing(&huge)
    )
}

/// How dates are written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateFormat {
    /// Work it out from the values: ISO, Unix time, or day-first/month-first by a day above 12.
    Auto,
    /// 2024-01-31 (a time after it is ignored).
    Iso,
    /// 31/01/2024, 31.01.2024, 31-01-2024.
    DayFirst,
    /// 01/31/2024.
    MonthFirst,
    /// A chrono strftime pattern for the date part (`%d %b %Y`).
    Pattern(String),
}

impl DateFormat {
    /// From `--date-format`: `auto`, `iso`, `dmy`, `mdy` or a strftime pattern.
    pub fn parse(s: &str) -> DateFormat {
        match s {
            "auto" => DateFormat::Auto,
            "iso" | "ymd" => DateFormat::Iso,
            "dmy" | "day-first" => DateFormat::DayFirst,
            "mdy" | "month-first" => DateFormat::MonthFirst,
            other => DateFormat::Pattern(other.to_string()),
        }
    }
}

fn iso(s: &str) -> Option<NaiveDate> {
    let head = s.get(..10)?;
    let rest = &s[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    NaiveDate::parse_from_str(head, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(head, "%Y/%m/%d"))
        .ok()
}

/// Unix time in seconds (9-10 digits) or milliseconds (12-13 digits), as Stripe exports it.
fn unix(s: &str) -> Option<NaiveDate> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    let secs = match s.len() {
        9 | 10 => n,
        12 | 13 => n / 1000,
        _ => return None,
    };
    DateTime::from_timestamp(secs, 0).map(|d| d.date_naive())
}

/// The three numbers of `31/01/2024`-like dates (separators `/`, `.`, `-`), time ignored.
fn triple(s: &str) -> Option<(u32, u32, i32)> {
    let date = s.split([' ', 'T']).next()?;
    let parts: Vec<&str> = date.split(['/', '.', '-']).collect();
    if parts.len() != 3
        || ![2, 4].contains(&parts[2].len())
        || parts[0].len() > 2
        || parts[1].len() > 2
    {
        return None;
    }
    let year: i32 = parts[2].parse().ok()?;
    // A two-digit year as Excel reads it (Microsoft Forms writes `3/1/26`): 00-29 is 2000-2029,
    // 30-99 is 1930-1999.
    let year = match (parts[2].len(), year) {
        (2, y) if y < 30 => 2000 + y,
        (2, y) => 1900 + y,
        (_, y) => y,
    };
    Some((parts[0].parse().ok()?, parts[1].parse().ok()?, year))
}

/// Month names written out: "Jan 31, 2024", "31 Jan 2024", "January 31, 2024".
fn named_month(s: &str) -> Option<NaiveDate> {
    for f in ["%b %d, %Y", "%B %d, %Y", "%d %b %Y", "%d %B %Y"] {
        if let Ok(d) = NaiveDate::parse_from_str(s, f) {
            return Some(d);
        }
    }
    None
}

fn with(format: &DateFormat, s: &str) -> Option<NaiveDate> {
    match format {
        DateFormat::Iso => iso(s),
        DateFormat::DayFirst => triple(s).and_then(|(d, m, y)| NaiveDate::from_ymd_opt(y, m, d)),
        DateFormat::MonthFirst => triple(s).and_then(|(m, d, y)| NaiveDate::from_ymd_opt(y, m, d)),
        DateFormat::Pattern(p) => NaiveDate::parse_from_str(s, p).ok(),
        DateFormat::Auto => iso(s).or_else(|| unix(s)).or_else(|| named_month(s)),
    }
}

/// Words exports use for "no value" in a date column; such rows go to the `(no date)` group.
fn is_missing(cell: &str) -> bool {
    matches!(
        cell.trim().to_lowercase().as_str(),
        "n/a" | "na" | "-" | "none" | "null" | "unknown" | "not stated" | "not known"
    )
}

/// Decide day-first or month-first from the values: a first number above 12 means day-first, a
/// second above 12 month-first.
fn resolve(cells: &[Option<&str>]) -> Result<DateFormat, String> {
    let (mut day_first, mut month_first, mut any) = (None, None, false);
    for (i, cell) in cells.iter().enumerate() {
        let Some(c) = cell.filter(|c| !is_missing(c)) else {
            continue;
        };
        if with(&DateFormat::Auto, c.trim()).is_some() {
            continue;
        }
        if let Some((a, b, _)) = triple(c.trim()) {
            any = true;
            if a > 12 && day_first.is_none() {
                day_first = Some(i);
            }
            if b > 12 && month_first.is_none() {
                month_first = Some(i);
            }
        }
    }
    match (day_first, month_first, any) {
        (Some(_), Some(_), _) => Err("the dates mix day-first and month-first forms".into()),
        (Some(_), None, _) => Ok(DateFormat::DayFirst),
        (None, Some(_), _) => Ok(DateFormat::MonthFirst),
        (None, None, true) => {
            Err("every date like 01/02/2024 could be day-first or month-first".into())
        }
        (None, None, false) => Ok(DateFormat::Auto),
    }
}

/// The dates of every row (`None` for a blank cell), and the format used (`iso`, `dmy`, ...).
pub fn dates(
    path: &str,
    column: &str,
    cells: &[Option<&str>],
    place: &dyn Fn(usize) -> String,
    format: &DateFormat,
) -> Result<(Vec<Option<NaiveDate>>, String)> {
    let format = match format {
        DateFormat::Auto => match resolve(cells) {
            Ok(f) => f,
            Err(why) => bail!(
                "`{}`, column `{}`: {why}; say how dates are written with \
                 --date-format dmy (31/01/2024) or --date-format mdy (01/31/2024)",
                churn_core::escape::shown(path),
                churn_core::escape::shown(column)
            ),
        },
        f => f.clone(),
    };
    let mut bad = Vec::new();
    let mut out = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        match cell.filter(|c| !is_missing(c)) {
            None => out.push(None),
            Some(c) => {
                let c = c.trim();
                let d = with(&format, c).or_else(|| {
                    // Day- or month-first files may still hold ISO or Unix dates.
                    (matches!(format, DateFormat::DayFirst | DateFormat::MonthFirst))
                        .then(|| with(&DateFormat::Auto, c))
                        .flatten()
                });
                match d {
                    Some(d) => out.push(Some(d)),
                    None => {
                        bad.push((place(i), c.to_string()));
                        out.push(None);
                    }
                }
            }
        }
    }
    if !bad.is_empty() {
        bail!(
            "`{}`, column `{}`: {} not {} ({}); dates may be ISO \
             (2024-01-31), day-first (31/01/2024), month-first (01/31/2024), Unix time, or any \
             form given with --date-format '%d %b %Y'",
            churn_core::escape::shown(path),
            churn_core::escape::shown(column),
            plural(bad.len(), "value is", "values are"),
            noun(bad.len(), "a date", "dates"),
            listing(&bad)
        );
    }
    let name = match &format {
        DateFormat::Auto => "auto".to_string(),
        DateFormat::Iso => "iso".to_string(),
        DateFormat::DayFirst => "dmy".to_string(),
        DateFormat::MonthFirst => "mdy".to_string(),
        DateFormat::Pattern(p) => p.clone(),
    };
    Ok((out, name))
}

/// A period a date falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "clap", derive(clap::ValueEnum))]
#[serde(rename_all = "lowercase")]
pub enum Period {
    Week,
    Month,
    Quarter,
    Year,
}

impl Period {
    /// `week`, `month`, `quarter` or `year`.
    pub fn name(self) -> &'static str {
        match self {
            Period::Week => "week",
            Period::Month => "month",
            Period::Quarter => "quarter",
            Period::Year => "year",
        }
    }
}

/// The label of the period `date` is in; labels sort in time order: `2024-W05` (ISO week),
/// `2024-01`, `2024-Q1`, `2024`.
pub fn period_label(date: NaiveDate, period: Period) -> String {
    match period {
        Period::Week => {
            let w = date.iso_week();
            format!("{:04}-W{:02}", w.year(), w.week())
        }
        Period::Month => format!("{:04}-{:02}", date.year(), date.month()),
        Period::Quarter => format!("{:04}-Q{}", date.year(), (date.month() - 1) / 3 + 1),
        Period::Year => format!("{:04}", date.year()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weights_are_read_strictly() {
        for (s, w) in [
            ("49", 49.0),
            ("49.90", 49.9),
            ("1,234.50", 1234.5),
            ("$49", 49.0),
            ("49.00 USD", 49.0),
            (" 0 ", 0.0),
            ("€12", 12.0),
        ] {
            assert_eq!(parse_weight(s), Some(w), "{s}");
        }
        for s in [
            "49,90", "-5", "abc", "1,23", "", "4 9", "1e3", "NaN", "inf", "12.",
        ] {
            assert_eq!(parse_weight(s), None, "{s}");
        }
    }

    #[test]
    fn weight_errors_name_the_lines() {
        let cells = [Some("10"), Some("-3"), None, Some("x"), Some("5")];
        let lines = [2, 3, 4, 5, 6];
        let lines = |i: usize| format!("line {}", lines[i]);
        let err = weights("f.csv", "mrr", &cells, &lines, &[0, 1, 2, 3, 4])
            .unwrap_err()
            .to_string();
        assert!(err.contains("`f.csv`, column `mrr`: 3 of the 5"), "{err}");
        assert!(err.contains("line 3: `-3 (negative)`"), "{err}");
        assert!(
            err.contains("line 4: `(blank)`") && err.contains("line 5: `x`"),
            "{err}"
        );
        // Untagged rows are not read.
        assert_eq!(
            weights("f.csv", "mrr", &cells, &lines, &[0, 4]).unwrap(),
            [10.0, 5.0]
        );
    }

    fn d(y: i32, m: u32, day: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, day)
    }

    #[test]
    fn dates_in_every_common_form() {
        let lines = [2, 3, 4, 5];
        let lines = |i: usize| format!("line {}", lines[i]);
        let iso = [
            Some("2024-01-31"),
            Some("2024-02-01T10:00:00Z"),
            None,
            Some("2024-03-05 09:00"),
        ];
        let (v, f) = dates("f", "date", &iso, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(v, [d(2024, 1, 31), d(2024, 2, 1), None, d(2024, 3, 5)]);
        assert_eq!(f, "auto");
        let dmy = [Some("31/01/2024"), Some("01/02/2024")];
        let (v, f) = dates("f", "date", &dmy, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(
            (v, f.as_str()),
            (vec![d(2024, 1, 31), d(2024, 2, 1)], "dmy")
        );
        let mdy = [Some("01/31/2024"), Some("02/01/2024")];
        let (v, _) = dates("f", "date", &mdy, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(v, [d(2024, 1, 31), d(2024, 2, 1)]);
        let unix = [Some("1706659200"), Some("1706659200000")];
        let (v, _) = dates("f", "date", &unix, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(v, [d(2024, 1, 31), d(2024, 1, 31)]);
        let named = [Some("Jan 31, 2024"), Some("1 February 2024")];
        let (v, _) = dates("f", "date", &named, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(v, [d(2024, 1, 31), d(2024, 2, 1)]);
        // Two-digit years as Excel reads them (Microsoft Forms' CSV): 26 is 2026, 95 is 1995.
        let short = [Some("3/13/26 10:00:00"), Some("12/31/95")];
        let (v, _) = dates("f", "date", &short, &lines, &DateFormat::Auto).unwrap();
        assert_eq!(v, [d(2026, 3, 13), d(1995, 12, 31)]);
        let custom = [Some("31.01.24")];
        let (v, _) = dates("f", "date", &custom, &lines, &DateFormat::parse("%d.%m.%y")).unwrap();
        assert_eq!(v, [d(2024, 1, 31)]);
    }

    #[test]
    fn ambiguous_or_bad_dates_are_errors_that_say_what_to_do() {
        let lines = [2, 3, 4];
        let lines = |i: usize| format!("line {}", lines[i]);
        let amb = [Some("01/02/2024"), Some("03/04/2024")];
        let err = dates("f.csv", "date", &amb, &lines, &DateFormat::Auto)
            .unwrap_err()
            .to_string();
        assert!(err.contains("--date-format dmy"), "{err}");
        let (v, _) = dates("f.csv", "date", &amb, &lines, &DateFormat::DayFirst).unwrap();
        assert_eq!(v, [d(2024, 2, 1), d(2024, 4, 3)]);
        let bad = [Some("2024-01-31"), Some("yesterday"), Some("2024-13-01")];
        let err = dates("f.csv", "date", &bad, &lines, &DateFormat::Auto)
            .unwrap_err()
            .to_string();
        assert!(err.contains("2 values are not dates"), "{err}");
        assert!(
            err.contains("line 3: `yesterday`") && err.contains("line 4: `2024-13-01`"),
            "{err}"
        );
    }

    #[test]
    fn period_labels_sort_in_time_order() {
        let day = NaiveDate::from_ymd_opt(2024, 12, 30).unwrap();
        assert_eq!(period_label(day, Period::Week), "2025-W01");
        assert_eq!(period_label(day, Period::Month), "2024-12");
        assert_eq!(period_label(day, Period::Quarter), "2024-Q4");
        assert_eq!(period_label(day, Period::Year), "2024");
    }
}
