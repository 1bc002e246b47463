//! Property tests of reading, through the library (no process per case): every row is
//! accounted for; results do not depend on row order or on how rows are split across files;
//! the same data in UTF-8, UTF-16 and Windows-1252, with any of the four delimiters, gives the
//! same result.

use std::sync::OnceLock;

use churn_attribution::attribute::{tally_export, Keep, Tally};
use churn_attribution::classify::Classifier;
use churn_attribution::config::Attribution;
use churn_attribution::input::decode::encode;
use churn_attribution::input::{filter, load_sources, source, ColumnOptions, ReadOptions, Source};
use churn_attribution::quotes::Quotes;
use churn_attribution::taxonomy::Taxonomy;
use proptest::prelude::*;

fn built() -> &'static (Taxonomy, Classifier) {
    static BUILT: OnceLock<(Taxonomy, Classifier)> = OnceLock::new();
    BUILT.get_or_init(|| {
        let t = churn_attribution::config::builtin_taxonomy();
        let c = Classifier::new(&t).unwrap();
        (t, c)
    })
}

/// Answers to draw from: reasons in several languages, blanks, no-answer forms, nonsense, and
/// text with the characters that make CSV hard (delimiters, quotes, line breaks, accents, an en
/// dash), all of it encodable in Windows-1252.
const ANSWERS: &[&str] = &[
    "Too expensive",
    "prix trop élevé",
    "Zu teuer – viel zu teuer",
    "support never answered; nobody called back",
    "We moved abroad",
    "switched to a competitor, \"better\" features",
    "the app kept crashing\nand lost my data",
    "rude staff | slow replies",
    "n/a",
    "",
    "   ",
    "asdf",
    "company went bankrupt",
    "not too expensive, just\tnot needed",
    "Le support ne répond jamais",
];

const PLANS: &[&str] = &["Team", "Starter", "Business", "Équipe"];

#[derive(Debug, Clone)]
struct Row {
    id: usize,
    plan: &'static str,
    answer: &'static str,
}

fn rows() -> impl Strategy<Value = Vec<Row>> {
    prop::collection::vec((0..PLANS.len(), 0..ANSWERS.len()), 1..40).prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(id, (p, a))| Row {
                id,
                plan: PLANS[p],
                answer: ANSWERS[a],
            })
            .collect()
    })
}

