//! The first CSV record parser, on csv_core: the oracle that the unit tests and the fuzz target
//! `records` hold [`records::parse`](super::records::parse) to. Self-contained (csv_core only),
//! so the fuzz crate includes this file as it is.

/// The records read (line, fields), and how reading ended: whether the bytes ended between
/// records, where the last record visited starts (line, byte offset), and whether reading
/// stopped after `stop_after` records.
pub type Read = (Vec<(u64, Vec<Vec<u8>>)>, bool, Option<(u64, usize)>, bool);

/// Read at most `stop_after` records of `bytes`, which start a record on line `first_line`.
pub fn parse(bytes: &[u8], delimiter: u8, first_line: u64, stop_after: usize) -> Read {
    use csv_core::ReadRecordResult as R;
    let mut seen = Vec::new();
    let mut reader = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let mut out = vec![0u8; 1024];
    let mut ends = vec![0usize; 32];
    let mut pos = 0usize;
    let mut line = first_line;
    let mut last = None;
    // csv_core drops a byte-order mark at the start of its first input; a block of a stream
    // may start with those bytes as data, so the first call sees one byte only.
    let mut first_call = true;
    loop {
        // Line ends between records (blank lines, the `\n` of `\r\n`).
        let skip = bytes[pos..]
            .iter()
            .position(|&b| b != b'\n' && b != b'\r')
            .unwrap_or(bytes.len() - pos);
        line += bytes[pos..pos + skip]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        pos += skip;
        let start = pos;
        let counted = reader.line();
        let (mut nout, mut nend) = (0usize, 0usize);
        let result = loop {
            let input = if first_call {
                first_call = false;
                &bytes[pos..(pos + 1).min(bytes.len())]
            } else {
                &bytes[pos..]
            };
            let (res, nin, o, e) = reader.read_record(input, &mut out[nout..], &mut ends[nend..]);
            pos += nin;
            nout += o;
            nend += e;
            match res {
                R::InputEmpty if pos < bytes.len() => {}
                R::InputEmpty => {
                    // The end of the bytes: finish the record in progress, if any.
                    let (res, _, o, e) =
                        reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                    nout += o;
                    nend += e;
                    match res {
                        R::Record => break Some(false),
                        R::End => break None,
                        R::OutputEndsFull => {
                            ends.resize(ends.len() * 2, 0);
                            let (_, _, _, e) =
                                reader.read_record(&[], &mut out[nout..], &mut ends[nend..]);
                            nend += e;
                            break Some(false);
                        }
                        _ => break None,
                    }
                }
                R::OutputFull => out.resize(out.len() * 2, 0),
                R::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                R::Record => break Some(true),
                R::End => break None,
            }
        };
        let Some(terminated) = result else {
            return (seen, true, last, false);
        };
        last = Some((line, start));
        let fields = (0..nend)
            .map(|i| out[if i == 0 { 0 } else { ends[i - 1] }..ends[i]].to_vec())
            .collect();
        seen.push((line, fields));
        if seen.len() >= stop_after {
            return (seen, true, last, true);
        }
        if !terminated {
            return (seen, false, last, false);
        }
        // Line breaks inside the record and its end, as the parser counted them.
        line += reader.line() - counted;
    }
}
