//! Survey-tool layouts: how an export's first rows are laid out, told from the header and the
//! next two records. Pure: rows of fields in, a [`Shape`] out (the layout, the header rows to
//! skip, one name per column, the question text of each column) or an error a person can act
//! on.
//!
//! - Qualtrics: three header rows (field ids `Q1`, `Q2_4_TEXT`; the question text;
//!   `{"ImportId":"QID2_TEXT"}`), or two in legacy exports (`V1`.. ids over `ResponseID`,
//!   `ResponseSet`, ..., and the question text). Columns keep their ids as names (`Q2`); the
//!   question text is the column's question. Its `Status`, `DistributionChannel` and `Finished`
//!   columns say which responses are previews, tests, spam or unfinished ([`Exclusion`]).
//! - SurveyMonkey: two header rows. A question spans its columns with its text over the first
//!   only; the second row names each column's part (`Response`, `Open-Ended Response`, a
//!   choice, `Other (please specify)`). They fold into one name per column: the question for
//!   its response, `Question - Choice` for a choice or the "Other" text.
//! - Typeform, Google Forms, Microsoft Forms, Alchemer, Jotform: one header row, recognized by
//!   their metadata columns (said in the note and the JSON; nothing else changes).

use super::columns::squash;

/// An export's layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    #[default]
    Plain,
    Qualtrics,
    QualtricsLegacy,
    SurveyMonkey,
    Typeform,
    GoogleForms,
    MicrosoftForms,
    Alchemer,
    Jotform,
    /// Paddle Retain cancellation-flow results (`status`, `cancelReason`, `additionalFeedback`,
    /// ...), as Paddle.js returns them and as they are logged.
    PaddleRetain,
    /// Churnkey cancel-flow sessions (`canceled`, `aborted`, `bounced`, `saveType`, ...), as its
    /// Data API lists them.
    Churnkey,
}

impl Layout {
    /// Every layout, in the order `--layout` lists them.
    pub const ALL: [Layout; 11] = [
        Layout::Plain,
        Layout::Qualtrics,
        Layout::QualtricsLegacy,
        Layout::SurveyMonkey,
        Layout::Typeform,
        Layout::GoogleForms,
        Layout::MicrosoftForms,
        Layout::Alchemer,
        Layout::Jotform,
        Layout::PaddleRetain,
        Layout::Churnkey,
    ];

    /// The name used by `--layout` and in the JSON (`inputs[].layout`).
    pub fn name(self) -> &'static str {
        match self {
            Layout::Plain => "plain",
            Layout::Qualtrics => "qualtrics",
            Layout::QualtricsLegacy => "qualtrics-legacy",
            Layout::SurveyMonkey => "surveymonkey",
            Layout::Typeform => "typeform",
            Layout::GoogleForms => "google-forms",
            Layout::MicrosoftForms => "microsoft-forms",
            Layout::Alchemer => "alchemer",
            Layout::Jotform => "jotform",
            Layout::PaddleRetain => "paddle-retain",
            Layout::Churnkey => "churnkey",
        }
    }

    /// The tool's name for people.
    pub fn tool(self) -> &'static str {
        match self {
            Layout::Plain => "plain",
            Layout::Qualtrics => "Qualtrics",
            Layout::QualtricsLegacy => "Qualtrics (legacy)",
            Layout::SurveyMonkey => "SurveyMonkey",
            Layout::Typeform => "Typeform",
            Layout::GoogleForms => "Google Forms",
            Layout::MicrosoftForms => "Microsoft Forms",
            Layout::Alchemer => "Alchemer",
            Layout::Jotform => "Jotform",
            Layout::PaddleRetain => "Paddle Retain",
            Layout::Churnkey => "Churnkey",
        }
    }

    /// The layout called `name` (as [`Layout::name`]).
    pub fn by_name(name: &str) -> Option<Layout> {
        Layout::ALL.into_iter().find(|l| l.name() == name)
    }
}

/// What `--layout` asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Wanted {
    /// Detect it (the default).
    #[default]
    Auto,
    /// This layout, detection off.
    Fixed(Layout),
}

