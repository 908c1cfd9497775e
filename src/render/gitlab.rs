//! GitLab Code Quality report: a JSON array of issues with a fingerprint,
//! a severity and the path and line.

use std::io::{self, Write};

use serde_json::json;

use super::{FileReport, Renderer, Summary};
use crate::diagnostic::Severity;
use crate::fingerprint::file_fingerprints;
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Gitlab {
    first: bool,
}

impl Gitlab {
    pub fn new() -> Self {
        Gitlab { first: true }
    }
}

impl Renderer for Gitlab {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        out.write_all(b"[")
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        let fingerprints = file_fingerprints(r.diagnostics, r.source);
        for (d, fp) in r.diagnostics.iter().zip(fingerprints) {
            let begin = index.position(r.source, d.range.start);
            let end = index.position(r.source, d.range.end);
            let severity = match d.severity {
                Severity::Error => "major",
                Severity::Warning => "minor",
                Severity::Suggestion => "info",
            };
            let issue = json!({
                "description": d.message,
                "check_name": d.rule_id(),
                "fingerprint": format!("{}:{fp}", r.path),
                "severity": severity,
                "location": {"path": r.path, "lines": {"begin": begin.line, "end": end.line}},
            });
            out.write_all(if self.first { b"\n  " } else { b",\n  " })?;
            self.first = false;
            serde_json::to_writer(&mut *out, &issue)?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        out.write_all(if self.first { b"]\n" } else { b"\n]\n" })
    }
}