fn csv_text(rows: &[Row], delimiter: u8, crlf: bool) -> String {
    let mut w = csv::WriterBuilder::new()
        .delimiter(delimiter)
        .terminator(if crlf {
            csv::Terminator::CRLF
        } else {
            csv::Terminator::Any(b'\n')
        })
        .from_writer(Vec::new());
    w.write_record(["id", "plan", "Churn Reason"]).unwrap();
    for r in rows {
        w.write_record([r.id.to_string().as_str(), r.plan, r.answer])
            .unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn source(name: &str, bytes: Vec<u8>) -> Source {
    Source {
        name: name.to_string(),
        format: source::format_of(name, &bytes).unwrap(),
        bytes,
        compression: None,
    }
}

/// Load and tally (the rows outside the frame are counted by `tally_export`).
fn run(sources: Vec<Source>, read: &ReadOptions) -> Tally {
    let (taxonomy, classifier) = built();
    let loaded = load_sources(
        sources,
        read,
        &ColumnOptions::default(),
        taxonomy,
        classifier,
    )
    .unwrap();
    tally_export(
        classifier,
        taxonomy.reasons.len(),
        Attribution::Primary,
        &keep(taxonomy),
        &loaded,
    )
}

/// What the tallies keep: unclassified answers and quote candidates, so that the reads are held
/// to the same of both.
fn keep(taxonomy: &Taxonomy) -> Keep {
    let subs = taxonomy.reasons.iter().map(|r| r.subs.len()).collect();
    Keep {
        unclassified: true,
        redact: false,
        proposals: true,
        quotes: Some(Quotes::new(2, subs)),
        overrides: None,
    }
}

/// What a result is compared on: every count, and the credit per reason.
fn summary(t: &Tally) -> (Vec<usize>, Vec<u64>) {
    (
        vec![
            t.read,
            t.tagged,
            t.unclassified,
            t.no_answer,
            t.involuntary,
            t.rejected,
            t.filtered_out,
            t.multi_reason,
        ],
        t.by_reason.iter().map(|x| x.round() as u64).collect(),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    /// read = tagged + unclassified + no answer + involuntary + rejected + filtered out, with
    /// broken rows skipped and a filter applied.
    #[test]
    fn every_row_is_accounted_for(
        rows in rows(),
        broken in prop::collection::vec(any::<bool>(), 40),
        plans in prop::collection::vec(0..PLANS.len(), 1..3),
    ) {
        // Some rows get a stray extra field.
        let mut text = csv_text(&rows, b',', false);
        let mut broken_rows = 0;
        {
            let mut reader = csv::ReaderBuilder::new().from_reader(text.as_bytes());
            let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
            w.write_record(["id", "plan", "Churn Reason"]).unwrap();
            for (i, rec) in reader.records().enumerate() {
                let mut rec: Vec<String> = rec.unwrap().iter().map(str::to_string).collect();
                if broken[i % broken.len()] && i % 3 == 0 {
                    rec.push("extra".into());
                    broken_rows += 1;
                }
                w.write_record(&rec).unwrap();
            }
            text = String::from_utf8(w.into_inner().unwrap()).unwrap();
        }
        let list: Vec<&str> = plans.iter().map(|&p| PLANS[p]).collect();
        let read = ReadOptions {
            skip_bad_rows: true,
            filters: vec![filter::parse(&format!("plan in {}", list.join(","))).unwrap()],
            ..ReadOptions::default()
        };
        if broken_rows == rows.len() {
            return Ok(()); // every row broken is an error, tested elsewhere
        }
        let kept = rows
            .iter()
            .enumerate()
            .filter(|(i, r)| !(broken[i % broken.len()] && i % 3 == 0) && list.contains(&r.plan))
            .count();
        let (taxonomy, classifier) = built();
        let loaded = load_sources(
            vec![source("a.csv", text.into_bytes())],
            &read,
            &ColumnOptions::default(),
            taxonomy,
            classifier,
        );
        let loaded = match loaded {
            Ok(loaded) => loaded,
            Err(e) => {
                // Only when the filter leaves nothing.
                prop_assert_eq!(kept, 0, "failed with rows left: {:#}", e);
                return Ok(());
            }
        };
        let t = tally_export(classifier, taxonomy.reasons.len(), Attribution::Primary, &keep(taxonomy), &loaded);
        prop_assert_eq!(t.read, rows.len());
        prop_assert_eq!(t.rejected, broken_rows);
        prop_assert_eq!(
            t.read,
            t.tagged + t.unclassified + t.no_answer + t.involuntary + t.rejected + t.filtered_out
        );
        prop_assert!(t.balanced(Attribution::Primary));
        prop_assert_eq!(t.read - t.rejected - t.filtered_out, kept);
    }

    /// Shuffling the rows, or splitting them over several files, changes nothing.
    #[test]
    fn order_and_files_do_not_matter(
        rows in rows(),
        seed in any::<u64>(),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..3),
    ) {
        let read = ReadOptions::default();
        let whole = run(vec![source("a.csv", csv_text(&rows, b',', false).into_bytes())], &read);

        let mut shuffled = rows.clone();
        // A deterministic shuffle from the seed.
        let mut state = seed | 1;
        for i in (1..shuffled.len()).rev() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            shuffled.swap(i, (state % (i as u64 + 1)) as usize);
        }
        let again = run(vec![source("b.csv", csv_text(&shuffled, b',', false).into_bytes())], &read);
        prop_assert_eq!(summary(&again), summary(&whole));

        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(rows.len())).collect();
        at.push(0);
        at.push(rows.len());
        at.sort_unstable();
        at.dedup();
        let parts: Vec<Source> = at
            .windows(2)
            .enumerate()
            .filter(|(_, w)| w[0] < w[1])
            .map(|(k, w)| source(&format!("part{k}.csv"), csv_text(&rows[w[0]..w[1]], b',', false).into_bytes()))
            .collect();
        let split = run(parts, &read);
        prop_assert_eq!(summary(&split), summary(&whole));
    }

    /// UTF-8 (with or without a byte-order mark), UTF-16 LE and BE, Windows-1252; comma,
    /// semicolon, tab and pipe; LF and CRLF: one result.
    #[test]
    fn encodings_and_delimiters_do_not_matter(
        rows in rows(),
        delimiter in prop::sample::select(vec![b',', b';', b'\t', b'|']),
        encoding in 0..5usize,
        crlf in any::<bool>(),
    ) {
        let read = ReadOptions::default();
        let base = run(vec![source("a.csv", csv_text(&rows, b',', false).into_bytes())], &read);
        let text = csv_text(&rows, delimiter, crlf);
        let bytes = match encoding {
            0 => text.into_bytes(),
            1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
            2 => encode(&text, encoding_rs::UTF_16LE),
            3 => encode(&text, encoding_rs::UTF_16BE),
            _ => encode(&text, encoding_rs::WINDOWS_1252),
        };
        let other = run(vec![source("b.csv", bytes)], &read);
        prop_assert_eq!(summary(&other), summary(&base));
    }
}

