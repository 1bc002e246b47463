//! `churn tag --format parquet`: the tagged rows' frames written as a Parquet file through
//! polars, a row group per block as the blocks come in order; the footer after the last.

use std::cell::RefCell;
use std::io::Write;
use std::rc::Rc;

use anyhow::{bail, Result};
// By its module: with more of polars' features (the Python package's) CSV has one too.
use polars::io::parquet::write::BatchedWriter;
use polars::prelude::{DataFrame, ParquetWriter};

use crate::input::FrameOut;

/// The bytes polars writes, taken as they come, for the output the stream gives each time.
#[derive(Clone, Default)]
struct Pending(Rc<RefCell<Vec<u8>>>);

impl Write for Pending {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.borrow_mut().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Pending {
    fn write_to(&self, out: &mut dyn Write) -> std::io::Result<()> {
        let mut bytes = self.0.borrow_mut();
        out.write_all(&bytes)?;
        bytes.clear();
        Ok(())
    }
}

/// A Parquet file made of frames (zstd-compressed, with statistics: polars' defaults), begun
/// with the first frame's columns.
#[derive(Default)]
pub struct Parquet {
    writer: Option<BatchedWriter<Pending>>,
    pending: Pending,
}

impl FrameOut for Parquet {
    fn write(&mut self, frame: &DataFrame, out: &mut dyn Write) -> Result<()> {
        let writer = match &mut self.writer {
            Some(writer) => writer,
            None => self
                .writer
                .insert(ParquetWriter::new(self.pending.clone()).batched(frame.schema())?),
        };
        writer.write_batch(frame)?;
        self.pending.write_to(out)?;
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write) -> Result<()> {
        let Some(writer) = &self.writer else {
            bail!("no rows to write as Parquet");
        };
        writer.finish()?;
        self.pending.write_to(out)?;
        Ok(())
    }
}