/// How a table's first rows are read.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Shape {
    pub layout: Layout,
    /// Header rows after the first, never read as responses.
    pub extra_rows: usize,
    /// One name per column (untrimmed names are trimmed and made unique later).
    pub names: Vec<String>,
    /// The question text of each column, when the export carries one apart from the name.
    pub questions: Vec<Option<String>>,
    /// What to tell about the layout (a damaged header, say).
    pub notes: Vec<String>,
}

/// Why a response is not an answer: a preview, a test, spam, or unfinished; or, in a
/// retention tool's sessions, a customer who did not leave: saved by an offer, paused, or who
/// left the cancel flow without cancelling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Exclusion {
    Preview,
    Test,
    Spam,
    Unfinished,
    Saved,
    Paused,
    Aborted,
}

impl Exclusion {
    pub fn name(self) -> &'static str {
        match self {
            Exclusion::Preview => "preview",
            Exclusion::Test => "test",
            Exclusion::Spam => "spam",
            Exclusion::Unfinished => "unfinished",
            Exclusion::Saved => "saved",
            Exclusion::Paused => "paused",
            Exclusion::Aborted => "aborted",
        }
    }
}

/// Columns that tell whether a response is an answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusColumn {
    /// Qualtrics `Status` (`Response Type`): numbers or their labels.
    QualtricsStatus,
    /// Qualtrics `DistributionChannel`: `preview`, `test`, `anonymous`, `email`, ...
    Channel,
    /// Qualtrics `Finished`: `1`/`0` or `True`/`False`.
    Finished,
    /// Alchemer `Status`: `Complete`, `Partial`, `Disqualified`.
    AlchemerStatus,
    /// Paddle Retain `status`: `chose_to_cancel`, `retained` (saved), `aborted`, `error`.
    RetainStatus,
    /// Churnkey `saveType`: how a session saved the customer (`PAUSE`, `DISCOUNT`, ...), or
    /// `ABANDON`.
    SaveType,
    /// Churnkey `aborted`: true when the customer left the flow.
    LeftFlow,
    /// Churnkey `canceled`: true when the session ended in a cancellation (which then counts,
    /// whatever the other columns say), false when it did not.
    Canceled,
}

impl StatusColumn {
    /// Whether `value` in this column makes the response a departure whatever the other status
    /// columns say (Churnkey `canceled` true).
    pub fn keeps(self, value: &str) -> bool {
        self == StatusColumn::Canceled
            && matches!(
                value.trim().to_ascii_lowercase().as_str(),
                "true" | "1" | "yes"
            )
    }

    /// Why a response with `value` in this column is not an answer, if it is not.
    pub fn exclusion(self, value: &str) -> Option<Exclusion> {
        let v = value.trim().to_ascii_lowercase();
        match self {
            StatusColumn::QualtricsStatus => match v.as_str() {
                "1" | "17" => Some(Exclusion::Preview),
                "2" => Some(Exclusion::Test),
                "8" | "9" | "12" => Some(Exclusion::Spam),
                _ if v.contains("spam") => Some(Exclusion::Spam),
                _ if v.contains("preview") => Some(Exclusion::Preview),
                _ if v.contains("test") => Some(Exclusion::Test),
                _ => None,
            },
            StatusColumn::Channel => match v.as_str() {
                "preview" => Some(Exclusion::Preview),
                "test" => Some(Exclusion::Test),
                _ => None,
            },
            StatusColumn::Finished => {
                matches!(v.as_str(), "0" | "false" | "no").then_some(Exclusion::Unfinished)
            }
            StatusColumn::AlchemerStatus => match v.as_str() {
                "partial" => Some(Exclusion::Unfinished),
                "disqualified" => Some(Exclusion::Spam),
                _ => None,
            },
            StatusColumn::RetainStatus => match v.as_str() {
                "retained" => Some(Exclusion::Saved),
                "aborted" => Some(Exclusion::Aborted),
                _ => None,
            },
            StatusColumn::SaveType => match v.as_str() {
                "" | "null" | "none" => None,
                _ if v.contains("pause") => Some(Exclusion::Paused),
                _ if v.contains("abandon") => Some(Exclusion::Aborted),
                _ => Some(Exclusion::Saved),
            },
            StatusColumn::LeftFlow => {
                matches!(v.as_str(), "true" | "1" | "yes").then_some(Exclusion::Aborted)
            }
            StatusColumn::Canceled => {
                matches!(v.as_str(), "false" | "0" | "no").then_some(Exclusion::Aborted)
            }
        }
    }
}

