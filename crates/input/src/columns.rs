//! Finding the reason column(s) of an export by header name (and, for coded columns, by their
//! values), or checking the user's `--reason-col` / `--code-col`. Pure: headers and sample values
//! in, column indexes or an actionable error out.

use churn_core::classify::{Classifier, CodeLookup};
use churn_core::escape::shown;
pub use churn_core::normalize::squash;
use churn_core::taxonomy::CodeMap;

/// Free-text reason headers, best first. Each entry: squashed header, and whether a header that
/// only starts with it counts ("Why did you leave us today?").
const TEXT_HEADERS: &[(&[&str], bool)] = &[
    (
        &[
            "reason",
            "churnreason",
            "cancelreason",
            "cancellationreason",
            "cancelationreason",
            "exitreason",
            "leavingreason",
            "reasonforleaving",
            "reasonforcancelling",
            "reasonforcanceling",
            "reasonforcancellation",
            "reasonforcancelation",
            "reasonforchurn",
            "cancellationdetailscomment",
        ],
        false,
    ),
    (
        &[
            "whydidyouleave",
            "whydidyoucancel",
            "whyareyouleaving",
            "whyareyoucancel",
            "whydidyouchurn",
            "whydidyoudecidetoleave",
            "whydidyoudecidetocancel",
            "whydidyoustop",
            "whydidyouunsubscribe",
            "whydoyouwanttocancel",
            "whydoyouwanttoleave",
        ],
        true,
    ),
    (
        &[
            "feedback",
            "comment",
            "comments",
            "cancellationfeedback",
            "cancellationcomment",
            "exitfeedback",
            "exitcomment",
            "churnfeedback",
            "churncomment",
            "feedbacktext",
            "answer",
            "response",
            "text",
        ],
        false,
    ),
];

/// Headers that contain a reason word but hold something else (Stripe's `reason` is how the
/// subscription ended, e.g. `payment_failed`, not why the customer left).
const NOT_TEXT: &[&str] = &["cancellationdetailsreason"];

/// The columns `churn tag` adds, as it spells them. In a file that has its `churn_status` and
/// `churn_evidence`, they are churn's output, never the answer read again (a "Churn reason"
/// column of a file churn did not write may be the answer).
const TAG_OUTPUT: &[&str] = &[
    "churn_reason",
    "churn_reasons",
    "churn_status",
    "churn_evidence",
    "churn_sub_reason",
    "churn_confidence",
    "churn_competitor",
    "churn_file",
];

/// Names shown when suggesting the nearest column.
const SUGGESTION_TARGETS: &[&str] = &[
    "reason",
    "churnreason",
    "cancellationreason",
    "exitreason",
    "reasonforleaving",
    "whydidyouleave",
    "whydidyoucancel",
    "feedback",
    "comment",
    "comments",
];

/// The columns an analysis reads.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Chosen {
    /// Free-text answers.
    pub text: Option<usize>,
    /// Coded answers (e.g. Stripe feedback codes and Stripe's ending reason), left to right.
    pub codes: Vec<usize>,
}

/// Why no column could be chosen. `Display` is the message a user sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ColumnError {
    /// Nothing looks like a reason column.
    NoReasonColumn {
        headers: Vec<String>,
        suggestion: Option<String>,
    },
    /// `--period` without `--date-col`, and no header looks like a date.
    NoDateColumn { headers: Vec<String> },
    /// `--reason-col` / `--code-col` names a column the file does not have.
    NoSuchColumn {
        flag: &'static str,
        name: String,
        headers: Vec<String>,
        suggestion: Option<String>,
    },
}

/// How many columns an error lists before it only counts the rest.
const LISTED: usize = 40;

/// The columns as a list for an error message: the first [`LISTED`], then how many more (an
/// export of 100,000 columns made a message of 100,000 names).
pub fn list(headers: &[String]) -> String {
    let mut names: Vec<String> = headers
        .iter()
        .take(LISTED)
        .map(|h| format!("`{}`", shown(h)))
        .collect();
    if headers.len() > LISTED {
        names.push(format!("and {} more", headers.len() - LISTED));
    }
    names.join(", ")
}