mod streaming {
    //! The streamed reader (blocks of whole records on every core) reads exactly what the
    //! whole-file reader reads: the same rows on the same lines, the same counts, tags, notes,
    //! rejected rows and extra cells, for any block size and whatever CSV quirks the file has.
    use super::*;
    use churn_attribution::attribute::{account, classify_answers, merge};
    use churn_attribution::classify::Scratch;
    use churn_attribution::input::{
        scan, stream_rows, Answers, Heading, Loaded, Out, Render, Rendered, RowRun, RowSink,
        RunRow, Work,
    };

    /// One record's quirks.
    #[derive(Debug, Clone)]
    struct Quirks {
        answer: usize,
        plan: usize,
        quote: bool,
        crlf: bool,
        blank_line: bool,
        extra_field: bool,
        /// An unquoted answer with a `"` inside it (`5" screen`), which csv reads literally.
        stray_quote: bool,
    }

    fn quirks() -> impl Strategy<Value = Vec<Quirks>> {
        prop::collection::vec(
            (
                0..ANSWERS.len(),
                0..PLANS.len(),
                any::<bool>(),
                any::<bool>(),
                prop::bool::weighted(0.1),
                prop::bool::weighted(0.05),
                prop::bool::weighted(0.03),
            )
                .prop_map(
                    |(answer, plan, quote, crlf, blank_line, extra_field, stray_quote)| Quirks {
                        answer,
                        plan,
                        quote,
                        crlf,
                        blank_line,
                        extra_field,
                        stray_quote,
                    },
                ),
            1..80,
        )
    }

    fn text(rows: &[Quirks], delimiter: u8, final_break: bool) -> String {
        let d = delimiter as char;
        let mut out = format!("id{d}plan{d}Churn Reason\n");
        for (i, q) in rows.iter().enumerate() {
            let answer = ANSWERS[q.answer];
            let special = answer.contains([d, '"', '\n', '\r']);
            let cell = if q.stray_quote && !special {
                format!("5\" screen {answer}")
            } else if q.quote || special {
                format!("\"{}\"", answer.replace('"', "\"\""))
            } else {
                answer.to_string()
            };
            out.push_str(&format!("{i}{d}{}{d}{cell}", PLANS[q.plan]));
            if q.extra_field {
                out.push_str(&format!("{d}extra"));
            }
            if i + 1 < rows.len() || final_break {
                out.push_str(if q.crlf { "\r\n" } else { "\n" });
            }
            if q.blank_line && i + 1 < rows.len() {
                out.push('\n');
            }
        }
        out
    }

    fn scan_file(path: &str, read: &ReadOptions) -> Result<(Loaded, Tally), String> {
        let (taxonomy, classifier) = built();
        let reasons = taxonomy.reasons.len();
        let kept = keep(taxonomy);
        let classify =
            |s: &mut Scratch, a: &Answers<'_>| classify_answers(classifier, reasons, &kept, a, s);
        let options = ColumnOptions {
            extra: vec![("--by", "plan".to_string())],
            find_id: true,
            ..ColumnOptions::default()
        };
        let work = Work {
            init: &Scratch::new,
            map: &classify,
            progress: &|_, _| {},
        };
        let (loaded, parts) = scan(
            &[path.to_string()],
            read,
            &options,
            (taxonomy, classifier),
            &work,
        )
        .map_err(|e| format!("{e:#}"))?;
        let mut t = merge(parts, reasons, Attribution::Split);
        account(&mut t, &loaded);
        Ok((loaded, t))
    }

    /// Writes each row as `line|cells|text` (rejected: `line|rejected|fields`).
    struct Lines;

    impl RowSink for Lines {
        type Renderer = Lines;
        fn begin(
            &mut self,
            heading: Heading<'_>,
            out: &mut dyn std::io::Write,
        ) -> anyhow::Result<Lines> {
            writeln!(out, "{}", heading.headers.join(","))?;
            Ok(Lines)
        }
    }

    impl Render for Lines {
        type State = ();
        fn state(&self) {}
        fn render(&self, _: &mut (), run: &RowRun<'_>, out: &mut Rendered) -> anyhow::Result<()> {
            use std::io::Write;
            for row in &run.rows {
                match row {
                    RunRow::Kept {
                        line,
                        cells,
                        answer,
                    } => {
                        out.line(*line);
                        writeln!(out, "|{}|{:?}", cells.join(","), answer.text)?;
                    }
                    RunRow::Rejected { line, row } => {
                        out.line(*line);
                        writeln!(out, "|rejected|{}", row.fields.join(","))?;
                    }
                }
            }
            Ok(())
        }
    }