/// The status columns of a layout, by column: `names` are the shape's names.
pub fn status_columns(layout: Layout, names: &[String]) -> Vec<(usize, StatusColumn)> {
    let kinds: &[(&str, StatusColumn)] = match layout {
        Layout::Qualtrics | Layout::QualtricsLegacy => &[
            ("status", StatusColumn::QualtricsStatus),
            ("distributionchannel", StatusColumn::Channel),
            ("finished", StatusColumn::Finished),
        ],
        Layout::Alchemer => &[("status", StatusColumn::AlchemerStatus)],
        Layout::PaddleRetain => &[("status", StatusColumn::RetainStatus)],
        // The first that says why a session is no departure is its cause.
        Layout::Churnkey => &[
            ("savetype", StatusColumn::SaveType),
            ("aborted", StatusColumn::LeftFlow),
            ("canceled", StatusColumn::Canceled),
        ],
        _ => &[],
    };
    let mut found = Vec::new();
    for &(header, kind) in kinds {
        if let Some(i) = names.iter().position(|n| squash(n) == header) {
            found.push((i, kind));
        }
    }
    found
}

/// Whether a table of this layout is read whole (its header rows, statuses or answer groups
/// are not for the streaming reader).
pub fn read_whole(layout: Layout) -> bool {
    matches!(
        layout,
        Layout::Qualtrics
            | Layout::QualtricsLegacy
            | Layout::SurveyMonkey
            | Layout::Alchemer
            | Layout::PaddleRetain
            | Layout::Churnkey
    )
}

/// The columns that together hold the answer to the question of column `chosen`: a choice
/// question's columns (one per choice in a multiple-choice question) and its "Other" text
/// column. Qualtrics: `Q1`, `Q1_1`, `Q1_4_TEXT` (by id); SurveyMonkey: `Question`,
/// `Question - Choice`, `Question - Other (please specify)` (by folded name). Other layouts:
/// the column alone.
pub fn answer_group(layout: Layout, names: &[String], chosen: usize) -> Vec<usize> {
    let name = names[chosen].as_str();
    // Retention tools: the reason chosen, then the feedback written, wherever they stand.
    let members: &[&str] = match layout {
        Layout::PaddleRetain => &["cancelreason", "additionalfeedback"],
        Layout::Churnkey => &["surveyresponse", "feedback"],
        _ => &[],
    };
    if !members.is_empty() {
        let group: Vec<usize> = members
            .iter()
            .filter_map(|h| names.iter().position(|n| squash(n) == *h))
            .collect();
        return if group.contains(&chosen) {
            group
        } else {
            vec![chosen]
        };
    }
    let member: Box<dyn Fn(&str) -> bool> = match layout {
        Layout::Qualtrics | Layout::QualtricsLegacy => {
            let base = qualtrics_base(name).to_string();
            Box::new(move |n: &str| qualtrics_base(n) == base)
        }
        Layout::SurveyMonkey => {
            let base = name.split(" - ").next().unwrap_or(name).to_string();
            let prefix = format!("{base} - ");
            Box::new(move |n: &str| n == base || n.starts_with(&prefix))
        }
        _ => return vec![chosen],
    };
    // The group is the run of member columns around the chosen one.
    let mut start = chosen;
    while start > 0 && member(&names[start - 1]) {
        start -= 1;
    }
    let mut end = chosen + 1;
    while end < names.len() && member(&names[end]) {
        end += 1;
    }
    (start..end).collect()
}

/// A Qualtrics field id without its choice and text suffixes: `Q1_4_TEXT` -> `Q1`.
fn qualtrics_base(id: &str) -> &str {
    let mut base = id.strip_suffix("_TEXT").unwrap_or(id);
    while let Some((head, tail)) = base.rsplit_once('_') {
        if tail.is_empty() || !tail.bytes().all(|b| b.is_ascii_digit()) || head.is_empty() {
            break;
        }
        base = head;
    }
    base
}

