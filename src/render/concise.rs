//! `path:line:col: severity[rule-id] message`, one finding per line, for
//! editors' error formats and grep.

use std::io::{self, Write};

use super::{FileReport, Renderer};
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Concise;

impl Renderer for Concise {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        super::write_findings(out, r, &index, |out, index, d| {
            // Only the start: a full `Located` would also place the fix.
            let at = index.position(r.source, d.range.start);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                r.path,
                at.line,
                at.column,
                d.severity.as_str(),
                d.rule_id(),
                d.message
            )
        })
    }
}
