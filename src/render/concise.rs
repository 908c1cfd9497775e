//! `path:line:col: severity[rule-id] message`, one finding per line, for
//! editors' error formats and grep.

use std::io::{self, Write};

use super::{FileReport, Located, Renderer};
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Concise;

impl Renderer for Concise {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        for d in r.diagnostics {
            let l = Located::new(r.path, r.source, &index, d);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                l.path, l.line, l.column, l.severity, l.rule, l.message
            )?;
        }
        Ok(())
    }
}