/// A text column as people read it: `Q2: question` where the export carries the question
/// (Qualtrics), the question alone for a SurveyMonkey answer group (`Question - Choice` ->
/// `Question`), else its name.
pub fn shown_name(layout: Layout, name: &str, question: Option<&str>, grouped: bool) -> String {
    match question {
        Some(q) => format!("{name}: {q}"),
        None if layout == Layout::SurveyMonkey && grouped => {
            name.split(" - ").next().unwrap_or("").to_string()
        }
        None => name.to_string(),
    }
}

/// Whether a column of an answer group holds typed text (the "Other" text, the feedback), not
/// choices: Qualtrics `Q1_4_TEXT`, SurveyMonkey `... - Other (please specify)`, the retention
/// tools' feedback.
pub fn is_text_member(layout: Layout, name: &str) -> bool {
    let squashed = squash(name);
    match layout {
        Layout::Qualtrics | Layout::QualtricsLegacy => name.ends_with("_TEXT"),
        Layout::SurveyMonkey => {
            squashed.ends_with("pleasespecify") || squashed.ends_with("openendedresponse")
        }
        Layout::PaddleRetain => squashed == "additionalfeedback",
        Layout::Churnkey => squashed == "feedback",
        _ => true,
    }
}

/// Whether a choice means "other" (its text is in the group's "Other" text column).
pub fn is_other_choice(value: &str) -> bool {
    let v = squash(value);
    [
        "other",
        "others",
        "autre",
        "otro",
        "otra",
        "andere",
        "anders",
        "altro",
        "outro",
        "другое",
    ]
    .iter()
    .any(|o| v == *o || (v.starts_with(o) && value.contains('(')))
}

/// The answer a group of cells gives: the non-blank cells joined by "; ", leaving out a
/// choice that only says "Other" when the group's text says what.
pub fn group_answer<'a>(cells: impl Iterator<Item = Option<&'a str>> + Clone) -> String {
    let filled = cells.filter_map(|c| c.map(str::trim).filter(|c| !c.is_empty()));
    let has_text = filled.clone().any(|c| !is_other_choice(c));
    let mut out = String::new();
    for c in filled {
        if has_text && is_other_choice(c) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("; ");
        }
        out.push_str(c);
    }
    out
}

/// Qualtrics' own columns (squashed ids of the current export).
const QUALTRICS_META: &[&str] = &[
    "startdate",
    "enddate",
    "status",
    "ipaddress",
    "progress",
    "durationinseconds",
    "finished",
    "recordeddate",
    "responseid",
    "recipientlastname",
    "recipientfirstname",
    "recipientemail",
    "externalreference",
    "locationlatitude",
    "locationlongitude",
    "distributionchannel",
    "userlanguage",
];

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", |s| s.trim())
}

fn has(squashed: &[String], name: &str) -> bool {
    squashed.iter().any(|h| h == name)
}

/// The shape of a table: `header` is its first row, `next` the records after it (up to two).
pub fn detect(header: &[String], next: &[Vec<String>], wanted: Wanted) -> Result<Shape, String> {
    let squashed: Vec<String> = header.iter().map(|h| squash(h)).collect();
    let layout = match wanted {
        Wanted::Fixed(layout) => layout,
        Wanted::Auto => guess(&squashed, next),
    };
    let plain = |layout| Shape {
        layout,
        names: header.to_vec(),
        questions: vec![None; header.len()],
        ..Shape::default()
    };
    match layout {
        Layout::Qualtrics | Layout::QualtricsLegacy => qualtrics(header, &squashed, next, layout),
        Layout::SurveyMonkey => surveymonkey(header, next),
        other => Ok(plain(other)),
    }
}

