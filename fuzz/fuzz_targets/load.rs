//! Decompressing, sniffing, decoding, parsing (CSV, workbook, Parquet) and tagging arbitrary
//! bytes: any result is fine, a panic is not. The first byte picks the options (skip bad rows,
//! a forced delimiter, a `--where` filter, a named reason column, keeping every column).
#![no_main]

use churn_attribution::attribute::tally_export;
use churn_attribution::config::Attribution;
use churn_attribution::input::{self, filter, source, ColumnOptions, ReadOptions, Source};
use libfuzzer_sys::fuzz_target;

mod common;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let (taxonomy, classifier) = common::built();
    let read = ReadOptions {
        skip_bad_rows: flags & 1 != 0,
        delimiter: (flags & 2 != 0).then_some(b';'),
        filters: if flags & 4 != 0 {
            vec![filter::parse("plan in a,b").unwrap()]
        } else {
            Vec::new()
        },
        ..ReadOptions::default()
    };
    let options = ColumnOptions {
        reason_col: (flags & 8 != 0).then(|| "reason".to_string()),
        keep_all: flags & 16 != 0,
        ..ColumnOptions::default()
    };
    let Ok((bytes, compression)) = source::decompress("fuzz", bytes.to_vec()) else {
        return;
    };
    let Ok(format) = source::format_of("fuzz", &bytes) else {
        return;
    };
    let src = Source {
        name: "fuzz".into(),
        bytes,
        compression,
        format,
    };
    if let Ok(loaded) = input::load_sources(vec![src], &read, &options, taxonomy, classifier) {
        let t = tally_export(
            classifier,
            taxonomy.reasons.len(),
            Attribution::Primary,
            true,
            &loaded,
        );
        assert!(
            t.balanced(Attribution::Primary),
            "row accounting must balance"
        );
    }
});
