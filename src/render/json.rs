//! `json`: a JSON array with one object per finding (one per line);
//! `jsonl`: one JSON object per line, nothing else.

use std::io::{self, Write};

use super::{FileReport, Located, Renderer, Summary};
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Json {
    first: bool,
    /// A file's objects, gathered and written out in pieces of about
    /// [`BUF_BYTES`]: serde writes many small pieces, each a call through
    /// `dyn Write` when written straight out.
    buf: Vec<u8>,
}

impl Json {
    pub fn new() -> Self {
        Json {
            first: true,
            buf: Vec::new(),
        }
    }
}

impl Renderer for Json {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        out.write_all(b"[")
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        self.buf.clear();
        for d in r.diagnostics {
            self.buf
                .extend_from_slice(if self.first { b"\n  " } else { b",\n  " });
            self.first = false;
            serde_json::to_writer(&mut self.buf, &Located::new(r.path, r.source, &index, d))?;
            flush_full(out, &mut self.buf)?;
        }
        out.write_all(&self.buf)
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        out.write_all(if self.first { b"]\n" } else { b"\n]\n" })
    }
}

/// One finding per line, the same objects as [`Json`].
#[derive(Debug, Default)]
pub struct JsonLines {
    /// A file's lines, gathered as [`Json`] gathers its objects.
    buf: Vec<u8>,
}

impl Renderer for JsonLines {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        self.buf.clear();
        for d in r.diagnostics {
            serde_json::to_writer(&mut self.buf, &Located::new(r.path, r.source, &index, d))?;
            self.buf.push(b'\n');
            flush_full(out, &mut self.buf)?;
        }
        out.write_all(&self.buf)
    }
}

/// Writes `buf` out once it holds [`BUF_BYTES`], so a file with many
/// findings is never held whole.
fn flush_full(out: &mut dyn Write, buf: &mut Vec<u8>) -> io::Result<()> {
    if buf.len() >= BUF_BYTES {
        out.write_all(buf)?;
        buf.clear();
    }
    Ok(())
}

/// How much of a file's report the JSON formats gather before writing.
const BUF_BYTES: usize = 64 * 1024;
