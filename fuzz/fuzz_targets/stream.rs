//! The streamed reader against the whole-file reader on arbitrary bytes: written to a file,
//! scanned in blocks of a size the first byte picks (1 to 256 bytes) and read whole, both must
//! give the same result (the same error, or the same tally, rows and notes). Any panic fails.
#![no_main]

use churn_attribution::attribute::{account, classify_answers, merge};
use churn_attribution::classify::Scratch;
use churn_attribution::config::Attribution;
use churn_attribution::input::{scan, Answers, ColumnOptions, ReadOptions};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let (taxonomy, classifier) = common::built();
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("fuzz.csv");
    std::fs::write(&path, bytes).expect("write");
    let path = path.to_string_lossy().into_owned();
    let reasons = taxonomy.reasons.len();
    let run = |block: usize| {
        let read = ReadOptions {
            skip_bad_rows: flags & 1 != 0,
            block_bytes: Some(block),
            ..ReadOptions::default()
        };
        let classify =
            |s: &mut Scratch, a: &Answers<'_>| classify_answers(classifier, reasons, true, a, s);
        scan(
            &[path.clone()],
            &read,
            &ColumnOptions::default(),
            taxonomy,
            classifier,
            &Scratch::new,
            &classify,
            &|_, _| {},
        )
        .map(|(loaded, parts)| {
            let mut t = merge(parts, reasons, Attribution::Primary);
            account(&mut t, &loaded);
            assert!(
                t.balanced(Attribution::Primary),
                "row accounting must balance"
            );
            (
                t,
                loaded.sources,
                loaded.rejected,
                loaded.notes,
                loaded.filled,
            )
        })
        .map_err(|e| format!("{e:#}"))
    };
    let whole = run(0);
    let streamed = run(usize::from(flags >> 1) + 1);
    assert_eq!(whole, streamed);
});