/// The layout the header and the next records look like.
fn guess(squashed: &[String], next: &[Vec<String>]) -> Layout {
    let meta = squashed
        .iter()
        .filter(|h| QUALTRICS_META.contains(&h.as_str()))
        .count();
    let legacy = has(squashed, "v1")
        && next
            .first()
            .is_some_and(|r| squash(cell(r, 0)) == "responseid");
    if legacy {
        return Layout::QualtricsLegacy;
    }
    // Qualtrics' own columns, and its header rows or a column only it writes: a generic export
    // with a `Status` and an id is not taken for one (its statuses would filter rows out).
    let header_rows = next.first().is_some_and(|r| is_question_row(squashed, r))
        || next.get(1).is_some_and(|r| is_import_row(r));
    let own = ["durationinseconds", "recordeddate", "distributionchannel"];
    if meta >= 3
        && has(squashed, "responseid")
        && (header_rows || own.iter().any(|h| has(squashed, h)))
    {
        return Layout::Qualtrics;
    }
    if has(squashed, "respondentid") && has(squashed, "collectorid") {
        return Layout::SurveyMonkey;
    }
    if has(squashed, "networkid") || has(squashed, "submitdateutc") {
        return Layout::Typeform;
    }
    if squashed.first().is_some_and(|h| h == "timestamp") {
        return Layout::GoogleForms;
    }
    if has(squashed, "starttime") && has(squashed, "completiontime") {
        return Layout::MicrosoftForms;
    }
    if has(squashed, "timestarted") && has(squashed, "datesubmitted") {
        return Layout::Alchemer;
    }
    if has(squashed, "submissiondate") && has(squashed, "submissionid") {
        return Layout::Jotform;
    }
    let retain = [
        "additionalfeedback",
        "satisfactioninsight",
        "salvageofferresultdecision",
    ];
    if has(squashed, "status")
        && has(squashed, "cancelreason")
        && retain.iter().any(|h| has(squashed, h))
    {
        return Layout::PaddleRetain;
    }
    if has(squashed, "canceled") && (has(squashed, "aborted") || has(squashed, "savetype")) {
        return Layout::Churnkey;
    }
    Layout::Plain
}

/// Whether a record is a Qualtrics question-text row: under the export's own columns, their
/// names spelled out ("Response ID" under `ResponseId`), or a legacy row of names.
fn is_question_row(squashed: &[String], row: &[String]) -> bool {
    let meta: Vec<usize> = (0..squashed.len())
        .filter(|&i| QUALTRICS_META.contains(&squashed[i].as_str()))
        .collect();
    let same = meta
        .iter()
        .filter(|&&i| {
            let below = squash(cell(row, i));
            below == squashed[i] || (squashed[i] == "status" && below == "responsetype")
        })
        .count();
    !meta.is_empty() && same * 2 >= meta.len()
}

fn is_import_row(row: &[String]) -> bool {
    row.iter()
        .any(|c| c.trim_start().starts_with("{\"ImportId\""))
}

fn qualtrics(
    header: &[String],
    squashed: &[String],
    next: &[Vec<String>],
    layout: Layout,
) -> Result<Shape, String> {
    let legacy = layout == Layout::QualtricsLegacy;
    let legacy_names = |r: &Vec<String>| squash(cell(r, 0)) == "responseid";
    let questions_row = next
        .first()
        .filter(|r| (legacy && legacy_names(r)) || is_question_row(squashed, r));
    let import = next.get(1).is_some_and(|r| is_import_row(r));
    let mut notes = Vec::new();
    let extra_rows = match (questions_row.is_some(), import) {
        (true, true) => 2,
        (true, false) if legacy => 1,
        (true, false) => {
            notes.push(
                "a Qualtrics export with two header rows: its third (`{\"ImportId\": ...}`) is \
                 missing, so responses are read from the third line; export again with \
                 \"Use legacy format\" off if that is wrong"
                    .to_string(),
            );
            1
        }
        (false, _) if legacy => {
            return Err(
                "a legacy Qualtrics export has a second header row of names (\
                        `ResponseID`, `ResponseSet`, ... and the questions); this file's second \
                        row is missing or is a response\n  help: export the responses again, \
                        or name another layout with --layout"
                    .to_string(),
            )
        }
        (false, _) => 0,
    };
    let mut names = header.to_vec();
    let mut questions = vec![None; header.len()];
    if let Some(row) = questions_row {
        for (i, name) in names.iter_mut().enumerate() {
            let text = cell(row, i);
            let id = name.trim();
            let is_v =
                id.len() > 1 && id.starts_with('V') && id[1..].bytes().all(|b| b.is_ascii_digit());
            if legacy && is_v && !text.is_empty() {
                *name = text.to_string();
            } else if !text.is_empty()
                && squash(text) != squash(id)
                && !QUALTRICS_META.contains(&squash(id).as_str())
            {
                questions[i] = Some(text.to_string());
            }
        }
    }
    Ok(Shape {
        layout,
        extra_rows,
        names,
        questions,
        notes,
    })
}