    fn rows_of(path: &str, read: &ReadOptions) -> Result<Vec<u8>, String> {
        let (taxonomy, classifier) = built();
        let mut out = Vec::new();
        let options = ColumnOptions::default();
        stream_rows(
            &[path.to_string()],
            read,
            &options,
            (taxonomy, classifier),
            &mut Lines,
            Out {
                bytes: &mut out,
                frames: None,
            },
        )
        .map_err(|e| format!("{e:#}"))?;
        Ok(out)
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        /// `churn tag`'s rows: the same bytes streamed in blocks of any size as read whole, also
        /// when a block midway cannot be streamed and the file is read again whole.
        #[test]
        fn streamed_and_whole_rows_agree(
            rows in quirks(),
            final_break in any::<bool>(),
            skip_bad_rows in any::<bool>(),
            block in 1usize..400,
            chunk in 1usize..20,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("export.csv");
            std::fs::write(&path, text(&rows, b',', final_break)).unwrap();
            let path = path.to_string_lossy().into_owned();
            let read = |block, chunk| ReadOptions {
                skip_bad_rows,
                block_bytes: Some(block),
                chunk_rows: chunk,
                ..ReadOptions::default()
            };
            let whole = rows_of(&path, &read(0, None));
            // Read whole and written in chunks of a few rows, the same bytes.
            match (&whole, rows_of(&path, &read(0, Some(chunk)))) {
                (Ok(whole), Ok(chunked)) => prop_assert_eq!(
                    String::from_utf8_lossy(whole),
                    String::from_utf8_lossy(&chunked)
                ),
                (Err(_), Err(_)) => {}
                (w, c) => prop_assert!(false, "whole: {:?}\nchunked: {:?}", w, c),
            }
            match (whole, rows_of(&path, &read(block, None))) {
                (Ok(whole), Ok(streamed)) => prop_assert_eq!(
                    String::from_utf8_lossy(&whole),
                    String::from_utf8_lossy(&streamed)
                ),
                (Err(_), Err(_)) => {}
                (w, s) => prop_assert!(false, "whole: {:?}\nstreamed: {:?}", w, s),
            }
        }

        #[test]
        fn streamed_and_whole_reads_agree(
            rows in quirks(),
            delimiter in prop::sample::select(vec![b',', b';', b'\t']),
            final_break in any::<bool>(),
            skip_bad_rows in any::<bool>(),
            block in 1usize..400,
            gzip in prop::bool::weighted(0.2),
            chunk in 1usize..20,
        ) {
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("export.csv");
            let csv = text(&rows, delimiter, final_break);
            let bytes = if gzip {
                use std::io::Write;
                let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
                gz.write_all(csv.as_bytes()).unwrap();
                gz.finish().unwrap()
            } else {
                csv.clone().into_bytes()
            };
            std::fs::write(&path, bytes).unwrap();
            let path = path.to_string_lossy().into_owned();
            let read = |block, chunk| ReadOptions {
                skip_bad_rows,
                block_bytes: Some(block),
                chunk_rows: chunk,
                ..ReadOptions::default()
            };
            // Read whole and handed on in chunks of a few rows.
            let whole = scan_file(&path, &read(0, Some(chunk)));
            let streamed = scan_file(&path, &read(block, None));
            match (whole, streamed) {
                (Ok((w, tw)), Ok((s, ts))) => {
                    prop_assert!(!w.streamed);
                    // Without stray quotes or bad rows the file is streamed, not read whole.
                    let plain = rows.iter().all(|q| !q.stray_quote && !q.extra_field);
                    if plain {
                        prop_assert!(s.streamed, "{csv:?}");
                    }
                    prop_assert_eq!(&tw, &ts);
                    prop_assert_eq!(&w.sources, &s.sources);
                    prop_assert_eq!(&w.rejected, &s.rejected);
                    prop_assert_eq!(&w.notes, &s.notes);
                    prop_assert_eq!(&w.filled, &s.filled);
                    prop_assert_eq!(&w.lines, &s.lines);
                    prop_assert_eq!(&w.files, &s.files);
                    prop_assert_eq!(w.extra_cells(0), s.extra_cells(0));
                    prop_assert_eq!(w.id_cells(), s.id_cells());
                    prop_assert_eq!(&w.text_column, &s.text_column);
                }
                (Err(w), Err(s)) => prop_assert_eq!(w, s),
                (w, s) => prop_assert!(false, "whole: {:?}\nstreamed: {:?}", w.map(|x| x.1), s.map(|x| x.1)),
            }
        }
    }
}