impl std::fmt::Display for ColumnError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ColumnError::NoReasonColumn {
                headers,
                suggestion,
            } => {
                write!(f, "no reason column found")?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{}`?", shown(s))?;
                }
                write!(
                    f,
                    "\n  columns: {}\n  help: name the free-text column with --reason-col NAME, \
                     or a coded column with --code-col NAME",
                    list(headers)
                )
            }
            ColumnError::NoDateColumn { headers } => write!(
                f,
                "no date column found for --period\n  columns: {}\n  help: name it with \
                 --date-col NAME",
                list(headers)
            ),
            ColumnError::NoSuchColumn {
                flag,
                name,
                headers,
                suggestion,
            } => {
                write!(f, "{flag}: no column `{}`", shown(name))?;
                if let Some(s) = suggestion {
                    write!(f, "; did you mean `{}`?", shown(s))?;
                }
                write!(f, "\n  columns: {}", list(headers))
            }
        }
    }
}

impl std::error::Error for ColumnError {}

/// The header most like `target` (or, without a target, most like a reason column), if any is
/// close enough to be worth suggesting.
fn nearest(headers: &[String], targets: &[&str]) -> Option<String> {
    headers
        .iter()
        .map(|h| {
            let squashed = squash(h);
            let score = targets
                .iter()
                .map(|t| strsim::normalized_levenshtein(&squashed, t))
                .fold(0.0, f64::max);
            (score, h)
        })
        .filter(|(score, _)| *score >= 0.6)
        // Highest score; on a tie the leftmost column.
        .fold(
            None,
            |best: Option<(f64, &String)>, (score, h)| match best {
                Some((b, _)) if b >= score => best,
                _ => Some((score, h)),
            },
        )
        .map(|(_, h)| h.clone())
}

/// Date headers, best first (squashed): when the customer left, then when they answered.
const DATE_HEADERS: &[&str] = &[
    "canceledat",
    "cancelledat",
    "cancellationdate",
    "cancelationdate",
    "canceldate",
    "churndate",
    "churnedat",
    "closedon",
    "closedat",
    "closedate",
    "enddate",
    "endedat",
    "submitdateutc",
    "submitdate",
    "datesubmitted",
    "completiontime",
    "submittedat",
    "submissiondate",
    "recordeddate",
    "responsedate",
    "date",
    "createdat",
    "created",
    "timestamp",
    "startdate",
];

/// The date column, found by header (for `--period` without `--date-col`).
pub fn date_column(headers: &[String]) -> Result<usize, ColumnError> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    DATE_HEADERS
        .iter()
        .find_map(|d| squashed.iter().position(|h| h == d))
        .ok_or_else(|| ColumnError::NoDateColumn {
            headers: headers.to_vec(),
        })
}

/// Id headers, best first (squashed): a response's own id, then the customer's.
const ID_HEADERS: &[&str] = &[
    "responseid",
    "respondentid",
    "submissionid",
    "surveyresponseid",
    "feedbackid",
    "networkid",
    "customerid",
    "customer",
    "subscriptionid",
    "subscription",
    "accountid",
    "userid",
    "clientid",
    "id",
    "email",
    "customeremail",
    "emailaddress",
];

/// A column that identifies the response or the customer, found by its header.
pub fn id_column(headers: &[String]) -> Option<usize> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    ID_HEADERS
        .iter()
        .find_map(|d| squashed.iter().position(|h| h == d))
        .or_else(|| headers.iter().position(|h| h.trim() == "#"))
}

/// The column called `name`: exactly, or else ignoring case, spaces and punctuation.
pub fn find(headers: &[String], name: &str) -> Option<usize> {
    headers.iter().position(|h| h == name).or_else(|| {
        let wanted = squash(name);
        headers.iter().position(|h| squash(h) == wanted)
    })
}

/// Find a column the user named: exactly, or else ignoring case, spaces and punctuation.
pub fn named(headers: &[String], flag: &'static str, name: &str) -> Result<usize, ColumnError> {
    if let Some(i) = find(headers, name) {
        return Ok(i);
    }
    let wanted = squash(name);
    Err(ColumnError::NoSuchColumn {
        flag,
        name: name.to_string(),
        headers: headers.to_vec(),
        suggestion: nearest(headers, &[wanted.as_str()]),
    })
}

/// Whether a column's sample values look like codes of a code map found by its values
/// (`detect_by_values`, Stripe's feedback codes): at least one value that names a reason, and
/// nine in ten non-blank values known. Maps read only where named (the survey choice labels)
/// never make a column of answers ("too expensive") a coded one.
fn looks_coded(
    values: &[&str],
    classifier: &Classifier,
    detectable: &std::collections::HashSet<&str>,
) -> bool {
    let detectable = |v: &str| detectable.contains(v.trim().to_lowercase().as_str());
    let mut known = 0usize;
    let mut non_blank = 0usize;
    let mut names_reason = false;
    for v in values {
        match classifier.lookup_code(v) {
            CodeLookup::Blank => continue,
            CodeLookup::Reason(..) if detectable(v) => {
                names_reason = true;
                known += 1;
            }
            CodeLookup::Text | CodeLookup::Involuntary if detectable(v) => known += 1,
            _ => {}
        }
        non_blank += 1;
    }
    names_reason && known * 10 >= non_blank * 9
}

/// Whether a squashed header asks why the customer left in other words: "Please tell us why
/// you're leaving", "What made you cancel?", "Why have you decided to close your account?".
fn asks_why_they_left(squashed: &str) -> bool {
    let asks = ["why", "whatmadeyou", "whatledyou", "whatcausedyou"]
        .iter()
        .any(|w| squashed.contains(w));
    let leaving = [
        "leav",
        "cancel",
        "churn",
        "unsubscrib",
        "stop",
        "left",
        "quit",
        "clos",
        "switch",
        "end",
        "downgrad",
    ]
    .iter()
    .any(|w| squashed.contains(w));
    asks && leaving
}

/// Whether a header names a free-text reason column by the lists above (not by the looser
/// "contains reason/feedback/comment" fallback).
pub fn is_reason_header(header: &str) -> bool {
    let squashed = squash(header);
    TEXT_HEADERS
        .iter()
        .any(|(names, prefix)| in_rank(&squashed, names, *prefix))
}

/// Whether a squashed header is one of a rank's names (or, for a prefix rank, starts with one).
fn in_rank(squashed: &str, names: &[&str], prefix: bool) -> bool {
    names.iter().any(|n| {
        if prefix {
            squashed.starts_with(n)
        } else {
            squashed == *n
        }
    })
}

/// Choose the columns to read.
///
/// `sample(i)` gives some values of column `i` (used to recognise coded columns by their
/// values, for code maps that allow it). A code map's column is found by header; at most one
/// more is found by values.
pub fn choose(
    headers: &[String],
    sample: &dyn Fn(usize) -> Vec<String>,
    classifier: &Classifier,
    code_maps: &[CodeMap],
    reason_col: Option<&str>,
    code_cols: &[String],
) -> Result<Chosen, ColumnError> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    // The codes of the maps found by their values, once.
    let detectable: std::collections::HashSet<&str> = code_maps
        .iter()
        .filter(|m| m.detect_by_values)
        .flat_map(|m| m.codes.iter().map(|(c, _)| c.as_str()))
        .collect();
    let coded: Vec<bool> = (0..headers.len())
        .map(|i| {
            let values = sample(i);
            looks_coded(
                &values.iter().map(String::as_str).collect::<Vec<_>>(),
                classifier,
                &detectable,
            )
        })
        .collect();

    let named_text = reason_col
        .map(|name| named(headers, "--reason-col", name))
        .transpose()?;
    let mut codes = Vec::new();
    if code_cols.is_empty() {
        for (i, header) in squashed.iter().enumerate() {
            if Some(i) != named_text && code_maps.iter().any(|m| m.headers.contains(header)) {
                codes.push(i);
            }
        }
        let by_values = code_maps.iter().any(|m| m.detect_by_values);
        let by_header_detectable = codes.iter().any(|&i| {
            code_maps
                .iter()
                .any(|m| m.detect_by_values && m.headers.contains(&squashed[i]))
        });
        if by_values && !by_header_detectable {
            if let Some(i) = (0..headers.len())
                .find(|&i| Some(i) != named_text && !codes.contains(&i) && coded[i])
            {
                codes.push(i);
                codes.sort_unstable();
            }
        }
    } else {
        for name in code_cols {
            let i = named(headers, "--code-col", name)?;
            if !codes.contains(&i) {
                codes.push(i);
            }
        }
    }

    let text = match named_text {
        Some(i) => Some(i),
        None => {
            let tagged = ["churn_status", "churn_evidence"]
                .iter()
                .all(|c| headers.iter().any(|h| h.trim() == *c));
            let output = |i: usize| tagged && TAG_OUTPUT.contains(&headers[i].trim());
            let candidate = |i: usize| {
                !codes.contains(&i) && !NOT_TEXT.contains(&squashed[i].as_str()) && !output(i)
            };
            let by_rank = TEXT_HEADERS.iter().find_map(|(names, prefix)| {
                (0..headers.len()).find(|&i| candidate(i) && in_rank(&squashed[i], names, *prefix))
            });
            by_rank
                .or_else(|| {
                    (0..headers.len()).find(|&i| {
                        candidate(i)
                            && ["reason", "feedback", "comment"]
                                .iter()
                                .any(|w| squashed[i].contains(w))
                            && !coded[i]
                    })
                })
                .or_else(|| {
                    (0..headers.len()).find(|&i| candidate(i) && asks_why_they_left(&squashed[i]))
                })
        }
    };

    if text.is_none() && codes.is_empty() {
        return Err(ColumnError::NoReasonColumn {
            headers: headers.to_vec(),
            suggestion: nearest(headers, SUGGESTION_TARGETS),
        });
    }
    Ok(Chosen { text, codes })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pick(headers: &[&str], rows: &[&[&str]]) -> Result<Chosen, ColumnError> {
        let headers: Vec<String> = headers.iter().map(|s| s.to_string()).collect();
        let t = churn_core::config::builtin_taxonomy();
        let c = Classifier::new(&t).unwrap();
        let sample = |i: usize| rows.iter().map(|r| r[i].to_string()).collect();
        choose(&headers, &sample, &c, &t.code_maps, None, &[])
    }

    #[test]
    fn finds_text_columns_by_header_ignoring_case_and_punctuation() {
        let r: &[&[&str]] = &[&["1", "x", "y"]];
        assert_eq!(
            pick(&["id", "Churn Reason", "plan"], r).unwrap().text,
            Some(1)
        );
        assert_eq!(
            pick(&["id", "plan", "Why did you cancel your subscription?"], r)
                .unwrap()
                .text,
            Some(2)
        );
        assert_eq!(
            pick(&["Comment", "id", "Exit_Reason"], r).unwrap().text,
            Some(2)
        );
        assert_eq!(pick(&["id", "Feedback", "plan"], r).unwrap().text, Some(1));
        // A question asking why in other words; a date of leaving is no answer.
        for question in [
            "Please tell us why you're leaving",
            "What made you cancel?",
            "Why have you decided to close your account?",
        ] {
            let headers = ["id", "Cancellation date", question];
            assert_eq!(pick(&headers, r).unwrap().text, Some(2), "{question}");
        }
        assert!(pick(&["id", "Cancellation date", "plan"], r).is_err());
    }

    #[test]
    fn the_columns_churn_tag_wrote_are_not_read_as_the_answer() {
        let tagged = |answer: &str| {
            let headers = [
                "id",
                answer,
                "churn_reason",
                "churn_status",
                "churn_evidence",
            ];
            let row = [
                "1",
                "too expensive",
                "dissatisfaction",
                "tagged",
                "expensive",
            ];
            pick(&headers, &[&row]).unwrap().text
        };
        assert_eq!(tagged("Why did you cancel?"), Some(1));
        // A file churn did not write may call its answer column "Churn reason", and keeps
        // it when churn tags it.
        let own = pick(&["id", "Churn reason"], &[&["1", "too expensive"]]).unwrap();
        assert_eq!(own.text, Some(1));
        assert_eq!(tagged("Churn Reason"), Some(1));
    }

    #[test]
    fn finds_stripe_codes_by_header_or_by_values() {
        let r: &[&[&str]] = &[&["1", "too_expensive", "meh"], &["2", "other", ""]];
        let c = pick(
            &[
                "id",
                "cancellation_details.feedback",
                "cancellation_details.comment",
            ],
            r,
        )
        .unwrap();
        assert_eq!(
            c,
            Chosen {
                text: Some(2),
                codes: vec![1]
            }
        );
        let c = pick(&["id", "answer_code", "notes"], r).unwrap();
        assert_eq!(
            c,
            Chosen {
                text: None,
                codes: vec![1]
            }
        );
    }

    #[test]
    fn stripe_reason_and_feedback_are_both_read() {
        let r: &[&[&str]] = &[
            &["1", "payment_failed", "", ""],
            &["2", "cancellation_requested", "too_expensive", "x"],
        ];
        let c = pick(
            &[
                "id",
                "cancellation_details.reason",
                "cancellation_details.feedback",
                "cancellation_details.comment",
            ],
            r,
        )
        .unwrap();
        assert_eq!(
            c,
            Chosen {
                text: Some(3),
                codes: vec![1, 2]
            }
        );
    }

    #[test]
    fn a_long_list_of_columns_is_cut() {
        let headers: Vec<String> = (0..100_000).map(|i| format!("c{i}")).collect();
        let err = named(&headers, "--reason-col", "nosuch")
            .unwrap_err()
            .to_string();
        assert!(err.contains("`c0`, `c1`,"), "{err}");
        assert!(err.contains("`c39`, and 99960 more"), "{err}");
        assert!(!err.contains("`c40`"), "{err}");
    }

    #[test]
    fn missing_column_lists_columns_and_suggests_the_nearest() {
        let r: &[&[&str]] = &[&["1", "x", "y"]];
        let err = pick(&["id", "reasn", "plan"], r).unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("did you mean `reasn`?"), "{msg}");
        assert!(msg.contains("`id`, `reasn`, `plan`"), "{msg}");
        let err = pick(&["id", "plan"], r).unwrap_err().to_string();
        assert!(!err.contains("did you mean"), "{err}");
    }
}