/// SurveyMonkey's second header row names a column's part: these mean "the answer itself".
const WHOLE_ANSWER: &[&str] = &["response", "openendedresponse", "responses"];

fn surveymonkey(header: &[String], next: &[Vec<String>]) -> Result<Shape, String> {
    let Some(sub) = next.first() else {
        return Err(
            "a SurveyMonkey export has two header rows (the questions, then each \
                    column's part: `Response`, a choice, `Other (please specify)`); this file \
                    ends after the first\n  help: export the responses again with the default \
                    layout, or name another layout with --layout"
                .to_string(),
        );
    };
    let sub_is_header = cell(sub, 0).is_empty()
        && sub
            .iter()
            .any(|c| WHOLE_ANSWER.contains(&squash(c).as_str()) || !c.trim().is_empty());
    if !sub_is_header {
        return Err(format!(
            "a SurveyMonkey export has a second header row naming each column's part \
             (`Response`, a choice, `Other (please specify)`); this file's second row starts \
             with `{}`, a response\n  help: export the responses again with the default layout, \
             or read it as one header row with --layout plain",
            cell(sub, 0)
        ));
    }
    let mut names = Vec::with_capacity(header.len());
    let mut question = String::new();
    for (i, h) in header.iter().enumerate() {
        let own = h.trim();
        if !own.is_empty() {
            question = own.to_string();
        }
        let part = cell(sub, i);
        let name = if part.is_empty() || WHOLE_ANSWER.contains(&squash(part).as_str()) {
            if own.is_empty() {
                question.clone()
            } else {
                own.to_string()
            }
        } else if question.is_empty() {
            part.to_string()
        } else {
            format!("{question} - {part}")
        };
        names.push(name);
    }
    Ok(Shape {
        layout: Layout::SurveyMonkey,
        extra_rows: 1,
        names,
        questions: vec![None; header.len()],
        notes: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn qualtrics_three_rows() {
        let header = row(&[
            "StartDate",
            "Status",
            "Finished",
            "ResponseId",
            "Q1",
            "Q1_4_TEXT",
        ]);
        let questions = row(&[
            "Start Date",
            "Response Type",
            "Finished",
            "Response ID",
            "Why did you cancel?",
            "Why did you cancel? - Other - Text",
        ]);
        let import = row(&[
            "{\"ImportId\":\"startDate\"}",
            "{\"ImportId\":\"status\"}",
            "{\"ImportId\":\"finished\"}",
            "{\"ImportId\":\"_recordId\"}",
            "{\"ImportId\":\"QID1\"}",
            "{\"ImportId\":\"QID1_4_TEXT\"}",
        ]);
        let s = detect(&header, &[questions, import], Wanted::Auto).unwrap();
        assert_eq!(s.layout, Layout::Qualtrics);
        assert_eq!(s.extra_rows, 2);
        assert_eq!(s.names, header);
        assert_eq!(s.questions[4].as_deref(), Some("Why did you cancel?"));
        assert_eq!(s.questions[1], None);
        assert!(s.notes.is_empty());
        let status = status_columns(s.layout, &s.names);
        assert_eq!(status.len(), 2);
    }

    #[test]
    fn qualtrics_without_its_third_row_says_so() {
        let header = row(&["StartDate", "Status", "Finished", "ResponseId", "Q1"]);
        let questions = row(&[
            "Start Date",
            "Response Type",
            "Finished",
            "Response ID",
            "Why?",
        ]);
        let data = row(&["2024-01-01", "0", "1", "R_1", "too expensive"]);
        let s = detect(&header, &[questions, data], Wanted::Auto).unwrap();
        assert_eq!((s.layout, s.extra_rows), (Layout::Qualtrics, 1));
        assert_eq!(s.notes.len(), 1);
        // Rows 2 and 3 deleted by hand: one header row, still Qualtrics by a column only it
        // writes.
        let header = row(&[
            "StartDate",
            "Status",
            "Finished",
            "ResponseId",
            "RecordedDate",
        ]);
        let data2 = row(&["2024-01-02", "1", "1", "R_2", "2024-01-02"]);
        let s = detect(&header, &[data2.clone(), data2], Wanted::Auto).unwrap();
        assert_eq!((s.layout, s.extra_rows), (Layout::Qualtrics, 0));
    }

    #[test]
    fn qualtrics_legacy_names_its_v_columns() {
        let header = row(&["V1", "V7", "V10", "Q1"]);
        let names = row(&[
            "ResponseID",
            "Status",
            "Finished",
            "What is the main reason?",
        ]);
        let data = row(&["R_1", "0", "1", "price"]);
        let s = detect(&header, &[names, data], Wanted::Auto).unwrap();
        assert_eq!((s.layout, s.extra_rows), (Layout::QualtricsLegacy, 1));
        assert_eq!(s.names, row(&["ResponseID", "Status", "Finished", "Q1"]));
        assert_eq!(s.questions[3].as_deref(), Some("What is the main reason?"));
    }

    #[test]
    fn surveymonkey_folds_two_rows() {
        let header = row(&[
            "Respondent ID",
            "Collector ID",
            "Why did you cancel?",
            "",
            "",
            "Anything else?",
        ]);
        let sub = row(&[
            "",
            "",
            "Response",
            "Other (please specify)",
            "",
            "Open-Ended Response",
        ]);
        let s = detect(&header, &[sub], Wanted::Auto).unwrap();
        assert_eq!(s.layout, Layout::SurveyMonkey);
        assert_eq!(s.extra_rows, 1);
        assert_eq!(
            s.names,
            row(&[
                "Respondent ID",
                "Collector ID",
                "Why did you cancel?",
                "Why did you cancel? - Other (please specify)",
                "Why did you cancel?",
                "Anything else?",
            ])
        );
        // Cut after its first row.
        let err = detect(&header, &[], Wanted::Auto).unwrap_err();
        assert!(err.contains("ends after the first"), "{err}");
    }

    #[test]
    fn other_tools_are_recognized_and_plain_stays_plain() {
        let cases = [
            (
                &["#", "Why?", "Network ID", "Submit Date (UTC)"][..],
                Layout::Typeform,
            ),
            (
                &["Timestamp", "Email Address", "Why?"][..],
                Layout::GoogleForms,
            ),
            (
                &["ID", "Start time", "Completion time", "Why?"][..],
                Layout::MicrosoftForms,
            ),
            (
                &["Response ID", "Time Started", "Date Submitted", "Status"][..],
                Layout::Alchemer,
            ),
            (
                &["Submission Date", "Submission ID", "Why?"][..],
                Layout::Jotform,
            ),
            (&["id", "reason"][..], Layout::Plain),
        ];
        for (header, layout) in cases {
            let s = detect(&row(header), &[], Wanted::Auto).unwrap();
            assert_eq!(s.layout, layout, "{header:?}");
            assert_eq!(s.extra_rows, 0);
        }
        // --layout plain turns detection off.
        let s = detect(
            &row(&["Respondent ID", "Collector ID", "Why?"]),
            &[row(&["", "", "Response"])],
            Wanted::Fixed(Layout::Plain),
        )
        .unwrap();
        assert_eq!((s.layout, s.extra_rows), (Layout::Plain, 0));
    }

    #[test]
    fn answer_groups_gather_choices_and_other_text() {
        let q = row(&[
            "ResponseId",
            "Q1",
            "Q1_4_TEXT",
            "Q2_1",
            "Q2_2",
            "Q2_5_TEXT",
            "Q3",
        ]);
        assert_eq!(answer_group(Layout::Qualtrics, &q, 1), [1, 2]);
        assert_eq!(answer_group(Layout::Qualtrics, &q, 3), [3, 4, 5]);
        assert_eq!(answer_group(Layout::Qualtrics, &q, 6), [6]);
        let sm = row(&[
            "Respondent ID",
            "Why?",
            "Why? - Too expensive",
            "Why? - Other (please specify)",
            "Anything else?",
        ]);
        assert_eq!(answer_group(Layout::SurveyMonkey, &sm, 1), [1, 2, 3]);
        assert_eq!(answer_group(Layout::SurveyMonkey, &sm, 4), [4]);
        assert_eq!(answer_group(Layout::Plain, &sm, 1), [1]);
        let cells = [Some("Other"), Some(" a friend told me "), None];
        assert_eq!(group_answer(cells.iter().copied()), "a friend told me");
        let cells = [Some("Too expensive"), Some(""), Some("Missing features")];
        assert_eq!(
            group_answer(cells.iter().copied()),
            "Too expensive; Missing features"
        );
        let cells = [Some("Other (please specify)"), None];
        assert_eq!(
            group_answer(cells.iter().copied()),
            "Other (please specify)"
        );
    }

    #[test]
    fn a_generic_export_with_a_status_is_not_qualtrics() {
        let header = row(&["ResponseId", "StartDate", "EndDate", "Status", "reason"]);
        let data = row(&["1", "2024-01-01", "2024-01-02", "Test account", "price"]);
        let s = detect(&header, &[data.clone(), data], Wanted::Auto).unwrap();
        assert_eq!(s.layout, Layout::Plain);
    }

    #[test]
    fn statuses_say_why_a_response_is_not_an_answer() {
        use Exclusion::*;
        let q = StatusColumn::QualtricsStatus;
        assert_eq!(q.exclusion("1"), Some(Preview));
        assert_eq!(q.exclusion("Survey Preview"), Some(Preview));
        assert_eq!(q.exclusion("Survey Test"), Some(Test));
        assert_eq!(q.exclusion("Spam"), Some(Spam));
        assert_eq!(q.exclusion("Survey Preview Spam"), Some(Spam));
        assert_eq!(q.exclusion("0"), None);
        assert_eq!(q.exclusion("IP Address"), None);
        assert_eq!(StatusColumn::Channel.exclusion("preview"), Some(Preview));
        assert_eq!(StatusColumn::Channel.exclusion("anonymous"), None);
        assert_eq!(StatusColumn::Finished.exclusion("False"), Some(Unfinished));
        assert_eq!(StatusColumn::Finished.exclusion("0"), Some(Unfinished));
        assert_eq!(StatusColumn::Finished.exclusion("1"), None);
        assert_eq!(
            StatusColumn::AlchemerStatus.exclusion("Partial"),
            Some(Unfinished)
        );
        let retain = StatusColumn::RetainStatus;
        assert_eq!(retain.exclusion("retained"), Some(Saved));
        assert_eq!(retain.exclusion("aborted"), Some(Aborted));
        assert_eq!(retain.exclusion("chose_to_cancel"), None);
        assert_eq!(StatusColumn::SaveType.exclusion("PAUSE"), Some(Paused));
        assert_eq!(StatusColumn::SaveType.exclusion("ABANDON"), Some(Aborted));
        assert_eq!(StatusColumn::SaveType.exclusion("DISCOUNT"), Some(Saved));
        assert_eq!(StatusColumn::SaveType.exclusion(""), None);
        assert!(StatusColumn::Canceled.keeps("true"));
        assert!(!StatusColumn::SaveType.keeps("true"));
        assert_eq!(StatusColumn::Canceled.exclusion("false"), Some(Aborted));
        let names = row(&[
            "status",
            "cancelReason",
            "additionalFeedback",
            "subscriptionId",
        ]);
        assert_eq!(
            detect(&names, &[], Wanted::Auto).unwrap().layout,
            Layout::PaddleRetain
        );
        assert_eq!(answer_group(Layout::PaddleRetain, &names, 2), [1, 2]);
        let names = row(&[
            "id",
            "canceled",
            "aborted",
            "saveType",
            "feedback",
            "surveyResponse",
        ]);
        assert_eq!(
            detect(&names, &[], Wanted::Auto).unwrap().layout,
            Layout::Churnkey
        );
        assert_eq!(answer_group(Layout::Churnkey, &names, 4), [5, 4]);
    }
}
