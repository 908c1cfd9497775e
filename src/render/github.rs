//! GitHub Actions workflow commands:
//! `::warning file=…,line=…,endLine=…,col=…,endColumn=…,title=…::message`.

use std::io::{self, Write};

use super::{FileReport, Located, Renderer};
use crate::diagnostic::Severity;
use crate::location::LineIndex;

#[derive(Debug, Default)]
pub struct Github;

/// Escapes the message (data) of a workflow command.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value of a workflow command.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

impl Renderer for Github {
    fn file(&mut self, out: &mut dyn Write, r: &FileReport<'_>) -> io::Result<()> {
        if r.diagnostics.is_empty() {
            return Ok(());
        }
        let index = LineIndex::new(r.source);
        for d in r.diagnostics {
            let l = Located::new(r.path, r.source, &index, d);
            let level = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Suggestion => "notice",
            };
            writeln!(
                out,
                "::{level} file={},line={},endLine={},col={},endColumn={},title={}::{}",
                escape_property(l.path),
                l.line,
                l.end_line,
                l.column,
                l.end_column,
                escape_property(&format!("copylint {} ({})", l.rule, l.category)),
                escape_data(l.message),
            )?;
        }
        Ok(())
    }

    fn error(&mut self, out: &mut dyn Write, path: &str, message: &str) -> io::Result<()> {
        writeln!(
            out,
            "::error file={},title=copylint::{}",
            escape_property(path),
            escape_data(message)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_workflow_command_rules() {
        assert_eq!(
            escape_data("50% done\r\nnext: a, b"),
            "50%25 done%0D%0Anext: a, b"
        );
        assert_eq!(
            escape_property("dir, name: 100%.md\n"),
            "dir%2C name%3A 100%25.md%0A"
        );
    }
}
