//! Reviewdog Diagnostic Format (`rdjson`): one JSON document with every
//! finding. Columns are 1-based UTF-8 byte offsets, as the format defines
//! them; substitution rules carry their wordings as `suggestions`.

use std::io::{self, Write};

use serde_json::{Value, json};

use super::{FileReport, HOMEPAGE, Renderer, Summary, rule_url};
use crate::diagnostic::{Diagnostic, Severity};
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Rdjson {
    first: bool,
}

impl Rdjson {
    pub fn new() -> Self {
        Rdjson { first: true }
    }
}

/// `{line, column}` with the column in UTF-8 bytes.
fn position(index: &LineIndex, source: &str, offset: usize) -> Value {
    let p = index.position(source, offset);
    let line_start = index.line_range(source, p.line).start;
    json!({"line": p.line, "column": offset.saturating_sub(line_start) + 1})
}

fn diagnostic(r: &FileReport<'_>, index: &LineIndex, d: &Diagnostic) -> Value {
    let range = json!({
        "start": position(index, r.source, d.range.start),
        "end": position(index, r.source, d.range.end),
    });
    let severity = match d.severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Suggestion => "INFO",
    };
    // Every wording of a substitution rule, else the edits of the fix.
    let mut suggestions: Vec<Value> = d
        .suggestions
        .iter()
        .map(|text| json!({"range": range, "text": text}))
        .collect();
    if suggestions.is_empty()
        && let Some(fix) = &d.fix
    {
        for e in &fix.edits {
            let r = json!({"start": position(index, r.source, e.range.start), "end": position(index, r.source, e.range.end)});
            suggestions.push(json!({"range": r, "text": e.content}));
        }
    }
    let mut v = json!({
        "message": d.message,
        "location": {"path": r.path, "range": range},
        "severity": severity,
        "code": {"value": d.rule_id(), "url": rule_url(d.rule_id())},
    });
    if !suggestions.is_empty() {
        v["suggestions"] = Value::Array(suggestions);
    }
    v
}

impl Renderer for Rdjson {
    fn begin(&mut self, out: &mut dyn Write) -> io::Result<()> {
        self.first = true;
        let source = json!({"name": "copylint", "url": HOMEPAGE});
        write!(out, "{{\"source\":{source},\"diagnostics\":[")
    }

    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        for d in r.diagnostics {
            out.write_all(if self.first { b"\n  " } else { b",\n  " })?;
            self.first = false;
            serde_json::to_writer(&mut *out, &diagnostic(r, &index, d))?;
        }
        Ok(())
    }

    fn finish(&mut self, out: &mut dyn Write, _summary: &Summary) -> io::Result<()> {
        out.write_all(if self.first { b"]}\n" } else { b"\n]}\n" })
    }
}
