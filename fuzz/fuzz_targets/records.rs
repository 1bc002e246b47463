//! The CSV record parser against csv_core on arbitrary bytes: the same records, fields and
//! lines, ending the same way. The first byte picks the delimiter and after how many records
//! to stop. Any panic fails.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../crates/input/src/records_oracle.rs"]
mod oracle;

fuzz_target!(|data: &[u8]| {
    let Some((&flags, bytes)) = data.split_first() else {
        return;
    };
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(flags & 3)];
    let stop_after = 1 + usize::from(flags >> 2);
    let mut seen = Vec::new();
    let parsed = churn_attribution::input::records::parse(bytes, delimiter, 1, |r| {
        let fields = (0..r.fields.len()).map(|i| r.fields.bytes(i).unwrap().to_vec());
        seen.push((r.line, fields.collect()));
        Ok(seen.len() < stop_after)
    })
    .unwrap();
    assert_eq!(
        (seen, parsed.clean, parsed.last, parsed.stopped),
        oracle::parse(bytes, delimiter, 1, stop_after)
    );
});
