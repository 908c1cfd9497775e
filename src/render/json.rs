//! `json`: a JSON array with one object per finding (one per line);
//! `jsonl`: one JSON object per line, nothing else.

use std::io::{self, Write};

use super::{FileReport, Located, Renderer, Summary};
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Json {
    first: bool,
}

impl Json {
    pub fn new() -> Self {
        Json { first: true }
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
        for d in r.diagnostics {
            out.write_all(if self.first { b"\n  " } else { b",\n  " })?;
            self.first = false;
            serde_json::to_writer(&mut *out, &Located::new(r.path, r.source, &index, d))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        out.write_all(if self.first { b"]\n" } else { b"\n]\n" })
    }
}

/// One finding per line, the same objects as [`Json`].
#[derive(Debug, Default)]
pub struct JsonLines;

impl Renderer for JsonLines {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        for d in r.diagnostics {
            serde_json::to_writer(&mut *out, &Located::new(r.path, r.source, &index, d))?;
            out.write_all(b"\n")?;
        }
        Ok(())
    }
}
